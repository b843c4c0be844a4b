using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 30: probe batch 30, 40 small natural functions in four classes (NeuralNet, ClassicMl, Physics, FinanceSignal) and
    /// two instance classes (Mlp, TwoLayerNet), aimed at idioms tools find hard; 35 accepted, here as written, as static
    /// methods of one class (the author's bodies, parameters, attributes and comments; each function's probe tag, NN2 to
    /// FS12, in its comment). Not here, rejected in the probe: Mlp.Loss (List&lt;double[,]&gt; weight fields; its loop is
    /// in the corpus as <see cref="LayerStacks"/>.AffineThenTanhInPlace), TwoLayerNet.Loss (fields that are layer
    /// objects), NeuralNet.JaggedMlpLoss (double[][][] weights; accepted since, in the corpus as
    /// <see cref="LayerStacks"/>.JaggedViewMlp), ClassicMl.PoissonNll (an array of record structs holding a double[]) and
    /// Physics.RotatedPointsScore (a quaternion struct; accepted since, in the corpus as <see cref="StructValuedProperties"/>).
    /// The batch's types are declared below with a Round30 prefix (<see cref="Round30Activation"/>, <see cref="Round30Vec3"/>)
    /// and its static MathUtil class is <see cref="Round30MathUtil"/> (Sq&lt;T&gt;, Sigmoid, params Norm, LogSumExp), the
    /// call sites renamed to match. The other helpers (MatMul, Activate, WindowDot, Mse, Taus, WeightedLineFit, AddSpring,
    /// Barycentric, SolveIk, Interp, CumSum) are kept beside their functions as private static helpers; no name clashes, so
    /// no function is renamed.
    /// </summary>
    public static partial class NaturalRound30
    {
        // ================================================================ Neural networks (NeuralNet)

        // NeuralNet.Conv2dLoss as written (NN2). Idioms: conv layer with padding/stride.
        [Differentiable]
        public static double Conv2dLoss(double[,] input, double[,] kernel, double bias, int stride = 2, int pad = 1)
        {
            int H = input.GetLength(0), W = input.GetLength(1);
            int kh = kernel.GetLength(0), kw = kernel.GetLength(1);
            int outH = (H + 2 * pad - kh) / stride + 1;
            int outW = (W + 2 * pad - kw) / stride + 1;
            double loss = 0;
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    double acc = bias;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                            acc += input[iy, ix] * kernel[ky, kx];
                        }
                    double a = acc > 0 ? acc : 0.01 * acc; // leaky relu
                    loss += a * a;
                }
            return loss / (outH * outW);
        }

        // NeuralNet.CausalMhaLoss as written (NN3). Idioms: multi-head self-attention with a causal mask.
        private static double[,] MatMul(double[,] a, double[,] b)
        {
            int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
            var c = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += a[i, t] * b[t, j];
                    c[i, j] = s;
                }
            return c;
        }

        [Differentiable(nameof(wq), nameof(wk), nameof(wv))]
        public static double CausalMhaLoss(double[,] x, double[,] wq, double[,] wk, double[,] wv, int heads)
        {
            int T = x.GetLength(0), D = x.GetLength(1);
            int dh = D / heads;
            var q = MatMul(x, wq);
            var k = MatMul(x, wk);
            var v = MatMul(x, wv);
            double scale = 1.0 / Math.Sqrt(dh);
            double total = 0;
            var scores = new double[T];
            for (int h = 0; h < heads; h++)
            {
                int off = h * dh;
                for (int t = 0; t < T; t++)
                {
                    double max = double.NegativeInfinity;
                    for (int s = 0; s < T; s++)
                    {
                        if (s > t) { scores[s] = double.NegativeInfinity; continue; }
                        double dot = 0;
                        for (int d = 0; d < dh; d++) dot += q[t, off + d] * k[s, off + d];
                        scores[s] = dot * scale;
                        if (scores[s] > max) max = scores[s];
                    }
                    double z = 0;
                    for (int s = 0; s <= t; s++) { scores[s] = Math.Exp(scores[s] - max); z += scores[s]; }
                    for (int d = 0; d < dh; d++)
                    {
                        double o = 0;
                        for (int s = 0; s <= t; s++) o += scores[s] / z * v[s, off + d];
                        total += o * o;
                    }
                }
            }
            return total;
        }

        // NeuralNet.LayerNormLoss as written (NN4). Idioms: layer norm (float).
        [Differentiable]
        public static float LayerNormLoss(float[] x, float[] gamma, float[] beta, float eps = 1e-5f)
        {
            int n = x.Length;
            float mean = 0f;
            foreach (var v in x) mean += v;
            mean /= n;
            float variance = 0f;
            foreach (var v in x) variance += (v - mean) * (v - mean);
            variance /= n;
            float inv = 1f / MathF.Sqrt(variance + eps);
            float loss = 0f;
            for (int i = 0; i < n; i++)
            {
                float y = gamma[i] * (x[i] - mean) * inv + beta[i];
                loss += y * y * (i + 1);
            }
            return loss;
        }

        // NeuralNet.DropoutDense as written (NN5). Idioms: dropout with a fixed mask (float).
        [Differentiable]
        public static float DropoutDense(float[] x, float[] w, bool[] keepMask, [Constant] float p)
        {
            float scale = 1f / (1f - p);
            float s = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                if (!keepMask[i]) continue;
                s += x[i] * scale * w[i];
            }
            return MathF.Tanh(s);
        }

        // NeuralNet.EmbeddingBagScore as written (NN6). Idioms: embedding lookup (bag of embeddings).
        [Differentiable(nameof(table), nameof(proj))]
        public static double EmbeddingBagScore(int[] tokens, double[][] table, double[] proj)
        {
            int dim = proj.Length;
            var pooled = new double[dim];
            foreach (int tok in tokens)
            {
                var row = table[tok];
                for (int d = 0; d < dim; d++) pooled[d] += row[d];
            }
            double score = 0;
            for (int d = 0; d < dim; d++) score += pooled[d] / tokens.Length * proj[d];
            return Round30MathUtil.Sigmoid(score);
        }

        // NeuralNet.LstmFinalState as written (NN7). Idioms: LSTM over a sequence.
        [Differentiable(nameof(wx), nameof(wh), nameof(b))]
        public static double LstmFinalState(double[][] xs, double[,] wx, double[,] wh, double[] b)
        {
            int H = wh.GetLength(1);
            int D = wx.GetLength(1);
            var h = new double[H];
            var c = new double[H];
            foreach (var x in xs)
            {
                var gates = new double[4 * H];
                for (int g = 0; g < 4 * H; g++)
                {
                    double s = b[g];
                    for (int j = 0; j < D; j++) s += wx[g, j] * x[j];
                    for (int j = 0; j < H; j++) s += wh[g, j] * h[j];
                    gates[g] = s;
                }
                var hNew = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double i = Round30MathUtil.Sigmoid(gates[j]);
                    double f = Round30MathUtil.Sigmoid(gates[H + j]);
                    double o = Round30MathUtil.Sigmoid(gates[2 * H + j]);
                    double gg = Math.Tanh(gates[3 * H + j]);
                    c[j] = f * c[j] + i * gg;
                    hNew[j] = o * Math.Tanh(c[j]);
                }
                h = hNew;
            }
            return h.Sum();
        }

        // NeuralNet.ResidualBlock as written (NN8). Idioms: residual block with enum-selected activation.
        private static double Activate(double z, Round30Activation act) => act switch
        {
            Round30Activation.Relu => Math.Max(0.0, z),
            Round30Activation.Tanh => Math.Tanh(z),
            _ => 0.5 * z * (1 + Math.Tanh(0.7978845608 * (z + 0.044715 * z * z * z))),
        };

        [Differentiable(nameof(x), nameof(w1), nameof(w2))]
        public static double ResidualBlock(double[] x, double[,] w1, double[,] w2, Round30Activation act = Round30Activation.Gelu)
        {
            int n = x.Length, hdim = w1.GetLength(0);
            var hidden = new double[hdim];
            for (int i = 0; i < hdim; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += w1[i, j] * x[j];
                hidden[i] = Activate(s, act);
            }
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = x[i];
                for (int j = 0; j < hdim; j++) s += w2[i, j] * hidden[j];
                y[i] = s;
            }
            return 0.5 * y.Select(v => v * v).Sum();
        }

        // NeuralNet.LabelSmoothedCrossEntropy as written (NN9). Idioms: cross-entropy with label smoothing.
        [Differentiable]
        public static double LabelSmoothedCrossEntropy(double[] logits, int label, [Constant] double smoothing = 0.1)
        {
            int k = logits.Length;
            double max = logits.Max();
            double lse = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
            double loss = 0;
            for (int c = 0; c < k; c++)
            {
                double target = c == label ? 1 - smoothing + smoothing / k : smoothing / k;
                loss -= target * (logits[c] - lse);
            }
            return loss;
        }

        // NeuralNet.TextCnnMaxPool as written (NN11). Idioms: text-CNN with max-pool over time (argmax then gather).
        private static double WindowDot(double[][] seq, double[,] filters, int f, int t, int width)
        {
            int D = seq[0].Length;
            double s = 0;
            for (int k = 0; k < width; k++)
                for (int d = 0; d < D; d++)
                    s += filters[f, k * D + d] * seq[t + k][d];
            return s;
        }

        [Differentiable(nameof(filters))]
        public static double TextCnnMaxPool(double[][] seq, double[,] filters, int width = 3)
        {
            int T = seq.Length, F = filters.GetLength(0);
            double score = 0;
            for (int f = 0; f < F; f++)
            {
                int best = 0;
                double bestVal = double.MinValue;
                for (int t = 0; t + width <= T; t++)
                {
                    double s = WindowDot(seq, filters, f, t, width);
                    if (s > bestVal) { bestVal = s; best = t; }
                }
                double pooled = WindowDot(seq, filters, f, best, width);
                score += (f % 2 == 0 ? 1.0 : -1.0) * Math.Tanh(pooled);
            }
            return score;
        }

        // ================================================================ Classic ML / stats (ClassicMl)

        // ClassicMl.LogisticL2 as written (ML1). Idioms: logistic regression with L2.
        [Differentiable(nameof(w), nameof(bias))]
        public static double LogisticL2(double[,] X, int[] y, double[] w, double bias, double lambda = 1e-2)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            double nll = 0;
            for (int i = 0; i < n; i++)
            {
                double z = bias;
                for (int j = 0; j < d; j++) z += X[i, j] * w[j];
                double m = y[i] == 1 ? z : -z;
                // stable log(1 + exp(-m))
                nll += m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
            }
            double reg = 0;
            foreach (var wj in w) reg += wj * wj;
            return nll / n + 0.5 * lambda * reg;
        }

        // ClassicMl.SoftKMeans as written (ML2). Idioms: k-means soft assignment (soft-min of squared distances).
        [Differentiable(nameof(centroids))]
        public static double SoftKMeans(double[][] points, double[][] centroids, double beta = 5.0)
        {
            double SqDist(double[] a, double[] b)
            {
                double s = 0;
                for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
                return s;
            }

            double total = 0;
            foreach (var p in points)
            {
                var neg = new double[centroids.Length];
                for (int k = 0; k < centroids.Length; k++) neg[k] = -beta * SqDist(p, centroids[k]);
                total += -Round30MathUtil.LogSumExp(neg) / beta;
            }
            return total / points.Length;
        }

        // ClassicMl.GmmLogLik as written (ML3). Idioms: 1-D Gaussian mixture log-likelihood.
        [Differentiable(nameof(means), nameof(logSigmas), nameof(logits))]
        public static double GmmLogLik(double[] data, double[] means, double[] logSigmas, double[] logits)
        {
            int K = means.Length;
            double lseW = Round30MathUtil.LogSumExp(logits);
            double ll = 0;
            var comp = new double[K];
            foreach (double x in data)
            {
                double m = double.NegativeInfinity;
                for (int k = 0; k < K; k++)
                {
                    double s = Math.Exp(logSigmas[k]);
                    double z = (x - means[k]) / s;
                    comp[k] = logits[k] - lseW - 0.5 * z * z - logSigmas[k] - 0.5 * Math.Log(2 * Math.PI);
                    m = Math.Max(m, comp[k]);
                }
                double acc = 0;
                for (int k = 0; k < K; k++) acc += Math.Exp(comp[k] - m);
                ll += m + Math.Log(acc);
            }
            return ll;
        }

        // ClassicMl.RidgeValidationLoss as written (ML5). Idioms: ridge fitted by an unrolled gradient-descent loop; validation loss wrt lambda and ytr.
        private static double Mse(double[,] X, double[] y, double[] w)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double p = 0;
                for (int j = 0; j < d; j++) p += X[i, j] * w[j];
                s += (p - y[i]) * (p - y[i]);
            }
            return s / n;
        }

        [Differentiable(nameof(lambda), nameof(ytr))]
        public static double RidgeValidationLoss(double[,] Xtr, double[] ytr, double[,] Xval, double[] yval,
                                                 double lambda, int iters = 50, double lr = 0.05)
        {
            int n = Xtr.GetLength(0), d = Xtr.GetLength(1);
            var w = new double[d];
            var grad = new double[d];
            for (int it = 0; it < iters; it++)
            {
                Array.Clear(grad);
                for (int i = 0; i < n; i++)
                {
                    double r = -ytr[i];
                    for (int j = 0; j < d; j++) r += Xtr[i, j] * w[j];
                    for (int j = 0; j < d; j++) grad[j] += 2 * r * Xtr[i, j] / n;
                }
                for (int j = 0; j < d; j++) w[j] -= lr * (grad[j] + 2 * lambda * w[j]);
            }
            return Mse(Xval, yval, w);
        }

        // ClassicMl.KdeLogLikelihood as written (ML6). Idioms: kernel density log-likelihood with nested LINQ lambdas.
        [Differentiable]
        public static double KdeLogLikelihood(double[] sample, double[] queries, double bandwidth)
        {
            double norm = 1.0 / (sample.Length * bandwidth * Math.Sqrt(2 * Math.PI));
            return queries.Sum(q => Math.Log(norm * sample.Sum(s => Math.Exp(-0.5 * Round30MathUtil.Sq((q - s) / bandwidth)))));
        }

        // ClassicMl.MultiQuantileLoss as written (ML7). Idioms: multi-quantile (pinball) loss with static readonly tau table.
        private static readonly double[] Taus = { 0.1, 0.5, 0.9 };

        [Differentiable(nameof(preds))]
        public static double MultiQuantileLoss(double[,] preds, double[] targets)
        {
            double loss = 0;
            for (int i = 0; i < targets.Length; i++)
                for (int q = 0; q < Taus.Length; q++)
                {
                    double r = targets[i] - preds[i, q];
                    loss += r >= 0 ? Taus[q] * r : (Taus[q] - 1) * r;
                }
            return loss / targets.Length;
        }

        // ClassicMl.HuberIrlsPrediction as written (ML8). Idioms: Huber line regression with IRLS, weights passed as Func.
        private static (double a, double b) WeightedLineFit(double[] x, double[] y, Func<int, double> weight)
        {
            double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double w = weight(i);
                sw += w; sx += w * x[i]; sy += w * y[i];
                sxx += w * x[i] * x[i]; sxy += w * x[i] * y[i];
            }
            double det = sw * sxx - sx * sx;
            double b = (sw * sxy - sx * sy) / det;
            double a = (sy - b * sx) / sw;
            return (a, b);
        }

        [Differentiable(nameof(x), nameof(y))]
        public static double HuberIrlsPrediction(double[] x, double[] y, double delta = 1.0, int maxIter = 50)
        {
            var (a, b) = WeightedLineFit(x, y, _ => 1.0);
            for (int it = 0; it < maxIter; it++)
            {
                double ca = a, cb = b;
                var (na, nb) = WeightedLineFit(x, y, i =>
                {
                    double r = Math.Abs(y[i] - ca - cb * x[i]);
                    return r <= delta ? 1.0 : delta / r;
                });
                bool done = Math.Abs(na - a) + Math.Abs(nb - b) < 1e-13;
                a = na; b = nb;
                if (done) break;
            }
            return a + 2.0 * b;
        }

        // ================================================================ Physics / simulation / geometry (Physics)

        // Physics.NBodyKineticAfter as written (PH1). Idioms: n-body with softening, symplectic Euler, kinetic energy at the end.
        [Differentiable(nameof(pos), nameof(vel))]
        public static double NBodyKineticAfter(double[,] pos, double[,] vel, double[] mass,
                                               int steps = 10, double dt = 0.01, double soft = 0.1)
        {
            int n = mass.Length;
            var p = (double[,])pos.Clone();
            var v = (double[,])vel.Clone();
            for (int s = 0; s < steps; s++)
            {
                var acc = new double[n, 3];
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++)
                    {
                        double dx = p[j, 0] - p[i, 0], dy = p[j, 1] - p[i, 1], dz = p[j, 2] - p[i, 2];
                        double r2 = dx * dx + dy * dy + dz * dz + soft * soft;
                        double inv = 1.0 / (r2 * Math.Sqrt(r2));
                        acc[i, 0] += mass[j] * dx * inv; acc[i, 1] += mass[j] * dy * inv; acc[i, 2] += mass[j] * dz * inv;
                        acc[j, 0] -= mass[i] * dx * inv; acc[j, 1] -= mass[i] * dy * inv; acc[j, 2] -= mass[i] * dz * inv;
                    }
                for (int i = 0; i < n; i++)
                    for (int k = 0; k < 3; k++)
                    {
                        v[i, k] += dt * acc[i, k];
                        p[i, k] += dt * v[i, k];
                    }
            }
            double ke = 0;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < 3; k++) ke += 0.5 * mass[i] * v[i, k] * v[i, k];
            return ke;
        }

        // Physics.ClothSpringEnergy as written (PH3). Idioms: cloth springs on a grid, ref accumulator helper, params Norm.
        private static void AddSpring(ref double energy, double ax, double ay, double bx, double by, double rest, double k)
        {
            double len = Round30MathUtil.Norm(bx - ax, by - ay);
            double stretch = len - rest;
            energy += 0.5 * k * stretch * stretch;
        }

        [Differentiable]
        public static double ClothSpringEnergy(double[,] px, double[,] py, double rest, double stiffness)
        {
            int rows = px.GetLength(0), cols = px.GetLength(1);
            double energy = 0;
            double diag = rest * Math.Sqrt(2);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    if (c + 1 < cols) AddSpring(ref energy, px[r, c], py[r, c], px[r, c + 1], py[r, c + 1], rest, stiffness);
                    if (r + 1 < rows) AddSpring(ref energy, px[r, c], py[r, c], px[r + 1, c], py[r + 1, c], rest, stiffness);
                    if (r + 1 < rows && c + 1 < cols)
                        AddSpring(ref energy, px[r, c], py[r, c], px[r + 1, c + 1], py[r + 1, c + 1], diag, 0.5 * stiffness);
                }
            return energy;
        }

        // Physics.ProjectileRange as written (PH4). Idioms: projectile with quadratic drag, while-until-ground, interpolated landing point.
        [Differentiable(nameof(speed), nameof(angle), nameof(drag))]
        public static double ProjectileRange(double speed, double angle, double drag, double dt = 1e-3, double g = 9.81)
        {
            double x = 0, y = 0;
            double vx = speed * Math.Cos(angle), vy = speed * Math.Sin(angle);
            double prevX = 0, prevY = 0;
            int steps = 0;
            while (y >= 0 && steps < 1_000_000)
            {
                prevX = x; prevY = y;
                double v = Math.Sqrt(vx * vx + vy * vy);
                vx -= drag * v * vx * dt;
                vy -= (g + drag * v * vy) * dt;
                x += vx * dt;
                y += vy * dt;
                steps++;
            }
            double frac = prevY / (prevY - y);
            return prevX + frac * (x - prevX);
        }

        // Physics.VerletPendulum as written (PH5). Idioms: Stormer-Verlet for a nonlinear pendulum, local function for acceleration.
        [Differentiable]
        public static double VerletPendulum(double theta0, double omega0, double length, [Constant] double dt = 0.01, int steps = 300)
        {
            const double g = 9.81;
            double Accel(double th) => -g / length * Math.Sin(th);

            double prev = theta0;
            double cur = theta0 + omega0 * dt + 0.5 * Accel(theta0) * dt * dt;
            for (int i = 1; i < steps; i++)
            {
                double next = 2 * cur - prev + Accel(cur) * dt * dt;
                prev = cur;
                cur = next;
            }
            return cur;
        }

        // Physics.RaySphereHitDistance as written (PH6). Idioms: ray-sphere intersection with a Round30Vec3 record struct and early return.
        [Differentiable]
        public static double RaySphereHitDistance(double ox, double oy, double oz, double dx, double dy, double dz,
                                                  double cx, double cy, double cz, double radius)
        {
            var o = new Round30Vec3(ox, oy, oz);
            var d = new Round30Vec3(dx, dy, dz).Normalized();
            var oc = o - new Round30Vec3(cx, cy, cz);
            double b = oc.Dot(d);
            double c = oc.Dot(oc) - radius * radius;
            double disc = b * b - c;
            if (disc < 0) return -1.0; // miss
            double sq = Math.Sqrt(disc);
            double t = -b - sq;
            if (t < 0) t = -b + sq;
            return t;
        }

        // Physics.BarycentricInterpolate as written (PH7). Idioms: barycentric interpolation with an out-parameter helper.
        private static void Barycentric(double px, double py, double ax, double ay, double bx, double by,
                                        double cx, double cy, out double u, out double v, out double w)
        {
            double v0x = bx - ax, v0y = by - ay, v1x = cx - ax, v1y = cy - ay, v2x = px - ax, v2y = py - ay;
            double den = v0x * v1y - v1x * v0y;
            v = (v2x * v1y - v1x * v2y) / den;
            w = (v0x * v2y - v2x * v0y) / den;
            u = 1.0 - v - w;
        }

        [Differentiable]
        public static double BarycentricInterpolate(double[] p, double[] a, double[] b, double[] c, double fa, double fb, double fc)
        {
            Barycentric(p[0], p[1], a[0], a[1], b[0], b[1], c[0], c[1], out var u, out var v, out var w);
            return u * fa + v * fb + w * fc;
        }

        // Physics.IkJointCost as written (PH8). Idioms: inverse kinematics of a 2-link arm (tuple-returning helper, Math.Clamp).
        private static (double shoulder, double elbow) SolveIk(double x, double y, double l1, double l2)
        {
            double d2 = x * x + y * y;
            double cosE = Math.Clamp((d2 - l1 * l1 - l2 * l2) / (2 * l1 * l2), -1.0, 1.0);
            double elbow = Math.Acos(cosE);
            double shoulder = Math.Atan2(y, x) - Math.Atan2(l2 * Math.Sin(elbow), l1 + l2 * Math.Cos(elbow));
            return (shoulder, elbow);
        }

        [Differentiable]
        public static double IkJointCost(double targetX, double targetY, double l1 = 1.0, double l2 = 0.8)
        {
            var (s, e) = SolveIk(targetX, targetY, l1, l2);
            return s * s + 0.5 * e * e;
        }

        // ================================================================ Finance / signal / misc (FinanceSignal)

        // FinanceSignal.BinomialAmericanPut as written (FS1). Idioms: American put on a binomial tree.
        [Differentiable(nameof(spot), nameof(rate), nameof(vol))]
        public static double BinomialAmericanPut(double spot, double strike, double rate, double vol, double maturity, int steps = 50)
        {
            double dt = maturity / steps;
            double u = Math.Exp(vol * Math.Sqrt(dt)), d = 1 / u;
            double p = (Math.Exp(rate * dt) - d) / (u - d);
            double disc = Math.Exp(-rate * dt);
            var values = new double[steps + 1];
            for (int i = 0; i <= steps; i++)
                values[i] = Math.Max(strike - spot * Math.Pow(u, steps - i) * Math.Pow(d, i), 0.0);
            for (int n = steps - 1; n >= 0; n--)
                for (int i = 0; i <= n; i++)
                {
                    double cont = disc * (p * values[i] + (1 - p) * values[i + 1]);
                    double exer = strike - spot * Math.Pow(u, n - i) * Math.Pow(d, i);
                    values[i] = Math.Max(cont, exer);
                }
            return values[0];
        }

        // FinanceSignal.Garch11NegLogLik as written (FS2). Idioms: GARCH(1,1) negative log-likelihood.
        [Differentiable(nameof(omega), nameof(alpha), nameof(beta))]
        public static double Garch11NegLogLik(double[] returns, double omega, double alpha, double beta)
        {
            double sigma2 = returns.Select(r => r * r).Average();
            double nll = 0;
            for (int t = 0; t < returns.Length; t++)
            {
                if (t > 0) sigma2 = omega + alpha * returns[t - 1] * returns[t - 1] + beta * sigma2;
                nll += 0.5 * (Math.Log(2 * Math.PI) + Math.Log(sigma2) + returns[t] * returns[t] / sigma2);
            }
            return nll;
        }

        // FinanceSignal.BiquadEnergy as written (FS3). Idioms: IIR biquad filter output energy (float).
        [Differentiable]
        public static float BiquadEnergy(float[] signal, float b0, float b1, float b2, float a1, float a2)
        {
            float x1 = 0, x2 = 0, y1 = 0, y2 = 0, energy = 0;
            foreach (var x in signal)
            {
                float y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                x2 = x1; x1 = x;
                y2 = y1; y1 = y;
                energy += y * y;
            }
            return energy / signal.Length;
        }

        // FinanceSignal.Conv1dSame as written (FS4). Idioms: 1-D "same" convolution via nested loops, constant readout weights.
        [Differentiable]
        public static double Conv1dSame(double[] signal, double[] kernel, [Constant] double[] readout)
        {
            int n = signal.Length, k = kernel.Length, half = k / 2;
            double result = 0;
            for (int i = 0; i < n; i++)
            {
                double acc = 0;
                for (int j = 0; j < k; j++)
                {
                    int idx = i + j - half;
                    if (idx < 0 || idx >= n) continue;
                    acc += signal[idx] * kernel[j];
                }
                result += readout[i] * acc * acc;
            }
            return result;
        }

        // FinanceSignal.MovingAverageRoughness as written (FS5). Idioms: moving average with a circular buffer (float).
        [Differentiable]
        public static float MovingAverageRoughness(float[] series, int window = 4)
        {
            var buf = new float[window];
            int head = 0, count = 0;
            float sum = 0f, prevAvg = 0f, rough = 0f;
            for (int t = 0; t < series.Length; t++)
            {
                if (count == window) sum -= buf[head];
                else count++;
                buf[head] = series[t];
                sum += series[t];
                head = (head + 1) % window;
                float avg = sum / count;
                if (t > 0) rough += (avg - prevAvg) * (avg - prevAvg);
                prevAvg = avg;
            }
            return rough;
        }

        // FinanceSignal.SoftmaxPortfolioUtility as written (FS6). Idioms: softmax portfolio weights, mean-variance utility via LINQ.
        [Differentiable(nameof(logits))]
        public static double SoftmaxPortfolioUtility(double[] logits, double[][] returns, double riskAversion = 3.0)
        {
            double max = logits.Max();
            var exps = logits.Select(l => Math.Exp(l - max)).ToArray();
            double z = exps.Sum();
            var w = exps.Select(e => e / z).ToArray();
            var portRets = returns.Select(r => r.Zip(w, (ri, wi) => ri * wi).Sum()).ToList();
            double mean = portRets.Average();
            double variance = portRets.Sum(p => (p - mean) * (p - mean)) / (portRets.Count - 1);
            return mean - 0.5 * riskAversion * variance;
        }

        // FinanceSignal.BondYield as written (FS7). Idioms: bond yield via Newton iterations.
        [Differentiable(nameof(price), nameof(coupon))]
        public static double BondYield(double price, double coupon, int periods, double face = 100.0)
        {
            double y = coupon / face;
            for (int iter = 0; iter < 50; iter++)
            {
                double pv = 0, dpv = 0;
                for (int t = 1; t <= periods; t++)
                {
                    double df = Math.Pow(1 + y, -t);
                    pv += coupon * df;
                    dpv -= t * coupon * df / (1 + y);
                }
                pv += face * Math.Pow(1 + y, -periods);
                dpv -= periods * face * Math.Pow(1 + y, -periods - 1);
                double step = (pv - price) / dpv;
                y -= step;
                if (Math.Abs(step) < 1e-14) break;
            }
            return y;
        }

        // FinanceSignal.InterpSumSquares as written (FS8). Idioms: piecewise-linear interpolation with binary search, index-from-end, guard clauses.
        private static double Interp(double[] xs, double[] ys, double q)
        {
            if (q <= xs[0]) return ys[0];
            if (q >= xs[^1]) return ys[^1];
            int lo = 0, hi = xs.Length - 1;
            while (hi - lo > 1)
            {
                int mid = (lo + hi) >> 1;
                if (xs[mid] <= q) lo = mid; else hi = mid;
            }
            double t = (q - xs[lo]) / (xs[hi] - xs[lo]);
            return ys[lo] + t * (ys[hi] - ys[lo]);
        }

        [Differentiable]
        public static double InterpSumSquares(double[] xs, double[] ys, double[] queries)
        {
            double s = 0;
            foreach (var q in queries)
            {
                double v = Interp(xs, ys, q);
                s += v * v;
            }
            return s;
        }

        // FinanceSignal.CumsumPenalty as written (FS9). Idioms: cumulative sums with Span<T> / stackalloc.
        private static void CumSum(ReadOnlySpan<double> src, Span<double> dst)
        {
            double running = 0;
            for (int i = 0; i < src.Length; i++)
            {
                running += src[i];
                dst[i] = running;
            }
        }

        [Differentiable]
        public static double CumsumPenalty(double[] increments)
        {
            Span<double> cum = stackalloc double[increments.Length];
            CumSum(increments, cum);
            double penalty = 0;
            foreach (var c in cum) penalty += c * c;
            return penalty / cum.Length;
        }

        // FinanceSignal.Median as written (FS10). Idioms: sorting-based median (Array.Sort on a copy).
        [Differentiable]
        public static double Median(double[] values)
        {
            var copy = (double[])values.Clone();
            Array.Sort(copy);
            int n = copy.Length;
            return n % 2 == 1 ? copy[n / 2] : 0.5 * (copy[n / 2 - 1] + copy[n / 2]);
        }

        // FinanceSignal.BinnedWeightedMeans as written (FS11). Idioms: Dictionary-free histogram with int bins (per-bin mean, weighted).
        [Differentiable(nameof(values), nameof(binWeights))]
        public static double BinnedWeightedMeans(double[] values, double[] binWeights, double lo, double hi)
        {
            int nb = binWeights.Length;
            var counts = new int[nb];
            var sums = new double[nb];
            double width = (hi - lo) / nb;
            foreach (var v in values)
            {
                int b = (int)Math.Floor((v - lo) / width);
                if (b < 0 || b >= nb) continue;
                counts[b]++;
                sums[b] += v;
            }
            double total = 0;
            for (int b = 0; b < nb; b++)
            {
                if (counts[b] == 0) continue;
                double mean = sums[b] / counts[b];
                total += binWeights[b] * mean * mean;
            }
            return total;
        }

        // FinanceSignal.RegressionLoss as written (FS12). Idioms: string-keyed mode switch.
        [Differentiable(nameof(pred))]
        public static double RegressionLoss(double[] pred, double[] target, string mode = "mse")
        {
            double total = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = pred[i] - target[i];
                total += mode switch
                {
                    "mse" => r * r,
                    "mae" => Math.Abs(r),
                    "huber" => Math.Abs(r) <= 1.0 ? 0.5 * r * r : Math.Abs(r) - 0.5,
                    "logcosh" => Math.Log(Math.Cosh(r)),
                    _ => throw new ArgumentException($"unknown mode '{mode}'"),
                };
            }
            return total / pred.Length;
        }
    }

    /// <summary>Round 30's Activation as written (renamed).</summary>
    public enum Round30Activation { Relu, Tanh, Gelu }

    /// <summary>Round 30's Vec3 as written (renamed): a readonly record struct with operators, Dot, a Length property and Normalized.</summary>
    public readonly record struct Round30Vec3(double X, double Y, double Z)
    {
        public static Round30Vec3 operator +(Round30Vec3 a, Round30Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Round30Vec3 operator -(Round30Vec3 a, Round30Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Round30Vec3 operator *(double s, Round30Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);
        public double Dot(Round30Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;
        public double Length => Math.Sqrt(Dot(this));
        public Round30Vec3 Normalized() => (1.0 / Length) * this;
    }

    /// <summary>Round 30's MathUtil as written (renamed): a static class of helpers (a generic Sq&lt;T&gt;, Sigmoid, a params Norm,
    /// LogSumExp over LINQ Max and foreach).</summary>
    public static class Round30MathUtil
    {
        public static T Sq<T>(T x) where T : INumber<T> => x * x;

        public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        public static double Norm(params double[] comps)
        {
            double s = 0;
            foreach (var c in comps) s += c * c;
            return Math.Sqrt(s);
        }

        public static double LogSumExp(double[] a)
        {
            double m = a.Max();
            double s = 0;
            foreach (var v in a) s += Math.Exp(v - m);
            return m + Math.Log(s);
        }
    }
}
