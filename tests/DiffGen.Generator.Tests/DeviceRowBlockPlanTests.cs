using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Schedule;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Device row-block fusion (issue 9, item 6): where the CPU plan holds attention's p a block of rows at a time, the
    /// GPU's tile-fused program does too. The planned device buffers of p and p̄ have rows-per-block rows, not n (the memory
    /// statement: O(block · m) device bytes for p); the plan text says so in its "cuda, tile-fused" section.
    /// </summary>
    public class DeviceRowBlockPlanTests
    {
        private const string Source = """
            using System; using DiffGen; namespace T { public static partial class C {
            [Differentiable(nameof(q), nameof(k), nameof(v))]
            public static double A(double[,] q, double[,] k, double[,] v, double[,] target)
            {
                int n = q.GetLength(0), m = k.GetLength(0), d = q.GetLength(1), e = v.GetLength(1);
                double scale = 1.0 / Math.Sqrt(d);
                double[,] p = new double[n, m];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < m; j++)
                    {
                        double s = 0;
                        for (int c = 0; c < d; c++) s += q[i, c] * k[j, c];
                        p[i, j] = s * scale;
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

        private static ExecutionPlan Plan() =>
            GeneratorHarness.StepOutputs(GeneratorHarness.Run(Source).Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<ExecutionPlan>().Single(p => p.Model.Method.Name == "A");

        [Fact]
        public void Attention_runs_row_blocks_on_the_device_with_p_held_one_block_at_a_time()
        {
            var plan = Plan();
            Assert.Equal("p", plan.Model.Tiles?.RowBlocked);
            Assert.True(plan.HasCudaTiles, plan.CudaTilingFailure ?? plan.CudaRowBlocksFailure);
            foreach (var (program, panels) in new[] { (plan.Forward.CudaTiled!, new[] { "p" }), (plan.Adjoint.CudaTiled!, new[] { "p", "p_adj" }) })
            {
                var block = Assert.Single(program.RowBlocks.Values);
                // every panel of the block is allocated rows-per-block × m, never n × m
                foreach (var name in panels)
                {
                    Assert.Contains(name, block.PanelArrays);
                    var decl = program.HostStatements.OfType<DeclArray>().Single(d => d.Name == name);
                    Assert.Equal(new VarRef(block.Name, IrType.Int), decl.Sizes[0]);
                }
                // the product's rows come from a row-range GEMM inside the block
                Assert.Contains(program.Steps, s => s.RowBlock?.Name == block.Name && s.Kind == StepKind.Gemm && s.Gemm is ContractRows or ContractRowsAdjoint);
                Assert.DoesNotContain(program.Steps, s => s.RowBlock is null && s.Gemm is Contract c && c.A.Array == "p");
            }
            Assert.Contains(plan.Adjoint.CudaTiled!.Steps, s => s.RowBlock is { Descending: true } && s.Gemm is ContractRowsAdjoint);
            var text = plan.ToString();
            var section = text.Substring(text.LastIndexOf("cuda, tile-fused", System.StringComparison.Ordinal));
            Assert.Contains("row-block fusion of p, p_adj: per block of __rb_p rows (rows per block × m elements on the device, not n × m)", section);
        }

        [Fact]
        public void The_loss_loop_pair_runs_a_thread_per_row_through_an_indexed_tape()
        {
            var plan = Plan();
            foreach (var program in new[] { plan.Adjoint.Cuda!, plan.Adjoint.CudaTiled! })
            {
                var loss = program.Steps.Where(s => s.Kind == StepKind.Parallel && s.Loop!.Var == "i_3").ToList();
                Assert.Equal(2, loss.Count);
                Assert.All(loss, s => Assert.NotNull(s.Tape));
                Assert.DoesNotContain(program.Steps, s => s.Kind == StepKind.Serial && s.Comments.Any(c => c.StartsWith("loop over i_3 runs on one thread", System.StringComparison.Ordinal)));
            }
        }
    }
}
