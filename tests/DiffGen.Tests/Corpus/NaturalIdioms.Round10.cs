using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 10 of natural idioms: arrays of tuples whose elements include float or double values (weighted edges, labelled
    /// pairs, sparse terms). The tuples are data: their float/double elements are never differentiated; the method's other
    /// float/double parameters are.
    /// </summary>
    public static partial class NaturalRound10
    {
        /// <summary>A weighted graph smoothness term: foreach over named (int A, int B, double W) tuples, then indexed access.</summary>
        [Differentiable]
        public static double WeightedEdges(double[,] z, (int A, int B, double W)[] edges)
        {
            double s = 0;
            foreach (var e in edges)
            {
                for (int d = 0; d < z.GetLength(1); d++)
                {
                    double diff = z[e.A, d] - z[e.B, d];
                    s += e.W * diff * diff;
                }
            }
            for (int k = 0; k < edges.Length; k++)
            {
                s += 0.1 * edges[k].W * z[edges[k].A, 0] * z[edges[k].B, 0];
            }
            return s / Math.Max(1, edges.Length);
        }

        /// <summary>A contrastive pair loss over (i, j, label) tuples, deconstructed in the foreach and by a deconstructing declaration.</summary>
        [Differentiable]
        public static double LabelledPairs(double[,] z, (int, int, double)[] pairs, double margin)
        {
            double loss = 0;
            foreach (var (i, j, y) in pairs)
            {
                double d2 = 0;
                for (int c = 0; c < z.GetLength(1); c++)
                {
                    d2 += (z[i, c] - z[j, c]) * (z[i, c] - z[j, c]);
                }
                double d = Math.Sqrt(d2 + 1e-9);
                double hinge = Math.Max(0, margin - d);
                loss += y * d2 + (1 - y) * hinge * hinge;
            }
            for (int k = 0; k < pairs.Length; k++)
            {
                var (i, _, y) = pairs[k];
                loss += 0.01 * y * z[i, 0];
            }
            return loss / pairs.Length;
        }

        /// <summary>Sparse weighted terms in float: (int Index, float Weight)[], a float method.</summary>
        [Differentiable]
        public static float SparseTerms(float[] x, (int Index, float Weight)[] terms)
        {
            float s = 0;
            foreach (var t in terms)
            {
                s += t.Weight * MathF.Log(1 + x[t.Index] * x[t.Index]);
            }
            return s;
        }
    
        /// <summary>LINQ pairs iterated: x.Zip(y) deconstructed, then named (p.First, p.Second), over arrays of different lengths.</summary>
        [Differentiable]
        public static double ZipPairs(double[] x, double[] y)
        {
            double s = 0;
            foreach (var (a, b) in x.Zip(y))
            {
                s += (a - b) * (a - b);
            }
            foreach (var p in x.Zip(y))
            {
                s += 0.5 * p.First * Math.Sin(p.Second);
            }
            return s;
        }

        /// <summary>Three arrays zipped, the .NET 9 Index() pairs, and Select((v, i) =&gt; (v, i)) with the index first in the tuple.</summary>
        [Differentiable]
        public static double IndexedTuples(double[] x, double[] y, double[] z)
        {
            double s = 0;
            foreach (var (a, b, c) in x.Zip(y, z))
            {
                s += a * b - c * c;
            }
            foreach (var (i, v) in x.Index())
            {
                s += v * (i + 1);
            }
            foreach (var (i, v) in y.Select((v, i) => (i, v)))
            {
                s += Math.Exp(-v * v) * i;
            }
            return s;
        }

        /// <summary>
        /// Zipping an array the body writes: each tuple is taken when its iteration starts (C#'s enumerator), so 'a' keeps the
        /// value it had then although the body overwrites c[k] before reading 'a' again; the elements live in locals here.
        /// </summary>
        [Differentiable]
        public static double ZipWithWrites(double[] x, double[] y)
        {
            var c = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                c[i] = x[i];
            }
            double s = 0;
            int k = 0;
            foreach (var (a, b) in c.Zip(y))
            {
                c[k] = a * a + 1;
                if (k + 1 < c.Length)
                {
                    c[k + 1] += 0.5 * a;
                }
                s += a * b + c[k] * 0.25;
                k++;
            }
            return s;
        }

        /// <summary>Math.MaxMagnitude, MinMagnitude and CopySign: selections whose derivative follows the selected argument.</summary>
        [Differentiable]
        public static double Magnitudes(double[] x, double[] y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Math.MaxMagnitude(x[i], y[i]) + 2 * Math.MinMagnitude(x[i], y[i]) + Math.CopySign(x[i] * x[i] + 1, y[i]) * x[i];
            }
            return s;
        }
}
}
