using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Calls the object's class chooses at run time (corpus <see cref="DispatchRegressor"/>, <see cref="DispatchedCalls"/>):
    /// every class of the compilation, as the field's or the parameter's object, against central differences of the
    /// user's method (inputs, the weight field and the head's base-class weights); Forward against the method; a class the
    /// build did not see and a null object throw before anything is written.
    /// </summary>
    public class DispatchedCallsTests
    {
        private static readonly double[] X = { 0.9, -1.3, 0.4, 2.1, -0.2 };

        public static TheoryData<int, int> Pairs()
        {
            var d = new TheoryData<int, int>();
            for (int a = 0; a < 4; a++) for (int h = 0; h < 2; h++) d.Add(a, h);
            return d;
        }

        private static IDispatchActivation Activation(int a) => a switch
        {
            0 => new DispatchRelu(),
            1 => new DispatchSoftplus { Beta = 2.0 },
            2 => new DispatchLeaky { Slope = 0.2 },
            _ => new DispatchScaledLeaky { Slope = 0.05, Gain = 1.7 },
        };

        private static DispatchHead Head(int h) => h == 0
            ? new DispatchLinearHead { W = new[] { 0.7, -0.4, 1.1, 0.3, -0.9 } }
            : new DispatchSquaredHead { W = new[] { 0.7, -0.4, 1.1, 0.3, -0.9 }, Scale = 0.6 };

        private static DispatchRegressor Model(int a, int h) => new() { Act = Activation(a), Out = Head(h), W1 = new[] { 0.5, 0.8, -1.2, 0.3, 1.4 } };

        private static void Fd(Func<double> L, double[] a, double[] g, string what)
        {
            var fd = new double[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                int k = i;
                fd[k] = FiniteDiff.Derivative(v => { double old = a[k]; a[k] = v; double r = L(); a[k] = old; return r; }, a[k]);
            }
            Check.Gradient(fd, g, what);
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void Loss_matches_finite_differences_for_every_class(int a, int h)
        {
            var m = Model(a, h);
            var x = (double[])X.Clone();
            const double y = 0.3;
            double value = m.Loss(x, y);
            Check.Forward(value, m.LossForward(x, y), "Forward");
            var (w1, w) = ((double[])m.W1.Clone(), (double[])m.Out.W.Clone());
            var gx = TestData.Garbage(x); var gw1 = TestData.Garbage(w1); var gw = TestData.Garbage(w);
            Check.Forward(value, m.LossBackward(x, y, gx, gw1, gw), "Backward value");
            Assert.Equal(w1, m.W1); Assert.Equal(w, m.Out.W); Assert.Equal(X, x);
            double L() => m.Loss(x, y);
            Fd(L, x, gx, "dx"); Fd(L, m.W1, gw1, "dW1"); Fd(L, m.Out.W, gw, "dOut.W");
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void Features_writes_the_output_and_its_gradients(int a, int h)
        {
            var m = Model(a, h);
            var x = (double[])X.Clone();
            var expected = new double[5];
            m.Features(x, expected);
            var y = new double[5];
            m.FeaturesForward(x, y);
            for (int i = 0; i < 5; i++) Check.Forward(expected[i], y[i], $"Forward y[{i}]");
            var up = new[] { 0.3, -1.1, 0.8, 0.5, -0.6 };
            var gx = TestData.Garbage(x); var gw1 = TestData.Garbage(m.W1);
            var y2 = new double[5];
            m.FeaturesBackward(x, y2, gx, (double[])up.Clone(), gw1);
            for (int i = 0; i < 5; i++) Check.Forward(expected[i], y2[i], $"Backward y[{i}] (the forward result)");
            double L()
            {
                var o = new double[5];
                m.Features(x, o);
                return o.Zip(up, (p, q) => p * q).Sum();
            }
            Fd(L, x, gx, "dx"); Fd(L, m.W1, gw1, "dW1");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void An_abstract_parameter_chooses_its_class_per_call(int h)
        {
            var head = Head(h);
            var hv = new[] { 0.2, -0.5, 1.3, 0.8, -0.1 };
            double value = DispatchedCalls.HeadLoss(hv, head, 0.4);
            Check.Forward(value, DispatchedCalls.HeadLossForward(hv, head, 0.4), "Forward");
            var gh = TestData.Garbage(hv); var gw = TestData.Garbage(head.W);
            Check.Forward(value, DispatchedCalls.HeadLossBackward(hv, head, 0.4, gh, gw), "Backward value");
            double L() => DispatchedCalls.HeadLoss(hv, head, 0.4);
            Fd(L, hv, gh, "dh"); Fd(L, head.W, gw, "dhead.W");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void An_interface_parameter_chooses_its_class_per_call(int a)
        {
            var act = Activation(a);
            MethodOracle.Check(typeof(DispatchedCalls), "Activated", new object?[] { (double[])X.Clone(), act });
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void An_abstract_property_is_the_getter_of_the_objects_class(int g)
        {
            // the gate's Bias (declared in the base) reaches the result through the override's getter
            DispatchGate gate = g switch { 0 => new DispatchExpGate { Bias = 0.3 }, 1 => new DispatchSoftplusGate { Bias = -0.4 }, _ => new DispatchFixedGate { Bias = 0.2 } };
            var m = new DispatchGatedEnergy { G = gate, W = new[] { 0.5, -0.2, 0.9, 1.1, -0.6 } };
            var x = (double[])X.Clone();
            double value = m.Energy(x);
            Check.Forward(value, m.EnergyForward(x), "Forward");
            var gx = TestData.Garbage(x); var gw = TestData.Garbage(m.W);
            Check.Forward(value, m.EnergyBackward(x, gx, out double gBias, gw), "Backward value");
            double L() => m.Energy(x);
            Fd(L, x, gx, "dx"); Fd(L, m.W, gw, "dW");
            double o = gate.Bias;
            double fd = FiniteDiff.Derivative(b => { gate.Bias = b; double r = L(); gate.Bias = o; return r; }, o);
            Check.Gradient(fd, gBias, "dG.Bias");
            if (g < 2) Assert.NotEqual(0.0, gBias);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void A_template_method_calls_the_override_of_the_objects_class(int c)
        {
            var m = new DispatchRobustRegressor
            {
                Coefficients = new[] { 0.4, -0.7, 0.2 }, Intercept = 0.1,
                Criterion = c == 0 ? new DispatchSquared { Scale = 1.5 } : new DispatchLogCosh { Scale = 0.5 },
            };
            var r = new Random(40 + c);
            var X = new double[6, 3];
            for (int i = 0; i < 6; i++) for (int j = 0; j < 3; j++) X[i, j] = 2 * r.NextDouble() - 1;
            var y = Enumerable.Range(0, 6).Select(_ => r.NextDouble()).ToArray();
            double value = m.Fit(X, y);
            Check.Forward(value, m.FitForward(X, y), "Forward");
            var gc = TestData.Garbage(m.Coefficients);
            Check.Forward(value, m.FitBackward(X, y, gc, out double gi), "Backward value");
            double L() => m.Fit(X, y);
            Fd(L, m.Coefficients, gc, "dCoefficients");
            double o = m.Intercept;
            Check.Gradient(FiniteDiff.Derivative(b => { m.Intercept = b; double v = L(); m.Intercept = o; return v; }, o), gi, "dIntercept");
        }

        [Fact]
        public void Both_sides_of_the_activations_are_reached()
        {
            // W1[i] * X[i]: positive and negative pre-activations, so Relu and both Leaky branches run
            var pre = X.Zip(Model(0, 0).W1, (p, q) => p * q).ToArray();
            Assert.Contains(pre, v => v > 0);
            Assert.Contains(pre, v => v < 0);
        }

        /// <summary>
        /// A class made at run time (DispatchProxy implements the interface in a dynamic assembly): no compilation declares it,
        /// as for a class of an assembly loaded later. (A class declared in this project would be in the switch, or refused.)
        /// </summary>
        public class Unseen : System.Reflection.DispatchProxy
        {
            protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => args![0];
        }

        [Fact]
        public void A_class_the_switch_does_not_list_throws_naming_the_field_before_anything_is_written()
        {
            var m = Model(0, 0);
            m.Act = System.Reflection.DispatchProxy.Create<IDispatchActivation, Unseen>();
            Assert.Equal(0.5, m.Act.Apply(0.5)); // a working object, of a class the build did not see
            var gx = new double[5]; Array.Fill(gx, 7.0);
            var ex = Assert.Throws<ArgumentException>(() => m.LossBackward((double[])X.Clone(), 0.3, gx, new double[5], new double[5]));
            Assert.Equal("Act", ex.ParamName);
            Assert.Contains(m.Act.GetType().FullName!, ex.Message);
            Assert.Contains("DispatchLeaky, DispatchRelu, DispatchScaledLeaky, DispatchSoftplus", ex.Message);
            Assert.All(gx, v => Assert.Equal(7.0, v));
        }

        [Fact]
        public void A_null_object_throws_ArgumentNullException_naming_it()
        {
            var m = Model(0, 0);
            m.Act = null!;
            var ex = Assert.Throws<ArgumentNullException>(() => m.LossForward((double[])X.Clone(), 0.3));
            Assert.Equal("Act", ex.ParamName);
            Assert.Throws<ArgumentNullException>(() => DispatchedCalls.HeadLossForward(X, null!, 0.3));
        }
    }
}
