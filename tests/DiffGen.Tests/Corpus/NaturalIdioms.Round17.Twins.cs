using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 17's float methods (MethodOracle's reference for central differences).</summary>
    public static partial class NaturalRound17
    {
        public static double SpectralConvergenceLossTwin(double[] predictedMag, double[] targetMag, int numFrames, double logWeight = 1.0)
        {
            if (predictedMag.Length != targetMag.Length)
                throw new ArgumentException("spectrogram sizes differ");
            if (numFrames <= 0 || predictedMag.Length % numFrames != 0)
                throw new ArgumentException("numFrames must divide the spectrogram size");

            double diffNorm = 0, targetNorm = 0, logL1 = 0;
            const double eps = 1e-5;
            for (int i = 0; i < predictedMag.Length; i++)
            {
                double d = targetMag[i] - predictedMag[i];
                diffNorm += d * d;
                targetNorm += targetMag[i] * targetMag[i];
                logL1 += Math.Abs(Math.Log(targetMag[i] + eps) - Math.Log(predictedMag[i] + eps));
            }
            double sc = Math.Sqrt(diffNorm) / (Math.Sqrt(targetNorm) + eps);
            return sc + logWeight * logL1 / predictedMag.Length;
        }

        public static double LayerNormReconstructionTwin(double[][] hidden, double[] gamma, double[] beta, double[][] target, double eps = 1e-5)
        {
            int d = gamma.Length;
            if (beta.Length != d)
                throw new ArgumentException("gamma and beta must have the same size");

            double loss = 0;
            var normed = new double[d];
            for (int t = 0; t < hidden.Length; t++)
            {
                double[] h = hidden[t];
                double mean = h.Average();
                double variance = 0;
                for (int i = 0; i < d; i++)
                    variance += (h[i] - mean) * (h[i] - mean);
                variance /= d;
                double invStd = 1 / Math.Sqrt(variance + eps);
                for (int i = 0; i < d; i++)
                    normed[i] = gamma[i] * (h[i] - mean) * invStd + beta[i];
                for (int i = 0; i < d; i++)
                {
                    double e = normed[i] - target[t][i];
                    loss += e * e;
                }
            }
            return loss / (hidden.Length * d);
        }

        public static double SoftDiceLossTwin(double[] logits, int[] mask, int numClasses, double smooth = 1)
        {
            if (logits.Length != mask.Length * numClasses)
                throw new ArgumentException("logits must be pixels x classes");

            int pixels = mask.Length;
            var intersection = new double[numClasses];
            var predSum = new double[numClasses];
            var targetSum = new double[numClasses];
            var probs = new double[numClasses];
            for (int p = 0; p < pixels; p++)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < numClasses; c++) max = Math.Max(max, logits[p * numClasses + c]);
                double z = 0;
                for (int c = 0; c < numClasses; c++) { probs[c] = Math.Exp(logits[p * numClasses + c] - max); z += probs[c]; }
                for (int c = 0; c < numClasses; c++)
                {
                    double prob = probs[c] / z;
                    double onehot = mask[p] == c ? 1 : 0;
                    intersection[c] += prob * onehot;
                    predSum[c] += prob;
                    targetSum[c] += onehot;
                }
            }

            double dice = 0;
            for (int c = 0; c < numClasses; c++)
                dice += (2 * intersection[c] + smooth) / (predSum[c] + targetSum[c] + smooth);
            return 1 - dice / numClasses;
        }

        public static double LogMelDistanceTwin(double[][] predictedPower, double[][] targetPower, double[,] melBasis, double floor = 1e-5)
        {
            int frames = predictedPower.Length;
            int nMels = melBasis.GetLength(0);
            int nBins = melBasis.GetLength(1);
            if (targetPower.Length != frames)
                throw new ArgumentException("frame counts differ");

            double total = 0;
            for (int t = 0; t < frames; t++)
            {
                for (int m = 0; m < nMels; m++)
                {
                    double melPred = LogMelProjectTwin(melBasis, m, predictedPower[t], nBins);
                    double melTarget = LogMelProjectTwin(melBasis, m, targetPower[t], nBins);
                    double diff = Math.Log10(Math.Max(melPred, floor)) - Math.Log10(Math.Max(melTarget, floor));
                    total += diff * diff;
                }
            }
            return 10 * Math.Sqrt(total / (frames * nMels));
        }

        private static double LogMelProjectTwin(double[,] basis, int mel, double[] spectrum, int nBins)
        {
            double s = 0;
            for (int k = 0; k < nBins; k++)
                s += basis[mel, k] * spectrum[k];
            return s;
        }
    }
}
