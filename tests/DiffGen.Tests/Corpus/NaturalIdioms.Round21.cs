using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 21: the ninth probe batch, 30 functions (12 in deep-learning style) written by a helper who had not seen DiffGen's
    /// documentation; 13 accepted as written at first, 22 after this round's parser changes (2-D array
    /// initializers, local arrays given new arrays, helpers returning tuples with arrays, Where in reductions, rows.Select,
    /// 'is double v' on nullables, per-row sizes through subtraction and division, span views), here as written. The optional
    /// weights of OrderedLogitNegLogLik are declared double[]? (nullable warnings are errors here); no parameter needed
    /// [Constant].
    /// Still rejected: LayerNormAttentionBlock and InfoNceQueueLoss (jagged locals made by rows.Select(helper).ToArray(); a
    /// List made by Select().ToList()), AnchorSmoothL1Loss (a local array of a struct not built element by element),
    /// CoxPartialLikelihood (an argsort written as Enumerable.Range(0, n).ToArray() then Array.Sort with a comparison), PendulumChainRk4Loss (a stackalloc span
    /// with an initializer), TrussStrainEnergy (a List of records), BatteryEcmFitLoss (Reverse().Aggregate()),
    /// SoftRasterizerSilhouetteLoss (a local array of (double X, double Y) tuples computed from the vertices: tuple arrays are
    /// data).
    /// </summary>
    public static partial class NaturalRound21
    {
        /// <summary>
        /// Mean token cross-entropy of a single-layer LSTM language model run with teacher forcing.
        /// Gate weights are stacked as [input, forget, cell, output] blocks of size hidden.
        /// </summary>
        [Differentiable]
        public static double LstmLanguageModelLoss(
            double[][] embedding,   // [vocab][embDim]
            double[,] wx,           // [4*hidden, embDim]
            double[,] wh,           // [4*hidden, hidden]
            double[] bias,          // [4*hidden]
            double[,] wOut,         // [vocab, hidden]
            double[] bOut,          // [vocab]
            int[] tokens,
            int padToken = -1)
        {
            if (tokens == null || tokens.Length < 2)
                throw new ArgumentException("Need at least two tokens for next-token prediction.", nameof(tokens));
            int vocab = embedding.Length;
            int embDim = embedding[0].Length;
            int hidden = wh.GetLength(1);
            if (wx.GetLength(0) != 4 * hidden || bias.Length != 4 * hidden)
                throw new ArgumentException("Gate weight shapes do not match hidden size.");

            double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

            var h = new double[hidden];
            var c = new double[hidden];
            double totalNll = 0.0;
            int counted = 0;

            for (int t = 0; t < tokens.Length - 1; t++)
            {
                int cur = tokens[t];
                int next = tokens[t + 1];
                double[] x = embedding[cur];

                // pre-activations for all four gates
                var gates = new double[4 * hidden];
                for (int g = 0; g < 4 * hidden; g++)
                {
                    double s = bias[g];
                    for (int k = 0; k < embDim; k++) s += wx[g, k] * x[k];
                    for (int k = 0; k < hidden; k++) s += wh[g, k] * h[k];
                    gates[g] = s;
                }

                var hNew = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double ig = Sigmoid(gates[j]);
                    double fg = Sigmoid(gates[hidden + j] + 1.0); // forget-gate bias trick
                    double cg = Math.Tanh(gates[2 * hidden + j]);
                    double og = Sigmoid(gates[3 * hidden + j]);
                    c[j] = fg * c[j] + ig * cg;
                    hNew[j] = og * Math.Tanh(c[j]);
                }
                h = hNew;

                if (next == padToken) continue;

                // logits and stable log-softmax
                var logits = new double[vocab];
                double maxLogit = double.NegativeInfinity;
                for (int v = 0; v < vocab; v++)
                {
                    double s = bOut[v];
                    for (int k = 0; k < hidden; k++) s += wOut[v, k] * h[k];
                    logits[v] = s;
                    if (s > maxLogit) maxLogit = s;
                }
                double sumExp = 0.0;
                for (int v = 0; v < vocab; v++) sumExp += Math.Exp(logits[v] - maxLogit);
                totalNll += -(logits[next] - maxLogit - Math.Log(sumExp));
                counted++;
            }

            return counted == 0 ? 0.0 : totalNll / counted;
        }

        /// <summary>
        /// Sigmoid focal loss (RetinaNet style) over anchors x classes.
        /// labels[a] = class index for positive anchors, -1 for background, -2 for ignored anchors.
        /// Normalised by the number of positive anchors.
        /// </summary>
        [Differentiable]
        public static double FocalDetectionLoss(
            double[,] logits,   // [numAnchors, numClasses]
            int[] labels,
            double alpha = 0.25,
            double gamma = 2.0)
        {
            int numAnchors = logits.GetLength(0);
            int numClasses = logits.GetLength(1);
            if (labels.Length != numAnchors)
                throw new ArgumentException("labels must have one entry per anchor.", nameof(labels));
            if (alpha <= 0.0 || alpha >= 1.0)
                throw new ArgumentException("alpha must be in (0, 1).", nameof(alpha));

            const int Ignore = -2;
            double total = 0.0;
            int numPositives = 0;

            for (int a = 0; a < numAnchors; a++)
            {
                int label = labels[a];
                if (label == Ignore) continue;
                if (label >= 0) numPositives++;

                for (int c = 0; c < numClasses; c++)
                {
                    double z = logits[a, c];
                    double p = 1.0 / (1.0 + Math.Exp(-z));
                    bool isTarget = label == c;

                    // numerically stable BCE with logits
                    double ce = Math.Max(z, 0.0) - (isTarget ? z : 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(z)));
                    double pt = isTarget ? p : 1.0 - p;
                    double alphaT = isTarget ? alpha : 1.0 - alpha;
                    total += alphaT * Math.Pow(1.0 - pt, gamma) * ce;
                }
            }

            return total / Math.Max(1, numPositives);
        }

        /// <summary>
        /// Hinton knowledge distillation: alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(student, label).
        /// </summary>
        [Differentiable]
        public static double DistillationLoss(
            double[][] studentLogits,   // [batch][classes]
            double[][] teacherLogits,   // [batch][classes]
            int[] labels,
            double temperature = 4.0,
            double alpha = 0.9)
        {
            int batch = studentLogits.Length;
            if (batch == 0) throw new ArgumentException("Empty batch.", nameof(studentLogits));
            if (teacherLogits.Length != batch || labels.Length != batch)
                throw new ArgumentException("Batch sizes differ.");

            double softTotal = 0.0, hardTotal = 0.0;
            for (int b = 0; b < batch; b++)
            {
                var (sLogProbT, _) = DistillLogSoftmax(studentLogits[b], temperature);
                var (tLogProbT, tProbT) = DistillLogSoftmax(teacherLogits[b], temperature);

                double kl = 0.0;
                for (int c = 0; c < sLogProbT.Length; c++)
                {
                    if (tProbT[c] < 1e-12) continue; // 0 * log 0 contributes nothing
                    kl += tProbT[c] * (tLogProbT[c] - sLogProbT[c]);
                }
                softTotal += kl;

                var (sLogProb, _) = DistillLogSoftmax(studentLogits[b], 1.0);
                hardTotal -= sLogProb[labels[b]];
            }

            double t2 = temperature * temperature;
            return (alpha * t2 * softTotal + (1.0 - alpha) * hardTotal) / batch;
        }

        private static (double[] logProbs, double[] probs) DistillLogSoftmax(double[] logits, double temperature)
        {
            int n = logits.Length;
            var scaled = new double[n];
            double max = double.MinValue;
            for (int i = 0; i < n; i++)
            {
                scaled[i] = logits[i] / temperature;
                max = Math.Max(max, scaled[i]);
            }
            double lse = max + Math.Log(scaled.Sum(s => Math.Exp(s - max)));
            var logProbs = scaled.Select(s => s - lse).ToArray();
            var probs = logProbs.Select(Math.Exp).ToArray();
            return (logProbs, probs);
        }

        public readonly record struct VaeElboConfig(double Beta, bool BernoulliDecoder, double ObsNoiseStd);

        /// <summary>
        /// Negative ELBO of a one-hidden-layer VAE for a mini-batch. The reparameterisation noise
        /// is passed in (eps), so the function is deterministic.
        /// </summary>
        [Differentiable]
        public static double VaeElbo(
            double[][] x,          // [batch][inputDim]
            double[][] eps,        // [batch][latentDim], standard normal noise
            double[,] wEnc, double[] bEnc,       // [hidden, inputDim]
            double[,] wMu, double[] bMu,         // [latent, hidden]
            double[,] wLogVar, double[] bLogVar, // [latent, hidden]
            double[,] wDec, double[] bDec,       // [inputDim, latent]
            VaeElboConfig config)
        {
            int batch = x.Length;
            if (batch == 0) throw new ArgumentException("Empty batch.", nameof(x));
            int inputDim = x[0].Length;
            int hidden = wEnc.GetLength(0);
            int latent = wMu.GetLength(0);
            if (eps.Length != batch || eps[0].Length != latent)
                throw new ArgumentException("eps must be [batch][latent].", nameof(eps));

            double totalRecon = 0.0, totalKl = 0.0;
            for (int b = 0; b < batch; b++)
            {
                // encoder
                var h = new double[hidden];
                for (int i = 0; i < hidden; i++)
                {
                    double s = bEnc[i];
                    for (int j = 0; j < inputDim; j++) s += wEnc[i, j] * x[b][j];
                    h[i] = Math.Max(0.0, s); // ReLU
                }

                var z = new double[latent];
                for (int l = 0; l < latent; l++)
                {
                    double mu = bMu[l], logVar = bLogVar[l];
                    for (int i = 0; i < hidden; i++)
                    {
                        mu += wMu[l, i] * h[i];
                        logVar += wLogVar[l, i] * h[i];
                    }
                    logVar = Math.Clamp(logVar, -10.0, 10.0);
                    z[l] = mu + Math.Exp(0.5 * logVar) * eps[b][l];
                    totalKl += -0.5 * (1.0 + logVar - mu * mu - Math.Exp(logVar));
                }

                // decoder
                for (int j = 0; j < inputDim; j++)
                {
                    double logit = bDec[j];
                    for (int l = 0; l < latent; l++) logit += wDec[j, l] * z[l];

                    if (config.BernoulliDecoder)
                    {
                        // -log p(x|z) for Bernoulli with logits (x treated as probability target)
                        double target = x[b][j];
                        totalRecon += Math.Max(logit, 0) - logit * target + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
                    }
                    else
                    {
                        double r = (x[b][j] - logit) / config.ObsNoiseStd;
                        totalRecon += 0.5 * r * r + Math.Log(config.ObsNoiseStd) + 0.5 * Math.Log(2 * Math.PI);
                    }
                }
            }

            return (totalRecon + config.Beta * totalKl) / batch;
        }

        /// <summary>
        /// 1-D convolution (valid padding, stride 1) -> ReLU -> max-pool -> dense -> softmax cross-entropy.
        /// Used e.g. for classifying short multichannel sensor windows.
        /// </summary>
        [Differentiable]
        public static double Conv1dMaxPoolClassifier(
            double[][,] signals,     // [batch] of [inChannels, length]
            int[] labels,
            double[,,] kernels,      // [outChannels, inChannels, kernelSize]
            double[] convBias,       // [outChannels]
            double[,] denseW,        // [numClasses, outChannels * pooledLength]
            double[] denseB,
            int poolSize = 2)
        {
            if (signals.Length != labels.Length)
                throw new ArgumentException("One label per signal required.", nameof(labels));
            if (poolSize < 1) throw new ArgumentException("poolSize must be >= 1.", nameof(poolSize));

            int outCh = kernels.GetLength(0), inCh = kernels.GetLength(1), ks = kernels.GetLength(2);
            int numClasses = denseW.GetLength(0);
            double loss = 0.0;

            for (int n = 0; n < signals.Length; n++)
            {
                double[,] sig = signals[n];
                int len = sig.GetLength(1);
                int convLen = len - ks + 1;
                int pooledLen = convLen / poolSize;
                if (outCh * pooledLen != denseW.GetLength(1))
                    throw new ArgumentException("Dense layer width does not match pooled feature size.");

                var features = new double[outCh * pooledLen];
                for (int oc = 0; oc < outCh; oc++)
                {
                    var conv = new double[convLen];
                    for (int t = 0; t < convLen; t++)
                    {
                        double acc = convBias[oc];
                        for (int ic = 0; ic < inCh; ic++)
                            for (int k = 0; k < ks; k++)
                                acc += kernels[oc, ic, k] * sig[ic, t + k];
                        conv[t] = acc > 0 ? acc : 0.0;
                    }

                    for (int p = 0; p < pooledLen; p++)
                    {
                        int best = p * poolSize;
                        for (int q = p * poolSize + 1; q < (p + 1) * poolSize; q++)
                            if (conv[q] > conv[best]) best = q;
                        features[oc * pooledLen + p] = conv[best];
                    }
                }

                var logits = new double[numClasses];
                for (int c = 0; c < numClasses; c++)
                {
                    logits[c] = denseB[c];
                    for (int f = 0; f < features.Length; f++) logits[c] += denseW[c, f] * features[f];
                }
                double m = logits.Max();
                double lse = m + Math.Log(logits.Sum(l => Math.Exp(l - m)));
                loss += lse - logits[labels[n]];
            }

            return loss / signals.Length;
        }

        /// <summary>
        /// Linear layer followed by batch normalisation in training mode (batch statistics,
        /// biased variance), a tanh nonlinearity and a linear regression head. Returns MSE.
        /// </summary>
        [Differentiable]
        public static double BatchNormTrainingLoss(
            double[,] inputs,      // [batch, inFeatures]
            double[] targets,      // [batch]
            double[,] w1,          // [inFeatures, hidden]
            double[] bnGamma, double[] bnBeta,
            double[] w2, double b2,
            double epsilon = 1e-5)
        {
            int batch = inputs.GetLength(0);
            int inF = inputs.GetLength(1);
            int hidden = w1.GetLength(1);
            if (batch < 2) throw new ArgumentException("Batch norm needs at least two samples.", nameof(inputs));
            if (targets.Length != batch) throw new ArgumentException("targets length mismatch.", nameof(targets));

            var pre = new double[batch, hidden];
            for (int n = 0; n < batch; n++)
                for (int j = 0; j < hidden; j++)
                {
                    double s = 0.0;
                    for (int i = 0; i < inF; i++) s += inputs[n, i] * w1[i, j];
                    pre[n, j] = s;
                }

            // per-feature batch statistics
            var mean = new double[hidden];
            var variance = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                for (int n = 0; n < batch; n++) mean[j] += pre[n, j];
                mean[j] /= batch;
                for (int n = 0; n < batch; n++)
                {
                    double d = pre[n, j] - mean[j];
                    variance[j] += d * d;
                }
                variance[j] /= batch;
            }

            double sse = 0.0;
            for (int n = 0; n < batch; n++)
            {
                double yHat = b2;
                for (int j = 0; j < hidden; j++)
                {
                    double xHat = (pre[n, j] - mean[j]) / Math.Sqrt(variance[j] + epsilon);
                    double act = Math.Tanh(bnGamma[j] * xHat + bnBeta[j]);
                    yHat += w2[j] * act;
                }
                double r = yHat - targets[n];
                sse += r * r;
            }
            return sse / batch;
        }

        /// <summary>
        /// ArcFace additive angular margin loss. Embeddings and class centres are L2-normalised,
        /// the target logit becomes s * cos(theta + m), with the usual "easy margin" fallback.
        /// </summary>
        [Differentiable]
        public static double ArcFaceLoss(
            double[][] embeddings,   // [batch][dim]
            double[][] classCenters, // [numClasses][dim]
            int[] labels,
            double scale = 64.0,
            double margin = 0.5)
        {
            if (embeddings.Length != labels.Length)
                throw new ArgumentException("labels must match batch size.", nameof(labels));
            if (classCenters.Length < 2)
                throw new ArgumentException("Need at least two classes.", nameof(classCenters));

            double cosM = Math.Cos(margin), sinM = Math.Sin(margin);
            double threshold = Math.Cos(Math.PI - margin);
            double mm = Math.Sin(Math.PI - margin) * margin;

            double[] centerNorms = classCenters.Select(c => Math.Sqrt(c.Sum(v => v * v)) + 1e-12).ToArray();
            double total = 0.0;

            for (int i = 0; i < embeddings.Length; i++)
            {
                double[] e = embeddings[i];
                double eNorm = Math.Sqrt(e.Sum(v => v * v)) + 1e-12;
                var logits = new double[classCenters.Length];

                for (int c = 0; c < classCenters.Length; c++)
                {
                    double dot = 0.0;
                    for (int d = 0; d < e.Length; d++) dot += e[d] * classCenters[c][d];
                    double cos = Math.Clamp(dot / (eNorm * centerNorms[c]), -1.0 + 1e-7, 1.0 - 1e-7);

                    if (c == labels[i])
                    {
                        double sin = Math.Sqrt(1.0 - cos * cos);
                        double phi = cos * cosM - sin * sinM; // cos(theta + m)
                        cos = cos > threshold ? phi : cos - mm;
                    }
                    logits[c] = scale * cos;
                }

                double max = logits.Max();
                double logSum = Math.Log(logits.Select(l => Math.Exp(l - max)).Sum()) + max;
                total += logSum - logits[labels[i]];
            }

            return total / embeddings.Length;
        }

        /// <summary>
        /// Multi-class soft overlap loss for semantic segmentation plus optional pixel-wise CE.
        /// mode: "dice", "iou" (soft Jaccard) or "tversky". Pixels with valid[p] == false are skipped.
        /// </summary>
        [Differentiable]
        public static double DiceSegmentationLoss(
            double[,] logits,       // [numPixels, numClasses]
            int[] labels,           // [numPixels]
            bool[] valid,           // [numPixels]
            string mode = "dice",
            double ceWeight = 0.5,
            double smooth = 1.0,
            double tverskyAlpha = 0.7)
        {
            int numPixels = logits.GetLength(0), numClasses = logits.GetLength(1);
            if (labels.Length != numPixels || valid.Length != numPixels)
                throw new ArgumentException("labels/valid must have one entry per pixel.");

            var intersection = new double[numClasses];
            var predSum = new double[numClasses];
            var targetSum = new double[numClasses];
            double ce = 0.0;
            int validCount = 0;
            var probs = new double[numClasses];

            for (int p = 0; p < numPixels; p++)
            {
                if (!valid[p]) continue;
                validCount++;

                double max = double.NegativeInfinity;
                for (int c = 0; c < numClasses; c++) max = Math.Max(max, logits[p, c]);
                double z = 0.0;
                for (int c = 0; c < numClasses; c++) { probs[c] = Math.Exp(logits[p, c] - max); z += probs[c]; }
                for (int c = 0; c < numClasses; c++) probs[c] /= z;

                ce -= Math.Log(probs[labels[p]] + 1e-12);
                for (int c = 0; c < numClasses; c++)
                {
                    double t = labels[p] == c ? 1.0 : 0.0;
                    intersection[c] += probs[c] * t;
                    predSum[c] += probs[c];
                    targetSum[c] += t;
                }
            }
            if (validCount == 0) return 0.0;

            double overlapLoss = 0.0;
            for (int c = 0; c < numClasses; c++)
            {
                double score;
                switch (mode)
                {
                    case "dice":
                        score = (2.0 * intersection[c] + smooth) / (predSum[c] + targetSum[c] + smooth);
                        break;
                    case "iou":
                        score = (intersection[c] + smooth) / (predSum[c] + targetSum[c] - intersection[c] + smooth);
                        break;
                    case "tversky":
                        double fp = predSum[c] - intersection[c];
                        double fn = targetSum[c] - intersection[c];
                        score = (intersection[c] + smooth) /
                                (intersection[c] + (1 - tverskyAlpha) * fp + tverskyAlpha * fn + smooth);
                        break;
                    default:
                        throw new ArgumentException($"Unknown mode '{mode}'.", nameof(mode));
                }
                overlapLoss += 1.0 - score;
            }

            return overlapLoss / numClasses + ceWeight * ce / validCount;
        }

        /// <summary>
        /// Negative log-likelihood of a mixture density network head with K diagonal Gaussians
        /// in D output dimensions. The raw network output per sample is laid out as
        /// [K mixture logits | K*D means | K*D raw scales], scales go through softplus.
        /// </summary>
        [Differentiable]
        public static double MixtureDensityLoss(
            double[][] rawOutputs,   // [batch][K + 2*K*D]
            double[][] targets,      // [batch][D]
            int numComponents,
            double minSigma = 1e-3)
        {
            if (rawOutputs.Length != targets.Length)
                throw new ArgumentException("batch size mismatch");
            if (numComponents < 1)
                throw new ArgumentException("numComponents must be positive", nameof(numComponents));
            int dim = targets[0].Length;
            int expected = numComponents + 2 * numComponents * dim;

            double Softplus(double v) => v > 20 ? v : Math.Log(1.0 + Math.Exp(v));
            const double Log2Pi = 1.8378770664093453;

            double nll = 0.0;
            for (int n = 0; n < rawOutputs.Length; n++)
            {
                double[] o = rawOutputs[n];
                if (o.Length != expected)
                    throw new ArgumentException($"Sample {n} has {o.Length} outputs, expected {expected}.");

                // log mixing weights
                var mixLogits = o.Take(numComponents).ToArray();
                double mMax = mixLogits.Max();
                double logZ = mMax + Math.Log(mixLogits.Sum(v => Math.Exp(v - mMax)));

                var componentLogLik = new double[numComponents];
                for (int k = 0; k < numComponents; k++)
                {
                    double ll = mixLogits[k] - logZ;
                    for (int d = 0; d < dim; d++)
                    {
                        double mu = o[numComponents + k * dim + d];
                        double sigma = Softplus(o[numComponents + numComponents * dim + k * dim + d]) + minSigma;
                        double zScore = (targets[n][d] - mu) / sigma;
                        ll += -0.5 * zScore * zScore - Math.Log(sigma) - 0.5 * Log2Pi;
                    }
                    componentLogLik[k] = ll;
                }

                double cMax = componentLogLik.Max();
                nll -= cMax + Math.Log(componentLogLik.Sum(v => Math.Exp(v - cMax)));
            }

            return nll / rawOutputs.Length;
        }

        /// <summary>
        /// Gaussian negative log-likelihood of a GARCH(1,1) model with constant mean.
        /// sigma2_t = omega + alpha * eps_{t-1}^2 + beta * sigma2_{t-1}; the recursion is started
        /// at the sample variance (backcast). Returns +inf-like penalty for non-stationary params.
        /// </summary>
        [Differentiable]
        public static double Garch11NegLogLik(
            double[] returns,
            double mu,
            double omega,
            double alpha,
            double beta,
            int burnIn = 0)
        {
            if (returns == null || returns.Length < 10)
                throw new ArgumentException("Need at least 10 observations.", nameof(returns));
            if (burnIn < 0 || burnIn >= returns.Length)
                throw new ArgumentException("Invalid burn-in.", nameof(burnIn));

            // soft penalty instead of hard rejection so optimisers can recover
            double penalty = 0.0;
            double persistence = alpha + beta;
            if (persistence >= 0.999) penalty += 1e4 * Math.Pow(persistence - 0.999, 2);
            if (omega <= 0) penalty += 1e4 * omega * omega;

            double meanRet = returns.Average();
            double backcast = returns.Select(r => (r - meanRet) * (r - meanRet)).Average();

            double sigma2 = backcast;
            double prevEps2 = backcast;
            double nll = 0.0;
            int t = 0;
            while (t < returns.Length)
            {
                sigma2 = Math.Abs(omega) + Math.Abs(alpha) * prevEps2 + Math.Abs(beta) * sigma2;
                sigma2 = Math.Max(sigma2, 1e-12);
                double eps = returns[t] - mu;
                if (t >= burnIn)
                    nll += 0.5 * (Math.Log(2 * Math.PI) + Math.Log(sigma2) + eps * eps / sigma2);
                prevEps2 = eps * eps;
                t++;
            }

            return nll + penalty;
        }

        /// <summary>
        /// Proportional-odds (ordered logit) model. Cut points are parameterised as
        /// c_0 = firstCut, c_j = c_{j-1} + exp(logGaps[j-1]) so they stay strictly increasing.
        /// y[i] in 0..K-1 where K = logGaps.Length + 2. Optional per-observation weights.
        /// </summary>
        [Differentiable]
        public static double OrderedLogitNegLogLik(
            double[,] x,           // [n, p]
            int[] y,
            double[] coef,         // [p]
            double firstCut,
            double[] logGaps,      // [K - 2]
            double[]? weights = null,
            double ridge = 0.0)
        {
            int n = x.GetLength(0), p = x.GetLength(1);
            if (y.Length != n) throw new ArgumentException("y length mismatch", nameof(y));
            if (coef.Length != p) throw new ArgumentException("coef length mismatch", nameof(coef));
            if (weights != null && weights.Length != n) throw new ArgumentException("weights length mismatch", nameof(weights));

            int numCats = logGaps.Length + 2;
            var cuts = new double[numCats - 1];
            cuts[0] = firstCut;
            for (int j = 1; j < cuts.Length; j++) cuts[j] = cuts[j - 1] + Math.Exp(logGaps[j - 1]);

            static double Logistic(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                int k = y[i];
                if (k < 0 || k >= numCats) throw new ArgumentException($"y[{i}]={k} out of range.");

                double eta = 0.0;
                for (int j = 0; j < p; j++) eta += x[i, j] * coef[j];

                double upper = k == numCats - 1 ? 1.0 : Logistic(cuts[k] - eta);
                double lower = k == 0 ? 0.0 : Logistic(cuts[k - 1] - eta);
                double prob = Math.Max(upper - lower, 1e-15);

                double w = weights?[i] ?? 1.0;
                nll -= w * Math.Log(prob);
            }

            nll += 0.5 * ridge * coef.Sum(b => b * b);
            return nll;
        }

        /// <summary>
        /// Negative log posterior of a varying-intercept regression
        ///   y_i ~ Normal(alpha + u[g_i] + x_i . beta, sigma),  u_g ~ Normal(0, tau)
        /// with Normal(0, 5) priors on alpha and beta and half-Cauchy(0, 2.5) priors on sigma and tau.
        /// sigma and tau are passed on the log scale (with the Jacobian term added).
        /// </summary>
        [Differentiable]
        public static double HierarchicalGroupOffsets(
            double[][] x,
            double[] y,
            int[] group,
            double alpha,
            double[] beta,
            double[] groupOffsets,
            double logSigma,
            double logTau,
            double priorScale = 5.0,
            double cauchyScale = 2.5)
        {
            int n = y.Length;
            int numGroups = groupOffsets.Length;
            if (x.Length != n || group.Length != n)
                throw new ArgumentException("x, y and group must have the same length.");
            if (group.Any(g => g < 0 || g >= numGroups))
                throw new ArgumentException("Group index out of range.", nameof(group));

            double sigma = Math.Exp(logSigma);
            double tau = Math.Exp(logTau);
            double lp = 0.0;

            // likelihood
            for (int i = 0; i < n; i++)
            {
                double mu = alpha + groupOffsets[group[i]];
                for (int j = 0; j < beta.Length; j++) mu += x[i][j] * beta[j];
                lp += HierNormalLogPdf(y[i], mu, sigma);
            }

            // group-level effects
            foreach (double u in groupOffsets)
                lp += HierNormalLogPdf(u, 0.0, tau);

            // priors
            lp += HierNormalLogPdf(alpha, 0.0, priorScale);
            lp += beta.Sum(b => HierNormalLogPdf(b, 0.0, priorScale));
            lp += HierHalfCauchyLogPdf(sigma, cauchyScale) + logSigma; // log-Jacobian
            lp += HierHalfCauchyLogPdf(tau, cauchyScale) + logTau;

            return -lp;
        }

        private static double HierNormalLogPdf(double v, double mean, double sd)
        {
            double z = (v - mean) / sd;
            return -0.5 * z * z - Math.Log(sd) - 0.9189385332046727;
        }

        private static double HierHalfCauchyLogPdf(double v, double scale)
        {
            double r = v / scale;
            return Math.Log(2.0 / (Math.PI * scale)) - Math.Log(1.0 + r * r);
        }

        /// <summary>
        /// Joint negative log-likelihood of paired waiting times (e.g. time-to-failure of two
        /// coupled components) with exponential marginals and a Clayton copula.
        /// Parameters are unconstrained: rates = exp(logRate*), theta = exp(logTheta) > 0.
        /// </summary>
        [Differentiable]
        public static double ClaytonCopulaNegLogLik(
            double[] t1,
            double[] t2,
            double logRate1,
            double logRate2,
            double logTheta)
        {
            if (t1.Length != t2.Length || t1.Length == 0)
                throw new ArgumentException("Samples must be non-empty and paired.");
            if (t1.Any(v => v <= 0) || t2.Any(v => v <= 0))
                throw new ArgumentException("Waiting times must be positive.");

            double lambda1 = Math.Exp(logRate1);
            double lambda2 = Math.Exp(logRate2);
            double theta = Math.Exp(logTheta);
            const double Tiny = 1e-12;

            double total = 0.0;
            for (int i = 0; i < t1.Length; i++)
            {
                // exponential marginals: log-density and CDF
                double logF1 = Math.Log(lambda1) - lambda1 * t1[i];
                double logF2 = Math.Log(lambda2) - lambda2 * t2[i];
                double u = Math.Clamp(1.0 - Math.Exp(-lambda1 * t1[i]), Tiny, 1.0 - Tiny);
                double v = Math.Clamp(1.0 - Math.Exp(-lambda2 * t2[i]), Tiny, 1.0 - Tiny);

                total += logF1 + logF2 + ClaytonLogDensity(u, v, theta);
            }
            return -total;
        }

        // log c(u, v) for the Clayton copula
        private static double ClaytonLogDensity(double u, double v, double theta)
        {
            double s = Math.Pow(u, -theta) + Math.Pow(v, -theta) - 1.0;
            return Math.Log(1.0 + theta)
                 - (1.0 + theta) * (Math.Log(u) + Math.Log(v))
                 - (2.0 + 1.0 / theta) * Math.Log(s);
        }

        /// <summary>
        /// Conditional-sum-of-squares Gaussian likelihood of an ARMA(p, q) process with mean.
        /// The first p residuals are conditioned on (not scored); pre-sample innovations are zero.
        /// Returns the concentrated negative log-likelihood (sigma^2 profiled out) or, if
        /// logSigma is supplied, the full Gaussian NLL.
        /// </summary>
        [Differentiable]
        public static double ArmaCssNegLogLik(
            double[] series,
            double mean,
            double[] ar,     // phi_1..phi_p
            double[] ma,     // theta_1..theta_q
            double? logSigma = null)
        {
            int p = ar.Length, q = ma.Length;
            int n = series.Length;
            if (n <= p + q + 1)
                throw new ArgumentException("Series too short for the requested orders.", nameof(series));

            double[] y = series.Select(v => v - mean).ToArray();
            var resid = new double[n];
            double ss = 0.0;
            int m = 0;

            for (int t = p; t < n; t++)
            {
                double pred = 0.0;
                for (int i = 1; i <= p; i++) pred += ar[i - 1] * y[t - i];
                for (int j = 1; j <= q; j++)
                {
                    if (t - j < p) break; // pre-sample innovations are zero
                    pred += ma[j - 1] * resid[t - j];
                }
                resid[t] = y[t] - pred;
                ss += resid[t] * resid[t];
                m++;
            }

            if (logSigma is double ls)
            {
                double s2 = Math.Exp(2 * ls);
                return 0.5 * m * (Math.Log(2 * Math.PI) + 2 * ls) + 0.5 * ss / s2;
            }
            // profile out sigma^2 = ss / m
            return 0.5 * m * (Math.Log(2 * Math.PI * ss / m) + 1.0);
        }

        /// <summary>
        /// Fits a spatially varying thermal diffusivity to sensor readings of a 1-D rod.
        /// Explicit FTCS finite differences with Dirichlet ends (leftTemp, rightTemp).
        /// logDiffusivity has one value per cell; sensors are at given cell indices and the
        /// readings matrix is [numSnapshots, numSensors], one snapshot every `stepsPerSnapshot` steps.
        /// </summary>
        [Differentiable]
        public static double HeatEquationFitLoss(
            double[] logDiffusivity,
            double[] initialTemp,
            double leftTemp,
            double rightTemp,
            int[] sensorCells,
            double[,] readings,
            double dx = 0.01,
            double dt = 1e-3,
            int stepsPerSnapshot = 10,
            double smoothnessWeight = 1e-3)
        {
            int nCells = initialTemp.Length;
            if (logDiffusivity.Length != nCells)
                throw new ArgumentException("One diffusivity per cell required.", nameof(logDiffusivity));
            if (readings.GetLength(1) != sensorCells.Length)
                throw new ArgumentException("readings columns must match sensors.", nameof(readings));

            double[] kappa = logDiffusivity.Select(Math.Exp).ToArray();
            double maxR = kappa.Max() * dt / (dx * dx);
            if (maxR > 0.5)
                throw new ArgumentException($"Explicit scheme unstable (r = {maxR:F3} > 0.5); reduce dt.");

            var u = (double[])initialTemp.Clone();
            int numSnapshots = readings.GetLength(0);
            double misfit = 0.0;

            for (int snap = 0; snap < numSnapshots; snap++)
            {
                for (int step = 0; step < stepsPerSnapshot; step++)
                {
                    var next = new double[nCells];
                    next[0] = leftTemp;
                    next[nCells - 1] = rightTemp;
                    for (int i = 1; i < nCells - 1; i++)
                    {
                        // face diffusivities via arithmetic mean
                        double kW = 0.5 * (kappa[i - 1] + kappa[i]);
                        double kE = 0.5 * (kappa[i] + kappa[i + 1]);
                        next[i] = u[i] + dt / (dx * dx) * (kE * (u[i + 1] - u[i]) - kW * (u[i] - u[i - 1]));
                    }
                    u = next;
                }

                for (int s = 0; s < sensorCells.Length; s++)
                {
                    double r = u[sensorCells[s]] - readings[snap, s];
                    misfit += r * r;
                }
            }

            // Tikhonov smoothness on log-diffusivity
            double roughness = 0.0;
            for (int i = 1; i < nCells; i++)
                roughness += Math.Pow(logDiffusivity[i] - logDiffusivity[i - 1], 2);

            return misfit / (numSnapshots * sensorCells.Length) + smoothnessWeight * roughness;
        }

        /// <summary>
        /// Residual energy of a steady pipe-network solution (flows + junction heads) using
        /// Darcy-Weisbach head loss with the Swamee-Jain friction factor. Minimising this over
        /// pipe flows and free junction heads solves the network.
        ///   continuity:  sum of flows into each free junction = demand
        ///   energy:      H_from - H_to = h_f(Q) for every pipe
        /// </summary>
        [Differentiable]
        public static double PipeNetworkHeadLoss(
            double[] flows,          // [numPipes], m^3/s, positive from -> to
            double[] heads,          // [numNodes], m
            int[] pipeFrom, int[] pipeTo,
            double[] lengths, double[] diameters, double[] roughness,
            double[] demands,        // [numNodes], m^3/s withdrawn
            bool[] isReservoir,      // fixed-head nodes: continuity not enforced
            double viscosity = 1.0e-6,
            double continuityWeight = 100.0)
        {
            int numPipes = flows.Length, numNodes = heads.Length;
            if (pipeFrom.Length != numPipes || pipeTo.Length != numPipes || lengths.Length != numPipes
                || diameters.Length != numPipes || roughness.Length != numPipes)
                throw new ArgumentException("Pipe arrays must all have the same length.");
            if (demands.Length != numNodes || isReservoir.Length != numNodes)
                throw new ArgumentException("Node arrays must all have the same length.");

            const double G = 9.81;
            var netInflow = new double[numNodes];
            double energyResidual = 0.0;

            for (int p = 0; p < numPipes; p++)
            {
                double q = flows[p];
                double d = diameters[p];
                double area = Math.PI * d * d / 4.0;
                double speed = Math.Sqrt(q * q + 1e-12) / area;          // smooth |V|
                double reynolds = Math.Max(speed * d / viscosity, 10.0);

                double f = PipeSwameeJain(reynolds, roughness[p] / d);
                double hf = f * lengths[p] / d * speed * (q / area) / (2 * G); // signed with flow direction

                double r = heads[pipeFrom[p]] - heads[pipeTo[p]] - hf;
                energyResidual += r * r;

                netInflow[pipeTo[p]] += q;
                netInflow[pipeFrom[p]] -= q;
            }

            double continuityResidual = Enumerable.Range(0, numNodes)
                .Where(n => !isReservoir[n])
                .Sum(n => Math.Pow(netInflow[n] - demands[n], 2));

            return energyResidual + continuityWeight * continuityResidual;
        }

        private static double PipeSwameeJain(double reynolds, double relRoughness)
        {
            if (reynolds < 2000.0) return 64.0 / reynolds; // laminar
            double arg = relRoughness / 3.7 + 5.74 / Math.Pow(reynolds, 0.9);
            double lg = Math.Log10(arg);
            return 0.25 / (lg * lg);
        }

        // Standard DH table (a, alpha, d) for a UR5-like arm; theta is the joint variable.
        private static readonly double[,] RobotIkDh =
        {
            // a,       alpha,         d
            { 0.0,      Math.PI / 2,   0.089159 },
            { -0.425,   0.0,           0.0 },
            { -0.39225, 0.0,           0.0 },
            { 0.0,      Math.PI / 2,   0.10915 },
            { 0.0,      -Math.PI / 2,  0.09465 },
            { 0.0,      0.0,           0.0823 },
        };

        /// <summary>
        /// Inverse-kinematics objective for a 6-DOF serial arm described by standard
        /// Denavit-Hartenberg parameters (UR5-like geometry). Combines end-effector position error,
        /// orientation error (Frobenius distance of rotation matrices), a soft joint-limit
        /// barrier and a small regulariser toward a rest posture.
        /// </summary>
        [Differentiable]
        public static double RobotIkError(
            double[] jointAngles,
            double[] targetPosition,       // [3]
            double[,] targetRotation,      // [3, 3]
            double[] restPosture,
            double orientationWeight = 0.1,
            double limitWeight = 10.0,
            double restWeight = 1e-3,
            double jointLimit = 2 * Math.PI)
        {
            int dof = RobotIkDh.GetLength(0);
            if (jointAngles.Length != dof) throw new ArgumentException($"Expected {dof} joint angles.", nameof(jointAngles));
            if (targetPosition.Length != 3) throw new ArgumentException("targetPosition must be 3-D.", nameof(targetPosition));

            double[,] pose = RobotIkIdentity();
            for (int j = 0; j < dof; j++)
            {
                double[,] link = RobotIkDhTransform(RobotIkDh[j, 0], RobotIkDh[j, 1], RobotIkDh[j, 2], jointAngles[j]);
                pose = RobotIkMul(pose, link);
            }

            double posErr = 0.0;
            for (int i = 0; i < 3; i++) posErr += Math.Pow(pose[i, 3] - targetPosition[i], 2);

            double rotErr = 0.0;
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 3; k++)
                    rotErr += Math.Pow(pose[i, k] - targetRotation[i, k], 2);

            double limitPenalty = 0.0, restPenalty = 0.0;
            for (int j = 0; j < dof; j++)
            {
                double excess = Math.Abs(jointAngles[j]) - jointLimit;
                if (excess > 0) limitPenalty += excess * excess;
                restPenalty += Math.Pow(jointAngles[j] - restPosture[j], 2);
            }

            return posErr + orientationWeight * rotErr + limitWeight * limitPenalty + restWeight * restPenalty;
        }

        private static double[,] RobotIkDhTransform(double a, double alpha, double d, double theta)
        {
            double ct = Math.Cos(theta), st = Math.Sin(theta);
            double ca = Math.Cos(alpha), sa = Math.Sin(alpha);
            return new double[,]
            {
                { ct, -st * ca,  st * sa, a * ct },
                { st,  ct * ca, -ct * sa, a * st },
                { 0,   sa,       ca,      d      },
                { 0,   0,        0,       1      },
            };
        }

        private static double[,] RobotIkMul(double[,] a, double[,] b)
        {
            var c = new double[4, 4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += a[i, k] * b[k, j];
                    c[i, j] = s;
                }
            return c;
        }

        private static double[,] RobotIkIdentity()
        {
            var m = new double[4, 4];
            for (int i = 0; i < 4; i++) m[i, i] = 1.0;
            return m;
        }

        public enum MeanVarianceCostModel { Linear, SquareRootImpact }

        /// <summary>
        /// Single-period Markowitz objective with transaction costs:
        ///   -mu'w + (gamma/2) w' Sigma w + costs(w - w0) + penalties
        /// Costs use a smoothed absolute value so the objective stays differentiable at zero trade.
        /// Budget (sum w = 1) and long-only constraints are imposed as quadratic penalties.
        /// </summary>
        [Differentiable]
        public static double MeanVarianceTxCost(
            double[] weights,
            double[] currentWeights,
            double[] expectedReturns,
            double[,] covariance,
            double riskAversion = 3.0,
            double costRate = 0.001,
            MeanVarianceCostModel costModel = MeanVarianceCostModel.Linear,
            bool longOnly = true,
            double penalty = 1e3)
        {
            int n = weights.Length;
            if (currentWeights.Length != n || expectedReturns.Length != n)
                throw new ArgumentException("Weight and return vectors must have equal length.");
            if (covariance.GetLength(0) != n || covariance.GetLength(1) != n)
                throw new ArgumentException("Covariance must be n x n.", nameof(covariance));

            double expected = weights.Zip(expectedReturns, (w, r) => w * r).Sum();

            double variance = 0.0;
            for (int i = 0; i < n; i++)
            {
                double row = 0.0;
                for (int j = 0; j < n; j++) row += covariance[i, j] * weights[j];
                variance += weights[i] * row;
            }

            const double SmoothEps = 1e-8;
            double costs = 0.0;
            for (int i = 0; i < n; i++)
            {
                double trade = weights[i] - currentWeights[i];
                double absTrade = Math.Sqrt(trade * trade + SmoothEps);
                costs += costModel switch
                {
                    MeanVarianceCostModel.Linear => costRate * absTrade,
                    MeanVarianceCostModel.SquareRootImpact => costRate * Math.Pow(absTrade, 1.5),
                    _ => throw new ArgumentException("Unknown cost model.", nameof(costModel)),
                };
            }

            double budgetGap = weights.Sum() - 1.0;
            double constraintPenalty = penalty * budgetGap * budgetGap;
            if (longOnly)
                constraintPenalty += penalty * weights.Where(w => w < 0).Sum(w => w * w);

            return -expected + 0.5 * riskAversion * variance + costs + constraintPenalty;
        }

        /// <summary>
        /// Calibrates a simple parametric implied-volatility surface
        ///   sigma(k, T) = atmVol + skew * k + curvature * k^2 + termSlope * sqrt(T),  k = ln(K / F)
        /// to quoted European option prices using Black-Scholes. Errors are normalised by the
        /// option's vega (approximate implied-vol error), with a floor to avoid blow-ups on deep OTM quotes.
        /// </summary>
        [Differentiable]
        public static double BlackScholesCalibrationLoss(
            double atmVol, double skew, double curvature, double termSlope,
            double spot, double rate, double dividendYield,
            double[] strikes, double[] maturities, double[] marketPrices, bool[] isCall,
            double minVega = 1e-3)
        {
            int m = strikes.Length;
            if (maturities.Length != m || marketPrices.Length != m || isCall.Length != m)
                throw new ArgumentException("Quote arrays must have the same length.");
            if (spot <= 0) throw new ArgumentException("Spot must be positive.", nameof(spot));

            double loss = 0.0;
            for (int i = 0; i < m; i++)
            {
                double T = maturities[i];
                if (T <= 0) continue; // expired quotes carry no information

                double forward = spot * Math.Exp((rate - dividendYield) * T);
                double k = Math.Log(strikes[i] / forward);
                double vol = atmVol + skew * k + curvature * k * k + termSlope * Math.Sqrt(T);
                vol = Math.Max(vol, 0.01);

                var (price, vega) = BsPriceAndVega(spot, strikes[i], T, rate, dividendYield, vol, isCall[i]);
                double err = (price - marketPrices[i]) / Math.Max(vega, minVega);
                loss += err * err;
            }
            return loss / m;
        }

        private static (double price, double vega) BsPriceAndVega(
            double s, double strike, double t, double r, double q, double vol, bool call)
        {
            double sqrtT = Math.Sqrt(t);
            double d1 = (Math.Log(s / strike) + (r - q + 0.5 * vol * vol) * t) / (vol * sqrtT);
            double d2 = d1 - vol * sqrtT;
            double dfR = Math.Exp(-r * t), dfQ = Math.Exp(-q * t);

            double price = call
                ? s * dfQ * BsNormCdf(d1) - strike * dfR * BsNormCdf(d2)
                : strike * dfR * BsNormCdf(-d2) - s * dfQ * BsNormCdf(-d1);
            double vega = s * dfQ * Math.Exp(-0.5 * d1 * d1) / Math.Sqrt(2 * Math.PI) * sqrtT;
            return (price, vega);
        }

        // Abramowitz & Stegun 7.1.26 erf approximation (|error| < 1.5e-7)
        private static double BsNormCdf(double x)
        {
            double z = Math.Abs(x) / Math.Sqrt(2.0);
            double t = 1.0 / (1.0 + 0.3275911 * z);
            double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
            double erf = 1.0 - poly * Math.Exp(-z * z);
            return x >= 0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
        }

        /// <summary>
        /// Multi-product newsvendor: expected negative profit over demand scenarios, with the
        /// max(0, .) in leftover/shortage replaced by a softplus of width `smoothing` so that
        /// order quantities can be optimised by gradient descent. A shared warehouse capacity
        /// is enforced with a one-sided quadratic penalty. Single precision throughout.
        /// </summary>
        [Differentiable]
        public static float NewsvendorSmoothedCost(
            float[] orderQty,          // [products]
            float[,] demandScenarios,  // [scenarios, products]
            float[] scenarioProb,      // [scenarios], sums to 1
            float[] unitCost,
            float[] price,
            float[] salvage,
            float[] volumePerUnit,
            float capacity,
            float smoothing = 0.5f,
            float capacityPenalty = 100f)
        {
            int numScen = demandScenarios.GetLength(0);
            int numProd = demandScenarios.GetLength(1);
            if (orderQty.Length != numProd) throw new ArgumentException("orderQty length mismatch.", nameof(orderQty));
            if (scenarioProb.Length != numScen) throw new ArgumentException("scenarioProb length mismatch.", nameof(scenarioProb));
            if (smoothing <= 0f) throw new ArgumentException("smoothing must be positive.", nameof(smoothing));

            float SoftPlus(float v)
            {
                float z = v / smoothing;
                return z > 30f ? v : smoothing * MathF.Log(1f + MathF.Exp(z));
            }

            float expectedCost = 0f;
            for (int s = 0; s < numScen; s++)
            {
                float scenarioCost = 0f;
                for (int j = 0; j < numProd; j++)
                {
                    float q = orderQty[j];
                    float d = demandScenarios[s, j];
                    float leftover = SoftPlus(q - d);
                    float sold = q - leftover;          // smooth min(q, d)
                    float revenue = price[j] * sold + salvage[j] * leftover;
                    scenarioCost += unitCost[j] * q - revenue;
                }
                expectedCost += scenarioProb[s] * scenarioCost;
            }

            float usedVolume = 0f;
            for (int j = 0; j < numProd; j++) usedVolume += volumePerUnit[j] * orderQty[j];
            float over = MathF.Max(0f, usedVolume - capacity);

            return expectedCost + capacityPenalty * over * over;
        }

        /// <summary>
        /// Multi-resolution STFT loss used for neural vocoders: for each FFT size, spectral
        /// convergence ||S_t - S_p||_F / ||S_t||_F plus mean absolute log-magnitude difference.
        /// Hann window, hop = fftSize / 4, frames that would run past the end are dropped.
        /// A direct DFT is used (fine for the short clips this is applied to in tests).
        /// </summary>
        [Differentiable]
        public static double StftMagnitudeLoss(
            float[] predicted,
            float[] target,
            int[] fftSizes,
            double logWeight = 1.0,
            double magFloor = 1e-7)
        {
            if (predicted.Length != target.Length)
                throw new ArgumentException("Signals must have the same length.");
            if (fftSizes == null || fftSizes.Length == 0)
                throw new ArgumentException("At least one FFT size is required.", nameof(fftSizes));

            double total = 0.0;
            foreach (int nfft in fftSizes)
            {
                if (nfft > predicted.Length) throw new ArgumentException($"FFT size {nfft} exceeds signal length.");
                int hop = Math.Max(1, nfft / 4);
                int numBins = nfft / 2 + 1;
                double[] window = Enumerable.Range(0, nfft)
                    .Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / nfft)).ToArray();

                double diffSq = 0.0, targetSq = 0.0, logAbs = 0.0;
                int count = 0;
                for (int start = 0; start + nfft <= predicted.Length; start += hop)
                {
                    ReadOnlySpan<float> framePred = predicted.AsSpan(start, nfft);
                    ReadOnlySpan<float> frameTgt = target.AsSpan(start, nfft);

                    for (int k = 0; k < numBins; k++)
                    {
                        double magP = StftBinMagnitude(framePred, window, k, magFloor);
                        double magT = StftBinMagnitude(frameTgt, window, k, magFloor);
                        diffSq += (magT - magP) * (magT - magP);
                        targetSq += magT * magT;
                        logAbs += Math.Abs(Math.Log(magT) - Math.Log(magP));
                        count++;
                    }
                }
                if (count == 0) continue;

                total += Math.Sqrt(diffSq) / Math.Sqrt(targetSq + 1e-12) + logWeight * logAbs / count;
            }
            return total / fftSizes.Length;
        }

        private static double StftBinMagnitude(ReadOnlySpan<float> frame, double[] window, int k, double floor)
        {
            int n = frame.Length;
            double re = 0.0, im = 0.0;
            for (int t = 0; t < n; t++)
            {
                double angle = -2.0 * Math.PI * k * t / n;
                double x = frame[t] * window[t];
                re += x * Math.Cos(angle);
                im += x * Math.Sin(angle);
            }
            return Math.Sqrt(re * re + im * im + floor * floor);
        }

        /// <summary>
        /// Bundle-adjustment style robust reprojection error for one camera with Brown-Conrady
        /// distortion. camera = [rx, ry, rz (axis-angle), tx, ty, tz, fx, fy, cx, cy, k1, k2, p1, p2].
        /// Each observation refers to a 3-D point by index; points behind the camera are skipped.
        /// Residuals go through a Huber loss with threshold `huberDelta` (pixels).
        /// </summary>
        [Differentiable]
        public static double ReprojectionErrorDistortion(
            double[] camera,
            double[][] points,          // [numPoints][3], world coordinates
            int[] pointIndex,           // [numObs]
            double[][] observations,    // [numObs][2], pixels
            double huberDelta = 2.0)
        {
            if (camera.Length != 14) throw new ArgumentException("Camera vector must have 14 entries.", nameof(camera));
            if (pointIndex.Length != observations.Length)
                throw new ArgumentException("One point index per observation required.");

            double fx = camera[6], fy = camera[7], cx = camera[8], cy = camera[9];
            double k1 = camera[10], k2 = camera[11], p1 = camera[12], p2 = camera[13];

            double total = 0.0;
            int used = 0;
            for (int o = 0; o < observations.Length; o++)
            {
                double[] X = points[pointIndex[o]];
                ReprojRotate(camera[0], camera[1], camera[2], X[0], X[1], X[2], out double xc, out double yc, out double zc);
                xc += camera[3]; yc += camera[4]; zc += camera[5];
                if (zc <= 1e-6) continue;

                double x = xc / zc, y = yc / zc;
                double r2 = x * x + y * y;
                double radial = 1.0 + k1 * r2 + k2 * r2 * r2;
                double xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
                double yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;

                double u = fx * xd + cx, v = fy * yd + cy;
                double ru = u - observations[o][0], rv = v - observations[o][1];
                double norm = Math.Sqrt(ru * ru + rv * rv);

                total += norm <= huberDelta ? 0.5 * norm * norm : huberDelta * (norm - 0.5 * huberDelta);
                used++;
            }
            return used > 0 ? total / used : 0.0;
        }

        // Rodrigues rotation of (px, py, pz) by axis-angle (rx, ry, rz)
        private static void ReprojRotate(double rx, double ry, double rz, double px, double py, double pz,
                                         out double qx, out double qy, out double qz)
        {
            double theta = Math.Sqrt(rx * rx + ry * ry + rz * rz);
            if (theta < 1e-8)
            {
                // first-order approximation: p + r x p
                qx = px + (ry * pz - rz * py);
                qy = py + (rz * px - rx * pz);
                qz = pz + (rx * py - ry * px);
                return;
            }
            double kx = rx / theta, ky = ry / theta, kz = rz / theta;
            double c = Math.Cos(theta), s = Math.Sin(theta);
            double dot = kx * px + ky * py + kz * pz;
            qx = px * c + (ky * pz - kz * py) * s + kx * dot * (1 - c);
            qy = py * c + (kz * px - kx * pz) * s + ky * dot * (1 - c);
            qz = pz * c + (kx * py - ky * px) * s + kz * dot * (1 - c);
        }
    }
}
