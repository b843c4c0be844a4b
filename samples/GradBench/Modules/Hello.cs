using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "hello" (evals/hello/README.md): <c>square</c> is f(x) = x^2 and <c>double</c> is its
    /// derivative 2x. Only the square is written; the derivative comes from the generated
    /// <c>SquareBackward</c>.
    /// </summary>
    public static partial class Hello
    {
        [Differentiable]
        public static double Square(double x)
        {
            return x * x;
        }
    }
}
