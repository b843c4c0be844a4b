using System;
using System.Linq;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.IR
{
    /// <summary>Structural rewrites: rebuilds only what changes.</summary>
    internal static class IrRewriter
    {
        /// <summary>Replaces sub-expressions top-down: where <paramref name="map"/> returns non-null, that replaces the node.</summary>
        public static Expr Map(Expr e, Func<Expr, Expr?> map)
        {
            var m = map(e);
            if (m is not null) return m;
            switch (e)
            {
                case ElemRef el: return el with { Indices = el.Indices.Select(i => Map(i, map)).ToEquatable() };
                case ArrayRef { Row: { } r } ar: return ar with { Row = Map(r, map) };
                case LengthOf { Row: { } r } l: return l with { Row = Map(r, map) };
                case Unary u: return u with { Operand = Map(u.Operand, map) };
                case Binary b: return b with { Left = Map(b.Left, map), Right = Map(b.Right, map) };
                case Intrinsic f: return f with { Args = f.Args.Select(a => Map(a, map)).ToEquatable() };
                case Conditional c: return c with { Condition = Map(c.Condition, map), WhenTrue = Map(c.WhenTrue, map), WhenFalse = Map(c.WhenFalse, map) };
                case Convert cv: return cv with { Operand = Map(cv.Operand, map) };
                case Invoke inv: return inv with { Args = inv.Args.Select(a => Map(a, map)).ToEquatable() };
                default: return e;
            }
        }

        /// <summary>Applies <paramref name="map"/> to every expression a statement reads (assignment targets keep their root, indices are mapped).</summary>
        public static Stmt Map(Stmt s, Func<Expr, Expr?> map)
        {
            switch (s)
            {
                case DeclScalar { Init: { } i } d: return d with { Init = Map(i, map) };
                case DeclArray a: return a with { Sizes = a.Sizes.Select(x => Map(x, map)).ToEquatable() };
                case Assign a:
                    {
                        var target = a.Target is ElemRef el ? el with { Indices = el.Indices.Select(i => Map(i, map)).ToEquatable() } : a.Target;
                        return a with { Target = target, Value = Map(a.Value, map) };
                    }
                case For f: return f with { Start = Map(f.Start, map), Bound = Map(f.Bound, map), While = f.While is null ? null : Map(f.While, map), Body = f.Body.Select(b => Map(b, map)).ToEquatable() };
                case If f: return f with { Condition = Map(f.Condition, map), Then = f.Then.Select(b => Map(b, map)).ToEquatable(), Else = f.Else.Select(b => Map(b, map)).ToEquatable() };
                case Return { Value: { } v } r: return r with { Value = Map(v, map) };
                case CallStmt c: return c with { Call = (Invoke)Map(c.Call, map) };
                case Block b: return b with { Body = b.Body.Select(x => Map(x, map)).ToEquatable() };
                case Throw t: return t with { Holes = t.Holes.Select(x => Map(x, map)).ToEquatable() };
                default: return s;
            }
        }
    }
}
