using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Ninth round of natural idioms (<see cref="NaturalRound9"/>): struct values split into their fields. Forward equals the
    /// user's method, Backward returns the same value and leaves the inputs alone, gradients equal central differences, a
    /// seed scales them.
    /// </summary>
    public class NaturalRound9Tests
    {
        private const double Seed = -1.75;

        private static double[] Vec(int seed, int n, double lo = -1, double hi = 1)
        {
            var rng = new Random(seed);
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.NextDouble();
            return v;
        }

        [Fact]
        public void Record_struct_operators_methods_and_properties()
        {
            var px = Vec(1, 6, -2, 2);
            var py = Vec(2, 6, -2, 2);
            Check.VectorMethod(px, v => NaturalRound9.Springs(v, py), v => NaturalRound9.SpringsForward(v, py),
                (v, g, s) => NaturalRound9.SpringsBackward(v, py, g, TestData.Garbage(py), s), "Springs px", Seed);
            Check.VectorMethod(py, v => NaturalRound9.Springs(px, v), v => NaturalRound9.SpringsForward(px, v),
                (v, g, s) => NaturalRound9.SpringsBackward(px, v, TestData.Garbage(px), g, s), "Springs py", Seed);
        }

        [Fact]
        public void Mutable_accumulator_struct()
        {
            var x = Vec(3, 7);
            Check.VectorMethod(x, NaturalRound9.Variance, NaturalRound9.VarianceForward, (v, g, s) => NaturalRound9.VarianceBackward(v, g, s), "Variance", Seed);
        }

        [Fact]
        public void Struct_with_an_explicit_constructor_carried_through_a_loop()
        {
            var re = Vec(4, 5, 0.5, 1.2);
            var im = Vec(5, 5, -0.6, 0.6);
            Check.VectorMethod(re, v => NaturalRound9.ComplexProduct(v, im), v => NaturalRound9.ComplexProductForward(v, im),
                (v, g, s) => NaturalRound9.ComplexProductBackward(v, im, g, TestData.Garbage(im), s), "ComplexProduct re", Seed);
            Check.VectorMethod(im, v => NaturalRound9.ComplexProduct(re, v), v => NaturalRound9.ComplexProductForward(re, v),
                (v, g, s) => NaturalRound9.ComplexProductBackward(re, v, TestData.Garbage(re), g, s), "ComplexProduct im", Seed);
        }

        [Fact]
        public void Struct_helpers_with_and_deconstruction()
        {
            var x = Vec(6, 8);
            Check.VectorMethod(x, v => NaturalRound9.Rotations(v, 0.7), v => NaturalRound9.RotationsForward(v, 0.7),
                (v, g, s) => NaturalRound9.RotationsBackward(v, 0.7, g, s), "Rotations", Seed);
        }

        [Theory]
        [InlineData(7)]
        [InlineData(8)]
        public void Compound_operator_field_writes_and_conditional_structs(int seed)
        {
            var w = Vec(seed, 5, 0, 1.5);
            var x = Vec(seed + 10, 5);
            Check.VectorMethod(w, v => NaturalRound9.Accumulate(v, x), v => NaturalRound9.AccumulateForward(v, x),
                (v, g, s) => NaturalRound9.AccumulateBackward(v, x, g, TestData.Garbage(x), s), "Accumulate w", Seed);
            Check.VectorMethod(x, v => NaturalRound9.Accumulate(w, v), v => NaturalRound9.AccumulateForward(w, v),
                (v, g, s) => NaturalRound9.AccumulateBackward(w, v, TestData.Garbage(w), g, s), "Accumulate x", Seed);
        }

        [Fact]
        public void Int_field_set_in_a_value_dependent_branch()
        {
            var x = new[] { 0.3, -0.2, 1.4, 0.9, 1.1 };
            var w = Vec(9, 5);
            Check.VectorMethod(x, v => NaturalRound9.BestPick(v, w), v => NaturalRound9.BestPickForward(v, w),
                (v, g, s) => NaturalRound9.BestPickBackward(v, w, g, TestData.Garbage(w), s), "BestPick x", Seed);
            Check.VectorMethod(w, v => NaturalRound9.BestPick(x, v), v => NaturalRound9.BestPickForward(x, v),
                (v, g, s) => NaturalRound9.BestPickBackward(x, v, TestData.Garbage(x), g, s), "BestPick w", Seed);
        }

        [Fact]
        public void Primary_constructor_with_field_initializers()
        {
            var x = Vec(10, 4);
            var mu = Vec(11, 4);
            var sigma = Vec(12, 4, 0.5, 2);
            Check.VectorMethod(x, v => NaturalRound9.GaussianNll(v, mu, sigma), v => NaturalRound9.GaussianNllForward(v, mu, sigma),
                (v, g, s) => NaturalRound9.GaussianNllBackward(v, mu, sigma, g, TestData.Garbage(mu), TestData.Garbage(sigma), s), "GaussianNll x", Seed);
            Check.VectorMethod(sigma, v => NaturalRound9.GaussianNll(x, mu, v), v => NaturalRound9.GaussianNllForward(x, mu, v),
                (v, g, s) => NaturalRound9.GaussianNllBackward(x, mu, v, TestData.Garbage(x), TestData.Garbage(mu), g, s), "GaussianNll sigma", Seed);
        }

        [Fact]
        public void System_Numerics_Complex()
        {
            var re = Vec(14, 4, 0.4, 1.1);
            var im = Vec(15, 4, -0.7, 0.7);
            Check.VectorMethod(re, v => NaturalRound9.ComplexLibrary(v, im), v => NaturalRound9.ComplexLibraryForward(v, im),
                (v, g, s) => NaturalRound9.ComplexLibraryBackward(v, im, g, TestData.Garbage(im), s), "ComplexLibrary re", Seed);
            Check.VectorMethod(im, v => NaturalRound9.ComplexLibrary(re, v), v => NaturalRound9.ComplexLibraryForward(re, v),
                (v, g, s) => NaturalRound9.ComplexLibraryBackward(re, v, TestData.Garbage(re), g, s), "ComplexLibrary im", Seed);
        }

        [Fact]
        public void System_Numerics_Vectors_in_float()
        {
            var x = TestData.ToFloat(Vec(16, 9, -1.5, 1.5));
            float reference = NaturalRound9.VectorLibrary(x);
            Check.Near(reference, NaturalRound9.VectorLibraryForward(x), 1e-5, "VectorLibrary Forward");
            Check.Near(reference, VectorTwin(TestData.ToDouble(x)), 1e-5, "the double twin follows Vector3");
            var g = new float[x.Length];
            Check.Near(reference, NaturalRound9.VectorLibraryBackward(x, g), 1e-5, "VectorLibrary Backward value");
            var xd = TestData.ToDouble(x);
            Check.Gradient(FiniteDiff.Gradient(() => VectorTwin(xd), xd), g, "VectorLibrary dx");
            var scaled = new float[x.Length];
            NaturalRound9.VectorLibraryBackward(x, scaled, (float)Seed);
            Check.Gradient(TestData.Scale(TestData.ToDouble(g), Seed), scaled, "VectorLibrary dx (seed)");
        }

        /// <summary>The double twin of <see cref="NaturalRound9.VectorLibrary"/>, with the vector operations written out.</summary>
        private static double VectorTwin(double[] x)
        {
            double s = 0, px = 0, py = 0, pz = 0;
            for (int i = 0; i + 2 < x.Length; i += 3)
            {
                double vx = x[i], vy = x[i + 1], vz = x[i + 2];
                double len = Math.Sqrt(vx * vx + vy * vy + vz * vz);
                double dx = vx - px, dy = vy - py, dz = vz - pz;
                s += (vx * vx + vy * vy + vz * vz) + len + Math.Sqrt(dx * dx + dy * dy + dz * dz) + vz /* (v × UnitX).Y = v.Z */ + vz / len
                    + (vx * 2 - px / 3) + (vy * 0.7 + py * 0.3) + Math.Max(vx, px);
                (px, py, pz) = (-vx, -vy, -vz);
            }
            return s + 2 * (s * s + 1);
        }

        [Theory]
        [InlineData(5)]
        [InlineData(3)]
        public void Arrays_made_by_Select_Zip_and_ToArray(int yLength)
        {
            var x = Vec(17, 5);
            var y = Vec(18, yLength); // Zip stops at the shorter array
            Check.VectorMethod(x, v => NaturalRound9.LinqArrays(v, y), v => NaturalRound9.LinqArraysForward(v, y),
                (v, g, s) => NaturalRound9.LinqArraysBackward(v, y, g, TestData.Garbage(y), s), "LinqArrays x", Seed);
            Check.VectorMethod(y, v => NaturalRound9.LinqArrays(x, v), v => NaturalRound9.LinqArraysForward(x, v),
                (v, g, s) => NaturalRound9.LinqArraysBackward(x, v, TestData.Garbage(x), g, s), "LinqArrays y", Seed);
        }

        [Fact]
        public void List_local_filled_with_Add()
        {
            var x = new[] { 0.4, -0.3, 1.2, 0.8, -1.1, 0.2 };
            Check.VectorMethod(x, NaturalRound9.ListCollect, NaturalRound9.ListCollectForward, (v, g, s) => NaturalRound9.ListCollectBackward(v, g, s), "ListCollect", Seed);
            var none = new[] { -0.4, -0.3 };
            Check.Forward(0, NaturalRound9.ListCollectForward(none), "ListCollect with nothing kept");
            var g0 = new double[2];
            NaturalRound9.ListCollectBackward(none, g0);
            Check.Gradient(new double[2], g0, "ListCollect with nothing kept");
        }

        [Fact]
        public void List_per_row_declared_in_a_loop_and_cleared()
        {
            var rng = new Random(19);
            var x = TestData.Matrix(rng, 3, 4);
            var xb = TestData.Clone(x);
            double reference = NaturalRound9.ListPerRow(x, 0.1);
            Check.Forward(reference, NaturalRound9.ListPerRowForward(x, 0.1), "ListPerRow Forward");
            var g = TestData.Garbage(x);
            Check.Forward(reference, NaturalRound9.ListPerRowBackward(x, 0.1, g), "ListPerRow Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound9.ListPerRow(x, 0.1), x), g, "ListPerRow dx");
        }

        [Theory]
        [InlineData(0.9, 0.7)]
        [InlineData(1.3, -0.4)]
        [InlineData(0.3, 0.2)]
        public void Struct_values_in_a_while_condition(double c0, double c1)
        {
            var c = new[] { c0, c1 };
            Check.VectorMethod(c, NaturalRound9.WhileOnStructs, NaturalRound9.WhileOnStructsForward, (v, g, s) => NaturalRound9.WhileOnStructsBackward(v, g, s), "WhileOnStructs", Seed);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void Array_Sort_of_a_copy_and_Array_IndexOf(int cls)
        {
            var x = new[] { 0.9, -0.4, 1.7, 0.1, -1.3, 0.6, 2.2 };
            var labels = new[] { 0, 2, 1, 2, 0, 1, 1 };
            Check.VectorMethod(x, v => NaturalRound9.SortedStats(v, labels, cls), v => NaturalRound9.SortedStatsForward(v, labels, cls),
                (v, g, s) => NaturalRound9.SortedStatsBackward(v, labels, cls, g, s), "SortedStats", Seed);
        }

        [Fact]
        public void A_helper_changes_its_copy_of_a_struct_not_the_callers()
        {
            var x = Vec(13, 5);
            Check.VectorMethod(x, NaturalRound9.CopySemantics, NaturalRound9.CopySemanticsForward, (v, g, s) => NaturalRound9.CopySemanticsBackward(v, g, s), "CopySemantics", Seed);
        }
    }
}
