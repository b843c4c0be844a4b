using System;

namespace DiffGen.Samples.SimClr
{
    /// <summary>Principal component analysis down to two dimensions, for the embedding picture.</summary>
    public static class Pca
    {
        /// <summary>
        /// Projects the rows of <paramref name="x"/> (n × d) on the two leading principal axes (power iteration with
        /// deflation on the covariance); returns n × 2 coordinates.
        /// </summary>
        public static double[,] Project2D(float[,] x)
        {
            int n = x.GetLength(0), d = x.GetLength(1);
            var mean = new double[d];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < d; k++) mean[k] += x[i, k];
            for (int k = 0; k < d; k++) mean[k] /= Math.Max(1, n);
            var cov = new double[d, d];
            var row = new double[d];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < d; k++) row[k] = x[i, k] - mean[k];
                for (int a = 0; a < d; a++)
                    for (int c = 0; c < d; c++) cov[a, c] += row[a] * row[c];
            }
            var axes = new double[2][];
            for (int comp = 0; comp < 2; comp++)
            {
                var v = new double[d];
                for (int k = 0; k < d; k++) v[k] = 1.0 + 0.01 * k; // deterministic start, not orthogonal to anything in practice
                double lambda = 0;
                for (int iter = 0; iter < 500; iter++)
                {
                    var w = new double[d];
                    for (int a = 0; a < d; a++)
                    {
                        double s = 0;
                        for (int c = 0; c < d; c++) s += cov[a, c] * v[c];
                        w[a] = s;
                    }
                    double norm = 0;
                    for (int a = 0; a < d; a++) norm += w[a] * w[a];
                    norm = Math.Sqrt(norm);
                    if (norm == 0) break;
                    for (int a = 0; a < d; a++) v[a] = w[a] / norm;
                    lambda = norm;
                }
                axes[comp] = v;
                for (int a = 0; a < d; a++)
                    for (int c = 0; c < d; c++) cov[a, c] -= lambda * v[a] * v[c];
            }
            var result = new double[n, 2];
            for (int i = 0; i < n; i++)
            {
                for (int comp = 0; comp < 2; comp++)
                {
                    double s = 0;
                    for (int k = 0; k < d; k++) s += (x[i, k] - mean[k]) * axes[comp][k];
                    result[i, comp] = s;
                }
            }
            return result;
        }
    }
}
