using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Local bool[] masks (<see cref="BoolMasks"/>): each method by <see cref="MethodOracle"/> (Forward, Backward's value, unchanged inputs, central differences).</summary>
    public class BoolMasksTests
    {
        private static readonly Type T = typeof(BoolMasks);

        private static double[] V(int seed, int n) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => 2 * r.NextDouble() - 1).ToArray(); }

        [Theory]
        [InlineData(39)]
        [InlineData(40)]
        public void ApproxNdcgLoss(int seed)
        {
            var r = new Random(seed);
            var gains = Enumerable.Range(0, 9).Select(_ => 3 * r.NextDouble()).ToArray(); // distinct: tied gains make the selection a kink the differences straddle
            MethodOracle.Check(T, "ApproxNdcgLoss", new object?[] { V(seed, 9), gains, 0.5 });
        }

        [Theory]
        [InlineData(39, 4)]
        [InlineData(40, 12)] // k beyond the candidates: the selection finds none and breaks
        public void TopKHinge(int seed, int k) => MethodOracle.Check(T, "TopKHinge", new object?[] { V(seed, 9), 2, k, 1.0 });

        [Theory]
        [InlineData(39)]
        [InlineData(40)]
        public void Masked(int seed) => MethodOracle.Check(T, "Masked", new object?[] { V(seed, 11) });

        [Fact]
        public void VisitedSum()
        {
            var r = new Random(41);
            var g = new double[5, 6];
            for (int i = 0; i < 5; i++) for (int j = 0; j < 6; j++) g[i, j] = 2 * r.NextDouble() - 1;
            MethodOracle.Check(T, "VisitedSum", new object?[] { g });
        }
    }
}
