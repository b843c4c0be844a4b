using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Scratch arrays from <c>ArrayPool&lt;T&gt;.Shared</c> (or a local <c>var pool = ArrayPool&lt;T&gt;.Shared;</c>):
    /// <c>double[] buf = ArrayPool&lt;double&gt;.Shared.Rent(n);</c> is per-call scratch of length n, lowered like
    /// <c>new double[n]</c> (the generated code pools its own scratch), and a <c>try { ... } finally { pool.Return(buf); }</c>
    /// whose finally only returns rented locals is its body (the <c>Return</c> calls hand back nothing the derivative needs).
    /// <c>buf.Length</c> is refused: <c>Rent</c> may hand out a longer array whose extra elements hold stale values, so the
    /// method's value would depend on the pool; the requested length is what the user means.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private const string RentedLengthAdvice = "ArrayPool.Rent(n) may return an array longer than n whose extra elements hold stale values, so its Length is not the length you asked for; use the requested length (n) instead";

        private static bool IsArrayPoolType(ITypeSymbol? t) =>
            t is INamedTypeSymbol { Name: "ArrayPool", TypeArguments.Length: 1 } nt && nt.ContainingNamespace?.ToDisplayString() == "System.Buffers"
            && nt.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single;

        /// <summary><c>ArrayPool&lt;T&gt;.Shared</c> (float or double), or a local initialised with it.</summary>
        private bool IsSharedPool(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is MemberAccessExpressionSyntax { Name.Identifier.Text: "Shared" } ma)
                return _model.GetSymbolInfo(ma, _ct).Symbol is IPropertySymbol { IsStatic: true } sp && IsArrayPoolType(sp.ContainingType);
            if (e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol pool && IsArrayPoolType(pool.Type))
                return pool.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is VariableDeclaratorSyntax { Initializer.Value: { } init }
                    && init is not IdentifierNameSyntax && IsSharedPool(init) && !IsReassignedLocal(pool);
            return false;
        }

        private bool IsReassignedLocal(ILocalSymbol local)
        {
            var scope = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct)?.FirstAncestorOrSelf<BlockSyntax>();
            if (scope is null) return true;
            return scope.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.Left is IdentifierNameSyntax id && id.Identifier.Text == local.Name
                && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, local));
        }

        /// <summary>The size n of <c>pool.Rent(n)</c> on a float/double shared pool; null for anything else.</summary>
        private ExpressionSyntax? RentSize(ExpressionSyntax? init)
        {
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            if (init is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Rent" } ma, ArgumentList.Arguments.Count: 1 } inv) return null;
            if (_model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol { Name: "Rent" } m || !IsArrayPoolType(m.ContainingType) || !IsSharedPool(ma.Expression)) return null;
            return inv.ArgumentList.Arguments[0].Expression;
        }

        /// <summary>A local declared as <c>T[] buf = pool.Rent(n)</c>.</summary>
        private bool IsRentedLocal(ISymbol? s) =>
            s is ILocalSymbol l && l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is VariableDeclaratorSyntax { Initializer.Value: { } init } && RentSize(init) is not null;

        /// <summary><c>var pool = ArrayPool&lt;double&gt;.Shared;</c>: nothing to lower (its Rent and Return calls are read where they stand).</summary>
        private bool TryDeclarePool(VariableDeclaratorSyntax v, ILocalSymbol local) =>
            IsArrayPoolType(local.Type) && v.Initializer?.Value is { } init && init is not IdentifierNameSyntax && IsSharedPool(init) && !IsReassignedLocal(local);

        /// <summary><c>pool.Return(buf)</c> (or <c>pool.Return(buf, clearArray: true)</c>) of a rented local: the end of its scratch, nothing to compute.</summary>
        private bool IsPoolReturn(ExpressionSyntax e)
        {
            if (e is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Return" } ma } inv
                || inv.ArgumentList.Arguments.Count is < 1 or > 2) return false;
            if (_model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol { Name: "Return" } m || !IsArrayPoolType(m.ContainingType) || !IsSharedPool(ma.Expression)) return false;
            var array = inv.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon is null || a.NameColon.Name.Identifier.Text == "array") ?? inv.ArgumentList.Arguments[0];
            if (array.Expression is not IdentifierNameSyntax id || !IsRentedLocal(_model.GetSymbolInfo(id, _ct).Symbol)) return false;
            // clearArray: a constant or a plain bool local/parameter; nothing that computes
            return inv.ArgumentList.Arguments.Where(a => a != array).All(a => a.Expression is LiteralExpressionSyntax or IdentifierNameSyntax);
        }

        /// <summary>
        /// <c>try { ... } finally { pool.Return(buf); }</c>: no catch, and a finally of <c>Return</c> calls of rented locals only.
        /// </summary>
        private bool IsPoolCleanup(TryStatementSyntax ts) =>
            ts.Catches.Count == 0 && ts.Finally is { Block.Statements.Count: > 0 } fin
            && fin.Block.Statements.All(st => st is ExpressionStatementSyntax es && IsPoolReturn(es.Expression));

        /// <summary>A top-level statement list with its pool cleanups' bodies in place of them (so a 'return' last in the try is last in the method).</summary>
        private List<StatementSyntax> FlattenPoolCleanups(List<StatementSyntax> stmts)
        {
            if (!stmts.Any(st => st is TryStatementSyntax)) return stmts;
            var flat = new List<StatementSyntax>();
            foreach (var st in stmts)
            {
                if (st is TryStatementSyntax ts && IsPoolCleanup(ts))
                    flat.AddRange(FlattenPoolCleanups(ts.Block.Statements.Where(x => x is not LocalFunctionStatementSyntax).ToList()));
                else flat.Add(st);
            }
            return flat;
        }

        /// <summary>A refused try statement: one diagnostic, saying what is and is not supported.</summary>
        private void ReportTry(TryStatementSyntax ts)
        {
            _refusedTry = true;
            string advice = ts.Catches.Count > 0
                ? "exceptions cannot be differentiated, so a 'catch' cannot be either; validate inputs before calling the method, or with a guard clause 'if (...) throw ...;' at the top of the method"
                : "a try/finally is supported only when its finally returns ArrayPool rentals ('finally { ArrayPool<double>.Shared.Return(buf); }'); move other cleanup out of the method, or write the statements without the try";
            Report(Descriptors.UnsupportedStatement, ts, "try", advice);
        }

        /// <summary>True once a try statement was refused: the method's other structure checks (a final return) would only repeat that cause.</summary>
        private bool _refusedTry;

        // ---- Buffer.BlockCopy ----

        private const string BlockCopyAdvice = "use Array.Copy(source, sourceIndex, destination, destinationIndex, length), which counts elements, not bytes";

        /// <summary>
        /// <c>Buffer.BlockCopy(src, srcOffset, dst, dstOffset, count)</c> between 1-D double[] (or float[]) arrays of one element type,
        /// every byte argument visibly a multiple of the element size (<c>k * sizeof(double)</c>, <c>k * 8</c>, a constant):
        /// <c>Array.Copy(src, srcOffset / size, dst, dstOffset / size, count / size)</c>.
        /// </summary>
        private bool BlockCopy(InvocationExpressionSyntax inv, List<ExpressionSyntax> args, List<Stmt> output)
        {
            var st = _model.GetTypeInfo(args[0], _ct).Type as IArrayTypeSymbol;
            var dt = _model.GetTypeInfo(args[2], _ct).Type as IArrayTypeSymbol;
            int size = st is { Rank: 1, ElementType.SpecialType: SpecialType.System_Double } ? 8 : st is { Rank: 1, ElementType.SpecialType: SpecialType.System_Single } ? 4 : 0;
            if (size == 0 || dt is not { Rank: 1 } || !SymbolEqualityComparer.Default.Equals(st!.ElementType, dt.ElementType))
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Buffer.BlockCopy", "it is supported between two double[] (or two float[]) arrays only; " + BlockCopyAdvice);
                return true;
            }
            var elems = new Expr?[3];
            var byteArgs = new[] { args[1], args[3], args[4] };
            for (int i = 0; i < 3; i++)
            {
                elems[i] = ElementsOfBytes(byteArgs[i], size, out bool visible);
                if (!visible)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Buffer.BlockCopy",
                        $"its byte count '{byteArgs[i]}' is not visibly a multiple of {(size == 8 ? "sizeof(double)" : "sizeof(float)")} (write it as 'k * {(size == 8 ? "sizeof(double)" : "sizeof(float)")}'); or " + BlockCopyAdvice);
                    return true;
                }
                if (elems[i] is null) return true;
            }
            return Copy(inv, args[0], null, args[2], null, null, output, elems[0], elems[1], elems[2]);
        }

        /// <summary>The element count a byte argument stands for: 0, a constant multiple of <paramref name="size"/>, or
        /// <c>k * sizeof(T)</c> / <c>sizeof(T) * k</c> / <c>k * 8</c> (lowered k times the multiple); <paramref name="visible"/> false otherwise.</summary>
        private Expr? ElementsOfBytes(ExpressionSyntax e, int size, out bool visible)
        {
            visible = true;
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (_model.GetConstantValue(e, _ct) is { HasValue: true, Value: int c })
            {
                if (c % size == 0) return new Const(c / size, IrType.Int);
                visible = false;
                return null;
            }
            if (e is BinaryExpressionSyntax b && b.IsKind(SyntaxKind.MultiplyExpression))
            {
                foreach (var (factor, other) in new[] { (b.Right, b.Left), (b.Left, b.Right) })
                {
                    if (_model.GetConstantValue(factor, _ct) is { HasValue: true, Value: int f } && f % size == 0 && f > 0)
                    {
                        var k = LowerIntExpr(other, "an element count");
                        if (k is null) return null;
                        return f == size ? k : new Binary(BinaryOp.Mul, k, new Const(f / size, IrType.Int), IrType.Int);
                    }
                }
            }
            visible = false;
            return null;
        }
    }
}
