using System;
using System.Runtime.InteropServices;

namespace DiffGen.Benchmarks
{
    /// <summary>
    /// OpenBLAS through P/Invoke, for comparison only (Debian's libopenblas0-pthread provides
    /// libopenblas.so.0). <see cref="IsAvailable"/> is false when it is not installed.
    /// </summary>
    public static unsafe partial class OpenBlas
    {
        private const string Lib = "libopenblas.so.0";
        private const int RowMajor = 101, NoTrans = 111, Trans = 112;

        private static readonly Lazy<string?> LoadError = new Lazy<string?>(() =>
        {
            if (!NativeLibrary.TryLoad(Lib, out IntPtr handle)) return Lib + " not found (apt-get install libopenblas0-pthread)";
            return NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _) ? null : Lib + " has no cblas_sgemm";
        });

        /// <summary>True when libopenblas.so.0 loads.</summary>
        public static bool IsAvailable => LoadError.Value is null;

        /// <summary>Why it is not available, or null.</summary>
        public static string? Error => LoadError.Value;

        [LibraryImport(Lib, EntryPoint = "cblas_sgemm")]
        private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
            float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

        [LibraryImport(Lib, EntryPoint = "cblas_dgemm")]
        private static partial void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
            double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

        [LibraryImport(Lib, EntryPoint = "openblas_set_num_threads")]
        private static partial void openblas_set_num_threads(int threads);

        [LibraryImport(Lib, EntryPoint = "openblas_get_num_threads")]
        private static partial int openblas_get_num_threads();

        [LibraryImport(Lib, EntryPoint = "openblas_get_config")]
        private static partial IntPtr openblas_get_config();

        [LibraryImport(Lib, EntryPoint = "openblas_get_corename")]
        private static partial IntPtr openblas_get_corename();

        /// <summary>OpenBLAS's build configuration and the core it detected.</summary>
        public static string Describe()
            => IsAvailable
                ? (Marshal.PtrToStringAnsi(openblas_get_config()) ?? "?") + ", core " + (Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "?")
                : Error!;

        /// <summary>Threads OpenBLAS uses.</summary>
        public static int Threads
        {
            get => openblas_get_num_threads();
            set => openblas_set_num_threads(value);
        }

        /// <summary>Row-major sgemm.</summary>
        public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
                cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }

        /// <summary>Row-major dgemm.</summary>
        public static void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        {
            fixed (double* pa = a)
            fixed (double* pb = b)
            fixed (double* pc = c)
                cblas_dgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
