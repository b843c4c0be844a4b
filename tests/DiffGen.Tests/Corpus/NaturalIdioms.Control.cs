using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, item 4: loops whose trip count is decided as they run: while and do/while loops, break, and a return
    /// inside a loop. The forward sweep records each such loop's trip count; the conditions carry no derivative
    /// (piecewise constant: the gradient is exact away from the inputs where a condition switches).
    /// </summary>
    public static partial class NaturalIdioms
    {
        // ------------------------------------------------------------ while

        /// <summary>Newton's iteration for each square root, until the step is below a tolerance; the sum of the roots.</summary>
        [Differentiable]
        public static double NewtonSqrtSum(double[] a)
        {
            double total = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double y = a[i] > 1 ? a[i] : 1.0;
                double err = 1;
                while (Math.Abs(err) > 1e-12)
                {
                    double next = 0.5 * (y + a[i] / y);
                    err = next - y;
                    y = next;
                }
                total += y;
            }
            return total;
        }

        /// <summary>
        /// Bisection for the point where Σ tanh(t - x_i) changes sign, at most maxIt halvings, then a loss around it:
        /// t depends on the bracket's ends (the branch decisions are piecewise constant), the loss on x directly.
        /// </summary>
        [Differentiable]
        public static double Bisection(double[] x, double lo0, double hi0, int maxIt)
        {
            double lo = lo0;
            double hi = hi0;
            int it = 0;
            double width = hi - lo;
            while (width > 1e-9 && it < maxIt)
            {
                double mid = 0.5 * (lo + hi);
                double g = 0;
                for (int i = 0; i < x.Length; i++) g += Math.Tanh(mid - x[i]);
                if (g > 0) hi = mid;
                else lo = mid;
                width = hi - lo;
                it++;
            }
            double t = 0.5 * (lo + hi);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += (x[i] - t) * (x[i] - t);
            return s + 3 * t;
        }

        /// <summary>A product over the prefix of x until it falls below eps: a while loop with an int counter.</summary>
        [Differentiable(nameof(x))]
        public static double PrefixProduct(double[] x, double eps)
        {
            int k = 0;
            double p = 1;
            while (k < x.Length && p > eps)
            {
                p *= x[k];
                k++;
            }
            return p + k;
        }

        /// <summary>A contraction iterated at least once: do/while.</summary>
        [Differentiable]
        public static double DoWhileDecay(double[] x, double rate)
        {
            double v = 0;
            foreach (double e in x) v += e * e;
            int steps = 0;
            do
            {
                v = v * rate + 0.1 * Math.Sin(v);
                steps++;
            } while (v > 1.0 && steps < 50);
            return v + 0.5 * steps;
        }

        /// <summary>
        /// Passes over v, each adding its squares, until the total passes a limit: the reverse loop of the
        /// while loop is a plain counted loop (its count is the recorded one) whose iterations add into v̄.
        /// </summary>
        [Differentiable(nameof(v))]
        public static double RepeatedPasses(double[] v, double limit)
        {
            double s = 0;
            while (s < limit)
            {
                s += 0.001;
                for (int j = 0; j < v.Length; j++) s += v[j] * v[j];
            }
            return s;
        }

        // ------------------------------------------------------------ break

        /// <summary>A sum of squares truncated as soon as it passes a limit (the term that passes it is included).</summary>
        [Differentiable(nameof(x))]
        public static double TruncatedSum(double[] x, double limit)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += x[i] * x[i];
                if (s > limit) break;
            }
            return s;
        }

        /// <summary>Search: exponentials of the leading run of non-negative entries (stops at the first negative one).</summary>
        [Differentiable]
        public static double SumUntilNegative(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] < 0) break;
                double e = Math.Exp(0.5 * x[i]);
                s += e * x[i];
            }
            return s;
        }

        /// <summary>The leading run as a for condition ('i &lt; n &amp;&amp; more'), with a continue inside.</summary>
        [Differentiable]
        public static double LeadingRun(double[] x, double[] w)
        {
            double s = 0;
            for (int i = 0; i < x.Length && x[i] > -1; i++)
            {
                if (w[i] == 0) continue;
                s += w[i] * Math.Sin(x[i]);
            }
            return s;
        }

        /// <summary>Break of an inner loop only: each row sums up to its first negative entry, the rows all count.</summary>
        [Differentiable]
        public static double RowPrefixes(double[,] a, double[] w)
        {
            int n = a.GetLength(0);
            int m = a.GetLength(1);
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double acc = 0;
                for (int j = 0; j < m; j++)
                {
                    if (a[i, j] < 0) break;
                    acc += a[i, j] * w[j];
                }
                total += Math.Tanh(acc);
            }
            return total;
        }

        /// <summary>Break from a while loop with a value condition: a damped walk that stops at a wall or after a count.</summary>
        [Differentiable(nameof(v))]
        public static double WalkToWall(double[] v, double wall)
        {
            double pos = 0;
            int k = 0;
            while (k < v.Length)
            {
                pos += v[k] * v[k];
                if (pos > wall) break;
                pos *= 0.9;
                k++;
            }
            return pos * (k + 1);
        }

        // ------------------------------------------------------------ return inside a loop

        /// <summary>The first entry above t, doubled (0 when there is none).</summary>
        [Differentiable(nameof(x))]
        public static double FirstAboveTwice(double[] x, double t)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > t) return x[i] * 2;
            }
            return 0;
        }

        /// <summary>A running sum that returns its square once it passes t, else the sum plus one; work after the loop.</summary>
        [Differentiable(nameof(x))]
        public static double RunningUntil(double[] x, double t)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Math.Exp(x[i]);
                if (s > t) return s * s;
            }
            double tail = 0;
            for (int i = 0; i < x.Length; i++) tail += x[i];
            return s + tail;
        }

        /// <summary>A return from two nested loops (the first entry of a matrix above t, scaled) and one from an if.</summary>
        [Differentiable(nameof(a), nameof(scale))]
        public static double FirstAboveInMatrix(double[,] a, double scale, double t)
        {
            if (scale > 100) return scale;
            int n = a.GetLength(0);
            int m = a.GetLength(1);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    if (a[i, j] > t) return a[i, j] * scale + i;
            return -scale;
        }
    }
}
