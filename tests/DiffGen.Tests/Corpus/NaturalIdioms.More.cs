using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, a fourth round of natural idioms (docs/natural-csharp.md), the ones that needed a change to be accepted:
    /// checked index arithmetic, 'is' patterns on doubles, foreach over a T[,], a ReadOnlySpan helper called with an array,
    /// Math.ScaleB, float.Lerp, Enumerable.Range(...).Sum(i => ...), x.Zip(y, (a, b) => ...).Sum().
    /// </summary>
    public static partial class NaturalMore
    {
        /// <summary>checked(...) around index arithmetic.</summary>
        [Differentiable]
        public static double CheckedIndex(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length / 2; i++) s += x[checked(2 * i + 1)] * x[checked(2 * i)];
            return s;
        }

        /// <summary>Relational 'is' patterns with and/or on a double.</summary>
        [Differentiable]
        public static double IsPatterns(double[] x)
        {
            double s = 0;
            foreach (var v in x)
            {
                if (v is > 0 and < 1) s += v * v;
                else if (v is >= 1 or < -2) s += 2 * v - 1;
                else s += 0.1 * v;
            }
            return s;
        }

        /// <summary>foreach over the elements of a T[,] (row by row), with a break.</summary>
        [Differentiable]
        public static double ForeachMatrix(double[,] m, [Constant] double cap)
        {
            double s = 0;
            foreach (double v in m)
            {
                s += v * v * v;
                if (s > cap) break;
            }
            return s;
        }

        private static double SumSquares(ReadOnlySpan<double> v)
        {
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += v[i] * v[i];
            return s;
        }

        private static void Scale(Span<double> y, double a)
        {
            for (int i = 0; i < y.Length; i++) y[i] *= a;
        }

        /// <summary>Span helpers (a ReadOnlySpan reader, a Span writer) called with arrays.</summary>
        [Differentiable]
        public static double SpanHelpers(double[] x, double a)
        {
            var t = (double[])x.Clone();
            Scale(t, a);
            return Math.Sqrt(SumSquares(t) + 1e-9) + SumSquares(x);
        }

        /// <summary>Math.ScaleB(v, n) = v·2ⁿ with an int n.</summary>
        [Differentiable]
        public static double ScaleB(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.ScaleB(x[i] * x[i], i % 3 - 1) + double.ScaleB(x[i], 2);
            return s;
        }

        /// <summary>double.Lerp.</summary>
        [Differentiable]
        public static double Lerp(double[] a, double[] b, double t)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double v = double.Lerp(a[i], b[i], t);
                s += v * v + double.Lerp(a[i], 1, 0.25);
            }
            return s;
        }

        /// <summary>float.Lerp in a float layer (.NET may fuse its multiply-add: equal to float rounding).</summary>
        [Differentiable]
        public static float LerpF(float[] a, float[] b, float t)
        {
            float s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                float v = float.Lerp(a[i], b[i], t);
                s += v * v;
            }
            return s;
        }

        /// <summary>x.Zip(y, (a, b) => ...) followed by Sum, and by Max, in both call forms, with a selector after the Zip.</summary>
        [Differentiable]
        public static double ZipReductions(double[] x, double[] y) =>
            x.Zip(y, (a, b) => (a - b) * (a - b)).Sum() + x.Zip(y, (a, b) => a * b).Max() + Enumerable.Zip(x, y, (a, b) => Math.Exp(a - b)).Sum(v => v * 0.5);

        /// <summary>Enumerable.Range(start, count).Sum(i => ...) and .Max(i => ...).</summary>
        [Differentiable]
        public static double RangeSum(double[] x, double[] y) =>
            Enumerable.Range(0, x.Length).Sum(i => x[i] * y[i]) + Enumerable.Range(1, x.Length - 1).Max(i => x[i] - x[i - 1]);
    }
}
