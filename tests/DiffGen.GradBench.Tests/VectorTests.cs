using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace DiffGen.GradBench.Tests
{
    /// <summary>One tool process per module, started and defined once; each vector is one evaluate.</summary>
    public abstract class ModuleTool : IDisposable
    {
        private long _nextId;

        protected ModuleTool(string module)
        {
            Module = module;
            Tool = ToolProcess.Start();
            var start = Tool.Request($"{{\"id\":{_nextId++},\"kind\":\"start\",\"eval\":\"{module}\"}}");
            Assert.Equal("diffgen", start.GetProperty("tool").GetString());
            var define = Tool.Request($"{{\"id\":{_nextId++},\"kind\":\"define\",\"module\":\"{module}\"}}");
            Assert.True(define.GetProperty("success").GetBoolean(), define.ToString());
        }

        public string Module { get; }

        public ToolProcess Tool { get; }

        public long NextId() => _nextId++;

        public void Dispose()
        {
            if (!Tool.HasExited) Tool.CloseAndWait();
            Tool.Dispose();
        }
    }

    public sealed class LseTool : ModuleTool { public LseTool() : base("lse") { } }

    public sealed class LlsqTool : ModuleTool { public LlsqTool() : base("llsq") { } }

    public sealed class GmmTool : ModuleTool { public GmmTool() : base("gmm") { } }

    public sealed class OdeTool : ModuleTool { public OdeTool() : base("ode") { } }

    public sealed class DetTool : ModuleTool { public DetTool() : base("det") { } }

    public sealed class LstmTool : ModuleTool { public LstmTool() : base("lstm") { } }

    public sealed class BaTool : ModuleTool { public BaTool() : base("ba") { } }

    public sealed class HtTool : ModuleTool { public HtTool() : base("ht") { } }

    internal static class VectorCheck
    {
        /// <summary>Stricter than the eval's own 1e-4: the same measure, 1e-8.</summary>
        public const double Tolerance = 1e-8;

        public static void Run(ModuleTool tool, int index, string function, string description)
        {
            long id = tool.NextId();
            var (message, expected) = Vectors.Evaluate(tool.Module, index, id);
            var reply = tool.Tool.Request(message);

            Assert.Equal(id, reply.GetProperty("id").GetInt64());
            Assert.True(reply.TryGetProperty("success", out var success) && success.GetBoolean(),
                $"{tool.Module}::{function} {description} failed: {reply}\nstderr:\n{tool.Tool.Stderr}");
            Assert.False(reply.TryGetProperty("error", out _), "a successful reply carries no error");

            var timings = reply.GetProperty("timings").EnumerateArray().ToArray();
            Assert.Single(timings, t => t.GetProperty("name").GetString() == "evaluate");
            Assert.All(timings, t => Assert.True(t.GetProperty("nanoseconds").GetInt64() >= 0));

            var (error, where) = GradBenchMeasure.MaxError(reply.GetProperty("output"), expected);
            Assert.True(error <= Tolerance,
                $"{tool.Module}::{function} {description}: error {error:G3} at {where} exceeds {Tolerance:G3}");
        }
    }

    public sealed class LseVectorTests : IClassFixture<LseTool>
    {
        private readonly LseTool _tool;
        public LseVectorTests(LseTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("lse");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("lse", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class LlsqVectorTests : IClassFixture<LlsqTool>
    {
        private readonly LlsqTool _tool;
        public LlsqVectorTests(LlsqTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("llsq");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("llsq", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class GmmVectorTests : IClassFixture<GmmTool>
    {
        private readonly GmmTool _tool;
        public GmmVectorTests(GmmTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("gmm");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("gmm", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class OdeVectorTests : IClassFixture<OdeTool>
    {
        private readonly OdeTool _tool;
        public OdeVectorTests(OdeTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("ode");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("ode", module);
            VectorCheck.Run(_tool, index, function, description);
        }

        /// <summary>
        /// ode's values shrink like 2^n / n!, so gradbench's measure (floored at 1) cannot see errors in
        /// them; here every element must also agree relatively, to 1e-12.
        /// </summary>
        [Theory]
        [MemberData(nameof(Cases))]
        public void AgreesRelativelyElementByElement(string module, int index, string function, string description)
        {
            var (message, expected) = Vectors.Evaluate(module, index, _tool.NextId());
            var reply = _tool.Tool.Request(message);
            Assert.True(reply.GetProperty("success").GetBoolean(), reply.ToString());
            var actual = reply.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var want = expected.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(want.Length, actual.Length);
            for (int i = 0; i < want.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - want[i]) <= 1e-12 * (Math.Abs(actual[i]) + Math.Abs(want[i])) + 1e-300,
                    $"ode::{function} {description}: element {i} is {actual[i]:R}, reference {want[i]:R}");
            }
        }
    }

    public sealed class DetVectorTests : IClassFixture<DetTool>
    {
        private readonly DetTool _tool;
        public DetVectorTests(DetTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("det");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("det", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class LstmVectorTests : IClassFixture<LstmTool>
    {
        private readonly LstmTool _tool;
        public LstmVectorTests(LstmTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("lstm");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("lstm", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class BaVectorTests : IClassFixture<BaTool>
    {
        private readonly BaTool _tool;
        public BaVectorTests(BaTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("ba");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("ba", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }

    public sealed class HtVectorTests : IClassFixture<HtTool>
    {
        private readonly HtTool _tool;
        public HtVectorTests(HtTool tool) => _tool = tool;

        public static IEnumerable<object[]> Cases => Vectors.Cases("ht");

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReproducesReference(string module, int index, string function, string description)
        {
            Assert.Equal("ht", module);
            VectorCheck.Run(_tool, index, function, description);
        }
    }
}
