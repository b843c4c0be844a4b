using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace DiffGen.Cpu
{
    /// <summary>
    /// A tiny fork-join pool for the GEMM: persistent background threads that each run one index of a
    /// job given as a static function pointer and a pointer to a context that lives on the caller's
    /// stack (the caller waits, so the context stays valid). No allocation per call: this is why it is
    /// used instead of Parallel.For. One job at a time; a caller that finds the pool busy (another
    /// thread is multiplying) runs its indices itself, one after the other.
    /// </summary>
    internal static unsafe class GemmWorkers
    {
        // Spins (each a short pause, then yields) before a wait blocks in the kernel: long enough that
        // back-to-back calls (a training loop) do not pay a futex wake-up, short enough not to burn a
        // core that another process wants.
        private const int SpinCount = 200;

        private static readonly object Gate = new object();
        private static readonly ManualResetEventSlim Done = new ManualResetEventSlim(false, SpinCount);
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static delegate*<void*, int, void> s_fn;
        private static void* s_ctx;
        private static int s_pending;
        private static Exception? s_error;

        /// <summary>Runs <paramref name="fn"/>(ctx, i) for i in [0, count): index 0 on the calling thread.</summary>
        public static void Run(int count, delegate*<void*, int, void> fn, void* ctx)
        {
            if (count <= 1)
            {
                if (count == 1) fn(ctx, 0);
                return;
            }

            if (!Monitor.TryEnter(Gate))
            {
                // Another caller owns the workers; the cores are busy anyway.
                for (int i = 0; i < count; i++) fn(ctx, i);
                return;
            }

            try
            {
                EnsureWorkers(count - 1);
                s_fn = fn;
                s_ctx = ctx;
                s_error = null;
                Done.Reset();
                Volatile.Write(ref s_pending, count - 1);
                Worker[] workers = s_workers;
                for (int w = 0; w < count - 1; w++) workers[w].Go.Set();

                Exception? own = null;
                try
                {
                    fn(ctx, 0);
                }
                catch (Exception e)
                {
                    own = e;
                }

                Done.Wait();
                s_fn = null;
                s_ctx = null;
                Exception? error = own ?? s_error;
                s_error = null;
                if (error is not null) ExceptionDispatchInfo.Capture(error).Throw();
            }
            finally
            {
                Monitor.Exit(Gate);
            }
        }

        private static void EnsureWorkers(int needed)
        {
            Worker[] current = s_workers;
            if (current.Length >= needed) return;
            var grown = new Worker[needed];
            Array.Copy(current, grown, current.Length);
            for (int i = current.Length; i < needed; i++) grown[i] = new Worker(i + 1);
            Volatile.Write(ref s_workers, grown);
        }

        private sealed class Worker
        {
            internal readonly ManualResetEventSlim Go = new ManualResetEventSlim(false, SpinCount);
            private readonly int _index;

            internal Worker(int index)
            {
                _index = index;
                var thread = new Thread(Loop, 256 * 1024)
                {
                    IsBackground = true,
                    Name = "DiffGen GEMM worker " + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                thread.Start();
            }

            private void Loop()
            {
                while (true)
                {
                    Go.Wait();
                    Go.Reset();
                    try
                    {
                        s_fn(s_ctx, _index);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref s_error, e, null);
                    }

                    if (Interlocked.Decrement(ref s_pending) == 0) Done.Set();
                }
            }
        }
    }
}
