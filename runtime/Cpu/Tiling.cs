using System;
using System.ComponentModel;

namespace DiffGen.Cpu
{
    /// <summary>When generated code runs a raised contraction fused (tiled) instead of materialising its table.</summary>
    public enum TilingMode
    {
        /// <summary>Fused when the table would be larger than <see cref="Tiling.MaterializeLimitBytes"/> (the default).</summary>
        Auto,
        /// <summary>Always fused where the generator found a fusable pattern (tests, memory-bound callers).</summary>
        Always,
        /// <summary>Always materialised (comparisons).</summary>
        Never,
    }

    /// <summary>
    /// The run-time half of Schedule's tile fusion (see the generated code's TileChoice): the generator decides
    /// where a contraction table may be computed a block of rows at a time and never stored; this decides, per call,
    /// whether to do so. A materialised table costs rows × cols elements (and as much again for its adjoint) but
    /// lets the element-wise passes run on all cores and the adjoint run as two large GEMMs; the fused form needs
    /// O(rows-per-block × cols) memory, recomputes the table in the backward and runs its loop on one thread, so it
    /// is chosen for tables past a size (default 512 MiB: at B = 16384 float NT-Xent's table is 4.3 GB).
    /// </summary>
    public static class Tiling
    {
        private static int s_mode = (int)FromEnvironment();
        private static long s_limit = 512L << 20;
        private static long s_blockBytes = 4L << 20;
        private static long s_fusedRuns;
        private static long s_deviceLimit = 8L << 30;
        private static long s_devicePanelBytes = 512L << 20;
        private static long s_deviceFusedRuns;
        private static int s_deviceKernels = Environment.GetEnvironmentVariable("DIFFGEN_DEVICE_TILES")?.Trim().ToLowerInvariant() == "fused" ? 1 : 0;
        private static long s_deviceFusedKernelRuns;

        /// <summary>DIFFGEN_TILING=auto|always|never sets the initial mode (to run a whole test suite through one path).</summary>
        private static TilingMode FromEnvironment() =>
            Environment.GetEnvironmentVariable("DIFFGEN_TILING")?.Trim().ToLowerInvariant() switch
            {
                "always" => TilingMode.Always,
                "never" => TilingMode.Never,
                _ => TilingMode.Auto,
            };

        /// <summary>Auto (default, or DIFFGEN_TILING), Always or Never.</summary>
        public static TilingMode Mode
        {
            get => (TilingMode)System.Threading.Volatile.Read(ref s_mode);
            set
            {
                if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "Mode must be Auto, Always or Never.");
                System.Threading.Volatile.Write(ref s_mode, (int)value);
            }
        }

        /// <summary>In Auto mode, tables larger than this many bytes are fused (default 512 MiB).</summary>
        public static long MaterializeLimitBytes
        {
            get => System.Threading.Volatile.Read(ref s_limit);
            set => Set(ref s_limit, value, 0, "MaterializeLimitBytes");
        }

        /// <summary>Target size of one block of table rows (default 4 MiB): rows per block = this / row size, 8..1024. Larger blocks make the adjoint's rank-(rows) updates of the second factor's adjoint fewer (each one reads and writes all of it).</summary>
        public static long BlockBytes
        {
            get => System.Threading.Volatile.Read(ref s_blockBytes);
            set => Set(ref s_blockBytes, value, 1, "BlockBytes");
        }

        /// <summary>Stores a size setting; below <paramref name="minimum"/> is an error naming the setting.</summary>
        private static void Set(ref long field, long value, long minimum, string name)
        {
            if (value < minimum)
                throw new ArgumentOutOfRangeException(nameof(value), value, minimum == 0 ? $"{name} must be >= 0." : $"{name} must be positive.");
            System.Threading.Volatile.Write(ref field, value);
        }

        /// <summary>Calls that took the fused path so far in this process (diagnostics, tests).</summary>
        public static long FusedRuns => System.Threading.Interlocked.Read(ref s_fusedRuns);

