using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// The reference vectors in Data/{module}.jsonl: one evaluate per line, {"module", "function",
    /// "description", "input", "output"}, where output is the C++ reference tool's answer (lse, llsq,
    /// gmm, and det, lstm, ba, ht: copied from the shared gradbench vectors; those four lines also carry
    /// "reference_valid", which is ignored). ode.jsonl is ours: Data/make_ode_vectors.py
    /// transcribes the C++ reference's ode.hpp for the primal and differentiates it with dual numbers.
    /// </summary>
    public static class Vectors
    {
        public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);

        public static string[] Lines(string file) =>
            File.ReadAllLines(DataPath(file)).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();

        /// <summary>xunit theory rows: (module, line index, function, description).</summary>
        public static IEnumerable<object[]> Cases(string module) =>
            Lines(module + ".jsonl").Select((line, i) =>
            {
                var node = JsonNode.Parse(line)!;
                return new object[] { module, i, (string)node["function"]!, (string)node["description"]! };
            });

        /// <summary>The evaluate message for vector <paramref name="index"/>, run once (min_runs 1, min_seconds 0).</summary>
        public static (string Message, JsonElement Expected) Evaluate(string module, int index, long id)
        {
            var node = JsonNode.Parse(Lines(module + ".jsonl")[index])!.AsObject();
            var input = node["input"]!.AsObject();
            input["min_runs"] = 1;
            input["min_seconds"] = 0;
            var message = new JsonObject
            {
                ["id"] = id,
                ["kind"] = "evaluate",
                ["module"] = (string)node["module"]!,
                ["function"] = (string)node["function"]!,
                ["input"] = input.DeepClone(),
                ["description"] = (string)node["description"]!,
            };
            using var doc = JsonDocument.Parse(node["output"]!.ToJsonString());
            return (message.ToJsonString(), doc.RootElement.Clone());
        }
    }
}
