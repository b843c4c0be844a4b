using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using DiffGen.Cpu;
using DiffGen.Reverse;

namespace DiffGen.Kernels
{
    /// <summary>
    /// A block of rows of a raised contraction's table <c>T[i, j] = Σ_{d &lt; k} L(i, d) · R(j, d)</c>
    /// (<c>L(i, d) = transA ? a[d, i] : a[i, d]</c>, <c>R(j, d) = transB ? b[d, j] : b[j, d]</c>), computed by one GEMM
    /// when a tiled loop reaches a row it does not hold: generated code never stores the whole table (Schedule's tile
    /// fusion). With adjoint buffers the panel also holds <c>T̄</c> for its rows and, when the block changes and at
    /// <see cref="Finish"/>, adds <c>L̄ += T̄·R</c> and <c>R̄ += T̄ᵀ·L</c> for them (two GEMMs): the contraction's adjoint,
    /// block by block. Memory: rows-per-block × cols elements (twice with adjoints), from <see cref="BufferPool{T}"/>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class TilePanel<T> where T : unmanaged, INumber<T>
    {
        private T[,] _a = null!, _b = null!;
        private T[,]? _aAdj, _bAdj;
        private bool _transA, _transB, _descending;
        private int _k, _rows, _cols, _block;
        private int _lo, _hi;

        // Finished panels are kept per thread, so a training loop allocates nothing per call (like BufferPool).
        [ThreadStatic] private static Stack<TilePanel<T>>? s_free;

        /// <summary>The block's values: row <c>r</c> holds table row <c>Lo + r</c>.</summary>
        public T[,] Values { get; private set; } = null!;

        /// <summary>The block's adjoint (null without adjoint buffers): generated code adds into it.</summary>
        public T[,]? Adjoint { get; private set; }

        private TilePanel() { }

        private void Init(T[,] a, bool transA, T[,] b, bool transB, int k, bool descending, T[,]? aAdj, T[,]? bAdj)
        {
            _a = a; _b = b; _transA = transA; _transB = transB; _k = k; _descending = descending; _aAdj = aAdj; _bAdj = bAdj;
            _lo = _hi = 0;
            _rows = a.GetLength(transA ? 1 : 0);
            _cols = b.GetLength(transB ? 1 : 0);
            // The loop this replaces indexed a and b for d < k: same failure, same exception.
            if (_rows > 0 && _cols > 0 && (k > a.GetLength(transA ? 0 : 1) || k > b.GetLength(transB ? 0 : 1)))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but its factors have fewer entries along d.");
            _block = Math.Max(1, Math.Min(Tiling.RowsPerBlock(_cols, Unsafe.SizeOf<T>()), Math.Max(_rows, 1)));
            Values = BufferPool<T>.RentUninitialized(_block, _cols);
            Adjoint = aAdj is null ? null : BufferPool<T>.Rent(_block, _cols);
        }

        /// <summary>A panel over the table of a·b (see the class); <paramref name="descending"/>: the loop visits rows downwards.</summary>
        public static TilePanel<T> Rent(T[,] a, bool transA, T[,] b, bool transB, int k, bool descending, T[,]? aAdj = null, T[,]? bAdj = null)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            if ((aAdj is null) != (bAdj is null)) throw new ArgumentException("Both adjoint buffers or neither.", nameof(bAdj));
            var p = s_free is { Count: > 0 } free ? free.Pop() : new TilePanel<T>();
            p.Init(a, transA, b, transB, k, descending, aAdj, bAdj);
            return p;
        }

        /// <summary>Makes the panel hold table row <paramref name="row"/> and returns the first row it holds.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Ensure(int row)
        {
            if (row >= _lo && row < _hi) return _lo;
            Load(row);
            return _lo;
        }

