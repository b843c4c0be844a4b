using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Outputs whose entry values the method reads (<see cref="InPlace"/>): the gradient buffer of such an output is in and
    /// out. Each case checks Forward against the method, and the gradients of L = seed · result + Σ u · (values on return)
    /// against central differences with respect to every input, the entry values included.
    /// </summary>
    public class InPlaceTests
    {
        [Theory]
        [InlineData(1, 0.0)]
        [InlineData(7, 0.0)]
        [InlineData(7, 1.0)]
        public void Read_then_written_in_place_gives_the_gradient_of_the_entry_values(int n, double upstream)
        {
            var rng = new Random(1300 + n);
            var x0 = TestData.Vector(rng, n);
            var u = TestData.Scale(TestData.Vector(rng, n), upstream);
            const double seed = 0.75;
            double Loss(double[] x)
            {
                var c = TestData.Clone(x);
                double r = InPlace.SquareThenSum(c);
                double l = seed * r;
                for (int i = 0; i < n; i++) l += u[i] * c[i];
                return l;
            }
            var reference = TestData.Clone(x0);
            double value = InPlace.SquareThenSum(reference);
            var xf = TestData.Clone(x0);
            Check.Forward(value, InPlace.SquareThenSumForward(xf), "Forward");
            Check.Gradient(reference, xf, "Forward leaves the new values in x", Check.ForwardTol);

            var xb = TestData.Clone(x0);
            var g = TestData.Clone(u);
            Check.Forward(value, InPlace.SquareThenSumBackward(xb, g, seed), "Backward value");
            Check.Gradient(reference, xb, "Backward leaves the new values in x", Check.ForwardTol);
            Check.Gradient(FiniteDiff.Gradient(() => Loss(x0), x0), g, "dx (entry values)");
        }

        [Fact]
        public void An_activation_in_place()
        {
            var rng = new Random(1310);
            var x0 = TestData.Vector(rng, 6, 2.0);
            var u = TestData.Vector(rng, 6);
            double Loss() { var c = TestData.Clone(x0); InPlace.SoftplusInPlace(c); double l = 0; for (int i = 0; i < c.Length; i++) l += u[i] * c[i]; return l; }
            var g = TestData.Clone(u);
            var x = TestData.Clone(x0);
            InPlace.SoftplusInPlaceBackward(x, g);
            for (int i = 0; i < x.Length; i++) Check.Near(Math.Log(1 + Math.Exp(x0[i])), x[i], Check.ForwardTol, "x on return");
            Check.Gradient(FiniteDiff.Gradient(Loss, x0), g, "dx (entry values)");
        }

        [Fact]
        public void Added_into_the_callers_buffer()
        {
            var rng = new Random(1320);
            var x = TestData.Vector(rng, 5);
            var y0 = TestData.Vector(rng, 5);
            var u = TestData.Vector(rng, 5);
            double a = 0.6;
            double Loss() { var c = TestData.Clone(y0); InPlace.Axpy(a, x, c); double l = 0; for (int i = 0; i < c.Length; i++) l += u[i] * c[i]; return l; }
            var y = TestData.Clone(y0);
            var gx = TestData.Garbage(x);
            var gy = TestData.Clone(u);
            InPlace.AxpyBackward(a, x, y, out double ga, gx, gy);
            Check.Gradient(FiniteDiff.Derivative(v => { a = v; return Loss(); }, 0.6), ga, "da");
            a = 0.6;
            Check.Gradient(FiniteDiff.Gradient(Loss, x), gx, "dx");
            Check.Gradient(u, gy, "dy (entry values): the upstream gradient passes through");
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(3, 5)]
        public void Rows_normalised_in_place(int rows, int cols)
        {
            var rng = new Random(1330 + rows);
            var m0 = TestData.Matrix(rng, rows, cols);
            var u = TestData.Matrix(rng, rows, cols);
            double Loss()
            {
                var c = TestData.Clone(m0);
                double l = InPlace.NormalizeRows(c);
                return l + TestData.Inner(u, c);
            }
            var m = TestData.Clone(m0);
            var g = TestData.Clone(u);
            var reference = TestData.Clone(m0);
            Check.Forward(InPlace.NormalizeRows(reference), InPlace.NormalizeRowsBackward(m, g), "Backward value");
            Check.Gradient(reference, m, "Backward leaves the normalised rows", Check.ForwardTol);
            Check.Gradient(FiniteDiff.Gradient(Loss, m0), g, "dm (entry values)");
        }

        [Fact]
        public void A_span_scaled_in_place()
        {
            var rng = new Random(1340);
            var v0 = TestData.Vector(rng, 6);
            var u = TestData.Vector(rng, 6);
            double k = 1.3;
            double Loss() { var c = TestData.Clone(v0); double l = InPlace.ScaleSpan(c, k); for (int i = 0; i < c.Length; i++) l += u[i] * c[i]; return l; }
            var v = TestData.Clone(v0);
            var gv = TestData.Clone(u);
            Check.Forward(InPlace.ScaleSpan(TestData.Clone(v0), k), InPlace.ScaleSpanBackward(v.AsSpan(), k, gv.AsSpan(), out double gk), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(Loss, v0), gv, "dv (entry values)");
            Check.Gradient(FiniteDiff.Derivative(t => { k = t; return Loss(); }, 1.3), gk, "dk");
        }

        [Fact]
        public void A_layer_that_writes_its_output_first_keeps_the_upstream_gradient_read_only()
        {
            var rng = new Random(1350);
            var w = TestData.Matrix(rng, 3, 4);
            var b = TestData.Vector(rng, 3);
            var x = TestData.Vector(rng, 4);
            var u = TestData.Vector(rng, 3);
            var y = TestData.Filled(new double[3], 5.0); // entry values that do not matter
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            var gx = TestData.Garbage(x);
            var gy = TestData.Clone(u);
            InPlace.AffineBackward(w, b, x, y, gw, gb, gx, gy);
            Check.Unchanged(u, gy, "yGrad");
            double Loss() { var c = new double[3]; InPlace.Affine(w, b, x, c); double l = 0; for (int i = 0; i < 3; i++) l += u[i] * c[i]; return l; }
            Check.Gradient(FiniteDiff.Gradient(Loss, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(Loss, w), gw, "dw");
        }
    }
}
