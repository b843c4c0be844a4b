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

namespace DiffGen.Tests.Corpus
{
    /// <summary>A 1-D convolution layer object: kernels out × in × width, read by its own method.</summary>
    public sealed class CubeConv1d
    {
        public double[,,] Kernel;
        public double[] Bias;

        public CubeConv1d(int outC, int inC, int width) { Kernel = new double[outC, inC, width]; Bias = new double[outC]; }

        /// <summary>Valid convolution of x (in × length), tanh: out × (length - width + 1).</summary>
        public double[,] Forward(double[,] x)
        {
            int outC = Kernel.GetLength(0), inC = Kernel.GetLength(1), w = Kernel.GetLength(2), n = x.GetLength(1) - w + 1;
            var y = new double[outC, n];
            for (int o = 0; o < outC; o++)
                for (int t = 0; t < n; t++)
                {
                    double s = Bias[o];
                    for (int c = 0; c < inC; c++)
                        for (int k = 0; k < w; k++) s += Kernel[o, c, k] * x[c, t + k];
                    y[o, t] = System.Math.Tanh(s);
                }
            return y;
        }
    }

    /// <summary>
    /// T[,,] members of layer objects held in fields (probe batch 47's F02 and F04: a Conv1d class with a double[,,] kernel):
    /// read through the object ('Conv.Kernel[o, c, k]') and inside the layer's own method ('Kernel[o, c, k]'), differentiated
    /// by path ("Conv.Kernel") or with the whole object (nameof(Head)). DIFF0002 until the twenty-seventh session.
    /// </summary>
    public partial class CubeConvNet
    {
        public CubeConv1d Conv = new(2, 2, 3);
        public CubeConv1d Head = new(1, 2, 2);

        [Differentiable("Conv.Kernel", "Conv.Bias", nameof(Head))]
        public double Loss(double[,] x, [Constant] double[] target)
        {
            var h = Conv.Forward(x);
            var y = Head.Forward(h);
            double l = 0;
            for (int t = 0; t < y.GetLength(1); t++) l += (y[0, t] - target[t]) * (y[0, t] - target[t]);
            // a penalty on the first layer's kernel read through the object
            for (int o = 0; o < Conv.Kernel.GetLength(0); o++)
                for (int c = 0; c < Conv.Kernel.GetLength(1); c++)
                    for (int k = 0; k < Conv.Kernel.GetLength(2); k++) l += 1e-2 * Conv.Kernel[o, c, k] * Conv.Kernel[o, c, k];
            return l;
        }
    }
}
