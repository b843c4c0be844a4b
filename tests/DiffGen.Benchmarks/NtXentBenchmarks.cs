using System;
using BenchmarkDotNet.Attributes;
using DiffGen.Samples.NtXent;

namespace DiffGen.Benchmarks
{
    /// <summary>
    /// NT-Xent, float32, D = 128: the generated forward and forward+backward of the sample's loop-written loss
    /// (Losses.NtXentF), with the memory diagnoser to show that steady-state calls allocate nothing.
    /// Run: dotnet run -c Release --project tests/DiffGen.Benchmarks -- --filter *NtXent*
    /// </summary>
    [MemoryDiagnoser]
    public class NtXentBenchmarks
    {
        private float[,] _zi = new float[0, 0], _zj = new float[0, 0], _gi = new float[0, 0], _gj = new float[0, 0];

        /// <summary>Batch size B (N = 2B rows).</summary>
        [Params(64, 256, 1024, 4096, 16384)]
        public int Batch { get; set; }

        /// <summary>Auto (the materialised table up to 512 MiB, tile fusion past it) or Always (tile fusion at every size).</summary>
        [Params(DiffGen.Cpu.TilingMode.Auto, DiffGen.Cpu.TilingMode.Always)]
        public DiffGen.Cpu.TilingMode Tiling { get; set; }

        /// <summary>Feature dimension.</summary>
        public const int Dim = 128;

        /// <summary>Seeded random views.</summary>
        [GlobalSetup]
        public void Setup()
        {
            DiffGen.Cpu.Tiling.Mode = Tiling;
            var rng = new Random(2020);
            _zi = new float[Batch, Dim];
            _zj = new float[Batch, Dim];
            _gi = new float[Batch, Dim];
            _gj = new float[Batch, Dim];
            for (int i = 0; i < Batch; i++)
                for (int d = 0; d < Dim; d++)
                {
                    _zi[i, d] = (float)(rng.NextDouble() * 2 - 1);
                    _zj[i, d] = (float)(rng.NextDouble() * 2 - 1);
                }
        }

        /// <summary>Generated forward.</summary>
        [Benchmark]
        public float Forward() => Losses.NtXentFForward(_zi, _zj, 0.5f);

        /// <summary>Generated forward + backward (value and gradients wrt zi, zj, tau).</summary>
        [Benchmark]
        public float ForwardBackward() => Losses.NtXentFBackward(_zi, _zj, 0.5f, _gi, _gj, out _);
    }
}
