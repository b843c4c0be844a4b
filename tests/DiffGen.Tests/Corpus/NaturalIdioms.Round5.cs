using System;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, a fifth round of natural idioms (docs/natural-csharp.md), the ones that needed a change to be accepted:
    /// a bool flag set from a comparison of values (=, |=, &amp;=, a bool local), x.Select(v => ...).Sum(), an instance method
    /// of a struct parameter, 'n &lt;= 64 ? stackalloc double[n] : new double[n]'; <see cref="Round5Layer"/>: a private
    /// instance helper of a layer class.
    /// </summary>
    public static partial class NaturalRound5
    {
        /// <summary>Babylonian square root until a 'converged' flag set from a tolerance test.</summary>
        [Differentiable]
        public static double ConvergedFlag(double a)
        {
            double x = 1.0;
            bool converged = false;
            int iter = 0;
            while (!converged && iter < 100)
            {
                double next = 0.5 * (x + a / x);
                converged = Math.Abs(next - x) < 1e-12;
                x = next;
                iter++;
            }
            return x * x * x;
        }

        /// <summary>'anyNeg |= x[i] &lt; 0;' and 'all &amp;= Math.Abs(v) &lt; tol;' used after the loop.</summary>
        [Differentiable]
        public static double FlagsAfterLoop(double[] x, [Constant] double tol)
        {
            double s = 0, c = 0;
            bool anyNeg = false;
            bool allSmall = true;
            for (int i = 0; i < x.Length; i++)
            {
                s += x[i] * x[i];
                c += x[i] * x[i] * x[i];
                anyNeg |= x[i] < 0;
                allSmall &= Math.Abs(x[i]) < tol;
            }
            double r = anyNeg ? s : 2 * s;
            return allSmall ? r + c : r - c;
        }

        /// <summary>A bool local from a comparison, read twice in the loop body.</summary>
        [Differentiable]
        public static double LocalFlag(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                bool small = Math.Abs(x[i]) < 0.5;
                double v = x[i];
                if (small) v = v * v;
                s += small ? v : Math.Sin(v) * v;
            }
            return s;
        }

        /// <summary>x.Select(v => ...) followed by Sum, Max, and Average with a selector of its own; over an int[] too.</summary>
        [Differentiable]
        public static double SelectThenReduce(double[] x, int[] counts) =>
            x.Select(v => v * v).Sum() + Enumerable.Select(x, v => Math.Exp(0.5 * v)).Max() + x.Select(v => v - 1).Average(d => d * d)
            + counts.Select(k => k * 0.5).Sum() * x[0];

        /// <summary>A struct parameter with instance methods (one calling the other, one reading 'this.Std').</summary>
        [Differentiable]
        public static double StructMethod(double[] x, Round5Scaler s)
        {
            double acc = 0;
            for (int i = 0; i < x.Length; i++)
            {
                var z = s.Apply(x[i]);
                acc += z * z + s.Clip(x[i]);
            }
            return acc;
        }

        /// <summary>Small scratch on the stack, large on the heap: 'x.Length &lt;= 64 ? stackalloc double[x.Length] : new double[x.Length]'.</summary>
        [Differentiable]
        public static double StackOrHeapScratch(double[] x)
        {
            Span<double> d = x.Length <= 64 ? stackalloc double[x.Length] : new double[x.Length];
            for (int i = 1; i < x.Length; i++) d[i] = x[i] - x[i - 1];
            double s = 0;
            for (int i = 1; i < x.Length; i++) s += d[i] * d[i] * d[i];
            return s;
        }
    }

    /// <summary>Parts of arrays passed to helpers (AsSpan(start, length), AsSpan(start), ranges) and x[a..b] locals.</summary>
    public static partial class NaturalRound5Slices
    {
        private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        private static double SumSq(double[] v)
        {
            double s = 0;
            foreach (var t in v) s += t * t;
            return s;
        }

        private static void Scale(Span<double> y, double a)
        {
            for (int i = 0; i < y.Length; i++) y[i] *= a;
        }

        /// <summary>A flattened weight matrix, one row per output: Dot(w.AsSpan(r * n, n), x) in a loop.</summary>
        [Differentiable]
        public static double FlatRows(double[] w, double[] x, int outputs)
        {
            int n = x.Length;
            double loss = 0;
            for (int r = 0; r < outputs; r++)
            {
                double y = Dot(w.AsSpan(r * n, n), x);
                loss += Math.Tanh(y);
            }
            return loss;
        }

        /// <summary>AsSpan(start), AsSpan(start, length), AsSpan(range), AsSpan(), and a range x[1..^1] passed to a T[] helper.</summary>
        [Differentiable]
        public static double Parts(double[] x) =>
            Dot(x.AsSpan(1), x.AsSpan(0, x.Length - 1)) + SumSq(x[1..^1]) + Dot(x.AsSpan(..3), x.AsSpan(2..5)) + Dot(x.AsSpan(), x);

        /// <summary>A Span writer on a part of a local copy: the part is written back.</summary>
        [Differentiable]
        public static double ScalePart(double[] x, double a)
        {
            var t = (double[])x.Clone();
            Scale(t.AsSpan(2, 3), a);
            double s = 0;
            for (int i = 0; i < t.Length; i++) s += t[i] * t[i] * (i + 1);
            return s;
        }

        /// <summary>
        /// Span locals viewing parts of arrays nothing writes (var head = x.AsSpan(0, 2); var row = w.AsSpan(r * n, n) in a loop;
        /// ReadOnlySpan&lt;double&gt; tail = x.AsSpan(1) in a foreach), and a Span over a new array x[1..^1] that is written.
        /// </summary>
        [Differentiable]
        public static double SpanLocals(double[] w, double[] x)
        {
            var head = x.AsSpan(0, 2);
            double s = head[0] * head[1];
            int n = x.Length;
            for (int r = 0; r < w.Length / n; r++)
            {
                var row = w.AsSpan(r * n, n);
                s += Math.Tanh(Dot(row, x)) + row[0] * row.Length;
            }
            ReadOnlySpan<double> tail = x.AsSpan(1);
            foreach (var v in tail) s += v * v * x[0];
            Span<double> mid = x[1..^1];
            mid[0] = 3 * mid[0];
            return s + mid[0] * mid[1];
        }

        /// <summary>A scratch array filled first, then read through span views of its rows (writes before the view are fine).</summary>
        [Differentiable]
        public static double ViewsOfFilledScratch(double[] x, int rows)
        {
            int n = x.Length;
            var h = new double[rows * n];
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < n; i++) h[r * n + i] = Math.Sin((r + 1) * x[i]);
            double s = 0;
            for (int r = 0; r < rows; r++)
            {
                h[r * n] += 1.0; // written before this row's view is made (the previous view has ended)
                ReadOnlySpan<double> row = h.AsSpan(r * n, n);
                s += Dot(row, x) * row[0];
            }
            return s;
        }

        /// <summary>double[] inner = x[1..^1]; and parts of fixed length passed in a loop.</summary>
        [Differentiable]
        public static double RangeLocal(double[] x)
        {
            double[] inner = x[1..^1];
            double s = 0;
            for (int i = 0; i < inner.Length; i++) s += inner[i] * Dot(x.AsSpan(i, 2), x.AsSpan(i + 1, 2));
            return s;
        }
    }

    /// <summary>Generic-math helpers (INumber&lt;T&gt;, T.Zero, T.One, T.CreateChecked, T.Exp/T.Log) called with double and float.</summary>
    public static partial class NaturalRound5Generic
    {
        private static T Cube<T>(T v) where T : INumber<T> => v * v * v;

        private static T Total<T>(T[] values) where T : INumber<T>
        {
            T s = T.Zero;
            foreach (var v in values) s += v;
            return s;
        }

        private static T HalfPlusOne<T>(T v) where T : IFloatingPoint<T> => v * T.CreateChecked(0.5) + T.One;

        private static T SoftPlus<T>(T v) where T : IExponentialFunctions<T>, ILogarithmicFunctions<T>, INumber<T> => T.Log(T.One + T.Exp(v));

        /// <summary>Σ v³ + (Σ x)·x₀ + (x₁/2 + 1)·x₂ + Σ softplus(v), through generic helpers instantiated for double.</summary>
        [Differentiable]
        public static double Helpers(double[] x)
        {
            double s = 0;
            foreach (var v in x) s += Cube(v) + SoftPlus(v);
            return s + Total(x) * x[0] + HalfPlusOne(x[1]) * x[2];
        }

        /// <summary>The same helpers instantiated for float.</summary>
        [Differentiable]
        public static float HelpersF(float[] x)
        {
            float s = 0;
            foreach (var v in x) s += Cube(v) + SoftPlus(v);
            return s + Total(x) * x[0] + HalfPlusOne(x[1]) * x[2];
        }
    }

    /// <summary>A config struct with instance methods (<see cref="NaturalRound5.StructMethod"/>).</summary>
    public readonly struct Round5Scaler
    {
        public Round5Scaler(double mean, double std, double cap)
        {
            Mean = mean;
            Std = std;
            Cap = cap;
        }

        public double Mean { get; }
        public double Std { get; }
        public double Cap { get; }

        public double Apply(double v) => (v - Mean) / this.Std;

        public double Clip(double v)
        {
            double z = Apply(v);
            return z > Cap ? Cap : z < -Cap ? -Cap : z;
        }
    }

    /// <summary>A layer class whose [Differentiable] method calls a private instance helper reading a field.</summary>
    public sealed partial class Round5Layer
    {
        private readonly double[,] _w;
        private readonly double[] _b;
        private readonly double _slope;

        public Round5Layer(double[,] w, double[] b, double slope)
        {
            _w = w;
            _b = b;
            _slope = slope;
        }

        private double Activate(double z) => z > 0 ? z : _slope * z;

        private double Unit(int o, double[] x)
        {
            double z = _b[o];
            for (int i = 0; i < x.Length; i++) z += _w[o, i] * x[i];
            return this.Activate(z);
        }

        /// <summary>½ Σ (act(W·x + b) − t)².</summary>
        [Differentiable(nameof(_w), nameof(_b), nameof(x))]
        public double Loss(double[] x, double[] target)
        {
            double loss = 0;
            for (int o = 0; o < _b.Length; o++)
            {
                double d = Unit(o, x) - target[o];
                loss += 0.5 * d * d;
            }
            return loss;
        }
    }
}
