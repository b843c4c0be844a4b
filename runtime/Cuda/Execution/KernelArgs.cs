using System;
using System.Runtime.CompilerServices;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// The one argument every generated kernel takes, by value: <c>struct __dg_args { unsigned long long p[48]; int n[96]; }</c>.
    /// A method's kernels share one layout: p[0] the scalar slots (double), p[1] the restore tape, p[2] the control
    /// block (tape top, high-water mark, error code), then one address per array; n holds the host-side ints
    /// (sizes computed from lengths) and every array's dimensions. One uniform signature keeps launches, the
    /// emulator and the generated code simple.
    /// </summary>
    public struct KernelArgs
    {
        /// <summary>Address slots.</summary>
        public const int PointerCount = 48;

        /// <summary>Int slots.</summary>
        public const int IntCount = 96;

        /// <summary>Size in bytes of the CUDA struct.</summary>
        public const int ByteSize = PointerCount * 8 + IntCount * 4;

        private PointerBlock _p;
        private IntBlock _n;

        [InlineArray(PointerCount)]
        private struct PointerBlock { private ulong _e; }

        [InlineArray(IntCount)]
        private struct IntBlock { private int _e; }

        /// <summary>Sets address slot <paramref name="index"/>.</summary>
        public void Pointer(int index, ulong address)
        {
            if ((uint)index >= PointerCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"at most {PointerCount} address slots");
            _p[index] = address;
        }

        /// <summary>Sets int slot <paramref name="index"/>.</summary>
        public void Int(int index, int value)
        {
            if ((uint)index >= IntCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"at most {IntCount} int slots");
            _n[index] = value;
        }

        /// <summary>Reads address slot <paramref name="index"/>.</summary>
        public readonly ulong GetPointer(int index) => _p[index];

        /// <summary>Reads int slot <paramref name="index"/>.</summary>
        public readonly int GetInt(int index) => _n[index];
    }
}
