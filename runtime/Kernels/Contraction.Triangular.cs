using System;

namespace DiffGen.Kernels
{
    public static partial class Contraction
    {
        /// <summary>
        /// <c>c[i, j] = Σ_{d &lt; k} a[i, d] · R(j, d)</c> with <c>R(j, d) = transB ? b[d, j] : b[j, d]</c> known to be zero for
        /// d &gt; j (<paramref name="lower"/>) or d &lt; j (upper): the product of a block of points with a triangular map (gmm's
        /// Q_k). Columns of c are taken a panel at a time and each panel contracts only over the d its rows of R can reach,
        /// about half the multiply-adds of <see cref="Product(double[,], bool, double[,], bool, int, double[,])"/>.
        /// </summary>
        /// <param name="a">Left rows, shape [m, ≥k].</param>
        /// <param name="b">The triangular factor, [n, ≥k] (or [≥k, n] with <paramref name="transB"/>); its zero half must hold zeros.</param>
        /// <param name="transB">b holds R transposed.</param>
        /// <param name="lower">R is lower triangular (else upper).</param>
        /// <param name="k">Length of the contracted prefix.</param>
        /// <param name="c">Result [m, n]; overwritten.</param>
        public static void Triangular(double[,] a, double[,] b, bool transB, bool lower, int k, double[,] c) => Triangular<double>(a, b, transB, lower, k, c);

        /// <inheritdoc cref="Triangular(double[,], double[,], bool, bool, int, double[,])"/>
        public static void Triangular(float[,] a, float[,] b, bool transB, bool lower, int k, float[,] c) => Triangular<float>(a, b, transB, lower, k, c);

        /// <summary>
        /// Adjoint of <see cref="Triangular(double[,], double[,], bool, bool, int, double[,])"/>: <c>aAdj += cAdj · R</c> and R's
        /// adjoint on its triangle, then <c>cAdj = 0</c>; a null adjoint buffer skips its product. What lands on R's zero half (inside the diagonal panels) is unspecified:
        /// the code that built R discards it.
        /// </summary>
        public static void TriangularAdjoint(double[,] a, double[,] b, bool transB, bool lower, int k, double[,] cAdj, double[,]? aAdj, double[,]? bAdj) =>
            TriangularAdjoint<double>(a, b, transB, lower, k, cAdj, aAdj, bAdj);

        /// <inheritdoc cref="TriangularAdjoint(double[,], double[,], bool, bool, int, double[,], double[,], double[,])"/>
        public static void TriangularAdjoint(float[,] a, float[,] b, bool transB, bool lower, int k, float[,] cAdj, float[,]? aAdj, float[,]? bAdj) =>
            TriangularAdjoint<float>(a, b, transB, lower, k, cAdj, aAdj, bAdj);

        /// <summary>Columns of c (rows of R) per panel: narrower panels skip more of the zero half, wider ones run the micro-kernels fuller.</summary>
        private const int TrianglePanel = 16;

