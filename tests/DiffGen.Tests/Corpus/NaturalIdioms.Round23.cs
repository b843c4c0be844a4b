using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 23: the eleventh probe batch, 30 functions by a helper who had not seen DiffGen's documentation; 18 accepted
    /// as written at first, 22 after round 22's later changes (helpers returning jagged arrays, LINQ-made arrays as
    /// arguments, ToList, Array.Sort with a comparison, loop-local arrays copied into locals of the loop), here as written.
    /// Still rejected: DilatedCnnLoss (a jagged local listing existing rows), GcnNodeClassificationLoss (a
    /// List&lt;int&gt;[] parameter), ListNetLoss (float[][][]), PendulumControlLoss (a nullable record local),
    /// TrussPotentialEnergy (IReadOnlyList of records), PSplineSmoothingLoss (branching recursion), TwoCompartmentPkNll and
    /// RobotArmIkLoss (static readonly tuple tables). The batch's types (ElboConfig, Reduction, Vec2, SourceWaveform) are
    /// nested here; helpers and constants whose names clash are renamed: ByolLoss's Linear (ByolLinear;
    /// TransformerBlockLoss keeps Linear), GumbelSoftmaxAssignmentLoss's Softmax (AssignmentSoftmax; TransformerBlockLoss
    /// keeps Softmax), HierarchicalLogPosterior's HalfLog2Pi (HierarchicalHalfLog2Pi; BayesianMlpNegElbo keeps HalfLog2Pi),
    /// ZeroInflatedPoissonNll's Softplus (ZipSoftplus; BayesianMlpNegElbo keeps Softplus) and GarchTNll's LogGamma
    /// (GarchLogGamma; ZeroInflatedPoissonNll keeps LogGamma).
    /// No parameter needed [Constant] beyond the author's own (ByolLoss's encTarget and projTarget,
    /// GumbelSoftmaxAssignmentLoss's uniformNoise), and no nullable annotation was needed.
    /// </summary>
    public static partial class NaturalRound23
    {
        // ------------------------------------------------------------ 01 TransformerBlockLoss
        // Domain: ML / sequence modelling.
        // Computes the reconstruction loss of a single post-LN transformer encoder block:
        // multi-head scaled dot-product self-attention, residual + layer norm, GELU feed-forward
        // with a second residual, MSE against a target sequence.
        // Idioms: jagged double[][] everywhere, helpers returning fresh arrays, LINQ Max/Select/Sum/Zip/ToArray,
        // expression-bodied helper, optional parameter, guard clause throwing ArgumentException.

        [Differentiable]
        public static double TransformerBlockLoss(
            double[][] x, double[][] wq, double[][] wk, double[][] wv, double[][] wo,
            double[][] w1, double[] b1, double[][] w2, double[] b2,
            double[] gamma, double[] beta, double[][] target, int numHeads)
        {
            int seqLen = x.Length;
            int dModel = x[0].Length;
            if (dModel % numHeads != 0)
                throw new ArgumentException("model width must be divisible by the number of heads", nameof(numHeads));
            int dHead = dModel / numHeads;

            var q = MatMul(x, wq);
            var k = MatMul(x, wk);
            var v = MatMul(x, wv);

            var attn = new double[seqLen][];
            for (int i = 0; i < seqLen; i++) attn[i] = new double[dModel];

            double scale = 1.0 / Math.Sqrt(dHead);
            for (int h = 0; h < numHeads; h++)
            {
                int off = h * dHead;
                for (int i = 0; i < seqLen; i++)
                {
                    var scores = new double[seqLen];
                    for (int j = 0; j < seqLen; j++)
                    {
                        double s = 0.0;
                        for (int d = 0; d < dHead; d++)
                            s += q[i][off + d] * k[j][off + d];
                        scores[j] = s * scale;
                    }

                    var p = Softmax(scores);
                    for (int j = 0; j < seqLen; j++)
                        for (int d = 0; d < dHead; d++)
                            attn[i][off + d] += p[j] * v[j][off + d];
                }
            }

            var proj = MatMul(attn, wo);
            var h1 = new double[seqLen][];
            for (int i = 0; i < seqLen; i++)
                h1[i] = LayerNorm(x[i].Zip(proj[i], (a, b) => a + b).ToArray(), gamma, beta);

            double loss = 0.0;
            for (int i = 0; i < seqLen; i++)
            {
                var hidden = Linear(h1[i], w1, b1).Select(Gelu).ToArray();
                var ff = Linear(hidden, w2, b2);
                for (int d = 0; d < dModel; d++)
                {
                    double diff = h1[i][d] + ff[d] - target[i][d];
                    loss += diff * diff;
                }
            }

            return loss / (seqLen * dModel);
        }

        // a: n x k, b: k x m
        private static double[][] MatMul(double[][] a, double[][] b)
        {
            int n = a.Length, inner = b.Length, m = b[0].Length;
            var c = new double[n][];
            for (int i = 0; i < n; i++)
            {
                c[i] = new double[m];
                for (int t = 0; t < inner; t++)
                {
                    double ait = a[i][t];
                    for (int j = 0; j < m; j++)
                        c[i][j] += ait * b[t][j];
                }
            }
            return c;
        }

        // w: out x in
        private static double[] Linear(double[] x, double[][] w, double[] b)
        {
            var y = new double[w.Length];
            for (int o = 0; o < w.Length; o++)
            {
                double s = b[o];
                for (int i = 0; i < x.Length; i++)
                    s += w[o][i] * x[i];
                y[o] = s;
            }
            return y;
        }

        private static double[] Softmax(double[] z)
        {
            double max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            for (int i = 0; i < e.Length; i++) e[i] /= sum;
            return e;
        }

        private static double[] LayerNorm(double[] x, double[] gamma, double[] beta, double eps = 1e-5)
        {
            double mean = x.Average();
            double var = x.Select(v => (v - mean) * (v - mean)).Average();
            double inv = 1.0 / Math.Sqrt(var + eps);
            var y = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                y[i] = gamma[i] * (x[i] - mean) * inv + beta[i];
            return y;
        }

        private static double Gelu(double x) =>
            0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));

        // ------------------------------------------------------------ 02 GruSequenceNll
        // Domain: ML / sequence classification.
        // Computes the mean cross-entropy of a single-layer GRU sequence classifier: the final hidden state
        // of each sequence goes through a linear read-out and a softmax over classes.
        // Idioms: double[,,] batch tensor, double[,] stacked gate weights, int[] labels, nameof list on the
        // attribute, scratch arrays allocated inside the time loop, state swap by reassignment, private helpers.

        [Differentiable(nameof(wx), nameof(wh), nameof(b), nameof(wOut), nameof(bOut))]
        public static double GruSequenceNll(double[,,] xs, int[] labels,
            double[,] wx, double[,] wh, double[] b, double[,] wOut, double[] bOut)
        {
            int batch = xs.GetLength(0), steps = xs.GetLength(1), inDim = xs.GetLength(2);
            int hidden = wh.GetLength(1);
            if (wx.GetLength(0) != 3 * hidden || wh.GetLength(0) != 3 * hidden)
                throw new ArgumentException("gate weights must have 3*hidden rows");
            if (labels.Length != batch)
                throw new ArgumentException("one label per sequence expected", nameof(labels));
            int classes = wOut.GetLength(0);

            double total = 0.0;
            for (int n = 0; n < batch; n++)
            {
                var h = new double[hidden];
                for (int t = 0; t < steps; t++)
                {
                    // gate pre-activations: rows [0,H) update, [H,2H) reset, [2H,3H) candidate
                    var gx = new double[3 * hidden];
                    var gh = new double[3 * hidden];
                    for (int r = 0; r < 3 * hidden; r++)
                    {
                        double sx = b[r];
                        for (int d = 0; d < inDim; d++) sx += wx[r, d] * xs[n, t, d];
                        double sh = 0.0;
                        for (int j = 0; j < hidden; j++) sh += wh[r, j] * h[j];
                        gx[r] = sx;
                        gh[r] = sh;
                    }

                    var hNew = new double[hidden];
                    for (int j = 0; j < hidden; j++)
                    {
                        double z = Sigmoid(gx[j] + gh[j]);
                        double reset = Sigmoid(gx[hidden + j] + gh[hidden + j]);
                        double cand = Math.Tanh(gx[2 * hidden + j] + reset * gh[2 * hidden + j]);
                        hNew[j] = (1.0 - z) * h[j] + z * cand;
                    }
                    h = hNew;
                }

                var logits = new double[classes];
                for (int c = 0; c < classes; c++)
                {
                    double s = bOut[c];
                    for (int j = 0; j < hidden; j++) s += wOut[c, j] * h[j];
                    logits[c] = s;
                }
                total += LogSumExp(logits) - logits[labels[n]];
            }

            return total / batch;
        }

        private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        private static double LogSumExp(double[] v)
        {
            double m = double.NegativeInfinity;
            for (int i = 0; i < v.Length; i++) m = Math.Max(m, v[i]);
            double s = 0.0;
            for (int i = 0; i < v.Length; i++) s += Math.Exp(v[i] - m);
            return m + Math.Log(s);
        }

        // ------------------------------------------------------------ 04 BayesianMlpNegElbo
        // Domain: ML / Bayesian deep learning.
        // Computes the negative ELBO of a Bayes-by-backprop regression MLP (one tanh hidden layer) with
        // mean-field Gaussian weights sampled by the reparameterisation trick from fixed noise, a
        // Gaussian likelihood with learned log noise scale and a closed-form KL to an N(0, s^2) prior.
        // Idioms: record as a config parameter, tuple-returning helper with deconstruction, double[,] and
        // double[,,] noise tensors, softplus parameterisation, Math.Log/Exp, const.

        public sealed record ElboConfig(double PriorSigma, double KlWeight);

        private const double HalfLog2Pi = 0.91893853320467274178;

        [Differentiable(nameof(w1Mu), nameof(w1Rho), nameof(w2Mu), nameof(w2Rho), nameof(logNoise))]
        public static double BayesianMlpNegElbo(double[,] x, double[] y,
            double[,] w1Mu, double[,] w1Rho, double[] w2Mu, double[] w2Rho, double logNoise,
            double[,,] eps1, double[,] eps2, ElboConfig config)
        {
            int n = x.GetLength(0), inDim = x.GetLength(1);
            int hidden = w1Mu.GetLength(0);
            int samples = eps1.GetLength(0);
            double noise = Math.Exp(logNoise);

            double expectedLogLik = 0.0;
            double kl = 0.0;
            for (int s = 0; s < samples; s++)
            {
                var w1 = new double[hidden, inDim];
                var w2 = new double[hidden];
                for (int h = 0; h < hidden; h++)
                {
                    for (int d = 0; d < inDim; d++)
                    {
                        var (w, klTerm) = SampleWeight(w1Mu[h, d], w1Rho[h, d], eps1[s, h, d], config.PriorSigma);
                        w1[h, d] = w;
                        kl += klTerm;
                    }
                    var (v, klOut) = SampleWeight(w2Mu[h], w2Rho[h], eps2[s, h], config.PriorSigma);
                    w2[h] = v;
                    kl += klOut;
                }

                for (int i = 0; i < n; i++)
                {
                    double pred = 0.0;
                    for (int h = 0; h < hidden; h++)
                    {
                        double a = 0.0;
                        for (int d = 0; d < inDim; d++) a += w1[h, d] * x[i, d];
                        pred += w2[h] * Math.Tanh(a);
                    }
                    double r = (y[i] - pred) / noise;
                    expectedLogLik += -0.5 * r * r - logNoise - HalfLog2Pi;
                }
            }

            expectedLogLik /= samples;
            kl /= samples;   // KL is analytic, so every sample contributes the same value
            return -(expectedLogLik - config.KlWeight * kl);
        }

        private static (double Weight, double Kl) SampleWeight(double mu, double rho, double eps, double priorSigma)
        {
            double sigma = Softplus(rho);
            double w = mu + sigma * eps;
            double kl = Math.Log(priorSigma / sigma) + (sigma * sigma + mu * mu) / (2.0 * priorSigma * priorSigma) - 0.5;
            return (w, kl);
        }

        private static double Softplus(double v) => v > 20.0 ? v : Math.Log(1.0 + Math.Exp(v));

        // ------------------------------------------------------------ 05 MixtureDensityNll
        // Domain: ML / probabilistic regression.
        // Computes the mean negative log-likelihood of a 1-D mixture density network: a tanh hidden layer
        // produces mixture logits, means and log-scales of K Gaussian components; the density is combined
        // with a numerically stable log-sum-exp.
        // Idioms: ReadOnlySpan<double> inputs, double[,] head weights, helper computing a matrix-vector
        // product into a caller-provided scratch array, log-softmax, Math.Max running max, guard clause.

        private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2.0 * Math.PI);

        [Differentiable]
        public static double MixtureDensityNll(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
            double[] w1, double[] b1,
            double[,] wAlpha, double[] bAlpha,
            double[,] wMu, double[] bMu,
            double[,] wLogSigma, double[] bLogSigma)
        {
            if (x.Length != y.Length || x.Length == 0)
                throw new ArgumentException("x and y must be non-empty and of equal length");

            int hidden = w1.Length;
            int k = bAlpha.Length;
            var h = new double[hidden];
            var alpha = new double[k];
            var mu = new double[k];
            var logSigma = new double[k];
            var logTerms = new double[k];

            double nll = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                for (int j = 0; j < hidden; j++)
                    h[j] = Math.Tanh(w1[j] * x[i] + b1[j]);

                Affine(wAlpha, bAlpha, h, alpha);
                Affine(wMu, bMu, h, mu);
                Affine(wLogSigma, bLogSigma, h, logSigma);

                double alphaMax = double.NegativeInfinity;
                for (int c = 0; c < k; c++) alphaMax = Math.Max(alphaMax, alpha[c]);
                double alphaNorm = 0.0;
                for (int c = 0; c < k; c++) alphaNorm += Math.Exp(alpha[c] - alphaMax);
                double logZ = alphaMax + Math.Log(alphaNorm);

                double best = double.NegativeInfinity;
                for (int c = 0; c < k; c++)
                {
                    double z = (y[i] - mu[c]) * Math.Exp(-logSigma[c]);
                    logTerms[c] = alpha[c] - logZ - 0.5 * z * z - logSigma[c] - LogSqrt2Pi;
                    if (logTerms[c] > best) best = logTerms[c];
                }
                double acc = 0.0;
                for (int c = 0; c < k; c++) acc += Math.Exp(logTerms[c] - best);
                nll -= best + Math.Log(acc);
            }
            return nll / x.Length;
        }

        private static void Affine(double[,] w, double[] b, double[] h, double[] output)
        {
            for (int r = 0; r < output.Length; r++)
            {
                double s = b[r];
                for (int j = 0; j < h.Length; j++) s += w[r, j] * h[j];
                output[r] = s;
            }
        }

        // ------------------------------------------------------------ 06 ByolLoss
        // Domain: ML / self-supervised representation learning.
        // Computes the symmetric BYOL loss: online encoder + projector + predictor on one augmented view is
        // regressed (2 - 2 cos) onto the target network's projection of the other view. The target network
        // is an EMA copy of the weights and receives no gradient, which is expressed by [Constant] parameters.
        // Idioms: [Constant] on parameters, double[][] batches, LINQ Zip/Sum/Select/ToArray, helper methods
        // returning arrays, ReLU via Math.Max, L2 normalisation helper.

        [Differentiable]
        public static double ByolLoss(double[][] view1, double[][] view2,
            double[,] encOnline, double[,] projOnline, double[,] predictor,
            [Constant] double[,] encTarget, [Constant] double[,] projTarget)
        {
            if (view1.Length != view2.Length)
                throw new ArgumentException("views must have the same batch size");

            double loss = 0.0;
            for (int i = 0; i < view1.Length; i++)
            {
                var p1 = ByolLinear(predictor, Project(view1[i], encOnline, projOnline));
                var p2 = ByolLinear(predictor, Project(view2[i], encOnline, projOnline));
                var t1 = Project(view1[i], encTarget, projTarget);
                var t2 = Project(view2[i], encTarget, projTarget);

                loss += RegressionLoss(p1, t2) + RegressionLoss(p2, t1);
            }
            return loss / view1.Length;
        }

        private static double[] Project(double[] x, double[,] enc, double[,] proj)
        {
            var h = ByolLinear(enc, x).Select(v => Math.Max(0.0, v)).ToArray();
            return ByolLinear(proj, h);
        }

        private static double[] ByolLinear(double[,] w, double[] x)
        {
            int rows = w.GetLength(0), cols = w.GetLength(1);
            var y = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double s = 0.0;
                for (int c = 0; c < cols; c++) s += w[r, c] * x[c];
                y[r] = s;
            }
            return y;
        }

        private static double[] Normalize(double[] v)
        {
            double norm = Math.Sqrt(v.Sum(a => a * a)) + 1e-12;
            return v.Select(a => a / norm).ToArray();
        }

        private static double RegressionLoss(double[] prediction, double[] target)
        {
            var p = Normalize(prediction);
            var t = Normalize(target);
            double cos = p.Zip(t, (a, b) => a * b).Sum();
            return 2.0 - 2.0 * cos;
        }

        // ------------------------------------------------------------ 07 FocalDiceLoss
        // Domain: ML / binary image segmentation.
        // Computes focal loss + soft Dice loss for a 1x1-conv segmentation head applied to a feature map:
        // per-pixel logit = w . features[:, y, x] + bias, probability via sigmoid, compared with a 0/1 mask.
        // Idioms: double[,,] feature map, double[,] mask, foreach over a 2-D array, Math.Clamp, Math.Pow
        // with a non-integer gamma, ?: for the per-class alpha weighting, nameof list, default parameters.

        [Differentiable(nameof(weights), nameof(bias))]
        public static double FocalDiceLoss(double[,,] features, double[,] mask, double[] weights, double bias,
            double gamma = 2.0, double alpha = 0.25, double diceWeight = 0.5)
        {
            int channels = features.GetLength(0), height = features.GetLength(1), width = features.GetLength(2);
            if (mask.GetLength(0) != height || mask.GetLength(1) != width)
                throw new ArgumentException("mask shape does not match the feature map", nameof(mask));
            if (weights.Length != channels)
                throw new ArgumentException("one weight per channel expected", nameof(weights));

            const double eps = 1e-7;
            double focal = 0.0;
            double intersection = 0.0, probSum = 0.0;

            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double logit = bias;
                    for (int c = 0; c < channels; c++)
                        logit += weights[c] * features[c, y, x];

                    double p = Math.Clamp(1.0 / (1.0 + Math.Exp(-logit)), eps, 1.0 - eps);
                    double target = mask[y, x];
                    bool positive = target > 0.5;

                    double pt = positive ? p : 1.0 - p;
                    double at = positive ? alpha : 1.0 - alpha;
                    focal += -at * Math.Pow(1.0 - pt, gamma) * Math.Log(pt);

                    intersection += p * target;
                    probSum += p;
                }
            }

            double maskSum = 0.0;
            foreach (double m in mask) maskSum += m;

            double dice = 1.0 - (2.0 * intersection + 1.0) / (probSum + maskSum + 1.0);
            return focal / (height * width) + diceWeight * dice;
        }

        // ------------------------------------------------------------ 08 GumbelSoftmaxAssignmentLoss
        // Domain: ML / discrete latent variables.
        // Computes the expected assignment cost of a relaxed categorical policy using the Gumbel-softmax
        // (Concrete) trick with fixed uniform noise, plus an entropy bonus on the underlying softmax;
        // the reduction over items is selected by an enum.
        // Idioms: enum parameter + switch expression, Enumerable.Range(...).Select(...).ToArray(), lambdas,
        // LINQ Max/Sum, [Constant] on the noise, static local function, guard clause throwing ArgumentException.

        public enum Reduction { Mean, Sum }

        [Differentiable]
        public static double GumbelSoftmaxAssignmentLoss(double[,] logits, [Constant] double[,] uniformNoise,
            double[,] cost, double temperature, double entropyWeight, Reduction reduction)
        {
            int n = logits.GetLength(0), k = logits.GetLength(1);
            if (temperature <= 0.0)
                throw new ArgumentException("temperature must be positive", nameof(temperature));

            static double Gumbel(double u) => -Math.Log(-Math.Log(u));

            var perItem = new double[n];
            for (int i = 0; i < n; i++)
            {
                var perturbed = Enumerable.Range(0, k)
                    .Select(j => (logits[i, j] + Gumbel(uniformNoise[i, j])) / temperature)
                    .ToArray();
                var y = AssignmentSoftmax(perturbed);

                var probs = AssignmentSoftmax(Enumerable.Range(0, k).Select(j => logits[i, j]).ToArray());
                double entropy = -probs.Sum(p => p * Math.Log(p));

                double expectedCost = 0.0;
                for (int j = 0; j < k; j++) expectedCost += y[j] * cost[i, j];

                perItem[i] = expectedCost - entropyWeight * entropy;
            }

            return reduction switch
            {
                Reduction.Mean => perItem.Average(),
                Reduction.Sum => perItem.Sum(),
                _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
            };
        }

        private static double[] AssignmentSoftmax(double[] z)
        {
            double max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            double s = e.Sum();
            return e.Select(v => v / s).ToArray();
        }

        // ------------------------------------------------------------ 09 AnnealedVaeLoss
        // Domain: ML / generative models.
        // Computes the KL-annealed VAE objective for a batch: latent codes z = mu + exp(logVar/2) * eps with
        // fixed noise, a one-hidden-layer decoder producing Bernoulli logits, binary cross-entropy
        // reconstruction plus beta * KL(q || N(0, I)) where beta ramps linearly with the epoch.
        // Idioms: double[,] batch matrices, int epoch / warmup inputs, Math.Min for the annealing schedule,
        // local function capturing the decoder weights, stable BCE-with-logits formulation with Math.Abs/Max.

        [Differentiable(nameof(mu), nameof(logVar), nameof(wHidden), nameof(bHidden), nameof(wOut), nameof(bOut))]
        public static double AnnealedVaeLoss(double[,] x, double[,] mu, double[,] logVar, double[,] eps,
            double[,] wHidden, double[] bHidden, double[,] wOut, double[] bOut, int epoch, int warmupEpochs)
        {
            int batch = x.GetLength(0), dataDim = x.GetLength(1);
            int latent = mu.GetLength(1);
            int hidden = wHidden.GetLength(0);
            double beta = warmupEpochs <= 0 ? 1.0 : Math.Min(1.0, (double)epoch / warmupEpochs);

            double[] Decode(double[] z)
            {
                var h = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double a = bHidden[j];
                    for (int l = 0; l < latent; l++) a += wHidden[j, l] * z[l];
                    h[j] = Math.Tanh(a);
                }
                var logits = new double[dataDim];
                for (int d = 0; d < dataDim; d++)
                {
                    double a = bOut[d];
                    for (int j = 0; j < hidden; j++) a += wOut[d, j] * h[j];
                    logits[d] = a;
                }
                return logits;
            }

            double recon = 0.0, kl = 0.0;
            for (int i = 0; i < batch; i++)
            {
                var z = new double[latent];
                for (int l = 0; l < latent; l++)
                {
                    double std = Math.Exp(0.5 * logVar[i, l]);
                    z[l] = mu[i, l] + std * eps[i, l];
                    kl += -0.5 * (1.0 + logVar[i, l] - mu[i, l] * mu[i, l] - std * std);
                }

                var logits = Decode(z);
                for (int d = 0; d < dataDim; d++)
                {
                    double a = logits[d];
                    // BCE with logits: max(a,0) - a*x + log(1 + exp(-|a|))
                    recon += Math.Max(a, 0.0) - a * x[i, d] + Math.Log(1.0 + Math.Exp(-Math.Abs(a)));
                }
            }

            return (recon + beta * kl) / batch;
        }

        // ------------------------------------------------------------ 12 SinkhornWassersteinLoss
        // Domain: ML / optimal transport.
        // Computes the entropy-regularised Wasserstein-2 transport cost between a learnable 2-D point cloud
        // (uniform weights) and a fixed target cloud, using Sinkhorn scaling iterations that stop either
        // after maxIter sweeps or when the marginal error drops below a tolerance.
        // Idioms: double[,] point clouds, while loop with break on convergence, int iteration counter,
        // scratch arrays reused across iterations, kernel matrix precomputed once, nameof list.

        [Differentiable(nameof(source))]
        public static double SinkhornWassersteinLoss(double[,] source, double[,] target, double epsilon, int maxIter, double tolerance)
        {
            int n = source.GetLength(0), m = target.GetLength(0);
            if (source.GetLength(1) != target.GetLength(1))
                throw new ArgumentException("point clouds must live in the same space");
            int dim = source.GetLength(1);

            var cost = new double[n, m];
            var kernel = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double c = 0.0;
                    for (int d = 0; d < dim; d++)
                    {
                        double diff = source[i, d] - target[j, d];
                        c += diff * diff;
                    }
                    cost[i, j] = c;
                    kernel[i, j] = Math.Exp(-c / epsilon);
                }

            double a = 1.0 / n, b = 1.0 / m;
            var u = new double[n];
            var v = new double[m];
            for (int i = 0; i < n; i++) u[i] = 1.0;
            for (int j = 0; j < m; j++) v[j] = 1.0;

            int iter = 0;
            while (iter < maxIter)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0.0;
                    for (int j = 0; j < m; j++) s += kernel[i, j] * v[j];
                    u[i] = a / s;
                }
                double err = 0.0;
                for (int j = 0; j < m; j++)
                {
                    double s = 0.0;
                    for (int i = 0; i < n; i++) s += kernel[i, j] * u[i];
                    double vNew = b / s;
                    // column marginal before the update, measured against b
                    err += Math.Abs(v[j] * s - b);
                    v[j] = vNew;
                }
                iter++;
                if (err < tolerance) break;
            }

            double transportCost = 0.0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    transportCost += u[i] * kernel[i, j] * v[j] * cost[i, j];
            return transportCost;
        }

        // ------------------------------------------------------------ 13 HierarchicalLogPosterior
        // Domain: statistics / hierarchical Bayesian models.
        // Computes the unnormalised log posterior of a three-level normal model (schools nested in regions,
        // in the spirit of "eight schools") in the non-centred parameterisation: region effects and school
        // effects are built from standard-normal raw parameters, scales are log-transformed with their
        // Jacobians and given half-Cauchy priors.
        // Idioms: static readonly constant, expression-bodied helpers, int[] group index, arrays of raw
        // parameters, early scratch array for region means, foreach over an index array, nameof list.

        private static readonly double HierarchicalHalfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);

        [Differentiable(nameof(mu), nameof(logTauRegion), nameof(logTauSchool), nameof(regionRaw), nameof(schoolRaw))]
        public static double HierarchicalLogPosterior(double[] y, double[] sigma, int[] region,
            double mu, double logTauRegion, double logTauSchool, double[] regionRaw, double[] schoolRaw)
        {
            int schools = y.Length;
            if (sigma.Length != schools || region.Length != schools || schoolRaw.Length != schools)
                throw new ArgumentException("per-school arrays must have equal length");

            double tauRegion = Math.Exp(logTauRegion);
            double tauSchool = Math.Exp(logTauSchool);

            double lp = NormalLogPdf(mu, 0.0, 10.0);
            lp += HalfCauchyLogPdf(tauRegion, 2.5) + logTauRegion;   // log-Jacobian of exp
            lp += HalfCauchyLogPdf(tauSchool, 2.5) + logTauSchool;

            var regionEffect = new double[regionRaw.Length];
            for (int r = 0; r < regionRaw.Length; r++)
            {
                regionEffect[r] = mu + tauRegion * regionRaw[r];
                lp += NormalLogPdf(regionRaw[r], 0.0, 1.0);
            }

            int j = 0;
            foreach (int r in region)
            {
                double theta = regionEffect[r] + tauSchool * schoolRaw[j];
                lp += NormalLogPdf(schoolRaw[j], 0.0, 1.0);
                lp += NormalLogPdf(y[j], theta, sigma[j]);
                j++;
            }
            return lp;
        }

        private static double NormalLogPdf(double x, double mean, double sd)
        {
            double z = (x - mean) / sd;
            return -0.5 * z * z - Math.Log(sd) - HierarchicalHalfLog2Pi;
        }

        private static double HalfCauchyLogPdf(double x, double scale) =>
            Math.Log(2.0 / (Math.PI * scale)) - Math.Log(1.0 + (x / scale) * (x / scale));

        // ------------------------------------------------------------ 14 ZeroInflatedPoissonNll
        // Domain: statistics / count regression.
        // Computes the negative log-likelihood of a zero-inflated Poisson regression: log-link Poisson rate
        // and logit-link structural-zero probability, each linear in the covariates; zeros mix both sources
        // via a stable log-add-exp, positive counts use the Poisson branch with log(y!) from a Lanczos lgamma.
        // Idioms: int[] counts, double[,] design matrix, static readonly coefficient table, early return for
        // empty input, if/else on the data, helper with row index, softplus-based log-probabilities.

        private static readonly double[] Lanczos =
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };

        [Differentiable(nameof(beta), nameof(gamma))]
        public static double ZeroInflatedPoissonNll(int[] counts, double[,] covariates, double[] beta, double[] gamma)
        {
            int n = counts.Length;
            if (n == 0) return 0.0;
            if (covariates.GetLength(0) != n)
                throw new ArgumentException("one covariate row per count expected", nameof(covariates));

            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = Dot(covariates, i, beta);
                double lambda = Math.Exp(eta);
                double zeta = Dot(covariates, i, gamma);
                double logPi = -ZipSoftplus(-zeta);      // log sigmoid(zeta)
                double logOneMinusPi = -ZipSoftplus(zeta);

                int y = counts[i];
                if (y == 0)
                {
                    nll -= LogAddExp(logPi, logOneMinusPi - lambda);
                }
                else
                {
                    nll -= logOneMinusPi + y * eta - lambda - LogGamma(y + 1.0);
                }
            }
            return nll;
        }

        private static double Dot(double[,] x, int row, double[] w)
        {
            double s = 0.0;
            for (int j = 0; j < w.Length; j++) s += x[row, j] * w[j];
            return s;
        }

        private static double ZipSoftplus(double v) => v > 0 ? v + Math.Log(1.0 + Math.Exp(-v)) : Math.Log(1.0 + Math.Exp(v));

        private static double LogAddExp(double a, double b)
        {
            double m = Math.Max(a, b);
            return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        }

        private static double LogGamma(double x)
        {
            if (x < 0.5)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1.0 - x);
            x -= 1.0;
            double a = Lanczos[0];
            double t = x + 7.5;
            for (int k = 1; k < Lanczos.Length; k++) a += Lanczos[k] / (x + k);
            return 0.5 * Math.Log(2.0 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
        }

        // ------------------------------------------------------------ 15 LocalLevelLogLikelihood
        // Domain: statistics / state-space time series.
        // Computes the Gaussian log-likelihood of a local-level (random walk plus noise) model by the Kalman
        // filter prediction-error decomposition, with an approximately diffuse initial state whose first
        // innovation is excluded, and missing observations (NaN) handled by skipping the update.
        // Idioms: foreach over the series, double.IsNaN + `continue`, int counter, default parameter values,
        // nameof list restricting the differentiated inputs, compound assignments, const.

        private const double Log2Pi = 1.8378770664093453;

        [Differentiable(nameof(logSigmaEps), nameof(logSigmaEta))]
        public static double LocalLevelLogLikelihood(double[] y, double logSigmaEps, double logSigmaEta,
            double initialLevel = 0.0, double initialVariance = 1e7)
        {
            double h = Math.Exp(2.0 * logSigmaEps);   // observation noise variance
            double q = Math.Exp(2.0 * logSigmaEta);   // level disturbance variance

            double level = initialLevel;
            double p = initialVariance;
            double logLik = 0.0;
            int observed = 0;

            foreach (double obs in y)
            {
                if (double.IsNaN(obs))
                {
                    p += q;
                    continue;
                }

                double f = p + h;
                double v = obs - level;
                double gain = p / f;

                if (observed > 0)
                    logLik += -0.5 * (Log2Pi + Math.Log(f) + v * v / f);

                level += gain * v;
                p = p * (1.0 - gain) + q;
                observed++;
            }
            return logLik;
        }

        // ------------------------------------------------------------ 16 GarchTNll
        // Domain: statistics / financial econometrics.
        // Computes the negative log-likelihood of a GARCH(1,1) model with standardised Student-t innovations.
        // Parameters are unconstrained: omega = exp(.), (alpha, beta) from a 3-way softmax so that
        // alpha + beta < 1, nu = 2 + exp(.). The variance recursion starts at the sample variance.
        // Idioms: tuple-returning helper with deconstruction, LINQ Average/Select for the initial variance,
        // log-gamma via recurrence (while loop) + Stirling series, compound assignments, previous-value tracking.

        [Differentiable(nameof(omegaRaw), nameof(alphaRaw), nameof(betaRaw), nameof(logNuMinus2), nameof(mean))]
        public static double GarchTNll(double[] returns, double omegaRaw, double alphaRaw, double betaRaw,
            double logNuMinus2, double mean)
        {
            if (returns.Length < 2)
                throw new ArgumentException("need at least two returns", nameof(returns));

            double omega = Math.Exp(omegaRaw);
            var (alpha, beta) = Persistence(alphaRaw, betaRaw);
            double nu = 2.0 + Math.Exp(logNuMinus2);

            double sampleMean = returns.Average();
            double sigma2 = returns.Select(r => (r - sampleMean) * (r - sampleMean)).Average();

            double logNorm = GarchLogGamma(0.5 * (nu + 1.0)) - GarchLogGamma(0.5 * nu) - 0.5 * Math.Log((nu - 2.0) * Math.PI);

            double nll = 0.0;
            double prevResid = 0.0;
            for (int t = 0; t < returns.Length; t++)
            {
                double e = returns[t] - mean;
                if (t > 0)
                    sigma2 = omega + alpha * prevResid * prevResid + beta * sigma2;

                double z2 = e * e / ((nu - 2.0) * sigma2);
                nll -= logNorm - 0.5 * Math.Log(sigma2) - 0.5 * (nu + 1.0) * Math.Log(1.0 + z2);
                prevResid = e;
            }
            return nll;
        }

        // softmax over (alphaRaw, betaRaw, 0) keeps alpha, beta > 0 and alpha + beta < 1
        private static (double Alpha, double Beta) Persistence(double alphaRaw, double betaRaw)
        {
            double m = Math.Max(0.0, Math.Max(alphaRaw, betaRaw));
            double ea = Math.Exp(alphaRaw - m), eb = Math.Exp(betaRaw - m), e0 = Math.Exp(-m);
            double z = ea + eb + e0;
            return (ea / z, eb / z);
        }

        private static double GarchLogGamma(double x)
        {
            double shift = 0.0;
            while (x < 7.0)
            {
                shift -= Math.Log(x);
                x += 1.0;
            }
            double inv = 1.0 / x, inv2 = inv * inv;
            double series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
            return shift + (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2.0 * Math.PI) + series;
        }

        // ------------------------------------------------------------ 17 DirichletMultinomialNll
        // Domain: statistics / compositional count data (e.g. microbiome, topic counts).
        // Computes the negative log-likelihood of a Dirichlet-multinomial regression: per-sample concentration
        // parameters alpha_k = exp(x . coef_k); the gamma-function ratios are evaluated exactly as log rising
        // factorials because the counts are integers, and the multinomial coefficient is included.
        // Idioms: int[,] count matrix, tuple-returning helper (array + total) with deconstruction, data-dependent
        // loop bounds, early return in a helper for zero counts, LogFactorial helper, nameof list.

        [Differentiable(nameof(coef))]
        public static double DirichletMultinomialNll(int[,] counts, double[,] covariates, double[,] coef)
        {
            int n = counts.GetLength(0), k = counts.GetLength(1);
            if (covariates.GetLength(0) != n)
                throw new ArgumentException("row count mismatch between counts and covariates");
            if (coef.GetLength(0) != k || coef.GetLength(1) != covariates.GetLength(1))
                throw new ArgumentException("coef must be categories x covariates", nameof(coef));

            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                var (alpha, alphaSum) = Concentrations(covariates, i, coef);

                int total = 0;
                double ll = 0.0;
                for (int c = 0; c < k; c++)
                {
                    int y = counts[i, c];
                    total += y;
                    ll += LogRisingFactorial(alpha[c], y) - LogFactorial(y);
                }
                ll += LogFactorial(total) - LogRisingFactorial(alphaSum, total);
                nll -= ll;
            }
            return nll;
        }

        private static (double[] Alpha, double Sum) Concentrations(double[,] x, int row, double[,] coef)
        {
            int k = coef.GetLength(0), p = coef.GetLength(1);
            var alpha = new double[k];
            double sum = 0.0;
            for (int c = 0; c < k; c++)
            {
                double eta = 0.0;
                for (int j = 0; j < p; j++) eta += x[row, j] * coef[c, j];
                alpha[c] = Math.Exp(eta);
                sum += alpha[c];
            }
            return (alpha, sum);
        }

        // log Gamma(a + m) - log Gamma(a) for integer m >= 0
        private static double LogRisingFactorial(double a, int m)
        {
            if (m == 0) return 0.0;
            double s = 0.0;
            for (int j = 0; j < m; j++) s += Math.Log(a + j);
            return s;
        }

        private static double LogFactorial(int m)
        {
            double s = 0.0;
            for (int j = 2; j <= m; j++) s += Math.Log(j);
            return s;
        }

        // ------------------------------------------------------------ 18 GaussianCopulaNll
        // Domain: statistics / dependence modelling.
        // Computes the negative log-likelihood of a Gaussian copula for pseudo-observations u in (0,1)^d.
        // The correlation matrix is R = D^-1/2 L L^T D^-1/2 with L unit-lower-triangular (free entries are the
        // parameters); scores z = Phi^-1(u) use Acklam's rational approximation, and the density
        // -1/2 log|R| - 1/2 z^T (R^-1 - I) z is evaluated through a Cholesky factor and forward substitution.
        // Idioms: Cholesky helper with an `out` log-determinant, ?: chain in the inverse CDF, static readonly
        // coefficient tables, double[,] everywhere, guard clause throwing ArgumentException for non-PD input.

        private static readonly double[] A = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
        private static readonly double[] B = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
        private static readonly double[] C = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
        private static readonly double[] D = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };

        [Differentiable(nameof(lowerRaw))]
        public static double GaussianCopulaNll(double[,] u, double[,] lowerRaw)
        {
            int n = u.GetLength(0), d = u.GetLength(1);
            if (lowerRaw.GetLength(0) != d || lowerRaw.GetLength(1) != d)
                throw new ArgumentException("lowerRaw must be d x d", nameof(lowerRaw));

            // S = L L^T with unit diagonal L; only the strict lower triangle of lowerRaw is used
            var l = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                    l[i, j] = i == j ? 1.0 : lowerRaw[i, j];

            var corr = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = 0.0;
                    for (int k = 0; k <= Math.Min(i, j); k++) s += l[i, k] * l[j, k];
                    corr[i, j] = s;
                }
            var scale = new double[d];
            for (int i = 0; i < d; i++) scale[i] = 1.0 / Math.Sqrt(corr[i, i]);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    corr[i, j] *= scale[i] * scale[j];

            var chol = Cholesky(corr, out double logDet);

            double nll = 0.0;
            var z = new double[d];
            var w = new double[d];
            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < d; i++) z[i] = InverseNormalCdf(u[r, i]);

                double quad = 0.0, zz = 0.0;
                for (int i = 0; i < d; i++)
                {
                    double s = z[i];
                    for (int k = 0; k < i; k++) s -= chol[i, k] * w[k];
                    w[i] = s / chol[i, i];
                    quad += w[i] * w[i];
                    zz += z[i] * z[i];
                }
                nll += 0.5 * logDet + 0.5 * (quad - zz);
            }
            return nll;
        }

        private static double[,] Cholesky(double[,] a, out double logDet)
        {
            int n = a.GetLength(0);
            var l = new double[n, n];
            logDet = 0.0;
            for (int j = 0; j < n; j++)
            {
                double diag = a[j, j];
                for (int k = 0; k < j; k++) diag -= l[j, k] * l[j, k];
                if (diag <= 0.0)
                    throw new ArgumentException("matrix is not positive definite");
                l[j, j] = Math.Sqrt(diag);
                logDet += Math.Log(diag);
                for (int i = j + 1; i < n; i++)
                {
                    double s = a[i, j];
                    for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                    l[i, j] = s / l[j, j];
                }
            }
            return l;
        }

        private static double InverseNormalCdf(double p)
        {
            const double pLow = 0.02425;
            return p < pLow ? Tail(p)
                 : p > 1.0 - pLow ? -Tail(1.0 - p)
                 : Central(p - 0.5);
        }

        private static double Tail(double p)
        {
            double t = Math.Sqrt(-2.0 * Math.Log(p));
            return (((((C[0] * t + C[1]) * t + C[2]) * t + C[3]) * t + C[4]) * t + C[5]) /
                   ((((D[0] * t + D[1]) * t + D[2]) * t + D[3]) * t + 1.0);
        }

        private static double Central(double q)
        {
            double r = q * q;
            return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
                   (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0);
        }

        // ------------------------------------------------------------ 19 SpringNetworkEnergy
        // Domain: physics / mass-spring systems.
        // Computes the total potential energy of a 2-D elastic spring network: Hookean springs between node
        // pairs, gravitational potential of point masses, and stiff quadratic penalties that pin some nodes
        // to anchor points (used as the objective of a static-equilibrium solve).
        // Idioms: nested readonly struct Vec2 with operator overloads and a Length property, tuple array
        // (int A, int B)[] for the edge list, deconstruction, local function reading a double[,], const.

        private const double PinStiffness = 1e4;

        public readonly struct Vec2
        {
            public readonly double X;
            public readonly double Y;

            public Vec2(double x, double y)
            {
                X = x;
                Y = y;
            }

            public static Vec2 operator +(Vec2 a, Vec2 b) => new Vec2(a.X + b.X, a.Y + b.Y);
            public static Vec2 operator -(Vec2 a, Vec2 b) => new Vec2(a.X - b.X, a.Y - b.Y);
            public static Vec2 operator *(double s, Vec2 a) => new Vec2(s * a.X, s * a.Y);
            public double Dot(Vec2 other) => X * other.X + Y * other.Y;
            public double Length => Math.Sqrt(X * X + Y * Y);
        }

        [Differentiable(nameof(positions))]
        public static double SpringNetworkEnergy(double[,] positions, (int A, int B)[] springs, double[] restLengths,
            double stiffness, double[] masses, double gravity, int[] pinned, double[,] anchors)
        {
            int n = positions.GetLength(0);
            if (springs.Length != restLengths.Length)
                throw new ArgumentException("one rest length per spring expected", nameof(restLengths));
            if (masses.Length != n)
                throw new ArgumentException("one mass per node expected", nameof(masses));

            Vec2 At(int i) => new Vec2(positions[i, 0], positions[i, 1]);

            double elastic = 0.0;
            for (int s = 0; s < springs.Length; s++)
            {
                var (a, b) = springs[s];
                double stretch = (At(b) - At(a)).Length - restLengths[s];
                elastic += 0.5 * stiffness * stretch * stretch;
            }

            double potential = 0.0;
            for (int i = 0; i < n; i++)
                potential += masses[i] * gravity * positions[i, 1];

            double pins = 0.0;
            for (int p = 0; p < pinned.Length; p++)
            {
                Vec2 offset = At(pinned[p]) - new Vec2(anchors[p, 0], anchors[p, 1]);
                pins += 0.5 * PinStiffness * offset.Dot(offset);
            }

            return elastic + potential + pins;
        }

        // ------------------------------------------------------------ 20 OrbitFitLoss
        // Domain: physics / celestial mechanics (orbit determination).
        // Computes the mean squared position residual between observed 2-D positions of a body and a Kepler
        // two-body trajectory integrated with classical RK4 from a parameterised initial state and log(GM);
        // the integrator takes fixed steps, shortened to land exactly on each observation time.
        // Idioms: RK4 helper returning a new state array, local function for the derivative, helper that
        // builds y + h*k, Clone() of an input array, while loop advancing time with Math.Min, nameof list.

        [Differentiable(nameof(logGm), nameof(initialState))]
        public static double OrbitFitLoss(double logGm, double[] initialState, double[] observationTimes,
            double[,] observedPositions, double maxStep)
        {
            if (initialState.Length != 4)
                throw new ArgumentException("state is (x, y, vx, vy)", nameof(initialState));

            double gm = Math.Exp(logGm);
            var state = (double[])initialState.Clone();
            double t = 0.0;
            double loss = 0.0;

            for (int k = 0; k < observationTimes.Length; k++)
            {
                while (t < observationTimes[k] - 1e-12)
                {
                    double h = Math.Min(maxStep, observationTimes[k] - t);
                    state = Rk4Step(state, h, gm);
                    t += h;
                }
                double dx = state[0] - observedPositions[k, 0];
                double dy = state[1] - observedPositions[k, 1];
                loss += dx * dx + dy * dy;
            }
            return loss / observationTimes.Length;
        }

        private static double[] Rk4Step(double[] s, double h, double gm)
        {
            double[] Deriv(double[] y)
            {
                double r2 = y[0] * y[0] + y[1] * y[1];
                double r3 = r2 * Math.Sqrt(r2);
                return new[] { y[2], y[3], -gm * y[0] / r3, -gm * y[1] / r3 };
            }

            var k1 = Deriv(s);
            var k2 = Deriv(AddScaled(s, k1, 0.5 * h));
            var k3 = Deriv(AddScaled(s, k2, 0.5 * h));
            var k4 = Deriv(AddScaled(s, k3, h));

            var next = new double[s.Length];
            for (int i = 0; i < s.Length; i++)
                next[i] = s[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
            return next;
        }

        private static double[] AddScaled(double[] y, double[] k, double h)
        {
            var r = new double[y.Length];
            for (int i = 0; i < y.Length; i++) r[i] = y[i] + h * k[i];
            return r;
        }

        // ------------------------------------------------------------ 21 HeatDiffusivityLoss
        // Domain: physics / inverse heat conduction.
        // Computes the misfit between a final temperature profile and the result of explicit (FTCS) time
        // stepping of the 1-D heat equation with a spatially varying diffusivity kappa = exp(logKappa)
        // (face values by arithmetic averaging, fixed-temperature ends), plus a first-difference smoothness
        // penalty on logKappa.
        // Idioms: float arrays with MathF, double-buffered arrays swapped with a tuple assignment,
        // Clone() of the initial condition, LINQ Select/Max on float[], CFL guard clause, double accumulation.

        [Differentiable(nameof(logKappa))]
        public static double HeatDiffusivityLoss(float[] logKappa, float[] initial, float[] observedFinal,
            int steps, float dt, float dx, float smoothness)
        {
            int n = initial.Length;
            if (logKappa.Length != n || observedFinal.Length != n)
                throw new ArgumentException("all profiles must have the same number of cells");

            var kappa = logKappa.Select(MathF.Exp).ToArray();
            float invDx2 = 1f / (dx * dx);
            if (dt * kappa.Max() * invDx2 > 0.5f)
                throw new ArgumentException("explicit scheme is unstable for this time step", nameof(dt));

            var u = (float[])initial.Clone();
            var next = new float[n];
            for (int step = 0; step < steps; step++)
            {
                next[0] = u[0];
                next[n - 1] = u[n - 1];
                for (int i = 1; i < n - 1; i++)
                {
                    float kLeft = 0.5f * (kappa[i - 1] + kappa[i]);
                    float kRight = 0.5f * (kappa[i] + kappa[i + 1]);
                    float flux = kRight * (u[i + 1] - u[i]) - kLeft * (u[i] - u[i - 1]);
                    next[i] = u[i] + dt * invDx2 * flux;
                }
                (u, next) = (next, u);
            }

            double misfit = 0.0;
            for (int i = 0; i < n; i++)
            {
                float r = u[i] - observedFinal[i];
                misfit += r * r;
            }

            double roughness = 0.0;
            for (int i = 1; i < n; i++)
            {
                float d = logKappa[i] - logKappa[i - 1];
                roughness += d * d;
            }
            return misfit + smoothness * roughness;
        }

        // ------------------------------------------------------------ 24 RcCircuitFitLoss
        // Domain: engineering / circuit identification.
        // Computes the mean squared error between measured capacitor voltages of a series RC circuit and a
        // simulation (Heun's method, fixed number of substeps between samples) driven by a step, ramp or sine
        // source; R and C are fitted on a log scale.
        // Idioms: ReadOnlySpan<double> parameters, enum + classic switch statement with default throw,
        // static readonly constants, nameof list, helper with several scalar arguments, guard clauses.

        public enum SourceWaveform { Step, Ramp, Sine }

        private static readonly double RampTime = 2e-3;
        private static readonly double SineFrequency = 250.0;

        [Differentiable(nameof(logR), nameof(logC))]
        public static double RcCircuitFitLoss(ReadOnlySpan<double> times, ReadOnlySpan<double> measured,
            double logR, double logC, double amplitude, SourceWaveform waveform, int substeps)
        {
            if (times.Length != measured.Length)
                throw new ArgumentException("times and measurements differ in length");
            if (substeps <= 0)
                throw new ArgumentException("substeps must be positive", nameof(substeps));

            double invTau = Math.Exp(-(logR + logC));   // 1 / (R C)
            double v = 0.0, t = 0.0;
            double sse = 0.0;

            for (int k = 0; k < times.Length; k++)
            {
                double h = (times[k] - t) / substeps;
                for (int s = 0; s < substeps; s++)
                {
                    double f1 = (Source(t, amplitude, waveform) - v) * invTau;
                    double vPred = v + h * f1;
                    double f2 = (Source(t + h, amplitude, waveform) - vPred) * invTau;
                    v += 0.5 * h * (f1 + f2);
                    t += h;
                }
                double r = v - measured[k];
                sse += r * r;
            }
            return sse / times.Length;
        }

        private static double Source(double t, double amplitude, SourceWaveform waveform)
        {
            switch (waveform)
            {
                case SourceWaveform.Step:
                    return amplitude;
                case SourceWaveform.Ramp:
                    return amplitude * Math.Min(1.0, t / RampTime);
                case SourceWaveform.Sine:
                    return amplitude * Math.Sin(2.0 * Math.PI * SineFrequency * t);
                default:
                    throw new ArgumentOutOfRangeException(nameof(waveform));
            }
        }

        // ------------------------------------------------------------ 25 BinomialVolFitLoss
        // Domain: quantitative finance / option pricing.
        // Computes the squared relative pricing error of a single volatility across a strip of American calls
        // and puts, each priced on a Cox-Ross-Rubinstein binomial tree with a continuous dividend yield and
        // early exercise checked at every node (backward induction).
        // Idioms: scratch array allocated per option inside the loop, local function for the payoff capturing
        // loop variables, Math.Pow/Exp/Max, backward for loop with a decreasing counter, bool[] flags, nameof.

        [Differentiable(nameof(sigma))]
        public static double BinomialVolFitLoss(double spot, double rate, double dividendYield,
            double[] strikes, double[] maturities, bool[] isCall, double[] marketPrices, double sigma, int steps)
        {
            int count = strikes.Length;
            if (maturities.Length != count || isCall.Length != count || marketPrices.Length != count)
                throw new ArgumentException("option description arrays must have equal length");
            if (steps < 1)
                throw new ArgumentException("need at least one tree step", nameof(steps));

            double loss = 0.0;
            for (int o = 0; o < count; o++)
            {
                double strike = strikes[o];
                bool call = isCall[o];
                double Payoff(double s) => call ? Math.Max(s - strike, 0.0) : Math.Max(strike - s, 0.0);

                double dt = maturities[o] / steps;
                double up = Math.Exp(sigma * Math.Sqrt(dt));
                double down = 1.0 / up;
                double growth = Math.Exp((rate - dividendYield) * dt);
                double pUp = (growth - down) / (up - down);
                double discount = Math.Exp(-rate * dt);

                var values = new double[steps + 1];
                for (int i = 0; i <= steps; i++)
                    values[i] = Payoff(spot * Math.Pow(up, 2 * i - steps));

                for (int level = steps - 1; level >= 0; level--)
                {
                    for (int i = 0; i <= level; i++)
                    {
                        double continuation = discount * (pUp * values[i + 1] + (1.0 - pUp) * values[i]);
                        double exercise = Payoff(spot * Math.Pow(up, 2 * i - level));
                        values[i] = Math.Max(continuation, exercise);
                    }
                }

                double rel = (values[0] - marketPrices[o]) / marketPrices[o];
                loss += rel * rel;
            }
            return loss / count;
        }

        // ------------------------------------------------------------ 26 RiskParityObjective
        // Domain: finance / portfolio construction.
        // Computes a risk-budgeting objective: long-only weights from a softmax of logits, each asset's
        // fractional risk contribution w_i (Sigma w)_i / (w' Sigma w) is pushed towards its budget, with a
        // quadratic penalty on any weight above a concentration cap.
        // Idioms: LINQ throughout (Max, Select, Sum, Zip, Range, Where, ToArray, ToList, Select with index),
        // lambdas capturing locals, double[,] covariance, guard clause with ArgumentException.

        [Differentiable(nameof(logits))]
        public static double RiskParityObjective(double[] logits, double[,] covariance, double[] riskBudget,
            double weightCap = 0.4, double capPenalty = 10.0)
        {
            int n = logits.Length;
            if (covariance.GetLength(0) != n || covariance.GetLength(1) != n || riskBudget.Length != n)
                throw new ArgumentException("dimension mismatch between logits, covariance and budget");

            double maxLogit = logits.Max();
            var expW = logits.Select(l => Math.Exp(l - maxLogit)).ToArray();
            double norm = expW.Sum();
            var w = expW.Select(e => e / norm).ToArray();

            var sigmaW = Enumerable.Range(0, n)
                .Select(i => Enumerable.Range(0, n).Sum(j => covariance[i, j] * w[j]))
                .ToArray();
            double variance = w.Zip(sigmaW, (a, b) => a * b).Sum();

            var contributions = w.Zip(sigmaW, (a, b) => a * b / variance).ToList();
            double budgetError = contributions
                .Select((rc, i) => (rc - riskBudget[i]) * (rc - riskBudget[i]))
                .Sum();

            double concentration = w.Where(x => x > weightCap).Sum(x => (x - weightCap) * (x - weightCap));

            return budgetError + capPenalty * concentration;
        }

        // ------------------------------------------------------------ 27 AffineWarpLoss
        // Domain: image processing / image registration.
        // Computes the mean squared intensity difference between a target image and a source image warped by
        // a 2x3 affine transform about the image centre; source intensities come from bilinear interpolation
        // and target pixels that map outside the source are skipped.
        // Idioms: double[,] images, Try-pattern helper with an `out` value and early return, Math.Floor + int
        // casts, Math.Clamp on indices, `continue`, ?: on the final average, guard clause.

        [Differentiable(nameof(theta))]
        public static double AffineWarpLoss(double[,] source, double[,] target, double[] theta)
        {
            if (theta.Length != 6)
                throw new ArgumentException("affine transform needs 6 parameters", nameof(theta));

            int height = target.GetLength(0), width = target.GetLength(1);
            double cx = 0.5 * (width - 1), cy = 0.5 * (height - 1);

            double sse = 0.0;
            int used = 0;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double xc = x - cx, yc = y - cy;
                    double sx = theta[0] * xc + theta[1] * yc + theta[2] + cx;
                    double sy = theta[3] * xc + theta[4] * yc + theta[5] + cy;

                    if (!TrySampleBilinear(source, sx, sy, out double value))
                        continue;

                    double diff = value - target[y, x];
                    sse += diff * diff;
                    used++;
                }
            }
            return used > 0 ? sse / used : 0.0;
        }

        private static bool TrySampleBilinear(double[,] image, double x, double y, out double value)
        {
            int h = image.GetLength(0), w = image.GetLength(1);
            if (x < 0.0 || y < 0.0 || x > w - 1 || y > h - 1)
            {
                value = 0.0;
                return false;
            }

            int x0 = (int)Math.Floor(x);
            int y0 = (int)Math.Floor(y);
            int x1 = Math.Clamp(x0 + 1, 0, w - 1);
            int y1 = Math.Clamp(y0 + 1, 0, h - 1);
            double fx = x - x0, fy = y - y0;

            value = (1.0 - fx) * (1.0 - fy) * image[y0, x0]
                  + fx * (1.0 - fy) * image[y0, x1]
                  + (1.0 - fx) * fy * image[y1, x0]
                  + fx * fy * image[y1, x1];
            return true;
        }
    }
}
