using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Harder shapes of data flow: loop-carried recurrences through local arrays, index arithmetic,
    /// in-place softmax on a 2-D local, int arithmetic (%, /, casts), &amp;&amp; and || in conditions, and a
    /// void [Differentiable] layer called on local arrays.
    /// </summary>
    public static partial class Sequences
    {
        /// <summary>A scalar tanh RNN h[t+1] = tanh(w h[t] + u x[t] + c), loss = sum_t (h[t+1] - y[t])^2.</summary>
        [Differentiable]
        public static double ScalarRnn(double[] x, double[] y, double w, double u, double c, double h0)
        {
            int n = x.Length;
            double[] h = new double[n + 1];
            double loss = 0;
            h[0] = h0;
            for (int t = 0; t < n; t++)
            {
                h[t + 1] = Math.Tanh(w * h[t] + u * x[t] + c);
            }
            for (int t = 1; t <= n; t++)
            {
                loss += (h[t] - y[t - 1]) * (h[t] - y[t - 1]);
            }
            return loss;
        }

        /// <summary>
        /// Valid 1-D convolution y[i] = sum_j x[i + j] k[j] into a local, then a loss that treats even and odd
        /// positions differently (% on ints), uses &amp;&amp; / || on index and value comparisons, a cast, and a
        /// loop that counts down by two.
        /// </summary>
        [Differentiable]
        public static double Conv1d(double[] x, double[] kernel, int step)
        {
            int n = x.Length;
            int k = kernel.Length;
            int m = n - k + 1;
            int half = m / 2;
            double[] y = new double[m];
            double loss = 0;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    y[i] += x[i + j] * kernel[j];
                }
            }
            for (int i = 0; i < m; i++)
            {
                if (i % 2 == 0 && y[i] > 0.0)
                {
                    loss += y[i] * y[i];
                }
                else if (i >= half || y[i] < -1.0)
                {
                    loss += Math.Tanh(y[i]) * (double)(i + step);
                }
                else
                {
                    loss -= 0.5 * y[i];
                }
            }
            for (int i = m - 1; i >= 0; i -= 2)
            {
                loss += 0.1 * y[i] * x[i];
            }
            return loss;
        }

        /// <summary>Prefix sums into a local (each entry reads the previous one), then sum of squares with a decay.</summary>
        [Differentiable]
        public static double PrefixSumSquares(double[] x, double decay)
        {
            int n = x.Length;
            double[] c = new double[n];
            double s = 0;
            c[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                c[i] = decay * c[i - 1] + x[i];
            }
            for (int i = 0; i < n; i++)
            {
                s += c[i] * c[i];
            }
            return s;
        }

        /// <summary>
        /// Single-head self-attention pooled into a squared-norm loss: scores = (x wq)(x wk)^T / sqrt(d), a
        /// row softmax done in place on the 2-D local (exp overwrites the scores, then the division
        /// overwrites the exps), out = softmax x.
        /// </summary>
        [Differentiable]
        public static double SelfAttention(double[,] x, double[,] wq, double[,] wk)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            int h = wq.GetLength(1);
            double[,] q = new double[n, h];
            double[,] kk = new double[n, h];
            double[,] a = new double[n, n];
            double mx = 0;
            double s = 0;
            double o = 0;
            double loss = 0;

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < h; j++)
                {
                    for (int c = 0; c < d; c++)
                    {
                        q[i, j] += x[i, c] * wq[c, j];
                        kk[i, j] += x[i, c] * wk[c, j];
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int c = 0; c < h; c++)
                    {
                        a[i, j] += q[i, c] * kk[j, c];
                    }
                    a[i, j] /= Math.Sqrt(h);
                }
            }
            for (int i = 0; i < n; i++)
            {
                mx = a[i, 0];
                for (int j = 1; j < n; j++)
                {
                    mx = Math.Max(mx, a[i, j]);
                }
                s = 0;
                for (int j = 0; j < n; j++)
                {
                    a[i, j] = Math.Exp(a[i, j] - mx);
                    s += a[i, j];
                }
                for (int j = 0; j < n; j++)
                {
                    a[i, j] /= s;
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < d; c++)
                {
                    o = 0;
                    for (int j = 0; j < n; j++)
                    {
                        o += a[i, j] * x[j, c];
                    }
                    loss += o * o;
                }
            }
            return loss;
        }

        /// <summary>A void layer writing its output y (the same as Networks.Linear), here to be called.</summary>
        [Differentiable]
        public static void Dense(double[,] x, double[,] w, double[] b, double[,] y)
        {
            for (int i = 0; i < x.GetLength(0); i++)
            {
                for (int o = 0; o < w.GetLength(1); o++)
                {
                    y[i, o] = b[o];
                    for (int k = 0; k < x.GetLength(1); k++)
                    {
                        y[i, o] += x[i, k] * w[k, o];
                    }
                }
            }
        }

        /// <summary>
        /// The 2-layer MLP composed from calls of the void layer Dense on local arrays: Dense(x) -&gt; tanh in
        /// place -&gt; Dense -&gt; mean squared error.
        /// </summary>
        [Differentiable]
        public static double MlpViaDense(double[,] x, double[,] w1, double[] b1, double[,] w2, double[] b2, double[,] target)
        {
            int n = x.GetLength(0);
            int hdim = w1.GetLength(1);
            int dout = w2.GetLength(1);
            double[,] hidden = new double[n, hdim];
            double[,] output = new double[n, dout];
            double loss = 0;
            Dense(x, w1, b1, hidden);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hdim; j++)
                {
                    hidden[i, j] = Math.Tanh(hidden[i, j]);
                }
            }
            Dense(hidden, w2, b2, output);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    loss += (output[i, j] - target[i, j]) * (output[i, j] - target[i, j]);
                }
            }
            return loss / (n * dout);
        }
    }
}
