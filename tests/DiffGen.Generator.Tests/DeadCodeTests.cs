using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 14: generated code carries no #pragma; the user's dead code (an if on literals, a local only that code reads)
    /// is not printed, so C# has no unreachable statement (CS0162) or unread local (CS0219) to report in generated files.
    /// </summary>
    public class DeadCodeTests
    {
        private const string Source = """
            using System; using DiffGen;
            namespace T { public static partial class C {
                [Differentiable]
                public static double F(double[] x)
                {
                    int m = x.Length;
                    double s0 = 0.0;
                    double s1 = 0.0;
                    for (int i = 1; i < m; i++)
                    {
                        if (1.5 < 0.25) { s1 -= s1; s0 += x[i]; }
                        else { s0 = 0.5 * x[i]; }
                    }
                    double t = (0.25 >= 0.25) ? 0.5 : s0 / (1.5 + Math.Tanh(x[0]));
                    return s0 + t * x[0];
                }
            } }
            """;

        [Fact]
        public void Dead_branches_and_unread_locals_are_not_generated()
        {
            var r = GeneratorHarness.Run(Source);
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            // the user's own file has its CS0162 (the unreachable branch); generated files have nothing to report
            var generated = r.CompileDiagnostics.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true).ToList();
            Assert.Empty(generated);
            var text = string.Join("\n", r.Run.GeneratedTrees.Select(t => t.ToString()));
            Assert.DoesNotContain("#pragma", text);
            Assert.DoesNotContain("s1", text);        // read only by the dead branch: gone with it
            Assert.DoesNotContain("1.5 < 0.25", text);
        }
    }
}
