using System;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace DiffGen.Benchmarks
{
    /// <summary>
    /// Entry point. `quick [options]` runs <see cref="QuickBench"/> (a GFLOP/s table, managed vs
    /// OpenBLAS, in one process); anything else goes to BenchmarkDotNet's switcher, e.g.
    /// `--filter *SquareSgemm*` or `--list flat`; `attention [options]` runs <see cref="AttentionBench"/>. Benchmark classes: GemmBenchmarks.cs (GEMM);
    /// NT-Xent benchmarks go in their own file beside it and are picked up by the switcher.
    /// </summary>
    public static class Program
    {
        /// <summary>Dispatches to the quick table or to BenchmarkDotNet.</summary>
        public static int Main(string[] args)
        {
            if (args.Length > 0 && string.Equals(args[0], "quick", StringComparison.OrdinalIgnoreCase))
                return QuickBench.Run(args.Skip(1).ToArray());
            if (args.Length > 0 && string.Equals(args[0], "attention", StringComparison.OrdinalIgnoreCase))
                return AttentionBench.Run(args.Skip(1).ToArray());

            // Default job: in-process (no separate build of the solution while the benchmarks run),
            // one launch, 3 warm-up and 10 measured iterations. Job options on the command line
            // (--job, --runtimes, -i, ...) replace it.
            IConfig config = DefaultConfig.Instance.AddJob(
                Job.Default
                    .WithToolchain(InProcessEmitToolchain.Instance)
                    .WithLaunchCount(1)
                    .WithWarmupCount(3)
                    .WithIterationCount(10)
                    .AsDefault());
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            return 0;
        }
    }
}
