using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "ht" (evals/ht/README.md, ADBench's hand tracking), formula by formula as the C++
    /// reference (cpp/gradbench/evals/ht.hpp, the LightMatrix version):
    /// <list type="bullet">
    /// <item>theta (26) becomes 3 x (bones + 3) pose parameters: column 0 the global rotation
    /// (angle-axis), column 1 the scale (1), column 2 the global translation, column 3 + b bone b's Euler
    /// angles (x, z, y); each finger f = 0..4 fills columns 5 + 4f (two angles), 6 + 4f and 7 + 4f (one
    /// each) from theta[6 + 4f .. 9 + 4f].</item>
    /// <item>bone b's relative transform is base_relatives[b] times [R_z R_y R_x, 0; 0, 1]; absolutes
    /// chain along the parents (a parent comes before its children); the skinning transform is absolute
    /// times inverse_base_absolutes[b].</item>
    /// <item>a vertex is the weighted sum over bones of transform x base position (rows 0..2), mirrored in
    /// x if the model is, then rotated by the global angle-axis rotation (identity below norm 1e-4),
    /// with columns scaled, and translated.</item>
    /// <item>simple: residual = point - vertex[correspondence]; complicated: correspondence i is a
    /// triangle and us[i] = (u, v) its barycentric pair: residual = point - (u P0 + v P1 + (1 - u - v) P2).</item>
    /// </list>
    /// One differentiated method, <see cref="Residuals"/>, for both variants; it computes the residuals of
    /// correspondences first .. first + count - 1. <c>objective</c> runs its generated forward over all of
    /// them; <c>jacobian</c> runs its generated backward once per residual, over that residual's own
    /// correspondence only (count 1), with upstream gradient e_r: row r is the gradient with respect to
    /// theta (and, complicated, that correspondence's (u, v), which go first).
    /// </summary>
    public static partial class Ht
    {
        /// <param name="theta">The 26 pose parameters.</param>
        /// <param name="us">c x 2 barycentric pairs (complicated); zeros and unused in the simple variant.</param>
        /// <param name="complicated">Whether correspondences index triangles (true) or vertices.</param>
        /// <param name="bones">Number of bones.</param>
        /// <param name="parents">Parent of each bone, -1 for the root.</param>
        /// <param name="baseRelatives">bones x 16: each bone's 4 x 4 base relative transform, row-major.</param>
        /// <param name="inverseBaseAbsolutes">bones x 16, likewise.</param>
        /// <param name="basePositions">vertices x 4, homogeneous.</param>
        /// <param name="weights">vertices x bones skinning weights.</param>
        /// <param name="mirrored">Whether the model is mirrored (x negated).</param>
        /// <param name="corners">c x 3 vertex indices: a triangle's corners, or the vertex three times.</param>
        /// <param name="points">c x 3 observed points.</param>
        /// <param name="first">First correspondence to compute.</param>
        /// <param name="count">Number of correspondences to compute.</param>
        /// <param name="err">Output, 3c: residuals 3i .. 3i + 2 of each computed correspondence i.</param>
        [Differentiable(nameof(theta), nameof(us))]
        public static void Residuals(double[] theta, double[,] us, bool complicated, int bones, int[] parents,
            double[,] baseRelatives, double[,] inverseBaseAbsolutes, double[,] basePositions, double[,] weights,
            bool mirrored, int[] corners, double[,] points, int first, int count, double[] err)
        {
            double[,] pose = new double[3, bones + 3];
            double[,] rx = new double[3, 3];
            double[,] ry = new double[3, 3];
            double[,] rz = new double[3, 3];
            double[,] rzy = new double[3, 3];
            double[,] rot = new double[3, 3];
            double[,] tr = new double[4, 4];
            double[,] relatives = new double[4 * bones, 4];
            double[,] absolutes = new double[4 * bones, 4];
            double[,] transforms = new double[4 * bones, 4];
            double[,] global = new double[3, 3];
            double[] skinned = new double[3];
            double[,] corner = new double[3, 3];

            // Pose parameters from theta.
            for (int r = 0; r < 3; r++)
            {
                pose[r, 0] = theta[r];
                pose[r, 1] = 1;
                pose[r, 2] = theta[3 + r];
            }
            for (int f = 0; f < 5; f++)
            {
                pose[0, 5 + 4 * f] = theta[6 + 4 * f];
                pose[1, 5 + 4 * f] = theta[7 + 4 * f];
                pose[0, 6 + 4 * f] = theta[8 + 4 * f];
                pose[0, 7 + 4 * f] = theta[9 + 4 * f];
            }

            // Posed relatives: base_relative * [R_z R_y R_x, 0; 0, 1], with the Euler angles of column b + 3.
            for (int b = 0; b < bones; b++)
            {
                double tx = pose[0, b + 3];
                double ty = pose[2, b + 3];
                double tz = pose[1, b + 3];
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        rx[i, j] = i == j ? 1 : 0;
                        ry[i, j] = i == j ? 1 : 0;
                        rz[i, j] = i == j ? 1 : 0;
                    }
                }
                rx[1, 1] = Math.Cos(tx);
                rx[2, 1] = Math.Sin(tx);
                rx[1, 2] = -rx[2, 1];
                rx[2, 2] = rx[1, 1];
                ry[0, 0] = Math.Cos(ty);
                ry[0, 2] = Math.Sin(ty);
                ry[2, 0] = -ry[0, 2];
                ry[2, 2] = ry[0, 0];
                rz[0, 0] = Math.Cos(tz);
                rz[1, 0] = Math.Sin(tz);
                rz[0, 1] = -rz[1, 0];
                rz[1, 1] = rz[0, 0];
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        rzy[i, j] = 0;
                        for (int k = 0; k < 3; k++)
                        {
                            rzy[i, j] += rz[i, k] * ry[k, j];
                        }
                    }
                }
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        rot[i, j] = 0;
                        for (int k = 0; k < 3; k++)
                        {
                            rot[i, j] += rzy[i, k] * rx[k, j];
                        }
                    }
                }
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        tr[i, j] = i < 3 && j < 3 ? rot[i, j] : (i == j ? 1 : 0);
                    }
                }
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        relatives[4 * b + i, j] = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            relatives[4 * b + i, j] += baseRelatives[b, 4 * i + k] * tr[k, j];
                        }
                    }
                }
            }

            // Absolutes along the parent chain, then the skinning transforms.
            for (int b = 0; b < bones; b++)
            {
                int parent = parents[b];
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        if (parent == -1)
                        {
                            absolutes[4 * b + i, j] = relatives[4 * b + i, j];
                        }
                        else
                        {
                            absolutes[4 * b + i, j] = 0;
                            for (int k = 0; k < 4; k++)
                            {
                                absolutes[4 * b + i, j] += absolutes[4 * parent + i, k] * relatives[4 * b + k, j];
                            }
                        }
                    }
                }
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        transforms[4 * b + i, j] = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            transforms[4 * b + i, j] += absolutes[4 * b + i, k] * inverseBaseAbsolutes[b, 4 * k + j];
                        }
                    }
                }
            }

            // The global rotation (angle-axis, column 0), its columns scaled by column 1.
            double norm = Math.Sqrt(pose[0, 0] * pose[0, 0] + pose[1, 0] * pose[1, 0] + pose[2, 0] * pose[2, 0]);
            if (norm < 0.0001)
            {
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        global[i, j] = i == j ? 1 : 0;
                    }
                }
            }
            else
            {
                double ax = pose[0, 0] / norm;
                double ay = pose[1, 0] / norm;
                double az = pose[2, 0] / norm;
                double s = Math.Sin(norm);
                double c = Math.Cos(norm);
                global[0, 0] = ax * ax + (1 - ax * ax) * c;
                global[0, 1] = ax * ay * (1 - c) - az * s;
                global[0, 2] = ax * az * (1 - c) + ay * s;
                global[1, 0] = ax * ay * (1 - c) + az * s;
                global[1, 1] = ay * ay + (1 - ay * ay) * c;
                global[1, 2] = ay * az * (1 - c) - ax * s;
                global[2, 0] = ax * az * (1 - c) - ay * s;
                global[2, 1] = az * ay * (1 - c) + ax * s;
                global[2, 2] = az * az + (1 - az * az) * c;
            }
            for (int j = 0; j < 3; j++)
            {
                for (int i = 0; i < 3; i++)
                {
                    global[i, j] *= pose[j, 1];
                }
            }

            // The residuals: skin the corners each correspondence needs.
            int cornerCount = complicated ? 3 : 1;
            for (int p = first; p < first + count; p++)
            {
                for (int q = 0; q < cornerCount; q++)
                {
                    int v = corners[p * 3 + q];
                    for (int j = 0; j < 3; j++)
                    {
                        skinned[j] = 0;
                    }
                    for (int b = 0; b < bones; b++)
                    {
                        for (int j = 0; j < 3; j++)
                        {
                            double moved = 0;
                            for (int k = 0; k < 4; k++)
                            {
                                moved += transforms[4 * b + j, k] * basePositions[v, k];
                            }
                            skinned[j] += moved * weights[v, b];
                        }
                    }
                    if (mirrored)
                    {
                        skinned[0] = -skinned[0];
                    }
                    for (int j = 0; j < 3; j++)
                    {
                        corner[q, j] = pose[j, 2];
                        for (int k = 0; k < 3; k++)
                        {
                            corner[q, j] += global[j, k] * skinned[k];
                        }
                    }
                }
                for (int j = 0; j < 3; j++)
                {
                    if (complicated)
                    {
                        err[3 * p + j] = points[p, j] - (us[p, 0] * corner[0, j] + us[p, 1] * corner[1, j]
                            + (1.0 - us[p, 0] - us[p, 1]) * corner[2, j]);
                    }
                    else
                    {
                        err[3 * p + j] = points[p, j] - corner[0, j];
                    }
                }
            }
        }
    }
}
