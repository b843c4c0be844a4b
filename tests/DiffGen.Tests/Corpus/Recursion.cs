using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Recursive helpers (round 15): a tail call becomes a loop (any depth); other recursion with one call site is unrolled a
    /// few calls deep (DIFF0018), and a deeper call throws NotSupportedException; recursion that branches stays DIFF0006.
    /// </summary>
    public static partial class Recursion
    {
        private static double Horner(double[] c, double x, int k) => k == c.Length - 1 ? c[k] : c[k] + x * Horner(c, x, k + 1);

        /// <summary>Horner's rule written recursively (not a tail call): unrolled 16 calls deep.</summary>
        [Differentiable]
        public static double PolySum(double[] coeffs, double[] xs)
        {
            double s = 0;
            for (int i = 0; i < xs.Length; i++) s += Horner(coeffs, xs[i], 0);
            return s;
        }

        private static double Power(double x, int n, double acc) => n == 0 ? acc : Power(x, n - 1, acc * x);

        /// <summary>A tail call with an accumulator: a loop, so any n works.</summary>
        [Differentiable]
        public static double TailPower(double x, double y, int n) => Power(x, n, 1.0) + Power(y, 2 * n, 0.5);

        private static double ContinuedFraction(double x, int depth, int k, double tail)
        {
            if (k == 0) return x / (1 + tail);
            double next = (k * k * x * x) / ((2 * k + 1) + tail);
            return ContinuedFraction(x, depth, k - 1, next);
        }

        /// <summary>atan(x) by Lambert's continued fraction, evaluated bottom-up by a tail-recursive helper with a block body.</summary>
        [Differentiable]
        public static double AtanContinued(double[] xs, int depth)
        {
            double s = 0;
            foreach (var x in xs) s += ContinuedFraction(x, depth, depth, 0.0);
            return s;
        }
    
        /// <summary>
        /// Probe batch 31's PolyRec as written: the [Differentiable] method calls itself (Horner's rule, not a tail call). Its own
        /// body is its recursive helper: unrolled like Horner above (DIFF0018), the oracle within the depth.
        /// </summary>
        [Differentiable]
        public static double PolyRec(double[] c, double x, int i)
        {
            if (i == c.Length - 1) return c[i];
            return c[i] + x * PolyRec(c, x, i + 1);
        }

        /// <summary>The method calling itself as a tail call with an accumulator: a loop, any depth.</summary>
        [Differentiable]
        public static double PowTail(double x, int n, double acc) => n == 0 ? acc : PowTail(x, n - 1, acc * x);

        /// <summary>A block body that calls itself once as a tail call after updating a scalar (a damped fixed-point iteration).</summary>
        [Differentiable]
        public static double Damped(double v, double target, int steps)
        {
            if (steps == 0) return v;
            double next = v + 0.5 * (target - v) - 0.1 * Math.Sin(v);
            return Damped(next, target, steps - 1);
        }
    }
}
