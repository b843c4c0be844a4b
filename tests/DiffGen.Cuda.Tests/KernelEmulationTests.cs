using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DiffGen.Cuda.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Cuda.Tests
{
    /// <summary>A fact that needs g++ with C++20 (std::barrier); skips without it.</summary>
    public sealed class GxxFactAttribute : FactAttribute
    {
        /// <summary>Sets Skip when g++ is not on PATH.</summary>
        public GxxFactAttribute()
        {
            if (KernelEmulation.Compiler is null) Skip = "g++ is not on PATH, so the kernel sources are not run under the CPU emulation (apt-get install g++).";
        }
    }

    /// <summary>
    /// Compiles a kernel source as plain C++ with Emulation/cuda_emulation.h (one std::thread per CUDA thread, barriers
    /// for __syncthreads and warp shuffles) plus a generated main() that launches the kernels on literal inputs and
    /// prints the outputs, so that what the CUDA C computes can be checked against C# without a GPU.
    /// </summary>
    internal static class KernelEmulation
    {
        internal static readonly string? Compiler = FindOnPath("g++");

        private static string? FindOnPath(string name)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        internal static string Literal(double v)
            => double.IsNaN(v) ? "NAN"
            : double.IsPositiveInfinity(v) ? "INFINITY"
            : double.IsNegativeInfinity(v) ? "-INFINITY"
            : v.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A std::vector of <paramref name="type"/> holding <paramref name="values"/> exactly (floats are passed as their exact double value).</summary>
        internal static string Vector(string type, string name, IEnumerable<double> values)
            => $"std::vector<{type}> {name} = {{{string.Join(", ", values.Select(Literal))}}};";

        /// <summary>Prints vector <paramref name="name"/> under the heading <paramref name="caseName"/>.</summary>
        internal static string Print(string caseName, string name)
            => $"std::printf(\"case {caseName}\\n\"); for (auto v : {name}) std::printf(\"%.17g\\n\", (double)v);";

        /// <summary>Builds and runs; returns the printed vectors by case name.</summary>
        internal static Dictionary<string, double[]> Run(ITestOutputHelper output, string kernelSource, IEnumerable<string> mainStatements)
        {
            string dir = Path.Combine(Path.GetTempPath(), "diffgen-emu-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.Copy(Path.Combine(AppContext.BaseDirectory, "Emulation", "cuda_emulation.h"), Path.Combine(dir, "cuda_emulation.h"));
                File.WriteAllText(Path.Combine(dir, "kernel.cu"), kernelSource);
                var main = new StringBuilder();
                main.AppendLine("#include \"cuda_emulation.h\"");
                main.AppendLine("#include \"kernel.cu\"");
                main.AppendLine("#include <cstdio>");
                main.AppendLine("int main()");
                main.AppendLine("{");
                foreach (string statement in mainStatements) main.Append("    { ").Append(statement).AppendLine(" }");
                main.AppendLine("    return 0;");
                main.AppendLine("}");
                File.WriteAllText(Path.Combine(dir, "main.cpp"), main.ToString());

                string exe = Path.Combine(dir, "main");
                (int rc, string stdout, string stderr) = Exec(Compiler!, $"-std=c++20 -O1 -pthread -Wall -Wextra -o \"{exe}\" \"{Path.Combine(dir, "main.cpp")}\"", dir);
                if (stderr.Length > 0) output.WriteLine("g++: " + stderr);
                Assert.True(rc == 0, $"g++ failed ({rc}):\n{stderr}\n{stdout}");
                Assert.DoesNotContain("warning", stderr, StringComparison.OrdinalIgnoreCase);

                (rc, stdout, stderr) = Exec(exe, "", dir);
                Assert.True(rc == 0, $"the emulated kernels failed ({rc}):\n{stderr}");
                return ParseOutput(stdout);
            }
            finally
            {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        private static (int, string, string) Exec(string file, string arguments, string workingDirectory)
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = stderrTask.GetAwaiter().GetResult();
            if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{file} ran over 120 s"); }
            return (process.ExitCode, stdout, stderr.Trim());
        }

        private static Dictionary<string, double[]> ParseOutput(string stdout)
        {
            var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
            string? current = null;
            var values = new List<double>();
            foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.StartsWith("case ", StringComparison.Ordinal))
                {
                    if (current is not null) result[current] = values.ToArray();
                    current = line["case ".Length..];
                    values.Clear();
                    continue;
                }
                values.Add(line switch
                {
                    "inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    "nan" or "-nan" => double.NaN,
                    _ => double.Parse(line, NumberStyles.Float, CultureInfo.InvariantCulture),
                });
            }
            if (current is not null) result[current] = values.ToArray();
            return result;
        }

        /// <summary>Equal within a relative tolerance; infinities must match exactly, NaN must meet NaN.</summary>
        internal static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i], a = actual[i];
                bool ok = double.IsNaN(e) ? double.IsNaN(a)
                    : double.IsInfinity(e) ? e == a
                    : Math.Abs(e - a) <= tolerance * Math.Max(1.0, Math.Abs(e));
                Assert.True(ok, $"{what}[{i}]: expected {e:R}, got {a:R}");
            }
        }
    }

    /// <summary>The hand-written kernels, run under the CPU emulation, compute what their documentation says.</summary>
    public sealed class KernelEmulationTests(ITestOutputHelper output)
    {
        private static double[] Random(int n, int seed, double scale, bool asFloat)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, n).Select(_ =>
            {
                double v = (rng.NextDouble() * 2 - 1) * scale;
                return asFloat ? (double)(float)v : v;
            }).ToArray();
        }

        private static double LogSumExp(IReadOnlyList<double> row)
        {
            if (row.Count == 0) return double.NegativeInfinity;
            if (row.Any(double.IsNaN)) return double.NaN;
            double max = row.Max();
            if (double.IsInfinity(max)) return max;
            return max + Math.Log(row.Sum(v => Math.Exp(v - max)));
        }

        private static double Max(IReadOnlyList<double> row)
            => row.Count == 0 ? double.NegativeInfinity : row.Any(double.IsNaN) ? double.NaN : row.Max();

        [GxxFact]
        public void Elementwise_maps_compute_axpby_and_scaled_exp()
        {
            const int n = 1000;
            var statements = new List<string>();
            var expected = new Dictionary<string, double[]>();
            foreach ((string type, string suffix, bool isFloat) in new[] { ("float", "f32", true), ("double", "f64", false) })
            {
                double[] x = Random(n, 1, 3, isFloat), y = Random(n, 2, 3, isFloat);
                double a = isFloat ? (float)0.75 : 0.75, b = isFloat ? (float)-1.25 : -1.25, scale = isFloat ? (float)1.5 : 1.5, shift = isFloat ? (float)0.5 : 0.5;
                // 3 blocks of 128 threads cover 384 < 1000 elements: the grid-stride loop must do the rest.
                statements.Add(KernelEmulation.Vector(type, "x", x) + KernelEmulation.Vector(type, "y", y) + $"std::vector<{type}> out({n});" +
                    $"diffgen_emu_launch(3, 128, [&] {{ diffgen_map_axpby_{suffix}(x.data(), y.data(), out.data(), {KernelEmulation.Literal(a)}, {KernelEmulation.Literal(b)}, {n}); }});" +
                    KernelEmulation.Print("axpby_" + suffix, "out"));
                expected["axpby_" + suffix] = x.Zip(y, (xi, yi) => a * xi + b * yi).ToArray();
                statements.Add(KernelEmulation.Vector(type, "x", x) + $"std::vector<{type}> out({n});" +
                    $"diffgen_emu_launch(2, 96, [&] {{ diffgen_map_scaled_exp_{suffix}(x.data(), out.data(), {KernelEmulation.Literal(scale)}, {KernelEmulation.Literal(shift)}, {n}); }});" +
                    KernelEmulation.Print("scaled_exp_" + suffix, "out"));
                expected["scaled_exp_" + suffix] = x.Select(xi => Math.Exp(scale * xi - shift)).ToArray();
            }

            Dictionary<string, double[]> actual = KernelEmulation.Run(output, ElementwiseKernels.Source, statements);
            foreach ((string name, double[] values) in expected)
                KernelEmulation.AssertClose(values, actual[name], name.EndsWith("f32", StringComparison.Ordinal) ? 1e-6 : 1e-14, name);
        }

        public static IEnumerable<(int Rows, int Cols, int Grid, int Block)> ReductionShapes()
        {
            yield return (1, 1, 1, 32);
            yield return (5, 33, 5, 32);     // one warp, a ragged last stride
            yield return (7, 1000, 3, 256);  // grid-stride over rows, 8 warps
            yield return (4, 70, 4, 1024);   // more threads than columns: idle lanes feed identities
            yield return (2, 0, 2, 64);      // empty rows
        }

        [GxxFact]
        public void Row_reductions_compute_sum_max_and_stable_logsumexp()
        {
            var statements = new List<string>();
            var expected = new Dictionary<string, double[]>();
            int shapeIndex = 0;
            foreach ((int rows, int cols, int grid, int block) in ReductionShapes())
            {
                foreach ((string type, string suffix, bool isFloat) in new[] { ("float", "f32", true), ("double", "f64", false) })
                {
                    double[] x = Random(rows * cols, 10 + shapeIndex, 30, isFloat); // exp(30) overflows nothing only with the max shift
                    double[][] rowsOf = Enumerable.Range(0, rows).Select(r => x.Skip(r * cols).Take(cols).ToArray()).ToArray();
                    foreach ((string kernel, Func<double[], double> reference) in new (string, Func<double[], double>)[]
                    {
                        ("row_sum", r => r.Sum()), ("row_max", Max), ("row_logsumexp", LogSumExp),
                    })
                    {
                        string name = $"{kernel}_{suffix}_{shapeIndex}";
                        statements.Add(KernelEmulation.Vector(type, "x", x) + $"std::vector<{type}> out({rows});" +
                            $"diffgen_emu_launch({grid}, {block}, [&] {{ diffgen_{kernel}_{suffix}(x.data(), out.data(), {rows}, {cols}); }});" +
                            KernelEmulation.Print(name, "out"));
                        expected[name] = rowsOf.Select(reference).ToArray();
                    }
                }
                shapeIndex++;
            }

            // Special values: all -inf, +inf present, NaN present, a huge value that exp() alone would overflow.
            double[] special = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
                                1, double.PositiveInfinity, 2,
                                1, double.NaN, 2,
                                1000, 999, 998];
            double[][] specialRows = Enumerable.Range(0, 4).Select(r => special.Skip(r * 3).Take(3).ToArray()).ToArray();
            foreach ((string type, string suffix) in new[] { ("float", "f32"), ("double", "f64") })
            {
                foreach ((string kernel, Func<double[], double> reference) in new (string, Func<double[], double>)[] { ("row_max", Max), ("row_logsumexp", LogSumExp) })
                {
                    string name = $"{kernel}_{suffix}_special";
                    statements.Add(KernelEmulation.Vector(type, "x", special) + $"std::vector<{type}> out(4);" +
                        $"diffgen_emu_launch(4, 32, [&] {{ diffgen_{kernel}_{suffix}(x.data(), out.data(), 4, 3); }});" +
                        KernelEmulation.Print(name, "out"));
                    expected[name] = specialRows.Select(reference).ToArray();
                }
            }

            Dictionary<string, double[]> actual = KernelEmulation.Run(output, RowReductionKernels.Source, statements);
            foreach ((string name, double[] values) in expected)
                KernelEmulation.AssertClose(values, actual[name], name.Contains("f32", StringComparison.Ordinal) ? 2e-5 : 1e-12, name);
        }

        [GxxFact]
        public void Masked_row_logsumexp_is_the_NT_Xent_denominator()
        {
            var statements = new List<string>();
            var expected = new Dictionary<string, double[]>();
            foreach ((int n, int grid, int block) in new[] { (1, 1, 32), (2, 2, 32), (8, 3, 64), (100, 7, 128) })
            {
                foreach ((string type, string suffix, bool isFloat) in new[] { ("float", "f32", true), ("double", "f64", false) })
                {
                    double[] sim = Random(n * n, n, 1, isFloat); // cosine similarities in [-1, 1]
                    for (int i = 0; i < n; i++) sim[i * n + i] = 1e30; // the diagonal must not count
                    double scale = isFloat ? (float)(1 / 0.07) : 1 / 0.07; // temperature 0.07
                    string name = $"masked_{suffix}_{n}";
                    statements.Add(KernelEmulation.Vector(type, "sim", sim) + $"std::vector<{type}> out({n});" +
                        $"diffgen_emu_launch({grid}, {block}, [&] {{ diffgen_masked_row_logsumexp_{suffix}(sim.data(), out.data(), {n}, {KernelEmulation.Literal(scale)}); }});" +
                        KernelEmulation.Print(name, "out"));
                    expected[name] = Enumerable.Range(0, n)
                        .Select(i => LogSumExp(Enumerable.Range(0, n).Where(k => k != i).Select(k => scale * sim[i * n + k]).ToArray()))
                        .ToArray();
                }
            }

            Dictionary<string, double[]> actual = KernelEmulation.Run(output, NtXentKernels.Source, statements);
            foreach ((string name, double[] values) in expected)
                KernelEmulation.AssertClose(values, actual[name], name.Contains("f32", StringComparison.Ordinal) ? 2e-5 : 1e-12, name);
        }
    }
}
