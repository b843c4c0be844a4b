using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace DiffGen.Reverse
{
    /// <summary>
    /// What the generated entry points of a method with <c>Span&lt;T&gt;</c>/<c>ReadOnlySpan&lt;T&gt;</c> or
    /// <c>T[,,]</c> parameters use: the differentiated code works on arrays, so spans are copied into pooled
    /// <c>T[]</c> and arrays of rank 3 or more into pooled <c>T[d0, d1·d2·…]</c> (same element order), and results are
    /// copied back. Every check runs before anything is written, and a mismatch names the parameter.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class SurfaceArrays
    {
        /// <summary>A pooled copy of <paramref name="source"/> (give it back with <see cref="BufferPool{T}.Return(T[])"/>).</summary>
        public static T[] Rent<T>(ReadOnlySpan<T> source) where T : unmanaged
        {
            var a = BufferPool<T>.Rent(source.Length);
            source.CopyTo(a);
            return a;
        }

        /// <summary>A pooled copy of an <c>IReadOnlyList&lt;T&gt;</c> parameter (an array or a List&lt;T&gt; copied as a span, others element by element).</summary>
        public static T[] RentSequence<T>(System.Collections.Generic.IReadOnlyList<T> source) where T : unmanaged => source switch
        {
            T[] array => Rent<T>(array),
            System.Collections.Generic.List<T> list => Rent<T>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)),
            _ => Copy(source.Count, i => source[i]),
        };

        /// <summary>A pooled copy of an <c>IList&lt;T&gt;</c> parameter.</summary>
        public static T[] RentSequence<T>(System.Collections.Generic.IList<T> source) where T : unmanaged => source switch
        {
            T[] array => Rent<T>(array),
            System.Collections.Generic.List<T> list => Rent<T>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)),
            _ => Copy(source.Count, i => source[i]),
        };

        private static T[] Copy<T>(int count, Func<int, T> at) where T : unmanaged
        {
            var a = BufferPool<T>.Rent(count);
            for (int i = 0; i < count; i++) a[i] = at(i);
            return a;
        }

        /// <summary>Copies an output's values back into the caller's <c>IList&lt;T&gt;</c> (same length, checked before the call).</summary>
        public static void CopyBack<T>(T[] values, System.Collections.Generic.IList<T> target) where T : unmanaged
        {
            if (target is T[] array) { values.AsSpan(0, array.Length).CopyTo(array); return; }
            for (int i = 0; i < target.Count; i++) target[i] = values[i];
        }

        /// <summary>A pooled <c>int[]</c> holding 1 where <paramref name="mask"/> is true, 0 elsewhere (give it back to <see cref="BufferPool{T}"/>).</summary>
        public static int[] Mask(bool[] mask, string name)
        {
            Shapes.NotNull(mask, name);
            var a = BufferPool<int>.Rent(mask.Length);
            for (int i = 0; i < mask.Length; i++) a[i] = mask[i] ? 1 : 0;
            return a;
        }

        /// <summary>A pooled <c>int[]</c> holding 1 where the span <paramref name="mask"/> is true, 0 elsewhere (a <c>ReadOnlySpan&lt;bool&gt;</c> parameter).</summary>
        public static int[] Mask(ReadOnlySpan<bool> mask, string name)
        {
            _ = name; // a span is never null
            var a = BufferPool<int>.Rent(mask.Length);
            for (int i = 0; i < mask.Length; i++) a[i] = mask[i] ? 1 : 0;
            return a;
        }

        /// <summary>A pooled <c>int[,]</c> holding 1 where <paramref name="mask"/> is true, 0 elsewhere.</summary>
        public static int[,] Mask(bool[,] mask, string name)
        {
            Shapes.NotNull(mask, name);
            var a = BufferPool<int>.Rent(mask.GetLength(0), mask.GetLength(1));
            for (int i = 0; i < mask.GetLength(0); i++)
                for (int j = 0; j < mask.GetLength(1); j++) a[i, j] = mask[i, j] ? 1 : 0;
            return a;
        }

        /// <summary>A pooled <c>int[]</c> copy of a <c>long[]</c> parameter (timestamps, ids); a value outside int's range throws, naming it.</summary>
        public static int[] Narrow(long[] values, string name)
        {
            Shapes.NotNull(values, name);
            var a = BufferPool<int>.Rent(values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is < int.MinValue or > int.MaxValue) { BufferPool<int>.Return(a); ThrowNarrow(name, $"[{i}]", values[i]); }
                a[i] = (int)values[i];
            }
            return a;
        }

        /// <summary>A pooled <c>int[,]</c> copy of a <c>long[,]</c> parameter; a value outside int's range throws, naming it.</summary>
        public static int[,] Narrow(long[,] values, string name)
        {
            Shapes.NotNull(values, name);
            var a = BufferPool<int>.Rent(values.GetLength(0), values.GetLength(1));
            for (int i = 0; i < values.GetLength(0); i++)
                for (int j = 0; j < values.GetLength(1); j++)
                {
                    if (values[i, j] is < int.MinValue or > int.MaxValue) { BufferPool<int>.Return(a); ThrowNarrow(name, $"[{i}, {j}]", values[i, j]); }
                    a[i, j] = (int)values[i, j];
                }
            return a;
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void ThrowNarrow(string name, string at, long value) =>
            throw new ArgumentOutOfRangeException(name, value, $"'{name}{at}' is {value}, outside the range of int; DiffGen reads long[] parameters as int data (ids, counts, timestamps that fit in 32 bits).");

        /// <summary>A pooled <c>int[n, 2]</c> holding the pairs, one per row (index pairs such as graph edges or positive pairs).</summary>
        public static int[,] Rows((int, int)[] pairs, string name)
        {
            Shapes.NotNull(pairs, name);
            var a = BufferPool<int>.Rent(pairs.Length, 2);
            for (int k = 0; k < pairs.Length; k++) (a[k, 0], a[k, 1]) = pairs[k];
            return a;
        }

        /// <summary>A pooled <c>int[n, 3]</c> holding the triples, one per row (anchor, positive, negative).</summary>
        public static int[,] Rows((int, int, int)[] triples, string name)
        {
            Shapes.NotNull(triples, name);
            var a = BufferPool<int>.Rent(triples.Length, 3);
            for (int k = 0; k < triples.Length; k++) (a[k, 0], a[k, 1], a[k, 2]) = triples[k];
            return a;
        }

        /// <summary>A gradient span must have the length of the span it belongs to.</summary>
        public static void SameLength(int referenceLength, int length, string referenceName, string name)
        {
            if (length != referenceLength)
                throw new ArgumentException($"'{name}' has length {length} but '{referenceName}' has length {referenceLength}; the gradient buffer must have the same length.", name);
        }

        /// <summary>A gradient array of rank 3 or more must have the dimensions of the array it belongs to.</summary>
        public static void SameShape(Array reference, Array? buffer, string referenceName, string name)
        {
            Shapes.NotNull(buffer, name);
            bool same = buffer!.Rank == reference.Rank;
            for (int d = 0; same && d < reference.Rank; d++) same = buffer.GetLength(d) == reference.GetLength(d);
            if (!same)
                throw new ArgumentException($"'{name}' has shape {Describe(buffer)} but '{referenceName}' has shape {Describe(reference)}; the gradient buffer must have the same shape.", name);
        }

        private static string Describe(Array a)
        {
            var dims = new string[a.Rank];
            for (int d = 0; d < a.Rank; d++) dims[d] = a.GetLength(d).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return "[" + string.Join(", ", dims) + "]";
        }

        /// <summary>Columns of the flattened form of <paramref name="source"/>: d1·d2·….</summary>
        private static int Columns(Array source)
        {
            long cols = 1;
            for (int d = 1; d < source.Rank; d++) cols *= source.GetLength(d);
            return checked((int)cols);
        }

        /// <summary>A zeroed pooled <c>T[d0, d1·d2·…]</c> for an array shaped like <paramref name="shape"/>.</summary>
        public static T[,] RentFlat<T>(Array shape) where T : unmanaged => BufferPool<T>.Rent(shape.GetLength(0), Columns(shape));

        /// <summary>A pooled <c>T[d0, d1·d2·…]</c> holding <paramref name="source"/>'s elements in the same order.</summary>
        public static T[,] Flatten<T>(Array source) where T : unmanaged
        {
            var flat = BufferPool<T>.RentUninitialized(source.GetLength(0), Columns(source));
            Buffer.BlockCopy(source, 0, flat, 0, source.Length * Unsafe.SizeOf<T>());
            return flat;
        }

        // ---- stacks: T[][,] (or T[][,,]) of per-layer arrays, held as a T[L, R·C·…], row l array l's elements ----
        // Matrices (T[][,]) may differ in shape per layer (an MLP's nOut × nIn): each is laid out with the stride of the largest
        // column count, its rows padded with zeros, and the generated code reads each layer's own dimensions (StackLengths).
        // Arrays of rank 3 or more must all have one shape.

        /// <summary>The arrays of a stack held in a field or property (<c>double[][,] Weights</c>); a null one names the member.</summary>
        public static Array[] StackOf(Array[]? stack, string name) =>
            stack ?? throw new ArgumentNullException(name, $"'{name}' is null; the method reads its arrays.");

        /// <summary>The matrices of a <c>List&lt;double[,]&gt;</c> field or property (a new array of the same matrices, no copy of their
        /// elements); a null one names the member.</summary>
        public static Array[] StackOf(List<double[,]>? stack, string name) =>
            stack?.ToArray() ?? throw new ArgumentNullException(name, $"'{name}' is null; the method reads its arrays.");

        /// <inheritdoc cref="StackOf(List{double[,]}, string)"/>
        public static Array[] StackOf(List<float[,]>? stack, string name) =>
            stack?.ToArray() ?? throw new ArgumentNullException(name, $"'{name}' is null; the method reads its arrays.");

        // ---- arrays and lists of layer objects (Dense[] Layers, List<Block> Blocks): each member read from every element ----

        /// <summary>The number of objects in an array or list of layer objects; a null one names the member.</summary>
        public static int CountOf<T>(IReadOnlyList<T>? items, string name) =>
            items?.Count ?? throw new ArgumentNullException(name, $"'{name}' is null; the method reads its elements.");

        /// <summary>
        /// One member of every object of an array or list of layer objects (<c>Layers[l].W</c> for each l), in order: the stack, rows
        /// or values the method reads (the same arrays, no copy of their elements). A null list or element names the member.
        /// </summary>
        public static TValue[] Gather<T, TValue>(IReadOnlyList<T>? items, Func<T, TValue> member, string name)
        {
            if (items is null) throw new ArgumentNullException(name, $"'{name}' is null; the method reads its elements.");
            var values = new TValue[items.Count];
            for (int i = 0; i < values.Length; i++)
            {
                var item = items[i];
                if (item is null) throw new ArgumentNullException(name, $"'{name}[{i}]' is null; every element of '{name}' must be given.");
                values[i] = member(item);
            }
            return values;
        }

        /// <summary>
        /// The exact class of every object of an array or list of layer objects, as its index among <paramref name="types"/> (the
        /// classes the generated code inlines a called method for); a null element, or one of a class the build did not see,
        /// throws naming the element, before anything is written.
        /// </summary>
        public static int[] ClassIndices<T>(IReadOnlyList<T>? items, string name, string classes, ReadOnlySpan<Type> types) =>
            ClassIndices(items, static item => item, name, classes, types);

        /// <summary>As <see cref="ClassIndices{T}(IReadOnlyList{T}, string, string, ReadOnlySpan{Type})"/>, for an object each element holds (<c>Blocks[i].Act</c>).</summary>
        public static int[] ClassIndices<T, TObject>(IReadOnlyList<T>? items, Func<T, TObject> member, string name, string classes, ReadOnlySpan<Type> types)
        {
            if (items is null) throw new ArgumentNullException(name, $"'{name}' is null; the method reads its elements.");
            var indices = new int[items.Count];
            for (int i = 0; i < indices.Length; i++)
            {
                var item = items[i];
                if (item is null) throw new ArgumentNullException(name, $"'{name}[{i}]' is null; every element of '{name}' must be given.");
                indices[i] = Shapes.ClassIndex(member(item), $"{name}[{i}]", classes, types);
            }
            return indices;
        }

        /// <summary>The rows held in a <c>List&lt;T[]&gt;</c> field or property, as the jagged array the method reads (the same rows, no copy
        /// of their elements); a null one names the member.</summary>
        public static T[][] RowsOf<T>(List<T[]>? rows, string name) =>
            rows?.ToArray() ?? throw new ArgumentNullException(name, $"'{name}' is null; the method reads its rows.");

        /// <summary>The largest dimension <paramref name="dim"/> of a stack's arrays (0 for an empty stack, whose arrays have no shape).</summary>
        public static int StackLength(Array[] stack, int dim)
        {
            int most = 0;
            foreach (var a in stack)
                if (a is not null && a.Rank > dim && a.GetLength(dim) > most) most = a.GetLength(dim);
            return most;
        }

        /// <summary>Dimension <paramref name="dim"/> of each array of a stack; a missing array names the parameter and the entry.</summary>
        public static int[] StackLengths(Array[] stack, int dim, string name)
        {
            var lengths = new int[stack.Length];
            for (int l = 0; l < stack.Length; l++)
            {
                if (stack[l] is null) throw new ArgumentNullException(name, $"'{name}[{l}]' is null; every array of '{name}' must be given.");
                lengths[l] = stack[l].GetLength(dim);
            }
            return lengths;
        }

        /// <summary>
        /// Every array of a stack is there and has the first one's rank; arrays of rank 3 or more also its shape. A mismatch names the
        /// parameter and the entry.
        /// </summary>
        public static void CheckStack(Array[] stack, string name)
        {
            for (int l = 0; l < stack.Length; l++)
            {
                if (stack[l] is null) throw new ArgumentNullException(name, $"'{name}[{l}]' is null; every array of '{name}' must be given.");
                bool same = stack[l].Rank == stack[0].Rank;
                for (int d = 0; same && stack[0].Rank > 2 && d < stack[0].Rank; d++) same = stack[l].GetLength(d) == stack[0].GetLength(d);
                if (!same)
                    throw new ArgumentException($"'{name}[{l}]' has shape {Describe(stack[l])} but '{name}[0]' has shape {Describe(stack[0])}; "
                        + (stack[0].Rank > 2 ? $"the arrays of '{name}' must all have one shape (matrices, T[][,], may differ)." : $"the arrays of '{name}' must all have one rank."), name);
            }
        }

        /// <summary>A gradient stack must have as many arrays as the stack it belongs to, each of its shape.</summary>
        public static void SameStackShape(Array[] reference, Array[]? buffer, string referenceName, string name)
        {
            Shapes.NotNull(buffer, name);
            if (buffer!.Length != reference.Length)
                throw new ArgumentException($"'{name}' has {buffer.Length} arrays but '{referenceName}' has {reference.Length}; the gradient buffer must have the same shape.", name);
            for (int l = 0; l < reference.Length; l++) SameShape(reference[l], buffer[l], referenceName + "[" + l + "]", name + "[" + l + "]");
        }

        /// <summary>Elements of a row of the flattened form: the product of the largest dimensions.</summary>
        private static int StackColumns(Array[] stack)
        {
            if (stack.Length == 0 || stack[0] is null) return 0;
            long cols = 1;
            for (int d = 0; d < stack[0].Rank; d++) cols *= StackLength(stack, d);
            return checked((int)cols);
        }

        /// <summary>Is array l of the stack smaller than the largest (a padded row)?</summary>
        private static bool Padded(Array a, int cols) => a.Length != cols;

        /// <summary>A zeroed pooled <c>T[L, R·C·…]</c> for a stack shaped like <paramref name="shape"/>.</summary>
        public static T[,] RentFlatStack<T>(Array[] shape) where T : unmanaged => BufferPool<T>.Rent(shape.Length, StackColumns(shape));

        /// <summary>A pooled <c>T[L, R·C·…]</c> whose row l holds array l's elements (a smaller matrix's rows at the largest stride, zeros between).</summary>
        public static T[,] FlattenStack<T>(Array[] stack, string name) where T : unmanaged
        {
            CheckStack(stack, name);
            int cols = StackColumns(stack);
            bool ragged = false;
            foreach (var a in stack) ragged |= Padded(a, cols);
            var flat = ragged ? BufferPool<T>.Rent(stack.Length, cols) : BufferPool<T>.RentUninitialized(stack.Length, cols);
            int size = Unsafe.SizeOf<T>();
            int stride = stack.Length == 0 || stack[0].Rank != 2 ? 0 : StackLength(stack, 1);
            for (int l = 0; l < stack.Length; l++)
            {
                var a = stack[l];
                if (!Padded(a, cols)) { Buffer.BlockCopy(a, 0, flat, l * cols * size, cols * size); continue; }
                int rows = a.GetLength(0), c = a.GetLength(1);
                for (int r = 0; r < rows; r++) Buffer.BlockCopy(a, r * c * size, flat, (l * cols + r * stride) * size, c * size);
            }
            return flat;
        }

        /// <summary>Copies row l of the flattened form back into array l of <paramref name="target"/> (a smaller matrix from its padded rows).</summary>
        public static void CopyBackStack<T>(T[,] flat, Array[] target) where T : unmanaged
        {
            int cols = StackColumns(target);
            int size = Unsafe.SizeOf<T>();
            int stride = target.Length == 0 || target[0].Rank != 2 ? 0 : StackLength(target, 1);
            for (int l = 0; l < target.Length; l++)
            {
                var a = target[l];
                if (!Padded(a, cols)) { Buffer.BlockCopy(flat, l * cols * size, a, 0, cols * size); continue; }
                int rows = a.GetLength(0), c = a.GetLength(1);
                for (int r = 0; r < rows; r++) Buffer.BlockCopy(flat, (l * cols + r * stride) * size, a, r * c * size, c * size);
            }
        }

        // ---- jagged stacks: T[][][] (w[l][o][i], per-layer weights as jagged rows), held like a stack of matrices ----

        /// <summary>The largest dimension <paramref name="dim"/> (0: rows, 1: row length) of a jagged stack's layers (0 when there are none).</summary>
        public static int JaggedStackLength<T>(T[][][] stack, int dim)
        {
            int most = 0;
            foreach (var layer in stack)
            {
                if (layer is null) continue;
                int n = dim == 0 ? layer.Length : layer.Length == 0 || layer[0] is null ? 0 : layer[0].Length;
                if (n > most) most = n;
            }
            return most;
        }

        /// <summary>
        /// Dimension <paramref name="dim"/> of each layer of a jagged stack, after checking it: every layer and row is there, and the
        /// rows of a layer have one length (a mismatch names the parameter and the entry).
        /// </summary>
        public static int[] JaggedStackLengths<T>(T[][][] stack, int dim, string name)
        {
            CheckJaggedStack(stack, name);
            var lengths = new int[stack.Length];
            for (int l = 0; l < stack.Length; l++) lengths[l] = dim == 0 ? stack[l].Length : stack[l].Length == 0 ? 0 : stack[l][0].Length;
            return lengths;
        }

        /// <summary>Every layer and row of a jagged stack is there, and each layer's rows have one length.</summary>
        public static void CheckJaggedStack<T>(T[][][] stack, string name)
        {
            for (int l = 0; l < stack.Length; l++)
            {
                if (stack[l] is null) throw new ArgumentNullException(name, $"'{name}[{l}]' is null; every layer of '{name}' must be given.");
                for (int r = 0; r < stack[l].Length; r++)
                {
                    if (stack[l][r] is null) throw new ArgumentNullException(name, $"'{name}[{l}][{r}]' is null; every row of '{name}' must be given.");
                    if (stack[l][r].Length != stack[l][0].Length)
                        throw new ArgumentException($"'{name}[{l}][{r}]' has {stack[l][r].Length} elements but '{name}[{l}][0]' has {stack[l][0].Length}; the rows of each layer of '{name}' must have one length (a matrix).", name);
                }
            }
        }

        /// <summary>A gradient of a jagged stack has its shape: as many layers, rows and elements.</summary>
        public static void SameJaggedStackShape<T>(T[][][] reference, T[][][]? buffer, string referenceName, string name)
        {
            Shapes.NotNull(buffer, name);
            if (buffer!.Length != reference.Length)
                throw new ArgumentException($"'{name}' has {buffer.Length} layers but '{referenceName}' has {reference.Length}; the gradient buffer must have the same shape.", name);
            for (int l = 0; l < reference.Length; l++)
            {
                if (buffer[l] is null || buffer[l].Length != reference[l].Length)
                    throw new ArgumentException($"'{name}[{l}]' must have {reference[l].Length} rows, as '{referenceName}[{l}]' has.", name);
                for (int r = 0; r < reference[l].Length; r++)
                    if (buffer[l][r] is null || buffer[l][r].Length != reference[l][r].Length)
                        throw new ArgumentException($"'{name}[{l}][{r}]' must have {reference[l][r].Length} elements, as '{referenceName}[{l}][{r}]' has.", name);
            }
        }

        /// <summary>A zeroed pooled <c>T[L, R·C]</c> for a jagged stack shaped like <paramref name="shape"/>.</summary>
        public static T[,] RentFlatJaggedStack<T>(T[][][] shape) where T : unmanaged =>
            BufferPool<T>.Rent(shape.Length, checked(JaggedStackLength(shape, 0) * JaggedStackLength(shape, 1)));

        /// <summary>A pooled <c>T[L, R·C]</c> whose row l holds layer l's rows at stride C (the largest row length), zeros between.</summary>
        public static T[,] FlattenJaggedStack<T>(T[][][] stack, string name) where T : unmanaged
        {
            CheckJaggedStack(stack, name);
            int stride = JaggedStackLength(stack, 1);
            var flat = BufferPool<T>.Rent(stack.Length, checked(JaggedStackLength(stack, 0) * stride));
            for (int l = 0; l < stack.Length; l++)
                for (int r = 0; r < stack[l].Length; r++)
                {
                    var row = stack[l][r];
                    for (int c = 0; c < row.Length; c++) flat[l, r * stride + c] = row[c];
                }
            return flat;
        }

        /// <summary>Copies row l of the flattened form back into layer l of <paramref name="target"/>.</summary>
        public static void CopyBackJaggedStack<T>(T[,] flat, T[][][] target) where T : unmanaged
        {
            int stride = JaggedStackLength(target, 1);
            for (int l = 0; l < target.Length; l++)
                for (int r = 0; r < target[l].Length; r++)
                {
                    var row = target[l][r];
                    for (int c = 0; c < row.Length; c++) row[c] = flat[l, r * stride + c];
                }
        }

        /// <summary>Copies the flattened form back into <paramref name="target"/> (same element order).</summary>
        public static void CopyBack<T>(T[,] flat, Array target) where T : unmanaged =>
            Buffer.BlockCopy(flat, 0, target, 0, target.Length * Unsafe.SizeOf<T>());
    }
}
