namespace DiffGen.Cuda
{
    /// <summary>One try at loading a native CUDA library: which file, and what happened.</summary>
    public sealed class NativeLibraryAttempt
    {
        internal NativeLibraryAttempt(string library, string fileName, bool succeeded, string message)
        {
            Library = library;
            FileName = fileName;
            Succeeded = succeeded;
            Message = message;
        }

        /// <summary>The library this file would provide: "CUDA driver", "cuBLAS" or "NVRTC".</summary>
        public string Library { get; }

        /// <summary>The file name passed to the operating system loader, e.g. <c>libcuda.so.1</c>.</summary>
        public string FileName { get; }

        /// <summary>True when this file was loaded, passed its checks and is the one in use.</summary>
        public bool Succeeded { get; }

        /// <summary>What happened: the loader's error, a missing export, a failed check, or the version found.</summary>
        public string Message { get; }

        /// <summary>"file: ok (message)" or "file: failed (message)".</summary>
        public override string ToString() => $"{FileName}: {(Succeeded ? "ok" : "failed")} ({Message})";
    }
}
