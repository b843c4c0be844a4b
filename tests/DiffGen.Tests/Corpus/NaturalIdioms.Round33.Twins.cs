using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twin of Round 33's float method DiceLoss (the reference for central differences: MethodOracle's), the
    /// same logic in double (the probe's own DiceTwin).</summary>
    public static partial class NaturalRound33
    {
        public static double DiceLossTwin(double[] logits, double[] mask, double smooth = 1)
        {
            double inter = 0, sp = 0, sm = 0;
            for (int i = 0; i < logits.Length; i++) { double p = 1 / (1 + Math.Exp(-logits[i])); inter += p * mask[i]; sp += p; sm += mask[i]; }
            return 1 - (2 * inter + smooth) / (sp + sm + smooth);
        }
    }
}
