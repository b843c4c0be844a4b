using System;
using DiffGen.Cuda;
using Xunit;

namespace DiffGen.Tests.Device
{
    /// <summary>NVRTC and g++ requirements of the device tests (decided at discovery: xunit 2 has no dynamic skip).</summary>
    internal static class DeviceRequirements
    {
        internal const string NvrtcHint =
            "Install NVRTC: on Debian 12 add 'non-free' to the Components of /etc/apt/sources.list.d/debian.sources, then " +
            "'apt-get update && apt-get install -y libnvrtc11.2'. Elsewhere install the CUDA toolkit's NVRTC. (.ci/run does this.)";

        internal static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

        /// <summary>Skip without NVRTC, except under CI=true, where the test runs and fails.</summary>
        internal static string? NvrtcSkip => Nvrtc.IsAvailable || IsCi ? null : "NVRTC is not installed, so the generated kernels are not compiled. " + NvrtcHint;

        internal static string? GxxSkip => EmulatedDevice.Compiler is not null || IsCi ? null : "g++ is not on PATH, so the generated kernels are not run under the CPU emulation (apt-get install g++).";
    }

    /// <summary>A theory that needs NVRTC.</summary>
    public sealed class NvrtcTheoryAttribute : TheoryAttribute
    {
        /// <summary>Sets Skip when NVRTC is absent and CI is not "true".</summary>
        public NvrtcTheoryAttribute()
        {
            if (DeviceRequirements.NvrtcSkip is { } s) Skip = s;
        }
    }

    /// <summary>A fact that needs NVRTC.</summary>
    public sealed class NvrtcFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when NVRTC is absent and CI is not "true".</summary>
        public NvrtcFactAttribute()
        {
            if (DeviceRequirements.NvrtcSkip is { } s) Skip = s;
        }
    }

    /// <summary>A theory that needs g++ (C++20).</summary>
    public sealed class GxxTheoryAttribute : TheoryAttribute
    {
        /// <summary>Sets Skip when g++ is absent and CI is not "true".</summary>
        public GxxTheoryAttribute()
        {
            if (DeviceRequirements.GxxSkip is { } s) Skip = s;
        }
    }

    /// <summary>A fact that needs g++ (C++20).</summary>
    public sealed class GxxFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when g++ is absent and CI is not "true".</summary>
        public GxxFactAttribute()
        {
            if (DeviceRequirements.GxxSkip is { } s) Skip = s;
        }
    }
}
