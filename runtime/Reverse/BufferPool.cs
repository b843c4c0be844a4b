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

        /// <summary>A zeroed <c>T[length]</c>.</summary>
        public static T[] Rent(int length)
        {
            if (length < 0) return new T[length];
            if (s_vectors is { } d && d.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                var a = stack.Pop();
                Array.Clear(a);
                return a;
            }
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
            s_vectors ??= new Dictionary<int, Stack<T[]>>();
            if (!s_vectors.TryGetValue(array.Length, out var stack)) s_vectors[array.Length] = stack = new Stack<T[]>();
            if (stack.Count < PerShape) stack.Push(array);
        }

        /// <summary>Drops this thread's cached arrays (for example after training, to release memory).</summary>
        public static void Trim()
        {
            s_matrices = null;
            s_vectors = null;
        }
    }
}
