using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Elementwise losses, control flow on values, intrinsics and loop forms.</summary>
    public static partial class Elementwise
    {
        /// <summary>Huber loss: if/else on a value, Math.Abs, a bool parameter choosing sum or mean.</summary>
        [Differentiable]
        public static double Huber(double[] pred, double[] target, double delta, bool mean)
        {
            int n = pred.Length;
            double diff = 0;
            double ad = 0;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                diff = pred[i] - target[i];
                ad = Math.Abs(diff);
                if (ad <= delta)
                {
                    loss += 0.5 * diff * diff;
                }
                else
                {
                    loss += delta * (ad - 0.5 * delta);
                }
            }
            if (mean)
            {
                loss /= n;
            }
            return loss;
        }

        /// <summary>Squared error skipping entries with mask 0 (int array) and entries whose target is above 3 (continue).</summary>
        [Differentiable]
        public static double MaskedMse(double[] pred, double[] target, int[] mask)
        {
            double diff = 0;
            double loss = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                if (mask[i] == 0) continue;
                if (target[i] > 3.0)
                {
                    continue;
                }
                diff = pred[i] - target[i];
                loss += diff * diff;
            }
            return loss;
        }

        /// <summary>Pow (value exponent and constant exponent), Sqrt, Log, Cos, Sin, Min, Abs, Exp.</summary>
        [Differentiable]
        public static double Intrinsics(double[] x, double p)
        {
            double s = 0;
            double t = 0;
            for (int i = 0; i < x.Length; i++)
            {
                t = x[i] * x[i] + 1.0;
                s += Math.Pow(t, p) + Math.Log(t) * Math.Cos(x[i]);
                s += Math.Min(x[i], 0.25) * Math.Sqrt(t);
                s += Math.Sin(Math.Abs(x[i]) + 0.1) * Math.Exp(-x[i] * x[i]);
                s -= 0.1 * Math.Pow(x[i], 3.0);
            }
            return s;
        }

        /// <summary>A running value reassigned from itself: x = a sin(x) + 0.1 x, steps times (int parameter).</summary>
        [Differentiable]
        public static double IteratedSin(double x0, double a, int steps)
        {
            double x = x0;
            for (int t = 0; t < steps; t++)
            {
                x = a * Math.Sin(x) + 0.1 * x;
            }
            return x;
        }

        /// <summary>
        /// Loop and update forms: i &gt;= 0 with i--, i &lt;= e with i += 2, i &gt; 0 with i--, bounds from
        /// Length, GetLength and arithmetic, int counters in value expressions, ++ and -- on a local and on
        /// a local array element, *=, -=, /=.
        /// </summary>
        [Differentiable]
        public static double LoopForms(double[] x, double[,] m)
        {
            int n = x.Length;
            int rows = m.GetLength(0);
            int cols = m.GetLength(1);
            double[] acc = new double[n];
            double s = 0;
            double p = 1;

            for (int i = n - 1; i >= 0; i--)
            {
                s += x[i] * (i + 1);
            }
            for (int i = 0; i <= n - 1; i += 2)
            {
                p *= 1.0 + 0.1 * x[i];
            }
            for (int i = n; i > 0; i--)
            {
                s -= 0.5 * x[i - 1] * x[n - i];
            }
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    s += m[r, c] * m[r, c] / (1 + r + c);
            for (int i = 0; i < n; i++)
            {
                acc[i] = x[i] * x[i];
                acc[i]++;
                acc[i] *= 0.5;
            }
            for (int i = 0; i < n; i++)
            {
                s += Math.Log(acc[i]);
            }
            s++;
            s++;
            s--;
            p /= 2.0;
            return s * p;
        }

        /// <summary>Restricted differentiation: gradients with respect to a only.</summary>
        [Differentiable(nameof(a))]
        public static double RestrictedQuadratic(double[] a, double[] b, double c)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s += (a[i] - b[i]) * (a[i] - b[i]) * c + a[i] * b[i];
            }
            return s;
        }
    }
}
