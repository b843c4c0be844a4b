using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using DiffGen.Cuda.Execution;
using DiffGen.Generator.Emit;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// The kernel argument block is written once (runtime/Cuda/Execution/KernelAbi.cs, linked into the generator;
    /// <see cref="KernelAbi"/> here is the generator's copy). These tests tie the three places that depend on it: the
    /// runtime's <see cref="KernelArgs"/> (its size and where each slot lands in memory), the CUDA struct the
    /// generated prelude declares, and the slots generated kernels and host code use.
    /// </summary>
    public class KernelAbiTests
    {
        [Fact]
        public void Runtime_KernelArgs_has_the_abi_layout()
        {
            Assert.Equal(KernelAbi.PointerSlots, KernelArgs.PointerCount);
            Assert.Equal(KernelAbi.IntSlots, KernelArgs.IntCount);
            Assert.Equal(KernelAbi.ByteSize, KernelArgs.ByteSize);
            Assert.Equal(KernelAbi.ByteSize, Unsafe.SizeOf<KernelArgs>());

            // The C struct { unsigned long long p[P]; int n[N]; }: p[i] at 8i, n[j] at 8P + 4j, no padding.
            var args = new KernelArgs();
            for (int i = 0; i < KernelAbi.PointerSlots; i++) args.Pointer(i, 0x1000_0000_0000UL + (ulong)i);
            for (int j = 0; j < KernelAbi.IntSlots; j++) args.Int(j, 7000 + j);
            byte[] bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<KernelArgs>(in args)).ToArray();
            for (int i = 0; i < KernelAbi.PointerSlots; i++) Assert.Equal(0x1000_0000_0000UL + (ulong)i, BitConverter.ToUInt64(bytes, 8 * i));
            for (int j = 0; j < KernelAbi.IntSlots; j++) Assert.Equal(7000 + j, BitConverter.ToInt32(bytes, 8 * KernelAbi.PointerSlots + 4 * j));
            Assert.Throws<ArgumentOutOfRangeException>(() => new KernelArgs().Pointer(KernelAbi.PointerSlots, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new KernelArgs().Int(KernelAbi.IntSlots, 1));
        }

        [Fact]
        public void Generated_prelude_declares_the_same_block()
        {
            var m = Regex.Match(CudaKernelWriter.Prelude, @"struct __dg_args \{ unsigned long long p\[(\d+)\]; int n\[(\d+)\]; \};");
            Assert.True(m.Success, "the prelude declares no __dg_args");
            Assert.Equal(KernelAbi.PointerSlots, int.Parse(m.Groups[1].Value));
            Assert.Equal(KernelAbi.IntSlots, int.Parse(m.Groups[2].Value));
            Assert.Single(Regex.Matches(CudaKernelWriter.Prelude, "struct __dg_args"));
            // The bounds checks report into the control block's error int, which KernelFrame.End reads.
            Assert.Contains($"atomicCAS(ctl + {KernelAbi.ControlError}, 0, id)", CudaKernelWriter.Prelude);
        }

        private const string Tape = """
            using System; using DiffGen;
            namespace T { public static partial class C {
                [Differentiable]
                public static double L(double[] x, double[,] w, int n)
                {
                    double s = 1;
                    for (int i = 0; i < n; i++) s = Math.Sin(s * x[i]) + w[i, 0]; // each step overwrites s: a restore tape
                    return s;
                }
            } }
            """;

        [Fact]
        public void Generated_code_uses_the_reserved_and_first_free_slots()
        {
            var r = GeneratorHarness.Run(Tape);
            Assert.Empty(r.CompileDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
            string text = string.Join("\n", r.Output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
            Assert.Contains("__global__", text);
            Assert.Contains($"__dg_arr(double, __s, {KernelAbi.ScalarsPointer});", text);
            Assert.Contains($"__dg_arr(int, __ctl, {KernelAbi.ControlPointer});", text);
            // The sequential loop pushes to the restore tape: its address, capacity and control ints.
            Assert.Contains($"(double*)__A.p[{KernelAbi.TapePointer}];", text);
            Assert.Contains($"= __A.n[{KernelAbi.TapeCapacityInt}];", text);
            Assert.Contains($"__ctl[{KernelAbi.ControlTapeTop}], __hw = __ctl[{KernelAbi.ControlHighWater}];", text);
            // Host ints come first (n), then arrays in parameter order: x, w (two dimensions).
            int first = KernelAbi.FirstArrayPointer, i0 = KernelAbi.FirstHostInt;
            Assert.Contains($"__f.Int({i0}, n);", text);
            Assert.Contains($"__f.Array({first}, __addr_x, \"x\");", text);
            Assert.Contains($"__f.Array({first + 1}, __addr_w, \"w\");", text);
            Assert.Contains($"__dg_arr(double, a_x, {first});", text);
            Assert.Contains($"__dg_dim(d0_x, {i0 + 1});", text);
        }

        [Fact]
        public void A_method_with_more_arrays_than_address_slots_gets_no_device_code()
        {
            // One differentiated array (x and its gradient: two address slots) and read-only int arrays (one slot each).
            string Method(int arrays) => $$"""
                using System; using DiffGen;
                namespace T { public static partial class C {
                    [Differentiable]
                    public static double L(double[] x, {{string.Join(", ", Enumerable.Range(0, arrays - 2).Select(i => $"int[] a{i}"))}})
                    {
                        double s = 0;
                        {{string.Join("\n", Enumerable.Range(0, arrays - 2).Select(i => $"for (int i = 0; i < x.Length; i++) s += x[i] * a{i}[i];"))}}
                        return s;
                    }
                } }
                """;
            string Generated(int arrays) => string.Join("\n", GeneratorHarness.Run(Method(arrays)).Output.SyntaxTrees.Skip(1).Select(t => t.ToString()));

            string fits = Generated(KernelAbi.MaxArrays);
            Assert.Contains("__global__", fits);
            string over = Generated(KernelAbi.MaxArrays + 1);
            Assert.DoesNotContain("__global__", over);
            Assert.Contains($"device code passes at most {KernelAbi.MaxArrays}", over);
        }
    }
}
