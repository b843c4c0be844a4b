using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Layers that update state held in array fields while they compute a loss (issue 10: batch 26's batch norm in training mode):
    /// running statistics written element by element. The method updates them once per call, Forward and Backward too; no
    /// derivative flows from their new values (ArgKind.State).
    /// </summary>
    public partial class BatchNormLayer
    {
        public double[] Gamma;
        public double[] Beta;
        public double[] RunningMean;
        public double[] RunningVar;
        public double Momentum = 0.1;
        public double Eps = 1e-5;

        public BatchNormLayer(int features)
        {
            Gamma = new double[features];
            Beta = new double[features];
            RunningMean = new double[features];
            RunningVar = new double[features];
            for (int f = 0; f < features; f++) { Gamma[f] = 1; RunningVar[f] = 1; }
        }

        /// <summary>Training-mode batch norm then a squared error: batch statistics normalise, running statistics are updated.</summary>
        [Differentiable(nameof(Gamma), nameof(Beta))]
        public double TrainLoss(double[,] x, double[,] target)
        {
            int n = x.GetLength(0), features = x.GetLength(1);
            double loss = 0;
            for (int f = 0; f < features; f++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[i, f];
                mean /= n;
                double variance = 0;
                for (int i = 0; i < n; i++) variance += (x[i, f] - mean) * (x[i, f] - mean);
                variance /= n;
                RunningMean[f] = (1 - Momentum) * RunningMean[f] + Momentum * mean;
                RunningVar[f] = (1 - Momentum) * RunningVar[f] + Momentum * variance * n / (n - 1);
                double inv = 1.0 / Math.Sqrt(variance + Eps);
                for (int i = 0; i < n; i++)
                {
                    double y = Gamma[f] * (x[i, f] - mean) * inv + Beta[f];
                    loss += (y - target[i, f]) * (y - target[i, f]);
                }
            }
            return loss / n;
        }

        /// <summary>
        /// The statistics are updated first and then read: the loss depends on the running mean's new value (and so on the entry
        /// value and on x), which Backward must differentiate through although no derivative flows from the field itself.
        /// </summary>
        [Differentiable]
        public double UpdateThenRead(double[] x)
        {
            double loss = 0;
            for (int f = 0; f < x.Length; f++)
            {
                this.RunningMean[f] = (1 - Momentum) * this.RunningMean[f] + Momentum * x[f];
                loss += Gamma[f] * RunningMean[f] * RunningMean[f];
            }
            return loss;
        }
    }

    /// <summary>A static table of counts updated as a side effect (a histogram of what a loss saw), written through a helper.</summary>
    public static partial class StateFields
    {
        public static double[] Seen = new double[4];

        private static void Record(int bin, double weight) => Seen[bin] += weight;

        [Differentiable]
        public static double WeightedHuber(double[] r, double delta)
        {
            double s = 0;
            for (int i = 0; i < r.Length; i++)
            {
                double a = Math.Abs(r[i]);
                Record(i % 4, 1.0);
                s += a <= delta ? 0.5 * r[i] * r[i] : delta * (a - 0.5 * delta);
            }
            return s;
        }
    }
}
