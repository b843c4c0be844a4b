using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 10, round 26 (docs/natural-csharp.md): a foreach over the user's iterator method is inlined, yield by yield; what would
    /// leave the iterator's loops rather than the foreach (a break, a return, a continue when a yield is followed by more of its
    /// loop, a yield break) is refused with the form to write instead. A second name for an array given a new array is a copy only
    /// while nothing writes either name.
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string Iter = "using System.Collections.Generic;\npublic static partial class C {\n";
        private const string Pairs = "static IEnumerable<double> Vals(double[] a) { for (int i = 0; i < a.Length; i++) yield return a[i]; }\n";

        [Fact]
        public void DIFF0003_BreakOutOfAnIteratorForEach()
        {
            var d = Expect("DIFF0003", "break;", Pairs + "[Differentiable] public static double F(double[] x) { double s = 0; foreach (var v in Vals(x)) { if (v > 3) break; s += v * v; } return s; }", Iter);
            Assert.Contains("write the loop over the arrays with an index", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_ReturnInsideAnIteratorForEach()
        {
            Expect("DIFF0003", "return v;", Pairs + "[Differentiable] public static double F(double[] x) { foreach (var v in Vals(x)) { if (v > 3) return v; } return x[0]; }", Iter);
        }

        [Fact]
        public void DIFF0003_YieldBreak()
        {
            Expect("DIFF0003", "yield break;", "static IEnumerable<double> Head(double[] a) { for (int i = 0; i < a.Length; i++) { if (a[i] < 0) yield break; yield return a[i]; } }\n"
                + "[Differentiable] public static double F(double[] x) { double s = 0; foreach (var v in Head(x)) s += v * v; return s; }", Iter);
        }

        [Fact]
        public void DIFF0003_ContinueWhenAYieldIsNotLastInItsLoop()
        {
            var d = Expect("DIFF0003", "continue;", "static IEnumerable<double> Twice(double[] a) { for (int i = 0; i < a.Length; i++) { yield return a[i]; yield return -a[i]; } }\n"
                + "[Differentiable] public static double F(double[] x) { double s = 0; foreach (var v in Twice(x)) { if (v < 0) continue; s += v * v; } return s; }", Iter);
            Assert.Contains("last statement of its loop", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_AliasGivenANewArrayWhileTheArrayIsWritten()
        {
            // 'var w = x;' is the array x itself: a write through w must reach x, which a copy would not
            Expect("DIFF0013", "w", "[Differentiable] public static double F(double[] x, bool b) { var w = x; w[0] = 2 * w[0]; if (b) w = x.Select(v => v * v).ToArray(); return w[0] + x[0]; }",
                "using System.Linq;\npublic static partial class C {\n");
        }
        [Fact]
        public void DIFF0019_OnlyStructParameters()
        {
            var d = Expect("DIFF0019", "F", "public record struct V(double X, double Y);\n[Differentiable] public static double F(V a, V b, int n) { double s = 0; for (int i = 0; i < n; i++) s += a.X * b.Y; return s; }");
            Assert.Contains("'a', 'b' are read as data", d.GetMessage());
        }

        [Fact]
        public void DIFF0019_IsNotReportedForInPlaceArrays()
        {
            Assert.DoesNotContain(Problems("[Differentiable] public static double F(double[] x) { for (int i = 0; i < x.Length; i++) x[i] *= x[i]; return x[0]; }"), p => p.Id == "DIFF0019");
        }
    }
}
