using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 31 (<see cref="NaturalRound31"/>, <see cref="Round31DenseLayer"/>, <see cref="Round31TwoLayerModel"/>): probe batch
    /// 31's 39 accepted functions (40 small natural functions, one idiom each; the 40th, PolyRec, refused in the probe, is
    /// <see cref="Recursion"/>.PolyRec and checked there), each checked as written by <see cref="MethodOracle"/>: Forward
    /// against the method, Backward's value and unchanged inputs, every gradient against central differences of the user's
    /// method in double, seed scaling (BatchNorm's output y with a random upstream gradient). By hand (signatures MethodOracle
    /// cannot drive): DenseLayer's instance Loss (x and the W and b fields differentiated) and TwoLayerModel's instance Predict
    /// (x; the Layer objects' fields read), against central differences of the user's instance methods. Inputs are the batch's
    /// own (its Tests.cs, <c>new Random(31)</c>, replayed in its order by <see cref="Sample"/>, the same sizes and ranges), its
    /// variants included: each Activation, each Reduce mode, NewtonSqrt with a &gt; 1 and a &lt; 1, FirstPassage with and
    /// without a crossing, AmericanPut out of and deep in the money; and its Extras.cs inputs (Attention from a second
    /// <c>Random(31)</c>, ClippedPoly at fixed inputs with its printed gradient). <see cref="Sample_replays_the_probe"/> checks
    /// the replay against what the probe printed. No Clamp, Abs, Max, ReLU, Huber zone, sort order, top-k choice, crossing
    /// step, convergence count or early-exercise node changes within the difference step at these inputs.
    /// </summary>
    public class NaturalRound31Tests
    {
        private static readonly Type T = typeof(NaturalRound31);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's checks (Tests.cs, Random(31)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            public readonly double[,] DenseW;
            public readonly double[] DenseB, DenseX;
            public readonly double[,] ModelW1, ModelW2;
            public readonly double[] ModelB1, ModelB2, ModelX;
            public readonly double[] ListX;
            public readonly double ListT;
            public readonly double[] LagX, WindowX, ClipX;
            public readonly double[][] ActivateX = new double[4][];
            public readonly double[] Increments, IncrementsNoCross;
            public readonly double NewtonAbove, NewtonBelow;
            public readonly double CosT;
            public readonly double[][] Rows;
            public readonly double[] SoftplusX;
            public readonly double Beta;
            public readonly double[] MapX;
            public readonly double MapT;
            public readonly double[] CovX, RangeX, RefX;
            public readonly double RefW;
            public readonly double[] SpringPos, Series;
            public readonly double GlA, GlB, GlK;
            public readonly double[][] ReduceX = new double[3][];
            public readonly double[] TrimX, LinqX;
            public readonly double[,,] Vol;
            public readonly double[] VolW;
            public readonly double[] LstmX, LstmH, LstmC, LstmBias;
            public readonly double[,] LstmWx, LstmWh;
            public readonly double[][] GruXs;
            public readonly double[,] Wz, Uz, Wr, Ur, Wh, Uh;
            public readonly double[] AttQ;
            public readonly double[,] AttK, AttV;
            public readonly double[] KalmanZ;
            public readonly double KalmanQ, KalmanR;
            public readonly double PutS, PutSigma;
            public readonly double Theta0, Omega0;
            public readonly double[] GpXs, GpY;
            public readonly double[] TopX;
            public readonly double[] CeLogits;
            public readonly double[,] LsLogits;
            public readonly double[,] BnX, BnUpstream;
            public readonly double[] BnGamma, BnBeta;
            public readonly double[] DropX, DropTarget;
            public readonly bool[] Keep;
            public readonly double[] PolyC, PolyXs, PolyYs;
            public readonly double[] HuberW, HuberY;
            public readonly double[,] HuberX;
            public readonly double[] GmmData;
            public readonly double BsS;

            // Extras.cs: a second Random(31)
            public readonly double[] ExtraQ;
            public readonly double[,] ExtraK, ExtraV;

            private Sample()
            {
                var rng = new Random(31);
                double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
                double[] V(int n, double lo = -1, double hi = 1) { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = U(lo, hi); return a; }
                double[,] M(int r, int c, double lo = -1, double hi = 1) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = U(lo, hi); return a; }
                double[,,] T3(int a0, int a1, int a2) { var a = new double[a0, a1, a2]; for (int i = 0; i < a0; i++) for (int j = 0; j < a1; j++) for (int k = 0; k < a2; k++) a[i, j, k] = U(-1, 1); return a; }
                double[][] J(params int[] lens) => lens.Select(l => V(l)).ToArray();

                DenseW = M(3, 4); DenseB = V(3); DenseX = V(4);                                    // 1
                ModelW1 = M(3, 2); ModelB1 = V(3); ModelW2 = M(2, 3); ModelB2 = V(2); ModelX = V(2); // 2
                ListX = V(5); ListT = U(0.5, 1.5);                                                  // 3
                LagX = V(6);                                                                        // 4
                WindowX = V(6);                                                                     // 5
                ClipX = V(6);                                                                       // 6 (scale 1.5)
                for (int a = 0; a < 4; a++) ActivateX[a] = V(5, -2, 2);                             // 7, in enum order
                Increments = V(8, -0.2, 0.6); IncrementsNoCross = V(5, -0.2, 0.2);                  // 8 (barrier 1)
                NewtonAbove = U(1.5, 4); NewtonBelow = U(0.1, 0.9);                                 // 9
                CosT = U(0.6, 0.9);                                                                 // 10
                Rows = J(2, 3, 4);                                                                  // 11
                SoftplusX = V(5, -2, 2); Beta = U(0.5, 2);                                          // 12
                MapX = V(5, -2, 2); MapT = U(0.3, 1);                                               // 13
                CovX = V(5, 1, 3);                                                                  // 14
                RangeX = V(6);                                                                      // 15
                RefX = V(5); RefW = U(0.5, 2);                                                      // 16
                SpringPos = V(12, -1, 1);                                                           // 17 (k 2, rest 0.8)
                Series = V(6);                                                                      // 18 (Alpha 0.3, Warmup 2)
                GlA = U(0, 0.5); GlB = U(1, 2); GlK = U(0.3, 1);                                    // 19
                for (int m = 0; m < 3; m++) ReduceX[m] = V(5);                                      // 20: sum, mean, sqrt
                TrimX = V(7);                                                                       // 22 (trim 1)
                LinqX = V(6);                                                                       // 23
                Vol = T3(2, 3, 4); VolW = V(4);                                                     // 24
                LstmX = V(3); LstmH = V(2); LstmC = V(2); LstmWx = M(8, 3); LstmWh = M(8, 2); LstmBias = V(8); // 25
                GruXs = J(2, 2, 2); Wz = M(3, 2); Uz = M(3, 3); Wr = M(3, 2); Ur = M(3, 3); Wh = M(3, 2); Uh = M(3, 3); // 26
                AttQ = V(3); AttK = M(4, 3); AttV = M(4, 2);                                        // 27
                KalmanZ = V(6); KalmanQ = U(0.05, 0.2); KalmanR = U(0.3, 0.8);                      // 28
                PutS = U(0.9, 1.1); PutSigma = U(0.2, 0.3);                                         // 29 (K 1.05, r 0.03, T 1, 20 steps); 29b draws nothing
                Theta0 = U(0.3, 0.6); Omega0 = U(-0.2, 0.2);                                        // 30 (g 9.81, dt 0.01, 50 steps)
                GpXs = V(5, 0, 3); GpY = V(5);                                                      // 31 (0.8, 1.2, 0.1)
                TopX = V(6);                                                                        // 32 (k 3)
                CeLogits = V(5, -2, 2);                                                             // 33 (target 2, temperature 1.5)
                LsLogits = M(3, 4, -2, 2);                                                          // 34 (labels 1, 3, 0; eps 0.1)
                BnX = M(4, 3); BnGamma = V(3, 0.5, 1.5); BnBeta = V(3); BnUpstream = M(4, 3);       // 35 (eps 1e-5)
                DropX = V(6); Keep = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() > 0.3).ToArray(); DropTarget = V(6); // 36 (p 0.3)
                PolyC = V(4); PolyXs = V(6); PolyYs = V(6);                                         // 37
                HuberW = V(3); HuberX = M(6, 3); HuberY = V(6, -2, 2);                              // 38 (delta 0.5)
                GmmData = V(4, -1.8, -0.4).Concat(V(4, 0.5, 1.8)).ToArray();                        // 39
                BsS = U(0.9, 1.1);                                                                  // 40 (K 1.1, r 0.02, sigma 0.3, T 0.75)

                // Extras.cs: seed and pre-filled buffers, Attention at inputs from a fresh Random(31)
                var r2 = new Random(31);
                ExtraQ = Enumerable.Range(0, 3).Select(_ => r2.NextDouble() - 0.5).ToArray();
                ExtraK = new double[4, 3]; ExtraV = new double[4, 2];
                for (int i = 0; i < 4; i++) { for (int j = 0; j < 3; j++) ExtraK[i, j] = r2.NextDouble() - 0.5; for (int j = 0; j < 2; j++) ExtraV[i, j] = r2.NextDouble() - 0.5; }
            }
        }

        private static Sample S => Sample.Inputs;

        [Fact]
        public void Sample_replays_the_probe()
        {
            // what the probe printed (run2.txt) from its inputs: the replay draws what the probe drew
            Assert.Equal("0.376, 0.433, -0.172, 0.553, 0.176, 0.568, 0.091, 0.599", string.Join(", ", S.Increments.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
            Assert.Equal("2.508", S.NewtonAbove.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("0.455", S.NewtonBelow.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, S.ClipX.Count(v => Math.Abs(1.5 * v) > 1)); // "ClippedPoly: 2 of 6 clamped"
            Assert.Equal("1.0750", S.PutS.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)); // out of the money: exercise value 0
            Assert.Equal("0.20000", NaturalRound31.AmericanPut(0.85, 1.05, 0.06, 0.2, 1.0, 20).ToString("F5", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(4, Enumerable.Range(0, 6).Count(n => Math.Abs(S.HuberY[n] - Enumerable.Range(0, 3).Sum(j => S.HuberX[n, j] * S.HuberW[j])) > 0.5)); // "Huber: 4 of 6 residuals in linear branch"

            // the variants are what their names say
            Assert.Contains(Enumerable.Range(1, 8), i => S.Increments.Take(i).Sum() > 1.0); // FirstPassage crosses the barrier 1
            Assert.DoesNotContain(Enumerable.Range(1, 5), i => S.IncrementsNoCross.Take(i).Sum() > 1.0); // ... and here never does
            Assert.True(S.NewtonAbove > 1 && S.NewtonBelow < 1);
        }

        // ---- 1, 2: instance methods, by hand ----

        [Fact]
        public void DenseLayer_Loss()
        {
            // an instance method over readonly W and b fields, differentiated in x, W and b (named in the attribute): by hand
            var (w, b, x) = (TestData.Clone(S.DenseW), TestData.Clone(S.DenseB), TestData.Clone(S.DenseX));
            var layer = new Round31DenseLayer(w, b);
            var before = (TestData.Clone(x), TestData.Clone(w), TestData.Clone(b));
            double value = layer.Loss(x);
            DiffGen.Tests.Check.Forward(value, layer.LossForward(x), "Forward");
            var (gx, gw, gb) = (TestData.Garbage(x), TestData.Garbage(w), TestData.Garbage(b));
            DiffGen.Tests.Check.Forward(value, layer.LossBackward(x, gx, gw, gb), "Backward value");
            Assert.Equal(before.Item1, x);
            Assert.Equal(before.Item2, w);
            Assert.Equal(before.Item3, b);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x), w), gw, "dW");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(x), b), gb, "db");
            const double seed = -2.5;
            var (sx, sw, sb) = (TestData.Garbage(x), TestData.Garbage(w), TestData.Garbage(b));
            layer.LossBackward(x, sx, sw, sb, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dx");
            DiffGen.Tests.Check.Scaled(gw, sw, seed, "dW");
            DiffGen.Tests.Check.Scaled(gb, sb, seed, "db");
        }

        [Fact]
        public void TwoLayerModel_Predict()
        {
            // an instance method through two readonly Layer fields (their Forward returns new arrays), differentiated in x: by hand
            var model = new Round31TwoLayerModel(new Round31Layer(TestData.Clone(S.ModelW1), TestData.Clone(S.ModelB1)),
                new Round31Layer(TestData.Clone(S.ModelW2), TestData.Clone(S.ModelB2)));
            var x = TestData.Clone(S.ModelX);
            var before = (TestData.Clone(x), TestData.Clone(model.Hidden.W), TestData.Clone(model.Hidden.B), TestData.Clone(model.Output.W), TestData.Clone(model.Output.B));
            double value = model.Predict(x);
            DiffGen.Tests.Check.Forward(value, model.PredictForward(x), "Forward");
            var gx = TestData.Garbage(x);
            DiffGen.Tests.Check.Forward(value, model.PredictBackward(x, gx), "Backward value");
            Assert.Equal(before.Item1, x);
            Assert.Equal(before.Item2, model.Hidden.W);
            Assert.Equal(before.Item3, model.Hidden.B);
            Assert.Equal(before.Item4, model.Output.W);
            Assert.Equal(before.Item5, model.Output.B);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => model.Predict(x), x), gx, "dx");
            const double seed = -2.5;
            var sx = TestData.Garbage(x);
            model.PredictBackward(x, sx, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dx");

            // the layers' fields are read at each call: another model (the sample's weights scaled) gives its own value and gradient
            var other = new Round31TwoLayerModel(new Round31Layer(TestData.Scale(S.ModelW1, 0.5), TestData.Clone(S.ModelB1)),
                new Round31Layer(TestData.Scale(S.ModelW2, -1.5), TestData.Clone(S.ModelB2)));
            double v2 = other.Predict(x);
            Assert.NotEqual(value, v2);
            DiffGen.Tests.Check.Forward(v2, other.PredictForward(x), "Forward, another model");
            var g2 = TestData.Garbage(x);
            DiffGen.Tests.Check.Forward(v2, other.PredictBackward(x, g2), "Backward value, another model");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => other.Predict(x), x), g2, "dx, another model");
        }

        // ---- 3 to 20 ----

        [Fact] public void ListAccumulate() => Check("ListAccumulate", S.ListX, S.ListT);

        [Fact] public void LaggedProduct() => Check("LaggedProduct", S.LagX);

        [Fact] public void WindowEnergy() => Check("WindowEnergy", S.WindowX, 1, 3);

        [Fact] public void ClippedPoly() => Check("ClippedPoly", S.ClipX, 1.5); // 2 of 6 entries clamped

        [Fact]
        public void ClippedPoly_extras()
        {
            // Extras.cs: x = {0.5, -0.2, 0.9}, scale 1.3 (the last entry clamped); the probe printed xGrad [3.1478, -0.6364, 2.3000]
            // with a zero-filled and with a one-filled buffer (Backward overwrites)
            var x = new[] { 0.5, -0.2, 0.9 };
            Check("ClippedPoly", x, 1.3);
            foreach (double fill in new[] { 0.0, 1.0 })
            {
                var gx = new[] { fill, fill, fill };
                NaturalRound31.ClippedPolyBackward(x, 1.3, gx, out _);
                Assert.Equal(new[] { "3.1478", "-0.6364", "2.3000" }, gx.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        [Theory]
        [InlineData(Round31Activation.Relu)]
        [InlineData(Round31Activation.Tanh)]
        [InlineData(Round31Activation.Sigmoid)]
        [InlineData(Round31Activation.Softplus)] // the switch's discard arm
        public void Activate(Round31Activation act) => Check("Activate", S.ActivateX[(int)act], act);

        [Fact] public void FirstPassage() => Check("FirstPassage", S.Increments, 1.0); // crosses: the early return

        [Fact] public void FirstPassage_no_crossing() => Check("FirstPassage", S.IncrementsNoCross, 1.0); // never crosses: the loop's end

        [Fact] public void NewtonSqrt_above_one() => Check("NewtonSqrt", S.NewtonAbove); // a = 2.508, starts at a

        [Fact] public void NewtonSqrt_below_one() => Check("NewtonSqrt", S.NewtonBelow); // a = 0.455, starts at 1

        [Fact] public void FixedPointCos() => Check("FixedPointCos", S.CosT);

        [Fact] public void RowNorms() => Check("RowNorms", (object)S.Rows); // ragged rows of 2, 3 and 4 (one argument, not the params array)

        [Fact] public void SoftplusSum() => Check("SoftplusSum", S.SoftplusX, S.Beta);

        [Fact] public void MapReduce() => Check("MapReduce", S.MapX, S.MapT);

        [Fact] public void CoefficientOfVariation() => Check("CoefficientOfVariation", S.CovX);

        [Fact] public void RangeNormalizedEnergy() => Check("RangeNormalizedEnergy", S.RangeX);

        [Fact] public void SumSquaresRef() => Check("SumSquaresRef", S.RefX, S.RefW);

        [Fact] public void SpringChainEnergy() => Check("SpringChainEnergy", S.SpringPos, 2.0, 0.8);

        [Fact] public void SmoothedLast() => Check("SmoothedLast", S.Series, new Round31SmoothingConfig(0.3, 2));

        [Fact] public void GaussLegendre() => Check("GaussLegendre", S.GlA, S.GlB, S.GlK);

        [Theory]
        [InlineData(0, "sum")] // the fall-through return
        [InlineData(1, "mean")]
        [InlineData(2, "sqrt")]
        public void Reduce(int variant, string reduction) => Check("Reduce", S.ReduceX[variant], reduction);

        // ---- 22 to 40 ----

        [Fact] public void TrimmedMean() => Check("TrimmedMean", S.TrimX, 1);

        [Fact] public void LinqStats() => Check("LinqStats", S.LinqX);

        [Fact] public void Volume3() => Check("Volume3", S.Vol, S.VolW);

        [Fact] public void LstmStep() => Check("LstmStep", S.LstmX, S.LstmH, S.LstmC, S.LstmWx, S.LstmWh, S.LstmBias);

        [Fact] public void GruSequence() => Check("GruSequence", S.GruXs, S.Wz, S.Uz, S.Wr, S.Ur, S.Wh, S.Uh);

        [Fact] public void Attention() => Check("Attention", S.AttQ, S.AttK, S.AttV);

        [Fact] public void Attention_extras() => Check("Attention", S.ExtraQ, S.ExtraK, S.ExtraV); // Extras.cs's seed and pre-fill inputs

        [Fact] public void KalmanNll() => Check("KalmanNll", S.KalmanZ, S.KalmanQ, S.KalmanR);

        [Fact] public void AmericanPut() => Check("AmericanPut", S.PutS, 1.05, 0.03, S.PutSigma, 1.0, 20); // S = 1.075 > K: out of the money

        [Fact] public void AmericanPut_deep_in_the_money() => Check("AmericanPut", 0.85, 1.05, 0.06, 0.2, 1.0, 20); // exercised at once: 0.2

        [Fact] public void PendulumVerlet() => Check("PendulumVerlet", S.Theta0, S.Omega0, 9.81, 0.01, 50);

        [Fact] public void GpLogLik() => Check("GpLogLik", S.GpXs, S.GpY, 0.8, 1.2, 0.1);

        [Fact] public void TopKSum() => Check("TopKSum", S.TopX, 3);

        [Fact] public void SoftmaxCE() => Check("SoftmaxCE", S.CeLogits, 2, 1.5);

        [Fact] public void LabelSmoothedCE() => Check("LabelSmoothedCE", S.LsLogits, new[] { 1, 3, 0 }, 0.1);

        [Fact]
        public void BatchNorm()
        {
            // void, writing y (its gradient is the upstream: MethodOracle's random one); eps passed as the probe did
            Check("BatchNorm", S.BnX, S.BnGamma, S.BnBeta, new double[4, 3], 1e-5);
        }

        [Fact]
        public void BatchNorm_probe_upstream()
        {
            // the probe's loss L = Σ yBar · y with its yBar: Backward leaves the yGrad buffer alone and its gradients are those of L
            var (x, gamma, beta) = (TestData.Clone(S.BnX), TestData.Clone(S.BnGamma), TestData.Clone(S.BnBeta));
            double L()
            {
                var y = new double[4, 3];
                NaturalRound31.BatchNorm(x, gamma, beta, y, 1e-5);
                double s = 0;
                for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) s += y[i, j] * S.BnUpstream[i, j];
                return s;
            }
            var yb = TestData.Clone(S.BnUpstream);
            var (gx, gg, gb) = (TestData.Garbage(x), TestData.Garbage(gamma), TestData.Garbage(beta));
            NaturalRound31.BatchNormBackward(x, gamma, beta, new double[4, 3], 1e-5, gx, gg, gb, yb, out double ge);
            Assert.Equal(S.BnUpstream, yb);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, gamma), gg, "dgamma");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, beta), gb, "dbeta");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(e =>
            {
                var y = new double[4, 3];
                NaturalRound31.BatchNorm(x, gamma, beta, y, e);
                double s = 0;
                for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) s += y[i, j] * S.BnUpstream[i, j];
                return s;
            }, 1e-5), ge, "deps");
        }

        [Fact] public void DropoutMse() => Check("DropoutMse", S.DropX, S.Keep, 0.3, S.DropTarget);

        [Fact] public void PolyFitMse() => Check("PolyFitMse", S.PolyC, S.PolyXs, S.PolyYs); // negative bases in Math.Pow(x, j)

        [Fact] public void HuberLoss() => Check("HuberLoss", S.HuberW, S.HuberX, S.HuberY, 0.5); // 4 of 6 residuals linear

        [Fact] public void GmmEmStep() => Check("GmmEmStep", S.GmmData, new[] { -1.0, 1.0 }, new[] { 0.7, 0.9 }, new[] { 0.4, 0.6 });

        [Fact] public void BlackScholesCall() => Check("BlackScholesCall", S.BsS, 1.1, 0.02, 0.3, 0.75);
    }
}
