using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 14's new forms: an enum array parameter (data), and ++/-- on an int local inside an expression.</summary>
    public static partial class EnumsAndSteps
    {
        public enum LayerKind { Conduction, Convection, Contact }

        /// <summary>Heat flow through a wall of layers, each resistance chosen by the layer's kind (a switch on an enum element).</summary>
        [Differentiable]
        public static double HeatFlow(double[] thickness, double[] conductivity, LayerKind[] kinds, double area, double tHot, double tCold)
        {
            double total = 0.0;
            for (int i = 0; i < kinds.Length; i++)
            {
                double r;
                switch (kinds[i])
                {
                    case LayerKind.Conduction: r = thickness[i] / (conductivity[i] * area); break;
                    case LayerKind.Convection: r = 1.0 / (conductivity[i] * area); break;
                    default: r = thickness[i] / area; break;
                }
                total += kinds[i] == LayerKind.Contact ? 1.5 * r : r;
            }
            return (tHot - tCold) / total;
        }

        /// <summary>Positive values squared and packed to the front (kept[count++] = ...), then weighted by their rank.</summary>
        [Differentiable]
        public static double Compact(double[] x)
        {
            var kept = new double[x.Length];
            int count = 0;
            for (int i = 0; i < x.Length; i++)
                if (x[i] > 0) kept[count++] = x[i] * x[i];
            double s = 0;
            int k = x.Length;
            for (int i = 0; i < count; i++) s += kept[i] * (--k);
            return s;
        }
    }
}
