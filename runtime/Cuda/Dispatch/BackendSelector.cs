using System;

namespace DiffGen.Cuda
{
    /// <summary>
    /// Chooses the backend for one call of generated code. The request is, by precedence: <see cref="Override"/>
    /// (set by the program), then the environment variable <c>DIFFGEN_BACKEND</c> (<c>cpu</c>, <c>cuda</c> or
    /// <c>auto</c>, case-insensitive; unset or empty means <c>auto</c>), read once, the first time a request is needed
    /// (reading the environment costs more than a small generated Forward: about 130 ns per call); change the
    /// request at run time with <see cref="Override"/>. <see cref="Resolve(long)"/>
    /// turns the request into <see cref="Backend.Cpu"/> or <see cref="Backend.Cuda"/>.
    /// </summary>
    public static class BackendSelector
    {
        /// <summary>The environment variable that selects the backend: <c>DIFFGEN_BACKEND=cpu|cuda|auto</c>.</summary>
        public const string EnvironmentVariable = "DIFFGEN_BACKEND";

        /// <summary>
        /// The work, in floating-point operations, from which <see cref="Backend.Auto"/> picks CUDA: 1e8 (100 MFLOP).
        /// Below it the fixed cost of a GPU round trip (host-device copies of the operands, kernel launches,
        /// synchronization: tens of microseconds) exceeds what the GPU saves over a multi-core SIMD CPU, which does
        /// 1e8 FLOP in roughly a millisecond. For NT-Xent with batch N and dimension D the similarity GEMM alone is
        /// 2·(2N)²·D FLOP, so N = 256, D = 128 (about 6.7e7) stays on the CPU and N = 512, D = 128 (2.7e8) goes to the GPU.
        /// </summary>
        public const long CudaFlopThreshold = 100_000_000;

        private static int s_override = -1;

        /// <summary>
        /// A program-wide request that takes precedence over <c>DIFFGEN_BACKEND</c>; null (the default) defers to the
        /// environment variable. Setting <see cref="Backend.Auto"/> forces auto even when the variable says otherwise.
        /// </summary>
        public static Backend? Override
        {
            get
            {
                int value = System.Threading.Volatile.Read(ref s_override);
                return value < 0 ? null : (Backend)value;
            }
            set
            {
                if (value is { } v && !Enum.IsDefined(v))
                    throw new ArgumentOutOfRangeException(nameof(value), v, "Not a Backend value.");
                System.Threading.Volatile.Write(ref s_override, value is { } b ? (int)b : -1);
            }
        }

        /// <summary>
        /// The request in effect: <see cref="Override"/> if set, else <c>DIFFGEN_BACKEND</c> parsed by <see cref="Parse"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">DIFFGEN_BACKEND has a value other than cpu, cuda or auto.</exception>
        public static Backend Requested
        {
            get
            {
                if (Override is { } forced) return forced;
                var raw = System.Threading.Volatile.Read(ref s_environment);
                if (raw is null)
                {
                    raw = new EnvironmentValue(Environment.GetEnvironmentVariable(EnvironmentVariable));
                    System.Threading.Volatile.Write(ref s_environment, raw);
                }
                if (TryParse(raw.Text, out Backend parsed)) return parsed;
                throw new InvalidOperationException(
                    $"The environment variable {EnvironmentVariable} is '{raw.Text}', which is not a backend; use cpu, cuda or auto (or leave it unset for auto).");
            }
        }

        /// <summary>The variable's value as read (null: unset), boxed so that "not read yet" is a null reference.</summary>
        private sealed record EnvironmentValue(string? Text);

        private static EnvironmentValue? s_environment;

        /// <summary>Forgets the value of <c>DIFFGEN_BACKEND</c> read so far: the next request reads it again (tests that set it).</summary>
        internal static void ReloadEnvironment() => System.Threading.Volatile.Write(ref s_environment, null);

        /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>auto</c> (case-insensitive, surrounding blanks ignored); null or blank is Auto.</summary>
        /// <exception cref="ArgumentException">Any other value.</exception>
        public static Backend Parse(string? value)
        {
            if (TryParse(value, out Backend backend)) return backend;
            throw new ArgumentException($"'{value}' is not a backend; expected cpu, cuda or auto.", nameof(value));
        }

        /// <summary>As <see cref="Parse"/>, returning false instead of throwing.</summary>
        public static bool TryParse(string? value, out Backend backend)
        {
            string text = value?.Trim() ?? string.Empty;
            if (text.Length == 0 || text.Equals("auto", StringComparison.OrdinalIgnoreCase)) { backend = Backend.Auto; return true; }
            if (text.Equals("cpu", StringComparison.OrdinalIgnoreCase)) { backend = Backend.Cpu; return true; }
            if (text.Equals("cuda", StringComparison.OrdinalIgnoreCase)) { backend = Backend.Cuda; return true; }
            backend = Backend.Auto;
            return false;
        }

        /// <summary>
        /// The backend for a call doing <paramref name="flops"/> floating-point operations, under <see cref="Requested"/>:
        /// Cpu → Cpu; Cuda → Cuda, or <see cref="CudaUnavailableException"/> (with <see cref="CudaEnvironment.UnavailableReason"/>)
        /// when CUDA cannot run; Auto → Cuda when <see cref="CudaEnvironment.IsAvailable"/> and <paramref name="flops"/> ≥
        /// <see cref="CudaFlopThreshold"/>, else Cpu. Never returns <see cref="Backend.Auto"/>.
        /// </summary>
        /// <param name="flops">An estimate of the call's floating-point operations (the generator computes it from the shapes).</param>
        public static Backend Resolve(long flops) => Resolve(Requested, flops);

        /// <summary>As <see cref="Resolve(long)"/> for an explicit request.</summary>
        /// <param name="requested">The request.</param>
        /// <param name="flops">An estimate of the call's floating-point operations.</param>
        public static Backend Resolve(Backend requested, long flops)
        {
            // Cpu, and Auto below the threshold, never touch the CUDA probe: small and CPU-only runs pay nothing for it.
            ArgumentOutOfRangeException.ThrowIfNegative(flops);
            if (requested == Backend.Cpu || (requested == Backend.Auto && flops < CudaFlopThreshold)) return Backend.Cpu;
            return Resolve(requested, flops, CudaEnvironment.IsAvailable, () => CudaEnvironment.UnavailableReason);
        }

        /// <summary>The rule itself, with availability given (tests simulate a GPU machine with it).</summary>
        internal static Backend Resolve(Backend requested, long flops, bool cudaAvailable, Func<string> unavailableReason)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(flops);
            switch (requested)
            {
                case Backend.Cpu:
                    return Backend.Cpu;
                case Backend.Cuda:
                    if (!cudaAvailable)
                        throw new CudaUnavailableException(
                            $"The CUDA backend was requested (by {nameof(BackendSelector)}.{nameof(Override)} or {EnvironmentVariable}) but CUDA is not available; use cpu or auto.",
                            unavailableReason());
                    return Backend.Cuda;
                case Backend.Auto:
                    return cudaAvailable && flops >= CudaFlopThreshold ? Backend.Cuda : Backend.Cpu;
                default:
                    throw new ArgumentOutOfRangeException(nameof(requested), requested, "Not a Backend value.");
            }
        }
    }
}
