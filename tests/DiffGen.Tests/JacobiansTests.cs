using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <c>{M}Jacobian</c> (<see cref="Jacobians"/>): every row against central finite differences of the user's method, the outputs
    /// holding the forward results, rows overwritten (they start as garbage), and bad buffers refused with the parameter named
    /// before anything is written.
    /// </summary>
    public class JacobiansTests
    {
        private static double[][] Rows(int rows, int columns)
        {
            var j = new double[rows][];
            for (int r = 0; r < rows; r++) j[r] = TestData.Garbage(new double[columns]);
            return j;
        }

        /// <summary>Row r of the Jacobian with respect to <paramref name="input"/> by central differences of output element r.</summary>
        private static double[] FdRow(Func<double[]> outputs, double[] input, int r)
        {
            var g = new double[input.Length];
            for (int j = 0; j < input.Length; j++)
            {
                double keep = input[j], h = 1e-6 * Math.Max(1, Math.Abs(keep));
                input[j] = keep + h;
                double up = outputs()[r];
                input[j] = keep - h;
                double down = outputs()[r];
                input[j] = keep;
                g[j] = (up - down) / (2 * h);
            }
            return g;
        }

        private static double FdScalar(Func<double, double[]> outputs, double at, int r)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(at));
            return (outputs(at + h)[r] - outputs(at - h)[r]) / (2 * h);
        }

        [Fact]
        public void Reprojection_rows_match_finite_differences_and_the_residual_is_returned()
        {
            var cam = new[] { 0.12, -0.2, 0.31, 1.0, 2.0, 3.0, 500.0, 10.0, 20.0, 1e-3, 1e-5 };
            var x = new[] { 5.0, 6.0, 17.0 };
            var feat = new[] { 100.0, 200.0 };
            double w = 0.8;
            double[] Out(double[] c, double[] p, double ww) { var e = new double[2]; Jacobians.Reprojection(c, p, ww, feat, e); return e; }
            var err = TestData.Garbage(new double[2]);
            var camJ = Rows(2, 11);
            var xJ = Rows(2, 3);
            var wJ = TestData.Garbage(new double[2]);
            var camBefore = TestData.Clone(cam);
            Jacobians.ReprojectionJacobian(cam, x, w, feat, err, camJ, xJ, wJ);
            Check.Gradient(Out(cam, x, w), err, "err holds the residual", Check.ForwardTol);
            Check.Unchanged(camBefore, cam, "cam");
            for (int r = 0; r < 2; r++)
            {
                Check.Gradient(FdRow(() => Out(cam, x, w), cam, r), camJ[r], $"d err[{r}] / d cam");
                Check.Gradient(FdRow(() => Out(cam, x, w), x, r), xJ[r], $"d err[{r}] / d x");
                Check.Gradient(FdScalar(v => Out(cam, x, v), w, r), wJ[r], $"d err[{r}] / d w");
            }
        }

        [Fact]
        public void Rows_equal_those_of_Backward_with_unit_upstream_gradients()
        {
            var rng = new Random(4201);
            var x = TestData.Vector(rng, 5);
            double t = 0.7;
            var y = new double[5];
            var z = new double[3];
            var xJ = Rows(8, 5);
            var tJ = TestData.Garbage(new double[8]);
            Jacobians.SoftmaxAndSinesJacobian(x, t, y, z, xJ, tJ);
            for (int r = 0; r < 8; r++)
            {
                var uy = new double[5];
                var uz = new double[3];
                if (r < 5) uy[r] = 1; else uz[r - 5] = 1;
                var gx = TestData.Garbage(x);
                Jacobians.SoftmaxAndSinesBackward(x, t, new double[5], new double[3], gx, out double gt, uy, uz);
                Check.Gradient(gx, xJ[r], $"row {r}, x", 1e-13);
                Check.Near(gt, tJ[r], 1e-13, $"row {r}, t");
            }
            double[] Out(double[] xx, double tt) { var yy = new double[5]; var zz = new double[3]; Jacobians.SoftmaxAndSines(xx, tt, yy, zz); return [.. yy, .. zz]; }
            for (int r = 0; r < 8; r++)
            {
                Check.Gradient(FdRow(() => Out(x, t), x, r), xJ[r], $"d out[{r}] / d x");
                Check.Gradient(FdScalar(v => Out(x, v), t, r), tJ[r], $"d out[{r}] / d t");
            }
            var expected = Out(x, t);
            for (int i = 0; i < 5; i++) Check.Near(expected[i], y[i], Check.ForwardTol, "y");
            for (int i = 0; i < 3; i++) Check.Near(expected[5 + i], z[i], Check.ForwardTol, "z");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void A_recurrence_runs_one_Backward_per_row(int n)
        {
            var rng = new Random(4210 + n);
            var a = TestData.Vector(rng, n);
            var y = TestData.Garbage(new double[n]);
            var aJ = Rows(n, n);
            Jacobians.RecurrenceJacobian(a, y, aJ);
            double[] Out() { var yy = new double[n]; Jacobians.Recurrence(a, yy); return yy; }
            Check.Gradient(Out(), y, "y holds the forward results", Check.ForwardTol);
            for (int r = 0; r < n; r++) Check.Gradient(FdRow(Out, a, r), aJ[r], $"d y[{r}] / d a");
        }

        [Fact]
        public void An_input_only_one_output_depends_on_gets_zeros_in_the_others_rows()
        {
            var rng = new Random(4220);
            var a = TestData.Vector(rng, 3);
            double b = 1.3;
            var y = new double[4];
            var z = new double[2];
            var aJ = Rows(6, 3);
            var bJ = TestData.Garbage(new double[6]);
            Jacobians.PartlyDependentJacobian(a, b, y, z, aJ, bJ);
            double[] Out(double[] aa, double bb) { var yy = new double[4]; var zz = new double[2]; Jacobians.PartlyDependent(aa, bb, yy, zz); return [.. yy, .. zz]; }
            for (int r = 0; r < 6; r++)
            {
                Check.Gradient(FdRow(() => Out(a, b), a, r), aJ[r], $"d out[{r}] / d a");
                Check.Gradient(FdScalar(v => Out(a, v), b, r), bJ[r], $"d out[{r}] / d b");
            }
            for (int r = 0; r < 4; r++) Assert.Equal(0.0, bJ[r]);
        }

        [Fact]
        public void Bad_buffers_are_refused_naming_them_before_anything_is_written()
        {
            var a = new[] { 0.1, 0.2, 0.3 };
            var y = new[] { 7.0, 7.0, 7.0 };
            void Refused(string name, string text, Action call)
            {
                var e = Assert.Throws<ArgumentException>(call);
                Assert.Equal(name, e.ParamName);
                Assert.Contains(text, e.Message);
                Assert.Equal(new[] { 7.0, 7.0, 7.0 }, y);
            }
            Refused("aJacobian", "has 2 rows but the outputs have 3 elements", () => Jacobians.RecurrenceJacobian(a, y, Rows(2, 3)));
            Refused("aJacobian", "'aJacobian[1]' has length 2", () => Jacobians.RecurrenceJacobian(a, y, [new double[3], new double[2], new double[3]]));
            Refused("aJacobian", "'aJacobian[2]' is null", () => Jacobians.RecurrenceJacobian(a, y, [new double[3], new double[3], null!]));
            var row = new double[3];
            Refused("aJacobian", "same array as an earlier row", () => Jacobians.RecurrenceJacobian(a, y, [row, new double[3], row]));
            Refused("aJacobian", "is the array passed as 'a'", () => Jacobians.RecurrenceJacobian(a, y, [new double[3], a, new double[3]]));
            Assert.Throws<ArgumentNullException>(() => Jacobians.RecurrenceJacobian(a, y, null!));
            var e2 = Assert.Throws<ArgumentException>(() => Jacobians.SoftmaxAndSinesJacobian(a, 0.5, new double[3], new double[1], Rows(4, 3), new double[3]));
            Assert.Equal("tJacobian", e2.ParamName);
        }
    }
}
