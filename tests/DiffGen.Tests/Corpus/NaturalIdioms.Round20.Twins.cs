using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twins of Round 20's float methods (the reference for central differences: MethodOracle's, and the
    /// hand-written check of GruSequenceLoss, whose <c>float[][]</c> MethodOracle does not widen).</summary>
    public static partial class NaturalRound20
    {
        public static double GruSequenceLossTwin(double[][] inputs, double[] targets, double[,] w, double[,] u, double[] b, double[] readout, double readoutBias)
        {
            int steps = inputs.Length;
            if (targets.Length != steps)
                throw new ArgumentException("One regression target per time step is required.");
            int hidden = u.GetLength(1);
            int inDim = w.GetLength(1);
            if (w.GetLength(0) != 3 * hidden || u.GetLength(0) != 3 * hidden || b.Length != 3 * hidden)
                throw new ArgumentException("Gate parameters must be stacked as [update; reset; candidate].");

            var h = new double[hidden];
            var z = new double[hidden];
            var r = new double[hidden];
            double loss = 0.0;
            for (int t = 0; t < steps; t++)
            {
                double[] x = inputs[t];
                for (int i = 0; i < hidden; i++)
                {
                    double az = b[i], ar = b[hidden + i];
                    for (int j = 0; j < inDim; j++)
                    {
                        az += w[i, j] * x[j];
                        ar += w[hidden + i, j] * x[j];
                    }
                    for (int j = 0; j < hidden; j++)
                    {
                        az += u[i, j] * h[j];
                        ar += u[hidden + i, j] * h[j];
                    }
                    z[i] = GruSigmoidTwin(az);
                    r[i] = GruSigmoidTwin(ar);
                }

                var hNew = new double[hidden];
                for (int i = 0; i < hidden; i++)
                {
                    double an = b[2 * hidden + i];
                    for (int j = 0; j < inDim; j++) an += w[2 * hidden + i, j] * x[j];
                    double recurrent = 0.0;
                    for (int j = 0; j < hidden; j++) recurrent += u[2 * hidden + i, j] * h[j];
                    double n = Math.Tanh(an + r[i] * recurrent);
                    hNew[i] = (1.0 - z[i]) * n + z[i] * h[i];
                }
                h = hNew;

                double y = readoutBias;
                for (int i = 0; i < hidden; i++) y += readout[i] * h[i];
                double err = y - targets[t];
                loss += err * err;
            }
            return loss / steps;
        }

        private static double GruSigmoidTwin(double x) => 1.0 / (1.0 + Math.Exp(-x));

        public static double TransEMarginLossTwin(double[,] entityEmb, double[,] relationEmb, int[] heads, int[] relations, int[] tails, int[] corruptedTails, double margin = 1.0, string norm = "L1")
        {
            int dim = entityEmb.GetLength(1);
            if (relationEmb.GetLength(1) != dim)
                throw new ArgumentException("Entity and relation embeddings must share a dimension.");
            if (relations.Length != heads.Length || tails.Length != heads.Length || corruptedTails.Length != heads.Length)
                throw new ArgumentException("Triple index arrays must have equal length.");
            bool useL1 = norm switch
            {
                "L1" => true,
                "L2" => false,
                _ => throw new ArgumentException($"Unknown norm '{norm}', expected L1 or L2."),
            };

            double total = 0.0;
            for (int i = 0; i < heads.Length; i++)
            {
                double pos = TransEDistanceTwin(entityEmb, relationEmb, heads[i], relations[i], tails[i], useL1);
                double neg = TransEDistanceTwin(entityEmb, relationEmb, heads[i], relations[i], corruptedTails[i], useL1);
                total += Math.Max(0.0, margin + pos - neg);
            }

            // soft constraint keeping entity vectors inside the unit ball
            double penalty = 0.0;
            for (int e = 0; e < entityEmb.GetLength(0); e++)
            {
                double sq = 0.0;
                for (int k = 0; k < dim; k++) sq += entityEmb[e, k] * entityEmb[e, k];
                penalty += Math.Max(0.0, sq - 1.0);
            }
            return total / heads.Length + 0.01 * penalty;
        }

        private static double TransEDistanceTwin(double[,] ent, double[,] rel, int h, int r, int t, bool l1)
        {
            double acc = 0.0;
            for (int k = 0; k < ent.GetLength(1); k++)
            {
                double d = ent[h, k] + rel[r, k] - ent[t, k];
                acc += l1 ? Math.Abs(d) : d * d;
            }
            return l1 ? acc : Math.Sqrt(acc + 1e-12);
        }

        public static double PacejkaTireFitLossTwin(double[] slipAngles, double[] measuredLateralForce, double stiffnessB, double shapeC, double peakD, double curvatureE, double horizontalShift = 0.0, double verticalShift = 0.0)
        {
            if (slipAngles.Length != measuredLateralForce.Length)
                throw new ArgumentException("Slip angles and forces must be paired.");
            if (slipAngles.Length == 0) return 0.0;

            double sumSq = 0.0;
            for (int i = 0; i < slipAngles.Length; i++)
            {
                // Magic Formula: F = D sin(C atan(Bx - E(Bx - atan(Bx)))) + Sv
                double x = slipAngles[i] + horizontalShift;
                double bx = stiffnessB * x;
                double inner = bx - curvatureE * (bx - Math.Atan(bx));
                double force = peakD * Math.Sin(shapeC * Math.Atan(inner)) + verticalShift;
                double r = (force - measuredLateralForce[i]) / Math.Max(1.0, Math.Abs(measuredLateralForce[i]));
                sumSq += r * r;
            }
            // keep E in its physically meaningful range (E <= 1)
            double ePenalty = Math.Max(0.0, curvatureE - 1.0);
            return sumSq / slipAngles.Length + 10.0 * ePenalty * ePenalty;
        }

        public static double WindTurbinePowerCurveLossTwin(double[] windSpeed, double[] airDensity, double[] measuredPowerKw, double ratedPowerKw, double midpointSpeed, double steepness, double asymmetry, double cutIn = 3.0, double cutOut = 25.0, double huberDelta = 50.0)
        {
            if (windSpeed.Length != measuredPowerKw.Length || airDensity.Length != windSpeed.Length)
                throw new ArgumentException("Wind speed, density and power series must align.");
            const double referenceDensity = 1.225;

            double loss = 0.0;
            int count = 0;
            for (int i = 0; i < windSpeed.Length; i++)
            {
                if (double.IsNaN(measuredPowerKw[i])) continue; // SCADA gaps
                // IEC 61400-12 density normalisation of the wind speed
                double v = windSpeed[i] * Math.Pow(airDensity[i] / referenceDensity, 1.0 / 3.0);

                double predicted;
                if (v < cutIn || v > cutOut)
                    predicted = 0.0;
                else
                    predicted = ratedPowerKw / Math.Pow(1.0 + Math.Exp(-steepness * (v - midpointSpeed)), asymmetry);

                double r = predicted - measuredPowerKw[i];
                double ar = Math.Abs(r);
                loss += ar <= huberDelta ? 0.5 * r * r : huberDelta * (ar - 0.5 * huberDelta);
                count++;
            }
            return count > 0 ? loss / count : 0.0;
        }
    }
}
