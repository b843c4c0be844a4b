using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// A <c>throw</c> between the computations — <c>default: throw new ArgumentException(...)</c> in a loop's switch, a
    /// helper's argument check, <c>if (double.IsNaN(s)) throw ...</c> after a sum, <c>k switch { ..., _ =&gt; throw ... }</c>,
    /// <c>ok ? v : throw ...</c> — lowered to an IR <see cref="Throw"/>. The exception stays C# text; each value the method
    /// computes that it reads (<c>$"label {y[i]} at {i}"</c>) is lowered like any expression and printed into the text, so
    /// inlining and renaming reach it. Leading checks that read parameters only are guards instead (GuardClauses).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>The IR throw of <c>throw e;</c> (its message may name a string mode: <see cref="TextInput"/>) or of a throw expression; null when something was reported.</summary>
        private Throw? LowerThrow(ExpressionSyntax? thrown, SyntaxNode at)
        {
            if (thrown is null)
            {
                Report(Descriptors.UnsupportedStatement, at, "throw", "a rethrow ('throw;') needs a catch block, which a [Differentiable] method cannot have; throw a new exception");
                return null;
            }
            var holes = new List<Expr>();
            bool failed = false;
            ExpressionSyntax? Hole(ExpressionSyntax e)
            {
                if (failed || !ReadsValues(e)) return null;
                if (e is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is IParameterSymbol tp && _helperTexts.TryGetValue(tp, out var helperText))
                    return SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(helperText)); // RequirePositive(v, "sigma")
                if (TextParam(e, out var normalised) is { } textParam && normalised.Length == 0)
                {
                    holes.Add(TextInput(textParam, e)); // "unknown model: " + model
                    return SyntaxFactory.IdentifierName(Throw.Hole(holes.Count - 1));
                }
                var constant = _model.GetConstantValue(e, _ct);
                if (constant.HasValue && constant.Value is string text) // nameof(x), a const string local
                    return SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text));
                if (_model.GetTypeInfo(e, _ct).Type is { } type && MapValueType(type) is { IsArray: false } t && t.Elem != Scalar.Void)
                {
                    var x = LowerExpr(e);
                    if (x is null) { failed = true; return null; }
                    holes.Add(x);
                    var hole = SyntaxFactory.IdentifierName(Throw.Hole(holes.Count - 1));
                    // an enum value is an int in the IR: cast back, so the message names the member as the method's does
                    return type.TypeKind == TypeKind.Enum
                        ? SyntaxFactory.CastExpression(SyntaxFactory.ParseTypeName(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)), hole)
                        : hole;
                }
                if (e is IdentifierNameSyntax or ThisExpressionSyntax)
                {
                    Report(Descriptors.UnsupportedStatement, e, "throw",
                        $"the exception reads '{e}', which is not a number or a bool; write its message with numbers ($\"... {{x[i]}} ...\"), bools, the method's string parameters, constants and nameof(...) only");
                    failed = true;
                }
                return null;
            }
            var printed = GuardClauses.ThrowText(thrown, _model, _ct, Hole);
            return failed ? null : new Throw(printed, holes.ToEquatable());
        }

        /// <summary>
        /// A string parameter (a mode) that an exception's message names: an input of the array form under the parameter's
        /// own name, passed by the entry points as it is. Nothing but a throw reads it, and methods that throw run on the CPU.
        /// </summary>
        private Expr TextInput(IParameterSymbol p, SyntaxNode where)
        {
            string key = "text:" + p.Name;
            if (!_configVars.TryGetValue(key, out var text))
            {
                text = new Variable(p.Name, IrType.Text, VarKind.Param);
                _configVars[key] = text;
                _memberInputs.Add(new MemberInput(text.Name, IrType.Text, p.Name, null, where.GetLocation()));
            }
            return new VarRef(text.Name, IrType.Text);
        }

        /// <summary>Does the expression read a local, a parameter, an instance member or 'this' (something the generated code names differently)?</summary>
        private bool ReadsValues(ExpressionSyntax e) =>
            e.DescendantNodesAndSelf().Any(n => n is ThisExpressionSyntax or BaseExpressionSyntax
                || n is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol
                    or IFieldSymbol { IsStatic: false, IsConst: false } or IPropertySymbol { IsStatic: false });

        /// <summary>
        /// <c>cond ? value : throw e</c> (or the throw first): the check as a statement before this one, <c>if (!cond) throw e;</c>
        /// (under the branch that holds the expression, like a helper's statements), and the value.
        /// </summary>
        private Expr? LowerConditionalThrow(ConditionalExpressionSyntax c)
        {
            bool throwsWhenFalse = c.WhenFalse is ThrowExpressionSyntax;
            var thrown = (ThrowExpressionSyntax)(throwsWhenFalse ? c.WhenFalse : c.WhenTrue);
            var cond = LowerExpr(c.Condition);
            var value = LowerBranch(throwsWhenFalse ? c.WhenTrue : c.WhenFalse, out var pre);
            var t = LowerThrow(thrown.Expression, thrown);
            if (cond is null || value is null || t is null) return null;
            var fail = new List<Stmt> { t };
            if (throwsWhenFalse) EmitGuarded(cond, pre, fail);
            else EmitGuarded(cond, fail, pre);
            return value;
        }
    }
}
