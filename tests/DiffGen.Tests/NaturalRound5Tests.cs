using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Fifth round of natural idioms (<see cref="NaturalRound5"/>, <see cref="Round5Layer"/>): Forward equals the user's method,
    /// Backward returns the same value, gradients equal central differences (inputs away from where a condition switches),
    /// a seed scales them, inputs unchanged.
    /// </summary>
    public class NaturalRound5Tests
    {
        private const double Seed = 1.5;
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Theory]
        [InlineData(2.5)]
        [InlineData(0.3)]
        [InlineData(40.0)]
        public void Converged_flag_in_a_while_loop(double a)
        {
            double reference = NaturalRound5.ConvergedFlag(a);
            Check.Forward(reference, NaturalRound5.ConvergedFlagForward(a), "Forward");
            Check.Forward(reference, NaturalRound5.ConvergedFlagBackward(a, out double ga), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(NaturalRound5.ConvergedFlag, a), ga, "da");
            Check.Gradient(1.5 * Math.Sqrt(a), ga, "da (exact: d a^1.5 = 1.5 a^0.5)");
            NaturalRound5.ConvergedFlagBackward(a, out double scaled, Seed);
            Check.Scaled(ga, scaled, Seed, "da");
        }

        [Theory]
        [InlineData(3.0, false)] // every |x| below tol, some negative
        [InlineData(1.0, false)] // some above
        [InlineData(3.0, true)]  // no negative
        [InlineData(1.0, true)]
        public void Flags_set_with_or_and_and(double tol, bool positive)
        {
            var x = positive ? X.Select(Math.Abs).ToArray() : X;
            CheckVector(x, v => NaturalRound5.FlagsAfterLoop(v, tol), v => NaturalRound5.FlagsAfterLoopForward(v, tol),
                (v, g, seed) => NaturalRound5.FlagsAfterLoopBackward(v, tol, g, seed), "FlagsAfterLoop");
        }

        [Fact]
        public void Bool_local_from_a_comparison() =>
            CheckVector(X, NaturalRound5.LocalFlag, NaturalRound5.LocalFlagForward, NaturalRound5.LocalFlagBackward, "LocalFlag");

        [Fact]
        public void Select_then_sum_max_average()
        {
            var counts = new[] { 3, 1, 4, 1, 5 };
            CheckVector(X, x => NaturalRound5.SelectThenReduce(x, counts), x => NaturalRound5.SelectThenReduceForward(x, counts),
                (x, g, seed) => NaturalRound5.SelectThenReduceBackward(x, counts, g, seed), "SelectThenReduce");
        }

        [Fact]
        public void Instance_methods_of_a_struct_parameter()
        {
            var s = new Round5Scaler(0.2, 0.8, 1.1);
            CheckVector(X, x => NaturalRound5.StructMethod(x, s), x => NaturalRound5.StructMethodForward(x, s),
                (x, g, seed) => NaturalRound5.StructMethodBackward(x, s, g, seed), "StructMethod");
        }

        [Theory]
        [InlineData(9)]
        [InlineData(100)]
        public void Stackalloc_or_new_scratch(int n)
        {
            var x = TestData.Vector(new Random(n), n);
            CheckVector(x, NaturalRound5.StackOrHeapScratch, NaturalRound5.StackOrHeapScratchForward, NaturalRound5.StackOrHeapScratchBackward, "StackOrHeapScratch");
        }

        [Fact]
        public void Rows_of_a_flat_matrix_as_spans()
        {
            var w = TestData.Vector(new Random(7), 3 * X.Length);
            CheckVector(w, v => NaturalRound5Slices.FlatRows(v, X, 3), v => NaturalRound5Slices.FlatRowsForward(v, X, 3),
                (v, g, seed) => NaturalRound5Slices.FlatRowsBackward(v, X, 3, g, new double[X.Length], seed), "FlatRows dw");
            CheckVector(X, v => NaturalRound5Slices.FlatRows(w, v, 3), v => NaturalRound5Slices.FlatRowsForward(w, v, 3),
                (v, g, seed) => NaturalRound5Slices.FlatRowsBackward(w, v, 3, new double[w.Length], g, seed), "FlatRows dx");
        }

        [Fact]
        public void Parts_and_ranges_passed_to_helpers() =>
            CheckVector(X, NaturalRound5Slices.Parts, NaturalRound5Slices.PartsForward, NaturalRound5Slices.PartsBackward, "Parts");

        [Fact]
        public void Span_writer_on_a_part()
        {
            const double a = 1.7;
            CheckVector(X, x => NaturalRound5Slices.ScalePart(x, a), x => NaturalRound5Slices.ScalePartForward(x, a),
                (x, g, seed) => NaturalRound5Slices.ScalePartBackward(x, a, g, out _, seed), "ScalePart");
            NaturalRound5Slices.ScalePartBackward(X, a, new double[X.Length], out double ga);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalRound5Slices.ScalePart(X, v), a), ga, "da");
        }

        [Fact]
        public void Span_locals_viewing_parts()
        {
            var w = TestData.Vector(new Random(11), 2 * X.Length);
            CheckVector(w, v => NaturalRound5Slices.SpanLocals(v, X), v => NaturalRound5Slices.SpanLocalsForward(v, X),
                (v, g, seed) => NaturalRound5Slices.SpanLocalsBackward(v, X, g, new double[X.Length], seed), "SpanLocals dw");
            CheckVector(X, v => NaturalRound5Slices.SpanLocals(w, v), v => NaturalRound5Slices.SpanLocalsForward(w, v),
                (v, g, seed) => NaturalRound5Slices.SpanLocalsBackward(w, v, new double[w.Length], g, seed), "SpanLocals dx");
        }

        [Fact]
        public void Views_of_a_filled_scratch() =>
            CheckVector(X, x => NaturalRound5Slices.ViewsOfFilledScratch(x, 3), x => NaturalRound5Slices.ViewsOfFilledScratchForward(x, 3),
                (x, g, seed) => NaturalRound5Slices.ViewsOfFilledScratchBackward(x, 3, g, seed), "ViewsOfFilledScratch");

        [Fact]
        public void Range_local_and_parts_in_a_loop() =>
            CheckVector(X, NaturalRound5Slices.RangeLocal, NaturalRound5Slices.RangeLocalForward, NaturalRound5Slices.RangeLocalBackward, "RangeLocal");

        [Fact]
        public void Generic_math_helpers() =>
            CheckVector(X, NaturalRound5Generic.Helpers, NaturalRound5Generic.HelpersForward, NaturalRound5Generic.HelpersBackward, "Generic helpers");

        [Fact]
        public void Generic_math_helpers_in_float()
        {
            var x = TestData.ToFloat(X);
            float reference = NaturalRound5Generic.HelpersF(x);
            Assert.Equal(reference, NaturalRound5Generic.HelpersFForward(x), 3);
            var g = TestData.Garbage(x);
            Assert.Equal(reference, NaturalRound5Generic.HelpersFBackward(x, g), 3);
            // against central differences of the double instance (same formula) at the float inputs
            var xd = TestData.ToDouble(x);
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound5Generic.Helpers(xd), xd), g, "dx (float)");
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(0.6)]
        public void Instance_helper_of_a_layer_class(double slope)
        {
            var rng = new Random(5);
            var w = TestData.Matrix(rng, 3, 4);
            var b = TestData.Vector(rng, 3);
            var x = TestData.Vector(rng, 4);
            var t = TestData.Vector(rng, 3);
            var layer = new Round5Layer(w, b, slope);
            double reference = layer.Loss(x, t);
            Check.Forward(reference, layer.LossForward(x, t), "Forward");
            var (w0, b0, x0) = (TestData.Clone(w), TestData.Clone(b), TestData.Clone(x));
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            Check.Forward(reference, layer.LossBackward(x, t, gx, gw, gb), "Backward value");
            Check.Unchanged(w0, w, "w");
            Check.Unchanged(b0, b, "b");
            Check.Unchanged(x0, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, t), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, t), w), gw, "dW");
            Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, t), b), gb, "db");
            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            var sb = TestData.Garbage(b);
            layer.LossBackward(x, t, sx, sw, sb, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dW");
            Check.Scaled(gb, sb, Seed, "db");
        }
    }
}
