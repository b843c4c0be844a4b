using System;
using System.Linq;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 36: probe batch 36 (2026-12-05), 40 small natural functions (statistics and GLMs, dynamics and finance,
    /// machine learning and layers, geometry and fitting) written by a helper who had not read the docs; 34 accepted as
    /// written, 6 refused. Four of the six are accepted as written after the generator fixes of this round and are here as
    /// written: SinkhornCost (a <c>long iterations</c> parameter, narrowed to an int at entry, checked), RmsNorm (an
    /// <c>nint</c> loop counter), PolyFitLoss (<c>foreach (double c in coeffs[1..])</c>, a range of an array) and
    /// RigidAlignCauchy (<c>var (s, c) = Math.SinCos(theta)</c>). Two stay refused, and their rewrites are here:
    /// TinyRegressor (an interface-typed field <c>IActivation Act</c>, now DIFF0002 naming the method and the concrete class)
    /// as <see cref="Round36TinyRegressorV2"/> (the field typed as the sealed class), and SequentialModel (an array of
    /// abstract layer objects, DIFF0002 with the stacks advice) as <see cref="Round36SequentialModelV2"/> (double[][,] and
    /// double[][] weights); the generator tests keep the originals' diagnostics (DiagnosticsTests.Round36.cs). The author's
    /// bodies, parameters, attributes and comments (each function's probe number in its comment); the batch's static methods
    /// as this class's (no two share a name), its types declared below with a Round36 prefix, the uses renamed to match.
    /// </summary>
    public static partial class NaturalRound36
    {
        static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        static T Sq<T>(T x) where T : INumber<T> => x * x;

        // 1. Gaussian-process negative log marginal likelihood, RBF kernel, Cholesky written as loops.
        [Differentiable]
        public static double GpNegLogMarginal([Constant] double[] x, [Constant] double[] y, double logLength, double logSignal, double logNoise)
        {
            const double Jitter = 1e-8;
            const double HalfLog2Pi = 0.91893853320467274178;
            int n = x.Length;
            double ell = Math.Exp(logLength), sf2 = Math.Exp(2 * logSignal), sn2 = Math.Exp(2 * logNoise);
            var K = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double d = (x[i] - x[j]) / ell;
                    K[i, j] = sf2 * Math.Exp(-0.5 * d * d);
                    if (i == j) K[i, j] += sn2 + Jitter;
                }
            var L = new double[n, n];
            for (int j = 0; j < n; j++)
            {
                double s = K[j, j];
                for (int k = 0; k < j; k++) s -= L[j, k] * L[j, k];
                L[j, j] = Math.Sqrt(s);
                for (int i = j + 1; i < n; i++)
                {
                    double t = K[i, j];
                    for (int k = 0; k < j; k++) t -= L[i, k] * L[j, k];
                    L[i, j] = t / L[j, j];
                }
            }
            var a = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = y[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * a[k];
                a[i] = s / L[i, i];
            }
            double quad = 0, logDet = 0;
            for (int i = 0; i < n; i++)
            {
                quad += a[i] * a[i];
                logDet += Math.Log(L[i, i]);
            }
            return 0.5 * quad + logDet + n * HalfLog2Pi;
        }

        // 2. Constant-velocity Kalman filter: negative log-likelihood of the innovations.
        [Differentiable]
        public static double KalmanNll([Constant] double[] z, [Constant] double dt, double logQ, double logR, double p0, double v0)
        {
            double p = p0, v = v0;
            double P00 = 1, P01 = 0, P11 = 1;
            double q = Math.Exp(logQ), r = Math.Exp(logR);
            double nll = 0;
            foreach (double zt in z)
            {
                // predict
                p = Math.FusedMultiplyAdd(dt, v, p);
                double n00 = P00 + dt * (2 * P01 + dt * P11) + q * dt * dt * dt / 3;
                double n01 = P01 + dt * P11 + q * dt * dt / 2;
                double n11 = P11 + q * dt;
                // update
                double S = n00 + r;
                double innov = zt - p;
                nll += 0.5 * (Math.Log(2 * Math.PI * S) + innov * innov / S);
                double k0 = n00 / S, k1 = n01 / S;
                p += k0 * innov;
                v += k1 * innov;
                P00 = (1 - k0) * n00;
                P01 = (1 - k0) * n01;
                P11 = n11 - k1 * n01;
            }
            return nll;
        }

        // 3. Logistic regression with an elastic-net penalty, sample mask and 0/1 labels.
        [Differentiable]
        public static double ElasticNetLogistic([Constant] double[,] X, int[] labels, bool[] use, double[] w, double bias,
            [Constant] double lambda1, [Constant] double lambda2)
        {
            int n = X.GetLength(0), d = X.GetLength(1);
            double loss = 0;
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (!use[i]) continue;
                double z = bias;
                for (int j = 0; j < d; j++) z += X[i, j] * w[j];
                double m = labels[i] == 1 ? z : -z;
                loss += m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
                count++;
            }
            loss /= Math.Max(count, 1);
            double l1 = 0, l2 = 0;
            for (int j = 0; j < d; j++)
            {
                l1 += Math.Abs(w[j]);
                l2 += w[j] * w[j];
            }
            return loss + lambda1 * l1 + 0.5 * lambda2 * l2;
        }

        // 4. Poisson regression with a log link and exposure offset; Enumerable.Range(...).Sum with a block lambda.
        [Differentiable]
        public static double PoissonNll([Constant] double[,] X, [Constant] double[] counts, [Constant] double[] exposure, double[] beta, double intercept)
        {
            int n = X.GetLength(0), d = beta.Length;
            return Enumerable.Range(0, n).Sum(i =>
            {
                double eta = intercept + Math.Log(exposure[i]);
                for (int j = 0; j < d; j++) eta += X[i, j] * beta[j];
                return Math.Exp(eta) - counts[i] * eta;
            }) / n;
        }

        // 5. Negative binomial (NB2) regression, lgamma-free: logΓ(y+r)-logΓ(r) = Σ_k log(r+k).
        [Differentiable]
        public static double NegBinomialNll([Constant] double[,] X, int[] y, double[] beta, double logR)
        {
            int n = y.Length, d = beta.Length;
            double r = Math.Exp(logR);
            double nll = 0;
            int events = 0;
            for (int i = 0; i < n; i++)
            {
                double eta = 0;
                for (int j = 0; j < d; j++) eta += X[i, j] * beta[j];
                double mu = Math.Exp(eta);
                double lg = 0;
                for (int k = 0; k < y[i]; k++) lg += Math.Log(r + k);
                double logDen = Math.Log(r + mu);
                nll -= lg + r * (logR - logDen) + y[i] * (eta - logDen);
                events = checked(events + y[i]);
            }
            return nll / Math.Max(events, 1);
        }

        // 6. Ordinal (cumulative-logit) regression with ordered cut points built from positive gaps.
        [Differentiable]
        public static double OrdinalNll([Constant] double[,] X, int[] y, double[] w, double firstCut, double[] logGaps)
        {
            int n = y.Length, d = w.Length, K = logGaps.Length + 2;
            var cuts = new double[K - 1];
            cuts[0] = firstCut;
            for (int k = 1; k < K - 1; k++) cuts[k] = cuts[k - 1] + Math.Exp(logGaps[k - 1]);
            double nll = 0;
            for (int i = 0; i < n; i++)
            {
                double f = 0;
                for (int j = 0; j < d; j++) f += X[i, j] * w[j];
                double p;
                int c = y[i];
                if (c == 0) p = Sigmoid(cuts[0] - f);
                else if (c == K - 1) p = 1 - Sigmoid(cuts[K - 2] - f);
                else p = Sigmoid(cuts[c] - f) - Sigmoid(cuts[c - 1] - f);
                nll -= Math.Log(p);
            }
            return nll / n;
        }

        // 7. Linear-chain CRF negative log-likelihood (log-partition by forward algorithm), extension-method log-add-exp.
        [Differentiable]
        public static double CrfNll(double[,] emissions, double[,] transitions, int[] tags)
        {
            int T = emissions.GetLength(0), K = emissions.GetLength(1);
            var alpha = new double[K];
            for (int k = 0; k < K; k++) alpha[k] = emissions[0, k];
            var next = new double[K];
            for (int t = 1; t < T; t++)
            {
                for (int k = 0; k < K; k++)
                {
                    double acc = double.NegativeInfinity;
                    for (int j = 0; j < K; j++) acc = acc.LogAddExp(alpha[j] + transitions[j, k]);
                    next[k] = acc + emissions[t, k];
                }
                Array.Copy(next, alpha, K);
            }
            double logZ = double.NegativeInfinity;
            for (int k = 0; k < K; k++) logZ = logZ.LogAddExp(alpha[k]);
            double score = emissions[0, tags[0]];
            for (int t = 1; t < T; t++) score += transitions[tags[t - 1], tags[t]] + emissions[t, tags[t]];
            return logZ - score;
        }

        static double LogSumExp2(double a, double b)
        {
            if (double.IsNegativeInfinity(a)) return b;
            if (double.IsNegativeInfinity(b)) return a;
            return a > b ? a + Math.Log(1 + Math.Exp(b - a)) : b + Math.Log(1 + Math.Exp(a - b));
        }

        // 8. CTC negative log-likelihood (forward algorithm in log space, blank-interleaved labels).
        [Differentiable]
        public static double CtcNll(double[,] logits, int[] target, int blank = 0)
        {
            int T = logits.GetLength(0), C = logits.GetLength(1);
            int S = 2 * target.Length + 1;
            var logp = new double[T, C];
            for (int t = 0; t < T; t++)
            {
                double m = double.NegativeInfinity;
                for (int c = 0; c < C; c++) m = Math.Max(m, logits[t, c]);
                double z = 0;
                for (int c = 0; c < C; c++) z += Math.Exp(logits[t, c] - m);
                double lz = m + Math.Log(z);
                for (int c = 0; c < C; c++) logp[t, c] = logits[t, c] - lz;
            }
            var ext = new int[S];
            for (int s = 0; s < S; s++) ext[s] = s % 2 == 0 ? blank : target[s / 2];
            var alpha = new double[S];
            var prev = new double[S];
            for (int s = 0; s < S; s++) prev[s] = double.NegativeInfinity;
            prev[0] = logp[0, ext[0]];
            if (S > 1) prev[1] = logp[0, ext[1]];
            for (int t = 1; t < T; t++)
            {
                for (int s = 0; s < S; s++)
                {
                    double a = prev[s];
                    if (s >= 1) a = LogSumExp2(a, prev[s - 1]);
                    if (s >= 2 && ext[s] != blank && ext[s] != ext[s - 2]) a = LogSumExp2(a, prev[s - 2]);
                    alpha[s] = a + logp[t, ext[s]];
                }
                (prev, alpha) = (alpha, prev);
            }
            double ll = S > 1 ? LogSumExp2(prev[S - 1], prev[S - 2]) : prev[S - 1];
            return -ll;
        }

        // 13. Mean-variance portfolio with softmax weights: LINQ Select/Aggregate/Zip/Max.
        [Differentiable]
        public static double MeanVariancePortfolio(double[] logits, [Constant] double[,] cov, [Constant] double[] expectedReturn, [Constant] double riskAversion)
        {
            int n = logits.Length;
            double m = logits.Max();
            var w = logits.Select(l => Math.Exp(l - m)).ToArray();
            double z = w.Aggregate(0.0, (acc, v) => acc + v);
            for (int i = 0; i < n; i++) w[i] /= z;
            double variance = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    variance += w[i] * cov[i, j] * w[j];
            double ret = w.Zip(expectedReturn, (a, b) => a * b).Sum();
            return 0.5 * riskAversion * variance - ret;
        }

        static void Stats(double[] x, out double mean, out double variance)
        {
            mean = 0;
            foreach (var v in x) mean += v;
            mean /= x.Length;
            variance = 0;
            foreach (var v in x) variance += (v - mean) * (v - mean);
            variance /= x.Length - 1;
        }

        // 14. Negative annualised Sharpe ratio of a weighted portfolio; helper with out parameters.
        [Differentiable]
        public static double NegativeSharpe(double[] weights, [Constant] double[,] returns, [Constant] double riskFree)
        {
            int T = returns.GetLength(0), A = returns.GetLength(1);
            var port = new double[T];
            for (int t = 0; t < T; t++)
            {
                double s = 0;
                for (int a = 0; a < A; a++) s += weights[a] * returns[t, a];
                port[t] = s - riskFree;
            }
            Stats(port, out double mean, out double variance);
            return -mean / Math.Sqrt(variance) * Math.Sqrt(252.0);
        }

        // 15. Log-barrier LP objective c·x − μ Σ log(b − Ax), infeasible → +∞ via a NaN guard.
        [Differentiable]
        public static double LogBarrierObjective(double[] x, [Constant] double[] c, [Constant] double[,] A, [Constant] double[] b, [Constant] double mu)
        {
            int m = b.Length, n = x.Length;
            double obj = 0;
            for (int j = 0; j < n; j++) obj += c[j] * x[j];
            for (int i = 0; i < m; i++)
            {
                double slack = b[i];
                for (int j = 0; j < n; j++) slack -= A[i, j] * x[j];
                double barrier = -Math.Log(slack);
                if (double.IsNaN(barrier)) return double.PositiveInfinity; // infeasible point
                obj += mu * barrier;
            }
            return obj;
        }

        // 16. L2-SVM (squared hinge) with a generic Sq<T> helper, labels ±1.
        [Differentiable]
        public static double SquaredHingeSvm([Constant] double[,] X, int[] y, double[] w, double b, [Constant] double C)
        {
            int n = y.Length, d = w.Length;
            double reg = 0;
            for (int j = 0; j < d; j++) reg += Sq(w[j]);
            double data = 0;
            for (int i = 0; i < n; i++)
            {
                double f = b;
                for (int j = 0; j < d; j++) f += w[j] * X[i, j];
                double margin = 1 - y[i] * f;
                data += Sq(Math.Max(0, margin));
            }
            return 0.5 * reg + C * data / n;
        }

        // 17. Entropic optimal transport cost by a fixed number of Sinkhorn iterations (long counter).
        [Differentiable]
        public static double SinkhornCost(double[,] xs, double[,] ys, [Constant] double[] a, [Constant] double[] b, [Constant] double epsilon, long iterations)
        {
            int n = xs.GetLength(0), m = ys.GetLength(0), d = xs.GetLength(1);
            var K = new double[n, m];
            var C = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int k = 0; k < d; k++)
                    {
                        double t = xs[i, k] - ys[j, k];
                        s += t * t;
                    }
                    C[i, j] = s;
                    K[i, j] = Math.Exp(-s / epsilon);
                }
            var u = new double[n];
            var v = new double[m];
            for (int i = 0; i < n; i++) u[i] = 1;
            for (int j = 0; j < m; j++) v[j] = 1;
            for (long it = 0; it < iterations; it++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j < m; j++) s += K[i, j] * v[j];
                    u[i] = a[i] / s;
                }
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += K[i, j] * u[i];
                    v[j] = b[j] / s;
                }
            }
            double cost = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    cost += u[i] * K[i, j] * v[j] * C[i, j];
            return cost;
        }

        // 9. Damped pendulum integrated with RK4; derivative as a local function returning a tuple.
        [Differentiable]
        public static double PendulumFit(double theta0, double omega0, double damping, double length, [Constant] double[] observedAngle, [Constant] double dt)
        {
            const double g = 9.81;
            (double dTheta, double dOmega) Deriv(double th, double om) => (om, -g / length * Math.Sin(th) - damping * om);

            double theta = theta0, omega = omega0, loss = 0;
            for (int step = 0; step < observedAngle.Length; step++)
            {
                var (k1t, k1o) = Deriv(theta, omega);
                var (k2t, k2o) = Deriv(theta + 0.5 * dt * k1t, omega + 0.5 * dt * k1o);
                var (k3t, k3o) = Deriv(theta + 0.5 * dt * k2t, omega + 0.5 * dt * k2o);
                var (k4t, k4o) = Deriv(theta + dt * k3t, omega + dt * k3o);
                theta += dt / 6 * (k1t + 2 * k2t + 2 * k3t + k4t);
                omega += dt / 6 * (k1o + 2 * k2o + 2 * k3o + k4o);
                double e = theta - observedAngle[step];
                loss += e * e;
            }
            return loss / observedAngle.Length;
        }

        // 10. SIR epidemic with a lockdown state machine (int phase + switch), while(true) with break.
        [Differentiable]
        public static double SirInterventionFit(double beta, double gamma, double lockdownFactor,
            [Constant] double[] observedInfected, [Constant] double population, [Constant] double threshold)
        {
            double s = population - observedInfected[0], i = observedInfected[0], r = 0;
            int phase = 0; // 0 = open, 1 = lockdown, 2 = reopened
            int day = 0;
            double loss = 0;
            const double dt = 0.25;
            while (true)
            {
                double contact;
                switch (phase)
                {
                    case 0:
                        contact = beta;
                        if (i > threshold) phase = 1;
                        break;
                    case 1:
                        contact = beta * lockdownFactor;
                        if (i < 0.5 * threshold) phase = 2;
                        break;
                    default:
                        contact = beta * (0.5 + 0.5 * lockdownFactor);
                        break;
                }
                for (int sub = 0; sub < 4; sub++)
                {
                    double inf = contact * s * i / population * dt;
                    double rec = gamma * i * dt;
                    s -= inf;
                    i += inf - rec;
                    r += rec;
                }
                day++;
                if (day >= observedInfected.Length) break;
                double e = Math.Log(i) - Math.Log(observedInfected[day]);
                loss += e * e;
            }
            return loss;
        }

        // 11. Lotka–Volterra with Heun steps, dt = 2^-k via Math.ScaleB; trajectories written to outputs.
        [Differentiable]
        public static void LotkaVolterra(double prey0, double pred0, double alpha, double beta, double delta, double gamma,
            int stepsPerSample, int log2InvDt, double[] prey, double[] pred)
        {
            double dt = Math.ScaleB(1.0, -log2InvDt);
            double x = prey0, y = pred0;
            prey[0] = x;
            pred[0] = y;
            for (int n = 1; n < prey.Length; n++)
            {
                for (int k = 0; k < stepsPerSample; k++)
                {
                    double fx = alpha * x - beta * x * y, fy = delta * x * y - gamma * y;
                    double xe = x + dt * fx, ye = y + dt * fy;
                    double gx = alpha * xe - beta * xe * ye, gy = delta * xe * ye - gamma * ye;
                    x += 0.5 * dt * (fx + gx);
                    y += 0.5 * dt * (fy + gy);
                }
                prey[n] = x;
                pred[n] = y;
            }
        }

        // 12. American put on a CRR binomial tree (early exercise via Math.Max).
        [Differentiable]
        public static double AmericanPut(double spot, double strike, double rate, double vol, double maturity, int steps)
        {
            double dt = maturity / steps;
            double u = Math.Exp(vol * Math.Sqrt(dt)), d = 1 / u;
            double disc = Math.Exp(-rate * dt);
            double p = (Math.Exp(rate * dt) - d) / (u - d);
            var v = new double[steps + 1];
            for (int j = 0; j <= steps; j++)
                v[j] = Math.Max(strike - spot * Math.Pow(u, j) * Math.Pow(d, steps - j), 0);
            for (int n = steps - 1; n >= 0; n--)
                for (int j = 0; j <= n; j++)
                {
                    double cont = disc * (p * v[j + 1] + (1 - p) * v[j]);
                    double exercise = strike - spot * Math.Pow(u, j) * Math.Pow(d, n - j);
                    v[j] = Math.Max(cont, exercise);
                }
            return v[0];
        }

        static double Cosine(double[] a, double[] b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
        }

        // 18. Cosine-similarity retrieval loss with temperature; LINQ Max() and Sum(lambda) for the log-sum-exp.
        [Differentiable]
        public static double RetrievalLoss(double[][] queries, double[][] docs, int[] positive, [Constant] double temperature)
        {
            double total = 0;
            for (int q = 0; q < queries.Length; q++)
            {
                var sims = new double[docs.Length];
                for (int k = 0; k < docs.Length; k++) sims[k] = Cosine(queries[q], docs[k]) / temperature;
                double mx = sims.Max();
                double lse = mx + Math.Log(sims.Sum(s => Math.Exp(s - mx)));
                total += lse - sims[positive[q]];
            }
            return total / queries.Length;
        }

        // 19. InfoNCE with negatives from a separate bank, learned temperature.
        [Differentiable]
        public static double InfoNce(double[,] anchors, double[,] positives, double[,] negatives, double tau)
        {
            int B = anchors.GetLength(0), D = anchors.GetLength(1), M = negatives.GetLength(0);
            double loss = 0;
            for (int i = 0; i < B; i++)
            {
                double pos = 0;
                for (int d = 0; d < D; d++) pos += anchors[i, d] * positives[i, d];
                pos /= tau;
                var logits = new double[M + 1];
                logits[0] = pos;
                for (int k = 0; k < M; k++)
                {
                    double s = 0;
                    for (int d = 0; d < D; d++) s += anchors[i, d] * negatives[k, d];
                    logits[k + 1] = s / tau;
                }
                double mx = logits[0];
                foreach (var l in logits) if (l > mx) mx = l;
                double sum = 0;
                foreach (var l in logits) sum += Math.Exp(l - mx);
                loss += mx + Math.Log(sum) - pos;
            }
            return loss / B;
        }

        // 20. Multiple-instance learning: ragged bags (jagged rows of different lengths), LSE pooling, BCE.
        [Differentiable]
        public static double MilLogSumExpPooling(double[][] instanceScores, int[] bagLabel, [Constant] double sharpness)
        {
            double loss = 0;
            for (int b = 0; b < instanceScores.Length; b++)
            {
                double[] s = instanceScores[b];
                double mx = double.MinValue;
                foreach (double v in s) mx = Math.Max(mx, v);
                double acc = 0;
                foreach (double v in s) acc += Math.Exp(sharpness * (v - mx));
                double pooled = mx + Math.Log(acc / s.Length) / sharpness;
                double p = 1 / (1 + Math.Exp(-pooled));
                loss -= bagLabel[b] == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
            return loss / instanceScores.Length;
        }

        // 21. Knowledge distillation: T²·KL(teacher_T || student_T)·α + (1-α)·CE, config record with init properties.
        [Differentiable]
        public static double DistillationLoss(double[,] studentLogits, [Constant] double[,] teacherLogits, int[] labels, Round36DistillConfig cfg)
        {
            int n = studentLogits.GetLength(0), c = studentLogits.GetLength(1);
            double T = cfg.Temperature;
            double kl = 0, ce = 0;
            for (int i = 0; i < n; i++)
            {
                double ms = double.NegativeInfinity, mt = double.NegativeInfinity;
                for (int k = 0; k < c; k++)
                {
                    ms = Math.Max(ms, studentLogits[i, k]);
                    mt = Math.Max(mt, teacherLogits[i, k]);
                }
                double zs = 0, zt = 0, z1 = 0;
                for (int k = 0; k < c; k++)
                {
                    zs += Math.Exp((studentLogits[i, k] - ms) / T);
                    zt += Math.Exp((teacherLogits[i, k] - mt) / T);
                    z1 += Math.Exp(studentLogits[i, k] - ms);
                }
                double logZs = Math.Log(zs), logZt = Math.Log(zt);
                for (int k = 0; k < c; k++)
                {
                    double logPt = (teacherLogits[i, k] - mt) / T - logZt;
                    double logPs = (studentLogits[i, k] - ms) / T - logZs;
                    kl += Math.Exp(logPt) * (logPt - logPs);
                }
                ce += ms + Math.Log(z1) - studentLogits[i, labels[i]];
            }
            return (cfg.Alpha * T * T * kl + (1 - cfg.Alpha) * ce) / n;
        }

        static double MeanSquare(ReadOnlySpan<double> v)
        {
            double s = 0;
            foreach (var t in v) s += t * t;
            return s / v.Length;
        }

        // 24. RMSNorm over rows of a flat buffer; ReadOnlySpan helper on x.AsSpan(r*dim, dim), nint counter.
        [Differentiable]
        public static void RmsNorm(double[] x, double[] gain, int dim, double[] y)
        {
            const double eps = 1e-6;
            int rows = x.Length / dim;
            for (int r = 0; r < rows; r++)
            {
                double inv = 1.0 / Math.Sqrt(MeanSquare(x.AsSpan(r * dim, dim)) + eps);
                for (nint i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i] * inv * gain[i];
            }
        }

        // 25. Activation regression with an enum mode and a switch statement (GELU tanh / GELU sigmoid / SiLU).
        [Differentiable]
        public static double ActivationFit(double[] x, [Constant] double[] target, Round36ActivationKind kind)
        {
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double v = x[i], a;
                switch (kind)
                {
                    case Round36ActivationKind.GeluTanh:
                        a = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                        break;
                    case Round36ActivationKind.GeluSigmoid:
                        a = v / (1 + Math.Exp(-1.702 * v));
                        break;
                    default:
                        a = v / (1 + Math.Exp(-v));
                        break;
                }
                double e = a - target[i];
                loss += e * e;
            }
            return loss;
        }

        // 26. Transformer FFN block (SwiGLU) with residual, plus weight decay by foreach over double[,].
        [Differentiable]
        public static double FfnBlockLoss(double[,] x, double[,] wGate, double[,] wUp, double[,] wDown, [Constant] double[,] target, [Constant] double weightDecay)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = wUp.GetLength(1);
            double loss = 0;
            var gate = new double[h];
            var up = new double[h];
            for (int r = 0; r < n; r++)
            {
                for (int j = 0; j < h; j++)
                {
                    double g = 0, u = 0;
                    for (int k = 0; k < d; k++)
                    {
                        g += x[r, k] * wGate[k, j];
                        u += x[r, k] * wUp[k, j];
                    }
                    gate[j] = g / (1 + Math.Exp(-g));
                    up[j] = u;
                }
                for (int k = 0; k < d; k++)
                {
                    double o = x[r, k];
                    for (int j = 0; j < h; j++) o += gate[j] * up[j] * wDown[j, k];
                    double e = o - target[r, k];
                    loss += e * e;
                }
            }
            double decay = 0;
            foreach (double w in wGate) decay += w * w;
            foreach (double w in wUp) decay += w * w;
            foreach (double w in wDown) decay += w * w;
            return loss / n + 0.5 * weightDecay * decay;
        }

        // 27. Rotary position embeddings (rotate-half pairs, two loop counters), long[] positions with an unchecked cast.
        [Differentiable]
        public static double RotaryScores(double[,] q, double[,] k, long[] positions, [Constant] double[,] targetScores)
        {
            int T = q.GetLength(0), D = q.GetLength(1), half = D / 2;
            var qr = new double[T, D];
            var kr = new double[T, D];
            for (int t = 0; t < T; t++)
            {
                int pos = unchecked((int)positions[t]);
                for (int i = 0, j = half; i < half; i++, j++)
                {
                    double theta = pos * Math.Pow(10000.0, -2.0 * i / D);
                    double c = Math.Cos(theta), s = Math.Sin(theta);
                    qr[t, i] = q[t, i] * c - q[t, j] * s;
                    qr[t, j] = q[t, i] * s + q[t, j] * c;
                    kr[t, i] = k[t, i] * c - k[t, j] * s;
                    kr[t, j] = k[t, i] * s + k[t, j] * c;
                }
            }
            double loss = 0;
            for (int a = 0; a < T; a++)
                for (int b = 0; b < T; b++)
                {
                    double s = 0;
                    for (int d = 0; d < D; d++) s += qr[a, d] * kr[b, d];
                    s /= Math.Sqrt(D);
                    double e = s - targetScores[a, b];
                    loss += e * e;
                }
            return loss;
        }

        static double RowSum(double[,] x, int s, int start, int len)
        {
            double t = 0;
            for (int c = start; c < start + len; c++) t += x[s, c];
            return t;
        }

        static double GroupMean(double[,] x, int s, int start, int len) => RowSum(x, s, start, len) / len;

        static double GroupVariance(double[,] x, int s, int start, int len, double mean)
        {
            double v = 0;
            for (int c = start; c < start + len; c++)
            {
                double d = x[s, c] - mean;
                v += d * d;
            }
            return v / len;
        }

        static void NormalizeGroup(double[,] x, double[,] y, double[] gamma, double[] beta, int s, int start, int len)
        {
            double mean = GroupMean(x, s, start, len);
            double inv = 1 / Math.Sqrt(GroupVariance(x, s, start, len, mean) + 1e-5);
            for (int c = start; c < start + len; c++) y[s, c] = gamma[c] * (x[s, c] - mean) * inv + beta[c];
        }

        // 28. Group normalisation: helper chain GroupNorm → NormalizeGroup → GroupMean → RowSum, checked index arithmetic.
        [Differentiable]
        public static void GroupNorm(double[,] x, double[] gamma, double[] beta, int groups, double[,] y)
        {
            int n = x.GetLength(0), C = x.GetLength(1), per = C / groups;
            for (int s = 0; s < n; s++)
                for (int g = 0; g < groups; g++)
                {
                    int start = checked(g * per);
                    NormalizeGroup(x, y, gamma, beta, s, start, per);
                }
        }

        // 29. Batch normalisation in training mode (batch statistics), a local named `var`, default eps after the output.
        [Differentiable]
        public static void BatchNormTrain(double[,] x, double[] gamma, double[] beta, double[,] y, [Constant] double eps = 1e-5)
        {
            int n = x.GetLength(0), c = x.GetLength(1);
            for (int j = 0; j < c; j++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[i, j];
                mean /= n;
                double var = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = x[i, j] - mean;
                    var += d * d;
                }
                var /= n;
                double inv = 1 / Math.Sqrt(var + eps);
                for (int i = 0; i < n; i++) y[i, j] = gamma[j] * (x[i, j] - mean) * inv + beta[j];
            }
        }

        // 31. Polynomial least-squares fit, Horner from coeffs[^1], ridge on coeffs[1..] (array range copy).
        [Differentiable]
        public static double PolyFitLoss(double[] coeffs, [Constant] double[] xs, [Constant] double[] ys, [Constant] double ridge)
        {
            double loss = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                double p = coeffs[^1];
                for (int k = coeffs.Length - 2; k >= 0; k--) p = p * xs[i] + coeffs[k];
                loss += (p - ys[i]) * (p - ys[i]);
            }
            double penalty = 0;
            foreach (double c in coeffs[1..]) penalty += c * c; // the intercept is not penalised
            return loss / xs.Length + ridge * penalty;
        }

        // 32. Cubic Hermite spline fit; segment search with a found-flag early exit.
        [Differentiable]
        public static double HermiteSplineFit(double[] values, double[] slopes, [Constant] double[] knots, [Constant] double[] qx, [Constant] double[] qy)
        {
            double loss = 0;
            for (int q = 0; q < qx.Length; q++)
            {
                double x = qx[q];
                int seg = knots.Length - 2;
                bool found = false;
                for (int s = 0; s < knots.Length - 1 && !found; s++)
                {
                    if (x < knots[s + 1])
                    {
                        seg = s;
                        found = true;
                    }
                }
                double h = knots[seg + 1] - knots[seg], t = (x - knots[seg]) / h;
                double t2 = t * t, t3 = t2 * t;
                double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
                double y = h00 * values[seg] + h10 * h * slopes[seg] + h01 * values[seg + 1] + h11 * h * slopes[seg + 1];
                loss += (y - qy[q]) * (y - qy[q]);
            }
            return loss;
        }

        static readonly double[] SmoothnessWeights = { 0, 1, 4, 9, 16, 25, 36, 49, 64, 81 };

        // 33. Chebyshev series fit by Clenshaw recurrence (tuple update), static readonly penalty table.
        [Differentiable]
        public static double ChebyshevFit(double[] c, [Constant] double[] xs, [Constant] double[] ys, [Constant] double smooth)
        {
            double loss = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                double b1 = 0, b2 = 0;
                for (int k = c.Length - 1; k >= 1; k--) (b1, b2) = (2 * xs[i] * b1 - b2 + c[k], b1);
                double f = xs[i] * b1 - b2 + c[0];
                loss += Sq(f - ys[i]);
            }
            for (int k = 0; k < c.Length; k++) loss += smooth * SmoothnessWeights[k] * c[k] * c[k];
            return loss;
        }

        // 34. Depth of rays from the origin hitting a sphere (miss → far plane), squared depth error.
        [Differentiable]
        public static double RaySphereDepthLoss(double[] center, double radius, [Constant] double[,] rayDirs, [Constant] double[] observedDepth, [Constant] double farDepth)
        {
            double loss = 0;
            for (int r = 0; r < rayDirs.GetLength(0); r++)
            {
                double b = 0, cc = -radius * radius;
                for (int k = 0; k < 3; k++)
                {
                    b += rayDirs[r, k] * center[k];
                    cc += center[k] * center[k];
                }
                double disc = b * b - cc;
                double depth;
                if (disc < 0) depth = farDepth;
                else depth = b - Math.Sqrt(disc);
                double e = depth - observedDepth[r];
                loss += e * e;
            }
            return loss;
        }

        // 35. Signed distance of a scene (sphere ∪ box, box SDF with Math.Max/Math.Abs), fitted to surface points.
        [Differentiable]
        public static double SdfFitLoss(double[] sphereCenter, double sphereRadius, double[] boxCenter, double[] boxHalf, [Constant] double[,] surfacePoints)
        {
            double loss = 0;
            for (int p = 0; p < surfacePoints.GetLength(0); p++)
            {
                double dx = surfacePoints[p, 0] - sphereCenter[0], dy = surfacePoints[p, 1] - sphereCenter[1], dz = surfacePoints[p, 2] - sphereCenter[2];
                double dSphere = Math.Sqrt(dx * dx + dy * dy + dz * dz) - sphereRadius;
                double qx = Math.Abs(surfacePoints[p, 0] - boxCenter[0]) - boxHalf[0];
                double qy = Math.Abs(surfacePoints[p, 1] - boxCenter[1]) - boxHalf[1];
                double qz = Math.Abs(surfacePoints[p, 2] - boxCenter[2]) - boxHalf[2];
                double outside = Math.Sqrt(Sq(Math.Max(qx, 0)) + Sq(Math.Max(qy, 0)) + Sq(Math.Max(qz, 0)));
                double inside = Math.Min(Math.Max(qx, Math.Max(qy, qz)), 0);
                double dBox = outside + inside;
                double d = Math.Min(dSphere, dBox);
                loss += d * d;
            }
            return loss;
        }

        static readonly double[] GaussNodes = { -0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831, 0.9061798459386640 };
        static readonly double[] GaussWeights = { 0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891 };

        // 36. Cubic Bézier arc length by composite Gauss–Legendre sampling; penalty towards a target length.
        [Differentiable]
        public static double BezierLengthPenalty(double[,] ctrl, [Constant] double targetLength, int segments)
        {
            double length = 0;
            for (int s = 0; s < segments; s++)
            {
                double lo = (double)s / segments, hi = (double)(s + 1) / segments;
                for (int g = 0; g < GaussNodes.Length; g++)
                {
                    double t = 0.5 * (hi - lo) * GaussNodes[g] + 0.5 * (lo + hi);
                    double mt = 1 - t;
                    double dx = 3 * mt * mt * (ctrl[1, 0] - ctrl[0, 0]) + 6 * mt * t * (ctrl[2, 0] - ctrl[1, 0]) + 3 * t * t * (ctrl[3, 0] - ctrl[2, 0]);
                    double dy = 3 * mt * mt * (ctrl[1, 1] - ctrl[0, 1]) + 6 * mt * t * (ctrl[2, 1] - ctrl[1, 1]) + 3 * t * t * (ctrl[3, 1] - ctrl[2, 1]);
                    length += 0.5 * (hi - lo) * GaussWeights[g] * Math.Sqrt(Sq(dx) + Sq(dy));
                }
            }
            return Sq(length - targetLength);
        }

        static void AddLimitPenalty(ref double total, double value, double lo, double hi)
        {
            double clamped = Math.Clamp(value, lo, hi);
            total += 10 * (value - clamped) * (value - clamped);
        }

        // 37. Two-link planar arm inverse kinematics for a batch of targets, joint limits via Math.Clamp and a ref helper.
        [Differentiable]
        public static double TwoLinkReach(double[,] angles, [Constant] double[] linkLengths, [Constant] double[,] targets)
        {
            double loss = 0;
            for (int n = 0; n < angles.GetLength(0); n++)
            {
                double a1 = angles[n, 0], a2 = angles[n, 1];
                double x = linkLengths[0] * Math.Cos(a1) + linkLengths[1] * Math.Cos(a1 + a2);
                double y = linkLengths[0] * Math.Sin(a1) + linkLengths[1] * Math.Sin(a1 + a2);
                loss += Sq(x - targets[n, 0]) + Sq(y - targets[n, 1]);
                AddLimitPenalty(ref loss, a1, -Math.PI / 2, Math.PI / 2);
                AddLimitPenalty(ref loss, a2, 0, 0.9 * Math.PI);
            }
            return loss;
        }

        // 38. 2-D rigid alignment residuals with a Cauchy robust loss, rotation from Math.SinCos deconstruction.
        [Differentiable]
        public static double RigidAlignCauchy(double theta, double tx, double ty, [Constant] double[,] src, [Constant] double[,] dst, [Constant] double scale)
        {
            var (s, c) = Math.SinCos(theta);
            double loss = 0;
            for (int i = 0; i < src.GetLength(0); i++)
            {
                double rx = c * src[i, 0] - s * src[i, 1] + tx - dst[i, 0];
                double ry = s * src[i, 0] + c * src[i, 1] + ty - dst[i, 1];
                loss += Math.Log(1 + (rx * rx + ry * ry) / (scale * scale));
            }
            return loss;
        }

        // 39. Photometric loss with an integer shift, affine exposure, bool[,] validity mask, continue in nested loops, Charbonnier.
        [Differentiable]
        public static double PhotometricLoss(double[,] image, double gain, double bias, [Constant] double[,] target, int shiftX, int shiftY, bool[,] valid)
        {
            const double eps = 1e-3;
            int H = image.GetLength(0), W = image.GetLength(1);
            double loss = 0;
            int count = 0;
            for (int r = 0; r < H; r++)
            {
                for (int c = 0; c < W; c++)
                {
                    int rr = r + shiftY, cc = c + shiftX;
                    if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
                    if (!valid[r, c]) continue;
                    double pred = gain * image[rr, cc] + bias;
                    double d = pred - target[r, c];
                    loss += Math.Sqrt(d * d + eps * eps);
                    count++;
                }
            }
            return loss / count;
        }
    }

    public static class Round36LogMath
    {
        // extension-method helper: a.LogAddExp(b)
        public static double LogAddExp(this double a, double b)
        {
            double m = Math.Max(a, b);
            return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        }
    }


    public record Round36DistillConfig
    {
        public double Temperature { get; init; } = 2.0;
        public double Alpha { get; init; } = 0.5;
    }


    public enum Round36ActivationKind { GeluTanh, GeluSigmoid, Silu }

    internal static class Round36Init
    {
        public static double[,] Matrix(Random rng, int r, int c, double scale)
        {
            var m = new double[r, c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = scale * (2 * rng.NextDouble() - 1);
            return m;
        }
        public static double[] Vector(Random rng, int n, double scale)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
            return v;
        }
    }

    // 22. GRU cell as an instance class with weight fields; gradients for the inputs and every weight.
    public partial class Round36GruCell
    {
        public double[,] Wz, Uz, Wr, Ur, Wh, Uh;
        public double[] Bz, Br, Bh;

        public Round36GruCell(int input, int hidden, Random rng)
        {
            Wz = Round36Init.Matrix(rng, hidden, input, 0.5); Uz = Round36Init.Matrix(rng, hidden, hidden, 0.5);
            Wr = Round36Init.Matrix(rng, hidden, input, 0.5); Ur = Round36Init.Matrix(rng, hidden, hidden, 0.5);
            Wh = Round36Init.Matrix(rng, hidden, input, 0.5); Uh = Round36Init.Matrix(rng, hidden, hidden, 0.5);
            Bz = Round36Init.Vector(rng, hidden, 0.1); Br = Round36Init.Vector(rng, hidden, 0.1); Bh = Round36Init.Vector(rng, hidden, 0.1);
        }

        static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        [Differentiable(nameof(x), nameof(hPrev), nameof(Wz), nameof(Uz), nameof(Wr), nameof(Ur), nameof(Wh), nameof(Uh), nameof(Bz), nameof(Br), nameof(Bh))]
        public void Step(double[] x, double[] hPrev, double[] hNext)
        {
            int H = hPrev.Length, I = x.Length;
            var z = new double[H];
            var r = new double[H];
            for (int j = 0; j < H; j++)
            {
                double az = Bz[j], ar = Br[j];
                for (int k = 0; k < I; k++) { az += Wz[j, k] * x[k]; ar += Wr[j, k] * x[k]; }
                for (int k = 0; k < H; k++) { az += Uz[j, k] * hPrev[k]; ar += Ur[j, k] * hPrev[k]; }
                z[j] = Sigmoid(az);
                r[j] = Sigmoid(ar);
            }
            for (int j = 0; j < H; j++)
            {
                double ah = Bh[j];
                for (int k = 0; k < I; k++) ah += Wh[j, k] * x[k];
                for (int k = 0; k < H; k++) ah += Uh[j, k] * (r[k] * hPrev[k]);
                double cand = Math.Tanh(ah);
                hNext[j] = (1 - z[j]) * hPrev[j] + z[j] * cand;
            }
        }
    }

    // 23. LSTM over a sequence as an instance class: get-only auto property, computed property, weight fields.
    public partial class Round36LstmSequence
    {
        public double[,] W;   // 4H x I
        public double[,] U;   // 4H x H
        public double[] B;    // 4H
        public int Hidden { get; }
        public double ForgetBias => 1.0;

        public Round36LstmSequence(int input, int hidden, Random rng)
        {
            Hidden = hidden;
            W = Round36Init.Matrix(rng, 4 * hidden, input, 0.4);
            U = Round36Init.Matrix(rng, 4 * hidden, hidden, 0.4);
            B = Round36Init.Vector(rng, 4 * hidden, 0.1);
        }

        static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        [Differentiable(nameof(W), nameof(U), nameof(B))]
        public double SequenceLoss(double[,] xs, [Constant] double[] target)
        {
            int H = Hidden, T = xs.GetLength(0), I = xs.GetLength(1);
            var h = new double[H];
            var c = new double[H];
            var gates = new double[4 * H];
            for (int t = 0; t < T; t++)
            {
                for (int g = 0; g < 4 * H; g++)
                {
                    double a = B[g];
                    for (int k = 0; k < I; k++) a += W[g, k] * xs[t, k];
                    for (int k = 0; k < H; k++) a += U[g, k] * h[k];
                    gates[g] = a;
                }
                for (int j = 0; j < H; j++)
                {
                    double ig = Sigmoid(gates[j]);
                    double fg = Sigmoid(gates[H + j] + ForgetBias);
                    double og = Sigmoid(gates[2 * H + j]);
                    double gg = Math.Tanh(gates[3 * H + j]);
                    c[j] = fg * c[j] + ig * gg;
                    h[j] = og * Math.Tanh(c[j]);
                }
            }
            double loss = 0;
            for (int j = 0; j < H; j++) loss += (h[j] - target[j]) * (h[j] - target[j]);
            return 0.5 * loss;
        }
    }

    // 30. (rewrite) A regressor whose activation field is typed as the concrete sealed class, not the interface IActivation.
    public interface Round36IActivation { double Apply(double x); }

    public sealed class Round36SoftplusActivation : Round36IActivation
    {
        public double Apply(double x) => x > 20 ? x : Math.Log(1 + Math.Exp(x));
    }

    public partial class Round36TinyRegressorV2
    {
        public double[,] W;
        public double[] V;
        public Round36SoftplusActivation Act = new Round36SoftplusActivation();

        public Round36TinyRegressorV2(int input, int hidden, Random rng)
        {
            W = Round36Init.Matrix(rng, hidden, input, 0.5);
            V = Round36Init.Vector(rng, hidden, 0.5);
        }

        [Differentiable(nameof(W), nameof(V))]
        public double Loss(double[,] x, double[] y)
        {
            int n = x.GetLength(0), d = x.GetLength(1), h = V.Length;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double pred = 0;
                for (int j = 0; j < h; j++)
                {
                    double a = 0;
                    for (int k = 0; k < d; k++) a += W[j, k] * x[i, k];
                    pred += V[j] * Act.Apply(a);
                }
                loss += (pred - y[i]) * (pred - y[i]);
            }
            return loss / n;
        }
    }

    // 40. (rewrite DIFF0002 suggests) per-layer weights as stacks double[][,] / double[][], tanh between layers.
    public partial class Round36SequentialModelV2
    {
        public double[][,] W;
        public double[][] B;

        public Round36SequentialModelV2(int[] sizes, Random rng)
        {
            W = new double[sizes.Length - 1][,];
            B = new double[sizes.Length - 1][];
            for (int l = 0; l + 1 < sizes.Length; l++) { W[l] = Round36Init.Matrix(rng, sizes[l + 1], sizes[l], 0.5); B[l] = Round36Init.Vector(rng, sizes[l + 1], 0.1); }
        }

        [Differentiable(nameof(W), nameof(B))]
        public double Loss(double[] x, [Constant] double[] target)
        {
            double[] h = x;
            for (int l = 0; l < W.Length; l++)
            {
                var w = W[l];
                var o = new double[w.GetLength(0)];
                for (int r = 0; r < o.Length; r++)
                {
                    double s = B[l][r];
                    for (int i = 0; i < h.Length; i++) s += w[r, i] * h[i];
                    o[r] = l + 1 < W.Length ? Math.Tanh(s) : s;
                }
                h = o;
            }
            double loss = 0;
            for (int i = 0; i < h.Length; i++) loss += (h[i] - target[i]) * (h[i] - target[i]);
            return loss;
        }
    }
}
