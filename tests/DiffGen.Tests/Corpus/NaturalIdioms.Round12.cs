using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Hyper-parameters of <see cref="NaturalRound12.ScaledLogSumExp"/>, a positional record class.</summary>
    public record Hyper12(double Temperature, double Margin);

    /// <summary>
    /// Round 12 of natural idioms: a probe batch of 32 idioms written before any change (binning and interpolation with int
    /// casts of values, out/tuple helpers, switch statements, local functions capturing locals, jagged batches, static tables,
    /// Array.Sort on a copy, Newton iterations, conv2d, record configs, span helpers with stackalloc, T[,,], MathF, ...),
    /// each as written by the probe. The two that needed the generator to change are <see cref="SoftBinLoss"/> and
    /// <see cref="Lookup"/> ((int) of a value).
    /// </summary>
    public static partial class NaturalRound12
    {
        /// <summary>A bin index made with (int)Math.Floor of a clamped value (derivative 0), used to read a table.</summary>
        [Differentiable(nameof(x))]
        public static double SoftBinLoss(double[] x, double[] target, int bins)
        {
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                int b = (int)Math.Floor(Math.Clamp(x[i], 0.0, 0.999) * bins);
                double center = (b + 0.5) / bins;
                loss += (x[i] - center) * (x[i] - center) * target[b];
            }
            return loss;
        }

        /// <summary>Linear interpolation in a table: the cell is (int)pos, clamped by a reassignment; the weight pos - i0.</summary>
        [Differentiable(nameof(table))]
        public static double Lookup(double[] table, double[] t)
        {
            double s = 0;
            for (int k = 0; k < t.Length; k++)
            {
                double pos = t[k] * (table.Length - 1);
                int i0 = (int)pos;
                if (i0 >= table.Length - 1) i0 = table.Length - 2;
                double w = pos - i0;
                s += (1 - w) * table[i0] + w * table[i0 + 1];
            }
            return s;
        }

        /// <summary>
        /// The same with the query points differentiated too (the cell is piecewise constant in t), and the value the cell was
        /// cast from overwritten afterwards: the backward pass must use the stored cell, not one recomputed from the new value.
        /// </summary>
        [Differentiable]
        public static double LookupBoth(double[] table, double[] t)
        {
            double s = 0;
            for (int k = 0; k < t.Length; k++)
            {
                double pos = t[k] * (table.Length - 1);
                int i0 = (int)pos;
                i0 = Math.Min(i0, table.Length - 2);
                double w = pos - i0;
                s += (1 - w) * table[i0] + w * table[i0 + 1];
                pos = pos * pos + 0.5;
                s += 0.1 * pos * table[i0];
            }
            return s;
        }

        /// <summary>
        /// Indices cast from values written in place (each gets an int local of its own), one behind a guard that must be
        /// evaluated only when the guard holds (x[i + 1] does not exist for the last i).
        /// </summary>
        [Differentiable(nameof(w))]
        public static double IndexedBins(double[] w, double[] x, int bins)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += w[(int)(Math.Clamp(x[i], 0, 0.99) * bins)] * x[i];
                if (i + 1 < x.Length && w[(int)(Math.Clamp(x[i + 1], 0, 0.99) * bins)] > 0) s += 0.5 * x[i] * w[0];
            }
            return s;
        }

        private static int Bin(double v, int n) => (int)(Math.Clamp(v, 0, 0.999) * n);

        /// <summary>An int helper made from a value (its result is a bin), read as an index.</summary>
        [Differentiable]
        public static double BinnedWeights(double[] w, double[] x)
        {
            double s = 0;
            foreach (var v in x) s += w[Bin(v, w.Length)] * v;
            return s;
        }

        /// <summary>An indicator int from a comparison of a value, used in arithmetic and incremented.</summary>
        [Differentiable]
        public static double Indicator(double x)
        {
            int k = x > 0 ? 1 : 0;
            double s = x * k;
            k = k + 1;
            return s * k;
        }

        /// <summary>A loop bound from an int local cast from a value (the length of a prefix).</summary>
        [Differentiable]
        public static double PrefixByValue(double x, double[] a)
        {
            int m = (int)Math.Min(x, a.Length);
            double s = 0;
            for (int i = 0; i < m; i++) s += a[i] * x;
            return s;
        }

        /// <summary>
        /// An int reassigned at the top level between uses (from ints only): each product must see the value it was made
        /// with (the int tape; before round 12 the reverse sweep read the last value at the top level).
        /// </summary>
        [Differentiable]
        public static double IntReassignedAtTopLevel(double x, double[] a)
        {
            int k = a.Length;
            double s = x * k * a[0];
            k = k / 2;
            s += x * x * k;
            k = 3;
            return s * k;
        }

        private static void MeanVar(double[] x, out double mean, out double variance)
        {
            mean = 0; for (int i = 0; i < x.Length; i++) mean += x[i]; mean /= x.Length;
            variance = 0; for (int i = 0; i < x.Length; i++) variance += (x[i] - mean) * (x[i] - mean); variance /= x.Length;
        }

        /// <summary>A helper with two out results.</summary>
        [Differentiable]
        public static double Standardized(double[] x)
        {
            MeanVar(x, out var m, out var v);
            double s = 0;
            foreach (var xi in x) { double z = (xi - m) / Math.Sqrt(v + 1e-5); s += z * z * z; }
            return s;
        }

        private static (double mean, double std) Stats(double[] x)
        {
            double m = x.Average();
            double v = x.Select(t => (t - m) * (t - m)).Average();
            return (m, Math.Sqrt(v));
        }

        /// <summary>A helper returning a named tuple, deconstructed.</summary>
        [Differentiable]
        public static double Cv(double[] x) { var (m, s) = Stats(x); return s / m; }

        /// <summary>Math.FusedMultiplyAdd as the accumulator, Math.Pow with a variable exponent and a variable base.</summary>
        [Differentiable]
        public static double FmaPow(double[] x, double[] y)
        {
            double acc = 0;
            for (int i = 0; i < x.Length; i++) acc = Math.FusedMultiplyAdd(x[i], y[i], acc);
            return Math.Pow(2.0, acc) + Math.Pow(Math.Abs(acc) + 1, 1.5);
        }

        /// <summary>NaN targets skipped with continue; an int counter.</summary>
        [Differentiable(nameof(pred))]
        public static double MaskedMse(double[] pred, double[] target)
        {
            double s = 0; int n = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                if (double.IsNaN(target[i])) continue;
                double d = pred[i] - target[i];
                s += d * d; n++;
            }
            return n == 0 ? 0 : s / n;
        }

        /// <summary>A loop counting down and one stepping by two.</summary>
        [Differentiable]
        public static double Strides(double[] x)
        {
            double s = 0;
            for (int i = x.Length - 1; i >= 0; i--) s = s * 0.9 + x[i];
            for (int i = 0; i + 1 < x.Length; i += 2) s += x[i] * x[i + 1];
            return s;
        }

        /// <summary>A prefix sum in a scratch array.</summary>
        [Differentiable]
        public static double CumSum(double[] x)
        {
            var cs = new double[x.Length];
            cs[0] = x[0];
            for (int i = 1; i < x.Length; i++) cs[i] = cs[i - 1] + x[i];
            double s = 0;
            for (int i = 0; i < cs.Length; i++) s += Math.Sin(cs[i]);
            return s;
        }

        /// <summary>A switch statement on an int parameter inside the loop.</summary>
        [Differentiable(nameof(x))]
        public static double Activation(double[] x, int kind)
        {
            double s = 0;
            foreach (var v in x)
            {
                switch (kind)
                {
                    case 0: s += Math.Max(0, v); break;
                    case 1: s += Math.Tanh(v); break;
                    case 2: s += 1 / (1 + Math.Exp(-v)); break;
                    default: s += v; break;
                }
            }
            return s;
        }

        /// <summary>A local function capturing a parameter and an array.</summary>
        [Differentiable(nameof(w))]
        public static double Regularised(double[] w, double[] x, double lambda)
        {
            double Reg(int i) => lambda * w[i] * w[i];
            double s = 0;
            for (int i = 0; i < w.Length; i++) s += w[i] * x[i] + Reg(i);
            return s;
        }

        /// <summary>A jagged batch with a row local.</summary>
        [Differentiable(nameof(w))]
        public static double JaggedLogistic(double[][] xs, double[] ys, double[] w)
        {
            double loss = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double[] row = xs[n];
                double p = 0;
                for (int j = 0; j < row.Length; j++) p += row[j] * w[j];
                loss += Math.Log(1 + Math.Exp(-ys[n] * p));
            }
            return loss / xs.Length;
        }

        private const double Eps = 1e-8;
        private static readonly double[] Coef = { 0.5, 0.25, 0.125 };

        /// <summary>A const and a static readonly table indexed modulo its length.</summary>
        [Differentiable]
        public static double TableWeighted(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Coef[i % Coef.Length] * Math.Log(x[i] * x[i] + Eps);
            return s;
        }

        /// <summary>Array.Sort on a clone, then a trimmed mean.</summary>
        [Differentiable]
        public static double TrimmedMean(double[] x)
        {
            var s = (double[])x.Clone();
            Array.Sort(s);
            int k = s.Length / 10;
            double sum = 0;
            for (int i = k; i < s.Length - k; i++) sum += s[i];
            return sum / (s.Length - 2 * k);
        }

        /// <summary>Newton's square root with a value-dependent stop and an iteration cap.</summary>
        [Differentiable]
        public static double SqrtNewton(double a)
        {
            double x = a > 1 ? a : 1;
            int it = 0;
            while (Math.Abs(x * x - a) > 1e-12 && it < 50) { x = 0.5 * (x + a / x); it++; }
            return x;
        }

        /// <summary>The best wrong class found with continue and an argmax; a hinge on its margin.</summary>
        [Differentiable(nameof(logits))]
        public static double MarginLoss(double[] logits, int label)
        {
            int best = -1; double bestV = double.NegativeInfinity;
            for (int c = 0; c < logits.Length; c++)
            {
                if (c == label) continue;
                if (logits[c] > bestV) { bestV = logits[c]; best = c; }
            }
            return Math.Max(0, 1 + logits[best] - logits[label]);
        }

        /// <summary>A valid 2-D convolution with a ReLU, sizes from GetLength.</summary>
        [Differentiable(nameof(k))]
        public static double Conv2d(double[,] img, double[,] k)
        {
            int h = img.GetLength(0), w = img.GetLength(1), kh = k.GetLength(0), kw = k.GetLength(1);
            double s = 0;
            for (int y = 0; y <= h - kh; y++)
                for (int x = 0; x <= w - kw; x++)
                {
                    double acc = 0;
                    for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) acc += img[y + i, x + j] * k[i, j];
                    s += Math.Max(acc, 0.0);
                }
            return s;
        }

        /// <summary>A positional record class as a config.</summary>
        [Differentiable(nameof(a))]
        public static double ScaledLogSumExp(double[] a, double[] b, Hyper12 h)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += Math.Exp((a[i] * b[i] - h.Margin) / h.Temperature);
            return Math.Log(s) * h.Temperature;
        }

        private static void Softmax(ReadOnlySpan<double> z, Span<double> p)
        {
            double m = double.MinValue;
            for (int i = 0; i < z.Length; i++) m = Math.Max(m, z[i]);
            double s = 0;
            for (int i = 0; i < z.Length; i++) { p[i] = Math.Exp(z[i] - m); s += p[i]; }
            for (int i = 0; i < z.Length; i++) p[i] /= s;
        }

        /// <summary>stackalloc scratch filled by a span helper.</summary>
        [Differentiable(nameof(z))]
        public static double Entropy(double[] z)
        {
            Span<double> p = stackalloc double[z.Length];
            Softmax(z, p);
            double h = 0;
            for (int i = 0; i < p.Length; i++) h -= p[i] * Math.Log(p[i] + 1e-12);
            return h;
        }

        /// <summary>Per-(batch, channel) variance of a T[,,].</summary>
        [Differentiable(nameof(x))]
        public static double ChannelVariance(double[,,] x)
        {
            int b = x.GetLength(0), c = x.GetLength(1), l = x.GetLength(2);
            double total = 0;
            for (int i = 0; i < b; i++)
                for (int ch = 0; ch < c; ch++)
                {
                    double m = 0;
                    for (int t = 0; t < l; t++) m += x[i, ch, t];
                    m /= l;
                    for (int t = 0; t < l; t++) total += (x[i, ch, t] - m) * (x[i, ch, t] - m);
                }
            return total;
        }

        /// <summary>Binary cross-entropy in float with MathF.</summary>
        [Differentiable(nameof(w))]
        public static float Bce(float[] w, float[] x, float[] y)
        {
            float loss = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                float z = w[0] * x[i] + w[1];
                float p = 1f / (1f + MathF.Exp(-z));
                loss -= y[i] * MathF.Log(p + 1e-7f) + (1f - y[i]) * MathF.Log(1f - p + 1e-7f);
            }
            return loss / x.Length;
        }

        /// <summary>do/while with a value-dependent stop.</summary>
        [Differentiable]
        public static double DoWhileSum(double[] x)
        {
            double s = 0; int i = 0;
            do { s += x[i] * x[i]; i++; } while (i < x.Length && s < 10);
            return s;
        }

        /// <summary>Horner's rule running down the coefficients, Math.Pow(·, 2).</summary>
        [Differentiable(nameof(c))]
        public static double PolyFit(double[] c, double[] xs, double[] ys)
        {
            double err = 0;
            for (int k = 0; k < xs.Length; k++)
            {
                double p = 0;
                for (int j = c.Length - 1; j >= 0; j--) p = p * xs[k] + c[j];
                err += Math.Pow(p - ys[k], 2);
            }
            return err;
        }

        private static double[] MatVec(double[,] a, double[] v)
        {
            var r = new double[a.GetLength(0)];
            for (int i = 0; i < r.Length; i++) for (int j = 0; j < v.Length; j++) r[i] += a[i, j] * v[j];
            return r;
        }

        private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }

        /// <summary>An expression body composing two helpers, one returning a new array.</summary>
        [Differentiable(nameof(a))]
        public static double Quadratic(double[,] a, double[] v) => Dot(v, MatVec(a, v));

        /// <summary>Min and max of the data from LINQ, then a min-max scaled square.</summary>
        [Differentiable]
        public static double MinMaxScaled(double[] x)
        {
            double lo = x.Min(), hi = x.Max();
            double s = 0;
            foreach (var v in x) { var t = (v - lo) / (hi - lo); s += t * t; }
            return s;
        }

        /// <summary>A public static field read as a constant.</summary>
        public static double Scale = 2.0;

        [Differentiable]
        public static double StaticScaled(double[] x) { double s = 0; foreach (var v in x) s += Scale * v * v; return s; }
    }

    /// <summary>A dense layer class: readonly weight fields, a computed property, a squared-error loss.</summary>
    public sealed partial class Dense12
    {
        private readonly double[,] _w;
        private readonly double[] _b;

        public Dense12(double[,] w, double[] b) { _w = w; _b = b; }

        public int Out => _b.Length;

        [Differentiable(nameof(_w), nameof(_b))]
        public double Loss(double[] x, double[] y)
        {
            double loss = 0;
            for (int o = 0; o < Out; o++)
            {
                double z = _b[o];
                for (int i = 0; i < x.Length; i++) z += _w[o, i] * x[i];
                loss += (z - y[o]) * (z - y[o]);
            }
            return 0.5 * loss;
        }
    }

    /// <summary>A GRU-like cell over a sequence, public array fields, a private static helper.</summary>
    public sealed partial class Rnn12
    {
        public double[] Wx = new double[4], Wh = new double[4];

        [Differentiable(nameof(Wx), nameof(Wh))]
        public double Run(double[] seq)
        {
            double h = 0;
            foreach (var x in seq)
            {
                double z = Sigmoid(Wx[0] * x + Wh[0] * h);
                double r = Sigmoid(Wx[1] * x + Wh[1] * h);
                double c = Math.Tanh(Wx[2] * x + Wh[2] * r * h);
                h = (1 - z) * h + z * c;
            }
            return h;
        }

        private static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>An activation chosen by an enum parameter.</summary>
    public enum Reduction12 { Sum, Mean }

    /// <summary>A 2-D point with an operator and a method, built from array elements.</summary>
    public readonly struct Vec12
    {
        public readonly double X, Y;
        public Vec12(double x, double y) { X = x; Y = y; }
        public double Dot(Vec12 o) => X * o.X + Y * o.Y;
        public static Vec12 operator -(Vec12 a, Vec12 b) => new Vec12(a.X - b.X, a.Y - b.Y);
    }

    /// <summary>
    /// Round 12, second probe batch (29 idioms written before any change, 26 accepted as written): physics, numerics, layers.
    /// A selection of distinct forms, plus the three that needed changes: Skip/Take parts, local functions after the final
    /// return, and Array.Copy with Skip().ToArray().
    /// </summary>
    public static partial class NaturalRound12b
    {
        /// <summary>Skip, Take and Skip().Take() parts: copied, reduced, zipped and mapped.</summary>
        [Differentiable(nameof(x))]
        public static double SkipTake(double[] x, int k)
        {
            var tail = x.Skip(1).ToArray();
            var head = x.Take(k).ToArray();
            double d = x.Skip(1).Zip(x, (a, b) => a - b).Sum(v => v * v);
            var sq = x.Skip(k).Take(2).Select(v => v * v).ToArray();
            return tail.Sum() * head.Sum() + d + x.Skip(2).Max() + x.Take(k).Average() + sq.Sum();
        }

        /// <summary>
        /// A batch as a List of rows (data, never differentiated: Backward has no gradient for it), read by foreach, by Count and
        /// by a row local.
        /// </summary>
        [Differentiable]
        public static double ListBatch(List<double[]> batch, double[] w)
        {
            double s = 0;
            foreach (var v in batch) { double d = 0; for (int j = 0; j < w.Length; j++) d += v[j] * w[j]; s += d * d; }
            for (int n = 0; n < batch.Count; n++) { var row = batch[n]; s += row[0] * w[0] * w[w.Length - 1]; }
            return s / batch.Count;
        }

        /// <summary>One of two arrays chosen by a flag (the probe as written): a copy, the alias C# makes since nothing writes them.</summary>
        [Differentiable]
        public static double Chosen(double[] a, double[] b, bool useA)
        {
            var src = useA ? a : b;
            double s = 0;
            for (int i = 0; i < src.Length; i++) s += src[i] * src[i];
            return s;
        }

        /// <summary>One of two scratch arrays filled before the choice; the gradient reaches x through the one chosen only.</summary>
        [Differentiable]
        public static double ChosenScratch(double[] x, bool flip)
        {
            var h1 = new double[x.Length]; var h2 = new double[x.Length];
            for (int i = 0; i < x.Length; i++) { h1[i] = x[i] * x[i]; h2[i] = Math.Sin(x[i]); }
            var src = flip ? h2 : h1;
            double s = 0;
            for (int i = 0; i < src.Length; i++) s += src[i] * x[i];
            return s;
        }

        /// <summary>Array.Copy of a head and Skip(3).ToArray() of the tail (the probe as written).</summary>
        [Differentiable]
        public static double HeadTail(double[] x)
        {
            var head = new double[3];
            Array.Copy(x, 0, head, 0, 3);
            var tail = x.Skip(3).ToArray();
            return head.Sum() * tail.Sum();
        }

        /// <summary>Local functions declared after the final return, one static, one calling the other.</summary>
        [Differentiable]
        public static double LocalFunctionsAfterReturn(double[] x)
        {
            double total = 0;
            for (int i = 0; i < x.Length; i++) total += Sq(x[i]) + Cube(x[i]);
            return total;
            static double Sq(double v) => v * v;
            double Cube(double v) => v * Sq(v);
        }

        /// <summary>A damped oscillator integrated with scalar parameters and an int step count.</summary>
        [Differentiable(nameof(x0), nameof(v0))]
        public static double Simulate(double x0, double v0, double dt, int steps)
        {
            double x = x0, v = v0;
            for (int s = 0; s < steps; s++) { double a = -x - 0.1 * v * Math.Abs(v); v += a * dt; x += v * dt; }
            return x * x + v * v;
        }

        /// <summary>The Thomas algorithm: a forward sweep, a backward loop counting down, and a LINQ sum of squares.</summary>
        [Differentiable(nameof(d))]
        public static double Tridiagonal(double[] a, double[] d, double[] c, double[] rhs)
        {
            int n = d.Length;
            var cp = new double[n]; var dp = new double[n];
            cp[0] = c[0] / d[0]; dp[0] = rhs[0] / d[0];
            for (int i = 1; i < n; i++)
            {
                double m = d[i] - a[i] * cp[i - 1];
                cp[i] = i < n - 1 ? c[i] / m : 0;
                dp[i] = (rhs[i] - a[i] * dp[i - 1]) / m;
            }
            var x = new double[n];
            x[n - 1] = dp[n - 1];
            for (int i = n - 2; i >= 0; i--) x[i] = dp[i] - cp[i] * x[i + 1];
            return x.Sum(v => v * v);
        }

        /// <summary>k-means inertia: the nearest center kept by a comparison in the loop.</summary>
        [Differentiable(nameof(centers))]
        public static double Inertia(double[,] pts, double[,] centers)
        {
            int n = pts.GetLength(0), k = centers.GetLength(0), d = pts.GetLength(1);
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double best = double.MaxValue;
                for (int c = 0; c < k; c++)
                {
                    double dist = 0;
                    for (int j = 0; j < d; j++) { double diff = pts[i, j] - centers[c, j]; dist += diff * diff; }
                    if (dist < best) best = dist;
                }
                total += best;
            }
            return total;
        }

        /// <summary>An activation chosen by a string compared in a nested conditional.</summary>
        [Differentiable(nameof(x))]
        public static double NamedActivation(double[] x, string act)
        {
            double s = 0;
            foreach (var v in x) s += act == "relu" ? Math.Max(v, 0) : act == "tanh" ? Math.Tanh(v) : v;
            return s;
        }

        /// <summary>The reduction chosen by an enum.</summary>
        [Differentiable(nameof(x))]
        public static double Reduce(double[] x, Reduction12 r)
        {
            double s = 0;
            foreach (var v in x) s += v * v;
            return r == Reduction12.Mean ? s / x.Length : s;
        }

        /// <summary>A ref local to an element of scratch, accumulated through.</summary>
        [Differentiable]
        public static double RefSlots(double[] x)
        {
            var acc = new double[2];
            for (int i = 0; i < x.Length; i++) { ref double slot = ref acc[i % 2]; slot += x[i] * x[i]; }
            return acc[0] * acc[1];
        }

        private static double SumSq(params double[] v) { double s = 0; foreach (var t in v) s += t * t; return s; }

        /// <summary>A params helper called with three scalars and with one.</summary>
        [Differentiable]
        public static double ParamsHelper(double a, double b, double c) => SumSq(a, b, c) + SumSq(a * b);

        /// <summary>double.Lerp, Math.ScaleB, double.Hypot and a softplus of -|x|.</summary>
        [Differentiable]
        public static double LerpHypot(double[] x, double[] y, double t)
        {
            double s = 0;
            for (int i = 0; i + 1 < x.Length; i++) s += double.Lerp(x[i], x[i + 1], t) * Math.ScaleB(1.0, 1);
            for (int i = 0; i < x.Length; i++) s += double.Hypot(x[i], y[i]) + Math.Log(1 + Math.Exp(-Math.Abs(x[i])));
            return s;
        }

        /// <summary>Path length through struct values made from two arrays, with an operator and a method.</summary>
        [Differentiable]
        public static double PathLength(double[] px, double[] py)
        {
            double s = 0;
            for (int i = 0; i + 1 < px.Length; i++) { var d = new Vec12(px[i + 1], py[i + 1]) - new Vec12(px[i], py[i]); s += Math.Sqrt(d.Dot(d)); }
            return s;
        }

        /// <summary>An early return for an empty input and one inside the loop for an infinite value.</summary>
        [Differentiable]
        public static double GuardedMean(double[] x)
        {
            if (x.Length == 0) return 0;
            double s = 0;
            foreach (var v in x) { if (double.IsInfinity(v)) return double.NaN; s += v; }
            return s / x.Length;
        }

        /// <summary>Chebyshev series by the three-term recurrence, locals rotated.</summary>
        [Differentiable(nameof(c))]
        public static double Chebyshev(double[] c, double x)
        {
            double t0 = 1, t1 = x, s = c[0] + (c.Length > 1 ? c[1] * x : 0);
            for (int k = 2; k < c.Length; k++) { double t2 = 2 * x * t1 - t0; s += c[k] * t2; t0 = t1; t1 = t2; }
            return s;
        }

        /// <summary>Cross-entropy over jagged rows with row.Max() and a LINQ log-sum-exp.</summary>
        [Differentiable(nameof(logits))]
        public static double JaggedCrossEntropy(double[][] logits, int[] labels)
        {
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                var row = logits[i];
                double m = row.Max();
                double lse = m + Math.Log(row.Sum(z => Math.Exp(z - m)));
                loss += lse - row[labels[i]];
            }
            return loss / logits.Length;
        }
    }
}
