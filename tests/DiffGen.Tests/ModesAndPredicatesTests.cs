using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="ModesAndPredicates"/>: a string mode through a helper's switch, and LINQ predicates, by the oracle and by their exceptions.</summary>
    public class ModesAndPredicatesTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(ModesAndPredicates), name, args);

        private static readonly double[] Lags = { 0.5, 1, 2, 3, 4 };
        private static readonly double[] Empirical = { 0.35, 0.6, 0.8, 0.95, 1.0 };
        private static readonly int[] Pairs = { 12, 30, 41, 22, 8 };

        [Theory]
        [InlineData("spherical")]
        [InlineData("exponential")]
        [InlineData("gaussian")]
        public void VariogramFit(string model) => Check("VariogramFit", Lags, Empirical, Pairs, 0.1, 1.0, 2.5, model);

        [Fact]
        public void VariogramFit_unknown_model_throws_the_same_exception()
        {
            var e = Assert.Throws<ArgumentException>(() => ModesAndPredicates.VariogramFit(Lags, Empirical, Pairs, 0.1, 1.0, 2.5, "cubic"));
            Assert.Equal("model", e.ParamName);
            Assert.StartsWith("unknown variogram model: cubic", e.Message);
            var f = Assert.Throws<ArgumentException>(() => ModesAndPredicates.VariogramFitForward(Lags, Empirical, Pairs, 0.1, 1.0, 2.5, "cubic"));
            Assert.Equal(e.Message, f.Message);
            var b = Assert.Throws<ArgumentException>(() => ModesAndPredicates.VariogramFitBackward(Lags, Empirical, Pairs, 0.1, 1.0, 2.5, "cubic", new double[5], new double[5], out _, out _, out _));
            Assert.Equal(e.Message, b.Message);
        }

        [Fact]
        public void MeanOfPositiveSquares() => Check("MeanOfPositiveSquares", new[] { 0.5, -0.3, 1.2, -2.0, 0.7, 0.1 }, new[] { 1.0, 2.0, 0.5, 1.5, 0.25, 3.0 });

        [Fact]
        public void MeanOfPositiveSquares_edge_cases()
        {
            Assert.Equal(0.0, ModesAndPredicates.MeanOfPositiveSquaresForward(new double[0], new double[0]));
            Assert.Equal(0.0, ModesAndPredicates.MeanOfPositiveSquaresForward(new[] { -1.0, -2.0 }, new[] { 1.0, 1.0 }));
            var e = Assert.Throws<ArgumentException>(() => ModesAndPredicates.MeanOfPositiveSquaresForward(new[] { 1.0 }, new[] { -1.0 }));
            Assert.Equal("weights", e.ParamName);
        }
    }
}
