using System;
using System.Runtime.CompilerServices;

namespace DiffGen.Cuda
{
    /// <summary>Implemented by <see cref="DeviceBuffer{T}"/>, so kernel launches can pass any buffer's address.</summary>
    internal interface IDeviceBuffer
    {
        /// <summary>The context the memory lives in.</summary>
        CudaContext Context { get; }

        /// <summary>The device address (0 for an empty buffer).</summary>
        ulong DevicePointer { get; }

        /// <summary>The size in bytes.</summary>
        long ByteLength { get; }
    }

    /// <summary>
    /// A device array of <typeparamref name="T"/> (cuMemAlloc_v2). Copies are synchronous with respect to the host
    /// and ordered after the kernels and GEMMs already queued on the context's stream.
    /// </summary>
    /// <typeparam name="T">An unmanaged element type, e.g. <see cref="float"/> or <see cref="double"/>.</typeparam>
    internal sealed class DeviceBuffer<T> : IDeviceBuffer, IDisposable where T : unmanaged
    {
        private readonly DeviceMemoryHandle? _memory;

        /// <summary>Allocates <paramref name="length"/> elements in <see cref="CudaContext.Default"/>.</summary>
        /// <exception cref="CudaUnavailableException">CUDA is not available on this machine.</exception>
        public DeviceBuffer(int length) : this(DefaultContext(length), length)
        {
        }

        private static CudaContext DefaultContext(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            return CudaContext.GetDefault("a DeviceBuffer");
        }

        /// <summary>Allocates <paramref name="length"/> elements (uninitialized) in <paramref name="context"/>.</summary>
        public DeviceBuffer(CudaContext context, int length)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            Context = context;
            Length = length;
            ByteLength = (long)length * Unsafe.SizeOf<T>();
            if (length > 0) _memory = DeviceMemoryHandle.Allocate(context.Handle, ByteLength);
        }

        /// <summary>The context the memory lives in.</summary>
        public CudaContext Context { get; }

        /// <summary>The number of elements.</summary>
        public int Length { get; }

        /// <summary>The size in bytes.</summary>
        public long ByteLength { get; }

        /// <summary>The device address, for kernel arguments (0 for an empty buffer).</summary>
        public ulong DevicePointer
        {
            get
            {
                ThrowIfDisposed();
                return _memory?.DevicePointer ?? 0;
            }
        }

        private bool IsDisposed => _memory?.IsClosed ?? _disposedEmpty;

        private bool _disposedEmpty;

        /// <summary>Copies <paramref name="source"/> (exactly <see cref="Length"/> elements) to the device.</summary>
        public unsafe void Upload(ReadOnlySpan<T> source)
        {
            if (source.Length != Length)
                throw new ArgumentException($"'{nameof(source)}' has {source.Length} elements but the device buffer has {Length}.", nameof(source));
            ThrowIfDisposed();
            if (Length == 0) return;
            Context.MakeCurrent();
            fixed (T* p = source)
                CudaErrors.Check(Interop.CudaDriver.cuMemcpyHtoD_v2(_memory!, p, (nuint)ByteLength), "cuMemcpyHtoD_v2", $"{ByteLength} bytes");
        }

        /// <summary>Copies the device contents to <paramref name="destination"/> (exactly <see cref="Length"/> elements).</summary>
        public unsafe void Download(Span<T> destination)
        {
            if (destination.Length != Length)
                throw new ArgumentException($"'{nameof(destination)}' has {destination.Length} elements but the device buffer has {Length}.", nameof(destination));
            ThrowIfDisposed();
            if (Length == 0) return;
            Context.MakeCurrent();
            fixed (T* p = destination)
                CudaErrors.Check(Interop.CudaDriver.cuMemcpyDtoH_v2(p, _memory!, (nuint)ByteLength), "cuMemcpyDtoH_v2", $"{ByteLength} bytes");
        }

        /// <summary>Downloads into a new array.</summary>
        public T[] ToArray()
        {
            var result = new T[Length];
            Download(result);
            return result;
        }

        /// <summary>Copies this buffer to <paramref name="destination"/> on the device (same context, same length).</summary>
        public void CopyTo(DeviceBuffer<T> destination)
        {
            ArgumentNullException.ThrowIfNull(destination);
            if (destination.Length != Length)
                throw new ArgumentException($"'{nameof(destination)}' has {destination.Length} elements but this buffer has {Length}.", nameof(destination));
            if (!ReferenceEquals(destination.Context, Context))
                throw new ArgumentException($"'{nameof(destination)}' belongs to another CudaContext.", nameof(destination));
            ThrowIfDisposed();
            destination.ThrowIfDisposed();
            if (Length == 0) return;
            Context.MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuMemcpyDtoD_v2(destination._memory!, _memory!, (nuint)ByteLength), "cuMemcpyDtoD_v2", $"{ByteLength} bytes");
        }

        /// <summary>Sets every byte to zero (cuMemsetD8_v2).</summary>
        public void Clear()
        {
            ThrowIfDisposed();
            if (Length == 0) return;
            Context.MakeCurrent();
            CudaErrors.Check(Interop.CudaDriver.cuMemsetD8_v2(_memory!, 0, (nuint)ByteLength), "cuMemsetD8_v2", $"{ByteLength} bytes");
        }

        /// <summary>Frees the device memory (it stays valid until kernels queued before are done: cuMemFree synchronizes).</summary>
        public void Dispose()
        {
            _memory?.Dispose();
            _disposedEmpty = true;
        }

        private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
    }
}
