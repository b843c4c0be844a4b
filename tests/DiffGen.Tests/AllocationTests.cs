using System;
using DiffGen.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests
{
    /// <summary>
    /// Steady state allocates nothing: local arrays, adjoints and raised tables come from the per-thread
    /// BufferPool and the restore stack is pooled, so the second call with the same shapes allocates no
    /// managed memory (measured, not assumed: GC.GetAllocatedBytesForCurrentThread).
    /// </summary>
    public class AllocationTests
    {
        private readonly ITestOutputHelper _out;
        public AllocationTests(ITestOutputHelper output) => _out = output;

        [Fact]
        public void NtXentBackwardAllocatesNothingInSteadyState()
        {
            var rng = new Random(3);
            var zi = TestData.Matrix(rng, 12, 8);
            var zj = TestData.Matrix(rng, 12, 8);
            var gi = new double[12, 8];
            var gj = new double[12, 8];
            for (int warm = 0; warm < 3; warm++)
            {
                NtXentCorpus.NtXentBackward(zi, zj, 0.5, gi, gj, out _);
                NtXentCorpus.NtXentForward(zi, zj, 0.5);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                NtXentCorpus.NtXentBackward(zi, zj, 0.5, gi, gj, out _);
                NtXentCorpus.NtXentForward(zi, zj, 0.5);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _out.WriteLine($"allocated {allocated} bytes in 10 forward+backward calls");
            Assert.Equal(0, allocated);
        }
    }
}
