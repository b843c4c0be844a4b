using System;
using DiffGen;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// InfoNCE (van den Oord et al. 2018; the loss of CPC and MoCo) as a reader of the paper writes it: each query q[i]
    /// scored against every key k[j] (two different matrices, unlike NT-Xent's one), the positive key of query i is
    /// k[positive[i]] and the others are its negatives; loss = mean over i of −log softmax_j(q_i·k_j / τ)[positive[i]].
    /// The similarity is recomputed where it is used, as in the paper's formula; Raise finds the q·kᵀ contraction,
    /// stabilises the log-sum-exp, and Schedule tiles it (issue 9, item 4).
    /// </summary>
    public static partial class Contrastive
    {
        [Differentiable(nameof(q), nameof(k), nameof(tau))]
        public static double InfoNce(double[,] q, double[,] k, int[] positive, double tau)
        {
            int n = q.GetLength(0), m = k.GetLength(0), d = q.GetLength(1);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double den = 0;
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int t = 0; t < d; t++) s += q[i, t] * k[j, t];
                    den += Math.Exp(s / tau);
                }
                double p = 0;
                for (int t = 0; t < d; t++) p += q[i, t] * k[positive[i], t];
                loss += Math.Log(den) - p / tau;
            }
            return loss / n;
        }

        /// <summary><see cref="InfoNce"/> in float32 (the precision it is trained in).</summary>
        [Differentiable(nameof(q), nameof(k), nameof(tau))]
        public static float InfoNceF(float[,] q, float[,] k, int[] positive, float tau)
        {
            int n = q.GetLength(0), m = k.GetLength(0), d = q.GetLength(1);
            float loss = 0f;
            for (int i = 0; i < n; i++)
            {
                float den = 0f;
                for (int j = 0; j < m; j++)
                {
                    float s = 0f;
                    for (int t = 0; t < d; t++) s += q[i, t] * k[j, t];
                    den += MathF.Exp(s / tau);
                }
                float p = 0f;
                for (int t = 0; t < d; t++) p += q[i, t] * k[positive[i], t];
                loss += MathF.Log(den) - p / tau;
            }
            return loss / n;
        }
    }
}
