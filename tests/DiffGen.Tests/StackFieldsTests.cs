using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Stacks of layers held in fields (<see cref="StackFieldsMlp"/>: <c>List&lt;double[,]&gt;</c> and <c>List&lt;double[]&gt;</c>;
    /// <see cref="StackFieldsArrays"/>: <c>double[][,]</c>, <c>double[][]</c>; <see cref="StackFieldsFloat"/>): per-layer shapes
    /// 4 → 5 → 3 → 2, gradients equal central differences layer by layer, Backward returns the method's value, the weights are
    /// unchanged, a seed scales the gradients, and a null field or a gradient of the wrong shape is an exception naming it.
    /// </summary>
    public class StackFieldsTests
    {
        private static readonly int[] Sizes = { 4, 5, 3, 2 };

        private static (double[][,] W, double[][] B) Layers(int seed)
        {
            var rng = new Random(seed);
            var w = new double[Sizes.Length - 1][,];
            var b = new double[Sizes.Length - 1][];
            for (int l = 0; l < w.Length; l++)
            {
                w[l] = TestData.Matrix(rng, Sizes[l + 1], Sizes[l]);
                b[l] = TestData.Vector(rng, Sizes[l + 1]);
            }
            return (w, b);
        }

        private static double[][,] GradientsOf(Func<double> f, double[][,] w) => w.Select(m => FiniteDiff.Gradient(f, m)).ToArray();

        private static double[][,] ZerosLike(double[][,] w) => w.Select(m => new double[m.GetLength(0), m.GetLength(1)]).ToArray();

        private static double[][] ZerosLike(double[][] b) => b.Select(r => new double[r.Length]).ToArray();

        [Fact]
        public void List_fields_as_the_probe_wrote_them()
        {
            var (w, b) = Layers(40);
            var model = new StackFieldsMlp(w.ToList(), b.ToList());
            var x = TestData.Vector(new Random(41), 4);
            var before = w.Select(m => (double[,])m.Clone()).ToArray();
            double reference = model.Loss(x, 0.3);
            Check.Forward(reference, model.LossForward(x, 0.3), "Forward");
            var gw = ZerosLike(w);
            var gb = ZerosLike(b);
            Check.Forward(reference, model.LossBackward(x, 0.3, gw, gb), "Backward value");
            for (int l = 0; l < w.Length; l++)
            {
                Check.Unchanged(before[l], w[l], $"Weights[{l}]");
                Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, 0.3), w[l]), gw[l], $"dWeights[{l}]");
                Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, 0.3), b[l]), gb[l], $"dBiases[{l}]");
            }
            var sw = ZerosLike(w);
            var sb = ZerosLike(b);
            model.LossBackward(x, 0.3, sw, sb, seed: 2.5);
            for (int l = 0; l < w.Length; l++)
            {
                Check.Scaled(gw[l], sw[l], 2.5, $"dWeights[{l}]");
                Check.Scaled(gb[l], sb[l], 2.5, $"dBiases[{l}]");
            }
        }

        [Fact]
        public void Array_fields_with_a_softmax_head()
        {
            var (w, b) = Layers(42);
            var model = new StackFieldsArrays { Weights = w, Biases = b };
            var x = TestData.Vector(new Random(43), 4);
            double reference = model.CrossEntropy(x, 1);
            Check.Forward(reference, model.CrossEntropyForward(x, 1), "Forward");
            var gw = ZerosLike(w);
            var gb = ZerosLike(b);
            Check.Forward(reference, model.CrossEntropyBackward(x, 1, gw, gb), "Backward value");
            var fw = GradientsOf(() => model.CrossEntropy(x, 1), w);
            for (int l = 0; l < w.Length; l++)
            {
                Check.Gradient(fw[l], gw[l], $"dWeights[{l}]");
                Check.Gradient(FiniteDiff.Gradient(() => model.CrossEntropy(x, 1), b[l]), gb[l], $"dBiases[{l}]");
            }
        }

        [Fact]
        public void Float_list_fields_against_the_double_method()
        {
            var (w, b) = Layers(44);
            var model = new StackFieldsFloat { Weights = w.Select(TestData.ToFloat).ToList(), Biases = b.Select(TestData.ToFloat).ToList() };
            var x = TestData.ToFloat(TestData.Vector(new Random(45), 4));
            // the reference in double: the same model, element for element
            double Reference(double[][,] ww)
            {
                double[] h = TestData.ToDouble(x);
                for (int l = 0; l < ww.Length; l++)
                {
                    var y = new double[ww[l].GetLength(0)];
                    for (int i = 0; i < y.Length; i++)
                    {
                        double s = model.Biases[l][i];
                        for (int j = 0; j < h.Length; j++) s += ww[l][i, j] * h[j];
                        y[i] = Math.Tanh(s);
                    }
                    h = y;
                }
                return h.Sum(v => v * v);
            }
            var wd = model.Weights.Select(TestData.ToDouble).ToArray();
            var gw = model.Weights.Select(m => new float[m.GetLength(0), m.GetLength(1)]).ToArray();
            float value = model.EnergyBackward(x, gw);
            Check.Near(Reference(wd), value, 1e-5, "Backward value");
            var fw = GradientsOf(() => Reference(wd), wd);
            for (int l = 0; l < wd.Length; l++) Check.Gradient(fw[l], gw[l], $"dWeights[{l}]");
        }

        [Fact]
        public void A_null_field_or_a_gradient_of_another_shape_is_named()
        {
            var (w, b) = Layers(46);
            var x = TestData.Vector(new Random(47), 4);
            var e = Assert.Throws<ArgumentNullException>(() => new StackFieldsMlp(null!, b.ToList()).LossForward(x, 0.3));
            Assert.Equal("Weights", e.ParamName);
            e = Assert.Throws<ArgumentNullException>(() => new StackFieldsMlp(w.ToList(), null!).LossForward(x, 0.3));
            Assert.Equal("Biases", e.ParamName);
            var model = new StackFieldsMlp(w.ToList(), b.ToList());
            var wrong = ZerosLike(w);
            wrong[1] = new double[2, 2];
            var a = Assert.Throws<ArgumentException>(() => model.LossBackward(x, 0.3, wrong, ZerosLike(b)));
            Assert.Contains("WeightsGrad[1]", a.Message);
        }
    }
}
