using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Cpu
{
    /// <summary>
    /// The few vector operations a micro-kernel needs, as static abstract members so that one kernel body
    /// serves Vector512, Vector256, Vector128 and plain scalars. Implemented by empty structs; the JIT
    /// specialises every generic instantiation over them and inlines the calls.
    /// </summary>
    internal unsafe interface IVecOps<T, TV>
        where T : unmanaged
        where TV : struct
    {
        /// <summary>Lanes per vector.</summary>
        static abstract int Count { get; }

        /// <summary>All lanes zero.</summary>
        static abstract TV Zero { get; }

        /// <summary>Unaligned load of <see cref="Count"/> elements.</summary>
        static abstract TV Load(T* p);

        /// <summary>Unaligned store of <see cref="Count"/> elements.</summary>
        static abstract void Store(T* p, TV v);

        /// <summary>Loads one element and broadcasts it to every lane.</summary>
        static abstract TV Broadcast(T* p);

        /// <summary>Broadcasts a value to every lane.</summary>
        static abstract TV Splat(T v);

        /// <summary>a * b + c (fused where the hardware has FMA).</summary>
        static abstract TV MulAdd(TV a, TV b, TV c);

        /// <summary>a * b.</summary>
        static abstract TV Mul(TV a, TV b);

        /// <summary>a + b.</summary>
        static abstract TV Add(TV a, TV b);
    }

    internal unsafe struct V512F : IVecOps<float, Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;
        public static Vector512<float> Zero => Vector512<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector512<float> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float* p) => Vector512.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float v) => Vector512.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    }

    internal unsafe struct V512D : IVecOps<double, Vector512<double>>
    {
        public static int Count => Vector512<double>.Count;
        public static Vector512<double> Zero => Vector512<double>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(double* p) => Vector512.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double* p, Vector512<double> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Broadcast(double* p) => Vector512.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Splat(double v) => Vector512.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Mul(Vector512<double> a, Vector512<double> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
    }

    internal unsafe struct V256F : IVecOps<float, Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;
        public static Vector256<float> Zero => Vector256<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector256<float> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float* p) => Vector256.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float v) => Vector256.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    }

    internal unsafe struct V256D : IVecOps<double, Vector256<double>>
    {
        public static int Count => Vector256<double>.Count;
        public static Vector256<double> Zero => Vector256<double>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(double* p) => Vector256.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double* p, Vector256<double> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Broadcast(double* p) => Vector256.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Splat(double v) => Vector256.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Mul(Vector256<double> a, Vector256<double> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    }

    internal unsafe struct V128F : IVecOps<float, Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;
        public static Vector128<float> Zero => Vector128<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector128<float> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float* p) => Vector128.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Splat(float v) => Vector128.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    }

    internal unsafe struct V128D : IVecOps<double, Vector128<double>>
    {
        public static int Count => Vector128<double>.Count;
        public static Vector128<double> Zero => Vector128<double>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Load(double* p) => Vector128.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double* p, Vector128<double> v) => v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Broadcast(double* p) => Vector128.Create(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Splat(double v) => Vector128.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Mul(Vector128<double> a, Vector128<double> b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;
    }

    /// <summary>Scalar "vectors" of one lane: the portable fallback (plain multiply-add, no FMA emulation).</summary>
    internal unsafe struct ScalarF : IVecOps<float, float>
    {
        public static int Count => 1;
        public static float Zero => 0f;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* p) => *p;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, float v) => *p = v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float* p) => *p;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Splat(float v) => v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MulAdd(float a, float b, float c) => a * b + c;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Mul(float a, float b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    }

    /// <summary>Scalar double fallback.</summary>
    internal unsafe struct ScalarD : IVecOps<double, double>
    {
        public static int Count => 1;
        public static double Zero => 0d;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Load(double* p) => *p;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double* p, double v) => *p = v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Broadcast(double* p) => *p;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Splat(double v) => v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double MulAdd(double a, double b, double c) => a * b + c;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Mul(double a, double b) => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Add(double a, double b) => a + b;
    }

    /// <summary>
    /// Register-blocked micro-kernels. A kernel multiplies a packed A micro-panel (kc steps of MR values,
    /// step-major) by a packed B micro-panel (kc steps of NR = 2 vectors) and writes
    /// C[0..MR, 0..NR] = alpha * acc + beta * C (C is not read when <c>betaZero</c>).
    /// The accumulators live in registers for the whole k loop: MR x 2 vectors.
    /// </summary>
    internal static unsafe class MicroKernel<T, TV, S>
        where T : unmanaged
        where TV : struct
        where S : struct, IVecOps<T, TV>
    {
        /// <summary>6 rows x 2 vectors: 12 accumulators, fits the 16 registers of AVX2 / SSE.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Kernel6(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, bool betaZero)
        {
            nint w = S.Count;
            PrefetchTile(c, ldc, 6, 2 * w);
            TV c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
            TV c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
            nint p = 0;
            for (; p + 2 <= kc; p += 2)
            {
                TV b0 = S.Load(b);
                TV b1 = S.Load(b + w);
                TV x = S.Broadcast(a);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 1);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 2);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 3);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 4);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 5);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
                b0 = S.Load(b + 2 * w);
                b1 = S.Load(b + 3 * w);
                x = S.Broadcast(a + 6);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 7);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 8);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 9);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 10);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 11);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
                a += 12;
                b += 4 * w;
            }

            if (p < kc)
            {
                TV b0 = S.Load(b);
                TV b1 = S.Load(b + w);
                TV x = S.Broadcast(a);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 1);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 2);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 3);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 4);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 5);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
            }

            TV va = S.Splat(alpha);
            if (betaZero)
            {
                S.Store(c, S.Mul(va, c00)); S.Store(c + w, S.Mul(va, c01)); c += ldc;
                S.Store(c, S.Mul(va, c10)); S.Store(c + w, S.Mul(va, c11)); c += ldc;
                S.Store(c, S.Mul(va, c20)); S.Store(c + w, S.Mul(va, c21)); c += ldc;
                S.Store(c, S.Mul(va, c30)); S.Store(c + w, S.Mul(va, c31)); c += ldc;
                S.Store(c, S.Mul(va, c40)); S.Store(c + w, S.Mul(va, c41)); c += ldc;
                S.Store(c, S.Mul(va, c50)); S.Store(c + w, S.Mul(va, c51));
            }
            else
            {
                TV vb = S.Splat(beta);
                Update(c, w, va, vb, c00, c01); c += ldc;
                Update(c, w, va, vb, c10, c11); c += ldc;
                Update(c, w, va, vb, c20, c21); c += ldc;
                Update(c, w, va, vb, c30, c31); c += ldc;
                Update(c, w, va, vb, c40, c41); c += ldc;
                Update(c, w, va, vb, c50, c51);
            }
        }

        /// <summary>12 rows x 2 vectors: 24 accumulators, for the 32 registers of AVX-512 / AdvSimd.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Kernel12(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, bool betaZero)
        {
            nint w = S.Count;
            PrefetchTile(c, ldc, 12, 2 * w);
            TV c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
            TV c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
            TV c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero, c80 = S.Zero, c81 = S.Zero;
            TV c90 = S.Zero, c91 = S.Zero, ca0 = S.Zero, ca1 = S.Zero, cb0 = S.Zero, cb1 = S.Zero;
            nint p = 0;
            TV b0, b1, x;
            for (; p + 2 <= kc; p += 2)
            {
                b0 = S.Load(b);
                b1 = S.Load(b + w);
                x = S.Broadcast(a);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 1);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 2);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 3);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 4);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 5);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
                x = S.Broadcast(a + 6);
                c60 = S.MulAdd(x, b0, c60); c61 = S.MulAdd(x, b1, c61);
                x = S.Broadcast(a + 7);
                c70 = S.MulAdd(x, b0, c70); c71 = S.MulAdd(x, b1, c71);
                x = S.Broadcast(a + 8);
                c80 = S.MulAdd(x, b0, c80); c81 = S.MulAdd(x, b1, c81);
                x = S.Broadcast(a + 9);
                c90 = S.MulAdd(x, b0, c90); c91 = S.MulAdd(x, b1, c91);
                x = S.Broadcast(a + 10);
                ca0 = S.MulAdd(x, b0, ca0); ca1 = S.MulAdd(x, b1, ca1);
                x = S.Broadcast(a + 11);
                cb0 = S.MulAdd(x, b0, cb0); cb1 = S.MulAdd(x, b1, cb1);
                b0 = S.Load(b + 2 * w);
                b1 = S.Load(b + 3 * w);
                x = S.Broadcast(a + 12);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 13);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 14);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 15);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 16);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 17);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
                x = S.Broadcast(a + 18);
                c60 = S.MulAdd(x, b0, c60); c61 = S.MulAdd(x, b1, c61);
                x = S.Broadcast(a + 19);
                c70 = S.MulAdd(x, b0, c70); c71 = S.MulAdd(x, b1, c71);
                x = S.Broadcast(a + 20);
                c80 = S.MulAdd(x, b0, c80); c81 = S.MulAdd(x, b1, c81);
                x = S.Broadcast(a + 21);
                c90 = S.MulAdd(x, b0, c90); c91 = S.MulAdd(x, b1, c91);
                x = S.Broadcast(a + 22);
                ca0 = S.MulAdd(x, b0, ca0); ca1 = S.MulAdd(x, b1, ca1);
                x = S.Broadcast(a + 23);
                cb0 = S.MulAdd(x, b0, cb0); cb1 = S.MulAdd(x, b1, cb1);
                a += 24;
                b += 4 * w;
            }

            if (p < kc)
            {
                b0 = S.Load(b);
                b1 = S.Load(b + w);
                x = S.Broadcast(a);
                c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
                x = S.Broadcast(a + 1);
                c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
                x = S.Broadcast(a + 2);
                c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
                x = S.Broadcast(a + 3);
                c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
                x = S.Broadcast(a + 4);
                c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
                x = S.Broadcast(a + 5);
                c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
                x = S.Broadcast(a + 6);
                c60 = S.MulAdd(x, b0, c60); c61 = S.MulAdd(x, b1, c61);
                x = S.Broadcast(a + 7);
                c70 = S.MulAdd(x, b0, c70); c71 = S.MulAdd(x, b1, c71);
                x = S.Broadcast(a + 8);
                c80 = S.MulAdd(x, b0, c80); c81 = S.MulAdd(x, b1, c81);
                x = S.Broadcast(a + 9);
                c90 = S.MulAdd(x, b0, c90); c91 = S.MulAdd(x, b1, c91);
                x = S.Broadcast(a + 10);
                ca0 = S.MulAdd(x, b0, ca0); ca1 = S.MulAdd(x, b1, ca1);
                x = S.Broadcast(a + 11);
                cb0 = S.MulAdd(x, b0, cb0); cb1 = S.MulAdd(x, b1, cb1);
            }

            TV va = S.Splat(alpha);
            if (betaZero)
            {
                S.Store(c, S.Mul(va, c00)); S.Store(c + w, S.Mul(va, c01)); c += ldc;
                S.Store(c, S.Mul(va, c10)); S.Store(c + w, S.Mul(va, c11)); c += ldc;
                S.Store(c, S.Mul(va, c20)); S.Store(c + w, S.Mul(va, c21)); c += ldc;
                S.Store(c, S.Mul(va, c30)); S.Store(c + w, S.Mul(va, c31)); c += ldc;
                S.Store(c, S.Mul(va, c40)); S.Store(c + w, S.Mul(va, c41)); c += ldc;
                S.Store(c, S.Mul(va, c50)); S.Store(c + w, S.Mul(va, c51)); c += ldc;
                S.Store(c, S.Mul(va, c60)); S.Store(c + w, S.Mul(va, c61)); c += ldc;
                S.Store(c, S.Mul(va, c70)); S.Store(c + w, S.Mul(va, c71)); c += ldc;
                S.Store(c, S.Mul(va, c80)); S.Store(c + w, S.Mul(va, c81)); c += ldc;
                S.Store(c, S.Mul(va, c90)); S.Store(c + w, S.Mul(va, c91)); c += ldc;
                S.Store(c, S.Mul(va, ca0)); S.Store(c + w, S.Mul(va, ca1)); c += ldc;
                S.Store(c, S.Mul(va, cb0)); S.Store(c + w, S.Mul(va, cb1));
            }
            else
            {
                TV vb = S.Splat(beta);
                Update(c, w, va, vb, c00, c01); c += ldc;
                Update(c, w, va, vb, c10, c11); c += ldc;
                Update(c, w, va, vb, c20, c21); c += ldc;
                Update(c, w, va, vb, c30, c31); c += ldc;
                Update(c, w, va, vb, c40, c41); c += ldc;
                Update(c, w, va, vb, c50, c51); c += ldc;
                Update(c, w, va, vb, c60, c61); c += ldc;
                Update(c, w, va, vb, c70, c71); c += ldc;
                Update(c, w, va, vb, c80, c81); c += ldc;
                Update(c, w, va, vb, c90, c91); c += ldc;
                Update(c, w, va, vb, ca0, ca1); c += ldc;
                Update(c, w, va, vb, cb0, cb1);
            }
        }

        /// <summary>
        /// Asks for the C tile's cache lines before the k loop, so that fetching them (C is often out of
        /// L2: every KC slice revisits it) overlaps the arithmetic instead of stalling the stores.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PrefetchTile(T* c, nint ldc, int rows, nint cols)
        {
            if (!Sse.IsSupported) return;
            for (int i = 0; i < rows; i++)
            {
                Sse.Prefetch0(c);
                Sse.Prefetch0(c + cols - 1);
                c += ldc;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Update(T* c, nint w, TV va, TV vb, TV acc0, TV acc1)
        {
            S.Store(c, S.MulAdd(va, acc0, S.Mul(vb, S.Load(c))));
            S.Store(c + w, S.MulAdd(va, acc1, S.Mul(vb, S.Load(c + w))));
        }
    }
}
