using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 25: probe batch 25, 30 functions by a helper who had not seen DiffGen's documentation, each in a class of
    /// its own with one method; 26 accepted after round 25's changes (a record member named Length,
    /// 'ReadOnlySpan&lt;T&gt; s = array;', a tuple swap of two T[,] locals, a helper's jagged result sized by the
    /// helper's own locals), here as written. Rejected at first: LayerNormResidual (foreach over X.Zip(Y) of jagged rows),
    /// InfoNceContrastive (an array allocated after an early return, and a jagged local made by Concat/Select),
    /// Conv1dMaxPoolLayer (per-row scratch sized by a value computed per row with an instance-property divisor) and
    /// TotalVariationDenoising (a null row sentinel). The author named every method Loss, Nll, Cost, Energy, ... inside
    /// a class named after the function (F01_MlpSoftmaxCrossEntropy and so on): here each static method takes its
    /// class's name (MlpSoftmaxCrossEntropy, ...), with the author's parameters, attribute names and body. The two
    /// layer classes with instance methods keep theirs (Loss) and are classes of their own below:
    /// <see cref="Round25MultiHeadAttention"/> (F02, readonly weight fields) and <see cref="Round25GruSequenceModel"/>
    /// (F08, readonly int fields and a computed property). The batch's types (MdnShape, HierarchicalPriors,
    /// SpringChainConfig, PendulumParams, TransferSpec, PortfolioConfig, OptionQuote, RasterSettings) are nested here;
    /// helpers whose names clash (overloads included, so that no call depends on overload resolution) are renamed:
    /// SinkhornLoss's LogSumExp (SinkhornLogSumExp) and MixtureDensityNetwork's (MdnLogSumExp; MlpSoftmaxCrossEntropy
    /// keeps LogSumExp), VaeElbo's Softplus (VaeSoftplus; TripletHardNegative keeps Softplus) and
    /// BetaBinomialRegression's LogGamma (BetaBinomialLogGamma; StudentTRegression keeps LogGamma). No parameter needed
    /// [Constant] and no attribute changed.
    /// </summary>
    public static partial class NaturalRound25
    {
        // ------------------------------------------------------------ 01 MlpSoftmaxCrossEntropy
        // F01_MlpSoftmaxCrossEntropy.Loss as written. Idioms: double[,] weights and jagged rows, a nameof list, an
        // early return on an empty batch, scratch arrays reused across rows, foreach in a LogSumExp helper.

        // Mean softmax cross-entropy of a 2-layer tanh MLP (W1:[H,D], W2:[C,H]) over a labelled mini-batch.
        [Differentiable(nameof(W1), nameof(b1), nameof(W2), nameof(b2))]
        public static double MlpSoftmaxCrossEntropy(double[,] W1, double[] b1, double[,] W2, double[] b2, double[][] X, int[] labels)
        {
            int hidden = W1.GetLength(0), inDim = W1.GetLength(1), classes = W2.GetLength(0);
            if (X.Length == 0) return 0.0;

            var h = new double[hidden];
            var logits = new double[classes];
            double total = 0.0;
            for (int n = 0; n < X.Length; n++)
            {
                double[] x = X[n];
                for (int j = 0; j < hidden; j++)
                {
                    double a = b1[j];
                    for (int i = 0; i < inDim; i++)
                        a += W1[j, i] * x[i];
                    h[j] = Math.Tanh(a);
                }
                for (int c = 0; c < classes; c++)
                {
                    double z = b2[c];
                    for (int j = 0; j < hidden; j++)
                        z += W2[c, j] * h[j];
                    logits[c] = z;
                }
                total += LogSumExp(logits) - logits[labels[n]];
            }
            return total / X.Length;
        }

        private static double LogSumExp(double[] v)
        {
            double m = double.NegativeInfinity;
            foreach (var x in v)
                if (x > m) m = x;
            double s = 0.0;
            foreach (var x in v)
                s += Math.Exp(x - m);
            return m + Math.Log(s);
        }

        // ------------------------------------------------------------ 05 TripletHardNegative
        // F05_TripletHardNegative.Loss as written. Idioms: batch-hard mining by running max/min with index
        // (argmax/argmin), continue on j == a and on anchors without a triplet, a ternary mean over the anchors used, a
        // branching Softplus.

        // Batch-hard triplet loss (soft-margin) on linear embeddings W*x: hardest positive vs hardest negative per anchor.
        [Differentiable(nameof(W))]
        public static double TripletHardNegative(double[,] W, double[][] features, int[] classIds, double margin)
        {
            int n = features.Length, e = W.GetLength(0), d = W.GetLength(1);
            var emb = new double[n][];
            for (int i = 0; i < n; i++)
            {
                emb[i] = new double[e];
                for (int r = 0; r < e; r++)
                {
                    double s = 0.0;
                    for (int c = 0; c < d; c++) s += W[r, c] * features[i][c];
                    emb[i][r] = s;
                }
            }

            double loss = 0.0;
            int used = 0;
            for (int a = 0; a < n; a++)
            {
                int hardPos = -1, hardNeg = -1;
                double maxPos = double.NegativeInfinity, minNeg = double.PositiveInfinity;
                for (int j = 0; j < n; j++)
                {
                    if (j == a) continue;
                    double dist = SquaredDistance(emb[a], emb[j]);
                    if (classIds[j] == classIds[a])
                    {
                        if (dist > maxPos) { maxPos = dist; hardPos = j; }
                    }
                    else if (dist < minNeg)
                    {
                        minNeg = dist; hardNeg = j;
                    }
                }
                if (hardPos < 0 || hardNeg < 0) continue;   // anchor has no valid triplet

                double dPos = Math.Sqrt(SquaredDistance(emb[a], emb[hardPos]) + 1e-9);
                double dNeg = Math.Sqrt(SquaredDistance(emb[a], emb[hardNeg]) + 1e-9);
                loss += Softplus(dPos - dNeg + margin);
                used++;
            }
            return used > 0 ? loss / used : 0.0;
        }

        private static double SquaredDistance(double[] u, double[] v)
        {
            double s = 0.0;
            for (int k = 0; k < u.Length; k++) { double t = u[k] - v[k]; s += t * t; }
            return s;
        }

        private static double Softplus(double x) => x > 30 ? x : Math.Log(1.0 + Math.Exp(x));

        // ------------------------------------------------------------ 06 LabelSmoothingCE
        // F06_LabelSmoothingCE.Loss as written. Idioms: float[][] weights, LINQ Max over a scratch array, a ternary
        // target per class, a row alias, foreach over jagged rows for the L2 term.

        // Label-smoothed cross-entropy of a linear softmax classifier (float precision) plus L2 weight decay.
        [Differentiable(nameof(W), nameof(b))]
        public static float LabelSmoothingCE(float[][] W, float[] b, float[][] X, int[] labels, float smoothing, float weightDecay)
        {
            int classes = W.Length;
            float offValue = smoothing / classes;
            float onValue = 1f - smoothing + offValue;
            var logits = new float[classes];
            float total = 0f;

            for (int n = 0; n < X.Length; n++)
            {
                for (int c = 0; c < classes; c++)
                {
                    float z = b[c];
                    float[] wc = W[c];
                    for (int i = 0; i < wc.Length; i++) z += wc[i] * X[n][i];
                    logits[c] = z;
                }
                float max = logits.Max();
                float sumExp = 0f;
                for (int c = 0; c < classes; c++) sumExp += MathF.Exp(logits[c] - max);
                float logZ = max + MathF.Log(sumExp);

                for (int c = 0; c < classes; c++)
                {
                    float target = c == labels[n] ? onValue : offValue;
                    total -= target * (logits[c] - logZ);
                }
            }

            float l2 = 0f;
            foreach (var row in W)
                foreach (var w in row) l2 += w * w;
            return total / X.Length + 0.5f * weightDecay * l2;
        }

        // ------------------------------------------------------------ 09 SinkhornLoss
        // F09_SinkhornLoss.Loss as written. Idioms: a while loop with a counter and a tolerance break, a double[,] cost
        // local, one scratch buffer sized Math.Max(n, m) handed to a helper with a count.

        // Entropic optimal-transport (log-domain Sinkhorn) transport cost between a movable point cloud and a fixed one.
        [Differentiable(nameof(source))]
        public static double SinkhornLoss(double[][] source, double[][] target, double epsilon, int maxIterations, double tolerance)
        {
            int n = source.Length, m = target.Length;
            var C = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0.0;
                    for (int k = 0; k < source[i].Length; k++)
                    {
                        double d = source[i][k] - target[j][k];
                        s += d * d;
                    }
                    C[i, j] = s;
                }

            double logA = -Math.Log(n), logB = -Math.Log(m);
            var f = new double[n];
            var g = new double[m];
            var buf = new double[Math.Max(n, m)];

            int iter = 0;
            while (iter < maxIterations)
            {
                double maxChange = 0.0;
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < m; j++) buf[j] = (g[j] - C[i, j]) / epsilon;
                    double fi = epsilon * (logA - SinkhornLogSumExp(buf, m));
                    maxChange = Math.Max(maxChange, Math.Abs(fi - f[i]));
                    f[i] = fi;
                }
                for (int j = 0; j < m; j++)
                {
                    for (int i = 0; i < n; i++) buf[i] = (f[i] - C[i, j]) / epsilon;
                    g[j] = epsilon * (logB - SinkhornLogSumExp(buf, n));
                }
                iter++;
                if (maxChange < tolerance) break;
            }

            double cost = 0.0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    cost += Math.Exp((f[i] + g[j] - C[i, j]) / epsilon) * C[i, j];
            return cost;
        }

        private static double SinkhornLogSumExp(double[] v, int count)
        {
            double mx = v[0];
            for (int i = 1; i < count; i++) if (v[i] > mx) mx = v[i];
            double s = 0.0;
            for (int i = 0; i < count; i++) s += Math.Exp(v[i] - mx);
            return mx + Math.Log(s);
        }

        // ------------------------------------------------------------ 10 VaeElbo
        // F10_VaeElbo.NegativeElbo as written. Idioms: jagged x and noise, reparameterised latents in scratch arrays, a
        // two-branch Softplus expression.

        // Negative ELBO of a linear-Gaussian-encoder / Bernoulli-decoder VAE using the reparameterisation trick with given noise.
        [Differentiable(nameof(encMu), nameof(encLogVar), nameof(decW), nameof(decB))]
        public static double VaeElbo(double[,] encMu, double[,] encLogVar, double[,] decW, double[] decB,
                                          double[][] x, double[][] noise)
        {
            int latent = encMu.GetLength(0), dim = encMu.GetLength(1);
            var mu = new double[latent];
            var logVar = new double[latent];
            var z = new double[latent];
            double total = 0.0;

            for (int n = 0; n < x.Length; n++)
            {
                double kl = 0.0;
                for (int l = 0; l < latent; l++)
                {
                    double m = 0.0, lv = 0.0;
                    for (int i = 0; i < dim; i++)
                    {
                        m += encMu[l, i] * x[n][i];
                        lv += encLogVar[l, i] * x[n][i];
                    }
                    mu[l] = m;
                    logVar[l] = lv;
                    z[l] = m + Math.Exp(0.5 * lv) * noise[n][l];
                    kl += 0.5 * (Math.Exp(lv) + m * m - 1.0 - lv);
                }

                double recon = 0.0;
                for (int i = 0; i < dim; i++)
                {
                    double logit = decB[i];
                    for (int l = 0; l < latent; l++) logit += decW[i, l] * z[l];
                    // Bernoulli log-likelihood: x*logit - softplus(logit)
                    recon += x[n][i] * logit - VaeSoftplus(logit);
                }
                total += kl - recon;
            }
            return total / x.Length;
        }

        private static double VaeSoftplus(double a) => a > 0 ? a + Math.Log(1.0 + Math.Exp(-a)) : Math.Log(1.0 + Math.Exp(a));

        // ------------------------------------------------------------ 11 HuberRegression
        // F11_HuberRegression.Loss as written. Idioms: optional parameters, an early return, a guard throwing
        // ArgumentOutOfRangeException(nameof(delta)), a Huber branch on |r|, foreach over w.

        // Ridge-regularised Huber loss for robust linear regression y ~ X w + b.
        [Differentiable(nameof(w), nameof(b))]
        public static double HuberRegression(double[] w, double b, double[,] X, double[] y, double delta = 1.0, double ridge = 1e-2)
        {
            int n = X.GetLength(0), p = X.GetLength(1);
            if (n == 0) return 0.0;
            if (delta <= 0) throw new ArgumentOutOfRangeException(nameof(delta));

            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                double pred = b;
                for (int j = 0; j < p; j++) pred += X[i, j] * w[j];
                double r = y[i] - pred;
                double a = Math.Abs(r);
                if (a <= delta)
                    sum += 0.5 * r * r;
                else
                    sum += delta * (a - 0.5 * delta);
            }

            double penalty = 0.0;
            foreach (double wj in w) penalty += wj * wj;
            return sum / n + 0.5 * ridge * penalty;
        }

        // ------------------------------------------------------------ 12 MixtureDensityNetwork
        // F12_MixtureDensityNetwork.Nll as written. Idioms: a sealed record giving the sizes, a local const, one packed
        // head array [logits | means | log-sigmas] read through offsets, LogSumExp over a range.

        public sealed record MdnShape(int Hidden, int Components);

        // Mean negative log-likelihood of a 1-D mixture density network (tanh hidden layer -> mixture of K Gaussians).
        [Differentiable(nameof(w1), nameof(b1), nameof(wOut), nameof(bOut))]
        public static double MixtureDensityNetwork(double[] w1, double[] b1, double[][] wOut, double[] bOut, double[] xs, double[] ys, MdnShape shape)
        {
            int H = shape.Hidden, K = shape.Components;
            const double halfLog2Pi = 0.91893853320467274;
            var hidden = new double[H];
            var head = new double[3 * K];   // [logits | means | log-sigmas]
            var logTerms = new double[K];
            double nll = 0.0;

            for (int n = 0; n < xs.Length; n++)
            {
                for (int j = 0; j < H; j++) hidden[j] = Math.Tanh(w1[j] * xs[n] + b1[j]);
                for (int o = 0; o < 3 * K; o++)
                {
                    double acc = bOut[o];
                    for (int j = 0; j < H; j++) acc += wOut[o][j] * hidden[j];
                    head[o] = acc;
                }

                double logNorm = MdnLogSumExp(head, 0, K);
                for (int k = 0; k < K; k++)
                {
                    double logPi = head[k] - logNorm;
                    double mu = head[K + k];
                    double logSigma = head[2 * K + k];
                    double zScore = (ys[n] - mu) * Math.Exp(-logSigma);
                    logTerms[k] = logPi - logSigma - halfLog2Pi - 0.5 * zScore * zScore;
                }
                nll -= MdnLogSumExp(logTerms, 0, K);
            }
            return nll / xs.Length;
        }

        private static double MdnLogSumExp(double[] v, int start, int count)
        {
            double m = v[start];
            for (int i = start + 1; i < start + count; i++) m = Math.Max(m, v[i]);
            double s = 0.0;
            for (int i = start; i < start + count; i++) s += Math.Exp(v[i] - m);
            return m + Math.Log(s);
        }

        // ------------------------------------------------------------ 13 StudentTRegression
        // F13_StudentTRegression.Nll as written. Idioms: a recursive Lanczos LogGamma with a local coefficient table,
        // jagged X with a row alias, scalar parameters on log scale.

        // Negative log-likelihood of linear regression with Student-t errors (scale and dof on log scale).
        [Differentiable(nameof(beta), nameof(logSigma), nameof(logNu))]
        public static double StudentTRegression(double[] beta, double logSigma, double logNu, double[][] X, double[] y)
        {
            double sigma = Math.Exp(logSigma);
            double nu = Math.Exp(logNu);
            double constTerm = LogGamma(0.5 * (nu + 1)) - LogGamma(0.5 * nu) - 0.5 * Math.Log(nu * Math.PI) - logSigma;

            double ll = 0.0;
            for (int i = 0; i < y.Length; i++)
            {
                double mean = 0.0;
                double[] row = X[i];
                for (int j = 0; j < beta.Length; j++) mean += row[j] * beta[j];
                double z = (y[i] - mean) / sigma;
                ll += constTerm - 0.5 * (nu + 1) * Math.Log(1.0 + z * z / nu);
            }
            return -ll;
        }

        private static double LogGamma(double x)
        {
            if (x < 0.5) return LogGamma(x + 1.0) - Math.Log(x);
            double[] lanczos =
            {
                0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012,
                9.9843695780195716e-6, 1.5056327351493116e-7
            };
            x -= 1.0;
            double a = lanczos[0];
            double t = x + 7.5;
            for (int i = 1; i < 9; i++) a += lanczos[i] / (x + i);
            return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
        }

        // ------------------------------------------------------------ 14 HierarchicalLogPosterior
        // F14_HierarchicalLogPosterior.NegLogPosterior as written. Idioms: a readonly record struct of priors, scalar
        // and array gradients together.

        public readonly record struct HierarchicalPriors(double MuPriorMean, double MuPriorSd, double TauHalfCauchyScale);

        // Negative log posterior of the non-centred "eight schools" hierarchical normal model (theta = mu + tau * eta).
        [Differentiable(nameof(mu), nameof(logTau), nameof(eta))]
        public static double HierarchicalLogPosterior(double mu, double logTau, double[] eta, double[] y, double[] sigma, HierarchicalPriors priors)
        {
            double tau = Math.Exp(logTau);
            double lp = 0.0;

            // mu ~ Normal(m0, s0)
            double zm = (mu - priors.MuPriorMean) / priors.MuPriorSd;
            lp += -0.5 * zm * zm;

            // tau ~ HalfCauchy(scale), plus log-Jacobian of tau = exp(logTau)
            double s = priors.TauHalfCauchyScale;
            lp += -Math.Log(1.0 + (tau / s) * (tau / s)) + logTau;

            int J = y.Length;
            for (int j = 0; j < J; j++)
            {
                lp += -0.5 * eta[j] * eta[j];                 // eta_j ~ N(0,1)
                double theta = mu + tau * eta[j];
                double r = (y[j] - theta) / sigma[j];
                lp += -0.5 * r * r - Math.Log(sigma[j]);     // y_j ~ N(theta_j, sigma_j)
            }
            return -lp;
        }

        // ------------------------------------------------------------ 15 PoissonGlmOffset
        // F15_PoissonGlmOffset.Nll as written. Idioms: a local function capturing parameters, Enumerable.Range(...).Sum
        // with a block-bodied lambda, beta.Sum(b => b * b), an int-argument LogFactorial.

        // Negative log-likelihood of a log-link Poisson GLM with exposure offset, plus a Gaussian prior on the coefficients.
        [Differentiable(nameof(beta))]
        public static double PoissonGlmOffset(double[] beta, double[,] X, double[] logExposure, int[] counts, double priorPrecision)
        {
            int n = X.GetLength(0), p = X.GetLength(1);

            double LinearPredictor(int i)
            {
                double eta = logExposure[i];
                for (int j = 0; j < p; j++) eta += X[i, j] * beta[j];
                return eta;
            }

            double nll = Enumerable.Range(0, n).Sum(i =>
            {
                double eta = LinearPredictor(i);
                return Math.Exp(eta) - counts[i] * eta + LogFactorial(counts[i]);
            });

            double prior = 0.5 * priorPrecision * beta.Sum(b => b * b);
            return nll + prior;
        }

        private static double LogFactorial(int k)
        {
            double s = 0.0;
            for (int i = 2; i <= k; i++) s += Math.Log(i);
            return s;
        }

        // ------------------------------------------------------------ 16 CoxPartialLikelihood
        // F16_CoxPartialLikelihood.NegPartialLogLik as written. Idioms: an OrderByDescending(...).ToArray() permutation
        // walked by foreach, a bool[] with continue, a cumulative risk sum.

        // Negative Cox proportional-hazards partial log-likelihood (Breslow, no tie correction) with ridge penalty.
        [Differentiable(nameof(beta))]
        public static double CoxPartialLikelihood(double[] beta, double[][] covariates, double[] times, bool[] observed, double ridge)
        {
            int n = times.Length;
            // process subjects from the latest time to the earliest so the risk set grows cumulatively
            int[] order = Enumerable.Range(0, n).OrderByDescending(i => times[i]).ToArray();

            double riskSum = 0.0;
            double logLik = 0.0;
            foreach (int i in order)
            {
                double eta = 0.0;
                double[] xi = covariates[i];
                for (int j = 0; j < beta.Length; j++) eta += beta[j] * xi[j];
                riskSum += Math.Exp(eta);
                if (!observed[i]) continue;        // censored: contributes only to risk sets
                logLik += eta - Math.Log(riskSum);
            }

            double pen = 0.0;
            for (int j = 0; j < beta.Length; j++) pen += beta[j] * beta[j];
            return -logLik + 0.5 * ridge * pen;
        }

        // ------------------------------------------------------------ 17 AutoregressiveNll
        // F17_AutoregressiveNll.Nll as written. Idioms: 'ReadOnlySpan<double> data = series;', Slice of it per step, an
        // early return on a short series.

        // Conditional Gaussian negative log-likelihood of an AR(p) model with intercept c and log noise scale.
        [Differentiable(nameof(phi), nameof(c), nameof(logSigma))]
        public static double AutoregressiveNll(double[] phi, double c, double logSigma, double[] series)
        {
            int p = phi.Length;
            if (series.Length <= p) return 0.0;

            ReadOnlySpan<double> data = series;
            double invVar = Math.Exp(-2.0 * logSigma);
            double sse = 0.0;
            for (int t = p; t < data.Length; t++)
            {
                ReadOnlySpan<double> lags = data.Slice(t - p, p);   // x_{t-p} .. x_{t-1}
                double pred = c;
                for (int k = 0; k < p; k++)
                    pred += phi[k] * lags[p - 1 - k];               // phi[0] multiplies x_{t-1}
                double e = data[t] - pred;
                sse += e * e;
            }

            int m = data.Length - p;
            return 0.5 * m * Math.Log(2.0 * Math.PI) + m * logSigma + 0.5 * invVar * sse;
        }

        // ------------------------------------------------------------ 18 BetaBinomialRegression
        // F18_BetaBinomialRegression.Nll as written. Idioms: continue on zero trials, LogGamma by a while loop whose
        // trip count depends on the argument, an expression-bodied LogBeta.

        // Negative log-likelihood of beta-binomial regression: mean = logistic(b0 + b1 x), precision = exp(logPhi).
        [Differentiable(nameof(b0), nameof(b1), nameof(logPhi))]
        public static double BetaBinomialRegression(double b0, double b1, double logPhi, double[] x, int[] successes, int[] trials)
        {
            double phi = Math.Exp(logPhi);
            double nll = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                int k = successes[i], n = trials[i];
                if (n == 0) continue;
                double mu = 1.0 / (1.0 + Math.Exp(-(b0 + b1 * x[i])));
                double a = mu * phi, b = (1.0 - mu) * phi;
                double logChoose = BetaBinomialLogGamma(n + 1.0) - BetaBinomialLogGamma(k + 1.0) - BetaBinomialLogGamma(n - k + 1.0);
                nll -= logChoose + LogBeta(k + a, n - k + b) - LogBeta(a, b);
            }
            return nll;
        }

        private static double LogBeta(double a, double b) => BetaBinomialLogGamma(a) + BetaBinomialLogGamma(b) - BetaBinomialLogGamma(a + b);

        // Stirling series with upward recurrence for small arguments.
        private static double BetaBinomialLogGamma(double x)
        {
            double shift = 0.0;
            while (x < 7.0)
            {
                shift -= Math.Log(x);
                x += 1.0;
            }
            double inv = 1.0 / x, inv2 = inv * inv;
            double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
            return shift + (x - 0.5) * Math.Log(x) - x + 0.91893853320467274 + series;
        }

        // ------------------------------------------------------------ 19 MassSpringChain
        // F19_MassSpringChain.Energy as written. Idioms: a readonly record struct config, flat (x, y) positions,
        // Math.Atan2 bending, continue on the end nodes, a helper reading an anchor array.

        public readonly record struct SpringChainConfig(double Stiffness, double RestLength, double Mass, double Gravity, double PinStiffness);

        // Potential energy of a 2-D hanging mass-spring chain (stretch + gravity + bending) with both ends softly pinned.
        [Differentiable(nameof(positions))]
        public static double MassSpringChain(double[] positions, double[] leftPin, double[] rightPin, SpringChainConfig cfg)
        {
            int nodes = positions.Length / 2;
            double energy = 0.0;

            for (int i = 0; i < nodes; i++)
            {
                double x = positions[2 * i], y = positions[2 * i + 1];
                energy += cfg.Mass * cfg.Gravity * y;

                if (i + 1 < nodes)
                {
                    double dx = positions[2 * i + 2] - x, dy = positions[2 * i + 3] - y;
                    double len = Math.Sqrt(dx * dx + dy * dy);
                    double stretch = len - cfg.RestLength;
                    energy += 0.5 * cfg.Stiffness * stretch * stretch;
                }

                if (i == 0 || i == nodes - 1) continue;

                // discrete bending: penalise the turning angle between consecutive segments
                double ax = x - positions[2 * i - 2], ay = y - positions[2 * i - 1];
                double bx = positions[2 * i + 2] - x, by = positions[2 * i + 3] - y;
                double cross = ax * by - ay * bx, dot = ax * bx + ay * by;
                double angle = Math.Atan2(cross, dot);
                energy += 0.05 * cfg.Stiffness * angle * angle;
            }

            energy += PinEnergy(positions, 0, leftPin, cfg.PinStiffness);
            energy += PinEnergy(positions, nodes - 1, rightPin, cfg.PinStiffness);
            return energy;
        }

        private static double PinEnergy(double[] p, int node, double[] anchor, double k)
        {
            double dx = p[2 * node] - anchor[0], dy = p[2 * node + 1] - anchor[1];
            return 0.5 * k * (dx * dx + dy * dy);
        }

        // ------------------------------------------------------------ 20 PendulumRk4Control
        // F20_PendulumRk4Control.Cost as written. Idioms: a local function returning a named tuple, foreach over the
        // controls, RK4 through tuple members.

        public readonly record struct PendulumParams(double Length, double Mass, double Damping, double Gravity, double Dt);

        // Swing-up cost: RK4-simulate a damped torque-driven pendulum under controls u[t], then terminal + effort cost.
        [Differentiable(nameof(torques))]
        public static double PendulumRk4Control(double[] torques, double theta0, double omega0, PendulumParams p, double effortWeight)
        {
            double inertia = p.Mass * p.Length * p.Length;

            (double dTheta, double dOmega) Deriv(double th, double om, double tau) =>
                (om, (tau - p.Damping * om - p.Mass * p.Gravity * p.Length * Math.Sin(th)) / inertia);

            double theta = theta0, omega = omega0;
            double effort = 0.0;
            double h = p.Dt;
            foreach (double u in torques)
            {
                var k1 = Deriv(theta, omega, u);
                var k2 = Deriv(theta + 0.5 * h * k1.dTheta, omega + 0.5 * h * k1.dOmega, u);
                var k3 = Deriv(theta + 0.5 * h * k2.dTheta, omega + 0.5 * h * k2.dOmega, u);
                var k4 = Deriv(theta + h * k3.dTheta, omega + h * k3.dOmega, u);
                theta += h / 6.0 * (k1.dTheta + 2 * k2.dTheta + 2 * k3.dTheta + k4.dTheta);
                omega += h / 6.0 * (k1.dOmega + 2 * k2.dOmega + 2 * k3.dOmega + k4.dOmega);
                effort += u * u * h;
            }

            // upright is theta = pi; use 1 + cos so the cost is periodic in theta
            double terminal = 10.0 * (1.0 + Math.Cos(theta)) + 0.5 * omega * omega;
            return terminal + effortWeight * effort;
        }

        // ------------------------------------------------------------ 21 HeatEquation2D
        // F21_HeatEquation2D.Loss as written. Idioms: float[,] Clone, (cur, next) = (next, cur) on two float[,] locals,
        // a Dirichlet boundary with continue.

        // Inverse heat problem (float): explicit FTCS steps of the 2-D heat equation from u0, MSE to an observed final field.
        [Differentiable(nameof(u0), nameof(diffusivity))]
        public static float HeatEquation2D(float[,] u0, float diffusivity, float[,] observed, int steps, float dt, float dx)
        {
            int nx = u0.GetLength(0), ny = u0.GetLength(1);
            float r = diffusivity * dt / (dx * dx);
            var cur = (float[,])u0.Clone();
            var next = new float[nx, ny];

            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < nx; i++)
                {
                    for (int j = 0; j < ny; j++)
                    {
                        // Dirichlet zero boundary
                        if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1)
                        {
                            next[i, j] = 0f;
                            continue;
                        }
                        float lap = cur[i + 1, j] + cur[i - 1, j] + cur[i, j + 1] + cur[i, j - 1] - 4f * cur[i, j];
                        next[i, j] = cur[i, j] + r * lap;
                    }
                }
                (cur, next) = (next, cur);
            }

            float loss = 0f;
            for (int i = 0; i < nx; i++)
                for (int j = 0; j < ny; j++)
                {
                    float d = cur[i, j] - observed[i, j];
                    loss += d * d;
                }
            return loss / (nx * ny);
        }

        // ------------------------------------------------------------ 22 TrussCompliance
        // F22_TrussCompliance.Compliance as written. Idioms: int[,] connectivity, a bool[] of fixed DOFs, array
        // initialisers inside the loop, free[nFree++] compaction, a Cholesky helper returning a fresh array.

        // Structural compliance f^T u of a 2-D pin-jointed truss (K(A) u = f solved by Cholesky) plus a volume penalty.
        [Differentiable(nameof(areas))]
        public static double TrussCompliance(double[] areas, double[,] nodes, int[,] bars, bool[] fixedDof, double[] loads,
                                        double youngsModulus, double volumePenalty)
        {
            int nDof = 2 * nodes.GetLength(0);
            var K = new double[nDof, nDof];
            double volume = 0.0;

            for (int e = 0; e < bars.GetLength(0); e++)
            {
                int a = bars[e, 0], b = bars[e, 1];
                double dx = nodes[b, 0] - nodes[a, 0], dy = nodes[b, 1] - nodes[a, 1];
                double L = Math.Sqrt(dx * dx + dy * dy);
                double c = dx / L, s = dy / L;
                double k = youngsModulus * areas[e] / L;
                volume += areas[e] * L;

                double[] g = { c, s, -c, -s };
                int[] dofs = { 2 * a, 2 * a + 1, 2 * b, 2 * b + 1 };
                for (int p = 0; p < 4; p++)
                    for (int q = 0; q < 4; q++)
                        K[dofs[p], dofs[q]] += k * g[p] * g[q];
            }

            // reduce to free DOFs
            int[] free = new int[nDof];
            int nFree = 0;
            for (int d = 0; d < nDof; d++) if (!fixedDof[d]) free[nFree++] = d;
            var Kr = new double[nFree, nFree];
            var fr = new double[nFree];
            for (int p = 0; p < nFree; p++)
            {
                fr[p] = loads[free[p]];
                for (int q = 0; q < nFree; q++) Kr[p, q] = K[free[p], free[q]];
            }

            double[] u = CholeskySolve(Kr, fr);
            double compliance = 0.0;
            for (int p = 0; p < nFree; p++) compliance += fr[p] * u[p];
            return compliance + volumePenalty * volume;
        }

        private static double[] CholeskySolve(double[,] A, double[] rhs)
        {
            int n = rhs.Length;
            var L = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double sum = A[i, j];
                    for (int k = 0; k < j; k++) sum -= L[i, k] * L[j, k];
                    L[i, j] = i == j ? Math.Sqrt(sum) : sum / L[j, j];
                }
            }
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = rhs[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * y[k];
                y[i] = s / L[i, i];
            }
            var x = new double[n];
            for (int i = n - 1; i >= 0; i--)
            {
                double s = y[i];
                for (int k = i + 1; k < n; k++) s -= L[k, i] * x[k];
                x[i] = s / L[i, i];
            }
            return x;
        }

        // ------------------------------------------------------------ 23 OrbitalTransfer
        // F23_OrbitalTransfer.Cost as written. Idioms: a mutable struct with fields as a parameter, a tuple-returning
        // helper deconstructed and then reassigned, a burn chosen by step == SecondBurnStep.

        public struct TransferSpec
        {
            public double Mu;
            public double TargetRadius;
            public double Dt;
            public int Steps;
            public int SecondBurnStep;
            public double FuelWeight;
        }

        // Two-impulse planar orbit transfer: velocity-Verlet propagation, terminal circular-orbit error + smooth delta-v cost.
        [Differentiable(nameof(dv1), nameof(dv2))]
        public static double OrbitalTransfer(double[] dv1, double[] dv2, double[] r0, double[] v0, TransferSpec spec)
        {
            double x = r0[0], y = r0[1];
            double vx = v0[0] + dv1[0], vy = v0[1] + dv1[1];
            var (ax, ay) = Gravity(x, y, spec.Mu);

            for (int step = 0; step < spec.Steps; step++)
            {
                if (step == spec.SecondBurnStep)
                {
                    vx += dv2[0];
                    vy += dv2[1];
                }
                vx += 0.5 * spec.Dt * ax;
                vy += 0.5 * spec.Dt * ay;
                x += spec.Dt * vx;
                y += spec.Dt * vy;
                (ax, ay) = Gravity(x, y, spec.Mu);
                vx += 0.5 * spec.Dt * ax;
                vy += 0.5 * spec.Dt * ay;
            }

            double r = Math.Sqrt(x * x + y * y);
            double vRadial = (x * vx + y * vy) / r;
            double vTangential = (x * vy - y * vx) / r;
            double vCirc = Math.Sqrt(spec.Mu / spec.TargetRadius);

            double terminal = Sq(r - spec.TargetRadius) + Sq(vRadial) + Sq(vTangential - vCirc);
            double fuel = SmoothNorm(dv1) + SmoothNorm(dv2);
            return 100.0 * terminal + spec.FuelWeight * fuel;
        }

        private static (double, double) Gravity(double x, double y, double mu)
        {
            double r2 = x * x + y * y;
            double inv3 = 1.0 / (r2 * Math.Sqrt(r2));
            return (-mu * x * inv3, -mu * y * inv3);
        }

        private static double Sq(double a) => a * a;
        private static double SmoothNorm(double[] v) => Math.Sqrt(v[0] * v[0] + v[1] * v[1] + 1e-8);

        // ------------------------------------------------------------ 24 DiodeCircuitFit
        // F24_DiodeCircuitFit.Loss as written. Idioms: a class const, continue on reverse bias, a damped Newton while
        // loop with a clamped step and a break.

        private const double ThermalVoltage = 0.025852;

        // Fit series-resistor + Shockley diode parameters: Newton-solve the diode voltage per bias, squared log-current error.
        [Differentiable(nameof(logIs), nameof(ideality), nameof(logR))]
        public static double DiodeCircuitFit(double logIs, double ideality, double logR, double[] sourceVoltages, double[] measuredCurrents)
        {
            double Is = Math.Exp(logIs), R = Math.Exp(logR);
            double nVt = ideality * ThermalVoltage;
            double loss = 0.0;

            for (int k = 0; k < sourceVoltages.Length; k++)
            {
                double vs = sourceVoltages[k];
                if (vs <= 0) continue;   // reverse bias points are not used in this fit

                // KCL: (vs - vd)/R = Is (exp(vd/nVt) - 1); solve for vd with damped Newton
                double vd = Math.Min(vs, 0.6);
                int it = 0;
                while (it < 100)
                {
                    double e = Math.Exp(vd / nVt);
                    double f = (vs - vd) / R - Is * (e - 1.0);
                    double df = -1.0 / R - Is * e / nVt;
                    double step = f / df;
                    if (step > 0.1) step = 0.1;
                    else if (step < -0.1) step = -0.1;
                    vd -= step;
                    it++;
                    if (Math.Abs(step) < 1e-13) break;
                }

                double current = (vs - vd) / R;
                double err = Math.Log(current) - Math.Log(measuredCurrents[k]);
                loss += err * err;
            }
            return loss;
        }

        // ------------------------------------------------------------ 25 PortfolioMeanVariance
        // F25_PortfolioMeanVariance.Objective as written. Idioms: a mutable struct config, a LINQ Max/Select/Sum
        // softmax, a smoothed |x|.

        public struct PortfolioConfig
        {
            public double RiskAversion;
            public double CostRate;        // proportional transaction cost
            public double ConcentrationPenalty;
        }

        // Long-only mean-variance objective (softmax weights) with smoothed proportional transaction costs and an HHI penalty.
        [Differentiable(nameof(logits))]
        public static double PortfolioMeanVariance(double[] logits, double[] expectedReturns, double[,] covariance, double[] previousWeights, PortfolioConfig cfg)
        {
            double max = logits.Max();
            double[] expo = logits.Select(l => Math.Exp(l - max)).ToArray();
            double z = expo.Sum();
            double[] w = expo.Select(e => e / z).ToArray();
            int n = w.Length;

            double ret = 0.0;
            for (int i = 0; i < n; i++) ret += expectedReturns[i] * w[i];

            double variance = 0.0;
            for (int i = 0; i < n; i++)
            {
                double row = 0.0;
                for (int j = 0; j < n; j++) row += covariance[i, j] * w[j];
                variance += w[i] * row;
            }

            double turnover = 0.0, hhi = 0.0;
            for (int i = 0; i < n; i++)
            {
                double trade = w[i] - previousWeights[i];
                turnover += Math.Sqrt(trade * trade + 1e-10);   // smooth |trade|
                hhi += w[i] * w[i];
            }

            return -ret + 0.5 * cfg.RiskAversion * variance + cfg.CostRate * turnover + cfg.ConcentrationPenalty * hhi;
        }

        // ------------------------------------------------------------ 26 BlackScholesSviCalibration
        // F26_BlackScholesSviCalibration.Loss as written. Idioms: an OptionQuote[] of record structs in foreach with
        // continue, Math.Max floor, a ternary on a bool member, a Chebyshev Erfc helper with a branch.

        public readonly record struct OptionQuote(double Strike, double Maturity, double MarketPrice, bool IsCall);

        // Calibration loss: squared relative Black-Scholes price errors with an SVI-parameterised implied-variance smile.
        [Differentiable(nameof(sviRaw))]
        public static double BlackScholesSviCalibration(double[] sviRaw, OptionQuote[] quotes, double spot, double rate)
        {
            // raw SVI: w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + s^2)), with b, s > 0, |rho| < 1 enforced by transforms
            double a = sviRaw[0], b = Math.Exp(sviRaw[1]), rho = Math.Tanh(sviRaw[2]), m = sviRaw[3], s = Math.Exp(sviRaw[4]);

            double loss = 0.0;
            foreach (var q in quotes)
            {
                if (q.Maturity <= 0 || q.MarketPrice <= 0) continue;
                double forward = spot * Math.Exp(rate * q.Maturity);
                double k = Math.Log(q.Strike / forward);
                double variance = a + b * (rho * (k - m) + Math.Sqrt((k - m) * (k - m) + s * s));
                double sigma = Math.Sqrt(Math.Max(variance, 1e-8));
                double model = BlackScholes(spot, q.Strike, q.Maturity, rate, sigma, q.IsCall);
                double rel = (model - q.MarketPrice) / q.MarketPrice;
                loss += rel * rel;
            }
            return loss / quotes.Length;
        }

        private static double BlackScholes(double S, double K, double T, double r, double sigma, bool isCall)
        {
            double sqrtT = Math.Sqrt(T);
            double d1 = (Math.Log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrtT);
            double d2 = d1 - sigma * sqrtT;
            double df = Math.Exp(-r * T);
            return isCall
                ? S * NormCdf(d1) - K * df * NormCdf(d2)
                : K * df * NormCdf(-d2) - S * NormCdf(-d1);
        }

        private static double NormCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

        // Chebyshev-fitted complementary error function (fractional error < 1.2e-7).
        private static double Erfc(double x)
        {
            double z = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.5 * z);
            double ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                         t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                         t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? ans : 2.0 - ans;
        }

        // ------------------------------------------------------------ 27 CatmullRomFit
        // F27_CatmullRomFit.Loss as written. Idioms: float[][] control points, Math.Clamp, an index from
        // (int)MathF.Floor and Math.Min, an early return.

        // Float curve fit: squared distance from samples to a uniform Catmull-Rom spline at given parameters + bending regulariser.
        [Differentiable(nameof(controlPoints))]
        public static float CatmullRomFit(float[][] controlPoints, float[][] samples, float[] sampleParams, float smoothness)
        {
            int segments = controlPoints.Length - 3;
            if (segments < 1) return 0f;

            float data = 0f;
            for (int n = 0; n < samples.Length; n++)
            {
                float t = Math.Clamp(sampleParams[n], 0f, 1f) * segments;
                int seg = Math.Min((int)MathF.Floor(t), segments - 1);
                float u = t - seg;
                float u2 = u * u, u3 = u2 * u;
                float w0 = 0.5f * (-u3 + 2f * u2 - u);
                float w1 = 0.5f * (3f * u3 - 5f * u2 + 2f);
                float w2 = 0.5f * (-3f * u3 + 4f * u2 + u);
                float w3 = 0.5f * (u3 - u2);

                for (int dim = 0; dim < 2; dim++)
                {
                    float p = w0 * controlPoints[seg][dim] + w1 * controlPoints[seg + 1][dim]
                            + w2 * controlPoints[seg + 2][dim] + w3 * controlPoints[seg + 3][dim];
                    float d = p - samples[n][dim];
                    data += d * d;
                }
            }

            float bend = 0f;
            for (int i = 1; i + 1 < controlPoints.Length; i++)
                for (int dim = 0; dim < 2; dim++)
                {
                    float second = controlPoints[i - 1][dim] - 2f * controlPoints[i][dim] + controlPoints[i + 1][dim];
                    bend += second * second;
                }
            return data / samples.Length + smoothness * bend;
        }

        // ------------------------------------------------------------ 28 SoftRasterizer
        // F28_SoftRasterizer.Loss as written. Idioms: a sealed record with a float member, a ternary orientation, a
        // float[3] scratch, float helpers.

        public sealed record RasterSettings(int Width, int Height, float Sharpness);

        // Float image loss of a soft-rasterised flat-shaded triangle (product of edge sigmoids) against a target image.
        [Differentiable(nameof(vertices), nameof(intensity))]
        public static float SoftRasterizer(float[] vertices, float intensity, float[,] target, RasterSettings settings)
        {
            float area2 = Cross(vertices[2] - vertices[0], vertices[3] - vertices[1],
                                vertices[4] - vertices[0], vertices[5] - vertices[1]);
            float orient = area2 >= 0f ? 1f : -1f;

            var edgeLen = new float[3];
            for (int e = 0; e < 3; e++)
            {
                int a = e, b = (e + 1) % 3;
                float ex = vertices[2 * b] - vertices[2 * a], ey = vertices[2 * b + 1] - vertices[2 * a + 1];
                edgeLen[e] = MathF.Sqrt(ex * ex + ey * ey) + 1e-6f;
            }

            float loss = 0f;
            for (int py = 0; py < settings.Height; py++)
            {
                float y = (py + 0.5f) / settings.Height;
                for (int px = 0; px < settings.Width; px++)
                {
                    float x = (px + 0.5f) / settings.Width;
                    float coverage = 1f;
                    for (int e = 0; e < 3; e++)
                    {
                        int a = e, b = (e + 1) % 3;
                        float ax = vertices[2 * a], ay = vertices[2 * a + 1];
                        float dist = orient * Cross(vertices[2 * b] - ax, vertices[2 * b + 1] - ay, x - ax, y - ay) / edgeLen[e];
                        coverage *= Sigmoid(settings.Sharpness * dist);
                    }
                    float diff = intensity * coverage - target[py, px];
                    loss += diff * diff;
                }
            }
            return loss / (settings.Width * settings.Height);
        }

        private static float Cross(float ax, float ay, float bx, float by) => ax * by - ay * bx;
        private static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

        // ------------------------------------------------------------ 29 IirBiquadFit
        // F29_IirBiquadFit.Loss as written. Idioms: a transposed direct form II recursion, continue during warm-up,
        // Math.Abs penalties behind ifs, Math.Max(counted, 1).

        // System identification: MSE between a transposed-direct-form-II biquad IIR output and a target, plus a stability-margin penalty.
        [Differentiable(nameof(coeffs))]
        public static double IirBiquadFit(double[] coeffs, double[] input, double[] target, int warmup)
        {
            double b0 = coeffs[0], b1 = coeffs[1], b2 = coeffs[2], a1 = coeffs[3], a2 = coeffs[4];
            double s1 = 0.0, s2 = 0.0;
            double sse = 0.0;
            int counted = 0;

            for (int n = 0; n < input.Length; n++)
            {
                double x = input[n];
                double y = b0 * x + s1;
                s1 = b1 * x - a1 * y + s2;
                s2 = b2 * x - a2 * y;
                if (n < warmup) continue;
                double e = y - target[n];
                sse += e * e;
                counted++;
            }

            // stability triangle: |a2| < 1 and |a1| < 1 + a2, with a safety margin
            double penalty = 0.0;
            double m1 = Math.Abs(a2) - 0.95;
            double m2 = Math.Abs(a1) - (1.0 + a2) + 0.05;
            if (m1 > 0) penalty += m1 * m1;
            if (m2 > 0) penalty += m2 * m2;

            return sse / Math.Max(counted, 1) + 100.0 * penalty;
        }

        // ------------------------------------------------------------ 30 TotalVariationDenoising (accepted since round 25: a row local that may be null)
