using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// The motivating program: SimCLR's NT-Xent loss (arXiv 2002.05709, Eq. 1) as the question wrote it
    /// in numpy loops, ported line by line to C# loops. The numpy lines are kept as comments above the
    /// C# that replaces them. Everything here is in DiffGen's supported subset: locals declared at the
    /// method's top level, int locals assigned once, for-loops with int counters, continue, Math calls.
    /// </summary>
    public static partial class NtXentCorpus
    {
        /// <summary>NT-Xent over two views zi, zj (B x D each), temperature tau. Differentiated wrt zi, zj and tau.</summary>
        [Differentiable]
        public static double NtXent(double[,] zi, double[,] zj, double tau)
        {
            int B = zi.GetLength(0);
            int D = zi.GetLength(1);
            int N = 2 * B;

            // z = np.concatenate((zi, zj), 0)
            double[,] z = new double[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    z[r, d] = zi[r, d];
                    z[r + B, d] = zj[r, d];
                }
            }

            // loss = 0
            double loss = 0;
            double dot = 0;
            double normI = 0;
            double normJ = 0;
            double normM = 0;
            double simIJ = 0;
            double simJI = 0;
            double numeratorIJ = 0;
            double numeratorJI = 0;
            double denominatorIK = 0;
            double denominatorJK = 0;
            double lossIJ = 0;
            double lossJI = 0;

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
                simIJ = dot / (Math.Sqrt(normI) * Math.Sqrt(normJ));

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
                simJI = dot / (Math.Sqrt(normJ) * Math.Sqrt(normI));

                // numerator_ij = np.exp(sim_ij / tau); numerator_ji = np.exp(sim_ji / tau)
                numeratorIJ = Math.Exp(simIJ / tau);
                numeratorJI = Math.Exp(simJI / tau);

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
                    denominatorIK += Math.Exp(dot / (Math.Sqrt(normI) * Math.Sqrt(normM)) / tau);
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
                    denominatorJK += Math.Exp(dot / (Math.Sqrt(normJ) * Math.Sqrt(normM)) / tau);
                }

                // loss_ij = - np.log(numerator_ij / denominator_ik)
                // loss_ji = - np.log(numerator_ji / denominator_jk)
                lossIJ = -Math.Log(numeratorIJ / denominatorIK);
                lossJI = -Math.Log(numeratorJI / denominatorJK);

                // loss += loss_ij + loss_ji
                loss += lossIJ + lossJI;
            }

            // loss /= z.shape[0]
            loss /= N;
            return loss;
        }

        /// <summary>cosine_similarity of two rows (sklearn's, for one pair).</summary>
        [Differentiable]
        public static double CosineSimilarity(double[] a, double[] b)
        {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int d = 0; d < a.Length; d++)
            {
                dot += a[d] * b[d];
                na += a[d] * a[d];
                nb += b[d] * b[d];
            }
            return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
        }

        /// <summary>
        /// NT-Xent over jagged views (rows zi[k], zj[k]). The concatenation z = [zi; zj] is not
        /// materialised (the subset has no jagged locals): the sum over z's rows m != i is split into the
        /// zi rows and the zj rows. cosine_similarity is the [Differentiable] helper above.
        /// </summary>
        [Differentiable]
        public static double NtXentJagged(double[][] zi, double[][] zj, double tau)
        {
            int B = zi.Length;
            int N = 2 * B;
            double loss = 0;
            double simIJ = 0;
            double simJI = 0;
            double numeratorIJ = 0;
            double numeratorJI = 0;
            double denominatorIK = 0;
            double denominatorJK = 0;

            for (int k = 0; k < B; k++)
            {
                simIJ = CosineSimilarity(zi[k], zj[k]);
                simJI = CosineSimilarity(zj[k], zi[k]);
                numeratorIJ = Math.Exp(simIJ / tau);
                numeratorJI = Math.Exp(simJI / tau);

                // anchor i = zi[k]: every row of z except itself
                denominatorIK = 0;
                for (int m = 0; m < B; m++)
                {
                    if (m == k) continue;
                    denominatorIK += Math.Exp(CosineSimilarity(zi[k], zi[m]) / tau);
                }
                for (int m = 0; m < B; m++)
                {
                    denominatorIK += Math.Exp(CosineSimilarity(zi[k], zj[m]) / tau);
                }

                // anchor j = zj[k]
                denominatorJK = 0;
                for (int m = 0; m < B; m++)
                {
                    denominatorJK += Math.Exp(CosineSimilarity(zj[k], zi[m]) / tau);
                }
                for (int m = 0; m < B; m++)
                {
                    if (m == k) continue;
                    denominatorJK += Math.Exp(CosineSimilarity(zj[k], zj[m]) / tau);
                }

                loss += -Math.Log(numeratorIJ / denominatorIK) - Math.Log(numeratorJI / denominatorJK);
            }

            loss /= N;
            return loss;
        }

        /// <summary>
        /// The same port in single precision (MathF). Like the question's TensorFlow version, sim_ji is
        /// not recomputed (it equals sim_ij).
        /// </summary>
        [Differentiable]
        public static float NtXentF(float[,] zi, float[,] zj, float tau)
        {
            int B = zi.GetLength(0);
            int D = zi.GetLength(1);
            int N = 2 * B;

            float[,] z = new float[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    z[r, d] = zi[r, d];
                    z[r + B, d] = zj[r, d];
                }
            }

            float loss = 0f;
            float dot = 0f;
            float normI = 0f;
            float normJ = 0f;
            float normM = 0f;
            float simIJ = 0f;
            float simJI = 0f;
            float denominatorIK = 0f;
            float denominatorJK = 0f;

            for (int k = 0; k < B; k++)
            {
                dot = 0f;
                normI = 0f;
                normJ = 0f;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                }
                simIJ = dot / (MathF.Sqrt(normI) * MathF.Sqrt(normJ));
                simJI = simIJ;

                denominatorIK = 0f;
                for (int m = 0; m < N; m++)
                {
                    if (m == k) continue;
                    dot = 0f;
                    normM = 0f;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorIK += MathF.Exp(dot / (MathF.Sqrt(normI) * MathF.Sqrt(normM)) / tau);
                }

                denominatorJK = 0f;
                for (int m = 0; m < N; m++)
                {
                    if (m == k + B) continue;
                    dot = 0f;
                    normM = 0f;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[k + B, d] * z[m, d];
                        normM += z[m, d] * z[m, d];
                    }
                    denominatorJK += MathF.Exp(dot / (MathF.Sqrt(normJ) * MathF.Sqrt(normM)) / tau);
                }

                loss += -MathF.Log(MathF.Exp(simIJ / tau) / denominatorIK) - MathF.Log(MathF.Exp(simJI / tau) / denominatorJK);
            }

            loss /= N;
            return loss;
        }

        /// <summary>
        /// NT-Xent of a linear projection: z = [xi; xj] W computed in loops, then the same loss.
        /// Differentiated with respect to the projection w only (what SGD trains).
        /// </summary>
        [Differentiable(nameof(w))]
        public static double ProjectedNtXent(double[,] xi, double[,] xj, double[,] w, double tau)
        {
            int B = xi.GetLength(0);
            int Din = xi.GetLength(1);
            int D = w.GetLength(1);
            int N = 2 * B;

            double[,] z = new double[N, D];
            for (int r = 0; r < B; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    for (int c = 0; c < Din; c++)
                    {
                        z[r, d] += xi[r, c] * w[c, d];
                        z[r + B, d] += xj[r, c] * w[c, d];
                    }
                }
            }

            double[] norm = new double[N];
            for (int r = 0; r < N; r++)
            {
                for (int d = 0; d < D; d++)
                {
                    norm[r] += z[r, d] * z[r, d];
                }
                norm[r] = Math.Sqrt(norm[r]);
            }

            double loss = 0;
            double dot = 0;
            double positive = 0;
            double denominator = 0;
            for (int a = 0; a < N; a++)
            {
                denominator = 0;
                positive = 0;
                for (int m = 0; m < N; m++)
                {
                    if (m == a) continue;
                    dot = 0;
                    for (int d = 0; d < D; d++)
                    {
                        dot += z[a, d] * z[m, d];
                    }
                    denominator += Math.Exp(dot / (norm[a] * norm[m]) / tau);
                    if (m == a + B)
                    {
                        positive = dot / (norm[a] * norm[m]) / tau;
                    }
                    if (m == a - B)
                    {
                        positive = dot / (norm[a] * norm[m]) / tau;
                    }
                }
                loss += Math.Log(denominator) - positive;
            }
            return loss / N;
        }
    }
}
