using System;

namespace DiffGen.GradBench
{
    /// <summary>
    /// Special functions .NET does not have. Used only for constants that do not depend on the
    /// differentiated inputs (the normaliser of gmm's Wishart prior), so they are never differentiated.
    /// </summary>
    public static class SpecialFunctions
    {
        private const double HalfLog2Pi = 0.91893853320467274178032973640562; // log(2 pi) / 2
        private const double LogPi = 1.1447298858494001741434273513531;       // log(pi)

        /// <summary>
        /// log |Gamma(x)| to double precision (within about 2 units in the last place of max(1, |result|)):
        /// the asymptotic Stirling series for x &gt;= 10; below, the recurrence Gamma(x + 1) = x Gamma(x)
        /// moves x into [1.5, 2.5), where the Taylor series of log Gamma around 2 (coefficients from
        /// zeta(k) - 1) converges fast and is exact at the zeros 1 and 2; the reflection formula below 0.5.
        /// Poles (0, -1, -2, ...) give +Infinity, like C's lgamma.
        /// </summary>
        public static double LogGamma(double x)
        {
            if (double.IsNaN(x)) return double.NaN;
            if (double.IsInfinity(x)) return double.PositiveInfinity;
            if (x <= 0 && Math.Floor(x) == x) return double.PositiveInfinity;
            if (x < 0.5)
            {
                // Gamma(x) Gamma(1 - x) = pi / sin(pi x)
                return LogPi - Math.Log(Math.Abs(SinPi(x))) - LogGamma(1 - x);
            }
            if (x >= 10) return Stirling(x);
            return NearTwo(x);
        }

        /// <summary>
        /// log of the multivariate gamma function, log Gamma_p(a) = p (p - 1) / 4 log(pi) +
        /// sum over j = 1..p of log Gamma(a + (1 - j) / 2).
        /// </summary>
        public static double LogMultivariateGamma(double a, int p)
        {
            if (p < 1) throw new ArgumentOutOfRangeException(nameof(p), p, "the dimension must be at least 1");
            double sum = 0.25 * p * (p - 1) * LogPi;
            for (int j = 1; j <= p; j++) sum += LogGamma(a + 0.5 * (1 - j));
            return sum;
        }

        // log Gamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + sum_k B_2k / (2k (2k - 1) x^(2k - 1)).
        // At x >= 10 the first omitted term is below 2e-18.
        private static double Stirling(double x)
        {
            double r = 1 / x;
            double r2 = r * r;
            double series = r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680
                + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156 + r2 * (-3617.0 / 122400))))))));
            return (x - 0.5) * Math.Log(x) - x + HalfLog2Pi + series;
        }

        // log Gamma(2 + z) = (1 - Euler's gamma) z + sum_{k >= 2} (-1)^k (zeta(k) - 1) / k z^k, |z| <= 1/2:
        // the terms fall like 4^-k / k, so 31 terms reach 1e-20. Coefficients: (-1)^k (zeta(k) - 1) / k for
        // k = 2 .. 31, computed in 70-digit arithmetic and rounded.
        private const double OneMinusEulerGamma = 0.42278433509846713;

        private static readonly double[] NearTwoCoefficients =
        {
            0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
            0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
            9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
            4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07, -4.492469198764566e-07,
            2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08, -2.2711094608943164e-08,
            1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09, -1.1921401405860912e-09,
            5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10, -6.4229645638381e-11,
            3.1044247747322276e-11, -1.5021384080754142e-11,
        };

        // 0.5 <= x < 10: shift into [1.5, 2.5) (at most 8 exact-ish products), then the series around 2.
        private static double NearTwo(double x)
        {
            double logShift = 0;
            if (x < 1.5)
            {
                logShift = -Math.Log(x);
                x += 1;
            }
            else if (x >= 2.5)
            {
                double product = 1;
                while (x >= 2.5)
                {
                    x -= 1;
                    product *= x;
                }
                logShift = Math.Log(product);
            }
            double z = x - 2;
            double sum = 0;
            for (int i = NearTwoCoefficients.Length - 1; i >= 0; i--) sum = sum * z + NearTwoCoefficients[i];
            sum = sum * z + OneMinusEulerGamma;
            return sum * z + logShift;
        }

        // sin(pi x) with the argument reduced exactly first, so that it is exactly 0 at integers and
        // accurate near them.
        private static double SinPi(double x)
        {
            double y = x % 2; // exact
            if (y < 0) y += 2;
            if (y > 1) return -SinPi(y - 1);
            if (y > 0.5) y = 1 - y; // exact for y in (0.5, 1]
            return Math.Sin(Math.PI * y);
        }
    }
}
