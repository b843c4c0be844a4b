using System;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// Replays a whole llsq session of the real eval (the messages exactly as the eval sent them to the C++
    /// reference tool) and compares each reply with the reference tool's: same fields, same ids, same
    /// success, outputs within 1e-8; only the tool's name and the timing values may differ (the number of
    /// "evaluate" timings must match, one per run).
    /// </summary>
    public sealed class TranscriptTests
    {
        [Fact]
        public void LlsqSessionReplaysLikeTheReferenceTool()
        {
            string[] toTool = Vectors.Lines("transcript-llsq.eval-to-tool.jsonl");
            string[] fromTool = Vectors.Lines("transcript-llsq.tool-to-eval.jsonl");
            Assert.Equal(toTool.Length, fromTool.Length);

            using var tool = ToolProcess.Start();
            for (int i = 0; i < toTool.Length; i++)
            {
                var reply = tool.Request(toTool[i]);
                using var expectedDoc = JsonDocument.Parse(fromTool[i]);
                var expected = expectedDoc.RootElement;
                string context = $"message {i} ({ToolProcess.Abbreviate(toTool[i])})";

                var expectedKeys = expected.EnumerateObject().Select(p => p.Name).OrderBy(s => s, StringComparer.Ordinal);
                var actualKeys = reply.EnumerateObject().Select(p => p.Name).OrderBy(s => s, StringComparer.Ordinal);
                Assert.True(expectedKeys.SequenceEqual(actualKeys),
                    $"{context}: fields {{{string.Join(", ", actualKeys)}}}, the reference tool's {{{string.Join(", ", expectedKeys)}}}; reply {ToolProcess.Abbreviate(reply.ToString())}");

                foreach (var field in expected.EnumerateObject())
                {
                    var actual = reply.GetProperty(field.Name);
                    switch (field.Name)
                    {
                        case "tool":
                            Assert.Equal("diffgen", actual.GetString());
                            break;
                        case "timings":
                            int Evaluates(JsonElement t) => t.EnumerateArray().Count(x => x.GetProperty("name").GetString() == "evaluate");
                            Assert.Equal(Evaluates(field.Value), Evaluates(actual));
                            Assert.All(actual.EnumerateArray(), t => Assert.True(t.GetProperty("nanoseconds").GetInt64() >= 0));
                            break;
                        case "output":
                            var (error, where) = GradBenchMeasure.MaxError(actual, field.Value);
                            Assert.True(error <= VectorCheck.Tolerance, $"{context}: error {error:G3} at {where}");
                            break;
                        default: // id, success
                            Assert.Equal(field.Value.GetRawText(), actual.GetRawText());
                            break;
                    }
                }
            }
            Assert.Equal(0, tool.CloseAndWait());
        }
    }
}
