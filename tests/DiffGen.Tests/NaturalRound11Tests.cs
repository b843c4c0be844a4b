using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 11 of natural idioms (<see cref="NaturalRound11"/>): span views written through, slices of spans, span
    /// Fill/Clear/CopyTo, TensorPrimitives, Array.Reverse, arrays of structs as data. Forward equals the user's method, Backward
    /// returns the same value and leaves its inputs unchanged, gradients equal central differences, a seed scales them.
    /// </summary>
    public class NaturalRound11Tests
    {
        private const double Seed = -0.75;

        private static double[] Vec(int seed, int n) => TestData.Vector(new Random(seed), n);

        private static void OneMethod(double[] x, Func<double[], double> f, Func<double[], double> forward, Func<double[], double[], double, double> backward, string what) =>
            Check.VectorMethod(x, f, forward, backward, what, Seed);

        private static void PairMethod(double[] x, double[] y, Func<double[], double[], double> f, Func<double[], double[], double> forward,
            Func<double[], double[], double[], double[], double, double> backward, string what) => Check.PairMethod(x, y, f, forward, backward, what, Seed);

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        [InlineData(9)]
        public void Views_written_through_and_array_writes_seen_through_them(int n) =>
            OneMethod(Vec(60 + n, n), NaturalRound11.ViewWrites, NaturalRound11.ViewWritesForward, (x, g, s) => NaturalRound11.ViewWritesBackward(x, g, s), "ViewWrites");

        [Theory]
        [InlineData(12, 3)]
        [InlineData(10, 4)]
        [InlineData(5, 5)]
        public void Slices_of_a_whole_array_view_and_ranges_of_a_slice(int n, int d) =>
            OneMethod(Vec(70 + n, n), x => NaturalRound11.SlicedRows(x, d), x => NaturalRound11.SlicedRowsForward(x, d),
                (x, g, s) => NaturalRound11.SlicedRowsBackward(x, d, g, s), "SlicedRows");

        [Theory]
        [InlineData(4)]
        [InlineData(7)]
        public void Span_parameter_cut_by_ranges_and_Slice(int n) =>
            OneMethod(Vec(80 + n, n), x => NaturalRound11.SpanHalves(x), x => NaturalRound11.SpanHalvesForward(x),
                (x, g, s) => NaturalRound11.SpanHalvesBackward(x, g, s), "SpanHalves");

        [Fact]
        public void Views_passed_to_a_differentiable_method_and_copied() =>
            OneMethod(Vec(85, 5), NaturalRound11.ViewsPassedOn, NaturalRound11.ViewsPassedOnForward, (x, g, s) => NaturalRound11.ViewsPassedOnBackward(x, g, s), "ViewsPassedOn");

        [Fact]
        public void Fill_Clear_CopyTo_and_a_helper_writing_through_a_view() =>
            PairMethod(Vec(90, 5), new[] { 0.7, -1.3 }, NaturalRound11.ViewCalls, NaturalRound11.ViewCallsForward,
                (x, a, gx, ga, s) => NaturalRound11.ViewCallsBackward(x, a, gx, ga, s), "ViewCalls");

        [Fact]
        public void Float_views_of_jagged_rows()
        {
            var rng = new Random(91);
            var x = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 2 + i).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
            var xd = x.Select(r => r.Select(v => (double)v).ToArray()).ToArray();
            double Reference(double[][] z) { double s = 0; foreach (var r in z) for (int j = 1; j < r.Length; j++) s += r[j] * r[0]; return s; }
            Check.Near(Reference(xd), NaturalRound11.RowViews(x), Check.FloatForwardTol, "RowViews method");
            Check.Near(Reference(xd), NaturalRound11.RowViewsForward(x), Check.FloatForwardTol, "Forward");
            var g = x.Select(r => new float[r.Length]).ToArray();
            Check.Near(Reference(xd), NaturalRound11.RowViewsBackward(x, g), Check.FloatForwardTol, "Backward value");
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x[i].Length; j++)
                {
                    double expected = j == 0 ? xd[i].Skip(1).Sum() : xd[i][0];
                    Check.Near(expected, g[i][j], 1e-5, $"d x[{i}][{j}]");
                }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        [InlineData(17)]
        public void TensorPrimitives_maps_softmax_and_reductions(int n) =>
            PairMethod(Vec(100 + n, n).Select(v => v + 0.1).ToArray(), Vec(120 + n, n), NaturalRound11.Tensors, NaturalRound11.TensorsForward,
                (x, w, gx, gw, s) => NaturalRound11.TensorsBackward(x, w, gx, gw, s), "Tensors");

        [Fact]
        public void TensorPrimitives_float_overloads_match_their_double_twin()
        {
            var rng = new Random(130);
            var x = Enumerable.Range(0, 9).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var y = Enumerable.Range(0, 9).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            double Twin(double[] a, double[] b)
            {
                double sq = 0, dist = 0; int arg = 0;
                for (int i = 0; i < a.Length; i++) { double d = 2 * (a[i] - b[i]); sq += d * d; dist += (a[i] - b[i]) * (a[i] - b[i]); if (a[i] > a[arg]) arg = i; }
                return sq + a.Max() + Math.Sqrt(dist) + 0.1 * arg;
            }
            var (xd, yd) = (x.Select(v => (double)v).ToArray(), y.Select(v => (double)v).ToArray());
            double reference = Twin(xd, yd);
            Check.Near(reference, NaturalRound11.TensorsF(x, y), 1e-4, "method");
            Check.Near(reference, NaturalRound11.TensorsFForward(x, y), 1e-4, "Forward");
            var (gx, gy) = (new float[9], new float[9]);
            Check.Near(reference, NaturalRound11.TensorsFBackward(x, y, gx, gy), 1e-4, "Backward value");
            var fdx = FiniteDiff.Gradient(() => Twin(xd, yd), xd);
            var fdy = FiniteDiff.Gradient(() => Twin(xd, yd), yd);
            for (int i = 0; i < 9; i++)
            {
                Check.Near(fdx[i], gx[i], 2e-3, $"dx[{i}]");
                Check.Near(fdy[i], gy[i], 2e-3, $"dy[{i}]");
            }
        }

        [Fact]
        public void Interpolation_cell_found_by_comparisons()
        {
            // points away from the cell edges, where the derivative exists
            PairMethod(Vec(240, 7), new[] { 0.05, 0.31, 0.52, 0.77, 0.93 }, NaturalRound11.Interpolate, NaturalRound11.InterpolateForward,
                (a, b, ga, gb, s) => NaturalRound11.InterpolateBackward(a, b, ga, gb, s), "Interpolate");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Repeat_ConvertAll_method_group_selectors_and_Round_digits(int n) =>
            OneMethod(Vec(250 + n, n), NaturalRound11.LinqForms, NaturalRound11.LinqFormsForward, (x, g, s) => NaturalRound11.LinqFormsBackward(x, g, s), "LinqForms");

        [Theory]
        [InlineData(1, 1)]
        [InlineData(6, 6)]
        [InlineData(5, 7)]
        public void Zip_pairs_reduced_by_a_tuple_selector_and_Select_with_the_index(int n, int m) =>
            PairMethod(Vec(260 + n, n), Vec(270 + m, m), NaturalRound11.ZipAndIndex, NaturalRound11.ZipAndIndexForward,
                (x, w, gx, gw, s) => NaturalRound11.ZipAndIndexBackward(x, w, gx, gw, s), "ZipAndIndex");

        [Theory]
        [InlineData("sum")]
        [InlineData("mean")]
        public void Switch_with_a_throwing_default_arm(string reduction) =>
            OneMethod(Vec(280, 6), x => NaturalRound11.Reduced(x, reduction), x => NaturalRound11.ReducedForward(x, reduction),
                (x, g, s) => NaturalRound11.ReducedBackward(x, reduction, g, s), "Reduced " + reduction);

        [Fact]
        public void A_throwing_default_arm_throws_from_the_entry_points_before_anything_is_written()
        {
            var x = Vec(281, 4);
            var expected = Assert.Throws<ArgumentException>(() => NaturalRound11.Reduced(x, "max"));
            var e = Assert.Throws<ArgumentException>(() => NaturalRound11.ReducedForward(x, "max"));
            Assert.Equal(expected.Message, e.Message);
            Assert.Equal("reduction", e.ParamName);
            var g = new double[4];
            Array.Fill(g, 7.0);
            e = Assert.Throws<ArgumentException>(() => NaturalRound11.ReducedBackward(x, "max", g));
            Assert.Equal("reduction", e.ParamName);
            Assert.All(g, v => Assert.Equal(7.0, v));
        }

        [Fact]
        public void List_parameters_are_read_like_arrays_with_span_gradients()
        {
            var x = Vec(230, 5);
            var weights = new System.Collections.Generic.List<double>(Vec(231, 5));
            double reference = NaturalRound11.WeightedList(x, weights);
            Check.Forward(reference, NaturalRound11.WeightedListForward(x, weights), "Forward");
            var (gx, gw) = (TestData.Garbage(x), new double[5]);
            Check.Forward(reference, NaturalRound11.WeightedListBackward(x, weights, gx, gw), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound11.WeightedList(x, weights), x), gx, "dx");
            var wa = weights.ToArray();
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound11.WeightedList(x, new System.Collections.Generic.List<double>(wa)), wa), gw, "dweights");
            Assert.Equal(Vec(231, 5), weights);
            var e = Assert.ThrowsAny<ArgumentException>(() => NaturalRound11.WeightedListForward(x, null!));
            Assert.Contains("weights", e.Message);
            e = Assert.ThrowsAny<ArgumentException>(() => NaturalRound11.WeightedListBackward(x, weights, gx, new double[4]));
            Assert.Contains("weightsGrad", e.Message);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        [InlineData(7)]
        public void Array_Reverse_moves_values_and_their_adjoints(int n) =>
            OneMethod(Vec(140 + n, n), NaturalRound11.Reversed, NaturalRound11.ReversedForward, (x, g, s) => NaturalRound11.ReversedBackward(x, g, s), "Reversed");

        private static Particle[] Particles(int seed, int n)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => new Particle { X = rng.NextDouble() * 2 - 1, V = rng.NextDouble() * 2 - 1, M = 0.5 + rng.NextDouble() }).ToArray();
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(5)]
        public void Array_of_structs_read_by_foreach_and_a_struct_method(int n)
        {
            var ps = Particles(150 + n, n);
            var copy = (Particle[])ps.Clone();
            OneMethod(new[] { 1.3, 0.8 }, k => NaturalRound11.Energy(ps, k), k => NaturalRound11.EnergyForward(ps, k),
                (k, g, s) => NaturalRound11.EnergyBackward(ps, k, g, s), "Energy");
            Assert.Equal(copy, ps);
        }

        [Fact]
        public void Array_of_record_structs_made_into_struct_locals()
        {
            var data = Enumerable.Range(0, 8).Select(i => new Observation(0.25 * i, 2.0 * Math.Exp(-0.7 * 0.25 * i) + 0.05 * Math.Sin(i))).ToArray();
            OneMethod(new[] { 1.5, 0.4 }, ab => NaturalRound11.ExpFit(data, ab), ab => NaturalRound11.ExpFitForward(data, ab),
                (ab, g, s) => NaturalRound11.ExpFitBackward(data, ab, g, s), "ExpFit");
        }

        [Fact]
        public void Structs_with_int_labels_passed_to_a_helper()
        {
            var rng = new Random(160);
            var pts = Enumerable.Range(0, 7).Select(i => new LabelledPoint { Label = i % 3, W = 0.5 + rng.NextDouble(), Y = (float)(rng.NextDouble() - 0.5) }).ToArray();
            OneMethod(Vec(161, 3), w => NaturalRound11.Labelled(pts, w), w => NaturalRound11.LabelledForward(pts, w),
                (w, g, s) => NaturalRound11.LabelledBackward(pts, w, g, s), "Labelled");
            Check.Forward(0.0, NaturalRound11.LabelledForward(Array.Empty<LabelledPoint>(), Vec(162, 3)), "Labelled empty");
        }

        [Fact]
        public void A_null_array_of_structs_is_named()
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => NaturalRound11.EnergyForward(null!, new[] { 1.0, 1.0 }));
            Assert.Contains("ps", e.Message);
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 11: nullable numbers (<see cref="NaturalRound11Nullable"/>), as options and as locals.</summary>
    public class NaturalRound11NullableTests
    {
        private const double Seed = -0.75;

        private static double[] Vec(int seed, int n) => TestData.Vector(new Random(seed), n);

        [Theory]
        [InlineData(null, null)]
        [InlineData(2.5, null)]
        [InlineData(null, -0.5)]
        [InlineData(0.3, 1.7)]
        public void Nullable_option_parameters_given_or_not(double? scale, double? shift)
        {
            var x = Vec(170, 6);
            Check.VectorMethod(x, z => NaturalRound11Nullable.ScaledSquares(z, scale, shift), z => NaturalRound11Nullable.ScaledSquaresForward(z, scale, shift),
                (z, g, s) => NaturalRound11Nullable.ScaledSquaresBackward(z, scale, shift, g, s), "ScaledSquares", Seed);
            if (scale is null)
                Check.Forward(NaturalRound11Nullable.ScaledSquares(x, null, shift), NaturalRound11Nullable.ScaledSquaresForward(x, shift: shift), "Forward with the default");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void Nullable_locals_for_the_best_so_far(int n)
        {
            Check.VectorMethod(Vec(180 + n, n), NaturalRound11Nullable.BestSoFar, NaturalRound11Nullable.BestSoFarForward,
                (x, g, s) => NaturalRound11Nullable.BestSoFarBackward(x, g, s), "BestSoFar", Seed);
            Check.Forward(-1.0, NaturalRound11Nullable.BestSoFarForward(Array.Empty<double>()), "empty: no best");
            var ties = new[] { 0.5, 0.5, 0.5 };
            Check.Forward(NaturalRound11Nullable.BestSoFar(ties), NaturalRound11Nullable.BestSoFarForward(ties), "ties: no second");
        }

        [Theory]
        [InlineData(191)]
        [InlineData(192)]
        [InlineData(193)]
        public void Nullable_made_by_a_conditional_reset_and_incremented(int seed)
        {
            Check.PairMethod(Vec(seed, 8), Vec(seed + 10, 8), NaturalRound11Nullable.Differences, NaturalRound11Nullable.DifferencesForward,
                (x, y, gx, gy, s) => NaturalRound11Nullable.DifferencesBackward(x, y, gx, gy, s), "Differences", Seed);
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 11: local arrays of structs (<see cref="NaturalRound11Structs"/>).</summary>
    public class NaturalRound11StructsTests
    {
        private static double[] Vec(int seed, int n) => TestData.Vector(new Random(seed), n);

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(6)]
        public void Local_arrays_of_record_structs(int n)
        {
            Check.VectorMethod(Vec(200 + n, n), NaturalRound11Structs.Points, NaturalRound11Structs.PointsForward,
                (x, g, s) => NaturalRound11Structs.PointsBackward(x, g, s), "Points", -0.75);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Local_arrays_of_mutable_structs_with_an_int_field(int n)
        {
            Check.PairMethod(Vec(210 + n, n), Vec(220 + n, n), NaturalRound11Structs.Bodies, NaturalRound11Structs.BodiesForward,
                (x, v, gx, gv, s) => NaturalRound11Structs.BodiesBackward(x, v, gx, gv, s), "Bodies", -0.75);
        }
    }
}
