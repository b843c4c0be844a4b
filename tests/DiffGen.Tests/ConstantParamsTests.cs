using System;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// [Constant] parameters (tests/DiffGen.Tests/Corpus/ConstantParams.cs): Forward equals the method, Backward's
    /// gradients of the other parameters match central differences and scale with the seed, the constant inputs are
    /// left alone, and the generated Backward has no gradient parameter for a constant one.
    /// </summary>
    public class ConstantParamsTests
    {
        private const double Seed = -2.5;

        /// <summary>The parameter names of the host-array Backward overload of <paramref name="method"/>.</summary>
        private static string[] BackwardParams(string method) =>
            typeof(ConstantParams).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == method + "Backward" && m.GetParameters().All(p => !p.ParameterType.Name.StartsWith("DeviceArray", StringComparison.Ordinal)))
                .GetParameters().Select(p => p.Name!).ToArray();

        [Fact]
        public void BackwardSignaturesHaveNoGradientForConstants()
        {
            Assert.Equal(new[] { "pred", "target", "predGrad", "seed" }, BackwardParams(nameof(ConstantParams.Mse)));
            Assert.Equal(new[] { "x", "weights", "bias", "y", "xGrad", "biasGrad", "seed" }, BackwardParams(nameof(ConstantParams.WeightedLoss)));
            Assert.Equal(new[] { "r", "delta", "rGrad", "seed" }, BackwardParams(nameof(ConstantParams.Huber)));
            Assert.Equal(new[] { "x", "mask", "scale", "y", "xGrad", "scaleGrad", "yGrad" }, BackwardParams(nameof(ConstantParams.MaskedTanh)));
            Assert.Equal(new[] { "w", "x", "target", "wGrad", "xGrad", "seed" }, BackwardParams(nameof(ConstantParams.LinearMse)));
            // The device overloads follow the same contract.
            var device = typeof(ConstantParams).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.Name == "MseBackward" && m.GetParameters()[0].ParameterType.Name.StartsWith("DeviceArray", StringComparison.Ordinal)).ToList();
            foreach (var m in device)
                Assert.DoesNotContain(m.GetParameters(), p => p.Name == "targetGrad");
        }

        [Fact]
        public void Mse_ForwardBackwardAndSeed()
        {
            var rng = new Random(1001);
            var pred = TestData.Vector(rng, 7);
            var target = TestData.Vector(rng, 7);
            var targetBefore = TestData.Clone(target);
            double reference = ConstantParams.Mse(pred, target);
            Check.Forward(reference, ConstantParams.MseForward(pred, target), "MseForward");

            var g = TestData.Garbage(pred);
            double value = ConstantParams.MseBackward(pred, target, g);
            Check.Forward(reference, value, "MseBackward value");
            Check.Unchanged(targetBefore, target, "target");
            Check.Gradient(FiniteDiff.Gradient(() => ConstantParams.Mse(pred, target), pred), g, "Mse dpred");
            // The analytic gradient 2 (pred - target) / n.
            for (int i = 0; i < pred.Length; i++)
                Check.Near(2 * (pred[i] - target[i]) / pred.Length, g[i], 1e-12, "Mse dpred closed form");

            var s = TestData.Garbage(pred);
            ConstantParams.MseBackward(pred, target, s, Seed);
            Check.Scaled(g, s, Seed, "Mse dpred");
        }

        [Fact]
        public void WeightedLoss_ForwardBackwardAndSeed()
        {
            var rng = new Random(1002);
            var x = TestData.Matrix(rng, 5, 3);
            var weights = TestData.Vector(rng, 5).Select(Math.Abs).ToArray();
            var y = TestData.Matrix(rng, 5, 3);
            double bias = 0.3;
            var weightsBefore = TestData.Clone(weights);
            var yBefore = TestData.Clone(y);
            double reference = ConstantParams.WeightedLoss(x, weights, bias, y);
            Check.Forward(reference, ConstantParams.WeightedLossForward(x, weights, bias, y), "WeightedLossForward");

            var gx = TestData.Garbage(x);
            double value = ConstantParams.WeightedLossBackward(x, weights, bias, y, gx, out double gbias);
            Check.Forward(reference, value, "WeightedLossBackward value");
            Check.Unchanged(weightsBefore, weights, "weights");
            Check.Unchanged(yBefore, y, "y");
            Check.Gradient(FiniteDiff.Gradient(() => ConstantParams.WeightedLoss(x, weights, bias, y), x), gx, "WeightedLoss dx");
            Check.Gradient(FiniteDiff.Derivative(b => ConstantParams.WeightedLoss(x, weights, b, y), bias), gbias, "WeightedLoss dbias");

            var sx = TestData.Garbage(x);
            ConstantParams.WeightedLossBackward(x, weights, bias, y, sx, out double sbias, Seed);
            Check.Scaled(gx, sx, Seed, "WeightedLoss dx");
            Check.Scaled(gbias, sbias, Seed, "WeightedLoss dbias");
        }

        [Fact]
        public void Huber_ForwardBackwardAndSeed()
        {
            var r = new[] { -2.0, -0.4, 0.1, 0.7, 1.9, -1.3 }; // both sides of delta, away from the kinks
            double delta = 1.0;
            double reference = ConstantParams.Huber(r, delta);
            Check.Forward(reference, ConstantParams.HuberForward(r, delta), "HuberForward");
            var g = TestData.Garbage(r);
            Check.Forward(reference, ConstantParams.HuberBackward(r, delta, g), "HuberBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => ConstantParams.Huber(r, delta), r), g, "Huber dr");
            var s = TestData.Garbage(r);
            ConstantParams.HuberBackward(r, delta, s, Seed);
            Check.Scaled(g, s, Seed, "Huber dr");
        }

        [Fact]
        public void MaskedTanh_LayerGradients()
        {
            var rng = new Random(1004);
            var x = TestData.Vector(rng, 6);
            var mask = new[] { 1.0, 0.0, 1.0, 0.5, 0.0, 2.0 };
            double scale = 0.8;
            var yGrad = TestData.Vector(rng, 6);

            var yRef = new double[6];
            ConstantParams.MaskedTanh(x, mask, scale, yRef);
            var yFwd = new double[6];
            ConstantParams.MaskedTanhForward(x, mask, scale, yFwd);
            Check.Gradient(yRef, yFwd, "MaskedTanhForward output");

            // L = Σ yGrad · y: Backward's gradients are dL/dx and dL/dscale.
            double L(double[] xs, double sc)
            {
                var y = new double[6];
                ConstantParams.MaskedTanh(xs, mask, sc, y);
                return y.Select((v, i) => v * yGrad[i]).Sum();
            }
            var y2 = new double[6];
            var gx = TestData.Garbage(x);
            var yGradBefore = TestData.Clone(yGrad);
            ConstantParams.MaskedTanhBackward(x, mask, scale, y2, gx, out double gscale, yGrad);
            Check.Gradient(yRef, y2, "MaskedTanhBackward output");
            Check.Unchanged(yGradBefore, yGrad, "yGrad");
            Check.Gradient(FiniteDiff.Gradient(() => L(x, scale), x), gx, "MaskedTanh dx");
            Check.Gradient(FiniteDiff.Derivative(sc => L(x, sc), scale), gscale, "MaskedTanh dscale");
        }

        [Fact]
        public void LinearMse_CompositionWithConstantTarget()
        {
            var rng = new Random(1005);
            var w = TestData.Matrix(rng, 4, 3);
            var x = TestData.Vector(rng, 3);
            var target = TestData.Vector(rng, 4);
            var targetBefore = TestData.Clone(target);
            double reference = ConstantParams.LinearMse(w, x, target);
            Check.Forward(reference, ConstantParams.LinearMseForward(w, x, target), "LinearMseForward");

            var gw = TestData.Garbage(w);
            var gx = TestData.Garbage(x);
            double value = ConstantParams.LinearMseBackward(w, x, target, gw, gx);
            Check.Forward(reference, value, "LinearMseBackward value");
            Check.Unchanged(targetBefore, target, "target");
            Check.Gradient(FiniteDiff.Gradient(() => ConstantParams.LinearMse(w, x, target), w), gw, "LinearMse dw");
            Check.Gradient(FiniteDiff.Gradient(() => ConstantParams.LinearMse(w, x, target), x), gx, "LinearMse dx");

            var sw = TestData.Garbage(w);
            var sx = TestData.Garbage(x);
            ConstantParams.LinearMseBackward(w, x, target, sw, sx, Seed);
            Check.Scaled(gw, sw, Seed, "LinearMse dw");
            Check.Scaled(gx, sx, Seed, "LinearMse dx");
        }
    }
}
