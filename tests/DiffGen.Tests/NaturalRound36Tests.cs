using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 36 (<see cref="NaturalRound36"/> and its instance classes): probe batch 36's 40 functions (statistics and GLMs,
    /// dynamics and finance, machine learning and layers, geometry and fitting; 34 accepted as written, 4 more as written
    /// after this round's generator fixes: SinkhornCost's <c>long iterations</c>, RmsNorm's <c>nint</c> counter, PolyFitLoss's
    /// <c>coeffs[1..]</c>, RigidAlignCauchy's <c>Math.SinCos</c>; TinyRegressor and SequentialModel as their rewrites), each
    /// checked by <see cref="MethodOracle"/> (Forward against the method, Backward's value, unchanged inputs, every gradient
    /// against central differences of the user's method in double, the void layers' outputs after Backward with a random
    /// upstream gradient, seed scaling) or, for the instance classes, by hand against central differences of the user's
    /// method over the inputs and the weight fields. Inputs are the probe's own: its Program.cs cases at seed 36, each drawn
    /// from <c>new Random(36 * 10 + variant)</c> in the probe's order (the instance's weights first), every branch variant the
    /// probe ran (CtcNll distinct/repeated labels, SirInterventionFit's three phase patterns, AmericanPut at/in/out of the
    /// money, LogBarrierObjective feasible/infeasible, ActivationFit's three modes, GroupNorm 2/3 groups, TinyRegressor's two
    /// softplus branches, SdfFitLoss with points inside the box (sqrt(0)), TwoLinkReach inside/outside the joint limits,
    /// PhotometricLoss's two shifts).
    /// </summary>
    public class NaturalRound36Tests
    {
        private static readonly Type T = typeof(NaturalRound36);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        // the probe's input helpers (Program.cs)
        private static double U(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
        private static double[] V(Random r, int n, double lo = -1, double hi = 1) => Enumerable.Range(0, n).Select(_ => U(r, lo, hi)).ToArray();
        private static double[,] M(Random r, int a, int b, double lo = -1, double hi = 1)
        {
            var m = new double[a, b];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) m[i, j] = U(r, lo, hi);
            return m;
        }
        private static int[] Lab(Random r, int n, int k) => Enumerable.Range(0, n).Select(_ => r.Next(k)).ToArray();
        private static double[][] J(Random r, int n, int d) => Enumerable.Range(0, n).Select(_ => V(r, d)).ToArray();
        private static double[] Signed(Random r, int n) => Enumerable.Range(0, n).Select(i => (i % 2 == 0 ? 1 : -1) * U(r, 0.1, 1)).ToArray();

        /// <summary>The probe's generator for case <paramref name="v"/> at seed 36.</summary>
        private static Random R(int v = 0) => new(36 * 10 + v);

        // ---- statistics: 1 to 8, 13 to 17 ----

        [Fact]
        public void GpNegLogMarginal()
        {
            var r = R();
            var x = V(r, 8, 0, 5).OrderBy(t => t).ToArray(); var y = x.Select(t => Math.Sin(t) + 0.1 * U(r, -1, 1)).ToArray();
            Check("GpNegLogMarginal", x, y, U(r, -0.5, 0.5), U(r, -0.3, 0.3), U(r, -2, -1)); // Cholesky as loops
        }

        [Fact]
        public void KalmanNll()
        {
            var r = R();
            var z = new double[12]; double p = 0, vel = 0.5; for (int t = 0; t < 12; t++) { vel += 0.2 * U(r, -1, 1); p += 0.5 * vel; z[t] = p + 0.3 * U(r, -1, 1); }
            Check("KalmanNll", z, 0.5, U(r, -2, 0), U(r, -1, 0), U(r, -1, 1), U(r, -1, 1));
        }

        [Fact]
        public void ElasticNetLogistic()
        {
            var r = R();
            var use = Enumerable.Range(0, 10).Select(i => i % 4 != 3).ToArray();
            var X = M(r, 10, 4, -2, 2); var labels = Lab(r, 10, 2); var w = Signed(r, 4);
            // both signs of the margin and of the weights (Math.Abs), masked rows
            Check("ElasticNetLogistic", X, labels, use, w, U(r, -0.5, 0.5), 0.1, 0.05);
            Assert.True(w.Any(t => t > 0) && w.Any(t => t < 0) && use.Any(u => !u));
        }

        [Fact]
        public void PoissonNll()
        {
            var r = R();
            Check("PoissonNll", M(r, 10, 3, -0.5, 0.5), Enumerable.Range(0, 10).Select(_ => (double)r.Next(6)).ToArray(), V(r, 10, 0.5, 2), V(r, 3, -0.5, 0.5), U(r, 0, 1)); // Enumerable.Range(...).Sum(block lambda)
        }

        [Fact]
        public void NegBinomialNll()
        {
            var r = R();
            var X = M(r, 10, 3, -0.5, 0.5); var y = Lab(r, 10, 7); y[0] = 0; // a y = 0 row: the inner loop does not run
            Check("NegBinomialNll", X, y, V(r, 3, -0.5, 0.5), U(r, -0.5, 1));
        }

        [Fact]
        public void OrdinalNll()
        {
            var r = R();
            var X = M(r, 12, 3); var y = Lab(r, 12, 4); y[0] = 0; y[1] = 1; y[2] = 2; y[3] = 3; // first, middle and last classes
            Check("OrdinalNll", X, y, V(r, 3), U(r, -1, 0), V(r, 2, -0.5, 0.5));
        }

        [Fact]
        public void CrfNll()
        {
            var r = R();
            Check("CrfNll", M(r, 6, 4), M(r, 4, 4), Lab(r, 6, 4)); // extension method LogAddExp, Array.Copy, -inf start
        }

        [Theory]
        [InlineData(0)] // distinct labels
        [InlineData(1)] // repeated labels (the skip rule off)
        public void CtcNll(int v)
        {
            var r = R(v);
            Check("CtcNll", M(r, 8, 5), v == 0 ? new[] { 1, 2, 3 } : new[] { 2, 2, 4 }, 0);
        }

        [Fact]
        public void MeanVariancePortfolio()
        {
            var r = R();
            var A = M(r, 5, 5); var cov = new double[5, 5];
            for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) { double s = i == j ? 0.1 : 0; for (int k = 0; k < 5; k++) s += A[i, k] * A[j, k] / 5; cov[i, j] = s; }
            Check("MeanVariancePortfolio", V(r, 5), cov, V(r, 5, 0, 0.1), 3.0); // Max(), Select().ToArray(), Aggregate, Zip().Sum()
        }

        [Fact]
        public void NegativeSharpe()
        {
            var r = R();
            Check("NegativeSharpe", V(r, 4, 0.1, 0.5), M(r, 30, 4, -0.02, 0.03), 0.0001); // helper with out parameters
        }

        [Fact]
        public void LogBarrierObjective_feasible()
        {
            Check("LogBarrierObjective", LogBarrierInputs(0));
        }

        [Fact]
        public void LogBarrierObjective_infeasible()
        {
            // the double.IsNaN guard returns +inf (value only: the gradient is not defined there)
            var args = LogBarrierInputs(1);
            Assert.Equal(double.PositiveInfinity, NaturalRound36.LogBarrierObjective((double[])args[0]!, (double[])args[1]!, (double[,])args[2]!, (double[])args[3]!, (double)args[4]!));
            Assert.Equal(double.PositiveInfinity, NaturalRound36.LogBarrierObjectiveForward((double[])args[0]!, (double[])args[1]!, (double[,])args[2]!, (double[])args[3]!, (double)args[4]!));
            var g = new double[3];
            Assert.Equal(double.PositiveInfinity, NaturalRound36.LogBarrierObjectiveBackward((double[])args[0]!, (double[])args[1]!, (double[,])args[2]!, (double[])args[3]!, (double)args[4]!, g));
        }

        private static object?[] LogBarrierInputs(int v)
        {
            var r = R(v);
            var A = M(r, 6, 3); var x = V(r, 3, -0.3, 0.3); var b = new double[6];
            for (int i = 0; i < 6; i++) { double s = 0; for (int j = 0; j < 3; j++) s += A[i, j] * x[j]; b[i] = s + U(r, 0.5, 1.5); }
            if (v == 1) { double s = 0; for (int j = 0; j < 3; j++) s += A[2, j] * x[j]; b[2] = s - 0.1; }
            return new object?[] { x, V(r, 3), A, b, 0.1 };
        }

        [Fact]
        public void SquaredHingeSvm()
        {
            var r = R();
            Check("SquaredHingeSvm", M(r, 12, 3), Lab(r, 12, 2).Select(t => 2 * t - 1).ToArray(), V(r, 3), U(r, -0.3, 0.3), 1.0); // generic Sq<T>
        }

        [Fact]
        public void SinkhornCost()
        {
            // as written: a long iterations parameter (narrowed to an int at entry) and a long loop counter
            var r = R();
            Check("SinkhornCost", M(r, 5, 2), M(r, 6, 2), Enumerable.Repeat(0.2, 5).ToArray(), Enumerable.Repeat(1.0 / 6, 6).ToArray(), 0.5, 30L);
        }

        [Fact]
        public void SinkhornCost_iterations_outside_int_throw()
        {
            // a long value an int cannot hold is refused at entry, naming the parameter (never truncated)
            var r = R();
            var xs = M(r, 5, 2); var ys = M(r, 6, 2);
            var a = Enumerable.Repeat(0.2, 5).ToArray(); var b = Enumerable.Repeat(1.0 / 6, 6).ToArray();
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalRound36.SinkhornCostForward(xs, ys, a, b, 0.5, 1L << 33));
            Assert.Equal("iterations", e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalRound36.SinkhornCostBackward(xs, ys, a, b, 0.5, -(1L << 33), new double[5, 2], new double[6, 2]));
            Assert.Equal("iterations", e.ParamName);
        }

        // ---- dynamics and finance: 9 to 12 ----

        [Fact]
        public void PendulumFit()
        {
            var r = R();
            var obs = Enumerable.Range(0, 40).Select(t => 0.8 * Math.Cos(2.5 * t * 0.05) * Math.Exp(-0.05 * t * 0.05)).ToArray();
            Check("PendulumFit", 0.8 + U(r, -0.1, 0.1), U(r, -0.1, 0.1), 0.1 + U(r, -0.05, 0.05), 1.5 + U(r, -0.1, 0.1), obs, 0.05); // RK4, local function returning a tuple
        }

        [Theory]
        [InlineData(0)] // crosses the threshold, the lockdown holds (phases 0 → 1)
        [InlineData(1)] // stays below the threshold (phase 0 only)
        [InlineData(2)] // the lockdown is lifted (phases 0 → 1 → 2)
        public void SirInterventionFit(int v)
        {
            var r = R(v);
            var obs = Enumerable.Range(0, 40).Select(t => 5 + 80 * Math.Exp(-Math.Pow((t - 15) / 7.0, 2))).ToArray();
            var args = v switch
            {
                0 => new object?[] { 0.6 + U(r, -0.05, 0.05), 0.1 + U(r, -0.02, 0.02), 0.3 + U(r, -0.05, 0.05), obs, 1000.0, 60.0 },
                1 => new object?[] { 0.2 + U(r, -0.02, 0.02), 0.15 + U(r, -0.02, 0.02), 0.3 + U(r, -0.05, 0.05), obs, 1000.0, 60.0 },
                _ => new object?[] { 0.9 + U(r, -0.05, 0.05), 0.25 + U(r, -0.02, 0.02), 0.2 + U(r, -0.03, 0.03), obs, 1000.0, 60.0 },
            };
            Check("SirInterventionFit", args);
        }

        [Fact]
        public void LotkaVolterra()
        {
            var r = R();
            Check("LotkaVolterra", U(r, 1, 2), U(r, 0.5, 1), 1.1 + U(r, -0.1, 0.1), 0.4 + U(r, -0.05, 0.05), 0.1 + U(r, -0.02, 0.02), 0.4 + U(r, -0.05, 0.05), 4, 5, V(r, 10), V(r, 10)); // void, two outputs
        }

        [Theory]
        [InlineData(0)] // at the money
        [InlineData(1)] // deep in the money (exercised at the root)
        [InlineData(2)] // far out of the money
        public void AmericanPut(int v)
        {
            var r = R(v);
            Check("AmericanPut", v switch { 0 => U(r, 90, 110), 1 => U(r, 50, 60), _ => U(r, 150, 170) }, 100.0, 0.05 + U(r, -0.01, 0.01), U(r, 0.15, 0.35), U(r, 0.5, 1.5), 25);
        }

        // ---- machine learning: 18 to 21, 24 to 29 ----

        [Fact]
        public void RetrievalLoss()
        {
            var r = R();
            Check("RetrievalLoss", J(r, 3, 4), J(r, 5, 4), Lab(r, 3, 5), 0.2);
        }

        [Fact]
        public void InfoNce()
        {
            var r = R();
            Check("InfoNce", M(r, 3, 4), M(r, 3, 4), M(r, 5, 4), U(r, 0.3, 0.7));
        }

        [Fact]
        public void MilLogSumExpPooling()
        {
            var r = R();
            Check("MilLogSumExpPooling", Enumerable.Range(0, 5).Select(b => V(r, 1 + b, -2, 2)).ToArray(), new[] { 1, 0, 1, 0, 1 }, 3.0); // ragged rows
        }

        [Fact]
        public void DistillationLoss()
        {
            var r = R();
            Check("DistillationLoss", M(r, 4, 5, -2, 2), M(r, 4, 5, -2, 2), Lab(r, 4, 5), new Round36DistillConfig { Temperature = 3, Alpha = 0.7 }); // record with init properties
        }

        [Fact]
        public void RmsNorm()
        {
            // as written: an nint loop counter
            var r = R();
            Check("RmsNorm", V(r, 12), V(r, 4, 0.5, 1.5), 4, V(r, 12));
        }

        [Theory]
        [InlineData(0)] // GeluTanh
        [InlineData(1)] // GeluSigmoid
        [InlineData(2)] // Silu (default)
        public void ActivationFit(int v)
        {
            var r = R(v);
            Check("ActivationFit", V(r, 6, -3, 3), V(r, 6), (Round36ActivationKind)v);
        }

        [Fact]
        public void FfnBlockLoss()
        {
            var r = R();
            Check("FfnBlockLoss", M(r, 3, 4), M(r, 4, 5, -0.5, 0.5), M(r, 4, 5, -0.5, 0.5), M(r, 5, 4, -0.5, 0.5), M(r, 3, 4), 0.01); // foreach over double[,]
        }

        [Fact]
        public void RotaryScores()
        {
            var r = R();
            Check("RotaryScores", M(r, 4, 6), M(r, 4, 6), new long[] { 0, 3, 7, 12 }, M(r, 4, 4)); // long[] positions
        }

        [Theory]
        [InlineData(0)] // 2 groups
        [InlineData(1)] // 3 groups
        public void GroupNorm(int v)
        {
            var r = R(v);
            Check("GroupNorm", M(r, 3, 6), V(r, 6, 0.5, 1.5), V(r, 6), v == 0 ? 2 : 3, M(r, 3, 6));
        }

        [Fact]
        public void BatchNormTrain()
        {
            var r = R();
            Check("BatchNormTrain", M(r, 5, 3), V(r, 3, 0.5, 1.5), V(r, 3), M(r, 5, 3), 1e-5);
        }

        // ---- geometry and fitting: 31 to 39 ----

        [Fact]
        public void PolyFitLoss()
        {
            // as written: foreach (double c in coeffs[1..])
            var r = R();
            Check("PolyFitLoss", V(r, 4), V(r, 10), V(r, 10), 0.01);
        }

        [Fact]
        public void HermiteSplineFit()
        {
            var r = R();
            var values = V(r, 5); var slopes = V(r, 5);
            var qx = V(r, 10, 0, 3.4); qx[0] = 3.2; // beyond the last knot: the search does not find a segment
            Check("HermiteSplineFit", values, slopes, new[] { 0, 0.7, 1.5, 2.2, 3.0 }, qx, V(r, 10));
        }

        [Fact]
        public void ChebyshevFit()
        {
            var r = R();
            Check("ChebyshevFit", V(r, 6), V(r, 12), V(r, 12), 0.001);
        }

        [Fact]
        public void RaySphereDepthLoss()
        {
            var r = R();
            var dirs = new double[8, 3];
            for (int i = 0; i < 8; i++)
            {
                // half the rays aimed near the sphere at (0,0,5) (hits), half well off it (misses)
                double sx = i % 2 == 0 ? U(r, -0.1, 0.1) : U(r, 0.5, 0.9), sy = U(r, -0.1, 0.1);
                double n = Math.Sqrt(sx * sx + sy * sy + 1); dirs[i, 0] = sx / n; dirs[i, 1] = sy / n; dirs[i, 2] = 1 / n;
            }
            Check("RaySphereDepthLoss", new[] { U(r, -0.1, 0.1), U(r, -0.1, 0.1), 5 + U(r, -0.2, 0.2) }, U(r, 0.8, 1.2), dirs, V(r, 8, 3, 6), 10.0);
        }

        [Theory]
        [InlineData(0)] // points outside the box
        [InlineData(1)] // some points inside the box (sqrt(0) in the box SDF)
        public void SdfFitLoss(int v)
        {
            var r = R(v);
            var pts = new double[10, 3];
            for (int i = 0; i < 10; i++)
            {
                bool inside = v == 1 && i % 3 == 0;
                if (inside) { pts[i, 0] = 1 + U(r, -0.2, 0.2); pts[i, 1] = U(r, -0.15, 0.15); pts[i, 2] = U(r, -0.1, 0.1); }
                else { pts[i, 0] = U(r, -2.5, 2.5); pts[i, 1] = U(r, 0.6, 1.5) * (r.Next(2) * 2 - 1); pts[i, 2] = U(r, -1, 1); }
            }
            Check("SdfFitLoss", new[] { -1 + U(r, -0.1, 0.1), U(r, -0.1, 0.1), U(r, -0.1, 0.1) }, U(r, 0.7, 0.9),
                new[] { 1 + U(r, -0.1, 0.1), U(r, -0.1, 0.1), U(r, -0.1, 0.1) }, new[] { 0.5 + U(r, -0.05, 0.05), 0.4 + U(r, -0.05, 0.05), 0.3 + U(r, -0.05, 0.05) }, pts);
        }

        [Fact]
        public void BezierLengthPenalty()
        {
            var r = R();
            Check("BezierLengthPenalty", M(r, 4, 2), 2.0, 3);
        }

        [Theory]
        [InlineData(0)] // inside the joint limits
        [InlineData(1)] // outside the joint limits (the clamp active)
        public void TwoLinkReach(int v)
        {
            var r = R(v);
            var ang = new double[4, 2];
            for (int i = 0; i < 4; i++)
                if (v == 0) { ang[i, 0] = U(r, -1, 1); ang[i, 1] = U(r, 0.3, 2.5); }
                else { ang[i, 0] = i % 2 == 0 ? U(r, 1.7, 2.2) : U(r, -2.2, -1.7); ang[i, 1] = i % 2 == 0 ? U(r, -0.5, -0.1) : U(r, 2.9, 3.1); }
            Check("TwoLinkReach", ang, new[] { 1.0, 0.8 }, M(r, 4, 2));
        }

        [Fact]
        public void RigidAlignCauchy()
        {
            // as written: var (s, c) = Math.SinCos(theta)
            var r = R();
            var src = M(r, 8, 2); var dst = new double[8, 2]; double th = 0.4;
            for (int i = 0; i < 8; i++) { dst[i, 0] = Math.Cos(th) * src[i, 0] - Math.Sin(th) * src[i, 1] + 0.3 + 0.05 * U(r, -1, 1); dst[i, 1] = Math.Sin(th) * src[i, 0] + Math.Cos(th) * src[i, 1] - 0.2 + 0.05 * U(r, -1, 1); }
            Check("RigidAlignCauchy", U(r, -1, 1), U(r, -0.5, 0.5), U(r, -0.5, 0.5), src, dst, 0.5);
        }

        [Theory]
        [InlineData(0)] // shift (1, -1)
        [InlineData(1)] // shift (-2, 0)
        public void PhotometricLoss(int v)
        {
            var r = R(v);
            var valid = new bool[6, 7]; for (int i = 0; i < 6; i++) for (int j = 0; j < 7; j++) valid[i, j] = r.NextDouble() < 0.8;
            Check("PhotometricLoss", M(r, 6, 7, 0, 1), U(r, 0.8, 1.2), U(r, -0.1, 0.1), M(r, 6, 7, 0, 1), v == 0 ? 1 : -2, v == 0 ? -1 : 0, valid);
        }
        // ---- instance classes: 22, 23, 30 (rewrite), 40 (rewrite) ----

        /// <summary>Entries of any array (rank, jagged rows, a stack of matrices) in row-major order.</summary>
        private static double[] Flat(Array a) => MethodOracle.Cells(a).Select(c => c.Get()).ToArray();

        /// <summary>Central differences of <paramref name="L"/> over every entry of <paramref name="a"/> (a field's array or an input), against <paramref name="g"/>.</summary>
        private static void Fd(Func<double> L, Array a, Array g, string what)
        {
            var fd = MethodOracle.Cells(a).Select(c => FiniteDiff.Derivative(x => { double old = c.Get(); c.Set(x); double r = L(); c.Set(old); return r; }, c.Get())).ToArray();
            DiffGen.Tests.Check.Gradient(fd, Flat(g), what);
        }

        private static void Unchanged(Array before, Array after, string what) => Assert.True(Flat(before).SequenceEqual(Flat(after)), what + " changed");

        private static T Copy<T>(T a) where T : class => (T)MethodOracle.DeepClone(a)!;

        [Fact]
        public void GruCell_Step()
        {
            // void, writing hNext; gradients for x, hPrev and the nine weight fields named in the attribute
            var r = R();
            var cell = new Round36GruCell(3, 4, r);
            var x = V(r, 3); var hPrev = V(r, 4); var hNext0 = V(r, 4);
            var fields = new Array[] { cell.Wz, cell.Uz, cell.Wr, cell.Ur, cell.Wh, cell.Uh, cell.Bz, cell.Br, cell.Bh }.Select(Copy).ToArray();
            var expected = Copy(hNext0);
            cell.Step(x, hPrev, expected);
            var fwd = Copy(hNext0);
            cell.StepForward(x, hPrev, fwd);
            for (int j = 0; j < 4; j++) DiffGen.Tests.Check.Forward(expected[j], fwd[j], $"StepForward hNext[{j}]");
            var u = V(new Random(7), 4);
            var hNext = Copy(hNext0);
            double[] gx = TestData.Garbage(x), gh = TestData.Garbage(hPrev), up = Copy(u);
            var gw = fields.Select(f => f is double[,] m ? (Array)TestData.Garbage(m) : TestData.Garbage((double[])f)).ToArray();
            cell.StepBackward(x, hPrev, hNext, gx, gh, up, (double[,])gw[0], (double[,])gw[1], (double[,])gw[2], (double[,])gw[3], (double[,])gw[4], (double[,])gw[5], (double[])gw[6], (double[])gw[7], (double[])gw[8]);
            for (int j = 0; j < 4; j++) DiffGen.Tests.Check.Forward(expected[j], hNext[j], $"StepBackward hNext[{j}] (the forward result)");
            var live = new Array[] { cell.Wz, cell.Uz, cell.Wr, cell.Ur, cell.Wh, cell.Uh, cell.Bz, cell.Br, cell.Bh };
            for (int k = 0; k < live.Length; k++) Unchanged(fields[k], live[k], "weight field " + k);
            double L()
            {
                var h = Copy(hNext0);
                cell.Step(x, hPrev, h);
                double l = 0;
                for (int j = 0; j < 4; j++) l += u[j] * h[j];
                return l;
            }
            Fd(L, x, gx, "dx");
            Fd(L, hPrev, gh, "dhPrev");
            string[] names = { "Wz", "Uz", "Wr", "Ur", "Wh", "Uh", "Bz", "Br", "Bh" };
            for (int k = 0; k < live.Length; k++) Fd(L, live[k], gw[k], "d" + names[k]);
        }

        [Fact]
        public void LstmSequence_SequenceLoss()
        {
            // get-only Hidden, computed ForgetBias, weight fields W, U, B named in the attribute
            var r = R();
            var lstm = new Round36LstmSequence(3, 4, r);
            var xs = M(r, 5, 3); var target = V(r, 4, -0.5, 0.5);
            double value = lstm.SequenceLoss(xs, target);
            DiffGen.Tests.Check.Forward(value, lstm.SequenceLossForward(xs, target), "Forward");
            var (W, U, B) = (Copy(lstm.W), Copy(lstm.U), Copy(lstm.B));
            var gW = TestData.Garbage(W); var gU = TestData.Garbage(U); var gB = TestData.Garbage(B);
            DiffGen.Tests.Check.Forward(value, lstm.SequenceLossBackward(xs, target, gW, gU, gB), "Backward value");
            Unchanged(W, lstm.W, "W"); Unchanged(U, lstm.U, "U"); Unchanged(B, lstm.B, "B");
            double L() => lstm.SequenceLoss(xs, target);
            Fd(L, lstm.W, gW, "dW"); Fd(L, lstm.U, gU, "dU"); Fd(L, lstm.B, gB, "dB");
            const double seed = -2.5;
            var sW = TestData.Garbage(W); var sU = TestData.Garbage(U); var sB = TestData.Garbage(B);
            lstm.SequenceLossBackward(xs, target, sW, sU, sB, seed);
            DiffGen.Tests.Check.Scaled(gW, sW, seed, "dW"); DiffGen.Tests.Check.Scaled(gB, sB, seed, "dB");
        }

        [Theory]
        [InlineData(0, 36)] // the softplus log branch
        [InlineData(1, 36)] // inputs 20 to 40: x > 20 on some units (at some seeds: the probe ran 36 to 39)
        [InlineData(1, 37)]
        [InlineData(1, 38)]
        [InlineData(1, 39)]
        public void TinyRegressorV2_Loss(int v, int seed)
        {
            // the rewrite of TinyRegressor (an IActivation field, DIFF0002): the field typed as the sealed class
            var (model, x, y) = TinyRegressorInputs(v, seed);
            double value = model.Loss(x, y);
            DiffGen.Tests.Check.Forward(value, model.LossForward(x, y), "Forward");
            var (W, Vw) = (Copy(model.W), Copy(model.V));
            var gW = TestData.Garbage(W); var gV = TestData.Garbage(Vw);
            DiffGen.Tests.Check.Forward(value, model.LossBackward(x, y, gW, gV), "Backward value");
            Unchanged(W, model.W, "W"); Unchanged(Vw, model.V, "V");
            double L() => model.Loss(x, y);
            Fd(L, model.W, gW, "dW"); Fd(L, model.V, gV, "dV");
        }

        [Fact]
        public void TinyRegressorV2_both_softplus_branches_are_reached()
        {
            // the probe's coverage: units above 20 (the linear branch) and below, over seeds 36 to 39 at the large inputs
            int above = 0, below = 0;
            foreach (int seed in new[] { 36, 37, 38, 39 })
            {
                var (model, x, _) = TinyRegressorInputs(1, seed);
                for (int i = 0; i < 6; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        double a = 0;
                        for (int k = 0; k < 3; k++) a += model.W[j, k] * x[i, k];
                        Assert.True(Math.Abs(a - 20) > 1e-3, "a unit sits on the branch switch");
                        if (a > 20) above++; else below++;
                    }
            }
            Assert.True(above > 0 && below > 0, $"above 20: {above}, below: {below}");
        }

        private static (Round36TinyRegressorV2 Model, double[,] X, double[] Y) TinyRegressorInputs(int v, int seed)
        {
            var r = new Random(seed * 10 + v);
            var model = new Round36TinyRegressorV2(3, 4, r);
            var x = v == 0 ? M(r, 6, 3) : M(r, 6, 3, 20, 40);
            return (model, x, V(r, 6));
        }

        [Fact]
        public void SequentialModelV2_Loss()
        {
            // the rewrite of SequentialModel (Layer[] with an abstract base, DIFF0002): double[][,] W and double[][] B stacks
            var r = R();
            var model = new Round36SequentialModelV2(new[] { 3, 5, 4, 2 }, r);
            var x = V(r, 3); var target = V(r, 2);
            double value = model.Loss(x, target);
            DiffGen.Tests.Check.Forward(value, model.LossForward(x, target), "Forward");
            var (W, B) = (Copy(model.W), Copy(model.B));
            var gW = W.Select(TestData.Garbage).ToArray(); var gB = B.Select(TestData.Garbage).ToArray();
            DiffGen.Tests.Check.Forward(value, model.LossBackward(x, target, gW, gB), "Backward value");
            Unchanged(W, model.W, "W"); Unchanged(B, model.B, "B");
            double L() => model.Loss(x, target);
            Fd(L, model.W, gW, "dW"); Fd(L, model.B, gB, "dB");
        }
    }
}
