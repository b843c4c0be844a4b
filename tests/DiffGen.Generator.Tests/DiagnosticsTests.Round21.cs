using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 10, round 21 (docs/natural-csharp.md): a local array given a new array is copied into its buffer. Refused where a
    /// copy is not what C# computes: another name refers to the array, or the new array is another array of the method.
    /// </summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void Local_arrays_given_new_arrays_compile()
        {
            Compiles("static double[] Twice(double[] v) { var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = 2 * v[i]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { var a = new double[x.Length]; for (int s = 0; s < 3; s++) { a = Twice(x); a = new double[x.Length]; a = (double[])x.Clone(); } var m = new double[,] { { x[0], 1 }, { 2, x[1] } }; return a[0] + m[1, 1]; }");
        }

        [Fact]
        public void DIFF0013_NewArrayIntoALocalAnotherNameRefersTo()
        {
            var d = Expect("DIFF0013", "a = Twice(x)", "static double[] Twice(double[] v) { var r = new double[v.Length]; for (int i = 0; i < v.Length; i++) r[i] = 2 * v[i]; return r; }\n"
                + "[Differentiable] public static double F(double[] x) { var a = new double[x.Length]; var b = a; a = Twice(x); return a[0] + b[0]; }");
            Assert.Contains("another name refers to the same array", d.GetMessage());
        }

        [Fact]
        public void DIFF0013_NewArrayThatIsAnotherArrayOfTheMethod()
        {
            var d = Expect("DIFF0013", "a = Same(x)", "static double[] Same(double[] v) { v[0] = v[0]; return v; }\n"
                + "[Differentiable] public static double F(double[] x) { var a = new double[x.Length]; a = Same(x); return a[0]; }");
            Assert.Contains("another array of this method", d.GetMessage());
            d = Expect("DIFF0013", "a = Pass(b)", "static double[] Pass(double[] v) => v;\n"
                + "[Differentiable] public static double F(double[] x) { var a = new double[x.Length]; var b = new double[x.Length]; b[0] = x[0]; a = Pass(b); a[0] = 3; return b[0] * x[1]; }");
            Assert.Contains("another array of this method", d.GetMessage());
        }
    }
}
