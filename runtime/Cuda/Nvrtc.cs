using System;
using System.Collections.Generic;
using System.Threading;

namespace DiffGen.Cuda
{
    /// <summary>
    /// Whether NVRTC, the runtime CUDA C++ compiler, can be loaded. NVRTC needs no GPU, so this is separate from
    /// <see cref="CudaEnvironment.IsAvailable"/>: kernels can be compiled to PTX (and tested) on any machine that has it.
    /// </summary>
    internal static class Nvrtc
    {
        private static readonly Lazy<State> s_state = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>True when an NVRTC library was loaded.</summary>
        public static bool IsAvailable => s_state.Value.Library?.IsLoaded == true;

        /// <summary>Empty when available; otherwise every NVRTC file tried and why it failed, and how to install one.</summary>
        public static string UnavailableReason => IsAvailable ? string.Empty : s_state.Value.Report;

        /// <summary>The file in use (e.g. <c>libnvrtc.so.11.2</c>), or null.</summary>
        public static string? LibraryFileName => s_state.Value.Library?.FileName;

        /// <summary>The NVRTC version (nvrtcVersion), or null when unavailable.</summary>
        public static Version? Version => s_state.Value.Version;

        /// <summary>Every NVRTC load attempt, in order.</summary>
        public static IReadOnlyList<NativeLibraryAttempt> LibraryAttempts => s_state.Value.Library?.Attempts ?? Array.Empty<NativeLibraryAttempt>();

        /// <summary>
        /// The virtual architectures this NVRTC compiles for, as numbers (70 = compute_70), ascending; from
        /// nvrtcGetSupportedArchs (NVRTC 11.2+). Empty when unavailable.
        /// </summary>
        public static IReadOnlyList<int> SupportedArchitectures => s_state.Value.Architectures;

        /// <summary>Throws <see cref="CudaUnavailableException"/> unless <see cref="IsAvailable"/>.</summary>
        public static void EnsureAvailable()
        {
            if (!IsAvailable)
                throw new CudaUnavailableException("NVRTC (the CUDA runtime compiler) is not available on this machine.", UnavailableReason);
        }

        /// <summary>
        /// The highest supported architecture not above <paramref name="wanted"/> (PTX for an older virtual
        /// architecture is JIT-compiled forward by the driver); <paramref name="wanted"/> itself when the list is unknown.
        /// </summary>
        /// <param name="wanted">An architecture number such as 90 for compute_90.</param>
        public static int ClosestSupportedArchitecture(int wanted)
        {
            IReadOnlyList<int> archs = SupportedArchitectures;
            if (archs.Count == 0) return wanted;
            int best = -1;
            foreach (int a in archs)
                if (a <= wanted && a > best) best = a;
            return best >= 0 ? best : archs[0];
        }

        private sealed record State(LoadedLibrary? Library, Version? Version, IReadOnlyList<int> Architectures, string Report);

        private static unsafe State Load()
        {
            try
            {
                LoadedLibrary library = NativeLibraries.Nvrtc;
                string report = library.Describe();
                if (NativeLibraries.ResolverError is { } resolverError)
                    return new State(null, null, Array.Empty<int>(), "NVRTC is unavailable: " + resolverError + Environment.NewLine + report);
                if (!library.IsLoaded)
                {
                    return new State(library, null, Array.Empty<int>(),
                        "NVRTC is unavailable: no NVRTC library could be loaded." + Environment.NewLine + report + Environment.NewLine +
                        "Install the CUDA toolkit's NVRTC, e.g. on Debian 12 add the 'non-free' component to the apt sources and run 'apt-get install libnvrtc11.2'.");
                }

                int major = 0, minor = 0;
                CudaErrors.Check(Interop.Nvrtc.nvrtcVersion(&major, &minor), "nvrtcVersion");
                var archs = new List<int>();
                if (System.Runtime.InteropServices.NativeLibrary.TryGetExport(library.Handle, "nvrtcGetSupportedArchs", out _) &&
                    System.Runtime.InteropServices.NativeLibrary.TryGetExport(library.Handle, "nvrtcGetNumSupportedArchs", out _))
                {
                    int count = 0;
                    CudaErrors.Check(Interop.Nvrtc.nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
                    if (count > 0)
                    {
                        int[] buffer = new int[count];
                        fixed (int* p = buffer) CudaErrors.Check(Interop.Nvrtc.nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
                        archs.AddRange(buffer);
                        archs.Sort();
                    }
                }
                return new State(library, new Version(major, minor), archs.ToArray(), report);
            }
            catch (Exception e)
            {
                return new State(null, null, Array.Empty<int>(), $"NVRTC is unavailable: loading it failed: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
