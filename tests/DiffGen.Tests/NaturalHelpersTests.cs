using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Issue 10, item 2: helpers without [Differentiable], local functions, lambdas and tuple results, inlined by the
    /// generator; each against the method itself (Forward, Backward's value), central differences in double, inputs
    /// unchanged, and the seeded backward scaling the gradients.
    /// </summary>
    public class NaturalHelpersTests
    {
        private const double Seed = -2.5;

        [Fact]
        public void Helper_in_another_class()
        {
            var rng = new Random(1201);
            var x = TestData.Vector(rng, 7);
            var t = TestData.Vector(rng, 7);
            var xb = TestData.Clone(x);
            double F() => NaturalIdioms.SquaredErrorViaHelper(x, t);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.SquaredErrorViaHelperForward(x, t), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.SquaredErrorViaHelperBackward(x, t, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.SquaredErrorViaHelperBackward(x, t, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Private_expression_bodied_helper()
        {
            var rng = new Random(1202);
            var x = TestData.Matrix(rng, 6, 4);
            var w = TestData.Vector(rng, 4);
            var y = new[] { 0.0, 1, 1, 0, 1, 0 };
            var (xb, wb) = (TestData.Clone(x), TestData.Clone(w));
            double F() => NaturalIdioms.LogisticViaPrivateHelper(x, w, y);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.LogisticViaPrivateHelperForward(x, w, y), "Forward");
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Check.Forward(reference, NaturalIdioms.LogisticViaPrivateHelperBackward(x, w, y, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(wb, w, "w");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(F, w), gw, "dw");
            var (sx, sw) = (TestData.Garbage(x), TestData.Garbage(w));
            NaturalIdioms.LogisticViaPrivateHelperBackward(x, w, y, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Fact]
        public void Transitive_helpers_with_loops_over_rows()
        {
            var rng = new Random(1203);
            var a = TestData.Jagged(rng, 5, 4);
            var b = TestData.Jagged(rng, 5, 4);
            var (ab, bb) = (TestData.Clone(a), TestData.Clone(b));
            double F() => NaturalIdioms.CosineRowsViaHelpers(a, b);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.CosineRowsViaHelpersForward(a, b), "Forward");
            var (ga, gb) = (TestData.Garbage(a), TestData.Garbage(b));
            Check.Forward(reference, NaturalIdioms.CosineRowsViaHelpersBackward(a, b, ga, gb), "Backward value");
            Check.Unchanged(ab, a, "a");
            Check.Unchanged(bb, b, "b");
            Check.Gradient(FiniteDiff.Gradient(F, a), ga, "da");
            Check.Gradient(FiniteDiff.Gradient(F, b), gb, "db");
            var (sa, sb) = (TestData.Garbage(a), TestData.Garbage(b));
            NaturalIdioms.CosineRowsViaHelpersBackward(a, b, sa, sb, Seed);
            Check.Scaled(ga, sa, Seed, "da");
            Check.Scaled(gb, sb, Seed, "db");
        }

        [Theory]
        [InlineData(0.5)]
        [InlineData(0.9)]
        [InlineData(5.0)]
        public void Helper_with_early_returns_and_helpers_in_both_branches_of_a_conditional(double lim)
        {
            var rng = new Random(1204);
            var x = TestData.Vector(rng, 9);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.ClippedViaHelpers(x, lim);
            Check.Forward(reference, NaturalIdioms.ClippedViaHelpersForward(x, lim), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.ClippedViaHelpersBackward(x, lim, gx, out double glim), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ClippedViaHelpers(x, lim), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(l => NaturalIdioms.ClippedViaHelpers(x, l), lim), glim, "dlim");
            var sx = TestData.Garbage(x);
            NaturalIdioms.ClippedViaHelpersBackward(x, lim, sx, out double slim, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(glim, slim, Seed, "dlim");
        }

        [Fact]
        public void Void_helper_writes_into_the_callers_scratch_array()
        {
            var rng = new Random(1205);
            var x = TestData.Vector(rng, 6);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.SoftmaxIntoScratch(x, 4);
            Check.Forward(reference, NaturalIdioms.SoftmaxIntoScratchForward(x, 4), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.SoftmaxIntoScratchBackward(x, 4, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.SoftmaxIntoScratch(x, 4), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.SoftmaxIntoScratchBackward(x, 4, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Int_argmax_helper_for_max_pooling()
        {
            var rng = new Random(1206);
            var x = TestData.Vector(rng, 12);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.MaxPoolViaArgmax(x, 3);
            Check.Forward(reference, NaturalIdioms.MaxPoolViaArgmaxForward(x, 3), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.MaxPoolViaArgmaxBackward(x, 3, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.MaxPoolViaArgmax(x, 3), x), gx, "dx");
            // only the winner of each window gets a gradient
            Assert.Equal(4, gx.Count(g => g != 0));
            var sx = TestData.Garbage(x);
            NaturalIdioms.MaxPoolViaArgmaxBackward(x, 3, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Bool_helper_in_conditions()
        {
            var rng = new Random(1207);
            var p = TestData.Vector(rng, 12, 2.0);
            var y = TestData.Vector(rng, 12);
            var pb = TestData.Clone(p);
            double delta = 0.8;
            double reference = NaturalIdioms.HuberViaBoolHelper(p, y, delta);
            Check.Forward(reference, NaturalIdioms.HuberViaBoolHelperForward(p, y, delta), "Forward");
            var gp = TestData.Garbage(p);
            Check.Forward(reference, NaturalIdioms.HuberViaBoolHelperBackward(p, y, delta, gp, out double gd), "Backward value");
            Check.Unchanged(pb, p, "p");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.HuberViaBoolHelper(p, y, delta), p), gp, "dp");
            Check.Gradient(FiniteDiff.Derivative(d => NaturalIdioms.HuberViaBoolHelper(p, y, d), delta), gd, "ddelta");
            var sp = TestData.Garbage(p);
            NaturalIdioms.HuberViaBoolHelperBackward(p, y, delta, sp, out double sd, Seed);
            Check.Scaled(gp, sp, Seed, "dp");
            Check.Scaled(gd, sd, Seed, "ddelta");
        }

        [Fact]
        public void Static_local_function()
        {
            var rng = new Random(1208);
            var x = TestData.Vector(rng, 8);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.LocalFunctionStatic(x);
            Check.Forward(reference, NaturalIdioms.LocalFunctionStaticForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.LocalFunctionStaticBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.LocalFunctionStatic(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.LocalFunctionStaticBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Capturing_local_function_with_a_loop()
        {
            var rng = new Random(1209);
            var w = TestData.Matrix(rng, 5, 4);
            var x = TestData.Vector(rng, 4);
            double scale = 1.3;
            var (wb, xb) = (TestData.Clone(w), TestData.Clone(x));
            double reference = NaturalIdioms.LocalFunctionCapturing(w, x, scale);
            Check.Forward(reference, NaturalIdioms.LocalFunctionCapturingForward(w, x, scale), "Forward");
            var (gw, gx) = (TestData.Garbage(w), TestData.Garbage(x));
            Check.Forward(reference, NaturalIdioms.LocalFunctionCapturingBackward(w, x, scale, gw, gx, out double gs), "Backward value");
            Check.Unchanged(wb, w, "w");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.LocalFunctionCapturing(w, x, scale), w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.LocalFunctionCapturing(w, x, scale), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(s => NaturalIdioms.LocalFunctionCapturing(w, x, s), scale), gs, "dscale");
            var (sw, sx) = (TestData.Garbage(w), TestData.Garbage(x));
            NaturalIdioms.LocalFunctionCapturingBackward(w, x, scale, sw, sx, out double ss, Seed);
            Check.Scaled(gw, sw, Seed, "dw");
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gs, ss, Seed, "dscale");
        }

        [Fact]
        public void Lambdas_in_locals()
        {
            var rng = new Random(1210);
            var w = TestData.Matrix(rng, 6, 4);
            var x = TestData.Vector(rng, 4);
            var y = TestData.Vector(rng, 6);
            var (wb, xb) = (TestData.Clone(w), TestData.Clone(x));
            double F() => NaturalIdioms.LambdaLayer(w, x, y);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.LambdaLayerForward(w, x, y), "Forward");
            var (gw, gx) = (TestData.Garbage(w), TestData.Garbage(x));
            Check.Forward(reference, NaturalIdioms.LambdaLayerBackward(w, x, y, gw, gx), "Backward value");
            Check.Unchanged(wb, w, "w");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            var (sw, sx) = (TestData.Garbage(w), TestData.Garbage(x));
            NaturalIdioms.LambdaLayerBackward(w, x, y, sw, sx, Seed);
            Check.Scaled(gw, sw, Seed, "dw");
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Tuple_result_deconstructed()
        {
            var rng = new Random(1211);
            var x = TestData.Vector(rng, 7);
            var g = TestData.Vector(rng, 7);
            var (xb, gb) = (TestData.Clone(x), TestData.Clone(g));
            double F() => NaturalIdioms.LayerNormViaTuple(x, g);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.LayerNormViaTupleForward(x, g), "Forward");
            var (gx, gg) = (TestData.Garbage(x), TestData.Garbage(g));
            Check.Forward(reference, NaturalIdioms.LayerNormViaTupleBackward(x, g, gx, gg), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(gb, g, "g");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(F, g), gg, "dg");
            var (sx, sg) = (TestData.Garbage(x), TestData.Garbage(g));
            NaturalIdioms.LayerNormViaTupleBackward(x, g, sx, sg, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gg, sg, Seed, "dg");
        }

        [Fact]
        public void Tuple_local_read_by_element_name()
        {
            var rng = new Random(1212);
            var rows = TestData.Jagged(rng, 5, 4);
            var rb = TestData.Clone(rows);
            double F() => NaturalIdioms.RowStatsNamed(rows);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.RowStatsNamedForward(rows), "Forward");
            var gr = TestData.Garbage(rows);
            Check.Forward(reference, NaturalIdioms.RowStatsNamedBackward(rows, gr), "Backward value");
            Check.Unchanged(rb, rows, "rows");
            Check.Gradient(FiniteDiff.Gradient(F, rows), gr, "drows");
            var sr = TestData.Garbage(rows);
            NaturalIdioms.RowStatsNamedBackward(rows, sr, Seed);
            Check.Scaled(gr, sr, Seed, "drows");
        }

        [Theory]
        [InlineData(0.8)]
        [InlineData(-0.6)]
        public void Helpers_at_the_top_level_in_branches_with_named_optional_arguments_and_method_groups(double t)
        {
            var rng = new Random(1215);
            var x = TestData.Vector(rng, 6);
            var y = TestData.Vector(rng, 5);
            var (xb, yb) = (TestData.Clone(x), TestData.Clone(y));
            double reference = NaturalIdioms.TopLevelHelpers(x, y, t);
            Check.Forward(reference, NaturalIdioms.TopLevelHelpersForward(x, y, t), "Forward");
            var (gx, gy) = (TestData.Garbage(x), TestData.Garbage(y));
            Check.Forward(reference, NaturalIdioms.TopLevelHelpersBackward(x, y, t, gx, gy, out double gt), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(yb, y, "y");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.TopLevelHelpers(x, y, t), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.TopLevelHelpers(x, y, t), y), gy, "dy");
            Check.Gradient(FiniteDiff.Derivative(s => NaturalIdioms.TopLevelHelpers(x, y, s), t), gt, "dt");
            var (sx, sy) = (TestData.Garbage(x), TestData.Garbage(y));
            NaturalIdioms.TopLevelHelpersBackward(x, y, t, sx, sy, out double st, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gy, sy, Seed, "dy");
            Check.Scaled(gt, st, Seed, "dt");
        }

        [Fact]
        public void Void_layer_whose_output_is_written_by_helpers()
        {
            var rng = new Random(1216);
            var w = TestData.Matrix(rng, 5, 3);
            var x = TestData.Vector(rng, 3);
            var u = TestData.Vector(rng, 5);
            var (wb, xb) = (TestData.Clone(w), TestData.Clone(x));
            var expected = new double[5];
            NaturalIdioms.ReluLayerViaHelper(w, x, expected);
            var y = TestData.Garbage(u);
            NaturalIdioms.ReluLayerViaHelperForward(w, x, y);
            Check.Gradient(expected, y, "Forward output y", 1e-12);
            double L()
            {
                var yy = new double[5];
                NaturalIdioms.ReluLayerViaHelper(w, x, yy);
                return yy.Zip(u, (a, b) => a * b).Sum();
            }
            var (gw, gx) = (TestData.Garbage(w), TestData.Garbage(x));
            var yOut = new double[5];
            NaturalIdioms.ReluLayerViaHelperBackward(w, x, yOut, gw, gx, TestData.Clone(u));
            Check.Unchanged(wb, w, "w");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(L, w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
        }

        [Fact]
        public void Differentiable_callee_writing_through_a_helper_and_a_capturing_lambda()
        {
            var rng = new Random(1217);
            var w = TestData.Matrix(rng, 6, 3);
            var x = TestData.Vector(rng, 3);
            var (wb, xb) = (TestData.Clone(w), TestData.Clone(x));
            double F() => NaturalIdioms.CallsLayerViaHelper(w, x);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.CallsLayerViaHelperForward(w, x), "Forward");
            var (gw, gx) = (TestData.Garbage(w), TestData.Garbage(x));
            Check.Forward(reference, NaturalIdioms.CallsLayerViaHelperBackward(w, x, gw, gx), "Backward value");
            Check.Unchanged(wb, w, "w");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            var (sw, sx) = (TestData.Garbage(w), TestData.Garbage(x));
            NaturalIdioms.CallsLayerViaHelperBackward(w, x, sw, sx, Seed);
            Check.Scaled(gw, sw, Seed, "dw");
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Helper_statements_on_the_right_of_and_run_only_when_needed()
        {
            var rng = new Random(1218);
            var x = TestData.Vector(rng, 9);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.GuardedHelpers(x);
            Check.Forward(reference, NaturalIdioms.GuardedHelpersForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.GuardedHelpersBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.GuardedHelpers(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.GuardedHelpersBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Differentiable_callee_writing_its_output_through_a_lambda()
        {
            var rng = new Random(1219);
            var x = TestData.Vector(rng, 7);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.CallsDoubleViaLambda(x);
            Check.Forward(reference, NaturalIdioms.CallsDoubleViaLambdaForward(x), "Forward");
            Check.Forward(x.Sum(v => 2 * v * v * v), reference, "value");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.CallsDoubleViaLambdaBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.CallsDoubleViaLambda(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.CallsDoubleViaLambdaBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Extension_helper_and_helpers_in_loop_conditions()
        {
            var rng = new Random(1220);
            var x = TestData.Vector(rng, 8);
            x[5] = -1.9; // the for condition stops there
            var xb = TestData.Clone(x);
            double tol = 0.37;
            double reference = NaturalIdioms.ExtensionAndLoopConditions(x, tol);
            Check.Forward(reference, NaturalIdioms.ExtensionAndLoopConditionsForward(x, tol), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.ExtensionAndLoopConditionsBackward(x, tol, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ExtensionAndLoopConditions(x, tol), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.ExtensionAndLoopConditionsBackward(x, tol, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        // ------------------------------------------------------------ float, against double twins

        private static double LogisticTwin(double[][] x, double[] w, double[] y)
        {
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double z = 0;
                for (int k = 0; k < w.Length; k++) z += x[i][k] * w[k];
                loss += Math.Log(1 + Math.Exp(z)) - y[i] * z;
            }
            return loss / x.Length;
        }

        private static float[][] ToFloat(double[][] a) => a.Select(TestData.ToFloat).ToArray();

        [Fact]
        public void Float_helpers()
        {
            var rng = new Random(1213);
            var x = TestData.Jagged(rng, 6, 3);
            var w = TestData.Vector(rng, 3);
            var y = new[] { 1.0, 0, 0, 1, 1, 0 };
            var (xf, wf, yf) = (ToFloat(x), TestData.ToFloat(w), TestData.ToFloat(y));
            float reference = NaturalIdioms.LogisticViaHelperF(xf, wf, yf);
            Check.Near(LogisticTwin(x, w, y), reference, 1e-5, "float method vs double twin");
            Check.Near(reference, NaturalIdioms.LogisticViaHelperFForward(xf, wf, yf), 1e-5, "Forward");
            var gx = xf.Select(r => new float[r.Length]).ToArray();
            var gw = new float[3];
            Check.Near(reference, NaturalIdioms.LogisticViaHelperFBackward(xf, wf, yf, gx, gw), 1e-5, "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => LogisticTwin(x, w, y), w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(() => LogisticTwin(x, w, y), x), gx.Select(TestData.ToDouble).ToArray(), "dx", 1e-3);
        }

        private static double LayerNormTwin(double[] x, double[] g)
        {
            double m = x.Average();
            double v = x.Sum(t => (t - m) * (t - m)) / x.Length;
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double z = g[i] * (x[i] - m) / Math.Sqrt(v + 1e-5);
                s += z * z * z;
            }
            return s;
        }

        [Fact]
        public void Float_tuple_and_lambda()
        {
            var rng = new Random(1214);
            var x = TestData.Vector(rng, 6);
            var g = TestData.Vector(rng, 6);
            var (xf, gf) = (TestData.ToFloat(x), TestData.ToFloat(g));
            float reference = NaturalIdioms.LayerNormViaTupleF(xf, gf);
            Check.Near(LayerNormTwin(x, g), reference, 1e-4, "float method vs double twin");
            Check.Near(reference, NaturalIdioms.LayerNormViaTupleFForward(xf, gf), 1e-5, "Forward");
            var (gx, gg) = (new float[6], new float[6]);
            Check.Near(reference, NaturalIdioms.LayerNormViaTupleFBackward(xf, gf, gx, gg), 1e-5, "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => LayerNormTwin(x, g), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => LayerNormTwin(x, g), g), gg, "dg");
        }
    }
}
