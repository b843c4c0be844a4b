using System;
using System.Globalization;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 33 (<see cref="NaturalRound33"/>, <see cref="Round33GruModel"/>): probe batch 33's 39 accepted functions (40 small
    /// functions leaning toward LINQ, ref locals and spans, the Math library, careful numerics, time stepping, sequence models,
    /// losses and data layouts; the 40th, PNorm, a build break then, is <see cref="ParamsArrays"/>.PNorm and checked there),
    /// each checked as written by <see cref="MethodOracle"/>: Forward against the method, Backward's value and unchanged
    /// inputs, every gradient against central differences of the user's method in double (DiceLoss, float: of its double
    /// twin), seed scaling (Rk4Lv's output yOut with a random upstream gradient). By hand (a signature MethodOracle cannot
    /// drive): GruModel's instance Run (xs and the three weight arrays; the Input and Hidden fields read), against central
    /// differences of the user's instance method; and Rk4Lv with the probe's own upstream (L = 0.7 y0 - 1.3 y1). Inputs are
    /// the batch's own (its Program.cs, <c>new Random(33)</c>, replayed in its order by <see cref="Sample"/>, the same sizes
    /// and ranges), all 46 of its cases: RangePoly at x = ±0.8, StackallocHidden on the stack (4) and on the heap (40),
    /// HypotScaleB at octaves -2 and 3, CtcNll with labels [1, 2] and the repeated [3, 3], FocalLoss with its defaults and with
    /// γ = 1.5, α = 0.4, RegressionLoss in each mode. <see cref="Sample_replays_the_probe"/> checks the replay against every
    /// value the probe printed and that the branches are the probe's (every Softplus threshold, sigmoid sides, hinge active
    /// 3 of 4, both sides of each RegressionLoss kink). <see cref="Fused_multiply_add_is_one_rounding"/>: FmaHorner's Forward
    /// and Backward values are now the method's bit for bit (FusedMultiplyAdd kept as itself). No Max, Abs, hinge, branch,
    /// hard negative or switch arm changes within the difference step at these inputs.
    /// </summary>
    public class NaturalRound33Tests
    {
        private static readonly Type T = typeof(NaturalRound33);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's checks (Program.cs, Random(33)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[] ZipPred, ZipTarget;
            public readonly double[] SelectW;
            public readonly double[] RangeCPos, RangeCNeg;
            public readonly double[] MaxLseZ;
            public readonly double[] GeoX;
            public readonly double[] RefX, RefW;
            public readonly double[] StackX4, StackW4, StackX40, StackW40;
            public readonly double[] SpanX, SpanW, SpanY;
            public readonly double[] MomentumG;
            public readonly double[] FmaC;
            public readonly double[] HypotPtsLow, HypotPtsHigh;
            public readonly double[] PowX;
            public readonly double[] EntropyLogits;
            public readonly double[] MlpX, MlpW1, MlpW2;
            public readonly double[] KahanX;
            public readonly double[] LogP1Z;
            public readonly double[] BranchX;
            public readonly double[] FoldX;
            public readonly double[] BceW, BceX;
            public readonly double[] ChainX0;
            public readonly double[] RidgeX, RidgeY, RidgeXv, RidgeYv;
            public readonly double[] GruXs, GruWz, GruWr, GruWh;
            public readonly double[,] AttQ, AttK, AttV;
            public readonly double[] CtcLogits;
            public readonly double[] HmmPi, HmmA, HmmB;
            public readonly double[] FocalLogits;
            public readonly double[] TripletEmb;
            public readonly double[] ContrastU, ContrastV;
            public readonly double[][] SmoothLogits;
            public readonly double[] KlMu, KlLogSigma;
            public readonly double[] DiceLogits;
            public readonly double[] RegPred, RegY;
            public readonly double[,,] ConvImg, ConvKernel;
            public readonly double[][] RaggedSeqs;
            public readonly double[] RaggedW;
            public readonly double[] PNormXs;            // the PNorm variant's draw (B33V, not ported): kept for the order
            public readonly float[] DiceFixedLogits;     // the float bitwise line after the 46 cases

            private Sample()
            {
                var rng = new Random(33);
                double[] V(int n, double lo = -1, double hi = 1) { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.NextDouble(); return a; }
                double[,] M2(int r, int c) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = rng.NextDouble() * 2 - 1; return a; }

                ZipPred = V(5); ZipTarget = V(5);                                               // 1
                SelectW = V(6);                                                                 // 2 (t 0.7)
                RangeCPos = V(5); RangeCNeg = V(5);                                             // 3 (x 0.8, then -0.8)
                MaxLseZ = V(5, -2, 2);                                                          // 4 (label 2)
                GeoX = V(4, 0.5, 2);                                                            // 5
                RefX = V(5); RefW = V(5);                                                       // 6
                StackX4 = V(3); StackW4 = V(3 * 4); StackX40 = V(3); StackW40 = V(3 * 40);      // 7 (hidden 4, then 40)
                SpanX = V(12); SpanW = V(3); SpanY = V(4);                                      // 8
                MomentumG = V(4);                                                               // 9 (beta 0.9, 5 steps)
                FmaC = V(5);                                                                    // 10 (x 0.6)
                HypotPtsLow = V(10); HypotPtsHigh = V(10);                                      // 11 (octave -2, then 3)
                PowX = V(4);                                                                    // 12 (a 1.3, b 1.7)
                EntropyLogits = V(5, -2, 2);                                                    // 13
                MlpX = V(3); MlpW1 = V(12); MlpW2 = V(4);                                       // 14 (y 0.3)
                KahanX = V(6);                                                                  // 15
                LogP1Z = V(6, -3, 3);                                                           // 16
                BranchX = V(8);                                                                 // 17 (scale 30)
                FoldX = V(5, -3, 3);                                                            // 18
                BceW = V(3); BceX = V(18, -2, 2);                                               // 19 (b 0.1); 20, 21 draw nothing
                ChainX0 = Enumerable.Range(0, 5).Select(i => i + 0.1 * (rng.NextDouble() - 0.5)).ToArray(); // 22 (k 2, dt 0.05, 15 steps); 23 draws nothing
                RidgeX = V(24); RidgeY = V(8); RidgeXv = V(12); RidgeYv = V(4);                 // 24 (lr 0.1, lambda 0.05, d 3, 10 iterations); 25 draws nothing
                GruXs = V(8); GruWz = V(15); GruWr = V(15); GruWh = V(15);                      // 26 (Input 2, Hidden 3, T 4)
                AttQ = M2(4, 3); AttK = M2(4, 3); AttV = M2(4, 3);                              // 27
                CtcLogits = V(20, -2, 2);                                                       // 28 (T 5, C 4)
                HmmPi = V(3); HmmA = V(9); HmmB = V(12);                                        // 29 (S 3, V 4)
                FocalLogits = V(6, -2, 2);                                                      // 30
                TripletEmb = V(18);                                                             // 31 (d 3, margin 0.5)
                ContrastU = V(12); ContrastV = V(12);                                           // 32 (n 4, d 3, margin 0.5)
                SmoothLogits = new[] { V(4, -2, 2), V(4, -2, 2), V(4, -2, 2) };                 // 33 (labels 0 3 1)
                KlMu = V(4); KlLogSigma = V(4, -0.5, 0.5);                                      // 34 (prior sigma 1.3)
                DiceLogits = V(8, -2, 2);                                                       // 35
                RegPred = V(6, -2, 2); RegY = V(6, -2, 2);                                      // 36
                ConvImg = new double[2, 4, 5]; ConvKernel = new double[2, 2, 3];                // 37 (bias 0.1), row-major
                for (int c = 0; c < 2; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) ConvImg[c, y, x] = rng.NextDouble() * 2 - 1;
                for (int c = 0; c < 2; c++) for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) ConvKernel[c, y, x] = rng.NextDouble() - 0.5;
                RaggedSeqs = new[] { V(2), V(5), V(3), V(4) }; RaggedW = V(3);                  // 38; 40 draws nothing
                PNormXs = V(4);                                                                 // the PNorm variant (p 2.5)
                DiceFixedLogits = V(8, -2, 2).Select(v => (float)v).ToArray();                  // DiceLoss's float bitwise line
            }
        }

        private static Sample S => Sample.Inputs;

        private static readonly int[] BceY = { 1, 0, 1, 1, 0, 0 };
        private static readonly double[] BceYd = { 1, 0, 1, 1, 0, 0 };
        private static readonly int[] Obs = { 0, 2, 1, 3, 3, 0 };
        private static readonly int[] FocalTargets = { 1, 0, 1, 1, 0, 0 };
        private static readonly int[] Anchors = { 0, 3, 1, 2 }, Positives = { 1, 4, 0, 3 }, Negatives = { 2, 5, 5, 4 };
        private static readonly int[] SmoothLabels = { 0, 3, 1 };
        private static readonly double[] DiceMask = { 1, 0, 1, 1, 0, 0, 1, 0 };
        private static readonly int[] RaggedY = { 1, 0, 1, 0 };
        private static readonly double[] LvY0 = { 1.0, 0.5 }, LvP = { 1.1, 0.4, 0.1, 0.4 }, LvUpstream = { 0.7, -1.3 };

        private static float[] F(double[] a) => a.Select(v => (float)v).ToArray();

        private static double Rk4LvDot(double[] y0, double[] p)
        {
            var o = new double[2];
            NaturalRound33.Rk4Lv(y0, p, 0.05, 20, o);
            return o[0] * LvUpstream[0] + o[1] * LvUpstream[1];
        }

        [Fact]
        public void Sample_replays_the_probe()
        {
            // every value the probe printed (run_output.txt, G10) from its inputs: the replay draws what the probe drew
            static string G(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
            var gru = new Round33GruModel(2, 3);
            var printed = new (string Name, double Value, string Expected)[]
            {
                ("LinqZipMse", NaturalRound33.LinqZipMse(S.ZipPred, S.ZipTarget), "0.6352346464"),
                ("LinqSelectIndex", NaturalRound33.LinqSelectIndex(S.SelectW, 0.7), "-0.5666946187"),
                ("RangePoly(x=0.8)", NaturalRound33.RangePoly(S.RangeCPos, 0.8), "-0.1746469511"),
                ("RangePoly(x=-0.8)", NaturalRound33.RangePoly(S.RangeCNeg, -0.8), "0.6172823141"),
                ("LinqMaxLse", NaturalRound33.LinqMaxLse(S.MaxLseZ, 2), "0.9777137947"),
                ("LinqAggregateGeoMean", NaturalRound33.LinqAggregateGeoMean(S.GeoX), "1.057878022"),
                ("RefReadonlyWeighted", NaturalRound33.RefReadonlyWeighted(S.RefX, S.RefW), "-0.1621010071"),
                ("StackallocHidden(h=4)", NaturalRound33.StackallocHidden(S.StackX4, S.StackW4, 4), "1.374365677"),
                ("StackallocHidden(h=40)", NaturalRound33.StackallocHidden(S.StackX40, S.StackW40, 40), "8.037533525"),
                ("AsSpanRows", NaturalRound33.AsSpanRows(S.SpanX, S.SpanW, S.SpanY), "0.306940466"),
                ("RefLocalMomentum", NaturalRound33.RefLocalMomentum(S.MomentumG, 0.9, 5), "3.957972811"),
                ("FmaHorner", NaturalRound33.FmaHorner(S.FmaC, 0.6), "1.416392281"),
                ("HypotScaleB(oct=-2)", NaturalRound33.HypotScaleB(S.HypotPtsLow, -2), "1.715703138"),
                ("HypotScaleB(oct=3)", NaturalRound33.HypotScaleB(S.HypotPtsHigh, 3), "36.61313868"),
                ("PowMix", NaturalRound33.PowMix(1.3, 1.7, S.PowX), "11.64622368"),
                ("EntropyBits", NaturalRound33.EntropyBits(S.EntropyLogits), "1.763502074"),
                ("TanhMlp", NaturalRound33.TanhMlp(S.MlpX, S.MlpW1, S.MlpW2, 0.3), "0.7235791966"),
                ("KahanSumSq", NaturalRound33.KahanSumSq(S.KahanX), "3.26847514"),
                ("SoftplusLogP1", NaturalRound33.SoftplusLogP1(S.LogP1Z), "6.166645103"),
                ("SoftplusBranchSum", NaturalRound33.SoftplusBranchSum(S.BranchX, 30), "86.90669851"),
                ("LogAddExpFold", NaturalRound33.LogAddExpFold(S.FoldX), "3.331696852"),
                ("StableSigmoidBce", NaturalRound33.StableSigmoidBce(S.BceW, 0.1, S.BceX, BceYd), "0.8407144729"),
                ("Rk4Tuple", NaturalRound33.Rk4Tuple(0.8, 0.1, 9.81, 0.3, 0.05, 20), "0.5098100625"),
                ("Rk4Lv(void out)", Rk4LvDot(LvY0, LvP), "1.250342691"),
                ("LeapfrogChain", NaturalRound33.LeapfrogChain(S.ChainX0, 2.0, 0.05, 15), "39.94769811"),
                ("VerletStruct", NaturalRound33.VerletStruct(0.7, 0.2, 1.5, 1.2, 0.1, 25), "-0.7440618674"),
                ("UnrolledRidge", NaturalRound33.UnrolledRidge(0.1, 0.05, S.RidgeX, S.RidgeY, S.RidgeXv, S.RidgeYv, 3, 10), "0.06272733574"),
                ("LambertW", NaturalRound33.LambertW(1.7), "0.7796011225"),
                ("GruModel.Run(inst)", gru.Run(S.GruXs, S.GruWz, S.GruWr, S.GruWh, 4), "0.4267573617"),
                ("MaskedAttention", NaturalRound33.MaskedAttention(S.AttQ, S.AttK, S.AttV), "1.266993446"),
                ("CtcNll([1,2])", NaturalRound33.CtcNll(S.CtcLogits, new[] { 1, 2 }, 5, 4), "5.048857534"),
                ("CtcNll([3,3])", NaturalRound33.CtcNll(S.CtcLogits, new[] { 3, 3 }, 5, 4), "4.4931754"),
                ("HmmLogLik(tuple swap)", NaturalRound33.HmmLogLik(S.HmmPi, S.HmmA, S.HmmB, Obs, 3, 4), "8.255107551"),
                ("FocalLoss(defaults)", NaturalRound33.FocalLoss(S.FocalLogits, FocalTargets), "0.1883402161"),
                ("FocalLoss(g=1.5)", NaturalRound33.FocalLoss(S.FocalLogits, FocalTargets, 1.5, 0.4), "0.2056382248"),
                ("TripletMargin", NaturalRound33.TripletMargin(S.TripletEmb, Anchors, Positives, Negatives, 3, 0.5), "0.6816135428"),
                ("ContrastiveHardNeg", NaturalRound33.ContrastiveHardNeg(S.ContrastU, S.ContrastV, 4, 3, 0.5), "1.853722836"),
                ("LabelSmoothCe(jagged)", NaturalRound33.LabelSmoothCe(S.SmoothLogits, SmoothLabels), "3.111701591"),
                ("KlToPrior(record)", NaturalRound33.KlToPrior(S.KlMu, S.KlLogSigma, 1.3), "1.212163559"),
                ("DiceLoss(float)", NaturalRound33.DiceLossTwin(S.DiceLogits, DiceMask), "0.4125882746"), // the probe printed its double twin
                ("RegressionLoss(mode=0)", NaturalRound33.RegressionLoss(S.RegPred, S.RegY, 0), "0.8410899855"),
                ("RegressionLoss(mode=1)", NaturalRound33.RegressionLoss(S.RegPred, S.RegY, 1), "0.5742747397"),
                ("RegressionLoss(mode=2)", NaturalRound33.RegressionLoss(S.RegPred, S.RegY, 2), "2.086320879"),
                ("ConvSoftplus(double[,,])", NaturalRound33.ConvSoftplus(S.ConvImg, S.ConvKernel, 0.1), "6.888087773"),
                ("RaggedPoolLogistic", NaturalRound33.RaggedPoolLogistic(S.RaggedSeqs, S.RaggedW, RaggedY), "0.7155442402"),
                ("GaussLegendre(tables)", NaturalRound33.GaussLegendre(-0.5, 1.2, new[] { 0.8, 0.9, -0.4 }), "0.4744005909"),
            };
            Assert.Equal(46, printed.Length); // the probe's 46 cases of the 39 functions
            foreach (var (name, value, expected) in printed) Assert.True(G(value) == expected, $"{name}: {G(value)}, the probe printed {expected}");
            // the float bitwise line, drawn after the PNorm variant: the original's value it printed
            Assert.Equal("0.35539603", NaturalRound33.DiceLoss(S.DiceFixedLogits, F(DiceMask)).ToString("R", CultureInfo.InvariantCulture));

            // the branches are the probe's (its coverage lines)
            var scaled = S.BranchX.Select(v => 30 * v).ToArray();
            Assert.Equal("-27.0, 1.0, 29.9, 3.8, 24.7, 16.1, -0.4, 10.7", string.Join(", ", scaled.Select(v => v.ToString("F1", CultureInfo.InvariantCulture))));
            Assert.True(scaled.Any(v => v > 20) && scaled.Any(v => v < -20) && scaled.Any(v => Math.Abs(v) <= 20)); // Softplus: all three branches
            var z = Enumerable.Range(0, 6).Select(r => 0.1 + Enumerable.Range(0, 3).Sum(k => S.BceW[k] * S.BceX[r * 3 + k])).ToArray();
            Assert.Equal("0.08, -0.53, 1.46, -1.24, 0.46, 0.95", string.Join(", ", z.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            Assert.True(z.Any(v => v >= 0) && z.Any(v => v < 0)); // Sigmoid: both branches
            double D(int a, int b) => Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (S.TripletEmb[a * 3 + k] - S.TripletEmb[b * 3 + k]) * (S.TripletEmb[a * 3 + k] - S.TripletEmb[b * 3 + k])));
            var hinge = Enumerable.Range(0, 4).Select(i => D(Anchors[i], Positives[i]) - D(Anchors[i], Negatives[i]) + 0.5).ToArray();
            Assert.Equal("-0.289, 0.348, 1.452, 0.926", string.Join(", ", hinge.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
            Assert.Equal(3, hinge.Count(v => v > 0)); // the hinge active 3 of 4
            var r = S.RegY.Zip(S.RegPred, (a, b) => a - b).ToArray();
            Assert.Equal("1.70, -1.13, -1.26, 1.03, -2.36, -0.36", string.Join(", ", r.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            Assert.True(r.Any(v => Math.Abs(v) <= 1) && r.Any(v => Math.Abs(v) > 1) && r.Any(v => v >= 0) && r.Any(v => v < 0)); // Huber and pinball: both sides
        }

        // ---- 1 to 9 ----

        [Fact] public void LinqZipMse() => Check("LinqZipMse", S.ZipPred, S.ZipTarget);

        [Fact] public void LinqSelectIndex() => Check("LinqSelectIndex", S.SelectW, 0.7);

        [Fact] public void RangePoly_positive_x() => Check("RangePoly", S.RangeCPos, 0.8);

        [Fact] public void RangePoly_negative_x() => Check("RangePoly", S.RangeCNeg, -0.8); // Math.Pow of a negative base, integer exponents

        [Fact] public void LinqMaxLse() => Check("LinqMaxLse", S.MaxLseZ, 2);

        [Fact] public void LinqAggregateGeoMean() => Check("LinqAggregateGeoMean", S.GeoX);

        [Fact] public void RefReadonlyWeighted() => Check("RefReadonlyWeighted", S.RefX, S.RefW);

        [Fact] public void StackallocHidden_on_the_stack() => Check("StackallocHidden", S.StackX4, S.StackW4, 4);

        [Fact] public void StackallocHidden_on_the_heap() => Check("StackallocHidden", S.StackX40, S.StackW40, 40); // hidden > 32: new double[hidden]

        [Fact] public void AsSpanRows() => Check("AsSpanRows", S.SpanX, S.SpanW, S.SpanY);

        [Fact] public void RefLocalMomentum() => Check("RefLocalMomentum", S.MomentumG, 0.9, 5);

        // ---- 10 to 19 ----

        [Fact] public void FmaHorner() => Check("FmaHorner", S.FmaC, 0.6);

        [Fact]
        public void Fused_multiply_add_is_one_rounding()
        {
            // FusedMultiplyAdd is kept as itself (the probe saw a·b + c, off by an ulp here): Forward and Backward's value are
            // the method's bit for bit, at the probe's input and at others
            var rng = new Random(3310);
            foreach (var (c, x) in new[] { (S.FmaC, 0.6) }.Concat(Enumerable.Range(0, 20).Select(i => (Enumerable.Range(0, 7).Select(j => 2 * rng.NextDouble() - 1).ToArray(), 2 * rng.NextDouble() - 1))))
            {
                double value = NaturalRound33.FmaHorner(c, x);
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(NaturalRound33.FmaHornerForward(c, x)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(NaturalRound33.FmaHornerBackward(c, x, new double[c.Length], out _)));
            }
        }

        [Fact] public void HypotScaleB_octave_minus_2() => Check("HypotScaleB", S.HypotPtsLow, -2);

        [Fact] public void HypotScaleB_octave_3() => Check("HypotScaleB", S.HypotPtsHigh, 3);

        [Fact] public void PowMix() => Check("PowMix", 1.3, 1.7, S.PowX);

        [Fact] public void EntropyBits() => Check("EntropyBits", S.EntropyLogits);

        [Fact] public void TanhMlp() => Check("TanhMlp", S.MlpX, S.MlpW1, S.MlpW2, 0.3);

        [Fact] public void KahanSumSq() => Check("KahanSumSq", S.KahanX);

        [Fact] public void SoftplusLogP1() => Check("SoftplusLogP1", S.LogP1Z);

        [Fact] public void SoftplusBranchSum() => Check("SoftplusBranchSum", S.BranchX, 30.0); // scale·x in all three branches

        [Fact] public void LogAddExpFold() => Check("LogAddExpFold", S.FoldX); // from -∞

        [Fact] public void StableSigmoidBce() => Check("StableSigmoidBce", S.BceW, 0.1, S.BceX, BceYd); // z of both signs

        // ---- 20 to 25 ----

        [Fact] public void Rk4Tuple() => Check("Rk4Tuple", 0.8, 0.1, 9.81, 0.3, 0.05, 20);

        [Fact] public void Rk4Lv() => Check("Rk4Lv", LvY0, LvP, 0.05, 20, new double[2]); // void, writing yOut

        [Fact]
        public void Rk4Lv_probe_upstream()
        {
            // the probe's loss L = 0.7 y0 - 1.3 y1 as yOut's upstream gradient: Backward leaves it alone, its gradients are L's
            var (y0, p) = (TestData.Clone(LvY0), TestData.Clone(LvP));
            var yOut = new double[2];
            var og = TestData.Clone(LvUpstream);
            var (gy0, gp) = (TestData.Garbage(y0), TestData.Garbage(p));
            NaturalRound33.Rk4LvBackward(y0, p, 0.05, 20, yOut, gy0, gp, og);
            Assert.Equal(LvUpstream, og);
            Assert.Equal(LvY0, y0);
            Assert.Equal(LvP, p);
            DiffGen.Tests.Check.Near(1.250342691, yOut[0] * LvUpstream[0] + yOut[1] * LvUpstream[1], 1e-9, "yOut"); // printed value
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => Rk4LvDot(y0, p), y0), gy0, "dy0");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => Rk4LvDot(y0, p), p), gp, "dp");
        }

        [Fact] public void LeapfrogChain() => Check("LeapfrogChain", S.ChainX0, 2.0, 0.05, 15);

        [Fact] public void VerletStruct() => Check("VerletStruct", 0.7, 0.2, 1.5, 1.2, 0.1, 25);

        [Fact] public void UnrolledRidge() => Check("UnrolledRidge", 0.1, 0.05, S.RidgeX, S.RidgeY, S.RidgeXv, S.RidgeYv, 3, 10);

        [Fact] public void LambertW() => Check("LambertW", 1.7);

        // ---- 26: an instance method, by hand ----

        [Fact]
        public void GruModel_Run()
        {
            // an instance method over int Input and Hidden fields, differentiated in xs, Wz, Wr and Wh (named in the attribute)
            var gru = new Round33GruModel(2, 3);
            var (xs, wz, wr, wh) = (TestData.Clone(S.GruXs), TestData.Clone(S.GruWz), TestData.Clone(S.GruWr), TestData.Clone(S.GruWh));
            double value = gru.Run(xs, wz, wr, wh, 4);
            DiffGen.Tests.Check.Forward(value, gru.RunForward(xs, wz, wr, wh, 4), "Forward");
            var (gx, gz, gr, gh) = (TestData.Garbage(xs), TestData.Garbage(wz), TestData.Garbage(wr), TestData.Garbage(wh));
            DiffGen.Tests.Check.Forward(value, gru.RunBackward(xs, wz, wr, wh, 4, gx, gz, gr, gh), "Backward value");
            Assert.Equal(S.GruXs, xs);
            Assert.Equal(S.GruWz, wz);
            Assert.Equal(S.GruWr, wr);
            Assert.Equal(S.GruWh, wh);
            Assert.Equal((2, 3), (gru.Input, gru.Hidden));
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => gru.Run(xs, wz, wr, wh, 4), xs), gx, "dxs");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => gru.Run(xs, wz, wr, wh, 4), wz), gz, "dWz");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => gru.Run(xs, wz, wr, wh, 4), wr), gr, "dWr");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => gru.Run(xs, wz, wr, wh, 4), wh), gh, "dWh");
            const double seed = -2.5;
            var (sx, sz, sr, sh) = (TestData.Garbage(xs), TestData.Garbage(wz), TestData.Garbage(wr), TestData.Garbage(wh));
            gru.RunBackward(xs, wz, wr, wh, 4, sx, sz, sr, sh, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dxs");
            DiffGen.Tests.Check.Scaled(gz, sz, seed, "dWz");
            DiffGen.Tests.Check.Scaled(gr, sr, seed, "dWr");
            DiffGen.Tests.Check.Scaled(gh, sh, seed, "dWh");
        }

        // ---- 27 to 38, 40 ----

        [Fact] public void MaskedAttention() => Check("MaskedAttention", S.AttQ, S.AttK, S.AttV); // -∞ above the diagonal, continue

        [Fact] public void CtcNll() => Check("CtcNll", S.CtcLogits, new[] { 1, 2 }, 5, 4);

        [Fact] public void CtcNll_repeated_label() => Check("CtcNll", S.CtcLogits, new[] { 3, 3 }, 5, 4); // no skip between the 3s

        [Fact] public void HmmLogLik() => Check("HmmLogLik", S.HmmPi, S.HmmA, S.HmmB, Obs, 3, 4); // (alpha, next) = (next, alpha)

        [Fact] public void FocalLoss_defaults() => Check("FocalLoss", S.FocalLogits, FocalTargets, 2.0, 0.25); // the defaults, passed

        [Fact] public void FocalLoss_gamma_1_5() => Check("FocalLoss", S.FocalLogits, FocalTargets, 1.5, 0.4);

        [Fact] public void TripletMargin() => Check("TripletMargin", S.TripletEmb, Anchors, Positives, Negatives, 3, 0.5); // hinge active 3 of 4

        [Fact] public void ContrastiveHardNeg() => Check("ContrastiveHardNeg", S.ContrastU, S.ContrastV, 4, 3, 0.5);

        [Fact] public void LabelSmoothCe() => Check("LabelSmoothCe", S.SmoothLogits, SmoothLabels, 0.1);

        [Fact] public void KlToPrior() => Check("KlToPrior", S.KlMu, S.KlLogSigma, 1.3);

        [Fact] public void DiceLoss() => Check("DiceLoss", F(S.DiceLogits), F(DiceMask), 1f); // float: against DiceLossTwin

        [Theory]
        [InlineData(0)] // Huber
        [InlineData(1)] // pinball
        [InlineData(2)] // the discard arm: L2
        public void RegressionLoss(int mode) => Check("RegressionLoss", S.RegPred, S.RegY, mode, 1.0, 0.7);

        [Fact] public void ConvSoftplus() => Check("ConvSoftplus", S.ConvImg, S.ConvKernel, 0.1);

        [Fact] public void RaggedPoolLogistic() => Check("RaggedPoolLogistic", S.RaggedSeqs, S.RaggedW, RaggedY); // rows of 2, 5, 3, 4

        [Fact] public void GaussLegendre() => Check("GaussLegendre", -0.5, 1.2, new[] { 0.8, 0.9, -0.4 }); // const count, static readonly tables
    }
}
