using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, round 22: one function per form batch 22 needed beyond computed rows (<see cref="ComputedRows"/>): a chained
    /// assignment filling a symmetric table, a tuple deconstruction giving an existing local array a helper's new array
    /// (planar flows), a <c>ReadOnlySpan&lt;bool&gt;</c> mask, an array literal as a helper's argument, a helper returning a switch
    /// expression of 2-D array initializers (rotations about an axis), and a local function used as a LINQ selector.
    /// </summary>
    public static partial class ArraysAndSelectors
    {
        /// <summary>
        /// A regression (round 22's corpus found it in a graph attention layer): an int index read from a local int array refilled
        /// per row (<c>int j = idx[a]</c>), in a nested loop whose reverse refills its real scratch (<c>t</c>). The refill's
        /// re-analysis forgot the store of j, so every reverse iteration read the last forward j: dx[0] came out +0.435 where central
        /// differences give −0.488.
        /// </summary>
        [Differentiable]
        public static double IndexRefilledPerRow(double[] x, double[] m)
        {
            int n = x.Length;
            double loss = 0;
            for (int i = 0; i < 2; i++)
            {
                var idx = new int[n];
                for (int q = 0; q < n; q++) idx[q] = (q + i) % n;
                double acc = 0;
                for (int a = 0; a < n; a++)
                {
                    double t = x[a] * x[a];
                    int j = idx[a];
                    acc += t * m[j];
                }
                loss += acc * acc;
            }
            return loss;
        }

        /// <summary>
        /// A regression (found with round 22's corpus): a product p = x·w followed by a read-out r = p·v with v a vector. Schedule's
        /// row-block fusion planned the read-out as a panel product against a T[,], so the generated code did not compile (CS1503);
        /// a matrix-vector product now stays whole.
        /// </summary>
        [Differentiable]
        public static double ProjectThenReadOut(double[,] x, double[,] w, double[] v)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = w.GetLength(1);
            var p = new double[n, h];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < h; k++)
                {
                    double s = 0.0;
                    for (int f = 0; f < d; f++) s += x[i, f] * w[f, k];
                    p[i, k] = s;
                }
            var r = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < h; k++) r[i] += p[i, k] * v[k];
            double loss = 0.0;
            for (int i = 0; i < n; i++) loss += r[i] * r[i];
            return loss;
        }

        /// <summary>Pairwise distances stored both ways in one statement, then a soft nearest-neighbour loss.</summary>
        [Differentiable]
        public static double ChainedSymmetric(double[,] x)
        {
            int n = x.GetLength(0);
            var d = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double s = 0;
                    for (int k = 0; k < x.GetLength(1); k++)
                    {
                        double t = x[i, k] - x[j, k];
                        s += t * t;
                    }
                    d[i, j] = d[j, i] = Math.Sqrt(s + 1e-9);
                }
            double loss = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (i != j) loss += Math.Exp(-d[i, j]) * (i + 1) / (j + 1.0);
            return loss;
        }

        private static (double[] Z, double LogDet) PlanarStep(double[] z, double[,] u, double[,] w, double[] b, int k)
        {
            double wz = 0, uw = 0;
            for (int d = 0; d < z.Length; d++)
            {
                wz += w[k, d] * z[d];
                uw += u[k, d] * w[k, d];
            }
            double h = Math.Tanh(wz + b[k]);
            var next = new double[z.Length];
            for (int d = 0; d < z.Length; d++) next[d] = z[d] + u[k, d] * h;
            return (next, Math.Log(Math.Abs(1.0 + (1.0 - h * h) * uw) + 1e-8));
        }

        /// <summary>Planar flows: <c>(z, double logDet) = PlanarStep(z, ...)</c> each flow, z a local array.</summary>
        [Differentiable]
        public static double PlanarFlows(double[] mean, double[,] u, double[,] w, double[] b, [Constant] double[,] noise)
        {
            double total = 0;
            for (int s = 0; s < noise.GetLength(0); s++)
            {
                var z = new double[mean.Length];
                for (int d = 0; d < mean.Length; d++) z[d] = mean[d] + noise[s, d];
                double logQ = 0;
                for (int k = 0; k < u.GetLength(0); k++)
                {
                    (z, double logDet) = PlanarStep(z, u, w, b, k);
                    logQ -= logDet;
                }
                total += logQ + z.Sum(v => 0.5 * v * v);
            }
            return total / noise.GetLength(0);
        }

        /// <summary>A censored log-likelihood whose event flags come as a <c>ReadOnlySpan&lt;bool&gt;</c>.</summary>
        [Differentiable]
        public static double MaskSpan(ReadOnlySpan<double> logTimes, ReadOnlySpan<bool> observed, double mu, double logSigma)
        {
            double sigma = Math.Exp(logSigma), ll = 0;
            for (int i = 0; i < logTimes.Length; i++)
            {
                double z = (logTimes[i] - mu) / sigma;
                ll += observed[i] ? z - Math.Exp(z) - logSigma : -Math.Exp(z);
            }
            return -ll;
        }

        private static double[] MatVec(double[,] m, double[] v)
        {
            var r = new double[3];
            for (int i = 0; i < 3; i++) r[i] = m[i, 0] * v[0] + m[i, 1] * v[1] + m[i, 2] * v[2];
            return r;
        }

        private static double[,] Rotation(int axis, double angle)
        {
            double c = Math.Cos(angle), s = Math.Sin(angle);
            return axis switch
            {
                0 => new double[,] { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } },
                1 => new double[,] { { c, 0, s }, { 0, 1, 0 }, { -s, 0, c } },
                2 => new double[,] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1 } },
                _ => throw new ArgumentOutOfRangeException(nameof(axis)),
            };
        }

        /// <summary>
        /// Forward kinematics: each link's offset is an array literal given to a helper, each joint's rotation a switch of
        /// 2-D initializers, the joint limit penalty a local function used as Sum's selector.
        /// </summary>
        [Differentiable]
        public static double ArmPose(double[] angles, [Constant] int[] axes, [Constant] double[] lengths, [Constant] double[] target)
        {
            double Limit(double q) => Math.Log(1 + Math.Exp(4 * (q - 2.0))) + Math.Log(1 + Math.Exp(4 * (-q - 2.0)));
            var pos = new double[3];
            var rot = new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
            for (int j = 0; j < angles.Length; j++)
            {
                var r = Rotation(axes[j], angles[j]);
                var next = new double[3, 3];
                for (int a = 0; a < 3; a++)
                    for (int c = 0; c < 3; c++)
                        for (int k = 0; k < 3; k++) next[a, c] += rot[a, k] * r[k, c];
                rot = next;
                double[] link = MatVec(rot, new[] { lengths[j], 0.0, 0.0 });
                for (int c = 0; c < 3; c++) pos[c] += link[c];
            }
            double err = 0;
            for (int c = 0; c < 3; c++) err += (pos[c] - target[c]) * (pos[c] - target[c]);
            return err + 0.01 * angles.Sum(Limit);
        }
    }
}
