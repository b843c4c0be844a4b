using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// NT-Xent against the golden cases in Data/ntxent_cases.json (copied from shared/oracle): loss from the
    /// question's numpy loop code, gradients from an independent float64 autograd implementation.
    /// Double: <c>|a - b| &lt;= 1e-9 * max(1, |b|)</c> for loss, every gradient entry and dL/dtau.
    /// Float variant: <c>|a - b| &lt;= 1e-3 * max(1, |b|)</c> (inputs rounded to float, single-precision
    /// sums of up to 2B*D = 1024 terms, temperatures down to 0.07).
    /// </summary>
    public class NtXentOracleTests
    {
        private const double DoubleTol = 1e-9;
        private const double FloatTol = 1e-3;

        /// <summary>One golden case.</summary>
        public sealed class Case
        {
            public int Seed { get; init; }
            public int Batch { get; init; }
            public int Dim { get; init; }
            public double Tau { get; init; }
            public double[,] Zi { get; init; } = new double[0, 0];
            public double[,] Zj { get; init; } = new double[0, 0];
            public double Loss { get; init; }
            public double[,] GradZi { get; init; } = new double[0, 0];
            public double[,] GradZj { get; init; } = new double[0, 0];
            public double GradTau { get; init; }
        }

        private static readonly Lazy<Case[]> s_cases = new Lazy<Case[]>(Load);

        /// <summary>Path of the copied oracle file next to the test assembly.</summary>
        public static string DataPath => Path.Combine(AppContext.BaseDirectory, "Data", "ntxent_cases.json");

        private static double[,] Matrix(JsonElement e)
        {
            int rows = e.GetArrayLength();
            int cols = rows == 0 ? 0 : e[0].GetArrayLength();
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            {
                Assert.Equal(cols, e[i].GetArrayLength());
                for (int j = 0; j < cols; j++) m[i, j] = e[i][j].GetDouble();
            }
            return m;
        }

        private static Case[] Load()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(DataPath));
            var cases = new List<Case>();
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                cases.Add(new Case
                {
                    Seed = c.GetProperty("seed").GetInt32(),
                    Batch = c.GetProperty("batch").GetInt32(),
                    Dim = c.GetProperty("dim").GetInt32(),
                    Tau = c.GetProperty("tau").GetDouble(),
                    Zi = Matrix(c.GetProperty("zi")),
                    Zj = Matrix(c.GetProperty("zj")),
                    Loss = c.GetProperty("loss").GetDouble(),
                    GradZi = Matrix(c.GetProperty("grad_zi")),
                    GradZj = Matrix(c.GetProperty("grad_zj")),
                    GradTau = c.GetProperty("grad_tau").GetDouble(),
                });
            }
            return cases.ToArray();
        }

        /// <summary>Case indices for the theories.</summary>
        public static IEnumerable<object[]> CaseIndices() => Enumerable.Range(0, s_cases.Value.Length).Select(i => new object[] { i });

        private static void Near(double expected, double actual, double tol, string what)
        {
            if (double.IsNaN(actual) || Math.Abs(actual - expected) > tol * Math.Max(1.0, Math.Abs(expected)))
            {
                Assert.Fail($"{what}: oracle {expected:R}, got {actual:R} (|diff| = {Math.Abs(actual - expected):E3}, tol {tol:E1} * max(1, |oracle|))");
            }
        }

        private static void Near(double[,] expected, double[,] actual, double tol, string what)
        {
            Assert.Equal(expected.GetLength(0), actual.GetLength(0));
            Assert.Equal(expected.GetLength(1), actual.GetLength(1));
            for (int i = 0; i < expected.GetLength(0); i++)
                for (int j = 0; j < expected.GetLength(1); j++)
                    Near(expected[i, j], actual[i, j], tol, $"{what}[{i}, {j}]");
        }

        private static void Near(double[,] expected, double[][] actual, double tol, string what)
        {
            Assert.Equal(expected.GetLength(0), actual.Length);
            for (int i = 0; i < actual.Length; i++)
                for (int j = 0; j < expected.GetLength(1); j++)
                    Near(expected[i, j], actual[i][j], tol, $"{what}[{i}][{j}]");
        }

        [Fact]
        public void OracleFile_IsCopiedAndHasCases()
        {
            Assert.True(File.Exists(DataPath), $"missing {DataPath} (Data/** is copied to the output directory)");
            var cases = s_cases.Value;
            Assert.True(cases.Length >= 6, $"expected at least 6 golden cases, found {cases.Length}");
            foreach (var c in cases)
            {
                Assert.Equal(c.Batch, c.Zi.GetLength(0));
                Assert.Equal(c.Dim, c.Zi.GetLength(1));
            }
        }

        [Theory]
        [MemberData(nameof(CaseIndices))]
        public void UsersLoopCode_MatchesOracleLoss(int index)
        {
            var c = s_cases.Value[index];
            Near(c.Loss, NtXentCorpus.NtXent(c.Zi, c.Zj, c.Tau), DoubleTol, $"case seed={c.Seed} user NtXent loss");
            Near(c.Loss, NtXentCorpus.NtXentJagged(TestData.ToJagged(c.Zi), TestData.ToJagged(c.Zj), c.Tau), DoubleTol, $"case seed={c.Seed} user NtXentJagged loss");
        }

        [Theory]
        [MemberData(nameof(CaseIndices))]
        public void NtXentBackward_MatchesOracle(int index)
        {
            var c = s_cases.Value[index];
            string name = $"case seed={c.Seed} B={c.Batch} D={c.Dim} tau={c.Tau}";
            Near(c.Loss, NtXentCorpus.NtXentForward(c.Zi, c.Zj, c.Tau), DoubleTol, name + " NtXentForward");

            var gzi = TestData.Garbage(c.Zi);
            var gzj = TestData.Garbage(c.Zj);
            double loss = NtXentCorpus.NtXentBackward(c.Zi, c.Zj, c.Tau, gzi, gzj, out double gtau);
            Near(c.Loss, loss, DoubleTol, name + " loss");
            Near(c.GradZi, gzi, DoubleTol, name + " grad_zi");
            Near(c.GradZj, gzj, DoubleTol, name + " grad_zj");
            Near(c.GradTau, gtau, DoubleTol, name + " grad_tau");
        }

        [Theory]
        [MemberData(nameof(CaseIndices))]
        public void NtXentJaggedBackward_MatchesOracle(int index)
        {
            var c = s_cases.Value[index];
            string name = $"case seed={c.Seed} B={c.Batch} D={c.Dim} tau={c.Tau} (jagged)";
            var zi = TestData.ToJagged(c.Zi);
            var zj = TestData.ToJagged(c.Zj);
            Near(c.Loss, NtXentCorpus.NtXentJaggedForward(zi, zj, c.Tau), DoubleTol, name + " NtXentJaggedForward");

            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            double loss = NtXentCorpus.NtXentJaggedBackward(zi, zj, c.Tau, gzi, gzj, out double gtau);
            Near(c.Loss, loss, DoubleTol, name + " loss");
            Near(c.GradZi, gzi, DoubleTol, name + " grad_zi");
            Near(c.GradZj, gzj, DoubleTol, name + " grad_zj");
            Near(c.GradTau, gtau, DoubleTol, name + " grad_tau");
        }

        [Theory]
        [MemberData(nameof(CaseIndices))]
        public void NtXentFBackward_MatchesOracleInSinglePrecision(int index)
        {
            var c = s_cases.Value[index];
            string name = $"case seed={c.Seed} B={c.Batch} D={c.Dim} tau={c.Tau} (float)";
            var zi = TestData.ToFloat(c.Zi);
            var zj = TestData.ToFloat(c.Zj);
            float tau = (float)c.Tau;
            Near(c.Loss, NtXentCorpus.NtXentF(zi, zj, tau), FloatTol, name + " user NtXentF");
            Near(c.Loss, NtXentCorpus.NtXentFForward(zi, zj, tau), FloatTol, name + " NtXentFForward");

            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            float loss = NtXentCorpus.NtXentFBackward(zi, zj, tau, gzi, gzj, out float gtau);
            Near(c.Loss, loss, FloatTol, name + " loss");
            Near(c.GradZi, TestData.ToDouble(gzi), FloatTol, name + " grad_zi");
            Near(c.GradZj, TestData.ToDouble(gzj), FloatTol, name + " grad_zj");
            Near(c.GradTau, gtau, FloatTol, name + " grad_tau");
        }
    }
}
