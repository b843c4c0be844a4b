using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Eighth round of natural idioms (<see cref="NaturalRound8"/>, <see cref="Round8Mlp"/>): Forward equals the user's method,
    /// Backward returns the same value, gradients equal central differences, a seed scales them, inputs unchanged.
    /// </summary>
    public class NaturalRound8Tests
    {
        private const double Seed = 1.5;
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6 };

        /// <summary>Rows of lengths 3, 1, 0, 4 and 2: a row local and foreach must follow each row's own length.</summary>
        private static double[][] Ragged(int seed)
        {
            var rng = new Random(seed);
            return new[] { 3, 1, 0, 4, 2 }.Select(n => TestData.Vector(rng, n)).ToArray();
        }

        [Fact]
        public void Row_local_of_a_jagged_parameter()
        {
            var x = Ragged(1);
            var w = TestData.Vector(new Random(2), 4);
            var xb = TestData.Clone(x);
            double reference = NaturalRound8.RowSoftplus(x, w);
            Check.Forward(reference, NaturalRound8.RowSoftplusForward(x, w), "Forward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            Check.Forward(reference, NaturalRound8.RowSoftplusBackward(x, w, gx, gw), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound8.RowSoftplus(x, w), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound8.RowSoftplus(x, w), w), gw, "dw");
            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            NaturalRound8.RowSoftplusBackward(x, w, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "dx");
            Check.Scaled(gw, sw, Seed, "dw");
        }

        [Fact]
        public void Row_locals_read_one_jagged_array_and_write_another()
        {
            var x = Ragged(3);
            var up = Ragged(4); // the upstream gradient, one entry per output element (same row lengths)
            var expected = x.Select(r => new double[r.Length]).ToArray();
            NaturalRound8.RowTanh(x, expected);
            var y = x.Select(r => TestData.Filled(new double[r.Length], double.NaN)).ToArray();
            NaturalRound8.RowTanhForward(x, y);
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x[i].Length; j++) Check.Forward(expected[i][j], y[i][j], $"y[{i}][{j}]");
            var gx = TestData.Garbage(x);
            var y2 = x.Select(r => new double[r.Length]).ToArray();
            NaturalRound8.RowTanhBackward(x, y2, gx, up.Select(r => (double[])r.Clone()).ToArray());
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x[i].Length; j++) Check.Forward(expected[i][j], y2[i][j], $"Backward y[{i}][{j}]");
            double Pulled()
            {
                var o = x.Select(r => new double[r.Length]).ToArray();
                NaturalRound8.RowTanh(x, o);
                double s = 0;
                for (int i = 0; i < o.Length; i++)
                    for (int j = 0; j < o[i].Length; j++) s += up[i][j] * o[i][j];
                return s;
            }
            Check.Gradient(FiniteDiff.Gradient(Pulled, x), gx, "dx");
        }

        [Fact]
        public void Foreach_over_the_rows_of_a_jagged_parameter()
        {
            var x = Ragged(5);
            var xb = TestData.Clone(x);
            double reference = NaturalRound8.ForEachRows(x);
            Check.Forward(reference, NaturalRound8.ForEachRowsForward(x), "Forward");
            var g = TestData.Garbage(x);
            Check.Forward(reference, NaturalRound8.ForEachRowsBackward(x, g), "Backward value");
            Check.Unchanged(xb, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound8.ForEachRows(x), x), g, "dx");
            var s = TestData.Garbage(x);
            NaturalRound8.ForEachRowsBackward(x, s, Seed);
            Check.Scaled(g, s, Seed, "dx");
            Assert.Equal(0.0, NaturalRound8.ForEachRowsForward(Array.Empty<double[]>()));
        }

        [Fact]
        public void Foreach_over_the_rows_of_a_jagged_local() =>
            Check.VectorMethod(X, NaturalRound8.ForEachLocalRows, NaturalRound8.ForEachLocalRowsForward, NaturalRound8.ForEachLocalRowsBackward, "ForEachLocalRows", Seed);

        [Fact]
        public void Params_helpers_called_with_values() =>
            Check.VectorMethod(X, NaturalRound8.ParamsHelpers, NaturalRound8.ParamsHelpersForward, NaturalRound8.ParamsHelpersBackward, "ParamsHelpers", Seed);

        [Fact]
        public void Model_of_layer_objects_differentiates_their_weights()
        {
            var rng = new Random(8);
            var fc1 = new Round8Linear(TestData.Matrix(rng, 5, 3), TestData.Vector(rng, 5));
            var fc2 = new Round8Linear(TestData.Matrix(rng, 2, 5), TestData.Vector(rng, 2));
            var model = new Round8Mlp(fc1, fc2);
            model.Act.Slope = 0.2;
            var x = TestData.Vector(rng, 3);
            var t = TestData.Vector(rng, 2);
            var w1 = (double[,])fc1.W.Clone();
            double reference = model.Loss(x, t);
            Check.Forward(reference, model.LossForward(x, t), "Forward");
            var g1 = TestData.Garbage(fc1.W);
            var gb1 = TestData.Garbage(fc1.B);
            var g2 = TestData.Garbage(fc2.W);
            Check.Forward(reference, model.LossBackward(x, t, g1, gb1, g2), "Backward value");
            Check.Unchanged(w1, fc1.W, "Fc1.W");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, t), fc1.W), g1, "dFc1.W");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, t), fc1.B), gb1, "dFc1.B");
            Check.Gradient(FiniteDiff.Gradient(() => model.Loss(x, t), fc2.W), g2, "dFc2.W");
            var s1 = TestData.Garbage(fc1.W);
            var sb1 = TestData.Garbage(fc1.B);
            var s2 = TestData.Garbage(fc2.W);
            model.LossBackward(x, t, s1, sb1, s2, Seed);
            Check.Scaled(g1, s1, Seed, "dFc1.W");
            Check.Scaled(gb1, sb1, Seed, "dFc1.B");
            Check.Scaled(g2, s2, Seed, "dFc2.W");
            // the layer's own generated pass still works on its own
            var y = new double[5];
            var yRef = new double[5];
            fc1.Forward(x, yRef);
            fc1.ForwardForward(x, y);
            for (int i = 0; i < 5; i++) Check.Forward(yRef[i], y[i], $"Fc1 y[{i}]");
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 8: methods returning the array they fill. Forward equals the user's method; gradients are J^T·upstream, checked by central differences.</summary>
    public class NaturalRound8ResultTests
    {
        private static readonly double[] Z = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6, 3.0, 0.1 };

        private static void CheckVectorResult(double[] x, Func<double[], double[]> f, Func<double[], double[]> forward, Func<double[], double[], double[], double[]> backward)
        {
            var before = (double[])x.Clone();
            var expected = f(x);
            var y = forward(x);
            Assert.Equal(expected.Length, y.Length);
            for (int i = 0; i < y.Length; i++) Check.Forward(expected[i], y[i], $"y[{i}]");
            var up = TestData.Vector(new Random(x.Length), expected.Length);
            var g = TestData.Garbage(x);
            var y2 = backward(x, g, up);
            for (int i = 0; i < y.Length; i++) Check.Forward(expected[i], y2[i], $"Backward y[{i}]");
            Assert.NotSame(y, y2); // a fresh array per call
            Check.Unchanged(before, x, "x");
            Check.Gradient(FiniteDiff.Gradient(() => { var o = f(x); double s = 0; for (int i = 0; i < o.Length; i++) s += up[i] * o[i]; return s; }, x), g, "dx");
        }

        [Fact]
        public void Softmax_returns_its_probabilities() =>
            CheckVectorResult(Z, NaturalRound8Results.Softmax, NaturalRound8Results.SoftmaxForward, NaturalRound8Results.SoftmaxBackward);

        [Fact]
        public void Caller_of_an_array_returning_method() =>
            Check.VectorMethod(Z, NaturalRound8Results.SoftmaxEntropy, NaturalRound8Results.SoftmaxEntropyForward, NaturalRound8Results.SoftmaxEntropyBackward, "SoftmaxEntropy", 1.5);

        [Theory]
        [InlineData(8)]  // returns early at 2.1
        [InlineData(3)]  // runs to the end
        [InlineData(0)]
        public void Early_return_of_the_array(int n) =>
            CheckVectorResult(Z.Take(n).ToArray(), NaturalRound8Results.SquaresUntilLarge, NaturalRound8Results.SquaresUntilLargeForward, NaturalRound8Results.SquaresUntilLargeBackward);

        [Fact]
        public void Layer_returns_a_new_matrix()
        {
            var rng = new Random(11);
            var layer = new Round8TanhLayer(TestData.Matrix(rng, 4, 3));
            var x = TestData.Matrix(rng, 5, 3);
            var expected = layer.Forward(x);
            var y = layer.ForwardForward(x);
            Assert.Equal(5, y.GetLength(0));
            Assert.Equal(4, y.GetLength(1));
            for (int i = 0; i < 5; i++)
                for (int o = 0; o < 4; o++) Check.Forward(expected[i, o], y[i, o], $"y[{i}, {o}]");
            var up = TestData.Matrix(rng, 5, 4);
            var gw = TestData.Garbage(layer.W);
            var y2 = layer.ForwardBackward(x, up, gw); // the upstream derivative of the result, then the fields' gradients
            for (int i = 0; i < 5; i++)
                for (int o = 0; o < 4; o++) Check.Forward(expected[i, o], y2[i, o], $"Backward y[{i}, {o}]");
            double Pulled() { var o = layer.Forward(x); double s = 0; for (int i = 0; i < 5; i++) for (int j = 0; j < 4; j++) s += up[i, j] * o[i, j]; return s; }
            Check.Gradient(FiniteDiff.Gradient(Pulled, layer.W), gw, "dW");
            var ex = Assert.Throws<ArgumentException>(() => layer.ForwardBackward(x, new double[4, 5], gw));
            Assert.Contains("resultGrad", ex.Message);
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 8: methods returning a tuple. The gradients are those of seed·first + Σ upstreamₖ·elementₖ, checked by central differences.</summary>
    public class NaturalRound8TupleTests
    {
        [Fact]
        public void Loss_and_penalty_tuple()
        {
            var x = new[] { 0.7, -1.3, 0.25, 2.1, -0.45 };
            const double lambda = 0.3, seed = 1.5, up = -0.7;
            var expected = NaturalRound8Tuples.LossAndPenalty(x, lambda);
            var f = NaturalRound8Tuples.LossAndPenaltyForward(x, lambda);
            Check.Forward(expected.Loss, f.Loss, "Forward.Loss");
            Check.Forward(expected.Penalty, f.Penalty, "Forward.Penalty");
            var gx = TestData.Garbage(x);
            var b = NaturalRound8Tuples.LossAndPenaltyBackward(x, lambda, gx, out double gl, up, seed);
            Check.Forward(expected.Loss, b.Loss, "Backward.Loss");
            Check.Forward(expected.Penalty, b.Penalty, "Backward.Penalty");
            double Pulled(double[] v, double l) { var r = NaturalRound8Tuples.LossAndPenalty(v, l); return seed * r.Loss + up * r.Penalty; }
            Check.Gradient(FiniteDiff.Gradient(() => Pulled(x, lambda), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(l => Pulled(x, l), lambda), gl, "dlambda");
        }

        [Fact]
        public void Caller_of_a_tuple_returning_method()
        {
            var x = new[] { 0.7, -1.3, 0.25, 2.1, -0.45 };
            Check.VectorMethod(x, v => NaturalRound8Tuples.Objective(v, 0.3), v => NaturalRound8Tuples.ObjectiveForward(v, 0.3),
                (v, g, s) => NaturalRound8Tuples.ObjectiveBackward(v, 0.3, g, out _, s), "Objective", 1.5);
            var gx = new double[x.Length];
            NaturalRound8Tuples.ObjectiveBackward(x, 0.3, gx, out double gl);
            Check.Gradient(FiniteDiff.Derivative(l => NaturalRound8Tuples.Objective(x, l), 0.3), gl, "dlambda");
        }

        [Theory]
        [InlineData(new float[] { 0.5f, -1.2f, 2.5f, 0.3f })] // returns from the loop at 2.5
        [InlineData(new float[] { 0.5f, -1.2f, 0.3f })]       // runs to the end
        public void Three_element_tuple_returned_from_a_loop(float[] x)
        {
            const double u2 = 0.8, u3 = -1.1;
            const float seed = 2f;
            var expected = NaturalRound8Tuples.FirstLarge(x);
            var f = NaturalRound8Tuples.FirstLargeForward(x);
            Check.Near(expected.Item1, f.Item1, Check.FloatForwardTol, "Forward.Item1");
            Check.Near(expected.Item2, f.Item2, Check.FloatForwardTol, "Forward.Item2");
            Check.Near(expected.Item3, f.Item3, Check.FloatForwardTol, "Forward.Item3");
            var g = new float[x.Length];
            var b = NaturalRound8Tuples.FirstLargeBackward(x, g, u2, u3, seed);
            Check.Near(expected.Item2, b.Item2, Check.FloatForwardTol, "Backward.Item2");
            // the derivative of seed·a + u2·b + u3·c, by central differences in double on the same program
            var xd = x.Select(v => (double)v).ToArray();
            double Pulled(double[] v)
            {
                double a = 0, b1 = 0, c = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] > 2) { a = v[i] * v[i]; break; }
                    b1 += v[i];
                    c += Math.Sin(v[i]);
                }
                return seed * a + u2 * b1 + u3 * c;
            }
            Check.Gradient(FiniteDiff.Gradient(() => Pulled(xd), xd), g, "dx");
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 8: string modes. Each mode (and null, and an unknown one) against the user's method and central differences.</summary>
    public class NaturalRound8ModeTests
    {
        private static readonly double[] X = { 0.7, -1.3, 0.25, 2.1, -0.45, 1.6 };
        private static readonly double[] T = { 0.5, 0.5, -2.0, 0.0, 1.0, 1.2 };

        [Theory]
        [InlineData("mean")]
        [InlineData("sum")]
        [InlineData("none")]
        [InlineData(null)]
        public void Huber_reduction_mode(string? mode) =>
            Check.VectorMethod(X, p => NaturalRound8Modes.Huber(p, T, mode!), p => NaturalRound8Modes.HuberForward(p, T, mode!),
                (p, g, s) => NaturalRound8Modes.HuberBackward(p, T, mode!, 1.0, g, out _, s), "Huber " + mode, 1.5);

        [Fact]
        public void Huber_default_mode_is_mean() =>
            Check.Forward(NaturalRound8Modes.Huber(X, T), NaturalRound8Modes.HuberForward(X, T), "default reduction");

        [Theory]
        [InlineData("max")]
        [InlineData("lse")]
        [InlineData("logsumexp")]
        [InlineData("avg")]
        [InlineData(null)]
        public void Pool_switch_on_mode(string? mode) =>
            Check.VectorMethod(X, x => NaturalRound8Modes.Pool(x, mode!), x => NaturalRound8Modes.PoolForward(x, mode!),
                (x, g, s) => NaturalRound8Modes.PoolBackward(x, mode!, g, s), "Pool " + mode, 1.5);
    }
}

