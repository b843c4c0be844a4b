using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace DiffGen.Cuda
{
    /// <summary>
    /// Whether the CUDA backend can run here, and if not why. Probing loads the CUDA driver, initializes it,
    /// counts devices, loads and verifies cuBLAS (a handle create/destroy) and loads NVRTC; it happens once, on
    /// first use, and never throws: on a machine without a GPU <see cref="IsAvailable"/> is false and
    /// <see cref="UnavailableReason"/> says which step failed and lists every library file tried.
    /// </summary>
    public static class CudaEnvironment
    {
        private static readonly Lazy<Probe> s_probe = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>True when the driver, a device, cuBLAS and NVRTC are all usable.</summary>
        public static bool IsAvailable => s_probe.Value.Available;

        /// <summary>
        /// Empty when <see cref="IsAvailable"/>; otherwise a human-readable explanation: the step that failed, then one
        /// line per library (CUDA driver, cuBLAS, NVRTC) listing every file tried and the loader's or the library's message.
        /// </summary>
        public static string UnavailableReason => s_probe.Value.Available ? string.Empty : s_probe.Value.Report;

        /// <summary>The same per-library report as <see cref="UnavailableReason"/>, also when CUDA is available.</summary>
        public static string Diagnostics => s_probe.Value.Report;

        /// <summary>Every library load attempt, in order: driver, cuBLAS, NVRTC.</summary>
        public static IReadOnlyList<NativeLibraryAttempt> LibraryAttempts => s_probe.Value.Attempts;

        /// <summary>The driver API version (e.g. 12040 for 12.4), or 0 when no driver was loaded.</summary>
        public static int DriverVersion => s_probe.Value.DriverVersion;

        /// <summary>The number of CUDA devices, or 0 when the driver is absent or failed to initialize.</summary>
        public static int DeviceCount => s_probe.Value.DeviceCount;

        /// <summary>The cuBLAS version as cublasGetVersion reports it (e.g. 120405), or 0 when not verified.</summary>
        public static int CuBlasVersion => s_probe.Value.CuBlasVersion;

        /// <summary>Throws <see cref="CudaUnavailableException"/> unless <see cref="IsAvailable"/>.</summary>
        /// <param name="what">What needed CUDA, for the first line of the message (e.g. "a CudaContext").</param>
        public static void EnsureAvailable(string what)
        {
            if (!IsAvailable)
                throw new CudaUnavailableException($"{what} needs CUDA, which is not available on this machine.", UnavailableReason);
        }

        private sealed record Probe(bool Available, string Report, IReadOnlyList<NativeLibraryAttempt> Attempts, int DriverVersion, int DeviceCount, int CuBlasVersion);

        private static unsafe Probe Run()
        {
            var attempts = new List<NativeLibraryAttempt>();
            var lines = new List<string>();
            string? failure = null;
            int driverVersion = 0, deviceCount = 0, cublasVersion = 0;
            bool available = false;
            try
            {
                if (NativeLibraries.ResolverError is { } resolverError) failure = resolverError;

                LoadedLibrary driver = NativeLibraries.Driver;
                attempts.AddRange(driver.Attempts);
                lines.Add(driver.Describe());
                driverVersion = driver.Version;

                bool deviceOk = false;
                if (!driver.IsLoaded)
                {
                    failure ??= "no CUDA driver library could be loaded (is the NVIDIA driver installed?)";
                }
                else if (failure is null)
                {
                    Interop.CuResult init = Interop.CudaDriver.cuInit(0);
                    if (init != Interop.CuResult.CUDA_SUCCESS)
                    {
                        failure = CudaErrors.Driver(init, "cuInit").Message;
                    }
                    else
                    {
                        int count = 0;
                        Interop.CuResult counted = Interop.CudaDriver.cuDeviceGetCount(&count);
                        if (counted != Interop.CuResult.CUDA_SUCCESS) failure = CudaErrors.Driver(counted, "cuDeviceGetCount").Message;
                        else if (count == 0) failure = "the CUDA driver reports no device";
                        else { deviceCount = count; deviceOk = true; }
                    }
                }

                LoadedLibrary cublas = NativeLibraries.LoadCuBlas(verifyWithDevice: deviceOk);
                attempts.AddRange(cublas.Attempts);
                lines.Add(cublas.Describe());
                if (deviceOk && !cublas.IsLoaded) failure ??= "no cuBLAS library could be loaded and verified";
                cublasVersion = cublas.Version;

                LoadedLibrary nvrtc = NativeLibraries.Nvrtc;
                attempts.AddRange(nvrtc.Attempts);
                lines.Add(nvrtc.Describe());
                if (!nvrtc.IsLoaded) failure ??= "no NVRTC library could be loaded";

                available = failure is null && deviceOk && cublas.IsLoaded && nvrtc.IsLoaded;
            }
            catch (Exception e)
            {
                failure ??= $"probing CUDA failed: {e.GetType().Name}: {e.Message}";
                available = false;
            }

            var report = new StringBuilder();
            report.AppendLine(available
                ? $"CUDA is available: {deviceCount} device(s), driver {driverVersion / 1000}.{driverVersion % 1000 / 10}."
                : $"CUDA is unavailable: {failure?.TrimEnd('.')}.");
            foreach (string line in lines) report.AppendLine(line);
            return new Probe(available, report.ToString().TrimEnd(), attempts.ToArray(), driverVersion, deviceCount, cublasVersion);
        }
    }
}
