using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DiffGen.Cuda.Execution;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// An <see cref="IKernelDevice"/> without a GPU: "device" memory is native host memory, kernels are the generated
    /// CUDA C compiled by g++ against Emulation/cuda_emulation.h (one std::thread per CUDA thread, real barriers and
    /// warp shuffles, blocks one after another) into a shared library, and GEMMs are plain loops. It runs the generated
    /// host orchestration and kernels unchanged, so what they compute is checked against the CPU backend in CI.
    /// </summary>
    /// <remarks>
    /// Blocks run one after another and a thread's stores are visible at once, so by default a data race in a kernel
    /// (two threads of a block touching one element between barriers, or two blocks in one launch) goes unseen here
    /// while it changes results on a GPU. <c>strictMemory</c> compiles the kernels with every global-memory element
    /// access instrumented (DIFFGEN_EMU_STRICT in the header): stores stay private to their thread until the next
    /// barrier (then the higher thread wins a conflict), and every race is counted in <see cref="Races"/>.
    /// </remarks>
    public sealed unsafe class EmulatedDevice : IKernelDevice
    {
        private static readonly ConcurrentDictionary<string, Lazy<Module>> s_modules = new(StringComparer.Ordinal);
        private static readonly object s_launchLock = new();
        private static readonly Lazy<string> s_header = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Emulation", "cuda_emulation.h")));
        private readonly ConcurrentDictionary<ulong, long> _live = new();

        /// <summary>g++ on PATH, or null.</summary>
        public static readonly string? Compiler = FindOnPath("g++");

        /// <inheritdoc/>
        public string Name => "emulated (g++)";

        /// <summary>An emulated GPU whose kernels run with <paramref name="threadsPerBlock"/> threads per block (a multiple of 32).</summary>
        /// <param name="threadsPerBlock">Threads per block the generated code launches with.</param>
        /// <param name="maxGrid">
        /// Launches at most this many blocks, whatever the generated code asks for (its kernels loop over the grid), so a
        /// small problem already runs several iterations per block or per thread, as a large one does on a GPU.
        /// </param>
        /// <param name="strictMemory">Weak global memory and race detection (see the remarks); slower.</param>
        public EmulatedDevice(int threadsPerBlock = 32, int maxGrid = int.MaxValue, bool strictMemory = false)
        {
            if (threadsPerBlock <= 0 || threadsPerBlock % 32 != 0) throw new ArgumentOutOfRangeException(nameof(threadsPerBlock), threadsPerBlock, "a positive multiple of 32");
            if (maxGrid <= 0) throw new ArgumentOutOfRangeException(nameof(maxGrid), maxGrid, "at least 1");
            ThreadsPerBlock = threadsPerBlock;
            MaxGrid = maxGrid;
            StrictMemory = strictMemory;
        }

        /// <summary>Kernels run with instrumented global memory (weak visibility, race detection).</summary>
        public bool StrictMemory { get; }

        /// <summary>Data races found so far (strict memory only): per launch that had any, the kernel's first race and how many there were.</summary>
        public List<string> Races { get; } = new();

        /// <inheritdoc/>
        public int ThreadsPerBlock { get; }

        /// <summary>Float tiles of fused tile kernels run on the emulated TF32 tensor cores (the header's __dg_mma8), as on a GPU of compute capability 8.0+; GEMMs stay exact.</summary>
        public bool AllowTf32 { get; set; }

        /// <summary>The most blocks one launch runs (the rest of the grid is covered by the kernels' grid-stride loops).</summary>
        public int MaxGrid { get; }

        /// <summary>Kernel launches so far (to show that work ran here).</summary>
        public int Launches { get; private set; }

        /// <summary>Allocations not yet freed.</summary>
        public int LiveAllocations => _live.Count;

        /// <inheritdoc/>
        public ulong Allocate(long bytes)
        {
            ulong a = (ulong)NativeMemory.AllocZeroed((nuint)Math.Max(1, bytes));
            _live[a] = bytes;
            return a;
        }

        /// <inheritdoc/>
        public void Free(ulong address, long bytes)
        {
            if (!_live.TryRemove(address, out _)) throw new InvalidOperationException($"free of 0x{address:x}, which is not allocated");
            NativeMemory.Free((void*)address);
        }

        /// <inheritdoc/>
        public void Clear(ulong address, long bytes) => NativeMemory.Clear((void*)address, (nuint)bytes);

        /// <inheritdoc/>
        public void CopyToDevice(ulong destination, nint source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);

        /// <inheritdoc/>
        public void CopyToHost(nint destination, ulong source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);

        /// <inheritdoc/>
        public void CopyOnDevice(ulong destination, ulong source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);

        /// <inheritdoc/>
        public void Launch(string source, string kernel, int grid, int block, in KernelArgs args)
        {
            var module = s_modules.GetOrAdd((StrictMemory ? "strict-" : "") + Hash(source + s_header.Value), _ => new Lazy<Module>(() => Module.Build(source, StrictMemory))).Value;
            var fn = (delegate* unmanaged<uint, uint, KernelArgs*, void>)module.Get(kernel);
            KernelArgs copy = args;
            int blocks = Math.Min(grid, MaxGrid);
            lock (s_launchLock)
            {
                fn((uint)blocks, (uint)block, &copy);
                if (StrictMemory)
                {
                    var races = (delegate* unmanaged<byte*, int, long>)module.Get("__emu_races", exported: "__emu_races");
                    byte* text = stackalloc byte[400];
                    long count = races(text, 400);
                    if (count > 0) Races.Add($"{Marshal.PtrToStringUTF8((nint)text)} ({count} race{(count == 1 ? "" : "s")} in this launch of {blocks} x {block})");
                }
            }
            Launches++;
        }

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc)
            => Gemm<float>(transA, transB, m, n, k, (float*)a, lda, (float*)b, ldb, beta, (float*)c, ldc);

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc)
            => Gemm<double>(transA, transB, m, n, k, (double*)a, lda, (double*)b, ldb, beta, (double*)c, ldc);

        private static void Gemm<T>(bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
            where T : unmanaged, System.Numerics.INumber<T>
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                        sum += (transA ? a[(long)p * lda + i] : a[(long)i * lda + p]) * (transB ? b[(long)j * ldb + p] : b[(long)p * ldb + j]);
                    ref T cij = ref c[(long)i * ldc + j];
                    cij = beta == T.Zero ? sum : beta * cij + sum;
                }
        }

        private static string Hash(string source) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..24];

        private static string? FindOnPath(string name)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>One compiled source: a shared library exporting <c>__emu_NAME(grid, block, args)</c> per kernel.</summary>
        private sealed class Module
        {
            private readonly nint _library;
            private readonly Dictionary<string, nint> _functions = new(StringComparer.Ordinal);

            private Module(nint library) => _library = library;

            public nint Get(string kernel, string? exported = null)
            {
                lock (_functions)
                {
                    if (!_functions.TryGetValue(kernel, out var f))
                        _functions[kernel] = f = NativeLibrary.GetExport(_library, exported ?? "__emu_" + kernel);
                    return f;
                }
            }

            public static Module Build(string source, bool strict)
            {
                if (Compiler is null) throw new InvalidOperationException("g++ is not on PATH; the emulated device needs it (apt-get install g++).");
                // keyed by the header too: a library built against an older emulation header is not reused
                string dir = Path.Combine(Path.GetTempPath(), "diffgen-device-emu-" + (strict ? "strict-" : "") + Hash(source + s_header.Value));
                Directory.CreateDirectory(dir);
                string lib = Path.Combine(dir, "kernels.so");
                if (!File.Exists(lib))
                {
                    File.Copy(Path.Combine(AppContext.BaseDirectory, "Emulation", "cuda_emulation.h"), Path.Combine(dir, "cuda_emulation.h"), overwrite: true);
                    File.WriteAllText(Path.Combine(dir, "kernels.cu"), strict ? Instrument(source) : source);
                    var wrap = new StringBuilder();
                    if (strict) wrap.AppendLine("#define DIFFGEN_EMU_STRICT 1");
                    wrap.AppendLine("#include \"cuda_emulation.h\"");
                    wrap.AppendLine("#include \"kernels.cu\"");
                    foreach (Match k in Regex.Matches(source, @"extern ""C"" __global__ void (\w+)\("))
                        wrap.AppendLine($"extern \"C\" void __emu_{k.Groups[1].Value}(unsigned grid, unsigned block, const __dg_args* a) {{ diffgen_emu_launch(grid, block, [a] {{ {k.Groups[1].Value}(*a); }}, \"{k.Groups[1].Value}\"); }}");
                    File.WriteAllText(Path.Combine(dir, "wrap.cpp"), wrap.ToString());
                    string tmp = lib + "." + Environment.ProcessId + ".tmp";
                    var psi = new ProcessStartInfo(Compiler, $"-std=c++20 -O1 -shared -fPIC -pthread -w -o \"{tmp}\" wrap.cpp")
                    {
                        WorkingDirectory = dir,
                        RedirectStandardError = true,
                        RedirectStandardOutput = true,
                    };
                    using var p = Process.Start(psi)!;
                    string err = p.StandardError.ReadToEnd();
                    p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    if (p.ExitCode != 0) throw new InvalidOperationException($"g++ could not compile the generated kernels ({dir}):\n{err}");
                    File.Move(tmp, lib, overwrite: true);
                }
                return new Module(NativeLibrary.Load(lib));
            }

            private static readonly Regex s_global = new(@"(?<![\w.])(a_\w+|__it|__s)\[", RegexOptions.CultureInvariant);

            /// <summary>
            /// Every global-memory element access of a generated source — <c>a_NAME[i]</c> (arrays), <c>__it[i]</c>
            /// (indexed tapes), <c>__s[i]</c> (scalar slots) — becomes <c>__emu_at(NAME, i, "NAME")</c>, nested ones included.
            /// </summary>
            internal static string Instrument(string source)
            {
                var sb = new StringBuilder(source.Length * 2);
                int pos = 0;
                while (true)
                {
                    var m = s_global.Match(source, pos);
                    if (!m.Success) break;
                    sb.Append(source, pos, m.Index - pos);
                    int open = m.Index + m.Length - 1, depth = 0, close = open;
                    for (; close < source.Length; close++)
                    {
                        if (source[close] == '[') depth++;
                        else if (source[close] == ']' && --depth == 0) break;
                    }
                    if (close >= source.Length) throw new InvalidOperationException($"unbalanced [ after {m.Groups[1].Value}");
                    string name = m.Groups[1].Value;
                    sb.Append("__emu_at(").Append(name).Append(", (long long)(").Append(Instrument(source.Substring(open + 1, close - open - 1)))
                      .Append("), \"").Append(name).Append("\")");
                    pos = close + 1;
                }
                sb.Append(source, pos, source.Length - pos);
                return sb.ToString();
            }
        }
    }
}
