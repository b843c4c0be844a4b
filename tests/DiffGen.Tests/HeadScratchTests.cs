using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Jagged scratch with a helper's rows declared inside a loop (<see cref="ScratchMultiHead"/>, <see cref="HeadScratch"/>):
    /// every gradient (each head's three matrices; the static form's tokens and weight stacks) against central differences of
    /// the user's method, Forward and Backward's value against the method, a seed scaling the gradients; heads of different
    /// widths throw where a row is copied instead of giving a wrong value. (Both stay on one core: the plan snapshots say why.)
    /// </summary>
    public class HeadScratchTests
    {
        private static ScratchMultiHead Model(Random r, int heads, int d, int dk) => new()
        {
            Heads = Enumerable.Range(0, heads).Select(_ => new ScratchHead
            {
                Wq = TestData.Matrix(r, d, dk, 0.5),
                Wk = TestData.Matrix(r, d, dk, 0.5),
                Wv = TestData.Matrix(r, d, dk, 0.5),
            }).ToArray(),
        };

        [Fact]
        public void Multi_head_attention_as_written_matches_finite_differences()
        {
            var r = new Random(4601);
            var m = Model(r, 3, 4, 3);
            var tokens = TestData.Jagged(r, 5, 4);
            double value = m.Loss(tokens);
            Check.Forward(value, m.LossForward(tokens), "Forward");
            var gq = m.Heads.Select(h => TestData.Garbage(h.Wq)).ToArray();
            var gk = m.Heads.Select(h => TestData.Garbage(h.Wk)).ToArray();
            var gv = m.Heads.Select(h => TestData.Garbage(h.Wv)).ToArray();
            var before = m.Heads.Select(h => (double[,])h.Wq.Clone()).ToArray();
            Check.Forward(value, m.LossBackward(tokens, gq, gk, gv), "Backward value");
            double L() => m.Loss(tokens);
            for (int h = 0; h < m.Heads.Length; h++)
            {
                Check.Unchanged(before[h], m.Heads[h].Wq, $"Heads[{h}].Wq");
                Check.Gradient(FiniteDiff.Gradient(L, m.Heads[h].Wq), gq[h], $"dHeads[{h}].Wq");
                Check.Gradient(FiniteDiff.Gradient(L, m.Heads[h].Wk), gk[h], $"dHeads[{h}].Wk");
                Check.Gradient(FiniteDiff.Gradient(L, m.Heads[h].Wv), gv[h], $"dHeads[{h}].Wv");
            }
            var sq = m.Heads.Select(h => TestData.Garbage(h.Wq)).ToArray();
            var sk = m.Heads.Select(h => TestData.Garbage(h.Wk)).ToArray();
            var sv = m.Heads.Select(h => TestData.Garbage(h.Wv)).ToArray();
            m.LossBackward(tokens, sq, sk, sv, seed: -0.5);
            for (int h = 0; h < m.Heads.Length; h++)
            {
                Check.Scaled(gq[h], sq[h], -0.5, $"seeded dHeads[{h}].Wq");
                Check.Scaled(gv[h], sv[h], -0.5, $"seeded dHeads[{h}].Wv");
            }
        }

        [Fact]
        public void Heads_of_different_widths_throw_instead_of_a_wrong_value()
        {
            var r = new Random(4602);
            var m = Model(r, 2, 4, 3);
            m.Heads[1] = Model(r, 1, 4, 2).Heads[0];
            var tokens = TestData.Jagged(r, 3, 4);
            double value = m.Loss(tokens);
            Assert.True(double.IsFinite(value));
            Assert.Throws<InvalidOperationException>(() => m.LossForward(tokens));
        }

        [Fact]
        public void No_heads_is_zero()
        {
            var m = new ScratchMultiHead();
            var tokens = TestData.Jagged(new Random(4603), 3, 4);
            Assert.Equal(0.0, m.LossForward(tokens));
            Assert.Equal(0.0, m.LossBackward(tokens, Array.Empty<double[,]>(), Array.Empty<double[,]>(), Array.Empty<double[,]>()));
        }

        [Fact]
        public void Head_scores_with_weight_stacks_match_finite_differences()
        {
            var r = new Random(4604);
            var wq = Enumerable.Range(0, 2).Select(_ => TestData.Matrix(r, 4, 3, 0.6)).ToArray();
            var wk = Enumerable.Range(0, 2).Select(_ => TestData.Matrix(r, 4, 3, 0.6)).ToArray();
            MethodOracle.Check(typeof(HeadScratch), nameof(HeadScratch.HeadScores), new object?[] { TestData.Jagged(r, 5, 4), wq, wk });
        }

        [Fact]
        public void A_helpers_jagged_result_and_a_select_in_the_head_loop_match_finite_differences()
        {
            var r = new Random(4605);
            var wq = Enumerable.Range(0, 3).Select(_ => TestData.Matrix(r, 4, 3, 0.6)).ToArray();
            MethodOracle.Check(typeof(HeadScratch), nameof(HeadScratch.HeadEnergies), new object?[] { TestData.Jagged(r, 5, 4), wq });
            MethodOracle.Check(typeof(HeadScratch), nameof(HeadScratch.HeadSelect), new object?[] { TestData.Jagged(r, 5, 4), wq });
        }

        [Fact]
        public void Rows_declared_in_an_if_match_finite_differences_on_both_paths()
        {
            var r = new Random(4606);
            var w = TestData.Matrix(r, 4, 3, 0.6);
            MethodOracle.Check(typeof(HeadScratch), nameof(HeadScratch.MaybeProjected), new object?[] { TestData.Jagged(r, 5, 4), w, true });
            MethodOracle.Check(typeof(HeadScratch), nameof(HeadScratch.MaybeProjected), new object?[] { TestData.Jagged(r, 5, 4), w, false });
        }
    }
}
