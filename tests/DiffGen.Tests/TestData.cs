using System;

namespace DiffGen.Tests
{
    /// <summary>
    /// Deterministic inputs (System.Random with a fixed seed, standard normal by Box-Muller), buffers, and
    /// conversions. Gradient buffers handed to Backward are pre-filled with NaN (<see cref="Garbage(double[])"/>)
    /// so that a Backward that accumulates into, or forgets to write, an entry shows up as NaN.
    /// </summary>
    public static class TestData
    {
        /// <summary>One standard normal sample.</summary>
        public static double Normal(Random rng)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        /// <summary>Normal vector times scale.</summary>
        public static double[] Vector(Random rng, int n, double scale = 1.0)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = scale * Normal(rng);
            return v;
        }

        /// <summary>Normal matrix times scale.</summary>
        public static double[,] Matrix(Random rng, int rows, int cols, double scale = 1.0)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    m[i, j] = scale * Normal(rng);
            return m;
        }

        /// <summary>Normal jagged array (rows of equal length) times scale.</summary>
        public static double[][] Jagged(Random rng, int rows, int cols, double scale = 1.0)
        {
            var m = new double[rows][];
            for (int i = 0; i < rows; i++) m[i] = Vector(rng, cols, scale);
            return m;
        }

        /// <summary>Rows of a 2-D array as a jagged array.</summary>
        public static double[][] ToJagged(double[,] a)
        {
            var r = new double[a.GetLength(0)][];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = new double[a.GetLength(1)];
                for (int j = 0; j < r[i].Length; j++) r[i][j] = a[i, j];
            }
            return r;
        }

        /// <summary>NaN-filled buffer of the same shape.</summary>
        public static double[] Garbage(double[] like) => Filled(new double[like.Length], double.NaN);

        /// <summary>NaN-filled 2-D buffer of the same shape.</summary>
        public static double[,] Garbage(double[,] like) => Filled(new double[like.GetLength(0), like.GetLength(1)], double.NaN);

        /// <summary>NaN-filled jagged buffer with the same row lengths.</summary>
        public static double[][] Garbage(double[][] like)
        {
            var r = new double[like.Length][];
            for (int i = 0; i < r.Length; i++) r[i] = Garbage(like[i]);
            return r;
        }

        /// <summary>NaN-filled float buffer of the same shape.</summary>
        public static float[] Garbage(float[] like)
        {
            var r = new float[like.Length];
            Array.Fill(r, float.NaN);
            return r;
        }

        /// <summary>NaN-filled float 2-D buffer of the same shape.</summary>
        public static float[,] Garbage(float[,] like) => Filled(new float[like.GetLength(0), like.GetLength(1)], float.NaN);

        /// <summary>Fills and returns a.</summary>
        public static double[] Filled(double[] a, double value)
        {
            Array.Fill(a, value);
            return a;
        }

        /// <summary>Fills and returns a 2-D array.</summary>
        public static double[,] Filled(double[,] a, double value)
        {
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    a[i, j] = value;
            return a;
        }

        /// <summary>Fills and returns a float 2-D array.</summary>
        public static float[,] Filled(float[,] a, float value)
        {
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    a[i, j] = value;
            return a;
        }

        /// <summary>Fills every row of a jagged array and returns it.</summary>
        public static double[][] Filled(double[][] a, double value)
        {
            foreach (var row in a) Array.Fill(row, value);
            return a;
        }

        /// <summary>Deep copies.</summary>
        public static double[] Clone(double[] a) => (double[])a.Clone();
        /// <summary>Deep copies.</summary>
        public static double[,] Clone(double[,] a) => (double[,])a.Clone();
        /// <summary>Deep copies.</summary>
        public static float[,] Clone(float[,] a) => (float[,])a.Clone();
        /// <summary>Deep copies.</summary>
        public static double[][] Clone(double[][] a)
        {
            var r = new double[a.Length][];
            for (int i = 0; i < a.Length; i++) r[i] = (double[])a[i].Clone();
            return r;
        }

        /// <summary>s * a.</summary>
        public static double[] Scale(double[] a, double s)
        {
            var r = new double[a.Length];
            for (int i = 0; i < a.Length; i++) r[i] = s * a[i];
            return r;
        }

        /// <summary>s * a.</summary>
        public static double[,] Scale(double[,] a, double s)
        {
            var r = new double[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    r[i, j] = s * a[i, j];
            return r;
        }

        /// <summary>s * a.</summary>
        public static double[][] Scale(double[][] a, double s)
        {
            var r = new double[a.Length][];
            for (int i = 0; i < a.Length; i++) r[i] = Scale(a[i], s);
            return r;
        }

        /// <summary>Narrows to float.</summary>
        public static float[] ToFloat(double[] a)
        {
            var r = new float[a.Length];
            for (int i = 0; i < a.Length; i++) r[i] = (float)a[i];
            return r;
        }

        /// <summary>Narrows to float.</summary>
        public static float[,] ToFloat(double[,] a)
        {
            var r = new float[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    r[i, j] = (float)a[i, j];
            return r;
        }

        /// <summary>Widens to double (exact).</summary>
        public static double[] ToDouble(float[] a)
        {
            var r = new double[a.Length];
            for (int i = 0; i < a.Length; i++) r[i] = a[i];
            return r;
        }

        /// <summary>Widens to double (exact).</summary>
        public static double[,] ToDouble(float[,] a)
        {
            var r = new double[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    r[i, j] = a[i, j];
            return r;
        }

        /// <summary>sum(a .* b) over 2-D arrays.</summary>
        public static double Inner(double[,] a, double[,] b)
        {
            double s = 0;
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    s += a[i, j] * b[i, j];
            return s;
        }
    }
}
