using System;

namespace DiffGen.Samples.SimClr
{
    /// <summary>Accuracy of a linear probe on one kind of features.</summary>
    public sealed record ProbeResult(string Name, int Dimensions, double TrainAccuracy, double TestAccuracy, float FinalLoss);

    /// <summary>
    /// The linear evaluation protocol of SimCLR: freeze the features, standardise them with the training split's
    /// statistics, fit multinomial logistic regression (<see cref="Model.ProbeLoss"/>, its gradient from the generated
    /// ProbeLossBackward) with full-batch Adam, and report the accuracy on the held-out split.
    /// </summary>
    public sealed class LinearProbe
    {
        /// <summary>Full-batch Adam iterations.</summary>
        public int Iterations { get; init; } = 300;

        /// <summary>Adam's learning rate.</summary>
        public float LearningRate { get; init; } = 0.05f;

        /// <summary>L2 penalty on the weights (inside the loss).</summary>
        public float Lambda { get; init; } = 1e-3f;

        /// <summary>Fits on (trainX, trainY) and scores on both splits.</summary>
        public ProbeResult Fit(string name, float[,] trainX, int[] trainY, float[,] testX, int[] testY)
        {
            ArgumentNullException.ThrowIfNull(trainX);
            ArgumentNullException.ThrowIfNull(testX);
            int f = trainX.GetLength(1);
            if (testX.GetLength(1) != f) throw new ArgumentException("same feature count on both splits", nameof(testX));
            var (mean, scale) = Moments(trainX);
            float[,] xs = Standardize(trainX, mean, scale);
            float[,] xt = Standardize(testX, mean, scale);

            var w = new float[f, Digits.Classes];
            var b = new float[Digits.Classes];
            var wGrad = new float[f, Digits.Classes];
            var bGrad = new float[Digits.Classes];
            var wm = new float[f, Digits.Classes];
            var wv = new float[f, Digits.Classes];
            var bm = new float[Digits.Classes];
            var bv = new float[Digits.Classes];
            var adam = new AdamSettings(LearningRate, WeightDecay: 0f);
            float loss = float.NaN;
            for (int t = 1; t <= Iterations; t++)
            {
                loss = Model.ProbeLossBackward(xs, w, b, trainY, Lambda, wGrad, bGrad);
                var (c1, c2) = adam.Corrections(t);
                Model.AdamMatrix(w, wGrad, wm, wv, adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, 0f, c1, c2);
                Model.AdamVector(b, bGrad, bm, bv, adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, c1, c2);
            }
            return new ProbeResult(name, f, Accuracy(xs, trainY, w, b), Accuracy(xt, testY, w, b), loss);
        }

        /// <summary>Fraction of rows whose largest logit x w + b is the label.</summary>
        public static double Accuracy(float[,] x, int[] y, float[,] w, float[] b)
        {
            int n = x.GetLength(0), f = x.GetLength(1), c = w.GetLength(1);
            int correct = 0;
            var logits = new float[c];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++)
                {
                    float s = b[j];
                    for (int k = 0; k < f; k++) s += x[i, k] * w[k, j];
                    logits[j] = s;
                }
                int best = 0;
                for (int j = 1; j < c; j++) if (logits[j] > logits[best]) best = j;
                if (best == y[i]) correct++;
            }
            return n == 0 ? 0 : (double)correct / n;
        }

        private static (float[] Mean, float[] Scale) Moments(float[,] x)
        {
            int n = x.GetLength(0), f = x.GetLength(1);
            var mean = new float[f];
            var scale = new float[f];
            for (int k = 0; k < f; k++)
            {
                double s = 0, s2 = 0;
                for (int i = 0; i < n; i++) { s += x[i, k]; s2 += (double)x[i, k] * x[i, k]; }
                double m = s / n;
                double sd = Math.Sqrt(Math.Max(0, s2 / n - m * m));
                mean[k] = (float)m;
                scale[k] = sd > 1e-6 ? (float)(1 / sd) : 0f; // a constant (dead) feature carries nothing
            }
            return (mean, scale);
        }

        private static float[,] Standardize(float[,] x, float[] mean, float[] scale)
        {
            int n = x.GetLength(0), f = x.GetLength(1);
            var r = new float[n, f];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < f; k++) r[i, k] = (x[i, k] - mean[k]) * scale[k];
            return r;
        }
    }
}
