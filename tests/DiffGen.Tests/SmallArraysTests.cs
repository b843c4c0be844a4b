using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Scalar replacement of small local arrays (<see cref="SmallArrays"/>): Forward equals the user's method, gradients equal
    /// central differences, a seed scales them, inputs are left alone, and the per-observation shape allocates nothing.
    /// </summary>
    public class SmallArraysTests
    {
        private const double Seed = 1.75;

        private static void CheckVector(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        [Theory]
        [InlineData(0.3, -0.2, 0.5)]
        [InlineData(1.1, 0.4, -0.7)]
        public void Rotation_and_projection_through_3_vectors(double r0, double r1, double r2)
        {
            var r = new[] { r0, r1, r2 };
            var p = new[] { 0.4, -0.3, 4.0 };
            CheckVector(r, a => SmallArrays.RotateProject(a, p), a => SmallArrays.RotateProjectForward(a, p),
                (a, g, seed) => SmallArrays.RotateProjectBackward(a, p, g, new double[3], seed), "RotateProject (r)");
            CheckVector(p, b => SmallArrays.RotateProject(r, b), b => SmallArrays.RotateProjectForward(r, b),
                (b, g, seed) => SmallArrays.RotateProjectBackward(r, b, new double[3], g, seed), "RotateProject (p)");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Flat_3x3_matrix_and_per_row_scratch(int rows)
        {
            var rng = new Random(rows);
            var a = TestData.Vector(rng, 3, 0.5);
            var x = TestData.Matrix(rng, rows, 3, 0.7);
            CheckVector(a, v => SmallArrays.Matrix3Rows(v, x), v => SmallArrays.Matrix3RowsForward(v, x),
                (v, g, seed) => SmallArrays.Matrix3RowsBackward(v, x, g, new double[rows, 3], seed), "Matrix3Rows (a)");
            var gx = new double[rows, 3];
            SmallArrays.Matrix3RowsBackward(a, x, new double[3], gx);
            Check.Gradient(FiniteDiff.Gradient(() => SmallArrays.Matrix3Rows(a, x), x), gx, "Matrix3Rows dx");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(40)]
        public void Two_element_state_overwritten_every_step(int steps)
        {
            var k = new[] { 0.8, 1.3, 0.2 };
            CheckVector(k, v => SmallArrays.Oscillator(v, steps), v => SmallArrays.OscillatorForward(v, steps),
                (v, g, seed) => SmallArrays.OscillatorBackward(v, steps, g, seed), "Oscillator");
        }

        [Theory]
        [InlineData(new[] { 0.5, -1.5, 1.0, 0.2 })]
        [InlineData(new[] { 2.0, -1.5, 1.0, 0.2 })]
        public void Array_indexed_at_run_time_keeps_its_storage(double[] x) =>
            CheckVector(x, SmallArrays.DynamicIndex, SmallArrays.DynamicIndexForward,
                (v, g, seed) => SmallArrays.DynamicIndexBackward(v, g, seed), "DynamicIndex");

        [Fact]
        public void Layer_with_a_small_scratch_array()
        {
            var rng = new Random(7);
            var x = TestData.Matrix(rng, 4, 2);
            var w = TestData.Vector(rng, 4, 0.6);
            var y = new double[4, 2];
            SmallArrays.Project2(x, w, y);
            var yf = new double[4, 2];
            SmallArrays.Project2Forward(x, w, yf);
            Check.Gradient(y, yf, "Project2 Forward", 1e-12);
            // Scalar loss L = Σ seed[r, i] · y[r, i]: its gradient from Backward against central differences.
            var seed = TestData.Matrix(rng, 4, 2);
            double Loss()
            {
                var o = new double[4, 2];
                SmallArrays.Project2(x, w, o);
                double s = 0;
                for (int r = 0; r < 4; r++) for (int i = 0; i < 2; i++) s += seed[r, i] * o[r, i];
                return s;
            }
            var gx = new double[4, 2];
            var gw = new double[4];
            var yb = new double[4, 2];
            SmallArrays.Project2Backward(x, w, yb, gx, gw, seed);
            Check.Gradient(y, yb, "Project2 Backward outputs", 1e-12);
            Check.Gradient(FiniteDiff.Gradient(Loss, x), gx, "Project2 dx");
            Check.Gradient(FiniteDiff.Gradient(Loss, w), gw, "Project2 dw");
        }

        [Fact]
        public void Per_observation_function_allocates_nothing_in_steady_state()
        {
            var r = new[] { 0.3, -0.2, 0.5 };
            var p = new[] { 0.4, -0.3, 4.0 };
            var gr = new double[3];
            var gp = new double[3];
            for (int warm = 0; warm < 3; warm++)
            {
                SmallArrays.RotateProjectForward(r, p);
                SmallArrays.RotateProjectBackward(r, p, gr, gp);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                SmallArrays.RotateProjectForward(r, p);
                SmallArrays.RotateProjectBackward(r, p, gr, gp);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
