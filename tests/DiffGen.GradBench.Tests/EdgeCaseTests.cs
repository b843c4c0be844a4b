using System;
using System.Globalization;
using System.Linq;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// Inputs the reference vectors do not reach, checked against central differences of the tool's own
    /// primal (through the protocol).
    /// </summary>
    public sealed class EdgeCaseTests
    {
        private static string Json(double[] v) => "[" + string.Join(",", v.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]";

        private static double Primal(ToolProcess tool, string module, string inputWithoutX, double[] x)
        {
            var reply = tool.Request($"{{\"id\":1,\"kind\":\"evaluate\",\"module\":\"{module}\",\"function\":\"primal\",\"input\":{{\"x\":{Json(x)}{inputWithoutX}}}}}");
            Assert.True(reply.GetProperty("success").GetBoolean(), reply.ToString());
            return reply.GetProperty("output").GetDouble();
        }

        private static void CheckGradient(string module, string inputWithoutX, double[] x, double h, double tolerance)
        {
            using var tool = ToolProcess.Start();
            var reply = tool.Request($"{{\"id\":0,\"kind\":\"evaluate\",\"module\":\"{module}\",\"function\":\"gradient\",\"input\":{{\"x\":{Json(x)}{inputWithoutX}}}}}");
            Assert.True(reply.GetProperty("success").GetBoolean(), reply.ToString());
            double[] grad = reply.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(x.Length, grad.Length);
            for (int j = 0; j < x.Length; j++)
            {
                double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
                plus[j] += h;
                minus[j] -= h;
                double fd = (Primal(tool, module, inputWithoutX, plus) - Primal(tool, module, inputWithoutX, minus)) / (2 * h);
                Assert.True(Math.Abs(grad[j] - fd) <= tolerance * Math.Max(1, Math.Abs(fd)),
                    $"{module} gradient[{j}] = {grad[j]:R}, central difference {fd:R}");
            }
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Theory]
        [InlineData(3)]
        [InlineData(7)]
        public void LlsqWithOddNHitsTExactlyZero(int n)
        {
            // t_{(n-1)/2} = 0 exactly, so sign(t) = 0 and pow(0, 0) appear; y is quadratic in x, so central
            // differences are exact up to rounding.
            CheckGradient("llsq", $",\"n\":{n}", new[] { 0.3, -0.2, 0.5, 0.1, 0.7 }, 1e-3, 1e-9);
        }

        [Fact]
        public void LseWithTiedMaxima()
        {
            // The maximum is attained twice: the max loop's derivative picks one, the result must not care.
            CheckGradient("lse", "", new[] { 1.0, 3.0, 3.0, 2.0, -4.0 }, 1e-5, 1e-8);
        }
    }
}
