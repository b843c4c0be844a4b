using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// The user's leading argument checks in the device-resident overloads (MethodModel.DeviceGuards): those that read array
    /// parameters only through their shape are printed there as in the host overloads (a DeviceArray has Length, GetLength and
    /// Rank); a check that reads an element is left to the host overload and counted in a comment. Either way the generated
    /// code compiles without a warning.
    /// </summary>
    public class DeviceGuardTests
    {
        private const string Source = """
            using System; using DiffGen;
            namespace T { public static partial class C {
                [Differentiable]
                public static double L(double[,] z, double[] w, double tau)
                {
                    if (z.GetLength(1) != w.Length) throw new ArgumentException($"z has {z.GetLength(1)} columns, w {w.Length}", nameof(w));
                    if (w is not { Length: > 0 }) throw new ArgumentException("w is empty", nameof(w));
                    ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tau);
                    if (w[0] < 0) throw new ArgumentException("w[0] must not be negative", nameof(w));
                    double s = 0;
                    for (int i = 0; i < z.GetLength(0); i++)
                    {
                        double dot = 0;
                        for (int k = 0; k < w.Length; k++) dot += z[i, k] * w[k];
                        s += Math.Exp(dot / tau);
                    }
                    return Math.Log(s);
                }
            } }
            """;

        [Fact]
        public void Shape_only_checks_run_in_the_device_resident_overloads_and_element_checks_are_named()
        {
            var result = GeneratorHarness.Run(Source);
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Empty(result.CompileDiagnostics);
            var device = result.Run.Results[0].GeneratedSources.Single(g => g.HintName.EndsWith(".cuda.g.cs", System.StringComparison.Ordinal)).SourceText.ToString();
            foreach (var overload in new[] { "LForward(__Cuda.DeviceArray<double> z", "LBackward(__Cuda.DeviceArray<double> z" })
            {
                int start = device.IndexOf(overload, System.StringComparison.Ordinal);
                Assert.True(start >= 0, overload + " not generated");
                int end = device.IndexOf("using var __f", start, System.StringComparison.Ordinal);
                var head = device.Substring(start, end - start);
                Assert.Contains("if (z.GetLength(1) != w.Length)", head);
                Assert.Contains("if (w is not { Length: > 0 })", head);
                Assert.Contains("ThrowIfNegativeOrZero(tau)", head);
                Assert.DoesNotContain("w[0]", head);
                Assert.Contains("// not checked here: 1 of the method's argument checks", head);
            }
        }
    }
}
