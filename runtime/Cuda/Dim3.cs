using System;

namespace DiffGen.Cuda
{
    /// <summary>A grid or block size for a kernel launch (CUDA's dim3). An <see cref="int"/> converts to (x, 1, 1).</summary>
    internal readonly struct Dim3 : IEquatable<Dim3>
    {
        /// <summary>Creates a size; every component must be at least 1.</summary>
        public Dim3(uint x, uint y = 1, uint z = 1)
        {
            if (x == 0) throw new ArgumentOutOfRangeException(nameof(x), "A launch dimension must be at least 1.");
            if (y == 0) throw new ArgumentOutOfRangeException(nameof(y), "A launch dimension must be at least 1.");
            if (z == 0) throw new ArgumentOutOfRangeException(nameof(z), "A launch dimension must be at least 1.");
            X = x;
            Y = y;
            Z = z;
        }

        /// <summary>The x extent.</summary>
        public uint X { get; }

        /// <summary>The y extent.</summary>
        public uint Y { get; }

        /// <summary>The z extent.</summary>
        public uint Z { get; }

        /// <summary>A one-dimensional size.</summary>
        public static implicit operator Dim3(int x)
            => x >= 1 ? new Dim3((uint)x) : throw new ArgumentOutOfRangeException(nameof(x), "A launch dimension must be at least 1.");

        /// <summary>The number of blocks of <paramref name="blockSize"/> that cover <paramref name="count"/> items (at least 1).</summary>
        public static Dim3 Cover(long count, int blockSize)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
            long blocks = Math.Max(1, (count + blockSize - 1) / blockSize);
            return new Dim3((uint)Math.Min(blocks, int.MaxValue));
        }

        /// <inheritdoc/>
        public bool Equals(Dim3 other) => X == other.X && Y == other.Y && Z == other.Z;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Dim3 other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(X, Y, Z);

        /// <summary>"(x, y, z)".</summary>
        public override string ToString() => $"({X}, {Y}, {Z})";

        /// <summary>Component-wise equality.</summary>
        public static bool operator ==(Dim3 left, Dim3 right) => left.Equals(right);

        /// <summary>Component-wise inequality.</summary>
        public static bool operator !=(Dim3 left, Dim3 right) => !left.Equals(right);
    }
}
