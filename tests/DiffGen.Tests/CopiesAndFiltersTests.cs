using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <see cref="CopiesAndFilters"/>: every function against central differences (MethodOracle), the forward values against
    /// the user's code as C# runs it, and the cases where DiffGen's reading differs from C#'s on purpose (a new array of another
    /// shape throws; a Where keeps derivatives of rejected elements out).
    /// </summary>
    public class CopiesAndFiltersTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(CopiesAndFilters), name, args);
        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);
        private static double[][] J(int seed, int r, int c, double scale = 1.0) => TestData.Jagged(new Random(seed), r, c, scale);

        [Theory]
        [InlineData(0.3)] // small residuals: the quadratic part
        [InlineData(1.5)] // large residuals: the linear part (residuals up to ~2)
        public void ProjectedResiduals(double delta) => Check("ProjectedResiduals", new[] { 0.4, 0.1, -0.2 }, M(1, 6, 2), M(2, 6, 2, 2.0), delta);

        [Fact]
        public void ProjectedResiduals_forward_is_the_users_loop()
        {
            var pose = new[] { 0.4, 0.1, -0.2 };
            var points = M(1, 6, 2);
            var observed = M(2, 6, 2, 2.0);
            Assert.Equal(CopiesAndFilters.ProjectedResiduals(pose, points, observed, 0.7), CopiesAndFilters.ProjectedResidualsForward(pose, points, observed, 0.7), 12);
        }

        [Theory]
        [InlineData(0.3)]
        [InlineData(1.5)]
        public void ChosenResiduals(double delta) => Check("ChosenResiduals", new[] { 0.9, 0.1, -0.2 }, M(1, 6, 2), M(2, 6, 2, 2.0), delta);

        [Fact]
        public void ArmReach() => Check("ArmReach", new[] { 0.3, -0.5, 0.9, 0.2 }, new[] { 1.0, 0.8, 0.6, 0.4 }, new[] { 1.2, 1.1 });

        [Fact]
        public void ArmReach_forward_is_the_users_loop()
        {
            var angles = new[] { 0.3, -0.5, 0.9, 0.2 };
            var lengths = new[] { 1.0, 0.8, 0.6, 0.4 };
            var target = new[] { 1.2, 1.1 };
            Assert.Equal(CopiesAndFilters.ArmReach(angles, lengths, target), CopiesAndFilters.ArmReachForward(angles, lengths, target), 12);
        }

        [Fact]
        public void LeapfrogEnergy() => Check("LeapfrogEnergy", V(3, 5, 0.5), V(4, 5, 0.3), 1.7, 0.05, 12);

        [Fact]
        public void LeapfrogEnergy_forward_is_the_users_loop()
        {
            var x0 = V(3, 5, 0.5);
            var v0 = V(4, 5, 0.3);
            Assert.Equal(CopiesAndFilters.LeapfrogEnergy(x0, v0, 1.7), CopiesAndFilters.LeapfrogEnergyForward(x0, v0, 1.7, 0.05, 12), 12);
        }

        [Fact]
        public void Resampled_reads_the_old_array_while_the_new_one_is_made() => Check("Resampled", V(5, 6), 6);

        [Fact]
        public void Resampled_forward_is_the_users_loop()
        {
            var x = V(5, 6);
            Assert.Equal(CopiesAndFilters.Resampled(x, 6), CopiesAndFilters.ResampledForward(x, 6), 13);
        }

        [Fact]
        public void Resampled_to_another_length_throws_naming_the_local()
        {
            var x = V(5, 6);
            var e = Assert.Throws<InvalidOperationException>(() => CopiesAndFilters.ResampledForward(x, 4));
            Assert.Contains("'buffer'", e.Message);
            Assert.Throws<InvalidOperationException>(() => CopiesAndFilters.ResampledBackward(x, 4, new double[6]));
        }

        [Fact]
        public void Distilled() => Check("Distilled", J(6, 3, 4), J(7, 3, 4), new[] { 1, 3, 0 }, 2.0);

        [Fact]
        public void Distilled_forward_is_the_users_loop()
        {
            var s = J(6, 3, 4);
            var t = J(7, 3, 4);
            var labels = new[] { 1, 3, 0 };
            Assert.Equal(CopiesAndFilters.Distilled(s, t, labels, 2.5), CopiesAndFilters.DistilledForward(s, t, labels, 2.5), 12);
        }

        [Fact]
        public void FilteredSums() => Check("FilteredSums", new[] { 0.7, -0.4, 1.3, 0.2, -1.1, 2.0 }, new[] { false, true, false, false, true, false }, 3.0);

        [Fact]
        public void FilteredSums_never_takes_the_log_of_an_element_the_test_rejects()
        {
            var w = new[] { 0.7, -0.4, 1.3, 0.2, -1.1, 2.0 };
            var mask = new[] { false, true, false, false, true, false };
            double value = CopiesAndFilters.FilteredSumsForward(w, mask, 3.0);
            Assert.Equal(CopiesAndFilters.FilteredSums(w, mask, 3.0), value, 12);
            var grad = new double[w.Length];
            double again = CopiesAndFilters.FilteredSumsBackward(w, mask, 3.0, grad, out double penaltyGrad);
            Assert.Equal(w.Where(v => v < 0).Sum(v => v * v), penaltyGrad, 12);
            Assert.Equal(value, again, 12);
            Assert.All(grad, g => Assert.True(double.IsFinite(g)));
            // the negative entries are fixed: their gradient is the penalty's (2 * 3 * w) and the Max/Min terms' (none here)
            Assert.Equal(2 * 3.0 * -0.4, grad[1], 10);
            Assert.Equal(2 * 3.0 * -1.1, grad[4], 10);
        }

        [Fact]
        public void RowNormLoss() => Check("RowNormLoss", J(8, 4, 3), new[] { 0.5, 1.0, 1.5, 0.8 });

        [Fact]
        public void ScaledResiduals_with_and_without_the_nullable_scale()
        {
            var x = V(9, 5);
            var y = V(10, 5);
            Check("ScaledResiduals", x, y, 0.3);
            // null: no scale parameter to perturb; the gradient in x and y by hand
            double value = CopiesAndFilters.ScaledResidualsForward(x, y, null);
            Assert.Equal(CopiesAndFilters.ScaledResiduals(x, y, null), value, 12);
            var gx = new double[5];
            var gy = new double[5];
            CopiesAndFilters.ScaledResidualsBackward(x, y, null, gx, gy);
            const double h = 1e-6;
            for (int i = 0; i < 5; i++)
            {
                var xp = (double[])x.Clone(); xp[i] += h;
                var xm = (double[])x.Clone(); xm[i] -= h;
                Assert.Equal((CopiesAndFilters.ScaledResiduals(xp, y, null) - CopiesAndFilters.ScaledResiduals(xm, y, null)) / (2 * h), gx[i], 6);
                Assert.Equal(-gx[i], gy[i], 10);
            }
        }

        [Fact]
        public void MultiScaleEnergy() => Check("MultiScaleEnergy", V(11, 16), new[] { 4, 8, 6 }, new[] { 0.5, -0.3, 0.2 }, 2);

        [Fact]
        public void MultiScaleEnergy_forward_is_the_users_loop_for_sizes_in_any_order()
        {
            var signal = V(11, 16);
            var kernel = new[] { 0.5, -0.3, 0.2 };
            foreach (var sizes in new[] { new[] { 4, 8, 6 }, new[] { 8, 4 }, new[] { 16 } })
                Assert.Equal(CopiesAndFilters.MultiScaleEnergy(signal, sizes, kernel, 2), CopiesAndFilters.MultiScaleEnergyForward(signal, sizes, kernel, 2), 12);
        }
    }
}
