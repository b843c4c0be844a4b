using System;

namespace DiffGen.Samples.SimClr
{
    /// <summary>
    /// The SimCLR model (arXiv 2002.05709, Algorithm 1) as plain loops in float32. DiffGen generates, at build time,
    /// <c>XForward</c> and <c>XBackward</c> next to each method (and, since none of them calls another
    /// [Differentiable] method or uses jagged arrays, <c>DeviceArray&lt;float&gt;</c> overloads that run on CUDA).
    /// One training step chains them: Encoder → Head → Split → NtXent forward, then NtXentBackward gives dL/dzi and
    /// dL/dzj, SplitBackward turns them into dL/dz, HeadBackward into dL/dh and the head's weight gradients,
    /// EncoderBackward into the encoder's weight gradients. No gradient is written by hand.
    /// </summary>
    public static partial class Model
    {
        /// <summary>
        /// The base encoder f(·): a two-layer perceptron with ReLUs, x (n × 64 pixels) → h (n × F features).
        /// h = relu(relu(x w1 + b1) w2 + b2). Differentiated with respect to the weights only (x is data).
        /// </summary>
        [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
        public static void Encoder(float[,] x, float[,] w1, float[] b1, float[,] w2, float[] b2, float[,] h)
        {
            int n = x.GetLength(0);
            int din = x.GetLength(1);
            int hid = w1.GetLength(1);
            int dout = w2.GetLength(1);
            float[,] pre1 = new float[n, hid];
            float[,] act1 = new float[n, hid];
            float[,] pre2 = new float[n, dout];

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hid; j++)
                {
                    pre1[i, j] = b1[j];
                    for (int k = 0; k < din; k++)
                    {
                        pre1[i, j] += x[i, k] * w1[k, j];
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hid; j++)
                {
                    act1[i, j] = pre1[i, j] > 0f ? pre1[i, j] : 0f;
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    pre2[i, j] = b2[j];
                    for (int k = 0; k < hid; k++)
                    {
                        pre2[i, j] += act1[i, k] * w2[k, j];
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    h[i, j] = pre2[i, j] > 0f ? pre2[i, j] : 0f;
                }
            }
        }

        /// <summary>
        /// The projection head g(·): h (n × F) → z (n × P), z = relu(h w3 + b3) w4 + b4. The loss is computed on z;
        /// the representation kept after training is h.
        /// </summary>
        [Differentiable]
        public static void Head(float[,] h, float[,] w3, float[] b3, float[,] w4, float[] b4, float[,] z)
        {
            int n = h.GetLength(0);
            int din = h.GetLength(1);
            int hid = w3.GetLength(1);
            int dout = w4.GetLength(1);
            float[,] pre = new float[n, hid];
            float[,] act = new float[n, hid];

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hid; j++)
                {
                    pre[i, j] = b3[j];
                    for (int k = 0; k < din; k++)
                    {
                        pre[i, j] += h[i, k] * w3[k, j];
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hid; j++)
                {
                    act[i, j] = pre[i, j] > 0f ? pre[i, j] : 0f;
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    z[i, j] = b4[j];
                    for (int k = 0; k < hid; k++)
                    {
                        z[i, j] += act[i, k] * w4[k, j];
                    }
                }
            }
        }

        /// <summary>
        /// The two views of a batch go through the network together (rows 0..B-1 are the first views, rows B..2B-1
        /// the second); this layer splits z into the zi, zj that NT-Xent takes. Its backward joins dL/dzi, dL/dzj.
        /// </summary>
        [Differentiable]
        public static void Split(float[,] z, float[,] zi, float[,] zj)
        {
            int b = zi.GetLength(0);
            int d = zi.GetLength(1);
            for (int r = 0; r < b; r++)
            {
                for (int c = 0; c < d; c++)
                {
                    zi[r, c] = z[r, c];
                    zj[r, c] = z[r + b, c];
                }
            }
        }

        /// <summary>
        /// NT-Xent over two views zi, zj (B × D each), temperature tau, written as the question writes it (SimCLR
        /// Eq. 1 in numpy loops: cosine similarity per pair, -log(numerator / denominator)), in float32. The same
        /// loops as the corpus's NtXentCorpus.NtXent with Math → MathF.
        /// </summary>
        [Differentiable(nameof(zi), nameof(zj))]
        public static float NtXent(float[,] zi, float[,] zj, float tau)
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

        /// <summary>
        /// The linear probe's loss: multinomial logistic regression (softmax cross-entropy, mean over the rows) of
        /// frozen features x (n × F) against labels, logits = x w + b, plus an L2 penalty lambda·|w|²/2.
        /// Differentiated with respect to w and b.
        /// </summary>
        [Differentiable(nameof(w), nameof(b))]
        public static float ProbeLoss(float[,] x, float[,] w, float[] b, int[] labels, float lambda)
        {
            int n = x.GetLength(0);
            int f = x.GetLength(1);
            int c = w.GetLength(1);
            float[,] logits = new float[n, c];
            float mx = 0;
            float s = 0;
            float loss = 0;
            float penalty = 0;

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    logits[i, j] = b[j];
                    for (int k = 0; k < f; k++)
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
                    mx = MathF.Max(mx, logits[i, j]);
                }
                s = 0;
                for (int j = 0; j < c; j++)
                {
                    s += MathF.Exp(logits[i, j] - mx);
                }
                loss += MathF.Log(s) + mx - logits[i, labels[i]];
            }
            for (int k = 0; k < f; k++)
            {
                for (int j = 0; j < c; j++)
                {
                    penalty += w[k, j] * w[k, j];
                }
            }
            return loss / n + 0.5f * lambda * penalty;
        }

        /// <summary>
        /// One Adam step (Kingma and Ba, Algorithm 1) on a weight matrix, with decoupled weight decay (AdamW):
        /// m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²; p ← p − lr·(m/c1)/(√(v/c2) + ε) − lr·wd·p, where c1 = 1-β1^t and
        /// c2 = 1-β2^t are the bias corrections of step t. Plain C#: called directly on the CPU. It is marked
        /// [Differentiable] only so that DiffGen also emits it as a CUDA kernel (AdamMatrixForward on
        /// DeviceArrays), which keeps the weights and the moments on the GPU; its Backward is never used.
        /// </summary>
        [Differentiable(nameof(g))]
        public static void AdamMatrix(float[,] p, float[,] g, float[,] m, float[,] v, float lr, float beta1, float beta2, float eps, float wd, float c1, float c2)
        {
            int rows = p.GetLength(0);
            int cols = p.GetLength(1);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    m[i, j] = beta1 * m[i, j] + (1f - beta1) * g[i, j];
                    v[i, j] = beta2 * v[i, j] + (1f - beta2) * g[i, j] * g[i, j];
                    p[i, j] = p[i, j] - lr * (m[i, j] / c1) / (MathF.Sqrt(v[i, j] / c2) + eps) - lr * wd * p[i, j];
                }
            }
        }

        /// <summary><see cref="AdamMatrix"/> for a bias vector (no weight decay on biases).</summary>
        [Differentiable(nameof(g))]
        public static void AdamVector(float[] p, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float eps, float c1, float c2)
        {
            int n = p.Length;
            for (int i = 0; i < n; i++)
            {
                m[i] = beta1 * m[i] + (1f - beta1) * g[i];
                v[i] = beta2 * v[i] + (1f - beta2) * g[i] * g[i];
                p[i] = p[i] - lr * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + eps);
            }
        }
    }
}
