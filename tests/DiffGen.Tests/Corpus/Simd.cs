using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Loops the scheduler runs as SIMD (Vector&lt;T&gt;) loops: masks on the counter, value conditions, reductions
    /// with -=, masked stores, descending counters, Max/Min/Abs. Tested at sizes that leave a scalar tail.
    /// </summary>
    public static partial class Simd
    {
        /// <summary>Masked row reductions and a masked store, in double.</summary>
        [Differentiable]
        public static double MaskedRows(double[,] a, double[] w, double t)
        {
            int n = a.GetLength(0);
            int m = a.GetLength(1);
            double[,] h = new double[n, m];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double inv = Math.Sqrt(w[i] * w[i] + 1);
                for (int j = 0; j < m; j++)
                {
                    if (j != i && j < m - 1) s += Math.Exp(a[i, j] * inv / t);
                    if (j >= i || j == 0) h[i, j] = Math.Abs(a[i, j]) + w[j % w.Length];
                    else h[i, j] = a[i, j] > 0 ? a[i, j] * t : Math.Max(a[i, j], -0.5) - Math.Min(t, a[i, j]);
                }
                for (int j = m - 1; j >= 0; j--) s -= h[i, j] * h[i, j] * 0.25;
            }
            return s;
        }

        /// <summary>The same shape in float with MathF.</summary>
        [Differentiable]
        public static float MaskedRowsF(float[,] a, float[] w, float t)
        {
            int n = a.GetLength(0);
            int m = a.GetLength(1);
            float s = 0f;
            for (int i = 0; i < n; i++)
            {
                float inv = MathF.Sqrt(w[i] * w[i] + 1f);
                for (int j = 0; j < m; j++)
                {
                    if (!(j == i)) s += MathF.Exp(a[i, j] * inv / t) - MathF.Log(1f + a[i, j] * a[i, j]);
                }
            }
            return s;
        }

        /// <summary>gmm's packed triangular product: a contiguous row at an offset (i + invariant), and in the
        /// backward pass a reduction into one element x̄[j] per inner loop; plus shifted reads and writes.</summary>
        [Differentiable]
        public static double Triangular(double[] l, double[] x, int d)
        {
            double[] y = new double[d + 1];
            for (int j = 0; j < d; j++) y[j] = x[j] * x[j];
            for (int j = 0; j < d; j++)
                for (int i = j + 1; i < d; i++)
                    y[i] += l[j * (2 * d - j - 1) / 2 + i - j - 1] * x[j];
            for (int i = 0; i < d; i++) y[i + 1] += 0.5 * x[i];
            double s = 0;
            for (int i = 0; i <= d; i++) s += y[i] * y[i];
            for (int i = 2; i < d; i++) s += x[i - 2] * x[i] * 0.1;
            return s;
        }
            /// <summary>A logistic gate written as a [Differentiable] one-expression function (inlined where it is called).</summary>
        [Differentiable]
        public static double Gate(double v) => 1 / (1 + Math.Exp(-v));

        /// <summary>A float gate (the float twin of <see cref="Gate"/>).</summary>
        [Differentiable]
        public static float GateF(float v) => 1 / (1 + MathF.Exp(-v));

        /// <summary>
        /// An LSTM-like cell: two rows of one array updated at column i in every iteration (rows <paramref name="r"/> and
        /// <paramref name="q"/>, which may be the same row), through an inlined gate and tanh: a SIMD loop (every access of
        /// s has the same last index), checked against the user's scalar loop for every pair of rows.
        /// </summary>
        [Differentiable(nameof(x), nameof(w))]
        public static double TwoRowCell(double[] x, double[] w, int r, int q)
        {
            int n = x.Length;
            int a = r % 2, b = q % 2; // rows of s (device emulation passes 2 for every int)
            double[,] s = new double[2, n];
            for (int i = 0; i < n; i++)
            {
                s[0, i] = x[i];
                s[1, i] = 0.5 * x[i] - w[i];
            }
            for (int i = 0; i < n; i++)
            {
                double g = Gate(x[i] * w[i] + 0.25);
                s[b, i] = s[b, i] * g + Math.Tanh(s[a, i] * 1.5);
                s[a, i] = g * Math.Tanh(s[b, i]);
            }
            double total = 0;
            for (int i = 0; i < n; i++) total += s[0, i] * s[0, i] + s[1, i];
            return total;
        }

        /// <summary>The float form of <see cref="TwoRowCell"/> (float SIMD tanh).</summary>
        [Differentiable(nameof(x), nameof(w))]
        public static float TwoRowCellF(float[] x, float[] w, int r, int q)
        {
            int n = x.Length;
            int a = r % 2, b = q % 2;
            float[,] s = new float[2, n];
            for (int i = 0; i < n; i++)
            {
                s[0, i] = x[i];
                s[1, i] = 0.5f * x[i] - w[i];
            }
            for (int i = 0; i < n; i++)
            {
                float g = GateF(x[i] * w[i] + 0.25f);
                s[b, i] = s[b, i] * g + MathF.Tanh(s[a, i] * 1.5f);
                s[a, i] = g * MathF.Tanh(s[b, i]);
            }
            float total = 0;
            for (int i = 0; i < n; i++) total += s[0, i] * s[0, i] + s[1, i];
            return total;
        }
    }
}
