using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace DiffGen.Reverse
{
    /// <summary>
    /// Entry checks of generated Forward/Backward methods: every buffer is checked before anything is
    /// written, and a mismatch names the parameter.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Shapes
    {
        /// <summary>Throws <see cref="ArgumentNullException"/> when <paramref name="value"/> is null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void NotNull(object? value, string name)
        {
            if (value is null) ThrowNull(name);
        }

        // The throws live in methods of their own so that the checks inline: per-observation code (a reprojection,
        // a cell) calls Forward/Backward millions of times, and the checks were a tenth of such a call.
        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        // (.NET's own message, "Value cannot be null. (Parameter 'x')": the one ArgumentNullException.ThrowIfNull(x) gives, so a
        // method that checks its arguments that way throws the same exception from its generated entry points)
        private static void ThrowNull(string name) => throw new ArgumentNullException(name);

        /// <summary>
        /// The class of an object a method calls through an interface or a base class ('Act.Apply(z)' with
        /// 'IActivation Act'): the position of its exact class among the classes the generated code inlined. A null object,
        /// or one of a class the build did not see (another assembly's, or a subclass that may override the method again),
        /// throws here, before anything is written.
        /// </summary>
        /// <param name="value">the object.</param>
        /// <param name="name">the member that holds it.</param>
        /// <param name="classes">the classes compiled for, comma separated (for the message).</param>
        /// <param name="types">those classes (a collection expression: no allocation).</param>
        public static int ClassIndex(object? value, string name, string classes, ReadOnlySpan<Type> types)
        {
            if (value is null) ThrowNull(name);
            var type = value!.GetType();
            for (int i = 0; i < types.Length; i++)
                if (types[i] == type) return i;
            ThrowUnknownClass(value, name, classes);
            return -1;
        }

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowUnknownClass(object value, string name, string classes) =>
            throw new ArgumentException($"'{name}' holds an object of class '{value.GetType().FullName}', but the generated code inlines the method it calls "
                + $"for the classes {classes} only, the ones this compilation declares: a class of another assembly, or a subclass of one of them "
                + "that may override the method again, was not seen when the code was generated. Add the class to this project, or call the "
                + "method on an object of one of those classes.", name);

        /// <summary>
        /// A buffer the call writes (an output or a gradient buffer) must not be another of its array arguments: the
        /// generated code clears gradient buffers first and reads inputs after outputs are written, so an alias would
        /// silently corrupt the result.
        /// </summary>
        /// <param name="written">the buffer the call writes.</param>
        /// <param name="writtenName">its parameter name.</param>
        /// <param name="others">the other array arguments of the same type (a stack-allocated span: no allocation).</param>
        /// <param name="otherNames">their parameter names, comma separated, in the same order.</param>
        public static void NotAliased(object? written, string writtenName, ReadOnlySpan<object?> others, string otherNames)
        {
            // An empty array holds nothing to corrupt (Array.Empty<T>() is one shared instance).
            if (written is null) return;
            for (int i = 0; i < others.Length; i++)
                if (ReferenceEquals(written, others[i]) && written is not Array { Length: 0 }) ThrowAliased(writtenName, otherNames, i);
        }

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowAliased(string writtenName, string otherNames, int i)
        {
            string otherName = otherNames.Split(", ")[i];
            throw new ArgumentException($"'{writtenName}' and '{otherName}' are the same array; the call writes '{writtenName}', so pass a separate array for each.", writtenName);
        }

        /// <summary>
        /// The rows of a jagged array the call writes must be distinct arrays, and none may be a row of another jagged
        /// argument: iterations that own row i write it (on several cores at once when the loop is split), and a shared
        /// row would be written by two of them.
        /// </summary>
        /// <param name="written">the jagged array the call writes.</param>
        /// <param name="writtenName">its parameter name.</param>
        /// <param name="others">the other jagged arguments of the same type.</param>
        /// <param name="otherNames">their parameter names, comma separated, in the same order.</param>
        public static void RowsNotAliased<T>(T[][]? written, string writtenName, ReadOnlySpan<T[][]?> others, string otherNames)
        {
            if (written is null || written.Length == 0) return;
            var seen = new Dictionary<T[], int>(written.Length, ReferenceEqualityComparer.Instance);
            for (int i = 0; i < written.Length; i++)
            {
                var row = written[i];
                if (row is null || row.Length == 0) continue;
                if (!seen.TryAdd(row, i))
                    throw new ArgumentException($"'{writtenName}[{seen[row]}]' and '{writtenName}[{i}]' are the same array; the call writes the rows of '{writtenName}', so each row must be a separate array.", writtenName);
            }
            for (int k = 0; k < others.Length; k++)
            {
                var other = others[k];
                if (other is null) continue;
                for (int j = 0; j < other.Length; j++)
                    if (other[j] is { Length: > 0 } r && seen.TryGetValue(r, out int i))
                        throw new ArgumentException($"'{writtenName}[{i}]' and '{otherNames.Split(", ")[k]}[{j}]' are the same array; the call writes the rows of '{writtenName}', so pass separate arrays.", writtenName);
            }
        }

        /// <summary>A gradient buffer must have the length of the array it belongs to.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SameShape<T, U>(T[] reference, U[]? buffer, string referenceName, string name)
        {
            NotNull(buffer, name);
            if (buffer!.Length != reference.Length) ThrowLength(reference.Length, buffer.Length, referenceName, name);
        }

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowLength(int expected, int actual, string referenceName, string name) =>
            throw new ArgumentException($"'{name}' has length {actual} but '{referenceName}' has length {expected}; the gradient buffer must have the same shape.", name);

        /// <summary>A gradient buffer must have the dimensions of the 2-D array it belongs to.</summary>
        public static void SameShape<T, U>(T[,] reference, U[,]? buffer, string referenceName, string name)
        {
            NotNull(buffer, name);
            if (buffer!.GetLength(0) != reference.GetLength(0) || buffer.GetLength(1) != reference.GetLength(1))
                throw new ArgumentException($"'{name}' has shape [{buffer.GetLength(0)}, {buffer.GetLength(1)}] but '{referenceName}' has shape [{reference.GetLength(0)}, {reference.GetLength(1)}]; the gradient buffer must have the same shape.", name);
        }

        /// <summary>A jagged gradient buffer must have the same row count and row lengths (rows caller-allocated).</summary>
        public static void SameShape<T, U>(T[][] reference, U[][]? buffer, string referenceName, string name)
        {
            NotNull(buffer, name);
            if (buffer!.Length != reference.Length)
                throw new ArgumentException($"'{name}' has {buffer.Length} rows but '{referenceName}' has {reference.Length}; the gradient buffer must have the same shape.", name);
            for (int i = 0; i < reference.Length; i++)
            {
                if (reference[i] is null) throw new ArgumentException($"'{referenceName}[{i}]' is null.", referenceName);
                if (buffer[i] is null) throw new ArgumentException($"'{name}[{i}]' is null; allocate every row of the gradient buffer.", name);
                if (buffer[i].Length != reference[i].Length)
                    throw new ArgumentException($"'{name}[{i}]' has length {buffer[i].Length} but '{referenceName}[{i}]' has length {reference[i].Length}.", name);
            }
        }

        /// <summary>Checks an input jagged array has no null rows.</summary>
        public static void RowsNotNull<T>(T[][] value, string name)
        {
            for (int i = 0; i < value.Length; i++)
                if (value[i] is null) throw new ArgumentException($"'{name}[{i}]' is null.", name);
        }

        /// <summary>
        /// A Jacobian buffer of a T[] input (generated <c>{M}Jacobian</c>): <paramref name="rows"/> rows, one per output element,
        /// each <paramref name="columns"/> long (the input's length), none of them another row or one of the call's arrays
        /// (<paramref name="arrays"/>, named by <paramref name="arrayNames"/>): rows are written one after another while the
        /// arrays are read.
        /// </summary>
        public static void JacobianRows<T>(T[][]? jacobian, int rows, int columns, string name, string inputName, ReadOnlySpan<object?> arrays, string arrayNames)
        {
            NotNull(jacobian, name);
            if (jacobian!.Length != rows)
                throw new ArgumentException($"'{name}' has {jacobian.Length} rows but the outputs have {rows} elements; the Jacobian has one row per output element.", name);
            // few rows (a residual called per observation): pairwise, allocating nothing; many: a set
            HashSet<object>? seen = rows > 16 ? new HashSet<object>(ReferenceEqualityComparer.Instance) : null;
            for (int r = 0; r < rows; r++)
            {
                var row = jacobian[r];
                if (row is null) throw new ArgumentException($"'{name}[{r}]' is null; allocate every row ('new double[{inputName}.Length]').", name);
                if (row.Length != columns)
                    throw new ArgumentException($"'{name}[{r}]' has length {row.Length} but '{inputName}' has length {columns}; each row holds the derivatives with respect to every element of '{inputName}'.", name);
                bool repeated = false;
                if (columns > 0 && seen is not null) repeated = !seen.Add(row);
                else if (columns > 0) for (int q = 0; q < r && !repeated; q++) repeated = ReferenceEquals(jacobian[q], row);
                if (repeated)
                    throw new ArgumentException($"'{name}[{r}]' is the same array as an earlier row; each row must be a separate array.", name);
                for (int k = 0; k < arrays.Length; k++)
                    if (columns > 0 && ReferenceEquals(row, arrays[k]))
                        throw new ArgumentException($"'{name}[{r}]' is the array passed as '{arrayNames.Split(", ")[k]}'; pass separate arrays for the Jacobian's rows.", name);
            }
        }

        /// <summary>The Jacobian buffer of a scalar input (generated <c>{M}Jacobian</c>): one entry per output element.</summary>
        public static void JacobianColumn<T>(T[]? jacobian, int rows, string name)
        {
            NotNull(jacobian, name);
            if (jacobian!.Length != rows)
                throw new ArgumentException($"'{name}' has length {jacobian.Length} but the outputs have {rows} elements; it holds one derivative per output element.", name);
        }

        /// <summary>Zeroes an adjoint array between two Jacobian rows; one not allocated yet (declared in a branch not taken) has nothing to zero.</summary>
        public static void ClearIfAllocated(Array? adjoint)
        {
            if (adjoint is not null) Array.Clear(adjoint);
        }

        /// <summary>Zeroes a gradient buffer (Backward overwrites, it does not accumulate).</summary>
        public static void Clear<T>(T[][] buffer)
        {
            for (int i = 0; i < buffer.Length; i++) Array.Clear(buffer[i]);
        }

        /// <summary>A new zeroed array of the same shape (adjoint of a local or scratch for an inactive argument).</summary>
        public static T[] Like<T>(T[] reference) => new T[reference.Length];
        /// <summary>A new zeroed 2-D array of the same shape.</summary>
        public static T[,] Like<T>(T[,] reference) => new T[reference.GetLength(0), reference.GetLength(1)];
        /// <summary>A new zeroed jagged array with the same row lengths.</summary>
        public static T[][] Like<T>(T[][] reference)
        {
            var r = new T[reference.Length][];
            for (int i = 0; i < r.Length; i++) r[i] = new T[reference[i].Length];
            return r;
        }

        /// <summary>A zeroed pooled array of the same length (give it back with <see cref="BufferPool{T}.Return(T[])"/>).</summary>
        public static T[] PooledLike<T>(T[] reference) where T : unmanaged => BufferPool<T>.Rent(reference.Length);
        /// <summary>A zeroed pooled 2-D array of the same shape.</summary>
        public static T[,] PooledLike<T>(T[,] reference) where T : unmanaged => BufferPool<T>.Rent(reference.GetLength(0), reference.GetLength(1));

        /// <summary>
        /// A buffer of <paramref name="like"/>'s shape for the adjoint of an input that is not differentiated and that the
        /// method never writes: the reverse sweep only adds to such an adjoint and never reads it, so its contents do not
        /// matter. One per thread and length (not cleared, not returned): a small function called per observation
        /// (a reprojection) would otherwise rent, clear and return one per call.
        /// </summary>
        public static T[] DiscardLike<T>(T[] like) where T : unmanaged
        {
            int n = like.Length;
            if (n >= DiscardSmall)
            {
                var big = DiscardBuffers<T>.Big;
                if (big is null || big.Length != n) DiscardBuffers<T>.Big = big = new T[n];
                return big;
            }
            var small = DiscardBuffers<T>.Small ??= new T[]?[DiscardSmall];
            return small[n] ??= new T[n];
        }

        /// <summary>The 2-D form of <see cref="DiscardLike{T}(T[])"/> (one per thread, replaced when the shape changes).</summary>
        public static T[,] DiscardLike<T>(T[,] like) where T : unmanaged
        {
            int r = like.GetLength(0), c = like.GetLength(1);
            var m = DiscardBuffers<T>.Matrix;
            if (m is null || m.GetLength(0) != r || m.GetLength(1) != c) DiscardBuffers<T>.Matrix = m = new T[r, c];
            return m;
        }

        private const int DiscardSmall = 64;

        private static class DiscardBuffers<T> where T : unmanaged
        {
            [ThreadStatic] public static T[]?[]? Small;
            [ThreadStatic] public static T[]? Big;
            [ThreadStatic] public static T[,]? Matrix;
        }

        /// <summary>A pooled copy (give it back with <see cref="BufferPool{T}.Return(T[])"/>).</summary>
        public static T[] PooledCopy<T>(T[] source) where T : unmanaged
        {
            var copy = BufferPool<T>.RentUninitialized(source.Length);
            source.AsSpan().CopyTo(copy);
            return copy;
        }

        /// <summary>A pooled copy of a 2-D array.</summary>
        public static T[,] PooledCopy<T>(T[,] source) where T : unmanaged
        {
            var copy = BufferPool<T>.RentUninitialized(source.GetLength(0), source.GetLength(1));
            Array.Copy(source, copy, source.Length);
            return copy;
        }

        /// <summary>A copy (upstream gradients are consumed by the reverse sweep; the caller's buffer is not touched).</summary>
        public static T[] Copy<T>(T[] source) => (T[])source.Clone();
        /// <summary>A copy of a 2-D array.</summary>
        public static T[,] Copy<T>(T[,] source) => (T[,])source.Clone();
        /// <summary>A deep copy of a jagged array.</summary>
        public static T[][] Copy<T>(T[][] source)
        {
            var r = new T[source.Length][];
            for (int i = 0; i < r.Length; i++) r[i] = (T[])source[i].Clone();
            return r;
        }
    }
}
