using System.IO;
using System.Text.RegularExpressions;
using DiffGen.Generator.Emit;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Generated code's [GeneratedCode("DiffGen", version)] names the package version (one constant in the generator).</summary>
    public class VersionTests
    {
        [Fact]
        public void Generated_code_names_the_package_version()
        {
            string props = File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props"));
            var m = Regex.Match(props, "<Version>([^<]+)</Version>");
            Assert.True(m.Success, "Directory.Build.props has no <Version>");
            Assert.Equal(DifferentiableEmitter.Version, m.Groups[1].Value);
            Assert.Contains($"\"{DifferentiableEmitter.Version}\"", DifferentiableEmitter.GeneratedCode);
        }
    }
}
