using System;
using System.Runtime.InteropServices;
using DiffGen.Cuda.Execution;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// The prelude's table tile (<c>__dg_tile</c>) on its own, on the g++ emulation: with the call's TF32 flag off it is
    /// the FP32 dot product of row and column; with it on (float tiles, <c>IKernelDevice.AllowTf32</c>) its products run
    /// on the emulated mma.sync m16n8k8 (fragments exchanged by warp shuffles with the PTX layout), and every entry is
    /// the dot product of the TF32-rounded inputs. Block sizes cover one warp (16 x 8 sub-tiles shared by one warp),
    /// several, a row count that leaves a warp without a row, and 17 warps (two 16-row sub-tile rows); k and the column
    /// count are not multiples of 8 or 32.
    /// </summary>
    public sealed class Tf32TileTests(ITestOutputHelper output)
    {
        private const string Probe = @"
extern ""C"" __global__ void tile_probe(const __dg_args __A)
{
    const float* a = (const float*)__A.p[3];
    const float* b = (const float*)__A.p[4];
    float* o = (float*)__A.p[5];
    int* ctl = (int*)__A.p[2];
    const int na = __A.n[1], nb = __A.n[2], k = __A.n[3];
    const int w = (int)(threadIdx.x >> 5), l = (int)(threadIdx.x & 31);
    const bool act = w < na;
    for (long long c0 = 0; c0 < nb; c0 += 32)
    {
        const float v = __dg_tile<float>(a, na, act ? w : 0, k, 1LL, b, nb, k, 1LL, c0, nb, k, k, k, act, ctl, 4, 5, __A.n[95]);
        if (act && c0 + l < nb) o[w * nb + c0 + l] = v;
    }
}
";

        /// <summary>Runs the probe kernel in one block of <paramref name="warps"/> warps: row i of the result is a's row i times every row of b.</summary>
        private static unsafe float[] RunProbe(int warps, float[] a, float[] b, int rows, int cols, int k, bool tf32)
        {
            var device = new EmulatedDevice(threadsPerBlock: 32 * warps) { AllowTf32 = tf32 };
            ulong da = device.Allocate(4L * a.Length), db = device.Allocate(4L * b.Length), dout = device.Allocate(4L * rows * cols);
            ulong ctl = device.Allocate(4L * KernelAbi.ControlInts);
            fixed (float* pa = a) device.CopyToDevice(da, (nint)pa, 4L * a.Length);
            fixed (float* pb = b) device.CopyToDevice(db, (nint)pb, 4L * b.Length);
            var args = new KernelArgs();
            args.Pointer(KernelAbi.ControlPointer, ctl);
            args.Pointer(3, da);
            args.Pointer(4, db);
            args.Pointer(5, dout);
            args.Int(1, rows);
            args.Int(2, cols);
            args.Int(3, k);
            args.Int(KernelAbi.FlagsInt, device.AllowTf32 ? KernelAbi.FlagTf32 : 0); // what KernelFrame sets
            device.Launch(KernelPrelude.With(Probe), "tile_probe", 1, 32 * warps, in args);
            var result = new float[rows * cols];
            var control = new int[KernelAbi.ControlInts];
            fixed (float* po = result) device.CopyToHost((nint)po, dout, 4L * result.Length);
            fixed (int* pc = control) device.CopyToHost((nint)pc, ctl, 4L * control.Length);
            Assert.Equal(0, control[KernelAbi.ControlError]);
            foreach (var x in new[] { da, db, dout, ctl }) device.Free(x, 0);
            Assert.Equal(0, device.LiveAllocations);
            return result;
        }

        /// <summary>Rounds to TF32 as cvt.rna.tf32.f32 does: a 10-bit mantissa, nearest, ties away from zero.</summary>
        private static double Tf32(float x)
        {
            uint bits = BitConverter.SingleToUInt32Bits(x);
            if ((bits & 0x7f800000u) != 0x7f800000u) bits = (bits + 0x1000u) & 0xffffe000u;
            return BitConverter.UInt32BitsToSingle(bits);
        }

        [GxxTheory]
        [InlineData(1, 1, 37, 13)]
        [InlineData(2, 2, 64, 45)]
        [InlineData(4, 3, 40, 8)]
        [InlineData(17, 17, 33, 70)]
        public void Tile_entries_with_and_without_tf32(int warps, int rows, int cols, int k)
        {
            var rng = new Random(warps * 1000 + k);
            var a = new float[rows * k];
            var b = new float[cols * k];
            for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);

            var fp32 = RunProbe(warps, a, b, rows, cols, k, tf32: false);
            var tc = RunProbe(warps, a, b, rows, cols, k, tf32: true);
            double worstFp32 = 0, worstTc = 0, tcFromExact = 0;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    double exact = 0, rounded = 0, scale = 1e-30;
                    for (int d = 0; d < k; d++)
                    {
                        exact += (double)a[i * k + d] * b[j * k + d];
                        rounded += Tf32(a[i * k + d]) * Tf32(b[j * k + d]);
                        scale += Math.Abs((double)a[i * k + d] * b[j * k + d]);
                    }
                    worstFp32 = Math.Max(worstFp32, Math.Abs(fp32[i * cols + j] - exact) / scale);
                    worstTc = Math.Max(worstTc, Math.Abs(tc[i * cols + j] - rounded) / scale);
                    tcFromExact = Math.Max(tcFromExact, Math.Abs(tc[i * cols + j] - exact) / scale);
                }
            output.WriteLine($"{warps} warps, {rows} rows x {cols} columns, k = {k}: FP32 tile vs exact {worstFp32:E2}; TF32 tile vs TF32-rounded inputs {worstTc:E2}, vs exact {tcFromExact:E2}");
            Assert.True(worstFp32 <= 1e-6, $"FP32 tile off by {worstFp32:E2}");
            Assert.True(worstTc <= 1e-6, $"TF32 tile is not the product of the TF32-rounded inputs: off by {worstTc:E2}");
            Assert.True(tcFromExact > 1e-5, $"the TF32 tile equals the FP32 one ({tcFromExact:E2}): tensor cores were not used");
            Assert.True(tcFromExact <= 3e-3, $"TF32 tile off by {tcFromExact:E2} from the exact product");
        }

        /// <summary>Inputs exactly representable in TF32 (small integers): the tensor-core tile is exact, whatever the rounding.</summary>
        [GxxFact]
        public void Tf32_tiles_of_tf32_values_are_exact()
        {
            const int warps = 2, rows = 2, cols = 40, k = 24;
            var a = new float[rows * k];
            var b = new float[cols * k];
            for (int i = 0; i < a.Length; i++) a[i] = (i * 7 % 11) - 5;
            for (int i = 0; i < b.Length; i++) b[i] = (i * 5 % 13) - 6;
            var result = RunProbe(warps, a, b, rows, cols, k, tf32: true);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    float exact = 0;
                    for (int d = 0; d < k; d++) exact += a[i * k + d] * b[j * k + d];
                    Assert.Equal(exact, result[i * cols + j]);
                }
        }
    }
}
