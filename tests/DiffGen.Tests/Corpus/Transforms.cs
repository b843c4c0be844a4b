using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Programs that push Raise, hoisting, the stable log-sum-exp and SIMD scheduling to their edges: accumulators
    /// still read after the nest, contractions under masks, transposed table reuse, patterns that must NOT be
    /// rewritten (a sum also used linearly, a numerator modified before its log), hoisted values that would be
    /// NaN where the user's branch never evaluates them, combined lane masks on jagged rows.
    /// </summary>
    public static partial class Transforms
    {
        // 1. acc read after the outer loop too; contraction with A != B and k < cols.
        [Differentiable]
        public static double ContractionKept(double[,] a, double[,] b, int k)
        {
            int n = a.GetLength(0), m = b.GetLength(0);
            double s = 0, last = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    last = 0;
                    for (int d = 0; d < k; d++) last += a[i, d] * b[j, d];
                    s += Math.Tanh(last) * (i + 1);
                }
            return s + last * last;
        }
    
        // 2. Contraction inside an if inside the loops; two products into different accs; transposed reuse.
        [Differentiable]
        public static double Clip(double[,] x, double[,] y, double t)
        {
            int n = x.GetLength(0), d = x.GetLength(1);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double den = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j != i || i == 0)
                    {
                        double p = 0, q = 0;
                        for (int c = 0; c < d; c++) { p += x[i, c] * y[j, c]; q += y[j, c] * x[i, c]; }
                        den += Math.Exp((p + 0.5 * q) / t);
                    }
                }
                loss += Math.Log(den);
            }
            return loss;
        }
    
        // 3. LSE pattern where den is also used linearly: must not be rewritten.
        [Differentiable]
        public static double DenUsedLinearly(double[] v)
        {
            double den = 0;
            for (int i = 0; i < v.Length; i++) den += Math.Exp(v[i]);
            return Math.Log(den) + 0.01 * den;
        }
    
        // 4. LSE with num modified between its definition and the use: no forwarding.
        [Differentiable]
        public static double NumModified(double[] v, double a)
        {
            double num = Math.Exp(a);
            double den = 0;
            for (int i = 0; i < v.Length; i++) den += Math.Exp(v[i] * a);
            num = num * 0.5;
            return -Math.Log(num / den);
        }
    
        // 5. Hoisting of a sqrt that would be NaN where the user's branch does not evaluate it.
        [Differentiable]
        public static double GuardedSqrt(double[] x, double c)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x.Length; j++)
                {
                    if (c > 0) s += Math.Sqrt(c) * x[j] * x[i];
                    else s += x[j] - x[i] * c;
                }
            return s;
        }
    
        // 6. Per-index hoisting with <= bounds and non-zero start; descending inner loop.
        [Differentiable]
        public static double PerIndex(double[] w, double[,] a)
        {
            int n = w.Length - 1;
            double s = 0;
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = n; j >= 1; j--)
                    s += a[i, j] * Math.Exp(w[j] * 0.3) / (1 + Math.Abs(w[j]));
            return s;
        }
    
        // 7. SIMD masks with <, >=, &&, || and jagged rows written.
        [Differentiable]
        public static double MaskCombos(double[][] z, double[] v)
        {
            int n = z.Length, d = v.Length;
            double[,] h = new double[n, d];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < d; c++)
                {
                    if ((c < i + 1 && c >= 1) || c == d - 1) h[i, c] = z[i][c] * v[c];
                    else h[i, c] = Math.Cos(z[i][c]);
                }
                for (int c = d - 1; c >= 0; c--) s += h[i, c] * h[i, c] - Math.Min(h[i, c], 0.2);
            }
            return s;
        }
    
        // 8. Gram table used by two different outer loops (top-level statements) and a row loop reading the diagonal.
        [Differentiable]
        public static double TwoNests(double[,] z)
        {
            int n = z.GetLength(0), d = z.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += z[i, c] * z[j, c];
                    s += dot * dot;
                }
            for (int i = 0; i < n; i++)
            {
                double nn = 0;
                for (int c = 0; c < d; c++) nn += z[i, c] * z[i, c];
                s -= Math.Sqrt(nn + 1);
            }
            return s;
        }

        // 9. Pow of the loop counter: strength-reduced to a running product, with the base differentiated too.
        [Differentiable]
        public static double PowerSeries(double[] c, double a, double[] t)
        {
            double s = 0;
            for (int i = 0; i < t.Length; i++)
            {
                double r = 0;
                for (int j = 0; j < c.Length; j++)
                {
                    if (j == 2) continue;
                    r += c[j] * Math.Pow(a * t[i], j) - 0.1 * Math.Pow(t[i], j);
                }
                s += r * r;
            }
            return s;
        }

        // 10. Norms at zero: sqrt's derivative is taken as 0 at exactly 0, so a zero row gives a finite gradient.
        [Differentiable]
        public static double RowNorms(double[,] x)
        {
            double s = 0;
            for (int i = 0; i < x.GetLength(0); i++)
            {
                double n2 = 0;
                for (int d = 0; d < x.GetLength(1); d++) n2 += x[i, d] * x[i, d];
                s += Math.Sqrt(n2);
            }
            return s;
        }
    }
}
