using System;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests
{
    /// <summary>
    /// The float32-against-float64 measure of the precision tests (issue 15): max-norm relative error of a float
    /// gradient against the double one, both computed on the same values (the double inputs are the float inputs
    /// widened exactly), so that the difference is the float arithmetic alone.
    /// </summary>
    internal static class FloatVsDouble
    {
        /// <summary>The done criterion: every differentiated input within 1e-5 max-norm relative error.</summary>
        public const double Tol = 1e-5;

        /// <summary>Entries uniform in [-scale, scale], as floats and as the same values in double.</summary>
        public static (float[,] F, double[,] W) Uniform(Random rng, int rows, int cols, double scale = 1)
        {
            var f = new float[rows, cols];
            var w = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    f[i, j] = (float)((rng.NextDouble() * 2 - 1) * scale);
                    w[i, j] = f[i, j];
                }
            return (f, w);
        }

        /// <summary>max |expected − actual| / max |expected|; a NaN anywhere is infinitely wrong.</summary>
        public static double MaxNormRelative(double[,] expected, float[,] actual)
        {
            double scale = 0, err = 0;
            foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < expected.GetLength(0); i++)
                for (int j = 0; j < expected.GetLength(1); j++)
                {
                    double e = Math.Abs(expected[i, j] - actual[i, j]);
                    if (!(e <= err)) err = double.IsNaN(e) ? double.PositiveInfinity : e;
                }
            return err / scale;
        }

        /// <summary>|expected − actual| / |expected| for a scalar.</summary>
        public static double Relative(double expected, double actual)
            => double.IsNaN(actual) ? double.PositiveInfinity : Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-300);

        /// <summary>Writes the errors on one line and asserts each is within <see cref="Tol"/>.</summary>
        public static void Report(ITestOutputHelper output, string what, params (string Name, double Error)[] errors)
        {
            string line = what + ": " + string.Join(", ", Array.ConvertAll(errors, e => e.Name + " " + e.Error.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)));
            output.WriteLine(line);
            foreach (var (name, error) in errors)
                Assert.True(error <= Tol, $"{line}: {name} is off by {error:E2} (max-norm relative), more than {Tol:E0}");
        }
    }
}
