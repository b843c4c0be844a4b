using System;
using System.Runtime.InteropServices;

namespace DiffGen.Cuda
{
    /// <summary>Turns non-success statuses into <see cref="CudaException"/> with CUDA's own names and descriptions.</summary>
    internal static unsafe class CudaErrors
    {
        internal static void Check(Interop.CuResult status, string call, string? detail = null)
        {
            if (status != Interop.CuResult.CUDA_SUCCESS) throw Driver(status, call, detail);
        }

        internal static void Check(Interop.CublasStatus status, string call, string? detail = null)
        {
            if (status != Interop.CublasStatus.CUBLAS_STATUS_SUCCESS)
                throw new CudaException(CudaLibrary.CuBlas, call, (int)status, CuBlasName((int)status), CuBlasDescription((int)status), detail);
        }

        internal static void Check(Interop.NvrtcResult status, string call, string? detail = null, string? log = null)
        {
            if (status != Interop.NvrtcResult.NVRTC_SUCCESS)
                throw new CudaException(CudaLibrary.Nvrtc, call, (int)status, NvrtcName((int)status), NvrtcDescription((int)status), detail, log);
        }

        internal static CudaException Driver(Interop.CuResult status, string call, string? detail = null)
        {
            (string name, string description) = DriverNames((int)status);
            return new CudaException(CudaLibrary.Driver, call, (int)status, name, description, detail);
        }

        /// <summary>cuGetErrorName / cuGetErrorString when the driver is loaded, else the enum name.</summary>
        internal static (string Name, string Description) DriverNames(int status)
        {
            string fallbackName = Enum.IsDefined((Interop.CuResult)status) ? ((Interop.CuResult)status).ToString() : $"CUresult {status}";
            if (!NativeLibraries.IsPublished(Interop.Libraries.CudaDriver))
                return (fallbackName, "(the CUDA driver is not loaded, so it cannot describe this status)");

            byte* name = null, description = null;
            string n = Interop.CudaDriver.cuGetErrorName((Interop.CuResult)status, &name) == Interop.CuResult.CUDA_SUCCESS && name != null
                ? Marshal.PtrToStringUTF8((nint)name) ?? fallbackName
                : fallbackName;
            string d = Interop.CudaDriver.cuGetErrorString((Interop.CuResult)status, &description) == Interop.CuResult.CUDA_SUCCESS && description != null
                ? Marshal.PtrToStringUTF8((nint)description) ?? "unknown error"
                : "unrecognized error code";
            return (n, d);
        }

        internal static string CuBlasName(int status)
            => Enum.IsDefined((Interop.CublasStatus)status) ? ((Interop.CublasStatus)status).ToString() : $"cublasStatus_t {status}";

        /// <summary>The descriptions of the cuBLAS documentation (cuBLAS 11 has no cublasGetStatusString before 11.4).</summary>
        internal static string CuBlasDescription(int status) => (Interop.CublasStatus)status switch
        {
            Interop.CublasStatus.CUBLAS_STATUS_SUCCESS => "the operation completed successfully",
            Interop.CublasStatus.CUBLAS_STATUS_NOT_INITIALIZED => "the cuBLAS library was not initialized (usually no working CUDA driver or device)",
            Interop.CublasStatus.CUBLAS_STATUS_ALLOC_FAILED => "resource allocation failed inside the cuBLAS library",
            Interop.CublasStatus.CUBLAS_STATUS_INVALID_VALUE => "an unsupported value or parameter was passed to the function",
            Interop.CublasStatus.CUBLAS_STATUS_ARCH_MISMATCH => "the function requires a feature absent from the device architecture",
            Interop.CublasStatus.CUBLAS_STATUS_MAPPING_ERROR => "an access to GPU memory space failed",
            Interop.CublasStatus.CUBLAS_STATUS_EXECUTION_FAILED => "the GPU program failed to execute",
            Interop.CublasStatus.CUBLAS_STATUS_INTERNAL_ERROR => "an internal cuBLAS operation failed",
            Interop.CublasStatus.CUBLAS_STATUS_NOT_SUPPORTED => "the functionality requested is not supported",
            Interop.CublasStatus.CUBLAS_STATUS_LICENSE_ERROR => "the functionality requested requires some license",
            _ => "unknown cuBLAS status",
        };

        /// <summary>nvrtcGetErrorString when NVRTC is loaded (it returns the C name), else the enum name.</summary>
        internal static string NvrtcName(int status)
        {
            string fallback = Enum.IsDefined((Interop.NvrtcResult)status) ? ((Interop.NvrtcResult)status).ToString() : $"nvrtcResult {status}";
            if (!NativeLibraries.IsPublished(Interop.Libraries.Nvrtc)) return fallback;
            byte* text = Interop.Nvrtc.nvrtcGetErrorString((Interop.NvrtcResult)status);
            return text == null ? fallback : Marshal.PtrToStringUTF8((nint)text) ?? fallback;
        }

        internal static string NvrtcDescription(int status) => (Interop.NvrtcResult)status switch
        {
            Interop.NvrtcResult.NVRTC_SUCCESS => "success",
            Interop.NvrtcResult.NVRTC_ERROR_OUT_OF_MEMORY => "NVRTC ran out of host memory",
            Interop.NvrtcResult.NVRTC_ERROR_PROGRAM_CREATION_FAILURE => "the program could not be created",
            Interop.NvrtcResult.NVRTC_ERROR_INVALID_INPUT => "an argument was invalid",
            Interop.NvrtcResult.NVRTC_ERROR_INVALID_PROGRAM => "the program handle is invalid",
            Interop.NvrtcResult.NVRTC_ERROR_INVALID_OPTION => "a compile option is invalid (for example an architecture this NVRTC does not support)",
            Interop.NvrtcResult.NVRTC_ERROR_COMPILATION => "the CUDA C++ source did not compile; see the log",
            Interop.NvrtcResult.NVRTC_ERROR_BUILTIN_OPERATION_FAILURE => "a built-in operation failed (is libnvrtc-builtins installed next to libnvrtc?)",
            Interop.NvrtcResult.NVRTC_ERROR_INTERNAL_ERROR => "internal NVRTC error",
            _ => "see the NVRTC documentation for this status",
        };
    }
}
