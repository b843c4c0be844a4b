using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 15 (<see cref="NaturalRound15"/>): the third probe batch written without DiffGen's documentation, each accepted
    /// function checked as written by <see cref="MethodOracle"/>; by hand the span method (ArmaResidualSse) and the float method
    /// with a <c>float[][]</c> (ArcFaceMarginLoss, which MethodOracle does not widen). Every function with a throw: the method,
    /// Forward and Backward throw the same exception with the same message.
    /// </summary>
    public class NaturalRound15Tests
    {
        private static readonly Type T = typeof(NaturalRound15);

        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c) => TestData.Matrix(new Random(seed), r, c);
        private static double[][] J(int seed, int r, int c) => TestData.Jagged(new Random(seed), r, c);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static void SameThrow<TEx>(Action user, Action forward, Action backward, string messagePart) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(user);
            Assert.Contains(messagePart, expected.Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(forward).Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(backward).Message);
        }

        // ---- metric learning, classification ----

        [Fact] public void ContrastiveMarginLoss() => Check("ContrastiveMarginLoss", J(1501, 4, 3), J(1502, 4, 3), new[] { 1, 0, 1, 0 }, 3.0);

        [Fact]
        public void ContrastiveMarginLoss_batch_mismatch_throws()
        {
            var (a, b, same) = (J(1503, 4, 3), J(1504, 4, 3), new[] { 1, 0, 1 });
            SameThrow<ArgumentException>(() => NaturalRound15.ContrastiveMarginLoss(a, b, same, 3.0), () => NaturalRound15.ContrastiveMarginLossForward(a, b, same, 3.0),
                () => NaturalRound15.ContrastiveMarginLossBackward(a, b, same, 3.0, TestData.Garbage(a), TestData.Garbage(b), out _), "batch size mismatch");
        }

        [Fact] public void CenterLoss() => Check("CenterLoss", M(1505, 6, 3), new[] { 0, 1, 2, 0, 1, 2 }, M(1506, 3, 3), 0.5);

        [Fact]
        public void CenterLoss_label_out_of_range_throws_inside_the_loop()
        {
            var (f, c) = (M(1507, 4, 3), M(1508, 3, 3));
            var labels = new[] { 0, 1, 5, 2 };
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.CenterLoss(f, labels, c, 0.5), () => NaturalRound15.CenterLossForward(f, labels, c, 0.5),
                () => NaturalRound15.CenterLossBackward(f, labels, c, 0.5, TestData.Garbage(f), TestData.Garbage(c), out _), "labels");
        }

        [Fact]
        public void ArcFaceMarginLoss()
        {
            // float[][] classWeights: MethodOracle widens float[] and float[,] only, so by hand against the double twin
            var emb = TestData.ToFloat(V(1509, 4));
            var w = J(1510, 3, 4).Select(TestData.ToFloat).ToArray();
            const int target = 1;
            const float scale = 16f, margin = 0.4f;
            float value = NaturalRound15.ArcFaceMarginLoss(emb, w, target, scale, margin);
            DiffGen.Tests.Check.Near(value, NaturalRound15.ArcFaceMarginLossForward(emb, w, target, scale, margin), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (embBefore, wBefore) = (TestData.ToDouble(emb), w.Select(TestData.ToDouble).ToArray());
            var ge = TestData.Garbage(emb);
            var gw = w.Select(TestData.Garbage).ToArray();
            float b = NaturalRound15.ArcFaceMarginLossBackward(emb, w, target, scale, margin, ge, gw, out float gs, out float gm);
            DiffGen.Tests.Check.Near(value, b, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(embBefore, TestData.ToDouble(emb), "embedding");
            DiffGen.Tests.Check.Unchanged(wBefore, w.Select(TestData.ToDouble).ToArray(), "classWeights");

            var (ed, wd) = (TestData.ToDouble(emb), w.Select(TestData.ToDouble).ToArray());
            double L() => NaturalRound15.ArcFaceMarginLossTwin(ed, wd, target, scale, margin);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, ed), ge, "dembedding");
            for (int c = 0; c < w.Length; c++) DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, wd[c]), gw[c], $"dclassWeights[{c}]");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(s => NaturalRound15.ArcFaceMarginLossTwin(ed, wd, target, s, margin), scale), gs, "dscale", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(m => NaturalRound15.ArcFaceMarginLossTwin(ed, wd, target, scale, m), margin), gm, "dmargin", DiffGen.Tests.Check.FloatGradTol);

            // seed scaling
            const float seed = -2.5f;
            var se = TestData.Garbage(emb);
            var sw = w.Select(TestData.Garbage).ToArray();
            NaturalRound15.ArcFaceMarginLossBackward(emb, w, target, scale, margin, se, sw, out float ss, out float sm, seed);
            DiffGen.Tests.Check.Gradient(TestData.ToDouble(ge).Select(x => seed * x).ToArray(), TestData.ToDouble(se), "dembedding (seed)", 1e-5);
            for (int c = 0; c < w.Length; c++)
                DiffGen.Tests.Check.Gradient(TestData.ToDouble(gw[c]).Select(x => seed * x).ToArray(), TestData.ToDouble(sw[c]), $"dclassWeights[{c}] (seed)", 1e-5);
            DiffGen.Tests.Check.Near(seed * gs, ss, 1e-5, "dscale (seed)");
            DiffGen.Tests.Check.Near(seed * gm, sm, 1e-5, "dmargin (seed)");
        }

        [Fact] public void CtcForwardNll() => Check("CtcForwardNll", LogSoftmaxRows(M(1511, 6, 4)), new[] { 1, 2, 2 }, 0);
        [Fact] public void CtcForwardNll_other_blank() => Check("CtcForwardNll", LogSoftmaxRows(M(1512, 5, 4)), new[] { 0, 1 }, 3);

        private static double[,] LogSoftmaxRows(double[,] z)
        {
            var r = new double[z.GetLength(0), z.GetLength(1)];
            for (int i = 0; i < z.GetLength(0); i++)
            {
                double m = double.NegativeInfinity, s = 0;
                for (int j = 0; j < z.GetLength(1); j++) m = Math.Max(m, z[i, j]);
                for (int j = 0; j < z.GetLength(1); j++) s += Math.Exp(z[i, j] - m);
                for (int j = 0; j < z.GetLength(1); j++) r[i, j] = z[i, j] - m - Math.Log(s);
            }
            return r;
        }

        [Fact] public void BatchNormTrainForward() => Check("BatchNormTrainForward", M(1513, 5, 3), V(1514, 3), V(1515, 3), new double[5, 3], 1e-5);

        [Fact]
        public void BatchNormTrainForward_one_sample_throws()
        {
            var x = M(1516, 1, 3);
            var (g, be) = (V(1517, 3), V(1518, 3));
            SameThrow<ArgumentException>(() => NaturalRound15.BatchNormTrainForward(x, g, be, new double[1, 3]), () => NaturalRound15.BatchNormTrainForwardForward(x, g, be, new double[1, 3]),
                () => NaturalRound15.BatchNormTrainForwardBackward(x, g, be, new double[1, 3], 1e-5, TestData.Garbage(x), new double[3], new double[3], new double[1, 3], out _),
                "batch norm in training mode needs at least 2 samples");
        }

        [Theory]
        [InlineData(NaturalRound15.MishMlpLossActivation.Mish)]
        [InlineData(NaturalRound15.MishMlpLossActivation.Swish)]
        [InlineData(NaturalRound15.MishMlpLossActivation.Tanh)]
        public void MishMlpLoss(NaturalRound15.MishMlpLossActivation act) =>
            Check("MishMlpLoss", TestData.ToFloat(V(1519, 3)), TestData.ToFloat(M(1520, 4, 3)), TestData.ToFloat(V(1521, 4)), TestData.ToFloat(V(1522, 4)), 0.1f, 0.7f, act);

        [Fact]
        public void MishMlpLoss_unknown_activation_throws_in_the_switch()
        {
            var (x, w1, b1, w2) = (TestData.ToFloat(V(1523, 3)), TestData.ToFloat(M(1524, 4, 3)), TestData.ToFloat(V(1525, 4)), TestData.ToFloat(V(1526, 4)));
            var act = (NaturalRound15.MishMlpLossActivation)7;
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.MishMlpLoss(x, w1, b1, w2, 0.1f, 0.7f, act), () => NaturalRound15.MishMlpLossForward(x, w1, b1, w2, 0.1f, 0.7f, act),
                () => NaturalRound15.MishMlpLossBackward(x, w1, b1, w2, 0.1f, 0.7f, act, TestData.Garbage(x), TestData.Garbage(w1), TestData.Garbage(b1), TestData.Garbage(w2), out _, out _), "act");
        }

        [Fact]
        public void LstmCellStep() => Check("LstmCellStep", new NaturalRound15.LstmCellStepWeights(J(1527, 12, 2), J(1528, 12, 3), V(1529, 12)),
            V(1530, 2), V(1531, 3), V(1532, 3), new double[3], new double[3]);

        [Theory]
        [InlineData(NaturalRound15.MulticlassSvmHingeVariant.WestonWatkins)]
        [InlineData(NaturalRound15.MulticlassSvmHingeVariant.CrammerSinger)]
        [InlineData(NaturalRound15.MulticlassSvmHingeVariant.Squared)]
        public void MulticlassSvmHinge(NaturalRound15.MulticlassSvmHingeVariant variant) =>
            Check("MulticlassSvmHinge", J(1533, 5, 4), new[] { 0, 2, 1, 3, 2 }, variant, V(1534, 3), 0.1);

        [Fact]
        public void MulticlassSvmHinge_unknown_variant_throws_in_the_loop()
        {
            var (s, w) = (J(1535, 3, 4), V(1536, 3));
            var y = new[] { 0, 1, 2 };
            var variant = (NaturalRound15.MulticlassSvmHingeVariant)9;
            SameThrow<NotSupportedException>(() => NaturalRound15.MulticlassSvmHinge(s, y, variant, w, 0.1), () => NaturalRound15.MulticlassSvmHingeForward(s, y, variant, w, 0.1),
                () => NaturalRound15.MulticlassSvmHingeBackward(s, y, variant, w, 0.1, TestData.Garbage(s), TestData.Garbage(w), out _), "Unknown SVM variant 9");
        }

        [Theory]
        [InlineData(NaturalRound15.WeightedLogisticL2Reduction.Mean)]
        [InlineData(NaturalRound15.WeightedLogisticL2Reduction.Sum)]
        [InlineData(NaturalRound15.WeightedLogisticL2Reduction.WeightedMean)]
        public void WeightedLogisticL2(NaturalRound15.WeightedLogisticL2Reduction reduction) =>
            Check("WeightedLogisticL2", J(1537, 6, 3), new[] { 1, 0, 1, 1, 0, 0 }, V(1538, 3), 0.1, 0.05, 2.0, reduction);

        [Fact]
        public void WeightedLogisticL2_unknown_reduction_throws_in_the_switch_expression()
        {
            var (x, w) = (J(1539, 3, 3), V(1540, 3));
            var y = new[] { 1, 0, 1 };
            var r = (NaturalRound15.WeightedLogisticL2Reduction)5;
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.WeightedLogisticL2(x, y, w, 0.1, 0.05, 2.0, r), () => NaturalRound15.WeightedLogisticL2Forward(x, y, w, 0.1, 0.05, 2.0, r),
                () => NaturalRound15.WeightedLogisticL2Backward(x, y, w, 0.1, 0.05, 2.0, r, TestData.Garbage(x), TestData.Garbage(w), out _, out _, out _), "reduction");
        }

        // ---- optimal transport, time series, statistics ----

        [Fact]
        public void SinkhornTransportCost()
        {
            var (p, q) = (V(1541, 3), V(1542, 4));
            var cost = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 4).Select(j => (p[i] - q[j]) * (p[i] - q[j])).ToArray()).ToArray();
            Check("SinkhornTransportCost", cost, new[] { 0.2, 0.5, 0.3 }, new[] { 0.25, 0.25, 0.25, 0.25 }, 0.5, 50);
        }

        [Fact]
        public void ArmaResidualSse()
        {
            // ReadOnlySpan<double> series (Span gradient): by hand
            var series = V(1543, 12);
            var phi = new[] { 0.5, -0.2 };
            var theta = new[] { 0.3 };
            const double mu = 0.1;
            double value = NaturalRound15.ArmaResidualSse(series, phi, theta, mu);
            DiffGen.Tests.Check.Forward(value, NaturalRound15.ArmaResidualSseForward(series, phi, theta, mu), "Forward");
            var (sb, pb, tb) = (TestData.Clone(series), TestData.Clone(phi), TestData.Clone(theta));
            var (gs, gp, gt) = (TestData.Garbage(series), TestData.Garbage(phi), TestData.Garbage(theta));
            double b = NaturalRound15.ArmaResidualSseBackward(series, phi, theta, mu, gs, gp, gt, out double gmu);
            DiffGen.Tests.Check.Forward(value, b, "Backward value");
            DiffGen.Tests.Check.Unchanged(sb, series, "series");
            DiffGen.Tests.Check.Unchanged(pb, phi, "phi");
            DiffGen.Tests.Check.Unchanged(tb, theta, "theta");
            double L() => NaturalRound15.ArmaResidualSse(series, phi, theta, mu);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, series), gs, "dseries");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, phi), gp, "dphi");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, theta), gt, "dtheta");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(m => NaturalRound15.ArmaResidualSse(series, phi, theta, m), mu), gmu, "dmu");

            const double seed = -2.5;
            var (ss, sp, st) = (TestData.Garbage(series), TestData.Garbage(phi), TestData.Garbage(theta));
            NaturalRound15.ArmaResidualSseBackward(series, phi, theta, mu, ss, sp, st, out double smu, seed);
            DiffGen.Tests.Check.Scaled(gs, ss, seed, "dseries");
            DiffGen.Tests.Check.Scaled(gp, sp, seed, "dphi");
            DiffGen.Tests.Check.Scaled(gt, st, seed, "dtheta");
            DiffGen.Tests.Check.Scaled(gmu, smu, seed, "dmu");
        }

        [Fact]
        public void ArmaResidualSse_short_series_throws()
        {
            var series = new[] { 0.1, 0.2 };
            var (phi, theta) = (new[] { 0.5, -0.2 }, new[] { 0.3 });
            SameThrow<ArgumentException>(() => NaturalRound15.ArmaResidualSse(series, phi, theta, 0.1), () => NaturalRound15.ArmaResidualSseForward(series, phi, theta, 0.1),
                () => NaturalRound15.ArmaResidualSseBackward(series, phi, theta, 0.1, new double[2], new double[2], new double[1], out _), "series too short for the model order");
        }

        [Fact] public void Garch11NegLogLik() => Check("Garch11NegLogLik", V(1544, 12, 0.1), 0.002, 0.1, 0.8);

        [Theory]
        [InlineData(0.0, 0.1, 0.8, "omega must be > 0")]
        [InlineData(0.002, -0.1, 0.8, "alpha and beta must be non-negative")]
        [InlineData(0.002, 0.3, 0.7, "non-stationary: alpha + beta >= 1")]
        public void Garch11NegLogLik_helper_check_throws(double omega, double alpha, double beta, string message)
        {
            var r = V(1545, 6, 0.1);
            Action user = () => NaturalRound15.Garch11NegLogLik(r, omega, alpha, beta);
            Action fwd = () => NaturalRound15.Garch11NegLogLikForward(r, omega, alpha, beta);
            Action bwd = () => NaturalRound15.Garch11NegLogLikBackward(r, omega, alpha, beta, new double[6], out _, out _, out _);
            if (message.StartsWith("non-stationary", StringComparison.Ordinal)) SameThrow<ArgumentException>(user, fwd, bwd, message);
            else SameThrow<ArgumentOutOfRangeException>(user, fwd, bwd, message);
        }

        [Fact] public void OrdinalLogitLoss() => Check("OrdinalLogitLoss", V(1546, 6), new[] { 0, 1, 2, 3, 1, 2 }, new[] { -1.0, 0.2, 1.1 });

        [Fact]
        public void OrdinalLogitLoss_helper_check_and_label_check_throw()
        {
            var s = V(1547, 3);
            var th = new[] { 0.5, 0.2 };
            var labels = new[] { 0, 1, 2 };
            SameThrow<ArgumentException>(() => NaturalRound15.OrdinalLogitLoss(s, labels, th), () => NaturalRound15.OrdinalLogitLossForward(s, labels, th),
                () => NaturalRound15.OrdinalLogitLossBackward(s, labels, th, new double[3], new double[2]), "thresholds must be strictly increasing (index 1)");
            var ok = new[] { -0.5, 0.5 };
            var bad = new[] { 0, 4, 1 };
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.OrdinalLogitLoss(s, bad, ok), () => NaturalRound15.OrdinalLogitLossForward(s, bad, ok),
                () => NaturalRound15.OrdinalLogitLossBackward(s, bad, ok, new double[3], new double[2]), "label 4 out of range");
        }

        // ---- simulation, robotics, geometry ----

        [Fact]
        public void VerletSpringDamper() => Check("VerletSpringDamper", new NaturalRound15.VerletSpringDamperParams(1.0, 4.0, 0.3), 1.0, 0.2, V(1548, 25, 0.5), 0.05);

        [Fact]
        public void VerletSpringDamper_non_positive_mass_throws()
        {
            var p = new NaturalRound15.VerletSpringDamperParams(0.0, 4.0, 0.3);
            var obs = V(1549, 5);
            SameThrow<ArgumentException>(() => NaturalRound15.VerletSpringDamper(p, 1.0, 0.2, obs, 0.05), () => NaturalRound15.VerletSpringDamperForward(p, 1.0, 0.2, obs, 0.05),
                () => NaturalRound15.VerletSpringDamperBackward(p, 1.0, 0.2, obs, 0.05, out _, out _, new double[5], out _), "mass must be positive");
        }

        [Theory]
        [InlineData(30.0, 0.7, 0.02, 1.5, 60.0)]
        [InlineData(12.0, 1.1, 0.0, 1.0, 5.0)] // no drag
        public void ProjectileDragMiss(double speed, double angle, double drag, double mass, double targetX) =>
            // about 4,000 dependent time steps: the seeded gradient's rounding drifts to ~1e-12 relative (seen: 1.1e-12 once
            // the squares' adjoints became one accumulation), so seed scaling gets 1e-10; finite differences keep their tolerance
            MethodOracle.Check(T, "ProjectileDragMiss", new object?[] { speed, angle, drag, mass, targetX }, seedTol: 1e-10);

        [Fact]
        public void ProjectileDragMiss_never_lands_throws_after_the_loop()
        {
            // straight up at 5000 m/s without drag: ~1000 s in the air, past the 200 s budget
            SameThrow<InvalidOperationException>(() => NaturalRound15.ProjectileDragMiss(5000, Math.PI / 2, 0, 1, 0), () => NaturalRound15.ProjectileDragMissForward(5000, Math.PI / 2, 0, 1, 0),
                () => NaturalRound15.ProjectileDragMissBackward(5000, Math.PI / 2, 0, 1, 0, out _, out _, out _, out _, out _), "projectile never landed");
        }

        [Theory]
        [InlineData(0f, 0f, -5f, 0.1f, 0.05f, 1f, 0.2f, -0.1f, 0f, 1f)]  // hit
        [InlineData(0f, 0f, -5f, 0.1f, 0.05f, 1f, 2f, 0.5f, 0f, 1f)]     // miss (disc < 0)
        [InlineData(0f, 0f, -5f, 0f, 0.1f, -1f, 0f, 0.3f, 0f, 1f)]       // sphere behind the origin (b > 0)
        public void RaySphereSoftHit(float ox, float oy, float oz, float dx, float dy, float dz, float cx, float cy, float cz, float radius) =>
            Check("RaySphereSoftHit", new NaturalRound15.RaySphereSoftHitVec3(ox, oy, oz), new NaturalRound15.RaySphereSoftHitVec3(dx, dy, dz),
                new NaturalRound15.RaySphereSoftHitVec3(cx, cy, cz), radius, 10f);

        [Fact] public void ThreeLinkIkLoss() => Check("ThreeLinkIkLoss", 0.3, 0.5, -0.2, new[] { 1.0, 0.8, 0.5 }, 1.2, 1.0, 1e-3);

        [Fact]
        public void ThreeLinkIkLoss_wrong_link_count_throws()
        {
            var links = new[] { 1.0, 0.8 };
            SameThrow<ArgumentException>(() => NaturalRound15.ThreeLinkIkLoss(0.3, 0.5, -0.2, links, 1.2, 1.0), () => NaturalRound15.ThreeLinkIkLossForward(0.3, 0.5, -0.2, links, 1.2, 1.0),
                () => NaturalRound15.ThreeLinkIkLossBackward(0.3, 0.5, -0.2, links, 1.2, 1.0, 1e-3, out _, out _, out _, new double[2], out _, out _, out _), "expected three link lengths");
        }

        [Fact]
        public void TrussStrainEnergy()
        {
            var node = new[] { 0.0, 0.0, 1.05, 0.02, 1.0, 0.97, -0.03, 1.01 };
            NaturalRound15.TrussStrainEnergyMember Bar(int a, int b, double rest) => new() { NodeA = a, NodeB = b, Area = 0.01, Youngs = 200.0, RestLength = rest };
            var members = new[] { Bar(0, 1, 1.0), Bar(1, 2, 1.0), Bar(2, 3, 1.0), Bar(3, 0, 1.0), Bar(0, 2, Math.Sqrt(2)) };
            Check("TrussStrainEnergy", node, members, V(1550, 8, 0.1));
        }

        [Fact]
        public void ReprojectionError()
        {
            var pts = J(1551, 5, 3);
            foreach (var p in pts) p[2] += 5.0;
            var obs = J(1552, 5, 2);
            foreach (var o in obs) { o[0] = 320 + 40 * o[0]; o[1] = 240 + 40 * o[1]; }
            Check("ReprojectionError", new NaturalRound15.ReprojectionErrorCamera(500, 520, 320, 240, -0.1), new[] { 0.1, -0.2, 0.05 }, new[] { 0.1, -0.1, 0.5 }, pts, obs);
        }

        [Fact]
        public void ReprojectionError_point_behind_the_camera_throws_inside_the_loop()
        {
            var pts = J(1553, 4, 3);
            foreach (var p in pts) p[2] += 5.0;
            pts[2][2] = -20.0;
            var obs = J(1554, 4, 2);
            var cam = new NaturalRound15.ReprojectionErrorCamera(500, 520, 320, 240, -0.1);
            var (r, t) = (new[] { 0.1, -0.2, 0.05 }, new[] { 0.1, -0.1, 0.5 });
            SameThrow<ArgumentException>(() => NaturalRound15.ReprojectionError(cam, r, t, pts, obs), () => NaturalRound15.ReprojectionErrorForward(cam, r, t, pts, obs),
                () => NaturalRound15.ReprojectionErrorBackward(cam, r, t, pts, obs, new double[3], new double[3], TestData.Garbage(pts), TestData.Garbage(obs)), "point 2 is behind the camera");
        }

        // ---- numerical methods ----

        [Theory]
        [InlineData(2e5, 0.005)]
        [InlineData(1e6, 0.001)]
        [InlineData(5e4, 0.0)] // smooth pipe
        public void ColebrookFrictionFactor(double reynolds, double relRoughness) => Check("ColebrookFrictionFactor", reynolds, relRoughness);

        [Fact]
        public void ColebrookFrictionFactor_laminar_and_no_convergence_throw()
        {
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.ColebrookFrictionFactor(1000, 0.001), () => NaturalRound15.ColebrookFrictionFactorForward(1000, 0.001),
                () => NaturalRound15.ColebrookFrictionFactorBackward(1000, 0.001, out _, out _), "Colebrook is for turbulent flow");
            // a negative roughness makes the log's argument negative: NaN steps never pass the test, the loop runs out
            SameThrow<InvalidOperationException>(() => NaturalRound15.ColebrookFrictionFactor(1e5, -1), () => NaturalRound15.ColebrookFrictionFactorForward(1e5, -1),
                () => NaturalRound15.ColebrookFrictionFactorBackward(1e5, -1, out _, out _), "Colebrook iteration did not converge");
        }

        // Known limitation, not hidden: the water level comes from 60 bisection steps, so reverse mode differentiates the
        // steps as executed (each 'used > totalPower' decision frozen): level = lo + c·(hi − lo) with c fixed, which is the
        // exact derivative of that staircase of 1e-12-wide steps but not of the smooth level (1/3 per filled channel).
        // Central differences see the smooth function. Differentiating a solver needs the implicit-function rule (a custom
        // adjoint), which DiffGen does not offer yet; see docs/natural-csharp.md, round 15.
        [Fact(Skip = "bisection: AD differentiates the iterations (decisions frozen), not the root; documented limitation")]
        public void WaterFillingCapacity() => Check("WaterFillingCapacity", new[] { 0.5, 1.2, 0.8, 2.5 }, 1.5); // level 4/3: three channels filled

        [Fact]
        public void WaterFillingCapacity_value_and_the_gradient_of_the_iterations()
        {
            var noise = new[] { 0.5, 1.2, 0.8, 2.5 };
            double value = NaturalRound15.WaterFillingCapacity(noise, 1.5);
            Assert.Equal(value, NaturalRound15.WaterFillingCapacityForward(noise, 1.5), 12);
            var g = new double[4];
            Assert.Equal(value, NaturalRound15.WaterFillingCapacityBackward(noise, 1.5, g, out double gp), 12);
            // the frozen-decision derivative: level = lo + c·(hi − lo), lo = min(noise), hi = max(noise) + P, c from the bisection
            double lo = noise.Min(), hi = noise.Max() + 1.5, level = 4.0 / 3.0;
            double c = (level - lo) / (hi - lo);
            double dCapdLevel = 0;
            foreach (var n in noise) if (level > n) dCapdLevel += 1 / ((n + level - n) * Math.Log(2)); // d/dlevel log2(1 + (level − n)/n) = 1/(level·ln 2)
            Assert.Equal(c * dCapdLevel, gp, 4);
        }

        [Fact]
        public void WaterFillingCapacity_non_positive_power_throws()
        {
            var noise = new[] { 0.5, 1.2 };
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.WaterFillingCapacity(noise, 0), () => NaturalRound15.WaterFillingCapacityForward(noise, 0),
                () => NaturalRound15.WaterFillingCapacityBackward(noise, 0, new double[2], out _), "totalPower");
        }

        private static double[,] SymmetricPositive()
        {
            var a = M(1555, 4, 4);
            var s = new double[4, 4];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) s[i, j] = 0.5 * (a[i, j] + a[j, i]) + (i == j ? 2.0 * (i + 1) : 0.0);
            return s;
        }

        [Fact] public void PowerIterationRayleigh() => Check("PowerIterationRayleigh", SymmetricPositive(), 100);

        [Fact]
        public void PowerIterationRayleigh_throws_for_a_non_square_matrix_and_inside_the_loop_for_zero()
        {
            var rect = M(1556, 3, 4);
            SameThrow<ArgumentException>(() => NaturalRound15.PowerIterationRayleigh(rect, 10), () => NaturalRound15.PowerIterationRayleighForward(rect, 10),
                () => NaturalRound15.PowerIterationRayleighBackward(rect, 10, TestData.Garbage(rect)), "matrix must be square");
            var zero = new double[3, 3];
            SameThrow<InvalidOperationException>(() => NaturalRound15.PowerIterationRayleigh(zero, 10), () => NaturalRound15.PowerIterationRayleighForward(zero, 10),
                () => NaturalRound15.PowerIterationRayleighBackward(zero, 10, new double[3, 3]), "A v = 0; start vector in the null space");
        }

        private static double[,] DiagonallyDominant()
        {
            var a = M(1557, 4, 4);
            for (int i = 0; i < 4; i++) a[i, i] += 5.0 * Math.Sign(a[i, i] + 0.01);
            return a;
        }

        [Fact] public void GaussSeidelSolve() => Check("GaussSeidelSolve", DiagonallyDominant(), V(1558, 4), V(1559, 4, 0.1), 25);

        [Fact]
        public void GaussSeidelSolve_zero_pivot_throws()
        {
            var a = DiagonallyDominant();
            a[1, 1] = 0;
            var b = V(1560, 4);
            SameThrow<ArgumentException>(() => NaturalRound15.GaussSeidelSolve(a, b, new double[4]), () => NaturalRound15.GaussSeidelSolveForward(a, b, new double[4]),
                () => NaturalRound15.GaussSeidelSolveBackward(a, b, new double[4], 25, new double[4, 4], new double[4], new double[4]), "zero pivot at row 1");
        }

        [Fact]
        public void CubicSplineFitLoss() => Check("CubicSplineFitLoss", new[] { 0.0, 1.0, 2.2, 3.0, 4.1 }, V(1561, 5),
            new[] { 0.3, 0.9, 1.7, 2.5, 3.4, 3.9, 4.5 }, V(1562, 7)); // 4.5: past the last knot (the last segment extrapolates)

        [Fact]
        public void CubicSplineFitLoss_two_knots_throw()
        {
            var (kx, ky, qx, ty) = (new[] { 0.0, 1.0 }, new[] { 0.5, 0.2 }, new[] { 0.4 }, new[] { 0.3 });
            SameThrow<ArgumentException>(() => NaturalRound15.CubicSplineFitLoss(kx, ky, qx, ty), () => NaturalRound15.CubicSplineFitLossForward(kx, ky, qx, ty),
                () => NaturalRound15.CubicSplineFitLossBackward(kx, ky, qx, ty, new double[2], new double[2], new double[1], new double[1]), "need at least 3 knots");
        }

        [Fact] public void TrapezoidDissipatedEnergy() => Check("TrapezoidDissipatedEnergy", 0.1, 0.05, 6.0, 5.0, 400);

        [Fact]
        public void TrapezoidDissipatedEnergy_guards_throw()
        {
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.TrapezoidDissipatedEnergy(0.1, 0.05, 6, 5, 0), () => NaturalRound15.TrapezoidDissipatedEnergyForward(0.1, 0.05, 6, 5, 0),
                () => NaturalRound15.TrapezoidDissipatedEnergyBackward(0.1, 0.05, 6, 5, 0, out _, out _, out _, out _), "panels");
            SameThrow<ArgumentException>(() => NaturalRound15.TrapezoidDissipatedEnergy(0.1, 1.0, 6, 5), () => NaturalRound15.TrapezoidDissipatedEnergyForward(0.1, 1.0, 6, 5),
                () => NaturalRound15.TrapezoidDissipatedEnergyBackward(0.1, 1.0, 6, 5, 400, out _, out _, out _, out _), "only the underdamped case is handled");
        }

        // ---- accepted since round 15's recursion change ----

        [Theory]
        [InlineData(3.5)] // log-gamma of 2.25 and 1.75: no reflection
        [InlineData(0.6)] // log-gamma of 0.3: the reflection formula, one recursive call
        public void StudentTNll(double nu) => Check("StudentTNll", V(1590, 6), 0.2, -0.3, nu);

        [Fact]
        public void StudentTNll_non_positive_degrees_of_freedom_throw() =>
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound15.StudentTNll(V(1591, 3), 0, 0, -1), () => NaturalRound15.StudentTNllForward(V(1591, 3), 0, 0, -1),
                () => NaturalRound15.StudentTNllBackward(V(1591, 3), 0, 0, -1, new double[3], out _, out _, out _), "degrees of freedom must be positive");

        [Theory]
        [InlineData(6)]
        [InlineData(40)] // a tail call is a loop: no depth limit
        public void ChebyshevFitLoss(int terms) => Check("ChebyshevFitLoss", V(1592, terms, 0.5), V(1593, 5, 0.4).Select(v => 0.5 + v).ToArray(), V(1594, 5), -0.5, 1.5);
    }
}
