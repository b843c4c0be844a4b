using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// Methods without device code (jagged arrays, calls to other [Differentiable] methods) get multi-core CPU loops
    /// too: Schedule plans the CPU's cores apart from the GPU. Forced on at small sizes (MinWork = 0, four threads),
    /// the split loops must run and compute what the sequential code computes; Forward and Backward both.
    /// </summary>
    [Collection("Backend selection")]
    public sealed class CpuOnlyParallelLoopTests(ITestOutputHelper output)
    {
        /// <summary>Every number the case produces (values, gradients), flattened.</summary>
        private static readonly Dictionary<string, Func<Random, double[]>> Cases = new(StringComparer.Ordinal)
        {
            ["JaggedQuadratic"] = rng =>
            {
                var a = Enumerable.Range(0, 9).Select(i => TestData.Vector(rng, 3 + i % 4)).ToArray();
                var v = TestData.Vector(rng, 7);
                var ga = a.Select(r => new double[r.Length]).ToArray();
                var gv = new double[v.Length];
                double f = Helpers.JaggedQuadraticForward(a, v);
                double b = Helpers.JaggedQuadraticBackward(a, v, ga, gv);
                return new[] { f, b }.Concat(ga.SelectMany(r => r)).Concat(gv).ToArray();
            },
            ["JaggedPairSoftmax"] = rng =>
            {
                var x = Enumerable.Range(0, 9).Select(i => TestData.Vector(rng, 5 + i % 3)).ToArray();
                var y = Enumerable.Range(0, 7).Select(i => TestData.Vector(rng, 5 + i % 2)).ToArray();
                var gx = x.Select(r => new double[r.Length]).ToArray();
                var gy = y.Select(r => new double[r.Length]).ToArray();
                double f = Helpers.JaggedPairSoftmaxForward(x, y, 5, 0.6);
                double b = Helpers.JaggedPairSoftmaxBackward(x, y, 5, 0.6, gx, gy, out double gtau);
                return new[] { f, b, gtau }.Concat(gx.SelectMany(r => r)).Concat(gy.SelectMany(r => r)).ToArray();
            },
            ["MaskCombos"] = rng =>
            {
                var z = TestData.Jagged(rng, 9, 6);
                var v = TestData.Vector(rng, 6);
                var gz = z.Select(r => new double[r.Length]).ToArray();
                var gv = new double[v.Length];
                double f = Transforms.MaskCombosForward(z, v);
                double b = Transforms.MaskCombosBackward(z, v, gz, gv);
                return new[] { f, b }.Concat(gz.SelectMany(r => r)).Concat(gv).ToArray();
            },
            ["MlpViaDense"] = rng =>
            {
                var x = TestData.Matrix(rng, 9, 3);
                var w1 = TestData.Matrix(rng, 3, 4);
                var b1 = TestData.Vector(rng, 4);
                var w2 = TestData.Matrix(rng, 4, 5);
                var b2 = TestData.Vector(rng, 5);
                var t = TestData.Matrix(rng, 9, 5);
                var g = new object[] { new double[9, 3], new double[3, 4], new double[4], new double[4, 5], new double[5], new double[9, 5] };
                double f = Sequences.MlpViaDenseForward(x, w1, b1, w2, b2, t);
                double b = Sequences.MlpViaDenseBackward(x, w1, b1, w2, b2, t, (double[,])g[0], (double[,])g[1], (double[])g[2], (double[,])g[3], (double[])g[4], (double[,])g[5]);
                return new[] { f, b }.Concat(g.SelectMany(a => ((Array)a).Cast<double>())).ToArray();
            },
            // issue 10 item 2: helpers inlined into jagged-array methods (CPU only: jagged)
            ["CosineRowsViaHelpers"] = rng =>
            {
                var a = Enumerable.Range(0, 9).Select(i => TestData.Vector(rng, 4 + i % 3)).ToArray();
                var b = a.Select(r => TestData.Vector(rng, r.Length)).ToArray();
                var ga = a.Select(r => new double[r.Length]).ToArray();
                var gb = b.Select(r => new double[r.Length]).ToArray();
                double f = NaturalIdioms.CosineRowsViaHelpersForward(a, b);
                double v = NaturalIdioms.CosineRowsViaHelpersBackward(a, b, ga, gb);
                return new[] { f, v }.Concat(ga.SelectMany(r => r)).Concat(gb.SelectMany(r => r)).ToArray();
            },
            ["RowStatsNamed"] = rng =>
            {
                var rows = Enumerable.Range(0, 9).Select(i => TestData.Vector(rng, 3 + i % 4)).ToArray();
                var g = rows.Select(r => new double[r.Length]).ToArray();
                double f = NaturalIdioms.RowStatsNamedForward(rows);
                double v = NaturalIdioms.RowStatsNamedBackward(rows, g);
                return new[] { f, v }.Concat(g.SelectMany(r => r)).ToArray();
            },
        };

        public static IEnumerable<object[]> Names() => Cases.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(Names))]
        public void Split_loops_match_the_sequential_code(string method)
        {
            long minWork = LoopParallelism.MinWork;
            int threads = Gemm.MaxDegreeOfParallelism;
            double[] sequential, parallel;
            long runs;
            try
            {
                LoopParallelism.MinWork = long.MaxValue;
                sequential = Cases[method](new Random(31));
                LoopParallelism.MinWork = 0;
                Gemm.MaxDegreeOfParallelism = 4;
                long before = LoopParallelism.ParallelRuns;
                parallel = Cases[method](new Random(31));
                runs = LoopParallelism.ParallelRuns - before;
            }
            finally
            {
                LoopParallelism.MinWork = minWork;
                Gemm.MaxDegreeOfParallelism = threads;
            }
            double worst = DeviceCases.Relative(sequential, parallel);
            output.WriteLine($"{method}: {runs} loops ran split; max relative difference {worst:E2}");
            // MaskCombos's adjoint stores inside its inner loops (restore tape): only its Forward splits
            int expected = method == "MaskCombos" ? 1 : 3;
            Assert.True(runs >= expected, $"{method}: {runs} loops ran split, expected at least {expected} (see its .plan snapshot)");
            Assert.True(worst <= 1e-12, $"{method}: split loops differ from the sequential code by {worst:E3}");
        }

        [Fact]
        public void A_gradient_buffer_with_a_shared_row_is_rejected()
        {
            var rng = new Random(5);
            var a = TestData.Jagged(rng, 3, 4);
            var v = TestData.Vector(rng, 4);
            var row = new double[4];
            var ga = new[] { row, new double[4], row };
            var ex = Assert.Throws<ArgumentException>(() => Helpers.JaggedQuadraticBackward(a, v, ga, new double[4]));
            Assert.Equal("aGrad", ex.ParamName);
            Assert.Contains("'aGrad[0]' and 'aGrad[2]' are the same array", ex.Message);
            var gb = new[] { new double[4], a[1], new double[4] };
            ex = Assert.Throws<ArgumentException>(() => Helpers.JaggedQuadraticBackward(a, v, gb, new double[4]));
            Assert.Contains("'aGrad[1]' and 'a[1]' are the same array", ex.Message);
        }
    }
}
