using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, round 22: jagged locals whose rows are computed arrays (layer code: <c>x.Select(r =&gt; LayerNorm(r)).ToArray()</c>,
    /// <c>q[i] = MatVec(wq, h[i])</c>, <c>emb[i] = e</c> for a scratch row made in the loop), a jagged local given to a helper's
    /// <c>T[][]</c> parameter, and the LINQ forms batch 22 wrote: Aggregate with a block over Enumerable.Range, a block Select over
    /// the rows of a jagged array reduced by Average, Zip then Select then Sum, Select then Where (the test reads the mapped
    /// value), and a scratch array sized by a List's Count.
    /// </summary>
    public static partial class ComputedRows
    {
        private static double[] LayerNorm(double[] r, double[] gamma)
        {
            double m = r.Average();
            double v = r.Select(t => (t - m) * (t - m)).Average();
            return r.Select((t, j) => gamma[j] * (t - m) / Math.Sqrt(v + 1e-5)).ToArray();
        }

        private static double[] MatVec(double[,] w, double[] v)
        {
            var o = new double[w.GetLength(0)];
            for (int i = 0; i < o.Length; i++)
                for (int j = 0; j < v.Length; j++)
                    o[i] += w[i, j] * v[j];
            return o;
        }

        [Differentiable]
        public static double LayerNormTokens(double[][] x, double[] gamma, double[] w)
        {
            double[][] h = x.Select(r => LayerNorm(r, gamma)).ToArray();
            double s = 0;
            for (int i = 0; i < h.Length; i++)
                for (int j = 0; j < h[i].Length; j++)
                    s += w[j] * Math.Tanh(h[i][j]);
            return s;
        }

        /// <summary>One attention head over layer-normed tokens, every step a LINQ row map.</summary>
        [Differentiable]
        public static double AttentionRows(double[][] x, double[] gamma, double[,] wq, double[,] wk, double[,] wv)
        {
            var h = x.Select(r => LayerNorm(r, gamma)).ToArray();
            var q = h.Select(r => MatVec(wq, r)).ToArray();
            var k = h.Select(r => MatVec(wk, r)).ToArray();
            var v = h.Select(r => MatVec(wv, r)).ToArray();
            double scale = 1.0 / Math.Sqrt(q[0].Length);
            double loss = 0;
            for (int i = 0; i < q.Length; i++)
            {
                var scores = Enumerable.Range(0, k.Length).Select(j => q[i].Zip(k[j], (a, b) => a * b).Sum() * scale).ToArray();
                double max = scores.Max();
                double z = scores.Sum(s => Math.Exp(s - max));
                for (int d = 0; d < v[0].Length; d++)
                {
                    double o = 0;
                    for (int j = 0; j < k.Length; j++) o += Math.Exp(scores[j] - max) / z * v[j][d];
                    loss += o * o;
                }
            }
            return loss / q.Length;
        }

        /// <summary>Rows assigned in a loop from a helper's result (an MLP layer per row).</summary>
        [Differentiable]
        public static double ExplicitRows(double[][] x, double[,] w, double[] b)
        {
            var h = new double[x.Length][];
            for (int i = 0; i < x.Length; i++)
                h[i] = Relu(MatVec(w, x[i]), b);
            double s = 0;
            foreach (var row in h)
                s += row.Sum(t => t * t);
            return s;
        }

        private static double[] Relu(double[] a, double[] b) => a.Select((t, j) => Math.Max(0.0, t + b[j])).ToArray();

        private static double[,] Distances(double[][] e)
        {
            int n = e.Length;
            var d = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int k = 0; k < e[i].Length; k++)
                    {
                        double t = e[i][k] - e[j][k];
                        s += t * t;
                    }
                    d[i, j] = Math.Sqrt(s + 1e-9);
                }
            return d;
        }

        /// <summary>A scratch row made and normalised in the loop, then kept (<c>emb[i] = e;</c>); the jagged local given to a helper.</summary>
        [Differentiable]
        public static double FreshRows(double[,] features, double[,] projection, [Constant] int[] labels, double margin = 0.5)
        {
            int n = features.GetLength(0), od = projection.GetLength(1);
            var emb = new double[n][];
            for (int i = 0; i < n; i++)
            {
                var e = new double[od];
                double ns = 0;
                for (int k = 0; k < od; k++)
                {
                    for (int f = 0; f < features.GetLength(1); f++) e[k] += features[i, f] * projection[f, k];
                    ns += e[k] * e[k];
                }
                double norm = Math.Sqrt(ns + 1e-12);
                for (int k = 0; k < od; k++) e[k] /= norm;
                emb[i] = e;
            }
            double[,] d = Distances(emb);
            double loss = 0;
            for (int a = 0; a < n; a++)
                for (int p = 0; p < n; p++)
                {
                    if (p == a || labels[p] != labels[a]) continue;
                    for (int q = 0; q < n; q++)
                    {
                        if (labels[q] == labels[a]) continue;
                        double gap = d[a, p] - d[a, q] + margin;
                        loss += Math.Log(1 + Math.Exp(gap));
                    }
                }
            return loss;
        }

        /// <summary>Rows listed per element (<c>new[] { ... }</c> for each index).</summary>
        [Differentiable]
        public static double RangeRows(double[] x, double a)
        {
            var feats = Enumerable.Range(0, x.Length).Select(i => new[] { x[i], x[i] * x[i], Math.Sin(a * x[i]) }).ToArray();
            double s = 0;
            for (int i = 0; i < feats.Length; i++)
                s += feats[i][0] * feats[i][2] + feats[i][1];
            return s;
        }

        /// <summary>A fold over the row indices with a statement lambda and a local function (batch 22's quantile regression).</summary>
        [Differentiable]
        public static double AggregateRows(double[,] design, double[,] coefficients, [Constant] double[] response)
        {
            int p = design.GetLength(1);
            double Predict(int i, int k)
            {
                double s = 0;
                for (int j = 0; j < p; j++) s += design[i, j] * coefficients[k, j];
                return s;
            }
            return Enumerable.Range(0, design.GetLength(0)).Aggregate(0.0, (acc, i) =>
            {
                double rowLoss = 0;
                for (int k = 0; k < coefficients.GetLength(0); k++)
                {
                    double u = response[i] - Predict(i, k);
                    rowLoss += Math.Log(Math.Cosh(u));
                }
                return acc + rowLoss;
            });
        }

        /// <summary>Per-row losses by a block Select over the rows of a jagged array, averaged (batch 22's label smoothing).</summary>
        [Differentiable]
        public static double RowsAverage(double[][] logits, [Constant] int[] labels, double temperature, double smoothing = 0.1)
        {
            int c = logits[0].Length;
            return logits.Select((row, i) =>
            {
                double[] scaled = row.Select(z => z / temperature).ToArray();
                double max = scaled.Max();
                double logZ = max + Math.Log(scaled.Sum(z => Math.Exp(z - max)));
                return -Enumerable.Range(0, c).Sum(k => (k == labels[i] ? 1.0 - smoothing + smoothing / c : smoothing / c) * (scaled[k] - logZ));
            }).Average();
        }

        /// <summary>Residuals by Zip, weighted by Select with the index, summed (batch 22's Morse fit).</summary>
        [Differentiable]
        public static double ZipThenSelect(double[] distances, [Constant] double[] energies, double depth, double width, double r0)
        {
            double Morse(double r)
            {
                double x = 1.0 - Math.Exp(-width * (r - r0));
                return depth * (x * x - 1.0);
            }
            double[] weights = energies.Select(e => Math.Exp(-e)).ToArray();
            return distances.Zip(energies, (r, e) => Morse(r) - e).Select((res, i) => weights[i] * res * res).Sum() / weights.Sum();
        }

        /// <summary>Where after Select: the test reads the mapped value (DiffGen tested the element before the map until round 22).</summary>
        [Differentiable]
        public static double SelectThenWhere(double[] x, double a) => x.Select(v => v * a).Where(u => u > 0.5).Sum(u => u * u);

        /// <summary>A scratch array sized by a List's Count in each row (batch 22's graph attention).</summary>
        [Differentiable]
        public static double NeighbourSoftmax(double[] src, double[] dst, [Constant] bool[,] adjacency)
        {
            int n = src.Length;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                var neighbours = new List<int> { i };
                for (int j = 0; j < n; j++)
                    if (j != i && adjacency[i, j]) neighbours.Add(j);
                var scores = new double[neighbours.Count];
                double max = double.NegativeInfinity;
                for (int a = 0; a < neighbours.Count; a++)
                {
                    double raw = src[i] + dst[neighbours[a]];
                    scores[a] = raw > 0 ? raw : 0.2 * raw;
                    max = Math.Max(max, scores[a]);
                }
                double z = 0;
                for (int a = 0; a < scores.Length; a++) z += Math.Exp(scores[a] - max);
                for (int a = 0; a < scores.Length; a++) loss += Math.Exp(scores[a] - max) / z * dst[neighbours[a]];
            }
            return loss;
        }
    }
}
