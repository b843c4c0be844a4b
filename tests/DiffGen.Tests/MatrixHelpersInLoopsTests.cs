using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Helpers returning new matrices inside loops (<see cref="MatrixHelpersInLoops"/>): every function against central differences
    /// of the user's code, Forward against the user's value, seeds, inputs left alone (MethodOracle).
    /// </summary>
    public class MatrixHelpersInLoopsTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(MatrixHelpersInLoops), name, args);

        [Fact]
        public void Kalman_filter_as_written()
        {
            var r = new Random(4801);
            var obs = new double[12];
            for (int t = 0; t < obs.Length; t++) obs[t] = 0.3 * t + 0.2 * TestData.Normal(r);
            Check(nameof(MatrixHelpersInLoops.KalmanNll), obs, 0.05, 0.2, 0.5);
        }

        [Fact]
        public void Matrix_powers_through_a_helper()
        {
            var r = new Random(4802);
            Check(nameof(MatrixHelpersInLoops.PowerSum), TestData.Matrix(r, 3, 3, 0.5), TestData.Matrix(r, 3, 3), 4);
        }
    
        [Fact]
        public void Weight_decay_by_foreach_over_each_layers_matrix()
        {
            var r = new Random(4803);
            var m = new DecayMlp();
            m.Add(new DecayDense(TestData.Matrix(r, 5, 3, 0.6), TestData.Vector(r, 5, 0.2), true));
            m.Add(new DecayDense(TestData.Matrix(r, 2, 5, 0.6), TestData.Vector(r, 2, 0.2), false));
            var x = TestData.Vector(r, 3);
            var t = TestData.Vector(r, 2);
            double value = m.Loss(x, t);
            DiffGen.Tests.Check.Forward(value, m.LossForward(x, t), "Forward");
            var gx = TestData.Garbage(x);
            var gw = m.Layers.Select(l => TestData.Garbage(l.Weights)).ToArray();
            var gb = m.Layers.Select(l => TestData.Garbage(l.Bias)).ToArray();
            DiffGen.Tests.Check.Forward(value, m.LossBackward(x, t, gx, gw, gb), "Backward value");
            double L() => m.Loss(x, t);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, x), gx, "dinput");
            for (int l = 0; l < 2; l++)
            {
                DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, m.Layers[l].Weights), gw[l], $"d_layers[{l}].Weights");
                DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, m.Layers[l].Bias), gb[l], $"d_layers[{l}].Bias");
            }
        }
    }
}
