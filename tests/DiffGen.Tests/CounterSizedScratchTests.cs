using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="CounterSizedScratch"/> by <see cref="MethodOracle"/> (the void attention with a random upstream gradient).</summary>
    public class CounterSizedScratchTests
    {
        private static readonly Type T = typeof(CounterSizedScratch);

        private static double[] V(Random r, int n) => Enumerable.Range(0, n).Select(_ => 2 * r.NextDouble() - 1).ToArray();

        private static double[,] M(Random r, int a, int b)
        {
            var m = new double[a, b];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) m[i, j] = 2 * r.NextDouble() - 1;
            return m;
        }

        [Theory]
        [InlineData(42, 5)]
        [InlineData(43, 9)]
        public void CausalSelfAttention(int seed, int t)
        {
            var r = new Random(seed);
            MethodOracle.Check(T, "CausalSelfAttention", new object?[] { M(r, t, 4), M(r, t, 4), M(r, t, 3), new double[t, 3] });
        }

        [Theory]
        [InlineData(38)]
        [InlineData(39)]
        public void PairCosines(int seed)
        {
            var r = new Random(seed);
            // similar and dissimilar pairs; the dissimilar ones' cosines on both sides of the margin (b near ±a)
            var a = V(r, 5 * 4);
            var b = a.Select((x, i) => (i / 4 % 2 == 0 ? 1 : -1) * x + 0.3 * (2 * r.NextDouble() - 1)).ToArray();
            MethodOracle.Check(T, "PairCosines", new object?[] { a, b, new[] { 1, 0, 1, 0, 0 }, 4, 0.2 });
        }

        [Theory]
        [InlineData(42)]
        [InlineData(43)]
        public void CausalLse(int seed) => MethodOracle.Check(T, "CausalLse", new object?[] { V(new Random(seed), 8) });

        [Theory]
        [InlineData(42)]
        [InlineData(43)]
        public void Tail(int seed) => MethodOracle.Check(T, "Tail", new object?[] { V(new Random(seed), 8) });
    }
}
