using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>The protocol itself: replies, errors, robustness, end of input, options.</summary>
    public sealed class ProtocolTests
    {
        private static void AssertFailure(JsonElement reply, long? id)
        {
            if (id is long expected) Assert.Equal(expected, reply.GetProperty("id").GetInt64());
            Assert.False(reply.GetProperty("success").GetBoolean(), reply.ToString());
            Assert.False(string.IsNullOrWhiteSpace(reply.GetProperty("error").GetString()), reply.ToString());
            Assert.False(reply.TryGetProperty("output", out _), reply.ToString());
        }

        private static void AssertStillServes(ToolProcess tool, long id)
        {
            var reply = tool.Request($"{{\"id\":{id},\"kind\":\"start\"}}");
            Assert.Equal(id, reply.GetProperty("id").GetInt64());
            Assert.Equal("diffgen", reply.GetProperty("tool").GetString());
        }

        [Fact]
        public void StartDefineAndAnalysis()
        {
            using var tool = ToolProcess.Start();
            Assert.Equal("{\"id\":0,\"tool\":\"diffgen\"}", tool.Request("{\"id\":0,\"kind\":\"start\",\"eval\":\"gmm\",\"config\":{\"seed\":1}}").GetRawText());
            foreach (var (module, id) in new[] { ("hello", 1), ("lse", 2), ("llsq", 3), ("gmm", 4), ("ode", 5), ("det", 6), ("lstm", 7), ("ba", 8), ("ht", 9) })
                Assert.Equal($"{{\"id\":{id},\"success\":true}}", tool.Request($"{{\"id\":{id},\"kind\":\"define\",\"module\":\"{module}\"}}").GetRawText());
            Assert.Equal("{\"id\":10}", tool.Request("{\"id\":10,\"kind\":\"analysis\",\"of\":9,\"valid\":true}").GetRawText());
            Assert.Equal("{\"id\":11}", tool.Request("{\"id\":11,\"kind\":\"analysis\",\"of\":9,\"valid\":false,\"error\":\"mismatch\"}").GetRawText());
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void UnknownModuleIsNotDefined()
        {
            using var tool = ToolProcess.Start();
            AssertFailure(tool.Request("{\"id\":0,\"kind\":\"define\",\"module\":\"kmeans\"}"), 0);
            AssertFailure(tool.Request("{\"id\":1,\"kind\":\"evaluate\",\"module\":\"kmeans\",\"function\":\"cost\",\"input\":{}}"), 1);
            AssertStillServes(tool, 2);
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void UnknownKindGetsBareId()
        {
            using var tool = ToolProcess.Start();
            Assert.Equal("{\"id\":7}", tool.Request("{\"id\":7,\"kind\":\"frobnicate\",\"x\":[1,2]}").GetRawText());
            AssertStillServes(tool, 8);
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void MalformedLinesGetErrorsAndTheToolCarriesOn()
        {
            using var tool = ToolProcess.Start();
            // Truncated JSON whose id is still readable: the reply carries it.
            AssertFailure(tool.Request("{\"id\": 3, \"kind\": \"evaluate\", \"module\": \"lse\", \"input\": {\"x\": [1, 2"), 3);
            // Not JSON at all, no id to be had.
            var garbage = tool.Request("this is not json");
            AssertFailure(garbage, null);
            Assert.False(garbage.TryGetProperty("id", out _));
            // JSON, but not a message.
            AssertFailure(tool.Request("[1, 2, 3]"), null);
            AssertFailure(tool.Request("{\"kind\":\"start\"}"), null);
            AssertFailure(tool.Request("{\"id\":4}"), 4);
            AssertFailure(tool.Request("{\"id\":5,\"kind\":\"define\"}"), 5);
            // Blank lines are not messages: the next reply answers the next message.
            tool.Send("");
            tool.Send("   ");
            AssertStillServes(tool, 6);
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void BadInputsAreFailuresNotCrashes()
        {
            using var tool = ToolProcess.Start();
            var bad = new[]
            {
                "{\"id\":0,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\",\"input\":{\"min_runs\":1,\"min_seconds\":0}}",
                "{\"id\":1,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"gradient\",\"input\":{\"x\":[]}}",
                "{\"id\":2,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\",\"input\":{\"x\":[1,\"two\",3]}}",
                "{\"id\":3,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"hessian\",\"input\":{\"x\":[1]}}",
                "{\"id\":4,\"kind\":\"evaluate\",\"module\":\"llsq\",\"function\":\"primal\",\"input\":{\"x\":[1,2],\"n\":1}}",
                "{\"id\":5,\"kind\":\"evaluate\",\"module\":\"llsq\",\"function\":\"primal\",\"input\":{\"x\":[1,2],\"n\":2.5}}",
                "{\"id\":6,\"kind\":\"evaluate\",\"module\":\"gmm\",\"function\":\"jacobian\",\"input\":{\"d\":2,\"k\":1,\"n\":1,\"m\":0,\"gamma\":1,\"x\":[[1,2]],\"alpha\":[0],\"mu\":[[0,0]],\"q\":[[0,0]],\"l\":[[0,0]]}}",
                "{\"id\":7,\"kind\":\"evaluate\",\"module\":\"gmm\",\"function\":\"objective\",\"input\":{\"d\":2,\"k\":1,\"n\":2,\"m\":0,\"gamma\":1,\"x\":[[1,2]],\"alpha\":[0],\"mu\":[[0,0]],\"q\":[[0,0]],\"l\":[[0]]}}",
                "{\"id\":8,\"kind\":\"evaluate\",\"module\":\"hello\",\"function\":\"square\",\"input\":\"three\"}",
                "{\"id\":9,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\",\"input\":{\"x\":[1],\"min_runs\":\"many\"}}",
                "{\"id\":10,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\"}",
                "{\"id\":11,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\",\"input\":{\"x\":[1e308,1e308,-1e308]}}",
                "{\"id\":12,\"kind\":\"evaluate\",\"module\":\"det\",\"function\":\"primal\",\"input\":{\"A\":[1,2,3],\"ell\":2}}",
                "{\"id\":13,\"kind\":\"evaluate\",\"module\":\"det\",\"function\":\"gradient\",\"input\":{\"A\":[],\"ell\":0}}",
                "{\"id\":14,\"kind\":\"evaluate\",\"module\":\"lstm\",\"function\":\"objective\",\"input\":{\"main_params\":[[1,2,3,4]],\"extra_params\":[[1],[1],[1]],\"state\":[[0],[0]],\"sequence\":[[1],[0]]}}",
                "{\"id\":15,\"kind\":\"evaluate\",\"module\":\"ba\",\"function\":\"jacobian\",\"input\":{\"n\":1,\"m\":1,\"p\":1,\"cam\":[1,2,3],\"x\":[1,2,3],\"w\":1,\"feat\":[1,2]}}",
                "{\"id\":16,\"kind\":\"evaluate\",\"module\":\"ht\",\"function\":\"objective\",\"input\":{\"theta\":[1],\"us\":[],\"data\":{}}}",
            };
            for (int i = 0; i < bad.Length; i++)
            {
                var reply = tool.Request(bad[i]);
                if (i == 11)
                {
                    // A finite answer (LSE of huge values is just fine with the max trick) or a clean failure.
                    Assert.Equal(11, reply.GetProperty("id").GetInt64());
                    continue;
                }
                AssertFailure(reply, i);
            }
            AssertStillServes(tool, 100);
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void HelloSquareAndDouble()
        {
            using var tool = ToolProcess.Start();
            tool.Request("{\"id\":0,\"kind\":\"start\",\"eval\":\"hello\"}");
            Assert.True(tool.Request("{\"id\":1,\"kind\":\"define\",\"module\":\"hello\"}").GetProperty("success").GetBoolean());
            // The hello eval's own sequence: x = 1, then y = square(x), x = double(y), four times.
            double x = 1;
            long id = 2;
            for (int round = 0; round < 4; round++)
            {
                var square = tool.Request($"{{\"id\":{id++},\"kind\":\"evaluate\",\"module\":\"hello\",\"function\":\"square\",\"input\":{x:R}}}");
                Assert.True(square.GetProperty("success").GetBoolean(), square.ToString());
                double y = square.GetProperty("output").GetDouble();
                Assert.Equal(x * x, y);
                Assert.Single(square.GetProperty("timings").EnumerateArray(), t => t.GetProperty("name").GetString() == "evaluate");
                var twice = tool.Request($"{{\"id\":{id++},\"kind\":\"evaluate\",\"module\":\"hello\",\"function\":\"double\",\"input\":{y:R}}}");
                Assert.True(twice.GetProperty("success").GetBoolean(), twice.ToString());
                Assert.Equal(2 * y, twice.GetProperty("output").GetDouble());
                x = twice.GetProperty("output").GetDouble();
            }
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void RunsUntilMinRunsAndMinSeconds()
        {
            using var tool = ToolProcess.Start();
            string x = "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => (i * 0.001).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";

            var five = tool.Request($"{{\"id\":0,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"gradient\",\"input\":{{\"x\":{x},\"min_runs\":5,\"min_seconds\":0}}}}");
            Assert.True(five.GetProperty("success").GetBoolean(), five.ToString());
            Assert.Equal(5, five.GetProperty("timings").EnumerateArray().Count(t => t.GetProperty("name").GetString() == "evaluate"));

            var timed = tool.Request($"{{\"id\":1,\"kind\":\"evaluate\",\"module\":\"lse\",\"function\":\"primal\",\"input\":{{\"x\":{x},\"min_runs\":1,\"min_seconds\":0.2}}}}");
            Assert.True(timed.GetProperty("success").GetBoolean(), timed.ToString());
            var evaluates = timed.GetProperty("timings").EnumerateArray().Where(t => t.GetProperty("name").GetString() == "evaluate").ToArray();
            Assert.True(evaluates.Sum(t => t.GetProperty("nanoseconds").GetInt64()) >= 200_000_000, timed.GetProperty("timings").ToString());
            Assert.True(evaluates.Length >= 2);
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void IdsAreEchoedAsSent()
        {
            using var tool = ToolProcess.Start();
            Assert.Equal("{\"id\":1099511627776,\"tool\":\"diffgen\"}", tool.Request("{\"kind\":\"start\",\"id\":1099511627776}").GetRawText());
            Assert.Equal("{\"id\":-3}", tool.Request("{\"id\":-3,\"kind\":\"analysis\",\"of\":2,\"valid\":true}").GetRawText());
            Assert.Equal(0, tool.CloseAndWait());
        }

        [Fact]
        public void EndOfInputEndsTheProcessCleanly()
        {
            using (var idle = ToolProcess.Start())
            {
                Assert.Equal(0, idle.CloseAndWait());
                Assert.Null(idle.ReadLine(TimeSpan.FromSeconds(10)));
            }
            using var busy = ToolProcess.Start();
            busy.Request("{\"id\":0,\"kind\":\"start\"}");
            busy.Request("{\"id\":1,\"kind\":\"define\",\"module\":\"lse\"}");
            // The last line need not end with a newline.
            busy.SendRaw("{\"id\":2,\"kind\":\"analysis\",\"of\":1,\"valid\":true}");
            Assert.Equal(0, busy.CloseAndWait());
            Assert.Equal("{\"id\":2}", busy.ReadLine(TimeSpan.FromSeconds(10)));
            Assert.Null(busy.ReadLine(TimeSpan.FromSeconds(10)));
        }

        [Fact]
        public void ThreadsOptionAndVariable()
        {
            using (var two = ToolProcess.Start(new[] { "--threads", "2" }))
            {
                Assert.Equal("diffgen", two.Request("{\"id\":0,\"kind\":\"start\"}").GetProperty("tool").GetString());
                Assert.Equal(0, two.CloseAndWait());
                Assert.Contains("single-threaded", two.Stderr);
            }
            using (var env = ToolProcess.Start(environment: new Dictionary<string, string> { ["DIFFGEN_GRADBENCH_THREADS"] = "4" }))
            {
                Assert.Equal("diffgen", env.Request("{\"id\":0,\"kind\":\"start\"}").GetProperty("tool").GetString());
                Assert.Equal(0, env.CloseAndWait());
                Assert.Contains("--threads 4", env.Stderr);
            }
            using (var bad = ToolProcess.Start(new[] { "--threads", "0" }))
            {
                Assert.Equal(2, bad.WaitForExit());
                Assert.Null(bad.ReadLine(TimeSpan.FromSeconds(10))); // nothing on stdout
                Assert.Contains("--threads", bad.Stderr);
            }
        }
    }
}
