using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// A computed property whose value is a struct (batch 30's quaternion, DIFF0004 until 2026-12-05): <c>Conjugate =&gt; new(W, -X, -Y,
    /// -Z)</c>, read inside the struct (<c>this * p * Conjugate</c>) and on a local (<c>q.Conjugate.X</c>), its getter inlined.
    /// </summary>
    public readonly struct Round30Quat
    {
        public readonly double W, X, Y, Z;
        public Round30Quat(double w, double x, double y, double z) { W = w; X = x; Y = y; Z = z; }
        public double Norm => Math.Sqrt(W * W + X * X + Y * Y + Z * Z);
        public Round30Quat Conjugate => new(W, -X, -Y, -Z);
        public Round30Quat Normalized() { double n = Norm; return new Round30Quat(W / n, X / n, Y / n, Z / n); }
        public static Round30Quat operator *(Round30Quat a, Round30Quat b) => new(
            a.W * b.W - a.X * b.X - a.Y * b.Y - a.Z * b.Z,
            a.W * b.X + a.X * b.W + a.Y * b.Z - a.Z * b.Y,
            a.W * b.Y - a.X * b.Z + a.Y * b.W + a.Z * b.X,
            a.W * b.Z + a.X * b.Y - a.Y * b.X + a.Z * b.W);
        public (double x, double y, double z) Rotate(double x, double y, double z)
        {
            var r = this * new Round30Quat(0, x, y, z) * Conjugate;
            return (r.X, r.Y, r.Z);
        }
    }

    public static partial class StructValuedProperties
    {
        /// <summary>Batch 30's RotatedPointsScore as written, plus a read of <c>q.Conjugate.X</c> on the local.</summary>
        [Differentiable]
        public static double RotatedPointsScore(double qw, double qx, double qy, double qz, double[,] points)
        {
            var q = new Round30Quat(qw, qx, qy, qz).Normalized();
            double sum = 0;
            for (int i = 0; i < points.GetLength(0); i++)
            {
                var (x, y, z) = q.Rotate(points[i, 0], points[i, 1], points[i, 2]);
                sum += z + 0.1 * x * y + 0.01 * q.Conjugate.X;
            }
            return sum;
        }
    }
}
