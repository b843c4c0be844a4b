using System.Runtime.InteropServices;

namespace DiffGen.Cuda
{
    internal static partial class Interop
    {
        /// <summary>
        /// cuBLAS v2 API (cublas_api.h), column-major. cublasHandle_t and cudaStream_t are their SafeHandles (raw
        /// <see cref="nint"/> only to create, probe and destroy);
        /// matrix pointers are device addresses (<see cref="ulong"/>); alpha/beta are host pointers (the default
        /// CUBLAS_POINTER_MODE_HOST).
        /// </summary>
        internal static unsafe partial class CuBlas
        {
            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasCreate_v2(nint* handle);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasDestroy_v2(nint handle);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasGetVersion_v2(nint handle, int* version);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasSetStream_v2(CublasHandle handle, CudaStreamHandle stream);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasSetMathMode(CublasHandle handle, CublasMath mode);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasSgemm_v2(
                CublasHandle handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
                float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasDgemm_v2(
                CublasHandle handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
                double* alpha, ulong a, int lda, ulong b, int ldb, double* beta, ulong c, int ldc);

            [LibraryImport(Libraries.CuBlas)]
            internal static partial CublasStatus cublasGemmEx(
                CublasHandle handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
                void* alpha, ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb,
                void* beta, ulong c, CudaDataType cType, int ldc, CublasComputeType computeType, CublasGemmAlgo algo);

            /// <summary>Every export above; the loader rejects a candidate that lacks one.</summary>
            internal static readonly string[] RequiredExports =
            [
                "cublasCreate_v2", "cublasDestroy_v2", "cublasGetVersion_v2", "cublasSetStream_v2", "cublasSetMathMode",
                "cublasSgemm_v2", "cublasDgemm_v2", "cublasGemmEx",
            ];
        }
    }
}
