using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Constructs that are easy to get subtly wrong in a reverse pass: a ternary whose untaken branch has a
    /// NaN/infinite derivative, an output array read and rewritten in place, four nested loops with index
    /// arithmetic, a local declared without an initializer, an expression-bodied helper.
    /// </summary>
    public static partial class EdgeCases
    {
        /// <summary>
        /// sum_i (x_i &gt; 0 ? sqrt(x_i) : 0) + (x_i &gt; 0 ? log(x_i) : x_i). At x_i &lt;= 0 the untaken branches have
        /// NaN or infinite derivatives; the gradient must still be the taken branch's (finite).
        /// </summary>
        [Differentiable]
        public static double SafeSqrtLog(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += x[i] > 0.0 ? Math.Sqrt(x[i]) : 0.0;
                s += x[i] > 0.0 ? Math.Log(x[i]) : x[i];
            }
            return s;
        }

        /// <summary>
        /// A void softmax layer computed in place in its output: y = exp(x - max) is written, then y is read
        /// back and divided by its own sum.
        /// </summary>
        [Differentiable]
        public static void SoftmaxLayer(double[] x, double[] y)
        {
            int n = x.Length;
            double mx = x[0];
            double s = 0;
            for (int i = 1; i < n; i++)
            {
                mx = Math.Max(mx, x[i]);
            }
            for (int i = 0; i < n; i++)
            {
                y[i] = Math.Exp(x[i] - mx);
                s += y[i];
            }
            for (int i = 0; i < n; i++)
            {
                y[i] /= s;
            }
        }

        /// <summary>Valid 2-D convolution (four nested loops, img[i + a, j + b]) then a sum of softplus; a local without initializer.</summary>
        [Differentiable]
        public static double Conv2d(double[,] img, double[,] k)
        {
            int h = img.GetLength(0) - k.GetLength(0) + 1;
            int w = img.GetLength(1) - k.GetLength(1) + 1;
            double[,] o = new double[h, w];
            double acc;
            double loss = 0;
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    acc = 0;
                    for (int a = 0; a < k.GetLength(0); a++)
                    {
                        for (int b = 0; b < k.GetLength(1); b++)
                        {
                            acc += img[i + a, j + b] * k[a, b];
                        }
                    }
                    o[i, j] = acc;
                }
            }
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    loss += Math.Log(1.0 + Math.Exp(o[i, j]));
                }
            }
            return loss;
        }

        /// <summary>An expression-bodied helper.</summary>
        [Differentiable]
        public static double Cube(double x) => x * x * x;

        /// <summary>sum_i Cube(x_i) * w_i via the expression-bodied helper.</summary>
        [Differentiable]
        public static double CubicSum(double[] x, double[] w)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Cube(x[i]) * w[i];
            }
            return s;
        }
    }
}
