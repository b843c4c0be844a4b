using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DiffGen.GradBench.Modules;

namespace DiffGen.GradBench
{
    /// <summary>
    /// The gradbench protocol (CONTRIBUTING.md, "Protocol"): one JSON message per line in, exactly one
    /// JSON reply per line out.
    /// <list type="bullet">
    /// <item><c>start</c> -> <c>{"id":..,"tool":"diffgen"}</c></item>
    /// <item><c>define</c> -> <c>{"id":..,"success":true}</c> for a supported module, else success false
    /// and an error.</item>
    /// <item><c>evaluate</c> -> <c>{"id":..,"success":true,"output":..,"timings":[..]}</c>: one "prepare"
    /// timing (input conversion) and one "evaluate" timing per run; runs until both min_runs and
    /// min_seconds are reached (once if the input has neither, as for hello). Any failure is
    /// success false with an error.</item>
    /// <item><c>analysis</c> and every other kind -> <c>{"id":..}</c>.</item>
    /// <item>A line that is not a JSON object with an id still gets one reply, success false with an
    /// error (and the id when one can be read from the line), so the exchange never stalls.</item>
    /// </list>
    /// </summary>
    public sealed class ToolHost
    {
        public const string ToolName = "diffgen";

        private readonly ToolOptions _options;
        private readonly HashSet<string> _defined = new(StringComparer.Ordinal);

        public ToolHost(ToolOptions options) => _options = options;

