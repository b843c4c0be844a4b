using System;

namespace DiffGen.Tests.Corpus
{
    public static partial class NtXentCorpus
    {
        /// <summary>
        /// The lean formulation (normalise the rows once, one similarity product, cross-entropy per anchor over all
        /// N = 2B anchors), the way the PyTorch one-liner computes it; the same loss as <see cref="NtXentF"/>.
        /// (Also in samples/NtXent as Losses.NtXentLeanF, for the bench.)
        /// </summary>
        [Differentiable]
        public static float NtXentLeanF(float[,] zi, float[,] zj, float tau)
        {
            int B = zi.GetLength(0), D = zi.GetLength(1), N = 2 * B;
            float[,] z = new float[N, D];
            for (int r = 0; r < B; r++)
            {
                float si = 0f, sj = 0f;
                for (int d = 0; d < D; d++) { si += zi[r, d] * zi[r, d]; sj += zj[r, d] * zj[r, d]; }
                float ni = MathF.Sqrt(si), nj = MathF.Sqrt(sj);
                for (int d = 0; d < D; d++) { z[r, d] = zi[r, d] / ni; z[r + B, d] = zj[r, d] / nj; }
            }
            float loss = 0f;
            for (int i = 0; i < N; i++)
            {
                int pos = i < B ? i + B : i - B;
                float den = 0f;
                for (int j = 0; j < N; j++)
                {
                    if (j == i) continue;
                    float s = 0f;
                    for (int d = 0; d < D; d++) s += z[i, d] * z[j, d];
                    den += MathF.Exp(s / tau);
                }
                float p = 0f;
                for (int d = 0; d < D; d++) p += z[i, d] * z[pos, d];
                loss += MathF.Log(den) - p / tau;
            }
            return loss / N;
        }
    }
}
