using System;
using System.Runtime.InteropServices;

namespace DiffGen.Cuda
{
    /// <summary>
    /// A retained primary context of one device (cuDevicePrimaryCtxRetain); released with
    /// cuDevicePrimaryCtxRelease_v2. Every other handle of this layer holds a reference on it, so the context
    /// outlives the streams, modules, buffers and cuBLAS handles created in it, whatever order they are disposed in.
    /// </summary>
    internal sealed class CudaPrimaryContextHandle : SafeHandle
    {
        private CudaPrimaryContextHandle() : base(0, ownsHandle: true) { }

        internal CudaPrimaryContextHandle(int device) : this() => Device = device;

        /// <summary>The device ordinal (CUdevice) whose primary context this is.</summary>
        public int Device { get; private set; }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        internal static unsafe CudaPrimaryContextHandle Retain(int device)
        {
            var result = new CudaPrimaryContextHandle(device);
            nint context = 0;
            CudaErrors.Check(Interop.CudaDriver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain", $"device {device}");
            result.SetHandle(context);
            return result;
        }

        /// <summary>Makes this context current on the calling thread (cuCtxSetCurrent).</summary>
        internal void MakeCurrent()
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            CudaErrors.Check(Interop.CudaDriver.cuCtxSetCurrent(this), "cuCtxSetCurrent");
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
            => Interop.CudaDriver.cuDevicePrimaryCtxRelease_v2(Device) == Interop.CuResult.CUDA_SUCCESS;
    }

    /// <summary>Shared plumbing of the handles that live in a context.</summary>
    internal static class ContextBound
    {
        /// <summary>Adds a reference on <paramref name="context"/>; returns it for storing.</summary>
        internal static CudaPrimaryContextHandle AddRef(CudaPrimaryContextHandle context)
        {
            bool added = false;
            context.DangerousAddRef(ref added);
            if (!added) throw new ObjectDisposedException(nameof(CudaContext));
            return context;
        }

        /// <summary>Makes the owning context current for a release call; never throws (runs on the finalizer thread too).</summary>
        /// <remarks>
        /// The raw handle, not the SafeHandle: the releasing handle holds a reference on the context (so it is valid),
        /// but the context may already be disposed, and marshalling a disposed SafeHandle throws.
        /// </remarks>
        internal static void EnterForRelease(CudaPrimaryContextHandle context)
            => Interop.CudaDriver.cuCtxSetCurrent(context.DangerousGetHandle());
    }

    /// <summary>A CUDA stream (cuStreamCreate), destroyed with cuStreamDestroy_v2.</summary>
    internal sealed class CudaStreamHandle : SafeHandle
    {
        private CudaPrimaryContextHandle? _context;

        private CudaStreamHandle() : base(0, ownsHandle: true) { }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        /// <summary>Creates a blocking stream (it orders with the legacy default stream, which the synchronous copies use).</summary>
        internal static unsafe CudaStreamHandle Create(CudaPrimaryContextHandle context)
        {
            var result = new CudaStreamHandle();
            context.MakeCurrent();
            nint stream = 0;
            CudaErrors.Check(Interop.CudaDriver.cuStreamCreate(&stream, Interop.CuStreamFlags.CU_STREAM_DEFAULT), "cuStreamCreate");
            result._context = ContextBound.AddRef(context);
            result.SetHandle(stream);
            return result;
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            CudaPrimaryContextHandle context = _context!;
            ContextBound.EnterForRelease(context);
            bool ok = Interop.CudaDriver.cuStreamDestroy_v2(handle) == Interop.CuResult.CUDA_SUCCESS;
            context.DangerousRelease();
            return ok;
        }
    }

    /// <summary>A loaded module (cuModuleLoadData), unloaded with cuModuleUnload.</summary>
    internal sealed class CudaModuleHandle : SafeHandle
    {
        private CudaPrimaryContextHandle? _context;

        private CudaModuleHandle() : base(0, ownsHandle: true) { }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        /// <summary>Loads a NUL-terminated PTX (or cubin) image.</summary>
        internal static unsafe CudaModuleHandle Load(CudaPrimaryContextHandle context, ReadOnlySpan<byte> image, string detail)
        {
            var result = new CudaModuleHandle();
            context.MakeCurrent();
            nint module = 0;
            fixed (byte* p = image)
                CudaErrors.Check(Interop.CudaDriver.cuModuleLoadData(&module, p), "cuModuleLoadData", detail);
            result._context = ContextBound.AddRef(context);
            result.SetHandle(module);
            return result;
        }

