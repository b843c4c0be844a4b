using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Losses and layers with [Constant] parameters (targets, weights, masks, thresholds): no gradient buffer for them in
    /// Backward, no adjoint flowing from them, the other float/double parameters differentiated as usual.
    /// </summary>
    public static partial class ConstantParams
    {
        /// <summary>Mean squared error against a constant target: MseBackward(pred, target, predGrad, seed).</summary>
        [Differentiable]
        public static double Mse(double[] pred, [Constant] double[] target)
        {
            double s = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double d = pred[i] - target[i];
                s += d * d;
            }
            return s / pred.Length;
        }

        /// <summary>
        /// Weighted squared error of x + bias against y with constant per-row weights (a matrix of predictions,
        /// a learned scalar bias between the constants): WeightedLossBackward(x, weights, bias, y, xGrad, out biasGrad, seed).
        /// </summary>
        [Differentiable]
        public static double WeightedLoss(double[,] x, [Constant] double[] weights, double bias, [Constant] double[,] y)
        {
            int n = x.GetLength(0);
            int m = x.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double row = 0;
                for (int j = 0; j < m; j++)
                {
                    double r = x[i, j] + bias - y[i, j];
                    row += r * r;
                }
                s += weights[i] * row;
            }
            return s;
        }

        /// <summary>Huber loss with a constant scalar threshold delta: HuberBackward(r, delta, rGrad, seed).</summary>
        [Differentiable]
        public static double Huber(double[] r, [Constant] double delta)
        {
            double s = 0;
            for (int i = 0; i < r.Length; i++)
            {
                double a = Math.Abs(r[i]);
                s += a <= delta ? 0.5 * r[i] * r[i] : delta * (a - 0.5 * delta);
            }
            return s;
        }

        /// <summary>
        /// A layer with a constant mask: y[i] = mask[i] · tanh(x[i] · scale).
        /// MaskedTanhBackward(x, mask, scale, y, xGrad, out scaleGrad, yGrad).
        /// </summary>
        [Differentiable]
        public static void MaskedTanh(double[] x, [Constant] double[] mask, double scale, double[] y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = mask[i] * Math.Tanh(x[i] * scale);
        }

        /// <summary>
        /// Composition: a linear prediction w·x scored by <see cref="Mse"/> against a constant target (a constant passed
        /// on to a [Constant] parameter), plus an L2 penalty computed by a helper that differentiates both its arguments
        /// and receives the constant target in one of them. LinearMseBackward(w, x, target, wGrad, xGrad, seed).
        /// </summary>
        [Differentiable]
        public static double LinearMse(double[,] w, double[] x, [Constant] double[] target)
        {
            int n = w.GetLength(0);
            int d = w.GetLength(1);
            double[] pred = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < d; k++)
                    pred[i] += w[i, k] * x[k];
            double fit = Mse(pred, target);
            double align = Dot(pred, target);
            return fit + 0.1 * align;
        }

        /// <summary>A plain dot product; both arguments differentiated.</summary>
        [Differentiable]
        public static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
