using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <see cref="OrderAndLayers"/>: the oracle where it takes the parameters; stacks (double[][,]) and rank-3 arrays by hand
    /// (value as the user's method, every gradient entry against central differences).
    /// </summary>
    public class OrderAndLayersTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(OrderAndLayers), name, args);
        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);
        private static double[][] J(int seed, int r, int c, double scale = 1.0) => TestData.Jagged(new Random(seed), r, c, scale);

        [Theory]
        [InlineData(0)]
        [InlineData(3)]
        [InlineData(7)]
        [InlineData(12)]
        public void TopKWeightedMean(int k) => Check("TopKWeightedMean", new[] { 0.3, -1.2, 0.35, 2.0, 0.7, -0.1, 0.31 }, k);

        [Fact]
        public void TopKWeightedMean_keeps_ties_in_order_as_linq_does()
        {
            var x = new[] { 0.3, -1.2, 0.3, 2.0, 0.3 };
            var top = Enumerable.Range(0, x.Length).OrderByDescending(i => x[i]).Take(3).ToArray(); // 3, 0, 2
            Assert.Equal(top.Sum(i => x[i] * (1 + i)) / 3, OrderAndLayers.TopKWeightedMeanForward(x, 3), 14);
        }

        [Fact]
        public void RankWeightedSum() => Check("RankWeightedSum", new[] { 0.9, -0.4, 1.7, 0.2, -1.1, 0.6 }, 0.25);

        /// <summary>Central differences of <paramref name="f"/> in every entry of <paramref name="a"/> against <paramref name="grad"/>.</summary>
        private static void AgreesWithDifferences(Func<double> f, Array a, Array grad, string what)
        {
            Assert.Equal(a.Rank, grad.Rank);
            for (int k = 0; k < a.Length; k++)
            {
                var idx = MethodOracle.Index(a, k);
                double x0 = (double)a.GetValue(idx)!, h = 1e-6 * Math.Max(1, Math.Abs(x0));
                a.SetValue(x0 + h, idx); double fp = f();
                a.SetValue(x0 - h, idx); double fm = f();
                a.SetValue(x0, idx);
                double fd = (fp - fm) / (2 * h), g = (double)grad.GetValue(idx)!;
                Assert.True(Math.Abs(fd - g) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{what}[{string.Join(", ", idx)}]: finite differences {fd}, gradient {g}");
            }
        }

        [Fact]
        public void ResidualStackLoss_gradients_of_every_block()
        {
            int width = 4, depth = 3, n = 5;
            var inputs = J(1, n, width);
            var targets = V(2, n);
            var blocks = Enumerable.Range(0, depth).Select(b => M(10 + b, width, width, 0.5)).ToArray();
            var biases = J(3, depth, width, 0.2);
            var head = V(4, width);
            double Value() => OrderAndLayers.ResidualStackLoss(inputs, targets, blocks, biases, head);
            var gBlocks = Enumerable.Range(0, depth).Select(_ => new double[width, width]).ToArray();
            var gBiases = J(5, depth, width);
            var gInputs = J(6, n, width);
            var (gTargets, gHead) = (new double[n], new double[width]);
            double v = OrderAndLayers.ResidualStackLossBackward(inputs, targets, blocks, biases, head, gInputs, gTargets, gBlocks, gBiases, gHead);
            Assert.Equal(Value(), v, 12);
            Assert.Equal(Value(), OrderAndLayers.ResidualStackLossForward(inputs, targets, blocks, biases, head), 12);
            for (int b = 0; b < depth; b++)
            {
                AgreesWithDifferences(Value, blocks[b], gBlocks[b], "blocks[" + b + "]");
                AgreesWithDifferences(Value, biases[b], gBiases[b], "biases[" + b + "]");
            }
            AgreesWithDifferences(Value, head, gHead, "head");
            for (int i = 0; i < n; i++) AgreesWithDifferences(Value, inputs[i], gInputs[i], "inputs[" + i + "]");
        }

        [Fact]
        public void ResidualStackLoss_reports_a_missing_block_or_gradient_of_another_shape_by_name()
        {
            // blocks of other shapes are matrices of a stack like any (their rows padded in the flat form): what the user's method computes
            var blocks = new[] { M(11, 3, 2), M(12, 3, 3) };
            Assert.Equal(OrderAndLayers.ResidualStackLoss(J(1, 2, 3), new double[2], blocks, J(2, 2, 3), new double[3]),
                OrderAndLayers.ResidualStackLossForward(J(1, 2, 3), new double[2], blocks, J(2, 2, 3), new double[3]), 12);
            var n = Assert.Throws<ArgumentNullException>(() => OrderAndLayers.ResidualStackLossForward(J(1, 2, 3), new double[2], new[] { new double[3, 3], null! }, J(2, 2, 3), new double[3]));
            Assert.Equal("blocks", n.ParamName);
            var g = Assert.Throws<ArgumentException>(() => OrderAndLayers.ResidualStackLossBackward(J(1, 2, 3), new double[2], new[] { new double[3, 3] }, J(2, 1, 3), new double[3],
                J(3, 2, 3), new double[2], new[] { new double[3, 2] }, J(4, 1, 3), new double[3]));
            Assert.Contains("blocks[0]", g.Message);
        }

        [Fact]
        public void ChannelConvEnergy_gradients()
        {
            var image = M(7, 5, 4);
            var kernels = new double[3, 3, 3];
            var r = new Random(8);
            for (int f = 0; f < 3; f++) for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) kernels[f, u, v] = r.NextDouble() - 0.5;
            double Value() => OrderAndLayers.ChannelConvEnergy(image, kernels);
            var gImage = new double[5, 4];
            var gKernels = new double[3, 3, 3];
            Assert.Equal(Value(), OrderAndLayers.ChannelConvEnergyBackward(image, kernels, gImage, gKernels), 12);
            AgreesWithDifferences(Value, kernels, gKernels, "kernels");
            AgreesWithDifferences(Value, image, gImage, "image");
        }

        [Theory]
        [InlineData(0.5)]
        [InlineData(5.0)]
        public void TransformedTail_with_weights(double threshold) =>
            Check("TransformedTail", new[] { 0.2, -0.3, 0.9, 0.4, 1.3, -0.8 }, threshold, new[] { 1.5, 0.5, 2.0, 1.0, 0.25, 3.0 });

        [Fact]
        public void TransformedTail_without_weights()
        {
            var x = new[] { 0.2, -0.3, 0.9, 0.4, 1.3, -0.8 };
            double Value() => OrderAndLayers.TransformedTail(x, 0.5);
            var gx = new double[x.Length];
            Assert.Equal(Value(), OrderAndLayers.TransformedTailBackward(x, 0.5, null, gx, out double gt, null), 12);
            AgreesWithDifferences(Value, x, gx, "x");
        }

        [Fact]
        public void SpringNetwork() =>
            Check("SpringNetwork", new[,] { { 0.1, 0.2 }, { 1.1, -0.3 }, { 0.6, 0.8 } }, new[,] { { 0.0, 0.0 }, { 2.0, 0.0 } },
                new[,] { { 3, 0 }, { 0, 1 }, { 1, 4 }, { 2, 0 }, { 2, 1 } }, new[] { 0.5, 1.0, 0.9, 0.7, 1.2 });
    }
}
