using System;
using System.ComponentModel;
using System.Threading.Tasks;

namespace DiffGen.Cpu
{
    /// <summary>One chunk of a parallel loop: generated code implements it with the loop's inputs as fields.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IChunkBody
    {
        /// <summary>Runs the iterations of chunk <paramref name="chunk"/>.</summary>
        void Run(int chunk);
    }

    /// <summary>
    /// Runs the independent iterations of a generated loop (one the GPU plan would give a block per iteration: a row of
    /// SIMD work per iteration) on several cores. The iterations are split into contiguous chunks, one per thread, up to
    /// <see cref="Gemm.MaxDegreeOfParallelism"/> (the same knob as the GEMM); sums are combined in chunk
    /// order, so a result depends on the thread count only at rounding level. Small loops stay on the calling thread
    /// (no allocation, no synchronization).
    /// </summary>
    public static class LoopParallelism
    {
        private static long s_minWork = 1 << 16;

        /// <summary>
        /// Iterations × inner trip count from which a loop is split (default 65536): below it the fork/join costs more
        /// than it saves. Tests set 0 to run every eligible loop in parallel.
        /// </summary>
        public static long MinWork
        {
            get => System.Threading.Volatile.Read(ref s_minWork);
            set => System.Threading.Volatile.Write(ref s_minWork, Math.Max(0, value));
        }

        /// <summary>How many chunks to run <paramref name="count"/> iterations of about <paramref name="work"/> element operations in; 1 means sequential.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static int Chunks(long count, long work)
        {
            int threads = Gemm.MaxDegreeOfParallelism;
            if (threads <= 1 || count < 2 || work < MinWork) return 1;
            return (int)Math.Min(count, threads);
        }

        /// <summary>Iterations of <c>for (i = start; i cmp bound; i += step)</c>; cmp: 0 &lt;, 1 &lt;=, 2 &gt;, 3 &gt;=.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static long Trip(long start, long bound, int step, int cmp)
        {
            long span = step > 0 ? (cmp == 1 ? bound + 1 : bound) - start : start - (cmp == 3 ? bound - 1 : bound);
            long st = Math.Abs((long)step);
            return span <= 0 ? 0 : (span + st - 1) / st;
        }

        /// <summary>[first, end) of the iteration ordinals of chunk <paramref name="chunk"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static (long First, long End) Range(int chunk, int chunks, long count) =>
            (count * chunk / chunks, count * (chunk + 1) / chunks);

        private static long s_parallelRuns;

        /// <summary>Loops run split over more than one thread so far in this process (diagnostics, tests).</summary>
        public static long ParallelRuns => System.Threading.Interlocked.Read(ref s_parallelRuns);

        /// <summary>
        /// Runs every chunk (the calling thread takes part) and waits. When chunks throw (a user's <c>throw</c> in the loop, an
        /// index out of range), the exception of the first chunk that threw is rethrown as it is, not wrapped: chunks are
        /// contiguous and each runs in order, so it is the exception of the first failing iteration, the one the method throws.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void Run(IChunkBody body, int chunks)
        {
            ArgumentNullException.ThrowIfNull(body);
            if (chunks <= 1) { body.Run(0); return; }
            System.Threading.Interlocked.Increment(ref s_parallelRuns);
            var errors = new Exception?[chunks];
            System.Threading.Tasks.Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
            {
                try { body.Run(c); }
                catch (Exception e) { errors[c] = e; }
            });
            foreach (var e in errors)
                if (e is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }

        /// <summary>Sum of column <paramref name="index"/> of per-chunk partials laid out as [chunk * width + index], in chunk order.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static double Sum(double[] partials, int width, int index)
        {
            double s = 0;
            for (int i = index; i < partials.Length; i += width) s += partials[i];
            return s;
        }

        /// <summary>destination += source, element by element (per-chunk copies of an array the iterations sum into).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void AddInto(double[] destination, double[] source)
        {
            for (int i = 0; i < destination.Length; i++) destination[i] += source[i];
        }

        /// <inheritdoc cref="AddInto(double[], double[])"/>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void AddInto(float[] destination, float[] source)
        {
            for (int i = 0; i < destination.Length; i++) destination[i] += source[i];
        }

        /// <summary>destination += source for 2-D arrays of one shape (per-chunk copies of a tiled loop's factor adjoints).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void AddInto(double[,] destination, double[,] source) =>
            System.Numerics.Tensors.TensorPrimitives.Add(Flat(destination), Flat(source), Flat(destination));

        /// <inheritdoc cref="AddInto(double[,], double[,])"/>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void AddInto(float[,] destination, float[,] source) =>
            System.Numerics.Tensors.TensorPrimitives.Add(Flat(destination), Flat(source), Flat(destination));

        private static Span<T> Flat<T>(T[,] a) =>
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(a)), a.Length);
    }
}