namespace DiffGen.Tests
{
    /// <summary>Round 8: (int, int)[] and (int, int, int)[] parameters.</summary>
    public class NaturalRound8PairTests
    {
        private static void CheckMatrix(double[,] z, Func<double[,], double> f, Func<double[,], double> forward, Func<double[,], double[,], double> backward)
        {
            var before = (double[,])z.Clone();
            double reference = f(z);
            Check.Forward(reference, forward(z), "Forward");
            var g = TestData.Garbage(z);
            Check.Forward(reference, backward(z, g), "Backward value");
            Check.Unchanged(before, z, "z");
            Check.Gradient(FiniteDiff.Gradient(() => f(z), z), g, "dz");
        }

        [Fact]
        public void Edges_as_int_pairs()
        {
            var z = TestData.Matrix(new Random(3), 5, 3);
            var edges = new[] { (0, 1), (1, 2), (3, 4), (4, 0), (2, 2) };
            CheckMatrix(z, v => NaturalRound8Pairs.EdgeSmoothness(v, edges), v => NaturalRound8Pairs.EdgeSmoothnessForward(v, edges),
                (v, g) => NaturalRound8Pairs.EdgeSmoothnessBackward(v, edges, g));
            Check.Forward(0.0, NaturalRound8Pairs.EdgeSmoothnessForward(z, Array.Empty<(int, int)>()), "no edges");
            var ex = Assert.Throws<ArgumentNullException>(() => NaturalRound8Pairs.EdgeSmoothnessForward(z, null!));
            Assert.Contains("edges", ex.Message);
        }

