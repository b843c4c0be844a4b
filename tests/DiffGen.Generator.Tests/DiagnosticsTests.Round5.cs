using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, fifth round of natural idioms (docs/natural-csharp.md): the forms next to the newly accepted ones that stay rejected.</summary>
    public partial class DiagnosticsTests
    {
        [Fact]
        public void DIFF0005_InstanceMethodOfAnotherObject()
        {
            // since round 8 an object held in a field (static here) is a receiver: its members are read once at entry
            Assert.Empty(Problems("public sealed class Act { public double A = 0.1; public double Apply(double z) => z > 0 ? z : A * z; }\n"
                + "private static readonly Act _act = new Act();\n[Differentiable] public static double F(double[] x) => _act.Apply(x[0]);"));
            // since the twenty-fourth session an element of an array of objects is one too: each member read from the elements
            // is gathered from all of them (Parse/ObjectArrays.cs)
            Assert.Empty(Problems("public sealed class Act { public double A = 0.1; public double Apply(double z) => z > 0 ? z : A * z; }\n"
                + "private static readonly Act[] _acts = { new Act() };\n[Differentiable] public static double F(double[] x) => _acts[0].Apply(x[0]);"));
            // an object that is neither this one, a parameter, nor held in a field: rejected, with what to write
            var d = Expect("DIFF0005", "new Act().Apply(x[0])", "public sealed class Act { public double A = 0.1; public double Apply(double z) => z > 0 ? z : A * z; }\n"
                + "[Differentiable] public static double F(double[] x) => new Act().Apply(x[0]);");
            Assert.Contains("make it static and pass what it reads as parameters", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_PartOfAnArrayWhoseLengthChangesInALoop()
        {
            // since 2026-12-05 a part whose length follows the loop counter is copied into a buffer of the largest length
            Assert.Empty(Problems("static double Sum(ReadOnlySpan<double> v) { double s = 0; foreach (var t in v) s += t; return s; }\n"
                + "[Differentiable] public static double F(double[] x) { double s = 0; for (int i = 1; i < x.Length; i++) s += Sum(x.AsSpan(0, i)) * x[i]; return s; }"));
            // a length computed in the body with no bound before the loop
            var d = Expect("DIFF0004", "x.AsSpan(0, m)", "static double Sum(ReadOnlySpan<double> v) { double s = 0; foreach (var t in v) s += t; return s; }\n"
                + "[Differentiable] public static double F(double[] x) { double s = 0; for (int i = 1; i < x.Length; i++) { int m = i % 3 + 1; s += Sum(x.AsSpan(0, m)) * x[i]; } return s; }");
            Assert.Contains("pass the whole array with the start and the length as int parameters", d.GetMessage());
        }

        [Fact]
        public void DIFF0004_PartOfAnArrayNextToTheSameArrayWhenTheHelperWrites()
        {
            var d = Expect("DIFF0004", "t.AsSpan(1, 3)", "static void AddInto(Span<double> y, double[] x) { for (int i = 0; i < y.Length; i++) y[i] += x[i]; }\n"
                + "[Differentiable] public static double F(double[] x) { var t = (double[])x.Clone(); AddInto(t.AsSpan(1, 3), t); return t[0] * t[1] + t[2]; }");
            Assert.Contains("copy the part into a local array first", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_GenericHelperThatDoesNotCompileForDouble()
        {
            // a generic helper is instantiated for the call's type; one whose body does not compile written for double is reported at the call
            var d = Expect("DIFF0005", "Pi2(x[0])", "static T Pi2<T>(T v) where T : IFloatingPointConstants<T>, INumber<T> => v * T.Pi * T.NegativeOne;\n"
                + "[Differentiable] public static double F(double[] x) => Pi2(x[0]);", "using System.Numerics;\npublic static partial class C {\n");
            Assert.Contains("write the helper for double", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_ProblemInsideAGenericHelperIsReportedAtTheCall()
        {
            var d = Expect("DIFF0005", "Bad(x[0])", "static T Bad<T>(T v) where T : INumber<T> { var r = Random.Shared.NextDouble(); return v * v; }\n"
                + "[Differentiable] public static double F(double[] x) => Bad(x[0]) + x[1];", "using System.Numerics;\npublic static partial class C {\n");
            Assert.Contains("Random", d.GetMessage());
        }

        [Fact]
        public void Span_views_written_or_whose_array_is_written_are_accepted()
        {
            // round 11: a span local is a view of its part (SpanViews.cs), so writes on either side meet, as in C#
            Compiles("[Differentiable] public static double F(double[] x) { var t = (double[])x.Clone(); var row = t.AsSpan(0, 3); t[0] = 5; return row[0] * t[1]; }", "");
            Compiles("[Differentiable] public static double F(double[] x) { var t = (double[])x.Clone(); var row = t.AsSpan(0, 3); Array.Fill(t, 2.0); row[1] *= x[0]; return row[0] + t[1]; }", "");
            Compiles("[Differentiable] public static double F(double[] x) { var a = (double[])x.Clone(); var row = a.AsSpan(0, 2); var t = a; t[0] = 4; return row[0] + a[1]; }", "");
        }

        [Fact]
        public void DIFF0002_SpanViewReboundOrItsArrayReplaced()
        {
            var d = Expect("DIFF0002", "t = x.AsSpan(0, 2)", "[Differentiable] public static double F(double[] x) { var t = x.AsSpan(0, 2); double s = t[0]; t = x.AsSpan(1, 2); return s + t[0]; }");
            Assert.Contains("'t' is made to view another part later", d.GetMessage());
            Assert.Contains("declare a second span local", d.GetMessage());
            d = Expect("DIFF0002", "row = cur.AsSpan(0, 2)", "[Differentiable] public static double F(double[] x) { var cur = (double[])x.Clone(); var next = new double[x.Length]; var row = cur.AsSpan(0, 2); var tmp = cur; cur = next; next = tmp; return row[0] + cur[0]; }");
            Assert.Contains("'cur' is assigned another array while 'row' views it", d.GetMessage());
            Assert.Single(Problems("[Differentiable] public static double F(double[] x) { var t = x.AsSpan(0, 2); double s = t[0]; t = x.AsSpan(1, 2); return s + t[0]; }"));
        }

        [Fact]
        public void DIFF0004_PartOfASwappedArrayNextToItsOtherName()
        {
            var d = Expect("DIFF0004", "next.AsSpan(0, 2)", "static void AddInto(Span<double> y, double[] x) { for (int i = 0; i < y.Length; i++) y[i] += x[i]; }\n"
                + "[Differentiable] public static double F(double[] x) { var cur = (double[])x.Clone(); var next = new double[x.Length];\n"
                + "for (int s = 0; s < 2; s++) { var t = cur; cur = next; next = t; AddInto(next.AsSpan(0, 2), t); } return cur[0] * next[1]; }");
            Assert.Contains("another argument may be the same array", d.GetMessage());
        }

        [Fact]
        public void DIFF0005_SelectOverSomethingOtherThanAnArray()
        {
            // x.Select((v, i) => ...).Sum() is accepted since round 11, a block ending in its only return since round 22; a block
            // with two returns is not
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x) => System.Linq.Enumerable.Sum(System.Linq.Enumerable.Select(x, (v, i) => v * i));"));
            Assert.Empty(Problems("[Differentiable] public static double F(double[] x) => System.Linq.Enumerable.Sum(System.Linq.Enumerable.Select(x, v => { double w = v * v; return w; }));"));
            var d = Expect("DIFF0005", "x.Select(v => { if (v > 0) return v; return -v; }).Sum()", "[Differentiable] public static double F(double[] x) => x.Select(v => { if (v > 0) return v; return -v; }).Sum();", "using System.Linq;\npublic static partial class C {\n");
            Assert.Contains("x.Select((v, i) => expression)", d.GetMessage());
        }

        [Fact]
        public void DIFF0002_StackallocOrNewOfDifferentLengths()
        {
            var d = Expect("DIFF0002", "d = n <= 4", "[Differentiable] public static double F(double[] x, int n) { Span<double> d = n <= 4 ? stackalloc double[4] : new double[n]; d[0] = x[0]; return d[0] * d[0]; }");
            Assert.Contains("index the array with the offset", d.GetMessage());
        }
    }
}
