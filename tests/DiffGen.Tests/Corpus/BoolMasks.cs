using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Local <c>bool[]</c> masks (probe batch 39, 2026-12-05: ApproxNdcgLoss and TopKHinge as written, refused then with DIFF0002):
    /// a taken mask in a selection loop, held as an int[] of 0/1, read as <c>used[j] != 0</c> and written 1 or 0 by the outcome.
    /// </summary>
    public static partial class BoolMasks
    {

    // F04: ApproxNDCG (Qin et al. 2010): smooth ranks from pairwise sigmoids, no sort.
    [Differentiable]
    public static double ApproxNdcgLoss(double[] scores, double[] gains, double temperature = 0.5)
    {
        int n = scores.Length;
        double dcg = 0;
        for (int i = 0; i < n; i++)
        {
            double rank = 1.0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                rank += 1.0 / (1.0 + Math.Exp(-(scores[j] - scores[i]) / temperature));
            }
            dcg += (Math.Pow(2, gains[i]) - 1) / Math.Log2(1 + rank);
        }
        // ideal DCG: gains in descending order by selection
        bool[] used = new bool[n];
        double idcg = 0;
        for (int r = 0; r < n; r++)
        {
            int best = -1;
            for (int j = 0; j < n; j++)
                if (!used[j] && (best < 0 || gains[j] > gains[best])) best = j;
            used[best] = true;
            idcg += (Math.Pow(2, gains[best]) - 1) / Math.Log2(2 + r);
        }
        return 1.0 - dcg / idcg;
    }

    // F05: top-k hinge: penalise the k highest-scoring negatives against the positive score.
    [Differentiable]
    public static double TopKHinge(double[] scores, int positive, int k, double margin = 1.0)
    {
        var taken = new bool[scores.Length];
        taken[positive] = true;
        double loss = 0;
        for (int r = 0; r < k; r++)
        {
            int arg = -1;
            double best = double.NegativeInfinity;
            for (int j = 0; j < scores.Length; j++)
            {
                if (taken[j]) continue;
                if (scores[j] > best) { best = scores[j]; arg = j; }
            }
            if (arg < 0) break;
            taken[arg] = true;
            loss += Math.Max(0, margin + best - scores[positive]);
        }
        return loss / k;
    }

        // a mask set from value comparisons (the outcome of x[i] > 0 on the tape), then read in a branch
        [Differentiable]
        public static double Masked(double[] x)
        {
            var keep = new bool[x.Length];
            for (int i = 0; i < x.Length; i++) keep[i] = x[i] > 0 && i % 3 != 0;
            double s = 0;
            for (int i = 0; i < x.Length; i++) if (keep[i]) s += x[i] * x[i]; else s -= 0.5 * x[i];
            return s;
        }

        // a bool[,] local set as the scan goes
        [Differentiable]
        public static double VisitedSum(double[,] grid)
        {
            int n = grid.GetLength(0), m = grid.GetLength(1);
            var seen = new bool[n, m];
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    if (seen[i, j]) continue;
                    s += grid[i, j] * grid[i, j];
                    if (j + 1 < m && grid[i, j + 1] < grid[i, j]) seen[i, j + 1] = true;
                }
            return s;
        }
    }
}
