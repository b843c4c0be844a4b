using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace DiffGen.Cpu
{
    /// <summary>Which implementation <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/> runs.</summary>
    public enum GemmBackend
    {
        /// <summary>Always the managed packed kernel (the default).</summary>
        Managed = 0,

        /// <summary>
        /// A system BLAS (OpenBLAS first, then any libblas.so.3 with CBLAS, including the slow reference
        /// BLAS) when one loads; otherwise the managed kernel.
        /// </summary>
        System = 1,

        /// <summary>OpenBLAS when it is installed, otherwise the managed kernel.</summary>
        Auto = 2,
    }

    /// <summary>
    /// Optional system BLAS, found at run time with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> and
    /// called through function pointers (cblas_sgemm / cblas_dgemm, row-major). Nothing is loaded until
    /// something asks, and a machine without a BLAS only gets <see cref="IsAvailable"/> = false and a
    /// <see cref="Status"/> that lists every attempt.
    /// </summary>
    internal static unsafe class SystemBlas
    {
        private const int CblasRowMajor = 101;
        private const int CblasNoTrans = 111;
        private const int CblasTrans = 112;

        /// <summary>The names tried, in order.</summary>
        public static IReadOnlyList<string> Candidates { get; } = new[]
        {
            "libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas",
            "libblas.so.3", "libblas.so",
        };

        private static readonly object InitGate = new object();
        private static volatile bool s_initialized;
        private static string s_status = "not probed yet";
        private static string? s_library;
        private static bool s_isOpenBlas;
        private static delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
        private static delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> s_dgemm;
        private static delegate* unmanaged[Cdecl]<int, void> s_setThreads;
        private static int s_threadsSet;

        /// <summary>True when a library exporting cblas_sgemm and cblas_dgemm was loaded.</summary>
        public static bool IsAvailable
        {
            get
            {
                EnsureProbed();
                return s_sgemm != null;
            }
        }

        /// <summary>True when the loaded library is OpenBLAS (it exports openblas_set_num_threads).</summary>
        public static bool IsOpenBlas
        {
            get
            {
                EnsureProbed();
                return s_isOpenBlas;
            }
        }

        /// <summary>The name that loaded, or null.</summary>
        public static string? LibraryName
        {
            get
            {
                EnsureProbed();
                return s_library;
            }
        }

        /// <summary>What happened while probing: the library used, or why none was, attempt by attempt.</summary>
        public static string Status
        {
            get
            {
                EnsureProbed();
                return s_status;
            }
        }

        /// <summary>
        /// Reads <c>DIFFGEN_BLAS</c> (<c>managed</c>, <c>system</c> or <c>auto</c>, case-insensitive); anything
        /// else, or unset, means <see cref="GemmBackend.Managed"/>.
        /// </summary>
        public static GemmBackend BackendFromEnvironment()
        {
            string? value = Environment.GetEnvironmentVariable("DIFFGEN_BLAS");
            if (string.IsNullOrWhiteSpace(value)) return GemmBackend.Managed;
            switch (value.Trim().ToLowerInvariant())
            {
                case "system": return GemmBackend.System;
                case "auto": return GemmBackend.Auto;
                default: return GemmBackend.Managed;
            }
        }

        /// <summary>Whether <paramref name="backend"/> resolves to the system library on this machine.</summary>
        public static bool Selects(GemmBackend backend)
        {
            switch (backend)
            {
                case GemmBackend.System: return IsAvailable;
                case GemmBackend.Auto: return IsAvailable && IsOpenBlas;
                default: return false;
            }
        }

        private static void EnsureProbed()
        {
            if (s_initialized) return;
            lock (InitGate)
            {
                if (s_initialized) return;
                Probe();
                s_initialized = true;
            }
        }

        private static void Probe()
        {
            var log = new List<string>();
            foreach (string name in Candidates)
            {
                IntPtr handle;
                try
                {
                    if (!NativeLibrary.TryLoad(name, typeof(SystemBlas).Assembly, null, out handle))
                    {
                        log.Add(name + ": not found");
                        continue;
                    }
                }
                catch (Exception e) when (e is BadImageFormatException || e is DllNotFoundException)
                {
                    log.Add(name + ": " + e.GetType().Name);
                    continue;
                }

                if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out IntPtr sgemm)
                    || !NativeLibrary.TryGetExport(handle, "cblas_dgemm", out IntPtr dgemm))
                {
                    log.Add(name + ": loaded, but no cblas_sgemm/cblas_dgemm");
                    continue;
                }

                s_sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                s_dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)dgemm;
                if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr setThreads))
                {
                    s_setThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads;
                    s_isOpenBlas = true;
                }

                s_library = name;
                log.Add(name + ": loaded" + (s_isOpenBlas ? " (OpenBLAS)" : ""));
                s_status = "using " + name + "; tried " + string.Join("; ", log);
                return;
            }

            s_status = "no system BLAS: " + string.Join("; ", log);
        }

        private static void SyncThreads(int threads)
        {
            if (s_setThreads == null || s_threadsSet == threads) return;
            s_setThreads(threads);
            s_threadsSet = threads;
        }

        /// <summary>Calls cblas_sgemm (row-major). Requires <see cref="IsAvailable"/>; sizes already validated and positive.</summary>
        internal static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
        {
            SyncThreads(threads);
            s_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc));
        }

        /// <summary>Calls cblas_dgemm (row-major). Requires <see cref="IsAvailable"/>; sizes already validated and positive.</summary>
        internal static void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc, int threads)
        {
            SyncThreads(threads);
            s_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc));
        }
    }
}
