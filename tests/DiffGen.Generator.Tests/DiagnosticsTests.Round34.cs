using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Probe batch 34's two refusals, now accepted (Array.Copy into a double-buffered local, a helper's tuple parameters), and
    /// the message a tuple parameter that cannot be split still gets.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void Array_copy_into_a_swapped_local_is_accepted()
        {
            var problems = Problems("[Differentiable] public static double F(double[] u0, double a, int steps) { int n = u0.Length; var cur = new double[n]; var next = new double[n]; "
                + "Array.Copy(u0, cur, n); for (int s = 0; s < steps; s++) { Array.Fill(next, 0.0); for (int i = 0; i < n; i++) next[i] += a * cur[i]; (cur, next) = (next, cur); } "
                + "double t = 0; for (int i = 0; i < n; i++) t += cur[i]; return t; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void A_helpers_tuple_parameters_are_accepted()
        {
            var problems = Problems("static double Dot2((double, double) a, (double, double) b) => a.Item1 * b.Item1 + a.Item2 * b.Item2;\n"
                + "static (double w, double x) Mul((double w, double x) a, (double w, double x) b) => (a.w * b.w - a.x * b.x, a.w * b.x + a.x * b.w);\n"
                + "[Differentiable] public static double F(double[] x) { var p = (w: x[0], x: x[1]); var q = Mul(p, p); return Dot2((q.w, q.x), (x[1], x[0])); }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0005_TupleParameterWithAnArraySaysWhatToWrite()
        {
            var d = Expect("DIFF0005", "Sum((x, 2.0))", "static double Sum((double[] v, double s) a) { double t = 0; foreach (var e in a.v) t += e * a.s; return t; }\n"
                + "[Differentiable] public static double F(double[] x) => Sum((x, 2.0));");
            Assert.Contains("a helper's tuple parameter is split into one value per element", d.GetMessage());
        }

        [Fact]
        public void DIFF0020_JacobianOfAMethodReturningAValue()
        {
            var d = Expect("DIFF0020", "Differentiable(Jacobian = true)", "[Differentiable(Jacobian = true)] public static double F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += x[i] * x[i]; return s; }");
            Assert.Contains("the Jacobian of one value is its gradient, which FBackward gives", d.GetMessage());
        }

        [Fact]
        public void DIFF0020_JacobianOfAMatrixOutput()
        {
            var d = Expect("DIFF0020", "Differentiable(Jacobian = true)", "[Differentiable(Jacobian = true)] public static void F(double[] x, double[,] y) { for (int i = 0; i < x.Length; i++) y[i, 0] = x[i] * x[i]; }");
            Assert.Contains("its output 'y' is a double[,]", d.GetMessage());
        }

        [Fact]
        public void DIFF0020_JacobianOfAnInAndOutOutput()
        {
            var d = Expect("DIFF0020", "Differentiable(Jacobian = true)", "[Differentiable(Jacobian = true)] public static void F(double a, double[] y) { for (int i = 0; i < y.Length; i++) y[i] = y[i] * a; }");
            Assert.Contains("read before it is written", d.GetMessage());
        }

        [Fact]
        public void DIFF0020_JacobianOfAnInstanceMethod()
        {
            var d = Expect("DIFF0020", "Differentiable(nameof(W), Jacobian = true)", "public double[] W = new double[2];\n[Differentiable(nameof(W), Jacobian = true)] public void F(double[] x, double[] y) { for (int i = 0; i < y.Length; i++) y[i] = W[i % 2] * x[i]; }",
                "public partial class C {\n");
            Assert.Contains("entry surface", d.GetMessage());
        }

        [Fact]
        public void Index_and_Select_over_the_rows_of_a_jagged_array_are_accepted()
        {
            // probe batch 35's one refusal: foreach (var (b, seq) in sequences.Index()) over a double[][]
            var problems = Problems("[Differentiable] public static double F(double[][] s, double[] v) { double t = 0; "
                + "foreach (var (i, row) in s.Index()) t += row[0] * v[i]; foreach (var (row, i) in s.Select((r, i) => (r, i))) t += row[^1] * i; return t; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0021_InstanceWeightsNotNamedAreConstants()
        {
            // probe batch 35's TwoLayerNet: a bare [Differentiable] on an instance method left its weights constant, silently
            var d = Expect("DIFF0021", "Loss", "public double[] W = new double[2]; public double[] B = new double[1]; public double Scale = 1;\n"
                + "[Differentiable] public double Loss(double[] x, double t) { double s = B[0]; for (int i = 0; i < 2; i++) s += W[i] * x[i] * Scale; return (s - t) * (s - t); }",
                "public partial class C {\n");
            Assert.Contains("reads the array fields 'W', 'B' as constants", d.GetMessage());
            Assert.Contains("[Differentiable(nameof(W), nameof(B))]", d.GetMessage());
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        }

        [Fact]
        public void Named_weights_get_no_DIFF0021()
        {
            var problems = GeneratorHarness.Run(Usings + "public partial class C {\npublic double[] W = new double[2];\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) { double s = 0; for (int i = 0; i < 2; i++) s += W[i] * x[i]; return s * s; }\n}").GeneratorDiagnostics;
            Assert.DoesNotContain(problems, x => x.Id == "DIFF0021");
        }

        [Fact]
        public void A_jacobian_for_a_residual_is_accepted()
        {
            var problems = Problems("[Differentiable(nameof(p), Jacobian = true)] public static void F(double[] p, double t, double[] r) { for (int i = 0; i < r.Length; i++) r[i] = p[0] * Math.Exp(-p[1] * (t + i)) - 1; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }
    }
}
