using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;
using static DiffGen.Tests.NaturalRound12Tests;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 12, second batch (<see cref="NaturalRound12b"/>): Forward equals the user's method, Backward returns the same value
    /// and leaves its inputs unchanged, gradients equal central differences, a seed scales them (the oracles of
    /// <see cref="NaturalRound12Tests"/>).
    /// </summary>
    public class NaturalRound12bTests
    {
        [Theory]
        [InlineData(3, 1)]
        [InlineData(3, 2)]
        [InlineData(6, 4)]
        [InlineData(9, 20)] // Take past the end stops at the end; Skip past the end is empty
        public void Skip_and_take_parts_copied_reduced_zipped_and_mapped(int n, int k)
        {
            OneMethod(Vec(700 + n + k, n), x => NaturalRound12b.SkipTake(x, k), x => NaturalRound12b.SkipTakeForward(x, k),
                (x, g, s) => NaturalRound12b.SkipTakeBackward(x, k, g, s), "SkipTake");
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void One_of_two_arrays_chosen_by_a_flag(bool useA)
        {
            // different lengths: the copy takes the chosen one's
            PairMethod(Vec(740, 4), Vec(741, 6), (a, b) => NaturalRound12b.Chosen(a, b, useA), (a, b) => NaturalRound12b.ChosenForward(a, b, useA),
                (a, b, ga, gb, s) => NaturalRound12b.ChosenBackward(a, b, useA, ga, gb, s), "Chosen");
            OneMethod(Vec(742, 5), x => NaturalRound12b.ChosenScratch(x, useA), x => NaturalRound12b.ChosenScratchForward(x, useA),
                (x, g, s) => NaturalRound12b.ChosenScratchBackward(x, useA, g, s), "ChosenScratch");
        }

        [Fact]
        public void List_of_rows_as_data()
        {
            var rows = TestData.Jagged(new Random(715), 4, 3);
            var batch = rows.ToList();
            OneMethod(Vec(716, 3), w => NaturalRound12b.ListBatch(batch, w), w => NaturalRound12b.ListBatchForward(batch, w),
                (w, g, s) => NaturalRound12b.ListBatchBackward(batch, w, g, s), "ListBatch");
            var e = Assert.Throws<ArgumentNullException>(() => NaturalRound12b.ListBatchForward(null!, new double[3]));
            Assert.Equal("batch", e.ParamName);
        }

        [Theory]
        [InlineData(3)]
        [InlineData(8)]
        public void Array_copy_of_a_head_and_skip_to_array_of_the_tail(int n) =>
            OneMethod(Vec(710 + n, n), NaturalRound12b.HeadTail, NaturalRound12b.HeadTailForward, (x, g, s) => NaturalRound12b.HeadTailBackward(x, g, s), "HeadTail");

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        public void Local_functions_after_the_final_return(int n) =>
            OneMethod(Vec(720 + n, n), NaturalRound12b.LocalFunctionsAfterReturn, NaturalRound12b.LocalFunctionsAfterReturnForward,
                (x, g, s) => NaturalRound12b.LocalFunctionsAfterReturnBackward(x, g, s), "LocalFunctionsAfterReturn");

        [Theory]
        [InlineData(0)]
        [InlineData(25)]
        public void Oscillator_with_scalar_parameters(int steps)
        {
            double F(double a, double b) => NaturalRound12b.Simulate(a, b, 0.05, steps);
            double reference = F(0.8, -0.3);
            Check.Forward(reference, NaturalRound12b.SimulateForward(0.8, -0.3, 0.05, steps), "Forward");
            Check.Forward(reference, NaturalRound12b.SimulateBackward(0.8, -0.3, 0.05, steps, out double gx, out double gv), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(a => F(a, -0.3), 0.8), gx, "d x0");
            Check.Gradient(FiniteDiff.Derivative(b => F(0.8, b), -0.3), gv, "d v0");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Thomas_algorithm(int n)
        {
            var a = Vec(730, n, 0.3); var c = Vec(731, n, 0.3); var rhs = Vec(732, n);
            var d = Vec(733, n, 0.2).Select(v => v + 3).ToArray();
            OneMethod(d, dd => NaturalRound12b.Tridiagonal(a, dd, c, rhs), dd => NaturalRound12b.TridiagonalForward(a, dd, c, rhs),
                (dd, g, s) => NaturalRound12b.TridiagonalBackward(a, dd, c, rhs, g, s), "Tridiagonal");
        }

        [Fact]
        public void Kmeans_inertia()
        {
            var pts = TestData.Matrix(new Random(740), 7, 2);
            var centers = TestData.Matrix(new Random(741), 3, 2);
            double reference = NaturalRound12b.Inertia(pts, centers);
            Check.Forward(reference, NaturalRound12b.InertiaForward(pts, centers), "Forward");
            var g = TestData.Garbage(centers);
            Check.Forward(reference, NaturalRound12b.InertiaBackward(pts, centers, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12b.Inertia(pts, centers), centers), g, "d centers");
        }

        [Theory]
        [InlineData("relu")]
        [InlineData("tanh")]
        [InlineData("linear")]
        public void Activation_named_by_a_string(string act) =>
            OneMethod(Vec(750, 6), x => NaturalRound12b.NamedActivation(x, act), x => NaturalRound12b.NamedActivationForward(x, act),
                (x, g, s) => NaturalRound12b.NamedActivationBackward(x, act, g, s), "NamedActivation");

        [Theory]
        [InlineData(Reduction12.Sum)]
        [InlineData(Reduction12.Mean)]
        public void Reduction_named_by_an_enum(Reduction12 r) =>
            OneMethod(Vec(760, 5), x => NaturalRound12b.Reduce(x, r), x => NaturalRound12b.ReduceForward(x, r),
                (x, g, s) => NaturalRound12b.ReduceBackward(x, r, g, s), "Reduce");

        [Theory]
        [InlineData(2)]
        [InlineData(7)]
        public void Ref_local_slots(int n) =>
            OneMethod(Vec(770 + n, n), NaturalRound12b.RefSlots, NaturalRound12b.RefSlotsForward, (x, g, s) => NaturalRound12b.RefSlotsBackward(x, g, s), "RefSlots");

        [Fact]
        public void Params_helper()
        {
            double reference = NaturalRound12b.ParamsHelper(0.3, -1.1, 0.7);
            Check.Forward(reference, NaturalRound12b.ParamsHelperForward(0.3, -1.1, 0.7), "Forward");
            Check.Forward(reference, NaturalRound12b.ParamsHelperBackward(0.3, -1.1, 0.7, out double ga, out double gb, out double gc), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(a => NaturalRound12b.ParamsHelper(a, -1.1, 0.7), 0.3), ga, "d a");
            Check.Gradient(FiniteDiff.Derivative(b => NaturalRound12b.ParamsHelper(0.3, b, 0.7), -1.1), gb, "d b");
            Check.Gradient(FiniteDiff.Derivative(c => NaturalRound12b.ParamsHelper(0.3, -1.1, c), 0.7), gc, "d c");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Lerp_scaleb_hypot(int n)
        {
            const double t = 0.35;
            PairMethod(Vec(780 + n, n), Vec(790 + n, n), (x, y) => NaturalRound12b.LerpHypot(x, y, t), (x, y) => NaturalRound12b.LerpHypotForward(x, y, t),
                (x, y, gx, gy, s) => NaturalRound12b.LerpHypotBackward(x, y, t, gx, gy, out _, s), "LerpHypot");
            var (x0, y0) = (Vec(780 + n, n), Vec(790 + n, n));
            NaturalRound12b.LerpHypotBackward(x0, y0, t, new double[n], new double[n], out double gt);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalRound12b.LerpHypot(x0, y0, v), t), gt, "d t");
        }

        [Theory]
        [InlineData(2)]
        [InlineData(6)]
        public void Path_length_through_struct_values(int n) =>
            PairMethod(Vec(800 + n, n), Vec(810 + n, n), NaturalRound12b.PathLength, NaturalRound12b.PathLengthForward,
                (x, y, gx, gy, s) => NaturalRound12b.PathLengthBackward(x, y, gx, gy, s), "PathLength");

        [Fact]
        public void Early_returns_for_empty_and_infinite_inputs()
        {
            OneMethod(Vec(820, 5), NaturalRound12b.GuardedMean, NaturalRound12b.GuardedMeanForward, (x, g, s) => NaturalRound12b.GuardedMeanBackward(x, g, s), "GuardedMean");
            Assert.Equal(0.0, NaturalRound12b.GuardedMeanBackward(Array.Empty<double>(), Array.Empty<double>()));
            var inf = new[] { 1.0, double.PositiveInfinity, 2.0 };
            var g = new double[3];
            Assert.True(double.IsNaN(NaturalRound12b.GuardedMeanBackward(inf, g)));
            Assert.All(g, v => Assert.Equal(0.0, v));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void Chebyshev_recurrence(int n) =>
            OneMethod(Vec(830 + n, n), c => NaturalRound12b.Chebyshev(c, 0.6), c => NaturalRound12b.ChebyshevForward(c, 0.6),
                (c, g, s) => NaturalRound12b.ChebyshevBackward(c, 0.6, g, s), "Chebyshev");

        [Fact]
        public void Jagged_cross_entropy_with_linq_log_sum_exp()
        {
            var logits = TestData.Jagged(new Random(840), 4, 5);
            var labels = new[] { 0, 3, 4, 1 };
            double reference = NaturalRound12b.JaggedCrossEntropy(logits, labels);
            Check.Forward(reference, NaturalRound12b.JaggedCrossEntropyForward(logits, labels), "Forward");
            var g = TestData.Garbage(logits);
            Check.Forward(reference, NaturalRound12b.JaggedCrossEntropyBackward(logits, labels, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12b.JaggedCrossEntropy(logits, labels), logits), g, "d logits");
        }
    }
}
