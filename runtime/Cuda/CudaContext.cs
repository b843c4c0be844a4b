using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace DiffGen.Cuda
{
    /// <summary>
    /// One device's primary context with a stream, a cuBLAS handle bound to that stream, and a cache of kernel
    /// modules. Kernels are CUDA C source strings: each distinct source is compiled once per process by NVRTC for
    /// the device's compute capability (<see cref="Architecture"/>) and loaded once per context with cuModuleLoadData.
    /// Work is queued on <see cref="Stream"/>; <see cref="DeviceBuffer{T}"/> copies and <see cref="Synchronize"/> wait for it.
    /// </summary>
    /// <remarks>
    /// Methods make the context current on the calling thread (cuCtxSetCurrent) before each driver call, so a
    /// context can be used from any thread, but not from two at once.
    /// </remarks>
    internal sealed partial class CudaContext : IDisposable
    {
        private static readonly object s_defaultLock = new();
        private static CudaContext? s_default;

        /// <summary>PTX per (source hash, architecture), shared by all contexts: NVRTC runs once per source per process.</summary>
        private static readonly ConcurrentDictionary<(string Hash, string Architecture), Lazy<PtxCompilation>> s_ptx = new();

        /// <summary>Loaded modules of this context, by source text.</summary>
        private readonly ConcurrentDictionary<string, Lazy<LoadedModule>> _modules = new(StringComparer.Ordinal);

        private readonly bool _isDefault;
        private int _disposed;

        /// <summary>Opens device 0.</summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available on this machine.</exception>
        public CudaContext() : this(0)
        {
        }

        /// <summary>Opens device <paramref name="deviceOrdinal"/>: retains its primary context, creates a stream and a cuBLAS handle.</summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available on this machine.</exception>
        /// <exception cref="ArgumentOutOfRangeException">There is no such device.</exception>
        public CudaContext(int deviceOrdinal) : this(deviceOrdinal, isDefault: false)
        {
        }

        private unsafe CudaContext(int deviceOrdinal, bool isDefault)
        {
            CudaEnvironment.EnsureAvailable("a CudaContext");
            if (deviceOrdinal < 0 || deviceOrdinal >= CudaEnvironment.DeviceCount)
                throw new ArgumentOutOfRangeException(nameof(deviceOrdinal), deviceOrdinal, $"There are {CudaEnvironment.DeviceCount} CUDA device(s).");
            _isDefault = isDefault;

            int device = 0;
            CudaErrors.Check(Interop.CudaDriver.cuDeviceGet(&device, deviceOrdinal), "cuDeviceGet", $"device {deviceOrdinal}");
            DeviceOrdinal = deviceOrdinal;
            ComputeCapabilityMajor = Attribute(device, Interop.CuDeviceAttribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            ComputeCapabilityMinor = Attribute(device, Interop.CuDeviceAttribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            MultiprocessorCount = Attribute(device, Interop.CuDeviceAttribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);

            byte* name = stackalloc byte[256];
            CudaErrors.Check(Interop.CudaDriver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            DeviceName = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)name) ?? $"device {deviceOrdinal}";

            int wanted = ComputeCapabilityMajor * 10 + ComputeCapabilityMinor;
            Architecture = "compute_" + Nvrtc.ClosestSupportedArchitecture(wanted).ToString(System.Globalization.CultureInfo.InvariantCulture);

            CudaPrimaryContextHandle? context = null;
            CudaStreamHandle? stream = null;
            try
            {
                context = CudaPrimaryContextHandle.Retain(device);
                stream = CudaStreamHandle.Create(context);
                Blas = CublasHandle.Create(context, stream);
            }
            catch
            {
                stream?.Dispose();
                context?.Dispose();
                throw;
            }
            Handle = context;
            Stream = stream;
        }

        /// <summary>
        /// The process-wide context of device 0, created on first use and never disposed (its
        /// <see cref="Dispose"/> does nothing). Generated code and <see cref="DeviceBuffer{T}(int)"/> use it.
        /// </summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available on this machine.</exception>
        public static CudaContext Default => GetDefault("CudaContext.Default");

        internal static CudaContext GetDefault(string what)
        {
            CudaContext? existing = Volatile.Read(ref s_default);
            if (existing is not null) return existing;
            CudaEnvironment.EnsureAvailable(what);
            lock (s_defaultLock)
            {
                return s_default ??= new CudaContext(0, isDefault: true);
            }
        }

        /// <summary>The device ordinal.</summary>
        public int DeviceOrdinal { get; }

        /// <summary>The device name, e.g. "NVIDIA H200".</summary>
        public string DeviceName { get; }

        /// <summary>The compute capability's major number (9 for sm_90).</summary>
        public int ComputeCapabilityMajor { get; }

        /// <summary>The compute capability's minor number.</summary>
        public int ComputeCapabilityMinor { get; }

        /// <summary>The number of streaming multiprocessors.</summary>
        public int MultiprocessorCount { get; }

        /// <summary>
        /// The NVRTC target: <c>compute_XY</c> for the device's compute capability, or the closest older one NVRTC
        /// supports (the driver JIT-compiles PTX forward).
        /// </summary>
        public string Architecture { get; }

        /// <summary>The retained primary context.</summary>
        public CudaPrimaryContextHandle Handle { get; }

        /// <summary>The stream that kernels and GEMMs run on.</summary>
        public CudaStreamHandle Stream { get; }

        /// <summary>The cuBLAS handle, bound to <see cref="Stream"/>.</summary>
        public CublasHandle Blas { get; }

        /// <summary>Allocates an uninitialized device buffer.</summary>
        public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged => new(this, length);

        /// <summary>Allocates a device buffer and copies <paramref name="source"/> into it.</summary>
        public DeviceBuffer<T> Upload<T>(ReadOnlySpan<T> source) where T : unmanaged
        {
            var buffer = new DeviceBuffer<T>(this, source.Length);
            try
            {
                buffer.Upload(source);
                return buffer;
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        }

        /// <summary>Waits for everything queued on <see cref="Stream"/> (cuStreamSynchronize); reports asynchronous kernel errors.</summary>
        public void Synchronize()
        {
            MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuStreamSynchronize(Stream), "cuStreamSynchronize");
        }

        /// <summary>The SHA-256 of the UTF-8 source, lower-case hex: the module cache key.</summary>
        public static string KernelSourceHash(string kernelSource)
        {
            ArgumentNullException.ThrowIfNull(kernelSource);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kernelSource)));
        }

        /// <summary>Compiles (once per process) and returns the PTX this context would load for <paramref name="kernelSource"/>.</summary>
        public PtxCompilation GetPtx(string kernelSource)
        {
            ArgumentNullException.ThrowIfNull(kernelSource);
            string hash = KernelSourceHash(kernelSource);
            return s_ptx.GetOrAdd((hash, Architecture), key => new Lazy<PtxCompilation>(
                () => NvrtcCompiler.CompileToPtx(kernelSource, $"diffgen_{key.Hash[..16]}.cu", key.Architecture),
                LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        }

        /// <summary>The number of kernel modules loaded in this context.</summary>
        public int LoadedModuleCount => _modules.Count;

        /// <summary>
        /// Launches <paramref name="kernelName"/> from <paramref name="kernelSource"/> on <see cref="Stream"/>. Arguments
        /// may be <see cref="DeviceBuffer{T}"/> (passed as its device pointer), <see cref="int"/>, <see cref="uint"/>,
        /// <see cref="long"/>, <see cref="ulong"/>, <see cref="float"/>, <see cref="double"/>, <see cref="short"/>,
        /// <see cref="ushort"/>, <see cref="byte"/>, <see cref="sbyte"/>, <see cref="bool"/> (one byte), <see cref="nint"/>
        /// or <see cref="nuint"/>; they must match the kernel's parameter types. The launch is asynchronous.
        /// </summary>
        /// <param name="kernelSource">CUDA C source with an <c>extern "C" __global__</c> function named <paramref name="kernelName"/>.</param>
        /// <param name="kernelName">The kernel's (unmangled) name.</param>
        /// <param name="grid">Blocks per grid.</param>
        /// <param name="block">Threads per block.</param>
        /// <param name="sharedBytes">Dynamic shared memory per block, in bytes.</param>
        /// <param name="args">The kernel arguments, in order.</param>
        public unsafe void Launch(string kernelSource, string kernelName, Dim3 grid, Dim3 block, int sharedBytes, params object[] args)
        {
            ArgumentNullException.ThrowIfNull(args);
            if (args.Length > MaxKernelArguments)
                throw new ArgumentException($"{args.Length} kernel arguments; at most {MaxKernelArguments} are supported.", nameof(args));
            ulong* slots = stackalloc ulong[args.Length];
            nint* pointers = stackalloc nint[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                void* slot = slots + i;
                switch (args[i])
                {
                    case IDeviceBuffer buffer:
                        if (!ReferenceEquals(buffer.Context, this))
                            throw new ArgumentException($"args[{i}] is a device buffer of another CudaContext.", nameof(args));
                        *(ulong*)slot = buffer.DevicePointer;
                        break;
                    case int v: *(int*)slot = v; break;
                    case uint v: *(uint*)slot = v; break;
                    case long v: *(long*)slot = v; break;
                    case ulong v: *(ulong*)slot = v; break;
                    case float v: *(float*)slot = v; break;
                    case double v: *(double*)slot = v; break;
                    case short v: *(short*)slot = v; break;
                    case ushort v: *(ushort*)slot = v; break;
                    case byte v: *(byte*)slot = v; break;
                    case sbyte v: *(sbyte*)slot = v; break;
                    case bool v: *(byte*)slot = v ? (byte)1 : (byte)0; break;
                    case nint v: *(nint*)slot = v; break;
                    case nuint v: *(nuint*)slot = v; break;
                    case null:
                        throw new ArgumentException($"args[{i}] is null; pass a DeviceBuffer or a scalar.", nameof(args));
                    default:
                        throw new ArgumentException(
                            $"args[{i}] has type {args[i].GetType()}; a kernel argument must be a DeviceBuffer<T> or an int, uint, long, ulong, float, double, short, ushort, byte, sbyte, bool, nint or nuint.",
                            nameof(args));
                }
                pointers[i] = (nint)slot;
            }
            Launch(kernelSource, kernelName, grid, block, sharedBytes, new ReadOnlySpan<nint>(pointers, args.Length));
        }

        /// <summary>
        /// Launches with raw kernel parameters: <paramref name="kernelParams"/>[i] is the address of the i-th argument's
        /// value, as cuLaunchKernel expects. The values must stay valid until this method returns.
        /// </summary>
        /// <param name="kernelSource">CUDA C source with an <c>extern "C" __global__</c> function named <paramref name="kernelName"/>.</param>
        /// <param name="kernelName">The kernel's (unmangled) name.</param>
        /// <param name="grid">Blocks per grid.</param>
        /// <param name="block">Threads per block.</param>
        /// <param name="sharedBytes">Dynamic shared memory per block, in bytes.</param>
        /// <param name="kernelParams">One address per kernel parameter.</param>
        public unsafe void Launch(string kernelSource, string kernelName, Dim3 grid, Dim3 block, int sharedBytes, ReadOnlySpan<nint> kernelParams)
        {
            ArgumentNullException.ThrowIfNull(kernelSource);
            ArgumentException.ThrowIfNullOrEmpty(kernelName);
            ArgumentOutOfRangeException.ThrowIfNegative(sharedBytes);
            if (grid.X == 0) throw new ArgumentException("The grid is empty (default Dim3); every dimension must be at least 1.", nameof(grid));
            if (block.X == 0) throw new ArgumentException("The block is empty (default Dim3); every dimension must be at least 1.", nameof(block));
            ThrowIfDisposed();

            nint function = GetFunction(kernelSource, kernelName);
            MakeCurrent();
            fixed (nint* p = kernelParams)
            {
                CudaErrors.Check(
                    Interop.CudaDriver.cuLaunchKernel(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, (uint)sharedBytes,
                        Stream, kernelParams.Length == 0 ? null : (void**)p, null),
                    "cuLaunchKernel", $"kernel '{kernelName}', grid {grid}, block {block}, {sharedBytes} shared bytes");
            }
        }

        /// <summary>The most arguments <see cref="Launch(string, string, Dim3, Dim3, int, object[])"/> accepts.</summary>
        public const int MaxKernelArguments = 256;

        private nint GetFunction(string kernelSource, string kernelName)
        {
            LoadedModule module = _modules.GetOrAdd(kernelSource, source => new Lazy<LoadedModule>(
                () => LoadModule(source), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
            return module.Functions.GetOrAdd(kernelName, module.Module.GetFunction);
        }

        private LoadedModule LoadModule(string kernelSource)
        {
            PtxCompilation ptx = GetPtx(kernelSource);
            byte[] image = Encoding.UTF8.GetBytes(ptx.Ptx + "\0");
            return new LoadedModule(CudaModuleHandle.Load(Handle, image, $"{ptx.Name}, {ptx.Architecture}"));
        }

        private sealed class LoadedModule(CudaModuleHandle module)
        {
            public CudaModuleHandle Module { get; } = module;
            public ConcurrentDictionary<string, nint> Functions { get; } = new(StringComparer.Ordinal);
        }

        internal void MakeCurrent()
        {
            ThrowIfDisposed();
            Handle.MakeCurrent();
        }

        private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        private static unsafe int Attribute(int device, Interop.CuDeviceAttribute attribute)
        {
            int value = 0;
            CudaErrors.Check(Interop.CudaDriver.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute", attribute.ToString());
            return value;
        }

        /// <summary>
        /// Destroys the cuBLAS handle, unloads the modules, destroys the stream and releases the primary context
        /// (once the buffers still alive are freed too). Does nothing for <see cref="Default"/>.
        /// </summary>
        public void Dispose()
        {
            if (_isDefault || Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Blas.Dispose();
            foreach (Lazy<LoadedModule> entry in _modules.Values)
                if (entry.IsValueCreated) entry.Value.Module.Dispose();
            _modules.Clear();
            Stream.Dispose();
            Handle.Dispose();
        }
    }
}
