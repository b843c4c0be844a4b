using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Optional array parameters (<see cref="OptionalArrays"/>): the oracle with the array given; by hand with null (the same
    /// value as the user's method, gradients against central differences, a null gradient buffer accepted for the null array).
    /// </summary>
    public class OptionalArraysTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(OptionalArrays), name, args);
        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);
        private static double[][] J(int seed, int r, int c, double scale = 1.0) => TestData.Jagged(new Random(seed), r, c, scale);

        [Fact]
        public void MichaelisMentenFit_with_standard_deviations() =>
            Check("MichaelisMentenFit", 2.0, 0.7, new[] { 0.1, 0.5, 1.0, 2.0, 4.0 }, new[] { 0.3, 0.9, 1.2, 1.5, 1.8 }, new[] { 0.2, 0.3, 0.25, 0.4, 0.5 });

        [Fact]
        public void MichaelisMentenFit_without_standard_deviations()
        {
            var (s, r) = (new[] { 0.1, 0.5, 1.0, 2.0, 4.0 }, new[] { 0.3, 0.9, 1.2, 1.5, 1.8 });
            double value = OptionalArrays.MichaelisMentenFit(2.0, 0.7, s, r);
            Assert.Equal(value, OptionalArrays.MichaelisMentenFitForward(2.0, 0.7, s, r), 12);
            var (gs, gr) = (TestData.Garbage(s), TestData.Garbage(r));
            Assert.Equal(value, OptionalArrays.MichaelisMentenFitBackward(2.0, 0.7, s, r, null, out double gv, out double gk, gs, gr, null), 12);
            DiffGen.Tests.Check.Gradient(new[] { FiniteDiff.Derivative(v => OptionalArrays.MichaelisMentenFit(v, 0.7, s, r), 2.0),
                FiniteDiff.Derivative(k => OptionalArrays.MichaelisMentenFit(2.0, k, s, r), 0.7) }, new[] { gv, gk }, "dvmax, dkm");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => OptionalArrays.MichaelisMentenFit(2.0, 0.7, s, r), s), gs, "dsubstrate");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => OptionalArrays.MichaelisMentenFit(2.0, 0.7, s, r), r), gr, "drate");
        }

        [Fact]
        public void WeightedMse_with_weights() => Check("WeightedMse", V(1901, 6), V(1902, 6), new[] { 1.0, 2.0, 0.5, 0.25, 3.0, 1.5 });

        [Fact]
        public void WeightedMse_without_weights_is_the_mean_squared_error()
        {
            var (p, t) = (V(1903, 6), V(1904, 6));
            double mse = p.Zip(t, (a, b) => (a - b) * (a - b)).Average();
            Assert.Equal(mse, OptionalArrays.WeightedMseForward(p, t), 12);
            var gp = TestData.Garbage(p);
            Assert.Equal(mse, OptionalArrays.WeightedMseBackward(p, t, null, gp, null), 12);
            DiffGen.Tests.Check.Gradient(p.Zip(t, (a, b) => 2 * (a - b) / p.Length).ToArray(), gp, "dpred");
        }

        [Fact]
        public void WeightedMse_guard_and_a_missing_gradient_buffer_throw_naming_the_parameter()
        {
            var (p, t) = (V(1905, 4), V(1906, 4));
            var e = Assert.Throws<ArgumentException>(() => OptionalArrays.WeightedMseForward(p, t, new double[3]));
            Assert.Equal("weights", e.ParamName);
            var n = Assert.Throws<ArgumentNullException>(() => OptionalArrays.WeightedMseBackward(p, t, new double[4], new double[4], null));
            Assert.Equal("weightsGrad", n.ParamName);
        }

        [Fact]
        public void DenseOptionalBias_with_bias() => Check("DenseOptionalBias", M(1907, 4, 3), M(1908, 2, 3, 0.5), V(1909, 2, 0.3));

        [Fact]
        public void DenseOptionalBias_without_bias()
        {
            var (x, w) = (M(1910, 4, 3), M(1911, 2, 3, 0.5));
            double value = OptionalArrays.DenseOptionalBias(x, w);
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Assert.Equal(value, OptionalArrays.DenseOptionalBiasBackward(x, w, null, gx, gw, null), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => OptionalArrays.DenseOptionalBias(x, w), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => OptionalArrays.DenseOptionalBias(x, w), w), gw, "dw");
        }

        [Fact]
        public void MaskedRowNorms_with_mask_and_prior() =>
            Check("MaskedRowNorms", J(1912, 3, 4), new[] { new[] { 1.0, 0, 1, 1 }, new[] { 1.0, 1, 1, 0 }, new[] { 0.0, 1, 1, 1 } }, M(1913, 3, 4, 0.2));

        [Fact]
        public void MaskedRowNorms_with_neither()
        {
            var rows = J(1914, 3, 4);
            double value = OptionalArrays.MaskedRowNorms(rows);
            Assert.Equal(Math.Sqrt(rows.SelectMany(r => r).Sum(v => v * v) + 1e-12), value, 12);
            Assert.Equal(value, OptionalArrays.MaskedRowNormsForward(rows), 12);
            var g = rows.Select(TestData.Garbage).ToArray();
            Assert.Equal(value, OptionalArrays.MaskedRowNormsBackward(rows, null, null, g, null), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => OptionalArrays.MaskedRowNorms(rows), rows), g, "drows");
        }
    }
}
