using System;
using System.Globalization;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 35 (<see cref="NaturalRound35"/>, <see cref="Round35TwoLayerNet"/>): probe batch 35's 40 functions (sequences and
    /// NLP, recommenders and graphs, vision, RL, chemistry and biology, time series, numerical and C# idioms; 39 accepted as
    /// written, the 40th, JaggedMeanPoolLoss, accepted after the generator fix for foreach over Index() of a jagged array's
    /// rows), each checked as written by <see cref="MethodOracle"/>: Forward against the method, Backward's value and unchanged
    /// inputs (int and bool arrays included), every gradient against central differences of the user's method in double
    /// (GeluMean, float: of its double twin), the void layers' outputs after Backward and their gradients with a random
    /// upstream gradient (L = Σ u·output), seed scaling. By hand (a signature MethodOracle cannot drive): SoftmaxEntropy (a
    /// ReadOnlySpan&lt;double&gt; parameter, its gradient a Span&lt;double&gt;; also on slices of larger buffers) and
    /// TwoLayerNet's instance Loss (differentiated in x only: the weight fields are read as constants, as the probe found),
    /// against central differences of the user's methods. Inputs are the batch's own (its Program*.cs, <c>new Random(35)</c>,
    /// replayed in its order by <see cref="Sample"/>, the same sizes and ranges; JaggedMeanPoolLoss: the probe's counted-loop
    /// variant P5's inputs, /tmp/b35probe's own <c>new Random(35)</c>), all 58 of its cases (the 42 main ones and the 16 edge
    /// ones): GreedyDecodeScore with EOS at t = 2, at t = 0 and never; MaskedSmoothedNll with a mixed mask, all padding and
    /// all on without smoothing; MessagePassingLayer with a node without in-edges, and with a self-loop and duplicate edges;
    /// BilinearSampleSum inside, clamped outside and on the far corner; Conv2dSame with K = 3, 5 (larger than the image) and
    /// 1; MaxPool2x2 on 4×6 and 5×7; SobelEdgeEnergy without interior pixels; FirstOverlapPenalty overlapping at (1, 3), at
    /// the first pair (later overlaps ignored) and never; GaeAdvantages with mixed, all and no dones; PpoClipLoss inside,
    /// above and below the clip range with both advantage signs; LennardJonesEnergy with 4 of 15 pairs beyond the cutoff;
    /// MichaelisMentenRk2 with 40, 1 and 0 steps; SoftDtw 6×5, 1×1 and 3×7; SoftplusSum in all three switch arms;
    /// InterpolateSum below, inside and above the table and on a 2-knot table; Horner with 5, 1 and 12 coefficients (and the
    /// params call form); UnrolledRidgeLoss with 8, 1 and 0 steps (the do/while body runs once). <see cref="Sample_replays_the_probe"/>
    /// checks the replay against the values of the probe's run (its harness with a print of each value added, scalars and
    /// Σ (k+1)·output[k] of the layers) and that the branches are the probe's. No Max, Min, Clamp, Floor, argmax, cutoff,
    /// switch arm, branch or early return changes within the difference step at these inputs.
    /// </summary>
    public class NaturalRound35Tests
    {
        private static readonly Type T = typeof(NaturalRound35);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's checks (Program*.cs, Random(35)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            // Nlp
            public readonly double[] HmmLogPi;
            public readonly double[,] HmmLogA, HmmLogB;
            public readonly double[,] BigramCounts;
            public readonly double[,] AttQ, AttK, AttV;
            public readonly double[,] PosX;
            public readonly double[,] GreedyEosAt2, GreedyNoEos;
            public readonly double[,] NllMixed, NllAllPadding;
            public readonly float[] GeluX;
            // RecGraph
            public readonly double[,] MfU, MfV;
            public readonly double[] MfRatings;
            public readonly double[,] BprUser, BprItem;
            public readonly double[] ImplicitUser;
            public readonly double[,] ImplicitItems;
            public readonly double[,] MpH, MpW;
            public readonly double[] PageRankW;
            public readonly double[,] LapPositions, LapAnchors;
            // Vision
            public readonly double[,] BilinearImg;
            public readonly double[,] ConvInput, ConvKernel;
            public readonly double[,] PoolX;
            public readonly double[,] TvU, TvF;
            public readonly double[,,] SoftmaxX;
            public readonly double[,] SobelImg;
            public readonly double[] BlurSignal;
            // RlSci
            public readonly double[] ReturnsRewards;
            public readonly double[] GaeRewards, GaeValues;
            public readonly double[,] SoftQ, SoftQNext;
            public readonly double[] SoftQRewards;
            public readonly double[] LjPos;
            public readonly double[] LogisticT, LogisticY;
            public readonly double[] HoltSeries;
            public readonly double[] ArmaX;
            public readonly double[] DtwA, DtwB;
            // Idioms
            public readonly double[] KahanX;
            public readonly double[] InterpKnotsY;
            public readonly double[] PolarXs, PolarYs;
            public readonly double[] HornerC;
            public readonly double[] EntropyLogits;
            public readonly double[,] NetW1;
            public readonly double[] NetB1, NetW2, NetX;
            public readonly double[] RidgeW0;
            public readonly double[,] RidgeX;
            public readonly double[] RidgeY;
            // edge cases
            public readonly double[,] GreedyEosAt0;
            public readonly double[] Ridge0W0;
            public readonly double[,] Ridge0X;
            public readonly double[] Ridge0Y;
            public readonly double[,] Conv5Input, Conv5Kernel, Conv1Input, Conv1Kernel;
            public readonly double[,] Pool57X;
            public readonly double[,] Sobel22;
            public readonly double[] Dtw1A, Dtw1B, Dtw3A, Dtw7B;
            public readonly double[] GaeAllRewards, GaeAllValues, GaeNoneRewards, GaeNoneValues;
            public readonly double[] Horner1C, Horner12C, Interp2KnotsY;
            public readonly double[,] NllAllOn;
            public readonly double[,] BilinearFarImg;
            public readonly double[,] MpLoopH, MpLoopW;
            // the probe's P5 (/tmp/b35probe, its own Random(35), after P2 to P4): JaggedMeanPoolLoss's inputs
            public readonly double[][] JaggedSequences;
            public readonly double[] JaggedW, JaggedTargets;

            private static double U(Random rng, double s = 1) => (rng.NextDouble() * 2 - 1) * s;

            private static double[] R(Random rng, int n, double s = 1)
            {
                var a = new double[n];
                for (int i = 0; i < n; i++) a[i] = U(rng, s);
                return a;
            }

            private static double[,] R2(Random rng, int n, int m, double s = 1)
            {
                var a = new double[n, m];
                for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) a[i, j] = U(rng, s);
                return a;
            }

            private static double[,,] R3(Random rng, int n, int m, int k, double s = 1)
            {
                var a = new double[n, m, k];
                for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) for (int l = 0; l < k; l++) a[i, j, l] = U(rng, s);
                return a;
            }

            private Sample()
            {
                var rng = new Random(35);
                double[] V(int n, double s = 1) => R(rng, n, s);
                double[,] M(int n, int m, double s = 1) => R2(rng, n, m, s);

                // Nlp
                HmmLogPi = V(3, 2); HmmLogA = M(3, 3, 2); HmmLogB = M(3, 4, 2);                // 1 (obs 0 2 1 3 3 0 1)
                BigramCounts = M(4, 4);                                                         // 2 (alpha 0.7): 0.5..3.5
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) BigramCounts[i, j] = 2 + 1.5 * BigramCounts[i, j];
                AttQ = M(5, 3); AttK = M(5, 3); AttV = M(5, 3); M(5, 3);                        // 3 (the probe's upstream: drawn, unused)
                PosX = M(6, 4); M(6, 4);                                                        // 4 (scale 0.8; upstream)
                GreedyEosAt2 = M(5, 4, 2); GreedyNoEos = M(5, 4, 2);                            // 5 (eos 3: -5 in column 3, 4 at [2, 3])
                for (int t = 0; t < 5; t++) GreedyEosAt2[t, 3] = GreedyNoEos[t, 3] = -5;
                GreedyEosAt2[2, 3] = 4;
                NllMixed = M(6, 5, 2); NllAllPadding = M(6, 5, 2);                              // 6 (smoothing 0.1)
                GeluX = V(9, 2.5).Select(v => (float)v).ToArray();                              // 8
                // RecGraph
                MfU = M(4, 3); MfV = M(5, 3); MfRatings = V(7, 2);                              // 9 (lambda 0.05)
                BprUser = M(3, 4); BprItem = M(6, 4);                                           // 10 (reg 0.01)
                ImplicitUser = V(3); ImplicitItems = M(6, 3);                                   // 11 (alpha 2)
                MpH = M(5, 3); MpW = M(3, 2); M(5, 2);                                          // 12 (upstream)
                PageRankW = V(8).Select(x => 1.5 + x).ToArray();                                // 13 (damping 0.85, target 2)
                LapPositions = M(5, 2); LapAnchors = M(5, 2);                                   // 14 (stiffness 0.3)
                // Vision
                BilinearImg = M(5, 6);                                                          // 15
                ConvInput = M(5, 4); ConvKernel = M(3, 3); M(5, 4);                             // 16 (bias 0.2; upstream)
                PoolX = M(4, 6); M(2, 3);                                                       // 17 (upstream)
                TvU = M(4, 5); TvF = M(4, 5);                                                   // 18 (lambda 0.4)
                SoftmaxX = R3(rng, 3, 2, 4, 2); R3(rng, 3, 2, 4);                               // 19 (upstream)
                SobelImg = M(5, 6);                                                             // 20; 21 draws nothing
                BlurSignal = V(9); V(9);                                                        // 22 (sigma 1.3; upstream)
                // RlSci
                ReturnsRewards = V(7); V(7);                                                    // 23 (gamma 0.9; upstream)
                GaeRewards = V(8); GaeValues = V(9); V(8);                                      // 24 (gamma 0.97, lambda 0.9; upstream); 25 draws nothing
                SoftQ = M(5, 3, 2); SoftQNext = M(5, 3, 2); SoftQRewards = V(5);                // 26 (alpha 0.7, gamma 0.95)
                LjPos = new double[18];                                                         // 27 (epsilon 0.8, sigma 1, cutoff 2)
                for (int i = 0; i < 6; i++) { LjPos[3 * i] = 1.2 * (i % 3) + U(rng, 0.15); LjPos[3 * i + 1] = 1.2 * (i / 3) + U(rng, 0.15); LjPos[3 * i + 2] = U(rng, 0.15); }
                LogisticT = Enumerable.Range(0, 10).Select(i => i * 0.8).ToArray();             // 28 draws nothing; 29 (r 0.6, K 11, n0 1.3)
                LogisticY = LogisticT.Select(ti => 10 / (1 + 9 * Math.Exp(-0.7 * ti)) + U(rng, 0.3)).ToArray();
                HoltSeries = Enumerable.Range(0, 12).Select(i => 0.3 * i + Math.Sin(i) + U(rng, 0.2)).ToArray(); // 30 (alpha 0.4, beta 0.2)
                ArmaX = V(15);                                                                  // 31 (phi 0.5, theta -0.3, mu 0.1)
                DtwA = V(6); DtwB = V(5);                                                       // 32 (gamma 0.5)
                // Idioms
                KahanX = V(11, 3);                                                              // 33; 34 draws nothing
                InterpKnotsY = V(6);                                                            // 35
                PolarXs = V(6); PolarYs = V(6);                                                 // 36 (scale 1.4)
                for (int i = 0; i < 6; i++) PolarXs[i] = 0.3 + Math.Abs(PolarXs[i]) - (i % 2) * 1.0;
                HornerC = V(5);                                                                 // 37 (x 0.7)
                EntropyLogits = V(6, 2);                                                        // 38 (temperature 0.8)
                NetW1 = M(4, 3); NetB1 = V(4); NetW2 = V(4); NetX = V(3);                       // 39 (B2 0.1, target 0.5)
                RidgeW0 = V(3); RidgeX = M(6, 3); RidgeY = V(6);                                // 40 (lr 0.3, L2 0.05, Steps 8, then 1)
                // edge cases
                GreedyEosAt0 = M(4, 3); GreedyEosAt0[0, 2] = 5;                                 // eos 2
                Ridge0W0 = V(2); Ridge0X = M(4, 2); Ridge0Y = V(4);                             // (lr 0.5, L2 0.1, Steps 0); MM draws nothing
                Conv5Input = M(3, 2); Conv5Kernel = M(5, 5); M(3, 2);                           // (bias -0.1; upstream)
                Conv1Input = M(3, 2); Conv1Kernel = M(1, 1); M(3, 2);
                Pool57X = M(5, 7); M(2, 3);
                Sobel22 = M(2, 2);
                Dtw1A = V(1); Dtw1B = V(1); Dtw3A = V(3); Dtw7B = V(7);                         // (gamma 0.3, then 1)
                GaeAllRewards = V(5); GaeAllValues = V(6); V(5);                                // (gamma 0.9, lambda 0.8; upstream)
                GaeNoneRewards = V(5); GaeNoneValues = V(6); V(5);
                Horner1C = V(1); Horner12C = V(12); Interp2KnotsY = V(2);                       // (x -1.3; knots -1, 2)
                NllAllOn = M(3, 4, 3);                                                          // (labels 3 0 2, smoothing 0)
                BilinearFarImg = M(3, 3);
                MpLoopH = M(3, 2); MpLoopW = M(2, 3);                                           // (its upstream drawn last)

                // /tmp/b35probe: P2 (a jagged 3, 5, 1, 4), P3 (5), P4 (jagged), then P5's sequences, w and targets
                var p = new Random(35);
                double[][] Jag() => new[] { R(p, 3), R(p, 5), R(p, 1), R(p, 4) };
                Jag(); R(p, 5); Jag();
                JaggedSequences = Jag(); JaggedW = R(p, 3); JaggedTargets = R(p, 4);
            }
        }

        private static Sample S => Sample.Inputs;

        private static readonly int[] Obs = { 0, 2, 1, 3, 3, 0, 1 };
        private static readonly int[] Tokens = { 0, 1, 3, 2, 2, 0, 3, 1 };
        private static readonly int[] NllLabels = { 1, 4, 0, 2, 3, 1 };
        private static readonly bool[] MixedMask = { true, true, false, true, false, true };
        private static readonly int[] MfUsers = { 0, 1, 2, 3, 0, 2, 1 }, MfItems = { 0, 4, 2, 1, 3, 3, 0 };
        private static readonly int[] BprU = { 0, 1, 2, 0, 1 }, BprPos = { 1, 2, 3, 4, 5 }, BprNeg = { 0, 5, 1, 2, 2 };
        private static readonly double[] Interactions = { 0, 3, 0, 1, 5, 0 };
        private static readonly int[] MpSrc = { 0, 1, 2, 3, 0, 4, 2 }, MpDst = { 1, 2, 3, 0, 2, 1, 0 }; // node 4: no in-edges
        private static readonly int[] PrSrc = { 0, 0, 1, 2, 2, 3, 3, 4 }, PrDst = { 1, 2, 2, 0, 3, 4, 1, 0 };
        private static readonly int[,] LapEdges = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 0 }, { 1, 3 } };
        private static readonly double[] BilinearXs = { 1.3, 2.7, 4.45, -1.2, 7.5, 0.6 }, BilinearYs = { 0.4, 3.2, 2.55, 1.7, 2.3, -0.8 };
        private static readonly double[] BilinearWeights = { 1.0, -0.5, 2.0, 0.7, 1.3, -1.1 };
        private static readonly double[] Radius = { 1, 0.5, 1, 0.6, 1 };
        private static readonly bool[] Dones = { false, false, true, false, false, false, true, false };
        private static readonly double[] OldLogProbs = { -1.0, -1.2, -0.8, -1.5, -0.9, -1.1, -1.3, -0.7 };
        private static readonly double[] PpoDelta = { 0.05, 0.5, -0.5, 0.1, 0.5, -0.5, -0.05, 0.3 }; // ratio e^delta: inside, above, below
        private static readonly double[] Advantages = { 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 0.5, -0.7 };
        private static readonly int[] SoftQActions = { 0, 2, 1, 1, 0 };
        private static readonly bool[] Terminal = { false, true, false, false, true };
        private static readonly double[] SoftplusX = { 25, -25, 0.3, -1.7, 2.2, 30, -40, 0.0 };
        private static readonly double[] KnotsX = { 0, 0.5, 1.3, 2.0, 3.1, 4.0 };
        private static readonly double[] Queries = { -0.7, 0.2, 0.9, 1.7, 2.6, 3.5, 4.8, 3.9 }; // below, inside, above

        private static double[] LogProbs => OldLogProbs.Zip(PpoDelta, (a, b) => a + b).ToArray();

        /// <summary>Σ (k+1)·a[k] over a layer output in row-major order: what the replay compares for an output.</summary>
        private static double Weighted(Array a)
        {
            double s = 0;
            int k = 0;
            foreach (double v in a) s += v * ++k;
            return s;
        }

        [Fact]
        public void Sample_replays_the_probe()
        {
            // every value of the probe's run (its harness with a print added, G10): the replay draws what the probe drew
            static string G(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
            double Layer(Action<Array> run, Array output) { run(output); return Weighted(output); }
            var net = new Round35TwoLayerNet(S.NetW1, S.NetB1, S.NetW2, 0.1);
            var printed = new (string Name, double Value, string Expected)[]
            {
                ("HmmLogLikelihood", NaturalRound35.HmmLogLikelihood(S.HmmLogPi, S.HmmLogA, S.HmmLogB, Obs), "6.716324904"),
                ("BigramPerplexity", NaturalRound35.BigramPerplexity(S.BigramCounts, Tokens, 0.7), "3.816258573"),
                ("CausalAttention", Layer(o => NaturalRound35.CausalAttention(S.AttQ, S.AttK, S.AttV, (double[,])o), new double[5, 3]), "1.589194585"),
                ("AddPositionalEncoding", Layer(o => NaturalRound35.AddPositionalEncoding(S.PosX, 0.8, (double[,])o), new double[6, 4]), "-118.4034465"),
                ("GreedyDecodeScore(EOS at t=2)", NaturalRound35.GreedyDecodeScore(S.GreedyEosAt2, 3), "-1.037405991"),
                ("GreedyDecodeScore(no EOS)", NaturalRound35.GreedyDecodeScore(S.GreedyNoEos, 3), "-1.940571505"),
                ("MaskedSmoothedNll(mixed)", NaturalRound35.MaskedSmoothedNll(S.NllMixed, NllLabels, MixedMask, 0.1), "1.169420374"),
                ("MaskedSmoothedNll(all padding)", NaturalRound35.MaskedSmoothedNll(S.NllAllPadding, NllLabels, new bool[6], 0.1), "0"),
                ("JaggedMeanPoolLoss(P5's inputs)", NaturalRound35.JaggedMeanPoolLoss(S.JaggedSequences, S.JaggedW, S.JaggedTargets), "0.6199727216"),
                ("GeluMean(double twin)", NaturalRound35.GeluMeanTwin(S.GeluX.Select(v => (double)v).ToArray()), "0.4901767286"),
                ("MatrixFactorizationLoss", NaturalRound35.MatrixFactorizationLoss(S.MfU, S.MfV, MfUsers, MfItems, S.MfRatings, 0.05), "1.158964281"),
                ("BprLoss", NaturalRound35.BprLoss(S.BprUser, S.BprItem, BprU, BprPos, BprNeg, 0.01), "0.825358916"),
                ("ImplicitFeedbackLoss", NaturalRound35.ImplicitFeedbackLoss(S.ImplicitUser, S.ImplicitItems, Interactions, 2.0), "14.67291967"),
                ("MessagePassingLayer", Layer(o => NaturalRound35.MessagePassingLayer(S.MpH, S.MpW, MpSrc, MpDst, (double[,])o), new double[5, 2]), "8.059391869"),
                ("PageRankScore", NaturalRound35.PageRankScore(S.PageRankW, PrSrc, PrDst, 5, 0.85, 2), "0.3211141396"),
                ("LaplacianSmoothingEnergy", NaturalRound35.LaplacianSmoothingEnergy(S.LapPositions, LapEdges, S.LapAnchors, 0.3), "3.805291207"),
                ("BilinearSampleSum", NaturalRound35.BilinearSampleSum(S.BilinearImg, BilinearXs, BilinearYs, BilinearWeights), "-0.026219515"),
                ("Conv2dSame", Layer(o => NaturalRound35.Conv2dSame(S.ConvInput, S.ConvKernel, 0.2, (double[,])o), new double[5, 4]), "51.3445431"),
                ("MaxPool2x2", Layer(o => NaturalRound35.MaxPool2x2(S.PoolX, (double[,])o), new double[2, 3]), "10.50120546"),
                ("TotalVariationEnergy", NaturalRound35.TotalVariationEnergy(S.TvU, S.TvF, 0.4), "11.61816945"),
                ("ChannelSoftmax", Layer(o => NaturalRound35.ChannelSoftmax(S.SoftmaxX, (double[,,])o), new double[3, 2, 4]), "96.1156423"),
                ("SobelEdgeEnergy", NaturalRound35.SobelEdgeEnergy(S.SobelImg), "27.20953531"),
                ("FirstOverlapPenalty(early return)", NaturalRound35.FirstOverlapPenalty(OverlapCx(true), OverlapCy(true), Radius), "0.2113126678"),
                ("FirstOverlapPenalty(no overlap)", NaturalRound35.FirstOverlapPenalty(OverlapCx(false), OverlapCy(false), Radius), "0"),
                ("GaussianBlur1D", Layer(o => NaturalRound35.GaussianBlur1D(S.BlurSignal, 1.3, (double[])o), new double[9]), "-9.055005645"),
                ("DiscountedReturns", Layer(o => NaturalRound35.DiscountedReturns(S.ReturnsRewards, 0.9, (double[])o), new double[7]), "28.19473418"),
                ("GaeAdvantages", Layer(o => NaturalRound35.GaeAdvantages(S.GaeRewards, S.GaeValues, Dones, 0.97, 0.9, (double[])o), new double[8]), "17.9371678"),
                ("PpoClipLoss", NaturalRound35.PpoClipLoss(LogProbs, OldLogProbs, Advantages, 0.2), "0.1456721107"),
                ("SoftQLoss", NaturalRound35.SoftQLoss(S.SoftQ, S.SoftQNext, SoftQActions, S.SoftQRewards, Terminal, 0.7, 0.95), "0.9923701943"),
                ("LennardJonesEnergy", NaturalRound35.LennardJonesEnergy(S.LjPos, 0.8, 1.0, 2.0), "-5.217140297"),
                ("MichaelisMentenRk2", NaturalRound35.MichaelisMentenRk2(5, 1.2, 2.0, 0.1, 40), "2.016333164"),
                ("LogisticGrowthSse", NaturalRound35.LogisticGrowthSse(S.LogisticT, S.LogisticY, 0.6, 11, 1.3), "1.348563149"),
                ("HoltSse", NaturalRound35.HoltSse(S.HoltSeries, 0.4, 0.2), "23.40270536"),
                ("Arma11Css", NaturalRound35.Arma11Css(S.ArmaX, 0.5, -0.3, 0.1), "0.3770681982"),
                ("SoftDtw", NaturalRound35.SoftDtw(S.DtwA, S.DtwB, 0.5), "3.162710644"),
                ("KahanSumOfSquares", NaturalRound35.KahanSumOfSquares(S.KahanX), "29.33029631"),
                ("SoftplusSum", NaturalRound35.SoftplusSum(SoftplusX, 1.1), "58.83034066"),
                ("InterpolateSum", NaturalRound35.InterpolateSum(KnotsX, S.InterpKnotsY, Queries), "2.377130273"),
                ("PolarFeatureLoss", NaturalRound35.PolarFeatureLoss(S.PolarXs, S.PolarYs, 1.4), "9.170569973"),
                ("Horner", NaturalRound35.Horner(0.7, S.HornerC), "0.03941974992"),
                ("Horner(params 1, 2, 3)", NaturalRound35.Horner(0.7, 1, 2, 3), "3.87"),
                ("SoftmaxEntropy", NaturalRound35.SoftmaxEntropy(S.EntropyLogits, 0.8), "1.191351635"),
                ("TwoLayerNet.Loss", net.Loss(S.NetX, 0.5), "0.1380719564"),
                ("UnrolledRidgeLoss(Steps 8)", NaturalRound35.UnrolledRidgeLoss(S.RidgeW0, S.RidgeX, S.RidgeY, new Round35GdHyper(0.3, 0.05, 8)), "0.09390221568"),
                ("UnrolledRidgeLoss(Steps 1)", NaturalRound35.UnrolledRidgeLoss(S.RidgeW0, S.RidgeX, S.RidgeY, new Round35GdHyper(0.3, 0.05, 1)), "0.259326797"),
                // the 16 edge cases
                ("GreedyDecodeScore(EOS at t=0)", NaturalRound35.GreedyDecodeScore(S.GreedyEosAt0, 2), "-0.009928336027"),
                ("FirstOverlapPenalty(first pair)", NaturalRound35.FirstOverlapPenalty(FirstPairCx, FirstPairCy, FirstPairRadius), "1.312398502"),
                ("UnrolledRidgeLoss(Steps 0)", NaturalRound35.UnrolledRidgeLoss(S.Ridge0W0, S.Ridge0X, S.Ridge0Y, new Round35GdHyper(0.5, 0.1, 0)), "0.2172248581"),
                ("MichaelisMentenRk2(steps 0)", NaturalRound35.MichaelisMentenRk2(3, 0.9, 1.5, 0.2, 0), "3"),
                ("MichaelisMentenRk2(steps 1)", NaturalRound35.MichaelisMentenRk2(3, 0.9, 1.5, 0.2, 1), "2.880810811"),
                ("Conv2dSame(K 5)", Layer(o => NaturalRound35.Conv2dSame(S.Conv5Input, S.Conv5Kernel, -0.1, (double[,])o), new double[3, 2]), "1.603054749"),
                ("Conv2dSame(K 1)", Layer(o => NaturalRound35.Conv2dSame(S.Conv1Input, S.Conv1Kernel, -0.1, (double[,])o), new double[3, 2]), "2.727167603"),
                ("MaxPool2x2(5x7)", Layer(o => NaturalRound35.MaxPool2x2(S.Pool57X, (double[,])o), new double[2, 3]), "11.33966561"),
                ("SobelEdgeEnergy(2x2)", NaturalRound35.SobelEdgeEnergy(S.Sobel22), "0"),
                ("SoftDtw(1x1)", NaturalRound35.SoftDtw(S.Dtw1A, S.Dtw1B, 0.3), "0.3664408381"),
                ("SoftDtw(3x7)", NaturalRound35.SoftDtw(S.Dtw3A, S.Dtw7B, 1.0), "-0.3612611303"),
                ("GaeAdvantages(all done)", Layer(o => NaturalRound35.GaeAdvantages(S.GaeAllRewards, S.GaeAllValues, new[] { true, true, true, true, true }, 0.9, 0.8, (double[])o), new double[5]), "7.044580188"),
                ("GaeAdvantages(none done)", Layer(o => NaturalRound35.GaeAdvantages(S.GaeNoneRewards, S.GaeNoneValues, new bool[5], 0.9, 0.8, (double[])o), new double[5]), "-7.754808247"),
                ("Horner(1 coefficient)", NaturalRound35.Horner(-1.3, S.Horner1C), "0.4778125628"),
                ("Horner(12 coefficients)", NaturalRound35.Horner(-1.3, S.Horner12C), "9.02550176"),
                ("InterpolateSum(2 knots)", NaturalRound35.InterpolateSum(TwoKnotsX, S.Interp2KnotsY, TwoKnotQueries), "-0.6025054774"),
                ("MaskedSmoothedNll(all on, smoothing 0)", NaturalRound35.MaskedSmoothedNll(S.NllAllOn, AllOnLabels, new[] { true, true, true }, 0.0), "1.254487384"),
                ("BilinearSampleSum(far corner)", NaturalRound35.BilinearSampleSum(S.BilinearFarImg, FarXs, FarYs, FarWeights), "-0.554394833"),
                ("MessagePassingLayer(self-loop, duplicates)", Layer(o => NaturalRound35.MessagePassingLayer(S.MpLoopH, S.MpLoopW, LoopSrc, LoopDst, (double[,])o), new double[3, 3]), "-12.71165982"),
            };
            // the probe's 58 cases (GeluMean's by its twin; two values in the SoftDtw edge case, three in the Horner/InterpolateSum
            // one), Horner's params form and Steps = 1 (checked in the same cases), and JaggedMeanPoolLoss at P5's inputs
            Assert.Equal(64, printed.Length);
            foreach (var (name, value, expected) in printed) Assert.True(G(value) == expected, $"{name}: {G(value)}, the probe's run gave {expected}");
            Assert.Equal("0.4901768", NaturalRound35.GeluMean(S.GeluX).ToString("R", CultureInfo.InvariantCulture)); // the float original's value

            // the branches are the probe's
            int Argmax(double[,] l, int t) { int b = 0; for (int v = 1; v < l.GetLength(1); v++) if (l[t, v] > l[t, b]) b = v; return b; }
            Assert.Equal(new[] { false, false, true, false, false }, Enumerable.Range(0, 5).Select(t => Argmax(S.GreedyEosAt2, t) == 3));
            Assert.DoesNotContain(3, Enumerable.Range(0, 5).Select(t => Argmax(S.GreedyNoEos, t)));
            Assert.Equal(2, Argmax(S.GreedyEosAt0, 0)); // EOS at t = 0: the loop breaks on its first step
            int beyond = 0;
            for (int i = 0; i < 6; i++)
                for (int j = i + 1; j < 6; j++)
                    if (Enumerable.Range(0, 3).Sum(c => (S.LjPos[3 * i + c] - S.LjPos[3 * j + c]) * (S.LjPos[3 * i + c] - S.LjPos[3 * j + c])) > 4) beyond++;
            Assert.Equal(4, beyond); // the probe's note: 4 of 15 pairs beyond the cutoff
            var ratios = PpoDelta.Select(Math.Exp).ToArray();
            Assert.True(ratios.Any(r => r > 1.2) && ratios.Any(r => r < 0.8) && ratios.Any(r => r > 0.8 && r < 1.2)); // above, below, inside
            Assert.True(Advantages.Any(a => a > 0) && Advantages.Any(a => a < 0));
            var z = SoftplusX.Select(v => 1.1 * v).ToArray();
            Assert.True(z.Any(v => v > 20) && z.Any(v => v < -20) && z.Any(v => Math.Abs(v) <= 20)); // all three switch arms
            Assert.True(Queries.Any(q => q <= KnotsX[0]) && Queries.Any(q => q >= KnotsX[^1]) && Queries.Any(q => q > KnotsX[0] && q < KnotsX[^1]));
            Assert.True(BilinearXs.Any(x => x < 0 || x > 6 - 1.0001) && BilinearYs.Any(y => y < 0)); // clamped outside
            Assert.DoesNotContain(4, MpDst); // node 4 has no in-edges: Math.Max(1, degree)
            Assert.True(NaturalRound35.FirstOverlapPenalty(OverlapCx(true), OverlapCy(true), Radius) > 0);
            Assert.True(Enumerable.Range(0, 6).All(i => S.PolarXs[i] > 0 || Math.Abs(S.PolarYs[i]) > 0.01)); // off Atan2's branch cut
        }

        // ---- Nlp: 1 to 8 ----

        [Fact] public void HmmLogLikelihood() => Check("HmmLogLikelihood", S.HmmLogPi, S.HmmLogA, S.HmmLogB, Obs); // (alpha, next) = (next, alpha)

        [Fact] public void BigramPerplexity() => Check("BigramPerplexity", S.BigramCounts, Tokens, 0.7);

        [Fact] public void CausalAttention() => Check("CausalAttention", S.AttQ, S.AttK, S.AttV, new double[5, 3]); // void, writing output

        [Fact] public void AddPositionalEncoding() => Check("AddPositionalEncoding", S.PosX, 0.8, new double[6, 4]); // void, writing y

        [Fact] public void GreedyDecodeScore_eos_at_t2() => Check("GreedyDecodeScore", S.GreedyEosAt2, 3); // break at t = 2

        [Fact] public void GreedyDecodeScore_no_eos() => Check("GreedyDecodeScore", S.GreedyNoEos, 3);

        [Fact] public void GreedyDecodeScore_eos_at_t0() => Check("GreedyDecodeScore", S.GreedyEosAt0, 2); // break on the first step

        [Fact] public void MaskedSmoothedNll_mixed_mask() => Check("MaskedSmoothedNll", S.NllMixed, NllLabels, MixedMask, 0.1);

        [Fact] public void MaskedSmoothedNll_all_padding() => Check("MaskedSmoothedNll", S.NllAllPadding, NllLabels, new bool[6], 0.1); // count 0: the 0.0 arm

        [Fact] public void MaskedSmoothedNll_all_on_no_smoothing() => Check("MaskedSmoothedNll", S.NllAllOn, AllOnLabels, new[] { true, true, true }, 0.0);

        [Fact] public void JaggedMeanPoolLoss() => Check("JaggedMeanPoolLoss", S.JaggedSequences, S.JaggedW, S.JaggedTargets); // rows of 3, 5, 1, 4; foreach over sequences.Index()

        [Fact] public void GeluMean() => Check("GeluMean", S.GeluX); // float: against GeluMeanTwin

        // ---- RecGraph: 9 to 14 ----

        [Fact] public void MatrixFactorizationLoss() => Check("MatrixFactorizationLoss", S.MfU, S.MfV, MfUsers, MfItems, S.MfRatings, 0.05); // foreach over double[,]

        [Fact] public void BprLoss() => Check("BprLoss", S.BprUser, S.BprItem, BprU, BprPos, BprNeg, 0.01);

        [Fact] public void ImplicitFeedbackLoss() => Check("ImplicitFeedbackLoss", S.ImplicitUser, S.ImplicitItems, Interactions, 2.0); // `is > 0` both ways

        [Fact] public void MessagePassingLayer() => Check("MessagePassingLayer", S.MpH, S.MpW, MpSrc, MpDst, new double[5, 2]); // node 4 without in-edges

        [Fact] public void MessagePassingLayer_self_loop_and_duplicate_edges() => Check("MessagePassingLayer", S.MpLoopH, S.MpLoopW, LoopSrc, LoopDst, new double[3, 3]);

        [Fact] public void PageRankScore() => Check("PageRankScore", S.PageRankW, PrSrc, PrDst, 5, 0.85, 2); // do/while, 30 iterations

        [Fact] public void LaplacianSmoothingEnergy() => Check("LaplacianSmoothingEnergy", S.LapPositions, LapEdges, S.LapAnchors, 0.3); // int[,] edges

        // ---- Vision: 15 to 22 ----

        [Fact] public void BilinearSampleSum_inside_and_clamped() => Check("BilinearSampleSum", S.BilinearImg, BilinearXs, BilinearYs, BilinearWeights);

        [Fact] public void BilinearSampleSum_far_corner() => Check("BilinearSampleSum", S.BilinearFarImg, FarXs, FarYs, FarWeights);

        [Fact] public void Conv2dSame() => Check("Conv2dSame", S.ConvInput, S.ConvKernel, 0.2, new double[5, 4]);

        [Fact] public void Conv2dSame_kernel_larger_than_the_image() => Check("Conv2dSame", S.Conv5Input, S.Conv5Kernel, -0.1, new double[3, 2]); // K 5 on 3×2

        [Fact] public void Conv2dSame_kernel_1() => Check("Conv2dSame", S.Conv1Input, S.Conv1Kernel, -0.1, new double[3, 2]);

        [Fact] public void MaxPool2x2() => Check("MaxPool2x2", S.PoolX, new double[2, 3]);

        [Fact] public void MaxPool2x2_odd_size() => Check("MaxPool2x2", S.Pool57X, new double[2, 3]); // 5×7: the last row and column unread

        [Fact] public void TotalVariationEnergy() => Check("TotalVariationEnergy", S.TvU, S.TvF, 0.4);

        [Fact] public void ChannelSoftmax() => Check("ChannelSoftmax", S.SoftmaxX, new double[3, 2, 4]); // double[,,]

        [Fact] public void SobelEdgeEnergy() => Check("SobelEdgeEnergy", S.SobelImg); // ReadOnlySpan<int> kernels

        [Fact] public void SobelEdgeEnergy_no_interior() => Check("SobelEdgeEnergy", S.Sobel22); // 2×2: the loops never run

        [Fact] public void FirstOverlapPenalty_early_return() => Check("FirstOverlapPenalty", OverlapCx(true), OverlapCy(true), Radius); // pair (1, 3)

        [Fact] public void FirstOverlapPenalty_no_overlap() => Check("FirstOverlapPenalty", OverlapCx(false), OverlapCy(false), Radius);

        [Fact] public void FirstOverlapPenalty_first_pair() => Check("FirstOverlapPenalty", FirstPairCx, FirstPairCy, FirstPairRadius); // (2, 3) overlaps too: ignored

        [Fact] public void GaussianBlur1D() => Check("GaussianBlur1D", S.BlurSignal, 1.3, new double[9]); // stackalloc weights of sigma

        // ---- RlSci: 23 to 32 ----

        [Fact] public void DiscountedReturns() => Check("DiscountedReturns", S.ReturnsRewards, 0.9, new double[7]);

        [Fact] public void GaeAdvantages_mixed_dones() => Check("GaeAdvantages", S.GaeRewards, S.GaeValues, Dones, 0.97, 0.9, new double[8]);

        [Fact] public void GaeAdvantages_all_done() => Check("GaeAdvantages", S.GaeAllRewards, S.GaeAllValues, new[] { true, true, true, true, true }, 0.9, 0.8, new double[5]);

        [Fact] public void GaeAdvantages_none_done() => Check("GaeAdvantages", S.GaeNoneRewards, S.GaeNoneValues, new bool[5], 0.9, 0.8, new double[5]);

        [Fact] public void PpoClipLoss() => Check("PpoClipLoss", LogProbs, OldLogProbs, Advantages, 0.2); // inside, above and below the clip range

        [Fact] public void SoftQLoss() => Check("SoftQLoss", S.SoftQ, S.SoftQNext, SoftQActions, S.SoftQRewards, Terminal, 0.7, 0.95);

        [Fact] public void LennardJonesEnergy() => Check("LennardJonesEnergy", S.LjPos, 0.8, 1.0, 2.0); // 4 of 15 pairs beyond the cutoff

        [Theory]
        [InlineData(5.0, 1.2, 2.0, 0.1, 40)]
        [InlineData(3.0, 0.9, 1.5, 0.2, 1)]
        [InlineData(3.0, 0.9, 1.5, 0.2, 0)] // no step: x = s0
        public void MichaelisMentenRk2(double s0, double vmax, double km, double dt, int steps) => Check("MichaelisMentenRk2", s0, vmax, km, dt, steps);

        [Fact] public void LogisticGrowthSse() => Check("LogisticGrowthSse", S.LogisticT, S.LogisticY, 0.6, 11.0, 1.3);

        [Fact] public void HoltSse() => Check("HoltSse", S.HoltSeries, 0.4, 0.2);

        [Fact] public void Arma11Css() => Check("Arma11Css", S.ArmaX, 0.5, -0.3, 0.1);

        [Fact] public void SoftDtw() => Check("SoftDtw", S.DtwA, S.DtwB, 0.5); // +∞ borders

        [Fact] public void SoftDtw_1x1() => Check("SoftDtw", S.Dtw1A, S.Dtw1B, 0.3);

        [Fact] public void SoftDtw_3x7() => Check("SoftDtw", S.Dtw3A, S.Dtw7B, 1.0);

        // ---- Idioms: 33 to 40 ----

        [Fact]
        public void KahanSumOfSquares()
        {
            Check("KahanSumOfSquares", S.KahanX);
            var g = TestData.Garbage(S.KahanX);
            NaturalRound35.KahanSumOfSquaresBackward(S.KahanX, g);
            DiffGen.Tests.Check.Gradient(S.KahanX.Select(x => 2 * x).ToArray(), g, "dx = 2x", 1e-12); // the compensation cancels
        }

        [Fact] public void SoftplusSum() => Check("SoftplusSum", SoftplusX, 1.1); // all three switch arms

        [Fact] public void InterpolateSum() => Check("InterpolateSum", KnotsX, S.InterpKnotsY, Queries); // below, inside, above

        [Fact] public void InterpolateSum_two_knots() => Check("InterpolateSum", TwoKnotsX, S.Interp2KnotsY, TwoKnotQueries);

        [Fact] public void PolarFeatureLoss() => Check("PolarFeatureLoss", S.PolarXs, S.PolarYs, 1.4); // tuple-returning local function

        [Fact] public void Horner() => Check("Horner", 0.7, S.HornerC);

        [Fact] public void Horner_one_coefficient() => Check("Horner", -1.3, S.Horner1C);

        [Fact] public void Horner_twelve_coefficients() => Check("Horner", -1.3, S.Horner12C);

        [Fact]
        public void Horner_params_call_form()
        {
            // the params form the probe called: Forward takes params too
            DiffGen.Tests.Check.Forward(NaturalRound35.Horner(0.7, 1, 2, 3), NaturalRound35.HornerForward(0.7, 1, 2, 3), "Forward (params)");
        }

        [Fact]
        public void SoftmaxEntropy_read_only_span()
        {
            // a ReadOnlySpan<double> parameter: its gradient is a Span<double>
            var l = TestData.Clone(S.EntropyLogits);
            double temp = 0.8;
            double value = NaturalRound35.SoftmaxEntropy(l, temp);
            DiffGen.Tests.Check.Forward(value, NaturalRound35.SoftmaxEntropyForward(l, temp), "Forward");
            var g = TestData.Garbage(l);
            DiffGen.Tests.Check.Forward(value, NaturalRound35.SoftmaxEntropyBackward(l, temp, g, out double gt), "Backward value");
            DiffGen.Tests.Check.Unchanged(S.EntropyLogits, l, "logits");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound35.SoftmaxEntropy(l, temp), l), g, "dlogits");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(t => NaturalRound35.SoftmaxEntropy(l, t), temp), gt, "dtemperature");
            const double seed = -2.5;
            var s = TestData.Garbage(l);
            NaturalRound35.SoftmaxEntropyBackward(l, temp, s, out double st, seed);
            DiffGen.Tests.Check.Scaled(g, s, seed, "dlogits");
            DiffGen.Tests.Check.Scaled(gt, st, seed, "dtemperature");

            // slices of larger buffers: the same value and gradient, the entries outside the slice left alone
            var big = new double[l.Length + 3];
            big[0] = 9; big[^2] = -9; big[^1] = 4;
            l.CopyTo(big, 1);
            var bigGrad = TestData.Garbage(big);
            DiffGen.Tests.Check.Forward(value, NaturalRound35.SoftmaxEntropyBackward(big.AsSpan(1, l.Length), temp, bigGrad.AsSpan(1, l.Length), out double bt), "Backward value (slice)");
            DiffGen.Tests.Check.Gradient(g, bigGrad[1..^2], "dlogits (slice)", 1e-12);
            DiffGen.Tests.Check.Near(gt, bt, 1e-12, "dtemperature (slice)");
            Assert.True(double.IsNaN(bigGrad[0]) && double.IsNaN(bigGrad[^2]) && double.IsNaN(bigGrad[^1]), "Backward wrote outside the gradient slice");
            Assert.Equal(new[] { 9.0, -9.0, 4.0 }, new[] { big[0], big[^2], big[^1] });
        }

        [Fact]
        public void TwoLayerNet_Loss()
        {
            // an instance method reading the weight fields W1, B1, W2 and B2 (not named in the attribute: read as constants)
            var net = new Round35TwoLayerNet(TestData.Clone(S.NetW1), TestData.Clone(S.NetB1), TestData.Clone(S.NetW2), 0.1);
            var x = TestData.Clone(S.NetX);
            const double target = 0.5;
            double value = net.Loss(x, target);
            DiffGen.Tests.Check.Forward(value, net.LossForward(x, target), "Forward");
            var g = TestData.Garbage(x);
            DiffGen.Tests.Check.Forward(value, net.LossBackward(x, target, g), "Backward value");
            Assert.Equal(S.NetX, x);
            Assert.Equal(S.NetW1, net.W1);
            Assert.Equal(S.NetB1, net.B1);
            Assert.Equal(S.NetW2, net.W2);
            Assert.Equal(0.1, net.B2);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => net.Loss(x, target), x), g, "dx");
            const double seed = -2.5;
            var s = TestData.Garbage(x);
            net.LossBackward(x, target, s, seed);
            DiffGen.Tests.Check.Scaled(g, s, seed, "dx");
            // what the probe found: x's gradient only (the fields are the model's constants here)
            var backward = typeof(Round35TwoLayerNet).GetMethods().Single(m => m.Name == "LossBackward");
            Assert.Equal(new[] { "x", "target", "xGrad", "seed" }, backward.GetParameters().Select(p => p.Name));
        }

        [Theory]
        [InlineData(8)]
        [InlineData(1)]
        public void UnrolledRidgeLoss(int steps) => Check("UnrolledRidgeLoss", S.RidgeW0, S.RidgeX, S.RidgeY, new Round35GdHyper(0.3, 0.05, steps)); // in record struct, do/while

        [Fact] public void UnrolledRidgeLoss_zero_steps() => Check("UnrolledRidgeLoss", S.Ridge0W0, S.Ridge0X, S.Ridge0Y, new Round35GdHyper(0.5, 0.1, 0)); // the do/while body runs once

        // ---- the edge cases' fixed inputs ----

        private static double[] OverlapCx(bool overlap) => new[] { 0, 3, 6, overlap ? 3.5 : 9, 12 };

        private static double[] OverlapCy(bool overlap) => new[] { 0, 0.2, -0.3, overlap ? 0.6 : 1, 0.4 };

        private static readonly double[] FirstPairCx = { 0, 0.8, 5, 5.5 }, FirstPairCy = { 0, 0.3, 0, 0.1 }, FirstPairRadius = { 1, 1, 1, 1 };
        private static readonly double[] TwoKnotsX = { -1, 2 }, TwoKnotQueries = { -2, 0.5, 1.9, 3 };
        private static readonly int[] AllOnLabels = { 3, 0, 2 };
        private static readonly double[] FarXs = { 9, 1.5 }, FarYs = { 9, -3 }, FarWeights = { 1, 2 };
        private static readonly int[] LoopSrc = { 0, 0, 1, 2 }, LoopDst = { 0, 1, 1, 1 };
    }
}
