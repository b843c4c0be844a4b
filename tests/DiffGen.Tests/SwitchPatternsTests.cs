using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="SwitchPatterns"/> by <see cref="MethodOracle"/>, with values on both sides of every arm.</summary>
    public class SwitchPatternsTests
    {
        private static readonly Type T = typeof(SwitchPatterns);

        // -2 to 2 away from the arms' edges (|r| = 0.7, q = ±1, x = 0.5), so the differences do not straddle a kink
        private static double[] V(int seed) => Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? 1 : -1) * (0.05 + 0.16 * i) + 0.01 * new Random(seed).NextDouble()).ToArray();

        [Theory]
        [InlineData(38)]
        [InlineData(39)]
        public void Huber(int seed)
        {
            var r = V(seed);
            Assert.Contains(r, v => Math.Abs(v) <= 0.7); Assert.Contains(r, v => Math.Abs(v) > 0.7);
            MethodOracle.Check(T, "Huber", new object?[] { r, 0.7 });
        }

        [Theory]
        [InlineData(38)]
        [InlineData(39)]
        public void Limits(int seed)
        {
            var q = V(seed);
            Assert.Contains(q, v => v > 1); Assert.Contains(q, v => v < -1); Assert.Contains(q, v => Math.Abs(v) < 1);
            MethodOracle.Check(T, "Limits", new object?[] { q, -1.0, 1.0 });
        }

        [Theory]
        [InlineData(38)]
        [InlineData(39)]
        public void Typed(int seed)
        {
            var x = V(seed);
            Assert.Contains(x, v => v > 0.5); Assert.Contains(x, v => v <= 0.5);
            MethodOracle.Check(T, "Typed", new object?[] { x });
        }
    }
}
