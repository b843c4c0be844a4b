using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// A check after local declarations runs first, as a guard, with the locals it reads replaced by their initializers, when
    /// those are pure (parameters, constants, Math, GetLength); otherwise the throw runs where it stands.
    /// </summary>
    public class LateGuardTests
    {
        private static GeneratorHarness.Result Run(string body) => GeneratorHarness.Run(
            "using System; using System.Linq; using DiffGen;\nnamespace T { public static partial class C {\n"
            + $"[Differentiable] public static double F(double[] x, double t, int k) {{ {body} }}\n}} }}");

        private static string Generated(GeneratorHarness.Result r) => string.Join("\n", r.Run.GeneratedTrees.Select(t => t.ToString()));

        [Fact]
        public void A_check_after_pure_declarations_is_a_guard_with_the_initializers_in_place()
        {
            var r = Run("int n = x.Length; double r = t * t / Math.Max(1.0, k); if (r > 0.5 || n < k) throw new ArgumentException($\"r = {r}\", nameof(t)); double s = 0; for (int i = 0; i < n; i++) s += x[i] * r; return s;");
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Empty(r.CompileDiagnostics);
            var text = Generated(r);
            Assert.Contains("if ((t * t / __Math.Max(1.0, k)) > 0.5 || (x.Length) < k)", text);
            Assert.Contains("$\"r = {(t * t / __Math.Max(1.0, k))}\"", text);
        }

        [Theory]
        [InlineData("double m = x.Sum(); if (m < 0) throw new ArgumentException(); return m * t;")]                  // a LINQ call: not re-evaluated
        [InlineData("double s = 0; for (int i = 0; i < k; i++) s += x[i]; if (s < 0) throw new ArgumentException(); return s * t;")] // after a loop
        [InlineData("int n = k; n++; if (n > 3) throw new ArgumentException(); return t * n;")]                          // after an assignment
        [InlineData("var y = new double[k]; if (y[0] > 1) throw new ArgumentException(); return t;")]                      // reads an allocated array
        public void Other_throws_run_where_they_stand(string body)
        {
            // not guards: each throw is printed where it stands, after what it reads was computed (round 15, Parse/DifferentiableParser.Throw.cs)
            var r = Run(body);
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Empty(r.CompileDiagnostics);
            var text = Generated(r);
            int check = text.IndexOf("throw new global::System.ArgumentException()", System.StringComparison.Ordinal);
            Assert.True(check > 0);
            Assert.True(text.LastIndexOf("Shapes.NotNull(x, nameof(x));", check, System.StringComparison.Ordinal) > 0);
            Assert.Contains("DeviceDispatch.CpuOnly(", text); // no device code for it
        }
    }
}
