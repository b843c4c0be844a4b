using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Issue 10, item 6: the added Math/MathF functions, against central differences in double and the float forms against the double ones.</summary>
    public class MoreIntrinsicsTests
    {
        [Fact]
        public void Smooth_functions_match_finite_differences()
        {
            var rng = new Random(610);
            var x = TestData.Vector(rng, 9);
            var y = TestData.Vector(rng, 9);
            double reference = MoreIntrinsics.Smooth(x, y);
            Check.Forward(reference, MoreIntrinsics.SmoothForward(x, y), "SmoothForward");
            var gx = TestData.Garbage(x);
            var gy = TestData.Garbage(y);
            Check.Forward(reference, MoreIntrinsics.SmoothBackward(x, y, gx, gy), "SmoothBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => MoreIntrinsics.Smooth(x, y), x), gx, "Smooth dx");
            Check.Gradient(FiniteDiff.Gradient(() => MoreIntrinsics.Smooth(x, y), y), gy, "Smooth dy");

            var xf = x.Select(v => (float)v).ToArray();
            var yf = y.Select(v => (float)v).ToArray();
            var wx = xf.Select(v => (double)v).ToArray();
            var wy = yf.Select(v => (double)v).ToArray();
            var dx = new double[9];
            var dy = new double[9];
            MoreIntrinsics.SmoothBackward(wx, wy, dx, dy);
            var fx = new float[9];
            var fy = new float[9];
            float fv = MoreIntrinsics.SmoothFBackward(xf, yf, fx, fy);
            Check.Near(MoreIntrinsics.Smooth(wx, wy), fv, 1e-5, "SmoothF value");
            Check.Gradient(dx, fx, "SmoothF dx");
            Check.Gradient(dy, fy, "SmoothF dy");
        }

        [Fact]
        public void Clamp_routes_the_derivative_and_steps_have_none()
        {
            var rng = new Random(611);
            var x = TestData.Vector(rng, 40, 1.5);
            double lo = -0.4, hi = 0.5; // x spans both bounds
            double reference = MoreIntrinsics.Piecewise(x, lo, hi);
            Check.Forward(reference, MoreIntrinsics.PiecewiseForward(x, lo, hi), "PiecewiseForward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, MoreIntrinsics.PiecewiseBackward(x, lo, hi, gx, out double glo, out double ghi), "PiecewiseBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => MoreIntrinsics.Piecewise(x, lo, hi), x), gx, "Piecewise dx");
            Check.Gradient(FiniteDiff.Derivative(v => MoreIntrinsics.Piecewise(x, v, hi), lo), glo, "Piecewise dlo");
            Check.Gradient(FiniteDiff.Derivative(v => MoreIntrinsics.Piecewise(x, lo, v), hi), ghi, "Piecewise dhi");
            Assert.NotEqual(0.0, glo);
            Assert.NotEqual(0.0, ghi);

            var xf = x.Select(v => (float)v).ToArray();
            var fx = new float[x.Length];
            var dx = new double[x.Length];
            MoreIntrinsics.PiecewiseBackward(xf.Select(v => (double)v).ToArray(), (float)lo, (float)hi, dx, out double dlo, out _);
            MoreIntrinsics.PiecewiseFBackward(xf, (float)lo, (float)hi, fx, out float flo, out _);
            Check.Gradient(dx, fx, "PiecewiseF dx");
            Check.Near(dlo, flo, 1e-5, "PiecewiseF dlo");
        }
        [Fact]
        public void FusedMultiplyAdd_keeps_its_single_rounding()
        {
            // x·y = (1e8 + 1)(1e8 - 1) - 1e16 = -1 exactly; the naive sum gives 0, Dot2 recovers -1 through the fused error term
            var x = new[] { 1e8 + 1, -1e8 };
            var y = new[] { 1e8 - 1, 1e8 };
            Assert.Equal(-1.0, MoreIntrinsics.CompensatedDot(x, y));
            Assert.Equal(-1.0, MoreIntrinsics.CompensatedDotForward(x, y));
            Assert.Equal(-1.0, MoreIntrinsics.CompensatedDotBackward(x, y, new double[2], new double[2]));
            MethodOracle.Check(typeof(MoreIntrinsics), "CompensatedDot", new object?[] { TestData.Vector(new Random(611), 8), TestData.Vector(new Random(612), 8) });
        }

        [Fact]
        public void Hypot_neither_overflows_nor_underflows()
        {
            foreach (var scale in new[] { 1e200, 1e-200 })
            {
                var p = new[] { 3 * scale, 4 * scale, 0, 0 };
                var g = TestData.Garbage(p);
                Assert.Equal(MoreIntrinsics.PathLength(p), MoreIntrinsics.PathLengthForward(p));
                Assert.Equal(MoreIntrinsics.PathLength(p), MoreIntrinsics.PathLengthBackward(p, g));
                Check.Gradient(new[] { 0.6, 0.8, -0.6, -0.8 }, g, "PathLength at " + scale);
            }
            var pf = new[] { 3e30f, 4e30f, 0f, 0f };
            var gf = new float[4];
            Assert.Equal(5e30f, MoreIntrinsics.PathLengthFForward(pf));
            Assert.Equal(5e30f, MoreIntrinsics.PathLengthFBackward(pf, gf));
            Check.Gradient(new[] { 0.6, 0.8, -0.6, -0.8 }, gf, "PathLengthF at 1e30");
            // a repeated point: no derivative there, 0 rather than NaN (as Sqrt)
            var same = new[] { 1.0, 2.0, 1.0, 2.0, 4.0, 6.0 };
            var gs = TestData.Garbage(same);
            MoreIntrinsics.PathLengthBackward(same, gs);
            Assert.All(gs, v => Assert.False(double.IsNaN(v)));
            MethodOracle.Check(typeof(MoreIntrinsics), "PathLength", new object?[] { TestData.Vector(new Random(613), 10) });
        }
    }
}
