using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// The one argument every generated kernel takes, by value: <c>struct __dg_args { unsigned long long p[48]; int n[96]; }</c>
    /// (the layout and its reserved slots are <c>KernelAbi</c>'s, shared with the generator). A method's kernels share
    /// one layout; one uniform signature keeps launches, the emulator and the generated code simple. Support type of
    /// <see cref="IKernelDevice.Launch"/>, not for user code.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public struct KernelArgs
    {
        /// <summary>Address slots.</summary>
        public const int PointerCount = KernelAbi.PointerSlots;

        /// <summary>Int slots.</summary>
        public const int IntCount = KernelAbi.IntSlots;

        /// <summary>Size in bytes of the CUDA struct.</summary>
        public const int ByteSize = KernelAbi.ByteSize;

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
    }
}
