using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DiffGen.Cpu;

namespace DiffGen.Kernels
{
    /// <summary>
    /// Contractions that Raise recognised in loop code, with their adjoints (Enzyme-style: a GEMM's adjoint
    /// is two GEMMs). Generated code calls these; they run on the packed CPU GEMM.
    /// </summary>
    public static class Contraction
    {
        /// <summary><c>c[i, j] = Σ_{d &lt; k} a[i, d] · b[j, d]</c> for all i, j (<c>c = a[:, :k] · b[:, :k]ᵀ</c>).</summary>
        /// <param name="a">Left rows, shape [m, ≥k].</param>
        /// <param name="b">Right rows, shape [n, ≥k].</param>
        /// <param name="k">Length of the contracted prefix of every row (the loop bound).</param>
        /// <param name="c">Result, shape [m, n]; overwritten.</param>
        public static void RowsByRows(double[,] a, double[,] b, int k, double[,] c)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            CheckShapes(m, n, k, a.GetLength(1), b.GetLength(1), c.GetLength(0), c.GetLength(1));
            if (k <= 0 || m == 0 || n == 0) { Array.Clear(c); return; }
            Gemm.Multiply(false, true, m, n, k, 1.0, Span(a), a.GetLength(1), Span(b), b.GetLength(1), 0.0, Span(c), n);
        }

        /// <inheritdoc cref="RowsByRows(double[,], double[,], int, double[,])"/>
        public static void RowsByRows(float[,] a, float[,] b, int k, float[,] c)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            CheckShapes(m, n, k, a.GetLength(1), b.GetLength(1), c.GetLength(0), c.GetLength(1));
            if (k <= 0 || m == 0 || n == 0) { Array.Clear(c); return; }
            Gemm.Multiply(false, true, m, n, k, 1f, Span(a), a.GetLength(1), Span(b), b.GetLength(1), 0f, Span(c), n);
        }

        /// <summary>
        /// Adjoint of <see cref="RowsByRows(double[,], double[,], int, double[,])"/>: <c>aAdj[:, :k] += cAdj · b[:, :k]</c>,
        /// <c>bAdj[:, :k] += cAdjᵀ · a[:, :k]</c>, then <c>cAdj = 0</c>. When a and b are the same array (a Gram
        /// matrix) aAdj and bAdj are the same buffer and both contributions add up.
        /// </summary>
        public static void RowsByRowsAdjoint(double[,] a, double[,] b, int k, double[,] cAdj, double[,] aAdj, double[,] bAdj)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            if (k > 0 && m > 0 && n > 0)
            {
                Gemm.Multiply(false, false, m, k, n, 1.0, Span(cAdj), n, Span(b), b.GetLength(1), 1.0, Span(aAdj), aAdj.GetLength(1));
                Gemm.Multiply(true, false, n, k, m, 1.0, Span(cAdj), n, Span(a), a.GetLength(1), 1.0, Span(bAdj), bAdj.GetLength(1));
            }
            Array.Clear(cAdj);
        }

        /// <inheritdoc cref="RowsByRowsAdjoint(double[,], double[,], int, double[,], double[,], double[,])"/>
        public static void RowsByRowsAdjoint(float[,] a, float[,] b, int k, float[,] cAdj, float[,] aAdj, float[,] bAdj)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            if (k > 0 && m > 0 && n > 0)
            {
                Gemm.Multiply(false, false, m, k, n, 1f, Span(cAdj), n, Span(b), b.GetLength(1), 1f, Span(aAdj), aAdj.GetLength(1));
                Gemm.Multiply(true, false, n, k, m, 1f, Span(cAdj), n, Span(a), a.GetLength(1), 1f, Span(bAdj), bAdj.GetLength(1));
            }
            Array.Clear(cAdj);
        }

        private static void CheckShapes(int m, int n, int k, int colsA, int colsB, int rowsC, int colsC)
        {
            // The loop this replaces would have indexed a[i, d] and b[j, d] for d < k: same failure, same exception.
            if (m > 0 && n > 0 && (k > colsA || k > colsB))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but the rows have {Math.Min(colsA, colsB)} columns.");
            if (rowsC != m || colsC != n)
                throw new ArgumentException($"The contraction table has shape [{rowsC}, {colsC}] but must be [{m}, {n}].", "c");
        }

        private static Span<T> Span<T>(T[,] array) =>
            MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
    }
}
