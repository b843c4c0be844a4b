using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 22's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double. SpringMassDamperFit's settings stay the float struct, read widened.</summary>
    public static partial class NaturalRound22
    {
        public static double GraphAttentionLayerTwin(
            double[,] nodeFeatures,
            bool[,] adjacency,
            double[,] weight,
            double[] attnSource,
            double[] attnTarget,
            double[] bias,
            int[] labels)
        {
            const double NegativeSlope = 0.2;
            int n = nodeFeatures.GetLength(0);
            int inDim = nodeFeatures.GetLength(1);
            int outDim = weight.GetLength(1);
            if (weight.GetLength(0) != inDim)
                throw new ArgumentException("Weight rows must match the feature dimension.", nameof(weight));

            var projected = new double[n, outDim];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < outDim; k++)
                {
                    double s = 0.0;
                    for (int f = 0; f < inDim; f++)
                        s += nodeFeatures[i, f] * weight[f, k];
                    projected[i, k] = s;
                }

            var srcScore = new double[n];
            var dstScore = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < outDim; k++)
                {
                    srcScore[i] += projected[i, k] * attnSource[k];
                    dstScore[i] += projected[i, k] * attnTarget[k];
                }

            double loss = 0.0;
            for (int i = 0; i < n; i++)
            {
                var neighbours = new List<int> { i };
                for (int j = 0; j < n; j++)
                    if (j != i && adjacency[i, j])
                        neighbours.Add(j);

                var scores = new double[neighbours.Count];
                double maxScore = double.NegativeInfinity;
                for (int a = 0; a < neighbours.Count; a++)
                {
                    double raw = srcScore[i] + dstScore[neighbours[a]];
                    scores[a] = raw > 0.0 ? raw : NegativeSlope * raw;
                    maxScore = Math.Max(maxScore, scores[a]);
                }

                double denom = 0.0;
                for (int a = 0; a < scores.Length; a++)
                {
                    scores[a] = Math.Exp(scores[a] - maxScore);
                    denom += scores[a];
                }

                var logits = new double[outDim];
                for (int a = 0; a < neighbours.Count; a++)
                {
                    double attention = scores[a] / denom;
                    int j = neighbours[a];
                    for (int k = 0; k < outDim; k++)
                        logits[k] += attention * projected[j, k];
                }
                for (int k = 0; k < outDim; k++)
                    logits[k] += bias[k];

                double maxLogit = logits[0];
                for (int k = 1; k < outDim; k++)
                    maxLogit = Math.Max(maxLogit, logits[k]);
                double sumExp = 0.0;
                for (int k = 0; k < outDim; k++)
                    sumExp += Math.Exp(logits[k] - maxLogit);
                loss += maxLogit + Math.Log(sumExp) - logits[labels[i]];
            }

            return loss / n;
        }

        public static double SmoothedQuantileRegressionTwin(
            double[,] design,
            double[] response,
            double[,] coefficients,
            double[] quantiles,
            double bandwidth = 0.05,
            double crossingPenalty = 10.0)
        {
            int n = design.GetLength(0), p = design.GetLength(1), q = quantiles.Length;
            if (coefficients.GetLength(0) != q || coefficients.GetLength(1) != p)
                throw new ArgumentException("coefficients must be (#quantiles x #features).", nameof(coefficients));

            double Predict(int i, int k)
            {
                double s = 0.0;
                for (int j = 0; j < p; j++)
                    s += design[i, j] * coefficients[k, j];
                return s;
            }

            double SmoothPinball(double u, double tau) => tau * u + bandwidth * QuantileSoftplusTwin(-u / bandwidth);

            double total = Enumerable.Range(0, n).Aggregate(0.0, (acc, i) =>
            {
                double rowLoss = 0.0;
                double previous = double.NegativeInfinity;
                for (int k = 0; k < q; k++)
                {
                    double pred = Predict(i, k);
                    rowLoss += SmoothPinball(response[i] - pred, quantiles[k]);
                    if (k > 0)
                    {
                        double crossing = Math.Max(0.0, previous - pred);
                        rowLoss += crossingPenalty * crossing * crossing;
                    }
                    previous = pred;
                }
                return acc + rowLoss;
            });

            return total / n;
        }

        private static double QuantileSoftplusTwin(double x) => x > 20.0 ? x : Math.Log(1.0 + Math.Exp(x));

        public static double SpringMassDamperFitTwin(
            double logStiffness,
            double logDamping,
            double[] forcing,
            double[] measuredDisplacement,
            SimulationSettings settings)
        {
            if (forcing.Length < measuredDisplacement.Length)
                throw new ArgumentException("Need a forcing sample for every measurement.", nameof(forcing));

            double k = Math.Exp(logStiffness);
            double c = Math.Exp(logDamping);
            double x = settings.InitialDisplacement;
            double v = settings.InitialVelocity;

            double sse = 0.0;
            for (int t = 0; t < measuredDisplacement.Length; t++)
            {
                double acceleration = (forcing[t] - c * v - k * x) / settings.Mass;
                v += settings.TimeStep * acceleration; // semi-implicit (symplectic) Euler
                x += settings.TimeStep * v;

                double error = x - measuredDisplacement[t];
                sse += error * error;
            }
            return sse / measuredDisplacement.Length;
        }

        private static readonly double[,] WindowTwin = GaussianWindowTwin(3, 1.0);

        public static double SsimLossTwin(double[,] prediction, double[,] reference, double l1Weight = 0.15)
        {
            const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03; // for a dynamic range of 1
            int height = prediction.GetLength(0), width = prediction.GetLength(1);
            int ks = WindowTwin.GetLength(0);
            if (reference.GetLength(0) != height || reference.GetLength(1) != width)
                throw new ArgumentException("Images must have the same shape.", nameof(reference));
            if (height < ks || width < ks)
                throw new ArgumentException("Image is smaller than the SSIM window.", nameof(prediction));

            double ssimSum = 0.0;
            int windows = 0;
            for (int y = 0; y + ks <= height; y++)
            {
                for (int x = 0; x + ks <= width; x++)
                {
                    double muX = 0.0, muY = 0.0;
                    for (int i = 0; i < ks; i++)
                        for (int j = 0; j < ks; j++)
                        {
                            muX += WindowTwin[i, j] * prediction[y + i, x + j];
                            muY += WindowTwin[i, j] * reference[y + i, x + j];
                        }

                    double varX = 0.0, varY = 0.0, cov = 0.0;
                    for (int i = 0; i < ks; i++)
                        for (int j = 0; j < ks; j++)
                        {
                            double dx = prediction[y + i, x + j] - muX;
                            double dy = reference[y + i, x + j] - muY;
                            varX += WindowTwin[i, j] * dx * dx;
                            varY += WindowTwin[i, j] * dy * dy;
                            cov += WindowTwin[i, j] * dx * dy;
                        }

                    double ssim = (2.0 * muX * muY + C1) * (2.0 * cov + C2)
                                / ((muX * muX + muY * muY + C1) * (varX + varY + C2));
                    ssimSum += ssim;
                    windows++;
                }
            }

            double l1 = 0.0;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double d = prediction[y, x] - reference[y, x];
                    l1 += Math.Sqrt(d * d + 1e-6);
                }

            return (1.0 - l1Weight) * (1.0 - ssimSum / windows) + l1Weight * l1 / (height * width);
        }

        private static double[,] GaussianWindowTwin(int size, double sigma)
        {
            var w = new double[size, size];
            int c = size / 2;
            double sum = 0.0;
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    w[i, j] = Math.Exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2.0 * sigma * sigma));
                    sum += w[i, j];
                }
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                    w[i, j] /= sum;
            return w;
        }
    }
}
