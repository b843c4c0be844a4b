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

        /// <summary>A bool[] mask and an int counter: the mean of the selected entries.</summary>
        [Differentiable]
        public static double MaskedMean(double[] x, bool[] mask)
        {
            double s = 0;
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (mask[i])
                {
                    s += x[i] * x[i];
                    count++;
                }
            }
            return count == 0 ? 0 : s / count;
        }

        /// <summary>A bool[,] attention mask: log-sum-exp per row over the allowed columns (at least one per row).</summary>
        [Differentiable(nameof(scores))]
        public static double MaskedRowLogSumExp(double[,] scores, bool[,] allowed)
        {
            double total = 0;
            for (int i = 0; i < scores.GetLength(0); i++)
            {
                double mx = double.NegativeInfinity;
                for (int j = 0; j < scores.GetLength(1); j++)
                    if (allowed[i, j] && scores[i, j] > mx) mx = scores[i, j];
                double z = 0;
                for (int j = 0; j < scores.GetLength(1); j++)
                    if (allowed[i, j]) z += Math.Exp(scores[i, j] - mx);
                total += mx + Math.Log(z);
            }
            return total;
        }

        private static double[] Softmax(double[] z)
        {
            var p = new double[z.Length];
            double mx = double.NegativeInfinity;
            foreach (var v in z) mx = Math.Max(mx, v);
            double s = 0;
            for (int i = 0; i < z.Length; i++)
            {
                p[i] = Math.Exp(z[i] - mx);
                s += p[i];
            }
            for (int i = 0; i < z.Length; i++) p[i] /= s;
            return p;
        }

        /// <summary>A helper that returns the array it fills (softmax), used twice.</summary>
        [Differentiable(nameof(logits))]
        public static double SoftmaxHelperCrossEntropy(double[] logits, int label)
        {
            var p = Softmax(logits);
            var q = Softmax(p);
            return -Math.Log(p[label]) + q[0];
        }

        /// <summary>x.Clone(), x.ToArray(), an initializer list and a collection expression.</summary>
        [Differentiable]
        public static double CopiesAndInitializers(double[] x)
        {
            var y = (double[])x.Clone();
            for (int i = 0; i < y.Length; i++) y[i] = Math.Tanh(y[i]);
            double[] z = x.ToArray();
            z[0] = 0;
            double[] w = { 0.25, 0.5, 0.25 };
            double[] v = [1.0, x[1], -x[2]];
            double s = 0;
            for (int i = 1; i < x.Length - 1; i++)
            {
                double c = 0;
                for (int k = 0; k < 3; k++) c += w[k] * y[i + k - 1] * v[k];
                s += c * c + z[i] * y[i];
            }
            return s;
        }

        /// <summary>NaN entries skipped with double.IsNaN; infinite ones with double.IsFinite.</summary>
        [Differentiable]
        public static double NanSafeSumOfSquares(double[] x)
        {
            double s = 0;
            foreach (var v in x)
            {
                if (double.IsNaN(v)) continue;
                if (!double.IsFinite(v)) continue;
                s += v * v;
            }
            return s;
        }

        private static void MinMax(double[] x, out double lo, out double hi, out int argMax)
        {
            lo = x[0];
            hi = x[0];
            argMax = 0;
            for (int i = 1; i < x.Length; i++)
            {
                lo = Math.Min(lo, x[i]);
                if (x[i] > hi)
                {
                    hi = x[i];
                    argMax = i;
                }
            }
        }

        private static void Accumulate(ref double total, double v) => total += v * v;

        /// <summary>Helpers with out and ref parameters (the TryGet / MinMax pattern), and a discard.</summary>
        [Differentiable]
        public static double OutAndRefHelpers(double[] x)
        {
            MinMax(x, out double lo, out double hi, out int at);
            double s = hi - lo;
            for (int i = 0; i < x.Length; i++) Accumulate(ref s, x[i] * 0.1);
            MinMax(x, out var lo2, out _, out _);
            return s + at * lo2;
        }

        /// <summary>A long loop counter (an int in the generated code: arrays are indexed by ints).</summary>
        [Differentiable]
        public static double LongCounter(double[] x)
        {
            double s = 0;
            for (long i = 0; i < x.Length; i++) s += x[i] * x[i] * (i + 1);
            return s;
        }

        /// <summary>An enum parameter compared with == and used in a switch expression.</summary>
        [Differentiable]
        public static double EnumChoice(double[] p, double[] t, LibraryActivation a)
        {
            double s = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double v = a == LibraryActivation.Relu ? Math.Max(0, p[i]) : a switch { LibraryActivation.Tanh => Math.Tanh(p[i]), _ => p[i] };
                s += (v - t[i]) * (v - t[i]);
            }
            return s;
        }
    }

    /// <summary>The activation of <see cref="LibraryDense"/>.</summary>
    public enum LibraryActivation { Relu, Tanh, Identity }

    /// <summary>A layer class as written in ML code: readonly weight fields, an enum field chosen at construction, a switch on it.</summary>
    public sealed partial class LibraryDense
    {
        private readonly double[,] _w;
        private readonly double[] _b;
        private readonly LibraryActivation _act;

        public LibraryDense(double[,] w, double[] b, LibraryActivation act)
        {
            _w = w;
            _b = b;
            _act = act;
        }

        /// <summary>y = act(W·x + b).</summary>
        [Differentiable(nameof(_w), nameof(_b), nameof(x))]
        public void Forward(double[] x, double[] y)
        {
            for (int o = 0; o < _b.Length; o++)
            {
                double z = _b[o];
                for (int i = 0; i < x.Length; i++) z += _w[o, i] * x[i];
                switch (_act)
                {
                    case LibraryActivation.Relu:
                        y[o] = Math.Max(0, z);
                        break;
                    case LibraryActivation.Tanh:
                        y[o] = Math.Tanh(z);
                        break;
                    default:
                        y[o] = z;
                        break;
                }
            }
        }
    }
}
