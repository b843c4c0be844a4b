using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Layer stacks (issue 10, the most common idiom still refused until now): a local <c>T[]</c> that starts as the input
    /// (<c>double[] activation = x;</c>) and is given each layer's new array, whose width changes from layer to layer
    /// (<c>activation = next;</c> of a <c>new double[nOut]</c> made in the loop body, or <c>h = Dense(h, w, b);</c>). DiffGen keeps
    /// it in one buffer sized for the widest layer with its current length in an int (generator/Parse/ReboundArrays.cs).
    /// </summary>
    public static partial class LayerStacks
    {
        /// <summary>An MLP over flat per-layer weights (row o of layer l at o·nIn), widths in an int[]; tanh hidden layers, squared error.</summary>
        [Differentiable(nameof(w), nameof(b))]
        public static double Mlp(double[][] w, double[][] b, int[] sizes, double[] x, double[] y)
        {
            double[] activation = x;
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                int nIn = sizes[l], nOut = sizes[l + 1];
                var next = new double[nOut];
                for (int o = 0; o < nOut; o++)
                {
                    double s = b[l][o];
                    for (int i = 0; i < nIn; i++) s += w[l][o * nIn + i] * activation[i];
                    next[o] = l + 2 < sizes.Length ? Math.Tanh(s) : s;
                }
                activation = next;
            }
            double loss = 0;
            for (int o = 0; o < activation.Length; o++) loss += (activation[o] - y[o]) * (activation[o] - y[o]);
            return loss;
        }

        /// <summary>The same in float.</summary>
        [Differentiable(nameof(w), nameof(b))]
        public static float MlpF(float[][] w, float[][] b, int[] sizes, float[] x, float[] y)
        {
            float[] activation = x;
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                int nIn = sizes[l], nOut = sizes[l + 1];
                var next = new float[nOut];
                for (int o = 0; o < nOut; o++)
                {
                    float s = b[l][o];
                    for (int i = 0; i < nIn; i++) s += w[l][o * nIn + i] * activation[i];
                    next[o] = l + 2 < sizes.Length ? MathF.Tanh(s) : s;
                }
                activation = next;
            }
            float loss = 0;
            for (int o = 0; o < activation.Length; o++) loss += (activation[o] - y[o]) * (activation[o] - y[o]);
            return loss;
        }

        /// <summary>Double twin of <see cref="MlpF"/>.</summary>
        public static double MlpFTwin(double[][] w, double[][] b, int[] sizes, double[] x, double[] y) => Mlp(w, b, sizes, x, y);

        /// <summary>Weights as a stack of matrices whose shapes differ (layer l is weights[l], nOut × nIn), every parameter differentiated, a foreach at the end.</summary>
        [Differentiable]
        public static double MatrixStack(double[][,] weights, double[][] biases, double[] input)
        {
            var a = input;
            for (int l = 0; l < weights.Length; l++)
            {
                var z = new double[weights[l].GetLength(0)];
                for (int o = 0; o < z.Length; o++)
                {
                    z[o] = biases[l][o];
                    for (int i = 0; i < a.Length; i++) z[o] += weights[l][o, i] * a[i];
                    if (l < weights.Length - 1) z[o] = Math.Max(0.0, z[o]) + 0.1 * Math.Min(0.0, z[o]);
                }
                a = z;
            }
            double s = 0;
            foreach (var v in a) s += v * v;
            return 0.5 * s;
        }

        private static double[] Dense(double[] input, double[,] w, double[] bias, bool relu)
        {
            var output = new double[w.GetLength(0)];
            for (int o = 0; o < output.Length; o++)
            {
                double s = bias[o];
                for (int i = 0; i < input.Length; i++) s += w[o, i] * input[i];
                output[o] = relu ? Math.Max(0, s) : s;
            }
            return output;
        }

        /// <summary>
        /// Batch 30's MLP loop (its List fields as a stack parameter): each layer's new array, then the activation applied in place
        /// (<c>h[i] = Math.Tanh(h[i])</c>): writes to the local after it was given an array of its own.
        /// </summary>
        [Differentiable(nameof(weights), nameof(biases))]
        public static double AffineThenTanhInPlace(double[][,] weights, double[][] biases, double[] x, double target)
        {
            double[] h = x;
            for (int l = 0; l < weights.Length; l++)
            {
                h = Dense(h, weights[l], biases[l], false);
                if (l < weights.Length - 1)
                    for (int i = 0; i < h.Length; i++) h[i] = Math.Tanh(h[i]);
            }
            double d = h[0] - target;
            return 0.5 * d * d;
        }

        /// <summary>Two dense layers through a helper (<c>h = Dense(h, ...)</c>), softmax cross-entropy against an int label.</summary>
        [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
        public static double TwoDense(double[,] w1, double[] b1, double[,] w2, double[] b2, double[] x, int label)
        {
            var h = x;
            h = Dense(h, w1, b1, true);
            h = Dense(h, w2, b2, false);
            double max = h[0];
            for (int k = 1; k < h.Length; k++) if (h[k] > max) max = h[k];
            double z = 0;
            for (int k = 0; k < h.Length; k++) z += Math.Exp(h[k] - max);
            return Math.Log(z) + max - h[label];
        }

        /// <summary>The MLP most people write: matrices of per-layer shapes, a Dense helper called on each, the activation rebound.</summary>
        [Differentiable(nameof(layers), nameof(biases))]
        public static double DenseStack(double[][,] layers, double[][] biases, double[] x, double[] target)
        {
            double[] h = x;
            for (int l = 0; l < layers.Length; l++)
                h = Dense(h, layers[l], biases[l], l < layers.Length - 1);
            double loss = 0;
            for (int o = 0; o < h.Length; o++)
            {
                var w = layers[layers.Length - 1];
                double d = h[o] - target[o] + 0.01 * w.GetLength(1);
                loss += d * d;
            }
            return loss;
        }

        /// <summary>The classic hand-written C# network: weights[l][j][k] as jagged arrays (a double[][][]), widths from the arrays.</summary>
        [Differentiable(nameof(weights), nameof(biases))]
        public static double JaggedMlp(double[][][] weights, double[][] biases, double[] input, double[] target)
        {
            double[] a = input;
            for (int l = 0; l < weights.Length; l++)
            {
                var z = new double[weights[l].Length];
                for (int j = 0; j < weights[l].Length; j++)
                {
                    double s = biases[l][j];
                    for (int k = 0; k < weights[l][j].Length; k++) s += weights[l][j][k] * a[k];
                    z[j] = l == weights.Length - 1 ? s : Math.Tanh(s);
                }
                a = z;
            }
            double loss = 0;
            for (int j = 0; j < a.Length; j++) loss += (a[j] - target[j]) * (a[j] - target[j]);
            return 0.5 * loss;
        }

        private static double LogSumExp(double[] v)
        {
            double m = v[0];
            for (int i = 1; i < v.Length; i++) m = Math.Max(m, v[i]);
            double s = 0;
            foreach (var x in v) s += Math.Exp(x - m);
            return m + Math.Log(s);
        }

        /// <summary>Batch 30's JaggedMlpLoss as written: a layer named first (<c>var W = weights[l];</c>), then <c>W[i][j]</c> and <c>W.Length</c>.</summary>
        [Differentiable(nameof(weights))]
        public static double JaggedViewMlp(double[][][] weights, double[] x, int label)
        {
            double[] a = x;
            for (int l = 0; l < weights.Length; l++)
            {
                var W = weights[l];
                var next = new double[W.Length];
                for (int i = 0; i < W.Length; i++)
                {
                    double s = 0;
                    for (int j = 0; j < a.Length; j++) s += W[i][j] * a[j];
                    next[i] = l == weights.Length - 1 ? s : Math.Tanh(s);
                }
                a = next;
            }
            return LogSumExp(a) - a[label];
        }

        private static double[] JaggedLayer(double[][] w, double[] b, double[] x)
        {
            var y = new double[w.Length];
            for (int j = 0; j < w.Length; j++)
            {
                double s = b[j];
                for (int k = 0; k < w[j].Length; k++) s += w[j][k] * x[k];
                y[j] = Math.Max(0.0, s) + 0.05 * s;
            }
            return y;
        }

        /// <summary>The same through a helper taking one layer as a double[][] (<c>h = JaggedLayer(weights[l], biases[l], h)</c>).</summary>
        [Differentiable]
        public static double JaggedMlpHelper(double[][][] weights, double[][] biases, [Constant] double[] input)
        {
            var h = input;
            for (int l = 0; l < weights.Length; l++) h = JaggedLayer(weights[l], biases[l], h);
            double s = 0;
            foreach (var v in h) s += v * v;
            return s;
        }

        /// <summary>A stack applied to every sample of a batch: the activation is made per sample (a fresh start each row).</summary>
        [Differentiable(nameof(w), nameof(b))]
        public static double BatchMlp(double[][] w, double[][] b, int[] sizes, double[][] xs, double[] ys)
        {
            double total = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double[] a = xs[n];
                for (int l = 0; l + 1 < sizes.Length; l++)
                {
                    var next = new double[sizes[l + 1]];
                    for (int o = 0; o < next.Length; o++)
                    {
                        double s = b[l][o];
                        for (int i = 0; i < sizes[l]; i++) s += w[l][o * sizes[l] + i] * a[i];
                        next[o] = Math.Tanh(s);
                    }
                    a = next;
                }
                double d = a[0] - ys[n];
                total += d * d;
            }
            return total / xs.Length;
        }

        /// <summary>Layers that keep the width sized by the activation itself (<c>new double[a.Length]</c>), between layers that change it.</summary>
        [Differentiable(nameof(w))]
        public static double SizedByActivation(double[][] w, int[] widths, double[] x)
        {
            double[] a = x;
            for (int l = 0; l < widths.Length; l++)
            {
                var next = new double[widths[l]];
                for (int o = 0; o < next.Length; o++)
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++) s += w[l][o * a.Length + i] * a[i];
                    next[o] = s;
                }
                a = next;
                var act = new double[a.Length];
                for (int i = 0; i < a.Length; i++) act[i] = Math.Tanh(a[i]);
                a = act;
            }
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += a[i] * a[i];
            return sum;
        }

        /// <summary>A residual tower: layers that keep the width add their input back (the length read per layer from the activation).</summary>
        [Differentiable(nameof(w))]
        public static double Residual(double[][] w, int[] widths, double[] x)
        {
            double[] h = x;
            int layer = 0;
            while (layer < w.Length)
            {
                int nOut = widths[layer];
                var next = new double[nOut];
                for (int o = 0; o < nOut; o++)
                {
                    double s = 0;
                    for (int i = 0; i < h.Length; i++) s += w[layer][o * h.Length + i] * h[i];
                    next[o] = nOut == h.Length ? h[o] + Math.Tanh(s) : Math.Tanh(s);
                }
                h = next;
                layer++;
            }
            double sum = 0;
            for (int o = 0; o < h.Length; o++) sum += h[o];
            return sum;
        }
    }
}
