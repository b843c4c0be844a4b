using System;
using System.Linq;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 16 of natural idioms: a fourth probe batch written without the documentation (reinforcement learning, generative and
    /// distillation losses, image losses, graphs and recommenders, sequence models, state-space and growth models, chemistry and
    /// heat transfer, dynamic time warping, Gaussian processes, finance), each function kept as written. 29 of 30 were accepted
    /// as written; the one rejected is listed at the end of the class.
    /// </summary>
    public static partial class NaturalRound16
    {
        [Differentiable]
        public static double VaeElbo(double[] x, double[] mu, double[] logVar, double[] eps, double[,] decoderW, double[] decoderB)
        {
            int latentDim = mu.Length;
            int dataDim = x.Length;
            if (logVar.Length != latentDim || eps.Length != latentDim)
                throw new ArgumentException("latent dimension mismatch");
            if (decoderW.GetLength(0) != dataDim || decoderW.GetLength(1) != latentDim)
                throw new ArgumentException("decoder shape mismatch");

            // reparameterisation trick: z = mu + sigma * eps
            var z = new double[latentDim];
            for (int j = 0; j < latentDim; j++)
                z[j] = mu[j] + Math.Exp(0.5 * logVar[j]) * eps[j];

            // Bernoulli decoder, logits = W z + b
            double recon = 0.0;
            for (int i = 0; i < dataDim; i++)
            {
                double a = decoderB[i];
                for (int j = 0; j < latentDim; j++)
                    a += decoderW[i, j] * z[j];
                // numerically stable BCE-with-logits
                recon += Math.Max(a, 0.0) - a * x[i] + Math.Log(1.0 + Math.Exp(-Math.Abs(a)));
            }

            double kl = 0.0;
            for (int j = 0; j < latentDim; j++)
                kl += -0.5 * (1.0 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]));

            return recon + kl; // negative ELBO
        }

        [Differentiable]
        public static double PpoClippedObjective(double[] newLogProbs, double[] oldLogProbs, double[] advantages, double clipEps = 0.2)
        {
            int n = newLogProbs.Length;
            if (n == 0) return 0.0;
            if (oldLogProbs.Length != n || advantages.Length != n)
                throw new ArgumentException("length mismatch");

            // normalise advantages over the minibatch
            double mean = advantages.Average();
            double variance = advantages.Select(a => (a - mean) * (a - mean)).Average();
            double std = Math.Sqrt(variance) + 1e-8;

            double total = 0.0;
            for (int t = 0; t < n; t++)
            {
                double adv = (advantages[t] - mean) / std;
                double ratio = Math.Exp(newLogProbs[t] - oldLogProbs[t]);
                double unclipped = ratio * adv;
                double clipped = Math.Clamp(ratio, 1.0 - clipEps, 1.0 + clipEps) * adv;
                total += Math.Min(unclipped, clipped);
            }
            return -total / n; // we minimise, PPO maximises
        }

        [Differentiable]
        public static float PolicyGradientLoss(float[][] logits, int[] actions, float[] returns, float entropyCoef)
        {
            int T = logits.Length;
            if (actions.Length != T || returns.Length != T)
                throw new ArgumentException("trajectory arrays must have equal length");

            float loss = 0f;
            for (int t = 0; t < T; t++)
            {
                float[] row = logits[t];
                float maxLogit = row.Max();
                float sumExp = 0f;
                foreach (float l in row)
                    sumExp += MathF.Exp(l - maxLogit);
                float logZ = maxLogit + MathF.Log(sumExp);

                float logProb = row[actions[t]] - logZ;
                float entropy = 0f;
                for (int a = 0; a < row.Length; a++)
                {
                    float lp = row[a] - logZ;
                    entropy -= MathF.Exp(lp) * lp;
                }
                loss += -logProb * returns[t] - entropyCoef * entropy;
            }
            return loss / T;
        }

        [Differentiable]
        public static double TdLambdaValueLoss(double[] values, double[] rewards, bool[] dones, double bootstrapValue, double gamma, double lambda)
        {
            int T = rewards.Length;
            if (values.Length != T || dones.Length != T)
                throw new ArgumentException("values, rewards and dones must have the same length");
            if (gamma < 0 || gamma > 1 || lambda < 0 || lambda > 1)
                throw new ArgumentOutOfRangeException(nameof(gamma), "gamma and lambda must be in [0,1]");

            // lambda-returns, computed backwards
            var targets = new double[T];
            double nextReturn = bootstrapValue;
            double nextValue = bootstrapValue;
            int t = T - 1;
            while (t >= 0)
            {
                double notDone = dones[t] ? 0.0 : 1.0;
                double g = rewards[t] + gamma * notDone * ((1 - lambda) * nextValue + lambda * nextReturn);
                targets[t] = g;
                nextReturn = g;
                nextValue = values[t];
                t--;
            }

            double loss = 0;
            for (int i = 0; i < T; i++)
            {
                double diff = values[i] - targets[i];
                loss += 0.5 * diff * diff;
            }
            return loss / T;
        }

        public struct DqnTargetMseTransition
        {
            public int State;
            public int Action;
            public double Reward;
            public int NextState;
            public bool Terminal;
        }

        [Differentiable]
        public static double DqnTargetMse(double[,] qOnline, double[,] qTarget, DqnTargetMseTransition[] batch, double gamma)
        {
            if (batch.Length == 0) throw new ArgumentException("empty batch");
            int nActions = qOnline.GetLength(1);
            double sum = 0.0;
            foreach (var tr in batch)
            {
                // Double DQN: pick argmax with the online table, evaluate it with the target table
                int best = 0;
                for (int a = 1; a < nActions; a++)
                    if (qOnline[tr.NextState, a] > qOnline[tr.NextState, best]) best = a;

                double target = tr.Reward;
                if (!tr.Terminal)
                    target += gamma * qTarget[tr.NextState, best];

                double err = qOnline[tr.State, tr.Action] - target;
                sum += err * err;
            }
            return sum / batch.Length;
        }

        [Differentiable]
        public static float DistillationLoss(float[] studentLogits, float[] teacherLogits, int label, float temperature, float alpha)
        {
            if (temperature <= 0f) throw new ArgumentOutOfRangeException(nameof(temperature));
            if (studentLogits.Length != teacherLogits.Length) throw new ArgumentException("logit size mismatch");
            int k = studentLogits.Length;

            float[] pTeacher = DistillationLossSoftmax(teacherLogits, temperature);
            float[] logPStudentT = DistillationLossLogSoftmax(studentLogits, temperature);
            float[] logPStudent = DistillationLossLogSoftmax(studentLogits, 1f);

            // KL(teacher || student) at temperature T
            float soft = 0f;
            for (int i = 0; i < k; i++)
            {
                if (pTeacher[i] > 0f)
                    soft += pTeacher[i] * (MathF.Log(pTeacher[i]) - logPStudentT[i]);
            }
            float hard = -logPStudent[label];
            return alpha * temperature * temperature * soft + (1f - alpha) * hard;
        }

        private static float[] DistillationLossLogSoftmax(float[] z, float T)
        {
            float m = float.NegativeInfinity;
            for (int i = 0; i < z.Length; i++) m = MathF.Max(m, z[i] / T);
            float s = 0f;
            for (int i = 0; i < z.Length; i++) s += MathF.Exp(z[i] / T - m);
            float lse = m + MathF.Log(s);
            var r = new float[z.Length];
            for (int i = 0; i < z.Length; i++) r[i] = z[i] / T - lse;
            return r;
        }

        private static float[] DistillationLossSoftmax(float[] z, float T)
        {
            float[] p = DistillationLossLogSoftmax(z, T);
            for (int i = 0; i < p.Length; i++) p[i] = MathF.Exp(p[i]);
            return p;
        }

        [Differentiable]
        public static double MixupCrossEntropy(double[][] logits, int[] labelsA, int[] labelsB, double lam)
        {
            if (lam < 0.0 || lam > 1.0)
                throw new ArgumentOutOfRangeException(nameof(lam), "mixing coefficient must be in [0,1]");
            int batch = logits.Length;
            if (labelsA.Length != batch || labelsB.Length != batch)
                throw new ArgumentException("label arrays must match batch size");

            double total = 0;
            for (int b = 0; b < batch; b++)
            {
                var z = logits[b];
                double max = z[0];
                for (int c = 1; c < z.Length; c++) if (z[c] > max) max = z[c];
                double s = 0;
                for (int c = 0; c < z.Length; c++) s += Math.Exp(z[c] - max);
                double lse = max + Math.Log(s);

                double ceA = lse - z[labelsA[b]];
                double ceB = lse - z[labelsB[b]];
                total += lam * ceA + (1 - lam) * ceB;
            }
            return total / batch;
        }

        [Differentiable]
        public static float CharbonnierLoss(float[,] pred, float[,] target, float eps = 1e-3f)
        {
            int h = pred.GetLength(0), w = pred.GetLength(1);
            if (target.GetLength(0) != h || target.GetLength(1) != w)
                throw new ArgumentException("image size mismatch");

            float eps2 = eps * eps;
            float acc = 0f;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float d = pred[y, x] - target[y, x];
                    acc += MathF.Sqrt(d * d + eps2);
                }
            }
            return acc / (h * w);
        }

        [Differentiable]
        public static double SsimPatchLoss(double[,] img1, double[,] img2, int window = 4)
        {
            const double C1 = 0.01 * 0.01;
            const double C2 = 0.03 * 0.03;
            int h = img1.GetLength(0), w = img1.GetLength(1);
            if (window < 2) throw new ArgumentOutOfRangeException(nameof(window));
            if (h < window || w < window) throw new ArgumentException("image smaller than window");

            int n = window * window;
            int stride = window / 2;
            double ssimSum = 0;
            int count = 0;
            for (int i = 0; i + window <= h; i += stride)
            {
                for (int j = 0; j + window <= w; j += stride)
                {
                    double mx = 0, my = 0;
                    for (int a = 0; a < window; a++)
                        for (int b = 0; b < window; b++)
                        {
                            mx += img1[i + a, j + b];
                            my += img2[i + a, j + b];
                        }
                    mx /= n; my /= n;

                    double vx = 0, vy = 0, cxy = 0;
                    for (int a = 0; a < window; a++)
                        for (int b = 0; b < window; b++)
                        {
                            double dx = img1[i + a, j + b] - mx;
                            double dy = img2[i + a, j + b] - my;
                            vx += dx * dx; vy += dy * dy; cxy += dx * dy;
                        }
                    vx /= n - 1; vy /= n - 1; cxy /= n - 1;

                    double ssim = (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                    ssimSum += ssim;
                    count++;
                }
            }
            return 1.0 - ssimSum / count;
        }

        [Differentiable]
        public static double GramStyleLoss(double[,] genFeatures, double[,] styleFeatures, double[,] contentFeatures, double styleWeight, double contentWeight)
        {
            int c = genFeatures.GetLength(0);
            int n = genFeatures.GetLength(1);
            double[,] gGen = GramStyleLossGram(genFeatures);
            double[,] gStyle = GramStyleLossGram(styleFeatures);

            double style = 0;
            for (int i = 0; i < c; i++)
                for (int j = 0; j < c; j++)
                {
                    double d = gGen[i, j] - gStyle[i, j];
                    style += d * d;
                }
            style /= 4.0 * c * c;

            double content = 0;
            for (int i = 0; i < c; i++)
                for (int k = 0; k < n; k++)
                {
                    double d = genFeatures[i, k] - contentFeatures[i, k];
                    content += d * d;
                }
            content *= 0.5;

            return styleWeight * style + contentWeight * content;
        }

        // channels x positions -> normalised Gram matrix
        private static double[,] GramStyleLossGram(double[,] f)
        {
            int c = f.GetLength(0), n = f.GetLength(1);
            var g = new double[c, c];
            for (int i = 0; i < c; i++)
                for (int j = i; j < c; j++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += f[i, k] * f[j, k];
                    g[i, j] = s / n;
                    g[j, i] = s / n;
                }
            return g;
        }

        [Differentiable]
        public static double GraphLaplacianEnergy(double[][] x, (int From, int To, double Weight)[] edges, double[][] observed, bool[] isLabelled, double smoothness)
        {
            int n = x.Length;
            if (observed.Length != n || isLabelled.Length != n)
                throw new ArgumentException("node arrays must have the same length");

            double data = 0;
            for (int i = 0; i < n; i++)
            {
                if (!isLabelled[i]) continue;
                for (int d = 0; d < x[i].Length; d++)
                {
                    double r = x[i][d] - observed[i][d];
                    data += r * r;
                }
            }

            double smooth = 0;
            foreach (var (from, to, weight) in edges)
            {
                if (from == to) continue; // ignore self loops
                if (weight < 0) throw new ArgumentException("negative edge weight");
                double[] a = x[from], b = x[to];
                for (int d = 0; d < a.Length; d++)
                {
                    double diff = a[d] - b[d];
                    smooth += weight * diff * diff;
                }
            }
            return 0.5 * data + 0.5 * smoothness * smooth;
        }

        [Differentiable]
        public static void PageRankResidual(double[] rank, double[,] adjacency, double damping, double[] residual)
        {
            int n = rank.Length;
            if (adjacency.GetLength(0) != n || adjacency.GetLength(1) != n)
                throw new ArgumentException("adjacency must be n x n");
            if (residual.Length != n)
                throw new ArgumentException("residual has wrong length");

            // total outgoing weight of each node
            var outWeight = new double[n];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    outWeight[j] += adjacency[j, i];

            // dangling nodes spread their rank uniformly
            double dangling = 0;
            for (int j = 0; j < n; j++)
                if (outWeight[j] == 0) dangling += rank[j];

            double teleport = (1 - damping) / n;
            for (int i = 0; i < n; i++)
            {
                double incoming = 0;
                for (int j = 0; j < n; j++)
                {
                    if (outWeight[j] > 0)
                        incoming += adjacency[j, i] / outWeight[j] * rank[j];
                }
                double updated = teleport + damping * (incoming + dangling / n);
                residual[i] = updated - rank[i];
            }
        }

        public readonly record struct MatrixFactorizationLossRating(int User, int Item, double Value);

        [Differentiable]
        public static double MatrixFactorizationLoss(double[][] userFactors, double[][] itemFactors, double[] userBias, double[] itemBias,
            double globalMean, MatrixFactorizationLossRating[] ratings, double lambda)
        {
            double sse = 0;
            foreach (var r in ratings)
            {
                double[] p = userFactors[r.User];
                double[] q = itemFactors[r.Item];
                double pred = globalMean + userBias[r.User] + itemBias[r.Item];
                for (int f = 0; f < p.Length; f++) pred += p[f] * q[f];
                double e = r.Value - pred;
                sse += e * e;
            }

            double reg = 0;
            for (int u = 0; u < userFactors.Length; u++)
            {
                reg += userBias[u] * userBias[u];
                foreach (var v in userFactors[u]) reg += v * v;
            }
            for (int i = 0; i < itemFactors.Length; i++)
            {
                reg += itemBias[i] * itemBias[i];
                foreach (var v in itemFactors[i]) reg += v * v;
            }
            return sse + lambda * reg;
        }

        [Differentiable]
        public static float SkipGramNegSamplingLoss(float[][] inEmbed, float[][] outEmbed, int center, int context, int[] negatives)
        {
            float[] v = inEmbed[center];
            float pos = SkipGramNegSamplingLossDot(v, outEmbed[context]);
            float loss = -SkipGramNegSamplingLossLogSigmoid(pos);
            foreach (int neg in negatives)
            {
                if (neg == context) continue; // accidental hit from the unigram sampler
                float s = SkipGramNegSamplingLossDot(v, outEmbed[neg]);
                loss -= SkipGramNegSamplingLossLogSigmoid(-s);
            }
            return loss;
        }

        private static float SkipGramNegSamplingLossDot(float[] a, float[] b)
        {
            float s = 0f;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        private static float SkipGramNegSamplingLossLogSigmoid(float x)
            => x >= 0f ? -MathF.Log(1f + MathF.Exp(-x)) : x - MathF.Log(1f + MathF.Exp(x));

        [Differentiable]
        public static double CrfNegLogLikelihood(double[,] emissions, double[,] transitions, double[] startScores, double[] endScores, int[] tags)
        {
            int T = emissions.GetLength(0), K = emissions.GetLength(1);
            if (tags.Length != T) throw new ArgumentException("tags length must equal sequence length");
            if (T == 0) return 0.0;

            // score of the gold path
            double gold = startScores[tags[0]] + emissions[0, tags[0]];
            for (int t = 1; t < T; t++)
                gold += transitions[tags[t - 1], tags[t]] + emissions[t, tags[t]];
            gold += endScores[tags[T - 1]];

            // forward algorithm in log space
            var alpha = new double[K];
            var next = new double[K];
            var tmp = new double[K];
            for (int k = 0; k < K; k++) alpha[k] = startScores[k] + emissions[0, k];
            for (int t = 1; t < T; t++)
            {
                for (int j = 0; j < K; j++)
                {
                    for (int i = 0; i < K; i++) tmp[i] = alpha[i] + transitions[i, j];
                    next[j] = CrfNegLogLikelihoodLogSumExp(tmp) + emissions[t, j];
                }
                (alpha, next) = (next, alpha);
            }
            for (int k = 0; k < K; k++) alpha[k] += endScores[k];
            double logZ = CrfNegLogLikelihoodLogSumExp(alpha);
            return logZ - gold;
        }

        private static double CrfNegLogLikelihoodLogSumExp(double[] v)
        {
            double m = double.NegativeInfinity;
            foreach (var x in v) if (x > m) m = x;
            double s = 0;
            foreach (var x in v) s += Math.Exp(x - m);
            return m + Math.Log(s);
        }

        [Differentiable]
        public static double HmmForwardLogLikelihood(double[] initial, double[,] transition, double[,] emission, int[] observations)
        {
            int nStates = initial.Length;
            int T = observations.Length;
            if (T == 0) throw new ArgumentException("need at least one observation");

            // scaled forward pass (Rabiner)
            var alpha = new double[nStates];
            double scale = 0;
            for (int s = 0; s < nStates; s++)
            {
                alpha[s] = initial[s] * emission[s, observations[0]];
                scale += alpha[s];
            }
            for (int s = 0; s < nStates; s++) alpha[s] /= scale;
            double logLik = Math.Log(scale);

            for (int t = 1; t < T; t++)
            {
                var newAlpha = new double[nStates];
                scale = 0;
                for (int j = 0; j < nStates; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < nStates; i++) sum += alpha[i] * transition[i, j];
                    newAlpha[j] = sum * emission[j, observations[t]];
                    scale += newAlpha[j];
                }
                if (scale <= 0) return double.NegativeInfinity; // impossible sequence
                for (int j = 0; j < nStates; j++) newAlpha[j] /= scale;
                logLik += Math.Log(scale);
                alpha = newAlpha;
            }
            return logLik;
        }

        [Differentiable]
        public static double KalmanFilterNll(double[] y, double logProcessVar, double logObsVar, double x0, double p0)
        {
            const double Log2Pi = 1.8378770664093453;
            if (p0 <= 0) throw new ArgumentOutOfRangeException(nameof(p0), "initial variance must be positive");
            double q = Math.Exp(logProcessVar);
            double r = Math.Exp(logObsVar);

            // local level model: x_t = x_{t-1} + w,  y_t = x_t + v
            double x = x0, p = p0;
            double nll = 0;
            int used = 0;
            foreach (double obs in y)
            {
                // predict
                double xPred = x;
                double pPred = p + q;
                if (double.IsNaN(obs))
                {
                    // missing observation: just propagate
                    x = xPred;
                    p = pPred;
                    continue;
                }
                // update
                double innov = obs - xPred;
                double s = pPred + r;
                double k = pPred / s;
                x = xPred + k * innov;
                p = (1 - k) * pPred;
                nll += 0.5 * (Log2Pi + Math.Log(s) + innov * innov / s);
                used++;
            }
            return used > 0 ? nll / used : 0.0;
        }

        [Differentiable]
        public static double LogisticGrowthFit(double logR, double logK, double n0, double[] obsTimes, double[] obsCounts, int substeps = 10)
        {
            if (obsTimes.Length != obsCounts.Length) throw new ArgumentException("times/counts mismatch");
            if (substeps < 1) throw new ArgumentOutOfRangeException(nameof(substeps));
            double r = Math.Exp(logR);
            double K = Math.Exp(logK);

            double n = n0;
            double t = 0.0;
            double sse = 0.0;
            for (int i = 0; i < obsTimes.Length; i++)
            {
                double span = obsTimes[i] - t;
                if (span < 0) throw new ArgumentException("observation times must be sorted");
                double h = span / substeps;
                // forward Euler on dN/dt = r N (1 - N/K)
                for (int s = 0; s < substeps; s++)
                    n += h * r * n * (1 - n / K);
                t = obsTimes[i];

                // counts span orders of magnitude, so compare on log scale
                double resid = Math.Log(n) - Math.Log(obsCounts[i]);
                sse += resid * resid;
            }
            return sse / obsTimes.Length;
        }

        [Differentiable]
        public static void SirEpidemicSimulate(double beta, double gamma, double initialInfected, int days, double[,] output)
        {
            const int StepsPerDay = 20;
            if (days <= 0) throw new ArgumentOutOfRangeException(nameof(days));
            if (output.GetLength(0) < days || output.GetLength(1) != 3)
                throw new ArgumentException("output must be at least days x 3");
            if (initialInfected <= 0 || initialInfected >= 1)
                throw new ArgumentOutOfRangeException(nameof(initialInfected), "fraction expected");

            double s = 1.0 - initialInfected, i = initialInfected, r = 0.0;
            double h = 1.0 / StepsPerDay;
            for (int day = 0; day < days; day++)
            {
                output[day, 0] = s;
                output[day, 1] = i;
                output[day, 2] = r;
                for (int k = 0; k < StepsPerDay; k++)
                {
                    double newInfections = beta * s * i;
                    double recoveries = gamma * i;
                    s -= h * newInfections;
                    i += h * (newInfections - recoveries);
                    r += h * recoveries;
                }
            }
        }

        [Differentiable]
        public static double ArrheniusFit(double lnA, double activationEnergyKJ, double[] temperaturesC, double[] rateConstants)
        {
            const double R = 8.314462618;       // J/(mol K)
            const double KelvinOffset = 273.15;
            if (temperaturesC.Length != rateConstants.Length)
                throw new ArgumentException("temperature and rate arrays differ in length");

            double ea = activationEnergyKJ * 1000.0;
            double loss = 0;
            int used = 0;
            for (int i = 0; i < temperaturesC.Length; i++)
            {
                double k = rateConstants[i];
                if (k <= 0) continue; // below detection limit
                double T = temperaturesC[i] + KelvinOffset;
                double lnkPred = lnA - ea / (R * T);
                double d = lnkPred - Math.Log(k);
                loss += d * d;
                used++;
            }
            if (used == 0) throw new InvalidOperationException("no valid rate measurements");
            return loss / used;
        }

        public enum HeatExchangerDutyFlow { ParallelFlow, CounterFlow, CrossFlowBothUnmixed, ShellAndTube }

        [Differentiable]
        public static double HeatExchangerDuty(double ua, double mDotHot, double cpHot, double mDotCold, double cpCold,
            double tHotIn, double tColdIn, HeatExchangerDutyFlow flow)
        {
            double cHot = mDotHot * cpHot;
            double cCold = mDotCold * cpCold;
            if (cHot <= 0 || cCold <= 0) throw new ArgumentException("capacity rates must be positive");
            double cMin = Math.Min(cHot, cCold);
            double cMax = Math.Max(cHot, cCold);
            double cr = cMin / cMax;
            double ntu = ua / cMin;

            double eff;
            switch (flow)
            {
                case HeatExchangerDutyFlow.ParallelFlow:
                    eff = (1 - Math.Exp(-ntu * (1 + cr))) / (1 + cr);
                    break;
                case HeatExchangerDutyFlow.CounterFlow:
                    if (Math.Abs(cr - 1.0) < 1e-9)
                        eff = ntu / (1 + ntu);
                    else
                        eff = (1 - Math.Exp(-ntu * (1 - cr))) / (1 - cr * Math.Exp(-ntu * (1 - cr)));
                    break;
                case HeatExchangerDutyFlow.CrossFlowBothUnmixed:
                    eff = 1 - Math.Exp(Math.Pow(ntu, 0.22) / cr * (Math.Exp(-cr * Math.Pow(ntu, 0.78)) - 1));
                    break;
                case HeatExchangerDutyFlow.ShellAndTube:
                {
                    double root = Math.Sqrt(1 + cr * cr);
                    double e = Math.Exp(-ntu * root);
                    eff = 2.0 / (1 + cr + root * (1 + e) / (1 - e));
                    break;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(flow));
            }
            return eff * cMin * (tHotIn - tColdIn); // heat duty in W
        }

        [Differentiable]
        public static double BeerLambertFit(double[] concentrations, double baselineOffset, double baselineSlope, double[,] molarAbsorptivity,
            double[] wavelengthsNm, double[] measuredAbsorbance, double pathLengthCm = 1.0)
        {
            int nWl = wavelengthsNm.Length;
            int nSpecies = concentrations.Length;
            if (molarAbsorptivity.GetLength(0) != nWl || molarAbsorptivity.GetLength(1) != nSpecies)
                throw new ArgumentException("absorptivity matrix must be wavelengths x species");
            if (measuredAbsorbance.Length != nWl)
                throw new ArgumentException("spectrum length mismatch");

            double lambdaRef = wavelengthsNm.Average();
            double sse = 0;
            for (int w = 0; w < nWl; w++)
            {
                // detector saturates above ~3 AU, skip those points
                if (measuredAbsorbance[w] > 3.0) continue;
                double a = baselineOffset + baselineSlope * (wavelengthsNm[w] - lambdaRef);
                for (int s = 0; s < nSpecies; s++)
                    a += molarAbsorptivity[w, s] * pathLengthCm * concentrations[s];
                double r = a - measuredAbsorbance[w];
                sse += r * r;
            }
            return sse;
        }

        [Differentiable]
        public static double SoftDtw(double[][] x, double[][] y, double gamma)
        {
            if (gamma <= 0) throw new ArgumentOutOfRangeException(nameof(gamma));
            int n = x.Length, m = y.Length;
            var R = new double[n + 1, m + 1];
            for (int i = 0; i <= n; i++)
                for (int j = 0; j <= m; j++)
                    R[i, j] = double.PositiveInfinity;
            R[0, 0] = 0.0;

            for (int i = 1; i <= n; i++)
            {
                for (int j = 1; j <= m; j++)
                {
                    double cost = 0;
                    for (int d = 0; d < x[i - 1].Length; d++)
                    {
                        double diff = x[i - 1][d] - y[j - 1][d];
                        cost += diff * diff;
                    }
                    R[i, j] = cost + SoftDtwSoftMin(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1], gamma);
                }
            }
            return R[n, m];
        }

        private static double SoftDtwSoftMin(double a, double b, double c, double gamma)
        {
            // -gamma * log(sum exp(-v / gamma)), shifted by the hard min for stability
            double m = Math.Min(a, Math.Min(b, c));
            double s = Math.Exp(-(a - m) / gamma) + Math.Exp(-(b - m) / gamma) + Math.Exp(-(c - m) / gamma);
            return m - gamma * Math.Log(s);
        }

        [Differentiable]
        public static double GpNegLogMarginalLikelihood(double[] xs, double[] ys, double logLengthScale, double logSignalVar, double logNoiseVar)
        {
            int n = xs.Length;
            if (ys.Length != n) throw new ArgumentException("xs and ys must have the same length");
            double ell = Math.Exp(logLengthScale);
            double sf2 = Math.Exp(logSignalVar);
            double sn2 = Math.Exp(logNoiseVar);

            // RBF kernel + noise on the diagonal
            var K = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double d = (xs[i] - xs[j]) / ell;
                    double k = sf2 * Math.Exp(-0.5 * d * d);
                    if (i == j) k += sn2 + 1e-8; // jitter
                    K[i, j] = k;
                    K[j, i] = k;
                }

            double[,] L = GpNegLogMarginalLikelihoodCholesky(K);

            // forward substitution: L a = y, so y^T K^-1 y = a^T a
            var a = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = ys[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * a[k];
                a[i] = s / L[i, i];
            }
            double quad = 0, logDet = 0;
            for (int i = 0; i < n; i++)
            {
                quad += a[i] * a[i];
                logDet += Math.Log(L[i, i]);
            }
            return 0.5 * quad + logDet + 0.5 * n * Math.Log(2 * Math.PI);
        }

        private static double[,] GpNegLogMarginalLikelihoodCholesky(double[,] A)
        {
            int n = A.GetLength(0);
            var L = new double[n, n];
            for (int j = 0; j < n; j++)
            {
                double sum = A[j, j];
                for (int k = 0; k < j; k++) sum -= L[j, k] * L[j, k];
                if (sum <= 0) throw new InvalidOperationException("matrix is not positive definite");
                L[j, j] = Math.Sqrt(sum);
                for (int i = j + 1; i < n; i++)
                {
                    double s = A[i, j];
                    for (int k = 0; k < j; k++) s -= L[i, k] * L[j, k];
                    L[i, j] = s / L[j, j];
                }
            }
            return L;
        }

        [Differentiable]
        public static double FourierSeriesFit(double a0, double[] a, double[] b, double period, double[] t, double[] signal, double ridge)
        {
            int harmonics = a.Length;
            if (b.Length != harmonics) throw new ArgumentException("need as many sine as cosine coefficients");
            if (period <= 0) throw new ArgumentOutOfRangeException(nameof(period));
            if (t.Length != signal.Length || t.Length == 0) throw new ArgumentException("bad samples");

            double omega = 2 * Math.PI / period;
            double loss = 0;
            for (int i = 0; i < t.Length; i++)
            {
                double f = a0;
                for (int k = 1; k <= harmonics; k++)
                {
                    double phase = k * omega * t[i];
                    f += a[k - 1] * Math.Cos(phase) + b[k - 1] * Math.Sin(phase);
                }
                double r = f - signal[i];
                loss += r * r;
            }
            loss /= t.Length;

            // penalise high harmonics harder (roughness penalty)
            for (int k = 1; k <= harmonics; k++)
                loss += ridge * k * k * (a[k - 1] * a[k - 1] + b[k - 1] * b[k - 1]);
            return loss;
        }

        [Differentiable]
        public static void RbfNetworkPredict(double[][] inputs, double[][] centers, double[] widths, double[,] outputWeights, double[] outputBias, double[,] predictions)
        {
            int nCenters = centers.Length;
            int nOut = outputBias.Length;
            if (widths.Length != nCenters || outputWeights.GetLength(1) != nCenters || outputWeights.GetLength(0) != nOut)
                throw new ArgumentException("inconsistent network shapes");
            if (predictions.GetLength(0) != inputs.Length || predictions.GetLength(1) != nOut)
                throw new ArgumentException("predictions buffer has wrong shape");

            var phi = new double[nCenters];
            for (int s = 0; s < inputs.Length; s++)
            {
                double[] x = inputs[s];
                for (int c = 0; c < nCenters; c++)
                {
                    double d2 = 0;
                    for (int d = 0; d < x.Length; d++)
                    {
                        double diff = x[d] - centers[c][d];
                        d2 += diff * diff;
                    }
                    phi[c] = Math.Exp(-d2 / (2 * widths[c] * widths[c]));
                }
                for (int o = 0; o < nOut; o++)
                {
                    double y = outputBias[o];
                    for (int c = 0; c < nCenters; c++) y += outputWeights[o, c] * phi[c];
                    predictions[s, o] = y;
                }
            }
        }

        [Differentiable]
        public static float ExpectileRegressionLoss(float[,] weights, float[] intercepts, float[] taus, float[][] features, float[] targets)
        {
            int nTau = taus.Length;
            int nFeat = weights.GetLength(1);
            if (weights.GetLength(0) != nTau || intercepts.Length != nTau)
                throw new ArgumentException("one weight row and intercept per expectile");
            if (features.Length != targets.Length || targets.Length == 0)
                throw new ArgumentException("features/targets mismatch");

            float total = 0f;
            for (int q = 0; q < nTau; q++)
            {
                float tau = taus[q];
                if (tau <= 0f || tau >= 1f) throw new ArgumentOutOfRangeException(nameof(taus));
                for (int i = 0; i < targets.Length; i++)
                {
                    float pred = intercepts[q];
                    for (int j = 0; j < nFeat; j++) pred += weights[q, j] * features[i][j];
                    float u = targets[i] - pred;
                    // asymmetric squared loss
                    float w = u < 0f ? 1f - tau : tau;
                    total += w * u * u;
                }
            }
            return total / (nTau * targets.Length);
        }

        public record struct NelsonSiegelFitParams(double Beta0, double Beta1, double Beta2, double Tau);

        [Differentiable]
        public static double NelsonSiegelFit(NelsonSiegelFitParams p, double[] maturities, double[] observedYields, double[] weights)
        {
            if (p.Tau <= 0) throw new ArgumentOutOfRangeException(nameof(p), "tau must be positive");
            if (maturities.Length != observedYields.Length || weights.Length != maturities.Length)
                throw new ArgumentException("curve arrays must have the same length");

            double err = 0, wsum = 0;
            for (int i = 0; i < maturities.Length; i++)
            {
                double y = NelsonSiegelFitYield(p, maturities[i]);
                double bp = (y - observedYields[i]) * 1e4; // error in basis points
                err += weights[i] * bp * bp;
                wsum += weights[i];
            }
            return err / wsum;
        }

        private static double NelsonSiegelFitYield(NelsonSiegelFitParams p, double m)
        {
            if (m < 1e-6) return p.Beta0 + p.Beta1; // instantaneous short rate
            double x = m / p.Tau;
            double ex = Math.Exp(-x);
            double slope = (1 - ex) / x;
            double curvature = slope - ex;
            return p.Beta0 + p.Beta1 * slope + p.Beta2 * curvature;
        }

        [Differentiable]
        public static double SoftplusBarrierPortfolio(double[] weights, double[] expectedReturns, double[][] factorLoadings, double[] factorVariances,
            double[] idioVariances, double riskAversion, double budgetPenalty, double barrierSharpness = 50.0)
        {
            int n = weights.Length;
            int k = factorVariances.Length;
            if (expectedReturns.Length != n || factorLoadings.Length != n || idioVariances.Length != n)
                throw new ArgumentException("asset arrays must have the same length");

            double expRet = 0;
            for (int i = 0; i < n; i++) expRet += weights[i] * expectedReturns[i];

            // factor model risk: w' B F B' w + w' D w
            var exposure = new double[k];
            for (int i = 0; i < n; i++)
                for (int f = 0; f < k; f++)
                    exposure[f] += weights[i] * factorLoadings[i][f];
            double risk = 0;
            for (int f = 0; f < k; f++) risk += factorVariances[f] * exposure[f] * exposure[f];
            for (int i = 0; i < n; i++) risk += idioVariances[i] * weights[i] * weights[i];

            // fully invested + soft long-only constraint
            double budget = weights.Sum() - 1.0;
            double barrier = 0;
            foreach (double w in weights)
                barrier += SoftplusBarrierPortfolioSoftplus(-barrierSharpness * w) / barrierSharpness;

            return -expRet + 0.5 * riskAversion * risk + budgetPenalty * budget * budget + barrier;
        }

        private static double SoftplusBarrierPortfolioSoftplus(double x)
            => x > 30 ? x : Math.Log(1 + Math.Exp(x));

        // Rejected today (not in this corpus):
        // - MichaelisMentenFit: an optional array parameter (double[]? rateStdDev = null) tested with != null.
    }
}
