using System;
using System.Collections.Generic;

namespace DiffGen.Tests.Corpus
{
    /// <summary>A graph convolution layer: self and mean-of-neighbours weights over features, its adjacency a List&lt;int&gt;[].</summary>
    public sealed class MeanGraphConv
    {
        public double[,] Self = new double[0, 0];
        public double[,] Neighbour = new double[0, 0];

        public double[][] Forward(double[][] h, List<int>[] adj)
        {
            int n = h.Length, fin = Self.GetLength(1), fout = Self.GetLength(0);
            var o = new double[n][];
            for (int v = 0; v < n; v++)
            {
                var row = new double[fout];
                for (int j = 0; j < fout; j++)
                {
                    double s = 0;
                    for (int k = 0; k < fin; k++) s += Self[j, k] * h[v][k];
                    foreach (int u in adj[v])
                        for (int k = 0; k < fin; k++) s += Neighbour[j, k] * h[u][k] / adj[v].Count;
                    row[j] = Math.Tanh(s);
                }
                o[v] = row;
            }
            return o;
        }
    }

    /// <summary>
    /// Two graph convolutions over adjacency lists passed to the layers' own method (probe batch 47's F25: a helper's
    /// List&lt;int&gt;[] parameter, DIFF0005 until the twenty-seventh session), then a squared readout.
    /// </summary>
    public partial class MeanGcn
    {
        public MeanGraphConv G1 = new(), G2 = new();

        [Differentiable(nameof(G1), nameof(G2))]
        public double Loss(double[][] x, List<int>[] adjacency)
        {
            var h = G1.Forward(x, adjacency);
            var y = G2.Forward(h, adjacency);
            double s = 0;
            foreach (var row in y)
                foreach (var v in row) s += v * v;
            return s;
        }
    }
}
