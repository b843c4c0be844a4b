namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// The kernel argument ABI shared by the generator (which prints the CUDA struct and assigns the slots) and the
    /// runtime (which fills <see cref="KernelArgs"/> in <c>KernelFrame</c>). This one file is compiled into both
    /// assemblies (generator/DiffGen.Generator.csproj links it), so the layout is written once;
    /// tests/DiffGen.Generator.Tests/KernelAbiTests.cs checks the runtime struct and the generated CUDA against it.
    /// </summary>
    /// <remarks>
    /// Every generated kernel takes one <c>__dg_args</c> by value: <see cref="PointerSlots"/> 64-bit addresses, then
    /// <see cref="IntSlots"/> 32-bit ints. Reserved: p[<see cref="ScalarsPointer"/>] the scalar slots (double),
    /// p[<see cref="TapePointer"/>] the restore tape (double), p[<see cref="ControlPointer"/>] the control block
    /// (<see cref="ControlInts"/> ints), n[<see cref="TapeCapacityInt"/>] the tape's capacity in values, n[<see cref="FlagsInt"/>]
    /// the call's options (TF32 allowed). Arrays take
    /// address slots from <see cref="FirstArrayPointer"/> on; host ints and array dimensions take int slots from
    /// <see cref="FirstHostInt"/> on. An out-of-range index stores 1 + the array's address slot in
    /// control[<see cref="ControlError"/>].
    /// </remarks>
    internal static class KernelAbi
    {
        /// <summary>64-bit address slots (<c>p</c>).</summary>
        public const int PointerSlots = 48;

        /// <summary>32-bit int slots (<c>n</c>).</summary>
        public const int IntSlots = 96;

        /// <summary>Size in bytes of the struct (no padding: 8-byte slots first).</summary>
        public const int ByteSize = PointerSlots * 8 + IntSlots * 4;

        /// <summary>p[0]: the scalar slots, one double per float/double scalar of the method.</summary>
        public const int ScalarsPointer = 0;

        /// <summary>p[1]: the restore tape (double values).</summary>
        public const int TapePointer = 1;

        /// <summary>p[2]: the control block.</summary>
        public const int ControlPointer = 2;

        /// <summary>The first address slot of an array.</summary>
        public const int FirstArrayPointer = 3;

        /// <summary>The most arrays (parameters, locals, indexed tapes) one method's device code can pass.</summary>
        public const int MaxArrays = PointerSlots - FirstArrayPointer;

        /// <summary>n[0]: the restore tape's capacity in values.</summary>
        public const int TapeCapacityInt = 0;

        /// <summary>The first int slot of a host int or an array dimension.</summary>
        public const int FirstHostInt = 1;

        /// <summary>n[95], the last int slot: the device's options for this call (<see cref="FlagTf32"/>); host ints end before it.</summary>
        public const int FlagsInt = IntSlots - 1;

        /// <summary>Bit of <see cref="FlagsInt"/>: float tiles may use TF32 tensor cores (<c>IKernelDevice.AllowTf32</c>).</summary>
        public const int FlagTf32 = 1;

        /// <summary>Ints in the control block.</summary>
        public const int ControlInts = 4;

        /// <summary>control[0]: the restore tape's top.</summary>
        public const int ControlTapeTop = 0;

        /// <summary>control[1]: the tape's high-water mark (more than the capacity: the tape overflowed, run again).</summary>
        public const int ControlHighWater = 1;

        /// <summary>control[2]: 0, or 1 + the address slot of the array an index fell outside of.</summary>
        public const int ControlError = 2;

        /// <summary>The CUDA declaration of the argument block, as the generated prelude writes it.</summary>
        public static readonly string CudaStruct = "struct __dg_args { unsigned long long p[" + PointerSlots + "]; int n[" + IntSlots + "]; };";
    }
}
