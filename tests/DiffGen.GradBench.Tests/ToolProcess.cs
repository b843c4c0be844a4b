using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// The built gradbench tool as a child process (<c>dotnet GradBench.dll</c>), driven over its
    /// stdin/stdout. Every read has a timeout, so a tool that hangs fails the test instead of blocking
    /// it; disposing kills the process if it is still running. stderr is collected for failure messages.
    /// </summary>
    public sealed class ToolProcess : IDisposable
    {
        /// <summary>Generous: the machine is shared and the first reply includes JIT compilation.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly object _stderrLock = new();

        private ToolProcess(Process process)
        {
            _process = process;
        }

        /// <summary>Environment variable that overrides where the tool's dll is.</summary>
        public const string ToolPathVariable = "DIFFGEN_GRADBENCH_TOOL";

        public static string ToolDll
        {
            get
            {
                string? path = Environment.GetEnvironmentVariable(ToolPathVariable);
                if (string.IsNullOrEmpty(path))
                {
                    path = typeof(ToolProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                        .FirstOrDefault(a => a.Key == "GradBenchTool")?.Value;
                }
                if (string.IsNullOrEmpty(path) || !File.Exists(path))
                    throw new InvalidOperationException($"the built gradbench tool was not found ('{path}'); build samples/GradBench or set {ToolPathVariable}");
                return path;
            }
        }

        /// <summary>The dotnet host running these tests (or the one on PATH).</summary>
        public static string DotnetHost
        {
            get
            {
                string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
                if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
                string? self = Environment.ProcessPath;
                if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
                string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
                if (!string.IsNullOrEmpty(root))
                {
                    string candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
                    if (File.Exists(candidate)) return candidate;
                }
                return "dotnet";
            }
        }

        public static ToolProcess Start(IEnumerable<string>? args = null, IDictionary<string, string>? environment = null)
        {
            var psi = new ProcessStartInfo(DotnetHost)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            psi.ArgumentList.Add(ToolDll);
            foreach (string a in args ?? Array.Empty<string>()) psi.ArgumentList.Add(a);
            if (environment is not null)
            {
                foreach (var kv in environment) psi.Environment[kv.Key] = kv.Value;
            }
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the tool");
            var tool = new ToolProcess(process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (tool._stderrLock) tool._stderr.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            return tool;
        }

        public string Stderr
        {
            get { lock (_stderrLock) return _stderr.ToString(); }
        }

        public void Send(string line)
        {
            _process.StandardInput.Write(line);
            _process.StandardInput.Write('\n');
            _process.StandardInput.Flush();
        }

        /// <summary>Writes text as is (no newline added).</summary>
        public void SendRaw(string text)
        {
            _process.StandardInput.Write(text);
            _process.StandardInput.Flush();
        }

        /// <summary>The next line of stdout, or null at end of output; throws on timeout.</summary>
        public string? ReadLine(TimeSpan? timeout = null)
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(timeout ?? DefaultTimeout))
                throw new TimeoutException($"the tool did not reply within {(timeout ?? DefaultTimeout).TotalSeconds} s. stderr:\n{Stderr}");
            return read.Result;
        }

        /// <summary>Sends one message and parses the one-line reply.</summary>
        public JsonElement Request(string line, TimeSpan? timeout = null)
        {
            Send(line);
            string? reply = ReadLine(timeout);
            if (reply is null) throw new InvalidOperationException($"the tool closed its output instead of replying to {Abbreviate(line)}. stderr:\n{Stderr}");
            try
            {
                using var doc = JsonDocument.Parse(reply);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"the tool's reply is not JSON: {Abbreviate(reply)} ({e.Message})");
            }
        }

        public JsonElement Request(object message, TimeSpan? timeout = null) => Request(JsonSerializer.Serialize(message), timeout);

        /// <summary>Closes stdin (end of input) and waits for the exit code; throws on timeout.</summary>
        public int CloseAndWait(TimeSpan? timeout = null)
        {
            _process.StandardInput.Close();
            return WaitForExit(timeout);
        }

        public int WaitForExit(TimeSpan? timeout = null)
        {
            if (!_process.WaitForExit(timeout ?? DefaultTimeout))
                throw new TimeoutException($"the tool did not exit. stderr:\n{Stderr}");
            _process.WaitForExit(); // drains the asynchronous stderr reader
            return _process.ExitCode;
        }

        public bool HasExited => _process.HasExited;

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            _process.Dispose();
        }

        public static string Abbreviate(string s) => s.Length <= 300 ? s : s.Substring(0, 300) + "...";
    }
}
