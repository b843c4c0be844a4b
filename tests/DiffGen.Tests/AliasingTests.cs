using System;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Corpus;
using DiffGen.Tests.Device;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// An array the call writes (an output, a gradient buffer) passed again as another argument is refused with an
    /// ArgumentException naming both parameters, before anything is written (issue 11, item 5). Inputs may alias
    /// each other (they are only read).
    /// </summary>
    public class AliasingTests
    {
        private static float[,] MatrixF(Random rng, int rows, int cols)
        {
            var m = new float[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) m[i, j] = (float)(rng.NextDouble() * 2 - 1);
            return m;
        }

        private static void AssertNames(ArgumentException e, string written, string other)
        {
            Assert.Contains($"'{written}'", e.Message);
            Assert.Contains($"'{other}'", e.Message);
            Assert.Equal(written, e.ParamName);
        }

        [Fact]
        public void A_gradient_buffer_that_is_an_input_is_refused_and_nothing_is_written()
        {
            var rng = new Random(5);
            var zi = TestData.Matrix(rng, 3, 4);
            var zj = TestData.Matrix(rng, 3, 4);
            var before = (double[,])zi.Clone();
            var e = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentBackward(zi, zj, 0.5, zi, new double[3, 4], out _));
            AssertNames(e, "ziGrad", "zi");
            Assert.Equal(before, zi);
        }

        [Fact]
        public void Two_gradient_buffers_that_are_one_array_are_refused()
        {
            var rng = new Random(6);
            var zi = TestData.Matrix(rng, 3, 4);
            var zj = TestData.Matrix(rng, 3, 4);
            var g = new double[3, 4];
            var e = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentBackward(zi, zj, 0.5, g, g, out _));
            AssertNames(e, "ziGrad", "zjGrad");
        }

        [Fact]
        public void The_same_input_twice_is_allowed()
        {
            var rng = new Random(7);
            var z = TestData.Matrix(rng, 3, 4);
            double value = NtXentCorpus.NtXentBackward(z, z, 0.5, new double[3, 4], new double[3, 4], out _);
            Assert.Equal(NtXentCorpus.NtXent(z, z, 0.5), value, 10);
        }

        [Fact]
        public void A_layer_output_that_is_its_input_or_an_upstream_gradient_is_refused()
        {
            var rng = new Random(8);
            var x = TestData.Matrix(rng, 4, 4);
            var w = TestData.Matrix(rng, 4, 4);
            var b = new double[4];
            AssertNames(Assert.Throws<ArgumentException>(() => Networks.LinearForward(x, w, b, x)), "y", "x");
            var y = new double[4, 4];
            var yGrad = TestData.Matrix(rng, 4, 4);
            var e = Assert.Throws<ArgumentException>(() => Networks.LinearBackward(x, w, b, y, new double[4, 4], new double[4, 4], new double[4], y));
            AssertNames(e, "y", "yGrad");
            e = Assert.Throws<ArgumentException>(() => Networks.LinearBackward(x, w, b, y, yGrad, new double[4, 4], new double[4], yGrad));
            AssertNames(e, "xGrad", "yGrad");
        }

        [GxxFact]
        public void Device_arrays_are_checked_the_same_way()
        {
            var dev = new EmulatedDevice();
            var rng = new Random(9);
            using var zi = DeviceArray<float>.Upload(dev, MatrixF(rng, 3, 4));
            using var zj = DeviceArray<float>.Upload(dev, MatrixF(rng, 3, 4));
            using var g = DeviceArray<float>.Zeros(dev, 3, 4);
            var e = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentFBackward(zi, zj, 0.5f, g, g, out _, device: dev));
            AssertNames(e, "ziGrad", "zjGrad");
            e = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentFBackward(zi, zj, 0.5f, zj, g, out _, device: dev));
            AssertNames(e, "ziGrad", "zj");
        }
    }
}
