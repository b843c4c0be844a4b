using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Forms batch 25 used that DiffGen refused before round 25, one small function each (the batch's own functions as
    /// written are <see cref="NaturalRound25"/>): rows zipped with rows or numbers, a per-row scratch array sized by a row's
    /// length less a fixed amount over a fixed stride, an int size declared after a returning guard, two T[,] locals swapped,
    /// a helper's jagged result whose row length is the helper's own local.
    /// </summary>
    public static partial class Round25Forms
    {
        /// <summary>Mean squared error of a layer norm of each input row against its target row: <c>foreach (var (x, y) in X.Zip(Y))</c>.</summary>
        [Differentiable(nameof(gamma), nameof(beta), nameof(xs))]
        public static double ZipRowsLayerNorm(double[][] xs, double[][] ys, double[] gamma, double[] beta)
        {
            int d = gamma.Length;
            var r = new double[d];
            double loss = 0;
            int count = 0;
            foreach (var (x, y) in xs.Zip(ys))
            {
                double mean = 0;
                for (int i = 0; i < d; i++) { r[i] = x[i] + 0.5 * Math.Tanh(x[i]); mean += r[i]; }
                mean /= d;
                double var = 0;
                for (int i = 0; i < d; i++) { double c = r[i] - mean; var += c * c; }
                double inv = 1.0 / Math.Sqrt(var / d + 1e-5);
                for (int i = 0; i < d; i++)
                {
                    double e = (r[i] - mean) * inv * gamma[i] + beta[i] - y[i];
                    loss += e * e;
                }
                count++;
            }
            return loss / Math.Max(1, count);
        }

        /// <summary>Weighted squared norms of rows: rows zipped with a vector of weights (Zip stops at the shorter).</summary>
        [Differentiable(nameof(xs), nameof(weights))]
        public static double ZipRowsWithWeights(double[][] xs, double[] weights)
        {
            double s = 0;
            foreach (var (row, w) in xs.Zip(weights))
            {
                double q = 0;
                foreach (double v in row) q += v * v;
                s += w * Math.Sqrt(q + 1.0);
            }
            return s;
        }

        /// <summary>
        /// A 1-D convolution with a stride, then max-pooling, per signal: the scratch row is sized
        /// <c>(s.Length - kernelSize) / stride + 1</c>, per signal, with the kernel size and stride fixed for the call.
        /// </summary>
        [Differentiable(nameof(kernel), nameof(readout))]
        public static double ConvPerSignal(double[] kernel, double[] readout, double[][] signals, double[] targets, int stride, int pool)
        {
            int kernelSize = kernel.Length;
            double sse = 0;
            for (int n = 0; n < signals.Length; n++)
            {
                double[] s = signals[n];
                int convLen = (s.Length - kernelSize) / stride + 1;
                var conv = new double[convLen];
                for (int t = 0; t < convLen; t++)
                {
                    double acc = 0;
                    for (int k = 0; k < kernelSize; k++) acc += kernel[k] * s[t * stride + k];
                    conv[t] = Math.Log(1 + Math.Exp(acc));
                }
                double pred = readout[readout.Length - 1];
                int pooled = convLen / pool;
                for (int p = 0; p < pooled && p < readout.Length - 1; p++)
                {
                    double m = conv[p * pool];
                    for (int q = 1; q < pool; q++) m = Math.Max(m, conv[p * pool + q]);
                    pred += readout[p] * m;
                }
                double e = pred - targets[n];
                sse += e * e;
            }
            return sse / signals.Length;
        }

        /// <summary>An InfoNCE-style loss whose per-row scratch is sized by an int declared after a returning guard.</summary>
        [Differentiable(nameof(z))]
        public static double GuardThenScratch(double[][] z, double temperature)
        {
            int n = z.Length;
            if (n < 2) return 0.0;
            int m = 2 * n - 2;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                var sims = new double[m];
                int c = 0;
                double max = double.NegativeInfinity;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double dot = 0;
                    for (int k = 0; k < z[i].Length; k++) dot += z[i][k] * z[j][k];
                    sims[c] = dot / temperature;
                    max = Math.Max(max, sims[c]);
                    c++;
                }
                double sum = 0;
                for (int j = 0; j < c; j++) sum += Math.Exp(sims[j] - max);
                total += max + Math.Log(sum) - sims[0];
            }
            return total / n;
        }

        /// <summary>
        /// Two views stacked and normalised by a helper named as the selector (<c>z1.Concat(z2).Select(Normalize).ToArray()</c>), then
        /// an InfoNCE loss over the stacked rows; the index form <c>Select((r, i) =&gt; ...)</c> over a Concat numbers the rows of
        /// both collections in order.
        /// </summary>
        [Differentiable(nameof(z1), nameof(z2))]
        public static double ConcatSelectNormalize(double[][] z1, double[][] z2, double temperature)
        {
            double[][] z = z1.Concat(z2).Select(Normalize).ToArray();
            double[][] w = z2.Concat(z1).Select((r, i) => Scaled(r, 1.0 + 0.1 * i)).ToArray();
            int n = z1.Length, m = z.Length;
            double total = 0;
            for (int i = 0; i < m; i++)
            {
                int pos = i < n ? i + n : i - n;
                double max = double.NegativeInfinity;
                var sims = new double[m];
                for (int j = 0; j < m; j++)
                {
                    double dot = 0;
                    for (int k = 0; k < z[i].Length; k++) dot += z[i][k] * w[j][k];
                    sims[j] = dot / temperature;
                    max = Math.Max(max, sims[j]);
                }
                double sum = 0;
                for (int j = 0; j < m; j++) sum += Math.Exp(sims[j] - max);
                total += max + Math.Log(sum) - sims[pos];
            }
            return total / m;
        }

        /// <summary>
        /// The stacked, normalised views made after a returning guard: their row length (the longest row of z1, found by a
        /// loop over the rows' lengths) is computed before the guard with the array.
        /// </summary>
        [Differentiable(nameof(z1), nameof(z2))]
        public static double GuardThenConcat(double[][] z1, double[][] z2, double temperature)
        {
            if (z1.Length < 2) return 0.0;
            double[][] z = z1.Concat(z2).Select(Normalize).ToArray();
            int n = z1.Length;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int k = 0; k < z[i].Length; k++) dot += z[i][k] * z[i + n][k];
                total += Math.Exp(dot / temperature);
            }
            return Math.Log(total);
        }

        /// <summary>
        /// A user's own longest-row loop after a returning guard, read by two ints that one size adds up (a diamond: the
        /// loop moves above the guard once).
        /// </summary>
        [Differentiable(nameof(rows))]
        public static double GuardThenLongestRow(double[][] rows, double scale)
        {
            if (rows.Length == 0) return 0.0;
            int cap = 0;
            for (int i = 0; i < rows.Length; i++)
                if (rows[i].Length > cap) cap = rows[i].Length;
            int padded = cap + 1, twice = 2 * cap;
            int total = padded + twice;
            var acc = new double[total];
            for (int i = 0; i < rows.Length; i++)
                for (int k = 0; k < rows[i].Length; k++)
                    acc[3 * k] += scale * rows[i][k] * rows[i][k];
            double s = 0;
            for (int k = 0; k < total; k++) s += Math.Sqrt(1.0 + acc[k]);
            return s;
        }

        private static double[] Normalize(double[] v)
        {
            double norm = Math.Sqrt(v.Sum(t => t * t) + 1e-12);
            return v.Select(t => t / norm).ToArray();
        }

        private static double[] Scaled(double[] v, double s) => v.Select(t => t * s).ToArray();

        /// <summary>
        /// Neighbour rows that may be missing: <c>double[] below = i + 1 &lt; n ? u[i + 1] : null;</c> and
        /// <c>double[]? above = i == 0 ? null : u[i - 1];</c>, tested with <c>!= null</c> and <c>is null</c>.
        /// </summary>
        [Differentiable(nameof(u))]
        public static double NeighbourRows(double[][] u, double eps)
        {
            int n = u.Length;
            double e = 0;
            for (int i = 0; i < n; i++)
            {
                double[] row = u[i];
                double[] below = i + 1 < n ? u[i + 1] : null!;
                double[]? above = i == 0 ? null : u[i - 1];
                for (int j = 0; j < row.Length; j++)
                {
                    double dy = below != null ? below[j] - row[j] : 0.0;
                    double up = above is null ? row[j] : above[j];
                    e += Math.Sqrt(dy * dy + eps) + 0.5 * (row[j] - up) * (row[j] - up) * row[j];
                }
            }
            return e;
        }

        /// <summary>An explicit 2-D heat equation with the two grids swapped each step: <c>(cur, next) = (next, cur)</c>.</summary>
        [Differentiable(nameof(u0), nameof(kappa))]
        public static double HeatSwap2D(double[,] u0, double kappa, double[,] observed, int steps)
        {
            int nx = u0.GetLength(0), ny = u0.GetLength(1);
            var cur = (double[,])u0.Clone();
            var next = new double[nx, ny];
            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < nx; i++)
                    for (int j = 0; j < ny; j++)
                    {
                        if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1) { next[i, j] = cur[i, j]; continue; }
                        next[i, j] = cur[i, j] + kappa * (cur[i + 1, j] + cur[i - 1, j] + cur[i, j + 1] + cur[i, j - 1] - 4 * cur[i, j]);
                    }
                (cur, next) = (next, cur);
            }
            double loss = 0;
            for (int i = 0; i < nx; i++)
                for (int j = 0; j < ny; j++)
                {
                    double e = cur[i, j] - observed[i, j];
                    loss += e * e;
                }
            return loss;
        }

        /// <summary>Projections by a helper that returns a jagged array it made, rows sized by its own local.</summary>
        [Differentiable(nameof(x), nameof(w))]
        public static double ProjectedEnergy(double[][] x, double[,] w)
        {
            double[][] y = Project(x, w);
            double e = 0;
            for (int t = 0; t < y.Length; t++)
                for (int i = 0; i < y[t].Length; i++) e += Math.Tanh(y[t][i]) * y[t][i];
            return e;
        }

        private static double[][] Project(double[][] x, double[,] w)
        {
            int rows = w.GetLength(0), cols = w.GetLength(1);
            var result = new double[x.Length][];
            for (int t = 0; t < x.Length; t++)
            {
                var row = new double[rows];
                for (int i = 0; i < rows; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < cols; j++) acc += w[i, j] * x[t][j];
                    row[i] = acc;
                }
                result[t] = row;
            }
            return result;
        }

        /// <summary>A record whose member is called Length (a pendulum's), read as a member, not as an array length.</summary>
        public readonly record struct Rod(double Length, double Mass);

        /// <summary>The potential energy of a pendulum with a rod of the record's length.</summary>
        [Differentiable(nameof(angles))]
        public static double RodEnergy(double[] angles, Rod rod)
        {
            double e = 0;
            foreach (double a in angles) e += rod.Mass * 9.81 * rod.Length * (1 - Math.Cos(a));
            return e;
        }

        /// <summary>An AR(2) residual sum through a span that views the whole array (<c>ReadOnlySpan&lt;double&gt; data = series;</c>).</summary>
        [Differentiable(nameof(phi))]
        public static double SpanOfWholeArray(double[] phi, double[] series)
        {
            ReadOnlySpan<double> data = series;
            double sse = 0;
            for (int t = 2; t < data.Length; t++)
            {
                ReadOnlySpan<double> lags = data.Slice(t - 2, 2);
                double e = data[t] - phi[0] * lags[1] - phi[1] * lags[0];
                sse += e * e;
            }
            return sse;
        }
    }
}
