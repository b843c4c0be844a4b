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
    }
}
