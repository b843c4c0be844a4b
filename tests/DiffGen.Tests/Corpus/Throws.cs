using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Throws between the computations (round 15): a switch's <c>default: throw</c> in a loop, a helper's argument check,
    /// a check of a computed value, a throwing switch-expression arm and conditional, a solver that gives up. The
    /// generated code throws what the method throws; on inputs that do not throw, the gradients are the usual ones.
    /// </summary>
    public static partial class Throws
    {
        public enum Kind { Conduction, Convection, Contact }

        /// <summary>Layer resistances chosen by an int code; an unknown code is the caller's error, reported with its index.</summary>
        [Differentiable]
        public static double LayeredFlow(double[] thickness, double[] conductivity, int[] codes, double area)
        {
            double total = 0.0;
            for (int i = 0; i < codes.Length; i++)
            {
                double r;
                switch (codes[i])
                {
                    case 0: r = thickness[i] / (conductivity[i] * area); break;
                    case 1: r = 1.0 / (conductivity[i] * area); break;
                    case 2: r = thickness[i] / area; break;
                    default: throw new ArgumentException($"unknown layer code {codes[i]} at index {i}", nameof(codes));
                }
                total += r;
            }
            return 1.0 / total;
        }

        private static double CheckedLog(double v)
        {
            if (v <= 0) throw new ArgumentOutOfRangeException(nameof(v), v, "the log of a non-positive value");
            return Math.Log(v);
        }

        /// <summary>A helper that checks its argument, called on computed values (inlined with its check).</summary>
        [Differentiable]
        public static double LogBarrier(double[] x, double[] a, double b)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s -= CheckedLog(b - a[i] * x[i]);
            return s;
        }

        /// <summary>A check of a value computed by a loop, after the loop (a divergence check).</summary>
        [Differentiable]
        public static double NormalisedEnergy(double[] x, double scale)
        {
            double energy = 0;
            for (int i = 0; i < x.Length; i++) energy += scale * x[i] * x[i];
            if (double.IsNaN(energy) || double.IsInfinity(energy)) throw new InvalidOperationException("energy is not finite: " + energy);
            if (energy == 0) throw new DivideByZeroException();
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i]) / energy;
            return s;
        }

        /// <summary>A switch expression over an element with a throwing last arm.</summary>
        [Differentiable]
        public static double WeightedByKind(double[] x, Kind[] kinds)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double w = kinds[i] switch
                {
                    Kind.Conduction => 1.0,
                    Kind.Convection => 2.0 * x[i],
                    _ => throw new NotSupportedException($"kind {kinds[i]} is not supported here"),
                };
                s += w * x[i];
            }
            return s;
        }

        /// <summary>A conditional whose other branch throws (a value that must be positive).</summary>
        [Differentiable]
        public static double PositiveScaleLoss(double[] x, double[] y)
        {
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - y[i];
                double v = d * d + 0.5 > 0 ? Math.Sqrt(d * d + 0.5) : throw new InvalidOperationException("unreachable");
                loss += v;
            }
            return loss / x.Length;
        }

        /// <summary>Newton's method for a root of x³ + c·x − t, which gives up after a number of steps.</summary>
        [Differentiable]
        public static double CubeRootSolve(double c, double t, int maxSteps)
        {
            double x = 1.0;
            int step = 0;
            while (true)
            {
                double f = x * x * x + c * x - t;
                if (Math.Abs(f) < 1e-12) break;
                if (++step > maxSteps) throw new InvalidOperationException($"no convergence after {maxSteps} steps (residual {f})");
                x -= f / (3 * x * x + c);
            }
            return x;
        }

        /// <summary>A row check in a matrix loop, with a float twin.</summary>
        [Differentiable]
        public static double RowSoftmaxNll(double[,] logits, int[] labels)
        {
            int n = logits.GetLength(0), c = logits.GetLength(1);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                if (labels[i] < 0 || labels[i] >= c) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"row {i}: label out of range");
                double m = double.NegativeInfinity;
                for (int j = 0; j < c; j++) m = Math.Max(m, logits[i, j]);
                double z = 0;
                for (int j = 0; j < c; j++) z += Math.Exp(logits[i, j] - m);
                loss += m + Math.Log(z) - logits[i, labels[i]];
            }
            return loss / n;
        }

        [Differentiable]
        public static float RowSoftmaxNllF(float[,] logits, int[] labels)
        {
            int n = logits.GetLength(0), c = logits.GetLength(1);
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                if (labels[i] < 0 || labels[i] >= c) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"row {i}: label out of range");
                float m = float.NegativeInfinity;
                for (int j = 0; j < c; j++) m = MathF.Max(m, logits[i, j]);
                float z = 0;
                for (int j = 0; j < c; j++) z += MathF.Exp(logits[i, j] - m);
                loss += m + MathF.Log(z) - logits[i, labels[i]];
            }
            return loss / n;
        }

        /// <summary>The double twin of <see cref="RowSoftmaxNllF"/> for the float oracle.</summary>
        internal static double RowSoftmaxNllFTwin(double[,] logits, int[] labels) => RowSoftmaxNll(logits, labels);

        /// <summary>An output written before a check fails: the caller sees what was written, as with the method itself.</summary>
        [Differentiable]
        public static void ScaledCopy(double[] x, double s, double[] y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = s * x[i];
                if (y[i] > 1e6) throw new OverflowException($"y[{i}] = {y[i]}");
            }
        }

        private static double RequirePositive(double value, string what)
        {
            if (!(value > 0.0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(what, value, "must be positive and finite");
            return value;
        }

        /// <summary>A checking helper told what it checks by a string argument (a constant: the text goes into the message).</summary>
        [Differentiable]
        public static double ScaledLogLikelihood(double[] x, double[] logSigma)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double sigma = RequirePositive(Math.Exp(logSigma[i]), "sigma");
                s += -0.5 * x[i] * x[i] / (sigma * sigma) - Math.Log(sigma);
            }
            return s / RequirePositive(x.Length, nameof(x));
        }
    }
}
