using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Layer stacks (<see cref="LayerStacks"/>): <c>activation = next;</c> with widths that change per layer, checked by
    /// <see cref="MethodOracle"/> (the method, Forward and Backward agree; central differences in double; float against its double
    /// twin; seed scaling; inputs unchanged) at several width sequences, widening and narrowing, one layer and none.
    /// </summary>
    public class LayerStacksTests
    {
        private static readonly Type T = typeof(LayerStacks);

        private static (double[][] W, double[][] B) Flat(Random rng, int[] sizes)
        {
            int layers = Math.Max(sizes.Length - 1, 0);
            var w = new double[layers][];
            var b = new double[layers][];
            for (int l = 0; l < layers; l++)
            {
                w[l] = TestData.Vector(rng, sizes[l] * sizes[l + 1], 0.6);
                b[l] = TestData.Vector(rng, sizes[l + 1], 0.3);
            }
            return (w, b);
        }

        private static float[] F(double[] v) => v.Select(x => (float)x).ToArray();
        private static float[][] F(double[][] v) => v.Select(F).ToArray();

        public static TheoryData<int[]> Widths => new()
        {
            new[] { 5, 8, 3, 4 },
            new[] { 3, 1, 6 },
            new[] { 4, 4, 4 },
            new[] { 9, 2 },
            new[] { 2, 17, 33, 5, 1 },
        };

        [Theory]
        [MemberData(nameof(Widths))]
        public void Mlp(int[] sizes)
        {
            var rng = new Random(sizes.Sum());
            var (w, b) = Flat(rng, sizes);
            MethodOracle.Check(T, nameof(LayerStacks.Mlp), new object?[] { w, b, sizes, TestData.Vector(rng, sizes[0]), TestData.Vector(rng, sizes[^1]) });
        }

        [Fact]
        public void Mlp_without_layers_is_the_input()
        {
            // one width, no layer: the activation stays the input (a copy of it)
            var rng = new Random(5);
            var (w, b) = Flat(rng, new[] { 3 });
            var x = TestData.Vector(rng, 3);
            var y = TestData.Vector(rng, 3);
            MethodOracle.Check(T, nameof(LayerStacks.Mlp), new object?[] { w, b, new[] { 3 }, x, y });
            Assert.Equal(LayerStacks.Mlp(w, b, new[] { 3 }, x, y), LayerStacks.MlpForward(w, b, new[] { 3 }, x, y));
        }

        [Theory]
        [MemberData(nameof(Widths))]
        public void MlpF(int[] sizes)
        {
            var rng = new Random(sizes.Sum() + 1);
            var (w, b) = Flat(rng, sizes);
            MethodOracle.Check(T, nameof(LayerStacks.MlpF), new object?[] { F(w), F(b), sizes, F(TestData.Vector(rng, sizes[0])), F(TestData.Vector(rng, sizes[^1])) });
        }

        // a double[][,] of matrices whose shapes differ per layer: padded rows of one T[L, R·C] (SurfaceArrays.FlattenStack)
        [Theory]
        [InlineData(new[] { 4, 7, 2 })]
        [InlineData(new[] { 6, 3, 9, 1 })]
        [InlineData(new[] { 4, 4, 4 })]
        [InlineData(new[] { 3, 3 })]
        [InlineData(new[] { 1, 12, 1, 5 })]
        public void MatrixStack(int[] sizes)
        {
            var rng = new Random(sizes.Sum() * 3);
            var weights = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Matrix(rng, sizes[l + 1], sizes[l], 0.7)).ToArray();
            var biases = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Vector(rng, sizes[l + 1], 0.4)).ToArray();
            MethodOracle.Check(T, nameof(LayerStacks.MatrixStack), new object?[] { weights, biases, TestData.Vector(rng, sizes[0]) });
        }

        [Theory]
        [InlineData(new[] { 4, 7, 2 })]
        [InlineData(new[] { 5, 16, 8, 3 })]
        [InlineData(new[] { 2, 2 })]
        public void DenseStack(int[] sizes)
        {
            var rng = new Random(sizes.Sum() * 5);
            var layers = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Matrix(rng, sizes[l + 1], sizes[l], 0.7)).ToArray();
            var biases = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Vector(rng, sizes[l + 1], 0.4)).ToArray();
            MethodOracle.Check(T, nameof(LayerStacks.DenseStack), new object?[] { layers, biases, TestData.Vector(rng, sizes[0]), TestData.Vector(rng, sizes[^1]) });
        }

        [Fact]
        public void DenseStack_gradients_land_in_buffers_of_each_layers_shape()
        {
            var rng = new Random(8);
            int[] sizes = { 3, 5, 2 };
            var layers = Enumerable.Range(0, 2).Select(l => TestData.Matrix(rng, sizes[l + 1], sizes[l])).ToArray();
            var biases = Enumerable.Range(0, 2).Select(l => TestData.Vector(rng, sizes[l + 1])).ToArray();
            var x = TestData.Vector(rng, 3);
            var t = TestData.Vector(rng, 2);
            var gl = layers.Select(w => new double[w.GetLength(0), w.GetLength(1)]).ToArray();
            var gb = biases.Select(b => new double[b.Length]).ToArray();
            LayerStacks.DenseStackBackward(layers, biases, x, t, gl, gb);
            for (int l = 0; l < 2; l++)
                Check.Gradient(FiniteDiff.Gradient(() => LayerStacks.DenseStack(layers, biases, x, t), layers[l]), gl[l], "dW" + l);
            // a gradient buffer of another shape than its layer is refused, naming it
            var wrong = new[] { new double[5, 3], new double[5, 2] };
            var e = Assert.Throws<ArgumentException>(() => LayerStacks.DenseStackBackward(layers, biases, x, t, wrong, gb));
            Assert.Contains("layersGrad[1]", e.Message);
        }

        [Theory]
        [InlineData(new[] { 5, 7, 3, 1 })]
        [InlineData(new[] { 2, 1 })]
        public void AffineThenTanhInPlace(int[] sizes)
        {
            var rng = new Random(sizes.Sum() * 19);
            var layers = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Matrix(rng, sizes[l + 1], sizes[l], 0.7)).ToArray();
            var biases = Enumerable.Range(0, sizes.Length - 1).Select(l => TestData.Vector(rng, sizes[l + 1], 0.4)).ToArray();
            MethodOracle.Check(T, nameof(LayerStacks.AffineThenTanhInPlace), new object?[] { layers, biases, TestData.Vector(rng, sizes[0]), 0.3 });
        }

        [Theory]
        [InlineData(4, 6, 3, 0)]
        [InlineData(7, 2, 5, 4)]
        [InlineData(3, 9, 9, 8)]
        public void TwoDense(int din, int hidden, int classes, int label)
        {
            var rng = new Random(din * 31 + hidden);
            MethodOracle.Check(T, nameof(LayerStacks.TwoDense), new object?[]
            {
                TestData.Matrix(rng, hidden, din, 0.8), TestData.Vector(rng, hidden, 0.3), TestData.Matrix(rng, classes, hidden, 0.8),
                TestData.Vector(rng, classes, 0.3), TestData.Vector(rng, din), label,
            });
        }

        [Theory]
        [InlineData(1, new[] { 3, 5, 1 })]
        [InlineData(6, new[] { 4, 2, 7, 1 })]
        public void BatchMlp(int batch, int[] sizes)
        {
            var rng = new Random(batch + sizes.Sum());
            var (w, b) = Flat(rng, sizes);
            var xs = Enumerable.Range(0, batch).Select(_ => TestData.Vector(rng, sizes[0])).ToArray();
            MethodOracle.Check(T, nameof(LayerStacks.BatchMlp), new object?[] { w, b, sizes, xs, TestData.Vector(rng, batch) });
        }

        [Theory]
        [InlineData(new[] { 4, 4, 6, 6, 2 }, 4)]
        [InlineData(new[] { 3 }, 5)]
        [InlineData(new[] { 5, 5 }, 5)]
        public void Residual(int[] widths, int din)
        {
            var rng = new Random(widths.Sum() + din);
            var w = new double[widths.Length][];
            int width = din;
            for (int l = 0; l < widths.Length; l++)
            {
                w[l] = TestData.Vector(rng, widths[l] * width, 0.5);
                width = widths[l];
            }
            MethodOracle.Check(T, nameof(LayerStacks.Residual), new object?[] { w, widths, TestData.Vector(rng, din) });
        }

        private static double[][][] JaggedWeights(Random rng, int[] sizes) =>
            Enumerable.Range(0, sizes.Length - 1).Select(l => Enumerable.Range(0, sizes[l + 1]).Select(_ => TestData.Vector(rng, sizes[l], 0.6)).ToArray()).ToArray();

        [Theory]
        [InlineData(new[] { 4, 7, 3, 2 })]
        [InlineData(new[] { 5, 1 })]
        [InlineData(new[] { 2, 9, 9, 4 })]
        public void JaggedMlp(int[] sizes)
        {
            var rng = new Random(sizes.Sum() * 11);
            var (_, b) = Flat(rng, sizes);
            MethodOracle.Check(T, nameof(LayerStacks.JaggedMlp), new object?[] { JaggedWeights(rng, sizes), b, TestData.Vector(rng, sizes[0]), TestData.Vector(rng, sizes[^1]) });
        }

        [Theory]
        [InlineData(new[] { 5, 8, 3 }, 2)]
        [InlineData(new[] { 3, 3, 3, 4 }, 0)]
        public void JaggedViewMlp(int[] sizes, int label)
        {
            var rng = new Random(sizes.Sum() * 17);
            MethodOracle.Check(T, nameof(LayerStacks.JaggedViewMlp), new object?[] { JaggedWeights(rng, sizes), TestData.Vector(rng, sizes[0]), label });
        }

        [Theory]
        [InlineData(new[] { 3, 6, 2 })]
        [InlineData(new[] { 6, 6, 6 })]
        public void JaggedMlpHelper(int[] sizes)
        {
            var rng = new Random(sizes.Sum() * 13);
            var (_, b) = Flat(rng, sizes);
            MethodOracle.Check(T, nameof(LayerStacks.JaggedMlpHelper), new object?[] { JaggedWeights(rng, sizes), b, TestData.Vector(rng, sizes[0]) });
        }

        [Fact]
        public void JaggedMlp_refuses_a_ragged_layer_and_a_gradient_of_another_shape_by_name()
        {
            var rng = new Random(4);
            int[] sizes = { 3, 4, 2 };
            var w = JaggedWeights(rng, sizes);
            var (_, b) = Flat(rng, sizes);
            var x = TestData.Vector(rng, 3);
            var t = TestData.Vector(rng, 2);
            var ragged = w.Select(l => l.Select(r => (double[])r.Clone()).ToArray()).ToArray();
            ragged[1][1] = new double[5];
            var e = Assert.Throws<ArgumentException>(() => LayerStacks.JaggedMlpForward(ragged, b, x, t));
            Assert.Equal("weights", e.ParamName);
            Assert.Contains("'weights[1][1]'", e.Message);
            var missing = w.Select(l => l.Select(r => (double[])r.Clone()).ToArray()).ToArray();
            missing[0][2] = null!;
            Assert.Throws<ArgumentNullException>(() => LayerStacks.JaggedMlpForward(missing, b, x, t));
            var gw = w.Select(l => l.Select(r => new double[r.Length]).ToArray()).ToArray();
            gw[1][0] = new double[3];
            var g = Assert.Throws<ArgumentException>(() => LayerStacks.JaggedMlpBackward(w, b, x, t, gw, b.Select(r => new double[r.Length]).ToArray()));
            Assert.Contains("weightsGrad[1][0]", g.Message);
        }

        [Theory]
        [InlineData(new[] { 6, 2, 5 }, 3)]
        [InlineData(new[] { 4 }, 4)]
        public void SizedByActivation(int[] widths, int din)
        {
            var rng = new Random(widths.Sum() + 7 * din);
            var w = new double[widths.Length][];
            int width = din;
            for (int l = 0; l < widths.Length; l++) { w[l] = TestData.Vector(rng, widths[l] * width, 0.5); width = widths[l]; }
            MethodOracle.Check(T, nameof(LayerStacks.SizedByActivation), new object?[] { w, widths, TestData.Vector(rng, din) });
        }

        [Fact]
        public void Mlp_leaves_the_input_and_the_widths_alone()
        {
            var rng = new Random(11);
            int[] sizes = { 3, 6, 2 };
            var (w, b) = Flat(rng, sizes);
            var x = TestData.Vector(rng, 3);
            var keep = (double[])x.Clone();
            var gw = w.Select(r => new double[r.Length]).ToArray();
            var gb = b.Select(r => new double[r.Length]).ToArray();
            LayerStacks.MlpBackward(w, b, sizes, x, TestData.Vector(rng, 2), gw, gb);
            Assert.Equal(keep, x);
            Assert.Equal(new[] { 3, 6, 2 }, sizes);
        }

        [Fact]
        public void Mlp_with_widths_that_do_not_fit_the_weights_throws_as_the_method_does()
        {
            // a width larger than the weights' rows: C# throws IndexOutOfRangeException reading w[l]; so must Forward and Backward
            var rng = new Random(2);
            var (w, b) = Flat(rng, new[] { 3, 4, 2 });
            var bad = new[] { 3, 5, 2 };
            var x = TestData.Vector(rng, 3);
            var y = TestData.Vector(rng, 2);
            Assert.Throws<IndexOutOfRangeException>(() => LayerStacks.Mlp(w, b, bad, x, y));
            Assert.ThrowsAny<Exception>(() => LayerStacks.MlpForward(w, b, bad, x, y));
            Assert.ThrowsAny<Exception>(() => LayerStacks.MlpBackward(w, b, bad, x, y, w.Select(r => new double[r.Length]).ToArray(), b.Select(r => new double[r.Length]).ToArray()));
        }
    }
}
