using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 18: the sixth probe batch, 30 functions written without DiffGen's documentation against this session's build; the
    /// 28 accepted after List.AddRange was lowered are here as written, and BeamTotalPotentialEnergy (rejected then: its exception
    /// message reads a string parameter, DIFF0003), accepted since. Still rejected: TripletMarginLoss (a jagged local made by
    /// 'embeddings.Select(Normalize).ToArray()', DIFF0013).
    /// </summary>
    public static partial class NaturalRound18
    {
        [Differentiable]
        public static double ThinLensFocalError(double[] focalLengths, double[] spacings, double targetFocal, double objectDistance = 1000.0)
        {
            if (focalLengths == null || focalLengths.Length == 0)
                throw new ArgumentException("At least one lens is required.", nameof(focalLengths));
            if (spacings.Length != focalLengths.Length - 1)
                throw new ArgumentException("Need one spacing between each pair of lenses.", nameof(spacings));

            // Ray transfer (ABCD) matrix, accumulated lens by lens
            double a = 1.0, b = 0.0, c = 0.0, d = 1.0;
            int i = 0;
            while (i < focalLengths.Length)
            {
                double power = 1.0 / focalLengths[i];
                // thin lens: [1 0; -1/f 1] * M
                c -= power * a;
                d -= power * b;
                if (i < spacings.Length)
                {
                    // free-space propagation: [1 t; 0 1] * M
                    double t = spacings[i];
                    a += t * c;
                    b += t * d;
                }
                i++;
            }

            double effectiveFocal = -1.0 / c;
            double focalErr = (effectiveFocal - targetFocal) / targetFocal;
            // image distance for an object at objectDistance; a virtual image is penalised
            double image = -(a * objectDistance + b) / (c * objectDistance + d);
            double virtualImagePenalty = image < 0.0 ? image * image * 1e-4 : 0.0;
            return focalErr * focalErr + virtualImagePenalty;
        }

        [Differentiable]
        public static double SabineReverbLoss(double[,] absorptionLogits, double[] surfaceAreas, double roomVolume, double[] targetRt60, double airAttenuation = 0.0)
        {
            int surfaces = absorptionLogits.GetLength(0);
            int bands = absorptionLogits.GetLength(1);
            if (surfaceAreas.Length != surfaces || targetRt60.Length != bands)
                throw new ArgumentException("Dimension mismatch between absorption table and inputs.");
            if (roomVolume <= 0.0)
                throw new ArgumentOutOfRangeException(nameof(roomVolume));

            double loss = 0.0;
            for (int band = 0; band < bands; band++)
            {
                // equivalent absorption area in metric sabins, including air absorption
                double equivalentArea = 4.0 * airAttenuation * roomVolume;
                for (int s = 0; s < surfaces; s++)
                {
                    double alpha = SabineReverbLossSigmoid(absorptionLogits[s, band]);
                    equivalentArea += surfaceAreas[s] * alpha;
                }
                double rt60 = 0.161 * roomVolume / equivalentArea;
                double logRatio = Math.Log(rt60 / targetRt60[band]);
                loss += logRatio * logRatio;
            }
            return loss / bands;
        }

        private static double SabineReverbLossSigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        [Differentiable]
        public static double SeirCaseFitLoss(double beta, double sigma, double gamma, double[] observedCases, double population, double initialInfected = 10.0, int stepsPerDay = 4)
        {
            if (population <= initialInfected)
                throw new ArgumentException("Population must exceed the initial infected count.");
            double s = population - initialInfected;
            double e = 0.0;
            double inf = initialInfected;
            double r = 0.0;
            double dt = 1.0 / stepsPerDay;
            double[] predicted = new double[observedCases.Length];

            for (int day = 0; day < observedCases.Length; day++)
            {
                double newCases = 0.0;
                for (int k = 0; k < stepsPerDay; k++)
                {
                    double infection = beta * s * inf / population;
                    double onset = sigma * e;
                    double recovery = gamma * inf;
                    s -= dt * infection;
                    e += dt * (infection - onset);
                    inf += dt * (onset - recovery);
                    r += dt * recovery;
                    newCases += dt * onset;
                }
                predicted[day] = newCases;
            }

            // Poisson negative log-likelihood (up to a constant) of reported daily cases
            double loss = 0.0;
            for (int day = 0; day < predicted.Length; day++)
            {
                double mu = predicted[day] + 1e-8;
                loss += mu - observedCases[day] * Math.Log(mu);
            }
            return loss / predicted.Length;
        }

        [Differentiable]
        public static double ManningRatingCurveLoss(double manningN, double bedSlope, double bottomWidth, double sideSlope, double[] stages, double[] observedDischarge)
        {
            if (stages.Length != observedDischarge.Length)
                throw new ArgumentException("Stage and discharge series must have equal length.");
            double sse = 0.0;
            int count = 0;
            foreach (var (depth, q) in stages.Zip(observedDischarge))
            {
                if (depth <= 0.0 || q <= 0.0) continue; // dry channel or missing gauging
                // trapezoidal cross-section
                double area = (bottomWidth + sideSlope * depth) * depth;
                double wettedPerimeter = bottomWidth + 2.0 * depth * Math.Sqrt(1.0 + sideSlope * sideSlope);
                double hydraulicRadius = area / wettedPerimeter;
                double predicted = area * Math.Pow(hydraulicRadius, 2.0 / 3.0) * Math.Sqrt(bedSlope) / manningN;
                double err = Math.Log(predicted) - Math.Log(q);
                sse += err * err;
                count++;
            }
            return count == 0 ? 0.0 : sse / count;
        }

        [Differentiable]
        public static double DcPowerFlowMismatch(double[] busAngles, int[] lineFrom, int[] lineTo, double[] lineReactance, double[] injections, double[] lineRating, double overloadWeight = 10.0)
        {
            int buses = busAngles.Length;
            if (injections.Length != buses)
                throw new ArgumentException("One injection per bus is required.");
            double[] netFlow = new double[buses];
            double penalty = 0.0;
            for (int l = 0; l < lineFrom.Length; l++)
            {
                int i = lineFrom[l], j = lineTo[l];
                double flow = (busAngles[i] - busAngles[j]) / lineReactance[l];
                netFlow[i] += flow;
                netFlow[j] -= flow;
                double excess = Math.Abs(flow) - lineRating[l];
                if (excess > 0.0)
                    penalty += overloadWeight * excess * excess;
            }

            double mismatch = 0.0;
            // bus 0 is the slack bus: its imbalance is absorbed by the slack generator
            for (int b = 1; b < buses; b++)
            {
                double d = injections[b] - netFlow[b];
                mismatch += d * d;
            }
            return mismatch + penalty;
        }

        [Differentiable]
        public static double OralPkNll(double logKa, double logKe, double logVd, double logSigma, double dose, double[] sampleTimes, double[] concentrations, double bioavailability = 1.0)
        {
            double ka = Math.Exp(logKa);
            double ke = Math.Exp(logKe);
            double vd = Math.Exp(logVd);
            double sigma = Math.Exp(logSigma);
            double nll = 0.0;
            for (int i = 0; i < sampleTimes.Length; i++)
            {
                if (concentrations[i] <= 0.0) continue; // below limit of quantification
                OralPkNllConcentration(ka, ke, vd, dose * bioavailability, sampleTimes[i], out double predicted);
                double logObs = Math.Log(concentrations[i]);
                double z = (logObs - Math.Log(predicted)) / sigma;
                // log-normal residual error model
                nll += 0.5 * z * z + logSigma + logObs + 0.5 * Math.Log(2.0 * Math.PI);
            }
            return nll;
        }

        private static void OralPkNllConcentration(double ka, double ke, double vd, double dose, double t, out double concentration)
        {
            if (Math.Abs(ka - ke) < 1e-9)
            {
                // limit of the Bateman function when ka == ke
                concentration = dose / vd * ka * t * Math.Exp(-ke * t);
                return;
            }
            concentration = dose * ka / (vd * (ka - ke)) * (Math.Exp(-ke * t) - Math.Exp(-ka * t));
        }

        [Differentiable]
        public static double BradleyTerryNll(double[] strengths, int[] homeTeams, int[] awayTeams, bool[] homeWon, double homeAdvantage, double priorPrecision = 0.1)
        {
            if (homeTeams.Length != awayTeams.Length || homeTeams.Length != homeWon.Length)
                throw new ArgumentException("Match arrays must have the same length.");
            double nll = 0.0;
            for (int m = 0; m < homeTeams.Length; m++)
            {
                double diff = strengths[homeTeams[m]] - strengths[awayTeams[m]] + homeAdvantage;
                double margin = homeWon[m] ? diff : -diff;
                nll += BradleyTerryNllSoftplus(-margin); // -log sigmoid(margin)
            }
            // Gaussian prior on centred strengths keeps the model identifiable
            double mean = strengths.Average();
            double prior = strengths.Sum(s => (s - mean) * (s - mean));
            return nll + 0.5 * priorPrecision * prior;
        }

        private static double BradleyTerryNllSoftplus(double x)
        {
            return x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));
        }

        [Differentiable]
        public static float LogMelSpectralLoss(float[] predictedPower, float[] targetPower, int numFrames, int numMels = 8, float sampleRate = 16000f)
        {
            int numBins = predictedPower.Length / numFrames;
            if (numBins * numFrames != predictedPower.Length || targetPower.Length != predictedPower.Length)
                throw new ArgumentException("Spectrogram sizes are inconsistent.");

            // triangular mel filter edges, expressed in (fractional) FFT bin units
            float nyquist = sampleRate / 2f;
            float melMax = LogMelSpectralLossHzToMel(nyquist);
            float[] edges = new float[numMels + 2];
            for (int m = 0; m < edges.Length; m++)
                edges[m] = LogMelSpectralLossMelToHz(melMax * m / (numMels + 1)) / nyquist * (numBins - 1);

            float total = 0f;
            for (int f = 0; f < numFrames; f++)
            {
                for (int m = 1; m <= numMels; m++)
                {
                    float predMel = 0f, tgtMel = 0f;
                    for (int k = 0; k < numBins; k++)
                    {
                        float w = 0f;
                        if (k >= edges[m - 1] && k <= edges[m]) w = (k - edges[m - 1]) / (edges[m] - edges[m - 1]);
                        else if (k > edges[m] && k <= edges[m + 1]) w = (edges[m + 1] - k) / (edges[m + 1] - edges[m]);
                        predMel += w * predictedPower[f * numBins + k];
                        tgtMel += w * targetPower[f * numBins + k];
                    }
                    total += MathF.Abs(MathF.Log(predMel + 1e-6f) - MathF.Log(tgtMel + 1e-6f));
                }
            }
            return total / (numFrames * numMels);
        }

        private static float LogMelSpectralLossHzToMel(float hz) => 2595f * MathF.Log10(1f + hz / 700f);

        private static float LogMelSpectralLossMelToHz(float mel) => 700f * (MathF.Pow(10f, mel / 2595f) - 1f);

        [Differentiable]
        public static double BlinnPhongFitLoss(double diffuseAlbedo, double specularAlbedo, double logShininess, double[,] normals, double[] lightDir, double[] viewDir, double[] observed, double ambient = 0.05)
        {
            (double x, double y, double z) Normalize(double x, double y, double z)
            {
                double len = Math.Sqrt(x * x + y * y + z * z);
                return (x / len, y / len, z / len);
            }

            var l = Normalize(lightDir[0], lightDir[1], lightDir[2]);
            var v = Normalize(viewDir[0], viewDir[1], viewDir[2]);
            var h = Normalize(l.x + v.x, l.y + v.y, l.z + v.z); // half vector
            double shininess = Math.Exp(logShininess);

            double loss = 0.0;
            int pixels = normals.GetLength(0);
            for (int p = 0; p < pixels; p++)
            {
                var n = Normalize(normals[p, 0], normals[p, 1], normals[p, 2]);
                double nDotL = Math.Max(0.0, n.x * l.x + n.y * l.y + n.z * l.z);
                double nDotH = Math.Max(0.0, n.x * h.x + n.y * h.y + n.z * h.z);
                double specular = nDotL > 0.0 ? specularAlbedo * Math.Pow(nDotH, shininess) : 0.0;
                double radiance = ambient + diffuseAlbedo * nDotL + specular;
                double err = radiance - observed[p];
                loss += err * err;
            }
            return loss / pixels;
        }

        [Differentiable]
        public static double LqrRolloutCost(double[,] gain, double[,] a, double[,] b, double[] x0, double[] qDiag, double[] rDiag, int horizon = 50)
        {
            int n = x0.Length;
            int m = gain.GetLength(0);
            double[] x = (double[])x0.Clone();
            double[] u = new double[m];
            double[] next = new double[n];
            double cost = 0.0;
            for (int t = 0; t < horizon; t++)
            {
                // state feedback u = -K x
                for (int i = 0; i < m; i++)
                {
                    double s = 0.0;
                    for (int j = 0; j < n; j++) s -= gain[i, j] * x[j];
                    u[i] = s;
                }
                for (int i = 0; i < n; i++) cost += qDiag[i] * x[i] * x[i];
                for (int i = 0; i < m; i++) cost += rDiag[i] * u[i] * u[i];
                // x <- A x + B u
                for (int i = 0; i < n; i++)
                {
                    double s = 0.0;
                    for (int j = 0; j < n; j++) s += a[i, j] * x[j];
                    for (int j = 0; j < m; j++) s += b[i, j] * u[j];
                    next[i] = s;
                }
                Array.Copy(next, x, n);
            }
            for (int i = 0; i < n; i++) cost += 10.0 * qDiag[i] * x[i] * x[i]; // terminal cost
            return cost;
        }

        [Differentiable]
        public static double ErlangCStaffingCost(double serviceRate, double arrivalRate, int servers, double waitCostPerHour, double capacityCostPerUnit)
        {
            if (servers < 1) throw new ArgumentOutOfRangeException(nameof(servers));
            if (serviceRate <= 0.0) throw new ArgumentOutOfRangeException(nameof(serviceRate));
            double offered = arrivalRate / serviceRate; // offered load in Erlangs
            double rho = offered / servers;
            if (rho >= 1.0)
                return 1e6 * (1.0 + rho); // unstable queue: large penalty that still grows with load

            // Erlang C probability that an arriving customer has to wait
            double term = 1.0, sum = 1.0;
            for (int k = 1; k < servers; k++)
            {
                term *= offered / k;
                sum += term;
            }
            double last = term * offered / servers / (1.0 - rho);
            double pWait = last / (sum + last);
            double meanWait = pWait / (servers * serviceRate - arrivalRate);
            return waitCostPerHour * arrivalRate * meanWait + capacityCostPerUnit * servers * serviceRate;
        }

        [Differentiable]
        public static double LotkaVolterraFitLoss(double alpha, double beta, double delta, double gamma, double[] preyObs, double[] predatorObs, double dt = 0.1, int substeps = 5)
        {
            if (preyObs.Length != predatorObs.Length || preyObs.Length < 2)
                throw new ArgumentException("Need at least two paired census observations.");
            double prey = preyObs[0], pred = predatorObs[0];
            double h = dt / substeps;
            double loss = 0.0;
            for (int t = 1; t < preyObs.Length; t++)
            {
                for (int s = 0; s < substeps; s++)
                    LotkaVolterraFitLossRk4Step(ref prey, ref pred, alpha, beta, delta, gamma, h);
                double e1 = Math.Log(prey) - Math.Log(preyObs[t]);
                double e2 = Math.Log(pred) - Math.Log(predatorObs[t]);
                loss += e1 * e1 + e2 * e2;
            }
            return loss / (preyObs.Length - 1);
        }

        private static void LotkaVolterraFitLossRk4Step(ref double x, ref double y, double alpha, double beta, double delta, double gamma, double h)
        {
            double k1x = alpha * x - beta * x * y, k1y = delta * x * y - gamma * y;
            double x2 = x + 0.5 * h * k1x, y2 = y + 0.5 * h * k1y;
            double k2x = alpha * x2 - beta * x2 * y2, k2y = delta * x2 * y2 - gamma * y2;
            double x3 = x + 0.5 * h * k2x, y3 = y + 0.5 * h * k2y;
            double k3x = alpha * x3 - beta * x3 * y3, k3y = delta * x3 * y3 - gamma * y3;
            double x4 = x + h * k3x, y4 = y + h * k3y;
            double k4x = alpha * x4 - beta * x4 * y4, k4y = delta * x4 * y4 - gamma * y4;
            x += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
            y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
        }

        [Differentiable]
        public static double TwoParamIrtNll(double[] ability, double[] logDiscrimination, double[] difficulty, int[,] responses, bool[,] observed, double abilityPriorSd = 1.0)
        {
            int persons = responses.GetLength(0), items = responses.GetLength(1);
            if (ability.Length != persons || difficulty.Length != items || logDiscrimination.Length != items)
                throw new ArgumentException("Parameter vectors do not match the response matrix.");
            double nll = 0.0;
            for (int p = 0; p < persons; p++)
            {
                for (int i = 0; i < items; i++)
                {
                    if (!observed[p, i]) continue; // item not administered
                    double a = Math.Exp(logDiscrimination[i]);
                    double logit = a * (ability[p] - difficulty[i]);
                    // -log sigmoid(logit) if answered correctly, -log(1 - sigmoid(logit)) otherwise
                    double z = responses[p, i] == 1 ? logit : -logit;
                    nll += z > 0 ? Math.Log(1.0 + Math.Exp(-z)) : -z + Math.Log(1.0 + Math.Exp(z));
                }
                double standardized = ability[p] / abilityPriorSd;
                nll += 0.5 * standardized * standardized;
            }
            return nll;
        }

        [Differentiable]
        public static double LinearChainCrfNll(double[,] emissions, double[,] transitions, double[] startScores, int[] goldTags)
        {
            int len = emissions.GetLength(0), numTags = emissions.GetLength(1);
            if (goldTags.Length != len) throw new ArgumentException("One gold tag per token is required.");
            if (len == 0) return 0.0;

            double goldScore = startScores[goldTags[0]] + emissions[0, goldTags[0]];
            for (int t = 1; t < len; t++)
                goldScore += transitions[goldTags[t - 1], goldTags[t]] + emissions[t, goldTags[t]];

            // forward algorithm in log space
            double[] alpha = new double[numTags];
            double[] nextAlpha = new double[numTags];
            double[] scratch = new double[numTags];
            for (int j = 0; j < numTags; j++) alpha[j] = startScores[j] + emissions[0, j];
            for (int t = 1; t < len; t++)
            {
                for (int j = 0; j < numTags; j++)
                {
                    for (int i = 0; i < numTags; i++) scratch[i] = alpha[i] + transitions[i, j];
                    nextAlpha[j] = LinearChainCrfNllLogSumExp(scratch) + emissions[t, j];
                }
                (alpha, nextAlpha) = (nextAlpha, alpha);
            }
            return LinearChainCrfNllLogSumExp(alpha) - goldScore;
        }

        private static double LinearChainCrfNllLogSumExp(double[] values)
        {
            double max = double.NegativeInfinity;
            foreach (double v in values) if (v > max) max = v;
            double sum = 0.0;
            foreach (double v in values) sum += Math.Exp(v - max);
            return max + Math.Log(sum);
        }

        [Differentiable]
        public static double BiasedMfRatingLoss(double[][] userFactors, double[][] itemFactors, double[] userBias, double[] itemBias, double globalMean, int[] userIds, int[] itemIds, double[] ratings, double lambda = 0.02)
        {
            if (userIds.Length != ratings.Length || itemIds.Length != ratings.Length)
                throw new ArgumentException("Each rating needs a user and an item id.");
            double sse = 0.0;
            for (int r = 0; r < ratings.Length; r++)
            {
                double[] pu = userFactors[userIds[r]];
                double[] qi = itemFactors[itemIds[r]];
                double dot = 0.0;
                for (int k = 0; k < pu.Length; k++) dot += pu[k] * qi[k];
                double pred = globalMean + userBias[userIds[r]] + itemBias[itemIds[r]] + dot;
                double err = ratings[r] - pred;
                sse += err * err;
            }
            double reg = 0.0;
            foreach (double[] row in userFactors)
                foreach (double v in row) reg += v * v;
            foreach (double[] row in itemFactors)
                foreach (double v in row) reg += v * v;
            reg += userBias.Sum(b => b * b) + itemBias.Sum(b => b * b);
            return sse / ratings.Length + lambda * reg;
        }

        [Differentiable]
        public static float TiedAutoencoderAnomalyScore(float[] x, float[] weights, float[] hiddenBias, float[] outputBias, float[] featureScale, int hiddenSize)
        {
            int d = x.Length;
            if (weights.Length != hiddenSize * d)
                throw new ArgumentException("Weight matrix must be hiddenSize x inputSize.");
            float[] hidden = new float[hiddenSize];
            for (int h = 0; h < hiddenSize; h++)
            {
                float s = hiddenBias[h];
                for (int i = 0; i < d; i++) s += weights[h * d + i] * x[i];
                hidden[h] = MathF.Tanh(s);
            }
            // decoder uses the transposed encoder weights
            float score = 0f;
            for (int i = 0; i < d; i++)
            {
                float recon = outputBias[i];
                for (int h = 0; h < hiddenSize; h++) recon += weights[h * d + i] * hidden[h];
                float z = (x[i] - recon) / featureScale[i];
                score += z * z;
            }
            return 0.5f * score / d;
        }

        [Differentiable]
        public static double GeneralizedIouLoss(double[,] predBoxes, double[,] gtBoxes, int[] matchIndex)
        {
            double total = 0.0;
            int matched = 0;
            for (int p = 0; p < predBoxes.GetLength(0); p++)
            {
                int g = matchIndex[p];
                if (g < 0) continue; // background prediction: no box regression target
                var (px1, py1, px2, py2) = GeneralizedIouLossCorners(predBoxes, p);
                var (gx1, gy1, gx2, gy2) = GeneralizedIouLossCorners(gtBoxes, g);
                double iw = Math.Max(0.0, Math.Min(px2, gx2) - Math.Max(px1, gx1));
                double ih = Math.Max(0.0, Math.Min(py2, gy2) - Math.Max(py1, gy1));
                double inter = iw * ih;
                double union = (px2 - px1) * (py2 - py1) + (gx2 - gx1) * (gy2 - gy1) - inter;
                double iou = inter / union;
                // smallest enclosing box
                double cw = Math.Max(px2, gx2) - Math.Min(px1, gx1);
                double ch = Math.Max(py2, gy2) - Math.Min(py1, gy1);
                double hull = cw * ch;
                total += 1.0 - (iou - (hull - union) / hull);
                matched++;
            }
            return matched > 0 ? total / matched : 0.0;
        }

        private static (double x1, double y1, double x2, double y2) GeneralizedIouLossCorners(double[,] boxes, int row)
        {
            double cx = boxes[row, 0], cy = boxes[row, 1];
            double halfW = 0.5 * Math.Abs(boxes[row, 2]), halfH = 0.5 * Math.Abs(boxes[row, 3]);
            return (cx - halfW, cy - halfH, cx + halfW, cy + halfH);
        }

        [Differentiable]
        public static double PlanarFlowReverseKl(double[,] u, double[,] w, double[] b, double[,] baseSamples)
        {
            int layers = u.GetLength(0), dim = u.GetLength(1);
            int n = baseSamples.GetLength(0);
            double[] z = new double[dim];
            double total = 0.0;
            for (int s = 0; s < n; s++)
            {
                double logq = 0.0;
                for (int d = 0; d < dim; d++)
                {
                    z[d] = baseSamples[s, d];
                    logq += -0.5 * z[d] * z[d] - 0.5 * Math.Log(2.0 * Math.PI);
                }
                // f(z) = z + u * tanh(w.z + b),  log|det J| = log|1 + h'(w.z + b) u.w|
                for (int k = 0; k < layers; k++)
                {
                    double lin = b[k], uw = 0.0;
                    for (int d = 0; d < dim; d++)
                    {
                        lin += w[k, d] * z[d];
                        uw += u[k, d] * w[k, d];
                    }
                    double act = Math.Tanh(lin);
                    double dAct = 1.0 - act * act;
                    for (int d = 0; d < dim; d++) z[d] += u[k, d] * act;
                    logq -= Math.Log(Math.Abs(1.0 + dAct * uw) + 1e-8);
                }
                total += logq - PlanarFlowReverseKlTargetLogDensity(z);
            }
            return total / n;
        }

        private static double PlanarFlowReverseKlTargetLogDensity(double[] z)
        {
            // unnormalised "banana" density in the first two coordinates, standard normal elsewhere
            double x1 = z[0], x2 = z[1];
            double banana = -0.5 * (x1 * x1 / 4.0) - 0.5 * Math.Pow(x2 - 0.5 * x1 * x1 + 1.0, 2.0);
            double rest = 0.0;
            for (int d = 2; d < z.Length; d++) rest -= 0.5 * z[d] * z[d];
            return banana + rest;
        }

        [Differentiable]
        public static float DiffusionNoisePredictionLoss(float[] weights, float[] bias, float[] timeScale, float[] cleanSample, float[] noise, int timestep, int totalSteps = 1000, bool minSnrWeighting = true)
        {
            int d = cleanSample.Length;
            if (timestep < 0 || timestep > totalSteps) throw new ArgumentOutOfRangeException(nameof(timestep));
            float alphaBar = DiffusionNoisePredictionLossCosineAlphaBar(timestep, totalSteps);
            float sqrtAb = MathF.Sqrt(alphaBar), sqrtOneMinus = MathF.Sqrt(1f - alphaBar);
            float[] noisy = new float[d];
            for (int i = 0; i < d; i++)
                noisy[i] = sqrtAb * cleanSample[i] + sqrtOneMinus * noise[i];

            // tiny linear epsilon-predictor conditioned on t
            float tFrac = (float)timestep / totalSteps;
            float mse = 0f;
            for (int i = 0; i < d; i++)
            {
                float pred = bias[i] + timeScale[i] * tFrac;
                for (int j = 0; j < d; j++) pred += weights[i * d + j] * noisy[j];
                float err = pred - noise[i];
                mse += err * err;
            }
            mse /= d;
            if (!minSnrWeighting) return mse;
            float snr = alphaBar / (1f - alphaBar);
            return MathF.Min(snr, 5f) / snr * mse; // Min-SNR-gamma weighting for epsilon prediction
        }

        private static float DiffusionNoisePredictionLossCosineAlphaBar(int t, int totalSteps)
        {
            const float s = 0.008f;
            float f0 = MathF.Cos(s / (1f + s) * MathF.PI / 2f);
            float ft = MathF.Cos(((float)t / totalSteps + s) / (1f + s) * MathF.PI / 2f);
            return Math.Clamp(ft * ft / (f0 * f0), 1e-5f, 0.9999f);
        }

        [Differentiable]
        public static double GreeksHedgeMismatch(double[] positions, double[] strikes, double[] maturities, bool[] isCall, double spot, double rate, double volatility, double targetDelta, double targetGamma, double targetVega)
        {
            double delta = 0.0, gamma = 0.0, vega = 0.0;
            for (int i = 0; i < positions.Length; i++)
            {
                double t = maturities[i];
                if (t <= 0.0) throw new ArgumentException("Expired option in hedge book.");
                double sqrtT = Math.Sqrt(t);
                double d1 = (Math.Log(spot / strikes[i]) + (rate + 0.5 * volatility * volatility) * t) / (volatility * sqrtT);
                double pdf = Math.Exp(-0.5 * d1 * d1) / Math.Sqrt(2.0 * Math.PI);
                double cdf = GreeksHedgeMismatchNormCdf(d1);
                double optDelta = isCall[i] ? cdf : cdf - 1.0;
                delta += positions[i] * optDelta;
                gamma += positions[i] * pdf / (spot * volatility * sqrtT);
                vega += positions[i] * spot * pdf * sqrtT;
            }
            // scale each Greek so the mismatches are comparable in magnitude
            double eD = delta - targetDelta, eG = (gamma - targetGamma) * spot, eV = (vega - targetVega) / spot;
            double tradingCost = 1e-3 * positions.Sum(p => p * p);
            return eD * eD + eG * eG + eV * eV + tradingCost;
        }

        private static double GreeksHedgeMismatchNormCdf(double x)
        {
            // Abramowitz & Stegun 26.2.17
            double k = 1.0 / (1.0 + 0.2316419 * Math.Abs(x));
            double poly = k * (0.319381530 + k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429))));
            double tail = Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI) * poly;
            return x >= 0 ? 1.0 - tail : tail;
        }

        [Differentiable]
        public static double CreditScorecardLoss(double[] coefficients, double intercept, double[,] features, bool[] defaulted, double[] exposure, double lossGivenDefault = 0.45, double calibrationWeight = 1.0)
        {
            int n = features.GetLength(0), p = features.GetLength(1);
            if (coefficients.Length != p) throw new ArgumentException("Coefficient count must match feature count.");
            if (n == 0) throw new ArgumentException("Empty loan book.");
            double logLoss = 0.0, expectedLoss = 0.0, realizedLoss = 0.0, totalExposure = 0.0;
            for (int i = 0; i < n; i++)
            {
                double score = intercept;
                for (int j = 0; j < p; j++) score += coefficients[j] * features[i, j];
                double pd = 1.0 / (1.0 + Math.Exp(-score));
                pd = Math.Min(Math.Max(pd, 1e-9), 1.0 - 1e-9);
                logLoss -= defaulted[i] ? Math.Log(pd) : Math.Log(1.0 - pd);
                expectedLoss += pd * lossGivenDefault * exposure[i];
                if (defaulted[i]) realizedLoss += lossGivenDefault * exposure[i];
                totalExposure += exposure[i];
            }
            // portfolio-level calibration: expected loss should match realised loss
            double calibrationGap = (expectedLoss - realizedLoss) / totalExposure;
            return logLoss / n + calibrationWeight * calibrationGap * calibrationGap;
        }

        [Differentiable]
        public static double KalmanInnovationNll(double logProcessNoise, double logMeasurementNoise, double[] measurements, double dt = 1.0)
        {
            if (measurements.Length < 2) throw new ArgumentException("Need at least two measurements.");
            double q = Math.Exp(logProcessNoise), r = Math.Exp(logMeasurementNoise);
            // constant-velocity state (position, velocity) with symmetric covariance p00, p01, p11
            double x0 = measurements[0], x1 = 0.0;
            double p00 = r, p01 = 0.0, p11 = 1.0;
            double nll = 0.0;
            int k = 1;
            while (k < measurements.Length)
            {
                // predict (white-noise acceleration model)
                x0 += dt * x1;
                double np00 = p00 + 2.0 * dt * p01 + dt * dt * p11 + q * dt * dt * dt / 3.0;
                double np01 = p01 + dt * p11 + q * dt * dt / 2.0;
                double np11 = p11 + q * dt;
                // update with scalar position measurement
                double innovation = measurements[k] - x0;
                double s = np00 + r;
                double k0 = np00 / s, k1 = np01 / s;
                x0 += k0 * innovation;
                x1 += k1 * innovation;
                p00 = (1.0 - k0) * np00;
                p01 = (1.0 - k0) * np01;
                p11 = np11 - k1 * np01;
                nll += 0.5 * (Math.Log(2.0 * Math.PI * s) + innovation * innovation / s);
                k++;
            }
            return nll;
        }

        [Differentiable]
        public static double CausalSelfAttentionMse(double[,] tokens, double[,] wq, double[,] wk, double[,] wv, double[,] target, bool causal = true)
        {
            int n = tokens.GetLength(0);
            int dk = wq.GetLength(1);
            double[,] q = CausalSelfAttentionMseProject(tokens, wq);
            double[,] k = CausalSelfAttentionMseProject(tokens, wk);
            double[,] v = CausalSelfAttentionMseProject(tokens, wv);
            int dv = v.GetLength(1);
            double scale = 1.0 / Math.Sqrt(dk);
            double[] weights = new double[n];
            double loss = 0.0;
            for (int i = 0; i < n; i++)
            {
                int visible = causal ? i + 1 : n;
                double max = double.NegativeInfinity;
                for (int j = 0; j < visible; j++)
                {
                    double s = 0.0;
                    for (int c = 0; c < dk; c++) s += q[i, c] * k[j, c];
                    weights[j] = s * scale;
                    max = Math.Max(max, weights[j]);
                }
                double z = 0.0;
                for (int j = 0; j < visible; j++)
                {
                    weights[j] = Math.Exp(weights[j] - max);
                    z += weights[j];
                }
                for (int c = 0; c < dv; c++)
                {
                    double o = 0.0;
                    for (int j = 0; j < visible; j++) o += weights[j] / z * v[j, c];
                    double err = o - target[i, c];
                    loss += err * err;
                }
            }
            return loss / (n * dv);
        }

        private static double[,] CausalSelfAttentionMseProject(double[,] x, double[,] w)
        {
            int n = x.GetLength(0), d = x.GetLength(1), m = w.GetLength(1);
            var result = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0.0;
                    for (int t = 0; t < d; t++) s += x[i, t] * w[t, j];
                    result[i, j] = s;
                }
            return result;
        }

        [Differentiable]
        public static float PreNormMlpBlockLoss(float[] x, float[] lnGain, float[] lnBias, float[] w1, float[] b1, float[] w2, float[] b2, float[] target, float eps = 1e-5f)
        {
            int d = x.Length, hidden = b1.Length;
            float mean = 0f;
            foreach (float v in x) mean += v;
            mean /= d;
            float variance = 0f;
            foreach (float v in x) variance += (v - mean) * (v - mean);
            variance /= d;
            float invStd = 1f / MathF.Sqrt(variance + eps);

            float[] normed = new float[d];
            for (int i = 0; i < d; i++) normed[i] = (x[i] - mean) * invStd * lnGain[i] + lnBias[i];

            float[] h = new float[hidden];
            for (int j = 0; j < hidden; j++)
            {
                float s = b1[j];
                for (int i = 0; i < d; i++) s += w1[j * d + i] * normed[i];
                h[j] = PreNormMlpBlockLossGelu(s);
            }
            float loss = 0f;
            for (int i = 0; i < d; i++)
            {
                float y = x[i] + b2[i]; // residual connection
                for (int j = 0; j < hidden; j++) y += w2[i * hidden + j] * h[j];
                loss += (y - target[i]) * (y - target[i]);
            }
            return loss / d;
        }

        private static float PreNormMlpBlockLossGelu(float x)
        {
            const float c = 0.7978845608f; // sqrt(2 / pi)
            return 0.5f * x * (1f + MathF.Tanh(c * (x + 0.044715f * x * x * x)));
        }

        [Differentiable]
        public static double HeatExchangerDesignObjective(double logArea, double overallU, double hotCapacityRate, double coldCapacityRate, double hotInletTemp, double coldInletTemp, double requiredDuty, int arrangement = 0, double areaCostWeight = 1e-4)
        {
            if (hotInletTemp <= coldInletTemp) throw new ArgumentException("Hot stream must enter hotter than the cold stream.");
            double area = Math.Exp(logArea);
            double cMin = Math.Min(hotCapacityRate, coldCapacityRate);
            double cMax = Math.Max(hotCapacityRate, coldCapacityRate);
            double cr = cMin / cMax;
            double ntu = overallU * area / cMin;
            double effectiveness = arrangement switch
            {
                // counterflow
                0 => Math.Abs(1.0 - cr) < 1e-9
                        ? ntu / (1.0 + ntu)
                        : (1.0 - Math.Exp(-ntu * (1.0 - cr))) / (1.0 - cr * Math.Exp(-ntu * (1.0 - cr))),
                // parallel flow
                1 => (1.0 - Math.Exp(-ntu * (1.0 + cr))) / (1.0 + cr),
                // crossflow, both fluids unmixed (approximate correlation)
                2 => 1.0 - Math.Exp(Math.Pow(ntu, 0.22) / cr * (Math.Exp(-cr * Math.Pow(ntu, 0.78)) - 1.0)),
                _ => throw new ArgumentOutOfRangeException(nameof(arrangement)),
            };
            double duty = effectiveness * cMin * (hotInletTemp - coldInletTemp);
            double shortfall = (duty - requiredDuty) / requiredDuty;
            return shortfall * shortfall + areaCostWeight * area;
        }

        [Differentiable]
        public static double GaussianMixtureNll(double[] mixLogits, double[] means, double[] logStds, double[] data)
        {
            int k = mixLogits.Length;
            if (means.Length != k || logStds.Length != k)
                throw new ArgumentException("All component arrays must have the same length.");
            double maxLogit = mixLogits.Max();
            double logNorm = maxLogit + Math.Log(mixLogits.Sum(l => Math.Exp(l - maxLogit)));

            double ComponentLogPdf(double x, int c)
            {
                double z = (x - means[c]) * Math.Exp(-logStds[c]);
                return -0.5 * z * z - logStds[c] - 0.5 * Math.Log(2.0 * Math.PI);
            }

            double[] terms = new double[k];
            double nll = 0.0;
            foreach (double x in data)
            {
                for (int c = 0; c < k; c++)
                    terms[c] = mixLogits[c] - logNorm + ComponentLogPdf(x, c);
                double m = terms.Max();
                nll -= m + Math.Log(terms.Sum(t => Math.Exp(t - m)));
            }
            return nll / data.Length;
        }

        [Differentiable]
        public static double PortfolioSmoothedCvar(double[] weightLogits, double valueAtRisk, double[,] scenarioReturns, double confidence = 0.95, double riskAversion = 1.0, double smoothing = 0.01)
        {
            int scenarios = scenarioReturns.GetLength(0), assets = scenarioReturns.GetLength(1);
            if (weightLogits.Length != assets) throw new ArgumentException("One logit per asset is required.");
            // long-only, fully invested weights via softmax
            double[] weights = new double[assets];
            double maxLogit = weightLogits.Max();
            double z = 0.0;
            for (int a = 0; a < assets; a++) { weights[a] = Math.Exp(weightLogits[a] - maxLogit); z += weights[a]; }
            for (int a = 0; a < assets; a++) weights[a] /= z;

            double meanReturn = 0.0, tailSum = 0.0;
            for (int s = 0; s < scenarios; s++)
            {
                double portfolioReturn = 0.0;
                for (int a = 0; a < assets; a++) portfolioReturn += weights[a] * scenarioReturns[s, a];
                meanReturn += portfolioReturn;
                tailSum += PortfolioSmoothedCvarSoftplus(-portfolioReturn - valueAtRisk, smoothing);
            }
            meanReturn /= scenarios;
            // Rockafellar-Uryasev CVaR with a softplus in place of max(0, .)
            double cvar = valueAtRisk + tailSum / ((1.0 - confidence) * scenarios);
            return -meanReturn + riskAversion * cvar;
        }

        private static double PortfolioSmoothedCvarSoftplus(double x, double temperature)
        {
            double t = x / temperature;
            return t > 30.0 ? x : temperature * Math.Log(1.0 + Math.Exp(t));
        }

        [Differentiable]
        public static double MultiImpulseTransferDeltaV(double[] intermediateRadii, double initialRadius, double finalRadius, double mu = 398600.4418, double minRadius = 6578.0)
        {
            (double burn1, double burn2) HohmannLeg(double r1, double r2)
            {
                double aTransfer = 0.5 * (r1 + r2);
                double v1 = Math.Sqrt(mu / r1), v2 = Math.Sqrt(mu / r2);
                double vPeri = Math.Sqrt(mu * (2.0 / r1 - 1.0 / aTransfer));
                double vApo = Math.Sqrt(mu * (2.0 / r2 - 1.0 / aTransfer));
                return (Math.Abs(vPeri - v1), Math.Abs(v2 - vApo));
            }

            var radii = new List<double> { initialRadius };
            radii.AddRange(intermediateRadii);
            radii.Add(finalRadius);

            double totalDeltaV = 0.0, penalty = 0.0;
            for (int i = 0; i + 1 < radii.Count; i++)
            {
                var (b1, b2) = HohmannLeg(radii[i], radii[i + 1]);
                totalDeltaV += b1 + b2;
                // keep intermediate parking orbits above the atmosphere
                double violation = minRadius - radii[i + 1];
                if (violation > 0.0) penalty += 1e-3 * violation * violation;
            }
            return totalDeltaV + penalty;
        }


        /// <summary>Rejected as written last round (the message reads the string mode); accepted since the mode became a throw-only input.</summary>
        [Differentiable]
        public static double BeamTotalPotentialEnergy(double[] deflection, double[] flexuralRigidity, double[] distributedLoad, double length, string support = "pinned")
        {
            int interior = deflection.Length;
            int nodes = interior + 2;
            if (flexuralRigidity.Length != nodes) throw new ArgumentException("EI is required at every node.");
            double h = length / (nodes - 1);
            double[] w = new double[nodes + 2]; // one ghost node beyond each support
            for (int i = 0; i < interior; i++) w[i + 2] = deflection[i];
            switch (support)
            {
                case "pinned":  // w = 0, w'' = 0 -> antisymmetric ghost
                    w[0] = -w[2];
                    w[nodes + 1] = -w[nodes - 1];
                    break;
                case "clamped": // w = 0, w' = 0 -> symmetric ghost
                    w[0] = w[2];
                    w[nodes + 1] = w[nodes - 1];
                    break;
                default:
                    throw new ArgumentException($"Unknown support type '{support}'.", nameof(support));
            }

            double energy = 0.0;
            for (int i = 1; i <= nodes; i++)
            {
                double curvature = (w[i - 1] - 2.0 * w[i] + w[i + 1]) / (h * h);
                double weight = (i == 1 || i == nodes) ? 0.5 : 1.0; // trapezoidal rule
                energy += weight * 0.5 * flexuralRigidity[i - 1] * curvature * curvature * h;
            }
            // work done by the distributed load
            for (int i = 0; i < interior; i++)
                energy -= distributedLoad[i] * deflection[i] * h;
            return energy;
        }
    }
}
