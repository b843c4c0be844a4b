using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 22 (<see cref="NaturalRound22"/>): the tenth probe batch, each function checked as written by
    /// <see cref="MethodOracle"/> (the four float methods against their double twins), with the inputs of the batch's own
    /// Args() (the same seeds and sizes) and both branches of the option flags and modes where cheap. By hand: the two
    /// ReadOnlySpan methods, WeibullAftSurvival and PortfolioCvarSmooth, called with arrays (and slices) against central
    /// differences of the user's method, and BeamDeflectionFem with a seed of -2 (see there). GraphAttentionLayer is skipped:
    /// a generator bug (see there). Bad input (<see cref="Bad{TEx}"/>, <see cref="SpanBad{TEx}"/>): the method, its
    /// Forward and its Backward throw the same exception, with the same message and parameter name.
    /// </summary>
    public class NaturalRound22Tests
    {
        private static readonly Type T = typeof(NaturalRound22);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double U(Random rng, double scale = 1.0) => scale * (2.0 * rng.NextDouble() - 1.0);

        // ---- deep learning and machine learning ----

        private static object?[] Ppo(NaturalRound22.PpoConfig config, bool done = true, int valuesLength = 8)
        {
            var rng = new Random(101);
            const int horizon = 8, numActions = 4;
            var logits = new double[horizon, numActions];
            var oldLogProbs = new double[horizon];
            var actions = new int[horizon];
            var values = new double[horizon];
            var oldValues = new double[horizon];
            var rewards = new double[horizon];
            var dones = new bool[horizon];
            for (int t = 0; t < horizon; t++)
            {
                var oldRow = new double[numActions];
                for (int a = 0; a < numActions; a++)
                {
                    logits[t, a] = 2.0 * rng.NextDouble() - 1.0;
                    oldRow[a] = logits[t, a] + 0.6 * (rng.NextDouble() - 0.5);
                }
                actions[t] = rng.Next(numActions);
                double max = oldRow.Max();
                double s = oldRow.Sum(z => Math.Exp(z - max));
                oldLogProbs[t] = oldRow[actions[t]] - (max + Math.Log(s));
                oldValues[t] = 0.5 + 0.4 * rng.NextDouble();
                values[t] = oldValues[t] + 0.1 * (rng.NextDouble() - 0.5);
                rewards[t] = rng.NextDouble();
            }
            dones[4] = done;
            return new object?[] { logits, values.Take(valuesLength).ToArray(), actions, oldLogProbs, oldValues, rewards, dones, 0.45, config };
        }

        [Theory]
        [InlineData(0.2, true)]
        [InlineData(0.05, false)] // most ratios clipped; no terminal step
        public void PpoClippedObjective(double clip, bool done) =>
            Check("PpoClippedObjective", Ppo(new NaturalRound22.PpoConfig(ClipEpsilon: clip, Gamma: done ? 0.99 : 0.9, Lambda: done ? 0.95 : 0.8), done));

        [Fact]
        public void PpoClippedObjective_bad_input() => Bad<ArgumentException>("PpoClippedObjective", null, Ppo(new NaturalRound22.PpoConfig(), valuesLength: 7));

        private static object?[] Bpr(int rank = 4, int negatives = 12)
        {
            var rng = new Random(202);
            const int numUsers = 5, numItems = 8, numTriples = 12;
            var userFactors = new double[numUsers, 4];
            var itemFactors = new double[numItems, rank];
            var itemBias = new double[numItems];
            for (int u = 0; u < numUsers; u++) for (int k = 0; k < 4; k++) userFactors[u, k] = U(rng, 0.3);
            for (int i = 0; i < numItems; i++)
            {
                for (int k = 0; k < rank; k++) itemFactors[i, k] = U(rng, 0.3);
                itemBias[i] = U(rng, 0.1);
            }
            var users = new int[numTriples];
            var pos = new int[numTriples];
            var neg = new int[numTriples];
            for (int s = 0; s < numTriples; s++)
            {
                users[s] = rng.Next(numUsers);
                pos[s] = rng.Next(numItems);
                do { neg[s] = rng.Next(numItems); } while (neg[s] == pos[s]);
            }
            return new object?[] { userFactors, itemFactors, itemBias, users, pos, neg.Take(negatives).ToArray(), 1e-3 };
        }

        [Fact] public void BprMatrixFactorization() => Check("BprMatrixFactorization", Bpr());

        [Fact]
        public void BprMatrixFactorization_bad_input()
        {
            Bad<ArgumentException>("BprMatrixFactorization", "itemFactors", Bpr(rank: 3));
            Bad<ArgumentException>("BprMatrixFactorization", null, Bpr(negatives: 11));
        }

        private static object?[] Word2Vec(int negativeRows = 6)
        {
            var rng = new Random(303);
            const int vocab = 8, dim = 5, numPairs = 6, numNegatives = 3;
            double[][] NewTable() => Enumerable.Range(0, vocab).Select(_ => Enumerable.Range(0, dim).Select(_ => (rng.NextDouble() - 0.5) / dim * 4.0).ToArray()).ToArray();
            var inputVectors = NewTable();
            var outputVectors = NewTable();
            var pairs = new (int Center, int Context)[numPairs];
            var negatives = new int[numPairs][];
            for (int i = 0; i < numPairs; i++)
            {
                int c = rng.Next(vocab);
                int o = (c + 1 + rng.Next(vocab - 1)) % vocab;
                pairs[i] = (c, o);
                negatives[i] = new int[numNegatives];
                for (int k = 0; k < numNegatives; k++)
                {
                    int n;
                    do { n = rng.Next(vocab); } while (n == o);
                    negatives[i][k] = n;
                }
            }
            return new object?[] { inputVectors, outputVectors, pairs, negatives.Take(negativeRows).ToArray() };
        }

        [Fact] public void Word2VecNegSampling() => Check("Word2VecNegSampling", Word2Vec());

        [Fact] public void Word2VecNegSampling_bad_input() => Bad<ArgumentException>("Word2VecNegSampling", "negativeSamples", Word2Vec(5));

        private static object?[] Crf(int tagCount = 7)
        {
            var rng = new Random(404);
            const int length = 7, numFeatures = 6, numTags = 4;
            var features = new double[length, numFeatures];
            for (int t = 0; t < length; t++)
                for (int f = 0; f < numFeatures; f++)
                    features[t, f] = rng.NextDouble() < 0.4 ? 1.0 : 0.2 * rng.NextDouble();
            var weights = new double[numFeatures, numTags];
            for (int f = 0; f < numFeatures; f++) for (int y = 0; y < numTags; y++) weights[f, y] = U(rng, 0.5);
            var transitions = new double[numTags, numTags];
            for (int a = 0; a < numTags; a++) for (int b = 0; b < numTags; b++) transitions[a, b] = U(rng, 0.4);
            var start = new double[numTags];
            var end = new double[numTags];
            for (int y = 0; y < numTags; y++)
            {
                start[y] = U(rng, 0.2);
                end[y] = U(rng, 0.2);
            }
            var tags = new int[length];
            for (int t = 0; t < length; t++) tags[t] = rng.Next(numTags);
            return new object?[] { features, weights, transitions, start, end, tags.Take(tagCount).ToArray() };
        }

        [Fact] public void CrfLogLikelihood() => Check("CrfLogLikelihood", Crf());

        [Fact] public void CrfLogLikelihood_bad_input() => Bad<ArgumentException>("CrfLogLikelihood", "tags", Crf(6));

        private static object?[] SoftDtw(double gamma, int n = 8, int targetDims = 2)
        {
            var rng = new Random(505);
            const int m = 6;
            var prediction = new double[n, 2];
            var target = new double[m, targetDims];
            for (int i = 0; i < n; i++)
            {
                double phase = 2.0 * Math.PI * i / (n - 1);
                prediction[i, 0] = Math.Sin(phase) + 0.1 * (rng.NextDouble() - 0.5);
                prediction[i, 1] = Math.Cos(phase) + 0.1 * (rng.NextDouble() - 0.5);
            }
            for (int j = 0; j < m; j++)
            {
                double phase = 2.0 * Math.PI * j / (m - 1) + 0.2;
                for (int k = 0; k < targetDims; k++) target[j, k] = k == 0 ? Math.Sin(phase) : Math.Cos(phase);
            }
            return new object?[] { prediction, target, gamma };
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(1.0)]
        public void SoftDtwLoss(double gamma) => Check("SoftDtwLoss", SoftDtw(gamma));

        [Fact] public void SoftDtwLoss_empty_prediction_is_zero() => Check("SoftDtwLoss", SoftDtw(0.1, n: 0));

        [Fact]
        public void SoftDtwLoss_bad_input()
        {
            Bad<ArgumentException>("SoftDtwLoss", "gamma", SoftDtw(0.0));
            Bad<ArgumentException>("SoftDtwLoss", "target", SoftDtw(0.1, targetDims: 3));
        }

        private static object?[] Gat(int weightRows = 5)
        {
            var rng = new Random(606);
            const int n = 7, inDim = 5, numClasses = 3;
            var features = new float[n, inDim];
            for (int i = 0; i < n; i++) for (int f = 0; f < inDim; f++) features[i, f] = (float)U(rng);
            var adjacency = new bool[n, n];
            for (int i = 0; i < n; i++)
            {
                int ring = (i + 1) % n;
                adjacency[i, ring] = adjacency[ring, i] = true;
            }
            adjacency[0, 3] = adjacency[3, 0] = true;
            adjacency[2, 5] = adjacency[5, 2] = true;
            var weight = new float[weightRows, numClasses];
            for (int f = 0; f < weightRows; f++) for (int k = 0; k < numClasses; k++) weight[f, k] = (float)U(rng, 0.6);
            var attnSource = new float[numClasses];
            var attnTarget = new float[numClasses];
            var bias = new float[numClasses];
            for (int k = 0; k < numClasses; k++)
            {
                attnSource[k] = (float)U(rng, 0.8);
                attnTarget[k] = (float)U(rng, 0.8);
                bias[k] = (float)U(rng, 0.05);
            }
            var labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = rng.Next(numClasses);
            return new object?[] { features, adjacency, weight, attnSource, attnTarget, bias, labels };
        }

        // A wrong gradient this test found and round 22 fixed: the reverse of the neighbour loop refills 'float attention' and
        // did not store 'int j = neighbours[a]' (a local int array refilled per node), so it read the last forward j for every
        // a (dweight[0] was -0.0155 where central differences give 0.0275). Regression: ArraysAndSelectors.IndexRefilledPerRow.
        [Fact]
        public void GraphAttentionLayer() => Check("GraphAttentionLayer", Gat());

        [Fact] public void GraphAttentionLayer_bad_input() => Bad<ArgumentException>("GraphAttentionLayer", "weight", Gat(4));

        private static object?[] PlanarFlow(int dim = 2)
        {
            var rng = new Random(707);
            const int numFlows = 4, numSamples = 6;
            var baseMean = new[] { 0.4, -0.3, 0.1 }.Take(dim).ToArray();
            var baseLogStd = new[] { 0.1, -0.2, 0.0 }.Take(dim).ToArray();
            var u = new double[numFlows, 2];
            var w = new double[numFlows, 2];
            var b = new double[numFlows];
            for (int k = 0; k < numFlows; k++)
            {
                for (int d = 0; d < 2; d++)
                {
                    u[k, d] = U(rng, 0.8);
                    w[k, d] = U(rng, 0.8);
                }
                b[k] = U(rng, 0.3);
            }
            var noise = new double[numSamples, 2];
            for (int s = 0; s < numSamples; s++)
                for (int d = 0; d < 2; d++)
                {
                    double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                    noise[s, d] = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                }
            return new object?[] { baseMean, baseLogStd, u, w, b, noise };
        }

        [Fact] public void PlanarFlowFreeEnergy() => Check("PlanarFlowFreeEnergy", PlanarFlow());

        [Fact] public void PlanarFlowFreeEnergy_bad_input() => Bad<ArgumentException>("PlanarFlowFreeEnergy", "baseMean", PlanarFlow(3));

        private static object?[] Gp(double logLengthscale, double logSignalStd, double logNoiseStd, int targetCount = 7)
        {
            var rng = new Random(808);
            const int n = 7, d = 2;
            var inputs = new double[n, d];
            var targets = new double[n];
            for (int i = 0; i < n; i++)
            {
                inputs[i, 0] = 3.0 * rng.NextDouble();
                inputs[i, 1] = 3.0 * rng.NextDouble();
                targets[i] = Math.Sin(inputs[i, 0]) + 0.5 * Math.Cos(1.5 * inputs[i, 1]) + 0.1 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { inputs, targets.Take(targetCount).ToArray(), logLengthscale, logSignalStd, logNoiseStd };
        }

        [Theory]
        [InlineData(0.9, 0.8, 0.15)]
        [InlineData(2.0, 1.5, 0.5)]
        public void GpMarginalLikelihood(double lengthscale, double signalStd, double noiseStd) =>
            Check("GpMarginalLikelihood", Gp(Math.Log(lengthscale), Math.Log(signalStd), Math.Log(noiseStd)));

        [Fact] public void GpMarginalLikelihood_bad_input() => Bad<ArgumentException>("GpMarginalLikelihood", "targets", Gp(0.0, 0.0, -1.0, 6));

        private static object?[] LabelSmoothing(double temperature, double smoothing, int labelCount = 8)
        {
            var rng = new Random(909);
            const int batch = 8, numClasses = 5;
            var labels = new int[batch];
            var logits = new double[batch][];
            for (int i = 0; i < batch; i++)
            {
                labels[i] = rng.Next(numClasses);
                logits[i] = new double[numClasses];
                for (int c = 0; c < numClasses; c++) logits[i][c] = U(rng) + (c == labels[i] ? 1.5 : 0.0);
            }
            return new object?[] { logits, labels.Take(labelCount).ToArray(), temperature, smoothing };
        }

        [Theory]
        [InlineData(1.3, 0.1)]
        [InlineData(0.7, 0.0)] // no smoothing
        public void LabelSmoothingTemperature(double temperature, double smoothing) => Check("LabelSmoothingTemperature", LabelSmoothing(temperature, smoothing));

        [Fact]
        public void LabelSmoothingTemperature_bad_input()
        {
            Bad<ArgumentException>("LabelSmoothingTemperature", "temperature", LabelSmoothing(0.0, 0.1));
            Bad<ArgumentException>("LabelSmoothingTemperature", "smoothing", LabelSmoothing(1.3, 1.0));
            Bad<ArgumentException>("LabelSmoothingTemperature", "labels", LabelSmoothing(1.3, 0.1, 7));
        }

        private static object?[] Triplet(int[] labels, double margin)
        {
            var rng = new Random(1010);
            const int n = 8, inDim = 6, outDim = 3, numClasses = 3;
            var classOf = new[] { 0, 0, 0, 1, 1, 1, 2, 2 };
            var prototypes = new double[numClasses, inDim];
            for (int c = 0; c < numClasses; c++) for (int f = 0; f < inDim; f++) prototypes[c, f] = U(rng);
            var features = new double[n, inDim];
            for (int i = 0; i < n; i++) for (int f = 0; f < inDim; f++) features[i, f] = prototypes[classOf[i], f] + U(rng, 0.6);
            var projection = new double[inDim, outDim];
            for (int f = 0; f < inDim; f++) for (int k = 0; k < outDim; k++) projection[f, k] = U(rng);
            return new object?[] { features, projection, labels, margin };
        }

        [Theory]
        [InlineData(new[] { 0, 0, 0, 1, 1, 1, 2, 2 }, 0.3)]
        [InlineData(new[] { 0, 0, 0, 1, 1, 1, 2, 3 }, 1.5)] // two anchors without a positive: skipped; a wide margin
        [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 0.3)] // no valid anchor: zero
        public void TripletHardMining(int[] labels, double margin) => Check("TripletHardMining", Triplet(labels, margin));

        private static object?[] CenterContrastive(double centerWeight, int classifierColumns = 3)
        {
            var rng = new Random(1111);
            const int batch = 8, dim = 4, numClasses = 3;
            var centers = new double[numClasses][];
            for (int c = 0; c < numClasses; c++) centers[c] = Enumerable.Range(0, dim).Select(_ => U(rng)).ToArray();
            var labels = new int[batch];
            var features = new double[batch][];
            for (int i = 0; i < batch; i++)
            {
                labels[i] = i % numClasses;
                features[i] = centers[labels[i]].Select(v => v + U(rng, 0.4)).ToArray();
            }
            var classifier = new double[dim, classifierColumns];
            for (int k = 0; k < dim; k++) for (int c = 0; c < classifierColumns; c++) classifier[k, c] = U(rng, 0.7);
            return new object?[] { features, centers, classifier, labels, centerWeight };
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(2.0)]
        public void CenterContrastiveLoss(double centerWeight) => Check("CenterContrastiveLoss", CenterContrastive(centerWeight));

        [Fact] public void CenterContrastiveLoss_bad_input() => Bad<ArgumentException>("CenterContrastiveLoss", "classifier", CenterContrastive(0.1, 4));

        private static object?[] Mos(int projectionCount = 3)
        {
            var rng = new Random(1212);
            const int n = 4, dim = 4, numComponents = 3, vocab = 6;
            var contexts = new double[n, dim];
            for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) contexts[i, j] = U(rng);
            var prior = new double[dim, numComponents];
            for (int j = 0; j < dim; j++) for (int c = 0; c < numComponents; c++) prior[j, c] = U(rng, 0.5);
            var projections = new double[projectionCount, dim, dim];
            for (int c = 0; c < projectionCount; c++) for (int a = 0; a < dim; a++) for (int b = 0; b < dim; b++) projections[c, a, b] = U(rng, 0.7);
            var embeddings = new double[vocab, dim];
            for (int v = 0; v < vocab; v++) for (int a = 0; a < dim; a++) embeddings[v, a] = U(rng);
            var targets = new int[n];
            for (int i = 0; i < n; i++) targets[i] = rng.Next(vocab);
            return new object?[] { contexts, prior, projections, embeddings, targets };
        }

        [Fact] public void MixtureOfSoftmaxes() => Check("MixtureOfSoftmaxes", Mos());

        [Fact] public void MixtureOfSoftmaxes_bad_input() => Bad<ArgumentException>("MixtureOfSoftmaxes", "componentProjections", Mos(2));

        // ---- statistics and econometrics ----

        private static object?[] Probit(double ridge, int betaLength = 4)
        {
            var rng = new Random(1313);
            const int n = 8, p = 4;
            var trueBeta = new[] { -0.3, 0.8, -0.5, 0.4 };
            var design = new double[n, p];
            var outcomes = new bool[n];
            for (int i = 0; i < n; i++)
            {
                design[i, 0] = 1.0;
                double eta = trueBeta[0];
                for (int j = 1; j < p; j++)
                {
                    design[i, j] = U(rng);
                    eta += design[i, j] * trueBeta[j];
                }
                outcomes[i] = eta + 0.8 * (rng.NextDouble() - 0.5) > 0.0;
            }
            return new object?[] { design, outcomes, new[] { -0.1, 0.5, -0.2, 0.3 }.Take(betaLength).ToArray(), ridge };
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(0.0)]
        public void ProbitRegression(double ridge) => Check("ProbitRegression", Probit(ridge));

        [Fact] public void ProbitRegression_bad_input() => Bad<ArgumentException>("ProbitRegression", "beta", Probit(0.1, 3));

        private static object?[] Tobit(double censorPoint, int observedCount = 8)
        {
            var rng = new Random(1414);
            const int n = 8, p = 3;
            var trueBeta = new[] { 0.2, 1.0, -0.7 };
            var covariates = new double[n, p];
            var observed = new double[n];
            for (int i = 0; i < n; i++)
            {
                covariates[i, 0] = 1.0;
                covariates[i, 1] = U(rng);
                covariates[i, 2] = U(rng);
                double latent = 0.0;
                for (int j = 0; j < p; j++) latent += covariates[i, j] * trueBeta[j];
                latent += U(rng, 0.5);
                observed[i] = Math.Max(latent, 0.0); // censored at zero: exact zeros (data)
            }
            return new object?[] { covariates, observed.Take(observedCount).ToArray(), new[] { 0.1, 0.8, -0.5 }, Math.Log(0.6), censorPoint };
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(0.3)] // more rows censored
        public void TobitLikelihood(double censorPoint) => Check("TobitLikelihood", Tobit(censorPoint));

        [Fact] public void TobitLikelihood_bad_input() => Bad<ArgumentException>("TobitLikelihood", null, Tobit(0.0, 7));

        private static (double[] Coefficients, double LogScale, double[,] Covariates, double[] Times, bool[] Events) Weibull()
        {
            var rng = new Random(1515);
            const int n = 8, p = 2;
            var trueCoef = new[] { 2.0, 0.5, -0.4 };
            var covariates = new double[n, p];
            var times = new double[n];
            var events = new bool[n];
            for (int i = 0; i < n; i++)
            {
                covariates[i, 0] = rng.NextDouble() < 0.5 ? 1.0 : 0.0;
                covariates[i, 1] = U(rng);
                double eta = trueCoef[0] + trueCoef[1] * covariates[i, 0] + trueCoef[2] * covariates[i, 1];
                double w = Math.Log(-Math.Log(1.0 - 0.05 - 0.9 * rng.NextDouble()));
                double eventTime = Math.Exp(eta + 0.7 * w);
                double censorTime = 4.0 + 10.0 * rng.NextDouble();
                events[i] = eventTime <= censorTime;
                times[i] = Math.Min(eventTime, censorTime);
            }
            return (new[] { 1.8, 0.3, -0.2 }, Math.Log(0.8), covariates, times, events);
        }

        [Fact]
        public void WeibullAftSurvival()
        {
            // ReadOnlySpan<double> coefficients (a Span gradient) and ReadOnlySpan<bool> events: by hand, with arrays
            var (coef, logScale, cov, times, events) = Weibull();
            Assert.Contains(true, events);
            Assert.Contains(false, events);
            SpanMethod(coef, logScale,
                (c, s) => NaturalRound22.WeibullAftSurvival(c, s, cov, times, events),
                (c, s) => NaturalRound22.WeibullAftSurvivalForward(c, s, cov, times, events),
                (c, s, g, seed) => (NaturalRound22.WeibullAftSurvivalBackward(c, s, cov, times, events, g, out double gs, seed), gs),
                "WeibullAftSurvival");

            // slices of longer arrays
            var big = new[] { 9.0 }.Concat(coef).Concat(new[] { -9.0 }).ToArray();
            var bigTimes = new[] { 1.0, 1.0 }.Concat(times).ToArray();
            var bigEvents = new[] { true }.Concat(events).ToArray();
            double value = NaturalRound22.WeibullAftSurvival(coef, logScale, cov, times, events);
            DiffGen.Tests.Check.Forward(value, NaturalRound22.WeibullAftSurvivalForward(big.AsSpan(1, 3), logScale, cov, bigTimes.AsSpan(2), bigEvents.AsSpan(1)), "Forward on slices");
            var g = Enumerable.Repeat(double.NaN, 5).ToArray();
            DiffGen.Tests.Check.Forward(value, NaturalRound22.WeibullAftSurvivalBackward(big.AsSpan(1, 3), logScale, cov, bigTimes.AsSpan(2), bigEvents.AsSpan(1), g.AsSpan(1, 3), out _), "Backward on slices");
            var whole = TestData.Garbage(coef);
            NaturalRound22.WeibullAftSurvivalBackward(coef, logScale, cov, times, events, whole, out _);
            DiffGen.Tests.Check.Gradient(whole, g.Skip(1).Take(3).ToArray(), "dcoefficients into a slice");
            Assert.True(double.IsNaN(g[0]) && double.IsNaN(g[4]), "Backward wrote outside the gradient slice");
        }

        [Fact]
        public void WeibullAftSurvival_bad_input()
        {
            var (coef, logScale, cov, times, events) = Weibull();
            SpanBad<ArgumentException>("coefficients",
                () => NaturalRound22.WeibullAftSurvival(coef.AsSpan(0, 2), logScale, cov, times, events),
                () => NaturalRound22.WeibullAftSurvivalForward(coef.AsSpan(0, 2), logScale, cov, times, events),
                () => NaturalRound22.WeibullAftSurvivalBackward(coef.AsSpan(0, 2), logScale, cov, times, events, new double[2], out _));
            SpanBad<ArgumentException>(null,
                () => NaturalRound22.WeibullAftSurvival(coef, logScale, cov, times, events.AsSpan(1)),
                () => NaturalRound22.WeibullAftSurvivalForward(coef, logScale, cov, times, events.AsSpan(1)),
                () => NaturalRound22.WeibullAftSurvivalBackward(coef, logScale, cov, times, events.AsSpan(1), new double[3], out _));
        }

        private static object?[] NegBin(double logAlpha, int countLength = 8)
        {
            var rng = new Random(1616);
            const int n = 8, p = 3;
            var design = new double[n, p];
            var exposure = new double[n];
            var counts = new int[n];
            for (int i = 0; i < n; i++)
            {
                design[i, 0] = 1.0;
                design[i, 1] = U(rng);
                design[i, 2] = rng.NextDouble() < 0.5 ? 1.0 : 0.0;
                exposure[i] = 0.5 + 2.0 * rng.NextDouble();
                double mu = exposure[i] * Math.Exp(1.0 + 0.6 * design[i, 1] - 0.4 * design[i, 2]);
                counts[i] = (int)Math.Round(mu * (0.5 + rng.NextDouble()));
            }
            return new object?[] { design, counts.Take(countLength).ToArray(), exposure, new[] { 0.9, 0.4, -0.3 }, logAlpha };
        }

        [Theory]
        [InlineData(0.35)]
        [InlineData(2.3)] // r = 1/alpha below one: more shifts in LogGamma
        public void NegativeBinomialRegression(double alpha) => Check("NegativeBinomialRegression", NegBin(Math.Log(alpha)));

        [Fact] public void NegativeBinomialRegression_bad_input() => Bad<ArgumentException>("NegativeBinomialRegression", null, NegBin(Math.Log(0.35), 7));

        private static object?[] Hurdle(NaturalRound22.TwoPartPriors priors, int spendingLength = 8)
        {
            var rng = new Random(1717);
            const int n = 8, p = 3;
            var covariates = new double[n, p];
            var spending = new double[n];
            for (int i = 0; i < n; i++)
            {
                covariates[i, 0] = 1.0;
                covariates[i, 1] = U(rng);
                covariates[i, 2] = rng.NextDouble() < 0.4 ? 1.0 : 0.0;
                bool participates = 0.2 + 0.8 * covariates[i, 1] + covariates[i, 2] + (rng.NextDouble() - 0.5) > 0.0;
                spending[i] = participates ? Math.Exp(5.0 + 0.5 * covariates[i, 1] + 0.3 * (rng.NextDouble() - 0.5)) : 0.0;
            }
            return new object?[] { covariates, spending.Take(spendingLength).ToArray(), new[] { 0.1, 0.6, 0.8 }, new[] { 4.8, 0.4, 0.1 }, Math.Log(0.5), priors };
        }

        [Theory]
        [InlineData(0.01, 0.01)]
        [InlineData(0.0, 1.0)]
        public void HurdleTwoPartModel(double participationL2, double amountL2)
        {
            var args = Hurdle(new NaturalRound22.TwoPartPriors(participationL2, amountL2));
            var spending = (double[])args[1]!;
            Assert.Contains(0.0, spending); // both parts of the model
            Assert.Contains(spending, s => s > 0.0);
            Check("HurdleTwoPartModel", args);
        }

        [Fact] public void HurdleTwoPartModel_bad_input() => Bad<ArgumentException>("HurdleTwoPartModel", "spending", Hurdle(new NaturalRound22.TwoPartPriors(0.01, 0.01), 7));

        private static object?[] Quantile(bool crossing, int quantileCount = 3)
        {
            var rng = new Random(1818);
            const int n = 8, p = 2;
            var design = new float[n, p];
            var response = new float[n];
            for (int i = 0; i < n; i++)
            {
                design[i, 0] = 1f;
                design[i, 1] = (float)(4.0 * rng.NextDouble());
                response[i] = (float)(1.0 + 0.7 * design[i, 1] + (0.3 + 0.2 * design[i, 1]) * (2.0 * rng.NextDouble() - 1.0));
            }
            var coefficients = crossing
                ? new float[,] { { 1.4f, 0.85f }, { 1.0f, 0.70f }, { 0.6f, 0.55f } } // the quantile predictions cross: the penalty
                : new float[,] { { 0.6f, 0.55f }, { 1.0f, 0.70f }, { 1.4f, 0.85f } };
            return new object?[] { design, response, coefficients, new[] { 0.1f, 0.5f, 0.9f }.Take(quantileCount).ToArray(), 0.05f, 10f };
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void SmoothedQuantileRegression(bool crossing) => Check("SmoothedQuantileRegression", Quantile(crossing));

        [Fact] public void SmoothedQuantileRegression_bad_input() => Bad<ArgumentException>("SmoothedQuantileRegression", "coefficients", Quantile(false, 2));

        // ---- physics, chemistry, epidemiology, engineering ----

        private static object?[] LennardJones(double cutoff, int columns = 3)
        {
            var rng = new Random(1919);
            const int n = 7;
            var positions = new double[n, 3];
            int placed = 0;
            while (placed < n)
            {
                double x = 2.2 * rng.NextDouble(), y = 2.2 * rng.NextDouble(), z = 2.2 * rng.NextDouble();
                bool ok = true;
                for (int j = 0; j < placed && ok; j++)
                {
                    double dx = x - positions[j, 0], dy = y - positions[j, 1], dz = z - positions[j, 2];
                    ok = Math.Sqrt(dx * dx + dy * dy + dz * dz) > 1.0;
                }
                if (!ok) continue;
                positions[placed, 0] = x;
                positions[placed, 1] = y;
                positions[placed, 2] = z;
                placed++;
            }
            var p = new double[n, columns];
            for (int i = 0; i < n; i++) for (int d = 0; d < columns; d++) p[i, d] = positions[i, d];
            return new object?[] { p, 1.0, 1.0, cutoff, 0.05 };
        }

        [Theory]
        [InlineData(2.5)]
        [InlineData(1.6)] // most pairs beyond the cutoff
        public void LennardJonesCluster(double cutoff) => Check("LennardJonesCluster", LennardJones(cutoff));

        [Fact] public void LennardJonesCluster_bad_input() => Bad<ArgumentException>("LennardJonesCluster", "positions", LennardJones(2.5, 2));

        private static object?[] Morse(double weightTemperature, int energyCount = 8)
        {
            var rng = new Random(2020);
            var distances = Enumerable.Range(0, 8).Select(k => 0.55 + 0.2 * k).ToArray();
            var energies = distances.Select(r =>
            {
                double x = 1.0 - Math.Exp(-1.94 * (r - 0.741));
                return 4.75 * (x * x - 1.0) + 0.02 * (rng.NextDouble() - 0.5);
            }).ToArray();
            return new object?[] { 4.4, 1.8, 0.76, distances, energies.Take(energyCount).ToArray(), weightTemperature };
        }

        [Theory]
        [InlineData(0.5)]
        [InlineData(5.0)]
        public void MorsePotentialFit(double weightTemperature) => Check("MorsePotentialFit", Morse(weightTemperature));

        [Fact] public void MorsePotentialFit_bad_input() => Bad<ArgumentException>("MorsePotentialFit", null, Morse(0.5, 7));

        private static double[] SirCases()
        {
            var rng = new Random(2121);
            const int population = 10000, days = 30, steps = 10;
            double s = population - 10.0, i = 10.0, beta = 0.45, gamma = 0.2, dt = 1.0 / steps;
            var cases = new double[days];
            for (int d = 0; d < days; d++)
            {
                double daily = 0.0;
                for (int k = 0; k < steps; k++)
                {
                    double inf = beta * s * i / population * dt, rec = gamma * i * dt;
                    s -= inf;
                    i += inf - rec;
                    daily += inf;
                }
                cases[d] = Math.Round(daily * (0.85 + 0.3 * rng.NextDouble()));
            }
            return cases;
        }

        [Fact] public void SirEpidemicFit() => Check("SirEpidemicFit", Math.Log(0.4), Math.Log(0.18), Math.Log(8.0), SirCases(), 10000, 10);

        [Fact]
        public void SirEpidemicFit_burns_out()
        {
            // R0 = 30 in a population of 200: fewer than one susceptible left after day 4 (0.22; 4.03 after day 3): the break
            var cases = new[] { 20.0, 110, 60, 4, 1, 0, 0, 0, 0, 0 };
            Check("SirEpidemicFit", Math.Log(3.0), Math.Log(0.1), Math.Log(2.0), cases, 200, 10);
        }

        [Fact]
        public void SirEpidemicFit_bad_input()
        {
            Bad<ArgumentException>("SirEpidemicFit", null, Math.Log(0.4), Math.Log(0.18), Math.Log(8.0), SirCases(), 0, 10);
            Bad<ArgumentException>("SirEpidemicFit", null, Math.Log(0.4), Math.Log(0.18), Math.Log(8.0), SirCases(), 10000, 0);
        }

        private static object?[] Spring(float stiffness, float damping, int forcingLength = 40)
        {
            var rng = new Random(2222);
            const int steps = 40;
            var settings = new NaturalRound22.SimulationSettings(mass: 2.0f, timeStep: 0.05f, initialDisplacement: 0.1f, initialVelocity: 0f);
            var forcing = new float[steps];
            var measured = new float[steps];
            float kTrue = 30f, cTrue = 1.5f, x = settings.InitialDisplacement, v = settings.InitialVelocity;
            for (int t = 0; t < steps; t++)
            {
                forcing[t] = 5f * MathF.Sin(2.5f * t * settings.TimeStep);
                float a = (forcing[t] - cTrue * v - kTrue * x) / settings.Mass;
                v += settings.TimeStep * a;
                x += settings.TimeStep * v;
                measured[t] = x + (float)(0.005 * (2.0 * rng.NextDouble() - 1.0));
            }
            return new object?[] { MathF.Log(stiffness), MathF.Log(damping), forcing.Take(forcingLength).ToArray(), measured, settings };
        }

        [Theory]
        [InlineData(25f, 1f)]
        [InlineData(40f, 3f)]
        public void SpringMassDamperFit(float stiffness, float damping) => Check("SpringMassDamperFit", Spring(stiffness, damping));

        [Fact] public void SpringMassDamperFit_bad_input() => Bad<ArgumentException>("SpringMassDamperFit", "forcing", Spring(25f, 1f, 39));

        private static object?[] Beam(double tipLoad, int elements = 4, int measuredCount = 4)
        {
            var rng = new Random(2323);
            const double length = 2.0, q = -200.0, tip = -500.0;
            var trueEi = new[] { 2.6e4, 2.3e4, 2.0e4, 1.8e4 };
            double le = length / trueEi.Length;
            double eiMean = trueEi.Average();
            var measured = new double[trueEi.Length];
            for (int node = 1; node <= trueEi.Length; node++)
            {
                double x = node * le;
                double wTip = tip * x * x * (3 * length - x) / (6 * eiMean);
                double wQ = q * x * x * (6 * length * length - 4 * length * x + x * x) / (24 * eiMean);
                measured[node - 1] = (wTip + wQ) * (1.0 + 0.02 * (2.0 * rng.NextDouble() - 1.0));
            }
            var logEi = new[] { Math.Log(2.2e4), Math.Log(2.1e4), Math.Log(2.0e4), Math.Log(1.9e4) };
            // measurementStd 1e-3: fixed data
            return new object?[] { logEi.Take(elements).ToArray(), length, q, tipLoad, measured.Take(measuredCount).ToArray(), 1e-3 };
        }

        /// <summary>
        /// By hand, what MethodOracle checks, with seed -2 instead of -2.5: the gradient is a difference of terms some 1e3 times
        /// larger (measurement noise of 1e-3 m, a Gaussian elimination), so seed -2.5, whose products round, moves the small
        /// entries by up to 9e-11 (tip load 0: dlogEI[3] 4.795728892723281 at seed 1, 4.795728892811033 at seed -2.5 over -2.5;
        /// complex-step reference 4.795728892728421, so both are rounding of the user's own sums), above SeedTol (1e-12).
        /// With a power of two every rounding scales exactly, and the seed-scaled gradient must equal -2 times it to SeedTol.
        /// </summary>
        [Theory]
        [InlineData(-500.0)]
        [InlineData(0.0)] // the distributed load alone
        public void BeamDeflectionFem(double tipLoad)
        {
            const double seed = -2.0;
            var a = Beam(tipLoad);
            var (logEi, length, q, tip, measured, std) = ((double[])a[0]!, (double)a[1]!, (double)a[2]!, (double)a[3]!, (double[])a[4]!, (double)a[5]!);
            var (logEiBefore, measuredBefore) = (TestData.Clone(logEi), TestData.Clone(measured));
            double L() => NaturalRound22.BeamDeflectionFem(logEi, length, q, tip, measured, std);
            double value = L();
            DiffGen.Tests.Check.Forward(value, NaturalRound22.BeamDeflectionFemForward(logEi, length, q, tip, measured, std), "Forward");
            var g = TestData.Garbage(logEi);
            DiffGen.Tests.Check.Forward(value, NaturalRound22.BeamDeflectionFemBackward(logEi, length, q, tip, measured, std, g), "Backward value");
            DiffGen.Tests.Check.Unchanged(logEiBefore, logEi, "logBendingStiffness");
            DiffGen.Tests.Check.Unchanged(measuredBefore, measured, "measuredDeflections");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, logEi), g, "dlogBendingStiffness");
            var scaled = TestData.Garbage(logEi);
            NaturalRound22.BeamDeflectionFemBackward(logEi, length, q, tip, measured, std, scaled, seed);
            DiffGen.Tests.Check.Scaled(g, scaled, seed, "dlogBendingStiffness");
        }

        [Fact]
        public void BeamDeflectionFem_bad_input()
        {
            Bad<ArgumentException>("BeamDeflectionFem", "logBendingStiffness", Beam(-500.0, 0, 0));
            Bad<ArgumentException>("BeamDeflectionFem", "measuredDeflections", Beam(-500.0, 4, 3));
        }

        private static NaturalRound22.ExchangerOperatingPoint[] OperatingPoints(bool balanced)
        {
            var rng = new Random(2424);
            const double uaTrue = 4200.0, nTrue = 0.7;
            var points = new NaturalRound22.ExchangerOperatingPoint[6];
            for (int k = 0; k < points.Length; k++)
            {
                double th = 85.0 + 10.0 * rng.NextDouble();
                double tc = 15.0 + 5.0 * rng.NextDouble();
                double mh = 0.6 + 0.8 * rng.NextDouble();
                double mc = 0.3 + 0.5 * rng.NextDouble();
                double ch = mh * 2100.0, cc = mc * 4180.0;
                double cmin = Math.Min(ch, cc), cr = cmin / Math.Max(ch, cc);
                double ntu = uaTrue * Math.Pow(mh, nTrue) / cmin;
                double ex = Math.Exp(-ntu * (1 - cr));
                double eff = (1 - ex) / (1 - cr * ex);
                double thOut = th - eff * cmin * (th - tc) / ch + 0.3 * (rng.NextDouble() - 0.5);
                points[k] = new NaturalRound22.ExchangerOperatingPoint(th, tc, mh, mc, thOut);
            }
            // balanced flow (equal capacity rates, 2090 W/K): effectiveness NTU / (1 + NTU)
            if (balanced) points[2] = points[2] with { HotFlowKgPerS = 2090.0 / 2100.0, ColdFlowKgPerS = 0.5 };
            return points;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void HeatExchangerModel(bool balanced) => Check("HeatExchangerModel", 3800.0, 0.6, OperatingPoints(balanced), 1.0);

        [Fact] public void HeatExchangerModel_bad_input() => Bad<ArgumentException>("HeatExchangerModel", "operatingPoints", 3800.0, 0.6, new NaturalRound22.ExchangerOperatingPoint[0], 1.0);

        // ---- finance, imaging, signals, geometry, robotics ----

        private static double[,] ScenarioReturns(int assets = 5)
        {
            var rng = new Random(2525);
            const int scenarios = 8;
            var mean = new[] { 0.004, 0.006, 0.008, 0.010, 0.003 };
            var vol = new[] { 0.010, 0.020, 0.030, 0.045, 0.005 };
            var returns = new double[scenarios, assets];
            for (int s = 0; s < scenarios; s++)
            {
                double market = U(rng);
                for (int i = 0; i < 5; i++)
                {
                    double r = mean[i] + vol[i] * (0.6 * market + 0.8 * U(rng));
                    if (i < assets) returns[s, i] = r;
                }
            }
            return returns;
        }

        [Theory]
        [InlineData(0.9, 0.005, 2.0)]
        [InlineData(0.95, 0.02, 0.5)]
        public void PortfolioCvarSmooth(double confidence, double smoothing, double riskAversion)
        {
            // ReadOnlySpan<double> weightLogits (a Span gradient): by hand, with arrays
            var logits = new[] { 0.1, 0.0, -0.2, -0.5, 0.3 };
            var returns = ScenarioReturns();
            SpanMethod(logits, 0.012,
                (w, v) => NaturalRound22.PortfolioCvarSmooth(w, v, returns, confidence, smoothing, riskAversion),
                (w, v) => NaturalRound22.PortfolioCvarSmoothForward(w, v, returns, confidence, smoothing, riskAversion),
                (w, v, g, seed) => (NaturalRound22.PortfolioCvarSmoothBackward(w, v, returns, confidence, smoothing, riskAversion, g, out double gv, seed), gv),
                "PortfolioCvarSmooth");
        }

        [Fact]
        public void PortfolioCvarSmooth_bad_input()
        {
            var logits = new[] { 0.1, 0.0, -0.2, -0.5, 0.3 };
            var returns = ScenarioReturns();
            SpanBad<ArgumentException>("confidence",
                () => NaturalRound22.PortfolioCvarSmooth(logits, 0.012, returns, 1.0),
                () => NaturalRound22.PortfolioCvarSmoothForward(logits, 0.012, returns, 1.0),
                () => NaturalRound22.PortfolioCvarSmoothBackward(logits, 0.012, returns, 1.0, 0.005, 2.0, new double[5], out _));
            var narrow = ScenarioReturns(4);
            SpanBad<ArgumentException>("scenarioReturns",
                () => NaturalRound22.PortfolioCvarSmooth(logits, 0.012, narrow),
                () => NaturalRound22.PortfolioCvarSmoothForward(logits, 0.012, narrow),
                () => NaturalRound22.PortfolioCvarSmoothBackward(logits, 0.012, narrow, 0.9, 0.005, 2.0, new double[5], out _));
        }

        private static object?[] Denoise(double regularization, int noisyWidth = 6)
        {
            var rng = new Random(2626);
            const int height = 8, width = 6;
            var clean = new double[height, width];
            var noisy = new double[height, width];
            var image = new double[height, width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    clean[y, x] = (x >= 3 ? 0.8 : 0.2) + (y >= 5 ? 0.1 : 0.0);
                    noisy[y, x] = clean[y, x] + U(rng, 0.1);
                }
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double left = noisy[y, Math.Max(x - 1, 0)], right = noisy[y, Math.Min(x + 1, width - 1)];
                    image[y, x] = 0.5 * noisy[y, x] + 0.25 * (left + right);
                }
            var observed = new double[height, noisyWidth];
            for (int y = 0; y < height; y++) for (int x = 0; x < noisyWidth; x++) observed[y, x] = noisy[y, x];
            return new object?[] { image, observed, regularization, 1e-3 };
        }

        [Theory]
        [InlineData(0.05)]
        [InlineData(0.5)]
        public void TotalVariationDenoise(double regularization) => Check("TotalVariationDenoise", Denoise(regularization));

        [Fact] public void TotalVariationDenoise_bad_input() => Bad<ArgumentException>("TotalVariationDenoise", "noisy", Denoise(0.05, 5));

        private static object?[] Ssim(float l1Weight, int size = 8, int referenceWidth = 8)
        {
            var rng = new Random(2727);
            var reference = new float[size, size];
            var prediction = new float[size, size];
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    reference[y, x] = 0.5f + 0.3f * MathF.Sin(0.7f * x) * MathF.Cos(0.5f * y) + (float)(0.05 * rng.NextDouble());
                    prediction[y, x] = reference[y, x] + (float)(0.08 * (2.0 * rng.NextDouble() - 1.0));
                }
            var r = new float[size, referenceWidth];
            for (int y = 0; y < size; y++) for (int x = 0; x < Math.Min(size, referenceWidth); x++) r[y, x] = reference[y, x];
            return new object?[] { prediction, r, l1Weight };
        }

        [Theory]
        [InlineData(0.15f)]
        [InlineData(0.8f)]
        public void SsimLoss(float l1Weight) => Check("SsimLoss", Ssim(l1Weight));

        [Fact]
        public void SsimLoss_bad_input()
        {
            Bad<ArgumentException>("SsimLoss", "reference", Ssim(0.15f, referenceWidth: 7));
            Bad<ArgumentException>("SsimLoss", "prediction", Ssim(0.15f, size: 2, referenceWidth: 2));
        }

        private static object?[] Iir(double[] feedforward, double[] feedback, int n = 40, int targetLength = -1)
        {
            var rng = new Random(2828);
            const int samples = 40;
            var bTrue = new[] { 0.20, 0.30, 0.10 };
            var aTrue = new[] { -0.90, 0.30 };
            var input = new double[samples];
            var target = new double[samples];
            for (int t = 0; t < samples; t++) input[t] = U(rng);
            for (int t = 0; t < samples; t++)
            {
                double acc = 0.0;
                for (int k = 0; k < bTrue.Length && k <= t; k++) acc += bTrue[k] * input[t - k];
                for (int k = 1; k <= aTrue.Length && k <= t; k++) acc -= aTrue[k - 1] * target[t - k];
                target[t] = acc;
            }
            for (int t = 0; t < samples; t++) target[t] += U(rng, 0.01);
            return new object?[] { feedforward, feedback, input.Take(n).ToArray(), target.Take(targetLength < 0 ? n : targetLength).ToArray(), 10.0 };
        }

        [Theory]
        [InlineData(new[] { -0.80, 0.25 }, 40)] // stable: no penalty
        [InlineData(new[] { -1.5, 0.4 }, 20)] // |a1| above 1 + a2 - margin: the second penalty (an unstable pole; a shorter signal)
        [InlineData(new[] { 0.3, -0.99 }, 20)] // |a2| above 1 - margin: both penalties
        [InlineData(new[] { -0.5 }, 40)] // first order: no penalty branch
        public void IirFilterFit(double[] feedback, int n) => Check("IirFilterFit", Iir(new[] { 0.25, 0.25, 0.05 }, feedback, n));

        [Fact]
        public void IirFilterFit_bad_input()
        {
            Bad<ArgumentException>("IirFilterFit", "feedforward", Iir(new double[0], new[] { -0.8, 0.25 }));
            Bad<ArgumentException>("IirFilterFit", "target", Iir(new[] { 0.25, 0.25, 0.05 }, new[] { -0.8, 0.25 }, 40, 39));
        }

        private static object?[] Bezier(bool clamped, int controlCount = 4, int parameterCount = 8)
        {
            var rng = new Random(2929);
            const int m = 8;
            var samples = new double[m, 2];
            var parameters = new double[m];
            for (int i = 0; i < m; i++)
            {
                double s = (i + 0.5) / m;
                samples[i, 0] = 3.0 * s + 0.03 * (rng.NextDouble() - 0.5);
                samples[i, 1] = Math.Sin(Math.PI * s) + 0.03 * (rng.NextDouble() - 0.5);
                parameters[i] = s;
            }
            if (clamped) (parameters[0], parameters[7]) = (-0.1, 1.2); // outside [0, 1]: clamped, no gradient
            var controlPoints = new[] { new[] { 0.0, 0.0 }, new[] { 1.0, 1.3 }, new[] { 2.0, 1.3 }, new[] { 3.0, 0.0 } };
            return new object?[] { controlPoints.Take(controlCount).ToArray(), parameters.Take(parameterCount).ToArray(), samples, 1e-2 };
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void BezierCurveFit(bool clamped) => Check("BezierCurveFit", Bezier(clamped));

        [Fact]
        public void BezierCurveFit_bad_input()
        {
            Bad<ArgumentException>("BezierCurveFit", "controlPoints", Bezier(false, controlCount: 3));
            Bad<ArgumentException>("BezierCurveFit", "parameters", Bezier(false, parameterCount: 7));
        }

        private static object?[] Kinematic(bool pastLimits, int links = 6)
        {
            var rng = new Random(3030);
            var angles = new double[6];
            for (int j = 0; j < angles.Length; j++) angles[j] = 0.1 + 0.8 * U(rng);
            if (pastLimits) (angles[1], angles[4]) = (2.9, -2.75); // beyond +-2.6: the softplus barrier
            var linkLengths = new[] { 0.30, 0.45, 0.40, 0.10, 0.08, 0.05 }.Take(links).ToArray();
            double norm = Math.Sqrt(0.5 * 0.5 + 0.2 * 0.2 + 0.84 * 0.84);
            return new object?[] { angles, linkLengths, new[] { 0.6, 0.4, 0.5 }, new[] { 0.5 / norm, 0.2 / norm, -0.84 / norm }, 0.1, 0.01 };
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void KinematicChain3D(bool pastLimits) => Check("KinematicChain3D", Kinematic(pastLimits));

        [Fact] public void KinematicChain3D_bad_input() => Bad<ArgumentException>("KinematicChain3D", null, Kinematic(false, 5));

        // ------------------------------------------------------------ span methods by hand

        /// <summary>
        /// A method of a ReadOnlySpan&lt;double&gt; x (called with an array) and a scalar s, the other arguments fixed in the
        /// closures: Forward and Backward return the method's value and leave x alone; the gradients (x's NaN-filled before
        /// the call) equal central differences of the user's method; seed -2.5 scales them.
        /// </summary>
        private static void SpanMethod(double[] x, double s, Func<double[], double, double> f, Func<double[], double, double> forward,
            Func<double[], double, double[], double, (double Value, double Ds)> backward, string what)
        {
            const double seed = -2.5;
            var before = TestData.Clone(x);
            double value = f(x, s);
            DiffGen.Tests.Check.Forward(value, forward(x, s), what + " Forward");
            var gx = TestData.Garbage(x);
            var (bv, gs) = backward(x, s, gx, 1.0);
            DiffGen.Tests.Check.Forward(value, bv, what + " Backward value");
            DiffGen.Tests.Check.Unchanged(before, x, what + " x");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => f(x, s), x), gx, what + " dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => f(x, v), s), gs, what + " ds");
            var sx = TestData.Garbage(x);
            var (_, ss) = backward(x, s, sx, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, what + " dx");
            DiffGen.Tests.Check.Scaled(gs, ss, seed, what + " ds");
        }

        /// <summary>The span method, its Forward and its Backward throw <typeparamref name="TEx"/> (exactly) with one message and parameter name.</summary>
        private static void SpanBad<TEx>(string? paramName, Func<double> user, Func<double> forward, Func<double> backward) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(() => user());
            if (expected is ArgumentException ae) Assert.Equal(paramName, ae.ParamName);
            foreach (var call in new[] { forward, backward })
            {
                var e = Assert.Throws<TEx>(() => call());
                Assert.Equal(expected.Message, e.Message);
            }
        }

        // ------------------------------------------------------------ bad input

        /// <summary>
        /// The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message; <paramref name="paramName"/> is the exception's ParamName (null: the original names none).
        /// </summary>
        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);
    }
}
