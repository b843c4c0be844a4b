using System;
using System.Numerics;

namespace DiffGen.Kernels
{
    public static partial class Contraction
    {
        /// <summary>
        /// Adjoint of <see cref="Product(double[,], bool, double[,], bool, int, double[,])"/> (left factor not transposed) when
        /// the left factor's adjoint is only summed over its rows <c>[rowLo, rowHi)</c>: <c>aRowSum[d] += Σ_i (cAdj · R)[i, d]</c>
        /// over those rows, computed as <c>(Σ_i cAdj[i, :]) · R</c> (a vector times R instead of a matrix product), then
        /// <c>bAdj += cAdjᵀ · a</c> (all rows; null skips it) and <c>cAdj = 0</c>. Differentiate emits it when the table's adjoint
        /// goes nowhere but into one vector (gmm's μ̄ from the adjoint of <c>x_i − μ_k</c> over a block of points).
        /// </summary>
        public static void ProductAdjointRowSum(double[,] a, double[,] b, bool transB, int k, double[,] cAdj, int rowLo, int rowHi, double[] aRowSum, double[,]? bAdj)
        {
            RowSum(b, transB, k, cAdj, rowLo, rowHi, aRowSum);
            ProductAdjoint<double>(a, false, b, transB, k, cAdj, null, bAdj);
        }

        /// <inheritdoc cref="ProductAdjointRowSum(double[,], double[,], bool, int, double[,], int, int, double[], double[,])"/>
        public static void ProductAdjointRowSum(float[,] a, float[,] b, bool transB, int k, float[,] cAdj, int rowLo, int rowHi, float[] aRowSum, float[,]? bAdj)
        {
            RowSum(b, transB, k, cAdj, rowLo, rowHi, aRowSum);
            ProductAdjoint<float>(a, false, b, transB, k, cAdj, null, bAdj);
        }

        /// <summary>
        /// <see cref="TriangularAdjoint(double[,], double[,], bool, bool, int, double[,], double[,], double[,])"/> when the left
        /// factor's adjoint is only summed over rows <c>[rowLo, rowHi)</c> (see <see cref="ProductAdjointRowSum(double[,], double[,], bool, int, double[,], int, int, double[], double[,])"/>).
        /// </summary>
        public static void TriangularAdjointRowSum(double[,] a, double[,] b, bool transB, bool lower, int k, double[,] cAdj, int rowLo, int rowHi, double[] aRowSum, double[,]? bAdj)
        {
            RowSum(b, transB, k, cAdj, rowLo, rowHi, aRowSum);
            TriangularAdjoint<double>(a, b, transB, lower, k, cAdj, null, bAdj);
        }

        /// <inheritdoc cref="TriangularAdjointRowSum(double[,], double[,], bool, bool, int, double[,], int, int, double[], double[,])"/>
        public static void TriangularAdjointRowSum(float[,] a, float[,] b, bool transB, bool lower, int k, float[,] cAdj, int rowLo, int rowHi, float[] aRowSum, float[,]? bAdj)
        {
            RowSum(b, transB, k, cAdj, rowLo, rowHi, aRowSum);
            TriangularAdjoint<float>(a, b, transB, lower, k, cAdj, null, bAdj);
        }

        /// <summary><c>aRowSum[d] += Σ_j u[j] R(j, d)</c> for d &lt; k, with <c>u[j] = Σ_{rowLo ≤ i &lt; rowHi} cAdj[i, j]</c>, <c>R(j, d) = transB ? b[d, j] : b[j, d]</c>.</summary>
        private static void RowSum<T>(T[,] b, bool transB, int k, T[,] cAdj, int rowLo, int rowHi, T[] aRowSum) where T : unmanaged, INumber<T>
        {
            ArgumentNullException.ThrowIfNull(b);
            ArgumentNullException.ThrowIfNull(cAdj);
            ArgumentNullException.ThrowIfNull(aRowSum);
            int m = cAdj.GetLength(0), n = cAdj.GetLength(1);
            if (rowLo < 0 || rowHi > m || rowLo > rowHi)
                throw new ArgumentOutOfRangeException(nameof(rowLo), $"The rows [{rowLo}, {rowHi}) are not inside the table's {m} rows.");
            if (k > aRowSum.Length)
                throw new ArgumentException($"The row sum has {aRowSum.Length} entries but the contraction has length {k}.", nameof(aRowSum));
            if (b.GetLength(transB ? 1 : 0) != n || b.GetLength(transB ? 0 : 1) < k)
                throw new ArgumentException("The right factor's shape does not match the table's.", nameof(b));
            if (k <= 0 || n == 0 || rowHi == rowLo) return;
            var g = Span(cAdj);
            Span<T> u = n <= 512 ? stackalloc T[n] : new T[n];
            u.Clear();
            for (int i = rowLo; i < rowHi; i++)
                VectorAdd(g.Slice(i * n, n), u);
            var sb = Span(b);
            int ldb = b.GetLength(1);
            if (transB)
                for (int d = 0; d < k; d++) aRowSum[d] += Dot(sb.Slice(d * ldb, n), u);  // R(j, d) = b[d, j]: row d of b
            else
                for (int j = 0; j < n; j++)                                          // R(j, d) = b[j, d]: row j of b, scaled
                {
                    T uj = u[j];
                    if (uj == T.Zero) continue;
                    var row = sb.Slice(j * ldb, k);
                    for (int d = 0; d < k; d++) aRowSum[d] += uj * row[d];
                }
        }

        private static void VectorAdd<T>(ReadOnlySpan<T> x, Span<T> into) where T : unmanaged, INumber<T>
        {
            int j = 0;
            if (Vector.IsHardwareAccelerated)
                for (; j <= x.Length - Vector<T>.Count; j += Vector<T>.Count)
                    (new Vector<T>(into.Slice(j)) + new Vector<T>(x.Slice(j))).CopyTo(into.Slice(j));
            for (; j < x.Length; j++) into[j] += x[j];
        }

        private static T Dot<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
        {
            var acc = Vector<T>.Zero;
            int j = 0;
            if (Vector.IsHardwareAccelerated)
                for (; j <= x.Length - Vector<T>.Count; j += Vector<T>.Count)
                    acc += new Vector<T>(x.Slice(j)) * new Vector<T>(y.Slice(j));
            T s = Vector.Sum(acc);
            for (; j < x.Length; j++) s += x[j] * y[j];
            return s;
        }
    }
}
