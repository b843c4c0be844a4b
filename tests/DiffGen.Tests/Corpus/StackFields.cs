using System;
using System.Collections.Generic;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Probe batch 30's Mlp as written: the layers' weights in <c>List&lt;double[,]&gt;</c> and <c>List&lt;double[]&gt;</c> fields, the
    /// depth a computed property, a helper per layer, the activation applied in place. A <c>List&lt;T[,]&gt;</c> (or <c>T[][,]</c>) field
    /// is a stack of matrices like a parameter of that type; a <c>List&lt;T[]&gt;</c> field the rows of a <c>T[][]</c>.
    /// </summary>
    public partial class StackFieldsMlp
    {
        public List<double[,]> Weights;
        public List<double[]> Biases;
        public int Depth => Weights.Count;

        public StackFieldsMlp(List<double[,]> weights, List<double[]> biases) { Weights = weights; Biases = biases; }

        private static double[] Affine(double[,] W, double[] b, double[] x)
        {
            int m = W.GetLength(0), n = W.GetLength(1);
            var y = new double[m];
            for (int i = 0; i < m; i++)
            {
                double s = b[i];
                for (int j = 0; j < n; j++) s += W[i, j] * x[j];
                y[i] = s;
            }
            return y;
        }

        [Differentiable(nameof(Weights), nameof(Biases))]
        public double Loss(double[] x, double target)
        {
            double[] h = x;
            for (int l = 0; l < Depth; l++)
            {
                h = Affine(Weights[l], Biases[l], h);
                if (l < Depth - 1)
                    for (int i = 0; i < h.Length; i++) h[i] = Math.Tanh(h[i]);
            }
            double d = h[0] - target;
            return 0.5 * d * d;
        }
    }

    /// <summary>The same model with array fields (<c>double[][,]</c>, <c>double[][]</c>), the loop over <c>Weights.Length</c>, a softmax head.</summary>
    public partial class StackFieldsArrays
    {
        public double[][,] Weights = Array.Empty<double[,]>();
        public double[][] Biases = Array.Empty<double[]>();

        [Differentiable(nameof(Weights), nameof(Biases))]
        public double CrossEntropy(double[] x, int label)
        {
            double[] h = x;
            for (int l = 0; l < Weights.Length; l++)
            {
                var W = Weights[l];
                var next = new double[W.GetLength(0)];
                for (int i = 0; i < next.Length; i++)
                {
                    double s = Biases[l][i];
                    for (int j = 0; j < h.Length; j++) s += W[i, j] * h[j];
                    next[i] = l < Weights.Length - 1 ? Math.Max(0.0, s) + 0.01 * Math.Min(0.0, s) : s;
                }
                h = next;
            }
            double m = double.NegativeInfinity;
            for (int i = 0; i < h.Length; i++) m = Math.Max(m, h[i]);
            double z = 0;
            for (int i = 0; i < h.Length; i++) z += Math.Exp(h[i] - m);
            return m + Math.Log(z) - h[label];
        }
    }

    /// <summary>A float model in lists, differentiated only in its weights (the biases are constants).</summary>
    public partial class StackFieldsFloat
    {
        public List<float[,]> Weights = new();
        public List<float[]> Biases = new();

        [Differentiable(nameof(Weights))]
        public float Energy(float[] x)
        {
            float[] h = x;
            for (int l = 0; l < Weights.Count; l++)
            {
                var y = new float[Weights[l].GetLength(0)];
                for (int i = 0; i < y.Length; i++)
                {
                    float s = Biases[l][i];
                    for (int j = 0; j < h.Length; j++) s += Weights[l][i, j] * h[j];
                    y[i] = MathF.Tanh(s);
                }
                h = y;
            }
            float e = 0;
            for (int i = 0; i < h.Length; i++) e += h[i] * h[i];
            return e;
        }
    }
}
