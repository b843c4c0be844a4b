using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Inputs outside the happy path. The generated code behaves like the user's own loops: it does not
    /// validate values, it propagates IEEE special values, and it never crashes the process.
    /// Documented behaviour:
    /// <list type="bullet">
    /// <item>A NaN anywhere in zi makes the NT-Xent loss NaN (every anchor's denominator sees every row) and
    /// every gradient entry NaN, dL/dtau included. No exception.</item>
    /// <item>An empty batch (B = 0) gives loss 0/0 = NaN exactly as the user's loop does (loss /= 2B), empty
    /// gradient arrays and dL/dtau = 0 (no term depends on tau). No exception.</item>
    /// <item>A zero row has no direction: its cosine similarity is 0/0 = NaN, as in the user's code.</item>
    /// <item>An index the user's loop would read out of range (LogSumExp of an empty array reads x[0]) throws
    /// the same IndexOutOfRangeException from the generated code.</item>
    /// </list>
    /// </summary>
    public class BadInputTests
    {
        [Fact]
        public void NaNInInput_PropagatesToLossAndGradients_WithoutThrowing()
        {
            var rng = new Random(901);
            var zi = TestData.Matrix(rng, 3, 4);
            var zj = TestData.Matrix(rng, 3, 4);
            zi[1, 2] = double.NaN;

            Assert.True(double.IsNaN(NtXentCorpus.NtXent(zi, zj, 0.5)), "the user's loop gives NaN");
            Assert.True(double.IsNaN(NtXentCorpus.NtXentForward(zi, zj, 0.5)), "NtXentForward gives NaN like the user's loop");

            var gzi = new double[3, 4];
            var gzj = new double[3, 4];
            double tauGrad = 0;
            double loss = 0;
            var ex = Record.Exception(() => loss = NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out tauGrad));
            Assert.Null(ex);
            Assert.True(double.IsNaN(loss), "NtXentBackward returns NaN");
            Assert.True(double.IsNaN(tauGrad), "dL/dtau is NaN");
            foreach (var g in gzi) Assert.True(double.IsNaN(g), "every dL/dzi entry is NaN");
            foreach (var g in gzj) Assert.True(double.IsNaN(g), "every dL/dzj entry is NaN");
        }

        [Fact]
        public void NaNInInput_OtherCorpusFunctions_DoNotThrow()
        {
            var x = new[] { 0.5, double.NaN, -1.0 };
            var gx = new double[3];
            Assert.True(double.IsNaN(Classification.LogSumExpBackward(x, gx)));
            Assert.True(double.IsNaN(gx[1]));

            var pred = new[] { 1.0, double.NaN, 0.0 };
            var target = new[] { 0.0, 0.0, 0.0 };
            var gp = new double[3];
            var gt = new double[3];
            double v = Elementwise.HuberBackward(pred, target, 1.0, true, gp, gt, out double gd);
            Assert.True(double.IsNaN(v));
            Assert.Equal(Elementwise.Huber(pred, target, 1.0, true), v);

            // a NaN in an entry the mask skips never reaches the result
            var mask = new[] { 1, 0, 1 };
            double m = Elementwise.MaskedMseBackward(pred, target, mask, gp, gt);
            Assert.Equal(1.0, m);
            Assert.Equal(0.0, gp[1]);
        }

        [Fact]
        public void EmptyBatch_GivesNaNLossLikeTheUsersLoop_AndZeroTauGradient()
        {
            var zi = new double[0, 4];
            var zj = new double[0, 4];
            Assert.True(double.IsNaN(NtXentCorpus.NtXent(zi, zj, 0.5)), "the user's loop divides 0 by 2B = 0");
            Assert.True(double.IsNaN(NtXentCorpus.NtXentForward(zi, zj, 0.5)));

            double loss = 0;
            double tauGrad = double.NaN;
            var ex = Record.Exception(() => loss = NtXentCorpus.NtXentBackward(zi, zj, 0.5, new double[0, 4], new double[0, 4], out tauGrad));
            Assert.Null(ex);
            Assert.True(double.IsNaN(loss));
            Assert.Equal(0.0, tauGrad);
        }

        [Fact]
        public void EmptyBatch_JaggedAndFloatVariants()
        {
            var zi = Array.Empty<double[]>();
            var zj = Array.Empty<double[]>();
            Assert.True(double.IsNaN(NtXentCorpus.NtXentJagged(zi, zj, 0.5)));
            double loss = NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, Array.Empty<double[]>(), Array.Empty<double[]>(), out double tauGrad);
            Assert.True(double.IsNaN(loss));
            Assert.Equal(0.0, tauGrad);

            var fzi = new float[0, 3];
            var fzj = new float[0, 3];
            Assert.True(float.IsNaN(NtXentCorpus.NtXentF(fzi, fzj, 0.5f)));
            float floss = NtXentCorpus.NtXentFBackward(fzi, fzj, 0.5f, new float[0, 3], new float[0, 3], out float ftau);
            Assert.True(float.IsNaN(floss));
            Assert.Equal(0f, ftau);
        }

        [Fact]
        public void EmptyBatch_ProjectedNtXent()
        {
            var w = new double[3, 2];
            var gw = TestData.Filled(new double[3, 2], double.NaN);
            double loss = NtXentCorpus.ProjectedNtXentBackward(new double[0, 3], new double[0, 3], w, 0.5, gw);
            Assert.True(double.IsNaN(loss));
            foreach (var g in gw) Assert.Equal(0.0, g);
        }

        [Fact]
        public void ZeroRow_GivesNaNLikeTheUsersLoop()
        {
            var rng = new Random(902);
            var zi = TestData.Matrix(rng, 2, 3);
            var zj = TestData.Matrix(rng, 2, 3);
            for (int d = 0; d < 3; d++) zi[0, d] = 0.0;
            Assert.True(double.IsNaN(NtXentCorpus.NtXent(zi, zj, 0.5)));
            double loss = NtXentCorpus.NtXentBackward(zi, zj, 0.5, new double[2, 3], new double[2, 3], out _);
            Assert.True(double.IsNaN(loss));
        }

        [Fact]
        public void OutOfRangeRead_ThrowsTheSameExceptionAsTheUsersLoop()
        {
            var empty = Array.Empty<double>();
            Assert.Throws<IndexOutOfRangeException>(() => Classification.LogSumExp(empty));
            Assert.Throws<IndexOutOfRangeException>(() => Classification.LogSumExpForward(empty));
            Assert.Throws<IndexOutOfRangeException>(() => Classification.LogSumExpBackward(empty, Array.Empty<double>()));
        }
    }
}
