using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Arrays of rank 3 held in fields (issue 10, item 5): a convolution layer's kernels <c>double[,,] Kernels</c> trained through
    /// [Differentiable(nameof(Kernels))], a float layer whose <c>float[,,]</c> weights are constants, read through 'this.' and
    /// measured with GetLength, and a static readonly T[,,] table passed to a helper's T[,,] parameter. Each is read once at entry
    /// and flattened, like a T[,,] parameter; its gradient buffer has the field's own shape.
    /// </summary>
    public partial class Conv2dLayer
    {
        /// <summary>Kernels: out channel × kernel rows × kernel columns.</summary>
        public double[,,] Kernels;
        public double[] Bias;

        public Conv2dLayer(int channels, int k)
        {
            Kernels = new double[channels, k, k];
            Bias = new double[channels];
        }

        /// <summary>Valid convolution of one image by every kernel, tanh, then a squared error against a target per channel.</summary>
        [Differentiable(nameof(Kernels), nameof(Bias))]
        public double Loss(double[,] image, [Constant] double[,,] target)
        {
            int channels = Kernels.GetLength(0), k = Kernels.GetLength(1);
            int outH = image.GetLength(0) - k + 1, outW = image.GetLength(1) - k + 1;
            double loss = 0;
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++)
                    {
                        double acc = Bias[c];
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                                acc += Kernels[c, u, v] * image[i + u, j + v];
                        double d = Math.Tanh(acc) - target[c, i, j];
                        loss += d * d;
                    }
            return loss / (channels * outH * outW);
        }
    }

    /// <summary>A float layer with frozen rank-3 weights (not named: constants, DIFF0021 says so), read as 'this.W'.</summary>
    public partial class FrozenCubeLayer
    {
        public float[,,] W = new float[2, 3, 4];

        [Differentiable]
        public float Energy(float[,] x)
        {
            float s = 0;
            for (int a = 0; a < this.W.GetLength(0); a++)
                for (int b = 0; b < this.W.GetLength(1); b++)
                {
                    float dot = 0;
                    for (int c = 0; c < W.GetLength(2); c++) dot += this.W[a, b, c] * x[b, c];
                    s += dot * dot;
                }
            return 0.5f * s;
        }
    }

    public static partial class CubeTables
    {
        /// <summary>A fixed 2 × 2 × 3 table of mixing weights.</summary>
        private static readonly double[,,] Mix =
        {
            { { 0.5, -0.25, 1.0 }, { 0.75, 0.1, -0.5 } },
            { { -1.0, 0.3, 0.2 }, { 0.4, 0.6, -0.8 } },
        };

        private static double Mixed(double[,,] m, int a, double[] x)
        {
            double s = 0;
            for (int b = 0; b < m.GetLength(1); b++)
                for (int c = 0; c < m.GetLength(2); c++)
                    s += m[a, b, c] * x[b] * x[c + 1];
            return s;
        }

        /// <summary>A quadratic form per slice of a static readonly T[,,], through a helper taking the table.</summary>
        [Differentiable]
        public static double MixedEnergy(double[] x)
        {
            double e = 0;
            for (int a = 0; a < Mix.GetLength(0); a++)
            {
                double m = Mixed(Mix, a, x);
                e += Math.Log(1 + m * m);
            }
            return e;
        }
    }
}
