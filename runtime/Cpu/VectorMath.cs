using System.ComponentModel;
using System.Numerics;

namespace DiffGen.Cpu
{
    /// <summary>
    /// Lane-wise functions that System.Numerics.Vector does not have (it has Exp, Log, Sin, Cos, but no Tanh), for
    /// generated SIMD loops. Accuracy: within 2 ulp of Math.Tanh / MathF.Tanh (tested on a dense sweep).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class VectorMath
    {
        // Cephes' tanh: below |x| = 0.625 a rational function in x² (no cancellation near 0); above it
        // 1 - 2 / (exp(2|x|) + 1), whose subtraction loses at most a bit there. The sign is copied from x, so
        // tanh(-0) = -0 and NaN stays NaN (it takes the rational branch). exp overflows to +inf past |x| ≈ 355: 1.
        private const double P0 = -9.64399179425052238628E-1, P1 = -9.92877231001918586564E1, P2 = -1.61468768441708447952E3;
        private const double Q0 = 1.12811678491632931402E2, Q1 = 2.23548839060100448583E3, Q2 = 4.84406305325125486048E3;
        private const float F0 = -5.70498872745E-3f, F1 = 2.06390887954E-2f, F2 = -5.37397155531E-2f, F3 = 1.33314422036E-1f, F4 = -3.33332819422E-1f;

        /// <summary>tanh on every lane.</summary>
        public static Vector<double> Tanh(Vector<double> x)
        {
            var z = Vector.Abs(x);
            var one = Vector<double>.One;
            var large = one - new Vector<double>(2.0) / (Vector.Exp(z + z) + one);
            var s = z * z;
            var p = (new Vector<double>(P0) * s + new Vector<double>(P1)) * s + new Vector<double>(P2);
            var q = ((s + new Vector<double>(Q0)) * s + new Vector<double>(Q1)) * s + new Vector<double>(Q2);
            var small = z + z * s * p / q;
            var r = Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<double>(0.625)), large, small);
            return r | (x & new Vector<double>(-0.0));
        }

        /// <summary>tanh on every lane.</summary>
        public static Vector<float> Tanh(Vector<float> x)
        {
            var z = Vector.Abs(x);
            var one = Vector<float>.One;
            var large = one - new Vector<float>(2f) / (Vector.Exp(z + z) + one);
            var s = z * z;
            var small = ((((new Vector<float>(F0) * s + new Vector<float>(F1)) * s + new Vector<float>(F2)) * s + new Vector<float>(F3)) * s + new Vector<float>(F4)) * s * z + z;
            var r = Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<float>(0.625f)), large, small);
            return r | (x & new Vector<float>(-0f));
        }
    }
}
