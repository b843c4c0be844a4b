using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Single-precision functions (MathF). Their double twins for the gradient check live in the tests.</summary>
    public static partial class FloatCorpus
    {
        /// <summary>Gaussian negative log-likelihood with per-entry mean and log standard deviation.</summary>
        [Differentiable]
        public static float GaussianNll(float[] x, float[] mu, float[] logSigma)
        {
            float nll = 0f;
            float z = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                z = (x[i] - mu[i]) * MathF.Exp(-logSigma[i]);
                nll += 0.5f * z * z + logSigma[i] + 0.5f * MathF.Log(6.2831855f);
            }
            return nll;
        }

        /// <summary>A float mix: 2-D input, Tanh, Sqrt, Pow, Max, Min, Abs, Sin, Cos, Log, a ternary and if/else.</summary>
        [Differentiable]
        public static float Mixed(float[,] a, float[] v, float s)
        {
            int rows = a.GetLength(0);
            int cols = a.GetLength(1);
            float acc = 0f;
            float r = 0f;
            for (int i = 0; i < rows; i++)
            {
                r = 0f;
                for (int j = 0; j < cols; j++)
                {
                    r += a[i, j] * v[j];
                }
                r = MathF.Tanh(s * r);
                acc += r > 0f ? MathF.Sqrt(1f + r * r) : MathF.Pow(1f + MathF.Abs(r), 1.5f);
                if (i < rows - 1)
                {
                    acc += MathF.Max(r, 0.1f) * MathF.Sin(a[i, 0]);
                }
                else
                {
                    acc -= MathF.Min(r, -0.1f) * MathF.Cos(a[i, cols - 1]);
                }
            }
            return MathF.Log(1f + acc * acc);
        }
    }
}
