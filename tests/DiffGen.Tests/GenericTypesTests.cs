using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Methods of generic types (<see cref="TaggedRegressor{TTag}"/>, <see cref="UnitScaled{TUnit}"/>): gradients against central
    /// differences of the user's method for two instantiations, Forward and Backward's value against the method.
    /// </summary>
    public class GenericTypesTests
    {
        private static void Regressor<T>()
        {
            var r = new Random(4901);
            var m = new TaggedRegressor<T> { W = TestData.Vector(r, 4, 0.5), Bias = 0.1 };
            var x = TestData.Vector(r, 4);
            double value = m.Loss(x, 0.3);
            Check.Forward(value, m.LossForward(x, 0.3), "Forward");
            var gw = TestData.Garbage(m.W);
            Check.Forward(value, m.LossBackward(x, 0.3, gw, out double gBias), "Backward value");
            Check.Gradient(FiniteDiff.Gradient(() => m.Loss(x, 0.3), m.W), gw, "dW");
            double b0 = m.Bias;
            Check.Gradient(FiniteDiff.Derivative(b => { m.Bias = b; double v = m.Loss(x, 0.3); m.Bias = b0; return v; }, b0), gBias, "dBias");
        }

        [Fact]
        public void A_model_class_tagged_by_a_type_parameter()
        {
            Regressor<string>();
            Regressor<int>();
        }

        [Fact]
        public void Static_methods_of_a_generic_class_and_of_a_type_nested_in_it()
        {
            var r = new Random(4902);
            MethodOracle.Check(typeof(UnitScaled<int>), nameof(UnitScaled<int>.Energy), new object?[] { TestData.Vector(r, 6), 0.7 });
            MethodOracle.Check(typeof(UnitScaled<double>), nameof(UnitScaled<double>.Energy), new object?[] { TestData.Vector(r, 6), 1.3 });
            MethodOracle.Check(typeof(UnitScaled<int>.Nested), nameof(UnitScaled<int>.Nested.SoftMax), new object?[] { TestData.Vector(r, 5) });
        }
    }
}
