using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 30's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound30
    {
        public static double LayerNormLossTwin(double[] x, double[] gamma, double[] beta, double eps = 1e-5)
        {
            int n = x.Length;
            double mean = 0.0;
            foreach (var v in x) mean += v;
            mean /= n;
            double variance = 0.0;
            foreach (var v in x) variance += (v - mean) * (v - mean);
            variance /= n;
            double inv = 1.0 / Math.Sqrt(variance + eps);
            double loss = 0.0;
            for (int i = 0; i < n; i++)
            {
                double y = gamma[i] * (x[i] - mean) * inv + beta[i];
                loss += y * y * (i + 1);
            }
            return loss;
        }

        public static double DropoutDenseTwin(double[] x, double[] w, bool[] keepMask, double p)
        {
            double scale = 1.0 / (1.0 - p);
            double s = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!keepMask[i]) continue;
                s += x[i] * scale * w[i];
            }
            return Math.Tanh(s);
        }

        public static double BiquadEnergyTwin(double[] signal, double b0, double b1, double b2, double a1, double a2)
        {
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0, energy = 0;
            foreach (var x in signal)
            {
                double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                x2 = x1; x1 = x;
                y2 = y1; y1 = y;
                energy += y * y;
            }
            return energy / signal.Length;
        }

        public static double MovingAverageRoughnessTwin(double[] series, int window = 4)
        {
            var buf = new double[window];
            int head = 0, count = 0;
            double sum = 0.0, prevAvg = 0.0, rough = 0.0;
            for (int t = 0; t < series.Length; t++)
            {
                if (count == window) sum -= buf[head];
                else count++;
                buf[head] = series[t];
                sum += series[t];
                head = (head + 1) % window;
                double avg = sum / count;
                if (t > 0) rough += (avg - prevAvg) * (avg - prevAvg);
                prevAvg = avg;
            }
            return rough;
        }
    }
}
