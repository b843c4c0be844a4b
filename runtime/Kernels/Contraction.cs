using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DiffGen.Cpu;

namespace DiffGen.Kernels
{
    /// <summary>
    /// Contractions that Raise recognised in loop code, with their adjoints (Enzyme-style: a GEMM's adjoint
    /// is two GEMMs). Generated code calls these; they run on the packed CPU GEMM.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class Contraction
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
        /// <c>bAdj[:, :k] += cAdjᵀ · a[:, :k]</c>, then <c>cAdj = 0</c>. A null adjoint buffer skips its product (the factor is not differentiated). When a and b are the same array (a Gram
        /// matrix) aAdj and bAdj are the same buffer and both contributions add up. (Two GEMMs: symmetrising cAdj
        /// first to save one cost more than the GEMM it saved, a strided N x N transpose; measured in docs/benchmarks.md.)
        /// </summary>
        public static void RowsByRowsAdjoint(double[,] a, double[,] b, int k, double[,] cAdj, double[,]? aAdj, double[,]? bAdj)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            if (k > 0 && m > 0 && n > 0)
            {
                if (aAdj is not null) Gemm.Multiply(false, false, m, k, n, 1.0, Span(cAdj), n, Span(b), b.GetLength(1), 1.0, Span(aAdj), aAdj.GetLength(1));
                if (bAdj is not null) Gemm.Multiply(true, false, n, k, m, 1.0, Span(cAdj), n, Span(a), a.GetLength(1), 1.0, Span(bAdj), bAdj.GetLength(1));
            }
            Array.Clear(cAdj);
        }

        /// <inheritdoc cref="RowsByRowsAdjoint(double[,], double[,], int, double[,], double[,], double[,])"/>
        public static void RowsByRowsAdjoint(float[,] a, float[,] b, int k, float[,] cAdj, float[,]? aAdj, float[,]? bAdj)
        {
            int m = a.GetLength(0), n = b.GetLength(0);
            if (k > 0 && m > 0 && n > 0)
            {
                if (aAdj is not null) Gemm.Multiply(false, false, m, k, n, 1f, Span(cAdj), n, Span(b), b.GetLength(1), 1f, Span(aAdj), aAdj.GetLength(1));
                if (bAdj is not null) Gemm.Multiply(true, false, n, k, m, 1f, Span(cAdj), n, Span(a), a.GetLength(1), 1f, Span(bAdj), bAdj.GetLength(1));
            }
            Array.Clear(cAdj);
        }


        /// <summary>
        /// General raised contraction: <c>c[i, j] = Σ_{d &lt; k} L(i, d) · R(j, d)</c> with <c>L(i, d) = transA ? a[d, i] : a[i, d]</c>
        /// and <c>R(j, d) = transB ? b[d, j] : b[j, d]</c>; <c>transB</c> is the ordinary product a·b (logits = X·W).
        /// </summary>
        public static void Product(double[,] a, bool transA, double[,] b, bool transB, int k, double[,] c) => Product<double>(a, transA, b, transB, k, c);

        /// <inheritdoc cref="Product(double[,], bool, double[,], bool, int, double[,])"/>
        public static void Product(float[,] a, bool transA, float[,] b, bool transB, int k, float[,] c) => Product<float>(a, transA, b, transB, k, c);

        /// <summary>Adjoint of <see cref="Product(double[,], bool, double[,], bool, int, double[,])"/>: accumulates into aAdj and bAdj (a null one: its product skipped), then cAdj = 0.</summary>
        public static void ProductAdjoint(double[,] a, bool transA, double[,] b, bool transB, int k, double[,] cAdj, double[,]? aAdj, double[,]? bAdj) =>
            ProductAdjoint<double>(a, transA, b, transB, k, cAdj, aAdj, bAdj);

        /// <inheritdoc cref="ProductAdjoint(double[,], bool, double[,], bool, int, double[,], double[,], double[,])"/>
        public static void ProductAdjoint(float[,] a, bool transA, float[,] b, bool transB, int k, float[,] cAdj, float[,]? aAdj, float[,]? bAdj) =>
            ProductAdjoint<float>(a, transA, b, transB, k, cAdj, aAdj, bAdj);

        private static void Product<T>(T[,] a, bool transA, T[,] b, bool transB, int k, T[,] c) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(transA ? 1 : 0), n = b.GetLength(transB ? 1 : 0);
            CheckShapes(m, n, k, a.GetLength(transA ? 0 : 1), b.GetLength(transB ? 0 : 1), c.GetLength(0), c.GetLength(1));
            if (k <= 0 || m == 0 || n == 0) { Array.Clear(c); return; }
            // c (m x n) = op(a) (m x k) · op(b) (k x n), op(b) = transB ? b[:k, :] : b[:, :k]ᵀ
            Mul(transA, !transB, m, n, k, Span(a), a.GetLength(1), Span(b), b.GetLength(1), T.Zero, Span(c), n);
        }

        private static void ProductAdjoint<T>(T[,] a, bool transA, T[,] b, bool transB, int k, T[,] cAdj, T[,]? aAdj, T[,]? bAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(transA ? 1 : 0), n = b.GetLength(transB ? 1 : 0);
            if (k > 0 && m > 0 && n > 0)
            {
                int lda = a.GetLength(1), ldb = b.GetLength(1);
                // L̄ = c̄·R (m x k), R = transB ? b[:k, :]ᵀ : b[:, :k]
                if (aAdj is null) { }
                else if (!transA) Mul(false, transB, m, k, n, Span(cAdj), n, Span(b), ldb, T.One, Span(aAdj), lda);
                else Mul(!transB, true, k, m, n, Span(b), ldb, Span(cAdj), n, T.One, Span(aAdj), lda);      // āᵀ += Rᵀ·c̄ᵀ
                // R̄ = c̄ᵀ·L (n x k), L = transA ? a[:k, :]ᵀ : a[:, :k]
                if (bAdj is null) { }
                else if (!transB) Mul(true, transA, n, k, m, Span(cAdj), n, Span(a), lda, T.One, Span(bAdj), ldb);
                else Mul(!transA, false, k, n, m, Span(a), lda, Span(cAdj), n, T.One, Span(bAdj), ldb);    // b̄[:k, :] += Lᵀ·c̄
            }
            Array.Clear(cAdj);
        }

        /// <summary>c = op(a)·op(b) + beta·c on the packed GEMM, for float or double spans (TilePanel uses it too).</summary>
        internal static void Mul<T>(bool transA, bool transB, int m, int n, int k, Span<T> a, int lda, Span<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged, System.Numerics.INumber<T>
        {
            if ((long)m * n * k <= SmallProduct && m > 0 && n > 0 && k > 0)
            {
                // A tiny product (gmm's 2 x 2 maps, one per component and block of points): packing panels for the
                // GEMM costs more than the multiply-adds themselves.
                int ai = transA ? 1 : lda, ap = transA ? lda : 1; // op(a)[i, p] = a[i * ai + p * ap]
                int bp = transB ? 1 : ldb, bj = transB ? ldb : 1; // op(b)[p, j] = b[p * bp + j * bj]
                bool zero = beta == T.Zero;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        T sum = T.Zero;
                        for (int p = 0; p < k; p++) sum += a[i * ai + p * ap] * b[p * bp + j * bj];
                        ref T cij = ref c[i * ldc + j];
                        cij = zero ? sum : beta * cij + sum;
                    }
                return;
            }
            if (typeof(T) == typeof(double))
                Gemm.Multiply(transA, transB, m, n, k, 1.0, Cast<T, double>(a), lda, Cast<T, double>(b), ldb, double.CreateChecked(beta), Cast<T, double>(c), ldc);
            else
                Gemm.Multiply(transA, transB, m, n, k, 1f, Cast<T, float>(a), lda, Cast<T, float>(b), ldb, float.CreateChecked(beta), Cast<T, float>(c), ldc);
        }


        /// <summary>Multiply-adds (m·n·k) up to which <see cref="Mul{T}"/> multiplies directly instead of packing for the GEMM.</summary>
        private const int SmallProduct = 4096;

        private static void GemmNT<T>(Span<T> a, int aRow, int rowsA, Span<T> b, int bRow, int rowsB, int ld, int k, Span<T> c, int ldc) where T : unmanaged, System.Numerics.INumber<T>
        {
            if (typeof(T) == typeof(double))
                Gemm.Multiply(false, true, rowsA, rowsB, k, 1.0, Cast<T, double>(a).Slice(aRow * ld), ld, Cast<T, double>(b).Slice(bRow * ld), ld, 0.0, Cast<T, double>(c), ldc);
            else
                Gemm.Multiply(false, true, rowsA, rowsB, k, 1f, Cast<T, float>(a).Slice(aRow * ld), ld, Cast<T, float>(b).Slice(bRow * ld), ld, 0f, Cast<T, float>(c), ldc);
        }

        private static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> s) where TFrom : unmanaged where TTo : unmanaged => MemoryMarshal.Cast<TFrom, TTo>(s);

        private static void CheckShapes(int m, int n, int k, int colsA, int colsB, int rowsC, int colsC)
        {
            // The loop this replaces would have indexed a[i, d] and b[j, d] for d < k: same failure, same exception.
            if (m > 0 && n > 0 && (k > colsA || k > colsB))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but the rows have {Math.Min(colsA, colsB)} columns.");
            if (rowsC != m || colsC != n)
                throw new ArgumentException($"The contraction table has shape [{rowsC}, {colsC}] but must be [{m}, {n}].", "c");
        }

        internal static Span<T> Span<T>(T[,] array) =>
            MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
    }
}
