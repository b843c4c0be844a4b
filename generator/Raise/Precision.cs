using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Float code that calls Math's double overloads through casts — <c>(float)Math.Exp(x / tau)</c>, the way a
    /// double port is usually turned into float — is read as the float function it means (<c>MathF.Exp(x / tau)</c>).
    /// Why: the cast hides the exp/log/sqrt from the later rewrites (stable log-sum-exp above all), so the float
    /// method would keep an unshifted <c>exp(s / tau)</c>, whose sums and squares overflow float32 at small
    /// temperatures and silently zero whole gradient rows. Only a narrowing cast of a Math call whose arguments are
    /// all widened floats (or constants) is rewritten; the value differs from the double round trip by at most an
    /// ulp of the float result, which is what MathF guarantees anyway.
    /// </summary>
    internal static class Precision
    {
        public static List<Stmt> NarrowMathCalls(IEnumerable<Stmt> body, List<string> explained)
        {
            var found = new SortedSet<string>(System.StringComparer.Ordinal);
            var output = body.Select(s => IrRewriter.Map(s, e => Narrow(e, found))).ToList();
            explained.AddRange(found.Select(fn => $"(float)Math.{fn}((double)x) computed as MathF.{fn}(x)"));
            return output;
        }

        /// <summary>Bottom-up: children first, so nested casts (<c>(float)Math.Exp((float)Math.Log(x))</c>) narrow too.</summary>
        private static Expr? Narrow(Expr e, SortedSet<string> found)
        {
            if (e is not Convert { Type: { Elem: Scalar.Float, IsArray: false } } c) return null;
            var operand = IrRewriter.Map(c.Operand, x => Narrow(x, found));
            if (operand is Intrinsic { Type.Elem: Scalar.Double } f && f.Args.All(IsWidenedFloat))
            {
                found.Add(f.Fn.ToString());
                return new Intrinsic(f.Fn, f.Args.Select(ToFloat).ToEquatable(), IrType.Float);
            }
            return c with { Operand = operand };
        }

        private static bool IsWidenedFloat(Expr a)
            => a is Convert { Operand.Type: { Elem: Scalar.Float, IsArray: false } } || a is Const { Type.Elem: Scalar.Double or Scalar.Float or Scalar.Int };

        private static Expr ToFloat(Expr a)
            => a is Convert cv ? cv.Operand : new Const(((Const)a).Value, IrType.Float);
    }
}
