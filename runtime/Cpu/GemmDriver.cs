using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Cpu
{
    /// <summary>Which micro-kernel family the managed GEMM uses.</summary>
    internal enum GemmKernelKind
    {
        /// <summary>The best one the hardware accelerates.</summary>
        Auto = 0,
        /// <summary>Plain scalar multiply-add, 6x2 tile.</summary>
        Scalar,
        /// <summary>Vector128 FMA, 12 rows x 2 vectors (AdvSimd has 32 registers).</summary>
        Vector128,
        /// <summary>Vector256 FMA, 6 rows x 2 vectors (AVX2 has 16 registers).</summary>
        Vector256,
        /// <summary>Vector512 FMA, 12 rows x 2 vectors (AVX-512 has 32 registers).</summary>
        Vector512,
    }

    /// <summary>A micro-kernel and the cache blocking that goes with it.</summary>
    internal unsafe struct GemmPlan<T>
        where T : unmanaged
    {
        public delegate*<nint, T*, T*, T*, nint, T, T, bool, void> Kernel;
        public int MR;
        public int NR;
        public int KC;
        public int MC;
        public int NC;
        public GemmKernelKind Kind;
    }

    /// <summary>Kernel selection and blocking sizes.</summary>
    internal static unsafe class GemmPlans
    {
        /// <summary>The kernel family the hardware accelerates best.</summary>
        public static GemmKernelKind Best
        {
            get
            {
                if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return GemmKernelKind.Vector512;
                if (Vector256.IsHardwareAccelerated && Fma.IsSupported) return GemmKernelKind.Vector256;
                if (AdvSimd.Arm64.IsSupported) return GemmKernelKind.Vector128;
                return GemmKernelKind.Scalar;
            }
        }

        /// <summary>A readable name, e.g. "Vector256 FMA 6x16 (float)".</summary>
        public static string Describe<T>(GemmPlan<T> p)
            where T : unmanaged
            => $"{p.Kind} {p.MR}x{p.NR} (KC={p.KC}, MC={p.MC}, NC={p.NC})";

        public static GemmPlan<float> ForFloat(GemmKernelKind kind)
        {
            if (kind == GemmKernelKind.Auto) kind = Best;
            switch (kind)
            {
                case GemmKernelKind.Vector512:
                    // B micro-panel 192 x 32 x 4 B = 24 KiB (L1), A block 240 x 192 x 4 B = 180 KiB (L2).
                    return Make<float>(kind, &MicroKernel<float, Vector512<float>, V512F>.Kernel12, 12, 32, 192, 240, 4096);
                case GemmKernelKind.Vector256:
                    // B micro-panel 256 x 16 x 4 B = 16 KiB (L1), A block 144 x 256 x 4 B = 144 KiB (L2).
                    return Make<float>(kind, &MicroKernel<float, Vector256<float>, V256F>.Kernel6, 6, 16, 256, 144, 4080);
                case GemmKernelKind.Vector128:
                    return Make<float>(kind, &MicroKernel<float, Vector128<float>, V128F>.Kernel12, 12, 8, 256, 144, 4096);
                default:
                    return Make<float>(GemmKernelKind.Scalar, &MicroKernel<float, float, ScalarF>.Kernel6, 6, 2, 256, 96, 2048);
            }
        }

        public static GemmPlan<double> ForDouble(GemmKernelKind kind)
        {
            if (kind == GemmKernelKind.Auto) kind = Best;
            switch (kind)
            {
                case GemmKernelKind.Vector512:
                    return Make<double>(kind, &MicroKernel<double, Vector512<double>, V512D>.Kernel12, 12, 16, 192, 120, 4096);
                case GemmKernelKind.Vector256:
                    return Make<double>(kind, &MicroKernel<double, Vector256<double>, V256D>.Kernel6, 6, 8, 256, 72, 4080);
                case GemmKernelKind.Vector128:
                    return Make<double>(kind, &MicroKernel<double, Vector128<double>, V128D>.Kernel12, 12, 4, 256, 72, 4096);
                default:
                    return Make<double>(GemmKernelKind.Scalar, &MicroKernel<double, double, ScalarD>.Kernel6, 6, 2, 256, 96, 2048);
            }
        }

        /// <summary>Tuning hook for benchmarks: replaces KC, MC, NC (0 keeps the default; MC, NC are rounded to MR, NR).</summary>
        internal static (int KC, int MC, int NC) BlockingOverride { get; set; }

        private static GemmPlan<T> Make<T>(GemmKernelKind kind, delegate*<nint, T*, T*, T*, nint, T, T, bool, void> kernel, int mr, int nr, int kc, int mc, int nc)
            where T : unmanaged
        {
            var o = BlockingOverride;
            if (o.KC > 0) kc = o.KC;
            if (o.MC > 0) mc = (o.MC + mr - 1) / mr * mr;
            if (o.NC > 0) nc = (o.NC + nr - 1) / nr * nr;
            return new GemmPlan<T> { Kind = kind, Kernel = kernel, MR = mr, NR = nr, KC = kc, MC = mc, NC = nc };
        }
    }

    /// <summary>
    /// The blocked GEMM (Goto/BLIS loop order): for each NC-wide column panel and KC-deep slice, pack
    /// op(B) into NR-column micro-panels; for each MC-tall row block, pack op(A) into MR-row
    /// micro-panels; then run the micro-kernel over every MR x NR tile. Threads split C into disjoint
    /// MR/NR-aligned rectangles, each running the whole blocked algorithm with its own pack buffers,
    /// so the result does not depend on the number of threads.
    /// </summary>
    internal static unsafe class GemmDriver<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <summary>Below this many flops per thread, adding a thread does not pay for waking it.</summary>
        internal const double MinFlopsPerThread = 1 << 21;

        private struct Job
        {
            public GemmPlan<T> Plan;
            public T* A;
            public T* B;
            public T* C;
            public nint Lda;
            public nint Ldb;
            public nint Ldc;
            public int M;
            public int N;
            public int K;
            public T Alpha;
            public T Beta;
            public bool TransA;
            public bool TransB;
            public int Tm;
            public int Tn;
        }

        /// <summary>C = alpha op(A) op(B) + beta C with m, n, k &gt; 0 and alpha != 0 (validated by the caller).</summary>
        public static void Run(in GemmPlan<T> plan, int maxThreads, bool transA, bool transB, int m, int n, int k, T alpha,
            T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
        {
            int unitsM = (m + plan.MR - 1) / plan.MR;
            int unitsN = (n + plan.NR - 1) / plan.NR;
            double flops = 2.0 * m * n * k;
            int threads = (int)Math.Min(maxThreads, Math.Max(1.0, flops / MinFlopsPerThread));
            threads = (int)Math.Min(threads, (long)unitsM * unitsN);
            ChooseGrid(threads, unitsM, unitsN, plan.MR, plan.NR, out int tm, out int tn);

            if (tm * tn == 1)
            {
                Serial(plan, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                return;
            }

            Job job = new Job
            {
                Plan = plan, A = a, B = b, C = c, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                Alpha = alpha, Beta = beta, TransA = transA, TransB = transB, Tm = tm, Tn = tn,
            };
            GemmWorkers.Run(tm * tn, &RunChunk, &job);
        }

        /// <summary>
        /// Splits <paramref name="threads"/> into a tm x tn grid over the MR x NR tiles of C, minimising
        /// the largest per-thread rectangle; ties go to more row splits (each thread then packs all of
        /// its B panel once and streams a smaller A).
        /// </summary>
        internal static void ChooseGrid(int threads, int unitsM, int unitsN, int mr, int nr, out int tm, out int tn)
        {
            tm = 1;
            tn = 1;
            long best = long.MaxValue;
            for (int t = Math.Max(1, threads); t >= 1; t--)
            {
                for (int i = 1; i <= t; i++)
                {
                    if (t % i != 0) continue;
                    int j = t / i;
                    if (i > unitsM || j > unitsN) continue;
                    long rows = (long)((unitsM + i - 1) / i) * mr;
                    long cols = (long)((unitsN + j - 1) / j) * nr;
                    // Largest rectangle first, then its perimeter (packing traffic).
                    long cost = rows * cols * 4 + rows + cols;
                    if (cost < best || (cost == best && i > tm))
                    {
                        best = cost;
                        tm = i;
                        tn = j;
                    }
                }

                if (best != long.MaxValue) return;
            }
        }

        private static void RunChunk(void* ctx, int index)
        {
            Job* job = (Job*)ctx;
            int mr = job->Plan.MR, nr = job->Plan.NR;
            int unitsM = (job->M + mr - 1) / mr;
            int unitsN = (job->N + nr - 1) / nr;
            int ti = index / job->Tn, tj = index % job->Tn;
            int r0 = (int)((long)ti * unitsM / job->Tm) * mr;
            int r1 = Math.Min(job->M, (int)((long)(ti + 1) * unitsM / job->Tm) * mr);
            int c0 = (int)((long)tj * unitsN / job->Tn) * nr;
            int c1 = Math.Min(job->N, (int)((long)(tj + 1) * unitsN / job->Tn) * nr);
            if (r0 >= r1 || c0 >= c1) return;

            T* a = job->TransA ? job->A + r0 : job->A + r0 * job->Lda;
            T* b = job->TransB ? job->B + c0 * job->Ldb : job->B + c0;
            T* c = job->C + r0 * job->Ldc + c0;
            Serial(job->Plan, job->TransA, job->TransB, r1 - r0, c1 - c0, job->K, job->Alpha, a, job->Lda, b, job->Ldb, job->Beta, c, job->Ldc);
        }

        /// <summary>Balanced block size: the fewest blocks of at most <paramref name="max"/>, rounded up to <paramref name="unit"/>.</summary>
        private static int BlockSize(int total, int max, int unit)
        {
            int blocks = (total + max - 1) / max;
            int size = (total + blocks - 1) / blocks;
            size = (size + unit - 1) / unit * unit;
            return size;
        }

        /// <summary>Single-threaded blocked GEMM on one rectangle of C.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Serial(in GemmPlan<T> plan, bool transA, bool transB, int m, int n, int k, T alpha,
            T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
        {
            int MR = plan.MR, NR = plan.NR;
            int kcStep = BlockSize(k, plan.KC, 1);
            int mcStep = BlockSize(m, plan.MC, MR);
            int ncStep = BlockSize(n, plan.NC, NR);

            const int AlignBytes = 64;
            int pad = AlignBytes / sizeof(T);
            int sizeA = mcStep * kcStep;
            int sizeB = kcStep * ncStep;
            T[] bufA = ArrayPool<T>.Shared.Rent(sizeA + pad + PackingAvx.Slack);
            T[] bufB = ArrayPool<T>.Shared.Rent(sizeB + pad + PackingAvx.Slack);
            T* tile = stackalloc T[MR * NR];
            var kernel = plan.Kernel;
            bool betaIsZero = beta == T.Zero;
            try
            {
                fixed (T* rawA = bufA)
                fixed (T* rawB = bufB)
                {
                    T* packA = Align(rawA, AlignBytes);
                    T* packB = Align(rawB, AlignBytes);
                    for (int jc = 0; jc < n; jc += ncStep)
                    {
                        int nc = Math.Min(ncStep, n - jc);
                        for (int pc = 0; pc < k; pc += kcStep)
                        {
                            int kc = Math.Min(kcStep, k - pc);
                            bool first = pc == 0;
                            T betaEff = first ? beta : T.One;
                            bool betaZero = first && betaIsZero;

                            T* bSrc = transB ? b + jc * ldb + pc : b + pc * ldb + jc;
                            Packing<T>.PackB(bSrc, ldb, transB, kc, nc, NR, packB);

                            for (int ic = 0; ic < m; ic += mcStep)
                            {
                                int mc = Math.Min(mcStep, m - ic);
                                T* aSrc = transA ? a + pc * lda + ic : a + ic * lda + pc;
                                Packing<T>.PackA(aSrc, lda, transA, mc, kc, MR, packA);

                                // Macro-kernel: B micro-panel (kc x NR) stays in L1 across the MR tiles.
                                for (int jr = 0; jr < nc; jr += NR)
                                {
                                    int nr = Math.Min(NR, nc - jr);
                                    T* pb = packB + (nint)jr * kc;
                                    T* cCol = c + jc + jr;
                                    for (int ir = 0; ir < mc; ir += MR)
                                    {
                                        int mr = Math.Min(MR, mc - ir);
                                        T* pa = packA + (nint)ir * kc;
                                        T* cc = cCol + (ic + ir) * ldc;
                                        if (mr == MR && nr == NR)
                                        {
                                            kernel(kc, pa, pb, cc, ldc, alpha, betaEff, betaZero);
                                        }
                                        else
                                        {
                                            // Edge tile: run the same kernel on a full tile in a scratch
                                            // buffer, so edge elements get bit-identical arithmetic.
                                            if (!betaZero)
                                            {
                                                for (int i = 0; i < mr; i++)
                                                    for (int j = 0; j < nr; j++)
                                                        tile[i * NR + j] = cc[i * ldc + j];
                                            }

                                            kernel(kc, pa, pb, tile, NR, alpha, betaEff, betaZero);
                                            for (int i = 0; i < mr; i++)
                                                for (int j = 0; j < nr; j++)
                                                    cc[i * ldc + j] = tile[i * NR + j];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(bufA);
                ArrayPool<T>.Shared.Return(bufB);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T* Align(T* p, int bytes)
            => (T*)(((nuint)p + (nuint)(bytes - 1)) & ~(nuint)(bytes - 1));

        /// <summary>C = beta C (beta 0 clears, so NaN in C does not survive, as in BLAS).</summary>
        public static void Scale(int m, int n, T beta, T* c, nint ldc)
        {
            if (beta == T.One) return;
            for (int i = 0; i < m; i++)
            {
                var row = new Span<T>(c + i * ldc, n);
                if (beta == T.Zero) row.Clear();
                else System.Numerics.Tensors.TensorPrimitives.Multiply<T>(row, beta, row);
            }
        }
    }
}
