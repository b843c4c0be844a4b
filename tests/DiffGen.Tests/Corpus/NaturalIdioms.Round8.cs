using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, an eighth round (docs/natural-csharp.md): rows of a T[][] held in locals ('var row = x[i];') and iterated
    /// ('foreach (var row in x)'), 'params' helpers, and models built from layer objects held in fields, whose own
    /// [Differentiable] instance methods the model calls ('Fc1.Forward(x, h)') and whose weights it differentiates
    /// ([Differentiable("Fc1.W", ...)]).
    /// </summary>
    public static partial class NaturalRound8
    {
        /// <summary>A row local per sample: softplus of the row's dot product with w, rows of different lengths.</summary>
        [Differentiable]
        public static double RowSoftplus(double[][] x, double[] w)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                var row = x[i];
                double z = 0;
                for (int j = 0; j < row.Length; j++) z += row[j] * w[j];
                s += Math.Log(1 + Math.Exp(z));
            }
            return s;
        }

        /// <summary>A layer over jagged rows: reads one row local and writes another (the output's row).</summary>
        [Differentiable]
        public static void RowTanh(double[][] x, double[][] y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double[] src = x[i];
                double[] dst = y[i];
                for (int j = 0; j < src.Length; j++) dst[j] = Math.Tanh(src[j]) * (i + 1);
            }
        }

        /// <summary>foreach over the rows of a T[][] and over each row's values; the row index advances with it.</summary>
        [Differentiable]
        public static double ForEachRows(double[][] x)
        {
            double s = 0, prev = 1;
            foreach (var row in x)
            {
                double m = 0;
                foreach (var v in row) m += v * v;
                s += Math.Sqrt(m + prev);
                prev = m;
            }
            return s;
        }

        /// <summary>foreach over the rows of a jagged local (a per-step state table filled first).</summary>
        [Differentiable]
        public static double ForEachLocalRows(double[] x)
        {
            var h = new double[3][];
            for (int t = 0; t < 3; t++) h[t] = new double[x.Length];
            for (int t = 0; t < 3; t++)
                for (int j = 0; j < x.Length; j++)
                    h[t][j] = Math.Sin(x[j] * (t + 1));
            double s = 0;
            foreach (var r in h)
                foreach (var v in r)
                    s += v * v * v;
            return s;
        }

        private static double SumSquares(params double[] v)
        {
            double s = 0;
            foreach (var t in v) s += t * t;
            return s;
        }

        private static double Weighted(double scale, params double[] v)
        {
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += scale * (i + 1) * v[i];
            return s;
        }

        /// <summary>'params' helpers called with a list of values: at the top level, in a loop, and with an array (normal form).</summary>
        [Differentiable]
        public static double ParamsHelpers(double[] x)
        {
            double s = SumSquares(x[0], x[1] * x[2], 2);
            for (int i = 0; i + 1 < x.Length; i++)
                s += Weighted(0.5, x[i], Math.Exp(x[i + 1]));
            return s + SumSquares(x) + Weighted(2);
        }
    }

    /// <summary>A dense layer: weights in fields, its own [Differentiable] forward pass.</summary>
    public sealed partial class Round8Linear
    {
        public Round8Linear(double[,] w, double[] b) { W = w; B = b; }

        public double[,] W;
        public double[] B;

        [Differentiable]
        public void Forward(double[] x, double[] y)
        {
            for (int o = 0; o < B.Length; o++)
            {
                double h = B[o];
                for (int i = 0; i < x.Length; i++) h += W[o, i] * x[i];
                y[o] = h;
            }
        }
    }

    /// <summary>Carries the activation's slope: a second object the model reads through a field.</summary>
    public sealed class Round8Config
    {
        public double Slope = 0.1;
    }

    /// <summary>A two-layer network built from layer objects held in fields, as it would be written for training.</summary>
    public sealed partial class Round8Mlp
    {
        public Round8Mlp(Round8Linear fc1, Round8Linear fc2) { Fc1 = fc1; Fc2 = fc2; }

        public Round8Linear Fc1;
        public Round8Linear Fc2;
        public Round8Config Act { get; } = new Round8Config();

        /// <summary>Squared error of Fc2(leaky(Fc1(x))) against t; both layers' weights and Fc1's bias are differentiated, Fc2.B is a constant.</summary>
        [Differentiable("Fc1.W", "Fc1.B", "Fc2.W")]
        public double Loss(double[] x, [Constant] double[] t)
        {
            var h = new double[Fc1.B.Length];
            var o = new double[Fc2.B.Length];
            Fc1.Forward(x, h);
            for (int i = 0; i < h.Length; i++) h[i] = h[i] > 0 ? h[i] : Act.Slope * h[i];
            Fc2.Forward(h, o);
            double s = 0;
            for (int i = 0; i < o.Length; i++) s += (o[i] - t[i]) * (o[i] - t[i]);
            return s;
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 8: [Differentiable] methods that return the array they fill (the entry points allocate it and return it).</summary>
    public static partial class NaturalRound8Results
    {
        /// <summary>A softmax returning a new array of probabilities.</summary>
        [Differentiable]
        public static double[] Softmax(double[] z)
        {
            var p = new double[z.Length];
            double m = double.NegativeInfinity;
            for (int i = 0; i < z.Length; i++) m = Math.Max(m, z[i]);
            double s = 0;
            for (int i = 0; i < z.Length; i++)
            {
                p[i] = Math.Exp(z[i] - m);
                s += p[i];
            }
            for (int i = 0; i < z.Length; i++) p[i] /= s;
            return p;
        }

        /// <summary>Calls the array-returning Softmax (inlined: its Backward has another shape) and takes the entropy.</summary>
        [Differentiable]
        public static double SoftmaxEntropy(double[] z)
        {
            var p = Softmax(z);
            double h = 0;
            for (int i = 0; i < p.Length; i++) h -= p[i] * Math.Log(p[i]);
            return h;
        }

        /// <summary>Returns from inside the loop (the elements after it stay 0), sized through an int local.</summary>
        [Differentiable]
        public static double[] SquaresUntilLarge(double[] x)
        {
            int n = x.Length;
            var y = new double[n + 1];
            for (int i = 0; i < n; i++)
            {
                if (x[i] > 2) return y;
                y[i] = x[i] * x[i];
                y[n] += y[i];
            }
            return y;
        }
    }

    /// <summary>A layer whose forward pass returns a new matrix, sized from its input and its weights.</summary>
    public sealed partial class Round8TanhLayer
    {
        public Round8TanhLayer(double[,] w) { W = w; }

        public double[,] W;

        [Differentiable(nameof(W))]
        public double[,] Forward(double[,] x)
        {
            int n = x.GetLength(0);
            var y = new double[n, W.GetLength(0)];
            for (int i = 0; i < n; i++)
                for (int o = 0; o < W.GetLength(0); o++)
                {
                    double s = 0;
                    for (int k = 0; k < x.GetLength(1); k++) s += W[o, k] * x[i, k];
                    y[i, o] = Math.Tanh(s);
                }
            return y;
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 8: [Differentiable] methods that return a tuple of values (a loss and a statistic).</summary>
    public static partial class NaturalRound8Tuples
    {
        /// <summary>A data term and an L2 penalty, returned as a named tuple; the first element is the loss.</summary>
        [Differentiable]
        public static (double Loss, double Penalty) LossAndPenalty(double[] x, double lambda)
        {
            double loss = 0, penalty = 0;
            for (int i = 0; i < x.Length; i++)
            {
                loss += Math.Log(1 + Math.Exp(-x[i]));
                penalty += lambda * x[i] * x[i];
            }
            return (loss + penalty, penalty);
        }

        /// <summary>Calls the tuple-returning method (inlined) and deconstructs it.</summary>
        [Differentiable]
        public static double Objective(double[] x, double lambda)
        {
            var (loss, penalty) = LossAndPenalty(x, lambda);
            return loss - 0.5 * penalty;
        }

        /// <summary>Returns from inside the loop (a tuple built from a tuple local), three elements, float first.</summary>
        [Differentiable]
        public static (float, double, double) FirstLarge(float[] x)
        {
            var acc = (0.0, 0.0);
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 2f) return (x[i] * x[i], acc.Item1, acc.Item2);
                acc = (acc.Item1 + x[i], acc.Item2 + Math.Sin(x[i]));
            }
            return (0f, acc.Item1, acc.Item2);
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 8: a string parameter as a mode (PyTorch's reduction="mean"), compared with literals and switched on.</summary>
    public static partial class NaturalRound8Modes
    {
        /// <summary>Huber loss with a reduction mode; an unknown mode gives the sum of squares of the terms.</summary>
        [Differentiable]
        public static double Huber(double[] p, [Constant] double[] t, string reduction = "mean", double delta = 1.0)
        {
            double s = 0, s2 = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double r = p[i] - t[i];
                double a = Math.Abs(r);
                double term = a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
                s += term;
                s2 += term * term;
            }
            if (reduction == "mean") return s / p.Length;
            if ("sum" == reduction) return s;
            return s2;
        }

        /// <summary>A switch statement and a switch expression on the mode.</summary>
        [Differentiable]
        public static double Pool(double[] x, string mode)
        {
            double r = 0;
            switch (mode)
            {
                case "max":
                    r = x[0];
                    for (int i = 1; i < x.Length; i++) r = Math.Max(r, x[i]);
                    break;
                case "lse":
                case "logsumexp":
                    for (int i = 0; i < x.Length; i++) r += Math.Exp(x[i]);
                    r = Math.Log(r);
                    break;
                default:
                    for (int i = 0; i < x.Length; i++) r += x[i] / x.Length;
                    break;
            }
            double scale = mode switch { "max" => 2.0, null => -1.0, _ => 1.0 };
            return scale * r + (mode != "max" ? x[0] : 0.0);
        }
    }
}

namespace DiffGen.Tests.Corpus
{
    /// <summary>Round 8: index pairs and triples as arrays of int tuples (graph edges, positive pairs, triplets).</summary>
    public static partial class NaturalRound8Pairs
    {
        /// <summary>A graph smoothness term over edges: foreach with deconstruction, and a second pass reading e.A / e.B.</summary>
        [Differentiable]
        public static double EdgeSmoothness(double[,] z, (int A, int B)[] edges)
        {
            double s = 0;
            foreach (var (a, b) in edges)
                for (int d = 0; d < z.GetLength(1); d++)
                {
                    double diff = z[a, d] - z[b, d];
                    s += diff * diff;
                }
            foreach (var e in edges) s += 0.1 * z[e.A, 0] * z[e.B, 0];
            return s / Math.Max(1, edges.Length);
        }

        /// <summary>A triplet margin loss over (anchor, positive, negative) index triples, indexed and deconstructed.</summary>
        [Differentiable]
        public static double TripletMargin(double[,] z, (int, int, int)[] triplets, double margin)
        {
            double loss = 0;
            for (int k = 0; k < triplets.Length; k++)
            {
                var (a, p, _) = triplets[k];
                int n = triplets[k].Item3;
                double dp = 0, dn = 0;
                for (int d = 0; d < z.GetLength(1); d++)
                {
                    dp += (z[a, d] - z[p, d]) * (z[a, d] - z[p, d]);
                    dn += (z[a, d] - z[n, d]) * (z[a, d] - z[n, d]);
                }
                loss += Math.Max(0, dp - dn + margin);
            }
            return loss;
        }
    }
}
