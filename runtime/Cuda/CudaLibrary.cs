namespace DiffGen.Cuda
{
    /// <summary>The native library a <see cref="CudaException"/> comes from.</summary>
    public enum CudaLibrary
    {
        /// <summary>The CUDA driver API (libcuda.so.1, nvcuda.dll); statuses are CUresult values.</summary>
        Driver,

        /// <summary>cuBLAS; statuses are cublasStatus_t values.</summary>
        CuBlas,

        /// <summary>NVRTC, the runtime CUDA C++ compiler; statuses are nvrtcResult values.</summary>
        Nvrtc,
    }
}
