using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using DiffGen.Cpu;
using DiffGen.Cuda;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Corpus;
using DiffGen.Tests.Device;

namespace GpuCheck
{
    /// <summary>
    /// The GPU check (tests/gpu/README.md). <c>check</c>: every corpus method with device code, on the GPU against the
    /// CPU backend, at its default shapes and at square sizes 64, 300 and 1024 (<c>--sizes</c>). <c>bench</c>: NT-Xent forward + backward (float32) through the generated device-resident API, against
    /// the cuBLAS GEMMs it contains. Exit codes: 0 all passed, 1 a failure, 2 CUDA unavailable, 64 bad arguments.
    /// </summary>
    public static class Program
    {
        private const double FloatTolerance = 1e-4;
        private const double DoubleTolerance = 1e-9;

        public static int Main(string[] args)
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            string command = args.Length > 0 && !args[0].StartsWith("-", StringComparison.Ordinal) ? args[0] : "check";
            var options = Options.Parse(args.SkipWhile(a => !a.StartsWith("-", StringComparison.Ordinal)).ToArray());
            if (options is null || command is not ("check" or "bench" or "list" or "attention"))
            {
                Console.Error.WriteLine("usage: DiffGen.GpuCheck [check] [--sizes 64,300,1024] [--check-budget 150] [--only NAME] [--fused-sizes 300] | list | bench [--batch 1024,8192,65536] [--modes default,fused,fusedk,fusedk_tf32] [--dim 128,512] [--seconds 3] [--min-reps 3] [--max-reps 20] [--budget 400] | attention [--seq 2048,16384] [--head 64] [--seconds 3] [--budget 400]");
                return 64;
            }

            if (command == "list") return List();
            if (!global::DiffGen.Cuda.CudaEnvironment.IsAvailable)
            {
                Console.WriteLine("CUDA unavailable: " + global::DiffGen.Cuda.CudaEnvironment.UnavailableReason);
                return 2;
            }
            Console.WriteLine(global::DiffGen.Cuda.CudaEnvironment.Diagnostics);
            var context = CudaContext.Default;
            int cublas = global::DiffGen.Cuda.CudaEnvironment.CuBlasVersion;
            Console.WriteLine($"device 0: {context.DeviceName} ({context.Architecture}, {context.MultiprocessorCount} SMs), cuBLAS {cublas}");

            // The host-array overloads are the reference: keep them on the CPU whatever the problem size or DIFFGEN_BACKEND.
            BackendSelector.Override = Backend.Cpu;
            return command switch
            {
                "bench" => Bench(context, options),
                "attention" => BenchAttention(context, options),
                _ => Check(context, options),
            };
        }

        // ------------------------------------------------------------ check

        /// <summary>A sized run predicted to take longer than this is skipped (SKIP, not FAIL).</summary>
        private const double MaxRunSeconds = 30;

