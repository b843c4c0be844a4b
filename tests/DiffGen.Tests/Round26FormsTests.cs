using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <see cref="Round26Forms"/> checked by <see cref="MethodOracle"/> (value, Forward, Backward against central differences of
    /// the user's method, seed scaling) on both sides of each form: labels in and out of range (negative too) for the unsigned
    /// check, positions before, inside and past the signal for the unsigned range test, negative and positive sides of an
    /// unsigned comparison, each section of the returning switch and both branches of the returning if/else, the alias kept and
    /// replaced, the optional table given and defaulted, and a tuple table whose limits are crossed on both sides.
    /// </summary>
    public class Round26FormsTests
    {
        private static readonly Type T = typeof(Round26Forms);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double U(Random rng, double scale = 1.0) => scale * (2.0 * rng.NextDouble() - 1.0);

        private static double[] Vec(Random rng, int n, double s = 1.0) => Enumerable.Range(0, n).Select(_ => U(rng, s)).ToArray();

        private static double[][] Rows(Random rng, int rows, int cols, double s = 1.0) =>
            Enumerable.Range(0, rows).Select(_ => Vec(rng, cols, s)).ToArray();

        [Theory]
        [InlineData(Round26FormReduction.Sum)]
        [InlineData(Round26FormReduction.Mean)]
        public void CenterLossChecked(Round26FormReduction reduction)
        {
            var rng = new Random(26);
            Check("CenterLossChecked", Rows(rng, 7, 9), Rows(rng, 3, 9), new[] { 0, 2, 1, 1, 0, 2, 2 }, reduction);
        }

        [Theory]
        [InlineData(3)]   // past the end
        [InlineData(-1)]  // negative: (uint)-1 is the largest uint
        public void CenterLossChecked_throws_for_a_label_without_a_center(int bad)
        {
            var rng = new Random(3);
            MethodOracle.BadInput<ArgumentException>(T, "CenterLossChecked", "labels",
                new object?[] { Rows(rng, 2, 4), Rows(rng, 3, 4), new[] { 0, bad }, Round26FormReduction.Sum });
        }

        [Fact]
        public void CenterLossChecked_throws_in_the_default_section()
        {
            var rng = new Random(4);
            MethodOracle.BadInput<ArgumentException>(T, "CenterLossChecked", "reduction",
                new object?[] { Rows(rng, 2, 4), Rows(rng, 3, 4), new[] { 0, 1 }, Round26FormReduction.Max });
        }

        [Fact]
        public void CenterLossChecked_empty_batch_mean_is_zero()
        {
            var (_, fwd, _) = MethodOracle.EntryPoints(T, "CenterLossChecked");
            var rng = new Random(5);
            Assert.Equal(0.0, (double)fwd.Invoke(null, new object?[] { Array.Empty<double[]>(), Rows(rng, 2, 3), Array.Empty<int>(), Round26FormReduction.Mean })!);
        }

        [Theory]
        [InlineData(0, false)]
        [InlineData(2, true)]  // positions before 0 and past the end are skipped
        [InlineData(5, false)] // a padding larger than the kernel: whole windows outside
        public void PaddedConvUnsigned(int pad, bool squared)
        {
            var rng = new Random(pad + 11);
            Check("PaddedConvUnsigned", Vec(rng, 19), Vec(rng, 4, 0.6), pad, squared);
        }

        [Theory]
        [InlineData(3, 5)]
        [InlineData(-4, 2)]
        [InlineData(6, -7)]
        [InlineData(-2, -9)]
        public void UnsignedBothSides(int a, int b)
        {
            var rng = new Random(a * 31 + b);
            Check("UnsignedBothSides", Vec(rng, 13), a, b);
        }

        [Fact]
        public void UnsignedBothSides_matches_uint_comparisons_at_every_sign()
        {
            // the value equals the user's method, whose (uint) comparisons C# evaluates itself
            var (user, fwd, _) = MethodOracle.EntryPoints(T, "UnsignedBothSides");
            var x = Enumerable.Range(0, 11).Select(i => 0.1 * i - 0.4).ToArray();
            foreach (int a in new[] { int.MinValue, -7, -1, 0, 1, 9, int.MaxValue - 20 })
                foreach (int b in new[] { int.MinValue + 20, -3, 0, 4, int.MaxValue - 20 })
                    Assert.Equal((double)user.Invoke(null, new object?[] { x, a, b })!, (double)fwd.Invoke(null, new object?[] { x, a, b })!);
        }

        [Theory]
        [InlineData(true, 21)]
        [InlineData(false, 21)] // the alias is never replaced: adv reads advantages
        [InlineData(true, 1)]   // n = 1: not normalised
        public void AliasThenNormalized(bool normalize, int n)
        {
            var rng = new Random(n + (normalize ? 1 : 0));
            Check("AliasThenNormalized", Vec(rng, n), Vec(rng, n, 2.0), normalize);
        }

        [Fact]
        public void AliasThenNormalized_leaves_advantages_alone()
        {
            var rng = new Random(8);
            var logits = Vec(rng, 9);
            var adv = Vec(rng, 9);
            var before = (double[])adv.Clone();
            var (_, fwd, bwd) = MethodOracle.EntryPoints(T, "AliasThenNormalized");
            fwd.Invoke(null, new object?[] { logits, adv, true });
            bwd.Invoke(null, new object?[] { logits, adv, true, new double[9], new double[9], 1.0 });
            Assert.Equal(before, adv);
        }

        [Fact]
        public void PinballDefaultLevels_given()
        {
            var rng = new Random(12);
            var p = new double[6, 4];
            for (int i = 0; i < 6; i++) for (int k = 0; k < 4; k++) p[i, k] = U(rng);
            Check("PinballDefaultLevels", p, Vec(rng, 6), new[] { 0.05, 0.3, 0.6, 0.95 });
        }

        [Fact]
        public void PinballDefaultLevels_defaulted()
        {
            var rng = new Random(13);
            var p = new double[5, 3];
            for (int i = 0; i < 5; i++) for (int k = 0; k < 3; k++) p[i, k] = U(rng);
            var t = Vec(rng, 5);
            double value = Round26Forms.PinballDefaultLevels(p, t);
            Assert.Equal(value, Round26Forms.PinballDefaultLevelsForward(p, t, null), 12);
            var gp = new double[5, 3];
            Assert.Equal(value, Round26Forms.PinballDefaultLevelsBackward(p, t, null, gp, null), 12);
            var fd = FiniteDiff.Gradient(() => Round26Forms.PinballDefaultLevels(p, t, null), p);
            for (int i = 0; i < 5; i++) for (int k = 0; k < 3; k++) Assert.Equal(fd[i, k], gp[i, k], 8);
        }

        [Fact]
        public void PinballDefaultLevels_checks_the_default_tables_length()
        {
            var rng = new Random(14);
            MethodOracle.BadInput<ArgumentException>(T, "PinballDefaultLevels", "predictions", new object?[] { new double[2, 4], Vec(rng, 2), null });
        }

        [Theory]
        [InlineData(0.9, -0.4)]
        [InlineData(-1.5, 0.2)]
        public void ArmToTupleTarget(double tx, double ty)
        {
            var rng = new Random(17);
            Check("ArmToTupleTarget", Vec(rng, 4), (tx, ty), 0.3);
        }

        [Fact]
        public void LimitPenalty_crosses_both_limits()
        {
            Check("LimitPenalty", new[] { 1.3, -0.8, 0.1, 0.7 }, 10.0);
            Check("LimitPenalty", new[] { -1.2, 2.4, -2.5, -0.2 }, 3.0);
        }

        [Fact]
        public void LimitPenalty_checks_the_tables_length()
        {
            MethodOracle.BadInput<ArgumentException>(T, "LimitPenalty", "q", new object?[] { new[] { 0.1, 0.2 }, 1.0 });
        }

        [Theory]
        [InlineData(5, 11)]
        [InlineData(1, 3)]
        public void TupleArraySplats(int n, int pixels)
        {
            var rng = new Random(n * 5 + pixels);
            var s = new double[n, 5];
            for (int i = 0; i < n; i++)
            {
                s[i, 0] = U(rng); s[i, 1] = U(rng);
                s[i, 2] = U(rng, 0.3); s[i, 3] = U(rng, 0.3); s[i, 4] = U(rng);
            }
            Check("TupleArraySplats", s, Vec(rng, pixels), Vec(rng, pixels));
        }
        [Theory]
        [InlineData(3.0, 1.0, 1e-10)]
        [InlineData(0.7, 2.0, 1e-6)]
        public void SqrtByNewtonUntilSmall(double x0, double target, double tol) => Check("SqrtByNewtonUntilSmall", x0, target, tol);

        [Theory]
        [InlineData(4.0)]  // stops at the first square of at least 4
        [InlineData(1e9)]  // runs to the end
        [InlineData(-1.0)] // one pass only: the condition is false after the first
        public void DoWhileLastSquare(double limit)
        {
            var rng = new Random(21);
            Check("DoWhileLastSquare", Vec(rng, 9, 3.0), limit);
        }

        [Theory]
        [InlineData(1.2, 0.3)]
        [InlineData(2.5, 0.85)] // starts from pi
        public void KeplerEccentricAnomaly(double m, double e) => Check("KeplerEccentricAnomaly", m, e);

        [Fact]
        public void ShiftedExpLog()
        {
            var rng = new Random(23);
            Check("ShiftedExpLog", Vec(rng, 11, 0.8));
        }

        [Fact]
        public void LogReturnTrackingF()
        {
            var rng = new Random(24);
            var w = Enumerable.Range(0, 6).Select(_ => (float)(0.1 + 0.2 * rng.NextDouble())).ToArray();
            var r = Enumerable.Range(0, 6).Select(_ => (float)U(rng, 0.05)).ToArray();
            Check("LogReturnTrackingF", w, r, 0.01f);
        }
        [Theory]
        [InlineData(5, 5)]
        [InlineData(6, 3)] // the iterator stops at the shorter
        public void IteratorPairs(int nx, int ny)
        {
            var rng = new Random(nx * 10 + ny);
            Check("IteratorPairs", Rows(rng, nx, 7), Rows(rng, ny, 2), Vec(rng, 7, 0.5));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void StridedSoftplus(int stride)
        {
            var rng = new Random(stride);
            Check("StridedSoftplus", Vec(rng, 17, 3.0), stride);
        }

        [Fact]
        public void WeightedByPosition()
        {
            var rng = new Random(31);
            Check("WeightedByPosition", Vec(rng, 9), 0.7);
        }
        [Theory]
        [InlineData(1)]
        [InlineData(-1)]
        public void HashedLogistic(int label)
        {
            var rng = new Random(41);
            var ids = Enumerable.Range(0, 12).Select(_ => rng.Next(0, 1000)).ToArray();
            Check("HashedLogistic", Vec(rng, 16, 0.5), 0.1, ids, label);
        }

        [Theory]
        [InlineData(5)]
        [InlineData(2)]
        public void BitMasks(int mask)
        {
            var rng = new Random(mask);
            Check("BitMasks", Vec(rng, 23), mask);
        }

        [Fact]
        public void AggregateForms()
        {
            var rng = new Random(43);
            Check("AggregateForms", Vec(rng, 13));
        }

        [Fact]
        public void AggregateForms_empty_throws_as_Linq_does()
        {
            MethodOracle.BadInput<InvalidOperationException>(T, "AggregateForms", null, new object?[] { Array.Empty<double>() });
        }
    }
}
