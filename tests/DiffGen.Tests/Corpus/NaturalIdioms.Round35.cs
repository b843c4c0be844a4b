using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 35: probe batch 35 (2026-12-05), 40 small natural functions in five classes (Nlp: sequences and NLP; RecGraph:
    /// recommenders and graphs; Vision; RlSci: reinforcement learning, chemistry and biology, time series; Idioms: numerical
    /// and C# idioms, with a nested model class TwoLayerNet and a record struct GdHyper), written by a helper who had not read
    /// the docs; 39 accepted as written, and the 40th, Nlp.JaggedMeanPoolLoss (DIFF0003 in the probe:
    /// <c>foreach (var (b, seq) in sequences.Index())</c> over a jagged array's rows), accepted as written after the
    /// generator fix for foreach over Index() of a jagged array's rows. All 40 here as written (the author's bodies,
    /// parameters, attributes and comments; each function's probe number in its comment), the five classes' static methods as
    /// this class's (no two share a name, so no function is renamed; SoftDtw's static local SoftMin and the local functions
    /// of MichaelisMentenRk2 and PolarFeatureLoss stay inside their methods). The batch's types are declared below with a
    /// Round35 prefix, the call sites renamed to match: <see cref="Round35GdHyper"/> (a readonly record struct, passed
    /// <c>in</c> to UnrolledRidgeLoss) and <see cref="Round35TwoLayerNet"/> (Idioms' nested TwoLayerNet as a top-level
    /// class: weight fields, an instance Loss differentiated in x only, the fields read as constants, as in the probe).
    /// No attribute added or changed. GeluMean is float: its double twin is GeluMeanTwin (NaturalIdioms.Round35.Twins.cs).
    /// </summary>
    public static partial class NaturalRound35
    {
        // ======================= Sequence models / NLP (Nlp) =======================

        // 1. HMM forward algorithm in log space: log p(obs).
        [Differentiable]
        public static double HmmLogLikelihood(double[] logPi, double[,] logA, double[,] logB, int[] obs)
        {
            int S = logPi.Length, T = obs.Length;
            var alpha = new double[S];
            var next = new double[S];
            for (int s = 0; s < S; s++) alpha[s] = logPi[s] + logB[s, obs[0]];
            for (int t = 1; t < T; t++)
            {
                for (int j = 0; j < S; j++)
                {
                    double m = double.NegativeInfinity;
                    for (int i = 0; i < S; i++) m = Math.Max(m, alpha[i] + logA[i, j]);
                    double sum = 0;
                    for (int i = 0; i < S; i++) sum += Math.Exp(alpha[i] + logA[i, j] - m);
                    next[j] = m + Math.Log(sum) + logB[j, obs[t]];
                }
                (alpha, next) = (next, alpha);
            }
            double mx = double.NegativeInfinity;
            for (int s = 0; s < S; s++) mx = Math.Max(mx, alpha[s]);
            double total = 0;
            for (int s = 0; s < S; s++) total += Math.Exp(alpha[s] - mx);
            return mx + Math.Log(total);
        }

        // 2. Bigram perplexity with add-alpha smoothing over (soft) counts.
        [Differentiable]
        public static double BigramPerplexity(double[,] counts, int[] tokens, double alpha)
        {
            int V = counts.GetLength(1);
            double nll = 0;
            for (int t = 1; t < tokens.Length; t++)
            {
                int prev = tokens[t - 1], cur = tokens[t];
                double rowTotal = 0;
                for (int w = 0; w < V; w++) rowTotal += counts[prev, w];
                double p = (counts[prev, cur] + alpha) / (rowTotal + alpha * V);
                nll -= Math.Log(p);
            }
            return Math.Exp(nll / (tokens.Length - 1));
        }

        // 3. Single-head causal self-attention (T x D), writes output.
        [Differentiable]
        public static void CausalAttention(double[,] q, double[,] k, double[,] v, double[,] output)
        {
            int T = q.GetLength(0), D = q.GetLength(1);
            double scale = 1.0 / Math.Sqrt(D);
            var scores = new double[T];
            for (int i = 0; i < T; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (int d = 0; d < D; d++) s += q[i, d] * k[j, d];
                    scores[j] = s * scale;
                    if (scores[j] > max) max = scores[j];
                }
                double z = 0;
                for (int j = 0; j <= i; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    z += scores[j];
                }
                for (int d = 0; d < D; d++)
                {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) acc += scores[j] / z * v[j, d];
                    output[i, d] = acc;
                }
            }
        }

        // 4. Embedding scaling + sinusoidal positional encoding with a learnable mix scale.
        [Differentiable]
        public static void AddPositionalEncoding(double[,] x, double scale, double[,] y)
        {
            int T = x.GetLength(0), D = x.GetLength(1);
            for (int t = 0; t < T; t++)
            {
                for (int d = 0; d < D; d++)
                {
                    double freq = Math.Pow(10000.0, -(2 * (d / 2)) / (double)D);
                    double pe = d % 2 == 0 ? Math.Sin(t * freq) : Math.Cos(t * freq);
                    y[t, d] = x[t, d] * Math.Sqrt(D) + scale * pe;
                }
            }
        }

        // 5. Score of the greedy (argmax) decode: sum of log-probs, stopping at EOS.
        [Differentiable]
        public static double GreedyDecodeScore(double[,] logits, int eos)
        {
            int T = logits.GetLength(0), V = logits.GetLength(1);
            double score = 0;
            for (int t = 0; t < T; t++)
            {
                int best = 0;
                for (int v = 1; v < V; v++)
                    if (logits[t, v] > logits[t, best]) best = v;
                double max = logits[t, best];
                double z = 0;
                for (int v = 0; v < V; v++) z += Math.Exp(logits[t, v] - max);
                score += logits[t, best] - max - Math.Log(z);
                if (best == eos) break;
            }
            return score;
        }

        // 6. Label-smoothed token NLL with a padding mask.
        [Differentiable]
        public static double MaskedSmoothedNll(double[,] logits, int[] labels, bool[] mask, [Constant] double smoothing)
        {
            int T = logits.GetLength(0), V = logits.GetLength(1);
            double loss = 0;
            int count = 0;
            for (int t = 0; t < T; t++)
            {
                if (!mask[t]) continue;
                double max = double.NegativeInfinity;
                for (int v = 0; v < V; v++) max = Math.Max(max, logits[t, v]);
                double z = 0;
                for (int v = 0; v < V; v++) z += Math.Exp(logits[t, v] - max);
                double logZ = max + Math.Log(z);
                double uniform = 0;
                for (int v = 0; v < V; v++) uniform += logZ - logits[t, v];
                loss += (1 - smoothing) * (logZ - logits[t, labels[t]]) + smoothing * uniform / V;
                count++;
            }
            return count > 0 ? loss / count : 0.0;
        }

        // 7. Variable-length sequences (jagged) -> mean pool + last value -> linear regression loss.
        [Differentiable]
        public static double JaggedMeanPoolLoss(double[][] sequences, double[] w, [Constant] double[] targets)
        {
            double loss = 0;
            foreach (var (b, seq) in sequences.Index())
            {
                double pooled = 0;
                foreach (double x in seq) pooled += x;
                pooled /= seq.Length;
                double pred = w[0] * pooled + w[1] * seq[^1] + w[2];
                double err = pred - targets[b];
                loss += err * err;
            }
            return loss / sequences.Length;
        }

        // 8. Mean GELU (tanh approximation) in float.
        [Differentiable]
        public static float GeluMean(float[] x)
        {
            const float c = 0.7978845608f; // sqrt(2/pi)
            float sum = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                float v = x[i];
                sum += 0.5f * v * (1f + MathF.Tanh(c * (v + 0.044715f * v * v * v)));
            }
            return sum / x.Length;
        }

        // ======================= Recommender systems and graphs (RecGraph) =======================

        // 9. Explicit-feedback matrix factorisation: MSE over observed (user,item) pairs + L2.
        [Differentiable]
        public static double MatrixFactorizationLoss(double[,] U, double[,] V, int[] users, int[] items,
            [Constant] double[] ratings, [Constant] double lambda)
        {
            int k = U.GetLength(1);
            double loss = 0;
            for (int n = 0; n < ratings.Length; n++)
            {
                int u = users[n], i = items[n];
                double pred = 0;
                for (int f = 0; f < k; f++) pred += U[u, f] * V[i, f];
                double err = ratings[n] - pred;
                loss += err * err;
            }
            double reg = 0;
            foreach (double x in U) reg += x * x;
            foreach (double x in V) reg += x * x;
            return loss / ratings.Length + lambda * reg;
        }

        // 10. Bayesian personalised ranking loss over (u, pos, neg) triples.
        [Differentiable]
        public static double BprLoss(double[,] userEmb, double[,] itemEmb, int[] u, int[] pos, int[] neg, [Constant] double reg)
        {
            int d = userEmb.GetLength(1);
            double loss = 0;
            for (int n = 0; n < u.Length; n++)
            {
                double xui = 0, xuj = 0, norm = 0;
                for (int f = 0; f < d; f++)
                {
                    xui += userEmb[u[n], f] * itemEmb[pos[n], f];
                    xuj += userEmb[u[n], f] * itemEmb[neg[n], f];
                    norm += userEmb[u[n], f] * userEmb[u[n], f]
                          + itemEmb[pos[n], f] * itemEmb[pos[n], f]
                          + itemEmb[neg[n], f] * itemEmb[neg[n], f];
                }
                double diff = xui - xuj;
                loss += Math.Log(1 + Math.Exp(-diff)) + reg * norm;
            }
            return loss / u.Length;
        }

        // 11. Implicit-feedback (Hu/Koren/Volinsky) confidence-weighted loss for one user.
        [Differentiable]
        public static double ImplicitFeedbackLoss(double[] userVec, double[,] items, [Constant] double[] interactions, [Constant] double alpha)
        {
            int k = userVec.Length;
            double loss = 0;
            for (int i = 0; i < interactions.Length; i++)
            {
                double pred = 0;
                for (int f = 0; f < k; f++) pred += userVec[f] * items[i, f];
                double p = interactions[i] is > 0 ? 1.0 : 0.0;
                double c = 1 + alpha * interactions[i];
                loss += c * (p - pred) * (p - pred);
            }
            return loss;
        }

        // 12. Mean-aggregation message passing layer over an edge list, tanh activation.
        [Differentiable]
        public static void MessagePassingLayer(double[,] h, double[,] W, int[] src, int[] dst, double[,] hOut)
        {
            int N = h.GetLength(0), F = h.GetLength(1), G = W.GetLength(1);
            Func<double, double> act = static z => Math.Tanh(z);
            var agg = new double[N, F];
            var degree = new int[N];
            for (int e = 0; e < src.Length; e++)
            {
                degree[dst[e]]++;
                for (int f = 0; f < F; f++)
                {
                    ref double slot = ref agg[dst[e], f];
                    slot += h[src[e], f];
                }
            }
            for (int n = 0; n < N; n++)
            {
                double inv = 1.0 / Math.Max(1, degree[n]);
                for (int g = 0; g < G; g++)
                {
                    double s = 0;
                    for (int f = 0; f < F; f++) s += (h[n, f] + agg[n, f] * inv) * W[f, g];
                    hOut[n, g] = act(s);
                }
            }
        }

        // 13. Weighted PageRank by power iteration (fixed 30 iterations), score of one node.
        [Differentiable]
        public static double PageRankScore(double[] edgeWeights, int[] src, int[] dst, int nodes, double damping, int target)
        {
            var rank = new double[nodes];
            var next = new double[nodes];
            var outW = new double[nodes];
            for (int e = 0; e < src.Length; e++) outW[src[e]] += edgeWeights[e];
            for (int i = 0; i < nodes; i++) rank[i] = 1.0 / nodes;
            int iter = 0;
            do
            {
                for (int i = 0; i < nodes; i++) next[i] = (1 - damping) / nodes;
                for (int e = 0; e < src.Length; e++)
                    next[dst[e]] += damping * rank[src[e]] * edgeWeights[e] / outW[src[e]];
                (rank, next) = (next, rank);
                iter++;
            } while (iter < 30);
            return rank[target];
        }

        // 14. Laplacian smoothing energy of 2-D vertex positions with soft anchors.
        [Differentiable]
        public static double LaplacianSmoothingEnergy(double[,] positions, int[,] edges, [Constant] double[,] anchors, double stiffness)
        {
            double energy = 0;
            for (int e = 0; e < edges.GetLength(0); e++)
            {
                int a = edges[e, 0], b = edges[e, 1];
                double dx = positions[a, 0] - positions[b, 0];
                double dy = positions[a, 1] - positions[b, 1];
                energy += dx * dx + dy * dy;
            }
            for (int v = 0; v < positions.GetLength(0); v++)
            {
                double ax = positions[v, 0] - anchors[v, 0];
                double ay = positions[v, 1] - anchors[v, 1];
                energy += stiffness * (ax * ax + ay * ay);
            }
            return 0.5 * energy;
        }

        // ======================= Vision (Vision) =======================

        // 15. Bilinear sampling of an image at continuous points (clamped to the border), weighted sum.
        [Differentiable]
        public static double BilinearSampleSum(double[,] image, double[] xs, double[] ys, [Constant] double[] weights)
        {
            int H = image.GetLength(0), W = image.GetLength(1);
            double total = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double x = Math.Clamp(xs[n], 0, W - 1.0001);
                double y = Math.Clamp(ys[n], 0, H - 1.0001);
                int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
                double fx = x - x0, fy = y - y0;
                double v = (1 - fx) * (1 - fy) * image[y0, x0] + fx * (1 - fy) * image[y0, x0 + 1]
                         + (1 - fx) * fy * image[y0 + 1, x0] + fx * fy * image[y0 + 1, x0 + 1];
                total += weights[n] * v;
            }
            return total;
        }

        // 16. 2-D convolution (cross-correlation), zero 'same' padding, scalar bias.
        [Differentiable]
        public static void Conv2dSame(double[,] input, double[,] kernel, double bias, double[,] output)
        {
            int H = input.GetLength(0), W = input.GetLength(1), K = kernel.GetLength(0);
            int pad = K / 2;
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    double s = bias;
                    for (int ky = 0; ky < K; ky++)
                    {
                        for (int kx = 0; kx < K; kx++)
                        {
                            int iy = y + ky - pad, ix = x + kx - pad;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                            s += input[iy, ix] * kernel[ky, kx];
                        }
                    }
                    output[y, x] = s;
                }
            }
        }

        // 17. 2x2 max pooling, stride 2.
        [Differentiable]
        public static void MaxPool2x2(double[,] x, double[,] y)
        {
            int OH = x.GetLength(0) / 2, OW = x.GetLength(1) / 2;
            for (int oy = 0; oy < OH; oy++)
            {
                for (int ox = 0; ox < OW; ox++)
                {
                    double m = double.NegativeInfinity;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                            m = Math.Max(m, x[2 * oy + dy, 2 * ox + dx]);
                    y[oy, ox] = m;
                }
            }
        }

        // 18. Total-variation denoising energy (smoothed isotropic TV + L2 fidelity).
        [Differentiable]
        public static double TotalVariationEnergy(double[,] u, [Constant] double[,] f, double lambda)
        {
            int H = u.GetLength(0), W = u.GetLength(1);
            double fidelity = 0, tv = 0;
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    double r = u[y, x] - f[y, x];
                    fidelity += r * r;
                    double dx = x + 1 < W ? u[y, x + 1] - u[y, x] : 0.0;
                    double dy = y + 1 < H ? u[y + 1, x] - u[y, x] : 0.0;
                    tv += Math.Sqrt(dx * dx + dy * dy + 1e-8);
                }
            }
            return 0.5 * fidelity + lambda * tv;
        }

        // 19. Softmax over the channel axis of a C x H x W tensor.
        [Differentiable]
        public static void ChannelSoftmax(double[,,] x, double[,,] y)
        {
            int C = x.GetLength(0), H = x.GetLength(1), W = x.GetLength(2);
            for (int i = 0; i < H; i++)
            {
                for (int j = 0; j < W; j++)
                {
                    double max = double.NegativeInfinity;
                    for (int c = 0; c < C; c++) max = Math.Max(max, x[c, i, j]);
                    double z = 0;
                    for (int c = 0; c < C; c++) z += Math.Exp(x[c, i, j] - max);
                    for (int c = 0; c < C; c++) y[c, i, j] = Math.Exp(x[c, i, j] - max) / z;
                }
            }
        }

        // 20. Sobel edge energy with the kernels as span literals.
        [Differentiable]
        public static double SobelEdgeEnergy(double[,] img)
        {
            ReadOnlySpan<int> gx = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
            ReadOnlySpan<int> gy = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
            int H = img.GetLength(0), W = img.GetLength(1);
            double energy = 0;
            for (int y = 1; y < H - 1; y++)
            {
                for (int x = 1; x < W - 1; x++)
                {
                    double sx = 0, sy = 0;
                    for (int k = 0; k < 9; k++)
                    {
                        double p = img[y + k / 3 - 1, x + k % 3 - 1];
                        sx += gx[k] * p;
                        sy += gy[k] * p;
                    }
                    energy += Math.Sqrt(sx * sx + sy * sy + 1e-6);
                }
            }
            return energy;
        }

        // 21. Penalty for the first overlapping pair of circles (early return from nested loops).
        [Differentiable]
        public static double FirstOverlapPenalty(double[] cx, double[] cy, [Constant] double[] radius)
        {
            for (int i = 0; i < cx.Length; i++)
            {
                for (int j = i + 1; j < cx.Length; j++)
                {
                    double dx = cx[i] - cx[j], dy = cy[i] - cy[j];
                    double d = Math.Sqrt(dx * dx + dy * dy);
                    double overlap = radius[i] + radius[j] - d;
                    if (overlap > 0) return overlap * overlap;
                }
            }
            return 0;
        }

        // 22. 1-D Gaussian blur with learnable sigma; weights in a stackalloc'd span, edge replicate.
        [Differentiable]
        public static void GaussianBlur1D(double[] signal, double sigma, double[] blurred)
        {
            const int R = 3;
            Span<double> w = stackalloc double[2 * R + 1];
            double norm = 0;
            for (int k = -R; k <= R; k++)
            {
                w[k + R] = Math.Exp(-k * k / (2 * sigma * sigma));
                norm += w[k + R];
            }
            int n = signal.Length;
            for (int i = 0; i < n; i++)
            {
                double acc = 0;
                for (int k = -R; k <= R; k++) acc += w[k + R] * signal[Math.Clamp(i + k, 0, n - 1)];
                blurred[i] = acc / norm;
            }
        }

        // ======================= Reinforcement learning, chemistry/biology, time series (RlSci) =======================

        // 23. Discounted returns computed backwards in time.
        [Differentiable]
        public static void DiscountedReturns(double[] rewards, double gamma, double[] returns)
        {
            double running = 0;
            for (int t = rewards.Length - 1; t >= 0; t--)
            {
                running = rewards[t] + gamma * running;
                returns[t] = running;
            }
        }

        // 24. Generalised advantage estimation (values has T+1 entries, bootstrap at the end).
        [Differentiable]
        public static void GaeAdvantages(double[] rewards, double[] values, bool[] dones, double gamma, double lambda, double[] advantages)
        {
            int T = rewards.Length;
            double gae = 0;
            for (int t = T - 1; t >= 0; t--)
            {
                double notDone = dones[t] ? 0.0 : 1.0;
                double delta = rewards[t] + gamma * values[t + 1] * notDone - values[t];
                gae = delta + gamma * lambda * notDone * gae;
                advantages[t] = gae;
            }
        }

        // 25. PPO clipped surrogate objective (as a loss).
        [Differentiable]
        public static double PpoClipLoss(double[] logProbs, [Constant] double[] oldLogProbs, [Constant] double[] advantages, [Constant] double clipEps)
        {
            double total = 0;
            for (int i = 0; i < logProbs.Length; i++)
            {
                double ratio = Math.Exp(logProbs[i] - oldLogProbs[i]);
                double unclipped = ratio * advantages[i];
                double clipped = Math.Clamp(ratio, 1 - clipEps, 1 + clipEps) * advantages[i];
                total += -Math.Min(unclipped, clipped);
            }
            return total / logProbs.Length;
        }

        // 26. Soft Q-learning TD loss with log-sum-exp soft value of the next state.
        [Differentiable]
        public static double SoftQLoss(double[,] q, [Constant] double[,] nextQ, int[] actions, [Constant] double[] rewards,
            bool[] terminal, double alpha, [Constant] double gamma)
        {
            int B = q.GetLength(0), A = q.GetLength(1);
            double loss = 0;
            for (int b = 0; b < B; b++)
            {
                double max = double.NegativeInfinity;
                for (int a = 0; a < A; a++) max = Math.Max(max, nextQ[b, a] / alpha);
                double z = 0;
                for (int a = 0; a < A; a++) z += Math.Exp(nextQ[b, a] / alpha - max);
                double softV = alpha * (max + Math.Log(z));
                double target = rewards[b] + (terminal[b] ? 0.0 : gamma * softV);
                double td = q[b, actions[b]] - target;
                loss += 0.5 * td * td;
            }
            return loss / B;
        }

        // 27. Lennard-Jones energy with a hard cutoff; positions flattened xyz.
        [Differentiable]
        public static double LennardJonesEnergy(double[] pos, double epsilon, double sigma, [Constant] double cutoff)
        {
            int n = pos.Length / 3;
            double rc2 = cutoff * cutoff;
            double energy = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dx = pos[3 * i] - pos[3 * j];
                    double dy = pos[3 * i + 1] - pos[3 * j + 1];
                    double dz = pos[3 * i + 2] - pos[3 * j + 2];
                    double r2 = dx * dx + dy * dy + dz * dz;
                    if (r2 > rc2) continue;
                    double sr2 = sigma * sigma / r2;
                    double sr6 = sr2 * sr2 * sr2;
                    energy += 4 * epsilon * (sr6 * sr6 - sr6);
                }
            }
            return energy;
        }

        // 28. Michaelis-Menten substrate depletion integrated with midpoint RK2 (local function captures params).
        [Differentiable]
        public static double MichaelisMentenRk2(double s0, double vmax, double km, [Constant] double dt, int steps)
        {
            double Rate(double s) => -vmax * s / (km + s);
            double x = s0;
            for (int i = 0; i < steps; i++)
            {
                double k1 = Rate(x);
                double k2 = Rate(x + 0.5 * dt * k1);
                x += dt * k2;
            }
            return x;
        }

        // 29. Least-squares fit of a logistic growth curve.
        [Differentiable]
        public static double LogisticGrowthSse([Constant] double[] t, [Constant] double[] y, double r, double capacity, double n0)
        {
            double sse = 0;
            for (int i = 0; i < t.Length; i++)
            {
                double model = capacity / (1 + (capacity - n0) / n0 * Math.Exp(-r * t[i]));
                double e = model - y[i];
                sse += e * e;
            }
            return sse;
        }

        // 30. Holt's linear exponential smoothing, SSE of one-step-ahead forecasts.
        [Differentiable]
        public static double HoltSse(double[] series, double alpha, double beta)
        {
            double level = series[0], trend = series[1] - series[0], sse = 0;
            for (int t = 1; t < series.Length; t++)
            {
                double forecast = level + trend;
                double err = series[t] - forecast;
                sse += err * err;
                double prevLevel = level;
                level = alpha * series[t] + (1 - alpha) * (level + trend);
                trend = beta * (level - prevLevel) + (1 - beta) * trend;
            }
            return sse;
        }

        // 31. ARMA(1,1) conditional sum of squares (residual recursion).
        [Differentiable]
        public static double Arma11Css(double[] x, double phi, double theta, double mu)
        {
            double prevErr = 0, sse = 0;
            for (int t = 1; t < x.Length; t++)
            {
                double pred = mu + phi * (x[t - 1] - mu) + theta * prevErr;
                double e = x[t] - pred;
                sse += e * e;
                prevErr = e;
            }
            return sse / (x.Length - 1);
        }

        // 32. Soft-DTW discrepancy between two 1-D series.
        [Differentiable]
        public static double SoftDtw(double[] a, double[] b, [Constant] double gamma)
        {
            int n = a.Length, m = b.Length;
            var R = new double[n + 1, m + 1];
            for (int i = 0; i <= n; i++)
                for (int j = 0; j <= m; j++)
                    R[i, j] = double.PositiveInfinity;
            R[0, 0] = 0;
            for (int i = 1; i <= n; i++)
            {
                for (int j = 1; j <= m; j++)
                {
                    double cost = (a[i - 1] - b[j - 1]) * (a[i - 1] - b[j - 1]);
                    R[i, j] = cost + SoftMin(R[i - 1, j - 1], R[i - 1, j], R[i, j - 1], gamma);
                }
            }
            return R[n, m];

            static double SoftMin(double x, double y, double z, double g)
            {
                double mn = Math.Min(x, Math.Min(y, z));
                return mn - g * Math.Log(Math.Exp(-(x - mn) / g) + Math.Exp(-(y - mn) / g) + Math.Exp(-(z - mn) / g));
            }
        }

        // ======================= Numerical and C# idioms (Idioms) =======================

        // 33. Kahan-compensated sum of squares.
        [Differentiable]
        public static double KahanSumOfSquares(double[] x)
        {
            double sum = 0, c = 0;
            foreach (double v in x)
            {
                double y = v * v - c;
                double t = sum + y;
                c = (t - sum) - y;
                sum = t;
            }
            return sum;
        }

        // 34. Sum of softplus with a sharpness beta, stable threshold branches via a switch expression.
        [Differentiable]
        public static double SoftplusSum(double[] x, double beta)
        {
            double total = 0;
            foreach (double v in x)
            {
                double z = beta * v;
                total += z switch
                {
                    > 20 => v,
                    < -20 => Math.Exp(z) / beta,
                    _ => double.LogP1(Math.Exp(z)) / beta,
                };
            }
            return total;
        }

        // 35. Piecewise-linear interpolation (binary search for the bin), summed over queries.
        [Differentiable]
        public static double InterpolateSum([Constant] double[] knotsX, double[] knotsY, double[] queries)
        {
            double total = 0;
            foreach (double q in queries)
            {
                int lo = 0, hi = knotsX.Length - 1;
                if (q <= knotsX[lo]) { total += knotsY[lo]; continue; }
                if (q >= knotsX[hi]) { total += knotsY[hi]; continue; }
                while (hi - lo > 1)
                {
                    int mid = (lo + hi) >> 1;
                    if (knotsX[mid] <= q) lo = mid; else hi = mid;
                }
                double t = (q - knotsX[lo]) / (knotsX[hi] - knotsX[lo]);
                total += knotsY[lo] + t * (knotsY[hi] - knotsY[lo]);
            }
            return total;
        }

        // 36. Polar-coordinate features via a tuple-returning local function that captures a parameter.
        [Differentiable]
        public static double PolarFeatureLoss(double[] xs, double[] ys, double scale)
        {
            (double R, double Theta) ToPolar(double x, double y) => (Math.Sqrt(x * x + y * y) * scale, Math.Atan2(y, x));
            double loss = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                var (r, th) = ToPolar(xs[i], ys[i]);
                loss += r * Math.Cos(2 * th) + 0.5 * r * r;
            }
            return loss;
        }

        // 37. Horner polynomial evaluation with FMA, coefficients as params.
        [Differentiable]
        public static double Horner(double x, params double[] coeffs)
        {
            double acc = 0;
            for (int i = coeffs.Length - 1; i >= 0; i--)
                acc = Math.FusedMultiplyAdd(acc, x, coeffs[i]);
            return acc;
        }

        // 38. Entropy of a temperature softmax over a ReadOnlySpan of logits.
        [Differentiable]
        public static double SoftmaxEntropy(ReadOnlySpan<double> logits, double temperature)
        {
            double max = double.NegativeInfinity;
            foreach (double l in logits) max = Math.Max(max, l / temperature);
            double z = 0;
            foreach (double l in logits) z += Math.Exp(l / temperature - max);
            double logZ = Math.Log(z) + max;
            double h = 0;
            foreach (double l in logits)
            {
                double logp = l / temperature - logZ;
                h -= Math.Exp(logp) * logp;
            }
            return h;
        }

        // 40. Unrolled gradient descent on ridge regression (do/while), hyper-parameters in a record struct.
        [Differentiable]
        public static double UnrolledRidgeLoss(double[] w0, double[,] X, double[] y, in Round35GdHyper hp)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            var w = (double[])w0.Clone();
            var grad = new double[d];
            var resid = new double[n];
            int step = 0;
            do
            {
                for (int i = 0; i < n; i++)
                {
                    double p = 0;
                    for (int j = 0; j < d; j++) p += X[i, j] * w[j];
                    resid[i] = p - y[i];
                }
                for (int j = 0; j < d; j++)
                {
                    double g = hp.L2 * w[j];
                    for (int i = 0; i < n; i++) g += X[i, j] * resid[i] / n;
                    grad[j] = g;
                }
                for (int j = 0; j < d; j++) w[j] -= hp.LearningRate * grad[j];
                step++;
            } while (step < hp.Steps);

            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double p = 0;
                for (int j = 0; j < d; j++) p += X[i, j] * w[j];
                loss += (p - y[i]) * (p - y[i]);
            }
            return 0.5 * loss / n;
        }
    }

    /// <summary>Round 35's GdHyper as written (renamed): a readonly record struct of hyper-parameters (UnrolledRidgeLoss's).</summary>
    public readonly record struct Round35GdHyper(double LearningRate, double L2, int Steps);

    // 39. Two-layer tanh network as a model class holding its weights (instance method).
    /// <summary>Round 35's TwoLayerNet as written (renamed; nested in Idioms in the probe): W1, B1, W2 and B2 fields, an instance Loss differentiated in x.</summary>
    public sealed partial class Round35TwoLayerNet
    {
        public double[,] W1;
        public double[] B1;
        public double[] W2;
        public double B2;

        public Round35TwoLayerNet(double[,] w1, double[] b1, double[] w2, double b2)
        {
            W1 = w1; B1 = b1; W2 = w2; B2 = b2;
        }

        [Differentiable]
        public double Loss(double[] x, [Constant] double target)
        {
            int H = B1.Length, D = x.Length;
            double y = B2;
            for (int h = 0; h < H; h++)
            {
                double a = B1[h];
                for (int i = 0; i < D; i++) a += W1[h, i] * x[i];
                y += W2[h] * Math.Tanh(a);
            }
            double e = y - target;
            return 0.5 * e * e;
        }
    }
}