        private static int Check(CudaContext context, Options o)
        {
            var device = new CudaKernelDevice(context);
            var cases = DeviceCases.All(typeof(Program).Assembly)
                .Where(c => o.Only is null || c.Name.Contains(o.Only, StringComparison.OrdinalIgnoreCase)).ToList();
            var total = Stopwatch.StartNew();
            Console.WriteLine($"check: {cases.Count} corpus methods with device code{(o.Only is null ? "" : $" (names containing '{o.Only}')")}, at their default shapes and at square sizes {string.Join(", ", o.Sizes)}; pass: max relative error <= {FloatTolerance:0e0} (float), <= {DoubleTolerance:0e0} (double)");
            Console.WriteLine($"check: the tile-fused and TF32 runs first, then every method; once the {o.CheckBudget:0} s budget is spent the rest is SKIP; a size is also skipped when the previous size's time, grown as n^3, exceeds {MaxRunSeconds:0} s or what is left of the budget");
            int passed = 0, failed = 0, skipped = 0;
            bool Spent(string name)
            {
                if (total.Elapsed.TotalSeconds <= o.CheckBudget) return false;
                skipped++;
                Console.WriteLine($"SKIP {name}: the {o.CheckBudget:0} s check budget is spent");
                return true;
            }
            // One checked run: PASS/FAIL from its result, SKIP when a size suits none of the case's inputs.
            void RunCase(string name, int? size, Func<(DeviceResult R, bool Ok, string Note)> run)
            {
                if (Spent(name)) return;
                try
                {
                    var (r, ok, note) = run();
                    if (ok) passed++; else failed++;
                    Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {name}: max rel err {r.MaxRelativeError:0.###e0} at {(r.Worst.Length == 0 ? "-" : r.Worst)}; {r.Launches} launches; {note}");
                }
                catch (InvalidOperationException e) when (size is not null && e.Message.StartsWith("No inputs found", StringComparison.Ordinal))
                {
                    skipped++;
                    Console.WriteLine($"SKIP {name}: {e.Message}");
                }
                catch (Exception e)
                {
                    failed++;
                    var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                    Console.WriteLine($"FAIL {name}: {inner.GetType().Name}: {OneLine(inner.Message)}");
                }
            }
            // Tile fusion: the cases with a tile-fused device program, forced through it (Tiling.Mode = Always) with panels
            // of 64 KiB (several blocks and a partial last one at size 300), against the CPU.
            var mode = Tiling.Mode;
            long panelBytes = Tiling.DevicePanelBytes;
            try
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DevicePanelBytes = 64 << 10;
                foreach (var c in cases.Where(c => DeviceCases.Source(c).Contains("// ---- tile-fused forward pass", StringComparison.Ordinal)))
                {
                    // the panel form, then (where the generator made them) the fused tile kernels (Tiling.DeviceFusedKernels)
                    bool hasKernels = DeviceCases.Source(c).Contains("_fused(const __dg_args", StringComparison.Ordinal);
                    foreach (bool kernels in hasKernels ? new[] { false, true } : new[] { false })
                        foreach (int? size in new int?[] { null }.Concat(o.FusedSizes.Select(n => (int?)n)))
                        {
                            string name = $"{c.Name} [{(kernels ? "fused tile kernels" : "tile-fused")}, {(size is null ? "default" : "size " + size)}]";
                            long before = kernels ? Tiling.DeviceFusedKernelRuns : Tiling.DeviceFusedRuns;
                            RunCase(name, size, () =>
                            {
                                Tiling.DeviceFusedKernels = kernels;
                                try
                                {
                                    var r = DeviceCases.Run(c, device, 4, size);
                                    long fused = (kernels ? Tiling.DeviceFusedKernelRuns : Tiling.DeviceFusedRuns) - before;
                                    return (r, r.MaxRelativeError <= (c.IsFloat ? FloatTolerance : DoubleTolerance) && fused > 0, $"{fused} fused calls");
                                }
                                finally { Tiling.DeviceFusedKernels = false; }
                            });
                        }
                }
            }
            finally
            {
                Tiling.Mode = mode;
                Tiling.DevicePanelBytes = panelBytes;
            }

            var tf32 = new CudaKernelDevice(context) { AllowTf32 = true };
            // TF32 tiles: the float fused tile kernels with their tiles on tensor cores (mma.sync m16n8k8), same bound.
            foreach (var c in cases.Where(c => c.IsFloat && DeviceCases.Source(c).Contains("_fused(const __dg_args", StringComparison.Ordinal)))
            {
                long before = Tiling.DeviceFusedKernelRuns;
                RunCase($"{c.Name} [fused tile kernels, TF32, size 300]", 300, () =>
                {
                    Tiling.Mode = TilingMode.Always;
                    Tiling.DeviceFusedKernels = true;
                    Tiling.DevicePanelBytes = 64 << 10;
                    try
                    {
                        var r = DeviceCases.Run(c, tf32, 4, 300);
                        long fused = Tiling.DeviceFusedKernelRuns - before;
                        return (r, r.MaxRelativeError <= 3e-3 && fused > 0, $"bound 3e-3; {fused} fused calls");
                    }
                    finally
                    {
                        Tiling.Mode = mode;
                        Tiling.DeviceFusedKernels = false;
                        Tiling.DevicePanelBytes = panelBytes;
                    }
                });
            }
            var runs = new List<(string Label, int Seed, int? Size)> { ("default", 1, null) };
            runs.AddRange(o.Sizes.Distinct().OrderBy(n => n).Select(n => ($"size {n}", 2, (int?)n)));
            foreach (var c in cases)
            {
                double tolerance = c.IsFloat ? FloatTolerance : DoubleTolerance;
                (int Size, double Seconds)? previous = null; // the last sized run of this case (the default one includes the NVRTC compile)
                foreach (var (label, seed, size) in runs)
                {
                    string name = $"{c.Name} [{label}]";
                    if (size is { } n && previous is { } p)
                    {
                        // Loop nests of the corpus are at most cubic in the size; a single-thread kernel is the slow case.
                        double estimate = p.Seconds * Math.Pow((double)n / p.Size, 3);
                        double left = o.CheckBudget - total.Elapsed.TotalSeconds;
                        if (estimate > Math.Min(MaxRunSeconds, left))
                        {
                            skipped++;
                            Console.WriteLine($"SKIP {name}: estimated {estimate:0.#} s (size {p.Size} took {p.Seconds:0.###} s), over {(estimate > MaxRunSeconds ? $"the {MaxRunSeconds:0} s per run" : $"the {Math.Max(0, left):0} s left of the budget")}");
                            continue;
                        }
                    }
                    var watch = Stopwatch.StartNew();
                    RunCase(name, size, () =>
                    {
                        var r = DeviceCases.Run(c, device, seed, size);
                        return (r, r.MaxRelativeError <= tolerance, $"inputs {r.Inputs}; {watch.ElapsedMilliseconds} ms");
                    });
                    if (size is { } done) previous = (done, Math.Max(watch.Elapsed.TotalSeconds, 1e-3));
                }
            }
            // TF32 (opt-in): the float cases again with tensor-core GEMMs; the issue's bound is 3e-3 relative.
            foreach (var c in cases.Where(c => c.IsFloat))
            {
                RunCase($"{c.Name} [TF32, size 64]", null, () =>
                {
                    var r = DeviceCases.Run(c, tf32, 3, 64);
                    return (r, r.MaxRelativeError <= 3e-3, "bound 3e-3");
                });
            }
            Console.WriteLine($"check: {passed} passed, {failed} failed, {skipped} skipped; {total.Elapsed.TotalSeconds:0.#} s");
            return failed == 0 ? 0 : 1;
        }

