using System;
using System.ComponentModel;

namespace DiffGen.Cuda.Execution
{
    /// <summary>
    /// Backend choice for the host-array entry points of generated code. The request comes from
    /// <see cref="BackendSelector"/> (DIFFGEN_BACKEND=cpu|cuda|auto, or <see cref="BackendSelector.Override"/>).
    /// Cost rule for auto: CUDA when it is available and the call's work estimate (2·m·n·k for every raised GEMM
    /// of the backward plan, plus the input elements) reaches <see cref="BackendSelector.CudaFlopThreshold"/>; the
    /// CPU otherwise. cuda where there is no GPU, or for a method without device code, throws.
    /// </summary>
    public static class DeviceDispatch
    {
        private static IKernelDevice? s_device;

        /// <summary>
        /// The device the host-array entry points use when they go to the GPU; null (the default) means
        /// <see cref="CudaKernelDevice.Default"/>. Setting another <see cref="IKernelDevice"/> (for example a test
        /// emulator) also makes it count as available.
        /// </summary>
        public static IKernelDevice? Device
        {
            get => System.Threading.Volatile.Read(ref s_device);
            set => System.Threading.Volatile.Write(ref s_device, value);
        }

        /// <summary>The device a dispatched call runs on.</summary>
        public static IKernelDevice Current => Device ?? CudaKernelDevice.Default;

        private static bool Available => Device is not null || CudaEnvironment.IsAvailable;

        /// <summary>Is the GPU worth estimating the work for (cuda requested, or auto with a device available)?</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static bool Considered
        {
            get
            {
                var requested = BackendSelector.Requested;
                return requested == Backend.Cuda || requested == Backend.Auto && Available;
            }
        }

        /// <summary>Run this call on the GPU? Throws <see cref="CudaUnavailableException"/> when cuda is requested and there is none.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static bool UseCuda(long work) =>
            BackendSelector.Resolve(BackendSelector.Requested, work, Available, () => CudaEnvironment.UnavailableReason) == Backend.Cuda;

        /// <summary>For methods without device code: throws when CUDA was requested explicitly; does nothing otherwise.</summary>
        /// <exception cref="NotSupportedException">DIFFGEN_BACKEND=cuda (or the override) and the method has no device code.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void CpuOnly(string method, string reason)
        {
            if (BackendSelector.Requested == Backend.Cuda)
                throw new NotSupportedException(
                    $"CUDA was requested ({BackendSelector.EnvironmentVariable}=cuda or BackendSelector.Override), but {method} has no device code: {reason}. Use cpu or auto for it.");
        }
    }

    /// <summary>Argument checks of the generated device entry points; messages name the parameter.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class DeviceShapes
    {
        /// <summary>Not null and of the rank the parameter has in the method (1 for T[], 2 for T[,]).</summary>
        public static void Check<T>(DeviceArray<T> array, int rank, string name) where T : unmanaged
        {
            ArgumentNullException.ThrowIfNull(array, name);
            if (array.Rank != rank)
                throw new ArgumentException($"'{name}' is {array} but the parameter is rank {rank} ({(rank == 1 ? "a vector" : "a matrix")}).", name);
        }

        /// <summary>A gradient buffer has its parameter's shape.</summary>
        public static void SameShape<T>(DeviceArray<T> array, DeviceArray<T> gradient, string arrayName, string gradientName) where T : unmanaged
        {
            ArgumentNullException.ThrowIfNull(gradient, gradientName);
            if (gradient.Rank != array.Rank || gradient.Rows != array.Rows || gradient.Columns != array.Columns)
                throw new ArgumentException($"'{gradientName}' is {gradient} but must have the shape of '{arrayName}', {array}.", gradientName);
        }

        /// <summary>Every array lives on the device the call runs on.</summary>
        public static void SameDevice(IKernelDevice device, IKernelDevice arrayDevice, string name)
        {
            if (!ReferenceEquals(device, arrayDevice))
                throw new ArgumentException($"'{name}' lives on device '{arrayDevice.Name}', not on '{device.Name}' where this call runs.", name);
        }
    }
}
