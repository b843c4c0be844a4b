namespace DiffGen.Cuda.Tests.Kernels
{
    /// <summary>
    /// The NT-Xent denominator (SimCLR, arXiv 2002.05709, Eq. 1): for an N x N row-major similarity matrix
    /// <c>sim</c> (N = 2 x batch), <c>out[i] = log sum_{k != i} exp(scale * sim[i, k])</c> with
    /// <c>scale = 1 / temperature</c>: a row log-sum-exp under the mask <c>k != i</c>, which the generator raises
    /// from the user's <c>if (k == i) continue;</c>. One block per row; <c>blockDim.x</c> a multiple of 32, at most 1024.
    /// N = 1 (nothing left after the mask) gives -inf.
    /// </summary>
    public static class NtXentKernels
    {
        /// <summary>Threads per block this kernel is tuned for.</summary>
        public const int BlockSize = 256;

        /// <summary>(const float* sim, float* out, int n, float scale).</summary>
        public const string MaskedRowLogSumExpFloat = "diffgen_masked_row_logsumexp_f32";

        /// <summary>(const double* sim, double* out, int n, double scale).</summary>
        public const string MaskedRowLogSumExpDouble = "diffgen_masked_row_logsumexp_f64";

        /// <summary>The CUDA C++ source of both kernels.</summary>
        public const string Source = KernelPrelude.Source + """
            template <typename T>
            __device__ __forceinline__ void diffgen_masked_row_logsumexp(const T* __restrict__ sim, T* __restrict__ out, int n, T scale, T* scratch)
            {
                for (int i = blockIdx.x; i < n; i += gridDim.x)
                {
                    const T* r = sim + (long long)i * n;
                    T m = -diffgen_inf((T)0);
                    for (int k = threadIdx.x; k < n; k += blockDim.x)
                        if (k != i) m = diffgen_max(m, scale * r[k]);
                    m = diffgen_block_max(m, scratch);
                    T s = (T)0;
                    if (diffgen_isfinite(m))
                        for (int k = threadIdx.x; k < n; k += blockDim.x)
                            if (k != i) s += diffgen_exp(scale * r[k] - m);
                    s = diffgen_block_sum(s, scratch);
                    if (threadIdx.x == 0) out[i] = diffgen_isfinite(m) ? m + diffgen_log(s) : m;
                }
            }

            extern "C" __global__ void diffgen_masked_row_logsumexp_f32(const float* __restrict__ sim, float* __restrict__ out, int n, float scale)
            {
                __shared__ float scratch[32];
                diffgen_masked_row_logsumexp(sim, out, n, scale, scratch);
            }

            extern "C" __global__ void diffgen_masked_row_logsumexp_f64(const double* __restrict__ sim, double* __restrict__ out, int n, double scale)
            {
                __shared__ double scratch[32];
                diffgen_masked_row_logsumexp(sim, out, n, scale, scratch);
            }
            """;
    }
}
