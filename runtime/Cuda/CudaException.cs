using System;

namespace DiffGen.Cuda
{
    /// <summary>
    /// A CUDA driver, cuBLAS or NVRTC call returned a status other than success. The message names the call and
    /// gives CUDA's own error name and description, e.g.
    /// <c>cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory</c>; for an NVRTC compilation the
    /// compiler log follows.
    /// </summary>
    public sealed class CudaException : Exception
    {
        /// <summary>Creates the exception for a failed call.</summary>
        /// <param name="library">The library that returned the status.</param>
        /// <param name="call">The C function, e.g. <c>cuMemAlloc_v2</c>.</param>
        /// <param name="status">The numeric status (CUresult, cublasStatus_t or nvrtcResult).</param>
        /// <param name="errorName">The status's C name, e.g. <c>CUDA_ERROR_OUT_OF_MEMORY</c>.</param>
        /// <param name="errorDescription">The library's description of the status.</param>
        /// <param name="detail">What the call was doing (e.g. the program name and architecture), or null.</param>
        /// <param name="log">The NVRTC compile log, or null.</param>
        internal CudaException(CudaLibrary library, string call, int status, string errorName, string errorDescription, string? detail = null, string? log = null)
            : base(Format(call, status, errorName, errorDescription, detail, log))
        {
            Library = library;
            Call = call;
            Status = status;
            ErrorName = errorName;
            ErrorDescription = errorDescription;
            Detail = detail;
            Log = log;
        }

        /// <summary>The library that returned the status.</summary>
        public CudaLibrary Library { get; }

        /// <summary>The C function that failed, e.g. <c>cuModuleLoadData</c>.</summary>
        public string Call { get; }

        /// <summary>The numeric status the call returned.</summary>
        public int Status { get; }

        /// <summary>The status's C name, e.g. <c>CUDA_ERROR_NO_DEVICE</c> or <c>NVRTC_ERROR_COMPILATION</c>.</summary>
        public string ErrorName { get; }

        /// <summary>The library's description of the status (cuGetErrorString for the driver).</summary>
        public string ErrorDescription { get; }

        /// <summary>What the call was doing, when the caller said; otherwise null.</summary>
        public string? Detail { get; }

        /// <summary>The NVRTC compilation log for a failed compile; otherwise null.</summary>
        public string? Log { get; }

        /// <summary>The message format: "call failed[ (detail)]: NAME (status): description[\nlog]".</summary>
        internal static string Format(string call, int status, string errorName, string errorDescription, string? detail, string? log)
        {
            string where = string.IsNullOrEmpty(detail) ? "" : $" ({detail})";
            string message = $"{call} failed{where}: {errorName} ({status}): {errorDescription}";
            if (!string.IsNullOrWhiteSpace(log)) message += Environment.NewLine + "NVRTC log:" + Environment.NewLine + log.TrimEnd();
            return message;
        }
    }
}
