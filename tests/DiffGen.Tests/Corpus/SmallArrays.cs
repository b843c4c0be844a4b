using System;
using DiffGen;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Small local arrays of constant length (points, rotations, a 3 × 3 matrix in a flat array): Raise holds them in
    /// scalar locals and unrolls the short loops that index them (Raise/ScalarReplacement.cs). Per-observation code like
    /// bundle adjustment's reprojection is written this way.
    /// </summary>
    public static partial class SmallArrays
    {
        /// <summary>Rodrigues rotation of p by the angle-axis vector r, then a pinhole projection with a distortion term.</summary>
        [Differentiable]
        public static double RotateProject(double[] r, double[] p)
        {
            double[] k = new double[3];
            double[] cross = new double[3];
            double[] q = new double[3];
            double theta = Math.Sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
            double c = Math.Cos(theta);
            double s = Math.Sin(theta);
            for (int i = 0; i < 3; i++) k[i] = r[i] / theta;
            cross[0] = k[1] * p[2] - k[2] * p[1];
            cross[1] = k[2] * p[0] - k[0] * p[2];
            cross[2] = k[0] * p[1] - k[1] * p[0];
            double dot = 0;
            for (int i = 0; i < 3; i++) dot += k[i] * p[i];
            for (int i = 0; i < 3; i++) q[i] = p[i] * c + cross[i] * s + k[i] * dot * (1 - c);
            double u = q[0] / q[2];
            double v = q[1] / q[2];
            return u + v * (1 + 0.1 * (u * u + v * v));
        }

        /// <summary>
        /// A 3 × 3 matrix in a flat double[9] filled by nested loops (m[3 i + j]), applied to every row of x through a
        /// per-row 3-vector scratch array.
        /// </summary>
        [Differentiable]
        public static double Matrix3Rows(double[] a, double[,] x)
        {
            double[] m = new double[9];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    m[3 * i + j] = (i == j ? 1.0 : 0.0) + a[i] * a[j];
            double s = 0;
            int n = x.GetLength(0);
            for (int row = 0; row < n; row++)
            {
                double[] y = new double[3];
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        y[i] += m[3 * i + j] * x[row, j];
                s += Math.Tanh(y[0]) + y[1] * y[2];
            }
            return s;
        }

        /// <summary>A two-element state overwritten every step of a time loop: the reverse sweep restores each element.</summary>
        [Differentiable]
        public static double Oscillator(double[] k, int steps)
        {
            double[] st = new double[2];
            st[0] = k[0];
            for (int t = 0; t < steps; t++)
            {
                double acc = -k[1] * st[0] - k[2] * st[1];
                st[0] += 0.1 * st[1];
                st[1] += 0.1 * acc;
                st[0] = st[0] * Math.Cos(0.01 * st[1]);
            }
            return st[0] * st[0] + st[1];
        }

        /// <summary>A small array read at an index computed at run time (an argmax) stays an array.</summary>
        [Differentiable]
        public static double DynamicIndex(double[] x)
        {
            double[] h = new double[4];
            for (int i = 0; i < 4; i++) h[i] = x[i] * x[i];
            int best = 0;
            for (int i = 1; i < 4; i++)
                if (h[i] > h[best]) best = i;
            return h[best] + h[0];
        }

        /// <summary>A layer writing an output through a small scratch array (a 2-D projection per row).</summary>
        [Differentiable]
        public static void Project2(double[,] x, double[] w, double[,] y)
        {
            int n = x.GetLength(0);
            for (int row = 0; row < n; row++)
            {
                double[] pr = new double[2];
                for (int i = 0; i < 2; i++) pr[i] = w[i] * x[row, 0] + w[2 + i] * x[row, 1];
                for (int i = 0; i < 2; i++) y[row, i] = pr[i] / (1 + pr[0] * pr[0]);
            }
        }
    }
}
