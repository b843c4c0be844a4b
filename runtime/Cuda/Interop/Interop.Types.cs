// Enums and handle typedefs of the CUDA driver API, cuBLAS and NVRTC. Member names are the C names, so
// that an error's name is its ToString(). Values are from cuda.h, cublas_api.h, library_types.h, nvrtc.h.

namespace DiffGen.Cuda
{
    internal static partial class Interop
    {
        /// <summary>CUresult (cuda.h); only the values this layer tests for by name.</summary>
        internal enum CuResult
        {
            CUDA_SUCCESS = 0,
            CUDA_ERROR_INVALID_VALUE = 1,
            CUDA_ERROR_OUT_OF_MEMORY = 2,
            CUDA_ERROR_NOT_INITIALIZED = 3,
            CUDA_ERROR_DEINITIALIZED = 4,
            CUDA_ERROR_NO_DEVICE = 100,
            CUDA_ERROR_INVALID_DEVICE = 101,
            CUDA_ERROR_INVALID_IMAGE = 200,
            CUDA_ERROR_INVALID_CONTEXT = 201,
            CUDA_ERROR_INVALID_PTX = 218,
            CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
            CUDA_ERROR_NOT_FOUND = 500,
            CUDA_ERROR_ILLEGAL_ADDRESS = 700,
            CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
            CUDA_ERROR_LAUNCH_FAILED = 719,
            CUDA_ERROR_UNKNOWN = 999,
        }

        /// <summary>CUdevice_attribute (cuda.h); the attributes this layer queries.</summary>
        internal enum CuDeviceAttribute
        {
            CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
            CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
            CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
            CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
            CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
            CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
        }

        /// <summary>cuStreamCreate flags.</summary>
        internal enum CuStreamFlags : uint
        {
            /// <summary>A blocking stream: it synchronizes with the legacy default stream, which the synchronous copies use.</summary>
            CU_STREAM_DEFAULT = 0,
            CU_STREAM_NON_BLOCKING = 1,
        }

        /// <summary>cublasStatus_t (cublas_api.h).</summary>
        internal enum CublasStatus
        {
            CUBLAS_STATUS_SUCCESS = 0,
            CUBLAS_STATUS_NOT_INITIALIZED = 1,
            CUBLAS_STATUS_ALLOC_FAILED = 3,
            CUBLAS_STATUS_INVALID_VALUE = 7,
            CUBLAS_STATUS_ARCH_MISMATCH = 8,
            CUBLAS_STATUS_MAPPING_ERROR = 11,
            CUBLAS_STATUS_EXECUTION_FAILED = 13,
            CUBLAS_STATUS_INTERNAL_ERROR = 14,
            CUBLAS_STATUS_NOT_SUPPORTED = 15,
            CUBLAS_STATUS_LICENSE_ERROR = 16,
        }

        /// <summary>cublasOperation_t.</summary>
        internal enum CublasOperation
        {
            CUBLAS_OP_N = 0,
            CUBLAS_OP_T = 1,
            CUBLAS_OP_C = 2,
        }

        /// <summary>cublasMath_t.</summary>
        internal enum CublasMath
        {
            CUBLAS_DEFAULT_MATH = 0,
            CUBLAS_TENSOR_OP_MATH = 1, // deprecated in cuBLAS 11
            CUBLAS_PEDANTIC_MATH = 2,
            CUBLAS_TF32_TENSOR_OP_MATH = 3,
            CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
        }

        /// <summary>cublasComputeType_t (cuBLAS 11+; cuBLAS 10 took a cudaDataType here).</summary>
        internal enum CublasComputeType
        {
            CUBLAS_COMPUTE_16F = 64,
            CUBLAS_COMPUTE_16F_PEDANTIC = 65,
            CUBLAS_COMPUTE_32F = 68,
            CUBLAS_COMPUTE_32F_PEDANTIC = 69,
            CUBLAS_COMPUTE_64F = 70,
            CUBLAS_COMPUTE_64F_PEDANTIC = 71,
            CUBLAS_COMPUTE_32I = 72,
            CUBLAS_COMPUTE_32I_PEDANTIC = 73,
            CUBLAS_COMPUTE_32F_FAST_16F = 74,
            CUBLAS_COMPUTE_32F_FAST_16BF = 75,
            CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
        }

        /// <summary>cudaDataType (library_types.h); the real types.</summary>
        internal enum CudaDataType
        {
            CUDA_R_32F = 0,
            CUDA_R_64F = 1,
            CUDA_R_16F = 2,
            CUDA_R_16BF = 14,
        }

        /// <summary>cublasGemmAlgo_t.</summary>
        internal enum CublasGemmAlgo
        {
            CUBLAS_GEMM_DEFAULT = -1,
            CUBLAS_GEMM_DEFAULT_TENSOR_OP = 99,
        }

        /// <summary>nvrtcResult (nvrtc.h).</summary>
        internal enum NvrtcResult
        {
            NVRTC_SUCCESS = 0,
            NVRTC_ERROR_OUT_OF_MEMORY = 1,
            NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
            NVRTC_ERROR_INVALID_INPUT = 3,
            NVRTC_ERROR_INVALID_PROGRAM = 4,
            NVRTC_ERROR_INVALID_OPTION = 5,
            NVRTC_ERROR_COMPILATION = 6,
            NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
            NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8,
            NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
            NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10,
            NVRTC_ERROR_INTERNAL_ERROR = 11,
            NVRTC_ERROR_TIME_FILE_WRITE_FAILED = 12,
        }
    }
}
