using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twin of Round 34's float method SoftplusMeanF (the reference for central differences: MethodOracle's), the
    /// same logic in double (the probe's own twin in its Program.cs).</summary>
    public static partial class NaturalRound34
    {
        public static double SoftplusMeanFTwin(double[] x, double beta)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.Log(1 + Math.Exp(beta * x[i])) / beta;
            return s / x.Length;
        }
    }
}
