using System;
using System.Diagnostics;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, a second round of natural idioms (written after the first corpus, as a new user would): switch statements
    /// and expressions, index from the end, Debug.Assert, Array.Fill/Clear/Copy, LINQ reductions, for loops with two
    /// counters or a computed step, assigned scalar parameters, stackalloc scratch, double.Exp-style statics,
    /// FusedMultiplyAdd and Log(x, base).
    /// </summary>
    public static partial class NaturalLibrary
    {
        /// <summary>An activation chosen by a switch statement (sections ending in break, a default).</summary>
        [Differentiable]
        public static double SwitchActivation(double[] x, int kind)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double y;
                switch (kind)
                {
                    case 0:
                        y = Math.Max(0, x[i]);
                        break;
                    case 1:
                    case 2:
                        y = Math.Tanh(x[i]) * kind;
                        break;
                    default:
                        y = x[i] * x[i];
                        break;
                }
                s += y;
            }
            return s;
        }

        /// <summary>Piecewise by a switch expression with relational patterns and a when clause.</summary>
        [Differentiable]
        public static double SwitchExpressionPiecewise(double[] x, double cut)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += x[i] switch
                {
                    < -1.0 => -2 * x[i] - 1,
                    > 1.0 when cut > 0 => cut * x[i] * x[i],
                    > 1.0 => x[i],
                    _ => x[i] * x[i],
                };
            }
            return s;
        }

        /// <summary>x[^1], x[^2] and the last element of the last row of a jagged array.</summary>
        [Differentiable]
        public static double FromTheEnd(double[] x, double[][] r)
        {
            return x[^1] * x[^2] - x[0] + r[^1][^1] * r[0][^2];
        }

        /// <summary>Debug.Assert on the shapes, then a dot product.</summary>
        [Differentiable]
        public static double AssertedDot(double[] a, double[] b)
        {
            Debug.Assert(a.Length == b.Length, "lengths differ");
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        /// <summary>Array.Fill, Array.Clear and Array.Copy on scratch buffers.</summary>
        [Differentiable]
        public static double FillClearCopy(double[] x, double w)
        {
            var weights = new double[x.Length];
            Array.Fill(weights, w * w);
            var copy = new double[x.Length];
            Array.Copy(x, copy, x.Length);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += weights[i] * Math.Sin(copy[i]);
            Array.Clear(copy);
            x.CopyTo(copy, 0);
            for (int i = 0; i < copy.Length; i++) s += copy[i] * copy[i];
            return s;
        }

        /// <summary>LINQ reductions over arrays: Sum, Max, Average, Sum with a selector.</summary>
        [Differentiable]
        public static double LinqStatistics(double[] x)
        {
            double mean = x.Average();
            double peak = x.Max();
            double energy = x.Sum(v => v * v);
            return energy / x.Length - mean * mean + 0.5 * peak + x.Sum();
        }

        /// <summary>Two counters in one for header, moving toward each other.</summary>
        [Differentiable]
        public static double TwoCounters(double[] x)
        {
            double s = 0;
            for (int i = 0, j = x.Length - 1; i < j; i++, j--)
            {
                double d = x[i] - x[j];
                s += d * d;
            }
            return s;
        }

        /// <summary>A doubling stride: for (int w = 1; w &lt; n; w *= 2).</summary>
        [Differentiable]
        public static double DoublingStride(double[] x)
        {
            double s = 0;
            for (int w = 1; w < x.Length; w *= 2)
            {
                if (w == 4) continue;
                s += w * Math.Exp(-x[w]);
            }
            return s;
        }

        /// <summary>A time loop with a double counter, as ODE code is written.</summary>
        [Differentiable]
        public static double EulerDecay(double y0, double k, [Constant] double tEnd)
        {
            double y = y0;
            const double dt = 0.125;
            for (double t = 0; t < tEnd; t += dt) y += dt * (-k * y);
            return y;
        }

        /// <summary>Assigned scalar parameters: clamping in place and a tuple update of two parameters.</summary>
        [Differentiable]
        public static double AssignedParameters(double a, double b, double x, int steps)
        {
            x = Math.Max(x, 0.1);
            for (int i = 0; i < steps; i++) (a, b) = (b, a + 0.5 * b * x);
            steps--;
            return b + steps * a;
        }

        /// <summary>stackalloc scratch of four values.</summary>
        [Differentiable]
        public static double StackScratch(double[] x)
        {
            Span<double> t = stackalloc double[4];
            for (int i = 0; i < 4; i++) t[i] = x[i] * 2;
            return t[0] * t[1] + t[2] * t[3];
        }

        /// <summary>double.Exp, double.Log, double.Max (generic-math statics), Math.FusedMultiplyAdd, Math.Log(x, base).</summary>
        [Differentiable]
        public static double GenericMathStatics(double[] x, double b)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += double.Exp(-x[i] * x[i]) + double.Max(x[i], 0) + Math.FusedMultiplyAdd(x[i], b, 1.0) + Math.Log(x[i] * x[i] + 1, 2) + double.Log(b * b + 1);
            return s;
        }

        /// <summary>The float forms: float.Exp, MathF.FusedMultiplyAdd, a switch expression on an int.</summary>
        [Differentiable]
        public static float FloatStatics(float[] x, int kind)
        {
            float s = 0;
            for (int i = 0; i < x.Length; i++)
                s += kind switch { 0 => float.Exp(x[i]), 1 => MathF.FusedMultiplyAdd(x[i], x[i], 1f), _ => float.Sqrt(x[i] * x[i] + 1f) };
            return s;
        }

        /// <summary>A loop bound that is reassigned after the loop: the reverse sweep must run over the loop's own range (it ran over the new one).</summary>
        [Differentiable]
        public static double BoundChangedAfterLoop(double[] x)
        {
            int n = x.Length;
            double s = 0;
            for (int i = 0; i < n; i++) s += x[i] * x[i] * (i + 1);
            n -= 2;
            for (int i = n; i >= 1; i--) s += x[i] * x[i - 1];
            n = n / 2;
            return s + n * x[0];
        }
    }
}
