using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// <c>Array.Copy</c> between T[,] arrays (probe batch 32's Heat2D saved its grid with <c>Array.Copy(u, un, u.Length)</c>, then
    /// DIFF0004): element k of one into element k of the other in row-major order, whatever the shapes, as C# does.
    /// </summary>
    public static partial class MatrixCopies
    {
        /// <summary>An explicit heat-equation stencil: the grid copied whole before each step.</summary>
        [Differentiable(nameof(u0), nameof(alpha))]
        public static double Heat2D(double[,] u0, double alpha, int steps)
        {
            int n = u0.GetLength(0), m = u0.GetLength(1);
            var u = new double[n, m];
            var un = new double[n, m];
            Array.Copy(u0, u, u0.Length);
            for (int t = 0; t < steps; t++)
            {
                Array.Copy(u, un, u.Length);
                for (int i = 1; i < n - 1; i++)
                    for (int j = 1; j < m - 1; j++)
                        u[i, j] = un[i, j] + alpha * (un[i + 1, j] + un[i - 1, j] + un[i, j + 1] + un[i, j - 1] - 4 * un[i, j]);
            }
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) s += u[i, j] * u[i, j];
            return s;
        }

        /// <summary>A range of a 2 × 5 copied into a 3 × 4 from element 1 to element 2: rows of the two do not line up.</summary>
        [Differentiable]
        public static double Reshaped(double[,] a)
        {
            var b = new double[3, 4];
            Array.Copy(a, 1, b, 2, 7);
            double s = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++) s += (i + 1) * b[i, j] * b[i, j];
            return s;
        }
    
        /// <summary>Probe batch 32's Heat2D as written: a clone, the copy before each step, the two buffers swapped as a tuple.</summary>
        [Differentiable]
        public static double Heat2DSwapped(double[,] u0, double alpha, [Constant] int steps)
        {
            int nx = u0.GetLength(0), ny = u0.GetLength(1);
            var u = (double[,])u0.Clone();
            var un = new double[nx, ny];
            for (int s = 0; s < steps; s++)
            {
                Array.Copy(u, un, u.Length);
                for (int i = 1; i < nx - 1; i++)
                    for (int j = 1; j < ny - 1; j++)
                        un[i, j] = u[i, j] + alpha * (u[i + 1, j] + u[i - 1, j] + u[i, j + 1] + u[i, j - 1] - 4 * u[i, j]);
                (u, un) = (un, u);
            }
            double e = 0;
            for (int i = 0; i < nx; i++)
                for (int j = 0; j < ny; j++) e += u[i, j] * u[i, j];
            return e;
        }
    }
}
