using System;
using System.IO;
using Xunit;

namespace DiffGen.Generator.Tests.Infrastructure
{
    /// <summary>
    /// Snapshot files with Verify's convention: the expected text lives in Snapshots/{name}.verified.txt in
    /// the repository; a mismatch (or a missing file) writes {name}.received.txt beside it and fails.
    /// To accept a change, read the diff, then move received over verified (or run with DIFFGEN_ACCEPT=1).
    /// </summary>
    public static class Snapshot
    {
        public static void Verify(string name, string actual) =>
            VerifyIn(Path.Combine(Repo.Root, "tests", "DiffGen.Generator.Tests", "Snapshots"), name, actual);

        /// <summary>The same in <paramref name="dir"/> (other test projects link this file); <paramref name="onChange"/> ends the failure message.</summary>
        public static void VerifyIn(string dir, string name, string actual, string onChange = "")
        {
            Directory.CreateDirectory(dir);
            var verified = Path.Combine(dir, name + ".verified.txt");
            var received = Path.Combine(dir, name + ".received.txt");
            actual = actual.Replace("\r\n", "\n");
            var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
            if (expected == actual)
            {
                if (File.Exists(received)) File.Delete(received);
                return;
            }
            if (Environment.GetEnvironmentVariable("DIFFGEN_ACCEPT") == "1")
            {
                File.WriteAllText(verified, actual);
                return;
            }
            File.WriteAllText(received, actual);
            Assert.Fail(expected is null
                ? $"No verified snapshot for '{name}'. Wrote {received}; review it and rename it to {Path.GetFileName(verified)}."
                : $"Snapshot '{name}' differs from {verified}. Wrote {received}; diff the two files{onChange}.");
        }
    }
}
