using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Backward's own adjoint against finite differences (MethodOracle), and composition through the full adjoint: a
    /// caller that differentiates an input the callee's Backward leaves out still gets its derivative.
    /// </summary>
    public class BackwardAdjointsTests
    {
        private static readonly Type T = typeof(BackwardAdjoints);

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(5, 4, 3)]
        [InlineData(40, 17, 9)]
        public void LinearMse_data_batch_skipped(int n, int din, int dout)
        {
            var rng = new Random(n * 7 + din);
            MethodOracle.Check(T, nameof(BackwardAdjoints.LinearMse), new object?[]
            {
                TestData.Matrix(rng, n, din), TestData.Matrix(rng, dout, din), TestData.Vector(rng, dout), TestData.Matrix(rng, n, dout),
            });
        }

        [Theory]
        [InlineData(5, 4, 3)]
        [InlineData(33, 8, 5)]
        public void ScaledInputMse_composes_through_the_full_adjoint(int n, int din, int dout)
        {
            var rng = new Random(n + din * 3);
            MethodOracle.Check(T, nameof(BackwardAdjoints.ScaledInputMse), new object?[]
            {
                TestData.Matrix(rng, n, din), TestData.Matrix(rng, dout, din), TestData.Vector(rng, dout), TestData.Matrix(rng, n, dout), 0.7,
            });
        }

        [Fact]
        public void ScaledInputMse_gradient_of_the_batch_is_not_zero()
        {
            // the caller's x reaches the loss only through LinearMse's x, which LinearMse's own Backward leaves out
            var rng = new Random(3);
            var x = TestData.Matrix(rng, 6, 4);
            var w = TestData.Matrix(rng, 3, 4);
            var b = TestData.Vector(rng, 3);
            var t = TestData.Matrix(rng, 6, 3);
            var gx = new double[6, 4];
            BackwardAdjoints.ScaledInputMseBackward(x, w, b, t, 0.7, gx, new double[3, 4], new double[3], new double[6, 3], out _);
            Assert.Contains(gx.Cast<double>(), v => Math.Abs(v) > 1e-6);
            Check.Gradient(FiniteDiff.Gradient(() => BackwardAdjoints.ScaledInputMse(x, w, b, t, 0.7), x), gx, "dx");
        }

        [Theory]
        [InlineData(1, 3, 1)]
        [InlineData(7, 3, 4)]
        [InlineData(130, 5, 2)]
        [InlineData(300, 4, 3)]
        public void CentredProjectionF_row_summed_adjoint(int n, int d, int k)
        {
            var rng = new Random(n * 3 + d);
            MethodOracle.Check(T, nameof(BackwardAdjoints.CentredProjectionF), new object?[]
            {
                TestData.ToFloat(TestData.Matrix(rng, n, d, 0.5)), TestData.ToFloat(TestData.Matrix(rng, k, d)), TestData.ToFloat(TestData.Matrix(rng, k, d * d, 0.5)), d, k,
            });
        }

        [Theory]
        [InlineData(1)]
        [InlineData(13)]
        public void Squares_one_accumulation_each(int n)
        {
            var rng = new Random(n);
            MethodOracle.Check(T, nameof(BackwardAdjoints.Squares), new object?[] { TestData.Vector(rng, n), TestData.Vector(rng, n) });
        }
    }
}
