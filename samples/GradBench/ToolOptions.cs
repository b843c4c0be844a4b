using System;
using System.Globalization;

namespace DiffGen.GradBench
{
    /// <summary>Command-line options of the tool.</summary>
    public sealed class ToolOptions
    {
        /// <summary>Environment variable for the thread count (the option wins).</summary>
        public const string ThreadsVariable = "DIFFGEN_GRADBENCH_THREADS";

        /// <summary>
        /// Threads the tool may use; 1 by default, like gradbench's single-threaded comparisons. It becomes
        /// <see cref="DiffGen.Cpu.Gemm.MaxDegreeOfParallelism"/> (see <see cref="Program.ApplyThreads"/>):
        /// the runtime GEMM, which runs the contractions the generator raises, is the only multi-threaded
        /// part. The generated loops themselves stay single-threaded.
        /// </summary>
        public int Threads { get; private set; } = 1;

        public bool Verbose { get; private set; }

        public bool ShowHelp { get; private set; }

        public const string Usage =
            "usage: GradBench [--threads N] [--verbose] [--help]\n" +
            "       GradBench bench [--help] [options]   (timings on gradbench's default sizes, a Markdown table on stdout)\n" +
            "  Speaks the gradbench protocol: one JSON message per line on stdin, one JSON reply per line on stdout.\n" +
            "  Supported modules: hello, lse, llsq, gmm, ode, det, lstm, ba, ht.\n" +
            "  --threads N   threads for the runtime GEMM and the generated multi-core loops\n" +
            "                (DiffGen.Cpu.Gemm.MaxDegreeOfParallelism; default 1, single-threaded, or $" + ThreadsVariable + ")\n" +
            "  --verbose     log each message, and each evaluation's wall and CPU milliseconds per run, to stderr";

        /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for a bad one.</summary>
        public static ToolOptions Parse(string[] args, Func<string, string?> getEnvironmentVariable)
        {
            var o = new ToolOptions();
            string? env = getEnvironmentVariable(ThreadsVariable);
            if (!string.IsNullOrEmpty(env)) o.Threads = ParseThreads(env, "$" + ThreadsVariable);
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a == "--threads" || a == "-t")
                {
                    if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                    o.Threads = ParseThreads(args[++i], a);
                }
                else if (a.StartsWith("--threads=", StringComparison.Ordinal))
                {
                    o.Threads = ParseThreads(a.Substring("--threads=".Length), "--threads");
                }
                else if (a == "--verbose" || a == "-v")
                {
                    o.Verbose = true;
                }
                else if (a == "--help" || a == "-h")
                {
                    o.ShowHelp = true;
                }
                else
                {
                    throw new ArgumentException($"unknown argument '{a}'");
                }
            }
            return o;
        }

        internal static int ParseThreads(string s, string what)
        {
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1) return n;
            throw new ArgumentException($"{what} must be a positive integer, not '{s}'");
        }
    }
}
