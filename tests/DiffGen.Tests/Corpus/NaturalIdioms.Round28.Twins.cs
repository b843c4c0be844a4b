using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 28's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound28
    {
        public static double BinaryCrossEntropyTwin(double[] probs, double[] labels, double eps = 1e-7, bool average = true)
        {
            if (probs.Length != labels.Length) throw new ArgumentException("length mismatch");

            double total = 0.0;
            for (int i = 0; i < probs.Length; i++)
            {
                var p = Math.Clamp(probs[i], eps, 1.0 - eps);
                total -= labels[i] * Math.Log(p) + (1.0 - labels[i]) * Math.Log(1.0 - p);
            }
            return average && probs.Length > 0 ? total / probs.Length : total;
        }

        public static double HuberLossTwin(double[] pred, double[] target, double delta)
        {
            double sum = 0.0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = pred[i] - target[i];
                double a = Math.Abs(r);
                if (a <= delta)
                    sum += 0.5 * r * r;
                else
                    sum += delta * (a - 0.5 * delta);
            }
            return sum / pred.Length;
        }

        private static double HardSwishTwin(double x) => x switch
        {
            <= -3.0 => 0.0,
            >= 3.0 => x,
            _ => x * (x + 3.0) / 6.0,
        };

        public static double HardSwishActivationMeanTwin(double[] preActivations, double deadPenalty = 0.01)
        {
            if (preActivations.Length == 0) return 0.0;

            double sum = 0.0;
            foreach (var x in preActivations)
            {
                sum += HardSwishTwin(x);
                if (x is < -3.0 and > -10.0)
                    sum -= deadPenalty * (x + 3.0);
            }
            return sum / preActivations.Length;
        }

        public static double LinearFitMeanSquaredResidualTwin(double[] xs, double[] ys, double slope, double intercept)
        {
            if (xs.Length == 0) return 0.0;

            double acc = 0.0;
            for (int i = 0; i < xs.Length; i++)
            {
                double r = ys[i] - (slope * xs[i] + intercept);
                acc += r * r;
            }
            return acc / xs.Length;
        }

        public static double RootMeanSquareTwin(params double[] values)
        {
            if (values is null || values.Length == 0) return 0.0;

            double sumSq = 0.0;
            foreach (var v in values)
                sumSq += v * v;
            return Math.Sqrt(sumSq / values.Length);
        }

        public static double MeanToneMappedLuminanceTwin(double[] rgb, double exposure, double whitePoint = 4.0)
        {
            int pixels = rgb.Length / 3;
            if (pixels == 0) return 0.0;

            double scale = Math.Pow(2.0, exposure);
            double total = 0.0;
            for (int p = 0; p < pixels; p++)
            {
                double r = Math.Min(Math.Max(rgb[3 * p] * scale, 0.0), whitePoint);
                double g = Math.Min(Math.Max(rgb[3 * p + 1] * scale, 0.0), whitePoint);
                double b = Math.Min(Math.Max(rgb[3 * p + 2] * scale, 0.0), whitePoint);
                double lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
                double mapped = lum * (1.0 + lum / (whitePoint * whitePoint)) / (1.0 + lum);
                total += Math.Max(0.0, Math.Min(1.0, mapped));
            }
            return total / pixels;
        }

        public static double GaussianBlurAtTwin(double[] row, int center, double sigma, int radius = 3)
        {
            int size = 2 * radius + 1;
            var kernel = new double[size];

            double norm = 0.0;
            for (int k = -radius; k <= radius; k++)
            {
                double w = Math.Exp(-0.5 * k * k / (sigma * sigma));
                kernel[k + radius] = w;
                norm += w;
            }

            double acc = 0.0;
            for (int k = -radius; k <= radius; k++)
            {
                int idx = Math.Clamp(center + k, 0, row.Length - 1);
                acc += kernel[k + radius] * row[idx];
            }
            return acc / norm;
        }

        public static double RedmeanColorDistanceTwin(double r1, double g1, double b1, double r2, double g2, double b2)
        {
            double rMean = 0.5 * (r1 + r2);
            double d2 = (2.0 + rMean) * (r1 - r2) * (r1 - r2)
                      + 4.0 * (g1 - g2) * (g1 - g2)
                      + (3.0 - rMean) * (b1 - b2) * (b1 - b2);
            return Math.Sqrt(d2 + 1e-12);
        }

        public static double BlendReconstructionErrorTwin(double[] under, double[] over, double[] reference, double opacity, Round28BlendMode mode)
        {
            double err = 0.0;
            for (int i = 0; i < under.Length; i++)
            {
                double a = under[i], b = over[i];
                double blended = mode switch
                {
                    Round28BlendMode.Normal => b,
                    Round28BlendMode.Multiply => a * b,
                    Round28BlendMode.Screen => 1.0 - (1.0 - a) * (1.0 - b),
                    Round28BlendMode.Overlay => a < 0.5 ? 2.0 * a * b : 1.0 - 2.0 * (1.0 - a) * (1.0 - b),
                    _ => throw new ArgumentOutOfRangeException(nameof(mode)),
                };
                double outValue = a + opacity * (blended - a);
                double d = outValue - reference[i];
                err += d * d;
            }
            return err / under.Length;
        }
    }
}
