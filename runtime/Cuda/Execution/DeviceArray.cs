using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// A vector (rank 1) or row-major matrix (rank 2) of <typeparamref name="T"/> in device memory: what the generated
    /// device entry points take, so a training loop can keep its data and gradients on the GPU. Shapes are checked by
    /// the generated code exactly as for host arrays (<see cref="GetLength"/>, <see cref="Length"/>).
    /// </summary>
    /// <typeparam name="T">float, double or int.</typeparam>
    public sealed class DeviceArray<T> : IDisposable where T : unmanaged
    {
        private ulong _address;

        private DeviceArray(IKernelDevice device, int rank, int rows, int columns)
        {
            Device = device;
            Rank = rank;
            Rows = rows;
            Columns = columns;
            _address = device.Allocate(Math.Max(16, ByteLength));
        }

        /// <summary>A zero-filled vector of <paramref name="length"/> elements.</summary>
        public static DeviceArray<T> Zeros(IKernelDevice device, int length)
        {
            ArgumentNullException.ThrowIfNull(device);
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            return new DeviceArray<T>(device, 1, length, 1);
        }

        /// <summary>A zero-filled <paramref name="rows"/> x <paramref name="columns"/> matrix.</summary>
        public static DeviceArray<T> Zeros(IKernelDevice device, int rows, int columns)
        {
            ArgumentNullException.ThrowIfNull(device);
            ArgumentOutOfRangeException.ThrowIfNegative(rows);
            ArgumentOutOfRangeException.ThrowIfNegative(columns);
            return new DeviceArray<T>(device, 2, rows, columns);
        }

        /// <summary>A device copy of <paramref name="host"/>.</summary>
        public static DeviceArray<T> Upload(IKernelDevice device, T[] host)
        {
            ArgumentNullException.ThrowIfNull(host);
            var d = Zeros(device, host.Length);
            d.CopyFrom(host);
            return d;
        }

        /// <summary>A device copy of <paramref name="host"/> (row-major, as .NET stores it).</summary>
        public static DeviceArray<T> Upload(IKernelDevice device, T[,] host)
        {
            ArgumentNullException.ThrowIfNull(host);
            var d = Zeros(device, host.GetLength(0), host.GetLength(1));
            d.CopyFrom(host);
            return d;
        }

        /// <summary>The device this array lives on.</summary>
        public IKernelDevice Device { get; }

        /// <summary>1 for a vector, 2 for a matrix.</summary>
        public int Rank { get; }

        /// <summary>Rows of a matrix, length of a vector.</summary>
        public int Rows { get; }

        /// <summary>Columns of a matrix (1 for a vector).</summary>
        public int Columns { get; }

        /// <summary>Number of elements.</summary>
        public int Length => Rank == 1 ? Rows : checked(Rows * Columns);

        /// <summary>Size in bytes.</summary>
        public long ByteLength => (long)Length * Unsafe.SizeOf<T>();

        /// <summary>Length of dimension <paramref name="dimension"/>, as <see cref="Array.GetLength"/>.</summary>
        public int GetLength(int dimension) => dimension switch
        {
            0 => Rows,
            1 when Rank == 2 => Columns,
            _ => throw new IndexOutOfRangeException($"dimension {dimension} of a rank-{Rank} device array"),
        };

        /// <summary>The device address (valid until <see cref="Dispose"/>).</summary>
        public ulong Address
        {
            get
            {
                ObjectDisposedException.ThrowIf(_address == 0, this);
                return _address;
            }
        }

        /// <summary>Copies a host vector of the same length in.</summary>
        public void CopyFrom(T[] host) => CopyIn(host, host is not null && Rank == 1 && host.Length == Length, nameof(host), () => $"a vector of {host!.Length}");

        /// <summary>Copies a host matrix of the same shape in.</summary>
        public void CopyFrom(T[,] host) => CopyIn(host, host is not null && Rank == 2 && host.GetLength(0) == Rows && host.GetLength(1) == Columns, nameof(host), () => $"[{host!.GetLength(0)}, {host.GetLength(1)}]");

        /// <summary>Copies out into a host vector of the same length.</summary>
        public void CopyTo(T[] host) => CopyOut(host, host is not null && Rank == 1 && host.Length == Length, nameof(host), () => $"a vector of {host!.Length}");

        /// <summary>Copies out into a host matrix of the same shape.</summary>
        public void CopyTo(T[,] host) => CopyOut(host, host is not null && Rank == 2 && host.GetLength(0) == Rows && host.GetLength(1) == Columns, nameof(host), () => $"[{host!.GetLength(0)}, {host.GetLength(1)}]");

        /// <summary>Downloads a vector.</summary>
        public T[] ToArray()
        {
            var a = new T[Length];
            Copy(a, toDevice: false);
            return a;
        }

        /// <summary>Downloads a matrix.</summary>
        public T[,] ToMatrix()
        {
            if (Rank != 2) throw new InvalidOperationException("ToMatrix on a vector; use ToArray.");
            var a = new T[Rows, Columns];
            Copy(a, toDevice: false);
            return a;
        }

        /// <summary>Sets every element to zero.</summary>
        public void Clear() => Device.Clear(Address, ByteLength);

        /// <summary>The shape as text, for messages.</summary>
        public override string ToString() => Rank == 1 ? $"DeviceArray<{typeof(T).Name}>[{Rows}]" : $"DeviceArray<{typeof(T).Name}>[{Rows}, {Columns}]";

        private void CopyIn(Array host, bool ok, string name, Func<string> what)
        {
            ArgumentNullException.ThrowIfNull(host, name);
            if (!ok) throw new ArgumentException($"'{name}' is {what()} but the device array is {this}.", name);
            Copy(host, toDevice: true);
        }

        private void CopyOut(Array host, bool ok, string name, Func<string> what)
        {
            ArgumentNullException.ThrowIfNull(host, name);
            if (!ok) throw new ArgumentException($"'{name}' is {what()} but the device array is {this}.", name);
            Copy(host, toDevice: false);
        }

        private unsafe void Copy(Array host, bool toDevice)
        {
            if (Length == 0) return;
            ref byte start = ref MemoryMarshal.GetArrayDataReference(host);
            fixed (byte* p = &start)
            {
                if (toDevice) Device.CopyToDevice(Address, (nint)p, ByteLength);
                else Device.CopyToHost((nint)p, Address, ByteLength);
            }
        }

        /// <summary>Frees the device memory.</summary>
        public void Dispose()
        {
            if (_address == 0) return;
            Device.Free(_address, Math.Max(16, ByteLength));
            _address = 0;
        }
    }
}
