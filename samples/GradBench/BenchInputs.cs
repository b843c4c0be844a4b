using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace DiffGen.GradBench
{
    /// <summary>
    /// One evaluate input of the <c>bench</c> command: an eval's module, gradbench's description of the
    /// input (<c>n=2500</c>, <c>n=16392,m=128</c>, <c>64_100_1000</c>, <c>n=100000,s=100</c>), the
    /// functions the eval asks for (in its order), and the input's fields.
    /// </summary>
    public sealed record BenchWorkload(string Module, string Description, string[] Functions, Action<Utf8JsonWriter> WriteInput);

    /// <summary>
    /// The inputs of gradbench's evals (python/gradbench/gradbench/evals/*/run.py), built in-process:
    /// the same shapes, distributions and orders as the evals' defaults.
    /// <list type="bullet">
    /// <item>lse, llsq, ode seed numpy's legacy generator with 31337 (<c>np.random.seed</c>) and draw
    /// each input with <c>np.random.rand</c>, one input after the other, in the eval's order (sizes
    /// ascending; llsq and ode sort their combinations by the product of the two sizes, stably).
    /// <see cref="NumpyLegacyRandom"/> is that generator, so these inputs are the eval's own, number for
    /// number: the bench draws and discards the inputs of the sizes it skips.</item>
    /// <item>gmm draws every input afresh from seed 31337 with numpy's <c>default_rng</c> (PCG64,
    /// ziggurat normals), which is not reproduced here: the bench draws the same fields, in the same
    /// order, from the same distributions (x, q, l, alpha standard normal; mu uniform on [0, 1)), with
    /// <see cref="NumpyLegacyRandom"/>. Same shapes and distributions, other numbers.</item>
    /// </list>
    /// </summary>
    public static class BenchInputs
    {
        public const uint Seed = 31337;

        /// <summary>evals/lse/run.py: <c>-n</c>.</summary>
        public static readonly int[] LseDefaultN = { 2500, 5000, 10000, 20000, 40000, 80000, 160000, 320000, 640000, 1280000 };

        /// <summary>evals/llsq/run.py: <c>-n</c> and <c>-m</c>.</summary>
        public static readonly int[] LlsqDefaultN = { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8196, 16392 };
        public static readonly int[] LlsqDefaultM = { 128 };

        /// <summary>evals/ode/run.py: <c>-n</c> and <c>-s</c>.</summary>
        public static readonly int[] OdeDefaultN = { 1000, 10000, 100000 };
        public static readonly int[] OdeDefaultS = { 1, 10, 100 };

        /// <summary>evals/gmm/run.py: <c>-n</c>, <c>-m</c>, <c>--gamma</c> (the d, k grid is chosen by the caller).</summary>
        public const int GmmDefaultN = 1000;
        public const int GmmDefaultM = 0;
        public const double GmmDefaultGamma = 1.0;

        /// <summary>lse inputs of the sizes in <paramref name="selected"/>: x = rand(n).</summary>
        public static IEnumerable<BenchWorkload> Lse(ISet<int> selected)
        {
            var rng = new NumpyLegacyRandom(Seed);
            foreach (int n in LseDefaultN)
            {
                double[] x = rng.Rand(n);
                if (!selected.Contains(n)) continue;
                yield return new BenchWorkload("lse", $"n={n}", new[] { "primal", "gradient" }, w => WriteVector(w, "x", x));
            }
        }

        /// <summary>llsq inputs of the (n, m) in <paramref name="selected"/>: x = rand(m), and n.</summary>
        public static IEnumerable<BenchWorkload> Llsq(ISet<(int N, int M)> selected)
        {
            var rng = new NumpyLegacyRandom(Seed);
            foreach (var (n, m) in SortedByProduct(LlsqDefaultN, LlsqDefaultM))
            {
                double[] x = rng.Rand(m);
                if (!selected.Contains((n, m))) continue;
                yield return new BenchWorkload("llsq", $"n={n},m={m}", new[] { "primal", "gradient" }, w =>
                {
                    WriteVector(w, "x", x);
                    w.WriteNumber("n", n);
                });
            }
        }

        /// <summary>ode inputs of the (n, s) in <paramref name="selected"/>: x = rand(n), and s.</summary>
        public static IEnumerable<BenchWorkload> Ode(ISet<(int N, int S)> selected)
        {
            var rng = new NumpyLegacyRandom(Seed);
            foreach (var (n, s) in SortedByProduct(OdeDefaultN, OdeDefaultS))
            {
                double[] x = rng.Rand(n);
                if (!selected.Contains((n, s))) continue;
                yield return new BenchWorkload("ode", $"n={n},s={s}", new[] { "primal", "gradient" }, w =>
                {
                    WriteVector(w, "x", x);
                    w.WriteNumber("s", s);
                });
            }
        }

        /// <summary>
        /// The gmm input of dimension d and k components (evals/gmm/run.py, <c>generate</c>): n = 1000
        /// observations, m = 0, gamma = 1, each input drawn afresh from the seed.
        /// </summary>
        public static BenchWorkload Gmm(int d, int k)
        {
            int n = GmmDefaultN;
            var rng = new NumpyLegacyRandom(Seed);
            double[][] x = Rows(n, () => rng.Normal(d));
            double[][] mu = Rows(k, () => rng.Rand(d));
            double[][] q = Rows(k, () => rng.Normal(d));
            double[][] l = Rows(k, () => rng.Normal(d * (d - 1) / 2));
            double[] alpha = rng.Normal(k);
            return new BenchWorkload("gmm", $"{d}_{k}_{n}", new[] { "objective", "jacobian" }, w =>
            {
                w.WriteNumber("d", d);
                w.WriteNumber("k", k);
                w.WriteNumber("n", n);
                WriteMatrix(w, "x", x);
                w.WriteNumber("m", GmmDefaultM);
                w.WriteNumber("gamma", GmmDefaultGamma);
                WriteMatrix(w, "mu", mu);
                WriteMatrix(w, "q", q);
                WriteMatrix(w, "l", l);
                WriteVector(w, "alpha", alpha);
            });
        }

        /// <summary>
        /// det inputs: A uniform on [0, 1), ell * ell numbers row-major, drawn with the legacy generator
        /// from the seed (the eval's own numbers are not reproduced; the cost depends only on ell).
        /// </summary>
        public static BenchWorkload Det(int ell)
        {
            var rng = new NumpyLegacyRandom(Seed);
            double[] a = rng.Rand(ell * ell);
            return new BenchWorkload("det", ell.ToString(System.Globalization.CultureInfo.InvariantCulture), new[] { "primal", "gradient" }, w =>
            {
                WriteVector(w, "A", a);
                w.WriteNumber("ell", ell);
            });
        }

        /// <summary>
        /// lstm inputs with l layers, c characters and b = 14 bits (the bit count of the eval's text at
        /// c &gt;= 128): main_params, extra_params and state uniform on [0, 1) as in the eval; the
        /// sequence is random bits, a stand-in for the text (the cost depends only on l, c and b).
        /// </summary>
        public static BenchWorkload Lstm(int l, int c, int b = 14)
        {
            var rng = new NumpyLegacyRandom(Seed);
            double[][] main = Rows(2 * l, () => rng.Rand(4 * b));
            double[][] extra = Rows(3, () => rng.Rand(b));
            double[][] state = Rows(2 * l, () => rng.Rand(b));
            double[][] sequence = Rows(c, () => rng.Rand(b).Select(v => v < 0.5 ? 0.0 : 1.0).ToArray());
            return new BenchWorkload("lstm", $"l={l},c={c}", new[] { "objective", "jacobian" }, w =>
            {
                WriteMatrix(w, "main_params", main);
                WriteMatrix(w, "extra_params", extra);
                WriteMatrix(w, "state", state);
                WriteMatrix(w, "sequence", sequence);
            });
        }

        /// <summary>
        /// A ba input as the eval sends it (compressed "replicate" form): ADBench file <paramref name="name"/>'s
        /// n, m, p, with the camera, point, weight and feature every shared ba vector carries.
        /// </summary>
        public static BenchWorkload Ba(string name, int n, int m, int p) =>
            new("ba", $"{name}_n{n}_m{m}_p{p}", new[] { "objective", "jacobian" }, w =>
            {
                w.WriteNumber("n", n);
                w.WriteNumber("m", m);
                w.WriteNumber("p", p);
                WriteVector(w, "cam", new[] { -0.758453, -1.109613, -0.845551, 34.556073, 39.676747, 53.881673, 419.194514, 5.864426, -8.51887, 0.087812, 0.002739 });
                WriteVector(w, "x", new[] { 7.203245, 0.001144, 3.023326 });
                w.WriteNumber("w", 0.417022);
                WriteVector(w, "feat", new[] { 271.760969, 834.209256 });
            });

        /// <summary>
        /// ht inputs: the small hand model's hand1 (c = 100), simple and complicated, read from the shared
        /// reference vectors (tests/DiffGen.GradBench.Tests/Data/ht.jsonl, found by walking up from the
        /// tool's directory; none when absent). gradbench's default is the big model, which is not here.
        /// </summary>
        public static IEnumerable<BenchWorkload> Ht()
        {
            string? path = null;
            for (var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "tests", "DiffGen.GradBench.Tests", "Data", "ht.jsonl");
                if (System.IO.File.Exists(candidate))
                {
                    path = candidate;
                    break;
                }
            }
            if (path is null)
            {
                Console.Error.WriteLine("bench: ht skipped: tests/DiffGen.GradBench.Tests/Data/ht.jsonl not found above " + AppContext.BaseDirectory);
                yield break;
            }
            var seen = new HashSet<string>();
            foreach (string line in System.IO.File.ReadLines(path))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                var input = doc.RootElement.GetProperty("input");
                bool complicated = input.GetProperty("us").GetArrayLength() > 0;
                string description = doc.RootElement.GetProperty("description").GetString() + (complicated ? " complicated" : " simple");
                if (!seen.Add(description)) continue;
                var clone = input.Clone();
                yield return new BenchWorkload("ht", description, new[] { "objective", "jacobian" }, w =>
                {
                    foreach (var property in clone.EnumerateObject()) property.WriteTo(w);
                });
            }
        }

        /// <summary>
        /// <c>sorted([(a, b) for a in first for b in second], key=lambda v: v[0] * v[1])</c>: Python's sort
        /// is stable, and so is LINQ's OrderBy.
        /// </summary>
        public static IEnumerable<(int, int)> SortedByProduct(int[] first, int[] second) =>
            first.SelectMany(a => second.Select(b => (a, b))).OrderBy(v => (long)v.a * v.b);

        private static double[][] Rows(int count, Func<double[]> row)
        {
            var rows = new double[count][];
            for (int i = 0; i < count; i++) rows[i] = row();
            return rows;
        }

        // Doubles are written as the shortest text that reads back as the same double.
        private static void WriteVector(Utf8JsonWriter w, string name, double[] values)
        {
            w.WriteStartArray(name);
            foreach (double v in values) w.WriteNumberValue(v);
            w.WriteEndArray();
        }

        private static void WriteMatrix(Utf8JsonWriter w, string name, double[][] rows)
        {
            w.WriteStartArray(name);
            foreach (double[] row in rows)
            {
                w.WriteStartArray();
                foreach (double v in row) w.WriteNumberValue(v);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
    }

    /// <summary>
    /// numpy's legacy generator (<c>np.random.seed(s)</c> with an integer s, then <c>np.random.rand</c>
    /// and <c>np.random.normal</c>): MT19937 seeded by <c>init_genrand(s)</c>; a double is
    /// (a·2²⁶ + b) / 2⁵³ from two 32-bit outputs a &gt;&gt; 5 and b &gt;&gt; 6; a normal is the Marsaglia
    /// polar method, which yields two values per accepted pair and returns the second first.
    /// </summary>
    public sealed class NumpyLegacyRandom
    {
        private const int N = 624, M = 397;
        private readonly uint[] _mt = new uint[N];
        private int _index;
        private bool _hasGauss;
        private double _gauss;

        public NumpyLegacyRandom(uint seed)
        {
            _mt[0] = seed;
            for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
            _index = N;
        }

        public uint NextUInt32()
        {
            if (_index >= N)
            {
                for (int i = 0; i < N; i++)
                {
                    uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
                    _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
                }
                _index = 0;
            }
            uint z = _mt[_index++];
            z ^= z >> 11;
            z ^= (z << 7) & 0x9d2c5680u;
            z ^= (z << 15) & 0xefc60000u;
            z ^= z >> 18;
            return z;
        }

        /// <summary>Uniform on [0, 1), 53 random bits: <c>np.random.random_sample()</c>.</summary>
        public double NextDouble()
        {
            uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
            return (a * 67108864.0 + b) / 9007199254740992.0;
        }

        /// <summary>Standard normal: <c>np.random.normal()</c> (legacy polar method).</summary>
        public double NextNormal()
        {
            if (_hasGauss)
            {
                _hasGauss = false;
                return _gauss;
            }
            double x1, x2, r2;
            do
            {
                x1 = 2.0 * NextDouble() - 1.0;
                x2 = 2.0 * NextDouble() - 1.0;
                r2 = x1 * x1 + x2 * x2;
            }
            while (r2 >= 1.0 || r2 == 0.0);
            double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
            _gauss = f * x1;
            _hasGauss = true;
            return f * x2;
        }

        /// <summary><c>np.random.rand(count)</c>.</summary>
        public double[] Rand(int count)
        {
            var v = new double[count];
            for (int i = 0; i < count; i++) v[i] = NextDouble();
            return v;
        }

        /// <summary><c>np.random.normal(size=count)</c>.</summary>
        public double[] Normal(int count)
        {
            var v = new double[count];
            for (int i = 0; i < count; i++) v[i] = NextNormal();
            return v;
        }
    }
}