        // ------------------------------------------------------------ list (no GPU needed)

        /// <summary>
        /// Smoke test of the published (trimmed) app without a GPU: finds the cases, their CPU inputs and their
        /// generated host and device entry points by reflection, up to the first kernel launch on a host-memory device.
        /// </summary>
        private static int List()
        {
            BackendSelector.Override = Backend.Cpu;
            var cases = DeviceCases.All(typeof(Program).Assembly);
            int bad = 0;
            foreach (var c in cases)
            {
                string status;
                try
                {
                    int chars = DeviceCases.Source(c).Length;
                    DeviceCases.Run(c, new HostMemoryDevice());
                    status = $"ran without a launch?; CUDA source {chars} chars";
                }
                catch (Exception e) when ((e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e) is NotLaunchedException)
                {
                    status = "ok (reached the device code)";
                }
                catch (Exception e)
                {
                    bad++;
                    var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                    status = $"ERROR {inner.GetType().Name}: {OneLine(inner.Message)}";
                }
                string large;
                try { large = "size 64: " + DeviceCases.Inputs(c, 2, 64).Description; }
                catch (InvalidOperationException e) when (e.Message.StartsWith("No inputs found", StringComparison.Ordinal)) { large = "size 64: SKIP (no inputs)"; }
                catch (Exception e) { large = $"size 64: {e.GetType().Name}"; }
                Console.WriteLine($"{c.Name} ({(c.IsFloat ? "float" : "double")}): {status}; {large}");
            }
            Console.WriteLine($"list: {cases.Count} cases, {bad} errors");
            return cases.Count > 0 && bad == 0 ? 0 : 1;
        }

