using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace DiffGen.Cuda
{
    /// <summary>The result of an NVRTC compilation: PTX text and the compiler's log (empty when it had nothing to say).</summary>
    internal sealed class PtxCompilation
    {
        internal PtxCompilation(string name, string architecture, string ptx, string log)
        {
            Name = name;
            Architecture = architecture;
            Ptx = ptx;
            Log = log;
        }

        /// <summary>The program name given to NVRTC (used in its diagnostics).</summary>
        public string Name { get; }

        /// <summary>The virtual architecture compiled for, e.g. <c>compute_70</c>.</summary>
        public string Architecture { get; }

        /// <summary>The PTX text, without the terminating NUL.</summary>
        public string Ptx { get; }

        /// <summary>NVRTC's log: warnings and remarks; empty for a clean compile.</summary>
        public string Log { get; }
    }

    /// <summary>Compiles CUDA C++ source to PTX with NVRTC. Works without a GPU; needs only the NVRTC library.</summary>
    internal static partial class NvrtcCompiler
    {
        [GeneratedRegex(@"^(compute|sm)_[0-9]{2,3}[a-z]?$", RegexOptions.CultureInvariant)]
        private static partial Regex ArchitecturePattern();

        /// <summary>
        /// Compiles <paramref name="source"/> for <paramref name="arch"/>. Throws <see cref="CudaException"/> with
        /// NVRTC's log when compilation fails, and <see cref="CudaUnavailableException"/> when NVRTC is absent.
        /// </summary>
        /// <param name="source">CUDA C++ source; kernels should be <c>extern "C" __global__</c> so their names are not mangled.</param>
        /// <param name="name">The program name, e.g. <c>row_reduce.cu</c>.</param>
        /// <param name="arch">A virtual architecture such as <c>compute_70</c> (or a real one such as <c>sm_90</c>).</param>
        public static PtxCompilation CompileToPtx(string source, string name, string arch)
            => CompileToPtx(source, name, arch, Array.Empty<string>());

        /// <summary>As <see cref="CompileToPtx(string, string, string)"/>, with extra NVRTC options (e.g. <c>-lineinfo</c>).</summary>
        /// <param name="source">CUDA C++ source.</param>
        /// <param name="name">The program name.</param>
        /// <param name="arch">A virtual architecture such as <c>compute_70</c>.</param>
        /// <param name="options">Options passed after <c>--gpu-architecture</c>.</param>
        public static unsafe PtxCompilation CompileToPtx(string source, string name, string arch, IReadOnlyList<string> options)
        {
            ArgumentNullException.ThrowIfNull(source);
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(options);
            if (arch is null || !ArchitecturePattern().IsMatch(arch))
                throw new ArgumentException($"'{arch}' is not a CUDA architecture; expected e.g. 'compute_70' or 'sm_90'.", nameof(arch));
            Nvrtc.EnsureAvailable();

            string detail = $"program '{name}', {arch}";
            using NvrtcProgramHandle p = NvrtcProgramHandle.Create(source, name);

            var all = new List<string>(options.Count + 1) { "--gpu-architecture=" + arch };
            all.AddRange(options);
            byte[][] encoded = new byte[all.Count][];
            for (int i = 0; i < all.Count; i++) encoded[i] = Encoding.UTF8.GetBytes(all[i] + "\0");

            Interop.NvrtcResult status = Compile(p, encoded);
            string log = ReadLog(p);
            CudaErrors.Check(status, "nvrtcCompileProgram", detail, log);

            nuint size = 0;
            CudaErrors.Check(Interop.Nvrtc.nvrtcGetPTXSize(p, &size), "nvrtcGetPTXSize", detail);
            byte[] ptx = new byte[(int)size];
            fixed (byte* b = ptx) CudaErrors.Check(Interop.Nvrtc.nvrtcGetPTX(p, b), "nvrtcGetPTX", detail);
            return new PtxCompilation(name, arch, Utf8WithoutNul(ptx), log);
        }

        private static unsafe Interop.NvrtcResult Compile(NvrtcProgramHandle program, byte[][] options)
        {
            var handles = new System.Runtime.InteropServices.GCHandle[options.Length];
            byte** pointers = stackalloc byte*[options.Length];
            try
            {
                for (int i = 0; i < options.Length; i++)
                {
                    handles[i] = System.Runtime.InteropServices.GCHandle.Alloc(options[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                    pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                }
                return Interop.Nvrtc.nvrtcCompileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var h in handles) if (h.IsAllocated) h.Free();
            }
        }

        private static unsafe string ReadLog(NvrtcProgramHandle program)
        {
            nuint size = 0;
            if (Interop.Nvrtc.nvrtcGetProgramLogSize(program, &size) != Interop.NvrtcResult.NVRTC_SUCCESS || size <= 1) return string.Empty;
            byte[] log = new byte[(int)size];
            fixed (byte* b = log)
                if (Interop.Nvrtc.nvrtcGetProgramLog(program, b) != Interop.NvrtcResult.NVRTC_SUCCESS) return string.Empty;
            return Utf8WithoutNul(log).TrimEnd();
        }

        private static string Utf8WithoutNul(byte[] bytes)
        {
            int length = Array.IndexOf(bytes, (byte)0);
            return Encoding.UTF8.GetString(bytes, 0, length < 0 ? bytes.Length : length);
        }
    }
}
