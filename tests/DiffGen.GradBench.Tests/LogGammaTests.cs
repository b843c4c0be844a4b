using System;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// lgamma against exact values: ln((n-1)!) for integers, ln((2n)! sqrt(pi) / (4^n n!)) for n + 1/2,
    /// evaluated in 60-digit decimal arithmetic and rounded to double.
    /// </summary>
    public sealed class LogGammaTests
    {
        [Theory]
        [InlineData(0.5, 0.5723649429247001)]
        [InlineData(1.0, 0.0)]
        [InlineData(1.5, -0.12078223763524522)]
        [InlineData(2.0, 0.0)]
        [InlineData(2.5, 0.2846828704729192)]
        [InlineData(3.0, 0.6931471805599453)]
        [InlineData(3.5, 1.2009736023470743)]
        [InlineData(5.5, 3.9578139676187165)]
        [InlineData(9.5, 11.689333420797269)]
        [InlineData(10.0, 12.801827480081469)]
        [InlineData(10.5, 13.940625219403763)]
        [InlineData(20.0, 39.339884187199495)]
        [InlineData(100.5, 361.4355404677776)]
        [InlineData(171.0, 706.5730622457874)]
        [InlineData(1000.5, 5908.674175848678)]
        [InlineData(-0.5, 1.2655121234846454)]  // ln(2 sqrt(pi)), reflection
        [InlineData(-1.5, 0.860047015376481)]   // ln(4 sqrt(pi) / 3)
        public void MatchesExactValues(double x, double expected)
        {
            double actual = SpecialFunctions.LogGamma(x);
            // Double precision: about 2 units in the last place of max(1, |lgamma|).
            Assert.True(Math.Abs(actual - expected) <= 5e-16 * Math.Max(1, Math.Abs(expected)),
                $"lgamma({x}) = {actual:R}, exact {expected:R}, difference {actual - expected:G3}");
        }

        [Theory]
        [InlineData(0.25, 1.2880225246980772)]
        [InlineData(0.1, 2.2527126517342055)]
        [InlineData(0.001, 6.907178885383854)]
        [InlineData(7.3, 7.147892523022248)]
        [InlineData(12.25, 18.115669505710894)]
        public void MatchesCLibrary(double x, double expected)
        {
            // Non-exact points: C's lgamma (via Python's math.lgamma), itself good to ~1 ulp.
            double actual = SpecialFunctions.LogGamma(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * Math.Max(1, Math.Abs(expected)),
                $"lgamma({x}) = {actual:R}, libm {expected:R}");
        }

        [Fact]
        public void RecurrenceHoldsAcrossTheBranches()
        {
            // lgamma(x + 1) = lgamma(x) + log(x), across the switch to Stirling at 10, the shifts into [1.5, 2.5) and the reflection at 0.5.
            for (double x = 0.3; x < 30; x += 0.37)
            {
                double lhs = SpecialFunctions.LogGamma(x + 1);
                double rhs = SpecialFunctions.LogGamma(x) + Math.Log(x);
                Assert.True(Math.Abs(lhs - rhs) <= 2e-15 * Math.Max(1, Math.Abs(lhs)), $"x = {x}: {lhs:R} vs {rhs:R}");
            }
        }

        [Fact]
        public void PolesAndSpecialValues()
        {
            Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(0));
            Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(-3));
            Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(double.PositiveInfinity));
            Assert.True(double.IsNaN(SpecialFunctions.LogGamma(double.NaN)));
        }

        [Theory]
        [InlineData(1.5, 2, 0.4515827052894549)]      // gmm d = 2, m = 0
        [InlineData(5.5, 10, 39.195807685393355)]     // gmm d = 10, m = 0
        [InlineData(32.5, 64, 3264.981767887972)]     // gmm d = 64, m = 0
        [InlineData(4.5, 5, 12.147949122697437)]      // d = 5, m = 3
        public void MultivariateGamma(double a, int p, double expected)
        {
            double actual = SpecialFunctions.LogMultivariateGamma(a, p);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * Math.Max(1, Math.Abs(expected)),
                $"log Gamma_{p}({a}) = {actual:R}, exact {expected:R}");
        }

        [Fact]
        public void MultivariateGammaOfDimensionOneIsLogGamma()
        {
            Assert.Equal(SpecialFunctions.LogGamma(3.7), SpecialFunctions.LogMultivariateGamma(3.7, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogMultivariateGamma(3.7, 0));
        }
    }
}
