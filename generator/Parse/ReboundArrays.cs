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
    /// A layer stack (issue 10: the most common idiom still refused): a local <c>T[]</c> that starts as a parameter and is then given
    /// each layer's new array, whose width may change from layer to layer:
    /// <code>
    /// double[] activation = x;
    /// for (int l = 0; l + 1 &lt; sizes.Length; l++) { var next = new double[sizes[l + 1]]; ...; activation = next; }
    /// </code>
    /// (or <c>activation = Dense(activation, w[l], b[l]);</c>). DiffGen keeps a local array in one buffer; this one gets a buffer
    /// sized for the longest array it is ever given (computed where it is declared, from what sizes those arrays: parameters'
    /// lengths, int array elements, fixed ints) and an int local holding its current length (its <c>Length</c>). Each assignment
    /// copies the new array's elements into the buffer and sets the length; the start copies the parameter. That is the program
    /// C# runs because nothing can tell the copy from the array: the local's elements are never written (checked on the syntax,
    /// and on the IR for writes inside inlined helpers), nor the parameter's, and the arrays it is given are new (a fresh local of
    /// the loop body never named after the assignment, a helper's new array, <c>new T[n]</c>). The copies are ordinary overwrites,
    /// so the restore analysis records what the reverse sweep needs, and the length is a reassigned int (restored from the int tape).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private sealed class Rebound
        {
            public Rebound(string local, string buffer, string length, DeclScalar placeholder) { Local = local; Buffer = buffer; Length = length; Placeholder = placeholder; }
            public string Local { get; }
            public string Buffer { get; }
            /// <summary>The int local holding the current length (the local's <c>Length</c>).</summary>
            public string Length { get; }
            /// <summary>The capacity's declaration, set once every assignment is lowered (<see cref="ApplyReboundCapacities"/>).</summary>
            public DeclScalar Placeholder { get; }
            /// <summary>Upper bounds of the lengths the local is given, each with the statements computing it (longest rows).</summary>
            public List<(Expr Bound, List<Stmt> Before, Location Where)> Bounds { get; } = new();
            /// <summary>The counters of the copies and zero fills DiffGen wrote into the buffer (every other write is the user's).</summary>
            public HashSet<string> Counters { get; } = new(System.StringComparer.Ordinal);
            /// <summary>The method writes its elements after giving it new arrays (helper writes were ruled out on the syntax).</summary>
            public bool OwnWrites { get; set; }
        }

        /// <summary>Locals found on the syntax to be layer-stack locals (before lowering: double buffering leaves them alone).</summary>
        private readonly HashSet<ILocalSymbol> _reboundCandidates = new(SymbolEqualityComparer.Default);
        /// <summary>The declared ones, by IR name.</summary>
        private readonly Dictionary<string, Rebound> _rebound = new(System.StringComparer.Ordinal);

        /// <summary>
        /// Finds the locals of <paramref name="body"/> (the method's own block) declared as a second name of a parameter or of a row of
        /// one (<c>double[] a = x;</c>, <c>double[] a = xs[n];</c>), given only new arrays after (<c>a = next;</c> of a fresh loop local,
        /// <c>a = F(...)</c>, <c>a = new T[n]</c>), and otherwise only read; the parameter is never written here (nor, checked at
        /// the end, by a helper).
        /// </summary>
        private void FindReboundVectors(SyntaxNode body)
        {
            if (body is not BlockSyntax block) return;
            foreach (var declStmt in block.DescendantNodes().OfType<LocalDeclarationStatementSyntax>())
            {
                if (declStmt.Ancestors().TakeWhile(x => x != block).Any(x => x is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)) continue;
                foreach (var v in declStmt.Declaration.Variables)
                {
                    if (_model.GetDeclaredSymbol(v, _ct) is not ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1, ElementType: var et } } local
                        || et.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32)) continue;
                    var init = v.Initializer?.Value;
                    while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
                    // x, or xs[n] of a jagged parameter
                    var root = init is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax rows } ? rows : init as IdentifierNameSyntax;
                    if (root is null || _model.GetSymbolInfo(root, _ct).Symbol is not IParameterSymbol param || param.RefKind != RefKind.None) continue;
                    var expected = root == init ? param.Type : (param.Type as IArrayTypeSymbol)?.ElementType;
                    if (!SymbolEqualityComparer.Default.Equals(expected, local.Type)) continue;
                    if (IsReboundLocal(block, local, param)) _reboundCandidates.Add(local);
                }
            }
        }

        private bool IsReboundLocal(BlockSyntax body, ILocalSymbol local, IParameterSymbol param)
        {
            int assignments = 0;
            bool ownWrites = false;
            var passedBefore = new List<ArgumentSyntax>(); // given to a helper while it may still be the parameter
            foreach (var id in body.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.Text != local.Name && id.Identifier.Text != param.Name) continue;
                var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                bool isLocal = SymbolEqualityComparer.Default.Equals(sym, local);
                if (!isLocal && !SymbolEqualityComparer.Default.Equals(sym, param)) continue;
                // local functions and lambdas are inlined once per call with names of their own: keep to the plain case
                if (isLocal && id.Ancestors().TakeWhile(x => x != body).Any(x => x is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)) return false;
                SyntaxNode node = id;
                while (node.Parent is ParenthesizedExpressionSyntax) node = node.Parent;
                if (node.Parent is AssignmentExpressionSyntax asg && asg.Left == node)
                {
                    if (!isLocal || !asg.IsKind(SyntaxKind.SimpleAssignmentExpression) || asg.Parent is not ExpressionStatementSyntax) return false;
                    var rhs = asg.Right;
                    while (rhs is ParenthesizedExpressionSyntax p) rhs = p.Expression;
                    bool fresh = rhs is IdentifierNameSyntax && IsFreshLocal(asg, unusedAfter: true);
                    if (!fresh && rhs is not (InvocationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax)) return false;
                    assignments++;
                    continue;
                }
                if (!isLocal)
                {
                    // the parameter: nothing here writes it, nor a row or an element of a row of it (helpers: checked on the IR)
                    SyntaxNode e = node;
                    while (e.Parent is ElementAccessExpressionSyntax ea && ea.Expression == e) e = ea;
                    while (e.Parent is ParenthesizedExpressionSyntax) e = e.Parent;
                    if (e != node && e is ExpressionSyntax written && IsWritten(written)) return false;
                    if (node.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 }) return false; // F(ref x): the array may be replaced
                    continue;
                }
                // its elements written after it was given a new array of its own ('h = Affine(...); h[i] = Math.Tanh(h[i]);'): the
                // buffer holds that array, so the write is the one C# makes
                if (node.Parent is ElementAccessExpressionSyntax ownEa && ownEa.Expression == node && IsWritten(ownEa))
                {
                    if (!AfterRebinding(node, local, body)) return false;
                    ownWrites = true;
                    continue;
                }
                // a helper may read it (writes inside helpers are found on the IR); anything else that could write it or name it twice is out
                if (node.Parent is ArgumentSyntax { RefKindKeyword.RawKind: 0 } passed && passed.Parent?.Parent is InvocationExpressionSyntax)
                {
                    if (!AfterRebinding(node, local, body)) passedBefore.Add(passed);
                    continue;
                }
                if (!OnlyRead(id)) return false;
            }
            if (ownWrites)
            {
                // the IR cannot tell the user's writes from a helper's: helpers given it while it may be the parameter are read here
                foreach (var a in passedBefore)
                    if (CalleeMayWrite(a, 0)) return false;
                _reboundOwnWrites.Add(local);
            }
            return assignments > 0;
        }

        /// <summary>Layer-stack locals whose elements the method writes after giving them a new array (no IR check of helper writes).</summary>
        private readonly HashSet<ILocalSymbol> _reboundOwnWrites = new(SymbolEqualityComparer.Default);

        /// <summary>Does an earlier statement of a block around <paramref name="node"/> give <paramref name="local"/> a new array (so it runs first)?</summary>
        private bool AfterRebinding(SyntaxNode node, ILocalSymbol local, SyntaxNode body)
        {
            for (SyntaxNode cur = node; cur != body && cur.Parent is { } parent; cur = parent)
            {
                if (parent is not BlockSyntax block || cur is not StatementSyntax st) continue;
                foreach (var earlier in block.Statements)
                {
                    if (earlier == st) break;
                    if (earlier is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax a } && a.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        && a.Left is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(a.Left, _ct).Symbol, local))
                        return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Might the helper given <paramref name="arg"/> write the array's elements (an element assignment, ++/--, ref, or passing it on to a
        /// call that might)? Read from the helper's source; true when there is none to read (but Math, LINQ and the runtime's own).
        /// </summary>
        private bool CalleeMayWrite(ArgumentSyntax arg, int depth)
        {
            if (arg.Parent?.Parent is not InvocationExpressionSyntax inv || _model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol m) return true;
            var ns = m.ContainingNamespace?.ToDisplayString() ?? "";
            if (m.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF" || ns.StartsWith("System.Linq", System.StringComparison.Ordinal)) return false;
            if (depth > 4 || m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is not SyntaxNode decl) return true;
            var list = (ArgumentListSyntax)arg.Parent;
            int index = list.Arguments.IndexOf(arg);
            var p = arg.NameColon is { } nc ? m.Parameters.FirstOrDefault(x => x.Name == nc.Name.Identifier.Text) : index < m.Parameters.Length ? m.Parameters[index] : null;
            if (p is null || p.RefKind != RefKind.None) return true;
            var model = ModelFor(decl.SyntaxTree);
            foreach (var use in decl.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (use.Identifier.Text != p.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(use, _ct).Symbol, p)) continue;
                SyntaxNode e = use;
                while (e.Parent is ElementAccessExpressionSyntax ea && ea.Expression == e) e = ea;
                if (e != use && e is ExpressionSyntax w && IsWritten(w)) return true;
                if (use.Parent is ArgumentSyntax inner)
                {
                    if (inner.RefKindKeyword.RawKind != 0) return true;
                    if (inner.Parent?.Parent is InvocationExpressionSyntax innerInv && model.GetSymbolInfo(innerInv, _ct).Symbol is IMethodSymbol im
                        && (im.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF" || (im.ContainingNamespace?.ToDisplayString() ?? "").StartsWith("System.Linq", System.StringComparison.Ordinal)))
                        continue;
                    return true; // passed on: conservatively, it may be written there
                }
            }
            return false;
        }

        /// <summary>
        /// <c>double[] a = x;</c> (or <c>= xs[n]</c>) of a layer-stack local: its buffer (capacity set later; before the top-level
        /// statement when declared in a loop or an if), its length, a copy of the parameter.
        /// </summary>
        private bool TryDeclareRebound(VariableDeclaratorSyntax v, ILocalSymbol local, string name, IrType type, List<Stmt> output)
        {
            if (!_reboundCandidates.Contains(local)) return false;
            if (LowerExpr(v.Initializer!.Value) is not ArrayRef src || !IsParameterName(src.Array) || src.ArrayType.Elem != type.Elem
                || (src.Row is null ? src.ArrayType != type : src.ArrayType.Shape != Shape.Jagged))
            {
                _pending.Clear();
                return false;
            }
            FlushPending(output);
            var cap = FreshName(name + "_cap");
            var len = FreshName(name + "_len");
            var placeholder = new DeclScalar(cap, IrType.Int, new Const(0, IrType.Int));
            var r = new Rebound(local.Name, name, len, placeholder);
            var initial = Len(src.Array, src.ArrayType, src.Row, -1);
            var before = new List<Stmt>();
            if (RowInvariant(initial, before, new HashSet<string>(System.StringComparer.Ordinal)) is not { } bound)
            {
                Report(Descriptors.LocalArray, v, local.Name, $"DiffGen keeps '{local.Name}' in one buffer sized for the longest array it is given, and the length of '{v.Initializer.Value}' has no bound before the loop; declare it from a parameter ('double[] a = x;') or a row of one ('= xs[n]')");
                _rejected.Add(local);
                return true;
            }
            r.Bounds.Add((bound, before, v.GetLocation()));
            var buffer = new DeclArray(name, type, new[] { (Expr)new VarRef(cap, IrType.Int) }.ToEquatable());
            bool nested = _loopDepth > 0 || _branchDepth > 0;
            if (nested)
            {
                // one buffer for the method, allocated before the top-level statement that holds the declaration (like any local array there)
                _hoistedArrays.Add(placeholder);
                _hoistedArrays.Add(buffer);
            }
            else
            {
                output.Add(placeholder);
                output.Add(buffer);
            }
            // (the length is not a fixed name even at the top level: it changes, so an array sized by 'a.Length' in a loop is sized
            // per row, bounded by the capacity; see Capacity)
            output.Add(new DeclScalar(len, IrType.Int, initial));
            _topLevelLocals.Add(cap);
            _topLevelLocals.Add(name);
            _reassigned.Add(len);
            _dynamicLengths[name] = len;
            _reboundCaps[len] = cap;
            _vars[local] = new Variable(name, type, VarKind.Local);
            r.OwnWrites = _reboundOwnWrites.Contains(local);
            _rebound[name] = r;
            _reboundSources[name] = src.Array;
            output.Add(CountedCopy(r, src, type));
            return true;
        }

        /// <summary>The capacity of each layer-stack local, by the int holding its length (an array sized by its Length is bounded by it).</summary>
        private readonly Dictionary<string, string> _reboundCaps = new(System.StringComparer.Ordinal);
        /// <summary>The parameter each layer-stack local starts as (a helper must not write it: checked at the end).</summary>
        private readonly Dictionary<string, string> _reboundSources = new(System.StringComparer.Ordinal);

        /// <summary><c>a = next;</c>, <c>a = F(...);</c>, <c>a = new T[n];</c> on a layer-stack local: its length set, the new elements copied in.</summary>
        private bool TryLowerReboundAssignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression) || a.Left is not IdentifierNameSyntax
                || _model.GetSymbolInfo(a.Left, _ct).Symbol is not ILocalSymbol sym || !_vars.TryGetValue(sym, out var v) || !_rebound.TryGetValue(v.Name, out var r))
                return false;
            var type = v.Type;
            var rhs = a.Right;
            while (rhs is ParenthesizedExpressionSyntax p) rhs = p.Expression;
            FlushPending(output);
            var lenRef = new VarRef(r.Length, IrType.Int);
            Expr length;
            Expr? declared;
            ArrayRef? source = null;
            if (rhs is ArrayCreationExpressionSyntax { Initializer: null } created && created.Type.RankSpecifiers.Count == 1 && created.Type.RankSpecifiers[0].Sizes.Count == 1)
            {
                // a = new T[n]: n zeros
                if (LowerIntExpr(created.Type.RankSpecifiers[0].Sizes[0], "an array size") is not { } n) return true;
                FlushPending(output);
                length = declared = n;
            }
            else if (rhs is IdentifierNameSyntax && _model.GetSymbolInfo(rhs, _ct).Symbol is ILocalSymbol fresh && _vars.TryGetValue(fresh, out var fv))
            {
                // a = next; of a new array of this iteration, never named after
                if (fv.Row is not null || fv.Type != type || fv.Kind != VarKind.Local)
                {
                    Report(Descriptors.LocalArray, a, r.Local, $"'{fresh.Name}' is held as a row of a 2-D buffer (its reference is swapped, or it is a row of a jagged local); give '{r.Local}' a new array of its own ('var next = new {type.ElemKeyword}[n];')");
                    return true;
                }
                source = new ArrayRef(fv.Name, fv.Type, null);
                length = Len(fv.Name, fv.Type, null, -1);
                declared = DeclaredSize(fv.Name, output) ?? length;
            }
            else
            {
                var made = FreshName(v.Name + "_new");
                var init = LowerArrayInitializer(rhs, made, type);
                if (init is null)
                {
                    Report(Descriptors.LocalArray, a, r.Local, $"it is given '{rhs}'; give it a new array (a helper's result, 'new {type.ElemKeyword}[n]', a fresh local of the loop body)");
                    return true;
                }
                if (init.Value.Reported) return true;
                FlushPending(output);
                if (init.Value.Alias is { } alias)
                {
                    if (alias.Array == v.Name) return true; // a = Normalize(a) returning its argument: the same array
                    if (IsParameterName(alias.Array) || alias.Row is not null || alias.ArrayType != type
                        || _vars.Any(x => x.Value.Name == alias.Array && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, sym.ContainingSymbol)))
                    {
                        Report(Descriptors.LocalArray, a, r.Local, "the array assigned is another array of this method (a parameter or a local the helper returns), which C# would make one array under two names, and DiffGen copies into its own buffer; return a new array from the helper, or read the other array by its own name");
                        return true;
                    }
                    source = alias;
                    length = Len(alias.Array, alias.ArrayType, null, -1);
                    declared = DeclaredSize(alias.Array, output) ?? length;
                }
                else
                {
                    if (!DeclareLocalArray(rhs, null, made, type, init.Value.Sizes!, init.Value.Fill, output)) return true;
                    source = new ArrayRef(made, type, null);
                    length = Len(made, type, null, -1);
                    declared = DeclaredLength(made) ?? init.Value.Sizes![0];
                }
            }
            // the longest array it is given, known before its declaration: checked against what is declared there at the end
            var before = new List<Stmt>();
            if (RowInvariant(declared, before, new HashSet<string>(System.StringComparer.Ordinal)) is not { } bound)
            {
                Report(Descriptors.LocalArray, a, r.Local, $"DiffGen keeps '{r.Local}' in one buffer sized, where it is declared, for the longest array it is given; this one's length '{ExprPrinter.CSharp.Print(declared)}' has no bound known there (it reads a counter or a value the method computes); compute its length from the parameters ('new double[sizes[l + 1]]', 'w[l].Length', a fixed int)");
                return true;
            }
            r.Bounds.Add((bound, before, a.GetLocation()));
            output.Add(new Assign(lenRef, AssignOp.Set, length));
            if (source is { } s) output.Add(CountedCopy(r, s, type));
            else
            {
                var zero = (For)ZeroFill(v.Name, type, new List<Expr> { lenRef });
                r.Counters.Add(zero.Var);
                output.Add(zero);
            }
            return true;
        }

        /// <summary>The size an array of this method was declared with (a per-row size, a hoisted buffer's, or a top-level declaration's).</summary>
        private Expr? DeclaredSize(string array, List<Stmt> output) =>
            DeclaredLength(array)
            ?? IrQueries.AllStmts(output.Concat(_body)).OfType<DeclArray>().FirstOrDefault(d => d.Name == array && d.Sizes.Count == 1)?.Sizes[0];

        private Stmt CountedCopy(Rebound r, ArrayRef source, IrType type)
        {
            var copy = (For)CopyLoops(source, r.Buffer, type, new List<Expr> { new VarRef(r.Length, IrType.Int) });
            r.Counters.Add(copy.Var);
            return copy;
        }

        /// <summary>
        /// Sets each layer-stack local's capacity (the largest of the lengths it is given, with the loops computing longest rows) in place
        /// of its placeholder; reports a bound that reads a name declared after the local or one the method reassigns, and a write to the
        /// buffer other than DiffGen's copies (a helper writing its parameter).
        /// </summary>
        private void ApplyReboundCapacities(List<Stmt> body)
        {
            foreach (var r in _rebound.Values)
            {
                int index = body.FindIndex(x => ReferenceEquals(x, r.Placeholder));
                if (index < 0) { Suppress(); continue; }
                var later = new Dictionary<string, IrType>(System.StringComparer.Ordinal);
                IrQueries.Declarations(body.Skip(index + 1), later);
                var pre = new List<Stmt>();
                Expr? cap = null;
                foreach (var (given, before, where) in r.Bounds)
                {
                    // x.GetLength(0) of a T[] is x.Length: one bound, not two
                    var bound = IrRewriter.Map(given, e => e is LengthOf { Dim: 0, Row: null, ArrayType.Shape: Shape.Vector } l ? l with { Dim = -1 } : null);
                    var own = new Dictionary<string, IrType>(System.StringComparer.Ordinal);
                    IrQueries.Declarations(before, own);
                    var reads = before.SelectMany(IrQueries.ExprsOf).Concat(new[] { bound }).SelectMany(IrQueries.Descendants)
                        .Select(e => e switch { VarRef x => x.Name, LengthOf l => l.Array, ElemRef el => el.Array, _ => null })
                        .Where(n => n is not null && !own.ContainsKey(n)).Select(n => n!).Distinct().ToList();
                    // an array sized like the local itself ('new double[a.Length]'): no longer than the buffer already is
                    if (bound is VarRef self && self.Name == r.Placeholder.Name) continue;
                    if (reads.Contains(r.Placeholder.Name))
                    {
                        Report(Descriptors.LocalArray, where, r.Local, $"DiffGen keeps '{r.Local}' in one buffer sized, where it is declared, for the longest array it is given; this one's length is computed from the length of '{r.Local}' itself and may exceed it (a 'n - k + 1' with k possibly 0 grows), so no size known there bounds them all; compute the new arrays' lengths from the parameters, or allocate one array of the largest length before the loop and keep the current length in an int");
                        continue;
                    }
                    if (reads.FirstOrDefault(n => later.ContainsKey(n) || _reassigned.Contains(n)) is { } late)
                    {
                        Report(Descriptors.LocalArray, where, r.Local, $"DiffGen keeps '{r.Local}' in one buffer sized, where it is declared, for the longest array it is given; this one's length reads '{late}', which is {(later.ContainsKey(late) ? "declared after it" : "reassigned")}; declare '{r.Local}' after what sizes its arrays, or compute their lengths from the parameters");
                        continue;
                    }
                    if (cap is not null && (cap.Equals(bound) || cap is Intrinsic { Fn: Fn.Max } m && m.Args.Contains(bound))) continue;
                    pre.AddRange(before);
                    cap = cap is null ? bound : new Intrinsic(Fn.Max, new[] { cap, bound }.ToEquatable(), IrType.Int);
                }
                foreach (var s in IrQueries.AllStmts(body))
                    if (!r.OwnWrites && s is Assign { Target: ElemRef { Indices.Count: 1 } t } && t.Array == r.Buffer && !(t.Indices[0] is VarRef c && r.Counters.Contains(c.Name)))
                    {
                        Report(Descriptors.LocalArray, _method.Locations.FirstOrDefault() ?? Location.None, r.Local, $"a helper writes the elements of '{r.Local}', which starts as a second name of a parameter and is given new arrays; DiffGen keeps it in a buffer of its own, so that write would not reach the parameter: copy it first ('var a = (double[])x.Clone();') or make the helper return a new array");
                        break;
                    }
                if (_reboundSources.TryGetValue(r.Buffer, out var source) && _writtenParams.ContainsKey(source))
                    Report(Descriptors.LocalArray, _writtenParams[source], r.Local, $"it starts as '{source}' (or a row of it), which the method writes; DiffGen keeps '{r.Local}' in a buffer of its own, so it would not see that write: copy it first ('var a = (double[]){source}.Clone();')");
                body[index] = r.Placeholder with { Init = cap ?? new Const(0, IrType.Int) };
                body.InsertRange(index, pre);
            }
        }
    }
}
