using System;
using Xunit;

namespace DiffGen.Cpu.Tests
{
    /// <summary>Bad arguments are rejected before anything is written, naming the parameter.</summary>
    public sealed class ValidationTests
    {
        private static void Sgemm(bool ta, bool tb, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
            => Gemm.Multiply(ta, tb, m, n, k, 1f, new float[aLen], lda, new float[bLen], ldb, 0f, new float[cLen], ldc);

        private static void Dgemm(bool ta, bool tb, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
            => Gemm.Multiply(ta, tb, m, n, k, 1d, new double[aLen], lda, new double[bLen], ldb, 0d, new double[cLen], ldc);

        [Theory]
        [InlineData(-1, 2, 2, "m")]
        [InlineData(2, -1, 2, "n")]
        [InlineData(2, 2, -1, "k")]
        public void NegativeSizes(int m, int n, int k, string name)
        {
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm(false, false, m, n, k, 16, 4, 16, 4, 16, 4)).ParamName);
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => Dgemm(false, false, m, n, k, 16, 4, 16, 4, 16, 4)).ParamName);
        }

        [Theory]
        // m=3, n=4, k=5; A is 3x5 (5x3 transposed), B 5x4 (4x5 transposed), C 3x4.
        [InlineData(false, false, 4, 4, 4, "lda")]
        [InlineData(true, false, 2, 4, 4, "lda")]
        [InlineData(false, false, 5, 3, 4, "ldb")]
        [InlineData(false, true, 5, 4, 4, "ldb")]
        [InlineData(false, false, 5, 4, 3, "ldc")]
        [InlineData(false, false, -5, 4, 4, "lda")]
        public void LeadingDimensionTooSmall(bool ta, bool tb, int lda, int ldb, int ldc, string name)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm(ta, tb, 3, 4, 5, 100, lda, 100, ldb, 100, ldc));
            Assert.Equal(name, e.ParamName);
            Assert.Contains(name, e.Message);
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => Dgemm(ta, tb, 3, 4, 5, 100, lda, 100, ldb, 100, ldc)).ParamName);
        }

        [Theory]
        [InlineData(false, false, 14, 20, 12, "a")] // needs 2*5+5 = 15
        [InlineData(true, false, 14, 20, 12, "a")]  // needs 4*3+3 = 15
        [InlineData(false, false, 15, 19, 12, "b")] // needs 4*4+4 = 20
        [InlineData(false, true, 15, 19, 12, "b")]  // needs 3*5+5 = 20
        [InlineData(false, false, 15, 20, 11, "c")] // needs 2*4+4 = 12
        public void SpanTooShort(bool ta, bool tb, int aLen, int bLen, int cLen, string name)
        {
            int lda = ta ? 3 : 5, ldb = tb ? 5 : 4;
            var e = Assert.Throws<ArgumentException>(() => Sgemm(ta, tb, 3, 4, 5, aLen, lda, bLen, ldb, cLen, 4));
            Assert.Equal(name, e.ParamName);
            Assert.Equal(name, Assert.Throws<ArgumentException>(() => Dgemm(ta, tb, 3, 4, 5, aLen, lda, bLen, ldb, cLen, 4)).ParamName);
        }

        [Fact]
        public void ExactLengthsWithPaddedLeadingDimension_AreAccepted()
        {
            // 3 x 5 with lda 8 needs 2*8 + 5 = 21 elements, not 24.
            Sgemm(false, false, 3, 4, 5, 21, 8, 20, 4, 12, 4);
        }

        [Fact]
        public void FailedValidation_WritesNothing()
        {
            float[] c = { 1, 2, 3 };
            Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 2, new float[3], 2, 0f, c, 2));
            Assert.Equal(new float[] { 1, 2, 3 }, c);
        }

        [Fact]
        public void MaxDegreeOfParallelism_MustBePositive()
        {
            int saved = Gemm.MaxDegreeOfParallelism;
            Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxDegreeOfParallelism = 0).ParamName);
            Assert.Equal(saved, Gemm.MaxDegreeOfParallelism);
            Assert.Equal(Environment.ProcessorCount, saved);
        }

        [Fact]
        public void TwoDimensionalShapeMismatch()
        {
            Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[2, 3], new float[4, 2])).ParamName);
            Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 1f, new float[2, 3], new float[3, 2], 0f, new float[2, 3])).ParamName);
            Assert.Equal("a", Assert.Throws<ArgumentNullException>(() => Gemm.Multiply(null!, new double[1, 1])).ParamName);
            Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.Multiply(new double[2, 3], new double[2, 3], transB: false)).ParamName);
        }

        [Fact]
        public void GemvAndDotValidation()
        {
            Assert.Equal("y", Assert.Throws<ArgumentException>(() => Gemm.Dot(new float[3], new float[4])).ParamName);
            Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Gemv(false, -1, 2, 1f, new float[4], 2, new float[2], 0f, new float[2])).ParamName);
            Assert.Equal("lda", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Gemv(false, 2, 3, 1f, new float[6], 2, new float[3], 0f, new float[2])).ParamName);
            Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Gemv(false, 2, 3, 1f, new float[5], 3, new float[3], 0f, new float[2])).ParamName);
            Assert.Equal("x", Assert.Throws<ArgumentException>(() => Gemm.Gemv(false, 2, 3, 1f, new float[6], 3, new float[2], 0f, new float[2])).ParamName);
            Assert.Equal("x", Assert.Throws<ArgumentException>(() => Gemm.Gemv(true, 2, 3, 1d, new double[6], 3, new double[1], 0d, new double[3])).ParamName);
            Assert.Equal("y", Assert.Throws<ArgumentException>(() => Gemm.Gemv(true, 2, 3, 1d, new double[6], 3, new double[2], 0d, new double[2])).ParamName);
        }
    }
}
