using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Float32 copies of double corpus losses, line for line, for the float-against-double precision tests
    /// (PrecisionTests): the float gradient must stay within 1e-5 of the double one at B = 4096 and small
    /// temperatures. NtXentCastF is the question's NT-Xent ported the way people port double code to float
    /// ((float)Math.Exp(...) casts); before the float-math rewrite it silently zeroed whole gradient rows.
    /// </summary>
    public static partial class PrecisionCorpus
    {
        /// <summary>NtXentCorpus.NtXent in float with MathF (the question's form: numerator / denominator).</summary>
        [Differentiable]
        public static float NtXentQuestionF(float[,] zi, float[,] zj, float tau)
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
            float loss = 0f;
            float dot = 0f;
            float normI = 0f;
            float normJ = 0f;
            float normM = 0f;
            float simIJ = 0f;
            float simJI = 0f;
            float numeratorIJ = 0f;
            float numeratorJI = 0f;
            float denominatorIK = 0f;
            float denominatorJK = 0f;
            float lossIJ = 0f;
            float lossJI = 0f;

            // for k in range(zi.shape[0]):   (i = k, j = k + zi.shape[0])
            for (int k = 0; k < B; k++)
            {
                // sim_ij = cosine_similarity(z[i], z[j])
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

                // sim_ji = cosine_similarity(z[j], z[i])
                dot = 0f;
                normJ = 0f;
                normI = 0f;
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

                // sim_jk = cosine_similarity(z[j], z[np.arange(z.shape[0]) != j])
                // denominator_jk = np.sum(np.exp(sim_jk / tau))
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

        /// <summary>NtXentCorpus.NtXent in float through (float)Math casts.</summary>
        [Differentiable]
        public static float NtXentCastF(float[,] zi, float[,] zj, float tau)
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
            float loss = 0f;
            float dot = 0f;
            float normI = 0f;
            float normJ = 0f;
            float normM = 0f;
            float simIJ = 0f;
            float simJI = 0f;
            float numeratorIJ = 0f;
            float numeratorJI = 0f;
            float denominatorIK = 0f;
            float denominatorJK = 0f;
            float lossIJ = 0f;
            float lossJI = 0f;

            // for k in range(zi.shape[0]):   (i = k, j = k + zi.shape[0])
            for (int k = 0; k < B; k++)
            {
                // sim_ij = cosine_similarity(z[i], z[j])
                dot = 0f;
                normI = 0f;
                normJ = 0f;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                }
                simIJ = dot / ((float)Math.Sqrt(normI) * (float)Math.Sqrt(normJ));

                // sim_ji = cosine_similarity(z[j], z[i])
                dot = 0f;
                normJ = 0f;
                normI = 0f;
                for (int d = 0; d < D; d++)
                {
                    dot += z[k + B, d] * z[k, d];
                    normJ += z[k + B, d] * z[k + B, d];
                    normI += z[k, d] * z[k, d];
                }
                simJI = dot / ((float)Math.Sqrt(normJ) * (float)Math.Sqrt(normI));

                // numerator_ij = np.exp(sim_ij / tau); numerator_ji = np.exp(sim_ji / tau)
                numeratorIJ = (float)Math.Exp(simIJ / tau);
                numeratorJI = (float)Math.Exp(simJI / tau);

                // sim_ik = cosine_similarity(z[i], z[np.arange(z.shape[0]) != i])
                // denominator_ik = np.sum(np.exp(sim_ik / tau))
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
                    denominatorIK += (float)Math.Exp(dot / ((float)Math.Sqrt(normI) * (float)Math.Sqrt(normM)) / tau);
                }

                // sim_jk = cosine_similarity(z[j], z[np.arange(z.shape[0]) != j])
                // denominator_jk = np.sum(np.exp(sim_jk / tau))
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
                    denominatorJK += (float)Math.Exp(dot / ((float)Math.Sqrt(normJ) * (float)Math.Sqrt(normM)) / tau);
                }

                // loss_ij = - np.log(numerator_ij / denominator_ik)
                // loss_ji = - np.log(numerator_ji / denominator_jk)
                lossIJ = -(float)Math.Log(numeratorIJ / denominatorIK);
                lossJI = -(float)Math.Log(numeratorJI / denominatorJK);

                // loss += loss_ij + loss_ji
                loss += lossIJ + lossJI;
            }

            // loss /= z.shape[0]
            loss /= N;
            return loss;
        }

        /// <summary>Classification.ClipLoss in float.</summary>
        [Differentiable]
        public static float ClipLossF(float[,] img, float[,] txt, float logScale)
        {
            int n = img.GetLength(0);
            int d = img.GetLength(1);
            float[,] a = new float[n, d];
            float[,] t = new float[n, d];
            float[,] logits = new float[n, n];
            float scale = MathF.Exp(logScale);
            float norm = 0f;
            float mx = 0f;
            float s = 0f;
            float loss = 0f;

            for (int i = 0; i < n; i++)
            {
                norm = 0f;
                for (int k = 0; k < d; k++)
                {
                    norm += img[i, k] * img[i, k];
                }
                norm = MathF.Sqrt(norm);
                for (int k = 0; k < d; k++)
                {
                    a[i, k] = img[i, k] / norm;
                }

                norm = 0f;
                for (int k = 0; k < d; k++)
                {
                    norm += txt[i, k] * txt[i, k];
                }
                norm = MathF.Sqrt(norm);
                for (int k = 0; k < d; k++)
                {
                    t[i, k] = txt[i, k] / norm;
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        logits[i, j] += a[i, k] * t[j, k];
                    }
                    logits[i, j] *= scale;
                }
            }

            // image -> text: cross-entropy of each row against its diagonal entry
            for (int i = 0; i < n; i++)
            {
                mx = logits[i, 0];
                for (int j = 1; j < n; j++)
                {
                    mx = MathF.Max(mx, logits[i, j]);
                }
                s = 0f;
                for (int j = 0; j < n; j++)
                {
                    s += MathF.Exp(logits[i, j] - mx);
                }
                loss += mx + MathF.Log(s) - logits[i, i];
            }

            // text -> image: the same over columns
            for (int j = 0; j < n; j++)
            {
                mx = logits[0, j];
                for (int i = 1; i < n; i++)
                {
                    mx = MathF.Max(mx, logits[i, j]);
                }
                s = 0f;
                for (int i = 0; i < n; i++)
                {
                    s += MathF.Exp(logits[i, j] - mx);
                }
                loss += mx + MathF.Log(s) - logits[j, j];
            }

            return loss / (2 * n);
        }

        /// <summary>Classification.SoftmaxCrossEntropy in float.</summary>
        [Differentiable]
        public static float SoftmaxCrossEntropyF(float[,] x, float[,] w, int[] labels)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            int c = w.GetLength(1);
            float[,] logits = new float[n, c];
            float mx = 0f;
            float sum = 0f;
            float loss = 0f;

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        logits[i, j] += x[i, k] * w[k, j];
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                mx = logits[i, 0];
                for (int j = 1; j < c; j++)
                {
                    if (logits[i, j] > mx)
                    {
                        mx = logits[i, j];
                    }
                }
                sum = 0f;
                for (int j = 0; j < c; j++)
                {
                    sum += MathF.Exp(logits[i, j] - mx);
                }
                loss += MathF.Log(sum) + mx - logits[i, labels[i]];
            }
            return loss / n;
        }
    
        /// <summary>
        /// A softmax probability written without a log (no log-sum-exp to recognise): exp(x[label]) / Σ exp(x[i]).
        /// At logits near 45 the denominator passes 1.8e19, where its square overflows float32; the quotient's
        /// adjoint must not form it.
        /// </summary>
        [Differentiable]
        public static float SoftmaxProbabilityF(float[] x, int label)
        {
            float den = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                den += MathF.Exp(x[i]);
            }
            return MathF.Exp(x[label]) / den;
        }
    }
}
