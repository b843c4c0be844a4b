using System;
using System.Globalization;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 26 (<see cref="NaturalRound26"/>, <see cref="Round26LstmRegressor"/>, <see cref="Round26EmbeddingBagClassifier"/>,
    /// <see cref="Round26DepthwiseConv1d"/>): probe batch 26's 23 accepted functions, each checked as written by
    /// <see cref="MethodOracle"/> (the float methods FocalLoss, SoftDiceLoss and ArcFaceLoss against their double twins),
    /// with the inputs of the batch's own Program.cs: <see cref="Batch26Inputs"/> replays its one Random(2026) stream in
    /// its order (the draws of the seven functions left out included), and <see cref="SampleInputs_give_the_batch_values"/>
    /// checks the replay against the values the batch printed. Also the other side of the early returns, modes, options
    /// and branches where cheap (an empty batch, alpha null, Sum, ArcFace's 'cos - mm' side at margin 1.4, a teacher
    /// probability that underflows to 0, Huber and unclipped value losses, empty episodes, no observations, the penalty
    /// returns, Loading's Taylor branch, LogGamma's reflection, an exposure). By hand: the instance methods
    /// (LstmRegressor.SequenceLoss in inputs and targets; DepthwiseConv1d.Loss, float, against central differences of its
    /// double twin LossTwin; EmbeddingBagClassifier.Loss, whose int parameters leave nothing to differentiate: the value
    /// only), the ReadOnlySpan method Wasserstein1D (with arrays and slices) and LocalLevelNegLogLik with NaN observations
    /// (their gradient must be 0), against central differences of the user's method. Input choices (the user's own
    /// arithmetic, not generator bugs): NelsonSiegelSvenssonLoss's sample has a maturity of exactly 0.25, the kink of the
    /// weight's Math.Max(m, 0.25) (central differences average the two sides there), so with WeightByInverseMaturity the
    /// first maturity is 0.2 here and the sample's maturities are checked unweighted; LocalLevelNegLogLik's sample
    /// initialVar 1e6 makes p * (1 - gain) cancel (1 - gain = 6e-7), which moves a central difference of step 1e-6 by
    /// 5e-6 relative, so the sample is checked with a step of 1e-4 and the oracle runs at initialVar 100 and 10;
    /// Garch11NegLogLik's sample omega = 3e-6 is below the oracle's step (1e-6 at |x| &lt; 1), so the oracle runs on the same
    /// series in percent (returns x 100, omega x 1e4, the sample's alpha and beta) and the sample by hand with a step of
    /// 1e-10 for omega; SpringChainSettledEnergy's sample settles at 2.5e-7 with every gradient entry below 2e-6 (checked,
    /// but only to the oracle's absolute floor), so it is also checked at the sample's displacements x 100 (the chain is
    /// linear: the same trajectory scaled) stopped by MaxSteps and by the tolerance break. DirichletMultinomialLogLik's
    /// sample alpha[3] = 0.5 sits where LogGamma switches to its reflection, whose values agree with the Lanczos side,
    /// so it is checked as it is. No argmax, kink, branch or while trip count (GaeValueLoss's clip, Max and Huber,
    /// ArcFaceLoss's threshold, BilinearWarpLoss's Floor and border Clamp, Wasserstein1D's merge order, the spring
    /// chain's break, MertonCall's series break) changes under the step at these inputs. Bad input (<see cref="Bad{TEx}"/>
    /// and, written out, <see cref="InstanceBad{TEx}"/>): the method, its Forward and its Backward throw the same
    /// exception, with the same message and parameter name, guards inside loops and a switch's default included.
    /// </summary>
    public class NaturalRound26Tests
    {
        private static readonly Type T = typeof(NaturalRound26);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>
        /// The inputs of batch 26's Program.cs, drawn in its order from its one Random(2026) (the LSTM's weights from its own
        /// Random(7)), the draws of the functions left out (CenterLoss, PpoClippedLoss, RmsNormFeedForward.Loss,
        /// BatchNorm1d.ForwardTraining, GaussianSplatLoss; PinballLoss's come last) included, so every sample is the batch's.
        /// </summary>
        private sealed class Batch26Inputs
        {
            private readonly Random Rng = new(2026);

            private double Gauss(double mean = 0.0, double std = 1.0)
            {
                double u1 = 1.0 - Rng.NextDouble(), u2 = Rng.NextDouble();
                return mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            }

            private double[] Vec(int n, double std = 1.0) => Enumerable.Range(0, n).Select(_ => Gauss(0, std)).ToArray();
            private float[] VecF(int n, double std = 1.0) => Enumerable.Range(0, n).Select(_ => (float)Gauss(0, std)).ToArray();
            private double[][] Jag(int r, int c, double std = 1.0) => Enumerable.Range(0, r).Select(_ => Vec(c, std)).ToArray();
            private float[][] JagF(int r, int c, double std = 1.0) => Enumerable.Range(0, r).Select(_ => VecF(c, std)).ToArray();
            private int[] Labels(int n, int classes) => Enumerable.Range(0, n).Select(_ => Rng.Next(classes)).ToArray();

            private double[,] Mat(int r, int c, double std = 1.0)
            {
                var m = new double[r, c];
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                        m[i, j] = Gauss(0, std);
                return m;
            }

            private float[,] MatF(int r, int c, double std = 1.0)
            {
                var m = new float[r, c];
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                        m[i, j] = (float)Gauss(0, std);
                return m;
            }

            private static double[] SoftmaxRow(double[] z)
            {
                double max = z.Max();
                var e = z.Select(v => Math.Exp(v - max)).ToArray();
                double s = e.Sum();
                return e.Select(v => v / s).ToArray();
            }

            private int Poisson(double lambda)
            {
                double l = Math.Exp(-lambda), p = 1.0;
                int k = 0;
                do { k++; p *= Rng.NextDouble(); } while (p > l);
                return k - 1;
            }

            private static double NormCdf(double x)
            {
                double t = 1.0 / (1.0 + 0.3275911 * Math.Abs(x) / Math.Sqrt(2));
                double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                           * Math.Exp(-x * x / 2);
                return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
            }

            private static double BsCall(double s, double k, double r, double sigma, double t)
            {
                double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * Math.Sqrt(t));
                double d2 = d1 - sigma * Math.Sqrt(t);
                return s * NormCdf(d1) - k * Math.Exp(-r * t) * NormCdf(d2);
            }

            public readonly float[][] FocalLogits;
            public readonly int[] FocalTargets;
            public readonly float[] FocalAlpha = { 0.25f, 0.25f, 0.25f, 0.25f, 0.25f };
            public readonly float[,,] DiceLogits, DiceMasks;
            public readonly float[][] ArcEmbeddings;
            public readonly float[,] ArcWeights;
            public readonly int[] ArcLabels;
            public readonly double[][] DistillStudent, DistillTeacher;
            public readonly int[] DistillLabels;
            public readonly double[][] MixupLogits;
            public readonly int[] MixupA, MixupB;
            public readonly double[][] InfoAnchors, InfoPositives;
            public readonly double[] GaeRewards, GaeOldValues, GaeValues;
            public readonly bool[] GaeDones;
            public readonly double[][] ReinforceLogProbs, ReinforceRewards;
            public readonly double[][] BagEmbeddings;
            public readonly double[,] BagWeights;
            public readonly double[] BagBias;
            public readonly int[] BagTokenIds = { 1, 4, 7, 2, 19, 3, 3, 8, 11, 0, 15, 21, 6 }; // 21 is out-of-vocabulary
            public readonly int[] BagOffsets = { 0, 3, 5, 9 };
            public readonly int[] BagLabels = { 0, 2, 1, 2 };
            public readonly float[,] ConvKernels;
            public readonly float[] ConvBias;
            public readonly float[,] ConvInput, ConvTarget;
            public readonly double[] SirObserved;
            public readonly double[,] LvObserved;
            public readonly double[] LevelY;
            public readonly double[] HmmLogInitial;
            public readonly double[,] HmmLogTransition;
            public readonly double[] HmmMeans = { -2.0, 0.0, 3.0 }, HmmStds = { 0.7, 0.5, 1.0 };
            public readonly double[] HmmObservations;
            public readonly double[] WassX, WassY, WassWx, WassWy;
            public readonly double[] ChainStiffness = { 40, 35, 50, 45, 30, 40 };
            public readonly double[] ChainDisplacement = { 0.1, -0.05, 0.2, 0.0, -0.1 };
            public readonly double[,] WarpSource, WarpTarget;
            public readonly double[,,] WarpFlow;
            public readonly double[] GarchReturns;
            public readonly double[] NssMaturities = { 0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 30 };
            public readonly double[] NssYields = { 4.10, 4.05, 3.95, 3.80, 3.75, 3.80, 3.90, 4.05, 4.35, 4.40 };
            public readonly double[] NssP = { 4.5, -0.4, -1.0, 0.8, 1.5, 10.0 };
            public readonly double[] MertonStrikes = { 80, 90, 100, 110, 120, 90, 100, 110 };
            public readonly double[] MertonMaturities = { 0.5, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0 };
            public readonly double[] MertonMarket;
            public readonly double[] MertonParams = { 0.2, 0.5, -0.1, 0.15 };
            public readonly double[] DirichletAlpha = { 1.5, 0.8, 2.0, 0.5 };
            public readonly int[][] DirichletCounts;
            public readonly double[,] NbDesign;
            public readonly int[] NbY;

            public Batch26Inputs()
            {
                FocalLogits = JagF(8, 5, 1.5);
                FocalTargets = Labels(8, 5);

                {
                    const int B = 2, H = 16, W = 16;
                    DiceLogits = new float[B, H, W];
                    DiceMasks = new float[B, H, W];
                    for (int b = 0; b < B; b++)
                        for (int y = 0; y < H; y++)
                            for (int x = 0; x < W; x++)
                            {
                                double r2 = (x - 7.5 - b) * (x - 7.5 - b) + (y - 7.5) * (y - 7.5);
                                DiceMasks[b, y, x] = r2 < 25 ? 1f : 0f;
                                DiceLogits[b, y, x] = (float)(2.0 - 0.12 * r2 + Gauss(0, 0.5));
                            }
                }

                ArcEmbeddings = JagF(6, 8);
                ArcWeights = MatF(4, 8);
                ArcLabels = Labels(6, 4);

                DistillTeacher = Jag(6, 5, 2.0);
                DistillStudent = DistillTeacher.Select(row => row.Select(v => 0.6 * v + Gauss(0, 0.5)).ToArray()).ToArray();
                DistillLabels = DistillTeacher.Select(row => Array.IndexOf(row, row.Max())).ToArray();

                MixupLogits = Jag(8, 4, 1.2);
                MixupA = Labels(8, 4);
                MixupB = MixupA.Reverse().ToArray();

                {
                    // CenterLoss (left out): its draws
                    var centers = Jag(4, 3, 2.0);
                    var labels = Labels(10, 4);
                    _ = labels.Select(l => centers[l].Select(c => c + Gauss(0, 0.4)).ToArray()).ToArray();
                }

                InfoAnchors = Jag(6, 8);
                InfoPositives = InfoAnchors.Select(a => a.Select(v => v + Gauss(0, 0.3)).ToArray()).ToArray();

                {
                    // PpoClippedLoss (left out): its draws
                    const int N = 16;
                    _ = Enumerable.Range(0, N).Select(_ => SoftmaxRow(Vec(4))).ToArray();
                    _ = Labels(N, 4);
                    _ = Enumerable.Range(0, N).Select(_ => Gauss(0, 0.15)).ToArray();
                    _ = Vec(N);
                }

                {
                    const int T = 20;
                    GaeRewards = Enumerable.Range(0, T).Select(_ => Rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
                    GaeOldValues = Enumerable.Range(0, T).Select(_ => 2.0 + Gauss(0, 0.5)).ToArray();
                    GaeValues = GaeOldValues.Select(v => v + Gauss(0, 0.3)).ToArray();
                    GaeDones = new bool[T];
                    GaeDones[9] = true;
                }

                {
                    int[] lengths = { 5, 8, 6 };
                    ReinforceLogProbs = lengths.Select(n => Enumerable.Range(0, n).Select(_ => Math.Log(0.1 + 0.8 * Rng.NextDouble())).ToArray()).ToArray();
                    ReinforceRewards = lengths.Select(n => Enumerable.Range(0, n).Select(_ => Gauss(0.5, 1.0)).ToArray()).ToArray();
                }

                {
                    // RmsNormFeedForward.Loss (left out): its draws
                    const int D = 8, Hd = 16;
                    _ = Enumerable.Range(0, D).Select(_ => (float)(1.0 + Gauss(0, 0.1))).ToArray();
                    _ = MatF(Hd, D, 0.3);
                    _ = VecF(Hd, 0.05);
                    _ = MatF(D, Hd, 0.2);
                    _ = VecF(D, 0.05);
                    _ = JagF(5, D);
                }

                _ = Mat(6, 4, 3.0); // BatchNorm1d.ForwardTraining (left out): its draws

                BagEmbeddings = Jag(20, 6, 0.5);
                BagWeights = Mat(3, 6, 0.5);
                BagBias = Vec(3, 0.1);

                ConvKernels = MatF(3, 3, 0.5);
                ConvBias = VecF(3, 0.1);
                ConvInput = MatF(3, 16);
                ConvTarget = MatF(3, (16 + 2 * 1 - 3) / 2 + 1, 0.5);

                {
                    const double N = 10_000;
                    double s = N - 10, i = 10;
                    SirObserved = new double[40];
                    for (int day = 0; day < SirObserved.Length; day++)
                    {
                        SirObserved[day] = Math.Max(0.0, i * Math.Exp(Gauss(0, 0.05)));
                        for (int k = 0; k < 10; k++)
                        {
                            double inf = 0.32 * s * i / N, rec = 0.11 * i;
                            s -= 0.1 * inf; i += 0.1 * (inf - rec);
                        }
                    }
                }

                {
                    double x = 10, y = 5;
                    LvObserved = new double[25, 2];
                    for (int k = 0; k < 25; k++)
                    {
                        LvObserved[k, 0] = x + Gauss(0, 0.2);
                        LvObserved[k, 1] = y + Gauss(0, 0.2);
                        for (int s = 0; s < 100; s++)
                        {
                            double dx = 1.0 * x - 0.1 * x * y, dy = 0.075 * x * y - 1.5 * y;
                            x += 0.001 * dx; y += 0.001 * dy;
                        }
                    }
                }

                {
                    LevelY = new double[60];
                    double level = 5.0;
                    for (int t = 0; t < LevelY.Length; t++)
                    {
                        level += Gauss(0, 0.3);
                        LevelY[t] = level + Gauss(0, 0.8);
                    }
                    LevelY[17] = double.NaN;
                }

                {
                    HmmLogInitial = new[] { 0.5, 0.3, 0.2 }.Select(p => Math.Log(p)).ToArray();
                    var A = new double[,] { { 0.90, 0.08, 0.02 }, { 0.05, 0.90, 0.05 }, { 0.02, 0.08, 0.90 } };
                    HmmLogTransition = new double[3, 3];
                    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) HmmLogTransition[i, j] = Math.Log(A[i, j]);
                    int state = 0;
                    HmmObservations = new double[30];
                    for (int t = 0; t < HmmObservations.Length; t++)
                    {
                        if (Rng.NextDouble() > 0.9) state = Rng.Next(3);
                        HmmObservations[t] = Gauss(HmmMeans[state], HmmStds[state]);
                    }
                }

                WassX = Vec(10).OrderBy(v => v).ToArray();
                WassY = Vec(12, 1.3).Select(v => v + 0.5).OrderBy(v => v).ToArray();
                WassWx = Enumerable.Range(0, 10).Select(_ => 0.5 + Rng.NextDouble()).ToArray();
                WassWy = Enumerable.Range(0, 12).Select(_ => 0.5 + Rng.NextDouble()).ToArray();

                {
                    // GaussianSplatLoss (left out): its draws
                    for (int s = 0; s < 12; s++)
                    {
                        for (int c = 0; c < 5; c++) Rng.NextDouble();
                        Gauss(1.0, 0.5);
                        Rng.NextDouble();
                    }
                }

                {
                    const int H = 12, W = 12;
                    WarpSource = new double[H, W];
                    WarpTarget = new double[H, W];
                    for (int y = 0; y < H; y++)
                        for (int x = 0; x < W; x++)
                        {
                            WarpSource[y, x] = Math.Exp(-((x - 5.0) * (x - 5.0) + (y - 6.0) * (y - 6.0)) / 8.0);
                            WarpTarget[y, x] = Math.Exp(-((x - 6.0) * (x - 6.0) + (y - 5.5) * (y - 5.5)) / 8.0);
                        }
                    WarpFlow = new double[H, W, 2];
                    for (int y = 0; y < H; y++)
                        for (int x = 0; x < W; x++)
                        {
                            WarpFlow[y, x, 0] = -0.8 + Gauss(0, 0.1);
                            WarpFlow[y, x, 1] = 0.4 + Gauss(0, 0.1);
                        }
                }

                {
                    GarchReturns = new double[250];
                    double h = 1e-4;
                    for (int t = 0; t < GarchReturns.Length; t++)
                    {
                        GarchReturns[t] = Math.Sqrt(h) * Gauss();
                        h = 2e-6 + 0.08 * GarchReturns[t] * GarchReturns[t] + 0.9 * h;
                    }
                }

                MertonMarket = MertonStrikes.Select((k, i) => BsCall(100, k, 0.03, 0.25 + 0.0015 * Math.Abs(k - 100), MertonMaturities[i])).ToArray();

                DirichletCounts = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 4).Select(k => Poisson(3.0 * DirichletAlpha[k])).ToArray()).ToArray();

                {
                    const int N = 40;
                    NbDesign = new double[N, 3];
                    NbY = new int[N];
                    double[] beta = { 0.5, 0.3, -0.2 };
                    for (int i = 0; i < N; i++)
                    {
                        NbDesign[i, 0] = 1.0; NbDesign[i, 1] = Gauss(); NbDesign[i, 2] = Rng.NextDouble() < 0.4 ? 1.0 : 0.0;
                        double mu = Math.Exp(beta[0] + beta[1] * NbDesign[i, 1] + beta[2] * NbDesign[i, 2]);
                        double gammaMix = -Math.Log(1.0 - Rng.NextDouble());
                        NbY[i] = Poisson(mu * (0.5 + 0.5 * gammaMix));
                    }
                }
            }

            public static Round26LstmRegressor Lstm() => new(3, 5, new Random(7));

            public static double[][] LstmInputs() => Enumerable.Range(0, 12).Select(t => new[] { Math.Sin(0.5 * t), Math.Cos(0.5 * t), 0.1 * t }).ToArray();

            public static double[] LstmTargets() => Enumerable.Range(0, 12).Select(t => Math.Sin(0.5 * (t + 1))).ToArray();
        }

        private static readonly Round26SpringChainConfig SampleChainConfig = new(Damping: 0.8, Tolerance: 1e-8);

        /// <summary>
        /// The replay of Program.cs's inputs gives the values batch 26's plain build printed (G10), through the user's
        /// methods, for the 23 functions here.
        /// </summary>
        [Fact]
        public void SampleInputs_give_the_batch_values()
        {
            var s = new Batch26Inputs();
            static void Printed(string expected, double value, string what) =>
                Assert.True(expected == value.ToString("G10", CultureInfo.InvariantCulture), $"{what}: printed {expected}, replayed {value.ToString("G10", CultureInfo.InvariantCulture)}");

            Printed("0.4629369378", NaturalRound26.FocalLoss(s.FocalLogits, s.FocalTargets, 2f, s.FocalAlpha), "FocalLoss");
            Printed("0.1474980712", NaturalRound26.SoftDiceLoss(s.DiceLogits, s.DiceMasks), "SoftDiceLoss");
            Printed("10.71115112", NaturalRound26.ArcFaceLoss(s.ArcEmbeddings, s.ArcWeights, s.ArcLabels, 16f, 0.3f), "ArcFaceLoss");
            Printed("0.6245638822", NaturalRound26.DistillationLoss(s.DistillStudent, s.DistillTeacher, s.DistillLabels, 4.0, 0.7), "DistillationLoss");
            Printed("1.593896195", NaturalRound26.MixupCrossEntropy(s.MixupLogits, s.MixupA, s.MixupB, 0.7, 0.1), "MixupCrossEntropy");
            Printed("0.2722908452", NaturalRound26.InfoNceLoss(s.InfoAnchors, s.InfoPositives, 0.2), "InfoNceLoss");
            Printed("1.126030019", NaturalRound26.GaeValueLoss(s.GaeValues, s.GaeOldValues, s.GaeRewards, s.GaeDones, 1.8), "GaeValueLoss");
            Printed("3.651890712", NaturalRound26.ReinforceLoss(s.ReinforceLogProbs, s.ReinforceRewards), "ReinforceLoss");
            Printed("0.5354718644", Batch26Inputs.Lstm().SequenceLoss(Batch26Inputs.LstmInputs(), Batch26Inputs.LstmTargets()), "LstmRegressor.SequenceLoss");
            Printed("1.086303973", new Round26EmbeddingBagClassifier(s.BagEmbeddings, s.BagWeights, s.BagBias).Loss(s.BagTokenIds, s.BagOffsets, s.BagLabels), "EmbeddingBagClassifier.Loss");
            Printed("0.4570900202", new Round26DepthwiseConv1d(s.ConvKernels, s.ConvBias, stride: 2, padding: 1).Loss(s.ConvInput, s.ConvTarget), "DepthwiseConv1d.Loss");
            Printed("0.01254722829", NaturalRound26.SirFitLoss(0.3, 0.1, 10.0, s.SirObserved, 10_000, 10), "SirFitLoss");
            Printed("0.1097124358", NaturalRound26.LotkaVolterraFitLoss(new[] { 1.05, 0.11, 0.07, 1.4 }, 10, 5, s.LvObserved, 0.01, 10), "LotkaVolterraFitLoss");
            Printed("75.12580469", NaturalRound26.LocalLevelNegLogLik(Math.Log(0.6), Math.Log(0.1), s.LevelY), "LocalLevelNegLogLik");
            Printed("48.96713665", NaturalRound26.HmmNegLogLikelihood(s.HmmLogInitial, s.HmmLogTransition, s.HmmMeans, s.HmmStds, s.HmmObservations), "HmmNegLogLikelihood");
            Printed("0.5159665793", NaturalRound26.Wasserstein1D(s.WassX, s.WassWx, s.WassY, s.WassWy), "Wasserstein1D");
            Printed("2.470801483E-07", NaturalRound26.SpringChainSettledEnergy(s.ChainStiffness, s.ChainDisplacement, SampleChainConfig), "SpringChainSettledEnergy");
            Printed("0.008124222373", NaturalRound26.BilinearWarpLoss(s.WarpSource, s.WarpFlow, s.WarpTarget, 0.1), "BilinearWarpLoss");
            Printed("-799.5466417", NaturalRound26.Garch11NegLogLik(3e-6, 0.1, 0.87, s.GarchReturns), "Garch11NegLogLik");
            Printed("0.02390710962", NaturalRound26.NelsonSiegelSvenssonLoss(s.NssP, s.NssMaturities, s.NssYields, new Round26YieldFitOptions(WeightByInverseMaturity: true)), "NelsonSiegelSvenssonLoss");
            Printed("0.04252023517", NaturalRound26.MertonCalibrationLoss(s.MertonParams, 100, 0.03, s.MertonStrikes, s.MertonMaturities, s.MertonMarket), "MertonCalibrationLoss");
            Printed("-38.60985762", NaturalRound26.DirichletMultinomialLogLik(s.DirichletAlpha, s.DirichletCounts), "DirichletMultinomialLogLik");
            Printed("67.03367176", NaturalRound26.NegativeBinomialGlmNegLogLik(new[] { 0.4, 0.25, -0.1 }, -1.0, s.NbDesign, s.NbY), "NegativeBinomialGlmNegLogLik");
        }

        // ---- classification losses ----

        [Theory]
        [InlineData(true, Round26Reduction.Mean)]  // the sample's
        [InlineData(false, Round26Reduction.Mean)] // alpha null: weight 1
        [InlineData(true, Round26Reduction.Sum)]
        public void FocalLoss(bool withAlpha, Round26Reduction reduction)
        {
            var s = new Batch26Inputs();
            Check("FocalLoss", s.FocalLogits, s.FocalTargets, 2f, withAlpha ? new[] { 0.1f, 0.2f, 0.3f, 0.25f, 0.15f } : null, reduction);
        }

        [Fact]
        public void FocalLoss_sample_alpha()
        {
            var s = new Batch26Inputs();
            Check("FocalLoss", s.FocalLogits, s.FocalTargets, 2f, s.FocalAlpha, Round26Reduction.Mean);
        }

        [Fact] public void FocalLoss_empty_batch() => Check("FocalLoss", Array.Empty<float[]>(), Array.Empty<int>(), 2f, null, Round26Reduction.Mean);

        [Fact]
        public void FocalLoss_bad_input()
        {
            var s = new Batch26Inputs();
            var targets = (int[])s.FocalTargets.Clone();
            targets[3] = 5; // out of range for a row of 5: thrown inside the loop
            Bad<ArgumentException>("FocalLoss", "targets", s.FocalLogits, targets, 2f, s.FocalAlpha, Round26Reduction.Mean);
            Bad<ArgumentException>("FocalLoss", "targets", s.FocalLogits, s.FocalTargets.Take(7).ToArray(), 2f, s.FocalAlpha, Round26Reduction.Mean);
            Bad<ArgumentException>("FocalLoss", "reduction", s.FocalLogits, s.FocalTargets, 2f, s.FocalAlpha, (Round26Reduction)7);
        }

        [Theory]
        [InlineData(1f)] // the sample's
        [InlineData(0.25f)]
        public void SoftDiceLoss(float smooth)
        {
            var s = new Batch26Inputs();
            Check("SoftDiceLoss", s.DiceLogits, s.DiceMasks, smooth);
        }

        [Fact]
        public void SoftDiceLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("SoftDiceLoss", "masks", s.DiceLogits, new float[2, 16, 15], 1f);
        }

        [Theory]
        [InlineData(16f, 0.3f)] // the sample's: every label's cosine above the threshold cos(pi - 0.3) = -0.955 (phi)
        [InlineData(16f, 1.4f)] // threshold cos(pi - 1.4) = -0.170: some labels' cosines below it (cos - mm)
        public void ArcFaceLoss(float scale, float margin)
        {
            var s = new Batch26Inputs();
            Check("ArcFaceLoss", s.ArcEmbeddings, s.ArcWeights, s.ArcLabels, scale, margin);
        }

        [Fact]
        public void ArcFaceLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("ArcFaceLoss", null, s.ArcEmbeddings, s.ArcWeights, s.ArcLabels.Take(5).ToArray(), 16f, 0.3f);
            var short1 = s.ArcEmbeddings.Select(r => (float[])r.Clone()).ToArray();
            short1[2] = short1[2].Take(7).ToArray(); // thrown inside the loop
            Bad<ArgumentException>("ArcFaceLoss", null, short1, s.ArcWeights, s.ArcLabels, 16f, 0.3f);
        }

        [Theory]
        [InlineData(4.0, 0.7)] // the sample's
        [InlineData(1.0, 0.9)] // T = 1, the defaults' alpha
        public void DistillationLoss(double temperature, double alpha)
        {
            var s = new Batch26Inputs();
            Check("DistillationLoss", s.DistillStudent, s.DistillTeacher, s.DistillLabels, temperature, alpha);
        }

        [Fact]
        public void DistillationLoss_zero_teacher_probability()
        {
            // exp((-5000 - max) / 4) underflows to 0: the 'continue' on pTeacher[k] <= 0
            var s = new Batch26Inputs();
            s.DistillTeacher[2][1] = -5000.0;
            Check("DistillationLoss", s.DistillStudent, s.DistillTeacher, s.DistillLabels, 4.0, 0.7);
        }

        [Fact]
        public void DistillationLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("DistillationLoss", "temperature", s.DistillStudent, s.DistillTeacher, s.DistillLabels, 0.0, 0.7);
            Bad<ArgumentException>("DistillationLoss", null, s.DistillStudent, s.DistillTeacher, s.DistillLabels.Take(5).ToArray(), 4.0, 0.7);
        }

        [Theory]
        [InlineData(0.7, 0.1)] // the sample's
        [InlineData(0.3, 0.0)] // no smoothing (the default)
        public void MixupCrossEntropy(double lambda, double smoothing)
        {
            var s = new Batch26Inputs();
            Check("MixupCrossEntropy", s.MixupLogits, s.MixupA, s.MixupB, lambda, smoothing);
        }

        [Fact]
        public void MixupCrossEntropy_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("MixupCrossEntropy", "lambda", s.MixupLogits, s.MixupA, s.MixupB, 1.5, 0.1);
        }

        [Theory]
        [InlineData(0.2)] // the sample's
        [InlineData(1.0)]
        public void InfoNceLoss(double temperature)
        {
            var s = new Batch26Inputs();
            Check("InfoNceLoss", s.InfoAnchors, s.InfoPositives, temperature);
        }

        // ---- policy gradient ----

        [Theory]
        [InlineData(Round26ValueLossKind.Mse, 0.2)]   // the sample's (the defaults): some steps clipped, some not
        [InlineData(Round26ValueLossKind.Huber, 0.2)] // Huber: |err| on both sides of delta = 1
        [InlineData(Round26ValueLossKind.Mse, 5.0)]   // no step clipped
        public void GaeValueLoss(Round26ValueLossKind kind, double valueClip)
        {
            var s = new Batch26Inputs();
            Check("GaeValueLoss", s.GaeValues, s.GaeOldValues, s.GaeRewards, s.GaeDones, 1.8, 0.99, 0.95, valueClip, kind);
        }

        [Fact]
        public void GaeValueLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("GaeValueLoss", null, s.GaeValues, s.GaeOldValues, s.GaeRewards, s.GaeDones.Take(19).ToArray(), 1.8, 0.99, 0.95, 0.2, Round26ValueLossKind.Mse);
            // an unknown kind: thrown by the switch's default inside the second loop
            Bad<ArgumentException>("GaeValueLoss", "kind", s.GaeValues, s.GaeOldValues, s.GaeRewards, s.GaeDones, 1.8, 0.99, 0.95, 0.2, (Round26ValueLossKind)9);
        }

        [Fact]
        public void ReinforceLoss()
        {
            var s = new Batch26Inputs();
            Check("ReinforceLoss", s.ReinforceLogProbs, s.ReinforceRewards, 0.99, 0.9);
        }

        [Fact]
        public void ReinforceLoss_empty_episodes()
        {
            // an empty first episode ('continue' before the baseline is set) and an empty middle one
            var s = new Batch26Inputs();
            var lp = new[] { Array.Empty<double>(), s.ReinforceLogProbs[0], Array.Empty<double>(), s.ReinforceLogProbs[1], s.ReinforceLogProbs[2] };
            var rw = new[] { Array.Empty<double>(), s.ReinforceRewards[0], Array.Empty<double>(), s.ReinforceRewards[1], s.ReinforceRewards[2] };
            Check("ReinforceLoss", lp, rw, 0.95, 0.5);
        }

        [Fact] public void ReinforceLoss_no_steps() => Check("ReinforceLoss", new[] { Array.Empty<double>() }, new[] { Array.Empty<double>() }, 0.99, 0.9);

        // ---- layers (instance methods, by hand) ----

        [Fact]
        public void LstmRegressor()
        {
            // an instance method reading protected readonly weight fields and a mutable field, differentiated in its
            // parameters inputs and targets: by hand
            var model = Batch26Inputs.Lstm();
            var inputs = Batch26Inputs.LstmInputs();
            var targets = Batch26Inputs.LstmTargets();
            var before = (TestData.Clone(inputs), TestData.Clone(targets));
            double F() => model.SequenceLoss(inputs, targets);
            double value = F();
            DiffGen.Tests.Check.Forward(value, model.SequenceLossForward(inputs, targets), "Forward");
            var gx = TestData.Garbage(inputs);
            var gy = TestData.Garbage(targets);
            DiffGen.Tests.Check.Forward(value, model.SequenceLossBackward(inputs, targets, gx, gy), "Backward value");
            DiffGen.Tests.Check.Unchanged(before.Item1, inputs, "inputs");
            DiffGen.Tests.Check.Unchanged(before.Item2, targets, "targets");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, inputs), gx, "dinputs");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, targets), gy, "dtargets");
            const double seed = -2.5;
            var sx = TestData.Garbage(inputs);
            var sy = TestData.Garbage(targets);
            model.SequenceLossBackward(inputs, targets, sx, sy, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dinputs");
            DiffGen.Tests.Check.Scaled(gy, sy, seed, "dtargets");
        }

        [Fact]
        public void LstmRegressor_bad_input()
        {
            var model = Batch26Inputs.Lstm();
            var inputs = Batch26Inputs.LstmInputs();
            var targets = Batch26Inputs.LstmTargets().Take(11).ToArray();
            InstanceBad<ArgumentException>(null,
                () => model.SequenceLoss(inputs, targets),
                () => model.SequenceLossForward(inputs, targets),
                () => model.SequenceLossBackward(inputs, targets, TestData.Garbage(inputs), TestData.Garbage(targets)));
        }

        [Theory]
        [InlineData(false)] // the sample's (one OOV id, 21)
        [InlineData(true)]  // a bag of OOV ids only (count 0: no mean) and a last bag running to the end
        public void EmbeddingBagClassifier(bool oovBag)
        {
            // int parameters only: nothing is differentiated; Forward and Backward (any seed) give the method's value
            var s = new Batch26Inputs();
            var model = new Round26EmbeddingBagClassifier(s.BagEmbeddings, s.BagWeights, s.BagBias);
            int[] ids = oovBag ? new[] { 1, 4, 7, 21, -1, 3, 3, 8, 11, 0 } : s.BagTokenIds;
            int[] offsets = oovBag ? new[] { 0, 3, 5 } : s.BagOffsets;
            int[] labels = oovBag ? new[] { 0, 2, 1 } : s.BagLabels;
            double value = model.Loss(ids, offsets, labels);
            DiffGen.Tests.Check.Forward(value, model.LossForward(ids, offsets, labels), "Forward");
            DiffGen.Tests.Check.Forward(value, model.LossBackward(ids, offsets, labels), "Backward value");
            DiffGen.Tests.Check.Forward(value, model.LossBackward(ids, offsets, labels, -2.5), "Backward value, seed -2.5");
        }

        [Fact]
        public void EmbeddingBagClassifier_bad_input()
        {
            var s = new Batch26Inputs();
            var model = new Round26EmbeddingBagClassifier(s.BagEmbeddings, s.BagWeights, s.BagBias);
            var labels = s.BagLabels.Take(3).ToArray();
            InstanceBad<ArgumentException>("labels",
                () => model.Loss(s.BagTokenIds, s.BagOffsets, labels),
                () => model.LossForward(s.BagTokenIds, s.BagOffsets, labels),
                () => model.LossBackward(s.BagTokenIds, s.BagOffsets, labels));
        }

        [Theory]
        [InlineData(2, 1)] // the sample's
        [InlineData(1, 0)] // the defaults: no padding
        [InlineData(3, 2)]
        public void DepthwiseConv1d(int stride, int padding)
        {
            // a float instance method whose private void Forward fills a float[,] local, differentiated in input and
            // target: by hand, against central differences of its double twin LossTwin at the widened inputs
            var s = new Batch26Inputs();
            var layer = new Round26DepthwiseConv1d(s.ConvKernels, s.ConvBias, stride: stride, padding: padding);
            var input = s.ConvInput;
            int outLength = layer.OutputLength(input.GetLength(1));
            var target = stride == 2 && padding == 1 ? s.ConvTarget : TestData.ToFloat(TestData.Matrix(new Random(26), 3, outLength, 0.5));
            var before = (TestData.Clone(input), TestData.Clone(target));
            float value = layer.Loss(input, target);
            DiffGen.Tests.Check.Near(value, layer.LossForward(input, target), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var gi = TestData.Garbage(input);
            var gt = TestData.Garbage(target);
            DiffGen.Tests.Check.Near(value, layer.LossBackward(input, target, gi, gt), DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(before.Item1, input, "input");
            DiffGen.Tests.Check.Unchanged(before.Item2, target, "target");
            var inD = TestData.ToDouble(input);
            var tD = TestData.ToDouble(target);
            double F() => layer.LossTwin(inD, tD);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, inD), gi, "dinput");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, tD), gt, "dtarget");
            const float seed = -2.5f;
            var si = TestData.Garbage(input);
            var st = TestData.Garbage(target);
            layer.LossBackward(input, target, si, st, seed);
            DiffGen.Tests.Check.Scaled(TestData.ToDouble(gi), TestData.ToDouble(si), seed, "dinput", 1e-5);
            DiffGen.Tests.Check.Scaled(TestData.ToDouble(gt), TestData.ToDouble(st), seed, "dtarget", 1e-5);
        }

        [Fact]
        public void DepthwiseConv1d_bad_input()
        {
            var s = new Batch26Inputs();
            var layer = new Round26DepthwiseConv1d(s.ConvKernels, s.ConvBias, stride: 2, padding: 1);
            var target = new float[3, 7];
            InstanceBad<ArgumentException>("target",
                () => layer.Loss(s.ConvInput, target),
                () => layer.LossForward(s.ConvInput, target),
                () => layer.LossBackward(s.ConvInput, target, TestData.Garbage(s.ConvInput), TestData.Garbage(target)));
            var input = new float[2, 16];
            InstanceBad<ArgumentException>("input",
                () => layer.Loss(input, s.ConvTarget),
                () => layer.LossForward(input, s.ConvTarget),
                () => layer.LossBackward(input, s.ConvTarget, TestData.Garbage(input), TestData.Garbage(s.ConvTarget)));
        }

        // ---- dynamical fits ----

        [Theory]
        [InlineData(10)] // the sample's
        [InlineData(3)]
        public void SirFitLoss(int stepsPerDay)
        {
            var s = new Batch26Inputs();
            Check("SirFitLoss", 0.3, 0.1, 10.0, s.SirObserved, 10_000.0, stepsPerDay);
        }

        [Fact]
        public void SirFitLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("SirFitLoss", "population", 0.3, 0.1, 10.0, s.SirObserved, 0.0, 10);
            Bad<ArgumentException>("SirFitLoss", "stepsPerDay", 0.3, 0.1, 10.0, s.SirObserved, 10_000.0, 0);
        }

        [Fact]
        public void LotkaVolterraFitLoss()
        {
            var s = new Batch26Inputs();
            Check("LotkaVolterraFitLoss", new[] { 1.05, 0.11, 0.07, 1.4 }, 10.0, 5.0, s.LvObserved, 0.01, 10);
        }

        [Fact]
        public void LotkaVolterraFitLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("LotkaVolterraFitLoss", "theta", new[] { 1.05, 0.11, 0.07 }, 10.0, 5.0, s.LvObserved, 0.01, 10);
            Bad<ArgumentException>("LotkaVolterraFitLoss", "observed", new[] { 1.05, 0.11, 0.07, 1.4 }, 10.0, 5.0, new double[25, 3], 0.01, 10);
        }

        [Theory]
        [InlineData(0.0, 100.0)]
        [InlineData(4.0, 10.0)]
        public void LocalLevelNegLogLik(double initialLevel, double initialVar)
        {
            // no missing observation (the sample's NaN filled by its neighbours' mean)
            var s = new Batch26Inputs();
            var y = s.LevelY;
            y[17] = 0.5 * (y[16] + y[18]);
            Check("LocalLevelNegLogLik", Math.Log(0.6), Math.Log(0.1), y, initialLevel, initialVar);
        }

        [Theory]
        [InlineData(1e6, 1e-4, false)] // the sample's (y[17] NaN, initialVar 1e6): a wider step (see the class comment)
        [InlineData(100.0, 1e-6, false)]
        [InlineData(100.0, 1e-6, true)] // y[0] NaN too: the prediction runs before the first used observation
        public void LocalLevelNegLogLik_missing(double initialVar, double step, bool firstMissing)
        {
            // NaN observations: by hand (central differences of a NaN entry are NaN; its gradient must be 0)
            var s = new Batch26Inputs();
            var y = s.LevelY;
            if (firstMissing) y[0] = double.NaN;
            double a = Math.Log(0.6), b = Math.Log(0.1), level = 0.0;
            double F(double la, double lb, double l0, double p0) => NaturalRound26.LocalLevelNegLogLik(la, lb, y, l0, p0);
            double D(Func<double, double> f, double x)
            {
                double h = step * Math.Max(1.0, Math.Abs(x));
                return (f(x + h) - f(x - h)) / (2 * h);
            }
            var before = TestData.Clone(y);
            double value = F(a, b, level, initialVar);
            DiffGen.Tests.Check.Forward(value, NaturalRound26.LocalLevelNegLogLikForward(a, b, y, level, initialVar), "Forward");

            (double Value, double[] G, double[] Gy) Back(double seed)
            {
                var gy = TestData.Garbage(y);
                double v = NaturalRound26.LocalLevelNegLogLikBackward(a, b, y, level, initialVar, out double ga, out double gb, gy, out double gl, out double gp, seed);
                return (v, new[] { ga, gb, gl, gp }, gy);
            }

            var g = Back(1.0);
            DiffGen.Tests.Check.Forward(value, g.Value, "Backward value");
            Assert.Equal(before.Select(BitConverter.DoubleToInt64Bits), y.Select(BitConverter.DoubleToInt64Bits));
            DiffGen.Tests.Check.Gradient(D(v => F(v, b, level, initialVar), a), g.G[0], "dlogObsVar");
            DiffGen.Tests.Check.Gradient(D(v => F(a, v, level, initialVar), b), g.G[1], "dlogLevelVar");
            DiffGen.Tests.Check.Gradient(D(v => F(a, b, v, initialVar), level), g.G[2], "dinitialLevel");
            DiffGen.Tests.Check.Gradient(D(v => F(a, b, level, v), initialVar), g.G[3], "dinitialVar");
            for (int t = 0; t < y.Length; t++)
            {
                if (double.IsNaN(y[t])) { Assert.Equal(0.0, g.Gy[t]); continue; }
                int k = t;
                double old = y[k];
                double fd = D(v => { y[k] = v; double r = F(a, b, level, initialVar); y[k] = old; return r; }, old);
                DiffGen.Tests.Check.Gradient(fd, g.Gy[t], $"dy[{t}]");
            }
            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(g.G, sc.G, seedValue, "dscalars");
            DiffGen.Tests.Check.Scaled(g.Gy, sc.Gy, seedValue, "dy");
        }

        [Fact]
        public void HmmNegLogLikelihood()
        {
            var s = new Batch26Inputs();
            Check("HmmNegLogLikelihood", s.HmmLogInitial, s.HmmLogTransition, s.HmmMeans, s.HmmStds, s.HmmObservations);
        }

        [Fact]
        public void HmmNegLogLikelihood_no_observations()
        {
            var s = new Batch26Inputs();
            Check("HmmNegLogLikelihood", s.HmmLogInitial, s.HmmLogTransition, s.HmmMeans, s.HmmStds, Array.Empty<double>());
        }

        [Fact]
        public void HmmNegLogLikelihood_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("HmmNegLogLikelihood", "logTransition", s.HmmLogInitial, new double[3, 2], s.HmmMeans, s.HmmStds, s.HmmObservations);
        }

        // ---- physics ----

        [Fact]
        public void Wasserstein1D()
        {
            // ReadOnlySpan<double> x, xWeights, y and yWeights, all differentiated (Span gradients): by hand with arrays
            var s = new Batch26Inputs();
            double[] x = s.WassX, wx = s.WassWx, y = s.WassY, wy = s.WassWy;
            double F() => NaturalRound26.Wasserstein1D(x, wx, y, wy);
            var before = new[] { TestData.Clone(x), TestData.Clone(wx), TestData.Clone(y), TestData.Clone(wy) };
            double value = F();
            DiffGen.Tests.Check.Forward(value, NaturalRound26.Wasserstein1DForward(x, wx, y, wy), "Forward");

            (double Value, double[] Gx, double[] Gwx, double[] Gy, double[] Gwy) Back(double seed)
            {
                var g = (x: TestData.Garbage(x), wx: TestData.Garbage(wx), y: TestData.Garbage(y), wy: TestData.Garbage(wy));
                double v = NaturalRound26.Wasserstein1DBackward(x, wx, y, wy, g.x, g.wx, g.y, g.wy, seed);
                return (v, g.x, g.wx, g.y, g.wy);
            }

            var b = Back(1.0);
            DiffGen.Tests.Check.Forward(value, b.Value, "Backward value");
            var after = new[] { x, wx, y, wy };
            for (int i = 0; i < after.Length; i++) DiffGen.Tests.Check.Unchanged(before[i], after[i], "input " + i);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, x), b.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, wx), b.Gwx, "dxWeights");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, y), b.Gy, "dy");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, wy), b.Gwy, "dyWeights");

            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(b.Gx, sc.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(b.Gwx, sc.Gwx, seedValue, "dxWeights");
            DiffGen.Tests.Check.Scaled(b.Gy, sc.Gy, seedValue, "dy");
            DiffGen.Tests.Check.Scaled(b.Gwy, sc.Gwy, seedValue, "dyWeights");

            // slices of longer arrays, gradients into slices
            var bigX = new[] { 9.0 }.Concat(x).Concat(new[] { -9.0 }).ToArray();
            var bigWy = new[] { 5.0, 5.0 }.Concat(wy).ToArray();
            DiffGen.Tests.Check.Forward(value, NaturalRound26.Wasserstein1DForward(bigX.AsSpan(1, x.Length), wx, y, bigWy.AsSpan(2)), "Forward on slices");
            var gx = Enumerable.Repeat(double.NaN, x.Length + 2).ToArray();
            var gwy = Enumerable.Repeat(double.NaN, wy.Length + 1).ToArray();
            double sv = NaturalRound26.Wasserstein1DBackward(bigX.AsSpan(1, x.Length), wx, y, bigWy.AsSpan(2),
                gx.AsSpan(1, x.Length), TestData.Garbage(wx), TestData.Garbage(y), gwy.AsSpan(0, wy.Length));
            DiffGen.Tests.Check.Forward(value, sv, "Backward on slices");
            DiffGen.Tests.Check.Gradient(b.Gx, gx.Skip(1).Take(x.Length).ToArray(), "dx into a slice");
            DiffGen.Tests.Check.Gradient(b.Gwy, gwy.Take(wy.Length).ToArray(), "dyWeights into a slice");
            Assert.True(double.IsNaN(gx[0]) && double.IsNaN(gx[^1]) && double.IsNaN(gwy[^1]), "Backward wrote outside the gradient slice");
        }

        [Fact]
        public void Wasserstein1D_bad_input()
        {
            var s = new Batch26Inputs();
            double[] x = s.WassX, wx = s.WassWx, y = s.WassY, wy = s.WassWy;
            InstanceBad<ArgumentException>(null,
                () => NaturalRound26.Wasserstein1D(x, wx.AsSpan(1), y, wy),
                () => NaturalRound26.Wasserstein1DForward(x, wx.AsSpan(1), y, wy),
                () => NaturalRound26.Wasserstein1DBackward(x, wx.AsSpan(1), y, wy, new double[x.Length], new double[wx.Length - 1], new double[y.Length], new double[wy.Length]));
            InstanceBad<ArgumentException>(null,
                () => NaturalRound26.Wasserstein1D(x, wx, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty),
                () => NaturalRound26.Wasserstein1DForward(x, wx, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty),
                () => NaturalRound26.Wasserstein1DBackward(x, wx, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, new double[x.Length], new double[wx.Length], Span<double>.Empty, Span<double>.Empty));
        }

        [Theory]
        [InlineData(1.0, 1e-8, 100_000)] // the sample's: settles (2047 steps) at 2.5e-7, every gradient entry below 2e-6
        [InlineData(100.0, 1e-8, 60)]    // stopped by MaxSteps
        [InlineData(100.0, 1.0, 100_000)] // stopped by the tolerance break (step 962: kinetic 0.78, 1.13 the step before)
        public void SpringChainSettledEnergy(double scale, double tolerance, int maxSteps)
        {
            var s = new Batch26Inputs();
            var displacement = s.ChainDisplacement.Select(u => scale * u).ToArray();
            Check("SpringChainSettledEnergy", s.ChainStiffness, displacement, new Round26SpringChainConfig(Damping: 0.8, Tolerance: tolerance, MaxSteps: maxSteps));
        }

        [Fact]
        public void SpringChainSettledEnergy_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("SpringChainSettledEnergy", "stiffness", s.ChainStiffness.Take(5).ToArray(), s.ChainDisplacement, SampleChainConfig);
        }

        // ---- imaging ----

        [Theory]
        [InlineData(0.1)] // the sample's
        [InlineData(0.0)]
        public void BilinearWarpLoss(double weight)
        {
            var s = new Batch26Inputs();
            Check("BilinearWarpLoss", s.WarpSource, s.WarpFlow, s.WarpTarget, weight);
        }

        [Fact]
        public void BilinearWarpLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("BilinearWarpLoss", "flow", s.WarpSource, new double[12, 12, 3], s.WarpTarget, 0.1);
            Bad<ArgumentException>("BilinearWarpLoss", "target", s.WarpSource, s.WarpFlow, new double[12, 11], 0.1);
        }

        // ---- finance and statistics ----

        [Fact]
        public void Garch11NegLogLik()
        {
            // the sample's series in percent (omega scaled by 1e4; alpha and beta the sample's)
            var s = new Batch26Inputs();
            Check("Garch11NegLogLik", 3e-6 * 1e4, 0.1, 0.87, s.GarchReturns.Select(r => 100 * r).ToArray());
        }

        [Fact]
        public void Garch11NegLogLik_sample()
        {
            // the sample's scale by hand: omega's central difference with a step of 1e-10 (3e-5 of omega)
            var s = new Batch26Inputs();
            var r = s.GarchReturns;
            double F(double o, double a, double b) => NaturalRound26.Garch11NegLogLik(o, a, b, r);
            double value = F(3e-6, 0.1, 0.87);
            DiffGen.Tests.Check.Forward(value, NaturalRound26.Garch11NegLogLikForward(3e-6, 0.1, 0.87, r), "Forward");
            var gr = TestData.Garbage(r);
            DiffGen.Tests.Check.Forward(value, NaturalRound26.Garch11NegLogLikBackward(3e-6, 0.1, 0.87, r, out double go, out double ga, out double gb, gr), "Backward value");
            const double h = 1e-10;
            DiffGen.Tests.Check.Gradient((F(3e-6 + h, 0.1, 0.87) - F(3e-6 - h, 0.1, 0.87)) / (2 * h), go, "domega");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => F(3e-6, v, 0.87), 0.1), ga, "dalpha");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => F(3e-6, 0.1, v), 0.87), gb, "dbeta");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => F(3e-6, 0.1, 0.87), r), gr, "dreturns");
        }

        [Theory]
        [InlineData(0.03, 0.15, 0.9)]  // alpha + beta >= 1: the penalty
        [InlineData(-0.01, 0.1, 0.87)] // omega <= 0: the penalty
        public void Garch11NegLogLik_outside_the_stationary_region(double omega, double alpha, double beta)
        {
            var s = new Batch26Inputs();
            Check("Garch11NegLogLik", omega, alpha, beta, s.GarchReturns.Select(r => 100 * r).ToArray());
        }

        [Fact]
        public void Garch11NegLogLik_bad_input() => Bad<ArgumentException>("Garch11NegLogLik", "returns", 0.03, 0.1, 0.87, new[] { 0.5 });

        [Theory]
        [InlineData(true, 0.2)]   // the sample's options; first maturity 0.2 (below the weight's floor 0.25)
        [InlineData(false, 0.25)] // the sample's maturities, unweighted
        [InlineData(true, 1e-7)]  // m / tau below 1e-6: Loading's Taylor branch
        public void NelsonSiegelSvenssonLoss(bool weighted, double firstMaturity)
        {
            var s = new Batch26Inputs();
            var m = s.NssMaturities;
            m[0] = firstMaturity;
            Check("NelsonSiegelSvenssonLoss", s.NssP, m, s.NssYields, new Round26YieldFitOptions(WeightByInverseMaturity: weighted));
        }

        [Fact]
        public void NelsonSiegelSvenssonLoss_bad_tau()
        {
            var s = new Batch26Inputs();
            var p = s.NssP;
            p[5] = -1.0; // tau2 <= 0: the penalty
            Check("NelsonSiegelSvenssonLoss", p, s.NssMaturities, s.NssYields, new Round26YieldFitOptions(WeightByInverseMaturity: true));
        }

        [Fact]
        public void NelsonSiegelSvenssonLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("NelsonSiegelSvenssonLoss", "p", s.NssP.Take(5).ToArray(), s.NssMaturities, s.NssYields, new Round26YieldFitOptions());
        }

        [Fact]
        public void MertonCalibrationLoss()
        {
            var s = new Batch26Inputs();
            Check("MertonCalibrationLoss", s.MertonParams, 100.0, 0.03, s.MertonStrikes, s.MertonMaturities, s.MertonMarket);
        }

        [Fact]
        public void MertonCalibrationLoss_penalty()
        {
            // sigma <= 0: the penalty
            var s = new Batch26Inputs();
            Check("MertonCalibrationLoss", new[] { -0.2, 0.5, -0.1, 0.15 }, 100.0, 0.03, s.MertonStrikes, s.MertonMaturities, s.MertonMarket);
        }

        [Fact]
        public void MertonCalibrationLoss_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("MertonCalibrationLoss", "modelParams", new[] { 0.2, 0.5, -0.1 }, 100.0, 0.03, s.MertonStrikes, s.MertonMaturities, s.MertonMarket);
        }

        [Theory]
        [InlineData(0.5)] // the sample's: LogGamma(0.5) on the Lanczos side, 0.5 - step on the reflection side (both agree)
        [InlineData(0.3)] // LogGamma's reflection branch
        [InlineData(0.9)]
        public void DirichletMultinomialLogLik(double alpha3)
        {
            var s = new Batch26Inputs();
            var alpha = s.DirichletAlpha;
            alpha[3] = alpha3;
            Assert.Contains(s.DirichletCounts, row => row.Contains(0)); // the 'continue' on a zero count
            Check("DirichletMultinomialLogLik", alpha, s.DirichletCounts);
        }

        [Fact]
        public void DirichletMultinomialLogLik_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("DirichletMultinomialLogLik", "alpha", new[] { 1.5, 0.8, 0.0, 0.5 }, s.DirichletCounts);
            var counts = s.DirichletCounts.Select(r => (int[])r.Clone()).ToArray();
            counts[4] = new[] { 1, 2, 3 }; // thrown inside the loop
            Bad<ArgumentException>("DirichletMultinomialLogLik", "counts", s.DirichletAlpha, counts);
        }

        [Theory]
        [InlineData(false)] // the sample's: exposure null
        [InlineData(true)]
        public void NegativeBinomialGlmNegLogLik(bool withExposure)
        {
            var s = new Batch26Inputs();
            var exposure = withExposure ? Enumerable.Range(0, 40).Select(i => 0.5 + 0.05 * i).ToArray() : null;
            Check("NegativeBinomialGlmNegLogLik", new[] { 0.4, 0.25, -0.1 }, -1.0, s.NbDesign, s.NbY, exposure);
        }

        [Fact]
        public void NegativeBinomialGlmNegLogLik_bad_input()
        {
            var s = new Batch26Inputs();
            Bad<ArgumentException>("NegativeBinomialGlmNegLogLik", "beta", new[] { 0.4, 0.25 }, -1.0, s.NbDesign, s.NbY, null);
            Bad<ArgumentException>("NegativeBinomialGlmNegLogLik", "y", new[] { 0.4, 0.25, -0.1 }, -1.0, s.NbDesign, s.NbY.Take(39).ToArray(), null);
        }

        // ------------------------------------------------------------ bad input

        /// <summary>
        /// The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message; <paramref name="paramName"/> is the exception's ParamName (null: the original names none).
        /// </summary>
        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        /// <summary>The same for calls written out (instance methods, spans): the user's call, then Forward and Backward.</summary>
        private static void InstanceBad<TEx>(string? paramName, Func<double> user, Func<double> forward, Func<double> backward) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(() => user());
            if (expected is ArgumentException ae) Assert.Equal(paramName, ae.ParamName);
            foreach (var call in new[] { forward, backward })
            {
                var e = Assert.Throws<TEx>(() => call());
                Assert.Equal(expected.Message, e.Message);
            }
        }
    }
}
