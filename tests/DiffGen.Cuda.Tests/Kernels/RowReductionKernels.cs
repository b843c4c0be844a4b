namespace DiffGen.Cuda.Tests.Kernels
{
    /// <summary>
    /// Row-wise reductions of a row-major rows x cols matrix, one block per row (grid-stride over rows, so any grid
    /// size is correct; <c>rows</c> blocks is the natural one): each thread strides over the columns, then the
    /// block reduces with warp shuffles and one shared-memory partial per warp. <c>blockDim.x</c> must be a
    /// multiple of 32 and at most 1024 (<see cref="BlockSize"/> is a good default).
    /// Log-sum-exp is the stable form max + log(sum(exp(x - max))); a row of all -inf gives -inf, a row holding
    /// +inf gives +inf, a NaN anywhere gives NaN; an empty row gives 0 (sum), -inf (max, log-sum-exp).
    /// </summary>
    public static class RowReductionKernels
    {
        /// <summary>Threads per block these kernels are tuned for.</summary>
        public const int BlockSize = 256;

        /// <summary><c>out[r] = sum_j x[r, j]</c>: (const float* x, float* out, int rows, int cols).</summary>
        public const string RowSumFloat = "diffgen_row_sum_f32";

        /// <summary><c>out[r] = sum_j x[r, j]</c>: (const double* x, double* out, int rows, int cols).</summary>
        public const string RowSumDouble = "diffgen_row_sum_f64";

        /// <summary><c>out[r] = max_j x[r, j]</c>: (const float* x, float* out, int rows, int cols).</summary>
        public const string RowMaxFloat = "diffgen_row_max_f32";

        /// <summary><c>out[r] = max_j x[r, j]</c>: (const double* x, double* out, int rows, int cols).</summary>
        public const string RowMaxDouble = "diffgen_row_max_f64";

        /// <summary><c>out[r] = log sum_j exp(x[r, j])</c>: (const float* x, float* out, int rows, int cols).</summary>
        public const string RowLogSumExpFloat = "diffgen_row_logsumexp_f32";

        /// <summary><c>out[r] = log sum_j exp(x[r, j])</c>: (const double* x, double* out, int rows, int cols).</summary>
        public const string RowLogSumExpDouble = "diffgen_row_logsumexp_f64";

        /// <summary>The CUDA C++ source of all six kernels.</summary>
        public const string Source = KernelPrelude.Source + """
            template <typename T>
            __device__ __forceinline__ void diffgen_row_sum(const T* __restrict__ x, T* __restrict__ out, int rows, int cols, T* scratch)
            {
                for (int row = blockIdx.x; row < rows; row += gridDim.x)
                {
                    const T* r = x + (long long)row * cols;
                    T acc = (T)0;
                    for (int j = threadIdx.x; j < cols; j += blockDim.x) acc += r[j];
                    acc = diffgen_block_sum(acc, scratch);
                    if (threadIdx.x == 0) out[row] = acc;
                }
            }

            template <typename T>
            __device__ __forceinline__ void diffgen_row_max(const T* __restrict__ x, T* __restrict__ out, int rows, int cols, T* scratch)
            {
                for (int row = blockIdx.x; row < rows; row += gridDim.x)
                {
                    const T* r = x + (long long)row * cols;
                    T m = -diffgen_inf((T)0);
                    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = diffgen_max(m, r[j]);
                    m = diffgen_block_max(m, scratch);
                    if (threadIdx.x == 0) out[row] = m;
                }
            }

            template <typename T>
            __device__ __forceinline__ void diffgen_row_logsumexp(const T* __restrict__ x, T* __restrict__ out, int rows, int cols, T* scratch)
            {
                for (int row = blockIdx.x; row < rows; row += gridDim.x)
                {
                    const T* r = x + (long long)row * cols;
                    T m = -diffgen_inf((T)0);
                    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = diffgen_max(m, r[j]);
                    m = diffgen_block_max(m, scratch);
                    T s = (T)0;
                    if (diffgen_isfinite(m))
                        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += diffgen_exp(r[j] - m);
                    s = diffgen_block_sum(s, scratch);
                    if (threadIdx.x == 0) out[row] = diffgen_isfinite(m) ? m + diffgen_log(s) : m;
                }
            }

            extern "C" __global__ void diffgen_row_sum_f32(const float* __restrict__ x, float* __restrict__ out, int rows, int cols)
            {
                __shared__ float scratch[32];
                diffgen_row_sum(x, out, rows, cols, scratch);
            }

            extern "C" __global__ void diffgen_row_sum_f64(const double* __restrict__ x, double* __restrict__ out, int rows, int cols)
            {
                __shared__ double scratch[32];
                diffgen_row_sum(x, out, rows, cols, scratch);
            }

            extern "C" __global__ void diffgen_row_max_f32(const float* __restrict__ x, float* __restrict__ out, int rows, int cols)
            {
                __shared__ float scratch[32];
                diffgen_row_max(x, out, rows, cols, scratch);
            }

            extern "C" __global__ void diffgen_row_max_f64(const double* __restrict__ x, double* __restrict__ out, int rows, int cols)
            {
                __shared__ double scratch[32];
                diffgen_row_max(x, out, rows, cols, scratch);
            }

            extern "C" __global__ void diffgen_row_logsumexp_f32(const float* __restrict__ x, float* __restrict__ out, int rows, int cols)
            {
                __shared__ float scratch[32];
                diffgen_row_logsumexp(x, out, rows, cols, scratch);
            }

            extern "C" __global__ void diffgen_row_logsumexp_f64(const double* __restrict__ x, double* __restrict__ out, int rows, int cols)
            {
                __shared__ double scratch[32];
                diffgen_row_logsumexp(x, out, rows, cols, scratch);
            }
            """;
    }
}
