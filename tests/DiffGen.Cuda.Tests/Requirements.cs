using System;
using Xunit;

namespace DiffGen.Cuda.Tests
{
    /// <summary>
    /// What the NVRTC tests need, decided at discovery. xunit 2 has no dynamic skip, so the attributes below set
    /// Skip in their constructors: NVRTC missing → skipped with install instructions, unless CI=true, where the
    /// test runs and fails through <see cref="RequireNvrtc"/> (a CI image without NVRTC is a broken image).
    /// </summary>
    internal static class Requirements
    {
        internal const string InstallHint =
            "Install NVRTC: on Debian 12 add 'non-free' to the Components line(s) of /etc/apt/sources.list.d/debian.sources " +
            "(or to /etc/apt/sources.list), then run 'apt-get update && apt-get install -y libnvrtc11.2' " +
            "(it installs /usr/lib/x86_64-linux-gnu/libnvrtc.so.11.2, NVRTC 11.8). Elsewhere install the CUDA toolkit's NVRTC.";

        internal static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

        internal static string? NvrtcSkipReason
            => Nvrtc.IsAvailable || IsCi ? null : "NVRTC is not installed, so kernel compilation is not tested. " + InstallHint;

        internal static void RequireNvrtc()
        {
            if (!Nvrtc.IsAvailable)
                Assert.Fail("CI=true and NVRTC is not installed; the kernel sources cannot be compiled. " + InstallHint + Environment.NewLine + Nvrtc.UnavailableReason);
        }

        internal static string? GpuSkipReason
            => CudaEnvironment.IsAvailable ? null : "No usable CUDA GPU on this machine: " + CudaEnvironment.UnavailableReason;

        internal static string? NoGpuSkipReason
            => CudaEnvironment.IsAvailable ? "This machine has a usable CUDA GPU; the absent-library path cannot be observed here." : null;
    }

    /// <summary>A fact that needs NVRTC (skips without it, fails without it when CI=true).</summary>
    public sealed class NvrtcFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when NVRTC is absent and CI is not "true".</summary>
        public NvrtcFactAttribute()
        {
            if (Requirements.NvrtcSkipReason is { } reason) Skip = reason;
        }
    }

    /// <summary>A theory that needs NVRTC (skips without it, fails without it when CI=true).</summary>
    public sealed class NvrtcTheoryAttribute : TheoryAttribute
    {
        /// <summary>Sets Skip when NVRTC is absent and CI is not "true".</summary>
        public NvrtcTheoryAttribute()
        {
            if (Requirements.NvrtcSkipReason is { } reason) Skip = reason;
        }
    }

    /// <summary>A fact that needs a CUDA device (skips without one).</summary>
    public sealed class GpuFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when CUDA is unavailable.</summary>
        public GpuFactAttribute()
        {
            if (Requirements.GpuSkipReason is { } reason) Skip = reason;
        }
    }

    /// <summary>A theory that needs a CUDA device (skips without one).</summary>
    public sealed class GpuTheoryAttribute : TheoryAttribute
    {
        /// <summary>Sets Skip when CUDA is unavailable.</summary>
        public GpuTheoryAttribute()
        {
            if (Requirements.GpuSkipReason is { } reason) Skip = reason;
        }
    }

    /// <summary>A fact about the GPU-less path (skips on a machine where CUDA works).</summary>
    public sealed class NoGpuFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when CUDA is available.</summary>
        public NoGpuFactAttribute()
        {
            if (Requirements.NoGpuSkipReason is { } reason) Skip = reason;
        }
    }
}
