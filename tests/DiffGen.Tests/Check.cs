using System;
using System.Globalization;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Comparisons used by the end-to-end tests. One error measure everywhere:
    /// <c>|actual - expected| &lt;= tol * max(1, |actual|, |expected|)</c>, i.e. relative for entries
    /// larger than one and absolute below one (so a gradient entry that is zero in exact arithmetic is not
    /// compared relative to rounding noise).
    /// </summary>
    public static class Check
    {
        /// <summary>Generated Forward (and the value Backward returns) against the user's method, double.</summary>
        public const double ForwardTol = 1e-12;

        /// <summary>Generated gradient against central finite differences of the user's method, double.</summary>
        public const double GradTol = 1e-6;

        /// <summary>
        /// Generated float Forward against the user's float method: the generated code may sum in another
        /// order (vectorised reductions), which in single precision moves the result by a few ulps per term.
        /// </summary>
        public const double FloatForwardTol = 1e-5;

        /// <summary>
        /// Generated float gradient against central differences of the double twin of the function (same
        /// formula in double, evaluated at the float inputs widened exactly). Covers single-precision rounding
        /// of the forward and reverse sweeps for sums of up to a few hundred terms.
        /// </summary>
        public const double FloatGradTol = 1e-3;

        /// <summary>Backward with seed s against s times Backward with seed 1 (both generated).</summary>
        public const double SeedTol = 1e-12;

        /// <summary>
        /// The common oracle for a method of one array x (other arguments fixed in the closures): Forward equals the user's
        /// method, Backward returns the same value and leaves x alone, the gradient equals central differences, and
        /// <paramref name="seed"/> scales it.
        /// </summary>
        public static void VectorMethod(double[] x, Func<double[], double> f, Func<double[], double> forward,
            Func<double[], double[], double, double> backward, string what, double seed)
        {
            var xb = TestData.Clone(x);
            double reference = f(x);
            Forward(reference, forward(x), what + " Forward");
            var g = TestData.Garbage(x);
            Forward(reference, backward(x, g, 1), what + " Backward value");
            Unchanged(xb, x, "x");
            Gradient(FiniteDiff.Gradient(() => f(x), x), g, what + " dx");
            var scaled = TestData.Garbage(x);
            backward(x, scaled, seed);
            Scaled(g, scaled, seed, what + " dx");
        }

        /// <summary>
        /// <see cref="VectorMethod"/> for a method of two arrays x and y: Forward, Backward's value, both gradients against
        /// central differences, and <paramref name="seed"/> scaling them.
        /// </summary>
        public static void PairMethod(double[] x, double[] y, Func<double[], double[], double> f, Func<double[], double[], double> forward,
            Func<double[], double[], double[], double[], double, double> backward, string what, double seed)
        {
            double reference = f(x, y);
            Forward(reference, forward(x, y), what + " Forward");
            var (gx, gy) = (TestData.Garbage(x), TestData.Garbage(y));
            Forward(reference, backward(x, y, gx, gy, 1), what + " Backward value");
            Gradient(FiniteDiff.Gradient(() => f(x, y), x), gx, what + " dx");
            Gradient(FiniteDiff.Gradient(() => f(x, y), y), gy, what + " dy");
            var (sx, sy) = (TestData.Garbage(x), TestData.Garbage(y));
            backward(x, y, sx, sy, seed);
            Scaled(gx, sx, seed, what + " dx");
            Scaled(gy, sy, seed, what + " dy");
        }

        /// <summary>True when the two values agree under the measure above.</summary>
        public static bool IsNear(double expected, double actual, double tol)
        {
            if (double.IsNaN(expected) || double.IsNaN(actual)) return false;
            double scale = Math.Max(1.0, Math.Max(Math.Abs(expected), Math.Abs(actual)));
            return Math.Abs(actual - expected) <= tol * scale;
        }

        /// <summary>Asserts one value.</summary>
        public static void Near(double expected, double actual, double tol, string what)
        {
            if (!IsNear(expected, actual, tol))
            {
                Assert.Fail(string.Format(CultureInfo.InvariantCulture,
                    "{0}: expected {1:R}, got {2:R} (|diff| = {3:E3}, tol {4:E1} * max(1, |a|, |b|))",
                    what, expected, actual, Math.Abs(actual - expected), tol));
            }
        }

        /// <summary>Generated forward value against the user's value (double).</summary>
        public static void Forward(double reference, double generated, string what) => Near(reference, generated, ForwardTol, what);

        /// <summary>Scalar gradient against finite differences.</summary>
        public static void Gradient(double fd, double analytic, string what, double tol = GradTol) => Near(fd, analytic, tol, what + " (analytic vs finite differences)");

        /// <summary>1-D gradient against finite differences (or any reference).</summary>
        public static void Gradient(double[] expected, double[] actual, string what, double tol = GradTol)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                Near(expected[i], actual[i], tol, $"{what}[{i}]");
            }
        }

        /// <summary>2-D gradient against a reference.</summary>
        public static void Gradient(double[,] expected, double[,] actual, string what, double tol = GradTol)
        {
            Assert.True(expected.GetLength(0) == actual.GetLength(0) && expected.GetLength(1) == actual.GetLength(1),
                $"{what}: shape [{actual.GetLength(0)}, {actual.GetLength(1)}], expected [{expected.GetLength(0)}, {expected.GetLength(1)}]");
            for (int i = 0; i < expected.GetLength(0); i++)
            {
                for (int j = 0; j < expected.GetLength(1); j++)
                {
                    Near(expected[i, j], actual[i, j], tol, $"{what}[{i}, {j}]");
                }
            }
        }

        /// <summary>Jagged gradient against a reference.</summary>
        public static void Gradient(double[][] expected, double[][] actual, string what, double tol = GradTol)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} rows, expected {expected.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                Gradient(expected[i], actual[i], $"{what}[{i}]", tol);
            }
        }

        /// <summary>Float gradient (widened) against a double reference.</summary>
        public static void Gradient(double[] expected, float[] actual, string what, double tol = FloatGradTol) => Gradient(expected, TestData.ToDouble(actual), what, tol);

        /// <summary>Float 2-D gradient (widened) against a double reference.</summary>
        public static void Gradient(double[,] expected, float[,] actual, string what, double tol = FloatGradTol) => Gradient(expected, TestData.ToDouble(actual), what, tol);

        /// <summary>Backward with a seed: every entry is seed times the seed-1 gradient.</summary>
        public static void Scaled(double[] unit, double[] scaled, double seed, string what, double tol = SeedTol) => Gradient(TestData.Scale(unit, seed), scaled, what + " (seed " + seed.ToString(CultureInfo.InvariantCulture) + ")", tol);

        /// <summary>Backward with a seed, 2-D.</summary>
        public static void Scaled(double[,] unit, double[,] scaled, double seed, string what, double tol = SeedTol) => Gradient(TestData.Scale(unit, seed), scaled, what + " (seed " + seed.ToString(CultureInfo.InvariantCulture) + ")", tol);

        /// <summary>Backward with a seed, jagged.</summary>
        public static void Scaled(double[][] unit, double[][] scaled, double seed, string what, double tol = SeedTol) => Gradient(TestData.Scale(unit, seed), scaled, what + " (seed " + seed.ToString(CultureInfo.InvariantCulture) + ")", tol);

        /// <summary>Backward with a seed, scalar.</summary>
        public static void Scaled(double unit, double scaled, double seed, string what, double tol = SeedTol) => Near(seed * unit, scaled, tol, what + " (seed " + seed.ToString(CultureInfo.InvariantCulture) + ")");

        /// <summary>Exact equality of two arrays (bitwise for NaN-free data): an input was not modified.</summary>
        public static void Unchanged(double[] before, double[] after, string what)
        {
            Assert.True(before.Length == after.Length, what);
            for (int i = 0; i < before.Length; i++)
            {
                if (before[i].Equals(after[i])) continue;
                Assert.Fail($"{what}[{i}] changed from {before[i]:R} to {after[i]:R}");
            }
        }

        /// <summary>Exact equality of two 2-D arrays.</summary>
        public static void Unchanged(double[,] before, double[,] after, string what)
        {
            for (int i = 0; i < before.GetLength(0); i++)
            {
                for (int j = 0; j < before.GetLength(1); j++)
                {
                    if (before[i, j].Equals(after[i, j])) continue;
                    Assert.Fail($"{what}[{i}, {j}] changed from {before[i, j]:R} to {after[i, j]:R}");
                }
            }
        }

        /// <summary>Exact equality of two jagged arrays.</summary>
        public static void Unchanged(double[][] before, double[][] after, string what)
        {
            Assert.True(before.Length == after.Length, what);
            for (int i = 0; i < before.Length; i++)
            {
                Unchanged(before[i], after[i], $"{what}[{i}]");
            }
        }

        /// <summary>Exact equality of two float 2-D arrays.</summary>
        public static void Unchanged(float[,] before, float[,] after, string what) => Unchanged(TestData.ToDouble(before), TestData.ToDouble(after), what);
    }
}
