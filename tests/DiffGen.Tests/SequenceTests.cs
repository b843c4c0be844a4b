using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Forward, finite-difference and seed checks for <see cref="Sequences"/> (same measures as <see cref="CorpusGradientTests"/>).</summary>
    public class SequenceTests
    {
        private const double Seed = -2.5;

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        public void ScalarRnn_Recurrence(int n)
        {
            var rng = new Random(1001 + n);
            var x = TestData.Vector(rng, n);
            var y = TestData.Vector(rng, n, 0.5);
            double w = 0.8, u = 0.6, c = -0.1, h0 = 0.3;
            double reference = Sequences.ScalarRnn(x, y, w, u, c, h0);
            Check.Forward(reference, Sequences.ScalarRnnForward(x, y, w, u, c, h0), "ScalarRnnForward");
            var gx = TestData.Garbage(x);
            var gy = TestData.Garbage(y);
            Check.Forward(reference, Sequences.ScalarRnnBackward(x, y, w, u, c, h0, gx, gy, out double gw, out double gu, out double gc, out double gh0), "ScalarRnnBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Sequences.ScalarRnn(x, y, w, u, c, h0), x), gx, "ScalarRnn dx");
            Check.Gradient(FiniteDiff.Gradient(() => Sequences.ScalarRnn(x, y, w, u, c, h0), y), gy, "ScalarRnn dy");
            Check.Gradient(FiniteDiff.Derivative(v => Sequences.ScalarRnn(x, y, v, u, c, h0), w), gw, "ScalarRnn dw");
            Check.Gradient(FiniteDiff.Derivative(v => Sequences.ScalarRnn(x, y, w, v, c, h0), u), gu, "ScalarRnn du");
            Check.Gradient(FiniteDiff.Derivative(v => Sequences.ScalarRnn(x, y, w, u, v, h0), c), gc, "ScalarRnn dc");
            Check.Gradient(FiniteDiff.Derivative(v => Sequences.ScalarRnn(x, y, w, u, c, v), h0), gh0, "ScalarRnn dh0");

            var sx = TestData.Garbage(x);
            var sy = TestData.Garbage(y);
            Sequences.ScalarRnnBackward(x, y, w, u, c, h0, sx, sy, out double sw, out double su, out double sc, out double sh0, Seed);
            Check.Scaled(gx, sx, Seed, "ScalarRnn dx");
            Check.Scaled(gy, sy, Seed, "ScalarRnn dy");
            Check.Scaled(gw, sw, Seed, "ScalarRnn dw");
            Check.Scaled(gu, su, Seed, "ScalarRnn du");
            Check.Scaled(gc, sc, Seed, "ScalarRnn dc");
            Check.Scaled(gh0, sh0, Seed, "ScalarRnn dh0");
        }

        [Fact]
        public void Conv1d_IndexArithmeticModuloLogicalOperators()
        {
            var rng = new Random(1002);
            var x = TestData.Vector(rng, 9);
            var kernel = TestData.Vector(rng, 3);
            int step = 2;
            // test-data guard: no y[i] at a branch boundary (0 or -1)
            for (int i = 0; i < 7; i++)
            {
                double yi = 0;
                for (int j = 0; j < 3; j++) yi += x[i + j] * kernel[j];
                Assert.True(Math.Abs(yi) > 1e-3 && Math.Abs(yi + 1.0) > 1e-3, "test data at a branch boundary; choose another seed");
            }
            Func<double> f = () => Sequences.Conv1d(x, kernel, step);
            double reference = f();
            Check.Forward(reference, Sequences.Conv1dForward(x, kernel, step), "Conv1dForward");
            var gx = TestData.Garbage(x);
            var gk = TestData.Garbage(kernel);
            Check.Forward(reference, Sequences.Conv1dBackward(x, kernel, step, gx, gk), "Conv1dBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "Conv1d dx");
            Check.Gradient(FiniteDiff.Gradient(f, kernel), gk, "Conv1d dkernel");

            var sx = TestData.Garbage(x);
            var sk = TestData.Garbage(kernel);
            Sequences.Conv1dBackward(x, kernel, step, sx, sk, Seed);
            Check.Scaled(gx, sx, Seed, "Conv1d dx");
            Check.Scaled(gk, sk, Seed, "Conv1d dkernel");
        }

        [Fact]
        public void PrefixSumSquares_LoopCarriedLocalArray()
        {
            var rng = new Random(1003);
            var x = TestData.Vector(rng, 8);
            double decay = 0.9;
            double reference = Sequences.PrefixSumSquares(x, decay);
            Check.Forward(reference, Sequences.PrefixSumSquaresForward(x, decay), "PrefixSumSquaresForward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, Sequences.PrefixSumSquaresBackward(x, decay, gx, out double gd), "PrefixSumSquaresBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Sequences.PrefixSumSquares(x, decay), x), gx, "PrefixSumSquares dx");
            Check.Gradient(FiniteDiff.Derivative(v => Sequences.PrefixSumSquares(x, v), decay), gd, "PrefixSumSquares ddecay");
            var sx = TestData.Garbage(x);
            Sequences.PrefixSumSquaresBackward(x, decay, sx, out double sd, Seed);
            Check.Scaled(gx, sx, Seed, "PrefixSumSquares dx");
            Check.Scaled(gd, sd, Seed, "PrefixSumSquares ddecay");
        }

        [Fact]
        public void SelfAttention_InPlaceSoftmaxOnLocal()
        {
            var rng = new Random(1004);
            var x = TestData.Matrix(rng, 5, 4);
            var wq = TestData.Matrix(rng, 4, 3, 0.6);
            var wk = TestData.Matrix(rng, 4, 3, 0.6);
            Func<double> f = () => Sequences.SelfAttention(x, wq, wk);
            double reference = f();
            Check.Forward(reference, Sequences.SelfAttentionForward(x, wq, wk), "SelfAttentionForward");
            var gx = TestData.Garbage(x);
            var gq = TestData.Garbage(wq);
            var gk = TestData.Garbage(wk);
            Check.Forward(reference, Sequences.SelfAttentionBackward(x, wq, wk, gx, gq, gk), "SelfAttentionBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "SelfAttention dx");
            Check.Gradient(FiniteDiff.Gradient(f, wq), gq, "SelfAttention dwq");
            Check.Gradient(FiniteDiff.Gradient(f, wk), gk, "SelfAttention dwk");

            var sx = TestData.Garbage(x);
            var sq = TestData.Garbage(wq);
            var sk = TestData.Garbage(wk);
            Sequences.SelfAttentionBackward(x, wq, wk, sx, sq, sk, Seed);
            Check.Scaled(gx, sx, Seed, "SelfAttention dx");
            Check.Scaled(gq, sq, Seed, "SelfAttention dwq");
            Check.Scaled(gk, sk, Seed, "SelfAttention dwk");
        }

        [Fact]
        public void MlpViaDense_VoidHelperCalledOnLocals_EqualsInlinedMlp()
        {
            var rng = new Random(1005);
            var x = TestData.Matrix(rng, 5, 3);
            var w1 = TestData.Matrix(rng, 3, 4, 0.7);
            var b1 = TestData.Vector(rng, 4, 0.3);
            var w2 = TestData.Matrix(rng, 4, 2, 0.7);
            var b2 = TestData.Vector(rng, 2, 0.3);
            var target = TestData.Matrix(rng, 5, 2);
            Func<double> f = () => Sequences.MlpViaDense(x, w1, b1, w2, b2, target);

            double reference = f();
            Check.Near(Networks.MlpMse(x, w1, b1, w2, b2, target), reference, 1e-12, "MlpViaDense vs MlpMse (user code)");
            Check.Forward(reference, Sequences.MlpViaDenseForward(x, w1, b1, w2, b2, target), "MlpViaDenseForward");
            var gx = TestData.Garbage(x);
            var gw1 = TestData.Garbage(w1);
            var gb1 = TestData.Garbage(b1);
            var gw2 = TestData.Garbage(w2);
            var gb2 = TestData.Garbage(b2);
            var gt = TestData.Garbage(target);
            Check.Forward(reference, Sequences.MlpViaDenseBackward(x, w1, b1, w2, b2, target, gx, gw1, gb1, gw2, gb2, gt), "MlpViaDenseBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "MlpViaDense dx");
            Check.Gradient(FiniteDiff.Gradient(f, w1), gw1, "MlpViaDense dw1");
            Check.Gradient(FiniteDiff.Gradient(f, b1), gb1, "MlpViaDense db1");
            Check.Gradient(FiniteDiff.Gradient(f, w2), gw2, "MlpViaDense dw2");
            Check.Gradient(FiniteDiff.Gradient(f, b2), gb2, "MlpViaDense db2");
            Check.Gradient(FiniteDiff.Gradient(f, target), gt, "MlpViaDense dtarget");

            // and the same gradients as the inlined MLP
            var mx = TestData.Garbage(x);
            var mw1 = TestData.Garbage(w1);
            var mb1 = TestData.Garbage(b1);
            var mw2 = TestData.Garbage(w2);
            var mb2 = TestData.Garbage(b2);
            var mt = TestData.Garbage(target);
            Networks.MlpMseBackward(x, w1, b1, w2, b2, target, mx, mw1, mb1, mw2, mb2, mt);
            Check.Gradient(mw1, gw1, "MlpViaDense dw1 vs MlpMse dw1", 1e-12);
            Check.Gradient(mx, gx, "MlpViaDense dx vs MlpMse dx", 1e-12);
        }

        [Fact]
        public void Dense_VoidLayer_UpstreamGradient()
        {
            var rng = new Random(1006);
            var x = TestData.Matrix(rng, 3, 4);
            var w = TestData.Matrix(rng, 4, 2);
            var b = TestData.Vector(rng, 2);
            var yGrad = TestData.Matrix(rng, 3, 2);
            Func<double> loss = () =>
            {
                var yy = new double[3, 2];
                Sequences.Dense(x, w, b, yy);
                return TestData.Inner(yGrad, yy);
            };
            var y = new double[3, 2];
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            Sequences.DenseBackward(x, w, b, y, gx, gw, gb, yGrad);
            Check.Gradient(FiniteDiff.Gradient(loss, x), gx, "Dense dx");
            Check.Gradient(FiniteDiff.Gradient(loss, w), gw, "Dense dw");
            Check.Gradient(FiniteDiff.Gradient(loss, b), gb, "Dense db");
        }
    }
}
