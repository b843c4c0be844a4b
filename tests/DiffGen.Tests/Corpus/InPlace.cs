using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Arrays the method reads and then writes in place, or adds into: outputs whose entry values matter. Their gradient
    /// buffers are in and out (the upstream gradient on entry, the gradient with respect to the entry values on return).
    /// Until round 13 that gradient was dropped silently: <see cref="SquareThenSum"/>'s Backward wrote zeros.
    /// <see cref="Affine"/> writes its output before reading it: its upstream gradient stays read only.
    /// </summary>
    public static partial class InPlace
    {
        /// <summary>x changed in place, then reduced: the whole gradient goes through the entry values.</summary>
        [Differentiable]
        public static double SquareThenSum(double[] x)
        {
            for (int i = 0; i < x.Length; i++) x[i] = x[i] * x[i] + Math.Sin(x[i]);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
            return s;
        }

        /// <summary>An activation applied in place (a void layer).</summary>
        [Differentiable]
        public static void SoftplusInPlace(double[] x)
        {
            for (int i = 0; i < x.Length; i++) x[i] = Math.Log(1 + Math.Exp(x[i]));
        }

        /// <summary>y += a·x into the caller's buffer: the gradient with respect to y's entry values is the upstream one.</summary>
        [Differentiable]
        public static void Axpy(double a, double[] x, double[] y)
        {
            for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
        }

        /// <summary>Rows of a matrix scaled to unit length in place; the result weighs the columns.</summary>
        [Differentiable]
        public static double NormalizeRows(double[,] m)
        {
            int rows = m.GetLength(0), cols = m.GetLength(1);
            for (int i = 0; i < rows; i++)
            {
                double norm = 0;
                for (int j = 0; j < cols; j++) norm += m[i, j] * m[i, j];
                norm = Math.Sqrt(norm);
                for (int j = 0; j < cols; j++) m[i, j] /= norm;
            }
            double s = 0;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) s += m[i, j] * (j + 1);
            return s;
        }

        /// <summary>A span scaled in place by a differentiated factor, then a weighted sum of it.</summary>
        [Differentiable]
        public static double ScaleSpan(Span<double> v, double k)
        {
            for (int i = 0; i < v.Length; i++) v[i] *= k;
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += v[i] * v[i] * (i + 1);
            return s;
        }

        /// <summary>A layer that writes y before it reads it (y[i] = b[i]; y[i] += ...): yGrad stays a read-only upstream gradient.</summary>
        [Differentiable]
        public static void Affine(double[,] w, double[] b, double[] x, double[] y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = b[i];
                for (int j = 0; j < x.Length; j++) y[i] += w[i, j] * x[j];
                y[i] = Math.Tanh(y[i]);
            }
        }
    }
}
