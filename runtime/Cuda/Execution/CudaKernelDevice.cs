using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// <see cref="IKernelDevice"/> on a real GPU: one device's primary context with a stream (NVRTC-compiled kernels
    /// cached per source, cuBLAS on that stream) plus a pool of device allocations by size, so a training loop that
    /// calls the generated code repeatedly does not cuMemAlloc on every call.
    /// </summary>
    public sealed class CudaKernelDevice : IKernelDevice, IDisposable
    {
        private static readonly object s_lock = new();
        private static CudaKernelDevice? s_default;
        private readonly Dictionary<long, Stack<ulong>> _pool = new();
        private readonly object _poolLock = new();
        private readonly bool _ownsContext;

        /// <summary>Opens device <paramref name="deviceOrdinal"/> (a context of its own; <see cref="Dispose"/> closes it).</summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available; the message says why.</exception>
        /// <exception cref="ArgumentOutOfRangeException">There is no such device.</exception>
        public CudaKernelDevice(int deviceOrdinal)
        {
            Context = new CudaContext(deviceOrdinal);
            _ownsContext = true;
        }

        /// <summary>Wraps <paramref name="context"/> (not disposed with this device).</summary>
        internal CudaKernelDevice(CudaContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Context = context;
        }

        /// <summary>
        /// The device generated code uses when none is passed: device 0, opened on first use and shared by the process.
        /// </summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available; the message says why.</exception>
        public static CudaKernelDevice Default
        {
            get
            {
                lock (s_lock) return s_default ??= new CudaKernelDevice(CudaContext.Default);
            }
        }

        /// <summary>The context.</summary>
        internal CudaContext Context { get; }

        /// <summary>The device ordinal (0 for <see cref="Default"/>).</summary>
        public int DeviceOrdinal => Context.DeviceOrdinal;

        /// <summary>
        /// Opt in to TF32 tensor cores for the float products of generated code: the GEMMs (cublasGemmEx with
        /// CUBLAS_COMPUTE_32F_FAST_TF32) and the table tiles of fused tile kernels (mma.sync m16n8k8, on compute
        /// capability 8.0 and later; <c>Tiling.DeviceFusedKernels</c>). Inputs are rounded to a 10-bit mantissa, sums stay
        /// FP32: results about 1e-3 relative from FP32. Off by default; double products are unaffected.
        /// </summary>
        public bool AllowTf32 { get; set; }

        /// <inheritdoc/>
        public string Name => Context.DeviceName;

        /// <inheritdoc/>
        public int ThreadsPerBlock => 256;

        private long _heldBytes;

        /// <summary>
        /// Device memory this device has taken from the driver so far (freed buffers stay pooled until Dispose): the peak
        /// footprint of the work run on it, for benchmarks (a fresh device per measurement).
        /// </summary>
        public long HeldBytes => System.Threading.Interlocked.Read(ref _heldBytes);

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public unsafe ulong Allocate(long bytes)
        {
            bytes = Math.Max(1, bytes);
            ulong address = 0;
            lock (_poolLock)
                if (_pool.TryGetValue(bytes, out var free) && free.Count > 0) address = free.Pop();
            Context.MakeCurrent();
            if (address == 0)
            {
                CudaErrors.Check(Interop.CudaDriver.cuMemAlloc_v2(&address, (nuint)bytes), "cuMemAlloc_v2", $"{bytes} bytes");
                System.Threading.Interlocked.Add(ref _heldBytes, bytes);
            }
            CudaErrors.Check(Interop.CudaDriver.cuMemsetD8_v2(address, 0, (nuint)bytes), "cuMemsetD8_v2", $"{bytes} bytes");
            return address;
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public void Free(ulong address, long bytes)
        {
            if (address == 0) return;
            bytes = Math.Max(1, bytes);
            lock (_poolLock)
            {
                if (!_pool.TryGetValue(bytes, out var free)) _pool[bytes] = free = new Stack<ulong>();
                free.Push(address);
            }
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public void Clear(ulong address, long bytes)
        {
            if (bytes <= 0) return;
            Context.MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuMemsetD8_v2(address, 0, (nuint)bytes), "cuMemsetD8_v2", $"{bytes} bytes");
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public unsafe void CopyToDevice(ulong destination, nint source, long bytes)
        {
            if (bytes <= 0) return;
            Context.MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuMemcpyHtoD_v2(destination, (void*)source, (nuint)bytes), "cuMemcpyHtoD_v2", $"{bytes} bytes");
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public unsafe void CopyToHost(nint destination, ulong source, long bytes)
        {
            if (bytes <= 0) return;
            Context.Synchronize();
            CudaErrors.Check(Interop.CudaDriver.cuMemcpyDtoH_v2((void*)destination, source, (nuint)bytes), "cuMemcpyDtoH_v2", $"{bytes} bytes");
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public void CopyOnDevice(ulong destination, ulong source, long bytes)
        {
            if (bytes <= 0) return;
            Context.MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuMemcpyDtoD_v2(destination, source, (nuint)bytes), "cuMemcpyDtoD_v2", $"{bytes} bytes");
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public unsafe void Launch(string source, string kernel, int grid, int block, in KernelArgs args)
        {
            KernelArgs copy = args;
            nint p = (nint)(&copy);
            Context.Launch(source, kernel, new Dim3((uint)grid), new Dim3((uint)block), 0, new ReadOnlySpan<nint>(&p, 1));
        }

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc)
            => Context.GemmRaw(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, isDouble: false, allowTf32: AllowTf32);

        /// <inheritdoc/>
        [EditorBrowsable(EditorBrowsableState.Never)] // the IKernelDevice plumbing that generated code calls
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc)
            => Context.GemmRaw(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, isDouble: true);

        /// <summary>Frees the pooled allocations (and closes the context when this device opened it).</summary>
        public void Dispose()
        {
            lock (_poolLock)
            {
                Context.MakeCurrent();
                foreach (var free in _pool.Values)
                    while (free.Count > 0) Interop.CudaDriver.cuMemFree_v2(free.Pop());
                _pool.Clear();
            }
            if (_ownsContext) Context.Dispose();
        }
    }
}
