using System;

namespace DiffGen.Samples.SimClr
{
    /// <summary>
    /// Double-precision twins of <see cref="Model"/>'s Encoder, Head, Split and NtXent: the same loops with double
    /// for float and Math for MathF. The gradient check of the whole model (encoder + head + loss) runs on these
    /// against central finite differences, where float32 rounding would hide errors; a second check compares the
    /// float methods the trainer uses with these.
    /// </summary>
    public static partial class Model64
    {
        /// <summary>
        /// The base encoder f(·): a two-layer perceptron with ReLUs, x (n × 64 pixels) → h (n × F features).
        /// h = relu(relu(x w1 + b1) w2 + b2). Differentiated with respect to the weights only (x is data).
        /// </summary>
        [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
        public static void Encoder(double[,] x, double[,] w1, double[] b1, double[,] w2, double[] b2, double[,] h)
        {
            int n = x.GetLength(0);
            int din = x.GetLength(1);
            int hid = w1.GetLength(1);
            int dout = w2.GetLength(1);
            double[,] pre1 = new double[n, hid];
            double[,] act1 = new double[n, hid];
            double[,] pre2 = new double[n, dout];

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
                    act1[i, j] = pre1[i, j] > 0.0 ? pre1[i, j] : 0.0;
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
                    h[i, j] = pre2[i, j] > 0.0 ? pre2[i, j] : 0.0;
                }
            }
        }

        /// <summary>
        /// The projection head g(·): h (n × F) → z (n × P), z = relu(h w3 + b3) w4 + b4. The loss is computed on z;
        /// the representation kept after training is h.
        /// </summary>
        [Differentiable]
        public static void Head(double[,] h, double[,] w3, double[] b3, double[,] w4, double[] b4, double[,] z)
        {
            int n = h.GetLength(0);
            int din = h.GetLength(1);
            int hid = w3.GetLength(1);
            int dout = w4.GetLength(1);
            double[,] pre = new double[n, hid];
            double[,] act = new double[n, hid];

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
                    act[i, j] = pre[i, j] > 0.0 ? pre[i, j] : 0.0;
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
        public static void Split(double[,] z, double[,] zi, double[,] zj)
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
        /// Eq. 1 in numpy loops: cosine similarity per pair, -log(numerator / denominator)), in double: line by
        /// line the corpus's NtXentCorpus.NtXent.
        /// </summary>
        [Differentiable(nameof(zi), nameof(zj))]
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
    }
}
