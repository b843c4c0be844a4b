using System;
using System.Collections.Generic;
using System.Text.Json;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// The supported gradbench modules and their functions: each turns an evaluate message's "input"
    /// into arrays (checking shapes), and calls a generated entry point per run. The primal functions
    /// call the generated <c>XForward</c>, the gradient functions the generated <c>XBackward</c>.
    /// </summary>
    public static class Registry
    {
        public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, Func<JsonElement, IEvaluation>>> Modules =
            new Dictionary<string, IReadOnlyDictionary<string, Func<JsonElement, IEvaluation>>>(StringComparer.Ordinal)
            {
                ["hello"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["square"] = input => new HelloSquare(Json.AsNumber(input, "the input")),
                    ["double"] = input => new HelloDouble(Json.AsNumber(input, "the input")),
                },
                ["lse"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["primal"] = input => new LsePrimal(Json.Vector(input, "x", minLength: 1)),
                    ["gradient"] = input => new LseGradient(Json.Vector(input, "x", minLength: 1)),
                },
                ["llsq"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["primal"] = input => new LlsqPrimal(Json.Vector(input, "x"), Json.Int(input, "n", min: 2)),
                    ["gradient"] = input => new LlsqGradient(Json.Vector(input, "x"), Json.Int(input, "n", min: 2)),
                },
                ["ode"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["primal"] = input => new OdePrimal(Json.Vector(input, "x", minLength: 1), Json.Int(input, "s", min: 1)),
                    ["gradient"] = input => new OdeGradient(Json.Vector(input, "x", minLength: 1), Json.Int(input, "s", min: 1)),
                },
                ["gmm"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["objective"] = input => new GmmObjective(GmmInput.Read(input)),
                    ["jacobian"] = input => new GmmJacobian(GmmInput.Read(input)),
                },
                ["det"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["primal"] = input => new DetPrimal(DetInput.Read(input)),
                    ["gradient"] = input => new DetGradient(DetInput.Read(input)),
                },
                ["lstm"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["objective"] = input => new LstmObjective(LstmInput.Read(input)),
                    ["jacobian"] = input => new LstmJacobian(LstmInput.Read(input)),
                },
                ["ba"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["objective"] = input => new BaObjective(BaInput.Read(input)),
                    ["jacobian"] = input => new BaJacobian(BaInput.Read(input)),
                },
                ["ht"] = new Dictionary<string, Func<JsonElement, IEvaluation>>(StringComparer.Ordinal)
                {
                    ["objective"] = input => new HtObjective(HtInput.Read(input)),
                    ["jacobian"] = input => new HtJacobian(HtInput.Read(input)),
                },
            };

        private sealed class HelloSquare(double x) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Hello.SquareForward(x);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class HelloDouble(double x) : IEvaluation
        {
            private double _dx;
            public void Run() => Hello.SquareBackward(x, out _dx);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _dx);
        }

        private sealed class LsePrimal(double[] x) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Lse.LogSumExpForward(x, x.Length);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class LseGradient(double[] x) : IEvaluation
        {
            private readonly double[] _grad = new double[x.Length];
            public void Run() => Lse.LogSumExpBackward(x, x.Length, _grad);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _grad);
        }

        private sealed class LlsqPrimal(double[] x, int n) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Llsq.LeastSquaresForward(x, x.Length, n);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class LlsqGradient(double[] x, int n) : IEvaluation
        {
            private readonly double[] _grad = new double[x.Length];
            public void Run() => Llsq.LeastSquaresBackward(x, x.Length, n, _grad);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _grad);
        }

        private sealed class OdePrimal(double[] x, int s) : IEvaluation
        {
            private readonly double[] _y = new double[x.Length];
            public void Run() => Ode.SolveForward(x, x.Length, s, _y);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        /// <summary>The gradient of the last element of y: the backward pass with yGrad = e_{n-1}.</summary>
        private sealed class OdeGradient : IEvaluation
        {
            private readonly double[] _x, _y, _xGrad, _yGrad;
            private readonly int _s;

            public OdeGradient(double[] x, int s)
            {
                _x = x;
                _s = s;
                _y = new double[x.Length];
                _xGrad = new double[x.Length];
                _yGrad = new double[x.Length];
                _yGrad[x.Length - 1] = 1;
            }

            public void Run() => Ode.SolveBackward(_x, _x.Length, _s, _y, _xGrad, _yGrad);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _xGrad);
        }

        /// <summary>The gmm input (evals/gmm/README.md) in the layout <see cref="Gmm.LogPosterior"/> takes.</summary>
        private sealed class GmmInput
        {
            public int D, K, N, M;
            public double Gamma, LogGammaD;
            public double[,] X = new double[0, 0], Mu = new double[0, 0], Q = new double[0, 0], L = new double[0, 0];
            public double[] Alpha = Array.Empty<double>();

            public static GmmInput Read(JsonElement input)
            {
                var g = new GmmInput
                {
                    D = Json.Int(input, "d", min: 1),
                    K = Json.Int(input, "k", min: 1),
                    N = Json.Int(input, "n", min: 0),
                    M = Json.Int(input, "m", min: 0),
                    Gamma = Json.Number(input, "gamma"),
                };
                if (!(g.Gamma > 0)) throw new InputException($"\"gamma\" must be positive, not {g.Gamma}");
                int lsz = g.D * (g.D - 1) / 2;
                g.X = Json.Matrix(input, "x", g.N, g.D);
                g.Alpha = Json.Vector(input, "alpha", g.K);
                g.Mu = Json.Matrix(input, "mu", g.K, g.D);
                g.Q = Json.Matrix(input, "q", g.K, g.D);
                g.L = Json.Matrix(input, "l", g.K, lsz);
                g.LogGammaD = SpecialFunctions.LogMultivariateGamma(0.5 * (g.D + g.M + 1), g.D);
                return g;
            }
        }

        private sealed class GmmObjective(GmmInput g) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Gmm.LogPosteriorForward(g.D, g.K, g.N, g.X, g.M, g.Gamma, g.LogGammaD, g.Alpha, g.Mu, g.Q, g.L);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class GmmJacobian(GmmInput g) : IEvaluation
        {
            private readonly double[] _alpha = new double[g.K];
            private readonly double[,] _mu = new double[g.K, g.D];
            private readonly double[,] _q = new double[g.K, g.D];
            private readonly double[,] _l = new double[g.K, g.L.GetLength(1)];

            public void Run() => Gmm.LogPosteriorBackward(g.D, g.K, g.N, g.X, g.M, g.Gamma, g.LogGammaD, g.Alpha, g.Mu, g.Q, g.L,
                _alpha, _mu, _q, _l);

            /// <summary>The gradient with the input's field names and shapes: alpha, mu, q, l.</summary>
            public void WriteOutput(Utf8JsonWriter w)
            {
                w.WriteStartObject();
                w.WritePropertyName("alpha");
                Json.Write(w, _alpha);
                w.WritePropertyName("mu");
                Json.Write(w, _mu);
                w.WritePropertyName("q");
                Json.Write(w, _q);
                w.WritePropertyName("l");
                Json.Write(w, _l);
                w.WriteEndObject();
            }
        }
            // ---- det ----

        /// <summary>The det input: A (ell * ell numbers, row-major) and ell, with the permutation tables.</summary>
        private sealed class DetInput
        {
            public double[] A = Array.Empty<double>();
            public Det.Tables Tables = null!;

            public static DetInput Read(JsonElement input)
            {
                int ell = Json.Int(input, "ell", min: 1);
                if (ell > 13) throw new InputException($"\"ell\" = {ell} is too large for expansion by minors (at most 13)");
                return new DetInput { A = Json.Vector(input, "A", ell * ell), Tables = Det.Tables.For(ell) };
            }
        }

        private sealed class DetPrimal(DetInput d) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Det.Primal(d.A, d.Tables);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class DetGradient(DetInput d) : IEvaluation
        {
            private readonly double[] _grad = new double[d.A.Length];
            public void Run() => Det.Gradient(d.A, d.Tables, _grad);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _grad);
        }

        // ---- lstm ----

        /// <summary>The lstm input (evals/lstm/README.md): l layers, c characters, b bits, read from the shapes.</summary>
        private sealed class LstmInput
        {
            public int L, C, B;
            public double[,] Main = new double[0, 0], Extra = new double[0, 0], State = new double[0, 0], Sequence = new double[0, 0];

            public static LstmInput Read(JsonElement input)
            {
                var main = Json.Field(input, "main_params");
                if (main.ValueKind != JsonValueKind.Array || main.GetArrayLength() < 2 || main.GetArrayLength() % 2 != 0)
                    throw new InputException("\"main_params\" must be an array of 2l rows, l >= 1");
                var row0 = main[0];
                if (row0.ValueKind != JsonValueKind.Array || row0.GetArrayLength() < 4 || row0.GetArrayLength() % 4 != 0)
                    throw new InputException("\"main_params\" rows must have 4b numbers, b >= 1");
                var seq = Json.Field(input, "sequence");
                if (seq.ValueKind != JsonValueKind.Array || seq.GetArrayLength() < 2)
                    throw new InputException("\"sequence\" must be an array of at least 2 rows");
                var g = new LstmInput { L = main.GetArrayLength() / 2, B = row0.GetArrayLength() / 4, C = seq.GetArrayLength() };
                g.Main = Json.Matrix(input, "main_params", 2 * g.L, 4 * g.B);
                g.Extra = Json.Matrix(input, "extra_params", 3, g.B);
                g.State = Json.Matrix(input, "state", 2 * g.L, g.B);
                g.Sequence = Json.Matrix(input, "sequence", g.C, g.B);
                return g;
            }
        }

        private sealed class LstmObjective(LstmInput g) : IEvaluation
        {
            private double _y;
            public void Run() => _y = Lstm.LossForward(g.L, g.C, g.B, g.Main, g.Extra, g.State, g.Sequence);
            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _y);
        }

        private sealed class LstmJacobian(LstmInput g) : IEvaluation
        {
            private readonly double[,] _main = new double[2 * g.L, 4 * g.B];
            private readonly double[,] _extra = new double[3, g.B];

            public void Run() => Lstm.LossBackward(g.L, g.C, g.B, g.Main, g.Extra, g.State, g.Sequence, _main, _extra);

            /// <summary>main_params' gradient row by row, then extra_params', as one flat list.</summary>
            public void WriteOutput(Utf8JsonWriter w)
            {
                w.WriteStartArray();
                foreach (var m in new[] { _main, _extra })
                {
                    for (int r = 0; r < m.GetLength(0); r++)
                    {
                        for (int c = 0; c < m.GetLength(1); c++) Json.Write(w, m[r, c]);
                    }
                }
                w.WriteEndArray();
            }
        }

        // ---- ba ----

        /// <summary>
        /// The ba input as the eval really sends it: n, m, p, one camera, one point, one weight and one
        /// feature, replicated into the full problem (observation i: camera i mod n, point i mod m).
        /// </summary>
        private static class BaInput
        {
            public static Ba.Problem Read(JsonElement input)
            {
                int n = Json.Int(input, "n", min: 1), m = Json.Int(input, "m", min: 1), p = Json.Int(input, "p", min: 1);
                return Ba.Problem.Replicate(n, m, p, Json.Vector(input, "cam", 11), Json.Vector(input, "x", 3),
                    Json.Number(input, "w"), Json.Vector(input, "feat", 2));
            }
        }

        /// <summary>The residuals, written in the reference's compressed form (its first residuals and the count).</summary>
        private sealed class BaObjective(Ba.Problem pr) : IEvaluation
        {
            private readonly double[] _reproj = new double[2 * pr.P];
            private readonly double[] _w = new double[pr.P];
            public void Run() => Ba.Objective(pr, _reproj, _w);

            public void WriteOutput(Utf8JsonWriter w)
            {
                w.WriteStartObject();
                w.WriteStartObject("reproj_error");
                w.WritePropertyName("elements");
                Json.Write(w, new[] { _reproj[0], _reproj[1] });
                w.WriteNumber("repeated", pr.P);
                w.WriteEndObject();
                w.WriteStartObject("w_err");
                w.WritePropertyName("element");
                Json.Write(w, _w[0]);
                w.WriteNumber("repeated", pr.P);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        /// <summary>The whole sparse Jacobian; the output is the reference's excerpt: the first 30 and the last entry of rows, cols, vals.</summary>
        private sealed class BaJacobian(Ba.Problem pr) : IEvaluation
        {
            private readonly Ba.Jacobian _jac = new(pr.P);
            public void Run() => Ba.ComputeJacobian(pr, _jac);

            public void WriteOutput(Utf8JsonWriter w)
            {
                const int head = 2 * Ba.ReprojectionRowNonzeros;
                w.WriteStartObject();
                WriteExcerpt(w, "rows", Array.ConvertAll(_jac.Rows, v => (double)v), head);
                WriteExcerpt(w, "cols", Array.ConvertAll(_jac.Cols, v => (double)v), head);
                WriteExcerpt(w, "vals", _jac.Vals, head);
                w.WriteEndObject();
            }

            private static void WriteExcerpt(Utf8JsonWriter w, string name, double[] values, int head)
            {
                w.WriteStartArray(name);
                for (int i = 0; i < head && i < values.Length - 1; i++) Json.Write(w, values[i]);
                Json.Write(w, values[^1]);
                w.WriteEndArray();
            }
        }

        // ---- ht ----

        /// <summary>The ht input (evals/ht/README.md): theta, us (empty: simple; c pairs: complicated) and data.</summary>
        private sealed class HtInput
        {
            public double[] Theta = Array.Empty<double>();
            public double[,] Us = new double[0, 0];
            public bool Complicated, Mirrored;
            public int Bones, C;
            public int[] Parents = Array.Empty<int>(), Corners = Array.Empty<int>();
            public double[,] BaseRelatives = new double[0, 0], InverseBaseAbsolutes = new double[0, 0];
            public double[,] BasePositions = new double[0, 0], Weights = new double[0, 0], Points = new double[0, 0];

            public static HtInput Read(JsonElement input)
            {
                var h = new HtInput { Theta = Json.Vector(input, "theta", 26) };
                var data = Json.Field(input, "data");
                var model = Json.Field(data, "model");
                h.Parents = IntVector(model, "parents", null);
                h.Bones = h.Parents.Length;
                if (h.Bones < 21) throw new InputException($"the hand model must have at least 21 bones (theta poses bones up to 20), not {h.Bones}");
                for (int b = 0; b < h.Bones; b++)
                {
                    if (h.Parents[b] < -1 || h.Parents[b] >= b)
                        throw new InputException($"\"parents\"[{b}] = {h.Parents[b]}: a parent must be -1 or an earlier bone");
                }
                h.BaseRelatives = Matrices(model, "base_relatives", h.Bones);
                h.InverseBaseAbsolutes = Matrices(model, "inverse_base_absolutes", h.Bones);
                var positions = Json.Field(model, "base_positions");
                int vertices = positions.ValueKind == JsonValueKind.Array ? positions.GetArrayLength() : 0;
                h.BasePositions = Json.Matrix(model, "base_positions", vertices, 4);
                h.Weights = Json.Matrix(model, "weights", vertices, h.Bones);
                var mirrored = Json.Field(model, "is_mirrored");
                if (mirrored.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw new InputException($"\"is_mirrored\" must be a boolean, not {Json.Describe(mirrored)}");
                h.Mirrored = mirrored.GetBoolean();
                int[] correspondences = IntVector(data, "correspondences", null);
                h.C = correspondences.Length;
                h.Points = Json.Matrix(data, "points", h.C, 3);
                var us = Json.Field(input, "us");
                h.Complicated = us.ValueKind == JsonValueKind.Array && us.GetArrayLength() > 0;
                h.Us = h.Complicated ? Json.Matrix(input, "us", h.C, 2) : new double[h.C, 2];
                h.Corners = new int[3 * h.C];
                if (h.Complicated)
                {
                    var trianglesField = Json.Field(model, "triangles");
                    int triangles = trianglesField.ValueKind == JsonValueKind.Array ? trianglesField.GetArrayLength() : 0;
                    int[] flat = IntVector(model, "triangles", 3);
                    for (int i = 0; i < h.C; i++)
                    {
                        int t = correspondences[i];
                        if (t < 0 || t >= triangles) throw new InputException($"\"correspondences\"[{i}] = {t} is not a triangle");
                        for (int q = 0; q < 3; q++) h.Corners[3 * i + q] = CheckVertex(flat[3 * t + q], vertices);
                    }
                }
                else
                {
                    for (int i = 0; i < h.C; i++)
                    {
                        int v = CheckVertex(correspondences[i], vertices);
                        h.Corners[3 * i] = h.Corners[3 * i + 1] = h.Corners[3 * i + 2] = v;
                    }
                }
                return h;
            }

            private static int CheckVertex(int v, int vertices) =>
                v >= 0 && v < vertices ? v : throw new InputException($"vertex {v} is out of range (the model has {vertices})");

            /// <summary>An array of ints, or (rowLength given) an array of rows of that many ints, flattened.</summary>
            private static int[] IntVector(JsonElement obj, string name, int? rowLength)
            {
                var e = Json.Field(obj, name);
                if (e.ValueKind != JsonValueKind.Array) throw new InputException($"\"{name}\" must be an array, not {Json.Describe(e)}");
                var result = new List<int>();
                int i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (rowLength is int len)
                    {
                        if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != len)
                            throw new InputException($"\"{name}\"[{i}] must be an array of {len} integers");
                        foreach (var x in item.EnumerateArray()) result.Add(Json.AsInt(x, $"\"{name}\"[{i}]"));
                    }
                    else
                    {
                        result.Add(Json.AsInt(item, $"\"{name}\"[{i}]"));
                    }
                    i++;
                }
                return result.ToArray();
            }

            /// <summary>count 4 x 4 matrices (arrays of rows) as a count x 16 array, each row-major.</summary>
            private static double[,] Matrices(JsonElement obj, string name, int count)
            {
                var e = Json.Field(obj, name);
                if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != count)
                    throw new InputException($"\"{name}\" must be an array of {count} 4 x 4 matrices");
                var result = new double[count, 16];
                int b = 0;
                foreach (var m in e.EnumerateArray())
                {
                    if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() != 4) throw new InputException($"\"{name}\"[{b}] must have 4 rows");
                    int r = 0;
                    foreach (var row in m.EnumerateArray())
                    {
                        if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != 4) throw new InputException($"\"{name}\"[{b}][{r}] must have 4 numbers");
                        int c = 0;
                        foreach (var x in row.EnumerateArray()) result[b, 4 * r + c++] = Json.AsNumber(x, $"\"{name}\"[{b}][{r}][{c - 1}]");
                        r++;
                    }
                    b++;
                }
                return result;
            }
        }

        private sealed class HtObjective(HtInput h) : IEvaluation
        {
            private readonly double[] _err = new double[3 * h.C];

            public void Run() => Ht.ResidualsForward(h.Theta, h.Us, h.Complicated, h.Bones, h.Parents, h.BaseRelatives,
                h.InverseBaseAbsolutes, h.BasePositions, h.Weights, h.Mirrored, h.Corners, h.Points, 0, h.C, _err);

            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _err);
        }

        /// <summary>
        /// One reverse sweep per residual r = 3i + j, over correspondence i alone, with upstream gradient
        /// e_r: row r is d err_r / d theta, preceded (complicated) by d err_r / d us[i].
        /// </summary>
        private sealed class HtJacobian(HtInput h) : IEvaluation
        {
            private readonly double[,] _jac = new double[3 * h.C, h.Complicated ? 28 : 26];
            private readonly double[] _err = new double[3 * h.C];
            private readonly double[] _errGrad = new double[3 * h.C];
            private readonly double[] _thetaGrad = new double[26];
            private readonly double[,] _usGrad = new double[h.C, 2];

            public void Run()
            {
                int offset = h.Complicated ? 2 : 0;
                for (int i = 0; i < h.C; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        int r = 3 * i + j;
                        _errGrad[r] = 1;
                        Ht.ResidualsBackward(h.Theta, h.Us, h.Complicated, h.Bones, h.Parents, h.BaseRelatives,
                            h.InverseBaseAbsolutes, h.BasePositions, h.Weights, h.Mirrored, h.Corners, h.Points, i, 1, _err,
                            _thetaGrad, _usGrad, _errGrad);
                        _errGrad[r] = 0;
                        if (h.Complicated)
                        {
                            _jac[r, 0] = _usGrad[i, 0];
                            _jac[r, 1] = _usGrad[i, 1];
                        }
                        for (int k = 0; k < 26; k++) _jac[r, offset + k] = _thetaGrad[k];
                    }
                }
            }

            public void WriteOutput(Utf8JsonWriter w) => Json.Write(w, _jac);
        }
    }
}
