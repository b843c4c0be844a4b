using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Probe batch 36's refusals: a long count parameter, an nint loop counter, ranges of arrays (and parts of AsSpan()),
    /// Math.SinCos, now accepted; a call through an interface-, abstract- or virtual-typed field, still refused with a
    /// DIFF0002 that names the method and says what to write; an array of layer objects, still refused as before.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void Long_nint_and_unsigned_count_parameters_and_nint_counters_are_accepted()
        {
            var problems = Problems("[Differentiable] public static double F(double[] x, long iterations, nint q, uint m) { double s = 0; "
                + "for (long it = 0; it < iterations; it++) s += x[it % x.Length] * it; for (nint i = 0; i < x.Length; i++) s += x[i]; "
                + "for (nint j = 0; j < q; j++) s += x[j]; for (int k = 0; k < m; k++) s += x[k]; return s + Run(x[0], iterations); }\n"
                + "static double Run(double v, long steps) { double t = 0; for (long i = 0; i < steps; i++) t += v; return t; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0002_NintLocalSaysUseInt()
        {
            // the nint message was the config-type advice ('cfg.Tau'); an integer type other than int says to use int
            var d = Expect("DIFF0002", "k = 1", "[Differentiable] public static double F(double x) { nint k = 1; k <<= 2; return x * k; }");
            Assert.Contains("use int for counts and indices", d.GetMessage());
            Assert.DoesNotContain("cfg.Tau", d.GetMessage());
        }

        [Fact]
        public void Ranges_of_arrays_and_parts_of_AsSpan_are_accepted()
        {
            var problems = Problems("static double Sq(double[] v) { double s = 0; foreach (var e in v) s += e * e; return s; }\n"
                + "static double SqS(ReadOnlySpan<double> v) { double s = 0; foreach (var e in v) s += e * e; return s; }\n"
                + "[Differentiable] public static double F(double[] c, int a, int b) { double s = 0; foreach (double v in c[1..]) s += v * v; "
                + "foreach (double v in c[a..b]) s += v; foreach (double v in c[..^1]) s += v; foreach (double v in c.AsSpan()[1..]) s += v; "
                + "foreach (double v in c.AsSpan()) s += v; s += c[1..][0] * c[2..].Length + c.AsSpan(1)[0]; "
                + "return s + Sq(c[1..^1]) + SqS(c.AsSpan()) + SqS(c.AsSpan()[1..]); }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0009_RangeOfAnArrayTheLoopWritesSaysWhatToWrite()
        {
            var d = Expect("DIFF0009", "w[1..]", "[Differentiable] public static double F(double[] c) { var w = new double[c.Length]; for (int i = 0; i < c.Length; i++) w[i] = c[i]; "
                + "double s = 0; foreach (double v in w[1..]) { s += v; w[0] += v; } return s; }");
            Assert.Contains("copy the part into a local first ('var part = w[1..];'", d.GetMessage());
        }

        [Fact]
        public void Math_SinCos_is_accepted()
        {
            var problems = Problems("[Differentiable] public static double F(double t) { var (s, c) = Math.SinCos(t); (double s2, double c2) = Math.SinCos(2 * t); "
                + "return s * c + s2 * c2 + Math.SinCos(t).Sin + Math.SinCos(t).Item2; }\n"
                + "[Differentiable] public static float G(float t) { var (s, c) = MathF.SinCos(t); return s * c; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void An_interface_field_call_is_a_switch_over_the_classes_of_the_compilation()
        {
            // since the twenty-third session (Parse/DispatchedCalls.cs): every class of the compilation implementing it, inlined
            var problems = Problems("}\npublic partial class M { public IActivation Act = new Softplus();\n[Differentiable] public double F(double x) => Act.Apply(x) * x; }\n"
                + "public interface IActivation { double Apply(double z); }\npublic sealed class Softplus : IActivation { public double Apply(double z) => Math.Log(1 + Math.Exp(z)); }\n"
                + "public class Relu : IActivation { public double Apply(double z) => z > 0 ? z : 0; }\nclass Unused {");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void An_abstract_or_virtual_field_call_is_a_switch_over_the_classes_of_the_compilation()
        {
            const string Types = "\n}\npublic abstract class LayerBase { public double B = 1; public abstract double Apply(double x); public virtual double Scale(double x) => B * x; }\n"
                + "public sealed class Doubler : LayerBase { public double W = 2; public override double Apply(double x) => W * x; public override double Scale(double x) => 3 * x; }\nclass Unused {";
            foreach (var call in new[] { "Layer.Apply(x)", "Layer.Scale(x)" })
            {
                var problems = Problems("}\npublic partial class M { public LayerBase Layer = new Doubler();\n[Differentiable] public double F(double x) => " + call + ";" + Types);
                Assert.True(problems.Count == 0, call + ": " + Describe(problems));
            }
        }

        [Fact]
        public void DIFF0002_InterfaceFieldCallWhoseClassTheGeneratedCodeCannotNameSaysSo()
        {
            // the only implementation is private to another class: the generated code cannot test for it, so the call stays refused
            var d = Expect("DIFF0002", "Act", "public IActivation Act = Holder.Make();\n[Differentiable] public double F(double x) => Act.Apply(x) * x;\n}\n"
                + "public interface IActivation { double Apply(double z); }\npublic static class Holder { public static IActivation Make() => new Softplus(); "
                + "private sealed class Softplus : IActivation { public double Apply(double z) => Math.Log(1 + Math.Exp(z)); } }\nclass Unused {",
                "public partial class C {\n");
            Assert.Contains("the member 'Act' has the type 'IActivation'", d.GetMessage());
            Assert.Contains("'IActivation.Apply(double)' is an interface method", d.GetMessage());
            Assert.Contains("type the field as the concrete class whose method runs ('Softplus Act')", d.GetMessage());
            Assert.Contains("make the method static and pass it the weights", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_AbstractFieldCallWithNoClassToSwitchOver()
        {
            // no class of the compilation derives from it: nothing to inline
            var d = Expect("DIFF0002", "Layer", "public LayerBase Layer = null!;\n[Differentiable] public double F(double x) => Layer.Apply(x);\n}\n"
                + "public abstract class LayerBase { public abstract double Apply(double x); }\nclass Unused {", "public partial class C {\n");
            Assert.Contains("'LayerBase.Apply(double)' is an abstract method", d.GetMessage());
        }

        [Fact]
        public void A_sealed_class_field_is_accepted()
        {
            var problems = Problems("}\npublic partial class M { public Softplus Act = new Softplus();\n[Differentiable] public double F(double x) => Act.Apply(x) * x; }\n"
                + "public interface IActivation { double Apply(double z); }\npublic sealed class Softplus : IActivation { public double Apply(double z) => Math.Log(1 + Math.Exp(z)); }\nclass Unused {");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void An_array_of_abstract_layers_is_a_switch_per_element()
        {
            // probe batch 36's SequentialModel: Layer[] with an abstract base class, refused until the twenty-fourth session;
            // now each element's class picks its override (Parse/ObjectArrays.cs, DispatchedCalls.cs)
            var problems = Problems("}\npublic partial class M { public LayerBase[] Layers = { new Doubler() };\n[Differentiable(nameof(Layers))] public double F(double x) { foreach (var l in Layers) x = l.Apply(x); return x; } }\n"
                + "public abstract class LayerBase { public double[] W = new double[1]; public abstract double Apply(double x); }\npublic sealed class Doubler : LayerBase { public override double Apply(double x) => W[0] * x; }\nclass Unused {");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void An_array_of_layers_passed_to_a_helper_is_the_callers()
        {
            var problems = Problems("}\npublic partial class M { public Dense[] Layers = { new Dense() };\n[Differentiable(nameof(x))] public double F(double x) => Run(Layers, x);\n"
                + "private static double Run(Dense[] layers, double x) { foreach (var l in layers) x = Scale(l, x); return x; }\nprivate static double Scale(Dense d, double x) => d.W[0] * x; }\n"
                + "public sealed class Dense { public double[] W = new double[1]; }\nclass Unused {");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0002_AnArrayOfLayersFoldedByLinqSaysToReadItsElements()
        {
            // probe batch 44's F18: Layers.Aggregate(x, (h, layer) => layer.Apply(h))
            var d = Expect("DIFF0002", "Layers", "public System.Collections.Generic.List<Dense> Layers = new();\n[Differentiable(nameof(x))] public double F(double x) => System.Linq.Enumerable.Aggregate(Layers, x, (h, l) => l.W[0] * h);\n}\n"
                + "public sealed class Dense { public double[] W = new double[1]; }\nclass Unused {", "public partial class C {\n");
            Assert.Contains("are followed as fields or properties of the method's type", d.GetMessage());
            Assert.Contains("'foreach (var layer in Layers)'", d.GetMessage());
        }
    }
}
