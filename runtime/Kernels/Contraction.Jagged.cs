using System;
using DiffGen.Reverse;

namespace DiffGen.Kernels
{
    public static partial class Contraction
    {
        // Rows of jagged arrays: the first k entries of every row are packed into a pooled matrix (O(rows·k), against
        // the O(m·n·k) product), then the matrix kernels run; adjoints are unpacked by adding into the rows.

        /// <summary><c>c[i, j] = Σ_{d &lt; k} a[i][d] · b[j][d]</c>: the rows of jagged arrays, each at least k long.</summary>
        /// <param name="a">Left rows.</param>
        /// <param name="b">Right rows.</param>
        /// <param name="k">Length of the contracted prefix of every row (the loop bound).</param>
        /// <param name="c">Result, shape [a.Length, b.Length]; overwritten.</param>
        /// <exception cref="IndexOutOfRangeException">A row is shorter than k (as the loop would have thrown).</exception>
        public static void RowsByRows(double[][] a, double[][] b, int k, double[,] c) => RowsByRowsJagged(a, b, k, c);

        /// <inheritdoc cref="RowsByRows(double[][], double[][], int, double[,])"/>
        public static void RowsByRows(float[][] a, float[][] b, int k, float[,] c) => RowsByRowsJagged(a, b, k, c);

        /// <summary>Adjoint of <see cref="RowsByRows(double[][], double[][], int, double[,])"/>: <c>aAdj[i][:k] += (c̄·b)[i]</c>, <c>bAdj[j][:k] += (c̄ᵀ·a)[j]</c>, then <c>c̄ = 0</c>.</summary>
        /// <param name="a">Left rows.</param>
        /// <param name="b">Right rows.</param>
        /// <param name="k">Contracted length.</param>
        /// <param name="cAdj">Adjoint of the table; cleared.</param>
        /// <param name="aAdj">Receives the adjoint of a's rows (added).</param>
        /// <param name="bAdj">Receives the adjoint of b's rows (added).</param>
        public static void RowsByRowsAdjoint(double[][] a, double[][] b, int k, double[,] cAdj, double[][] aAdj, double[][] bAdj) => AdjointJagged(a, b, k, cAdj, aAdj, bAdj);

        /// <inheritdoc cref="RowsByRowsAdjoint(double[][], double[][], int, double[,], double[][], double[][])"/>
        public static void RowsByRowsAdjoint(float[][] a, float[][] b, int k, float[,] cAdj, float[][] aAdj, float[][] bAdj) => AdjointJagged(a, b, k, cAdj, aAdj, bAdj);

        private static T[,] Pack<T>(T[][] rows, int k) where T : unmanaged
        {
            var m = BufferPool<T>.Rent(rows.Length, Math.Max(0, k));
            for (int i = 0; i < rows.Length; i++)
            {
                var row = rows[i] ?? throw new NullReferenceException($"Row {i} of a jagged array is null.");
                if (row.Length < k) throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but row {i} has {row.Length} entries.");
                for (int d = 0; d < k; d++) m[i, d] = row[d];
            }
            return m;
        }

        private static void Unpack<T>(T[,] m, T[][] rows, int k) where T : unmanaged, System.Numerics.INumber<T>
        {
            for (int i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                for (int d = 0; d < k; d++) row[d] += m[i, d];
            }
        }

        private static void RowsByRowsJagged<T>(T[][] a, T[][] b, int k, T[,] c) where T : unmanaged, System.Numerics.INumber<T>
        {
            int kk = Math.Max(0, k);
            if (a.Length == 0 || b.Length == 0 || kk == 0) { CheckTable(c, a.Length, b.Length); Array.Clear(c); return; }
            var pa = Pack(a, kk);
            var pb = ReferenceEquals(a, b) ? pa : Pack(b, kk);
            try
            {
                if (typeof(T) == typeof(double)) RowsByRows((double[,])(object)pa, (double[,])(object)pb, kk, (double[,])(object)c);
                else RowsByRows((float[,])(object)pa, (float[,])(object)pb, kk, (float[,])(object)c);
            }
            finally
            {
                BufferPool<T>.Return(pa);
                if (!ReferenceEquals(pa, pb)) BufferPool<T>.Return(pb);
            }
        }

        private static void AdjointJagged<T>(T[][] a, T[][] b, int k, T[,] cAdj, T[][] aAdj, T[][] bAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            int kk = Math.Max(0, k);
            if (a.Length == 0 || b.Length == 0 || kk == 0) { Array.Clear(cAdj); return; }
            bool gram = ReferenceEquals(a, b) && ReferenceEquals(aAdj, bAdj);
            var pa = Pack(a, kk);
            var pb = ReferenceEquals(a, b) ? pa : Pack(b, kk);
            var ga = BufferPool<T>.Rent(a.Length, kk);
            var gb = gram ? ga : BufferPool<T>.Rent(b.Length, kk);
            Array.Clear(ga);
            if (!gram) Array.Clear(gb);
            try
            {
                if (typeof(T) == typeof(double)) RowsByRowsAdjoint((double[,])(object)pa, (double[,])(object)pb, kk, (double[,])(object)cAdj, (double[,])(object)ga, (double[,])(object)gb);
                else RowsByRowsAdjoint((float[,])(object)pa, (float[,])(object)pb, kk, (float[,])(object)cAdj, (float[,])(object)ga, (float[,])(object)gb);
                Unpack(ga, aAdj, kk);
                if (!gram) Unpack(gb, bAdj, kk);
            }
            finally
            {
                BufferPool<T>.Return(pa);
                if (!ReferenceEquals(pa, pb)) BufferPool<T>.Return(pb);
                BufferPool<T>.Return(ga);
                if (!gram) BufferPool<T>.Return(gb);
            }
        }

        private static void CheckTable<T>(T[,] c, int m, int n)
        {
            if (c.GetLength(0) != m || c.GetLength(1) != n)
                throw new ArgumentException($"The contraction table has shape [{c.GetLength(0)}, {c.GetLength(1)}] but must be [{m}, {n}].", nameof(c));
        }
    }
}
