using System;
using System.Linq;
using DiffGen.Cuda;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests.Device
{
    /// <summary>The generated device entry points on bad input, and the restore tape growing on the device.</summary>
    public sealed class DeviceEntryPointTests
    {
        private static float[,] Random2D(int rows, int cols, int seed)
        {
            var r = new Random(seed);
            var a = new float[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    a[i, j] = (float)(2 * r.NextDouble() - 1);
            return a;
        }

        [GxxFact]
        public void Wrong_rank_wrong_gradient_shape_and_foreign_device_are_argument_errors_naming_the_parameter()
        {
            var dev = new EmulatedDevice();
            using var zi = DeviceArray<float>.Upload(dev, Random2D(4, 3, 1));
            using var zj = DeviceArray<float>.Upload(dev, Random2D(4, 3, 2));
            using var vector = DeviceArray<float>.Zeros(dev, 12);
            using var badGrad = DeviceArray<float>.Zeros(dev, 4, 2);
            using var grad = DeviceArray<float>.Zeros(dev, 4, 3);
            var other = new EmulatedDevice();
            using var foreign = DeviceArray<float>.Upload(other, Random2D(4, 3, 3));

            var e1 = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentFForward(vector, zj, 0.5f));
            Assert.Equal("zi", e1.ParamName);
            var e2 = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentFBackward(zi, zj, 0.5f, grad, badGrad, out _));
            Assert.Equal("zjGrad", e2.ParamName);
            Assert.Contains("[4, 3]", e2.Message);
            var e3 = Assert.Throws<ArgumentException>(() => NtXentCorpus.NtXentFForward(zi, foreign, 0.5f));
            Assert.Equal("zj", e3.ParamName);
            Assert.Throws<ArgumentNullException>(() => NtXentCorpus.NtXentFForward(zi, null!, 0.5f));
            Assert.Equal(0, dev.LiveAllocations - 5);
        }

        /// <summary>
        /// The user's own argument checks run in the device-resident overloads too (they were printed only in the host-array
        /// ones, so a NaN scale went through the device code): the same exception, naming the same parameter, before
        /// anything runs on the device. The check reads the array through Length only, so it compiles on a DeviceArray.
        /// </summary>
        [GxxFact]
        public void The_methods_own_argument_checks_run_in_the_device_resident_overloads()
        {
            var dev = new EmulatedDevice();
            using var x = DeviceArray<double>.Upload(dev, new[] { 1.0, -2.0, 0.5 });
            using var xGrad = DeviceArray<double>.Zeros(dev, 3);
            var host = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareForward(new[] { 1.0, -2.0, 0.5 }, double.NaN));
            var forward = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareForward(x, double.NaN));
            var backward = Assert.Throws<ArgumentOutOfRangeException>(() => NaturalIdioms.GuardedMeanSquareBackward(x, double.NaN, xGrad, out _));
            Assert.Equal("scale", host.ParamName);
            Assert.Equal("scale", forward.ParamName);
            Assert.Equal("scale", backward.ParamName);
            Assert.Equal(host.Message, forward.Message);
            // and a valid call still runs on the device and matches the host
            double value = NaturalIdioms.GuardedMeanSquareForward(x, 2.0);
            Assert.Equal(NaturalIdioms.GuardedMeanSquare(new[] { 1.0, -2.0, 0.5 }, 2.0), value, 12); // the user's method (no dispatch)
        }

        [GxxFact]
        public void An_index_outside_an_array_in_device_code_throws_like_the_cpu_and_names_the_array()
        {
            // zj has fewer rows than zi: the user's loop reads zj[r, d] for r < rows(zi).
            var zi = Random2D(4, 3, 1);
            var zj = Random2D(3, 3, 2);
            Assert.Throws<IndexOutOfRangeException>(() => NtXentCorpus.NtXentFForward(zi, zj, 0.5f));
            var dev = new EmulatedDevice();
            using var dzi = DeviceArray<float>.Upload(dev, zi);
            using var dzj = DeviceArray<float>.Upload(dev, zj);
            var e = Assert.Throws<IndexOutOfRangeException>(() => NtXentCorpus.NtXentFForward(dzi, dzj, 0.5f));
            Assert.Contains("'zj'", e.Message);
            Assert.Equal(2, dev.LiveAllocations); // the call's scratch went back
        }

        [GxxFact]
        public void The_restore_tape_grows_when_the_device_code_stores_more_than_it_holds()
        {
            // PowerSeries stores two values per inner iteration (t.Length x c.Length of them): at 150 x 150 that is 45000,
            // far past the tape's first size, so the run repeats with a larger tape and must still match the CPU.
            var c = DeviceCases.All(typeof(DeviceEntryPointTests).Assembly).Single(x => x.Name == "Transforms.PowerSeries");
            var r = DeviceCases.Run(c, new EmulatedDevice(), seed: 3, size: 150);
            Assert.True(r.MaxRelativeError <= 1e-10, $"{r.Worst}: {r.MaxRelativeError}");
        }
    }

    /// <summary>Tests that change the process-wide backend choice run alone.</summary>
    [CollectionDefinition("Backend selection", DisableParallelization = true)]
    public sealed class BackendSelectionCollection
    {
    }

    /// <summary>The host-array entry points choosing the GPU: DIFFGEN_BACKEND / override, the cost rule, missing GPU, methods without device code.</summary>
    [Collection("Backend selection")]
    public sealed class DeviceDispatchTests : IDisposable
    {
        public void Dispose()
        {
            BackendSelector.Override = null;
            DeviceDispatch.Device = null;
        }

        [GxxFact]
        public void Cuda_requested_runs_the_host_arrays_through_the_device_and_matches_the_cpu()
        {
            var r = new Random(5);
            var zi = new double[6, 4];
            var zj = new double[6, 4];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 4; j++) { zi[i, j] = r.NextDouble() - 0.5; zj[i, j] = r.NextDouble() - 0.5; }
            var gi = new double[6, 4];
            var gj = new double[6, 4];
            BackendSelector.Override = Backend.Cpu;
            double cpu = NtXentCorpus.NtXentBackward(zi, zj, 0.3, gi, gj, out double gtau);

            var dev = new CountingDevice(new EmulatedDevice());
            DeviceDispatch.Device = dev;
            BackendSelector.Override = Backend.Cuda;
            var hi = new double[6, 4];
            var hj = new double[6, 4];
            double gpu = NtXentCorpus.NtXentBackward(zi, zj, 0.3, hi, hj, out double htau);
            Assert.True(dev.Launches > 0);
            Assert.Equal(cpu, gpu, 1e-12);
            Assert.Equal(gtau, htau, 1e-12);
            Assert.True(DeviceCases.Relative(gi.Cast<double>().ToArray(), hi.Cast<double>().ToArray()) < 1e-10);
            Assert.True(DeviceCases.Relative(gj.Cast<double>().ToArray(), hj.Cast<double>().ToArray()) < 1e-10);
            Assert.Equal(NtXentCorpus.NtXent(zi, zj, 0.3), NtXentCorpus.NtXentForward(zi, zj, 0.3), 1e-12);
        }

        [GxxFact]
        public void Auto_keeps_small_problems_on_the_cpu_even_with_a_device()
        {
            var dev = new CountingDevice(new EmulatedDevice());
            DeviceDispatch.Device = dev;
            BackendSelector.Override = Backend.Auto;
            var z = new double[4, 3];
            z[0, 0] = 1; z[1, 1] = 1; z[2, 2] = 1; z[3, 0] = -1;
            NtXentCorpus.NtXentForward(z, z, 0.5);
            Assert.Equal(0, dev.Launches);
            Assert.True(NtXentCorpus.__NtXentCudaWork(z, z, 0.5) < BackendSelector.CudaFlopThreshold);
            // the work estimate grows with the problem: 2·N²·D per GEMM, three GEMMs for NT-Xent forward + backward
            var big = new double[1024, 128];
            Assert.True(NtXentCorpus.__NtXentCudaWork(big, big, 0.5) >= BackendSelector.CudaFlopThreshold);
        }

        [Fact]
        public void Cuda_requested_without_a_gpu_is_a_clear_error_not_a_fallback()
        {
            if (Cuda.CudaEnvironment.IsAvailable) return; // this machine has a GPU: the request is honoured (covered by the GPU check)
            BackendSelector.Override = Backend.Cuda;
            var z = new float[4, 3];
            var e = Assert.Throws<CudaUnavailableException>(() => NtXentCorpus.NtXentFForward(z, z, 0.5f));
            Assert.Contains("CUDA is not available", e.Message);
        }

        [Fact]
        public void Cuda_requested_for_a_method_without_device_code_says_why()
        {
            BackendSelector.Override = Backend.Cuda;
            var z = new double[4][];
            for (int i = 0; i < 4; i++) z[i] = new double[3];
            var e = Assert.Throws<NotSupportedException>(() => NtXentCorpus.NtXentJaggedForward(z, z, 0.5));
            Assert.Contains("jagged", e.Message);
            Assert.Contains("NtXentJagged", e.Message);
            BackendSelector.Override = Backend.Cpu;
            NtXentCorpus.NtXentJaggedForward(z, z, 0.5); // fine on the CPU
        }
    }
}
