using System;
using System.Collections.Generic;

namespace DiffGen.Tests.Corpus
{
    // Arrays and lists of layer objects (Parse/ObjectArrays.cs; issue 10, the most frequent refusal of the object-oriented
    // probe batches): a model holding List<Dense> or Block[] and looping over it, each element's members one input holding
    // that member of every element (a stack of matrices, rows, values), gradients in the same layout.

    /// <summary>A dense layer with a flag choosing its activation (a bool member of each element).</summary>
    public sealed class ObjDense
    {
        public double[,] W = new double[0, 0];
        public double[] B = Array.Empty<double>();
        public bool Tanh;

        public double[] Forward(double[] x)
        {
            var y = new double[W.GetLength(0)];
            for (int o = 0; o < y.Length; o++)
            {
                double s = B[o];
                for (int i = 0; i < x.Length; i++) s += W[o, i] * x[i];
                y[o] = Tanh ? Math.Tanh(s) : s;
            }
            return y;
        }
    }

    /// <summary>An MLP as a list of layers, looped with foreach: <c>h = layer.Forward(h)</c>, widths changing per layer.</summary>
    public partial class ObjMlp
    {
        public List<ObjDense> Layers = new();

        [Differentiable(nameof(Layers))]
        public double Loss(double[] x, double[] target)
        {
            double[] h = x;
            foreach (var layer in Layers) h = layer.Forward(h);
            double loss = 0;
            for (int i = 0; i < h.Length; i++) loss += (h[i] - target[i]) * (h[i] - target[i]);
            return 0.5 * loss;
        }
    }

    public sealed class ObjLinear
    {
        public double[,] W = new double[0, 0];
        public double[] B = Array.Empty<double>();

        public double[] Apply(double[] x)
        {
            var y = new double[B.Length];
            for (int o = 0; o < y.Length; o++)
            {
                double s = B[o];
                for (int i = 0; i < x.Length; i++) s += W[o, i] * x[i];
                y[o] = s;
            }
            return y;
        }
    }

    /// <summary>A residual block holding two layer objects and a scalar gain (members of members of each element).</summary>
    public sealed class ObjBlock
    {
        public ObjLinear Fc1 = new(), Fc2 = new();
        public double Gamma = 0.5;

        private static double Leaky(double v) => v > 0 ? v : 0.1 * v;

        public double[] Forward(double[] x)
        {
            var h = Fc1.Apply(x);
            for (int i = 0; i < h.Length; i++) h[i] = Leaky(h[i]);
            var y = Fc2.Apply(h);
            var o = new double[x.Length];
            for (int i = 0; i < x.Length; i++) o[i] = x[i] + Gamma * y[i];
            return o;
        }
    }

    /// <summary>A per-feature affine map held in a struct (an array of structs with an array member).</summary>
    public struct ObjScale
    {
        public double[] S;
        public double Bias;
    }

    /// <summary>
    /// A residual network: an array of blocks indexed in a for loop (<c>Blocks[b].Forward(h)</c>), then an array of structs named
    /// one element at a time (<c>var sc = Scales[k];</c>); the blocks whole and one member of the scales differentiated, and x.
    /// </summary>
    public partial class ObjResNet
    {
        public ObjBlock[] Blocks = Array.Empty<ObjBlock>();
        public ObjScale[] Scales = Array.Empty<ObjScale>();

        [Differentiable(nameof(x), nameof(Blocks), "Scales.S")]
        public double Loss(double[] x, double[] t)
        {
            var h = x;
            for (int b = 0; b < Blocks.Length; b++) h = Blocks[b].Forward(h);
            var z = new double[h.Length];
            for (int i = 0; i < h.Length; i++) z[i] = h[i];
            for (int k = 0; k < Scales.Length; k++)
            {
                var sc = Scales[k];
                for (int i = 0; i < z.Length; i++) z[i] = z[i] * sc.S[i] + sc.Bias;
            }
            double l = 0;
            foreach (var v in z) l += v * v;
            for (int i = 0; i < t.Length; i++) l -= t[i] * z[i];
            return l;
        }
    }

    public sealed class ObjDenseF
    {
        public float[,] W = new float[0, 0];
        public float[] B = Array.Empty<float>();
    }

    public sealed class ObjEncoderF
    {
        public List<ObjDenseF> Layers = new();
    }

