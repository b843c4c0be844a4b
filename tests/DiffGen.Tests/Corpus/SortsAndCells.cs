using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, round 22 (batch 23's forms): an argsort by Array.Sort with a comparison (a Cox partial likelihood), a recurrent
    /// cell whose state is replaced by a new array each step inside a per-sequence loop (h = hNew), helpers returning a jagged
    /// array they made (a transformer's MatMul), arrays made by LINQ given to helpers, a List made by ToList() and reduced, and a
    /// stackalloc span with listed values (Runge-Kutta weights).
    /// </summary>
    public static partial class SortsAndCells
    {
        /// <summary>Cox partial likelihood: subjects sorted by time, longest first, so the risk set is a running sum.</summary>
        [Differentiable(nameof(beta))]
        public static double CoxPartialLikelihood(double[,] x, double[] time, bool[] died, double[] beta)
        {
            int n = time.Length;
            int[] order = Enumerable.Range(0, n).ToArray();
            Array.Sort(order, (a, b) => time[b].CompareTo(time[a]));
            double ll = 0, risk = 0;
            foreach (int i in order)
            {
                double eta = 0;
                for (int j = 0; j < beta.Length; j++) eta += x[i, j] * beta[j];
                risk += Math.Exp(eta);
                if (died[i]) ll += eta - Math.Log(risk);
            }
            return -ll;
        }

        /// <summary>Values sorted by a computed key, ascending, then weighted by rank.</summary>
        [Differentiable]
        public static double RankByKey(double[] x, [Constant] double a)
        {
            var idx = Enumerable.Range(0, x.Length).ToArray();
            Array.Sort(idx, (p, q) => Math.Abs(x[p] - a).CompareTo(Math.Abs(x[q] - a)));
            double s = 0;
            for (int r = 0; r < idx.Length; r++) s += (r + 1) * x[idx[r]] * x[idx[r]];
            return s;
        }

        /// <summary>An Elman cell per sequence: the state is a new array each step (h = hNew), itself made per sequence.</summary>
        [Differentiable]
        public static double RecurrentCells(double[,,] xs, double[,] wx, double[,] wh, double[] wOut)
        {
            int batch = xs.GetLength(0), steps = xs.GetLength(1), inDim = xs.GetLength(2), hidden = wh.GetLength(0);
            double total = 0;
            for (int b = 0; b < batch; b++)
            {
                var h = new double[hidden];
                for (int t = 0; t < steps; t++)
                {
                    var hNew = new double[hidden];
                    for (int j = 0; j < hidden; j++)
                    {
                        double s = 0;
                        for (int d = 0; d < inDim; d++) s += wx[j, d] * xs[b, t, d];
                        for (int k = 0; k < hidden; k++) s += wh[j, k] * h[k];
                        hNew[j] = Math.Tanh(s);
                    }
                    h = hNew;
                }
                double o = 0;
                for (int j = 0; j < hidden; j++) o += wOut[j] * h[j];
                total += o * o;
            }
            return total / batch;
        }

        private static double[][] MatMul(double[][] a, double[][] b)
        {
            int n = a.Length, inner = b.Length, m = b[0].Length;
            var c = new double[n][];
            for (int i = 0; i < n; i++)
            {
                c[i] = new double[m];
                for (int t = 0; t < inner; t++)
                    for (int j = 0; j < m; j++) c[i][j] += a[i][t] * b[t][j];
            }
            return c;
        }

        private static double[] Softmax(double[] z)
        {
            double max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            double s = e.Sum();
            return e.Select(v => v / s).ToArray();
        }

        /// <summary>Self-attention with jagged weights: MatMul returns the jagged array it made; softmax gets LINQ-made rows.</summary>
        [Differentiable]
        public static double JaggedAttention(double[][] x, double[][] wq, double[][] wk, double[][] wv)
        {
            var q = MatMul(x, wq);
            var k = MatMul(x, wk);
            var v = MatMul(x, wv);
            double loss = 0;
            for (int i = 0; i < q.Length; i++)
            {
                int ii = i;
                var p = Softmax(Enumerable.Range(0, k.Length).Select(j => q[ii].Zip(k[j], (a, b) => a * b).Sum()).ToArray());
                for (int d = 0; d < v[0].Length; d++)
                {
                    double o = 0;
                    for (int j = 0; j < p.Length; j++) o += p[j] * v[j][d];
                    loss += o * o;
                }
            }
            return loss;
        }

        /// <summary>Risk contributions kept in a List made by ToList(), then reduced with Select and Sum.</summary>
        [Differentiable]
        public static double ListOfContributions(double[] w, double[,] cov, [Constant] double[] budget)
        {
            int n = w.Length;
            var sw = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => cov[i, j] * w[j])).ToArray();
            double variance = w.Zip(sw, (a, b) => a * b).Sum();
            var contributions = w.Zip(sw, (a, b) => a * b / variance).ToList();
            return contributions.Select((rc, i) => (rc - budget[i]) * (rc - budget[i])).Sum() + contributions.Count * 1e-3;
        }

        /// <summary>One classical Runge-Kutta step of y' = -k y², with the weights and nodes as stackalloc spans of listed values.</summary>
        [Differentiable]
        public static double RungeKuttaWeights(double[] y0, double k, double h)
        {
            Span<double> weights = stackalloc double[] { 1.0 / 6, 2.0 / 6, 2.0 / 6, 1.0 / 6 };
            Span<double> nodes = stackalloc[] { 0.0, 0.5, 0.5, 1.0 };
            double total = 0;
            foreach (double y in y0)
            {
                double next = y, prev = 0;
                for (int s = 0; s < 4; s++)
                {
                    double ys = y + nodes[s] * h * prev;
                    prev = -k * ys * ys;
                    next += h * weights[s] * prev;
                }
                total += next * next;
            }
            return total;
        }
    }
}
