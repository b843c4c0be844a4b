using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// <c>[Differentiable(Jacobian = true)]</c>: small vector functions whose whole Jacobian is wanted (a reprojection residual,
    /// a Gauss–Newton step's residuals). <see cref="Reprojection"/> and <see cref="SoftmaxAndSines"/> share one forward sweep
    /// among the rows; <see cref="Recurrence"/> overwrites a local its adjoint reads (the restore stack), so each row runs a
    /// Backward of its own.
    /// </summary>
    public static partial class Jacobians
    {
        /// <summary>A pinhole camera's residual (angle-axis rotation, radial distortion), as bundle adjustment writes it.</summary>
        [Differentiable(nameof(cam), nameof(x), nameof(w), Jacobian = true)]
        public static void Reprojection(double[] cam, double[] x, double w, double[] feat, double[] err)
        {
            double[] xo = new double[3];
            for (int i = 0; i < 3; i++) xo[i] = x[i] - cam[3 + i];
            double theta = Math.Sqrt(cam[0] * cam[0] + cam[1] * cam[1] + cam[2] * cam[2]);
            double c = Math.Cos(theta), s = Math.Sin(theta);
            double k0 = cam[0] / theta, k1 = cam[1] / theta, k2 = cam[2] / theta;
            double dot = (k0 * xo[0] + k1 * xo[1] + k2 * xo[2]) * (1 - c);
            double px = xo[0] * c + (k1 * xo[2] - k2 * xo[1]) * s + k0 * dot;
            double py = xo[1] * c + (k2 * xo[0] - k0 * xo[2]) * s + k1 * dot;
            double pz = xo[2] * c + (k0 * xo[1] - k1 * xo[0]) * s + k2 * dot;
            double u = px / pz, v = py / pz;
            double r2 = u * u + v * v;
            double d = 1 + cam[9] * r2 + cam[10] * r2 * r2;
            err[0] = w * (cam[6] * d * u + cam[7] - feat[0]);
            err[1] = w * (cam[6] * d * v + cam[8] - feat[1]);
        }

        /// <summary>Two outputs of different lengths from a loop over a local array, and a scalar input (a temperature).</summary>
        [Differentiable(Jacobian = true)]
        public static void SoftmaxAndSines(double[] x, double t, double[] y, double[] z)
        {
            var e = new double[x.Length];
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                e[i] = Math.Exp(x[i] / t);
                s += e[i];
            }
            for (int i = 0; i < x.Length; i++) y[i] = e[i] / s;
            for (int i = 0; i < z.Length; i++) z[i] = Math.Sin(x[i % x.Length]) * t;
        }

        /// <summary>A recurrence: h is overwritten each step and its adjoint reads the old value (one Backward per row).</summary>
        [Differentiable(Jacobian = true)]
        public static void Recurrence(double[] a, double[] y)
        {
            double h = 0;
            for (int i = 0; i < a.Length; i++)
            {
                h = Math.Tanh(h * 0.5 + a[i]);
                y[i] = h * h;
            }
        }

        /// <summary>A scalar only the second output depends on: its entries in the first output's rows are zero.</summary>
        [Differentiable(Jacobian = true)]
        public static void PartlyDependent(double[] a, double b, double[] y, double[] z)
        {
            for (int i = 0; i < y.Length; i++) y[i] = a[i % a.Length] * a[i % a.Length];
            for (int i = 0; i < z.Length; i++) z[i] = b * a[i % a.Length];
        }
    }
}
