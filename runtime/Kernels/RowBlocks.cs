using System;
using System.ComponentModel;
using System.Numerics;
using DiffGen.Cpu;
using DiffGen.Reverse;

namespace DiffGen.Kernels
{
    /// <summary>
    /// Support for generated code (Schedule's row-block fusion): a local table that a run of loops fills row by row and a
    /// contraction consumes (attention's probabilities before <c>p·v</c>) is held one block of rows at a time. The
    /// contraction's rows for the block come from one GEMM (<see cref="Product{T}"/>), its adjoint's share from two
    /// (<see cref="ProductAdjoint{T}"/>).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class RowBlocks
    {
        /// <summary>Rows per block for a table of <paramref name="rows"/> rows of <paramref name="cols"/> elements (at least 1).</summary>
        public static int Rows(long rows, long cols, int elementSize) =>
            (int)Math.Max(1, Math.Min(Tiling.RowsPerBlock(cols, elementSize), rows));

        private static long s_splitRuns;

        /// <summary>Row-block runs split over more than one worker so far in this process (diagnostics, tests).</summary>
        public static long SplitRuns => System.Threading.Interlocked.Read(ref s_splitRuns);

        /// <summary>
        /// Workers for the blocks of a <paramref name="rows"/> × <paramref name="cols"/> table that Schedule split over cores:
        /// 1 (run the blocks in order here) when one core is configured or the table is small (<see cref="LoopParallelism.MinWork"/>),
        /// else up to <see cref="Gemm.MaxDegreeOfParallelism"/>; <paramref name="rowsPerBlock"/> shrinks so that each worker has a
        /// block (the memory held, workers × rows per block × cols, stays within the sequential bound times the workers).
        /// </summary>
        public static int Workers(long rows, long cols, ref int rowsPerBlock)
        {
            int threads = LoopParallelism.Chunks(rows, rows * Math.Max(1, cols));
            if (threads <= 1 || rowsPerBlock < 1) return 1;
            long per = (rows + threads - 1) / threads;
            if (per < rowsPerBlock) rowsPerBlock = (int)Math.Max(1, per);
            int workers = (int)Math.Min(threads, Blocks(rows, rowsPerBlock));
            if (workers > 1) System.Threading.Interlocked.Increment(ref s_splitRuns);
            return workers;
        }

        /// <summary>Blocks of <paramref name="rowsPerBlock"/> rows that cover <paramref name="rows"/> rows (the last may be shorter).</summary>
        public static long Blocks(long rows, int rowsPerBlock) => rows <= 0 ? 0 : (rows + rowsPerBlock - 1) / rowsPerBlock;

        /// <summary>A zeroed <paramref name="rows"/> × <paramref name="cols"/> panel: <paramref name="held"/> when it has that shape, else a pooled one (held goes back to the pool).</summary>
        public static T[,] Panel<T>(T[,]? held, int rows, int cols) where T : unmanaged
        {
            if (held is not null && held.GetLength(0) == rows && held.GetLength(1) == cols)
            {
                Array.Clear(held);
                return held;
            }
            if (held is not null) BufferPool<T>.Return(held);
            return BufferPool<T>.Rent(rows, cols);
        }

        /// <summary>
        /// <c>c[lo + r, j] = Σ_{d &lt; k} panel[r, d] · R(j, d)</c> for <c>r &lt; m</c>, <c>R(j, d) = transB ? b[d, j] : b[j, d]</c>:
        /// rows lo .. lo + m of the contraction whose left factor's rows lo .. lo + m are the panel's first m rows.
        /// </summary>
        public static void Product<T>(T[,] panel, int m, T[,] b, bool transB, int k, T[,] c, int lo) where T : unmanaged, INumber<T>
        {
            ArgumentNullException.ThrowIfNull(panel);
            ArgumentNullException.ThrowIfNull(b);
            ArgumentNullException.ThrowIfNull(c);
            int n = b.GetLength(transB ? 1 : 0);
            Check(panel, m, b, transB, k, c, lo, n);
            if (m == 0 || n == 0) return;
            var rows = Contraction.Span(c).Slice(lo * n, m * n);
            if (k <= 0) { rows.Clear(); return; }
            Contraction.Mul(false, !transB, m, n, k, Contraction.Span(panel), panel.GetLength(1), Contraction.Span(b), b.GetLength(1), T.Zero, rows, n);
        }

        /// <summary>
        /// The share of rows lo .. lo + m of <see cref="Contraction.ProductAdjoint(double[,], bool, double[,], bool, int, double[,], double[,], double[,])"/>:
        /// <c>panelAdj[0..m) += c̄[lo..lo+m)·R</c>, <c>b̄ += c̄[lo..lo+m)ᵀ·panel[0..m)</c> (in b's layout), then those rows of c̄ = 0.
        /// </summary>
        public static void ProductAdjoint<T>(T[,] panel, int m, T[,] b, bool transB, int k, T[,] cAdj, int lo, T[,] panelAdj, T[,] bAdj) where T : unmanaged, INumber<T>
        {
            ArgumentNullException.ThrowIfNull(panel);
            ArgumentNullException.ThrowIfNull(b);
            ArgumentNullException.ThrowIfNull(cAdj);
            ArgumentNullException.ThrowIfNull(panelAdj);
            ArgumentNullException.ThrowIfNull(bAdj);
            int n = b.GetLength(transB ? 1 : 0);
            Check(panel, m, b, transB, k, cAdj, lo, n);
            if (m == 0 || n == 0) return;
            var rows = Contraction.Span(cAdj).Slice(lo * n, m * n);
            if (k > 0)
            {
                int lda = panel.GetLength(1), ldb = b.GetLength(1);
                // P̄ (m x k) += c̄·R, R = transB ? b[:k, :]ᵀ : b[:, :k]
                Contraction.Mul(false, transB, m, k, n, rows, n, Contraction.Span(b), ldb, T.One, Contraction.Span(panelAdj), panelAdj.GetLength(1));
                // R̄ += c̄ᵀ·P
                if (!transB) Contraction.Mul(true, false, n, k, m, rows, n, Contraction.Span(panel), lda, T.One, Contraction.Span(bAdj), ldb);
                else Contraction.Mul(true, false, k, n, m, Contraction.Span(panel), lda, rows, n, T.One, Contraction.Span(bAdj), ldb);
            }
            rows.Clear();
        }

        private static void Check<T>(T[,] panel, int m, T[,] b, bool transB, int k, T[,] c, int lo, int n)
        {
            if (m < 0 || m > panel.GetLength(0)) throw new ArgumentOutOfRangeException(nameof(m), m, $"A block of {m} rows does not fit a panel of {panel.GetLength(0)} rows.");
            if (lo < 0 || lo + m > c.GetLength(0)) throw new ArgumentOutOfRangeException(nameof(lo), lo, $"Rows {lo} .. {lo + m} are outside the contraction's {c.GetLength(0)} rows.");
            if (c.GetLength(1) != n) throw new ArgumentException($"The contraction table has {c.GetLength(1)} columns but must have {n}.", nameof(c));
            // The loop this replaces indexed the factors for d < k: same failure, same exception.
            if (m > 0 && n > 0 && (k > panel.GetLength(1) || k > b.GetLength(transB ? 0 : 1)))
                throw new IndexOutOfRangeException($"A raised contraction sums over d < {k}, but its factors have fewer entries along d.");
        }
    }
}
