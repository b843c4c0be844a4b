using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using DiffGen.Cpu;

namespace DiffGen.Benchmarks
{
    /// <summary>Shared setup: buffers for one shape, both libraries on the same thread count.</summary>
    public abstract class SgemmBenchmarkBase
    {
        private float[] _a = Array.Empty<float>(), _b = Array.Empty<float>(), _c = Array.Empty<float>();
        private GemmShape _shape = GemmShape.Standard[0];

        /// <summary>The problem under test.</summary>
        protected abstract GemmShape Shape { get; }

        /// <summary>Allocates the buffers and pins both libraries to all cores.</summary>
        [GlobalSetup]
        public void Setup()
        {
            _shape = Shape;
            (_a, _b, _c) = _shape.Allocate();
            Gemm.Backend = GemmBackend.Managed;
            Gemm.MaxDegreeOfParallelism = Environment.ProcessorCount;
            if (OpenBlas.IsAvailable) OpenBlas.Threads = Environment.ProcessorCount;
        }

        /// <summary>DiffGen's managed packed kernel.</summary>
        [Benchmark(Baseline = true)]
        public void Managed()
        {
            GemmShape s = _shape;
            Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, _a, s.Lda, _b, s.Ldb, 0f, _c, s.Ldc);
        }

        /// <summary>OpenBLAS cblas_sgemm on the same buffers.</summary>
        [Benchmark]
        public void OpenBLAS()
        {
            if (!OpenBlas.IsAvailable) throw new InvalidOperationException(OpenBlas.Error);
            GemmShape s = _shape;
            OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, _a, s.Lda, _b, s.Ldb, 0f, _c, s.Ldc);
        }
    }

    /// <summary>Square sgemm, C = A B with A, B, C all N x N.</summary>
    [MemoryDiagnoser]
    public class SquareSgemm : SgemmBenchmarkBase
    {
        /// <summary>Matrix size.</summary>
        [Params(1024, 4096)]
        public int N { get; set; }

        /// <inheritdoc/>
        protected override GemmShape Shape => new GemmShape("square", false, false, N, N, N);
    }

    /// <summary>The NT-Xent similarity product S = Z Z^T: N x 128 times 128 x N (NT).</summary>
    [MemoryDiagnoser]
    public class NtXentShapeSgemm : SgemmBenchmarkBase
    {
        /// <summary>Batch rows (2 x batch size in SimCLR).</summary>
        [Params(128, 512, 2048, 8192)]
        public int N { get; set; }

        /// <inheritdoc/>
        protected override GemmShape Shape => new GemmShape("ntxent-sim", false, true, N, N, 128);
    }
}