    /// <summary>
    /// Float: a list held by a layer object (<c>Enc.Layers</c>), each layer named (<c>var layer = Enc.Layers[l];</c>) and read
    /// directly (<c>layer.W[o, i]</c>, <c>layer.W.GetLength(1)</c>), paths through both named in the attribute.
    /// </summary>
    public partial class ObjNetF
    {
        public ObjEncoderF Enc = new();

        [Differentiable("Enc.Layers.W", "Enc.Layers.B")]
        public float Loss(float[] x)
        {
            float[] a = x;
            for (int l = 0; l < Enc.Layers.Count; l++)
            {
                var layer = Enc.Layers[l];
                var z = new float[layer.W.GetLength(0)];
                for (int o = 0; o < z.Length; o++)
                {
                    float s = layer.B[o];
                    for (int i = 0; i < layer.W.GetLength(1); i++) s += layer.W[o, i] * a[i];
                    z[o] = MathF.Tanh(s);
                }
                a = z;
            }
            float sum = 0;
            for (int i = 0; i < a.Length; i++) sum += a[i] * a[i];
            return sum;
        }
    }

    /// <summary>An expert of a mixture: a weight vector and a temperature (a scalar member differentiated per element).</summary>
    public sealed class ObjExpert
    {
        public double[] W = Array.Empty<double>();
        public double Temperature = 1.0;

        public double Score(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += W[i] * x[i];
            return s / Temperature;
        }
    }

    /// <summary>
    /// A soft mixture over experts held in a read-only list property, named once as a local (<c>var experts = Experts;</c>), its
    /// count read for a scratch array: log-sum-exp of the experts' scores, with the members named as paths.
    /// </summary>
    public partial class ObjMixture
    {
        public IReadOnlyList<ObjExpert> Experts { get; set; } = Array.Empty<ObjExpert>();

        [Differentiable("Experts.W", "Experts.Temperature")]
        public double LogPartition(double[] x)
        {
            var experts = Experts;
            var scores = new double[experts.Count];
            double max = double.NegativeInfinity;
            for (int e = 0; e < experts.Count; e++)
            {
                scores[e] = experts[e].Score(x);
                if (scores[e] > max) max = scores[e];
            }
            double z = 0;
            foreach (var s in scores) z += Math.Exp(s - max);
            return max + Math.Log(z);
        }
    }

    /// <summary>A layer of a sequential model: the classes below are every class of the compilation implementing it.</summary>
    public interface IObjLayer
    {
        double[] Forward(double[] x);
    }

    public sealed class ObjSeqLinear : IObjLayer
    {
        public double[,] W = new double[0, 0];
        public double[] B = Array.Empty<double>();

        public double[] Forward(double[] x)
        {
            var y = new double[B.Length];
            for (int o = 0; o < y.Length; o++)
            {
                double s = B[o];
                for (int i = 0; i < x.Length; i++) s += W[o, i] * x[i];
                y[o] = s;
            }
            return y;
        }
    }

    public sealed class ObjSeqTanh : IObjLayer
    {
        public double[] Forward(double[] x)
        {
            var y = new double[x.Length];
            for (int i = 0; i < x.Length; i++) y[i] = Math.Tanh(x[i]);
            return y;
        }
    }

    public sealed class ObjSeqScale : IObjLayer
    {
        public double Gain = 1.0;

        public double[] Forward(double[] x)
        {
            var y = new double[x.Length];
            for (int i = 0; i < x.Length; i++) y[i] = Gain * x[i];
            return y;
        }
    }

    /// <summary>
    /// A sequential model over an interface (<c>List&lt;IObjLayer&gt;</c>, PyTorch's nn.Sequential): each element's class picks the
    /// Forward it runs, a method returning an array of its own length (the statement is lowered once per class); the whole list
    /// named, so each class's own members get gradients (<c>Layers_ObjSeqLinear_W</c>, one array per element).
    /// </summary>
    public partial class ObjSequential
    {
        public List<IObjLayer> Layers = new();

        [Differentiable(nameof(x), nameof(Layers))]
        public double Loss(double[] x, double[] target)
        {
            var h = x;
            foreach (var layer in Layers) h = layer.Forward(h);
            double loss = 0;
            for (int i = 0; i < h.Length; i++) loss += (h[i] - target[i]) * (h[i] - target[i]);
            return loss;
        }
    }

    /// <summary>Heads of an ensemble: the weights in the abstract base, a scale only one subclass has.</summary>
    public abstract class ObjHeadBase
    {
        public double[] W = Array.Empty<double>();
        public abstract double Score(double[] h);
    }

