using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Cpu
{
    /// <summary>
    /// AVX packing of the "gather" cases, where a micro-panel interleaves several rows of the source:
    /// op(A) not transposed (MR rows of A interleaved step by step) and op(B) transposed (NR rows of B
    /// interleaved). Both are register transposes of 8x8 float / 4x4 double tiles. Callers check
    /// <see cref="Avx.IsSupported"/> and full panels; the last transposed vector of a panel may spill
    /// a few elements past it, so pack buffers keep <see cref="Slack"/> spare elements at the end.
    /// </summary>
    internal static unsafe class PackingAvx
    {
        /// <summary>Spare elements a pack buffer needs after its last panel.</summary>
        public const int Slack = 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose8x8(
            Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
            Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
            out Vector256<float> o0, out Vector256<float> o1, out Vector256<float> o2, out Vector256<float> o3,
            out Vector256<float> o4, out Vector256<float> o5, out Vector256<float> o6, out Vector256<float> o7)
        {
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
            o0 = Avx.Permute2x128(s0, s4, 0x20);
            o1 = Avx.Permute2x128(s1, s5, 0x20);
            o2 = Avx.Permute2x128(s2, s6, 0x20);
            o3 = Avx.Permute2x128(s3, s7, 0x20);
            o4 = Avx.Permute2x128(s0, s4, 0x31);
            o5 = Avx.Permute2x128(s1, s5, 0x31);
            o6 = Avx.Permute2x128(s2, s6, 0x31);
            o7 = Avx.Permute2x128(s3, s7, 0x31);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose4x4(
            Vector256<double> r0, Vector256<double> r1, Vector256<double> r2, Vector256<double> r3,
            out Vector256<double> o0, out Vector256<double> o1, out Vector256<double> o2, out Vector256<double> o3)
        {
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            o0 = Avx.Permute2x128(t0, t2, 0x20);
            o1 = Avx.Permute2x128(t1, t3, 0x20);
            o2 = Avx.Permute2x128(t0, t2, 0x31);
            o3 = Avx.Permute2x128(t1, t3, 0x31);
        }

        /// <summary>
        /// Interleaves 8 rows (stride <paramref name="ld"/>) over <paramref name="count"/> steps (a multiple of 8):
        /// dst[p * stride + i] = src[i * ld + p] for i &lt; 8. Each store writes 8 elements, so when
        /// stride &lt; 8 the tail of one store is overwritten by the next.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Interleave8(float* src, nint ld, int count, float* dst, nint stride)
        {
            float* s0 = src, s1 = src + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld, s6 = s5 + ld, s7 = s6 + ld;
            for (int p = 0; p < count; p += 8)
            {
                Transpose8x8(Avx.LoadVector256(s0 + p), Avx.LoadVector256(s1 + p), Avx.LoadVector256(s2 + p), Avx.LoadVector256(s3 + p),
                    Avx.LoadVector256(s4 + p), Avx.LoadVector256(s5 + p), Avx.LoadVector256(s6 + p), Avx.LoadVector256(s7 + p),
                    out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
                float* d = dst + p * stride;
                Avx.Store(d, o0); Avx.Store(d + stride, o1); Avx.Store(d + 2 * stride, o2); Avx.Store(d + 3 * stride, o3);
                Avx.Store(d + 4 * stride, o4); Avx.Store(d + 5 * stride, o5); Avx.Store(d + 6 * stride, o6); Avx.Store(d + 7 * stride, o7);
            }
        }

        /// <summary>As <see cref="Interleave8"/> for 4 real rows (the other 4 lanes are don't-care).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Interleave4(float* src, nint ld, int count, float* dst, nint stride)
        {
            float* s0 = src, s1 = src + ld, s2 = s1 + ld, s3 = s2 + ld;
            for (int p = 0; p < count; p += 8)
            {
                Vector256<float> r0 = Avx.LoadVector256(s0 + p), r1 = Avx.LoadVector256(s1 + p), r2 = Avx.LoadVector256(s2 + p), r3 = Avx.LoadVector256(s3 + p);
                Transpose8x8(r0, r1, r2, r3, r0, r1, r2, r3,
                    out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
                float* d = dst + p * stride;
                Avx.Store(d, o0); Avx.Store(d + stride, o1); Avx.Store(d + 2 * stride, o2); Avx.Store(d + 3 * stride, o3);
                Avx.Store(d + 4 * stride, o4); Avx.Store(d + 5 * stride, o5); Avx.Store(d + 6 * stride, o6); Avx.Store(d + 7 * stride, o7);
            }
        }

        /// <summary>As <see cref="Interleave8"/> for 6 real rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Interleave6(float* src, nint ld, int count, float* dst, nint stride)
        {
            float* s0 = src, s1 = src + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld;
            for (int p = 0; p < count; p += 8)
            {
                Vector256<float> r4 = Avx.LoadVector256(s4 + p), r5 = Avx.LoadVector256(s5 + p);
                Transpose8x8(Avx.LoadVector256(s0 + p), Avx.LoadVector256(s1 + p), Avx.LoadVector256(s2 + p), Avx.LoadVector256(s3 + p),
                    r4, r5, r4, r5,
                    out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
                float* d = dst + p * stride;
                Avx.Store(d, o0); Avx.Store(d + stride, o1); Avx.Store(d + 2 * stride, o2); Avx.Store(d + 3 * stride, o3);
                Avx.Store(d + 4 * stride, o4); Avx.Store(d + 5 * stride, o5); Avx.Store(d + 6 * stride, o6); Avx.Store(d + 7 * stride, o7);
            }
        }

        /// <summary>
        /// Full float A micro-panel, op(A) not transposed: dst[p * MR + i] = a[i * lda + p] for MR = 6 or 12.
        /// Returns the number of steps done (a multiple of 8); the caller packs the rest.
        /// </summary>
        public static int PackRowsFloat(float* a, nint lda, int kc, int mr, float* dst)
        {
            int done = kc & ~7;
            if (done == 0) return 0;
            if (mr == 6)
            {
                Interleave6(a, lda, done, dst, 6);
            }
            else
            {
                // 12 rows: rows 8..11 into slots 8..11 first (each store spills onto slots 0..3 of the
                // next step), then rows 0..7 into slots 0..7, which rewrites the spill.
                Interleave4(a + 8 * lda, lda, done, dst + 8, 12);
                Interleave8(a, lda, done, dst, 12);
            }

            return done;
        }

        /// <summary>
        /// Full float B micro-panel, op(B) transposed: dst[p * NR + j] = b[j * ldb + p], NR a multiple of 8.
        /// Returns the number of steps done (a multiple of 8).
        /// </summary>
        public static int PackColumnsFloat(float* b, nint ldb, int kc, int nr, float* dst)
        {
            int done = kc & ~7;
            if (done == 0) return 0;
            for (int g = 0; g < nr; g += 8) Interleave8(b + g * ldb, ldb, done, dst + g, nr);
            return done;
        }

        /// <summary>
        /// Interleaves 4 rows over <paramref name="count"/> steps (a multiple of 4): dst[p * stride + i] = src[i * ld + p];
        /// rows beyond <paramref name="rows"/> (2 or 4) are don't-care lanes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Interleave4(double* src, nint ld, int rows, int count, double* dst, nint stride)
        {
            double* s0 = src, s1 = src + ld, s2 = rows > 2 ? s1 + ld : s0, s3 = rows > 2 ? s2 + ld : s1;
            for (int p = 0; p < count; p += 4)
            {
                Transpose4x4(Avx.LoadVector256(s0 + p), Avx.LoadVector256(s1 + p), Avx.LoadVector256(s2 + p), Avx.LoadVector256(s3 + p),
                    out var o0, out var o1, out var o2, out var o3);
                double* d = dst + p * stride;
                Avx.Store(d, o0); Avx.Store(d + stride, o1); Avx.Store(d + 2 * stride, o2); Avx.Store(d + 3 * stride, o3);
            }
        }

        /// <summary>Full double A micro-panel (MR = 6 or 12), op(A) not transposed. Returns the steps done.</summary>
        public static int PackRowsDouble(double* a, nint lda, int kc, int mr, double* dst)
        {
            int done = kc & ~3;
            if (done == 0) return 0;
            // mr = 6: rows 4, 5 first (each store spills onto slots 0, 1 of the next step), then rows
            // 0..3, which rewrite the spill. mr = 12: three exact groups of 4.
            int full = mr & ~3;
            if (full < mr) Interleave4(a + full * lda, lda, mr - full, done, dst + full, mr);
            for (int i = 0; i < full; i += 4) Interleave4(a + i * lda, lda, 4, done, dst + i, mr);
            return done;
        }

        /// <summary>Full double B micro-panel, op(B) transposed, NR a multiple of 4. Returns the steps done.</summary>
        public static int PackColumnsDouble(double* b, nint ldb, int kc, int nr, double* dst)
        {
            int done = kc & ~3;
            if (done == 0) return 0;
            for (int g = 0; g < nr; g += 4) Interleave4(b + g * ldb, ldb, 4, done, dst + g, nr);
            return done;
        }
    }
}
