using System;
using System.Linq;
using System.Reflection;
using System.Threading;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    [CollectionDefinition("Tiling mode", DisableParallelization = true)]
    public class TilingModeCollection { }

    /// <summary>
    /// Schedule's tile fusion: every corpus method whose contraction the generator fuses computes, through the fused path
    /// (the table a block of rows at a time, never stored), the same value, outputs and gradients as through the
    /// materialised table (itself checked against finite differences elsewhere). Blocks of 8 rows (the minimum) make
    /// block edges fall inside small batches; sizes 1, 2, 3 and ones that are not a multiple of the block.
    /// (The whole suite also passes with DIFFGEN_TILING=always; this class is what CI runs of it.)
    /// </summary>
    [Collection("Tiling mode")]
    public class TileFusionTests
    {
        public static TheoryData<string, int> Cases()
        {
            var d = new TheoryData<string, int>();
            foreach (var name in new[]
            {
                "NtXentCorpus.NtXent", "NtXentCorpus.NtXentF", "NtXentCorpus.NtXentLeanF", "NtXentCorpus.ProjectedNtXent",
                "PrecisionCorpus.NtXentQuestionF", "PrecisionCorpus.NtXentCastF", "PrecisionCorpus.ClipLossF", "PrecisionCorpus.SoftmaxCrossEntropyF",
                "Classification.ClipLoss", "Classification.SoftmaxCrossEntropy", "Networks.Linear", "Networks.MlpMse",
                "Sequences.Dense", "Sequences.SelfAttention", "Transforms.Clip", "Transforms.ContractionKept", "Transforms.TwoNests",
                "Attention.AttentionMse", "Attention.AttentionMseF", "Contrastive.InfoNce", "Contrastive.InfoNceF",
            })
                foreach (int n in new[] { 1, 2, 3, 13, 21 })
                    d.Add(name, n);
            return d;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Fused_equals_materialised(string method, int n)
        {
            var (type, name) = Split(method);
            object?[] Inputs() => MakeInputs(method, n, new Random(1000 + n));
            bool isFloat = Inputs().Any(x => x is float or float[] or float[,]);
            double tol = isFloat ? 2e-4 : 1e-9;

            var fwd = Plain(type, name + "Forward");
            var bwd = Plain(type, name + "Backward");
            var (fm, fmArgs) = Run(TilingMode.Never, fwd, Inputs);
            var (bm, bmArgs) = Run(TilingMode.Never, bwd, () => BackwardArgs(bwd, Inputs()));
            foreach (bool split in new[] { false, true })
            {
                // split: the fused row loops run in chunks on several threads (each chunk its own panels)
                var (ff, ffArgs) = Run(TilingMode.Always, fwd, Inputs, expectFused: true, split: split);
                Same(method + "Forward" + (split ? " (split)" : ""), fm, ff, fmArgs, ffArgs, tol);
                var (bf, bfArgs) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, Inputs()), expectFused: true, split: split);
                Same(method + "Backward" + (split ? " (split)" : ""), bm, bf, bmArgs, bfArgs, tol);
            }
        }

        /// <summary>The question's loop form (cosine recomputed per pair) and the lean form are the same loss: same value and gradients, fused or not.</summary>
        [Theory]
        [InlineData(TilingMode.Never)]
        [InlineData(TilingMode.Always)]
        public void Seed_form_and_lean_form_agree(TilingMode mode)
        {
            var old = Tiling.Mode;
            Tiling.Mode = mode;
            try
            {
                foreach (float tau in new[] { 0.2f, 0.05f })
                {
                    var zi = FloatMatrix(new Random(21), 37, 16);
                    var zj = FloatMatrix(new Random(22), 37, 16);
                    var gi1 = new float[37, 16]; var gj1 = new float[37, 16];
                    var gi2 = new float[37, 16]; var gj2 = new float[37, 16];
                    float v1 = NtXentCorpus.NtXentFBackward(zi, zj, tau, gi1, gj1, out float t1);
                    float v2 = NtXentCorpus.NtXentLeanFBackward(zi, zj, tau, gi2, gj2, out float t2);
                    Near($"value tau={tau}", new double[] { v1 }, new double[] { v2 }, 1e-5);
                    Near($"dzi tau={tau}", Flat(gi1), Flat(gi2), 1e-4);
                    Near($"dzj tau={tau}", Flat(gj1), Flat(gj2), 1e-4);
                    Near($"dtau tau={tau}", new double[] { t1 }, new double[] { t2 }, 1e-4);
                }
            }
            finally { Tiling.Mode = old; }
        }

        [Fact]
        public void Fused_NtXent_row_loops_run_split_and_deterministically()
        {
            var bwd = Plain(typeof(NtXentCorpus), "NtXentBackward");
            object?[] Inputs() => MakeInputs("NtXentCorpus.NtXent", 29, new Random(3));
            long before = LoopParallelism.ParallelRuns;
            var (v1, a1) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, Inputs()), expectFused: true, split: true);
            Assert.True(LoopParallelism.ParallelRuns > before, "the fused loops did not run split");
            var (v2, a2) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, Inputs()), expectFused: true, split: true);
            Same("NtXent split twice", v1, v2, a1, a2, 0); // fixed chunks, fixed combine order: bitwise equal
        }

        [Fact]
        public void Fused_NtXentF_at_small_temperature_and_with_NaN_and_empty_batches()
        {
            object?[] Small() => new object?[] { FloatMatrix(new Random(5), 19, 7), FloatMatrix(new Random(6), 19, 7), 0.01f };
            var bwd = Plain(typeof(NtXentCorpus), "NtXentFBackward");
            var (m, mArgs) = Run(TilingMode.Never, bwd, () => BackwardArgs(bwd, Small()));
            var (f, fArgs) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, Small()), expectFused: true);
            Same("NtXentF tau=0.01", m, f, mArgs, fArgs, 2e-4);

            // a NaN input propagates the same way through both paths
            object?[] WithNaN() { var x = Small(); ((float[,])x[0]!)[3, 2] = float.NaN; return x; }
            (m, mArgs) = Run(TilingMode.Never, bwd, () => BackwardArgs(bwd, WithNaN()));
            (f, fArgs) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, WithNaN()), expectFused: true);
            Assert.True(float.IsNaN((float)m!) && float.IsNaN((float)f!));
            Same("NtXentF with NaN", m, f, mArgs, fArgs, 2e-4);

            // an empty batch: NaN like the user's loop, gradients zero, nothing thrown
            object?[] Empty() => new object?[] { new float[0, 4], new float[0, 4], 0.5f };
            (m, mArgs) = Run(TilingMode.Never, bwd, () => BackwardArgs(bwd, Empty()));
            (f, fArgs) = Run(TilingMode.Always, bwd, () => BackwardArgs(bwd, Empty()), expectFused: true);
            Assert.True(float.IsNaN((float)f!));
            Same("NtXentF empty", m, f, mArgs, fArgs, 0);
        }

        /// <summary>
        /// B = 4096 float NT-Xent (N = 8192): the materialised backward needs two 8192² float tables (512 MiB); the fused one
        /// allocates the concatenated inputs and their adjoint, a few vectors and its panels: bounded by 8·N·D floats + 16 MiB.
        /// </summary>
        [Fact]
        public void Fused_backward_memory_is_linear_in_the_batch()
        {
            const int B = 4096, D = 32;
            var zi = FloatMatrix(new Random(1), B, D);
            var zj = FloatMatrix(new Random(2), B, D);
            long bytes = 0;
            float loss = 0;
            var old = Tiling.Mode;
            Tiling.Mode = TilingMode.Always;
            try
            {
                // a fresh thread: its pools are empty, so everything the call needs is allocated (and counted) once
                var t = new Thread(() =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    loss = NtXentCorpus.NtXentFBackward(zi, zj, 0.5f, new float[B, D], new float[B, D], out _);
                    bytes = GC.GetAllocatedBytesForCurrentThread() - before - 2L * B * D * sizeof(float);
                }, 16 << 20);
                t.Start();
                t.Join();
            }
            finally { Tiling.Mode = old; }
            long n = 2 * B;
            Assert.True(float.IsFinite(loss));
            Assert.True(bytes < 8 * n * D * sizeof(float) + (16 << 20), $"the fused backward allocated {bytes} bytes (a table is {n * n * sizeof(float)})");
        }

        /// <summary>
        /// Attention's probability table (row-block fusion) and score table (tile fusion) are never stored whole: one
        /// Backward call on a thread with empty pools allocates less than one n × n table, where the materialised form
        /// needs four of them plus a restore tape of three entries per pair.
        /// </summary>
        [Fact]
        public void Attention_backward_never_stores_an_n_by_n_table()
        {
            const int n = 2048, d = 16;
            var rng = new Random(77);
            double[,] q = M(n, d, 0.3), k = M(n, d, 0.3), v = M(n, d), target = M(n, d);
            double[,] M(int r, int c, double scale = 1)
            {
                var m = new double[r, c];
                for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = scale * TestData.Normal(rng);
                return m;
            }
            var oldMode = Tiling.Mode;
            var oldBlock = Tiling.BlockBytes;
            long bytes = 0, fused = Tiling.FusedRuns;
            double loss = 0, reference = Attention.AttentionMse(q, k, v, target);
            try
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.BlockBytes = 1 << 20; // 64 rows of 2048 doubles per block
                var t = new Thread(() =>
                {
                    var (gq, gk, gv) = (new double[n, d], new double[n, d], new double[n, d]);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    loss = Attention.AttentionMseBackward(q, k, v, target, gq, gk, gv);
                    bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                }, 16 << 20);
                t.Start();
                t.Join();
            }
            finally
            {
                Tiling.Mode = oldMode;
                Tiling.BlockBytes = oldBlock;
            }
            Assert.True(Tiling.FusedRuns > fused);
            Assert.Equal(reference, loss, 1e-9 * Math.Abs(reference));
            long table = (long)n * n * sizeof(double);
            Assert.True(bytes < table, $"the fused attention backward allocated {bytes} bytes; one n x n table is {table}");
        }

        [Fact]
        public void Auto_fuses_tables_past_the_limit_only()
        {
            var oldMode = Tiling.Mode;
            var oldLimit = Tiling.MaterializeLimitBytes;
            try
            {
                Tiling.Mode = TilingMode.Auto;
                Tiling.MaterializeLimitBytes = 512L << 20;
                Assert.False(Tiling.Fuse(8192, 8192, 4));            // 256 MiB
                Assert.True(Tiling.Fuse(32768, 32768, 4));           // 4 GiB
                Assert.True(Tiling.Fuse(65536, 65536, 1));           // past 2^31 elements, whatever the limit
                Tiling.MaterializeLimitBytes = 0;
                Assert.True(Tiling.Fuse(2, 2, 8));
                Assert.Throws<ArgumentOutOfRangeException>(() => Tiling.MaterializeLimitBytes = -1);
                Assert.Throws<ArgumentOutOfRangeException>(() => Tiling.Mode = (TilingMode)7);
                Assert.Throws<ArgumentOutOfRangeException>(() => Tiling.BlockBytes = 0);
            }
            finally
            {
                Tiling.Mode = oldMode;
                Tiling.MaterializeLimitBytes = oldLimit;
            }
        }

        // ------------------------------------------------------------------ helpers

        /// <summary>The CPU/auto overload (the others take a device or backend argument).</summary>
        private static MethodInfo Plain(Type t, string name) =>
            t.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name)
                .Where(m => m.GetParameters().All(p => (p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType) is var x && (x.IsArray || x.IsPrimitive)))
                .OrderBy(m => m.GetParameters().Length).First();

        private static (Type, string) Split(string method)
        {
            var parts = method.Split('.');
            return (typeof(NtXentCorpus).Assembly.GetType("DiffGen.Tests.Corpus." + parts[0])!, parts[1]);
        }

        private static (object? Value, object?[] Args) Run(TilingMode mode, MethodInfo m, Func<object?[]> args, bool expectFused = false, bool split = false)
        {
            var oldMode = Tiling.Mode;
            var oldBlock = Tiling.BlockBytes;
            long minWork = LoopParallelism.MinWork;
            int threads = Gemm.MaxDegreeOfParallelism;
            Tiling.Mode = mode;
            Tiling.BlockBytes = 1; // 8 rows per block: block edges inside small batches
            LoopParallelism.MinWork = split ? 0 : long.MaxValue;
            if (split) Gemm.MaxDegreeOfParallelism = 3;
            try
            {
                long before = Tiling.FusedRuns;
                var a = args();
                var v = m.Invoke(null, a);
                if (expectFused) Assert.True(Tiling.FusedRuns > before, m.Name + " did not take the fused path");
                return (v, a);
            }
            finally
            {
                Tiling.Mode = oldMode;
                Tiling.BlockBytes = oldBlock;
                LoopParallelism.MinWork = minWork;
                Gemm.MaxDegreeOfParallelism = threads;
            }
        }

        /// <summary>Backward's arguments: the inputs, then every gradient buffer filled with the same pseudo-random values (read as upstream gradients, or overwritten), seed 1.</summary>
        private static object?[] BackwardArgs(MethodInfo bwd, object?[] inputs)
        {
            var ps = bwd.GetParameters();
            var args = new object?[ps.Length];
            var rng = new Random(4242);
            for (int i = 0; i < ps.Length; i++)
            {
                var p = ps[i];
                if (i < inputs.Length) args[i] = inputs[i];
                else if (p.ParameterType.IsByRef) args[i] = null;
                else if (p.HasDefaultValue) args[i] = p.DefaultValue;
                else
                {
                    var like = (Array)inputs[Array.FindIndex(ps, q => q.Name + "Grad" == p.Name)]!;
                    var g = Array.CreateInstance(like.GetType().GetElementType()!, Enumerable.Range(0, like.Rank).Select(like.GetLength).ToArray());
                    foreach (var idx in Indices(g)) { g.SetValue(System.Convert.ChangeType(rng.NextDouble() - 0.5, g.GetType().GetElementType()!), idx); }
                    args[i] = g;
                }
            }
            return args;
        }

        private static System.Collections.Generic.IEnumerable<int[]> Indices(Array a)
        {
            if (a.Rank == 1) { for (int i = 0; i < a.Length; i++) yield return new[] { i }; yield break; }
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    yield return new[] { i, j };
        }

        private static double[] Flat(object? x) => x switch
        {
            null => Array.Empty<double>(),
            double d => new[] { d },
            float f => new[] { (double)f },
            int => Array.Empty<double>(),
            int[] => Array.Empty<double>(),
            Array a => a.Cast<object>().Select(System.Convert.ToDouble).ToArray(),
            _ => Array.Empty<double>(),
        };

        private static void Same(string what, object? v1, object? v2, object?[] a1, object?[] a2, double tol)
        {
            Near(what + " value", Flat(v1), Flat(v2), tol);
            for (int i = 0; i < a1.Length; i++) Near($"{what} argument {i}", Flat(a1[i]), Flat(a2[i]), tol);
        }

        /// <summary>Max-norm relative agreement (NaN only where the other is NaN).</summary>
        private static void Near(string what, double[] x, double[] y, double tol)
        {
            Assert.Equal(x.Length, y.Length);
            double scale = 1;
            foreach (var v in x) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < x.Length; i++)
            {
                if (double.IsNaN(x[i]) || double.IsNaN(y[i])) { Assert.True(double.IsNaN(x[i]) && double.IsNaN(y[i]), $"{what}[{i}]: {x[i]} materialised, {y[i]} fused"); continue; }
                Assert.True(Math.Abs(x[i] - y[i]) <= tol * scale, $"{what}[{i}]: {x[i]} materialised, {y[i]} fused");
            }
        }

        private static float[,] FloatMatrix(Random rng, int r, int c)
        {
            var m = new float[r, c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = (float)TestData.Normal(rng);
            return m;
        }

        private static float[,] F(double[,] m)
        {
            var r = new float[m.GetLength(0), m.GetLength(1)];
            for (int i = 0; i < m.GetLength(0); i++) for (int j = 0; j < m.GetLength(1); j++) r[i, j] = (float)m[i, j];
            return r;
        }

        /// <summary>Inputs of the original method (batch n) with compatible shapes.</summary>
        private static object?[] MakeInputs(string method, int n, Random rng)
        {
            double[,] M(int r, int c, double s = 1) => TestData.Matrix(rng, r, c, s);
            int[] Labels(int count, int classes) => Enumerable.Range(0, count).Select(i => (i * 7 + 3) % classes).ToArray();
            return method switch
            {
                "NtXentCorpus.NtXent" => new object?[] { M(n, 5), M(n, 5), 0.5 },
                "NtXentCorpus.NtXentF" or "NtXentCorpus.NtXentLeanF" or "PrecisionCorpus.NtXentQuestionF" or "PrecisionCorpus.NtXentCastF" => new object?[] { F(M(n, 5)), F(M(n, 5)), 0.2f },
                "NtXentCorpus.ProjectedNtXent" => new object?[] { M(n, 6), M(n, 6), M(6, 3, 0.5), 0.3 },
                "Classification.ClipLoss" => new object?[] { M(n, 4), M(n, 4), 1.2 },
                "PrecisionCorpus.ClipLossF" => new object?[] { F(M(n, 4)), F(M(n, 4)), 1.2f },
                "Classification.SoftmaxCrossEntropy" => new object?[] { M(n, 4), M(4, 11), Labels(n, 11) },
                "PrecisionCorpus.SoftmaxCrossEntropyF" => new object?[] { F(M(n, 4)), F(M(4, 11)), Labels(n, 11) },
                "Networks.Linear" or "Sequences.Dense" => new object?[] { M(n, 3), M(3, 4), TestData.Vector(rng, 4), new double[n, 4] },
                "Networks.MlpMse" => new object?[] { M(n, 3), M(3, 5), TestData.Vector(rng, 5), M(5, 2), TestData.Vector(rng, 2), M(n, 2) },
                "Sequences.SelfAttention" => new object?[] { M(n, 4), M(4, 3, 0.5), M(4, 3, 0.5) },
                // keys and values: n + 3 rows (a rectangular probability table, blocks of rows that end inside it)
                "Attention.AttentionMse" => new object?[] { M(n, 4), M(n + 3, 4), M(n + 3, 3), M(n, 3) },
                "Attention.AttentionMseF" => new object?[] { F(M(n, 4)), F(M(n + 3, 4)), F(M(n + 3, 3)), F(M(n, 3)) },
                "Transforms.Clip" => new object?[] { M(n, 3), M(n, 3), 0.4 },
                "Transforms.ContractionKept" => new object?[] { M(n, 5), M(n + 2, 5), 4 },
                "Transforms.TwoNests" => new object?[] { M(n, 3) },
                // n queries against 2n + 1 keys (more keys than queries, blocks of query rows over a wider table)
                "Contrastive.InfoNce" => new object?[] { M(n, 4), M(2 * n + 1, 4), Labels(n, 2 * n + 1), 0.3 },
                "Contrastive.InfoNceF" => new object?[] { F(M(n, 4)), F(M(2 * n + 1, 4)), Labels(n, 2 * n + 1), 0.1f },
                _ => throw new ArgumentException("no inputs for " + method),
            };
        }
    }
}
