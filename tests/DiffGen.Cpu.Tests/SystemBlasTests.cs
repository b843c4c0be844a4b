using System;
using Xunit;

namespace DiffGen.Cpu.Tests
{
    /// <summary>The optional system BLAS: probing never throws, and when present it agrees with the managed kernel.</summary>
    public sealed class SystemBlasTests : IDisposable
    {
        private readonly GemmBackend _saved = Gemm.Backend;

        public void Dispose() => Gemm.Backend = _saved;

        [Fact]
        public void Probe_NeverThrows_AndExplainsItself()
        {
            bool available = SystemBlas.IsAvailable;
            Assert.False(string.IsNullOrWhiteSpace(SystemBlas.Status));
            Assert.Equal(available, SystemBlas.LibraryName is not null);
            Assert.False(SystemBlas.Selects(GemmBackend.Managed));
            Assert.Equal(available, SystemBlas.Selects(GemmBackend.System));
            Assert.Equal(available && SystemBlas.IsOpenBlas, SystemBlas.Selects(GemmBackend.Auto));
        }

        [Theory]
        [InlineData(GemmBackend.System)]
        [InlineData(GemmBackend.Auto)]
        public void EveryBackend_GivesCorrectResults(GemmBackend backend)
        {
            // Falls back to the managed kernel where no BLAS is installed; either way the result is right.
            Gemm.Backend = backend;
            int seed = 50;
            foreach (var v in GemmTests.Variants())
            {
                GemmTests.Check((bool)v[0], (bool)v[1], (bool)v[2], 37, 29, 41, 0.5, -1.0, padA: 2, padB: 1, padC: 3, seed: seed++);
                GemmTests.Check((bool)v[0], (bool)v[1], (bool)v[2], 4, 3, 0, 0.5, 2.0, seed: seed++);
            }
        }

        [Fact]
        public void Backend_RejectsUnknownValues()
        {
            Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Backend = (GemmBackend)17).ParamName);
        }
    }
}
