using System.IO;
using System.Runtime.CompilerServices;

namespace DiffGen.Generator.Tests.Infrastructure
{
    public static class Repo
    {
        /// <summary>The repository root, found from this source file's path (tests read corpus files and write snapshots there).</summary>
        public static string Root { get; } = Find();

        private static string Find([CallerFilePath] string file = "") =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", ".."));
    }
}
