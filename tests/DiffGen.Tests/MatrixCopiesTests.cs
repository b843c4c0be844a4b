using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="MatrixCopies"/>: the oracle (Forward, Backward's value, gradients against central differences, inputs unchanged).</summary>
    public class MatrixCopiesTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(MatrixCopies), name, args);

        [Theory]
        [InlineData(0)]
        [InlineData(4)]
        public void Heat2D(int steps) => Check("Heat2D", TestData.Matrix(new Random(50), 5, 4), 0.2, steps);

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Heat2DSwapped(int steps) => Check("Heat2DSwapped", TestData.Matrix(new Random(52), 5, 4), 0.15, steps);

        [Fact]
        public void Reshaped() => Check("Reshaped", TestData.Matrix(new Random(51), 2, 5));
    }
}
