using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Layer objects named whole in [Differentiable(...)] (<see cref="WholeTwoLayerNet"/>, <see cref="WholeNested"/>,
    /// <see cref="WholeParams"/>): the gradients of every float/double member, in declaration order, equal central differences;
    /// Backward returns the method's value; a seed scales them; the weights are unchanged.
    /// </summary>
    public class WholeObjectsTests
    {
        private const double Seed = -0.75;

        [Fact]
        public void Two_layer_net_named_by_its_layers()
        {
            var rng = new Random(30);
            var first = new WholeDense(TestData.Matrix(rng, 5, 4), TestData.Vector(rng, 5));
            var second = new WholeDense(TestData.Matrix(rng, 3, 5), TestData.Vector(rng, 3));
            var net = new WholeTwoLayerNet(first, second);
            var x = TestData.Vector(rng, 4);
            var t = TestData.Vector(rng, 3);
            var w1 = (double[,])first.W.Clone();
            double reference = net.Loss(x, t);
            Check.Forward(reference, net.LossForward(x, t), "Forward");
            var g1 = TestData.Garbage(first.W);
            var gb1 = TestData.Garbage(first.B);
            var g2 = TestData.Garbage(second.W);
            var gb2 = TestData.Garbage(second.B);
            Check.Forward(reference, net.LossBackward(x, t, g1, gb1, g2, gb2), "Backward value");
            Check.Unchanged(w1, first.W, "First.W");
            Check.Gradient(FiniteDiff.Gradient(() => net.Loss(x, t), first.W), g1, "dFirst.W");
            Check.Gradient(FiniteDiff.Gradient(() => net.Loss(x, t), first.B), gb1, "dFirst.B");
            Check.Gradient(FiniteDiff.Gradient(() => net.Loss(x, t), second.W), g2, "dSecond.W");
            Check.Gradient(FiniteDiff.Gradient(() => net.Loss(x, t), second.B), gb2, "dSecond.B");
            var s1 = TestData.Garbage(first.W);
            var sb1 = TestData.Garbage(first.B);
            var s2 = TestData.Garbage(second.W);
            var sb2 = TestData.Garbage(second.B);
            net.LossBackward(x, t, s1, sb1, s2, sb2, Seed);
            Check.Scaled(g1, s1, Seed, "dFirst.W");
            Check.Scaled(gb1, sb1, Seed, "dFirst.B");
            Check.Scaled(g2, s2, Seed, "dSecond.W");
            Check.Scaled(gb2, sb2, Seed, "dSecond.B");
        }

        [Fact]
        public void Nested_objects_reach_every_float_member_three_levels_down()
        {
            var rng = new Random(31);
            var model = new WholeNested
            {
                Enc = new WholeEncoder
                {
                    Fc = new WholeDense(TestData.Matrix(rng, 4, 3), TestData.Vector(rng, 4)),
                    Gate = new WholeGate { W = TestData.Vector(rng, 4), Bias = 0.3 },
                    Temperature = 1.7,
                },
            };
            var x = TestData.Vector(rng, 3);
            double reference = model.Score(x);
            Check.Forward(reference, model.ScoreForward(x), "Forward");
            var gw = TestData.Garbage(model.Enc.Fc.W);
            var gb = TestData.Garbage(model.Enc.Fc.B);
            var gg = TestData.Garbage(model.Enc.Gate.W);
            // order: Fc.W, Fc.B (the layer), Gate.W, Gate.Bias (the struct), Temperature; Steps is an int, Doubled computed
            Check.Forward(reference, model.ScoreBackward(x, gw, gb, gg, out double gBias, out double gTemp), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => model.Score(x), model.Enc.Fc.W), gw, "dEnc.Fc.W");
            Check.Gradient(FiniteDiff.Gradient(() => model.Score(x), model.Enc.Fc.B), gb, "dEnc.Fc.B");
            Check.Gradient(FiniteDiff.Gradient(() => model.Score(x), model.Enc.Gate.W), gg, "dEnc.Gate.W");
            Check.Gradient(FiniteDiff.Derivative(b => { var g = model.Enc.Gate; g.Bias = b; model.Enc.Gate = g; return model.Score(x); }, 0.3), gBias, "dEnc.Gate.Bias");
            Check.Gradient(FiniteDiff.Derivative(v => { model.Enc.Temperature = v; return model.Score(x); }, 1.7), gTemp, "dEnc.Temperature");
            // the derivatives above leave the last probed values behind: put the inputs back
            model.Enc.Temperature = 1.7;
            model.Enc.Gate = new WholeGate { W = model.Enc.Gate.W, Bias = 0.3 };
            model.ScoreBackward(x, TestData.Garbage(gw), TestData.Garbage(gb), TestData.Garbage(gg), out double sBias, out double sTemp, Seed);
            Check.Scaled(gBias, sBias, Seed, "dEnc.Gate.Bias");
            Check.Scaled(gTemp, sTemp, Seed, "dEnc.Temperature");
        }

        [Fact]
        public void Layer_objects_passed_as_parameters()
        {
            var rng = new Random(32);
            var layer = new WholeDense(TestData.Matrix(rng, 4, 3), TestData.Vector(rng, 4));
            var gate = new WholeGate { W = TestData.Vector(rng, 4), Bias = -0.2 };
            var x = TestData.Vector(rng, 3);
            double reference = WholeParams.Energy(layer, gate, x);
            Check.Forward(reference, WholeParams.EnergyForward(layer, gate, x), "Forward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(layer.W);
            var gb = TestData.Garbage(layer.B);
            // parameters' gradients first, then the members', as for path strings
            Check.Forward(reference, WholeParams.EnergyBackward(layer, gate, x, gx, gw, gb), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => WholeParams.Energy(layer, gate, x), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => WholeParams.Energy(layer, gate, x), layer.W), gw, "dlayer.W");
            Check.Gradient(FiniteDiff.Gradient(() => WholeParams.Energy(layer, gate, x), layer.B), gb, "dlayer.B");

            var x4 = TestData.Vector(rng, 4);
            double r2 = WholeParams.GateOnly(gate, x4);
            var gg = TestData.Garbage(gate.W);
            Check.Forward(r2, WholeParams.GateOnlyBackward(gate, x4, gg, out double gBias), "GateOnly Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => WholeParams.GateOnly(gate, x4), gate.W), gg, "dgate.W");
            Check.Gradient(FiniteDiff.Derivative(b => WholeParams.GateOnly(new WholeGate { W = gate.W, Bias = b }, x4), gate.Bias), gBias, "dgate.Bias");
        }
    
        [Fact]
        public void Computed_properties_of_this_type_keep_the_derivative_through_their_fields()
        {
            var model = new WholeScaled();
            var x = TestData.Vector(new Random(33), 3);
            double reference = model.Energy(x);
            Check.Forward(reference, model.EnergyForward(x), "Forward");
            var gw = TestData.Garbage(model.W);
            Check.Forward(reference, model.EnergyBackward(x, out double gBias, gw, out double gGain), "Backward value");
            Check.Gradient(FiniteDiff.Derivative(b => { model.Bias = b; return model.Energy(x); }, 0.4), gBias, "dBias");
            model.Bias = 0.4;
            Check.Gradient(FiniteDiff.Gradient(() => model.Energy(x), model.W), gw, "dW");
            Check.Gradient(FiniteDiff.Derivative(g => { WholeScaled.Gain = g; return model.Energy(x); }, 0.8), gGain, "dGain");
            WholeScaled.Gain = 0.8;
        }
    }
}
