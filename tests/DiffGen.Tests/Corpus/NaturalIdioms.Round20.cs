using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 20: the eighth probe batch, 30 functions (8 in deep-learning-layer style) written by a helper who had not seen
    /// DiffGen's documentation; 16 accepted as written, 23 after this session's changes (rank-3 local arrays; stacks of arrays
    /// double[][,] / double[][,,] as parameters; int shifts; weights?[i] ?? d; block and method-group selectors), here as written,
    /// and MixtureOfExpertsLoss (an argsort by OrderByDescending().Take(), lowered at the end of the round): 24. Optional arrays
    /// are declared double[]? (nullable warnings are errors here); [Constant] where DIFF0014 asked (PidTuningCost's deadTime and
    /// horizon, WindTurbinePowerCurveLoss's cutIn and cutOut, GreenAmptInfiltrationLoss's tolerance).
    /// Accepted in round 21 (appended at the end, as written): NBodyOrbitFitLoss (a local array reassigned to a local function's
    /// new array), BayesianLinearRegressionEvidence (a helper returning (double[], double)) and CameraReprojectionError (a 2-D
    /// array initializer and 'new[] {...}' in a foreach): 27.
    /// Still rejected: CartPoleControlCost ('config ??= new ...' on a record parameter), ListwiseRankingLoss (GroupBy),
    /// SpringNetworkEnergy (an optional bool[] mask; its conditional between two tuples is accepted now, see
    /// OrderAndLayers.SpringNetwork).
    /// </summary>
    public static partial class NaturalRound20
    {
        [Differentiable]
        public static double DepthwiseSeparableConvLoss(double[,,] input, double[,,] depthwiseKernels, double[,] pointwiseWeights, double[] pointwiseBias, double[,,] target)
        {
            int channels = input.GetLength(0), height = input.GetLength(1), width = input.GetLength(2);
            int k = depthwiseKernels.GetLength(1);
            int outChannels = pointwiseWeights.GetLength(0);
            if (depthwiseKernels.GetLength(0) != channels)
                throw new ArgumentException("Need exactly one depthwise kernel per input channel.");
            if (pointwiseWeights.GetLength(1) != channels || pointwiseBias.Length != outChannels)
                throw new ArgumentException("Pointwise weights must be [outChannels, inChannels] with matching bias.");
            if (k % 2 == 0)
                throw new ArgumentException("Depthwise kernel size must be odd for 'same' padding.");

            int pad = k / 2;
            var depthwise = new double[channels, height, width];
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < height; i++)
                    for (int j = 0; j < width; j++)
                    {
                        double acc = 0.0;
                        for (int u = 0; u < k; u++)
                        {
                            int y = i + u - pad;
                            if (y < 0 || y >= height) continue;
                            for (int v = 0; v < k; v++)
                            {
                                int x = j + v - pad;
                                if (x < 0 || x >= width) continue;
                                acc += depthwiseKernels[c, u, v] * input[c, y, x];
                            }
                        }
                        depthwise[c, i, j] = Relu6(acc);
                    }

            double loss = 0.0;
            for (int o = 0; o < outChannels; o++)
                for (int i = 0; i < height; i++)
                    for (int j = 0; j < width; j++)
                    {
                        double z = pointwiseBias[o];
                        for (int c = 0; c < channels; c++)
                            z += pointwiseWeights[o, c] * depthwise[c, i, j];
                        double diff = z - target[o, i, j];
                        loss += diff * diff;
                    }
            return loss / (outChannels * height * width);
        }

        private static double Relu6(double x) => Math.Min(Math.Max(x, 0.0), 6.0);

        [Differentiable]
        public static float GruSequenceLoss(float[][] inputs, float[] targets, float[,] w, float[,] u, float[] b, float[] readout, float readoutBias)
        {
            int steps = inputs.Length;
            if (targets.Length != steps)
                throw new ArgumentException("One regression target per time step is required.");
            int hidden = u.GetLength(1);
            int inDim = w.GetLength(1);
            if (w.GetLength(0) != 3 * hidden || u.GetLength(0) != 3 * hidden || b.Length != 3 * hidden)
                throw new ArgumentException("Gate parameters must be stacked as [update; reset; candidate].");

            var h = new float[hidden];
            var z = new float[hidden];
            var r = new float[hidden];
            float loss = 0f;
            for (int t = 0; t < steps; t++)
            {
                float[] x = inputs[t];
                for (int i = 0; i < hidden; i++)
                {
                    float az = b[i], ar = b[hidden + i];
                    for (int j = 0; j < inDim; j++)
                    {
                        az += w[i, j] * x[j];
                        ar += w[hidden + i, j] * x[j];
                    }
                    for (int j = 0; j < hidden; j++)
                    {
                        az += u[i, j] * h[j];
                        ar += u[hidden + i, j] * h[j];
                    }
                    z[i] = GruSigmoid(az);
                    r[i] = GruSigmoid(ar);
                }

                var hNew = new float[hidden];
                for (int i = 0; i < hidden; i++)
                {
                    float an = b[2 * hidden + i];
                    for (int j = 0; j < inDim; j++) an += w[2 * hidden + i, j] * x[j];
                    float recurrent = 0f;
                    for (int j = 0; j < hidden; j++) recurrent += u[2 * hidden + i, j] * h[j];
                    float n = MathF.Tanh(an + r[i] * recurrent);
                    hNew[i] = (1f - z[i]) * n + z[i] * h[i];
                }
                h = hNew;

                float y = readoutBias;
                for (int i = 0; i < hidden; i++) y += readout[i] * h[i];
                float err = y - targets[t];
                loss += err * err;
            }
            return loss / steps;
        }

        private static float GruSigmoid(float x) => 1f / (1f + MathF.Exp(-x));

        [Differentiable]
        public static double WaveNetCausalLoss(double[] signal, double[] inputProjection, double[][,,] filterKernels, double[][,,] gateKernels, double[][,] residualMixing, double[] outputWeights, double outputBias)
        {
            int layers = filterKernels.Length;
            int channels = inputProjection.Length;
            int T = signal.Length;
            if (T < 2)
                throw new ArgumentException("Signal must contain at least two samples for next-step prediction.");
            if (gateKernels.Length != layers || residualMixing.Length != layers)
                throw new ArgumentException("Filter, gate and residual stacks must have the same depth.");

            // 1x1 causal input projection
            var h = new double[channels, T];
            for (int c = 0; c < channels; c++)
                for (int t = 0; t < T; t++)
                    h[c, t] = inputProjection[c] * signal[t];

            var skip = new double[channels, T];
            for (int l = 0; l < layers; l++)
            {
                int dilation = 1 << l;
                var filter = filterKernels[l];
                var gate = gateKernels[l];
                var mix = residualMixing[l];
                int taps = filter.GetLength(2);

                var gated = new double[channels, T];
                for (int c = 0; c < channels; c++)
                    for (int t = 0; t < T; t++)
                    {
                        double f = 0.0, g = 0.0;
                        for (int k = 0; k < taps; k++)
                        {
                            int src = t - k * dilation;
                            if (src < 0) break; // causal: nothing before the start
                            for (int ci = 0; ci < channels; ci++)
                            {
                                f += filter[c, ci, k] * h[ci, src];
                                g += gate[c, ci, k] * h[ci, src];
                            }
                        }
                        gated[c, t] = Math.Tanh(f) / (1.0 + Math.Exp(-g));
                    }

                for (int c = 0; c < channels; c++)
                    for (int t = 0; t < T; t++)
                    {
                        double m = 0.0;
                        for (int ci = 0; ci < channels; ci++) m += mix[c, ci] * gated[ci, t];
                        skip[c, t] += m;
                        h[c, t] += m;
                    }
            }

            double loss = 0.0;
            for (int t = 0; t < T - 1; t++)
            {
                double pred = outputBias;
                for (int c = 0; c < channels; c++)
                    pred += outputWeights[c] * Math.Max(0.0, skip[c, t]);
                double e = pred - signal[t + 1];
                loss += e * e;
            }
            return loss / (T - 1);
        }

        [Differentiable]
        public static float TransEMarginLoss(float[,] entityEmb, float[,] relationEmb, int[] heads, int[] relations, int[] tails, int[] corruptedTails, float margin = 1f, string norm = "L1")
        {
            int dim = entityEmb.GetLength(1);
            if (relationEmb.GetLength(1) != dim)
                throw new ArgumentException("Entity and relation embeddings must share a dimension.");
            if (relations.Length != heads.Length || tails.Length != heads.Length || corruptedTails.Length != heads.Length)
                throw new ArgumentException("Triple index arrays must have equal length.");
            bool useL1 = norm switch
            {
                "L1" => true,
                "L2" => false,
                _ => throw new ArgumentException($"Unknown norm '{norm}', expected L1 or L2."),
            };

            float total = 0f;
            for (int i = 0; i < heads.Length; i++)
            {
                float pos = TransEDistance(entityEmb, relationEmb, heads[i], relations[i], tails[i], useL1);
                float neg = TransEDistance(entityEmb, relationEmb, heads[i], relations[i], corruptedTails[i], useL1);
                total += MathF.Max(0f, margin + pos - neg);
            }

            // soft constraint keeping entity vectors inside the unit ball
            float penalty = 0f;
            for (int e = 0; e < entityEmb.GetLength(0); e++)
            {
                float sq = 0f;
                for (int k = 0; k < dim; k++) sq += entityEmb[e, k] * entityEmb[e, k];
                penalty += MathF.Max(0f, sq - 1f);
            }
            return total / heads.Length + 0.01f * penalty;
        }

        private static float TransEDistance(float[,] ent, float[,] rel, int h, int r, int t, bool l1)
        {
            float acc = 0f;
            for (int k = 0; k < ent.GetLength(1); k++)
            {
                float d = ent[h, k] + rel[r, k] - ent[t, k];
                acc += l1 ? MathF.Abs(d) : d * d;
            }
            return l1 ? acc : MathF.Sqrt(acc + 1e-12f);
        }

        [Differentiable]
        public static double CapsuleMarginLoss(double[][] primaryCapsules, double[,,,] transforms, bool[] present, int routingIterations = 3, double mPlus = 0.9, double mMinus = 0.1, double lambda = 0.5)
        {
            int nIn = primaryCapsules.Length;
            int nOut = transforms.GetLength(1), dOut = transforms.GetLength(2), dIn = transforms.GetLength(3);
            if (transforms.GetLength(0) != nIn)
                throw new ArgumentException("Need a transform matrix for every (input, output) capsule pair.");
            if (present.Length != nOut)
                throw new ArgumentException("Label mask must have one entry per output capsule.");
            if (routingIterations < 1)
                throw new ArgumentOutOfRangeException(nameof(routingIterations));

            // prediction vectors u_hat[j|i] = W_ij u_i
            var uHat = new double[nIn, nOut, dOut];
            for (int i = 0; i < nIn; i++)
                for (int j = 0; j < nOut; j++)
                    for (int a = 0; a < dOut; a++)
                    {
                        double s = 0.0;
                        for (int b = 0; b < dIn; b++) s += transforms[i, j, a, b] * primaryCapsules[i][b];
                        uHat[i, j, a] = s;
                    }

            var routingLogits = new double[nIn, nOut];
            var v = new double[nOut, dOut];
            for (int iter = 0; iter < routingIterations; iter++)
            {
                var s = new double[nOut, dOut];
                for (int i = 0; i < nIn; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < nOut; j++) max = Math.Max(max, routingLogits[i, j]);
                    double z = 0.0;
                    for (int j = 0; j < nOut; j++) z += Math.Exp(routingLogits[i, j] - max);
                    for (int j = 0; j < nOut; j++)
                    {
                        double c = Math.Exp(routingLogits[i, j] - max) / z;
                        for (int a = 0; a < dOut; a++) s[j, a] += c * uHat[i, j, a];
                    }
                }
                for (int j = 0; j < nOut; j++) CapsuleSquash(s, v, j);
                if (iter == routingIterations - 1) break;

                for (int i = 0; i < nIn; i++)
                    for (int j = 0; j < nOut; j++)
                    {
                        double agreement = 0.0;
                        for (int a = 0; a < dOut; a++) agreement += uHat[i, j, a] * v[j, a];
                        routingLogits[i, j] += agreement;
                    }
            }

            double loss = 0.0;
            for (int j = 0; j < nOut; j++)
            {
                double len = 0.0;
                for (int a = 0; a < dOut; a++) len += v[j, a] * v[j, a];
                len = Math.Sqrt(len + 1e-9);
                loss += present[j]
                    ? Math.Pow(Math.Max(0.0, mPlus - len), 2)
                    : lambda * Math.Pow(Math.Max(0.0, len - mMinus), 2);
            }
            return loss;
        }

        private static void CapsuleSquash(double[,] s, double[,] v, int row)
        {
            int d = s.GetLength(1);
            double sq = 0.0;
            for (int a = 0; a < d; a++) sq += s[row, a] * s[row, a];
            double scale = sq / (1.0 + sq) / Math.Sqrt(sq + 1e-9);
            for (int a = 0; a < d; a++) v[row, a] = scale * s[row, a];
        }

        [Differentiable]
        public static double UNetBlockLoss(double[,] image, bool[,] mask, double[,,] encKernels, double[] encBias, double[,] bottleneck, double[] bottleneckBias, double[] headWeights, double headBias, double positiveWeight = 1.0)
        {
            int H = image.GetLength(0), W = image.GetLength(1);
            if (H % 2 != 0 || W % 2 != 0)
                throw new ArgumentException("Image dimensions must be even for 2x2 pooling.");
            if (mask.GetLength(0) != H || mask.GetLength(1) != W)
                throw new ArgumentException("Mask must match the image size.");
            int F = encKernels.GetLength(0);
            if (headWeights.Length != 2 * F)
                throw new ArgumentException("Head expects skip and decoder features concatenated (2F weights).");

            // encoder: 3x3 conv + ReLU, zero padding
            var enc = new double[F, H, W];
            for (int f = 0; f < F; f++)
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < W; j++)
                    {
                        double a = encBias[f];
                        for (int du = -1; du <= 1; du++)
                            for (int dv = -1; dv <= 1; dv++)
                            {
                                int y = i + du, x = j + dv;
                                if (y < 0 || y >= H || x < 0 || x >= W) continue;
                                a += encKernels[f, du + 1, dv + 1] * image[y, x];
                            }
                        enc[f, i, j] = Math.Max(0.0, a);
                    }

            // 2x2 max pool followed by a 1x1 bottleneck conv
            int h2 = H / 2, w2 = W / 2;
            var pooled = new double[F, h2, w2];
            for (int f = 0; f < F; f++)
                for (int i = 0; i < h2; i++)
                    for (int j = 0; j < w2; j++)
                    {
                        double m = Math.Max(enc[f, 2 * i, 2 * j], enc[f, 2 * i, 2 * j + 1]);
                        m = Math.Max(m, Math.Max(enc[f, 2 * i + 1, 2 * j], enc[f, 2 * i + 1, 2 * j + 1]));
                        pooled[f, i, j] = m;
                    }
            var dec = new double[F, h2, w2];
            for (int f = 0; f < F; f++)
                for (int i = 0; i < h2; i++)
                    for (int j = 0; j < w2; j++)
                    {
                        double a = bottleneckBias[f];
                        for (int g = 0; g < F; g++) a += bottleneck[f, g] * pooled[g, i, j];
                        dec[f, i, j] = Math.Max(0.0, a);
                    }

            // nearest-neighbour upsample, concat with skip, 1x1 head, weighted BCE-with-logits
            double loss = 0.0;
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                {
                    double logit = headBias;
                    for (int f = 0; f < F; f++)
                        logit += headWeights[f] * enc[f, i, j] + headWeights[F + f] * dec[f, i / 2, j / 2];
                    double softplusNeg = Math.Max(-logit, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(logit)));
                    loss += mask[i, j] ? positiveWeight * softplusNeg : softplusNeg + logit;
                }
            return loss / (H * W);
        }

        [Differentiable]
        public static double ResidualMlpClassifierNll(double[][] features, int[] labels, double[,] inputWeights, double[] inputBias, double[][,] blockWeights, double[][] blockBias, double[,] classifier, bool[,] dropoutKeep, double keepProb = 0.9, double labelSmoothing = 0.1)
        {
            int n = features.Length, hidden = inputBias.Length, classes = classifier.GetLength(0);
            if (n == 0) throw new ArgumentException("Empty batch.");
            if (keepProb <= 0.0 || keepProb > 1.0)
                throw new ArgumentOutOfRangeException(nameof(keepProb), "keepProb must be in (0, 1].");
            if (blockWeights.Length != blockBias.Length)
                throw new ArgumentException("Each residual block needs weights and a bias.");

            double total = 0.0;
            var h = new double[hidden];
            var update = new double[hidden];
            var logits = new double[classes];
            for (int s = 0; s < n; s++)
            {
                double[] x = features[s];
                for (int i = 0; i < hidden; i++)
                {
                    double a = inputBias[i];
                    for (int j = 0; j < x.Length; j++) a += inputWeights[i, j] * x[j];
                    h[i] = dropoutKeep[s, i] ? ResidualGelu(a) / keepProb : 0.0; // inverted dropout
                }

                for (int blk = 0; blk < blockWeights.Length; blk++)
                {
                    var Wb = blockWeights[blk];
                    for (int i = 0; i < hidden; i++)
                    {
                        double a = blockBias[blk][i];
                        for (int j = 0; j < hidden; j++) a += Wb[i, j] * h[j];
                        update[i] = ResidualGelu(a);
                    }
                    for (int i = 0; i < hidden; i++) h[i] += update[i];
                }

                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    double a = 0.0;
                    for (int i = 0; i < hidden; i++) a += classifier[c, i] * h[i];
                    logits[c] = a;
                    if (a > max) max = a;
                }
                double sumExp = 0.0;
                for (int c = 0; c < classes; c++) sumExp += Math.Exp(logits[c] - max);
                double logZ = max + Math.Log(sumExp);

                double offTarget = labelSmoothing / classes;
                for (int c = 0; c < classes; c++)
                {
                    double q = (c == labels[s] ? 1.0 - labelSmoothing : 0.0) + offTarget;
                    total -= q * (logits[c] - logZ);
                }
            }
            return total / n;
        }

        private static double ResidualGelu(double x) =>
            0.5 * x * (1.0 + Math.Tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));

        [Differentiable]
        public static double GaussianProcessNegLogMarginal(double[][] x, double[] y, double logLengthScale, double logSignalVariance, double logNoiseVariance, GpKernel kernel = GpKernel.SquaredExponential)
        {
            int n = x.Length;
            if (y.Length != n)
                throw new ArgumentException("Inputs and targets must have the same number of rows.");
            double ell = Math.Exp(logLengthScale);
            double sf2 = Math.Exp(logSignalVariance);
            double sn2 = Math.Exp(logNoiseVariance);

            var K = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double d2 = 0.0;
                    for (int k = 0; k < x[i].Length; k++)
                    {
                        double d = x[i][k] - x[j][k];
                        d2 += d * d;
                    }
                    double r = Math.Sqrt(d2 + 1e-12) / ell;
                    double kij = kernel switch
                    {
                        GpKernel.SquaredExponential => sf2 * Math.Exp(-0.5 * d2 / (ell * ell)),
                        GpKernel.Matern32 => sf2 * (1.0 + Math.Sqrt(3.0) * r) * Math.Exp(-Math.Sqrt(3.0) * r),
                        GpKernel.Matern52 => sf2 * (1.0 + Math.Sqrt(5.0) * r + 5.0 / 3.0 * r * r) * Math.Exp(-Math.Sqrt(5.0) * r),
                        _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
                    };
                    K[i, j] = kij;
                    K[j, i] = kij;
                }
            for (int i = 0; i < n; i++) K[i, i] += sn2 + 1e-8;

            var L = GpCholesky(K);

            // y^T K^{-1} y = |L^{-1} y|^2 via forward substitution
            var alpha = new double[n];
            double quad = 0.0, halfLogDet = 0.0;
            for (int i = 0; i < n; i++)
            {
                double s = y[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * alpha[k];
                alpha[i] = s / L[i, i];
                quad += alpha[i] * alpha[i];
                halfLogDet += Math.Log(L[i, i]);
            }
            return 0.5 * quad + halfLogDet + 0.5 * n * Math.Log(2.0 * Math.PI);
        }

        private static double[,] GpCholesky(double[,] A)
        {
            int n = A.GetLength(0);
            var L = new double[n, n];
            for (int j = 0; j < n; j++)
            {
                double diag = A[j, j];
                for (int k = 0; k < j; k++) diag -= L[j, k] * L[j, k];
                if (diag <= 0.0)
                    throw new InvalidOperationException("Kernel matrix is not positive definite.");
                L[j, j] = Math.Sqrt(diag);
                for (int i = j + 1; i < n; i++)
                {
                    double s = A[i, j];
                    for (int k = 0; k < j; k++) s -= L[i, k] * L[j, k];
                    L[i, j] = s / L[j, j];
                }
            }
            return L;
        }

        public enum GpKernel { SquaredExponential, Matern32, Matern52 }

        [Differentiable]
        public static double QuantileRegressionPinballLoss(double[,] X, double[] y, double[,] coefficients, double[] intercepts, double[] quantiles, double crossingPenalty = 10.0)
        {
            int n = X.GetLength(0), p = X.GetLength(1), q = quantiles.Length;
            if (quantiles.Any(tau => tau <= 0.0 || tau >= 1.0))
                throw new ArgumentException("Quantile levels must lie strictly inside (0, 1).");
            for (int k = 1; k < q; k++)
                if (quantiles[k] <= quantiles[k - 1])
                    throw new ArgumentException("Quantile levels must be strictly increasing.");

            double loss = 0.0;
            var preds = new double[q];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < q; k++)
                {
                    double yhat = intercepts[k];
                    for (int j = 0; j < p; j++) yhat += coefficients[k, j] * X[i, j];
                    preds[k] = yhat;
                    double u = y[i] - yhat;
                    loss += u >= 0.0 ? quantiles[k] * u : (quantiles[k] - 1.0) * u;
                }
                // discourage crossing quantile curves
                for (int k = 1; k < q; k++)
                    loss += crossingPenalty * Math.Max(0.0, preds[k - 1] - preds[k]);
            }
            return loss / n;
        }

        [Differentiable]
        public static double ZeroInflatedPoissonNll(double[][] X, int[] counts, double[] beta, double[] gamma, double[]? exposure = null, double l2 = 0.0)
        {
            if (X.Length != counts.Length)
                throw new ArgumentException("Design matrix and counts disagree in length.");

            double Dot(double[] a, double[] w)
            {
                double s = 0.0;
                for (int j = 0; j < w.Length; j++) s += a[j] * w[j];
                return s;
            }
            double Softplus(double z) => z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));

            double nll = 0.0;
            for (int i = 0; i < counts.Length; i++)
            {
                int yi = counts[i];
                if (yi < 0) throw new ArgumentException($"Negative count at row {i}.");
                double eta = Dot(X[i], beta) + (exposure == null ? 0.0 : Math.Log(exposure[i]));
                double lambda = Math.Exp(eta);
                double logitPi = Dot(X[i], gamma);
                double logPi = -Softplus(-logitPi);
                double log1mPi = -Softplus(logitPi);

                if (yi == 0)
                {
                    double a = logPi, b = log1mPi - lambda;
                    double m = Math.Max(a, b);
                    nll -= m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
                }
                else
                {
                    double logFact = 0.0;
                    for (int k = 2; k <= yi; k++) logFact += Math.Log(k);
                    nll -= log1mPi + yi * eta - lambda - logFact;
                }
            }
            nll += 0.5 * l2 * (beta.Sum(v => v * v) + gamma.Sum(v => v * v));
            return nll;
        }

        [Differentiable]
        public static double NegativeBinomialGlmNll(double[,] X, int[] y, double[] beta, double logAlpha, double[]? weights = null)
        {
            int n = X.GetLength(0), p = X.GetLength(1);
            if (beta.Length != p) throw new ArgumentException("Coefficient vector length must match the number of columns.");
            double alpha = Math.Exp(logAlpha);
            double r = 1.0 / alpha; // NB2 size parameter

            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = 0.0;
                for (int j = 0; j < p; j++) eta += X[i, j] * beta[j];
                double mu = Math.Exp(eta);

                // log Gamma(y + r) - log Gamma(r) - log y! as a finite sum for integer y
                double ll = 0.0;
                for (int k = 0; k < y[i]; k++) ll += Math.Log(r + k) - Math.Log(k + 1.0);
                ll += r * Math.Log(r / (r + mu)) + y[i] * Math.Log(mu / (r + mu));
                total -= (weights?[i] ?? 1.0) * ll;
            }
            return total;
        }

        [Differentiable]
        public static double BetaRegressionNll(double[][] X, double[] y, double[] beta, double logPrecision, string link = "logit")
        {
            const double eps = 1e-10;
            double phi = Math.Exp(logPrecision);
            double nll = 0.0;
            for (int i = 0; i < y.Length; i++)
            {
                if (y[i] <= 0.0 || y[i] >= 1.0)
                    throw new ArgumentException($"Beta regression needs responses in (0,1); row {i} has {y[i]}.");
                double eta = 0.0;
                for (int j = 0; j < beta.Length; j++) eta += X[i][j] * beta[j];

                double mu;
                if (link == "logit")
                    mu = 1.0 / (1.0 + Math.Exp(-eta));
                else if (link == "cloglog")
                    mu = 1.0 - Math.Exp(-Math.Exp(eta));
                else
                    throw new ArgumentException($"Unknown link '{link}'.");
                mu = Math.Min(Math.Max(mu, eps), 1.0 - eps);

                double a = mu * phi, b = (1.0 - mu) * phi;
                double ll = BetaRegLogGamma(phi) - BetaRegLogGamma(a) - BetaRegLogGamma(b)
                            + (a - 1.0) * Math.Log(y[i]) + (b - 1.0) * Math.Log(1.0 - y[i]);
                nll -= ll;
            }
            return nll;
        }

        private static double BetaRegLogGamma(double x)
        {
            // Lanczos approximation (g = 7, n = 9) with reflection for small arguments
            if (x < 0.5)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - BetaRegLogGamma(1.0 - x);
            double[] g =
            {
                676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
            };
            x -= 1.0;
            double a = 0.99999999999980993;
            double t = x + 7.5;
            for (int i = 0; i < g.Length; i++) a += g[i] / (x + i + 1);
            return 0.5 * Math.Log(2.0 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
        }

        [Differentiable]
        public static double DirichletMultinomialNll(int[,] counts, double[] rawAlpha, bool includeMultinomialCoefficient = false, double priorRate = 0.0)
        {
            int docs = counts.GetLength(0), K = counts.GetLength(1);
            if (rawAlpha.Length != K)
                throw new ArgumentException("Need one concentration parameter per category.");

            // softplus keeps every alpha_k strictly positive
            var alpha = rawAlpha.Select(r => r > 20.0 ? r : Math.Log(1.0 + Math.Exp(r))).ToArray();
            double alphaSum = alpha.Sum();
            double lgAlphaSum = DmLogGamma(alphaSum);
            double sumLgAlpha = alpha.Sum(DmLogGamma);

            double nll = 0.0;
            for (int d = 0; d < docs; d++)
            {
                int total = 0;
                double ll = lgAlphaSum - sumLgAlpha;
                for (int k = 0; k < K; k++)
                {
                    int c = counts[d, k];
                    if (c < 0) throw new ArgumentException($"Negative count in document {d}.");
                    total += c;
                    if (c == 0) continue;
                    ll += DmLogGamma(c + alpha[k]);
                    if (includeMultinomialCoefficient) ll -= DmLogGamma(c + 1.0);
                }
                ll -= DmLogGamma(total + alphaSum);
                if (includeMultinomialCoefficient) ll += DmLogGamma(total + 1.0);
                nll -= ll;
            }
            // optional exponential prior on the concentrations
            return nll + priorRate * alphaSum;
        }

        private static double DmLogGamma(double x)
        {
            if (x <= 0.0) throw new ArgumentOutOfRangeException(nameof(x), "log-gamma needs a positive argument.");
            // shift up with the recurrence, then use Stirling's series
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

        [Differentiable]
        public static double VonMisesRegressionNll(double[] angles, double[][] covariates, double meanDirection, double[] beta, double logKappa)
        {
            if (angles.Length != covariates.Length)
                throw new ArgumentException("Each angle needs a covariate row.");
            double kappa = Math.Exp(logKappa);
            double logNorm = Math.Log(2.0 * Math.PI) + LogBesselI0(kappa);

            double nll = 0.0;
            for (int i = 0; i < angles.Length; i++)
            {
                double lin = 0.0;
                for (int j = 0; j < beta.Length; j++) lin += beta[j] * covariates[i][j];
                // Fisher-Lee link maps the real line onto (-pi, pi) around the mean direction
                double mu = meanDirection + 2.0 * Math.Atan(lin);
                nll += logNorm - kappa * Math.Cos(angles[i] - mu);
            }
            return nll;
        }

        private static double LogBesselI0(double kappa)
        {
            if (kappa > 50.0)
            {
                // large-argument asymptotic expansion
                double inv = 1.0 / (8.0 * kappa);
                return kappa - 0.5 * Math.Log(2.0 * Math.PI * kappa) + Math.Log(1.0 + inv + 9.0 * inv * inv / 2.0);
            }
            double halfK2 = 0.25 * kappa * kappa;
            double term = 1.0, sum = 1.0;
            int k = 0;
            while (term > 1e-16 * sum)
            {
                k++;
                term *= halfK2 / ((double)k * k);
                sum += term;
                if (k > 500) break;
            }
            return Math.Log(sum);
        }

        [Differentiable]
        public static double HeatEquationInverseLoss(double[] logConductivity, double[] initialTemperature, int[] sensorCells, double[] sensorReadings, double leftBoundary, double rightBoundary, double dx, double dt, int steps, double smoothnessWeight = 1e-2)
        {
            int n = initialTemperature.Length;
            if (logConductivity.Length != n)
                throw new ArgumentException("Conductivity must be given per cell.");
            if (sensorCells.Length != sensorReadings.Length)
                throw new ArgumentException("Each sensor needs a reading.");

            var kappa = new double[n];
            for (int i = 0; i < n; i++) kappa[i] = Math.Exp(logConductivity[i]);
            double maxKappa = kappa.Max();
            if (maxKappa * dt / (dx * dx) > 0.5)
                throw new InvalidOperationException("Explicit scheme is unstable for this time step; reduce dt.");

            var u = (double[])initialTemperature.Clone();
            var next = new double[n];
            double r = dt / (dx * dx);
            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < n; i++)
                {
                    double left = i == 0 ? leftBoundary : u[i - 1];
                    double right = i == n - 1 ? rightBoundary : u[i + 1];
                    // harmonic-mean conductivity on cell faces
                    double kL = i == 0 ? kappa[i] : 2.0 * kappa[i] * kappa[i - 1] / (kappa[i] + kappa[i - 1]);
                    double kR = i == n - 1 ? kappa[i] : 2.0 * kappa[i] * kappa[i + 1] / (kappa[i] + kappa[i + 1]);
                    next[i] = u[i] + r * (kR * (right - u[i]) - kL * (u[i] - left));
                }
                (u, next) = (next, u);
            }

            double misfit = 0.0;
            for (int m = 0; m < sensorCells.Length; m++)
            {
                double e = u[sensorCells[m]] - sensorReadings[m];
                misfit += e * e;
            }
            double roughness = 0.0;
            for (int i = 1; i < n; i++)
            {
                double g = logConductivity[i] - logConductivity[i - 1];
                roughness += g * g;
            }
            return 0.5 * misfit + smoothnessWeight * roughness;
        }

        [Differentiable]
        public static double PoissonImageEditingEnergy(double[,] composite, double[,] source, double[,] destination, bool[,] region, bool mixedGradients = false)
        {
            int H = composite.GetLength(0), W = composite.GetLength(1);
            if (source.GetLength(0) != H || destination.GetLength(1) != W || region.GetLength(0) != H)
                throw new ArgumentException("All images and the mask must share a shape.");

            int[] di = { -1, 1, 0, 0 };
            int[] dj = { 0, 0, -1, 1 };
            double energy = 0.0;
            int edges = 0;
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                {
                    if (!region[i, j]) continue;
                    for (int k = 0; k < 4; k++)
                    {
                        int qi = i + di[k], qj = j + dj[k];
                        if (qi < 0 || qi >= H || qj < 0 || qj >= W) continue;

                        double guide = source[i, j] - source[qi, qj];
                        if (mixedGradients)
                        {
                            double destGrad = destination[i, j] - destination[qi, qj];
                            if (Math.Abs(destGrad) > Math.Abs(guide)) guide = destGrad;
                        }

                        // outside the region the composite is pinned to the destination (Dirichlet boundary)
                        double fq = region[qi, qj] ? composite[qi, qj] : destination[qi, qj];
                        double diff = composite[i, j] - fq - guide;
                        energy += diff * diff;
                        edges++;
                    }
                }
            return edges == 0 ? 0.0 : energy / edges;
        }

        [Differentiable]
        public static double PhotometricStereoResidual(double[] gradP, double[] gradQ, double[] albedo, double[,] lightDirections, double[] lightIntensities, double[,] observed, double cauchyScale = 0.05, double integrabilityWeight = 0.0, int imageWidth = 0)
        {
            int pixels = gradP.Length, lights = lightDirections.GetLength(0);
            if (gradQ.Length != pixels || albedo.Length != pixels)
                throw new ArgumentException("Per-pixel arrays must have the same length.");
            if (observed.GetLength(0) != pixels || observed.GetLength(1) != lights)
                throw new ArgumentException("Observations must be [pixels, lights].");

            double c2 = cauchyScale * cauchyScale;
            double loss = 0.0;
            for (int px = 0; px < pixels; px++)
            {
                // surface normal from depth gradients: n ~ (-p, -q, 1)
                double norm = Math.Sqrt(gradP[px] * gradP[px] + gradQ[px] * gradQ[px] + 1.0);
                double nx = -gradP[px] / norm, ny = -gradQ[px] / norm, nz = 1.0 / norm;

                for (int l = 0; l < lights; l++)
                {
                    double shading = nx * lightDirections[l, 0] + ny * lightDirections[l, 1] + nz * lightDirections[l, 2];
                    double predicted = albedo[px] * lightIntensities[l] * Math.Max(shading, 0.0); // attached shadow
                    double r = predicted - observed[px, l];
                    loss += 0.5 * c2 * Math.Log(1.0 + r * r / c2);
                }
            }

            if (integrabilityWeight > 0.0 && imageWidth > 0)
            {
                int rows = pixels / imageWidth;
                for (int i = 0; i + 1 < rows; i++)
                    for (int j = 0; j + 1 < imageWidth; j++)
                    {
                        int id = i * imageWidth + j;
                        double curl = (gradP[id + imageWidth] - gradP[id]) - (gradQ[id + 1] - gradQ[id]);
                        loss += integrabilityWeight * curl * curl;
                    }
            }
            return loss / pixels;
        }

        [Differentiable]
        public static float PacejkaTireFitLoss(float[] slipAngles, float[] measuredLateralForce, float stiffnessB, float shapeC, float peakD, float curvatureE, float horizontalShift = 0f, float verticalShift = 0f)
        {
            if (slipAngles.Length != measuredLateralForce.Length)
                throw new ArgumentException("Slip angles and forces must be paired.");
            if (slipAngles.Length == 0) return 0f;

            float sumSq = 0f;
            for (int i = 0; i < slipAngles.Length; i++)
            {
                // Magic Formula: F = D sin(C atan(Bx - E(Bx - atan(Bx)))) + Sv
                float x = slipAngles[i] + horizontalShift;
                float bx = stiffnessB * x;
                float inner = bx - curvatureE * (bx - MathF.Atan(bx));
                float force = peakD * MathF.Sin(shapeC * MathF.Atan(inner)) + verticalShift;
                float r = (force - measuredLateralForce[i]) / MathF.Max(1f, MathF.Abs(measuredLateralForce[i]));
                sumSq += r * r;
            }
            // keep E in its physically meaningful range (E <= 1)
            float ePenalty = MathF.Max(0f, curvatureE - 1f);
            return sumSq / slipAngles.Length + 10f * ePenalty * ePenalty;
        }

        [Differentiable]
        public static double BatteryEcmVoltageLoss(EcmParameters cell, double[] current, double[] measuredVoltage, double dt, double initialSoc = 1.0)
        {
            if (current.Length != measuredVoltage.Length)
                throw new ArgumentException("Current and voltage traces must have the same length.");
            if (cell.CapacityAh <= 0.0) throw new ArgumentException("Capacity must be positive.");
            if (cell.OcvCoefficients == null || cell.OcvCoefficients.Length == 0)
                throw new ArgumentException("An OCV(SOC) polynomial is required.");

            double tau = cell.R1 * cell.C1;
            double decay = Math.Exp(-dt / tau);
            double soc = initialSoc;
            double vRc = 0.0;
            double sse = 0.0;

            for (int k = 0; k < current.Length; k++)
            {
                double i = current[k]; // positive = discharge

                // open-circuit voltage via Horner's scheme
                double ocv = 0.0;
                for (int p = cell.OcvCoefficients.Length - 1; p >= 0; p--)
                    ocv = ocv * soc + cell.OcvCoefficients[p];

                double terminal = ocv - vRc - cell.R0 * i;
                double e = terminal - measuredVoltage[k];
                sse += e * e;

                // zero-order-hold update of the RC branch and coulomb counting
                vRc = decay * vRc + cell.R1 * (1.0 - decay) * i;
                soc -= i * dt / (3600.0 * cell.CapacityAh);
                soc = Math.Clamp(soc, 0.0, 1.0);
            }
            return Math.Sqrt(sse / current.Length);
        }

        public sealed class EcmParameters
        {
            public double R0 { get; set; } = 0.01;
            public double R1 { get; set; } = 0.015;
            public double C1 { get; set; } = 2000.0;
            public double CapacityAh { get; set; } = 2.5;
            public double[] OcvCoefficients { get; set; } = { 3.2, 1.1, -0.6, 0.5 };
        }

        [Differentiable]
        public static double PidTuningCost(double kp, double ki, double kd, double plantGain = 2.0, double timeConstant = 5.0, [Constant] double deadTime = 1.0, double dt = 0.05, [Constant] double horizon = 60.0, double derivativeFilter = 0.1, double outputLimit = 5.0)
        {
            if (dt <= 0.0 || horizon <= dt)
                throw new ArgumentException("Need a positive step smaller than the horizon.");
            int steps = (int)Math.Round(horizon / dt);
            int delaySteps = Math.Max(0, (int)Math.Round(deadTime / dt));

            // first-order-plus-dead-time plant, transport delay as a ring buffer
            var delayLine = new double[delaySteps + 1];
            int head = 0;
            double y = 0.0, integral = 0.0, dFiltered = 0.0, prevError = 1.0;
            double itae = 0.0, effort = 0.0, peak = 0.0;
            const double setpoint = 1.0;

            for (int k = 0; k < steps; k++)
            {
                double t = k * dt;
                double error = setpoint - y;

                double rawDerivative = (error - prevError) / dt;
                double alpha = dt / (derivativeFilter + dt);
                dFiltered += alpha * (rawDerivative - dFiltered);
                prevError = error;

                double unsaturated = kp * error + ki * integral + kd * dFiltered;
                double u = Math.Clamp(unsaturated, -outputLimit, outputLimit);
                // conditional integration anti-windup
                if (u == unsaturated || Math.Sign(error) != Math.Sign(unsaturated))
                    integral += error * dt;

                delayLine[head] = u;
                head = (head + 1) % delayLine.Length;
                double delayedU = delayLine[head];

                y += dt / timeConstant * (plantGain * delayedU - y);

                itae += t * Math.Abs(error) * dt;
                effort += u * u * dt;
                peak = Math.Max(peak, y);
            }
            double overshoot = Math.Max(0.0, peak - setpoint);
            return itae + 0.01 * effort + 50.0 * overshoot * overshoot;
        }

        [Differentiable]
        public static float WindTurbinePowerCurveLoss(float[] windSpeed, float[] airDensity, float[] measuredPowerKw, float ratedPowerKw, float midpointSpeed, float steepness, float asymmetry, [Constant] float cutIn = 3f, [Constant] float cutOut = 25f, float huberDelta = 50f)
        {
            if (windSpeed.Length != measuredPowerKw.Length || airDensity.Length != windSpeed.Length)
                throw new ArgumentException("Wind speed, density and power series must align.");
            const float referenceDensity = 1.225f;

            float loss = 0f;
            int count = 0;
            for (int i = 0; i < windSpeed.Length; i++)
            {
                if (float.IsNaN(measuredPowerKw[i])) continue; // SCADA gaps
                // IEC 61400-12 density normalisation of the wind speed
                float v = windSpeed[i] * MathF.Pow(airDensity[i] / referenceDensity, 1f / 3f);

                float predicted;
                if (v < cutIn || v > cutOut)
                    predicted = 0f;
                else
                    predicted = ratedPowerKw / MathF.Pow(1f + MathF.Exp(-steepness * (v - midpointSpeed)), asymmetry);

                float r = predicted - measuredPowerKw[i];
                float ar = MathF.Abs(r);
                loss += ar <= huberDelta ? 0.5f * r * r : huberDelta * (ar - 0.5f * huberDelta);
                count++;
            }
            return count > 0 ? loss / count : 0f;
        }

        [Differentiable]
        public static double GreenAmptInfiltrationLoss(double logKs, double logSuctionHead, double moistureDeficit, double[] rainfallRate, double[] observedCumulative, double dt, [Constant] double tolerance = 1e-10, int maxNewton = 50)
        {
            if (rainfallRate.Length != observedCumulative.Length)
                throw new ArgumentException("Rainfall and observed infiltration must have the same length.");
            if (moistureDeficit <= 0.0 || moistureDeficit >= 1.0)
                throw new ArgumentOutOfRangeException(nameof(moistureDeficit), "Moisture deficit must be in (0, 1).");

            double Ks = Math.Exp(logKs);
            double S = Math.Exp(logSuctionHead) * moistureDeficit; // psi * delta theta
            double F = 1e-6; // cumulative infiltration depth
            double sse = 0.0;

            for (int t = 0; t < rainfallRate.Length; t++)
            {
                double rain = rainfallRate[t];
                double capacity = Ks * (1.0 + S / F);
                double Fprev = F;
                if (rain <= capacity)
                {
                    F = Fprev + rain * dt; // everything soaks in
                }
                else
                {
                    // ponded: solve F - Fprev - S ln((F + S)/(Fprev + S)) = Ks dt by Newton
                    double guess = Fprev + Ks * dt;
                    int iter = 0;
                    while (iter++ < maxNewton)
                    {
                        double g = guess - Fprev - S * Math.Log((guess + S) / (Fprev + S)) - Ks * dt;
                        double dg = guess / (guess + S);
                        double step = g / dg;
                        guess -= step;
                        if (guess <= Fprev) guess = Fprev + 1e-12;
                        if (Math.Abs(step) < tolerance) break;
                    }
                    F = Math.Min(guess, Fprev + rain * dt);
                }
                double e = F - observedCumulative[t];
                sse += e * e;
            }
            return sse / rainfallRate.Length;
        }

        [Differentiable]
        public static double HillDoseResponseNll(double[] doses, int[] responders, int[] subjects, double logEc50, double hillSlope, double logitBottom, double logitTop)
        {
            double bottom = 1.0 / (1.0 + Math.Exp(-logitBottom));
            double top = 1.0 / (1.0 + Math.Exp(-logitTop));
            double nll = 0.0;
            for (int i = 0; i < doses.Length; i++)
            {
                if (responders[i] > subjects[i]) throw new ArgumentException($"More responders than subjects in group {i}.");
                double p = doses[i] <= 0.0
                    ? bottom
                    : bottom + (top - bottom) / (1.0 + Math.Exp(hillSlope * (logEc50 - Math.Log(doses[i]))));
                p = Math.Clamp(p, 1e-12, 1.0 - 1e-12);
                nll -= responders[i] * Math.Log(p) + (subjects[i] - responders[i]) * Math.Log(1.0 - p);
            }
            return nll;
        }

        /// <summary>Accepted after the argsort (OrderByDescending(...).Take(topK).ToArray()) was lowered, later in this round.</summary>
        [Differentiable]
        public static double MixtureOfExpertsLoss(double[][] x, double[] y, double[,] gateWeights, double[][,] expertHidden, double[][] expertOut, int topK = 2, double balanceWeight = 0.01)
        {
            int n = x.Length, experts = gateWeights.GetLength(0), d = gateWeights.GetLength(1);
            if (topK < 1 || topK > experts)
                throw new ArgumentOutOfRangeException(nameof(topK), "topK must be between 1 and the number of experts.");
            if (expertHidden.Length != experts || expertOut.Length != experts)
                throw new ArgumentException("Each expert needs hidden and output weights.");

            var importance = new double[experts];
            var logits = new double[experts];
            double mse = 0.0;
            for (int s = 0; s < n; s++)
            {
                for (int e = 0; e < experts; e++)
                {
                    double a = 0.0;
                    for (int j = 0; j < d; j++) a += gateWeights[e, j] * x[s][j];
                    logits[e] = a;
                }

                int[] chosen = Enumerable.Range(0, experts).OrderByDescending(e => logits[e]).Take(topK).ToArray();
                double maxLogit = logits[chosen[0]];
                double z = chosen.Sum(e => Math.Exp(logits[e] - maxLogit));

                double pred = 0.0;
                foreach (int e in chosen)
                {
                    double g = Math.Exp(logits[e] - maxLogit) / z;
                    importance[e] += g;
                    pred += g * ExpertForward(x[s], expertHidden[e], expertOut[e]);
                }
                double err = pred - y[s];
                mse += err * err;
            }
            mse /= n;

            // auxiliary load-balancing term: squared coefficient of variation of expert importance
            double mean = importance.Average();
            double variance = importance.Select(v => (v - mean) * (v - mean)).Sum() / experts;
            double cv2 = variance / (mean * mean + 1e-10);
            return mse + balanceWeight * cv2;
        }

        private static double ExpertForward(double[] x, double[,] hiddenW, double[] outW)
        {
            int hidden = hiddenW.GetLength(0);
            double y = 0.0;
            for (int i = 0; i < hidden; i++)
            {
                double a = 0.0;
                for (int j = 0; j < x.Length; j++) a += hiddenW[i, j] * x[j];
                y += outW[i] * Math.Tanh(a);
            }
            return y;
        }

        [Differentiable]
        public static double NBodyOrbitFitLoss(double[] logMasses, double[,] initialPositions, double[,] initialVelocities, double[,] observedFinalPositions, double duration, int steps = 200, double softening = 1e-3, double gravitationalConstant = 1.0)
        {
            int n = logMasses.Length;
            if (initialPositions.GetLength(0) != n || initialVelocities.GetLength(0) != n)
                throw new ArgumentException("Positions and velocities need one row per body.");
            if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps));

            var mass = logMasses.Select(Math.Exp).ToArray();
            var pos = (double[,])initialPositions.Clone();
            var vel = (double[,])initialVelocities.Clone();
            double dt = duration / steps;
            double eps2 = softening * softening;

            double[,] Accelerations(double[,] p)
            {
                var acc = new double[n, 3];
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++)
                    {
                        double dx = p[j, 0] - p[i, 0], dy = p[j, 1] - p[i, 1], dz = p[j, 2] - p[i, 2];
                        double r2 = dx * dx + dy * dy + dz * dz + eps2;
                        double invR3 = gravitationalConstant / (r2 * Math.Sqrt(r2));
                        acc[i, 0] += mass[j] * dx * invR3; acc[i, 1] += mass[j] * dy * invR3; acc[i, 2] += mass[j] * dz * invR3;
                        acc[j, 0] -= mass[i] * dx * invR3; acc[j, 1] -= mass[i] * dy * invR3; acc[j, 2] -= mass[i] * dz * invR3;
                    }
                return acc;
            }

            // kick-drift-kick leapfrog
            var a = Accelerations(pos);
            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < n; i++)
                    for (int d = 0; d < 3; d++)
                    {
                        vel[i, d] += 0.5 * dt * a[i, d];
                        pos[i, d] += dt * vel[i, d];
                    }
                a = Accelerations(pos);
                for (int i = 0; i < n; i++)
                    for (int d = 0; d < 3; d++)
                        vel[i, d] += 0.5 * dt * a[i, d];
            }

            double loss = 0.0;
            for (int i = 0; i < n; i++)
                for (int d = 0; d < 3; d++)
                {
                    double e = pos[i, d] - observedFinalPositions[i, d];
                    loss += e * e;
                }
            return loss / n;
        }

        [Differentiable]
        public static double BayesianLinearRegressionEvidence(double[] x, double[] t, double logAlpha, double logBeta, int numBasis = 6, string basis = "gaussian", double basisWidth = 0.3)
        {
            int N = x.Length, M = numBasis;
            if (t.Length != N) throw new ArgumentException("x and t must have the same length.");
            if (M < 1) throw new ArgumentOutOfRangeException(nameof(numBasis));
            double alpha = Math.Exp(logAlpha), beta = Math.Exp(logBeta);

            double xMin = x.Min(), xMax = x.Max();
            var Phi = new double[N, M];
            for (int n = 0; n < N; n++)
                for (int m = 0; m < M; m++)
                {
                    Phi[n, m] = basis switch
                    {
                        "polynomial" => Math.Pow(x[n], m),
                        "gaussian" => m == 0 ? 1.0 : Math.Exp(-0.5 * Math.Pow((x[n] - (xMin + (xMax - xMin) * (m - 1) / Math.Max(1, M - 2))) / basisWidth, 2)),
                        _ => throw new ArgumentException($"Unsupported basis '{basis}'."),
                    };
                }

            // A = alpha I + beta Phi^T Phi,   b = beta Phi^T t
            var A = new double[M, M];
            var b = new double[M];
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < M; j++)
                {
                    double s = 0.0;
                    for (int n = 0; n < N; n++) s += Phi[n, i] * Phi[n, j];
                    A[i, j] = beta * s + (i == j ? alpha : 0.0);
                }
                double r = 0.0;
                for (int n = 0; n < N; n++) r += Phi[n, i] * t[n];
                b[i] = beta * r;
            }

            var (mN, logDetA) = SolveWithLogDet(A, b);

            double sse = 0.0;
            for (int n = 0; n < N; n++)
            {
                double pred = 0.0;
                for (int m = 0; m < M; m++) pred += Phi[n, m] * mN[m];
                sse += (t[n] - pred) * (t[n] - pred);
            }
            double mm = mN.Sum(v => v * v);
            double E = 0.5 * beta * sse + 0.5 * alpha * mm;
            double logEvidence = 0.5 * M * logAlpha + 0.5 * N * logBeta - E - 0.5 * logDetA - 0.5 * N * Math.Log(2.0 * Math.PI);
            return -logEvidence;
        }

        private static (double[] solution, double logDet) SolveWithLogDet(double[,] A, double[] b)
        {
            int n = b.Length;
            var a = (double[,])A.Clone();
            var rhs = (double[])b.Clone();
            double logDet = 0.0;
            for (int col = 0; col < n; col++)
            {
                int pivot = col;
                for (int r = col + 1; r < n; r++)
                    if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
                if (Math.Abs(a[pivot, col]) < 1e-14)
                    throw new InvalidOperationException("Posterior precision matrix is singular.");
                if (pivot != col)
                {
                    for (int c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                    (rhs[col], rhs[pivot]) = (rhs[pivot], rhs[col]);
                }
                logDet += Math.Log(Math.Abs(a[col, col]));
                for (int r = col + 1; r < n; r++)
                {
                    double f = a[r, col] / a[col, col];
                    for (int c = col; c < n; c++) a[r, c] -= f * a[col, c];
                    rhs[r] -= f * rhs[col];
                }
            }
            var xs = new double[n];
            for (int r = n - 1; r >= 0; r--)
            {
                double s = rhs[r];
                for (int c = r + 1; c < n; c++) s -= a[r, c] * xs[c];
                xs[r] = s / a[r, r];
            }
            return (xs, logDet);
        }

        [Differentiable]
        public static double CameraReprojectionError(double[] intrinsics, double[] rotationVector, double[] translation, double[,] worldPoints, double[,] imagePoints, double huberDelta = 1.0)
        {
            if (intrinsics.Length != 6)
                throw new ArgumentException("Intrinsics are [fx, fy, cx, cy, k1, k2].");
            int n = worldPoints.GetLength(0);
            if (imagePoints.GetLength(0) != n)
                throw new ArgumentException("Every world point needs an image observation.");
            double fx = intrinsics[0], fy = intrinsics[1], cx = intrinsics[2], cy = intrinsics[3];
            double k1 = intrinsics[4], k2 = intrinsics[5];

            // Rodrigues: rotation vector -> matrix
            double wx = rotationVector[0], wy = rotationVector[1], wz = rotationVector[2];
            double theta = Math.Sqrt(wx * wx + wy * wy + wz * wz);
            double a, b;
            if (theta < 1e-8)
            {
                a = 1.0 - theta * theta / 6.0;   // sin(t)/t
                b = 0.5 - theta * theta / 24.0;  // (1-cos t)/t^2
            }
            else
            {
                a = Math.Sin(theta) / theta;
                b = (1.0 - Math.Cos(theta)) / (theta * theta);
            }
            var R = new double[3, 3]
            {
                { 1.0 - b * (wy * wy + wz * wz), -a * wz + b * wx * wy, a * wy + b * wx * wz },
                { a * wz + b * wx * wy, 1.0 - b * (wx * wx + wz * wz), -a * wx + b * wy * wz },
                { -a * wy + b * wx * wz, a * wx + b * wy * wz, 1.0 - b * (wx * wx + wy * wy) },
            };

            double loss = 0.0;
            int used = 0;
            for (int i = 0; i < n; i++)
            {
                double X = R[0, 0] * worldPoints[i, 0] + R[0, 1] * worldPoints[i, 1] + R[0, 2] * worldPoints[i, 2] + translation[0];
                double Y = R[1, 0] * worldPoints[i, 0] + R[1, 1] * worldPoints[i, 1] + R[1, 2] * worldPoints[i, 2] + translation[1];
                double Z = R[2, 0] * worldPoints[i, 0] + R[2, 1] * worldPoints[i, 1] + R[2, 2] * worldPoints[i, 2] + translation[2];
                if (Z <= 1e-6) continue; // behind the camera, cannot be observed

                double xn = X / Z, yn = Y / Z;
                double r2 = xn * xn + yn * yn;
                double radial = 1.0 + k1 * r2 + k2 * r2 * r2;
                double u = fx * xn * radial + cx;
                double v = fy * yn * radial + cy;

                foreach (double res in new[] { u - imagePoints[i, 0], v - imagePoints[i, 1] })
                {
                    double ar = Math.Abs(res);
                    loss += ar <= huberDelta ? 0.5 * res * res : huberDelta * (ar - 0.5 * huberDelta);
                }
                used++;
            }
            if (used == 0) throw new InvalidOperationException("No points project in front of the camera.");
            return loss / used;
        }
    }
}
