using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace DiffGen.Reverse
{
    /// <summary>
    /// Per-thread pool of the local arrays generated code needs (the user's local arrays, their adjoints, raised
    /// tables), keyed by exact shape, so that a training loop calling Forward/Backward with the same shapes
    /// allocates nothing in steady state. Rented arrays are zeroed, like <c>new T[n]</c>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class BufferPool<T> where T : unmanaged
    {
        /// <summary>How many arrays of one shape a thread keeps.</summary>
        public const int PerShape = 4;

        [ThreadStatic] private static Dictionary<(int, int), Stack<T[,]>>? s_matrices;
        [ThreadStatic] private static Dictionary<int, Stack<T[]>>? s_vectors;

        /// <summary>A zeroed <c>T[rows, cols]</c>.</summary>
        public static T[,] Rent(int rows, int cols)
        {
            if (rows < 0 || cols < 0) return new T[rows, cols]; // throws the same OverflowException as new
            if (s_matrices is { } d && d.TryGetValue((rows, cols), out var stack) && stack.Count > 0)
            {
                var a = stack.Pop();
                Array.Clear(a);
                return a;
            }
            return new T[rows, cols];
        }

        /// <summary>
        /// A <c>T[rows, cols]</c> whose contents are unspecified: for tables a raised GEMM overwrites entirely (it does
        /// not read them), which saves clearing rows × cols elements per call.
        /// </summary>
        public static T[,] RentUninitialized(int rows, int cols)
        {
            if (rows < 0 || cols < 0) return new T[rows, cols];
            if (s_matrices is { } d && d.TryGetValue((rows, cols), out var stack) && stack.Count > 0) return stack.Pop();
            return new T[rows, cols];
        }

        /// <summary>Vectors shorter than this are kept in a per-thread table indexed by length, not in the dictionary.</summary>
        private const int SmallLength = 64;

        /// <summary>
        /// Small vectors by length: slots [length · PerShape, (length + 1) · PerShape), Counts[length] of them in use. A
        /// per-observation function (a 3-vector, a 2-D projection) rents and returns several per call, so the lookup
        /// must cost a few nanoseconds, not a dictionary probe.
        /// </summary>
        private sealed class SmallVectors
        {
            public readonly T[]?[] Slots = new T[]?[SmallLength * PerShape];
            public readonly int[] Counts = new int[SmallLength];
        }

        [ThreadStatic] private static SmallVectors? s_small;

        /// <summary>A zeroed <c>T[length]</c>.</summary>
        public static T[] Rent(int length)
        {
            var a = RentUninitialized(length);
            Array.Clear(a);
            return a;
        }

        /// <summary>A <c>T[length]</c> whose contents are unspecified (the caller overwrites all of it).</summary>
        public static T[] RentUninitialized(int length)
        {
            if (length < 0) return new T[length];
            if (length < SmallLength)
            {
                if (s_small is { } small && small.Counts[length] > 0)
                {
                    int slot = length * PerShape + --small.Counts[length];
                    var a = small.Slots[slot]!;
                    small.Slots[slot] = null;
                    return a;
                }
                return new T[length];
            }
            if (s_vectors is { } d && d.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
            return new T[length];
        }

        /// <summary>Gives an array back (null is ignored: the method may have failed before renting it).</summary>
        public static void Return(T[,]? array)
        {
            if (array is null) return;
            s_matrices ??= new Dictionary<(int, int), Stack<T[,]>>();
            var key = (array.GetLength(0), array.GetLength(1));
            if (!s_matrices.TryGetValue(key, out var stack)) s_matrices[key] = stack = new Stack<T[,]>();
            if (stack.Count < PerShape) stack.Push(array);
        }

        /// <summary>Gives an array back (null is ignored).</summary>
        public static void Return(T[]? array)
        {
            if (array is null) return;
            if (array.Length < SmallLength)
            {
                var small = s_small ??= new SmallVectors();
                int count = small.Counts[array.Length];
                if (count < PerShape)
                {
                    small.Slots[array.Length * PerShape + count] = array;
                    small.Counts[array.Length] = count + 1;
                }
                return;
            }
            s_vectors ??= new Dictionary<int, Stack<T[]>>();
            if (!s_vectors.TryGetValue(array.Length, out var stack)) s_vectors[array.Length] = stack = new Stack<T[]>();
            if (stack.Count < PerShape) stack.Push(array);
        }

        /// <summary>Drops this thread's cached arrays (for example after training, to release memory).</summary>
        public static void Trim()
        {
            s_matrices = null;
            s_vectors = null;
            s_small = null;
        }
    }
}
