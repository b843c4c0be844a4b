using System;
using System.Runtime.InteropServices;
using DiffGen.Cpu;

namespace DiffGen.Kernels
{
    public static partial class Contraction
    {
        // A vector v[d] as one factor of a raised contraction is a matrix of one row: the rows of a times v is a
        // table of one column (a GEMV, c[i, 0] = Σ_{d<k} a[i, d]·v[d]); v times the rows of b is a table of one row.

        /// <summary><c>c[i, 0] = Σ_{d &lt; k} a[i, d] · v[d]</c> (a matrix-vector product; c has one column).</summary>
        /// <param name="a">Rows, shape [m, ≥k].</param>
        /// <param name="v">The vector, length ≥ k.</param>
        /// <param name="k">The loop bound.</param>
        /// <param name="c">Result, shape [m, 1]; overwritten.</param>
        public static void RowsByRows(double[,] a, double[] v, int k, double[,] c) => RowsByVector<double>(a, v, k, c);

        /// <inheritdoc cref="RowsByRows(double[,], double[], int, double[,])"/>
        public static void RowsByRows(float[,] a, float[] v, int k, float[,] c) => RowsByVector<float>(a, v, k, c);

        /// <summary><c>c[0, j] = Σ_{d &lt; k} v[d] · b[j, d]</c> (c has one row).</summary>
        /// <param name="v">The vector, length ≥ k.</param>
        /// <param name="b">Rows, shape [n, ≥k].</param>
        /// <param name="k">The loop bound.</param>
        /// <param name="c">Result, shape [1, n]; overwritten.</param>
        public static void RowsByRows(double[] v, double[,] b, int k, double[,] c) => RowsByVector<double>(b, v, k, c);

        /// <inheritdoc cref="RowsByRows(double[], double[,], int, double[,])"/>
        public static void RowsByRows(float[] v, float[,] b, int k, float[,] c) => RowsByVector<float>(b, v, k, c);

        /// <summary>Adjoint of <see cref="RowsByRows(double[,], double[], int, double[,])"/>: aAdj[:, :k] += c̄·vᵀ, vAdj[:k] += aᵀ·c̄, then c̄ = 0.</summary>
        /// <param name="a">Rows.</param>
        /// <param name="v">The vector.</param>
        /// <param name="k">The loop bound.</param>
        /// <param name="cAdj">Adjoint of the table; cleared.</param>
        /// <param name="aAdj">Adjoint of a (added).</param>
        /// <param name="vAdj">Adjoint of v (added).</param>
        public static void RowsByRowsAdjoint(double[,] a, double[] v, int k, double[,] cAdj, double[,]? aAdj, double[]? vAdj) => RowsByVectorAdjoint<double>(a, v, k, cAdj, aAdj, vAdj);

        /// <inheritdoc cref="RowsByRowsAdjoint(double[,], double[], int, double[,], double[,], double[])"/>
        public static void RowsByRowsAdjoint(float[,] a, float[] v, int k, float[,] cAdj, float[,]? aAdj, float[]? vAdj) => RowsByVectorAdjoint<float>(a, v, k, cAdj, aAdj, vAdj);

        /// <summary>Adjoint of <see cref="RowsByRows(double[], double[,], int, double[,])"/>.</summary>
        /// <param name="v">The vector.</param>
        /// <param name="b">Rows.</param>
        /// <param name="k">The loop bound.</param>
        /// <param name="cAdj">Adjoint of the table; cleared.</param>
        /// <param name="vAdj">Adjoint of v (added).</param>
        /// <param name="bAdj">Adjoint of b (added).</param>
        public static void RowsByRowsAdjoint(double[] v, double[,] b, int k, double[,] cAdj, double[]? vAdj, double[,]? bAdj) => RowsByVectorAdjoint<double>(b, v, k, cAdj, bAdj, vAdj);

        /// <inheritdoc cref="RowsByRowsAdjoint(double[], double[,], int, double[,], double[], double[,])"/>
        public static void RowsByRowsAdjoint(float[] v, float[,] b, int k, float[,] cAdj, float[]? vAdj, float[,]? bAdj) => RowsByVectorAdjoint<float>(b, v, k, cAdj, bAdj, vAdj);

        // c (m entries, either shape [m, 1] or [1, m]) = a[:, :k]·v[:k]
        private static void RowsByVector<T>(T[,] a, T[] v, int k, T[,] c) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0);
            if (!(c.GetLength(0) == m && c.GetLength(1) == 1 || c.GetLength(0) == 1 && c.GetLength(1) == m))
                throw new ArgumentException($"The contraction table has shape [{c.GetLength(0)}, {c.GetLength(1)}] but must hold {m} entries in one row or column.", nameof(c));
            if (m > 0 && k > 0 && (k > a.GetLength(1) || k > v.Length))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but the rows have {Math.Min(a.GetLength(1), v.Length)} entries.");
            if (k <= 0 || m == 0) { Array.Clear(c); return; }
            // c as a column: C (m x 1) = A (m x k) · V (k x 1) where V is v read as a column (row stride 1)
            Mul(false, false, m, 1, k, Span(a), a.GetLength(1), MemoryMarshal.CreateSpan(ref v[0], v.Length), 1, T.Zero, Span(c), 1);
        }

        private static void RowsByVectorAdjoint<T>(T[,] a, T[] v, int k, T[,] cAdj, T[,]? aAdj, T[]? vAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0);
            if (k > 0 && m > 0)
            {
                var g = Span(cAdj); // m entries
                int lda = a.GetLength(1), ldg = aAdj?.GetLength(1) ?? 0;
                var A = Span(a);
                var GA = aAdj is null ? default : Span(aAdj);
                for (int i = 0; i < m && aAdj is not null; i++)
                {
                    T gi = g[i];
                    if (gi == T.Zero) continue;
                    var row = GA.Slice(i * ldg, k);
                    for (int d = 0; d < k; d++) row[d] += gi * v[d];
                }
                // vAdj (1 x k) += cAdjᵀ (1 x m) · A (m x k)
                if (vAdj is not null) Mul(false, false, 1, k, m, g, m, A, lda, T.One, MemoryMarshal.CreateSpan(ref vAdj[0], vAdj.Length), k);
            }
            Array.Clear(cAdj);
        }
    }
}
