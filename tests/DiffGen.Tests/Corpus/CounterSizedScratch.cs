using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Scratch arrays whose size follows a loop counter (probe batch 39, 2026-12-05: CausalSelfAttention as written, its
    /// <c>new double[i + 1]</c> causal row refused then with DIFF0013): one buffer of the largest size, allocated before the
    /// loop, whose Length is this iteration's size.
    /// </summary>
    public static partial class CounterSizedScratch
    {
        // probe batch 38's CosineEmbeddingLoss as written: pairs of embeddings stored back to back, each copied out by a range
        // whose length, (p + 1) * dim - p * dim, is dim for every p
        [Differentiable]
        public static double PairCosines(double[] a, double[] b, [Constant] int[] similar, int dim, double margin = 0.2)
        {
            int pairs = similar.Length;
            double loss = 0;
            for (int p = 0; p < pairs; p++)
            {
                double[] u = a[(p * dim)..((p + 1) * dim)];
                double[] v = b[(p * dim)..((p + 1) * dim)];
                double uv = 0, uu = 0, vv = 0;
                for (int k = 0; k < u.Length; k++) { uv += u[k] * v[k]; uu += u[k] * u[k]; vv += v[k] * v[k]; }
                double cos = uv / Math.Sqrt(uu * vv);
                loss += similar[p] == 1 ? 1 - cos : Math.Max(0.0, cos - margin);
            }
            return loss / pairs;
        }


    // F11: single-head causal self-attention, output matrix.
    [Differentiable]
    public static void CausalSelfAttention(double[,] q, double[,] k, double[,] v, double[,] output)
    {
        int T = q.GetLength(0), d = q.GetLength(1), dv = v.GetLength(1);
        double scale = 1.0 / Math.Sqrt(d);
        for (int i = 0; i < T; i++)
        {
            var scores = new double[i + 1];
            double max = double.NegativeInfinity;
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int c = 0; c < d; c++) s += q[i, c] * k[j, c];
                scores[j] = s * scale;
                max = Math.Max(max, scores[j]);
            }
            double denom = 0;
            for (int j = 0; j <= i; j++) { scores[j] = Math.Exp(scores[j] - max); denom += scores[j]; }
            for (int c = 0; c < dv; c++)
            {
                double acc = 0;
                for (int j = 0; j <= i; j++) acc += scores[j] * v[j, c];
                output[i, c] = acc / denom;
            }
        }
    }

    [Differentiable]
    public static double CausalLse(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            var row = new double[i + 1];
            for (int j = 0; j < row.Length; j++) row[j] = x[j] * (i - j + 1);
            double m = row.Max();
            double s = 0;
            foreach (var r in row) s += Math.Exp(r - m);
            total += m + Math.Log(s);
        }
        return total;
    }
    [Differentiable]
    public static double Tail(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            var t = new double[x.Length - i];
            for (int j = 0; j < t.Length; j++) t[j] = x[i + j] * x[j];
            total += t.Sum() / t.Length;
        }
        return total;
    }
    }
}
