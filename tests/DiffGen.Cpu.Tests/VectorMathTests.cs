using System;
using System.Numerics;
using Xunit;

namespace DiffGen.Cpu.Tests
{
    /// <summary>VectorMath.Tanh (generated SIMD loops call it) against Math.Tanh / MathF.Tanh, lane by lane.</summary>
    public sealed class VectorMathTests
    {
        private static double Ulps(double got, double expected) =>
            got == expected ? 0 : Math.Abs(got - expected) / (Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected));

        private static double Ulps(float got, float expected) =>
            got == expected ? 0 : Math.Abs(got - expected) / (MathF.BitIncrement(MathF.Abs(expected)) - MathF.Abs(expected));

        /// <summary>Arguments from 1e-300 to 1e3 on both sides, dense around the 0.625 switch, and the edges.</summary>
        private static double[] Arguments()
        {
            var rng = new Random(7);
            var xs = new double[200_000];
            for (int i = 0; i < xs.Length; i++)
            {
                double v = (i % 4) switch
                {
                    0 => Math.Pow(10, rng.NextDouble() * 6 - 5),     // 1e-5 .. 10
                    1 => 0.55 + 0.15 * rng.NextDouble(),             // around the switch at 0.625
                    2 => Math.Pow(10, rng.NextDouble() * 303 - 300), // tiny to 1e3
                    _ => 25 * rng.NextDouble(),                      // where 1 - 2/(e+1) saturates
                };
                xs[i] = rng.Next(2) == 0 ? v : -v;
            }
            return xs;
        }

        [Fact]
        public void DoubleTanhIsWithinTwoUlps()
        {
            var xs = Arguments();
            int n = Vector<double>.Count;
            double worst = 0;
            for (int i = 0; i + n <= xs.Length; i += n)
            {
                var t = VectorMath.Tanh(new Vector<double>(xs, i));
                for (int l = 0; l < n; l++) worst = Math.Max(worst, Ulps(t[l], Math.Tanh(xs[i + l])));
            }
            Assert.True(worst <= 2, $"worst error {worst} ulp");
        }

        [Fact]
        public void FloatTanhIsWithinTwoUlps()
        {
            var xs = Array.ConvertAll(Arguments(), v => (float)v);
            int n = Vector<float>.Count;
            double worst = 0;
            for (int i = 0; i + n <= xs.Length; i += n)
            {
                var t = VectorMath.Tanh(new Vector<float>(xs, i));
                for (int l = 0; l < n; l++) worst = Math.Max(worst, Ulps(t[l], MathF.Tanh(xs[i + l])));
            }
            Assert.True(worst <= 2, $"worst error {worst} ulp");
        }

        [Fact]
        public void EdgesMatchMathTanhWithItsSign()
        {
            double[] edges = { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-320, -1e-320, 0.625, -0.625, 400, -400, double.MaxValue, double.MinValue };
            foreach (double x in edges)
            {
                double got = VectorMath.Tanh(new Vector<double>(x))[0];
                if (double.IsNaN(x)) Assert.True(double.IsNaN(got));
                else Assert.True(Ulps(got, Math.Tanh(x)) <= 2 && double.IsNegative(got) == double.IsNegative(x), $"tanh({x}) = {got:R}, Math.Tanh: {Math.Tanh(x):R}");
                float xf = (float)x;
                float gotF = VectorMath.Tanh(new Vector<float>(xf))[0];
                if (float.IsNaN(xf)) Assert.True(float.IsNaN(gotF));
                else Assert.True(Ulps(gotF, MathF.Tanh(xf)) <= 2 && float.IsNegative(gotF) == float.IsNegative(xf), $"tanhf({xf}) = {gotF:R}, MathF.Tanh: {MathF.Tanh(xf):R}");
            }
        }
    }
}
