using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twin of Round 35's float method GeluMean (the reference for central differences: MethodOracle's), the
    /// same logic in double (the probe's own Twin).</summary>
    public static partial class NaturalRound35
    {
        public static double GeluMeanTwin(double[] x)
        {
            const double c = 0.7978845608;
            double s = 0; foreach (var v in x) s += 0.5 * v * (1 + Math.Tanh(c * (v + 0.044715 * v * v * v)));
            return s / x.Length;
        }
    }
}
