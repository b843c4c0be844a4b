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
    /// Local arrays of structs (issue 10): <c>var pts = new V2[n];</c> is one local array per field (structure of arrays),
    /// each declared like a local <c>new double[n]</c> (one buffer when declared in a loop, zeroed where the <c>new</c> stands).
    /// <c>pts[i].X</c> reads and writes <c>pts_X[i]</c>; <c>pts[i] = new V2(a, b)</c> writes every field (values taken first);
    /// <c>var p = pts[i]</c> and <c>foreach (var p in pts)</c> make a struct local from a row; <c>pts.Length</c> is the length;
    /// <c>pts</c> passed to a helper's <c>V2[]</c> parameter is the same arrays. A method that changes the struct, called on an
    /// element (<c>pts[i].Move(dt)</c>), is reported: C# changes the element, and the call here works on a copy.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>A local array of structs: the struct's fields and the IR array holding each.</summary>
        private sealed record StructArray(INamedTypeSymbol Type, List<StructField> Fields, List<(string Name, IrType Type)> Arrays);

        private readonly Dictionary<ISymbol, StructArray> _structArrays = new(SymbolEqualityComparer.Default);

        /// <summary>The struct array <paramref name="e"/> names (a local, or a helper's parameter bound to one).</summary>
        private StructArray? StructArrayOf(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not (IdentifierNameSyntax or MemberAccessExpressionSyntax) || _model.GetSymbolInfo(e, _ct).Symbol is not { } s) return null;
            if (_structArrays.TryGetValue(s, out var a)) return a;
            return e is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax } ? TupleTableField(s, e) : null;
        }

        /// <summary>
        /// <c>static readonly (float Lo, float Hi)[] JointLimits = { ... };</c> (batch 26's arm IK; batch 23 had one too): a table of
        /// value tuples held in a field (static, or this object's), read once at entry like any field, as one array per element
        /// (<c>Array.ConvertAll(JointLimits, t =&gt; t.Item1)</c>): data, never differentiated, never written. Null for other symbols.
        /// </summary>
        private StructArray? TupleTableField(ISymbol s, SyntaxNode where)
        {
            if (s is not (IFieldSymbol or IPropertySymbol { IsIndexer: false, GetMethod: not null }) || !IsReadableMember(s)) return null;
            if (MemberType(s) is not IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { IsTupleType: true } tt } || ElementFields(tt) is not { } fields
                || fields.Any(f => f.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Double or SpecialType.System_Single)))
                return null;
            if (!s.IsStatic && (_method.IsStatic || !OnOwnType(s))) return null;
            string source = s.IsStatic ? s.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + s.Name : "this." + s.Name;
            var arrays = new List<(string, IrType)>();
            for (int f = 0; f < fields.Count; f++)
            {
                var type = new IrType(MapType(fields[f].Type)!.Value.Elem, Shape.Vector);
                var name = FreshName(s.Name + "_" + fields[f].Name);
                _memberInputs.Add(new MemberInput(name, type, $"global::System.Array.ConvertAll({source}, static __t => __t.Item{f + 1})", s, where.GetLocation()));
                arrays.Add((name, type));
            }
            _surface = true;
            var table = new StructArray(tt, fields, arrays);
            _structArrays[s] = table;
            return table;
        }

        /// <summary><c>pts[i]</c> of a struct array: the array and the lowered index, or null when <paramref name="e"/> is not one.</summary>
        private (StructArray Array, Expr Index)? StructArrayElement(ExpressionSyntax e, out bool reported)
        {
            reported = false;
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            // ref Particle p = ref ps[i]; ... p.X: the element the ref local stands for (RefAliases.cs)
            if (e is IdentifierNameSyntax && RefAlias(_model.GetSymbolInfo(e, _ct).Symbol) is { } alias) e = alias;
            if (e is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } ea || StructArrayOf(ea.Expression) is not { } sa) return null;
            var arg = ea.ArgumentList.Arguments[0].Expression;
            Expr? k = arg is PrefixUnaryExpressionSyntax fromEnd && fromEnd.IsKind(SyntaxKind.IndexExpression)
                ? LowerIntExpr(fromEnd.Operand, "an index") is { } back ? new Binary(BinaryOp.Sub, Len(sa.Arrays[0].Name, sa.Arrays[0].Type, null, 0), back, IrType.Int) : null
                : LowerIntExpr(arg, "an index");
            if (k is null) { reported = true; return null; }
            return (sa, k);
        }

        private static ElemRef FieldElement(StructArray sa, int f, Expr k) => new(sa.Arrays[f].Name, sa.Arrays[f].Type, new[] { k }.ToEquatable());

        /// <summary><c>var pts = new V2[n];</c>: one local array per field. True when handled (declared or reported).</summary>
        private bool TryDeclareStructArray(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.Type is not IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { TypeKind: TypeKind.Struct } st }
                || ElementFields(st) is not { } fields || fields.Any(f => f.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Double or SpecialType.System_Single)))
                return false;
            var init = v.Initializer?.Value;
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            var size = init switch
            {
                ArrayCreationExpressionSyntax { Initializer: null } ac when ac.Type.RankSpecifiers.Count == 1 && ac.Type.RankSpecifiers[0].Sizes.Count == 1 => ac.Type.RankSpecifiers[0].Sizes[0],
                _ => null,
            };
            if (size is null)
            {
                Report(Descriptors.LocalArray, v, local.Name, $"a local array of {st.Name} is one array per field, made with 'new {st.Name}[n]' and filled element by element ('{local.Name}[i] = new {st.Name}(...)' or '{local.Name}[i].X = ...'); write it that way");
                _rejected.Add(local);
                return true;
            }
            var n = LowerIntExpr(size, "an array size");
            if (n is null) { _rejected.Add(local); return true; }
            var arrays = new List<(string, IrType)>();
            foreach (var f in fields)
            {
                var type = new IrType(MapType(f.Type)!.Value.Elem, Shape.Vector);
                var name = FreshName(_prefix + local.Name + "_" + f.Name);
                if (!DeclareLocalArray(v, local, name, type, new List<Expr> { n }, null, output)) { _vars.Remove(local); return true; }
                arrays.Add((name, type));
            }
            _vars.Remove(local); // the local is its field arrays, never one IR array
            _structArrays[local] = new StructArray(st, fields, arrays);
            return true;
        }

        /// <summary>
        /// The fields of an element: a split struct's, or a tuple's elements in order (<c>var conics = new (float A, float B, float C)[n];</c>,
        /// batch 26's splat renderer: three arrays, <c>conics[s] = (a, b, c)</c> writes all three, <c>var (ca, cb, cc) = conics[s]</c> reads them).
        /// </summary>
        private List<StructField>? ElementFields(INamedTypeSymbol st) => st.IsTupleType
            ? st.TupleElements.Length is >= 2 and <= 7 ? st.TupleElements.Select(e => new StructField(e.Name, e.Type, e.CorrespondingTupleField ?? e, e.CorrespondingTupleField ?? e)).ToList() : null
            : StructFields(st);

        /// <summary><c>pts[i] = value;</c> on a struct array: every field, from values computed first. True when handled.</summary>
        private bool TryLowerStructElementAssignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression)) return false;
            var target = StructArrayElement(a.Left, out bool reported);
            if (reported) return true;
            if (target is not { } t) return false;
            var values = LowerTuple(a.Right);
            if (values is null) return true;
            output.AddRange(_pending);
            _pending.Clear();
            Expr k = t.Index;
            if (k is not (Const or VarRef))
            {
                var kn = FreshName(_prefix + "at");
                output.Add(new DeclScalar(kn, IrType.Int, k));
                k = new VarRef(kn, IrType.Int);
            }
            // (values that read the array are taken before any field is written: pts[i] = new V2(pts[i].Y, pts[i].X))
            var kept = new List<Expr>();
            for (int f = 0; f < values.Count; f++)
            {
                var x = Conv(values[f], t.Array.Arrays[f].Type.ElementType);
                if (x is not (Const or VarRef) && IrQueries.Descendants(x).Any(d => d is ElemRef r && t.Array.Arrays.Any(ar => ar.Name == r.Array)))
                {
                    var tn = FreshName(t.Array.Arrays[f].Name + "_new");
                    output.Add(new DeclScalar(tn, x.Type, x));
                    x = new VarRef(tn, x.Type);
                }
                kept.Add(x);
            }
            for (int f = 0; f < kept.Count; f++) output.Add(new Assign(FieldElement(t.Array, f, k), AssignOp.Set, kept[f]));
            return true;
        }

        /// <summary><c>pts[i].X</c> as an assignment target. Handled false when <paramref name="left"/> is not one.</summary>
        private Expr? LowerStructArrayFieldTarget(ExpressionSyntax left, out bool handled)
        {
            handled = false;
            if (left is not MemberAccessExpressionSyntax ma) return null;
            var element = StructArrayElement(ma.Expression, out bool reported);
            if (reported) { handled = true; return null; }
            if (element is not { } e) return null;
            handled = true;
            var member = _model.GetSymbolInfo(ma, _ct).Symbol;
            int f = member is IFieldSymbol { ContainingType.IsTupleType: true } te ? TupleIndex(te, e.Array.Fields.Count)
                : member is { } m ? FieldIndex(e.Array.Fields, m) : -1;
            if (f < 0)
            {
                Report(Descriptors.UnsupportedExpression, left, left.ToString(), $"'{ma.Name}' is not a field of {e.Array.Type.Name}; assign the fields it is computed from");
                return null;
            }
            return FieldElement(e.Array, f, e.Index);
        }

        /// <summary>The position of a tuple element (its ItemN), or -1.</summary>
        private static int TupleIndex(IFieldSymbol element, int count)
        {
            var name = (element.CorrespondingTupleField ?? element).Name;
            return name.StartsWith("Item", System.StringComparison.Ordinal) && int.TryParse(name.Substring(4), out int n) && n >= 1 && n <= count ? n - 1 : -1;
        }

        /// <summary>The field values of <c>pts[i]</c> (null when <paramref name="e"/> is not an element of a struct array; empty when reported).</summary>
        private List<Expr>? StructArrayRow(ExpressionSyntax e)
        {
            var element = StructArrayElement(e, out bool reported);
            if (reported) return new List<Expr>();
            return element is { } x ? x.Array.Fields.Select((_, f) => (Expr)FieldElement(x.Array, f, x.Index)).ToList() : null;
        }

        /// <summary>Does <paramref name="m"/> (a struct's method or accessor) assign a field of the struct it is called on?</summary>
        private bool ChangesItsStruct(IMethodSymbol m)
        {
            if (m.IsReadOnly || m.ContainingType is { IsReadOnly: true }) return false;
            var syntax = m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
            if (syntax is null) return false;
            var model = ModelFor(syntax.SyntaxTree);
            foreach (var n in syntax.DescendantNodes())
            {
                ExpressionSyntax? t = n switch
                {
                    AssignmentExpressionSyntax x => x.Left,
                    PostfixUnaryExpressionSyntax x => x.Operand,
                    PrefixUnaryExpressionSyntax x when x.IsKind(SyntaxKind.PreIncrementExpression) || x.IsKind(SyntaxKind.PreDecrementExpression) => x.Operand,
                    _ => null,
                };
                if (t is ThisExpressionSyntax) return true;
                if (t is not null && model.GetSymbolInfo(t, _ct).Symbol is IFieldSymbol or IPropertySymbol { IsStatic: false } && model.GetSymbolInfo(t, _ct).Symbol!.ContainingType is { } ct
                    && SymbolEqualityComparer.Default.Equals(ct, m.ContainingType) && (t is IdentifierNameSyntax || t is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }))
                    return true;
                if (n is InvocationExpressionSyntax call && model.GetSymbolInfo(call, _ct).Symbol is IMethodSymbol { IsStatic: false } callee
                    && SymbolEqualityComparer.Default.Equals(callee.ContainingType, m.ContainingType) && !SymbolEqualityComparer.Default.Equals(callee, m)
                    && call.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } && ChangesItsStruct(callee))
                    return true;
            }
            return false;
        }

        /// <summary><c>foreach (var p in pts)</c> over a struct array: a counted loop whose body starts with a struct local of the row.</summary>
        private void LowerForEachStruct(ForEachStatementSyntax fe, StructArray sa, List<Stmt> output)
        {
            var counter = FreshName("__" + _prefix + "element_index");
            Expr kRef = new VarRef(counter, IrType.Int);
            var body = new List<Stmt>();
            if (!DeclareTupleLocals(fe, sa.Fields.Count, (i, t) => (Conv(FieldElement(sa, i, kRef), MapType(t)!.Value), MapType(t)!.Value), body, null))
            {
                Report(Descriptors.UnsupportedStatement, fe, "foreach", $"iterate a local array of {sa.Type.Name} with 'foreach (var p in {fe.Expression})' (one struct local per element), or with a counted loop");
                return;
            }
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, Len(sa.Arrays[0].Name, sa.Arrays[0].Type, null, -1), 1, default, origin), null, body, frame, output);
        }
    }
}
