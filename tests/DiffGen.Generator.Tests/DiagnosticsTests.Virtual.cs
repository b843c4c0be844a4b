using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// A model class calling its own virtual or abstract method: a subclass may override it, and Backward called on the subclass's
    /// object would run the base body DiffGen inlined (forward and gradient both wrong, silently). Refused unless the class or the
    /// method is sealed; calls on fields and parameters of unsealed types are DIFF0002 (<c>DiagnosticsTests.Round36</c>).
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string VirtualModel = "public partial class Model {\npublic double[] W = new double[2];\n";

        [Fact]
        public void DIFF0005_VirtualMethodOnThisOfAnUnsealedClass()
        {
            var d = Expect("DIFF0005", "Activate(s)", "protected virtual double Activate(double z) => Math.Tanh(z);\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) { double s = W[0] * x[0] + W[1] * x[1]; return Activate(s); }", VirtualModel);
            Assert.Contains("a subclass may override it", d.GetMessage());
            Assert.Contains("declare 'Model' sealed", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_VirtualMethodCalledThroughThis()
        {
            var d = Expect("DIFF0005", "this.Activate(s)", "public virtual double Activate(double z) => z * z;\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) { double s = W[0] * x[0]; return this.Activate(s); }", VirtualModel);
            Assert.Contains("is virtual", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_VirtualComputedPropertyOfAnUnsealedClass()
        {
            // the getter was inlined: Sub's override (3.0) ran in the method, the base getter (2.0) in Forward
            var d = Expect("DIFF0004", "Scale", "protected virtual double Scale => 2.0;\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) => Scale * W[0] * x[0];", VirtualModel);
            Assert.Contains("'Scale' is a virtual property and 'Model' is not sealed", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_VirtualComputedPropertyOfALayerField()
        {
            // since 2026-12-05 a switch over the classes of the compilation (each one's getter: DispatchedCalls.cs)
            Assert.Empty(Problems("}\npublic sealed partial class Model {\npublic double[] W = new double[2];\npublic Layer L = new Layer();\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) => L.Gain * W[0] * x[0];\n}\npublic class Layer { public virtual double Gain => 1.5; }\n"
                + "public sealed class Wide : Layer { public double G = 2; public override double Gain => 3 * G; }\nstatic class Unused {"));
            // an abstract property with no class to choose from: reading its value once would cut the derivative through it
            var d = Expect("DIFF0004", "L.Gain", "public Layer L = null!;\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) => L.Gain * W[0] * x[0];\n}\npublic abstract class Layer { public abstract double Gain { get; } ",
                "public sealed partial class Model {\npublic double[] W = new double[2];\n");
            Assert.Contains("could not list the classes", d.GetMessage());
        }

        [Fact]
        public void A_virtual_auto_property_is_read_through_the_object_and_accepted()
        {
            // an auto-property is read once at entry through the object, so an override is what the generated code sees
            var problems = GeneratorHarness.Run(Usings + VirtualModel + "public virtual double Scale { get; set; } = 2.0;\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) => Scale * W[0] * x[0];\n}").GeneratorDiagnostics;
            Assert.DoesNotContain(problems, x => x.Severity == DiagnosticSeverity.Error);
        }

        [Fact]
        public void DIFF0001_VirtualDifferentiableMethodOfAnUnsealedClass()
        {
            // Sub overriding Loss got the base body's value from Sub.LossForward
            var d = Expect("DIFF0001", "Loss", "[Differentiable(nameof(W))] public virtual double Loss(double[] x) => 2 * W[0] * x[0];", VirtualModel);
            Assert.Contains("it is virtual and 'Model' is not sealed", d.GetMessage());
            var sealedOverride = GeneratorHarness.Run(Usings + "public class Base { public virtual double Loss(double[] x) => x[0]; }\n"
                + "public partial class Model : Base {\npublic double[] W = new double[2];\n"
                + "[Differentiable(nameof(W))] public sealed override double Loss(double[] x) => 2 * W[0] * x[0];\n}").GeneratorDiagnostics;
            Assert.DoesNotContain(sealedOverride, x => x.Id == "DIFF0001");
        }

        [Fact]
        public void Virtual_method_of_a_sealed_class_or_a_non_virtual_one_is_inlined()
        {
            var sealedClass = GeneratorHarness.Run(Usings + "public sealed partial class Model {\npublic double[] W = new double[2];\n"
                + "public double Activate(double z) => Math.Tanh(z);\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) { double s = W[0] * x[0] + W[1] * x[1]; return Activate(s); }\n}").GeneratorDiagnostics;
            Assert.DoesNotContain(sealedClass, x => x.Id == "DIFF0005");
            var nonVirtual = GeneratorHarness.Run(Usings + VirtualModel + "double Activate(double z) => Math.Tanh(z);\n"
                + "[Differentiable(nameof(W))] public double Loss(double[] x) { double s = W[0] * x[0] + W[1] * x[1]; return Activate(s); }\n}").GeneratorDiagnostics;
            Assert.DoesNotContain(nonVirtual, x => x.Id == "DIFF0005");
        }
    }
}
