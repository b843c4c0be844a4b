using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Probe batch 37's refusals: ArrayPool scratch in a try/finally (three diagnostics for one cause) and Buffer.BlockCopy,
    /// now accepted; their unsupported neighbours (a rented array's Length, a try with other cleanup or a catch, byte counts
    /// that are not visibly whole elements) refused with one diagnostic that says what to write.
    /// </summary>
    public partial class DiagnosticsTests
    {
        private const string PoolHeader = "using System.Buffers;\npublic static partial class C {\n";

        private static System.Collections.Generic.List<Diagnostic> PoolProblems(string body)
        {
            var result = GeneratorHarness.Run(Usings + PoolHeader + body + "\n}");
            return result.GeneratorDiagnostics.Where(d => d.Id != "DIFF0016").ToList();
        }

        [Fact]
        public void ArrayPool_scratch_in_try_finally_is_accepted()
        {
            var problems = PoolProblems("[Differentiable] public static double F(double[] u, double dt) { int n = u.Length; double[] pos = ArrayPool<double>.Shared.Rent(n); "
                + "try { double p = 0; for (int t = 0; t < n; t++) { p += u[t] * dt; pos[t] = p; } double c = 0; for (int t = 0; t < n; t++) c += pos[t] * pos[t]; return c; } "
                + "finally { ArrayPool<double>.Shared.Return(pos); } }\n"
                + "[Differentiable] public static float G(float[] u) { var pool = ArrayPool<float>.Shared; float[] a = pool.Rent(u.Length); float[] b = pool.Rent(2 * u.Length); "
                + "try { float s = 0; for (int i = 0; i < u.Length; i++) { a[i] = u[i] * u[i]; b[2 * i] = a[i]; b[2 * i + 1] = u[i]; } for (int i = 0; i < 2 * u.Length; i++) s += b[i]; return s; } "
                + "finally { pool.Return(a, clearArray: true); pool.Return(b); } }\n"
                + "[Differentiable] public static double H(double[] x) { double s = 0; for (int r = 0; r < 3; r++) { var t = ArrayPool<double>.Shared.Rent(x.Length); "
                + "try { for (int i = 0; i < x.Length; i++) t[i] = x[i] * r; for (int i = 0; i < x.Length; i++) s += t[i] * t[i]; } finally { ArrayPool<double>.Shared.Return(t); } } return s; }\n"
                + "[Differentiable] public static double K(double[] x) { var t = ArrayPool<double>.Shared.Rent(x.Length); for (int i = 0; i < x.Length; i++) t[i] = x[i] * x[i]; "
                + "double s = 0; for (int i = 0; i < x.Length; i++) s += t[i]; ArrayPool<double>.Shared.Return(t); return s; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0004_LengthOfARentedArraySaysUseTheRequestedLength()
        {
            var d = Expect("DIFF0004", "buf.Length", "[Differentiable] public static double F(double[] x) { var buf = ArrayPool<double>.Shared.Rent(x.Length); double s = 0; "
                + "for (int i = 0; i < buf.Length; i++) { buf[i] = x[i]; s += buf[i]; } ArrayPool<double>.Shared.Return(buf); return s; }", PoolHeader);
            Assert.Contains("use the requested length (n) instead", d.GetMessage());
        }

        [Fact]
        public void DIFF0003_TryWithOtherCleanupIsTheOnlyDiagnostic()
        {
            const string Body = "[Differentiable] public static double F(double[] x) { var pos = new double[x.Length]; try { double s = 0; for (int i = 0; i < x.Length; i++) { pos[i] = x[i]; s += pos[i] * pos[i]; } return s; } "
                + "finally { Array.Clear(pos); } }";
            var d = Expect("DIFF0003", "try", Body, PoolHeader);
            Assert.Contains("a try/finally is supported only when its finally returns ArrayPool rentals", d.GetMessage());
            var all = PoolProblems(Body);
            Assert.True(all.Count == 1, Describe(all)); // no DIFF0011 for the return inside the try
        }

        [Fact]
        public void DIFF0003_TryCatchIsTheOnlyDiagnostic()
        {
            const string Body = "[Differentiable] public static double F(double x) { try { return Math.Log(x); } catch (ArgumentException) { return 0; } }";
            var d = Expect("DIFF0003", "try", Body, PoolHeader);
            Assert.Contains("exceptions cannot be differentiated", d.GetMessage());
            var all = PoolProblems(Body);
            Assert.True(all.Count == 1, Describe(all));
        }

        [Fact]
        public void Buffer_BlockCopy_in_whole_elements_is_accepted()
        {
            var problems = Problems("[Differentiable] public static double F(double[] v, int k) { var d = new double[v.Length]; Buffer.BlockCopy(v, 0, d, 0, v.Length * sizeof(double)); "
                + "var e = new double[v.Length]; Buffer.BlockCopy(v, sizeof(double) * 1, e, 0, (v.Length - 1) * 8); Buffer.BlockCopy(v, 16, e, k * sizeof(double), 8); "
                + "double s = 0; for (int i = 0; i < v.Length; i++) s += d[i] * e[i]; return s; }\n"
                + "[Differentiable] public static float G(float[] v) { var d = new float[v.Length]; Buffer.BlockCopy(v, 0, d, 0, sizeof(float) * v.Length); float s = 0; foreach (var x in d) s += x * x; return s; }");
            Assert.True(problems.Count == 0, Describe(problems));
        }

        [Fact]
        public void DIFF0005_BlockCopyOfBytesNotVisiblyWholeElementsSaysUseArrayCopy()
        {
            var d = Expect("DIFF0005", "Buffer.BlockCopy", "[Differentiable] public static double F(double[] v, int bytes) { var d = new double[v.Length]; Buffer.BlockCopy(v, 0, d, 0, bytes); "
                + "double s = 0; for (int i = 0; i < v.Length; i++) s += d[i] * d[i]; return s; }");
            Assert.Contains("is not visibly a multiple of sizeof(double)", d.GetMessage());
            Assert.Contains("use Array.Copy(source, sourceIndex, destination, destinationIndex, length)", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_BlockCopyBetweenElementTypesSaysUseArrayCopy()
        {
            var d = Expect("DIFF0005", "Buffer.BlockCopy", "[Differentiable] public static double F(double[] v) { var d = new float[2 * v.Length]; Buffer.BlockCopy(v, 0, d, 0, v.Length * 8); "
                + "double s = 0; for (int i = 0; i < v.Length; i++) s += d[i] * v[i]; return s; }");
            Assert.Contains("use Array.Copy(source, sourceIndex, destination, destinationIndex, length)", d.GetMessage());
        }
    }
}
