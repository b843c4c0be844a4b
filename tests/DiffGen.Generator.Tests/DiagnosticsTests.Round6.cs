using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, sixth round of natural idioms (docs/natural-csharp.md): the forms that stay rejected, and what their message says to write.</summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void Goto_case_at_the_end_of_a_section_runs_on_into_the_target()
        {
            // accepted since round 7: the section gets the target section's statements in place of the goto
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, int mode) { double s = x[0] * x[0];\n"
                + "switch (mode) { case 0: s *= 2; goto case 1; case 1: s += 1; break; default: s = Math.Sqrt(s); break; }\nreturn s; }"));
        }

        [Fact]
        public void DIFF0003_GotoCaseInsideABranch()
        {
            var d = Expect("DIFF0003", "goto case 1;", "[Differentiable] public static double F(double[] x, int mode) { double s = x[0] * x[0];\n"
                + "switch (mode) { case 0: if (s > 1) goto case 1; s *= 2; break; case 1: s += 1; break; }\nreturn s; }");
            Assert.Contains("repeat the target section's statements", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_GotoCaseCycle()
        {
            var d = Expect("DIFF0003", "goto case 0;", "[Differentiable] public static double F(double[] x, int mode) { double s = x[0] * x[0];\n"
                + "switch (mode) { case 0: s *= 2; goto case 1; case 1: s += 1; goto case 0; }\nreturn s; }");
            Assert.Contains("cycle", d.GetMessage());
        }

        [Fact]
        public void Ref_local_to_an_array_element_is_an_alias()
        {
            // accepted since round 7: the local stands for acc[i % 3], which stays the same element for the whole loop body
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x) { var acc = new double[3];\n"
                + "for (int i = 0; i < x.Length; i++) { ref double slot = ref acc[i % 3]; slot += x[i] * x[i]; }\nreturn acc[0] + acc[1] * acc[2]; }"));
        }

        [Fact]
        public void DIFF0004_RefLocalWhoseIndexChanges()
        {
            var d = Expect("DIFF0004", "slot = ref acc[k]", "[Differentiable] public static double F(double[] x) { var acc = new double[3]; int k = 0;\n"
                + "{ ref double slot = ref acc[k]; slot += x[0]; k = 2; slot += x[1]; }\nreturn acc[0] + acc[2]; }");
            Assert.Contains("'k', which names the element, changes", d.GetMessage());
            Assert.Contains("index the array where the local is used", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_RefLocalReBound()
        {
            var d = Expect("DIFF0004", "slot = ref acc[0]", "[Differentiable] public static double F(double[] x) { var acc = new double[3];\n"
                + "{ ref double slot = ref acc[0]; slot += x[0]; slot = ref acc[1]; slot += x[1]; }\nreturn acc[0] * acc[1]; }");
            Assert.Contains("re-bound", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_RefLocalWithACallInTheIndex()
        {
            var d = Expect("DIFF0004", "slot = ref acc[Pick(x)]", "static int Pick(double[] v) => v.Length - 1;\n[Differentiable] public static double F(double[] x) { var acc = new double[3];\n"
                + "{ ref double slot = ref acc[Pick(x)]; slot += x[0] * x[0]; }\nreturn acc[2]; }");
            Assert.Contains("indices call methods", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_PostDecrementLoopWhoseBodyMovesTheCounter()
        {
            // 'for (int i = n; i-- > 0;)' is a counted loop only while the body leaves the counter alone; otherwise it is the general form,
            // whose condition (a decrement inside an expression) stays refused
            var d = Expect("DIFF0004", "i--", "[Differentiable] public static double F(double[] x) { double s = 0;\n"
                + "for (int i = x.Length; i-- > 0;) { s += x[i] * x[i]; if (i > 2) i--; }\nreturn s; }");
            Assert.Contains("as its own statement", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_AggregateWithAResultSelector()
        {
            // (without a seed over a T[] it is accepted since round 26: the first element is the seed)
            var d = Expect("DIFF0005", "System.Linq.Enumerable.Aggregate", "[Differentiable] public static double F(double[] x) => System.Linq.Enumerable.Aggregate(x, 0.0, (s, v) => s + v * v, s => 2 * s);");
            Assert.Contains("give the seed", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_AggregateWithoutSeedOverRows()
        {
            var d = Expect("DIFF0005", "System.Linq.Enumerable.Aggregate", "[Differentiable] public static double F(double[] x) => System.Linq.Enumerable.Aggregate(System.Linq.Enumerable.Range(0, x.Length), (s, i) => s + i) * x[0];");
            Assert.Contains("give the seed", d.GetMessage());
        }

        [Fact]
        public void Nullable_locals_are_accepted_and_a_nullable_from_a_helper_is_one_diagnostic()
        {
            // round 11: a double? local is a flag and a value (NullableValues.cs)
            Assert.DoesNotContain(Problems("[Differentiable] public static double F(double[] x) { double? best = null;\n"
                + "foreach (var v in x) if (best is null || v < best) best = v;\nreturn best ?? 0; }"), p => p.Severity == DiagnosticSeverity.Error);
            var ps = Problems("static double? Find(double[] x) { foreach (var v in x) if (v > 0) return v; return null; }\n"
                + "[Differentiable] public static double F(double[] x) { double? first = Find(x);\nreturn first ?? 0; }");
            Assert.True(ps.Count == 1, Describe(ps));
            Assert.Equal("DIFF0004", ps[0].Id);
            Assert.Contains("a nullable number is read with '??'", ps[0].GetMessage());
        }
    }
}