        /// <summary>Handles one line; returns the reply (one line of JSON, no newline).</summary>
        public byte[] Handle(string line)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException e)
            {
                return Error(SalvageId(line), $"malformed JSON message: {e.Message}");
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    return Error(null, $"a message must be a JSON object, not {Json.Describe(root)}");
                if (!root.TryGetProperty("id", out var idElement))
                    return Error(null, "the message has no \"id\"");
                string id = idElement.GetRawText();
                try
                {
                    if (!root.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
                        return Error(id, "the message has no \"kind\" string");
                    return kindElement.GetString() switch
                    {
                        "start" => Reply(id, w => w.WriteString("tool", ToolName)),
                        "define" => Define(id, root),
                        "evaluate" => Evaluate(id, root),
                        _ => Reply(id, _ => { }), // "analysis" and any kind this tool does not know
                    };
                }
                catch (Exception e)
                {
                    return Error(id, $"internal error: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        private byte[] Define(string id, JsonElement message)
        {
            string? module = message.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (module is null) return Error(id, "the define message has no \"module\" string");
            if (!Registry.Modules.ContainsKey(module))
                return Error(id, $"module \"{module}\" is not supported by {ToolName} (supported: {string.Join(", ", Registry.Modules.Keys)})");
            _defined.Add(module);
            return Reply(id, w => w.WriteBoolean("success", true));
        }

        private byte[] Evaluate(string id, JsonElement message)
        {
            string? module = message.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            string? function = message.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (module is null) return Error(id, "the evaluate message has no \"module\" string");
            if (function is null) return Error(id, "the evaluate message has no \"function\" string");
            if (!Registry.Modules.TryGetValue(module, out var functions))
                return Error(id, $"module \"{module}\" is not supported by {ToolName}");
            if (!functions.TryGetValue(function, out var prepare))
                return Error(id, $"module \"{module}\" has no function \"{function}\" (it has: {string.Join(", ", functions.Keys)})");
            if (!message.TryGetProperty("input", out var input))
                return Error(id, "the evaluate message has no \"input\"");

            LastEvaluate = null;
            var timings = new List<(string Name, long Nanoseconds)>();
            IEvaluation evaluation;
            int minRuns;
            double minSeconds;
            try
            {
                (minRuns, minSeconds) = ReadRuns(input);
                long t0 = Stopwatch.GetTimestamp();
                evaluation = prepare(input);
                timings.Add(("prepare", Nanoseconds(t0, Stopwatch.GetTimestamp())));
            }
            catch (InputException e)
            {
                return Error(id, $"bad input for {module}::{function}: {e.Message}");
            }

            try
            {
                long minNanoseconds = (long)Math.Min(minSeconds * 1e9, long.MaxValue / 2.0);
                long total = 0;
                int runs = 0;
                TimeSpan cpu0 = Environment.CpuUsage.TotalTime;
                do
                {
                    long t0 = Stopwatch.GetTimestamp();
                    evaluation.Run();
                    long ns = Nanoseconds(t0, Stopwatch.GetTimestamp());
                    timings.Add(("evaluate", ns));
                    total += ns;
                    runs++;
                }
                while (runs < minRuns || total < minNanoseconds);
                // CPU time of the process over the runs (all threads: JIT and GC included), which unlike
                // wall time is not inflated when other processes hold the cores. Read outside the timed runs.
                double cpuMs = (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds / runs;
                if (_options.Verbose)
                {
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"GradBench: id={id} {module}::{function}: {runs} runs, wall {total / 1e6 / runs:G6} ms/run, cpu {cpuMs:G6} ms/run"));
                }

                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    WriteId(w, id);
                    w.WriteBoolean("success", true);
                    w.WritePropertyName("output");
                    evaluation.WriteOutput(w);
                    w.WriteStartArray("timings");
                    foreach (var (name, ns) in timings)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", name);
                        w.WriteNumber("nanoseconds", ns);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                LastEvaluate = new EvaluateStatistics(runs, cpuMs);
                return buffer.WrittenSpan.ToArray();
            }
            catch (NonFiniteOutputException e)
            {
                return Error(id, $"{module}::{function}: {e.Message}");
            }
            catch (Exception e)
            {
                return Error(id, $"{module}::{function} failed: {e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary>The <c>Runs</c> fields of an input (absent for hello: one run).</summary>
        private static (int MinRuns, double MinSeconds) ReadRuns(JsonElement input)
        {
            int minRuns = 1;
            double minSeconds = 0;
            if (input.ValueKind == JsonValueKind.Object)
            {
                if (input.TryGetProperty("min_runs", out var r)) minRuns = Json.AsInt(r, "\"min_runs\"");
                if (input.TryGetProperty("min_seconds", out var s)) minSeconds = Json.AsNumber(s, "\"min_seconds\"");
            }
            if (double.IsNaN(minSeconds)) throw new InputException("\"min_seconds\" must be a number");
            return (Math.Max(minRuns, 1), minSeconds);
        }

        private static long Nanoseconds(long from, long to) =>
            Stopwatch.Frequency == 1_000_000_000 ? to - from : (long)((to - from) * (1e9 / Stopwatch.Frequency));

        private static byte[] Reply(string id, Action<Utf8JsonWriter> body)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                WriteId(w, id);
                body(w);
                w.WriteEndObject();
            }
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary><c>{"id":..,"success":false,"error":".."}</c>, without the id when none is known.</summary>
        private static byte[] Error(string? id, string error)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                if (id is not null) WriteId(w, id);
                w.WriteBoolean("success", false);
                w.WriteString("error", error);
                w.WriteEndObject();
            }
            return buffer.WrittenSpan.ToArray();
        }

        private static void WriteId(Utf8JsonWriter w, string rawId)
        {
            w.WritePropertyName("id");
            w.WriteRawValue(rawId, skipInputValidation: true);
        }

        private static readonly Regex IdPattern = new("\"id\"\\s*:\\s*(-?[0-9]+)(?![0-9.eE])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        /// <summary>The integer id of a line that is not valid JSON, when it plainly has one.</summary>
        private static string? SalvageId(string line)
        {
            try
            {
                var match = IdPattern.Match(line);
                return match.Success ? match.Groups[1].Value : null;
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
        }

        public ToolOptions Options => _options;

        /// <summary>
        /// The last <c>evaluate</c> handled, when it succeeded (null otherwise): what its reply's
        /// timings do not carry. Read by the <c>bench</c> command; the protocol does not use it.
        /// </summary>
        public EvaluateStatistics? LastEvaluate { get; private set; }
    }

    /// <summary>
    /// Runs of one successful <c>evaluate</c>, and the process's CPU time per run over them (all threads,
    /// JIT and GC included; measured around the runs, not inside them).
    /// </summary>
    public readonly record struct EvaluateStatistics(int Runs, double CpuMillisecondsPerRun);
}
