using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Seventh round of natural idioms (<see cref="NaturalRound7"/>, ref locals): Forward equals the user's method, Backward
    /// returns the same value, gradients equal central differences, a seed scales them, inputs unchanged.
    /// </summary>
    public class NaturalRound7Tests
    {
        private const double Seed = 1.5;
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Fact]
        public void Ref_local_to_a_bin() =>
            CheckVector(X, NaturalRound7.RefBins, NaturalRound7.RefBinsForward, NaturalRound7.RefBinsBackward, "RefBins");

        [Fact]
        public void Seeded_aggregate_folds()
        {
            CheckVector(X, NaturalRound7.AggregateFolds, NaturalRound7.AggregateFoldsForward, NaturalRound7.AggregateFoldsBackward, "AggregateFolds");
            Assert.Equal(1.0, NaturalRound7.AggregateFoldsForward(Array.Empty<double>())); // the seeds: 0 + 1
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void Goto_case_fall_through(int mode) =>
            CheckVector(X, x => NaturalRound7.GotoCaseFallThrough(x, mode), x => NaturalRound7.GotoCaseFallThroughForward(x, mode),
                (x, g, seed) => NaturalRound7.GotoCaseFallThroughBackward(x, mode, g, seed), "GotoCaseFallThrough");

        [Fact]
        public void Ref_local_to_a_scalar() =>
            CheckVector(X, NaturalRound7.RefScalar, NaturalRound7.RefScalarForward, NaturalRound7.RefScalarBackward, "RefScalar");

        [Theory]
        [InlineData(1, 1)]
        [InlineData(3, 4)]
        public void Ref_local_to_a_row_entry(int rows, int cols)
        {
            var x = TestData.Matrix(new Random(rows * 10 + cols), rows, cols);
            var before = (double[,])x.Clone();
            double reference = NaturalRound7.RefRowNorms(x);
            Check.Forward(reference, NaturalRound7.RefRowNormsForward(x), "Forward");
            var g = new double[rows, cols];
            Check.Forward(reference, NaturalRound7.RefRowNormsBackward(x, g), "Backward value");
            Check.Unchanged(before, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound7.RefRowNorms(x), x), g, "dx");
        }
    }
}
