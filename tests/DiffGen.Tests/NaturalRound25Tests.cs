using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 25 (<see cref="NaturalRound25"/>, <see cref="Round25GruSequenceModel"/>): probe batch 25's accepted
    /// functions, each checked as written by <see cref="MethodOracle"/> (the four float methods, LabelSmoothingCE,
    /// HeatEquation2D, CatmullRomFit and SoftRasterizer, against their double twins), with the inputs of the batch's
    /// own SampleArgs() (the same seeds and sizes) and the other side of the early returns, modes, branches and
    /// orientation where cheap. By hand: GruSequenceModel's instance method (sizes in readonly int fields, the packed
    /// theta differentiated) against central differences of the user's instance method. Also by hand:
    /// <see cref="Round25MultiHeadAttention"/>'s Loss (its inlined Project helper stores a loop-local
    /// 'var row = new double[rows];' with 'result[t] = row;': the generated row length of 'result' stayed 0 and every call
    /// threw until round 25 set it in the method's body) and <see cref="Round25Conv1dMaxPoolLayer"/>'s Loss. LayerNormResidual
    /// and Conv1dMaxPoolLayer, rejected at first, were accepted by round 25's later changes (foreach over X.Zip(Y) of rows; a
    /// scratch row sized by a row length less an instance property). TotalVariationDenoising (a row local that
    /// may be null) since the last change of round 25. InfoNceContrastive (its 'z1.Concat(z2).Select(Normalize)' is made after a
    /// returning guard and its row length is computed by loops over the rows, which now move above the guard with it)
    /// last: all 30 accepted. Input choices:
    /// PendulumRk4Control's sample (theta0 = 0.1) ends near the bottom (theta ≈ -0.06, omega ≈ 0.1), where the terminal
    /// cost 10 (1 + cos theta) is at its flat maximum and every gradient entry is below 1e-2, so it is checked from
    /// theta0 = 2 (ending at theta ≈ 1.1, omega ≈ -2.6, gradients up to 0.55) and with larger torques; SinkhornLoss at
    /// the sample's tolerance break and at a fixed iteration count (tolerance 0); CatmullRomFit's short case keeps the
    /// first 3 of the sample's control points (the sample's spacing divides by nCtrl - 3). No argmax, branch or while
    /// trip count (TripletHardNegative's hardest pair, HuberRegression's |r| &lt;= delta, DiodeCircuitFit's Newton
    /// loop, BetaBinomialRegression's LogGamma while (x &lt; 7), SinkhornLoss's break) changes under the step at these
    /// inputs. Bad input (<see cref="Bad{TEx}"/>, the one guard clause, HuberRegression's delta &lt;= 0): the method,
    /// its Forward and its Backward throw the same exception, with the same message and parameter name.
    /// </summary>
    public class NaturalRound25Tests
    {
        private static readonly Type T = typeof(NaturalRound25);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        // ---- machine learning ----

        private static object?[] Mlp(int batch = 32)
        {
            var rng = new Random(1234);
            const int D = 8, H = 16, C = 4;
            var W1 = new double[H, D];
            var b1 = new double[H];
            var W2 = new double[C, H];
            var b2 = new double[C];
            for (int j = 0; j < H; j++)
            {
                b1[j] = 0.1 * (rng.NextDouble() - 0.5);
                for (int i = 0; i < D; i++) W1[j, i] = (rng.NextDouble() * 2 - 1) / Math.Sqrt(D);
            }
            for (int c = 0; c < C; c++)
            {
                b2[c] = 0.0;
                for (int j = 0; j < H; j++) W2[c, j] = (rng.NextDouble() * 2 - 1) / Math.Sqrt(H);
            }
            var X = new double[batch][];
            var y = new int[batch];
            for (int n = 0; n < batch; n++)
            {
                X[n] = new double[D];
                for (int i = 0; i < D; i++) X[n][i] = rng.NextDouble() * 2 - 1;
                y[n] = rng.Next(C);
            }
            return new object?[] { W1, b1, W2, b2, X, y };
        }

        [Fact] public void MlpSoftmaxCrossEntropy() => Check("MlpSoftmaxCrossEntropy", Mlp());

        [Fact] public void MlpSoftmaxCrossEntropy_empty_batch() => Check("MlpSoftmaxCrossEntropy", Mlp(0));

        private static object?[] Triplet(double margin, int classes = 4)
        {
            var rng = new Random(1234);
            const int n = 24, d = 6, e = 4;
            var W = new double[e, d];
            for (int r = 0; r < e; r++)
                for (int c = 0; c < d; c++) W[r, c] = rng.NextDouble() - 0.5;
            var centers = new double[classes][];
            for (int k = 0; k < classes; k++)
            {
                centers[k] = new double[d];
                for (int c = 0; c < d; c++) centers[k][c] = 2 * (rng.NextDouble() - 0.5);
            }
            var features = new double[n][];
            var ids = new int[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = i % classes;
                features[i] = new double[d];
                for (int c = 0; c < d; c++) features[i][c] = centers[ids[i]][c] + 0.4 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { W, features, ids, margin };
        }

        [Theory]
        [InlineData(0.3)]  // the sample's
        [InlineData(40.0)] // Softplus's x > 30 branch
        public void TripletHardNegative(double margin) => Check("TripletHardNegative", Triplet(margin));

        [Fact] public void TripletHardNegative_no_negatives() => Check("TripletHardNegative", Triplet(0.3, classes: 1));

        private static object?[] LabelSmoothing(float smoothing, float weightDecay)
        {
            var rng = new Random(1234);
            const int C = 5, D = 10, N = 40;
            var W = new float[C][];
            for (int c = 0; c < C; c++)
                W[c] = Enumerable.Range(0, D).Select(_ => (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
            var b = new float[C];
            var X = new float[N][];
            var y = new int[N];
            for (int n = 0; n < N; n++)
            {
                y[n] = n % C;
                X[n] = new float[D];
                for (int i = 0; i < D; i++)
                    X[n][i] = (float)(rng.NextDouble() - 0.5) + (i % C == y[n] ? 1f : 0f);
            }
            return new object?[] { W, b, X, y, smoothing, weightDecay };
        }

        [Theory]
        [InlineData(0.1f, 1e-3f)] // the sample's
        [InlineData(0f, 0f)]
        public void LabelSmoothingCE(float smoothing, float weightDecay) => Check("LabelSmoothingCE", LabelSmoothing(smoothing, weightDecay));

        private static object?[] Sinkhorn(int maxIterations, double tolerance)
        {
            var rng = new Random(1234);
            const int n = 20, m = 25;
            var src = new double[n][];
            var tgt = new double[m][];
            for (int i = 0; i < n; i++)
                src[i] = new[] { rng.NextDouble(), rng.NextDouble() };
            for (int j = 0; j < m; j++)
            {
                double a = 2 * Math.PI * j / m;
                tgt[j] = new[] { 0.5 + 0.4 * Math.Cos(a), 0.5 + 0.4 * Math.Sin(a) };
            }
            return new object?[] { src, tgt, 0.05, maxIterations, tolerance };
        }

        [Theory]
        [InlineData(200, 1e-9)] // the sample's: stops on the tolerance
        [InlineData(15, 0.0)]   // stops on maxIterations
        public void SinkhornLoss(int maxIterations, double tolerance) => Check("SinkhornLoss", Sinkhorn(maxIterations, tolerance));

        private static object?[] Vae()
        {
            var rng = new Random(1234);
            const int D = 16, L = 3, N = 20;
            double[,] Rand(int r, int c, double s)
            {
                var a = new double[r, c];
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++) a[i, j] = s * (rng.NextDouble() - 0.5);
                return a;
            }
            var encMu = Rand(L, D, 0.5);
            var encLv = Rand(L, D, 0.2);
            var decW = Rand(D, L, 1.0);
            var decB = new double[D];
            var x = new double[N][];
            var noise = new double[N][];
            for (int n = 0; n < N; n++)
            {
                x[n] = new double[D];
                for (int i = 0; i < D; i++) x[n][i] = rng.NextDouble() < 0.3 + 0.4 * ((i + n) % 2) ? 1.0 : 0.0;
                noise[n] = new double[L];
                for (int l = 0; l < L; l++)
                {
                    double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                    noise[n][l] = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                }
            }
            return new object?[] { encMu, encLv, decW, decB, x, noise };
        }

        [Fact] public void VaeElbo() => Check("VaeElbo", Vae());

        private static (Round25GruSequenceModel Model, double[] Theta, double[][] Sequence, double[] Targets) Gru()
        {
            var model = new Round25GruSequenceModel(2, 8);
            var rng = new Random(1234);
            var theta = new double[model.ParameterCount];
            for (int i = 0; i < theta.Length; i++) theta[i] = 0.4 * (rng.NextDouble() - 0.5);
            const int T = 30;
            var seq = new double[T][];
            var targets = new double[T];
            for (int t = 0; t < T; t++)
            {
                seq[t] = new[] { Math.Sin(0.3 * t), Math.Cos(0.17 * t) };
                targets[t] = Math.Sin(0.3 * (t - 2));
            }
            return (model, theta, seq, targets);
        }

        [Fact]
        public void GruSequenceModel()
        {
            // an instance method reading readonly int fields (and a computed property), differentiated in theta: by hand
            var (model, theta, seq, targets) = Gru();
            var before = (TestData.Clone(theta), TestData.Clone(seq), TestData.Clone(targets));
            double value = model.Loss(theta, seq, targets);
            DiffGen.Tests.Check.Forward(value, model.LossForward(theta, seq, targets), "Forward");
            var g = TestData.Garbage(theta);
            DiffGen.Tests.Check.Forward(value, model.LossBackward(theta, seq, targets, g), "Backward value");
            DiffGen.Tests.Check.Unchanged(before.Item1, theta, "theta");
            DiffGen.Tests.Check.Unchanged(before.Item2, seq, "sequence");
            DiffGen.Tests.Check.Unchanged(before.Item3, targets, "targets");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => model.Loss(theta, seq, targets), theta), g, "dtheta");
            const double seed = -2.5;
            var s = TestData.Garbage(theta);
            model.LossBackward(theta, seq, targets, s, seed);
            DiffGen.Tests.Check.Scaled(g, s, seed, "dtheta");
        }

        private static object?[] Mdn()
        {
            var rng = new Random(1234);
            var shape = new NaturalRound25.MdnShape(10, 3);
            int H = shape.Hidden, K = shape.Components;
            var w1 = new double[H];
            var b1 = new double[H];
            for (int j = 0; j < H; j++) { w1[j] = 2 * (rng.NextDouble() - 0.5); b1[j] = rng.NextDouble() - 0.5; }
            var wOut = new double[3 * K][];
            for (int o = 0; o < 3 * K; o++)
            {
                wOut[o] = new double[H];
                for (int j = 0; j < H; j++) wOut[o][j] = 0.5 * (rng.NextDouble() - 0.5);
            }
            var bOut = new double[3 * K];
            for (int k = 0; k < K; k++) bOut[K + k] = k - 1.0;
            const int N = 50;
            var xs = new double[N];
            var ys = new double[N];
            for (int n = 0; n < N; n++)
            {
                xs[n] = -1.0 + 2.0 * n / (N - 1);
                ys[n] = Math.Sin(3 * xs[n]) + (n % 2 == 0 ? 0.8 : -0.8) + 0.1 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { w1, b1, wOut, bOut, xs, ys, shape };
        }

        [Fact] public void MixtureDensityNetwork() => Check("MixtureDensityNetwork", Mdn());

        // ---- statistics ----

        private static object?[] HuberArgs(double delta, double ridge, int n = 60)
        {
            var rng = new Random(1234);
            const int p = 5;
            var trueW = new[] { 1.5, -2.0, 0.5, 0.0, 3.0 };
            var X = new double[n, p];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = 0.7;
                for (int j = 0; j < p; j++)
                {
                    X[i, j] = rng.NextDouble() * 2 - 1;
                    s += trueW[j] * X[i, j];
                }
                y[i] = s + (i % 10 == 0 ? 8.0 * (rng.NextDouble() - 0.5) : 0.1 * (rng.NextDouble() - 0.5));
            }
            var w = new[] { 1.0, -1.0, 0.2, 0.3, 2.0 };
            return new object?[] { w, 0.1, X, y, delta, ridge };
        }

        [Theory]
        [InlineData(1.0, 1e-2)] // the sample's (the defaults)
        [InlineData(0.3, 0.0)]  // more residuals on the linear branch
        public void HuberRegression(double delta, double ridge) => Check("HuberRegression", HuberArgs(delta, ridge));

        [Fact] public void HuberRegression_empty() => Check("HuberRegression", HuberArgs(1.0, 1e-2, n: 0));

        [Fact] public void HuberRegression_bad_input() => Bad<ArgumentOutOfRangeException>("HuberRegression", "delta", HuberArgs(0.0, 1e-2));

        private static object?[] StudentT(double nu)
        {
            var rng = new Random(1234);
            const int n = 80;
            var X = new double[n][];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double x1 = rng.NextDouble() * 4 - 2, x2 = rng.NextDouble();
                X[i] = new[] { 1.0, x1, x2 };
                double u = rng.NextDouble() - 0.5;
                double noise = 0.3 * u / Math.Max(0.1, rng.NextDouble());
                y[i] = 0.5 + 1.2 * x1 - 0.7 * x2 + noise;
            }
            return new object?[] { new[] { 0.3, 1.0, -0.5 }, Math.Log(0.4), Math.Log(nu), X, y };
        }

        [Theory]
        [InlineData(4.0)] // the sample's
        [InlineData(0.8)] // nu / 2 < 0.5: LogGamma's recursive branch
        public void StudentTRegression(double nu) => Check("StudentTRegression", StudentT(nu));

        private static object?[] Hierarchical()
        {
            double[] y = { 28, 8, -3, 7, -1, 1, 18, 12 };
            double[] sigma = { 15, 10, 16, 11, 9, 11, 10, 18 };
            double[] eta = new double[y.Length];
            for (int j = 0; j < eta.Length; j++) eta[j] = 0.25 * Math.Sin(j + 1.0);
            return new object?[] { 5.0, Math.Log(3.0), eta, y, sigma, new NaturalRound25.HierarchicalPriors(0.0, 10.0, 5.0) };
        }

        [Fact] public void HierarchicalLogPosterior() => Check("HierarchicalLogPosterior", Hierarchical());

        private static object?[] Poisson(double[] beta)
        {
            var rng = new Random(1234);
            const int n = 100, p = 4;
            var trueBeta = new[] { -1.0, 0.5, -0.3, 0.8 };
            var X = new double[n, p];
            var logExposure = new double[n];
            var counts = new int[n];
            for (int i = 0; i < n; i++)
            {
                X[i, 0] = 1.0;
                for (int j = 1; j < p; j++) X[i, j] = rng.NextDouble() * 2 - 1;
                logExposure[i] = Math.Log(1.0 + 9.0 * rng.NextDouble());
                double eta = logExposure[i];
                for (int j = 0; j < p; j++) eta += X[i, j] * trueBeta[j];
                double L = Math.Exp(-Math.Exp(eta)), prod = 1.0;
                int k = 0;
                do { k++; prod *= rng.NextDouble(); } while (prod > L);
                counts[i] = k - 1;
            }
            return new object?[] { beta, X, logExposure, counts, 0.1 };
        }

        [Fact] public void PoissonGlmOffset() => Check("PoissonGlmOffset", Poisson(new[] { 0.0, 0.0, 0.0, 0.0 }));

        [Fact] public void PoissonGlmOffset_near_the_fit() => Check("PoissonGlmOffset", Poisson(new[] { -0.9, 0.4, -0.2, 0.7 }));

        private static object?[] Cox()
        {
            var rng = new Random(1234);
            const int n = 60, p = 3;
            var trueBeta = new[] { 0.7, -0.5, 0.2 };
            var cov = new double[n][];
            var times = new double[n];
            var observed = new bool[n];
            for (int i = 0; i < n; i++)
            {
                cov[i] = new double[p];
                double eta = 0.0;
                for (int j = 0; j < p; j++) { cov[i][j] = rng.NextDouble() * 2 - 1; eta += trueBeta[j] * cov[i][j]; }
                double eventTime = -Math.Log(1.0 - rng.NextDouble()) / Math.Exp(eta);
                double censorTime = 2.0 * rng.NextDouble();
                times[i] = Math.Min(eventTime, censorTime) + 1e-6 * i;
                observed[i] = eventTime <= censorTime;
            }
            return new object?[] { new[] { 0.1, 0.1, 0.1 }, cov, times, observed, 0.01 };
        }

        [Fact] public void CoxPartialLikelihood() => Check("CoxPartialLikelihood", Cox());

        private static object?[] Ar(int length = 200)
        {
            var rng = new Random(1234);
            const int T = 200;
            var x = new double[T];
            for (int t = 0; t < T; t++)
            {
                double prev1 = t >= 1 ? x[t - 1] : 0.0, prev2 = t >= 2 ? x[t - 2] : 0.0, prev3 = t >= 3 ? x[t - 3] : 0.0;
                x[t] = 0.2 + 0.5 * prev1 - 0.3 * prev2 + 0.1 * prev3 + 0.5 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { new[] { 0.3, -0.1, 0.0 }, 0.0, Math.Log(0.2), x.Take(length).ToArray() };
        }

        [Fact] public void AutoregressiveNll() => Check("AutoregressiveNll", Ar());

        [Fact] public void AutoregressiveNll_series_too_short() => Check("AutoregressiveNll", Ar(3));

        private static object?[] BetaBinomial()
        {
            var rng = new Random(1234);
            const int m = 40;
            var x = new double[m];
            var k = new int[m];
            var n = new int[m];
            for (int i = 0; i < m; i++)
            {
                x[i] = -2.0 + 4.0 * i / (m - 1);
                n[i] = 10 + rng.Next(20);
                double p = 1.0 / (1.0 + Math.Exp(-(0.3 + 0.8 * x[i] + 0.6 * (rng.NextDouble() - 0.5))));
                int s = 0;
                for (int t = 0; t < n[i]; t++) if (rng.NextDouble() < p) s++;
                k[i] = s;
            }
            return new object?[] { 0.0, 0.5, Math.Log(10.0), x, k, n };
        }

        [Fact] public void BetaBinomialRegression() => Check("BetaBinomialRegression", BetaBinomial());

        [Fact]
        public void BetaBinomialRegression_zero_trials()
        {
            var a = BetaBinomial();
            ((int[])a[5]!)[3] = 0; // n == 0: continue
            ((int[])a[4]!)[3] = 0;
            Check("BetaBinomialRegression", a);
        }

        // ---- physics and engineering ----

        private static object?[] Chain()
        {
            const int nodes = 20;
            var pos = new double[2 * nodes];
            for (int i = 0; i < nodes; i++)
            {
                double s = (double)i / (nodes - 1);
                pos[2 * i] = 4.0 * s;
                pos[2 * i + 1] = -1.0 * Math.Sin(Math.PI * s);
            }
            var cfg = new NaturalRound25.SpringChainConfig(Stiffness: 100.0, RestLength: 0.25, Mass: 0.1, Gravity: 9.81, PinStiffness: 1e4);
            return new object?[] { pos, new[] { 0.0, 0.0 }, new[] { 4.0, 0.0 }, cfg };
        }

        [Fact] public void MassSpringChain() => Check("MassSpringChain", Chain());

        private static object?[] Views(int n, int d, bool symmetric, double temperature = 0.5)
        {
            // the sample's inputs (SampleArgs of F04, seed 1234): two noisy views of one basis vector per row
            var rng = new Random(1234);
            var z1 = new double[n][];
            var z2 = new double[n][];
            for (int i = 0; i < n; i++)
            {
                z1[i] = new double[d];
                z2[i] = new double[d];
                for (int k = 0; k < d; k++)
                {
                    double basis = rng.NextDouble() * 2 - 1;
                    z1[i][k] = basis + 0.2 * (rng.NextDouble() - 0.5);
                    z2[i][k] = basis + 0.2 * (rng.NextDouble() - 0.5);
                }
            }
            return new object?[] { z1, z2, new NaturalRound25.ContrastiveConfig(temperature, symmetric) };
        }

        /// <summary>
        /// InfoNceContrastive: the stacked array is made after 'if (n &lt; 2) return 0.0;', sized by loops over the rows that
        /// now run before the guard. Both sides of the guard (n = 1 returns 0 with zero gradients; n = 2 is the smallest
        /// batch past it), both modes (Symmetric false breaks out of the anchor loop at n), the sample's size.
        /// </summary>
        [Theory]
        [InlineData(16, 10, true)]
        [InlineData(16, 10, false)]
        [InlineData(2, 3, true)]
        [InlineData(1, 3, true)]
        [InlineData(5, 4, false)]
        public void InfoNceContrastive(int n, int d, bool symmetric) => Check("InfoNceContrastive", Views(n, d, symmetric));

        private static object?[] Pendulum(int steps, double amplitude, double theta0)
        {
            var u = new double[steps];
            for (int t = 0; t < steps; t++) u[t] = amplitude * Math.Sin(2 * Math.PI * t / 40.0);
            var p = new NaturalRound25.PendulumParams(Length: 1.0, Mass: 1.0, Damping: 0.1, Gravity: 9.81, Dt: 0.03);
            return new object?[] { u, theta0, 0.0, p, 0.01 };
        }

        [Theory]
        [InlineData(100, 3.0, 2.0)] // the sample's torques from theta0 = 2: ends at theta ≈ 1.1, omega ≈ -2.6
        [InlineData(60, 5.0, 2.0)]  // ends at theta ≈ -1.8, omega ≈ 3.4
        public void PendulumRk4Control(int steps, double amplitude, double theta0) => Check("PendulumRk4Control", Pendulum(steps, amplitude, theta0));

        private static object?[] Heat(int steps)
        {
            const int n = 24;
            var u0 = new float[n, n];
            var obs = new float[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    float x = (float)i / (n - 1), y = (float)j / (n - 1);
                    u0[i, j] = MathF.Exp(-30f * ((x - 0.4f) * (x - 0.4f) + (y - 0.5f) * (y - 0.5f)));
                    obs[i, j] = 0.6f * MathF.Exp(-20f * ((x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f)));
                }
            float dx = 1f / (n - 1);
            float dt = 0.2f * dx * dx;
            return new object?[] { u0, 1.0f, obs, steps, dt, dx };
        }

        [Theory]
        [InlineData(40)] // the sample's
        [InlineData(7)]
        public void HeatEquation2D(int steps) => Check("HeatEquation2D", Heat(steps));

        private static object?[] Truss()
        {
            const int cols = 5;
            int nNodes = 2 * cols;
            var nodes = new double[nNodes, 2];
            for (int c = 0; c < cols; c++)
            {
                nodes[c, 0] = c; nodes[c, 1] = 0.0;
                nodes[cols + c, 0] = c; nodes[cols + c, 1] = 1.0;
            }
            var barList = new List<(int, int)>();
            for (int c = 0; c < cols - 1; c++)
            {
                barList.Add((c, c + 1));
                barList.Add((cols + c, cols + c + 1));
                barList.Add((c, cols + c + 1));
                barList.Add((cols + c, c + 1));
            }
            for (int c = 1; c < cols; c++) barList.Add((c, cols + c));
            var bars = new int[barList.Count, 2];
            for (int e = 0; e < barList.Count; e++) { bars[e, 0] = barList[e].Item1; bars[e, 1] = barList[e].Item2; }

            var fixedDof = new bool[2 * nNodes];
            fixedDof[0] = fixedDof[1] = true;
            fixedDof[2 * cols] = fixedDof[2 * cols + 1] = true;
            var loads = new double[2 * nNodes];
            loads[2 * (cols - 1) + 1] = -1.0;

            var areas = new double[barList.Count];
            for (int e = 0; e < areas.Length; e++) areas[e] = 0.5 + 0.05 * (e % 7);
            return new object?[] { areas, nodes, bars, fixedDof, loads, 100.0, 0.01 };
        }

        [Fact] public void TrussCompliance() => Check("TrussCompliance", Truss());

        private static object?[] Transfer(int secondBurnStep)
        {
            var spec = new NaturalRound25.TransferSpec { Mu = 1.0, TargetRadius = 2.0, Dt = 0.01, Steps = 600, SecondBurnStep = secondBurnStep, FuelWeight = 0.5 };
            var dv1 = new[] { 0.0, 0.14 };
            var dv2 = new[] { 0.0, -0.11 };
            return new object?[] { dv1, dv2, new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 }, spec };
        }

        [Theory]
        [InlineData(577)] // the sample's
        [InlineData(600)] // no second burn (dv2 only in the fuel term)
        public void OrbitalTransfer(int secondBurnStep) => Check("OrbitalTransfer", Transfer(secondBurnStep));

        private const double ThermalVoltage = 0.025852; // the method's

        private static object?[] Diode(bool reverseBias)
        {
            var rng = new Random(1234);
            const int m = 15;
            var vsArr = new double[m];
            var iArr = new double[m];
            double IsTrue = 1e-12, nTrue = 1.8, RTrue = 50.0;
            for (int k = 0; k < m; k++)
            {
                double vs = 0.6 + 0.2 * k;
                double lo = 0.0, hi = vs;
                for (int b = 0; b < 200; b++)
                {
                    double mid = 0.5 * (lo + hi);
                    double f = (vs - mid) / RTrue - IsTrue * (Math.Exp(mid / (nTrue * ThermalVoltage)) - 1.0);
                    if (f > 0) lo = mid; else hi = mid;
                }
                vsArr[k] = vs;
                iArr[k] = (vs - lo) / RTrue * (1.0 + 0.02 * (rng.NextDouble() - 0.5));
            }
            if (reverseBias)
            {
                vsArr = new[] { -0.5, 0.0 }.Concat(vsArr).ToArray();
                iArr = new[] { 1e-12, 1e-12 }.Concat(iArr).ToArray();
            }
            return new object?[] { Math.Log(5e-12), 1.6, Math.Log(40.0), vsArr, iArr };
        }

        [Theory]
        [InlineData(false)] // the sample's
        [InlineData(true)]  // two points skipped (vs <= 0)
        public void DiodeCircuitFit(bool reverseBias) => Check("DiodeCircuitFit", Diode(reverseBias));

        // ---- finance, geometry, signals ----

        private static object?[] Portfolio()
        {
            var rng = new Random(1234);
            const int n = 12, factors = 3;
            var mu = new double[n];
            var B = new double[n, factors];
            for (int i = 0; i < n; i++)
            {
                mu[i] = 0.03 + 0.08 * rng.NextDouble();
                for (int f = 0; f < factors; f++) B[i, f] = 0.2 * (rng.NextDouble() - 0.3);
            }
            var cov = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0.0;
                    for (int f = 0; f < factors; f++) s += B[i, f] * B[j, f];
                    cov[i, j] = s + (i == j ? 0.01 + 0.02 * (i % 3) : 0.0);
                }
            var prev = Enumerable.Repeat(1.0 / n, n).ToArray();
            var logits = Enumerable.Range(0, n).Select(i => 0.1 * Math.Sin(i)).ToArray();
            var cfg = new NaturalRound25.PortfolioConfig { RiskAversion = 3.0, CostRate = 0.002, ConcentrationPenalty = 0.01 };
            return new object?[] { logits, mu, cov, prev, cfg };
        }

        [Fact] public void PortfolioMeanVariance() => Check("PortfolioMeanVariance", Portfolio());

        private static double BlackScholes(double S, double K, double T, double r, double sigma, bool isCall) =>
            (double)typeof(NaturalRound25).GetMethod("BlackScholes", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, new object[] { S, K, T, r, sigma, isCall })!;

        private static object?[] Svi(bool expiredQuote)
        {
            const double spot = 100.0, rate = 0.02;
            double[] maturities = { 0.25, 0.5, 1.0 };
            double[] strikes = { 80, 90, 95, 100, 105, 110, 120 };
            var quotes = new NaturalRound25.OptionQuote[maturities.Length * strikes.Length];
            int idx = 0;
            foreach (double T in maturities)
                foreach (double K in strikes)
                {
                    double k = Math.Log(K / (spot * Math.Exp(rate * T)));
                    double vol = 0.2 - 0.15 * k + 0.3 * k * k;
                    bool call = K >= spot;
                    double price = BlackScholes(spot, K, T, rate, vol, call);
                    quotes[idx++] = new NaturalRound25.OptionQuote(K, T, price, call);
                }
            if (expiredQuote) quotes = quotes.Append(new NaturalRound25.OptionQuote(100.0, 0.0, 1.0, true)).ToArray();
            double[] svi = { 0.03, Math.Log(0.05), -0.4, 0.0, Math.Log(0.1) };
            return new object?[] { svi, quotes, spot, rate };
        }

        [Theory]
        [InlineData(false)] // the sample's
        [InlineData(true)]  // one quote skipped (Maturity <= 0)
        public void BlackScholesSviCalibration(bool expiredQuote) => Check("BlackScholesSviCalibration", Svi(expiredQuote));

        private static object?[] CatmullRom(int keep = 9)
        {
            var rng = new Random(1234);
            const int nCtrl = 9, nSamples = 60;
            var ctrl = new float[nCtrl][];
            for (int i = 0; i < nCtrl; i++)
            {
                float s = (i - 1f) / (nCtrl - 3);
                ctrl[i] = new[] { s, 0.3f * MathF.Sin(4f * s) + (float)(0.05 * (rng.NextDouble() - 0.5)) };
            }
            var samples = new float[nSamples][];
            var ts = new float[nSamples];
            for (int n = 0; n < nSamples; n++)
            {
                float t = (n + 0.5f) / nSamples;
                ts[n] = t;
                samples[n] = new[] { t, 0.35f * MathF.Sin(4.2f * t) + (float)(0.02 * (rng.NextDouble() - 0.5)) };
            }
            return new object?[] { ctrl.Take(keep).ToArray(), samples, ts, 1e-3f };
        }

        [Fact] public void CatmullRomFit() => Check("CatmullRomFit", CatmullRom());

        [Fact] public void CatmullRomFit_too_few_control_points() => Check("CatmullRomFit", CatmullRom(keep: 3)); // segments < 1: 0

        private static object?[] Raster(bool clockwise)
        {
            var settings = new NaturalRound25.RasterSettings(32, 32, 60f);
            float[] truth = { 0.2f, 0.2f, 0.85f, 0.3f, 0.4f, 0.9f };
            var target = new float[settings.Height, settings.Width];
            static float Cross(float ax, float ay, float bx, float by) => ax * by - ay * bx;
            for (int py = 0; py < settings.Height; py++)
                for (int px = 0; px < settings.Width; px++)
                {
                    float x = (px + 0.5f) / settings.Width, y = (py + 0.5f) / settings.Height;
                    bool inside = true;
                    for (int e = 0; e < 3 && inside; e++)
                    {
                        int a = e, b = (e + 1) % 3;
                        float c = Cross(truth[2 * b] - truth[2 * a], truth[2 * b + 1] - truth[2 * a + 1],
                                        x - truth[2 * a], y - truth[2 * a + 1]);
                        inside = c >= 0f;
                    }
                    target[py, px] = inside ? 0.8f : 0f;
                }
            float[] init = clockwise
                ? new[] { 0.25f, 0.25f, 0.5f, 0.8f, 0.75f, 0.25f }
                : new[] { 0.25f, 0.25f, 0.75f, 0.25f, 0.5f, 0.8f };
            return new object?[] { init, 0.5f, target, settings };
        }

        [Theory]
        [InlineData(false)] // the sample's (counter-clockwise: orient = 1)
        [InlineData(true)]  // the same triangle listed clockwise (orient = -1)
        public void SoftRasterizer(bool clockwise) => Check("SoftRasterizer", Raster(clockwise));

        private static object?[] Biquad(double a2)
        {
            var rng = new Random(1234);
            const int N = 400;
            double w0 = 2 * Math.PI * 0.1, alpha = Math.Sin(w0) / (2 * 0.707), cw = Math.Cos(w0);
            double a0 = 1 + alpha;
            double[] refC = { (1 - cw) / 2 / a0, (1 - cw) / a0, (1 - cw) / 2 / a0, -2 * cw / a0, (1 - alpha) / a0 };

            var x = new double[N];
            for (int n = 0; n < N; n++) x[n] = rng.NextDouble() * 2 - 1;
            var y = new double[N];
            double s1 = 0, s2 = 0;
            for (int n = 0; n < N; n++)
            {
                double o = refC[0] * x[n] + s1;
                s1 = refC[1] * x[n] - refC[3] * o + s2;
                s2 = refC[2] * x[n] - refC[4] * o;
                y[n] = o + 0.01 * (rng.NextDouble() - 0.5);
            }
            double[] init = { 0.1, 0.1, 0.1, -1.0, a2 };
            return new object?[] { init, x, y, 20 };
        }

        [Theory]
        [InlineData(0.4)]  // the sample's: inside the stability margin, no penalty
        [InlineData(0.97)] // |a2| > 0.95: the first penalty term
        public void IirBiquadFit(double a2) => Check("IirBiquadFit", Biquad(a2));

        // ------------------------------------------------------------ bad input

        /// <summary>
        /// The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message; <paramref name="paramName"/> is the exception's ParamName (null: the original names none).
        /// </summary>
        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        private static object?[] LayerNorm(int n = 24)
        {
            // the sample's: seed 1234, d = 12, rows of X uniform in [-1, 1), Y sin(0.5 i + k), gamma 1, beta 0 (here perturbed)
            var rng = new Random(1234);
            const int d = 12;
            var w = new float[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) w[i, j] = (float)((rng.NextDouble() * 2 - 1) * 0.3);
            var b = Enumerable.Range(0, d).Select(i => 0.01f * i).ToArray();
            var gamma = Enumerable.Range(0, d).Select(_ => 1f + (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
            var beta = Enumerable.Range(0, d).Select(_ => (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
            var x = new float[n][];
            var y = new float[n][];
            for (int k = 0; k < n; k++)
            {
                x[k] = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                y[k] = Enumerable.Range(0, d).Select(i => MathF.Sin(0.5f * i + k)).ToArray();
            }
            return new object?[] { w, b, gamma, beta, x, y };
        }

        [Theory]
        [InlineData(24)] // the sample's
        [InlineData(0)]  // no rows: the method returns 0
        public void LayerNormResidual(int n) => Check("LayerNormResidual", LayerNorm(n));

        private static (double[,] Kernels, double[] Bias, double[] Readout, double[][] Signals, double[] Targets) ConvInputs(int stride)
        {
            // the sample's (seed 1234, 3 filters of 5, signals of 36, pool 4), with signals of different lengths
            var rng = new Random(1234);
            const int filters = 3, k = 5, n = 12, pool = 4;
            int pooled = (36 - k + 1) / pool;
            var kernels = new double[filters, k];
            for (int f = 0; f < filters; f++)
                for (int q = 0; q < k; q++) kernels[f, q] = 0.5 * (rng.NextDouble() - 0.5);
            var bias = Enumerable.Range(0, filters).Select(_ => 0.1 * (rng.NextDouble() - 0.5)).ToArray();
            var readout = new double[filters * pooled + 1];
            for (int i = 0; i < readout.Length; i++) readout[i] = 0.1 * (rng.NextDouble() - 0.5);
            var signals = new double[n][];
            var targets = new double[n];
            for (int s = 0; s < n; s++)
            {
                int length = 36 - 3 * (s % 3) * stride; // shorter signals pool fewer outputs
                signals[s] = new double[length];
                double freq = 0.2 + 0.05 * s;
                for (int t = 0; t < length; t++) signals[s][t] = Math.Sin(freq * t) + 0.1 * (rng.NextDouble() - 0.5);
                targets[s] = freq;
            }
            return (kernels, bias, readout, signals, targets);
        }

        [Theory]
        [InlineData(1)] // the sample's
        [InlineData(2)]
        public void Conv1dMaxPoolLayer(int stride)
        {
            // an instance method whose per-signal scratch is sized (s.Length - KernelSize) / Stride + 1 from instance properties: by hand
            var layer = new Round25Conv1dMaxPoolLayer(5, 4, stride);
            var (kernels, bias, readout, signals, targets) = ConvInputs(stride);
            double value = layer.Loss(kernels, bias, readout, signals, targets);
            DiffGen.Tests.Check.Forward(value, layer.LossForward(kernels, bias, readout, signals, targets), "Forward");
            var gk = TestData.Garbage(kernels);
            var gb = TestData.Garbage(bias);
            var gr = TestData.Garbage(readout);
            DiffGen.Tests.Check.Forward(value, layer.LossBackward(kernels, bias, readout, signals, targets, gk, gb, gr), "Backward value");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(kernels, bias, readout, signals, targets), kernels), gk, "dkernels");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(kernels, bias, readout, signals, targets), bias), gb, "dbias");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => layer.Loss(kernels, bias, readout, signals, targets), readout), gr, "dreadout");
        }

        private static object?[] TotalVariation(int n)
        {
            // the sample's image (a square and a disk, noise from seed 1234), u started away from the noisy image
            var rng = new Random(1234);
            var u = new double[n][];
            var noisy = new double[n][];
            for (int i = 0; i < n; i++)
            {
                u[i] = new double[n];
                noisy[i] = new double[n];
                for (int j = 0; j < n; j++)
                {
                    bool square = i > n / 4 && i < 3 * n / 4 && j > n / 5 && j < 2 * n / 3;
                    noisy[i][j] = (square ? 1.0 : 0.0) + 0.2 * (rng.NextDouble() - 0.5);
                    u[i][j] = noisy[i][j] + 0.1 * (rng.NextDouble() - 0.5);
                }
            }
            return new object?[] { u, noisy, 0.1, 1e-2 };
        }

        [Theory]
        [InlineData(12)]
        [InlineData(1)] // one row: the row below is always null
        public void TotalVariationDenoising(int n) => Check("TotalVariationDenoising", TotalVariation(n));

        private static (Round25MultiHeadAttention Layer, double[][] X, double[][] Target) Attention(int heads)
        {
            var rng = new Random(1234);
            const int d = 16;
            double[,] Make()
            {
                var m = new double[d, d];
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) m[i, j] = (rng.NextDouble() * 2 - 1) / Math.Sqrt(d);
                return m;
            }
            var layer = new Round25MultiHeadAttention(heads, Make(), Make(), Make(), Make());

            var rng2 = new Random(4321);
            const int T = 10;
            var x = new double[T][];
            var target = new double[T][];
            for (int t = 0; t < T; t++)
            {
                x[t] = new double[d];
                target[t] = new double[d];
                for (int e = 0; e < d; e++)
                {
                    x[t][e] = Math.Sin(0.3 * t + 0.7 * e) + 0.1 * (rng2.NextDouble() - 0.5);
                    target[t][e] = 0.5 * Math.Cos(0.2 * t - 0.4 * e);
                }
            }
            return (layer, x, target);
        }

        [Theory]
        [InlineData(4)] // the sample's
        [InlineData(2)]
        public void MultiHeadAttention(int heads)
        {
            // an instance method reading readonly weight fields, differentiated in its input x: by hand
            var (layer, x, target) = Attention(heads);
            var before = (TestData.Clone(x), TestData.Clone(target));
            double value = layer.Loss(x, target);
            DiffGen.Tests.Check.Forward(value, layer.LossForward(x, target), "Forward");
            var g = TestData.Garbage(x);
            DiffGen.Tests.Check.Forward(value, layer.LossBackward(x, target, g), "Backward value");
            DiffGen.Tests.Check.Unchanged(before.Item1, x, "x");
            DiffGen.Tests.Check.Unchanged(before.Item2, target, "target");
            var fd = x.Select(row => FiniteDiff.Gradient(() => layer.Loss(x, target), row)).ToArray();
            DiffGen.Tests.Check.Gradient(fd, g, "dx");
            const double seed = -2.5;
            var s = TestData.Garbage(x);
            layer.LossBackward(x, target, s, seed);
            DiffGen.Tests.Check.Scaled(g, s, seed, "dx");
        }
    }
}
