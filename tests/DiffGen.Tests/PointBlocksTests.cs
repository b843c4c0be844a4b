using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Raise.LoopInterchange (the CPU runs points in blocks of 128 with the components outside): one block, a partial
    /// block, several blocks with a partial last one; Forward, the value and every gradient against the user's loop and
    /// central differences. The annealed form (a value carried from point to point) and the prior slot (a slot the pairs
    /// do not set) keep the user's order. gmm's shape over several blocks: SimdPathTests.BlockTape_MixtureRowsStoredPerPoint.
    /// </summary>
    public class PointBlocksTests
    {
        [Theory]
        [InlineData(1, 3, 1)]
        [InlineData(7, 3, 4)]
        [InlineData(300, 4, 3)]
        public void SoftAssignment_BlocksOfPoints(int n, int d, int k) =>
            CheckAssignment(n, d, k, n * 7 + d, 1.0, (x, c, w, gc, gw) => PointBlocks.SoftAssignmentBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => PointBlocks.SoftAssignmentForward(x, c, w, d, k), (x, c, w) => PointBlocks.SoftAssignment(x, c, w, d, k));

        [Theory]
        [InlineData(7, 3, 2)]
        [InlineData(150, 3, 3)]
        public void AnnealedAssignment_KeepsThePointOrder(int n, int d, int k) =>
            CheckAssignment(n, d, k, n * 5 + d, 1.0, (x, c, w, gc, gw) => PointBlocks.AnnealedAssignmentBackward(x, c, w, d, k, gc, gw),
                (x, c, w) => PointBlocks.AnnealedAssignmentForward(x, c, w, d, k), (x, c, w) => PointBlocks.AnnealedAssignment(x, c, w, d, k));

        [Fact]
        public void PriorSlot_KeepsThePointOrder() =>
            CheckAssignment(140, 3, 3, 11, 0.5, (x, c, w, gc, gw) => PointBlocks.PriorSlotBackward(x, c, w, 3, 3, -0.3, gc, gw),
                (x, c, w) => PointBlocks.PriorSlotForward(x, c, w, 3, 3, -0.3), (x, c, w) => PointBlocks.PriorSlot(x, c, w, 3, 3, -0.3));

        /// <summary>Value, Forward and both gradients of one assignment loss against the user's method and central differences.</summary>
        internal static void CheckAssignment(int n, int d, int k, int seed, double scale,
            Func<double[,], double[,], double[,], double[,], double[,], double> backward,
            Func<double[,], double[,], double[,], double> forward, Func<double[,], double[,], double[,], double> user)
        {
            var rng = new Random(seed);
            var x = TestData.Matrix(rng, n, d, scale);
            var centers = TestData.Matrix(rng, k, d);
            var w = TestData.Matrix(rng, k, d * d, scale);
            var gc = TestData.Garbage(centers);
            var gw = TestData.Garbage(w);
            double value = backward(x, centers, w, gc, gw);
            double expected = user(x, centers, w);
            Check.Forward(expected, value, "value");
            Check.Forward(expected, forward(x, centers, w), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => user(x, centers, w), centers), gc, "dcenters");
            Check.Gradient(FiniteDiff.Gradient(() => user(x, centers, w), w), gw, "dw");
        }
    }
}
