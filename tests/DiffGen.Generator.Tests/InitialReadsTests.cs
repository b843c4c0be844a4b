using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Parse/InitialReads: an output whose entry values some read may see gets an in-and-out gradient buffer (else the
    /// gradient with respect to those values would be dropped silently); one written before every read keeps a read-only
    /// upstream gradient. Each case is one method; the test reads the Backward's documentation of yGrad.
    /// </summary>
    public class InitialReadsTests
    {
        private static bool InOut(string body, string signature = "double[] x, double[] y")
        {
            var source = "using System; using System.Linq; using DiffGen;\nnamespace T { public static partial class C {\n"
                + $"[Differentiable] public static double F({signature}) {{ {body} }}\n}} }}";
            var r = GeneratorHarness.Run(source);
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            var text = string.Join("\n", r.Run.GeneratedTrees.Select(t => t.ToString()));
            var doc = text.Split('\n').Single(l => l.Contains("<param name=\"yGrad\">") && !l.Contains("(device"));
            return doc.Contains("In and out");
        }

        [Theory]
        [InlineData("for (int i = 0; i < y.Length; i++) y[i] = y[i] * x[i]; return y.Sum();")]                        // in place
        [InlineData("for (int i = 0; i < y.Length; i++) y[i] += x[i]; return 0;")]                                    // added into
        [InlineData("y[0] = x[0]; return y[1] * x[0];")]                                                              // another element
        [InlineData("if (x[0] > 0) y[0] = x[0]; return y[0];")]                                                      // written on one branch only
        [InlineData("y[0] = x[0]; return y.Sum();")]                                                                  // the whole array, one element written
        [InlineData("for (int i = 0; i < x.Length; i++) y[i] = x[i]; double s = 0; for (int i = 0; i < y.Length; i++) s += y[i]; return s;")] // other bound
        [InlineData("for (int i = 0; i < y.Length; i++) { if (x[i] > 0) continue; y[i] = x[i]; } return y[0];")]   // a skipped write
        [InlineData("int k = 0; y[k] = x[0]; k = 1; return y[k];")]                                                   // the index changed since
        [InlineData("int n = 2; for (int i = 0; i < n; i++) y[i] = x[i]; return y[2];")]                             // a constant index past a range
        public void Entry_values_read(string body) => Assert.True(InOut(body));

        [Theory]
        [InlineData("for (int i = 0; i < y.Length; i++) { y[i] = 0; for (int j = 0; j < x.Length; j++) y[i] += x[j] * (i + j); } return 0;")] // a layer
        [InlineData("for (int i = 0; i < y.Length; i++) y[i] = x[i] * 2; double s = 0; for (int i = 0; i < y.Length; i++) s += y[i] * y[i]; return s;")] // covered, then read
        [InlineData("for (int i = 0; i < y.Length; i++) y[i] = x[i]; return y.Sum();")]                              // covered, then the whole array
        [InlineData("if (x[0] > 0) y[0] = 1; else y[0] = 2; return y[0] * x[0];")]                                  // both branches
        [InlineData("int n = y.Length; for (int i = 0; i < n; i++) y[i] = x[i]; double s = 0; for (int i = 1; i < n; i++) s += y[i - 1] * y[i]; return s;")] // i - 1
        [InlineData("for (int i = 0; i < y.Length; i++) y[i] = x[i]; double s = 0; for (int i = y.Length - 1; i >= 0; i--) s = s * 0.5 + y[i]; return s;")] // backwards
        public void Entry_values_never_read(string body) => Assert.False(InOut(body));

        [Fact]
        public void A_matrix_covered_row_by_row_then_read()
        {
            Assert.False(InOut("for (int i = 0; i < y.GetLength(0); i++) for (int j = 0; j < y.GetLength(1); j++) y[i, j] = x[j]; return y[1, 0];", "double[] x, double[,] y"));
            Assert.True(InOut("for (int i = 0; i < y.GetLength(0); i++) y[i, 0] = x[0]; return y[1, 1];", "double[] x, double[,] y"));
        }
    }
}
