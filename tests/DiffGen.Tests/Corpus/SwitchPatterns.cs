using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Switch-expression patterns from probe batch 38 (2026-12-05), refused then with DIFF0004: <c>var a when a &lt;= delta</c>
    /// (HuberRegression as written), a switch on a tuple with positional patterns (JointLimitPenalty as written), and a
    /// declaration pattern <c>double d when ...</c> on a double.
    /// </summary>
    public static partial class SwitchPatterns
    {
        [Differentiable]
        public static double Huber(double[] r, double delta)
        {
            double loss = 0;
            for (int i = 0; i < r.Length; i++)
                loss += Math.Abs(r[i]) switch
                {
                    var a when a <= delta => 0.5 * r[i] * r[i],
                    var a => delta * (a - 0.5 * delta),
                };
            return loss / r.Length;
        }

        [Differentiable]
        public static double Limits(double[] q, double lo, double hi)
        {
            double penalty = 0;
            for (int i = 0; i < q.Length; i++)
            {
                double over = q[i] - hi, under = lo - q[i];
                penalty += (over, under) switch
                {
                    ( > 0, _) => over * over,
                    (_, > 0) => under * under,
                    _ => 0.0,
                };
            }
            return penalty;
        }

        [Differentiable]
        public static double Typed(double[] x)
        {
            double s = 0;
            foreach (var v in x)
                s += v switch { double d when d > 0.5 => d * d, double d => -d };
            return s;
        }
    }
}
