using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, a seventh round (docs/natural-csharp.md): ref locals, a second name for an array element or a local
    /// ('ref double slot = ref acc[k]; slot += v;'), read and written as that element (Parse/RefAliases.cs); LINQ's
    /// seeded fold 'x.Aggregate(seed, (s, v) => ...)'; 'goto case' / 'goto default' at the end of a switch section.
    /// </summary>
    public static partial class NaturalRound7
    {
        /// <summary>Round 6's rejected idiom: soft bins accumulated through a ref local to the bin.</summary>
        [Differentiable]
        public static double RefBins(double[] x)
        {
            var acc = new double[3];
            for (int i = 0; i < x.Length; i++)
            {
                ref double slot = ref acc[i % 3];
                slot += x[i] * x[i];
            }
            return acc[0] + acc[1] * acc[2];
        }

        /// <summary>A ref local to a row's entry of a scratch array, accumulated by an inner loop and read after it.</summary>
        [Differentiable]
        public static double RefRowNorms(double[,] x)
        {
            int n = x.GetLength(0), d = x.GetLength(1);
            var norms = new double[n];
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                ref double s = ref norms[i];
                for (int j = 0; j < d; j++)
                    s += x[i, j] * x[i, j];
                total += Math.Sqrt(s + 1.0);
            }
            return total;
        }

        /// <summary>A ref local to a scalar local: writes through it change the local.</summary>
        [Differentiable]
        public static double RefScalar(double[] x)
        {
            double total = 0;
            ref double t = ref total;
            for (int i = 0; i < x.Length; i++)
                t += Math.Exp(-0.5 * x[i] * x[i]);
            return total * t;
        }

        /// <summary>Two seeded folds: a sum of squares and a running product.</summary>
        [Differentiable]
        public static double AggregateFolds(double[] x) =>
            x.Aggregate(0.0, (s, v) => s + v * v) + x.Aggregate(1.0, (p, v) => p * (1.0 + 0.1 * v));

        /// <summary>A switch whose sections fall through explicitly: 'goto case 1;' and 'goto default;'.</summary>
        [Differentiable]
        public static double GotoCaseFallThrough(double[] x, [Constant] int mode)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                switch ((mode + i) % 3)
                {
                    case 0:
                        s += x[i] * x[i];
                        goto case 1;
                    case 1:
                        s += Math.Sin(x[i]);
                        goto default;
                    default:
                        s *= 0.9;
                        break;
                }
            }
            return s;
        }
    }
}
