using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 22: the tenth probe batch, 30 functions by a helper who had not seen DiffGen's documentation; 22 accepted as
    /// written at first, 30 after this round's parser changes (jagged locals whose rows are computed arrays, a jagged local
    /// given to a helper, Aggregate/Select with statement lambdas over ranges and rows, Zip then Select, Select then Where,
    /// scratch sized by a List's Count, chained assignments, tuple deconstruction into an existing array,
    /// ReadOnlySpan&lt;bool&gt;, array literals as arguments, switch expressions returning arrays, local functions as
    /// selectors), here as written. The batch's records and structs (PpoConfig, TwoPartPriors, SimulationSettings,
    /// ExchangerOperatingPoint) are nested here; two helpers whose names clash are renamed: MixtureOfSoftmaxes's LogSumExp
    /// (MixtureLogSumExp; CrfLogLikelihood keeps LogSumExp) and SmoothedQuantileRegression's float Softplus
    /// (QuantileSoftplus; BprMatrixFactorization keeps its double Softplus). No parameter needed [Constant] beyond the author's
    /// own (BprMatrixFactorization's l2, CrfLogLikelihood's features, CenterContrastiveLoss's centerWeight, TobitLikelihood's
    /// data and censoring point, TotalVariationDenoise's observation and weights), and no optional array needed a nullable
    /// annotation. GraphAttentionLayer's gradient is wrong (a generator bug, see NaturalRound22Tests).
    /// </summary>
    public static partial class NaturalRound22
    {
        // ------------------------------------------------------------ 01 PpoClippedObjective
        // Domain: reinforcement learning (policy gradient, ML).
        // Computes: the PPO clipped surrogate loss over one rollout of discrete actions. Advantages come from
        //   Generalised Advantage Estimation (GAE) on the behaviour-policy value estimates and are normalised;
        //   the loss adds a value-function regression term and subtracts an entropy bonus.
        // Idioms: sealed positional record config with default values, [Differentiable(nameof(..))] list,
        //   guard clause throwing ArgumentException, backward for-loop (GAE recursion), bool[] / int[] side inputs,
        //   double[,] logits with GetLength, row-wise log-softmax with a running Math.Max, Math.Clamp / Math.Min,
        //   scratch arrays, ternaries.

        public sealed record PpoConfig(
            double Gamma = 0.99,
            double Lambda = 0.95,
            double ClipEpsilon = 0.2,
            double ValueCoef = 0.5,
            double EntropyCoef = 0.01);

        [Differentiable(nameof(logits), nameof(values))]
        public static double PpoClippedObjective(
            double[,] logits,
            double[] values,
            int[] actions,
            double[] oldLogProbs,
            double[] oldValues,
            double[] rewards,
            bool[] dones,
            double bootstrapValue,
            PpoConfig config)
        {
            int horizon = logits.GetLength(0);
            int numActions = logits.GetLength(1);
            if (values.Length != horizon || actions.Length != horizon || oldLogProbs.Length != horizon
                || oldValues.Length != horizon || rewards.Length != horizon || dones.Length != horizon)
                throw new ArgumentException("All rollout buffers must have the same length.");

            // GAE on the behaviour-policy value estimates (targets, no gradient through them).
            var advantages = new double[horizon];
            var returns = new double[horizon];
            double lastGae = 0.0;
            for (int t = horizon - 1; t >= 0; t--)
            {
                double nextValue = t == horizon - 1 ? bootstrapValue : oldValues[t + 1];
                double nonTerminal = dones[t] ? 0.0 : 1.0;
                double delta = rewards[t] + config.Gamma * nextValue * nonTerminal - oldValues[t];
                lastGae = delta + config.Gamma * config.Lambda * nonTerminal * lastGae;
                advantages[t] = lastGae;
                returns[t] = lastGae + oldValues[t];
            }

            // Advantage normalisation.
            double mean = 0.0;
            for (int t = 0; t < horizon; t++) mean += advantages[t];
            mean /= horizon;
            double variance = 0.0;
            for (int t = 0; t < horizon; t++) variance += (advantages[t] - mean) * (advantages[t] - mean);
            double std = Math.Sqrt(variance / horizon) + 1e-8;
            for (int t = 0; t < horizon; t++) advantages[t] = (advantages[t] - mean) / std;

            double policyLoss = 0.0, valueLoss = 0.0, entropy = 0.0;
            for (int t = 0; t < horizon; t++)
            {
                double maxLogit = double.NegativeInfinity;
                for (int a = 0; a < numActions; a++)
                    maxLogit = Math.Max(maxLogit, logits[t, a]);
                double sumExp = 0.0;
                for (int a = 0; a < numActions; a++)
                    sumExp += Math.Exp(logits[t, a] - maxLogit);
                double logZ = maxLogit + Math.Log(sumExp);

                double logProb = logits[t, actions[t]] - logZ;
                double ratio = Math.Exp(logProb - oldLogProbs[t]);
                double surr1 = ratio * advantages[t];
                double surr2 = Math.Clamp(ratio, 1.0 - config.ClipEpsilon, 1.0 + config.ClipEpsilon) * advantages[t];
                policyLoss -= Math.Min(surr1, surr2);

                double valueError = values[t] - returns[t];
                valueLoss += 0.5 * valueError * valueError;

                for (int a = 0; a < numActions; a++)
                {
                    double logP = logits[t, a] - logZ;
                    entropy -= Math.Exp(logP) * logP;
                }
            }

            return (policyLoss + config.ValueCoef * valueLoss - config.EntropyCoef * entropy) / horizon;
        }

        // ------------------------------------------------------------ 02 BprMatrixFactorization
        // Domain: recommender systems, implicit feedback (ML).
        // Computes: Bayesian Personalised Ranking (BPR) loss for a matrix-factorisation model with item biases:
        //   mean over (user, positive item, negative item) triples of -log sigmoid(x_ui - x_uj), plus L2 regularisation.
        // Idioms: double[,] factor matrices, int[] index arrays, [Constant] on a hyper-parameter, guard clause,
        //   private static helpers (dot product of two matrix rows, numerically stable softplus as an
        //   expression-bodied ternary), foreach over a 2-D array for the L2 term.

        [Differentiable]
        public static double BprMatrixFactorization(
            double[,] userFactors,
            double[,] itemFactors,
            double[] itemBias,
            int[] users,
            int[] positiveItems,
            int[] negativeItems,
            [Constant] double l2)
        {
            if (userFactors.GetLength(1) != itemFactors.GetLength(1))
                throw new ArgumentException("User and item factors must share the latent dimension.", nameof(itemFactors));
            if (users.Length != positiveItems.Length || users.Length != negativeItems.Length)
                throw new ArgumentException("Triple arrays must have equal length.");

            double loss = 0.0;
            for (int s = 0; s < users.Length; s++)
            {
                int u = users[s], i = positiveItems[s], j = negativeItems[s];
                double xui = itemBias[i] + RowDot(userFactors, u, itemFactors, i);
                double xuj = itemBias[j] + RowDot(userFactors, u, itemFactors, j);
                loss += Softplus(-(xui - xuj)); // -log sigmoid(x_uij)
            }

            double reg = 0.0;
            foreach (double v in userFactors) reg += v * v;
            foreach (double v in itemFactors) reg += v * v;
            foreach (double b in itemBias) reg += b * b;

            return loss / users.Length + 0.5 * l2 * reg;
        }

        private static double RowDot(double[,] a, int rowA, double[,] b, int rowB)
        {
            double sum = 0.0;
            for (int k = 0; k < a.GetLength(1); k++)
                sum += a[rowA, k] * b[rowB, k];
            return sum;
        }

        private static double Softplus(double x) =>
            x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));

        // ------------------------------------------------------------ 03 Word2VecNegSampling
        // Domain: NLP word embeddings (ML).
        // Computes: skip-gram word2vec loss with negative sampling: for each (center, context) pair,
        //   -log sigma(v_c . u_o) - sum_neg log sigma(-v_c . u_neg), averaged over pairs.
        // Idioms: jagged double[][] embedding tables, array of named tuples (int Center, int Context)[] as input,
        //   foreach with tuple deconstruction, nested foreach over int[][] negatives with a manual int counter,
        //   static local functions, LINQ Zip(...).Sum() for dot products, stable log-sigmoid ternary.

        [Differentiable(nameof(inputVectors), nameof(outputVectors))]
        public static double Word2VecNegSampling(
            double[][] inputVectors,
            double[][] outputVectors,
            (int Center, int Context)[] pairs,
            int[][] negativeSamples)
        {
            static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
            static double LogSigmoid(double x) =>
                x >= 0 ? -Math.Log(1.0 + Math.Exp(-x)) : x - Math.Log(1.0 + Math.Exp(x));

            if (pairs.Length != negativeSamples.Length)
                throw new ArgumentException("Need one row of negative samples per pair.", nameof(negativeSamples));

            double total = 0.0;
            int p = 0;
            foreach (var (center, context) in pairs)
            {
                double[] v = inputVectors[center];
                total -= LogSigmoid(Dot(v, outputVectors[context]));
                foreach (int negative in negativeSamples[p])
                    total -= LogSigmoid(-Dot(v, outputVectors[negative]));
                p++;
            }
            return total / pairs.Length;
        }

        // ------------------------------------------------------------ 04 CrfLogLikelihood
        // Domain: sequence labelling (ML).
        // Computes: negative log-likelihood of a gold tag sequence under a linear-chain CRF whose emission
        //   scores are a linear function of token features: log Z (forward algorithm in log space) minus the
        //   score of the gold path (start + emissions + transitions + end).
        // Idioms: [Constant] on the feature matrix, double[,] weights, int[] tags used as indices,
        //   scratch arrays allocated inside the time loop and swapped (alpha = next), private static
        //   LogSumExp helper with an if-based running max and foreach, guard clause.

        [Differentiable]
        public static double CrfLogLikelihood(
            [Constant] double[,] features,
            double[,] emissionWeights,
            double[,] transitions,
            double[] startScores,
            double[] endScores,
            int[] tags)
        {
            int length = features.GetLength(0);
            int numFeatures = features.GetLength(1);
            int numTags = emissionWeights.GetLength(1);
            if (tags.Length != length)
                throw new ArgumentException("One tag per token is required.", nameof(tags));

            var emissions = new double[length, numTags];
            for (int t = 0; t < length; t++)
                for (int y = 0; y < numTags; y++)
                {
                    double s = 0.0;
                    for (int f = 0; f < numFeatures; f++)
                        s += features[t, f] * emissionWeights[f, y];
                    emissions[t, y] = s;
                }

            // Score of the gold path.
            double goldScore = startScores[tags[0]] + emissions[0, tags[0]];
            for (int t = 1; t < length; t++)
                goldScore += transitions[tags[t - 1], tags[t]] + emissions[t, tags[t]];
            goldScore += endScores[tags[length - 1]];

            // Forward algorithm.
            var alpha = new double[numTags];
            for (int y = 0; y < numTags; y++)
                alpha[y] = startScores[y] + emissions[0, y];

            for (int t = 1; t < length; t++)
            {
                var next = new double[numTags];
                for (int cur = 0; cur < numTags; cur++)
                {
                    var scores = new double[numTags];
                    for (int prev = 0; prev < numTags; prev++)
                        scores[prev] = alpha[prev] + transitions[prev, cur];
                    next[cur] = LogSumExp(scores) + emissions[t, cur];
                }
                alpha = next;
            }

            var final = new double[numTags];
            for (int y = 0; y < numTags; y++)
                final[y] = alpha[y] + endScores[y];
            double logPartition = LogSumExp(final);

            return logPartition - goldScore;
        }

        private static double LogSumExp(double[] xs)
        {
            double max = xs[0];
            for (int i = 1; i < xs.Length; i++)
                if (xs[i] > max) max = xs[i];
            double sum = 0.0;
            foreach (double x in xs)
                sum += Math.Exp(x - max);
            return max + Math.Log(sum);
        }

        // ------------------------------------------------------------ 05 SoftDtwLoss
        // Domain: time-series alignment (ML, CTC-free sequence alignment).
        // Computes: soft-DTW discrepancy (Cuturi & Blondel 2017) between a predicted multivariate sequence and
        //   a target sequence of different length, using squared-Euclidean frame costs and a soft-min with
        //   temperature gamma over the three DP predecessors.
        // Idioms: [Differentiable(nameof(prediction))], guard clauses throwing ArgumentException, early return
        //   for empty input, double[,] DP table initialised with double.PositiveInfinity, nested for-loops,
        //   helper with a Math.Min-shifted log-sum-exp (soft-min of three values).

        [Differentiable(nameof(prediction))]
        public static double SoftDtwLoss(double[,] prediction, double[,] target, double gamma)
        {
            if (gamma <= 0.0)
                throw new ArgumentException("gamma must be positive.", nameof(gamma));
            if (prediction.GetLength(1) != target.GetLength(1))
                throw new ArgumentException("Feature dimensions differ.", nameof(target));

            int n = prediction.GetLength(0), m = target.GetLength(0), dims = prediction.GetLength(1);
            if (n == 0 || m == 0)
                return 0.0;

            var r = new double[n + 1, m + 1];
            for (int i = 0; i <= n; i++)
                for (int j = 0; j <= m; j++)
                    r[i, j] = double.PositiveInfinity;
            r[0, 0] = 0.0;

            for (int i = 1; i <= n; i++)
            {
                for (int j = 1; j <= m; j++)
                {
                    double cost = 0.0;
                    for (int k = 0; k < dims; k++)
                    {
                        double diff = prediction[i - 1, k] - target[j - 1, k];
                        cost += diff * diff;
                    }
                    r[i, j] = cost + SoftMin(r[i - 1, j - 1], r[i - 1, j], r[i, j - 1], gamma);
                }
            }
            return r[n, m];
        }

        private static double SoftMin(double a, double b, double c, double gamma)
        {
            double min = Math.Min(a, Math.Min(b, c));
            double sum = Math.Exp(-(a - min) / gamma)
                       + Math.Exp(-(b - min) / gamma)
                       + Math.Exp(-(c - min) / gamma);
            return min - gamma * Math.Log(sum);
        }

        // ------------------------------------------------------------ 06 GraphAttentionLayer
        // Domain: graph neural networks (ML), single precision.
        // Computes: one single-head graph attention (GAT) layer used directly as a node classifier:
        //   Wh = H W, e_ij = LeakyReLU(a_src . Wh_i + a_dst . Wh_j) over the neighbourhood (with self loop),
        //   alpha = softmax_j(e_ij), logits_i = sum_j alpha_ij Wh_j + bias; returns mean cross-entropy over nodes.
        // Idioms: float arrays throughout (float[,], float[]) with MathF.Exp/Log/Max, const float, bool[,] adjacency,
        //   List<int> of neighbours built per node (collection initializer with the self loop), scratch arrays
        //   inside the node loop, LeakyReLU ternary, int[] labels, result cast to double.

        [Differentiable(nameof(weight), nameof(attnSource), nameof(attnTarget), nameof(bias))]
        public static double GraphAttentionLayer(
            float[,] nodeFeatures,
            bool[,] adjacency,
            float[,] weight,
            float[] attnSource,
            float[] attnTarget,
            float[] bias,
            int[] labels)
        {
            const float NegativeSlope = 0.2f;
            int n = nodeFeatures.GetLength(0);
            int inDim = nodeFeatures.GetLength(1);
            int outDim = weight.GetLength(1);
            if (weight.GetLength(0) != inDim)
                throw new ArgumentException("Weight rows must match the feature dimension.", nameof(weight));

            var projected = new float[n, outDim];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < outDim; k++)
                {
                    float s = 0f;
                    for (int f = 0; f < inDim; f++)
                        s += nodeFeatures[i, f] * weight[f, k];
                    projected[i, k] = s;
                }

            var srcScore = new float[n];
            var dstScore = new float[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < outDim; k++)
                {
                    srcScore[i] += projected[i, k] * attnSource[k];
                    dstScore[i] += projected[i, k] * attnTarget[k];
                }

            float loss = 0f;
            for (int i = 0; i < n; i++)
            {
                var neighbours = new List<int> { i };
                for (int j = 0; j < n; j++)
                    if (j != i && adjacency[i, j])
                        neighbours.Add(j);

                var scores = new float[neighbours.Count];
                float maxScore = float.NegativeInfinity;
                for (int a = 0; a < neighbours.Count; a++)
                {
                    float raw = srcScore[i] + dstScore[neighbours[a]];
                    scores[a] = raw > 0f ? raw : NegativeSlope * raw;
                    maxScore = MathF.Max(maxScore, scores[a]);
                }

                float denom = 0f;
                for (int a = 0; a < scores.Length; a++)
                {
                    scores[a] = MathF.Exp(scores[a] - maxScore);
                    denom += scores[a];
                }

                var logits = new float[outDim];
                for (int a = 0; a < neighbours.Count; a++)
                {
                    float attention = scores[a] / denom;
                    int j = neighbours[a];
                    for (int k = 0; k < outDim; k++)
                        logits[k] += attention * projected[j, k];
                }
                for (int k = 0; k < outDim; k++)
                    logits[k] += bias[k];

                float maxLogit = logits[0];
                for (int k = 1; k < outDim; k++)
                    maxLogit = MathF.Max(maxLogit, logits[k]);
                float sumExp = 0f;
                for (int k = 0; k < outDim; k++)
                    sumExp += MathF.Exp(logits[k] - maxLogit);
                loss += maxLogit + MathF.Log(sumExp) - logits[labels[i]];
            }

            return loss / n;
        }

        // ------------------------------------------------------------ 07 PlanarFlowFreeEnergy
        // Domain: variational inference with normalising flows (ML).
        // Computes: Monte-Carlo estimate of the variational free energy KL(q_K || p) (up to log Z) for a
        //   diagonal-Gaussian base distribution pushed through K planar flows (Rezende & Mohamed 2015),
        //   using the reparameterisation trick with fixed noise; the target is the 2-D "ring" energy.
        //   log q_K(z_K) = log q_0(z_0) - sum_k log|1 + u_hat_k . psi_k(z)|, with u_hat enforcing invertibility.
        // Idioms: helper returning a named tuple (double[] Z, double LogDet), deconstruction into an existing
        //   variable plus a new declaration `(z, double logDet) = ...`, Math.Tanh / Math.Abs / Math.Pow,
        //   per-sample scratch arrays, double[,] flow parameter tables indexed by flow, separate energy helper.

        [Differentiable(nameof(baseMean), nameof(baseLogStd), nameof(u), nameof(w), nameof(b))]
        public static double PlanarFlowFreeEnergy(
            double[] baseMean,
            double[] baseLogStd,
            double[,] u,
            double[,] w,
            double[] b,
            double[,] noise)
        {
            int numFlows = u.GetLength(0);
            int dim = baseMean.Length;
            int numSamples = noise.GetLength(0);
            if (dim != 2)
                throw new ArgumentException("The ring target energy is two-dimensional.", nameof(baseMean));

            double total = 0.0;
            for (int s = 0; s < numSamples; s++)
            {
                var z = new double[dim];
                double logQ = 0.0;
                for (int d = 0; d < dim; d++)
                {
                    z[d] = baseMean[d] + Math.Exp(baseLogStd[d]) * noise[s, d];
                    logQ += -0.5 * noise[s, d] * noise[s, d] - baseLogStd[d] - 0.5 * Math.Log(2.0 * Math.PI);
                }

                for (int k = 0; k < numFlows; k++)
                {
                    (z, double logDet) = PlanarStep(z, u, w, b[k], k);
                    logQ -= logDet;
                }

                total += logQ + RingEnergy(z);
            }
            return total / numSamples;
        }

        private static (double[] Z, double LogDet) PlanarStep(double[] z, double[,] u, double[,] w, double b, int k)
        {
            int dim = z.Length;
            double wu = 0.0, wNormSq = 0.0, wz = 0.0;
            for (int d = 0; d < dim; d++)
            {
                wu += w[k, d] * u[k, d];
                wNormSq += w[k, d] * w[k, d];
                wz += w[k, d] * z[d];
            }

            // u_hat = u + (m(w.u) - w.u) w / |w|^2 with m(x) = -1 + softplus(x) guarantees invertibility.
            double m = -1.0 + Math.Log(1.0 + Math.Exp(wu));
            double scale = (m - wu) / wNormSq;

            double h = Math.Tanh(wz + b);
            double hPrime = 1.0 - h * h;
            var next = new double[dim];
            double uPsi = 0.0;
            for (int d = 0; d < dim; d++)
            {
                double uHat = u[k, d] + scale * w[k, d];
                next[d] = z[d] + uHat * h;
                uPsi += uHat * hPrime * w[k, d];
            }
            return (next, Math.Log(Math.Abs(1.0 + uPsi) + 1e-8));
        }

        private static double RingEnergy(double[] z)
        {
            double radius = Math.Sqrt(z[0] * z[0] + z[1] * z[1]);
            double radial = 0.5 * Math.Pow((radius - 2.0) / 0.4, 2);
            double left = Math.Exp(-0.5 * Math.Pow((z[0] - 2.0) / 0.6, 2));
            double right = Math.Exp(-0.5 * Math.Pow((z[0] + 2.0) / 0.6, 2));
            return radial - Math.Log(left + right);
        }

        // ------------------------------------------------------------ 08 GpMarginalLikelihood
        // Domain: Gaussian-process regression / hyper-parameter learning (ML).
        // Computes: negative log marginal likelihood of a zero-mean GP with a squared-exponential (RBF) kernel
        //   and Gaussian noise: 0.5 y^T K^-1 y + sum log L_ii + n/2 log 2 pi, via a small in-house Cholesky
        //   factorisation and forward substitution. Hyper-parameters are on the log scale.
        // Idioms: [Differentiable(nameof(..))] listing scalar hyper-parameters, guard clause (ArgumentException),
        //   symmetric kernel fill with j <= i, private helpers returning double[,] and double[],
        //   InvalidOperationException for a non-positive-definite matrix, LINQ Sum on the solve result.

        private const double Jitter = 1e-8;

        [Differentiable(nameof(logLengthscale), nameof(logSignalStd), nameof(logNoiseStd))]
        public static double GpMarginalLikelihood(
            double[,] inputs,
            double[] targets,
            double logLengthscale,
            double logSignalStd,
            double logNoiseStd)
        {
            int n = inputs.GetLength(0), d = inputs.GetLength(1);
            if (targets.Length != n)
                throw new ArgumentException("targets must have one entry per input row.", nameof(targets));

            double lengthscale = Math.Exp(logLengthscale);
            double signalVar = Math.Exp(2.0 * logSignalStd);
            double noiseVar = Math.Exp(2.0 * logNoiseStd);

            var k = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double sq = 0.0;
                    for (int c = 0; c < d; c++)
                    {
                        double diff = inputs[i, c] - inputs[j, c];
                        sq += diff * diff;
                    }
                    double kij = signalVar * Math.Exp(-0.5 * sq / (lengthscale * lengthscale));
                    if (i == j) kij += noiseVar + Jitter;
                    k[i, j] = kij;
                    k[j, i] = kij;
                }
            }

            double[,] chol = Cholesky(k);
            double[] alpha = ForwardSubstitution(chol, targets); // L alpha = y  =>  y^T K^-1 y = |alpha|^2
            double quadratic = alpha.Sum(a => a * a);

            double logDet = 0.0;
            for (int i = 0; i < n; i++)
                logDet += 2.0 * Math.Log(chol[i, i]);

            return 0.5 * quadratic + 0.5 * logDet + 0.5 * n * Math.Log(2.0 * Math.PI);
        }

        private static double[,] Cholesky(double[,] a)
        {
            int n = a.GetLength(0);
            var l = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double sum = a[i, j];
                    for (int k = 0; k < j; k++)
                        sum -= l[i, k] * l[j, k];

                    if (i == j)
                    {
                        if (sum <= 0.0)
                            throw new InvalidOperationException("Kernel matrix is not positive definite.");
                        l[i, i] = Math.Sqrt(sum);
                    }
                    else
                    {
                        l[i, j] = sum / l[j, j];
                    }
                }
            }
            return l;
        }

        private static double[] ForwardSubstitution(double[,] lower, double[] rhs)
        {
            int n = rhs.Length;
            var x = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = rhs[i];
                for (int k = 0; k < i; k++)
                    s -= lower[i, k] * x[k];
                x[i] = s / lower[i, i];
            }
            return x;
        }

        // ------------------------------------------------------------ 09 LabelSmoothingTemperature
        // Domain: classification calibration (ML).
        // Computes: label-smoothed cross-entropy of temperature-scaled logits, averaged over a batch:
        //   q = (1 - eps) one_hot(y) + eps / C,  loss = -sum_c q_c log softmax(z / T)_c.
        // Idioms: LINQ-heavy: Select with index, Select(...).ToArray(), Max, Sum with lambdas,
        //   Enumerable.Range(...).Sum, Average; lambdas capturing parameters; default parameter value;
        //   guard clauses using relational/`or` patterns; jagged double[][] logits.

        [Differentiable(nameof(logits), nameof(temperature))]
        public static double LabelSmoothingTemperature(double[][] logits, int[] labels, double temperature, double smoothing = 0.1)
        {
            if (temperature <= 0.0)
                throw new ArgumentException("Temperature must be positive.", nameof(temperature));
            if (smoothing is < 0.0 or >= 1.0)
                throw new ArgumentException("Smoothing must be in [0, 1).", nameof(smoothing));
            if (logits.Length != labels.Length)
                throw new ArgumentException("One label per row of logits.", nameof(labels));

            int numClasses = logits[0].Length;
            double offTarget = smoothing / numClasses;

            return logits.Select((row, i) =>
            {
                double[] scaled = row.Select(z => z / temperature).ToArray();
                double max = scaled.Max();
                double logZ = max + Math.Log(scaled.Sum(z => Math.Exp(z - max)));
                return -Enumerable.Range(0, numClasses)
                    .Sum(c => (c == labels[i] ? 1.0 - smoothing + offTarget : offTarget) * (scaled[c] - logZ));
            }).Average();
        }

        // ------------------------------------------------------------ 10 TripletHardMining
        // Domain: metric learning (ML).
        // Computes: batch-hard triplet loss (Hermans et al. 2017) on L2-normalised embeddings produced by a
        //   linear projection of the input features: for each anchor, hardest positive (max distance, same label)
        //   and hardest negative (min distance, other label); loss = mean max(0, d_ap - d_an + margin).
        // Idioms: jagged double[][] built row by row, helper returning a double[,] distance matrix,
        //   `continue` for skipped pairs / anchors, running Math.Max / Math.Min with +/- infinity seeds,
        //   double.IsNegativeInfinity checks, int counter of valid anchors, hinge via Math.Max(0, ...),
        //   ternary on the final division.

        [Differentiable(nameof(projection))]
        public static double TripletHardMining(double[,] features, double[,] projection, int[] labels, double margin)
        {
            int n = features.GetLength(0), inDim = features.GetLength(1), outDim = projection.GetLength(1);

            var embeddings = new double[n][];
            for (int i = 0; i < n; i++)
            {
                var e = new double[outDim];
                double normSq = 0.0;
                for (int k = 0; k < outDim; k++)
                {
                    for (int f = 0; f < inDim; f++)
                        e[k] += features[i, f] * projection[f, k];
                    normSq += e[k] * e[k];
                }
                double norm = Math.Sqrt(normSq + 1e-12);
                for (int k = 0; k < outDim; k++)
                    e[k] /= norm;
                embeddings[i] = e;
            }

            double[,] dist = PairwiseDistances(embeddings);

            double loss = 0.0;
            int validAnchors = 0;
            for (int a = 0; a < n; a++)
            {
                double hardestPositive = double.NegativeInfinity;
                double hardestNegative = double.PositiveInfinity;
                for (int j = 0; j < n; j++)
                {
                    if (j == a) continue;
                    if (labels[j] == labels[a])
                        hardestPositive = Math.Max(hardestPositive, dist[a, j]);
                    else
                        hardestNegative = Math.Min(hardestNegative, dist[a, j]);
                }
                if (double.IsNegativeInfinity(hardestPositive) || double.IsPositiveInfinity(hardestNegative))
                    continue;

                loss += Math.Max(0.0, hardestPositive - hardestNegative + margin);
                validAnchors++;
            }
            return validAnchors == 0 ? 0.0 : loss / validAnchors;
        }

        private static double[,] PairwiseDistances(double[][] x)
        {
            int n = x.Length;
            var d = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double sq = 0.0;
                    for (int k = 0; k < x[i].Length; k++)
                    {
                        double diff = x[i][k] - x[j][k];
                        sq += diff * diff;
                    }
                    d[i, j] = d[j, i] = Math.Sqrt(sq + 1e-12);
                }
            return d;
        }

        // ------------------------------------------------------------ 11 CenterContrastiveLoss
        // Domain: face / speaker recognition style representation learning (ML).
        // Computes: softmax cross-entropy of a linear classifier plus the contrastive-center loss
        //   (Qi & Su 2017): 0.5 * |x_i - c_{y_i}|^2 / (sum_{j != y_i} |x_i - c_j|^2 + delta), averaged over the batch.
        // Idioms: jagged double[][] features and centers, [Constant] on the weighting hyper-parameter with a
        //   default value, const double, LINQ Enumerable.Range(..).Select(..).ToArray() for logits,
        //   Select with index inside Sum, Zip-based expression-bodied helper, `continue` in the inter-class loop.

        private const double Delta = 1.0;

        [Differentiable]
        public static double CenterContrastiveLoss(
            double[][] features,
            double[][] centers,
            double[,] classifier,
            int[] labels,
            [Constant] double centerWeight = 0.1)
        {
            int numClasses = centers.Length;
            if (classifier.GetLength(1) != numClasses)
                throw new ArgumentException("Classifier output size must equal the number of centers.", nameof(classifier));

            double crossEntropy = 0.0, centerTerm = 0.0;
            for (int i = 0; i < features.Length; i++)
            {
                double[] x = features[i];
                int y = labels[i];

                double[] logits = Enumerable.Range(0, numClasses)
                    .Select(c => x.Select((v, k) => v * classifier[k, c]).Sum())
                    .ToArray();
                double max = logits.Max();
                crossEntropy += max + Math.Log(logits.Sum(l => Math.Exp(l - max))) - logits[y];

                double intra = SquaredDistance(x, centers[y]);
                double inter = 0.0;
                for (int c = 0; c < numClasses; c++)
                {
                    if (c == y) continue;
                    inter += SquaredDistance(x, centers[c]);
                }
                centerTerm += 0.5 * intra / (inter + Delta);
            }

            return (crossEntropy + centerWeight * centerTerm) / features.Length;
        }

        private static double SquaredDistance(double[] a, double[] b) =>
            a.Zip(b, (p, q) => (p - q) * (p - q)).Sum();

        // ------------------------------------------------------------ 12 MixtureOfSoftmaxes
        // Domain: language modelling output layer (ML).
        // Computes: negative log-likelihood of next-token targets under a mixture of softmaxes
        //   (Yang et al. 2018): pi = softmax(h W_prior), h_k = tanh(P_k h), p(y|h) = sum_k pi_k softmax(E h_k)_y,
        //   evaluated in log space with log-sum-exp over components.
        // Idioms: double[,,] tensor of per-component projections (K x D x D), double[,] matrices,
        //   int[] targets, scratch arrays declared inside nested loops, helpers returning arrays (LogSoftmax)
        //   and scalars (LogSumExp) with foreach, Math.Tanh.

        [Differentiable(nameof(priorWeights), nameof(componentProjections), nameof(outputEmbeddings))]
        public static double MixtureOfSoftmaxes(
            double[,] contexts,
            double[,] priorWeights,
            double[,,] componentProjections,
            double[,] outputEmbeddings,
            int[] targets)
        {
            int n = contexts.GetLength(0), dim = contexts.GetLength(1);
            int numComponents = priorWeights.GetLength(1);
            int vocab = outputEmbeddings.GetLength(0);
            if (componentProjections.GetLength(0) != numComponents)
                throw new ArgumentException("One projection per mixture component is required.", nameof(componentProjections));

            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                var priorLogits = new double[numComponents];
                for (int c = 0; c < numComponents; c++)
                    for (int j = 0; j < dim; j++)
                        priorLogits[c] += contexts[i, j] * priorWeights[j, c];
                double[] logPi = LogSoftmax(priorLogits);

                var componentLogLik = new double[numComponents];
                for (int c = 0; c < numComponents; c++)
                {
                    var hidden = new double[dim];
                    for (int a = 0; a < dim; a++)
                    {
                        double s = 0.0;
                        for (int b = 0; b < dim; b++)
                            s += componentProjections[c, a, b] * contexts[i, b];
                        hidden[a] = Math.Tanh(s);
                    }

                    var vocabLogits = new double[vocab];
                    for (int v = 0; v < vocab; v++)
                        for (int a = 0; a < dim; a++)
                            vocabLogits[v] += outputEmbeddings[v, a] * hidden[a];

                    componentLogLik[c] = logPi[c] + LogSoftmax(vocabLogits)[targets[i]];
                }
                nll -= MixtureLogSumExp(componentLogLik);
            }
            return nll / n;
        }

        private static double[] LogSoftmax(double[] x)
        {
            double lse = MixtureLogSumExp(x);
            var result = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                result[i] = x[i] - lse;
            return result;
        }

        // LogSumExp in the batch: renamed, CrfLogLikelihood has a LogSumExp of its own
        private static double MixtureLogSumExp(double[] x)
        {
            double max = double.NegativeInfinity;
            foreach (double v in x) max = Math.Max(max, v);
            double sum = 0.0;
            foreach (double v in x) sum += Math.Exp(v - max);
            return max + Math.Log(sum);
        }

        // ------------------------------------------------------------ 13 ProbitRegression
        // Domain: statistics / econometrics (binary choice model).
        // Computes: penalised negative log-likelihood of a probit regression, -sum [y log Phi(x b) + (1-y) log(1 - Phi(x b))]
        //   + 0.5 * lambda |b|^2, with Phi from an in-house erf (Abramowitz & Stegun 7.1.26).
        // Idioms: static readonly coefficient table + private const, Horner evaluation in a backward for-loop,
        //   Math.Sign / Math.Abs symmetry trick, Math.Clamp on probabilities, bool[] outcomes in a ternary,
        //   expression-bodied helper, LINQ Sum for the ridge penalty, [Differentiable(nameof(beta))].

        // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
        private static readonly double[] ErfCoefficients = { 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429 };
        private const double ErfP = 0.3275911;

        [Differentiable(nameof(beta))]
        public static double ProbitRegression(double[,] design, bool[] outcomes, double[] beta, double ridge)
        {
            int n = design.GetLength(0), p = design.GetLength(1);
            if (beta.Length != p)
                throw new ArgumentException($"Expected {p} coefficients, got {beta.Length}.", nameof(beta));

            double logLik = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = 0.0;
                for (int j = 0; j < p; j++)
                    eta += design[i, j] * beta[j];

                double prob = Math.Clamp(NormalCdf(eta), 1e-12, 1.0 - 1e-12);
                logLik += outcomes[i] ? Math.Log(prob) : Math.Log(1.0 - prob);
            }

            return -logLik + 0.5 * ridge * beta.Sum(b => b * b);
        }

        private static double NormalCdf(double x) => 0.5 * (1.0 + Erf(x / Math.Sqrt(2.0)));

        private static double Erf(double x)
        {
            double sign = Math.Sign(x);
            x = Math.Abs(x);
            double t = 1.0 / (1.0 + ErfP * x);
            double poly = 0.0;
            for (int i = ErfCoefficients.Length - 1; i >= 0; i--)
                poly = poly * t + ErfCoefficients[i];
            poly *= t;
            return sign * (1.0 - poly * Math.Exp(-x * x));
        }

        // ------------------------------------------------------------ 14 TobitLikelihood
        // Domain: econometrics (censored regression).
        // Computes: negative log-likelihood of a Tobit (type I) model left-censored at a threshold:
        //   censored rows contribute log Phi((c - x b) / sigma), uncensored rows log phi((y - x b)/sigma) - log sigma.
        // Idioms: [Constant] on data parameters (design, observed response, censoring point with a default value),
        //   log-scale parameter, `continue` after handling the censored branch, private helpers with a long
        //   nested Horner expression (Numerical Recipes erfc Chebyshev fit) and a ternary on the sign.

        [Differentiable]
        public static double TobitLikelihood(
            [Constant] double[,] covariates,
            [Constant] double[] observed,
            double[] beta,
            double logSigma,
            [Constant] double censorPoint = 0.0)
        {
            int n = covariates.GetLength(0), p = covariates.GetLength(1);
            if (observed.Length != n || beta.Length != p)
                throw new ArgumentException("Dimension mismatch between covariates, response and coefficients.");

            double sigma = Math.Exp(logSigma);
            double logLik = 0.0;
            for (int i = 0; i < n; i++)
            {
                double mu = 0.0;
                for (int j = 0; j < p; j++)
                    mu += covariates[i, j] * beta[j];

                if (observed[i] <= censorPoint)
                {
                    logLik += LogNormalCdf((censorPoint - mu) / sigma);
                    continue;
                }

                double z = (observed[i] - mu) / sigma;
                logLik += -0.5 * z * z - 0.5 * Math.Log(2.0 * Math.PI) - logSigma;
            }
            return -logLik;
        }

        private static double LogNormalCdf(double z) => Math.Log(0.5 * Erfc(-z / Math.Sqrt(2.0)));

        // Complementary error function, Numerical Recipes "erfcc" (fractional error < 1.2e-7).
        private static double Erfc(double x)
        {
            double z = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.5 * z);
            double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0.0 ? r : 2.0 - r;
        }

        // ------------------------------------------------------------ 15 WeibullAftSurvival
        // Domain: survival analysis (statistics).
        // Computes: negative log-likelihood of a Weibull accelerated-failure-time model with right censoring:
        //   log T = x b + sigma W, W ~ standard minimum extreme value; z = (log t - x b) / sigma;
        //   events contribute z - e^z - log sigma - log t, censored rows contribute -e^z (log survival).
        // Idioms: ReadOnlySpan<double> / ReadOnlySpan<bool> parameters, coefficients with an intercept at [0]
        //   and slopes at [j + 1], double[,] covariates, guard clause, ternary choosing the likelihood term.

        [Differentiable(nameof(coefficients), nameof(logScale))]
        public static double WeibullAftSurvival(
            ReadOnlySpan<double> coefficients,
            double logScale,
            double[,] covariates,
            ReadOnlySpan<double> times,
            ReadOnlySpan<bool> eventObserved)
        {
            int n = covariates.GetLength(0), p = covariates.GetLength(1);
            if (times.Length != n || eventObserved.Length != n)
                throw new ArgumentException("times and event indicators must match the covariate rows.");
            if (coefficients.Length != p + 1)
                throw new ArgumentException("Expected an intercept plus one coefficient per covariate.", nameof(coefficients));

            double sigma = Math.Exp(logScale);
            double logLik = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = coefficients[0];
                for (int j = 0; j < p; j++)
                    eta += coefficients[j + 1] * covariates[i, j];

                double logT = Math.Log(times[i]);
                double z = (logT - eta) / sigma;
                double ez = Math.Exp(z);
                logLik += eventObserved[i] ? z - ez - logScale - logT : -ez;
            }
            return -logLik;
        }

        // ------------------------------------------------------------ 16 NegativeBinomialRegression
        // Domain: count-data regression (statistics / epidemiology).
        // Computes: mean negative log-likelihood of an NB2 negative-binomial GLM with log link and exposure offset:
        //   mu = exposure * exp(x b), r = 1/alpha,
        //   log p(y) = lgamma(y + r) - lgamma(r) - lgamma(y + 1) + r log(r / (r + mu)) + y log(mu / (r + mu)).
        // Idioms: int[] counts mixed into double arithmetic, log-scale dispersion, in-house LogGamma using a
        //   while loop (upward recurrence shift until x >= 7) plus a Stirling series in nested Horner form,
        //   ArgumentOutOfRangeException guard in the helper, [Differentiable(nameof(..))] list.

        [Differentiable(nameof(beta), nameof(logAlpha))]
        public static double NegativeBinomialRegression(
            double[,] design,
            int[] counts,
            double[] exposure,
            double[] beta,
            double logAlpha)
        {
            int n = design.GetLength(0), p = design.GetLength(1);
            if (counts.Length != n || exposure.Length != n)
                throw new ArgumentException("counts and exposure must have one entry per row.");

            double r = Math.Exp(-logAlpha); // r = 1 / alpha
            double logLik = 0.0;
            for (int i = 0; i < n; i++)
            {
                double eta = Math.Log(exposure[i]);
                for (int j = 0; j < p; j++)
                    eta += design[i, j] * beta[j];
                double mu = Math.Exp(eta);

                int y = counts[i];
                logLik += LogGamma(y + r) - LogGamma(r) - LogGamma(y + 1.0)
                        + r * Math.Log(r / (r + mu))
                        + y * Math.Log(mu / (r + mu));
            }
            return -logLik / n;
        }

        private static double LogGamma(double x)
        {
            if (x <= 0.0)
                throw new ArgumentOutOfRangeException(nameof(x), "LogGamma is only implemented for x > 0.");

            // Shift x upwards with lgamma(x) = lgamma(x + 1) - log(x) until the asymptotic series is accurate.
            double shift = 0.0;
            while (x < 7.0)
            {
                shift -= Math.Log(x);
                x += 1.0;
            }

            double inv = 1.0 / x;
            double inv2 = inv * inv;
            double series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
            return shift + (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2.0 * Math.PI) + series;
        }

        // ------------------------------------------------------------ 17 HurdleTwoPartModel
        // Domain: health / consumer econometrics (Heckman-style two-part model for semicontinuous outcomes).
        // Computes: penalised negative log-likelihood of a two-part (hurdle) model for spending:
        //   part 1: logistic model for P(spending > 0) with coefficients gamma;
        //   part 2: log-normal model for positive spending, log y ~ N(x beta, sigma^2).
        // Idioms: readonly record struct for prior settings, helpers returning named tuples
        //   (double Participation, double Amount) and (double LogP, double LogOneMinusP) consumed with `var (a, b) =`
        //   deconstruction, stable log-sigmoid ternary, if/else on the data, LINQ Sum for L2 penalties.

        public readonly record struct TwoPartPriors(double ParticipationL2, double AmountL2);

        [Differentiable(nameof(gamma), nameof(beta), nameof(logSigma))]
        public static double HurdleTwoPartModel(
            double[,] covariates,
            double[] spending,
            double[] gamma,
            double[] beta,
            double logSigma,
            TwoPartPriors priors)
        {
            int n = covariates.GetLength(0);
            if (spending.Length != n)
                throw new ArgumentException("One spending value per row is required.", nameof(spending));

            double sigma = Math.Exp(logSigma);
            double logLik = 0.0;
            for (int i = 0; i < n; i++)
            {
                var (participationIndex, amountIndex) = LinearPredictors(covariates, i, gamma, beta);
                var (logP, logOneMinusP) = LogisticLogProbabilities(participationIndex);

                if (spending[i] > 0.0)
                {
                    double logY = Math.Log(spending[i]);
                    double z = (logY - amountIndex) / sigma;
                    logLik += logP - 0.5 * z * z - logSigma - 0.5 * Math.Log(2.0 * Math.PI) - logY;
                }
                else
                {
                    logLik += logOneMinusP;
                }
            }

            double penalty = priors.ParticipationL2 * gamma.Sum(g => g * g) + priors.AmountL2 * beta.Sum(b => b * b);
            return -logLik + 0.5 * penalty;
        }

        private static (double Participation, double Amount) LinearPredictors(double[,] x, int row, double[] gamma, double[] beta)
        {
            double participation = 0.0, amount = 0.0;
            for (int j = 0; j < x.GetLength(1); j++)
            {
                participation += x[row, j] * gamma[j];
                amount += x[row, j] * beta[j];
            }
            return (participation, amount);
        }

        private static (double LogP, double LogOneMinusP) LogisticLogProbabilities(double eta)
        {
            // softplus(-eta) computed without overflow; log sigma(eta) = -softplus(-eta), log(1 - sigma(eta)) = -eta - softplus(-eta)
            double softplusNeg = eta >= 0.0 ? Math.Log(1.0 + Math.Exp(-eta)) : -eta + Math.Log(1.0 + Math.Exp(eta));
            return (-softplusNeg, -eta - softplusNeg);
        }

        // ------------------------------------------------------------ 18 SmoothedQuantileRegression
        // Domain: quantile regression (statistics / econometrics), single precision.
        // Computes: multi-quantile linear regression with a softplus-smoothed pinball (check) loss
        //   rho_tau,h(u) = tau u + h softplus(-u / h), plus a quadratic penalty on crossing quantile predictions.
        // Idioms: float[] / float[,] with MathF, default float parameters, local functions capturing parameters
        //   (Predict, SmoothPinball), Enumerable.Range(..).Aggregate(0f, (acc, i) => { ... }) with a statement
        //   lambda, MathF.Max hinge, float.NegativeInfinity seed, private static float helper with an overflow guard.

        [Differentiable(nameof(coefficients))]
        public static double SmoothedQuantileRegression(
            float[,] design,
            float[] response,
            float[,] coefficients,
            float[] quantiles,
            float bandwidth = 0.05f,
            float crossingPenalty = 10f)
        {
            int n = design.GetLength(0), p = design.GetLength(1), q = quantiles.Length;
            if (coefficients.GetLength(0) != q || coefficients.GetLength(1) != p)
                throw new ArgumentException("coefficients must be (#quantiles x #features).", nameof(coefficients));

            float Predict(int i, int k)
            {
                float s = 0f;
                for (int j = 0; j < p; j++)
                    s += design[i, j] * coefficients[k, j];
                return s;
            }

            float SmoothPinball(float u, float tau) => tau * u + bandwidth * QuantileSoftplus(-u / bandwidth);

            float total = Enumerable.Range(0, n).Aggregate(0f, (acc, i) =>
            {
                float rowLoss = 0f;
                float previous = float.NegativeInfinity;
                for (int k = 0; k < q; k++)
                {
                    float pred = Predict(i, k);
                    rowLoss += SmoothPinball(response[i] - pred, quantiles[k]);
                    if (k > 0)
                    {
                        float crossing = MathF.Max(0f, previous - pred);
                        rowLoss += crossingPenalty * crossing * crossing;
                    }
                    previous = pred;
                }
                return acc + rowLoss;
            });

            return total / n;
        }

        // Softplus in the batch: renamed, BprMatrixFactorization has a (double) Softplus of its own
        private static float QuantileSoftplus(float x) => x > 20f ? x : MathF.Log(1f + MathF.Exp(x));

        // ------------------------------------------------------------ 19 LennardJonesCluster
        // Domain: molecular simulation (physics / chemistry).
        // Computes: potential energy of a Lennard-Jones cluster with a truncated-and-shifted pair potential
        //   (cutoff rc), plus a weak harmonic confinement of the atoms to their centre of mass.
        // Idioms: double[,] N x 3 coordinates, [Differentiable(nameof(positions))], guard clause, triangular
        //   double loop (j = i + 1), `continue` beyond the cutoff, Math.Pow for the shift constant,
        //   manual r^-6 via repeated multiplication, separate pass accumulating the centre of mass into a small
        //   double[3] scratch array.

        [Differentiable(nameof(positions))]
        public static double LennardJonesCluster(
            double[,] positions,
            double epsilon,
            double sigma,
            double cutoff,
            double confinement)
        {
            int n = positions.GetLength(0);
            if (positions.GetLength(1) != 3)
                throw new ArgumentException("positions must be an N x 3 array.", nameof(positions));

            double rc2 = cutoff * cutoff;
            double sr6Cut = Math.Pow(sigma * sigma / rc2, 3);
            double shift = 4.0 * epsilon * (sr6Cut * sr6Cut - sr6Cut);

            double energy = 0.0;
            for (int i = 0; i < n - 1; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dx = positions[i, 0] - positions[j, 0];
                    double dy = positions[i, 1] - positions[j, 1];
                    double dz = positions[i, 2] - positions[j, 2];
                    double r2 = dx * dx + dy * dy + dz * dz;
                    if (r2 >= rc2)
                        continue;

                    double sr2 = sigma * sigma / r2;
                    double sr6 = sr2 * sr2 * sr2;
                    energy += 4.0 * epsilon * (sr6 * sr6 - sr6) - shift;
                }
            }

            var com = new double[3];
            for (int i = 0; i < n; i++)
                for (int d = 0; d < 3; d++)
                    com[d] += positions[i, d] / n;
            for (int i = 0; i < n; i++)
                for (int d = 0; d < 3; d++)
                {
                    double offset = positions[i, d] - com[d];
                    energy += 0.5 * confinement * offset * offset;
                }

            return energy;
        }

        // ------------------------------------------------------------ 20 MorsePotentialFit
        // Domain: computational chemistry (force-field parameter fitting).
        // Computes: Boltzmann-weighted mean squared error between a Morse potential
        //   V(r) = De [(1 - exp(-a (r - re)))^2 - 1] and reference (e.g. ab-initio) bond energies.
        // Idioms: local function capturing the parameters (Morse), LINQ Select / Min / Sum / Zip / Select-with-index
        //   chained into a single expression, lambdas, ToArray, default parameter value, nameof list.

        [Differentiable(nameof(wellDepth), nameof(width), nameof(equilibriumDistance))]
        public static double MorsePotentialFit(
            double wellDepth,
            double width,
            double equilibriumDistance,
            double[] distances,
            double[] referenceEnergies,
            double weightTemperature = 0.5)
        {
            if (distances.Length != referenceEnergies.Length)
                throw new ArgumentException("distances and energies must have the same length.");

            double Morse(double r)
            {
                double x = 1.0 - Math.Exp(-width * (r - equilibriumDistance));
                return wellDepth * (x * x - 1.0);
            }

            // Emphasise low-energy geometries, as is usual when fitting near-equilibrium behaviour.
            double eMin = referenceEnergies.Min();
            double[] weights = referenceEnergies.Select(e => Math.Exp(-(e - eMin) / weightTemperature)).ToArray();
            double weightSum = weights.Sum();

            return distances.Zip(referenceEnergies, (r, e) => Morse(r) - e)
                            .Select((residual, i) => weights[i] * residual * residual)
                            .Sum() / weightSum;
        }

        // ------------------------------------------------------------ 21 SirEpidemicFit
        // Domain: epidemiology (compartmental ODE model fitting).
        // Computes: Poisson negative log-likelihood (dropping log y!) of observed daily case counts under an
        //   SIR model integrated with explicit Euler sub-steps; the parameters are log transmission rate,
        //   log recovery rate and log initial number infected.
        // Idioms: while loop over days with an int counter and a `break` when the susceptible pool is exhausted,
        //   inner for-loop of Euler sub-steps accumulating daily incidence, int population mixed into double
        //   arithmetic, Math.Max floor before Math.Log, default int parameter.

        [Differentiable(nameof(logBeta), nameof(logGamma), nameof(logInitialInfected))]
        public static double SirEpidemicFit(
            double logBeta,
            double logGamma,
            double logInitialInfected,
            double[] dailyCases,
            int population,
            int stepsPerDay = 10)
        {
            if (population <= 0 || stepsPerDay <= 0)
                throw new ArgumentException("population and stepsPerDay must be positive.");

            double beta = Math.Exp(logBeta);
            double gamma = Math.Exp(logGamma);
            double infected = Math.Exp(logInitialInfected);
            double susceptible = population - infected;
            double recovered = 0.0;
            double dt = 1.0 / stepsPerDay;

            double nll = 0.0;
            int day = 0;
            while (day < dailyCases.Length)
            {
                double newCases = 0.0;
                for (int step = 0; step < stepsPerDay; step++)
                {
                    double infections = beta * susceptible * infected / population * dt;
                    double recoveries = gamma * infected * dt;
                    susceptible -= infections;
                    infected += infections - recoveries;
                    recovered += recoveries;
                    newCases += infections;
                }

                double expected = Math.Max(newCases, 1e-9);
                nll += expected - dailyCases[day] * Math.Log(expected);
                day++;

                if (susceptible < 1.0)
                    break; // epidemic has burnt out; nothing left to fit
            }
            return nll;
        }

        // ------------------------------------------------------------ 22 SpringMassDamperFit
        // Domain: mechanical system identification (engineering), single precision.
        // Computes: mean squared error between a simulated forced spring-mass-damper trajectory
        //   (m x'' + c x' + k x = F(t), semi-implicit Euler) and measured displacements, as a function of
        //   log stiffness and log damping.
        // Idioms: readonly struct with a constructor and get-only properties for simulation settings,
        //   float parameters and arrays with MathF.Exp, for-loop time stepping with state carried in locals,
        //   guard clause, float accumulation with final cast to double.

        public readonly struct SimulationSettings
        {
            public SimulationSettings(float mass, float timeStep, float initialDisplacement, float initialVelocity)
            {
                Mass = mass;
                TimeStep = timeStep;
                InitialDisplacement = initialDisplacement;
                InitialVelocity = initialVelocity;
            }

            public float Mass { get; }
            public float TimeStep { get; }
            public float InitialDisplacement { get; }
            public float InitialVelocity { get; }
        }

        [Differentiable(nameof(logStiffness), nameof(logDamping))]
        public static double SpringMassDamperFit(
            float logStiffness,
            float logDamping,
            float[] forcing,
            float[] measuredDisplacement,
            SimulationSettings settings)
        {
            if (forcing.Length < measuredDisplacement.Length)
                throw new ArgumentException("Need a forcing sample for every measurement.", nameof(forcing));

            float k = MathF.Exp(logStiffness);
            float c = MathF.Exp(logDamping);
            float x = settings.InitialDisplacement;
            float v = settings.InitialVelocity;

            float sse = 0f;
            for (int t = 0; t < measuredDisplacement.Length; t++)
            {
                float acceleration = (forcing[t] - c * v - k * x) / settings.Mass;
                v += settings.TimeStep * acceleration; // semi-implicit (symplectic) Euler
                x += settings.TimeStep * v;

                float error = x - measuredDisplacement[t];
                sse += error * error;
            }
            return sse / measuredDisplacement.Length;
        }

        // ------------------------------------------------------------ 23 BeamDeflectionFem
        // Domain: structural engineering (finite elements, inverse problem).
        // Computes: misfit between measured nodal deflections of a cantilever beam and an Euler-Bernoulli
        //   FEM model (Hermite cubic elements, 2 dof per node) with per-element bending stiffness EI = exp(logEI),
        //   loaded by a uniform distributed load and a tip load; plus a smoothness prior on log EI.
        // Idioms: helper returning a 4x4 element matrix built with a double[,] initializer, global assembly
        //   with index offsets, consistent load vector, boundary conditions by copying a sub-matrix, dense Gaussian
        //   elimination helper on Clone()d arrays with a `continue` shortcut for zero multipliers and back
        //   substitution, guard clauses.

        [Differentiable(nameof(logBendingStiffness))]
        public static double BeamDeflectionFem(
            double[] logBendingStiffness,
            double beamLength,
            double distributedLoad,
            double tipLoad,
            double[] measuredDeflections,
            double measurementStd)
        {
            int elements = logBendingStiffness.Length;
            if (elements == 0)
                throw new ArgumentException("At least one element is required.", nameof(logBendingStiffness));
            if (measuredDeflections.Length != elements)
                throw new ArgumentException("Need one measured deflection per free node.", nameof(measuredDeflections));

            double le = beamLength / elements;
            int dofs = 2 * (elements + 1);
            var stiffness = new double[dofs, dofs];
            var load = new double[dofs];

            for (int e = 0; e < elements; e++)
            {
                double[,] ke = ElementStiffness(Math.Exp(logBendingStiffness[e]), le);
                int offset = 2 * e;
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++)
                        stiffness[offset + a, offset + b] += ke[a, b];

                // Consistent nodal loads for a uniform load q.
                load[offset] += distributedLoad * le / 2.0;
                load[offset + 1] += distributedLoad * le * le / 12.0;
                load[offset + 2] += distributedLoad * le / 2.0;
                load[offset + 3] -= distributedLoad * le * le / 12.0;
            }
            load[dofs - 2] += tipLoad;

            // Clamp node 0 (deflection and rotation): drop the first two dofs.
            int free = dofs - 2;
            var reducedK = new double[free, free];
            var reducedF = new double[free];
            for (int i = 0; i < free; i++)
            {
                reducedF[i] = load[i + 2];
                for (int j = 0; j < free; j++)
                    reducedK[i, j] = stiffness[i + 2, j + 2];
            }

            double[] u = SolveDense(reducedK, reducedF);

            double misfit = 0.0;
            for (int node = 1; node <= elements; node++)
            {
                double w = u[2 * (node - 1)];
                double r = (w - measuredDeflections[node - 1]) / measurementStd;
                misfit += 0.5 * r * r;
            }
            for (int e = 1; e < elements; e++)
            {
                double jump = logBendingStiffness[e] - logBendingStiffness[e - 1];
                misfit += 0.5 * jump * jump / 0.25;
            }
            return misfit;
        }

        private static double[,] ElementStiffness(double ei, double le)
        {
            double c = ei / (le * le * le);
            return new double[,]
            {
                { 12 * c,      6 * le * c,      -12 * c,  6 * le * c      },
                { 6 * le * c,  4 * le * le * c, -6 * le * c, 2 * le * le * c },
                { -12 * c,     -6 * le * c,     12 * c,   -6 * le * c     },
                { 6 * le * c,  2 * le * le * c, -6 * le * c, 4 * le * le * c },
            };
        }

        // Gaussian elimination without pivoting (the stiffness matrix is symmetric positive definite).
        private static double[] SolveDense(double[,] a, double[] b)
        {
            int n = b.Length;
            var m = (double[,])a.Clone();
            var rhs = (double[])b.Clone();

            for (int p = 0; p < n; p++)
            {
                for (int r = p + 1; r < n; r++)
                {
                    double factor = m[r, p] / m[p, p];
                    if (factor == 0.0)
                        continue; // banded matrix: most entries below the band are exactly zero
                    for (int c = p; c < n; c++)
                        m[r, c] -= factor * m[p, c];
                    rhs[r] -= factor * rhs[p];
                }
            }

            var x = new double[n];
            for (int i = n - 1; i >= 0; i--)
            {
                double s = rhs[i];
                for (int c = i + 1; c < n; c++)
                    s -= m[i, c] * x[c];
                x[i] = s / m[i, i];
            }
            return x;
        }

        // ------------------------------------------------------------ 24 HeatExchangerModel
        // Domain: thermal engineering (heat-exchanger model calibration).
        // Computes: mean squared error of predicted hot-side outlet temperatures of a counter-flow oil/water heat
        //   exchanger using the effectiveness-NTU method, with a flow-dependent conductance
        //   UA = UA_ref * (m_hot / m_ref)^n; the parameters are UA_ref and the flow exponent n.
        // Idioms: readonly record struct for operating points passed as an array, foreach over records with
        //   property access, const doubles for fluid properties, Math.Min / Math.Max / Math.Pow, helper with an
        //   early return for the balanced-flow special case, default parameter value.

        public readonly record struct ExchangerOperatingPoint(
            double HotInletC,
            double ColdInletC,
            double HotFlowKgPerS,
            double ColdFlowKgPerS,
            double MeasuredHotOutletC);

        private const double CpOil = 2100.0;   // J/(kg K)
        private const double CpWater = 4180.0; // J/(kg K)

        [Differentiable(nameof(referenceUa), nameof(flowExponent))]
        public static double HeatExchangerModel(
            double referenceUa,
            double flowExponent,
            ExchangerOperatingPoint[] operatingPoints,
            double referenceFlow = 1.0)
        {
            if (operatingPoints.Length == 0)
                throw new ArgumentException("No operating points supplied.", nameof(operatingPoints));

            double sse = 0.0;
            foreach (var op in operatingPoints)
            {
                double hotCapacity = op.HotFlowKgPerS * CpOil;
                double coldCapacity = op.ColdFlowKgPerS * CpWater;
                double cMin = Math.Min(hotCapacity, coldCapacity);
                double cMax = Math.Max(hotCapacity, coldCapacity);

                double ua = referenceUa * Math.Pow(op.HotFlowKgPerS / referenceFlow, flowExponent);
                double ntu = ua / cMin;
                double effectiveness = CounterflowEffectiveness(ntu, cMin / cMax);

                double duty = effectiveness * cMin * (op.HotInletC - op.ColdInletC);
                double predictedHotOutlet = op.HotInletC - duty / hotCapacity;
                double residual = predictedHotOutlet - op.MeasuredHotOutletC;
                sse += residual * residual;
            }
            return sse / operatingPoints.Length;
        }

        private static double CounterflowEffectiveness(double ntu, double capacityRatio)
        {
            if (Math.Abs(1.0 - capacityRatio) < 1e-9)
                return ntu / (1.0 + ntu);

            double ex = Math.Exp(-ntu * (1.0 - capacityRatio));
            return (1.0 - ex) / (1.0 - capacityRatio * ex);
        }

        // ------------------------------------------------------------ 25 PortfolioCvarSmooth
        // Domain: quantitative finance (portfolio optimisation).
        // Computes: mean-CVaR objective -E[r_p] + lambda * CVaR_alpha using the Rockafellar-Uryasev formulation
        //   CVaR = VaR + E[(L - VaR)_+] / (1 - alpha) over return scenarios, with the hinge smoothed by a
        //   scaled softplus; long-only weights come from a softmax over logits.
        // Idioms: ReadOnlySpan<double> parameter, Span<double> scratch from stackalloc, foreach over a span,
        //   softmax with running Math.Max, double[,] scenario matrix, guard clause, default parameters,
        //   Math.Log(1 + Math.Exp(..)) softplus written inline.

        [Differentiable(nameof(weightLogits), nameof(valueAtRisk))]
        public static double PortfolioCvarSmooth(
            ReadOnlySpan<double> weightLogits,
            double valueAtRisk,
            double[,] scenarioReturns,
            double confidence = 0.9,
            double smoothing = 0.005,
            double riskAversion = 2.0)
        {
            int assets = weightLogits.Length;
            int scenarios = scenarioReturns.GetLength(0);
            if (scenarioReturns.GetLength(1) != assets)
                throw new ArgumentException("Scenario matrix must have one column per asset.", nameof(scenarioReturns));
            if (confidence <= 0.0 || confidence >= 1.0)
                throw new ArgumentException("Confidence level must be in (0, 1).", nameof(confidence));

            Span<double> weights = stackalloc double[assets];
            double maxLogit = double.NegativeInfinity;
            foreach (double z in weightLogits)
                maxLogit = Math.Max(maxLogit, z);
            double norm = 0.0;
            for (int i = 0; i < assets; i++)
            {
                weights[i] = Math.Exp(weightLogits[i] - maxLogit);
                norm += weights[i];
            }
            for (int i = 0; i < assets; i++)
                weights[i] /= norm;

            double expectedReturn = 0.0, tail = 0.0;
            for (int s = 0; s < scenarios; s++)
            {
                double portfolioReturn = 0.0;
                for (int i = 0; i < assets; i++)
                    portfolioReturn += weights[i] * scenarioReturns[s, i];
                expectedReturn += portfolioReturn;

                double excessLoss = -portfolioReturn - valueAtRisk;
                tail += smoothing * Math.Log(1.0 + Math.Exp(excessLoss / smoothing));
            }
            expectedReturn /= scenarios;

            double cvar = valueAtRisk + tail / ((1.0 - confidence) * scenarios);
            return -expectedReturn + riskAversion * cvar;
        }

        // ------------------------------------------------------------ 26 TotalVariationDenoise
        // Domain: image processing (variational denoising).
        // Computes: ROF-style total-variation denoising energy 0.5 |u - f|^2 + lambda * sum sqrt(|grad u|^2 + eps^2)
        //   with forward differences and Neumann (zero-gradient) boundary conditions; eps is the Charbonnier smoothing.
        // Idioms: double[,] images with GetLength, [Constant] on the observed image, ternaries on the loop
        //   index for boundary handling, Math.Sqrt, default parameter, guard clause comparing shapes.

        [Differentiable]
        public static double TotalVariationDenoise(
            double[,] image,
            [Constant] double[,] noisy,
            [Constant] double regularization,
            [Constant] double epsilon = 1e-3)
        {
            int height = image.GetLength(0), width = image.GetLength(1);
            if (noisy.GetLength(0) != height || noisy.GetLength(1) != width)
                throw new ArgumentException("Image and observation must have the same shape.", nameof(noisy));

            double fidelity = 0.0, tv = 0.0;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double r = image[y, x] - noisy[y, x];
                    fidelity += r * r;

                    double dx = x + 1 < width ? image[y, x + 1] - image[y, x] : 0.0;
                    double dy = y + 1 < height ? image[y + 1, x] - image[y, x] : 0.0;
                    tv += Math.Sqrt(dx * dx + dy * dy + epsilon * epsilon);
                }
            }
            return 0.5 * fidelity + regularization * tv;
        }

        // ------------------------------------------------------------ 27 SsimLoss
        // Domain: image restoration losses (computer vision), single precision.
        // Computes: mixed SSIM + L1 loss (Zhao et al. 2017 style): (1 - alpha)(1 - mean SSIM) + alpha * mean Charbonnier-L1,
        //   where SSIM uses Gaussian-weighted local means, variances and covariance over valid 3x3 windows.
        // Idioms: static readonly float[,] window built once by a private static helper using MathF.Exp, const float
        //   SSIM constants, float[,] images, nested window loops with int counters, MathF.Sqrt smooth-L1,
        //   default float parameter, result cast to double.

        private static readonly float[,] Window = GaussianWindow(3, 1.0f);

        [Differentiable(nameof(prediction))]
        public static double SsimLoss(float[,] prediction, float[,] reference, float l1Weight = 0.15f)
        {
            const float C1 = 0.01f * 0.01f, C2 = 0.03f * 0.03f; // for a dynamic range of 1
            int height = prediction.GetLength(0), width = prediction.GetLength(1);
            int ks = Window.GetLength(0);
            if (reference.GetLength(0) != height || reference.GetLength(1) != width)
                throw new ArgumentException("Images must have the same shape.", nameof(reference));
            if (height < ks || width < ks)
                throw new ArgumentException("Image is smaller than the SSIM window.", nameof(prediction));

            float ssimSum = 0f;
            int windows = 0;
            for (int y = 0; y + ks <= height; y++)
            {
                for (int x = 0; x + ks <= width; x++)
                {
                    float muX = 0f, muY = 0f;
                    for (int i = 0; i < ks; i++)
                        for (int j = 0; j < ks; j++)
                        {
                            muX += Window[i, j] * prediction[y + i, x + j];
                            muY += Window[i, j] * reference[y + i, x + j];
                        }

                    float varX = 0f, varY = 0f, cov = 0f;
                    for (int i = 0; i < ks; i++)
                        for (int j = 0; j < ks; j++)
                        {
                            float dx = prediction[y + i, x + j] - muX;
                            float dy = reference[y + i, x + j] - muY;
                            varX += Window[i, j] * dx * dx;
                            varY += Window[i, j] * dy * dy;
                            cov += Window[i, j] * dx * dy;
                        }

                    float ssim = (2f * muX * muY + C1) * (2f * cov + C2)
                               / ((muX * muX + muY * muY + C1) * (varX + varY + C2));
                    ssimSum += ssim;
                    windows++;
                }
            }

            float l1 = 0f;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float d = prediction[y, x] - reference[y, x];
                    l1 += MathF.Sqrt(d * d + 1e-6f);
                }

            float loss = (1f - l1Weight) * (1f - ssimSum / windows) + l1Weight * l1 / (height * width);
            return loss;
        }

        private static float[,] GaussianWindow(int size, float sigma)
        {
            var w = new float[size, size];
            int c = size / 2;
            float sum = 0f;
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    w[i, j] = MathF.Exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2f * sigma * sigma));
                    sum += w[i, j];
                }
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                    w[i, j] /= sum;
            return w;
        }

        // ------------------------------------------------------------ 28 IirFilterFit
        // Domain: digital signal processing (filter identification).
        // Computes: output-error fit of an IIR filter y[t] = sum_k b_k x[t-k] - sum_k a_k y[t-k] (direct form I,
        //   a_0 = 1 implied) to a target signal: mean squared error plus, for a second-order section, a soft
        //   penalty keeping the poles inside the stability triangle (|a2| < 1, |a1| < 1 + a2).
        // Idioms: recursive filter with an output buffer read back inside the loop, for-loops with compound
        //   conditions (k < taps && k <= t), guard clauses, Math.Abs / Math.Max hinge penalties, expression-bodied
        //   static helper, default parameter, [Constant] not used (nameof list instead).

        private const double StabilityMargin = 0.02;

        [Differentiable(nameof(feedforward), nameof(feedback))]
        public static double IirFilterFit(
            double[] feedforward,
            double[] feedback,
            double[] input,
            double[] target,
            double stabilityWeight = 10.0)
        {
            if (feedforward.Length == 0)
                throw new ArgumentException("Need at least one feed-forward tap.", nameof(feedforward));
            if (input.Length != target.Length)
                throw new ArgumentException("Input and target must have the same length.", nameof(target));

            int n = input.Length;
            var output = new double[n];
            double sse = 0.0;
            for (int t = 0; t < n; t++)
            {
                double acc = 0.0;
                for (int k = 0; k < feedforward.Length && k <= t; k++)
                    acc += feedforward[k] * input[t - k];
                for (int k = 1; k <= feedback.Length && k <= t; k++)
                    acc -= feedback[k - 1] * output[t - k];
                output[t] = acc;

                double err = acc - target[t];
                sse += err * err;
            }

            double penalty = 0.0;
            if (feedback.Length == 2)
            {
                double a1 = feedback[0], a2 = feedback[1];
                penalty += Square(Math.Max(0.0, Math.Abs(a2) - (1.0 - StabilityMargin)));
                penalty += Square(Math.Max(0.0, Math.Abs(a1) - (1.0 + a2) + StabilityMargin));
            }

            return sse / n + stabilityWeight * penalty;
        }

        private static double Square(double x) => x * x;

        // ------------------------------------------------------------ 29 BezierCurveFit
        // Domain: geometric modelling / CAD (curve fitting).
        // Computes: least-squares fit of a cubic Bezier curve to 2-D sample points, jointly over the control
        //   points and the per-sample curve parameters t_i, plus a bending penalty on second differences of
        //   the control polygon.
        // Idioms: static readonly binomial table, jagged double[][] control points, local function using
        //   Enumerable.Range(0, 4).Sum(k => ...) with Math.Pow Bernstein terms, Math.Clamp on the parameter,
        //   guard clauses, default parameter value.

        private static readonly double[] Binomial3 = { 1.0, 3.0, 3.0, 1.0 };

        [Differentiable(nameof(controlPoints), nameof(parameters))]
        public static double BezierCurveFit(
            double[][] controlPoints,
            double[] parameters,
            double[,] samples,
            double bendingWeight = 1e-2)
        {
            if (controlPoints.Length != 4)
                throw new ArgumentException("A cubic Bezier curve needs exactly 4 control points.", nameof(controlPoints));
            if (parameters.Length != samples.GetLength(0))
                throw new ArgumentException("One curve parameter per sample point is required.", nameof(parameters));

            int dims = controlPoints[0].Length;

            double Evaluate(double t, int dim) =>
                Enumerable.Range(0, 4).Sum(k => Binomial3[k] * Math.Pow(t, k) * Math.Pow(1.0 - t, 3 - k) * controlPoints[k][dim]);

            double fit = 0.0;
            for (int i = 0; i < parameters.Length; i++)
            {
                double t = Math.Clamp(parameters[i], 0.0, 1.0);
                for (int d = 0; d < dims; d++)
                {
                    double r = Evaluate(t, d) - samples[i, d];
                    fit += r * r;
                }
            }

            double bending = 0.0;
            for (int k = 1; k < 3; k++)
                for (int d = 0; d < dims; d++)
                {
                    double second = controlPoints[k - 1][d] - 2.0 * controlPoints[k][d] + controlPoints[k + 1][d];
                    bending += second * second;
                }

            return fit / parameters.Length + bendingWeight * bending;
        }

        // ------------------------------------------------------------ 30 KinematicChain3D
        // Domain: robotics (inverse kinematics of a serial arm).
        // Computes: IK objective for a 6-joint serial chain in 3-D: squared end-effector position error, an
        //   approach-direction alignment term (1 - cos angle between the tool x-axis and the desired direction)
        //   and a softplus joint-limit barrier; forward kinematics composes elementary rotation matrices.
        // Idioms: static readonly int[] joint-axis table, const limit, helpers returning double[,] (switch
        //   expression over the axis with array initializers and a throw arm) and double[] (MatVec), MatMul helper,
        //   Identity helper, `new[] { ... }` temporaries inside the loop, local function passed as a method group to
        //   LINQ Sum, guard clause.

        private static readonly int[] JointAxes = { 2, 1, 1, 0, 1, 0 }; // z, y, y, x, y, x
        private const double JointLimit = 2.6;  // rad
        private const double LimitSharpness = 10.0;

        [Differentiable(nameof(jointAngles))]
        public static double KinematicChain3D(
            double[] jointAngles,
            double[] linkLengths,
            double[] targetPosition,
            double[] targetApproach,
            double orientationWeight = 0.1,
            double limitWeight = 0.01)
        {
            if (jointAngles.Length != JointAxes.Length || linkLengths.Length != JointAxes.Length)
                throw new ArgumentException($"Expected {JointAxes.Length} joints and links.");

            double SoftLimit(double q) =>
                (Math.Log(1.0 + Math.Exp(LimitSharpness * (q - JointLimit)))
               + Math.Log(1.0 + Math.Exp(LimitSharpness * (-q - JointLimit)))) / LimitSharpness;

            double[,] rotation = Identity();
            var position = new double[3];
            for (int j = 0; j < jointAngles.Length; j++)
            {
                rotation = MatMul(rotation, Rotation(JointAxes[j], jointAngles[j]));
                double[] link = MatVec(rotation, new[] { linkLengths[j], 0.0, 0.0 });
                for (int c = 0; c < 3; c++)
                    position[c] += link[c];
            }

            double positionError = 0.0;
            for (int c = 0; c < 3; c++)
            {
                double d = position[c] - targetPosition[c];
                positionError += d * d;
            }

            // Tool approach axis = local x-axis = first column of the end-effector rotation.
            double alignment = rotation[0, 0] * targetApproach[0]
                             + rotation[1, 0] * targetApproach[1]
                             + rotation[2, 0] * targetApproach[2];

            double limits = jointAngles.Sum(SoftLimit);
            return positionError + orientationWeight * (1.0 - alignment) + limitWeight * limits;
        }

        private static double[,] Rotation(int axis, double angle)
        {
            double c = Math.Cos(angle), s = Math.Sin(angle);
            return axis switch
            {
                0 => new double[,] { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } },
                1 => new double[,] { { c, 0, s }, { 0, 1, 0 }, { -s, 0, c } },
                2 => new double[,] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1 } },
                _ => throw new ArgumentOutOfRangeException(nameof(axis)),
            };
        }

        private static double[,] Identity() => new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };

        private static double[,] MatMul(double[,] a, double[,] b)
        {
            var result = new double[3, 3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double s = 0.0;
                    for (int k = 0; k < 3; k++)
                        s += a[i, k] * b[k, j];
                    result[i, j] = s;
                }
            return result;
        }

        private static double[] MatVec(double[,] m, double[] v)
        {
            var result = new double[3];
            for (int i = 0; i < 3; i++)
                result[i] = m[i, 0] * v[0] + m[i, 1] * v[1] + m[i, 2] * v[2];
            return result;
        }
    }
}
