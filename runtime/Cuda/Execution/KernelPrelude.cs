using System.Runtime.CompilerServices;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// The CUDA C helpers every generated kernel source uses (argument block, bounds checks, trip counts, restore tape,
    /// block reductions, table entries). Generated files hold only their kernels (<c>__MCudaSource</c>);
    /// <see cref="KernelFrame"/> compiles <see cref="With"/>(source), the prelude followed by the kernels. This one file
    /// is compiled into the runtime and the generator (generator/DiffGen.Generator.csproj links it, as KernelAbi.cs),
    /// so the generator's kernels and the runtime's helpers come from the same version. Compiles with NVRTC and, under
    /// the test emulation header, with g++.
    /// </summary>
    internal static class KernelPrelude
    {
        /// <summary>The helpers, first in every compiled source.</summary>
        public static readonly string Source = @"// DiffGen device prelude: argument block, bounds checks, restore tape, block reductions.
" + KernelAbi.CudaStruct + @"

// A kernel's arguments, unpacked from the block at its start (a kernel may not use every one it unpacks):
// __dg_arr(double, a_x, 3) is the array x (pointer slot 3), __dg_dim(d0_x, 2) its length (int slot 2),
// __dg_in(double, v_mean, 4) the host scalar mean (scalar slot 4), __dg_in_const the same, read-only.
#define __dg_unused __attribute__((unused))
#define __dg_arr(T, name, slot) T* name __dg_unused = (T*)__A.p[slot]
#define __dg_dim(name, slot) const int name __dg_unused = __A.n[slot]
#define __dg_in(T, name, slot) T name __dg_unused = (T)__s[slot]
#define __dg_in_const(T, name, slot) const T name __dg_unused = (T)__s[slot]

__device__ __forceinline__ long long __dg_ix1(long long i, int n, int* ctl, int id)
{
    if (i < 0 || i >= n) { atomicCAS(ctl + 2, 0, id); return 0; }
    return i;
}

__device__ __forceinline__ long long __dg_ix2(long long i, long long j, int n0, int n1, int* ctl, int id)
{
    if (i < 0 || i >= n0 || j < 0 || j >= n1) { atomicCAS(ctl + 2, 0, id); return 0; }
    return i * n1 + j;
}

// Iterations of for (i = s; i cmp b; i += step); cmp: 0 <, 1 <=, 2 >, 3 >=.
__device__ __forceinline__ long long __dg_trip(long long s, long long b, int step, int cmp)
{
    long long span = step > 0 ? (cmp == 1 ? b + 1 : b) - s : s - (cmp == 3 ? b - 1 : b);
    long long st = step > 0 ? step : -step;
    return span <= 0 ? 0 : (span + st - 1) / st;
}

__device__ __forceinline__ void __dg_push(double* tape, int cap, int* tp, int* hw, double x)
{
    if (*tp < cap) tape[*tp] = x;
    ++*tp;
    if (*tp > *hw) *hw = *tp;
}

__device__ __forceinline__ double __dg_pop(const double* tape, int cap, int* tp)
{
    --*tp;
    return *tp >= 0 && *tp < cap ? tape[*tp] : 0.0;
}

// Math.Max/Min semantics: NaN wins.
template <typename T> __device__ __forceinline__ T __dg_max(T a, T b) { return a != a ? a : b != b ? b : a > b ? a : b; }
template <typename T> __device__ __forceinline__ T __dg_min(T a, T b) { return a != a ? a : b != b ? b : a < b ? a : b; }
template <typename T> __device__ __forceinline__ int __dg_sign(T a) { return (a > (T)0) - (a < (T)0); }
template <typename T> __device__ __forceinline__ T __dg_clamp(T a, T lo, T hi) { return a < lo ? lo : a > hi ? hi : a; }

// Block-wide sum / max (blockDim.x a multiple of 32; every thread of the block calls, every thread gets the result).
__device__ double __dg_block_sum(double v)
{
    __shared__ double sh[33];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    const int lane = (int)(threadIdx.x & 31), w = (int)(threadIdx.x >> 5);
    __syncthreads();
    if (lane == 0) sh[w] = v;
    __syncthreads();
    if (w == 0)
    {
        v = lane < (int)(blockDim.x >> 5) ? sh[lane] : 0.0;
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
        if (lane == 0) sh[32] = v;
    }
    __syncthreads();
    return sh[32];
}

__device__ double __dg_block_max(double v)
{
    __shared__ double sh[33];
    for (int o = 16; o > 0; o >>= 1) v = __dg_max(v, __shfl_down_sync(0xffffffffu, v, o));
    const int lane = (int)(threadIdx.x & 31), w = (int)(threadIdx.x >> 5);
    __syncthreads();
    if (lane == 0) sh[w] = v;
    __syncthreads();
    if (w == 0)
    {
        v = lane < (int)(blockDim.x >> 5) ? sh[lane] : sh[0];
        for (int o = 16; o > 0; o >>= 1) v = __dg_max(v, __shfl_down_sync(0xffffffffu, v, o));
        if (lane == 0) sh[32] = v;
    }
    __syncthreads();
    return sh[32];
}

__device__ double __dg_block_min(double v)
{
    return -__dg_block_max(-v);
}

// One entry of a contraction's table, sum over d < k of A(ra, d) * B(rb, d), computed where it is read (tile fusion).
// (sa, ta): strides of A's row and contraction index; likewise (sb, tb). A row outside its array, or k beyond a
// row's length, records the array as an out-of-range read.
template <typename T> __device__ T __dg_entry(const T* a, long long na, long long ra, long long sa, long long ta,
    const T* b, long long nb, long long rb, long long sb, long long tb, long long ka, long long kb, int k, int* ctl, int ida, int idb)
{
    if (ra < 0 || ra >= na || k > ka) { atomicCAS(ctl + 2, 0, ida); return (T)0; }
    if (rb < 0 || rb >= nb || k > kb) { atomicCAS(ctl + 2, 0, idb); return (T)0; }
    T s = (T)0;
    for (int d = 0; d < k; d++) s += a[ra * sa + d * ta] * b[rb * sb + d * tb];
    return s;
}

// Warp-wide sum / max / min (every lane of a full warp calls, every lane gets the result): the reductions of a
// fused tile kernel, where a warp is one iteration.
__device__ __forceinline__ double __dg_warp_sum(double v)
{
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ double __dg_warp_max(double v)
{
    for (int o = 16; o > 0; o >>= 1) v = __dg_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ double __dg_warp_min(double v)
{
    return -__dg_warp_max(-v);
}

// TF32 tensor cores for the tiles of float tables (n[95] & 1, IKernelDevice.AllowTf32), compute capability 8.0 and
// later. __dg_tf32 rounds a float to TF32 (10-bit mantissa, nearest, ties away); __dg_mma8 is one warp-wide
// mma.sync m16n8k8 (A 16 x 8 row-major, B 8 x 8 by columns, C 16 x 8 in FP32), C += A B, with the PTX fragment layout:
// g = lane / 4, t = lane % 4; a = {A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]}; b = {B[t][g], B[t+4][g]};
// c = {C[g][2t], C[g][2t+1], C[g+8][2t], C[g+8][2t+1]}. The g++ emulation defines both (DIFFGEN_EMU_TF32).
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
#define __DG_TF32 1
__device__ __forceinline__ unsigned __dg_tf32(float x)
{
    unsigned r;
    asm(""cvt.rna.tf32.f32 %0, %1;"" : ""=r""(r) : ""f""(x));
    return r;
}

__device__ __forceinline__ void __dg_mma8(float* c, const unsigned* a, const unsigned* b)
{
    asm volatile(""mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};""
        : ""+f""(c[0]), ""+f""(c[1]), ""+f""(c[2]), ""+f""(c[3])
        : ""r""(a[0]), ""r""(a[1]), ""r""(a[2]), ""r""(a[3]), ""r""(b[0]), ""r""(b[1]));
}
#elif defined(DIFFGEN_EMU_TF32)
#define __DG_TF32 1
#endif

// A tile on tensor cores: for FP64 tiles, and where TF32 is not compiled in, never (these are the fallbacks).
template <typename T> __device__ __forceinline__ bool __dg_tc(int flags, const T*) { return false; }
template <typename T> __device__ __forceinline__ void __dg_tc_chunk(T (*as)[33], T (*bs)[33], int w, int nw, int dn, float (*c)[4]) { }
#ifdef __DG_TF32
__device__ __forceinline__ bool __dg_tc(int flags, const float*) { return (flags & 1) != 0; }

// One staged chunk of d (dn <= 32 values; staged zeros past it) on tensor cores: the tile (the block's nw rows padded
// to 16 or 32, by 32 columns) is 2 or 4 or 8 sub-tiles of 16 x 8; warp w takes sub-tiles w, w + nw, ... (at most 4),
// each accumulating in c[j]. Rows past nw hold stale values; they only reach C's rows past nw, which nobody reads.
__device__ __forceinline__ void __dg_tc_chunk(float (*as)[33], float (*bs)[33], int w, int nw, int dn, float (*c)[4])
{
    const int l = (int)(threadIdx.x & 31), g = l >> 2, t = l & 3, tiles = ((nw + 15) >> 4) * 4;
    for (int j = 0, st = w; j < 4 && st < tiles; j++, st += nw)
    {
        const int m0 = (st >> 2) * 16, n0 = (st & 3) * 8;
        for (int kk = 0; kk < dn; kk += 8)
        {
            const unsigned a[4] = { __dg_tf32(as[m0 + g][kk + t]), __dg_tf32(as[m0 + g + 8][kk + t]),
                                    __dg_tf32(as[m0 + g][kk + t + 4]), __dg_tf32(as[m0 + g + 8][kk + t + 4]) };
            const unsigned b[2] = { __dg_tf32(bs[n0 + g][kk + t]), __dg_tf32(bs[n0 + g][kk + t + 4]) };
            __dg_mma8(c[j], a, b);
        }
    }
}
#endif

// One 32-column tile of a contraction's table, computed where it is read (a fused tile kernel: the table is never
// stored, not even a panel of it). Warp w of the block supplies its table row ra (meaningful when act); lane l gets the
// entry (ra, c0 + l) = sum over d < k of A(ra, d) * B(c0 + l, d), strides as in __dg_entry. The chunks of A's rows
// and B's rows are staged in shared memory 32 values of d at a time, so each B value loaded from global memory
// serves every warp of the block. Every thread of the block calls it with the same c0, k and flags (it has barriers).
// A row outside A (an active warp), or a column below hi outside B, records that array as an out-of-range read.
// With TF32 allowed (flags) a float tile's products run on tensor cores (__dg_tc_chunk), otherwise lane l multiplies
// row w by column l in FP32/FP64.
template <typename T> __device__ T __dg_tile(const T* a, long long na, long long ra, long long sa, long long ta,
    const T* b, long long nb, long long sb, long long tb, long long c0, long long hi, long long ka, long long kb, int k,
    bool act, int* ctl, int ida, int idb, int flags)
{
    __shared__ T as[32][33];
    __shared__ T bs[32][33];
    const int l = (int)(threadIdx.x & 31), w = (int)(threadIdx.x >> 5), nw = (int)(blockDim.x >> 5);
    const bool rowOk = act && ra >= 0 && ra < na && k <= ka;
    if (act && l == 0 && !rowOk) atomicCAS(ctl + 2, 0, ida);
    if (act && c0 + l < hi && (c0 + l >= nb || k > kb)) atomicCAS(ctl + 2, 0, idb);
    const bool tc = k > 0 && __dg_tc(flags, a); // k > 0: the chunk loop's barriers also guard the result tile below
    float acc[4][4] = { { 0 } }; // this warp's sub-tiles (tensor cores)
    T s = (T)0;
    for (int d0 = 0; d0 < k; d0 += 32)
    {
        __syncthreads(); // the previous chunk (or tile) is no longer read
        if (w < 32) as[w][l] = rowOk && d0 + l < k ? a[ra * sa + (long long)(d0 + l) * ta] : (T)0;
        for (int r = w; r < 32; r += nw)
        {
            if (tb == 1)
            {   // B's rows are contiguous: the lanes read along d
                const long long c = c0 + r;
                bs[r][l] = c < nb && d0 + l < k && k <= kb ? b[c * sb + (d0 + l)] : (T)0;
            }
            else
            {   // B is stored by columns: the lanes read along the tile's columns
                const long long c = c0 + l;
                bs[l][r] = c < nb && d0 + r < k && k <= kb ? b[c * sb + (long long)(d0 + r) * tb] : (T)0;
            }
        }
        __syncthreads();
        const int dn = k - d0 < 32 ? k - d0 : 32;
        if (tc) __dg_tc_chunk(as, bs, w, nw, dn, acc);
        else for (int d = 0; d < dn; d++) s += as[w][d] * bs[l][d];
    }
    if (tc)
    {   // the sub-tiles' results through shared memory to the lane that owns each entry
        __shared__ float cs[32][33];
        const int g = l >> 2, t = l & 3, tiles = ((nw + 15) >> 4) * 4;
        for (int j = 0, st = w; j < 4 && st < tiles; j++, st += nw)
        {
            const int m0 = (st >> 2) * 16, n0 = (st & 3) * 8 + 2 * t;
            cs[m0 + g][n0] = acc[j][0];
            cs[m0 + g][n0 + 1] = acc[j][1];
            cs[m0 + g + 8][n0] = acc[j][2];
            cs[m0 + g + 8][n0 + 1] = acc[j][3];
        }
        __syncthreads();
        s = (T)cs[w][l];
    }
    return s;
}
";

        private static readonly ConditionalWeakTable<string, string> s_full = new();

        /// <summary>The source NVRTC compiles for the generated kernels <paramref name="kernels"/>: the prelude, then the kernels (cached per string).</summary>
        public static string With(string kernels) => s_full.GetValue(kernels, static k => Source + k);
    }
}
