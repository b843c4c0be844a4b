using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Array fields the method updates (<see cref="BatchNormLayer"/>'s running statistics, <see cref="StateFields.Seen"/>): the
    /// method, Forward and Backward each update them once per call, to the same values; gradients (central differences of the
    /// user's method, with the state reset before every evaluation) include what flows through a field's new value.
    /// </summary>
    public class StateFieldsTests
    {
        private static BatchNormLayer Layer(int features, int seed)
        {
            var rng = new Random(seed);
            var layer = new BatchNormLayer(features);
            for (int f = 0; f < features; f++)
            {
                layer.Gamma[f] = 0.5 + rng.NextDouble();
                layer.Beta[f] = rng.NextDouble() - 0.5;
                layer.RunningMean[f] = rng.NextDouble() - 0.5;
                layer.RunningVar[f] = 0.5 + rng.NextDouble();
            }
            return layer;
        }

        [Theory]
        [InlineData(5, 3)]
        [InlineData(17, 6)]
        public void TrainLoss_updates_the_running_statistics_once_and_differentiates_gamma_and_beta(int n, int features)
        {
            var rng = new Random(n * 10 + features);
            var x = TestData.Matrix(rng, n, features);
            var t = TestData.Matrix(rng, n, features);
            var start = Layer(features, 4);
            double[] mean0 = (double[])start.RunningMean.Clone(), var0 = (double[])start.RunningVar.Clone();

            var user = Layer(features, 4);
            double expected = user.TrainLoss(x, t);
            Assert.NotEqual(mean0, user.RunningMean);

            var fwd = Layer(features, 4);
            Assert.Equal(expected, fwd.TrainLossForward(x, t), 10);
            Check.Gradient(user.RunningMean, fwd.RunningMean, "running mean after Forward", 1e-12);
            Check.Gradient(user.RunningVar, fwd.RunningVar, "running var after Forward", 1e-12);

            var bwd = Layer(features, 4);
            var gGamma = new double[features];
            var gBeta = new double[features];
            Assert.Equal(expected, bwd.TrainLossBackward(x, t, gGamma, gBeta), 10);
            Check.Gradient(user.RunningMean, bwd.RunningMean, "running mean after Backward (one update)", 1e-12);
            Check.Gradient(user.RunningVar, bwd.RunningVar, "running var after Backward (one update)", 1e-12);

            var fd = Layer(features, 4);
            double Loss()
            {
                Array.Copy(mean0, fd.RunningMean, features);
                Array.Copy(var0, fd.RunningVar, features);
                return fd.TrainLoss(x, t);
            }
            Check.Gradient(FiniteDiff.Gradient(Loss, fd.Gamma), gGamma, "dGamma");
            Check.Gradient(FiniteDiff.Gradient(Loss, fd.Beta), gBeta, "dBeta");
        }

        [Fact]
        public void UpdateThenRead_differentiates_through_the_new_value_of_the_field()
        {
            var rng = new Random(9);
            var x = TestData.Vector(rng, 7);
            var layer = Layer(7, 2);
            var mean0 = (double[])layer.RunningMean.Clone();

            var user = Layer(7, 2);
            double expected = user.UpdateThenRead(x);

            var bwd = Layer(7, 2);
            var gx = new double[7];
            Assert.Equal(expected, bwd.UpdateThenReadBackward(x, gx, seed: 2.0), 10);
            Check.Gradient(user.RunningMean, bwd.RunningMean, "running mean after Backward", 1e-12);

            double Loss()
            {
                Array.Copy(mean0, layer.RunningMean, 7);
                return 2.0 * layer.UpdateThenRead(x);
            }
            var fdx = FiniteDiff.Gradient(Loss, x);
            Assert.Contains(fdx, v => Math.Abs(v) > 1e-3);
            Check.Gradient(fdx, gx, "dx through RunningMean's new value");
        }

        [Fact]
        public void A_static_table_updated_through_a_helper_counts_each_call_once()
        {
            var rng = new Random(3);
            var r = TestData.Vector(rng, 10, 2.0);
            {
                // only this test touches StateFields.Seen (the device tests run the array form on arrays of their own)
                Array.Clear(StateFields.Seen);
                double v = StateFields.WeightedHuber(r, 0.8);
                var afterUser = (double[])StateFields.Seen.Clone();
                Assert.Equal(new[] { 3.0, 3.0, 2.0, 2.0 }, afterUser);
                Assert.Equal(v, StateFields.WeightedHuberForward(r, 0.8), 10);
                Assert.Equal(afterUser.Select(c => 2 * c), StateFields.Seen);
                var gr = new double[10];
                Assert.Equal(v, StateFields.WeightedHuberBackward(r, 0.8, gr, out double gDelta), 10);
                Assert.Equal(afterUser.Select(c => 3 * c), StateFields.Seen);
                var saved = (double[])StateFields.Seen.Clone();
                Check.Gradient(FiniteDiff.Gradient(() => StateFields.WeightedHuber(r, 0.8), r), gr, "dr");
                Array.Copy(saved, StateFields.Seen, 4);
            }
        }
    }
}