        [Fact]
        public void Triplets_as_int_triples()
        {
            var z = TestData.Matrix(new Random(4), 6, 4);
            var triplets = new[] { (0, 1, 2), (3, 4, 5), (5, 0, 3), (2, 2, 1) };
            CheckMatrix(z, v => NaturalRound8Pairs.TripletMargin(v, triplets, 0.5), v => NaturalRound8Pairs.TripletMarginForward(v, triplets, 0.5),
                (v, g) => NaturalRound8Pairs.TripletMarginBackward(v, triplets, 0.5, g, out _));
        }
    }

    /// <summary>Round 10: tuple arrays with float/double elements, read as data (<see cref="NaturalRound10"/>).</summary>
    public class NaturalRound10TupleTests
    {
        [Fact]
        public void Weighted_edges_as_tuples_with_a_double_element()
        {
            var z = TestData.Matrix(new Random(31), 5, 3);
            var edges = new[] { (0, 1, 0.5), (1, 2, 2.0), (3, 4, -0.25), (4, 0, 1.5), (2, 2, 3.0) };
            var before = ((int, int, double)[])edges.Clone();
            double reference = NaturalRound10.WeightedEdges(z, edges);
            Check.Forward(reference, NaturalRound10.WeightedEdgesForward(z, edges), "Forward");
            var g = TestData.Garbage(z);
            Check.Forward(reference, NaturalRound10.WeightedEdgesBackward(z, edges, g), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound10.WeightedEdges(z, edges), z), g, "dz");
            Assert.Equal(before, edges);
            var scaled = TestData.Garbage(z);
            NaturalRound10.WeightedEdgesBackward(z, edges, scaled, -2.5);
            Check.Scaled(g, scaled, -2.5, "dz");
            Check.Forward(0.0, NaturalRound10.WeightedEdgesForward(z, Array.Empty<(int, int, double)>()), "no edges");
            var ex = Assert.Throws<ArgumentNullException>(() => NaturalRound10.WeightedEdgesForward(z, null!));
            Assert.Contains("edges", ex.Message);
            // an index outside z fails as the user's method does, with an exception, not a wrong value
            Assert.ThrowsAny<Exception>(() => NaturalRound10.WeightedEdgesForward(z, new[] { (0, 7, 1.0) }));
        }

