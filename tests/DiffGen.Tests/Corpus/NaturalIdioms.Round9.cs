using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>A 2-D point as a positional record struct with operators, a method and a computed property.</summary>
    public readonly record struct Vec2(double X, double Y)
    {
        public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);
        public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);
        public static Vec2 operator *(Vec2 a, double s) => new(a.X * s, a.Y * s);
        public static Vec2 operator *(double s, Vec2 a) => new(s * a.X, s * a.Y);
        public static Vec2 operator -(Vec2 a) => new(-a.X, -a.Y);
        public double Dot(Vec2 o) => X * o.X + Y * o.Y;
        public double Length => Math.Sqrt(X * X + Y * Y);
        public Vec2 Normalized() { double l = Length; return new Vec2(X / l, Y / l); }
    }

    /// <summary>A running sum as a mutable struct: a void method that changes it, properties computed from its fields.</summary>
    public struct RunningStats
    {
        public double Sum;
        public double SumSq;
        public int Count;

        public void Add(double v)
        {
            Sum += v;
            SumSq += v * v;
            Count++;
        }

        public double Mean => Sum / Count;
        public double Variance => SumSq / Count - Mean * Mean;
    }

    /// <summary>A complex number with an explicit constructor and fields (not System.Numerics.Complex).</summary>
    public struct Cplx
    {
        public double Re, Im;

        public Cplx(double re, double im)
        {
            Re = re;
            Im = im;
        }

        public static Cplx operator *(Cplx a, Cplx b) => new Cplx(a.Re * b.Re - a.Im * b.Im, a.Re * b.Im + a.Im * b.Re);
        public static Cplx operator +(Cplx a, Cplx b) => new Cplx(a.Re + b.Re, a.Im + b.Im);
        public double Abs2() => Re * Re + Im * Im;
    }

    /// <summary>An argmax as a struct with an int field set in a value-dependent branch.</summary>
    public struct BestSoFar
    {
        public int Index;
        public double Value;
    }

    /// <summary>A Gaussian from a primary constructor whose field initializers read its parameters.</summary>
    public struct Gaussian(double mu, double sigma)
    {
        public double Mu = mu;
        public double InvVar = 1 / (sigma * sigma);
        public double LogNorm = -Math.Log(sigma) - 0.9189385332046727;

        public readonly double LogPdf(double x)
        {
            double d = x - Mu;
            return LogNorm - 0.5 * d * d * InvVar;
        }
    }

    /// <summary>A pair of sums with a compound operator use and a scalar-first operator.</summary>
    public struct Moments
    {
        public double A;
        public double B;

        public Moments(double a, double b)
        {
            A = a;
            B = b;
        }

        public static Moments operator +(Moments p, Moments q) => new Moments(p.A + q.A, p.B + q.B);
        public static Moments operator *(double s, Moments p) => new Moments(s * p.A, s * p.B);
    }

    /// <summary>
    /// Issue 10, a ninth round (docs/natural-csharp.md): struct values split into their fields. Locals, helper parameters
    /// and results of user structs (record structs, mutable accumulators, explicit and primary constructors), their
    /// operators, methods and computed properties.
    /// </summary>
    public static partial class NaturalRound9
    {
        /// <summary>Springs between consecutive points: operators, a computed length, a method, a unary minus.</summary>
        [Differentiable]
        public static double Springs(double[] px, double[] py)
        {
            double e = 0;
            for (int i = 0; i + 1 < px.Length; i++)
            {
                var a = new Vec2(px[i], py[i]);
                var b = new Vec2(px[i + 1], py[i + 1]);
                var d = b - a;
                double len = d.Length;
                e += 0.5 * (len - 1) * (len - 1) + 0.1 * (-d).Dot(a * 2);
            }
            return e;
        }

        /// <summary>The variance through a mutable accumulator struct filled by foreach.</summary>
        [Differentiable]
        public static double Variance(double[] x)
        {
            var s = new RunningStats();
            foreach (var v in x) s.Add(v);
            return s.Variance;
        }

        /// <summary>|Π (re_k + i·im_k)|², the product carried in a struct local reassigned every iteration.</summary>
        [Differentiable]
        public static double ComplexProduct(double[] re, double[] im)
        {
            var z = new Cplx(1, 0);
            for (int i = 0; i < re.Length; i++) z = z * new Cplx(re[i], im[i]);
            return z.Abs2();
        }

        private static Vec2 Rotate(Vec2 p, double t) =>
            new Vec2(p.X * Math.Cos(t) - p.Y * Math.Sin(t), p.X * Math.Sin(t) + p.Y * Math.Cos(t));

        /// <summary>A static helper taking and returning a struct, 'with', deconstruction, a method returning a struct.</summary>
        [Differentiable]
        public static double Rotations(double[] x, [Constant] double t)
        {
            double s = 0;
            for (int i = 0; i + 1 < x.Length; i += 2)
            {
                var q = Rotate(new Vec2(x[i], x[i + 1]), t);
                var r = q with { Y = 0.5 };
                var (u, w) = q;
                s += r.X * q.Y + u * u - w + q.Normalized().X;
            }
            return s;
        }

        /// <summary>'+=' with the struct's operator, a field of a local written, '?:' between structs, default, a local set field by field.</summary>
        [Differentiable]
        public static double Accumulate(double[] w, double[] x)
        {
            var acc = new Moments(0, 0);
            for (int i = 0; i < w.Length; i++)
            {
                acc += w[i] * new Moments(x[i], x[i] * x[i]);
                acc.A += 0.25;
            }
            Moments other;
            other.A = acc.B;
            other.B = 1;
            var pick = acc.A > 1 ? acc : other;
            return pick.A * pick.B + default(Moments).A + Math.Sin(other.A);
        }

        /// <summary>An argmax kept in a struct (object initializer; an int field assigned under a comparison).</summary>
        [Differentiable]
        public static double BestPick(double[] x, double[] w)
        {
            var best = new BestSoFar { Index = 0, Value = x[0] };
            for (int i = 1; i < x.Length; i++)
                if (x[i] > best.Value)
                {
                    best.Value = x[i];
                    best.Index = i;
                }
            return best.Value * w[best.Index];
        }

        /// <summary>A Gaussian log-likelihood through a struct built by a primary constructor with field initializers.</summary>
        [Differentiable]
        public static double GaussianNll(double[] x, double[] mu, double[] sigma)
        {
            double nll = 0;
            for (int i = 0; i < x.Length; i++)
            {
                var g = new Gaussian(mu[i], sigma[i]);
                nll -= g.LogPdf(x[i]);
            }
            return nll;
        }

        /// <summary>System.Numerics.Complex: a product carried through a loop, Exp, division, conjugate, magnitude, phase, Log, conversions.</summary>
        [Differentiable]
        public static double ComplexLibrary(double[] re, double[] im)
        {
            var z = Complex.One;
            Complex acc = 0.5;
            for (int i = 0; i < re.Length; i++)
            {
                z *= new Complex(re[i], im[i]);
                acc += Complex.Exp(z) / (z + 2.0) - Complex.Conjugate(z) * 0.1;
            }
            return z.Magnitude + Complex.Abs(acc) + acc.Phase + Complex.Log(z).Real + (2 * z).Imaginary
                + Complex.FromPolarCoordinates(re[0], im[0]).Real + Complex.Reciprocal(z).Real - (-z).Imaginary;
        }

        /// <summary>System.Numerics.Vector2/3/4 in a float method: points from an array, dot, length, distance, cross, normalize, lerp, max.</summary>
        [Differentiable]
        public static float VectorLibrary(float[] x)
        {
            float s = 0;
            var prev = Vector3.Zero;
            for (int i = 0; i + 2 < x.Length; i += 3)
            {
                var v = new Vector3(x[i], x[i + 1], x[i + 2]);
                s += Vector3.Dot(v, v) + v.Length() + Vector3.Distance(v, prev) + Vector3.Cross(v, Vector3.UnitX).Y + Vector3.Normalize(v).Z
                    + (v * 2 - prev / 3f).X + Vector3.Lerp(v, prev, 0.3f).Y + Vector3.Max(v, prev).X;
                prev = -v;
            }
            var w = new Vector2(s, 1);
            var q = new Vector4(w, 2, 3);
            return s + q.Z * w.LengthSquared();
        }

        /// <summary>Arrays made by LINQ: Select(...).ToArray() (with and without the index), over Enumerable.Range, and Zip(...).ToArray().</summary>
        [Differentiable]
        public static double LinqArrays(double[] x, double[] y)
        {
            var e = x.Select(v => Math.Exp(v)).ToArray();
            double z = e.Sum();
            var d = Enumerable.Range(0, x.Length - 1).Select(i => x[i + 1] - x[i]).ToArray();
            double[] w = x.Select((v, i) => v * (i + 1)).ToArray();
            var p = w.Zip(y, (a, b) => a * b).ToArray();
            return e.Select(v => v / z).Max() + d.Sum(v => v * v) + p.Sum();
        }

        /// <summary>A List local collecting the positive squares: Add under an if in a foreach, Count, indexing, foreach over it, LINQ on it.</summary>
        [Differentiable]
        public static double ListCollect(double[] x)
        {
            var kept = new List<double>();
            foreach (var v in x)
                if (v > 0) kept.Add(v * v);
            double s = 0;
            for (int i = 0; i < kept.Count; i++) s += kept[i] * (i + 1);
            double m = kept.Count == 0 ? 0 : kept.Max();
            double lse = 0;
            foreach (var v in kept) lse += Math.Exp(v - m);
            return kept.Count == 0 ? 0 : s / kept.Count + m + Math.Log(lse) + kept.Sum(v => Math.Sqrt(v + 1)) + kept.Average();
        }

        /// <summary>A List per row (declared in the loop, cleared, re-filled), first values from a collection initializer, a double loop around an Add.</summary>
        [Differentiable]
        public static double ListPerRow(double[,] x, [Constant] double threshold)
        {
            int n = x.GetLength(0), m = x.GetLength(1);
            double s = 0;
            for (int r = 0; r < n; r++)
            {
                List<double> big = new() { 0.5 };
                for (int j = 0; j < m; j++)
                    if (x[r, j] > threshold) big.Add(x[r, j]);
                foreach (var v in big) s += v * v / big.Count;
                big.Clear();
                for (int j = 1; j < m; j++)
                    for (int k = 0; k < m; k++)
                        if (k < j) big.Add(x[r, j] * x[r, k]);
                for (int i = 0; i < big.Count; i++) s += Math.Tanh(big[i]) * 0.1;
            }
            return s;
        }

        private static Vec2 Half(Vec2 z) => z * 0.5;

        /// <summary>Struct values in a while condition (an operator, a helper's result, a computed property), evaluated on every test.</summary>
        [Differentiable]
        public static double WhileOnStructs(double[] c)
        {
            var z = new Vec2(0, 0);
            int it = 0;
            while ((Half(z) + new Vec2(c[0], c[1])).Length < 3 && it < 6)
            {
                z = Half(z) + new Vec2(c[0] * c[0], c[1]);
                it++;
            }
            return z.X * z.Y + it;
        }

        /// <summary>A median and a trimmed mean of squares through Array.Sort of a copy, plus the first sample of a class found by Array.IndexOf.</summary>
        [Differentiable]
        public static double SortedStats(double[] x, int[] labels, int cls)
        {
            var c = (double[])x.Clone();
            Array.Sort(c);
            double median = c[c.Length / 2];
            var sq = new double[x.Length];
            for (int i = 0; i < x.Length; i++) sq[i] = x[i] * x[i];
            Array.Sort(sq);
            double trimmed = 0;
            for (int i = 1; i < sq.Length - 1; i++) trimmed += sq[i];
            int first = Array.IndexOf(labels, cls);
            return median + trimmed / (sq.Length - 2) + (first >= 0 ? 2 * x[first] : 0);
        }

        private static double MeanAfter(RunningStats s, double v)
        {
            s.Add(v); // changes the helper's copy, not the caller's
            return s.Mean;
        }

        /// <summary>A struct passed by value to a helper that changes its copy: the caller's struct keeps its fields.</summary>
        [Differentiable]
        public static double CopySemantics(double[] x)
        {
            var s = new RunningStats();
            for (int i = 0; i < x.Length; i++) s.Add(x[i]);
            double m = MeanAfter(s, 10 * x[0]);
            return m * s.Mean + s.Count;
        }
    }
}
