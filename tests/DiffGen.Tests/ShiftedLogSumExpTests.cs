using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Hand-stabilised log-sum-exps (<see cref="ShiftedLogSumExp"/>): with the max detached, Forward equals the user's method
    /// and gradients equal central differences (the exact softmax); where the max is used elsewhere, its derivative stays.
    /// </summary>
    public class ShiftedLogSumExpTests
    {
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, -2.4, 0.05, 0.9 };

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, -0.5);

        [Fact]
        public void Gradbench_lse_gradient_is_the_softmax()
        {
            int n = X.Length;
            CheckVector(X, x => ShiftedLogSumExp.Lse(x, n), x => ShiftedLogSumExp.LseForward(x, n),
                (x, g, seed) => ShiftedLogSumExp.LseBackward(x, n, g, seed), "Lse");
            var grad = new double[n];
            ShiftedLogSumExp.LseBackward(X, n, grad);
            double total = X.Sum(Math.Exp);
            for (int i = 0; i < n; i++) Assert.Equal(Math.Exp(X[i]) / total, grad[i], 15);
        }

        [Fact]
        public void Large_values_stay_finite()
        {
            var x = new[] { 800.0, 799.0, -5.0, 801.5 };
            var g = new double[4];
            double v = ShiftedLogSumExp.LseBackward(x, 4, g);
            Assert.True(double.IsFinite(v));
            Assert.Equal(1.0, g.Sum(), 14);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void Per_row_cross_entropy(int rows)
        {
            var rng = new Random(rows + 3);
            var z = TestData.Matrix(rng, rows, 5, 2.0);
            var label = Enumerable.Range(0, rows).Select(i => (3 * i + 1) % 5).ToArray();
            double reference = ShiftedLogSumExp.RowsCrossEntropy(z, label);
            Check.Forward(reference, ShiftedLogSumExp.RowsCrossEntropyForward(z, label), "Forward");
            var g = new double[rows, 5];
            Check.Forward(reference, ShiftedLogSumExp.RowsCrossEntropyBackward(z, label, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => ShiftedLogSumExp.RowsCrossEntropy(z, label), z), g, "dz");
        }

        [Fact]
        public void Max_found_with_an_if() =>
            CheckVector(X, ShiftedLogSumExp.IfMaxLocal, ShiftedLogSumExp.IfMaxLocalForward,
                (x, g, seed) => ShiftedLogSumExp.IfMaxLocalBackward(x, g, seed), "IfMaxLocal");

        /// <summary>
        /// The running max written with an if is rewritten into Math.Max (a SIMD reduction; the result does not depend on the
        /// shift): on NaN, ±∞ and values past exp's range the generated code gives what the user's loop gives, and the
        /// gradient is the softmax at large values.
        /// </summary>
        [Theory]
        [InlineData(double.NaN, 0)]
        [InlineData(double.NaN, 4)]
        [InlineData(double.PositiveInfinity, 2)]
        [InlineData(double.NegativeInfinity, 2)]
        [InlineData(900.0, 5)]
        [InlineData(-900.0, 0)]
        public void If_max_rewritten_as_max_keeps_the_loops_result(double value, int at)
        {
            var x = (double[])X.Clone();
            x[at] = value;
            double user = ShiftedLogSumExp.IfMaxLocal(x);
            double forward = ShiftedLogSumExp.IfMaxLocalForward(x);
            var g = new double[x.Length];
            double backward = ShiftedLogSumExp.IfMaxLocalBackward(x, g);
            static string Kind(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+inf" : double.IsNegativeInfinity(v) ? "-inf" : "finite";
            Assert.Equal(Kind(user), Kind(forward));
            Assert.Equal(Kind(user), Kind(backward));
            if (double.IsFinite(user))
            {
                Assert.Equal(user, forward, 10);
                Assert.Equal(user, backward, 10);
                // d/dx_i (2 lse(x) - x_0) = 2 softmax_i - [i == 0]
                double m = x.Max(), total = x.Sum(v => Math.Exp(v - m));
                for (int i = 0; i < x.Length; i++) Assert.Equal(2 * Math.Exp(x[i] - m) / total - (i == 0 ? 1 : 0), g[i], 12);
            }
        }

        [Fact]
        public void Max_used_elsewhere_keeps_its_derivative()
        {
            CheckVector(X, ShiftedLogSumExp.MaxAlsoUsed, ShiftedLogSumExp.MaxAlsoUsedForward,
                (x, g, seed) => ShiftedLogSumExp.MaxAlsoUsedBackward(x, g, seed), "MaxAlsoUsed");
            var grad = new double[X.Length];
            ShiftedLogSumExp.MaxAlsoUsedBackward(X, grad);
            double total = X.Sum(Math.Exp);
            Assert.Equal(Math.Exp(X[3]) / total + 0.5, grad[3], 12); // x[3] is the max
        }
    }
}
