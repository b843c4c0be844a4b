using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 37: probe batch 37 (2026-12-05), 40 small natural functions (audio DSP, image processing, control and
    /// robotics, physics and chemistry, economics and finance, statistics, machine learning, geometry) written by a helper
    /// who had not read the docs; 38 accepted as written, 2 refused, both accepted as written after this round's generator
    /// fixes and here as written: MpcTracking (scratch from <c>ArrayPool&lt;double&gt;.Shared.Rent(n)</c> in a
    /// <c>try { ... return cost; } finally { ArrayPool&lt;double&gt;.Shared.Return(pos); }</c>) and LaplacianEnergy
    /// (<c>Buffer.BlockCopy(verts, 0, delta, 0, verts.Length * sizeof(double))</c>). The author's bodies, parameters,
    /// attributes and comments (each function's probe number in its comment); the batch's static classes' methods as this
    /// class's (no two share a name), its other types declared below with a Round37 prefix, the uses renamed to match.
    /// </summary>
    public static partial class NaturalRound37
    {
        // ---- Dsp (Dsp.cs) ----
        // F01: FIR filter bank, y[b, t] = sum_k taps[b, k] * x[t - k]
        [Differentiable]
        public static void FirBank(double[] x, double[,] taps, double[,] y)
        {
            int bands = taps.GetLength(0), order = taps.GetLength(1);
            if (y.GetLength(0) != bands || y.GetLength(1) != x.Length)
                throw new ArgumentException("y must be bands x samples", nameof(y));
            Array.Clear(y);
            for (int b = 0; b < bands; b++)
                for (int t = x.Length - 1; t >= 0; t--)
                    for (int k = 0; k < order && k <= t; k++)
                        y[b, t] += taps[b, k] * x[t - k];
        }

        // F02: biquad (direct form I), mean output energy
        [Differentiable]
        public static double BiquadEnergy(double[] x, double b0, double b1, double b2, double a1, double a2)
        {
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0, energy = 0;
            foreach (var xn in x)
            {
                double yn = b0 * xn + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                (x2, x1) = (x1, xn);
                (y2, y1) = (y1, yn);
                energy += Sq(yn);
            }
            return energy / x.Length;
        }

        static double Sq(double v) => v * v;

        // F03: mean log mel energy of a power spectrum
        [Differentiable]
        public static double LogMelEnergy(double[] re, double[] im, [Constant] double[,] melW)
        {
            int nMel = melW.GetLength(0);
            var power = re.Zip(im, (a, b) => a * a + b * b).ToArray();
            double total = 0;
            for (int m = 0; m < nMel; m++)
            {
                double e = 0;
                for (int k = 0; k < power.Length; k++) e += melW[m, k] * power[k];
                total += Math.Log(Math.Max(e, double.Epsilon) + 1e-10);
            }
            return total / nMel;
        }

        // F04: phase vocoder analysis/synthesis step (time stretch)
        [Differentiable]
        public static void PhaseVocoderStep(double[] re, double[] im, [Constant] double[] prevPhase, [Constant] double[] synthPhase,
                                            double hop, double stretch, double[] outMag, double[] outPhase)
        {
            int bins = re.Length;
            int fft = 2 * (bins - 1);
            for (int k = 0; k < bins; k++)
            {
                double mag = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
                double phase = Math.Atan2(im[k], re[k]);
                double expected = 2 * Math.PI * k * hop / fft;
                double dphi = phase - prevPhase[k] - expected;
                while (dphi > Math.PI) dphi -= 2 * Math.PI;
                while (dphi < -Math.PI) dphi += 2 * Math.PI;
                double trueAdvance = expected + dphi;
                outMag[k] = mag;
                outPhase[k] = synthPhase[k] + trueAdvance * stretch;
            }
        }

        // F05: waveshaper "drive" with a string mode
        [Differentiable]
        public static double Drive(double[] x, double gain, string mode = "tanh")
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double v = gain * x[i];
                double y = mode == "tanh" ? Math.Tanh(v)
                         : mode == "cubic" ? (Math.Abs(v) < 1 ? v - v * v * v / 3 : Math.Sign(v) * 2.0 / 3)
                         : Math.Clamp(v, -1, 1);
                sum += y * y;
            }
            return sum;
        }

        // ---- Img (Image.cs) ----
        // F06: piecewise tone curve (toe / gamma / shoulder) fit
        [Differentiable]
        public static double ToneCurveLoss(double[] px, [Constant] double[] target, double gamma, double toe, double shoulder)
        {
            double loss = 0;
            for (int i = 0; i < px.Length; i++)
            {
                double v = px[i];
                double mapped;
                if (v is > 0 and < 1)
                    mapped = Math.Pow(v, 1 / gamma);
                else if (v >= 1)
                    mapped = 1 + (v - 1) * shoulder;
                else
                    mapped = v * toe;
                double d = mapped - target[i];
                loss += d * d;
            }
            return loss;
        }

        // F07: SSIM over one small window
        [Differentiable]
        public static double Ssim(double[,] a, double[,] b)
        {
            static double Mean(double[,] m)
            {
                double s = 0;
                foreach (var v in m) s += v;
                return s / m.Length;
            }

            double ma = Mean(a), mb = Mean(b);
            double va = 0, vb = 0, cov = 0;
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                {
                    double da = a[i, j] - ma, db = b[i, j] - mb;
                    va += da * da;
                    vb += db * db;
                    cov += da * db;
                }
            int n = a.Length;
            va /= n - 1; vb /= n - 1; cov /= n - 1;
            return (2 * ma * mb + Round37SsimConst.C1) * (2 * cov + Round37SsimConst.C2)
                 / ((ma * ma + mb * mb + Round37SsimConst.C1) * (va + vb + Round37SsimConst.C2));
        }

        // F08: RGB -> YUV through a static colour matrix, Huber loss against a YUV target
        [Differentiable]
        public static double YuvHuber(double[,] rgb, [Constant] double[,] targetYuv, double delta = 0.1)
        {
            if (rgb.GetLength(1) != 3) throw new ArgumentException("rgb must be N x 3", nameof(rgb));
            double loss = 0;
            Span<double> yuv = stackalloc double[3];
            for (int p = 0; p < rgb.GetLength(0); p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    yuv[c] = 0;
                    for (int k = 0; k < 3; k++) yuv[c] += Round37ColorSpaces.RgbToYuv[c, k] * rgb[p, k];
                    double r = Math.Abs(yuv[c] - targetYuv[p, c]);
                    loss += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
                }
            }
            return loss;
        }

        // ---- Control (Control.cs) ----
        static readonly double[] Qdiag = { 1.0, 0.1 };
        const double Rweight = 0.01;

        // F10: LQR cost of a linear feedback u = -K x over a horizon
        [Differentiable]
        public static double LqrCost(double[] x0, double[,] K, [Constant] double[,] A, [Constant] double[,] B, int horizon)
        {
            int n = x0.Length, m = K.GetLength(0);
            Span<double> x = stackalloc double[n];
            Span<double> u = stackalloc double[m];
            Span<double> nx = stackalloc double[n];
            for (int i = 0; i < n; i++) x[i] = x0[i];
            double cost = 0;
            for (int t = 0; t < horizon; t++)
            {
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s -= K[j, i] * x[i];
                    u[j] = s;
                }
                for (int i = 0; i < n; i++) cost += Qdiag[i] * x[i] * x[i];
                for (int j = 0; j < m; j++) cost += Rweight * u[j] * u[j];
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += A[i, k] * x[k];
                    for (int j = 0; j < m; j++) s += B[i, j] * u[j];
                    nx[i] = s;
                }
                nx.CopyTo(x);
            }
            return cost;
        }

        // F11: differential-drive odometry rollout against a target pose (readonly struct parameter)
        [Differentiable]
        public static double OdometryError(double[] vLeft, double[] vRight, double wheelBase, double dt, Round37Pose2 target)
        {
            double x = 0, y = 0, th = 0;
            for (int t = 0; t < vLeft.Length; t++)
            {
                double v = 0.5 * (vLeft[t] + vRight[t]);
                double w = (vRight[t] - vLeft[t]) / wheelBase;
                x += v * Math.Cos(th + 0.5 * w * dt) * dt;
                y += v * Math.Sin(th + 0.5 * w * dt) * dt;
                th += w * dt;
            }
            double dth = Math.Atan2(Math.Sin(th - target.Theta), Math.Cos(th - target.Theta));
            return target.DistanceSq(x, y) + 0.1 * dth * dth;
        }

        // F12: MPC tracking cost, saturated inputs, scratch from ArrayPool
        [Differentiable]
        public static double MpcTracking(double[] u, [Constant] double[] reference, double uMax, double dt)
        {
            int n = u.Length;
            double[] pos = ArrayPool<double>.Shared.Rent(n);
            try
            {
                double p = 0, v = 0;
                for (int t = 0; t < n; t++)
                {
                    double a = Math.Clamp(u[t], -uMax, uMax);
                    v += a * dt;
                    p += v * dt;
                    pos[t] = p;
                }
                double cost = 0;
                for (int t = 0; t < n; t++)
                    cost += (pos[t] - reference[t]) * (pos[t] - reference[t]) + 1e-3 * u[t] * u[t];
                return cost;
            }
            finally
            {
                ArrayPool<double>.Shared.Return(pos);
            }
        }



        // F13: PID loop on a first-order plant with anti-windup and actuator saturation
        [Differentiable]
        public static double PidTrackingError(double kp, double ki, double kd, [Constant] double[] setpoint, double dt, double tau)
        {
            double y = 0, integral = 0, prevErr = setpoint[0], cost = 0;
            int saturated = 0;
            for (int t = 0; t < setpoint.Length; t++)
            {
                double e = setpoint[t] - y;
                integral = Math.Clamp(integral + e * dt, -2.0, 2.0);
                double deriv = (e - prevErr) / dt;
                double u = kp * e + ki * integral + kd * deriv;
                checked { saturated += Math.Abs(u) > 5 ? 1 : 0; }
                u = Math.Max(-5, Math.Min(5, u));
                y += dt / tau * (u - y);
                prevErr = e;
                cost += e * e * dt;
            }
            return cost + 1e-3 * saturated;
        }

        // F14: quadrotor altitude with quadratic drag held in a lambda
        [Differentiable]
        public static double HoverAltitudeError(double[] thrust, double mass, double dragCoef, double dt, [Constant] double targetAlt)
        {
            Func<double, double> drag = v => -dragCoef * v * Math.Abs(v);
            double z = 0, vz = 0, err = 0;
            for (int t = 0; t < thrust.Length; t++)
            {
                double acc = thrust[t] / mass - Round37PhysicsConst.G + drag(vz) / mass;
                vz += acc * dt;
                z += vz * dt;
                err += (z - targetAlt) * (z - targetAlt);
            }
            return err * dt;
        }

        // F15: penalty of the first joint-limit violation along a trajectory (early return in nested loops)
        [Differentiable]
        public static double FirstViolation(double[,] traj, [Constant] double[] lo, [Constant] double[] hi)
        {
            for (int t = 0; t < traj.GetLength(0); t++)
                for (int j = 0; j < traj.GetLength(1); j++)
                {
                    if (traj[t, j] > hi[j]) return (traj[t, j] - hi[j]) * (t + 1);
                    if (traj[t, j] < lo[j]) return (lo[j] - traj[t, j]) * (t + 1);
                }
            return 0;
        }

        // ---- Cloth (Physics.cs) ----
        // F16: one semi-implicit Euler step of a spring-mass cloth (unit masses, gravity on y)
        [Differentiable]
        public static void SpringStep(double[] pos, double[] vel, int[] springs, double k, double rest, double dt,
                                      double[] newPos, double[] newVel)
        {
            int nv = pos.Length / 3;
            var force = new double[pos.Length];
            for (int i = 0; i < nv; i++) force[3 * i + 1] = -Round37PhysicsConst.G;
            for (int s = 0; s < springs.Length; s += 2)
            {
                int a = springs[s], b = springs[s + 1];
                double dx = pos[3 * b] - pos[3 * a];
                double dy = pos[3 * b + 1] - pos[3 * a + 1];
                double dz = pos[3 * b + 2] - pos[3 * a + 2];
                double len = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                double f = k * (len - rest) / len;
                force[3 * a] += f * dx; force[3 * a + 1] += f * dy; force[3 * a + 2] += f * dz;
                force[3 * b] -= f * dx; force[3 * b + 1] -= f * dy; force[3 * b + 2] -= f * dz;
            }
            Array.Copy(vel, newVel, vel.Length);
            for (int i = 0; i < pos.Length; i++)
            {
                newVel[i] += dt * force[i];
                newPos[i] = pos[i] + dt * newVel[i];
            }
        }

        // ---- Orbit (Physics.cs) ----
        // F17: radius from Kepler's equation solved by Newton (tolerance + iteration cap)
        [Differentiable]
        public static double KeplerRadius(double meanAnomaly, double ecc, double a)
        {
            double E = meanAnomaly;
            double delta = 1;
            int it = 0;
            while (Math.Abs(delta) > 1e-13 && it < 50)
            {
                delta = (E - ecc * Math.Sin(E) - meanAnomaly) / (1 - ecc * Math.Cos(E));
                E -= delta;
                it++;
            }
            return a * (1 - ecc * Math.Cos(E));
        }

        // ---- Ballistics (Physics.cs) ----
        // F18: projectile with quadratic drag, integrate until it hits the ground, interpolate the landing point
        [Differentiable]
        public static double Range(double v0, double angleDeg, double k, double dt)
        {
            const int MaxSteps = 100_000;
            double th = angleDeg * Math.PI / 180;
            double x = 0, y = 0, vx = v0 * Math.Cos(th), vy = v0 * Math.Sin(th);
            double px = 0, py = 0;
            int steps = 0;
            while (y >= 0 && steps < MaxSteps)
            {
                px = x; py = y;
                double speed = Math.Sqrt(vx * vx + vy * vy);
                vx -= k * speed * vx * dt;
                vy -= (Round37PhysicsConst.G + k * speed * vy) * dt;
                x += vx * dt;
                y += vy * dt;
                steps++;
            }
            double frac = py / (py - y);
            return px + frac * (x - px);
        }

        // ---- Chem (Physics.cs) ----
        // F19: Morse pair potential with a cutoff (helper with an out parameter)
        [Differentiable]
        public static double MorseEnergy(double[] xyz, double De, double a, double re, double cutoff)
        {
            int n = xyz.Length / 3;
            double shift = Round37MathUtil.Sq(1 - Math.Exp(-a * (cutoff - re)));
            double e = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    if (!TryDistance(xyz, i, j, cutoff, out var r)) continue;
                    double ex = 1 - Math.Exp(-a * (r - re));
                    e += De * (ex * ex - shift);
                }
            return e;
        }

        static bool TryDistance(double[] p, int i, int j, double cutoff, out double r)
        {
            double dx = p[3 * i] - p[3 * j], dy = p[3 * i + 1] - p[3 * j + 1], dz = p[3 * i + 2] - p[3 * j + 2];
            r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            return r < cutoff;
        }

        // F20: Arrhenius fit in log space (expression-bodied, LINQ over a range)
        [Differentiable]
        public static double ArrheniusFit(double logA, double Ea, [Constant] double[] T, [Constant] double[] k)
            => Enumerable.Range(0, T.Length).Select(i => Round37MathUtil.Sq(logA - Ea / (Round37Gas.R * T[i]) - Math.Log(k[i]))).Sum() / T.Length;

        // ---- Econ (Finance.cs) ----
        // F21: CES utility
        [Differentiable]
        public static double CesUtility(double[] x, double[] alpha, double rho)
        {
            if (x.Length != alpha.Length) throw new ArgumentException("length mismatch", nameof(alpha));
            double inner = alpha.Zip(x, (a, v) => a * Math.Pow(v, rho)).Sum();
            return Math.Pow(inner, 1 / rho);
        }

        // F22: Cobb–Douglas production function fitted in logs (capturing local function, Average over a range)
        [Differentiable]
        public static double CobbDouglasFit(double logA, double alpha, double beta, [Constant] double[] K, [Constant] double[] L, [Constant] double[] Y)
        {
            double Residual(int i) => Math.Log(Y[i]) - (logA + alpha * Math.Log(K[i]) + beta * Math.Log(L[i]));
            return Enumerable.Range(0, Y.Length).Average(i => Residual(i) * Residual(i));
        }

        // F26: certainty equivalent of exponential utility over scenarios (List<double> built with Add)
        [Differentiable]
        public static double CertaintyEquivalent(double[] w, [Constant] double[,] scenarioReturns, double riskAversion)
        {
            var wealth = new List<double>();
            for (int s = 0; s < scenarioReturns.GetLength(0); s++)
            {
                double g = 0;
                for (int j = 0; j < w.Length; j++) g += w[j] * scenarioReturns[s, j];
                wealth.Add(g);
            }
            double m = wealth.Min();
            double acc = 0;
            for (int s = 0; s < wealth.Count; s++) acc += Math.Exp(-riskAversion * (wealth[s] - m));
            return m - Math.Log(acc / wealth.Count) / riskAversion;
        }

        // F27: progressive income tax, brackets fall through with goto case
        [Differentiable]
        public static double ProgressiveTax(double[] income, double r1, double r2, double r3)
        {
            const double T1 = 10_000, T2 = 40_000;
            double total = 0;
            foreach (var y in income)
            {
                int bracket = y > T2 ? 2 : y > T1 ? 1 : 0;
                double tax = 0;
                switch (bracket)
                {
                    case 2:
                        tax += (y - T2) * r3;
                        goto case 1;
                    case 1:
                        tax += (Math.Min(y, T2) - T1) * r2;
                        goto case 0;
                    case 0:
                        tax += Math.Min(y, T1) * r1;
                        break;
                }
                total += tax;
            }
            return total / income.Length;
        }

        // ---- Bonds (Finance.cs) ----
        const double DaysPerYear = 365.0;

        // F23: bond price off a linearly interpolated zero curve, cash-flow dates as day counts
        [Differentiable]
        public static double Price(double[] zeroRates, [Constant] double[] tenorsYears, int[] cashflowDays, double couponRate, double face = 100)
        {
            double price = 0;
            int n = tenorsYears.Length;
            for (int c = 0; c < cashflowDays.Length; c++)
            {
                double t = cashflowDays[c] / DaysPerYear;
                int k = 0;
                while (k < n - 2 && tenorsYears[k + 1] < t) k++;
                double w = Math.Clamp((t - tenorsYears[k]) / (tenorsYears[k + 1] - tenorsYears[k]), 0, 1);
                double z = zeroRates[k] + w * (zeroRates[k + 1] - zeroRates[k]);
                double cf = couponRate * face / 2 + (c == cashflowDays.Length - 1 ? face : 0);
                price += cf * Math.Exp(-z * t);
            }
            return price;
        }

        // ---- Garch (Finance.cs) ----
        const double Log2Pi = 1.8378770664093453;

        // F24: GARCH(1,1) negative log-likelihood; n passed explicitly next to r.Length
        [Differentiable]
        public static double NegLogLik(double omega, double alpha, double beta, [Constant] double[] r, int n)
        {
            if (n > r.Length) throw new ArgumentOutOfRangeException(nameof(n));
            double h = r.Average(v => v * v);
            double nll = 0;
            for (int t = 0; t < n; t++)
            {
                if (t > 0) h = omega + alpha * r[t - 1] * r[t - 1] + beta * h;
                nll += 0.5 * (Log2Pi + Math.Log(h) + r[t] * r[t] / h);
            }
            return nll;
        }

        // ---- Curves (Finance.cs) ----
        // F25: Nelson–Siegel yield curve fit (tuple helper in another class, float/double overloads)
        [Differentiable]
        public static double NelsonSiegelSse(double b0, double b1, double b2, double lambda, [Constant] double[] tau, [Constant] double[] y)
        {
            double sse = 0;
            for (int i = 0; i < tau.Length; i++)
            {
                var (f1, f2) = Round37CurveMath.Loadings(tau[i], lambda);
                double r = b0 + b1 * f1 + b2 * f2 - y[i];
                sse += r * r;
            }
            return sse;
        }

        // ---- Robust (Stats.cs) ----
        // F28: robust regression with Tukey's biweight
        [Differentiable]
        public static double TukeyLoss(double[] beta, [Constant] double[,] X, [Constant] double[] y, double c = 4.685)
        {
            int n = X.GetLength(0), p = X.GetLength(1);
            if (beta.Length != p) throw new ArgumentException($"beta needs {p} entries", nameof(beta));
            double c2 = c * c / 6, loss = 0;
            for (int i = 0; i < n; i++)
            {
                double r = y[i];
                for (int j = 0; j < p; j++) r -= X[i, j] * beta[j];
                if (Math.Abs(r) < c)
                {
                    double u = 1 - (r / c) * (r / c);
                    loss += c2 * (1 - u * u * u);
                }
                else
                {
                    loss += c2;
                }
            }
            return loss;
        }

        // ---- Mixed (Stats.cs) ----
        // F29: logistic regression with a random intercept per group (int group ids, bool labels)
        [Differentiable]
        public static double LogisticMixedNll(double[] beta, double[] u, double logSigmaU, [Constant] double[,] X, int[] group, bool[] y)
        {
            double nll = 0;
            for (int i = 0; i < X.GetLength(0); i++)
            {
                double eta = u[group[i]];
                for (int j = 0; j < beta.Length; j++) eta += X[i, j] * beta[j];
                // log(1 + e^eta) written stably
                nll += double.LogP1(Math.Exp(-Math.Abs(eta))) + Math.Max(eta, 0) - (y[i] ? eta : 0);
            }
            double s2 = Math.Exp(2 * logSigmaU);
            foreach (var ug in u) nll += 0.5 * ug * ug / s2 + logSigmaU;
            return nll;
        }

        // ---- Bayes (Stats.cs) ----
        // F30: log evidence of Bayesian linear regression (Bishop 3.86) via Cholesky
        [Differentiable]
        public static double LogEvidence(double logAlpha, double logBeta, [Constant] double[,] Phi, [Constant] double[] t)
        {
            int n = Phi.GetLength(0), m = Phi.GetLength(1);
            double alpha = Math.Exp(logAlpha), beta = Math.Exp(logBeta);
            var A = new double[m, m];
            var b = new double[m];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += Phi[k, i] * Phi[k, j];
                    A[i, j] = beta * s + (i == j ? alpha : 0);
                }
                double r = 0;
                for (int k = 0; k < n; k++) r += Phi[k, i] * t[k];
                b[i] = beta * r;
            }
            var L = new double[m, m];
            for (int j = 0; j < m; j++)
            {
                double d = A[j, j];
                for (int k = 0; k < j; k++) d -= L[j, k] * L[j, k];
                L[j, j] = Math.Sqrt(d);
                for (int i = j + 1; i < m; i++)
                {
                    double s = A[i, j];
                    for (int k = 0; k < j; k++) s -= L[i, k] * L[j, k];
                    L[i, j] = s / L[j, j];
                }
            }
            var z = new double[m];
            for (int i = 0; i < m; i++)
            {
                double s = b[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * z[k];
                z[i] = s / L[i, i];
            }
            var mN = new double[m];
            for (int i = m - 1; i >= 0; i--)
            {
                double s = z[i];
                for (int k = i + 1; k < m; k++) s -= L[k, i] * mN[k];
                mN[i] = s / L[i, i];
            }
            double fit = 0;
            for (int k = 0; k < n; k++)
            {
                double pred = 0;
                for (int i = 0; i < m; i++) pred += Phi[k, i] * mN[i];
                fit += (t[k] - pred) * (t[k] - pred);
            }
            double reg = 0;
            for (int i = 0; i < m; i++) reg += mN[i] * mN[i];
            double E = 0.5 * beta * fit + 0.5 * alpha * reg;
            double logDet = 0;
            for (int j = 0; j < m; j++) logDet += 2 * Math.Log(L[j, j]);
            return 0.5 * m * logAlpha + 0.5 * n * logBeta - E - 0.5 * logDet - 0.5 * n * Math.Log(2 * Math.PI);
        }

        // ---- Metric (Ml.cs) ----
        // F31: ArcFace additive angular margin loss
        [Differentiable]
        public static double ArcFace(double[,] emb, double[,] W, int[] labels, double s = 30, double m = 0.5)
        {
            int n = emb.GetLength(0), d = emb.GetLength(1), c = W.GetLength(0);
            double cosM = Math.Cos(m), sinM = Math.Sin(m);
            double th = Math.Cos(Math.PI - m), mm = Math.Sin(Math.PI - m) * m;
            var logits = new double[c];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double en = 0;
                for (int k = 0; k < d; k++) en += emb[i, k] * emb[i, k];
                en = Math.Sqrt(en);
                for (int j = 0; j < c; j++)
                {
                    double wn = 0, dot = 0;
                    for (int k = 0; k < d; k++)
                    {
                        wn += W[j, k] * W[j, k];
                        dot += W[j, k] * emb[i, k];
                    }
                    double cos = dot / (en * Math.Sqrt(wn));
                    if (j == labels[i])
                    {
                        double sin = Math.Sqrt(Math.Max(1 - cos * cos, 0));
                        double phi = cos * cosM - sin * sinM;
                        cos = cos > th ? phi : cos - mm;
                    }
                    logits[j] = s * cos;
                }
                double mx = logits.Max();
                double z = 0;
                for (int j = 0; j < c; j++) z += Math.Exp(logits[j] - mx);
                loss += mx + Math.Log(z) - logits[labels[i]];
            }
            return loss / n;
        }

        // F33: supervised contrastive loss (label mask, anchors without positives skipped)
        [Differentiable]
        public static double SupCon(double[,] z, int[] labels, double tau)
        {
            int n = z.GetLength(0), d = z.GetLength(1);
            var zn = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                double norm = 0;
                for (int k = 0; k < d; k++) norm += z[i, k] * z[i, k];
                norm = Math.Sqrt(norm);
                for (int k = 0; k < d; k++) zn[i, k] = z[i, k] / norm;
            }
            double loss = 0;
            int anchors = 0;
            for (int i = 0; i < n; i++)
            {
                int positives = 0;
                for (int j = 0; j < n; j++)
                    if (j != i && labels[j] == labels[i]) positives++;
                if (positives == 0) continue;
                double denom = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double s = 0;
                    for (int k = 0; k < d; k++) s += zn[i, k] * zn[j, k];
                    denom += Math.Exp(s / tau);
                }
                double logDen = Math.Log(denom), sumPos = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i || labels[j] != labels[i]) continue;
                    double s = 0;
                    for (int k = 0; k < d; k++) s += zn[i, k] * zn[j, k];
                    sumPos += s / tau - logDen;
                }
                loss -= sumPos / positives;
                anchors++;
            }
            return anchors > 0 ? loss / anchors : 0;
        }

        // ---- Generative (Ml.cs) ----
        // F34: negative ELBO of a VAE with Bernoulli decoder; reparameterisation noise passed in
        [Differentiable]
        public static double NegElbo(double[] mu, double[] logVar, [Constant] double[] eps, double[,] Wdec, double[] bdec, [Constant] double[] x)
        {
            int latent = mu.Length, obs = x.Length;
            var z = new double[latent];
            for (int k = 0; k < latent; k++) z[k] = mu[k] + Math.Exp(0.5 * logVar[k]) * eps[k];
            double recon = 0;
            for (int i = 0; i < obs; i++)
            {
                double a = bdec[i];
                for (int k = 0; k < latent; k++) a += Wdec[i, k] * z[k];
                recon += x[i] * a - Round37MathUtil.Softplus(a);
            }
            double kl = 0;
            for (int k = 0; k < latent; k++) kl += 0.5 * (Math.Exp(logVar[k]) + mu[k] * mu[k] - 1 - logVar[k]);
            return kl - recon;
        }

        // F35: mixture density network NLL for a scalar target
        [Differentiable]
        public static double MdnNll(double[] logits, double[] means, double[] logSigmas, double y)
        {
            int k = logits.Length;
            double lmax = logits.Aggregate(double.NegativeInfinity, (a, v) => Math.Max(a, v));
            double lse = Math.Log(logits.Sum(l => Math.Exp(l - lmax))) + lmax;
            var comp = new double[k];
            for (int j = 0; j < k; j++)
            {
                double zs = (y - means[j]) * Math.Exp(-logSigmas[j]);
                comp[j] = logits[j] - lse - 0.5 * zs * zs - logSigmas[j] - 0.5 * Math.Log(2 * Math.PI);
            }
            double cmax = comp.Max();
            return -(cmax + Math.Log(comp.Sum(c => Math.Exp(c - cmax))));
        }

        // F36: one hidden layer with an activation enum and a dropout mask
        [Differentiable]
        public static double DropoutHead(double[] x, double[,] W, [Constant] double[] target, bool[] keepMask, [Constant] double keepProb, Round37Activation act)
        {
            int h = W.GetLength(0);
            double loss = 0;
            for (int j = 0; j < h; j++)
            {
                double a = 0;
                for (int i = 0; i < x.Length; i++) a += W[j, i] * x[i];
                double y = act switch
                {
                    Round37Activation.Relu => Math.Max(a, 0),
                    Round37Activation.Tanh => Math.Tanh(a),
                    _ => Round37MathUtil.Softplus(a),
                };
                y = keepMask[j] ? y / keepProb : 0;
                loss += (y - target[j]) * (y - target[j]);
            }
            return loss;
        }

        // ---- Mesh (Geometry.cs) ----
        // F38: symmetric Chamfer distance between two point sets
        [Differentiable]
        public static double Chamfer(double[,] a, double[,] b)
        {
            int na = a.GetLength(0), nb = b.GetLength(0), dim = a.GetLength(1);
            var bestB = new double[nb];
            Array.Fill(bestB, double.PositiveInfinity);
            double total = 0;
            for (int i = 0; i < na; i++)
            {
                double best = double.MaxValue;
                for (int j = 0; j < nb; j++)
                {
                    double d2 = 0;
                    for (int k = 0; k < dim; k++)
                    {
                        double d = a[i, k] - b[j, k];
                        d2 += d * d;
                    }
                    best = Math.Min(best, d2);
                    if (d2 < bestB[j]) bestB[j] = d2;
                }
                total += best;
            }
            double totalB = 0;
            for (int j = nb - 1; j >= 0; j--) totalB += bestB[j];
            return total / na + totalB / nb;
        }

        // F39: Laplacian smoothing energy with a rest-pose term (int[][] neighbours, Buffer.BlockCopy)
        [Differentiable]
        public static double LaplacianEnergy(double[] verts, int[][] neighbors, [Constant] double[] rest, double smooth)
        {
            int n = neighbors.Length;
            var delta = new double[verts.Length];
            Buffer.BlockCopy(verts, 0, delta, 0, verts.Length * sizeof(double));
            for (int i = 0; i < n; i++)
            {
                int deg = neighbors[i].Length;
                if (deg == 0) continue;
                for (int c = 0; c < 3; c++)
                {
                    double avg = 0;
                    foreach (int j in neighbors[i]) avg += verts[3 * j + c];
                    delta[3 * i + c] -= avg / deg;
                }
            }
            double e = 0;
            for (int i = 0; i < verts.Length; i++)
                e += smooth * delta[i] * delta[i] + (verts[i] - rest[i]) * (verts[i] - rest[i]);
            return e;
        }



        // F40: ARAP-like edge length energy (in array, ref readonly scalar, tuple edge list)
        [Differentiable]
        public static double EdgeLengthEnergy(in double[] verts, (int From, int To)[] edges, [Constant] double[] restLen, ref readonly double stiffness)
        {
            double e = 0;
            for (int k = 0; k < edges.Length; k++)
            {
                var (i, j) = edges[k];
                double dx = verts[3 * i] - verts[3 * j];
                double dy = verts[3 * i + 1] - verts[3 * j + 1];
                double dz = verts[3 * i + 2] - verts[3 * j + 2];
                double len = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                double strain = (len - restLen[k]) / restLen[k];
                e += stiffness * strain * strain * restLen[k];
            }
            return 0.5 * e;
        }
    }

    /// <summary>Physical constants shared by the simulations.</summary>
    public static class Round37PhysicsConst
    {
        public const double G = 9.81;
        public const double R = 8.314462618;      // J / (mol K)
        public const double Faraday = 96485.33212; // C / mol
    }

    public static class Round37Gas
    {
        public static readonly double R = 8.314462618;
    }

    public static class Round37SsimConst
    {
        public const double K1 = 0.01, K2 = 0.03, L = 1.0;
        public static readonly double C1 = (K1 * L) * (K1 * L);
        public static readonly double C2 = (K2 * L) * (K2 * L);
    }

    public static class Round37ColorSpaces
    {
        public static readonly double[,] RgbToYuv =
        {
            { 0.299, 0.587, 0.114 },
            { -0.14713, -0.28886, 0.436 },
            { 0.615, -0.51499, -0.10001 },
        };
    }

    public static class Round37MathUtil
    {
        public static double Softplus(double x) => x > 20 ? x : Math.Log(1 + Math.Exp(x));
        public static float Softplus(float x) => x > 20 ? x : MathF.Log(1 + MathF.Exp(x));
        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        public static double Sq(double x) => x * x;
        public static float Sq(float x) => x * x;
    }

    public static class Round37CurveMath
    {
        /// <summary>Nelson–Siegel factor loadings for maturity tau.</summary>
        public static (double Slope, double Curvature) Loadings(double tau, double lambda)
        {
            double x = tau / lambda;
            double e = Math.Exp(-x);
            double slope = (1 - e) / x;
            return (slope, slope - e);
        }

        public static (float Slope, float Curvature) Loadings(float tau, float lambda)
        {
            float x = tau / lambda;
            float e = MathF.Exp(-x);
            float slope = (1 - e) / x;
            return (slope, slope - e);
        }
    }

    public readonly struct Round37Pose2
    {
        public Round37Pose2(double x, double y, double theta) { X = x; Y = y; Theta = theta; }
        public double X { get; }
        public double Y { get; }
        public double Theta { get; }
        public double DistanceSq(double x, double y) => (X - x) * (X - x) + (Y - y) * (Y - y);
    }

    public enum Round37Activation { Relu, Tanh, Softplus }

    // F09: vignette (radial falloff) model with readonly data fields and trained coefficients
    public partial class Round37VignetteModel
    {
        private readonly double[] _radius2;
        private readonly double[] _observed;
        public double[] K { get; } = new double[3];

        public Round37VignetteModel(double[] xs, double[] ys, double[] observed, double cx, double cy)
        {
            _radius2 = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++)
                _radius2[i] = (xs[i] - cx) * (xs[i] - cx) + (ys[i] - cy) * (ys[i] - cy);
            _observed = observed;
        }

        [Differentiable(nameof(gain), nameof(K))]
        public double Loss(double gain)
        {
            double loss = 0;
            for (int i = 0; i < _observed.Length; i++)
            {
                double r2 = _radius2[i];
                double falloff = 1 + K[0] * r2 + K[1] * Math.Pow(r2, 2) + K[2] * Math.Pow(r2, 3);
                double d = gain * falloff - _observed[i];
                loss += d * d;
            }
            return loss / _observed.Length;
        }
    }

    // F32: center loss, centers held in a readonly field of a class
    public partial class Round37CenterLoss
    {
        private readonly double[,] _centers;
        private readonly double _lambda;

        public Round37CenterLoss(double[,] centers, double lambda) { _centers = centers; _lambda = lambda; }

        public double[,] Centers => _centers;

        [Differentiable(nameof(feats), nameof(_centers))]
        public double Loss(double[,] feats, int[] cls)
        {
            double loss = 0;
            for (int i = 0; i < feats.GetLength(0); i++)
            {
                int k = cls[i];
                if ((uint)k >= (uint)_centers.GetLength(0)) throw new ArgumentOutOfRangeException(nameof(cls));
                for (int j = 0; j < feats.GetLength(1); j++)
                {
                    double d = feats[i, j] - _centers[k, j];
                    loss += d * d;
                }
            }
            return 0.5 * _lambda * loss / feats.GetLength(0);
        }
    }

    // F37: autoencoder with tied weights (decoder uses W transposed)
    public partial class Round37TiedAutoencoder
    {
        public readonly double[,] W;
        public readonly double[] bEnc, bDec;

        public Round37TiedAutoencoder(int visible, int hidden, Random rng)
        {
            W = new double[hidden, visible];
            bEnc = new double[hidden];
            bDec = new double[visible];
            for (int j = 0; j < hidden; j++)
                for (int i = 0; i < visible; i++) W[j, i] = 0.3 * (rng.NextDouble() - 0.5);
            for (int j = 0; j < hidden; j++) bEnc[j] = 0.1 * (rng.NextDouble() - 0.5);
            for (int i = 0; i < visible; i++) bDec[i] = 0.1 * (rng.NextDouble() - 0.5);
        }

        [Differentiable(nameof(W), nameof(bEnc), nameof(bDec))]
        public double ReconstructionLoss(double[] x)
        {
            int hidden = W.GetLength(0), visible = W.GetLength(1);
            var h = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double a = bEnc[j];
                for (int i = 0; i < visible; i++) a += W[j, i] * x[i];
                h[j] = Math.Tanh(a);
            }
            double loss = 0;
            for (int i = 0; i < visible; i++)
            {
                double r = bDec[i];
                for (int j = 0; j < hidden; j++) r += W[j, i] * h[j];
                loss += (r - x[i]) * (r - x[i]);
            }
            return loss;
        }
    }
}
