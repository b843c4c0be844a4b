using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 26's float methods (the reference for central differences: MethodOracle's, and the
    /// hand check of <see cref="Round26DepthwiseConv1d"/>'s Loss), the same logic in double.</summary>
    public static partial class NaturalRound26
    {
        public static double FocalLossTwin(double[][] logits, int[] targets, double gamma, double[]? alpha, Round26Reduction reduction)
        {
            if (logits.Length != targets.Length)
                throw new ArgumentException("logits and targets must have the same batch size.", nameof(targets));
            if (logits.Length == 0)
                return 0.0;

            double total = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                var row = logits[i];
                int t = targets[i];
                double max = row.Max();
                double sumExp = 0.0;
                foreach (var z in row)
                    sumExp += Math.Exp(z - max);

                double logPt = row[t] - max - Math.Log(sumExp);
                double pt = Math.Exp(logPt);
                double weight = alpha is null ? 1.0 : alpha[t];
                total += -weight * Math.Pow(1.0 - pt, gamma) * logPt;
            }

            return reduction switch
            {
                Round26Reduction.Mean => total / logits.Length,
                Round26Reduction.Sum => total,
                _ => throw new ArgumentException($"Unsupported reduction {reduction}.", nameof(reduction)),
            };
        }

        public static double SoftDiceLossTwin(double[,,] logits, double[,,] masks, double smooth)
        {
            int batch = logits.GetLength(0);
            int height = logits.GetLength(1);
            int width = logits.GetLength(2);

            double loss = 0.0;
            for (int b = 0; b < batch; b++)
            {
                double intersection = 0.0, predSum = 0.0, targetSum = 0.0;
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        double p = 1.0 / (1.0 + Math.Exp(-logits[b, y, x]));
                        double g = masks[b, y, x];
                        intersection += p * g;
                        predSum += p * p;
                        targetSum += g * g;
                    }
                }

                double dice = (2.0 * intersection + smooth) / (predSum + targetSum + smooth);
                loss += 1.0 - dice;
            }

            return loss / batch;
        }

        public static double ArcFaceLossTwin(double[][] embeddings, double[,] classWeights, int[] labels, double scale, double margin)
        {
            const double eps = 1e-7;
            int numClasses = classWeights.GetLength(0);
            int dim = classWeights.GetLength(1);

            double cosM = Math.Cos(margin);
            double sinM = Math.Sin(margin);
            double threshold = Math.Cos(Math.PI - margin);
            double mm = Math.Sin(Math.PI - margin) * margin;

            var weightNorms = new double[numClasses];
            for (int c = 0; c < numClasses; c++)
            {
                double sq = 0.0;
                for (int k = 0; k < dim; k++)
                    sq += classWeights[c, k] * classWeights[c, k];
                weightNorms[c] = Math.Sqrt(sq) + eps;
            }

            var scaledCos = new double[numClasses];
            double loss = 0.0;
            for (int i = 0; i < embeddings.Length; i++)
            {
                var e = embeddings[i];
                double eNorm = Math.Sqrt(e.Sum(v => v * v)) + eps;
                int label = labels[i];

                for (int c = 0; c < numClasses; c++)
                {
                    double dot = 0.0;
                    for (int k = 0; k < dim; k++)
                        dot += e[k] * classWeights[c, k];
                    double cos = Math.Clamp(dot / (eNorm * weightNorms[c]), -1.0 + eps, 1.0 - eps);

                    if (c == label)
                    {
                        double sin = Math.Sqrt(1.0 - cos * cos);
                        double phi = cos * cosM - sin * sinM;
                        cos = cos > threshold ? phi : cos - mm;
                    }
                    scaledCos[c] = scale * cos;
                }

                double max = scaledCos.Max();
                double sum = scaledCos.Sum(z => Math.Exp(z - max));
                loss -= scaledCos[label] - max - Math.Log(sum);
            }

            return loss / embeddings.Length;
        }
    }

    public sealed partial class Round26DepthwiseConv1d
    {
        /// <summary>The double twin of <see cref="Loss"/>: the same logic in double, the float fields widened.</summary>
        public double LossTwin(double[,] input, double[,] target)
        {
            int length = input.GetLength(1);
            int outLength = OutputLength(length);
            var output = new double[Channels, outLength];
            for (int c = 0; c < Channels; c++)
            {
                for (int t = 0; t < outLength; t++)
                {
                    double acc = _bias[c];
                    int origin = t * Stride - Padding;
                    for (int k = 0; k < KernelSize; k++)
                    {
                        int pos = origin + k;
                        if (pos < 0 || pos >= length)
                            continue;
                        acc += (double)_kernels[c, k] * input[c, pos];
                    }
                    output[c, t] = acc / (1.0 + Math.Exp(-acc));
                }
            }

            double loss = 0.0;
            for (int c = 0; c < Channels; c++)
                for (int t = 0; t < outLength; t++)
                {
                    double d = output[c, t] - target[c, t];
                    loss += d * d;
                }
            return loss / (Channels * outLength);
        }
    }
}
