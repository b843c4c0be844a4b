using System;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 29: probe batch 29, 40 small natural functions in seven classes (Losses, Nn, Physics, Stats, Finance, Signal,
    /// Graphics) and one layer class, one idiom each; 38 accepted, here as written, as static methods of one class (the
    /// author's bodies, parameters and attributes). Not here: Physics.ParticleSystemEnergy (DIFF0004 in the probe, 'ref Particle p =
    /// ref ps[i]' into a local array of structs; accepted since, and in the corpus as written in <see cref="RefStructElements"/>) and
    /// Graphics.BezierPoint (DIFF0006, a recursive de Casteljau step). Losses.SmoothL1 (an enum default
    /// 'reduction = Reduction.Mean') is here as written: its generated entry points gave CS1750 in the probe, fixed at
    /// 37c50ee. The batch's types are declared below with a Round29 prefix (<see cref="Round29Reduction"/>,
    /// <see cref="Round29Compounding"/>, <see cref="Round29MlpConfig"/>, <see cref="Round29Vec2"/>,
    /// <see cref="Round29Vec3"/>); DenseLayer's instance method is in <see cref="Round29DenseLayer"/>. Helpers are kept
    /// beside their functions as private static helpers (SquaredDistance, Square&lt;T&gt;, MeanStd, NormCdf); no name
    /// clashes, so nothing is renamed.
    /// </summary>
    public static partial class NaturalRound29
    {
        // ================================================================ Losses

        // Losses.MseLoss as written. Idioms: guard clauses, LINQ Zip and Average.

        [Differentiable]
        public static double MseLoss(double[] pred, [Constant] double[] target)
        {
            if (pred.Length != target.Length)
                throw new ArgumentException("pred and target must have the same length", nameof(target));
            if (pred.Length == 0)
                throw new ArgumentException("empty input", nameof(pred));
            return pred.Zip(target, (p, t) => (p - t) * (p - t)).Average();
        }

        // Losses.HuberLoss as written. Idioms: an optional parameter, a Math.Abs branch.

        [Differentiable(nameof(pred))]
        public static double HuberLoss(double[] pred, double[] target, double delta = 1.0)
        {
            double total = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = pred[i] - target[i];
                double a = Math.Abs(r);
                total += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
            }
            return total / pred.Length;
        }

        // Losses.SoftmaxCrossEntropy as written. Idioms: an int label, a running max (stable log-sum-exp).

        [Differentiable]
        public static double SoftmaxCrossEntropy(double[] logits, int label)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < logits.Length; i++)
                if (logits[i] > max) max = logits[i];
            double sum = 0;
            for (int i = 0; i < logits.Length; i++)
                sum += Math.Exp(logits[i] - max);
            return Math.Log(sum) + max - logits[label];
        }

        // Losses.BceWithLogits as written. Idioms: float, MathF, a log1p-style softplus.

        [Differentiable(nameof(logits))]
        public static float BceWithLogits(float[] logits, float[] targets)
        {
            float loss = 0f;
            for (int i = 0; i < logits.Length; i++)
            {
                float x = logits[i];
                // stable form: max(x,0) - x*t + log(1 + exp(-|x|))
                loss += MathF.Max(x, 0f) - x * targets[i] + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
            }
            return loss / logits.Length;
        }

        // Losses.FocalLoss as written. Idioms: a static local function, Math.Pow.

        [Differentiable(nameof(logits))]
        public static double FocalLoss(double[] logits, int[] labels, double gamma = 2.0, double alpha = 0.25)
        {
            static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = Sigmoid(logits[i]);
                double pt = labels[i] == 1 ? p : 1 - p;
                double at = labels[i] == 1 ? alpha : 1 - alpha;
                loss -= at * Math.Pow(1 - pt, gamma) * Math.Log(pt);
            }
            return loss / logits.Length;
        }

        // Losses.KlDivergence as written. Idiom: foreach with a manual index counter.

        [Differentiable]
        public static double KlDivergence(double[] p, double[] q)
        {
            double kl = 0;
            int i = 0;
            foreach (var pi in p)
            {
                if (pi > 0)
                    kl += pi * Math.Log(pi / q[i]);
                i++;
            }
            return kl;
        }

        // Losses.TripletLoss as written. Idioms: a static helper method (SquaredDistance), a Math.Max hinge, an optional margin.

        private static double SquaredDistance(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double d = a[i] - b[i];
                s += d * d;
            }
            return s;
        }

        [Differentiable(nameof(anchor), nameof(positive), nameof(negative))]
        public static double TripletLoss(double[] anchor, double[] positive, double[] negative, double margin = 0.2)
        {
            double dPos = SquaredDistance(anchor, positive);
            double dNeg = SquaredDistance(anchor, negative);
            return Math.Max(0.0, dPos - dNeg + margin);
        }

        // Losses.SmoothL1 as written. Idioms: an enum mode with an enum default (Round29Reduction.Mean), a switch expression
        // over LINQ Sum, Average and Max.

        [Differentiable(nameof(pred))]
        public static double SmoothL1(double[] pred, double[] target, Round29Reduction reduction = Round29Reduction.Mean, double beta = 1.0)
        {
            var losses = new double[pred.Length];
            for (int i = 0; i < pred.Length; i++)
            {
                double d = Math.Abs(pred[i] - target[i]);
                losses[i] = d < beta ? 0.5 * d * d / beta : d - 0.5 * beta;
            }
            return reduction switch
            {
                Round29Reduction.Sum => losses.Sum(),
                Round29Reduction.Mean => losses.Average(),
                Round29Reduction.Max => losses.Max(),
                _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
            };
        }

        // Losses.LogCoshLoss as written. Idiom: ReadOnlySpan<double> parameters.

        [Differentiable]
        public static double LogCoshLoss(ReadOnlySpan<double> pred, [Constant] ReadOnlySpan<double> target)
        {
            double sum = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double d = pred[i] - target[i];
                sum += Math.Log(Math.Cosh(d));
            }
            return sum / pred.Length;
        }

        // Losses.MaskedMse as written. Idioms: continue on double.IsNaN, an int counter.

        [Differentiable(nameof(pred))]
        public static double MaskedMse(double[] pred, double[] target)
        {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                if (double.IsNaN(target[i]))
                    continue;
                double d = pred[i] - target[i];
                sum += d * d;
                count++;
            }
            return count == 0 ? 0.0 : sum / count;
        }

        // ================================================================ Nn

        // Nn.MlpLoss as written. Idioms: double[][,] weights of differing widths, a new scratch array per layer ('act = next').

        [Differentiable(nameof(weights), nameof(biases))]
        public static double MlpLoss(double[][,] weights, double[][] biases, double[] input, double target)
        {
            double[] act = input;
            for (int l = 0; l < weights.Length; l++)
            {
                var w = weights[l];
                int outDim = w.GetLength(0), inDim = w.GetLength(1);
                var next = new double[outDim];
                for (int o = 0; o < outDim; o++)
                {
                    double z = biases[l][o];
                    for (int i = 0; i < inDim; i++)
                        z += w[o, i] * act[i];
                    next[o] = l == weights.Length - 1 ? z : Math.Tanh(z);
                }
                act = next;
            }
            double err = act[0] - target;
            return 0.5 * err * err;
        }

        // Nn.BatchNormLoss as written. Idiom: batch norm over T[,] (batch x features), an optional eps.

        [Differentiable(nameof(x), nameof(gamma), nameof(beta))]
        public static double BatchNormLoss(double[,] x, double[] gamma, double[] beta, double[,] upstream, double eps = 1e-5)
        {
            int n = x.GetLength(0), f = x.GetLength(1);
            double loss = 0;
            for (int j = 0; j < f; j++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[i, j];
                mean /= n;
                double variance = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = x[i, j] - mean;
                    variance += d * d;
                }
                variance /= n;
                double invStd = 1.0 / Math.Sqrt(variance + eps);
                for (int i = 0; i < n; i++)
                {
                    double y = gamma[j] * (x[i, j] - mean) * invStd + beta[j];
                    loss += upstream[i, j] * y;
                }
            }
            return loss;
        }

        // Nn.AttentionHead as written. Idioms: one attention head, a scratch array of scores reused per query row.

        [Differentiable(nameof(wq), nameof(wk), nameof(wv))]
        public static double AttentionHead(double[,] x, double[,] wq, double[,] wk, double[,] wv)
        {
            int t = x.GetLength(0), dModel = x.GetLength(1), dk = wq.GetLength(1);
            var q = new double[t, dk];
            var k = new double[t, dk];
            var v = new double[t, dk];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < dk; j++)
                {
                    double sq = 0, sk = 0, sv = 0;
                    for (int m = 0; m < dModel; m++)
                    {
                        sq += x[i, m] * wq[m, j];
                        sk += x[i, m] * wk[m, j];
                        sv += x[i, m] * wv[m, j];
                    }
                    q[i, j] = sq; k[i, j] = sk; v[i, j] = sv;
                }

            double scale = 1.0 / Math.Sqrt(dk);
            double result = 0;
            var scores = new double[t];
            for (int i = 0; i < t; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < t; j++)
                {
                    double s = 0;
                    for (int m = 0; m < dk; m++) s += q[i, m] * k[j, m];
                    scores[j] = s * scale;
                    max = Math.Max(max, scores[j]);
                }
                double z = 0;
                for (int j = 0; j < t; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    z += scores[j];
                }
                for (int m = 0; m < dk; m++)
                {
                    double o = 0;
                    for (int j = 0; j < t; j++) o += scores[j] / z * v[j, m];
                    result += o * o;
                }
            }
            return result;
        }

        // Nn.GruSequence as written. Idioms: a GRU over a jagged sequence, new gate arrays per step, 'h = hNew'.

        [Differentiable(nameof(wz), nameof(uz), nameof(wr), nameof(ur), nameof(wh), nameof(uh))]
        public static double GruSequence(double[][] xs, double[,] wz, double[,] uz, double[,] wr, double[,] ur, double[,] wh, double[,] uh)
        {
            int hidden = uz.GetLength(0);
            var h = new double[hidden];
            for (int t = 0; t < xs.Length; t++)
            {
                var x = xs[t];
                var r = new double[hidden];
                var zGate = new double[hidden];
                for (int i = 0; i < hidden; i++)
                {
                    double ar = 0, az = 0;
                    for (int j = 0; j < x.Length; j++) { ar += wr[i, j] * x[j]; az += wz[i, j] * x[j]; }
                    for (int j = 0; j < hidden; j++) { ar += ur[i, j] * h[j]; az += uz[i, j] * h[j]; }
                    r[i] = 1.0 / (1.0 + Math.Exp(-ar));
                    zGate[i] = 1.0 / (1.0 + Math.Exp(-az));
                }
                var hNew = new double[hidden];
                for (int i = 0; i < hidden; i++)
                {
                    double ah = 0;
                    for (int j = 0; j < x.Length; j++) ah += wh[i, j] * x[j];
                    for (int j = 0; j < hidden; j++) ah += uh[i, j] * (r[j] * h[j]);
                    double cand = Math.Tanh(ah);
                    hNew[i] = (1 - zGate[i]) * h[i] + zGate[i] * cand;
                }
                h = hNew;
            }
            double sum = 0;
            for (int i = 0; i < hidden; i++) sum += h[i];
            return sum;
        }

        // Nn.ExpectedValueSoftmax as written. Idioms: LINQ Max, Select(...).ToArray(), Sum and Zip.

        [Differentiable(nameof(logits))]
        public static double ExpectedValueSoftmax(double[] logits, double[] values)
        {
            double max = logits.Max();
            var exps = logits.Select(z => Math.Exp(z - max)).ToArray();
            double total = exps.Sum();
            return exps.Zip(values, (e, v) => e / total * v).Sum();
        }

        // Nn.LayerNormF as written. Idioms: float layer norm with MathF, an optional float eps.

        [Differentiable(nameof(x), nameof(gain), nameof(bias))]
        public static float LayerNormF(float[] x, float[] gain, float[] bias, float eps = 1e-5f)
        {
            int n = x.Length;
            float mean = 0f;
            for (int i = 0; i < n; i++) mean += x[i];
            mean /= n;
            float variance = 0f;
            for (int i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
            variance /= n;
            float inv = 1f / MathF.Sqrt(variance + eps);
            float outSum = 0f;
            for (int i = 0; i < n; i++)
                outSum += MathF.Tanh(gain[i] * (x[i] - mean) * inv + bias[i]);
            return outSum;
        }

        // Nn.MaxPoolReadout as written. Idioms: argmax max-pooling, int counters ('w[outIdx++]', 'start += pool').

        [Differentiable]
        public static double MaxPoolReadout(double[] x, double[] w, int pool)
        {
            double total = 0;
            int outIdx = 0;
            for (int start = 0; start + pool <= x.Length; start += pool)
            {
                int best = start;
                for (int i = start + 1; i < start + pool; i++)
                    if (x[i] > x[best]) best = i;
                total += w[outIdx++] * x[best];
            }
            return total;
        }

        // Nn.Conv2dLoss as written. Idioms: conv2d on T[,,] (channels x height x width), a softplus.

        [Differentiable(nameof(kernel), nameof(bias))]
        public static double Conv2dLoss(double[,,] input, double[,,] kernel, double bias)
        {
            int c = input.GetLength(0), h = input.GetLength(1), w = input.GetLength(2);
            int kh = kernel.GetLength(1), kw = kernel.GetLength(2);
            double loss = 0;
            for (int y = 0; y + kh <= h; y++)
                for (int x = 0; x + kw <= w; x++)
                {
                    double acc = bias;
                    for (int ch = 0; ch < c; ch++)
                        for (int dy = 0; dy < kh; dy++)
                            for (int dx = 0; dx < kw; dx++)
                                acc += input[ch, y + dy, x + dx] * kernel[ch, dy, dx];
                    loss += Math.Log(1 + Math.Exp(acc));
                }
            return loss;
        }

        // Nn.LeakyNetLoss as written. Idioms: a Func<double, double> lambda activation capturing a record config
        // (Round29MlpConfig).

        [Differentiable(nameof(w1), nameof(w2))]
        public static double LeakyNetLoss(double[,] w1, double[] w2, double[] x, double y, Round29MlpConfig cfg)
        {
            Func<double, double> act = z => z > 0 ? z : cfg.LeakySlope * z;
            int hidden = w2.Length;
            double output = 0, reg = 0;
            for (int h = 0; h < hidden; h++)
            {
                double z = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    z += w1[h, i] * x[i];
                    reg += w1[h, i] * w1[h, i];
                }
                output += w2[h] * act(z);
                reg += w2[h] * w2[h];
            }
            double err = output - y;
            return err * err + cfg.L2 * reg;
        }

        // ================================================================ Physics

        // Physics.ProjectileRange as written. Idioms: while (true) with a break, Euler integration, a local const.

        [Differentiable(nameof(v0), nameof(angle), nameof(drag))]
        public static double ProjectileRange(double v0, double angle, double drag, double dt = 1e-3)
        {
            const double g = 9.81;
            double x = 0, y = 0;
            double vx = v0 * Math.Cos(angle), vy = v0 * Math.Sin(angle);
            while (true)
            {
                double speed = Math.Sqrt(vx * vx + vy * vy);
                vx -= drag * speed * vx * dt;
                vy -= (g + drag * speed * vy) * dt;
                x += vx * dt;
                y += vy * dt;
                if (y < 0) break;
            }
            return x;
        }

        // Physics.SpringChainEnergy as written. Idiom: a record struct Vec2 (Round29Vec2) with an operator and a property.

        [Differentiable(nameof(xs), nameof(ys), nameof(stiffness))]
        public static double SpringChainEnergy(double[] xs, double[] ys, double stiffness, double restLength)
        {
            double energy = 0;
            for (int i = 0; i + 1 < xs.Length; i++)
            {
                var a = new Round29Vec2(xs[i], ys[i]);
                var b = new Round29Vec2(xs[i + 1], ys[i + 1]);
                double stretch = (b - a).Length - restLength;
                energy += 0.5 * stiffness * stretch * stretch;
            }
            return energy;
        }

        // Physics.PendulumFinalAngle as written. Idiom: a do-while loop.

        [Differentiable(nameof(theta0), nameof(omega0), nameof(length))]
        public static double PendulumFinalAngle(double theta0, double omega0, double length, int steps, double dt = 0.01)
        {
            double theta = theta0, omega = omega0;
            int n = 0;
            do
            {
                omega -= 9.81 / length * Math.Sin(theta) * dt;
                theta += omega * dt;
                n++;
            } while (n < steps);
            return theta;
        }

        // Physics.GravitationalPotential as written. Idioms: nested loops with continue over T[,] positions.

        [Differentiable]
        public static double GravitationalPotential(double[,] pos, double[] mass, double softening = 1e-2)
        {
            int n = mass.Length;
            double u = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    if (i == j) continue;
                    double dx = pos[i, 0] - pos[j, 0];
                    double dy = pos[i, 1] - pos[j, 1];
                    double dz = pos[i, 2] - pos[j, 2];
                    double r = Math.Sqrt(dx * dx + dy * dy + dz * dz + softening * softening);
                    u -= 0.5 * mass[i] * mass[j] / r;
                }
            return u;
        }

        // Physics.HeatEquation1D as written. Idioms: a Clone of the input, a scratch array allocated inside the time loop.

        [Differentiable(nameof(u0), nameof(alpha))]
        public static double HeatEquation1D(double[] u0, double alpha, int steps)
        {
            var u = (double[])u0.Clone();
            int n = u.Length;
            for (int s = 0; s < steps; s++)
            {
                var next = new double[n];
                next[0] = u[0];
                next[n - 1] = u[n - 1];
                for (int i = 1; i < n - 1; i++)
                    next[i] = u[i] + alpha * (u[i - 1] - 2 * u[i] + u[i + 1]);
                u = next;
            }
            double e = 0;
            for (int i = 0; i < n; i++) e += u[i] * u[i] * (i + 1);
            return e;
        }

        // ================================================================ Stats

        // Stats.GaussianNll as written. Idiom: foreach over [Constant] data.

        [Differentiable]
        public static double GaussianNll([Constant] double[] data, double mu, double logSigma)
        {
            double sigma = Math.Exp(logSigma);
            double nll = 0;
            foreach (double x in data)
            {
                double z = (x - mu) / sigma;
                nll += 0.5 * z * z + logSigma + 0.5 * Math.Log(2 * Math.PI);
            }
            return nll;
        }

        // Stats.LogSumExp as written. Idiom: params double[].

        [Differentiable]
        public static double LogSumExp(params double[] xs)
        {
            double m = double.NegativeInfinity;
            for (int i = 0; i < xs.Length; i++) m = Math.Max(m, xs[i]);
            double s = 0;
            for (int i = 0; i < xs.Length; i++) s += Math.Exp(xs[i] - m);
            return m + Math.Log(s);
        }

        // Stats.SampleVariance as written. Idiom: a generic helper Square<T>(T) where T : INumber<T>.

        private static T Square<T>(T x) where T : INumber<T> => x * x;

        [Differentiable]
        public static double SampleVariance(double[] xs)
        {
            double mean = 0;
            for (int i = 0; i < xs.Length; i++) mean += xs[i];
            mean /= xs.Length;
            double ss = 0;
            for (int i = 0; i < xs.Length; i++) ss += Square(xs[i] - mean);
            return ss / (xs.Length - 1);
        }

        // Stats.MixtureLogLikelihood as written. Idioms: a mixture log-likelihood, a scratch array inside the data loop.

        [Differentiable(nameof(logitWeights), nameof(means), nameof(logSigmas))]
        public static double MixtureLogLikelihood(double[] data, double[] logitWeights, double[] means, double[] logSigmas)
        {
            int k = means.Length;
            double wSum = 0;
            for (int j = 0; j < k; j++) wSum += Math.Exp(logitWeights[j]);
            double logZ = Math.Log(wSum);
            double total = 0;
            for (int i = 0; i < data.Length; i++)
            {
                var logTerms = new double[k];
                double m = double.NegativeInfinity;
                for (int j = 0; j < k; j++)
                {
                    double sigma = Math.Exp(logSigmas[j]);
                    double z = (data[i] - means[j]) / sigma;
                    logTerms[j] = logitWeights[j] - logZ - 0.5 * z * z - logSigmas[j] - 0.5 * Math.Log(2 * Math.PI);
                    m = Math.Max(m, logTerms[j]);
                }
                double acc = 0;
                for (int j = 0; j < k; j++) acc += Math.Exp(logTerms[j] - m);
                total += m + Math.Log(acc);
            }
            return total;
        }

        // Stats.PearsonCorrelation as written. Idioms: a tuple-returning helper (MeanStd) and deconstruction.

        private static (double Mean, double Std) MeanStd(double[] v)
        {
            double mean = 0;
            for (int i = 0; i < v.Length; i++) mean += v[i];
            mean /= v.Length;
            double ss = 0;
            for (int i = 0; i < v.Length; i++) ss += (v[i] - mean) * (v[i] - mean);
            return (mean, Math.Sqrt(ss / v.Length));
        }

        [Differentiable]
        public static double PearsonCorrelation(double[] x, double[] y)
        {
            var (mx, sx) = MeanStd(x);
            var (my, sy) = MeanStd(y);
            double cov = 0;
            for (int i = 0; i < x.Length; i++) cov += (x[i] - mx) * (y[i] - my);
            cov /= x.Length;
            return cov / (sx * sy);
        }

        // Stats.LogisticNll as written. Idiom: float logistic regression over float[,].

        [Differentiable(nameof(w), nameof(b))]
        public static float LogisticNll(float[] w, float b, float[,] X, float[] y)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            float nll = 0f;
            for (int i = 0; i < n; i++)
            {
                float z = b;
                for (int j = 0; j < d; j++) z += X[i, j] * w[j];
                float p = 1f / (1f + MathF.Exp(-z));
                nll -= y[i] * MathF.Log(p) + (1f - y[i]) * MathF.Log(1f - p);
            }
            return nll / n;
        }

        // ================================================================ Finance

        // Finance.BlackScholesCall as written. Idioms: guard clauses throwing ArgumentException, a static helper (NormCdf).

        private static double NormCdf(double x)
        {
            // Abramowitz & Stegun 7.1.26 erf approximation
            double ax = Math.Abs(x) / Math.Sqrt(2.0);
            double t = 1.0 / (1.0 + 0.3275911 * ax);
            double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
            double erf = 1.0 - poly * Math.Exp(-ax * ax);
            return x >= 0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
        }

        [Differentiable]
        public static double BlackScholesCall(double spot, double strike, double rate, double vol, double maturity)
        {
            if (vol <= 0) throw new ArgumentException("volatility must be positive", nameof(vol));
            if (maturity <= 0) throw new ArgumentException("maturity must be positive", nameof(maturity));
            double sqrtT = Math.Sqrt(maturity);
            double d1 = (Math.Log(spot / strike) + (rate + 0.5 * vol * vol) * maturity) / (vol * sqrtT);
            double d2 = d1 - vol * sqrtT;
            return spot * NormCdf(d1) - strike * Math.Exp(-rate * maturity) * NormCdf(d2);
        }

        // Finance.PortfolioVariance as written. Idiom: a quadratic form over T[,].

        [Differentiable(nameof(weights))]
        public static double PortfolioVariance(double[] weights, double[,] cov)
        {
            double v = 0;
            for (int i = 0; i < weights.Length; i++)
                for (int j = 0; j < weights.Length; j++)
                    v += weights[i] * cov[i, j] * weights[j];
            return v;
        }

        // Finance.NetPresentValue as written. Idioms: an early return, a ternary on an enum (Round29Compounding), Math.Pow.

        [Differentiable(nameof(cashflows), nameof(rate))]
        public static double NetPresentValue(double[] cashflows, double rate, Round29Compounding compounding = Round29Compounding.Annual)
        {
            if (cashflows.Length == 0) return 0.0;
            double npv = cashflows[0];
            for (int t = 1; t < cashflows.Length; t++)
            {
                double df = compounding == Round29Compounding.Continuous ? Math.Exp(-rate * t) : Math.Pow(1 + rate, -t);
                npv += cashflows[t] * df;
            }
            return npv;
        }

        // ================================================================ Signal

        // Signal.EmaEnergy as written. Idioms: a Span<double> scratch, stackalloc or new by length, a ReadOnlySpan input,
        // foreach over the span.

        [Differentiable]
        public static double EmaEnergy(ReadOnlySpan<double> x, double alpha)
        {
            Span<double> smoothed = x.Length <= 256 ? stackalloc double[x.Length] : new double[x.Length];
            smoothed[0] = x[0];
            for (int i = 1; i < x.Length; i++)
                smoothed[i] = alpha * x[i] + (1 - alpha) * smoothed[i - 1];
            double e = 0;
            foreach (double s in smoothed) e += s * s;
            return e / x.Length;
        }

        // Signal.FirOutputRms as written. Idiom: a float FIR filter.

        [Differentiable(nameof(taps))]
        public static float FirOutputRms(float[] signal, float[] taps)
        {
            int n = signal.Length - taps.Length + 1;
            float energy = 0f;
            for (int i = 0; i < n; i++)
            {
                float acc = 0f;
                for (int k = 0; k < taps.Length; k++) acc += taps[k] * signal[i + k];
                energy += acc * acc;
            }
            return MathF.Sqrt(energy / n);
        }

        // Signal.SpectralLogMagPhase as written. Idioms: one DFT bin, the phase by Math.Atan2.

        [Differentiable]
        public static double SpectralLogMagPhase(double[] x, int bin)
        {
            int n = x.Length;
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                double ang = -2.0 * Math.PI * bin * t / n;
                re += x[t] * Math.Cos(ang);
                im += x[t] * Math.Sin(ang);
            }
            double mag = Math.Sqrt(re * re + im * im);
            double phase = Math.Atan2(im, re);
            return Math.Log(mag) + 0.5 * phase;
        }

        // ================================================================ Graphics

        // Graphics.PhongIntensity as written. Idioms: Vec3 struct methods (Round29Vec3: Dot, Normalized, operators),
        // Math.Pow, Math.Max and Math.Clamp.

        [Differentiable(nameof(normal), nameof(shininess))]
        public static double PhongIntensity(double[] normal, double[] lightDir, double[] viewDir, double shininess, double ambient = 0.1)
        {
            var n = new Round29Vec3(normal[0], normal[1], normal[2]).Normalized();
            var l = new Round29Vec3(lightDir[0], lightDir[1], lightDir[2]).Normalized();
            var v = new Round29Vec3(viewDir[0], viewDir[1], viewDir[2]).Normalized();
            double ndotl = n.Dot(l);
            double diffuse = Math.Max(0.0, ndotl);
            var r = 2 * ndotl * n - l;
            double spec = Math.Pow(Math.Max(0.0, r.Dot(v)), shininess);
            return Math.Clamp(ambient + 0.7 * diffuse + 0.3 * spec, 0.0, 1.0);
        }
    }

    /// <summary>Round 29's Reduction as written (renamed).</summary>
    public enum Round29Reduction { Sum, Mean, Max }

    /// <summary>Round 29's Compounding as written (renamed).</summary>
    public enum Round29Compounding { Annual, Continuous }

    /// <summary>Round 29's MlpConfig as written (renamed): a sealed record of two doubles.</summary>
    public sealed record Round29MlpConfig(double LeakySlope, double L2);

    /// <summary>Round 29's Vec2 as written (renamed): a readonly record struct with a subtraction and a Length property.</summary>
    public readonly record struct Round29Vec2(double X, double Y)
    {
        public static Round29Vec2 operator -(Round29Vec2 a, Round29Vec2 b) => new(a.X - b.X, a.Y - b.Y);
        public double Length => Math.Sqrt(X * X + Y * Y);
    }

    /// <summary>Round 29's Vec3 as written (renamed): a readonly record struct with operators, Dot and Normalized.</summary>
    public readonly record struct Round29Vec3(double X, double Y, double Z)
    {
        public static Round29Vec3 operator +(Round29Vec3 a, Round29Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Round29Vec3 operator -(Round29Vec3 a, Round29Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Round29Vec3 operator *(double s, Round29Vec3 v) => new(s * v.X, s * v.Y, s * v.Z);
        public double Dot(Round29Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;
        public Round29Vec3 Normalized()
        {
            double len = Math.Sqrt(Dot(this));
            return new Round29Vec3(X / len, Y / len, Z / len);
        }
    }

    /// <summary>
    /// Round 29's DenseLayer as written (renamed): public double[,] W and double[] B fields initialised from a Random, and a
    /// sigmoid squared-error Loss instance method differentiated with respect to both fields.
    /// </summary>
    public partial class Round29DenseLayer
    {
        public double[,] W;
        public double[] B;

        public Round29DenseLayer(int inDim, int outDim, Random rng)
        {
            W = new double[outDim, inDim];
            B = new double[outDim];
            for (int o = 0; o < outDim; o++)
            {
                B[o] = 0.1 * (rng.NextDouble() - 0.5);
                for (int i = 0; i < inDim; i++)
                    W[o, i] = (rng.NextDouble() - 0.5) / Math.Sqrt(inDim);
            }
        }

        [Differentiable(nameof(W), nameof(B))]
        public double Loss(double[] x, double[] target)
        {
            double loss = 0;
            for (int o = 0; o < B.Length; o++)
            {
                double z = B[o];
                for (int i = 0; i < x.Length; i++)
                    z += W[o, i] * x[i];
                double y = 1.0 / (1.0 + Math.Exp(-z));
                double d = y - target[o];
                loss += d * d;
            }
            return loss;
        }
    }
}
