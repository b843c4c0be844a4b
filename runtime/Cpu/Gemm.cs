using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace DiffGen.Cpu
{
    /// <summary>
    /// Dense matrix products on the CPU, row-major, BLAS conventions:
    /// C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose, op(A) is m x k, op(B) is
    /// k x n and C is m x n. Element (i, j) of a row-major matrix with leading dimension ld is at
    /// i * ld + j. When beta is 0, C is not read (NaN in C does not propagate); when alpha is 0 or k is 0,
    /// A and B are not read.
    /// </summary>
    /// <remarks>
    /// The managed kernel packs A into MR-row and B into NR-column micro-panels, blocked for the caches
    /// (KC/MC/NC), and runs a register-blocked FMA micro-kernel (Vector512 12x32 where AVX-512 is
    /// accelerated, Vector256 6x16 with AVX2+FMA, Vector128 12x8 on Arm64, scalar elsewhere). Large
    /// products are split over up to <see cref="MaxDegreeOfParallelism"/> threads; each thread owns a
    /// disjoint rectangle of C, so results do not depend on the thread count. Pack buffers come from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/>: no allocation per call in steady state.
    /// C must not overlap A or B.
    /// </remarks>
    public static unsafe class Gemm
    {
        private static int s_maxDegreeOfParallelism = Environment.ProcessorCount;
        private static GemmBackend s_backend = SystemBlas.BackendFromEnvironment();

        /// <summary>
        /// The most threads one product uses (default <see cref="Environment.ProcessorCount"/>). 1 runs
        /// everything on the calling thread. Small products use fewer threads than this.
        /// </summary>
        public static int MaxDegreeOfParallelism
        {
            get => s_maxDegreeOfParallelism;
            set
            {
                if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "MaxDegreeOfParallelism must be at least 1.");
                s_maxDegreeOfParallelism = value;
            }
        }

        /// <summary>
        /// Which implementation runs: initialised from the <c>DIFFGEN_BLAS</c> environment variable
        /// (<c>managed</c>, the default; <c>system</c>; <c>auto</c> = OpenBLAS when installed), and settable.
        /// A system backend that cannot be loaded falls back to the managed kernel, never an exception.
        /// </summary>
        public static GemmBackend Backend
        {
            get => s_backend;
            set
            {
                if (value < GemmBackend.Managed || value > GemmBackend.Auto) throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown GEMM backend.");
                s_backend = value;
            }
        }

        /// <summary>Forces a kernel family in tests; <see cref="GemmKernelKind.Auto"/> picks the best.</summary>
        internal static GemmKernelKind ForcedKernel { get; set; }

        /// <summary>What the managed single-precision kernel is on this machine, e.g. "Vector256 6x16 (KC=256, MC=144, NC=4080)".</summary>
        public static string KernelDescription => GemmPlans.Describe(GemmPlans.ForFloat(ForcedKernel));

        /// <summary>True when the current <see cref="Backend"/> resolves to the system BLAS.</summary>
        public static bool UsesSystemBlas => SystemBlas.Selects(s_backend);

        /// <summary>
        /// Single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, row-major.
        /// </summary>
        /// <param name="transA">op(A) = A^T when true; A is then stored k x m.</param>
        /// <param name="transB">op(B) = B^T when true; B is then stored n x k.</param>
        /// <param name="m">Rows of op(A) and C.</param>
        /// <param name="n">Columns of op(B) and C.</param>
        /// <param name="k">Columns of op(A), rows of op(B).</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, row-major, leading dimension <paramref name="lda"/>.</param>
        /// <param name="lda">Row stride of A: at least k (m when transposed).</param>
        /// <param name="b">B, row-major, leading dimension <paramref name="ldb"/>.</param>
        /// <param name="ldb">Row stride of B: at least n (k when transposed).</param>
        /// <param name="beta">Scale of the old C (0: C is only written).</param>
        /// <param name="c">C, row-major, leading dimension <paramref name="ldc"/>.</param>
        /// <param name="ldc">Row stride of C: at least n.</param>
        /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension too small.</exception>
        /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
        public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
            ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
            if (m == 0 || n == 0) return;
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                if (k == 0 || alpha == 0f)
                {
                    GemmDriver<float>.Scale(m, n, beta, pc, ldc);
                    return;
                }

                if (SystemBlas.Selects(s_backend))
                {
                    SystemBlas.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, s_maxDegreeOfParallelism);
                    return;
                }

                GemmPlan<float> plan = GemmPlans.ForFloat(ForcedKernel);
                GemmDriver<float>.Run(plan, s_maxDegreeOfParallelism, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
        }

        /// <summary>
        /// Double-precision GEMM: C = alpha * op(A) * op(B) + beta * C, row-major.
        /// </summary>
        /// <param name="transA">op(A) = A^T when true; A is then stored k x m.</param>
        /// <param name="transB">op(B) = B^T when true; B is then stored n x k.</param>
        /// <param name="m">Rows of op(A) and C.</param>
        /// <param name="n">Columns of op(B) and C.</param>
        /// <param name="k">Columns of op(A), rows of op(B).</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, row-major, leading dimension <paramref name="lda"/>.</param>
        /// <param name="lda">Row stride of A: at least k (m when transposed).</param>
        /// <param name="b">B, row-major, leading dimension <paramref name="ldb"/>.</param>
        /// <param name="ldb">Row stride of B: at least n (k when transposed).</param>
        /// <param name="beta">Scale of the old C (0: C is only written).</param>
        /// <param name="c">C, row-major, leading dimension <paramref name="ldc"/>.</param>
        /// <param name="ldc">Row stride of C: at least n.</param>
        /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension too small.</exception>
        /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
        public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha,
            ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        {
            Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
            if (m == 0 || n == 0) return;
            fixed (double* pa = a)
            fixed (double* pb = b)
            fixed (double* pc = c)
            {
                if (k == 0 || alpha == 0d)
                {
                    GemmDriver<double>.Scale(m, n, beta, pc, ldc);
                    return;
                }

                if (SystemBlas.Selects(s_backend))
                {
                    SystemBlas.Dgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, s_maxDegreeOfParallelism);
                    return;
                }

                GemmPlan<double> plan = GemmPlans.ForDouble(ForcedKernel);
                GemmDriver<double>.Run(plan, s_maxDegreeOfParallelism, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
        }

        /// <summary>Returns op(A) * op(B) as a new array.</summary>
        /// <param name="a">A, m x k (k x m when <paramref name="transA"/>).</param>
        /// <param name="b">B, k x n (n x k when <paramref name="transB"/>).</param>
        /// <param name="transA">Use A^T.</param>
        /// <param name="transB">Use B^T.</param>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">The inner dimensions differ.</exception>
        public static float[,] Multiply(float[,] a, float[,] b, bool transA = false, bool transB = false)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            int m = transA ? a.GetLength(1) : a.GetLength(0);
            int n = transB ? b.GetLength(0) : b.GetLength(1);
            var c = new float[m, n];
            Multiply(transA, transB, 1f, a, b, 0f, c);
            return c;
        }

        /// <summary>Returns op(A) * op(B) as a new array.</summary>
        /// <param name="a">A, m x k (k x m when <paramref name="transA"/>).</param>
        /// <param name="b">B, k x n (n x k when <paramref name="transB"/>).</param>
        /// <param name="transA">Use A^T.</param>
        /// <param name="transB">Use B^T.</param>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">The inner dimensions differ.</exception>
        public static double[,] Multiply(double[,] a, double[,] b, bool transA = false, bool transB = false)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            int m = transA ? a.GetLength(1) : a.GetLength(0);
            int n = transB ? b.GetLength(0) : b.GetLength(1);
            var c = new double[m, n];
            Multiply(transA, transB, 1d, a, b, 0d, c);
            return c;
        }

        /// <summary>C = alpha * op(A) * op(B) + beta * C on 2-D arrays.</summary>
        /// <param name="transA">Use A^T.</param>
        /// <param name="transB">Use B^T.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, m x k (k x m when <paramref name="transA"/>).</param>
        /// <param name="b">B, k x n (n x k when <paramref name="transB"/>).</param>
        /// <param name="beta">Scale of the old C.</param>
        /// <param name="c">C, m x n.</param>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">The shapes do not agree (the message names the array).</exception>
        public static void Multiply(bool transA, bool transB, float alpha, float[,] a, float[,] b, float beta, float[,] c)
        {
            Shape2D(transA, transB, a, b, c, out int m, out int n, out int k);
            Multiply(transA, transB, m, n, k, alpha, AsSpan(a), a.GetLength(1), AsSpan(b), b.GetLength(1), beta, AsSpan(c), c.GetLength(1));
        }

        /// <summary>C = alpha * op(A) * op(B) + beta * C on 2-D arrays.</summary>
        /// <param name="transA">Use A^T.</param>
        /// <param name="transB">Use B^T.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, m x k (k x m when <paramref name="transA"/>).</param>
        /// <param name="b">B, k x n (n x k when <paramref name="transB"/>).</param>
        /// <param name="beta">Scale of the old C.</param>
        /// <param name="c">C, m x n.</param>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">The shapes do not agree (the message names the array).</exception>
        public static void Multiply(bool transA, bool transB, double alpha, double[,] a, double[,] b, double beta, double[,] c)
        {
            Shape2D(transA, transB, a, b, c, out int m, out int n, out int k);
            Multiply(transA, transB, m, n, k, alpha, AsSpan(a), a.GetLength(1), AsSpan(b), b.GetLength(1), beta, AsSpan(c), c.GetLength(1));
        }

        /// <summary>Sum of x[i] * y[i] (TensorPrimitives.Dot).</summary>
        /// <param name="x">First vector.</param>
        /// <param name="y">Second vector, same length.</param>
        /// <exception cref="ArgumentException">The lengths differ (names <paramref name="y"/>).</exception>
        public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            if (x.Length != y.Length) throw new ArgumentException($"'y' has length {y.Length} but 'x' has length {x.Length}.", nameof(y));
            return TensorPrimitives.Dot(x, y);
        }

        /// <summary>Sum of x[i] * y[i] (TensorPrimitives.Dot).</summary>
        /// <param name="x">First vector.</param>
        /// <param name="y">Second vector, same length.</param>
        /// <exception cref="ArgumentException">The lengths differ (names <paramref name="y"/>).</exception>
        public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            if (x.Length != y.Length) throw new ArgumentException($"'y' has length {y.Length} but 'x' has length {x.Length}.", nameof(y));
            return TensorPrimitives.Dot(x, y);
        }

        /// <summary>
        /// Matrix-vector product y = alpha * op(A) * x + beta * y, A stored m x n row-major with leading
        /// dimension <paramref name="lda"/>. Not transposed: x has n elements, y has m (each y[i] is a dot
        /// product with row i). Transposed: x has m elements, y has n.
        /// </summary>
        /// <param name="transA">Use A^T.</param>
        /// <param name="m">Rows of the stored A.</param>
        /// <param name="n">Columns of the stored A.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, row-major.</param>
        /// <param name="lda">Row stride of A, at least n.</param>
        /// <param name="x">Input vector.</param>
        /// <param name="beta">Scale of the old y (0: y is only written).</param>
        /// <param name="y">Output vector.</param>
        /// <exception cref="ArgumentOutOfRangeException">A size is negative or <paramref name="lda"/> too small.</exception>
        /// <exception cref="ArgumentException">A span is too short.</exception>
        public static void Gemv(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y)
        {
            ValidateGemv(transA, m, n, a.Length, lda, x.Length, y.Length);
            int rows = transA ? n : m;
            int inner = transA ? m : n;
            Span<float> yy = y.Slice(0, rows);
            if (!transA)
            {
                for (int i = 0; i < m; i++)
                {
                    float dot = alpha == 0f || n == 0 ? 0f : alpha * TensorPrimitives.Dot(a.Slice(i * lda, n), x.Slice(0, n));
                    yy[i] = beta == 0f ? dot : dot + beta * yy[i];
                }

                return;
            }

            if (beta == 0f) yy.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(yy, beta, yy);
            if (alpha == 0f) return;
            for (int i = 0; i < inner; i++)
            {
                float s = alpha * x[i];
                if (s != 0f) TensorPrimitives.MultiplyAdd(a.Slice(i * lda, n), s, yy, yy);
            }
        }

        /// <summary>
        /// Matrix-vector product y = alpha * op(A) * x + beta * y, A stored m x n row-major with leading
        /// dimension <paramref name="lda"/>. Not transposed: x has n elements, y has m. Transposed: x has
        /// m elements, y has n.
        /// </summary>
        /// <param name="transA">Use A^T.</param>
        /// <param name="m">Rows of the stored A.</param>
        /// <param name="n">Columns of the stored A.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, row-major.</param>
        /// <param name="lda">Row stride of A, at least n.</param>
        /// <param name="x">Input vector.</param>
        /// <param name="beta">Scale of the old y (0: y is only written).</param>
        /// <param name="y">Output vector.</param>
        /// <exception cref="ArgumentOutOfRangeException">A size is negative or <paramref name="lda"/> too small.</exception>
        /// <exception cref="ArgumentException">A span is too short.</exception>
        public static void Gemv(bool transA, int m, int n, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> x, double beta, Span<double> y)
        {
            ValidateGemv(transA, m, n, a.Length, lda, x.Length, y.Length);
            int rows = transA ? n : m;
            int inner = transA ? m : n;
            Span<double> yy = y.Slice(0, rows);
            if (!transA)
            {
                for (int i = 0; i < m; i++)
                {
                    double dot = alpha == 0d || n == 0 ? 0d : alpha * TensorPrimitives.Dot(a.Slice(i * lda, n), x.Slice(0, n));
                    yy[i] = beta == 0d ? dot : dot + beta * yy[i];
                }

                return;
            }

            if (beta == 0d) yy.Clear();
            else if (beta != 1d) TensorPrimitives.Multiply(yy, beta, yy);
            if (alpha == 0d) return;
            for (int i = 0; i < inner; i++)
            {
                double s = alpha * x[i];
                if (s != 0d) TensorPrimitives.MultiplyAdd(a.Slice(i * lda, n), s, yy, yy);
            }
        }

        private static void Validate(bool transA, bool transB, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
        {
            if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "'m' must not be negative.");
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "'n' must not be negative.");
            if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "'k' must not be negative.");
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            CheckMatrix("a", "lda", aRows, aCols, aLength, lda, transA ? "m (A is transposed)" : "k");
            CheckMatrix("b", "ldb", bRows, bCols, bLength, ldb, transB ? "k (B is transposed)" : "n");
            CheckMatrix("c", "ldc", m, n, cLength, ldc, "n");
        }

        private static void ValidateGemv(bool transA, int m, int n, int aLength, int lda, int xLength, int yLength)
        {
            if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "'m' must not be negative.");
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "'n' must not be negative.");
            CheckMatrix("a", "lda", m, n, aLength, lda, "n");
            int xNeeded = transA ? m : n, yNeeded = transA ? n : m;
            if (xLength < xNeeded) throw new ArgumentException($"'x' has length {xLength} but op(A) has {xNeeded} columns.", "x");
            if (yLength < yNeeded) throw new ArgumentException($"'y' has length {yLength} but op(A) has {yNeeded} rows.", "y");
        }

        private static void CheckMatrix(string name, string ldName, int rows, int cols, int length, int ld, string colsText)
        {
            if (ld < cols || ld < 0)
                throw new ArgumentOutOfRangeException(ldName, ld, $"'{ldName}' ({ld}) must be at least {colsText} = {cols}, the row length of '{name}'.");
            long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
            if (length < needed)
                throw new ArgumentException($"'{name}' has length {length} but a {rows} x {cols} matrix with leading dimension {ld} needs {needed}.", name);
        }

        private static void Shape2D(bool transA, bool transB, Array a, Array b, Array c, out int m, out int n, out int k)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            ArgumentNullException.ThrowIfNull(c);
            m = transA ? a.GetLength(1) : a.GetLength(0);
            k = transA ? a.GetLength(0) : a.GetLength(1);
            int kb = transB ? b.GetLength(1) : b.GetLength(0);
            n = transB ? b.GetLength(0) : b.GetLength(1);
            if (kb != k)
                throw new ArgumentException($"op(b) has {kb} rows but op(a) has {k} columns; the inner dimensions must agree.", nameof(b));
            if (c.GetLength(0) != m || c.GetLength(1) != n)
                throw new ArgumentException($"'c' has shape [{c.GetLength(0)}, {c.GetLength(1)}] but op(a) * op(b) is [{m}, {n}].", nameof(c));
        }

        private static Span<T> AsSpan<T>(T[,] array)
            => MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
    }
}
