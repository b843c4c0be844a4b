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

        [Theory]
        [InlineData(3, 2, 4)]
        [InlineData(5, 3, 7)]
        public void Scratch_refilled_per_pair_is_recomputed(int n, int k, int d)
        {
            var rng = new Random(1210 + d);
            var x = TestData.Matrix(rng, n, d, 0.7);
            var c = TestData.Matrix(rng, k, d, 0.7);
            var s = TestData.Vector(rng, k, 0.8);
            var t = TestData.Matrix(rng, k, d, 0.5);
            Func<double> f = () => Restore.ScratchPerPair(x, c, s, t);
            double reference = f();
            Check.Forward(reference, Restore.ScratchPerPairForward(x, c, s, t), "Forward");
            var (gx, gc, gs, gt) = (TestData.Garbage(x), TestData.Garbage(c), TestData.Garbage(s), TestData.Garbage(t));
            Check.Forward(reference, Restore.ScratchPerPairBackward(x, c, s, t, gx, gc, gs, gt), "Backward value");
            // twice: the second call starts from a restore stack and scratch arrays the first one left
            Check.Forward(reference, Restore.ScratchPerPairBackward(x, c, s, t, gx, gc, gs, gt), "Backward value, second call");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, c), gc, "dc");
            Check.Gradient(FiniteDiff.Gradient(f, s), gs, "ds");
            Check.Gradient(FiniteDiff.Gradient(f, t), gt, "dt");
        }

        [Fact]
        public void Scratch_scalar_in_a_nested_loop_is_recomputed()
        {
            var rng = new Random(1213);
            var x = TestData.Matrix(rng, 6, 2);
            var w = TestData.Matrix(rng, 3, 2);
            var y = TestData.Matrix(rng, 6, 3);
            Func<double> f = () => Restore.ScratchScalar(x, w, y);
            double reference = f();
            Check.Forward(reference, Restore.ScratchScalarForward(x, w, y), "Forward");
            var (gx, gw, gy) = (TestData.Garbage(x), TestData.Garbage(w), TestData.Garbage(y));
            Check.Forward(reference, Restore.ScratchScalarBackward(x, w, y, gx, gw, gy), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, w), gw, "dw");
            Check.Gradient(FiniteDiff.Gradient(f, y), gy, "dy");
        }

        [Fact]
        public void Not_scratch_when_the_body_writes_what_the_refill_reads()
        {
            var rng = new Random(1214);
            var x = TestData.Matrix(rng, 4, 3, 0.8);
            var a0 = TestData.Vector(rng, 3, 0.8);
            Func<double> f = () => Restore.ScratchReadsWhatTheBodyWrites(x, a0);
            double reference = f();
            Check.Forward(reference, Restore.ScratchReadsWhatTheBodyWritesForward(x, a0), "Forward");
            var (gx, ga) = (TestData.Garbage(x), TestData.Garbage(a0));
            Check.Forward(reference, Restore.ScratchReadsWhatTheBodyWritesBackward(x, a0, gx, ga), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, a0), ga, "da0");
        }

        [Fact]
        public void Not_scratch_when_the_last_refill_is_read_after_the_loop()
        {
            var rng = new Random(1215);
            var x = TestData.Matrix(rng, 4, 3, 0.8);
            var c = TestData.Matrix(rng, 3, 3, 0.8);
            Func<double> f = () => Restore.ScratchReadAfterTheLoop(x, c);
            double reference = f();
            Check.Forward(reference, Restore.ScratchReadAfterTheLoopForward(x, c), "Forward");
            var (gx, gc) = (TestData.Garbage(x), TestData.Garbage(c));
            Check.Forward(reference, Restore.ScratchReadAfterTheLoopBackward(x, c, gx, gc), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, c), gc, "dc");
        }

        [Fact]
        public void Not_scratch_when_the_refill_is_partial()
        {
            var rng = new Random(1216);
            var x = TestData.Matrix(rng, 3, 4, 0.8);
            var b = TestData.Vector(rng, 4, 0.8);
            Func<double> f = () => Restore.ScratchPartlyRefilled(x, b);
            double reference = f();
            Check.Forward(reference, Restore.ScratchPartlyRefilledForward(x, b), "Forward");
            var (gx, gb) = (TestData.Garbage(x), TestData.Garbage(b));
            Check.Forward(reference, Restore.ScratchPartlyRefilledBackward(x, b, gx, gb), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(f, b), gb, "db");
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
            // y is updated in place (y[i] += ...): its gradient buffer is in and out, the upstream gradient on entry and the
            // gradient with respect to y's entry values (the initial condition) on return
            var gy = TestData.Clone(yGrad);
            backward(x, y, gx, gy);
            Check.Gradient(reference, y, "Backward leaves the forward result in y", Check.ForwardTol);
            Check.Gradient(FiniteDiff.Gradient(loss, x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(loss, y0), gy, "dy0 (in and out)");
        }
    }
}
