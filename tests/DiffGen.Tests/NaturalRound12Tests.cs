using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 12 of natural idioms (<see cref="NaturalRound12"/>, <see cref="Dense12"/>, <see cref="Rnn12"/>): each function of
    /// the probe batch as written. Forward equals the user's method, Backward returns the same value and leaves its inputs
    /// unchanged, gradients equal central differences, a seed scales them.
    /// </summary>
    public class NaturalRound12Tests
    {
        internal const double Seed = -0.75;

        internal static double[] Vec(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);

        internal static void OneMethod(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        internal static void PairMethod(double[] x, double[] y, Func<double[], double[], double> f, Func<double[], double[], double> forward,
            Func<double[], double[], double[], double[], double, double> backward, string what) => Check.PairMethod(x, y, f, forward, backward, what, Seed);

        /// <summary>Values in (0, 1) at least 1e-3 away from every multiple of 1/bins (the bins' edges).</summary>
        private static double[] AwayFromEdges(int seed, int n, int bins)
        {
            var rng = new Random(seed);
            var x = new double[n];
            for (int i = 0; i < n; i++)
            {
                double v;
                do v = rng.NextDouble(); while (Math.Abs(v * bins - Math.Round(v * bins)) < 1e-2 || v > 0.998);
                x[i] = v;
            }
            return x;
        }

        [Theory]
        [InlineData(1, 4)]
        [InlineData(9, 5)]
        [InlineData(20, 3)]
        public void Bin_index_from_a_cast_of_a_value(int n, int bins)
        {
            var target = Vec(300 + n, bins).Select(v => v * v + 0.5).ToArray();
            // Values outside [0, 1) too: Clamp sends them to the first and last bins.
            var x = AwayFromEdges(310 + n, n, bins);
            if (n > 2) { x[0] = -0.4; x[1] = 1.7; }
            OneMethod(x, v => NaturalRound12.SoftBinLoss(v, target, bins), v => NaturalRound12.SoftBinLossForward(v, target, bins),
                (v, g, s) => NaturalRound12.SoftBinLossBackward(v, target, bins, g, s), "SoftBinLoss");
        }

        [Theory]
        [InlineData(2, 5)]
        [InlineData(6, 9)]
        public void Interpolation_cell_from_a_cast_clamped_by_a_reassignment(int m, int n)
        {
            var t = AwayFromEdges(320 + n, n, m - 1);
            t[0] = 1.0; // the last knot: the cast gives m - 1, the reassignment moves it back to m - 2
            OneMethod(Vec(330 + m, m), table => NaturalRound12.Lookup(table, t), table => NaturalRound12.LookupForward(table, t),
                (table, g, s) => NaturalRound12.LookupBackward(table, t, g, s), "Lookup");
        }

        [Theory]
        [InlineData(3, 4)]
        [InlineData(7, 11)]
        public void Interpolation_with_queries_differentiated_and_the_cast_value_overwritten(int m, int n) =>
            PairMethod(Vec(340 + m, m), AwayFromEdges(350 + n, n, m - 1), NaturalRound12.LookupBoth, NaturalRound12.LookupBothForward,
                (tb, tq, gt, gq, s) => NaturalRound12.LookupBothBackward(tb, tq, gt, gq, s), "LookupBoth");

        [Theory]
        [InlineData(1, 3)]
        [InlineData(8, 4)]
        public void Indices_cast_from_values_in_place_one_behind_a_guard(int n, int bins)
        {
            var x = AwayFromEdges(600 + n, n, bins).Select(v => v * 0.99).ToArray();
            OneMethod(Vec(610 + n, bins), w => NaturalRound12.IndexedBins(w, x, bins), w => NaturalRound12.IndexedBinsForward(w, x, bins),
                (w, g, s) => NaturalRound12.IndexedBinsBackward(w, x, bins, g, s), "IndexedBins");
        }

        [Theory]
        [InlineData(3, 1)]
        [InlineData(5, 9)]
        public void Int_helper_made_from_a_value(int m, int n) =>
            PairMethod(Vec(620 + m, m), AwayFromEdges(630 + n, n, m), NaturalRound12.BinnedWeights, NaturalRound12.BinnedWeightsForward,
                (w, x, gw, gx, s) => NaturalRound12.BinnedWeightsBackward(w, x, gw, gx, s), "BinnedWeights");

        [Theory]
        [InlineData(-0.7)]
        [InlineData(1.3)]
        public void Indicator_int_from_a_comparison(double x)
        {
            double reference = NaturalRound12.Indicator(x);
            Check.Forward(reference, NaturalRound12.IndicatorForward(x), "Forward");
            Check.Forward(reference, NaturalRound12.IndicatorBackward(x, out double g), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(NaturalRound12.Indicator, x), g, "d x");
        }

        [Theory]
        [InlineData(2.5)]
        [InlineData(0.4)]
        [InlineData(9.0)]
        public void Loop_bound_from_an_int_local_cast_from_a_value(double x)
        {
            var a = Vec(640, 5);
            double reference = NaturalRound12.PrefixByValue(x, a);
            Check.Forward(reference, NaturalRound12.PrefixByValueForward(x, a), "Forward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, NaturalRound12.PrefixByValueBackward(x, a, out double gx, ga), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalRound12.PrefixByValue(v, a), x), gx, "d x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12.PrefixByValue(x, a), a), ga, "d a");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Int_reassigned_at_the_top_level_between_uses(int n)
        {
            var a = Vec(650 + n, n);
            double x = 0.7;
            double reference = NaturalRound12.IntReassignedAtTopLevel(x, a);
            Check.Forward(reference, NaturalRound12.IntReassignedAtTopLevelForward(x, a), "Forward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, NaturalRound12.IntReassignedAtTopLevelBackward(x, a, out double gx, ga), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalRound12.IntReassignedAtTopLevel(v, a), x), gx, "d x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12.IntReassignedAtTopLevel(x, a), a), ga, "d a");
        }

        [Theory]
        [InlineData(2)]
        [InlineData(7)]
        public void Helper_with_two_out_results(int n) =>
            OneMethod(Vec(360 + n, n), NaturalRound12.Standardized, NaturalRound12.StandardizedForward, (x, g, s) => NaturalRound12.StandardizedBackward(x, g, s), "Standardized");

        [Theory]
        [InlineData(2)]
        [InlineData(6)]
        public void Helper_returning_a_named_tuple(int n) =>
            OneMethod(Vec(370 + n, n).Select(v => v + 3).ToArray(), NaturalRound12.Cv, NaturalRound12.CvForward, (x, g, s) => NaturalRound12.CvBackward(x, g, s), "Cv");

        [Theory]
        [InlineData(1)]
        [InlineData(8)]
        public void Fused_multiply_add_and_pow_with_variable_exponent(int n) =>
            PairMethod(Vec(380 + n, n, 0.5), Vec(390 + n, n, 0.5), NaturalRound12.FmaPow, NaturalRound12.FmaPowForward,
                (x, y, gx, gy, s) => NaturalRound12.FmaPowBackward(x, y, gx, gy, s), "FmaPow");

        [Fact]
        public void NaN_targets_skipped_with_continue()
        {
            var target = Vec(400, 9);
            target[2] = double.NaN; target[5] = double.NaN;
            OneMethod(Vec(401, 9), p => NaturalRound12.MaskedMse(p, target), p => NaturalRound12.MaskedMseForward(p, target),
                (p, g, s) => NaturalRound12.MaskedMseBackward(p, target, g, s), "MaskedMse");
            var allNaN = Enumerable.Repeat(double.NaN, 3).ToArray();
            var g0 = new double[3];
            Assert.Equal(0.0, NaturalRound12.MaskedMseBackward(new[] { 1.0, 2, 3 }, allNaN, g0));
            Assert.All(g0, v => Assert.Equal(0.0, v));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(9)]
        public void Loops_counting_down_and_stepping_by_two(int n) =>
            OneMethod(Vec(410 + n, n), NaturalRound12.Strides, NaturalRound12.StridesForward, (x, g, s) => NaturalRound12.StridesBackward(x, g, s), "Strides");

        [Theory]
        [InlineData(1)]
        [InlineData(10)]
        public void Prefix_sum_in_scratch(int n) =>
            OneMethod(Vec(420 + n, n), NaturalRound12.CumSum, NaturalRound12.CumSumForward, (x, g, s) => NaturalRound12.CumSumBackward(x, g, s), "CumSum");

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void Switch_statement_in_the_loop(int kind) =>
            OneMethod(Vec(430 + kind, 8), x => NaturalRound12.Activation(x, kind), x => NaturalRound12.ActivationForward(x, kind),
                (x, g, s) => NaturalRound12.ActivationBackward(x, kind, g, s), "Activation");

        [Fact]
        public void Local_function_capturing_a_parameter()
        {
            var x = Vec(440, 6);
            OneMethod(Vec(441, 6), w => NaturalRound12.Regularised(w, x, 0.3), w => NaturalRound12.RegularisedForward(w, x, 0.3),
                (w, g, s) => NaturalRound12.RegularisedBackward(w, x, 0.3, g, s), "Regularised");
        }

        [Fact]
        public void Jagged_batch_with_a_row_local()
        {
            var xs = TestData.Jagged(new Random(450), 5, 3);
            var ys = new[] { 1.0, -1, 1, 1, -1 };
            OneMethod(Vec(451, 3), w => NaturalRound12.JaggedLogistic(xs, ys, w), w => NaturalRound12.JaggedLogisticForward(xs, ys, w),
                (w, g, s) => NaturalRound12.JaggedLogisticBackward(xs, ys, w, g, s), "JaggedLogistic");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        public void Const_and_static_readonly_table(int n) =>
            OneMethod(Vec(460 + n, n), NaturalRound12.TableWeighted, NaturalRound12.TableWeightedForward, (x, g, s) => NaturalRound12.TableWeightedBackward(x, g, s), "TableWeighted");

        [Theory]
        [InlineData(3)]
        [InlineData(12)]
        [InlineData(25)]
        public void Sort_of_a_copy_then_a_trimmed_mean(int n) =>
            OneMethod(Vec(470 + n, n), NaturalRound12.TrimmedMean, NaturalRound12.TrimmedMeanForward, (x, g, s) => NaturalRound12.TrimmedMeanBackward(x, g, s), "TrimmedMean");

        [Theory]
        [InlineData(0.3)]
        [InlineData(2.0)]
        [InlineData(50.0)]
        public void Newton_iteration_with_a_value_dependent_stop(double a)
        {
            double reference = NaturalRound12.SqrtNewton(a);
            Check.Forward(reference, NaturalRound12.SqrtNewtonForward(a), "Forward");
            Check.Forward(reference, NaturalRound12.SqrtNewtonBackward(a, out double ga), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(NaturalRound12.SqrtNewton, a), ga, "d a");
            Check.Near(0.5 / Math.Sqrt(a), ga, 1e-9, "d sqrt(a)");
            NaturalRound12.SqrtNewtonBackward(a, out double gs, Seed);
            Check.Scaled(ga, gs, Seed, "d a");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(3)]
        public void Argmax_of_the_wrong_classes_with_continue(int label)
        {
            var logits = new[] { 0.3, 1.2, -0.4, 0.9, 0.1 };
            OneMethod(logits, x => NaturalRound12.MarginLoss(x, label), x => NaturalRound12.MarginLossForward(x, label),
                (x, g, s) => NaturalRound12.MarginLossBackward(x, label, g, s), "MarginLoss");
        }

        [Fact]
        public void Conv2d_with_relu()
        {
            var img = TestData.Matrix(new Random(480), 6, 5);
            var k = TestData.Matrix(new Random(481), 3, 2);
            double reference = NaturalRound12.Conv2d(img, k);
            Check.Forward(reference, NaturalRound12.Conv2dForward(img, k), "Forward");
            var g = TestData.Garbage(k);
            Check.Forward(reference, NaturalRound12.Conv2dBackward(img, k, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12.Conv2d(img, k), k), g, "d k");
        }

        [Fact]
        public void Positional_record_class_config()
        {
            var b = Vec(490, 5);
            var h = new Hyper12(0.4, 0.1);
            OneMethod(Vec(491, 5), a => NaturalRound12.ScaledLogSumExp(a, b, h), a => NaturalRound12.ScaledLogSumExpForward(a, b, h),
                (a, g, s) => NaturalRound12.ScaledLogSumExpBackward(a, b, h, g, s), "ScaledLogSumExp");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Stackalloc_scratch_filled_by_a_span_helper(int n) =>
            OneMethod(Vec(500 + n, n), NaturalRound12.Entropy, NaturalRound12.EntropyForward, (x, g, s) => NaturalRound12.EntropyBackward(x, g, s), "Entropy");

        [Fact]
        public void Rank_3_channel_variance()
        {
            var rng = new Random(510);
            var x = new double[2, 3, 4];
            for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int t = 0; t < 4; t++) x[i, j, t] = TestData.Normal(rng);
            double reference = NaturalRound12.ChannelVariance(x);
            Check.Forward(reference, NaturalRound12.ChannelVarianceForward(x), "Forward");
            var g = new double[2, 3, 4];
            Check.Forward(reference, NaturalRound12.ChannelVarianceBackward(x, g), "Backward value");
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int t = 0; t < 4; t++)
                    {
                        var (a, b, c) = (i, j, t);
                        double fd = FiniteDiff.Derivative(v => { double old = x[a, b, c]; x[a, b, c] = v; double r = NaturalRound12.ChannelVariance(x); x[a, b, c] = old; return r; }, x[a, b, c]);
                        Check.Gradient(fd, g[i, j, t], $"d x[{i},{j},{t}]");
                    }
        }

        [Fact]
        public void Float_binary_cross_entropy()
        {
            var rng = new Random(520);
            var x = Enumerable.Range(0, 7).Select(_ => (float)TestData.Normal(rng)).ToArray();
            var y = Enumerable.Range(0, 7).Select(i => (float)(i % 2)).ToArray();
            var w = new[] { 0.4f, -0.2f };
            double Twin(double[] wd)
            {
                double loss = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double z = wd[0] * x[i] + wd[1];
                    double p = 1 / (1 + Math.Exp(-z));
                    loss -= y[i] * Math.Log(p + 1e-7) + (1 - y[i]) * Math.Log(1 - p + 1e-7);
                }
                return loss / x.Length;
            }
            float reference = NaturalRound12.Bce(w, x, y);
            Check.Near(reference, NaturalRound12.BceForward(w, x, y), Check.FloatForwardTol, "Forward");
            var g = new float[2];
            Check.Near(reference, NaturalRound12.BceBackward(w, x, y, g), Check.FloatForwardTol, "Backward value");
            var wd = w.Select(v => (double)v).ToArray();
            Check.Gradient(FiniteDiff.Gradient(() => Twin(wd), wd), g, "d w");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        [InlineData(40)]
        public void Do_while_with_a_value_dependent_stop(int n) =>
            OneMethod(Vec(530 + n, n), NaturalRound12.DoWhileSum, NaturalRound12.DoWhileSumForward, (x, g, s) => NaturalRound12.DoWhileSumBackward(x, g, s), "DoWhileSum");

        [Fact]
        public void Horner_running_down_the_coefficients()
        {
            var xs = Vec(540, 6); var ys = Vec(541, 6);
            OneMethod(Vec(542, 4), c => NaturalRound12.PolyFit(c, xs, ys), c => NaturalRound12.PolyFitForward(c, xs, ys),
                (c, g, s) => NaturalRound12.PolyFitBackward(c, xs, ys, g, s), "PolyFit");
        }

        [Fact]
        public void Helpers_composed_in_an_expression_body()
        {
            var a = TestData.Matrix(new Random(550), 4, 4);
            var v = Vec(551, 4);
            double reference = NaturalRound12.Quadratic(a, v);
            Check.Forward(reference, NaturalRound12.QuadraticForward(a, v), "Forward");
            var g = TestData.Garbage(a);
            Check.Forward(reference, NaturalRound12.QuadraticBackward(a, v, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound12.Quadratic(a, v), a), g, "d a");
        }

        [Theory]
        [InlineData(2)]
        [InlineData(9)]
        public void Min_max_scaling_from_linq(int n) =>
            OneMethod(Vec(560 + n, n), NaturalRound12.MinMaxScaled, NaturalRound12.MinMaxScaledForward, (x, g, s) => NaturalRound12.MinMaxScaledBackward(x, g, s), "MinMaxScaled");

        [Fact]
        public void Public_static_field_read_as_a_constant() =>
            OneMethod(Vec(570, 5), NaturalRound12.StaticScaled, NaturalRound12.StaticScaledForward, (x, g, s) => NaturalRound12.StaticScaledBackward(x, g, s), "StaticScaled");

        [Fact]
        public void Dense_layer_class_with_readonly_fields()
        {
            var w = TestData.Matrix(new Random(580), 3, 4);
            var b = Vec(581, 3);
            var x = Vec(582, 4); var y = Vec(583, 3);
            var layer = new Dense12(w, b);
            double reference = layer.Loss(x, y);
            Check.Forward(reference, layer.LossForward(x, y), "Forward");
            var (gw, gb) = (TestData.Garbage(w), TestData.Garbage(b));
            Check.Forward(reference, layer.LossBackward(x, y, gw, gb), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, y), w), gw, "d W");
            Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, y), b), gb, "d b");
        }

        [Fact]
        public void Gru_like_cell_with_public_array_fields()
        {
            var rnn = new Rnn12 { Wx = Vec(590, 4, 0.7), Wh = Vec(591, 4, 0.7) };
            var seq = Vec(592, 6);
            double reference = rnn.Run(seq);
            Check.Forward(reference, rnn.RunForward(seq), "Forward");
            var (gx, gh) = (TestData.Garbage(rnn.Wx), TestData.Garbage(rnn.Wh));
            Check.Forward(reference, rnn.RunBackward(seq, gx, gh), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => rnn.Run(seq), rnn.Wx), gx, "d Wx");
            Check.Gradient(FiniteDiff.Gradient(() => rnn.Run(seq), rnn.Wh), gh, "d Wh");
        }
    }
}
