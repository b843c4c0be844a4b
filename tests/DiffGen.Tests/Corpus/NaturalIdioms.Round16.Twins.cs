using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of round 16's float methods: the same formulas in double, the reference of their gradients (MethodOracle, and
    /// the hand-written tests of the methods with a <c>float[][]</c>, which MethodOracle does not widen: PolicyGradientLoss,
    /// SkipGramNegSamplingLoss, ExpectileRegressionLoss).</summary>
    public static partial class NaturalRound16
    {
        internal static double PolicyGradientLossTwin(double[][] logits, int[] actions, double[] returns, double entropyCoef)
        {
            int T = logits.Length;
            if (actions.Length != T || returns.Length != T)
                throw new ArgumentException("trajectory arrays must have equal length");

            double loss = 0;
            for (int t = 0; t < T; t++)
            {
                double[] row = logits[t];
                double maxLogit = row.Max();
                double sumExp = 0;
                foreach (double l in row)
                    sumExp += Math.Exp(l - maxLogit);
                double logZ = maxLogit + Math.Log(sumExp);

                double logProb = row[actions[t]] - logZ;
                double entropy = 0;
                for (int a = 0; a < row.Length; a++)
                {
                    double lp = row[a] - logZ;
                    entropy -= Math.Exp(lp) * lp;
                }
                loss += -logProb * returns[t] - entropyCoef * entropy;
            }
            return loss / T;
        }

        internal static double DistillationLossTwin(double[] studentLogits, double[] teacherLogits, int label, double temperature, double alpha)
        {
            if (temperature <= 0) throw new ArgumentOutOfRangeException(nameof(temperature));
            if (studentLogits.Length != teacherLogits.Length) throw new ArgumentException("logit size mismatch");
            int k = studentLogits.Length;

            double[] pTeacher = DistillationLossSoftmaxTwin(teacherLogits, temperature);
            double[] logPStudentT = DistillationLossLogSoftmaxTwin(studentLogits, temperature);
            double[] logPStudent = DistillationLossLogSoftmaxTwin(studentLogits, 1);

            double soft = 0;
            for (int i = 0; i < k; i++)
            {
                if (pTeacher[i] > 0)
                    soft += pTeacher[i] * (Math.Log(pTeacher[i]) - logPStudentT[i]);
            }
            double hard = -logPStudent[label];
            return alpha * temperature * temperature * soft + (1 - alpha) * hard;
        }

        private static double[] DistillationLossLogSoftmaxTwin(double[] z, double T)
        {
            double m = double.NegativeInfinity;
            for (int i = 0; i < z.Length; i++) m = Math.Max(m, z[i] / T);
            double s = 0;
            for (int i = 0; i < z.Length; i++) s += Math.Exp(z[i] / T - m);
            double lse = m + Math.Log(s);
            var r = new double[z.Length];
            for (int i = 0; i < z.Length; i++) r[i] = z[i] / T - lse;
            return r;
        }

        private static double[] DistillationLossSoftmaxTwin(double[] z, double T)
        {
            double[] p = DistillationLossLogSoftmaxTwin(z, T);
            for (int i = 0; i < p.Length; i++) p[i] = Math.Exp(p[i]);
            return p;
        }

        internal static double CharbonnierLossTwin(double[,] pred, double[,] target, double eps = 1e-3)
        {
            int h = pred.GetLength(0), w = pred.GetLength(1);
            if (target.GetLength(0) != h || target.GetLength(1) != w)
                throw new ArgumentException("image size mismatch");

            double eps2 = eps * eps;
            double acc = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double d = pred[y, x] - target[y, x];
                    acc += Math.Sqrt(d * d + eps2);
                }
            return acc / (h * w);
        }

        internal static double SkipGramNegSamplingLossTwin(double[][] inEmbed, double[][] outEmbed, int center, int context, int[] negatives)
        {
            double[] v = inEmbed[center];
            double pos = SkipGramNegSamplingLossDotTwin(v, outEmbed[context]);
            double loss = -SkipGramNegSamplingLossLogSigmoidTwin(pos);
            foreach (int neg in negatives)
            {
                if (neg == context) continue;
                double s = SkipGramNegSamplingLossDotTwin(v, outEmbed[neg]);
                loss -= SkipGramNegSamplingLossLogSigmoidTwin(-s);
            }
            return loss;
        }

        private static double SkipGramNegSamplingLossDotTwin(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        private static double SkipGramNegSamplingLossLogSigmoidTwin(double x)
            => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

        internal static double ExpectileRegressionLossTwin(double[,] weights, double[] intercepts, double[] taus, double[][] features, double[] targets)
        {
            int nTau = taus.Length;
            int nFeat = weights.GetLength(1);
            if (weights.GetLength(0) != nTau || intercepts.Length != nTau)
                throw new ArgumentException("one weight row and intercept per expectile");
            if (features.Length != targets.Length || targets.Length == 0)
                throw new ArgumentException("features/targets mismatch");

            double total = 0;
            for (int q = 0; q < nTau; q++)
            {
                double tau = taus[q];
                if (tau <= 0 || tau >= 1) throw new ArgumentOutOfRangeException(nameof(taus));
                for (int i = 0; i < targets.Length; i++)
                {
                    double pred = intercepts[q];
                    for (int j = 0; j < nFeat; j++) pred += weights[q, j] * features[i][j];
                    double u = targets[i] - pred;
                    double w = u < 0 ? 1 - tau : tau;
                    total += w * u * u;
                }
            }
            return total / (nTau * targets.Length);
        }
    }
}
