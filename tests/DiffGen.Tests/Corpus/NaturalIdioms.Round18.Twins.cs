using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 18's float methods (MethodOracle's reference for central differences).</summary>
    public static partial class NaturalRound18
    {
        public static double LogMelSpectralLossTwin(double[] predictedPower, double[] targetPower, int numFrames, int numMels = 8, double sampleRate = 16000)
        {
            int numBins = predictedPower.Length / numFrames;
            if (numBins * numFrames != predictedPower.Length || targetPower.Length != predictedPower.Length)
                throw new ArgumentException("Spectrogram sizes are inconsistent.");

            // triangular mel filter edges, expressed in (fractional) FFT bin units
            double nyquist = sampleRate / 2;
            double melMax = LogMelSpectralLossHzToMelTwin(nyquist);
            double[] edges = new double[numMels + 2];
            for (int m = 0; m < edges.Length; m++)
                edges[m] = LogMelSpectralLossMelToHzTwin(melMax * m / (numMels + 1)) / nyquist * (numBins - 1);

            double total = 0;
            for (int f = 0; f < numFrames; f++)
            {
                for (int m = 1; m <= numMels; m++)
                {
                    double predMel = 0, tgtMel = 0;
                    for (int k = 0; k < numBins; k++)
                    {
                        double w = 0;
                        if (k >= edges[m - 1] && k <= edges[m]) w = (k - edges[m - 1]) / (edges[m] - edges[m - 1]);
                        else if (k > edges[m] && k <= edges[m + 1]) w = (edges[m + 1] - k) / (edges[m + 1] - edges[m]);
                        predMel += w * predictedPower[f * numBins + k];
                        tgtMel += w * targetPower[f * numBins + k];
                    }
                    total += Math.Abs(Math.Log(predMel + 1e-6) - Math.Log(tgtMel + 1e-6));
                }
            }
            return total / (numFrames * numMels);
        }

        private static double LogMelSpectralLossHzToMelTwin(double hz) => 2595 * Math.Log10(1 + hz / 700);

        private static double LogMelSpectralLossMelToHzTwin(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

        public static double TiedAutoencoderAnomalyScoreTwin(double[] x, double[] weights, double[] hiddenBias, double[] outputBias, double[] featureScale, int hiddenSize)
        {
            int d = x.Length;
            if (weights.Length != hiddenSize * d)
                throw new ArgumentException("Weight matrix must be hiddenSize x inputSize.");
            double[] hidden = new double[hiddenSize];
            for (int h = 0; h < hiddenSize; h++)
            {
                double s = hiddenBias[h];
                for (int i = 0; i < d; i++) s += weights[h * d + i] * x[i];
                hidden[h] = Math.Tanh(s);
            }
            // decoder uses the transposed encoder weights
            double score = 0;
            for (int i = 0; i < d; i++)
            {
                double recon = outputBias[i];
                for (int h = 0; h < hiddenSize; h++) recon += weights[h * d + i] * hidden[h];
                double z = (x[i] - recon) / featureScale[i];
                score += z * z;
            }
            return 0.5 * score / d;
        }

        public static double DiffusionNoisePredictionLossTwin(double[] weights, double[] bias, double[] timeScale, double[] cleanSample, double[] noise, int timestep, int totalSteps = 1000, bool minSnrWeighting = true)
        {
            int d = cleanSample.Length;
            if (timestep < 0 || timestep > totalSteps) throw new ArgumentOutOfRangeException(nameof(timestep));
            double alphaBar = DiffusionNoisePredictionLossCosineAlphaBarTwin(timestep, totalSteps);
            double sqrtAb = Math.Sqrt(alphaBar), sqrtOneMinus = Math.Sqrt(1 - alphaBar);
            double[] noisy = new double[d];
            for (int i = 0; i < d; i++)
                noisy[i] = sqrtAb * cleanSample[i] + sqrtOneMinus * noise[i];

            // tiny linear epsilon-predictor conditioned on t
            double tFrac = (double)timestep / totalSteps;
            double mse = 0;
            for (int i = 0; i < d; i++)
            {
                double pred = bias[i] + timeScale[i] * tFrac;
                for (int j = 0; j < d; j++) pred += weights[i * d + j] * noisy[j];
                double err = pred - noise[i];
                mse += err * err;
            }
            mse /= d;
            if (!minSnrWeighting) return mse;
            double snr = alphaBar / (1 - alphaBar);
            return Math.Min(snr, 5) / snr * mse; // Min-SNR-gamma weighting for epsilon prediction
        }

        private static double DiffusionNoisePredictionLossCosineAlphaBarTwin(int t, int totalSteps)
        {
            const double s = 0.008;
            double f0 = Math.Cos(s / (1 + s) * Math.PI / 2);
            double ft = Math.Cos(((double)t / totalSteps + s) / (1 + s) * Math.PI / 2);
            return Math.Clamp(ft * ft / (f0 * f0), 1e-5, 0.9999);
        }

        public static double PreNormMlpBlockLossTwin(double[] x, double[] lnGain, double[] lnBias, double[] w1, double[] b1, double[] w2, double[] b2, double[] target, double eps = 1e-5)
        {
            int d = x.Length, hidden = b1.Length;
            double mean = 0;
            foreach (double v in x) mean += v;
            mean /= d;
            double variance = 0;
            foreach (double v in x) variance += (v - mean) * (v - mean);
            variance /= d;
            double invStd = 1 / Math.Sqrt(variance + eps);

            double[] normed = new double[d];
            for (int i = 0; i < d; i++) normed[i] = (x[i] - mean) * invStd * lnGain[i] + lnBias[i];

            double[] h = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double s = b1[j];
                for (int i = 0; i < d; i++) s += w1[j * d + i] * normed[i];
                h[j] = PreNormMlpBlockLossGeluTwin(s);
            }
            double loss = 0;
            for (int i = 0; i < d; i++)
            {
                double y = x[i] + b2[i]; // residual connection
                for (int j = 0; j < hidden; j++) y += w2[i * hidden + j] * h[j];
                loss += (y - target[i]) * (y - target[i]);
            }
            return loss / d;
        }

        private static double PreNormMlpBlockLossGeluTwin(double x)
        {
            const double c = 0.7978845608; // sqrt(2 / pi)
            return 0.5 * x * (1 + Math.Tanh(c * (x + 0.044715 * x * x * x)));
        }
    }
}
