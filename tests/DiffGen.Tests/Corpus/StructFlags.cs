using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>An array of structs with a bool field (round 16's probe: a replay buffer's 'terminal' flag), data held as 0/1.</summary>
    public static partial class StructFlags
    {
        public struct Transition
        {
            public int State;
            public int Action;
            public double Reward;
            public int NextState;
            public bool Terminal;
        }

        /// <summary>Double-DQN target MSE over a batch of transitions: argmax by the online table, value by the target table.</summary>
        [Differentiable]
        public static double DqnTargetMse(double[,] qOnline, double[,] qTarget, Transition[] batch, double gamma)
        {
            if (batch.Length == 0) throw new ArgumentException("empty batch");
            int nActions = qOnline.GetLength(1);
            double sum = 0.0;
            foreach (var tr in batch)
            {
                int best = 0;
                for (int a = 1; a < nActions; a++)
                    if (qOnline[tr.NextState, a] > qOnline[tr.NextState, best]) best = a;
                double target = tr.Reward;
                if (!tr.Terminal)
                    target += gamma * qTarget[tr.NextState, best];
                double diff = qOnline[tr.State, tr.Action] - target;
                sum += diff * diff;
            }
            return sum / batch.Length;
        }
    }
}
