using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Reverse sweeps that read forward locals (Differentiate/ForwardValues.cs) and those that must not: every method's
    /// gradient against central differences, on both sides of each if. The IR snapshots show which reads were replaced.
    /// </summary>
    public class ForwardValuesTests
    {
        private static double[] X(int seed, int n)
        {
            var rng = new Random(seed);
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = rng.NextDouble() * 1.6 - 0.8;
            return x;
        }

        [Theory]
        [InlineData(1, 0.7)]
        [InlineData(2, 1.0)]
        [InlineData(3, 0.0)] // sq = 0: the if is skipped
        public void Rotation(int seed, double scale)
        {
            var r = X(seed, 3);
            for (int i = 0; i < 3; i++) r[i] *= scale;
            var p = X(seed + 10, 3);
            Check.Forward(ForwardValues.Rotation(r, p), ForwardValues.RotationForward(r, p), "Forward");
            var gr = TestData.Garbage(r);
            var gp = TestData.Garbage(p);
            Check.Forward(ForwardValues.Rotation(r, p), ForwardValues.RotationBackward(r, p, gr, gp), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => ForwardValues.Rotation(r, p), r), gr, "dr");
            Check.Gradient(FiniteDiff.Gradient(() => ForwardValues.Rotation(r, p), p), gp, "dp");
        }

        [Fact]
        public void AngleChanges() =>
            Check.VectorMethod(X(4, 3), ForwardValues.AngleChanges, ForwardValues.AngleChangesForward, ForwardValues.AngleChangesBackward, "AngleChanges", 2.5);

        [Theory]
        [InlineData(1.0)]
        [InlineData(-1.0)]
        public void KeptInABranch(double a)
        {
            var x = X(5, 3);
            var g = TestData.Garbage(x);
            double value = ForwardValues.KeptInABranchBackward(x, a, g);
            Check.Forward(ForwardValues.KeptInABranch(x, a), value, "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => ForwardValues.KeptInABranch(x, a), x), g, "dx");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4)]
        public void AngleStepsInALoop(int n)
        {
            var x = X(6 + n, 3);
            var g = TestData.Garbage(x);
            double value = ForwardValues.AngleStepsInALoopBackward(x, n, g);
            Check.Forward(ForwardValues.AngleStepsInALoop(x, n), value, "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => ForwardValues.AngleStepsInALoop(x, n), x), g, "dx");
        }
    }
}
