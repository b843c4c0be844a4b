using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 26: probe batch 26, 30 functions by a helper who had not seen DiffGen's documentation, in eight static or layer
    /// classes of their own (ClassificationLosses, PolicyGradient, DynamicalFits, PhysicsObjectives, ImagingLosses,
    /// QuantObjectives, StatisticalLikelihoods and the layers RmsNormFeedForward, BatchNorm1d, LstmRegressor,
    /// EmbeddingBagClassifier, DepthwiseConv1d); 23 accepted as written, here as written. Not yet accepted, left out:
    /// ClassificationLosses.CenterLoss, PolicyGradient.PpoClippedLoss, StatisticalLikelihoods.PinballLoss,
    /// RmsNormFeedForward.Loss, BatchNorm1d.ForwardTraining, ImagingLosses.GaussianSplatLoss and
    /// PhysicsObjectives.ArmIkObjective. The static methods keep their names, parameters, default values, bare
    /// [Differentiable] attributes and bodies, with their private helpers and constants beside them; the two constants
    /// Log2Pi of DynamicalFits and QuantObjectives (the same value) are one here. The batch's namespace-level types are
    /// declared below with a Round26 prefix (<see cref="Round26Reduction"/>, <see cref="Round26ValueLossKind"/>,
    /// <see cref="Round26SirState"/>, <see cref="Round26SpringChainConfig"/>, <see cref="Round26YieldFitOptions"/>). The
    /// three accepted layer classes with instance methods are classes of their own, renamed
    /// <see cref="Round26LstmRegressor"/>, <see cref="Round26EmbeddingBagClassifier"/> and <see cref="Round26DepthwiseConv1d"/>.
    /// No parameter needed [Constant] and no attribute changed.
    /// </summary>
    public static partial class NaturalRound26
    {
        private const float Eps = 1e-7f;
        private const double LogEps = 1e-12;

        // ------------------------------------------------------------ 01 FocalLoss
        // ClassificationLosses.FocalLoss as written. Idioms: float, jagged float[][], LINQ Max, foreach, MathF.Pow, a
        // nullable float[]? alpha with a ternary, guard throws (one inside the loop), a switch expression on an enum with
        // a throwing default arm.

        /// <summary>
        /// Multi-class focal loss (Lin et al. 2017) on raw logits.
        /// FL = -alpha_t * (1 - p_t)^gamma * log(p_t)
        /// </summary>
        [Differentiable]
        public static float FocalLoss(float[][] logits, int[] targets, float gamma = 2f,
                                      float[]? alpha = null, Round26Reduction reduction = Round26Reduction.Mean)
        {
            if (logits.Length != targets.Length)
                throw new ArgumentException("logits and targets must have the same batch size.", nameof(targets));
            if (logits.Length == 0)
                return 0f;

            float total = 0f;
            for (int i = 0; i < logits.Length; i++)
            {
                var row = logits[i];
                int t = targets[i];
                if (t < 0 || t >= row.Length)
                    throw new ArgumentException($"Target {t} out of range for sample {i}.", nameof(targets));

                float max = row.Max();
                float sumExp = 0f;
                foreach (var z in row)
                    sumExp += MathF.Exp(z - max);

                float logPt = row[t] - max - MathF.Log(sumExp);
                float pt = MathF.Exp(logPt);
                float weight = alpha is null ? 1f : alpha[t];
                total += -weight * MathF.Pow(1f - pt, gamma) * logPt;
            }

            return reduction switch
            {
                Round26Reduction.Mean => total / logits.Length,
                Round26Reduction.Sum => total,
                _ => throw new ArgumentException($"Unsupported reduction {reduction}.", nameof(reduction)),
            };
        }

        // ------------------------------------------------------------ 02 SoftDiceLoss
        // ClassificationLosses.SoftDiceLoss as written. Idioms: float, rectangular float[,,] (batch x H x W), GetLength, a
        // shape guard, a triple nested loop, a private Sigmoid helper, per-sample accumulators.

        /// <summary>
        /// Soft Dice loss for binary segmentation. Logits and masks are [batch, height, width].
        /// Returns 1 - mean Dice coefficient over the batch.
        /// </summary>
        [Differentiable]
        public static float SoftDiceLoss(float[,,] logits, float[,,] masks, float smooth = 1f)
        {
            int batch = logits.GetLength(0);
            int height = logits.GetLength(1);
            int width = logits.GetLength(2);
            if (masks.GetLength(0) != batch || masks.GetLength(1) != height || masks.GetLength(2) != width)
                throw new ArgumentException("Mask shape must match logits shape.", nameof(masks));

            float loss = 0f;
            for (int b = 0; b < batch; b++)
            {
                float intersection = 0f, predSum = 0f, targetSum = 0f;
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        float p = Sigmoid(logits[b, y, x]);
                        float g = masks[b, y, x];
                        intersection += p * g;
                        predSum += p * p;
                        targetSum += g * g;
                    }
                }

                float dice = (2f * intersection + smooth) / (predSum + targetSum + smooth);
                loss += 1f - dice;
            }

            return loss / batch;
        }

        // ------------------------------------------------------------ 03 ArcFaceLoss
        // ClassificationLosses.ArcFaceLoss as written. Idioms: float, float[][] with float[,], MathF trig, Math.Clamp, an
        // 'if (c == label)' branch with a ternary margin threshold, a scratch array reused per sample, helpers L2Norm and
        // LogSoftmaxAt, guards (one inside the loop).

        /// <summary>
        /// ArcFace (additive angular margin) loss. classWeights is [numClasses, dim].
        /// </summary>
        [Differentiable]
        public static float ArcFaceLoss(float[][] embeddings, float[,] classWeights, int[] labels,
                                        float scale = 30f, float margin = 0.5f)
        {
            int numClasses = classWeights.GetLength(0);
            int dim = classWeights.GetLength(1);
            if (embeddings.Length != labels.Length)
                throw new ArgumentException("Batch size mismatch between embeddings and labels.");

            float cosM = MathF.Cos(margin);
            float sinM = MathF.Sin(margin);
            float threshold = MathF.Cos(MathF.PI - margin);
            float mm = MathF.Sin(MathF.PI - margin) * margin;

            var weightNorms = new float[numClasses];
            for (int c = 0; c < numClasses; c++)
            {
                float sq = 0f;
                for (int k = 0; k < dim; k++)
                    sq += classWeights[c, k] * classWeights[c, k];
                weightNorms[c] = MathF.Sqrt(sq) + Eps;
            }

            var scaledCos = new float[numClasses];
            float loss = 0f;
            for (int i = 0; i < embeddings.Length; i++)
            {
                var e = embeddings[i];
                if (e.Length != dim)
                    throw new ArgumentException($"Embedding {i} has dimension {e.Length}, expected {dim}.");
                float eNorm = L2Norm(e) + Eps;
                int label = labels[i];

                for (int c = 0; c < numClasses; c++)
                {
                    float dot = 0f;
                    for (int k = 0; k < dim; k++)
                        dot += e[k] * classWeights[c, k];
                    float cos = Math.Clamp(dot / (eNorm * weightNorms[c]), -1f + Eps, 1f - Eps);

                    if (c == label)
                    {
                        float sin = MathF.Sqrt(1f - cos * cos);
                        float phi = cos * cosM - sin * sinM; // cos(theta + m)
                        cos = cos > threshold ? phi : cos - mm;
                    }
                    scaledCos[c] = scale * cos;
                }

                loss -= LogSoftmaxAt(scaledCos, label);
            }

            return loss / embeddings.Length;
        }

        // ------------------------------------------------------------ 04 DistillationLoss
        // ClassificationLosses.DistillationLoss as written. Idioms: double, static local functions (Softmax, LogSoftmax)
        // built with LINQ Max/Select/Sum/ToArray, indexing a helper's result, 'continue', a class const epsilon.

        /// <summary>
        /// Hinton-style knowledge distillation: alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(student, y).
        /// </summary>
        [Differentiable]
        public static double DistillationLoss(double[][] studentLogits, double[][] teacherLogits, int[] labels,
                                              double temperature = 4.0, double alpha = 0.9)
        {
            if (temperature <= 0)
                throw new ArgumentException("Temperature must be positive.", nameof(temperature));
            if (studentLogits.Length != teacherLogits.Length || studentLogits.Length != labels.Length)
                throw new ArgumentException("Batch sizes do not match.");

            double kl = 0.0, ce = 0.0;
            for (int i = 0; i < studentLogits.Length; i++)
            {
                var pTeacher = Softmax(teacherLogits[i], temperature);
                var logPStudent = LogSoftmax(studentLogits[i], temperature);

                for (int k = 0; k < pTeacher.Length; k++)
                {
                    if (pTeacher[k] <= 0.0) continue;
                    kl += pTeacher[k] * (Math.Log(pTeacher[k] + LogEps) - logPStudent[k]);
                }

                ce -= LogSoftmax(studentLogits[i], 1.0)[labels[i]];
            }

            int n = studentLogits.Length;
            double T2 = temperature * temperature;
            return alpha * T2 * kl / n + (1.0 - alpha) * ce / n;

            static double[] Softmax(double[] z, double t)
            {
                double max = z.Max();
                var e = z.Select(v => Math.Exp((v - max) / t)).ToArray();
                double s = e.Sum();
                for (int k = 0; k < e.Length; k++) e[k] /= s;
                return e;
            }

            static double[] LogSoftmax(double[] z, double t)
            {
                double max = z.Max();
                double lse = Math.Log(z.Sum(v => Math.Exp((v - max) / t)));
                return z.Select(v => (v - max) / t - lse).ToArray();
            }
        }

        // ------------------------------------------------------------ 05 MixupCrossEntropy
        // ClassificationLosses.MixupCrossEntropy as written. Idioms: foreach over LINQ Zip with tuple deconstruction
        // '(a, b)', a post-incremented row index, a tuple-returning helper deconstructed into two locals, label smoothing.

        /// <summary>
        /// Mixup cross-entropy: lambda * CE(logits, yA) + (1 - lambda) * CE(logits, yB), with optional label smoothing.
        /// </summary>
        [Differentiable]
        public static double MixupCrossEntropy(double[][] logits, int[] labelsA, int[] labelsB, double lambda,
                                               double labelSmoothing = 0.0)
        {
            if (lambda < 0.0 || lambda > 1.0)
                throw new ArgumentException("lambda must lie in [0, 1].", nameof(lambda));
            if (labelsA.Length != logits.Length || labelsB.Length != logits.Length)
                throw new ArgumentException("Label arrays must match the batch size.");

            double total = 0.0;
            int i = 0;
            foreach (var (a, b) in labelsA.Zip(labelsB))
            {
                var row = logits[i++];
                var (logZ, meanLogit) = LogSumExpAndMean(row);

                // smoothed CE: (1 - eps) * (-log p_y) + eps * mean_k(-log p_k)
                double uniformTerm = logZ - meanLogit;
                double ceA = (1.0 - labelSmoothing) * (logZ - row[a]) + labelSmoothing * uniformTerm;
                double ceB = (1.0 - labelSmoothing) * (logZ - row[b]) + labelSmoothing * uniformTerm;
                total += lambda * ceA + (1.0 - lambda) * ceB;
            }

            return total / logits.Length;
        }

        // ------------------------------------------------------------ 07 InfoNceLoss
        // ClassificationLosses.InfoNceLoss as written. Idioms: a method group 'anchors.Select(Normalize).ToArray()', a
        // Zip-with-selector + Sum dot product, a lambda in Sum, LINQ Max over a scratch array, a log-sum-exp.

        /// <summary>
        /// InfoNCE / NT-Xent style contrastive loss between paired anchor and positive embeddings;
        /// all other positives in the batch act as negatives.
        /// </summary>
        [Differentiable]
        public static double InfoNceLoss(double[][] anchors, double[][] positives, double temperature = 0.1)
        {
            if (anchors.Length != positives.Length)
                throw new ArgumentException("Need one positive per anchor.");
            int n = anchors.Length;

            var a = anchors.Select(Normalize).ToArray();
            var p = positives.Select(Normalize).ToArray();

            double loss = 0.0;
            var sims = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                    sims[j] = a[i].Zip(p[j], (u, v) => u * v).Sum() / temperature;

                double max = sims.Max();
                double lse = max + Math.Log(sims.Sum(s => Math.Exp(s - max)));
                loss += lse - sims[i];
            }

            return loss / n;
        }

        private static double[] Normalize(double[] v)
        {
            double norm = Math.Sqrt(v.Sum(x => x * x)) + LogEps;
            return v.Select(x => x / norm).ToArray();
        }

        private static (double LogSumExp, double Mean) LogSumExpAndMean(double[] z)
        {
            double max = double.NegativeInfinity, sum = 0.0;
            foreach (var v in z)
            {
                if (v > max) max = v;
                sum += v;
            }
            double acc = 0.0;
            foreach (var v in z)
                acc += Math.Exp(v - max);
            return (max + Math.Log(acc), sum / z.Length);
        }

        private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

        private static float L2Norm(float[] v)
        {
            float s = 0f;
            foreach (var x in v) s += x * x;
            return MathF.Sqrt(s);
        }

        private static float LogSoftmaxAt(float[] z, int index)
        {
            float max = float.NegativeInfinity;
            for (int k = 0; k < z.Length; k++)
                max = MathF.Max(max, z[k]);
            float sum = 0f;
            for (int k = 0; k < z.Length; k++)
                sum += MathF.Exp(z[k] - max);
            return z[index] - max - MathF.Log(sum);
        }

        // ------------------------------------------------------------ 09 GaeValueLoss
        // PolicyGradient.GaeValueLoss as written. Idioms: a backward 'for (t = T-1; t >= 0; t--)', bool[] dones, a
        // ternary bootstrap, a recurrence through the 'gae' scalar, value clipping with Math.Clamp and Math.Max, a switch
        // statement on an enum with a throwing default, a Huber helper with a default argument.

        /// <summary>
        /// Computes GAE(gamma, lambda) advantages and returns from the rollout's old value estimates,
        /// then the (optionally clipped) value loss of the current value predictions.
        /// </summary>
        [Differentiable]
        public static double GaeValueLoss(double[] values, double[] oldValues, double[] rewards, bool[] dones,
                                          double bootstrapValue, double gamma = 0.99, double lambda = 0.95,
                                          double valueClip = 0.2, Round26ValueLossKind kind = Round26ValueLossKind.Mse)
        {
            int horizon = rewards.Length;
            if (values.Length != horizon || oldValues.Length != horizon || dones.Length != horizon)
                throw new ArgumentException("Rollout arrays must share the same horizon.");

            var returns = new double[horizon];
            double gae = 0.0;
            for (int t = horizon - 1; t >= 0; t--)
            {
                double nextValue = t == horizon - 1 ? bootstrapValue : oldValues[t + 1];
                double notDone = dones[t] ? 0.0 : 1.0;
                double delta = rewards[t] + gamma * nextValue * notDone - oldValues[t];
                gae = delta + gamma * lambda * notDone * gae;
                returns[t] = gae + oldValues[t];
            }

            double loss = 0.0;
            for (int t = 0; t < horizon; t++)
            {
                double vClipped = oldValues[t] + Math.Clamp(values[t] - oldValues[t], -valueClip, valueClip);
                double errUnclipped = values[t] - returns[t];
                double errClipped = vClipped - returns[t];

                switch (kind)
                {
                    case Round26ValueLossKind.Mse:
                        loss += 0.5 * Math.Max(errUnclipped * errUnclipped, errClipped * errClipped);
                        break;
                    case Round26ValueLossKind.Huber:
                        loss += Math.Max(Huber(errUnclipped), Huber(errClipped));
                        break;
                    default:
                        throw new ArgumentException($"Unknown value loss {kind}.", nameof(kind));
                }
            }

            return loss / horizon;
        }

        // ------------------------------------------------------------ 10 ReinforceLoss
        // PolicyGradient.ReinforceLoss as written. Idioms: jagged episode arrays, 'continue' on an empty episode, a bool
        // flag, a running EMA baseline carried across episodes, an int step counter, a ternary return.

        /// <summary>
        /// REINFORCE over a batch of episodes with an exponential-moving-average baseline of episode returns.
        /// </summary>
        [Differentiable]
        public static double ReinforceLoss(double[][] episodeLogProbs, double[][] episodeRewards,
                                           double gamma = 0.99, double baselineDecay = 0.9)
        {
            if (episodeLogProbs.Length != episodeRewards.Length)
                throw new ArgumentException("Each episode needs log-probs and rewards.");

            double baseline = 0.0;
            bool baselineInitialised = false;
            double loss = 0.0;
            int totalSteps = 0;

            for (int e = 0; e < episodeLogProbs.Length; e++)
            {
                var logProbs = episodeLogProbs[e];
                var rewards = episodeRewards[e];
                int len = rewards.Length;
                if (len == 0) continue;

                var returns = new double[len];
                double g = 0.0;
                for (int t = len - 1; t >= 0; t--)
                {
                    g = rewards[t] + gamma * g;
                    returns[t] = g;
                }

                if (!baselineInitialised)
                {
                    baseline = returns[0];
                    baselineInitialised = true;
                }

                for (int t = 0; t < len; t++)
                    loss -= (returns[t] - baseline) * logProbs[t];
                totalSteps += len;

                baseline = baselineDecay * baseline + (1.0 - baselineDecay) * returns[0];
            }

            return totalSteps > 0 ? loss / totalSteps : 0.0;
        }

        private static double Huber(double x, double delta = 1.0)
        {
            double a = Math.Abs(x);
            return a <= delta ? 0.5 * x * x : delta * (a - 0.5 * delta);
        }

        // ------------------------------------------------------------ 16 SirFitLoss
        // DynamicalFits.SirFitLoss as written. Idioms: a readonly record struct state reassigned via 'new', a helper
        // returning a named tuple, tuple deconstruction 'var (dS, dI, dR)', forward Euler with a nested sub-step loop,
        // guards naming their parameters.

        private const double Log2Pi = 1.8378770664093453;

        /// <summary>
        /// SIR model integrated with forward Euler (stepsPerDay sub-steps per day); returns the mean squared
        /// error of log(1 + I) against observed daily infected counts.
        /// </summary>
        [Differentiable]
        public static double SirFitLoss(double beta, double gamma, double initialInfected, double[] observedInfected,
                                        double population, int stepsPerDay = 10)
        {
            if (population <= 0) throw new ArgumentException("Population must be positive.", nameof(population));
            if (stepsPerDay <= 0) throw new ArgumentException("stepsPerDay must be positive.", nameof(stepsPerDay));

            double dt = 1.0 / stepsPerDay;
            var state = new Round26SirState(population - initialInfected, initialInfected, 0.0);
            double loss = 0.0;

            for (int day = 0; day < observedInfected.Length; day++)
            {
                double err = Math.Log(1.0 + state.I) - Math.Log(1.0 + observedInfected[day]);
                loss += err * err;

                for (int s = 0; s < stepsPerDay; s++)
                {
                    var (dS, dI, dR) = SirRhs(state, beta, gamma, population);
                    state = new Round26SirState(state.S + dt * dS, state.I + dt * dI, state.R + dt * dR);
                }
            }

            return loss / observedInfected.Length;
        }

        private static (double dS, double dI, double dR) SirRhs(Round26SirState x, double beta, double gamma, double n)
        {
            double infection = beta * x.S * x.I / n;
            double recovery = gamma * x.I;
            return (-infection, infection - recovery, recovery);
        }

        // ------------------------------------------------------------ 17 LotkaVolterraFitLoss
        // DynamicalFits.LotkaVolterraFitLoss as written. Idioms: a local function capturing locals that returns a named
        // tuple '(dx, dy)', classic RK4 with 'k1.dx' member access, a double[,] of observations, guards.

        /// <summary>
        /// Lotka–Volterra predator–prey model integrated with classic RK4. theta = [alpha, beta, delta, gamma].
        /// observed is [T, 2] (prey, predator) sampled every substeps * dt.
        /// </summary>
        [Differentiable]
        public static double LotkaVolterraFitLoss(double[] theta, double prey0, double predator0, double[,] observed,
                                                  double dt = 0.01, int substeps = 10)
        {
            if (theta.Length != 4)
                throw new ArgumentException("theta must contain [alpha, beta, delta, gamma].", nameof(theta));
            if (observed.GetLength(1) != 2)
                throw new ArgumentException("observed must have two columns (prey, predator).", nameof(observed));

            double alpha = theta[0], beta = theta[1], delta = theta[2], gamma = theta[3];

            (double dx, double dy) Deriv(double x, double y) =>
                (alpha * x - beta * x * y, delta * x * y - gamma * y);

            double prey = prey0, predator = predator0;
            double sse = 0.0;
            int T = observed.GetLength(0);

            for (int k = 0; k < T; k++)
            {
                double ePrey = prey - observed[k, 0];
                double ePred = predator - observed[k, 1];
                sse += ePrey * ePrey + ePred * ePred;

                for (int s = 0; s < substeps; s++)
                {
                    var k1 = Deriv(prey, predator);
                    var k2 = Deriv(prey + 0.5 * dt * k1.dx, predator + 0.5 * dt * k1.dy);
                    var k3 = Deriv(prey + 0.5 * dt * k2.dx, predator + 0.5 * dt * k2.dy);
                    var k4 = Deriv(prey + dt * k3.dx, predator + dt * k3.dy);
                    prey += dt / 6.0 * (k1.dx + 2 * k2.dx + 2 * k3.dx + k4.dx);
                    predator += dt / 6.0 * (k1.dy + 2 * k2.dy + 2 * k3.dy + k4.dy);
                }
            }

            return sse / T;
        }

        // ------------------------------------------------------------ 18 LocalLevelNegLogLik
        // DynamicalFits.LocalLevelNegLogLik as written. Idioms: log-parameterised variances, foreach with double.IsNaN and
        // 'continue' (missing data), an 'if (used > 0)' counter-gated accumulation, default arguments.

        /// <summary>
        /// Negative log-likelihood of the local-level model y_t = mu_t + eps_t, mu_{t+1} = mu_t + eta_t,
        /// via the Kalman filter with a diffuse-ish prior. Variances are parameterised on the log scale.
        /// NaN observations are treated as missing.
        /// </summary>
        [Differentiable]
        public static double LocalLevelNegLogLik(double logObsVar, double logLevelVar, double[] y,
                                                 double initialLevel = 0.0, double initialVar = 1e6)
        {
            double sigmaEps2 = Math.Exp(logObsVar);
            double sigmaEta2 = Math.Exp(logLevelVar);

            double a = initialLevel; // predicted state mean
            double p = initialVar;   // predicted state variance
            double nll = 0.0;
            int used = 0;

            foreach (var obs in y)
            {
                if (double.IsNaN(obs))
                {
                    p += sigmaEta2; // prediction only
                    continue;
                }

                double v = obs - a;        // innovation
                double f = p + sigmaEps2;  // innovation variance
                double gain = p / f;

                // skip the first observation's contribution (diffuse initialisation)
                if (used > 0)
                    nll += 0.5 * (Log2Pi + Math.Log(f) + v * v / f);
                used++;

                a += gain * v;
                p = p * (1.0 - gain) + sigmaEta2;
            }

            return nll;
        }

        // ------------------------------------------------------------ 19 HmmNegLogLikelihood
        // DynamicalFits.HmmNegLogLikelihood as written. Idioms: the log-space forward algorithm, a
        // LogSumExp(ReadOnlySpan<double>) helper called with an array, a tuple swap '(alpha, next) = (next, alpha)', an
        // early return, a guard naming its parameter.

        /// <summary>
        /// Gaussian-emission HMM: -log p(x_1..T) via the forward algorithm in log space.
        /// </summary>
        [Differentiable]
        public static double HmmNegLogLikelihood(double[] logInitial, double[,] logTransition, double[] means,
                                                 double[] stdDevs, double[] observations)
        {
            int K = logInitial.Length;
            if (logTransition.GetLength(0) != K || logTransition.GetLength(1) != K)
                throw new ArgumentException("Transition matrix must be K x K.", nameof(logTransition));
            if (observations.Length == 0)
                return 0.0;

            var alpha = new double[K];
            var next = new double[K];
            var scratch = new double[K];

            for (int k = 0; k < K; k++)
                alpha[k] = logInitial[k] + LogNormalPdf(observations[0], means[k], stdDevs[k]);

            for (int t = 1; t < observations.Length; t++)
            {
                for (int j = 0; j < K; j++)
                {
                    for (int i = 0; i < K; i++)
                        scratch[i] = alpha[i] + logTransition[i, j];
                    next[j] = LogSumExp(scratch) + LogNormalPdf(observations[t], means[j], stdDevs[j]);
                }
                (alpha, next) = (next, alpha);
            }

            return -LogSumExp(alpha);
        }

        private static double LogSumExp(ReadOnlySpan<double> values)
        {
            double max = double.NegativeInfinity;
            foreach (var v in values)
                if (v > max) max = v;
            if (double.IsNegativeInfinity(max))
                return max;

            double sum = 0.0;
            foreach (var v in values)
                sum += Math.Exp(v - max);
            return max + Math.Log(sum);
        }

        private static double LogNormalPdf(double x, double mu, double sigma)
        {
            double z = (x - mu) / sigma;
            return -0.5 * (Log2Pi + z * z) - Math.Log(sigma);
        }

        // ------------------------------------------------------------ 20 Wasserstein1D
        // PhysicsObjectives.Wasserstein1D as written. Idioms: ReadOnlySpan<double> parameters, IsEmpty, a two-pointer
        // 'while' merge, a bool selector with a ternary, post-increment indexing 'xWeights[i++]', foreach over spans.

        /// <summary>
        /// 1-D Wasserstein-1 distance between two weighted empirical distributions whose support points
        /// are sorted ascending: W1 = integral |F(t) - G(t)| dt.
        /// </summary>
        [Differentiable]
        public static double Wasserstein1D(ReadOnlySpan<double> x, ReadOnlySpan<double> xWeights,
                                           ReadOnlySpan<double> y, ReadOnlySpan<double> yWeights)
        {
            if (x.Length != xWeights.Length || y.Length != yWeights.Length)
                throw new ArgumentException("Each sample needs one weight per point.");
            if (x.IsEmpty || y.IsEmpty)
                throw new ArgumentException("Samples must be non-empty.");

            double wxTotal = 0.0, wyTotal = 0.0;
            foreach (var w in xWeights) wxTotal += w;
            foreach (var w in yWeights) wyTotal += w;

            int i = 0, j = 0;
            double cdfX = 0.0, cdfY = 0.0;
            double prev = Math.Min(x[0], y[0]);
            double distance = 0.0;

            while (i < x.Length || j < y.Length)
            {
                bool takeX = j >= y.Length || (i < x.Length && x[i] <= y[j]);
                double next = takeX ? x[i] : y[j];

                distance += Math.Abs(cdfX - cdfY) * (next - prev);
                prev = next;

                if (takeX)
                    cdfX += xWeights[i++] / wxTotal;
                else
                    cdfY += yWeights[j++] / wyTotal;
            }

            return distance;
        }

        // ------------------------------------------------------------ 21 SpringChainSettledEnergy
        // PhysicsObjectives.SpringChainSettledEnergy as written. Idioms: a sealed record config with defaults, a
        // '(double[])Clone()' cast, a 'while' stepper with an int counter and a tolerance 'break', LINQ Sum with a lambda,
        // boundary ternaries, double.MaxValue.

        /// <summary>
        /// Fixed–fixed chain of masses joined by springs with the given stiffnesses (one more spring than masses).
        /// Integrates with semi-implicit Euler until the kinetic energy falls under the tolerance (or MaxSteps),
        /// and returns the total mechanical energy left in the chain at that point.
        /// </summary>
        [Differentiable]
        public static double SpringChainSettledEnergy(double[] stiffness, double[] initialDisplacement,
                                                      Round26SpringChainConfig config)
        {
            int n = initialDisplacement.Length;
            if (stiffness.Length != n + 1)
                throw new ArgumentException("A chain of n masses needs n + 1 springs.", nameof(stiffness));

            var u = (double[])initialDisplacement.Clone();
            var v = new double[n];
            double dt = config.TimeStep;
            int step = 0;
            double kinetic = double.MaxValue;

            while (step < config.MaxSteps)
            {
                for (int m = 0; m < n; m++)
                {
                    double left = m == 0 ? 0.0 : u[m - 1];
                    double right = m == n - 1 ? 0.0 : u[m + 1];
                    double force = stiffness[m] * (left - u[m]) + stiffness[m + 1] * (right - u[m])
                                   - config.Damping * v[m];
                    v[m] += dt * force / config.Mass;
                }
                for (int m = 0; m < n; m++)
                    u[m] += dt * v[m];
                step++;

                kinetic = 0.5 * config.Mass * v.Sum(vi => vi * vi);
                if (kinetic < config.Tolerance && step > 10)
                    break;
            }

            double potential = 0.0;
            for (int s = 0; s <= n; s++)
            {
                double left = s == 0 ? 0.0 : u[s - 1];
                double right = s == n ? 0.0 : u[s];
                double stretch = right - left;
                potential += 0.5 * stiffness[s] * stretch * stretch;
            }

            return kinetic + potential;
        }

        // ------------------------------------------------------------ 24 BilinearWarpLoss
        // ImagingLosses.BilinearWarpLoss as written. Idioms: a double[,,] flow field, a bilinear sampling helper with
        // Math.Clamp/Floor and (int) casts and its parameters reassigned, bounds-checked finite-difference smoothness.

        /// <summary>
        /// Warps the source image by a dense displacement field (flow[y, x, 0] = dx, flow[y, x, 1] = dy) using
        /// bilinear sampling with border clamping, and returns MSE to the target plus a first-order smoothness
        /// penalty on the field.
        /// </summary>
        [Differentiable]
        public static double BilinearWarpLoss(double[,] source, double[,,] flow, double[,] target,
                                              double smoothnessWeight = 0.1)
        {
            int h = source.GetLength(0), w = source.GetLength(1);
            if (flow.GetLength(0) != h || flow.GetLength(1) != w || flow.GetLength(2) != 2)
                throw new ArgumentException("flow must be [H, W, 2].", nameof(flow));
            if (target.GetLength(0) != h || target.GetLength(1) != w)
                throw new ArgumentException("target must match the source size.", nameof(target));

            double data = 0.0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double warped = SampleBilinear(source, y + flow[y, x, 1], x + flow[y, x, 0]);
                    double r = warped - target[y, x];
                    data += r * r;
                }
            }

            double smooth = 0.0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        if (x + 1 < w)
                        {
                            double gx = flow[y, x + 1, c] - flow[y, x, c];
                            smooth += gx * gx;
                        }
                        if (y + 1 < h)
                        {
                            double gy = flow[y + 1, x, c] - flow[y, x, c];
                            smooth += gy * gy;
                        }
                    }
                }
            }

            return (data + smoothnessWeight * smooth) / (h * w);
        }

        private static double SampleBilinear(double[,] image, double y, double x)
        {
            int h = image.GetLength(0), w = image.GetLength(1);
            y = Math.Clamp(y, 0.0, h - 1);
            x = Math.Clamp(x, 0.0, w - 1);

            int y0 = (int)Math.Floor(y), x0 = (int)Math.Floor(x);
            int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
            double ty = y - y0, tx = x - x0;

            double top = (1 - tx) * image[y0, x0] + tx * image[y0, x1];
            double bottom = (1 - tx) * image[y1, x0] + tx * image[y1, x1];
            return (1 - ty) * top + ty * bottom;
        }

        // ------------------------------------------------------------ 25 Garch11NegLogLik
        // QuantObjectives.Garch11NegLogLik as written. Idioms: scalar parameters, an early return of a penalty constant
        // outside the stationarity region, LINQ Average and Sum with a lambda, a foreach recursion on the variance h.

        private const double InvalidPenalty = 1e10;

        /// <summary>
        /// Gaussian GARCH(1,1) negative log-likelihood:
        /// h_t = omega + alpha * r_{t-1}^2 + beta * h_{t-1}, with h_0 set to the sample variance.
        /// </summary>
        [Differentiable]
        public static double Garch11NegLogLik(double omega, double alpha, double beta, double[] returns)
        {
            if (returns.Length < 2)
                throw new ArgumentException("Need at least two returns.", nameof(returns));

            // Outside the stationary region: hand the optimiser a large value instead of throwing.
            if (omega <= 0.0 || alpha < 0.0 || beta < 0.0 || alpha + beta >= 1.0)
                return InvalidPenalty;

            double mean = returns.Average();
            double h = returns.Sum(r => (r - mean) * (r - mean)) / (returns.Length - 1);

            double nll = 0.0;
            foreach (var r in returns)
            {
                nll += 0.5 * (Log2Pi + Math.Log(h) + r * r / h);
                h = omega + alpha * r * r + beta * h;
            }
            return nll;
        }

        // ------------------------------------------------------------ 26 NelsonSiegelSvenssonLoss
        // QuantObjectives.NelsonSiegelSvenssonLoss as written. Idioms: a sealed record of options, tuple deconstruction
        // of parameter-array entries 'var (b0, b1, b2, b3) = (...)', a penalty early return, an expression-bodied helper
        // with a Taylor-branch ternary, a bool-option weight ternary with Math.Max, a ridge term.

        /// <summary>
        /// Weighted least-squares fit of the Nelson–Siegel–Svensson curve with a small ridge term.
        /// p = [beta0, beta1, beta2, beta3, tau1, tau2]; maturities in years, yields in percent.
        /// </summary>
        [Differentiable]
        public static double NelsonSiegelSvenssonLoss(double[] p, double[] maturities, double[] observedYields,
                                                      Round26YieldFitOptions options)
        {
            if (p.Length != 6)
                throw new ArgumentException("NSS needs six parameters.", nameof(p));
            if (maturities.Length != observedYields.Length)
                throw new ArgumentException("One yield per maturity.");

            var (b0, b1, b2, b3) = (p[0], p[1], p[2], p[3]);
            double tau1 = p[4], tau2 = p[5];
            if (tau1 <= 0.0 || tau2 <= 0.0)
                return InvalidPenalty;

            double loss = 0.0, weightSum = 0.0;
            for (int i = 0; i < maturities.Length; i++)
            {
                double m = maturities[i];
                double x1 = m / tau1, x2 = m / tau2;
                double f1 = Loading(x1);
                double f2 = Loading(x2);
                double model = b0 + b1 * f1 + b2 * (f1 - Math.Exp(-x1)) + b3 * (f2 - Math.Exp(-x2));

                double w = options.WeightByInverseMaturity ? 1.0 / Math.Max(m, 0.25) : 1.0;
                double e = model - observedYields[i];
                loss += w * e * e;
                weightSum += w;
            }

            double ridge = options.Ridge * (b1 * b1 + b2 * b2 + b3 * b3);
            return loss / weightSum + ridge;
        }

        // (1 - e^{-x}) / x with a Taylor expansion near zero to avoid 0/0.
        private static double Loading(double x) =>
            Math.Abs(x) < 1e-6 ? 1.0 - 0.5 * x + x * x / 6.0 : (1.0 - Math.Exp(-x)) / x;

        // ------------------------------------------------------------ 27 MertonCalibrationLoss
        // QuantObjectives.MertonCalibrationLoss as written. Idioms: a private helper chain MertonCall -> BlackScholesCall
        // -> NormCdf -> Erfc (a Horner polynomial), a Poisson weight recursion, a series loop with 'break' when the term
        // gets small, default-argument tolerance and term count, a penalty early return.

        /// <summary>
        /// Calibration loss of the Merton jump-diffusion model to a strip of European call prices.
        /// modelParams = [sigma, lambda, jumpMean, jumpVol]. Relative squared pricing error, averaged.
        /// </summary>
        [Differentiable]
        public static double MertonCalibrationLoss(double[] modelParams, double spot, double rate,
                                                   double[] strikes, double[] maturities, double[] marketPrices)
        {
            if (modelParams.Length != 4)
                throw new ArgumentException("Expected [sigma, lambda, jumpMean, jumpVol].", nameof(modelParams));
            if (strikes.Length != maturities.Length || strikes.Length != marketPrices.Length)
                throw new ArgumentException("Quote arrays must have equal length.");

            double sigma = modelParams[0], lambda = modelParams[1];
            double jumpMean = modelParams[2], jumpVol = modelParams[3];
            if (sigma <= 0.0 || lambda < 0.0 || jumpVol < 0.0)
                return InvalidPenalty;

            double loss = 0.0;
            for (int q = 0; q < strikes.Length; q++)
            {
                double model = MertonCall(spot, strikes[q], rate, sigma, maturities[q], lambda, jumpMean, jumpVol);
                double rel = (model - marketPrices[q]) / marketPrices[q];
                loss += rel * rel;
            }
            return loss / strikes.Length;
        }

        /// <summary>Merton (1976) call price as a Poisson-weighted sum of Black–Scholes prices.</summary>
        private static double MertonCall(double s, double k, double r, double sigma, double t,
                                         double lambda, double jumpMean, double jumpVol,
                                         double tolerance = 1e-12, int maxTerms = 200)
        {
            double kappa = Math.Exp(jumpMean + 0.5 * jumpVol * jumpVol) - 1.0;
            double lambdaPrime = lambda * (1.0 + kappa);
            double lt = lambdaPrime * t;

            double weight = Math.Exp(-lt); // Poisson pmf at n = 0
            double price = 0.0;
            for (int n = 0; n < maxTerms; n++)
            {
                if (n > 0)
                    weight *= lt / n;

                double sigmaN = Math.Sqrt(sigma * sigma + n * jumpVol * jumpVol / t);
                double rN = r - lambda * kappa + n * Math.Log(1.0 + kappa) / t;
                double term = weight * BlackScholesCall(s, k, rN, sigmaN, t);
                price += term;

                if (n > lt && term < tolerance * Math.Max(price, 1.0))
                    break;
            }
            return price;
        }

        private static double BlackScholesCall(double s, double k, double r, double sigma, double t)
        {
            double sqrtT = Math.Sqrt(t);
            double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
            double d2 = d1 - sigma * sqrtT;
            return s * NormCdf(d1) - k * Math.Exp(-r * t) * NormCdf(d2);
        }

        private static double NormCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

        // Numerical Recipes erfc (Chebyshev fit), fractional error < 1.2e-7.
        private static double Erfc(double x)
        {
            double z = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.5 * z);
            double ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                         t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                         t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0.0 ? ans : 2.0 - ans;
        }

        // ------------------------------------------------------------ 28 DirichletMultinomialLogLik
        // StatisticalLikelihoods.DirichletMultinomialLogLik as written. Idioms: a Lanczos log-gamma helper with a
        // static readonly double[] of coefficients and a recursive reflection branch, int[][] counts, foreach with a
        // guard inside, int accumulation 'n += x', 'continue' on a zero count.

        private const double HalfLog2Pi = 0.91893853320467274;

        private static readonly double[] LanczosCoefficients =
        {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7,
        };

        /// <summary>
        /// Dirichlet-multinomial log-likelihood of count vectors (rows of counts) given concentration alpha.
        /// Includes the multinomial coefficient so values are comparable across models.
        /// </summary>
        [Differentiable]
        public static double DirichletMultinomialLogLik(double[] alpha, int[][] counts)
        {
            int K = alpha.Length;
            double alphaSum = 0.0;
            foreach (var a in alpha)
            {
                if (a <= 0.0)
                    throw new ArgumentException("Concentration parameters must be positive.", nameof(alpha));
                alphaSum += a;
            }

            double lgAlphaSum = LogGamma(alphaSum);

            double ll = 0.0;
            foreach (var row in counts)
            {
                if (row.Length != K)
                    throw new ArgumentException("Every count vector must have one entry per category.", nameof(counts));

                int n = 0;
                double term = 0.0;
                for (int k = 0; k < K; k++)
                {
                    int x = row[k];
                    n += x;
                    if (x == 0) continue; // lgamma(0 + a) - lgamma(a) - lgamma(1) == 0
                    term += LogGamma(x + alpha[k]) - LogGamma(alpha[k]) - LogGamma(x + 1.0);
                }

                ll += LogGamma(n + 1.0) + lgAlphaSum - LogGamma(n + alphaSum) + term;
            }

            return ll;
        }

        // ------------------------------------------------------------ 29 NegativeBinomialGlmNegLogLik
        // StatisticalLikelihoods.NegativeBinomialGlmNegLogLik as written. Idioms: a double[,] design matrix, an int[]
        // response, a log link, a log-parameterised dispersion, a nullable double[]? exposure with a ternary, the LogGamma
        // helper, guards with interpolated messages.

        /// <summary>
        /// Negative log-likelihood of a negative-binomial (NB2) GLM with log link:
        /// mu_i = exposure_i * exp(x_i . beta), Var = mu + alpha mu^2, alpha = exp(logAlpha).
        /// </summary>
        [Differentiable]
        public static double NegativeBinomialGlmNegLogLik(double[] beta, double logAlpha, double[,] design, int[] y,
                                                          double[]? exposure = null)
        {
            int n = design.GetLength(0), p = design.GetLength(1);
            if (beta.Length != p)
                throw new ArgumentException($"beta must have {p} coefficients.", nameof(beta));
            if (y.Length != n)
                throw new ArgumentException("One response per design row.", nameof(y));

            double alpha = Math.Exp(logAlpha);
            double r = 1.0 / alpha; // NB "size"
            double lgR = LogGamma(r);

            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = exposure is null ? 0.0 : Math.Log(exposure[i]);
                for (int j = 0; j < p; j++)
                    eta += design[i, j] * beta[j];
                double mu = Math.Exp(eta);

                int yi = y[i];
                double logDenom = Math.Log(r + mu);
                double ll = LogGamma(yi + r) - lgR - LogGamma(yi + 1.0)
                            + r * (Math.Log(r) - logDenom)
                            + yi * (eta - logDenom);
                nll -= ll;
            }

            return nll;
        }

        /// <summary>log Gamma(x) via the Lanczos approximation (g = 7, n = 9), with reflection for x &lt; 0.5.</summary>
        private static double LogGamma(double x)
        {
            if (x < 0.5)
            {
                // Gamma(x) Gamma(1 - x) = pi / sin(pi x)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1.0 - x);
            }

            x -= 1.0;
            double a = LanczosCoefficients[0];
            double t = x + 7.5; // x + g + 0.5
            for (int i = 1; i < LanczosCoefficients.Length; i++)
                a += LanczosCoefficients[i] / (x + i);

            return HalfLog2Pi + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
        }
    }

    /// <summary>Batch 26's enum Reduction (FocalLoss's reduction), renamed.</summary>
    public enum Round26Reduction
    {
        Mean,
        Sum,
    }

    /// <summary>Batch 26's enum ValueLossKind (GaeValueLoss's kind), renamed.</summary>
    public enum Round26ValueLossKind
    {
        Mse,
        Huber,
    }

    /// <summary>Batch 26's SirState (SirFitLoss's state), renamed.</summary>
    public readonly record struct Round26SirState(double S, double I, double R);

    /// <summary>Batch 26's SpringChainConfig (SpringChainSettledEnergy's config), renamed.</summary>
    public sealed record Round26SpringChainConfig(double Mass = 1.0, double Damping = 0.5, double TimeStep = 0.01,
                                                  double Tolerance = 1e-6, int MaxSteps = 100_000);

    /// <summary>Batch 26's YieldFitOptions (NelsonSiegelSvenssonLoss's options), renamed.</summary>
    public sealed record Round26YieldFitOptions(double Ridge = 1e-4, bool WeightByInverseMaturity = false);

    /// <summary>
    /// Batch 26's LstmRegressor as written (renamed class): single-layer LSTM with a linear read-out. Idioms: protected
    /// readonly double[,] weight fields and a mutable protected field ReadOutBias (constants to the generated code), get-only
    /// int properties, gate slicing by offsets 'H + j', a fresh hNext per step assigned to h, Sigmoid/Tanh. The bare
    /// [Differentiable] differentiates the parameters inputs and targets.
    /// </summary>
    public partial class Round26LstmRegressor
    {
        // Gate order: input, forget, cell, output. Rows are 4 * hidden.
        protected readonly double[,] Wx; // [4H, D]
        protected readonly double[,] Wh; // [4H, H]
        protected readonly double[] Bias; // [4H]
        protected readonly double[] ReadOut; // [H]
        protected double ReadOutBias;

        public int InputSize { get; }
        public int HiddenSize { get; }

        public Round26LstmRegressor(int inputSize, int hiddenSize, Random rng)
        {
            InputSize = inputSize;
            HiddenSize = hiddenSize;
            Wx = new double[4 * hiddenSize, inputSize];
            Wh = new double[4 * hiddenSize, hiddenSize];
            Bias = new double[4 * hiddenSize];
            ReadOut = new double[hiddenSize];

            double scale = 1.0 / Math.Sqrt(hiddenSize);
            for (int r = 0; r < 4 * hiddenSize; r++)
            {
                for (int c = 0; c < inputSize; c++) Wx[r, c] = scale * (2 * rng.NextDouble() - 1);
                for (int c = 0; c < hiddenSize; c++) Wh[r, c] = scale * (2 * rng.NextDouble() - 1);
            }
            for (int j = 0; j < hiddenSize; j++)
            {
                Bias[hiddenSize + j] = 1.0; // forget-gate bias trick
                ReadOut[j] = scale * (2 * rng.NextDouble() - 1);
            }
        }

        /// <summary>Runs the cell over the sequence and returns the MSE of per-step predictions.</summary>
        [Differentiable]
        public double SequenceLoss(double[][] inputs, double[] targets)
        {
            if (inputs.Length != targets.Length)
                throw new ArgumentException("One target per time step is required.");

            int H = HiddenSize;
            var h = new double[H];
            var c = new double[H];
            var gates = new double[4 * H];
            double loss = 0.0;

            for (int t = 0; t < inputs.Length; t++)
            {
                var x = inputs[t];
                for (int r = 0; r < 4 * H; r++)
                {
                    double acc = Bias[r];
                    for (int k = 0; k < InputSize; k++) acc += Wx[r, k] * x[k];
                    for (int k = 0; k < H; k++) acc += Wh[r, k] * h[k];
                    gates[r] = acc;
                }

                var hNext = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double i = Sigmoid(gates[j]);
                    double f = Sigmoid(gates[H + j]);
                    double g = Math.Tanh(gates[2 * H + j]);
                    double o = Sigmoid(gates[3 * H + j]);
                    c[j] = f * c[j] + i * g;
                    hNext[j] = o * Math.Tanh(c[j]);
                }
                h = hNext;

                double y = ReadOutBias;
                for (int j = 0; j < H; j++) y += ReadOut[j] * h[j];
                double err = y - targets[t];
                loss += err * err;
            }

            return loss / inputs.Length;
        }

        private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
    }

    /// <summary>
    /// Batch 26's EmbeddingBagClassifier as written (renamed class): a fastText-style classifier, mean-pooled EmbeddingBag
    /// then a linear layer. Idioms: get-only array properties (double[][], double[,], double[]; constants to the generated
    /// code), int[] token ids with PyTorch-style int[] offsets, a ternary bag end, Array.Clear, 'continue' on an
    /// out-of-vocabulary id, an int count, mean pooling, an inline log-sum-exp. Its parameters are all int arrays, so the
    /// bare [Differentiable] differentiates nothing: Forward and Backward give the value.
    /// </summary>
    public sealed partial class Round26EmbeddingBagClassifier
    {
        public double[][] Embeddings { get; } // [vocab][dim]
        public double[,] Weights { get; }      // [classes, dim]
        public double[] Bias { get; }          // [classes]

        public Round26EmbeddingBagClassifier(double[][] embeddings, double[,] weights, double[] bias)
        {
            Embeddings = embeddings;
            Weights = weights;
            Bias = bias;
        }

        /// <summary>
        /// Bags are given PyTorch-style: bag b covers tokenIds[offsets[b] .. offsets[b+1]).
        /// Returns mean cross-entropy over bags.
        /// </summary>
        [Differentiable]
        public double Loss(int[] tokenIds, int[] offsets, int[] labels)
        {
            int numBags = offsets.Length;
            if (labels.Length != numBags)
                throw new ArgumentException("One label per bag is required.", nameof(labels));

            int dim = Embeddings[0].Length;
            int numClasses = Bias.Length;
            var pooled = new double[dim];
            var logits = new double[numClasses];
            double loss = 0.0;

            for (int b = 0; b < numBags; b++)
            {
                int start = offsets[b];
                int end = b + 1 < numBags ? offsets[b + 1] : tokenIds.Length;
                Array.Clear(pooled);

                int count = 0;
                for (int p = start; p < end; p++)
                {
                    int id = tokenIds[p];
                    if (id < 0 || id >= Embeddings.Length)
                        continue; // unknown / padding token
                    var row = Embeddings[id];
                    for (int k = 0; k < dim; k++) pooled[k] += row[k];
                    count++;
                }
                if (count > 0)
                {
                    for (int k = 0; k < dim; k++) pooled[k] /= count;
                }

                double max = double.NegativeInfinity;
                for (int c = 0; c < numClasses; c++)
                {
                    double z = Bias[c];
                    for (int k = 0; k < dim; k++) z += Weights[c, k] * pooled[k];
                    logits[c] = z;
                    if (z > max) max = z;
                }

                double sumExp = 0.0;
                for (int c = 0; c < numClasses; c++) sumExp += Math.Exp(logits[c] - max);
                loss += max + Math.Log(sumExp) - logits[labels[b]];
            }

            return loss / numBags;
        }
    }

    /// <summary>
    /// Batch 26's DepthwiseConv1d as written (renamed class): a depthwise 1-D convolution with zero padding and stride.
    /// Idioms: float, private readonly float[,] and float[] fields (constants to the generated code), computed properties
    /// from GetLength, get-only int properties, a public instance helper OutputLength, a float[,] local written by a
    /// private void instance helper Forward, stride/padding arithmetic, 'continue' for zero padding, SiLU, guards with
    /// interpolated messages. The bare [Differentiable] differentiates input and target.
    /// </summary>
    public sealed partial class Round26DepthwiseConv1d
    {
        private readonly float[,] _kernels; // [channels, kernelSize]
        private readonly float[] _bias;

        public int Channels => _kernels.GetLength(0);
        public int KernelSize => _kernels.GetLength(1);
        public int Stride { get; }
        public int Padding { get; }

        public Round26DepthwiseConv1d(float[,] kernels, float[] bias, int stride = 1, int padding = 0)
        {
            if (stride < 1) throw new ArgumentException("Stride must be >= 1.", nameof(stride));
            if (padding < 0) throw new ArgumentException("Padding must be >= 0.", nameof(padding));
            _kernels = kernels;
            _bias = bias;
            Stride = stride;
            Padding = padding;
        }

        public int OutputLength(int inputLength) => (inputLength + 2 * Padding - KernelSize) / Stride + 1;

        /// <summary>MSE between the layer output (after SiLU) and a target of shape [channels, outLength].</summary>
        [Differentiable]
        public float Loss(float[,] input, float[,] target)
        {
            int length = input.GetLength(1);
            int outLength = OutputLength(length);
            if (input.GetLength(0) != Channels)
                throw new ArgumentException("Channel count mismatch.", nameof(input));
            if (target.GetLength(0) != Channels || target.GetLength(1) != outLength)
                throw new ArgumentException($"Target must be [{Channels}, {outLength}].", nameof(target));

            var output = new float[Channels, outLength];
            Forward(input, output);

            float loss = 0f;
            for (int c = 0; c < Channels; c++)
            {
                for (int t = 0; t < outLength; t++)
                {
                    float d = output[c, t] - target[c, t];
                    loss += d * d;
                }
            }
            return loss / (Channels * outLength);
        }

        private void Forward(float[,] input, float[,] output)
        {
            int length = input.GetLength(1);
            int outLength = output.GetLength(1);
            for (int c = 0; c < Channels; c++)
            {
                for (int t = 0; t < outLength; t++)
                {
                    float acc = _bias[c];
                    int origin = t * Stride - Padding;
                    for (int k = 0; k < KernelSize; k++)
                    {
                        int pos = origin + k;
                        if (pos < 0 || pos >= length)
                            continue; // zero padding
                        acc += _kernels[c, k] * input[c, pos];
                    }
                    output[c, t] = acc / (1f + MathF.Exp(-acc)); // SiLU
                }
            }
        }
    }
}
