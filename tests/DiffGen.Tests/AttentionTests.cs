using System;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Attention written as loops (Corpus/Attention.cs): gradients against central differences, materialised and fused.</summary>
    [Collection("Tiling mode")] // sets DiffGen.Cpu.Tiling, process-wide
    public class AttentionTests
    {
        [Theory]
        [InlineData(TilingMode.Never)]
        [InlineData(TilingMode.Always)]
        public void Gradients_match_central_differences(TilingMode mode)
        {
            var rng = new Random(4242);
            double[,] M(int r, int c) => TestData.Matrix(rng, r, c);
            var (q, k, v, target) = (M(11, 4), M(13, 4), M(13, 3), M(11, 3));
            var (qb, kb, vb) = (TestData.Clone(q), TestData.Clone(k), TestData.Clone(v));
            double F() => Attention.AttentionMse(q, k, v, target);
            double reference = F();
            var oldMode = Tiling.Mode;
            var oldBlock = Tiling.BlockBytes;
            try
            {
                Tiling.Mode = mode;
                Tiling.BlockBytes = 1; // 8 rows per block: 11 rows end inside the second block
                long fused = Tiling.FusedRuns;
                Check.Forward(reference, Attention.AttentionMseForward(q, k, v, target), "Forward");
                var (gq, gk, gv) = (TestData.Garbage(q), TestData.Garbage(k), TestData.Garbage(v));
                Check.Forward(reference, Attention.AttentionMseBackward(q, k, v, target, gq, gk, gv), "Backward value");
                Assert.Equal(mode == TilingMode.Always, Tiling.FusedRuns > fused);
                Check.Unchanged(qb, q, "q");
                Check.Unchanged(kb, k, "k");
                Check.Unchanged(vb, v, "v");
                Check.Gradient(FiniteDiff.Gradient(F, q), gq, "dq");
                Check.Gradient(FiniteDiff.Gradient(F, k), gk, "dk");
                Check.Gradient(FiniteDiff.Gradient(F, v), gv, "dv");
            }
            finally
            {
                Tiling.Mode = oldMode;
                Tiling.BlockBytes = oldBlock;
            }
        }
    }
}
