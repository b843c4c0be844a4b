using Microsoft.CodeAnalysis;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.Schedule;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Schedule's tile-fusion decisions (the plans themselves are in the .ir snapshots, section "tile fusion").</summary>
    public class TileFusionPlanTests
    {
        private static AdjointModel Schedule(string source, string method) =>
            GeneratorHarness.StepOutputs(GeneratorHarness.Run(source).Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<DiffGen.Generator.Schedule.ExecutionPlan>().Select(p => p.Model).Single(a => a.Method.Name == method);

        private const string Head = "using System; using DiffGen; namespace T { public static partial class C {\n";
        private const string Tail = "\n} }";

        [Fact]
        public void The_questions_NtXent_is_fused_with_row_panels_and_diagonal_entries()
        {
            var a = Schedule(Head + """
                [Differentiable]
                public static float L(float[,] z, float tau)
                {
                    int n = z.GetLength(0), d = z.GetLength(1);
                    float loss = 0f;
                    for (int i = 0; i < n; i++)
                    {
                        float den = 0f;
                        for (int j = 0; j < n; j++)
                        {
                            if (j == i) continue;
                            float dot = 0f, ni = 0f, nj = 0f;
                            for (int k = 0; k < d; k++) { dot += z[i, k] * z[j, k]; ni += z[i, k] * z[i, k]; nj += z[j, k] * z[j, k]; }
                            den += MathF.Exp(dot / (MathF.Sqrt(ni) * MathF.Sqrt(nj)) / tau);
                        }
                        loss += MathF.Log(den);
                    }
                    return loss / n;
                }
                """ + Tail, "L");
            Assert.NotNull(a.Tiles);
            var text = IR.IrPrinter.Print(a);
            Assert.Contains("tile fusion of", text);
            Assert.Contains("panel __tile", text);
            Assert.Contains("adjoint block flushed into z_adj, z_adj", text);
        }

        [Fact]
        public void A_factor_written_after_the_contraction_keeps_the_table_and_says_why()
        {
            var a = Schedule(Head + """
                [Differentiable]
                public static double L(double[,] x)
                {
                    int n = x.GetLength(0), d = x.GetLength(1);
                    double[,] y = new double[n, d];
                    for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) y[i, k] = x[i, k];
                    double total = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                        {
                            double s = 0;
                            for (int k = 0; k < d; k++) s += y[i, k] * y[j, k];
                            total += Math.Exp(s);
                        }
                    for (int k = 0; k < d; k++) y[0, k] = 2 * y[0, k];
                    for (int k = 0; k < d; k++) total += y[0, k];
                    return total;
                }
                """ + Tail, "L");
            var table = a.Method.Body.OfType<IR.Contract>().Select(c => c.Target).Single();
            Assert.Null(a.Tiles);
            Assert.Contains("is written after the contraction", TileFusion.WhyNot(a, table));
        }

        [Fact]
        public void Jagged_factors_are_not_fused()
        {
            var a = Schedule(Head + """
                [Differentiable]
                public static double L(double[][] z)
                {
                    int n = z.Length, d = z[0].Length;
                    double loss = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                        {
                            double dot = 0;
                            for (int k = 0; k < d; k++) dot += z[i][k] * z[j][k];
                            loss += Math.Exp(dot);
                        }
                    return loss;
                }
                """ + Tail, "L");
            var table = a.Method.Body.OfType<IR.Contract>().Select(c => c.Target).FirstOrDefault();
            Assert.NotNull(table);
            Assert.Null(a.Tiles);
            Assert.Contains("two-dimensional", TileFusion.WhyNot(a, table!));
        }

        /// <summary>DIFF0016 says, at the loop nest Raise turned into the GEMM, whether the table is tile-fused, and if not, why.</summary>
        [Fact]
        public void Remarks_say_fused_or_which_condition_failed_at_the_loop_nest()
        {
            const string Fused = """
                [Differentiable]
                public static double L(double[,] z)
                {
                    int n = z.GetLength(0), d = z.GetLength(1);
                    double loss = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double den = 0;
                        for (int j = 0; j < n; j++)
                        {
                            double dot = 0;
                            for (int k = 0; k < d; k++) dot += z[i, k] * z[j, k];
                            den += Math.Exp(dot);
                        }
                        loss += Math.Log(den);
                    }
                    return loss;
                }
                """;
            var r = GeneratorHarness.Run(Head + Fused + Tail);
            var remarks = r.GeneratorDiagnostics.Where(d => d.Id == "DIFF0016").ToList();
            var fused = Assert.Single(remarks, d => d.GetMessage().Contains("tile fusion: the table"));
            var gemm = Assert.Single(remarks, d => d.GetMessage().Contains("raised to GEMM"));
            Assert.Equal(gemm.Location, fused.Location);

            var j = GeneratorHarness.Run(Head + Fused.Replace("double[,] z", "double[][] z").Replace("z.GetLength(0)", "z.Length").Replace("z.GetLength(1)", "z[0].Length")
                .Replace("z[i, k] * z[j, k]", "z[i][k] * z[j][k]") + Tail);
            var why = Assert.Single(j.GeneratorDiagnostics, d => d.Id == "DIFF0016" && d.GetMessage().Contains("not tile-fused"));
            Assert.Contains("the factors are not two-dimensional arrays", why.GetMessage());
            Assert.NotEqual(Location.None, why.Location);
        }
    }
}
