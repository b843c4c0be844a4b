using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 31: probe batch 31, 40 small natural functions (one static class B31, a layer class DenseLayer and a model class
    /// TwoLayerModel made of Layer objects), one idiom each, written by someone who had not read the docs; 39 accepted as
    /// written, all here as written (the author's bodies, parameters, attributes and comments; each function's probe number in
    /// its section comment). B31's static methods are this class's; the batch's types are declared below with a Round31
    /// prefix, the call sites renamed to match: <see cref="Round31DenseLayer"/> (DenseLayer's instance Loss over its W and b
    /// fields), <see cref="Round31Layer"/> and <see cref="Round31TwoLayerModel"/> (TwoLayerModel's instance Predict through
    /// two Layer objects' Forward), <see cref="Round31Activation"/>, <see cref="Round31SmoothingConfig"/> (a record) and
    /// <see cref="Round31Vec3"/> (a readonly struct with operators). Not here: the 40th, PolyRec (#if REJECTED in the probe,
    /// DIFF0006: the method calls itself), accepted since and in the corpus as written as <see cref="Recursion"/>.PolyRec.
    /// The helpers (MeanVar, MinMax, AddSquare, the Gauss-Legendre tables, Sigmoid, NormCdf) are kept beside their functions
    /// as private static members; no name clashes, so no function is renamed. One attribute added: [Constant] on
    /// FirstPassage's barrier (DIFF0014, a warning and so an error in this project: the barrier only decides when the loop
    /// returns); nothing else changed.
    /// </summary>
    public static partial class NaturalRound31
    {
        // ---------- 3. List<double> accumulator ----------
        [Differentiable]
        public static double ListAccumulate(double[] x, double t)
        {
            var terms = new List<double>();
            for (int i = 0; i < x.Length; i++) terms.Add(Math.Sin(x[i] * t));
            double s = 0;
            foreach (var v in terms) s += v * v;
            return s;
        }

        // ---------- 4. Array.Copy lag ----------
        [Differentiable]
        public static double LaggedProduct(double[] x)
        {
            var lag = new double[x.Length];
            Array.Copy(x, 0, lag, 1, x.Length - 1);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * lag[i];
            return s;
        }

        // ---------- 5. Span window ----------
        [Differentiable]
        public static double WindowEnergy(double[] x, int start, int len)
        {
            ReadOnlySpan<double> w = x.AsSpan(start, len);
            double e = 0;
            foreach (var v in w) e += v * v;
            return Math.Sqrt(e);
        }

        // ---------- 6. Clamp / Abs / Pow int ----------
        [Differentiable]
        public static double ClippedPoly(double[] x, double scale)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double c = Math.Clamp(scale * x[i], -1.0, 1.0);
                s += Math.Pow(c, 3) + 0.5 * Math.Abs(x[i]) + Math.Pow(x[i], 2);
            }
            return s;
        }

        // ---------- 7. enum activation switch expression ----------
        [Differentiable]
        public static double Activate(double[] x, Round31Activation act)
        {
            double s = 0;
            foreach (var v in x)
            {
                s += act switch
                {
                    Round31Activation.Relu => Math.Max(0.0, v),
                    Round31Activation.Tanh => Math.Tanh(v),
                    Round31Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-v)),
                    _ => Math.Log(1.0 + Math.Exp(v)),
                };
            }
            return s;
        }

        // ---------- 8. early return inside loop ----------
        // [Constant] on barrier added here: as written, 'barrier' only decides when the loop returns, and the generator says
        // DIFF0014 (its derivative is always zero, a warning, which this project treats as an error; the probe's Backward gave
        // a barrierGrad of 0); [Constant] is what the warning asks for. Nothing else changed.
        [Differentiable]
        public static double FirstPassage(double[] increments, [Constant] double barrier)
        {
            double level = 0;
            for (int i = 0; i < increments.Length; i++)
            {
                level += increments[i];
                if (level > barrier) return level * (i + 1);
            }
            return level;
        }

        // ---------- 9. Newton while-loop ----------
        [Differentiable]
        public static double NewtonSqrt(double a)
        {
            double x = Math.Max(a, 1.0);
            double delta = double.MaxValue;
            int iter = 0;
            while (Math.Abs(delta) > 1e-13 && iter < 100)
            {
                double next = 0.5 * (x + a / x);
                delta = next - x;
                x = next;
                iter++;
            }
            return x;
        }

        // ---------- 10. do/while fixed point ----------
        [Differentiable]
        public static double FixedPointCos(double t)
        {
            double y = 0.5, prev;
            do
            {
                prev = y;
                y = Math.Cos(t * y);
            } while (Math.Abs(y - prev) > 1e-13);
            return y;
        }

        // ---------- 11. foreach over jagged rows ----------
        [Differentiable]
        public static double RowNorms(double[][] rows)
        {
            double total = 0;
            foreach (var row in rows)
            {
                double s = 0;
                foreach (var v in row) s += v * v;
                total += Math.Sqrt(s);
            }
            return total;
        }

        // ---------- 12. capturing local function ----------
        [Differentiable]
        public static double SoftplusSum(double[] x, double beta)
        {
            double Softplus(double z) => Math.Log(1 + Math.Exp(beta * z)) / beta;
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Softplus(x[i]);
            return s;
        }

        // ---------- 13. Func<double,double> lambda ----------
        [Differentiable]
        public static double MapReduce(double[] x, double t)
        {
            Func<double, double> f = z => Math.Exp(-t * z * z);
            double s = 0;
            foreach (var v in x) s += f(v);
            return s;
        }

        // ---------- 14. tuple-returning helper ----------
        static (double Mean, double Var) MeanVar(double[] x)
        {
            double m = 0;
            foreach (var v in x) m += v;
            m /= x.Length;
            double var = 0;
            foreach (var v in x) var += (v - m) * (v - m);
            return (m, var / x.Length);
        }

        [Differentiable]
        public static double CoefficientOfVariation(double[] x)
        {
            var (mean, variance) = MeanVar(x);
            return Math.Sqrt(variance) / mean;
        }

        // ---------- 15. out-parameter helper ----------
        static void MinMax(double[] x, out double min, out double max)
        {
            min = x[0]; max = x[0];
            for (int i = 1; i < x.Length; i++)
            {
                if (x[i] < min) min = x[i];
                if (x[i] > max) max = x[i];
            }
        }

        [Differentiable]
        public static double RangeNormalizedEnergy(double[] x)
        {
            MinMax(x, out var lo, out var hi);
            double s = 0;
            foreach (var v in x)
            {
                double u = (v - lo) / (hi - lo);
                s += u * u;
            }
            return s;
        }

        // ---------- 16. ref helper ----------
        static void AddSquare(ref double acc, double v) => acc += v * v;

        [Differentiable]
        public static double SumSquaresRef(double[] x, double w)
        {
            double acc = 0;
            for (int i = 0; i < x.Length; i++) AddSquare(ref acc, w * x[i]);
            return acc;
        }

        // ---------- 17. struct Vec3 with operators ----------
        [Differentiable]
        public static double SpringChainEnergy(double[] pos, double k, double rest)
        {
            int n = pos.Length / 3;
            double e = 0;
            for (int i = 0; i < n - 1; i++)
            {
                var a = new Round31Vec3(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
                var c = new Round31Vec3(pos[3 * i + 3], pos[3 * i + 4], pos[3 * i + 5]);
                double d = (c - a).Length();
                e += 0.5 * k * (d - rest) * (d - rest);
            }
            return e;
        }

        // ---------- 18. record config ----------
        [Differentiable]
        public static double SmoothedLast(double[] series, Round31SmoothingConfig cfg)
        {
            double s = series[0];
            for (int i = 1; i < series.Length; i++)
                s = cfg.Alpha * series[i] + (1 - cfg.Alpha) * s;
            return s;
        }

        // ---------- 19. static readonly quadrature tables ----------
        static readonly double[] GlNodes = { -0.906179845938664, -0.538469310105683, 0.0, 0.538469310105683, 0.906179845938664 };
        static readonly double[] GlWeights = { 0.236926885056189, 0.478628670499366, 0.568888888888889, 0.478628670499366, 0.236926885056189 };

        [Differentiable]
        public static double GaussLegendre(double a, double b, double k)
        {
            double half = 0.5 * (b - a), mid = 0.5 * (a + b), s = 0;
            for (int i = 0; i < GlNodes.Length; i++)
            {
                double xx = mid + half * GlNodes[i];
                s += GlWeights[i] * Math.Exp(-k * xx * xx);
            }
            return half * s;
        }

        // ---------- 20. string mode ----------
        [Differentiable]
        public static double Reduce(double[] x, string reduction)
        {
            double s = 0;
            foreach (var v in x) s += v * v;
            if (reduction == "mean") return s / x.Length;
            else if (reduction == "sqrt") return Math.Sqrt(s);
            return s;
        }

        // ---------- 21. recursion ----------
        // PolyRec (inside #if REJECTED in the probe, refused then with DIFF0006: the method calls itself) is accepted since and
        // is in the corpus as written as Recursion.PolyRec; not repeated here.

        // ---------- 22. sorted copy trimmed mean ----------
        [Differentiable]
        public static double TrimmedMean(double[] x, int trim)
        {
            var sorted = (double[])x.Clone();
            Array.Sort(sorted);
            double sum = 0;
            for (int i = trim; i < sorted.Length - trim; i++) sum += sorted[i];
            return sum / (sorted.Length - 2 * trim);
        }

        // ---------- 23. LINQ ----------
        [Differentiable]
        public static double LinqStats(double[] x) => x.Select(v => v * v).Sum() + x.Max() - x.Average();

        // ---------- 24. 3-D array ----------
        [Differentiable]
        public static double Volume3(double[,,] v, double[] w)
        {
            double s = 0;
            for (int i = 0; i < v.GetLength(0); i++)
                for (int j = 0; j < v.GetLength(1); j++)
                    for (int k = 0; k < v.GetLength(2); k++)
                        s += w[k] * v[i, j, k] * v[i, j, k];
            return s;
        }

        static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        // ---------- 25. LSTM cell ----------
        [Differentiable]
        public static double LstmStep(double[] x, double[] hPrev, double[] cPrev, double[,] Wx, double[,] Wh, double[] bias)
        {
            int H = hPrev.Length, D = x.Length;
            var gates = new double[4 * H];
            for (int r = 0; r < 4 * H; r++)
            {
                double z = bias[r];
                for (int j = 0; j < D; j++) z += Wx[r, j] * x[j];
                for (int j = 0; j < H; j++) z += Wh[r, j] * hPrev[j];
                gates[r] = z;
            }
            double loss = 0;
            for (int k = 0; k < H; k++)
            {
                double ig = Sigmoid(gates[k]);
                double fg = Sigmoid(gates[H + k]);
                double gg = Math.Tanh(gates[2 * H + k]);
                double og = Sigmoid(gates[3 * H + k]);
                double c = fg * cPrev[k] + ig * gg;
                double h = og * Math.Tanh(c);
                loss += h + 0.5 * c * c;
            }
            return loss;
        }

        // ---------- 26. GRU over a sequence ----------
        [Differentiable]
        public static double GruSequence(double[][] xs, double[,] Wz, double[,] Uz, double[,] Wr, double[,] Ur, double[,] Wh, double[,] Uh)
        {
            int H = Wz.GetLength(0), D = Wz.GetLength(1);
            var h = new double[H];
            foreach (var x in xs)
            {
                var z = new double[H];
                var r = new double[H];
                for (int i = 0; i < H; i++)
                {
                    double az = 0, ar = 0;
                    for (int j = 0; j < D; j++) { az += Wz[i, j] * x[j]; ar += Wr[i, j] * x[j]; }
                    for (int j = 0; j < H; j++) { az += Uz[i, j] * h[j]; ar += Ur[i, j] * h[j]; }
                    z[i] = Sigmoid(az);
                    r[i] = Sigmoid(ar);
                }
                var hNew = new double[H];
                for (int i = 0; i < H; i++)
                {
                    double a = 0;
                    for (int j = 0; j < D; j++) a += Wh[i, j] * x[j];
                    for (int j = 0; j < H; j++) a += Uh[i, j] * (r[j] * h[j]);
                    hNew[i] = (1 - z[i]) * h[i] + z[i] * Math.Tanh(a);
                }
                h = hNew;
            }
            double s = 0;
            for (int i = 0; i < H; i++) s += h[i];
            return s;
        }

        // ---------- 27. attention ----------
        [Differentiable]
        public static double Attention(double[] q, double[,] K, double[,] V)
        {
            int n = K.GetLength(0), d = K.GetLength(1), dv = V.GetLength(1);
            var scores = new double[n];
            double maxScore = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += q[j] * K[i, j];
                scores[i] = s / Math.Sqrt(d);
                if (scores[i] > maxScore) maxScore = scores[i];
            }
            double denom = 0;
            for (int i = 0; i < n; i++) { scores[i] = Math.Exp(scores[i] - maxScore); denom += scores[i]; }
            double loss = 0;
            for (int j = 0; j < dv; j++)
            {
                double o = 0;
                for (int i = 0; i < n; i++) o += scores[i] / denom * V[i, j];
                loss += o * o;
            }
            return loss;
        }

        // ---------- 28. Kalman filter NLL ----------
        [Differentiable]
        public static double KalmanNll(double[] z, double q, double r)
        {
            double x = 0, P = 1, nll = 0;
            foreach (var zi in z)
            {
                P += q;
                double S = P + r;
                double innov = zi - x;
                nll += 0.5 * (Math.Log(2 * Math.PI * S) + innov * innov / S);
                double K = P / S;
                x += K * innov;
                P *= (1 - K);
            }
            return nll;
        }

        // ---------- 29. binomial tree American put ----------
        [Differentiable]
        public static double AmericanPut(double S, double K, double r, double sigma, double T, int steps)
        {
            double dt = T / steps;
            double u = Math.Exp(sigma * Math.Sqrt(dt)), d = 1 / u;
            double p = (Math.Exp(r * dt) - d) / (u - d);
            double disc = Math.Exp(-r * dt);
            var v = new double[steps + 1];
            for (int i = 0; i <= steps; i++)
                v[i] = Math.Max(K - S * Math.Pow(u, steps - i) * Math.Pow(d, i), 0.0);
            for (int step = steps - 1; step >= 0; step--)
            {
                for (int i = 0; i <= step; i++)
                {
                    double cont = disc * (p * v[i] + (1 - p) * v[i + 1]);
                    double exercise = K - S * Math.Pow(u, step - i) * Math.Pow(d, i);
                    v[i] = Math.Max(cont, exercise);
                }
            }
            return v[0];
        }

        // ---------- 30. velocity Verlet pendulum ----------
        [Differentiable]
        public static double PendulumVerlet(double theta0, double omega0, double g, double dt, int steps)
        {
            double theta = theta0, omega = omega0;
            double acc = -g * Math.Sin(theta);
            for (int s = 0; s < steps; s++)
            {
                theta += omega * dt + 0.5 * acc * dt * dt;
                double newAcc = -g * Math.Sin(theta);
                omega += 0.5 * (acc + newAcc) * dt;
                acc = newAcc;
            }
            return theta + 0.1 * omega;
        }

        // ---------- 31. GP log-likelihood with hand Cholesky ----------
        [Differentiable]
        public static double GpLogLik(double[] xs, double[] y, double lengthScale, double signalVar, double noiseVar)
        {
            int n = xs.Length;
            var K = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double dd = xs[i] - xs[j];
                    K[i, j] = signalVar * Math.Exp(-0.5 * dd * dd / (lengthScale * lengthScale));
                    if (i == j) K[i, j] += noiseVar;
                }
            var L = new double[n, n];
            for (int j = 0; j < n; j++)
            {
                double sum = K[j, j];
                for (int k = 0; k < j; k++) sum -= L[j, k] * L[j, k];
                L[j, j] = Math.Sqrt(sum);
                for (int i = j + 1; i < n; i++)
                {
                    double s = K[i, j];
                    for (int k = 0; k < j; k++) s -= L[i, k] * L[j, k];
                    L[i, j] = s / L[j, j];
                }
            }
            var a = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = y[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * a[k];
                a[i] = s / L[i, i];
            }
            var alpha = new double[n];
            for (int i = n - 1; i >= 0; i--)
            {
                double s = a[i];
                for (int k = i + 1; k < n; k++) s -= L[k, i] * alpha[k];
                alpha[i] = s / L[i, i];
            }
            double quad = 0, logDet = 0;
            for (int i = 0; i < n; i++) { quad += y[i] * alpha[i]; logDet += 2 * Math.Log(L[i, i]); }
            return -0.5 * quad - 0.5 * logDet - 0.5 * n * Math.Log(2 * Math.PI);
        }

        // ---------- 32. top-k by partial selection sort ----------
        [Differentiable]
        public static double TopKSum(double[] x, int k)
        {
            var a = (double[])x.Clone();
            double sum = 0;
            for (int i = 0; i < k; i++)
            {
                int best = i;
                for (int j = i + 1; j < a.Length; j++) if (a[j] > a[best]) best = j;
                (a[i], a[best]) = (a[best], a[i]);
                sum += a[i];
            }
            return sum;
        }

        // ---------- 33. softmax with temperature + CE ----------
        [Differentiable]
        public static double SoftmaxCE(double[] logits, int target, double temperature)
        {
            double max = logits.Max();
            double denom = 0;
            for (int i = 0; i < logits.Length; i++) denom += Math.Exp((logits[i] - max) / temperature);
            return -((logits[target] - max) / temperature - Math.Log(denom));
        }

        // ---------- 34. label-smoothed CE over a batch ----------
        [Differentiable]
        public static double LabelSmoothedCE(double[,] logits, int[] labels, double eps)
        {
            int N = logits.GetLength(0), C = logits.GetLength(1);
            double loss = 0;
            for (int n = 0; n < N; n++)
            {
                double m = double.MinValue;
                for (int c = 0; c < C; c++) m = Math.Max(m, logits[n, c]);
                double lse = 0;
                for (int c = 0; c < C; c++) lse += Math.Exp(logits[n, c] - m);
                lse = m + Math.Log(lse);
                double sumLogp = 0;
                for (int c = 0; c < C; c++) sumLogp += logits[n, c] - lse;
                loss -= (1 - eps) * (logits[n, labels[n]] - lse) + eps / C * sumLogp;
            }
            return loss / N;
        }

        // ---------- 35. batch norm writing an output array ----------
        [Differentiable]
        public static void BatchNorm(double[,] x, double[] gamma, double[] beta, double[,] y, double eps = 1e-5)
        {
            int N = x.GetLength(0), F = x.GetLength(1);
            for (int f = 0; f < F; f++)
            {
                double mean = 0;
                for (int n = 0; n < N; n++) mean += x[n, f];
                mean /= N;
                double var = 0;
                for (int n = 0; n < N; n++) var += (x[n, f] - mean) * (x[n, f] - mean);
                var /= N;
                double inv = 1.0 / Math.Sqrt(var + eps);
                for (int n = 0; n < N; n++) y[n, f] = gamma[f] * (x[n, f] - mean) * inv + beta[f];
            }
        }

        // ---------- 36. dropout with a seeded mask ----------
        [Differentiable]
        public static double DropoutMse(double[] x, bool[] keep, double p, double[] target)
        {
            double scale = 1.0 / (1.0 - p);
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!keep[i]) { loss += target[i] * target[i]; continue; }
                double d = x[i] * scale - target[i];
                loss += d * d;
            }
            return loss / x.Length;
        }

        // ---------- 37. polynomial fitting with Math.Pow(x, j) ----------
        [Differentiable]
        public static double PolyFitMse(double[] coeffs, double[] xs, double[] ys)
        {
            double loss = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double pred = 0;
                for (int j = 0; j < coeffs.Length; j++) pred += coeffs[j] * Math.Pow(xs[n], j);
                double r = pred - ys[n];
                loss += r * r;
            }
            return loss / xs.Length;
        }

        // ---------- 38. Huber regression ----------
        [Differentiable]
        public static double HuberLoss(double[] w, double[,] X, double[] y, double delta)
        {
            double loss = 0;
            for (int n = 0; n < y.Length; n++)
            {
                double pred = 0;
                for (int j = 0; j < w.Length; j++) pred += X[n, j] * w[j];
                double r = y[n] - pred;
                double ar = Math.Abs(r);
                if (ar <= delta) loss += 0.5 * r * r;
                else loss += delta * (ar - 0.5 * delta);
            }
            return loss;
        }

        // ---------- 39. EM step for a 1-D GMM ----------
        [Differentiable]
        public static double GmmEmStep(double[] data, double[] mu, double[] sigma, double[] pi)
        {
            int N = data.Length, K = mu.Length;
            var resp = new double[N, K];
            for (int n = 0; n < N; n++)
            {
                double tot = 0;
                for (int k = 0; k < K; k++)
                {
                    double z = (data[n] - mu[k]) / sigma[k];
                    resp[n, k] = pi[k] * Math.Exp(-0.5 * z * z) / (sigma[k] * Math.Sqrt(2 * Math.PI));
                    tot += resp[n, k];
                }
                for (int k = 0; k < K; k++) resp[n, k] /= tot;
            }
            var newMu = new double[K];
            var newSigma = new double[K];
            var newPi = new double[K];
            for (int k = 0; k < K; k++)
            {
                double nk = 0, sx = 0;
                for (int n = 0; n < N; n++) { nk += resp[n, k]; sx += resp[n, k] * data[n]; }
                newMu[k] = sx / nk;
                double sv = 0;
                for (int n = 0; n < N; n++) sv += resp[n, k] * (data[n] - newMu[k]) * (data[n] - newMu[k]);
                newSigma[k] = Math.Sqrt(sv / nk);
                newPi[k] = nk / N;
            }
            double ll = 0;
            for (int n = 0; n < N; n++)
            {
                double p = 0;
                for (int k = 0; k < K; k++)
                {
                    double z = (data[n] - newMu[k]) / newSigma[k];
                    p += newPi[k] * Math.Exp(-0.5 * z * z) / (newSigma[k] * Math.Sqrt(2 * Math.PI));
                }
                ll += Math.Log(p);
            }
            return ll;
        }

        // ---------- 40. Black-Scholes with hand-written normal CDF ----------
        static double NormCdf(double x)
        {
            // Abramowitz & Stegun 7.1.26
            double sign = x < 0 ? -1 : 1;
            double ax = Math.Abs(x) / Math.Sqrt(2.0);
            double t = 1.0 / (1.0 + 0.3275911 * ax);
            double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-ax * ax);
            return 0.5 * (1.0 + sign * y);
        }

        [Differentiable]
        public static double BlackScholesCall(double S, double K, double r, double sigma, double T)
        {
            double sqrtT = Math.Sqrt(T);
            double d1 = (Math.Log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrtT);
            double d2 = d1 - sigma * sqrtT;
            return S * NormCdf(d1) - K * Math.Exp(-r * T) * NormCdf(d2);
        }
    }

    // ---------- 1. layer class with weight fields ----------
    /// <summary>Round 31's DenseLayer as written (renamed): readonly W and b fields, an instance Loss differentiated in x, W and b.</summary>
    public partial class Round31DenseLayer
    {
        public readonly double[,] W;
        public readonly double[] b;
        public Round31DenseLayer(double[,] w, double[] bias) { W = w; b = bias; }

        [Differentiable(nameof(x), nameof(W), nameof(b))]
        public double Loss(double[] x)
        {
            int outDim = W.GetLength(0), inDim = W.GetLength(1);
            double total = 0;
            for (int i = 0; i < outDim; i++)
            {
                double z = b[i];
                for (int j = 0; j < inDim; j++) z += W[i, j] * x[j];
                total += Math.Tanh(z);
            }
            return total;
        }
    }

    // ---------- 2. model class composed of layers ----------
    /// <summary>Round 31's Layer as written (renamed): readonly W and B fields and a tanh Forward returning a new array.</summary>
    public class Round31Layer
    {
        public readonly double[,] W;
        public readonly double[] B;
        public Round31Layer(double[,] w, double[] b) { W = w; B = b; }
        public double[] Forward(double[] x)
        {
            var y = new double[B.Length];
            for (int i = 0; i < B.Length; i++)
            {
                double z = B[i];
                for (int j = 0; j < x.Length; j++) z += W[i, j] * x[j];
                y[i] = Math.Tanh(z);
            }
            return y;
        }
    }

    /// <summary>Round 31's TwoLayerModel as written (renamed): two readonly Round31Layer fields, an instance Predict differentiated in x.</summary>
    public partial class Round31TwoLayerModel
    {
        public readonly Round31Layer Hidden;
        public readonly Round31Layer Output;
        public Round31TwoLayerModel(Round31Layer h, Round31Layer o) { Hidden = h; Output = o; }

        [Differentiable]
        public double Predict(double[] x)
        {
            var h = Hidden.Forward(x);
            var o = Output.Forward(h);
            double s = 0;
            foreach (var v in o) s += v;
            return s;
        }
    }

    /// <summary>Round 31's Activation as written (renamed).</summary>
    public enum Round31Activation { Relu, Tanh, Sigmoid, Softplus }
    /// <summary>Round 31's SmoothingConfig as written (renamed): a positional record (Alpha read, Warmup unused).</summary>
    public record Round31SmoothingConfig(double Alpha, int Warmup);

    /// <summary>Round 31's Vec3 as written (renamed): a readonly struct with +, -, scalar *, Dot and a Length method.</summary>
    public readonly struct Round31Vec3
    {
        public readonly double X, Y, Z;
        public Round31Vec3(double x, double y, double z) { X = x; Y = y; Z = z; }
        public static Round31Vec3 operator +(Round31Vec3 a, Round31Vec3 b) => new Round31Vec3(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Round31Vec3 operator -(Round31Vec3 a, Round31Vec3 b) => new Round31Vec3(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Round31Vec3 operator *(double s, Round31Vec3 a) => new Round31Vec3(s * a.X, s * a.Y, s * a.Z);
        public double Dot(Round31Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;
        public double Length() => Math.Sqrt(Dot(this));
    }
}
