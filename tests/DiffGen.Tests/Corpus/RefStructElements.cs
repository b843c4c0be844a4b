using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// A ref local into a local array of structs (batch 29's particle system, DIFF0004 until 2026-12-05): <c>ref Particle p =
    /// ref ps[i];</c> and then <c>p.X</c>, <c>p.V += ...</c>, read and written through the element it stands for (one array per
    /// field, StructArrays.cs, through RefAliases.cs).
    /// </summary>
    public static partial class RefStructElements
    {
        public struct Particle { public double X; public double V; }

        /// <summary>Batch 29's function as written: damped springs stepped with semi-implicit Euler, the energy at the end.</summary>
        [Differentiable(nameof(x0), nameof(k), nameof(c))]
        public static double ParticleSystemEnergy(double[] x0, double k, double c, int steps, double dt = 0.01)
        {
            var ps = new Particle[x0.Length];
            for (int i = 0; i < ps.Length; i++) ps[i].X = x0[i];
            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < ps.Length; i++)
                {
                    ref Particle p = ref ps[i];
                    double a = -k * p.X - c * p.V;
                    p.V += a * dt;
                    p.X += p.V * dt;
                }
            }
            double e = 0;
            foreach (var p in ps) e += 0.5 * p.V * p.V + 0.5 * k * p.X * p.X;
            return e;
        }

        public struct Body { public double X, Y, Vx, Vy; }

        /// <summary>Pairwise springs between neighbours, both elements through ref locals (a and b are different elements).</summary>
        [Differentiable(nameof(xs), nameof(ys))]
        public static double ChainStep(double[] xs, double[] ys, double stiffness, double dt)
        {
            var bodies = new Body[xs.Length];
            for (int i = 0; i < bodies.Length; i++) { bodies[i].X = xs[i]; bodies[i].Y = ys[i]; }
            for (int i = 0; i + 1 < bodies.Length; i++)
            {
                ref Body a = ref bodies[i];
                ref Body b = ref bodies[i + 1];
                double dx = b.X - a.X, dy = b.Y - a.Y;
                a.Vx += stiffness * dx * dt;
                a.Vy += stiffness * dy * dt;
                b.Vx -= stiffness * dx * dt;
                b.Vy -= stiffness * dy * dt;
            }
            double energy = 0;
            for (int i = 0; i < bodies.Length; i++)
            {
                ref Body q = ref bodies[i];
                energy += q.Vx * q.Vx + q.Vy * q.Vy + Math.Sin(q.X) * q.Y;
            }
            return energy;
        }
    }
}
