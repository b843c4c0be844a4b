using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Issue 10, item 4: while, do/while, break and return inside loops. Each against the user's method (Forward),
    /// central differences (Backward, inputs away from where a condition switches), seed scaling, inputs unchanged.
    /// </summary>
    [Collection("Backend selection")] // one test sets the CPU's loop splitting
    public class NaturalControlTests
    {
        private const double Seed = -2.5;

        [Theory]
        [InlineData(new[] { 2.0, 0.3, 9.0, 1.0, 150.0 })]
        [InlineData(new[] { 0.01, 4.0 })]
        [InlineData(new double[0])]
        public void Newton_square_roots_until_the_step_is_below_a_tolerance(double[] a)
        {
            var ab = TestData.Clone(a);
            double reference = NaturalIdioms.NewtonSqrtSum(a);
            Assert.Equal(a.Sum(Math.Sqrt), reference, 9);
            Check.Forward(reference, NaturalIdioms.NewtonSqrtSumForward(a), "Forward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, NaturalIdioms.NewtonSqrtSumBackward(a, ga), "Backward value");
            Check.Unchanged(ab, a, "a");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.NewtonSqrtSum(a), a), ga, "da");
            // the derivative of the iteration converges with it: 1 / (2 sqrt a)
            Check.Gradient(a.Select(v => 0.5 / Math.Sqrt(v)).ToArray(), ga, "da (closed form)");
            var sa = TestData.Garbage(a);
            NaturalIdioms.NewtonSqrtSumBackward(a, sa, Seed);
            Check.Scaled(ga, sa, Seed, "da");
        }

        [Theory]
        [InlineData(6)]
        [InlineData(9)]
        [InlineData(0)]
        public void Bisection_with_an_iteration_limit(int maxIt)
        {
            var x = new[] { -0.7, 0.2, 0.35, 1.1, -0.15 };
            double lo = -2.03, hi = 2.41;
            var xb = TestData.Clone(x);
            double F() => NaturalIdioms.Bisection(x, lo, hi, maxIt);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.BisectionForward(x, lo, hi, maxIt), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.BisectionBackward(x, lo, hi, maxIt, gx, out double glo, out double ghi), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalIdioms.Bisection(x, v, hi, maxIt), lo), glo, "dlo");
            Check.Gradient(FiniteDiff.Derivative(v => NaturalIdioms.Bisection(x, lo, v, maxIt), hi), ghi, "dhi");
            var sx = TestData.Garbage(x);
            NaturalIdioms.BisectionBackward(x, lo, hi, maxIt, sx, out double slo, out double shi, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(glo, slo, Seed, "dlo");
            Check.Scaled(ghi, shi, Seed, "dhi");
        }

        [Theory]
        [InlineData(new[] { 0.9, 0.8, 0.5, 0.7, 0.6 }, 0.3)] // stops at the eps condition
        [InlineData(new[] { 0.9, 1.1, 0.95 }, 0.01)]       // stops at the end of x
        public void While_with_an_int_counter(double[] x, double eps)
        {
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.PrefixProduct(x, eps);
            Check.Forward(reference, NaturalIdioms.PrefixProductForward(x, eps), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.PrefixProductBackward(x, eps, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.PrefixProduct(x, eps), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.PrefixProductBackward(x, eps, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Theory]
        [InlineData(7, 2.0)]
        [InlineData(300, 400.0)]
        public void Repeated_passes_until_a_limit(int n, double limit)
        {
            var rng = new Random(1202);
            var v = TestData.Vector(rng, n, 0.3);
            var vb = TestData.Clone(v);
            double reference = NaturalIdioms.RepeatedPasses(v, limit);
            Check.Forward(reference, NaturalIdioms.RepeatedPassesForward(v, limit), "Forward");
            var gv = TestData.Garbage(v);
            Check.Forward(reference, NaturalIdioms.RepeatedPassesBackward(v, limit, gv), "Backward value");
            Check.Unchanged(vb, v, "v");
            // s = passes * (0.001 + |v|²), passes fixed away from the switch points: ds/dv = 2 passes v
            double passes = Math.Round(reference / (0.001 + v.Sum(x => x * x)));
            Check.Gradient(v.Select(x => 2 * passes * x).ToArray(), gv, "dv (closed form)");
            if (n < 100) Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.RepeatedPasses(v, limit), v), gv, "dv");
            var sv = TestData.Garbage(v);
            NaturalIdioms.RepeatedPassesBackward(v, limit, sv, Seed);
            Check.Scaled(gv, sv, Seed, "dv");

            // The reverse loop of the while loop runs the recorded number of passes; the CPU plan splits it over cores
            // (its passes only add into v̄): force the split and compare.
            long minWork = DiffGen.Cpu.LoopParallelism.MinWork;
            int threads = DiffGen.Cpu.Gemm.MaxDegreeOfParallelism;
            try
            {
                DiffGen.Cpu.LoopParallelism.MinWork = 0;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = 3;
                var pv = TestData.Garbage(v);
                Check.Forward(reference, NaturalIdioms.RepeatedPassesBackward(v, limit, pv), "Backward value (split)");
                Check.Gradient(gv, pv, "dv (split over cores)", 1e-12);
            }
            finally
            {
                DiffGen.Cpu.LoopParallelism.MinWork = minWork;
                DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = threads;
            }
        }

        [Theory]
        [InlineData(new[] { 1.3, -0.9, 2.1 }, 0.8)]  // several iterations
        [InlineData(new[] { 0.3, 0.2 }, 0.5)]        // the condition is false at once: the body still runs once
        public void Do_while_runs_its_body_at_least_once(double[] x, double rate)
        {
            var xb = TestData.Clone(x);
            double F() => NaturalIdioms.DoWhileDecay(x, rate);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.DoWhileDecayForward(x, rate), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.DoWhileDecayBackward(x, rate, gx, out double grate), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(r => NaturalIdioms.DoWhileDecay(x, r), rate), grate, "drate");
            var sx = TestData.Garbage(x);
            NaturalIdioms.DoWhileDecayBackward(x, rate, sx, out double srate, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(grate, srate, Seed, "drate");
        }

        [Theory]
        [InlineData(2.0)]   // breaks in the middle
        [InlineData(100.0)] // never breaks
        [InlineData(0.1)]   // breaks at the first term
        public void Break_at_a_threshold_in_a_sum(double limit)
        {
            var x = new[] { 0.7, -1.1, 0.4, 0.9, -0.3, 1.2 };
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.TruncatedSum(x, limit);
            Check.Forward(reference, NaturalIdioms.TruncatedSumForward(x, limit), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.TruncatedSumBackward(x, limit, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.TruncatedSum(x, limit), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.TruncatedSumBackward(x, limit, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Theory]
        [InlineData(new[] { 0.5, 1.2, 0.3, -0.4, 2.0 })]
        [InlineData(new[] { 0.5, 1.2, 0.3 })]
        [InlineData(new[] { -0.5, 1.2 })]
        public void Break_before_the_rest_of_the_body(double[] x)
        {
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.SumUntilNegative(x);
            Check.Forward(reference, NaturalIdioms.SumUntilNegativeForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.SumUntilNegativeBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.SumUntilNegative(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.SumUntilNegativeBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void A_for_condition_with_more_than_the_bound()
        {
            var x = new[] { 0.4, 1.3, -0.2, 0.8, -1.6, 0.9 };
            var w = new[] { 1.5, 0.0, -0.7, 0.6, 2.0, 1.0 };
            var (xb, wb) = (TestData.Clone(x), TestData.Clone(w));
            double F() => NaturalIdioms.LeadingRun(x, w);
            double reference = F();
            Assert.Equal(1.5 * Math.Sin(0.4) - 0.7 * Math.Sin(-0.2) + 0.6 * Math.Sin(0.8), reference, 12);
            Check.Forward(reference, NaturalIdioms.LeadingRunForward(x, w), "Forward");
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Check.Forward(reference, NaturalIdioms.LeadingRunBackward(x, w, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(wb, w, "w");
            Check.Gradient(FiniteDiff.Gradient(F, x), gx, "dx");
            var fw = FiniteDiff.Gradient(F, w);
            fw[1] = 0; // w[1] == 0 sits on the switch of 'continue': the branch taken skips the term, so its derivative is 0
            Check.Gradient(fw, gw, "dw");
            var (sx, sw) = (TestData.Garbage(x), TestData.Garbage(w));
            NaturalIdioms.LeadingRunBackward(x, w, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Fact]
        public void Break_of_an_inner_loop_only()
        {
            var rng = new Random(1201);
            var a = TestData.Matrix(rng, 5, 4);
            a[0, 0] = 0.5; a[0, 1] = 0.3; a[0, 2] = -0.2; // row 0 stops at column 2
            a[1, 0] = -0.4;                               // row 1 is empty
            for (int j = 0; j < 4; j++) a[2, j] = 0.1 + j; // row 2 runs to the end
            var w = TestData.Vector(rng, 4);
            var ab = TestData.Clone(a);
            double F() => NaturalIdioms.RowPrefixes(a, w);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.RowPrefixesForward(a, w), "Forward");
            var (ga, gw) = (TestData.Garbage(a), TestData.Garbage(w));
            Check.Forward(reference, NaturalIdioms.RowPrefixesBackward(a, w, ga, gw), "Backward value");
            Check.Unchanged(ab, a, "a");
            Check.Gradient(FiniteDiff.Gradient(F, a), ga, "da");
            Check.Gradient(FiniteDiff.Gradient(F, w), gw, "dw");
            var (sa, sw) = (TestData.Garbage(a), TestData.Garbage(w));
            NaturalIdioms.RowPrefixesBackward(a, w, sa, sw, Seed);
            Check.Scaled(ga, sa, Seed, "da");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Theory]
        [InlineData(1.5)]
        [InlineData(50.0)]
        public void Break_from_a_while_loop(double wall)
        {
            var v = new[] { 0.6, -0.8, 0.9, 0.7, -1.0, 0.5 };
            var vb = TestData.Clone(v);
            double reference = NaturalIdioms.WalkToWall(v, wall);
            Check.Forward(reference, NaturalIdioms.WalkToWallForward(v, wall), "Forward");
            var gv = TestData.Garbage(v);
            Check.Forward(reference, NaturalIdioms.WalkToWallBackward(v, wall, gv), "Backward value");
            Check.Unchanged(vb, v, "v");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.WalkToWall(v, wall), v), gv, "dv");
            var sv = TestData.Garbage(v);
            NaturalIdioms.WalkToWallBackward(v, wall, sv, Seed);
            Check.Scaled(gv, sv, Seed, "dv");
        }

        [Theory]
        [InlineData(0.75)] // returns at index 2
        [InlineData(5.0)]  // no entry above: returns 0
        public void Early_return_inside_a_loop(double t)
        {
            var x = new[] { 0.1, -0.4, 0.9, 1.7, 0.3 };
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.FirstAboveTwice(x, t);
            Check.Forward(reference, NaturalIdioms.FirstAboveTwiceForward(x, t), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.FirstAboveTwiceBackward(x, t, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            var fd = FiniteDiff.Gradient(() => NaturalIdioms.FirstAboveTwice(x, t), x);
            Check.Gradient(fd, gx, "dx");
            Assert.Equal(t < 1 ? 2.0 : 0.0, gx[2]);
            var sx = TestData.Garbage(x);
            NaturalIdioms.FirstAboveTwiceBackward(x, t, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Theory]
        [InlineData(3.0)]  // returns inside the loop
        [InlineData(50.0)] // runs the work after the loop
        public void Early_return_with_work_after_the_loop(double t)
        {
            var x = new[] { 0.2, -0.5, 0.8, 0.4, 1.1 };
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.RunningUntil(x, t);
            Check.Forward(reference, NaturalIdioms.RunningUntilForward(x, t), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.RunningUntilBackward(x, t, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.RunningUntil(x, t), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.RunningUntilBackward(x, t, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Theory]
        [InlineData(0.8, 1.3)]   // returns from the nested loops
        [InlineData(0.8, 10.0)]  // runs to the end: -scale
        [InlineData(200.0, 1.3)] // returns from the if before the loops
        public void Early_return_from_nested_loops_and_an_if(double scale, double t)
        {
            var a = new double[,] { { 0.3, -0.2, 0.9 }, { 1.1, 1.9, -0.6 }, { 2.2, 0.1, 0.0 } };
            var ab = TestData.Clone(a);
            double F() => NaturalIdioms.FirstAboveInMatrix(a, scale, t);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.FirstAboveInMatrixForward(a, scale, t), "Forward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, NaturalIdioms.FirstAboveInMatrixBackward(a, scale, t, ga, out double gs), "Backward value");
            Check.Unchanged(ab, a, "a");
            Check.Gradient(FiniteDiff.Gradient(F, a), ga, "da");
            Check.Gradient(FiniteDiff.Derivative(s => NaturalIdioms.FirstAboveInMatrix(a, s, t), scale), gs, "dscale");
            var sa = TestData.Garbage(a);
            NaturalIdioms.FirstAboveInMatrixBackward(a, scale, t, sa, out double ss, Seed);
            Check.Scaled(ga, sa, Seed, "da");
            Check.Scaled(gs, ss, Seed, "dscale");
        }
    }
}
