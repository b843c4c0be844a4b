using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, item 5: what stays unsupported among fields, spans, T[,,], config and 'in' parameters.</summary>
    public partial class DiagnosticsTests
    {
        private const string Model = "public partial class M {\n public double[] W = new double[3]; public double B; public int Count; public double[,,] T3 = new double[1, 1, 1];\n";

        [Fact]
        public void Instance_methods_reading_fields_spans_rank3_config_and_in_parameters_are_accepted()
        {
            var source = Usings + Model + @"
                public readonly struct Cfg { public double Tau { get; init; } }
                [Differentiable(nameof(W))] public double F(ReadOnlySpan<double> x, double[,,] t, in Cfg cfg, in double s)
                { double a = B * s; for (int i = 0; i < x.Length; i++) a += W[i % W.Length] * x[i] / cfg.Tau + t[0, i % t.GetLength(1), 0]; return a; }
                [Differentiable] public static void G(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < y.Length; i++) y[i] = 2 * x[i]; }
            }";
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016"));
            Assert.Empty(result.CompileDiagnostics); // the generated entry points compile
        }

        [Fact]
        public void Struct_models_properties_in_the_attribute_and_foreach_over_a_span_are_accepted()
        {
            var source = Usings + @"public partial struct S {
                public double Gain { get; set; } public static readonly float[] Table = { 1f, 2f };
                [Differentiable(nameof(Gain))] public double F(ReadOnlySpan<double> x) { double s = 0; foreach (double v in x) s += Gain * v * v; return s; }
                [Differentiable] public static float G(float[] x) { float s = 0; for (int i = 0; i < x.Length; i++) s += Table[i % 2] * x[i]; return s; }
            }";
            var result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016"));
            Assert.Empty(result.CompileDiagnostics); // the generated entry points compile
            var text = string.Join("\n", result.Run.GeneratedTrees.Select(t => t.ToString()));
            var line = text.Split('\n').Select(l => l.Trim()).First(l => l.Contains(" FBackward("));
            // the list names only Gain: x is not differentiated
            Assert.Equal("public double FBackward(global::System.ReadOnlySpan<double> x, out double GainGrad, double seed = 1)", line);
        }

        [Fact]
        public void DIFF0007_WritingAFieldSaysWhatToWriteInstead()
        {
            // a field itself is never reassigned (a scalar, an array given a new array); elements of a float/double array field may be written (state)
            var d = Expect("DIFF0007", "this.B", "[Differentiable] public double G(double x) { this.B = x; return x; }", Model);
            Assert.Contains("read once", d.GetMessage());
            d = Expect("DIFF0007", "W", "[Differentiable] public double F(double x) { W = new double[2]; return x * x; }", Model);
            Assert.Contains("output array parameter", d.GetMessage());
            Expect("DIFF0007", "Count", "[Differentiable] public double H(double x) { Count++; return x * x; }", Model);
        }

        [Fact]
        public void Writing_elements_of_an_array_field_is_a_state_update()
        {
            var result = GeneratorHarness.Run(Usings + Model + "[Differentiable] public double F(double x) { W[0] = 0.9 * W[0] + 0.1 * x; return x * x + W[0]; }\n}");
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016"));
            Assert.Empty(result.CompileDiagnostics);
            var text = string.Join("\n", result.Run.GeneratedTrees.Select(t => t.ToString()));
            // Backward asks for no upstream gradient of W: its own zeroed one goes to the array form
            var line = text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("public double FBackward("));
            Assert.Equal("public double FBackward(double x, out double xGrad, double seed = 1)", line);
        }

        [Fact]
        public void DIFF0007_StateFieldNamedInTheList()
        {
            var d = Expect("DIFF0007", "W[0]", "[Differentiable(nameof(W))] public double F(double x) { W[0] = 0.9 * W[0] + 0.1 * x; return x * W[1]; }", Model);
            Assert.Contains("no derivative flows from it", d.GetMessage());
        }

        [Fact]
        public void A_field_given_to_a_callee_that_writes_it_is_state_and_this_W_stays_DIFF0007()
        {
            const string fill = "[Differentiable] public static void Fill(double[] a, double x) { for (int i = 0; i < a.Length; i++) a[i] = x * i; }\n";
            var ok = GeneratorHarness.Run(Usings + Model + fill + "[Differentiable] public double F(double x) { Fill(W, x); return W[1] * x; }\n}");
            Assert.Empty(ok.GeneratorDiagnostics.Where(p => p.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
            Assert.Empty(ok.CompileDiagnostics);
            var d = Expect("DIFF0007", "W", fill + "[Differentiable] public double G(double x) { Fill(this.W, x); return W[2] * x; }", Model);
            Assert.Contains("pass a local array instead", d.GetMessage());
        }

        [Fact]
        public void DIFF0007_PassingAConfigMemberToACalleeThatWritesIt()
        {
            var d = Expect("DIFF0007", "cfg.W", "public sealed class Cfg { public double[] W = new double[2]; }\n[Differentiable] public static void Fill(double[] a, double x) { for (int i = 0; i < a.Length; i++) a[i] = x; }\n[Differentiable] public static double F(double x, Cfg cfg) { Fill(cfg.W, x); return cfg.W[0]; }");
            Assert.Contains("pass a local array instead", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_MemberOfAMemberOfAConfig()
        {
            // since round 8 a member of a member is read like the member (cfg.Inner.Tau once at entry)
            Assert.Empty(Problems("public struct Inner { public double Tau; } public struct Cfg { public Inner Inner; }\n[Differentiable] public static double F(double x, Cfg cfg) => x * cfg.Inner.Tau;"));
            // since the twenty-fourth session a member of an element of an array of objects (classes or structs) is read from
            // every element (Parse/ObjectArrays.cs)
            Assert.Empty(Problems("public class Inner { public double Tau; } public struct Cfg { public Inner[] Items; }\n[Differentiable] public static double F(double x, Cfg cfg) => x * cfg.Items[0].Tau;"));
            Assert.Empty(Problems("public struct Inner { public double Tau; } public struct Cfg { public Inner[] Items; }\n[Differentiable] public static double F(double x, Cfg cfg) => x * cfg.Items[0].Tau;"));
            // the array itself read as a value is not
            var d = Expect("DIFF0004", "items[0].Tau", "public class Inner { public double Tau; } public struct Cfg { public Inner[] Items; }\n[Differentiable] public static double F(double x, Cfg cfg) { var items = cfg.Items; items = new Inner[1]; return x * items[0].Tau; }");
            Assert.Contains("elements of an array or list of layer objects", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_SpanOfAnUnsupportedElementType()
        {
            var d = Expect("DIFF0002", "ReadOnlySpan<long> x", "[Differentiable] public static double F(ReadOnlySpan<long> x) => 0;");
            Assert.Contains("spans of float, double or int", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_FieldOfRank3ReadWhole()
        {
            // indexed, measured with GetLength or passed to a helper's T[,,] parameter it is an input (CubeFields corpus); read whole it is not
            var d = Expect("DIFF0002", "T3", "[Differentiable] public double F(double x) => x * T3.Length;", Model);
            Assert.Contains("can be indexed 'T3[i, j, k]'", d.GetMessage());
        }

        [Fact]
        public void A_field_of_rank_3_indexed_compiles() =>
            Compiles("", Model.Replace("{\n", "{\n[Differentiable(nameof(T3))] public double F(double x) => x * T3[0, 0, 0] * T3.GetLength(2);\n") + "}\n");

        [Fact]
        public void DIFF0004_GetLengthOfRank3NeedsAConstantDimension()
        {
            var d = Expect("DIFF0004", "x.GetLength(k)", "[Differentiable] public static double F(double[,,] x, int k) { double s = 0; for (int i = 0; i < x.GetLength(k); i++) s += x[0, 0, i]; return s; }");
            Assert.Contains("GetLength(2)", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_CallingAnInstanceDifferentiableMethod()
        {
            // since round 8 such a callee is inlined like a helper (same derivative)
            var accepted = GeneratorHarness.Run(Usings + Model + "[Differentiable] public double Inner(double x) => x * B; [Differentiable] public double F(double x) => Inner(x) * 2;\n}");
            Assert.Empty(accepted.GeneratorDiagnostics.Where(x => x.Id != "DIFF0016"));
            // not when it has a [Constant] parameter (its Backward would drop that adjoint; inlining would not)
            var d = Expect("DIFF0005", "Inner(x, 1.0)", "[Differentiable] public double Inner(double x, [Constant] double t) => (x - t) * B; [Differentiable] public double F(double x) => Inner(x, 1.0) * 2;", Model);
            Assert.Contains("remove [Constant] from the callee", d.GetMessage());
            // nor when it takes a config object (the inliner binds arrays and scalars only)
            d = Expect("DIFF0005", "Scaled(x, c)", "public struct Cfg { public double S; }\n[Differentiable] public static double Scaled(double x, Cfg c) => x * c.S; [Differentiable] public double F(double x, Cfg c) => Scaled(x, c) * 2;", Model);
            Assert.Contains("its parameter 'c' is a", d.GetMessage());
        }

        [Fact]
        public void DIFF0008_IntFieldInTheAttribute()
        {
            var d = Expect("DIFF0008", "Differentiable(nameof(Count))", "[Differentiable(nameof(Count))] public double F(double x) => x * Count;", Model);
            Assert.Contains("not a float or double field", d.GetMessage());
        }

        [Fact]
        public void DIFF0008_WholeObjectWithoutFloatMembers()
        {
            // a layer object named whole stands for its float/double members; one without any is reported, with what to write
            const string Types = "public sealed class Opts { public int Heads = 2; public bool Causal; public double Scale => 2.0; }\n";
            var d = Expect("DIFF0008", "Differentiable(nameof(O))",
                "public Opts O = new Opts(); [Differentiable(nameof(O))] public double F(double x) => x * O.Heads;", Types + Model);
            Assert.Contains("no float or double fields", d.GetMessage());
            d = Expect("DIFF0008", "Differentiable(nameof(o))", "[Differentiable(nameof(o))] public static double G(Opts o, double x) => x * o.Heads;", Types + Model);
            Assert.Contains("no float or double fields", d.GetMessage());
            // one with float members is accepted: no diagnostic at all
            var accepted = GeneratorHarness.Run(Usings + "public sealed class Lin { public double[] W = new double[2]; public double B; private double _p; public double P => _p; }\n" + Model
                + "public Lin L = new Lin(); [Differentiable(nameof(L))] public double F(double x) => x * L.W[0] + L.B;\n}");
            Assert.Empty(accepted.GeneratorDiagnostics.Where(x => x.Id != "DIFF0016"));
        }

        [Fact]
        public void DIFF0002_RefParameterSuggestsIn()
        {
            var d = Expect("DIFF0002", "ref double x", "[Differentiable] public static double F(ref double x) => x * x;");
            Assert.Contains("'in'", d.GetMessage());
            Assert.Contains("a second scalar result can be an 'out double'", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_ReciprocalEstimateSaysWhatToWrite()
        {
            var d = Expect("DIFF0005", "Math.ReciprocalEstimate(x)", "[Differentiable] public static double F(double x) => Math.ReciprocalEstimate(x) * x;");
            Assert.Contains("hardware estimate", d.GetMessage());
            Assert.Contains("write 1.0 / x instead", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_NullableParameterAndSpanLocal()
        {
            // (a double? parameter is an option since round 11, read by the entry points; naming it for differentiation is DIFF0008)
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x, double? tau = null) => x[0] * (tau ?? 1.0);"));
            var d = Expect("DIFF0008", "Differentiable(nameof(x), nameof(tau))", "[Differentiable(nameof(x), nameof(tau))] public static double F(double[] x, double? tau) => x[0] * (tau ?? 1.0);");
            Assert.Contains("pass a plain double to differentiate it", d.GetMessage());
            // (span locals viewing parts are accepted since round 11, written or not; one that is used as a value is not)
            d = Expect("DIFF0004", "head", "[Differentiable] public static double F(double[] x) { var head = x.AsSpan(1, 2); var tail = x.AsSpan(2); double s = 0; foreach (var v in x[0] > 0 ? head : tail) s += v; return s; }");
            Assert.Contains("can be indexed (row[j])", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_OutArrayParameterSuggestsAnOutputArray()
        {
            // out double is a second result (docs/api.md); an array result is an output parameter the caller allocates
            var d = Expect("DIFF0002", "out double[] y", "[Differentiable] public static double F(double[] x, out double[] y) { y = new double[x.Length]; return x[0]; }");
            Assert.Contains("take a caller-allocated array parameter the method fills", d.GetMessage());
        }
    }
}
