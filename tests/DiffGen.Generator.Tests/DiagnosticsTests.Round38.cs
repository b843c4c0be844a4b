using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Primary constructor parameters (<c>class Layer(double[] w)</c>): C# lets only the declaring part of a partial type read
    /// them, and DiffGen's entry points are another part, so they stay refused; one diagnostic per parameter (not per read, not
    /// a second one for its GetLength) saying which field or property to declare instead. A record's primary constructor
    /// declares properties, which are read like any property.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void DIFF0004_PrimaryConstructorParameterSaysKeepItInAField()
        {
            var header = "public partial class Layer(double[,] w, double b) {\n";
            var d = Expect("DIFF0004", "w", "[Differentiable] public double F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += w[0, i] * x[i]; return s * w.GetLength(0) + s * w[0, 0]; }", header);
            Assert.Contains("primary constructor of 'Layer'", d.GetMessage());
            Assert.Contains("'private readonly double[,] _w = w;'", d.GetMessage());
            Assert.Contains("'public double[,] W { get; } = w;'", d.GetMessage());
            var all = GeneratorHarness.Run(Usings + header + "[Differentiable] public double F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += w[0, i] * x[i]; return s * w.GetLength(0) + s * w[0, 0]; }\n}")
                .GeneratorDiagnostics.Where(x => x.Id != "DIFF0016").ToList();
            Assert.True(all.Count == 1, Describe(all));
        }

        [Fact]
        public void DIFF0004_PrimaryConstructorScalarOfAStruct()
        {
            var d = Expect("DIFF0004", "k", "[Differentiable] public double F(double x) => k * x * x + k;", "public partial struct S(double k) {\n");
            Assert.Contains("'public double K { get; } = k;'", d.GetMessage());
        }

        [Fact]
        public void A_records_primary_constructor_properties_are_read_like_properties()
        {
            Compiles("", "public partial record Layer(double[] W, double B) { [DiffGen.Differentiable(nameof(W))] public double F(double[] x) { double s = B; for (int i = 0; i < x.Length; i++) s += W[i] * x[i]; return s * s; } }\n");
        }
    }
}
