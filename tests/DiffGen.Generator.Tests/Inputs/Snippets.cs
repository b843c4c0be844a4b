using System;
using DiffGen;

namespace Snippets
{
    // Small inputs that pin down one feature each in the snapshots (the end-to-end corpus covers the rest).
    public static partial class Outer
    {
        internal static partial class Nested
        {
            /// <summary>A running value overwritten in a loop: needs the restore stack.</summary>
            [Differentiable]
            internal static double Iterate(double x, double[] w)
            {
                double y = x;
                for (int i = 0; i < w.Length; i++)
                {
                    y = Math.Sin(y * w[i]);
                }
                return y * y;
            }

            /// <summary>Step 2 and a descending loop.</summary>
            [Differentiable]
            internal static float Strided(float[] a)
            {
                float s = 0f;
                for (int i = 0; i < a.Length; i += 2)
                    s += a[i] * a[i];
                for (int j = a.Length - 1; j >= 0; j--)
                    s += MathF.Abs(a[j]);
                return s;
            }
        }
    }
}
