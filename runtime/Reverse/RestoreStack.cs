using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace DiffGen.Reverse
{
    /// <summary>
    /// The values a generated backward pass must restore: the forward sweep pushes a value just before it
    /// overwrites it (only where the reverse sweep will read it again), the reverse sweep pops it back.
    /// One buffer per element type, rented from <see cref="ArrayPool{T}"/> and reused across calls, so a
    /// steady-state training loop allocates nothing here. Not a per-operation tape: only overwritten values
    /// that an adjoint needs are stored (the generator's to-be-recorded analysis decides which).
    /// </summary>
    /// <typeparam name="T">float, double or bool.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class RestoreStack<T> where T : unmanaged
    {
        [ThreadStatic] private static RestoreStack<T>? s_free;

        private T[] _items;
        private int _count;
        private RestoreStack<T>? _nextFree;

        private RestoreStack() => _items = ArrayPool<T>.Shared.Rent(256);

        /// <summary>Takes a stack from this thread's free list (re-entrant: nested backward calls get their own).</summary>
        public static RestoreStack<T> Rent()
        {
            var s = s_free;
            if (s is null) return new RestoreStack<T>();
            s_free = s._nextFree;
            s._nextFree = null;
            return s;
        }

        /// <summary>Gives the stack back to this thread's free list, empty.</summary>
        public void Return()
        {
            _count = 0;
            _nextFree = s_free;
            s_free = this;
        }

        /// <summary>Number of values currently stored.</summary>
        public int Count => _count;

        /// <summary>Stores one value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(T value)
        {
            if (_count == _items.Length) Grow(1);
            _items[_count++] = value;
        }

        /// <summary>Takes back the value stored last.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Pop()
        {
            if (_count == 0) throw new InvalidOperationException("DiffGen restore stack underflow: the generated backward pass is inconsistent; please report this as a bug.");
            return _items[--_count];
        }

        /// <summary>
        /// The stack's buffer: slots [0, <see cref="Count"/>) hold the stored values. Valid until the next store that
        /// grows it (generated loops read it right after <see cref="PushBlock"/> or <see cref="PopBlock"/>).
        /// </summary>
        public T[] Items => _items;

        /// <summary>Reserves <paramref name="count"/> slots (none when negative) for a loop that stores one value per
        /// iteration; returns the first. The loop writes <see cref="Items"/>[first + t] in place of its t-th push.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int PushBlock(int count)
        {
            if (count < 0) count = 0;
            if (_count + count > _items.Length) Grow(count);
            int first = _count;
            _count += count;
            return first;
        }

        /// <summary>Takes back the <paramref name="count"/> values stored last (none when negative); returns the slot of
        /// the oldest. The pop loop mirroring a <see cref="PushBlock"/> loop reads the same slots.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int PopBlock(int count)
        {
            if (count < 0) count = 0;
            if (_count < count) throw new InvalidOperationException("DiffGen restore stack underflow: the generated backward pass is inconsistent; please report this as a bug.");
            _count -= count;
            return _count;
        }

        /// <summary>Stores every element of an array (a call overwrites the whole array).</summary>
        public void PushAll(Array array)
        {
            var span = AsSpan(array);
            if (_count + span.Length > _items.Length) Grow(span.Length);
            span.CopyTo(_items.AsSpan(_count));
            _count += span.Length;
        }

        /// <summary>Restores every element of an array stored by <see cref="PushAll"/>.</summary>
        public void PopAll(Array array)
        {
            var span = AsSpan(array);
            if (_count < span.Length) throw new InvalidOperationException("DiffGen restore stack underflow.");
            _count -= span.Length;
            _items.AsSpan(_count, span.Length).CopyTo(span);
        }

        private static Span<T> AsSpan(Array array)
        {
            if (array is T[] v) return v;
            if (array.Rank == 2 && array.GetType().GetElementType() == typeof(T))
                return System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
                    ref Unsafe.As<byte, T>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array)), array.Length);
            throw new ArgumentException($"Unsupported array type {array.GetType()} for a restore stack of {typeof(T)}.", nameof(array));
        }

        private void Grow(int extra)
        {
            var bigger = ArrayPool<T>.Shared.Rent(Math.Max(_items.Length * 2, _count + extra));
            _items.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<T>.Shared.Return(_items);
            _items = bigger;
        }
    }
}
