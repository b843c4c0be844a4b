using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The calling contract of generated Backward methods (docs/api.md): gradient buffers are overwritten,
    /// not accumulated; a null or wrongly shaped buffer is an ArgumentException (ArgumentNullException for
    /// null) whose ParamName is the buffer's parameter name, thrown before anything is written.
    /// </summary>
    public class BackwardContractTests
    {
        private const double Sentinel = 42.0;

        private static (double[,] zi, double[,] zj) Views(int seed, int b = 3, int d = 4)
        {
            var rng = new Random(seed);
            return (TestData.Matrix(rng, b, d), TestData.Matrix(rng, b, d));
        }

        private static void AllEqual(double[,] a, double value, string what)
        {
            foreach (var v in a) Assert.True(v.Equals(value), $"{what} was written ({v:R}) although Backward threw");
        }

        private static void AllEqual(double[] a, double value, string what)
        {
            foreach (var v in a) Assert.True(v.Equals(value), $"{what} was written ({v:R}) although Backward threw");
        }

        // ------------------------------------------------------------------ overwrite, not accumulate

        [Fact]
        public void NtXentBackward_CalledTwiceWithTheSameBuffers_Overwrites()
        {
            var (zi, zj) = Views(801);
            var gzi = new double[3, 4];
            var gzj = new double[3, 4];
            NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out double t1);
            var first = (TestData.Clone(gzi), TestData.Clone(gzj));
            NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out double t2);
            Check.Gradient(first.Item1, gzi, "second call dzi", 1e-15);
            Check.Gradient(first.Item2, gzj, "second call dzj", 1e-15);
            Assert.Equal(t1, t2);
        }

        [Fact]
        public void NtXentBackward_PrefilledBuffers_AreOverwritten()
        {
            var (zi, zj) = Views(802);
            var clean = (new double[3, 4], new double[3, 4]);
            NtXentCorpus.NtXentBackward(zi, zj, 0.5, clean.Item1, clean.Item2, out _);
            var gzi = TestData.Filled(new double[3, 4], 1e6);
            var gzj = TestData.Filled(new double[3, 4], -7.0);
            NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out _);
            Check.Gradient(clean.Item1, gzi, "dzi after prefilled buffer", 1e-15);
            Check.Gradient(clean.Item2, gzj, "dzj after prefilled buffer", 1e-15);
        }

        [Fact]
        public void NtXentJaggedBackward_CalledTwice_Overwrites()
        {
            var (zi2, zj2) = Views(803);
            var zi = TestData.ToJagged(zi2);
            var zj = TestData.ToJagged(zj2);
            var gzi = TestData.Filled(TestData.Garbage(zi), 0.0);
            var gzj = TestData.Filled(TestData.Garbage(zj), 0.0);
            NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, gzj, out _);
            var first = (TestData.Clone(gzi), TestData.Clone(gzj));
            NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, gzj, out _);
            Check.Gradient(first.Item1, gzi, "second call dzi", 1e-15);
            Check.Gradient(first.Item2, gzj, "second call dzj", 1e-15);
        }

        [Fact]
        public void LinearBackward_CalledTwice_Overwrites()
        {
            var rng = new Random(804);
            var x = TestData.Matrix(rng, 4, 3);
            var w = TestData.Matrix(rng, 3, 2);
            var b = TestData.Vector(rng, 2);
            var yGrad = TestData.Matrix(rng, 4, 2);
            var y = new double[4, 2];
            var gx = new double[4, 3];
            var gw = new double[3, 2];
            var gb = new double[2];
            Networks.LinearBackward(x, w, b, y, gx, gw, gb, yGrad);
            var first = (TestData.Clone(gx), TestData.Clone(gw), TestData.Clone(gb), TestData.Clone(y));
            Networks.LinearBackward(x, w, b, y, gx, gw, gb, yGrad);
            Check.Gradient(first.Item1, gx, "second call dx", 1e-15);
            Check.Gradient(first.Item2, gw, "second call dw", 1e-15);
            Check.Gradient(first.Item3, gb, "second call db", 1e-15);
            Check.Gradient(first.Item4, y, "second call y (not accumulated either)", 1e-15);
        }

        [Fact]
        public void MlpMseBackward_CalledTwice_Overwrites()
        {
            var rng = new Random(805);
            var x = TestData.Matrix(rng, 3, 2);
            var w1 = TestData.Matrix(rng, 2, 3);
            var b1 = TestData.Vector(rng, 3);
            var w2 = TestData.Matrix(rng, 3, 1);
            var b2 = TestData.Vector(rng, 1);
            var t = TestData.Matrix(rng, 3, 1);
            var g = (new double[3, 2], new double[2, 3], new double[3], new double[3, 1], new double[1], new double[3, 1]);
            Networks.MlpMseBackward(x, w1, b1, w2, b2, t, g.Item1, g.Item2, g.Item3, g.Item4, g.Item5, g.Item6);
            var first = (TestData.Clone(g.Item2), TestData.Clone(g.Item3), TestData.Clone(g.Item6));
            Networks.MlpMseBackward(x, w1, b1, w2, b2, t, g.Item1, g.Item2, g.Item3, g.Item4, g.Item5, g.Item6);
            Check.Gradient(first.Item1, g.Item2, "second call dw1", 1e-15);
            Check.Gradient(first.Item2, g.Item3, "second call db1", 1e-15);
            Check.Gradient(first.Item3, g.Item6, "second call dtarget", 1e-15);
        }

        // ------------------------------------------------------------------ shape and null checks

        [Fact]
        public void NtXentBackward_WrongShapedSecondBuffer_ThrowsNamingIt_AndWritesNothing()
        {
            var (zi, zj) = Views(811);
            var gzi = TestData.Filled(new double[3, 4], Sentinel);
            var gzj = TestData.Filled(new double[3, 5], Sentinel);
            var ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out _));
            Assert.Equal("zjGrad", ex.ParamName);
            AllEqual(gzi, Sentinel, "ziGrad");
            AllEqual(gzj, Sentinel, "zjGrad");
        }

        [Fact]
        public void NtXentBackward_WrongRowCount_ThrowsNamingIt()
        {
            var (zi, zj) = Views(812);
            var gzi = TestData.Filled(new double[2, 4], Sentinel);
            var gzj = TestData.Filled(new double[3, 4], Sentinel);
            var ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentBackward(zi, zj, 0.5, gzi, gzj, out _));
            Assert.Equal("ziGrad", ex.ParamName);
            AllEqual(gzj, Sentinel, "zjGrad");
        }

        [Fact]
        public void NtXentBackward_NullBuffer_ThrowsArgumentNullNamingIt()
        {
            var (zi, zj) = Views(813);
            var gzj = TestData.Filled(new double[3, 4], Sentinel);
            var ex = Assert.Throws<ArgumentNullException>(() => NtXentCorpus.NtXentBackward(zi, zj, 0.5, null!, gzj, out _));
            Assert.Equal("ziGrad", ex.ParamName);
            AllEqual(gzj, Sentinel, "zjGrad");
        }

        [Fact]
        public void NtXentJaggedBackward_BadBuffers_ThrowNamingThem()
        {
            var (zi2, zj2) = Views(814);
            var zi = TestData.ToJagged(zi2);
            var zj = TestData.ToJagged(zj2);
            var gzi = TestData.Filled(TestData.Garbage(zi), Sentinel);

            // too few rows
            var fewRows = new[] { new double[4], new double[4] };
            var ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, fewRows, out _));
            Assert.Equal("zjGrad", ex.ParamName);

            // a row of the wrong length
            var shortRow = new[] { new double[4], new double[3], new double[4] };
            ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, shortRow, out _));
            Assert.Equal("zjGrad", ex.ParamName);

            // a row the caller did not allocate
            var nullRow = new[] { new double[4], null!, new double[4] };
            ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, nullRow, out _));
            Assert.Equal("zjGrad", ex.ParamName);

            // null buffer
            var nex = Assert.Throws<ArgumentNullException>(() => NtXentCorpus.NtXentJaggedBackward(zi, zj, 0.5, gzi, null!, out _));
            Assert.Equal("zjGrad", nex.ParamName);

            foreach (var row in gzi) AllEqual(row, Sentinel, "ziGrad");
            foreach (var row in fewRows) AllEqual(row, 0.0, "zjGrad rows");
            foreach (var row in shortRow) AllEqual(row, 0.0, "zjGrad rows");
        }

        [Fact]
        public void LinearBackward_BadBuffers_ThrowNamingThem_AndLeaveOutputAlone()
        {
            var rng = new Random(815);
            var x = TestData.Matrix(rng, 4, 3);
            var w = TestData.Matrix(rng, 3, 2);
            var b = TestData.Vector(rng, 2);
            var y = TestData.Filled(new double[4, 2], Sentinel);
            var gx = TestData.Filled(new double[4, 3], Sentinel);
            var gw = TestData.Filled(new double[3, 2], Sentinel);
            var gb = TestData.Filled(new double[2], Sentinel);
            var yGrad = TestData.Matrix(rng, 4, 2);

            var ex = Assert.ThrowsAny<ArgumentException>(() => Networks.LinearBackward(x, w, b, y, gx, new double[2, 3], gb, yGrad));
            Assert.Equal("wGrad", ex.ParamName);
            ex = Assert.ThrowsAny<ArgumentException>(() => Networks.LinearBackward(x, w, b, y, gx, gw, new double[3], yGrad));
            Assert.Equal("bGrad", ex.ParamName);
            ex = Assert.ThrowsAny<ArgumentException>(() => Networks.LinearBackward(x, w, b, y, gx, gw, gb, new double[4, 3]));
            Assert.Equal("yGrad", ex.ParamName);
            var nex = Assert.Throws<ArgumentNullException>(() => Networks.LinearBackward(x, w, b, y, gx, gw, null!, yGrad));
            Assert.Equal("bGrad", nex.ParamName);
            nex = Assert.Throws<ArgumentNullException>(() => Networks.LinearBackward(x, w, b, y, gx, gw, gb, null!));
            Assert.Equal("yGrad", nex.ParamName);

            AllEqual(y, Sentinel, "y (output)");
            AllEqual(gx, Sentinel, "xGrad");
            AllEqual(gw, Sentinel, "wGrad");
            AllEqual(gb, Sentinel, "bGrad");
        }

        [Fact]
        public void RestrictedBackward_WrongLength_ThrowsNamingIt()
        {
            var a = new[] { 1.0, 2.0, 3.0 };
            var b = new[] { 0.5, -1.0, 2.0 };
            var ex = Assert.ThrowsAny<ArgumentException>(() => Elementwise.RestrictedQuadraticBackward(a, b, 0.8, new double[2]));
            Assert.Equal("aGrad", ex.ParamName);
        }

        [Fact]
        public void NtXentFBackward_WrongShape_ThrowsNamingIt()
        {
            var (zi, zj) = Views(816);
            var fzi = TestData.ToFloat(zi);
            var fzj = TestData.ToFloat(zj);
            var gzi = TestData.Filled(new float[3, 4], 42f);
            var ex = Assert.ThrowsAny<ArgumentException>(() => NtXentCorpus.NtXentFBackward(fzi, fzj, 0.5f, gzi, new float[4, 3], out _));
            Assert.Equal("zjGrad", ex.ParamName);
            Check.Unchanged(TestData.Filled(new float[3, 4], 42f), gzi, "ziGrad");
        }
    }
}
