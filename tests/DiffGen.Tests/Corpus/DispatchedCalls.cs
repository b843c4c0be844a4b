using System;

namespace DiffGen.Tests.Corpus
{
    // Calls the object's class chooses at run time (Parse/DispatchedCalls.cs): an interface-typed field, an abstract
    // base class holding the weights, a virtual method overridden by a subclass, a void layer writing its output, and an
    // abstract-typed parameter. Each call is a switch over the classes of this compilation; the tests run every class.

    public interface IDispatchActivation { double Apply(double z); }

    public sealed class DispatchRelu : IDispatchActivation { public double Apply(double z) => z > 0 ? z : 0; }

    public sealed class DispatchSoftplus : IDispatchActivation
    {
        public double Beta { get; init; } = 1.0;
        public double Apply(double z)
        {
            double bz = Beta * z;
            return (bz > 20 ? bz : Math.Log(1 + Math.Exp(bz))) / Beta;
        }
    }

    /// <summary>Not sealed, with a virtual Apply: <see cref="DispatchScaledLeaky"/> overrides it again.</summary>
    public class DispatchLeaky : IDispatchActivation
    {
        public double Slope = 0.1;
        public virtual double Apply(double z) => z > 0 ? z : Slope * z;
    }

    public sealed class DispatchScaledLeaky : DispatchLeaky
    {
        public double Gain = 1.5;
        public override double Apply(double z) => Gain * base.Apply(z);
    }

    /// <summary>The weights live in the base class; one subclass adds a scale of its own.</summary>
    public abstract class DispatchHead
    {
        public double[] W = Array.Empty<double>();
        public abstract double Score(double[] h);
        public abstract void Project(double[] h, double[] y);
    }

    public sealed class DispatchLinearHead : DispatchHead
    {
        public override double Score(double[] h)
        {
            double s = 0;
            for (int i = 0; i < h.Length; i++) s += W[i] * h[i];
            return s;
        }

        public override void Project(double[] h, double[] y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = W[i] * h[i];
        }
    }

    public sealed class DispatchSquaredHead : DispatchHead
    {
        public double Scale = 0.5;
        public override double Score(double[] h)
        {
            double s = 0;
            for (int i = 0; i < h.Length; i++)
            {
                double t = W[i] * h[i];
                s += t * t;
            }
            return Scale * s;
        }

        public override void Project(double[] h, double[] y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = Scale * Math.Tanh(W[i] * h[i]);
        }
    }

    /// <summary>A regressor built from an interface-typed activation and an abstract head, as a user composes them.</summary>
    public partial class DispatchRegressor
    {
        public IDispatchActivation Act = new DispatchRelu();
        public DispatchHead Out = new DispatchLinearHead();
        public double[] W1 = Array.Empty<double>();

        [Differentiable(nameof(x), nameof(W1), nameof(Out))]
        public double Loss(double[] x, double y)
        {
            var h = new double[x.Length];
            for (int i = 0; i < x.Length; i++) h[i] = Act.Apply(W1[i] * x[i]);
            double p = Out.Score(h);
            return 0.5 * (p - y) * (p - y);
        }

        /// <summary>A void call through the abstract head, writing the method's output.</summary>
        [Differentiable(nameof(x), nameof(W1))]
        public void Features(double[] x, double[] y)
        {
            var h = new double[x.Length];
            for (int i = 0; i < x.Length; i++) h[i] = Act.Apply(W1[i] * x[i]);
            Out.Project(h, y);
        }
    }

    /// <summary>An abstract property whose overrides compute from the base class's field (probe batch 40's GatedEnergy: its gradient was 0).</summary>
    public abstract class DispatchGate
    {
        public double Bias;
        public abstract double Scale { get; }
    }

    public sealed class DispatchExpGate : DispatchGate { public override double Scale => Math.Exp(Bias); }

    public sealed class DispatchSoftplusGate : DispatchGate { public override double Scale => Math.Log(1 + Math.Exp(Bias)); }

    /// <summary>An auto-property override: state of its own, a constant.</summary>
    public sealed class DispatchFixedGate : DispatchGate { public override double Scale { get; } = 0.75; }

    public partial class DispatchGatedEnergy
    {
        public DispatchGate G = new DispatchExpGate();
        public double[] W = Array.Empty<double>();

        [Differentiable("G.Bias", nameof(W), nameof(x))]
        public double Energy(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += G.Scale * W[i] * x[i] * x[i];
            return s;
        }
    }

    /// <summary>A template method (probe batch 40's RobustRegressor): the base class's Reduce calls the abstract Pointwise of its subclass.</summary>
    public abstract class DispatchCriterion
    {
        public double Scale = 1.0;
        protected abstract double Pointwise(double r);

        public double Reduce(double[] pred, double[] y)
        {
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += Pointwise(pred[i] - y[i]);
            return Scale * s / y.Length;
        }
    }

    public sealed class DispatchSquared : DispatchCriterion { protected override double Pointwise(double r) => r * r; }

    public sealed class DispatchLogCosh : DispatchCriterion { protected override double Pointwise(double r) => Math.Log(Math.Cosh(r)); }

    public partial class DispatchRobustRegressor
    {
        public double[] Coefficients = Array.Empty<double>();
        public double Intercept;
        public DispatchCriterion Criterion = new DispatchSquared();

        [Differentiable(nameof(Coefficients), nameof(Intercept))]
        public double Fit(double[,] X, double[] y)
        {
            var pred = new double[y.Length];
            for (int n = 0; n < y.Length; n++)
            {
                pred[n] = Intercept;
                for (int j = 0; j < Coefficients.Length; j++) pred[n] += Coefficients[j] * X[n, j];
            }
            return Criterion.Reduce(pred, y);
        }
    }

    public static partial class DispatchedCalls
    {
        /// <summary>An abstract-typed parameter: its class chosen per call, its weights differentiated when named.</summary>
        [Differentiable(nameof(h), nameof(head))]
        public static double HeadLoss(double[] h, DispatchHead head, double target)
        {
            double d = head.Score(h) - target;
            return d * d;
        }

        /// <summary>An interface-typed parameter (a strategy passed in): its class chosen per call.</summary>
        [Differentiable]
        public static double Activated(double[] x, IDispatchActivation act)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += act.Apply(x[i]) * x[i];
            return s;
        }
    }
}
