using System;
using System.Collections.Generic;

namespace DiffGen.Samples.SimClr
{
    /// <summary>Sizes of the network: 64 pixels → Hidden → Features (the representation h) → ProjectionHidden → Projection (z).</summary>
    public sealed record Architecture(int Hidden, int Features, int ProjectionHidden, int Projection)
    {
        /// <summary>The default network.</summary>
        public static Architecture Default { get; } = new(Hidden: 256, Features: 32, ProjectionHidden: 64, Projection: 32);
    }

    /// <summary>
    /// The trainable weights of <see cref="Model.Encoder"/> (w1, b1, w2, b2) and <see cref="Model.Head"/> (w3, b3, w4, b4).
    /// The same shapes hold gradients and Adam's moments.
    /// </summary>
    public sealed class Parameters
    {
        /// <summary>Zero-filled parameters of the given architecture.</summary>
        public Parameters(Architecture a)
        {
            ArgumentNullException.ThrowIfNull(a);
            Architecture = a;
            W1 = new float[Digits.Pixels, a.Hidden];
            B1 = new float[a.Hidden];
            W2 = new float[a.Hidden, a.Features];
            B2 = new float[a.Features];
            W3 = new float[a.Features, a.ProjectionHidden];
            B3 = new float[a.ProjectionHidden];
            W4 = new float[a.ProjectionHidden, a.Projection];
            B4 = new float[a.Projection];
        }

        /// <summary>The sizes.</summary>
        public Architecture Architecture { get; }

#pragma warning disable CS1591 // the layer weights, named as in Model
        public float[,] W1 { get; }
        public float[] B1 { get; }
        public float[,] W2 { get; }
        public float[] B2 { get; }
        public float[,] W3 { get; }
        public float[] B3 { get; }
        public float[,] W4 { get; }
        public float[] B4 { get; }
#pragma warning restore CS1591

        /// <summary>The weight matrices, in layer order.</summary>
        public IReadOnlyList<float[,]> Matrices => new[] { W1, W2, W3, W4 };

        /// <summary>The bias vectors, in layer order.</summary>
        public IReadOnlyList<float[]> Vectors => new[] { B1, B2, B3, B4 };

        /// <summary>Number of scalars.</summary>
        public int Count
        {
            get
            {
                int n = 0;
                foreach (var m in Matrices) n += m.Length;
                foreach (var v in Vectors) n += v.Length;
                return n;
            }
        }

        /// <summary>
        /// He initialisation for the ReLU layers (weights normal with variance 2/fan-in, biases zero), drawn from
        /// <paramref name="rng"/>.
        /// </summary>
        public static Parameters Initialize(Architecture a, Random rng)
        {
            var p = new Parameters(a);
            foreach (var w in p.Matrices)
            {
                float scale = MathF.Sqrt(2f / w.GetLength(0));
                for (int i = 0; i < w.GetLength(0); i++)
                    for (int j = 0; j < w.GetLength(1); j++) w[i, j] = scale * Augmenter.Gaussian(rng);
            }
            return p;
        }

        /// <summary>A deep copy.</summary>
        public Parameters Clone()
        {
            var c = new Parameters(Architecture);
            c.CopyFrom(this);
            return c;
        }

        /// <summary>Copies every value from <paramref name="other"/> (same architecture).</summary>
        public void CopyFrom(Parameters other)
        {
            ArgumentNullException.ThrowIfNull(other);
            if (other.Architecture != Architecture) throw new ArgumentException("different architecture", nameof(other));
            for (int i = 0; i < 4; i++)
            {
                Array.Copy(other.Matrices[i], Matrices[i], Matrices[i].Length);
                Array.Copy(other.Vectors[i], Vectors[i], Vectors[i].Length);
            }
        }

        /// <summary>The representation h = f(x) of every row of <paramref name="images"/> (n × 64), on the CPU.</summary>
        public float[,] Encode(float[,] images)
        {
            var h = new float[images.GetLength(0), Architecture.Features];
            Model.EncoderForward(images, W1, B1, W2, B2, h);
            return h;
        }
    }
}
