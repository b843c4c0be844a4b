using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Helpers that return a new matrix, called inside a loop (probe batch 46's F22, a Kalman filter as written): each helper's
    /// 'var c = new double[n, m];' is sized by ints the helper declares from its arguments' GetLength, which never change in the
    /// loop, so the buffer is hoisted with that size. Refused until the twenty-seventh session (DIFF0013 naming 'MatMul_n').
    /// </summary>
    public static partial class MatrixHelpersInLoops
    {
        [Differentiable]
        public static double KalmanNll(double[] observations, double processNoise, double measurementNoise, double dt)
        {
            double[,] F = { { 1, dt }, { 0, 1 } };
            double[,] Q =
            {
                { processNoise * dt * dt * dt / 3, processNoise * dt * dt / 2 },
                { processNoise * dt * dt / 2, processNoise * dt },
            };
            double[] x = { observations[0], 0 };
            double[,] P = { { 1, 0 }, { 0, 1 } };
            double nll = 0;
            for (int t = 1; t < observations.Length; t++)
            {
                x = MatVec(F, x);
                P = Add(MatMul(MatMul(F, P), Transpose(F)), Q);
                double innovation = observations[t] - x[0];
                double S = P[0, 0] + measurementNoise;
                double k0 = P[0, 0] / S, k1 = P[1, 0] / S;
                x[0] += k0 * innovation;
                x[1] += k1 * innovation;
                double p00 = P[0, 0], p01 = P[0, 1];
                P[0, 0] -= k0 * p00; P[0, 1] -= k0 * p01;
                P[1, 0] -= k1 * p00; P[1, 1] -= k1 * p01;
                nll += 0.5 * (Math.Log(2 * Math.PI * S) + innovation * innovation / S);
            }
            return nll;
        }

        /// <summary>A matrix power by repeated products of a parameter matrix, then a weighted sum: the helper's size reads the parameter.</summary>
        [Differentiable]
        public static double PowerSum(double[,] a, double[,] weights, int steps)
        {
            var m = (double[,])a.Clone();
            double s = 0;
            for (int k = 0; k < steps; k++)
            {
                var next = MatMul(m, a);
                for (int i = 0; i < next.GetLength(0); i++)
                    for (int j = 0; j < next.GetLength(1); j++) s += weights[i, j] * next[i, j] / (k + 1);
                m = next;
            }
            return s;
        }

        private static double[,] MatMul(double[,] a, double[,] b)
        {
            int n = a.GetLength(0), m = b.GetLength(1), k = a.GetLength(1);
            var c = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += a[i, t] * b[t, j];
                    c[i, j] = s;
                }
            return c;
        }

        private static double[,] Transpose(double[,] a)
        {
            var t = new double[a.GetLength(1), a.GetLength(0)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++) t[j, i] = a[i, j];
            return t;
        }

        private static double[,] Add(double[,] a, double[,] b)
        {
            var c = new double[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++) c[i, j] = a[i, j] + b[i, j];
            return c;
        }

        private static double[] MatVec(double[,] a, double[] x)
        {
            var y = new double[a.GetLength(0)];
            for (int i = 0; i < y.Length; i++)
                for (int j = 0; j < x.Length; j++) y[i] += a[i, j] * x[j];
            return y;
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    public sealed class DecayDense
    {
        public double[,] Weights;
        public double[] Bias;
        public bool Activate;
        public DecayDense(double[,] w, double[] b, bool activate) { Weights = w; Bias = b; Activate = activate; }
    }

    /// <summary>
    /// Probe batch 46's F10 as written, with its layers differentiated: weight decay by 'foreach (var w in layer.Weights)' over
    /// each layer's matrix (one matrix of the layers' stack, its own shape). Refused until the twenty-seventh session (DIFF0004).
    /// </summary>
    public partial class DecayMlp
    {
        private readonly System.Collections.Generic.List<DecayDense> _layers = new();
        public double L2 = 1e-2;
        public void Add(DecayDense layer) => _layers.Add(layer);
        public System.Collections.Generic.IReadOnlyList<DecayDense> Layers => _layers;

        [Differentiable(nameof(input), nameof(_layers))]
        public double Loss(double[] input, double[] target)
        {
            double[] a = input;
            foreach (var layer in _layers)
            {
                int outDim = layer.Bias.Length;
                var next = new double[outDim];
                for (int o = 0; o < outDim; o++)
                {
                    double s = layer.Bias[o];
                    for (int i = 0; i < a.Length; i++) s += layer.Weights[o, i] * a[i];
                    next[o] = layer.Activate ? System.Math.Tanh(s) : s;
                }
                a = next;
            }
            double mse = 0;
            for (int i = 0; i < a.Length; i++) mse += (a[i] - target[i]) * (a[i] - target[i]);
            double reg = 0;
            foreach (var layer in _layers)
                foreach (var w in layer.Weights) reg += w * w;
            return mse / a.Length + L2 * reg;
        }
    }
}
