using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Members of a struct, record or class parameter named in [Differentiable("p.Beta0", ...)] as path strings: differentiated,
    /// with gradients after the parameters' (probe batch 16's Nelson-Siegel fit, whose fitted parameters are a record struct).
    /// </summary>
    public static partial class ConfigGradients
    {
        public readonly record struct CurveParams(double Beta0, double Beta1, double Beta2, double Tau);

        public sealed class Affine
        {
            public double[] W = Array.Empty<double>();
            public double B;
            public double Scale = 1.0; // read, not named: a constant
        }

        [Differentiable("p.Beta0", "p.Beta1", "p.Beta2", "p.Tau")]
        public static double NelsonSiegelFit(CurveParams p, double[] maturities, double[] observedYields, double[] weights)
        {
            if (p.Tau <= 0) throw new ArgumentOutOfRangeException(nameof(p), "tau must be positive");
            double err = 0, wsum = 0;
            for (int i = 0; i < maturities.Length; i++)
            {
                double y = Yield(p, maturities[i]);
                double bp = (y - observedYields[i]) * 1e4;
                err += weights[i] * bp * bp;
                wsum += weights[i];
            }
            return err / wsum;
        }

        private static double Yield(CurveParams p, double m)
        {
            if (m < 1e-6) return p.Beta0 + p.Beta1;
            double x = m / p.Tau;
            double ex = Math.Exp(-x);
            double slope = (1 - ex) / x;
            return p.Beta0 + p.Beta1 * slope + p.Beta2 * (slope - ex);
        }

        /// <summary>A class parameter's array and scalar members, and an input named with nameof.</summary>
        [Differentiable("layer.W", "layer.B", nameof(x))]
        public static double AffineSquared(Affine layer, double[] x)
        {
            double s = layer.B;
            for (int i = 0; i < x.Length; i++) s += layer.W[i] * x[i];
            return layer.Scale * s * s;
        }
    }
}
