using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 10, ninth round (docs/natural-csharp.md): struct values split into their fields. What stays rejected, with one
    /// diagnostic per problem and what to write instead, and the accepted forms whose generated code must compile.
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string V2 = "public record struct V2(double X, double Y) { public static V2 operator +(V2 a, V2 b) => new(a.X + b.X, a.Y + b.Y); public double Dot(V2 o) => X * o.X + Y * o.Y; public static readonly V2 Unit = new(1, 0); }\n";

        private static void Compiles(string members, string types = V2)
        {
            var result = GeneratorHarness.Run(Usings + types + "public static partial class C {\n" + members + "\n}");
            Assert.True(result.GeneratorDiagnostics.All(d => d.Id == "DIFF0016"), Describe(result.GeneratorDiagnostics));
            Assert.True(result.CompileDiagnostics.IsEmpty, Describe(result.CompileDiagnostics));
            Assert.NotEmpty(result.Run.Results[0].GeneratedSources);
        }

        [Fact]
        public void Struct_values_accepted_and_compiled()
        {
            // a local, an operator, a method, a helper taking the struct, 'with', '?:' and default
            Compiles("static double Len2(V2 v) => v.Dot(v);\n[Differentiable] public static double F(double[] x) { var p = new V2(x[0], x[1]); var q = p + p with { Y = 1 }; var r = x[0] > 0 ? q : default; return Len2(r) + p.Dot(q); }");
            // a static readonly struct field and a struct config parameter (read at entry), passed whole to a helper and called on
            Compiles("static double Len2(V2 v) => v.Dot(v);\n[Differentiable] public static double F(double[] x, V2 dir) { var p = new V2(x[0], x[1]); var u = V2.Unit; return p.Dot(dir) + Len2(dir) * x[0] + dir.Dot(p) + u.X * x[1]; }");
            // a float struct in a float method, a mutable struct with a void method and an explicit constructor
            Compiles("[Differentiable] public static float F(float[] x) { float s = 0; foreach (var v in x) { var q = new F2(v, 2 * v) * 3; s += q.A * q.B; } var acc = new Acc(1); foreach (var v in x) acc.Add(v); return s + acc.Total; }",
                "public record struct F2(float A, float B) { public static F2 operator *(F2 p, float s) => new(p.A * s, p.B * s); }\npublic struct Acc { public float Total; public int N; public Acc(float t) { Total = t; N = 0; } public void Add(float v) { Total += v * v; N++; } }\n");
        }

        [Fact]
        public void A_small_local_matrix_whose_columns_the_host_never_reads_compiles_without_warnings()
        {
            // round 11 probe: the device work estimate declared 'int __inv_d1 = 2;' and never read it (CS0219)
            Compiles("[Differentiable] public static double F(double[,] a, double[] b) { double det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]; var inv = new double[2, 2]; inv[0, 0] = a[1, 1] / det; inv[1, 1] = a[0, 0] / det; inv[0, 1] = -a[0, 1] / det; inv[1, 0] = -a[1, 0] / det; double s = 0; for (int i = 0; i < 2; i++) { double r = 0; for (int j = 0; j < 2; j++) r += inv[i, j] * b[j]; s += r * r; } return s; }", "");
        }

        [Fact]
        public void DIFF0004_ThrowingArmThatIsNotAnArgumentCheck()
        {
            // round 11: '_ => throw' over parameters becomes an argument check
            Compiles("[Differentiable] public static double F(double[] x, int kind) => kind switch { 0 => x[0], 1 => x[1], _ => throw new ArgumentOutOfRangeException(nameof(kind)) };", "");
            // round 15: over a computed value it is checked where the switch stands; only a throwing arm before others stays unsupported
            Compiles("[Differentiable] public static double F(double[] x) { int k = x.Length % 3; return k switch { 0 => x[0], 1 => x[1] * 2, _ => throw new InvalidOperationException() }; }", "");
            var d = Expect("DIFF0004", "0 => throw new InvalidOperationException()", "[Differentiable] public static double F(double[] x) { int k = x.Length % 3; return k switch { 0 => throw new InvalidOperationException(), 1 => x[1] * 2, _ => x[0] }; }");
            Assert.Contains("make it the last arm", d.GetMessage());
        }

        [Fact]
        public void DIFF0008_DataTupleNamedForDifferentiation()
        {
            // round 10: the float/double elements of a tuple array are data; naming the array in [Differentiable] says so
            var d = Expect("DIFF0008", "Differentiable(nameof(x), nameof(edges))",
                "[Differentiable(nameof(x), nameof(edges))] public static double F(double[] x, (int A, int B, double W)[] edges) { double s = 0; foreach (var e in edges) s += e.W * x[e.A] * x[e.B]; return s; }");
            Assert.Contains("separate double[]", d.GetMessage());
        }

        [Fact]
        public void Local_arrays_of_structs_are_accepted_and_a_changing_method_on_an_element_is_one_diagnostic()
        {
            // round 11: a local V2[] is one array per field (StructArrays.cs)
            Compiles("[Differentiable] public static double F(double[] x) { var pts = new V2[x.Length]; for (int i = 0; i < x.Length; i++) pts[i] = new V2(x[i], 1); pts[0].X += 1; return pts[0].X + pts[1].Dot(pts[0]); }");
            const string body = "public struct Body { public double X; public double V; public void Step(double dt) { X += V * dt; } }\n";
            var d = Expect("DIFF0004", "ps[0].Step(0.1)", "[Differentiable] public static double F(double[] x) { var ps = new Body[x.Length]; for (int i = 0; i < x.Length; i++) ps[i].X = x[i]; ps[0].Step(0.1); return ps[0].X; }", body + "public static partial class C {\n");
            Assert.Contains("copy the element into a local, call it there, and store it back", d.GetMessage());
            Assert.Single(ProblemsWith(body + "public static partial class C {\n[Differentiable] public static double F(double[] x) { var ps = new Body[x.Length]; for (int i = 0; i < x.Length; i++) ps[i].X = x[i]; ps[0].Step(0.1); return ps[0].X; }"));
            d = Expect("DIFF0013", "p0 = pts", "[Differentiable] public static double F(double[] x) { var pts = new V2[x.Length]; var p0 = pts; return x[0]; }", V2Header);
            Assert.Contains("one array per field", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_StructWithAStructField()
        {
            const string types = "public struct Seg { public V2 A; public V2 B; }\n";
            var d = Expect("DIFF0002", "s = new", "[Differentiable] public static double F(double[] x) { var s = new Seg(); s.A = new V2(x[0], x[1]); return s.A.X; }", V2 + types + "public static partial class C {\n");
            Assert.Contains("its field 'A' is a V2", d.GetMessage());
            Assert.Single(ProblemsWith(V2 + types + "public static partial class C {\n[Differentiable] public static double F(double[] x) { var s = new Seg(); s.A = new V2(x[0], x[1]); return s.A.X; }"));
        }

        [Fact]
        public void Library_structs_split_and_what_they_do_not_know()
        {
            // Complex and Vector3 are split into their parts since round 9 (LibraryStructs.cs)
            Assert.Empty(Problems("[Differentiable] public static double F(double[] re, double[] im) { var z = System.Numerics.Complex.One; for (int i = 0; i < re.Length; i++) z *= new System.Numerics.Complex(re[i], im[i]); return z.Magnitude; }"));
            Assert.Empty(Problems("[Differentiable] public static float F(float[] x) { var v = new System.Numerics.Vector3(x[0], x[1], x[2]); return System.Numerics.Vector3.Dot(v, v); }"));
            // a member the table does not know: one DIFF0005 naming the ones it does
            var d = Expect("DIFF0005", "System.Numerics.Complex.Sqrt(z)", "[Differentiable] public static double F(double[] x) { var z = new System.Numerics.Complex(x[0], x[1]); return System.Numerics.Complex.Sqrt(z).Real; }");
            Assert.Contains("FromPolarCoordinates", d.GetMessage());
            // other library structs are not split: one DIFF0002 at the local
            d = Expect("DIFF0002", "q = new", "[Differentiable] public static float F(float[] x) { var q = new System.Numerics.Quaternion(x[0], x[1], x[2], x[3]); return q.Length(); }");
            Assert.Contains("only Complex and Vector2/3/4", d.GetMessage());
            Assert.Single(Problems("[Differentiable] public static float F(float[] x) { var q = new System.Numerics.Quaternion(x[0], x[1], x[2], x[3]); return q.Length(); }"));
        }

        [Fact]
        public void DIFF0005_ConstructorCallingAnother()
        {
            var d = Expect("DIFF0005", "new S(x[0])", "[Differentiable] public static double F(double[] x) { var s = new S(x[0]); return s.A; }",
                "public struct S { public double A, B; public S(double a) : this(a, 0) { } public S(double a, double b) { A = a; B = b; } }\npublic static partial class C {\n");
            Assert.Contains("this(...)", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_RecordEquality()
        {
            var d = Expect("DIFF0005", "a == b", "[Differentiable] public static double F(double[] x) { var a = new V2(x[0], 1); var b = new V2(x[1], 1); return a == b ? x[0] : x[1]; }", V2Header);
            Assert.Contains("compare or read the fields", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_ChangingAStructThatIsNotAVariable()
        {
            var d = Expect("DIFF0004", "A", "static S Make(double v) => new S(v);\n[Differentiable] public static double F(double[] x) { Make(x[0]).Twice(); return x[0]; }",
                "public struct S { public double A; public S(double a) { A = a; } public void Twice() { A *= 2; } }\npublic static partial class C {\n");
            Assert.Contains("copy the value into a local", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_StructHelperWithStatementsInALoopCondition()
        {
            // the helper's statements would run once before the loop: refused (an expression-bodied helper is evaluated on every test)
            // (in a while condition they run in the loop, before each test: round 15)
            Assert.Empty(ProblemsWith(V2Header + "static V2 Step(V2 z) { var h = z + z; return h; }\n[Differentiable] public static double F(double[] x) { var z = new V2(x[0], x[1]); int it = 0; while (Step(z).Dot(z) < 4 && it < 5) { z = z + z; it++; } return z.X; }"));
            var d = Expect("DIFF0005", "Step(z)", "static V2 Step(V2 z) { var h = z + z; return h; }\n[Differentiable] public static double F(double[] x) { var z = new V2(x[0], x[1]); for (int it = 0; Step(z).Dot(z) < 4 && it < 5; it++) { z = z + z; } return z.X; }", V2Header);
            Assert.Contains("before the loop", d.GetMessage());
        }

        private static string V2Header => V2 + "public static partial class C {\n";

        private static System.Collections.Generic.List<Microsoft.CodeAnalysis.Diagnostic> ProblemsWith(string source) =>
            GeneratorHarness.Run(Usings + source + "\n}").GeneratorDiagnostics.Where(d => d.Id != "DIFF0016").ToList();
    }
}
