using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <see cref="Round25Forms"/> checked by <see cref="MethodOracle"/> (value, Forward, Backward against central differences of
    /// the user's method, seed scaling), with sizes that reach the SIMD paths and the edges of each form: Zip stopping at the
    /// shorter collection, signals of different lengths (the scratch row's capacity from the longest), the returning guard
    /// taken, more steps than grids (each swap exchanges the elements back and forth), and the shape check of a swap.
    /// </summary>
    public class Round25FormsTests
    {
        private static readonly Type T = typeof(Round25Forms);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double U(Random rng, double scale = 1.0) => scale * (2.0 * rng.NextDouble() - 1.0);

        private static double[][] Rows(Random rng, int rows, int cols, double s = 1.0) =>
            Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, cols).Select(__ => U(rng, s)).ToArray()).ToArray();

        private static double[,] Grid(Random rng, int rows, int cols, double s = 1.0)
        {
            var g = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) g[i, j] = U(rng, s);
            return g;
        }

        [Theory]
        [InlineData(5, 5, 9)]
        [InlineData(6, 4, 3)] // Zip stops at the 4 targets
        public void ZipRowsLayerNorm(int inputs, int targets, int d)
        {
            var rng = new Random(inputs * 100 + d);
            var gamma = Enumerable.Range(0, d).Select(_ => 1 + U(rng, 0.2)).ToArray();
            var beta = Enumerable.Range(0, d).Select(_ => U(rng, 0.1)).ToArray();
            Check("ZipRowsLayerNorm", Rows(rng, inputs, d), Rows(rng, targets, d), gamma, beta);
        }

        [Theory]
        [InlineData(4, 4)]
        [InlineData(5, 3)] // Zip stops at the 3 weights
        [InlineData(2, 6)]
        public void ZipRowsWithWeights(int rows, int weights)
        {
            var rng = new Random(rows * 10 + weights);
            Check("ZipRowsWithWeights", Rows(rng, rows, 7), Enumerable.Range(0, weights).Select(_ => U(rng)).ToArray());
        }

        [Theory]
        [InlineData(1, 2)]
        [InlineData(2, 3)]
        public void ConvPerSignal(int stride, int pool)
        {
            var rng = new Random(stride * 7 + pool);
            // signals of different lengths: the scratch buffer is sized by the longest, each row's Length is its own
            var signals = new[] { 23, 17, 30, 12 }.Select(len => Enumerable.Range(0, len).Select(_ => U(rng)).ToArray()).ToArray();
            var kernel = Enumerable.Range(0, 4).Select(_ => U(rng, 0.5)).ToArray();
            var readout = Enumerable.Range(0, 6).Select(_ => U(rng, 0.5)).ToArray();
            var targets = Enumerable.Range(0, signals.Length).Select(_ => U(rng)).ToArray();
            Check("ConvPerSignal", kernel, readout, signals, targets, stride, pool);
        }

        [Theory]
        [InlineData(5, 6)]
        [InlineData(1, 4)] // the guard returns 0 before any scratch is used
        [InlineData(0, 4)] // an empty batch: the scratch, allocated before the guard, has size max(0, 2 * 0 - 2)
        public void GuardThenScratch(int n, int d)
        {
            var rng = new Random(n + d);
            Check("GuardThenScratch", Rows(rng, n, d), 0.7);
        }

        [Theory]
        [InlineData(4, 5)]
        [InlineData(1, 3)]
        public void ConcatSelectNormalize(int n, int d)
        {
            var rng = new Random(n * 10 + d);
            Check("ConcatSelectNormalize", Rows(rng, n, d), Rows(rng, n, d), 0.5);
        }

        [Theory]
        [InlineData(4, 5)]
        [InlineData(2, 3)]
        [InlineData(1, 3)] // the guard returns 0
        [InlineData(0, 3)] // an empty batch: the longest row is 0 long, the guard returns 0
        public void GuardThenConcat(int n, int d)
        {
            var rng = new Random(n * 7 + d);
            Check("GuardThenConcat", Rows(rng, n, d), Rows(rng, n, d), 0.5);
        }

        [Theory]
        [InlineData(3, 4)]
        [InlineData(1, 2)]
        [InlineData(0, 2)] // the guard returns 0; the longest row, found before it, is 0 long
        public void GuardThenLongestRow(int n, int d)
        {
            var rng = new Random(n * 5 + d);
            Check("GuardThenLongestRow", Rows(rng, n, d), 0.8);
        }

        [Theory]
        [InlineData(5, 6)]
        [InlineData(1, 3)] // neither neighbour exists
        public void NeighbourRows(int n, int d)
        {
            var rng = new Random(n * 7 + d);
            Check("NeighbourRows", Rows(rng, n, d), 0.05);
        }

        [Theory]
        [InlineData(6, 7, 3)]
        [InlineData(5, 5, 4)]
        public void HeatSwap2D(int nx, int ny, int steps)
        {
            var rng = new Random(nx * ny + steps);
            Check("HeatSwap2D", Grid(rng, nx, ny), 0.15, Grid(rng, nx, ny, 0.5), steps);
        }

        [Fact]
        public void ProjectedEnergy()
        {
            var rng = new Random(31);
            Check("ProjectedEnergy", Rows(rng, 4, 5), Grid(rng, 6, 5, 0.5));
        }

        [Fact]
        public void RodEnergy()
        {
            var rng = new Random(32);
            Check("RodEnergy", Enumerable.Range(0, 9).Select(_ => U(rng)).ToArray(), new Round25Forms.Rod(1.3, 0.7));
        }

        [Fact]
        public void SpanOfWholeArray()
        {
            var rng = new Random(33);
            Check("SpanOfWholeArray", new[] { 0.4, -0.2 }, Enumerable.Range(0, 20).Select(_ => U(rng)).ToArray());
        }
    }
}