        private static void Triangular<T>(T[,] a, T[,] b, bool transB, bool lower, int k, T[,] c) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0), n = b.GetLength(transB ? 1 : 0);
            CheckShapes(m, n, k, a.GetLength(1), b.GetLength(transB ? 0 : 1), c.GetLength(0), c.GetLength(1));
            if (k <= 0 || m == 0 || n == 0) { Array.Clear(c); return; }
            if (TriangleTiles.Accelerated<T>()) { TriangleTiles.Forward(a, b, transB, lower, k, c); return; }
            // no 256-bit vectors: the packed GEMM a panel of columns at a time
            Span<T> sa = Span(a), sb = Span(b), sc = Span(c);
            int lda = a.GetLength(1), ldb = b.GetLength(1);
            for (int j0 = 0; j0 < n; j0 += TrianglePanel)
            {
                int w = Math.Min(TrianglePanel, n - j0);
                // rows j0 .. j0 + w of R reach d < min(j0 + w, k) (lower) or d ≥ j0 (upper)
                int d0 = lower ? 0 : Math.Min(j0, k), d1 = lower ? Math.Min(j0 + w, k) : k;
                if (d1 <= d0)
                {
                    for (int i = 0; i < m; i++) sc.Slice(i * n + j0, w).Clear();
                    continue;
                }
                // op(B)[p, j] = R(j0 + j, d0 + p)
                var rb = transB ? sb.Slice(d0 * ldb + j0) : sb.Slice((j0) * ldb + d0);
                Mul(false, !transB, m, w, d1 - d0, sa.Slice(d0), lda, rb, ldb, T.Zero, sc.Slice(j0), n);
            }
        }

        private static void TriangularAdjoint<T>(T[,] a, T[,] b, bool transB, bool lower, int k, T[,] cAdj, T[,]? aAdj, T[,]? bAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0), n = b.GetLength(transB ? 1 : 0);
            CheckShapes(m, n, k, a.GetLength(1), b.GetLength(transB ? 0 : 1), cAdj.GetLength(0), cAdj.GetLength(1));
            if (aAdj is not null && (aAdj.GetLength(0) != a.GetLength(0) || aAdj.GetLength(1) != a.GetLength(1)))
                throw new ArgumentException("The adjoint buffers must have the shapes of their factors.", nameof(aAdj));
            if (bAdj is not null && (bAdj.GetLength(0) != b.GetLength(0) || bAdj.GetLength(1) != b.GetLength(1)))
                throw new ArgumentException("The adjoint buffers must have the shapes of their factors.", nameof(bAdj));
            if (k > 0 && m > 0 && n > 0 && TriangleTiles.Accelerated<T>())
                TriangleTiles.Adjoint(a, b, transB, lower, k, cAdj, aAdj, bAdj);
            else if (k > 0 && m > 0 && n > 0)
            {
                Span<T> sa = Span(a), sb = Span(b), sg = Span(cAdj), saAdj = aAdj is null ? default : Span(aAdj), sbAdj = bAdj is null ? default : Span(bAdj);
                int lda = a.GetLength(1), ldb = b.GetLength(1);
                // aAdj[:, d] += Σ_j cAdj[:, j] R(j, d), over the j whose row of R reaches d: j ≥ d (lower) or j ≤ d (upper)
                for (int d0 = 0; aAdj is not null && d0 < k; d0 += TrianglePanel)
                {
                    int w = Math.Min(TrianglePanel, k - d0);
                    int j0 = lower ? Math.Min(d0, n) : 0, j1 = lower ? n : Math.Min(d0 + w, n);
                    if (j1 <= j0) continue;
                    // op(B)[p, q] = R(j0 + p, d0 + q)
                    var rb = transB ? sb.Slice(d0 * ldb + j0) : sb.Slice(j0 * ldb + d0);
                    Mul(false, transB, m, w, j1 - j0, sg.Slice(j0), n, rb, ldb, T.One, saAdj.Slice(d0), lda);
                }
                // R's adjoint on its triangle: R̄(j, d) += Σ_i cAdj[i, j] a[i, d], a panel of rows j at a time
                for (int j0 = 0; bAdj is not null && j0 < n; j0 += TrianglePanel)
                {
                    int w = Math.Min(TrianglePanel, n - j0);
                    int d0 = lower ? 0 : Math.Min(j0, k), d1 = lower ? Math.Min(j0 + w, k) : k;
                    if (d1 <= d0) continue;
                    if (transB) // b̄[d0:d1, j0:j0+w] += a[:, d0:d1]ᵀ · cAdj[:, j0:j0+w]
                        Mul(true, false, d1 - d0, w, m, sa.Slice(d0), lda, sg.Slice(j0), n, T.One, sbAdj.Slice(d0 * ldb + j0), ldb);
                    else        // b̄[j0:j0+w, d0:d1] += cAdj[:, j0:j0+w]ᵀ · a[:, d0:d1]
                        Mul(true, false, w, d1 - d0, m, sg.Slice(j0), n, sa.Slice(d0), lda, T.One, sbAdj.Slice(j0 * ldb + d0), ldb);
                }
            }
            Array.Clear(cAdj);
        }
    }
}
