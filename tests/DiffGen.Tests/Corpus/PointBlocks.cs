using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Loops over points whose body first fills one slot per component from a per-component d x d product, then reduces
    /// the slots: the CPU runs them a block of points at a time with the components outside (Raise.LoopInterchange),
    /// and where a condition fails (a value carried from point to point) as written. Sizes cross block edges.
    /// </summary>
    public static partial class PointBlocks
    {
        /// <summary>Soft assignment to components with a full d x d projection each (w[c, a * d + b]); the slots are
        /// normalised in place (an in-place softmax over the components) before the point's loss reads them.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double SoftAssignment(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] proj = new double[d];
            double[] score = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        proj[a] = 0;
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= proj[a] * proj[a];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++)
                {
                    score[c] = Math.Exp(score[c] - m);
                    s += score[c];
                }
                for (int c = 0; c < k; c++) loss += score[c] / s * (c + 1);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>
        /// The same shape, but the pairs fill slots 1 .. k-1 only; slot 0 holds a prior set once before the loop over points
        /// and read for every point: the loop runs as written (blocked slots would lose it).
        /// </summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double PriorSlot(double[,] x, double[,] centers, double[,] w, int d, int k, double prior)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] proj = new double[d];
            double[] score = new double[k];
            score[0] = prior;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 1; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        proj[a] = 0;
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= proj[a] * proj[a];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>
        /// The same shape, but the pairs read a temperature the rest of the point's body sets (from the point's best score):
        /// point i's scores depend on the points before it, so the loop runs as written.
        /// </summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double AnnealedAssignment(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] proj = new double[d];
            double[] score = new double[k];
            double temperature = 1.0;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        proj[a] = 0;
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= proj[a] * proj[a] / temperature;
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
                temperature = 0.5 + 0.5 / (1 + Math.Exp(-m)); // the next point's temperature, from this point's scores
            }
            return loss;
        }
    }
}
