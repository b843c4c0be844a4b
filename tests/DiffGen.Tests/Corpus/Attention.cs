using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Attention as a reader of "Attention Is All You Need" writes it: scores q·kᵀ/√d in a local table, a stable softmax
    /// per row, then the probabilities times v. Tile fusion never stores the score product; row-block fusion holds the
    /// probability table a block of rows at a time (the FlashAttention pattern, issue 9).
    /// </summary>
    public static partial class Attention
    {
        /// <summary>Σ (softmax(q·kᵀ/√d)·v − target)², q: n×d, k: m×d, v: m×e, target: n×e.</summary>
        [Differentiable(nameof(q), nameof(k), nameof(v))]
        public static double AttentionMse(double[,] q, double[,] k, double[,] v, double[,] target)
        {
            int n = q.GetLength(0);
            int m = k.GetLength(0);
            int d = q.GetLength(1);
            int e = v.GetLength(1);
            double scale = 1.0 / Math.Sqrt(d);
            double[,] p = new double[n, m];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int c = 0; c < d; c++)
                        s += q[i, c] * k[j, c];
                    p[i, j] = s * scale;
                }
            }
            for (int i = 0; i < n; i++)
            {
                double mx = p[i, 0];
                for (int j = 1; j < m; j++)
                    mx = Math.Max(mx, p[i, j]);
                double z = 0;
                for (int j = 0; j < m; j++)
                {
                    p[i, j] = Math.Exp(p[i, j] - mx);
                    z += p[i, j];
                }
                for (int j = 0; j < m; j++)
                    p[i, j] /= z;
            }
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < e; c++)
                {
                    double o = 0;
                    for (int j = 0; j < m; j++)
                        o += p[i, j] * v[j, c];
                    double r = o - target[i, c];
                    loss += r * r;
                }
            }
            return loss;
        }

        /// <summary>The same in float32.</summary>
        [Differentiable(nameof(q), nameof(k), nameof(v))]
        public static float AttentionMseF(float[,] q, float[,] k, float[,] v, float[,] target)
        {
            int n = q.GetLength(0);
            int m = k.GetLength(0);
            int d = q.GetLength(1);
            int e = v.GetLength(1);
            float scale = 1f / MathF.Sqrt(d);
            float[,] p = new float[n, m];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    float s = 0;
                    for (int c = 0; c < d; c++)
                        s += q[i, c] * k[j, c];
                    p[i, j] = s * scale;
                }
            }
            for (int i = 0; i < n; i++)
            {
                float mx = p[i, 0];
                for (int j = 1; j < m; j++)
                    mx = MathF.Max(mx, p[i, j]);
                float z = 0;
                for (int j = 0; j < m; j++)
                {
                    p[i, j] = MathF.Exp(p[i, j] - mx);
                    z += p[i, j];
                }
                for (int j = 0; j < m; j++)
                    p[i, j] /= z;
            }
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < e; c++)
                {
                    float o = 0;
                    for (int j = 0; j < m; j++)
                        o += p[i, j] * v[j, c];
                    float r = o - target[i, c];
                    loss += r * r;
                }
            }
            return loss;
        }
    }
}
