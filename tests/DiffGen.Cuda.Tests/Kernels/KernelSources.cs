using System.Collections.Generic;

namespace DiffGen.Cuda.Tests.Kernels
{
    /// <summary>A hand-written kernel source: a name, the CUDA C++ text, and its <c>extern "C"</c> entry points.</summary>
    public sealed class KernelSource
    {
        internal KernelSource(string name, string source, params string[] entryPoints)
        {
            Name = name;
            Source = source;
            EntryPoints = entryPoints;
        }

        /// <summary>A file-like name for NVRTC diagnostics, e.g. <c>row_reductions.cu</c>.</summary>
        public string Name { get; }

        /// <summary>The CUDA C++ source (prelude included).</summary>
        public string Source { get; }

        /// <summary>The kernels it defines.</summary>
        public IReadOnlyList<string> EntryPoints { get; }

        /// <summary>The name.</summary>
        public override string ToString() => Name;
    }

    /// <summary>Every hand-written kernel source of these tests (each is compiled with NVRTC; they exercise the CUDA layer without generated code).</summary>
    public static class KernelSources
    {
        /// <summary>The sources, in a fixed order.</summary>
        public static IReadOnlyList<KernelSource> All { get; } =
        [
            new("elementwise.cu", ElementwiseKernels.Source,
                ElementwiseKernels.AxpbyFloat, ElementwiseKernels.AxpbyDouble, ElementwiseKernels.ScaledExpFloat, ElementwiseKernels.ScaledExpDouble),
            new("row_reductions.cu", RowReductionKernels.Source,
                RowReductionKernels.RowSumFloat, RowReductionKernels.RowSumDouble, RowReductionKernels.RowMaxFloat,
                RowReductionKernels.RowMaxDouble, RowReductionKernels.RowLogSumExpFloat, RowReductionKernels.RowLogSumExpDouble),
            new("ntxent_denominator.cu", NtXentKernels.Source,
                NtXentKernels.MaskedRowLogSumExpFloat, NtXentKernels.MaskedRowLogSumExpDouble),
        ];
    }
}
