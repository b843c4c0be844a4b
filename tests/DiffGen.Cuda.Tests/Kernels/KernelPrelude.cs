namespace DiffGen.Cuda.Tests.Kernels
{
    /// <summary>
    /// Device helpers every DiffGen kernel source starts with: float/double overloads of the math the generator
    /// emits, infinities built from bits (NVRTC has no &lt;cmath&gt; and no INFINITY macro), a NaN-propagating max,
    /// and warp- and block-wide sum/max reductions (warp shuffles, then one partial per warp in shared memory).
    /// Block reductions need <c>blockDim.x</c> to be a multiple of 32, at most 1024, and every thread of the block
    /// to call them (they contain <c>__syncthreads()</c>).
    /// </summary>
    public static class KernelPrelude
    {
        /// <summary>The helpers, as CUDA C++ (no includes).</summary>
        public const string Source = """
            // DiffGen kernel prelude: compiled by NVRTC, no includes.
            #define DIFFGEN_FULL_MASK 0xffffffffu

            __device__ __forceinline__ float diffgen_exp(float x) { return expf(x); }
            __device__ __forceinline__ double diffgen_exp(double x) { return exp(x); }
            __device__ __forceinline__ float diffgen_log(float x) { return logf(x); }
            __device__ __forceinline__ double diffgen_log(double x) { return log(x); }

            __device__ __forceinline__ float diffgen_inf(float) { return __int_as_float(0x7f800000); }
            __device__ __forceinline__ double diffgen_inf(double) { return __longlong_as_double(0x7ff0000000000000LL); }

            // max that propagates NaN from either side (fmaxf would drop it), like Math.Max.
            template <typename T>
            __device__ __forceinline__ T diffgen_max(T a, T b) { return (a != a || a > b) ? a : b; }

            // True for finite values: false for +-inf and NaN.
            template <typename T>
            __device__ __forceinline__ bool diffgen_isfinite(T x) { return x > -diffgen_inf(x) && x < diffgen_inf(x); }

            template <typename T>
            __device__ __forceinline__ T diffgen_warp_sum(T v)
            {
                for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(DIFFGEN_FULL_MASK, v, offset);
                return v;
            }

            template <typename T>
            __device__ __forceinline__ T diffgen_warp_max(T v)
            {
                for (int offset = 16; offset > 0; offset >>= 1) v = diffgen_max(v, __shfl_down_sync(DIFFGEN_FULL_MASK, v, offset));
                return v;
            }

            // Sum over the block, returned to every thread. scratch: 32 elements of shared memory.
            template <typename T>
            __device__ T diffgen_block_sum(T v, T* scratch)
            {
                const int lane = threadIdx.x & 31;
                const int warp = threadIdx.x >> 5;
                v = diffgen_warp_sum(v);
                if (lane == 0) scratch[warp] = v;
                __syncthreads();
                if (warp == 0)
                {
                    T partial = lane < (int)(blockDim.x >> 5) ? scratch[lane] : (T)0;
                    partial = diffgen_warp_sum(partial);
                    if (lane == 0) scratch[0] = partial;
                }
                __syncthreads();
                T result = scratch[0];
                __syncthreads(); // scratch may be reused by the caller's next reduction
                return result;
            }

            // Max over the block (NaN-propagating), returned to every thread; -inf for no elements.
            template <typename T>
            __device__ T diffgen_block_max(T v, T* scratch)
            {
                const int lane = threadIdx.x & 31;
                const int warp = threadIdx.x >> 5;
                v = diffgen_warp_max(v);
                if (lane == 0) scratch[warp] = v;
                __syncthreads();
                if (warp == 0)
                {
                    T partial = lane < (int)(blockDim.x >> 5) ? scratch[lane] : -diffgen_inf(v);
                    partial = diffgen_warp_max(partial);
                    if (lane == 0) scratch[0] = partial;
                }
                __syncthreads();
                T result = scratch[0];
                __syncthreads();
                return result;
            }

            """;
    }
}
