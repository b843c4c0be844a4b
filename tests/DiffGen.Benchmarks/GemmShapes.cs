using System;

namespace DiffGen.Benchmarks
{
    /// <summary>One single-precision GEMM problem: C (m x n) = op(A) op(B), row-major, packed leading dimensions.</summary>
    public sealed class GemmShape
    {
        /// <summary>Creates a shape.</summary>
        public GemmShape(string name, bool transA, bool transB, int m, int n, int k)
        {
            Name = name;
            TransA = transA;
            TransB = transB;
            M = m;
            N = n;
            K = k;
        }

        /// <summary>Short label.</summary>
        public string Name { get; }

        /// <summary>op(A) = A^T.</summary>
        public bool TransA { get; }

        /// <summary>op(B) = B^T.</summary>
        public bool TransB { get; }

        /// <summary>Rows of C.</summary>
        public int M { get; }

        /// <summary>Columns of C.</summary>
        public int N { get; }

        /// <summary>Inner dimension.</summary>
        public int K { get; }

        /// <summary>"NN", "NT", ...</summary>
        public string Op => (TransA ? "T" : "N") + (TransB ? "T" : "N");

        /// <summary>2 m n k.</summary>
        public double Flops => 2.0 * M * N * K;

        /// <summary>Leading dimension of A as stored.</summary>
        public int Lda => TransA ? M : K;

        /// <summary>Leading dimension of B as stored.</summary>
        public int Ldb => TransB ? K : N;

        /// <summary>Leading dimension of C.</summary>
        public int Ldc => N;

        /// <inheritdoc/>
        public override string ToString() => $"{Name} {Op} {M}x{N}x{K}";

        /// <summary>
        /// The shapes of the brief: square 1024 and 4096, and the NT-Xent similarity matrix
        /// S = Z Z^T (N x 128 times 128 x N, an NT product since the loop reads Z[i,k] * Z[j,k]) for
        /// N = 128 ... 8192, plus its gradient dZ = dS Z (N x N times N x 128).
        /// </summary>
        public static GemmShape[] Standard { get; } =
        {
            new GemmShape("square", false, false, 1024, 1024, 1024),
            new GemmShape("square", false, false, 4096, 4096, 4096),
            new GemmShape("ntxent-sim", false, true, 128, 128, 128),
            new GemmShape("ntxent-sim", false, true, 512, 512, 128),
            new GemmShape("ntxent-sim", false, true, 2048, 2048, 128),
            new GemmShape("ntxent-sim", false, true, 8192, 8192, 128),
            new GemmShape("ntxent-grad", false, false, 2048, 128, 2048),
            new GemmShape("ntxent-grad", false, false, 8192, 128, 8192),
        };

        /// <summary>Random A, B and C buffers for this shape (fixed seed).</summary>
        public (float[] A, float[] B, float[] C) Allocate(int seed = 42)
        {
            var rnd = new Random(seed);
            var a = new float[(long)M * K];
            var b = new float[(long)K * N];
            var c = new float[(long)M * N];
            for (int i = 0; i < a.Length; i++) a[i] = (float)(rnd.NextDouble() * 2 - 1);
            for (int i = 0; i < b.Length; i++) b[i] = (float)(rnd.NextDouble() * 2 - 1);
            return (a, b, c);
        }
    }
}
