using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 34: probe batch 34 (2026-12-05), 40 small natural functions written by a helper who had not read the docs, in the
    /// probe's classes Physics, Finance, SignalStats, Layers and Misc (simulation, finance, signal processing and statistics,
    /// layers and losses, geometry and small solvers), a record struct FocalParams and an instance class TinyRegressor; 38
    /// accepted as written and 2 after generator fixes: HeatDiffuse (#3, DIFF0004 in the probe: Array.Copy into a
    /// double-buffered local, swapped with (cur, next) = (next, cur)) and RotationAlignment (#36, DIFF0005 in the probe: its
    /// helper QMul's named 4-tuple parameters), accepted since Array.Copy into a double-buffered local and a helper's tuple
    /// parameters are supported. All here as written (the author's bodies, parameters, attributes and comments; each
    /// function's probe number in its comment, the two refusals with a note). The five static classes' methods and their
    /// private helpers (NormCdf, FrameSize and the Hann table, the Lanczos table and LogGamma, SquaredRowDistance, Sigmoid,
    /// ArgMax, Gelu, QMul) are this class's, in the probe's order; no name clashes among them, so no function is renamed. The
    /// batch's types are declared below with a Round34 prefix, the call sites renamed to match:
    /// <see cref="Round34FocalParams"/> (FocalLoss's hyper-parameters) and <see cref="Round34TinyRegressor"/>
    /// (TinyRegressor's instance SquaredError over its readonly weight fields). No attribute added or changed.
    /// SoftplusMeanF is float: its double twin is SoftplusMeanFTwin (NaturalIdioms.Round34.Twins.cs).
    /// </summary>
    public static partial class NaturalRound34
    {
        // ======================= Physics (the probe's class Physics) =======================

        // 1. Chain of masses joined by springs with a rest length: kinetic + elastic energy.
        [Differentiable]
        public static double SpringChainEnergy(double[] x, double[] v, double k, double restLength, [Constant] double mass)
        {
            double kinetic = 0.0;
            for (int i = 0; i < v.Length; i++)
                kinetic += 0.5 * mass * v[i] * v[i];
            double potential = 0.0;
            for (int i = 0; i + 1 < x.Length; i++)
            {
                double stretch = x[i + 1] - x[i] - restLength;
                potential += 0.5 * k * stretch * stretch;
            }
            return kinetic + potential;
        }

        // 2. Velocity-Verlet integration of a planar Kepler orbit; returns the final radius.
        [Differentiable]
        public static double VerletOrbit(double[] pos, double[] vel, double gm, double dt, int steps)
        {
            double x = pos[0], y = pos[1];
            double vx = vel[0], vy = vel[1];
            double r = Math.Sqrt(x * x + y * y);
            double ax = -gm * x / (r * r * r);
            double ay = -gm * y / (r * r * r);
            for (int s = 0; s < steps; s++)
            {
                x += vx * dt + 0.5 * ax * dt * dt;
                y += vy * dt + 0.5 * ay * dt * dt;
                r = Math.Sqrt(x * x + y * y);
                double nax = -gm * x / (r * r * r);
                double nay = -gm * y / (r * r * r);
                vx += 0.5 * (ax + nax) * dt;
                vy += 0.5 * (ay + nay) * dt;
                ax = nax;
                ay = nay;
            }
            return Math.Sqrt(x * x + y * y);
        }

        // 3. Explicit heat-equation steps with fixed (Dirichlet) ends, double buffering with a tuple swap.
        // (the probe's refusal DIFF0004: Array.Copy into a local swapped later; accepted since the generator's fix)
        [Differentiable]
        public static void HeatDiffuse(double[] u0, double[] uT, double alpha, int steps)
        {
            int n = u0.Length;
            var cur = new double[n];
            var next = new double[n];
            Array.Copy(u0, cur, n);
            for (int s = 0; s < steps; s++)
            {
                next[0] = cur[0];
                next[n - 1] = cur[n - 1];
                for (int i = 1; i < n - 1; i++)
                    next[i] = cur[i] + alpha * (cur[i - 1] - 2.0 * cur[i] + cur[i + 1]);
                (cur, next) = (next, cur);
            }
            for (int i = 0; i < n; i++)
                uT[i] = cur[i];
        }

        // 4. Damped pendulum, classic RK4 with a local derivative function returning a tuple.
        [Differentiable]
        public static double PendulumRk4(double theta0, double omega0, double g, double length, double damping, [Constant] double dt, int steps)
        {
            (double dTheta, double dOmega) Deriv(double th, double om) => (om, -g / length * Math.Sin(th) - damping * om);

            double theta = theta0, omega = omega0;
            for (int i = 0; i < steps; i++)
            {
                var (k1t, k1o) = Deriv(theta, omega);
                var (k2t, k2o) = Deriv(theta + 0.5 * dt * k1t, omega + 0.5 * dt * k1o);
                var (k3t, k3o) = Deriv(theta + 0.5 * dt * k2t, omega + 0.5 * dt * k2o);
                var (k4t, k4o) = Deriv(theta + dt * k3t, omega + dt * k3o);
                theta += dt / 6.0 * (k1t + 2 * k2t + 2 * k3t + k4t);
                omega += dt / 6.0 * (k1o + 2 * k2o + 2 * k3o + k4o);
            }
            return theta;
        }

        // 5. Lennard-Jones pair energy of particles stored as rows of a 2-D array.
        [Differentiable]
        public static double LennardJonesEnergy(double[,] pos, double epsilon, double sigma)
        {
            int n = pos.GetLength(0);
            int dim = pos.GetLength(1);
            double energy = 0.0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double r2 = 0.0;
                    for (int d = 0; d < dim; d++)
                    {
                        double diff = pos[i, d] - pos[j, d];
                        r2 += diff * diff;
                    }
                    double sr2 = sigma * sigma / r2;
                    double sr6 = sr2 * sr2 * sr2;
                    energy += 4.0 * epsilon * (sr6 * sr6 - sr6);
                }
            }
            return energy;
        }

        // ======================= Finance (the probe's class Finance) =======================

        // Abramowitz & Stegun 26.2.17 approximation of the standard normal CDF.
        private static double NormCdf(double x)
        {
            const double p = 0.2316419;
            const double b1 = 0.319381530, b2 = -0.356563782, b3 = 1.781477937, b4 = -1.821255978, b5 = 1.330274429;
            double ax = Math.Abs(x);
            double t = 1.0 / (1.0 + p * ax);
            double pdf = Math.Exp(-0.5 * ax * ax) / Math.Sqrt(2.0 * Math.PI);
            double tail = pdf * t * (b1 + t * (b2 + t * (b3 + t * (b4 + t * b5))));
            return x >= 0 ? 1.0 - tail : tail;
        }

        // 6. Black-Scholes European call price (greeks = gradient).
        [Differentiable]
        public static double BlackScholesCall(double spot, double strike, double rate, double vol, double maturity)
        {
            double sqrtT = Math.Sqrt(maturity);
            double d1 = (Math.Log(spot / strike) + (rate + 0.5 * vol * vol) * maturity) / (vol * sqrtT);
            double d2 = d1 - vol * sqrtT;
            return spot * NormCdf(d1) - strike * Math.Exp(-rate * maturity) * NormCdf(d2);
        }

        // 7. Variance of a portfolio whose raw weights are normalised to sum to one.
        [Differentiable]
        public static double PortfolioVariance(double[] rawWeights, double[,] cov)
        {
            int n = rawWeights.Length;
            double total = 0.0;
            for (int i = 0; i < n; i++)
                total += rawWeights[i];
            double variance = 0.0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    variance += rawWeights[i] / total * cov[i, j] * rawWeights[j] / total;
            return variance;
        }

        // 8. Net present value with a compounding discount factor; params array, early return, foreach.
        [Differentiable]
        public static double NetPresentValue(double rate, params double[] cashFlows)
        {
            if (cashFlows.Length == 0)
                return 0.0;
            double npv = 0.0;
            double discount = 1.0;
            foreach (double cf in cashFlows)
            {
                npv += cf * discount;
                discount /= 1.0 + rate;
            }
            return npv;
        }

        // 9. Annualised Sharpe ratio of daily returns.
        [Differentiable]
        public static double SharpeRatio(double[] returns, [Constant] double riskFree)
        {
            double mean = 0.0;
            foreach (var r in returns)
                mean += r;
            mean /= returns.Length;
            double variance = 0.0;
            foreach (var r in returns)
                variance += (r - mean) * (r - mean);
            variance /= returns.Length - 1;
            return (mean - riskFree) / Math.Sqrt(variance) * Math.Sqrt(252.0);
        }

        // 10. Annuity (mortgage) payment with an optional compounding frequency.
        [Differentiable]
        public static double MonthlyPayment(double principal, double annualRate, int years, int periodsPerYear = 12)
        {
            double r = annualRate / periodsPerYear;
            int n = years * periodsPerYear;
            return principal * r / (1.0 - Math.Pow(1.0 + r, -n));
        }

        // ======================= Signals and statistics (the probe's class SignalStats) =======================

        // 11. Direct-form-I biquad IIR filter.
        [Differentiable]
        public static void Biquad(double[] x, double[] y, double b0, double b1, double b2, double a1, double a2)
        {
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
            for (int n = 0; n < x.Length; n++)
            {
                double outv = b0 * x[n] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                x2 = x1;
                x1 = x[n];
                y2 = y1;
                y1 = outv;
                y[n] = outv;
            }
        }

        // 12. Energy of the normalised autocorrelation over lags 1..maxLag (while loop with a counter).
        [Differentiable]
        public static double AutocorrelationEnergy(double[] x, int maxLag)
        {
            int n = x.Length;
            double energy = 0.0;
            int lag = 1;
            while (lag <= maxLag)
            {
                double r = 0.0;
                for (int t = 0; t + lag < n; t++)
                    r += x[t] * x[t + lag];
                r /= n - lag;
                energy += r * r;
                lag++;
            }
            return energy;
        }

        private const int FrameSize = 8;
        private static readonly double[] Hann = { 0.0, 0.1883, 0.6113, 0.9505, 0.9505, 0.6113, 0.1883, 0.0 };

        // 13. Mean log energy of Hann-windowed frames (const + static readonly table, frame counter).
        [Differentiable]
        public static double WindowedLogEnergy(double[] signal, int hop)
        {
            double total = 0.0;
            int frames = 0;
            for (int start = 0; start + FrameSize <= signal.Length; start += hop)
            {
                double e = 0.0;
                for (int k = 0; k < FrameSize; k++)
                {
                    double s = signal[start + k] * Hann[k];
                    e += s * s;
                }
                total += Math.Log(e + 1e-8);
                frames++;
            }
            return total / frames;
        }

        private static readonly double[] Lanczos =
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };

        // Lanczos approximation of log Gamma(x), x > 0.5.
        private static double LogGamma(double x)
        {
            x -= 1.0;
            double a = Lanczos[0];
            double t = x + 7.5;
            for (int i = 1; i < 9; i++)
                a += Lanczos[i] / (x + i);
            return 0.5 * Math.Log(2.0 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
        }

        // 14. Student-t log-likelihood with location mu and log-scale.
        [Differentiable]
        public static double StudentTLogLikelihood(double[] x, double mu, double logSigma, [Constant] double nu)
        {
            double sigma = Math.Exp(logSigma);
            double norm = LogGamma(0.5 * (nu + 1.0)) - LogGamma(0.5 * nu) - 0.5 * Math.Log(nu * Math.PI) - logSigma;
            double ll = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                double z = (x[i] - mu) / sigma;
                ll += norm - 0.5 * (nu + 1.0) * Math.Log(1.0 + z * z / nu);
            }
            return ll;
        }

        // 15. Huber loss with an optional threshold (ternary select).
        [Differentiable]
        public static double HuberLoss(double[] pred, double[] target, double delta = 1.0)
        {
            double sum = 0.0;
            for (int i = 0; i < pred.Length; i++)
            {
                double r = Math.Abs(pred[i] - target[i]);
                sum += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
            }
            return sum / pred.Length;
        }

        // 16. Weighted pinball (quantile) loss; zero-weight samples skipped with continue.
        [Differentiable]
        public static double PinballLoss(double[] pred, double[] y, [Constant] double[] weight, double tau)
        {
            double loss = 0.0, wsum = 0.0;
            for (int i = 0; i < pred.Length; i++)
            {
                if (weight[i] == 0.0)
                    continue;
                double diff = y[i] - pred[i];
                loss += weight[i] * Math.Max(tau * diff, (tau - 1.0) * diff);
                wsum += weight[i];
            }
            return loss / wsum;
        }

        // 17. Gaussian kernel-density log-likelihood of query points; a lambda passed to a local log-sum-exp helper.
        [Differentiable]
        public static double KdeLogLikelihood([Constant] double[] data, double[] queries, double bandwidth)
        {
            double LogSumExp(int n, Func<int, double> term)
            {
                double max = double.NegativeInfinity;
                for (int i = 0; i < n; i++)
                    max = Math.Max(max, term(i));
                double s = 0.0;
                for (int i = 0; i < n; i++)
                    s += Math.Exp(term(i) - max);
                return max + Math.Log(s);
            }

            double logNorm = -Math.Log(data.Length * bandwidth * Math.Sqrt(2.0 * Math.PI));
            double total = 0.0;
            foreach (double q in queries)
                total += logNorm + LogSumExp(data.Length, j => { double z = (q - data[j]) / bandwidth; return -0.5 * z * z; });
            return total;
        }

        // 18. Mean square over the entries selected by a bool mask (count++).
        [Differentiable]
        public static double MaskedMeanSquare(double[] x, bool[] mask)
        {
            double sum = 0.0;
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (mask[i])
                {
                    sum += x[i] * x[i];
                    count++;
                }
            }
            return count > 0 ? sum / count : 0.0;
        }

        // ======================= Layers and losses (the probe's class Layers) =======================

        // 19. 1-D convolution with stride and zero padding.
        [Differentiable]
        public static void Conv1D(double[] x, double[] kernel, double bias, double[] y, int stride, int padding)
        {
            int k = kernel.Length;
            for (int o = 0; o < y.Length; o++)
            {
                double acc = bias;
                int start = o * stride - padding;
                for (int j = 0; j < k; j++)
                {
                    int idx = start + j;
                    if (idx < 0 || idx >= x.Length)
                        continue;
                    acc += kernel[j] * x[idx];
                }
                y[o] = acc;
            }
        }

        // 20. Depthwise 1-D convolution ("same" padding), one kernel per channel.
        [Differentiable]
        public static void DepthwiseConv(double[,] x, double[,] kernels, double[,] y)
        {
            int channels = x.GetLength(0), len = x.GetLength(1), k = kernels.GetLength(1);
            int half = k / 2;
            for (int c = 0; c < channels; c++)
            {
                for (int t = 0; t < len; t++)
                {
                    double acc = 0.0;
                    for (int j = 0; j < k; j++)
                    {
                        int idx = t + j - half;
                        if (idx >= 0 && idx < len)
                            acc += kernels[c, j] * x[c, idx];
                    }
                    y[c, t] = acc;
                }
            }
        }

        // 21. Layer normalisation over the rows of a 2-D batch.
        [Differentiable]
        public static void LayerNormRows(double[,] x, double[] gamma, double[] beta, double[,] y)
        {
            const double eps = 1e-5;
            int rows = x.GetLength(0), cols = x.GetLength(1);
            for (int r = 0; r < rows; r++)
            {
                double mean = 0.0;
                for (int c = 0; c < cols; c++)
                    mean += x[r, c];
                mean /= cols;
                double variance = 0.0;
                for (int c = 0; c < cols; c++)
                    variance += (x[r, c] - mean) * (x[r, c] - mean);
                variance /= cols;
                double inv = 1.0 / Math.Sqrt(variance + eps);
                for (int c = 0; c < cols; c++)
                    y[r, c] = gamma[c] * (x[r, c] - mean) * inv + beta[c];
            }
        }

        // 22. Embedding lookup with int ids, mean pooling, linear read-out, squared error.
        [Differentiable]
        public static double EmbeddingRegression(double[,] table, int[] ids, double[] w, [Constant] double target)
        {
            int dim = table.GetLength(1);
            var pooled = new double[dim];
            foreach (int id in ids)
                for (int d = 0; d < dim; d++)
                    pooled[d] += table[id, d];
            double pred = 0.0;
            for (int d = 0; d < dim; d++)
                pred += w[d] * pooled[d] / ids.Length;
            double err = pred - target;
            return err * err;
        }

        // 23. Binary focal loss; hyper-parameters in a record struct.
        [Differentiable]
        public static double FocalLoss(double[] logits, int[] labels, Round34FocalParams p)
        {
            double loss = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                double prob = 1.0 / (1.0 + Math.Exp(-logits[i]));
                double pt = labels[i] == 1 ? prob : 1.0 - prob;
                double at = labels[i] == 1 ? p.Alpha : 1.0 - p.Alpha;
                loss += -at * Math.Pow(1.0 - pt, p.Gamma) * Math.Log(pt);
            }
            return loss / logits.Length;
        }

        // 24. Label-smoothed cross-entropy over a jagged batch of logits.
        [Differentiable]
        public static double LabelSmoothedCrossEntropy(double[][] logits, int[] labels, [Constant] double smoothing)
        {
            double total = 0.0;
            for (int b = 0; b < logits.Length; b++)
            {
                double[] row = logits[b];
                int k = row.Length;
                double max = row[0];
                for (int c = 1; c < k; c++)
                    if (row[c] > max)
                        max = row[c];
                double sum = 0.0;
                for (int c = 0; c < k; c++)
                    sum += Math.Exp(row[c] - max);
                double logZ = max + Math.Log(sum);
                for (int c = 0; c < k; c++)
                {
                    double target = c == labels[b] ? 1.0 - smoothing + smoothing / k : smoothing / k;
                    total -= target * (row[c] - logZ);
                }
            }
            return total / logits.Length;
        }

        private static double SquaredRowDistance(double[,] a, double[,] b, int row)
        {
            double s = 0.0;
            for (int d = 0; d < a.GetLength(1); d++)
            {
                double diff = a[row, d] - b[row, d];
                s += diff * diff;
            }
            return s;
        }

        // 25. Triplet margin loss over a batch (static helper over 2-D arrays, hinge).
        [Differentiable]
        public static double TripletLoss(double[,] anchor, double[,] positive, double[,] negative, [Constant] double margin)
        {
            int n = anchor.GetLength(0);
            double loss = 0.0;
            for (int i = 0; i < n; i++)
            {
                double dp = Math.Sqrt(SquaredRowDistance(anchor, positive, i));
                double dn = Math.Sqrt(SquaredRowDistance(anchor, negative, i));
                loss += Math.Max(0.0, dp - dn + margin);
            }
            return loss / n;
        }

        // 26. Soft Dice loss on sigmoid probabilities.
        [Differentiable]
        public static double DiceLoss(double[] logits, [Constant] double[] target)
        {
            const double smooth = 1.0;
            double inter = 0.0, psum = 0.0, tsum = 0.0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = 1.0 / (1.0 + Math.Exp(-logits[i]));
                inter += p * target[i];
                psum += p;
                tsum += target[i];
            }
            return 1.0 - (2.0 * inter + smooth) / (psum + tsum + smooth);
        }

        // 27. Pairwise cosine-similarity matrix between rows of a and rows of b.
        [Differentiable]
        public static void CosineSimilarityMatrix(double[,] a, double[,] b, double[,] sim)
        {
            int n = a.GetLength(0), m = b.GetLength(0), d = a.GetLength(1);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    double dot = 0.0, na = 0.0, nb = 0.0;
                    for (int k = 0; k < d; k++)
                    {
                        dot += a[i, k] * b[j, k];
                        na += a[i, k] * a[i, k];
                        nb += b[j, k] * b[j, k];
                    }
                    sim[i, j] = dot / Math.Sqrt(na * nb);
                }
            }
        }

        private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        // 28. Gated linear unit layer: (Wx + bw) * sigmoid(Vx + bv).
        [Differentiable]
        public static void GatedLinearUnit(double[] x, double[,] w, double[,] v, double[] bw, double[] bv, double[] y)
        {
            int outDim = y.Length, inDim = x.Length;
            for (int o = 0; o < outDim; o++)
            {
                double a = bw[o], g = bv[o];
                for (int i = 0; i < inDim; i++)
                {
                    a += w[o, i] * x[i];
                    g += v[o, i] * x[i];
                }
                y[o] = a * Sigmoid(g);
            }
        }

        private static int ArgMax(double[] values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++)
                if (values[i] > values[best])
                    best = i;
            return best;
        }

        // 29. Mixture of experts with a softmax gate and top-1 routing by argmax.
        [Differentiable]
        public static double MixtureOfExpertsTop1(double[] x, double[,] gateW, double[][] expertW, [Constant] double target)
        {
            int experts = gateW.GetLength(0), d = x.Length;
            var probs = new double[experts];
            double max = double.NegativeInfinity;
            for (int e = 0; e < experts; e++)
            {
                double z = 0.0;
                for (int i = 0; i < d; i++)
                    z += gateW[e, i] * x[i];
                probs[e] = z;
                if (z > max)
                    max = z;
            }
            double sum = 0.0;
            for (int e = 0; e < experts; e++)
            {
                probs[e] = Math.Exp(probs[e] - max);
                sum += probs[e];
            }
            for (int e = 0; e < experts; e++)
                probs[e] /= sum;
            int k = ArgMax(probs);
            double expertOut = 0.0;
            for (int i = 0; i < d; i++)
                expertOut += expertW[k][i] * x[i];
            double y = probs[k] * expertOut;
            return 0.5 * (y - target) * (y - target);
        }

        private static double Gelu(double z) => 0.5 * z * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (z + 0.044715 * z * z * z)));

        // 30. Pre-norm transformer MLP block with GELU and a residual connection.
        [Differentiable]
        public static void MlpBlock(double[] x, double[,] w1, double[] b1, double[,] w2, double[] b2, double[] y)
        {
            int d = x.Length, h = b1.Length;
            double mean = 0.0;
            for (int i = 0; i < d; i++) mean += x[i];
            mean /= d;
            double variance = 0.0;
            for (int i = 0; i < d; i++) variance += (x[i] - mean) * (x[i] - mean);
            variance /= d;
            double inv = 1.0 / Math.Sqrt(variance + 1e-6);
            var xn = new double[d];
            for (int i = 0; i < d; i++) xn[i] = (x[i] - mean) * inv;
            var hidden = new double[h];
            for (int j = 0; j < h; j++)
            {
                double z = b1[j];
                for (int i = 0; i < d; i++) z += w1[j, i] * xn[i];
                hidden[j] = Gelu(z);
            }
            for (int i = 0; i < d; i++)
            {
                double acc = b2[i];
                for (int j = 0; j < h; j++) acc += w2[i, j] * hidden[j];
                y[i] = x[i] + acc;
            }
        }

        // 31. Contrastive loss with margin for pairs labelled same (1) / different (0).
        [Differentiable]
        public static double ContrastiveLoss(double[,] a, double[,] b, int[] same, [Constant] double margin)
        {
            int n = a.GetLength(0), dim = a.GetLength(1);
            double loss = 0.0;
            for (int i = 0; i < n; i++)
            {
                double d2 = 0.0;
                for (int k = 0; k < dim; k++)
                {
                    double diff = a[i, k] - b[i, k];
                    d2 += diff * diff;
                }
                double dist = Math.Sqrt(d2 + 1e-12);
                loss += same[i] == 1 ? d2 : Math.Pow(Math.Max(0.0, margin - dist), 2);
            }
            return loss / (2.0 * n);
        }

        // ======================= Miscellaneous (the probe's class Misc) =======================

        // 33. Mean softplus with temperature in single precision (MathF).
        [Differentiable]
        public static float SoftplusMeanF(float[] x, float beta)
        {
            float s = 0f;
            for (int i = 0; i < x.Length; i++)
                s += MathF.Log(1f + MathF.Exp(beta * x[i])) / beta;
            return s / x.Length;
        }

        // 34. Polygon area by the shoelace formula (wrap-around via modulo).
        [Differentiable]
        public static double PolygonArea(double[] xs, double[] ys)
        {
            int n = xs.Length;
            double a = 0.0;
            for (int i = 0; i < n; i++)
            {
                int j = (i + 1) % n;
                a += xs[i] * ys[j] - xs[j] * ys[i];
            }
            return 0.5 * Math.Abs(a);
        }

        // 35. Distance from a point to a segment (projection clamped with Math.Clamp).
        [Differentiable]
        public static double PointSegmentDistance(double px, double py, double ax, double ay, double bx, double by)
        {
            double abx = bx - ax, aby = by - ay;
            double t = ((px - ax) * abx + (py - ay) * aby) / (abx * abx + aby * aby);
            t = Math.Clamp(t, 0.0, 1.0);
            double cx = ax + t * abx, cy = ay + t * aby;
            return Math.Sqrt((px - cx) * (px - cx) + (py - cy) * (py - cy));
        }

        // (the probe's refusal DIFF0005: QMul's tuple parameters; accepted since a helper's tuple parameters are split)
        private static (double w, double x, double y, double z) QMul((double w, double x, double y, double z) a, (double w, double x, double y, double z) b)
            => (a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
                a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w);

        // 36. Rotate v by the (normalised) quaternion q and score the alignment with a target direction.
        [Differentiable]
        public static double RotationAlignment(double[] q, double[] v, [Constant] double[] target)
        {
            double norm = Math.Sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
            var qn = (w: q[0] / norm, x: q[1] / norm, y: q[2] / norm, z: q[3] / norm);
            var p = (w: 0.0, x: v[0], y: v[1], z: v[2]);
            var conj = (w: qn.w, x: -qn.x, y: -qn.y, z: -qn.z);
            var r = QMul(QMul(qn, p), conj);
            return r.x * target[0] + r.y * target[1] + r.z * target[2];
        }

        // 37. A fixed number of inner gradient-descent steps on least squares (MAML-style), returns the adapted loss.
        [Differentiable]
        public static double InnerLoopAdapt(double[] w0, [Constant] double[,] features, [Constant] double[] targets, double lr, int steps)
        {
            int n = features.GetLength(0), d = w0.Length;
            var w = (double[])w0.Clone();

            double Loss(double[] weights)
            {
                double l = 0.0;
                for (int i = 0; i < n; i++)
                {
                    double pred = 0.0;
                    for (int j = 0; j < d; j++) pred += weights[j] * features[i, j];
                    l += 0.5 * (pred - targets[i]) * (pred - targets[i]);
                }
                return l / n;
            }

            for (int s = 0; s < steps; s++)
            {
                var grad = new double[d];
                for (int i = 0; i < n; i++)
                {
                    double pred = 0.0;
                    for (int j = 0; j < d; j++) pred += w[j] * features[i, j];
                    double r = pred - targets[i];
                    for (int j = 0; j < d; j++) grad[j] += r * features[i, j] / n;
                }
                for (int j = 0; j < d; j++) w[j] -= lr * grad[j];
            }
            return Loss(w);
        }

        // 38. Newton iterations for the real root of z^3 + a z - b = 0 (do/while, tolerance break).
        [Differentiable]
        public static double CubicRootNewton(double a, double b)
        {
            double z = b > 0 ? 1.0 : -1.0;
            int iter = 0;
            do
            {
                double f = z * z * z + a * z - b;
                double df = 3.0 * z * z + a;
                double step = f / df;
                z -= step;
                if (Math.Abs(step) < 1e-13)
                    break;
                iter++;
            } while (iter < 50);
            return z;
        }

        // 39. Weighted RMS over ReadOnlySpan<double> inputs.
        [Differentiable]
        public static double WeightedRms(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
        {
            double s = 0.0, ws = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                s += w[i] * x[i] * x[i];
                ws += w[i];
            }
            return Math.Sqrt(s / ws);
        }

        // 40. Robust regression loss selected by an int mode (switch), scaled residuals.
        [Differentiable]
        public static double RobustLoss(double[] residuals, int mode, double scale)
        {
            double total = 0.0;
            foreach (double r in residuals)
            {
                double u = r / scale;
                switch (mode)
                {
                    case 0:
                        total += 0.5 * u * u;
                        break;
                    case 1:
                        total += Math.Log(1.0 + 0.5 * u * u); // Cauchy
                        break;
                    case 2:
                        total += Math.Sqrt(1.0 + u * u) - 1.0; // pseudo-Huber
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(mode));
                }
            }
            return total * scale * scale;
        }
    }

    /// <summary>Round 34's FocalParams as written (renamed): a readonly record struct of hyper-parameters (FocalLoss's).</summary>
    public readonly record struct Round34FocalParams(double Gamma, double Alpha);

    // 32. An instance method of a small model whose weights are fields (one tanh hidden layer).
    /// <summary>Round 34's TinyRegressor as written (renamed): weights in readonly fields, an instance SquaredError.</summary>
    public partial class Round34TinyRegressor
    {
        private readonly double[,] _w1;
        private readonly double[] _b1;
        private readonly double[] _w2;
        private readonly double _b2;

        public Round34TinyRegressor(double[,] w1, double[] b1, double[] w2, double b2)
        {
            _w1 = w1; _b1 = b1; _w2 = w2; _b2 = b2;
        }

        [Differentiable]
        public double SquaredError(double[] x, double y)
        {
            double pred = _b2;
            for (int j = 0; j < _b1.Length; j++)
            {
                double z = _b1[j];
                for (int i = 0; i < x.Length; i++)
                    z += _w1[j, i] * x[i];
                pred += _w2[j] * Math.Tanh(z);
            }
            double err = pred - y;
            return err * err;
        }
    }
}
