using System;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// What generated device code needs from a GPU: memory, copies, kernel launches and GEMMs, all on one
    /// in-order queue. <see cref="CudaKernelDevice"/> is the real one (driver API, NVRTC, cuBLAS); tests plug in a
    /// CPU emulation, so the generated host orchestration and kernels are checked without a GPU.
    /// </summary>
    /// <remarks>Addresses are device addresses as 64-bit integers; host addresses are <see cref="nint"/>.</remarks>
    public interface IKernelDevice
    {
        /// <summary>A human-readable name (device name, or "emulated").</summary>
        string Name { get; }

        /// <summary>Threads per block the generated code launches with (a multiple of 32).</summary>
        int ThreadsPerBlock { get; }

        /// <summary>
        /// Float products may use TF32 tensor cores (inputs rounded to a 10-bit mantissa, sums in FP32): the GEMMs, and the
        /// tiles of fused tile kernels on devices of compute capability 8.0 or later. False unless the device opts in.
        /// </summary>
        bool AllowTf32 => false;

        /// <summary>Allocates <paramref name="bytes"/> bytes (at least 1), zero-filled.</summary>
        ulong Allocate(long bytes);

        /// <summary>Returns memory from <see cref="Allocate"/> (the device may pool it).</summary>
        void Free(ulong address, long bytes);

        /// <summary>Sets <paramref name="bytes"/> bytes at <paramref name="address"/> to zero.</summary>
        void Clear(ulong address, long bytes);

        /// <summary>Copies host memory to the device (after the queued work).</summary>
        void CopyToDevice(ulong destination, nint source, long bytes);

        /// <summary>Copies device memory to the host, waiting for the queued work first.</summary>
        void CopyToHost(nint destination, ulong source, long bytes);

        /// <summary>Copies device memory to device memory (queued).</summary>
        void CopyOnDevice(ulong destination, ulong source, long bytes);

        /// <summary>Launches <paramref name="kernel"/> of <paramref name="source"/> (compiled once) on a 1-D grid with the uniform argument block.</summary>
        void Launch(string source, string kernel, int grid, int block, in KernelArgs args);

        /// <summary>Row-major C (m x n, row stride ldc) = op(A)·op(B) + beta·C; strides are the stored rows' lengths.</summary>
        void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc);

        /// <inheritdoc cref="Gemm(bool, bool, int, int, int, ulong, int, ulong, int, float, ulong, int)"/>
        void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc);
    }
}
