using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 26's loss kinds (batch 26's CenterLoss reduction).</summary>
    public enum Round26FormReduction { Sum, Mean, Max }

    /// <summary>
    /// Forms batch 26 used that DiffGen refused before round 26, one small function each (the batch's own functions as
    /// written are <c>NaturalRound26</c>): the unsigned bounds check <c>(uint)i &gt;= (uint)n</c>, a method ending in a switch
    /// whose every section returns or throws, a second name for an array that is later given a new array, an optional array
    /// with a static default table (<c>q ?? Default</c>), a tuple parameter, a local array of tuples, and a static readonly table
    /// of tuples.
    /// </summary>
    public static partial class Round26Forms
    {
        /// <summary>Center loss with the unsigned label check of .NET code, and a reduction chosen by a switch that returns.</summary>
        [Differentiable(nameof(features), nameof(centers))]
        public static double CenterLossChecked(double[][] features, double[][] centers, int[] labels, Round26FormReduction reduction)
        {
            if (features.Length != labels.Length)
                throw new ArgumentException("features and labels must have the same length.");
            double sum = 0.0, worst = 0.0;
            for (int i = 0; i < features.Length; i++)
            {
                int y = labels[i];
                if ((uint)y >= (uint)centers.Length)
                    throw new ArgumentException($"Label {y} has no center.", nameof(labels));
                var x = features[i];
                var c = centers[y];
                double d2 = 0.0;
                for (int k = 0; k < x.Length; k++) { double d = x[k] - c[k]; d2 += d * d; }
                sum += 0.5 * d2;
                worst = Math.Max(worst, d2);
            }
            switch (reduction)
            {
                case Round26FormReduction.Sum:
                    return sum;
                case Round26FormReduction.Mean:
                    return features.Length == 0 ? 0.0 : sum / features.Length;
                default:
                    throw new ArgumentException("Unknown reduction.", nameof(reduction));
            }
        }

        /// <summary>
        /// A 1-D convolution with zero padding written with the unsigned range test <c>(uint)(i + k - pad) &lt; (uint)n</c>, which
        /// is false for a negative position as well as one past the end; then an if/else at the end where both branches return.
        /// </summary>
        [Differentiable(nameof(x), nameof(kernel))]
        public static double PaddedConvUnsigned(double[] x, double[] kernel, int pad, bool squared)
        {
            int n = x.Length, m = kernel.Length;
            double s = 0.0;
            for (int i = 0; i < n; i++)
            {
                double acc = 0.0;
                for (int k = 0; k < m; k++)
                {
                    int j = i + k - pad;
                    if ((uint)j < (uint)n) acc += kernel[k] * x[j];
                }
                s += Math.Tanh(acc);
            }
            if (squared)
                return s * s;
            else
                return s;
        }

        /// <summary>Both sides may be negative: <c>(uint)a &lt;= (uint)b</c> with a and b from int parameters.</summary>
        [Differentiable(nameof(x))]
        public static double UnsignedBothSides(double[] x, int a, int b)
        {
            double s = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                bool le = (uint)(a - i) <= (uint)(b + i);
                bool gt = (uint)(a + i) > (uint)(b - i);
                s += (le ? 1.0 : 0.5) * x[i] * x[i] + (gt ? x[i] : 0.0);
            }
            return s;
        }

        /// <summary>
        /// PPO-style: <c>var adv = advantages;</c>, replaced by a normalised copy when asked
        /// (<c>adv = advantages.Select(...).ToArray();</c>), then read.
        /// </summary>
        [Differentiable(nameof(logits), nameof(advantages))]
        public static double AliasThenNormalized(double[] logits, double[] advantages, bool normalize)
        {
            int n = logits.Length;
            var adv = advantages;
            if (normalize && n > 1)
            {
                double mean = advantages.Average();
                double std = Math.Sqrt(advantages.Select(a => (a - mean) * (a - mean)).Average()) + 1e-8;
                adv = advantages.Select(a => (a - mean) / std).ToArray();
            }
            double s = 0.0;
            for (int t = 0; t < n; t++) s += Math.Tanh(logits[t]) * adv[t];
            return -s / n;
        }

        private static readonly double[] DefaultLevels = { 0.1, 0.5, 0.9 };

        /// <summary>Pinball loss over quantile levels that default to a static table: <c>var taus = levels ?? DefaultLevels;</c>.</summary>
        [Differentiable(nameof(predictions), nameof(levels))]
        public static double PinballDefaultLevels(double[,] predictions, double[] targets, double[]? levels = null)
        {
            var taus = levels ?? DefaultLevels;
            int n = predictions.GetLength(0), q = predictions.GetLength(1);
            if (q != taus.Length) throw new ArgumentException($"Expected {taus.Length} prediction columns, got {q}.", nameof(predictions));
            double loss = 0.0;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < q; k++)
                {
                    double err = targets[i] - predictions[i, k];
                    loss += err >= 0 ? taus[k] * err : (taus[k] - 1) * err;
                }
            return loss / (n * q);
        }

        /// <summary>A planar arm's end point against a target given as a tuple parameter (data), read as <c>target.X</c> and deconstructed.</summary>
        [Differentiable(nameof(angles))]
        public static double ArmToTupleTarget(double[] angles, (double X, double Y) target, double weight)
        {
            double x = 0, y = 0, cum = 0;
            for (int j = 0; j < angles.Length; j++)
            {
                cum += angles[j];
                x += (1.0 - 0.2 * j) * Math.Cos(cum);
                y += (1.0 - 0.2 * j) * Math.Sin(cum);
            }
            var (tx, ty) = target;
            double dx = x - target.X, dy = y - ty;
            return dx * dx + dy * dy + weight * (tx * tx + ty * ty);
        }

        private static readonly (double Lo, double Hi)[] Limits = { (-1.0, 1.0), (-0.5, 2.0), (-2.0, 0.25), (-0.75, 0.75) };

        /// <summary>A joint-limit penalty read from a static readonly table of tuples: <c>var (lo, hi) = Limits[j];</c> and <c>Limits[j].Hi</c>.</summary>
        [Differentiable(nameof(q))]
        public static double LimitPenalty(double[] q, double weight)
        {
            if (q.Length != Limits.Length) throw new ArgumentException($"Expected {Limits.Length} joint angles.", nameof(q));
            double p = 0.0;
            for (int j = 0; j < q.Length; j++)
            {
                var (lo, hi) = Limits[j];
                if (q[j] > Limits[j].Hi) p += weight * (q[j] - hi) * (q[j] - hi);
                else if (q[j] < lo) p += weight * (lo - q[j]) * (lo - q[j]);
                p += 1e-3 * q[j] * q[j];
            }
            return p;
        }

        /// <summary>
        /// A local array of named tuples holding differentiated values: <c>var conics = new (double A, double B, double C)[n];</c>, written
        /// whole (<c>conics[s] = (a, b, c)</c>) and by element (<c>conics[s].B *= 0.5</c>), read deconstructed and by name.
        /// </summary>
        [Differentiable(nameof(splats))]
        public static double TupleArraySplats(double[,] splats, double[] px, double[] py)
        {
            int n = splats.GetLength(0);
            var conics = new (double A, double B, double C)[n];
            for (int s = 0; s < n; s++)
            {
                double sx = Math.Exp(splats[s, 2]), sy = Math.Exp(splats[s, 3]);
                conics[s] = (1.0 / (sx * sx), 0.1 * Math.Tanh(splats[s, 4]), 1.0 / (sy * sy));
                conics[s].B *= 0.5;
            }
            double total = 0.0;
            for (int p = 0; p < px.Length; p++)
            {
                double v = 0.0;
                for (int s = 0; s < n; s++)
                {
                    double dx = px[p] - splats[s, 0], dy = py[p] - splats[s, 1];
                    var (a, b, c) = conics[s];
                    double power = 0.5 * (a * dx * dx + 2 * b * dx * dy + conics[s].C * dy * dy);
                    v += Math.Exp(-power);
                }
                total += v * v;
            }
            return total / px.Length;
        }
        /// <summary>
        /// Newton steps until the step is small, with the step declared without a value (<c>double step;</c>) and read after a
        /// <c>while (true)</c> left by <c>break</c>: the generated code declared it unassigned, which C# refused to compile.
        /// </summary>
        [Differentiable(nameof(x0))]
        public static double SqrtByNewtonUntilSmall(double x0, double target, double tol)
        {
            double x = x0;
            double step;
            int guard = 0;
            while (true)
            {
                step = 0.5 * (x - target / x);
                x -= step;
                if (Math.Abs(step) < tol || ++guard > 60) break;
            }
            return x * x + step;
        }

        /// <summary>The value of the last pass of a do/while, declared without a value and read by the condition and after the loop.</summary>
        [Differentiable(nameof(a))]
        public static double DoWhileLastSquare(double[] a, double limit)
        {
            double last;
            int i = 0;
            do { last = a[i] * a[i]; i++; } while (i < a.Length && last < limit);
            return last + i;
        }

        /// <summary>Kepler's equation by Newton steps in a do/while whose condition reads the step (batch 27's orbit fit).</summary>
        [Differentiable(nameof(meanAnomaly), nameof(eccentricity))]
        public static double KeplerEccentricAnomaly(double meanAnomaly, double eccentricity)
        {
            double e = eccentricity;
            double E = e < 0.8 ? meanAnomaly : Math.PI;
            double delta;
            int iter = 0;
            do
            {
                delta = (E - e * Math.Sin(E) - meanAnomaly) / (1.0 - e * Math.Cos(E));
                E -= delta;
                iter++;
            } while (Math.Abs(delta) > 1e-12 && iter < 50);
            return Math.Cos(E) - e + 0.5 * Math.Sin(E);
        }

        /// <summary>double's generic-math statics ExpM1, LogP1, Exp2, Exp10, Exp2M1, Exp10M1, Log2P1, Log10P1 (.NET computes them as Exp(x) − 1, ...).</summary>
        [Differentiable(nameof(x))]
        public static double ShiftedExpLog(double[] x)
        {
            double s = 0;
            foreach (double v in x)
                s += double.ExpM1(v) - double.LogP1(v * v) + 0.25 * double.Exp2(v) + 0.1 * double.Exp10(0.5 * v)
                    + double.Exp2M1(-v) - double.Exp10M1(0.2 * v) + double.Log2P1(Math.Abs(v)) * double.Log10P1(1 + v * v);
            return s;
        }

        /// <summary>The float forms (float.ExpM1, float.LogP1): a log-return tracking error.</summary>
        [Differentiable(nameof(weights))]
        public static float LogReturnTrackingF(float[] weights, float[] assetReturns, float benchmark)
        {
            float portfolio = 0f;
            for (int k = 0; k < weights.Length; k++) portfolio += weights[k] * float.ExpM1(assetReturns[k]);
            float e = float.LogP1(portfolio) - benchmark;
            return e * e;
        }

        /// <summary>The double twin of <see cref="LogReturnTrackingF"/> (MethodOracle's reference for central differences).</summary>
        public static double LogReturnTrackingFTwin(double[] weights, double[] assetReturns, double benchmark)
        {
            double portfolio = 0;
            for (int k = 0; k < weights.Length; k++) portfolio += weights[k] * double.ExpM1(assetReturns[k]);
            double e = double.LogP1(portfolio) - benchmark;
            return e * e;
        }
        /// <summary>Rows zipped by the user's own iterator method (batch 26's RMSNorm layer): <c>foreach (var (x, y) in Pairs(xs, ys))</c>.</summary>
        [Differentiable(nameof(xs), nameof(w))]
        public static double IteratorPairs(double[][] xs, double[][] ys, double[] w)
        {
            double loss = 0;
            foreach (var (x, y) in Pairs(xs, ys))
            {
                double s = 0;
                for (int i = 0; i < w.Length; i++) s += w[i] * x[i];
                double d = Math.Tanh(s) - y[0];
                loss += d * d;
            }
            return loss;
        }

        private static IEnumerable<(double[], double[])> Pairs(double[][] a, double[][] b)
        {
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
                yield return (a[i], b[i]);
        }

        /// <summary>Every stride-th value from an iterator, with a continue (allowed: the yield ends its loop's body).</summary>
        [Differentiable(nameof(x))]
        public static double StridedSoftplus(double[] x, int stride)
        {
            double s = 0;
            foreach (double v in Strided(x, stride))
            {
                if (v < -2) continue;
                s += Math.Log(1 + Math.Exp(v));
            }
            return s;
        }

        private static IEnumerable<double> Strided(double[] x, int stride)
        {
            for (int i = 0; i < x.Length; i += stride)
                yield return x[i];
        }

        /// <summary>A tuple of values from an iterator with two yields (a header value, then the pairs), read as <c>p.Index</c>, <c>p.Value</c>.</summary>
        [Differentiable(nameof(x))]
        public static double WeightedByPosition(double[] x, double first)
        {
            double s = 0;
            foreach (var p in Indexed(x, first))
                s += (p.Index + 1) * p.Value * p.Value;
            return s;
        }

        private static IEnumerable<(int Index, double Value)> Indexed(double[] x, double first)
        {
            yield return (-1, first);
            for (int i = 0; i < x.Length; i++)
            {
                double v = Math.Sin(x[i]);
                yield return (i, v);
            }
        }
        /// <summary>A hashed feature index with a sign bit (batch 28): <c>unchecked</c> int hashing, <c>%</c>, <c>&gt;&gt;</c> and <c>&amp;</c> on ints.</summary>
        [Differentiable(nameof(weights), nameof(bias))]
        public static double HashedLogistic(double[] weights, double bias, int[] tokenIds, int label)
        {
            int buckets = weights.Length;
            double logit = bias;
            for (int k = 0; k < tokenIds.Length; k++)
            {
                int h = 17;
                unchecked
                {
                    h = h * 31 + tokenIds[k];
                    h = h * 31 + k;
                }
                int idx = ((h % buckets) + buckets) % buckets;
                double sign = ((h >> 16) & 1) == 0 ? 1.0 : -1.0;
                logit += sign * weights[idx];
            }
            double y = label > 0 ? 1.0 : -1.0;
            return Math.Log(1.0 + Math.Exp(-y * logit));
        }

        /// <summary>&amp; | ^ on ints and &amp; ^ on bools in a loop over the elements (printed with every operand parenthesised).</summary>
        [Differentiable(nameof(x))]
        public static double BitMasks(double[] x, int mask)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                int b = (i & mask) | (i ^ 3) & 1;
                bool odd = (i & 1) == 1 & x[i] > 0;
                bool either = i % 3 == 0 ^ mask > 4;
                s += (b == 0 ? 1.0 : 0.5) * x[i] * x[i] + (odd ? x[i] : 0.0) + ((i | mask) ^ mask) * 0.01 * x[i] + (either ? 0.3 * x[i] : 0.0);
            }
            return s;
        }

        /// <summary>Aggregate with a method group (<c>Math.Max</c>, a helper), and without a seed (the first element is the seed).</summary>
        [Differentiable(nameof(x))]
        public static double AggregateForms(double[] x)
        {
            double max = x.Aggregate(double.NegativeInfinity, Math.Max);
            double lse = max + Math.Log(x.Aggregate(0.0, (acc, z) => acc + Math.Exp(z - max)));
            double prod = x.Aggregate((a, b) => a * (1 + 0.1 * b));
            double soft = x.Aggregate(0.0, SoftPlusAdd);
            return lse + prod + soft;
        }

        private static double SoftPlusAdd(double s, double v) => s + Math.Log(1 + Math.Exp(v));
    }
}
