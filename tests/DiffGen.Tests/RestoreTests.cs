using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Issue 12, item 1: element-level restore analysis and recomputation instead of storing (corpus Restore.cs), each
    /// against central differences. The IR snapshots show what is stored.
    /// </summary>
    public class RestoreTests
    {
        [Fact]
        public void Element_overwritten_in_place_stores_only_before_its_set()
        {
            var rng = new Random(1201);
            var x = TestData.Vector(rng, 4, 0.5);
            var w = TestData.Matrix(rng, 3, 5, 0.5);
            Func<double> f = () => Restore.ElementInPlace(x, w, 3);
            double reference = f();
            Check.Forward(reference, Restore.ElementInPlaceForward(x, w, 3), "Forward");
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Check.Forward(reference, Restore.ElementInPlaceBackward(x, w, 3, gx, gw), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, w), gw, "dw");
        }

        [Fact]
        public void Rows_private_to_an_iteration_in_nested_loops()
        {
            var rng = new Random(1202);
            var a = TestData.Matrix(rng, 4, 3);
            Func<double> f = () => Restore.NestedRows(a);
            double reference = f();
            Check.Forward(reference, Restore.NestedRowsForward(a), "Forward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, Restore.NestedRowsBackward(a, ga), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, a), ga, "da");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void Recomputation_chosen_over_storing(int steps)
        {
            var rng = new Random(1203 + steps);
            var x = TestData.Vector(rng, 6, 0.5);
            var y0 = TestData.Vector(rng, 6, 0.5);
            var yGrad = TestData.Vector(rng, 6);
            CheckLayer((xx, yy) => Restore.RungeKutta4(xx, steps, yy), (xx, yy) => Restore.RungeKutta4Forward(xx, steps, yy),
                (xx, yy, gx, gy) => Restore.RungeKutta4Backward(xx, steps, yy, gx, gy), x, y0, yGrad);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Storing_chosen_over_recomputation(int steps)
        {
            var rng = new Random(1207 + steps);
            var x = TestData.Vector(rng, 5, 0.5);
            var y0 = TestData.Vector(rng, 5, 0.5);
            var yGrad = TestData.Vector(rng, 5);
            CheckLayer((xx, yy) => Restore.CostlySteps(xx, steps, yy), (xx, yy) => Restore.CostlyStepsForward(xx, steps, yy),
                (xx, yy, gx, gy) => Restore.CostlyStepsBackward(xx, steps, yy, gx, gy), x, y0, yGrad);
        }

        [Fact]
        public void Running_extrema_find_the_selected_element_again()
        {
            var rng = new Random(1210);
            foreach (var x in new[]
            {
                TestData.Vector(rng, 9),
                new[] { 3.0, 0.5, -1.0, 1.5, 0.2 },   // the first value is the maximum: hi keeps its adjoint
                new[] { -0.7, 0.5, -1.0, 1.5, 0.2 },  // the first value is neither
            })
            {
                Func<double> f = () => Restore.Spread(x);
                double reference = f();
                Check.Forward(reference, Restore.SpreadForward(x), "Forward");
                var gx = TestData.Garbage(x);
                Check.Forward(reference, Restore.SpreadBackward(x, gx), "Backward value");
                Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            }
        }

        [Fact]
        public void Running_maximum_ties_keep_the_first_value()
        {
            // Math.Max(a, e)'s derivative follows a on ties: all of it goes to the first of the equal elements.
            var x = new[] { 0.5, -2.0, 2.0, 1.0, -2.0 };
            var gx = TestData.Garbage(x);
            Restore.SpreadBackward(x, gx);
            // hi = max(x0, x_i^2) = 4 at i = 1 (first), lo = -2 at i = 1 (first); d/dhi = 1 + lo = -1, d/dlo = -2 + hi = 2
            Check.Near(-1.0 * 2 * -2.0 + 2.0, gx[1], 1e-12, "dx[1]");
            Check.Near(0.0, gx[2], 1e-12, "dx[2]");
            Check.Near(0.0, gx[4], 1e-12, "dx[4]");
        }

        private static void CheckLayer(Action<double[], double[]> plain, Action<double[], double[]> forward,
            Action<double[], double[], double[], double[]> backward, double[] x, double[] y0, double[] yGrad)
        {
            Func<double> loss = () =>
            {
                var yy = TestData.Clone(y0);
                plain(x, yy);
                double s = 0;
                for (int i = 0; i < yy.Length; i++) s += yGrad[i] * yy[i];
                return s;
            };
            var reference = TestData.Clone(y0);
            plain(x, reference);
            var yf = TestData.Clone(y0);
            forward(x, yf);
            Check.Gradient(reference, yf, "Forward y", Check.ForwardTol);
            var y = TestData.Clone(y0);
            var gx = TestData.Garbage(x);
            var yGradBefore = TestData.Clone(yGrad);
            backward(x, y, gx, yGrad);
            Check.Gradient(reference, y, "Backward leaves the forward result in y", Check.ForwardTol);
            Check.Unchanged(yGradBefore, yGrad, "yGrad");
            Check.Gradient(FiniteDiff.Gradient(loss, x), gx, "dx");
        }
    }
}
