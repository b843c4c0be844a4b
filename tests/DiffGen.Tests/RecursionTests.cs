using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Recursive helpers (<see cref="Recursion"/>): the oracle on each, and the unrolled recursion's depth limit as an exception.</summary>
    public class RecursionTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(Recursion), name, args);

        [Fact] public void PolySum() => Check("PolySum", new[] { 0.5, -0.3, 0.2, 0.7, -0.1, 0.05 }, new[] { 0.3, -0.8, 1.1 });

        [Fact]
        public void PolySum_deeper_than_the_unrolling_throws_and_says_why()
        {
            var c = Enumerable.Range(0, 20).Select(i => 1.0 / (i + 1)).ToArray(); // 20 coefficients: 19 nested calls, more than 16
            var xs = new[] { 0.3 };
            Assert.True(double.IsFinite(Recursion.PolySum(c, xs)));
            var e = Assert.Throws<NotSupportedException>(() => Recursion.PolySumForward(c, xs));
            Assert.Contains("'Horner' was unrolled 16 calls deep", e.Message);
            Assert.Throws<NotSupportedException>(() => Recursion.PolySumBackward(c, xs, new double[20], new double[1]));
            // within the depth: the oracle
            Check("PolySum", c.Take(16).ToArray(), xs);
        }

        [Theory]
        [InlineData(3)]
        [InlineData(60)] // a tail call is a loop: no depth limit
        public void TailPower(int n) => Check("TailPower", 1.01, 0.995, n);

        [Theory]
        [InlineData(4)]
        [InlineData(30)]
        public void AtanContinued(int depth)
        {
            Check("AtanContinued", new[] { 0.3, -0.7, 1.2 }, depth);
            if (depth == 30) Assert.Equal(Math.Atan(0.3) + Math.Atan(-0.7) + Math.Atan(1.2), Recursion.AtanContinuedForward(new[] { 0.3, -0.7, 1.2 }, depth), 10);
        }
    
        [Theory]
        [InlineData(5)]
        [InlineData(17)] // the method's own level and 16 unrolled calls
        public void PolyRec_the_method_calling_itself(int n) =>
            Check("PolyRec", Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray(), 0.8, 0);

        [Fact]
        public void PolyRec_deeper_than_the_unrolling_throws_and_says_why()
        {
            var c = Enumerable.Range(0, 18).Select(i => 1.0 / (i + 1)).ToArray();
            Assert.True(double.IsFinite(Recursion.PolyRec(c, 0.5, 0)));
            var e = Assert.Throws<NotSupportedException>(() => Recursion.PolyRecForward(c, 0.5, 0));
            Assert.Contains("'PolyRec' was unrolled 16 calls deep", e.Message);
            Assert.Throws<NotSupportedException>(() => Recursion.PolyRecBackward(c, 0.5, 0, new double[18], out _));
            // started further in, the same coefficients fit: the oracle
            Check("PolyRec", c, 0.5, 3);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(3)]
        [InlineData(200)] // a tail call is a loop: no depth limit
        public void PowTail_the_method_calling_itself_as_a_tail_call(int n) => Check("PowTail", 1.003, n, 0.7);

        [Theory]
        [InlineData(1)]
        [InlineData(50)]
        public void Damped_tail_call_with_a_block_body(int steps) => Check("Damped", 0.2, 1.3, steps);
    }
}
