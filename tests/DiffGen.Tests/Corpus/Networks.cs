using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Small network pieces: layers and losses over them.</summary>
    public static partial class Networks
    {
        /// <summary>
        /// Two-layer perceptron, tanh hidden layer, linear output, mean squared error against target.
        /// Every float input (including target) is differentiated.
        /// </summary>
        [Differentiable]
        public static double MlpMse(double[,] x, double[,] w1, double[] b1, double[,] w2, double[] b2, double[,] target)
        {
            int n = x.GetLength(0);
            int din = x.GetLength(1);
            int h = w1.GetLength(1);
            int dout = w2.GetLength(1);
            double[,] hidden = new double[n, h];
            double[,] output = new double[n, dout];
            double pre = 0;
            double diff = 0;
            double loss = 0;

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < h; j++)
                {
                    pre = b1[j];
                    for (int k = 0; k < din; k++)
                    {
                        pre += x[i, k] * w1[k, j];
                    }
                    hidden[i, j] = Math.Tanh(pre);
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    output[i, j] = b2[j];
                    for (int k = 0; k < h; k++)
                    {
                        output[i, j] += hidden[i, k] * w2[k, j];
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dout; j++)
                {
                    diff = output[i, j] - target[i, j];
                    loss += diff * diff;
                }
            }
            return loss / (n * dout);
        }

        /// <summary>A void layer y = x w + b; y is an output (its upstream gradient is yGrad).</summary>
        [Differentiable]
        public static void Linear(double[,] x, double[,] w, double[] b, double[,] y)
        {
            int n = x.GetLength(0);
            int din = x.GetLength(1);
            int dout = w.GetLength(1);
            for (int i = 0; i < n; i++)
            {
                for (int o = 0; o < dout; o++)
                {
                    y[i, o] = b[o];
                    for (int k = 0; k < din; k++)
                    {
                        y[i, o] += x[i, k] * w[k, o];
                    }
                }
            }
        }

        /// <summary>Squared error of a leaky-ReLU unit, the activation written as a ternary on values.</summary>
        [Differentiable]
        public static double LeakyReluRegression(double[,] x, double[] w, double[] y, double slope)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            double z = 0;
            double act = 0;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                z = 0;
                for (int k = 0; k < d; k++)
                {
                    z += x[i, k] * w[k];
                }
                act = z > 0.0 ? z : slope * z;
                loss += (act - y[i]) * (act - y[i]);
            }
            return loss;
        }

        /// <summary>
        /// Layer normalisation done in place on a local copy: v is overwritten three times (centre,
        /// scale, affine) while the old values are still needed by the reverse sweep.
        /// </summary>
        [Differentiable]
        public static double LayerNormInPlace(double[] x, double[] gamma, double[] beta)
        {
            int n = x.Length;
            double[] v = new double[n];
            double mean = 0;
            double variance = 0;
            double loss = 0;

            for (int i = 0; i < n; i++)
            {
                v[i] = x[i];
            }
            for (int i = 0; i < n; i++)
            {
                mean += v[i];
            }
            mean /= n;
            for (int i = 0; i < n; i++)
            {
                v[i] -= mean;
            }
            for (int i = 0; i < n; i++)
            {
                variance += v[i] * v[i];
            }
            variance /= n;
            for (int i = 0; i < n; i++)
            {
                v[i] /= Math.Sqrt(variance + 1e-5);
            }
            for (int i = 0; i < n; i++)
            {
                v[i] = gamma[i] * v[i] + beta[i];
            }
            for (int i = 0; i < n; i++)
            {
                loss += Math.Exp(0.3 * v[i]) * v[i];
            }
            return loss;
        }
    }
}
