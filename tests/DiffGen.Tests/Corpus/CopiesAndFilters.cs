using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, round 21: one function per form batch 21 (and the rest of batch 20) needed. A 2-D array initializer and a
    /// foreach over listed values (a camera's reprojection residuals); local arrays given new arrays (a chain of transforms, a
    /// leapfrog integrator's accelerations, a reset with 'new'); helpers returning a fresh array or a tuple of arrays; Where in
    /// a reduction (the test guards the value: a Log of a negative element that fails the test is never taken); Select over
    /// the rows of a jagged array; 'x is double v' on a nullable parameter; scratch arrays whose size changes per row, bounded
    /// by the data (len - k + 1, n / pool, the elements of an int[] of sizes, a span part of that size).
    /// </summary>
    public static partial class CopiesAndFilters
    {
        [Differentiable]
        public static double ProjectedResiduals(double[] pose, double[,] points, double[,] observed, double delta = 1.0)
        {
            double c = Math.Cos(pose[0]), s = Math.Sin(pose[0]);
            var r = new double[2, 2]
            {
                { c, -s },
                { s, c },
            };
            double loss = 0;
            for (int i = 0; i < points.GetLength(0); i++)
            {
                double u = r[0, 0] * points[i, 0] + r[0, 1] * points[i, 1] + pose[1];
                double v = r[1, 0] * points[i, 0] + r[1, 1] * points[i, 1] + pose[2];
                foreach (double res in new[] { u - observed[i, 0], v - observed[i, 1] })
                {
                    double a = Math.Abs(res);
                    loss += a <= delta ? 0.5 * res * res : delta * (a - 0.5 * delta);
                }
            }
            return loss;
        }

        /// <summary>
        /// The same choice written by hand (no foreach over listed values): a regression for the reverse sweep, which refilled
        /// 'res' from du and dv before replaying the statements that compute them for the same iteration.
        /// </summary>
        [Differentiable]
        public static double ChosenResiduals(double[] shift, double[,] points, double[,] observed, double delta = 1.0)
        {
            double loss = 0;
            for (int i = 0; i < points.GetLength(0); i++)
            {
                double du = points[i, 0] * shift[0] + shift[1] - observed[i, 0];
                double dv = points[i, 1] * shift[0] + shift[2] - observed[i, 1];
                for (int k = 0; k < 2; k++)
                {
                    double res = k == 0 ? du : dv;
                    double a = Math.Abs(res);
                    loss += a <= delta ? 0.5 * res * res : delta * (a - 0.5 * delta);
                }
            }
            return loss;
        }

        [Differentiable]
        public static double ArmReach(double[] angles, double[] lengths, double[] target)
        {
            double[,] pose = Identity();
            for (int j = 0; j < angles.Length; j++)
            {
                double[,] link = Link(angles[j], lengths[j]);
                pose = Multiply(pose, link);
            }
            double dx = pose[0, 2] - target[0], dy = pose[1, 2] - target[1];
            return dx * dx + dy * dy + 0.1 * (pose[0, 0] - 1) * (pose[0, 0] - 1);
        }

        private static double[,] Link(double theta, double length)
        {
            double ct = Math.Cos(theta), st = Math.Sin(theta);
            return new double[,]
            {
                { ct, -st, length * ct },
                { st, ct, length * st },
                { 0, 0, 1 },
            };
        }

        private static double[,] Multiply(double[,] a, double[,] b)
        {
            var c = new double[3, 3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < 3; k++) sum += a[i, k] * b[k, j];
                    c[i, j] = sum;
                }
            return c;
        }

        private static double[,] Identity()
        {
            var m = new double[3, 3];
            for (int i = 0; i < 3; i++) m[i, i] = 1.0;
            return m;
        }

        [Differentiable]
        public static double LeapfrogEnergy(double[] x0, double[] v0, double stiffness, double dt = 0.05, int steps = 12)
        {
            int n = x0.Length;
            double[] Forces(double[] p)
            {
                var f = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double left = i > 0 ? p[i - 1] : 0.0, right = i < n - 1 ? p[i + 1] : 0.0;
                    f[i] = stiffness * (left + right - 2 * p[i]) - 0.1 * p[i] * p[i] * p[i];
                }
                return f;
            }
            var x = (double[])x0.Clone();
            var v = (double[])v0.Clone();
            var a = Forces(x);
            double work = 0;
            for (int step = 0; step < steps; step++)
            {
                for (int i = 0; i < n; i++) v[i] += 0.5 * dt * a[i];
                for (int i = 0; i < n; i++) x[i] += dt * v[i];
                a = Forces(x);
                for (int i = 0; i < n; i++) v[i] += 0.5 * dt * a[i];
                var kinetic = new double[n];
                for (int i = 0; i < n; i++) kinetic[i] = 0.5 * v[i] * v[i];
                work += kinetic.Sum();
                kinetic = new double[n]; // a reset: zeros again
                work += kinetic.Sum();
            }
            return work + x.Sum(p => p * p);
        }

        /// <summary>The new array has m elements: the same program when m == x.Length, an exception naming 'buffer' otherwise.</summary>
        [Differentiable]
        public static double Resampled(double[] x, int m)
        {
            var buffer = new double[x.Length];
            for (int i = 0; i < x.Length; i++) buffer[i] = x[i] * x[i];
            buffer = Enumerable.Range(0, m).Select(i => buffer[(i + 1) % x.Length] + x[i % x.Length]).ToArray();
            double s = 0;
            for (int i = 0; i < buffer.Length; i++) s += Math.Sin(buffer[i]);
            return s;
        }

        [Differentiable]
        public static double Distilled(double[][] student, double[][] teacher, int[] labels, double temperature = 2.0)
        {
            double soft = 0, hard = 0;
            for (int b = 0; b < student.Length; b++)
            {
                var (sLog, _) = LogSoftmax(student[b], temperature);
                var (tLog, tProb) = LogSoftmax(teacher[b], temperature);
                for (int c = 0; c < sLog.Length; c++) soft += tProb[c] * (tLog[c] - sLog[c]);
                var (plain, _) = LogSoftmax(student[b], 1.0);
                hard -= plain[labels[b]];
            }
            return (temperature * temperature * soft + hard) / student.Length;
        }

        private static (double[] LogProbs, double[] Probs) LogSoftmax(double[] logits, double temperature)
        {
            var scaled = logits.Select(v => v / temperature).ToArray();
            double max = scaled.Max();
            double lse = max + Math.Log(scaled.Sum(v => Math.Exp(v - max)));
            var logProbs = scaled.Select(v => v - lse).ToArray();
            var probs = logProbs.Select(Math.Exp).ToArray();
            return (logProbs, probs);
        }

        /// <summary>fixedMask marks entries that are not logged; they may be negative (their Log is never taken).</summary>
        [Differentiable]
        public static double FilteredSums(double[] w, bool[] fixedMask, double penalty = 3.0)
        {
            double negative = w.Where(v => v < 0).Sum(v => v * v);
            double logs = Enumerable.Range(0, w.Length).Where(i => !fixedMask[i]).Sum(i => Math.Log(w[i]));
            double meanPositive = w.Where(v => v > 0).Average(v => Math.Sqrt(v));
            double largest = w.Where(v => v < 1.5).Max();
            double smallestSquare = w.Where(v => v > -2).Select(v => v * v + 0.5).Min();
            return penalty * negative + logs + meanPositive + largest + smallestSquare;
        }

        [Differentiable]
        public static double RowNormLoss(double[][] rows, double[] targets)
        {
            double[] norms = rows.Select(r => Math.Sqrt(r.Sum(v => v * v)) + 1e-12).ToArray();
            double[] sums = rows.Select((r, i) => r.Sum() * targets[i]).ToArray();
            double loss = 0;
            for (int i = 0; i < norms.Length; i++) loss += (norms[i] - targets[i]) * (norms[i] - targets[i]) + 0.1 * sums[i];
            return loss;
        }

        [Differentiable]
        public static double ScaledResiduals(double[] x, double[] y, double? logSigma = null)
        {
            double ss = 0;
            for (int i = 0; i < x.Length; i++) ss += (x[i] - y[i]) * (x[i] - y[i]);
            if (logSigma is double ls)
            {
                double s2 = Math.Exp(2 * ls);
                return 0.5 * x.Length * 2 * ls + 0.5 * ss / s2;
            }
            return 0.5 * x.Length * Math.Log(ss / x.Length);
        }

        /// <summary>Frames of several sizes: a window and a span part per size, and a 1-D convolution whose output length is len - k + 1.</summary>
        [Differentiable]
        public static double MultiScaleEnergy(double[] signal, int[] sizes, double[] kernel, int pool = 2)
        {
            double total = 0;
            foreach (int size in sizes)
            {
                double[] window = Enumerable.Range(0, size).Select(t => 0.5 - 0.5 * Math.Cos(2 * Math.PI * t / size)).ToArray();
                for (int start = 0; start + size <= signal.Length; start += size)
                {
                    ReadOnlySpan<double> frame = signal.AsSpan(start, size);
                    total += WindowedPower(frame, window);
                }
            }
            for (int r = 0; r < sizes.Length; r++)
            {
                int len = sizes[r];
                int convLen = len - kernel.Length + 1;
                int pooled = convLen / pool;
                var conv = new double[convLen];
                for (int t = 0; t < convLen; t++)
                    for (int k = 0; k < kernel.Length; k++) conv[t] += kernel[k] * signal[t + k];
                var features = new double[pooled];
                for (int p = 0; p < pooled; p++) features[p] = Math.Max(conv[p * pool], conv[p * pool + 1]);
                total += features.Sum(f => f * f);
            }
            return total;
        }

        private static double WindowedPower(ReadOnlySpan<double> frame, double[] window)
        {
            double s = 0;
            for (int t = 0; t < frame.Length; t++) s += frame[t] * window[t] * frame[t] * window[t];
            return s / frame.Length;
        }
    }
}
