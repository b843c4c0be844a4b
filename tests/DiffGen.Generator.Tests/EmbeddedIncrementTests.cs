using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>++/-- on an int local inside an expression: accepted where the step can go before the statement unchanged.</summary>
    public class EmbeddedIncrementTests
    {
        private static GeneratorHarness.Result Run(string body) => GeneratorHarness.Run(
            "using System; using DiffGen;\nnamespace T { public static partial class C {\n"
            + $"[Differentiable] public static double F(double[] x) {{ {body} }}\n}} }}");

        [Theory]
        [InlineData("var y = new double[x.Length]; int c = 0; for (int i = 0; i < x.Length; i++) if (x[i] > 0) y[c++] = x[i]; return y[0] * c;")]
        [InlineData("int steps = 0; double s = 0; while (s < 10) { s += x[0] * x[0] + 1; if (++steps > 5) break; } return s;")]
        [InlineData("int k = 3; double s = x[0] * (k--); return s * k;")]
        [InlineData("int i = 0; double s = 0; while (i++ < x.Length) s += x[0]; return s;")]            // round 15: in a while condition
        [InlineData("int i = 0; double s = 0; do { s += x[0] * s + 1; } while (++i < 4); return s;")]  // and a do/while's
        public void Accepted(string body)
        {
            var r = Run(body);
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Empty(r.CompileDiagnostics);
            Assert.NotEmpty(r.Run.GeneratedTrees); // code was generated (a suppressed model would leave none, silently)
        }

        [Theory]
        [InlineData("var y = new double[x.Length]; int c = 0; y[c++] = x[c]; return y[0];", "is read there too")]
        [InlineData("int k = 0; double s = 0; for (int i = 0; i < x.Length && k++ < 3; i++) s += x[i]; return s;", "loop condition")]
        [InlineData("double s = x[0]; return x[0] * (s++);", "int locals only")]
        public void Rejected_with_the_reason(string body, string reason)
        {
            var r = Run(body);
            Assert.Contains(r.GeneratorDiagnostics, d => d.Id == "DIFF0004" && d.GetMessage().Contains(reason));
        }
    }
}
