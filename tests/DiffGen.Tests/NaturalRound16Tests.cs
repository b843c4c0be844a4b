using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 16 (<see cref="NaturalRound16"/>): the fourth probe batch written without DiffGen's documentation, each accepted
    /// function checked as written by <see cref="MethodOracle"/>; by hand the float methods with a <c>float[][]</c> (PolicyGradientLoss,
    /// SkipGramNegSamplingLoss, ExpectileRegressionLoss, which MethodOracle does not widen), and the inputs the oracle cannot
    /// difference (a NaN observation in KalmanFilterNll, a dangling node in PageRankResidual, the early return of
    /// HmmForwardLogLikelihood). Every function with a throw: the method, Forward and Backward throw the same exception with the
    /// same message.
    /// </summary>
    public class NaturalRound16Tests
    {
        private static readonly Type T = typeof(NaturalRound16);

        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);
        private static double[][] J(int seed, int r, int c, double scale = 1.0) => TestData.Jagged(new Random(seed), r, c, scale);
        private static float[] VF(int seed, int n, double scale = 1.0) => TestData.ToFloat(V(seed, n, scale));
        private static float[][] JF(int seed, int r, int c, double scale = 1.0) => J(seed, r, c, scale).Select(TestData.ToFloat).ToArray();
        private static double[][] Wide(float[][] a) => a.Select(TestData.ToDouble).ToArray();
        private static float[][] GarbageF(float[][] a) => a.Select(TestData.Garbage).ToArray();

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static void SameThrow<TEx>(Action user, Action forward, Action backward, string messagePart) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(user);
            Assert.Contains(messagePart, expected.Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(forward).Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(backward).Message);
        }

        // ---- reinforcement learning, generative models, distillation ----

        [Fact]
        public void VaeElbo() => Check("VaeElbo", new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0 }, V(1601, 3), V(1602, 3, 0.5), V(1603, 3), M(1604, 6, 3), V(1605, 6));

        [Fact]
        public void VaeElbo_shape_guards_throw()
        {
            var (x, mu, eps, w, b) = (new[] { 1.0, 0.0 }, V(1606, 3), V(1607, 3), M(1608, 2, 3), V(1609, 2));
            var shortLogVar = V(1610, 2);
            SameThrow<ArgumentException>(() => NaturalRound16.VaeElbo(x, mu, shortLogVar, eps, w, b), () => NaturalRound16.VaeElboForward(x, mu, shortLogVar, eps, w, b),
                () => NaturalRound16.VaeElboBackward(x, mu, shortLogVar, eps, w, b, new double[2], new double[3], new double[2], new double[3], new double[2, 3], new double[2]),
                "latent dimension mismatch");
            var wrongW = M(1611, 3, 3);
            var logVar = V(1612, 3);
            SameThrow<ArgumentException>(() => NaturalRound16.VaeElbo(x, mu, logVar, eps, wrongW, b), () => NaturalRound16.VaeElboForward(x, mu, logVar, eps, wrongW, b),
                () => NaturalRound16.VaeElboBackward(x, mu, logVar, eps, wrongW, b, new double[2], new double[3], new double[3], new double[3], new double[3, 3], new double[2]),
                "decoder shape mismatch");
        }

        [Fact]
        public void PpoClippedObjective()
        {
            var oldLp = V(1614, 8, 0.3).Select(v => v - 1.0).ToArray();
            // log-ratios: ratios 1.65, 0.95, 0.67, 1.11, 1.35, 0.86, 1.02, 0.55, clipped above, inside, clipped below
            var delta = new[] { 0.5, -0.05, -0.4, 0.1, 0.3, -0.15, 0.02, -0.6 };
            var newLp = oldLp.Zip(delta, (o, d) => o + d).ToArray();
            var ratios = newLp.Zip(oldLp, (a, b) => Math.Exp(a - b)).ToArray();
            // away from the clip points (kinks of Clamp) and some on each side of them
            Assert.All(ratios, r => Assert.True(Math.Abs(r - 0.8) > 1e-3 && Math.Abs(r - 1.2) > 1e-3, $"ratio {r} near a clip point"));
            Assert.Contains(ratios, r => r < 0.8 || r > 1.2);
            Assert.Contains(ratios, r => r > 0.8 && r < 1.2);
            Check("PpoClippedObjective", newLp, oldLp, V(1615, 8), 0.2);
        }

        [Fact]
        public void PpoClippedObjective_empty_returns_zero_and_length_mismatch_throws_after_the_early_return()
        {
            var empty = Array.Empty<double>();
            Assert.Equal(0.0, NaturalRound16.PpoClippedObjectiveForward(empty, V(1616, 2), V(1617, 3)));
            var (go, ga) = (TestData.Garbage(new double[2]), TestData.Garbage(new double[3]));
            Assert.Equal(0.0, NaturalRound16.PpoClippedObjectiveBackward(empty, V(1616, 2), V(1617, 3), 0.2, new double[0], go, ga, out double gEps));
            Assert.Equal(0.0, gEps);
            Assert.All(go, g => Assert.Equal(0.0, g)); // every gradient entry written, zero on the early return
            Assert.All(ga, g => Assert.Equal(0.0, g));
            var (a, b, c) = (V(1618, 3), V(1619, 2), V(1620, 3));
            SameThrow<ArgumentException>(() => NaturalRound16.PpoClippedObjective(a, b, c), () => NaturalRound16.PpoClippedObjectiveForward(a, b, c),
                () => NaturalRound16.PpoClippedObjectiveBackward(a, b, c, 0.2, new double[3], new double[2], new double[3], out _), "length mismatch");
        }

        [Fact]
        public void PolicyGradientLoss()
        {
            // float[][] logits: MethodOracle widens float[] and float[,] only, so by hand against the double twin
            var logits = JF(1621, 5, 4);
            var actions = new[] { 0, 3, 1, 2, 2 };
            var returns = V(1622, 5).Select(v => (float)(1.0 + v)).ToArray();
            const float coef = 0.01f;
            float value = NaturalRound16.PolicyGradientLoss(logits, actions, returns, coef);
            DiffGen.Tests.Check.Near(value, NaturalRound16.PolicyGradientLossForward(logits, actions, returns, coef), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (lb, rb) = (Wide(logits), TestData.ToDouble(returns));
            var (gl, gr) = (GarbageF(logits), TestData.Garbage(returns));
            float bv = NaturalRound16.PolicyGradientLossBackward(logits, actions, returns, coef, gl, gr, out float gc);
            DiffGen.Tests.Check.Near(value, bv, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(lb, Wide(logits), "logits");
            DiffGen.Tests.Check.Unchanged(rb, TestData.ToDouble(returns), "returns");

            var (ld, rd) = (Wide(logits), TestData.ToDouble(returns));
            double L() => NaturalRound16.PolicyGradientLossTwin(ld, actions, rd, coef);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, ld), Wide(gl), "dlogits", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, rd), TestData.ToDouble(gr), "dreturns", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(c => NaturalRound16.PolicyGradientLossTwin(ld, actions, rd, c), coef), gc, "dentropyCoef", DiffGen.Tests.Check.FloatGradTol);

            const float seed = -2.5f;
            var (sl, sr) = (GarbageF(logits), TestData.Garbage(returns));
            NaturalRound16.PolicyGradientLossBackward(logits, actions, returns, coef, sl, sr, out float sc, seed);
            DiffGen.Tests.Check.Gradient(TestData.Scale(Wide(gl), seed), Wide(sl), "dlogits (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.ToDouble(gr).Select(x => seed * x).ToArray(), TestData.ToDouble(sr), "dreturns (seed)", 1e-5);
            DiffGen.Tests.Check.Near(seed * gc, sc, 1e-5, "dentropyCoef (seed)");
        }

        [Fact]
        public void PolicyGradientLoss_length_mismatch_throws()
        {
            var logits = JF(1623, 3, 4);
            var (actions, returns) = (new[] { 0, 1 }, VF(1624, 3));
            SameThrow<ArgumentException>(() => NaturalRound16.PolicyGradientLoss(logits, actions, returns, 0.01f), () => NaturalRound16.PolicyGradientLossForward(logits, actions, returns, 0.01f),
                () => NaturalRound16.PolicyGradientLossBackward(logits, actions, returns, 0.01f, GarbageF(logits), TestData.Garbage(returns), out _), "trajectory arrays must have equal length");
        }

        private static readonly bool[] Dones = { false, false, true, false, false, false };

        // The lambda-returns are not detached: the gradient flows through the targets into the values (and the bootstrap value),
        // which is the derivative of the code as written (a semi-gradient would need the targets computed outside).
        [Fact] public void TdLambdaValueLoss() => Check("TdLambdaValueLoss", V(1625, 6), V(1626, 6), Dones, 0.3, 0.9, 0.8);

        [Fact]
        public void TdLambdaValueLoss_gradient_is_not_the_semi_gradient()
        {
            var (values, rewards) = (V(1625, 6), V(1626, 6));
            var g = new double[6];
            NaturalRound16.TdLambdaValueLossBackward(values, rewards, Dones, 0.3, 0.9, 0.8, g, new double[6], out _, out _, out _);
            var targets = new double[6];
            double nextReturn = 0.3, nextValue = 0.3;
            for (int t = 5; t >= 0; t--)
            {
                double notDone = Dones[t] ? 0.0 : 1.0;
                targets[t] = rewards[t] + 0.9 * notDone * (0.2 * nextValue + 0.8 * nextReturn);
                nextReturn = targets[t];
                nextValue = values[t];
            }
            var semi = values.Zip(targets, (v, y) => (v - y) / 6).ToArray();
            Assert.Contains(Enumerable.Range(0, 6), i => Math.Abs(g[i] - semi[i]) > 1e-3);
        }

        [Fact]
        public void TdLambdaValueLoss_guards_throw()
        {
            var (v, r) = (V(1627, 3), V(1628, 3));
            var dones = new[] { false, true, false };
            SameThrow<ArgumentException>(() => NaturalRound16.TdLambdaValueLoss(v, r, new[] { false }, 0, 0.9, 0.8), () => NaturalRound16.TdLambdaValueLossForward(v, r, new[] { false }, 0, 0.9, 0.8),
                () => NaturalRound16.TdLambdaValueLossBackward(v, r, new[] { false }, 0, 0.9, 0.8, new double[3], new double[3], out _, out _, out _), "values, rewards and dones must have the same length");
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.TdLambdaValueLoss(v, r, dones, 0, 1.1, 0.8), () => NaturalRound16.TdLambdaValueLossForward(v, r, dones, 0, 1.1, 0.8),
                () => NaturalRound16.TdLambdaValueLossBackward(v, r, dones, 0, 1.1, 0.8, new double[3], new double[3], out _, out _, out _), "gamma and lambda must be in [0,1]");
        }

        private static NaturalRound16.DqnTargetMseTransition Tr(int s, int a, double r, int next, bool terminal) =>
            new() { State = s, Action = a, Reward = r, NextState = next, Terminal = terminal };

        [Fact]
        public void DqnTargetMse()
        {
            var qOnline = M(1629, 4, 3);
            var batch = new[] { Tr(0, 1, 1.0, 2, false), Tr(2, 0, 0.0, 3, true), Tr(1, 2, -0.5, 0, false), Tr(3, 1, 0.2, 1, false) };
            // no near-ties in the argmax rows (a tie would be a kink)
            foreach (var tr in batch)
            {
                var row = Enumerable.Range(0, 3).Select(a => qOnline[tr.NextState, a]).OrderByDescending(x => x).ToArray();
                Assert.True(row[0] - row[1] > 1e-3);
            }
            Check("DqnTargetMse", qOnline, M(1630, 4, 3), batch, 0.99);
            // the bool field is read (held as 0/1): flipping it changes the generated code's value as it changes the method's
            var qTarget = M(1630, 4, 3);
            double before = NaturalRound16.DqnTargetMseForward(qOnline, qTarget, batch, 0.99);
            batch[1].Terminal = false;
            Assert.Equal(NaturalRound16.DqnTargetMse(qOnline, qTarget, batch, 0.99), NaturalRound16.DqnTargetMseForward(qOnline, qTarget, batch, 0.99), 12);
            Assert.NotEqual(before, NaturalRound16.DqnTargetMseForward(qOnline, qTarget, batch, 0.99));
        }

        [Fact]
        public void DqnTargetMse_empty_batch_throws()
        {
            var (q, qt) = (M(1631, 2, 2), M(1632, 2, 2));
            var empty = Array.Empty<NaturalRound16.DqnTargetMseTransition>();
            SameThrow<ArgumentException>(() => NaturalRound16.DqnTargetMse(q, qt, empty, 0.9), () => NaturalRound16.DqnTargetMseForward(q, qt, empty, 0.9),
                () => NaturalRound16.DqnTargetMseBackward(q, qt, empty, 0.9, new double[2, 2], new double[2, 2], out _), "empty batch");
        }

        [Fact] public void DistillationLoss() => Check("DistillationLoss", VF(1633, 5, 2), VF(1634, 5, 2), 3, 4f, 0.7f);

        [Fact]
        public void DistillationLoss_guards_throw()
        {
            var (s, t) = (VF(1635, 4), VF(1636, 4));
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.DistillationLoss(s, t, 1, 0f, 0.5f), () => NaturalRound16.DistillationLossForward(s, t, 1, 0f, 0.5f),
                () => NaturalRound16.DistillationLossBackward(s, t, 1, 0f, 0.5f, new float[4], new float[4], out _, out _), "temperature");
            var t3 = VF(1637, 3);
            SameThrow<ArgumentException>(() => NaturalRound16.DistillationLoss(s, t3, 1, 2f, 0.5f), () => NaturalRound16.DistillationLossForward(s, t3, 1, 2f, 0.5f),
                () => NaturalRound16.DistillationLossBackward(s, t3, 1, 2f, 0.5f, new float[4], new float[3], out _, out _), "logit size mismatch");
        }

        [Fact] public void MixupCrossEntropy() => Check("MixupCrossEntropy", J(1638, 4, 5), new[] { 0, 1, 2, 3 }, new[] { 4, 4, 0, 1 }, 0.3);

        [Fact]
        public void MixupCrossEntropy_guards_throw()
        {
            var z = J(1639, 2, 3);
            var (a, b) = (new[] { 0, 1 }, new[] { 2, 2 });
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.MixupCrossEntropy(z, a, b, 1.5), () => NaturalRound16.MixupCrossEntropyForward(z, a, b, 1.5),
                () => NaturalRound16.MixupCrossEntropyBackward(z, a, b, 1.5, TestData.Garbage(z), out _), "mixing coefficient must be in [0,1]");
            var shortB = new[] { 2 };
            SameThrow<ArgumentException>(() => NaturalRound16.MixupCrossEntropy(z, a, shortB, 0.5), () => NaturalRound16.MixupCrossEntropyForward(z, a, shortB, 0.5),
                () => NaturalRound16.MixupCrossEntropyBackward(z, a, shortB, 0.5, TestData.Garbage(z), out _), "label arrays must match batch size");
        }

        // ---- images ----

        [Fact] public void CharbonnierLoss() => Check("CharbonnierLoss", TestData.ToFloat(M(1640, 6, 7)), TestData.ToFloat(M(1641, 6, 7)), 0.05f);

        [Fact]
        public void CharbonnierLoss_size_mismatch_throws()
        {
            var (p, t) = (TestData.ToFloat(M(1642, 3, 4)), TestData.ToFloat(M(1643, 4, 3)));
            SameThrow<ArgumentException>(() => NaturalRound16.CharbonnierLoss(p, t), () => NaturalRound16.CharbonnierLossForward(p, t),
                () => NaturalRound16.CharbonnierLossBackward(p, t, 1e-3f, new float[3, 4], new float[4, 3], out _), "image size mismatch");
        }

        private static (double[,], double[,]) Images()
        {
            var a = M(1644, 8, 8, 0.2);
            var n = M(1645, 8, 8, 0.05);
            var b = new double[8, 8];
            for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) { a[i, j] += 0.5; b[i, j] = a[i, j] + n[i, j]; }
            return (a, b);
        }

        [Theory]
        [InlineData(4)] // stride 2: 3 x 3 windows
        [InlineData(3)] // stride 1: 6 x 6 windows
        public void SsimPatchLoss(int window)
        {
            var (a, b) = Images();
            Check("SsimPatchLoss", a, b, window);
        }

        [Fact]
        public void SsimPatchLoss_guards_throw()
        {
            var (a, b) = Images();
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.SsimPatchLoss(a, b, 1), () => NaturalRound16.SsimPatchLossForward(a, b, 1),
                () => NaturalRound16.SsimPatchLossBackward(a, b, 1, new double[8, 8], new double[8, 8]), "window");
            SameThrow<ArgumentException>(() => NaturalRound16.SsimPatchLoss(a, b, 9), () => NaturalRound16.SsimPatchLossForward(a, b, 9),
                () => NaturalRound16.SsimPatchLossBackward(a, b, 9, new double[8, 8], new double[8, 8]), "image smaller than window");
        }

        [Fact] public void GramStyleLoss() => Check("GramStyleLoss", M(1646, 3, 10), M(1647, 3, 10), M(1648, 3, 10), 10.0, 1.0);

        // ---- graphs, recommenders, embeddings ----

        private static readonly (int From, int To, double Weight)[] Edges = { (0, 1, 1.0), (1, 2, 0.5), (2, 3, 2.0), (3, 0, 1.0), (1, 1, 3.0), (0, 2, 0.25) };

        [Fact]
        public void GraphLaplacianEnergy() => Check("GraphLaplacianEnergy", J(1649, 4, 2), Edges, J(1650, 4, 2), new[] { true, false, true, false }, 0.8);

        [Fact]
        public void GraphLaplacianEnergy_negative_weight_throws_inside_the_edge_loop()
        {
            var (x, obs) = (J(1651, 4, 2), J(1652, 4, 2));
            var edges = new (int From, int To, double Weight)[] { (0, 1, 1.0), (1, 1, -2.0), (2, 3, 0.5), (3, 0, -1.0) }; // the self loop is skipped first
            var labelled = new[] { true, true, false, false };
            SameThrow<ArgumentException>(() => NaturalRound16.GraphLaplacianEnergy(x, edges, obs, labelled, 0.8), () => NaturalRound16.GraphLaplacianEnergyForward(x, edges, obs, labelled, 0.8),
                () => NaturalRound16.GraphLaplacianEnergyBackward(x, edges, obs, labelled, 0.8, TestData.Garbage(x), TestData.Garbage(obs), out _), "negative edge weight");
            var shortLabels = new[] { true };
            SameThrow<ArgumentException>(() => NaturalRound16.GraphLaplacianEnergy(x, edges, obs, shortLabels, 0.8), () => NaturalRound16.GraphLaplacianEnergyForward(x, edges, obs, shortLabels, 0.8),
                () => NaturalRound16.GraphLaplacianEnergyBackward(x, edges, obs, shortLabels, 0.8, TestData.Garbage(x), TestData.Garbage(obs), out _), "node arrays must have the same length");
        }

        [Fact]
        public void PageRankResidual()
        {
            // no dangling node: a zero row would put adjacency[j, *] on the outWeight == 0 branch boundary
            var adjacency = new double[,] { { 0, 1, 0.5, 0 }, { 0.3, 0, 1, 0 }, { 1, 0, 0, 2 }, { 0, 0.7, 0, 0.2 } };
            Check("PageRankResidual", new[] { 0.3, 0.2, 0.25, 0.25 }, adjacency, 0.85, new double[4]);
        }

        [Fact]
        public void PageRankResidual_dangling_node()
        {
            // node 3 has no out-links: its rank is spread uniformly. By hand, because the dangling row of adjacency sits on the
            // outWeight == 0 branch: any change of it leaves the branch, so finite differences there mean nothing; the derivative
            // of the branch taken is zero.
            var rank = new[] { 0.3, 0.2, 0.25, 0.25 };
            var adjacency = new double[,] { { 0, 1, 1, 0 }, { 0, 0, 1, 0 }, { 1, 0, 0, 1 }, { 0, 0, 0, 0 } };
            const double damping = 0.85;
            var u = V(1653, 4);
            var expected = new double[4];
            NaturalRound16.PageRankResidual(rank, adjacency, damping, expected);
            var fwd = new double[4];
            NaturalRound16.PageRankResidualForward(rank, adjacency, damping, fwd);
            DiffGen.Tests.Check.Gradient(expected, fwd, "Forward residual", DiffGen.Tests.Check.ForwardTol);
            var (gRank, gAdj, gRes) = (TestData.Garbage(rank), TestData.Garbage(adjacency), TestData.Clone(u));
            var res = new double[4];
            NaturalRound16.PageRankResidualBackward(rank, adjacency, damping, res, gRank, gAdj, out double gDamping, gRes);
            DiffGen.Tests.Check.Gradient(expected, res, "Backward residual", DiffGen.Tests.Check.ForwardTol);

            double L(double[] r, double[,] a, double d)
            {
                var o = new double[4];
                NaturalRound16.PageRankResidual(r, a, d, o);
                return o.Zip(u, (x, y) => x * y).Sum();
            }
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => L(rank, adjacency, damping), rank), gRank, "drank");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(d => L(rank, adjacency, d), damping), gDamping, "ddamping");
            var fdAdj = FiniteDiff.Gradient(() => L(rank, adjacency, damping), adjacency);
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 4; i++)
                    DiffGen.Tests.Check.Gradient(fdAdj[j, i], gAdj[j, i], $"dadjacency[{j}, {i}]");
            for (int i = 0; i < 4; i++) Assert.Equal(0.0, gAdj[3, i]);
        }

        [Fact]
        public void PageRankResidual_shape_guards_throw()
        {
            var rank = new[] { 0.5, 0.5 };
            var adj = new double[2, 3];
            SameThrow<ArgumentException>(() => NaturalRound16.PageRankResidual(rank, adj, 0.85, new double[2]), () => NaturalRound16.PageRankResidualForward(rank, adj, 0.85, new double[2]),
                () => NaturalRound16.PageRankResidualBackward(rank, adj, 0.85, new double[2], new double[2], new double[2, 3], out _, new double[2]), "adjacency must be n x n");
            var sq = new double[2, 2];
            SameThrow<ArgumentException>(() => NaturalRound16.PageRankResidual(rank, sq, 0.85, new double[3]), () => NaturalRound16.PageRankResidualForward(rank, sq, 0.85, new double[3]),
                () => NaturalRound16.PageRankResidualBackward(rank, sq, 0.85, new double[3], new double[2], new double[2, 2], out _, new double[3]), "residual has wrong length");
        }

        [Fact]
        public void MatrixFactorizationLoss()
        {
            NaturalRound16.MatrixFactorizationLossRating R(int u, int i, double v) => new(u, i, v);
            var ratings = new[] { R(0, 0, 4.0), R(0, 2, 3.0), R(1, 1, 5.0), R(1, 3, 2.0), R(2, 0, 3.5), R(2, 2, 1.0), R(0, 3, 4.5) };
            Check("MatrixFactorizationLoss", J(1654, 3, 2, 0.5), J(1655, 4, 2, 0.5), V(1656, 3, 0.3), V(1657, 4, 0.3), 3.3, ratings, 0.05);
        }

        [Fact]
        public void SkipGramNegSamplingLoss()
        {
            // float[][] embeddings: by hand against the double twin. Negative 2 is the context (skipped); 3 is sampled twice.
            var (inE, outE) = (JF(1658, 5, 4, 0.7), JF(1659, 5, 4, 0.7));
            const int center = 1, context = 2;
            var negatives = new[] { 0, 2, 4, 3, 3 };
            float value = NaturalRound16.SkipGramNegSamplingLoss(inE, outE, center, context, negatives);
            DiffGen.Tests.Check.Near(value, NaturalRound16.SkipGramNegSamplingLossForward(inE, outE, center, context, negatives), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (ib, ob) = (Wide(inE), Wide(outE));
            var (gi, go) = (GarbageF(inE), GarbageF(outE));
            float bv = NaturalRound16.SkipGramNegSamplingLossBackward(inE, outE, center, context, negatives, gi, go);
            DiffGen.Tests.Check.Near(value, bv, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(ib, Wide(inE), "inEmbed");
            DiffGen.Tests.Check.Unchanged(ob, Wide(outE), "outEmbed");

            var (id, od) = (Wide(inE), Wide(outE));
            double L() => NaturalRound16.SkipGramNegSamplingLossTwin(id, od, center, context, negatives);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, id), Wide(gi), "dinEmbed", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, od), Wide(go), "doutEmbed", DiffGen.Tests.Check.FloatGradTol);

            const float seed = -2.5f;
            var (si, so) = (GarbageF(inE), GarbageF(outE));
            NaturalRound16.SkipGramNegSamplingLossBackward(inE, outE, center, context, negatives, si, so, seed);
            DiffGen.Tests.Check.Gradient(TestData.Scale(Wide(gi), seed), Wide(si), "dinEmbed (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.Scale(Wide(go), seed), Wide(so), "doutEmbed (seed)", 1e-5);
        }

        // ---- sequence models, state space ----

        [Fact] public void CrfNegLogLikelihood() => Check("CrfNegLogLikelihood", M(1660, 5, 3), M(1661, 3, 3), V(1662, 3), V(1663, 3), new[] { 0, 2, 1, 1, 2 });

        [Fact] public void CrfNegLogLikelihood_one_step() => Check("CrfNegLogLikelihood", M(1664, 1, 3), M(1665, 3, 3), V(1666, 3), V(1667, 3), new[] { 2 });

        [Fact]
        public void CrfNegLogLikelihood_tag_length_throws()
        {
            var (e, t) = (M(1668, 3, 2), M(1669, 2, 2));
            var (s, en) = (V(1670, 2), V(1671, 2));
            var tags = new[] { 0, 1 };
            SameThrow<ArgumentException>(() => NaturalRound16.CrfNegLogLikelihood(e, t, s, en, tags), () => NaturalRound16.CrfNegLogLikelihoodForward(e, t, s, en, tags),
                () => NaturalRound16.CrfNegLogLikelihoodBackward(e, t, s, en, tags, new double[3, 2], new double[2, 2], new double[2], new double[2]), "tags length must equal sequence length");
        }

        private static readonly double[] HmmInitial = { 0.5, 0.3, 0.2 };
        private static double[,] HmmTransition() => new[,] { { 0.7, 0.2, 0.1 }, { 0.1, 0.8, 0.1 }, { 0.2, 0.3, 0.5 } };
        private static double[,] HmmEmission() => new[,] { { 0.5, 0.2, 0.2, 0.1 }, { 0.1, 0.4, 0.3, 0.2 }, { 0.25, 0.25, 0.1, 0.4 } };

        [Fact]
        public void HmmForwardLogLikelihood() => Check("HmmForwardLogLikelihood", (double[])HmmInitial.Clone(), HmmTransition(), HmmEmission(), new[] { 0, 1, 3, 2, 2, 0, 1 });

        [Fact]
        public void HmmForwardLogLikelihood_impossible_sequence_returns_minus_infinity_from_the_loop()
        {
            var emission = HmmEmission();
            for (int s = 0; s < 3; s++) emission[s, 3] = 0; // symbol 3 cannot be emitted
            var obs = new[] { 0, 1, 3, 2 };
            var initial = (double[])HmmInitial.Clone();
            var transition = HmmTransition();
            Assert.Equal(double.NegativeInfinity, NaturalRound16.HmmForwardLogLikelihood(initial, transition, emission, obs));
            Assert.Equal(double.NegativeInfinity, NaturalRound16.HmmForwardLogLikelihoodForward(initial, transition, emission, obs));
            var (gi, gt, ge) = (TestData.Garbage(initial), TestData.Garbage(transition), TestData.Garbage(emission));
            Assert.Equal(double.NegativeInfinity, NaturalRound16.HmmForwardLogLikelihoodBackward(initial, transition, emission, obs, gi, gt, ge));
            // a constant is returned: its derivative is zero (and every entry written)
            Assert.All(gi, g => Assert.Equal(0.0, g));
            Assert.All(gt.Cast<double>(), g => Assert.Equal(0.0, g));
            Assert.All(ge.Cast<double>(), g => Assert.Equal(0.0, g));
        }

        [Fact]
        public void HmmForwardLogLikelihood_no_observation_throws()
        {
            var (i, t, e) = ((double[])HmmInitial.Clone(), HmmTransition(), HmmEmission());
            var none = Array.Empty<int>();
            SameThrow<ArgumentException>(() => NaturalRound16.HmmForwardLogLikelihood(i, t, e, none), () => NaturalRound16.HmmForwardLogLikelihoodForward(i, t, e, none),
                () => NaturalRound16.HmmForwardLogLikelihoodBackward(i, t, e, none, new double[3], new double[3, 3], new double[3, 4]), "need at least one observation");
        }

        private static double[] LocalLevel()
        {
            var steps = V(1672, 10, 0.3);
            var noise = V(1673, 10, 0.7);
            var y = new double[10];
            double level = 0;
            for (int t = 0; t < 10; t++) { level += steps[t]; y[t] = level + noise[t]; }
            return y;
        }

        [Fact] public void KalmanFilterNll() => Check("KalmanFilterNll", LocalLevel(), Math.Log(0.1), Math.Log(0.5), 0.0, 1.0);

        [Fact]
        public void KalmanFilterNll_missing_observation()
        {
            // a NaN observation is skipped: by hand, because central differences at NaN are NaN; its gradient entry must be 0
            var y = LocalLevel();
            y[3] = double.NaN;
            double lq = Math.Log(0.1), lr = Math.Log(0.5), x0 = 0.2, p0 = 1.5;
            double value = NaturalRound16.KalmanFilterNll(y, lq, lr, x0, p0);
            DiffGen.Tests.Check.Forward(value, NaturalRound16.KalmanFilterNllForward(y, lq, lr, x0, p0), "Forward");
            var gy = TestData.Garbage(y);
            double bv = NaturalRound16.KalmanFilterNllBackward(y, lq, lr, x0, p0, gy, out double glq, out double glr, out double gx0, out double gp0);
            DiffGen.Tests.Check.Forward(value, bv, "Backward value");
            Assert.Equal(0.0, gy[3]);
            for (int t = 0; t < y.Length; t++)
            {
                if (t == 3) continue;
                int k = t;
                double old = y[k];
                double fd = FiniteDiff.Derivative(v => { y[k] = v; double r = NaturalRound16.KalmanFilterNll(y, lq, lr, x0, p0); y[k] = old; return r; }, old);
                DiffGen.Tests.Check.Gradient(fd, gy[k], $"dy[{k}]");
            }
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => NaturalRound16.KalmanFilterNll(y, v, lr, x0, p0), lq), glq, "dlogProcessVar");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => NaturalRound16.KalmanFilterNll(y, lq, v, x0, p0), lr), glr, "dlogObsVar");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => NaturalRound16.KalmanFilterNll(y, lq, lr, v, p0), x0), gx0, "dx0");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => NaturalRound16.KalmanFilterNll(y, lq, lr, x0, v), p0), gp0, "dp0");
        }

        [Fact]
        public void KalmanFilterNll_non_positive_initial_variance_throws()
        {
            var y = V(1674, 4);
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.KalmanFilterNll(y, 0, 0, 0, 0), () => NaturalRound16.KalmanFilterNllForward(y, 0, 0, 0, 0),
                () => NaturalRound16.KalmanFilterNllBackward(y, 0, 0, 0, 0, new double[4], out _, out _, out _, out _), "initial variance must be positive");
        }

        // ---- growth, epidemics, chemistry, heat transfer ----

        private static readonly double[] GrowthTimes = { 1.0, 2.0, 3.5, 5.0, 7.0, 9.0 };

        private static double[] GrowthCounts()
        {
            var noise = V(1675, 6, 0.1);
            return GrowthTimes.Select((t, i) => 100.0 / (1 + 19 * Math.Exp(-0.8 * t)) * Math.Exp(noise[i])).ToArray();
        }

        [Theory]
        [InlineData(10)]
        [InlineData(3)]
        public void LogisticGrowthFit(int substeps) =>
            Check("LogisticGrowthFit", Math.Log(0.7), Math.Log(90.0), 4.0, (double[])GrowthTimes.Clone(), GrowthCounts(), substeps);

        [Fact]
        public void LogisticGrowthFit_unsorted_times_throw_inside_the_loop()
        {
            var times = new[] { 1.0, 3.0, 2.0 };
            var counts = new[] { 6.0, 12.0, 9.0 };
            SameThrow<ArgumentException>(() => NaturalRound16.LogisticGrowthFit(0, 4, 5, times, counts), () => NaturalRound16.LogisticGrowthFitForward(0, 4, 5, times, counts),
                () => NaturalRound16.LogisticGrowthFitBackward(0, 4, 5, times, counts, 10, out _, out _, out _, new double[3], new double[3]), "observation times must be sorted");
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.LogisticGrowthFit(0, 4, 5, GrowthTimes, GrowthCounts(), 0), () => NaturalRound16.LogisticGrowthFitForward(0, 4, 5, GrowthTimes, GrowthCounts(), 0),
                () => NaturalRound16.LogisticGrowthFitBackward(0, 4, 5, GrowthTimes, GrowthCounts(), 0, out _, out _, out _, new double[6], new double[6]), "substeps");
        }

        [Fact] public void SirEpidemicSimulate() => Check("SirEpidemicSimulate", 0.5, 0.15, 0.02, 12, new double[12, 3]);

        [Fact]
        public void SirEpidemicSimulate_guards_throw()
        {
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.SirEpidemicSimulate(0.5, 0.1, 0.02, 0, new double[1, 3]), () => NaturalRound16.SirEpidemicSimulateForward(0.5, 0.1, 0.02, 0, new double[1, 3]),
                () => NaturalRound16.SirEpidemicSimulateBackward(0.5, 0.1, 0.02, 0, new double[1, 3], out _, out _, out _, new double[1, 3]), "days");
            SameThrow<ArgumentException>(() => NaturalRound16.SirEpidemicSimulate(0.5, 0.1, 0.02, 5, new double[4, 3]), () => NaturalRound16.SirEpidemicSimulateForward(0.5, 0.1, 0.02, 5, new double[4, 3]),
                () => NaturalRound16.SirEpidemicSimulateBackward(0.5, 0.1, 0.02, 5, new double[4, 3], out _, out _, out _, new double[4, 3]), "output must be at least days x 3");
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.SirEpidemicSimulate(0.5, 0.1, 1.0, 5, new double[5, 3]), () => NaturalRound16.SirEpidemicSimulateForward(0.5, 0.1, 1.0, 5, new double[5, 3]),
                () => NaturalRound16.SirEpidemicSimulateBackward(0.5, 0.1, 1.0, 5, new double[5, 3], out _, out _, out _, new double[5, 3]), "fraction expected");
        }

        private static readonly double[] ArrheniusTemps = { 20, 30, 40, 50, 60, 70, 80 };

        [Fact]
        public void ArrheniusFit()
        {
            var noise = V(1676, 7, 0.1);
            var k = ArrheniusTemps.Select((t, i) => Math.Exp(23.0 - 50000.0 / (8.314462618 * (t + 273.15)) + noise[i])).ToArray();
            k[2] = -0.01; // below the detection limit: skipped (and stays skipped under a small change)
            Check("ArrheniusFit", 22.5, 48.0, (double[])ArrheniusTemps.Clone(), k);
        }

        [Fact]
        public void ArrheniusFit_no_valid_measurement_throws_after_the_loop()
        {
            var temps = new[] { 20.0, 30.0 };
            var k = new[] { 0.0, -1.0 };
            SameThrow<InvalidOperationException>(() => NaturalRound16.ArrheniusFit(23, 50, temps, k), () => NaturalRound16.ArrheniusFitForward(23, 50, temps, k),
                () => NaturalRound16.ArrheniusFitBackward(23, 50, temps, k, out _, out _, new double[2], new double[2]), "no valid rate measurements");
            var k3 = new[] { 1.0, 2.0, 3.0 };
            SameThrow<ArgumentException>(() => NaturalRound16.ArrheniusFit(23, 50, temps, k3), () => NaturalRound16.ArrheniusFitForward(23, 50, temps, k3),
                () => NaturalRound16.ArrheniusFitBackward(23, 50, temps, k3, out _, out _, new double[2], new double[3]), "temperature and rate arrays differ in length");
        }

        // kW/K, kg/s, kJ/(kg K), °C: the cold side is the minimum capacity rate (mDotHot 1.2) or the hot side (mDotHot 0.5), never equal
        [Theory]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.ParallelFlow, 1.2)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.CounterFlow, 1.2)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.CrossFlowBothUnmixed, 1.2)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.ShellAndTube, 1.2)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.ParallelFlow, 0.5)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.CounterFlow, 0.5)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.CrossFlowBothUnmixed, 0.5)]
        [InlineData(NaturalRound16.HeatExchangerDutyFlow.ShellAndTube, 0.5)]
        public void HeatExchangerDuty(NaturalRound16.HeatExchangerDutyFlow flow, double mDotHot) =>
            Check("HeatExchangerDuty", 3.0, mDotHot, 4.18, 0.9, 3.5, 90.0, 20.0, flow);

        [Fact]
        public void HeatExchangerDuty_unknown_flow_throws_in_the_switch_and_zero_capacity_throws()
        {
            var flow = (NaturalRound16.HeatExchangerDutyFlow)9;
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.HeatExchangerDuty(3, 1.2, 4.18, 0.9, 3.5, 90, 20, flow), () => NaturalRound16.HeatExchangerDutyForward(3, 1.2, 4.18, 0.9, 3.5, 90, 20, flow),
                () => NaturalRound16.HeatExchangerDutyBackward(3, 1.2, 4.18, 0.9, 3.5, 90, 20, flow, out _, out _, out _, out _, out _, out _, out _), "flow");
            var ok = NaturalRound16.HeatExchangerDutyFlow.CounterFlow;
            SameThrow<ArgumentException>(() => NaturalRound16.HeatExchangerDuty(3, 0, 4.18, 0.9, 3.5, 90, 20, ok), () => NaturalRound16.HeatExchangerDutyForward(3, 0, 4.18, 0.9, 3.5, 90, 20, ok),
                () => NaturalRound16.HeatExchangerDutyBackward(3, 0, 4.18, 0.9, 3.5, 90, 20, ok, out _, out _, out _, out _, out _, out _, out _), "capacity rates must be positive");
        }

        private static readonly double[] Wavelengths = { 400, 420, 440, 460, 480, 500, 520, 540 };

        [Fact]
        public void BeerLambertFit()
        {
            var eps = M(1677, 8, 3);
            for (int w = 0; w < 8; w++) for (int s = 0; s < 3; s++) eps[w, s] = 0.5 + Math.Abs(eps[w, s]);
            var conc = new[] { 0.2, 0.5, 0.1 };
            var noise = V(1678, 8, 0.02);
            var measured = new double[8];
            for (int w = 0; w < 8; w++)
            {
                double a = 0.01 + 1e-4 * (Wavelengths[w] - 470);
                for (int s = 0; s < 3; s++) a += eps[w, s] * conc[s];
                measured[w] = a + noise[w];
            }
            measured[5] = 3.4; // saturated: skipped
            Check("BeerLambertFit", new[] { 0.22, 0.45, 0.12 }, 0.005, 2e-4, eps, (double[])Wavelengths.Clone(), measured, 1.0);
        }

        [Fact]
        public void BeerLambertFit_shape_guards_throw()
        {
            var (c, wl, m) = (new[] { 0.1, 0.2 }, new[] { 400.0, 450.0, 500.0 }, new[] { 0.1, 0.2, 0.3 });
            var eps = new double[3, 3];
            SameThrow<ArgumentException>(() => NaturalRound16.BeerLambertFit(c, 0, 0, eps, wl, m), () => NaturalRound16.BeerLambertFitForward(c, 0, 0, eps, wl, m),
                () => NaturalRound16.BeerLambertFitBackward(c, 0, 0, eps, wl, m, 1.0, new double[2], out _, out _, new double[3, 3], new double[3], new double[3], out _), "absorptivity matrix must be wavelengths x species");
            var eps2 = new double[3, 2];
            var m2 = new[] { 0.1, 0.2 };
            SameThrow<ArgumentException>(() => NaturalRound16.BeerLambertFit(c, 0, 0, eps2, wl, m2), () => NaturalRound16.BeerLambertFitForward(c, 0, 0, eps2, wl, m2),
                () => NaturalRound16.BeerLambertFitBackward(c, 0, 0, eps2, wl, m2, 1.0, new double[2], out _, out _, new double[3, 2], new double[3], new double[2], out _), "spectrum length mismatch");
        }

        // ---- time warping, Gaussian processes, curve fitting ----

        // The soft minimum's exp(-(a - m) / gamma) is 0 at the +infinity border cells; the quotient rule's second term would
        // multiply that zero adjoint by (a - m) / gamma^2 = infinity (NaN in dL/dgamma). The Differentiator skips the partials
        // of an exp that underflowed to 0 when its exponent divides a value that may be infinite (exact: the adjoint is 0).
        [Theory]
        [InlineData(0.5)]
        [InlineData(0.1)]
        public void SoftDtw(double gamma) => Check("SoftDtw", J(1679, 4, 2), J(1680, 5, 2), gamma);

        [Theory]
        [InlineData(0.5)]
        [InlineData(0.1)]
        public void SoftDtw_x_and_y_gradients(double gamma)
        {
            var (x, y) = (J(1679, 4, 2), J(1680, 5, 2));
            double value = NaturalRound16.SoftDtw(x, y, gamma);
            DiffGen.Tests.Check.Forward(value, NaturalRound16.SoftDtwForward(x, y, gamma), "Forward");
            var (gx, gy) = (TestData.Garbage(x), TestData.Garbage(y));
            DiffGen.Tests.Check.Forward(value, NaturalRound16.SoftDtwBackward(x, y, gamma, gx, gy, out _), "Backward value");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound16.SoftDtw(x, y, gamma), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound16.SoftDtw(x, y, gamma), y), gy, "dy");
        }

        [Fact]
        public void SoftDtw_infinite_boundary_cells_give_no_NaN_in_the_gradient()
        {
            // R[0, j] and R[i, 0] stay +infinity: exp(-(inf - m) / gamma) = 0 in the soft minimum, whose derivatives in a, b, c
            // and gamma are finite (0 for the infinite arguments); a product 0 * inf in the reverse sweep would give NaN here.
            var (x, y) = (J(1681, 3, 2), J(1682, 4, 2));
            var (gx, gy) = (TestData.Garbage(x), TestData.Garbage(y));
            double v = NaturalRound16.SoftDtwBackward(x, y, 0.3, gx, gy, out double gGamma);
            Assert.True(double.IsFinite(v));
            Assert.All(gx.SelectMany(r => r), g => Assert.True(double.IsFinite(g), "dx has a non-finite entry"));
            Assert.All(gy.SelectMany(r => r), g => Assert.True(double.IsFinite(g), "dy has a non-finite entry"));
            Assert.True(double.IsFinite(gGamma), $"dgamma = {gGamma}");
        }

        [Fact]
        public void SoftDtw_non_positive_gamma_throws()
        {
            var (x, y) = (J(1683, 2, 2), J(1684, 2, 2));
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.SoftDtw(x, y, 0), () => NaturalRound16.SoftDtwForward(x, y, 0),
                () => NaturalRound16.SoftDtwBackward(x, y, 0, TestData.Garbage(x), TestData.Garbage(y), out _), "gamma");
        }

        private static readonly double[] GpXs = { -2.0, -1.1, -0.3, 0.4, 1.2, 2.1 };

        [Fact]
        public void GpNegLogMarginalLikelihood()
        {
            var noise = V(1685, 6, 0.1);
            var ys = GpXs.Select((x, i) => Math.Sin(x) + noise[i]).ToArray();
            Check("GpNegLogMarginalLikelihood", (double[])GpXs.Clone(), ys, 0.1, 0.2, -2.0);
        }

        [Fact]
        public void GpNegLogMarginalLikelihood_cholesky_helper_throws_and_length_guard_throws()
        {
            // two equal inputs and a signal variance e^40: the jitter is lost in rounding, the second pivot is -32
            var (xs, ys) = (new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 });
            SameThrow<InvalidOperationException>(() => NaturalRound16.GpNegLogMarginalLikelihood(xs, ys, 0, 40, -50), () => NaturalRound16.GpNegLogMarginalLikelihoodForward(xs, ys, 0, 40, -50),
                () => NaturalRound16.GpNegLogMarginalLikelihoodBackward(xs, ys, 0, 40, -50, new double[2], new double[2], out _, out _, out _), "matrix is not positive definite");
            var y3 = new[] { 1.0, 2.0, 3.0 };
            SameThrow<ArgumentException>(() => NaturalRound16.GpNegLogMarginalLikelihood(xs, y3, 0, 0, 0), () => NaturalRound16.GpNegLogMarginalLikelihoodForward(xs, y3, 0, 0, 0),
                () => NaturalRound16.GpNegLogMarginalLikelihoodBackward(xs, y3, 0, 0, 0, new double[2], new double[3], out _, out _, out _), "xs and ys must have the same length");
        }

        [Fact]
        public void FourierSeriesFit()
        {
            var t = Enumerable.Range(0, 13).Select(i => 0.15 * i).ToArray();
            var noise = V(1686, 13, 0.05);
            var signal = t.Select((x, i) => 0.3 + Math.Sin(Math.PI * x) - 0.4 * Math.Cos(2 * Math.PI * x) + noise[i]).ToArray();
            Check("FourierSeriesFit", 0.1, V(1687, 3, 0.5), V(1688, 3, 0.5), 2.0, t, signal, 0.01);
        }

        [Fact]
        public void FourierSeriesFit_guards_throw()
        {
            var (a, b2, t) = (V(1689, 3), V(1690, 2), V(1691, 4));
            SameThrow<ArgumentException>(() => NaturalRound16.FourierSeriesFit(0, a, b2, 2, t, t, 0), () => NaturalRound16.FourierSeriesFitForward(0, a, b2, 2, t, t, 0),
                () => NaturalRound16.FourierSeriesFitBackward(0, a, b2, 2, t, t, 0, out _, new double[3], new double[2], out _, new double[4], new double[4], out _), "need as many sine as cosine coefficients");
            var b = V(1692, 3);
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.FourierSeriesFit(0, a, b, -1, t, t, 0), () => NaturalRound16.FourierSeriesFitForward(0, a, b, -1, t, t, 0),
                () => NaturalRound16.FourierSeriesFitBackward(0, a, b, -1, t, t, 0, out _, new double[3], new double[3], out _, new double[4], new double[4], out _), "period");
            var none = Array.Empty<double>();
            SameThrow<ArgumentException>(() => NaturalRound16.FourierSeriesFit(0, a, b, 2, none, none, 0), () => NaturalRound16.FourierSeriesFitForward(0, a, b, 2, none, none, 0),
                () => NaturalRound16.FourierSeriesFitBackward(0, a, b, 2, none, none, 0, out _, new double[3], new double[3], out _, none, none, out _), "bad samples");
        }

        [Fact]
        public void RbfNetworkPredict() => Check("RbfNetworkPredict", J(1693, 5, 2), J(1694, 3, 2), new[] { 0.8, 1.1, 1.5 }, M(1695, 2, 3), V(1696, 2), new double[5, 2]);

        [Fact]
        public void RbfNetworkPredict_shape_guards_throw()
        {
            var (x, c, w, ow, ob) = (J(1697, 2, 2), J(1698, 3, 2), new[] { 1.0, 1.0 }, new double[2, 3], new double[2]);
            SameThrow<ArgumentException>(() => NaturalRound16.RbfNetworkPredict(x, c, w, ow, ob, new double[2, 2]), () => NaturalRound16.RbfNetworkPredictForward(x, c, w, ow, ob, new double[2, 2]),
                () => NaturalRound16.RbfNetworkPredictBackward(x, c, w, ow, ob, new double[2, 2], TestData.Garbage(x), TestData.Garbage(c), new double[2], new double[2, 3], new double[2], new double[2, 2]),
                "inconsistent network shapes");
            var w3 = new[] { 1.0, 1.0, 1.0 };
            SameThrow<ArgumentException>(() => NaturalRound16.RbfNetworkPredict(x, c, w3, ow, ob, new double[3, 2]), () => NaturalRound16.RbfNetworkPredictForward(x, c, w3, ow, ob, new double[3, 2]),
                () => NaturalRound16.RbfNetworkPredictBackward(x, c, w3, ow, ob, new double[3, 2], TestData.Garbage(x), TestData.Garbage(c), new double[3], new double[2, 3], new double[2], new double[3, 2]),
                "predictions buffer has wrong shape");
        }

        [Fact]
        public void ExpectileRegressionLoss()
        {
            // float[][] features: by hand against the double twin
            var weights = TestData.ToFloat(M(1699, 2, 3));
            var intercepts = VF(1700, 2);
            var taus = new[] { 0.25f, 0.8f };
            var features = JF(1701, 8, 3);
            var targets = VF(1702, 8);
            float value = NaturalRound16.ExpectileRegressionLoss(weights, intercepts, taus, features, targets);
            DiffGen.Tests.Check.Near(value, NaturalRound16.ExpectileRegressionLossForward(weights, intercepts, taus, features, targets), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (gw, gi, gt, gf, gy) = (TestData.Garbage(weights), TestData.Garbage(intercepts), TestData.Garbage(taus), GarbageF(features), TestData.Garbage(targets));
            var fb = Wide(features);
            float bv = NaturalRound16.ExpectileRegressionLossBackward(weights, intercepts, taus, features, targets, gw, gi, gt, gf, gy);
            DiffGen.Tests.Check.Near(value, bv, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(fb, Wide(features), "features");

            var (wd, id, td, fd, yd) = (TestData.ToDouble(weights), TestData.ToDouble(intercepts), TestData.ToDouble(taus), Wide(features), TestData.ToDouble(targets));
            double L() => NaturalRound16.ExpectileRegressionLossTwin(wd, id, td, fd, yd);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            const double tol = DiffGen.Tests.Check.FloatGradTol;
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, wd), TestData.ToDouble(gw), "dweights", tol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, id), TestData.ToDouble(gi), "dintercepts", tol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, td), TestData.ToDouble(gt), "dtaus", tol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, fd), Wide(gf), "dfeatures", tol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, yd), TestData.ToDouble(gy), "dtargets", tol);

            const float seed = -2.5f;
            var (sw, si, st, sf, sy) = (TestData.Garbage(weights), TestData.Garbage(intercepts), TestData.Garbage(taus), GarbageF(features), TestData.Garbage(targets));
            NaturalRound16.ExpectileRegressionLossBackward(weights, intercepts, taus, features, targets, sw, si, st, sf, sy, seed);
            DiffGen.Tests.Check.Gradient(TestData.Scale(TestData.ToDouble(gw), seed), TestData.ToDouble(sw), "dweights (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.Scale(TestData.ToDouble(gi), seed), TestData.ToDouble(si), "dintercepts (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.Scale(TestData.ToDouble(gt), seed), TestData.ToDouble(st), "dtaus (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.Scale(Wide(gf), seed), Wide(sf), "dfeatures (seed)", 1e-5);
            DiffGen.Tests.Check.Gradient(TestData.Scale(TestData.ToDouble(gy), seed), TestData.ToDouble(sy), "dtargets (seed)", 1e-5);
        }

        [Fact]
        public void ExpectileRegressionLoss_tau_out_of_range_throws_in_the_second_expectile()
        {
            var (w, b, f, y) = (TestData.ToFloat(M(1703, 2, 3)), VF(1704, 2), JF(1705, 4, 3), VF(1706, 4));
            var taus = new[] { 0.3f, 1.2f };
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.ExpectileRegressionLoss(w, b, taus, f, y), () => NaturalRound16.ExpectileRegressionLossForward(w, b, taus, f, y),
                () => NaturalRound16.ExpectileRegressionLossBackward(w, b, taus, f, y, TestData.Garbage(w), new float[2], new float[2], GarbageF(f), new float[4]), "taus");
            var y3 = VF(1707, 3);
            var ok = new[] { 0.3f, 0.6f };
            SameThrow<ArgumentException>(() => NaturalRound16.ExpectileRegressionLoss(w, b, ok, f, y3), () => NaturalRound16.ExpectileRegressionLossForward(w, b, ok, f, y3),
                () => NaturalRound16.ExpectileRegressionLossBackward(w, b, ok, f, y3, TestData.Garbage(w), new float[2], new float[2], GarbageF(f), new float[3]), "features/targets mismatch");
        }

        // ---- finance ----

        private static readonly double[] Maturities = { 0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 30 };

        [Fact]
        public void NelsonSiegelFit()
        {
            // maturities away from the m < 1e-6 short-rate branch. The parameter struct p is data: no gradient is generated for it.
            var p = new NaturalRound16.NelsonSiegelFitParams(0.045, -0.02, 0.015, 1.8);
            var noise = V(1708, 10, 2e-4);
            var yields = Maturities.Select((m, i) => 0.04 - 0.018 * (1 - Math.Exp(-m / 2)) / (m / 2) + noise[i]).ToArray();
            Check("NelsonSiegelFit", p, (double[])Maturities.Clone(), yields, new[] { 1.0, 1, 1, 2, 2, 2, 1, 1, 0.5, 0.5 });
        }

        [Fact]
        public void NelsonSiegelFit_short_rate_branch_value()
        {
            var p = new NaturalRound16.NelsonSiegelFitParams(0.045, -0.02, 0.015, 1.8);
            var (m, y, w) = (new[] { 0.0, 1.0 }, new[] { 0.026, 0.03 }, new[] { 1.0, 1.0 });
            double v = NaturalRound16.NelsonSiegelFit(p, m, y, w);
            DiffGen.Tests.Check.Forward(v, NaturalRound16.NelsonSiegelFitForward(p, m, y, w), "Forward");
            var gy = new double[2];
            DiffGen.Tests.Check.Forward(v, NaturalRound16.NelsonSiegelFitBackward(p, m, y, w, new double[2], gy, new double[2]), "Backward value");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound16.NelsonSiegelFit(p, m, y, w), y), gy, "dobservedYields");
        }

        [Fact]
        public void NelsonSiegelFit_guards_throw()
        {
            var bad = new NaturalRound16.NelsonSiegelFitParams(0.04, -0.02, 0.01, 0);
            var (m, y, w) = (new[] { 1.0, 2.0 }, new[] { 0.03, 0.031 }, new[] { 1.0, 1.0 });
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound16.NelsonSiegelFit(bad, m, y, w), () => NaturalRound16.NelsonSiegelFitForward(bad, m, y, w),
                () => NaturalRound16.NelsonSiegelFitBackward(bad, m, y, w, new double[2], new double[2], new double[2]), "tau must be positive");
            var ok = bad with { Tau = 2 };
            var w1 = new[] { 1.0 };
            SameThrow<ArgumentException>(() => NaturalRound16.NelsonSiegelFit(ok, m, y, w1), () => NaturalRound16.NelsonSiegelFitForward(ok, m, y, w1),
                () => NaturalRound16.NelsonSiegelFitBackward(ok, m, y, w1, new double[2], new double[2], new double[1]), "curve arrays must have the same length");
        }

        [Fact]
        public void SoftplusBarrierPortfolio()
        {
            // -0.7: the softplus argument 35 > 30 takes the linear branch; the others its log branch, all away from 30
            var weights = new[] { 0.3, 0.25, -0.05, 0.4, -0.7, 0.8 };
            var mu = V(1709, 6, 0.05).Select(v => 0.06 + v).ToArray();
            var variances = V(1710, 6, 0.005).Select(v => 0.02 + Math.Abs(v)).ToArray();
            Check("SoftplusBarrierPortfolio", weights, mu, J(1711, 6, 2, 0.5), new[] { 0.04, 0.02 }, variances, 3.0, 10.0, 50.0);
        }

        [Fact]
        public void SoftplusBarrierPortfolio_length_guard_throws()
        {
            var (w, mu, b) = (new[] { 0.5, 0.5 }, new[] { 0.1, 0.1, 0.1 }, J(1712, 2, 2));
            var (fv, iv) = (new[] { 0.04, 0.02 }, new[] { 0.01, 0.01 });
            SameThrow<ArgumentException>(() => NaturalRound16.SoftplusBarrierPortfolio(w, mu, b, fv, iv, 3, 10), () => NaturalRound16.SoftplusBarrierPortfolioForward(w, mu, b, fv, iv, 3, 10),
                () => NaturalRound16.SoftplusBarrierPortfolioBackward(w, mu, b, fv, iv, 3, 10, 50, new double[2], new double[3], TestData.Garbage(b), new double[2], new double[2], out _, out _, out _),
                "asset arrays must have the same length");
        }
    }
}
