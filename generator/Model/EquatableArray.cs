using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace DiffGen.Generator.Model
{
    /// <summary>
    /// An immutable array with structural equality, so that models holding lists stay value-equatable
    /// and the incremental pipeline can cache them (ImmutableArray compares by reference).
    /// </summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
        where T : IEquatable<T>
    {
        public static readonly EquatableArray<T> Empty = new(ImmutableArray<T>.Empty);

        private readonly ImmutableArray<T> _items;

        public EquatableArray(ImmutableArray<T> items) => _items = items.IsDefault ? ImmutableArray<T>.Empty : items;
        public EquatableArray(IEnumerable<T> items) : this(items.ToImmutableArray()) { }

        public ImmutableArray<T> AsImmutableArray() => _items.IsDefault ? ImmutableArray<T>.Empty : _items;
        public int Count => AsImmutableArray().Length;
        public T this[int index] => AsImmutableArray()[index];

        public bool Equals(EquatableArray<T> other)
        {
            var a = AsImmutableArray();
            var b = other.AsImmutableArray();
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (!EqualityComparer<T>.Default.Equals(a[i], b[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> o && Equals(o);

        public override int GetHashCode()
        {
            unchecked
            {
                int h = 17;
                foreach (var item in AsImmutableArray()) h = h * 31 + (item?.GetHashCode() ?? 0);
                return h;
            }
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)AsImmutableArray()).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public static bool operator ==(EquatableArray<T> l, EquatableArray<T> r) => l.Equals(r);
        public static bool operator !=(EquatableArray<T> l, EquatableArray<T> r) => !l.Equals(r);
    }

    internal static class EquatableArray
    {
        public static EquatableArray<T> ToEquatable<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);
    }
}

namespace System.Runtime.CompilerServices
{
    // Polyfill so records compile for netstandard2.0.
    internal static class IsExternalInit { }
}
