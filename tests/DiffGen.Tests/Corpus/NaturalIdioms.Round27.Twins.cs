using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 27's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound27
    {
        public static double MaskedBinaryFocalLossTwin(double[] logits, double[] targets, bool[] mask, double gamma, double alpha)
        {
            double total = 0.0;
            int used = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                if (!mask[i]) continue;
                double p = 1.0 / (1.0 + Math.Exp(-logits[i]));
                double pt = targets[i] > 0.5 ? p : 1.0 - p;
                double at = targets[i] > 0.5 ? alpha : 1.0 - alpha;
                total += -at * Math.Pow(1.0 - pt, gamma) * Math.Log(Math.Max(pt, 1e-7));
                used++;
            }
            return used == 0 ? 0.0 : total / used;
        }

        public static double CosineEmbeddingLossTwin(double[] a, double[] b, int label, double margin)
        {
            double dot = 0.0, na = 0.0, nb = 0.0;
            for (int i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            double cos = dot / (Math.Sqrt(na) * Math.Sqrt(nb) + 1e-8);
            return label == 1 ? 1.0 - cos : Math.Max(0.0, cos - margin);
        }

        public static double TruncatedSquaredLossTwin(double[] predictions, double[] targets, double threshold)
        {
            double sum = 0.0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double r = predictions[i] - targets[i];
                sum += Math.Abs(r) > threshold ? threshold * threshold : r * r;
            }
            return sum / predictions.Length;
        }

        public static double NanSkippingMeanAbsoluteErrorTwin(double[] predictions, double[] targets)
        {
            double sum = 0.0;
            int valid = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                if (double.IsNaN(targets[i]))
                    continue;
                sum += Math.Abs(predictions[i] - targets[i]);
                valid++;
            }
            return valid == 0 ? 0.0 : sum / valid;
        }

        public static double PiecewiseLinearCalibrationLossTwin(double[] knotValues, double[] knots, double[] scores, double[] labels)
        {
            double total = 0.0;
            int seg = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                while (seg < knots.Length - 2 && scores[i] > knots[seg + 1])
                    seg++;

                double t = (scores[i] - knots[seg]) / (knots[seg + 1] - knots[seg]);
                t = Math.Clamp(t, 0.0, 1.0);
                double calibrated = knotValues[seg] + t * (knotValues[seg + 1] - knotValues[seg]);
                double d = calibrated - labels[i];
                total += d * d;
            }
            return total / scores.Length;
        }

        public static double MlpRowRegressionLossTwin(double[,] x, double[,] w1, double[] b1, double[] w2, double b2, double[] y)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = w1.GetLength(1);
            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double[] hidden = new double[h];
                for (int k = 0; k < h; k++)
                {
                    double a = b1[k];
                    for (int j = 0; j < d; j++) a += x[i, j] * w1[j, k];
                    hidden[k] = Math.Tanh(a);
                }

                double pred = b2;
                for (int k = 0; k < h; k++) pred += hidden[k] * w2[k];
                double diff = pred - y[i];
                total += 0.5 * diff * diff;
            }
            return total / n;
        }

        public static double MaxPool1dLossTwin(double[] signal, int poolSize, double[] target)
        {
            int outLen = signal.Length / poolSize;
            double loss = 0.0;
            for (int w = 0; w < outLen; w++)
            {
                int start = w * poolSize;
                int best = start;
                for (int j = start + 1; j < start + poolSize; j++)
                {
                    if (signal[j] > signal[best])
                        best = j;
                }
                double d = signal[best] - target[w];
                loss += d * d;
            }
            return loss / outLen;
        }

        public static void DenseLayerForwardTwin(double[] input, double[,] weights, double[] bias, double[] output)
        {
            int inDim = weights.GetLength(0), outDim = weights.GetLength(1);
            if (input.Length != inDim || output.Length != outDim)
                throw new ArgumentException("shape mismatch between input, weights and output");

            for (int o = 0; o < outDim; o++)
            {
                double acc = bias[o];
                for (int i = 0; i < inDim; i++)
                    acc += input[i] * weights[i, o];
                output[o] = acc > 0.0 ? acc : 0.0;
            }
        }

        public static double BilinearScoreLossTwin(double[,,] x, double[] u, double[] v, double[] y)
        {
            int batch = x.GetLength(0), f1 = x.GetLength(1), f2 = x.GetLength(2);
            double loss = 0.0;
            for (int b = 0; b < batch; b++)
            {
                double score = 0.0;
                for (int p = 0; p < f1; p++)
                    for (int q = 0; q < f2; q++)
                        score += u[p] * x[b, p, q] * v[q];
                double e = score - y[b];
                loss += e * e;
            }
            return loss / batch;
        }
    }

    /// <summary>The double twin of <see cref="Round27LogisticClassifier.NegativeLogLikelihood"/> (the reference for its
    /// central differences), reading the same float properties widened.</summary>
    public partial class Round27LogisticClassifier
    {
        public double NegativeLogLikelihoodTwin(double[,] x, int[] labels)
        {
            int n = x.GetLength(0);
            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double z = Bias;
                for (int j = 0; j < Weights.Length; j++) z += Weights[j] * x[i, j];
                // log(1 + e^z) - y z, computed stably
                double softplus = z > 0.0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));
                total += softplus - labels[i] * z;
            }
            return total / n;
        }
    }
}
