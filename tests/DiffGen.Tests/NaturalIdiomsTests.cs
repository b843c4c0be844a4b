using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Issue 10: natural idioms, each against central differences and its own contract.</summary>
    public class NaturalIdiomsTests
    {
        [Fact]
        public void Guard_clauses_run_first_and_the_math_is_differentiated()
        {
            var rng = new Random(1001);
            var x = TestData.Vector(rng, 7);
            double scale = 0.7;
            double reference = NaturalIdioms.GuardedMeanSquare(x, scale);
            Check.Forward(reference, NaturalIdioms.GuardedMeanSquareForward(x, scale), "Forward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, NaturalIdioms.GuardedMeanSquareBackward(x, scale, gx, out double gs), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => NaturalIdioms.GuardedMeanSquare(x, scale), x), gx, "dx");
            Check.Gradient(FiniteDiff.Derivative(s => NaturalIdioms.GuardedMeanSquare(x, s), scale), gs, "dscale");
        }

        [Fact]
        public void Guard_clauses_throw_the_users_exceptions_before_anything_is_written()
        {
            var empty = Array.Empty<double>();
            var e = Assert.Throws<ArgumentException>(() => NaturalIdioms.GuardedMeanSquareForward(empty, 1.0));
            Assert.Equal("x", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => NaturalIdioms.GuardedMeanSquareBackward(empty, 1.0, empty, out _));
            Assert.Equal("x", e.ParamName);

            var x = new[] { 1.0, 2.0 };
            var gx = new[] { 5.0, 6.0 };
            var r = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareBackward(x, 0.0, gx, out _));
            Assert.Equal("scale", r.ParamName);
            Assert.Equal(new[] { 5.0, 6.0 }, gx); // the gradient buffer was not cleared: the check ran first
            r = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareForward(x, double.NaN));
            Assert.Equal("scale", r.ParamName);
        }
    }
}
