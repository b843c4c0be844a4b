using System;

namespace DiffGen
{
    /// <summary>
    /// Marks a float/double parameter of a <see cref="DifferentiableAttribute"/> method as a constant of the
    /// differentiation: a target, label, weight or mask that the gradient is not wanted for.
    /// </summary>
    /// <remarks>
    /// A constant parameter gets no <c>{p}Grad</c> parameter in the generated <c>{Method}Backward</c>, and the
    /// generated adjoint carries no derivative for it (like an int label). Use it instead of listing the other
    /// parameters with <c>[Differentiable(nameof(a), ...)]</c>: the mark stays next to the parameter, and a parameter
    /// added later is differentiated by default.
    /// It is an error (DIFF0017) to combine it with a <c>[Differentiable(...)]</c> list that names the same parameter,
    /// to put it on an array the method writes (an output), or for a caller to pass a value that carries a derivative
    /// into a constant parameter of another <c>[Differentiable]</c> method (the derivative would be lost).
    /// </remarks>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class ConstantAttribute : Attribute
    {
    }
}
