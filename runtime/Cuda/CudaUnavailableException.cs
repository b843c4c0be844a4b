using System;

namespace DiffGen.Cuda
{
    /// <summary>
    /// CUDA was asked for (a <see cref="CudaContext"/>, a <see cref="DeviceBuffer{T}"/>, the <c>cuda</c> backend)
    /// on a machine where it cannot run. The message includes <see cref="CudaEnvironment.UnavailableReason"/>, which lists
    /// every library file tried and what happened.
    /// </summary>
    public sealed class CudaUnavailableException : Exception
    {
        /// <summary>Creates the exception; <paramref name="reason"/> is appended to <paramref name="message"/>.</summary>
        public CudaUnavailableException(string message, string reason)
            : base(message + Environment.NewLine + reason)
        {
            Reason = reason;
        }

        /// <summary>Creates the exception with the standard first line and <see cref="CudaEnvironment.UnavailableReason"/>.</summary>
        public CudaUnavailableException()
            : this("CUDA is not available on this machine.", CudaEnvironment.UnavailableReason)
        {
        }

        /// <summary>Why CUDA is unavailable: the failed step and every library attempt.</summary>
        public string Reason { get; }
    }
}
