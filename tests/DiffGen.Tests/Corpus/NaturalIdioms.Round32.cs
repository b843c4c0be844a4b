using System;
using System.Numerics;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Round 32: probe batch 32, 40 small functions written by someone who had not read the docs, told to lean toward idioms AD
    /// source transformers find hard (one static class B32, support types, three model classes); 31 accepted as written, all
    /// here as written (the author's bodies, parameters, attributes and comments; each function's probe number in its
    /// comment). B32's static methods and its private helpers (Rk4Step, a ReadOnlySpan Dot, the generic SumOf, TriArea, Erf,
    /// OrbitDeriv, LogSumExp2, Dist2) are this class's; the batch's types that the accepted functions use are declared below
    /// with a Round32 prefix, the call sites renamed to match: <see cref="Round32ArrayExt"/> (Dot and Norm2 extension methods on
    /// double[]), <see cref="Round32Vec3"/> (a readonly struct with an <c>in</c> operator and Cross) and
    /// <see cref="Round32Cplx"/> (a readonly record struct with Mul, Add and a computed Abs2). No attribute added or changed.
    /// Not here, the nine refused in the probe (#if REJECTED there; see docs/natural-csharp.md, Round 32): 1 LayeredNet and
    /// 2 ListNet (DenseLayer objects in an array and a List), 12 ActLayer (an IActivation), 13 Pipeline (virtual Module
    /// objects in an array), 14 KernelEval (a type pattern on a Kernel record), 16 HashedFeatures (uint), 18 LuDet (a jagged
    /// row swap as a tuple), 39 CoxNll (Array.Sort(keys, items)); and 30 Heat2D, accepted since and in the corpus as written as
    /// <see cref="MatrixCopies"/>.Heat2DSwapped. The batch's types only those use (DenseLayer, IActivation, Softplus, TanhAct,
    /// Module, Affine, SinModule, Kernel, Rbf, PolyKernel) are left out.
    /// </summary>
    public static partial class NaturalRound32
    {
        // ---------- helpers ----------
        static double[] Rk4Step(Func<double[], double[]> f, double[] y, double h)
        {
            int n = y.Length;
            var k1 = f(y);
            var t = new double[n];
            for (int i = 0; i < n; i++) t[i] = y[i] + 0.5 * h * k1[i];
            var k2 = f(t);
            for (int i = 0; i < n; i++) t[i] = y[i] + 0.5 * h * k2[i];
            var k3 = f(t);
            for (int i = 0; i < n; i++) t[i] = y[i] + h * k3[i];
            var k4 = f(t);
            var r = new double[n];
            for (int i = 0; i < n; i++) r[i] = y[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            return r;
        }

        static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        static T SumOf<T>(T[] a) where T : INumber<T>
        {
            T s = T.Zero;
            foreach (var v in a) s += v;
            return s;
        }

        static double TriArea(in Round32Vec3 a, in Round32Vec3 b, in Round32Vec3 c) => 0.5 * Round32Vec3.Cross(b - a, c - a).Length();

        static double Erf(double x)
        {
            double sign = Math.Sign(x);
            x = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.3275911 * x);
            double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
            return sign * y;
        }

        static void OrbitDeriv(double[] s, double mu, double[] ds)
        {
            double r2 = s[0] * s[0] + s[1] * s[1];
            double r3 = r2 * Math.Sqrt(r2);
            ds[0] = s[2]; ds[1] = s[3];
            ds[2] = -mu * s[0] / r3; ds[3] = -mu * s[1] / r3;
        }

        static double LogSumExp2(double a, double b)
        {
            if (double.IsNegativeInfinity(a)) return b;
            if (double.IsNegativeInfinity(b)) return a;
            double m = Math.Max(a, b);
            return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        }

        static double Dist2(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; s += d * d; }
            return s;
        }

        // 3. neural ODE, RK4 helper taking Func<double[], double[]>
        [Differentiable]
        public static double NeuralOde(double[] y0, double[] w, [Constant] int steps)
        {
            Func<double[], double[]> f = y =>
            {
                var d = new double[2];
                d[0] = Math.Tanh(w[0] * y[0] + w[1] * y[1]);
                d[1] = Math.Tanh(w[2] * y[0] + w[3] * y[1]);
                return d;
            };
            var state = (double[])y0.Clone();
            for (int s = 0; s < steps; s++) state = Rk4Step(f, state, 0.1);
            return state[0] * state[0] + state[1] * state[1];
        }

        // 4. Span<double> stackalloc scratch
        [Differentiable]
        public static double StackScratch(double[] x, double a)
        {
            Span<double> tmp = stackalloc double[8];
            int n = Math.Min(x.Length, 8);
            for (int i = 0; i < n; i++) tmp[i] = Math.Sin(a * x[i]);
            double s = 0;
            for (int i = 0; i < n - 1; i++) s += tmp[i] * tmp[i + 1];
            return s;
        }

        // 5. ReadOnlySpan slicing: sliding-window correlation energy
        [Differentiable]
        public static double SpanSlice(double[] x, double[] k)
        {
            ReadOnlySpan<double> xs = x;
            double s = 0;
            for (int i = 0; i + k.Length <= x.Length; i++)
            {
                var win = xs.Slice(i, k.Length);
                double c = Dot(win, k);
                s += c * c;
            }
            return s;
        }

        // 6. ring buffer with modulo indexing (streaming FIR)
        [Differentiable]
        public static double RingFir(double[] signal, double[] taps)
        {
            int n = taps.Length;
            var ring = new double[n];
            int head = 0;
            double energy = 0;
            for (int t = 0; t < signal.Length; t++)
            {
                ring[head] = signal[t];
                double y = 0;
                for (int k = 0; k < n; k++) y += taps[k] * ring[(head - k + n) % n];
                head = (head + 1) % n;
                energy += y * y;
            }
            return energy;
        }

        // 7. generic INumber<T> helper
        [Differentiable]
        public static double GenericSum(double[] x)
        {
            var sq = new double[x.Length];
            for (int i = 0; i < x.Length; i++) sq[i] = x[i] * x[i];
            return SumOf(sq) / x.Length + SumOf(x);
        }

        // 8. extension methods on double[]
        [Differentiable]
        public static double CosineSim(double[] a, double[] b) => a.Dot(b) / (a.Norm2() * b.Norm2());

        // 9. params double[]
        [Differentiable]
        public static double LogSumExpParams(double temperature, params double[] xs)
        {
            double m = double.NegativeInfinity;
            foreach (var v in xs) m = Math.Max(m, v);
            double s = 0;
            foreach (var v in xs) s += Math.Exp((v - m) / temperature);
            return m / temperature + Math.Log(s);
        }

        // 10. readonly struct passed by `in`
        [Differentiable]
        public static double MeshArea(double[] verts, [Constant] int[] tris)
        {
            double s = 0;
            for (int t = 0; t < tris.Length; t += 3)
            {
                int i0 = tris[t], i1 = tris[t + 1], i2 = tris[t + 2];
                var a = new Round32Vec3(verts[3 * i0], verts[3 * i0 + 1], verts[3 * i0 + 2]);
                var b = new Round32Vec3(verts[3 * i1], verts[3 * i1 + 1], verts[3 * i1 + 2]);
                var c = new Round32Vec3(verts[3 * i2], verts[3 * i2 + 1], verts[3 * i2 + 2]);
                s += TriArea(in a, in b, in c);
            }
            return s;
        }

        // 11. readonly record struct with methods (complex polynomial magnitude)
        [Differentiable]
        public static double PolyMag(double[] coeffs, double re, double im)
        {
            var z = new Round32Cplx(re, im);
            var acc = new Round32Cplx(0, 0);
            for (int i = coeffs.Length - 1; i >= 0; i--) acc = acc.Mul(z).Add(new Round32Cplx(coeffs[i], 0));
            return acc.Abs2;
        }

        // 12. interface chosen at run time: ActLayer (an IActivation parameter, even [Constant]), refused (DIFF0002); not here,
        // see docs/natural-csharp.md, Round 32.

        // 14. switch on a type pattern: KernelEval (case Rbf r: on a Kernel record parameter), refused (DIFF0004, DIFF0011); not here,
        // see docs/natural-csharp.md, Round 32.

        // 15. recursive local function
        [Differentiable]
        public static double RecursiveHorner(double[] c, double x)
        {
            double Eval(int i) => i == c.Length - 1 ? c[i] : c[i] + x * Eval(i + 1);
            return Eval(0);
        }

        // 16. checked / unchecked feature hashing: HashedFeatures (uint hashing), refused (DIFF0002, DIFF0004); not here, see
        // docs/natural-csharp.md, Round 32.

        // 17. FusedMultiplyAdd, ScaleB, CopySign, IsNaN guard
        [Differentiable]
        public static double FmaScale(double[] x, double a)
        {
            double acc = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double v = x[i];
                if (double.IsNaN(v)) continue;
                acc = Math.FusedMultiplyAdd(a, v, acc);
            }
            double scaled = Math.ScaleB(acc, -2);
            return Math.CopySign(scaled * scaled, acc) + Math.Abs(a);
        }

        // 18. LU determinant with partial pivoting: LuDet (a jagged row swap (m[k], m[p]) = (m[p], m[k])), refused (DIFF0004); not
        // here, see docs/natural-csharp.md, Round 32.

        // 19. layer norm + GELU (erf approx) + rotary position embedding
        [Differentiable]
        public static double LnGeluRope(double[] x, double[] gamma, double[] beta, [Constant] int pos)
        {
            int d = x.Length;
            double mean = 0;
            for (int i = 0; i < d; i++) mean += x[i];
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) var += (x[i] - mean) * (x[i] - mean);
            var /= d;
            double inv = 1.0 / Math.Sqrt(var + 1e-5);
            var g = new double[d];
            for (int i = 0; i < d; i++)
            {
                double h = gamma[i] * (x[i] - mean) * inv + beta[i];
                g[i] = 0.5 * h * (1 + Erf(h / Math.Sqrt(2)));
            }
            double outSum = 0;
            for (int i = 0; i < d / 2; i++)
            {
                double theta = pos * Math.Pow(10000, -2.0 * i / d);
                double c = Math.Cos(theta), s = Math.Sin(theta);
                double r0 = g[2 * i] * c - g[2 * i + 1] * s;
                double r1 = g[2 * i] * s + g[2 * i + 1] * c;
                outSum += (i + 1) * r0 - 0.5 * r1;
            }
            return outSum;
        }

        // 20. QR by modified Gram-Schmidt -> log|det|
        [Differentiable]
        public static double QrLogDet(double[][] A)
        {
            int n = A.Length;
            var q = new double[n][]; // columns
            for (int j = 0; j < n; j++)
            {
                q[j] = new double[n];
                for (int i = 0; i < n; i++) q[j][i] = A[i][j];
            }
            double logDet = 0;
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < j; k++)
                {
                    double r = 0;
                    for (int i = 0; i < n; i++) r += q[k][i] * q[j][i];
                    for (int i = 0; i < n; i++) q[j][i] -= r * q[k][i];
                }
                double norm = 0;
                for (int i = 0; i < n; i++) norm += q[j][i] * q[j][i];
                norm = Math.Sqrt(norm);
                logDet += Math.Log(norm);
                for (int i = 0; i < n; i++) q[j][i] /= norm;
            }
            return logDet;
        }

        // 21. power iteration for top eigenvalue of M^T M
        [Differentiable]
        public static double TopEigen(double[] M, [Constant] int n)
        {
            var A = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += M[k * n + i] * M[k * n + j];
                    A[i * n + j] = s;
                }
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = 1.0 / Math.Sqrt(n);
            double lambda = 0;
            for (int it = 0; it < 200; it++)
            {
                var w = new double[n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) w[i] += A[i * n + j] * v[j];
                double norm = 0;
                for (int i = 0; i < n; i++) norm += w[i] * w[i];
                norm = Math.Sqrt(norm);
                for (int i = 0; i < n; i++) v[i] = w[i] / norm;
                lambda = norm;
            }
            return lambda;
        }

        // 22. Cholesky solve b^T A^{-1} b
        [Differentiable]
        public static double CholeskyQuad(double[,] A, double[] b)
        {
            int n = b.Length;
            var L = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double s = A[i, j];
                    for (int k = 0; k < j; k++) s -= L[i, k] * L[j, k];
                    L[i, j] = i == j ? Math.Sqrt(s) : s / L[j, j];
                }
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = b[i];
                for (int k = 0; k < i; k++) s -= L[i, k] * y[k];
                y[i] = s / L[i, i];
            }
            double q = 0;
            for (int i = 0; i < n; i++) q += y[i] * y[i];
            return q;
        }

        // 23. conjugate gradient with tolerance loop on A = M^T M + I
        [Differentiable]
        public static double ConjGrad(double[] M, double[] b, [Constant] double tol)
        {
            int n = b.Length;
            var A = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = i == j ? 1.0 : 0.0;
                    for (int k = 0; k < n; k++) s += M[k * n + i] * M[k * n + j];
                    A[i, j] = s;
                }
            var x = new double[n];
            var r = (double[])b.Clone();
            var p = (double[])b.Clone();
            double rr = 0;
            for (int i = 0; i < n; i++) rr += r[i] * r[i];
            int iter = 0;
            while (rr > tol * tol && iter < 50)
            {
                var Ap = new double[n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) Ap[i] += A[i, j] * p[j];
                double pAp = 0;
                for (int i = 0; i < n; i++) pAp += p[i] * Ap[i];
                double alpha = rr / pAp;
                for (int i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * Ap[i]; }
                double rrNew = 0;
                for (int i = 0; i < n; i++) rrNew += r[i] * r[i];
                double beta = rrNew / rr;
                for (int i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
                rr = rrNew;
                iter++;
            }
            double e = 0;
            for (int i = 0; i < n; i++) e += x[i] * b[i];
            return e;
        }

        // 24. secant root finding: x^3 + a x - c = 0
        [Differentiable]
        public static double SecantRoot(double a, double c)
        {
            double x0 = 0.0, x1 = 1.0;
            double f0 = x0 * x0 * x0 + a * x0 - c;
            double f1 = x1 * x1 * x1 + a * x1 - c;
            for (int it = 0; it < 100 && Math.Abs(x1 - x0) > 1e-14; it++)
            {
                double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
                x0 = x1; f0 = f1;
                x1 = x2; f1 = x1 * x1 * x1 + a * x1 - c;
            }
            return x1;
        }

        // 25. natural cubic spline with a tridiagonal (Thomas) solve, unit knot spacing
        [Differentiable]
        public static double SplineEval(double[] y, double t)
        {
            int n = y.Length;
            var m = new double[n]; // second derivatives, m[0]=m[n-1]=0
            int k = n - 2;
            var sub = new double[k]; var diag = new double[k]; var sup = new double[k]; var rhs = new double[k];
            for (int i = 0; i < k; i++)
            {
                sub[i] = 1; diag[i] = 4; sup[i] = 1;
                rhs[i] = 6 * (y[i + 2] - 2 * y[i + 1] + y[i]);
            }
            for (int i = 1; i < k; i++)
            {
                double w = sub[i] / diag[i - 1];
                diag[i] -= w * sup[i - 1];
                rhs[i] -= w * rhs[i - 1];
            }
            m[k] = rhs[k - 1] / diag[k - 1];
            for (int i = k - 2; i >= 0; i--) m[i + 1] = (rhs[i] - sup[i] * m[i + 2]) / diag[i];
            int seg = Math.Clamp((int)Math.Floor(t), 0, n - 2);
            double u = t - seg;
            double a = 1 - u;
            return a * y[seg] + u * y[seg + 1] + ((a * a * a - a) * m[seg] + (u * u * u - u) * m[seg + 1]) / 6.0;
        }

        // 26. Catmull-Rom arc length
        [Differentiable]
        public static double CatmullRomLength(double[] pts, [Constant] int samples)
        {
            int np = pts.Length / 2;
            double len = 0;
            for (int s = 1; s < np - 2; s++)
            {
                double px = pts[2 * s], py = pts[2 * s + 1];
                for (int k = 1; k <= samples; k++)
                {
                    double t = (double)k / samples, t2 = t * t, t3 = t2 * t;
                    double cx = 0.5 * (2 * pts[2 * s] + (-pts[2 * s - 2] + pts[2 * s + 2]) * t
                        + (2 * pts[2 * s - 2] - 5 * pts[2 * s] + 4 * pts[2 * s + 2] - pts[2 * s + 4]) * t2
                        + (-pts[2 * s - 2] + 3 * pts[2 * s] - 3 * pts[2 * s + 2] + pts[2 * s + 4]) * t3);
                    double cy = 0.5 * (2 * pts[2 * s + 1] + (-pts[2 * s - 1] + pts[2 * s + 3]) * t
                        + (2 * pts[2 * s - 1] - 5 * pts[2 * s + 1] + 4 * pts[2 * s + 3] - pts[2 * s + 5]) * t2
                        + (-pts[2 * s - 1] + 3 * pts[2 * s + 1] - 3 * pts[2 * s + 3] + pts[2 * s + 5]) * t3);
                    len += Math.Sqrt((cx - px) * (cx - px) + (cy - py) * (cy - py));
                    px = cx; py = cy;
                }
            }
            return len;
        }

        // 27. quaternion slerp with hemisphere flip
        [Differentiable]
        public static double Slerp(double[] q0, double[] q1, double t, [Constant] double[] probe)
        {
            double dot = 0;
            for (int i = 0; i < 4; i++) dot += q0[i] * q1[i];
            var b = new double[4];
            for (int i = 0; i < 4; i++) b[i] = dot < 0 ? -q1[i] : q1[i];
            dot = Math.Abs(dot);
            var r = new double[4];
            if (dot > 0.9995)
            {
                for (int i = 0; i < 4; i++) r[i] = q0[i] + t * (b[i] - q0[i]);
            }
            else
            {
                double theta = Math.Acos(dot);
                double sinT = Math.Sin(theta);
                double w0 = Math.Sin((1 - t) * theta) / sinT, w1 = Math.Sin(t * theta) / sinT;
                for (int i = 0; i < 4; i++) r[i] = w0 * q0[i] + w1 * b[i];
            }
            double s = 0;
            for (int i = 0; i < 4; i++) s += r[i] * probe[i];
            return s;
        }

        // 28. 2-link inverse kinematics writing an output array
        [Differentiable]
        public static void TwoLinkIk(double l1, double l2, double px, double py, double[] angles)
        {
            double c2 = (px * px + py * py - l1 * l1 - l2 * l2) / (2 * l1 * l2);
            c2 = Math.Clamp(c2, -1.0, 1.0);
            double s2 = Math.Sqrt(1 - c2 * c2);
            double q2 = Math.Atan2(s2, c2);
            double q1 = Math.Atan2(py, px) - Math.Atan2(l2 * s2, l1 + l2 * c2);
            angles[0] = q1;
            angles[1] = q2;
        }

        // 29. RK4 two-body orbit
        [Differentiable]
        public static double Rk4Orbit(double[] state0, double mu, double dt, [Constant] int steps)
        {
            var s = (double[])state0.Clone();
            var k1 = new double[4]; var k2 = new double[4]; var k3 = new double[4]; var k4 = new double[4];
            var tmp = new double[4];
            for (int n = 0; n < steps; n++)
            {
                OrbitDeriv(s, mu, k1);
                for (int i = 0; i < 4; i++) tmp[i] = s[i] + 0.5 * dt * k1[i];
                OrbitDeriv(tmp, mu, k2);
                for (int i = 0; i < 4; i++) tmp[i] = s[i] + 0.5 * dt * k2[i];
                OrbitDeriv(tmp, mu, k3);
                for (int i = 0; i < 4; i++) tmp[i] = s[i] + dt * k3[i];
                OrbitDeriv(tmp, mu, k4);
                for (int i = 0; i < 4; i++) s[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
            return s[0] + 0.5 * s[1];
        }

        // 30. explicit heat equation on a 2-D grid: Heat2D (inside #if REJECTED in the probe, refused then with DIFF0004 on
        // Array.Copy of a double[,]) is accepted since and is in the corpus as written as MatrixCopies.Heat2DSwapped; not repeated here.

        // 31. SPH density with cubic spline kernel
        [Differentiable]
        public static double SphDensity(double[] pos, double h, [Constant] double rho0)
        {
            int n = pos.Length / 2;
            double sigma = 10.0 / (7.0 * Math.PI * h * h);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double rho = 0;
                for (int j = 0; j < n; j++)
                {
                    double dx = pos[2 * i] - pos[2 * j], dy = pos[2 * i + 1] - pos[2 * j + 1];
                    double q = Math.Sqrt(dx * dx + dy * dy) / h;
                    double w;
                    if (q < 1) w = 1 - 1.5 * q * q + 0.75 * q * q * q;
                    else if (q < 2) w = 0.25 * Math.Pow(2 - q, 3);
                    else w = 0;
                    rho += sigma * w;
                }
                loss += (rho - rho0) * (rho - rho0);
            }
            return loss;
        }

        // 32. softmax attention with a causal mask
        [Differentiable]
        public static double CausalAttention(double[] Q, double[] K, double[] V, [Constant] int T, [Constant] int d)
        {
            double scale = 1.0 / Math.Sqrt(d);
            double total = 0;
            var scores = new double[T];
            for (int i = 0; i < T; i++)
            {
                double mx = double.NegativeInfinity;
                for (int j = 0; j < T; j++)
                {
                    if (j > i) { scores[j] = double.NegativeInfinity; continue; }
                    double s = 0;
                    for (int k = 0; k < d; k++) s += Q[i * d + k] * K[j * d + k];
                    scores[j] = s * scale;
                    mx = Math.Max(mx, scores[j]);
                }
                double z = 0;
                for (int j = 0; j < T; j++) { scores[j] = Math.Exp(scores[j] - mx); z += scores[j]; }
                for (int k = 0; k < d; k++)
                {
                    double o = 0;
                    for (int j = 0; j < T; j++) o += scores[j] / z * V[j * d + k];
                    total += o * (k + 1) * (i + 1);
                }
            }
            return total;
        }

        // 33. Viterbi max-plus DP
        [Differentiable]
        public static double ViterbiScore(double[] emit, double[] trans, [Constant] int T, [Constant] int S)
        {
            var dp = new double[S];
            for (int s = 0; s < S; s++) dp[s] = emit[s];
            for (int t = 1; t < T; t++)
            {
                var nd = new double[S];
                for (int s = 0; s < S; s++)
                {
                    double best = double.NegativeInfinity;
                    for (int p = 0; p < S; p++)
                    {
                        double cand = dp[p] + trans[p * S + s];
                        if (cand > best) best = cand;
                    }
                    nd[s] = best + emit[t * S + s];
                }
                dp = nd;
            }
            double m = double.NegativeInfinity;
            foreach (var v in dp) m = Math.Max(m, v);
            return m;
        }

        // 34. CTC-like forward in log space
        [Differentiable]
        public static double CtcLoss(double[] logits, [Constant] int[] labels, [Constant] int T, [Constant] int C)
        {
            var lp = new double[T * C];
            for (int t = 0; t < T; t++)
            {
                double m = double.NegativeInfinity;
                for (int c = 0; c < C; c++) m = Math.Max(m, logits[t * C + c]);
                double z = 0;
                for (int c = 0; c < C; c++) z += Math.Exp(logits[t * C + c] - m);
                double lz = m + Math.Log(z);
                for (int c = 0; c < C; c++) lp[t * C + c] = logits[t * C + c] - lz;
            }
            int L = 2 * labels.Length + 1;
            var ext = new int[L];
            for (int i = 0; i < L; i++) ext[i] = i % 2 == 0 ? 0 : labels[i / 2];
            var alpha = new double[L];
            for (int i = 0; i < L; i++) alpha[i] = double.NegativeInfinity;
            alpha[0] = lp[ext[0]];
            alpha[1] = lp[ext[1]];
            for (int t = 1; t < T; t++)
            {
                var na = new double[L];
                for (int s = 0; s < L; s++)
                {
                    double a = alpha[s];
                    if (s >= 1) a = LogSumExp2(a, alpha[s - 1]);
                    if (s >= 2 && ext[s] != 0 && ext[s] != ext[s - 2]) a = LogSumExp2(a, alpha[s - 2]);
                    na[s] = double.IsNegativeInfinity(a) ? a : a + lp[t * C + ext[s]];
                }
                alpha = na;
            }
            return -LogSumExp2(alpha[L - 1], alpha[L - 2]);
        }

        // 35. Sinkhorn iterations, returns transport cost
        [Differentiable]
        public static double Sinkhorn(double[,] cost, double eps, [Constant] int iters)
        {
            int n = cost.GetLength(0), m = cost.GetLength(1);
            var K = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) K[i, j] = Math.Exp(-cost[i, j] / eps);
            var u = new double[n]; var v = new double[m];
            Array.Fill(u, 1.0); Array.Fill(v, 1.0);
            for (int it = 0; it < iters; it++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j < m; j++) s += K[i, j] * v[j];
                    u[i] = (1.0 / n) / s;
                }
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += K[i, j] * u[i];
                    v[j] = (1.0 / m) / s;
                }
            }
            double total = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) total += u[i] * K[i, j] * v[j] * cost[i, j];
            return total;
        }

        // 36. dynamic time warping
        [Differentiable]
        public static double Dtw(double[] a, double[] b)
        {
            int n = a.Length, m = b.Length;
            var D = new double[n + 1, m + 1];
            for (int i = 0; i <= n; i++)
                for (int j = 0; j <= m; j++) D[i, j] = double.PositiveInfinity;
            D[0, 0] = 0;
            for (int i = 1; i <= n; i++)
                for (int j = 1; j <= m; j++)
                {
                    double c = (a[i - 1] - b[j - 1]) * (a[i - 1] - b[j - 1]);
                    D[i, j] = c + Math.Min(D[i - 1, j - 1], Math.Min(D[i - 1, j], D[i, j - 1]));
                }
            return D[n, m];
        }

        // 37. arithmetic Asian call, Monte Carlo with pre-drawn normals
        [Differentiable]
        public static double AsianCall(double s0, double r, double sigma, double maturity, [Constant] double strike, [Constant] double[] z, [Constant] int paths)
        {
            int steps = z.Length / paths;
            double dt = maturity / steps;
            double drift = (r - 0.5 * sigma * sigma) * dt, vol = sigma * Math.Sqrt(dt);
            double sum = 0;
            for (int p = 0; p < paths; p++)
            {
                double s = s0, avg = 0;
                for (int k = 0; k < steps; k++)
                {
                    s *= Math.Exp(drift + vol * z[p * steps + k]);
                    avg += s;
                }
                avg /= steps;
                sum += Math.Max(avg - strike, 0.0);
            }
            return Math.Exp(-r * maturity) * sum / paths;
        }

        // 38. Heston path, full truncation Euler
        [Differentiable]
        public static double HestonMean(double s0, double v0, double kappa, double theta, double xi, double rho, [Constant] double[] z1, [Constant] double[] z2, [Constant] int paths)
        {
            int steps = z1.Length / paths;
            double dt = 1.0 / steps;
            double acc = 0;
            for (int p = 0; p < paths; p++)
            {
                double logS = Math.Log(s0), v = v0;
                for (int k = 0; k < steps; k++)
                {
                    double vp = Math.Max(v, 0.0);
                    double w1 = z1[p * steps + k];
                    double w2 = rho * w1 + Math.Sqrt(1 - rho * rho) * z2[p * steps + k];
                    logS += -0.5 * vp * dt + Math.Sqrt(vp * dt) * w1;
                    v += kappa * (theta - vp) * dt + xi * Math.Sqrt(vp * dt) * w2;
                }
                acc += Math.Exp(logS);
            }
            return acc / paths;
        }

        // 39. Cox partial likelihood: CoxNll (Array.Sort(keys, order) for the permutation), refused (DIFF0005); not here, see
        // docs/natural-csharp.md, Round 32.

        // 40. triplet loss with hard-negative mining (argmax similarity)
        [Differentiable]
        public static double TripletHard(double[] anchor, double[] positive, double[][] negatives, double margin)
        {
            double dp = Dist2(anchor, positive);
            int hard = -1;
            double best = double.PositiveInfinity;
            for (int k = 0; k < negatives.Length; k++)
            {
                double d = Dist2(anchor, negatives[k]);
                if (d < best) { best = d; hard = k; }
            }
            return Math.Max(0.0, dp - Dist2(anchor, negatives[hard]) + margin);
        }    }

    /// <summary>Round 32's ArrayExt as written (renamed): Dot and Norm2 extension methods on double[] (CosineSim's).</summary>
    public static class Round32ArrayExt
    {
        public static double Dot(this double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }
        public static double Norm2(this double[] a) => Math.Sqrt(a.Dot(a));
    }

    /// <summary>Round 32's Vec3 as written (renamed): a readonly struct with an <c>in</c> minus operator, Cross and Length (MeshArea's).</summary>
    public readonly struct Round32Vec3
    {
        public readonly double X, Y, Z;
        public Round32Vec3(double x, double y, double z) { X = x; Y = y; Z = z; }
        public static Round32Vec3 operator -(in Round32Vec3 a, in Round32Vec3 b) => new Round32Vec3(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Round32Vec3 Cross(in Round32Vec3 a, in Round32Vec3 b) => new Round32Vec3(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
        public double Length() => Math.Sqrt(X * X + Y * Y + Z * Z);
    }

    /// <summary>Round 32's Cplx as written (renamed): a readonly record struct complex number with Mul, Add and Abs2 (PolyMag's).</summary>
    public readonly record struct Round32Cplx(double Re, double Im)
    {
        public Round32Cplx Mul(Round32Cplx o) => new(Re * o.Re - Im * o.Im, Re * o.Im + Im * o.Re);
        public Round32Cplx Add(Round32Cplx o) => new(Re + o.Re, Im + o.Im);
        public double Abs2 => Re * Re + Im * Im;
    }
}
