using System;
using System.Globalization;
using System.Linq;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// The one expression printer: precedence-aware (parentheses only where the tree needs them, so floating-point
    /// evaluation order is exactly the IR's), with the parts that differ between C# and CUDA C (literals, names, array
    /// elements, intrinsics, type names) left to a dialect. <see cref="CSharp"/> is the C# dialect (also what remarks,
    /// plans and dictionary keys print); the CUDA dialect lives with the kernel writer, which knows the kernel's names.
    /// </summary>
    internal abstract class ExprPrinter
    {
        public const int PrecConditional = 1, PrecAdditive = 6, PrecUnary = 9, PrecPrimary = 10;

        /// <summary>The C# dialect.</summary>
        public static ExprPrinter CSharp { get; } = new CSharpExprPrinter();

        /// <summary>The expression as source text.</summary>
        public string Print(Expr e) => Print(e, 0);

        /// <summary>The expression, parenthesised when it binds less tightly than <paramref name="minPrec"/>.</summary>
        public string Print(Expr e, int minPrec)
        {
            var (text, prec) = Core(e);
            return prec < minPrec ? "(" + text + ")" : text;
        }

        public static int Prec(BinaryOp op) => op switch
        {
            // shifts (between additive and relational in C# and C) printed at a low level: parenthesised as an operand of any
            // arithmetic or comparison (never needed less), while a ?: operand of theirs is parenthesised; || shares the
            // level but never meets a shift (its operands are bools)
            BinaryOp.Shl or BinaryOp.Shr => 2,
            // & ^ | sit below == in C and C#: printed at the lowest level too, and their operands parenthesised (Core)
            BinaryOp.BitAnd or BinaryOp.BitOr or BinaryOp.BitXor => 2,
            BinaryOp.Or => 2,
            BinaryOp.And => 3,
            BinaryOp.Eq or BinaryOp.Ne => 4,
            BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge => 5,
            BinaryOp.Add or BinaryOp.Sub => PrecAdditive,
            _ => 7,
        };

        /// <summary>The operator's spelling (the same in C# and CUDA C).</summary>
        public static string Op(BinaryOp op) => op switch
        {
            BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/", BinaryOp.Mod => "%",
            BinaryOp.Lt => "<", BinaryOp.Le => "<=", BinaryOp.Gt => ">", BinaryOp.Ge => ">=",
            BinaryOp.Eq => "==", BinaryOp.Ne => "!=", BinaryOp.And => "&&", BinaryOp.Shl => "<<", BinaryOp.Shr => ">>",
            BinaryOp.BitAnd => "&", BinaryOp.BitOr => "|", BinaryOp.BitXor => "^", _ => "||",
        };

        private (string Text, int Prec) Core(Expr e)
        {
            switch (e)
            {
                case Const c:
                    {
                        var s = Literal(c.Value, c.Type.Elem);
                        return (s, s.StartsWith("-", StringComparison.Ordinal) ? PrecUnary : PrecPrimary);
                    }
                case VarRef v: return (Name(v.Name), PrecPrimary);
                case Unary u:
                    {
                        var operand = Print(u.Operand, PrecUnary);
                        if (operand.StartsWith("-", StringComparison.Ordinal) || operand.StartsWith("!", StringComparison.Ordinal)) operand = "(" + operand + ")";
                        return ((u.Op == UnaryOp.Neg ? "-" : "!") + operand, PrecUnary);
                    }
                case Binary b:
                    {
                        int p = Prec(b.Op);
                        if (b.Op is BinaryOp.BitAnd or BinaryOp.BitOr or BinaryOp.BitXor) // every operand but a primary in parentheses
                            return (Print(b.Left, PrecUnary) + " " + Op(b.Op) + " " + Print(b.Right, PrecUnary), p);
                        return (Print(b.Left, p) + " " + Op(b.Op) + " " + Print(b.Right, p + 1), p);
                    }
                case Conditional c:
                    return (Print(c.Condition, PrecConditional + 1) + " ? " + Print(c.WhenTrue, PrecConditional + 1) + " : " + Print(c.WhenFalse, PrecConditional), PrecConditional);
                case Convert cv:
                    {
                        var operand = Print(cv.Operand, PrecUnary);
                        if (operand.StartsWith("-", StringComparison.Ordinal)) operand = "(" + operand + ")";
                        return ("(" + TypeName(cv.Type) + ")" + operand, PrecUnary);
                    }
                case Intrinsic f: return (Call(f), PrecPrimary);
                default: return (Other(e), PrecPrimary);
            }
        }

        /// <summary>A literal of the dialect (the value as the type would hold it).</summary>
        public abstract string Literal(double value, Scalar type);

        /// <summary>A scalar variable's name in the dialect.</summary>
        protected virtual string Name(string name) => name;

        /// <summary>A scalar type's name in the dialect (casts).</summary>
        protected abstract string TypeName(IrType type);

        /// <summary>A Math intrinsic in the dialect.</summary>
        protected abstract string Call(Intrinsic f);

        /// <summary>Array elements, lengths, tape pops, calls and table entries: each dialect its own way.</summary>
        protected abstract string Other(Expr e);
    }

    /// <summary>C#: invariant-culture literals, global::-qualified Math calls, arrays as C# indexes them.</summary>
    internal sealed class CSharpExprPrinter : ExprPrinter
    {
        public override string Literal(double value, Scalar type)
        {
            switch (type)
            {
                case Scalar.Bool: return value != 0 ? "true" : "false";
                case Scalar.Int: return ((long)value).ToString(CultureInfo.InvariantCulture);
                case Scalar.Float:
                    {
                        float f = (float)value;
                        if (float.IsNaN(f)) return "float.NaN";
                        if (float.IsPositiveInfinity(f)) return "float.PositiveInfinity";
                        if (float.IsNegativeInfinity(f)) return "float.NegativeInfinity";
                        return f.ToString("R", CultureInfo.InvariantCulture) + "f";
                    }
                default:
                    {
                        if (double.IsNaN(value)) return "double.NaN";
                        if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
                        if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
                        var s = value.ToString("R", CultureInfo.InvariantCulture);
                        return s.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? s : s + ".0";
                    }
            }
        }

        protected override string TypeName(IrType type) => type.Keyword;

        protected override string Call(Intrinsic f)
        {
            // MathF has no Clamp (Math.Clamp has the float overload); Sign returns int whatever the argument
            var cls = f.Type.Elem == Scalar.Float && f.Fn != Fn.Clamp ? "global::System.MathF" : "global::System.Math";
            if (f.Fn == Fn.Hypot) cls = f.Type.Elem == Scalar.Float ? "global::System.Single" : "global::System.Double"; // Math has no Hypot
            return $"{cls}.{f.Fn}({string.Join(", ", f.Args.Select(a => Print(a)))})";
        }

        protected override string Other(Expr e)
        {
            switch (e)
            {
                case ElemRef el:
                    {
                        var idx = el.Indices;
                        return el.ArrayType.Shape switch
                        {
                            Shape.Matrix => $"{el.Array}[{Print(idx[0])}, {Print(idx[1])}]",
                            Shape.Jagged => $"{el.Array}[{Print(idx[0])}][{Print(idx[1])}]",
                            _ => $"{el.Array}[{Print(idx[0])}]",
                        };
                    }
                case ArrayRef ar: return ar.Row is null ? ar.Array : $"{ar.Array}[{Print(ar.Row)}]";
                case LengthOf l:
                    {
                        var target = l.Row is null ? l.Array : $"{l.Array}[{Print(l.Row)}]";
                        return l.Dim < 0 ? target + ".Length" : $"{target}.GetLength({l.Dim.ToString(CultureInfo.InvariantCulture)})";
                    }
                case Invoke inv: return $"{inv.Method.ContainingType}.{inv.Method.Name}({string.Join(", ", inv.Args.Select(a => Print(a)))})";
                case Pop p: return TapeOf(p.Type.Elem) + ".Pop()";
                case TableEntry t: return $"{TilePanel(t.Source)}.Entry({Factors(t.Source)}, {Print(t.Row)}, {Print(t.Col)})";
                default: throw new InvalidOperationException("unknown expression " + e.GetType().Name);
            }
        }

        /// <summary>The restore tape of the generated C# for values of this type.</summary>
        public static string TapeOf(Scalar s) => s switch
        {
            Scalar.Float => "__tapeF",
            Scalar.Bool => "__tapeB",
            Scalar.Int => "__tapeI",
            _ => "__tapeD",
        };

        /// <summary>The runtime's panel type for a tile-fused contraction.</summary>
        public static string TilePanel(Contract c) => $"global::DiffGen.Kernels.TilePanel<{c.A.ArrayType.ElemKeyword}>";

        /// <summary>A contraction's factors as the runtime's panel calls take them.</summary>
        public static string Factors(Contract c) => $"{c.A.Array}, {Bool(c.TransA)}, {c.B.Array}, {Bool(c.TransB)}, {CSharp.Print(c.K)}";

        public static string Bool(bool b) => b ? "true" : "false";
    }
}
