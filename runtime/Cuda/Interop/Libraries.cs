namespace DiffGen.Cuda
{
    internal static partial class Interop
    {
        /// <summary>
        /// Library names. The <c>[LibraryImport]</c> declarations use the logical names below; the
        /// resolver in <see cref="NativeLibraries"/> (the only DllImport resolver of DiffGen.Runtime)
        /// maps each to the first candidate file that loads and passes its checks, in the order listed.
        /// </summary>
        internal static class Libraries
        {
            /// <summary>Logical name of the CUDA driver API library.</summary>
            internal const string CudaDriver = "diffgen-cuda-driver";

            /// <summary>Logical name of cuBLAS.</summary>
            internal const string CuBlas = "diffgen-cublas";

            /// <summary>Logical name of NVRTC, the runtime CUDA C++ compiler.</summary>
            internal const string Nvrtc = "diffgen-nvrtc";

            /// <summary>CUDA driver files, in the order tried.</summary>
            internal static readonly string[] CudaDriverCandidates =
            [
                "libcuda.so.1",
                "libcuda.so",
                "nvcuda.dll",
            ];

            /// <summary>cuBLAS files, newest first (ILGPU-style); each is verified with a create/destroy.</summary>
            internal static readonly string[] CuBlasCandidates =
            [
                "libcublas.so.13",
                "libcublas.so.12",
                "libcublas.so.11",
                "libcublas.so",
                "cublas64_13.dll",
                "cublas64_12.dll",
                "cublas64_11.dll",
            ];

            /// <summary>NVRTC files, newest first. 11.2 is the oldest NVRTC with a stable soname.</summary>
            internal static readonly string[] NvrtcCandidates =
            [
                "libnvrtc.so.13",
                "libnvrtc.so.12",
                "libnvrtc.so.11.2",
                "libnvrtc.so",
                "nvrtc64_130_0.dll",
                "nvrtc64_120_0.dll",
                "nvrtc64_112_0.dll",
            ];
        }
    }
}
