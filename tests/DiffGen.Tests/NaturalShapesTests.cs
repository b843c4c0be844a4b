using System;
using System.Linq;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Issue 10, item 5: instance methods reading fields, static readonly tables and consts, config structs/records,
    /// 'in' scalars, ReadOnlySpan/Span and T[,,] parameters. Each against central differences and its contract.
    /// </summary>
    [Collection("Backend selection")] // one test sets the CPU's loop splitting
    public class NaturalShapesTests
    {
        private const double Seed = -1.75;

        private static MlpModel NewMlp(Random rng) =>
            new(TestData.Matrix(rng, 4, 3), TestData.Vector(rng, 4), TestData.Vector(rng, 4), 0.3) { Scale = 1.25 };

        /// <summary>Central differences of f with respect to every element of an array of any rank.</summary>
        private static double[] Fd(Func<double> f, Array a)
        {
            var g = new double[a.Length];
            var idx = new int[a.Rank];
            for (int k = 0; k < a.Length; k++)
            {
                int r = k;
                for (int d = a.Rank - 1; d >= 0; d--) { idx[d] = r % a.GetLength(d); r /= a.GetLength(d); }
                double x = (double)a.GetValue(idx)!;
                double h = 1e-6 * Math.Max(1, Math.Abs(x));
                a.SetValue(x + h, idx);
                double up = f();
                a.SetValue(x - h, idx);
                double down = f();
                a.SetValue(x, idx);
                g[k] = (up - down) / (2 * h);
            }
            return g;
        }

        private static double[] Flat(Array a) => a.Cast<object>().Select(System.Convert.ToDouble).ToArray();

        private static double[,,] Tensor(Random rng, int a, int b, int c)
        {
            var t = new double[a, b, c];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) t[i, j, k] = TestData.Normal(rng);
            return t;
        }

        private static void Gradient(double[] fd, Array actual, string what, double tol = Check.GradTol) => Check.Gradient(fd, Flat(actual), what, tol);

        // ------------------------------------------------------------ model classes: fields

        [Fact]
        public void Model_fields_named_in_the_attribute_are_differentiated_and_never_written()
        {
            var rng = new Random(2001);
            var model = NewMlp(rng);
            var x = TestData.Matrix(rng, 5, 3);
            var y = TestData.Vector(rng, 5);
            var (w1, b1, w2) = (TestData.Clone(model.W1), TestData.Clone(model.b1), TestData.Clone(model.w2));
            double reference = model.Loss(x, y);
            Check.Forward(reference, model.LossForward(x, y), "Forward");
            var (g1, gb1, g2) = (TestData.Garbage(model.W1), TestData.Garbage(model.b1), TestData.Garbage(model.w2));
            Check.Forward(reference, model.LossBackward(x, y, g1, gb1, g2, out double gb2), "Backward value");
            Check.Unchanged(w1, model.W1, "W1");
            Check.Unchanged(b1, model.b1, "b1");
            Check.Unchanged(w2, model.w2, "w2");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, y), model.W1), g1, "dW1");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, y), model.b1), gb1, "db1");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, y), model.w2), g2, "dw2");
            double b2 = model.B2;
            Check.Gradient(FiniteDiff.Derivative(v => { model.B2 = v; return model.Loss(x, y); }, b2), gb2, "dB2");
            model.B2 = b2;
            var (s1, sb1, s2) = (TestData.Garbage(model.W1), TestData.Garbage(model.b1), TestData.Garbage(model.w2));
            model.LossBackward(x, y, s1, sb1, s2, out double sb2, Seed);
            Check.Scaled(g1, s1, Seed, "dW1");
            Check.Scaled(gb1, sb1, Seed, "db1");
            Check.Scaled(g2, s2, Seed, "dw2");
            Check.Scaled(gb2, sb2, Seed, "dB2");
            // the static array form takes the fields as arguments
            Check.Forward(reference, MlpModel.LossArraysForward(x, y, model.W1, model.b1, model.w2, model.B2, model.Scale), "LossArraysForward");
        }

        [Fact]
        public void Model_fields_are_constants_by_default()
        {
            var rng = new Random(2002);
            var model = NewMlp(rng);
            var x = TestData.Vector(rng, 3);
            var xb = TestData.Clone(x);
            double reference = model.Score(x);
            Check.Forward(reference, model.ScoreForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, model.ScoreBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => model.Score(x), x), gx, "dx");
            // Backward has exactly one gradient buffer: x's (fields are constants unless named)
            var b = typeof(MlpModel).GetMethod(nameof(MlpModel.ScoreBackward))!;
            Assert.Equal(new[] { "x", "xGrad", "seed" }, b.GetParameters().Select(p => p.Name).ToArray());
        }

        [Fact]
        public void Fields_and_properties_are_read_once_per_call()
        {
            var model = new CountingModel();
            var x = new[] { 1.0, -2.0, 0.5 };
            double reference = model.GainedSquares(x);
            model.GainReads = 0;
            Check.Forward(reference, model.GainedSquaresForward(x), "Forward");
            Assert.Equal(1, model.GainReads);
            var gx = TestData.Garbage(x);
            Check.Forward(reference, model.GainedSquaresBackward(x, gx), "Backward value");
            Assert.Equal(2, model.GainReads);
            Check.Gradient(x.Select(v => 2 * 1.5 * 1.5 * v).ToArray(), gx, "dx");
        }

        [Fact]
        public void A_null_field_is_reported_by_name()
        {
            var model = NewMlp(new Random(2003));
            model.W1 = null!;
            var e = Assert.Throws<ArgumentNullException>(() => model.LossForward(new double[2, 3], new double[2]));
            Assert.Equal("W1", e.ParamName);
        }

        [Fact]
        public void Float_model_with_field_weights_and_a_scratch_row()
        {
            var rng = new Random(2004);
            var model = new LinearModelF { W = TestData.ToFloat(TestData.Matrix(rng, 3, 4)), B = TestData.ToFloat(TestData.Vector(rng, 3)) };
            var x = TestData.ToFloat(TestData.Matrix(rng, 5, 4));
            var labels = new[] { 0, 2, 1, 1, 0 };
            float reference = model.Loss(x, labels);
            Check.Near(reference, model.LossForward(x, labels), Check.FloatForwardTol, "Forward");
            var (gw, gb) = (TestData.Garbage(model.W), TestData.Garbage(model.B));
            Check.Near(reference, model.LossBackward(x, labels, gw, gb), Check.FloatForwardTol, "Backward value");
            // double twin of the loss for central differences
            var wd = TestData.ToDouble(model.W);
            var bd = TestData.ToDouble(model.B);
            var xd = TestData.ToDouble(x);
            double Twin()
            {
                double loss = 0;
                for (int i = 0; i < 5; i++)
                {
                    var z = Enumerable.Range(0, 3).Select(k => bd[k] + Enumerable.Range(0, 4).Sum(j => wd[k, j] * xd[i, j])).ToArray();
                    double m = z.Max();
                    loss += Math.Log(z.Sum(v => Math.Exp(v - m))) + m - z[labels[i]];
                }
                return loss / 5;
            }
            Check.Gradient(FiniteDiff.Gradient(Twin, wd), gw, "dW");
            Check.Gradient(FiniteDiff.Gradient(Twin, bd), gb, "dB");
        }

        // ------------------------------------------------------------ static readonly tables and consts

        [Fact]
        public void Static_readonly_tables_and_consts_are_constant_inputs()
        {
            var rng = new Random(2005);
            var x = TestData.Vector(rng, 7);
            double reference = NaturalIdioms.TableWeightedSquares(x);
            Check.Forward(reference, NaturalIdioms.TableWeightedSquaresForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.TableWeightedSquaresBackward(x, gx), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.TableWeightedSquares(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.TableWeightedSquaresBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Static_readonly_float_kernel()
        {
            var rng = new Random(2006);
            var xd = TestData.Vector(rng, 9);
            var x = TestData.ToFloat(xd);
            float reference = NaturalIdioms.TableConvolutionF(x);
            Check.Near(reference, NaturalIdioms.TableConvolutionFForward(x), Check.FloatForwardTol, "Forward");
            var gx = TestData.Garbage(x);
            NaturalIdioms.TableConvolutionFBackward(x, gx);
            double[] k = { 0.25, 0.5, 0.25 };
            double Twin()
            {
                double s = 0;
                for (int i = 0; i <= xd.Length - 3; i++)
                {
                    double c = k[0] * xd[i] + k[1] * xd[i + 1] + k[2] * xd[i + 2];
                    s += c * c;
                }
                return s;
            }
            Check.Gradient(FiniteDiff.Gradient(Twin, xd), gx, "dx");
        }

        // ------------------------------------------------------------ config structs and records, in scalars

        [Fact]
        public void Config_struct_members_are_constant_scalar_inputs()
        {
            var rng = new Random(2007);
            var scores = TestData.Vector(rng, 8);
            var labels = new[] { 1, 0, 1, 1, 0, 0, 1, 0 };
            var cfg = new NaturalIdioms.LossConfig(0.8, 1.0, 2);
            double reference = NaturalIdioms.ConfigHinge(scores, labels, cfg);
            Check.Forward(reference, NaturalIdioms.ConfigHingeForward(scores, labels, cfg), "Forward");
            var g = TestData.Garbage(scores);
            Check.Forward(reference, NaturalIdioms.ConfigHingeBackward(scores, labels, in cfg, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ConfigHinge(scores, labels, cfg), scores), g, "dscores");
            var s = TestData.Garbage(scores);
            NaturalIdioms.ConfigHingeBackward(scores, labels, cfg, s, Seed);
            Check.Scaled(g, s, Seed, "dscores");
        }

        [Fact]
        public void Config_record_members_and_a_null_record()
        {
            var rng = new Random(2008);
            var pred = TestData.Vector(rng, 9, 2.0);
            var target = TestData.Vector(rng, 9);
            var cfg = new NaturalIdioms.HuberConfig(0.9, 0.9f);
            double reference = NaturalIdioms.ConfigHuber(pred, target, cfg);
            Check.Forward(reference, NaturalIdioms.ConfigHuberForward(pred, target, cfg), "Forward");
            var (gp, gt) = (TestData.Garbage(pred), TestData.Garbage(target));
            Check.Forward(reference, NaturalIdioms.ConfigHuberBackward(pred, target, cfg, gp, gt), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ConfigHuber(pred, target, cfg), pred), gp, "dpred");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ConfigHuber(pred, target, cfg), target), gt, "dtarget");
            var e = Assert.Throws<ArgumentNullException>(() => NaturalIdioms.ConfigHuberForward(pred, target, null!));
            Assert.Equal("cfg", e.ParamName);

            var pf = TestData.ToFloat(pred);
            var tf = TestData.ToFloat(target);
            Check.Near(NaturalIdioms.ConfigHuberF(pf, tf, cfg), NaturalIdioms.ConfigHuberFForward(pf, tf, cfg), Check.FloatForwardTol, "float Forward");
            var gpf = TestData.Garbage(pf);
            NaturalIdioms.ConfigHuberFBackward(pf, tf, cfg, gpf);
            Check.Gradient(gp, gpf, "float dpred");
        }

        [Fact]
        public void In_scalars_are_differentiated_like_by_value_ones()
        {
            var rng = new Random(2009);
            var x = TestData.Vector(rng, 6);
            double tau = 0.6;
            double reference = NaturalIdioms.InTemperatureLogSumExp(x, tau);
            Check.Forward(reference, NaturalIdioms.InTemperatureLogSumExpForward(x, in tau), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.InTemperatureLogSumExpBackward(x, tau, gx, out double gt), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.InTemperatureLogSumExp(x, tau), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(t => NaturalIdioms.InTemperatureLogSumExp(x, t), tau), gt, "dtau");
        }

        // ------------------------------------------------------------ spans

        [Fact]
        public void Read_only_span_inputs_get_span_gradients()
        {
            var rng = new Random(2010);
            var x = TestData.Vector(rng, 11);
            var xb = TestData.Clone(x);
            double beta = 1.3;
            double reference = NaturalIdioms.SpanSoftplus(x, beta);
            Check.Forward(reference, NaturalIdioms.SpanSoftplusForward(x, beta), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.SpanSoftplusBackward(x, beta, gx, out double gbeta), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.SpanSoftplus(x, beta), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(b => NaturalIdioms.SpanSoftplus(x, b), beta), gbeta, "dbeta");
            var sx = TestData.Garbage(x);
            NaturalIdioms.SpanSoftplusBackward(x, beta, sx, out double sbeta, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gbeta, sbeta, Seed, "dbeta");
            // a slice of a larger buffer works as a span
            var big = new double[20];
            Array.Copy(x, 0, big, 4, x.Length);
            Check.Forward(reference, NaturalIdioms.SpanSoftplusForward(big.AsSpan(4, x.Length), beta), "Forward on a slice");
        }

        [Fact]
        public void A_span_gradient_buffer_of_the_wrong_length_is_rejected_before_anything_is_written()
        {
            var x = new[] { 1.0, 2.0, 3.0 };
            var g = new[] { 7.0, 7.0 };
            var e = Assert.Throws<ArgumentException>(() => NaturalIdioms.SpanSoftplusBackward(x, 1.0, g, out _));
            Assert.Equal("xGrad", e.ParamName);
            Assert.Equal(new[] { 7.0, 7.0 }, g);
        }

        [Fact]
        public void Span_outputs_of_a_layer_and_their_upstream_gradients()
        {
            var rng = new Random(2011);
            var x = TestData.Vector(rng, 6);
            var w = TestData.Vector(rng, 6);
            double b = 0.2;
            var upstream = TestData.Vector(rng, 6);
            var expected = new double[6];
            NaturalIdioms.SpanTanhLayer(x, w, b, expected);
            var y = TestData.Garbage(x);
            NaturalIdioms.SpanTanhLayerForward(x, w, b, y);
            Check.Gradient(expected, y, "Forward output y", Check.ForwardTol);
            var ub = TestData.Clone(upstream);
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            var y2 = TestData.Garbage(x);
            NaturalIdioms.SpanTanhLayerBackward(x, w, b, y2, gx, gw, out double gb, upstream);
            Check.Gradient(expected, y2, "Backward output y", Check.ForwardTol);
            Check.Unchanged(ub, upstream, "yGrad");
            double L()
            {
                var o = new double[6];
                NaturalIdioms.SpanTanhLayer(x, w, b, o);
                return o.Select((v, i) => v * upstream[i]).Sum();
            }
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(L, w), gw, "dw");
            Check.Gradient(FiniteDiff.Derivative(v => { b = v; return L(); }, 0.2), gb, "db");
            var e = Assert.Throws<ArgumentException>(() => NaturalIdioms.SpanTanhLayerBackward(x, w, 0.2, new double[6], gx, gw, out _, new double[5]));
            Assert.Equal("yGrad", e.ParamName);
        }

        [Fact]
        public void Float_span_loss_with_a_constant_span()
        {
            var rng = new Random(2012);
            var pd = TestData.Vector(rng, 10);
            var td = TestData.Vector(rng, 10);
            var (p, t) = (TestData.ToFloat(pd), TestData.ToFloat(td));
            float reference = NaturalIdioms.SpanMseF(p, t);
            Check.Near(reference, NaturalIdioms.SpanMseFForward(p, t), Check.FloatForwardTol, "Forward");
            var gp = TestData.Garbage(p);
            Check.Near(reference, NaturalIdioms.SpanMseFBackward(p, t, gp), Check.FloatForwardTol, "Backward value");
            Check.Gradient(pd.Select((v, i) => 2 * (v - td[i]) / 10).ToArray(), gp, "dpred");
        }

        // ------------------------------------------------------------ T[,,]

        [Fact]
        public void Rank_3_inputs_are_indexed_and_differentiated()
        {
            var rng = new Random(2013);
            var x = Tensor(rng, 3, 4, 5);
            var w = TestData.Matrix(rng, 4, 5);
            var xb = (double[,,])x.Clone();
            double reference = NaturalIdioms.Batch3Projection(x, w);
            Check.Forward(reference, NaturalIdioms.Batch3ProjectionForward(x, w), "Forward");
            var gx = new double[3, 4, 5];
            var gw = TestData.Garbage(w);
            Check.Forward(reference, NaturalIdioms.Batch3ProjectionBackward(x, w, gx, gw), "Backward value");
            Assert.Equal(Flat(xb), Flat(x));
            Gradient(Fd(() => NaturalIdioms.Batch3Projection(x, w), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.Batch3Projection(x, w), w), gw, "dw");
            var sx = new double[3, 4, 5];
            NaturalIdioms.Batch3ProjectionBackward(x, w, sx, TestData.Garbage(w), Seed);
            Gradient(Flat(gx).Select(v => v * Seed).ToArray(), sx, "dx (seeded)", Check.SeedTol);
        }

        [Fact]
        public void Rank_3_buffers_of_the_wrong_shape_and_null_are_reported_by_name()
        {
            var x = new double[2, 3, 4];
            var w = new double[3, 4];
            var gx = new double[2, 4, 3];
            gx[0, 0, 0] = 9;
            var e = Assert.Throws<ArgumentException>(() => NaturalIdioms.Batch3ProjectionBackward(x, w, gx, new double[3, 4]));
            Assert.Equal("xGrad", e.ParamName);
            Assert.Equal(9, gx[0, 0, 0]);
            var n = Assert.Throws<ArgumentNullException>(() => NaturalIdioms.Batch3ProjectionForward(null!, w));
            Assert.Equal("x", n.ParamName);
        }

        [Fact]
        public void Float_rank_3_input()
        {
            var rng = new Random(2014);
            var xd = Tensor(rng, 2, 3, 4);
            var x = new float[2, 3, 4];
            for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) x[i, j, k] = (float)xd[i, j, k];
            float scale = 0.8f;
            float reference = NaturalIdioms.Batch3TanhMeanF(x, scale);
            Check.Near(reference, NaturalIdioms.Batch3TanhMeanFForward(x, scale), Check.FloatForwardTol, "Forward");
            var gx = new float[2, 3, 4];
            NaturalIdioms.Batch3TanhMeanFBackward(x, scale, gx, out float gs);
            var expected = Flat(x).Select(v => { double t = Math.Tanh(scale * v); return scale * (1 - t * t) / 24; }).ToArray();
            Gradient(expected, gx, "dx", Check.FloatGradTol);
            double ds = Flat(x).Select(v => { double t = Math.Tanh(scale * v); return v * (1 - t * t) / 24; }).Sum();
            Check.Near(ds, gs, Check.FloatGradTol, "dscale");
        }

        [Fact]
        public void Rank_3_outputs_of_a_layer()
        {
            var rng = new Random(2015);
            var x = Tensor(rng, 2, 3, 4);
            var upstream = Tensor(rng, 2, 3, 4);
            double s = 1.4;
            var expected = new double[2, 3, 4];
            NaturalIdioms.Batch3SquareLayer(x, s, expected);
            var y = new double[2, 3, 4];
            NaturalIdioms.Batch3SquareLayerForward(x, s, y);
            Gradient(Flat(expected), y, "Forward output y", Check.ForwardTol);
            var gx = new double[2, 3, 4];
            var y2 = new double[2, 3, 4];
            NaturalIdioms.Batch3SquareLayerBackward(x, s, y2, gx, out double gs, upstream);
            Gradient(Flat(expected), y2, "Backward output y", Check.ForwardTol);
            double L()
            {
                var o = new double[2, 3, 4];
                NaturalIdioms.Batch3SquareLayer(x, s, o);
                return Flat(o).Zip(Flat(upstream), (a, b) => a * b).Sum();
            }
            Gradient(Fd(L, x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(v => { s = v; return L(); }, 1.4), gs, "ds");
        }

        // ------------------------------------------------------------ multi-core

        [Fact]
        public void Split_loops_of_the_array_forms_match_the_sequential_code()
        {
            // the corpus functions whose plans split loops (see their generated code): a T[,,] layer and a config-struct loss
            double[] Run()
            {
                var rng = new Random(77);
                var x = Tensor(rng, 9, 4, 5);
                var upstream = Tensor(rng, 9, 4, 5);
                var y = new double[9, 4, 5];
                NaturalIdioms.Batch3SquareLayerForward(x, 1.3, y);
                var y2 = new double[9, 4, 5];
                var gx = new double[9, 4, 5];
                NaturalIdioms.Batch3SquareLayerBackward(x, 1.3, y2, gx, out double gs, upstream);
                var scores = TestData.Vector(rng, 50);
                var labels = Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
                var cfg = new NaturalIdioms.LossConfig(0.7, 1.0, 2);
                var gsc = new double[50];
                double f = NaturalIdioms.ConfigHingeForward(scores, labels, cfg);
                double b = NaturalIdioms.ConfigHingeBackward(scores, labels, cfg, gsc);
                return new[] { gs, f, b }.Concat(Flat(y)).Concat(Flat(y2)).Concat(Flat(gx)).Concat(gsc).ToArray();
            }
            long minWork = LoopParallelism.MinWork;
            int threads = Gemm.MaxDegreeOfParallelism;
            double[] sequential, parallel;
            long runs;
            try
            {
                LoopParallelism.MinWork = long.MaxValue;
                sequential = Run();
                LoopParallelism.MinWork = 0;
                Gemm.MaxDegreeOfParallelism = 4;
                long before = LoopParallelism.ParallelRuns;
                parallel = Run();
                runs = LoopParallelism.ParallelRuns - before;
            }
            finally
            {
                LoopParallelism.MinWork = minWork;
                Gemm.MaxDegreeOfParallelism = threads;
            }
            Assert.True(runs >= 2, $"{runs} loops ran split");
            Assert.True(Device.DeviceCases.Relative(sequential, parallel) <= 1e-12, "split loops differ from the sequential code");
        }
    }
}
