using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 25's float methods (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound25
    {
        public static double LabelSmoothingCETwin(double[][] W, double[] b, double[][] X, int[] labels, double smoothing, double weightDecay)
        {
            int classes = W.Length;
            double offValue = smoothing / classes;
            double onValue = 1.0 - smoothing + offValue;
            var logits = new double[classes];
            double total = 0.0;

            for (int n = 0; n < X.Length; n++)
            {
                for (int c = 0; c < classes; c++)
                {
                    double z = b[c];
                    double[] wc = W[c];
                    for (int i = 0; i < wc.Length; i++) z += wc[i] * X[n][i];
                    logits[c] = z;
                }
                double max = logits.Max();
                double sumExp = 0.0;
                for (int c = 0; c < classes; c++) sumExp += Math.Exp(logits[c] - max);
                double logZ = max + Math.Log(sumExp);

                for (int c = 0; c < classes; c++)
                {
                    double target = c == labels[n] ? onValue : offValue;
                    total -= target * (logits[c] - logZ);
                }
            }

            double l2 = 0.0;
            foreach (var row in W)
                foreach (var w in row) l2 += w * w;
            return total / X.Length + 0.5 * weightDecay * l2;
        }

        public static double HeatEquation2DTwin(double[,] u0, double diffusivity, double[,] observed, int steps, double dt, double dx)
        {
            int nx = u0.GetLength(0), ny = u0.GetLength(1);
            double r = diffusivity * dt / (dx * dx);
            var cur = (double[,])u0.Clone();
            var next = new double[nx, ny];

            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < nx; i++)
                {
                    for (int j = 0; j < ny; j++)
                    {
                        if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1)
                        {
                            next[i, j] = 0.0;
                            continue;
                        }
                        double lap = cur[i + 1, j] + cur[i - 1, j] + cur[i, j + 1] + cur[i, j - 1] - 4.0 * cur[i, j];
                        next[i, j] = cur[i, j] + r * lap;
                    }
                }
                (cur, next) = (next, cur);
            }

            double loss = 0.0;
            for (int i = 0; i < nx; i++)
                for (int j = 0; j < ny; j++)
                {
                    double d = cur[i, j] - observed[i, j];
                    loss += d * d;
                }
            return loss / (nx * ny);
        }

        public static double CatmullRomFitTwin(double[][] controlPoints, double[][] samples, double[] sampleParams, double smoothness)
        {
            int segments = controlPoints.Length - 3;
            if (segments < 1) return 0.0;

            double data = 0.0;
            for (int n = 0; n < samples.Length; n++)
            {
                // the float method's parameter arithmetic, so the segment and u are the float method's
                float t = Math.Clamp((float)sampleParams[n], 0f, 1f) * segments;
                int seg = Math.Min((int)MathF.Floor(t), segments - 1);
                double u = t - seg;
                double u2 = u * u, u3 = u2 * u;
                double w0 = 0.5 * (-u3 + 2.0 * u2 - u);
                double w1 = 0.5 * (3.0 * u3 - 5.0 * u2 + 2.0);
                double w2 = 0.5 * (-3.0 * u3 + 4.0 * u2 + u);
                double w3 = 0.5 * (u3 - u2);

                for (int dim = 0; dim < 2; dim++)
                {
                    double p = w0 * controlPoints[seg][dim] + w1 * controlPoints[seg + 1][dim]
                             + w2 * controlPoints[seg + 2][dim] + w3 * controlPoints[seg + 3][dim];
                    double d = p - samples[n][dim];
                    data += d * d;
                }
            }

            double bend = 0.0;
            for (int i = 1; i + 1 < controlPoints.Length; i++)
                for (int dim = 0; dim < 2; dim++)
                {
                    double second = controlPoints[i - 1][dim] - 2.0 * controlPoints[i][dim] + controlPoints[i + 1][dim];
                    bend += second * second;
                }
            return data / samples.Length + smoothness * bend;
        }

        public static double SoftRasterizerTwin(double[] vertices, double intensity, double[,] target, RasterSettings settings)
        {
            double area2 = TwinCross(vertices[2] - vertices[0], vertices[3] - vertices[1],
                                     vertices[4] - vertices[0], vertices[5] - vertices[1]);
            double orient = area2 >= 0.0 ? 1.0 : -1.0;

            var edgeLen = new double[3];
            for (int e = 0; e < 3; e++)
            {
                int a = e, b = (e + 1) % 3;
                double ex = vertices[2 * b] - vertices[2 * a], ey = vertices[2 * b + 1] - vertices[2 * a + 1];
                edgeLen[e] = Math.Sqrt(ex * ex + ey * ey) + 1e-6;
            }

            double loss = 0.0;
            for (int py = 0; py < settings.Height; py++)
            {
                // the float method's pixel centres
                double y = (py + 0.5f) / settings.Height;
                for (int px = 0; px < settings.Width; px++)
                {
                    double x = (px + 0.5f) / settings.Width;
                    double coverage = 1.0;
                    for (int e = 0; e < 3; e++)
                    {
                        int a = e, b = (e + 1) % 3;
                        double ax = vertices[2 * a], ay = vertices[2 * a + 1];
                        double dist = orient * TwinCross(vertices[2 * b] - ax, vertices[2 * b + 1] - ay, x - ax, y - ay) / edgeLen[e];
                        coverage *= 1.0 / (1.0 + Math.Exp(-(double)settings.Sharpness * dist));
                    }
                    double diff = intensity * coverage - target[py, px];
                    loss += diff * diff;
                }
            }
            return loss / (settings.Width * settings.Height);
        }

        private static double TwinCross(double ax, double ay, double bx, double by) => ax * by - ay * bx;

        // Mean squared error of y = LayerNorm(x + GELU(W x + b)) * gamma + beta against targets (double precision).
        public static double LayerNormResidualTwin(double[,] W, double[] b, double[] gamma, double[] beta, double[][] X, double[][] Y)
        {
            const double eps = 1e-5;
            int d = gamma.Length;
            Span<double> r = stackalloc double[d];
            double loss = 0;
            int count = 0;

            foreach (var (x, y) in X.Zip(Y))
            {
                for (int i = 0; i < d; i++)
                {
                    double a = b[i];
                    for (int j = 0; j < d; j++) a += W[i, j] * x[j];
                    r[i] = x[i] + LayerNormGeluTwin(a);
                }

                double mean = 0;
                for (int i = 0; i < d; i++) mean += r[i];
                mean /= d;
                double var = 0;
                for (int i = 0; i < d; i++) { double c = r[i] - mean; var += c * c; }
                var /= d;
                double invStd = 1 / Math.Sqrt(var + eps);

                for (int i = 0; i < d; i++)
                {
                    double outI = (r[i] - mean) * invStd * gamma[i] + beta[i];
                    double diff = outI - y[i];
                    loss += diff * diff;
                }
                count++;
            }
            return count == 0 ? 0 : loss / (count * d);
        }

        private static double LayerNormGeluTwin(double a)
        {
            const double c = 0.7978845608; // sqrt(2/pi)
            return 0.5 * a * (1 + Math.Tanh(c * (a + 0.044715 * a * a * a)));
        }
    }
}
