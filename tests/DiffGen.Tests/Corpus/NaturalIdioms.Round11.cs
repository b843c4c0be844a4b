using System;
using System.Linq;
using System.Numerics.Tensors;

namespace DiffGen.Tests.Corpus
{
    /// <summary>A particle: position, velocity, mass, and a method reading them (an array of these is data).</summary>
    public struct Particle
    {
        public double X;
        public double V;
        public double M;
        public double Kinetic() => 0.5 * M * V * V;
    }

    /// <summary>An observation of a curve at time T.</summary>
    public readonly record struct Observation(double T, double Y);

    /// <summary>A labelled point: an int label next to a double weight and a float target.</summary>
    public struct LabelledPoint
    {
        public int Label;
        public double W;
        public float Y;
    }

    /// <summary>
    /// Round 11 of natural idioms: span locals that view parts of arrays and are written (views, not copies), slices of span
    /// parameters and of views, span Fill/Clear/CopyTo, <c>TensorPrimitives</c> reductions and maps, <c>Array.Reverse</c>, and
    /// arrays of structs as data (fields read per row, struct locals made from rows, passed to helpers).
    /// </summary>
    public static partial class NaturalRound11
    {
        /// <summary>Two views of one scratch array written through; a write of the array seen through a view.</summary>
        [Differentiable]
        public static double ViewWrites(double[] x)
        {
            var h = new double[2 * x.Length];
            var lo = h.AsSpan(0, x.Length);
            var hi = h.AsSpan(x.Length);
            for (int i = 0; i < x.Length; i++)
            {
                lo[i] = Math.Sin(x[i]);
                hi[i] = lo[i] * x[i];
            }
            h[0] += 1;
            double s = lo[0];
            foreach (var v in h) s += v * v;
            return s + hi[^1];
        }

        /// <summary>Rows sliced from a whole-array view, a range of a view, foreach over a view, its Length.</summary>
        [Differentiable]
        public static double SlicedRows(double[] x, int d)
        {
            double s = 0;
            var all = x.AsSpan();
            for (int i = 0; i + d <= x.Length; i += d)
            {
                var row = all.Slice(i, d);
                var tail = row[1..];
                double m = 0;
                foreach (var v in row) m += v;
                s += m * m + tail[0] * tail.Length;
            }
            return s;
        }

        /// <summary>A span parameter cut in halves by ranges, and foreach over a Slice of it.</summary>
        [Differentiable]
        public static double SpanHalves(ReadOnlySpan<double> x)
        {
            var a = x[..(x.Length / 2)];
            var b = x[(x.Length / 2)..];
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            foreach (var v in x.Slice(1, 2)) s += v * v;
            return s;
        }

        private static void Scale(Span<double> v, double a)
        {
            for (int i = 0; i < v.Length; i++) v[i] *= a;
        }

        [Differentiable]
        public static double Product2(ReadOnlySpan<double> v) => v[0] * v[1];

        /// <summary>Views passed to a [Differentiable] method taking a span, and a view copied by ToArray.</summary>
        [Differentiable]
        public static double ViewsPassedOn(double[] x)
        {
            var head = x.AsSpan(1, 2);
            double[] c = head.ToArray();
            c[0] *= 2;
            return Product2(head) + Product2(x.AsSpan(0, 2)) + c[0] * c[1] + head[0];
        }

        /// <summary>Fill, Clear and CopyTo on parts; a helper that writes through a view; the view written after.</summary>
        [Differentiable]
        public static double ViewCalls(double[] x, double[] a)
        {
            var h = new double[x.Length + 2];
            var part = h.AsSpan(1);
            part.Fill(a[0]);
            h.AsSpan(0, 1).Clear();
            x.AsSpan(0, 2).CopyTo(h.AsSpan(2));
            var mid = h.AsSpan(1, 3);
            Scale(mid, a[1]);
            mid[0] += x[0];
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += h[i] * x[i];
            return s + mid[1] * mid[2];
        }

        /// <summary>A float view of each jagged row but its first element.</summary>
        [Differentiable]
        public static float RowViews(float[][] x)
        {
            float s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                var r = x[i].AsSpan(1);
                for (int j = 0; j < r.Length; j++) s += r[j] * x[i][0];
            }
            return s;
        }

        /// <summary>TensorPrimitives maps into scratch (in place too), a softmax, and reductions (one over a part).</summary>
        [Differentiable]
        public static double Tensors(double[] x, double[] w)
        {
            var h = new double[x.Length];
            TensorPrimitives.Multiply<double>(x, w, h);
            TensorPrimitives.Tanh<double>(h, h);
            var p = new double[x.Length];
            TensorPrimitives.SoftMax<double>(h, p);
            return TensorPrimitives.Dot<double>(p, x) + TensorPrimitives.Norm<double>(w) + TensorPrimitives.CosineSimilarity<double>(x, w)
                + TensorPrimitives.SumOfSquares<double>(x.AsSpan(1));
        }

