using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>The Transforms corpus against finite differences of the user's own loops (and Forward against the loops).</summary>
    public class TransformTests
    {
        private static readonly Random s_rng = new(77);

        [Fact]
        public void ContractionWhoseAccumulatorIsReadAfterTheNest()
        {
            var a = TestData.Matrix(s_rng, 11, 6);
            var b = TestData.Matrix(s_rng, 9, 6);
            var ga = TestData.Garbage(a);
            var gb = TestData.Garbage(b);
            double v = Transforms.ContractionKeptBackward(a, b, 4, ga, gb);
            Check.Forward(Transforms.ContractionKept(a, b, 4), v, "value");
            Check.Forward(Transforms.ContractionKept(a, b, 4), Transforms.ContractionKeptForward(a, b, 4), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.ContractionKept(a, b, 4), a), ga, "da", 1e-6);
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.ContractionKept(a, b, 4), b), gb, "db", 1e-6);
        }

        [Fact]
        public void MaskedContractionWithTransposedReuseAndLogSumExp()
        {
            var x = TestData.Matrix(s_rng, 10, 5);
            var y = TestData.Matrix(s_rng, 10, 5);
            var gx = TestData.Garbage(x);
            var gy = TestData.Garbage(y);
            Transforms.ClipBackward(x, y, 0.7, gx, gy, out double gt);
            Check.Forward(Transforms.Clip(x, y, 0.7), Transforms.ClipForward(x, y, 0.7), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.Clip(x, y, 0.7), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.Clip(x, y, 0.7), y), gy, "dy");
            Check.Gradient(FiniteDiff.Derivative(t => Transforms.Clip(x, y, t), 0.7), gt, "dt");
        }

        [Fact]
        public void SumsThatMustNotBeRewritten()
        {
            var v = TestData.Vector(s_rng, 13);
            var gv = TestData.Garbage(v);
            Transforms.DenUsedLinearlyBackward(v, gv);
            Check.Forward(Transforms.DenUsedLinearly(v), Transforms.DenUsedLinearlyForward(v), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.DenUsedLinearly(v), v), gv, "DenUsedLinearly");

            Transforms.NumModifiedBackward(v, 0.8, gv, out double ga);
            Check.Forward(Transforms.NumModified(v, 0.8), Transforms.NumModifiedForward(v, 0.8), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.NumModified(v, 0.8), v), gv, "NumModified dv");
            Check.Gradient(FiniteDiff.Derivative(a => Transforms.NumModified(v, a), 0.8), ga, "NumModified da");
        }

        [Theory]
        [InlineData(-0.5)]
        [InlineData(0.5)]
        public void HoistedValueNeverTurnsUnusedBranchIntoNaN(double c)
        {
            var x = TestData.Vector(s_rng, 9);
            var gx = TestData.Garbage(x);
            Transforms.GuardedSqrtBackward(x, c, gx, out double gc);
            Assert.False(double.IsNaN(gc));
            Check.Forward(Transforms.GuardedSqrt(x, c), Transforms.GuardedSqrtForward(x, c), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.GuardedSqrt(x, c), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(cc => Transforms.GuardedSqrt(x, cc), c), gc, "dc");
        }

        [Fact]
        public void DescendingPerIndexLoopsAndCombinedMasks()
        {
            var w = TestData.Vector(s_rng, 12);
            var a = TestData.Matrix(s_rng, 3, 12);
            var gw = TestData.Garbage(w);
            var ga = TestData.Garbage(a);
            Transforms.PerIndexBackward(w, a, gw, ga);
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.PerIndex(w, a), w), gw, "PerIndex dw");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.PerIndex(w, a), a), ga, "PerIndex da");

            var z = TestData.Jagged(s_rng, 5, 11);
            var v = TestData.Vector(s_rng, 11);
            var gz = TestData.Garbage(z);
            var gv = TestData.Garbage(v);
            Transforms.MaskCombosBackward(z, v, gz, gv);
            Check.Forward(Transforms.MaskCombos(z, v), Transforms.MaskCombosForward(z, v), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.MaskCombos(z, v), z), gz, "MaskCombos dz");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.MaskCombos(z, v), v), gv, "MaskCombos dv");
        }

        [Fact]
        public void GramTableInTwoLoopNests()
        {
            var z = TestData.Matrix(s_rng, 9, 7);
            var gz = TestData.Garbage(z);
            Transforms.TwoNestsBackward(z, gz);
            Check.Forward(Transforms.TwoNests(z), Transforms.TwoNestsForward(z), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.TwoNests(z), z), gz, "dz");
        }

        [Fact]
        public void PowOfTheCounterAsRunningProduct()
        {
            var c = TestData.Vector(s_rng, 9);
            var t = TestData.Vector(s_rng, 5);
            var gc = TestData.Garbage(c);
            var gt = TestData.Garbage(t);
            double value = Transforms.PowerSeriesBackward(c, 0.9, t, gc, out double ga, gt);
            Check.Forward(Transforms.PowerSeries(c, 0.9, t), value, "value");
            Check.Forward(Transforms.PowerSeries(c, 0.9, t), Transforms.PowerSeriesForward(c, 0.9, t), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.PowerSeries(c, 0.9, t), c), gc, "dc");
            Check.Gradient(FiniteDiff.Gradient(() => Transforms.PowerSeries(c, 0.9, t), t), gt, "dt");
            Check.Gradient(FiniteDiff.Derivative(a => Transforms.PowerSeries(c, a, t), 0.9), ga, "da");
        }

        [Fact]
        public void NormOfAZeroRowHasAFiniteGradient()
        {
            var x = TestData.Matrix(s_rng, 4, 6);
            for (int d = 0; d < 6; d++) x[2, d] = 0;
            var gx = TestData.Garbage(x);
            Transforms.RowNormsBackward(x, gx);
            foreach (var g in gx) Assert.False(double.IsNaN(g), "NaN in the gradient of a norm at zero");
            for (int d = 0; d < 6; d++) Assert.Equal(0.0, gx[2, d]);
            // elsewhere the gradient is the usual x / |x|
            var fd = FiniteDiff.Gradient(() => Transforms.RowNorms(x), x);
            for (int i = 0; i < 4; i++)
                if (i != 2)
                    for (int d = 0; d < 6; d++) Check.Gradient(fd[i, d], gx[i, d], $"d/dx[{i},{d}]");
        }
    }
}
