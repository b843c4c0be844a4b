using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Rank-3 arrays in fields (<see cref="Conv2dLayer"/>, <see cref="FrozenCubeLayer"/>, <see cref="CubeTables"/>): Forward
    /// equals the method, Backward's value too, the fields and inputs are left alone, and every gradient (the named fields: the
    /// kernels in their own double[,,] shape and the bias; the float layer's input against its double evaluation) equals central
    /// differences of the user's method; a null field and a gradient buffer of the wrong shape are refused by name.
    /// </summary>
    public class CubeFieldsTests
    {
        private static double[] Flat(Array a) => MethodOracle.Cells(a).Select(c => c.Get()).ToArray();

        private static void Fd(Func<double> L, Array a, Array g, string what)
        {
            var fd = MethodOracle.Cells(a).Select(c => FiniteDiff.Derivative(x => { double old = c.Get(); c.Set(x); double r = L(); c.Set(old); return r; }, c.Get())).ToArray();
            Check.Gradient(fd, Flat(g), what);
        }

        private static double[,,] Cube(Random r, int a, int b, int c, double scale)
        {
            var t = new double[a, b, c];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) t[i, j, k] = scale * (2 * r.NextDouble() - 1);
            return t;
        }

        private static Conv2dLayer Layer(Random r)
        {
            var layer = new Conv2dLayer(3, 3) { Kernels = Cube(r, 3, 3, 3, 0.4) };
            for (int c = 0; c < 3; c++) layer.Bias[c] = 0.2 * (2 * r.NextDouble() - 1);
            return layer;
        }

        [Fact]
        public void Conv2d_kernels_and_bias_get_their_gradients()
        {
            var r = new Random(381);
            var layer = Layer(r);
            var image = TestData.Matrix(r, 6, 5);
            var target = Cube(r, 3, 4, 3, 0.5);
            double value = layer.Loss(image, target);
            Check.Forward(value, layer.LossForward(image, target), "Forward");

            var kernels = (double[,,])layer.Kernels.Clone();
            var imageBefore = TestData.Clone(image);
            var gKernels = new double[3, 3, 3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) gKernels[i, j, k] = double.NaN;
            var gBias = new double[] { double.NaN, double.NaN, double.NaN };
            Check.Forward(value, layer.LossBackward(image, target, gKernels, gBias), "Backward value");
            Assert.True(Flat(kernels).SequenceEqual(Flat(layer.Kernels)), "Kernels changed");
            Check.Unchanged(imageBefore, image, "image");

            Fd(() => layer.Loss(image, target), layer.Kernels, gKernels, "dKernels");
            Fd(() => layer.Loss(image, target), layer.Bias, gBias, "dBias");
        }

        [Fact]
        public void Conv2d_refuses_a_null_field_and_a_misshapen_buffer_by_name()
        {
            var r = new Random(382);
            var layer = Layer(r);
            var image = TestData.Matrix(r, 6, 5);
            var target = Cube(r, 3, 4, 3, 0.5);
            var bad = Assert.Throws<ArgumentException>(() => layer.LossBackward(image, target, new double[3, 3, 2], new double[3]));
            Assert.Contains("KernelsGrad", bad.Message, StringComparison.Ordinal);
            layer.Kernels = null!;
            var none = Assert.ThrowsAny<ArgumentException>(() => layer.LossForward(image, target));
            Assert.Contains("Kernels", none.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_frozen_float_cube_read_through_this()
        {
            var r = new Random(383);
            var layer = new FrozenCubeLayer();
            for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++) layer.W[a, b, c] = (float)(2 * r.NextDouble() - 1);
            var x = new float[3, 4];
            for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++) x[b, c] = (float)(2 * r.NextDouble() - 1);
            float value = layer.Energy(x);
            Assert.Equal(value, layer.EnergyForward(x), 4);
            var g = new float[3, 4];
            Assert.Equal(value, layer.EnergyBackward(x, g), 4);
            // the double evaluation of the same energy, differentiated by central differences
            double Energy(double[,] xd)
            {
                double s = 0;
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 3; b++)
                    {
                        double dot = 0;
                        for (int c = 0; c < 4; c++) dot += layer.W[a, b, c] * xd[b, c];
                        s += dot * dot;
                    }
                return 0.5 * s;
            }
            var xd = new double[3, 4];
            for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++) xd[b, c] = x[b, c];
            var fd = FiniteDiff.Gradient(() => Energy(xd), xd);
            for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(fd[b, c] - g[b, c]) <= 1e-3 * (1 + Math.Abs(fd[b, c])), $"dx[{b},{c}]: {g[b, c]} vs {fd[b, c]}");
        }

        [Fact]
        public void A_static_readonly_cube_through_a_helper() =>
            MethodOracle.Check(typeof(CubeTables), "MixedEnergy", new object?[] { new[] { 0.3, -0.7, 0.5, 0.9 } });
    
        [Fact]
        public void A_layer_objects_cube_read_through_the_object_and_by_its_own_method()
        {
            var r = new Random(384);
            var net = new CubeConvNet
            {
                Conv = new CubeConv1d(2, 2, 3) { Kernel = Cube(r, 2, 2, 3, 0.5) },
                Head = new CubeConv1d(1, 2, 2) { Kernel = Cube(r, 1, 2, 2, 0.5) },
            };
            net.Conv.Bias[0] = 0.1; net.Conv.Bias[1] = -0.2; net.Head.Bias[0] = 0.05;
            var x = TestData.Matrix(r, 2, 7);
            var target = TestData.Vector(r, 4, 0.5);
            double value = net.Loss(x, target);
            Check.Forward(value, net.LossForward(x, target), "Forward");
            var gConvK = new double[2, 2, 3];
            var gConvB = new double[] { double.NaN, double.NaN };
            var gHeadK = new double[1, 2, 2];
            var gHeadB = new double[] { double.NaN };
            // gradients in the attribute's order: Conv.Kernel, Conv.Bias, then Head's members
            Check.Forward(value, net.LossBackward(x, target, gConvK, gConvB, gHeadK, gHeadB), "Backward value");
            double L() => net.Loss(x, target);
            Fd(L, net.Conv.Kernel, gConvK, "dConv.Kernel");
            Fd(L, net.Conv.Bias, gConvB, "dConv.Bias");
            Fd(L, net.Head.Kernel, gHeadK, "dHead.Kernel");
            Fd(L, net.Head.Bias, gHeadB, "dHead.Bias");
            var bad = Assert.Throws<ArgumentException>(() => net.LossBackward(x, target, new double[2, 2, 2], gConvB, gHeadK, gHeadB));
            Assert.Contains("Conv", bad.Message, StringComparison.Ordinal);
        }
    }
}
