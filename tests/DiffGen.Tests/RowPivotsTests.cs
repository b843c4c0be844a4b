using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="RowPivots"/>: the oracle (Forward, Backward's value, gradients against central differences, inputs unchanged).</summary>
    public class RowPivotsTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(RowPivots), name, args);

        [Theory]
        [InlineData(1, 1)]
        [InlineData(3, 2)]
        [InlineData(5, 3)]
        public void LuDet(int n, int seed) => Check("LuDet", (object)TestData.Jagged(new Random(seed), n, n));

        [Theory]
        [InlineData(2)]
        [InlineData(5)]
        public void SolveDot(int n)
        {
            var rng = new Random(60 + n);
            var A = TestData.Jagged(rng, n, n);
            for (int i = 0; i < n; i++) A[i][i] += 0.5; // away from singular, still pivoting
            Check("SolveDot", A, TestData.Vector(rng, n), TestData.Vector(rng, n));
        }

        [Theory]
        [InlineData(4, 7)]
        [InlineData(6, 8)]
        public void LuDetTemp(int n, int seed)
        {
            var A = TestData.Jagged(new Random(seed), n, n);
            Check("LuDetTemp", (object)A);
            Assert.Equal(RowPivots.LuDet(A), RowPivots.LuDetTempForward(A), 12);
        }

        [Fact]
        public void SwapFirstRows() => Check("SwapFirstRows", (object)TestData.Jagged(new Random(9), 3, 4));

        [Fact]
        public void LuDet_pivots_where_written()
        {
            // the largest entry of column 0 is in row 2: one swap, so det = -(the product of the pivots)
            var A = new[] { new[] { 0.1, 2.0, 0.3 }, new[] { 0.2, 0.5, 1.0 }, new[] { 3.0, 0.4, 0.6 } };
            Assert.Equal(RowPivots.LuDet(A), RowPivots.LuDetForward(A), 12);
            Check("LuDet", (object)A);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(9)]
        public void CoxNll(int n)
        {
            var rng = new Random(70 + n);
            int p = 3;
            var events = new bool[n];
            for (int i = 0; i < n; i++) events[i] = rng.Next(3) > 0;
            Check("CoxNll", TestData.Vector(rng, p, 0.5), TestData.Vector(rng, n * p), TestData.Vector(rng, n), events);
        }

        [Fact]
        public void RankWeighted() { var rng = new Random(80); Check("RankWeighted", TestData.Vector(rng, 7), TestData.Vector(rng, 7)); }

        [Fact]
        public void Sort_with_shorter_items_throws_as_Array_Sort_does()
        {
            var ex = Assert.Throws<ArgumentException>(() => RowPivots.RankWeightedForward(new double[4], new double[0]));
            Assert.Equal("items", ex.ParamName);
        }
    }
}
