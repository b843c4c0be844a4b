using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Backward of a layer leaves the forward results in its outputs, and its gradients are those of Σ u · outputs, also
    /// when the reverse sweep reads an output's overwritten values (<see cref="OutputRestores"/>): Backward's own adjoint
    /// stores just those, the composition adjoint (a loss calling the layer) restores the whole output.
    /// </summary>
    public class OutputRestoresTests
    {
        [Fact]
        public void An_output_written_twice()
        {
            var rng = new Random(4101);
            var x = TestData.Vector(rng, 2);
            var u = TestData.Vector(rng, 2);
            var expected = new double[2];
            OutputRestores.OverwriteOutput(x, expected);
            var y = TestData.Garbage(expected);
            OutputRestores.OverwriteOutputForward(x, y);
            Check.Gradient(expected, y, "Forward's y", Check.ForwardTol);

            var yb = TestData.Garbage(expected);
            var gx = TestData.Garbage(x);
            var ub = TestData.Clone(u);
            OutputRestores.OverwriteOutputBackward(x, yb, gx, ub);
            Check.Gradient(expected, yb, "Backward leaves the forward results in y", Check.ForwardTol);
            Check.Gradient(u, ub, "the upstream gradient is read only");
            Check.Gradient(FiniteDiff.Gradient(() => Weighted(v => OutputRestores.OverwriteOutput(x, v), u), x), gx, "dx");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(9)]
        public void A_softmax_divided_in_place(int n)
        {
            var rng = new Random(4110 + n);
            var x = TestData.Vector(rng, n);
            var u = TestData.Vector(rng, n);
            var expected = new double[n];
            OutputRestores.NormalizeInto(x, expected);

            var yb = TestData.Garbage(expected);
            var gx = TestData.Garbage(x);
            OutputRestores.NormalizeIntoBackward(x, yb, gx, u);
            Check.Gradient(expected, yb, "Backward leaves the forward results in y", Check.ForwardTol);
            Check.Gradient(FiniteDiff.Gradient(() => Weighted(v => OutputRestores.NormalizeInto(x, v), u), x), gx, "dx");
        }

        [Fact]
        public void Two_outputs_one_read_by_the_other()
        {
            var rng = new Random(4120);
            var x = TestData.Vector(rng, 5);
            var ua = TestData.Vector(rng, 5);
            var ub = TestData.Vector(rng, 5);
            var ea = new double[5];
            var eb = new double[5];
            OutputRestores.TwoOutputs(x, ea, eb);

            var a = TestData.Garbage(ea);
            var b = TestData.Garbage(eb);
            var gx = TestData.Garbage(x);
            OutputRestores.TwoOutputsBackward(x, a, b, gx, TestData.Clone(ua), TestData.Clone(ub));
            Check.Gradient(ea, a, "Backward leaves the forward results in a", Check.ForwardTol);
            Check.Gradient(eb, b, "Backward leaves the forward results in b", Check.ForwardTol);
            double Loss()
            {
                var pa = new double[5];
                var pb = new double[5];
                OutputRestores.TwoOutputs(x, pa, pb);
                double l = 0;
                for (int i = 0; i < 5; i++) l += ua[i] * pa[i] + ub[i] * pb[i];
                return l;
            }
            Check.Gradient(FiniteDiff.Gradient(Loss, x), gx, "dx");
        }

        [Fact]
        public void A_loss_calling_the_layer()
        {
            var rng = new Random(4130);
            var x = TestData.Vector(rng, 6);
            double value = OutputRestores.Composed(x);
            Check.Forward(value, OutputRestores.ComposedForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(value, OutputRestores.ComposedBackward(x, gx), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => OutputRestores.Composed(x), x), gx, "dx");
        }

        private static double Weighted(Action<double[]> layer, double[] u)
        {
            var y = new double[u.Length];
            layer(y);
            double l = 0;
            for (int i = 0; i < u.Length; i++) l += u[i] * y[i];
            return l;
        }
    }
}