        [Fact]
        public void Labelled_pairs_deconstructed()
        {
            var z = TestData.Matrix(new Random(32), 6, 4);
            var pairs = new[] { (0, 1, 1.0), (2, 3, 0.0), (4, 5, 1.0), (5, 0, 0.0), (1, 3, 0.5) };
            double reference = NaturalRound10.LabelledPairs(z, pairs, 1.5);
            Check.Forward(reference, NaturalRound10.LabelledPairsForward(z, pairs, 1.5), "Forward");
            var g = TestData.Garbage(z);
            double gm;
            Check.Forward(reference, NaturalRound10.LabelledPairsBackward(z, pairs, 1.5, g, out gm), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalRound10.LabelledPairs(z, pairs, 1.5), z), g, "dz");
            Check.Near(FiniteDiff.Derivative(m => NaturalRound10.LabelledPairs(z, pairs, m), 1.5), gm, 1e-6, "dmargin");
        }

        [Fact]
        public void Sparse_terms_in_float()
        {
            var x = new[] { 0.5f, -1.25f, 2f, 0.75f };
            var terms = new[] { (0, 1.5f), (2, -0.5f), (3, 2f), (0, 0.25f) };
            float reference = NaturalRound10.SparseTerms(x, terms);
            Assert.Equal(reference, NaturalRound10.SparseTermsForward(x, terms), 4);
            var g = new float[x.Length];
            NaturalRound10.SparseTermsBackward(x, terms, g);
            for (int i = 0; i < x.Length; i++)
            {
                double expected = 0;
                foreach (var (k, w) in terms) if (k == i) expected += w * 2 * x[i] / (1 + x[i] * x[i]);
                Check.Near(expected, g[i], 1e-5, $"dx[{i}]");
            }
        }
    }
}
