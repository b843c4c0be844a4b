using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// User-defined conversion operators (<see cref="ConversionOperators"/>): every function against central differences of the
    /// user's code, its Forward against the user's value, a seed scaling the gradients, the inputs left alone (MethodOracle);
    /// the class parameter's conversion read at the call's value.
    /// </summary>
    public class ConversionOperatorsTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(ConversionOperators), name, args);

        [Fact]
        public void Pendulum_energy_in_degrees() =>
            Check(nameof(ConversionOperators.PendulumEnergy), TestData.Vector(new Random(4701), 6, 40.0), TestData.Vector(new Random(4702), 6), 1.3);

        [Fact]
        public void Bce_through_implicit_conversions_both_ways()
        {
            var r = new Random(4703);
            Check(nameof(ConversionOperators.BceFromLogits), TestData.Vector(r, 7, 2.0), Enumerable.Range(0, 7).Select(i => (double)(i % 2)).ToArray());
        }

        [Fact]
        public void A_helpers_struct_result_converted() =>
            Check(nameof(ConversionOperators.ConvertedCalls), TestData.Vector(new Random(4706), 5, 30.0));

        [Fact]
        public void Explicit_casts_both_ways() =>
            Check(nameof(ConversionOperators.RoundTrips), TestData.Vector(new Random(4704), 5));

        [Fact]
        public void A_class_parameters_explicit_conversion()
        {
            var reading = new CelsiusReading { C = 21.5 };
            var w = TestData.Vector(new Random(4705), 4);
            double value = ConversionOperators.KelvinFit(reading, w);
            Assert.Equal(value, ConversionOperators.KelvinFitForward(reading, w), 12);
            var g = TestData.Garbage(w);
            Assert.Equal(value, ConversionOperators.KelvinFitBackward(reading, w, g), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => ConversionOperators.KelvinFit(reading, w), w), g, "dw");
            reading.C = -40;
            Assert.Equal(ConversionOperators.KelvinFit(reading, w), ConversionOperators.KelvinFitForward(reading, w), 12);
        }
    }
}
