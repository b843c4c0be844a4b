using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 19: the seventh probe batch, 30 functions written by a helper who had not seen DiffGen's documentation; the 27
    /// accepted (after this session's changes: string modes in exception messages and ToLowerInvariant switches, rank-3 locals,
    /// weights?[i] ?? d, method-group and block selectors, Array.FindIndex) are here as written, except for the edits the test
    /// project needs: <c>double[]?</c> on the optional arrays (nullable warnings are errors here), and <c>[Constant]</c> on
    /// OneCompartmentPkNll's lloq and SeroCatalyticNll's ageBandUpper (DIFF0014: they only decide which terms count). Rejected:
    /// LambdaRankLoss (GroupBy into a List&lt;int[]&gt;), JacksonNetworkCost (a Clone()d array reassigned to a fresh array of
    /// another declared length), GcnNodeClassificationLoss (local functions returning jagged arrays built by nested LINQ).
    /// </summary>
    public static partial class NaturalRound19
    {
        [Differentiable]
        public static double TobitNegLogLik(double[,] x, double[] y, double[] beta, double logSigma, double censorPoint = 0.0)
        {
            int n = x.GetLength(0), p = x.GetLength(1);
            if (y.Length != n) throw new ArgumentException("y must have one entry per row of x.", nameof(y));
            if (beta.Length != p) throw new ArgumentException("beta length must match the number of columns of x.", nameof(beta));

            double sigma = Math.Exp(logSigma);
            double halfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double mu = 0.0;
                for (int j = 0; j < p; j++)
                    mu += x[i, j] * beta[j];

                if (y[i] <= censorPoint)
                {
                    // left-censored: P(y* <= c) = Phi((c - mu) / sigma)
                    double z = (censorPoint - mu) / sigma;
                    nll -= LogNormalCdf(z);
                }
                else
                {
                    double r = (y[i] - mu) / sigma;
                    nll += 0.5 * r * r + logSigma + halfLog2Pi;
                }
            }
            return nll / n;
        }

        private static double LogNormalCdf(double z)
        {
            if (z < -6.0)
            {
                // Mills-ratio expansion, erfc underflows to garbage this far out
                double z2 = z * z;
                return -0.5 * z2 - Math.Log(-z) - 0.5 * Math.Log(2.0 * Math.PI) + Math.Log(1.0 - 1.0 / z2 + 3.0 / (z2 * z2));
            }
            return Math.Log(0.5 * Erfc(-z / Math.Sqrt(2.0)));
        }

        private static double Erfc(double x)
        {
            // Numerical Recipes erfcc, fractional error < 1.2e-7 everywhere
            double t = 1.0 / (1.0 + 0.5 * Math.Abs(x));
            double ans = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                         t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                         t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0.0 ? ans : 2.0 - ans;
        }

        [Differentiable]
        public static double HeckmanSelectionNegLogLik(
            double[,] zSel, double[] gamma,
            double[,] xOut, double[] beta,
            bool[] selected, double[] y,
            double logSigma, double atanhRho)
        {
            int n = zSel.GetLength(0);
            if (xOut.GetLength(0) != n || selected.Length != n || y.Length != n)
                throw new ArgumentException("All per-observation inputs must have the same number of rows.");

            double sigma = Math.Exp(logSigma);
            double rho = Math.Tanh(atanhRho);           // keeps |rho| < 1 without constraints
            double sqrtOneMinusRho2 = Math.Sqrt(1.0 - rho * rho);
            const double tiny = 1e-300;

            double RowDot(double[,] m, int row, double[] w)
            {
                double s = 0.0;
                for (int k = 0; k < w.Length; k++) s += m[row, k] * w[k];
                return s;
            }

            double ll = 0.0;
            for (int i = 0; i < n; i++)
            {
                double zg = RowDot(zSel, i, gamma);
                if (!selected[i])
                {
                    ll += Math.Log(Math.Max(NormCdf(-zg), tiny));
                    continue;
                }

                double resid = (y[i] - RowDot(xOut, i, beta)) / sigma;
                double arg = (zg + rho * resid) / sqrtOneMinusRho2;
                ll += Math.Log(Math.Max(NormCdf(arg), tiny))
                      - 0.5 * resid * resid - 0.5 * Math.Log(2.0 * Math.PI)
                      - logSigma;
            }
            return -ll;
        }

        private static double NormCdf(double x)
        {
            // Abramowitz & Stegun 26.2.17
            double t = 1.0 / (1.0 + 0.2316419 * Math.Abs(x));
            double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
            double upper = Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI) * poly;
            return x >= 0.0 ? 1.0 - upper : upper;
        }

        [Differentiable]
        public static float ChamferDistance(float[] cloudA, float[] cloudB, int dim = 3, bool squared = true)
        {
            if (cloudA.Length % dim != 0 || cloudB.Length % dim != 0)
                throw new ArgumentException($"Point buffers must be a multiple of dim={dim}.");
            int na = cloudA.Length / dim, nb = cloudB.Length / dim;
            if (na == 0 || nb == 0) throw new ArgumentException("Both point clouds must be non-empty.");

            float OneWay(float[] src, int ns, float[] dst, int nd)
            {
                float acc = 0f;
                for (int i = 0; i < ns; i++)
                {
                    float best = float.MaxValue;
                    for (int j = 0; j < nd; j++)
                    {
                        float d2 = 0f;
                        for (int k = 0; k < dim; k++)
                        {
                            float diff = src[i * dim + k] - dst[j * dim + k];
                            d2 += diff * diff;
                        }
                        if (d2 < best) best = d2;
                    }
                    acc += squared ? best : MathF.Sqrt(best + 1e-12f);
                }
                return acc / ns;
            }

            return OneWay(cloudA, na, cloudB, nb) + OneWay(cloudB, nb, cloudA, na);
        }

        [Differentiable]
        public static double EloRatingLogLoss(double[] ratings, int[] home, int[] away, double[] outcome,
                                              double homeAdvantage, double scale = 400.0, double priorWeight = 1e-4)
        {
            if (home.Length != away.Length || home.Length != outcome.Length)
                throw new ArgumentException("Match arrays must have equal length.");

            double loss = 0.0;
            int games = 0;
            for (int g = 0; g < home.Length; g++)
            {
                int h = home[g], a = away[g];
                if (h == a) continue; // bad data row, a team cannot play itself

                double diff = ratings[h] + homeAdvantage - ratings[a];
                double expectedHome = 1.0 / (1.0 + Math.Pow(10.0, -diff / scale));
                expectedHome = Math.Min(Math.Max(expectedHome, 1e-12), 1.0 - 1e-12);

                // outcome is 1 (home win), 0.5 (draw) or 0 (away win)
                double s = outcome[g];
                loss -= s * Math.Log(expectedHome) + (1.0 - s) * Math.Log(1.0 - expectedHome);
                games++;
            }

            // weak Gaussian prior pulling everyone toward the league average of 1500
            double prior = ratings.Sum(r => (r - 1500.0) * (r - 1500.0));
            return (games > 0 ? loss / games : 0.0) + priorWeight * prior / (scale * scale);
        }

        [Differentiable]
        public static double TotalVariationDenoise(double[,] u, double[,] noisy, double lambda, double eps = 1e-3, bool isotropic = true)
        {
            int h = u.GetLength(0), w = u.GetLength(1);
            if (noisy.GetLength(0) != h || noisy.GetLength(1) != w)
                throw new ArgumentException("u and noisy must have the same shape.");
            if (lambda < 0) throw new ArgumentException("lambda must be non-negative.", nameof(lambda));

            double fidelity = 0.0, tv = 0.0;
            double eps2 = eps * eps;
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    double r = u[i, j] - noisy[i, j];
                    fidelity += 0.5 * r * r;

                    // forward differences, Neumann boundary (zero gradient at the far edge)
                    double dx = j + 1 < w ? u[i, j + 1] - u[i, j] : 0.0;
                    double dy = i + 1 < h ? u[i + 1, j] - u[i, j] : 0.0;

                    tv += isotropic
                        ? Math.Sqrt(dx * dx + dy * dy + eps2)
                        : Math.Sqrt(dx * dx + eps2) + Math.Sqrt(dy * dy + eps2);
                }
            }
            return fidelity + lambda * tv;
        }

        [Differentiable]
        public static double MpcTrackingCost(double[] controls, double[] x0, double[] reference,
                                             double dt = 0.1, double qPos = 1.0, double qVel = 0.1,
                                             double rControl = 0.01, double uMax = 2.0, double terminalWeight = 10.0)
        {
            int horizon = controls.Length;
            if (x0.Length != 2) throw new ArgumentException("State is [position, velocity].", nameof(x0));
            if (reference.Length != horizon) throw new ArgumentException("Need one reference position per control step.", nameof(reference));

            double pos = x0[0], vel = x0[1];
            double cost = 0.0;
            double prevU = 0.0;
            for (int k = 0; k < horizon; k++)
            {
                double u = controls[k];

                // double integrator, exact zero-order-hold discretisation
                pos += vel * dt + 0.5 * u * dt * dt;
                vel += u * dt;

                double ePos = pos - reference[k];
                double refVel = k + 1 < horizon ? (reference[k + 1] - reference[k]) / dt : 0.0;
                double eVel = vel - refVel;

                cost += qPos * ePos * ePos + qVel * eVel * eVel;
                cost += rControl * u * u + 0.1 * rControl * (u - prevU) * (u - prevU);

                // soft actuator limit instead of a hard constraint
                double excess = Math.Abs(u) - uMax;
                if (excess > 0.0)
                    cost += 100.0 * excess * excess;

                prevU = u;
            }

            double eT = pos - reference[horizon - 1];
            cost += terminalWeight * (eT * eT + vel * vel);
            return cost;
        }

        [Differentiable]
        public static double FirFilterFitResidual(double[] taps, double[] input, double[] desired,
                                                  double ridge = 0.0, string norm = "l2", double huberDelta = 0.1)
        {
            if (input.Length != desired.Length)
                throw new ArgumentException("input and desired must have the same length.");
            if (taps.Length == 0)
                throw new ArgumentException("Filter needs at least one tap.", nameof(taps));

            int n = input.Length;
            int start = taps.Length - 1; // skip the start-up transient
            double loss = 0.0;
            for (int t = start; t < n; t++)
            {
                double y = 0.0;
                for (int k = 0; k < taps.Length; k++)
                    y += taps[k] * input[t - k];

                double e = y - desired[t];
                loss += norm switch
                {
                    "l2" => e * e,
                    "l1smooth" => Math.Sqrt(e * e + 1e-8),
                    "huber" => Math.Abs(e) <= huberDelta ? 0.5 * e * e : huberDelta * (Math.Abs(e) - 0.5 * huberDelta),
                    _ => throw new ArgumentException($"Unknown norm '{norm}'.", nameof(norm)),
                };
            }
            loss /= Math.Max(1, n - start);

            if (ridge > 0.0)
                loss += ridge * taps.Sum(c => c * c);
            return loss;
        }

        [Differentiable]
        public static double YieldCurveBootstrapResidual(double[] forwardRates, double[] knotTimes,
                                                         double[] couponRates, double[] maturities, double[] marketPrices,
                                                         int paymentsPerYear = 2, double smoothness = 1.0)
        {
            if (forwardRates.Length != knotTimes.Length)
                throw new ArgumentException("Need one forward rate per knot (piecewise-flat curve).");
            if (couponRates.Length != maturities.Length || couponRates.Length != marketPrices.Length)
                throw new ArgumentException("Bond arrays must be aligned.");
            if (paymentsPerYear <= 0)
                throw new ArgumentException("paymentsPerYear must be positive.", nameof(paymentsPerYear));

            double sse = 0.0;
            for (int b = 0; b < maturities.Length; b++)
            {
                double T = maturities[b];
                double coupon = 100.0 * couponRates[b] / paymentsPerYear;
                double step = 1.0 / paymentsPerYear;

                // walk back from maturity so odd first periods are handled naturally
                double price = 0.0;
                for (double t = T; t > 1e-9; t -= step)
                    price += coupon * DiscountFactor(t, knotTimes, forwardRates);
                price += 100.0 * DiscountFactor(T, knotTimes, forwardRates);

                double err = price - marketPrices[b];
                sse += err * err;
            }

            double rough = 0.0;
            for (int k = 1; k < forwardRates.Length; k++)
            {
                double d = forwardRates[k] - forwardRates[k - 1];
                rough += d * d;
            }
            return sse / maturities.Length + smoothness * 1e4 * rough;
        }

        private static double DiscountFactor(double t, double[] knots, double[] fwd)
        {
            // integral of a piecewise-constant forward curve; forward k applies on (knots[k-1], knots[k]]
            double integral = 0.0, prev = 0.0;
            int k = 0;
            while (k < knots.Length && knots[k] < t)
            {
                integral += fwd[k] * (knots[k] - prev);
                prev = knots[k];
                k++;
            }
            double last = k < fwd.Length ? fwd[k] : fwd[fwd.Length - 1]; // flat extrapolation
            integral += last * (t - prev);
            return Math.Exp(-integral);
        }

        [Differentiable]
        public static double NeoHookeanStrainEnergy(double[] positions, double[] restPositions, int[] triangles,
                                                    double youngsModulus, double poissonRatio,
                                                    double thickness = 1.0, double gravity = 0.0, double density = 1.0)
        {
            if (positions.Length != restPositions.Length || positions.Length % 2 != 0)
                throw new ArgumentException("positions and restPositions must be matching 2D coordinate buffers.");
            if (triangles.Length % 3 != 0)
                throw new ArgumentException("triangles must contain vertex index triples.", nameof(triangles));

            // Lamé parameters
            double mu = youngsModulus / (2.0 * (1.0 + poissonRatio));
            double lambda = youngsModulus * poissonRatio / ((1.0 + poissonRatio) * (1.0 - 2.0 * poissonRatio));

            double energy = 0.0;
            for (int e = 0; e < triangles.Length / 3; e++)
            {
                int a = triangles[3 * e], b = triangles[3 * e + 1], c = triangles[3 * e + 2];

                // rest-shape edge matrix Dm and its inverse
                double m00 = restPositions[2 * b] - restPositions[2 * a], m01 = restPositions[2 * c] - restPositions[2 * a];
                double m10 = restPositions[2 * b + 1] - restPositions[2 * a + 1], m11 = restPositions[2 * c + 1] - restPositions[2 * a + 1];
                double detDm = m00 * m11 - m01 * m10;
                if (Math.Abs(detDm) < 1e-14) throw new ArgumentException($"Degenerate rest triangle {e}.");
                double i00 = m11 / detDm, i01 = -m01 / detDm, i10 = -m10 / detDm, i11 = m00 / detDm;
                double restArea = 0.5 * Math.Abs(detDm);

                // deformed edge matrix Ds
                double s00 = positions[2 * b] - positions[2 * a], s01 = positions[2 * c] - positions[2 * a];
                double s10 = positions[2 * b + 1] - positions[2 * a + 1], s11 = positions[2 * c + 1] - positions[2 * a + 1];

                // F = Ds * Dm^-1
                double f00 = s00 * i00 + s01 * i10, f01 = s00 * i01 + s01 * i11;
                double f10 = s10 * i00 + s11 * i10, f11 = s10 * i01 + s11 * i11;

                double J = f00 * f11 - f01 * f10;
                if (J <= 0.0) throw new ArgumentException($"Element {e} is inverted (J = {J}).");
                double logJ = Math.Log(J);
                double I1 = f00 * f00 + f01 * f01 + f10 * f10 + f11 * f11;

                double psi = 0.5 * mu * (I1 - 2.0) - mu * logJ + 0.5 * lambda * logJ * logJ;
                energy += thickness * restArea * psi;

                if (gravity != 0.0)
                {
                    double cy = (positions[2 * a + 1] + positions[2 * b + 1] + positions[2 * c + 1]) / 3.0;
                    energy += density * thickness * restArea * gravity * cy;
                }
            }
            return energy;
        }

        public enum ReverbFormula { Sabine, Eyring }

        [Differentiable]
        public static double ReverberationTimeFitLoss(double[,] absorptionLogits, double[,] surfaceAreas, double[] roomVolumes,
                                                      double[,] measuredRt60, double[]? airAttenuation = null,
                                                      ReverbFormula formula = ReverbFormula.Sabine)
        {
            int materials = absorptionLogits.GetLength(0), bands = absorptionLogits.GetLength(1);
            int rooms = surfaceAreas.GetLength(0);
            if (surfaceAreas.GetLength(1) != materials)
                throw new ArgumentException("surfaceAreas must be rooms x materials.");
            if (measuredRt60.GetLength(0) != rooms || measuredRt60.GetLength(1) != bands || roomVolumes.Length != rooms)
                throw new ArgumentException("measuredRt60 must be rooms x bands and roomVolumes one per room.");

            const double sabineConstant = 0.161; // s/m, 20 degC air
            double loss = 0.0;
            int count = 0;
            for (int r = 0; r < rooms; r++)
            {
                double totalArea = 0.0;
                for (int m = 0; m < materials; m++) totalArea += surfaceAreas[r, m];

                for (int f = 0; f < bands; f++)
                {
                    if (measuredRt60[r, f] <= 0.0) continue; // band not measured

                    double absorption = 0.0; // equivalent absorption area, m^2 sabins
                    for (int m = 0; m < materials; m++)
                    {
                        double alpha = 1.0 / (1.0 + Math.Exp(-absorptionLogits[m, f]));
                        absorption += surfaceAreas[r, m] * alpha;
                    }

                    double air = airAttenuation != null ? 4.0 * airAttenuation[f] * roomVolumes[r] : 0.0;
                    double denom;
                    if (formula == ReverbFormula.Sabine)
                    {
                        denom = absorption + air;
                    }
                    else
                    {
                        double meanAlpha = absorption / totalArea;
                        denom = -totalArea * Math.Log(1.0 - meanAlpha) + air;
                    }

                    double predicted = sabineConstant * roomVolumes[r] / denom;
                    double logRatio = Math.Log(predicted / measuredRt60[r, f]);
                    loss += logRatio * logRatio;
                    count++;
                }
            }
            return count == 0 ? 0.0 : loss / count;
        }

        [Differentiable]
        public static double OneCompartmentPkNll(double logKa, double logKe, double logV, double logSigma,
                                                 double[] sampleTimes, double[] concentrations,
                                                 double[] doseTimes, double[] doseAmounts,
                                                 double bioavailability = 1.0, [Constant] double lloq = 0.05)
        {
            if (sampleTimes.Length != concentrations.Length)
                throw new ArgumentException("Each sample time needs a concentration.");
            if (doseTimes.Length != doseAmounts.Length)
                throw new ArgumentException("Each dose time needs an amount.");

            double ka = Math.Exp(logKa), ke = Math.Exp(logKe), v = Math.Exp(logV);
            double sigma = Math.Exp(logSigma);

            double nll = 0.0;
            for (int i = 0; i < sampleTimes.Length; i++)
            {
                double obs = concentrations[i];
                if (obs < lloq) continue; // below limit of quantification, drop (M1 method)

                // superposition of first-order absorption / elimination for every prior dose
                double pred = 0.0;
                for (int d = 0; d < doseTimes.Length; d++)
                {
                    double tau = sampleTimes[i] - doseTimes[d];
                    if (tau <= 0.0) continue;

                    double amount = bioavailability * doseAmounts[d] / v;
                    if (Math.Abs(ka - ke) < 1e-8)
                        pred += amount * ka * tau * Math.Exp(-ke * tau); // flip-flop limit
                    else
                        pred += amount * ka / (ka - ke) * (Math.Exp(-ke * tau) - Math.Exp(-ka * tau));
                }

                // log-normal (proportional) residual error
                double r = (Math.Log(obs) - Math.Log(pred + 1e-12)) / sigma;
                nll += 0.5 * r * r + logSigma + Math.Log(obs);
            }
            return nll;
        }

        [Differentiable]
        public static double HillDoseResponseLoss(double bottom, double top, double logEc50, double hillSlope,
                                                  double[] doses, double[] responses, double huberDelta = 5.0)
        {
            double ec50 = Math.Exp(logEc50);
            double loss = 0.0;
            for (int i = 0; i < doses.Length; i++)
            {
                double pred = doses[i] <= 0.0
                    ? bottom // vehicle control
                    : bottom + (top - bottom) / (1.0 + Math.Pow(ec50 / doses[i], hillSlope));
                double r = Math.Abs(responses[i] - pred);
                loss += r <= huberDelta ? 0.5 * r * r : huberDelta * (r - 0.5 * huberDelta);
            }
            return loss / doses.Length;
        }

        [Differentiable]
        public static double CompetitiveLangmuirFit(double[] logQmax, double[] logK, double[,] partialPressures, double[,] uptake,
                                                    double relativeFloor = 1e-3)
        {
            int nPoints = partialPressures.GetLength(0), nComp = partialPressures.GetLength(1);
            if (logQmax.Length != nComp || logK.Length != nComp)
                throw new ArgumentException("Need one qmax and one K per adsorbate component.");
            if (uptake.GetLength(0) != nPoints || uptake.GetLength(1) != nComp)
                throw new ArgumentException("uptake must have the same shape as partialPressures.");

            double[] qmax = logQmax.Select(Math.Exp).ToArray();
            double[] K = logK.Select(Math.Exp).ToArray();

            double loss = 0.0;
            for (int p = 0; p < nPoints; p++)
            {
                // all components compete for the same sites
                double denom = 1.0;
                for (int j = 0; j < nComp; j++)
                    denom += K[j] * partialPressures[p, j];

                for (int i = 0; i < nComp; i++)
                {
                    double predicted = qmax[i] * K[i] * partialPressures[p, i] / denom;
                    double measured = uptake[p, i];
                    double rel = (predicted - measured) / Math.Max(Math.Abs(measured), relativeFloor);
                    loss += rel * rel;
                }
            }
            return loss / (nPoints * nComp);
        }

        [Differentiable]
        public static double TwoLayerEnergyBalanceLoss(double feedback, double logHeatCapacity, double logDeepHeatCapacity,
                                                       double oceanCoupling, double efficacy,
                                                       double[] forcing, double[] observedAnomaly,
                                                       double dtYears = 1.0, int substeps = 4, double priorFeedback = 1.2)
        {
            if (forcing.Length != observedAnomaly.Length)
                throw new ArgumentException("forcing and observedAnomaly must cover the same years.");
            if (substeps < 1) throw new ArgumentException("substeps must be >= 1.", nameof(substeps));

            double C = Math.Exp(logHeatCapacity);      // W yr m^-2 K^-1, mixed layer
            double Cd = Math.Exp(logDeepHeatCapacity); // deep ocean
            double h = dtYears / substeps;

            double T = 0.0, Td = 0.0;
            double sse = 0.0;
            for (int year = 0; year < forcing.Length; year++)
            {
                for (int s = 0; s < substeps; s++)
                {
                    double exchange = oceanCoupling * (T - Td);
                    double dT = (forcing[year] - feedback * T - efficacy * exchange) / C;
                    double dTd = exchange / Cd;
                    T += h * dT;
                    Td += h * dTd;
                }
                double err = T - observedAnomaly[year];
                sse += err * err;
            }

            // weak Gaussian prior on the climate feedback parameter (W m^-2 K^-1)
            double prior = (feedback - priorFeedback) / 0.5;
            return sse / forcing.Length + 0.01 * prior * prior;
        }

        [Differentiable]
        public static double BucketRunoffNseLoss(double fieldCapacity, double shapeBeta, double recessionK, double percolation,
                                                 double[] precipitation, double[] potentialEt, double[] observedFlow,
                                                 double lpFraction = 0.7, int warmupDays = 30, double initialStorage = 0.5)
        {
            int n = precipitation.Length;
            if (potentialEt.Length != n || observedFlow.Length != n)
                throw new ArgumentException("Forcing and observation series must be the same length.");
            if (fieldCapacity <= 0.0) throw new ArgumentException("fieldCapacity must be positive.", nameof(fieldCapacity));
            if (warmupDays >= n) throw new ArgumentException("Warm-up period consumes the whole record.", nameof(warmupDays));

            double soil = initialStorage * fieldCapacity;
            double groundwater = 0.0;
            double[] simulated = new double[n];

            for (int t = 0; t < n; t++)
            {
                double relWet = soil / fieldCapacity;
                // HBV-style partitioning: wetter soil sheds a larger share of rain
                double recharge = precipitation[t] * Math.Pow(Math.Min(relWet, 1.0), shapeBeta);
                soil += precipitation[t] - recharge;

                double etFactor = relWet < lpFraction ? relWet / lpFraction : 1.0;
                double et = Math.Min(potentialEt[t] * etFactor, soil);
                soil -= et;

                double overflow = soil > fieldCapacity ? soil - fieldCapacity : 0.0;
                soil -= overflow;

                groundwater += recharge + overflow;
                double deep = Math.Min(percolation, groundwater);
                groundwater -= deep;

                double q = recessionK * groundwater; // linear reservoir
                groundwater -= q;
                simulated[t] = q;
            }

            double meanObs = observedFlow.Skip(warmupDays).Average();
            double num = 0.0, den = 0.0;
            for (int t = warmupDays; t < n; t++)
            {
                num += (simulated[t] - observedFlow[t]) * (simulated[t] - observedFlow[t]);
                den += (observedFlow[t] - meanObs) * (observedFlow[t] - meanObs);
            }
            double nse = 1.0 - num / den;
            return 1.0 - nse; // minimise
        }

        [Differentiable]
        public static double WeibullSurvivalNll(double logShape, double logScale, double[] beta, double[,] covariates,
                                                double[] times, bool[] eventObserved, double[]? entryTimes = null)
        {
            int n = times.Length;
            if (covariates.GetLength(0) != n || eventObserved.Length != n)
                throw new ArgumentException("Covariates, times and event flags must be aligned.");
            if (covariates.GetLength(1) != beta.Length)
                throw new ArgumentException("beta must have one coefficient per covariate column.", nameof(beta));

            double k = Math.Exp(logShape);
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                if (times[i] <= 0.0)
                    throw new ArgumentException($"Survival time at row {i} must be positive.");

                // accelerated failure time: scale depends log-linearly on covariates
                double eta = logScale;
                for (int j = 0; j < beta.Length; j++) eta += covariates[i, j] * beta[j];

                double logT = Math.Log(times[i]);
                double z = logT - eta;                    // log(t / lambda_i)
                double cumHazard = Math.Exp(k * z);       // (t / lambda_i)^k

                if (eventObserved[i])
                    nll -= logShape - eta + (k - 1.0) * z; // log hazard at the event time
                nll += cumHazard;

                // left truncation: condition on having survived until study entry
                double entry = entryTimes?[i] ?? 0.0;
                if (entry > 0.0)
                    nll -= Math.Exp(k * (Math.Log(entry) - eta));
            }
            return nll / n;
        }

        [Differentiable]
        public static float LabelSmoothingCrossEntropy(float[,] logits, int[] targets, float smoothing = 0.1f, int ignoreIndex = -100)
        {
            int batch = logits.GetLength(0), vocab = logits.GetLength(1);
            if (targets.Length != batch)
                throw new ArgumentException("Need exactly one target token per row of logits.", nameof(targets));
            if (smoothing < 0f || smoothing >= 1f)
                throw new ArgumentException("smoothing must be in [0, 1).", nameof(smoothing));

            float offTarget = smoothing / (vocab - 1);
            float onTarget = 1f - smoothing;
            float total = 0f;
            int tokens = 0;

            for (int b = 0; b < batch; b++)
            {
                int tgt = targets[b];
                if (tgt == ignoreIndex) continue; // padding

                float max = float.NegativeInfinity;
                for (int v = 0; v < vocab; v++) max = MathF.Max(max, logits[b, v]);
                float sumExp = 0f;
                for (int v = 0; v < vocab; v++) sumExp += MathF.Exp(logits[b, v] - max);
                float logZ = max + MathF.Log(sumExp);

                float rowLoss = 0f;
                for (int v = 0; v < vocab; v++)
                {
                    float logP = logits[b, v] - logZ;
                    rowLoss -= (v == tgt ? onTarget : offTarget) * logP;
                }
                total += rowLoss;
                tokens++;
            }
            return tokens > 0 ? total / tokens : 0f;
        }

        [Differentiable]
        public static double CtcLoss(double[,] logits, int[] target, int blank = 0)
        {
            int T = logits.GetLength(0), K = logits.GetLength(1);
            if (target.Any(c => c == blank || c < 0 || c >= K))
                throw new ArgumentException("Target labels must be valid non-blank class indices.", nameof(target));

            // extended label sequence with blanks interleaved: _ a _ b _ c _
            int S = 2 * target.Length + 1;
            int[] ext = new int[S];
            for (int s = 0; s < S; s++) ext[s] = s % 2 == 0 ? blank : target[s / 2];

            int repeats = 0;
            for (int i = 1; i < target.Length; i++) if (target[i] == target[i - 1]) repeats++;
            if (T < target.Length + repeats)
                throw new ArgumentException("Input sequence is too short for this target.");

            // per-frame log-softmax
            var logProb = new double[T, K];
            for (int t = 0; t < T; t++)
            {
                double max = double.NegativeInfinity;
                for (int k = 0; k < K; k++) max = Math.Max(max, logits[t, k]);
                double sum = 0.0;
                for (int k = 0; k < K; k++) sum += Math.Exp(logits[t, k] - max);
                double logZ = max + Math.Log(sum);
                for (int k = 0; k < K; k++) logProb[t, k] = logits[t, k] - logZ;
            }

            double[] alpha = Enumerable.Repeat(double.NegativeInfinity, S).ToArray();
            alpha[0] = logProb[0, ext[0]];
            if (S > 1) alpha[1] = logProb[0, ext[1]];

            for (int t = 1; t < T; t++)
            {
                var next = new double[S];
                for (int s = 0; s < S; s++)
                {
                    double a = alpha[s];
                    if (s >= 1) a = LogAddExp(a, alpha[s - 1]);
                    if (s >= 2 && ext[s] != blank && ext[s] != ext[s - 2]) a = LogAddExp(a, alpha[s - 2]);
                    next[s] = a + logProb[t, ext[s]];
                }
                alpha = next;
            }

            double logLik = S > 1 ? LogAddExp(alpha[S - 1], alpha[S - 2]) : alpha[S - 1];
            return -logLik;
        }

        private static double LogAddExp(double a, double b)
        {
            if (double.IsNegativeInfinity(a)) return b;
            if (double.IsNegativeInfinity(b)) return a;
            double m = Math.Max(a, b);
            return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        }

        [Differentiable]
        public static float BilateralDepthSmoothness(float[,] depth, float[,] observedDepth, bool[,] valid, float[,] guide,
                                                     float sigmaSpatial = 1.5f, float sigmaRange = 0.1f, int radius = 2,
                                                     float smoothWeight = 0.5f, float charbonnierEps = 1e-3f)
        {
            int h = depth.GetLength(0), w = depth.GetLength(1);
            if (guide.GetLength(0) != h || guide.GetLength(1) != w || valid.GetLength(0) != h || valid.GetLength(1) != w)
                throw new ArgumentException("depth, guide and valid must share a shape.");
            if (radius < 1) throw new ArgumentException("radius must be at least 1.", nameof(radius));

            float inv2Ss = 1f / (2f * sigmaSpatial * sigmaSpatial);
            float inv2Sr = 1f / (2f * sigmaRange * sigmaRange);
            float eps2 = charbonnierEps * charbonnierEps;

            float data = 0f, smooth = 0f;
            int nValid = 0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    if (valid[y, x])
                    {
                        float r = depth[y, x] - observedDepth[y, x];
                        data += r * r;
                        nValid++;
                    }

                    // each unordered neighbour pair is visited once (half window)
                    for (int dy = 0; dy <= radius; dy++)
                    {
                        for (int dx = -radius; dx <= radius; dx++)
                        {
                            if (dy == 0 && dx <= 0) continue;
                            int yy = y + dy, xx = x + dx;
                            if (yy >= h || xx < 0 || xx >= w) continue;

                            float dI = guide[y, x] - guide[yy, xx];
                            float weight = MathF.Exp(-(dx * dx + dy * dy) * inv2Ss - dI * dI * inv2Sr);
                            float dz = depth[y, x] - depth[yy, xx];
                            smooth += weight * MathF.Sqrt(dz * dz + eps2);
                        }
                    }
                }
            }
            return data / Math.Max(nValid, 1) + smoothWeight * smooth / (h * w);
        }

        [Differentiable]
        public static double ParaxialLensDesignLoss(double[] curvatures, double[] thicknesses, double[] refractiveIndices,
                                                    double[] rayHeights, double[] rayAngles,
                                                    double targetFocalLength, double focalWeight = 1e-3)
        {
            int surfaces = curvatures.Length;
            if (thicknesses.Length != surfaces || refractiveIndices.Length != surfaces)
                throw new ArgumentException("Each surface needs a following thickness and the index of the medium after it.");
            if (rayHeights.Length != rayAngles.Length)
                throw new ArgumentException("Ray heights and angles must pair up.");

            // y-nu paraxial trace; the last thickness is the back focal distance to the image plane
            (double y, double u) Trace(double y0, double u0)
            {
                double y = y0, u = u0, nPrev = 1.0;
                for (int s = 0; s < surfaces; s++)
                {
                    double n = refractiveIndices[s];
                    double power = curvatures[s] * (n - nPrev);
                    u = (nPrev * u - y * power) / n;   // refraction
                    y += thicknesses[s] * u;           // transfer
                    nPrev = n;
                }
                return (y, u);
            }

            double spot = 0.0;
            for (int r = 0; r < rayHeights.Length; r++)
            {
                var (yImg, _) = Trace(rayHeights[r], rayAngles[r]);
                spot += yImg * yImg;
            }
            spot /= rayHeights.Length;

            // effective focal length from a unit-height marginal ray: f = -y0 / u'
            var (_, uOut) = Trace(1.0, 0.0);
            double nLast = refractiveIndices[surfaces - 1];
            double efl = -1.0 / (nLast * uOut);
            double focalErr = (efl - targetFocalLength) / targetFocalLength;

            return spot + focalWeight * focalErr * focalErr;
        }

        [Differentiable]
        public static double OrbitShootingMiss(double[] initialVelocity, double[] initialPosition, double[] targetPosition,
                                               double timeOfFlight, double mu = 1.0, int steps = 400, double deltaVWeight = 0.1)
        {
            if (initialVelocity.Length != 2 || initialPosition.Length != 2 || targetPosition.Length != 2)
                throw new ArgumentException("This planar solver expects 2D vectors.");
            if (steps <= 0 || timeOfFlight <= 0.0)
                throw new ArgumentException("steps and timeOfFlight must be positive.");

            (double ax, double ay) Gravity(double x, double y)
            {
                double r2 = x * x + y * y;
                double r = Math.Sqrt(r2);
                double k = -mu / (r2 * r);
                return (k * x, k * y);
            }

            double px = initialPosition[0], py = initialPosition[1];
            double vx = initialVelocity[0], vy = initialVelocity[1];
            double dt = timeOfFlight / steps;
            var (ax, ay) = Gravity(px, py);

            // velocity Verlet: symplectic, good energy behaviour over long arcs
            for (int s = 0; s < steps; s++)
            {
                vx += 0.5 * dt * ax; vy += 0.5 * dt * ay;
                px += dt * vx; py += dt * vy;
                (ax, ay) = Gravity(px, py);
                vx += 0.5 * dt * ax; vy += 0.5 * dt * ay;
            }

            double missX = px - targetPosition[0], missY = py - targetPosition[1];
            double miss2 = missX * missX + missY * missY;

            // departure burn relative to the local circular velocity
            double r0 = Math.Sqrt(initialPosition[0] * initialPosition[0] + initialPosition[1] * initialPosition[1]);
            double vCirc = Math.Sqrt(mu / r0);
            double cx = -vCirc * initialPosition[1] / r0, cy = vCirc * initialPosition[0] / r0;
            double dvx = initialVelocity[0] - cx, dvy = initialVelocity[1] - cy;
            double deltaV = Math.Sqrt(dvx * dvx + dvy * dvy + 1e-12);

            return miss2 + deltaVWeight * deltaV;
        }

        [Differentiable]
        public static double VariogramFitLoss(double nugget, double partialSill, double range,
                                              double[] lagDistances, double[] empiricalSemivariance, int[] pairCounts,
                                              string model = "spherical", int minPairs = 30)
        {
            if (lagDistances.Length != empiricalSemivariance.Length || lagDistances.Length != pairCounts.Length)
                throw new ArgumentException("Lag arrays must be aligned.");
            if (range <= 0.0) throw new ArgumentException("range must be positive.", nameof(range));

            double Gamma(double h)
            {
                if (h <= 0.0) return 0.0;
                double r = h / range;
                double shape;
                switch (model.ToLowerInvariant())
                {
                    case "spherical":
                        shape = r >= 1.0 ? 1.0 : 1.5 * r - 0.5 * r * r * r;
                        break;
                    case "exponential":
                        shape = 1.0 - Math.Exp(-3.0 * r); // practical range convention
                        break;
                    case "gaussian":
                        shape = 1.0 - Math.Exp(-3.0 * r * r);
                        break;
                    case "matern32":
                        double s = Math.Sqrt(3.0) * r;
                        shape = 1.0 - (1.0 + s) * Math.Exp(-s);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported variogram model '{model}'.", nameof(model));
                }
                return nugget + partialSill * shape;
            }

            // Cressie (1985) weighted least squares
            double loss = 0.0;
            for (int k = 0; k < lagDistances.Length; k++)
            {
                if (pairCounts[k] < minPairs) continue; // too noisy to trust
                double model_k = Gamma(lagDistances[k]);
                double ratio = empiricalSemivariance[k] / model_k - 1.0;
                loss += pairCounts[k] * ratio * ratio;
            }
            return loss;
        }

        [Differentiable]
        public static double TwoLinkArmEffortCost(double[,] jointPath, double dt,
                                                  double m1 = 1.0, double m2 = 0.8, double l1 = 0.5, double l2 = 0.4,
                                                  double g = 9.81, double[]? start = null, double[]? goal = null,
                                                  double boundaryWeight = 100.0)
        {
            int T = jointPath.GetLength(0);
            if (jointPath.GetLength(1) != 2) throw new ArgumentException("jointPath must be T x 2 (shoulder, elbow).");
            if (T < 3) throw new ArgumentException("Need at least three knots for finite-difference accelerations.");

            // point masses at link ends, uniform rods would only change the constants
            double lc1 = l1, lc2 = l2;
            double effort = 0.0;
            for (int t = 1; t < T - 1; t++)
            {
                double q1 = jointPath[t, 0], q2 = jointPath[t, 1];
                double qd1 = (jointPath[t + 1, 0] - jointPath[t - 1, 0]) / (2.0 * dt);
                double qd2 = (jointPath[t + 1, 1] - jointPath[t - 1, 1]) / (2.0 * dt);
                double qdd1 = (jointPath[t + 1, 0] - 2.0 * q1 + jointPath[t - 1, 0]) / (dt * dt);
                double qdd2 = (jointPath[t + 1, 1] - 2.0 * q2 + jointPath[t - 1, 1]) / (dt * dt);

                double c2 = Math.Cos(q2), s2 = Math.Sin(q2);
                double M11 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2.0 * l1 * lc2 * c2);
                double M12 = m2 * (lc2 * lc2 + l1 * lc2 * c2);
                double M22 = m2 * lc2 * lc2;
                double hCor = -m2 * l1 * lc2 * s2;

                double g1 = (m1 * lc1 + m2 * l1) * g * Math.Cos(q1) + m2 * lc2 * g * Math.Cos(q1 + q2);
                double g2 = m2 * lc2 * g * Math.Cos(q1 + q2);

                double tau1 = M11 * qdd1 + M12 * qdd2 + hCor * (2.0 * qd1 * qd2 + qd2 * qd2) + g1;
                double tau2 = M12 * qdd1 + M22 * qdd2 - hCor * qd1 * qd1 + g2;

                effort += (tau1 * tau1 + tau2 * tau2) * dt;
            }

            double boundary = 0.0;
            if (start != null)
                for (int j = 0; j < 2; j++) boundary += Math.Pow(jointPath[0, j] - start[j], 2);
            if (goal != null)
                for (int j = 0; j < 2; j++) boundary += Math.Pow(jointPath[T - 1, j] - goal[j], 2);

            return effort + boundaryWeight * boundary;
        }

        [Differentiable]
        public static double RickerStockRecruitNll(double logAlpha, double beta, double logSigma, double phi,
                                                   double[] spawners, double[] recruits)
        {
            if (spawners.Length != recruits.Length)
                throw new ArgumentException("spawners and recruits must be paired by brood year.");
            if (Math.Abs(phi) >= 1.0)
                throw new ArgumentException("AR(1) coefficient must satisfy |phi| < 1.", nameof(phi));

            double sigma = Math.Exp(logSigma);
            double nll = 0.0;
            double prevResid = double.NaN;

            for (int y = 0; y < spawners.Length; y++)
            {
                double S = spawners[y], R = recruits[y];
                if (double.IsNaN(S) || double.IsNaN(R) || S <= 0.0 || R <= 0.0)
                {
                    prevResid = double.NaN; // gap in the series breaks the AR chain
                    continue;
                }

                // log(R/S) = a - b S + eps
                double resid = Math.Log(R / S) - (logAlpha - beta * S);

                double innovation, sd;
                if (double.IsNaN(prevResid))
                {
                    innovation = resid;
                    sd = sigma / Math.Sqrt(1.0 - phi * phi); // stationary variance at chain start
                }
                else
                {
                    innovation = resid - phi * prevResid;
                    sd = sigma;
                }

                double z = innovation / sd;
                nll += 0.5 * z * z + Math.Log(sd) + 0.5 * Math.Log(2.0 * Math.PI);
                prevResid = resid;
            }
            return nll;
        }

        [Differentiable]
        public static float WindFarmLayoutLoss(float[] turbineX, float[] turbineY, float windDirection, float freeStreamSpeed,
                                               float rotorDiameter = 120f, float wakeExpansion = 0.04f, float thrustCoefficient = 0.8f,
                                               float minSpacingDiameters = 3f, float spacingPenalty = 10f)
        {
            int n = turbineX.Length;
            if (turbineY.Length != n) throw new ArgumentException("Turbine coordinate arrays differ in length.");

            // rotate into wind-aligned frame: x downstream, y crosswind
            float cosW = MathF.Cos(windDirection), sinW = MathF.Sin(windDirection);
            var down = new float[n];
            var cross = new float[n];
            for (int i = 0; i < n; i++)
            {
                down[i] = turbineX[i] * cosW + turbineY[i] * sinW;
                cross[i] = -turbineX[i] * sinW + turbineY[i] * cosW;
            }

            float sigma0 = rotorDiameter * 0.2f * MathF.Sqrt(0.5f * (1f + MathF.Sqrt(1f - thrustCoefficient)));
            float totalPower = 0f;
            for (int i = 0; i < n; i++)
            {
                // Bastankhah-Porte-Agel Gaussian wakes, combined as root-sum-square deficits
                float deficitSq = 0f;
                for (int j = 0; j < n; j++)
                {
                    float dx = down[i] - down[j];
                    if (j == i || dx <= 0f) continue; // only upstream turbines shadow i
                    float sigma = wakeExpansion * dx + sigma0;
                    float ratio = thrustCoefficient / (8f * sigma * sigma / (rotorDiameter * rotorDiameter));
                    float peak = 1f - MathF.Sqrt(MathF.Max(1f - ratio, 0f));
                    float dy = cross[i] - cross[j];
                    float d = peak * MathF.Exp(-dy * dy / (2f * sigma * sigma));
                    deficitSq += d * d;
                }
                float u = freeStreamSpeed * (1f - MathF.Sqrt(deficitSq));
                totalPower += u * u * u;
            }
            float normalisedPower = totalPower / (n * freeStreamSpeed * freeStreamSpeed * freeStreamSpeed);

            float penalty = 0f;
            float minDist = minSpacingDiameters * rotorDiameter;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    float dxp = turbineX[i] - turbineX[j], dyp = turbineY[i] - turbineY[j];
                    float dist = MathF.Sqrt(dxp * dxp + dyp * dyp);
                    if (dist < minDist) penalty += (minDist - dist) / rotorDiameter * ((minDist - dist) / rotorDiameter);
                }

            return -normalisedPower + spacingPenalty * penalty;
        }

        [Differentiable]
        public static double SeroCatalyticNll(double[] logForceOfInfection, [Constant] double[] ageBandUpper,
                                              int[] ages, int[] nTested, int[] nPositive,
                                              double seroreversion = 0.0, double sensitivity = 0.95, double specificity = 0.98,
                                              double stepYears = 0.25)
        {
            if (logForceOfInfection.Length != ageBandUpper.Length)
                throw new ArgumentException("Need one force of infection per age band.");
            if (ages.Length != nTested.Length || ages.Length != nPositive.Length)
                throw new ArgumentException("Age-group arrays must be aligned.");

            double Foi(double age)
            {
                int band = Array.FindIndex(ageBandUpper, upper => age < upper);
                if (band < 0) band = ageBandUpper.Length - 1; // oldest band extends indefinitely
                return Math.Exp(logForceOfInfection[band]);
            }

            double PrevalenceAt(double age)
            {
                if (seroreversion <= 0.0)
                {
                    // irreversible catalytic model: 1 - exp(-cumulative hazard)
                    double cum = 0.0;
                    for (double a = 0.0; a < age; a += stepYears)
                        cum += Foi(a) * Math.Min(stepYears, age - a);
                    return 1.0 - Math.Exp(-cum);
                }

                // reversible model: dp/da = lambda (1 - p) - rho p, stepped forward
                double p = 0.0;
                for (double a = 0.0; a < age; a += stepYears)
                {
                    double h = Math.Min(stepYears, age - a);
                    p += h * (Foi(a) * (1.0 - p) - seroreversion * p);
                }
                return p;
            }

            double nll = 0.0;
            for (int i = 0; i < ages.Length; i++)
            {
                if (nTested[i] == 0) continue;
                double trueP = PrevalenceAt(ages[i] + 0.5); // midpoint of the age year
                double apparent = sensitivity * trueP + (1.0 - specificity) * (1.0 - trueP);
                apparent = Math.Clamp(apparent, 1e-9, 1.0 - 1e-9);
                nll -= nPositive[i] * Math.Log(apparent) + (nTested[i] - nPositive[i]) * Math.Log(1.0 - apparent);
            }
            return nll;
        }

        [Differentiable]
        public static double ElasticNetTourEnergy(double[] ringX, double[] ringY, double[] cityX, double[] cityY,
                                                  double kappa, double alpha = 0.2, double beta = 2.0)
        {
            int m = ringX.Length, n = cityX.Length;
            if (ringY.Length != m || cityY.Length != n)
                throw new ArgumentException("x and y coordinate arrays must match.");
            if (m < 3) throw new ArgumentException("The elastic ring needs at least three beads.", nameof(ringX));
            if (kappa <= 0.0) throw new ArgumentException("kappa (scale) must be positive.", nameof(kappa));

            double inv2k2 = 1.0 / (2.0 * kappa * kappa);

            // Durbin-Willshaw: every city should be close to some bead...
            double attraction = 0.0;
            for (int i = 0; i < n; i++)
            {
                var exponents = Enumerable.Range(0, m)
                    .Select(j =>
                    {
                        double dx = cityX[i] - ringX[j], dy = cityY[i] - ringY[j];
                        return -(dx * dx + dy * dy) * inv2k2;
                    })
                    .ToArray();
                double max = exponents.Max();
                attraction += max + Math.Log(exponents.Sum(e => Math.Exp(e - max)));
            }

            // ...while the closed ring stays short
            double tension = 0.0;
            for (int j = 0; j < m; j++)
            {
                int next = (j + 1) % m;
                double dx = ringX[next] - ringX[j], dy = ringY[next] - ringY[j];
                tension += dx * dx + dy * dy;
            }

            return -alpha * kappa * attraction + 0.5 * beta * tension;
        }
    }
}
