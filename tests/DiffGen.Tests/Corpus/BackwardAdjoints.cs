using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Methods whose Backward gets its own adjoint (Differentiate.BackwardAdjoint): inputs Backward returns no gradient for
    /// (a data batch, targets) cost a product or loop work in the composition adjoint. The callers below compose with them
    /// through the composition adjoint, which still propagates into those inputs.
    /// </summary>
    public static partial class BackwardAdjoints
    {
        /// <summary>A linear layer's squared error: the batch x and the targets are data (x's GEMM adjoint is skipped).</summary>
        [Differentiable(nameof(w), nameof(b))]
        public static double LinearMse(double[,] x, double[,] w, double[] b, double[,] target)
        {
            int n = x.GetLength(0), din = x.GetLength(1), dout = w.GetLength(0);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int o = 0; o < dout; o++)
                {
                    double s = b[o];
                    for (int j = 0; j < din; j++) s += w[o, j] * x[i, j];
                    double e = s - target[i, o];
                    loss += e * e;
                }
            }
            return loss / n;
        }

        /// <summary>Composes with LinearMse, differentiating its batch too: the call uses the composition adjoint.</summary>
        [Differentiable]
        public static double ScaledInputMse(double[,] x, double[,] w, double[] b, double[,] target, double scale)
        {
            int n = x.GetLength(0), din = x.GetLength(1);
            var xs = new double[n, din];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < din; j++) xs[i, j] = scale * x[i, j];
            return LinearMse(xs, w, b, target);
        }

        /// <summary>Centred points through one map per component, a log-sum-exp over components (gmm-like, float): the CPU
        /// runs each component's map on a block of points, and Backward sums the adjoint of x − c over the block's rows.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static float CentredProjectionF(float[,] x, float[,] centers, float[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            float[] diff = new float[d];
            float[] proj = new float[d];
            float[] score = new float[k];
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        proj[a] = 0;
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= 0.5f * proj[a] * proj[a];
                }
                float m = score[0];
                for (int c = 1; c < k; c++) m = MathF.Max(m, score[c]);
                float s = 0;
                for (int c = 0; c < k; c++) s += MathF.Exp(score[c] - m);
                loss += MathF.Log(s) + m;
            }
            return loss;
        }

        /// <summary>The double twin of <see cref="CentredProjectionF"/> for the oracle (same loops, double).</summary>
        public static double CentredProjectionFTwin(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] proj = new double[d];
            double[] score = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        proj[a] = 0;
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= 0.5 * proj[a] * proj[a];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>Squares written three ways (x·x, c·x·x, x·c·x) in one sum: one accumulation each in the adjoint.</summary>
        [Differentiable]
        public static double Squares(double[] x, double[] y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * x[i] + 0.5 * y[i] * y[i] + x[i] * 3.0 * x[i] - y[i] * 2.0 * y[i];
            return s;
        }
    }
}
