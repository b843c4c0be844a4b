using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// The state of one call of generated device code: the argument block shared by its kernels, the scalar slots
    /// (every float/double scalar of the method lives in a double slot on the device, so a value computed by one
    /// kernel is read by the next without a round trip), pooled scratch arrays, the restore tape and a control block
    /// through which kernels report an out-of-range index. Generated code runs its steps between
    /// <see cref="Begin"/> and <see cref="End"/>; End returns false when the tape overflowed, after growing it, and
    /// the generated code runs the steps again (outputs and cleared buffers are put back first), so the tape's size
    /// never has to be known in advance. Not for direct use.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class KernelFrame : IDisposable
    {
        private const int ControlInts = KernelAbi.ControlInts;
        private static readonly ConcurrentDictionary<string, long> s_tapeCapacity = new(StringComparer.Ordinal);

        private readonly IKernelDevice _device;
        private readonly string _source;
        private readonly string _method;
        private readonly double[] _slots;
        private double[]? _initialSlots;
        private readonly string?[] _names = new string?[KernelArgs.PointerCount];
        private readonly List<(ulong Address, long Bytes)> _owned = new();
        private readonly List<(ulong Address, long Bytes)> _zeroEachRun = new();
        private readonly List<(ulong Destination, ulong Source, long Bytes)> _copyEachRun = new();
        private readonly List<(ulong Destination, ulong Source, long Bytes)> _restoreOnRepeat = new();
        private KernelArgs _args;
        private ulong _slotBuffer, _control, _tape;
        private long _tapeCapacity;
        private int _runs;

        /// <summary>Starts a call of <paramref name="method"/>'s device code; <paramref name="source"/> is its generated kernels (compiled after <see cref="KernelPrelude"/>).</summary>
        public KernelFrame(IKernelDevice device, string source, string method, int slotCount)
        {
            ArgumentNullException.ThrowIfNull(device);
            _device = device;
            _source = KernelPrelude.With(source); // generated sources hold their kernels only
            _method = method;
            _slots = new double[Math.Max(1, slotCount)];
            _slotBuffer = Own(8L * _slots.Length);
            _control = Own(4L * ControlInts);
            _tapeCapacity = s_tapeCapacity.GetOrAdd(method, 1024);
            _tape = Own(8L * _tapeCapacity);
            _args.Pointer(KernelAbi.ScalarsPointer, _slotBuffer);
            _args.Pointer(KernelAbi.TapePointer, _tape);
            _args.Pointer(KernelAbi.ControlPointer, _control);
            _args.Int(KernelAbi.TapeCapacityInt, (int)_tapeCapacity);
            _args.Int(KernelAbi.FlagsInt, device.AllowTf32 ? KernelAbi.FlagTf32 : 0);
        }

        /// <summary>The device.</summary>
        public IKernelDevice Device => _device;

        /// <summary>Threads per block of the device.</summary>
        public int ThreadsPerBlock => _device.ThreadsPerBlock;

        /// <summary>Binds an array to address slot <paramref name="index"/>; <paramref name="name"/> is used in error messages.</summary>
        public void Array(int index, ulong address, string name)
        {
            _args.Pointer(index, address);
            _names[index] = name;
        }

        /// <summary>Allocates a zero-filled scratch array of <paramref name="length"/> elements, zeroed again before every run; bound to slot <paramref name="index"/>.</summary>
        /// <remarks><paramref name="overwritten"/>: a raised GEMM writes every element before anything reads it, so it is not cleared per run.</remarks>
        public ulong Scratch<T>(int index, long length, string name, bool overwritten = false) where T : unmanaged
        {
            if (length < 0) throw new OverflowException($"The local array '{name}' would have a negative length ({length}).");
            long bytes = Math.Max(1, length) * Unsafe.SizeOf<T>();
            ulong a = Own(bytes);
            if (!overwritten) _zeroEachRun.Add((a, bytes));
            Array(index, a, name);
            return a;
        }

        /// <summary>Zeroes a caller's buffer before every run (gradient outputs).</summary>
        public void ZeroEachRun(ulong address, long bytes) => _zeroEachRun.Add((address, bytes));

        /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> before every run (working copies of upstream gradients).</summary>
        public void CopyEachRun(ulong destination, ulong source, long bytes) => _copyEachRun.Add((destination, source, bytes));

        /// <summary>Keeps a copy of a buffer the code writes (an output) and puts it back before a repeated run.</summary>
        public void Protect(ulong address, long bytes)
        {
            if (bytes <= 0) return;
            ulong copy = Own(bytes);
            _device.CopyOnDevice(copy, address, bytes);
            _restoreOnRepeat.Add((address, copy, bytes));
        }

        /// <summary>Sets int slot <paramref name="index"/>.</summary>
        public void Int(int index, int value) => _args.Int(index, value);

        /// <summary>Sets scalar slot <paramref name="index"/> (uploaded by <see cref="Begin"/>).</summary>
        public void Slot(int index, double value) => _slots[index] = value;

        /// <summary>Reads scalar slot <paramref name="index"/> (downloaded by <see cref="End"/>).</summary>
        public double Slot(int index) => _slots[index];

        /// <summary>Prepares a run: zeroes scratch and gradient buffers, restores outputs, uploads the slots, resets the control block.</summary>
        public unsafe void Begin()
        {
            if (_runs > 0)
                foreach (var (d, s, b) in _restoreOnRepeat) _device.CopyOnDevice(d, s, b);
            foreach (var (a, b) in _zeroEachRun) _device.Clear(a, b);
            foreach (var (d, s, b) in _copyEachRun) _device.CopyOnDevice(d, s, b);
            _device.Clear(_control, 4L * ControlInts);
            // Every run starts from the slots the caller set (a repeated run must not see the failed run's values).
            _initialSlots ??= (double[])_slots.Clone();
            fixed (double* p = _initialSlots) _device.CopyToDevice(_slotBuffer, (nint)p, 8L * _slots.Length);
            _runs++;
        }

        /// <summary>Iterations of <c>for (i = start; i cmp bound; i += step)</c>; cmp: 0 &lt;, 1 &lt;=, 2 &gt;, 3 &gt;= (as the kernels' __dg_trip).</summary>
        public static long Trip(long start, long bound, int step, int cmp) => DiffGen.Cpu.LoopParallelism.Trip(start, bound, step, cmp);

        /// <summary>Launches a kernel over <paramref name="count"/> independent iterations: one block each (<paramref name="blockPerIteration"/>) or one thread each.</summary>
        public void Parallel(string kernel, long count, bool blockPerIteration)
        {
            if (count <= 0) return;
            int block = _device.ThreadsPerBlock;
            long grid = blockPerIteration ? count : (count + block - 1) / block;
            _device.Launch(_source, kernel, (int)Math.Min(grid, 65535), block, in _args);
        }

        /// <summary>Launches a fused tile kernel over <paramref name="count"/> iterations: one warp each, a block's warps sharing its tiles.</summary>
        public void Warps(string kernel, long count)
        {
            if (count <= 0) return;
            int block = _device.ThreadsPerBlock, warps = Math.Max(1, block / 32);
            long grid = (count + warps - 1) / warps;
            _device.Launch(_source, kernel, (int)Math.Min(grid, 65535), block, in _args);
        }

        /// <summary>Launches a kernel as one thread (statements that depend on each other).</summary>
        public void Serial(string kernel) => _device.Launch(_source, kernel, 1, 1, in _args);

        /// <summary>
        /// Raised contraction <c>c[i, j] = Σ_{d &lt; k} L(i, d)·R(j, d)</c>, L = transA ? aᵀ : a, R = transB ? bᵀ : b (as the CPU's
        /// Contraction.Product); a is aRows x aCols row-major, b likewise, c is fresh scratch.
        /// </summary>
        public void Contract<T>(ulong a, int aRows, int aCols, bool transA, ulong b, int bRows, int bCols, bool transB, int k, ulong c) where T : unmanaged
        {
            int m = transA ? aCols : aRows, n = transB ? bCols : bRows;
            CheckK(m, n, k, transA ? aRows : aCols, transB ? bRows : bCols);
            if (k <= 0 || m == 0 || n == 0)
            {
                _device.Clear(c, (long)m * n * Unsafe.SizeOf<T>()); // an empty sum (the table is not cleared per run)
                return;
            }
            Gemm<T>(transA, !transB, m, n, k, a, aCols, b, bCols, 0, c, n);
        }

        /// <summary>Reverse of <see cref="Contract{T}"/>: aAdj += c̄·R, bAdj += c̄ᵀ·L, then c̄ = 0 (as the CPU's Contraction.ProductAdjoint).</summary>
        public void ContractAdjoint<T>(ulong a, int aRows, int aCols, bool transA, ulong b, int bRows, int bCols, bool transB, int k, ulong cAdj, ulong aAdj, ulong bAdj) where T : unmanaged
        {
            int m = transA ? aCols : aRows, n = transB ? bCols : bRows;
            if (k > 0 && m > 0 && n > 0)
            {
                if (!transA) Gemm<T>(false, transB, m, k, n, cAdj, n, b, bCols, 1, aAdj, aCols);
                else Gemm<T>(!transB, true, k, m, n, b, bCols, cAdj, n, 1, aAdj, aCols);
                if (!transB) Gemm<T>(true, transA, n, k, m, cAdj, n, a, aCols, 1, bAdj, bCols);
                else Gemm<T>(!transA, false, k, n, m, a, aCols, cAdj, n, 1, bAdj, bCols);
            }
            _device.Clear(cAdj, (long)m * n * Unsafe.SizeOf<T>());
        }

        /// <summary>
        /// Tile fusion: rows <c>first .. first + count</c> of <c>A·B</c> (Bᵀ unless <paramref name="transB"/>) into the panel's
        /// rows 0 .. count (leading dimension: the table's columns). Rows outside A are left as they are (the CPU would
        /// have thrown for a read of them; the kernel's bounds check sees the panel, not A).
        /// </summary>
        public void Panel<T>(ulong a, int aRows, int aCols, ulong b, int bRows, int bCols, bool transB, int k, long first, int count, ulong panel) where T : unmanaged
        {
            long s = Math.Max(0, first), e = Math.Min(aRows, first + count);
            if (e <= s) return;
            int n = transB ? bCols : bRows, size = Unsafe.SizeOf<T>();
            Contract<T>(a + (ulong)(s * aCols * size), (int)(e - s), aCols, false, b, bRows, bCols, transB, k, panel + (ulong)((s - first) * n * size));
        }

        /// <summary>Reverse of <see cref="Panel{T}"/>: aAdj's rows first .. first + count and bAdj accumulate the panel's adjoint, which is then cleared.</summary>
        public void PanelAdjoint<T>(ulong a, int aRows, int aCols, ulong b, int bRows, int bCols, bool transB, int k, long first, int count, ulong panelAdj, ulong aAdj, ulong bAdj) where T : unmanaged
        {
            long s = Math.Max(0, first), e = Math.Min(aRows, first + count);
            int n = transB ? bCols : bRows, size = Unsafe.SizeOf<T>();
            if (e > s)
                ContractAdjoint<T>(a + (ulong)(s * aCols * size), (int)(e - s), aCols, false, b, bRows, bCols, transB, k,
                    panelAdj + (ulong)((s - first) * n * size), aAdj + (ulong)(s * aCols * size), bAdj);
            _device.Clear(panelAdj, (long)count * n * size);
        }

        private void Gemm<T>(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc)
        {
            if (typeof(T) == typeof(double)) _device.Gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            else if (typeof(T) == typeof(float)) _device.Gemm(transA, transB, m, n, k, a, lda, b, ldb, (float)beta, c, ldc);
            else throw new NotSupportedException(typeof(T).Name);
        }

        private static void CheckK(int m, int n, int k, int colsA, int colsB)
        {
            // The same failure as the loop this replaces (and as the CPU backend).
            if (m > 0 && n > 0 && (k > colsA || k > colsB))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but the rows have {Math.Min(colsA, colsB)} columns.");
        }

        /// <summary>
        /// Ends a run: waits for the device, downloads the slots and the control block. Throws what the device code
        /// reported (an index outside an array); returns false when the restore tape overflowed (it has been grown:
        /// run again).
        /// </summary>
        public unsafe bool End()
        {
            int* control = stackalloc int[ControlInts];
            _device.CopyToHost((nint)control, _control, 4L * ControlInts);
            fixed (double* p = _slots) _device.CopyToHost((nint)p, _slotBuffer, 8L * _slots.Length);
            if (control[KernelAbi.ControlError] != 0)
            {
                int slot = control[KernelAbi.ControlError] - 1;
                string name = slot >= 0 && slot < _names.Length ? _names[slot] ?? "an array" : "an array";
                throw new IndexOutOfRangeException($"Index was outside the bounds of the array '{name}' in the device code of {_method}.");
            }
            long high = (uint)control[KernelAbi.ControlHighWater];
            if (high <= _tapeCapacity) return true;
            long grown = Math.Max(high + high / 4, 2 * _tapeCapacity);
            if (grown > int.MaxValue) throw new InvalidOperationException($"The restore tape of {_method} needs {high} values, more than the device code supports.");
            s_tapeCapacity.AddOrUpdate(_method, grown, (_, old) => Math.Max(old, grown));
            Release(_tape, 8L * _tapeCapacity);
            _tapeCapacity = grown;
            _tape = Own(8L * grown);
            _args.Pointer(KernelAbi.TapePointer, _tape);
            _args.Int(KernelAbi.TapeCapacityInt, (int)grown);
            return false;
        }

        private ulong Own(long bytes)
        {
            bytes = Math.Max(16, bytes);
            ulong a = _device.Allocate(bytes);
            _owned.Add((a, bytes));
            return a;
        }

        private void Release(ulong address, long bytes)
        {
            _owned.Remove((address, Math.Max(16, bytes)));
            _device.Free(address, Math.Max(16, bytes));
        }

        /// <summary>Frees every scratch buffer.</summary>
        public void Dispose()
        {
            foreach (var (a, b) in _owned) _device.Free(a, b);
            _owned.Clear();
        }
    }
}
