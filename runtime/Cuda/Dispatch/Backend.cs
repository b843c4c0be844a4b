namespace DiffGen.Cuda
{
    /// <summary>Where generated code runs its heavy parts.</summary>
    public enum Backend
    {
        /// <summary>CUDA when it is available and the problem is large enough (<see cref="BackendSelector.CudaFlopThreshold"/>), else the CPU.</summary>
        Auto,

        /// <summary>Always the CPU (SIMD and the packed GEMM).</summary>
        Cpu,

        /// <summary>Always CUDA; throws <see cref="CudaUnavailableException"/> where CUDA cannot run.</summary>
        Cuda,
    }
}
