using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>One attention head's weights (probe batch 44's F23).</summary>
    public sealed class ScratchHead
    {
        public double[,] Wq = new double[0, 0], Wk = new double[0, 0], Wv = new double[0, 0];
    }

    /// <summary>
    /// Jagged scratch whose rows are a helper's results, declared inside a loop (issue 10, item 1): multi-head attention written
    /// the way a PyTorch user writes it in C#, per head 'var q = new double[T][];' filled with 'q[t] = Project(tokens[t], head.Wq);'
    /// (probe batch 44's F23 as written). The local is one buffer allocated before the head loop, its row length the largest the
    /// heads give (exact when the heads share a width; a head of another width throws where its row is copied).
    /// </summary>
    public partial class ScratchMultiHead
    {
        public ScratchHead[] Heads = Array.Empty<ScratchHead>();

        [Differentiable(nameof(Heads))]
        public double Loss(double[][] tokens)
        {
            int T = tokens.Length;
            double total = 0;
            foreach (var head in Heads)
            {
                int dk = head.Wq.GetLength(1);
                var q = new double[T][];
                var k = new double[T][];
                var v = new double[T][];
                for (int t = 0; t < T; t++)
                {
                    q[t] = Project(tokens[t], head.Wq);
                    k[t] = Project(tokens[t], head.Wk);
                    v[t] = Project(tokens[t], head.Wv);
                }
                for (int t = 0; t < T; t++)
                {
                    var w = new double[T];
                    double m = double.NegativeInfinity;
                    for (int s = 0; s < T; s++) { w[s] = Dot(q[t], k[s]) / Math.Sqrt(dk); m = Math.Max(m, w[s]); }
                    double z = 0;
                    for (int s = 0; s < T; s++) { w[s] = Math.Exp(w[s] - m); z += w[s]; }
                    for (int j = 0; j < dk; j++)
                    {
                        double o = 0;
                        for (int s = 0; s < T; s++) o += w[s] * v[s][j];
                        total += o * o / (z * z);
                    }
                }
            }
            return total;

            static double[] Project(double[] x, double[,] W)
            {
                var r = new double[W.GetLength(1)];
                for (int j = 0; j < r.Length; j++)
                    for (int i = 0; i < x.Length; i++) r[j] += x[i] * W[i, j];
                return r;
            }

            static double Dot(double[] a, double[] b)
            {
                double s = 0;
                for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
                return s;
            }
        }
    }

    public static partial class HeadScratch
    {
        /// <summary>
        /// The same idiom with the heads' weights as parameters: per head, jagged query and key rows from a helper, declared in the
        /// head loop, then a log-sum-exp over each query's scores.
        /// </summary>
        [Differentiable]
        public static double HeadScores(double[][] tokens, double[][,] wq, double[][,] wk)
        {
            int T = tokens.Length;
            double total = 0;
            for (int h = 0; h < wq.Length; h++)
            {
                var q = new double[T][];
                var k = new double[T][];
                for (int t = 0; t < T; t++)
                {
                    q[t] = Linear(tokens[t], wq[h]);
                    k[t] = Linear(tokens[t], wk[h]);
                }
                for (int t = 0; t < T; t++)
                {
                    double m = double.NegativeInfinity;
                    for (int s = 0; s < T; s++) m = Math.Max(m, Dot(q[t], k[s]));
                    double z = 0;
                    for (int s = 0; s < T; s++) z += Math.Exp(Dot(q[t], k[s]) - m);
                    total += m + Math.Log(z) - Dot(q[t], k[t]);
                }
            }
            return total / T;
        }

        /// <summary>Per head, the rows a helper returns as a jagged array it fills ('var q = ProjectAll(tokens, wq[h]);'), squared.</summary>
        [Differentiable]
        public static double HeadEnergies(double[][] tokens, double[][,] wq)
        {
            double total = 0;
            for (int h = 0; h < wq.Length; h++)
            {
                var q = ProjectAll(tokens, wq[h]);
                for (int t = 0; t < q.Length; t++)
                    for (int j = 0; j < q[t].Length; j++) total += q[t][j] * q[t][j] * (1 + 0.1 * h);
            }
            return total;
        }

        /// <summary>Per head, rows made by LINQ in the head loop ('var q = tokens.Select(t => Linear(t, wq[h])).ToArray();').</summary>
        [Differentiable]
        public static double HeadSelect(double[][] tokens, double[][,] wq)
        {
            double total = 0;
            for (int h = 0; h < wq.Length; h++)
            {
                var q = tokens.Select(t => Linear(t, wq[h])).ToArray();
                for (int t = 1; t < q.Length; t++) total += Dot(q[t], q[t - 1]);
            }
            return total;
        }

        /// <summary>Jagged rows from a helper declared in an if (a projection the caller switches on).</summary>
        [Differentiable]
        public static double MaybeProjected(double[][] tokens, double[,] w, bool project)
        {
            double total = 0;
            if (project)
            {
                var q = new double[tokens.Length][];
                for (int t = 0; t < tokens.Length; t++) q[t] = Linear(tokens[t], w);
                for (int t = 0; t < q.Length; t++) total += q[t][0] * q[t][q[t].Length - 1];
            }
            else
                for (int t = 0; t < tokens.Length; t++) total += tokens[t][0];
            return total;
        }

        private static double[][] ProjectAll(double[][] xs, double[,] w)
        {
            var r = new double[xs.Length][];
            for (int t = 0; t < xs.Length; t++) r[t] = Linear(xs[t], w);
            return r;
        }

        private static double[] Linear(double[] x, double[,] w)
        {
            var y = new double[w.GetLength(1)];
            for (int j = 0; j < y.Length; j++)
            {
                double s = 0;
                for (int i = 0; i < x.Length; i++) s += x[i] * w[i, j];
                y[j] = Math.Tanh(s);
            }
            return y;
        }

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
