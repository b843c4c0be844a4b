using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="ConfigGradients"/>: members of struct/record/class parameters named as paths, against central differences.</summary>
    public class ConfigGradientsTests
    {
        private static readonly double[] Maturities = { 0.0, 0.5, 1, 2, 5, 10, 30 };
        private static readonly double[] Yields = { 0.010, 0.011, 0.013, 0.016, 0.020, 0.024, 0.027 };
        private static readonly double[] Weights = { 1, 1, 2, 2, 1, 1, 0.5 };

        [Fact]
        public void NelsonSiegelFit_gradients_of_the_record_members()
        {
            var p = new ConfigGradients.CurveParams(0.028, -0.018, 0.01, 1.7);
            double F(ConfigGradients.CurveParams q) => ConfigGradients.NelsonSiegelFit(q, Maturities, Yields, Weights);
            double value = F(p);
            Assert.Equal(value, ConfigGradients.NelsonSiegelFitForward(p, Maturities, Yields, Weights), 9);
            double bv = ConfigGradients.NelsonSiegelFitBackward(p, Maturities, Yields, Weights, out double g0, out double g1, out double g2, out double gt);
            Assert.Equal(value, bv, 9);
            var fd = new[]
            {
                FiniteDiff.Derivative(v => F(p with { Beta0 = v }), p.Beta0), FiniteDiff.Derivative(v => F(p with { Beta1 = v }), p.Beta1),
                FiniteDiff.Derivative(v => F(p with { Beta2 = v }), p.Beta2), FiniteDiff.Derivative(v => F(p with { Tau = v }), p.Tau),
            };
            Check.Gradient(fd, new[] { g0, g1, g2, gt }, "dBeta0, dBeta1, dBeta2, dTau");
            ConfigGradients.NelsonSiegelFitBackward(p, Maturities, Yields, Weights, out double s0, out _, out _, out double st, -2.5);
            Check.Gradient(new[] { -2.5 * g0, -2.5 * gt }, new[] { s0, st }, "seed -2.5");
        }

        [Fact]
        public void NelsonSiegelFit_guard_on_a_member_throws_the_same_exception()
        {
            var p = new ConfigGradients.CurveParams(0.028, -0.018, 0.01, 0.0);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConfigGradients.NelsonSiegelFit(p, Maturities, Yields, Weights));
            var b = Assert.Throws<ArgumentOutOfRangeException>(() => ConfigGradients.NelsonSiegelFitBackward(p, Maturities, Yields, Weights, out _, out _, out _, out _));
            Assert.Equal(e.Message, b.Message);
        }

        [Fact]
        public void AffineSquared_gradients_of_the_class_members_and_the_input()
        {
            var layer = new ConfigGradients.Affine { W = new[] { 0.5, -0.25, 0.75 }, B = 0.1, Scale = 1.5 };
            var x = new[] { 1.0, 2.0, -0.5 };
            double value = ConfigGradients.AffineSquared(layer, x);
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(layer.W));
            Assert.Equal(value, ConfigGradients.AffineSquaredBackward(layer, x, gx, gw, out double gb), 12);
            Check.Gradient(FiniteDiff.Gradient(() => ConfigGradients.AffineSquared(layer, x), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => ConfigGradients.AffineSquared(layer, x), layer.W), gw, "dlayer.W");
            double b0 = layer.B;
            double fdb = FiniteDiff.Derivative(v => { layer.B = v; return ConfigGradients.AffineSquared(layer, x); }, b0);
            layer.B = b0;
            Check.Gradient(new[] { fdb }, new[] { gb }, "dlayer.B");
            Assert.Equal(new[] { 0.5, -0.25, 0.75 }, layer.W); // the member array is read, never written
        }
    }
}
