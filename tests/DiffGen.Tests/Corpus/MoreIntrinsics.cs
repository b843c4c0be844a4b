using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, item 6: the Math/MathF functions beyond exp/log/sqrt/pow/abs/max/min/tanh/sin/cos, written the way
    /// numeric C# uses them. Arguments stay inside the functions' domains for any input (the device checks feed
    /// random values).
    /// </summary>
    public static partial class MoreIntrinsics
    {
        /// <summary>Every smooth new function once: Asin, Acos, Atan, Atan2, Sinh, Cosh, Tan, Log2, Log10, Cbrt.</summary>
        [Differentiable]
        public static double Smooth(double[] x, double[] y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double u = Math.Tanh(x[i]);
                double v = 1.0 + y[i] * y[i];
                s += Math.Asin(0.9 * u) + Math.Acos(0.8 * u) + Math.Atan(x[i] * y[i]);
                s += Math.Sinh(0.5 * x[i]) * Math.Cosh(0.3 * y[i]) + Math.Tan(0.4 * u);
                s += Math.Log2(v) + Math.Log10(v + x[i] * x[i]) + Math.Cbrt(2.5 + u);
                s += Math.Atan2(y[i], 2.0 + u);
            }
            return s;
        }

        /// <summary>The same in float (MathF).</summary>
        [Differentiable]
        public static float SmoothF(float[] x, float[] y)
        {
            float s = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                float u = MathF.Tanh(x[i]);
                float v = 1f + y[i] * y[i];
                s += MathF.Asin(0.9f * u) + MathF.Acos(0.8f * u) + MathF.Atan(x[i] * y[i]);
                s += MathF.Sinh(0.5f * x[i]) * MathF.Cosh(0.3f * y[i]) + MathF.Tan(0.4f * u);
                s += MathF.Log2(v) + MathF.Log10(v + x[i] * x[i]) + MathF.Cbrt(2.5f + u);
                s += MathF.Atan2(y[i], 2f + u);
            }
            return s;
        }

        /// <summary>
        /// Clamp with value bounds (the derivative goes to whichever of x, lo, hi is selected) and the piecewise-constant
        /// Floor, Ceiling, Round, Truncate and Sign (derivative 0) as parts of a value.
        /// </summary>
        [Differentiable]
        public static double Piecewise(double[] x, double lo, double hi)
        {
            double s = 0;
            double a = -Math.Abs(lo) - 0.1;
            double b = Math.Abs(hi) + 0.1;
            for (int i = 0; i < x.Length; i++)
            {
                double c = Math.Clamp(x[i], a, b);
                double step = Math.Floor(2.0 * x[i]) + Math.Round(x[i]) - Math.Ceiling(x[i]) + Math.Truncate(3.0 * x[i]);
                s += c * c + step * x[i] + Math.Sign(x[i]) * x[i];
            }
            return s;
        }

        /// <summary>The same in float (Math.Clamp's float overload, MathF's others).</summary>
        [Differentiable]
        public static float PiecewiseF(float[] x, float lo, float hi)
        {
            float s = 0f;
            float a = -MathF.Abs(lo) - 0.1f;
            float b = MathF.Abs(hi) + 0.1f;
            for (int i = 0; i < x.Length; i++)
            {
                float c = Math.Clamp(x[i], a, b);
                float step = MathF.Floor(2f * x[i]) + MathF.Round(x[i]) - MathF.Ceiling(x[i]) + MathF.Truncate(3f * x[i]);
                s += c * c + step * x[i] + MathF.Sign(x[i]) * x[i];
            }
            return s;
        }
        /// <summary>
        /// A compensated dot product (Ogita, Rump and Oishi's Dot2, probe batch 33): the product's rounding error recovered with
        /// Math.FusedMultiplyAdd, which must stay one rounding (a·b + c rounds twice and recovers nothing).
        /// </summary>
        [Differentiable]
        public static double CompensatedDot(double[] x, double[] y)
        {
            double s = 0, c = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double p = x[i] * y[i];
                double e = Math.FusedMultiplyAdd(x[i], y[i], -p);
                double t = s + p;
                double z = t - s;
                c += (s - (t - z)) + (p - z) + e;
                s = t;
            }
            return s + c;
        }

        /// <summary>A polyline's length with double.Hypot, which neither overflows nor underflows where Sqrt(dx² + dy²) does.</summary>
        [Differentiable]
        public static double PathLength(double[] p)
        {
            double len = 0;
            for (int i = 0; i + 3 < p.Length; i += 2) len += double.Hypot(p[i + 2] - p[i], p[i + 3] - p[i + 1]);
            return len;
        }

        /// <summary>The same with float.Hypot.</summary>
        [Differentiable]
        public static float PathLengthF(float[] p)
        {
            float len = 0;
            for (int i = 0; i + 3 < p.Length; i += 2) len += float.Hypot(p[i + 2] - p[i], p[i + 3] - p[i + 1]);
            return len;
        }
    }
}
