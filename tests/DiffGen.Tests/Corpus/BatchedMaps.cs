using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Per-component linear maps applied to every point (y = M_c · diff, M_c from the component's parameters), written the
    /// ways people write them: the CPU runs each as one GEMM per component and block of points (Raise.BatchedProducts),
    /// and as written where the matrix depends on the point. Sizes cross block edges in the tests.
    /// </summary>
    public static partial class BatchedMaps
    {
        /// <summary>A dense map stored column by column (w[c, b * d + a]), accumulated with -= and the coefficient on the right.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double ColumnMajorProjection(double[,] x, double[,] centers, double[,] w, int d, int k)
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
                        for (int b = 0; b < d; b++) proj[a] -= diff[b] * w[c, b * d + a];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= 0.5 * proj[a] * proj[a];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>An upper-triangular map built column by column, its diagonal through exp (gmm's Q_k, transposed): the
        /// point's score also reads the difference itself.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double UpperTriangle(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] y = new double[d];
            double[] score = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int j = 0; j < d; j++) y[j] = Math.Exp(w[c, j * d + j]) * diff[j];
                    for (int j = 0; j < d; j++)
                    {
                        for (int r = 0; r < j; r++) y[r] += w[c, j * d + r] * diff[j];
                    }
                    score[c] = w[c, 0];
                    for (int j = 0; j < d; j++) score[c] -= 0.5 * y[j] * y[j] + 0.1 * diff[j] * diff[j];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary><see cref="UpperTriangle"/> in float: the float triangle tiles.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static float UpperTriangleF(float[,] x, float[,] centers, float[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            float[] diff = new float[d];
            float[] y = new float[d];
            float[] score = new float[k];
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int j = 0; j < d; j++) y[j] = MathF.Exp(w[c, j * d + j]) * diff[j];
                    for (int j = 0; j < d; j++)
                    {
                        for (int r = 0; r < j; r++) y[r] += w[c, j * d + r] * diff[j];
                    }
                    score[c] = w[c, 0];
                    for (int j = 0; j < d; j++) score[c] -= 0.5f * y[j] * y[j] + 0.1f * diff[j] * diff[j];
                }
                float m = score[0];
                for (int c = 1; c < k; c++) m = MathF.Max(m, score[c]);
                float s = 0;
                for (int c = 0; c < k; c++) s += MathF.Exp(score[c] - m);
                loss += MathF.Log(s) + m;
            }
            return loss;
        }

        /// <summary>A map to fewer dimensions than the input (p = d / 2 + 1 outputs): M is p x d.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double Bottleneck(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            int p = d / 2 + 1;
            double[] diff = new double[d];
            double[] z = new double[p];
            double[] score = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < p; a++)
                    {
                        z[a] = 0;
                        for (int b = 0; b < d; b++) z[a] += w[c, a * d + b] * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < p; a++) score[c] -= Math.Log(1 + z[a] * z[a]);
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>Two maps of the same difference: the first (dense) becomes the product; the second, scaled by a value the
        /// pair computes, stays per point and reads the first's input from the block's table.</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double TwoMaps(double[,] x, double[,] centers, double[,] w, int d, int k)
        {
            int n = x.GetLength(0);
            double[] diff = new double[d];
            double[] u = new double[d];
            double[] v = new double[d];
            double[] score = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < k; c++)
                {
                    for (int j = 0; j < d; j++) diff[j] = x[i, j] - centers[c, j];
                    for (int a = 0; a < d; a++)
                    {
                        u[a] = 0;
                        for (int b = 0; b < d; b++) u[a] += w[c, a * d + b] * diff[b];
                    }
                    double g = 1 + u[0] * u[0];
                    for (int a = 0; a < d; a++)
                    {
                        v[a] = 0;
                        for (int b = 0; b < d; b++) v[a] += w[c, b * d + a] / g * diff[b];
                    }
                    score[c] = 0;
                    for (int a = 0; a < d; a++) score[c] -= 0.5 * u[a] * u[a] + 0.25 * v[a] * v[a];
                }
                double m = score[0];
                for (int c = 1; c < k; c++) m = Math.Max(m, score[c]);
                double s = 0;
                for (int c = 0; c < k; c++) s += Math.Exp(score[c] - m);
                loss += Math.Log(s) + m;
            }
            return loss;
        }

        /// <summary>The map's entries scaled by the point's first coordinate: the matrix differs per point, so the pairs run
        /// their products one point at a time (still in blocks of points).</summary>
        [Differentiable(nameof(centers), nameof(w))]
        public static double PointScaledMap(double[,] x, double[,] centers, double[,] w, int d, int k)
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
                        for (int b = 0; b < d; b++) proj[a] += w[c, a * d + b] * x[i, 0] * diff[b];
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
    }
}
