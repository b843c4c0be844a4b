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
    /// A local array given a new array (issue 10: a simulation's <c>a = Accelerations(pos);</c> each step, a chain of transforms
    /// <c>pose = Mul(pose, link);</c>, a reset <c>acc = new double[n];</c>). C# makes the name point at the new array; DiffGen keeps
    /// each local array in one buffer, so the new array's elements are copied into it. That is the same program as long as no
    /// other name refers to the old array (checked: the local has no alias) and the new array has the buffer's shape (checked
    /// where it runs: another shape throws, naming the local). The copy is an ordinary overwrite of every element, which the
    /// restore analysis records like any other.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>False when <paramref name="a"/> is not such an assignment (lowered as usual).</summary>
        private bool TryLowerArrayReassignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression) || CopyTarget(a.Left, out var found) is not { } v || found is not { } sym) return false;
            var rhs = a.Right;
            while (rhs is ParenthesizedExpressionSyntax p) rhs = p.Expression;
            // rot = next; where next is a new T[,] of this loop iteration, never named after: its elements copied
            bool freshLocal = rhs is IdentifierNameSyntax && IsFreshLocal(a, unusedAfter: true);
            if (!freshLocal && rhs is not (InvocationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax or CastExpressionSyntax)) return false;
            // (names of the same method or helper: a helper's locals stay bound after it was inlined, to buffers only it used)
            if (_vars.Count(x => x.Value.Name == v.Name && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, sym.ContainingSymbol)) > 1)
            {
                Report(Descriptors.LocalArray, a, sym.Name, $"another name refers to the same array, and DiffGen keeps '{sym.Name}' in one buffer that the new array is copied into; give the new array its own local ('var next = ...;')");
                return true;
            }
            var type = v.Type;
            int rank = type.Shape == Shape.Matrix ? 2 : 1;
            output.AddRange(_pending);
            _pending.Clear();

            // a = new double[n]: zeros
            if (rhs is ArrayCreationExpressionSyntax { Initializer: null } created && created.Type.RankSpecifiers.Count == 1)
            {
                var sizes = new List<Expr>();
                foreach (var se in created.Type.RankSpecifiers[0].Sizes)
                    if (LowerIntExpr(se, "an array size") is { } size) sizes.Add(size);
                if (sizes.Count != rank) { Suppress(); return true; }
                output.AddRange(_pending);
                _pending.Clear();
                output.AddRange(ShapeCheck(sym.Name, v.Name, type, sizes));
                output.Add(ZeroFill(v.Name, type, Enumerable.Range(0, rank).Select(d => Len(v.Name, type, null, rank == 1 ? -1 : d)).ToList()));
                return true;
            }

            var fresh = FreshName(v.Name + "_new");
            var init = LowerArrayInitializer(rhs, fresh, type);
            if (init is null) return false;
            if (init.Value.Reported) return true;
            output.AddRange(_pending);
            _pending.Clear();
            if (init.Value.Alias is { } alias)
            {
                CopyArrayInto(sym, v, alias, a, output, freshLocal);
                return true;
            }
            if (!DeclareLocalArray(rhs, null, fresh, type, init.Value.Sizes!, init.Value.Fill, output)) return true;
            CopyArrayInto(sym, v, new ArrayRef(fresh, type, null), a, output);
            return true;
        }

        /// <summary>
        /// The local array <paramref name="sym"/> given the array <paramref name="source"/> (a helper's new array, or one made for the
        /// assignment): checked to be new (not another array of the method) and of the local's shape, then copied into its buffer.
        /// </summary>
        private void CopyArrayInto(ILocalSymbol sym, Variable v, ArrayRef source, SyntaxNode at, List<Stmt> output, bool freshLocal = false)
        {
            if (source.Array == v.Name) return; // a = Normalize(a) returning its argument: the same array
            // a helper that returns one of the method's own arrays (a parameter, another local): C# would make both
            // names one array, which a copy is not (a later write through one name would not show through the other)
            if (IsParameterName(source.Array) || !freshLocal && _vars.Any(x => x.Value.Name == source.Array && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, sym.ContainingSymbol)))
            {
                Report(Descriptors.LocalArray, at, sym.Name, "the array assigned is another array of this method (a parameter or a local the helper returns), which C# would make one array under two names, and DiffGen copies into its own buffer; return a new array from the helper, or read the other array by its own name");
                return;
            }
            var type = v.Type;
            int rank = type.Shape == Shape.Matrix ? 2 : 1;
            output.AddRange(ShapeCheck(sym.Name, v.Name, type, Enumerable.Range(0, rank).Select(d => Len(source.Array, source.ArrayType, null, rank == 1 ? -1 : d)).ToList()));
            output.Add(CopyLoops(source, v.Name, type, Enumerable.Range(0, rank).Select(d => Len(v.Name, type, null, rank == 1 ? -1 : d)).ToList()));
        }

        /// <summary>
        /// <c>var adv = advantages; if (normalize) adv = advantages.Select(...).ToArray();</c> (batch 26's PPO loss): a second name
        /// for an array that is later given a new array. DiffGen keeps a local array in one buffer, so the local starts as a copy
        /// of the array it names; that is the same program when nothing writes the elements of either name (checked from the
        /// syntax: no element assignment, ++/--, ref, and no use other than reads: indexing, Length, LINQ queries), since then
        /// no one can tell a copy from the array itself. Otherwise the local stays an alias (and a reassignment is reported).
        /// </summary>
        private bool CopiedForReassignment(VariableDeclaratorSyntax v, ILocalSymbol local, string name, ArrayRef alias, IrType type,
            out (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? copied)
        {
            copied = null;
            var init = v.Initializer?.Value;
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            if (init is not IdentifierNameSyntax source || _model.GetSymbolInfo(source, _ct).Symbol is not { } sourceSym) return false;
            if (type.Shape is not (Shape.Vector or Shape.Matrix) || alias.Row is not null) return false;
            var scope = v.Ancestors().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax);
            if (scope is null) return false;
            bool reassigned = scope.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.IsKind(SyntaxKind.SimpleAssignmentExpression)
                && a.Left is IdentifierNameSyntax l && l.Identifier.Text == local.Name && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(l, _ct).Symbol, local));
            if (!reassigned) return false;
            foreach (var id in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.Text != local.Name && id.Identifier.Text != sourceSym.Name) continue;
                var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                if (!SymbolEqualityComparer.Default.Equals(sym, local) && !SymbolEqualityComparer.Default.Equals(sym, sourceSym)) continue;
                if (id != source && !OnlyRead(id)) return false;
            }
            int rank = type.Shape == Shape.Matrix ? 2 : 1;
            var sizes = Enumerable.Range(0, rank).Select(d => Len(alias.Array, alias.ArrayType, null, rank == 1 ? -1 : d)).ToList();
            copied = (sizes, new List<Stmt> { CopyLoops(alias, name, type, sizes) }, null, false);
            return true;
        }

        /// <summary>Does this use of an array name only read it (or give the name a new array)?</summary>
        private static bool OnlyRead(IdentifierNameSyntax id)
        {
            SyntaxNode node = id;
            while (node.Parent is ParenthesizedExpressionSyntax) node = node.Parent;
            switch (node.Parent)
            {
                case AssignmentExpressionSyntax a when a.Left == node:
                    return a.IsKind(SyntaxKind.SimpleAssignmentExpression); // adv = new array: the reassignment itself
                case ElementAccessExpressionSyntax ea when ea.Expression == node:
                    {
                        SyntaxNode e = ea;
                        while (e.Parent is ParenthesizedExpressionSyntax) e = e.Parent;
                        return e.Parent switch
                        {
                            AssignmentExpressionSyntax a2 when a2.Left == e => false,
                            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => false,
                            ArgumentSyntax arg when !arg.RefKindKeyword.IsKind(SyntaxKind.None) => false,
                            RefExpressionSyntax => false,
                            _ => true,
                        };
                    }
                case MemberAccessExpressionSyntax ma when ma.Expression == node:
                    return ma.Name.Identifier.Text is "Length" or "LongLength" or "Rank" or "GetLength" or "Sum" or "Average" or "Max" or "Min"
                        or "Select" or "Zip" or "Where" or "Count" or "Any" or "All" or "ToArray" or "Clone" or "Aggregate" or "Skip" or "Take"
                        or "Contains" or "IndexOf" or "First" or "Last" or "ElementAt" or "ToList" or "OrderBy" or "OrderByDescending";
                case EqualsValueClauseSyntax: // var copy = adv; would be a third name: only when nothing writes (checked for it too)
                    return false;
                case ForEachStatementSyntax fe when fe.Expression == node:
                    return true;
                case ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" } } }:
                    return true; // [Differentiable(nameof(advantages))], nameof in a message
                case ArgumentSyntax arg when arg.RefKindKeyword.IsKind(SyntaxKind.None) && arg.Parent?.Parent is InvocationExpressionSyntax inv:
                    // a LINQ or Math call reads its arguments; a helper might write them
                    return inv.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Enumerable" or "Math" or "MathF" } };
                default:
                    return false;
            }
        }

        /// <summary>A local T[] / T[,] that a new array may be copied into (not a swapped, row-held or per-row-sized array); null otherwise.</summary>
        private Variable? CopyTarget(ExpressionSyntax left, out ILocalSymbol? sym)
        {
            sym = null;
            if (left is not IdentifierNameSyntax) return null;
            if (_model.GetSymbolInfo(left, _ct).Symbol is not ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1 or 2, ElementType: not IArrayTypeSymbol } } s) return null;
            if (!_vars.TryGetValue(s, out var v) || v.Kind != VarKind.Local || v.Type.Shape is not (Shape.Vector or Shape.Matrix)) return null;
            if (_swapGroups.ContainsKey(s) || _rowBuffers.Contains(v.Name) || _dynamicLengths.ContainsKey(v.Name) || IsParameterName(v.Name)) return null;
            sym = s;
            return v;
        }

        /// <summary>The run-time check that the new array has the buffer's shape (nothing when both are the same constants).</summary>
        private IEnumerable<Stmt> ShapeCheck(string local, string buffer, IrType type, List<Expr> sizes, string? message = null)
        {
            int rank = sizes.Count;
            Expr? differs = null;
            for (int d = 0; d < rank; d++)
            {
                var have = Len(buffer, type, null, rank == 1 ? -1 : d);
                if (have is Const hc && sizes[d] is Const sc && hc.Value == sc.Value) continue;
                var ne = new Binary(BinaryOp.Ne, sizes[d], have, IrType.Bool);
                differs = differs is null ? ne : new Binary(BinaryOp.Or, differs, ne, IrType.Bool);
            }
            if (differs is null) yield break;
            var text = SymbolDisplay.FormatLiteral(message ?? $"DiffGen keeps the local array '{local}' in one buffer of its first shape and copies each new array into it; this one has another shape. Give arrays of another shape their own local.", quote: true);
            yield return new If(differs, new Stmt[] { new Throw($"new global::System.InvalidOperationException({text})", EquatableArray<Expr>.Empty) }.ToEquatable(), EquatableArray<Stmt>.Empty);
        }
    }
}
