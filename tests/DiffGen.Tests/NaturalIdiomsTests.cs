using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Issue 10: natural idioms, each against central differences and its own contract.</summary>
    public class NaturalIdiomsTests
    {
        [Fact]
        public void Guard_clauses_run_first_and_the_math_is_differentiated()
        {
            var rng = new Random(1001);
            var x = TestData.Vector(rng, 7);
            double scale = 0.7;
            double reference = NaturalIdioms.GuardedMeanSquare(x, scale);
            Check.Forward(reference, NaturalIdioms.GuardedMeanSquareForward(x, scale), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.GuardedMeanSquareBackward(x, scale, gx, out double gs), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.GuardedMeanSquare(x, scale), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(s => NaturalIdioms.GuardedMeanSquare(x, s), scale), gs, "dscale");
        }

        [Fact]
        public void Guard_clauses_throw_the_users_exceptions_before_anything_is_written()
        {
            var empty = Array.Empty<double>();
            var e = Assert.Throws<ArgumentException>(() => NaturalIdioms.GuardedMeanSquareForward(empty, 1.0));
            Assert.Equal("x", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => NaturalIdioms.GuardedMeanSquareBackward(empty, 1.0, empty, out _));
            Assert.Equal("x", e.ParamName);

            var x = new[] { 1.0, 2.0 };
            var gx = new[] { 5.0, 6.0 };
            var r = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareBackward(x, 0.0, gx, out _));
            Assert.Equal("scale", r.ParamName);
            Assert.Equal(new[] { 5.0, 6.0 }, gx); // the gradient buffer was not cleared: the check ran first
            r = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareForward(x, double.NaN));
            Assert.Equal("scale", r.ParamName);
        }
    
        // ------------------------------------------------------------ items 1 and 3: scratch arrays in loops, reassigned ints

        private const double Seed = -2.5;

        [Fact]
        public void Softmax_rows_with_a_logits_scratch_array()
        {
            var rng = new Random(1101);
            var x = TestData.Matrix(rng, 5, 4);
            var w = TestData.Matrix(rng, 4, 3);
            var labels = new[] { 0, 2, 1, 1, 0 };
            var (xb, wb) = (TestData.Clone(x), TestData.Clone(w));
            double reference = NaturalIdioms.SoftmaxRowsScratch(x, w, labels);
            Check.Forward(reference, NaturalIdioms.SoftmaxRowsScratchForward(x, w, labels), "Forward");
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Check.Forward(reference, NaturalIdioms.SoftmaxRowsScratchBackward(x, w, labels, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(wb, w, "w");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.SoftmaxRowsScratch(x, w, labels), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.SoftmaxRowsScratch(x, w, labels), w), gw, "dw");
            var (sx, sw) = (TestData.Garbage(x), TestData.Garbage(w));
            NaturalIdioms.SoftmaxRowsScratchBackward(x, w, labels, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Fact]
        public void Mlp_rows_with_a_hidden_scratch_array()
        {
            var rng = new Random(1102);
            var x = TestData.Matrix(rng, 6, 3);
            var w1 = TestData.Matrix(rng, 4, 3);
            var b1 = TestData.Vector(rng, 4);
            var w2 = TestData.Vector(rng, 4);
            var y = TestData.Vector(rng, 6);
            var xb = TestData.Clone(x);
            double F() => NaturalIdioms.MlpRowsScratch(x, w1, b1, w2, y);
            double reference = F();
            Check.Forward(reference, NaturalIdioms.MlpRowsScratchForward(x, w1, b1, w2, y), "Forward");
            var g = (x: TestData.Garbage(x), w1: TestData.Garbage(w1), b1: TestData.Garbage(b1), w2: TestData.Garbage(w2), y: TestData.Garbage(y));
            Check.Forward(reference, NaturalIdioms.MlpRowsScratchBackward(x, w1, b1, w2, y, g.x, g.w1, g.b1, g.w2, g.y), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(F, x), g.x, "dx");
            Check.Gradient(FiniteDiff.Gradient(F, w1), g.w1, "dw1");
            Check.Gradient(FiniteDiff.Gradient(F, b1), g.b1, "db1");
            Check.Gradient(FiniteDiff.Gradient(F, w2), g.w2, "dw2");
            Check.Gradient(FiniteDiff.Gradient(F, y), g.y, "dy");
            var s = (x: TestData.Garbage(x), w1: TestData.Garbage(w1), b1: TestData.Garbage(b1), w2: TestData.Garbage(w2), y: TestData.Garbage(y));
            NaturalIdioms.MlpRowsScratchBackward(x, w1, b1, w2, y, s.x, s.w1, s.b1, s.w2, s.y, Seed);
            Check.Scaled(g.x, s.x, Seed, "dx");
            Check.Scaled(g.w1, s.w1, Seed, "dw1");
            Check.Scaled(g.w2, s.w2, Seed, "dw2");
        }

        [Fact]
        public void Matrix_scratch_starts_at_zero_in_every_iteration()
        {
            var rng = new Random(1103);
            var x = TestData.Matrix(rng, 4, 5);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.MomentsScratch(x);
            Check.Forward(reference, NaturalIdioms.MomentsScratchForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.MomentsScratchBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.MomentsScratch(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.MomentsScratchBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            // run twice: pooled buffers come back dirty, the generated code must still zero them
            Check.Forward(reference, NaturalIdioms.MomentsScratchForward(x), "Forward again");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void Scratch_arrays_in_inner_loops_and_ifs(int mode)
        {
            var rng = new Random(1104);
            var x = TestData.Matrix(rng, 3, 4);
            var v = TestData.Vector(rng, 4);
            double reference = NaturalIdioms.NestedScratch(x, v, mode);
            Check.Forward(reference, NaturalIdioms.NestedScratchForward(x, v, mode), "Forward");
            var (gx, gv) = (TestData.Garbage(x), TestData.Garbage(v));
            Check.Forward(reference, NaturalIdioms.NestedScratchBackward(x, v, mode, gx, gv), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.NestedScratch(x, v, mode), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.NestedScratch(x, v, mode), v), gv, "dv");
            var (sx, sv) = (TestData.Garbage(x), TestData.Garbage(v));
            NaturalIdioms.NestedScratchBackward(x, v, mode, sx, sv, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gv, sv, Seed, "dv");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(3)]
        public void Int_scratch_permutation_is_restored_for_the_reverse_sweep(int shift)
        {
            var rng = new Random(1105);
            var x = TestData.Vector(rng, 7);
            var y = TestData.Vector(rng, 7);
            var (xb, yb) = (TestData.Clone(x), TestData.Clone(y));
            double reference = NaturalIdioms.PermutedScratch(x, y, shift);
            Check.Forward(reference, NaturalIdioms.PermutedScratchForward(x, y, shift), "Forward");
            var (gx, gy) = (TestData.Garbage(x), TestData.Garbage(y));
            Check.Forward(reference, NaturalIdioms.PermutedScratchBackward(x, y, shift, gx, gy), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Unchanged(yb, y, "y");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.PermutedScratch(x, y, shift), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.PermutedScratch(x, y, shift), y), gy, "dy");
            var (sx, sy) = (TestData.Garbage(x), TestData.Garbage(y));
            NaturalIdioms.PermutedScratchBackward(x, y, shift, sx, sy, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gy, sy, Seed, "dy");
        }

        [Fact]
        public void Int_scratch_per_row_with_argmin_and_argmax()
        {
            var rng = new Random(1106);
            var x = TestData.Matrix(rng, 5, 6);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.RowRangeScratch(x);
            Check.Forward(reference, NaturalIdioms.RowRangeScratchForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.RowRangeScratchBackward(x, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.RowRangeScratch(x), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.RowRangeScratchBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Masked_mean_with_a_counter()
        {
            var rng = new Random(1107);
            var x = TestData.Vector(rng, 9);
            var mask = new[] { 1, 0, 1, 1, 0, 0, 1, 0, 1 };
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.MaskedMean(x, mask);
            Check.Forward(reference, NaturalIdioms.MaskedMeanForward(x, mask), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.MaskedMeanBackward(x, mask, gx), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.MaskedMean(x, mask), x), gx, "dx");
            Assert.Equal(0.0, gx[1]);
            var sx = TestData.Garbage(x);
            NaturalIdioms.MaskedMeanBackward(x, mask, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Alternating_sign()
        {
            var rng = new Random(1108);
            var x = TestData.Vector(rng, 7);
            double reference = NaturalIdioms.AlternatingSum(x);
            Check.Forward(reference, NaturalIdioms.AlternatingSumForward(x), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.AlternatingSumBackward(x, gx), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.AlternatingSum(x), x), gx, "dx");
            Assert.True(gx[1] < 0 && gx[2] > 0);
            var sx = TestData.Garbage(x);
            NaturalIdioms.AlternatingSumBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }

        [Fact]
        public void Argmax_index_from_a_value_dependent_branch()
        {
            var rng = new Random(1109);
            var x = TestData.Vector(rng, 8);
            var v = TestData.Vector(rng, 8);
            double reference = NaturalIdioms.ArgmaxPick(x, v);
            Check.Forward(reference, NaturalIdioms.ArgmaxPickForward(x, v), "Forward");
            var (gx, gv) = (TestData.Garbage(x), TestData.Garbage(v));
            Check.Forward(reference, NaturalIdioms.ArgmaxPickBackward(x, v, gx, gv), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ArgmaxPick(x, v), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ArgmaxPick(x, v), v), gv, "dv");
            Assert.Equal(1, gv.Count(g => g != 0));
            var (sx, sv) = (TestData.Garbage(x), TestData.Garbage(v));
            NaturalIdioms.ArgmaxPickBackward(x, v, sx, sv, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gv, sv, Seed, "dv");
        }

        [Theory]
        [InlineData(2)]
        [InlineData(3)]
        public void Max_pooling(int pool)
        {
            var rng = new Random(1110);
            var x = TestData.Vector(rng, 12);
            var w = TestData.Vector(rng, 12 / pool);
            var xb = TestData.Clone(x);
            double reference = NaturalIdioms.MaxPool(x, w, pool);
            Check.Forward(reference, NaturalIdioms.MaxPoolForward(x, w, pool), "Forward");
            var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
            Check.Forward(reference, NaturalIdioms.MaxPoolBackward(x, w, pool, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.MaxPool(x, w, pool), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.MaxPool(x, w, pool), w), gw, "dw");
            Assert.Equal(12 / pool, gx.Count(g => g != 0));
            var (sx, sw) = (TestData.Garbage(x), TestData.Garbage(w));
            NaturalIdioms.MaxPoolBackward(x, w, pool, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Theory]
        [InlineData(0.3)]
        [InlineData(5.0)]
        public void Bool_flag_and_a_count_used_as_a_loop_bound(double threshold)
        {
            var rng = new Random(1111);
            var x = TestData.Vector(rng, 9);
            double reference = NaturalIdioms.FirstAbove(x, threshold);
            Check.Forward(reference, NaturalIdioms.FirstAboveForward(x, threshold), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.FirstAboveBackward(x, threshold, gx), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.FirstAbove(x, threshold), x), gx, "dx");
            var sx = TestData.Garbage(x);
            NaturalIdioms.FirstAboveBackward(x, threshold, sx, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
        }
    
        [Fact]
        public void Foreach_over_vectors_jagged_rows_and_labels()
        {
            var rng = new Random(1112);
            var x = TestData.Vector(rng, 5);
            var rows = new[] { TestData.Vector(rng, 3), TestData.Vector(rng, 4), TestData.Vector(rng, 2) };
            var labels = new[] { 4, 0, 0, 2 };
            double reference = NaturalIdioms.ForEachSums(x, rows, labels);
            Check.Forward(reference, NaturalIdioms.ForEachSumsForward(x, rows, labels), "Forward");
            var (gx, grows) = (TestData.Garbage(x), TestData.Garbage(rows));
            Check.Forward(reference, NaturalIdioms.ForEachSumsBackward(x, rows, labels, gx, grows), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ForEachSums(x, rows, labels), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.ForEachSums(x, rows, labels), rows), grows, "drows");
            var (sx, srows) = (TestData.Garbage(x), TestData.Garbage(rows));
            NaturalIdioms.ForEachSumsBackward(x, rows, labels, sx, srows, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(grows, srows, Seed, "drows");
        }

        [Fact]
        public void Foreach_widening_float_to_double()
        {
            var x = new[] { 0.5f, -1.25f, 2f };
            var xd = x.Select(v => (double)v).ToArray();
            double reference = NaturalIdioms.ForEachWiden(x);
            Check.Forward(reference, NaturalIdioms.ForEachWidenForward(x), "Forward");
            var gx = new float[3];
            Check.Forward(reference, NaturalIdioms.ForEachWidenBackward(x, gx), "Backward value");
            for (int i = 0; i < 3; i++) Check.Near(Math.Exp(xd[i]) * (1 + xd[i]), gx[i], 1e-5, "dx[" + i + "]");
        }
    }
}
