using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Generator bugs the random-program tester (tests/DiffGen.Fuzz) found, each as the shrunk program it wrote
    /// (tests/DiffGen.Fuzz/Found/), tidied so that every parameter reaches the result. The finite-difference checks are
    /// in FuzzRegressionTests; the device and multi-core checks cover them as corpus methods.
    /// </summary>
    public static partial class FuzzRegressions
    {
        /// <summary>
        /// An if on a value inside an if on a value whose branches write the condition's variable (Found/gradient-1566.cs).
        /// The forward pushed each branch flag before its branch ran, so the outer if's reverse popped the inner if's flag:
        /// a zero gradient, or "restore stack underflow".
        /// </summary>
        [Differentiable]
        public static double NestedValueBranches(double[] x, double a)
        {
            double s = 0.0;
            if (s < 0.5)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    for (int j = 0; j < 1; j++)
                    {
                        if (0.5 < s)
                        {
                            s -= 0.5 * x[i];
                        }
                        s += a * x[i];
                    }
                }
            }
            return s;
        }

        /// <summary>
        /// A continue on an index inside the else of an if on a value, then an if on a value that writes the condition's
        /// variable (Found/crash-271.cs: "restore stack underflow").
        /// </summary>
        [Differentiable]
        public static double ContinueInValueBranch(double[] x, double a)
        {
            double s = a;
            for (int i = 0; i < x.Length; i++)
            {
                if (s <= -0.5)
                {
                }
                else
                {
                    if (i % 2 == 0)
                    {
                        continue;
                    }
                }
                if (s <= 0.5)
                {
                    s += x[i];
                }
                else
                {
                    s *= x[i];
                }
            }
            return s;
        }

        /// <summary>Max and Min of one operand twice (Found/compile-6.cs): the adjoint compared a value with itself (CS1718).</summary>
        [Differentiable]
        public static double MaxOfSameOperand(double[] x, double a)
        {
            double s = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Math.Max(x[i] * a, x[i] * a) + Math.Min(a, a);
            }
            return s;
        }

        /// <summary>
        /// A step-2 loop nested in another loop (Found/device-61.cs): the device kernel's reverse recomputed the counter
        /// from the trip index into a variable it never declared, so the CUDA C did not compile.
        /// </summary>
        [Differentiable]
        public static double NestedStepTwoLoop(double[,] x, double a)
        {
            int rows = x.GetLength(0);
            int cols = x.GetLength(1);
            double s = 0.0;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i += 2)
                {
                    s = 0.5 * s + x[i, j] * x[i, j] * a;
                }
            }
            return s;
        }

        /// <summary>
        /// An if/else on a value at the top level, a loop over a local array in one branch and a scalar update in the
        /// other (Found/device-234.cs: the device gradient differed from the CPU's).
        /// </summary>
        [Differentiable]
        public static double ValueBranchWithLocalArray(double[,] x, double[] y, double a)
        {
            int k = x.GetLength(1);
            int n = x.GetLength(0);
            double s = a * y[0];
            double[] t = new double[k];
            if (s <= 0.5)
            {
                for (int i = 0; i < k; i++)
                {
                    t[i] = x[n - 1, i] * y[i % y.Length];
                    t[i] *= x[0, i];
                    s += t[i];
                }
            }
            else
            {
                s -= x[0, 0];
            }
            return s;
        }
    }
}
