using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 19's float methods (MethodOracle's reference for central differences).</summary>
    public static partial class NaturalRound19
    {
        public static double ChamferDistanceTwin(double[] cloudA, double[] cloudB, int dim = 3, bool squared = true)
        {
            if (cloudA.Length % dim != 0 || cloudB.Length % dim != 0)
                throw new ArgumentException($"Point buffers must be a multiple of dim={dim}.");
            int na = cloudA.Length / dim, nb = cloudB.Length / dim;
            if (na == 0 || nb == 0) throw new ArgumentException("Both point clouds must be non-empty.");

            double OneWay(double[] src, int ns, double[] dst, int nd)
            {
                double acc = 0;
                for (int i = 0; i < ns; i++)
                {
                    double best = double.MaxValue;
                    for (int j = 0; j < nd; j++)
                    {
                        double d2 = 0;
                        for (int k = 0; k < dim; k++)
                        {
                            double diff = src[i * dim + k] - dst[j * dim + k];
                            d2 += diff * diff;
                        }
                        if (d2 < best) best = d2;
                    }
                    acc += squared ? best : Math.Sqrt(best + 1e-12);
                }
                return acc / ns;
            }

            return OneWay(cloudA, na, cloudB, nb) + OneWay(cloudB, nb, cloudA, na);
        }

        public static double LabelSmoothingCrossEntropyTwin(double[,] logits, int[] targets, double smoothing = 0.1, int ignoreIndex = -100)
        {
            int batch = logits.GetLength(0), vocab = logits.GetLength(1);
            if (targets.Length != batch)
                throw new ArgumentException("Need exactly one target token per row of logits.", nameof(targets));
            if (smoothing < 0 || smoothing >= 1)
                throw new ArgumentException("smoothing must be in [0, 1).", nameof(smoothing));

            double offTarget = smoothing / (vocab - 1);
            double onTarget = 1 - smoothing;
            double total = 0;
            int tokens = 0;

            for (int b = 0; b < batch; b++)
            {
                int tgt = targets[b];
                if (tgt == ignoreIndex) continue; // padding

                double max = double.NegativeInfinity;
                for (int v = 0; v < vocab; v++) max = Math.Max(max, logits[b, v]);
                double sumExp = 0;
                for (int v = 0; v < vocab; v++) sumExp += Math.Exp(logits[b, v] - max);
                double logZ = max + Math.Log(sumExp);

                double rowLoss = 0;
                for (int v = 0; v < vocab; v++)
                {
                    double logP = logits[b, v] - logZ;
                    rowLoss -= (v == tgt ? onTarget : offTarget) * logP;
                }
                total += rowLoss;
                tokens++;
            }
            return tokens > 0 ? total / tokens : 0;
        }

        public static double BilateralDepthSmoothnessTwin(double[,] depth, double[,] observedDepth, bool[,] valid, double[,] guide,
                                                         double sigmaSpatial = 1.5, double sigmaRange = 0.1, int radius = 2,
                                                         double smoothWeight = 0.5, double charbonnierEps = 1e-3)
        {
            int h = depth.GetLength(0), w = depth.GetLength(1);
            if (guide.GetLength(0) != h || guide.GetLength(1) != w || valid.GetLength(0) != h || valid.GetLength(1) != w)
                throw new ArgumentException("depth, guide and valid must share a shape.");
            if (radius < 1) throw new ArgumentException("radius must be at least 1.", nameof(radius));

            double inv2Ss = 1 / (2 * sigmaSpatial * sigmaSpatial);
            double inv2Sr = 1 / (2 * sigmaRange * sigmaRange);
            double eps2 = charbonnierEps * charbonnierEps;

            double data = 0, smooth = 0;
            int nValid = 0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    if (valid[y, x])
                    {
                        double r = depth[y, x] - observedDepth[y, x];
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

                            double dI = guide[y, x] - guide[yy, xx];
                            double weight = Math.Exp(-(dx * dx + dy * dy) * inv2Ss - dI * dI * inv2Sr);
                            double dz = depth[y, x] - depth[yy, xx];
                            smooth += weight * Math.Sqrt(dz * dz + eps2);
                        }
                    }
                }
            }
            return data / Math.Max(nValid, 1) + smoothWeight * smooth / (h * w);
        }

        public static double WindFarmLayoutLossTwin(double[] turbineX, double[] turbineY, double windDirection, double freeStreamSpeed,
                                                   double rotorDiameter = 120, double wakeExpansion = 0.04, double thrustCoefficient = 0.8,
                                                   double minSpacingDiameters = 3, double spacingPenalty = 10)
        {
            int n = turbineX.Length;
            if (turbineY.Length != n) throw new ArgumentException("Turbine coordinate arrays differ in length.");

            // rotate into wind-aligned frame: x downstream, y crosswind
            double cosW = Math.Cos(windDirection), sinW = Math.Sin(windDirection);
            var down = new double[n];
            var cross = new double[n];
            for (int i = 0; i < n; i++)
            {
                down[i] = turbineX[i] * cosW + turbineY[i] * sinW;
                cross[i] = -turbineX[i] * sinW + turbineY[i] * cosW;
            }

            double sigma0 = rotorDiameter * 0.2 * Math.Sqrt(0.5 * (1 + Math.Sqrt(1 - thrustCoefficient)));
            double totalPower = 0;
            for (int i = 0; i < n; i++)
            {
                // Bastankhah-Porte-Agel Gaussian wakes, combined as root-sum-square deficits
                double deficitSq = 0;
                for (int j = 0; j < n; j++)
                {
                    double dx = down[i] - down[j];
                    if (j == i || dx <= 0) continue; // only upstream turbines shadow i
                    double sigma = wakeExpansion * dx + sigma0;
                    double ratio = thrustCoefficient / (8 * sigma * sigma / (rotorDiameter * rotorDiameter));
                    double peak = 1 - Math.Sqrt(Math.Max(1 - ratio, 0));
                    double dy = cross[i] - cross[j];
                    double d = peak * Math.Exp(-dy * dy / (2 * sigma * sigma));
                    deficitSq += d * d;
                }
                double u = freeStreamSpeed * (1 - Math.Sqrt(deficitSq));
                totalPower += u * u * u;
            }
            double normalisedPower = totalPower / (n * freeStreamSpeed * freeStreamSpeed * freeStreamSpeed);

            double penalty = 0;
            double minDist = minSpacingDiameters * rotorDiameter;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double dxp = turbineX[i] - turbineX[j], dyp = turbineY[i] - turbineY[j];
                    double dist = Math.Sqrt(dxp * dxp + dyp * dyp);
                    if (dist < minDist) penalty += (minDist - dist) / rotorDiameter * ((minDist - dist) / rotorDiameter);
                }

            return -normalisedPower + spacingPenalty * penalty;
        }
    }
}
