using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Raise.LoopInterchange (the CPU runs points in blocks of 128 with the components outside): one block, a partial
    /// block, several blocks with a partial last one; Forward, the value and every gradient against the user's loop and
    /// central differences. The annealed form (a value carried from point to point) keeps the user's order.
    /// </summary>
    public class PointBlocksTests
    {
        [Theory]
        [InlineData(1, 3, 1)]
        [InlineData(7, 3, 4)]
        [InlineData(300, 4, 3)]
        public void SoftAssignment_BlocksOfPoints(int n, int d, int k)
        {
            var rng = new Random(n * 7 + d);
            var x = TestData.Matrix(rng, n, d);
            var centers = TestData.Matrix(rng, k, d);
            var w = TestData.Matrix(rng, k, d * d);
            var gc = TestData.Garbage(centers);
            var gw = TestData.Garbage(w);
            double value = PointBlocks.SoftAssignmentBackward(x, centers, w, d, k, gc, gw);
            double expected = PointBlocks.SoftAssignment(x, centers, w, d, k);
            Check.Forward(expected, value, "value");
            Check.Forward(expected, PointBlocks.SoftAssignmentForward(x, centers, w, d, k), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.SoftAssignment(x, centers, w, d, k), centers), gc, "dcenters");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.SoftAssignment(x, centers, w, d, k), w), gw, "dw");
        }

        [Theory]
        [InlineData(7, 3, 2)]
        [InlineData(150, 3, 3)]
        public void AnnealedAssignment_KeepsThePointOrder(int n, int d, int k)
        {
            var rng = new Random(n * 5 + d);
            var x = TestData.Matrix(rng, n, d);
            var centers = TestData.Matrix(rng, k, d);
            var w = TestData.Matrix(rng, k, d * d);
            var gc = TestData.Garbage(centers);
            var gw = TestData.Garbage(w);
            double value = PointBlocks.AnnealedAssignmentBackward(x, centers, w, d, k, gc, gw);
            double expected = PointBlocks.AnnealedAssignment(x, centers, w, d, k);
            Check.Forward(expected, value, "value");
            Check.Forward(expected, PointBlocks.AnnealedAssignmentForward(x, centers, w, d, k), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.AnnealedAssignment(x, centers, w, d, k), centers), gc, "dcenters");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.AnnealedAssignment(x, centers, w, d, k), w), gw, "dw");
        }

        [Fact]
        public void PriorSlot_KeepsThePointOrder()
        {
            int n = 140, d = 3, k = 3;
            var rng = new Random(11);
            var x = TestData.Matrix(rng, n, d, 0.5);
            var centers = TestData.Matrix(rng, k, d);
            var w = TestData.Matrix(rng, k, d * d, 0.5);
            var gc = TestData.Garbage(centers);
            var gw = TestData.Garbage(w);
            double value = PointBlocks.PriorSlotBackward(x, centers, w, d, k, -0.3, gc, gw);
            double expected = PointBlocks.PriorSlot(x, centers, w, d, k, -0.3);
            Check.Forward(expected, value, "value");
            Check.Forward(expected, PointBlocks.PriorSlotForward(x, centers, w, d, k, -0.3), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.PriorSlot(x, centers, w, d, k, -0.3), centers), gc, "dcenters");
            Check.Gradient(FiniteDiff.Gradient(() => PointBlocks.PriorSlot(x, centers, w, d, k, -0.3), w), gw, "dw");
        }

        [Theory]
        [InlineData(5, 3, 300)]
        [InlineData(7, 2, 129)]
        public void BlockTapeMixture_SeveralBlocksOfPoints(int d, int k, int n)
        {
            var rng = new Random(d * 31 + k + n);
            // small inputs: the value sums n points, and central differences lose digits in proportion to it
            var x = TestData.Matrix(rng, n, d, 0.3);
            var mu = TestData.Matrix(rng, k, d, 0.3);
            var q = TestData.Matrix(rng, k, d);
            var l = TestData.Matrix(rng, k, d * (d - 1) / 2 + 1);
            var gx = TestData.Garbage(x);
            var gmu = TestData.Garbage(mu);
            var gq = TestData.Garbage(q);
            var gl = TestData.Garbage(l);
            double value = BlockTape.MixtureBackward(x, mu, q, l, d, k, gx, gmu, gq, gl);
            Check.Forward(BlockTape.Mixture(x, mu, q, l, d, k), value, "value");
            Check.Forward(BlockTape.Mixture(x, mu, q, l, d, k), BlockTape.MixtureForward(x, mu, q, l, d, k), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), mu), gmu, "dmu");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), l), gl, "dl");
        }
    }
}
