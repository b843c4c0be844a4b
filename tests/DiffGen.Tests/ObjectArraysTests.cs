using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Arrays and lists of layer objects (corpus <see cref="ObjMlp"/>, <see cref="ObjResNet"/>, <see cref="ObjNetF"/>,
    /// <see cref="ObjMixture"/>; Parse/ObjectArrays.cs): every gradient buffer (one array per element, the element's shape)
    /// against central differences of the user's method, Forward and Backward's value against the method, the weights
    /// unchanged, a seed scaling the gradients; a null list, a null element and a short gradient buffer throw before
    /// anything is written; an empty list is the identity.
    /// </summary>
    public class ObjectArraysTests
    {
        private static ObjDense Dense(Random r, int nIn, int nOut, bool tanh) =>
            new() { W = TestData.Matrix(r, nOut, nIn, 0.6), B = TestData.Vector(r, nOut, 0.3), Tanh = tanh };

        private static ObjMlp Mlp(Random r) => new() { Layers = { Dense(r, 4, 6, true), Dense(r, 6, 5, true), Dense(r, 5, 3, false) } };

        private static (double[][,] W, double[][] B) Buffers(IReadOnlyList<ObjDense> layers) =>
            (layers.Select(l => TestData.Garbage(l.W)).ToArray(), layers.Select(l => TestData.Garbage(l.B)).ToArray());

        [Fact]
        public void Mlp_list_of_layers_matches_finite_differences()
        {
            var r = new Random(71);
            var m = Mlp(r);
            var x = TestData.Vector(r, 4);
            var t = TestData.Vector(r, 3);
            double value = m.Loss(x, t);
            Check.Forward(value, m.LossForward(x, t), "Forward");
            var before = m.Layers.Select(l => (double[,])l.W.Clone()).ToArray();
            var (gw, gb) = Buffers(m.Layers);
            Check.Forward(value, m.LossBackward(x, t, gw, gb), "Backward value");
            for (int l = 0; l < m.Layers.Count; l++)
            {
                Check.Unchanged(before[l], m.Layers[l].W, $"Layers[{l}].W");
                Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x, t), m.Layers[l].W), gw[l], $"dLayers[{l}].W");
                Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x, t), m.Layers[l].B), gb[l], $"dLayers[{l}].B");
            }
            var (sw, sb) = Buffers(m.Layers);
            m.LossBackward(x, t, sw, sb, seed: -0.75);
            for (int l = 0; l < m.Layers.Count; l++)
            {
                Check.Scaled(gw[l], sw[l], -0.75, $"seeded dLayers[{l}].W");
                Check.Scaled(gb[l], sb[l], -0.75, $"seeded dLayers[{l}].B");
            }
        }

        [Fact]
        public void An_empty_list_is_the_identity()
        {
            var m = new ObjMlp();
            var x = new[] { 0.3, -0.2 };
            var t = new[] { 0.1, 0.4 };
            Check.Forward(m.Loss(x, t), m.LossForward(x, t), "Forward");
            Check.Forward(m.Loss(x, t), m.LossBackward(x, t, Array.Empty<double[,]>(), Array.Empty<double[]>()), "Backward value");
        }

        [Fact]
        public void A_null_list_or_element_or_a_short_buffer_throws_before_anything_is_written()
        {
            var r = new Random(72);
            var m = Mlp(r);
            var x = TestData.Vector(r, 4);
            var t = TestData.Vector(r, 3);
            var (gw, gb) = Buffers(m.Layers);
            // a buffer for two of the three layers: named, nothing written
            var shortW = gw.Take(2).ToArray();
            var e = Assert.Throws<ArgumentException>(() => m.LossBackward(x, t, shortW, gb));
            Assert.Contains("Layers_WGrad", e.Message);
            Assert.True(gb.All(b => b.All(double.IsNaN)), "a gradient buffer was written before the check");
            var second = m.Layers[1];
            m.Layers[1] = null!;
            var n = Assert.Throws<ArgumentNullException>(() => m.LossForward(x, t));
            Assert.Contains("Layers[1]", n.Message);
            m.Layers[1] = second;
            m.Layers = null!;
            Assert.Equal("Layers", Assert.Throws<ArgumentNullException>(() => m.LossBackward(x, t, gw, gb)).ParamName);
            Assert.True(gb.All(b => b.All(double.IsNaN)), "a gradient buffer was written before the check");
        }

        [Fact]
        public void ResNet_blocks_and_struct_scales_match_finite_differences()
        {
            var r = new Random(73);
            var m = new ObjResNet
            {
                Blocks = Enumerable.Range(0, 3).Select(b => new ObjBlock
                {
                    Fc1 = new ObjLinear { W = TestData.Matrix(r, 6, 4, 0.5), B = TestData.Vector(r, 6, 0.3) },
                    Fc2 = new ObjLinear { W = TestData.Matrix(r, 4, 6, 0.5), B = TestData.Vector(r, 4, 0.3) },
                    Gamma = 0.4 + 0.2 * b,
                }).ToArray(),
                Scales = Enumerable.Range(0, 2).Select(k => new ObjScale { S = TestData.Vector(r, 4).Select(v => 1 + 0.3 * v).ToArray(), Bias = 0.1 * k - 0.05 }).ToArray(),
            };
            var x = TestData.Vector(r, 4);
            var t = TestData.Vector(r, 4);
            double value = m.Loss(x, t);
            Check.Forward(value, m.LossForward(x, t), "Forward");
            var gx = TestData.Garbage(x);
            var g1w = m.Blocks.Select(b => TestData.Garbage(b.Fc1.W)).ToArray();
            var g1b = m.Blocks.Select(b => TestData.Garbage(b.Fc1.B)).ToArray();
            var g2w = m.Blocks.Select(b => TestData.Garbage(b.Fc2.W)).ToArray();
            var g2b = m.Blocks.Select(b => TestData.Garbage(b.Fc2.B)).ToArray();
            var gGamma = new double[3];
            var gS = m.Scales.Select(s => TestData.Garbage(s.S)).ToArray();
            // gradients in the attribute's order: x, then the blocks' members in declaration order, then Scales.S
            Check.Forward(value, m.LossBackward(x, t, gx, g1w, g1b, g2w, g2b, gGamma, gS), "Backward value");
            double L() => m.Loss(x, t);
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            for (int b = 0; b < 3; b++)
            {
                var block = m.Blocks[b];
                Check.Gradient(FiniteDiff.Gradient(L, block.Fc1.W), g1w[b], $"dBlocks[{b}].Fc1.W");
                Check.Gradient(FiniteDiff.Gradient(L, block.Fc1.B), g1b[b], $"dBlocks[{b}].Fc1.B");
                Check.Gradient(FiniteDiff.Gradient(L, block.Fc2.W), g2w[b], $"dBlocks[{b}].Fc2.W");
                Check.Gradient(FiniteDiff.Gradient(L, block.Fc2.B), g2b[b], $"dBlocks[{b}].Fc2.B");
                double g0 = block.Gamma;
                Check.Gradient(FiniteDiff.Derivative(v => { block.Gamma = v; double y = L(); block.Gamma = g0; return y; }, g0), gGamma[b], $"dBlocks[{b}].Gamma");
            }
            for (int k = 0; k < 2; k++) Check.Gradient(FiniteDiff.Gradient(L, m.Scales[k].S), gS[k], $"dScales[{k}].S");
        }

        [Fact]
        public void Float_list_inside_a_layer_object_matches_its_double_twin()
        {
            // float: the gradients against central differences of the same network in double (float differences are too coarse)
            var r = new Random(74);
            int[] sizes = { 3, 5, 4, 2 };
            var ws = Enumerable.Range(0, 3).Select(l => TestData.Matrix(r, sizes[l + 1], sizes[l], 0.6)).ToArray();
            var bs = Enumerable.Range(0, 3).Select(l => TestData.Vector(r, sizes[l + 1], 0.3)).ToArray();
            var net = new ObjNetF();
            for (int l = 0; l < 3; l++) net.Enc.Layers.Add(new ObjDenseF { W = TestData.ToFloat(ws[l]), B = TestData.ToFloat(bs[l]) });
            var x = TestData.Vector(r, 3);
            var xf = TestData.ToFloat(x);
            double Twin()
            {
                double[] a = x;
                for (int l = 0; l < 3; l++)
                {
                    var z = new double[sizes[l + 1]];
                    for (int o = 0; o < z.Length; o++)
                    {
                        double s = bs[l][o];
                        for (int i = 0; i < sizes[l]; i++) s += ws[l][o, i] * a[i];
                        z[o] = Math.Tanh(s);
                    }
                    a = z;
                }
                return a.Sum(v => v * v);
            }
            Check.Near(net.Loss(xf), net.LossForward(xf), Check.FloatForwardTol, "Forward");
            var gw = net.Enc.Layers.Select(l => TestData.Garbage(l.W)).ToArray();
            var gb = net.Enc.Layers.Select(l => TestData.Garbage(l.B)).ToArray();
            Check.Near(net.Loss(xf), net.LossBackward(xf, gw, gb), Check.FloatForwardTol, "Backward value");
            for (int l = 0; l < 3; l++)
            {
                Check.Gradient(FiniteDiff.Gradient(Twin, ws[l]), gw[l], $"dEnc.Layers[{l}].W");
                Check.Gradient(FiniteDiff.Gradient(Twin, bs[l]), gb[l], $"dEnc.Layers[{l}].B");
            }
        }

        [Fact]
        public void Mixture_of_experts_in_a_read_only_list_matches_finite_differences()
        {
            var r = new Random(75);
            var experts = Enumerable.Range(0, 4).Select(e => new ObjExpert { W = TestData.Vector(r, 5), Temperature = 0.7 + 0.3 * e }).ToList();
            var m = new ObjMixture { Experts = experts };
            var x = TestData.Vector(r, 5);
            double value = m.LogPartition(x);
            Check.Forward(value, m.LogPartitionForward(x), "Forward");
            var gw = experts.Select(e => TestData.Garbage(e.W)).ToArray();
            var gt = new double[4];
            Check.Forward(value, m.LogPartitionBackward(x, gw, gt), "Backward value");
            double L() => m.LogPartition(x);
            for (int e = 0; e < 4; e++)
            {
                var ex = experts[e];
                Check.Gradient(FiniteDiff.Gradient(L, ex.W), gw[e], $"dExperts[{e}].W");
                double t0 = ex.Temperature;
                Check.Gradient(FiniteDiff.Derivative(v => { ex.Temperature = v; double y = L(); ex.Temperature = t0; return y; }, t0), gt[e], $"dExperts[{e}].Temperature");
            }
        }
    
        [Fact]
        public void Sequential_list_of_interface_layers_matches_finite_differences()
        {
            var r = new Random(76);
            var first = new ObjSeqLinear { W = TestData.Matrix(r, 5, 3, 0.6), B = TestData.Vector(r, 5, 0.3) };
            var last = new ObjSeqLinear { W = TestData.Matrix(r, 2, 5, 0.6), B = TestData.Vector(r, 2, 0.3) };
            var scale = new ObjSeqScale { Gain = 0.8 };
            var m = new ObjSequential { Layers = { first, new ObjSeqTanh(), scale, last } };
            var x = TestData.Vector(r, 3);
            var t = TestData.Vector(r, 2);
            double value = m.Loss(x, t);
            Check.Forward(value, m.LossForward(x, t), "Forward");
            // every element has a buffer in each class's layout: an empty one for the elements of other classes
            var gx = TestData.Garbage(x);
            var gw = new[] { TestData.Garbage(first.W), new double[0, 0], new double[0, 0], TestData.Garbage(last.W) };
            var gb = new[] { TestData.Garbage(first.B), new double[0], new double[0], TestData.Garbage(last.B) };
            var gGain = new double[4];
            Check.Forward(value, m.LossBackward(x, t, gx, gw, gb, gGain), "Backward value");
            double L() => m.Loss(x, t);
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(L, first.W), gw[0], "dLayers[0].W");
            Check.Gradient(FiniteDiff.Gradient(L, first.B), gb[0], "dLayers[0].B");
            Check.Gradient(FiniteDiff.Gradient(L, last.W), gw[3], "dLayers[3].W");
            Check.Gradient(FiniteDiff.Gradient(L, last.B), gb[3], "dLayers[3].B");
            Check.Gradient(FiniteDiff.Derivative(v => { scale.Gain = v; double y = L(); scale.Gain = 0.8; return y; }, 0.8), gGain[2], "dLayers[2].Gain");
            Assert.Equal(0.0, gGain[0]);
            // the classes in another order: each element's own class is read per call
            var reordered = new ObjSequential { Layers = { first, scale, new ObjSeqTanh(), last } };
            Check.Forward(reordered.Loss(x, t), reordered.LossForward(x, t), "Forward, reordered");
        }

        [Fact]
        public void Ensemble_of_abstract_heads_through_a_helper_matches_finite_differences()
        {
            var r = new Random(77);
            var heads = new ObjHeadBase[]
            {
                new ObjDotHead { W = TestData.Vector(r, 4) },
                new ObjSquareHead { W = TestData.Vector(r, 4), Scale = 0.7 },
                new ObjSquareHead { W = TestData.Vector(r, 4), Scale = -0.3 },
            };
            var m = new ObjEnsemble { Heads = heads };
            var h = TestData.Vector(r, 4);
            double value = m.Mean(h);
            Check.Forward(value, m.MeanForward(h), "Forward");
            var gw = heads.Select(x => TestData.Garbage(x.W)).ToArray();
            var gScale = new double[3];
            Check.Forward(value, m.MeanBackward(h, gw, gScale), "Backward value");
            double L() => m.Mean(h);
            for (int k = 0; k < 3; k++) Check.Gradient(FiniteDiff.Gradient(L, heads[k].W), gw[k], $"dHeads[{k}].W");
            for (int k = 1; k < 3; k++)
            {
                var sq = (ObjSquareHead)heads[k];
                double s0 = sq.Scale;
                Check.Gradient(FiniteDiff.Derivative(v => { sq.Scale = v; double y = L(); sq.Scale = s0; return y; }, s0), gScale[k], $"dHeads[{k}].Scale");
            }
            heads[1] = null!;
            Assert.Contains("Heads[1]", Assert.Throws<ArgumentNullException>(() => m.MeanForward(h)).Message);
        }
    
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_local_from_a_virtual_call_returning_arrays_of_different_lengths(bool doubled)
        {
            var w = new[] { 0.5, -1.0, 2.0 };
            var m = new ObjVirtualModel { L = doubled ? new ObjDoubledLayer { W = w } : new ObjVirtualLayer { W = w } };
            var x = new[] { 1.0, 2.0, -3.0 };
            double value = m.Loss(x);
            Check.Forward(value, m.LossForward(x), "Forward");
            var gw = TestData.Garbage(w);
            var gx = TestData.Garbage(x);
            Check.Forward(value, m.LossBackward(x, gx, gw), "Backward value"); // the parameters' gradients first, then the fields'
            Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x), m.L.W), gw, "dL.W");
            Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x), x), gx, "dx");
        }
    
        [Fact]
        public void A_positional_record_deconstructed_into_locals()
        {
            var r = new Random(78);
            var m = new ObjSoftmaxClassifier { W = TestData.Vector(r, 6), Config = new ObjTrainConfig(1.3, 0.05, 3) };
            var x = TestData.Vector(r, 2);
            double value = m.Loss(x, 1);
            Check.Forward(value, m.LossForward(x, 1), "Forward");
            var gw = TestData.Garbage(m.W);
            Check.Forward(value, m.LossBackward(x, 1, gw, out double gTemperature), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x, 1), m.W), gw, "dW");
            var config = m.Config;
            Check.Gradient(FiniteDiff.Derivative(t => { m.Config = config with { Temperature = t }; double y = m.Loss(x, 1); m.Config = config; return y; }, 1.3), gTemperature, "dConfig.Temperature");
        }
    
        [Fact]
        public void Layers_passed_as_a_parameter_match_finite_differences()
        {
            var r = new Random(79);
            var layers = new List<ObjDense> { Dense(r, 3, 4, true), Dense(r, 4, 2, false) };
            var x = TestData.Vector(r, 3);
            var y = TestData.Vector(r, 2);
            double value = ObjLayerLosses.Loss(layers, x, y);
            Check.Forward(value, ObjLayerLosses.LossForward(layers, x, y), "Forward");
            var gx = TestData.Garbage(x);
            var (gw, gb) = Buffers(layers);
            // the parameters' gradients first (x), then the layers' members
            Check.Forward(value, ObjLayerLosses.LossBackward(layers, x, y, gx, gw, gb), "Backward value");
            double L() => ObjLayerLosses.Loss(layers, x, y);
            Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            for (int l = 0; l < 2; l++)
            {
                Check.Gradient(FiniteDiff.Gradient(L, layers[l].W), gw[l], $"dlayers[{l}].W");
                Check.Gradient(FiniteDiff.Gradient(L, layers[l].B), gb[l], $"dlayers[{l}].B");
            }
            Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => ObjLayerLosses.LossForward(null!, x, y)).ParamName);
        }
    }
}
