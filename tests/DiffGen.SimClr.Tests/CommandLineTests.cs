using System;
using DiffGen.Cuda;
using DiffGen.Samples.SimClr;
using Xunit;

namespace DiffGen.SimClr.Tests
{
    /// <summary>The console program's option handling and its CUDA error path.</summary>
    public sealed class CommandLineTests
    {
        [Fact]
        public void CudaWithoutAGpuFailsWithAClearMessage()
        {
            if (Cuda.CudaEnvironment.IsAvailable) return; // a GPU machine: nothing to check here
            var e = Assert.Throws<CudaUnavailableException>(() => SimClrTrainer.ResolveCuda(BackendChoice.Cuda));
            Assert.Contains("--backend cuda", e.Message);
            Assert.Contains("not available", e.Message);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            Assert.False(SimClrTrainer.ResolveCuda(BackendChoice.Auto));
            Assert.False(SimClrTrainer.ResolveCuda(BackendChoice.Cpu));
            Assert.Equal(2, ProgramEntry(new[] { "--backend", "cuda", "--epochs", "1" }));
        }

        [Fact]
        public void BadOptionsAreRejected()
        {
            Assert.NotEqual(0, ProgramEntry(new[] { "--epochs", "0" }));
            Assert.NotEqual(0, ProgramEntry(new[] { "--backend", "tpu" }));
            Assert.NotEqual(0, ProgramEntry(new[] { "--tau", "-1" }));
        }

        private static int ProgramEntry(string[] args)
        {
            var main = typeof(SimClrExperiment).Assembly.EntryPoint!;
            return (int)main.Invoke(null, new object[] { args })!;
        }
    }
}
