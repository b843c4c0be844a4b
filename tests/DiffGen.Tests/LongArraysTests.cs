using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="LongArrays"/>: long[] and long[,] data by the oracle, and the range check at entry.</summary>
    public class LongArraysTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(LongArrays), name, args);

        private static readonly double[,] X = { { 0.1, 0.2 }, { -0.3, 0.4 }, { 0.5, -0.1 }, { 0.0, 0.3 }, { 0.2, 0.2 } };

        [Fact]
        public void CoxNegLogLik_with_ties() => Check("CoxNegLogLik", X, new[] { 0.5, -0.2 }, new long[] { 5, 3, 8, 3, 5 }, new[] { true, false, true, true, true });

        [Fact]
        public void PickedSquares() => Check("PickedSquares", TestData.Matrix(new Random(1901), 3, 4), new long[,] { { 0, 1 }, { 2, 3 }, { 0, 1 }, { 1, 0 } });

        [Fact]
        public void A_value_outside_int_range_throws_naming_the_parameter()
        {
            var times = new long[] { 5, 3, 3_000_000_000L, 3, 5 };
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => LongArrays.CoxNegLogLikForward(X, new[] { 0.5, -0.2 }, times, new bool[5]));
            Assert.Equal("times", e.ParamName);
            Assert.Contains("times[2]", e.Message);
            var m = Assert.Throws<ArgumentOutOfRangeException>(() => LongArrays.PickedSquaresBackward(new double[2, 2], new long[,] { { 0, 0 }, { -5_000_000_000L, 1 } }, new double[2, 2]));
            Assert.Equal("picks", m.ParamName);
            Assert.Contains("picks[1, 0]", m.Message);
            // the pooled copy went back: the next call works
            Assert.Equal(0.0, LongArrays.PickedSquaresForward(new double[2, 2], new long[,] { { 1, 1 } }));
        }
    }
}
