using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Issue 10, second round of natural idioms (<see cref="NaturalLibrary"/>): each method's Forward equals the user's method,
    /// Backward returns the same value, gradients equal central differences of the user's method (inputs away from where a
    /// condition switches), a seed scales them, inputs are left alone.
    /// </summary>
    public class NaturalLibraryTests
    {
        private const double Seed = -2.5;

        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void Switch_statement_chooses_the_activation(int kind) =>
            CheckVector(X, x => NaturalLibrary.SwitchActivation(x, kind), x => NaturalLibrary.SwitchActivationForward(x, kind),
                (x, g, seed) => NaturalLibrary.SwitchActivationBackward(x, kind, g, seed), "SwitchActivation");

        [Theory]
        [InlineData(0.5)]
        [InlineData(-0.5)]
        public void Switch_expression_with_relational_patterns_and_when(double cut)
        {
            CheckVector(X, x => NaturalLibrary.SwitchExpressionPiecewise(x, cut), x => NaturalLibrary.SwitchExpressionPiecewiseForward(x, cut),
                (x, g, seed) => NaturalLibrary.SwitchExpressionPiecewiseBackward(x, cut, g, out _, seed), "SwitchExpressionPiecewise");
            NaturalLibrary.SwitchExpressionPiecewiseBackward(X, cut, new double[X.Length], out double gcut);
            Check.Gradient(FiniteDiff.Derivative(c => NaturalLibrary.SwitchExpressionPiecewise(X, c), cut), gcut, "dcut");
        }

        [Fact]
        public void Index_from_the_end()
        {
            var r = new[] { new[] { 0.3, -0.8, 1.2 }, new[] { 2.0, -0.6 } };
            var rb = TestData.Clone(r);
            double reference = NaturalLibrary.FromTheEnd(X, r);
            Assert.Equal(X[^1] * X[^2] - X[0] + r[1][1] * r[0][1], reference, 12);
            Check.Forward(reference, NaturalLibrary.FromTheEndForward(X, r), "Forward");
            var gx = TestData.Garbage(X);
            var gr = TestData.Garbage(r);
            Check.Forward(reference, NaturalLibrary.FromTheEndBackward(X, r, gx, gr), "Backward value");
            Check.Unchanged(rb, r, "r");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalLibrary.FromTheEnd(X, r), X), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalLibrary.FromTheEnd(X, r), r), gr, "dr");
        }

        [Fact]
        public void Debug_assert_is_dropped()
        {
            var b = X.Select(v => v * 0.5 - 0.1).ToArray();
            CheckVector(X, a => NaturalLibrary.AssertedDot(a, b), a => NaturalLibrary.AssertedDotForward(a, b),
                (a, g, seed) => NaturalLibrary.AssertedDotBackward(a, b, g, new double[b.Length], seed), "AssertedDot");
        }

        [Fact]
        public void Array_fill_clear_and_copy()
        {
            const double w = 1.3;
            CheckVector(X, x => NaturalLibrary.FillClearCopy(x, w), x => NaturalLibrary.FillClearCopyForward(x, w),
                (x, g, seed) => NaturalLibrary.FillClearCopyBackward(x, w, g, out _, seed), "FillClearCopy");
            NaturalLibrary.FillClearCopyBackward(X, w, new double[X.Length], out double gw);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.FillClearCopy(X, v), w), gw, "dw");
        }

        [Fact]
        public void Linq_sum_max_average_with_and_without_a_selector() =>
            CheckVector(X, NaturalLibrary.LinqStatistics, NaturalLibrary.LinqStatisticsForward, NaturalLibrary.LinqStatisticsBackward, "LinqStatistics");

        [Fact]
        public void Two_counters_in_one_for_header()
        {
            CheckVector(X, NaturalLibrary.TwoCounters, NaturalLibrary.TwoCountersForward, NaturalLibrary.TwoCountersBackward, "TwoCounters");
            Assert.Equal(0, NaturalLibrary.TwoCountersForward(new[] { 3.0 }));
        }

        [Fact]
        public void Doubling_stride_with_continue()
        {
            var x = Enumerable.Range(0, 19).Select(i => Math.Sin(i)).ToArray();
            CheckVector(x, NaturalLibrary.DoublingStride, NaturalLibrary.DoublingStrideForward, NaturalLibrary.DoublingStrideBackward, "DoublingStride");
        }

        [Fact]
        public void Double_counter_time_loop()
        {
            double y0 = 1.7, k = 0.8, tEnd = 1.3;
            double reference = NaturalLibrary.EulerDecay(y0, k, tEnd);
            Check.Forward(reference, NaturalLibrary.EulerDecayForward(y0, k, tEnd), "Forward");
            Check.Forward(reference, NaturalLibrary.EulerDecayBackward(y0, k, tEnd, out double gy0, out double gk), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.EulerDecay(v, k, tEnd), y0), gy0, "dy0");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.EulerDecay(y0, v, tEnd), k), gk, "dk");
            // 11 steps of 0.125 cover [0, 1.3): (1 - 0.125 k)^11 y0
            Assert.Equal(Math.Pow(1 - 0.125 * k, 11) * y0, reference, 12);
        }

        [Theory]
        [InlineData(0.7)]
        [InlineData(-0.3)] // clamped: no derivative through x
        public void Assigned_scalar_parameters(double x)
        {
            double a = 0.4, b = -1.1;
            const int steps = 5;
            double reference = NaturalLibrary.AssignedParameters(a, b, x, steps);
            Check.Forward(reference, NaturalLibrary.AssignedParametersForward(a, b, x, steps), "Forward");
            Check.Forward(reference, NaturalLibrary.AssignedParametersBackward(a, b, x, steps, out double ga, out double gb, out double gx), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.AssignedParameters(v, b, x, steps), a), ga, "da");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.AssignedParameters(a, v, x, steps), b), gb, "db");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.AssignedParameters(a, b, v, steps), x), gx, "dx");
            NaturalLibrary.AssignedParametersBackward(a, b, x, steps, out double sa, out _, out _, Seed);
            Check.Scaled(ga, sa, Seed, "da");
        }

        [Fact]
        public void Stackalloc_scratch() =>
            CheckVector(X, NaturalLibrary.StackScratch, NaturalLibrary.StackScratchForward, NaturalLibrary.StackScratchBackward, "StackScratch");

        [Fact]
        public void Generic_math_statics_fma_and_log_base()
        {
            const double b = 0.6;
            CheckVector(X, x => NaturalLibrary.GenericMathStatics(x, b), x => NaturalLibrary.GenericMathStaticsForward(x, b),
                (x, g, seed) => NaturalLibrary.GenericMathStaticsBackward(x, b, g, out _, seed), "GenericMathStatics");
            NaturalLibrary.GenericMathStaticsBackward(X, b, new double[X.Length], out double gb);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalLibrary.GenericMathStatics(X, v), b), gb, "db");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void Float_statics_in_a_switch_expression(int kind)
        {
            var x = X.Select(v => (float)v).ToArray();
            float reference = NaturalLibrary.FloatStatics(x, kind);
            Check.Near(reference, NaturalLibrary.FloatStaticsForward(x, kind), 1e-5, "Forward");
            var g = new float[x.Length];
            NaturalLibrary.FloatStaticsBackward(x, kind, g);
            double[] expected = x.Select(v => kind switch { 0 => Math.Exp(v), 1 => 2.0 * v, _ => v / Math.Sqrt(v * (double)v + 1) }).ToArray();
            Check.Gradient(expected, g, "dx (closed form)");
        }

        [Fact]
        public void Loop_bound_reassigned_after_the_loop() =>
            CheckVector(X, NaturalLibrary.BoundChangedAfterLoop, NaturalLibrary.BoundChangedAfterLoopForward, NaturalLibrary.BoundChangedAfterLoopBackward, "BoundChangedAfterLoop");

        [Fact]
        public void Bool_mask_parameter()
        {
            var mask = X.Select((v, i) => i % 3 != 1).ToArray();
            CheckVector(X, x => NaturalLibrary.MaskedMean(x, mask), x => NaturalLibrary.MaskedMeanForward(x, mask),
                (x, g, seed) => NaturalLibrary.MaskedMeanBackward(x, mask, g, seed), "MaskedMean");
            Assert.Equal(0, NaturalLibrary.MaskedMeanForward(X, new bool[X.Length]));
            var e = Assert.Throws<ArgumentNullException>(() => NaturalLibrary.MaskedMeanForward(X, null!));
            Assert.Equal("mask", e.ParamName);
        }

        [Fact]
        public void Bool_matrix_mask_parameter()
        {
            var rng = new Random(5);
            var scores = TestData.Matrix(rng, 4, 6);
            var allowed = new bool[4, 6];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 6; j++) allowed[i, j] = j <= i + 1;
            var sb = TestData.Clone(scores);
            double reference = NaturalLibrary.MaskedRowLogSumExp(scores, allowed);
            Check.Forward(reference, NaturalLibrary.MaskedRowLogSumExpForward(scores, allowed), "Forward");
            var g = TestData.Garbage(scores);
            Check.Forward(reference, NaturalLibrary.MaskedRowLogSumExpBackward(scores, allowed, g), "Backward value");
            Check.Unchanged(sb, scores, "scores");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalLibrary.MaskedRowLogSumExp(scores, allowed), scores), g, "dscores");
            Assert.Equal(0, g[0, 5]); // masked out: no gradient
        }

        [Theory]
        [InlineData(0)]
        [InlineData(4)]
        public void Helper_returning_the_array_it_fills(int label) =>
            CheckVector(X, x => NaturalLibrary.SoftmaxHelperCrossEntropy(x, label), x => NaturalLibrary.SoftmaxHelperCrossEntropyForward(x, label),
                (x, g, seed) => NaturalLibrary.SoftmaxHelperCrossEntropyBackward(x, label, g, seed), "SoftmaxHelperCrossEntropy");

        [Fact]
        public void Clone_ToArray_and_initializer_lists() =>
            CheckVector(X, NaturalLibrary.CopiesAndInitializers, NaturalLibrary.CopiesAndInitializersForward, NaturalLibrary.CopiesAndInitializersBackward, "CopiesAndInitializers");

        [Fact]
        public void IsNaN_and_IsFinite_skip_entries()
        {
            CheckVector(X, NaturalLibrary.NanSafeSumOfSquares, NaturalLibrary.NanSafeSumOfSquaresForward, NaturalLibrary.NanSafeSumOfSquaresBackward, "NanSafeSumOfSquares");
            var x = new[] { 1.0, double.NaN, 2.0, double.PositiveInfinity, -3.0 };
            Assert.Equal(14.0, NaturalLibrary.NanSafeSumOfSquaresForward(x));
            var g = new double[x.Length];
            Assert.Equal(14.0, NaturalLibrary.NanSafeSumOfSquaresBackward(x, g));
            Assert.Equal(new[] { 2.0, 0, 4.0, 0, -6.0 }, g);
        }

        [Fact]
        public void Helpers_with_out_and_ref_parameters() =>
            CheckVector(X, NaturalLibrary.OutAndRefHelpers, NaturalLibrary.OutAndRefHelpersForward, NaturalLibrary.OutAndRefHelpersBackward, "OutAndRefHelpers");

        [Theory]
        [InlineData(LibraryActivation.Relu)]
        [InlineData(LibraryActivation.Tanh)]
        [InlineData(LibraryActivation.Identity)]
        public void Enum_parameter(LibraryActivation a)
        {
            var t = X.Select(v => 0.3 * v - 0.2).ToArray();
            CheckVector(X, p => NaturalLibrary.EnumChoice(p, t, a), p => NaturalLibrary.EnumChoiceForward(p, t, a),
                (p, g, seed) => NaturalLibrary.EnumChoiceBackward(p, t, a, g, new double[t.Length], seed), "EnumChoice");
        }

        [Theory]
        [InlineData(LibraryActivation.Relu)]
        [InlineData(LibraryActivation.Tanh)]
        [InlineData(LibraryActivation.Identity)]
        public void Layer_class_with_an_enum_field_and_a_switch(LibraryActivation act)
        {
            var rng = new Random(17);
            var w = TestData.Matrix(rng, 3, 5);
            var b = TestData.Vector(rng, 3);
            var x = TestData.Vector(rng, 5);
            var u = TestData.Vector(rng, 3); // upstream gradient of the outputs
            var layer = new LibraryDense(w, b, act);
            var y = new double[3];
            layer.Forward(x, y);
            var yf = new double[3];
            layer.ForwardForward(x, yf);
            Check.Gradient(y, yf, "ForwardForward");
            double L()
            {
                var o = new double[3];
                layer.Forward(x, o);
                return o.Select((v, i) => v * u[i]).Sum();
            }
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            var yb = new double[3];
            layer.ForwardBackward(x, yb, gx, u, gw, gb);
            Check.Gradient(y, yb, "outputs of Backward");
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(L, w), gw, "dW");
            Check.Gradient(FiniteDiff.Gradient(L, b), gb, "db");
        }

        [Fact]
        public void Long_loop_counter() =>
            CheckVector(X, NaturalLibrary.LongCounter, NaturalLibrary.LongCounterForward, NaturalLibrary.LongCounterBackward, "LongCounter");
    }
}
