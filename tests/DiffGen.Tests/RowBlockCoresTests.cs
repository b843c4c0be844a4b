using System;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Row-block fusion over cores (Schedule's RowBlockCores, issue 9): the blocks of attention's probability table run
    /// on several workers, each with its own panels and tape, adding into its own copies of the adjoints (added in worker
    /// order). Split equals in-order equals materialised, the same twice for one thread count, and matches central
    /// differences, at block edges (n = 1, 2, 3, 13, 21 with small blocks).
    /// </summary>
    [Collection("Tiling mode")] // sets DiffGen.Cpu.Tiling, the loop splitting and the thread count, process-wide
    public class RowBlockCoresTests
    {
        private enum Run { Materialised, InOrder, Split }

        private static T With<T>(Run run, int threads, Func<T> f)
        {
            var (mode, block, minWork, degree) = (Tiling.Mode, Tiling.BlockBytes, LoopParallelism.MinWork, Gemm.MaxDegreeOfParallelism);
            try
            {
                Tiling.Mode = run == Run.Materialised ? TilingMode.Never : TilingMode.Always;
                Tiling.BlockBytes = 1; // 8 rows per block in order; the split shrinks blocks to n / workers
                LoopParallelism.MinWork = run == Run.Split ? 0 : long.MaxValue;
                Gemm.MaxDegreeOfParallelism = run == Run.Split ? threads : 1;
                return f();
            }
            finally
            {
                (Tiling.Mode, Tiling.BlockBytes, LoopParallelism.MinWork, Gemm.MaxDegreeOfParallelism) = (mode, block, minWork, degree);
            }
        }

        private static void Close(double[,] expected, double[,] actual, double tol, string what)
        {
            for (int i = 0; i < expected.GetLength(0); i++)
                for (int j = 0; j < expected.GetLength(1); j++)
                    Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= tol * (1 + Math.Abs(expected[i, j])),
                        $"{what}[{i}, {j}]: expected {expected[i, j]:R}, got {actual[i, j]:R}");
        }

        private static void Close(double expected, double actual, double tol, string what) =>
            Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

        private static void Same(double[,] a, double[,] b, string what)
        {
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    Assert.True(BitConverter.DoubleToInt64Bits(a[i, j]) == BitConverter.DoubleToInt64Bits(b[i, j]), $"{what}[{i}, {j}]: {a[i, j]:R} then {b[i, j]:R}");
        }

        private sealed record Result(double Forward, double Value, double[][,] Grads);

        private static Result Attention64(Run run, int threads, double[,] q, double[,] k, double[,] v, double[,] target) => With(run, threads, () =>
        {
            double f = Attention.AttentionMseForward(q, k, v, target);
            var (gq, gk, gv) = (TestData.Garbage(q), TestData.Garbage(k), TestData.Garbage(v));
            double b = Attention.AttentionMseBackward(q, k, v, target, gq, gk, gv);
            return new Result(f, b, new[] { gq, gk, gv });
        });

        private static Result Attention32(Run run, int threads, float[,] q, float[,] k, float[,] v, float[,] target) => With(run, threads, () =>
        {
            double f = Attention.AttentionMseFForward(q, k, v, target);
            var (gq, gk, gv) = (TestData.Garbage(q), TestData.Garbage(k), TestData.Garbage(v));
            double b = Attention.AttentionMseFBackward(q, k, v, target, gq, gk, gv);
            return new Result(f, b, new[] { TestData.ToDouble(gq), TestData.ToDouble(gk), TestData.ToDouble(gv) });
        });

        private static Result SelfAttention(Run run, int threads, double[,] x, double[,] wq, double[,] wk) => With(run, threads, () =>
        {
            double f = Sequences.SelfAttentionForward(x, wq, wk);
            var (gx, gq, gk) = (TestData.Garbage(x), TestData.Garbage(wq), TestData.Garbage(wk));
            double b = Sequences.SelfAttentionBackward(x, wq, wk, gx, gq, gk);
            return new Result(f, b, new[] { gx, gq, gk });
        });

        /// <summary>Runs the three ways; split twice (same bits); returns the split result after comparing.</summary>
        private static Result Compare(Func<Run, int, Result> run, int n, double tol, string what)
        {
            var materialised = run(Run.Materialised, 1);
            var inOrder = run(Run.InOrder, 1);
            long splits = DiffGen.Kernels.RowBlocks.SplitRuns;
            var split = run(Run.Split, 3);
            // n = 1 is one block: nothing to split; from n = 2 on, the forward method and both sweeps of the backward split
            if (n >= 2) Assert.True(DiffGen.Kernels.RowBlocks.SplitRuns >= splits + 3, $"{what}: the row blocks (forward, and both sweeps of the backward) did not run split over cores");
            var again = run(Run.Split, 3);
            foreach (var (a, b, name) in new[] { (inOrder, materialised, "in order vs materialised"), (split, inOrder, "split vs in order"), (split, materialised, "split vs materialised") })
            {
                Close(b.Forward, a.Forward, tol, $"{what} forward, {name}");
                Close(b.Value, a.Value, tol, $"{what} backward value, {name}");
                for (int g = 0; g < a.Grads.Length; g++) Close(b.Grads[g], a.Grads[g], tol, $"{what} gradient {g}, {name}");
            }
            Assert.Equal(BitConverter.DoubleToInt64Bits(split.Value), BitConverter.DoubleToInt64Bits(again.Value));
            for (int g = 0; g < split.Grads.Length; g++) Same(split.Grads[g], again.Grads[g], $"{what} gradient {g}, split twice");
            // two workers instead of three: still the same values within rounding
            var two = run(Run.Split, 2);
            for (int g = 0; g < split.Grads.Length; g++) Close(split.Grads[g], two.Grads[g], tol, $"{what} gradient {g}, 3 vs 2 workers");
            return split;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(13)]
        [InlineData(21)]
        public void AttentionMse_split_equals_in_order_and_materialised_and_finite_differences(int n)
        {
            var rng = new Random(900 + n);
            var (q, k, v, target) = (TestData.Matrix(rng, n, 4), TestData.Matrix(rng, 9, 4), TestData.Matrix(rng, 9, 3), TestData.Matrix(rng, n, 3));
            var split = Compare((run, t) => Attention64(run, t, q, k, v, target), n, 1e-12, "AttentionMse");
            double reference = Attention.AttentionMse(q, k, v, target);
            Check.Forward(reference, split.Forward, "Forward");
            Check.Forward(reference, split.Value, "Backward value");
            double F() => Attention.AttentionMse(q, k, v, target);
            Check.Gradient(FiniteDiff.Gradient(F, q), split.Grads[0], "dq");
            Check.Gradient(FiniteDiff.Gradient(F, k), split.Grads[1], "dk");
            Check.Gradient(FiniteDiff.Gradient(F, v), split.Grads[2], "dv");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(13)]
        [InlineData(21)]
        public void AttentionMseF_split_equals_in_order_and_materialised_and_finite_differences(int n)
        {
            var rng = new Random(700 + n);
            var (q, k, v, target) = (TestData.Matrix(rng, n, 4), TestData.Matrix(rng, 9, 4), TestData.Matrix(rng, 9, 3), TestData.Matrix(rng, n, 3));
            var (qf, kf, vf, tf) = (TestData.ToFloat(q), TestData.ToFloat(k), TestData.ToFloat(v), TestData.ToFloat(target));
            var split = Compare((run, t) => Attention32(run, t, qf, kf, vf, tf), n, 1e-4, "AttentionMseF");
            // the float gradients against central differences of the double method on the same (float-rounded) inputs
            var (qd, kd, vd, td) = (TestData.ToDouble(qf), TestData.ToDouble(kf), TestData.ToDouble(vf), TestData.ToDouble(tf));
            double F() => Attention.AttentionMse(qd, kd, vd, td);
            Close(F(), split.Value, 1e-4, "AttentionMseF value vs double");
            Check.Gradient(FiniteDiff.Gradient(F, qd), split.Grads[0], "dq", 1e-3);
            Check.Gradient(FiniteDiff.Gradient(F, kd), split.Grads[1], "dk", 1e-3);
            Check.Gradient(FiniteDiff.Gradient(F, vd), split.Grads[2], "dv", 1e-3);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(13)]
        [InlineData(21)]
        public void SelfAttention_split_equals_in_order_and_materialised_and_finite_differences(int n)
        {
            var rng = new Random(500 + n);
            var (x, wq, wk) = (TestData.Matrix(rng, n, 5), TestData.Matrix(rng, 5, 3), TestData.Matrix(rng, 5, 3));
            var split = Compare((run, t) => SelfAttention(run, t, x, wq, wk), n, 1e-12, "SelfAttention");
            double F() => Sequences.SelfAttention(x, wq, wk);
            Check.Forward(F(), split.Value, "Backward value");
            Check.Gradient(FiniteDiff.Gradient(F, x), split.Grads[0], "dx");
            Check.Gradient(FiniteDiff.Gradient(F, wq), split.Grads[1], "dwq");
            Check.Gradient(FiniteDiff.Gradient(F, wk), split.Grads[2], "dwk");
        }
    }
}
