using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Double twin of Round 23's float method (the reference for central differences: MethodOracle's), the same
    /// logic in double.</summary>
    public static partial class NaturalRound23
    {
        public static double HeatDiffusivityLossTwin(double[] logKappa, double[] initial, double[] observedFinal,
            int steps, double dt, double dx, double smoothness)
        {
            int n = initial.Length;
            if (logKappa.Length != n || observedFinal.Length != n)
                throw new ArgumentException("all profiles must have the same number of cells");

            var kappa = logKappa.Select(Math.Exp).ToArray();
            double invDx2 = 1.0 / (dx * dx);
            if (dt * kappa.Max() * invDx2 > 0.5)
                throw new ArgumentException("explicit scheme is unstable for this time step", nameof(dt));

            var u = (double[])initial.Clone();
            var next = new double[n];
            for (int step = 0; step < steps; step++)
            {
                next[0] = u[0];
                next[n - 1] = u[n - 1];
                for (int i = 1; i < n - 1; i++)
                {
                    double kLeft = 0.5 * (kappa[i - 1] + kappa[i]);
                    double kRight = 0.5 * (kappa[i] + kappa[i + 1]);
                    double flux = kRight * (u[i + 1] - u[i]) - kLeft * (u[i] - u[i - 1]);
                    next[i] = u[i] + dt * invDx2 * flux;
                }
                (u, next) = (next, u);
            }

            double misfit = 0.0;
            for (int i = 0; i < n; i++)
            {
                double r = u[i] - observedFinal[i];
                misfit += r * r;
            }

            double roughness = 0.0;
            for (int i = 1; i < n; i++)
            {
                double d = logKappa[i] - logKappa[i - 1];
                roughness += d * d;
            }
            return misfit + smoothness * roughness;
        }
    }
}
