using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Jagged locals and swapped arrays (<see cref="NaturalBuffers"/>): Forward equals the user's method, Backward returns the same
    /// value, gradients equal central differences over several time steps, a seed scales them, inputs are left alone, and the
    /// gradients do not change when the generated loops are split over cores.
    /// </summary>
    public class NaturalBuffersTests
    {
        private const double Seed = -1.75;
        private static readonly double[] X = { 0.3, -0.7, 1.1, 0.4, -0.2, 0.9, 0.15 };
        private static readonly double[,] M = { { 0.2, -0.4, 0.5 }, { 0.9, 0.1, -0.3 }, { -0.6, 0.7, 0.8 }, { 0.25, 0.35, -0.15 } };

        /// <summary>x (an array) and one scalar q: value, Forward, FD of both, seed, unchanged input; returns dx for further checks.</summary>
        private static double[] CheckArrayAndScalar(double[] x, double q, Func<double[], double, double> f, Func<double[], double, double> forward,
            Func<double[], double, double[], double, (double Value, double Dq)> backward, string what)
        {
            var xb = TestData.Clone(x);
            double reference = f(x, q);
            Check.Forward(reference, forward(x, q), what + " Forward");
            var g = TestData.Garbage(x);
            var (value, dq) = backward(x, q, g, 1);
            Check.Forward(reference, value, what + " Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => f(x, q), x), g, what + " dx");
            Check.Gradient(FiniteDiff.Derivative(v => f(x, v), q), dq, what + " dq");
            var s = TestData.Garbage(x);
            var (_, sq) = backward(x, q, s, Seed);
            Check.Scaled(g, s, Seed, what + " dx");
            Check.Scaled(dq, sq, Seed, what + " dq");
            return g;
        }

        /// <summary>The gradients again with every generated loop allowed to split over three cores: the same numbers.</summary>
        private static void SameWhenSplit(double[] expected, Func<double[]> run, string what)
        {
            long minWork = DiffGen.Cpu.LoopParallelism.MinWork;
            int threads = DiffGen.Cpu.Gemm.MaxDegreeOfParallelism;
            try
            {
                DiffGen.Cpu.LoopParallelism.MinWork = 0;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = 3;
                Check.Gradient(expected, run(), what + " (split over cores)", 1e-12);
            }
            finally
            {
                DiffGen.Cpu.LoopParallelism.MinWork = minWork;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = threads;
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Jagged_local_rnn_states(int hidden)
        {
            const double u = 0.8;
            var g = CheckArrayAndScalar(X, 0.6, (x, w) => NaturalBuffers.RnnJagged(x, w, u, hidden), (x, w) => NaturalBuffers.RnnJaggedForward(x, w, u, hidden),
                (x, w, gx, seed) => { double v = NaturalBuffers.RnnJaggedBackward(x, w, u, hidden, gx, out double gw, out _, seed); return (v, gw); }, "RnnJagged");
            NaturalBuffers.RnnJaggedBackward(X, 0.6, u, hidden, new double[X.Length], out _, out double gu);
            Check.Gradient(FiniteDiff.Derivative(v => NaturalBuffers.RnnJagged(X, 0.6, v, hidden), u), gu, "du");
            SameWhenSplit(g, () => { var p = new double[X.Length]; NaturalBuffers.RnnJaggedBackward(X, 0.6, u, hidden, p, out _, out _); return p; }, "RnnJagged dx");
        }

        [Fact]
        public void Jagged_rows_allocated_in_the_time_loop_and_passed_to_a_helper()
        {
            var x = TestData.Clone(M);
            var xb = TestData.Clone(x);
            var w = new[] { 0.5, -0.3, 0.8, 1.1 };
            double reference = NaturalBuffers.RnnRowsInLoop(x, w, 4);
            Check.Forward(reference, NaturalBuffers.RnnRowsInLoopForward(x, w, 4), "Forward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            Check.Forward(reference, NaturalBuffers.RnnRowsInLoopBackward(x, w, 4, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalBuffers.RnnRowsInLoop(x, w, 4), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalBuffers.RnnRowsInLoop(x, w, 4), w), gw, "dw");
            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            NaturalBuffers.RnnRowsInLoopBackward(x, w, 4, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Fact]
        public void Jagged_scratch_inside_the_sample_loop()
        {
            var x = TestData.Clone(M);
            double reference = NaturalBuffers.PerSampleJagged(x, 0.7);
            Check.Forward(reference, NaturalBuffers.PerSampleJaggedForward(x, 0.7), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalBuffers.PerSampleJaggedBackward(x, 0.7, gx, out double ga), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalBuffers.PerSampleJagged(x, 0.7), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalBuffers.PerSampleJagged(x, v), 0.7), ga, "da");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(5)]
        public void Heat_equation_double_buffered(int steps)
        {
            var g = CheckArrayAndScalar(X, 0.2, (x, a) => NaturalBuffers.Heat(x, a, steps), (x, a) => NaturalBuffers.HeatForward(x, a, steps),
                (x, a, gx, seed) => { double v = NaturalBuffers.HeatBackward(x, a, steps, gx, out double ga, seed); return (v, ga); }, "Heat");
            SameWhenSplit(g, () => { var p = new double[X.Length]; NaturalBuffers.HeatBackward(X, 0.2, steps, p, out _); return p; }, "Heat dx");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4)]
        public void Tuple_swap(int steps) =>
            CheckArrayAndScalar(X, 0.3, (x, a) => NaturalBuffers.TupleSwap(x, a, steps), (x, a) => NaturalBuffers.TupleSwapForward(x, a, steps),
                (x, a, gx, seed) => { double v = NaturalBuffers.TupleSwapBackward(x, a, steps, gx, out double ga, seed); return (v, ga); }, "TupleSwap");

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(7)]
        public void Wave_equation_three_rotated_buffers(int steps) =>
            CheckArrayAndScalar(X, 0.3, (x, c) => NaturalBuffers.Wave(x, c, steps), (x, c) => NaturalBuffers.WaveForward(x, c, steps),
                (x, c, gx, seed) => { double v = NaturalBuffers.WaveBackward(x, c, steps, gx, out double gc, seed); return (v, gc); }, "Wave");

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(5)]
        public void Swap_inside_an_if(int steps)
        {
            var xb = TestData.Clone(X);
            double reference = NaturalBuffers.ConditionalSwap(X, steps);
            Check.Forward(reference, NaturalBuffers.ConditionalSwapForward(X, steps), "Forward");
            var g = TestData.Garbage(X);
            Check.Forward(reference, NaturalBuffers.ConditionalSwapBackward(X, steps, g), "Backward value");
            Check.Unchanged(xb, X, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalBuffers.ConditionalSwap(X, steps), X), g, "dx");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(6)]
        public void Fresh_array_per_step(int steps)
        {
            CheckArrayAndScalar(X, 0.8, (x, k) => NaturalBuffers.FreshEachStep(x, k, steps), (x, k) => NaturalBuffers.FreshEachStepForward(x, k, steps),
                (x, k, gx, seed) => { double v = NaturalBuffers.FreshEachStepBackward(x, k, steps, gx, out double gk, seed); return (v, gk); }, "FreshEachStep");
            var g = TestData.Garbage(X);
            Check.Forward(NaturalBuffers.FreshCopyKeepsPrevious(X, steps), NaturalBuffers.FreshCopyKeepsPreviousBackward(X, steps, g), "FreshCopyKeepsPrevious value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalBuffers.FreshCopyKeepsPrevious(X, steps), X), g, "FreshCopyKeepsPrevious dx");
        }
    }
}
