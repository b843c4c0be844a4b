using System;
using System.Globalization;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 34 (<see cref="NaturalRound34"/>, <see cref="Round34TinyRegressor"/>): probe batch 34's 40 functions (38 accepted as
    /// written, HeatDiffuse and RotationAlignment after the generator's Array.Copy-into-a-double-buffered-local and
    /// helper-tuple-parameter fixes), each checked as written by <see cref="MethodOracle"/>: Forward against the method,
    /// Backward's value and unchanged inputs, every gradient (NaN-filled buffers, so each entry must be written) against
    /// central differences of the user's method in double (SoftplusMeanF, float: of its double twin SoftplusMeanFTwin), seed
    /// scaling; the layers (Biquad, HeatDiffuse, Conv1D, DepthwiseConv, LayerNormRows, CosineSimilarityMatrix,
    /// GatedLinearUnit, MlpBlock) with their outputs NaN-filled, so Backward must leave the forward results there, and a random
    /// upstream gradient (the gradients those of Σ upstream · outputs). By hand (a signature MethodOracle cannot drive):
    /// TinyRegressor's instance SquaredError (x and y; the weight fields read) and WeightedRms (ReadOnlySpan inputs, Span
    /// gradients), against central differences of the user's method; the defaults of the optional parameters on Forward
    /// (MonthlyPayment, HuberLoss), NetPresentValue's params call site and its empty early return, CubicRootNewton's gradient
    /// against the implicit-function derivative at the root, and RobustLoss's invalid mode (the method, Forward and Backward
    /// throw the same ArgumentOutOfRangeException for 'mode'). Inputs are the batch's own (its Program.cs, <c>H.Rng = new
    /// Random(34)</c>, replayed in its order by <see cref="Sample"/>, the same sizes and ranges, the layers' upstream draws
    /// included), all 45 of its cases: BlackScholesCall with d1 &gt; 0 and d1 &lt; 0, MonthlyPayment monthly and quarterly,
    /// MaskedMeanSquare with the probe's mask and an all-false one, FocalLoss at γ = 2 and 1.5, TripletLoss with every hinge
    /// active and with rows 0, 2 and 4 inactive, PolygonArea counter-clockwise and clockwise, PointSegmentDistance with the
    /// projection inside, before and after the segment, CubicRootNewton for b &gt; 0 and b &lt; 0, RobustLoss in each mode.
    /// The two functions the probe refused (so it drew nothing for them) run on inputs of their own: HeatDiffuse for 0, 1, 7
    /// and 10 steps (the swap's both parities, and no swap), RotationAlignment on an unnormalised quaternion.
    /// <see cref="Sample_replays_the_probe"/> checks the replay against every value the probe printed (its run.log notes) and
    /// that no Abs, Max, Clamp, ternary, hinge or argmax changes side within the difference step at these inputs.
    /// </summary>
    public class NaturalRound34Tests
    {
        private static readonly Type T = typeof(NaturalRound34);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's checks (Program.cs, Random(34)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[] SpringX, SpringV;
            public readonly double[,] LjPos;
            public readonly double[] PortfolioW;
            public readonly double[,] PortfolioCov;
            public readonly double[] CashFlows;
            public readonly double[] Returns;
            public readonly double[] BiquadX, BiquadUpstream;          // the probe's upstream gradient: drawn for the order
            public readonly double[] AutoX;
            public readonly double[] WindowX;
            public readonly double[] StudentX;
            public readonly double[] HuberPred, HuberTarget;
            public readonly double[] PinPred, PinY, PinWeight;
            public readonly double[] KdeData, KdeQueries;
            public readonly double[] MaskX;
            public readonly bool[] Mask;
            public readonly double[] ConvX, ConvKernel, ConvUpstream;
            public readonly double[,] DepthX, DepthKernels, DepthUpstream;
            public readonly double[,] NormX, NormUpstream;
            public readonly double[] NormGamma, NormBeta;
            public readonly double[,] EmbTable;
            public readonly double[] EmbW;
            public readonly double[] FocalLogits;
            public readonly double[][] SmoothLogits;
            public readonly double[,] TripAnchor, TripPositive, TripNegative;
            public readonly double[] DiceLogits;
            public readonly double[,] CosA, CosB, CosUpstream;
            public readonly double[] GluX, GluBw, GluBv, GluUpstream;
            public readonly double[,] GluW, GluV;
            public readonly double[] MoeX;
            public readonly double[,] MoeGate;
            public readonly double[][] MoeExperts;
            public readonly double[] MlpX, MlpB1, MlpB2, MlpUpstream;
            public readonly double[,] MlpW1, MlpW2;
            public readonly double[,] ContrastA, ContrastB;
            public readonly double[,] TinyW1;
            public readonly double[] TinyB1, TinyW2, TinyX;
            public readonly float[] SoftplusX;
            public readonly double[] PolyXs, PolyYs;
            public readonly double[] InnerW0, InnerTargets;
            public readonly double[,] InnerFeatures;
            public readonly double[] RmsX, RmsW;
            public readonly double[][] RobustResiduals;             // modes 0, 1, 2: a draw each
            public readonly double[] RobustBad;                     // mode 7

            private Sample()
            {
                var rng = new Random(34);
                double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
                double[] V(int n, double lo = -1, double hi = 1) { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = U(lo, hi); return a; }
                double[,] M2(int r, int c, double lo = -1, double hi = 1) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = U(lo, hi); return a; }
                double[][] J(int[] lens, double lo = -1, double hi = 1) => lens.Select(l => V(l, lo, hi)).ToArray();

                SpringX = Enumerable.Range(0, 7).Select(i => i * 1.0 + U(-0.2, 0.2)).ToArray(); SpringV = V(7);    // 1 (k 2.3, rest 0.9, mass 1.7); 2, 4 draw nothing
                LjPos = new double[4, 3];                                                                           // 5 (epsilon 0.8, sigma 1)
                for (int i = 0; i < 4; i++) for (int d = 0; d < 3; d++) LjPos[i, d] = 1.2 * ((i >> d) & 1) + U(-0.1, 0.1); // 6 draws nothing
                PortfolioW = V(5, 0.5, 1.5);                                                                        // 7
                var a = M2(5, 5);
                PortfolioCov = new double[5, 5];
                for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) { double s = i == j ? 0.5 : 0; for (int k = 0; k < 5; k++) s += a[i, k] * a[j, k]; PortfolioCov[i, j] = s * 0.04; }
                CashFlows = new[] { -10.0 }.Concat(V(5, 1, 3)).ToArray();                                           // 8 (rate 0.05)
                Returns = Enumerable.Range(0, 30).Select(_ => 0.0005 + 0.01 * (U(-1, 1) + U(-1, 1))).ToArray();    // 9 (riskFree 1e-4); 10 draws nothing
                BiquadX = V(16); BiquadUpstream = V(16);                                                            // 11 (0.3, 0.2, 0.1, -0.5, 0.2)
                AutoX = V(20);                                                                                      // 12 (maxLag 5)
                WindowX = V(40);                                                                                    // 13 (hop 4)
                StudentX = V(15, -2, 2);                                                                            // 14 (mu 0.2, logSigma -0.1, nu 4.5)
                HuberPred = V(12, -2, 2); HuberTarget = V(12, -2, 2);                                               // 15 (delta 0.8)
                PinPred = V(12); PinY = V(12); PinWeight = V(12, 0.2, 2.0); PinWeight[3] = 0; PinWeight[7] = 0;     // 16 (tau 0.3)
                KdeData = V(10, -2, 2); KdeQueries = V(5, -2, 2);                                                   // 17 (bandwidth 0.5)
                MaskX = V(10); Mask = Enumerable.Range(0, 10).Select(_ => rng.NextDouble() < 0.6).ToArray();       // 18
                ConvX = V(11); ConvKernel = V(3); ConvUpstream = V(6);                                              // 19 (bias 0.1, stride 2, padding 1: 6 outputs)
                DepthX = M2(3, 7); DepthKernels = M2(3, 3); DepthUpstream = M2(3, 7);                               // 20
                NormX = M2(3, 5, -2, 2); NormGamma = V(5, 0.5, 1.5); NormBeta = V(5); NormUpstream = M2(3, 5);      // 21
                EmbTable = M2(6, 4); EmbW = V(4);                                                                   // 22 (ids 1 3 3 5 0, target 0.7)
                FocalLogits = V(8, -2, 2);                                                                          // 23 (labels i % 3 == 0)
                SmoothLogits = J(new[] { 4, 5, 6, 5 }, -2, 2);                                                      // 24 (labels 2 0 5 4, smoothing 0.1)
                TripAnchor = M2(5, 4); TripPositive = M2(5, 4); TripNegative = M2(5, 4);                            // 25 (margin 0.5)
                DiceLogits = V(10, -2, 2);                                                                          // 26 (target i % 2 == 0)
                CosA = M2(3, 4); CosB = M2(2, 4); CosUpstream = M2(3, 2);                                           // 27
                GluX = V(4); GluW = M2(3, 4); GluV = M2(3, 4); GluBw = V(3); GluBv = V(3); GluUpstream = V(3);      // 28
                MoeX = V(4); MoeGate = M2(3, 4); MoeExperts = J(new[] { 4, 4, 4 });                                 // 29 (target 0.3)
                MlpX = V(4, -2, 2); MlpW1 = M2(6, 4); MlpB1 = V(6); MlpW2 = M2(4, 6); MlpB2 = V(4); MlpUpstream = V(4); // 30
                ContrastA = M2(6, 3); ContrastB = M2(6, 3);                                                         // 31 (same 1 0 0 1 0 0, margin 1.5)
                TinyW1 = M2(4, 3); TinyB1 = V(4); TinyW2 = V(4); TinyX = V(3);                                      // 32 (b2 0.2, y 0.5)
                SoftplusX = V(10, -2, 2).Select(v => (float)v).ToArray();                                           // 33 (beta 1.5f)
                PolyXs = new double[6]; PolyYs = new double[6];                                                     // 34; 35 draws nothing
                for (int i = 0; i < 6; i++) { double r = U(0.8, 1.2), t = 2 * Math.PI * i / 6; PolyXs[i] = r * Math.Cos(t); PolyYs[i] = r * Math.Sin(t); }
                InnerW0 = V(3); InnerFeatures = M2(8, 3); InnerTargets = V(8);                                      // 37 (lr 0.1, 5 steps); 38 draws nothing
                RmsX = V(8); RmsW = V(8, 0.2, 1.5);                                                                 // 39
                RobustResiduals = new[] { V(10, -2, 2), V(10, -2, 2), V(10, -2, 2) };                               // 40 (scale 0.7), modes 0 1 2
                RobustBad = V(3);                                                                                   // 40, mode 7
            }
        }

        private static Sample S => Sample.Inputs;

        private static readonly int[] EmbIds = { 1, 3, 3, 5, 0 };
        private static readonly int[] FocalLabels = Enumerable.Range(0, 8).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        private static readonly int[] SmoothLabels = { 2, 0, 5, 4 };
        private static readonly double[] DiceTarget = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        private static readonly int[] Same = { 1, 0, 0, 1, 0, 0 };
        private static readonly double[] Pos0 = { 1.0, 0.1 }, Vel0 = { 0.1, 1.05 };
        private const double Ax = 0.1, Ay = -0.05, Bx = 1.2, By = 0.3; // PointSegmentDistance's segment

        /// <summary>The probe's second TripletLoss case: the negatives of rows 0, 2 and 4 pushed 2 away, so those hinges are inactive.</summary>
        private static double[,] FarNegatives()
        {
            var n2 = TestData.Clone(S.TripNegative);
            for (int i = 0; i < 5; i += 2) for (int k = 0; k < 4; k++) n2[i, k] = S.TripAnchor[i, k] + 2.0;
            return n2;
        }

        /// <summary>A layer's output buffer, NaN-filled: after Backward it must hold the forward results.</summary>
        private static double[] Out(int n) => TestData.Garbage(new double[n]);

        /// <summary>A 2-D output buffer, NaN-filled.</summary>
        private static double[,] Out(int rows, int cols) => TestData.Garbage(new double[rows, cols]);

        private static double[] Reversed(double[] a) => a.Reverse().ToArray();

        private static double RowDistance(double[,] a, double[,] b, int i)
        {
            double s = 0;
            for (int k = 0; k < a.GetLength(1); k++) s += (a[i, k] - b[i, k]) * (a[i, k] - b[i, k]);
            return Math.Sqrt(s);
        }

        private static double SegmentT(double px, double py) => ((px - Ax) * (Bx - Ax) + (py - Ay) * (By - Ay)) / ((Bx - Ax) * (Bx - Ax) + (By - Ay) * (By - Ay));

        [Fact]
        public void Sample_replays_the_probe()
        {
            // every value the probe printed (run.log's notes) from its inputs: the replay draws what the probe drew
            static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
            Assert.Equal(8, Enumerable.Range(0, 12).Count(i => Math.Abs(S.HuberPred[i] - S.HuberTarget[i]) <= 0.8)); // "quadratic branch 8/12"
            Assert.Equal(4, S.Mask.Count(m => m));                                                                   // "mask true 4/10"
            var hinge = Enumerable.Range(0, 5).Select(i => RowDistance(S.TripAnchor, S.TripPositive, i) - RowDistance(S.TripAnchor, S.TripNegative, i) + 0.5).ToArray();
            Assert.Equal("0.682,0.550,1.581,0.760,0.646", string.Join(",", hinge.Select(F3)));                       // "hinge margins"
            var far = FarNegatives();
            var hinge2 = Enumerable.Range(0, 5).Select(i => RowDistance(S.TripAnchor, S.TripPositive, i) - RowDistance(S.TripAnchor, far, i) + 0.5).ToArray();
            Assert.Equal("1,3", string.Join(",", Enumerable.Range(0, 5).Where(i => hinge2[i] > 0)));                 // "case2 active rows 1,3"
            var gate = Enumerable.Range(0, 3).Select(e => Enumerable.Range(0, 4).Sum(i => S.MoeGate[e, i] * S.MoeX[i])).ToArray();
            Assert.Equal("-0.000,-0.233,0.668", string.Join(",", gate.Select(F3)));                                  // "gate logits"
            var contrast = Enumerable.Range(0, 6).Where(i => Same[i] == 0).Select(i => 1.5 - RowDistance(S.ContrastA, S.ContrastB, i)).ToArray();
            Assert.Equal("-0.064,0.171,0.567,0.978", string.Join(",", contrast.Select(F3)));                         // "margin-dist (different pairs)"

            // no kink within the difference step (1e-6 relative) at these inputs: each side a clear margin away
            const double gap = 1e-3;
            var huber = Enumerable.Range(0, 12).Select(i => Math.Abs(S.HuberPred[i] - S.HuberTarget[i])).ToArray();
            Assert.All(huber, r => Assert.True(Math.Abs(r - 0.8) > gap && r > gap, $"Huber |r| = {r}"));
            Assert.All(Enumerable.Range(0, 12).Select(i => S.PinY[i] - S.PinPred[i]), d => Assert.True(Math.Abs(d) > gap, $"pinball diff {d}"));
            Assert.All(hinge.Concat(hinge2), h => Assert.True(Math.Abs(h) > gap, $"triplet hinge {h}"));
            Assert.All(contrast, c => Assert.True(Math.Abs(c) > gap, $"contrastive margin - dist {c}"));
            Assert.Equal(1, contrast.Count(c => c < 0)); // the hinge inactive for one different pair, active for three
            var sortedGate = gate.OrderByDescending(g => g).ToArray();
            Assert.True(sortedGate[0] - sortedGate[1] > gap, "MoE argmax tie"); // expert 2 routed, clearly
            foreach (var (xs, ys) in new[] { (S.PolyXs, S.PolyYs), (Reversed(S.PolyXs), Reversed(S.PolyYs)) })
            {
                double twice = Enumerable.Range(0, 6).Sum(i => xs[i] * ys[(i + 1) % 6] - xs[(i + 1) % 6] * ys[i]);
                Assert.True(Math.Abs(twice) > 1, $"shoelace sum {twice}");
            }
            Assert.True(Enumerable.Range(0, 6).Sum(i => S.PolyXs[i] * S.PolyYs[(i + 1) % 6] - S.PolyXs[(i + 1) % 6] * S.PolyYs[i]) > 0); // ccw first, then cw
            double tIn = SegmentT(0.4, 0.8), tBefore = SegmentT(-0.7, 0.5), tAfter = SegmentT(1.9, -0.4);
            Assert.True(tIn > gap && tIn < 1 - gap && tBefore < -gap && tAfter > 1 + gap, $"t = {tIn}, {tBefore}, {tAfter}");
            foreach (var (spot, strike) in new[] { (100.0, 95.0), (80.0, 100.0) })
            {
                double d1 = (Math.Log(spot / strike) + (0.03 + 0.5 * 0.25 * 0.25) * 1.5) / (0.25 * Math.Sqrt(1.5)), d2 = d1 - 0.25 * Math.Sqrt(1.5);
                Assert.True(Math.Abs(d1) > gap && Math.Abs(d2) > gap && (d1 > 0) == (spot > strike) && (d2 > 0) == (spot > strike), $"d1 {d1}, d2 {d2}"); // NormCdf: both sides
            }
        }

        // ---- 1 to 5: physics ----

        [Fact] public void SpringChainEnergy() => Check("SpringChainEnergy", S.SpringX, S.SpringV, 2.3, 0.9, 1.7);

        [Fact] public void VerletOrbit() => Check("VerletOrbit", Pos0, Vel0, 1.0, 0.01, 50);

        [Theory]
        [InlineData(0)]  // no step: Array.Copy in, copied out
        [InlineData(1)]  // one swap: the result in the second buffer
        [InlineData(7)]
        [InlineData(10)]
        public void HeatDiffuse(int steps)
        {
            // the probe's refusal #3 (no inputs drawn for it there): a bump on 9 points, alpha 0.2 (stable below 0.5)
            var rng = new Random(3403);
            var u0 = Enumerable.Range(0, 9).Select(i => Math.Sin(Math.PI * i / 8) + 0.3 * (2 * rng.NextDouble() - 1)).ToArray();
            Check("HeatDiffuse", u0, Out(u0.Length), 0.2, steps);
        }

        [Fact] public void PendulumRk4() => Check("PendulumRk4", 0.7, -0.3, 9.81, 1.3, 0.2, 0.01, 100);

        [Fact] public void LennardJonesEnergy() => Check("LennardJonesEnergy", S.LjPos, 0.8, 1.0);

        // ---- 6 to 10: finance ----

        [Theory]
        [InlineData(100.0, 95.0)] // d1, d2 > 0
        [InlineData(80.0, 100.0)] // d1, d2 < 0
        public void BlackScholesCall(double spot, double strike) => Check("BlackScholesCall", spot, strike, 0.03, 0.25, 1.5);

        [Fact] public void PortfolioVariance() => Check("PortfolioVariance", S.PortfolioW, S.PortfolioCov);

        [Fact] public void NetPresentValue() => Check("NetPresentValue", 0.05, S.CashFlows);

        [Fact]
        public void NetPresentValue_params_call_and_empty()
        {
            // a params call site, and the early return for no cash flows (value 0, rate's gradient 0)
            DiffGen.Tests.Check.Forward(NaturalRound34.NetPresentValue(0.1, 1, 2, 3), NaturalRound34.NetPresentValueForward(0.1, 1, 2, 3), "Forward(params 1, 2, 3)");
            double value = NaturalRound34.NetPresentValueBackward(0.1, Array.Empty<double>(), out double rateGrad, Array.Empty<double>());
            Assert.Equal(0.0, value);
            Assert.Equal(0.0, rateGrad);
            Assert.Equal(0.0, NaturalRound34.NetPresentValueForward(0.1));
        }

        [Fact] public void SharpeRatio() => Check("SharpeRatio", S.Returns, 0.0001);

        [Theory]
        [InlineData(12)] // the default, passed (Backward has no default)
        [InlineData(4)]
        public void MonthlyPayment(int periodsPerYear) => Check("MonthlyPayment", 250000.0, 0.045, 30, periodsPerYear);

        [Fact]
        public void Optional_defaults_on_Forward()
        {
            // MonthlyPayment's periodsPerYear = 12 and HuberLoss's delta = 1.0 kept on Forward
            DiffGen.Tests.Check.Forward(NaturalRound34.MonthlyPayment(250000, 0.045, 30), NaturalRound34.MonthlyPaymentForward(250000, 0.045, 30), "MonthlyPaymentForward(default)");
            DiffGen.Tests.Check.Forward(NaturalRound34.HuberLoss(S.HuberPred, S.HuberTarget), NaturalRound34.HuberLossForward(S.HuberPred, S.HuberTarget), "HuberLossForward(default)");
        }

        // ---- 11 to 18: signals and statistics ----

        [Fact] public void Biquad() => Check("Biquad", S.BiquadX, Out(16), 0.3, 0.2, 0.1, -0.5, 0.2); // layer: y

        [Fact] public void AutocorrelationEnergy() => Check("AutocorrelationEnergy", S.AutoX, 5);

        [Fact] public void WindowedLogEnergy() => Check("WindowedLogEnergy", S.WindowX, 4); // const FrameSize, static readonly Hann

        [Fact] public void StudentTLogLikelihood() => Check("StudentTLogLikelihood", S.StudentX, 0.2, -0.1, 4.5);

        [Fact] public void HuberLoss() => Check("HuberLoss", S.HuberPred, S.HuberTarget, 0.8); // quadratic 8 of 12, linear 4

        [Fact] public void PinballLoss() => Check("PinballLoss", S.PinPred, S.PinY, S.PinWeight, 0.3); // weights 3 and 7 zero: continue

        [Fact] public void KdeLogLikelihood() => Check("KdeLogLikelihood", S.KdeData, S.KdeQueries, 0.5);

        [Fact] public void MaskedMeanSquare() => Check("MaskedMeanSquare", S.MaskX, S.Mask); // 4 of 10

        [Fact] public void MaskedMeanSquare_all_false() => Check("MaskedMeanSquare", S.MaskX, new bool[10]); // count 0: 0.0

        // ---- 19 to 31: layers and losses ----

        [Fact] public void Conv1D() => Check("Conv1D", S.ConvX, S.ConvKernel, 0.1, Out(6), 2, 1); // layer: y, 6 outputs

        [Fact] public void DepthwiseConv() => Check("DepthwiseConv", S.DepthX, S.DepthKernels, Out(3, 7)); // layer: y [3, 7]

        [Fact] public void LayerNormRows() => Check("LayerNormRows", S.NormX, S.NormGamma, S.NormBeta, Out(3, 5)); // layer: y [3, 5]

        [Fact] public void EmbeddingRegression() => Check("EmbeddingRegression", S.EmbTable, EmbIds, S.EmbW, 0.7); // id 3 twice

        [Fact] public void FocalLoss() => Check("FocalLoss", S.FocalLogits, FocalLabels, new Round34FocalParams(2.0, 0.25));

        [Fact] public void FocalLoss_gamma_1_5() => Check("FocalLoss", S.FocalLogits, FocalLabels, new Round34FocalParams(1.5, 0.6));

        [Fact] public void LabelSmoothedCrossEntropy() => Check("LabelSmoothedCrossEntropy", S.SmoothLogits, SmoothLabels, 0.1); // rows of 4, 5, 6, 5

        [Fact] public void TripletLoss() => Check("TripletLoss", S.TripAnchor, S.TripPositive, S.TripNegative, 0.5); // every hinge active

        [Fact] public void TripletLoss_mixed() => Check("TripletLoss", S.TripAnchor, S.TripPositive, FarNegatives(), 0.5); // active in rows 1 and 3 only

        [Fact] public void DiceLoss() => Check("DiceLoss", S.DiceLogits, DiceTarget);

        [Fact] public void CosineSimilarityMatrix() => Check("CosineSimilarityMatrix", S.CosA, S.CosB, Out(3, 2)); // layer: sim [3, 2]

        [Fact] public void GatedLinearUnit() => Check("GatedLinearUnit", S.GluX, S.GluW, S.GluV, S.GluBw, S.GluBv, Out(3)); // layer: y

        [Fact] public void MixtureOfExpertsTop1() => Check("MixtureOfExpertsTop1", S.MoeX, S.MoeGate, S.MoeExperts, 0.3); // expert 2 routed

        [Fact] public void MlpBlock() => Check("MlpBlock", S.MlpX, S.MlpW1, S.MlpB1, S.MlpW2, S.MlpB2, Out(4)); // layer: y

        [Fact] public void ContrastiveLoss() => Check("ContrastiveLoss", S.ContrastA, S.ContrastB, Same, 1.5); // hinge inactive for 1 different pair, active for 3

        // ---- 32: an instance method, by hand ----

        [Fact]
        public void TinyRegressor_SquaredError()
        {
            // an instance method over readonly weight fields, differentiated in x and y (the fields read, not differentiated)
            var (w1, b1, w2) = (TestData.Clone(S.TinyW1), TestData.Clone(S.TinyB1), TestData.Clone(S.TinyW2));
            var model = new Round34TinyRegressor(w1, b1, w2, 0.2);
            var x = TestData.Clone(S.TinyX);
            double y = 0.5;
            double value = model.SquaredError(x, y);
            DiffGen.Tests.Check.Forward(value, model.SquaredErrorForward(x, y), "Forward");
            var gx = TestData.Garbage(x);
            DiffGen.Tests.Check.Forward(value, model.SquaredErrorBackward(x, y, gx, out double gy), "Backward value");
            Assert.Equal(S.TinyX, x);
            Assert.Equal(S.TinyW1, w1);
            Assert.Equal(S.TinyB1, b1);
            Assert.Equal(S.TinyW2, w2);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => model.SquaredError(x, y), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => model.SquaredError(x, v), y), gy, "dy");
            const double seed = -2.5;
            var sx = TestData.Garbage(x);
            model.SquaredErrorBackward(x, y, sx, out double sy, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dx");
            DiffGen.Tests.Check.Scaled(gy, sy, seed, "dy");
        }

        // ---- 33 to 40: miscellaneous ----

        [Fact] public void SoftplusMeanF() => Check("SoftplusMeanF", S.SoftplusX, 1.5f); // float: against SoftplusMeanFTwin

        [Fact] public void PolygonArea_counter_clockwise() => Check("PolygonArea", S.PolyXs, S.PolyYs);

        [Fact] public void PolygonArea_clockwise() => Check("PolygonArea", Reversed(S.PolyXs), Reversed(S.PolyYs)); // Abs of a negative sum

        [Theory]
        [InlineData(0.4, 0.8)]   // the projection inside the segment
        [InlineData(-0.7, 0.5)]  // t < 0: clamped to a
        [InlineData(1.9, -0.4)]  // t > 1: clamped to b
        public void PointSegmentDistance(double px, double py) => Check("PointSegmentDistance", px, py, Ax, Ay, Bx, By);

        [Fact]
        public void RotationAlignment()
        {
            // the probe's refusal #36 (no inputs drawn for it there): an unnormalised quaternion, QMul's named 4-tuples
            var rng = new Random(3436);
            double[] R(int n) => Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            var q = R(4).Select(v => 1.5 * v).ToArray();
            Check("RotationAlignment", q, R(3), R(3));
        }

        [Fact] public void InnerLoopAdapt() => Check("InnerLoopAdapt", S.InnerW0, S.InnerFeatures, S.InnerTargets, 0.1, 5);

        [Theory]
        [InlineData(2.0, 3.0)]   // b > 0: start at 1
        [InlineData(0.7, -1.3)]  // b < 0: start at -1
        public void CubicRootNewton(double a, double b)
        {
            Check("CubicRootNewton", a, b);
            // and against the implicit-function derivative at the root: dz/da = -z / (3z² + a), dz/db = 1 / (3z² + a)
            double z = NaturalRound34.CubicRootNewton(a, b), den = 3 * z * z + a;
            NaturalRound34.CubicRootNewtonBackward(a, b, out double ga, out double gb);
            DiffGen.Tests.Check.Near(-z / den, ga, 1e-9, "dz/da (implicit)");
            DiffGen.Tests.Check.Near(1 / den, gb, 1e-9, "dz/db (implicit)");
        }

        [Fact]
        public void WeightedRms()
        {
            // ReadOnlySpan<double> x and w, both differentiated (Span gradients): by hand with arrays
            double[] x = TestData.Clone(S.RmsX), w = TestData.Clone(S.RmsW);
            double F() => NaturalRound34.WeightedRms(x, w);
            double value = F();
            DiffGen.Tests.Check.Forward(value, NaturalRound34.WeightedRmsForward(x, w), "Forward");

            (double Value, double[] Gx, double[] Gw) Back(double seed)
            {
                var (gx, gw) = (TestData.Garbage(x), TestData.Garbage(w));
                double v = NaturalRound34.WeightedRmsBackward(x, w, gx, gw, seed);
                return (v, gx, gw);
            }

            var b = Back(1.0);
            DiffGen.Tests.Check.Forward(value, b.Value, "Backward value");
            DiffGen.Tests.Check.Unchanged(S.RmsX, x, "x");
            DiffGen.Tests.Check.Unchanged(S.RmsW, w, "w");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, x), b.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, w), b.Gw, "dw");
            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(b.Gx, sc.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(b.Gw, sc.Gw, seedValue, "dw");
        }

        [Theory]
        [InlineData(0)] // quadratic
        [InlineData(1)] // Cauchy
        [InlineData(2)] // pseudo-Huber
        public void RobustLoss(int mode) => Check("RobustLoss", S.RobustResiduals[mode], mode, 0.7);

        [Fact]
        public void RobustLoss_invalid_mode_throws()
        {
            // the switch's default: the method, Forward and Backward throw ArgumentOutOfRangeException for 'mode', one message
            MethodOracle.BadInput<ArgumentOutOfRangeException>(T, "RobustLoss", "mode", new object?[] { S.RobustBad, 7, 1.0 });
        }
    }
}
