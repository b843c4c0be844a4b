using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Throws between the computations (<see cref="Throws"/>): on inputs that do not throw, the usual oracle; on inputs that
    /// do, Forward and Backward throw the method's exception (type and message), and the next call is unharmed (the restore
    /// tape and pooled buffers went back in the generated finally blocks).
    /// </summary>
    [Collection("Backend selection")] // one test sets the CPU's loop splitting
    public class ThrowsTests
    {
        private static readonly Type T = typeof(Throws);

        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The three calls throw the same exception type with the same message.</summary>
        private static void SameThrow<TEx>(Action user, Action forward, Action backward, string messagePart) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(user);
            Assert.Contains(messagePart, expected.Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(forward).Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(backward).Message);
        }

        private static readonly double[] Thick = { 0.2, 0.5, 0.01, 0.3 };
        private static readonly double[] Cond = { 1.5, 20, 0.3, 2.0 };

        [Fact] public void LayeredFlow() => Check("LayeredFlow", Thick, Cond, new[] { 0, 1, 2, 0 }, 2.0);

        [Fact]
        public void LayeredFlow_unknown_code_throws_with_its_index_and_the_next_call_is_unharmed()
        {
            var codes = new[] { 0, 1, 7, 0 };
            var tg = new double[4];
            var cg = new double[4];
            SameThrow<ArgumentException>(() => Throws.LayeredFlow(Thick, Cond, codes, 2.0), () => Throws.LayeredFlowForward(Thick, Cond, codes, 2.0),
                () => Throws.LayeredFlowBackward(Thick, Cond, codes, 2.0, tg, cg, out _), "unknown layer code 7 at index 2");
            Assert.Equal("codes", Assert.Throws<ArgumentException>(() => Throws.LayeredFlowForward(Thick, Cond, codes, 2.0)).ParamName);
            Check("LayeredFlow", Thick, Cond, new[] { 0, 1, 2, 0 }, 2.0);
        }

        [Fact] public void LogBarrier() => Check("LogBarrier", V(1501, 5, 0.3), V(1502, 5, 0.5), 2.0);

        [Fact]
        public void LogBarrier_helper_check_throws_with_the_computed_value()
        {
            var x = new[] { 0.1, 3.0, 0.2 };
            var a = new[] { 1.0, 1.0, 1.0 };
            SameThrow<ArgumentOutOfRangeException>(() => Throws.LogBarrier(x, a, 2.0), () => Throws.LogBarrierForward(x, a, 2.0),
                () => Throws.LogBarrierBackward(x, a, 2.0, new double[3], new double[3], out _), "the log of a non-positive value");
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Throws.LogBarrierForward(x, a, 2.0));
            Assert.Equal("v", e.ParamName);
            Assert.Equal(-1.0, (double)e.ActualValue!);
        }

        [Fact] public void NormalisedEnergy() => Check("NormalisedEnergy", V(1503, 6), 0.7);

        [Fact]
        public void NormalisedEnergy_checks_after_the_loop()
        {
            var x = V(1504, 4);
            SameThrow<DivideByZeroException>(() => Throws.NormalisedEnergy(x, 0.0), () => Throws.NormalisedEnergyForward(x, 0.0),
                () => Throws.NormalisedEnergyBackward(x, 0.0, new double[4], out _), "");
            var big = new[] { 1e200, 1.0 };
            SameThrow<InvalidOperationException>(() => Throws.NormalisedEnergy(big, 1e200), () => Throws.NormalisedEnergyForward(big, 1e200),
                () => Throws.NormalisedEnergyBackward(big, 1e200, new double[2], out _), "energy is not finite");
        }

        [Fact] public void WeightedByKind() => Check("WeightedByKind", V(1505, 4), new[] { Throws.Kind.Conduction, Throws.Kind.Convection, Throws.Kind.Convection, Throws.Kind.Conduction });

        [Fact]
        public void WeightedByKind_unmatched_arm_throws()
        {
            var x = V(1506, 3);
            var kinds = new[] { Throws.Kind.Conduction, Throws.Kind.Contact, Throws.Kind.Convection };
            SameThrow<NotSupportedException>(() => Throws.WeightedByKind(x, kinds), () => Throws.WeightedByKindForward(x, kinds),
                () => Throws.WeightedByKindBackward(x, kinds, new double[3]), "kind Contact is not supported here");
        }

        [Fact] public void PositiveScaleLoss() => Check("PositiveScaleLoss", V(1507, 5), V(1508, 5));

        [Theory]
        [InlineData(0.5, 3.0)]
        [InlineData(2.0, -1.0)]
        public void CubeRootSolve(double c, double t) => Check("CubeRootSolve", c, t, 50);

        [Fact]
        public void CubeRootSolve_gives_up_after_max_steps()
        {
            SameThrow<InvalidOperationException>(() => Throws.CubeRootSolve(0.5, 3.0, 2), () => Throws.CubeRootSolveForward(0.5, 3.0, 2),
                () => Throws.CubeRootSolveBackward(0.5, 3.0, 2, out _, out _), "no convergence after 2 steps");
        }

        private static double[,] Logits() => TestData.Matrix(new Random(1509), 4, 3);

        private static float[,] ToFloat(double[,] a)
        {
            var r = new float[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < a.GetLength(1); j++) r[i, j] = (float)a[i, j];
            return r;
        }

        [Fact] public void RowSoftmaxNll() => Check("RowSoftmaxNll", Logits(), new[] { 0, 2, 1, 2 });
        [Fact] public void RowSoftmaxNllF() => Check("RowSoftmaxNllF", ToFloat(Logits()), new[] { 0, 2, 1, 2 });

        [Fact]
        public void RowSoftmaxNll_label_out_of_range()
        {
            var l = Logits();
            var labels = new[] { 0, 2, 3, 2 };
            SameThrow<ArgumentOutOfRangeException>(() => Throws.RowSoftmaxNll(l, labels), () => Throws.RowSoftmaxNllForward(l, labels),
                () => Throws.RowSoftmaxNllBackward(l, labels, new double[4, 3]), "row 2: label out of range");
        }

        [Fact]
        public void RowSoftmaxNll_split_over_cores_throws_the_first_failing_rows_exception()
        {
            // the row loop stays eligible for several cores: each chunk runs its rows in order, and the first chunk that
            // threw gives the exception, unwrapped (LoopParallelism.Run), so it is the first bad row's, as in the method
            var l = TestData.Matrix(new Random(1511), 64, 5);
            var labels = new int[64];
            for (int i = 0; i < 64; i++) labels[i] = i % 5;
            long minWork = DiffGen.Cpu.LoopParallelism.MinWork;
            int threads = DiffGen.Cpu.Gemm.MaxDegreeOfParallelism;
            try
            {
                DiffGen.Cpu.LoopParallelism.MinWork = 0;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = 4;
                long runs = DiffGen.Cpu.LoopParallelism.ParallelRuns;
                double value = Throws.RowSoftmaxNll(l, labels);
                DiffGen.Tests.Check.Forward(value, Throws.RowSoftmaxNllForward(l, labels), "Forward (split)");
                var g = new double[64, 5];
                DiffGen.Tests.Check.Forward(value, Throws.RowSoftmaxNllBackward(l, labels, g), "Backward (split)");
                Assert.True(DiffGen.Cpu.LoopParallelism.ParallelRuns > runs, "the row loop ran split over cores");
                labels[40] = -1; // chunk 2 of 4
                labels[60] = 9;  // chunk 3
                SameThrow<ArgumentOutOfRangeException>(() => Throws.RowSoftmaxNll(l, labels), () => Throws.RowSoftmaxNllForward(l, labels),
                    () => Throws.RowSoftmaxNllBackward(l, labels, g), "row 40: label out of range");
                labels[40] = 0;
                labels[60] = 0;
                DiffGen.Tests.Check.Forward(Throws.RowSoftmaxNll(l, labels), Throws.RowSoftmaxNllBackward(l, labels, g), "Backward after the throw");
            }
            finally
            {
                DiffGen.Cpu.LoopParallelism.MinWork = minWork;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = threads;
            }
        }

        [Fact] public void ScaledCopy() => Check("ScaledCopy", V(1510, 5), 1.7, new double[5]);

        [Fact]
        public void ScaledCopy_leaves_what_was_written_before_the_throw()
        {
            var x = new[] { 1.0, 2.0, 1e7, 3.0 };
            var y1 = new double[4];
            var y2 = new double[4];
            SameThrow<OverflowException>(() => Throws.ScaledCopy(x, 1.0, y1), () => Throws.ScaledCopyForward(x, 1.0, y2),
                () => Throws.ScaledCopyBackward(x, 1.0, new double[4], new double[4], out _, new double[4]), "y[2] = 10000000");
            Assert.Equal(y1, y2);
        }

        [Fact] public void ScaledLogLikelihood() => Check("ScaledLogLikelihood", V(1512, 4), V(1513, 4, 0.3));

        [Fact]
        public void ScaledLogLikelihood_names_what_failed()
        {
            var x = V(1514, 3);
            var ls = new[] { 0.1, 800.0, 0.2 }; // exp(800) is infinite
            SameThrow<ArgumentOutOfRangeException>(() => Throws.ScaledLogLikelihood(x, ls), () => Throws.ScaledLogLikelihoodForward(x, ls),
                () => Throws.ScaledLogLikelihoodBackward(x, ls, new double[3], new double[3]), "must be positive and finite");
            Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => Throws.ScaledLogLikelihoodForward(x, ls)).ParamName);
            Assert.Equal("x", Assert.Throws<ArgumentOutOfRangeException>(() => Throws.ScaledLogLikelihoodForward(new double[0], new double[0])).ParamName);
        }
    }
}