        /// <summary>Generated code asks this once per call at the contraction: fuse a rows × cols table of elementSize-byte elements?</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static bool Fuse(long rows, long cols, int elementSize)
        {
            bool fuse = Mode switch
            {
                TilingMode.Always => true,
                TilingMode.Never => false,
                _ => rows * cols * elementSize > MaterializeLimitBytes || rows * cols > int.MaxValue,
            };
            if (fuse) System.Threading.Interlocked.Increment(ref s_fusedRuns);
            return fuse;
        }

        /// <summary>Rows per block for rows of <paramref name="cols"/> elements.</summary>
        internal static int RowsPerBlock(long cols, int elementSize)
        {
            long r = BlockBytes / Math.Max(1, cols * elementSize);
            return (int)Math.Clamp(r, 8, 1024);
        }
    
        // ---- the GPU (generated device entry points): the same choice, with device-sized limits

        /// <summary>In Auto mode, a table larger than this many bytes is fused on the GPU (default 8 GiB: a GPU has room for
        /// large tables, and the materialised form's element-wise kernels run on the whole table at once).</summary>
        public static long DeviceMaterializeLimitBytes
        {
            get => System.Threading.Volatile.Read(ref s_deviceLimit);
            set => Set(ref s_deviceLimit, value, 0, "DeviceMaterializeLimitBytes");
        }

        /// <summary>Target size of one panel of table rows on the GPU (default 512 MiB): rows per block = this / row size, at least 1.</summary>
        public static long DevicePanelBytes
        {
            get => System.Threading.Volatile.Read(ref s_devicePanelBytes);
            set => Set(ref s_devicePanelBytes, value, 1, "DevicePanelBytes");
        }

        /// <summary>
        /// On the GPU, run each tiled loop as one fused kernel that computes the table's entries itself, 32 columns at a
        /// time in shared memory, for the rows of a block's warps (no panel of the table is stored), instead of a cuBLAS
        /// GEMM into a panel of rows followed by the loop's kernel. Off by default (or DIFFGEN_DEVICE_TILES=fused): the
        /// panel form's GEMMs run at cuBLAS speed, and the fused kernels' speed against them is measured by tests/gpu.
        /// Adjoint panels (the table's adjoint) are still flushed by two GEMMs per block in both forms.
        /// </summary>
        public static bool DeviceFusedKernels
        {
            get => System.Threading.Volatile.Read(ref s_deviceKernels) != 0;
            set => System.Threading.Volatile.Write(ref s_deviceKernels, value ? 1 : 0);
        }

        /// <summary>Tiled loops run as fused kernels so far in this process (diagnostics, tests).</summary>
        public static long DeviceFusedKernelRuns => System.Threading.Interlocked.Read(ref s_deviceFusedKernelRuns);

        /// <summary>Generated device code asks this once per call that has fused kernels: run them (see <see cref="DeviceFusedKernels"/>)?</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static bool UseDeviceFusedKernels()
        {
            bool use = DeviceFusedKernels;
            if (use) System.Threading.Interlocked.Increment(ref s_deviceFusedKernelRuns);
            return use;
        }

        /// <summary>Device calls that took the fused path so far in this process (diagnostics, tests).</summary>
        public static long DeviceFusedRuns => System.Threading.Interlocked.Read(ref s_deviceFusedRuns);

        /// <summary>Generated device code asks this once per call: fuse a rows × cols table of elementSize-byte elements on the GPU?</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static bool FuseOnDevice(long rows, long cols, int elementSize)
        {
            bool fuse = Mode switch
            {
                TilingMode.Always => true,
                TilingMode.Never => false,
                _ => rows * cols * elementSize > DeviceMaterializeLimitBytes,
            };
            if (fuse) System.Threading.Interlocked.Increment(ref s_deviceFusedRuns);
            return fuse;
        }

        /// <summary>
        /// Rows per block of the GPU's panels for rows of <paramref name="cols"/> elements of a table of
        /// <paramref name="rows"/> rows: at least 1, at most 2^20 and at most the table's rows (a panel is allocated and
        /// cleared whole, so a 512 MiB panel for a 16 MiB table would cost 32 times the table).
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static int DeviceRowsPerBlock(long cols, int elementSize, long rows)
        {
            long r = DevicePanelBytes / Math.Max(1, cols * elementSize);
            return (int)Math.Clamp(Math.Min(r, rows), 1, 1 << 20);
        }
    }
}