        private void Load(int row)
        {
            if ((uint)row >= (uint)_rows)
                throw new IndexOutOfRangeException($"Row {row} of a contraction table with {_rows} rows.");
            Flush();
            int lo = _descending ? Math.Max(0, row - _block + 1) : row;
            int hi = Math.Min(_rows, lo + _block);
            int m = hi - lo;
            _lo = lo;
            _hi = hi;
            if (_k <= 0) { Array.Clear(Values); return; }
            // Values[0..m) = L[lo..hi) · R^T
            Mul(_transA, !_transB, m, _cols, _k, Span(_a).Slice(LOffset(lo)), _a.GetLength(1), Span(_b), _b.GetLength(1), T.Zero, Span(Values), _cols);
        }

        private int LOffset(int row) => _transA ? row : row * _a.GetLength(1);

        /// <summary>Adds the held block's adjoint into the factors' adjoints and clears it.</summary>
        private void Flush()
        {
            if (Adjoint is null || _hi <= _lo) return;
            int m = _hi - _lo;
            if (_k > 0)
            {
                int lda = _a.GetLength(1), ldb = _b.GetLength(1);
                var cAdj = Span(Adjoint);
                var aRows = Span(_a).Slice(LOffset(_lo));
                var aAdjRows = Span(_aAdj!).Slice(LOffset(_lo));
                // L̄[lo..hi) += T̄·R   (as Contraction.ProductAdjoint, restricted to the block's rows)
                if (!_transA) Mul(false, _transB, m, _k, _cols, cAdj, _cols, Span(_b), ldb, T.One, aAdjRows, lda);
                else Mul(!_transB, true, _k, m, _cols, Span(_b), ldb, cAdj, _cols, T.One, aAdjRows, lda);
                // R̄ += T̄ᵀ·L[lo..hi)
                if (!_transB) Mul(true, _transA, _cols, _k, m, cAdj, _cols, aRows, lda, T.One, Span(_bAdj!), ldb);
                else Mul(!_transA, false, _k, _cols, m, aRows, lda, cAdj, _cols, T.One, Span(_bAdj!), ldb);
            }
            Span(Adjoint).Slice(0, m * _cols).Clear();
            _hi = _lo;
        }

        /// <summary>Flushes the last block's adjoint and gives the buffers back to the pool.</summary>
        public void Finish()
        {
            Flush();
            BufferPool<T>.Return(Values);
            BufferPool<T>.Return(Adjoint);
            Values = null!;
            Adjoint = null;
            _a = _b = null!;
            _aAdj = _bAdj = null;
            var free = s_free ??= new Stack<TilePanel<T>>();
            if (free.Count < 8) free.Push(this);
        }

        /// <summary>One table entry <c>Σ_{d &lt; k} L(row, d) · R(col, d)</c>, without the table.</summary>
        public static T Entry(T[,] a, bool transA, T[,] b, bool transB, int k, int row, int col)
        {
            T s = T.Zero;
            for (int d = 0; d < k; d++)
                s += (transA ? a[d, row] : a[row, d]) * (transB ? b[d, col] : b[col, d]);
            return s;
        }

        /// <summary>Adjoint of <see cref="Entry"/>: <c>L̄(row, :) += v · R(col, :)</c>, <c>R̄(col, :) += v · L(row, :)</c>.</summary>
        public static void EntryAdjoint(T[,] a, bool transA, T[,] b, bool transB, int k, int row, int col, T v, T[,] aAdj, T[,] bAdj)
        {
            if (v == T.Zero) return;
            for (int d = 0; d < k; d++)
            {
                T l = transA ? a[d, row] : a[row, d];
                T r = transB ? b[d, col] : b[col, d];
                if (transA) aAdj[d, row] += v * r; else aAdj[row, d] += v * r;
                if (transB) bAdj[d, col] += v * l; else bAdj[col, d] += v * l;
            }
        }

        private static void Mul(bool transA, bool transB, int m, int n, int k, Span<T> a, int lda, Span<T> b, int ldb, T beta, Span<T> c, int ldc) =>
            Contraction.Mul(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);

        private static Span<T> Span(T[,] array) => Contraction.Span(array);
    }
}
