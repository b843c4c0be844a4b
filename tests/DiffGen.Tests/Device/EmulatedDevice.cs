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
    public sealed unsafe class EmulatedDevice : IKernelDevice
    {
        private static readonly ConcurrentDictionary<string, Lazy<Module>> s_modules = new(StringComparer.Ordinal);
        private static readonly object s_launchLock = new();
        private readonly ConcurrentDictionary<ulong, long> _live = new();

        /// <summary>g++ on PATH, or null.</summary>
        public static readonly string? Compiler = FindOnPath("g++");

        /// <inheritdoc/>
        public string Name => "emulated (g++)";

        /// <inheritdoc/>
        public int ThreadsPerBlock => 32;

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
            var module = s_modules.GetOrAdd(Hash(source), _ => new Lazy<Module>(() => Module.Build(source))).Value;
            var fn = (delegate* unmanaged<uint, uint, KernelArgs*, void>)module.Get(kernel);
            KernelArgs copy = args;
            lock (s_launchLock) fn((uint)grid, (uint)block, &copy);
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

            public nint Get(string kernel)
            {
                lock (_functions)
                {
                    if (!_functions.TryGetValue(kernel, out var f))
                        _functions[kernel] = f = NativeLibrary.GetExport(_library, "__emu_" + kernel);
                    return f;
                }
            }

            public static Module Build(string source)
            {
                if (Compiler is null) throw new InvalidOperationException("g++ is not on PATH; the emulated device needs it (apt-get install g++).");
                string dir = Path.Combine(Path.GetTempPath(), "diffgen-device-emu-" + Hash(source));
                Directory.CreateDirectory(dir);
                string lib = Path.Combine(dir, "kernels.so");
                if (!File.Exists(lib))
                {
                    File.Copy(Path.Combine(AppContext.BaseDirectory, "Emulation", "cuda_emulation.h"), Path.Combine(dir, "cuda_emulation.h"), overwrite: true);
                    File.WriteAllText(Path.Combine(dir, "kernels.cu"), source);
                    var wrap = new StringBuilder();
                    wrap.AppendLine("#include \"cuda_emulation.h\"");
                    wrap.AppendLine("#include \"kernels.cu\"");
                    foreach (Match k in Regex.Matches(source, @"extern ""C"" __global__ void (\w+)\("))
                        wrap.AppendLine($"extern \"C\" void __emu_{k.Groups[1].Value}(unsigned grid, unsigned block, const __dg_args* a) {{ diffgen_emu_launch(grid, block, [a] {{ {k.Groups[1].Value}(*a); }}); }}");
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
        }
    }
}
