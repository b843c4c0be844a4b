using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>A dense layer as ML code writes it: weights in fields, an output size computed from them, an Apply method.</summary>
    public sealed class WholeDense
    {
        public WholeDense(double[,] w, double[] b) { W = w; B = b; }

        public double[,] W;
        public double[] B;
        public int OutSize => B.Length;

        public double[] Apply(double[] x, bool relu)
        {
            var y = new double[OutSize];
            for (int i = 0; i < OutSize; i++)
            {
                double s = B[i];
                for (int j = 0; j < x.Length; j++) s += W[i, j] * x[j];
                y[i] = relu ? Math.Max(0.0, s) : s;
            }
            return y;
        }
    }

    /// <summary>A gate held by value: an array, a scalar, and a computed property (not state, so never differentiated).</summary>
    public struct WholeGate
    {
        public double[] W;
        public double Bias;
        public double Doubled => 2 * Bias;
    }

    /// <summary>An encoder of layer objects: a layer, a gate, a float/double scalar, an int, and a private field nobody reads.</summary>
    public sealed class WholeEncoder
    {
        public WholeDense Fc = null!;
        public WholeGate Gate;
        public double Temperature = 1;
        public int Steps = 1;
        private readonly double[] _cache = new double[1];
        public double CacheLength => _cache.Length;
    }

    /// <summary>Options without a float or double member: naming them is DIFF0008 (see the diagnostics tests).</summary>
    public sealed class WholeOptions
    {
        public int Heads = 2;
        public bool Causal;
    }

    /// <summary>
    /// Probe batch 30's TwoLayerNet as written: the gradient is asked for the layer objects by name,
    /// <c>[Differentiable(nameof(First), nameof(Second))]</c>; each stands for its float/double fields ("First.W", "First.B").
    /// </summary>
    public sealed partial class WholeTwoLayerNet
    {
        public WholeTwoLayerNet(WholeDense first, WholeDense second) { First = first; Second = second; }

        public WholeDense First;
        public WholeDense Second;

        [Differentiable(nameof(First), nameof(Second))]
        public double Loss(double[] x, double[] target)
        {
            var hidden = First.Apply(x, relu: true);
            var output = Second.Apply(hidden, relu: false);
            double loss = 0;
            for (int i = 0; i < output.Length; i++)
            {
                double d = output[i] - target[i];
                loss += d * d;
            }
            return loss / output.Length;
        }
    }

    /// <summary>A model holding an encoder that holds a layer and a gate: <c>nameof(Enc)</c> reaches every float/double member inside.</summary>
    public sealed partial class WholeNested
    {
        public WholeEncoder Enc = null!;

        [Differentiable(nameof(Enc))]
        public double Score(double[] x)
        {
            var h = Enc.Fc.Apply(x, relu: false);
            double s = Enc.Gate.Bias + 0.1 * Enc.Gate.Doubled;
            for (int i = 0; i < h.Length; i++) s += Enc.Gate.W[i] * Math.Tanh(h[i]) / Enc.Temperature;
            return s * s;
        }
    }

    /// <summary>Layer objects passed as parameters, named whole: a class (<c>nameof(layer)</c>) and a struct (<c>nameof(gate)</c>).</summary>
    public static partial class WholeParams
    {
        [Differentiable(nameof(layer), nameof(x))]
        public static double Energy(WholeDense layer, WholeGate gate, double[] x)
        {
            var y = layer.Apply(x, relu: true);
            double e = gate.Bias;
            for (int i = 0; i < y.Length; i++) e += gate.W[i] * y[i] * y[i];
            return e;
        }

        [Differentiable(nameof(gate))]
        public static double GateOnly(WholeGate gate, double[] x)
        {
            double e = 0;
            for (int i = 0; i < x.Length; i++) e += gate.W[i] * x[i] + gate.Bias;
            return e * e;
        }
    }

    /// <summary>
    /// Computed float/double properties of this type, an instance one and a static one, read where the differentiated fields
    /// they are computed from are named: their getters are inlined, so the derivative through Bias, W[0] and Gain is kept (it was
    /// read once at entry as a constant before, and lost).
    /// </summary>
    public sealed partial class WholeScaled
    {
        public double Bias = 0.4;
        public double[] W = { 0.3, -0.2, 0.5 };
        public static double Gain = 0.8;
        public double Scale => 2 * Bias + W[0];
        public static double GainSquared { get { return Gain * Gain; } }

        [Differentiable(nameof(Bias), nameof(W), nameof(Gain))]
        public double Energy(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Scale * W[i] * x[i] * GainSquared;
            return s * s;
        }
    }
}
