using System;

namespace DiffGen.Reverse
{
    /// <summary>
    /// What a layer's Backward keeps of its outputs: the adjoint leaves output arrays as it found them (a caller's
    /// reverse sweep needs its state back), but Backward promises the forward results in them. The adjoint copies the
    /// outputs into pooled buffers after its forward sweep and puts them back after its reverse sweep, instead of the
    /// forward pass being run a second time. Called by generated code.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class KeptOutputs
    {
        /// <summary>A pooled copy of <paramref name="output"/>.</summary>
        public static T[] Keep<T>(T[] output) where T : unmanaged
        {
            var copy = BufferPool<T>.RentUninitialized(output.Length);
            output.AsSpan().CopyTo(copy);
            return copy;
        }

        /// <summary>A pooled copy of <paramref name="output"/>.</summary>
        public static T[,] Keep<T>(T[,] output) where T : unmanaged
        {
            var copy = BufferPool<T>.RentUninitialized(output.GetLength(0), output.GetLength(1));
            Array.Copy(output, copy, output.Length);
            return copy;
        }

        /// <summary>A copy of every row of <paramref name="output"/> (rows are pooled).</summary>
        public static T[][] Keep<T>(T[][] output) where T : unmanaged
        {
            var copy = new T[output.Length][];
            for (int i = 0; i < output.Length; i++) copy[i] = Keep(output[i]);
            return copy;
        }

        /// <summary>Copies <paramref name="kept"/> back into <paramref name="output"/> and returns it to the pool.</summary>
        public static void PutBack<T>(T[] output, T[] kept) where T : unmanaged
        {
            kept.AsSpan().CopyTo(output);
            BufferPool<T>.Return(kept);
        }

        /// <summary>Copies <paramref name="kept"/> back into <paramref name="output"/> and returns it to the pool.</summary>
        public static void PutBack<T>(T[,] output, T[,] kept) where T : unmanaged
        {
            Array.Copy(kept, output, kept.Length);
            BufferPool<T>.Return(kept);
        }

        /// <summary>Copies each kept row back into <paramref name="output"/>'s row and returns it to the pool.</summary>
        public static void PutBack<T>(T[][] output, T[][] kept) where T : unmanaged
        {
            for (int i = 0; i < output.Length; i++) PutBack(output[i], kept[i]);
        }
    }
}
