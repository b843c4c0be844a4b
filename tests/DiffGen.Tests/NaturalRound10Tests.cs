using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 10 of natural idioms (<see cref="NaturalRound10"/>): foreach over LINQ tuples of arrays, and the magnitude selections.
    /// Forward equals the user's method, Backward returns the same value, gradients equal central differences, a seed scales them.
    /// (The tuple-array parameters of round 10 are checked in <see cref="NaturalRound10TupleTests"/>.)
    /// </summary>
    public class NaturalRound10Tests
    {
        private const double Seed = -0.75;

        private static double[] Vec(int seed, int n) => TestData.Vector(new Random(seed), n);

        private static void PairMethod(double[] x, double[] y, Func<double[], double[], double> f, Func<double[], double[], double> forward,
            Func<double[], double[], double[], double[], double, double> backward, string what) => Check.PairMethod(x, y, f, forward, backward, what, Seed);

        [Fact]
        public void Zip_deconstructed_and_named_stops_at_the_shorter_array()
        {
            PairMethod(Vec(41, 6), Vec(42, 4), NaturalRound10.ZipPairs, NaturalRound10.ZipPairsForward,
                (x, y, gx, gy, s) => NaturalRound10.ZipPairsBackward(x, y, gx, gy, s), "ZipPairs (x longer)");
            PairMethod(Vec(43, 3), Vec(44, 5), NaturalRound10.ZipPairs, NaturalRound10.ZipPairsForward,
                (x, y, gx, gy, s) => NaturalRound10.ZipPairsBackward(x, y, gx, gy, s), "ZipPairs (y longer)");
            Check.Forward(0.0, NaturalRound10.ZipPairsForward(Array.Empty<double>(), Vec(45, 2)), "ZipPairs empty");
        }

        [Fact]
        public void Zip_of_three_Index_and_Select_with_index()
        {
            var (x, y, z) = (Vec(46, 5), Vec(47, 5), Vec(48, 4));
            double reference = NaturalRound10.IndexedTuples(x, y, z);
            Check.Forward(reference, NaturalRound10.IndexedTuplesForward(x, y, z), "Forward");
            var (gx, gy, gz) = (TestData.Garbage(x), TestData.Garbage(y), TestData.Garbage(z));
            Check.Forward(reference, NaturalRound10.IndexedTuplesBackward(x, y, z, gx, gy, gz), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound10.IndexedTuples(x, y, z), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound10.IndexedTuples(x, y, z), y), gy, "dy");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound10.IndexedTuples(x, y, z), z), gz, "dz");
        }

        [Fact]
        public void Zip_whose_body_writes_an_array()
        {
            PairMethod(Vec(49, 5), Vec(50, 5), NaturalRound10.ZipWithWrites, NaturalRound10.ZipWithWritesForward,
                (x, y, gx, gy, s) => NaturalRound10.ZipWithWritesBackward(x, y, gx, gy, s), "ZipWithWrites");
        }

        [Fact]
        public void Magnitude_selections_and_CopySign()
        {
            PairMethod(new[] { 0.7, -1.3, 0.2, 2.1, -0.4 }, new[] { -0.5, 0.9, -1.1, 0.3, 0.8 }, NaturalRound10.Magnitudes, NaturalRound10.MagnitudesForward,
                (x, y, gx, gy, s) => NaturalRound10.MagnitudesBackward(x, y, gx, gy, s), "Magnitudes");
            // ties and signed zeros as .NET decides them: equal magnitudes pick the non-negative one (MaxMagnitude) or the negative
            // one (MinMagnitude); CopySign takes the sign bit of -0.0
            var x = new[] { -1.5, 1.5, 2.0, -0.0, 0.0 };
            var y = new[] { 1.5, -1.5, -0.0, 0.0, -0.0 };
            Assert.Equal(NaturalRound10.Magnitudes(x, y), NaturalRound10.MagnitudesForward(x, y));
            var nan = new[] { double.NaN, 1.0 };
            var other = new[] { 2.0, double.NaN };
            Assert.Equal(NaturalRound10.Magnitudes(nan, other), NaturalRound10.MagnitudesForward(nan, other));
        }
    }
}
