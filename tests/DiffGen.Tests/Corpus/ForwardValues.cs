using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// The reverse sweep reads a forward local instead of recomputing an intrinsic only when the local provably holds the
    /// same value (Differentiate/ForwardValues.cs). One method where it applies and three where it must not.
    /// </summary>
    public static partial class ForwardValues
    {
        /// <summary>Reused: cos, sin and √ of an angle kept in locals, inside an if on the angle (a Rodrigues rotation).</summary>
        [Differentiable]
        public static double Rotation(double[] r, double[] p)
        {
            double sq = 0;
            for (int i = 0; i < 3; i++) sq += r[i] * r[i];
            double y = p[0];
            if (sq > 1e-12)
            {
                double theta = Math.Sqrt(sq);
                double c = Math.Cos(theta);
                double s = Math.Sin(theta);
                y = p[0] * c + (r[1] * p[2] - r[2] * p[1]) / theta * s + r[0] * (1 - c);
            }
            return y * y;
        }

        /// <summary>Not reused: the angle changes after cos(angle) was kept, and the reverse sweep needs cos of the new angle.</summary>
        [Differentiable]
        public static double AngleChanges(double[] x)
        {
            double t = x[0] * x[1];
            double c = Math.Cos(t);
            double y = c * x[2];
            t = t + x[2];
            return y + Math.Sin(t) * x[0];
        }

        /// <summary>Not reused outside its if: exp(x0) is kept only when a &gt; 0, and the sum after the if needs it always.</summary>
        [Differentiable]
        public static double KeptInABranch(double[] x, [Constant] double a)
        {
            double s = 0;
            if (a > 0)
            {
                double e = Math.Exp(x[0]);
                s = e * x[1];
            }
            s += Math.Exp(x[0]) * x[2];
            return s;
        }

        /// <summary>Not reused in a loop that changes the angle: cos(t) is kept before the loop, the loop's sin(t) needs cos of each step's t.</summary>
        [Differentiable]
        public static double AngleStepsInALoop(double[] x, int n)
        {
            double t = x[0];
            double c = Math.Cos(t);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += Math.Sin(t) * x[1];
                t = t * 0.5 + x[2];
            }
            return s + c;
        }
    }
}
