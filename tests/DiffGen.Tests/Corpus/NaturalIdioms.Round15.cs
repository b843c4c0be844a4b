using System;
using System.Linq;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 15 of natural idioms: a third probe batch written without the documentation (metric learning, sequence models,
    /// time series, survival and ordinal statistics, simulation, robotics, geometry, numerical methods), each function kept as
    /// written. 25 of 32 were accepted as written, 27 after this round's changes; the five still rejected are listed at the end of the class.
    /// </summary>
    public static partial class NaturalRound15
    {
        [Differentiable]
        public static double ContrastiveMarginLoss(double[][] a, double[][] b, int[] same, double margin)
        {
            if (a.Length != b.Length || a.Length != same.Length)
                throw new ArgumentException("batch size mismatch");
            int n = a.Length;
            double total = 0.0;
            for (int i = 0; i < n; i++)
            {
                double d2 = 0.0;
                for (int k = 0; k < a[i].Length; k++)
                {
                    double diff = a[i][k] - b[i][k];
                    d2 += diff * diff;
                }
                if (same[i] == 1)
                {
                    total += d2;
                }
                else
                {
                    double d = Math.Sqrt(d2 + 1e-12);
                    double gap = Math.Max(0.0, margin - d);
                    total += gap * gap;
                }
            }
            return 0.5 * total / n;
        }

        [Differentiable]
        public static double CenterLoss(double[,] features, int[] labels, double[,] centers, double lambda = 0.5)
        {
            int n = features.GetLength(0), dim = features.GetLength(1);
            int numClasses = centers.GetLength(0);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                int c = labels[i];
                if (c < 0 || c >= numClasses) throw new ArgumentOutOfRangeException(nameof(labels));
                double sq = 0;
                for (int j = 0; j < dim; j++)
                {
                    double r = features[i, j] - centers[c, j];
                    sq += r * r;
                }
                loss += sq;
            }

            // keep the centers from collapsing onto each other
            double repel = 0;
            for (int a = 0; a < numClasses; a++)
                for (int b = a + 1; b < numClasses; b++)
                {
                    double dd = 0;
                    for (int j = 0; j < dim; j++) { double t = centers[a, j] - centers[b, j]; dd += t * t; }
                    repel += 1.0 / (1.0 + dd);
                }
            return lambda * 0.5 * loss / Math.Max(1, n) + 0.1 * repel;
        }

        [Differentiable]
        public static float ArcFaceMarginLoss(float[] embedding, float[][] classWeights, int target, float scale = 30f, float margin = 0.5f)
        {
            int numClasses = classWeights.Length;
            float eNorm = ArcFaceMarginLossNorm(embedding);
            var logits = new float[numClasses];
            for (int c = 0; c < numClasses; c++)
            {
                float[] w = classWeights[c];
                float dot = 0f;
                for (int k = 0; k < embedding.Length; k++) dot += w[k] * embedding[k];
                float cos = dot / (eNorm * ArcFaceMarginLossNorm(w));
                cos = Math.Clamp(cos, -1f + 1e-6f, 1f - 1e-6f);
                if (c == target)
                {
                    float theta = MathF.Acos(cos);
                    logits[c] = scale * MathF.Cos(theta + margin);
                }
                else
                {
                    logits[c] = scale * cos;
                }
            }
            float max = logits.Max();
            float sumExp = 0f;
            for (int c = 0; c < numClasses; c++) sumExp += MathF.Exp(logits[c] - max);
            return -(logits[target] - max - MathF.Log(sumExp));
        }

        private static float ArcFaceMarginLossNorm(float[] v)
        {
            float s = 0f;
            foreach (var x in v) s += x * x;
            return MathF.Sqrt(s) + 1e-8f;
        }

        [Differentiable]
        public static double CtcForwardNll(double[,] logProbs, int[] labels, int blank = 0)
        {
            int T = logProbs.GetLength(0);
            int L = 2 * labels.Length + 1;
            const double NegInf = double.NegativeInfinity;

            double LogAdd(double x, double y)
            {
                if (double.IsNegativeInfinity(x)) return y;
                if (double.IsNegativeInfinity(y)) return x;
                double m = Math.Max(x, y);
                return m + Math.Log(Math.Exp(x - m) + Math.Exp(y - m));
            }
            int Sym(int s) => s % 2 == 0 ? blank : labels[s / 2];

            var alpha = new double[L];
            var next = new double[L];
            for (int s = 0; s < L; s++) alpha[s] = NegInf;
            alpha[0] = logProbs[0, blank];
            if (L > 1) alpha[1] = logProbs[0, labels[0]];

            for (int t = 1; t < T; t++)
            {
                for (int s = 0; s < L; s++)
                {
                    double acc = alpha[s];
                    if (s > 0) acc = LogAdd(acc, alpha[s - 1]);
                    if (s > 1 && Sym(s) != blank && Sym(s) != Sym(s - 2)) acc = LogAdd(acc, alpha[s - 2]);
                    next[s] = acc + logProbs[t, Sym(s)];
                }
                (alpha, next) = (next, alpha);
            }
            double ll = L > 1 ? LogAdd(alpha[L - 1], alpha[L - 2]) : alpha[L - 1];
            return -ll;
        }

        [Differentiable]
        public static void BatchNormTrainForward(double[,] x, double[] gamma, double[] beta, double[,] y, double eps = 1e-5)
        {
            int n = x.GetLength(0), c = x.GetLength(1);
            if (n < 2) throw new ArgumentException("batch norm in training mode needs at least 2 samples");
            for (int j = 0; j < c; j++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[i, j];
                mean /= n;
                double var = 0;
                for (int i = 0; i < n; i++) { double d = x[i, j] - mean; var += d * d; }
                var /= n; // biased estimator, as in training mode
                double invStd = 1.0 / Math.Sqrt(var + eps);
                for (int i = 0; i < n; i++)
                    y[i, j] = gamma[j] * (x[i, j] - mean) * invStd + beta[j];
            }
        }

        public enum MishMlpLossActivation { Mish, Swish, Tanh }

        [Differentiable]
        public static float MishMlpLoss(float[] x, float[,] w1, float[] b1, float[] w2, float b2, float target,
                                        MishMlpLossActivation act = MishMlpLossActivation.Mish)
        {
            int hidden = b1.Length;
            float output = b2;
            for (int h = 0; h < hidden; h++)
            {
                float z = b1[h];
                for (int i = 0; i < x.Length; i++) z += w1[h, i] * x[i];
                float a;
                switch (act)
                {
                    case MishMlpLossActivation.Mish:
                        float sp = z > 20f ? z : MathF.Log(1f + MathF.Exp(z)); // softplus
                        a = z * MathF.Tanh(sp);
                        break;
                    case MishMlpLossActivation.Swish:
                        a = z / (1f + MathF.Exp(-z));
                        break;
                    case MishMlpLossActivation.Tanh:
                        a = MathF.Tanh(z);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(act));
                }
                output += w2[h] * a;
            }
            float err = output - target;
            return 0.5f * err * err;
        }

        public sealed record LstmCellStepWeights(double[][] Wx, double[][] Wh, double[] Bias);

        [Differentiable]
        public static void LstmCellStep(LstmCellStepWeights w, double[] x, double[] hPrev, double[] cPrev, double[] hOut, double[] cOut)
        {
            int H = hPrev.Length;
            var gates = new double[4 * H];
            for (int g = 0; g < 4 * H; g++)
            {
                double s = w.Bias[g];
                for (int i = 0; i < x.Length; i++) s += w.Wx[g][i] * x[i];
                for (int j = 0; j < H; j++) s += w.Wh[g][j] * hPrev[j];
                gates[g] = s;
            }
            for (int j = 0; j < H; j++)
            {
                double ig = LstmCellStepSigmoid(gates[j]);
                double fg = LstmCellStepSigmoid(gates[H + j] + 1.0); // forget-gate bias trick
                double gg = Math.Tanh(gates[2 * H + j]);
                double og = LstmCellStepSigmoid(gates[3 * H + j]);
                double c = fg * cPrev[j] + ig * gg;
                cOut[j] = c;
                hOut[j] = og * Math.Tanh(c);
            }
        }

        private static double LstmCellStepSigmoid(double z) =>
            z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

        public enum MulticlassSvmHingeVariant { WestonWatkins, CrammerSinger, Squared }

        [Differentiable]
        public static double MulticlassSvmHinge(double[][] scores, int[] y, MulticlassSvmHingeVariant variant, double[] w, double reg)
        {
            double loss = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                double[] s = scores[i];
                double correct = s[y[i]];
                double sampleLoss = 0;
                switch (variant)
                {
                    case MulticlassSvmHingeVariant.WestonWatkins:
                        for (int j = 0; j < s.Length; j++)
                            if (j != y[i]) sampleLoss += Math.Max(0, s[j] - correct + 1.0);
                        break;
                    case MulticlassSvmHingeVariant.CrammerSinger:
                        double worst = double.NegativeInfinity;
                        for (int j = 0; j < s.Length; j++)
                            if (j != y[i] && s[j] > worst) worst = s[j];
                        sampleLoss = Math.Max(0, worst - correct + 1.0);
                        break;
                    case MulticlassSvmHingeVariant.Squared:
                        for (int j = 0; j < s.Length; j++)
                        {
                            if (j == y[i]) continue;
                            double m = Math.Max(0, s[j] - correct + 1.0);
                            sampleLoss += m * m;
                        }
                        break;
                    default:
                        throw new NotSupportedException($"Unknown SVM variant {variant}");
                }
                loss += sampleLoss;
            }
            double l2 = w.Sum(v => v * v);
            return loss / scores.Length + 0.5 * reg * l2;
        }

        [Differentiable]
        public static double SinkhornTransportCost(double[][] cost, double[] a, double[] b, double epsilon = 0.1, int iterations = 50)
        {
            int n = a.Length, m = b.Length;
            var K = new double[n][];
            for (int i = 0; i < n; i++)
            {
                K[i] = new double[m];
                for (int j = 0; j < m; j++) K[i][j] = Math.Exp(-cost[i][j] / epsilon);
            }
            var u = Enumerable.Repeat(1.0, n).ToArray();
            var v = Enumerable.Repeat(1.0, m).ToArray();
            for (int it = 0; it < iterations; it++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j < m; j++) s += K[i][j] * v[j];
                    u[i] = a[i] / s;
                }
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += K[i][j] * u[i];
                    v[j] = b[j] / s;
                }
            }
            double total = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    total += u[i] * K[i][j] * v[j] * cost[i][j];
            return total;
        }

        [Differentiable]
        public static double ArmaResidualSse(ReadOnlySpan<double> series, double[] phi, double[] theta, double mu)
        {
            int p = phi.Length, q = theta.Length;
            int n = series.Length;
            int start = Math.Max(p, q);
            if (n <= start) throw new ArgumentException("series too short for the model order");
            var eps = new double[n];
            double sse = 0.0;
            for (int t = start; t < n; t++)
            {
                double pred = mu;
                for (int i = 1; i <= p; i++) pred += phi[i - 1] * (series[t - i] - mu);
                for (int j = 1; j <= q; j++) pred += theta[j - 1] * eps[t - j];
                eps[t] = series[t] - pred;
                sse += eps[t] * eps[t];
            }
            return sse / (n - start);
        }

        [Differentiable]
        public static double Garch11NegLogLik(double[] returns, double omega, double alpha, double beta)
        {
            Garch11NegLogLikCheck(omega, alpha, beta);
            int n = returns.Length;
            double mean = returns.Average();
            double sigma2 = returns.Select(r => (r - mean) * (r - mean)).Sum() / n; // backcast with sample variance
            const double Log2Pi = 1.8378770664093453;
            double nll = 0;
            for (int t = 0; t < n; t++)
            {
                if (t > 0)
                {
                    double e = returns[t - 1];
                    sigma2 = omega + alpha * e * e + beta * sigma2;
                }
                nll += 0.5 * (Log2Pi + Math.Log(sigma2) + returns[t] * returns[t] / sigma2);
            }
            return nll;
        }

        private static void Garch11NegLogLikCheck(double omega, double alpha, double beta)
        {
            if (omega <= 0) throw new ArgumentOutOfRangeException(nameof(omega), "omega must be > 0");
            if (alpha < 0 || beta < 0) throw new ArgumentOutOfRangeException(nameof(alpha), "alpha and beta must be non-negative");
            if (alpha + beta >= 1) throw new ArgumentException("non-stationary: alpha + beta >= 1");
        }

        public enum WeightedLogisticL2Reduction { Mean, Sum, WeightedMean }

        [Differentiable]
        public static double WeightedLogisticL2(double[][] X, int[] y, double[] w, double bias, double lambda,
                                                double posWeight, WeightedLogisticL2Reduction reduction)
        {
            int n = X.Length;
            double total = 0, weightSum = 0;
            for (int i = 0; i < n; i++)
            {
                double z = bias;
                for (int j = 0; j < w.Length; j++) z += w[j] * X[i][j];
                // stable log(1 + exp(-z)) / log(1 + exp(z))
                double soft = Math.Log(1 + Math.Exp(-Math.Abs(z)));
                double lossPos = Math.Max(-z, 0) + soft;
                double lossNeg = Math.Max(z, 0) + soft;
                double cw = y[i] == 1 ? posWeight : 1.0;
                total += cw * (y[i] == 1 ? lossPos : lossNeg);
                weightSum += cw;
            }
            double data = reduction switch
            {
                WeightedLogisticL2Reduction.Mean => total / n,
                WeightedLogisticL2Reduction.Sum => total,
                WeightedLogisticL2Reduction.WeightedMean => total / weightSum,
                _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
            };
            double penalty = 0;
            foreach (double wj in w) penalty += wj * wj;
            return data + 0.5 * lambda * penalty;
        }

        [Differentiable]
        public static double OrdinalLogitLoss(double[] scores, int[] labels, double[] thresholds)
        {
            OrdinalLogitLossCheckThresholds(thresholds);
            int K = thresholds.Length + 1;
            double loss = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                int y = labels[i];
                if (y < 0 || y >= K) throw new ArgumentOutOfRangeException(nameof(labels), $"label {y} out of range");
                double upper = y == K - 1 ? 1.0 : OrdinalLogitLossSigmoid(thresholds[y] - scores[i]);
                double lower = y == 0 ? 0.0 : OrdinalLogitLossSigmoid(thresholds[y - 1] - scores[i]);
                loss -= Math.Log(Math.Max(upper - lower, 1e-12));
            }
            return loss / scores.Length;
        }

        private static void OrdinalLogitLossCheckThresholds(double[] th)
        {
            if (th.Length == 0) throw new ArgumentException("need at least one threshold");
            for (int k = 1; k < th.Length; k++)
                if (th[k] <= th[k - 1]) throw new ArgumentException($"thresholds must be strictly increasing (index {k})");
        }

        private static double OrdinalLogitLossSigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        public struct VerletSpringDamperParams
        {
            public double Mass;
            public double Stiffness;
            public double Damping;

            public VerletSpringDamperParams(double mass, double stiffness, double damping)
            {
                Mass = mass; Stiffness = stiffness; Damping = damping;
            }
        }

        [Differentiable]
        public static double VerletSpringDamper(VerletSpringDamperParams p, double x0, double v0, double[] observed, double dt)
        {
            if (p.Mass <= 0) throw new ArgumentException("mass must be positive");
            double x = x0, v = v0;
            double a = (-p.Stiffness * x - p.Damping * v) / p.Mass;
            double err = 0;
            int step = 0;
            while (step < observed.Length)
            {
                double r = x - observed[step];
                err += r * r;
                // velocity Verlet; damping force uses the half-step velocity
                double xNew = x + v * dt + 0.5 * a * dt * dt;
                double vHalf = v + 0.5 * a * dt;
                double aNew = (-p.Stiffness * xNew - p.Damping * vHalf) / p.Mass;
                v = vHalf + 0.5 * aNew * dt;
                x = xNew;
                a = aNew;
                step++;
            }
            return err / observed.Length;
        }

        [Differentiable]
        public static double ProjectileDragMiss(double speed, double angleRad, double dragCoeff, double mass, double targetX)
        {
            const double g = 9.81;
            const double dt = 1e-3;
            const int maxSteps = 200_000;
            double x = 0, y = 0;
            double vx = speed * Math.Cos(angleRad), vy = speed * Math.Sin(angleRad);
            double k = dragCoeff / mass;
            int steps = 0;
            while (steps++ < maxSteps)
            {
                double v = Math.Sqrt(vx * vx + vy * vy);
                double ax = -k * v * vx;
                double ay = -g - k * v * vy;
                double xPrev = x, yPrev = y;
                vx += ax * dt;
                vy += ay * dt;
                x += vx * dt;
                y += vy * dt;
                if (y < 0 && vy < 0)
                {
                    // interpolate linearly to the ground crossing
                    double frac = yPrev / (yPrev - y);
                    double landing = xPrev + frac * (x - xPrev);
                    double miss = landing - targetX;
                    return miss * miss;
                }
            }
            throw new InvalidOperationException("projectile never landed");
        }

        public readonly struct RaySphereSoftHitVec3
        {
            public readonly float X, Y, Z;
            public RaySphereSoftHitVec3(float x, float y, float z) { X = x; Y = y; Z = z; }
            public static RaySphereSoftHitVec3 operator -(RaySphereSoftHitVec3 a, RaySphereSoftHitVec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
            public float Dot(RaySphereSoftHitVec3 o) => X * o.X + Y * o.Y + Z * o.Z;
        }

        [Differentiable]
        public static float RaySphereSoftHit(RaySphereSoftHitVec3 origin, RaySphereSoftHitVec3 dir, RaySphereSoftHitVec3 center,
                                             float radius, float sharpness = 10f)
        {
            float dirLen = MathF.Sqrt(dir.Dot(dir));
            var oc = origin - center;
            float b = oc.Dot(dir) / dirLen;
            float ocLen2 = oc.Dot(oc);
            float disc = b * b - (ocLen2 - radius * radius);
            // soft silhouette: sigmoid of (radius - distance from center to the ray line)
            float closest = MathF.Sqrt(MathF.Max(ocLen2 - b * b, 0f) + 1e-8f);
            float coverage = 1f / (1f + MathF.Exp(-sharpness * (radius - closest)));
            if (disc < 0f || b > 0f)
                return coverage; // miss, or sphere behind the origin
            float tHit = -b - MathF.Sqrt(disc);
            return coverage * MathF.Exp(-0.1f * tHit); // attenuate by depth
        }

        [Differentiable]
        public static double ThreeLinkIkLoss(double theta1, double theta2, double theta3, double[] linkLengths,
                                             double targetX, double targetY, double smoothWeight = 1e-3)
        {
            if (linkLengths is not { Length: 3 })
                throw new ArgumentException("expected three link lengths", nameof(linkLengths));

            (double x, double y) ForwardKinematics(double a, double b, double c)
            {
                double phi1 = a, phi2 = a + b, phi3 = a + b + c;
                double x = linkLengths[0] * Math.Cos(phi1) + linkLengths[1] * Math.Cos(phi2) + linkLengths[2] * Math.Cos(phi3);
                double y = linkLengths[0] * Math.Sin(phi1) + linkLengths[1] * Math.Sin(phi2) + linkLengths[2] * Math.Sin(phi3);
                return (x, y);
            }

            var (ex, ey) = ForwardKinematics(theta1, theta2, theta3);
            double dx = ex - targetX, dy = ey - targetY;
            double reg = theta2 * theta2 + theta3 * theta3; // prefer a straight-ish arm
            return dx * dx + dy * dy + smoothWeight * reg;
        }

        public struct TrussStrainEnergyMember
        {
            public int NodeA, NodeB;
            public double Area, Youngs, RestLength;
        }

        [Differentiable]
        public static double TrussStrainEnergy(double[] nodeXY, TrussStrainEnergyMember[] members, double[] loads)
        {
            double energy = 0;
            foreach (var m in members)
            {
                double dx = nodeXY[2 * m.NodeB] - nodeXY[2 * m.NodeA];
                double dy = nodeXY[2 * m.NodeB + 1] - nodeXY[2 * m.NodeA + 1];
                double len = Math.Sqrt(dx * dx + dy * dy);
                double strain = (len - m.RestLength) / m.RestLength;
                energy += 0.5 * m.Youngs * m.Area * m.RestLength * strain * strain;
            }
            // potential of the external nodal loads
            for (int i = 0; i < loads.Length; i++) energy -= loads[i] * nodeXY[i];
            return energy;
        }

        public record struct ReprojectionErrorCamera(double Fx, double Fy, double Cx, double Cy, double K1);

        [Differentiable]
        public static double ReprojectionError(ReprojectionErrorCamera cam, double[] rvec, double[] tvec,
                                               double[][] points3d, double[][] observed2d)
        {
            double theta = Math.Sqrt(rvec[0] * rvec[0] + rvec[1] * rvec[1] + rvec[2] * rvec[2]);
            double err = 0;
            for (int i = 0; i < points3d.Length; i++)
            {
                double[] P = points3d[i];
                double px, py, pz;
                if (theta < 1e-9)
                {
                    // first-order rotation for tiny angles: R ~ I + [r]x
                    px = P[0] + rvec[1] * P[2] - rvec[2] * P[1];
                    py = P[1] + rvec[2] * P[0] - rvec[0] * P[2];
                    pz = P[2] + rvec[0] * P[1] - rvec[1] * P[0];
                }
                else
                {
                    // Rodrigues: v cos + (k x v) sin + k (k.v)(1 - cos)
                    double kx = rvec[0] / theta, ky = rvec[1] / theta, kz = rvec[2] / theta;
                    double c = Math.Cos(theta), s = Math.Sin(theta);
                    double dot = kx * P[0] + ky * P[1] + kz * P[2];
                    px = P[0] * c + (ky * P[2] - kz * P[1]) * s + kx * dot * (1 - c);
                    py = P[1] * c + (kz * P[0] - kx * P[2]) * s + ky * dot * (1 - c);
                    pz = P[2] * c + (kx * P[1] - ky * P[0]) * s + kz * dot * (1 - c);
                }
                px += tvec[0]; py += tvec[1]; pz += tvec[2];
                if (pz <= 0) throw new ArgumentException($"point {i} is behind the camera");
                double xn = px / pz, yn = py / pz;
                double r2 = xn * xn + yn * yn;
                double radial = 1 + cam.K1 * r2;
                double u = cam.Fx * xn * radial + cam.Cx;
                double v = cam.Fy * yn * radial + cam.Cy;
                double du = u - observed2d[i][0], dv = v - observed2d[i][1];
                err += du * du + dv * dv;
            }
            return err / points3d.Length;
        }

        [Differentiable]
        public static double ColebrookFrictionFactor(double reynolds, double relRoughness)
        {
            if (reynolds < 2300) throw new ArgumentOutOfRangeException(nameof(reynolds), "Colebrook is for turbulent flow");
            const double Ln10 = 2.302585092994046;
            // unknown x = 1/sqrt(f):  x + 2 log10(eps/3.7 + 2.51 x / Re) = 0
            double x = 1.0 / Math.Sqrt(0.02);
            int iter = 0;
            while (iter < 50)
            {
                double arg = relRoughness / 3.7 + 2.51 * x / reynolds;
                double g = x + 2.0 * Math.Log(arg) / Ln10;
                double dg = 1.0 + 2.0 / Ln10 * (2.51 / reynolds) / arg;
                double step = g / dg;
                x -= step;
                if (Math.Abs(step) < 1e-12 * Math.Abs(x))
                    return 1.0 / (x * x);
                iter++;
            }
            throw new InvalidOperationException("Colebrook iteration did not converge");
        }

        [Differentiable]
        public static double WaterFillingCapacity(double[] noise, double totalPower)
        {
            if (totalPower <= 0) throw new ArgumentOutOfRangeException(nameof(totalPower));
            // bisection on the water level with a fixed budget
            double lo = noise.Min(), hi = noise.Max() + totalPower;
            for (int it = 0; it < 60; it++)
            {
                double mid = 0.5 * (lo + hi);
                double used = 0;
                foreach (var nz in noise) used += Math.Max(0.0, mid - nz);
                if (used > totalPower) hi = mid; else lo = mid;
                if (hi - lo < 1e-12) break;
            }
            double level = 0.5 * (lo + hi);
            double capacity = 0;
            for (int i = 0; i < noise.Length; i++)
            {
                double p = Math.Max(0.0, level - noise[i]);
                capacity += Math.Log(1.0 + p / noise[i]) / Math.Log(2.0);
            }
            return capacity;
        }

        [Differentiable]
        public static double PowerIterationRayleigh(double[,] A, int iterations = 100)
        {
            int n = A.GetLength(0);
            if (n != A.GetLength(1)) throw new ArgumentException("matrix must be square");
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = (1 + 0.01 * i) / Math.Sqrt(n); // slightly asymmetric start vector
            var w = new double[n];
            for (int it = 0; it < iterations; it++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j < n; j++) s += A[i, j] * v[j];
                    w[i] = s;
                }
                double norm = Math.Sqrt(w.Sum(z => z * z));
                if (norm == 0) throw new InvalidOperationException("A v = 0; start vector in the null space");
                for (int i = 0; i < n; i++) v[i] = w[i] / norm;
            }
            double num = 0, den = 0;
            for (int i = 0; i < n; i++)
            {
                double Av = 0;
                for (int j = 0; j < n; j++) Av += A[i, j] * v[j];
                num += v[i] * Av;
                den += v[i] * v[i];
            }
            return num / den;
        }

        [Differentiable]
        public static void GaussSeidelSolve(double[,] A, double[] b, double[] x, int sweeps = 25)
        {
            int n = b.Length;
            for (int i = 0; i < n; i++)
                if (Math.Abs(A[i, i]) < 1e-14) throw new ArgumentException($"zero pivot at row {i}");
            // x holds the initial guess on entry and the solution on exit
            for (int sweep = 0; sweep < sweeps; sweep++)
            {
                for (int i = 0; i < n; i++)
                {
                    double sigma = 0;
                    for (int j = 0; j < n; j++)
                        if (j != i) sigma += A[i, j] * x[j];
                    x[i] = (b[i] - sigma) / A[i, i];
                }
            }
        }

        [Differentiable]
        public static double CubicSplineFitLoss(double[] knotsX, double[] knotsY, double[] queryX, double[] targetY)
        {
            int n = knotsX.Length;
            if (n < 3) throw new ArgumentException("need at least 3 knots");
            // natural spline: second derivatives M from a tridiagonal system (Thomas algorithm)
            var M = new double[n];
            var cp = new double[n];
            var dp = new double[n];
            for (int i = 1; i < n - 1; i++)
            {
                double h0 = knotsX[i] - knotsX[i - 1], h1 = knotsX[i + 1] - knotsX[i];
                double sub = h0 / 6, diag = (h0 + h1) / 3, sup = h1 / 6;
                double rhs = (knotsY[i + 1] - knotsY[i]) / h1 - (knotsY[i] - knotsY[i - 1]) / h0;
                double denom = diag - sub * cp[i - 1];
                cp[i] = sup / denom;
                dp[i] = (rhs - sub * dp[i - 1]) / denom;
            }
            for (int i = n - 2; i >= 1; i--) M[i] = dp[i] - cp[i] * M[i + 1];

            double loss = 0;
            for (int q = 0; q < queryX.Length; q++)
            {
                double x = queryX[q];
                int seg = 0;
                while (seg < n - 2 && x > knotsX[seg + 1]) seg++;
                double h = knotsX[seg + 1] - knotsX[seg];
                double A = (knotsX[seg + 1] - x) / h, B = (x - knotsX[seg]) / h;
                double y = A * knotsY[seg] + B * knotsY[seg + 1]
                         + ((A * A * A - A) * M[seg] + (B * B * B - B) * M[seg + 1]) * h * h / 6.0;
                double r = y - targetY[q];
                loss += r * r;
            }
            return loss;
        }

        [Differentiable]
        public static double TrapezoidDissipatedEnergy(double amplitude, double zeta, double omega, double duration, int panels = 400)
        {
            if (panels < 1) throw new ArgumentOutOfRangeException(nameof(panels));
            if (zeta >= 1) throw new ArgumentException("only the underdamped case is handled");
            double root = Math.Sqrt(1 - zeta * zeta);
            double omegaD = omega * root;
            // velocity of an underdamped oscillator released from rest at x = amplitude
            Func<double, double> power = t =>
            {
                double v = -amplitude * omega / root * Math.Exp(-zeta * omega * t) * Math.Sin(omegaD * t);
                return 2 * zeta * omega * v * v; // (c/m) v^2 per unit mass
            };
            double h = duration / panels;
            double sum = 0.5 * (power(0) + power(duration));
            for (int i = 1; i < panels; i++) sum += power(i * h);
            return sum * h;
        }

        // Accepted since the recursion change of round 15 (a tail call becomes a loop; other linear recursion is unrolled):
        [Differentiable]
        public static double StudentTNll(double[] x, double loc, double logScale, double nu)
        {
            StudentTNllValidateDof(nu);
            double scale = Math.Exp(logScale);
            int n = x.Length;
            double logNorm = StudentTNllLogGamma((nu + 1) / 2) - StudentTNllLogGamma(nu / 2)
                           - 0.5 * Math.Log(nu * Math.PI) - Math.Log(scale);
            double nll = 0;
            for (int i = 0; i < n; i++)
            {
                double z = (x[i] - loc) / scale;
                nll -= logNorm - (nu + 1) / 2 * Math.Log(1 + z * z / nu);
            }
            return nll / n;
        }

        private static void StudentTNllValidateDof(double nu)
        {
            if (double.IsNaN(nu) || nu <= 0)
                throw new ArgumentOutOfRangeException(nameof(nu), nu, "degrees of freedom must be positive");
        }

        // Lanczos approximation (g = 7, n = 9)
        private static double StudentTNllLogGamma(double z)
        {
            if (z < 0.5)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - StudentTNllLogGamma(1 - z);
            double[] g = { 0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                           -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                           1.5056327351493116e-7 };
            z -= 1;
            double a = g[0];
            double t = z + 7.5;
            for (int i = 1; i < 9; i++) a += g[i] / (z + i);
            return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(a);
        }

        [Differentiable]
        public static double ChebyshevFitLoss(double[] coeffs, double[] xs, double[] ys, double a, double b)
        {
            if (b <= a) throw new ArgumentException("empty interval");
            double loss = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                double t = (2.0 * xs[i] - a - b) / (b - a); // map to [-1, 1]
                double fx = ChebyshevFitLossClenshaw(coeffs, t, coeffs.Length - 1, 0.0, 0.0);
                double r = fx - ys[i];
                loss += r * r;
            }
            return loss / xs.Length;
        }

        // Clenshaw, written recursively: b_k = c_k + 2 t b_{k+1} - b_{k+2};  f = c_0 + t b_1 - b_2
        private static double ChebyshevFitLossClenshaw(double[] c, double t, int k, double b1, double b2)
        {
            if (k == 0) return c[0] + t * b1 - b2;
            double bk = c[k] + 2.0 * t * b1 - b2;
            return ChebyshevFitLossClenshaw(c, t, k - 1, bk, b1);
        }

        // Rejected today (not in this corpus):
        // - MdnNegLogLikelihood: a per-row scratch array sized by a varying k (new double[piLogits[i].Length]) and a helper
        //   with a string parameter;
        // - CoxPartialNegLogLik: a long[] parameter;
        // - Wasserstein1Sorted: LINQ OrderBy().ToList();
        // - CatmullRomPathEnergy: a List of tuples;
        // - SdfBlendEnergy: a struct array with an enum field.
    }
}
