using System;
using System.Linq;
using DiffGen.Cuda.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Cuda.Tests
{
    /// <summary>Device tests: skipped without a usable GPU. CUDA results must equal CPU results within tolerance.</summary>
    public sealed class GpuTests(ITestOutputHelper output)
    {
        private static float[] Random(int n, int seed, double scale = 1.0)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        }

        private static double[] RandomD(int n, int seed, double scale = 1.0)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
        }

        /// <summary>Row-major C = alpha op(A) op(B) + beta C in double.</summary>
        private static double[] GemmReference(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, double[] b, double beta, double[] c)
        {
            var result = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                    result[i * n + j] = alpha * s + beta * c[i * n + j];
                }
            return result;
        }

        [GpuFact]
        public void Context_reports_the_device()
        {
            using var context = new CudaContext();
            output.WriteLine($"{context.DeviceName}: sm_{context.ComputeCapabilityMajor}{context.ComputeCapabilityMinor}, {context.MultiprocessorCount} SMs, NVRTC target {context.Architecture}");
            output.WriteLine(CudaEnvironment.Diagnostics);
            Assert.StartsWith("compute_", context.Architecture);
            Assert.True(context.ComputeCapabilityMajor >= 3);
            Assert.Throws<ArgumentOutOfRangeException>(() => new CudaContext(CudaEnvironment.DeviceCount));
        }

        [GpuFact]
        public void Buffers_round_trip_copy_clear_and_check_lengths()
        {
            using var context = new CudaContext();
            float[] data = Random(1000, 1);
            using DeviceBuffer<float> a = context.Upload<float>(data);
            using DeviceBuffer<float> b = context.Allocate<float>(1000);
            a.CopyTo(b);
            Assert.Equal(data, b.ToArray());
            b.Clear();
            Assert.All(b.ToArray(), v => Assert.Equal(0f, v));
            Assert.Equal("source", Assert.Throws<ArgumentException>(() => a.Upload(new float[999])).ParamName);
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => a.Download(new float[1001])).ParamName);
            using DeviceBuffer<float> empty = context.Allocate<float>(0);
            Assert.Empty(empty.ToArray());
            a.Dispose();
            Assert.Throws<ObjectDisposedException>(() => a.ToArray());
        }

        [GpuTheory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public void Row_major_gemm_matches_the_CPU(bool ta, bool tb)
        {
            using var context = new CudaContext();
            const int m = 37, n = 23, k = 51;
            double[] a = RandomD(m * k, 2), b = RandomD(k * n, 3), c = RandomD(m * n, 4);
            double[] expected = GemmReference(ta, tb, m, n, k, 0.75, a, b, -0.5, c);

            using var da = context.Upload<double>(a);
            using var db = context.Upload<double>(b);
            using var dc = context.Upload<double>(c);
            context.Gemm(ta, tb, m, n, k, 0.75, da, db, -0.5, dc);
            double[] got = dc.ToArray();
            for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 1e-12);

            float[] af = a.Select(x => (float)x).ToArray(), bf = b.Select(x => (float)x).ToArray(), cf = c.Select(x => (float)x).ToArray();
            using var fa = context.Upload<float>(af);
            using var fb = context.Upload<float>(bf);
            using var fc = context.Upload<float>(cf);
            context.Gemm(ta, tb, m, n, k, 0.75f, fa, fb, -0.5f, fc);
            float[] gotF = fc.ToArray();
            for (int i = 0; i < gotF.Length; i++) Assert.Equal(expected[i], gotF[i], 1e-4);

            fc.Upload(cf);
            context.Gemm(ta, tb, m, n, k, 0.75f, fa, fb, -0.5f, fc, allowTf32: true);
            float[] gotTf32 = fc.ToArray();
            for (int i = 0; i < gotTf32.Length; i++) Assert.Equal(expected[i], gotTf32[i], 5e-2);
        }

        [GpuFact]
        public void Gemm_checks_operand_lengths()
        {
            using var context = new CudaContext();
            using var a = context.Allocate<float>(6);
            using var b = context.Allocate<float>(6);
            using var c = context.Allocate<float>(3);
            ArgumentException e = Assert.Throws<ArgumentException>(() => context.Gemm(false, false, 2, 2, 3, 1f, a, b, 0f, c));
            Assert.Equal("c", e.ParamName);
        }

        [GpuFact]
        public void Elementwise_kernels_match_the_CPU()
        {
            using var context = new CudaContext();
            const int n = 10_000;
            float[] x = Random(n, 5), y = Random(n, 6);
            using var dx = context.Upload<float>(x);
            using var dy = context.Upload<float>(y);
            using var dout = context.Allocate<float>(n);
            context.Launch(ElementwiseKernels.Source, ElementwiseKernels.AxpbyFloat, Dim3.Cover(n, ElementwiseKernels.BlockSize), ElementwiseKernels.BlockSize, 0,
                dx, dy, dout, 2f, -3f, n);
            float[] got = dout.ToArray();
            for (int i = 0; i < n; i++) Assert.Equal(2f * x[i] - 3f * y[i], got[i], 1e-5f);

            double[] xd = RandomD(n, 7);
            using var dxd = context.Upload<double>(xd);
            using var doutd = context.Allocate<double>(n);
            context.Launch(ElementwiseKernels.Source, ElementwiseKernels.ScaledExpDouble, 8, ElementwiseKernels.BlockSize, 0, dxd, doutd, 1.5, 0.25, n);
            double[] gotD = doutd.ToArray();
            for (int i = 0; i < n; i++) Assert.Equal(Math.Exp(1.5 * xd[i] - 0.25), gotD[i], 1e-12);
            Assert.Equal(1, context.LoadedModuleCount); // one source, one module
        }

        [GpuTheory]
        [InlineData(1, 1)]
        [InlineData(5, 33)]
        [InlineData(64, 1000)]
        [InlineData(3, 5000)]
        public void Row_reductions_match_the_CPU(int rows, int cols)
        {
            using var context = new CudaContext();
            double[] x = RandomD(rows * cols, rows * 31 + cols, 20);
            using var dx = context.Upload<double>(x);
            using var dout = context.Allocate<double>(rows);
            foreach ((string kernel, Func<double[], double> reference) in new (string, Func<double[], double>)[]
            {
                (RowReductionKernels.RowSumDouble, r => r.Sum()),
                (RowReductionKernels.RowMaxDouble, r => r.Max()),
                (RowReductionKernels.RowLogSumExpDouble, r => { double mx = r.Max(); return mx + Math.Log(r.Sum(v => Math.Exp(v - mx))); }),
            })
            {
                context.Launch(RowReductionKernels.Source, kernel, rows, RowReductionKernels.BlockSize, 0, dx, dout, rows, cols);
                double[] got = dout.ToArray();
                for (int r = 0; r < rows; r++)
                    Assert.Equal(reference(x.Skip(r * cols).Take(cols).ToArray()), got[r], 1e-9);
            }

            float[] xf = x.Select(v => (float)v).ToArray();
            using var dxf = context.Upload<float>(xf);
            using var doutf = context.Allocate<float>(rows);
            context.Launch(RowReductionKernels.Source, RowReductionKernels.RowLogSumExpFloat, Math.Min(rows, 2), 128, 0, dxf, doutf, rows, cols);
            float[] gotF = doutf.ToArray();
            for (int r = 0; r < rows; r++)
            {
                double[] row = xf.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray();
                double mx = row.Max();
                Assert.Equal(mx + Math.Log(row.Sum(v => Math.Exp(v - mx))), gotF[r], 1e-3);
            }
        }

        [GpuTheory]
        [InlineData(1)]
        [InlineData(8)]
        [InlineData(300)]
        public void Masked_row_logsumexp_skips_the_diagonal(int n)
        {
            using var context = new CudaContext();
            double[] sim = RandomD(n * n, n, 1);
            for (int i = 0; i < n; i++) sim[i * n + i] = 1e30; // must be ignored
            const double tau = 0.1;
            using var ds = context.Upload<double>(sim);
            using var dout = context.Allocate<double>(n);
            context.Launch(NtXentKernels.Source, NtXentKernels.MaskedRowLogSumExpDouble, n, NtXentKernels.BlockSize, 0, ds, dout, n, 1 / tau);
            double[] got = dout.ToArray();
            for (int i = 0; i < n; i++)
            {
                double[] terms = Enumerable.Range(0, n).Where(k => k != i).Select(k => sim[i * n + k] / tau).ToArray();
                double expected = terms.Length == 0 ? double.NegativeInfinity : terms.Max() + Math.Log(terms.Sum(t => Math.Exp(t - terms.Max())));
                Assert.Equal(expected, got[i], 1e-9);
            }
        }

        [GpuFact]
        public void Launch_rejects_bad_arguments_and_reports_missing_kernels()
        {
            using var context = new CudaContext();
            using var other = new CudaContext();
            using var foreign = other.Allocate<float>(4);
            Assert.Equal("args", Assert.Throws<ArgumentException>(() =>
                context.Launch(ElementwiseKernels.Source, ElementwiseKernels.AxpbyFloat, 1, 32, 0, "text")).ParamName);
            Assert.Equal("args", Assert.Throws<ArgumentException>(() =>
                context.Launch(ElementwiseKernels.Source, ElementwiseKernels.AxpbyFloat, 1, 32, 0, foreign, foreign, foreign, 1f, 1f, 4)).ParamName);
            CudaException e = Assert.Throws<CudaException>(() => context.Launch(ElementwiseKernels.Source, "no_such_kernel", 1, 32, 0));
            Assert.Equal("cuModuleGetFunction", e.Call);
            Assert.Equal("CUDA_ERROR_NOT_FOUND", e.ErrorName);
        }
    }
}
