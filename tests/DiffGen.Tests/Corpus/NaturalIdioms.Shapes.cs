using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, item 5: shapes and types users write. Static readonly tables and consts, config structs and records
    /// (cfg.Tau), 'in' scalars, ReadOnlySpan/Span parameters and T[,,] parameters. Instance methods of a model class
    /// whose weights are fields are in <see cref="MlpModel"/>.
    /// </summary>
    public static partial class NaturalIdioms
    {
        // ------------------------------------------------------------ static readonly tables and consts

        private static readonly double[] Weights = { 0.5, 1.5, -0.25, 2.0 };
        private const double Offset = 0.75;

        /// <summary>A weighted sum of squares whose weights come from a static readonly table (a constant input).</summary>
        [Differentiable]
        public static double TableWeightedSquares(double[] x)
        {
            double s = Offset;
            for (int i = 0; i < x.Length; i++)
                s += Weights[i % Weights.Length] * x[i] * x[i];
            return s;
        }

        private static readonly float[] KernelF = { 0.25f, 0.5f, 0.25f };

        /// <summary>A 1-D convolution (valid) with a static readonly float kernel, then a squared norm.</summary>
        [Differentiable]
        public static float TableConvolutionF(float[] x)
        {
            float s = 0;
            for (int i = 0; i <= x.Length - KernelF.Length; i++)
            {
                float c = 0;
                for (int k = 0; k < KernelF.Length; k++) c += KernelF[k] * x[i + k];
                s += c * c;
            }
            return s;
        }

        // ------------------------------------------------------------ config structs and records

        /// <summary>Hyperparameters passed as one value.</summary>
        public readonly struct LossConfig
        {
            public LossConfig(double tau, double margin, int power) { Tau = tau; Margin = margin; Power = power; }
            public double Tau { get; }
            public readonly double Margin;
            public int Power { get; }
        }

        /// <summary>A temperature-scaled hinge read from a config struct (its members are constants).</summary>
        [Differentiable]
        public static double ConfigHinge(double[] scores, int[] labels, in LossConfig cfg)
        {
            double loss = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                double sign = labels[i] == 1 ? 1.0 : -1.0;
                double h = Math.Max(0.0, cfg.Margin - sign * scores[i] / cfg.Tau);
                double p = h;
                for (int k = 1; k < cfg.Power; k++) p *= h;
                loss += p;
            }
            return loss / scores.Length;
        }

        /// <summary>Hyperparameters as a record (a class).</summary>
        public sealed record HuberConfig(double Delta, float DeltaF);

        /// <summary>A Huber loss whose delta comes from a record parameter.</summary>
        [Differentiable]
        public static double ConfigHuber(double[] pred, double[] target, HuberConfig cfg)
        {
            double s = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = pred[i] - target[i];
                double a = Math.Abs(r);
                s += a <= cfg.Delta ? 0.5 * r * r : cfg.Delta * (a - 0.5 * cfg.Delta);
            }
            return s / pred.Length;
        }

        /// <summary>The float form, with a float member of the record.</summary>
        [Differentiable]
        public static float ConfigHuberF(float[] pred, [Constant] float[] target, HuberConfig cfg)
        {
            float s = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                float r = pred[i] - target[i];
                float a = MathF.Abs(r);
                s += a <= cfg.DeltaF ? 0.5f * r * r : cfg.DeltaF * (a - 0.5f * cfg.DeltaF);
            }
            return s / pred.Length;
        }

        // ------------------------------------------------------------ in scalars

        /// <summary>Log-sum-exp with a temperature passed with 'in' (differentiated like a by-value parameter).</summary>
        [Differentiable]
        public static double InTemperatureLogSumExp(double[] x, in double tau)
        {
            double m = x[0];
            for (int i = 1; i < x.Length; i++) m = Math.Max(m, x[i]);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.Exp((x[i] - m) / tau);
            return tau * Math.Log(s) + m;
        }

        // ------------------------------------------------------------ spans

        /// <summary>Softplus of a read-only span, summed.</summary>
        [Differentiable]
        public static double SpanSoftplus(ReadOnlySpan<double> x, double beta)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.Log(1 + Math.Exp(beta * x[i])) / beta;
            return s;
        }

        /// <summary>A layer over spans: y = tanh(w ⊙ x + b), written into an output span.</summary>
        [Differentiable]
        public static void SpanTanhLayer(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = Math.Tanh(w[i] * x[i] + b);
        }

        /// <summary>The float form of a span loss: mean square distance to a constant target.</summary>
        [Differentiable]
        public static float SpanMseF(ReadOnlySpan<float> pred, [Constant] ReadOnlySpan<float> target)
        {
            float s = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                float d = pred[i] - target[i];
                s += d * d;
            }
            return s / pred.Length;
        }

        // ------------------------------------------------------------ T[,,]

        /// <summary>Inputs of shape (batch, time, feature): per-(b, t) projection on w[t, :], squared and averaged.</summary>
        [Differentiable]
        public static double Batch3Projection(double[,,] x, double[,] w)
        {
            int nb = x.GetLength(0), nt = x.GetLength(1), nf = x.GetLength(2);
            double s = 0;
            for (int b = 0; b < nb; b++)
                for (int t = 0; t < nt; t++)
                {
                    double p = 0;
                    for (int f = 0; f < nf; f++) p += x[b, t, f] * w[t, f];
                    s += p * p;
                }
            return s / nb;
        }

        /// <summary>The float form: mean of tanh over a (batch, h, w) input.</summary>
        [Differentiable]
        public static float Batch3TanhMeanF(float[,,] x, float scale)
        {
            float s = 0;
            for (int b = 0; b < x.GetLength(0); b++)
                for (int i = 0; i < x.GetLength(1); i++)
                    for (int j = 0; j < x.GetLength(2); j++)
                        s += MathF.Tanh(scale * x[b, i, j]);
            return s / x.Length;
        }

        /// <summary>A layer with a T[,,] output: y[b, i, j] = x[b, i, j]² · s + x[b, i, 0].</summary>
        [Differentiable]
        public static void Batch3SquareLayer(double[,,] x, double s, double[,,] y)
        {
            for (int b = 0; b < x.GetLength(0); b++)
                for (int i = 0; i < x.GetLength(1); i++)
                    for (int j = 0; j < x.GetLength(2); j++)
                        y[b, i, j] = x[b, i, j] * x[b, i, j] * s + x[b, i, 0];
        }
    }

    /// <summary>A model class whose weights are fields: instance [Differentiable] methods read them.</summary>
    public partial class MlpModel
    {
        public MlpModel(double[,] w1, double[] b1, double[] w2, double b2) { W1 = w1; this.b1 = b1; this.w2 = w2; B2 = b2; }

        public double[,] W1;
        public double[] b1;
        public double[] w2;
        public double B2;
        /// <summary>An auto-property: read once at entry, a constant.</summary>
        public double Scale { get; set; } = 1.0;

        /// <summary>Mean squared error of a one-hidden-layer network; its weights (fields) are differentiated.</summary>
        [Differentiable(nameof(W1), nameof(b1), nameof(w2), nameof(B2))]
        public double Loss(double[,] x, double[] y)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = b1.Length;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double o = B2;
                for (int k = 0; k < h; k++)
                {
                    double a = b1[k];
                    for (int j = 0; j < d; j++) a += W1[k, j] * x[i, j];
                    o += w2[k] * Math.Tanh(a);
                }
                double r = Scale * o - y[i];
                loss += r * r;
            }
            return loss / n;
        }

        /// <summary>The same network's output for one sample: fields are constants (no list), x is differentiated.</summary>
        [Differentiable]
        public double Score(double[] x)
        {
            double o = this.B2;
            for (int k = 0; k < this.b1.Length; k++)
            {
                double a = this.b1[k];
                for (int j = 0; j < x.Length; j++) a += this.W1[k, j] * x[j];
                o += this.w2[k] * Math.Tanh(a);
            }
            return o;
        }
    }

    /// <summary>A model whose property counts its reads: generated code reads it once per call (a snapshot).</summary>
    public partial class CountingModel
    {
        public int GainReads;
        private readonly double _gain = 1.5;
        public double Gain { get { GainReads++; return _gain; } }

        /// <summary>Reads Gain twice per element in the method; the entry points read it once.</summary>
        [Differentiable]
        public double GainedSquares(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Gain * x[i] * x[i] * Gain;
            return s;
        }
    }

    /// <summary>A float model: a linear layer with a softmax cross-entropy, weights as fields.</summary>
    public partial class LinearModelF
    {
        public float[,] W = new float[0, 0];
        public float[] B = Array.Empty<float>();

        [Differentiable(nameof(W), nameof(B))]
        public float Loss(float[,] x, int[] labels)
        {
            int n = x.GetLength(0), d = x.GetLength(1), c = B.Length;
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                float[] z = new float[c];
                float m = float.NegativeInfinity;
                for (int k = 0; k < c; k++)
                {
                    float a = B[k];
                    for (int j = 0; j < d; j++) a += W[k, j] * x[i, j];
                    z[k] = a;
                    m = MathF.Max(m, a);
                }
                float s = 0;
                for (int k = 0; k < c; k++) s += MathF.Exp(z[k] - m);
                loss += MathF.Log(s) + m - z[labels[i]];
            }
            return loss / n;
        }
    }
}
