using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Cpu
{
    /// <summary>
    /// Packing of op(A) and op(B) blocks into the micro-panel layouts the kernels read: A as MR-row
    /// panels (for each k step, MR consecutive values), B as NR-column panels (for each k step, NR
    /// consecutive values). Partial panels are padded with zeros.
    /// </summary>
    internal static unsafe class Packing<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <summary>
        /// Packs the mc x kc block of op(A) whose top-left element is at <paramref name="a"/>:
        /// op(A)[i, p] = a[i * lda + p] (not transposed) or a[p * lda + i] (transposed).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackA(T* a, nint lda, bool trans, int mc, int kc, int MR, T* dst)
        {
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = mc - ir < MR ? mc - ir : MR;
                if (trans)
                {
                    T* src = a + ir;
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + p * lda;
                        int i = 0;
                        for (; i < mr; i++) dst[i] = s[i];
                        for (; i < MR; i++) dst[i] = T.Zero;
                        dst += MR;
                    }
                }
                else
                {
                    T* src = a + ir * lda;
                    int done = 0;
                    if (mr == MR && Avx.IsSupported && (MR == 6 || MR == 12))
                    {
                        if (typeof(T) == typeof(float)) done = PackingAvx.PackRowsFloat((float*)src, lda, kc, MR, (float*)dst);
                        else if (typeof(T) == typeof(double)) done = PackingAvx.PackRowsDouble((double*)src, lda, kc, MR, (double*)dst);
                    }

                    if (mr == MR && MR == 6) PackRows6(src + done, lda, kc - done, dst + done * MR);
                    else if (mr == MR && MR == 12) PackRows12(src + done, lda, kc - done, dst + done * MR);
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            T* d = dst + p * MR;
                            int i = 0;
                            for (; i < mr; i++) d[i] = src[i * lda + p];
                            for (; i < MR; i++) d[i] = T.Zero;
                        }
                    }

                    dst += MR * kc;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackRows6(T* src, nint lda, int kc, T* dst)
        {
            T* r0 = src, r1 = src + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
            for (int p = 0; p < kc; p++)
            {
                dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
                dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
                dst += 6;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackRows12(T* src, nint lda, int kc, T* dst)
        {
            PackRowsInterleaved(src, lda, kc, dst, 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PackRowsInterleaved(T* src, nint lda, int kc, T* dst, int rows)
        {
            for (int p = 0; p < kc; p++)
            {
                for (int i = 0; i < rows; i++) dst[i] = src[i * lda + p];
                dst += rows;
            }
        }

        /// <summary>
        /// Packs the kc x nc block of op(B) whose top-left element is at <paramref name="b"/>:
        /// op(B)[p, j] = b[p * ldb + j] (not transposed) or b[j * ldb + p] (transposed).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackB(T* b, nint ldb, bool trans, int kc, int nc, int NR, T* dst)
        {
            for (int jr = 0; jr < nc; jr += NR)
            {
                int nr = nc - jr < NR ? nc - jr : NR;
                if (!trans)
                {
                    T* src = b + jr;
                    if (nr == NR)
                    {
                        int bytes = NR * sizeof(T);
                        if (Vector256.IsHardwareAccelerated && bytes % 32 == 0)
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                byte* s = (byte*)(src + p * ldb), d = (byte*)dst;
                                for (int o = 0; o < bytes; o += 32) Vector256.Store(Vector256.Load(s + o), d + o);
                                dst += NR;
                            }
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                Unsafe.CopyBlockUnaligned(dst, src + p * ldb, (uint)bytes);
                                dst += NR;
                            }
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            T* s = src + p * ldb;
                            int j = 0;
                            for (; j < nr; j++) dst[j] = s[j];
                            for (; j < NR; j++) dst[j] = T.Zero;
                            dst += NR;
                        }
                    }
                }
                else
                {
                    T* src = b + jr * ldb;
                    int p = 0;
                    if (nr == NR && Avx.IsSupported)
                    {
                        if (typeof(T) == typeof(float) && NR % 8 == 0) p = PackingAvx.PackColumnsFloat((float*)src, ldb, kc, NR, (float*)dst);
                        else if (typeof(T) == typeof(double) && NR % 4 == 0) p = PackingAvx.PackColumnsDouble((double*)src, ldb, kc, NR, (double*)dst);
                        dst += p * NR;
                    }

                    for (; p < kc; p++)
                    {
                        int j = 0;
                        for (; j < nr; j++) dst[j] = src[j * ldb + p];
                        for (; j < NR; j++) dst[j] = T.Zero;
                        dst += NR;
                    }
                }
            }
        }
    }
}
