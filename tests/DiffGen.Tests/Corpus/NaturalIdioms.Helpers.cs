using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, item 2: helpers without [Differentiable] (inlined by the generator): static helpers in this type and in
    /// another non-partial class, private ones, helpers calling helpers, loops over array arguments, int and bool
    /// results, local functions (static and capturing), lambdas in locals, tuple results.
    /// </summary>
    public static partial class NaturalIdioms
    {
        // ------------------------------------------------------------ static helpers

        /// <summary>Σ Sq(x_i - t_i) with the helper in another (non-partial) class.</summary>
        [Differentiable]
        public static double SquaredErrorViaHelper(double[] x, [Constant] double[] t)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += HelperMath.Sq(x[i] - t[i]);
            return s / x.Length;
        }

        private static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

        /// <summary>Logistic loss through a private expression-bodied helper.</summary>
        [Differentiable]
        public static double LogisticViaPrivateHelper(double[,] x, double[] w, [Constant] double[] y)
        {
            int n = x.GetLength(0);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double z = 0;
                for (int j = 0; j < w.Length; j++) z += x[i, j] * w[j];
                loss += Softplus(z) - y[i] * z;
            }
            return loss / n;
        }

        /// <summary>Cosine similarity of rows: Dot (a loop over its array arguments) and Norm (which calls Dot) per row.</summary>
        [Differentiable]
        public static double CosineRowsViaHelpers(double[][] a, double[][] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
                s += HelperMath.Dot(a[i], b[i]) / (HelperMath.Norm(a[i]) * HelperMath.Norm(b[i]));
            return s;
        }

        /// <summary>A helper with early returns (clipping) inside a loop, and a helper call in both branches of ?:.</summary>
        [Differentiable]
        public static double ClippedViaHelpers(double[] x, double lim)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double c = HelperMath.Clip(x[i], lim);
                s += c > 0 ? HelperMath.Dot3(x, i) : HelperMath.Sq(c);
            }
            return s;
        }

        /// <summary>A void helper writing a softmax into the caller's scratch array, then a cross-entropy.</summary>
        [Differentiable]
        public static double SoftmaxIntoScratch(double[] x, int label)
        {
            double[] p = new double[x.Length];
            HelperMath.SoftmaxInto(x, p);
            return -Math.Log(p[label]);
        }

        // ------------------------------------------------------------ int and bool helpers

        private static int ArgmaxWindow(double[] x, int start, int len)
        {
            int best = start;
            for (int k = start + 1; k < start + len; k++)
                if (x[k] > x[best]) best = k;
            return best;
        }

        /// <summary>Max pooling with windows of <paramref name="pool"/>: an int argmax helper picks the element.</summary>
        [Differentiable]
        public static double MaxPoolViaArgmax(double[] x, int pool)
        {
            double s = 0;
            int windows = x.Length / pool;
            for (int w = 0; w < windows; w++)
            {
                int j = ArgmaxWindow(x, w * pool, pool);
                s += x[j] * x[j];
            }
            return s;
        }

        private static bool IsOutlier(double r, double delta) => Math.Abs(r) > delta;

        /// <summary>Huber loss with a bool helper in the condition (and on the right of &amp;&amp;).</summary>
        [Differentiable]
        public static double HuberViaBoolHelper(double[] p, [Constant] double[] y, double delta)
        {
            double loss = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double r = p[i] - y[i];
                bool far = IsOutlier(r, delta);
                if (far && IsOutlier(r, 2 * delta)) loss += 2 * delta * (Math.Abs(r) - delta);
                else if (far) loss += delta * (Math.Abs(r) - delta / 2);
                else loss += r * r / 2;
            }
            return loss;
        }

        // ------------------------------------------------------------ local functions and lambdas

        /// <summary>A static local function.</summary>
        [Differentiable]
        public static double LocalFunctionStatic(double[] x)
        {
            static double Sq(double v) => v * v;
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Sq(x[i] - 1) + Sq(x[i]) * 0.5;
            return s;
        }

        /// <summary>A block-bodied local function capturing the weights and the input (a tanh layer), and a scale.</summary>
        [Differentiable]
        public static double LocalFunctionCapturing(double[,] w, double[] x, double scale)
        {
            int h = w.GetLength(0);
            double Unit(int r)
            {
                double t = 0;
                for (int k = 0; k < x.Length; k++) t += w[r, k] * x[k];
                return scale * Math.Tanh(t);
            }
            double s = 0;
            for (int r = 0; r < h; r++) s += Unit(r) * Unit(r);
            return s;
        }

        /// <summary>Lambdas in locals: an activation Func&lt;double, double&gt; and a loss Func&lt;double, double, double&gt;.</summary>
        [Differentiable]
        public static double LambdaLayer(double[,] w, double[] x, [Constant] double[] y)
        {
            Func<double, double> act = v => Math.Max(v, 0);
            Func<double, double, double> loss = (p, t) => (p - t) * (p - t);
            int h = w.GetLength(0);
            double s = 0;
            for (int j = 0; j < h; j++)
            {
                double a = 0;
                for (int k = 0; k < x.Length; k++) a += w[j, k] * x[k];
                s += loss(act(a), y[j]);
            }
            return s;
        }

        // ------------------------------------------------------------ tuples

        private static (double Mean, double Var) Stats(double[] x)
        {
            double m = 0;
            for (int i = 0; i < x.Length; i++) m += x[i];
            m /= x.Length;
            double v = 0;
            for (int i = 0; i < x.Length; i++) v += (x[i] - m) * (x[i] - m);
            return (m, v / x.Length);
        }

        /// <summary>Layer norm of a vector through a tuple helper, deconstructed.</summary>
        [Differentiable]
        public static double LayerNormViaTuple(double[] x, double[] g)
        {
            var (m, v) = Stats(x);
            double inv = 1 / Math.Sqrt(v + 1e-5);
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double z = g[i] * (x[i] - m) * inv;
                s += z * z * z;
            }
            return s;
        }

        /// <summary>Per-row statistics kept in a tuple local and read by element name.</summary>
        [Differentiable]
        public static double RowStatsNamed(double[][] rows)
        {
            double total = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                var s = Stats(rows[i]);
                total += s.Var + s.Mean * s.Mean;
            }
            return total;
        }


        // ------------------------------------------------------------ more shapes of calls

        private static double LogSumExp(double[] x)
        {
            double[] e = new double[x.Length];
            double m = x[0];
            foreach (double v in x) m = Math.Max(m, v);
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double[] t = new double[2];
                t[0] = x[i] - m;
                e[i] = Math.Exp(t[0]);
                s += e[i];
            }
            return m + Math.Log(s);
        }

        /// <summary>
        /// A helper with local arrays (one at its top level, one in its loop) called at the top level and in a branch of
        /// ?:, a helper with named and optional arguments, a method group in a Func, a tuple swap.
        /// </summary>
        [Differentiable]
        public static double TopLevelHelpers(double[] x, double[] y, double t)
        {
            double a = LogSumExp(x);
            double b = t > 0 ? LogSumExp(y) : Scale(y[0], factor: 2);
            Func<double, double> sq = HelperMath.Sq;
            double c = sq(a - b) + Scale(t);
            (a, b) = (b, a);
            return a * 2 + b + c;
        }

        private static double Scale(double v, double factor = 0.5, double shift = 0) => factor * v + shift;

        /// <summary>A void [Differentiable] layer whose output is written by a helper (y becomes an output).</summary>
        [Differentiable]
        public static void ReluLayerViaHelper(double[,] w, double[] x, double[] y)
        {
            for (int j = 0; j < y.Length; j++) y[j] = 0;
            HelperMath.AddProduct(w, x, y);
            HelperMath.ReluInPlace(y);
        }

        /// <summary>Calls the layer above ([Differentiable] callee that writes through a helper) and a capturing lambda per row.</summary>
        [Differentiable]
        public static double CallsLayerViaHelper(double[,] w, double[] x)
        {
            double[] h = new double[w.GetLength(0)];
            ReluLayerViaHelper(w, x, h);
            double s = 0;
            for (int j = 0; j < h.Length; j++)
            {
                Func<double, double> shifted = v => v + x[j % x.Length];
                s += shifted(h[j]) * shifted(h[j]);
            }
            return s;
        }

        private static bool Positive(double v) { double t = v; return t > 0; }

        /// <summary>A helper with statements on the right of &amp;&amp; (runs only when the left is true) and an int helper sizing an array.</summary>
        [Differentiable]
        public static double GuardedHelpers(double[] x)
        {
            int n = Half(x.Length);
            double[] first = new double[n];
            for (int i = 0; i < n; i++) first[i] = x[i];
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                if (i < n && Positive(first[i])) s += first[i] * x[i];
                else s += 0.5 * x[i];
            return s;
        }

        private static int Half(int n) => n / 2;

        /// <summary>A void layer writing its output through an Action lambda that takes the array as a parameter.</summary>
        [Differentiable]
        public static void DoubleViaLambda(double[] x, double[] y)
        {
            Action<double[], int> set = (a, k) => a[k] = 2 * x[k] * x[k];
            for (int k = 0; k < y.Length; k++) set(y, k);
        }

        /// <summary>Calls the layer above: the caller must see that the callee writes y (through the lambda).</summary>
        [Differentiable]
        public static double CallsDoubleViaLambda(double[] x)
        {
            double[] y = new double[x.Length];
            DoubleViaLambda(x, y);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += y[k] * x[k];
            return s;
        }

        /// <summary>An extension-method helper, and one-expression helpers in a while condition and a for condition.</summary>
        [Differentiable]
        public static double ExtensionAndLoopConditions(double[] x, [Constant] double tol)
        {
            double s = x.SumOfSquares();
            double t = s;
            int k = 0;
            while (HelperMath.Above(t, tol) && k < 50)
            {
                t = t * 0.5;
                k++;
            }
            double u = 0;
            for (int i = 0; i < x.Length && HelperMath.Above(x[i], -1.5); i++) u += x[i] * t;
            return t + s + u;
        }

        // ------------------------------------------------------------ float

        private static float SoftplusF(float v) => MathF.Log(1 + MathF.Exp(v));

        /// <summary>Float logistic loss through a private helper and the other class's float dot product.</summary>
        [Differentiable]
        public static float LogisticViaHelperF(float[][] x, float[] w, [Constant] float[] y)
        {
            float loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                float z = HelperMath.DotF(x[i], w);
                loss += SoftplusF(z) - y[i] * z;
            }
            return loss / x.Length;
        }

        private static (float Mean, float Var) StatsF(float[] x)
        {
            float m = 0;
            for (int i = 0; i < x.Length; i++) m += x[i];
            m /= x.Length;
            float v = 0;
            for (int i = 0; i < x.Length; i++) v += (x[i] - m) * (x[i] - m);
            return (m, v / x.Length);
        }

        /// <summary>Float layer norm through a tuple helper and a float lambda.</summary>
        [Differentiable]
        public static float LayerNormViaTupleF(float[] x, float[] g)
        {
            (float m, float v) = StatsF(x);
            Func<float, float> cube = z => z * z * z;
            float s = 0;
            for (int i = 0; i < x.Length; i++) s += cube(g[i] * (x[i] - m) / MathF.Sqrt(v + 1e-5f));
            return s;
        }
    }

    /// <summary>Ordinary helpers without [Differentiable], in a type that is not partial.</summary>
    internal static class HelperMath
    {
        public static double Sq(double v) => v * v;

        public static bool Above(double v, double tol) => v > tol;

        public static double SumOfSquares(this double[] a)
        {
            double s = 0;
            foreach (double v in a) s += v * v;
            return s;
        }

        public static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        public static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

        public static float DotF(float[] a, float[] b)
        {
            float s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        /// <summary>x[i-1] x[i] x[i+1] (missing neighbours count as 1).</summary>
        public static double Dot3(double[] x, int i)
        {
            double left = i > 0 ? x[i - 1] : 1;
            double right = i + 1 < x.Length ? x[i + 1] : 1;
            return left * x[i] * right;
        }

        public static double Clip(double v, double lim)
        {
            if (v > lim) return lim;
            if (v < -lim) return -lim;
            return v;
        }

        public static void AddProduct(double[,] w, double[] x, double[] y)
        {
            for (int j = 0; j < y.Length; j++)
                for (int k = 0; k < x.Length; k++)
                    y[j] += w[j, k] * x[k];
        }

        public static void ReluInPlace(double[] y)
        {
            for (int j = 0; j < y.Length; j++) y[j] = Math.Max(y[j], 0);
        }

        public static void SoftmaxInto(double[] x, double[] p)
        {
            double m = x[0];
            for (int i = 1; i < x.Length; i++) m = Math.Max(m, x[i]);
            double z = 0;
            for (int i = 0; i < x.Length; i++)
            {
                p[i] = Math.Exp(x[i] - m);
                z += p[i];
            }
            for (int i = 0; i < x.Length; i++) p[i] /= z;
        }
    }
}
