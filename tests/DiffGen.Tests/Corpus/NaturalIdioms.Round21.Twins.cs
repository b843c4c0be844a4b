using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 21's float methods (the reference for central differences: MethodOracle's, and the
    /// hand-written checks). StftMagnitudeLoss returns double but reads float signals, so it has one too.</summary>
    public static partial class NaturalRound21
    {
        public static double NewsvendorSmoothedCostTwin(
            double[] orderQty,
            double[,] demandScenarios,
            double[] scenarioProb,
            double[] unitCost,
            double[] price,
            double[] salvage,
            double[] volumePerUnit,
            double capacity,
            double smoothing = 0.5,
            double capacityPenalty = 100.0)
        {
            int numScen = demandScenarios.GetLength(0);
            int numProd = demandScenarios.GetLength(1);
            if (orderQty.Length != numProd) throw new ArgumentException("orderQty length mismatch.", nameof(orderQty));
            if (scenarioProb.Length != numScen) throw new ArgumentException("scenarioProb length mismatch.", nameof(scenarioProb));
            if (smoothing <= 0.0) throw new ArgumentException("smoothing must be positive.", nameof(smoothing));

            double SoftPlus(double v)
            {
                double z = v / smoothing;
                return z > 30.0 ? v : smoothing * Math.Log(1.0 + Math.Exp(z));
            }

            double expectedCost = 0.0;
            for (int s = 0; s < numScen; s++)
            {
                double scenarioCost = 0.0;
                for (int j = 0; j < numProd; j++)
                {
                    double q = orderQty[j];
                    double d = demandScenarios[s, j];
                    double leftover = SoftPlus(q - d);
                    double sold = q - leftover;          // smooth min(q, d)
                    double revenue = price[j] * sold + salvage[j] * leftover;
                    scenarioCost += unitCost[j] * q - revenue;
                }
                expectedCost += scenarioProb[s] * scenarioCost;
            }

            double usedVolume = 0.0;
            for (int j = 0; j < numProd; j++) usedVolume += volumePerUnit[j] * orderQty[j];
            double over = Math.Max(0.0, usedVolume - capacity);

            return expectedCost + capacityPenalty * over * over;
        }

        public static double StftMagnitudeLossTwin(
            double[] predicted,
            double[] target,
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
                    ReadOnlySpan<double> framePred = predicted.AsSpan(start, nfft);
                    ReadOnlySpan<double> frameTgt = target.AsSpan(start, nfft);

                    for (int k = 0; k < numBins; k++)
                    {
                        double magP = StftBinMagnitudeTwin(framePred, window, k, magFloor);
                        double magT = StftBinMagnitudeTwin(frameTgt, window, k, magFloor);
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

        private static double StftBinMagnitudeTwin(ReadOnlySpan<double> frame, double[] window, int k, double floor)
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
    }
}
