using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "lstm" (evals/lstm/README.md, ADBench's LSTM with diagonal weights), formula by
    /// formula as the C++ reference (cpp/gradbench/evals/lstm.hpp), including its two quirks: the input
    /// gate and the change term read the layer's previous hidden state instead of its input, and the
    /// log-sum-exp adds 2 to the sum of exponentials.
    /// <list type="bullet">
    /// <item>main_params, 2l x 4b: row 2i holds layer i's forget, input, output and change weights (b
    /// each), row 2i+1 the same biases.</item>
    /// <item>extra_params, 3 x b: input weight, output weight, output bias.</item>
    /// <item>state, 2l x b: hidden then cell per layer; copied, the input is not modified.</item>
    /// <item>sequence, c x b: the characters' bits. The loss is the mean negative log-likelihood of the
    /// next character's bits over the c - 1 predictions.</item>
    /// </list>
    /// <c>jacobian</c> is the generated <c>LossBackward</c>: the gradient with respect to main_params and
    /// extra_params, flattened row by row and concatenated.
    /// </summary>
    public static partial class Lstm
    {
        [Differentiable]
        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        /// <param name="l">Layers.</param>
        /// <param name="c">Characters (at least 2).</param>
        /// <param name="b">Bits per character, the hidden size.</param>
        [Differentiable(nameof(mainParams), nameof(extraParams))]
        public static double Loss(int l, int c, int b, double[,] mainParams, double[,] extraParams,
            double[,] state, double[,] sequence)
        {
            double[,] s = new double[2 * l, b];
            double[] x = new double[b];
            double[] ypred = new double[b];
            double total = 0;
            for (int r = 0; r < 2 * l; r++)
            {
                for (int i = 0; i < b; i++)
                {
                    s[r, i] = state[r, i];
                }
            }
            for (int t = 0; t < c - 1; t++)
            {
                // The input of the first layer.
                for (int i = 0; i < b; i++)
                {
                    x[i] = sequence[t, i] * extraParams[0, i];
                }
                for (int layer = 0; layer < l; layer++)
                {
                    int w = 2 * layer;
                    for (int i = 0; i < b; i++)
                    {
                        double forget = Sigmoid(x[i] * mainParams[w, i] + mainParams[w + 1, i]);
                        double ingate = Sigmoid(s[w, i] * mainParams[w, b + i] + mainParams[w + 1, b + i]);
                        double outgate = Sigmoid(x[i] * mainParams[w, 2 * b + i] + mainParams[w + 1, 2 * b + i]);
                        double change = Math.Tanh(s[w, i] * mainParams[w, 3 * b + i] + mainParams[w + 1, 3 * b + i]);
                        s[w + 1, i] = s[w + 1, i] * forget + ingate * change;
                        s[w, i] = outgate * Math.Tanh(s[w + 1, i]);
                    }
                    // The next layer's input is this layer's new hidden state.
                    for (int i = 0; i < b; i++)
                    {
                        x[i] = s[w, i];
                    }
                }
                for (int i = 0; i < b; i++)
                {
                    ypred[i] = x[i] * extraParams[1, i] + extraParams[2, i];
                }
                double sum = 0;
                for (int i = 0; i < b; i++)
                {
                    sum += Math.Exp(ypred[i]);
                }
                double lse = Math.Log(sum + 2);
                for (int i = 0; i < b; i++)
                {
                    total += sequence[t + 1, i] * (ypred[i] - lse);
                }
            }
            return -total / ((c - 1) * b);
        }
    }
}