#nullable disable // as written: its author's project had nullable annotations off
        // ROF-style denoising energy: 0.5 ||u - f||^2 + lambda * sum sqrt(|grad u|^2 + eps^2) (isotropic, Neumann boundary).
        [Differentiable(nameof(u))]
        public static double TotalVariationDenoising(double[][] u, double[][] noisy, double lambda, double eps)
        {
            int rows = u.Length;
            int cols = rows > 0 ? u[0].Length : 0;
            double fidelity = 0.0, tv = 0.0;
            double eps2 = eps * eps;

            for (int i = 0; i < rows; i++)
            {
                double[] row = u[i];
                double[] below = i + 1 < rows ? u[i + 1] : null;
                for (int j = 0; j < cols; j++)
                {
                    double r = row[j] - noisy[i][j];
                    fidelity += r * r;

                    double gx = j + 1 < cols ? row[j + 1] - row[j] : 0.0;
                    double gy = below != null ? below[j] - row[j] : 0.0;
                    tv += Math.Sqrt(gx * gx + gy * gy + eps2);
                }
            }
            return 0.5 * fidelity + lambda * tv;
        }
#nullable restore

        // ------------------------------------------------------------ 03 LayerNormResidual (accepted since round 25: foreach over X.Zip(Y) of jagged rows)
        // Mean squared error of y = LayerNorm(x + GELU(W x + b)) * gamma + beta against targets (float precision).
        [Differentiable(nameof(W), nameof(b), nameof(gamma), nameof(beta))]
        public static float LayerNormResidual(float[,] W, float[] b, float[] gamma, float[] beta, float[][] X, float[][] Y)
        {
            const float eps = 1e-5f;
            int d = gamma.Length;
            Span<float> r = stackalloc float[d];
            float loss = 0f;
            int count = 0;

            foreach (var (x, y) in X.Zip(Y))
            {
                for (int i = 0; i < d; i++)
                {
                    float a = b[i];
                    for (int j = 0; j < d; j++) a += W[i, j] * x[j];
                    r[i] = x[i] + LayerNormGelu(a);
                }

                float mean = 0f;
                for (int i = 0; i < d; i++) mean += r[i];
                mean /= d;
                float var = 0f;
                for (int i = 0; i < d; i++) { float c = r[i] - mean; var += c * c; }
                var /= d;
                float invStd = 1f / MathF.Sqrt(var + eps);

                for (int i = 0; i < d; i++)
                {
                    float outI = (r[i] - mean) * invStd * gamma[i] + beta[i];
                    float diff = outI - y[i];
                    loss += diff * diff;
                }
                count++;
            }
            return count == 0 ? 0f : loss / (count * d);
        }

        private static float LayerNormGelu(float a)
        {
            const float c = 0.7978845608f; // sqrt(2/pi)
            return 0.5f * a * (1f + MathF.Tanh(c * (a + 0.044715f * a * a * a)));
        }
    }

    /// <summary>
    /// Round 25's F02_MultiHeadAttention as written (renamed class): a layer class with readonly weight fields, a head count
    /// and a computed property; [Differentiable(nameof(x))] differentiates the input sequence only. Idioms: fields as
    /// constants, a static helper returning a jagged array (rows built in a local then stored), a running max with
    /// double.MinValue, one scores buffer reused across heads and rows.
    /// </summary>
    public partial class Round25MultiHeadAttention
    {
        private readonly int _heads;
        private readonly double[,] _wq, _wk, _wv, _wo;   // each [dModel, dModel]

        public Round25MultiHeadAttention(int heads, double[,] wq, double[,] wk, double[,] wv, double[,] wo)
        {
            _heads = heads; _wq = wq; _wk = wk; _wv = wv; _wo = wo;
        }

        public int ModelDim => _wq.GetLength(0);

        // MSE between multi-head scaled-dot-product self-attention output of sequence x and a target sequence.
        [Differentiable(nameof(x))]
        public double Loss(double[][] x, double[][] target)
        {
            int T = x.Length, d = ModelDim, dh = d / _heads;
            double[][] q = Project(x, _wq), k = Project(x, _wk), v = Project(x, _wv);
            var concat = new double[T][];
            for (int t = 0; t < T; t++) concat[t] = new double[d];

            double scale = 1.0 / Math.Sqrt(dh);
            var scores = new double[T];
            for (int h = 0; h < _heads; h++)
            {
                int off = h * dh;
                for (int t = 0; t < T; t++)
                {
                    double max = double.MinValue;
                    for (int s = 0; s < T; s++)
                    {
                        double dot = 0.0;
                        for (int e = 0; e < dh; e++) dot += q[t][off + e] * k[s][off + e];
                        scores[s] = dot * scale;
                        if (scores[s] > max) max = scores[s];
                    }
                    double z = 0.0;
                    for (int s = 0; s < T; s++) { scores[s] = Math.Exp(scores[s] - max); z += scores[s]; }
                    for (int s = 0; s < T; s++)
                    {
                        double a = scores[s] / z;
                        for (int e = 0; e < dh; e++) concat[t][off + e] += a * v[s][off + e];
                    }
                }
            }

            double[][] y = Project(concat, _wo);
            double loss = 0.0;
            for (int t = 0; t < T; t++)
                for (int e = 0; e < d; e++)
                {
                    double r = y[t][e] - target[t][e];
                    loss += r * r;
                }
            return loss / (T * d);
        }

        private static double[][] Project(double[][] x, double[,] w)
        {
            int rows = w.GetLength(0), cols = w.GetLength(1);
            var result = new double[x.Length][];
            for (int t = 0; t < x.Length; t++)
            {
                var row = new double[rows];
                for (int i = 0; i < rows; i++)
                {
                    double acc = 0.0;
                    for (int j = 0; j < cols; j++) acc += w[i, j] * x[t][j];
                    row[i] = acc;
                }
                result[t] = row;
            }
            return result;
        }
    }

    /// <summary>
    /// Round 25's F08_GruSequenceModel as written (renamed class): readonly int fields for the sizes, a computed property
    /// giving the length of the packed parameter vector theta, the only differentiated parameter. Idioms: offsets into theta,
    /// a local function capturing theta and the sizes, scratch arrays outside the time loop, a fresh hNew per step assigned
    /// to h.
    /// </summary>
    public partial class Round25GruSequenceModel
    {
        public readonly int InputSize;
        public readonly int HiddenSize;

        public Round25GruSequenceModel(int inputSize, int hiddenSize)
        {
            InputSize = inputSize;
            HiddenSize = hiddenSize;
        }

        public int ParameterCount => 3 * HiddenSize * (InputSize + HiddenSize + 1) + HiddenSize + 1;

        // Many-to-many MSE of a GRU unrolled over a sequence with a linear readout; all weights packed in a flat theta.
        [Differentiable(nameof(theta))]
        public double Loss(double[] theta, double[][] sequence, double[] targets)
        {
            int H = HiddenSize, I = InputSize, rowLen = I + H + 1;
            int offZ = 0, offR = H * rowLen, offN = 2 * H * rowLen, offOut = 3 * H * rowLen;

            // gate pre-activation: W[x; h] + b for row j of the block starting at 'off'
            double Affine(int off, int j, double[] x, double[] hPrev)
            {
                int baseIdx = off + j * rowLen;
                double acc = theta[baseIdx + I + H];
                for (int i = 0; i < I; i++) acc += theta[baseIdx + i] * x[i];
                for (int k = 0; k < H; k++) acc += theta[baseIdx + I + k] * hPrev[k];
                return acc;
            }

            var h = new double[H];
            var z = new double[H];
            var rh = new double[H];
            double loss = 0.0;
            for (int t = 0; t < sequence.Length; t++)
            {
                double[] x = sequence[t];
                for (int j = 0; j < H; j++)
                {
                    z[j] = Sigmoid(Affine(offZ, j, x, h));
                    rh[j] = Sigmoid(Affine(offR, j, x, h)) * h[j];
                }
                var hNew = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double cand = Math.Tanh(Affine(offN, j, x, rh));
                    hNew[j] = (1.0 - z[j]) * h[j] + z[j] * cand;
                }
                h = hNew;

                double y = theta[offOut + H];
                for (int j = 0; j < H; j++) y += theta[offOut + j] * h[j];
                double e = y - targets[t];
                loss += e * e;
            }
            return loss / sequence.Length;
        }

        private static double Sigmoid(double a) => 1.0 / (1.0 + Math.Exp(-a));
    }

    /// <summary>Batch 25's F07 as written (accepted since round 25: a per-signal scratch sized (s.Length - KernelSize) / Stride + 1 with the sizes in instance properties).</summary>
    public partial class Round25Conv1dMaxPoolLayer
    {
        public int KernelSize { get; }
        public int PoolSize { get; }
        public int Stride { get; }

        public Round25Conv1dMaxPoolLayer(int kernelSize, int poolSize, int stride = 1)
        {
            KernelSize = kernelSize;
            PoolSize = poolSize;
            Stride = stride;
        }

        // MSE regression loss of a 1-D conv (multi-filter, softplus) -> non-overlapping max-pool -> linear readout model.
        [Differentiable(nameof(kernels), nameof(bias), nameof(readout))]
        public double Loss(double[,] kernels, double[] bias, double[] readout, double[][] signals, double[] targets)
        {
            int filters = kernels.GetLength(0);
            double sse = 0.0;

            for (int n = 0; n < signals.Length; n++)
            {
                double[] s = signals[n];
                int convLen = (s.Length - KernelSize) / Stride + 1;
                int pooled = convLen / PoolSize;
                var conv = new double[convLen];
                double pred = readout[readout.Length - 1];   // last entry is the readout bias
                int r = 0;

                for (int f = 0; f < filters; f++)
                {
                    for (int t = 0; t < convLen; t++)
                    {
                        double acc = bias[f];
                        int start = t * Stride;
                        for (int k = 0; k < KernelSize; k++) acc += kernels[f, k] * s[start + k];
                        conv[t] = ConvSoftplus(acc);
                    }
                    for (int p = 0; p < pooled; p++)
                    {
                        double m = conv[p * PoolSize];
                        for (int q = 1; q < PoolSize; q++)
                            m = Math.Max(m, conv[p * PoolSize + q]);
                        pred += readout[r++] * m;
                    }
                }
                double err = pred - targets[n];
                sse += err * err;
            }
            return sse / signals.Length;
        }

        private static double ConvSoftplus(double x) => Math.Log(1.0 + Math.Exp(-Math.Abs(x))) + Math.Max(x, 0.0);
    }

    public static partial class NaturalRound25
    {
        // F04_InfoNceContrastive.Loss as written (accepted after round 25: the stacked array made after the returning guard
        // 'if (n < 2) return 0.0;' has its row length computed by loops over the rows, which now move above the guard with
        // it). Idioms: a record struct config, Concat/Select with a helper as the selector, break, continue, a scratch
        // array per anchor. The helpers are renamed (Dot and Normalize are names other functions of this class use).
        public readonly record struct ContrastiveConfig(double Temperature, bool Symmetric);

        [Differentiable(nameof(z1), nameof(z2))]
        public static double InfoNceContrastive(double[][] z1, double[][] z2, ContrastiveConfig cfg)
        {
            int n = z1.Length;
            if (n < 2) return 0.0;

            // stack the two views and L2-normalise each embedding
            double[][] z = z1.Concat(z2).Select(ContrastNormalize).ToArray();
            int m = 2 * n;
            double invT = 1.0 / cfg.Temperature;

            double total = 0.0;
            int terms = 0;
            for (int i = 0; i < m; i++)
            {
                if (!cfg.Symmetric && i >= n) break;
                int pos = i < n ? i + n : i - n;
                double maxS = double.NegativeInfinity;
                var sims = new double[m];
                for (int j = 0; j < m; j++)
                {
                    if (j == i) continue;
                    sims[j] = ContrastDot(z[i], z[j]) * invT;
                    maxS = Math.Max(maxS, sims[j]);
                }
                double denom = 0.0;
                for (int j = 0; j < m; j++)
                    if (j != i) denom += Math.Exp(sims[j] - maxS);
                total += -(sims[pos] - maxS - Math.Log(denom));
                terms++;
            }
            return total / terms;
        }

        private static double ContrastDot(double[] a, double[] b)
        {
            double s = 0.0;
            for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
            return s;
        }

        private static double[] ContrastNormalize(double[] v)
        {
            double norm = Math.Sqrt(v.Sum(t => t * t) + 1e-12);
            return v.Select(t => t / norm).ToArray();
        }
    }
}
