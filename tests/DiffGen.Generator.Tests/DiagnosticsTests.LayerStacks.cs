using System.Linq;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Layer stacks (generator/Parse/ReboundArrays.cs): <c>double[] a = x; ... a = next;</c> with widths that change is accepted; what
    /// stays refused says why and what to write: a new array whose length has no bound where the local is declared, and a helper
    /// that writes the local's elements (in C# that write would reach the parameter the local starts as).
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string Grow = "static double[] Grow(double[] v, int m) { var r = new double[m]; for (int i = 0; i < m; i++) r[i] = v[i % v.Length]; return r; }\n";

        [Fact]
        public void LayerStack_with_varying_widths_is_accepted()
        {
            var problems = Problems("[Differentiable(nameof(w))] public static double F(double[][] w, int[] sizes, double[] x) { double[] a = x; "
                + "for (int l = 0; l + 1 < sizes.Length; l++) { var next = new double[sizes[l + 1]]; for (int o = 0; o < next.Length; o++) { double s = 0; "
                + "for (int i = 0; i < a.Length; i++) s += w[l][o * a.Length + i] * a[i]; next[o] = Math.Tanh(s); } a = next; } double t = 0; "
                + "for (int o = 0; o < a.Length; o++) t += a[o]; return t; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0013_LayerStackGivenAnArrayWhoseLengthIsComputedAfterIt()
        {
            var d = Expect("DIFF0013", "a = Grow(a, m)", Grow
                + "[Differentiable] public static double F(double[] x) { double[] a = x; int m = 2 * x.Length + (int)x[0]; a = Grow(a, m); double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * a[i]; return s; }");
            Assert.Contains("longest array it is given", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_LayerStackThatGrowsEachIteration()
        {
            var d = Expect("DIFF0013", "a = b", "[Differentiable] public static double F(double[] x, int n) { double[] a = x; for (int k = 0; k < n; k++) { var b = new double[a.Length + 1]; "
                + "for (int i = 0; i < a.Length; i++) b[i] = a[i]; b[a.Length] = 1; a = b; } double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * a[i]; return s; }");
            Assert.Contains("computed from the length of 'a' itself and may exceed it", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_LayerStackWrittenByAHelper()
        {
            var d = Expect("DIFF0013", "F", "static double[] Scale(double[] v) { v[0] = 2 * v[0]; var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = 3 * v[i]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { double[] a = x; a = Scale(a); double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * a[i]; return s; }");
            Assert.Contains("a helper writes the elements of 'a'", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_RowOfAJaggedStackUsedAsAnArray()
        {
            var d = Expect("DIFF0004", "row = w[0][1]", "[Differentiable] public static double F(double[][][] w) { var row = w[0][1]; return row[0] * row[1]; }");
            Assert.Contains("index the rows where they are used", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_IntJaggedStack()
        {
            Expect("DIFF0002", "int[][][] idx", "[Differentiable] public static double F(double[] x, int[][][] idx) => x[idx[0][0][0]];");
        }

        [Fact]
        public void LayerStack_written_before_it_is_given_a_new_array_stays_an_alias()
        {
            // 'a[0] = ...' before 'a = ...' writes x in C#: not a layer stack, DIFF0013 as before
            var problems = Problems("static double[] Twice(double[] v) { var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = 2 * v[i]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { double[] a = x; a[0] = 1; a = Twice(a); return a[0] + a[1]; }");
            Assert.Contains(problems, p => p.Id == "DIFF0013");
        }

        [Fact]
        public void LayerStack_with_own_writes_and_a_helper_that_writes_it_first_stays_an_alias()
        {
            var problems = Problems("static double[] Bump(double[] v) { v[0] += 1; var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = 2 * v[i]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { double[] a = x; a = Bump(a); a[1] = a[0] * a[1]; return a[0] + a[1]; }");
            Assert.Contains(problems, p => p.Id == "DIFF0013");
        }

        [Fact]
        public void LayerStack_whose_parameter_is_written_stays_an_alias()
        {
            // 'a' is x itself while x is written: a copy would not see the write, so it is not a layer stack (DIFF0013 as before)
            var problems = Problems("[Differentiable] public static double F(double[] x) { double[] a = x; x[0] = 3; a = new double[4]; return a[0] + x[0]; }");
            Assert.Contains(problems, p => p.Id == "DIFF0013" || p.Id == "DIFF0005");
        }
    }
}
