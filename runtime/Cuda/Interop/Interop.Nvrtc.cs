using System.Runtime.InteropServices;

namespace DiffGen.Cuda
{
    internal static partial class Interop
    {
        /// <summary>NVRTC (nvrtc.h). nvrtcProgram is its SafeHandle (raw <see cref="nint"/> only to create and destroy), strings are NUL-terminated UTF-8.</summary>
        internal static unsafe partial class Nvrtc
        {
            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcVersion(int* major, int* minor);

            /// <summary>11.2+; optional (checked with <see cref="OptionalExports"/> before use).</summary>
            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetNumSupportedArchs(int* count);

            /// <summary>11.2+; fills <paramref name="archs"/> with e.g. 70, 75, 80, 90 (sm numbers).</summary>
            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetSupportedArchs(int* archs);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcCreateProgram(
                nint* program, byte* source, byte* name, int numHeaders, byte** headers, byte** includeNames);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcCompileProgram(NvrtcProgramHandle program, int numOptions, byte** options);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetPTXSize(NvrtcProgramHandle program, nuint* size);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetPTX(NvrtcProgramHandle program, byte* ptx);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetProgramLogSize(NvrtcProgramHandle program, nuint* size);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcGetProgramLog(NvrtcProgramHandle program, byte* log);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial NvrtcResult nvrtcDestroyProgram(nint* program);

            [LibraryImport(Libraries.Nvrtc)]
            internal static partial byte* nvrtcGetErrorString(NvrtcResult result);

            /// <summary>Every required export; the loader rejects a candidate that lacks one.</summary>
            internal static readonly string[] RequiredExports =
            [
                "nvrtcVersion", "nvrtcCreateProgram", "nvrtcCompileProgram", "nvrtcGetPTXSize", "nvrtcGetPTX",
                "nvrtcGetProgramLogSize", "nvrtcGetProgramLog", "nvrtcDestroyProgram", "nvrtcGetErrorString",
            ];

            /// <summary>Exports used only when present.</summary>
            internal static readonly string[] OptionalExports = ["nvrtcGetNumSupportedArchs", "nvrtcGetSupportedArchs"];
        }
    }
}
