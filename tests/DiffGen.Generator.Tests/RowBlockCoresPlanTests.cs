using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Schedule;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Schedule's row-block cores decision (Schedule/RowBlockCores.cs): attention's blocks split over cores, and stay in
    /// order, with the reason in the plan, when the blocks add into a value that leaves the method (a scalar parameter's
    /// adjoint: a worker's private copy would be lost).
    /// </summary>
    public class RowBlockCoresPlanTests
    {
        private static string Source(string scale, string extra) => $$"""
            using System; using DiffGen; namespace T { public static partial class C {
            [Differentiable(nameof(q), nameof(k), nameof(v){{extra}})]
            public static double A(double[,] q, double[,] k, double[,] v, double[,] target, double tau)
            {
                int n = q.GetLength(0), m = k.GetLength(0), d = q.GetLength(1), e = v.GetLength(1);
                double[,] p = new double[n, m];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < m; j++)
                    {
                        double s = 0;
                        for (int c = 0; c < d; c++) s += q[i, c] * k[j, c];
                        p[i, j] = s * {{scale}};
                    }
                for (int i = 0; i < n; i++)
                {
                    double mx = p[i, 0];
                    for (int j = 1; j < m; j++) mx = Math.Max(mx, p[i, j]);
                    double z = 0;
                    for (int j = 0; j < m; j++) { p[i, j] = Math.Exp(p[i, j] - mx); z += p[i, j]; }
                    for (int j = 0; j < m; j++) p[i, j] /= z;
                }
                double loss = 0;
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < e; c++)
                    {
                        double o = 0;
                        for (int j = 0; j < m; j++) o += p[i, j] * v[j, c];
                        double r = o - target[i, c];
                        loss += r * r;
                    }
                return loss;
            }
            } }
            """;

        private static ExecutionPlan Plan(string source) =>
            GeneratorHarness.StepOutputs(GeneratorHarness.Run(source).Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<ExecutionPlan>().Single(p => p.Model.Method.Name == "A");

        private static RowBlocks[] Blocks(ExecutionPlan plan) =>
            plan.Model.Tiles!.Body.Concat(plan.Model.Tiles.ForwardSweep).Concat(plan.Model.Tiles.ReverseSweep)
                .OfType<TileChoice>().SelectMany(c => c.Fused).OfType<RowBlocks>().ToArray();

        [Fact]
        public void Attention_blocks_split_over_cores_with_worker_copies_of_the_adjoints()
        {
            var plan = Plan(Source("0.5", ""));
            Assert.Equal("p", plan.Model.Tiles?.RowBlocked);
            var blocks = Blocks(plan);
            Assert.Equal(3, blocks.Length); // the forward method, the forward sweep, the reverse sweep
            Assert.All(blocks, b => Assert.True(b.Cores!.Split, b.Cores.WhyNot));
            var reverse = blocks.Single(b => b.Descending);
            Assert.Equal(new[] { "k_adj", "q_adj", "v_adj" }, reverse.Cores!.Accumulated.Select(x => x.Name).ToArray());
            Assert.Contains(reverse.Cores.Entry, x => x.Name == "mx_adj" && x.Reset == 0);
            Assert.Contains("row blocks of p, p_adj, last block first: split over cores", plan.ToString());
        }

        [Fact]
        public void A_scalar_parameters_adjoint_summed_in_the_blocks_keeps_them_in_order_and_the_plan_says_why()
        {
            var plan = Plan(Source("tau", ", nameof(tau)"));
            Assert.Equal("p", plan.Model.Tiles?.RowBlocked);
            var reverse = Blocks(plan).Single(b => b.Descending);
            Assert.False(reverse.Cores!.Split);
            Assert.Contains("tau_adj", reverse.Cores.WhyNot);
            Assert.Contains("leaves the method", plan.ToString());
            // the forward blocks read tau and write nothing that leaves: they still split
            Assert.All(Blocks(plan).Where(b => !b.Descending), b => Assert.True(b.Cores!.Split, b.Cores.WhyNot));
        }
    }
}