    public sealed class ObjDotHead : ObjHeadBase
    {
        public override double Score(double[] h)
        {
            double s = 0;
            for (int i = 0; i < h.Length; i++) s += W[i] * h[i];
            return s;
        }
    }

    public sealed class ObjSquareHead : ObjHeadBase
    {
        public double Scale = 0.5;

        public override double Score(double[] h)
        {
            double s = 0;
            for (int i = 0; i < h.Length; i++) s += W[i] * h[i];
            return Scale * s * s;
        }
    }

    /// <summary>
    /// An ensemble over an array of abstract heads, each scored through a static helper given the head (<c>Score(head, h)</c>):
    /// a scalar result, a switch per element; the base's W one gradient for every class, the square heads' Scale its own.
    /// </summary>
    public partial class ObjEnsemble
    {
        public ObjHeadBase[] Heads = Array.Empty<ObjHeadBase>();

        [Differentiable(nameof(Heads))]
        public double Mean(double[] h)
        {
            double s = 0;
            foreach (var head in Heads) s += Score(head, h);
            return s / Heads.Length;
        }

        private static double Score(ObjHeadBase head, double[] h) => head.Score(h);
    }

    /// <summary>A layer whose virtual Forward returns a new array; <see cref="ObjDoubledLayer"/> overrides it (probe batch 44's F12).</summary>
    public class ObjVirtualLayer
    {
        public double[] W = Array.Empty<double>();

        public virtual double[] Forward(double[] x)
        {
            var y = new double[W.Length];
            for (int i = 0; i < W.Length; i++) y[i] = W[i] * x[i];
            return y;
        }
    }

    public sealed class ObjDoubledLayer : ObjVirtualLayer
    {
        public override double[] Forward(double[] x)
        {
            var y = new double[W.Length + 1];
            for (int i = 0; i < W.Length; i++) y[i] = 2 * W[i] * x[i];
            y[W.Length] = W[0];
            return y;
        }
    }

    /// <summary>
    /// A local declared from a call the field's class chooses, each class's array of its own length (<c>var z = L.Forward(x);</c>):
    /// a copy of the one the object's class returns. Refused with a DIFF0013 about the local until the twenty-fourth session.
    /// </summary>
    public partial class ObjVirtualModel
    {
        public ObjVirtualLayer L = new();

        [Differentiable("L.W", nameof(x))]
        public double Loss(double[] x)
        {
            var z = L.Forward(x);
            double s = 0;
            for (int i = 0; i < z.Length; i++) s += z[i] * z[i];
            return s;
        }
    }

    /// <summary>Hyper-parameters in a positional record.</summary>
    public record ObjTrainConfig(double Temperature, double WeightDecay, int NumClasses);

    /// <summary>
    /// Probe batch 44's F15 as written: the record deconstructed into locals (<c>var (temperature, wd, classes) = Config;</c>),
    /// its properties in order; the temperature differentiated through the path.
    /// </summary>
    public partial class ObjSoftmaxClassifier
    {
        public ObjTrainConfig Config = new(1.5, 1e-2, 3);
        public double[] W = Array.Empty<double>();

        [Differentiable(nameof(W), "Config.Temperature")]
        public double Loss(double[] x, int label)
        {
            var (temperature, wd, classes) = Config;
            int d = x.Length;
            var logits = new double[classes];
            for (int c = 0; c < classes; c++)
            {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += W[c * d + i] * x[i];
                logits[c] = dot / temperature;
            }
            double max = double.NegativeInfinity;
            foreach (var l in logits) max = Math.Max(max, l);
            double lse = 0;
            foreach (var l in logits) lse += Math.Exp(l - max);
            double reg = 0;
            foreach (var w in W) reg += w * w;
            return max + Math.Log(lse) - logits[label] + 0.5 * wd * reg;
        }
    }

    /// <summary>Layers passed in as a parameter of a static loss (a read-only list), named whole with the input.</summary>
    public static partial class ObjLayerLosses
    {
        [Differentiable(nameof(layers), nameof(x))]
        public static double Loss(IReadOnlyList<ObjDense> layers, double[] x, double[] y)
        {
            var h = x;
            foreach (var layer in layers) h = layer.Forward(h);
            double s = 0;
            for (int i = 0; i < h.Length; i++) s += (h[i] - y[i]) * (h[i] - y[i]);
            return s;
        }
    }
}
