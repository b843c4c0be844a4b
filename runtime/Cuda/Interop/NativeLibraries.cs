using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace DiffGen.Cuda
{
    /// <summary>The outcome of loading one native library: the handle in use (0 when none) and every attempt.</summary>
    internal sealed class LoadedLibrary
    {
        internal LoadedLibrary(string displayName, nint handle, string? fileName, int version, string? versionText, IReadOnlyList<NativeLibraryAttempt> attempts)
        {
            DisplayName = displayName;
            Handle = handle;
            FileName = fileName;
            Version = version;
            VersionText = versionText;
            Attempts = attempts;
        }

        internal string DisplayName { get; }
        internal nint Handle { get; }
        internal string? FileName { get; }

        /// <summary>The library's own version number (driver: 12040; cuBLAS: 120405; NVRTC: major*1000+minor*10), 0 when unknown.</summary>
        internal int Version { get; }
        internal string? VersionText { get; }
        internal IReadOnlyList<NativeLibraryAttempt> Attempts { get; }
        internal bool IsLoaded => Handle != 0;

        /// <summary>One line: "NVRTC: libnvrtc.so.13: failed (...); libnvrtc.so.12: ok (NVRTC 12.4)".</summary>
        internal string Describe()
            => $"{DisplayName}: " + (Attempts.Count == 0 ? "not tried" : string.Join("; ", Attempts));
    }

    /// <summary>
    /// Loads the CUDA libraries by trying the candidate file names of <see cref="Interop.Libraries"/> in order
    /// (MsQuicApi style: nothing throws, every attempt is recorded) and serves the chosen handles to the
    /// <c>[LibraryImport]</c> stubs through the assembly's DllImport resolver. Candidates are checked through
    /// <see cref="NativeLibrary.GetExport"/> function pointers, never through the stubs: a stub binds once, so
    /// calling it on a candidate that is later rejected would pin the wrong library.
    /// </summary>
    internal static unsafe class NativeLibraries
    {
        internal const string DriverName = "CUDA driver";
        internal const string CuBlasName = "cuBLAS";
        internal const string NvrtcName = "NVRTC";

        private static nint s_driver;
        private static nint s_cublas;
        private static nint s_nvrtc;

        private static readonly string? s_resolverError = RegisterResolver();
        private static readonly Lazy<LoadedLibrary> s_driverLibrary = new(LoadDriver, LazyThreadSafetyMode.ExecutionAndPublication);
        private static readonly Lazy<LoadedLibrary> s_nvrtcLibrary = new(LoadNvrtc, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>Null when the resolver is registered; otherwise why the stubs cannot be bound.</summary>
        internal static string? ResolverError => s_resolverError;

        /// <summary>The CUDA driver library (loaded and version-checked only; cuInit is the caller's business).</summary>
        internal static LoadedLibrary Driver => s_driverLibrary.Value;

        /// <summary>NVRTC; prefers a version whose PTX the installed driver can load.</summary>
        internal static LoadedLibrary Nvrtc => s_nvrtcLibrary.Value;

        /// <summary>True when the stubs for <paramref name="logicalName"/> can be called.</summary>
        internal static bool IsPublished(string logicalName) => logicalName switch
        {
            Interop.Libraries.CudaDriver => Volatile.Read(ref s_driver) != 0,
            Interop.Libraries.CuBlas => Volatile.Read(ref s_cublas) != 0,
            Interop.Libraries.Nvrtc => Volatile.Read(ref s_nvrtc) != 0,
            _ => false,
        };

        private static string? RegisterResolver()
        {
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
                return null;
            }
            catch (InvalidOperationException e)
            {
                return "DiffGen.Runtime already has a DllImport resolver, so the CUDA entry points cannot be bound: " + e.Message;
            }
        }

        private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
        {
            Interop.Libraries.CudaDriver => Volatile.Read(ref s_driver),
            Interop.Libraries.CuBlas => Volatile.Read(ref s_cublas),
            Interop.Libraries.Nvrtc => Volatile.Read(ref s_nvrtc),
            _ => 0, // default probing for anything else
        };

        private enum Verdict { Accept, Fallback, Reject }

        private delegate Verdict Check(nint handle, out string message, out int version, out string? versionText);

        /// <summary>Tries each candidate; the first Accept wins, else the first Fallback, else none.</summary>
        private static LoadedLibrary LoadFirst(string displayName, string[] candidates, string[] requiredExports, Check check, Action<nint> publish)
        {
            var attempts = new List<(string File, bool Ok, string Message)>();
            nint chosen = 0, fallback = 0;
            int chosenIndex = -1, fallbackIndex = -1;
            int chosenVersion = 0, fallbackVersion = 0;
            string? chosenText = null, fallbackText = null;

            foreach (string file in candidates)
            {
                nint handle;
                try
                {
                    handle = NativeLibrary.Load(file);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    attempts.Add((file, false, ShortLoaderMessage(e)));
                    continue;
                }

                string? missing = null;
                foreach (string export in requiredExports)
                {
                    if (!NativeLibrary.TryGetExport(handle, export, out _)) { missing = export; break; }
                }
                if (missing is not null)
                {
                    NativeLibrary.Free(handle);
                    attempts.Add((file, false, $"loaded, but it has no export '{missing}'"));
                    continue;
                }

                Verdict verdict;
                string message;
                int version;
                string? versionText;
                try
                {
                    verdict = check(handle, out message, out version, out versionText);
                }
                catch (Exception e)
                {
                    verdict = Verdict.Reject;
                    message = "check failed: " + e.Message;
                    version = 0;
                    versionText = null;
                }

                if (verdict == Verdict.Accept)
                {
                    attempts.Add((file, true, message));
                    chosen = handle; chosenIndex = attempts.Count - 1; chosenVersion = version; chosenText = versionText;
                    break;
                }
                if (verdict == Verdict.Fallback && fallback == 0)
                {
                    attempts.Add((file, false, message));
                    fallback = handle; fallbackIndex = attempts.Count - 1; fallbackVersion = version; fallbackText = versionText;
                    continue;
                }
                NativeLibrary.Free(handle);
                attempts.Add((file, false, message));
            }

            if (chosen == 0 && fallback != 0)
            {
                chosen = fallback; chosenIndex = fallbackIndex; chosenVersion = fallbackVersion; chosenText = fallbackText;
                attempts[fallbackIndex] = (attempts[fallbackIndex].File, true, attempts[fallbackIndex].Message + "; used anyway, no better candidate");
            }
            else if (fallback != 0)
            {
                NativeLibrary.Free(fallback);
            }

            var records = new NativeLibraryAttempt[attempts.Count];
            for (int i = 0; i < attempts.Count; i++)
                records[i] = new NativeLibraryAttempt(displayName, attempts[i].File, attempts[i].Ok, attempts[i].Message);

            if (chosen != 0 && s_resolverError is null) publish(chosen);
            return new LoadedLibrary(displayName, chosen, chosenIndex >= 0 ? attempts[chosenIndex].File : null, chosenVersion, chosenText, records);
        }

        /// <summary>The OS loader's own words: the last line of the DllNotFoundException message (dlerror on Unix).</summary>
        internal static string ShortLoaderMessage(Exception e)
        {
            string[] lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? e.GetType().Name : lines[^1];
        }

        private static LoadedLibrary LoadDriver()
            => LoadFirst(DriverName, Interop.Libraries.CudaDriverCandidates, Interop.CudaDriver.RequiredExports, CheckDriver,
                h => Volatile.Write(ref s_driver, h));

        private static Verdict CheckDriver(nint handle, out string message, out int version, out string? versionText)
        {
            var getVersion = (delegate* unmanaged<int*, Interop.CuResult>)NativeLibrary.GetExport(handle, "cuDriverGetVersion");
            int v = 0;
            Interop.CuResult status = getVersion(&v);
            if (status != Interop.CuResult.CUDA_SUCCESS)
            {
                message = $"loaded, but cuDriverGetVersion returned {status} ({(int)status})";
                version = 0;
                versionText = null;
                return Verdict.Reject;
            }
            version = v;
            versionText = $"{v / 1000}.{v % 1000 / 10}";
            message = $"driver API {versionText}";
            return Verdict.Accept;
        }

        /// <summary>
        /// Loads cuBLAS. With <paramref name="verifyWithDevice"/> each candidate must create and destroy a handle
        /// (ILGPU-style: a cuBLAS newer than the driver fails there and the next one is tried). Without a device
        /// the first loadable file is only reported, never used.
        /// </summary>
        internal static LoadedLibrary LoadCuBlas(bool verifyWithDevice)
        {
            if (verifyWithDevice)
            {
                return LoadFirst(CuBlasName, Interop.Libraries.CuBlasCandidates, Interop.CuBlas.RequiredExports, CheckCuBlas,
                    h => Volatile.Write(ref s_cublas, h));
            }

            return LoadFirst(CuBlasName, Interop.Libraries.CuBlasCandidates, Interop.CuBlas.RequiredExports,
                (nint handle, out string message, out int version, out string? versionText) =>
                {
                    message = "loaded, not verified or used: there is no usable CUDA device to create a cuBLAS handle on";
                    version = 0;
                    versionText = null;
                    return Verdict.Reject; // reported, never published
                },
                _ => { });
        }

        private static Verdict CheckCuBlas(nint handle, out string message, out int version, out string? versionText)
        {
            var create = (delegate* unmanaged<nint*, Interop.CublasStatus>)NativeLibrary.GetExport(handle, "cublasCreate_v2");
            var destroy = (delegate* unmanaged<nint, Interop.CublasStatus>)NativeLibrary.GetExport(handle, "cublasDestroy_v2");
            var getVersion = (delegate* unmanaged<nint, int*, Interop.CublasStatus>)NativeLibrary.GetExport(handle, "cublasGetVersion_v2");
            nint blas = 0;
            Interop.CublasStatus status = create(&blas);
            if (status != Interop.CublasStatus.CUBLAS_STATUS_SUCCESS)
            {
                message = $"loaded, but cublasCreate_v2 returned {CudaErrors.CuBlasName((int)status)} ({(int)status})";
                version = 0;
                versionText = null;
                return Verdict.Reject;
            }
            int v = 0;
            getVersion(blas, &v);
            destroy(blas);
            version = v;
            versionText = v >= 10000 ? $"{v / 10000}.{v % 10000 / 100}.{v % 100}" : $"{v / 1000}.{v % 1000 / 100}.{v % 100}";
            message = $"cuBLAS {versionText}, create/destroy ok";
            return Verdict.Accept;
        }

        private static LoadedLibrary LoadNvrtc()
        {
            // A newer NVRTC emits PTX an older driver cannot JIT (CUDA_ERROR_UNSUPPORTED_PTX_VERSION), so when the
            // driver is present prefer an NVRTC whose major version does not exceed the driver's.
            int driverMajor = 0;
            try
            {
                LoadedLibrary driver = Driver;
                if (driver.IsLoaded) driverMajor = driver.Version / 1000;
            }
            catch (Exception)
            {
                driverMajor = 0;
            }

            return LoadFirst(NvrtcName, Interop.Libraries.NvrtcCandidates, Interop.Nvrtc.RequiredExports,
                (nint handle, out string message, out int version, out string? versionText) =>
                {
                    var nvrtcVersion = (delegate* unmanaged<int*, int*, Interop.NvrtcResult>)NativeLibrary.GetExport(handle, "nvrtcVersion");
                    int major = 0, minor = 0;
                    Interop.NvrtcResult status = nvrtcVersion(&major, &minor);
                    if (status != Interop.NvrtcResult.NVRTC_SUCCESS)
                    {
                        message = $"loaded, but nvrtcVersion returned {status}";
                        version = 0;
                        versionText = null;
                        return Verdict.Reject;
                    }
                    version = major * 1000 + minor * 10;
                    versionText = $"{major}.{minor}";
                    if (driverMajor > 0 && major > driverMajor)
                    {
                        message = $"NVRTC {versionText} is newer than the CUDA {driverMajor} driver, whose JIT may reject its PTX";
                        return Verdict.Fallback;
                    }
                    message = $"NVRTC {versionText}";
                    return Verdict.Accept;
                },
                h => Volatile.Write(ref s_nvrtc, h));
        }
    }
}
