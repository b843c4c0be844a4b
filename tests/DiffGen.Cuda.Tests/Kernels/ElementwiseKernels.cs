namespace DiffGen.Cuda.Tests.Kernels
{
    /// <summary>
    /// Elementwise maps in the style the generator emits for fused elementwise groups: one thread per element in
    /// a grid-stride loop (any grid size is correct; <c>Dim3.Cover(n, BlockSize)</c> is a good one), float and
    /// double entry points sharing one template.
    /// </summary>
    public static class ElementwiseKernels
    {
        /// <summary>Threads per block these kernels are tuned for.</summary>
        public const int BlockSize = 256;

        /// <summary><c>out[i] = a * x[i] + b * y[i]</c>: (const float* x, const float* y, float* out, float a, float b, int n).</summary>
        public const string AxpbyFloat = "diffgen_map_axpby_f32";

        /// <summary><c>out[i] = a * x[i] + b * y[i]</c>: (const double* x, const double* y, double* out, double a, double b, int n).</summary>
        public const string AxpbyDouble = "diffgen_map_axpby_f64";

        /// <summary><c>out[i] = exp(scale * x[i] - shift)</c>: (const float* x, float* out, float scale, float shift, int n).</summary>
        public const string ScaledExpFloat = "diffgen_map_scaled_exp_f32";

        /// <summary><c>out[i] = exp(scale * x[i] - shift)</c>: (const double* x, double* out, double scale, double shift, int n).</summary>
        public const string ScaledExpDouble = "diffgen_map_scaled_exp_f64";

        /// <summary>The CUDA C++ source of all four kernels.</summary>
        public const string Source = KernelPrelude.Source + """
            template <typename T>
            __device__ __forceinline__ void diffgen_axpby(const T* __restrict__ x, const T* __restrict__ y, T* __restrict__ out, T a, T b, int n)
            {
                const long long stride = (long long)blockDim.x * gridDim.x;
                for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
                    out[i] = a * x[i] + b * y[i];
            }

            template <typename T>
            __device__ __forceinline__ void diffgen_scaled_exp(const T* __restrict__ x, T* __restrict__ out, T scale, T shift, int n)
            {
                const long long stride = (long long)blockDim.x * gridDim.x;
                for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
                    out[i] = diffgen_exp(scale * x[i] - shift);
            }

            extern "C" __global__ void diffgen_map_axpby_f32(const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ out, float a, float b, int n)
            {
                diffgen_axpby(x, y, out, a, b, n);
            }

            extern "C" __global__ void diffgen_map_axpby_f64(const double* __restrict__ x, const double* __restrict__ y, double* __restrict__ out, double a, double b, int n)
            {
                diffgen_axpby(x, y, out, a, b, n);
            }

            extern "C" __global__ void diffgen_map_scaled_exp_f32(const float* __restrict__ x, float* __restrict__ out, float scale, float shift, int n)
            {
                diffgen_scaled_exp(x, out, scale, shift, n);
            }

            extern "C" __global__ void diffgen_map_scaled_exp_f64(const double* __restrict__ x, double* __restrict__ out, double scale, double shift, int n)
            {
                diffgen_scaled_exp(x, out, scale, shift, n);
            }
            """;
    }
}
