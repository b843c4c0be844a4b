using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, eighth round of natural idioms (docs/natural-csharp.md): what stays rejected, and what its message says to write.</summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void DIFF0002_TupleReturn()
        {
            // a tuple of float/double values is accepted since round 8 (the later elements are outputs)
            Assert.Empty(Problems("[Differentiable] public static (double, double) F(double[] x) { double a = 0, b = 0; foreach (var v in x) { a += v; b += v * v; } return (a, b); }"));
            var d = Expect("DIFF0002", "(double, int)", "[Differentiable] public static (double, int) F(double[] x) { double a = 0; int n = 0; foreach (var v in x) { a += v; n++; } return (a, n); }");
            Assert.Contains("must all be float or double", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_ListLocal()
        {
            // accepted since round 9 when the Adds are in counted loops (ListLocals.cs); a while loop's Add is not counted
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x) { var l = new System.Collections.Generic.List<double>(); foreach (var v in x) if (v > 0) l.Add(v); double s = 0; foreach (var v in l) s += v; return l.Count > 0 ? s / l.Count : 0; }"));
            var d = Expect("DIFF0002", "l.Add(x[i])", "[Differentiable] public static double F(double[] x) { var l = new System.Collections.Generic.List<double>(); int i = 0; while (i < x.Length) { l.Add(x[i]); i += 2; } return l[0]; }");
            Assert.Contains("double[] local sized for the most elements", d.GetMessage());
            Assert.Contains("while", d.GetMessage());
            // passed to a helper: one diagnostic, at the use
            d = Expect("DIFF0002", "l", "static double Sum(System.Collections.Generic.List<double> l) { double s = 0; foreach (var v in l) s += v; return s; }\n[Differentiable] public static double F(double[] x) { var l = new System.Collections.Generic.List<double>(); foreach (var v in x) l.Add(v); return Sum(l); }");
            Assert.Contains("this use is not one of those", d.GetMessage());
            Assert.Single(Problems("static double Sum(System.Collections.Generic.List<double> l) { double s = 0; foreach (var v in l) s += v; return s; }\n[Differentiable] public static double F(double[] x) { var l = new System.Collections.Generic.List<double>(); foreach (var v in x) l.Add(v); return Sum(l); }"));
            // an Add in a loop whose bound reads a counter of the loop around it (a triangle): not counted where the list is declared
            d = Expect("DIFF0002", "h.Add", "[Differentiable] public static double F(double[] x) { var h = new System.Collections.Generic.List<double>(); for (int i = 0; i < x.Length; i++) for (int j = i + 1; j < x.Length; j++) h.Add(x[i] * x[j]); return h[0]; }");
            Assert.Contains("declared after the list", d.GetMessage());
            // cleared inside a loop that tests its Count: C# reads Count on every test, a counted loop once
            d = Expect("DIFF0002", "l.Clear()", "[Differentiable] public static double F(double[] x) { var l = new System.Collections.Generic.List<double>(); foreach (var v in x) l.Add(v); double s = 0; for (int i = 0; i < l.Count; i++) { s += l[i]; if (s > 1) l.Clear(); } return s; }");
            Assert.Contains("reads again on every test", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_TupleArrayParameter()
        {
            // (int, int)[] pairs are accepted since round 8 (an int[n, 2] inside)
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, (int A, int B)[] edges) { double s = 0; foreach (var (a, b) in edges) s += x[a] - x[b]; return s; }"));
            // tuples of ints with float/double elements are accepted since round 10 (data: an int[n, i] and a double[n, r] inside)
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, (int A, double W)[] edges) { double s = 0; foreach (var (a, w) in edges) s += w * x[a]; return s; }"));
            // tuples without an int element, or with other element types, stay rejected
            var d = Expect("DIFF0002", "(double X, double Y)[] pts", "[Differentiable] public static double F(double[] x, (double X, double Y)[] pts) { double s = 0; foreach (var (a, b) in pts) s += a * b * x[0]; return s; }");
            Assert.Contains("separate arrays", d.GetMessage());
            d = Expect("DIFF0002", "(int A, bool On)[] edges", "[Differentiable] public static double F(double[] x, (int A, bool On)[] edges) { double s = 0; foreach (var (a, on) in edges) if (on) s += x[a]; return s; }");
            Assert.Contains("int, float or double", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_ReturnedArrayNotOneTopLevelLocal()
        {
            var d = Expect("DIFF0002", "double[]", "[Differentiable] public static double[] F(double[] x, double[] y) { if (x[0] > 0) return x; return y; }");
            Assert.Contains("does not return a local array", d.GetMessage());
            d = Expect("DIFF0002", "double[]", "[Differentiable] public static double[] F(double[] x) { var a = new double[2]; var b = new double[2]; a[0] = x[0]; b[0] = x[1]; if (x[0] > 0) return a; return b; }");
            Assert.Contains("returns both 'a' and 'b'", d.GetMessage());
            d = Expect("DIFF0002", "double[]", "[Differentiable] public static double[] F(double[] x) { int m = 0; for (int i = 0; i < x.Length; i++) if (x[i] > 0) m++; var y = new double[m]; return y; }");
            Assert.Contains("the size of 'y' reads 'm'", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_RowLocalOfARowReplacedLater()
        {
            var d = Expect("DIFF0004", "row = h[0]", "[Differentiable] public static double F(double[] x) { var h = new double[2][]; h[0] = new double[x.Length]; h[1] = new double[x.Length];\n"
                + "double[] row = h[0]; h[0] = new double[x.Length]; row[0] = x[0]; return row[0] * h[0][0]; }");
            Assert.Contains("a row of 'h' is replaced later", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_StringParameterUsedOtherwiseThanCompared()
        {
            // a string parameter is a mode since round 8: compared with constants, or switched on
            Assert.Empty(Problems("[Differentiable] public static double F(double x, string mode) => mode == \"sq\" ? x * x : x;"));
            var d = Expect("DIFF0004", "mode", "[Differentiable] public static double F(double x, string mode) => mode.Length * x;");
            Assert.Contains("can only be compared with a constant", d.GetMessage());
            // a [Differentiable] callee taking a mode cannot be called (its array form takes flags) nor inlined
            d = Expect("DIFF0005", "G(x, mode)", "[Differentiable] public static double G(double x, string mode) => mode == \"sq\" ? x * x : x; [Differentiable] public static double F(double x, string mode) => G(x, mode);");
            Assert.Contains("its parameter 'mode' is a string", d.GetMessage());
            d = Expect("DIFF0004", "mode == other", "[Differentiable] public static double F(double x, string mode, string other) => mode == other ? x : 2 * x;");
            Assert.Contains("compare it with a literal", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_ForeachOverRowsThatTheBodyReplaces()
        {
            var d = Expect("DIFF0003", "h", "[Differentiable] public static double F(double[] x) { var h = new double[2][]; h[0] = new double[x.Length]; h[1] = new double[x.Length];\n"
                + "double s = 0; int k = 0; foreach (var r in h) { r[0] = x[0]; h[k] = new double[x.Length]; s += r[0]; k++; } return s; }");
            Assert.Contains("is replaced inside the loop", d.GetMessage());
        }

        [Fact]
        public void Layer_object_members_are_read_and_their_methods_inlined()
        {
            var source = Usings + "public class Lin { public double[] W = new double[2]; public double Apply(double[] x) { double s = 0; for (int i = 0; i < W.Length; i++) s += W[i] * x[i]; return s; } }\n"
                + "public partial class M { public Lin L1 = new Lin(); [Differentiable(\"L1.W\")] public double F(double[] x) => L1.Apply(x) * L1.W[0]; }";
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics.Where(x => x.Id != "DIFF0016"));
            Assert.Empty(result.CompileDiagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
            var text = string.Join("\n", result.Run.GeneratedTrees.Select(t => t.ToString()));
            Assert.Contains("this.L1.W", text);
            Assert.Contains("double[] L1_WGrad", text);
        }
    }
}
