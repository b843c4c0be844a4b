using System;
using Xunit;

namespace DiffGen.Cuda.Tests
{
    /// <summary>The dispatch rule. These tests change process-wide state (the environment variable, the override),
    /// so they run in one non-parallel collection and restore what they change. The variable is read once per process;
    /// SetVariable makes each change visible.</summary>
    [CollectionDefinition(nameof(BackendSelectorTests), DisableParallelization = true)]
    public sealed class BackendSelectorCollection
    {
    }

    [Collection(nameof(BackendSelectorTests))]
    public sealed class BackendSelectorTests : IDisposable
    {
        private readonly string? _savedVariable = Environment.GetEnvironmentVariable(BackendSelector.EnvironmentVariable);
        private readonly Backend? _savedOverride = BackendSelector.Override;

        public BackendSelectorTests()
        {
            BackendSelector.Override = null;
            SetVariable(null);
        }

        public void Dispose()
        {
            SetVariable(_savedVariable);
            BackendSelector.Override = _savedOverride;
        }

        private static void SetVariable(string? value)
        {
            Environment.SetEnvironmentVariable(BackendSelector.EnvironmentVariable, value);
            BackendSelector.ReloadEnvironment();
        }

        [Fact]
        public void The_environment_variable_is_read_once_until_reloaded()
        {
            SetVariable("cpu");
            Assert.Equal(Backend.Cpu, BackendSelector.Requested);
            Environment.SetEnvironmentVariable(BackendSelector.EnvironmentVariable, "cuda");
            Assert.Equal(Backend.Cpu, BackendSelector.Requested); // the value read first stays in effect
            BackendSelector.ReloadEnvironment();
            Assert.Equal(Backend.Cuda, BackendSelector.Requested);
        }

        private static string NoReason() => "simulated: no GPU";

        [Theory]
        [InlineData(null, Backend.Auto)]
        [InlineData("", Backend.Auto)]
        [InlineData("   ", Backend.Auto)]
        [InlineData("auto", Backend.Auto)]
        [InlineData("AUTO", Backend.Auto)]
        [InlineData("cpu", Backend.Cpu)]
        [InlineData("Cpu", Backend.Cpu)]
        [InlineData(" cpu ", Backend.Cpu)]
        [InlineData("cuda", Backend.Cuda)]
        [InlineData("CUDA", Backend.Cuda)]
        public void The_environment_variable_is_parsed_case_insensitively(string? value, Backend expected)
        {
            SetVariable(value);
            Assert.Equal(expected, BackendSelector.Requested);
            Assert.Equal(expected, BackendSelector.Parse(value));
            Assert.True(BackendSelector.TryParse(value, out Backend parsed));
            Assert.Equal(expected, parsed);
        }

        [Theory]
        [InlineData("gpu")]
        [InlineData("cuda12")]
        [InlineData("1")]
        [InlineData("cpu,cuda")]
        public void An_invalid_environment_value_is_a_clear_error_naming_the_variable(string value)
        {
            SetVariable(value);
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => BackendSelector.Requested);
            Assert.Contains("DIFFGEN_BACKEND", e.Message);
            Assert.Contains($"'{value}'", e.Message);
            Assert.Contains("cpu, cuda or auto", e.Message);
            Assert.Throws<InvalidOperationException>(() => BackendSelector.Resolve(1));

            ArgumentException parse = Assert.Throws<ArgumentException>(() => BackendSelector.Parse(value));
            Assert.Equal("value", parse.ParamName);
            Assert.False(BackendSelector.TryParse(value, out _));
        }

        [Fact]
        public void The_override_takes_precedence_over_the_environment()
        {
            SetVariable("cuda");
            BackendSelector.Override = Backend.Cpu;
            Assert.Equal(Backend.Cpu, BackendSelector.Requested);
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(long.MaxValue));

            // Even an invalid variable is not read while an override is set.
            SetVariable("nonsense");
            Assert.Equal(Backend.Cpu, BackendSelector.Requested);
            BackendSelector.Override = Backend.Auto;
            Assert.Equal(Backend.Auto, BackendSelector.Requested);

            BackendSelector.Override = null;
            SetVariable("cpu");
            Assert.Null(BackendSelector.Override);
            Assert.Equal(Backend.Cpu, BackendSelector.Requested);
        }

        [Fact]
        public void An_undefined_override_value_is_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => BackendSelector.Override = (Backend)42);
            Assert.Null(BackendSelector.Override);
        }

        [Fact]
        public void Auto_uses_CUDA_only_from_the_documented_threshold_when_available()
        {
            Assert.Equal(100_000_000, BackendSelector.CudaFlopThreshold);
            long t = BackendSelector.CudaFlopThreshold;
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Auto, 0, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Auto, t - 1, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cuda, BackendSelector.Resolve(Backend.Auto, t, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cuda, BackendSelector.Resolve(Backend.Auto, long.MaxValue, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Auto, t, cudaAvailable: false, NoReason));
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Auto, long.MaxValue, cudaAvailable: false, NoReason));
        }

        [Fact]
        public void Cpu_is_always_cpu_and_explicit_cuda_is_cuda_when_available()
        {
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Cpu, long.MaxValue, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Cpu, 0, cudaAvailable: false, NoReason));
            Assert.Equal(Backend.Cuda, BackendSelector.Resolve(Backend.Cuda, 0, cudaAvailable: true, NoReason));
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Cpu, 0));
        }

        [Fact]
        public void Explicit_cuda_without_CUDA_throws_with_the_reason()
        {
            CudaUnavailableException e = Assert.Throws<CudaUnavailableException>(
                () => BackendSelector.Resolve(Backend.Cuda, 1, cudaAvailable: false, NoReason));
            Assert.Equal("simulated: no GPU", e.Reason);
            Assert.Contains("simulated: no GPU", e.Message);
            Assert.Contains("DIFFGEN_BACKEND", e.Message);
        }

        [NoGpuFact]
        public void On_this_machine_auto_is_cpu_and_cuda_throws_with_the_real_reason()
        {
            Assert.Equal(Backend.Cpu, BackendSelector.Resolve(Backend.Auto, long.MaxValue));
            SetVariable("cuda");
            CudaUnavailableException e = Assert.Throws<CudaUnavailableException>(() => BackendSelector.Resolve(1_000_000_000));
            Assert.Equal(CudaEnvironment.UnavailableReason, e.Reason);
            Assert.Contains("libcuda.so.1", e.Message);

            BackendSelector.Override = Backend.Cuda;
            SetVariable(null);
            Assert.Throws<CudaUnavailableException>(() => BackendSelector.Resolve(0));
        }

        [Fact]
        public void Resolve_never_returns_auto_and_rejects_negative_work()
        {
            foreach (Backend requested in new[] { Backend.Auto, Backend.Cpu })
                foreach (long flops in new[] { 0L, 1L, BackendSelector.CudaFlopThreshold, long.MaxValue })
                    Assert.NotEqual(Backend.Auto, BackendSelector.Resolve(requested, flops));
            Assert.Throws<ArgumentOutOfRangeException>(() => BackendSelector.Resolve(Backend.Auto, -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => BackendSelector.Resolve((Backend)7, 1, cudaAvailable: true, NoReason));
        }
    }
}
