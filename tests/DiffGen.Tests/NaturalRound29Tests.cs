using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 29 (<see cref="NaturalRound29"/>, <see cref="Round29DenseLayer"/>): probe batch 29's 38 accepted functions (40
    /// small natural functions, one idiom each; Physics.ParticleSystemEnergy, DIFF0004, and Graphics.BezierPoint, DIFF0006,
    /// left out), each checked as written by <see cref="MethodOracle"/> (the four float methods against their double twins)
    /// with the inputs of the batch's own sample program (Random(29), replayed in its order by <see cref="Sample"/>, the same
    /// sizes), and the other side of the branches, modes, hinges and loop counts where cheap. Losses.SmoothL1, whose enum
    /// default (Reduction.Mean) made the probe's generated code fail to compile (CS1750), is checked for each reduction; the
    /// sample program has no inputs for it, so it takes MseLoss's (pred and target from V(12, -2, 2)). By hand (signatures
    /// MethodOracle cannot drive): DenseLayer's instance method (W and B fields) against central differences of the user's
    /// instance method; LogCoshLoss and EmaEnergy (ReadOnlySpan inputs, Span gradients; with arrays and with slices of
    /// longer arrays; EmaEnergy at length 20, its stackalloc scratch, and 300, its heap scratch); LogSumExp's params call.
    /// Bad input (each guard clause, <see cref="MethodOracle.BadInput{TEx}"/>): MseLoss's two, BlackScholesCall's two,
    /// SmoothL1's switch default. Inputs are the sample's (other sides added: KlDivergence's skipped p entries at -0.3 and
    /// -0.1, not at 0, where x log x has an infinite slope; PhongIntensity with the view past the highlight, r · v &lt; 0,
    /// where spec = Pow(0, shininess) = 0 and d/dshininess is 0); no Huber or smooth-L1 zone, argmax, hinge, leaky-ReLU
    /// side, Clamp or Max, Atan2 branch, or ground-hit step changes under the step at these inputs.
    /// </summary>
    public class NaturalRound29Tests
    {
        private static readonly Type T = typeof(NaturalRound29);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        /// <summary>The batch's sample program (Program.cs, Random(29)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[] MsePred, MseTarget;
            public readonly double[] HuberPred, HuberTarget;
            public readonly double[] SoftmaxLogits;
            public readonly float[] BceLogits, BceTargets;
            public readonly double[] FocalLogits;
            public readonly int[] FocalLabels;
            public readonly double[] KlP, KlQ;
            public readonly double[] Anchor, Positive, Negative;
            public readonly double[] LogCoshPred, LogCoshTarget;
            public readonly double[] MaskPred, MaskTarget;
            public readonly double[][,] MlpWeights;
            public readonly double[][] MlpBiases;
            public readonly double[] MlpInput;
            public readonly Round29DenseLayer Dense;
            public readonly double[] DenseX, DenseTarget;
            public readonly double[,] BnX, BnUpstream;
            public readonly double[] BnGamma, BnBeta;
            public readonly double[,] AttX, AttWq, AttWk, AttWv;
            public readonly double[][] GruXs;
            public readonly double[,] Wz, Uz, Wr, Ur, Wh, Uh;
            public readonly double[] EvLogits, EvValues;
            public readonly float[] LnX, LnGain, LnBias;
            public readonly double[] PoolX, PoolW;
            public readonly double[,,] ConvInput, ConvKernel;
            public readonly double[,] LeakyW1;
            public readonly double[] LeakyW2, LeakyX;
            public readonly double[] SpringXs, SpringYs;
            public readonly double[,] GravPos;
            public readonly double[] GravMass;
            public readonly double[] HeatU0;
            public readonly double[] NllData;
            public readonly double[] LseXs;
            public readonly double[] VarXs;
            public readonly double[] MixData, MixLogitWeights, MixMeans, MixLogSigmas;
            public readonly double[] PearsonX, PearsonY;
            public readonly float[] LogisticW, LogisticY;
            public readonly float[,] LogisticX;
            public readonly double[] PortfolioWeights;
            public readonly double[,] PortfolioCov;
            public readonly double[] EmaX, EmaLongX;
            public readonly float[] FirSignal, FirTaps;
            public readonly double[] DftX;

            private Sample()
            {
                var rng = new Random(29);
                double U(double lo = -1, double hi = 1) => lo + (hi - lo) * rng.NextDouble();
                double[] V(int n, double lo = -1, double hi = 1) { var v = new double[n]; for (int i = 0; i < n; i++) v[i] = U(lo, hi); return v; }
                float[] VF(int n, double lo = -1, double hi = 1) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)U(lo, hi); return v; }
                double[,] M(int r, int c, double lo = -1, double hi = 1) { var m = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = U(lo, hi); return m; }
                float[,] MF(int r, int c) { var m = new float[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = (float)U(); return m; }
                double[,,] T3(int a, int b, int c) { var m = new double[a, b, c]; for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) m[i, j, k] = U(); return m; }

                // Losses
                MsePred = V(12, -2, 2); MseTarget = V(12, -2, 2);
                HuberPred = V(12, -2.5, 2.5); HuberTarget = V(12, -2.5, 2.5);
                SoftmaxLogits = V(7, -3, 3);
                BceLogits = VF(10, -3, 3); BceTargets = Enumerable.Range(0, 10).Select(i => (float)(i % 2)).ToArray();
                FocalLogits = V(10, -2, 2); FocalLabels = Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
                KlP = V(8, 0.05, 1); KlQ = V(8, 0.05, 1);
                Anchor = V(6);
                Positive = Anchor.Select(x => x + U(-1, 1)).ToArray();
                Negative = Anchor.Select(x => x + U(-0.3, 0.3)).ToArray();
                // SmoothL1: no draws (its generated code did not compile in the probe)
                LogCoshPred = V(12, -2, 2); LogCoshTarget = V(12, -2, 2);
                MaskPred = V(12, -2, 2); MaskTarget = V(12, -2, 2);
                MaskTarget[1] = double.NaN; MaskTarget[5] = double.NaN; MaskTarget[6] = double.NaN;

                // Nn
                int[] widths = { 4, 6, 3, 1 };
                MlpWeights = new double[3][,]; MlpBiases = new double[3][];
                for (int l = 0; l < 3; l++) { MlpWeights[l] = M(widths[l + 1], widths[l]); MlpBiases[l] = V(widths[l + 1], -0.2, 0.2); }
                MlpInput = V(4);
                Dense = new Round29DenseLayer(5, 3, rng);
                DenseX = V(5); DenseTarget = V(3, 0, 1);
                BnX = M(6, 3, -2, 2); BnGamma = V(3, 0.5, 1.5); BnBeta = V(3); BnUpstream = M(6, 3);
                AttX = M(5, 4); AttWq = M(4, 3); AttWk = M(4, 3); AttWv = M(4, 3);
                GruXs = Enumerable.Range(0, 5).Select(_ => V(3)).ToArray();
                Wz = M(4, 3); Uz = M(4, 4); Wr = M(4, 3); Ur = M(4, 4); Wh = M(4, 3); Uh = M(4, 4);
                EvLogits = V(8, -2, 2); EvValues = V(8, -5, 5);
                LnX = VF(8, -2, 2); LnGain = VF(8, 0.5, 1.5); LnBias = VF(8, -0.3, 0.3);
                PoolX = V(12, -2, 2); PoolW = V(4);
                ConvInput = T3(2, 5, 6); ConvKernel = T3(2, 3, 3);
                LeakyW1 = M(5, 3); LeakyW2 = V(5); LeakyX = V(3);

                // Physics (ProjectileRange and PendulumFinalAngle draw nothing; ParticleSystemEnergy, not in the corpus, neither)
                SpringXs = V(7, -2, 2); SpringYs = V(7, -2, 2);
                GravPos = M(5, 3, -2, 2); GravMass = V(5, 0.5, 2);
                HeatU0 = V(10, 0, 1);

                // Stats
                NllData = V(15, -1, 3);
                LseXs = V(9, -3, 3);
                VarXs = V(10, -2, 2);
                MixData = V(20, -3, 3); MixLogitWeights = V(3); MixMeans = V(3, -2, 2); MixLogSigmas = V(3, -0.5, 0.5);
                PearsonX = V(10);
                PearsonY = PearsonX.Select(v => 0.6 * v + U(-0.5, 0.5)).ToArray();
                LogisticW = VF(3); LogisticX = MF(8, 3); LogisticY = Enumerable.Range(0, 8).Select(i => (float)(i % 2)).ToArray();

                // Finance, Signal, Graphics (BlackScholesCall, NetPresentValue and PhongIntensity draw nothing)
                PortfolioWeights = V(5, 0, 1);
                var chol = M(5, 5);
                PortfolioCov = new double[5, 5];
                for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 5; k++) PortfolioCov[i, j] += chol[i, k] * chol[j, k];
                EmaX = V(20, 0, 2); EmaLongX = V(300, 0, 2);
                FirSignal = VF(32); FirTaps = VF(5);
                DftX = V(16);
            }
        }

        private static Sample S => Sample.Inputs;

        // ---- Losses ----

        [Fact] public void MseLoss() => Check("MseLoss", S.MsePred, S.MseTarget);

        [Fact]
        public void MseLoss_bad_input()
        {
            Bad<ArgumentException>("MseLoss", "target", S.MsePred, new double[3]);
            Bad<ArgumentException>("MseLoss", "pred", Array.Empty<double>(), Array.Empty<double>());
        }

        [Theory]
        [InlineData(1.0)] // the sample's: both zones
        [InlineData(0.7)] // the sample's second
        [InlineData(10.0)] // all quadratic
        [InlineData(0.01)] // all linear
        public void HuberLoss(double delta) => Check("HuberLoss", S.HuberPred, S.HuberTarget, delta);

        [Theory]
        [InlineData(4)] // the sample's
        [InlineData(0)]
        [InlineData(6)]
        public void SoftmaxCrossEntropy(int label) => Check("SoftmaxCrossEntropy", S.SoftmaxLogits, label);

        [Fact] public void BceWithLogits() => Check("BceWithLogits", S.BceLogits, S.BceTargets);

        [Theory]
        [InlineData(2.0, 0.25)] // the sample's (the defaults)
        [InlineData(1.5, 0.4)] // the sample's second
        public void FocalLoss(double gamma, double alpha) => Check("FocalLoss", S.FocalLogits, S.FocalLabels, gamma, alpha);

        [Fact] public void KlDivergence() => Check("KlDivergence", S.KlP, S.KlQ);

        [Fact]
        public void KlDivergence_zero_entries()
        {
            // p entries <= 0 are skipped (their gradient 0, as is q's there; not 0 itself, where x log x has an infinite slope); the others are the sample's
            var p = (double[])S.KlP.Clone();
            p[2] = -0.3; p[6] = -0.1;
            Check("KlDivergence", p, S.KlQ);
        }

        [Theory]
        [InlineData(0.2)] // the sample's (the default): the hinge is active
        [InlineData(-5.0)] // Max(0, ...) on its other side: no gradient
        public void TripletLoss(double margin) => Check("TripletLoss", S.Anchor, S.Positive, S.Negative, margin);

        [Theory]
        [InlineData(Round29Reduction.Mean, 1.0)] // the default
        [InlineData(Round29Reduction.Sum, 1.0)]
        [InlineData(Round29Reduction.Max, 1.0)]
        [InlineData(Round29Reduction.Mean, 0.5)]
        [InlineData(Round29Reduction.Max, 10.0)] // all quadratic
        public void SmoothL1(Round29Reduction reduction, double beta) => Check("SmoothL1", S.MsePred, S.MseTarget, reduction, beta);

        [Fact]
        public void SmoothL1_default_reduction()
        {
            // the enum default Reduction.Mean, printed as a cast in the generated entry points (CS1750 in the probe)
            double v = NaturalRound29.SmoothL1(S.MsePred, S.MseTarget);
            DiffGen.Tests.Check.Forward(v, NaturalRound29.SmoothL1Forward(S.MsePred, S.MseTarget), "Forward, default reduction");
            DiffGen.Tests.Check.Forward(v, NaturalRound29.SmoothL1(S.MsePred, S.MseTarget, Round29Reduction.Mean, 1.0), "Mean");
            var p = typeof(NaturalRound29).GetMethod("SmoothL1Forward", new[] { typeof(double[]), typeof(double[]), typeof(Round29Reduction), typeof(double) })!.GetParameters()[2];
            Assert.Equal(Round29Reduction.Mean, (Round29Reduction)p.DefaultValue!);
        }

        [Fact] public void SmoothL1_bad_reduction() => Bad<ArgumentOutOfRangeException>("SmoothL1", "reduction", S.MsePred, S.MseTarget, (Round29Reduction)7, 1.0);

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LogCoshLoss(bool slices)
        {
            // ReadOnlySpan<double> pred and [Constant] target, a Span<double> gradient for pred: by hand, with arrays (or
            // slices of longer arrays)
            var (pred, target) = (S.LogCoshPred, S.LogCoshTarget);
            int n = pred.Length, off = slices ? 2 : 0;
            double[] Long(double[] a, double pad) => Enumerable.Repeat(pad, off).Concat(a).Concat(Enumerable.Repeat(pad, off)).ToArray();
            Span<double> X(double[] a) => a.AsSpan(off, n);
            var (pl, tl) = (Long(pred, 9.0), Long(target, -9.0));
            double F() => NaturalRound29.LogCoshLoss(pred, target);
            double value = F();
            DiffGen.Tests.Check.Forward(value, NaturalRound29.LogCoshLossForward(X(pl), X(tl)), "Forward");

            (double Value, double[] G) Back(double seed)
            {
                var g = Long(new double[n], double.NaN);
                double v = NaturalRound29.LogCoshLossBackward(X(pl), X(tl), X(g), seed);
                if (slices) Assert.True(double.IsNaN(g[0]) && double.IsNaN(g[^1]), "Backward wrote outside a slice");
                return (v, g.Skip(off).Take(n).ToArray());
            }

            var r = Back(1.0);
            DiffGen.Tests.Check.Forward(value, r.Value, "Backward value");
            Assert.Equal(Long(S.LogCoshPred, 9.0), pl);
            Assert.Equal(Long(S.LogCoshTarget, -9.0), tl);
            var copy = (double[])pred.Clone();
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound29.LogCoshLoss(copy, target), copy), r.G, "dpred");
            const double seedValue = -2.5;
            DiffGen.Tests.Check.Scaled(r.G, Back(seedValue).G, seedValue, "dpred");
        }

        [Fact] public void MaskedMse() => Check("MaskedMse", S.MaskPred, S.MaskTarget);

        [Fact]
        public void MaskedMse_all_masked()
        {
            // count == 0: 0, no gradient
            var t = Enumerable.Repeat(double.NaN, S.MaskPred.Length).ToArray();
            Check("MaskedMse", S.MaskPred, t);
        }

        // ---- Nn ----

        [Fact] public void MlpLoss() => Check("MlpLoss", S.MlpWeights, S.MlpBiases, S.MlpInput, 0.3);

        [Fact]
        public void DenseLayer()
        {
            // an instance method over the W and B fields (both differentiated, named in the attribute): by hand
            var layer = S.Dense;
            var (x, target) = (S.DenseX, S.DenseTarget);
            var before = (TestData.Clone(x), TestData.Clone(target), TestData.Clone(layer.W), TestData.Clone(layer.B));
            double value = layer.Loss(x, target);
            DiffGen.Tests.Check.Forward(value, layer.LossForward(x, target), "Forward");
            var (gw, gb) = (TestData.Garbage(layer.W), TestData.Garbage(layer.B));
            DiffGen.Tests.Check.Forward(value, layer.LossBackward(x, target, gw, gb), "Backward value");
            Assert.Equal(before.Item1, x);
            Assert.Equal(before.Item2, target);
            Assert.Equal(before.Item3, layer.W);
            Assert.Equal(before.Item4, layer.B);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, target), layer.W), gw, "dW");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x, target), layer.B), gb, "dB");
            Assert.Equal(before.Item3, layer.W);
            Assert.Equal(before.Item4, layer.B);
            const double seed = -2.5;
            var (sw, sb) = (TestData.Garbage(layer.W), TestData.Garbage(layer.B));
            layer.LossBackward(x, target, sw, sb, seed);
            DiffGen.Tests.Check.Scaled(gw, sw, seed, "dW");
            DiffGen.Tests.Check.Scaled(gb, sb, seed, "dB");

            // the fields are read at each call
            var other = new Round29DenseLayer(5, 3, new Random(7));
            double v2 = other.Loss(x, target);
            DiffGen.Tests.Check.Forward(v2, other.LossForward(x, target), "Forward, another layer");
            var (g2w, g2b) = (TestData.Garbage(other.W), TestData.Garbage(other.B));
            other.LossBackward(x, target, g2w, g2b);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => other.Loss(x, target), other.W), g2w, "dW, another layer");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => other.Loss(x, target), other.B), g2b, "dB, another layer");
        }

        [Fact] public void BatchNormLoss() => Check("BatchNormLoss", S.BnX, S.BnGamma, S.BnBeta, S.BnUpstream, 1e-5);

        [Fact] public void AttentionHead() => Check("AttentionHead", S.AttX, S.AttWq, S.AttWk, S.AttWv);

        [Fact] public void GruSequence() => Check("GruSequence", S.GruXs, S.Wz, S.Uz, S.Wr, S.Ur, S.Wh, S.Uh);

        [Fact] public void ExpectedValueSoftmax() => Check("ExpectedValueSoftmax", S.EvLogits, S.EvValues);

        [Fact] public void LayerNormF() => Check("LayerNormF", S.LnX, S.LnGain, S.LnBias, 1e-5f);

        [Theory]
        [InlineData(3)] // the sample's: four windows
        [InlineData(5)] // two windows, two entries left over
        public void MaxPoolReadout(int pool) => Check("MaxPoolReadout", S.PoolX, S.PoolW, pool);

        [Fact] public void Conv2dLoss() => Check("Conv2dLoss", S.ConvInput, S.ConvKernel, 0.1);

        [Fact] public void LeakyNetLoss() => Check("LeakyNetLoss", S.LeakyW1, S.LeakyW2, S.LeakyX, 0.7, new Round29MlpConfig(0.1, 0.01));

        // ---- Physics ----

        [Fact] public void ProjectileRange() => Check("ProjectileRange", 20.0, 0.7, 0.01, 1e-3);

        [Fact] public void SpringChainEnergy() => Check("SpringChainEnergy", S.SpringXs, S.SpringYs, 3.0, 0.5);

        [Theory]
        [InlineData(200)] // the sample's
        [InlineData(1)]
        [InlineData(0)] // do-while: one step all the same
        public void PendulumFinalAngle(int steps) => Check("PendulumFinalAngle", 0.8, 0.3, 1.2, steps, 0.01);

        [Fact] public void GravitationalPotential() => Check("GravitationalPotential", S.GravPos, S.GravMass, 1e-2);

        [Theory]
        [InlineData(30)] // the sample's
        [InlineData(0)]
        public void HeatEquation1D(int steps) => Check("HeatEquation1D", S.HeatU0, 0.2, steps);

        // ---- Stats ----

        [Fact] public void GaussianNll() => Check("GaussianNll", S.NllData, 0.7, -0.2);

        [Fact] public void LogSumExp() => Check("LogSumExp", S.LseXs);

        [Fact]
        public void LogSumExp_params_call()
        {
            // the sample's params call; the generated Forward has no params modifier
            var a = new[] { 0.3, -1.2, 2.0 };
            Check("LogSumExp", a);
            double v = NaturalRound29.LogSumExp(0.3, -1.2, 2.0);
            DiffGen.Tests.Check.Forward(v, NaturalRound29.LogSumExpForward(a), "Forward");
        }

        [Fact] public void SampleVariance() => Check("SampleVariance", S.VarXs);

        [Fact] public void MixtureLogLikelihood() => Check("MixtureLogLikelihood", S.MixData, S.MixLogitWeights, S.MixMeans, S.MixLogSigmas);

        [Fact] public void PearsonCorrelation() => Check("PearsonCorrelation", S.PearsonX, S.PearsonY);

        [Fact] public void LogisticNll() => Check("LogisticNll", S.LogisticW, 0.1f, S.LogisticX, S.LogisticY);

        // ---- Finance ----

        [Theory]
        [InlineData(100.0, 95.0, 0.03, 0.25, 1.5)] // the sample's
        [InlineData(100.0, 120.0, 0.01, 0.4, 0.5)] // the sample's second: d1, d2 < 0
        public void BlackScholesCall(double spot, double strike, double rate, double vol, double maturity) =>
            Check("BlackScholesCall", spot, strike, rate, vol, maturity);

        [Fact]
        public void BlackScholesCall_bad_input()
        {
            Bad<ArgumentException>("BlackScholesCall", "vol", 100.0, 95.0, 0.03, -0.1, 1.0);
            Bad<ArgumentException>("BlackScholesCall", "maturity", 100.0, 95.0, 0.03, 0.25, 0.0);
        }

        [Fact] public void PortfolioVariance() => Check("PortfolioVariance", S.PortfolioWeights, S.PortfolioCov);

        [Theory]
        [InlineData(Round29Compounding.Annual)] // the sample's
        [InlineData(Round29Compounding.Continuous)] // the sample's second
        public void NetPresentValue(Round29Compounding compounding) => Check("NetPresentValue", new[] { -100.0, 20, 30, 40, 50, 10 }, 0.07, compounding);

        [Fact] public void NetPresentValue_empty() => Check("NetPresentValue", Array.Empty<double>(), 0.07, Round29Compounding.Annual);

        // ---- Signal ----

        [Theory]
        [InlineData(false, false)] // the sample's: length 20, stackalloc
        [InlineData(true, false)] // the sample's second: length 300, new double[]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public void EmaEnergy(bool heap, bool slices)
        {
            // a ReadOnlySpan<double> x (its gradient a Span) and a scalar alpha: by hand, with arrays (or slices of longer arrays)
            var x = heap ? S.EmaLongX : S.EmaX;
            const double alpha = 0.3;
            int n = x.Length, off = slices ? 3 : 0;
            double[] Long(double[] a, double pad) => Enumerable.Repeat(pad, off).Concat(a).Concat(Enumerable.Repeat(pad, off)).ToArray();
            Span<double> X(double[] a) => a.AsSpan(off, n);
            var xl = Long(x, 5.0);
            double F(double[] v, double a) => NaturalRound29.EmaEnergy(v, a);
            double value = F(x, alpha);
            DiffGen.Tests.Check.Forward(value, NaturalRound29.EmaEnergyForward(X(xl), alpha), "Forward");

            (double Value, double[] Gx, double Ga) Back(double seed)
            {
                var gx = Long(new double[n], double.NaN);
                double v = NaturalRound29.EmaEnergyBackward(X(xl), alpha, X(gx), out double ga, seed);
                if (slices) Assert.True(double.IsNaN(gx[0]) && double.IsNaN(gx[^1]), "Backward wrote outside a slice");
                return (v, gx.Skip(off).Take(n).ToArray(), ga);
            }

            var r = Back(1.0);
            DiffGen.Tests.Check.Forward(value, r.Value, "Backward value");
            Assert.Equal(Long(x, 5.0), xl);
            var copy = (double[])x.Clone();
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => F(copy, alpha), copy), r.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(a => F(x, a), alpha), r.Ga, "dalpha");
            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(r.Gx, sc.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(r.Ga, sc.Ga, seedValue, "dalpha");
        }

        [Fact] public void FirOutputRms() => Check("FirOutputRms", S.FirSignal, S.FirTaps);

        [Theory]
        [InlineData(2)] // the sample's
        [InlineData(5)]
        public void SpectralLogMagPhase(int bin) => Check("SpectralLogMagPhase", S.DftX, bin);

        // ---- Graphics ----

        [Theory]
        [InlineData(8.0, 0.1)] // the sample's: diffuse and specular
        [InlineData(2.5, 0.4)]
        public void PhongIntensity(double shininess, double ambient) =>
            Check("PhongIntensity", new[] { 0.1, -0.05, 1.0 }, new[] { 0.6, 0.1, 0.8 }, new[] { -0.5, 0.2, 0.9 }, shininess, ambient);

        [Fact]
        public void PhongIntensity_no_highlight()
        {
            // the view on the far side of the reflection (r · v ≈ -0.52): Max(0, r · v) is 0, so spec = Pow(0, shininess) = 0
            // whatever the shininess (d/dshininess 0) and only the diffuse term has a gradient
            Check("PhongIntensity", new[] { 0.1, -0.05, 1.0 }, new[] { 0.6, 0.1, 0.8 }, new[] { 0.5, 0.2, -0.3 }, 8.0, 0.1);
        }
    }
}
