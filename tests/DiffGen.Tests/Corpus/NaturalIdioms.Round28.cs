using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 28: probe batch 28, 40 small natural functions in seven classes (Losses, Layers, Physics, Statistics,
    /// SignalProcessing, Finance, Graphics) and one layer class, one idiom each; 38 accepted, here as written, as static
    /// methods of one class (the author's bodies, parameters and attributes). Not here: Layers.MlpSquaredError (DIFF0013,
    /// 'activation = next' with layer widths that vary) and SignalProcessing.SignalToNoiseDb (DIFF0006, a branching
    /// recursive pairwise sum). The batch's types are declared below with a Round28 prefix (<see cref="Round28LossKind"/>,
    /// <see cref="Round28BlendMode"/>, <see cref="Round28Vec2"/>, <see cref="Round28Welford"/>); GatedDenseLayer's
    /// instance method is in <see cref="Round28GatedDenseLayer"/>. Helpers are kept beside their functions as private
    /// static helpers; the one clash, the generic Sq&lt;T&gt; written in both Losses and Graphics, keeps Sq for Losses
    /// and is GraphicsSq for Graphics.
    /// </summary>
    public static partial class NaturalRound28
    {
        // ================================================================ Losses

        // Losses.SoftmaxCrossEntropy as written. Idiom: Span<double> = stackalloc double[n].

        /// <summary>Cross-entropy of softmax(logits) against an integer class label.</summary>
        [Differentiable]
        public static double SoftmaxCrossEntropy(double[] logits, int label)
        {
            if (logits.Length == 0) throw new ArgumentException("empty logits", nameof(logits));
            if ((uint)label >= (uint)logits.Length) throw new ArgumentOutOfRangeException(nameof(label));

            int n = logits.Length;
            Span<double> probs = stackalloc double[n];

            double max = logits[0];
            for (int i = 1; i < n; i++)
                if (logits[i] > max) max = logits[i];

            double z = 0.0;
            for (int i = 0; i < n; i++)
            {
                probs[i] = Math.Exp(logits[i] - max);
                z += probs[i];
            }
            for (int i = 0; i < n; i++)
                probs[i] /= z;

            return -Math.Log(probs[label] + 1e-12);
        }

        // Losses.BinaryCrossEntropy as written. Idiom: optional parameters (eps = 1e-7f, average = true).

        /// <summary>Binary cross-entropy over a batch of predicted probabilities.</summary>
        [Differentiable]
        public static float BinaryCrossEntropy(float[] probs, float[] labels, float eps = 1e-7f, bool average = true)
        {
            if (probs.Length != labels.Length) throw new ArgumentException("length mismatch");

            float total = 0f;
            for (int i = 0; i < probs.Length; i++)
            {
                // keep log() away from 0 and 1
                var p = Math.Clamp(probs[i], eps, 1f - eps);
                total -= labels[i] * MathF.Log(p) + (1f - labels[i]) * MathF.Log(1f - p);
            }
            return average && probs.Length > 0 ? total / probs.Length : total;
        }

        // Losses.MeanSquaredError as written. Idiom: a generic-math helper Sq<T>(T) where T : INumber<T>.

        private static T Sq<T>(T x) where T : INumber<T> => x * x;

        [Differentiable]
        public static double MeanSquaredError(double[] predictions, double[] targets)
        {
            if (predictions.Length != targets.Length)
                throw new ArgumentException("predictions and targets must have the same length");
            if (predictions.Length == 0) return 0.0;

            double sum = 0.0;
            for (int i = 0; i < predictions.Length; i++)
                sum += Sq(predictions[i] - targets[i]);
            return sum / predictions.Length;
        }

        // Losses.RegressionLoss as written. Idiom: a switch expression on an enum (Round28LossKind), an optional delta.

        /// <summary>Mean regression loss where the per-sample formula is picked by <paramref name="kind"/>.</summary>
        [Differentiable]
        public static double RegressionLoss(double[] pred, double[] target, Round28LossKind kind, double delta = 1.0)
        {
            double total = 0.0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = pred[i] - target[i];
                total += kind switch
                {
                    Round28LossKind.Squared => 0.5 * r * r,
                    Round28LossKind.Absolute => Math.Abs(r),
                    Round28LossKind.LogCosh => Math.Log(Math.Cosh(r)),
                    Round28LossKind.PseudoHuber => delta * delta * (Math.Sqrt(1.0 + (r / delta) * (r / delta)) - 1.0),
                    _ => throw new ArgumentOutOfRangeException(nameof(kind)),
                };
            }
            return total / pred.Length;
        }

        // Losses.HuberLoss as written. Idiom: Math.Abs with a quadratic/linear branch.

        [Differentiable]
        public static float HuberLoss(float[] pred, float[] target, float delta)
        {
            float sum = 0f;
            for (int i = 0; i < pred.Length; i++)
            {
                float r = pred[i] - target[i];
                float a = Math.Abs(r);
                if (a <= delta)
                    sum += 0.5f * r * r;                 // quadratic zone
                else
                    sum += delta * (a - 0.5f * delta);   // linear zone, slope = delta * sign(r)
            }
            return sum / pred.Length;
        }

        // Losses.CosineEmbeddingLoss as written. Idiom: Enumerable.Range(0, n).Sum(i => ...).

        /// <summary>PyTorch-style CosineEmbeddingLoss for one pair; label is +1 (similar) or -1 (dissimilar).</summary>
        [Differentiable]
        public static double CosineEmbeddingLoss(double[] a, double[] b, int label, double margin = 0.0)
        {
            int n = a.Length;
            double dot = Enumerable.Range(0, n).Sum(i => a[i] * b[i]);
            double normA = Math.Sqrt(Enumerable.Range(0, n).Sum(i => a[i] * a[i]));
            double normB = Math.Sqrt(Enumerable.Range(0, n).Sum(i => b[i] * b[i]));
            double cos = dot / (normA * normB + 1e-12);
            return label == 1 ? 1.0 - cos : Math.Max(0.0, cos - margin);
        }

        // Losses.LabelSmoothedCrossEntropy as written. Idiom: Aggregate for the max (a method group), log-sum-exp and sum.

        /// <summary>Cross-entropy with label smoothing, written with log-sum-exp.</summary>
        [Differentiable]
        public static double LabelSmoothedCrossEntropy(double[] logits, int label, double smoothing = 0.1)
        {
            double max = logits.Aggregate(double.NegativeInfinity, Math.Max);
            double logSumExp = max + Math.Log(logits.Aggregate(0.0, (acc, z) => acc + Math.Exp(z - max)));
            double meanLogit = logits.Aggregate(0.0, (acc, z) => acc + z) / logits.Length;

            // -log p_label mixed with the uniform-target term
            return logSumExp - ((1.0 - smoothing) * logits[label] + smoothing * meanLogit);
        }

        // Losses.MaskedMeanAbsoluteError as written. Idiom: continue on double.IsNaN.

        [Differentiable]
        public static double MaskedMeanAbsoluteError(double[] pred, double[] target)
        {
            double sum = 0.0;
            int count = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                // missing labels come through from the sensor CSV as NaN
                if (double.IsNaN(target[i]) || double.IsNaN(pred[i]))
                    continue;
                sum += Math.Abs(pred[i] - target[i]);
                count++;
            }
            return count == 0 ? 0.0 : sum / count;
        }

        // ================================================================ Layers

        // Layers.HardSwishActivationMean as written. Idioms: relational switch patterns, 'x is < -3f and > -10f'.

        private static float HardSwish(float x) => x switch
        {
            <= -3f => 0f,
            >= 3f => x,
            _ => x * (x + 3f) / 6f,
        };

        /// <summary>Mean hard-swish activation, with a small leak for units just inside the dead zone.</summary>
        [Differentiable]
        public static float HardSwishActivationMean(float[] preActivations, float deadPenalty = 0.01f)
        {
            if (preActivations.Length == 0) return 0f;

            float sum = 0f;
            foreach (var x in preActivations)
            {
                sum += HardSwish(x);
                if (x is < -3f and > -10f)
                    sum -= deadPenalty * (x + 3f);   // nudge dead units back toward the active zone
            }
            return sum / preActivations.Length;
        }

        // Layers.RidgeObjective as written. Idiom: a double[,] MatVec helper returning a new array.

        private static double[] MatVec(double[,] a, double[] x)
        {
            int rows = a.GetLength(0), cols = a.GetLength(1);
            if (cols != x.Length) throw new ArgumentException("dimension mismatch");

            var y = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double s = 0.0;
                for (int c = 0; c < cols; c++)
                    s += a[r, c] * x[c];
                y[r] = s;
            }
            return y;
        }

        /// <summary>Ridge regression objective ||X b - y||^2 + lambda ||b||^2.</summary>
        [Differentiable]
        public static double RidgeObjective(double[,] design, double[] coef, double[] observed, double lambda = 1e-3)
        {
            var fitted = MatVec(design, coef);

            double rss = 0.0;
            for (int i = 0; i < fitted.Length; i++)
            {
                double r = fitted[i] - observed[i];
                rss += r * r;
            }

            double penalty = 0.0;
            foreach (var c in coef) penalty += c * c;
            return rss + lambda * penalty;
        }

        // Layers.HashedLogisticLoss as written. Idiom: an unchecked hash (h * 31 + k) % buckets.

        /// <summary>Logistic loss of a linear model over hashed token features (the "hashing trick").</summary>
        [Differentiable("weights", "bias")]
        public static double HashedLogisticLoss(int[] tokenIds, double[] weights, double bias, int label)
        {
            int buckets = weights.Length;
            double logit = bias;
            for (int k = 0; k < tokenIds.Length; k++)
            {
                int h = 17;
                unchecked
                {
                    h = h * 31 + tokenIds[k];
                    h = h * 31 + k;            // salt with position so bigrams don't all collide
                }
                int idx = ((h % buckets) + buckets) % buckets;
                double sign = ((h >> 16) & 1) == 0 ? 1.0 : -1.0;
                logit += sign * weights[idx];
            }

            double y = label > 0 ? 1.0 : -1.0;
            return Math.Log(1.0 + Math.Exp(-y * logit));
        }

        // Layers.ElasticNetPenalty as written. Idiom: params double[].

        [Differentiable]
        public static double ElasticNetPenalty(double l1Ratio, double strength, params double[] weights)
        {
            if (weights.Length == 0) return 0.0;

            double l1 = 0.0, l2 = 0.0;
            foreach (var w in weights)
            {
                l1 += Math.Abs(w);
                l2 += w * w;
            }
            return strength * (l1Ratio * l1 + 0.5 * (1.0 - l1Ratio) * l2);
        }

        // ================================================================ Physics

        // Physics.DecayFitError as written. Idiom: a helper TryEulerStep(..., out double next).

        private static bool TryEulerStep(double y, double rate, double dt, out double next)
        {
            next = y - rate * y * dt;
            // explicit Euler on y' = -k y is only stable for k*dt < 2
            return rate * dt < 2.0 && !double.IsNaN(next);
        }

        /// <summary>Mean squared misfit between an Euler-integrated exponential decay and observations.</summary>
        [Differentiable]
        public static double DecayFitError(double rate, double y0, double dt, double[] observed)
        {
            double y = y0, err = 0.0;
            for (int k = 0; k < observed.Length; k++)
            {
                if (!TryEulerStep(y, rate, dt, out double next))
                {
                    // fall back to two half steps
                    TryEulerStep(y, rate, 0.5 * dt, out double half);
                    TryEulerStep(half, rate, 0.5 * dt, out next);
                }
                y = next;
                double r = y - observed[k];
                err += r * r;
            }
            return err / observed.Length;
        }

        // Physics.KeplerPeriodMisfit as written. Idiom: Math.Pow(a, 1.5) and Math.Pow(r, 2).

        /// <summary>Kepler's third law misfit: T = 2 pi a^1.5 / sqrt(mu).</summary>
        [Differentiable]
        public static double KeplerPeriodMisfit(double[] semiMajorAxes, double[] observedPeriods, double mu)
        {
            double misfit = 0.0;
            for (int i = 0; i < semiMajorAxes.Length; i++)
            {
                double predicted = 2.0 * Math.PI * Math.Pow(semiMajorAxes[i], 1.5) / Math.Sqrt(mu);
                misfit += Math.Pow(predicted - observedPeriods[i], 2);
            }
            return misfit / semiMajorAxes.Length;
        }

        // Physics.ProjectileMissDistance as written. Idiom: a record struct Vec2 (Round28Vec2) with operators in a
        // physics step, a break on hitting the ground.

        /// <summary>Squared horizontal miss of a projectile with quadratic drag (semi-implicit Euler).</summary>
        [Differentiable]
        public static double ProjectileMissDistance(double speed, double angle, double dragCoeff, double targetX, int steps = 400, double dt = 0.01)
        {
            var gravity = new Round28Vec2(0.0, -9.81);
            var pos = new Round28Vec2(0.0, 0.0);
            var vel = new Round28Vec2(speed * Math.Cos(angle), speed * Math.Sin(angle));

            for (int s = 0; s < steps; s++)
            {
                var drag = -(dragCoeff * vel.Length) * vel;
                vel += dt * (gravity + drag);
                pos += dt * vel;
                if (pos.Y < 0.0) break;   // hit the ground
            }

            double miss = pos.X - targetX;
            return miss * miss;
        }

        // Physics.FloorContactEnergy as written. Idiom: a bool anyContact set in a loop and read after it.

        /// <summary>Penalty energy for particles sinking below the floor y = 0, plus smooth friction once anything touches.</summary>
        [Differentiable]
        public static double FloorContactEnergy(double[] heights, double[] tangentialVelocities, double stiffness, double friction)
        {
            bool anyContact = false;
            double energy = 0.0;
            for (int i = 0; i < heights.Length; i++)
            {
                double penetration = -heights[i];
                if (penetration > 0.0)
                {
                    energy += 0.5 * stiffness * penetration * penetration;
                    anyContact = true;
                }
            }

            if (anyContact)
            {
                foreach (var v in tangentialVelocities)
                    energy += friction * Math.Sqrt(v * v + 1e-6);
            }
            return energy;
        }

        // Physics.PeriodicLatticeEnergy as written. Idiom: integer / and % for a periodic boundary.

        /// <summary>phi^4 lattice energy on a width x height grid with periodic boundaries.</summary>
        [Differentiable]
        public static double PeriodicLatticeEnergy(double[] field, int width, double coupling, double quartic)
        {
            int height = field.Length / width;
            double energy = 0.0;
            for (int i = 0; i < field.Length; i++)
            {
                int row = i / width, col = i % width;
                int right = row * width + (col + 1) % width;
                int down = ((row + 1) % height) * width + col;

                double dx = field[right] - field[i];
                double dy = field[down] - field[i];
                double phi2 = field[i] * field[i];
                energy += coupling * (dx * dx + dy * dy) + quartic * (phi2 - 1.0) * (phi2 - 1.0);
            }
            return energy;
        }

        // ================================================================ Statistics

        // Statistics.LinearFitMeanSquaredResidual as written. Idiom: a helper with a ref float accumulator.

        private static void AccumulateSquaredResidual(ref float acc, float x, float y, float slope, float intercept)
        {
            float r = y - (slope * x + intercept);
            acc += r * r;
        }

        [Differentiable]
        public static float LinearFitMeanSquaredResidual(float[] xs, float[] ys, float slope, float intercept)
        {
            if (xs.Length == 0) return 0f;

            float acc = 0f;
            for (int i = 0; i < xs.Length; i++)
                AccumulateSquaredResidual(ref acc, xs[i], ys[i], slope, intercept);
            return acc / xs.Length;
        }

        // Statistics.PolynomialFitLoss as written. Idiom: a recursive Horner helper.

        // Horner's rule written recursively: c0 + x*(c1 + x*(c2 + ...))
        private static double HornerFrom(double[] coeffs, int k, double x) =>
            k == coeffs.Length - 1 ? coeffs[k] : coeffs[k] + x * HornerFrom(coeffs, k + 1, x);

        [Differentiable]
        public static double PolynomialFitLoss(double[] coeffs, double[] xs, double[] ys)
        {
            if (coeffs.Length == 0) throw new ArgumentException("need at least one coefficient");

            double loss = 0.0;
            for (int i = 0; i < xs.Length; i++)
            {
                double r = HornerFrom(coeffs, 0, xs[i]) - ys[i];
                loss += r * r;
            }
            return loss / xs.Length;
        }

        // Statistics.GaussianNegativeLogLikelihood as written. Idiom: an IReadOnlyList<double> parameter.

        /// <summary>Gaussian negative log-likelihood, parameterised by log(sigma) for unconstrained optimisation.</summary>
        [Differentiable]
        public static double GaussianNegativeLogLikelihood(IReadOnlyList<double> samples, double mean, double logSigma)
        {
            if (samples.Count == 0) return 0.0;

            double sigma = Math.Exp(logSigma);
            double halfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);
            double nll = 0.0;
            foreach (var x in samples)
            {
                double z = (x - mean) / sigma;
                nll += 0.5 * z * z + logSigma + halfLog2Pi;
            }
            return nll;
        }

        // Statistics.CoefficientOfVariation as written. Idiom: a struct Welford accumulator (Round28Welford).

        [Differentiable]
        public static double CoefficientOfVariation(double[] values)
        {
            var acc = new Round28Welford();
            foreach (var v in values)
                acc.Add(v);

            if (acc.N < 2 || acc.Mean == 0.0) return 0.0;
            return Math.Sqrt(acc.Variance) / Math.Abs(acc.Mean);
        }

        // Statistics.RootMeanSquare as written. Idiom: params float[].

        [Differentiable]
        public static float RootMeanSquare(params float[] values)
        {
            if (values is null || values.Length == 0) return 0f;

            float sumSq = 0f;
            foreach (var v in values)
                sumSq += v * v;
            return MathF.Sqrt(sumSq / values.Length);
        }

        // ================================================================ SignalProcessing

        // SignalProcessing.FirOutputPower as written. Idiom: Array.Clear and Array.Copy on zero-padded scratch.

        /// <summary>Average output power of a causal FIR filter applied to a zero-padded signal.</summary>
        [Differentiable]
        public static double FirOutputPower(double[] signal, double[] taps)
        {
            int n = signal.Length, m = taps.Length;
            if (n == 0 || m == 0) return 0.0;

            // zero history on the left so y[0] only sees x[0]
            var padded = new double[n + m - 1];
            Array.Clear(padded);
            Array.Copy(signal, 0, padded, m - 1, n);

            double energy = 0.0;
            for (int t = 0; t < n; t++)
            {
                double y = 0.0;
                for (int k = 0; k < m; k++)
                    y += taps[k] * padded[t + m - 1 - k];
                energy += y * y;
            }
            return energy / n;
        }

        // SignalProcessing.NormalizedAutocorrelation as written. Idiom: CopyTo, Array.Fill and Array.Copy.

        /// <summary>Normalised autocorrelation of a series at a given lag.</summary>
        [Differentiable]
        public static double NormalizedAutocorrelation(double[] x, int lag)
        {
            int n = x.Length;
            if (lag < 0 || lag >= n) throw new ArgumentOutOfRangeException(nameof(lag));

            var centered = new double[n];
            x.CopyTo(centered, 0);
            double mean = centered.Average();
            for (int i = 0; i < n; i++)
                centered[i] -= mean;

            var shifted = new double[n];
            Array.Fill(shifted, 0.0);
            Array.Copy(centered, lag, shifted, 0, n - lag);

            double num = 0.0, den = 0.0;
            for (int i = 0; i < n; i++)
            {
                num += centered[i] * shifted[i];
                den += centered[i] * centered[i];
            }
            return num / (den + 1e-12);
        }

        // SignalProcessing.LinearPhaseLowpassPenalty as written. Idioms: a two-variable for (i, j), a decrementing Horner loop.

        /// <summary>
        /// Low-pass FIR design penalty: asymmetry of the taps (deviation from linear phase)
        /// plus the squared gain at Nyquist.
        /// </summary>
        [Differentiable]
        public static double LinearPhaseLowpassPenalty(double[] taps)
        {
            double asymmetry = 0.0;
            for (int i = 0, j = taps.Length - 1; i < j; i++, j--)
            {
                double d = taps[i] - taps[j];
                asymmetry += d * d;
            }

            // H(z) at z = -1, evaluated back to front (Horner)
            double nyquistGain = 0.0;
            for (int k = taps.Length - 1; k >= 0; k--)
                nyquistGain = taps[k] - nyquistGain;

            return asymmetry + nyquistGain * nyquistGain;
        }

        // SignalProcessing.CircularConvolutionLoss as written. Idioms: % n wrap-around, kernel.Length / 2.

        /// <summary>MSE between a centred circular convolution x (*) kernel and a target signal.</summary>
        [Differentiable]
        public static double CircularConvolutionLoss(double[] x, double[] kernel, double[] target)
        {
            int n = x.Length;
            int half = kernel.Length / 2;
            double loss = 0.0;
            for (int t = 0; t < n; t++)
            {
                double y = 0.0;
                for (int k = 0; k < kernel.Length; k++)
                {
                    int idx = ((t - k + half) % n + n) % n;   // wrap around
                    y += kernel[k] * x[idx];
                }
                double r = y - target[t];
                loss += r * r;
            }
            return loss / n;
        }

        // SignalProcessing.ChebyshevFitError as written. Idiom: a tuple swap (tPrev, tCur) = (tCur, 2x tCur - tPrev).

        /// <summary>Least-squares error of a Chebyshev series on [-1, 1] against samples.</summary>
        [Differentiable]
        public static double ChebyshevFitError(double[] coeffs, double[] xs, double[] ys)
        {
            double err = 0.0;
            for (int s = 0; s < xs.Length; s++)
            {
                double x = xs[s];
                double tPrev = 1.0, tCur = x;
                double value = coeffs[0];
                for (int k = 1; k < coeffs.Length; k++)
                {
                    value += coeffs[k] * tCur;
                    (tPrev, tCur) = (tCur, 2.0 * x * tCur - tPrev);
                }
                double r = value - ys[s];
                err += r * r;
            }
            return err / xs.Length;
        }

        // ================================================================ Finance

        // Finance.BlackScholesCall as written. Idioms: a static local function NormCdf and a capturing local Discounted.

        /// <summary>Black-Scholes price of a European call.</summary>
        [Differentiable]
        public static double BlackScholesCall(double spot, double strike, double rate, double vol, double maturity)
        {
            if (maturity <= 0.0) return Math.Max(spot - strike, 0.0);

            double sqrtT = Math.Sqrt(maturity);
            double d1 = (Math.Log(spot / strike) + (rate + 0.5 * vol * vol) * maturity) / (vol * sqrtT);
            double d2 = d1 - vol * sqrtT;
            return spot * NormCdf(d1) - Discounted(strike) * NormCdf(d2);

            // Abramowitz & Stegun 7.1.26 erf approximation
            static double NormCdf(double z)
            {
                double x = Math.Abs(z) / Math.Sqrt(2.0);
                double t = 1.0 / (1.0 + 0.3275911 * x);
                double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
                double erf = 1.0 - poly * Math.Exp(-x * x);
                return z >= 0.0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
            }

            double Discounted(double amount) => amount * Math.Exp(-rate * maturity);
        }

        // Finance.ProgressiveIncomeTax as written. Idioms: nested ternaries, an optional allowance.

        /// <summary>Income tax under a four-bracket progressive schedule after a personal allowance.</summary>
        [Differentiable]
        public static double ProgressiveIncomeTax(double income, double allowance = 12_500.0)
        {
            double taxable = income - allowance;
            return taxable <= 0.0 ? 0.0
                : taxable <= 10_000.0 ? 0.10 * taxable
                : taxable <= 40_000.0 ? 1_000.0 + 0.20 * (taxable - 10_000.0)
                : taxable <= 100_000.0 ? 7_000.0 + 0.30 * (taxable - 40_000.0)
                : 25_000.0 + 0.45 * (taxable - 100_000.0);
        }

        // Finance.NetPresentValue as written. Idiom: a List<double> built with Add, then .Sum().

        [Differentiable]
        public static double NetPresentValue(double[] cashFlows, double annualRate, int periodsPerYear = 12)
        {
            double r = annualRate / periodsPerYear;
            var discounted = new List<double>();
            for (int t = 0; t < cashFlows.Length; t++)
                discounted.Add(cashFlows[t] / Math.Pow(1.0 + r, t));
            return discounted.Sum();
        }

        // Finance.AnnualizedGrowthRate as written. Idiom: an Aggregate product.

        /// <summary>Compound annual growth rate from a series of per-period simple returns.</summary>
        [Differentiable]
        public static double AnnualizedGrowthRate(double[] periodReturns, int periodsPerYear = 12)
        {
            if (periodReturns.Length == 0) return 0.0;

            double growth = periodReturns.Aggregate(1.0, (acc, r) => acc * (1.0 + r));
            return Math.Pow(growth, (double)periodsPerYear / periodReturns.Length) - 1.0;
        }

        // Finance.YieldToMaturity as written. Idioms: TryNewtonStep(..., out double next) and a Newton loop with breaks.

        private static bool TryNewtonStep(double y, double price, double coupon, double face, int years, out double next)
        {
            double pv = 0.0, dpv = 0.0;
            for (int t = 1; t <= years; t++)
            {
                double cf = t == years ? coupon + face : coupon;
                double disc = Math.Pow(1.0 + y, -t);
                pv += cf * disc;
                dpv -= t * cf * disc / (1.0 + y);
            }
            next = y - (pv - price) / dpv;
            return Math.Abs(dpv) > 1e-12 && next > -0.99;
        }

        /// <summary>Yield to maturity of an annual-coupon bond, solved by Newton's method.</summary>
        [Differentiable]
        public static double YieldToMaturity(double price, double coupon, double face, int years, int maxIter = 50)
        {
            double y = coupon / face;   // start at the coupon rate
            for (int it = 0; it < maxIter; it++)
            {
                if (!TryNewtonStep(y, price, coupon, face, years, out double next))
                    break;
                bool converged = Math.Abs(next - y) < 1e-12;
                y = next;
                if (converged) break;
            }
            return y;
        }

        // ================================================================ Graphics

        // Graphics.MeanToneMappedLuminance as written. Idiom: Math.Min(Math.Max(...)) chains.

        /// <summary>Mean display luminance of an interleaved RGB buffer after exposure and extended Reinhard.</summary>
        [Differentiable]
        public static float MeanToneMappedLuminance(float[] rgb, float exposure, float whitePoint = 4f)
        {
            int pixels = rgb.Length / 3;
            if (pixels == 0) return 0f;

            float scale = MathF.Pow(2f, exposure);
            float total = 0f;
            for (int p = 0; p < pixels; p++)
            {
                float r = Math.Min(Math.Max(rgb[3 * p] * scale, 0f), whitePoint);
                float g = Math.Min(Math.Max(rgb[3 * p + 1] * scale, 0f), whitePoint);
                float b = Math.Min(Math.Max(rgb[3 * p + 2] * scale, 0f), whitePoint);
                float lum = 0.2126f * r + 0.7152f * g + 0.0722f * b;
                float mapped = lum * (1f + lum / (whitePoint * whitePoint)) / (1f + lum);
                total += Math.Max(0f, Math.Min(1f, mapped));
            }
            return total / pixels;
        }

        // Graphics.GaussianBlurAt as written. Idioms: Span<float> = stackalloc float[size], Math.Clamp addressing.

        /// <summary>One tap of a separable Gaussian blur with clamp-to-edge addressing.</summary>
        [Differentiable]
        public static float GaussianBlurAt(float[] row, int center, float sigma, int radius = 3)
        {
            int size = 2 * radius + 1;
            Span<float> kernel = stackalloc float[size];

            float norm = 0f;
            for (int k = -radius; k <= radius; k++)
            {
                float w = MathF.Exp(-0.5f * k * k / (sigma * sigma));
                kernel[k + radius] = w;
                norm += w;
            }

            float acc = 0f;
            for (int k = -radius; k <= radius; k++)
            {
                int idx = Math.Clamp(center + k, 0, row.Length - 1);
                acc += kernel[k + radius] * row[idx];
            }
            return acc / norm;
        }

        // Graphics.RedmeanColorDistance as written. Idiom: the generic Sq<T> on float (Graphics's own, renamed GraphicsSq:
        // Losses's is Sq).

        private static T GraphicsSq<T>(T x) where T : INumber<T> => x * x;

        /// <summary>"Redmean" weighted RGB distance between two colours in [0, 1].</summary>
        [Differentiable]
        public static float RedmeanColorDistance(float r1, float g1, float b1, float r2, float g2, float b2)
        {
            float rMean = 0.5f * (r1 + r2);
            float d2 = (2f + rMean) * GraphicsSq(r1 - r2)
                     + 4f * GraphicsSq(g1 - g2)
                     + (3f - rMean) * GraphicsSq(b1 - b2);
            return MathF.Sqrt(d2 + 1e-12f);
        }

        // Graphics.BlendReconstructionError as written. Idiom: a switch expression on an enum (Round28BlendMode).

        /// <summary>MSE between a blended composite (with opacity) and a reference image.</summary>
        [Differentiable]
        public static float BlendReconstructionError(float[] under, float[] over, float[] reference, float opacity, Round28BlendMode mode)
        {
            float err = 0f;
            for (int i = 0; i < under.Length; i++)
            {
                float a = under[i], b = over[i];
                float blended = mode switch
                {
                    Round28BlendMode.Normal => b,
                    Round28BlendMode.Multiply => a * b,
                    Round28BlendMode.Screen => 1f - (1f - a) * (1f - b),
                    Round28BlendMode.Overlay => a < 0.5f ? 2f * a * b : 1f - 2f * (1f - a) * (1f - b),
                    _ => throw new ArgumentOutOfRangeException(nameof(mode)),
                };
                float outValue = a + opacity * (blended - a);
                float d = outValue - reference[i];
                err += d * d;
            }
            return err / under.Length;
        }

        // Graphics.QuadraticBezierLength as written. Idiom: Round28Vec2 record struct parameters and operators. Its struct
        // parameters are data, so nothing gets a gradient: DIFF0019 says so (a warning this project keeps a warning:
        // WarningsNotAsErrors in DiffGen.Tests.csproj).

        /// <summary>Arc length of a quadratic Bezier curve approximated by a polyline.</summary>
        [Differentiable]
        public static double QuadraticBezierLength(Round28Vec2 p0, Round28Vec2 p1, Round28Vec2 p2, int segments = 32)
        {
            double length = 0.0;
            Round28Vec2 prev = p0;
            for (int s = 1; s <= segments; s++)
            {
                double t = (double)s / segments;
                double u = 1.0 - t;
                Round28Vec2 point = (u * u) * p0 + (2.0 * u * t) * p1 + (t * t) * p2;
                length += (point - prev).Length;
                prev = point;
            }
            return length;
        }
    }

    /// <summary>Round 28's Losses.LossKind as written (renamed).</summary>
    public enum Round28LossKind
    {
        Squared,
        Absolute,
        LogCosh,
        PseudoHuber,
    }

    /// <summary>Round 28's Graphics.BlendMode as written (renamed).</summary>
    public enum Round28BlendMode
    {
        Normal,
        Multiply,
        Screen,
        Overlay,
    }

    /// <summary>Round 28's Vec2 as written (renamed): a record struct with operators and a Length property.</summary>
    public record struct Round28Vec2(double X, double Y)
    {
        public static Round28Vec2 operator +(Round28Vec2 a, Round28Vec2 b) => new(a.X + b.X, a.Y + b.Y);
        public static Round28Vec2 operator -(Round28Vec2 a, Round28Vec2 b) => new(a.X - b.X, a.Y - b.Y);
        public static Round28Vec2 operator *(double s, Round28Vec2 v) => new(s * v.X, s * v.Y);
        public static Round28Vec2 operator -(Round28Vec2 v) => new(-v.X, -v.Y);

        public readonly double Length => Math.Sqrt(X * X + Y * Y);
    }

    /// <summary>Welford's online mean/variance accumulator (round 28's Welford as written, renamed).</summary>
    public struct Round28Welford
    {
        public double Mean, M2;
        public int N;

        public void Add(double x)
        {
            N++;
            double delta = x - Mean;
            Mean += delta / N;
            M2 += delta * (x - Mean);
        }

        public readonly double Variance => N > 1 ? M2 / (N - 1) : 0.0;
    }

    /// <summary>
    /// Round 28's GatedDenseLayer as written (renamed): a gated linear unit y = (W x + Bias) * sigmoid(G x), with double[,]
    /// fields, a Bias auto-property and computed sizes; SquaredErrorLoss calls the instance Forward.
    /// </summary>
    public partial class Round28GatedDenseLayer
    {
        private readonly double[,] _weights;
        private readonly double[,] _gate;

        public double Bias { get; set; }

        public Round28GatedDenseLayer(double[,] weights, double[,] gate, double bias = 0.0)
        {
            if (weights.GetLength(0) != gate.GetLength(0) || weights.GetLength(1) != gate.GetLength(1))
                throw new ArgumentException("weight and gate matrices must have the same shape");
            _weights = weights;
            _gate = gate;
            Bias = bias;
        }

        public int InputSize => _weights.GetLength(1);
        public int OutputSize => _weights.GetLength(0);

        public double[] Forward(double[] x)
        {
            var y = new double[OutputSize];
            for (int o = 0; o < OutputSize; o++)
            {
                double lin = Bias, g = 0.0;
                for (int i = 0; i < InputSize; i++)
                {
                    lin += _weights[o, i] * x[i];
                    g += _gate[o, i] * x[i];
                }
                y[o] = lin / (1.0 + Math.Exp(-g));
            }
            return y;
        }

        [Differentiable]
        public double SquaredErrorLoss(double[] x, double[] target)
        {
            var y = Forward(x);
            double loss = 0.0;
            for (int o = 0; o < y.Length; o++)
            {
                double d = y[o] - target[o];
                loss += d * d;
            }
            return loss / y.Length;
        }
    }
}
