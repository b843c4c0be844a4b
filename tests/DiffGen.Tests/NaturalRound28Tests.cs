using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 28 (<see cref="NaturalRound28"/>, <see cref="Round28GatedDenseLayer"/>): probe batch 28's 38 accepted functions
    /// (40 small natural functions, one idiom each; Layers.MlpSquaredError, DIFF0013, and SignalProcessing.SignalToNoiseDb,
    /// DIFF0006, left out), each checked as written by <see cref="MethodOracle"/> (the nine float methods against their double
    /// twins) with the inputs of the batch's own sample program (Random(28), replayed in its order by <see cref="Sample"/>, the
    /// same sizes), and the other side of the early returns, modes, branches and loop exits where cheap. By hand:
    /// GatedDenseLayer's instance method (double[,] fields, a Bias auto-property, an instance Forward) against central
    /// differences of the user's instance method; GaussianNegativeLogLikelihood (an IReadOnlyList&lt;double&gt; parameter, its
    /// gradient a Span); MaskedMeanAbsoluteError (NaN targets, whose central differences are NaN: their gradient must be 0);
    /// QuadraticBezierLength, whose parameters are all Round28Vec2 structs: a struct parameter of the differentiable method is a
    /// config object read at entry (a constant, as docs/natural-csharp.md says), so nothing is differentiated: its Backward
    /// returns the value and has no gradient buffer (accepted without a diagnostic), and its adjoint's reverse sweep is empty.
    /// ProjectileMissDistance's sample (dragCoeff = 0.01, 400 steps) is within 1e-6 of landing one step earlier (at 0.010001 the
    /// break comes at step 265, not 266), so central differences in dragCoeff straddle the jump in the landing step: the
    /// break case is checked at dragCoeff = 0.015 (no flip within ±1e-6) and the sample's dragCoeff with 150 steps (in the air).
    /// Input choices otherwise: no Huber zone, hard-swish segment, clamp, Max or Min, Overlay side, bracket, contact, NaN mask, Newton
    /// trip count or ground-hit step changes under the step at these inputs.
    /// </summary>
    public class NaturalRound28Tests
    {
        private static readonly Type T = typeof(NaturalRound28);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        /// <summary>The batch's sample program (Program.cs, Random(28)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[] SoftmaxLogits;
            public readonly float[] BceProbs, BceLabels;
            public readonly double[] MsePred, MseTarget;
            public readonly float[] HuberPred, HuberTarget;
            public readonly double[] CosA, CosB;
            public readonly double[] SmoothLogits;
            public readonly double[] MaskTarget, MaskPred;
            public readonly float[] HardSwishX;
            public readonly double[,] RidgeX;
            public readonly double[] RidgeCoef, RidgeObserved;
            public readonly double[] HashWeights;
            public readonly double[,] GateW, GateG;
            public readonly double[] GateX, GateTarget;
            public readonly double[] DecayObserved;
            public readonly double[] FloorVelocities;
            public readonly double[] LatticeField;
            public readonly float[] FitXs, FitYs;
            public readonly double[] PolyXs, PolyYs;
            public readonly List<double> NllSamples;
            public readonly double[] CvValues;
            public readonly double[] FirSignal;
            public readonly double[] AutoX;
            public readonly double[] ConvX, ConvTarget;
            public readonly double[] ChebXs, ChebYs;
            public readonly double[] NpvCashFlows;
            public readonly double[] GrowthReturns;
            public readonly float[] ToneRgb;
            public readonly float[] BlurRow;
            public readonly float[] BlendUnder, BlendOver, BlendReference;

            private Sample()
            {
                var rng = new Random(28);
                double N(double scale = 1.0) => scale * (2.0 * rng.NextDouble() - 1.0);
                double[] Vec(int n, double scale = 1.0) { var v = new double[n]; for (int i = 0; i < n; i++) v[i] = N(scale); return v; }
                float[] VecF(int n, float scale = 1f) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)N(scale); return v; }
                float[] Unit(int n) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)rng.NextDouble(); return v; }

                // Losses
                SoftmaxLogits = Vec(5, 2.0);
                BceProbs = Unit(8);
                BceLabels = new float[8];
                for (int i = 0; i < 8; i++) BceLabels[i] = rng.NextDouble() < 0.5 ? 0f : 1f;
                MseTarget = Vec(10);
                MsePred = new double[10];
                for (int i = 0; i < 10; i++) MsePred[i] = MseTarget[i] + N(0.3);
                HuberTarget = VecF(10, 2f);
                HuberPred = VecF(10, 2f);
                CosA = Vec(6);
                CosB = Vec(6);
                SmoothLogits = Vec(5, 3.0);
                MaskTarget = Vec(8);
                MaskPred = Vec(8);
                MaskTarget[2] = double.NaN; MaskTarget[5] = double.NaN;

                // Layers
                HardSwishX = VecF(12, 5f);
                {
                    // MlpSquaredError's draws (not in the corpus: DIFF0013)
                    int[] sizes = { 3, 4, 2 };
                    for (int l = 0; l < 2; l++) { Vec(sizes[l] * sizes[l + 1], 0.5); Vec(sizes[l + 1], 0.1); }
                    Vec(3); Vec(2);
                }
                RidgeX = new double[6, 3];
                for (int i = 0; i < 6; i++) for (int j = 0; j < 3; j++) RidgeX[i, j] = N();
                RidgeCoef = Vec(3);
                RidgeObserved = Vec(6);
                HashWeights = Vec(16, 0.3);
                GateW = new double[2, 3]; GateG = new double[2, 3];
                for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) { GateW[i, j] = N(0.5); GateG[i, j] = N(0.5); }
                GateX = Vec(3);
                GateTarget = Vec(2);

                // Physics
                DecayObserved = new double[10];
                for (int i = 0; i < 10; i++) DecayObserved[i] = 2.0 * Math.Exp(-0.8 * 0.1 * (i + 1)) + N(0.01);
                FloorVelocities = Vec(4, 0.5);
                LatticeField = Vec(12);

                // Statistics
                FitXs = new float[10]; FitYs = new float[10];
                for (int i = 0; i < 10; i++) { FitXs[i] = i * 0.5f; FitYs[i] = 1.5f * FitXs[i] - 0.7f + (float)N(0.2); }
                PolyXs = new double[8]; PolyYs = new double[8];
                for (int i = 0; i < 8; i++) { PolyXs[i] = -1.0 + 2.0 * i / 7; PolyYs[i] = Math.Sin(2 * PolyXs[i]); }
                NllSamples = new List<double>();
                for (int i = 0; i < 10; i++) NllSamples.Add(3.0 + N(1.5));
                CvValues = new double[10];
                for (int i = 0; i < 10; i++) CvValues[i] = 50.0 + N(5.0);

                // Signal processing
                FirSignal = Vec(16);
                AutoX = new double[16];
                for (int i = 0; i < 16; i++) AutoX[i] = Math.Sin(2 * Math.PI * i / 8) + N(0.2);
                ConvX = Vec(12);
                ConvTarget = Vec(12);
                ChebXs = new double[9]; ChebYs = new double[9];
                for (int i = 0; i < 9; i++) { ChebXs[i] = Math.Cos(Math.PI * (i + 0.5) / 9); ChebYs[i] = Math.Exp(ChebXs[i]); }
                for (int i = 0; i < 32; i++) N(0.1); // SignalToNoiseDb's noise (not in the corpus: DIFF0006)

                // Finance
                NpvCashFlows = new double[12];
                NpvCashFlows[0] = -1000.0;
                for (int t = 1; t < 12; t++) NpvCashFlows[t] = 95.0 + N(5.0);
                GrowthReturns = new double[12];
                for (int i = 0; i < 12; i++) GrowthReturns[i] = 0.006 + N(0.02);

                // Graphics
                ToneRgb = Unit(12);
                BlurRow = Unit(10);
                BlendUnder = Unit(9);
                BlendOver = Unit(9);
                BlendReference = Unit(9);
            }
        }

        private static Sample S => Sample.Inputs;

        // ---- Losses ----

        [Theory]
        [InlineData(2)] // the sample's
        [InlineData(0)]
        [InlineData(4)]
        public void SoftmaxCrossEntropy(int label) => Check("SoftmaxCrossEntropy", S.SoftmaxLogits, label);

        [Fact]
        public void SoftmaxCrossEntropy_bad_input()
        {
            Bad<ArgumentException>("SoftmaxCrossEntropy", "logits", Array.Empty<double>(), 0);
            Bad<ArgumentOutOfRangeException>("SoftmaxCrossEntropy", "label", S.SoftmaxLogits, 5);
            Bad<ArgumentOutOfRangeException>("SoftmaxCrossEntropy", "label", S.SoftmaxLogits, -1);
        }

        [Theory]
        [InlineData(true)] // the sample's
        [InlineData(false)]
        public void BinaryCrossEntropy(bool average) => Check("BinaryCrossEntropy", S.BceProbs, S.BceLabels, 1e-7f, average);

        [Fact]
        public void BinaryCrossEntropy_clamped()
        {
            // probabilities 0 and 1 sit on the clamp: their gradient is 0 (the other entries the sample's)
            var p = (float[])S.BceProbs.Clone();
            p[0] = 0f; p[3] = 1f;
            Check("BinaryCrossEntropy", p, S.BceLabels, 1e-3f, true);
        }

        [Fact] public void MeanSquaredError() => Check("MeanSquaredError", S.MsePred, S.MseTarget);

        [Fact] public void MeanSquaredError_empty() => Check("MeanSquaredError", Array.Empty<double>(), Array.Empty<double>());

        [Fact] public void MeanSquaredError_bad_input() => Bad<ArgumentException>("MeanSquaredError", null, S.MsePred, new double[3]);

        [Theory]
        [InlineData(Round28LossKind.LogCosh, 1.0)] // the sample's
        [InlineData(Round28LossKind.Squared, 1.0)]
        [InlineData(Round28LossKind.Absolute, 1.0)]
        [InlineData(Round28LossKind.PseudoHuber, 0.2)]
        public void RegressionLoss(Round28LossKind kind, double delta) => Check("RegressionLoss", S.MsePred, S.MseTarget, kind, delta);

        [Fact] public void RegressionLoss_bad_kind() => Bad<ArgumentOutOfRangeException>("RegressionLoss", "kind", S.MsePred, S.MseTarget, (Round28LossKind)7, 1.0);

        [Theory]
        [InlineData(1f)] // the sample's: both zones
        [InlineData(10f)] // all quadratic
        [InlineData(0.01f)] // all linear
        public void HuberLoss(float delta) => Check("HuberLoss", S.HuberPred, S.HuberTarget, delta);

        [Theory]
        [InlineData(-1, 0.1)] // the sample's
        [InlineData(1, 0.1)]
        [InlineData(-1, -2.0)] // Max(0, cos - margin) on its other side
        public void CosineEmbeddingLoss(int label, double margin) => Check("CosineEmbeddingLoss", S.CosA, S.CosB, label, margin);

        [Theory]
        [InlineData(1, 0.1)] // the sample's
        [InlineData(3, 0.0)]
        public void LabelSmoothedCrossEntropy(int label, double smoothing) => Check("LabelSmoothedCrossEntropy", S.SmoothLogits, label, smoothing);

        [Fact]
        public void MaskedMeanAbsoluteError()
        {
            // by hand: central differences at a NaN target are NaN; its gradient must be 0
            var (pred, target) = (S.MaskPred, S.MaskTarget);
            var before = (TestData.Clone(pred), TestData.Clone(target));
            double value = NaturalRound28.MaskedMeanAbsoluteError(pred, target);
            DiffGen.Tests.Check.Forward(value, NaturalRound28.MaskedMeanAbsoluteErrorForward(pred, target), "Forward");
            var (gp, gt) = (TestData.Garbage(pred), TestData.Garbage(target));
            DiffGen.Tests.Check.Forward(value, NaturalRound28.MaskedMeanAbsoluteErrorBackward(pred, target, gp, gt), "Backward value");
            Assert.Equal(before.Item1, pred);
            Assert.Equal(before.Item2, target);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound28.MaskedMeanAbsoluteError(pred, target), pred), gp, "dpred");
            var fdt = FiniteDiff.Gradient(() => NaturalRound28.MaskedMeanAbsoluteError(pred, target), target);
            fdt[2] = 0.0; fdt[5] = 0.0;
            DiffGen.Tests.Check.Gradient(fdt, gt, "dtarget");
            Assert.Equal(0.0, gp[2]);
            Assert.Equal(0.0, gp[5]);
            const double seed = -2.5;
            var (sp, st) = (TestData.Garbage(pred), TestData.Garbage(target));
            NaturalRound28.MaskedMeanAbsoluteErrorBackward(pred, target, sp, st, seed);
            DiffGen.Tests.Check.Scaled(gp, sp, seed, "dpred");
            DiffGen.Tests.Check.Scaled(gt, st, seed, "dtarget");
        }

        [Fact]
        public void MaskedMeanAbsoluteError_no_NaN() => Check("MaskedMeanAbsoluteError", S.MaskPred, S.MaskPred.Select((p, i) => p + 0.1 * (i + 1)).ToArray());

        [Fact]
        public void MaskedMeanAbsoluteError_all_masked()
        {
            var g = new double[3];
            var gt = new double[3];
            Assert.Equal(0.0, NaturalRound28.MaskedMeanAbsoluteErrorBackward(new[] { 1.0, 2, 3 }, new[] { double.NaN, double.NaN, double.NaN }, g, gt));
            Assert.All(g, v => Assert.Equal(0.0, v));
            Assert.All(gt, v => Assert.Equal(0.0, v));
        }

        // ---- Layers ----

        [Theory]
        [InlineData(0.01f)] // the sample's
        [InlineData(0.5f)]
        public void HardSwishActivationMean(float deadPenalty) => Check("HardSwishActivationMean", S.HardSwishX, deadPenalty);

        [Fact]
        public void HardSwishActivationMean_far_dead_and_empty()
        {
            // x <= -10: neither the active zone nor the leak
            Check("HardSwishActivationMean", new[] { -12f, -4f, -1f, 0.5f, 4f }, 0.01f);
            Check("HardSwishActivationMean", Array.Empty<float>(), 0.01f);
        }

        [Theory]
        [InlineData(0.01)] // the sample's
        [InlineData(1e-3)] // the default
        public void RidgeObjective(double lambda) => Check("RidgeObjective", S.RidgeX, S.RidgeCoef, S.RidgeObserved, lambda);

        [Fact] public void RidgeObjective_bad_input() => Bad<ArgumentException>("RidgeObjective", null, S.RidgeX, new double[2], S.RidgeObserved, 0.01);

        [Theory]
        [InlineData(1)] // the sample's
        [InlineData(0)]
        public void HashedLogisticLoss(int label) => Check("HashedLogisticLoss", new[] { 1042, 77, 5031, 9, 77 }, S.HashWeights, 0.05, label);

        [Fact]
        public void HashedLogisticLoss_negative_ids_and_collisions()
        {
            // a negative hash (the + buckets % buckets) and more tokens than buckets
            Check("HashedLogisticLoss", new[] { -2_000_000_000, 3, 3, 3, 1_999_999_999, 12, 40, 7 }, S.HashWeights.Take(5).ToArray(), -0.3, 1);
        }

        [Fact] public void ElasticNetPenalty() => Check("ElasticNetPenalty", 0.5, 0.01, new[] { 0.3, -1.2, 0.8, 0.05 });

        [Fact] public void ElasticNetPenalty_empty() => Check("ElasticNetPenalty", 0.5, 0.01, Array.Empty<double>());

        [Fact]
        public void ElasticNetPenalty_params_call()
        {
            // the user's method is called in its params form, as the sample does; the generated Forward has no params modifier
            double v = NaturalRound28.ElasticNetPenalty(0.5, 0.01, 0.3, -1.2, 0.8, 0.05);
            DiffGen.Tests.Check.Forward(v, NaturalRound28.ElasticNetPenaltyForward(0.5, 0.01, new[] { 0.3, -1.2, 0.8, 0.05 }), "Forward");
        }

        [Fact]
        public void GatedDenseLayer()
        {
            // an instance method over double[,] fields and a Bias auto-property, calling the instance Forward: by hand
            var layer = new Round28GatedDenseLayer(S.GateW, S.GateG, 0.1);
            var (x, target) = (S.GateX, S.GateTarget);
            var before = (TestData.Clone(x), TestData.Clone(target), TestData.Clone(S.GateW), TestData.Clone(S.GateG));
            double value = layer.SquaredErrorLoss(x, target);
            DiffGen.Tests.Check.Forward(value, layer.SquaredErrorLossForward(x, target), "Forward");
            var (gx, gt) = (TestData.Garbage(x), TestData.Garbage(target));
            DiffGen.Tests.Check.Forward(value, layer.SquaredErrorLossBackward(x, target, gx, gt), "Backward value");
            Assert.Equal(before.Item1, x);
            Assert.Equal(before.Item2, target);
            Assert.Equal(before.Item3, S.GateW);
            Assert.Equal(before.Item4, S.GateG);
            Assert.Equal(0.1, layer.Bias);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.SquaredErrorLoss(x, target), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.SquaredErrorLoss(x, target), target), gt, "dtarget");
            const double seed = -2.5;
            var (sx, st) = (TestData.Garbage(x), TestData.Garbage(target));
            layer.SquaredErrorLossBackward(x, target, sx, st, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dx");
            DiffGen.Tests.Check.Scaled(gt, st, seed, "dtarget");

            // the property is read at each call
            layer.Bias = -0.4;
            double changed = layer.SquaredErrorLoss(x, target);
            DiffGen.Tests.Check.Forward(changed, layer.SquaredErrorLossForward(x, target), "Forward after Bias changed");
            var g2 = TestData.Garbage(x);
            layer.SquaredErrorLossBackward(x, target, g2, new double[2]);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.SquaredErrorLoss(x, target), x), g2, "dx after Bias changed");
        }

        // ---- Physics ----

        [Theory]
        [InlineData(0.7, 0.1)] // the sample's: Euler steps
        [InlineData(25.0, 0.1)] // rate * dt >= 2: two half steps each
        public void DecayFitError(double rate, double dt) => Check("DecayFitError", rate, 2.0, dt, S.DecayObserved);

        [Fact]
        public void KeplerPeriodMisfit() => Check("KeplerPeriodMisfit",
            new[] { 0.387, 0.723, 1.0, 1.524, 5.203 }, new[] { 0.241, 0.615, 1.0, 1.881, 11.86 }, 4.0 * Math.PI * Math.PI);

        [Theory]
        [InlineData(0.015, 400)] // breaks on hitting the ground (the sample's dragCoeff 0.01 lands 1e-6 from a step earlier)
        [InlineData(0.01, 150)] // the sample's dragCoeff, still in the air
        public void ProjectileMissDistance(double dragCoeff, int steps) => Check("ProjectileMissDistance", 20.0, Math.PI / 4, dragCoeff, 30.0, steps, 0.01);

        [Theory]
        [InlineData(false)] // the sample's: two contacts
        [InlineData(true)] // no contact, no friction
        public void FloorContactEnergy(bool airborne) => Check("FloorContactEnergy",
            airborne ? new[] { 0.2, 0.01, 0.05, 0.03 } : new[] { 0.2, -0.01, 0.05, -0.03 }, S.FloorVelocities, 1000.0, 0.3);

        [Theory]
        [InlineData(4)] // the sample's: 4 x 3
        [InlineData(3)] // 3 x 4
        [InlineData(12)] // one row: down wraps onto itself
        public void PeriodicLatticeEnergy(int width) => Check("PeriodicLatticeEnergy", S.LatticeField, width, 0.5, 0.25);

        // ---- Statistics ----

        [Fact] public void LinearFitMeanSquaredResidual() => Check("LinearFitMeanSquaredResidual", S.FitXs, S.FitYs, 1.4f, -0.5f);

        [Fact] public void LinearFitMeanSquaredResidual_empty() => Check("LinearFitMeanSquaredResidual", Array.Empty<float>(), Array.Empty<float>(), 1.4f, -0.5f);

        [Fact] public void PolynomialFitLoss() => Check("PolynomialFitLoss", new[] { 0.0, 1.8, 0.0, -1.0 }, S.PolyXs, S.PolyYs);

        [Fact] public void PolynomialFitLoss_one_coefficient() => Check("PolynomialFitLoss", new[] { 0.3 }, S.PolyXs, S.PolyYs);

        [Fact] public void PolynomialFitLoss_bad_input() => Bad<ArgumentException>("PolynomialFitLoss", null, Array.Empty<double>(), S.PolyXs, S.PolyYs);

        [Fact]
        public void GaussianNegativeLogLikelihood()
        {
            // an IReadOnlyList<double> parameter (its gradient a Span<double>): by hand
            var samples = S.NllSamples;
            double mean = 2.8, logSigma = Math.Log(1.2);
            double F(IReadOnlyList<double> s, double m, double l) => NaturalRound28.GaussianNegativeLogLikelihood(s, m, l);
            double value = F(samples, mean, logSigma);
            DiffGen.Tests.Check.Forward(value, NaturalRound28.GaussianNegativeLogLikelihoodForward(samples, mean, logSigma), "Forward");
            var gs = new double[samples.Count];
            Array.Fill(gs, double.NaN);
            DiffGen.Tests.Check.Forward(value, NaturalRound28.GaussianNegativeLogLikelihoodBackward(samples, mean, logSigma, gs, out double gm, out double gl), "Backward value");
            var copy = samples.ToArray();
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => F(copy, mean, logSigma), copy), gs, "dsamples");
            DiffGen.Tests.Check.Gradient(new[] { FiniteDiff.Derivative(m => F(samples, m, logSigma), mean) }, new[] { gm }, "dmean");
            DiffGen.Tests.Check.Gradient(new[] { FiniteDiff.Derivative(l => F(samples, mean, l), logSigma) }, new[] { gl }, "dlogSigma");
            Assert.Equal(copy, samples);
            const double seed = -2.5;
            var ss = new double[samples.Count];
            NaturalRound28.GaussianNegativeLogLikelihoodBackward(samples, mean, logSigma, ss, out double sm, out double sl, seed);
            DiffGen.Tests.Check.Scaled(gs, ss, seed, "dsamples");
            DiffGen.Tests.Check.Scaled(new[] { gm, gl }, new[] { sm, sl }, seed, "dmean, dlogSigma");

            // an empty list returns 0
            var e = Array.Empty<double>();
            Assert.Equal(0.0, NaturalRound28.GaussianNegativeLogLikelihoodBackward(new List<double>(), mean, logSigma, e, out double em, out double el));
            Assert.Equal(0.0, em);
            Assert.Equal(0.0, el);
        }

        [Fact] public void CoefficientOfVariation() => Check("CoefficientOfVariation", S.CvValues);

        [Fact] public void CoefficientOfVariation_negative_mean() => Check("CoefficientOfVariation", S.CvValues.Select(v => 40.0 - v).ToArray());

        [Fact] public void CoefficientOfVariation_one_value() => Check("CoefficientOfVariation", new[] { 3.0 });

        [Fact] public void RootMeanSquare() => Check("RootMeanSquare", new[] { 0.5f, -1.25f, 2.0f, 0.75f });

        [Fact] public void RootMeanSquare_empty() => Check("RootMeanSquare", Array.Empty<float>());

        [Fact]
        public void RootMeanSquare_params_call()
        {
            // the user's method in its params form; the generated Forward has no params modifier
            float v = NaturalRound28.RootMeanSquare(0.5f, -1.25f, 2.0f, 0.75f);
            Assert.Equal(v, NaturalRound28.RootMeanSquareForward(new[] { 0.5f, -1.25f, 2.0f, 0.75f }), 5);
        }

        // ---- Signal processing ----

        [Fact] public void FirOutputPower() => Check("FirOutputPower", S.FirSignal, new[] { 0.25, 0.5, 0.25 });

        [Fact] public void FirOutputPower_empty_taps() => Check("FirOutputPower", S.FirSignal, Array.Empty<double>());

        [Theory]
        [InlineData(2)] // the sample's
        [InlineData(0)]
        [InlineData(15)]
        public void NormalizedAutocorrelation(int lag) => Check("NormalizedAutocorrelation", S.AutoX, lag);

        [Fact] public void NormalizedAutocorrelation_bad_lag() => Bad<ArgumentOutOfRangeException>("NormalizedAutocorrelation", "lag", S.AutoX, 16);

        [Fact] public void LinearPhaseLowpassPenalty() => Check("LinearPhaseLowpassPenalty", new[] { 0.05, 0.2, 0.5, 0.22, 0.04 });

        [Fact] public void LinearPhaseLowpassPenalty_even() => Check("LinearPhaseLowpassPenalty", new[] { 0.05, 0.2, 0.5, 0.22, 0.04, -0.1 });

        [Fact] public void CircularConvolutionLoss() => Check("CircularConvolutionLoss", S.ConvX, new[] { 0.2, 0.6, 0.2 }, S.ConvTarget);

        [Fact] public void CircularConvolutionLoss_wide_kernel() => Check("CircularConvolutionLoss", S.ConvX.Take(4).ToArray(), new[] { 0.1, -0.2, 0.6, 0.3, 0.2, -0.05, 0.4 }, S.ConvTarget.Take(4).ToArray());

        [Fact] public void ChebyshevFitError() => Check("ChebyshevFitError", new[] { 1.266, 1.130, 0.271, 0.044 }, S.ChebXs, S.ChebYs);

        [Fact] public void ChebyshevFitError_one_coefficient() => Check("ChebyshevFitError", new[] { 1.266 }, S.ChebXs, S.ChebYs);

        // ---- Finance ----

        [Theory]
        [InlineData(100.0, 0.5)] // the sample's
        [InlineData(140.0, 0.5)] // deep in the money
        [InlineData(50.0, 2.0)] // d1 < 0
        [InlineData(110.0, -0.1)] // expired: Max(spot - strike, 0)
        public void BlackScholesCall(double spot, double maturity) => Check("BlackScholesCall", spot, 105.0, 0.03, 0.2, maturity);

        [Theory]
        [InlineData(58_000.0)] // the sample's
        [InlineData(5_000.0)]
        [InlineData(17_000.0)]
        [InlineData(30_000.0)]
        [InlineData(200_000.0)]
        public void ProgressiveIncomeTax(double income) => Check("ProgressiveIncomeTax", income, 12_500.0);

        [Theory]
        [InlineData(12)] // the sample's
        [InlineData(1)]
        public void NetPresentValue(int periodsPerYear) => Check("NetPresentValue", S.NpvCashFlows, 0.06, periodsPerYear);

        [Theory]
        [InlineData(12)] // the sample's
        [InlineData(4)]
        public void AnnualizedGrowthRate(int periodsPerYear) => Check("AnnualizedGrowthRate", S.GrowthReturns, periodsPerYear);

        [Fact] public void AnnualizedGrowthRate_empty() => Check("AnnualizedGrowthRate", Array.Empty<double>(), 12);

        [Theory]
        [InlineData(950.0, 50)] // the sample's: converged
        [InlineData(950.0, 3)] // three Newton steps, not converged
        [InlineData(1100.0, 50)]
        public void YieldToMaturity(double price, int maxIter) => Check("YieldToMaturity", price, 50.0, 1000.0, 10, maxIter);

        // ---- Graphics ----

        [Theory]
        [InlineData(0.5f, 4f)] // the sample's
        [InlineData(2.5f, 4f)] // some channels clamped at the white point
        [InlineData(0.5f, 0.9f)]
        public void MeanToneMappedLuminance(float exposure, float whitePoint) => Check("MeanToneMappedLuminance", S.ToneRgb, exposure, whitePoint);

        [Fact]
        public void MeanToneMappedLuminance_negative_channel_and_empty()
        {
            var rgb = (float[])S.ToneRgb.Clone();
            rgb[4] = -0.3f;
            Check("MeanToneMappedLuminance", rgb, 0.5f, 4f);
            Check("MeanToneMappedLuminance", new[] { 0.3f, 0.4f }, 0.5f, 4f);
        }

        [Theory]
        [InlineData(1, 3)] // the sample's: clamped at the left edge
        [InlineData(5, 3)]
        [InlineData(8, 2)] // clamped at the right edge
        public void GaussianBlurAt(int center, int radius) => Check("GaussianBlurAt", S.BlurRow, center, 1.2f, radius);

        [Fact] public void RedmeanColorDistance() => Check("RedmeanColorDistance", 0.8f, 0.3f, 0.2f, 0.6f, 0.35f, 0.4f);

        [Theory]
        [InlineData(Round28BlendMode.Overlay)] // the sample's
        [InlineData(Round28BlendMode.Normal)]
        [InlineData(Round28BlendMode.Multiply)]
        [InlineData(Round28BlendMode.Screen)]
        public void BlendReconstructionError(Round28BlendMode mode) => Check("BlendReconstructionError", S.BlendUnder, S.BlendOver, S.BlendReference, 0.7f, mode);

        [Fact]
        public void QuadraticBezierLength()
        {
            // struct parameters are config read at entry (constants, docs/natural-csharp.md): all three parameters are
            // Round28Vec2, so nothing is differentiated. Forward and Backward give the value; Backward has no gradient
            // buffer, and the generated adjoint over the six coordinates has an empty reverse sweep (adjoints untouched)
            var p = new[] { 0.0, 0.0, 1.0, 2.0, 3.0, 0.0 };
            foreach (int segments in new[] { 32, 1, 5 })
            {
                var (p0, p1, p2) = (new Round28Vec2(p[0], p[1]), new Round28Vec2(p[2], p[3]), new Round28Vec2(p[4], p[5]));
                double value = NaturalRound28.QuadraticBezierLength(p0, p1, p2, segments);
                DiffGen.Tests.Check.Forward(value, NaturalRound28.QuadraticBezierLengthForward(p0, p1, p2, segments), "Forward");
                DiffGen.Tests.Check.Forward(value, NaturalRound28.QuadraticBezierLengthBackward(p0, p1, p2, segments), "Backward value");
                var g = new double[6];
                double av = NaturalRound28.__QuadraticBezierLengthArraysAdjoint(segments, p[0], p[1], p[2], p[3], p[4], p[5],
                    ref g[0], ref g[1], ref g[2], ref g[3], ref g[4], ref g[5], 1.0);
                DiffGen.Tests.Check.Forward(value, av, "adjoint value");
                Assert.All(g, v => Assert.Equal(0.0, v));
            }
            Assert.Equal(5, typeof(NaturalRound28).GetMethod("QuadraticBezierLengthBackward")!.GetParameters().Length); // p0, p1, p2, segments, seed

            // the default segments
            DiffGen.Tests.Check.Forward(NaturalRound28.QuadraticBezierLength(new(0, 0), new(1, 2), new(3, 0)), NaturalRound28.QuadraticBezierLengthForward(new(0, 0), new(1, 2), new(3, 0)), "Forward, default segments");
        }
    }
}
