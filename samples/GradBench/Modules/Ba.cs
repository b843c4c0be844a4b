using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "ba" (evals/ba/README.md, ADBench's bundle adjustment), formula by formula as the
    /// C++ reference (cpp/gradbench/evals/ba.hpp). A camera is 11 numbers: Rodrigues rotation r (3),
    /// centre C (3), focal length f, principal point (u0, v0), radial distortion (k1, k2). An observation
    /// i pairs camera obs[2i] with point obs[2i+1] and has a weight w_i and a feature (x, y):
    /// <list type="bullet">
    /// <item>Xcam = R(r) (X - C) by Rodrigues' formula (the cross-product form, or X - C + r x (X - C)
    /// when |r| = 0); p = Xcam[0..1] / Xcam[2]; p *= 1 + k1 |p|^2 + k2 |p|^4; proj = f p + (u0, v0).</item>
    /// <item>reprojection error: w_i (proj - feat), two residuals; weight error: 1 - w_i^2.</item>
    /// </list>
    /// <see cref="Reprojection"/> and <see cref="WeightError"/> are the two differentiated functions. The
    /// objective calls their generated forwards once per observation; the sparse Jacobian takes the generated
    /// <c>ReprojectionJacobian</c> per observation (one forward sweep, a reverse sweep per residual) and one
    /// Backward of <see cref="WeightError"/>: every nonzero of row r is one entry of the gradient of residual r.
    /// </summary>
    public static partial class Ba
    {
        /// <param name="cam">The observation's camera, 11 numbers.</param>
        /// <param name="x">The observed point, 3 numbers.</param>
        /// <param name="w">The observation's weight.</param>
        /// <param name="feat">The feature, 2 numbers (not differentiated).</param>
        /// <param name="err">Output: the two weighted reprojection residuals.</param>
        [Differentiable(nameof(cam), nameof(x), nameof(w), Jacobian = true)]
        public static void Reprojection(double[] cam, double[] x, double w, double[] feat, double[] err)
        {
            double[] xo = new double[3];
            double[] xcam = new double[3];
            double[] proj = new double[2];
            for (int i = 0; i < 3; i++)
            {
                xo[i] = x[i] - cam[3 + i];
            }

            // Rodrigues: rotate xo by the angle-axis vector cam[0..2].
            double sqtheta = 0;
            for (int i = 0; i < 3; i++)
            {
                sqtheta += cam[i] * cam[i];
            }
            if (sqtheta != 0)
            {
                double theta = Math.Sqrt(sqtheta);
                double costheta = Math.Cos(theta);
                double sintheta = Math.Sin(theta);
                double thetaInverse = 1.0 / theta;
                double w0 = cam[0] * thetaInverse;
                double w1 = cam[1] * thetaInverse;
                double w2 = cam[2] * thetaInverse;
                double cross0 = w1 * xo[2] - w2 * xo[1];
                double cross1 = w2 * xo[0] - w0 * xo[2];
                double cross2 = w0 * xo[1] - w1 * xo[0];
                double tmp = (w0 * xo[0] + w1 * xo[1] + w2 * xo[2]) * (1.0 - costheta);
                xcam[0] = xo[0] * costheta + cross0 * sintheta + w0 * tmp;
                xcam[1] = xo[1] * costheta + cross1 * sintheta + w1 * tmp;
                xcam[2] = xo[2] * costheta + cross2 * sintheta + w2 * tmp;
            }
            else
            {
                xcam[0] = xo[0] + (cam[1] * xo[2] - cam[2] * xo[1]);
                xcam[1] = xo[1] + (cam[2] * xo[0] - cam[0] * xo[2]);
                xcam[2] = xo[2] + (cam[0] * xo[1] - cam[1] * xo[0]);
            }

            // Perspective division, radial distortion, focal length and principal point.
            proj[0] = xcam[0] / xcam[2];
            proj[1] = xcam[1] / xcam[2];
            double rsq = proj[0] * proj[0] + proj[1] * proj[1];
            double distortion = 1.0 + cam[9] * rsq + cam[10] * rsq * rsq;
            for (int i = 0; i < 2; i++)
            {
                err[i] = w * (proj[i] * distortion * cam[6] + cam[7 + i] - feat[i]);
            }
        }

        /// <summary>Zach's weight error, 1 - w^2.</summary>
        [Differentiable]
        public static double WeightError(double w) => 1 - w * w;

        /// <summary>Number of nonzeros in a reprojection row: 11 camera, 3 point and 1 weight columns.</summary>
        public const int ReprojectionRowNonzeros = 11 + 3 + 1;

        /// <summary>The full problem, expanded from the eval's compressed "replicate" input.</summary>
        public sealed class Problem
        {
            public int N, M, P;
            public double[][] Cams = Array.Empty<double[]>();
            public double[][] X = Array.Empty<double[]>();
            public double[] W = Array.Empty<double>();
            public int[] Obs = Array.Empty<int>();
            public double[][] Feats = Array.Empty<double[]>();

            /// <summary>n identical cameras, m identical points, p observations: observation i pairs camera i mod n with point i mod m.</summary>
            public static Problem Replicate(int n, int m, int p, double[] cam, double[] x, double w, double[] feat)
            {
                var pr = new Problem { N = n, M = m, P = p, Cams = new double[n][], X = new double[m][], W = new double[p], Obs = new int[2 * p], Feats = new double[p][] };
                for (int i = 0; i < n; i++) pr.Cams[i] = (double[])cam.Clone();
                for (int i = 0; i < m; i++) pr.X[i] = (double[])x.Clone();
                for (int i = 0; i < p; i++)
                {
                    pr.W[i] = w;
                    pr.Obs[2 * i] = i % n;
                    pr.Obs[2 * i + 1] = i % m;
                    pr.Feats[i] = (double[])feat.Clone();
                }
                return pr;
            }
        }

        /// <summary>The residuals: reprojErr (2p, observation-major) and wErr (p), by the generated forwards.</summary>
        public static void Objective(Problem pr, double[] reprojErr, double[] wErr)
        {
            var err = new double[2];
            for (int i = 0; i < pr.P; i++)
            {
                ReprojectionForward(pr.Cams[pr.Obs[2 * i]], pr.X[pr.Obs[2 * i + 1]], pr.W[i], pr.Feats[i], err);
                reprojErr[2 * i] = err[0];
                reprojErr[2 * i + 1] = err[1];
            }
            for (int i = 0; i < pr.P; i++)
            {
                wErr[i] = WeightErrorForward(pr.W[i]);
            }
        }

        /// <summary>
        /// The sparse Jacobian of (reprojection residuals, weight residuals) with respect to (11n camera
        /// parameters, 3m point coordinates, p weights), in the reference's CSR layout: rows has 3p + 1 row
        /// pointers; reprojection row 2i + r holds the columns 11 cam + j, 11n + 3 pt + j, 11n + 3m + i, in
        /// that order; weight row 2p + i holds column 11n + 3m + i.
        /// </summary>
        public sealed class Jacobian
        {
            public readonly int[] Rows, Cols;
            public readonly double[] Vals;

            public Jacobian(int p)
            {
                Rows = new int[3 * p + 1];
                Cols = new int[ReprojectionRowNonzeros * 2 * p + p];
                Vals = new double[Cols.Length];
            }
        }

        public static void ComputeJacobian(Problem pr, Jacobian jac)
        {
            var err = new double[2];
            var camRows = new[] { new double[11], new double[11] };
            var xRows = new[] { new double[3], new double[3] };
            var wRow = new double[2];
            int nz = 0;
            int row = 0;
            int pointOffset = 11 * pr.N;
            int weightOffset = pointOffset + 3 * pr.M;
            for (int i = 0; i < pr.P; i++)
            {
                int camIdx = pr.Obs[2 * i], ptIdx = pr.Obs[2 * i + 1];
                ReprojectionJacobian(pr.Cams[camIdx], pr.X[ptIdx], pr.W[i], pr.Feats[i], err, camRows, xRows, wRow);
                for (int r = 0; r < 2; r++)
                {
                    jac.Rows[row++] = nz;
                    for (int j = 0; j < 11; j++)
                    {
                        jac.Cols[nz] = 11 * camIdx + j;
                        jac.Vals[nz++] = camRows[r][j];
                    }
                    for (int j = 0; j < 3; j++)
                    {
                        jac.Cols[nz] = pointOffset + 3 * ptIdx + j;
                        jac.Vals[nz++] = xRows[r][j];
                    }
                    jac.Cols[nz] = weightOffset + i;
                    jac.Vals[nz++] = wRow[r];
                }
            }
            for (int i = 0; i < pr.P; i++)
            {
                WeightErrorBackward(pr.W[i], out double wGrad);
                jac.Rows[row++] = nz;
                jac.Cols[nz] = weightOffset + i;
                jac.Vals[nz++] = wGrad;
            }
            jac.Rows[row] = nz;
        }
    }
}
