using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 10, round 22 (docs/natural-csharp.md): jagged locals whose rows are computed arrays, held as a T[n, m] whose m is read
    /// before the declaration; switch expressions choosing arrays; T[,] locals given a new T[,] of the loop. Refused where that
    /// reading is not what C# computes, or m cannot be known there.
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string Linq = "using System.Linq;\npublic static partial class C {\n";
        private const string Norm = "static double[] Norm(double[] r) { double m = r.Average(); return r.Select(t => t - m).ToArray(); }\n";

        [Fact]
        public void Computed_rows_and_array_switches_compile()
        {
            Compiles(Norm + "static double[] Id(int k, double[] v) => v.Select(t => t * k).ToArray();\n"
                + "static double[,] Pick(int a, double c) => a switch { 0 => new double[,] { { c, 0 }, { 0, 1 } }, _ => new double[,] { { 1, 0 }, { 0, c } } };\n"
                + "[Differentiable] public static double F(double[][] x, double[,] w) { var h = x.Select(r => Norm(r)).ToArray(); var q = new double[x.Length][]; "
                + "for (int i = 0; i < x.Length; i++) { var e = new double[2]; e[0] = h[i][0]; e[1] = w[0, 1]; q[i] = e; } "
                + "var rot = new double[2, 2]; for (int k = 0; k < 3; k++) { var next = Pick(k, x[0][0]); rot = next; } "
                + "return h.Sum(r => r.Sum()) + q[0][1] + rot[0, 0] + Enumerable.Range(0, 3).Aggregate(0.0, (acc, i) => { double t = x[0][i]; return acc + t * t; }); }", "using System.Linq;\n");
        }

        [Fact]
        public void DIFF0013_RowLengthReadAfterTheDeclaration()
        {
            var d = Expect("DIFF0013", "h[i] = Make(m)", "static double[] Make(int m) { var r = new double[m]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { var h = new double[x.Length][]; int m = (int)x.Length + 1; for (int i = 0; i < x.Length; i++) h[i] = Make(m); return h[0][0] + x[0]; }");
            Assert.Contains("is not known where 'h' is declared", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_RowGivenAnArrayOfTheMethod()
        {
            var d = Expect("DIFF0013", "h[i] = Same(x)", "static double[] Same(double[] v) { v[0] = v[0]; return v; }\n"
                + "[Differentiable] public static double F(double[] x) { var h = new double[2][]; for (int i = 0; i < 2; i++) h[i] = Same(x); h[0][0] = 3; return h[1][0] * x[1]; }");
            Assert.Contains("another array of this method", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_RowGivenALocalWrittenAfterwards()
        {
            // C# keeps e as row i, so the later write shows through h[i]; a copy would not: refused
            var d = Expect("DIFF0013", "h[i] = e", "[Differentiable] public static double F(double[] x) { var h = new double[2][]; for (int i = 0; i < 2; i++) { var e = new double[2]; h[i] = e; e[0] = x[i]; } return h[1][0] * x[1]; }");
            Assert.Contains("To keep another array's row, copy its elements", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_RowWrittenWhileItsArrayIsReadAfterwards()
        {
            // C# makes h[i] and e one array: the write through h[i] shows in e[0]; a copy would not: refused
            var d = Expect("DIFF0013", "h[i] = e", "[Differentiable] public static double F(double[] x) { var h = new double[2][]; double s = 0; for (int i = 0; i < 2; i++) { var e = new double[2]; e[1] = x[i]; h[i] = e; h[i][0] = x[0]; s += e[0] * e[1]; } return s + h[1][1]; }");
            Assert.Contains("To keep another array's row, copy its elements", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_SizeAfterAReturningGuard_FromLoopsOverElements_RefusedFromLengthsAccepted()
        {
            // the longest row (a loop over lengths the parser writes for Select) moves above the guard with the array: accepted
            var accepted = GeneratorHarness.Run(Usings + Linq + Norm + "[Differentiable] public static double F(double[][] x) { if (x.Length < 2) return 0; double[][] h = x.Select(Norm).ToArray(); return h[1][0] * h[0][0]; }\n}");
            Assert.Empty(accepted.GeneratorDiagnostics.Where(x => x.Id != "DIFF0016"));
            // a size found by a loop over elements stays after the guard (C# never reads them when the guard returns)
            var d = Expect("DIFF0013", "return 0", "[Differentiable] public static double F(double[] x, int[] counts) { if (x.Length < 2) return 0; int cap = 0; for (int i = 0; i < counts.Length; i++) if (counts[i] > cap) cap = counts[i]; var buf = new double[cap]; for (int i = 0; i < cap && i < x.Length; i++) buf[i] = x[i] * x[i]; return buf[0]; }");
            Assert.Contains("with a size read from 'cap'", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_SelectOfRowsInsideALoop_AcceptedOverOneCollection_RefusedOverAConcat()
        {
            // one buffer hoisted before the loop, its row length the selector's (since the twenty-seventh session; corpus HeadScratch)
            Compiles(Norm + "[Differentiable] public static double F(double[][] x) { double s = 0; for (int k = 0; k < 2; k++) { var h = x.Select(r => Norm(r)).ToArray(); s += h[0][k]; } return s; }", "using System.Linq;\n");
            var d = Expect("DIFF0013", "h = x.Concat(x).Select(r => Norm(r)).ToArray()", Norm
                + "[Differentiable] public static double F(double[][] x) { double s = 0; for (int k = 0; k < 2; k++) { var h = x.Concat(x).Select(r => Norm(r)).ToArray(); s += h[0][k]; } return s; }", Linq);
            Assert.Contains("Concat outside loops and ifs", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_SwitchArmsOfDifferentShapes()
        {
            var d = Expect("DIFF0004", "new double[] { c, 1, 2 }", "static double[] Pick(int a, double c) => a switch { 0 => new double[] { c, 1 }, _ => new double[] { c, 1, 2 } };\n"
                + "[Differentiable] public static double F(double x, int k) => Pick(k, x)[0];");
            Assert.Contains("one of the same shape", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_MatrixLocalGivenALoopLocalUsedAfterwards()
        {
            // rot = next makes both names one array in C#; a later write through next would show in rot: refused
            var d = Expect("DIFF0013", "rot = next", "[Differentiable] public static double F(double x) { var rot = new double[2, 2]; for (int k = 0; k < 2; k++) { var next = new double[2, 2]; next[0, 0] = x; rot = next; next[1, 1] = x * x; } return rot[0, 0] + rot[1, 1]; }");
            Assert.Contains("cannot be swapped", d.GetMessage());
        }
    }
}
