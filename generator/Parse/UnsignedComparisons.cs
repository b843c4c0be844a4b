using DiffGen.Generator.IR;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// <c>(uint)i &gt;= (uint)n</c>: the one-comparison bounds check of .NET code (issue 10, batch 26's CenterLoss). Both
    /// sides are ints cast to uint; the comparison is lowered to signed int comparisons with the same result for every
    /// pair of ints (a negative int is larger than every non-negative one as a uint), so no uint type enters the IR.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>The two int operands of a comparison whose sides are both '(uint)int', or null.</summary>
        private (ExpressionSyntax X, ExpressionSyntax Y)? UnsignedOperands(BinaryExpressionSyntax b)
        {
            if (!b.IsKind(SyntaxKind.LessThanExpression) && !b.IsKind(SyntaxKind.LessThanOrEqualExpression)
                && !b.IsKind(SyntaxKind.GreaterThanExpression) && !b.IsKind(SyntaxKind.GreaterThanOrEqualExpression)
                && !b.IsKind(SyntaxKind.EqualsExpression) && !b.IsKind(SyntaxKind.NotEqualsExpression)) return null;
            var x = UintOfInt(b.Left);
            var y = UintOfInt(b.Right);
            return x is not null && y is not null ? (x, y) : null;
        }

        /// <summary>e is '(uint)x' (parenthesised or not) with x an int: x; else null.</summary>
        private ExpressionSyntax? UintOfInt(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not CastExpressionSyntax c) return null;
            if (_model.GetTypeInfo(c, _ct).Type?.SpecialType != SpecialType.System_UInt32) return null;
            return _model.GetTypeInfo(c.Expression, _ct).Type?.SpecialType == SpecialType.System_Int32 ? c.Expression : null;
        }

        /// <summary>
        /// u(x) OP u(y) with u the uint of an int: equal when x and y have one sign, and a negative side is the larger
        /// otherwise. A length or a non-negative literal cannot be negative, which drops its sign test:
        /// <c>(uint)i &lt; (uint)n</c> becomes <c>i &gt;= 0 &amp;&amp; i &lt; n</c>.
        /// </summary>
        private Expr? LowerUnsignedComparison(BinaryExpressionSyntax b, ExpressionSyntax xs, ExpressionSyntax ys)
        {
            var x = LowerExpr(xs);
            var y = LowerExpr(ys);
            if (x is null || y is null) return null;
            var kind = b.Kind();
            if (kind is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression)
                return new Binary(kind == SyntaxKind.EqualsExpression ? BinaryOp.Eq : BinaryOp.Ne, x, y, IrType.Bool);
            // a > b is b < a: only < and <= remain
            if (kind is SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression) (x, y) = (y, x);
            var op = kind is SyntaxKind.LessThanExpression or SyntaxKind.GreaterThanExpression ? BinaryOp.Lt : BinaryOp.Le;
            Expr zero = new Const(0, IrType.Int);
            Expr signed = new Binary(op, x, y, IrType.Bool);
            Expr Negative(Expr e) => new Binary(BinaryOp.Lt, e, zero, IrType.Bool);
            Expr NotNegative(Expr e) => new Binary(BinaryOp.Ge, e, zero, IrType.Bool);
            Expr And(Expr p, Expr q) => new Binary(BinaryOp.And, p, q, IrType.Bool);
            Expr Or(Expr p, Expr q) => new Binary(BinaryOp.Or, p, q, IrType.Bool);
            bool xNonNeg = NeverNegative(x), yNonNeg = NeverNegative(y);
            if (xNonNeg && yNonNeg) return signed;
            // y ≥ 0: u(x) < u(y) needs x ≥ 0
            if (yNonNeg) return And(NotNegative(x), signed);
            // x ≥ 0: a negative y is larger than x
            if (xNonNeg) return Or(Negative(y), signed);
            // x ≥ 0 and y < 0: true; x < 0 and y ≥ 0: false; one sign: the signed comparison
            return Or(And(NotNegative(x), Or(Negative(y), signed)), And(Negative(x), And(Negative(y), signed)));
        }

        private static bool NeverNegative(Expr e) => e is LengthOf || e is Const { Value: >= 0 };
    }
}
