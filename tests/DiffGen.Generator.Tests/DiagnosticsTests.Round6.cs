using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, sixth round of natural idioms (docs/natural-csharp.md): the forms that stay rejected, and what their message says to write.</summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void DIFF0003_GotoCase()
        {
            var d = Expect("DIFF0003", "goto case 1;", "[Differentiable] public static double F(double[] x, int mode) { double s = x[0] * x[0];\n"
                + "switch (mode) { case 0: s *= 2; goto case 1; case 1: s += 1; break; default: s = Math.Sqrt(s); break; }\nreturn s; }");
            Assert.Contains("repeat the target section's statements", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_RefLocalToAnArrayElement()
        {
            var d = Expect("DIFF0004", "ref acc[i % 3]", "[Differentiable] public static double F(double[] x) { var acc = new double[3];\n"
                + "for (int i = 0; i < x.Length; i++) { ref double slot = ref acc[i % 3]; slot += x[i] * x[i]; }\nreturn acc[0] + acc[1] * acc[2]; }");
            Assert.Contains("index the array where the local is used", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_PostDecrementLoopWhoseBodyMovesTheCounter()
        {
            // 'for (int i = n; i-- > 0;)' is a counted loop only while the body leaves the counter alone; otherwise it is the general form,
            // whose condition (a decrement inside an expression) stays refused
            var d = Expect("DIFF0004", "i--", "[Differentiable] public static double F(double[] x) { double s = 0;\n"
                + "for (int i = x.Length; i-- > 0;) { s += x[i] * x[i]; if (i > 2) i--; }\nreturn s; }");
            Assert.Contains("write it as its own statement", d.GetMessage());
        }
    }
}
