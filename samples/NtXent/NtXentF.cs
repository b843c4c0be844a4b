using System;

namespace DiffGen.Samples.NtXent
{
    public static partial class Losses
    {
        /// <summary>
        /// <see cref="NtXent"/> in float32 (MathF), line by line the same loops: what <c>bench</c> times
        /// (<c>NtXentF</c> as the user's loop, <c>NtXentFForward</c>, <c>NtXentFBackward</c>).
        /// </summary>
        [Differentiable]
        public static float NtXentF(float[,] zi, float[,] zj, float tau)
        {
            int B = zi.GetLength(0);
            int D = zi.GetLength(1);
            int N = 2 * B;

            // z = np.concatenate((zi, zj), 0)
            float[,] z = new float[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    z[r, d] = zi[r, d];
                    z[r + B, d] = zj[r, d];
                }
            }

            // loss = 0
            float loss = 0;
            float dot = 0;
            float normI = 0;
            float normJ = 0;
            float normM = 0;
            float simIJ = 0;
            float simJI = 0;
            float numeratorIJ = 0;
            float numeratorJI = 0;
            float denominatorIK = 0;
            float denominatorJK = 0;
            float lossIJ = 0;
            float lossJI = 0;

            // for k in range(zi.shape[0]):   (i = k, j = k + zi.shape[0])
            for (int k = 0; k < B; k++)
            {
                // sim_ij = cosine_similarity(z[i], z[j])
                dot = 0;
                normI = 0;
                normJ = 0;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                }
                simIJ = dot / (MathF.Sqrt(normI) * MathF.Sqrt(normJ));

                // sim_ji = cosine_similarity(z[j], z[i])
                dot = 0;
                normJ = 0;
                normI = 0;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k + B, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                }
                simJI = dot / (MathF.Sqrt(normJ) * MathF.Sqrt(normI));

                // numerator_ij = np.exp(sim_ij / tau); numerator_ji = np.exp(sim_ji / tau)
                numeratorIJ = MathF.Exp(simIJ / tau);
                numeratorJI = MathF.Exp(simJI / tau);

                // sim_ik = cosine_similarity(z[i], z[np.arange(z.shape[0]) != i])
                // denominator_ik = np.sum(np.exp(sim_ik / tau))
                denominatorIK = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == k) continue;
                    dot = 0;
                    normM = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorIK += MathF.Exp(dot / (MathF.Sqrt(normI) * MathF.Sqrt(normM)) / tau);
                }

                // sim_jk = cosine_similarity(z[j], z[np.arange(z.shape[0]) != j])
                // denominator_jk = np.sum(np.exp(sim_jk / tau))
                denominatorJK = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == k + B) continue;
                    dot = 0;
                    normM = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k + B, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorJK += MathF.Exp(dot / (MathF.Sqrt(normJ) * MathF.Sqrt(normM)) / tau);
                }

                // loss_ij = - np.log(numerator_ij / denominator_ik)
                // loss_ji = - np.log(numerator_ji / denominator_jk)
                lossIJ = -MathF.Log(numeratorIJ / denominatorIK);
                lossJI = -MathF.Log(numeratorJI / denominatorJK);

                // loss += loss_ij + loss_ji
                loss += lossIJ + lossJI;
            }

            // loss /= z.shape[0]
            loss /= N;
            return loss;
        }
    }
}
