using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DiffGen.Cpu;

namespace DiffGen.Kernels
{
    /// <summary>
    /// Register tiles for products of a block of rows with a small triangular map (<see cref="Contraction.Triangular(double[,], double[,], bool, bool, int, double[,])"/>):
    /// <c>C[p, q] (+)= Σ_s A(p, s) · B[s, q]</c> with B's rows contiguous, 4 rows of C by two vectors of columns (512-bit where
    /// accelerated, else 256-bit) held in registers across the whole sum. Nothing is packed (A is a block of 128 rows, B at most a few hundred squared, both
    /// in cache), and each column block sums only over the s its triangle reaches, so the zero half costs nothing: the
    /// packed GEMM, cut into panels to skip it, packed A again for every panel and lost what it saved.
    /// </summary>
    internal static unsafe class TriangleTiles
    {
        /// <summary>Which s a column block [q0, q1) of C sums over.</summary>
        private enum Reach { All, Below, From } // [0, depth), [0, q1), [q0, depth)

        /// <summary>Which tiles of C are wanted (others skipped): all, those with a column q ≥ some row p, or q ≤ p.</summary>
        private enum Wanted { All, Upper, Lower }

        public static bool Accelerated<T>() => Vector256.IsHardwareAccelerated && (typeof(T) == typeof(double) || typeof(T) == typeof(float));

