using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Every diagnostic id is triggered, at the exact offending syntax, with a reason and what to write instead; every
    /// help link resolves to its section of docs/diagnostics.md; one root problem gives one diagnostic (no cascades).
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string Usings = "using System; using DiffGen;\n";

        /// <summary>
        /// A suggestion: an imperative saying what to write instead (every error and warning message has one, the
        /// README promises it). Checked on every diagnostic <see cref="Expect"/> sees.
        /// </summary>
        private static readonly Regex Suggestion = new(@"\b(use|write|remove|copy|mark|pass|move|rename|make|declare|call|give|allocate|assign|compare|convert|return|index|initialise|compute|choose|rewrite|name|count|iterate|fold|keep|loop over|validate)\b", RegexOptions.IgnoreCase);

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
            if (d.Severity != DiagnosticSeverity.Info)
                Assert.True(Suggestion.IsMatch(d.GetMessage()), $"{id} does not say what to write instead: {d.GetMessage()}");
            Assert.Equal(Descriptors.HelpLink(id), d.Descriptor.HelpLinkUri);
            return d;
        }

        /// <summary>Runs the generator on one method body; all the generator's diagnostics except the DIFF0016 remarks.</summary>
        private static System.Collections.Generic.List<Diagnostic> Problems(string body)
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n" + body + "\n}");
            return result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016").ToList();
        }

        private static string Describe(System.Collections.Generic.IEnumerable<Diagnostic> ds) => string.Join("; ", ds.Select(d => d.ToString()));

        [Fact]
        public void DIFF0001_GenericMethod()
        {
            var d = Expect("DIFF0001", "F", "[Differentiable] public static T F<T>(T x) where T : struct => x;");
            Assert.Contains("generic", d.GetMessage());
        }

        [Fact]
        public void DIFF0001_NonPartialType()
        {
            var d = Expect("DIFF0001", "F", "[Differentiable] public static double F(double x) => x * x;", "public static class C {\n");
            Assert.Contains("partial", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_UnsupportedParameterType() =>
            Expect("DIFF0002", "decimal s", "[Differentiable] public static double F(double x, decimal s) => x;");

        [Fact]
        public void DIFF0003_SwitchSectionLeftEarly()
        {
            // a switch is an if/else chain; a break before the end of a section is not
            Assert.Empty(Problems("[Differentiable] public static double F(double x, int k) { double s = x; switch (k) { case 0: s = s * 2; break; case > 3: s = -s; break; default: s = s + 1; break; } return s; }"));
            var d = Expect("DIFF0003", "break;", "[Differentiable] public static double F(double x, int k) { double s = x; switch (k) { case 0: if (x > 0) break; s = s * 2; break; } return s; }");
            Assert.Contains("put the rest of the section under an if", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_OtherStatementsListWhatIsSupported()
        {
            var d = Expect("DIFF0003", "lock (typeof(C)) { s = s * 2; }", "[Differentiable] public static double F(double x) { double s = x; lock (typeof(C)) { s = s * 2; } return s; }");
            Assert.Contains("while, do", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_ArrayCreationInExpression() =>
            Expect("DIFF0004", "new double[] { 1.0 }", "[Differentiable] public static double F(double x) { return x * new double[] { 1.0 }[0]; }");

        [Fact]
        public void DIFF0002_DelegateLocal() =>
            Expect("DIFF0002", "f = null", "[Differentiable] public static double F(double x) { Func<double, double> f = null; return x; }");

        [Fact]
        public void DIFF0010_CastToIntAsALoopBound()
        {
            var d = Expect("DIFF0010", "(int)x", "[Differentiable] public static double F(double x, double[] a) { double s = 0; for (int i = 0; i < (int)x; i++) s += a[i] * x; return s; }");
            Assert.Contains("store it in an int local first ('int m = (int)x;'", d.GetMessage());
            Expect("DIFF0010", "(int)x", "[Differentiable] public static double F(double x, double[] a) { var t = new double[(int)x]; return t.Length * x; }");
        }

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
            // a throw between the computations runs where it stands (round 15); its message may read numbers and bools, not an array
            Compiles("[Differentiable] public static double F(double x) { double y = x * x; y += 1; if (y > 100) throw new ArgumentException($\"big: {y}\"); return y; }", "");
            // a string mode in the message is an input of the array form that only the throw reads (batch 18's BeamTotalPotentialEnergy)
            Compiles("[Differentiable] public static double F(double x, string mode) { double y = 0; for (int i = 0; i < 3; i++) { switch (mode) { case \"sq\": y += x * x; break; default: throw new ArgumentException($\"unknown mode '{mode}'\", nameof(mode)); } } return y; }", "");
            const string body = "[Differentiable] public static double F(double[] x) { double y = 0; for (int i = 0; i < x.Length; i++) y += x[i]; if (y > 100) throw new ArgumentException(string.Join(\", \", x)); return y; }";
            var d = Expect("DIFF0003", "x", body);
            Assert.Contains("not a number or a bool", d.GetMessage());
            var source = Usings + "public static partial class C {\n" + body + "\n}";
            Assert.Equal("x", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)); // the array the message reads
        }

        [Fact]
        public void DIFF0005_RoundWithAMidpointMode()
        {
            // Math.Round(x, digits) is accepted since round 11 (.NET's Round(x * 10^digits) / 10^digits); a rounding mode is not
            Assert.Empty(Problems("[Differentiable] public static double F(double x) => Math.Round(x, 2) * x;"));
            var d = Expect("DIFF0005", "Math.Round(x, MidpointRounding.AwayFromZero)", "[Differentiable] public static double F(double x) => Math.Round(x, MidpointRounding.AwayFromZero) * x;");
            Assert.Contains("1-argument overload", d.GetMessage());
            Assert.Contains("Math.Floor(x + 0.5) half up", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_LibraryMethodWithoutSource() =>
            Expect("DIFF0005", "double.BitIncrement(x)", "[Differentiable] public static double F(double x) => double.BitIncrement(x) * x;");

        [Fact]
        public void DIFF0006_RecursionThroughHelpers()
        {
            // round 15: a tail call is a loop; recursion with one call site otherwise is unrolled (DIFF0018, info)
            Assert.Empty(Problems("static double H(double v) => v > 1 ? H(v / 2) : v; [Differentiable] public static double F(double x) => H(x) * x;"));
            var d = Expect("DIFF0006", "Fib(n - 1, x)", "static double Fib(int n, double x) => n < 2 ? x : Fib(n - 1, x) + Fib(n - 2, x); [Differentiable] public static double F(double x) => Fib(5, x);");
            Assert.Contains("F → Fib → Fib", d.GetMessage());
            d = Expect("DIFF0006", "A(v - 1)", "static double A(double v) => v > 0 ? B(v) : v; static double B(double v) => A(v - 1) * 2; [Differentiable] public static double F(double x) => A(x) + x;");
            Assert.Contains("F → A → B → A", d.GetMessage());
            // a local function calling itself once, not as a tail call: unrolled, said as information
            d = Expect("DIFF0018", "Fact(k - 1)", "[Differentiable] public static double F(double x) { double Fact(int k) => k <= 1 ? x : k * Fact(k - 1); return Fact(3); }");
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
            Assert.Contains("throws NotSupportedException", d.GetMessage());
            Assert.DoesNotContain(Problems("[Differentiable] public static double F(double x) { double Fact(int k) => k <= 1 ? x : k * Fact(k - 1); return Fact(3); }"), x => x.Severity == DiagnosticSeverity.Error);
        }

        [Fact]
        public void DIFF0005_HelperWithRefOrOutOrParams()
        {
            // out and ref scalars write the caller's variable; a ref array (the helper could replace the caller's array) is not supported
            Assert.Empty(Problems("static void H(double v, out double r) { r = v * v; } [Differentiable] public static double F(double x) { H(x, out double r); return r * x; }"));
            Assert.Empty(Problems("static void H(ref double v) { v = v * v; } [Differentiable] public static double F(double x) { double s = x; H(ref s); return s; }"));
            var d = Expect("DIFF0005", "H(ref a)", "static void H(ref double[] v) { v[0] = v[0] * v[0]; } [Differentiable] public static double F(double[] x) { double[] a = new double[1]; a[0] = x[0]; H(ref a); return a[0]; }");
            Assert.Contains("'v' is 'ref'", d.GetMessage());
            Assert.Contains("return the result", d.GetMessage());
            // since round 8 'params' values become a local array
            Assert.Empty(Problems("static double H(params double[] v) => v[0] * v[1]; [Differentiable] public static double F(double x) => H(x, x);"));

        }

        [Fact]
        public void GenericHelperIsInstantiatedForTheCallsType()
        {
            // issue 10, round 5: a generic-math helper is instantiated for double and inlined (DiagnosticsTests.Round5.cs: when it cannot be)
            var problems = Problems("static T Sq<T>(T v) where T : System.Numerics.INumber<T> => v * v; [Differentiable] public static double F(double x) => Sq(x) + x;");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0005_HelperWithStatementsInALoopCondition()
        {
            // in a while condition the helper's statements run in the loop, before each test (round 15); in a for condition they are refused
            var far = GeneratorHarness.Run(Usings + "public static partial class C {\nstatic bool Far(double v) { double t = v * v; return t < 4; } [Differentiable] public static double F(double x) { double s = x; while (Far(s)) s = s * 1.5 + 0.1; return s; }\n}");
            Assert.Empty(far.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
            Assert.Contains(far.Run.GeneratedTrees, t => t.ToString().Contains("FBackward", System.StringComparison.Ordinal));
            var d = Expect("DIFF0005", "Far(s)", "static bool Far(double v) { double t = v * v; return t < 4; } [Differentiable] public static double F(double x) { double s = x; for (int i = 0; i < 50 && Far(s); i++) s = s * 1.5 + 0.1; return s; }");
            Assert.Contains("before every iteration", d.GetMessage());
            Assert.Contains("compute the value into a local", d.GetMessage());
            // a helper that is one expression is evaluated where the condition is: accepted
            Assert.Empty(Problems("static bool Near(double v) => v * v < 4; [Differentiable] public static double F(double x) { double s = x; while (Near(s)) s = s * 1.5 + 0.1; return s; }"));
            // also with an element as the argument (taken in place: the helper assigns nothing)
            Assert.Empty(Problems("static bool Near(double v) => v * v < 4; [Differentiable] public static double F(double[] x) { double s = 0; for (int i = 0; i < x.Length && Near(x[i]); i++) s += x[i]; return s; }"));
        }

        [Fact]
        public void DIFF0007_HelperWritesADifferentiatedInput()
        {
            const string body = "static void Zero(double[] v) { v[0] = 0; } [Differentiable(nameof(a))] public static double F(double[] a) { Zero(a); return a[1]; }";
            var d = Expect("DIFF0007", "a", body);
            // at the caller's argument, not inside the helper
            Assert.Equal((Usings + "public static partial class C {\n" + body).IndexOf("Zero(a)", System.StringComparison.Ordinal) + 5, d.Location.SourceSpan.Start);
            Assert.Contains("copy it into a local array", d.GetMessage());
        }

        [Fact]
        public void HelperProblemIsReportedOnceAtTheHelper()
        {
            // two [Differentiable] methods, three calls: one diagnostic, inside the helper
            var problems = Problems("static double H(double v) { double y = v % 2.0; return y * v; } [Differentiable] public static double F(double x) => H(x) + H(2 * x); [Differentiable] public static double G(double x) => H(x) * x;");
            Assert.True(problems.Count == 1 && problems[0].Id == "DIFF0004", Describe(problems));
            var source = Usings + "public static partial class C {\n" + "static double H(double v) { double y = v % 2.0; return y * v; }";
            Assert.StartsWith("v % 2.0", source.Substring(problems[0].Location.SourceSpan.Start));
        }

        [Fact]
        public void DIFF0006_Recursion()
        {
            // recursion that branches: two calls
            var d = Expect("DIFF0006", "F(x - 1, n - 1)", "[Differentiable] public static double F(double x, int n) => n <= 1 ? x : F(x - 1, n - 1) * F(0.5 * x, n - 2);");
            Assert.Contains("recursion that branches", d.GetMessage());
            // a method calling itself once, outside loops, is its own recursive helper: a tail call is a loop, any depth
            Assert.Empty(Problems("[Differentiable] public static double G(double x) => x > 0 ? G(x - 1) : x;"));
            // and a linear recursion is unrolled, with the DIFF0018 note (Horner's rule as the method itself)
            var unrolled = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double P(double[] c, double x, int i) { if (i == c.Length - 1) return c[i]; return c[i] + x * P(c, x, i + 1); }\n}");
            Assert.Empty(unrolled.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
            Assert.Contains(unrolled.GeneratorDiagnostics, x => x.Id == "DIFF0018");
        }

        [Fact]
        public void DIFF0006_DeterminantByMinorsSuggestsElimination()
        {
            var d = Expect("DIFF0006", "Det(m)", "[Differentiable] public static double Det(double[,] a) { int n = a.GetLength(0); if (n == 1) return a[0, 0]; double s = 0; for (int c = 0; c < n; c++) { var m = new double[n - 1, n - 1]; for (int i = 1; i < n; i++) for (int j = 0, k = 0; j < n; j++) if (j != c) m[i - 1, k++] = a[i, j]; s += (c % 2 == 0 ? 1 : -1) * a[0, c] * Det(m); } return s; }");
            Assert.Contains("such as a determinant expanded in minors", d.GetMessage());
            Assert.Contains("Gaussian elimination", d.GetMessage());
        }

        [Fact]
        public void DIFF0007_WriteToDifferentiatedInput() =>
            Expect("DIFF0007", "a[0]", "[Differentiable(nameof(a))] public static double F(double[] a) { a[0] = 1; return a[1]; }");

        [Fact]
        public void AssignedScalarParameterIsALocalCopy() =>
            Assert.Empty(Problems("[Differentiable] public static double F(double x, int n) { x = x * 2; n--; (x, n) = (x + 1, n * 2); return x * n; }"));

        [Fact]
        public void DIFF0008_UnknownWrtName() =>
            Expect("DIFF0008", "Differentiable(\"nope\")", "[Differentiable(\"nope\")] public static double F(double x) => x;");

        [Fact]
        public void DIFF0008_IntWrt() =>
            Expect("DIFF0008", "Differentiable(nameof(n))", "[Differentiable(nameof(n))] public static double F(double x, int n) => x * n;");

        [Fact]
        public void ForLoopsOutsideTheCountedFormAreWhileLoops()
        {
            // a computed step, a counter the body moves, two counters, a double counter, no counter: init; while (cond) { body; increments }
            Assert.Empty(Problems("[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 1; i < a.Length; i *= 2) s += a[i]; return s; }"));
            Assert.Empty(Problems("[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { s += a[i]; i = i + 1; } return s; }"));
            Assert.Empty(Problems("[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0, j = a.Length - 1; i < j; i++, j--) s += a[i] * a[j]; return s; }"));
            Assert.Empty(Problems("[Differentiable] public static double F(double x) { double y = x; for (double t = 0; t < 1; t += 0.25) y = y * x; return y; }"));
        }

        [Fact]
        public void DIFF0009_CounterMovingAwayFromTheBound()
        {
            var d = Expect("DIFF0009", "i < a.Length", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i--) s += a[0]; return s; }");
            Assert.Contains("would not terminate", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_SaysWhatToUseInstead()
        {
            // (a List<double> parameter is read like a double[] since round 11; other collections are not)
            Assert.Contains("double[]", Expect("DIFF0002", "System.Collections.Generic.IEnumerable<double> xs", "[Differentiable] public static double F(System.Collections.Generic.IEnumerable<double> xs) => 0;").GetMessage());
            Assert.Empty(Problems("[Differentiable] public static double F(double x) { bool[] m = new bool[2]; m[0] = x > 0; return m[0] ? x : -x; }")); // a bool[] local: an int[] of 0/1 (BoolMasks)
            Assert.Contains("int[]", Expect("DIFF0002", "m = { true, false }", "[Differentiable] public static double F(double x) { bool[] m = { true, false }; return m[0] ? x : -x; }").GetMessage()); // an initializer still refused
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, bool[] m) { double s = 0; for (int i = 0; i < x.Length; i++) if (m[i]) s += x[i]; return s; }")); // a bool[] parameter is a mask
            Assert.Contains("by value", Expect("DIFF0002", "ref double y", "[Differentiable] public static double F(double x, ref double y) => x;").GetMessage());
            Assert.Contains("return a float or double", Expect("DIFF0002", "int", "[Differentiable] public static int F(double x) => 1;").GetMessage());
            // (a long count parameter is read as an int since round 36; a long local that is not a loop counter is not)
            Assert.Contains("use int", Expect("DIFF0002", "k = 2", "[Differentiable] public static double F(double x) { long k = 2; k *= 3; return x * k; }").GetMessage());
        }

        [Fact]
        public void DIFF0005_HelperSaysWhatToWrite()
        {
            // helpers with source are inlined; a library method is not, and the message says what to write instead
            Assert.Empty(Problems("static double Helper(double v) => v * v; [Differentiable] public static double F(double x) => Helper(x);"));
            var d = Expect("DIFF0005", "Math.Round(x, MidpointRounding.ToZero)", "[Differentiable] public static double F(double x) => Math.Round(x, MidpointRounding.ToZero) + Helper(x); static double Helper(double v) => v * v;");
            Assert.Contains("call that one", d.GetMessage());
            d = Expect("DIFF0005", "double.BitIncrement(v)", "[Differentiable] public static double F(double x) => Helper(x) * x; static double Helper(double v) { double[] a = new double[1]; a[0] = v; return double.BitIncrement(v) * a[0]; }");
            Assert.Contains("source is not in this compilation", d.GetMessage());
            Assert.Contains("helper methods of your own", d.GetMessage());
        }

        [Fact]
        public void IntsFromDoublesAreAccepted()
        {
            // round 12: an int local, an index, an int helper's result and an int reassigned from values are kept on the int tape
            foreach (var body in new[]
            {
                "[Differentiable] public static double F(double x) { int k = x > 0 ? 1 : 0; double s = x * k; k = k + 1; return s * k; }",
                "[Differentiable] public static double F(double[] a) { int k = 0; for (int i = 0; i < a.Length; i++) { k = a[i] > 0 ? 1 : 0; } return a[0] * k; }",
                "[Differentiable] public static double F(double x, double[] a) { return a[(int)x]; }",
                "[Differentiable] public static double F(double[] table, double u) { double pos = u * (table.Length - 1); int i0 = (int)Math.Floor(pos); return table[i0] * (pos - i0); }",
                "static int Bin(double v, int n) => (int)(v * n); [Differentiable] public static double F(double[] w, double v) => w[Bin(v, w.Length)] * v;",
                "[Differentiable] public static double F(double x, double[] a) { int m = (int)x; double s = 0; for (int i = 0; i < m; i++) s += a[i] * x; return s; }",
            })
            {
                var result = GeneratorHarness.Run(Usings + "public static partial class C {\n" + body + "\n}");
                Assert.Empty(result.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
                Assert.Empty(result.CompileDiagnostics);
            }
        }

        [Fact]
        public void DIFF0010_IndexCastFromAValueInALoopCondition()
        {
            // the index's int local would be computed once, before the loop, while C# evaluates it before every iteration
            // (a while condition computes it in the loop, before each test: round 15)
            Assert.Empty(Problems("[Differentiable(nameof(w))] public static double F(double[] w, double[] x) { int i = 0; while (i < x.Length && w[(int)(x[i] * 2)] > 0.5) i++; return w[0] * i; }"));
            var d = Expect("DIFF0010", "(int)(x[i] * 2)", "[Differentiable(nameof(w))] public static double F(double[] w, double[] x) { double s = 0; for (int i = 0; i < x.Length && w[(int)(x[i] * 2)] > 0.5; i++) s += w[0]; return s; }");
            Assert.Contains("the loop condition is evaluated before every iteration", d.GetMessage());
            Assert.Contains("compute the index into an int local where it is used", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_PerRowSizes_AcceptedFromParameters_RejectedOtherwise()
        {
            // a size read per row from a parameter: one buffer of the longest row (accepted, code generated)
            Assert.Empty(Problems("[Differentiable] public static double F(double[][] x) { double t = 0; for (int i = 0; i < x.Length; i++) { int k = x[i].Length; var r = new double[k + 1]; for (int j = 0; j < k; j++) r[j] = x[i][j]; foreach (var v in r) t += v * v; } return t; }"));
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, int[] lens) { double t = 0; for (int b = 0; b < lens.Length; b++) { var w = new double[lens[b]]; for (int j = 0; j < w.Length; j++) w[j] = x[j]; t += w.Sum(); } return t; }"));
            // a size from a for loop's counter: bounded by the loop's bound (since 2026-12-05, CounterSizedScratch)
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x) { double t = 0; for (int i = 0; i < x.Length; i++) { var r = new double[i + 1]; r[0] = x[i]; t += r[0] * r.Length; } return t; }"));
            // a size from a while loop's counter: no bound before the loop
            var d = Expect("DIFF0013", "r = new double[k + 1]", "[Differentiable] public static double F(double[] x) { double t = 0; int k = 0; while (k < x.Length) { var r = new double[k + 1]; r[0] = x[k]; t += r[0]; k++; } return t; }");
            Assert.Contains("reassigned", d.GetMessage());
            // the per-row buffer passed whole to a [Differentiable] callee would show it the longest row's length
            d = Expect("DIFF0004", "r", "[Differentiable] public static double G(double[] v) { double s = 0; for (int i = 0; i < v.Length; i++) s += v[i] * v[i]; return s; }\n[Differentiable] public static double F(double[][] x) { double t = 0; for (int i = 0; i < x.Length; i++) { var r = new double[x[i].Length]; for (int j = 0; j < r.Length; j++) r[j] = x[i][j]; t += G(r); } return t; }");
            Assert.Contains("sized for the longest row", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_ArrayChosenByAFlagThenWritten()
        {
            // the local copies the array chosen, which is the alias C# makes only while nothing writes either of them afterwards
            var d = Expect("DIFF0013", "src = useA ? a : b", "[Differentiable(nameof(a))] public static double F(double[] a, double[] b, bool useA) { var src = useA ? a : b; src[0] = 1; return src[0] * a[0]; }");
            Assert.Contains("'src' is written after the choice", d.GetMessage());
            d = Expect("DIFF0013", "src = flip ? h2 : h1", "[Differentiable] public static double F(double[] x, bool flip) { var h1 = new double[x.Length]; var h2 = new double[x.Length]; var src = flip ? h2 : h1; for (int i = 0; i < x.Length; i++) { h1[i] = x[i]; h2[i] = 2 * x[i]; } return src[0]; }");
            Assert.Contains("'h1' is written after the choice", d.GetMessage());
        }

        [Fact]
        public void DIFF0008_ListOfRowsNamedInTheAttribute()
        {
            var d = Expect("DIFF0008", "Differentiable(nameof(batch))", "[Differentiable(nameof(batch))] public static double F(System.Collections.Generic.List<double[]> batch, double[] w) => batch[0][0] * w[0];");
            Assert.Contains("pass a double[][] to differentiate it", d.GetMessage());
        }

        [Fact]
        public void IntReassignedIsAccepted()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double[] a) { int k = 0; int count = 0; for (int i = 0; i < a.Length; i++) { if (a[i] > a[k]) k = i; count++; } return a[k] / count; }\n}");
            Assert.Empty(result.GeneratorDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error));
            Assert.Empty(result.CompileDiagnostics);
        }

        [Fact]
        public void BoundChangedInBodyIsAWhileLoop() =>
            Assert.Empty(Problems("[Differentiable] public static double F(double[] a) { double s = 0; int n = a.Length; for (int i = 0; i < n; i++) { s += a[i]; n--; } return s; }"));

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
        public void ConditionWithoutTheCounterAndNoCounterAreWhileLoops()
        {
            Assert.Empty(Problems("[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length && a[i] > 0; i++) s += a[i]; for (int i = 0; a[i] > 0; i++) s += a[i]; return s; }"));
            Assert.Empty(Problems("[Differentiable] public static double F(double x) { double s = x; for (; s > 1;) s = s / 2; return s; }"));
        }

        [Fact]
        public void DIFF0013_LocalArrayAfterAnEarlyReturnSizedByALaterLocal()
        {
            // 'int m = a.Length + 1;' moves up with the array since round 25 (Round25Forms.GuardThenScratch); one set twice does not
            var d = Expect("DIFF0013", "return a[i];", "[Differentiable] public static double F(double[] a) { for (int i = 0; i < a.Length; i++) if (a[i] > 1) return a[i]; int m = a.Length; m = m + 1; double[] t = new double[m]; t[0] = a[0]; return t[0]; }");
            Assert.Contains("before the statement that may return", d.GetMessage());
        }

        [Fact]
        public void ParenthesizedLoopConditionIsACountedLoop()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n"
                + "[Differentiable] public static double P(double[] a) { double s = 0; for (int i = 0; (i < a.Length); i++) s += a[i] * a[i]; for (int j = a.Length - 1; ((j >= 0) && a[j] > -10); j--) s += a[j]; return s; }\n"
                + "}");
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            Assert.DoesNotContain(result.CompileDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.NotEmpty(result.Run.GeneratedTrees);
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
            // (a size from a for loop's counter is bounded by the loop: accepted since 2026-12-05) a size from a local of the loop body
            var d = Expect("DIFF0013", "t = new double[m + 1]", "[Differentiable] public static double F(double[] a) { double s = 0; for (int i = 0; i < a.Length; i++) { int m = (int)(a[i] * a[i]); double[] t = new double[m + 1]; t[0] = a[i]; s += t[0]; } return s; }");
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
            // the elements of a T[,] can be iterated (row by row); since round 8 the rows of a jagged array too
            Assert.Empty(Problems("[Differentiable] public static double F(double[][] a) { double s = 0; foreach (double[] r in a) s += r[0]; return s; }"));
            // an iteration variable of another type still is not
            var d = Expect("DIFF0003", "foreach", "[Differentiable] public static double F(double[] a, int[] idx) { double s = 0; foreach (decimal v in idx) s += a[0] * (double)v; return s; }");
            Assert.Contains("must be a float, double, int or bool", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_JaggedLocal()
        {
            var d = Expect("DIFF0013", "t = new double[2][]", "[Differentiable] public static double F(double[] a) { double[][] t = new double[2][]; return a[0]; }");
            Assert.Contains("its rows are never assigned", d.GetMessage());
            Assert.Contains("'h[i] = new T[m];' of one length m", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_JaggedLocalWithRowsOfDifferentLengths()
        {
            // a triangle: row i has i + 1 elements, which a T[n, m] cannot hold
            var d = Expect("DIFF0013", "i + 1", "[Differentiable] public static double F(double[] x) { var h = new double[x.Length][]; for (int i = 0; i < x.Length; i++) { h[i] = new double[i + 1]; h[i][0] = x[i]; } return h[1][0]; }");
            Assert.Contains("reads 'i', which is not known where 'h' is declared (it changes per row)", d.GetMessage());
            Assert.Contains("use a T[,] sized by the longest row", d.GetMessage());
            d = Expect("DIFF0013", "3", "[Differentiable] public static double F(double[] x) { var h = new double[2][]; h[0] = new double[2]; h[1] = new double[3]; h[1][0] = x[0]; return h[1][0]; }");
            Assert.Contains("its rows have lengths '2' and '3'", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_JaggedLocalRowFromAnotherArray()
        {
            var d = Expect("DIFF0013", "h[i] = x[i]", "[Differentiable] public static double F(double[][] x) { var h = new double[x.Length][]; for (int i = 0; i < x.Length; i++) h[i] = x[i]; return h[0][0]; }");
            Assert.Contains("copy its elements into h[i][j]", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_SwappedArraysOfDifferentLengths()
        {
            var d = Expect("DIFF0013", "b = new double[m]", "[Differentiable] public static double F(double[] x, int m) { var a = new double[x.Length]; var b = new double[m]; var t = a; a = b; b = t; a[0] = x[0]; return a[0] * x[0]; }");
            Assert.Contains("it is swapped with 'a', which has another length", d.GetMessage());
            Assert.Contains("copy the elements", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_FreshArrayInALoopWithNothingOutsideToSwapWith()
        {
            // 'c = b' of a new array of the loop into a local of the loop is a copy since round 22 (a recurrent cell's 'h = hNew'),
            // but here c is another name for b ('var c = b'): refused
            var d = Expect("DIFF0013", "c = b", "[Differentiable] public static double F(double[] x) { double s = 0; for (int t = 0; t < 3; t++) { var b = new double[2]; var c = b; b[0] = x[0]; c = b; s += c[0]; } return s; }");
            Assert.Contains("another name refers to the same array", d.GetMessage());
            d = Expect("DIFF0013", "b = new double[2]", "[Differentiable] public static double F(double[] x) { double s = 0; for (int t = 0; t < 3; t++) { var b = new double[2]; var c = b; b[0] = x[0]; c = b; b[1] = s; s += c[0]; } return s; }");
            Assert.Contains("created inside a loop or an if before any array it is swapped with is created outside", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_NullableRowReadWithoutATest()
        {
            // a row local that may be null is accepted since round 25 when every read is under a test that it is not null
            var d = Expect("DIFF0004", "below", "[Differentiable] public static double F(double[][] u) { double e = 0; for (int i = 0; i < u.Length; i++) { double[] below = i + 1 < u.Length ? u[i + 1] : null; for (int j = 0; j < u[i].Length; j++) e += below[j] * u[i][j]; } return e; }");
            Assert.Contains("may be null here", d.GetMessage());
            var guarded = Problems("[Differentiable] public static double F(double[][] u) { double e = 0; for (int i = 0; i < u.Length; i++) { double[] below = i + 1 < u.Length ? u[i + 1] : null; for (int j = 0; j < u[i].Length; j++) { if (below != null && below[j] > 0) e += below[j] * u[i][j]; else e += u[i][j]; } } return e; }");
            Assert.True(guarded.Count == 0, Describe(guarded));
        }

        [Fact]
        public void DIFF0013_SwappedMatrices()
        {
            // (a, b) = (b, a) exchanges the elements since round 25 (a 2-D heat equation); through a third name it is refused
            var d = Expect("DIFF0013", "a = b", "[Differentiable] public static double F(double[,] x, int steps) { var a = (double[,])x.Clone(); var b = new double[x.GetLength(0), x.GetLength(1)]; for (int t = 0; t < steps; t++) { b[0, 0] = a[0, 0] * 2; var c = a; a = b; b = c; } return a[0, 0]; }");
            Assert.Contains("keep the state in T[]s indexed [i * cols + j] and swap those", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_JaggedLocalPassedWhole()
        {
            // to a helper (inlined) since round 22: it indexes the same buffer; to another [Differentiable] method (whole arrays): refused
            Assert.Empty(Problems("static double First(double[][] h) => h[0][0] + h[1].Length; [Differentiable] public static double F(double[] x) { var h = new double[2][]; h[0] = new double[x.Length]; h[1] = new double[x.Length]; h[0][0] = x[0] * x[1]; return First(h); }"));
            var d = Expect("DIFF0004", "h", "[Differentiable] public static double First(double[][] h) => h[0][0]; [Differentiable] public static double F(double[] x) { var h = new double[2][]; h[0] = new double[x.Length]; h[1] = new double[x.Length]; h[0][0] = x[0] * x[1]; return First(h); }");
            Assert.Contains("pass its rows h[i] to a helper taking a T[]", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_SwappedArrayPassedToADifferentiableMethod()
        {
            var d = Expect("DIFF0004", "a", "[Differentiable] public static double Sq(double[] v) => v[0] * v[0]; [Differentiable] public static double F(double[] x) { var a = (double[])x.Clone(); var b = new double[x.Length]; (a, b) = (b, a); return Sq(a); }");
            Assert.Contains("cannot be passed to the [Differentiable] method 'Sq'", d.GetMessage());
            Assert.Contains("copy it into a local T[] first", d.GetMessage());
        }

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

        // ------------------------------------------------------------------ [Constant] (DIFF0017)

        [Fact]
        public void DIFF0017_ConstantAndListed()
        {
            var d = Expect("DIFF0017", "Constant", "[Differentiable(nameof(x), nameof(t))] public static double F(double x, [Constant] double t) => x * t;");
            Assert.Contains("remove", d.GetMessage());
        }

        [Fact]
        public void DIFF0017_ConstantOutput()
        {
            var d = Expect("DIFF0017", "Constant", "[Differentiable] public static void F(double[] x, [Constant] double[] y) { for (int i = 0; i < x.Length; i++) y[i] = 2 * x[i]; }");
            Assert.Contains("output", d.GetMessage());
        }

        [Fact]
        public void DIFF0017_DerivativeIntoConstantParameterOfCallee()
        {
            // Mse's target is [Constant]: passing the differentiated 'p' there would drop its gradient silently.
            var d = Expect("DIFF0017", "p", @"[Differentiable] public static double Mse(double[] a, [Constant] double[] target) { double s = 0; for (int i = 0; i < a.Length; i++) s += (a[i] - target[i]) * (a[i] - target[i]); return s; }
[Differentiable] public static double F(double[] q, double[] p) => Mse(q, p);");
            Assert.Contains("'target'", d.GetMessage());
            Assert.Contains("'p'", d.GetMessage());
        }

        [Fact]
        public void ConstantIsAccepted()
        {
            // A constant passed on to a constant parameter, or to a differentiated one; [Constant] on an int is harmless.
            var problems = Problems(@"[Differentiable] public static double Mse(double[] a, [Constant] double[] target) { double s = 0; for (int i = 0; i < a.Length; i++) s += (a[i] - target[i]) * (a[i] - target[i]); return s; }
[Differentiable] public static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
[Differentiable] public static double F(double[] q, [Constant] double[] p, [Constant] int k) { double[] t = new double[p.Length]; for (int i = 0; i < p.Length; i++) t[i] = 2 * p[i] + k; return Mse(q, t) + Dot(q, p); }");
            Assert.True(problems.Count == 0, Describe(problems));
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double[] q, [Constant] double[] p) { double s = 0; for (int i = 0; i < q.Length; i++) s += q[i] * p[i]; return s; }\n}");
            Assert.Empty(result.CompileDiagnostics);
            var backward = result.Run.GeneratedTrees.Single(t => !t.FilePath.EndsWith(".cuda.g.cs", System.StringComparison.Ordinal)).ToString();
            Assert.Contains("FBackward(double[] q, double[] p, double[] qGrad, double seed = 1)", backward);
        }

        [Fact]
        public void DIFF0014_SuggestsConstant()
        {
            var d = Expect("DIFF0014", "unused", "[Differentiable] public static double F(double x, double unused) => x * x;");
            Assert.Contains("[Constant]", d.GetMessage());
            // and a [Constant] parameter gets no DIFF0014
            Assert.Empty(Problems("[Differentiable] public static double F(double x, [Constant] double unused) => x * x;"));
        }

        // ------------------------------------------------------------------ one problem, one diagnostic

        [Theory]
        // an unsupported local type, then reads and writes of the local
        [InlineData("DIFF0002", "[Differentiable] public static double F(double x) { long n = 3; double s = x * n; n = 4; for (int i = 0; i < n; i++) s += x; return s + n; }")]
        // a loop bound computed from a double, then the loop's reads
        [InlineData("DIFF0010", "[Differentiable] public static double F(double x, double[] a) { double s = 0; for (int i = 0; i < (int)x; i++) s += a[i] * x; return s + a[0]; }")]
        // a rejected local array, then element reads and writes
        [InlineData("DIFF0013", "[Differentiable] public static double F(double[] a) { double[] t = new double[2]; t = a; t[0] = a[0]; return t[0] * t[1]; }")]
        // an unsupported initializer expression, then the local's uses
        [InlineData("DIFF0004", "[Differentiable] public static double F(double x) { double y = x % 2.0; double z = y * y; return z + y; }")]
        // a delegate local, then a call of it
        [InlineData("DIFF0002", "[Differentiable] public static double F(double x) { Func<double, double> f = null; return f(x) + x; }")]
        // a problem inside a helper inlined at two calls: once, at the helper
        [InlineData("DIFF0004", "static double H(double v) { double y = v % 2.0; return y * v; } [Differentiable] public static double F(double x) { double a = H(x); return a + H(x * x); }")]
        // a helper with an out parameter, then the out variable's reads
        [InlineData("DIFF0005", "static void H(double v, out double[] r) { r = new double[1]; r[0] = v * v; } [Differentiable] public static double F(double x) { H(x, out double[] r); return r[0] * x; }")]
        // a jagged local, then its rows
        [InlineData("DIFF0013", "[Differentiable] public static double F(double[] a) { double[][] t = new double[2][]; double s = t[0][0]; return a[0] + s + t[1][0]; }")]
        public void OneRootProblemGivesOneDiagnostic(string id, string body)
        {
            var problems = Problems(body);
            Assert.True(problems.Count == 1 && problems[0].Id == id, $"expected exactly one {id}, got: {Describe(problems)}");
        }

        [Fact]
        public void CompileErrorsAreLeftToTheCompiler()
        {
            // An unknown name or method: the C# compiler reports it; DiffGen adds nothing and generates nothing.
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double x) { double y = x * nope; return Missing(y) + y; }\n}");
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016"));
            Assert.Empty(result.Run.GeneratedTrees);
        }

        [Fact]
        public void CalleeErrorIsReportedOnceAtTheCallee()
        {
            // G has an error; F, which calls it, is not reported again and does not produce code that fails to compile.
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double G(double x) { double y = x; for (int i = 0; i < 3; i++) { lock (typeof(C)) { y = y / 2; } } return y; }\n[Differentiable] public static double F(double x) => G(x) * 2;\n}");
            var problems = result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016").ToList();
            Assert.True(problems.Count == 1 && problems[0].Id == "DIFF0003", Describe(problems)); // a lock block (checked blocks are accepted since round 6)
            Assert.Empty(result.CompileDiagnostics.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true));
        }

        // ------------------------------------------------------------------ documentation

        private static string DiagnosticsDoc => File.ReadAllText(Path.Combine(Repo.Root, "docs", "diagnostics.md"));

        [Fact]
        public void EveryHelpLinkResolvesToAnAnchorInDocsDiagnostics()
        {
            var doc = DiagnosticsDoc;
            Assert.StartsWith("https://", Descriptors.HelpBase);
            Assert.EndsWith("/docs/diagnostics.md", Descriptors.HelpBase);
            Assert.Contains(Descriptors.HelpBase, doc); // the doc states the base the links use
            var ids = Descriptors.All.Select(d => d.Id).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => $"DIFF{i:D4}"), ids); // no gaps: every id is in All
            foreach (var d in Descriptors.All)
            {
                var uri = new System.Uri(d.HelpLinkUri);
                Assert.True(uri.IsAbsoluteUri, d.Id);
                Assert.Equal(Descriptors.HelpBase, uri.GetLeftPart(System.UriPartial.Path));
                var anchor = uri.Fragment.TrimStart('#');
                Assert.Equal(d.Id.ToLowerInvariant(), anchor);
                Assert.True(doc.Contains($"<a id=\"{anchor}\"></a>"), $"docs/diagnostics.md has no anchor '{anchor}' for {d.Id}");
                // each section says what it means, shows an example and what to write instead
                int at = doc.IndexOf($"<a id=\"{anchor}\"></a>", System.StringComparison.Ordinal);
                int next = doc.IndexOf("<a id=\"diff", at + 1, System.StringComparison.Ordinal);
                var section = next < 0 ? doc.Substring(at) : doc.Substring(at, next - at);
                Assert.Contains(d.Id, section);
                Assert.Contains("```csharp", section);
                if (d.DefaultSeverity != DiagnosticSeverity.Info) Assert.Contains("Instead", section);
            }
        }

        [Fact]
        public void ReadmeTableListsEveryIdAndPointsToTheDoc()
        {
            var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
            Assert.Contains("docs/diagnostics.md", readme);
            foreach (var d in Descriptors.All)
                Assert.Contains(d.Id, readme);
        }

        [Fact]
        public void ErrorsSuppressGeneration()
        {
            var result = GeneratorHarness.Run(Usings + "public static partial class C {\n[Differentiable] public static double F(double x) { double s = x; lock (typeof(C)) { s = s / 2; } return s; }\n}");
            Assert.Empty(result.Run.GeneratedTrees);
        }
    }
}
