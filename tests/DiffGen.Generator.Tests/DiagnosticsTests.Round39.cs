using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Generic containing types (twenty-seventh session): a method whose values are float or double is generated into a part that
    /// repeats the type parameters (nested types too); one whose values are of a type parameter is DIFF0002 saying to write it for
    /// double, once per place, not DIFF0001 about the class.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void A_generic_class_with_double_values_compiles()
        {
            var result = GeneratorHarness.Run(Usings + "public partial class Model<TTag, TOther> where TTag : class { public double[] W = new double[2]; public TTag? Tag;\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) => W[0] * x[0] + W[1] * x[1] * x[1];\n"
                + "public static partial class Inner { [Differentiable] public static double F(double[] x) { double s = 0; foreach (var v in x) s += v * v; return s; } } }");
            Assert.True(result.GeneratorDiagnostics.All(d => d.Id == "DIFF0016"), Describe(result.GeneratorDiagnostics));
            Assert.True(result.CompileDiagnostics.IsEmpty, Describe(result.CompileDiagnostics));
            Assert.Contains(result.Run.Results[0].GeneratedSources, s => s.SourceText.ToString().Contains("partial class Model<TTag, TOther>"));
        }

        [Fact]
        public void DIFF0002_ValuesOfATypeParameterSayWriteItForDouble()
        {
            var d = Expect("DIFF0002", "T[] x", "[Differentiable] public double Loss(T[] x) => 0.0;",
                "public partial class Scaler<T> where T : System.Numerics.IFloatingPoint<T> {\n");
            Assert.Contains("type parameter", d.GetMessage());
            Assert.Contains("write the method (or the class) for double", d.GetMessage());
            var all = GeneratorHarness.Run(Usings + "public partial class Scaler<T> where T : System.Numerics.IFloatingPoint<T> {\n[Differentiable] public double Loss(T[] x) => 0.0;\n}")
                .GeneratorDiagnostics.Where(x => x.Id != "DIFF0016").ToList();
            Assert.DoesNotContain(all, x => x.Id == "DIFF0001");
        }
    
        [Fact]
        public void A_static_helper_of_another_file_as_a_selector_compiles()
        {
            // torch.nn.functional-style helpers in a file of their own, named as Select's method group (probe batch 47, F06 and F23)
            const string shared = "using System.Linq;\nnamespace Shared { public static class Fn { public static double Gelu(double x) => 0.5 * x * (1 + System.Math.Tanh(0.7978845608 * x));\n"
                + "public static double Sigmoid(double x) { double e = System.Math.Exp(-x); return 1.0 / (1.0 + e); }\n"
                + "public static double[] Norm(double[] r) { double m = r.Average(); return r.Select(t => t - m).ToArray(); } } }";
            var result = GeneratorHarness.Run(Usings + "using System.Linq;\nusing Shared;\npublic static partial class C {\n"
                + "[Differentiable] public static double F(double[] x) { var h = x.Select(Fn.Gelu).ToArray(); return h.Sum(Fn.Sigmoid) + x.Select(Fn.Sigmoid).Max(); }\n"
                + "[Differentiable] public static double G(double[][] x) { var rows = x.Select(Fn.Norm).ToArray(); return rows[0][0] * rows[1][1]; }\n}", shared);
            Assert.True(result.GeneratorDiagnostics.All(d => d.Id == "DIFF0016"), Describe(result.GeneratorDiagnostics));
            Assert.True(result.CompileDiagnostics.IsEmpty, Describe(result.CompileDiagnostics));
        }
    
        [Fact]
        public void DIFF0002_AggregateOverLayerObjectsSaysWriteTheLoop()
        {
            // probe batches 44 and 47: 'Blocks.Aggregate(x, (h, b) => b.Forward(h))'; the loop it names is accepted
            const string dense = "public class Dense { public double[,] W = new double[2, 2]; public double[] Forward(double[] x) { var y = new double[2]; for (int o = 0; o < 2; o++) for (int i = 0; i < 2; i++) y[o] += W[o, i] * x[i]; return y; } }\n";
            var d = Expect("DIFF0002", "Blocks", "[Differentiable(nameof(Blocks))] public double Loss(double[] x) { var y = Blocks.Aggregate(x, (h, b) => b.Forward(h)); return y[0] * y[0] + y[1] * y[1]; }",
                "using System.Linq;\n" + dense + "public partial class Mlp { public Dense[] Blocks = { new Dense(), new Dense() };\n");
            Assert.Contains("var h = x; foreach (var layer in Blocks) h = layer.Forward(h);", d.GetMessage());
            var loop = GeneratorHarness.Run(Usings + dense + "public partial class Mlp { public Dense[] Blocks = { new Dense(), new Dense() };\n"
                + "[Differentiable(nameof(Blocks))] public double Loss(double[] x) { var h = x; foreach (var layer in Blocks) h = layer.Forward(h); return h[0] * h[0] + h[1] * h[1]; } }");
            Assert.True(loop.GeneratorDiagnostics.All(x => x.Id == "DIFF0016"), Describe(loop.GeneratorDiagnostics));
            Assert.True(loop.CompileDiagnostics.IsEmpty, Describe(loop.CompileDiagnostics));
        }
    }
}
