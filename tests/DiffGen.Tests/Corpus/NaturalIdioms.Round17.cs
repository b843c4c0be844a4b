using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 17: the fifth probe batch, 30 functions written without DiffGen's documentation (a helper told only to write natural
    /// C#); the 29 accepted are here as written, except for three edits the test project needs: <c>double[]?</c> on the two optional
    /// arrays (nullable warnings are errors here), and <c>[Constant]</c> on CoxPartialLikelihood's times (DIFF0014 says why).
    /// VariogramFitLoss is left out: its exception message reads a string parameter (DIFF0003).
    /// </summary>
    public static partial class NaturalRound17
    {
        [Differentiable]
        public static double FocalLoss(double[] logits, int[] labels, double gamma = 2.0, double alpha = 0.25)
        {
            if (logits == null || labels == null)
                throw new ArgumentException("logits and labels must be non-null");
            if (logits.Length != labels.Length)
                throw new ArgumentException("logits and labels must have the same length");
            if (logits.Length == 0)
                return 0.0;

            const double eps = 1e-7;
            double total = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = FocalLossSigmoid(logits[i]);
                double pt = labels[i] == 1 ? p : 1.0 - p;
                double at = labels[i] == 1 ? alpha : 1.0 - alpha;
                pt = Math.Min(Math.Max(pt, eps), 1.0 - eps);
                total += -at * Math.Pow(1.0 - pt, gamma) * Math.Log(pt);
            }
            return total / logits.Length;
        }

        private static double FocalLossSigmoid(double x)
        {
            if (x >= 0)
                return 1.0 / (1.0 + Math.Exp(-x));
            double e = Math.Exp(x);
            return e / (1.0 + e);
        }

        [Differentiable]
        public static double SoftmaxCrossEntropy(double[,] logits, int[] targets, int ignoreIndex = -100, double labelSmoothing = 0.0)
        {
            int batch = logits.GetLength(0);
            int vocab = logits.GetLength(1);
            if (targets.Length != batch)
                throw new ArgumentException("targets length must match batch size");

            double loss = 0.0;
            int counted = 0;
            for (int b = 0; b < batch; b++)
            {
                if (targets[b] == ignoreIndex)
                    continue;
                double lse = SoftmaxCrossEntropyLogSumExp(logits, b, vocab);
                double nll = lse - logits[b, targets[b]];
                double smooth = 0.0;
                for (int v = 0; v < vocab; v++)
                    smooth += lse - logits[b, v];
                smooth /= vocab;
                loss += (1.0 - labelSmoothing) * nll + labelSmoothing * smooth;
                counted++;
            }
            return counted == 0 ? 0.0 : loss / counted;
        }

        private static double SoftmaxCrossEntropyLogSumExp(double[,] x, int row, int n)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
                if (x[row, j] > max) max = x[row, j];
            double s = 0.0;
            for (int j = 0; j < n; j++)
                s += Math.Exp(x[row, j] - max);
            return max + Math.Log(s);
        }

        [Differentiable]
        public static double TdLambdaValueLoss(double[] values, double[] rewards, bool[] dones, double bootstrapValue, double discount = 0.99, double lambda = 0.95)
        {
            int T = rewards.Length;
            if (values.Length != T || dones.Length != T)
                throw new ArgumentException("values, rewards and dones must have equal length");

            var returns = new double[T];
            double nextReturn = bootstrapValue;
            double nextValue = bootstrapValue;
            int t = T - 1;
            while (t >= 0)
            {
                double notDone = dones[t] ? 0.0 : 1.0;
                double target = rewards[t] + discount * notDone * ((1.0 - lambda) * nextValue + lambda * nextReturn);
                returns[t] = target;
                nextReturn = target;
                nextValue = values[t];
                t--;
            }

            double loss = 0.0;
            for (int i = 0; i < T; i++)
            {
                double err = returns[i] - values[i];
                loss += 0.5 * err * err;
            }
            return loss / T;
        }

        [Differentiable]
        public static double MatrixFactorizationLoss(double[,] userFactors, double[,] itemFactors, double[] userBias, double[] itemBias, double globalMean, int[] userIds, int[] itemIds, double[] ratings, double reg = 0.02)
        {
            int k = userFactors.GetLength(1);
            if (itemFactors.GetLength(1) != k)
                throw new ArgumentException("factor dimensions differ");
            if (userIds.Length != ratings.Length || itemIds.Length != ratings.Length)
                throw new ArgumentException("index arrays must match ratings");

            double sse = 0.0;
            double penalty = 0.0;
            for (int n = 0; n < ratings.Length; n++)
            {
                int u = userIds[n];
                int i = itemIds[n];
                double pred = globalMean + userBias[u] + itemBias[i];
                for (int f = 0; f < k; f++)
                    pred += userFactors[u, f] * itemFactors[i, f];
                double err = ratings[n] - pred;
                sse += err * err;
                penalty += userBias[u] * userBias[u] + itemBias[i] * itemBias[i]
                           + MatrixFactorizationRowNormSq(userFactors, u) + MatrixFactorizationRowNormSq(itemFactors, i);
            }
            return sse + reg * penalty;
        }

        private static double MatrixFactorizationRowNormSq(double[,] m, int row)
        {
            double s = 0.0;
            for (int j = 0; j < m.GetLength(1); j++)
                s += m[row, j] * m[row, j];
            return s;
        }

        [Differentiable]
        public static double ArmaConditionalSse(double[] series, double[] phi, double[] theta, double mu)
        {
            int p = phi.Length;
            int q = theta.Length;
            int n = series.Length;
            int start = Math.Max(p, q);
            if (n <= start)
                throw new ArgumentException("series too short for model order");

            var residuals = new double[n];
            double sse = 0.0;
            for (int t = start; t < n; t++)
            {
                double pred = mu;
                for (int i = 0; i < p; i++)
                    pred += phi[i] * (series[t - 1 - i] - mu);
                for (int j = 0; j < q; j++)
                    pred += theta[j] * residuals[t - 1 - j];
                residuals[t] = series[t] - pred;
                sse += residuals[t] * residuals[t];
            }
            return sse / (n - start);
        }

        [Differentiable]
        public static double LennardJonesEnergy(double[][] positions, double epsilon = 1.0, double sigma = 1.0, double cutoff = 2.5)
        {
            int n = positions.Length;
            if (n < 2)
                return 0.0;

            double rc2 = cutoff * cutoff * sigma * sigma;
            double shift = LennardJonesPair(rc2, epsilon, sigma);
            double energy = 0.0;
            for (int i = 0; i < n - 1; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double r2 = LennardJonesDistSq(positions[i], positions[j]);
                    if (r2 >= rc2)
                        continue;
                    energy += LennardJonesPair(r2, epsilon, sigma) - shift;
                }
            }
            return energy;
        }

        private static double LennardJonesDistSq(double[] a, double[] b)
        {
            double s = 0.0;
            for (int d = 0; d < a.Length; d++)
            {
                double diff = a[d] - b[d];
                s += diff * diff;
            }
            return s;
        }

        private static double LennardJonesPair(double r2, double epsilon, double sigma)
        {
            double sr2 = sigma * sigma / r2;
            double sr6 = sr2 * sr2 * sr2;
            return 4.0 * epsilon * (sr6 * sr6 - sr6);
        }

        [Differentiable]
        public static double MorseBondEnergy(double[,] coords, int[] bondI, int[] bondJ, double[] wellDepth, double[] width, double[] eqLength)
        {
            if (coords.GetLength(1) != 3)
                throw new ArgumentException("coords must be N x 3");
            int nb = bondI.Length;
            if (bondJ.Length != nb || wellDepth.Length != nb || width.Length != nb || eqLength.Length != nb)
                throw new ArgumentException("bond parameter arrays must have equal length");

            double total = 0.0;
            for (int b = 0; b < nb; b++)
            {
                double dx = coords[bondI[b], 0] - coords[bondJ[b], 0];
                double dy = coords[bondI[b], 1] - coords[bondJ[b], 1];
                double dz = coords[bondI[b], 2] - coords[bondJ[b], 2];
                double r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                double x = 1.0 - Math.Exp(-width[b] * (r - eqLength[b]));
                total += wellDepth[b] * x * x;
            }
            return total;
        }

        [Differentiable]
        public static double BlackScholesCall(double spot, double strike, double rate, double volatility, double maturity, double dividendYield = 0.0)
        {
            if (spot <= 0 || strike <= 0)
                throw new ArgumentException("spot and strike must be positive");
            if (maturity <= 0)
                return Math.Max(spot - strike, 0.0);

            double sqrtT = Math.Sqrt(maturity);
            double volSqrtT = volatility * sqrtT;
            double d1 = (Math.Log(spot / strike) + (rate - dividendYield + 0.5 * volatility * volatility) * maturity) / volSqrtT;
            double d2 = d1 - volSqrtT;
            return spot * Math.Exp(-dividendYield * maturity) * BlackScholesNormCdf(d1)
                 - strike * Math.Exp(-rate * maturity) * BlackScholesNormCdf(d2);
        }

        private static double BlackScholesNormCdf(double x)
        {
            // Abramowitz & Stegun 26.2.17
            double t = 1.0 / (1.0 + 0.2316419 * Math.Abs(x));
            double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
            double pdf = Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);
            double upper = pdf * poly;
            return x >= 0 ? 1.0 - upper : upper;
        }

        [Differentiable]
        public static double TwoLinkReachError(double[] shoulderAngles, double[] elbowAngles, double[,] targets, double link1 = 0.35, double link2 = 0.3, double smoothWeight = 0.1)
        {
            int T = shoulderAngles.Length;
            if (elbowAngles.Length != T || targets.GetLength(0) != T)
                throw new ArgumentException("trajectory lengths differ");

            double cost = 0.0;
            for (int t = 0; t < T; t++)
            {
                var (x, y) = TwoLinkReachForward(shoulderAngles[t], elbowAngles[t], link1, link2);
                double ex = x - targets[t, 0];
                double ey = y - targets[t, 1];
                cost += ex * ex + ey * ey;
                if (t > 0)
                {
                    double ds = shoulderAngles[t] - shoulderAngles[t - 1];
                    double de = elbowAngles[t] - elbowAngles[t - 1];
                    cost += smoothWeight * (ds * ds + de * de);
                }
            }
            return cost / T;
        }

        private static (double x, double y) TwoLinkReachForward(double q1, double q2, double l1, double l2)
        {
            double x = l1 * Math.Cos(q1) + l2 * Math.Cos(q1 + q2);
            double y = l1 * Math.Sin(q1) + l2 * Math.Sin(q1 + q2);
            return (x, y);
        }

        [Differentiable]
        public static float SpectralConvergenceLoss(float[] predictedMag, float[] targetMag, int numFrames, float logWeight = 1.0f)
        {
            if (predictedMag.Length != targetMag.Length)
                throw new ArgumentException("spectrogram sizes differ");
            if (numFrames <= 0 || predictedMag.Length % numFrames != 0)
                throw new ArgumentException("numFrames must divide the spectrogram size");

            float diffNorm = 0f, targetNorm = 0f, logL1 = 0f;
            const float eps = 1e-5f;
            for (int i = 0; i < predictedMag.Length; i++)
            {
                float d = targetMag[i] - predictedMag[i];
                diffNorm += d * d;
                targetNorm += targetMag[i] * targetMag[i];
                logL1 += MathF.Abs(MathF.Log(targetMag[i] + eps) - MathF.Log(predictedMag[i] + eps));
            }
            float sc = MathF.Sqrt(diffNorm) / (MathF.Sqrt(targetNorm) + eps);
            return sc + logWeight * logL1 / predictedMag.Length;
        }

        [Differentiable]
        public static double CoxPartialLikelihood(double[,] covariates, double[] beta, [Constant] double[] times, bool[] events, double l2 = 0.0)
        {
            int n = covariates.GetLength(0);
            int p = covariates.GetLength(1);
            if (beta.Length != p || times.Length != n || events.Length != n)
                throw new ArgumentException("dimension mismatch");

            var eta = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                    eta[i] += covariates[i, j] * beta[j];

            double logLik = 0.0;
            int numEvents = 0;
            for (int i = 0; i < n; i++)
            {
                if (!events[i])
                    continue;
                // Breslow handling of ties: risk set is everyone still at risk at times[i]
                double riskSum = 0.0;
                for (int k = 0; k < n; k++)
                    if (times[k] >= times[i])
                        riskSum += Math.Exp(eta[k]);
                logLik += eta[i] - Math.Log(riskSum);
                numEvents++;
            }
            double penalty = l2 * beta.Sum(b => b * b);
            return -logLik / Math.Max(numEvents, 1) + penalty;
        }

        [Differentiable]
        public static double ListNetLoss(double[][] predictedScores, double[][] relevance, double temperature = 1.0)
        {
            if (predictedScores.Length != relevance.Length)
                throw new ArgumentException("number of queries differs");

            double total = 0.0;
            int queries = 0;
            for (int q = 0; q < predictedScores.Length; q++)
            {
                double[] s = predictedScores[q];
                double[] r = relevance[q];
                if (s.Length == 0)
                    continue;
                double sMax = s.Max();
                double rMax = r.Max();
                double sNorm = s.Sum(v => Math.Exp((v - sMax) / temperature));
                double rNorm = r.Sum(v => Math.Exp(v - rMax));
                double ce = 0.0;
                for (int i = 0; i < s.Length; i++)
                {
                    double pTrue = Math.Exp(r[i] - rMax) / rNorm;
                    double logPred = (s[i] - sMax) / temperature - Math.Log(sNorm);
                    ce -= pTrue * logPred;
                }
                total += ce;
                queries++;
            }
            return queries > 0 ? total / queries : 0.0;
        }

        [Differentiable]
        public static double GcnGraphRegression(double[][] nodeFeatures, int[][] neighbors, double[,] weight, double[] readout, double target)
        {
            int n = nodeFeatures.Length;
            int fin = weight.GetLength(0);
            int fout = weight.GetLength(1);
            if (neighbors.Length != n || readout.Length != fout)
                throw new ArgumentException("shape mismatch");

            var pooled = new double[fout];
            for (int v = 0; v < n; v++)
            {
                double degV = neighbors[v].Length + 1;
                var agg = new double[fin];
                GcnGraphAccumulate(agg, nodeFeatures[v], 1.0 / degV);
                foreach (int u in neighbors[v])
                {
                    double degU = neighbors[u].Length + 1;
                    GcnGraphAccumulate(agg, nodeFeatures[u], 1.0 / Math.Sqrt(degV * degU));
                }
                for (int o = 0; o < fout; o++)
                {
                    double h = 0.0;
                    for (int f = 0; f < fin; f++)
                        h += agg[f] * weight[f, o];
                    pooled[o] += Math.Max(h, 0.0) / n;
                }
            }

            double pred = 0.0;
            for (int o = 0; o < fout; o++)
                pred += pooled[o] * readout[o];
            double err = pred - target;
            return err * err;
        }

        private static void GcnGraphAccumulate(double[] acc, double[] x, double scale)
        {
            for (int i = 0; i < acc.Length; i++)
                acc[i] += scale * x[i];
        }

        [Differentiable]
        public static double HuberRegressionLoss(double[][] X, double[] y, double[] w, double intercept, double delta = 1.35, double alpha = 1e-4)
        {
            if (X.Length != y.Length)
                throw new ArgumentException("X and y must have the same number of rows");
            if (delta <= 0)
                throw new ArgumentException("delta must be positive");

            double loss = 0.0;
            int i = 0;
            foreach (double[] row in X)
            {
                double pred = intercept;
                for (int j = 0; j < w.Length; j++)
                    pred += row[j] * w[j];
                double r = Math.Abs(y[i] - pred);
                loss += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
                i++;
            }
            double ridge = 0.0;
            foreach (double wj in w)
                ridge += wj * wj;
            return loss / X.Length + alpha * ridge;
        }

        [Differentiable]
        public static float LayerNormReconstruction(float[][] hidden, float[] gamma, float[] beta, float[][] target, float eps = 1e-5f)
        {
            int d = gamma.Length;
            if (beta.Length != d)
                throw new ArgumentException("gamma and beta must have the same size");

            float loss = 0f;
            var normed = new float[d];
            for (int t = 0; t < hidden.Length; t++)
            {
                float[] h = hidden[t];
                float mean = h.Average();
                float variance = 0f;
                for (int i = 0; i < d; i++)
                    variance += (h[i] - mean) * (h[i] - mean);
                variance /= d;
                float invStd = 1f / MathF.Sqrt(variance + eps);
                for (int i = 0; i < d; i++)
                    normed[i] = gamma[i] * (h[i] - mean) * invStd + beta[i];
                for (int i = 0; i < d; i++)
                {
                    float e = normed[i] - target[t][i];
                    loss += e * e;
                }
            }
            return loss / (hidden.Length * d);
        }

        [Differentiable]
        public static double MeanVarianceUtility(double[] weightLogits, double[] expectedReturns, double[,] covariance, double riskAversion = 3.0, double turnoverPenalty = 0.0, double[]? previousWeights = null)
        {
            int n = weightLogits.Length;
            if (expectedReturns.Length != n || covariance.GetLength(0) != n || covariance.GetLength(1) != n)
                throw new ArgumentException("asset dimension mismatch");

            // long-only weights via softmax
            double maxLogit = weightLogits.Max();
            var w = new double[n];
            double z = 0.0;
            for (int i = 0; i < n; i++) { w[i] = Math.Exp(weightLogits[i] - maxLogit); z += w[i]; }
            for (int i = 0; i < n; i++) w[i] /= z;

            double mu = 0.0, variance = 0.0;
            for (int i = 0; i < n; i++)
            {
                mu += w[i] * expectedReturns[i];
                for (int j = 0; j < n; j++)
                    variance += w[i] * covariance[i, j] * w[j];
            }

            double turnover = 0.0;
            if (previousWeights != null)
                for (int i = 0; i < n; i++)
                    turnover += Math.Abs(w[i] - previousWeights[i]);

            // negative utility, to be minimized
            return -(mu - 0.5 * riskAversion * variance) + turnoverPenalty * turnover;
        }

        [Differentiable]
        public static double PoissonGlmDeviance(double[,] design, int[] counts, double[] coef, double[]? exposure = null)
        {
            int n = design.GetLength(0);
            int p = design.GetLength(1);
            if (counts.Length != n || coef.Length != p)
                throw new ArgumentException("dimension mismatch");

            double deviance = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = exposure != null ? Math.Log(exposure[i]) : 0.0;
                for (int j = 0; j < p; j++)
                    eta += design[i, j] * coef[j];
                double mu = Math.Exp(eta);
                int y = counts[i];
                deviance += y > 0 ? 2.0 * (y * Math.Log(y / mu) - (y - mu)) : 2.0 * mu;
            }
            return deviance;
        }

        [Differentiable]
        public static double SpringChainTrajectoryLoss(double[] stiffness, double[] masses, double[] x0, double[] observedFinal, double damping = 0.05, double dt = 0.01, int steps = 200)
        {
            int n = masses.Length;
            if (stiffness.Length != n + 1 || x0.Length != n || observedFinal.Length != n)
                throw new ArgumentException("chain of n masses needs n+1 springs");

            var x = (double[])x0.Clone();
            var v = new double[n];
            var force = new double[n];
            int step = 0;
            while (step < steps)
            {
                SpringChainForces(x, v, stiffness, damping, force);
                for (int i = 0; i < n; i++)
                {
                    v[i] += dt * force[i] / masses[i];   // semi-implicit Euler
                    x[i] += dt * v[i];
                }
                step++;
            }

            double loss = 0.0;
            for (int i = 0; i < n; i++)
                loss += (x[i] - observedFinal[i]) * (x[i] - observedFinal[i]);
            return loss;
        }

        private static void SpringChainForces(double[] x, double[] v, double[] k, double damping, double[] force)
        {
            int n = x.Length;
            for (int i = 0; i < n; i++)
            {
                double left = i == 0 ? 0.0 : x[i - 1];
                double right = i == n - 1 ? 0.0 : x[i + 1];
                force[i] = -k[i] * (x[i] - left) + k[i + 1] * (right - x[i]) - damping * v[i];
            }
        }

        [Differentiable]
        public static double ContrastiveEmbeddingLoss(double[,] embA, double[,] embB, bool[] isSamePair, double margin = 1.0)
        {
            int batch = embA.GetLength(0);
            int dim = embA.GetLength(1);
            if (embB.GetLength(0) != batch || embB.GetLength(1) != dim || isSamePair.Length != batch)
                throw new ArgumentException("embedding shapes must match");

            double loss = 0.0;
            for (int b = 0; b < batch; b++)
            {
                double d = ContrastiveEmbeddingDistance(embA, embB, b, dim);
                if (isSamePair[b])
                {
                    loss += d * d;
                }
                else
                {
                    double gap = Math.Max(margin - d, 0.0);
                    loss += gap * gap;
                }
            }
            return 0.5 * loss / batch;
        }

        private static double ContrastiveEmbeddingDistance(double[,] a, double[,] b, int row, int dim)
        {
            double s = 1e-12;
            for (int k = 0; k < dim; k++)
            {
                double diff = a[row, k] - b[row, k];
                s += diff * diff;
            }
            return Math.Sqrt(s);
        }

        [Differentiable]
        public static double AdditiveAttentionContext(double[][] encoderStates, double[] decoderState, double[,] wEnc, double[,] wDec, double[] v, double[] targetContext, bool[] padMask)
        {
            int T = encoderStates.Length;
            int h = encoderStates[0].Length;
            int a = v.Length;
            if (padMask.Length != T)
                throw new ArgumentException("mask length must equal sequence length");

            var scores = new double[T];
            for (int t = 0; t < T; t++)
            {
                if (padMask[t]) { scores[t] = double.NegativeInfinity; continue; }
                double s = 0.0;
                for (int k = 0; k < a; k++)
                {
                    double pre = 0.0;
                    for (int j = 0; j < h; j++)
                        pre += wEnc[k, j] * encoderStates[t][j] + wDec[k, j] * decoderState[j];
                    s += v[k] * Math.Tanh(pre);
                }
                scores[t] = s;
            }

            double[] attn = AdditiveAttentionSoftmax(scores);
            double loss = 0.0;
            for (int j = 0; j < h; j++)
            {
                double c = 0.0;
                for (int t = 0; t < T; t++)
                    c += attn[t] * encoderStates[t][j];
                loss += (c - targetContext[j]) * (c - targetContext[j]);
            }
            return loss;
        }

        private static double[] AdditiveAttentionSoftmax(double[] scores)
        {
            double max = scores.Max();
            var p = new double[scores.Length];
            double z = 0.0;
            for (int i = 0; i < scores.Length; i++) { p[i] = Math.Exp(scores[i] - max); z += p[i]; }
            for (int i = 0; i < p.Length; i++) p[i] /= z;
            return p;
        }

        [Differentiable]
        public static double PpoClipObjective(double[] newLogProbs, double[] oldLogProbs, double[] advantages, double[] values, double[] returns, double clipEps = 0.2, double valueCoef = 0.5, bool normalizeAdvantages = true)
        {
            int n = newLogProbs.Length;
            if (oldLogProbs.Length != n || advantages.Length != n || values.Length != n || returns.Length != n)
                throw new ArgumentException("rollout arrays must have equal length");

            double advMean = 0.0, advStd = 1.0;
            if (normalizeAdvantages && n > 1)
            {
                advMean = advantages.Average();
                double var = advantages.Sum(x => (x - advMean) * (x - advMean)) / (n - 1);
                advStd = Math.Sqrt(var) + 1e-8;
            }

            double policyLoss = 0.0, valueLoss = 0.0;
            for (int i = 0; i < n; i++)
            {
                double adv = (advantages[i] - advMean) / advStd;
                double ratio = Math.Exp(newLogProbs[i] - oldLogProbs[i]);
                double clipped = Math.Min(Math.Max(ratio, 1.0 - clipEps), 1.0 + clipEps);
                policyLoss -= Math.Min(ratio * adv, clipped * adv);
                double vErr = values[i] - returns[i];
                valueLoss += vErr * vErr;
            }
            return (policyLoss + valueCoef * valueLoss) / n;
        }

        [Differentiable]
        public static double GaussianMixtureNll(double[] data, double[] mixLogits, double[] means, double[] logStds)
        {
            int k = mixLogits.Length;
            if (means.Length != k || logStds.Length != k)
                throw new ArgumentException("component parameter arrays must match");
            if (data.Length == 0)
                throw new ArgumentException("data must be non-empty");

            double logNorm = GaussianMixtureLogSumExp(mixLogits);
            var comp = new double[k];
            double nll = 0.0;
            foreach (double x in data)
            {
                for (int j = 0; j < k; j++)
                {
                    double z = (x - means[j]) / Math.Exp(logStds[j]);
                    comp[j] = mixLogits[j] - logNorm - logStds[j] - 0.5 * Math.Log(2.0 * Math.PI) - 0.5 * z * z;
                }
                nll -= GaussianMixtureLogSumExp(comp);
            }
            return nll / data.Length;
        }

        private static double GaussianMixtureLogSumExp(double[] v)
        {
            double m = v.Max();
            double s = 0.0;
            for (int i = 0; i < v.Length; i++)
                s += Math.Exp(v[i] - m);
            return m + Math.Log(s);
        }

        [Differentiable]
        public static double ArrheniusKineticsLoss(double logPreExponential, double activationEnergy, double[] temperatures, double[] initialConc, double[] measuredConc, double[] times, int reactionOrder = 1)
        {
            const double R = 8.314462618;
            int n = temperatures.Length;
            if (initialConc.Length != n || measuredConc.Length != n || times.Length != n)
                throw new ArgumentException("experiment arrays must have equal length");

            double sse = 0.0;
            for (int i = 0; i < n; i++)
            {
                double k = Math.Exp(logPreExponential - activationEnergy / (R * temperatures[i]));
                double c0 = initialConc[i];
                double predicted;
                switch (reactionOrder)
                {
                    case 0:
                        predicted = Math.Max(c0 - k * times[i], 0.0);
                        break;
                    case 1:
                        predicted = c0 * Math.Exp(-k * times[i]);
                        break;
                    case 2:
                        predicted = c0 / (1.0 + k * c0 * times[i]);
                        break;
                    default:
                        throw new ArgumentException("unsupported reaction order");
                }
                double relErr = (predicted - measuredConc[i]) / measuredConc[i];
                sse += relErr * relErr;
            }
            return sse;
        }

        [Differentiable]
        public static float SoftDiceLoss(float[] logits, int[] mask, int numClasses, float smooth = 1f)
        {
            if (logits.Length != mask.Length * numClasses)
                throw new ArgumentException("logits must be pixels x classes");

            int pixels = mask.Length;
            var intersection = new float[numClasses];
            var predSum = new float[numClasses];
            var targetSum = new float[numClasses];
            var probs = new float[numClasses];
            for (int p = 0; p < pixels; p++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < numClasses; c++) max = MathF.Max(max, logits[p * numClasses + c]);
                float z = 0f;
                for (int c = 0; c < numClasses; c++) { probs[c] = MathF.Exp(logits[p * numClasses + c] - max); z += probs[c]; }
                for (int c = 0; c < numClasses; c++)
                {
                    float prob = probs[c] / z;
                    float onehot = mask[p] == c ? 1f : 0f;
                    intersection[c] += prob * onehot;
                    predSum[c] += prob;
                    targetSum[c] += onehot;
                }
            }

            float dice = 0f;
            for (int c = 0; c < numClasses; c++)
                dice += (2f * intersection[c] + smooth) / (predSum[c] + targetSum[c] + smooth);
            return 1f - dice / numClasses;
        }

        [Differentiable]
        public static double LocalLevelKalmanNll(double[] observations, double logObsVar, double logLevelVar, double initialLevel = 0.0, double initialVar = 1e4)
        {
            if (observations.Length == 0)
                throw new ArgumentException("need at least one observation");

            double obsVar = Math.Exp(logObsVar);
            double levelVar = Math.Exp(logLevelVar);
            double level = initialLevel;
            double P = initialVar;
            double nll = 0.0;
            int t = 0;
            while (t < observations.Length)
            {
                double y = observations[t];
                if (double.IsNaN(y))
                {
                    P += levelVar;   // missing observation: predict only
                    t++;
                    continue;
                }
                double F = P + obsVar;
                double v = y - level;
                nll += 0.5 * (Math.Log(2.0 * Math.PI * F) + v * v / F);
                double K = P / F;
                level += K * v;
                P = P * (1.0 - K) + levelVar;
                t++;
            }
            return nll;
        }

        [Differentiable]
        public static double BprRankingLoss(double[][] userEmb, double[][] itemEmb, (int user, int pos, int neg)[] triplets, double l2 = 1e-4)
        {
            if (triplets.Length == 0)
                return 0.0;

            double loss = 0.0;
            foreach (var (u, i, j) in triplets)
            {
                double xui = BprRankingDot(userEmb[u], itemEmb[i]);
                double xuj = BprRankingDot(userEmb[u], itemEmb[j]);
                double diff = xui - xuj;
                // -log(sigmoid(diff)) computed stably
                loss += diff > 0 ? Math.Log(1.0 + Math.Exp(-diff)) : -diff + Math.Log(1.0 + Math.Exp(diff));
                loss += l2 * (BprRankingDot(userEmb[u], userEmb[u]) + BprRankingDot(itemEmb[i], itemEmb[i]) + BprRankingDot(itemEmb[j], itemEmb[j]));
            }
            return loss / triplets.Length;
        }

        private static double BprRankingDot(double[] a, double[] b)
        {
            double s = 0.0;
            for (int k = 0; k < a.Length; k++)
                s += a[k] * b[k];
            return s;
        }

        [Differentiable]
        public static double PlanarIkCost(double[] jointAngles, double[] linkLengths, double targetX, double targetY, double targetHeading, double[] lowerLimits, double[] upperLimits, double headingWeight = 0.2, double limitWeight = 10.0)
        {
            int n = jointAngles.Length;
            if (linkLengths.Length != n || lowerLimits.Length != n || upperLimits.Length != n)
                throw new ArgumentException("joint arrays must have equal length");

            double x = 0.0, y = 0.0, heading = 0.0;
            for (int i = 0; i < n; i++)
            {
                heading += jointAngles[i];
                x += linkLengths[i] * Math.Cos(heading);
                y += linkLengths[i] * Math.Sin(heading);
            }

            double posErr = (x - targetX) * (x - targetX) + (y - targetY) * (y - targetY);
            double headErr = 1.0 - Math.Cos(heading - targetHeading);

            double limitPenalty = 0.0;
            for (int i = 0; i < n; i++)
            {
                double below = PlanarIkSoftplus(lowerLimits[i] - jointAngles[i]);
                double above = PlanarIkSoftplus(jointAngles[i] - upperLimits[i]);
                limitPenalty += below * below + above * above;
            }
            return posErr + headingWeight * headErr + limitWeight * limitPenalty;
        }

        private static double PlanarIkSoftplus(double x, double sharpness = 20.0)
        {
            return Math.Log(1.0 + Math.Exp(sharpness * x)) / sharpness;
        }

        [Differentiable]
        public static float LogMelDistance(float[][] predictedPower, float[][] targetPower, float[,] melBasis, float floor = 1e-5f)
        {
            int frames = predictedPower.Length;
            int nMels = melBasis.GetLength(0);
            int nBins = melBasis.GetLength(1);
            if (targetPower.Length != frames)
                throw new ArgumentException("frame counts differ");

            float total = 0f;
            for (int t = 0; t < frames; t++)
            {
                for (int m = 0; m < nMels; m++)
                {
                    float melPred = LogMelProject(melBasis, m, predictedPower[t], nBins);
                    float melTarget = LogMelProject(melBasis, m, targetPower[t], nBins);
                    float diff = MathF.Log10(MathF.Max(melPred, floor)) - MathF.Log10(MathF.Max(melTarget, floor));
                    total += diff * diff;
                }
            }
            return 10f * MathF.Sqrt(total / (frames * nMels));
        }

        private static float LogMelProject(float[,] basis, int mel, float[] spectrum, int nBins)
        {
            float s = 0f;
            for (int k = 0; k < nBins; k++)
                s += basis[mel, k] * spectrum[k];
            return s;
        }

        [Differentiable]
        public static double WeibullAftNll(double[][] features, double[] coef, double logShape, double[] durations, bool[] observed)
        {
            int n = features.Length;
            if (durations.Length != n || observed.Length != n)
                throw new ArgumentException("features, durations and observed must align");
            if (durations.Any(d => d <= 0))
                throw new ArgumentException("durations must be positive");

            double shape = Math.Exp(logShape);
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double logScale = 0.0;
                for (int j = 0; j < coef.Length; j++)
                    logScale += features[i][j] * coef[j];
                double logT = Math.Log(durations[i]);
                double z = shape * (logT - logScale);
                double cumHazard = Math.Exp(z);
                if (observed[i])
                    nll -= logShape + z - logT - cumHazard;   // log density
                else
                    nll += cumHazard;                          // -log survival
            }
            return nll / n;
        }
    }
}