        /// <summary>The float overloads: Subtract, Multiply by a scalar in place, SumOfSquares, Max, Distance, IndexOfMax.</summary>
        [Differentiable]
        public static float TensorsF(float[] x, float[] y)
        {
            var d = new float[x.Length];
            TensorPrimitives.Subtract(x, y, d);
            TensorPrimitives.Multiply(d, 2f, d);
            return TensorPrimitives.SumOfSquares(d) + TensorPrimitives.Max(x) + TensorPrimitives.Distance(x, y) + 0.1f * TensorPrimitives.IndexOfMax(x);
        }

        /// <summary>A List&lt;double&gt; parameter: indexed, iterated, its Count.</summary>
        [Differentiable]
        public static double WeightedList(double[] x, System.Collections.Generic.List<double> weights)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += weights[i] * x[i] * x[i];
            foreach (var w in weights) s += 0.1 * w * w;
            return s / weights.Count;
        }

        /// <summary>
        /// Linear interpolation in a lookup table, the cell found the way DIFF0004 advises for '(int)Math.Floor(pos)': by
        /// comparisons (their outcomes are restored for the backward pass); the fraction carries the derivative.
        /// </summary>
        [Differentiable]
        public static double Interpolate(double[] table, double[] t)
        {
            double s = 0;
            int n = table.Length;
            foreach (var u in t)
            {
                double pos = u * (n - 1);
                int i0 = 0;
                while (i0 < n - 2 && pos >= i0 + 1) i0++;
                double frac = pos - i0;
                s += table[i0] * (1 - frac) + table[i0 + 1] * frac;
            }
            return s;
        }

        private static double Softsign(double z) => z / (1 + Math.Abs(z));

        /// <summary>
        /// Enumerable.Repeat(v, n).ToArray(), Array.ConvertAll with a lambda, method groups as selectors (a helper of this file,
        /// Math.Abs, Math.Exp in a Select), and Math.Round(v, digits) (derivative 0, like Round).
        /// </summary>
        [Differentiable]
        public static double LinqForms(double[] x)
        {
            var acc = Enumerable.Repeat(0.5, 3).ToArray();
            for (int i = 0; i < x.Length; i++) acc[i % 3] += x[i];
            var sq = Array.ConvertAll(x, v => v * v + 1);
            double rounded = 0;
            foreach (var v in x) rounded += v * Math.Round(v, 2);
            return acc[0] * acc[1] * acc[2] + sq.Sum() + x.Sum(Softsign) + x.Sum(Math.Abs) + x.Select(Math.Exp).Max() + rounded;
        }

        /// <summary>x.Zip(y) reduced with a selector over the pair (t.First, t.Second), and Select with the index.</summary>
        [Differentiable]
        public static double ZipAndIndex(double[] x, double[] w) =>
            x.Zip(w).Sum(t => t.First * t.Second) + x.Select((v, i) => v * w[i] * i).Sum() + x.Zip(w).Max(p => p.First - 2 * p.Second);

        /// <summary>A reduction mode chosen by a switch expression whose default arm throws (an argument check of the entry points).</summary>
        [Differentiable]
        public static double Reduced(double[] x, string reduction = "mean")
        {
            double s = 0;
            foreach (var v in x) s += v * v;
            return reduction switch
            {
                "sum" => s,
                "mean" => s / x.Length,
                _ => throw new ArgumentException($"unknown reduction '{reduction}'", nameof(reduction)),
            };
        }

        /// <summary>Array.Reverse on a copy.</summary>
        [Differentiable]
        public static double Reversed(double[] x)
        {
            var y = (double[])x.Clone();
            Array.Reverse(y);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += y[i] * x[i] * (i + 1);
            return s;
        }

        /// <summary>An array of structs: foreach, a method of the struct, fields read per particle.</summary>
        [Differentiable(nameof(k))]
        public static double Energy(Particle[] ps, double[] k)
        {
            double e = 0;
            foreach (var p in ps) e += p.Kinetic() * k[1] + 0.5 * k[0] * p.X * p.X;
            return e;
        }

        /// <summary>An array of record structs: a struct local made from each row, fitted by an exponential.</summary>
        [Differentiable]
        public static double ExpFit(Observation[] data, double[] ab)
        {
            double s = 0;
            for (int i = 0; i < data.Length; i++)
            {
                var o = data[i];
                double r = ab[0] * Math.Exp(-ab[1] * o.T) - o.Y;
                s += r * r;
            }
            return s;
        }

        private static double Total(LabelledPoint[] pts, double[] w)
        {
            double s = 0;
            foreach (var d in pts) s += d.W * (w[d.Label] - d.Y) * (w[d.Label] - d.Y);
            return s;
        }

        /// <summary>Structs with an int label, a double weight and a float target, passed to a helper.</summary>
        [Differentiable]
        public static double Labelled(LabelledPoint[] pts, double[] w) => Total(pts, w) / Math.Max(1, pts.Length);
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 11: nullable numbers, as options (parameters) and as "not found yet" locals.</summary>
    public static partial class NaturalRound11Nullable
    {
        /// <summary>Two optional parameters: a scale with a default, a shift that is only used when given.</summary>
        [Differentiable]
        public static double ScaledSquares(double[] x, double? scale = null, double? shift = null)
        {
            double c = scale ?? 1.0;
            double s = 0;
            foreach (var v in x) s += c * v * v + (shift.HasValue ? shift.Value * v : 0);
            return s + (scale is null ? 0 : 0.5) + shift.GetValueOrDefault();
        }

        /// <summary>The largest value and its index so far, then the second largest: nullable locals compared, coalesced, lifted.</summary>
        [Differentiable]
        public static double BestSoFar(double[] x)
        {
            double? best = null;
            int? at = null;
            for (int i = 0; i < x.Length; i++)
            {
                if (best is null || x[i] > best)
                {
                    best = x[i];
                    at = i;
                }
            }
            double? second = null;
            foreach (var v in x)
                if (v < best && (second == null || v > second)) second = v;
            return (best ?? 0) * (second ?? 1) + (at ?? -1) + (best * 2 ?? 0);
        }

        /// <summary>A nullable made by '?:' with null, reset to null, incremented when it has a value; the first value kept by '??='.</summary>
        [Differentiable]
        public static double Differences(double[] x, double[] y)
        {
            double s = 0;
            double? last = null, first = null;
            for (int i = 0; i < x.Length; i++)
            {
                double? d = y[i] > 0 ? x[i] - y[i] : null;
                if (d.HasValue)
                {
                    s += d.Value * d.Value;
                    last = d;
                }
                else last = null;
                if (last != null) last += x[i];
                first ??= d;
            }
            return s + last.GetValueOrDefault(-1) + (last == null ? 1 : 0) + 0.5 * (first ?? 2);
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>A 2-D point with an operator and a method (arrays of these are local structure-of-arrays).</summary>
    public readonly record struct P2(double X, double Y)
    {
        public static P2 operator +(P2 a, P2 b) => new(a.X + b.X, a.Y + b.Y);
        public double Dot(P2 o) => X * o.X + Y * o.Y;
    }

    /// <summary>A body with an int id and a method that changes it.</summary>
    public struct Body
    {
        public double X;
        public double V;
        public int Id;
        public void Step(double dt) { X += V * dt; }
        public readonly double Energy() => V * V;
    }

    /// <summary>Round 11: local arrays of structs (one array per field).</summary>
    public static partial class NaturalRound11Structs
    {
        private static double SumOfSquares(P2[] pts)
        {
            double s = 0;
            foreach (var p in pts) s += p.Dot(p);
            return s;
        }

        /// <summary>Points made from x, combined with the struct's operator, swapped fields, a row copied, passed to a helper.</summary>
        [Differentiable]
        public static double Points(double[] x)
        {
            var pts = new P2[x.Length];
            for (int i = 0; i < x.Length; i++) pts[i] = new P2(x[i], x[i] * x[i]);
            pts[0] = pts[0] + pts[^1];
            pts[^1] = new P2(pts[^1].Y, Math.Sin(pts[^1].X));
            var q = pts[x.Length / 2];
            return SumOfSquares(pts) + q.X * pts.Length;
        }

        /// <summary>Fields written one by one, an int field, a readonly method, a mutating one through a local copy, per-step scratch.</summary>
        [Differentiable]
        public static double Bodies(double[] x, double[] v)
        {
            double e = 0;
            for (int step = 0; step < 2; step++)
            {
                var bs = new Body[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    bs[i].X = x[i];
                    bs[i].V = v[i] * (step + 1);
                    bs[i].Id = i;
                }
                for (int i = 0; i < bs.Length; i++)
                {
                    var b = bs[i];
                    b.Step(0.1);
                    bs[i] = b;
                }
                foreach (var b in bs) e += b.Energy() * b.X + 0.01 * b.Id;
            }
            return e;
        }
    }
}