        /// <summary>cuModuleGetFunction; the function handle is owned by the module.</summary>
        internal unsafe nint GetFunction(string name)
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(name + "\0");
            nint function = 0;
            fixed (byte* p = utf8)
                CudaErrors.Check(Interop.CudaDriver.cuModuleGetFunction(&function, this, p), "cuModuleGetFunction", $"kernel '{name}'");
            return function;
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            CudaPrimaryContextHandle context = _context!;
            ContextBound.EnterForRelease(context);
            bool ok = Interop.CudaDriver.cuModuleUnload(handle) == Interop.CuResult.CUDA_SUCCESS;
            context.DangerousRelease();
            return ok;
        }
    }

    /// <summary>Device memory (cuMemAlloc_v2), freed with cuMemFree_v2. The handle value is the CUdeviceptr.</summary>
    internal sealed class DeviceMemoryHandle : SafeHandle
    {
        private CudaPrimaryContextHandle? _context;

        private DeviceMemoryHandle() : base(0, ownsHandle: true) { }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        /// <summary>The size of the allocation in bytes.</summary>
        public long ByteLength { get; private set; }

        /// <summary>The device address (CUdeviceptr).</summary>
        public ulong DevicePointer => (ulong)handle;

        internal static unsafe DeviceMemoryHandle Allocate(CudaPrimaryContextHandle context, long bytes)
        {
            var result = new DeviceMemoryHandle();
            context.MakeCurrent();
            ulong pointer = 0;
            CudaErrors.Check(Interop.CudaDriver.cuMemAlloc_v2(&pointer, (nuint)bytes), "cuMemAlloc_v2", $"{bytes} bytes");
            result._context = ContextBound.AddRef(context);
            result.ByteLength = bytes;
            result.SetHandle((nint)pointer);
            return result;
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            CudaPrimaryContextHandle context = _context!;
            ContextBound.EnterForRelease(context);
            bool ok = Interop.CudaDriver.cuMemFree_v2((ulong)handle) == Interop.CuResult.CUDA_SUCCESS;
            context.DangerousRelease();
            return ok;
        }
    }

    /// <summary>A cuBLAS handle (cublasCreate_v2), destroyed with cublasDestroy_v2.</summary>
    internal sealed class CublasHandle : SafeHandle
    {
        private CudaPrimaryContextHandle? _context;

        private CublasHandle() : base(0, ownsHandle: true) { }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        /// <summary>Creates a handle in <paramref name="context"/> that runs on <paramref name="stream"/> with default (FP32, no TF32) math.</summary>
        internal static unsafe CublasHandle Create(CudaPrimaryContextHandle context, CudaStreamHandle stream)
        {
            var result = new CublasHandle();
            context.MakeCurrent();
            nint blas = 0;
            CudaErrors.Check(Interop.CuBlas.cublasCreate_v2(&blas), "cublasCreate_v2");
            result._context = ContextBound.AddRef(context);
            result.SetHandle(blas);
            CudaErrors.Check(Interop.CuBlas.cublasSetStream_v2(result, stream), "cublasSetStream_v2");
            CudaErrors.Check(Interop.CuBlas.cublasSetMathMode(result, Interop.CublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            return result;
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            CudaPrimaryContextHandle context = _context!;
            ContextBound.EnterForRelease(context);
            bool ok = Interop.CuBlas.cublasDestroy_v2(handle) == Interop.CublasStatus.CUBLAS_STATUS_SUCCESS;
            context.DangerousRelease();
            return ok;
        }
    }

    /// <summary>An NVRTC program (nvrtcCreateProgram), destroyed with nvrtcDestroyProgram. Needs no GPU.</summary>
    internal sealed class NvrtcProgramHandle : SafeHandle
    {
        private NvrtcProgramHandle() : base(0, ownsHandle: true) { }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == 0;

        internal static unsafe NvrtcProgramHandle Create(string source, string name)
        {
            var result = new NvrtcProgramHandle();
            byte[] src = System.Text.Encoding.UTF8.GetBytes(source + "\0");
            byte[] nm = System.Text.Encoding.UTF8.GetBytes(name + "\0");
            nint program = 0;
            fixed (byte* s = src)
            fixed (byte* n = nm)
                CudaErrors.Check(Interop.Nvrtc.nvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram", $"program '{name}'");
            result.SetHandle(program);
            return result;
        }

        /// <inheritdoc/>
        protected override unsafe bool ReleaseHandle()
        {
            nint program = handle;
            return Interop.Nvrtc.nvrtcDestroyProgram(&program) == Interop.NvrtcResult.NVRTC_SUCCESS;
        }
    }
}
