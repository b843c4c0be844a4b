using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Row swaps of a jagged local (generator/Parse/JaggedRows.cs): <c>(m[k], m[p]) = (m[p], m[k])</c> and the three-statement swap
    /// through a temporary exchange the rows' elements; a row kept under another name would see the exchange, so it is refused,
    /// saying what to write; a uint literal says DiffGen's integers are int.
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string Rows = "int n = A.Length; var m = new double[n][]; for (int i = 0; i < n; i++) m[i] = (double[])A[i].Clone(); ";

        [Fact]
        public void Row_swaps_of_a_jagged_local_are_accepted()
        {
            var problems = Problems("[Differentiable] public static double F(double[][] A) { " + Rows
                + "double s = 0; for (int k = 0; k + 1 < n; k++) { (m[k], m[k + 1]) = (m[k + 1], m[k]); var t = m[0]; m[0] = m[k]; m[k] = t; s += m[k][0] * m[0][0]; } return s; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0013_RowSwapWhileARowIsKeptUnderAnotherName()
        {
            var d = Expect("DIFF0013", "(m[k], m[k + 1]) = (m[k + 1], m[k])", "[Differentiable] public static double F(double[][] A) { " + Rows
                + "double s = 0; for (int k = 0; k + 1 < n; k++) { var first = m[0]; (m[k], m[k + 1]) = (m[k + 1], m[k]); s += first[0]; } return s; }");
            Assert.Contains("'first = m[0]' keeps a row of it under another name", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_UnsignedLiteralSaysWhatToWrite()
        {
            // probe batch 32's feature hashing as written (its uint local is DIFF0002; the literal said "only numeric literals")
            var source = Usings + "public static partial class C {\n[Differentiable] public static double F(double[] w, [Constant] int[] tokens, double[] vals) { double s = 0; "
                + "for (int i = 0; i < tokens.Length; i++) { uint h = unchecked((uint)tokens[i] * 2654435761u); int bucket = (int)(h % (uint)w.Length); "
                + "double sign = (h & 0x80000000u) != 0 ? -1.0 : 1.0; s += sign * w[bucket] * vals[i]; } return Math.Log(1 + Math.Exp(s)); }\n}";
            var onLiteral = GeneratorHarness.Run(source).GeneratorDiagnostics
                .Single(x => x.Id == "DIFF0004" && source.Substring(x.Location.SourceSpan.Start, x.Location.SourceSpan.Length) == "0x80000000u");
            Assert.Contains("DiffGen's integers are int", onLiteral.GetMessage());
            Assert.Contains("int.MinValue", onLiteral.GetMessage());
        }
        [Fact]
        public void An_array_of_sealed_layer_objects_is_accepted()
        {
            // refused until the twenty-fourth session (DIFF0002, "hold the layers' weights as stacks"): now each member read from
            // the elements is one input holding that member of every element (Parse/ObjectArrays.cs)
            var problems = Problems("}\npublic partial class M { public DenseLayer[] Layers = new DenseLayer[0];\n"
                + "[Differentiable(nameof(Layers))] public double Run(double[] x) { double s = 0; foreach (var layer in Layers) for (int i = 0; i < x.Length; i++) s += layer.W[i] * x[i]; return s; } }\n"
                + "public sealed class DenseLayer { public double[] W = new double[0]; }\nclass Unused {");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0005_InterfaceMethodOfAnArrayElementWithNoClass()
        {
            // a virtual method of an unsealed element class is a switch per element over its classes; with none to list, refused
            var d = Expect("DIFF0005", "l.Apply(x)", "public ILin[] Layers = new ILin[0];\n"
                + "[Differentiable(nameof(x))] public double Run(double[] x) { double s = 0; foreach (var l in Layers) s += l.Apply(x); return s; }\n}\n"
                + "public interface ILin { double Apply(double[] x); }\nclass Unused {", "public partial class C {\n");
            Assert.Contains("each element of 'Layers' chooses its code by its class", d.GetMessage());
            Assert.Contains("declare the array with a concrete sealed class", d.GetMessage());
        }

        [Fact]
        public void DIFF0007_WritingAMemberOfAnArrayElement()
        {
            var d = Expect("DIFF0007", "l.W[0]", "public D[] Layers = new D[0];\n"
                + "[Differentiable(nameof(Layers))] public double Run(double[] x) { double s = 0; foreach (var l in Layers) { l.W[0] = 1; s += l.W[0] * x[0]; } return s; }\n}\n"
                + "public sealed class D { public double[] W = new double[2]; }\nclass Unused {", "public partial class C {\n");
            Assert.Contains("read once when the method starts", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_InterfaceParameterSaysToSwitchOnAMode()
        {
            // no class of the compilation implements it: nothing to switch over (with one, the call is a switch: DispatchedCalls.cs)
            var d = Expect("DIFF0002", "act", "[Differentiable] public static double F(double[] w, [Constant] IActivation act) { double s = 0; for (int i = 0; i < w.Length; i++) s += act.Apply(w[i]); return s; }",
                "public interface IActivation { double Apply(double v); }\npublic static partial class C {\n");
            Assert.Contains("is an interface method", d.GetMessage());
            Assert.Empty(Problems("[Differentiable] public static double F(double[] w, [Constant] IActivation act) { double s = 0; for (int i = 0; i < w.Length; i++) s += act.Apply(w[i]); return s; }\n}\n"
                + "public interface IActivation { double Apply(double v); }\npublic sealed class Tanh : IActivation { public double Apply(double v) => Math.Tanh(v); }\nstatic class Unused {"));
        }
    }
}
