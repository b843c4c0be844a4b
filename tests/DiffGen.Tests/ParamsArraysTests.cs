using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="ParamsArrays"/>: Forward called as the method is (defaults and params), and the oracle.</summary>
    public class ParamsArraysTests
    {
        [Fact]
        public void Forward_takes_the_calls_written_for_the_method()
        {
            Assert.Equal(ParamsArrays.PNorm(2.0, 3.0, 4.0), ParamsArrays.PNormForward(2.0, 3.0, 4.0), 12);
            Assert.Equal(5.0, ParamsArrays.PNormForward(xs: new[] { 3.0, 4.0 }), 12);
        }

        [Fact]
        public void PNorm_matches_finite_differences() =>
            MethodOracle.Check(typeof(ParamsArrays), "PNorm", new object?[] { 3.0, TestData.Vector(new Random(90), 6) });

        [Fact]
        public void Backward_of_PNorm()
        {
            double gp;
            var gx = new double[2];
            double v = ParamsArrays.PNormBackward(2.0, new[] { 3.0, 4.0 }, out gp, gx);
            Assert.Equal(5.0, v, 12);
            Assert.Equal(0.6, gx[0], 12);
            Assert.Equal(0.8, gx[1], 12);
        }
    }
}