        private sealed class NotLaunchedException() : Exception("host-memory device: kernels do not run here");

        /// <summary>An <see cref="IKernelDevice"/> in host memory that stops at the first kernel or GEMM.</summary>
        private sealed unsafe class HostMemoryDevice : IKernelDevice
        {
            public string Name => "host memory";
            public int ThreadsPerBlock => 256;
            public ulong Allocate(long bytes) => (ulong)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)Math.Max(1, bytes));
            public void Free(ulong address, long bytes) => System.Runtime.InteropServices.NativeMemory.Free((void*)address);
            public void Clear(ulong address, long bytes) => new Span<byte>((void*)address, checked((int)bytes)).Clear();
            public void CopyToDevice(ulong destination, nint source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);
            public void CopyToHost(nint destination, ulong source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);
            public void CopyOnDevice(ulong destination, ulong source, long bytes) => Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);
            public void Launch(string source, string kernel, int grid, int block, in KernelArgs args) => throw new NotLaunchedException();
            public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc) => throw new NotLaunchedException();
            public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc) => throw new NotLaunchedException();
        }

        // ------------------------------------------------------------ bench

        private static int Bench(CudaContext context, Options o)
        {
            const float tau = 0.1f;
            var total = Stopwatch.StartNew();
            int errors = 0;
            Console.WriteLine($"bench: NT-Xent float32, tau = {tau}, N = 2B rows; times are medians in ms; generated = NtXentFBackward (value + gradients); gemm = cuBLAS SGEMM z·zᵀ + two (N×N)·z (FP32, no TF32)");
            foreach (int batch in o.Batches)
            {
                foreach (int dim in o.Dims)
                {
                    var json = new List<(string, object?)> { ("batch", batch), ("dim", dim) };
                    if (total.Elapsed.TotalSeconds > o.Budget)
                    {
                        json.Add(("error", $"skipped: bench budget of {o.Budget} s spent"));
                        Console.WriteLine(Json(json));
                        continue;
                    }
                    Progress(json, "size starts");
                    using var device = new CudaKernelDevice(context); // per size: Dispose frees the pooled allocations
                    try
                    {
                        if (o.Modes.Contains("default")) BenchOne(device, batch, dim, tau, o, json);
                        if (o.Modes.Contains("fused") && json.FirstOrDefault(x => x.Item1 == "tile_fused").Item2 is not true)
                            BenchFused(context, batch, dim, tau, o, json, kernels: false);
                        // The fused tile kernels took 15 s per call at B = 65536 on an H200 (docs/benchmarks.md): by default they are
                        // timed up to B = 8192 only; --modes names them to force them at any size.
                        bool kernelsHere = o.ModesGiven || batch <= 8192;
                        if (!kernelsHere && o.Modes.Contains("fusedk")) json.Add(("fusedk_error", "skipped: B > 8192 (--modes fusedk,fusedk_tf32 times them)"));
                        if (kernelsHere && o.Modes.Contains("fusedk")) BenchFused(context, batch, dim, tau, o, json, kernels: true);
                        if (kernelsHere && o.Modes.Contains("fusedk_tf32")) BenchFused(context, batch, dim, tau, o, json, kernels: true, tf32: true);
                    }
                    catch (Exception e)
                    {
                        var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                        json.Add(("error", IsOutOfMemory(inner) ? "OOM" : $"{inner.GetType().Name}: {OneLine(inner.Message)}"));
                        if (!IsOutOfMemory(inner)) errors++;
                    }
                    Console.WriteLine(Json(json));
                    try { context.Synchronize(); }
                    catch (Exception e) { Console.WriteLine($"bench: the context is unusable after batch {batch}, dim {dim}: {OneLine(e.Message)}"); return 1; }
                }
            }
            return errors == 0 ? 0 : 1;
        }

        private static void BenchOne(CudaKernelDevice device, int batch, int dim, float tau, Options o, List<(string, object?)> json)
        {
            int n = 2 * batch;
            var rng = new Random(batch * 31 + dim);
            var hostI = Normal(rng, batch, dim);
            var hostJ = Normal(rng, batch, dim);

            // cuBLAS alone first (the cheapest to fail): one N×N buffer, reused by the three products; not where that
            // buffer alone would take a quarter of a large GPU (B = 65536 and up: the fused code never stores it).
            bool gemmFits = (long)n * n * sizeof(float) <= (32L << 30);
            // On a device of its own: its N×N buffer stays in that device's pool, not in device_mb below.
            using (var gemmDevice = new CudaKernelDevice(device.Context))
                json.Add(("gemm_ms", gemmFits ? Round(TimeGemms(gemmDevice, n, dim, hostI, hostJ, o)) : null));
            Progress(json, "cuBLAS GEMMs timed");

            using var zi = DeviceArray<float>.Upload(device, hostI);
            using var zj = DeviceArray<float>.Upload(device, hostJ);
            using var ziGrad = DeviceArray<float>.Zeros(device, batch, dim);
            using var zjGrad = DeviceArray<float>.Zeros(device, batch, dim);

            long fusedBefore = Tiling.DeviceFusedRuns;
            var watch = Stopwatch.StartNew();
            float loss = NtXentCorpus.NtXentFForward(zi, zj, tau, device);
            json.Add(("first_forward_ms", Round(watch.Elapsed.TotalMilliseconds))); // includes the NVRTC compile
            Progress(json, "first forward done");
            double forward = Time(() => NtXentCorpus.NtXentFForward(zi, zj, tau, device), o, out int forwardReps);
            json.Add(("forward_ms", Round(forward)));
            Progress(json, "default program's forward timed");

            float value = 0, tauGrad = 0;
            watch.Restart();
            value = NtXentCorpus.NtXentFBackward(zi, zj, tau, ziGrad, zjGrad, out tauGrad, 1f, device);
            json.Add(("first_backward_ms", Round(watch.Elapsed.TotalMilliseconds)));
            double generated = Time(() => value = NtXentCorpus.NtXentFBackward(zi, zj, tau, ziGrad, zjGrad, out tauGrad, 1f, device), o, out int reps);
            json.Add(("generated_ms", Round(generated)));
            Progress(json, "default program's forward + backward timed");
            double gemm = json.First(x => x.Item1 == "gemm_ms").Item2 is double gm ? gm : 0;
            json.Add(("ratio_to_gemm", gemm > 0 ? Round(generated / gemm) : null));
            json.Add(("tile_fused", Tiling.DeviceFusedRuns > fusedBefore));
            json.Add(("device_mb", Round(device.HeldBytes / 1048576.0)));
            json.Add(("reps", reps));
            json.Add(("forward_reps", forwardReps));
            json.Add(("loss", (double)loss));
            json.Add(("backward_loss", (double)value));
            json.Add(("tau_grad", (double)tauGrad));
            var g = ziGrad.ToArray();
            json.Add(("zi_grad_finite", g.All(float.IsFinite)));

            // A CPU reference of the loss where it is cheap (the host overload runs on the CPU: BackendSelector.Override).
            if ((double)n * n * dim <= 2e9)
            {
                float cpu = NtXentCorpus.NtXentFForward(hostI, hostJ, tau);
                json.Add(("cpu_loss", (double)cpu));
                json.Add(("loss_rel_err", DeviceCases.Relative(cpu, value)));
            }
        }

        /// <summary>
        /// The same call forced through the tile-fused device program (Tiling.Mode = Always) on a fresh device, where the
        /// default chose the materialised one: fused_ms, fused_forward_ms, fused_device_mb beside the default's numbers;
        /// with <paramref name="kernels"/>, through the fused tile kernels (Tiling.DeviceFusedKernels: no cuBLAS panels):
        /// fusedk_ms, fusedk_forward_ms, fusedk_loss, fusedk_device_mb; with <paramref name="tf32"/> too, their tiles on TF32
        /// tensor cores (CudaKernelDevice.AllowTf32): fusedk_tf32_ms and the rest.
        /// </summary>
        private static void BenchFused(CudaContext context, int batch, int dim, float tau, Options o, List<(string, object?)> json, bool kernels, bool tf32 = false)
        {
            var mode = Tiling.Mode;
            string k = kernels ? (tf32 ? "fusedk_tf32" : "fusedk") : "fused";
            Progress(json, k + " starts");
            try
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DeviceFusedKernels = kernels;
                using var device = new CudaKernelDevice(context) { AllowTf32 = tf32 };
                var rng = new Random(batch * 31 + dim);
                using var zi = DeviceArray<float>.Upload(device, Normal(rng, batch, dim));
                using var zj = DeviceArray<float>.Upload(device, Normal(rng, batch, dim));
                using var ziGrad = DeviceArray<float>.Zeros(device, batch, dim);
                using var zjGrad = DeviceArray<float>.Zeros(device, batch, dim);
                float value = NtXentCorpus.NtXentFBackward(zi, zj, tau, ziGrad, zjGrad, out _, 1f, device);
                json.Add((k + "_forward_ms", Round(Time(() => NtXentCorpus.NtXentFForward(zi, zj, tau, device), o, out _))));
                json.Add((k + "_ms", Round(Time(() => value = NtXentCorpus.NtXentFBackward(zi, zj, tau, ziGrad, zjGrad, out _, 1f, device), o, out _))));
                json.Add((k + "_loss", (double)value));
                json.Add((k + "_device_mb", Round(device.HeldBytes / 1048576.0)));
                Progress(json, k + " timed");
            }
            catch (Exception e)
            {
                var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                json.Add((k + "_error", IsOutOfMemory(inner) ? "OOM" : $"{inner.GetType().Name}: {OneLine(inner.Message)}"));
            }
            finally
            {
                Tiling.Mode = mode;
                Tiling.DeviceFusedKernels = false;
            }
        }

        // ------------------------------------------------------------ attention

        /// <summary>
        /// Attention (<c>Attention.AttentionMseF</c>: Σ (softmax(q·kᵀ/√d)·v − target)², float32, n = m = seq, d = e = head)
        /// forward + backward on the GPU, per size twice on fresh devices: the materialised device program (Tiling.Mode =
        /// Never: q·kᵀ, p and p̄ whole, n × m each) and the row-block fused one (Always: a panel of q·kᵀ and a block of p's
        /// rows at a time). One JSON line per size: materialised_ms / materialised_mb, rowblock_ms / rowblock_mb (device
        /// memory the call took), both losses, and the CPU's loss where it is cheap.
        /// </summary>
        private static int BenchAttention(CudaContext context, Options o)
        {
            var total = Stopwatch.StartNew();
            int errors = 0;
            Console.WriteLine("attention: AttentionMseF (float32) forward + backward, n = m = seq, d = e = head; medians in ms; materialised = the whole n×m table on the device, rowblock = device row-block fusion");
            foreach (int seq in o.Seqs)
            {
                foreach (int head in o.Heads)
                {
                    var json = new List<(string, object?)> { ("attention_seq", seq), ("head", head) };
                    if (total.Elapsed.TotalSeconds > o.Budget)
                    {
                        json.Add(("error", $"skipped: budget of {o.Budget} s spent"));
                        Console.WriteLine(Json(json));
                        continue;
                    }
                    var rng = new Random(seq * 7 + head);
                    var q = Normal(rng, seq, head);
                    var k = Normal(rng, seq, head);
                    var v = Normal(rng, seq, head);
                    var target = Normal(rng, seq, head);
                    foreach (var (label, mode) in new[] { ("materialised", TilingMode.Never), ("rowblock", TilingMode.Always) })
                    {
                        var saved = Tiling.Mode;
                        try
                        {
                            Tiling.Mode = mode;
                            using var device = new CudaKernelDevice(context);
                            using var dq = DeviceArray<float>.Upload(device, q);
                            using var dk = DeviceArray<float>.Upload(device, k);
                            using var dv = DeviceArray<float>.Upload(device, v);
                            using var dt = DeviceArray<float>.Upload(device, target);
                            using var qg = DeviceArray<float>.Zeros(device, seq, head);
                            using var kg = DeviceArray<float>.Zeros(device, seq, head);
                            using var vg = DeviceArray<float>.Zeros(device, seq, head);
                            float value = Attention.AttentionMseFBackward(dq, dk, dv, dt, qg, kg, vg, 1f, device); // compiles the kernels
                            json.Add((label + "_ms", Round(Time(() => value = Attention.AttentionMseFBackward(dq, dk, dv, dt, qg, kg, vg, 1f, device), o, out _))));
                            json.Add((label + "_loss", (double)value));
                            json.Add((label + "_mb", Round(device.HeldBytes / 1048576.0)));
                            json.Add((label + "_grad_finite", qg.ToArray().All(float.IsFinite)));
                        }
                        catch (Exception e)
                        {
                            var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                            json.Add((label + "_error", IsOutOfMemory(inner) ? "OOM" : $"{inner.GetType().Name}: {OneLine(inner.Message)}"));
                            if (!IsOutOfMemory(inner)) errors++;
                        }
                        finally
                        {
                            Tiling.Mode = saved;
                        }
                        try { context.Synchronize(); }
                        catch (Exception e) { Console.WriteLine($"attention: the context is unusable after seq {seq}: {OneLine(e.Message)}"); return 1; }
                    }
                    if ((double)seq * seq * head <= 2e9)
                        json.Add(("cpu_loss", (double)Attention.AttentionMseFForward(q, k, v, target)));
                    Console.WriteLine(Json(json));
                }
            }
            return errors == 0 ? 0 : 1;
        }

        /// <summary>Forward Gram S = z·zᵀ (m = n = N, k = D) and the backward's S̄·z and S̄ᵀ·z (N×D, k = N), as KernelFrame raises them.</summary>
        private static double TimeGemms(CudaKernelDevice device, int n, int dim, float[,] hostI, float[,] hostJ, Options o)
        {
            var z = new float[n, dim];
            Buffer.BlockCopy(hostI, 0, z, 0, hostI.Length * sizeof(float));
            Buffer.BlockCopy(hostJ, 0, z, hostI.Length * sizeof(float), hostJ.Length * sizeof(float));
            using var zd = DeviceArray<float>.Upload(device, z);
            long squareBytes = (long)n * n * sizeof(float), rowsBytes = (long)n * dim * sizeof(float);
            ulong s = device.Allocate(squareBytes), zAdj = 0;
            try
            {
                zAdj = device.Allocate(rowsBytes);
                ulong za = zd.Address;
                void Run()
                {
                    device.Gemm(false, true, n, n, dim, za, dim, za, dim, 0f, s, n);
                    device.Gemm(false, false, n, dim, n, s, n, za, dim, 1f, zAdj, dim);
                    device.Gemm(true, false, n, dim, n, s, n, za, dim, 1f, zAdj, dim);
                    device.Context.Synchronize();
                }
                Run(); // warm-up (cuBLAS picks its kernels)
                return Time(Run, o, out _);
            }
            finally
            {
                device.Free(s, squareBytes);
                if (zAdj != 0) device.Free(zAdj, rowsBytes);
            }
        }

        /// <summary>Median of as many synchronized runs as fit in o.Seconds (at least MinReps, at most MaxReps).</summary>
        private static double Time(Action run, Options o, out int reps)
        {
            var times = new List<double>();
            var total = Stopwatch.StartNew();
            while (times.Count < o.MaxReps && (times.Count < o.MinReps || total.Elapsed.TotalSeconds < o.Seconds))
            {
                var w = Stopwatch.StartNew();
                run();
                times.Add(w.Elapsed.TotalMilliseconds);
            }
            reps = times.Count;
            times.Sort();
            return times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        }

        private static readonly Stopwatch s_clock = Stopwatch.StartNew();

        /// <summary>
        /// What a size has measured so far, as it goes (a run stopped by its timeout still shows how far each size got);
        /// the line starts with "progress", so run.sh's summary, which reads lines starting with '{', skips it.
        /// </summary>
        private static void Progress(List<(string Key, object? Value)> json, string what) =>
            Console.WriteLine($"progress {s_clock.Elapsed.TotalSeconds:0.0} s: {what}: {Json(json)}");

        private static float[,] Normal(Random rng, int rows, int cols)
        {
            var a = new float[rows, cols];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    double u = 1 - rng.NextDouble(), v = rng.NextDouble();
                    a[r, c] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
                }
            return a;
        }

        private static bool IsOutOfMemory(Exception e) =>
            e is OutOfMemoryException
            || e is CudaException ce && (ce.ErrorName.Contains("OUT_OF_MEMORY", StringComparison.Ordinal) || ce.ErrorName.Contains("ALLOC_FAILED", StringComparison.Ordinal));

        private static double Round(double ms) => Math.Round(ms, 4);

        private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');

        private static string Json(List<(string Key, object? Value)> fields)
        {
            var sb = new StringBuilder("{");
            foreach (var (key, value) in fields)
            {
                if (sb.Length > 1) sb.Append(',');
                sb.Append('"').Append(key).Append("\":");
                switch (value)
                {
                    case null: sb.Append("null"); break;
                    case bool b: sb.Append(b ? "true" : "false"); break;
                    case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
                    case double d when double.IsFinite(d): sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
                    case double: sb.Append("null"); break;
                    default: sb.Append('"').Append(value.ToString()!.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"'); break;
                }
            }
            return sb.Append('}').ToString();
        }

        private sealed class Options
        {
            public int[] Batches = { 1024, 8192, 65536 };
            public int[] Dims = { 128, 512 };
            public double Seconds = 3;
            public int MinReps = 3;
            public int MaxReps = 20;
            public double Budget = 240;
            public int[] Sizes = { 64, 300, 1024 };
            public double CheckBudget = 150;
            public int[] Seqs = { 2048, 16384 };
            public int[] Heads = { 64 };
            public string? Only;
            public int[] FusedSizes = { 300 };
            public string[] Modes = { "default", "fused", "fusedk", "fusedk_tf32" };
            public bool ModesGiven;

            public static Options? Parse(string[] args)
            {
                var o = new Options();
                try
                {
                    for (int i = 0; i < args.Length; i++)
                    {
                        string value = i + 1 < args.Length ? args[i + 1] : throw new FormatException(args[i] + " needs a value");
                        switch (args[i++])
                        {
                            case "--batch": o.Batches = Ints(value); break;
                            case "--dim": o.Dims = Ints(value); break;
                            case "--seconds": o.Seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                            case "--min-reps": o.MinReps = int.Parse(value, CultureInfo.InvariantCulture); break;
                            case "--max-reps": o.MaxReps = int.Parse(value, CultureInfo.InvariantCulture); break;
                            case "--budget": o.Budget = double.Parse(value, CultureInfo.InvariantCulture); break;
                            case "--sizes": o.Sizes = Ints(value); break;
                            case "--check-budget": o.CheckBudget = double.Parse(value, CultureInfo.InvariantCulture); break;
                            case "--seq": o.Seqs = Ints(value); break;
                            case "--head": o.Heads = Ints(value); break;
                            case "--only": o.Only = value; break;
                            case "--fused-sizes": o.FusedSizes = Ints(value); break;
                            case "--modes": o.Modes = value.Split(',', StringSplitOptions.RemoveEmptyEntries); o.ModesGiven = true; break;
                            // tests/gpu/torch_ntxent.py's own options (run.sh passes its arguments to both): ignored here
                            case "--tf32": case "--compile": case "--tau": break;
                            default: throw new FormatException("unknown option " + args[i - 1]);
                        }
                    }
                    return o.Batches.All(b => b > 0) && o.Dims.All(d => d > 0) && o.Sizes.All(n => n > 0) && o.Seqs.All(n => n > 0) && o.Heads.All(n => n > 0) && o.FusedSizes.All(n => n > 0)
                        && o.Modes.All(m => m is "default" or "fused" or "fusedk" or "fusedk_tf32") && o.CheckBudget > 0 && o.MinReps >= 1 && o.MaxReps >= o.MinReps ? o : null;
                }
                catch (FormatException e)
                {
                    Console.Error.WriteLine(e.Message);
                    return null;
                }
            }

            private static int[] Ints(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        }
    }
}
