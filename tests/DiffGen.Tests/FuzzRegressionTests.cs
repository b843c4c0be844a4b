using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The fuzzer's regressions (Corpus/FuzzRegressions.cs) against central finite differences of the user's method, at
    /// inputs that take each branch. The device emulation and multi-core tests run them as corpus methods too.
    /// </summary>
    public class FuzzRegressionTests
    {
        private static void CheckVector(Func<double[], double, double> user, Func<double[], double, double[], (double Value, double AGrad)> backward, double[] x, double a)
        {
            var g = new double[x.Length];
            var (value, aGrad) = backward(x, a, g);
            Check.Forward(user(x, a), value, "value");
            var fd = FiniteDiff.Gradient(() => user(x, a), x);
            for (int i = 0; i < x.Length; i++) Check.Gradient(fd[i], g[i], $"d/dx[{i}]");
            Check.Gradient(FiniteDiff.Derivative(v => user(x, v), a), aGrad, "d/da");
        }

        [Theory]
        [InlineData(0.3)]
        [InlineData(0.9)]
        public void Nested_value_branches(double a)
            => CheckVector(FuzzRegressions.NestedValueBranches,
                (x, v, g) => (FuzzRegressions.NestedValueBranchesBackward(x, v, g, out double ga), ga),
                new[] { 0.7, 0.4, 0.9, 0.2, 0.6 }, a);

        [Theory]
        [InlineData(-0.9)]
        [InlineData(0.2)]
        [InlineData(0.8)]
        public void Continue_in_a_value_branch(double a)
            => CheckVector(FuzzRegressions.ContinueInValueBranch,
                (x, v, g) => (FuzzRegressions.ContinueInValueBranchBackward(x, v, g, out double ga), ga),
                new[] { 0.7, 1.4, -0.9, 0.3, 0.6, 1.2 }, a);

        [Fact]
        public void Max_of_the_same_operand()
            => CheckVector(FuzzRegressions.MaxOfSameOperand,
                (x, v, g) => (FuzzRegressions.MaxOfSameOperandBackward(x, v, g, out double ga), ga),
                new[] { 0.7, -0.4, 0.9 }, 0.6);

        [Fact]
        public void Nested_step_two_loop()
        {
            var rng = new Random(4);
            var x = TestData.Matrix(rng, 5, 3);
            var g = new double[5, 3];
            double value = FuzzRegressions.NestedStepTwoLoopBackward(x, 0.7, g, out double ga);
            Check.Forward(FuzzRegressions.NestedStepTwoLoop(x, 0.7), value, "value");
            var fd = FiniteDiff.Gradient(() => FuzzRegressions.NestedStepTwoLoop(x, 0.7), x);
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 3; j++) Check.Gradient(fd[i, j], g[i, j], $"d/dx[{i},{j}]");
            Check.Gradient(FiniteDiff.Derivative(v => FuzzRegressions.NestedStepTwoLoop(x, v), 0.7), ga, "d/da");
        }

        [Theory]
        [InlineData(0.2)]
        [InlineData(2.0)]
        public void Value_branch_with_a_local_array(double a)
        {
            var rng = new Random(5);
            var x = TestData.Matrix(rng, 3, 3);
            var y = new[] { 0.9, 0.4, -0.3 };
            var gx = new double[3, 3];
            var gy = new double[3];
            double value = FuzzRegressions.ValueBranchWithLocalArrayBackward(x, y, a, gx, gy, out double ga);
            Check.Forward(FuzzRegressions.ValueBranchWithLocalArray(x, y, a), value, "value");
            var fdx = FiniteDiff.Gradient(() => FuzzRegressions.ValueBranchWithLocalArray(x, y, a), x);
            var fdy = FiniteDiff.Gradient(() => FuzzRegressions.ValueBranchWithLocalArray(x, y, a), y);
            for (int i = 0; i < 3; i++)
            {
                Check.Gradient(fdy[i], gy[i], $"d/dy[{i}]");
                for (int j = 0; j < 3; j++) Check.Gradient(fdx[i, j], gx[i, j], $"d/dx[{i},{j}]");
            }
            Check.Gradient(FiniteDiff.Derivative(v => FuzzRegressions.ValueBranchWithLocalArray(x, y, v), a), ga, "d/da");
        }
    }
}
