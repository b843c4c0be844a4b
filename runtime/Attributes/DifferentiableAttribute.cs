using System;

namespace DiffGen
{
    /// <summary>
    /// Marks a static method written as plain loops for differentiation. The DiffGen generator adds
    /// <c>{Method}Forward</c> (the primal) and <c>{Method}Backward</c> (value and reverse-mode gradients)
    /// to the same partial type.
    /// </summary>
    /// <remarks>
    /// Without arguments every float/double parameter (scalars and arrays) that the method does not write
    /// is differentiated. <c>[Differentiable(nameof(a), nameof(b))]</c> restricts the gradient outputs to
    /// the named parameters.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class DifferentiableAttribute : Attribute
    {
        /// <summary>Differentiate with respect to every float/double input parameter.</summary>
        public DifferentiableAttribute() => WithRespectTo = Array.Empty<string>();

        /// <summary>Differentiate with respect to the named parameters only.</summary>
        /// <param name="withRespectTo">Parameter names, best written with <c>nameof</c>.</param>
        public DifferentiableAttribute(params string[] withRespectTo) => WithRespectTo = withRespectTo ?? Array.Empty<string>();

        /// <summary>The parameters to differentiate with respect to; empty means all float inputs.</summary>
        public string[] WithRespectTo { get; }

        /// <summary>
        /// Also generate <c>{Method}Jacobian</c> for a static <c>void</c> method with <c>T[]</c> outputs (a residual, a small
        /// layer): every row of the Jacobian of the outputs with respect to the differentiated inputs in one call, the forward
        /// sweep shared by all rows where the reverse sweep reads nothing it would have to restore (docs/api.md, Jacobians).
        /// </summary>
        public bool Jacobian { get; set; }
    }
}
