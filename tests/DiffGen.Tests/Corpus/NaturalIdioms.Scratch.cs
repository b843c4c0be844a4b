using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, items 1 and 3: scratch arrays declared inside loops (float/double and int), and int/bool locals that
    /// are reassigned (counters, signs, argmax indices).
    /// </summary>
    public static partial class NaturalIdioms
    {
        // ------------------------------------------------------------ item 1: scratch arrays inside loops

        /// <summary>Softmax cross-entropy with a per-row logits array, accumulated (it must start at zero every row).</summary>
        [Differentiable]
        public static double SoftmaxRowsScratch(double[,] x, double[,] w, int[] labels)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            int c = w.GetLength(1);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double[] logits = new double[c];
                for (int k = 0; k < c; k++)
                    for (int j = 0; j < d; j++)
                        logits[k] += x[i, j] * w[j, k];
                double m = logits[0];
                for (int k = 1; k < c; k++)
                    if (logits[k] > m) m = logits[k];
                double s = 0;
                for (int k = 0; k < c; k++) s += Math.Exp(logits[k] - m);
                loss += Math.Log(s) + m - logits[labels[i]];
            }
            return loss / n;
        }

        /// <summary>One hidden layer per sample: the hidden activations live in a scratch array of the row.</summary>
        [Differentiable]
        public static double MlpRowsScratch(double[,] x, double[,] w1, double[] b1, double[] w2, double[] y)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            int h = w1.GetLength(0);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double[] hidden = new double[h];
                for (int j = 0; j < h; j++)
                {
                    double a = b1[j];
                    for (int k = 0; k < d; k++) a += w1[j, k] * x[i, k];
                    hidden[j] = Math.Tanh(a);
                }
                double o = 0;
                for (int j = 0; j < h; j++) o += w2[j] * hidden[j];
                double r = o - y[i];
                loss += r * r;
            }
            return loss / n;
        }

        /// <summary>A T[,] scratch per row, summed into twice (relies on 'new' zeroing it), read after.</summary>
        [Differentiable]
        public static double MomentsScratch(double[,] x)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double[,] acc = new double[2, d];
                for (int k = 0; k < d; k++)
                {
                    acc[0, k] += x[i, k];
                    acc[1, k] += x[i, k] * x[i, k];
                }
                for (int k = 0; k < d; k++) acc[0, k] += Math.Sin(x[i, k]);
                for (int k = 0; k < d; k++) s += acc[0, k] * acc[1, k];
            }
            return s;
        }

        /// <summary>A scratch array in an inner loop of a nest and one in an if at the top level.</summary>
        [Differentiable]
        public static double NestedScratch(double[,] x, double[] v, int mode)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                for (int r = 0; r < 2; r++)
                {
                    double[] t = new double[d];
                    for (int k = 0; k < d; k++) t[k] = x[i, k] * v[k] + r;
                    for (int k = 0; k < d; k++) s += t[k] * t[k] * x[i, k];
                }
            }
            if (mode > 0)
            {
                double[] u = new double[d];
                for (int k = 0; k < d; k++) u[k] = Math.Exp(v[k]);
                for (int k = 0; k < d; k++) s += u[k] * x[0, k];
            }
            return s;
        }

        /// <summary>A scratch int permutation, filled twice (the reverse sweep must see the first one again).</summary>
        [Differentiable]
        public static double PermutedScratch(double[] x, double[] y, int shift)
        {
            int n = x.Length;
            int[] perm = new int[n];
            for (int k = 0; k < n; k++) perm[k] = (k + shift) % n;
            double s = 0;
            for (int k = 0; k < n; k++) s += x[k] * Math.Sin(y[perm[k]]);
            for (int k = 0; k < n; k++) perm[k] = n - 1 - k;
            for (int k = 0; k < n; k++) s += x[perm[k]] * x[k] * y[k];
            return s;
        }

        /// <summary>Per row: an int scratch with the columns of the row's minimum and maximum (a value-dependent argmin/argmax).</summary>
        [Differentiable]
        public static double RowRangeScratch(double[,] x)
        {
            int n = x.GetLength(0);
            int d = x.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                int[] idx = new int[2];
                for (int k = 1; k < d; k++)
                {
                    if (x[i, k] < x[i, idx[0]]) idx[0] = k;
                    if (x[i, k] > x[i, idx[1]]) idx[1] = k;
                }
                double range = x[i, idx[1]] - x[i, idx[0]];
                s += range * range;
            }
            return s;
        }

        // ------------------------------------------------------------ item 3: reassigned int and bool locals

        /// <summary>Mean over the entries a mask selects: the count is an int incremented under the mask.</summary>
        [Differentiable]
        public static double MaskedMean(double[] x, int[] mask)
        {
            double s = 0;
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (mask[i] > 0)
                {
                    s += x[i] * x[i];
                    count++;
                }
            }
            return s / count;
        }

        /// <summary>Alternating signs: <c>sign = -sign</c> each step.</summary>
        [Differentiable]
        public static double AlternatingSum(double[] x)
        {
            int sign = 1;
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += sign * Math.Exp(x[i]);
                sign = -sign;
            }
            return s;
        }

        /// <summary>Argmax updated in a value-dependent branch, then used as an index.</summary>
        [Differentiable]
        public static double ArgmaxPick(double[] x, double[] v)
        {
            double best = x[0];
            int arg = 0;
            for (int i = 1; i < x.Length; i++)
            {
                if (x[i] > best)
                {
                    best = x[i];
                    arg = i;
                }
            }
            return x[arg] * v[arg] + best;
        }

        /// <summary>1-D max pooling: the window's argmax is an int declared per window and compared through itself.</summary>
        [Differentiable]
        public static double MaxPool(double[] x, double[] w, int pool)
        {
            int outs = x.Length / pool;
            double s = 0;
            for (int o = 0; o < outs; o++)
            {
                int arg = o * pool;
                for (int k = 1; k < pool; k++)
                    if (x[o * pool + k] > x[arg]) arg = o * pool + k;
                s += w[o] * x[arg] * x[arg];
            }
            return s;
        }

        /// <summary>A bool flag set once: the first element above a threshold, and a count used as a loop bound.</summary>
        [Differentiable(nameof(x))]
        public static double FirstAbove(double[] x, double threshold)
        {
            bool found = false;
            double first = 0;
            int above = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!found && x[i] > threshold)
                {
                    first = x[i];
                    found = true;
                }
                if (x[i] > threshold) above += 1;
            }
            double tail = 0;
            for (int k = 0; k < above; k++) tail += x[k] * x[k];
            return first * first + tail;
        }
    
        // ------------------------------------------------------------ item 4: foreach

        /// <summary><c>foreach</c> over a T[], over a jagged row and over an int[] of labels.</summary>
        [Differentiable]
        public static double ForEachSums(double[] x, double[][] rows, int[] labels)
        {
            double s = 0;
            foreach (double v in x) s += v * v;
            for (int i = 0; i < rows.Length; i++)
            {
                foreach (var r in rows[i])
                {
                    if (r < 0) continue;
                    s += Math.Sin(r) * x[i % x.Length];
                }
            }
            foreach (int l in labels) s += x[l];
            return s;
        }

        /// <summary><c>foreach</c> over a float array, the iteration value widened to double.</summary>
        [Differentiable]
        public static double ForEachWiden(float[] x)
        {
            double s = 0;
            foreach (double v in x) s += Math.Exp(v) * v;
            return s;
        }
    }
}
