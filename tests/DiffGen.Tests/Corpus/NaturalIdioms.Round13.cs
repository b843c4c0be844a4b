using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 13 of natural idioms: a probe batch of 32 functions written by a helper that never read DiffGen's documentation
    /// (losses, layers, physics, numerics and "messy real code" styles), kept as written. 29 were accepted as written; the
    /// three that needed the generator to change are <see cref="Conv1d"/> and <see cref="HeatEquationEnergy"/> (a check
    /// after local declarations: a late guard) and <see cref="SpringNetworkEnergy"/> (an int[][] parameter).
    /// </summary>
    public static partial class NaturalRound13
    {
        [Differentiable]
        public static double FocalLoss(double[] logits, int[] labels, double gamma = 2.0, double alpha = 0.25)
        {
            if (logits.Length != labels.Length)
                throw new ArgumentException("logits and labels must have the same length");
            const double eps = 1e-7;
            double total = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = 1.0 / (1.0 + Math.Exp(-logits[i]));
                p = Math.Clamp(p, eps, 1.0 - eps);
                bool positive = labels[i] == 1;
                double pt = positive ? p : 1.0 - p;
                double at = positive ? alpha : 1.0 - alpha;
                total += -at * Math.Pow(1.0 - pt, gamma) * Math.Log(pt);
            }
            return total / logits.Length;
        }

        [Differentiable]
        public static double TripletLoss(double[][] anchors, double[][] positives, double[][] negatives, double margin = 1.0)
        {
            double loss = 0.0;
            int n = anchors.Length;
            for (int i = 0; i < n; i++)
            {
                double dPos = Math.Sqrt(SquaredDistance(anchors[i], positives[i]) + 1e-12);
                double dNeg = Math.Sqrt(SquaredDistance(anchors[i], negatives[i]) + 1e-12);
                loss += Math.Max(0.0, dPos - dNeg + margin);
            }
            return loss / n;
        }

        private static double SquaredDistance(double[] a, double[] b)
        {
            double s = 0.0;
            for (int j = 0; j < a.Length; j++)
            {
                var d = a[j] - b[j];
                s += d * d;
            }
            return s;
        }

        [Differentiable]
        public static double InfoNceLoss(double[,] queries, double[,] keys, double temperature = 0.07)
        {
            int n = queries.GetLength(0), d = queries.GetLength(1);
            double RowNorm(double[,] m, int row)
            {
                double s = 0.0;
                for (int k = 0; k < d; k++) s += m[row, k] * m[row, k];
                return Math.Sqrt(s) + 1e-8;
            }

            double loss = 0.0;
            var logits = new double[n];
            for (int i = 0; i < n; i++)
            {
                double qn = RowNorm(queries, i);
                double maxLogit = double.NegativeInfinity;
                for (int j = 0; j < n; j++)
                {
                    double dot = 0.0;
                    for (int k = 0; k < d; k++) dot += queries[i, k] * keys[j, k];
                    logits[j] = dot / (qn * RowNorm(keys, j) * temperature);
                    maxLogit = Math.Max(maxLogit, logits[j]);
                }
                double sumExp = 0.0;
                for (int j = 0; j < n; j++) sumExp += Math.Exp(logits[j] - maxLogit);
                // positive pair for query i is key i
                loss -= logits[i] - maxLogit - Math.Log(sumExp);
            }
            return loss / n;
        }

        [Differentiable]
        public static double HuberLoss(double[] predictions, double[] targets, double delta = 1.0)
        {
            if (predictions.Length == 0)
                throw new ArgumentException("empty input", nameof(predictions));
            double sum = 0.0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double r = Math.Abs(predictions[i] - targets[i]);
                sum += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
            }
            return sum / predictions.Length;
        }

        private static readonly double[] PinballQuantiles = { 0.1, 0.5, 0.9 };

        [Differentiable]
        public static double QuantileLoss(double[,] predictions, double[] targets)
        {
            // predictions[i, q] is the forecast of quantile PinballQuantiles[q] for sample i
            int n = targets.Length;
            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                for (int q = 0; q < PinballQuantiles.Length; q++)
                {
                    double tau = PinballQuantiles[q];
                    double diff = targets[i] - predictions[i, q];
                    total += Math.Max(tau * diff, (tau - 1.0) * diff);
                }
            }
            return total / (n * PinballQuantiles.Length);
        }

        [Differentiable]
        public static double KlDivergenceSoftmax(double[] teacherLogits, double[] studentLogits, double temperature = 2.0)
        {
            var logP = LogSoftmaxWithTemperature(teacherLogits, temperature);
            var logQ = LogSoftmaxWithTemperature(studentLogits, temperature);
            double kl = 0.0;
            for (int i = 0; i < logP.Length; i++)
                kl += Math.Exp(logP[i]) * (logP[i] - logQ[i]);
            // scale by T^2 so gradient magnitudes don't shrink with temperature
            return kl * temperature * temperature;
        }

        private static double[] LogSoftmaxWithTemperature(double[] logits, double t)
        {
            double max = logits.Max();
            double lse = 0.0;
            foreach (var z in logits)
                lse += Math.Exp((z - max) / t);
            lse = Math.Log(lse);
            var result = new double[logits.Length];
            for (int i = 0; i < logits.Length; i++)
                result[i] = (logits[i] - max) / t - lse;
            return result;
        }

        [Differentiable]
        public static double LabelSmoothedCrossEntropy(double[][] logits, int[] targets, double smoothing = 0.1)
        {
            if (logits.Length == 0) throw new ArgumentException("empty batch", nameof(logits));
            int numClasses = logits[0].Length;
            double confidence = 1.0 - smoothing;
            double off = smoothing / numClasses;
            double loss = 0.0;
            for (int b = 0; b < logits.Length; b++)
            {
                var row = logits[b];
                double m = row.Max();
                double sumExp = row.Sum(z => Math.Exp(z - m));
                double logZ = m + Math.Log(sumExp);
                for (int c = 0; c < numClasses; c++)
                {
                    double target = (c == targets[b] ? confidence : 0.0) + off;
                    loss -= target * (row[c] - logZ);
                }
            }
            return loss / logits.Length;
        }

        [Differentiable]
        public static float SoftDiceLoss(float[] logits, float[] mask, float smooth = 1f)
        {
            float intersection = 0f, predSum = 0f, maskSum = 0f;
            for (int i = 0; i < logits.Length; i++)
            {
                float p = 1f / (1f + MathF.Exp(-logits[i]));
                intersection += p * mask[i];
                predSum += p;
                maskSum += mask[i];
            }
            float dice = (2f * intersection + smooth) / (predSum + maskSum + smooth);
            return 1f - dice;
        }

        [Differentiable]
        public static void LayerNorm(double[,] x, double[] gamma, double[] beta, double[,] y, double eps = 1e-5)
        {
            int rows = x.GetLength(0), cols = x.GetLength(1);
            for (int r = 0; r < rows; r++)
            {
                double mean = 0.0;
                for (int c = 0; c < cols; c++) mean += x[r, c];
                mean /= cols;

                double variance = 0.0;
                for (int c = 0; c < cols; c++)
                {
                    double d = x[r, c] - mean;
                    variance += d * d;
                }
                variance /= cols;

                double invStd = 1.0 / Math.Sqrt(variance + eps);
                for (int c = 0; c < cols; c++)
                    y[r, c] = (x[r, c] - mean) * invStd * gamma[c] + beta[c];
            }
        }

        [Differentiable]
        public static void RmsNorm(float[] x, float[] weight, float[] output, float eps = 1e-6f)
        {
            float sumSq = 0f;
            for (int i = 0; i < x.Length; i++)
                sumSq += x[i] * x[i];
            float scale = 1f / MathF.Sqrt(sumSq / x.Length + eps);
            for (int i = 0; i < x.Length; i++)
                output[i] = x[i] * scale * weight[i];
        }

        [Differentiable]
        public static void GeluMlp(double[] x, double[,] w1, double[] b1, double[,] w2, double[] b2, double[] output)
        {
            int hidden = b1.Length;
            var h = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double acc = b1[j];
                for (int i = 0; i < x.Length; i++)
                    acc += w1[j, i] * x[i];
                h[j] = Gelu(acc);
            }
            for (int k = 0; k < output.Length; k++)
            {
                double acc = b2[k];
                for (int j = 0; j < hidden; j++)
                    acc += w2[k, j] * h[j];
                output[k] = acc;
            }

            static double Gelu(double v)
            {
                const double c = 0.7978845608028654; // sqrt(2/pi)
                return 0.5 * v * (1.0 + Math.Tanh(c * (v + 0.044715 * v * v * v)));
            }
        }

        [Differentiable]
        public static void Conv1d(double[] input, double[] kernel, double bias, double[] output, int stride = 1, int padding = 0)
        {
            int k = kernel.Length;
            int outLen = (input.Length + 2 * padding - k) / stride + 1;
            if (output.Length < outLen)
                throw new ArgumentException($"output needs at least {outLen} elements", nameof(output));
            Array.Fill(output, bias);
            for (int o = 0; o < outLen; o++)
            {
                int start = o * stride - padding;
                for (int j = 0; j < k; j++)
                {
                    int idx = start + j;
                    if (idx < 0 || idx >= input.Length) continue; // zero padding
                    output[o] += kernel[j] * input[idx];
                }
            }
        }

        [Differentiable]
        public static void MaxPool1d(double[] input, double[] output, int poolSize = 2, int stride = 2)
        {
            int outLen = (input.Length - poolSize) / stride + 1;
            for (int o = 0; o < outLen && o < output.Length; o++)
            {
                int start = o * stride;
                double best = input[start];
                for (int j = 1; j < poolSize; j++)
                {
                    if (input[start + j] > best)
                        best = input[start + j];
                }
                output[o] = best;
            }
        }

        [Differentiable]
        public static void SingleQueryAttention(double[] query, double[,] keys, double[,] values, double[] output)
        {
            int seqLen = keys.GetLength(0);
            int dk = keys.GetLength(1);
            int dv = values.GetLength(1);
            double scale = 1.0 / Math.Sqrt(dk);
            var scores = new double[seqLen];
            double maxScore = double.NegativeInfinity;
            for (int t = 0; t < seqLen; t++)
            {
                double s = 0.0;
                for (int i = 0; i < dk; i++) s += query[i] * keys[t, i];
                scores[t] = s * scale;
                maxScore = Math.Max(maxScore, scores[t]);
            }
            double denom = 0.0;
            for (int t = 0; t < seqLen; t++)
            {
                scores[t] = Math.Exp(scores[t] - maxScore);
                denom += scores[t];
            }
            for (int j = 0; j < dv; j++)
            {
                double acc = 0.0;
                for (int t = 0; t < seqLen; t++) acc += scores[t] * values[t, j];
                output[j] = acc / denom;
            }
        }

        [Differentiable]
        public static void GruCell(double[] x, double[] hPrev, double[,] wIn, double[,] wHid, double[] bias, double[] hNext)
        {
            // gate rows are laid out as [reset | update | candidate], each of size H
            int H = hPrev.Length;
            int D = x.Length;
            for (int j = 0; j < H; j++)
            {
                double r = bias[j], z = bias[H + j], nIn = bias[2 * H + j], nHid = 0.0;
                for (int i = 0; i < D; i++)
                {
                    r += wIn[j, i] * x[i];
                    z += wIn[H + j, i] * x[i];
                    nIn += wIn[2 * H + j, i] * x[i];
                }
                for (int i = 0; i < H; i++)
                {
                    r += wHid[j, i] * hPrev[i];
                    z += wHid[H + j, i] * hPrev[i];
                    nHid += wHid[2 * H + j, i] * hPrev[i];
                }
                r = Sigmoid(r);
                z = Sigmoid(z);
                double n = Math.Tanh(nIn + r * nHid);
                hNext[j] = (1.0 - z) * n + z * hPrev[j];
            }
        }

        private static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));

        [Differentiable]
        public static void EmbeddingBag(double[,] table, int[] indices, int[] offsets, double[,] output, int mode = 0)
        {
            // mode: 0 = sum, 1 = mean, 2 = max (same as torch.nn.EmbeddingBag)
            int dim = table.GetLength(1);
            int numBags = offsets.Length;
            for (int b = 0; b < numBags; b++)
            {
                int start = offsets[b];
                int end = b + 1 < numBags ? offsets[b + 1] : indices.Length;
                int count = end - start;
                for (int d = 0; d < dim; d++)
                {
                    double acc = mode == 2 ? double.NegativeInfinity : 0.0;
                    for (int p = start; p < end; p++)
                    {
                        double v = table[indices[p], d];
                        acc = mode == 2 ? Math.Max(acc, v) : acc + v;
                    }
                    if (mode == 1 && count > 0) acc /= count;
                    output[b, d] = count == 0 ? 0.0 : acc;
                }
            }
        }

        [Differentiable]
        public static double SpringNetworkEnergy(double[,] pos, double[,] vel, double[] mass, int[][] neighbours, double stiffness, double restLength)
        {
            double kinetic = 0.0, potential = 0.0;
            int n = mass.Length;
            for (int i = 0; i < n; i++)
            {
                kinetic += 0.5 * mass[i] * (vel[i, 0] * vel[i, 0] + vel[i, 1] * vel[i, 1]);
                foreach (int j in neighbours[i])
                {
                    if (j <= i) continue; // count each spring once
                    double dx = pos[j, 0] - pos[i, 0];
                    double dy = pos[j, 1] - pos[i, 1];
                    double len = Math.Sqrt(dx * dx + dy * dy);
                    double stretch = len - restLength;
                    potential += 0.5 * stiffness * stretch * stretch;
                }
            }
            return kinetic + potential;
        }

        [Differentiable]
        public static double HeatEquationEnergy(double[] initial, double diffusivity, double dt, double dx, int steps)
        {
            int n = initial.Length;
            var u = (double[])initial.Clone();
            var next = new double[n];
            double r = diffusivity * dt / (dx * dx);
            if (r > 0.5) throw new ArgumentException("explicit scheme is unstable for r > 0.5");
            int step = 0;
            while (step < steps)
            {
                next[0] = 0.0;          // Dirichlet boundaries
                next[n - 1] = 0.0;
                for (int i = 1; i < n - 1; i++)
                    next[i] = u[i] + r * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
                (u, next) = (next, u);
                step++;
            }
            double energy = 0.0;
            for (int i = 0; i < n; i++) energy += u[i] * u[i] * dx;
            return energy;
        }

        [Differentiable]
        public static double LennardJonesEnergy(double[,] positions, double epsilon = 1.0, double sigma = 1.0, double cutoff = 2.5)
        {
            int n = positions.GetLength(0);
            double rc = cutoff * sigma;
            double rc2 = rc * rc;
            double src6 = Math.Pow(sigma / rc, 6);
            double shift = 4.0 * epsilon * (src6 * src6 - src6); // so the potential is zero at the cutoff
            double energy = 0.0;
            for (int i = 0; i < n - 1; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dx = positions[i, 0] - positions[j, 0];
                    double dy = positions[i, 1] - positions[j, 1];
                    double dz = positions[i, 2] - positions[j, 2];
                    double r2 = dx * dx + dy * dy + dz * dz;
                    if (r2 > rc2) continue;
                    double sr2 = sigma * sigma / r2;
                    double sr6 = sr2 * sr2 * sr2;
                    energy += 4.0 * epsilon * (sr6 * sr6 - sr6) - shift;
                }
            }
            return energy;
        }

        [Differentiable]
        public static double Horner(double x, params double[] coefficients)
        {
            if (coefficients.Length == 0)
                throw new ArgumentException("need at least one coefficient", nameof(coefficients));
            // coefficients are ordered from highest degree down to the constant term
            double acc = coefficients[0];
            for (int i = 1; i < coefficients.Length; i++)
                acc = acc * x + coefficients[i];
            return acc;
        }

        [Differentiable]
        public static double InterpolationLoss(double[] knotX, double[] knotY, double[] queryX, double[] targets)
        {
            // piecewise-linear interpolation; knotX must be sorted ascending
            double loss = 0.0;
            for (int q = 0; q < queryX.Length; q++)
            {
                double xq = Math.Clamp(queryX[q], knotX[0], knotX[^1]);
                int seg = 0;
                while (seg < knotX.Length - 2 && xq > knotX[seg + 1])
                    seg++;
                double t = (xq - knotX[seg]) / (knotX[seg + 1] - knotX[seg]);
                double yq = knotY[seg] + t * (knotY[seg + 1] - knotY[seg]);
                double err = yq - targets[q];
                loss += err * err;
            }
            return loss / queryX.Length;
        }

        [Differentiable]
        public static double SimpsonSecondMoment(double mu, double sigma, double a, double b, int intervals = 64)
        {
            if (intervals % 2 == 1) intervals++; // Simpson needs an even number of intervals
            double h = (b - a) / intervals;
            double Integrand(double t) => t * t * Math.Exp(-0.5 * (t - mu) * (t - mu) / (sigma * sigma));

            double sum = Integrand(a) + Integrand(b);
            for (int i = 1; i < intervals; i++)
            {
                double w = i % 2 == 0 ? 2.0 : 4.0;
                sum += w * Integrand(a + i * h);
            }
            return sum * h / 3.0 / (sigma * Math.Sqrt(2.0 * Math.PI));
        }

        [Differentiable]
        public static double LogisticRegressionLoss(double[,] X, double[] y, double[] weights, double bias, double l2 = 1e-3)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double z = bias;
                for (int j = 0; j < d; j++) z += X[i, j] * weights[j];
                // log(1 + exp(z)) computed stably
                double softplus = z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));
                nll += softplus - y[i] * z;
            }
            double reg = 0.0;
            foreach (var w in weights) reg += w * w;
            return nll / n + 0.5 * l2 * reg;
        }

        [Differentiable]
        public static double GpLogMarginalLikelihood(double[] xs, double[] ys, double lengthScale, double signalVar, double noiseVar)
        {
            int n = xs.Length;
            var K = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double d = xs[i] - xs[j];
                    K[i, j] = signalVar * Math.Exp(-0.5 * d * d / (lengthScale * lengthScale)) + (i == j ? noiseVar : 0.0);
                }
            var L = Cholesky(K);
            // forward substitution L z = y, then y^T K^-1 y = z^T z
            var z = new double[n];
            double quad = 0.0, logDet = 0.0;
            for (int i = 0; i < n; i++)
            {
                double s = ys[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * z[k];
                z[i] = s / L[i, i];
                quad += z[i] * z[i];
                logDet += 2.0 * Math.Log(L[i, i]);
            }
            return -0.5 * quad - 0.5 * logDet - 0.5 * n * Math.Log(2.0 * Math.PI);
        }

        private static double[,] Cholesky(double[,] a)
        {
            int n = a.GetLength(0);
            var L = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double sum = a[i, j];
                    for (int k = 0; k < j; k++) sum -= L[i, k] * L[j, k];
                    L[i, j] = i == j ? Math.Sqrt(sum) : sum / L[j, j];
                }
            return L;
        }

        [Differentiable]
        public static double AnnealedSoftmaxLoss(double[] logits, int target, int step, int totalSteps, int schedule = 0)
        {
            const double tStart = 5.0, tEnd = 0.5;
            double progress = Math.Clamp((double)step / totalSteps, 0.0, 1.0);
            double temperature = schedule switch
            {
                0 => tStart + (tEnd - tStart) * progress,                                 // linear
                1 => tStart * Math.Pow(tEnd / tStart, progress),                          // exponential
                2 => tEnd + 0.5 * (tStart - tEnd) * (1.0 + Math.Cos(Math.PI * progress)), // cosine
                _ => throw new ArgumentOutOfRangeException(nameof(schedule)),
            };
            double max = logits.Max();
            double sum = 0.0;
            for (int i = 0; i < logits.Length; i++)
                sum += Math.Exp((logits[i] - max) / temperature);
            double logProb = (logits[target] - max) / temperature - Math.Log(sum);
            return -logProb;
        }

        public record Config(double Lr, double Eps);

        [Differentiable]
        public static double UnrolledRmsPropLoss(double[] w, double[] target, Config cfg, int steps = 3)
        {
            var theta = (double[])w.Clone();
            var sq = new double[theta.Length];
            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < theta.Length; i++)
                {
                    double g = 2.0 * (theta[i] - target[i]);
                    sq[i] = 0.9 * sq[i] + 0.1 * g * g;
                    theta[i] -= cfg.Lr * g / (Math.Sqrt(sq[i]) + cfg.Eps);
                }
            }
            double loss = 0.0;
            for (int i = 0; i < theta.Length; i++)
                loss += (theta[i] - target[i]) * (theta[i] - target[i]);
            return loss;
        }

        [Differentiable]
        public static void ActivationLayer(double[] input, double[] output, int kind, double slope = 0.01)
        {
            for (int i = 0; i < input.Length; i++)
            {
                double v = input[i];
                output[i] = kind switch
                {
                    0 => Math.Max(0.0, v),                 // relu
                    1 => v > 0 ? v : slope * v,            // leaky relu
                    2 => v > 0 ? v : Math.Exp(v) - 1.0,    // elu
                    3 => Math.Log(1.0 + Math.Exp(v)),      // softplus
                    4 => Math.Tanh(v),
                    _ => v,
                };
            }
        }

        [Differentiable]
        public static double StandardizedMse(double[] predictions, double[] targets)
        {
            // compare shapes only: standardize both series before taking the MSE
            var (mp, vp) = MeanAndVariance(predictions);
            var (mt, vt) = MeanAndVariance(targets);
            double sp = Math.Sqrt(vp + 1e-8), st = Math.Sqrt(vt + 1e-8);
            double sum = 0.0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double diff = (predictions[i] - mp) / sp - (targets[i] - mt) / st;
                sum += diff * diff;
            }
            return sum / predictions.Length;
        }

        private static (double mean, double variance) MeanAndVariance(double[] values)
        {
            double mean = values.Average();
            double variance = 0.0;
            foreach (var v in values) variance += (v - mean) * (v - mean);
            return (mean, variance / values.Length);
        }

        // As written, 'floor' only decides which terms count: the probe got DIFF0014 (its derivative is always zero, a
        // warning, which this project treats as an error), and [Constant] is what the warning asks for.
        [Differentiable]
        public static double RelativeErrorLoss(double[] predicted, double[] actual, [Constant] double floor = 1e-3)
        {
            double total = 0.0, compensation = 0.0;
            int counted = 0;
            for (int i = 0; i < predicted.Length; i++)
            {
                if (!TryRelativeError(predicted[i], actual[i], floor, out double rel))
                    continue;
                KahanAdd(ref total, ref compensation, rel * rel);
                counted++;
            }
            return counted > 0 ? total / counted : 0.0;
        }

        private static bool TryRelativeError(double pred, double actual, double floor, out double rel)
        {
            double denom = Math.Abs(actual);
            if (denom < floor) { rel = 0.0; return false; }
            rel = (pred - actual) / denom;
            return true;
        }

        private static void KahanAdd(ref double sum, ref double c, double value)
        {
            double y = value - c;
            double t = sum + y;
            c = (t - sum) - y;
            sum = t;
        }

        [Differentiable]
        public static double PolynomialFeatureRegression(double[] xs, double[] ys, double[] weights)
        {
            if (weights.Length > 8)
                throw new ArgumentException("at most degree 7 supported", nameof(weights));
            Span<double> tmp = stackalloc double[8];
            double loss = 0.0;
            for (int n = 0; n < xs.Length; n++)
            {
                tmp[0] = 1.0;
                for (int k = 1; k < weights.Length; k++)
                    tmp[k] = tmp[k - 1] * xs[n];
                double pred = 0.0;
                for (int k = 0; k < weights.Length; k++)
                    pred += weights[k] * tmp[k];
                loss += (pred - ys[n]) * (pred - ys[n]);
            }
            return loss / (2 * xs.Length);
        }

        [Differentiable]
        public static double CosineEmbeddingLoss(double[] a, double[] b, bool similar, double margin = 0.0)
        {
            double dot = a.Zip(b, (x, y) => x * y).Sum();
            double normA = Math.Sqrt(a.Select(x => x * x).Sum());
            double normB = Math.Sqrt(b.Sum(x => x * x));
            double cos = dot / (normA * normB + 1e-8);
            return similar ? 1.0 - cos : Math.Max(0.0, cos - margin);
        }

        [Differentiable]
        public static double SplineTrackingLoss(double[] controlY, double[] sampleT, double[] observed)
        {
            // uniform Catmull-Rom spline through controlY at t = 0, 1, ..., n-1; sampleT is sorted
            int n = controlY.Length;
            double loss = 0.0;
            for (int s = 0; s < sampleT.Length; s++)
            {
                double t = sampleT[s];
                if (t < 0) continue;
                if (t > n - 1) break;
                int i = Math.Min((int)Math.Floor(t), n - 2);
                double u = t - i;
                double p0 = controlY[Math.Max(i - 1, 0)];
                double p1 = controlY[i];
                double p2 = controlY[i + 1];
                double p3 = controlY[Math.Min(i + 2, n - 1)];
                double u2 = u * u, u3 = u2 * u;
                double y = 0.5 * (2 * p1 + (p2 - p0) * u
                                  + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u2
                                  + (3 * p1 - p0 - 3 * p2 + p3) * u3);
                double r = y - observed[s];
                loss += r * r;
            }
            return loss;
        }
    }
}
