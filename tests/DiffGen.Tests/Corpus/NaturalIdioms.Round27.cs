using System;
using System.Diagnostics;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 27: probe batch 27, 40 small functions by a helper who had not seen DiffGen's documentation, one idiom each,
    /// in seven classes (ClassificationLosses, RegressionLosses, NeuralLayers, PhysicsObjectives, StatisticalLosses,
    /// FinanceObjectives, and two model classes); all 40 accepted as written at 231c5ab. The 38 static methods are here
    /// with the author's names, parameters, attributes and bodies, their private helpers (ArgmaxRow, Huber, IsOutlier,
    /// Symlog, SampleMoments) and PhysicsObjectives' class const and static readonly tables beside them; no name clashes,
    /// so nothing is renamed. The batch's record DistillationConfig is <see cref="Round27DistillationConfig"/>. The two
    /// model classes with instance methods are classes of their own below: <see cref="Round27LinearRegressor"/>
    /// (parameters in private fields) and <see cref="Round27LogisticClassifier"/> (auto-properties, float). One attribute
    /// added: [Constant] on MaskedBinaryFocalLoss's targets (DIFF0014, a warning and so an error in this project: the targets
    /// only choose branches, 'targets[i] &gt; 0.5f'); nothing else changed.
    /// </summary>
    public static partial class NaturalRound27
    {
        // ------------------------------------------------------------ 01 SoftmaxCrossEntropyLoss
        // ClassificationLosses.SoftmaxCrossEntropyLoss as written. Idioms: 'double[] logits = new double[c]' inside
        // per-row loop; length guard.

        /// <summary>Mean softmax cross-entropy of a linear classifier over a batch.</summary>
        [Differentiable]
        public static double SoftmaxCrossEntropyLoss(double[,] features, double[,] weights, double[] bias, int[] labels)
        {
            int n = features.GetLength(0), d = features.GetLength(1), c = weights.GetLength(1);
            if (labels.Length != n) throw new ArgumentException("labels must match the batch size", nameof(labels));

            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double[] logits = new double[c];
                double max = double.NegativeInfinity;
                for (int k = 0; k < c; k++)
                {
                    double z = bias[k];
                    for (int j = 0; j < d; j++) z += features[i, j] * weights[j, k];
                    logits[k] = z;
                    if (z > max) max = z;
                }

                double sumExp = 0.0;
                for (int k = 0; k < c; k++) sumExp += Math.Exp(logits[k] - max);
                total += max + Math.Log(sumExp) - logits[labels[i]];
            }
            return total / n;
        }

        // ------------------------------------------------------------ 02 SoftmaxLossAndAccuracy
        // ClassificationLosses.SoftmaxLossAndAccuracy as written. Idioms: returns tuple '(double loss, double
        // accuracy)'; private 'int ArgmaxRow' helper; 'correct++'.

        /// <summary>Cross-entropy and top-1 accuracy for precomputed logits.</summary>
        [Differentiable]
        public static (double loss, double accuracy) SoftmaxLossAndAccuracy(double[,] logits, int[] labels)
        {
            int n = logits.GetLength(0), c = logits.GetLength(1);
            double loss = 0.0;
            int correct = 0;
            for (int i = 0; i < n; i++)
            {
                int predicted = ArgmaxRow(logits, i);
                if (predicted == labels[i]) correct++;

                double max = logits[i, predicted];
                double sumExp = 0.0;
                for (int k = 0; k < c; k++) sumExp += Math.Exp(logits[i, k] - max);
                loss += max + Math.Log(sumExp) - logits[i, labels[i]];
            }
            return (loss / n, (double)correct / n);
        }

        private static int ArgmaxRow(double[,] m, int row)
        {
            int best = 0;
            for (int k = 1; k < m.GetLength(1); k++)
                if (m[row, k] > m[row, best]) best = k;
            return best;
        }

        // ------------------------------------------------------------ 03 MaskedBinaryFocalLoss
        // ClassificationLosses.MaskedBinaryFocalLoss as written. Idioms: 'bool[] mask' + float targets mixed with
        // diff'd logits; float/MathF.Pow; 'continue'.
        // [Constant] on targets added here (DIFF0014: they only decide the branches).

        /// <summary>Binary focal loss (Lin et al.) over the entries selected by <paramref name="mask"/>.</summary>
        [Differentiable]
        public static float MaskedBinaryFocalLoss(float[] logits, [Constant] float[] targets, bool[] mask, float gamma, float alpha)
        {
            float total = 0f;
            int used = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                if (!mask[i]) continue;
                float p = 1f / (1f + MathF.Exp(-logits[i]));
                float pt = targets[i] > 0.5f ? p : 1f - p;
                float at = targets[i] > 0.5f ? alpha : 1f - alpha;
                total += -at * MathF.Pow(1f - pt, gamma) * MathF.Log(MathF.Max(pt, 1e-7f));
                used++;
            }
            return used == 0 ? 0f : total / used;
        }

        // ------------------------------------------------------------ 04 WeightedMulticlassHingeLoss
        // ClassificationLosses.WeightedMulticlassHingeLoss as written. Idioms: 'int[] labels' + 'double[]
        // sampleWeights' data; default param.

        /// <summary>Crammer–Singer multiclass hinge loss with per-sample weights.</summary>
        [Differentiable]
        public static double WeightedMulticlassHingeLoss(double[,] scores, int[] labels, double[] sampleWeights, double margin = 1.0)
        {
            int n = scores.GetLength(0), c = scores.GetLength(1);
            double total = 0.0, weightSum = 0.0;
            for (int i = 0; i < n; i++)
            {
                int y = labels[i];
                double worstOther = double.NegativeInfinity;
                for (int k = 0; k < c; k++)
                    if (k != y && scores[i, k] > worstOther) worstOther = scores[i, k];

                total += sampleWeights[i] * Math.Max(0.0, margin + worstOther - scores[i, y]);
                weightSum += sampleWeights[i];
            }
            return total / weightSum;
        }

        // ------------------------------------------------------------ 05 DistillationKlDivergence
        // ClassificationLosses.DistillationKlDivergence as written. Idioms: config 'record DistillationConfig(Tau,
        // Alpha)' read as 'cfg.Tau'.

        /// <summary>Hinton-style distillation term: tau^2 * KL(teacher_tau || student_tau), scaled by alpha.</summary>
        [Differentiable]
        public static double DistillationKlDivergence(double[] studentLogits, double[] teacherLogits, Round27DistillationConfig cfg)
        {
            if (studentLogits.Length != teacherLogits.Length)
                throw new ArgumentException("student and teacher must have the same number of classes");

            int c = studentLogits.Length;
            double sMax = double.NegativeInfinity, tMax = double.NegativeInfinity;
            for (int k = 0; k < c; k++)
            {
                sMax = Math.Max(sMax, studentLogits[k] / cfg.Tau);
                tMax = Math.Max(tMax, teacherLogits[k] / cfg.Tau);
            }

            double sZ = 0.0, tZ = 0.0;
            for (int k = 0; k < c; k++)
            {
                sZ += Math.Exp(studentLogits[k] / cfg.Tau - sMax);
                tZ += Math.Exp(teacherLogits[k] / cfg.Tau - tMax);
            }

            double kl = 0.0;
            for (int k = 0; k < c; k++)
            {
                double logQ = studentLogits[k] / cfg.Tau - sMax - Math.Log(sZ);
                double logP = teacherLogits[k] / cfg.Tau - tMax - Math.Log(tZ);
                kl += Math.Exp(logP) * (logP - logQ);
            }
            return cfg.Alpha * cfg.Tau * cfg.Tau * kl;
        }

        // ------------------------------------------------------------ 06 CosineEmbeddingLoss
        // ClassificationLosses.CosineEmbeddingLoss as written. Idioms: 'Debug.Assert' guards; float / MathF.Sqrt;
        // label-dependent branch.

        /// <summary>Cosine embedding loss (PyTorch semantics): label +1 pulls together, -1 pushes apart past the margin.</summary>
        [Differentiable]
        public static float CosineEmbeddingLoss(float[] a, float[] b, int label, float margin)
        {
            Debug.Assert(a.Length == b.Length, "embeddings must have equal dimension");
            Debug.Assert(label == 1 || label == -1, "label must be +1 or -1");

            float dot = 0f, na = 0f, nb = 0f;
            for (int i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            float cos = dot / (MathF.Sqrt(na) * MathF.Sqrt(nb) + 1e-8f);
            return label == 1 ? 1f - cos : MathF.Max(0f, cos - margin);
        }

        // ------------------------------------------------------------ 07 HuberLoss
        // RegressionLosses.HuberLoss as written. Idioms: private static helper returning double.

        /// <summary>Mean Huber loss.</summary>
        [Differentiable]
        public static double HuberLoss(double[] predictions, double[] targets, double delta)
        {
            if (predictions.Length != targets.Length)
                throw new ArgumentException("predictions and targets differ in length");

            double sum = 0.0;
            for (int i = 0; i < predictions.Length; i++)
                sum += Huber(predictions[i] - targets[i], delta);
            return sum / predictions.Length;
        }

        private static double Huber(double residual, double delta)
        {
            double a = Math.Abs(residual);
            return a <= delta ? 0.5 * residual * residual : delta * (a - 0.5 * delta);
        }

        // ------------------------------------------------------------ 08 TruncatedSquaredLoss
        // RegressionLosses.TruncatedSquaredLoss as written. Idioms: private static helper returning bool
        // ('IsOutlier'); float.

        /// <summary>Truncated squared loss: residuals flagged as outliers contribute a constant cap.</summary>
        [Differentiable]
        public static float TruncatedSquaredLoss(float[] predictions, float[] targets, float threshold)
        {
            float sum = 0f;
            for (int i = 0; i < predictions.Length; i++)
            {
                float r = predictions[i] - targets[i];
                sum += IsOutlier(r, threshold) ? threshold * threshold : r * r;
            }
            return sum / predictions.Length;
        }

        private static bool IsOutlier(float residual, float threshold) => MathF.Abs(residual) > threshold;

        // ------------------------------------------------------------ 09 SmoothL1Loss
        // RegressionLosses.SmoothL1Loss as written. Idioms: local function 'Smooth' capturing 'beta'.

        /// <summary>Smooth L1 (as in Fast R-CNN box regression) summed over coordinates, averaged over boxes.</summary>
        [Differentiable]
        public static double SmoothL1Loss(double[,] boxes, double[,] targetBoxes, double beta = 1.0)
        {
            double Smooth(double r)
            {
                double a = Math.Abs(r);
                return a < beta ? 0.5 * a * a / beta : a - 0.5 * beta;
            }

            int n = boxes.GetLength(0);
            double total = 0.0;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < boxes.GetLength(1); k++)
                    total += Smooth(boxes[i, k] - targetBoxes[i, k]);
            return total / n;
        }

        // ------------------------------------------------------------ 10 SwishRegressionLoss
        // RegressionLosses.SwishRegressionLoss as written. Idioms: lambda in 'Func<double,double>' local capturing
        // 'beta'.

        /// <summary>MSE of a single Swish unit y = swish(w x + b).</summary>
        [Differentiable]
        public static double SwishRegressionLoss(double[] x, double[] y, double w, double b, double beta)
        {
            Func<double, double> swish = z => z / (1.0 + Math.Exp(-beta * z));

            double sum = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                double err = swish(w * x[i] + b) - y[i];
                sum += err * err;
            }
            return sum / x.Length;
        }

        // ------------------------------------------------------------ 11 MaskedMeanSquaredError
        // RegressionLosses.MaskedMeanSquaredError as written. Idioms: 'count++' masked mean; bool[] mask.

        /// <summary>Mean squared error over the entries where the mask is set.</summary>
        [Differentiable]
        public static double MaskedMeanSquaredError(double[] predictions, double[] targets, bool[] mask)
        {
            double sum = 0.0;
            int count = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                if (mask[i])
                {
                    double d = predictions[i] - targets[i];
                    sum += d * d;
                    count++;
                }
            }
            return count > 0 ? sum / count : 0.0;
        }

        // ------------------------------------------------------------ 12 NanSkippingMeanAbsoluteError
        // RegressionLosses.NanSkippingMeanAbsoluteError as written. Idioms: 'continue' on NaN target; 'valid++';
        // float.

        /// <summary>MAE that ignores missing (NaN) targets, as in sensor data with gaps.</summary>
        [Differentiable]
        public static float NanSkippingMeanAbsoluteError(float[] predictions, float[] targets)
        {
            float sum = 0f;
            int valid = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                if (float.IsNaN(targets[i]))
                    continue;
                sum += MathF.Abs(predictions[i] - targets[i]);
                valid++;
            }
            return valid == 0 ? 0f : sum / valid;
        }

        // ------------------------------------------------------------ 13 PiecewiseLinearCalibrationLoss
        // RegressionLosses.PiecewiseLinearCalibrationLoss as written. Idioms: running segment index 'seg++' (inner
        // 'while'); float; Math.Clamp(float).

        /// <summary>
        /// Squared error of a piecewise-linear calibration map (knot positions fixed, knot values learned).
        /// <paramref name="scores"/> must be sorted ascending so the segment index only moves forward.
        /// </summary>
        [Differentiable]
        public static float PiecewiseLinearCalibrationLoss(float[] knotValues, float[] knots, float[] scores, float[] labels)
        {
            float total = 0f;
            int seg = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                while (seg < knots.Length - 2 && scores[i] > knots[seg + 1])
                    seg++;

                float t = (scores[i] - knots[seg]) / (knots[seg + 1] - knots[seg]);
                t = Math.Clamp(t, 0f, 1f);
                float calibrated = knotValues[seg] + t * (knotValues[seg + 1] - knotValues[seg]);
                float d = calibrated - labels[i];
                total += d * d;
            }
            return total / scores.Length;
        }

        // ------------------------------------------------------------ 14 SymlogClippedLoss
        // RegressionLosses.SymlogClippedLoss as written. Idioms: Math.Clamp, Math.Sign, Math.MaxMagnitude,
        // Math.CopySign (in 'Symlog' helper).

        /// <summary>Clipped, asymmetric loss in symlog space (robust to targets spanning orders of magnitude).</summary>
        [Differentiable]
        public static double SymlogClippedLoss(double[] predictions, double[] targets, double clip, double underPenalty)
        {
            if (predictions.Length != targets.Length)
                throw new ArgumentException("predictions and targets differ in length");

            double sum = 0.0, worst = 0.0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double r = Symlog(predictions[i]) - Symlog(targets[i]);
                double c = Math.Clamp(r, -clip, clip);
                double w = Math.Sign(r) < 0 ? underPenalty : 1.0;
                sum += w * c * c;
                worst = Math.MaxMagnitude(worst, r);
            }
            return sum / predictions.Length + 0.1 * Math.Abs(worst);
        }

        private static double Symlog(double x) => Math.CopySign(Math.Log(1.0 + Math.Abs(x)), x);

        // ------------------------------------------------------------ 15 MeanAbsolutePercentageError
        // RegressionLosses.MeanAbsolutePercentageError as written. Idioms: 'if (actual.Length == 0) throw new
        // ArgumentException(...)' + mismatch guard.

        /// <summary>Mean absolute percentage error, in percent.</summary>
        [Differentiable]
        public static double MeanAbsolutePercentageError(double[] forecast, double[] actual)
        {
            if (actual.Length == 0)
                throw new ArgumentException("At least one observation is required.", nameof(actual));
            if (forecast.Length != actual.Length)
                throw new ArgumentException("forecast and actual must have the same length.", nameof(forecast));

            double sum = 0.0;
            for (int i = 0; i < actual.Length; i++)
                sum += Math.Abs((actual[i] - forecast[i]) / actual[i]);
            return 100.0 * sum / actual.Length;
        }

        // ------------------------------------------------------------ 16 DecayWeightedForecastError
        // RegressionLosses.DecayWeightedForecastError as written. Idioms: LINQ 'Max', 'Min', 'Zip(...).ToArray()',
        // 'Enumerable.Range(...).Sum(...)'.

        /// <summary>Forecast error where recent observations weigh more (exponential decay), normalised by the target range.</summary>
        [Differentiable]
        public static double DecayWeightedForecastError(double[] forecast, double[] actual, double decay)
        {
            int n = actual.Length;
            double range = actual.Max() - actual.Min();
            if (range <= 0) range = 1.0;

            double[] scaled = forecast.Zip(actual, (f, a) => (f - a) / range).ToArray();
            double weighted = Enumerable.Range(0, n).Sum(i => Math.Pow(decay, n - 1 - i) * scaled[i] * scaled[i]);
            double norm = Enumerable.Range(0, n).Sum(i => Math.Pow(decay, n - 1 - i));
            return weighted / norm;
        }

        // ------------------------------------------------------------ 17 ElasticNetPenalty
        // RegressionLosses.ElasticNetPenalty as written. Idioms: 'in double lambda' scalar; foreach.

        /// <summary>Elastic-net penalty lambda * (ratio * |w|_1 + (1 - ratio)/2 * |w|_2^2).</summary>
        [Differentiable]
        public static double ElasticNetPenalty(double[] weights, in double lambda, double l1Ratio)
        {
            double l1 = 0.0, l2 = 0.0;
            foreach (double w in weights)
            {
                l1 += Math.Abs(w);
                l2 += w * w;
            }
            return lambda * (l1Ratio * l1 + 0.5 * (1.0 - l1Ratio) * l2);
        }

        // ------------------------------------------------------------ 18 MlpRowRegressionLoss
        // NeuralLayers.MlpRowRegressionLoss as written. Idioms: 'float[] hidden = new float[h]' inside per-row loop;
        // MathF.Tanh.

        /// <summary>One-hidden-layer tanh MLP regression loss, evaluated row by row.</summary>
        [Differentiable]
        public static float MlpRowRegressionLoss(float[,] x, float[,] w1, float[] b1, float[] w2, float b2, float[] y)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = w1.GetLength(1);
            float total = 0f;
            for (int i = 0; i < n; i++)
            {
                float[] hidden = new float[h];
                for (int k = 0; k < h; k++)
                {
                    float a = b1[k];
                    for (int j = 0; j < d; j++) a += x[i, j] * w1[j, k];
                    hidden[k] = MathF.Tanh(a);
                }

                float pred = b2;
                for (int k = 0; k < h; k++) pred += hidden[k] * w2[k];
                float diff = pred - y[i];
                total += 0.5f * diff * diff;
            }
            return total / n;
        }

        // ------------------------------------------------------------ 19 AttentionRowLoss
        // NeuralLayers.AttentionRowLoss as written. Idioms: 'double[] scores = new double[nk]' per query row (softmax
        // attention).

        /// <summary>Single-head scaled dot-product attention followed by an MSE against target outputs.</summary>
        [Differentiable]
        public static double AttentionRowLoss(double[,] queries, double[,] keys, double[,] values, double[,] target)
        {
            int nq = queries.GetLength(0), nk = keys.GetLength(0), d = queries.GetLength(1), dv = values.GetLength(1);
            double scale = 1.0 / Math.Sqrt(d);
            double loss = 0.0;

            for (int i = 0; i < nq; i++)
            {
                double[] scores = new double[nk];
                double max = double.NegativeInfinity;
                for (int j = 0; j < nk; j++)
                {
                    double s = 0.0;
                    for (int t = 0; t < d; t++) s += queries[i, t] * keys[j, t];
                    scores[j] = s * scale;
                    max = Math.Max(max, scores[j]);
                }

                double z = 0.0;
                for (int j = 0; j < nk; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    z += scores[j];
                }

                for (int c = 0; c < dv; c++)
                {
                    double o = 0.0;
                    for (int j = 0; j < nk; j++) o += scores[j] / z * values[j, c];
                    double e = o - target[i, c];
                    loss += e * e;
                }
            }
            return loss / (nq * dv);
        }

        // ------------------------------------------------------------ 20 MaxPool1dLoss
        // NeuralLayers.MaxPool1dLoss as written. Idioms: argmax index 'best = j' updated in value-dependent branch;
        // float.

        /// <summary>Non-overlapping 1-D max pooling followed by squared error against pooled targets.</summary>
        [Differentiable]
        public static float MaxPool1dLoss(float[] signal, int poolSize, float[] target)
        {
            int outLen = signal.Length / poolSize;
            float loss = 0f;
            for (int w = 0; w < outLen; w++)
            {
                int start = w * poolSize;
                int best = start;
                for (int j = start + 1; j < start + poolSize; j++)
                {
                    if (signal[j] > signal[best])
                        best = j;
                }
                float d = signal[best] - target[w];
                loss += d * d;
            }
            return loss / outLen;
        }

        // ------------------------------------------------------------ 21 DenseLayerForward
        // NeuralLayers.DenseLayerForward as written. Idioms: void layer writing 'output[]'; shape guard; ReLU; float.

        /// <summary>Fully connected layer with ReLU: output = relu(W^T input + b).</summary>
        [Differentiable]
        public static void DenseLayerForward(float[] input, float[,] weights, float[] bias, float[] output)
        {
            int inDim = weights.GetLength(0), outDim = weights.GetLength(1);
            if (input.Length != inDim || output.Length != outDim)
                throw new ArgumentException("shape mismatch between input, weights and output");

            for (int o = 0; o < outDim; o++)
            {
                float acc = bias[o];
                for (int i = 0; i < inDim; i++)
                    acc += input[i] * weights[i, o];
                output[o] = acc > 0f ? acc : 0f;
            }
        }

        // ------------------------------------------------------------ 22 LayerNormSquaredError
        // NeuralLayers.LayerNormSquaredError as written. Idioms: 'ReadOnlySpan<double>' inputs + 'Span<double>' output
        // buffer; local 'const'.

        /// <summary>Layer normalisation into a caller-provided buffer, then squared error against a target.</summary>
        [Differentiable]
        public static double LayerNormSquaredError(ReadOnlySpan<double> x, ReadOnlySpan<double> target, Span<double> normalized, double gamma, double beta)
        {
            const double eps = 1e-5;
            int n = x.Length;

            double mean = 0.0;
            for (int i = 0; i < n; i++) mean += x[i];
            mean /= n;

            double variance = 0.0;
            for (int i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
            variance /= n;

            double invStd = 1.0 / Math.Sqrt(variance + eps);
            double err = 0.0;
            for (int i = 0; i < n; i++)
            {
                normalized[i] = gamma * (x[i] - mean) * invStd + beta;
                double e = normalized[i] - target[i];
                err += e * e;
            }
            return err / n;
        }

        // ------------------------------------------------------------ 23 BilinearScoreLoss
        // NeuralLayers.BilinearScoreLoss as written. Idioms: 'float[,,]' input of shape (batch, f1, f2).

        /// <summary>Bilinear score u^T X_b v per sample of a (batch, f1, f2) tensor, with MSE against targets.</summary>
        [Differentiable]
        public static float BilinearScoreLoss(float[,,] x, float[] u, float[] v, float[] y)
        {
            int batch = x.GetLength(0), f1 = x.GetLength(1), f2 = x.GetLength(2);
            float loss = 0f;
            for (int b = 0; b < batch; b++)
            {
                float score = 0f;
                for (int p = 0; p < f1; p++)
                    for (int q = 0; q < f2; q++)
                        score += u[p] * x[b, p, q] * v[q];
                float e = score - y[b];
                loss += e * e;
            }
            return loss / batch;
        }

        // ------------------------------------------------------------ 26 HelmholtzFreeEnergy
        // PhysicsObjectives.HelmholtzFreeEnergy as written. Idioms: 'foreach' over array (log-sum-exp).

        /// <summary>Helmholtz free energy F = -T ln Z of a discrete-level system (k_B = 1).</summary>
        [Differentiable]
        public static double HelmholtzFreeEnergy(double[] energies, double temperature)
        {
            double minEnergy = double.PositiveInfinity;
            foreach (double e in energies)
                minEnergy = Math.Min(minEnergy, e);

            double z = 0.0;
            foreach (double e in energies)
                z += Math.Exp(-(e - minEnergy) / temperature);

            return minEnergy - temperature * Math.Log(z);
        }

        // ------------------------------------------------------------ 27 KeplerOrbitPositionError
        // PhysicsObjectives.KeplerOrbitPositionError as written. Idioms: 'do/while' Newton iteration.

        /// <summary>Squared distance between an observed position and the Keplerian orbit position at the given mean anomaly.</summary>
        [Differentiable]
        public static double KeplerOrbitPositionError(double meanAnomaly, double eccentricity, double semiMajorAxis, double observedX, double observedY)
        {
            // Solve Kepler's equation E - e sin E = M with Newton's method.
            double ecc = eccentricity;
            double E = ecc < 0.8 ? meanAnomaly : Math.PI;
            double delta;
            int iter = 0;
            do
            {
                delta = (E - ecc * Math.Sin(E) - meanAnomaly) / (1.0 - ecc * Math.Cos(E));
                E -= delta;
                iter++;
            } while (Math.Abs(delta) > 1e-12 && iter < 50);

            double x = semiMajorAxis * (Math.Cos(E) - ecc);
            double y = semiMajorAxis * Math.Sqrt(1.0 - ecc * ecc) * Math.Sin(E);
            double dx = x - observedX, dy = y - observedY;
            return dx * dx + dy * dy;
        }

        // ------------------------------------------------------------ 28 BarrierCrossingTime
        // PhysicsObjectives.BarrierCrossingTime as written. Idioms: early 'return' inside the time-stepping loop.

        /// <summary>
        /// First time a damped oscillator, integrated with semi-implicit Euler, crosses <paramref name="barrier"/>.
        /// The crossing instant is linearly interpolated within the step. Returns the horizon if it never crosses.
        /// </summary>
        [Differentiable]
        public static double BarrierCrossingTime(double x0, double v0, double stiffness, double damping, double barrier, double dt, int maxSteps)
        {
            double x = x0, v = v0;
            for (int step = 0; step < maxSteps; step++)
            {
                v += (-stiffness * x - damping * v) * dt;
                double xNext = x + v * dt;
                if (xNext >= barrier)
                    return (step + (barrier - x) / (xNext - x)) * dt;
                x = xNext;
            }
            return maxSteps * dt;
        }

        // ------------------------------------------------------------ 29 GaussLegendreSpringWork
        // PhysicsObjectives.GaussLegendreSpringWork as written. Idioms: 'static readonly' node/weight tables + class
        // 'const int QuadratureOrder'; Debug.Assert.

        private const int QuadratureOrder = 5;

        // 5-point Gauss–Legendre nodes and weights on [-1, 1].
        private static readonly double[] GaussNodes =
        {
            -0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831, 0.9061798459386640,
        };

        private static readonly double[] GaussWeights =
        {
            0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891,
        };

        /// <summary>Work done by a Duffing-type spring force F(x) = k x + alpha x^3 from a to b (Gauss–Legendre quadrature).</summary>
        [Differentiable]
        public static double GaussLegendreSpringWork(double k, double alpha, double a, double b)
        {
            Debug.Assert(GaussNodes.Length == QuadratureOrder && GaussWeights.Length == QuadratureOrder);

            double half = 0.5 * (b - a), mid = 0.5 * (a + b);
            double sum = 0.0;
            for (int i = 0; i < QuadratureOrder; i++)
            {
                double x = mid + half * GaussNodes[i];
                sum += GaussWeights[i] * (k * x + alpha * x * x * x);
            }
            return half * sum;
        }

        // ------------------------------------------------------------ 30 AngularSeparationLoss
        // PhysicsObjectives.AngularSeparationLoss as written. Idioms: Math.Atan2, Math.Asin, Math.Acos (+ Math.Clamp).

        /// <summary>Mean great-circle angle between predicted direction vectors and target (azimuth, elevation) pairs.</summary>
        [Differentiable]
        public static double AngularSeparationLoss(double[,] directions, double[] targetAzimuth, double[] targetElevation)
        {
            int n = directions.GetLength(0);
            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double x = directions[i, 0], y = directions[i, 1], z = directions[i, 2];
                double r = Math.Sqrt(x * x + y * y + z * z);
                double az = Math.Atan2(y, x);
                double el = Math.Asin(Math.Clamp(z / r, -1.0, 1.0));

                // spherical law of cosines
                double cosSep = Math.Sin(el) * Math.Sin(targetElevation[i])
                              + Math.Cos(el) * Math.Cos(targetElevation[i]) * Math.Cos(az - targetAzimuth[i]);
                total += Math.Acos(Math.Clamp(cosSep, -1.0, 1.0));
            }
            return total / n;
        }

        // ------------------------------------------------------------ 31 RapidityKinematicsLoss
        // PhysicsObjectives.RapidityKinematicsLoss as written. Idioms: Math.Sinh, Math.Cosh.

        /// <summary>Fit of particle rapidities to measured (E, p_z) given transverse momenta: E = m_T cosh y, p_z = m_T sinh y.</summary>
        [Differentiable]
        public static double RapidityKinematicsLoss(double[] rapidity, double[] transverseMomentum, double mass, double[] measuredEnergy, double[] measuredPz)
        {
            double loss = 0.0;
            for (int i = 0; i < rapidity.Length; i++)
            {
                double mT = Math.Sqrt(mass * mass + transverseMomentum[i] * transverseMomentum[i]);
                double dE = mT * Math.Cosh(rapidity[i]) - measuredEnergy[i];
                double dPz = mT * Math.Sinh(rapidity[i]) - measuredPz[i];
                loss += dE * dE + dPz * dPz;
            }
            return loss / rapidity.Length;
        }

        // ------------------------------------------------------------ 32 SpectralLoudnessLoss
        // PhysicsObjectives.SpectralLoudnessLoss as written. Idioms: Math.Log2, Math.Log10, Math.Cbrt; local consts.

        /// <summary>
        /// Perceptual spectral loss: octave-weighted decibel error plus a Stevens-law (cube-root) loudness error.
        /// </summary>
        [Differentiable]
        public static double SpectralLoudnessLoss(double[] predictedPower, double[] targetPower, double[] frequencies)
        {
            const double floor = 1e-10;
            const double referenceHz = 1000.0;

            double dbTerm = 0.0, loudnessTerm = 0.0, weightSum = 0.0;
            for (int i = 0; i < frequencies.Length; i++)
            {
                double octaves = Math.Log2(frequencies[i] / referenceHz);
                double w = 1.0 / (1.0 + Math.Abs(octaves));

                double dbPred = 10.0 * Math.Log10(predictedPower[i] + floor);
                double dbTarget = 10.0 * Math.Log10(targetPower[i] + floor);
                dbTerm += w * (dbPred - dbTarget) * (dbPred - dbTarget);

                double dl = Math.Cbrt(predictedPower[i]) - Math.Cbrt(targetPower[i]);
                loudnessTerm += dl * dl;
                weightSum += w;
            }
            return dbTerm / weightSum + loudnessTerm / frequencies.Length;
        }

        // ------------------------------------------------------------ 33 GaussianKlFromMoments
        // StatisticalLosses.GaussianKlFromMoments as written. Idioms: private helper returning tuple '(double Mean,
        // double Variance)', deconstructed.

        /// <summary>KL( N(mean_gen, var_gen) || N(mean_ref, var_ref) ) from the sample moments of two sets.</summary>
        [Differentiable]
        public static double GaussianKlFromMoments(double[] generated, double[] reference)
        {
            var (m1, v1) = SampleMoments(generated);
            var (m2, v2) = SampleMoments(reference);
            double dm = m1 - m2;
            return 0.5 * (Math.Log(v2 / v1) + (v1 + dm * dm) / v2 - 1.0);
        }

        private static (double Mean, double Variance) SampleMoments(double[] x)
        {
            if (x.Length < 2) throw new ArgumentException("need at least two samples", nameof(x));
            double mean = 0.0;
            for (int i = 0; i < x.Length; i++) mean += x[i];
            mean /= x.Length;

            double ss = 0.0;
            for (int i = 0; i < x.Length; i++) ss += (x[i] - mean) * (x[i] - mean);
            return (mean, ss / (x.Length - 1));
        }

        // ------------------------------------------------------------ 34 DiagonalMahalanobisDistance
        // StatisticalLosses.DiagonalMahalanobisDistance as written. Idioms: 'ReadOnlySpan<double>' parameters.

        /// <summary>Mahalanobis distance under a diagonal covariance (given as inverse variances).</summary>
        [Differentiable]
        public static double DiagonalMahalanobisDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> inverseVariance)
        {
            if (x.Length != mean.Length || x.Length != inverseVariance.Length)
                throw new ArgumentException("all spans must have the same length");

            double d2 = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - mean[i];
                d2 += d * d * inverseVariance[i];
            }
            return Math.Sqrt(d2);
        }

        // ------------------------------------------------------------ 35 FixedPointQuantizationError
        // StatisticalLosses.FixedPointQuantizationError as written. Idioms: Math.ScaleB, Math.Round, Math.Floor,
        // Math.Ceiling, Math.FusedMultiplyAdd; ThrowIfNegative.

        /// <summary>
        /// Quantisation error of weights on a fixed-point grid with <paramref name="fractionalBits"/> bits:
        /// round-to-nearest squared error plus the expected extra variance of stochastic rounding.
        /// </summary>
        [Differentiable]
        public static double FixedPointQuantizationError(double[] weights, int fractionalBits, double stochasticWeight)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fractionalBits);

            double scale = Math.ScaleB(1.0, fractionalBits);   // 2^bits
            double invScale2 = 1.0 / (scale * scale);
            double nearestErr = 0.0, stochasticVar = 0.0;
            for (int i = 0; i < weights.Length; i++)
            {
                double s = weights[i] * scale;
                double q = Math.Round(s);
                double r = (s - q) / scale;
                nearestErr = Math.FusedMultiplyAdd(r, r, nearestErr);

                double lo = Math.Floor(s), hi = Math.Ceiling(s);
                stochasticVar += (s - lo) * (hi - s) * invScale2;
            }
            return (nearestErr + stochasticWeight * stochasticVar) / weights.Length;
        }

        // ------------------------------------------------------------ 36 MovingAverageSmoothnessPenalty
        // StatisticalLosses.MovingAverageSmoothnessPenalty as written. Idioms: 'ArgumentNullException.ThrowIfNull',
        // 'ArgumentOutOfRangeException.ThrowIfNegativeOrZero'.

        /// <summary>Squared deviation of a series from its trailing moving average (a smoothness penalty).</summary>
        [Differentiable]
        public static double MovingAverageSmoothnessPenalty(double[] series, int window)
        {
            ArgumentNullException.ThrowIfNull(series);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
            if (series.Length < window)
                throw new ArgumentException("series is shorter than the window", nameof(series));

            double penalty = 0.0;
            for (int t = window - 1; t < series.Length; t++)
            {
                double avg = 0.0;
                for (int k = t - window + 1; k <= t; k++) avg += series[k];
                avg /= window;
                double d = series[t] - avg;
                penalty += d * d;
            }
            return penalty / (series.Length - window + 1);
        }

        // ------------------------------------------------------------ 37 BondPricingError
        // FinanceObjectives.BondPricingError as written. Idioms: 'while' loop over coupon periods.

        /// <summary>Squared pricing error of a fixed-coupon bond at the given per-period yield.</summary>
        [Differentiable]
        public static double BondPricingError(double yield, double coupon, double face, int periods, double marketPrice)
        {
            double price = 0.0;
            double discount = 1.0;
            int t = 1;
            while (t <= periods)
            {
                discount /= 1.0 + yield;
                price += coupon * discount;
                t++;
            }
            price += face * discount;

            double err = price - marketPrice;
            return err * err;
        }

        // ------------------------------------------------------------ 38 CumulativeDefaultProbability
        // FinanceObjectives.CumulativeDefaultProbability as written. Idioms: 'break' once the horizon is reached;
        // double.ExpM1.

        /// <summary>Probability of default before <paramref name="horizon"/> from a piecewise-constant hazard curve.</summary>
        [Differentiable]
        public static double CumulativeDefaultProbability(double[] hazardRates, double periodLength, double horizon)
        {
            double integrated = 0.0;
            double time = 0.0;
            for (int i = 0; i < hazardRates.Length; i++)
            {
                if (time >= horizon)
                    break;
                double dt = Math.Min(periodLength, horizon - time);
                integrated += hazardRates[i] * dt;
                time += dt;
            }
            return -double.ExpM1(-integrated);
        }

        // ------------------------------------------------------------ 39 LogReturnTrackingError
        // FinanceObjectives.LogReturnTrackingError as written. Idioms: 'double.ExpM1', 'double.LogP1'.

        /// <summary>
        /// Root-mean-square tracking error in log-return space between a portfolio (weights over assets
        /// with per-period log returns) and a benchmark quoted in simple returns.
        /// </summary>
        [Differentiable]
        public static double LogReturnTrackingError(double[] weights, double[,] assetLogReturns, double[] benchmarkSimpleReturns)
        {
            int periods = assetLogReturns.GetLength(0), assets = assetLogReturns.GetLength(1);
            double sumSq = 0.0;
            for (int t = 0; t < periods; t++)
            {
                double simple = 0.0;
                for (int a = 0; a < assets; a++)
                    simple += weights[a] * double.ExpM1(assetLogReturns[t, a]);

                double diff = double.LogP1(simple) - double.LogP1(benchmarkSimpleReturns[t]);
                sumSq += diff * diff;
            }
            return Math.Sqrt(sumSq / periods);
        }

        // ------------------------------------------------------------ 40 PortfolioSharpeRatioLoss
        // FinanceObjectives.PortfolioSharpeRatioLoss as written. Idioms: LINQ 'Select', 'Zip', 'Sum', 'ToArray',
        // 'Average' over jagged 'double[][]'.

        /// <summary>Negative annualised Sharpe ratio of a weighted portfolio (to be minimised).</summary>
        [Differentiable]
        public static double PortfolioSharpeRatioLoss(double[] weights, double[][] periodReturns, double riskFreeRate)
        {
            double[] portfolio = periodReturns
                .Select(r => r.Zip(weights, (ret, w) => ret * w).Sum() - riskFreeRate)
                .ToArray();

            double mean = portfolio.Average();
            double variance = portfolio.Select(p => (p - mean) * (p - mean)).Average();
            return -Math.Sqrt(252.0) * mean / Math.Sqrt(variance + 1e-12);
        }
    }

    /// <summary>Temperature / mixing settings for knowledge distillation (batch 27's DistillationConfig).</summary>
    public sealed record Round27DistillationConfig(double Tau, double Alpha);

    // ------------------------------------------------------------ 24 LinearRegressor.MeanSquaredLoss
    // LinearRegressor.MeanSquaredLoss as written (renamed class). Idioms: instance method; weights in private fields
    // '_weights', '_bias'.

    /// <summary>Ordinary linear regression with its parameters held in fields.</summary>
    public partial class Round27LinearRegressor
    {
        private readonly double[] _weights;
        private double _bias;

        public Round27LinearRegressor(double[] weights, double bias)
        {
            _weights = weights;
            _bias = bias;
        }

        public double Predict(double[,] x, int row)
        {
            double s = _bias;
            for (int j = 0; j < _weights.Length; j++) s += x[row, j] * _weights[j];
            return s;
        }

        [Differentiable]
        public double MeanSquaredLoss(double[,] x, double[] y)
        {
            int n = x.GetLength(0);
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                double pred = _bias;
                for (int j = 0; j < _weights.Length; j++) pred += x[i, j] * _weights[j];
                double e = pred - y[i];
                sum += e * e;
            }
            return sum / n;
        }
    }

    // ------------------------------------------------------------ 25 LogisticClassifier.NegativeLogLikelihood
    // LogisticClassifier.NegativeLogLikelihood as written (renamed class). Idioms: instance method; weights as
    // auto-properties 'Weights', 'Bias'; float, MathF.Log/Exp.

    /// <summary>Binary logistic regression with parameters exposed as auto-properties.</summary>
    public partial class Round27LogisticClassifier
    {
        public float[] Weights { get; set; }
        public float Bias { get; set; }

        public Round27LogisticClassifier(int features)
        {
            Weights = new float[features];
        }

        /// <summary>Mean negative log-likelihood with labels in {0, 1}.</summary>
        [Differentiable]
        public float NegativeLogLikelihood(float[,] x, int[] labels)
        {
            int n = x.GetLength(0);
            float total = 0f;
            for (int i = 0; i < n; i++)
            {
                float z = Bias;
                for (int j = 0; j < Weights.Length; j++) z += Weights[j] * x[i, j];
                // log(1 + e^z) - y z, computed stably
                float softplus = z > 0f ? z + MathF.Log(1f + MathF.Exp(-z)) : MathF.Log(1f + MathF.Exp(z));
                total += softplus - labels[i] * z;
            }
            return total / n;
        }
    }
}
