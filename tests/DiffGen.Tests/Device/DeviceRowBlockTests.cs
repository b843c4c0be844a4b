using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Cpu;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// Row-block fusion on the GPU (issue 9, item 6): attention's probability table p is held a block of rows at a time
    /// on the device too (per block: the panel GEMM of q·kᵀ, the block's kernels, a row-range GEMM for the product's
    /// rows; backwards, per block from the last: the block's forward iterations recomputed, the block's share of the
    /// product's adjoint by two GEMMs, the block's reverse iterations). Checked against the CPU backend on the g++
    /// emulation with strict memory (races reported), for blocks of 1 and 3 rows and row counts that are not a multiple
    /// of the block (1, 2, 5); and the device memory it holds for p: rows-per-block × m elements, never n × m.
    /// </summary>
    [Collection("Tiling mode")]
    public sealed class DeviceRowBlockTests(ITestOutputHelper output)
    {
        /// <summary>The corpus methods whose CPU plan holds a table a block of rows at a time.</summary>
        private static readonly string[] Methods = { "Attention.AttentionMse", "Attention.AttentionMseF", "Sequences.SelfAttention" };

        public static IEnumerable<object[]> Cases() =>
            from name in Methods
            from n in new[] { 1, 2, 5 }
            from rows in new[] { 1, 3 }
            select new object[] { name, n, rows };

        [GxxTheory]
        [MemberData(nameof(Cases))]
        public void Row_block_fused_device_code_matches_the_cpu_backend(string method, int n, int rowsPerBlock)
        {
            var c = DeviceCases.All(typeof(DeviceRowBlockTests).Assembly).Single(x => x.Name == method);
            var mode = Tiling.Mode;
            long panel = Tiling.DevicePanelBytes;
            try
            {
                Tiling.Mode = TilingMode.Always;
                // rows per block = panel bytes / row bytes; every table of the square inputs has n columns
                Tiling.DevicePanelBytes = rowsPerBlock * (c.IsFloat ? 4 : 8) * (long)n;
                long before = Tiling.DeviceFusedRuns;
                var emulated = new EmulatedDevice(threadsPerBlock: 32, strictMemory: true);
                var device = new RecordingDevice(emulated);
                var r = DeviceCases.Run(c, device, seed: 7, size: n);
                long fused = Tiling.DeviceFusedRuns - before;
                output.WriteLine($"{r.Name}: inputs {r.Inputs}; {r.Launches} kernel launches and GEMMs; {fused} tile-fused device calls; row-range GEMMs {device.RowRangeGemms}; max relative difference {r.MaxRelativeError:E2} ({r.Worst})");
                foreach (var race in emulated.Races) output.WriteLine("race: " + race);
                Assert.True(fused >= 2, $"{method}: the device ran the materialised program ({fused} fused calls)");
                Assert.True(emulated.Races.Count == 0, emulated.Races.Count == 0 ? "" : $"{r.Name}: data race in the device code: {emulated.Races[0]}");
                Assert.True(r.MaxRelativeError <= (c.IsFloat ? 1e-4 : 1e-10), $"{r.Name}: {r.Worst} differs by {r.MaxRelativeError:E3} (relative)");
                Assert.Equal(0, emulated.LiveAllocations);
            }
            finally
            {
                Tiling.Mode = mode;
                Tiling.DevicePanelBytes = panel;
            }
        }

        [Fact]
        public void The_row_blocked_methods_have_device_code()
        {
            var names = DeviceCases.All(typeof(DeviceRowBlockTests).Assembly).Select(x => x.Name).ToList();
            foreach (var m in Methods)
            {
                Assert.Contains(m, names);
                var c = DeviceCases.All(typeof(DeviceRowBlockTests).Assembly).Single(x => x.Name == m);
                Assert.Contains("// ---- tile-fused adjoint", DeviceCases.Source(c), StringComparison.Ordinal);
            }
        }

        /// <summary>
        /// AttentionMseBackward through the device-resident overload: the inputs uploaded, the recorder reset (only the call's
        /// own allocations count), the loss and the three gradients back on the host.
        /// </summary>
        private static (double Loss, double[,] QGrad, double[,] KGrad, double[,] VGrad) AttentionOnDevice(RecordingDevice device, double[,] q, double[,] k, double[,] v, double[,] target)
        {
            using var dq = DeviceArray<double>.Upload(device, q);
            using var dk = DeviceArray<double>.Upload(device, k);
            using var dv = DeviceArray<double>.Upload(device, v);
            using var dt = DeviceArray<double>.Upload(device, target);
            using var dqg = DeviceArray<double>.Zeros(device, q.GetLength(0), q.GetLength(1));
            using var dkg = DeviceArray<double>.Zeros(device, k.GetLength(0), k.GetLength(1));
            using var dvg = DeviceArray<double>.Zeros(device, v.GetLength(0), v.GetLength(1));
            device.Reset();
            double loss = Attention.AttentionMseBackward(dq, dk, dv, dt, dqg, dkg, dvg, 1, device);
            return (loss, dqg.ToMatrix(), dkg.ToMatrix(), dvg.ToMatrix());
        }

        /// <summary>
        /// The memory statement: with the fused path, the device buffers for p and p̄ are rows-per-block × m; no buffer of
        /// n × m elements is allocated (the materialised path allocates p, p̄ and the score table at that size). Shapes are
        /// chosen so that n × m differs from every other buffer's size.
        /// </summary>
        [GxxFact]
        public void Device_row_blocks_hold_a_block_of_p_not_the_whole_table()
        {
            const int n = 7, m = 11, d = 4, e = 2, rows = 3;
            var rng = new Random(3);
            double[,] Rand(int r, int c)
            {
                var a = new double[r, c];
                for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = 2 * rng.NextDouble() - 1;
                return a;
            }
            var q = Rand(n, d);
            var k = Rand(m, d);
            var v = Rand(m, e);
            var target = Rand(n, e);
            var qg = new double[n, d];
            var kg = new double[m, d];
            var vg = new double[m, e];
            double cpu = Attention.AttentionMseBackward(q, k, v, target, qg, kg, vg);

            var mode = Tiling.Mode;
            long panel = Tiling.DevicePanelBytes;
            try
            {
                Tiling.DevicePanelBytes = rows * 8L * m;
                var sizes = new Dictionary<TilingMode, RecordingDevice>();
                foreach (var tiling in new[] { TilingMode.Always, TilingMode.Never })
                {
                    Tiling.Mode = tiling;
                    var emulated = new EmulatedDevice(threadsPerBlock: 32, strictMemory: true);
                    var device = new RecordingDevice(emulated);
                    var (gpu, dqg, dkg, dvg) = AttentionOnDevice(device, q, k, v, target);
                    Assert.True(Math.Abs(cpu - gpu) <= 1e-10 * Math.Abs(cpu) + 1e-12, $"{tiling}: loss {gpu} on the device, {cpu} on the cpu");
                    Assert.Empty(emulated.Races);
                    double worst = 0;
                    foreach (var (h, got) in new[] { (qg, dqg), (kg, dkg), (vg, dvg) })
                    {
                        for (int i = 0; i < h.GetLength(0); i++)
                            for (int j = 0; j < h.GetLength(1); j++)
                                worst = Math.Max(worst, Math.Abs(h[i, j] - got[i, j]) / (1e-12 + Math.Abs(h[i, j])));
                    }
                    Assert.True(worst <= 1e-9, $"{tiling}: a gradient differs by {worst:E3} (relative)");
                    output.WriteLine($"{tiling}: allocations per call (bytes): {string.Join(", ", device.Allocations.OrderByDescending(x => x))}; peak held {device.PeakBytes} bytes; row-range GEMMs {device.RowRangeGemms}");
                    sizes[tiling] = device;
                }
                long whole = 8L * n * m, block = 8L * rows * m;
                Assert.True(sizes[TilingMode.Never].Allocations.Count(x => x == whole) >= 2, "the materialised program should hold p and p̄ whole (n × m)");
                Assert.DoesNotContain(whole, sizes[TilingMode.Always].Allocations);
                Assert.True(sizes[TilingMode.Always].Allocations.Count(x => x == block) >= 2, "the row-block program should hold p and p̄ as rows-per-block × m buffers");
                Assert.True(sizes[TilingMode.Always].RowRangeGemms > 0, "no GEMM over a block of p's rows ran");
            }
            finally
            {
                Tiling.Mode = mode;
                Tiling.DevicePanelBytes = panel;
            }
        }

        /// <summary>
        /// A panel never has more rows than its table: at the default 512 MiB a small problem's panel was rows-per-block ×
        /// m for up to 2^20 rows (on an H200, attention at n = 2048 held 5.1 GB in its row-block form against 166 MB
        /// materialised, and cleared it per block). Now no buffer of the row-block program outgrows the whole table.
        /// </summary>
        [Fact]
        public void Device_panels_have_at_most_the_tables_rows()
        {
            long panel = Tiling.DevicePanelBytes;
            try
            {
                Tiling.DevicePanelBytes = 512L << 20;
                Assert.Equal(7, Tiling.DeviceRowsPerBlock(11, 8, 7));
                Assert.Equal(1, Tiling.DeviceRowsPerBlock(11, 8, 0));
                Assert.Equal(2048, Tiling.DeviceRowsPerBlock(65536, 4, 65536));
                Assert.Equal(1 << 20, Tiling.DeviceRowsPerBlock(1, 4, long.MaxValue));
            }
            finally { Tiling.DevicePanelBytes = panel; }
        }

        [GxxFact]
        public void Row_block_program_holds_no_buffer_larger_than_the_materialised_one_at_the_default_panel_size()
        {
            const int n = 40, m = 50, d = 4, e = 2;
            var rng = new Random(5);
            double[,] Rand(int r, int c)
            {
                var a = new double[r, c];
                for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = 2 * rng.NextDouble() - 1;
                return a;
            }
            var (q, k, v, target) = (Rand(n, d), Rand(m, d), Rand(m, e), Rand(n, e));
            var mode = Tiling.Mode;
            try
            {
                var largest = new Dictionary<TilingMode, long>();
                foreach (var tiling in new[] { TilingMode.Always, TilingMode.Never })
                {
                    Tiling.Mode = tiling;
                    var device = new RecordingDevice(new EmulatedDevice(threadsPerBlock: 32, strictMemory: true));
                    long before = Tiling.DeviceFusedRuns;
                    AttentionOnDevice(device, q, k, v, target);
                    if (tiling == TilingMode.Always) Assert.True(Tiling.DeviceFusedRuns > before, "the row-block program did not run");
                    output.WriteLine($"{tiling}: allocations (bytes): {string.Join(", ", device.Allocations.OrderByDescending(x => x))}");
                    largest[tiling] = device.Allocations.Max();
                }
                Assert.True(largest[TilingMode.Always] <= largest[TilingMode.Never],
                    $"the row-block program's largest buffer is {largest[TilingMode.Always]} bytes, the materialised program's {largest[TilingMode.Never]}");
            }
            finally { Tiling.Mode = mode; }
        }
    }

    /// <summary>Records allocation sizes, the peak of bytes held, and GEMMs whose output has fewer rows than asked of the whole table (row ranges), on the way to another device.</summary>
    public sealed class RecordingDevice(IKernelDevice inner) : IKernelDevice
    {
        private long _held;

        /// <summary>Sizes of the allocations since <see cref="Reset"/>.</summary>
        public List<long> Allocations { get; } = new();

        /// <summary>Most bytes held at once since <see cref="Reset"/> (allocations made before it count as held).</summary>
        public long PeakBytes { get; private set; }

        /// <summary>GEMMs since <see cref="Reset"/> whose first operand is offset into its buffer or whose output is (row-range GEMMs and panels).</summary>
        public int RowRangeGemms { get; private set; }

        private readonly HashSet<ulong> _bases = new();

        /// <summary>Starts counting anew.</summary>
        public void Reset()
        {
            Allocations.Clear();
            PeakBytes = _held;
            RowRangeGemms = 0;
        }

        /// <inheritdoc/>
        public string Name => inner.Name;

        /// <inheritdoc/>
        public int ThreadsPerBlock => inner.ThreadsPerBlock;

        /// <inheritdoc/>
        public bool AllowTf32 => inner.AllowTf32;

        /// <inheritdoc/>
        public ulong Allocate(long bytes)
        {
            var a = inner.Allocate(bytes);
            Allocations.Add(bytes);
            _bases.Add(a);
            _held += bytes;
            PeakBytes = Math.Max(PeakBytes, _held);
            return a;
        }

        /// <inheritdoc/>
        public void Free(ulong address, long bytes)
        {
            inner.Free(address, bytes);
            _bases.Remove(address);
            _held -= bytes;
        }

        /// <inheritdoc/>
        public void Clear(ulong address, long bytes) => inner.Clear(address, bytes);

        /// <inheritdoc/>
        public void CopyToDevice(ulong destination, nint source, long bytes) => inner.CopyToDevice(destination, source, bytes);

        /// <inheritdoc/>
        public void CopyToHost(nint destination, ulong source, long bytes) => inner.CopyToHost(destination, source, bytes);

        /// <inheritdoc/>
        public void CopyOnDevice(ulong destination, ulong source, long bytes) => inner.CopyOnDevice(destination, source, bytes);

        /// <inheritdoc/>
        public void Launch(string source, string kernel, int grid, int block, in KernelArgs args) => inner.Launch(source, kernel, grid, block, in args);

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc)
        {
            if (!_bases.Contains(c) || !_bases.Contains(a) || !_bases.Contains(b)) RowRangeGemms++;
            inner.Gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
        }

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc)
        {
            if (!_bases.Contains(c) || !_bases.Contains(a) || !_bases.Contains(b)) RowRangeGemms++;
            inner.Gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
