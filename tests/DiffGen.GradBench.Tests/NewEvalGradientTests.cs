using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// det, lstm, ba and ht on inputs and branches the reference vectors do not reach, checked against
    /// central differences of the tool's own primal (through the protocol), like <see cref="EdgeCaseTests"/>.
    /// </summary>
    public sealed class NewEvalGradientTests
    {
        private static JsonElement Evaluate(ToolProcess tool, string module, string function, JsonNode input)
        {
            var message = new JsonObject
            {
                ["id"] = 1,
                ["kind"] = "evaluate",
                ["module"] = module,
                ["function"] = function,
                ["input"] = input.DeepClone(),
            };
            var reply = tool.Request(message.ToJsonString());
            Assert.True(reply.GetProperty("success").GetBoolean(), reply.ToString());
            return reply.GetProperty("output").Clone();
        }

        private static void AssertClose(double actual, double expected, double tolerance, string what) =>
            Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected)),
                $"{what}: {actual:R}, expected {expected:R}");

        private static JsonArray Array(params double[] v) => new(v.Select(x => (JsonNode)JsonValue.Create(x)).ToArray());

        // ---- det ----

        private static double LuDeterminant(double[] a, int n)
        {
            var m = (double[])a.Clone();
            double det = 1;
            for (int c = 0; c < n; c++)
            {
                int pivot = c;
                for (int r = c + 1; r < n; r++) if (Math.Abs(m[r * n + c]) > Math.Abs(m[pivot * n + c])) pivot = r;
                if (m[pivot * n + c] == 0) return 0;
                if (pivot != c)
                {
                    for (int k = 0; k < n; k++) (m[c * n + k], m[pivot * n + k]) = (m[pivot * n + k], m[c * n + k]);
                    det = -det;
                }
                det *= m[c * n + c];
                for (int r = c + 1; r < n; r++)
                {
                    double f = m[r * n + c] / m[c * n + c];
                    for (int k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
                }
            }
            return det;
        }

        /// <summary>
        /// ell = 1 (the reference aborts on its gradient), ell up to 5 (one minor, no prefixes) and ell = 8
        /// (prefixes over three rows): the determinant agrees with LU, and the gradient with central
        /// differences, which are exact up to rounding because det is linear in each entry.
        /// </summary>
        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        [InlineData(8)]
        public void DetAgreesWithLuAndCentralDifferences(int ell)
        {
            var rng = new Random(ell);
            double[] a = Enumerable.Range(0, ell * ell).Select(_ => rng.NextDouble() - 0.5).ToArray();
            using var tool = ToolProcess.Start();
            JsonNode Input(double[] m) => new JsonObject { ["A"] = Array(m), ["ell"] = ell };
            double det = Evaluate(tool, "det", "primal", Input(a)).GetDouble();
            AssertClose(det, LuDeterminant(a, ell), 1e-12, $"det, ell = {ell}");
            double[] grad = Evaluate(tool, "det", "gradient", Input(a)).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(ell * ell, grad.Length);
            const double h = 1e-3;
            for (int j = 0; j < a.Length; j++)
            {
                double[] plus = (double[])a.Clone(), minus = (double[])a.Clone();
                plus[j] += h;
                minus[j] -= h;
                double fd = (Evaluate(tool, "det", "primal", Input(plus)).GetDouble() - Evaluate(tool, "det", "primal", Input(minus)).GetDouble()) / (2 * h);
                AssertClose(grad[j], fd, 1e-9, $"d det / d A[{j}], ell = {ell}");
            }
            Assert.Equal(0, tool.CloseAndWait());
        }

        /// <summary>A singular matrix (two equal rows): det 0, and the gradient is the adjugate's transpose, still nonzero.</summary>
        [Fact]
        public void DetOfSingularMatrix()
        {
            double[] a = { 1, 2, 3, 4, 5, 6, 1, 2, 3 };
            using var tool = ToolProcess.Start();
            var input = new JsonObject { ["A"] = Array(a), ["ell"] = 3 };
            Assert.Equal(0, Evaluate(tool, "det", "primal", input).GetDouble(), 14);
            double[] grad = Evaluate(tool, "det", "gradient", input).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            // Cofactors of [[1,2,3],[4,5,6],[1,2,3]].
            double[] cofactors = { 3, -6, 3, 0, 0, 0, -3, 6, -3 };
            for (int j = 0; j < 9; j++) Assert.Equal(cofactors[j], grad[j], 12);
            Assert.Equal(0, tool.CloseAndWait());
        }

        // ---- lstm ----

        /// <summary>A sample of main_params and extra_params entries of the l = 2, c = 16 vector against central differences.</summary>
        [Fact]
        public void LstmJacobianAgreesWithCentralDifferences()
        {
            var line = JsonNode.Parse(Vectors.Lines("lstm.jsonl")[2])!;
            Assert.Equal("l=2,c=16", (string)line["description"]!);
            var input = line["input"]!;
            int rows = input["main_params"]!.AsArray().Count, cols = input["main_params"]![0]!.AsArray().Count, b = input["extra_params"]![0]!.AsArray().Count;
            using var tool = ToolProcess.Start();
            double[] jac = Evaluate(tool, "lstm", "jacobian", input).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(rows * cols + 3 * b, jac.Length);
            const double h = 1e-5;
            var rng = new Random(4);
            var picks = Enumerable.Range(0, 12).Select(_ => rng.Next(jac.Length)).Append(0).Append(jac.Length - 1).Distinct();
            foreach (int j in picks)
            {
                double Perturbed(double delta)
                {
                    var copy = input.DeepClone();
                    var cell = j < rows * cols ? copy["main_params"]![j / cols]!.AsArray() : copy["extra_params"]![(j - rows * cols) / b]!.AsArray();
                    int index = j < rows * cols ? j % cols : (j - rows * cols) % b;
                    cell[index] = (double)cell[index]! + delta;
                    return Evaluate(tool, "lstm", "objective", copy).GetDouble();
                }
                double fd = (Perturbed(h) - Perturbed(-h)) / (2 * h);
                Assert.True(Math.Abs(jac[j] - fd) <= 1e-8, $"lstm jacobian[{j}] = {jac[j]:R}, central difference {fd:R}");
            }
            Assert.Equal(0, tool.CloseAndWait());
        }

        // ---- ba ----

        /// <summary>
        /// One camera, point and observation; the rotation is exactly zero, so Rodrigues takes its
        /// small-angle branch (X - C + r x (X - C)), which no reference vector reaches. Row 0 and row 1 of
        /// the Jacobian are the gradients of the two reprojection residuals, the last entry -2w.
        /// </summary>
        [Theory]
        [InlineData(0.0)]
        [InlineData(0.3)]
        public void BaJacobianAgreesWithCentralDifferences(double rotation)
        {
            double[] cam = { rotation, -rotation / 2, rotation / 3, 0.1, -0.2, -3.0, 400, 3, -2, 1e-3, 1e-6 };
            double[] x = { 0.5, -0.4, 1.5 };
            double w = 0.7;
            JsonNode Input(double[] c, double[] p, double weight) => new JsonObject
            {
                ["n"] = 1, ["m"] = 1, ["p"] = 1, ["cam"] = Array(c), ["x"] = Array(p), ["w"] = weight, ["feat"] = Array(2.0, -1.0),
            };
            using var tool = ToolProcess.Start();
            var jac = Evaluate(tool, "ba", "jacobian", Input(cam, x, w));
            int[] rowsPtr = jac.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int[] colIdx = jac.GetProperty("cols").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            double[] vals = jac.GetProperty("vals").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            // p = 1: the whole Jacobian is 3 rows, 31 nonzeros, all in the excerpt.
            Assert.Equal(new[] { 0, 15, 30, 31 }, rowsPtr);
            Assert.Equal(Enumerable.Range(0, 15).Concat(Enumerable.Range(0, 15)).Append(14), colIdx);
            AssertClose(vals[30], -2 * w, 1e-15, "d w_err / d w");

            double[] Residuals(double[] c, double[] p, double weight)
            {
                var o = Evaluate(tool, "ba", "objective", Input(c, p, weight));
                return o.GetProperty("reproj_error").GetProperty("elements").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            }
            for (int col = 0; col < 15; col++)
            {
                double h = col < 11 ? Math.Max(1e-6, 1e-6 * Math.Abs(cam[col])) : 1e-6;
                double[] Shift(double delta)
                {
                    double[] c = (double[])cam.Clone(), p = (double[])x.Clone();
                    double weight = w;
                    if (col < 11) c[col] += delta;
                    else if (col < 14) p[col - 11] += delta;
                    else weight += delta;
                    return Residuals(c, p, weight);
                }
                double[] plus = Shift(h), minus = Shift(-h);
                for (int r = 0; r < 2; r++)
                {
                    double fd = (plus[r] - minus[r]) / (2 * h);
                    AssertClose(vals[15 * r + col], fd, 1e-6, $"d reproj[{r}] / d column {col}, rotation {rotation}");
                }
            }
            Assert.Equal(0, tool.CloseAndWait());
        }

        // ---- ht ----

        /// <summary>
        /// The reference vectors' hand model, made mirrored and given a global rotation below 1e-4 (the
        /// identity branch), with five correspondences: both variants' Jacobians against central
        /// differences of the objective, column by column.
        /// </summary>
        [Theory]
        [InlineData(0)]
        [InlineData(2)]
        public void HtJacobianAgreesWithCentralDifferencesMirroredAndUnrotated(int line)
        {
            var input = JsonNode.Parse(Vectors.Lines("ht.jsonl")[line])!["input"]!;
            var data = input["data"]!;
            data["model"]!["is_mirrored"] = true;
            int c = 5;
            data["correspondences"] = new JsonArray(data["correspondences"]!.AsArray().Take(c).Select(n => n!.DeepClone()).ToArray());
            data["points"] = new JsonArray(data["points"]!.AsArray().Take(c).Select(n => n!.DeepClone()).ToArray());
            bool complicated = input["us"]!.AsArray().Count > 0;
            if (complicated) input["us"] = new JsonArray(input["us"]!.AsArray().Take(c).Select(n => n!.DeepClone()).ToArray());
            var theta = input["theta"]!.AsArray();
            theta[0] = 1e-5;
            theta[1] = -2e-5;
            theta[2] = 0.0;

            using var tool = ToolProcess.Start();
            double[][] jac = Evaluate(tool, "ht", "jacobian", input).EnumerateArray()
                .Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
            Assert.Equal(3 * c, jac.Length);
            int offset = complicated ? 2 : 0;
            Assert.All(jac, r => Assert.Equal(26 + offset, r.Length));

            double[] Objective(JsonNode i) => Evaluate(tool, "ht", "objective", i).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            const double h = 1e-6;
            // theta: columns offset .. offset + 25. The global rotation's columns are 0 in the identity
            // branch; its central differences stay inside the branch (|theta[0..2]| + h < 1e-4).
            for (int k = 0; k < 26; k++)
            {
                double[] Shift(double delta)
                {
                    var copy = input.DeepClone();
                    copy["theta"]![k] = (double)copy["theta"]![k]! + delta;
                    return Objective(copy);
                }
                double[] plus = Shift(h), minus = Shift(-h);
                for (int r = 0; r < 3 * c; r++)
                {
                    double fd = (plus[r] - minus[r]) / (2 * h);
                    AssertClose(jac[r][offset + k], fd, 1e-6, $"d err[{r}] / d theta[{k}]");
                }
            }
            if (complicated)
            {
                // us: correspondence i's pair is columns 0, 1 of rows 3i .. 3i + 2.
                for (int i = 0; i < c; i++)
                {
                    for (int u = 0; u < 2; u++)
                    {
                        double[] Shift(double delta)
                        {
                            var copy = input.DeepClone();
                            copy["us"]![i]![u] = (double)copy["us"]![i]![u]! + delta;
                            return Objective(copy);
                        }
                        double[] plus = Shift(h), minus = Shift(-h);
                        for (int j = 0; j < 3; j++)
                        {
                            double fd = (plus[3 * i + j] - minus[3 * i + j]) / (2 * h);
                            AssertClose(jac[3 * i + j][u], fd, 1e-6, $"d err[{3 * i + j}] / d us[{i}][{u}]");
                        }
                    }
                }
            }
            Assert.Equal(0, tool.CloseAndWait());
        }
    }
}
