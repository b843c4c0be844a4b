using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Raise.BatchedProducts (a per-component matrix-vector product over a block of points as one GEMM per component):
    /// a dense map accumulated with -=, an upper triangle built column by column (the transposed layout), a map to fewer
    /// dimensions, and a map scaled per point (kept per point); one point, a partial block, several blocks with a partial
    /// last one. Value, Forward and both gradients against the user's loop and central differences.
    /// </summary>
    public class BatchedMapsTests
    {
        public static TheoryData<int, int, int> Sizes => new() { { 1, 3, 1 }, { 7, 3, 4 }, { 130, 5, 2 }, { 300, 4, 3 } };

        [Theory, MemberData(nameof(Sizes))]
        public void ColumnMajorProjection_OneProductPerComponent(int n, int d, int k) =>
            PointBlocksTests.CheckAssignment(n, d, k, n * 3 + d, 0.5, (x, c, w, gc, gw) => BatchedMaps.ColumnMajorProjectionBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => BatchedMaps.ColumnMajorProjectionForward(x, c, w, d, k), (x, c, w) => BatchedMaps.ColumnMajorProjection(x, c, w, d, k));

        [Theory, MemberData(nameof(Sizes))]
        public void UpperTriangle_TransposedMap(int n, int d, int k) =>
            PointBlocksTests.CheckAssignment(n, d, k, n * 5 + d, 0.5, (x, c, w, gc, gw) => BatchedMaps.UpperTriangleBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => BatchedMaps.UpperTriangleForward(x, c, w, d, k), (x, c, w) => BatchedMaps.UpperTriangle(x, c, w, d, k));

        [Theory, MemberData(nameof(Sizes))]
        public void Bottleneck_FewerOutputsThanInputs(int n, int d, int k) =>
            PointBlocksTests.CheckAssignment(n, d, k, n * 7 + d, 0.5, (x, c, w, gc, gw) => BatchedMaps.BottleneckBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => BatchedMaps.BottleneckForward(x, c, w, d, k), (x, c, w) => BatchedMaps.Bottleneck(x, c, w, d, k));

        [Theory, MemberData(nameof(Sizes))]
        public void TwoMaps_FirstBatchedSecondPerPoint(int n, int d, int k) =>
            PointBlocksTests.CheckAssignment(n, d, k, n * 13 + d, 0.5, (x, c, w, gc, gw) => BatchedMaps.TwoMapsBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => BatchedMaps.TwoMapsForward(x, c, w, d, k), (x, c, w) => BatchedMaps.TwoMaps(x, c, w, d, k));

        [Theory, MemberData(nameof(Sizes))]
        public void PointScaledMap_KeptPerPoint(int n, int d, int k) =>
            PointBlocksTests.CheckAssignment(n, d, k, n * 11 + d, 0.5, (x, c, w, gc, gw) => BatchedMaps.PointScaledMapBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => BatchedMaps.PointScaledMapForward(x, c, w, d, k), (x, c, w) => BatchedMaps.PointScaledMap(x, c, w, d, k));

        /// <summary>The float form (float triangle tiles, 40 columns: a 16-column tile and a tail) against the double one.</summary>
        [Theory]
        [InlineData(130, 40, 2)]
        [InlineData(9, 5, 3)]
        public void UpperTriangleF_MatchesTheDoubleForm(int n, int d, int k)
        {
            var rng = new Random(n + d);
            var x = TestData.Matrix(rng, n, d, 0.3);
            var c = TestData.Matrix(rng, k, d, 0.3);
            var w = TestData.Matrix(rng, k, d * d, 0.1);
            var gc = new double[k, d];
            var gw = new double[k, d * d];
            double expected = BatchedMaps.UpperTriangleBackward(x, c, w, d, k, gc, gw);
            var xf = ToFloat(x);
            var cf = ToFloat(c);
            var wf = ToFloat(w);
            var gcf = new float[k, d];
            var gwf = new float[k, d * d];
            float value = BatchedMaps.UpperTriangleFBackward(xf, cf, wf, d, k, gcf, gwf);
            Assert.True(Math.Abs(value - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"value {value}, expected {expected}");
            Assert.Equal(value, BatchedMaps.UpperTriangleFForward(xf, cf, wf, d, k), 3);
            double scale = 1e-3;
            foreach (double v in gc) scale = Math.Max(scale, Math.Abs(v));
            foreach (double v in gw) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < k; i++)
                for (int j = 0; j < d; j++)
                    Assert.True(Math.Abs(gcf[i, j] - gc[i, j]) <= 2e-3 * scale, $"dcenters[{i},{j}] = {gcf[i, j]}, expected {gc[i, j]}");
            for (int i = 0; i < k; i++)
                for (int j = 0; j < d * d; j++)
                    Assert.True(Math.Abs(gwf[i, j] - gw[i, j]) <= 2e-3 * scale, $"dw[{i},{j}] = {gwf[i, j]}, expected {gw[i, j]}");
        }

        private static float[,] ToFloat(double[,] a)
        {
            var f = new float[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < a.GetLength(1); j++) f[i, j] = (float)a[i, j];
            return f;
        }

        /// <summary>A NaN in one point's coordinates reaches the value and the gradients (the zeroed rows past a block's end
        /// add nothing; a NaN row is not masked by them).</summary>
        [Fact]
        public void NaNPoint_Propagates()
        {
            var rng = new Random(3);
            var x = TestData.Matrix(rng, 130, 4, 0.5);
            var c = TestData.Matrix(rng, 2, 4);
            var w = TestData.Matrix(rng, 2, 16, 0.5);
            x[129, 2] = double.NaN;
            var gc = new double[2, 4];
            var gw = new double[2, 16];
            Assert.True(double.IsNaN(BatchedMaps.ColumnMajorProjectionBackward(x, c, w, 4, 2, gc, gw)));
            Assert.True(double.IsNaN(gc[0, 2]));
            Assert.True(double.IsNaN(gw[0, 2 * 4 + 1]));
        }
    }
}
