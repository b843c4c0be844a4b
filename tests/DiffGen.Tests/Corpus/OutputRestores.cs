using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Layers whose reverse sweep reads what they wrote into an output before overwriting it. Backward's own adjoint
    /// (issue 12) does not restore outputs: it leaves the forward results in them and stores an output element only where
    /// an adjoint reads its old value; the composition adjoint (<see cref="Composed"/>) still leaves them as it found them.
    /// </summary>
    public static partial class OutputRestores
    {
        /// <summary>y[0] written twice, the second write reading the first: its first value is stored.</summary>
        [Differentiable]
        public static void OverwriteOutput(double[] x, double[] y)
        {
            y[0] = x[0] * x[1];
            y[1] = Math.Sin(y[0]);
            y[0] = y[0] * y[0] + x[1];
        }

        /// <summary>A softmax written into the output, then divided in place (reads what it wrote).</summary>
        [Differentiable]
        public static void NormalizeInto(double[] x, double[] y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Exp(x[i]);
                s += y[i];
            }
            for (int i = 0; i < x.Length; i++) y[i] = y[i] / s;
        }

        /// <summary>Two outputs: one written once, one accumulated from the first.</summary>
        [Differentiable]
        public static void TwoOutputs(double[] x, double[] a, double[] b)
        {
            for (int i = 0; i < x.Length; i++)
            {
                a[i] = x[i] * x[i];
                b[i] = 0;
            }
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x.Length; j++) b[i] += a[j] * x[i];
        }

        /// <summary>A loss that calls <see cref="NormalizeInto"/> on a local array: composition's adjoint.</summary>
        [Differentiable]
        public static double Composed(double[] x)
        {
            var y = new double[x.Length];
            NormalizeInto(x, y);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += y[i] * y[i] * (i + 1);
            return s;
        }
    }
}
