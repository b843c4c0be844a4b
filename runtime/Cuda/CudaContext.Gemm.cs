using System;

namespace DiffGen.Cuda
{
    internal sealed partial class CudaContext
    {
        /// <summary>
        /// Row-major single-precision GEMM on the device: C = alpha * op(A) * op(B) + beta * C, where op(A) is
        /// m x k, op(B) is k x n and C is m x n, all stored row-major and densely packed (A is m x k, or k x m when
        /// <paramref name="transposeA"/>; B is k x n, or n x k when <paramref name="transposeB"/>). cuBLAS is
        /// column-major, so this computes Cᵀ = op(B)ᵀ op(A)ᵀ by passing B first. Queued on <see cref="Stream"/>.
        /// </summary>
        /// <param name="transposeA">Use Aᵀ (A stored k x m).</param>
        /// <param name="transposeB">Use Bᵀ (B stored n x k).</param>
        /// <param name="m">Rows of C.</param>
        /// <param name="n">Columns of C.</param>
        /// <param name="k">The contracted dimension.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, at least m*k elements.</param>
        /// <param name="b">B, at least k*n elements.</param>
        /// <param name="beta">Scale of the old C (0 overwrites; C's old contents are then ignored, even NaN).</param>
        /// <param name="c">C, at least m*n elements.</param>
        /// <param name="allowTf32">
        /// Opt in to TF32 tensor cores (cublasGemmEx with CUBLAS_COMPUTE_32F_FAST_TF32): inputs are rounded to a 10-bit
        /// mantissa, so results differ from FP32 by about 1e-3 relative. Off by default; ignored before Ampere by cuBLAS.
        /// </param>
        public unsafe void Gemm(bool transposeA, bool transposeB, int m, int n, int k,
            float alpha, DeviceBuffer<float> a, DeviceBuffer<float> b, float beta, DeviceBuffer<float> c, bool allowTf32 = false)
        {
            var shape = CheckGemm(transposeA, transposeB, m, n, k, a, b, c);
            if (m == 0 || n == 0) return;
            MakeCurrent();
            CublasHandle blas = Blas;
            if (allowTf32)
            {
                CudaErrors.Check(Interop.CuBlas.cublasGemmEx(blas, shape.OpB, shape.OpA, n, m, k,
                    &alpha, b.DevicePointer, Interop.CudaDataType.CUDA_R_32F, shape.Ldb,
                    a.DevicePointer, Interop.CudaDataType.CUDA_R_32F, shape.Lda,
                    &beta, c.DevicePointer, Interop.CudaDataType.CUDA_R_32F, shape.Ldc,
                    Interop.CublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, Interop.CublasGemmAlgo.CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx", Describe(transposeA, transposeB, m, n, k) + ", TF32");
            }
            else
            {
                CudaErrors.Check(Interop.CuBlas.cublasSgemm_v2(blas, shape.OpB, shape.OpA, n, m, k,
                    &alpha, b.DevicePointer, shape.Ldb, a.DevicePointer, shape.Lda, &beta, c.DevicePointer, shape.Ldc),
                    "cublasSgemm_v2", Describe(transposeA, transposeB, m, n, k));
            }
        }

        /// <summary>
        /// Row-major double-precision GEMM: C = alpha * op(A) * op(B) + beta * C; shapes as in the
        /// <see cref="Gemm(bool, bool, int, int, int, float, DeviceBuffer{float}, DeviceBuffer{float}, float, DeviceBuffer{float}, bool)"/>
        /// overload.
        /// </summary>
        /// <param name="transposeA">Use Aᵀ (A stored k x m).</param>
        /// <param name="transposeB">Use Bᵀ (B stored n x k).</param>
        /// <param name="m">Rows of C.</param>
        /// <param name="n">Columns of C.</param>
        /// <param name="k">The contracted dimension.</param>
        /// <param name="alpha">Scale of the product.</param>
        /// <param name="a">A, at least m*k elements.</param>
        /// <param name="b">B, at least k*n elements.</param>
        /// <param name="beta">Scale of the old C.</param>
        /// <param name="c">C, at least m*n elements.</param>
        public unsafe void Gemm(bool transposeA, bool transposeB, int m, int n, int k,
            double alpha, DeviceBuffer<double> a, DeviceBuffer<double> b, double beta, DeviceBuffer<double> c)
        {
            var shape = CheckGemm(transposeA, transposeB, m, n, k, a, b, c);
            if (m == 0 || n == 0) return;
            MakeCurrent();
            CudaErrors.Check(Interop.CuBlas.cublasDgemm_v2(Blas, shape.OpB, shape.OpA, n, m, k,
                &alpha, b.DevicePointer, shape.Ldb, a.DevicePointer, shape.Lda, &beta, c.DevicePointer, shape.Ldc),
                "cublasDgemm_v2", Describe(transposeA, transposeB, m, n, k));
        }

        /// <summary>
        /// Row-major GEMM on raw device addresses with explicit row strides (lda, ldb, ldc: the stored rows' lengths),
        /// for generated code whose operands are sub-blocks (<c>a[:, :k]</c>). C = op(A)·op(B) + beta·C.
        /// </summary>
        internal unsafe void GemmRaw(bool transposeA, bool transposeB, int m, int n, int k,
            ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc, bool isDouble, bool allowTf32 = false)
        {
            if (m <= 0 || n <= 0) return;
            ThrowIfDisposed();
            MakeCurrent();
            var opA = transposeA ? Interop.CublasOperation.CUBLAS_OP_T : Interop.CublasOperation.CUBLAS_OP_N;
            var opB = transposeB ? Interop.CublasOperation.CUBLAS_OP_T : Interop.CublasOperation.CUBLAS_OP_N;
            lda = Math.Max(1, lda); ldb = Math.Max(1, ldb); ldc = Math.Max(1, ldc);
            if (isDouble)
            {
                double alpha = 1;
                CudaErrors.Check(Interop.CuBlas.cublasDgemm_v2(Blas, opB, opA, n, m, k,
                    &alpha, b, ldb, a, lda, &beta, c, ldc), "cublasDgemm_v2", Describe(transposeA, transposeB, m, n, k));
            }
            else if (allowTf32)
            {
                float alpha = 1, betaF = (float)beta;
                CudaErrors.Check(Interop.CuBlas.cublasGemmEx(Blas, opB, opA, n, m, k,
                    &alpha, b, Interop.CudaDataType.CUDA_R_32F, ldb, a, Interop.CudaDataType.CUDA_R_32F, lda,
                    &betaF, c, Interop.CudaDataType.CUDA_R_32F, ldc,
                    Interop.CublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, Interop.CublasGemmAlgo.CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx", Describe(transposeA, transposeB, m, n, k) + ", TF32");
            }
            else
            {
                float alpha = 1, betaF = (float)beta;
                CudaErrors.Check(Interop.CuBlas.cublasSgemm_v2(Blas, opB, opA, n, m, k,
                    &alpha, b, ldb, a, lda, &betaF, c, ldc), "cublasSgemm_v2", Describe(transposeA, transposeB, m, n, k));
            }
        }

        private readonly record struct GemmShape(Interop.CublasOperation OpA, Interop.CublasOperation OpB, int Lda, int Ldb, int Ldc);

        /// <summary>
        /// Checks the arguments and computes the column-major view. Row-major X (r x c) is column-major Xᵀ with leading
        /// dimension c, so: lda = columns of stored A = (transposeA ? m : k); ldb = (transposeB ? k : n); ldc = n.
        /// </summary>
        private GemmShape CheckGemm<T>(bool transposeA, bool transposeB, int m, int n, int k, DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c)
            where T : unmanaged
        {
            ArgumentOutOfRangeException.ThrowIfNegative(m);
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            ArgumentOutOfRangeException.ThrowIfNegative(k);
            CheckOperand(a, (long)m * k, "m*k", nameof(a));
            CheckOperand(b, (long)k * n, "k*n", nameof(b));
            CheckOperand(c, (long)m * n, "m*n", nameof(c));
            ThrowIfDisposed();
            return new GemmShape(
                transposeA ? Interop.CublasOperation.CUBLAS_OP_T : Interop.CublasOperation.CUBLAS_OP_N,
                transposeB ? Interop.CublasOperation.CUBLAS_OP_T : Interop.CublasOperation.CUBLAS_OP_N,
                Math.Max(1, transposeA ? m : k),
                Math.Max(1, transposeB ? k : n),
                Math.Max(1, n));
        }

        private void CheckOperand<T>(DeviceBuffer<T> buffer, long needed, string formula, string name) where T : unmanaged
        {
            ArgumentNullException.ThrowIfNull(buffer, name);
            if (!ReferenceEquals(buffer.Context, this))
                throw new ArgumentException($"'{name}' belongs to another CudaContext.", name);
            if (buffer.Length < needed)
                throw new ArgumentException($"'{name}' has {buffer.Length} elements but the GEMM needs {formula} = {needed}.", name);
        }

        private static string Describe(bool transposeA, bool transposeB, int m, int n, int k)
            => $"row-major C[{m}x{n}] = A{(transposeA ? "ᵀ" : "")}·B{(transposeB ? "ᵀ" : "")}, k = {k}";
    }
}
