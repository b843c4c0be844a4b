using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Methods of generic types whose values are float or double (issue 10, item 5): a model class tagged by a type parameter, a
    /// static class over a unit type, a type nested in a generic one. The generated part repeats the type parameters; a method
    /// whose values are of a type parameter stays refused (DIFF0002, "write it for double"). DIFF0001 until the twenty-seventh
    /// session.
    /// </summary>
    public partial class TaggedRegressor<TTag>
    {
        public double[] W = Array.Empty<double>();
        public double Bias;
        public TTag? Tag;

        [Differentiable(nameof(W), nameof(Bias))]
        public double Loss(double[] x, [Constant] double y)
        {
            double z = Bias;
            for (int i = 0; i < x.Length; i++) z += W[i] * x[i];
            double d = Math.Tanh(z) - y;
            return d * d;
        }
    }

    public static partial class UnitScaled<TUnit> where TUnit : struct
    {
        [Differentiable]
        public static double Energy(double[] x, double k)
        {
            double e = 0;
            for (int i = 1; i < x.Length; i++) e += 0.5 * k * (x[i] - x[i - 1]) * (x[i] - x[i - 1]);
            return e + Math.Log(1 + k * k);
        }

        public static partial class Nested
        {
            [Differentiable]
            public static double SoftMax(double[] x)
            {
                double m = double.NegativeInfinity;
                foreach (var v in x) m = Math.Max(m, v);
                double s = 0;
                foreach (var v in x) s += Math.Exp(v - m);
                return m + Math.Log(s);
            }
        }
    }
}
