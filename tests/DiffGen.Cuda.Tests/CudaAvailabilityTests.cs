using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Cuda.Tests
{
    /// <summary>The GPU-less path: nothing throws at type load, the reason lists every attempt, CUDA objects refuse clearly.</summary>
    public sealed class CudaAvailabilityTests(ITestOutputHelper output)
    {
        [Fact]
        public void Probing_never_throws_and_is_consistent()
        {
            bool available = CudaEnvironment.IsAvailable;
            output.WriteLine(CudaEnvironment.Diagnostics);
            Assert.Equal(available, CudaEnvironment.IsAvailable); // cached, same answer
            Assert.Equal(available, CudaEnvironment.UnavailableReason.Length == 0);
            Assert.NotEmpty(CudaEnvironment.Diagnostics);
            Assert.NotEmpty(CudaEnvironment.LibraryAttempts);
            if (available) Assert.True(CudaEnvironment.DeviceCount > 0);
        }

        [NoGpuFact]
        public void Without_a_GPU_the_reason_lists_every_driver_and_cublas_attempt()
        {
            Assert.False(CudaEnvironment.IsAvailable);
            string reason = CudaEnvironment.UnavailableReason;
            output.WriteLine(reason);
            Assert.StartsWith("CUDA is unavailable: ", reason);
            Assert.Contains("CUDA driver: ", reason);
            Assert.Contains("cuBLAS: ", reason);
            Assert.Contains("NVRTC: ", reason);
            if (!NativeLibraries.Driver.IsLoaded)
            {
                Assert.Contains("no CUDA driver library could be loaded", reason);
                foreach (string name in new[] { "libcuda.so.1", "libcuda.so", "nvcuda.dll" })
                    Assert.Contains(name + ": failed (", reason);
                Assert.Equal(0, CudaEnvironment.DriverVersion);
                Assert.Equal(0, CudaEnvironment.DeviceCount);
            }
            foreach (string name in new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so", "cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll" })
                Assert.Contains(name + ": failed (", reason);
            Assert.Equal(0, CudaEnvironment.CuBlasVersion);
        }

        [Fact]
        public void Attempts_follow_the_documented_order()
        {
            string[] driver = CudaEnvironment.LibraryAttempts.Where(a => a.Library == "CUDA driver").Select(a => a.FileName).ToArray();
            string[] cublas = CudaEnvironment.LibraryAttempts.Where(a => a.Library == "cuBLAS").Select(a => a.FileName).ToArray();
            string[] nvrtc = CudaEnvironment.LibraryAttempts.Where(a => a.Library == "NVRTC").Select(a => a.FileName).ToArray();
            Assert.Equal(new[] { "libcuda.so.1", "libcuda.so", "nvcuda.dll" }.Take(driver.Length), driver);
            Assert.Equal(new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so", "cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll" }.Take(cublas.Length), cublas);
            Assert.Equal(new[] { "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so", "nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll" }.Take(nvrtc.Length), nvrtc);
            Assert.All(CudaEnvironment.LibraryAttempts, a => Assert.False(string.IsNullOrWhiteSpace(a.Message)));
            Assert.True(CudaEnvironment.LibraryAttempts.Count(a => a.Succeeded && a.Library == "NVRTC") <= 1);
        }

        [Fact]
        public void A_failed_load_records_the_operating_system_message()
        {
            NativeLibraryAttempt? failed = CudaEnvironment.LibraryAttempts.FirstOrDefault(a => !a.Succeeded && a.FileName.EndsWith(".dll", StringComparison.Ordinal));
            if (failed is null) return; // Windows with every DLL present: nothing to check
            output.WriteLine(failed.ToString());
            Assert.StartsWith(failed.FileName + ": failed (", failed.ToString());
            if (OperatingSystem.IsLinux())
                Assert.Contains("cannot open shared object file", failed.Message);
        }

        [NoGpuFact]
        public void Creating_a_CudaContext_throws_CudaUnavailableException_with_the_reason()
        {
            CudaUnavailableException e = Assert.Throws<CudaUnavailableException>(() => new CudaContext());
            output.WriteLine(e.Message);
            Assert.Contains("CudaContext", e.Message);
            Assert.Equal(CudaEnvironment.UnavailableReason, e.Reason);
            Assert.Contains(CudaEnvironment.UnavailableReason, e.Message);

            e = Assert.Throws<CudaUnavailableException>(() => new CudaContext(3));
            Assert.Equal(CudaEnvironment.UnavailableReason, e.Reason);
            e = Assert.Throws<CudaUnavailableException>(() => CudaContext.Default);
            Assert.Contains(CudaEnvironment.UnavailableReason, e.Message);
        }

        [NoGpuFact]
        public void Creating_a_DeviceBuffer_throws_CudaUnavailableException_with_the_reason()
        {
            CudaUnavailableException e = Assert.Throws<CudaUnavailableException>(() => new DeviceBuffer<float>(16));
            Assert.Contains("DeviceBuffer", e.Message);
            Assert.Contains(CudaEnvironment.UnavailableReason, e.Message);
            Assert.Throws<CudaUnavailableException>(() => new DeviceBuffer<double>(0));
            // Argument errors come first, GPU or not.
            ArgumentOutOfRangeException bad = Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceBuffer<float>(-1));
            Assert.Equal("length", bad.ParamName);
        }

        [Fact]
        public void EnsureAvailable_matches_IsAvailable()
        {
            if (CudaEnvironment.IsAvailable)
            {
                CudaEnvironment.EnsureAvailable("a test");
            }
            else
            {
                CudaUnavailableException e = Assert.Throws<CudaUnavailableException>(() => CudaEnvironment.EnsureAvailable("a test"));
                Assert.StartsWith("a test needs CUDA", e.Message);
            }
        }

        [Fact]
        public void The_default_constructor_of_CudaUnavailableException_carries_the_current_reason()
        {
            var e = new CudaUnavailableException();
            Assert.Equal(CudaEnvironment.UnavailableReason, e.Reason);
        }

        [NvrtcFact]
        public void NVRTC_is_available_separately_from_CUDA()
        {
            Requirements.RequireNvrtc();
            output.WriteLine(string.Join(Environment.NewLine, Nvrtc.LibraryAttempts));
            Assert.True(Nvrtc.IsAvailable);
            Assert.Equal(string.Empty, Nvrtc.UnavailableReason);
            Assert.NotNull(Nvrtc.LibraryFileName);
            Assert.NotNull(Nvrtc.Version);
            Assert.True(Nvrtc.Version!.Major >= 11);
            NativeLibraryAttempt used = Assert.Single(Nvrtc.LibraryAttempts, a => a.Succeeded);
            Assert.Equal(Nvrtc.LibraryFileName, used.FileName);
            Assert.Contains($"NVRTC {Nvrtc.Version.Major}.{Nvrtc.Version.Minor}", used.Message);
            // Every attempt before the one used failed, and the CUDA report lists NVRTC as loaded too.
            Assert.All(Nvrtc.LibraryAttempts.TakeWhile(a => !a.Succeeded), a => Assert.False(a.Succeeded));
            Assert.Contains(used.ToString(), CudaEnvironment.Diagnostics);
            Nvrtc.EnsureAvailable();
        }

        [Fact]
        public void Loader_messages_keep_the_operating_system_line()
        {
            var e = new DllNotFoundException(
                "Unable to load shared library 'libcuda.so.1' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \nlibcuda.so.1: cannot open shared object file: No such file or directory");
            Assert.Equal("libcuda.so.1: cannot open shared object file: No such file or directory", NativeLibraries.ShortLoaderMessage(e));
            var windows = new DllNotFoundException("Unable to load DLL 'nvcuda.dll' or one of its dependencies: The specified module could not be found. (0x8007007E)");
            Assert.Equal(windows.Message, NativeLibraries.ShortLoaderMessage(windows));
        }
    }
}
