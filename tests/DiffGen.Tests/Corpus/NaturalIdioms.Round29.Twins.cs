using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 29's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound29
    {
        public static double BceWithLogitsTwin(double[] logits, double[] targets)
        {
            double loss = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                double x = logits[i];
                loss += Math.Max(x, 0.0) - x * targets[i] + Math.Log(1.0 + Math.Exp(-Math.Abs(x)));
            }
            return loss / logits.Length;
        }

        public static double LayerNormFTwin(double[] x, double[] gain, double[] bias, double eps = 1e-5)
        {
            int n = x.Length;
            double mean = 0.0;
            for (int i = 0; i < n; i++) mean += x[i];
            mean /= n;
            double variance = 0.0;
            for (int i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
            variance /= n;
            double inv = 1.0 / Math.Sqrt(variance + eps);
            double outSum = 0.0;
            for (int i = 0; i < n; i++)
                outSum += Math.Tanh(gain[i] * (x[i] - mean) * inv + bias[i]);
            return outSum;
        }

        public static double LogisticNllTwin(double[] w, double b, double[,] X, double[] y)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double z = b;
                for (int j = 0; j < d; j++) z += X[i, j] * w[j];
                double p = 1.0 / (1.0 + Math.Exp(-z));
                nll -= y[i] * Math.Log(p) + (1.0 - y[i]) * Math.Log(1.0 - p);
            }
            return nll / n;
        }

        public static double FirOutputRmsTwin(double[] signal, double[] taps)
        {
            int n = signal.Length - taps.Length + 1;
            double energy = 0.0;
            for (int i = 0; i < n; i++)
            {
                double acc = 0.0;
                for (int k = 0; k < taps.Length; k++) acc += taps[k] * signal[i + k];
                energy += acc * acc;
            }
            return Math.Sqrt(energy / n);
        }
    }
}
