using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of round 15's float methods: the same formulas in double, the reference of their gradients (MethodOracle, and
    /// the hand-written ArcFaceMarginLoss test, whose <c>float[][]</c> MethodOracle does not widen).</summary>
    public static partial class NaturalRound15
    {
        internal static double ArcFaceMarginLossTwin(double[] embedding, double[][] classWeights, int target, double scale = 30, double margin = 0.5)
        {
            int numClasses = classWeights.Length;
            double eNorm = ArcFaceMarginLossNormTwin(embedding);
            var logits = new double[numClasses];
            for (int c = 0; c < numClasses; c++)
            {
                double[] w = classWeights[c];
                double dot = 0;
                for (int k = 0; k < embedding.Length; k++) dot += w[k] * embedding[k];
                double cos = dot / (eNorm * ArcFaceMarginLossNormTwin(w));
                cos = Math.Clamp(cos, -1 + 1e-6, 1 - 1e-6);
                if (c == target)
                {
                    double theta = Math.Acos(cos);
                    logits[c] = scale * Math.Cos(theta + margin);
                }
                else
                {
                    logits[c] = scale * cos;
                }
            }
            double max = logits.Max();
            double sumExp = 0;
            for (int c = 0; c < numClasses; c++) sumExp += Math.Exp(logits[c] - max);
            return -(logits[target] - max - Math.Log(sumExp));
        }

        private static double ArcFaceMarginLossNormTwin(double[] v)
        {
            double s = 0;
            foreach (var x in v) s += x * x;
            return Math.Sqrt(s) + 1e-8;
        }

        internal static double MishMlpLossTwin(double[] x, double[,] w1, double[] b1, double[] w2, double b2, double target,
                                               MishMlpLossActivation act = MishMlpLossActivation.Mish)
        {
            int hidden = b1.Length;
            double output = b2;
            for (int h = 0; h < hidden; h++)
            {
                double z = b1[h];
                for (int i = 0; i < x.Length; i++) z += w1[h, i] * x[i];
                double a;
                switch (act)
                {
                    case MishMlpLossActivation.Mish:
                        double sp = z > 20 ? z : Math.Log(1 + Math.Exp(z)); // softplus
                        a = z * Math.Tanh(sp);
                        break;
                    case MishMlpLossActivation.Swish:
                        a = z / (1 + Math.Exp(-z));
                        break;
                    case MishMlpLossActivation.Tanh:
                        a = Math.Tanh(z);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(act));
                }
                output += w2[h] * a;
            }
            double err = output - target;
            return 0.5 * err * err;
        }

        /// <summary>The vectors stay float structs (data, no gradient); the arithmetic is done in double on their widened fields.</summary>
        internal static double RaySphereSoftHitTwin(RaySphereSoftHitVec3 origin, RaySphereSoftHitVec3 dir, RaySphereSoftHitVec3 center,
                                                    double radius, double sharpness = 10)
        {
            double dx = dir.X, dy = dir.Y, dz = dir.Z;
            double dirLen = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            double ocx = (double)origin.X - center.X, ocy = (double)origin.Y - center.Y, ocz = (double)origin.Z - center.Z;
            double b = (ocx * dx + ocy * dy + ocz * dz) / dirLen;
            double ocLen2 = ocx * ocx + ocy * ocy + ocz * ocz;
            double disc = b * b - (ocLen2 - radius * radius);
            double closest = Math.Sqrt(Math.Max(ocLen2 - b * b, 0) + 1e-8);
            double coverage = 1 / (1 + Math.Exp(-sharpness * (radius - closest)));
            if (disc < 0 || b > 0)
                return coverage;
            double tHit = -b - Math.Sqrt(disc);
            return coverage * Math.Exp(-0.1 * tHit);
        }
    }
}