        /// <summary>c = a · Rᵀ with R triangular (see Contraction.Triangular).</summary>
        public static void Forward<T>(T[,] a, T[,] b, bool transB, bool lower, int k, T[,] c) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0), n = c.GetLength(1);
            T[]? rented = null;
            // B[s = d, q = j] = R(j, d): b itself when it holds R transposed, else b transposed once
            ref T bRef = ref transB ? ref Contraction.Span(b)[0] : ref Transposed(b, n, k, out rented);
            int ldb = transB ? b.GetLength(1) : n;
            try
            {
                Tiles(m, n, k, ref Contraction.Span(a)[0], a.GetLength(1), 1, ref bRef, ldb, ref Contraction.Span(c)[0], n, accumulate: false,
                    lower ? Reach.Below : Reach.From, Wanted.All);
            }
            finally { if (rented is not null) ArrayPool<T>.Shared.Return(rented); }
        }

        /// <summary>aAdj += cAdj · R and R's adjoint on its triangle, then cAdj = 0 (see Contraction.TriangularAdjoint).</summary>
        public static void Adjoint<T>(T[,] a, T[,] b, bool transB, bool lower, int k, T[,] cAdj, T[,]? aAdj, T[,]? bAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            int m = a.GetLength(0), n = cAdj.GetLength(1), lda = a.GetLength(1);
            ref T g = ref Contraction.Span(cAdj)[0];
            ref T pa = ref Contraction.Span(a)[0];
            if (aAdj is not null) LeftAdjoint(b, transB, lower, k, m, n, lda, ref g, aAdj);
            if (bAdj is not null) RightAdjoint(transB, lower, k, m, n, lda, ref g, ref pa, bAdj);
            Array.Clear(cAdj);
        }

        private static void LeftAdjoint<T>(T[,] b, bool transB, bool lower, int k, int m, int n, int lda, ref T g, T[,] aAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            T[]? rented = null;
            // aAdj[i, d] += Σ_j cAdj[i, j] R(j, d): B[s = j, q = d] = R(j, d), b itself unless it holds R transposed
            ref T bRef = ref !transB ? ref Contraction.Span(b)[0] : ref Transposed(b, k, n, out rented);
            int ldb = !transB ? b.GetLength(1) : k;
            try
            {
                Tiles(m, k, n, ref g, n, 1, ref bRef, ldb, ref Contraction.Span(aAdj)[0], lda, accumulate: true,
                    lower ? Reach.From : Reach.Below, Wanted.All);
            }
            finally { if (rented is not null) ArrayPool<T>.Shared.Return(rented); }
        }

        private static void RightAdjoint<T>(bool transB, bool lower, int k, int m, int n, int lda, ref T g, ref T pa, T[,] bAdj) where T : unmanaged, System.Numerics.INumber<T>
        {
            // R̄(j, d) += Σ_i cAdj[i, j] a[i, d] where R can be non-zero (d ≤ j lower, d ≥ j upper)
            if (transB) // b̄[d, j]: rows d, columns j; A(d, i) = a[i, d], B[i, j] = cAdj[i, j]
                Tiles(k, n, m, ref pa, 1, lda, ref g, n, ref Contraction.Span(bAdj)[0], bAdj.GetLength(1), accumulate: true,
                    Reach.All, lower ? Wanted.Upper : Wanted.Lower);
            else        // b̄[j, d]: rows j, columns d; A(j, i) = cAdj[i, j], B[i, d] = a[i, d]
                Tiles(n, k, m, ref g, 1, n, ref pa, lda, ref Contraction.Span(bAdj)[0], bAdj.GetLength(1), accumulate: true,
                    Reach.All, lower ? Wanted.Lower : Wanted.Upper);
        }

        /// <summary>Copies b [rows, cols] transposed into a rented buffer [cols, rows] (leading dimension rows).</summary>
        private static ref T Transposed<T>(T[,] b, int rows, int cols, out T[]? rented) where T : unmanaged
        {
            int ld = b.GetLength(1);
            var src = Contraction.Span(b);
            rented = ArrayPool<T>.Shared.Rent(Math.Max(1, rows * cols));
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    rented[c * rows + r] = src[r * ld + c];
            return ref rented[0];
        }

        /// <summary>
        /// <c>C[p, q] (+)= Σ_s A(p, s) · B[s, q]</c> for p &lt; rows, q &lt; cols, s in the column block's reach within [0, depth):
        /// A(p, s) = a[p·ap + s·aS], B[s, q] = b[s·ldb + q], C[p, q] = c[p·ldc + q]. Callers have checked every index is in range.
        /// </summary>
        private static void Tiles<T>(int rows, int cols, int depth, ref T a, int ap, int aS, ref T b, int ldb, ref T c, int ldc,
            bool accumulate, Reach reach, Wanted wanted) where T : unmanaged, System.Numerics.INumber<T>
        {
            int q0 = 0;
            fixed (T* pa = &a)
            fixed (T* pb = &b)
            fixed (T* pc = &c)
            {
                // 512-bit tiles where they run at full width, then 256-bit tiles for the columns left
                // then one-vector tiles (256- and 128-bit) for what is left: a map of d = 10 leaves two columns, one of d = 2 is
                // all remainder, and the scalar loop below runs four times slower per entry
                if (typeof(T) == typeof(double))
                {
                    if (Vector512.IsHardwareAccelerated)
                        q0 = ColumnTiles<double, Vector512<double>, V512D>(rows, cols, depth, (double*)pa, ap, aS, (double*)pb, ldb, (double*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = ColumnTiles<double, Vector256<double>, V256D>(rows, cols, depth, (double*)pa, ap, aS, (double*)pb, ldb, (double*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = NarrowColumnTiles<double, Vector256<double>, V256D>(rows, cols, depth, (double*)pa, ap, aS, (double*)pb, ldb, (double*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = NarrowColumnTiles<double, Vector128<double>, V128D>(rows, cols, depth, (double*)pa, ap, aS, (double*)pb, ldb, (double*)pc, ldc, accumulate, reach, wanted, q0);
                }
                else if (typeof(T) == typeof(float))
                {
                    if (Vector512.IsHardwareAccelerated)
                        q0 = ColumnTiles<float, Vector512<float>, V512F>(rows, cols, depth, (float*)pa, ap, aS, (float*)pb, ldb, (float*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = ColumnTiles<float, Vector256<float>, V256F>(rows, cols, depth, (float*)pa, ap, aS, (float*)pb, ldb, (float*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = NarrowColumnTiles<float, Vector256<float>, V256F>(rows, cols, depth, (float*)pa, ap, aS, (float*)pb, ldb, (float*)pc, ldc, accumulate, reach, wanted, q0);
                    q0 = NarrowColumnTiles<float, Vector128<float>, V128F>(rows, cols, depth, (float*)pa, ap, aS, (float*)pb, ldb, (float*)pc, ldc, accumulate, reach, wanted, q0);
                }
            }
            // the last columns, fewer than a tile (all of a small map's): one entry at a time, a row of C at a time
            if (q0 >= cols) return;
            int pp = 0;
            if (wanted == Wanted.All)
                for (; pp + 4 <= rows; pp += 4)
                {
                    // four rows at once: a small map's whole product (gmm at d = 2) is this loop
                    ref T a0 = ref Unsafe.Add(ref a, pp * ap);
                    ref T cp = ref Unsafe.Add(ref c, pp * ldc);
                    for (int q = q0; q < cols; q++)
                    {
                        int s0 = reach == Reach.From ? Math.Min(q, depth) : 0;
                        int s1 = reach == Reach.Below ? Math.Min(q + 1, depth) : depth;
                        T y0 = accumulate ? Unsafe.Add(ref cp, q) : T.Zero;
                        T y1 = accumulate ? Unsafe.Add(ref cp, ldc + q) : T.Zero;
                        T y2 = accumulate ? Unsafe.Add(ref cp, 2 * ldc + q) : T.Zero;
                        T y3 = accumulate ? Unsafe.Add(ref cp, 3 * ldc + q) : T.Zero;
                        for (int s = s0; s < s1; s++)
                        {
                            T bsq = Unsafe.Add(ref b, s * ldb + q);
                            ref T As = ref Unsafe.Add(ref a0, s * aS);
                            y0 += As * bsq;
                            y1 += Unsafe.Add(ref As, ap) * bsq;
                            y2 += Unsafe.Add(ref As, 2 * ap) * bsq;
                            y3 += Unsafe.Add(ref As, 3 * ap) * bsq;
                        }
                        Unsafe.Add(ref cp, q) = y0;
                        Unsafe.Add(ref cp, ldc + q) = y1;
                        Unsafe.Add(ref cp, 2 * ldc + q) = y2;
                        Unsafe.Add(ref cp, 3 * ldc + q) = y3;
                    }
                }
            for (int p = pp; p < rows; p++)
            {
                ref T a0 = ref Unsafe.Add(ref a, p * ap);
                ref T cp = ref Unsafe.Add(ref c, p * ldc);
                for (int q = q0; q < cols; q++)
                {
                    if (wanted != Wanted.All && Skip(wanted, p, p + 1, q, q + 1)) continue;
                    int s0 = reach == Reach.From ? Math.Min(q, depth) : 0;
                    int s1 = reach == Reach.Below ? Math.Min(q + 1, depth) : depth;
                    // four partial sums: an adjoint's entries sum over a whole block of rows (depth 128 for gmm's map adjoint),
                    // and one running sum waits for each add (latency-bound, 4x slower at d = 2 and 10)
                    T sum0 = accumulate ? Unsafe.Add(ref cp, q) : T.Zero, sum1 = T.Zero, sum2 = T.Zero, sum3 = T.Zero;
                    ref T bq = ref Unsafe.Add(ref b, q);
                    int s = s0;
                    for (; s + 4 <= s1; s += 4)
                    {
                        sum0 += Unsafe.Add(ref a0, s * aS) * Unsafe.Add(ref bq, s * ldb);
                        sum1 += Unsafe.Add(ref a0, (s + 1) * aS) * Unsafe.Add(ref bq, (s + 1) * ldb);
                        sum2 += Unsafe.Add(ref a0, (s + 2) * aS) * Unsafe.Add(ref bq, (s + 2) * ldb);
                        sum3 += Unsafe.Add(ref a0, (s + 3) * aS) * Unsafe.Add(ref bq, (s + 3) * ldb);
                    }
                    for (; s < s1; s++) sum0 += Unsafe.Add(ref a0, s * aS) * Unsafe.Add(ref bq, s * ldb);
                    Unsafe.Add(ref cp, q) = (sum0 + sum1) + (sum2 + sum3);
                }
            }
        }

        /// <summary>
        /// The column blocks of <see cref="Tiles{T}"/> from <paramref name="q0"/> that hold two whole vectors of <typeparamref name="TOps"/>:
        /// 4 rows x 2 vectors of C in registers for the whole sum. Returns where the columns it left begin.
        /// </summary>
        private static int ColumnTiles<T, TV, TOps>(int rows, int cols, int depth, T* a, int ap, int aS, T* b, int ldb, T* c, int ldc,
            bool accumulate, Reach reach, Wanted wanted, int q0)
            where T : unmanaged where TV : struct where TOps : struct, IVecOps<T, TV>
        {
            int v = TOps.Count, w = 2 * v;
            for (; q0 + w <= cols; q0 += w)
            {
                int s0 = reach == Reach.From ? Math.Min(q0, depth) : 0;
                int s1 = reach == Reach.Below ? Math.Min(q0 + w, depth) : depth;
                int p = 0;
                for (; p + 4 <= rows; p += 4)
                {
                    if (Skip(wanted, p, p + 4, q0, q0 + w)) continue; // only ever with accumulate: those entries keep their values
                    T* c0 = c + (nint)p * ldc + q0, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
                    TV x00, x01, x10, x11, x20, x21, x30, x31;
                    if (accumulate)
                    {
                        x00 = TOps.Load(c0); x01 = TOps.Load(c0 + v);
                        x10 = TOps.Load(c1); x11 = TOps.Load(c1 + v);
                        x20 = TOps.Load(c2); x21 = TOps.Load(c2 + v);
                        x30 = TOps.Load(c3); x31 = TOps.Load(c3 + v);
                    }
                    else x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = TOps.Zero;
                    T* a0 = a + (nint)p * ap;
                    for (int s = s0; s < s1; s++)
                    {
                        T* bs = b + (nint)s * ldb + q0;
                        TV b0 = TOps.Load(bs), b1 = TOps.Load(bs + v);
                        T* As = a0 + (nint)s * aS;
                        TV r0 = TOps.Broadcast(As);
                        x00 = TOps.MulAdd(r0, b0, x00); x01 = TOps.MulAdd(r0, b1, x01);
                        TV r1 = TOps.Broadcast(As + ap);
                        x10 = TOps.MulAdd(r1, b0, x10); x11 = TOps.MulAdd(r1, b1, x11);
                        TV r2 = TOps.Broadcast(As + 2 * ap);
                        x20 = TOps.MulAdd(r2, b0, x20); x21 = TOps.MulAdd(r2, b1, x21);
                        TV r3 = TOps.Broadcast(As + 3 * ap);
                        x30 = TOps.MulAdd(r3, b0, x30); x31 = TOps.MulAdd(r3, b1, x31);
                    }
                    TOps.Store(c0, x00); TOps.Store(c0 + v, x01);
                    TOps.Store(c1, x10); TOps.Store(c1 + v, x11);
                    TOps.Store(c2, x20); TOps.Store(c2 + v, x21);
                    TOps.Store(c3, x30); TOps.Store(c3 + v, x31);
                }
                for (; p < rows; p++)
                {
                    if (Skip(wanted, p, p + 1, q0, q0 + w)) continue;
                    T* c0 = c + (nint)p * ldc + q0;
                    TV x0 = accumulate ? TOps.Load(c0) : TOps.Zero;
                    TV x1 = accumulate ? TOps.Load(c0 + v) : TOps.Zero;
                    T* a0 = a + (nint)p * ap;
                    for (int s = s0; s < s1; s++)
                    {
                        T* bs = b + (nint)s * ldb + q0;
                        TV r0 = TOps.Broadcast(a0 + (nint)s * aS);
                        x0 = TOps.MulAdd(r0, TOps.Load(bs), x0);
                        x1 = TOps.MulAdd(r0, TOps.Load(bs + v), x1);
                    }
                    TOps.Store(c0, x0); TOps.Store(c0 + v, x1);
                }
            }
            return q0;
        }

        /// <summary>
        /// Like <see cref="ColumnTiles{T, TV, TOps}"/> with column blocks of one vector: 4 rows x 1 vector of C in registers,
        /// four partial sums per row for a single row (the sum over a block of rows in an adjoint is long). Returns where the
        /// columns it left begin.
        /// </summary>
        private static int NarrowColumnTiles<T, TV, TOps>(int rows, int cols, int depth, T* a, int ap, int aS, T* b, int ldb, T* c, int ldc,
            bool accumulate, Reach reach, Wanted wanted, int q0)
            where T : unmanaged where TV : struct where TOps : struct, IVecOps<T, TV>
        {
            int w = TOps.Count;
            for (; q0 + w <= cols; q0 += w)
            {
                int s0 = reach == Reach.From ? Math.Min(q0, depth) : 0;
                int s1 = reach == Reach.Below ? Math.Min(q0 + w, depth) : depth;
                int p = 0;
                for (; p + 4 <= rows; p += 4)
                {
                    if (Skip(wanted, p, p + 4, q0, q0 + w)) continue;
                    T* c0 = c + (nint)p * ldc + q0, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
                    TV x0, x1, x2, x3;
                    if (accumulate) { x0 = TOps.Load(c0); x1 = TOps.Load(c1); x2 = TOps.Load(c2); x3 = TOps.Load(c3); }
                    else x0 = x1 = x2 = x3 = TOps.Zero;
                    T* a0 = a + (nint)p * ap;
                    for (int s = s0; s < s1; s++)
                    {
                        TV bs = TOps.Load(b + (nint)s * ldb + q0);
                        T* As = a0 + (nint)s * aS;
                        x0 = TOps.MulAdd(TOps.Broadcast(As), bs, x0);
                        x1 = TOps.MulAdd(TOps.Broadcast(As + ap), bs, x1);
                        x2 = TOps.MulAdd(TOps.Broadcast(As + 2 * ap), bs, x2);
                        x3 = TOps.MulAdd(TOps.Broadcast(As + 3 * ap), bs, x3);
                    }
                    TOps.Store(c0, x0); TOps.Store(c1, x1); TOps.Store(c2, x2); TOps.Store(c3, x3);
                }
                for (; p < rows; p++)
                {
                    if (Skip(wanted, p, p + 1, q0, q0 + w)) continue;
                    T* c0 = c + (nint)p * ldc + q0;
                    TV x0 = accumulate ? TOps.Load(c0) : TOps.Zero, x1 = TOps.Zero, x2 = TOps.Zero, x3 = TOps.Zero;
                    T* a0 = a + (nint)p * ap;
                    int s = s0;
                    for (; s + 4 <= s1; s += 4)
                    {
                        T* As = a0 + (nint)s * aS;
                        T* bs = b + (nint)s * ldb + q0;
                        x0 = TOps.MulAdd(TOps.Broadcast(As), TOps.Load(bs), x0);
                        x1 = TOps.MulAdd(TOps.Broadcast(As + aS), TOps.Load(bs + ldb), x1);
                        x2 = TOps.MulAdd(TOps.Broadcast(As + 2 * aS), TOps.Load(bs + 2 * ldb), x2);
                        x3 = TOps.MulAdd(TOps.Broadcast(As + 3 * aS), TOps.Load(bs + 3 * ldb), x3);
                    }
                    for (; s < s1; s++)
                        x0 = TOps.MulAdd(TOps.Broadcast(a0 + (nint)s * aS), TOps.Load(b + (nint)s * ldb + q0), x0);
                    TOps.Store(c0, TOps.Add(TOps.Add(x0, x1), TOps.Add(x2, x3)));
                }
            }
            return q0;
        }

        /// <summary>Whether no entry of the tile rows [p0, p1) x columns [q0, q1) is wanted.</summary>
        private static bool Skip(Wanted wanted, int p0, int p1, int q0, int q1) => wanted switch
        {
            Wanted.Upper => q1 - 1 < p0, // wanted q ≥ p: none when the last column is left of the first row
            Wanted.Lower => q0 > p1 - 1, // wanted q ≤ p
            _ => false,
        };
    }
}
