using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Sixth round of natural idioms (<see cref="NaturalRound6"/>): Forward equals the user's method, Backward returns the same
    /// value, gradients equal central differences, a seed scales them, inputs unchanged.
    /// </summary>
    public class NaturalRound6Tests
    {
        private const double Seed = 1.5;
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Fact]
        public void Checked_and_unchecked_blocks() =>
            CheckVector(X, NaturalRound6.CheckedBlocks, NaturalRound6.CheckedBlocksForward, NaturalRound6.CheckedBlocksBackward, "CheckedBlocks");

        [Theory]
        [InlineData(0.7)]
        [InlineData(-1.2)]
        public void Post_decrement_loop_horner(double t)
        {
            CheckVector(X, c => NaturalRound6.HornerDescending(c, t), c => NaturalRound6.HornerDescendingForward(c, t),
                (c, g, seed) => NaturalRound6.HornerDescendingBackward(c, t, g, out _, seed), "HornerDescending dc");
            NaturalRound6.HornerDescendingBackward(X, t, new double[X.Length], out double gt);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalRound6.HornerDescending(X, v), t), gt, "dt");
        }

        [Fact]
        public void Post_decrement_loop_horner_on_one_and_no_coefficients()
        {
            Assert.Equal(0.0, NaturalRound6.HornerDescendingForward(Array.Empty<double>(), 2.0));
            var g = new double[1];
            Assert.Equal(3.0, NaturalRound6.HornerDescendingBackward(new[] { 3.0 }, 2.0, g, out double gt));
            Assert.Equal(1.0, g[0]);
            Assert.Equal(0.0, gt);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(2)]
        [InlineData(5)] // lo at the row length: no iterations
        public void Post_decrement_loop_to_a_bound(int lo)
        {
            const int rows = 3, cols = 5;
            var flat = TestData.Vector(new Random(6 + lo), rows * cols);
            static double[,] M(double[] v) { var m = new double[rows, cols]; Buffer.BlockCopy(v, 0, m, 0, v.Length * sizeof(double)); return m; }
            static double[] F(double[,] m) { var v = new double[m.Length]; Buffer.BlockCopy(m, 0, v, 0, v.Length * sizeof(double)); return v; }
            CheckVector(flat, v => NaturalRound6.SuffixDecay(M(v), lo), v => NaturalRound6.SuffixDecayForward(M(v), lo),
                (v, g, seed) => { var gm = new double[rows, cols]; var r = NaturalRound6.SuffixDecayBackward(M(v), lo, gm, seed); Array.Copy(F(gm), g, g.Length); return r; },
                "SuffixDecay");
        }
    }
}
