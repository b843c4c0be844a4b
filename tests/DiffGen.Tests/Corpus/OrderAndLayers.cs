using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, probe batches 19 and 20: argsorts (<c>Enumerable.Range(0, n).OrderByDescending(i =&gt; key).Take(k).ToArray()</c>),
    /// stacks of per-layer weights (<c>double[][,]</c>), rank-3 scratch arrays, lambdas passed to a helper's delegate
    /// parameter, <c>Array.FindIndex</c>, <c>weights?[i] ?? 1.0</c> and block-bodied selectors, each in the form a user writes.
    /// </summary>
    public static partial class OrderAndLayers
    {
        /// <summary>Mean of the k largest scores, weighted by position (ties keep their order, as LINQ's stable sort).</summary>
        [Differentiable]
        public static double TopKWeightedMean(double[] scores, int k)
        {
            int[] top = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(k).ToArray();
            double s = 0;
            foreach (int i in top) s += scores[i] * (1 + i);
            return s / Math.Max(1, top.Length);
        }

        /// <summary>A rank-weighted sum over indices 1..n-1 sorted by a computed key (ascending, block-bodied key).</summary>
        [Differentiable]
        public static double RankWeightedSum(double[] x, double shift)
        {
            int[] order = Enumerable.Range(1, x.Length - 1).OrderBy(i =>
            {
                double d = x[i] - shift;
                return d * d;
            }).ToArray();
            double s = 0;
            for (int r = 0; r < order.Length; r++) s += (r + 1) * x[order[r]] * shift;
            return s;
        }

        /// <summary>A residual MLP whose blocks' weights are a stack (one double[,] per block), read through 'var w = blocks[b]' and a helper.</summary>
        [Differentiable]
        public static double ResidualStackLoss(double[][] inputs, double[] targets, double[][,] blocks, double[][] biases, double[] head)
        {
            int width = head.Length;
            double loss = 0;
            var h = new double[width];
            var next = new double[width];
            for (int n = 0; n < inputs.Length; n++)
            {
                for (int j = 0; j < width; j++) h[j] = inputs[n][j];
                for (int b = 0; b < blocks.Length; b++)
                {
                    var w = blocks[b];
                    for (int o = 0; o < w.GetLength(0); o++)
                    {
                        double a = biases[b][o];
                        for (int i = 0; i < w.GetLength(1); i++) a += w[o, i] * h[i];
                        next[o] = h[o] + Math.Tanh(a);
                    }
                    for (int j = 0; j < width; j++) h[j] = next[j];
                }
                double y = Readout(h, blocks[blocks.Length - 1], head);
                loss += (y - targets[n]) * (y - targets[n]);
            }
            return loss / inputs.Length;
        }

        private static double Readout(double[] h, double[,] last, double[] head)
        {
            double y = 0;
            for (int j = 0; j < head.Length; j++) y += head[j] * h[j] + 0.01 * last[j, j];
            return y;
        }

        /// <summary>A 3 x 3 convolution per channel into a rank-3 scratch array, then a global pooling read by a helper given the array.</summary>
        [Differentiable]
        public static double ChannelConvEnergy(double[,] image, double[,,] kernels)
        {
            int c = kernels.GetLength(0), h = image.GetLength(0), w = image.GetLength(1);
            var maps = new double[c, h, w];
            for (int f = 0; f < c; f++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double a = 0;
                        for (int u = -1; u <= 1; u++)
                            for (int v = -1; v <= 1; v++)
                            {
                                int y = i + u, x = j + v;
                                if (y < 0 || y >= h || x < 0 || x >= w) continue;
                                a += kernels[f, u + 1, v + 1] * image[y, x];
                            }
                        maps[f, i, j] = Math.Max(0.0, a) + 0.1 * a;
                    }
            return PooledEnergy(maps);
        }

        private static double PooledEnergy(double[,,] maps)
        {
            double e = 0;
            for (int f = 0; f < maps.GetLength(0); f++)
            {
                double m = 0;
                for (int i = 0; i < maps.GetLength(1); i++)
                    for (int j = 0; j < maps.GetLength(2); j++) m += maps[f, i, j];
                e += m * m / (maps.GetLength(1) * maps.GetLength(2));
            }
            return e;
        }

        /// <summary>A transform passed as a lambda to a helper; the first index past a threshold found by Array.FindIndex; optional weights read with ?[i] ??.</summary>
        [Differentiable]
        public static double TransformedTail(double[] x, double threshold, double[]? weights = null)
        {
            int first = Array.FindIndex(x, v => v > threshold);
            if (first < 0) first = x.Length;
            double s = SumOf(x, first, v => v * v + threshold * v);
            for (int i = 0; i < first; i++) s += (weights?[i] ?? 1.0) * x[i];
            return s;
        }

        private static double SumOf(double[] x, int from, Func<double, double> f)
        {
            double s = 0;
            for (int i = from; i < x.Length; i++) s += f(x[i]);
            return s;
        }

        /// <summary>A node's coordinates chosen between two tuples (batch 20's spring network: free nodes, then anchors).</summary>
        [Differentiable]
        public static double SpringNetwork(double[,] free, double[,] anchors, int[,] edges, double[] rest)
        {
            int nFree = free.GetLength(0);
            (double x, double y) Node(int id) =>
                id < nFree ? (free[id, 0], free[id, 1]) : (anchors[id - nFree, 0], anchors[id - nFree, 1]);
            double e = 0;
            for (int k = 0; k < edges.GetLength(0); k++)
            {
                var (xa, ya) = Node(edges[k, 0]);
                var (xb, yb) = Node(edges[k, 1]);
                double d = Math.Sqrt((xb - xa) * (xb - xa) + (yb - ya) * (yb - ya)) - rest[k];
                e += d * d;
            }
            return e;
        }
    }
}
