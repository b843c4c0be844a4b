using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of round 13's float methods: the same formulas in double, the reference of their gradients (MethodOracle).</summary>
    public static partial class NaturalRound13
    {
        internal static double SoftDiceLossTwin(double[] logits, double[] mask, double smooth = 1)
        {
            double intersection = 0, predSum = 0, maskSum = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = 1 / (1 + Math.Exp(-logits[i]));
                intersection += p * mask[i];
                predSum += p;
                maskSum += mask[i];
            }
            double dice = (2 * intersection + smooth) / (predSum + maskSum + smooth);
            return 1 - dice;
        }

        internal static void RmsNormTwin(double[] x, double[] weight, double[] output, double eps = 1e-6)
        {
            double sumSq = 0;
            for (int i = 0; i < x.Length; i++) sumSq += x[i] * x[i];
            double scale = 1 / Math.Sqrt(sumSq / x.Length + eps);
            for (int i = 0; i < x.Length; i++) output[i] = x[i] * scale * weight[i];
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twin of round 14's float method (MethodOracle).</summary>
    public static partial class NaturalRound14
    {
        internal static double TwoLinkArmErrorTwin(double[] jointAngles, double targetX, double targetY, double upperLen = 0.35, double foreLen = 0.3)
        {
            double q1 = jointAngles[0], q2 = jointAngles[1];
            double elbowX = upperLen * Math.Cos(q1), elbowY = upperLen * Math.Sin(q1);
            double handX = elbowX + foreLen * Math.Cos(q1 + q2), handY = elbowY + foreLen * Math.Sin(q1 + q2);
            double dx = handX - targetX, dy = handY - targetY;
            double s = Math.Sin(q2);
            double singularity = 1e-3 / (1e-4 + s * s);
            double over = Math.Max(0, Math.Abs(q2) - 2.6);
            return 0.5 * (dx * dx + dy * dy) + singularity + 10 * over * over;
        }
    }
}
