using System;
using System.IO;
using System.Text;

namespace DiffGen.GradBench
{
    /// <summary>
    /// Entry point: reads gradbench messages from stdin until end of input, writes each reply to stdout
    /// as one line and flushes it. stdout carries nothing else; diagnostics go to stderr.
    /// <c>GradBench bench ...</c> runs <see cref="Bench"/> instead (a Markdown table on stdout).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            // Keep stdout for replies only: anything written through Console.Out goes to stderr.
            Stream stdout = Console.OpenStandardOutput();
            Console.SetOut(Console.Error);

            if (args.Length > 0 && args[0] == "bench")
                return Bench.Run(args.AsSpan(1).ToArray(), stdout, Environment.GetEnvironmentVariable);

            ToolOptions options;
            try
            {
                options = ToolOptions.Parse(args, Environment.GetEnvironmentVariable);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"GradBench: {e.Message}");
                Console.Error.WriteLine(ToolOptions.Usage);
                return 2;
            }
            if (options.ShowHelp)
            {
                Console.Error.WriteLine(ToolOptions.Usage);
                return 0;
            }
            ApplyThreads(options.Threads);
            if (options.Threads != 1)
                Console.Error.WriteLine($"GradBench: --threads {options.Threads}: runtime GEMMs and the generated multi-core loops use up to {options.Threads} threads (not single-threaded like gradbench's published comparisons).");

            var host = new ToolHost(options);
            using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            try
            {
                string? line;
                while ((line = stdin.ReadLine()) is not null)
                {
                    if (string.IsNullOrWhiteSpace(line)) continue; // not a message; nothing to answer
                    if (options.Verbose) Console.Error.WriteLine($"GradBench: <- {Abbreviate(line)}");
                    byte[] reply = host.Handle(line);
                    stdout.Write(reply, 0, reply.Length);
                    stdout.WriteByte((byte)'\n');
                    stdout.Flush();
                }
            }
            catch (IOException e)
            {
                // The eval went away (closed pipe): nothing left to answer.
                Console.Error.WriteLine($"GradBench: {e.Message}");
                return 1;
            }
            return 0;
        }

        /// <summary>
        /// The thread count of both modes: the most threads DiffGen's CPU runtime uses, for the GEMMs the
        /// generator raises contractions to and for the generated loops Schedule splits over cores
        /// (DiffGen.Cpu.LoopParallelism reads the same setting). 1: everything runs on the calling thread.
        /// </summary>
        public static void ApplyThreads(int threads) => DiffGen.Cpu.Gemm.MaxDegreeOfParallelism = threads;

        private static string Abbreviate(string line) => line.Length <= 200 ? line : line.Substring(0, 200) + "...";
    }
}
