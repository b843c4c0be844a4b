using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// Runs the generated device code (host orchestration, kernels, GEMMs) of every corpus method on the g++ emulation
    /// of a GPU and compares Forward and Backward — value, gradients, outputs — with the CPU backend on the same
    /// inputs. This is what the GPU check (tests/gpu/run.sh) does on real hardware.
    /// </summary>
    public sealed class DeviceEmulationTests(ITestOutputHelper output)
    {
        public static IEnumerable<object[]> Cases() =>
            DeviceCases.All(typeof(DeviceEmulationTests).Assembly).Select(c => new object[] { c.Name });

        [GxxTheory]
        [MemberData(nameof(Cases))]
        public void Device_code_matches_the_cpu_backend(string method)
        {
            var c = DeviceCases.All(typeof(DeviceEmulationTests).Assembly).Single(x => x.Name == method);
            var device = new EmulatedDevice();
            var r = DeviceCases.Run(c, device);
            output.WriteLine($"{r.Name}: inputs {r.Inputs}; {r.Launches} kernel launches; max relative difference {r.MaxRelativeError:E2} ({r.Worst})");
            Assert.True(r.Launches > 0, "nothing ran on the device");
            Assert.True(r.MaxRelativeError <= (c.IsFloat ? 1e-4 : 1e-10), $"{r.Name}: {r.Worst} differs by {r.MaxRelativeError:E3} (relative)");
            Assert.Equal(0, device.LiveAllocations);
        }
    }
}
