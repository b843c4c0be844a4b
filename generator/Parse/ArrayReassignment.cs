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
