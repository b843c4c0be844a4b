using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Fourth round of natural idioms (<see cref="NaturalMore"/>): Forward equals the user's method, Backward returns the same value,
    /// gradients equal central differences (inputs away from where a condition switches), a seed scales them, inputs unchanged.
    /// </summary>
    public class NaturalMoreTests
    {
        private const double Seed = 1.5;
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };
        private static readonly double[] Y = { 0.2, 0.4, -0.9, 1.3, 0.15, -0.6, 0.8, -1.1, 0.35 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Fact]
        public void Checked_index_arithmetic() =>
            CheckVector(X, NaturalMore.CheckedIndex, NaturalMore.CheckedIndexForward, NaturalMore.CheckedIndexBackward, "CheckedIndex");

        [Fact]
        public void Is_patterns_on_doubles() =>
            CheckVector(X, NaturalMore.IsPatterns, NaturalMore.IsPatternsForward, NaturalMore.IsPatternsBackward, "IsPatterns");

        [Theory]
        [InlineData(100.0)]
        [InlineData(2.0)]
        public void Foreach_over_a_matrix(double cap)
        {
            var m = new double[,] { { 0.7, -1.3, 0.25 }, { 1.1, -0.45, 0.6 }, { -0.4, 0.05, 0.9 } };
            double reference = NaturalMore.ForeachMatrix(m, cap);
            Assert.Equal(m.Cast<double>().Aggregate((0.0, false), (acc, v) => acc.Item2 ? acc : (acc.Item1 + v * v * v, acc.Item1 + v * v * v > cap)).Item1, reference, 12);
            Check.Forward(reference, NaturalMore.ForeachMatrixForward(m, cap), "Forward");
            var g = TestData.Garbage(m);
            Check.Forward(reference, NaturalMore.ForeachMatrixBackward(m, cap, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalMore.ForeachMatrix(m, cap), m), g, "dm");
        }

        [Fact]
        public void Span_helpers_called_with_arrays()
        {
            const double a = 0.8;
            CheckVector(X, x => NaturalMore.SpanHelpers(x, a), x => NaturalMore.SpanHelpersForward(x, a),
                (x, g, seed) => NaturalMore.SpanHelpersBackward(x, a, g, out _, seed), "SpanHelpers");
            NaturalMore.SpanHelpersBackward(X, a, new double[X.Length], out double ga);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalMore.SpanHelpers(X, v), a), ga, "da");
        }

        [Fact]
        public void Math_ScaleB() =>
            CheckVector(X, NaturalMore.ScaleB, NaturalMore.ScaleBForward, NaturalMore.ScaleBBackward, "ScaleB");

        [Fact]
        public void Lerp()
        {
            const double t = 0.3;
            CheckVector(X, a => NaturalMore.Lerp(a, Y, t), a => NaturalMore.LerpForward(a, Y, t),
                (a, g, seed) => NaturalMore.LerpBackward(a, Y, t, g, new double[Y.Length], out _, seed), "Lerp");
            var gb = TestData.Garbage(Y);
            NaturalMore.LerpBackward(X, Y, t, new double[X.Length], gb, out double gt);
            Check.Gradient(FiniteDiff.Gradient(() => NaturalMore.Lerp(X, Y, t), Y), gb, "db");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalMore.Lerp(X, Y, v), t), gt, "dt");
        }

        [Fact]
        public void Float_lerp()
        {
            var a = TestData.ToFloat(X);
            var b = TestData.ToFloat(Y);
            const float t = 0.3f;
            float reference = NaturalMore.LerpF(a, b, t);
            Assert.Equal(reference, NaturalMore.LerpFForward(a, b, t), 4);
            var ga = new float[a.Length];
            var gb = new float[b.Length];
            Assert.Equal(reference, NaturalMore.LerpFBackward(a, b, t, ga, gb, out float gt), 4);
            // exact derivatives of Σ (a(1 − t) + b t)²: 2v(1 − t), 2v t, Σ 2v(b − a)
            double dt = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double v = a[i] * (1 - t) + b[i] * t;
                Assert.Equal(2 * v * (1 - t), ga[i], 4);
                Assert.Equal(2 * v * t, gb[i], 4);
                dt += 2 * v * (b[i] - a[i]);
            }
            Assert.Equal(dt, gt, 3);
        }

        [Fact]
        public void Zip_then_sum_max_and_a_selector()
        {
            CheckVector(X, x => NaturalMore.ZipReductions(x, Y), x => NaturalMore.ZipReductionsForward(x, Y),
                (x, g, seed) => NaturalMore.ZipReductionsBackward(x, Y, g, new double[Y.Length], seed), "ZipReductions");
            var gy = TestData.Garbage(Y);
            NaturalMore.ZipReductionsBackward(X, Y, new double[X.Length], gy);
            Check.Gradient(FiniteDiff.Gradient(() => NaturalMore.ZipReductions(X, Y), Y), gy, "dy");
            // arrays of different lengths: Zip stops at the shorter one
            var shortY = Y.Take(5).ToArray();
            Check.Forward(NaturalMore.ZipReductions(X, shortY), NaturalMore.ZipReductionsForward(X, shortY), "Forward (shorter y)");
        }

        [Fact]
        public void Enumerable_range_sum_and_max() =>
            CheckVector(X, x => NaturalMore.RangeSum(x, Y), x => NaturalMore.RangeSumForward(x, Y),
                (x, g, seed) => NaturalMore.RangeSumBackward(x, Y, g, new double[Y.Length], seed), "RangeSum");
    }
}
