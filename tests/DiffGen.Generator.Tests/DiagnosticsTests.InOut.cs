using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// DIFF0022: an output the method may read before writing it has an in-and-out gradient buffer, which Backward overwrites.
    /// Probe batch 37's cloth step copied <c>vel.Length</c> elements into <c>newVel</c> and then added to them: the copy was not
    /// known to cover <c>newVel</c>, and a training loop reusing <c>newVelGrad</c> as the upstream lost it on the second call.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void DIFF0022_OutputCopiedFromAnotherArrayThenUpdated()
        {
            var d = Expect("DIFF0022", "newVel", "[Differentiable] public static void Step(double[] vel, double[] f, double dt, double[] newVel) { "
                + "Array.Copy(vel, newVel, vel.Length); for (int i = 0; i < newVel.Length; i++) newVel[i] += dt * f[i]; }");
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
            Assert.Contains("'newVelGrad' is in and out", d.GetMessage());
            Assert.Contains("write every element of 'newVel' before reading any", d.GetMessage());
        }

        [Fact]
        public void DIFF0022_ActivationInPlace()
        {
            var d = Expect("DIFF0022", "x", "[Differentiable] public static void Relu(double[] x) { for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0, x[i]); }");
            Assert.Contains("'xGrad' is in and out", d.GetMessage());
        }

        [Fact]
        public void An_output_written_in_full_first_gets_no_DIFF0022()
        {
            var problems = Problems("[Differentiable] public static void Step(double[] vel, double[] f, double dt, double[] newVel) { "
                + "Array.Copy(vel, newVel, newVel.Length); for (int i = 0; i < newVel.Length; i++) newVel[i] += dt * f[i]; }\n"
                + "[Differentiable] public static void Affine(double[] x, double[] b, double[] y) { for (int i = 0; i < y.Length; i++) y[i] = b[i]; "
                + "for (int i = 0; i < y.Length; i++) y[i] += 2 * x[i]; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }
    }
}
