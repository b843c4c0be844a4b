using System;
using System.Diagnostics;
using System.IO;
using DiffGen.Generator.Tests.Infrastructure;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Users meet DiffGen as one NuGet package: `dotnet pack` it into a local folder feed, build a consumer
    /// project against it (Nullable, warnings as errors, XML docs on) and run it.
    /// </summary>
    public class PackageTests
    {
        private static (int Code, string Output) Dotnet(string args, string workDir)
        {
            var psi = new ProcessStartInfo("dotnet", args) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(6))) { p.Kill(true); return (-1, "timed out: dotnet " + args); }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }

        [Fact]
        public void PackedPackageWorksInAConsumerProject()
        {
            var root = Path.Combine(Path.GetTempPath(), "diffgen-pkg-" + Guid.NewGuid().ToString("N"));
            var feed = Path.Combine(root, "feed");
            var app = Path.Combine(root, "app");
            Directory.CreateDirectory(app);
            // A unique version so the machine-wide package cache never serves a stale build.
            var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            try
            {
                var pack = Dotnet($"pack \"{Path.Combine(Repo.Root, "runtime", "DiffGen.Runtime.csproj")}\" -c Release -o \"{feed}\" -p:Version={version}", Repo.Root);
                Assert.True(pack.Code == 0, pack.Output);
                var nupkg = Path.Combine(feed, $"DiffGen.{version}.nupkg");
                Assert.True(File.Exists(nupkg), "no package: " + pack.Output);
                using (var zip = System.IO.Compression.ZipFile.OpenRead(nupkg))
                {
                    Assert.NotNull(zip.GetEntry("analyzers/dotnet/cs/DiffGen.Generator.dll"));
                    Assert.NotNull(zip.GetEntry("lib/net10.0/DiffGen.Runtime.dll"));
                    Assert.NotNull(zip.GetEntry("build/DiffGen.props")); // makes <DiffGenCuda> visible to the generator
                }

                File.WriteAllText(Path.Combine(app, "nuget.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <add key=""local"" value=""{feed}"" />
    <add key=""nuget.org"" value=""https://api.nuget.org/v3/index.json"" />
  </packageSources>
</configuration>");
                File.WriteAllText(Path.Combine(app, "App.csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <GenerateDocumentationFile>true</GenerateDocumentationFile>
    <NoWarn>CS1591</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""DiffGen"" Version=""{version}"" />
  </ItemGroup>
</Project>");
                File.WriteAllText(Path.Combine(app, "Program.cs"), @"using System;
using DiffGen;

public static partial class Loss
{
    /// <summary>Mean squared error of a linear model.</summary>
    [Differentiable(nameof(w))]
    public static double Mse(double[,] x, double[] w, double[] y)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = 0;
            for (int k = 0; k < w.Length; k++) p += x[i, k] * w[k];
            s += (p - y[i]) * (p - y[i]);
        }
        return s / y.Length;
    }
}

public static class Program
{
    public static int Main()
    {
        var x = new double[,] { { 1, 2 }, { 3, 4 }, { 5, 7 } };
        var w = new double[] { 0.5, -0.25 };
        var y = new double[] { 1, 2, 3 };
        var g = new double[2];
        double v = Loss.MseBackward(x, w, y, g);
        double worst = 0;
        for (int k = 0; k < 2; k++)
        {
            double o = w[k];
            w[k] = o + 1e-6; double fp = Loss.Mse(x, w, y);
            w[k] = o - 1e-6; double fm = Loss.Mse(x, w, y);
            w[k] = o;
            worst = Math.Max(worst, Math.Abs((fp - fm) / 2e-6 - g[k]));
        }
        Console.WriteLine(FormattableString.Invariant($""value {v} forward {Loss.MseForward(x, w, y)} worst {worst:E2}""));
        return worst < 1e-6 && v == Loss.Mse(x, w, y) ? 0 : 1;
    }
}");
                var run = Dotnet("run", app);
                Assert.True(run.Code == 0, run.Output);
                Assert.Contains("value ", run.Output);
            }
            finally
            {
                try { Directory.Delete(root, true); } catch (IOException) { }
            }
        }
    }
}
