using System.Collections.Generic;
using System.Linq;
using DiffGen.Cpu;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// The multi-core CPU loops (iterations split over threads, per-chunk sums, indexed restore tape for
    /// forward/reverse pairs) compute what the sequential code computes, for every corpus method that has them.
    /// Forced on at small sizes (MinWork = 0, four threads even on two cores).
    /// </summary>
    [Collection("Backend selection")]
    public sealed class ParallelLoopTests(ITestOutputHelper output)
    {
        public static IEnumerable<object[]> Cases() =>
            DeviceCases.All(typeof(ParallelLoopTests).Assembly).Select(c => new object[] { c.Name });

        [Theory]
        [MemberData(nameof(Cases))]
        public void Parallel_loops_match_the_sequential_code(string method)
        {
            var c = DeviceCases.All(typeof(ParallelLoopTests).Assembly).Single(x => x.Name == method);
            var (inputs, describe) = DeviceCases.Inputs(c, 11, size: null);
            long minWork = LoopParallelism.MinWork;
            int threads = Gemm.MaxDegreeOfParallelism;
            List<double[]> sequential, parallel;
            try
            {
                LoopParallelism.MinWork = long.MaxValue;
                sequential = DeviceCases.RunHost(c, inputs, 11);
                LoopParallelism.MinWork = 0;
                Gemm.MaxDegreeOfParallelism = 4;
                long before = LoopParallelism.ParallelRuns;
                parallel = DeviceCases.RunHost(c, inputs, 11);
                bool hasWorkers = c.Type.GetNestedTypes(System.Reflection.BindingFlags.NonPublic).Any(t => t.Name.StartsWith("__" + c.BaseName + "_", System.StringComparison.Ordinal));
                output.WriteLine($"{(hasWorkers ? "has" : "no")} multi-core loops; {LoopParallelism.ParallelRuns - before} ran split");
                // (a loop of one iteration, e.g. a convolution whose output is 1 x 1 at these shapes, stays sequential)
                if (hasWorkers && method.StartsWith("NtXentCorpus.", System.StringComparison.Ordinal))
                    Assert.True(LoopParallelism.ParallelRuns > before, "the multi-core loops did not run split");
            }
            finally
            {
                LoopParallelism.MinWork = minWork;
                Gemm.MaxDegreeOfParallelism = threads;
            }
            Assert.Equal(sequential.Count, parallel.Count);
            double worst = 0;
            for (int i = 0; i < sequential.Count; i++) worst = System.Math.Max(worst, DeviceCases.Relative(sequential[i], parallel[i]));
            output.WriteLine($"{method} ({describe}): max relative difference {worst:E2}");
            Assert.True(worst <= (c.IsFloat ? 1e-5 : 1e-12), $"{method}: parallel differs from sequential by {worst:E3}");
        }
    }
}
