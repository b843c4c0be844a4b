using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>An angle in degrees that reads as radians wherever a double is expected (a units-of-measure struct).</summary>
    public readonly struct Degrees
    {
        public readonly double Value;
        public Degrees(double value) { Value = value; }
        public static implicit operator double(Degrees d) => d.Value * Math.PI / 180.0;
        public static explicit operator Degrees(double radians) => new Degrees(radians * 180.0 / Math.PI);
    }

    /// <summary>A probability held as its logit: made from a double implicitly, read as the probability implicitly.</summary>
    public struct LogitProb
    {
        public double Logit;
        public static implicit operator double(LogitProb p) => 1.0 / (1.0 + Math.Exp(-p.Logit));
        public static implicit operator LogitProb(double logit) => new LogitProb { Logit = logit };
    }

    /// <summary>A temperature class whose explicit conversion gives kelvins.</summary>
    public sealed class CelsiusReading
    {
        public double C;
        public static explicit operator double(CelsiusReading r) => r.C + 273.15;
    }

    /// <summary>
    /// User-defined conversion operators (issue 10, item 5: structs and classes the user's code already has): implicit and explicit,
    /// to a double and to a struct, of a struct and of a class, each inlined like a helper with its operand as the argument.
    /// Refused until the twenty-seventh session (DIFF0004, "read its elements").
    /// </summary>
    public static partial class ConversionOperators
    {
        /// <summary>A pendulum's energy with its angles given in degrees: 'double theta = angle;' and 'Math.Cos(angle)' convert.</summary>
        [Differentiable]
        public static double PendulumEnergy(double[] anglesDeg, double[] omegas, double length)
        {
            double e = 0;
            for (int i = 0; i < anglesDeg.Length; i++)
            {
                var angle = new Degrees(anglesDeg[i]);
                double theta = angle;
                e += 0.5 * length * length * omegas[i] * omegas[i] + 9.81 * length * (1 - Math.Cos(angle)) + 0.01 * theta * theta;
            }
            return e;
        }

        /// <summary>Binary cross-entropy from logits through a struct made and read by implicit conversions.</summary>
        [Differentiable]
        public static double BceFromLogits(double[] logits, [Constant] double[] labels)
        {
            double s = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                LogitProb p = logits[i];
                double q = p;
                s += labels[i] * Math.Log(q) + (1 - labels[i]) * Math.Log(1 - q);
            }
            return -s / logits.Length;
        }

        /// <summary>Explicit casts both ways: '(Degrees)radians' makes the struct, '(double)p' reads a probability.</summary>
        [Differentiable]
        public static double RoundTrips(double[] radians)
        {
            double s = 0;
            foreach (var r in radians)
            {
                var d = (Degrees)r;
                var p = new LogitProb { Logit = d.Value / 90.0 };
                s += Math.Sin(d) * (double)p + Math.Sqrt(p);
            }
            return s;
        }

        /// <summary>A class's explicit conversion: '(double)reading' on a class parameter (a constant), with the weights differentiated.</summary>
        [Differentiable(nameof(w))]
        public static double KelvinFit(CelsiusReading reading, double[] w)
        {
            double k = (double)reading;
            double s = 0;
            for (int i = 0; i < w.Length; i++) s += (w[i] * k / 300.0 - 1) * (w[i] * k / 300.0 - 1);
            return s;
        }
    
        private static Degrees Doubled(double v) => new Degrees(2 * v);

        /// <summary>An implicit conversion of a helper's struct result: the call is inlined first, its result converted.</summary>
        [Differentiable]
        public static double ConvertedCalls(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double r = Doubled(x[i]);
                s += Math.Sin(r) + Math.Cos(Doubled(x[i] + 1));
            }
            return s;
        }
    }
}
