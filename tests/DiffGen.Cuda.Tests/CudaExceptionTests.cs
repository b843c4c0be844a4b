using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace DiffGen.Cuda.Tests
{
    public sealed class CudaExceptionTests
    {
        [Fact]
        public void The_message_names_the_call_and_CUDAs_error_name_and_description()
        {
            var e = new CudaException(CudaLibrary.Driver, "cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
            Assert.Equal("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.Message);
            Assert.Equal(CudaLibrary.Driver, e.Library);
            Assert.Equal("cuMemAlloc_v2", e.Call);
            Assert.Equal(2, e.Status);
            Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.ErrorName);
            Assert.Equal("out of memory", e.ErrorDescription);
            Assert.Null(e.Detail);
            Assert.Null(e.Log);
        }

        [Fact]
        public void Detail_and_log_are_included()
        {
            var e = new CudaException(CudaLibrary.Nvrtc, "nvrtcCompileProgram", 6, "NVRTC_ERROR_COMPILATION", "did not compile",
                detail: "program 'k.cu', compute_70", log: "k.cu(1): error: identifier \"y\" is undefined\n\n");
            Assert.StartsWith("nvrtcCompileProgram failed (program 'k.cu', compute_70): NVRTC_ERROR_COMPILATION (6): did not compile", e.Message);
            Assert.EndsWith("NVRTC log:" + Environment.NewLine + "k.cu(1): error: identifier \"y\" is undefined", e.Message);
            Assert.Equal("program 'k.cu', compute_70", e.Detail);
        }

        [Fact]
        public void cuBLAS_statuses_have_their_C_names_and_descriptions()
        {
            CudaException e = Assert.Throws<CudaException>(() => CudaErrors.Check(Interop.CublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasCreate_v2"));
            Assert.Equal(CudaLibrary.CuBlas, e.Library);
            Assert.Equal("CUBLAS_STATUS_NOT_INITIALIZED", e.ErrorName);
            Assert.StartsWith("cublasCreate_v2 failed: CUBLAS_STATUS_NOT_INITIALIZED (1): the cuBLAS library was not initialized", e.Message);
            Assert.Equal("cublasStatus_t 99", CudaErrors.CuBlasName(99));
            CudaErrors.Check(Interop.CublasStatus.CUBLAS_STATUS_SUCCESS, "cublasCreate_v2"); // success does not throw
        }

        [NoGpuFact]
        public void Driver_statuses_are_named_even_without_the_driver()
        {
            if (NativeLibraries.Driver.IsLoaded) return; // then cuGetErrorName answers; covered on GPU machines
            CudaException e = CudaErrors.Driver(Interop.CuResult.CUDA_ERROR_NO_DEVICE, "cuInit");
            Assert.Equal("CUDA_ERROR_NO_DEVICE", e.ErrorName);
            Assert.StartsWith("cuInit failed: CUDA_ERROR_NO_DEVICE (100): ", e.Message);
            Assert.Equal("CUresult 12345", CudaErrors.DriverNames(12345).Name);
            CudaErrors.Check(Interop.CuResult.CUDA_SUCCESS, "cuInit");
        }

        [GpuFact]
        public void Driver_statuses_use_cuGetErrorName_and_cuGetErrorString()
        {
            (string name, string description) = CudaErrors.DriverNames((int)Interop.CuResult.CUDA_ERROR_OUT_OF_MEMORY);
            Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", name);
            Assert.Equal("out of memory", description);
        }

        [NvrtcFact]
        public void NVRTC_statuses_use_nvrtcGetErrorString()
        {
            Requirements.RequireNvrtc();
            _ = Nvrtc.Version; // loads and publishes NVRTC
            Assert.Equal("NVRTC_ERROR_COMPILATION", CudaErrors.NvrtcName(6));
            Assert.Equal("NVRTC_ERROR_INVALID_OPTION", CudaErrors.NvrtcName(5));
        }

        [Fact]
        public void Every_LibraryImport_is_in_its_export_list()
        {
            // The loader rejects a library that lacks an export in these lists, so a missing list entry would turn
            // into an EntryPointNotFoundException at the first call instead of a clear "unavailable" reason.
            Check(typeof(Interop.CudaDriver), Interop.CudaDriver.RequiredExports);
            Check(typeof(Interop.CuBlas), Interop.CuBlas.RequiredExports);
            Check(typeof(Interop.Nvrtc), Interop.Nvrtc.RequiredExports.Concat(Interop.Nvrtc.OptionalExports).ToArray());

            static void Check(Type type, string[] exports)
            {
                string[] imports = type.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null)
                    .Select(m => m.GetCustomAttribute<LibraryImportAttribute>()!.EntryPoint ?? m.Name)
                    .Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray(); // overloads (SafeHandle and raw) share an export
                Assert.NotEmpty(imports);
                Assert.Equal(imports, exports.OrderBy(n => n, StringComparer.Ordinal).ToArray());
            }
        }
    }

    public sealed class Dim3Tests
    {
        [Fact]
        public void Dimensions_convert_cover_and_compare()
        {
            Dim3 d = 7;
            Assert.Equal(new Dim3(7, 1, 1), d);
            Assert.Equal("(7, 1, 1)", d.ToString());
            Assert.Equal(new Dim3(4), Dim3.Cover(1000, 256));
            Assert.Equal(new Dim3(1), Dim3.Cover(0, 256));
            Assert.True(new Dim3(2, 3) != new Dim3(2, 3, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => { Dim3 bad = 0; });
            Assert.Equal("y", Assert.Throws<ArgumentOutOfRangeException>(() => new Dim3(1, 0)).ParamName);
        }
    }
}
