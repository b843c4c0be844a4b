using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Every diagnostic id is triggered, at the exact offending syntax, with a reason.</summary>
    public class DiagnosticsTests
    {
        private const string Usings = "using System; using DiffGen;\n";

        /// <summary>Runs the generator and checks the one diagnostic with <paramref name="id"/> sits on text starting with <paramref name="at"/>.</summary>
        private static Diagnostic Expect(string id, string at, string body, string? header = null)
        {
            var source = Usings + (header ?? "public static partial class C {\n") + body + "\n}";
            var result = GeneratorHarness.Run(source);
            var diags = result.GeneratorDiagnostics.Where(d => d.Id == id).ToList();
            Assert.True(diags.Count >= 1, $"expected {id}, got: {string.Join("; ", result.GeneratorDiagnostics.Select(d => d.ToString()))}");
            var d = diags[0];
            // Diagnostics travel through the cached model as (path, span), so the location is a file location.
            Assert.Equal("Input0.cs", d.Location.GetLineSpan().Path);
            var span = d.Location.SourceSpan;
            Assert.True(span.Length > 0, $"{id} has an empty span");
            var text = source.Substring(span.Start, span.Length);
            Assert.StartsWith(at, text);
            Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()));
            Assert.DoesNotContain("{0}", d.GetMessage());
            return d;
        }

        [Fact]
        public void DIFF0001_InstanceMethod() =>
            Expect("DIFF0001", "F", "[Differentiable] public double F(double x) => x * x;");

        [Fact]
        public void DIFF0001_NonPartialType()
        {
            var d = Expect("DIFF0001", "F", "[Differentiable] public static double F(double x) => x * x;", "public static class C {\n");
            Assert.Contains("partial", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_UnsupportedParameterType() =>
            Expect("DIFF0002", "string s", "[Differentiable] public static double F(double x, string s) => x;");

        [Fact]
        public void DIFF0003_Switch()
        {
            var d = Expect("DIFF0003", "switch", "[Differentiable] public static double F(double x, int k) { double s = x; switch (k) { case 0: s = s * 2; break; } return s; }");
            Assert.Contains("if/else", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_OtherStatementsListWhatIsSupported()
        {
            var d = Expect("DIFF0003", "checked { s = s * 2; }", "[Differentiable] public static double F(double x) { double s = x; checked { s = s * 2; } return s; }");
            Assert.Contains("while, do", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_ArrayCreationInExpression() =>
            Expect("DIFF0004", "new double[] { 1.0 }", "[Differentiable] public static double F(double x) { return x * new double[] { 1.0 }[0]; }");

        [Fact]
        public void DIFF0002_DelegateLocal() =>
            Expect("DIFF0002", "f = y => y", "[Differentiable] public static double F(double x) { Func<double, double> f = y => y; return x; }");

        [Fact]
        public void DIFF0004_CastToInt() =>
            Expect("DIFF0004", "(int)x", "[Differentiable] public static double F(double x, double[] a) { return a[(int)x]; }");

        [Fact]
        public void DIFF0005_MathAsinh()
        {
            var d = Expect("DIFF0005", "Math.Asinh(x)", "[Differentiable] public static double F(double x) => Math.Asinh(x) * x;");
            Assert.Contains("Exp", d.GetMessage());
            Assert.Contains("Floor", d.GetMessage()); // the list says what can be written instead
        }

        [Fact]
        public void DIFF0003_ThrowBetweenComputations()
        {
            // leading guard clauses are kept; a throw after the first computation is not
            const string body = "[Differentiable] public static double F(double x) { if (x < -10) throw new ArgumentException(\"low\"); double y = x * x; if (y > 100) throw new ArgumentException(\"big\"); return y; }";
            var d = Expect("DIFF0003", "throw", body);
            Assert.Contains("top of the method", d.GetMessage());
            var source = Usings + "public static partial class C {\n" + body + "\n}";
            Assert.Contains("\"big\"", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)); // the second throw
        }

        [Fact]
        public void DIFF0005_RoundWithDigits()
        {
            var d = Expect("DIFF0005", "Math.Round(x, 2)", "[Differentiable] public static double F(double x) => Math.Round(x, 2) * x;");
            Assert.Contains("1-argument overload", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_PlainHelper() =>
            Expect("DIFF0005", "Helper(x)", "static double Helper(double v) => v; [Differentiable] public static double F(double x) => Helper(x);");

        [Fact]
        public void DIFF0006_Recursion() =>
            Expect("DIFF0006", "F(x - 1)", "[Differentiable] public static double F(double x) => x > 0 ? F(x - 1) : x;");

        [Fact]
        public void DIFF0007_WriteToDifferentiatedInput() =>
            Expect("DIFF0007", "a[0]", "[Differentiable(nameof(a))] public static double F(double[] a) { a[0] = 1; return a[1]; }");

        [Fact]
        public void DIFF0007_AssignScalarParameter() =>
            Expect("DIFF0007", "x", "[Differentiable] public static double F(double x) { x = x * 2; return x; }");

        [Fact]
        public void DIFF0008_UnknownWrtName() =>
            Expect("DIFF0008", "Differentiable(\"nope\")", "[Differentiable(\"nope\")] public static double F(double x) => x;");

        [Fact]
        public void DIFF0008_IntWrt() =>
            Expect("DIFF0008", "Differentiable(nameof(n))", "[Differentiable(nameof(n))] public static double F(double x, int n) => x * n;");

        [Fact]
        public void DIFF0009_NonConstantStep() =>
            Expect("DIFF0009", "i *= 2", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 1; i < a.Length; i *= 2) s += a[i]; return s; }");

        [Fact]
        public void DIFF0009_CounterModifiedInBody() =>
            Expect("DIFF0009", "i", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { s += a[i]; i = i + 1; } return s; }");

        [Fact]
        public void DIFF0010_IntFromDouble() =>
            Expect("DIFF0010", "x > 0 ? 1 : 0", "[Differentiable] public static double F(double x) { int k = x > 0 ? 1 : 0; return x * k; }");

        [Fact]
        public void DIFF0010_IntReassignedFromDouble()
        {
            // Reassigned ints are accepted (restored for the reverse sweep); a value computed from doubles still is not.
            var d = Expect("DIFF0010", "a[i] > 0 ? 1 : 0", "[Differentiable] public static double F(double[] a) { int k = 0; for (int i = 0; i < a.Length; i++) { k = a[i] > 0 ? 1 : 0; } return a[0] * k; }");
            Assert.Contains("Compare values directly inside 'if'", d.GetMessage());
        }

        [Fact]
        public void IntReassignedIsAccepted()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double[] a) { int k = 0; int count = 0; for (int i = 0; i < a.Length; i++) { if (a[i] > a[k]) k = i; count++; } return a[k] / count; }\n}");
            Assert.Empty(result.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
            Assert.Empty(result.CompileDiagnostics);
        }

        [Fact]
        public void DIFF0009_BoundChangedInBody()
        {
            var d = Expect("DIFF0009", "i < n", "[Differentiable] public static double F(double[] a) { double s = 0; int n = a.Length; for (int i = 0; i < n; i++) { s += a[i]; n--; } return s; }");
            Assert.Contains("copy it into an int before the loop", d.GetMessage());
        }

        [Fact]
        public void DIFF0007_IntArrayParameterWritten()
        {
            var d = Expect("DIFF0007", "labels[0]", "[Differentiable] public static double F(double[] a, int[] labels) { labels[0] = 1; return a[labels[0]]; }");
            Assert.Contains("copy it into a local int[]", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_IntArrayIndexedThroughItself()
        {
            var d = Expect("DIFF0004", "p[p[0]]", "[Differentiable] public static double F(double[] a) { int[] p = new int[2]; p[p[0]] = 1; return a[p[0]]; }");
            Assert.Contains("read the index into an int local first", d.GetMessage());
        }

        [Fact]
        public void DIFF0011_ReturnBeforeTheEndAtTheTopLevel()
        {
            var d = Expect("DIFF0011", "return x;", "[Differentiable] public static double F(double x) { return x; x = 2; }");
            Assert.Contains("a return inside a loop or an if is supported", d.GetMessage());
        }

        [Fact]
        public void DIFF0011_NoFinalReturn()
        {
            var d = Expect("DIFF0011", "F", "[Differentiable] public static double F(double[] a) { while (true) { for (int i = 0; i < a.Length; i++) if (a[i] > 1) return a[i]; } }");
            Assert.Contains("must end with 'return", d.GetMessage());
        }

        [Fact]
        public void DIFF0009_ConditionWithoutTheCounterSuggestsWhile()
        {
            var d = Expect("DIFF0009", "a[i] > 0", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; a[i] > 0; i++) s += a[i]; return s; }");
            Assert.Contains("while (", d.GetMessage());
        }

        [Fact]
        public void DIFF0009_LoopWithoutACounterSuggestsWhile()
        {
            var d = Expect("DIFF0009", "for", "[Differentiable] public static double F(double x) { double s = x; for (; s > 1;) s = s / 2; return s; }");
            Assert.Contains("while (condition)", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_LocalArrayAfterAnEarlyReturnSizedByALaterLocal()
        {
            var d = Expect("DIFF0013", "return a[i];", "[Differentiable] public static double F(double[] a) { for (int i = 0; i < a.Length; i++) if (a[i] > 1) return a[i]; int m = a.Length + 1; double[] t = new double[m]; t[0] = a[0]; return t[0]; }");
            Assert.Contains("before the statement that may return", d.GetMessage());
        }

        [Fact]
        public void WhileBreakAndEarlyReturnAreAccepted()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n"
                + "[Differentiable] public static double W(double x) { double s = x; int k = 0; while (s > 1 && k < 100) { s = s / 2; k++; } do { s = s * 1.5; } while (s < 0.5); return s; }\n"
                + "[Differentiable] public static double B(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { if (a[i] > 1) break; s += a[i]; } return s; }\n"
                + "[Differentiable] public static double R(double[] a) { for (int i = 0; i < a.Length; i++) { if (a[i] > 1) return a[i] * 2; } return 0; }\n"
                + "[Differentiable(nameof(a))] public static void V(double[] a, double[] y) { for (int i = 0; i < a.Length; i++) { if (a[i] > 5) return; y[i] = 2 * a[i]; } }\n"
                + "[Differentiable] public static double N(double[] a) { double s = 0; foreach (double v in a) { int k = 0; while (k < 3) { if (v * k > 2) break; s += v * k; k++; } } return s; }\n"
                + "}");
            Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.DoesNotContain(result.CompileDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(result.Run.GeneratedTrees.Length >= 5);
        }

        [Fact]
        public void DIFF0013_LocalArrayInLoopWithChangingSize()
        {
            // A scratch array inside a loop gets one buffer reused by every iteration: its size must not change.
            var d = Expect("DIFF0013", "t = new double[i + 1]", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { double[] t = new double[i + 1]; t[0] = a[i]; s += t[0]; } return s; }");
            Assert.Contains("allocate it once before the loop with the largest size needed", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_LocalArraySizeReassigned()
        {
            var d = Expect("DIFF0013", "t = new double[m]", "[Differentiable] public static double F(double[] a) { double s = 0; int m = 2; for (int i = 0; i < a.Length; i++) { double[] t = new double[m]; t[0] = a[i]; s += t[0]; m = 3; } return s; }");
            Assert.Contains("reassigned", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_ForeachOverMatrix()
        {
            var d = Expect("DIFF0003", "a", "[Differentiable] public static double F(double[,] a) { double s = 0; foreach (double v in a) s += v; return s; }");
            Assert.Contains("write 'for' loops with counters", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_JaggedLocal() =>
            Expect("DIFF0013", "t = new double[2][]", "[Differentiable] public static double F(double[] a) { double[][] t = new double[2][]; return a[0]; }");

        [Fact]
        public void LocalArrayInLoopIsAccepted()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { double[] t = new double[2]; int[] p = new int[2]; p[1] = i; t[0] = a[p[1]]; s += t[0] * t[0]; } return s; }\n}");
            Assert.Empty(result.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
            Assert.Empty(result.CompileDiagnostics);
        }

        [Fact]
        public void DIFF0014_AlwaysZeroWarning()
        {
            var d = Expect("DIFF0014", "unused", "[Differentiable] public static double F(double x, double unused) => x * x;");
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            // A warning does not stop generation.
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double x, double unused) => x * x;\n}");
            Assert.NotEmpty(result.Run.GeneratedTrees);
        }

        [Fact]
        public void DIFF0014_OnlyInCondition()
        {
            var d = Expect("DIFF0014", "t", "[Differentiable] public static double F(double x, double t) => x > t ? x : 2 * x;");
            Assert.Contains("comparisons", d.GetMessage());
        }

        [Fact]
        public void DIFF0015_NameCollision() =>
            Expect("DIFF0015", "F", "[Differentiable] public static double F(double x) => x * x; public static double FForward(double x) => x;");

        [Fact]
        public void DIFF0016_RaisedContractionIsReported()
        {
            var d = Expect("DIFF0016", "for", @"[Differentiable] public static double F(double[,] a, double[,] b)
{
    int n = a.GetLength(0); int m = b.GetLength(0); int k = a.GetLength(1);
    double s = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
        {
            double dot = 0;
            for (int d = 0; d < k; d++) dot += a[i, d] * b[j, d];
            s += Math.Exp(dot);
        }
    return s;
}");
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
            Assert.Contains("GEMM", d.GetMessage());
        }

        [Fact]
        public void DIFF0016_MissedContractionSaysWhy()
        {
            var d = Expect("DIFF0016", "for", @"[Differentiable] public static double F(double[,] a)
{
    int n = a.GetLength(0); int k = a.GetLength(1);
    double[,] t = new double[n, k];
    double s = 0;
    for (int i = 0; i < n; i++)
    {
        double dot = 0;
        for (int d = 0; d < k; d++) dot += a[i, d] * t[i, d];
        t[i, 0] = dot;
        s += Math.Log(1 + dot * dot);
    }
    return s;
}");
            Assert.Contains("written inside the same loop nest", d.GetMessage());
        }

        [Fact]
        public void ErrorsSuppressGeneration()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double x) { double s = x; switch (0) { default: s = s / 2; break; } return s; }\n}");
            Assert.Empty(result.Run.GeneratedTrees);
        }
    }
}
