using System;
using System.Collections.Generic;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Graph code as it is usually written: adjacency lists as <c>List&lt;int&gt;[]</c> (or <c>IReadOnlyList&lt;int&gt;[]</c>),
    /// read with <c>foreach</c>, <c>.Count</c> and <c>adj[i][k]</c>; index data, never differentiated.
    /// </summary>
    public static partial class AdjacencyLists
    {
        /// <summary>One graph-convolution layer with a tanh and a squared readout: mean over each node and its neighbours.</summary>
        [Differentiable(nameof(h), nameof(w))]
        public static double GraphConvolution(double[,] h, double[,] w, List<int>[] adj)
        {
            int n = h.GetLength(0), f = h.GetLength(1);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double deg = adj[i].Count + 1;
                for (int c = 0; c < f; c++)
                {
                    double agg = h[i, c];
                    foreach (int j in adj[i]) agg += h[j, c];
                    double z = 0;
                    for (int e = 0; e < f; e++) z += w[c, e] * agg / deg;
                    z = Math.Tanh(z);
                    loss += z * z;
                }
            }
            return loss;
        }

        /// <summary>Laplacian smoothness over read-only neighbour lists, indexed by position.</summary>
        [Differentiable]
        public static double Smoothness(double[] x, IReadOnlyList<int>[] neighbours)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                for (int k = 0; k < neighbours[i].Count; k++)
                {
                    double d = x[i] - x[neighbours[i][k]];
                    s += d * d;
                }
            return s;
        }
    }
}
