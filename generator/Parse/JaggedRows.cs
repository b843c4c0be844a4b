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
    /// Rows of a jagged local given computed arrays (issue 10: layer code writes <c>double[][] h = x.Select(r =&gt; LayerNorm(r)).ToArray();</c>
    /// or <c>q[i] = MatVec(wq, h[i]);</c> in a loop). A jagged local is held as a <c>T[n, m]</c> (Buffers.cs); a computed row is made in
    /// its own buffer (the helper's array, a LINQ result) and copied into row i, which is what C# computes as long as the row's
    /// array is new (a helper's result, not another array of the method: checked) and every row has the one length m (checked
    /// where it runs: another length throws, naming the local). When no row is created with <c>new T[m]</c>, m is the length of
    /// the computed rows, read before the declaration from what decides it: parameters' lengths (the longest row of a jagged
    /// parameter, so rows of one length give exactly theirs), fixed ints and constants.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>A jagged local whose row length is decided by its first computed row: the int declared for it, not yet set.</summary>
        private sealed class DeferredColumns
        {
            public DeferredColumns(string local, string cols, DeclScalar placeholder, List<Stmt> home, bool hoisted) { Local = local; Cols = cols; Placeholder = placeholder; Home = home; Hoisted = hoisted; }
            /// <summary>Declared in a loop or an if: <see cref="Home"/> is the buffers hoisted before the enclosing top-level statement, set in place.</summary>
            public bool Hoisted { get; }
            /// <summary>The statement list the placeholder went to: the method's body, or the statements of a helper being inlined.</summary>
            public List<Stmt> Home { get; }
            /// <summary>
            /// What replaces the placeholder when it was set in a helper's statements (<see cref="Home"/>), which are copied into the
            /// method's body after the helper is lowered: applied there by <see cref="ApplyDeferredColumns"/>.
            /// </summary>
            public List<Stmt>? Replacement { get; set; }
            public string Local { get; }
            public string Cols { get; }
            public DeclScalar Placeholder { get; }
            public bool Set { get; set; }
        }

        /// <summary>The statements of helpers inlined so far (<see cref="_pending"/>) into <paramref name="output"/>, unless that is where they already are.</summary>
        private void FlushPending(List<Stmt> output)
        {
            if (ReferenceEquals(output, _pending)) return;
            output.AddRange(_pending);
            _pending.Clear();
        }

        /// <summary>IR names of jagged locals whose row length waits for their first computed row.</summary>
        private readonly Dictionary<string, DeferredColumns> _deferredColumns = new(System.StringComparer.Ordinal);

        /// <summary>Is <paramref name="e"/> a new array a row may be given (a helper's result, LINQ, a copy, an initializer)? Not a name of another array.</summary>
        private static bool IsComputedRow(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax or CastExpressionSyntax)
                e = e is ParenthesizedExpressionSyntax p ? p.Expression : ((CastExpressionSyntax)e).Expression;
            return e is InvocationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax
                || e is ArrayCreationExpressionSyntax { Initializer: not null };
        }

        /// <summary>
        /// <c>h[i] = e;</c> where <c>e</c> is a local T[] created (<c>new T[m]</c>, a helper's result) inside the loop body that holds the
        /// assignment, and nothing writes it after the assignment there: each iteration's array is new and never changes afterwards,
        /// so row i holding a copy of it is what C# computes.
        /// </summary>
        private bool IsFreshLocalRow(AssignmentExpressionSyntax asg) => IsFreshLocal(asg, unusedAfter: false);

        /// <summary>
        /// <c>e</c> of <c>h[i] = e;</c> or <c>rot = e;</c>: a local array created inside the loop body that holds the assignment (new each
        /// iteration) and, after it, only read (<paramref name="unusedAfter"/>: not named at all, since the target and e would be one
        /// array in C#).
        /// </summary>
        private bool IsFreshLocal(AssignmentExpressionSyntax asg, bool unusedAfter)
        {
            var rhs = asg.Right;
            while (rhs is ParenthesizedExpressionSyntax p) rhs = p.Expression;
            if (rhs is not IdentifierNameSyntax id || _model.GetSymbolInfo(id, _ct).Symbol is not ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1 or 2 } } e) return false;
            if (e.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is not VariableDeclaratorSyntax { Initializer.Value: { } init } decl) return false;
            if (decl.Parent?.Parent is not LocalDeclarationStatementSyntax declStmt || declStmt.Parent is not BlockSyntax block) return false;
            // declared in a loop's body, which holds the assignment as a statement of its own
            if (block.Parent is not (ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)) return false;
            if (asg.Parent is not ExpressionStatementSyntax stmt || !block.Statements.Contains(stmt)) return false;
            if (init is not (ArrayCreationExpressionSyntax or InvocationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax)) return false;
            // after the assignment, e is only read (e[k] as a value, e.Length)
            bool readAfter = false;
            foreach (var use in block.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (use.SpanStart <= asg.Span.End || !SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(use, _ct).Symbol, e)) continue;
                if (unusedAfter) return false;
                readAfter = true;
                if (use.Parent is MemberAccessExpressionSyntax { Name.Identifier.Text: "Length" } ma && ma.Expression == use) continue;
                if (use.Parent is ElementAccessExpressionSyntax ea && ea.Expression == use && !IsWritten(ea)) continue;
                return false;
            }
            // ... and, when it is read after, the row it was given is not written there (in C# that write would show through e)
            if (readAfter && asg.Left is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax target } && _model.GetSymbolInfo(target, _ct).Symbol is { } rows)
                foreach (var w in block.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                    if (w.SpanStart > asg.Span.End && w.Left is ElementAccessExpressionSyntax { Expression: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax wr } }
                        && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(wr, _ct).Symbol, rows))
                        return false;
            return true;
        }

        private static bool IsWritten(ExpressionSyntax e) =>
            e.Parent is AssignmentExpressionSyntax a && a.Left == e
            || e.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax
            || e.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 };

        /// <summary>
        /// Declares the int holding the row length of jagged local <paramref name="name"/> (set by its first computed row) and returns
        /// it: where the local stands at the top level, else with the buffers hoisted before the top-level statement.
        /// </summary>
        private Expr DeferColumns(VariableDeclaratorSyntax v, ILocalSymbol local, string name, List<Stmt> output)
        {
            var cols = FreshName(name + "_cols");
            var placeholder = new DeclScalar(cols, IrType.Int, new Const(0, IrType.Int));
            // declared in a loop or an if: the local is one buffer allocated before the top-level statement (_hoistedArrays), so its
            // row length goes there too, a bound over every iteration (SetColumns takes the largest per-row value, as at the top level)
            bool hoisted = _loopDepth > 0 || _branchDepth > 0;
            var home = hoisted ? _hoistedArrays : output;
            if (!hoisted) FlushPending(output);
            home.Add(placeholder);
            _topLevelLocals.Add(cols);
            _deferredColumns[name] = new DeferredColumns(local.Name, cols, placeholder, home, hoisted);
            return new VarRef(cols, IrType.Int);
        }

        /// <summary>
        /// <c>h[i] = Helper(...)</c> (any new array) on jagged local <paramref name="h"/>: the array made in its own buffer, its length checked
        /// against the row length (or deciding it), its elements copied into row <paramref name="row"/>. True when handled (or reported).
        /// </summary>
        private bool LowerComputedRow(ExpressionSyntax rhs, SyntaxNode at, string localName, Variable h, Expr row, List<Stmt> output, bool freshLocal = false)
        {
            if (ComputedRow(rhs, at, localName, h.Type.Elem, output, freshLocal) is not { } made) return true;
            if (_deferredColumns.TryGetValue(h.Name, out var deferred) && !deferred.Set && !SetColumns(deferred, made.Size, at)) return true;
            CopyIntoRow(made.Source, h, row, localName, output);
            return true;
        }

        /// <summary>
        /// The new array <paramref name="rhs"/> gives a row (a helper's result, LINQ, a copy, an initializer), made in its own buffer
        /// (one for every row: <see cref="DeclareLocalArray"/> sizes it for the longest), and its length as declared. Null when reported.
        /// </summary>
        private (ArrayRef Source, Expr Size)? ComputedRow(ExpressionSyntax rhs, SyntaxNode at, string localName, Scalar elem, List<Stmt> output, bool freshLocal = false)
        {
            var rowType = new IrType(elem, Shape.Vector);
            var fresh = FreshName(_prefix + localName + "_row");
            _loopDepth++;
            try
            {
                var init = LowerArrayInitializer(rhs, fresh, rowType);
                if (init is null)
                {
                    Report(Descriptors.LocalArray, at, localName, $"its row is given '{rhs}'; give a row a new array (a helper's result, 'x.Select(...).ToArray()', 'new T[m]') or copy another array's elements into h[i][j]");
                    return null;
                }
                if (init.Value.Reported) return null;
                FlushPending(output);
                if (init.Value.Alias is { } alias)
                {
                    // a helper returning one of the method's own arrays: C# would make the row that array, which a copy is not
                    if (IsParameterName(alias.Array) || alias.Row is not null || !freshLocal && _vars.Any(x => x.Value.Name == alias.Array && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, _method)))
                    {
                        Report(Descriptors.LocalArray, at, localName, "its row is given another array of this method (a parameter or a local the helper returns), which C# would make one array under two names, and DiffGen copies into its own buffer; return a new array from the helper, or copy the elements into h[i][j]");
                        return null;
                    }
                    if (alias.ArrayType != rowType)
                    {
                        Report(Descriptors.LocalArray, at, localName, $"its row is given an array of type {alias.ArrayType}; give it a {rowType}");
                        return null;
                    }
                    return (alias, DeclaredLength(alias.Array) ?? Len(alias.Array, alias.ArrayType, null, -1));
                }
                if (!DeclareLocalArray(rhs, null, fresh, rowType, init.Value.Sizes!, init.Value.Fill, output)) return null;
                return (new ArrayRef(fresh, rowType, null), init.Value.Sizes![0]);
            }
            finally { _loopDepth--; }
        }

        /// <summary>
        /// <c>(m[k], m[p]) = (m[p], m[k]);</c> on a jagged local (a row pivot in an LU factorisation): DiffGen holds the local as
        /// rows of one length (a T[n, m]), so the two rows' elements are exchanged, which is what C# computes as long as no other
        /// name refers to a row of it (checked: a row given to a local, a foreach over the rows) or to the local itself. False when
        /// <paramref name="a"/> is not such a swap. The three-statement form is <see cref="TempRowSwap"/>.
        /// </summary>
        private bool TrySwapJaggedRows(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (a.Left is not TupleExpressionSyntax { Arguments.Count: 2 } lt || a.Right is not TupleExpressionSyntax { Arguments.Count: 2 } rt) return false;
            if (JaggedRow(lt.Arguments[0].Expression) is not { } l0 || JaggedRow(lt.Arguments[1].Expression) is not { } l1
                || JaggedRow(rt.Arguments[0].Expression) is not { } r0 || JaggedRow(rt.Arguments[1].Expression) is not { } r1) return false;
            var sym = l0.Sym;
            if (!SymbolEqualityComparer.Default.Equals(sym, l1.Sym) || !SymbolEqualityComparer.Default.Equals(sym, r0.Sym) || !SymbolEqualityComparer.Default.Equals(sym, r1.Sym)) return false;
            if (!SyntaxFactory.AreEquivalent(r0.Index, l1.Index) || !SyntaxFactory.AreEquivalent(r1.Index, l0.Index)) return false;
            return SwapRows(a, sym, l0.Index, l1.Index, output);
        }

        /// <summary>
        /// <c>var t = m[k]; m[k] = m[p]; m[p] = t;</c> at <paramref name="i"/> of a block, on a jagged local m, with t named nowhere
        /// else: the swap through a temporary, as written before C# had tuples. Null when the statements are not that.
        /// </summary>
        private (ILocalSymbol Sym, ExpressionSyntax A, ExpressionSyntax B)? TempRowSwap(SyntaxList<StatementSyntax> list, int i)
        {
            if (i + 2 >= list.Count) return null;
            if (list[i] is not LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } vars } || vars[0].Initializer?.Value is not { } init
                || JaggedRow(init) is not { } r0 || _model.GetDeclaredSymbol(vars[0], _ct) is not ILocalSymbol temp) return null;
            if (list[i + 1] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax a1 } || !a1.IsKind(SyntaxKind.SimpleAssignmentExpression)
                || JaggedRow(a1.Left) is not { } l1 || JaggedRow(a1.Right) is not { } r1) return null;
            if (list[i + 2] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax a2 } || !a2.IsKind(SyntaxKind.SimpleAssignmentExpression)
                || JaggedRow(a2.Left) is not { } l2 || a2.Right is not IdentifierNameSyntax tid
                || !SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(tid, _ct).Symbol, temp)) return null;
            var sym = r0.Sym;
            if (!SymbolEqualityComparer.Default.Equals(sym, l1.Sym) || !SymbolEqualityComparer.Default.Equals(sym, r1.Sym) || !SymbolEqualityComparer.Default.Equals(sym, l2.Sym)) return null;
            if (!SyntaxFactory.AreEquivalent(r0.Index, l1.Index) || !SyntaxFactory.AreEquivalent(r1.Index, l2.Index)) return null;
            // the temporary is read by the third statement only
            var body = temp.ContainingSymbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
            if (body is null || body.DescendantNodes().OfType<IdentifierNameSyntax>().Count(n => n.Identifier.Text == temp.Name
                && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(n, _ct).Symbol, temp)) != 1) return null;
            return (sym, r0.Index, r1.Index);
        }

        /// <summary>
        /// Lowers the <see cref="TempRowSwap"/> that starts at <paramref name="st"/>; true when it did (the caller skips the next two
        /// statements), false when <paramref name="st"/> starts none (lower it as usual).
        /// </summary>
        private bool TryLowerTempRowSwap(StatementSyntax st, List<Stmt> output)
        {
            if (st.Parent is not BlockSyntax block || TempRowSwap(block.Statements, block.Statements.IndexOf(st)) is not { } swap) return false;
            bool done = false;
            WithPending(own => done = SwapRows(block.Statements[block.Statements.IndexOf(st) + 1], swap.Sym, swap.A, swap.B, own), output);
            return done;
        }

        /// <summary>Is <paramref name="st"/> one of the three statements of a <see cref="TempRowSwap"/>?</summary>
        private bool InTempRowSwap(StatementSyntax st)
        {
            if (st.Parent is not BlockSyntax block) return false;
            int at = block.Statements.IndexOf(st);
            for (int k = System.Math.Max(0, at - 2); k <= at; k++)
                if (TempRowSwap(block.Statements, k) is not null) return true;
            return false;
        }

        /// <summary><c>m[i]</c> on a jagged local <c>m</c>: the local and the index.</summary>
        private (ILocalSymbol Sym, ExpressionSyntax Index)? JaggedRow(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax id, ArgumentList.Arguments.Count: 1 } ea
                && _model.GetSymbolInfo(id, _ct).Symbol is ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } } } s
                    ? (s, ea.ArgumentList.Arguments[0].Expression) : null;
        }

        /// <summary>
        /// Rows <paramref name="ia"/> and <paramref name="ib"/> of jagged local <paramref name="sym"/> exchanged element by element
        /// (a tuple swap or <see cref="TempRowSwap"/>); false when the local is not held as rows of one length.
        /// </summary>
        private bool SwapRows(SyntaxNode at, ILocalSymbol sym, ExpressionSyntax ia, ExpressionSyntax ib, List<Stmt> output)
        {
            if (!_vars.TryGetValue(sym, out var h) || h.Type.Shape != Shape.Matrix) return false;
            // a row (or the local) under another name would keep its array in C#, and see the other row's elements here
            var body = sym.ContainingSymbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
            foreach (var use in body?.DescendantNodes().OfType<IdentifierNameSyntax>() ?? Enumerable.Empty<IdentifierNameSyntax>())
            {
                if (use.Identifier.Text != sym.Name || !SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(use, _ct).Symbol, sym)) continue;
                if (use.Ancestors().OfType<StatementSyntax>().FirstOrDefault() is { } st && InTempRowSwap(st)) continue; // names rows as a swap may
                ExpressionSyntax named = use.Parent is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } row && row.Expression == use ? row : use;
                SyntaxNode outer = named;
                while (outer.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax) outer = outer.Parent;
                bool kept = outer.Parent is EqualsValueClauseSyntax
                    || outer.Parent is AssignmentExpressionSyntax asg && asg.Right == outer
                    || named == use && outer.Parent is ForEachStatementSyntax fe && fe.Expression == outer;
                if (!kept) continue;
                var keeper = outer.Parent is EqualsValueClauseSyntax ? outer.Parent.Parent! : outer.Parent!;
                Report(Descriptors.LocalArray, at, sym.Name, $"'{keeper}' keeps {(named == use ? "the local" : "a row of it")} under another name, and DiffGen swaps rows of a jagged local by exchanging their elements; read the rows by index (m[k][j]) instead");
                return true;
            }
            var i0 = LowerExpr(ia);
            var i1 = LowerExpr(ib);
            if (i0 is null || i1 is null) { Suppress(); return true; }
            if (i0.Type != IrType.Int || i1.Type != IrType.Int) return false;
            FlushPending(output);
            var ra = FreshName("__row");
            var rb = FreshName("__row");
            output.Add(new DeclScalar(ra, IrType.Int, i0));
            output.Add(new DeclScalar(rb, IrType.Int, i1));
            var j = FreshName("__sw");
            var t = FreshName("__swap");
            var elem = new IrType(h.Type.Elem, Shape.Scalar);
            ElemRef At(string r) => new ElemRef(h.Name, h.Type, new Expr[] { new VarRef(r, IrType.Int), new VarRef(j, IrType.Int) }.ToEquatable());
            var swap = new Stmt[]
            {
                new DeclScalar(t, elem, At(ra)),
                new Assign(At(ra), AssignOp.Set, At(rb)),
                new Assign(At(rb), AssignOp.Set, new VarRef(t, elem)),
            }.ToEquatable();
            output.Add(new For(j, new Const(0, IrType.Int), BinaryOp.Lt, new LengthOf(h.Name, h.Type, null, 1), 1, swap));
            return true;
        }

        /// <summary>Checks that <paramref name="source"/> has the row length of <paramref name="h"/> (throws naming the local otherwise) and copies it into row <paramref name="row"/>.</summary>
        private void CopyIntoRow(ArrayRef source, Variable h, Expr row, string localName, List<Stmt> output)
        {
            var cols = new LengthOf(h.Name, h.Type, null, 1);
            var length = Len(source.Array, source.ArrayType, source.Row, -1);
            var text = SymbolDisplay.FormatLiteral($"DiffGen holds the jagged local '{localName}' as rows of one length and copies each row's new array into it; this row has another length. Give rows of other lengths their own local array.", quote: true);
            output.Add(new If(new Binary(BinaryOp.Ne, length, cols, IrType.Bool), new Stmt[] { new Throw($"new global::System.InvalidOperationException({text})", EquatableArray<Expr>.Empty) }.ToEquatable(), EquatableArray<Stmt>.Empty));
            var k = FreshName("__cp");
            var K = new VarRef(k, IrType.Int);
            output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, cols, 1,
                new Stmt[] { new Assign(new ElemRef(h.Name, h.Type, new[] { row, K }.ToEquatable()), AssignOp.Set, new ElemRef(source.Array, source.ArrayType, new Expr[] { K }.ToEquatable())) }.ToEquatable()));
        }

        /// <summary>
        /// <c>double[][] h = rows.Select(r =&gt; Helper(r)).ToArray();</c> (also <c>(r, i) =&gt;</c>, a method group <c>Select(Normalize)</c>,
        /// over <c>Enumerable.Range(s, n)</c>, a jagged parameter or local, a T[], or several of those joined by <c>Concat</c>): a
        /// T[n, m] whose row k is the selector's new array for element k, m its length. False when the initializer is not such a
        /// Select (lowered as before); true when declared or reported.
        /// </summary>
        private bool TryDeclareJaggedSelect(VariableDeclaratorSyntax v, ILocalSymbol local, string name, IrType matrixType, List<Stmt> output)
        {
            if (v.Initializer?.Value is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } ta, ArgumentList.Arguments.Count: 0 }
                || ta.Expression is not InvocationExpressionSyntax call || _model.GetSymbolInfo(call, _ct).Symbol is not IMethodSymbol { Name: "Select" } m
                || m.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
                return false;
            bool Reject(string why)
            {
                Report(Descriptors.LocalArray, v, local.Name, why);
                _rejected.Add(local);
                return true;
            }
            const string form = "a jagged local made by Select is supported as 'rows.Select(r => Helper(r)).ToArray()' (or (r, i) => ..., a block ending in its only return, or a helper's name) over a jagged array, a T[], Enumerable.Range(start, count) or such collections joined by Concat, each row a new array of one length; write it that way, or fill 'new T[n][]' row by row in a loop";
            // in a loop or an if the local is one buffer allocated before the top-level statement, its row length and count bounds there
            bool hoisted = _loopDepth > 0 || _branchDepth > 0;
            var args = call.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = m.ReducedFrom is not null ? (call.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            if (m.ReducedFrom is null && args.Count > 0) args.RemoveAt(0);
            if (source is null || args.Count != 1) return Reject(form);
            // the selector: a lambda, or a method group naming a helper of this file or a local function (its body read as the lambda's)
            List<IParameterSymbol?> ps;
            CSharpSyntaxNode selectorBody;
            if (args[0] is LambdaExpressionSyntax lambda && SelectorBody(lambda.Body))
            {
                selectorBody = lambda.Body;
                ps = lambda switch
                {
                    SimpleLambdaExpressionSyntax sl => new List<IParameterSymbol?> { _model.GetDeclaredSymbol(sl.Parameter, _ct) as IParameterSymbol },
                    ParenthesizedLambdaExpressionSyntax pl => pl.ParameterList.Parameters.Select(q => _model.GetDeclaredSymbol(q, _ct) as IParameterSymbol).ToList(),
                    _ => new List<IParameterSymbol?>(),
                };
            }
            else if (args[0] is IdentifierNameSyntax or MemberAccessExpressionSyntax && _model.GetSymbolInfo(args[0], _ct) is var info
                && (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is IMethodSymbol { Parameters.Length: 1 or 2 } group
                && group.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is { } groupSyntax
                && (groupSyntax.SyntaxTree == _model.SyntaxTree || groupSyntax is MethodDeclarationSyntax) // a static helper of another file: read with its model
                && (groupSyntax is MethodDeclarationSyntax { } md && group.IsStatic ? (CSharpSyntaxNode?)md.ExpressionBody?.Expression ?? md.Body
                    : groupSyntax is LocalFunctionStatementSyntax lf ? (CSharpSyntaxNode?)lf.ExpressionBody?.Expression ?? lf.Body : null) is { } groupBody
                && SelectorBody(groupBody))
            {
                selectorBody = groupBody;
                ps = group.Parameters.Select(q => (IParameterSymbol?)q).ToList();
            }
            else return Reject(form);
            if (ps.Count is < 1 or > 2 || ps.Any(p => p is null)) return Reject(form);
            // the collections Concat joins, in order
            var segments = new List<ExpressionSyntax>();
            void Flatten(ExpressionSyntax e)
            {
                while (e is ParenthesizedExpressionSyntax pe) e = pe.Expression;
                if (e is InvocationExpressionSyntax ci && _model.GetSymbolInfo(ci, _ct).Symbol is IMethodSymbol { Name: "Concat" } cm
                    && cm.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
                {
                    var cargs = ci.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                    if (cm.ReducedFrom is not null && ci.Expression is MemberAccessExpressionSyntax cma && cargs.Count == 1) { Flatten(cma.Expression); Flatten(cargs[0]); return; }
                    if (cm.ReducedFrom is null && cargs.Count == 2) { Flatten(cargs[0]); Flatten(cargs[1]); return; }
                }
                segments.Add(e);
            }
            Flatten(source);
            if (hoisted && segments.Count > 1) return Reject(form + "; inside a loop or an if, over one collection (Concat outside loops and ifs)");

            Expr total = new Const(0, IrType.Int);
            Expr? colsRef = null;
            Variable? h = null;
            foreach (var segment in segments)
            {
                var k = FreshName("__lq");
                var K = new VarRef(k, IrType.Int);
                Expr element, n;
                if (IsEnumerableRange(segment, out var range))
                {
                    if (RangeElement(range, K, out n) is not { } first) { _rejected.Add(local); return true; }
                    element = first;
                }
                else if (_model.GetTypeInfo(segment, _ct).Type is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } } && LowerExpr(segment) is ArrayRef { Row: null } rows
                    && (rows.ArrayType.Shape == Shape.Jagged || _rowBuffers.Contains(rows.Array)))
                {
                    element = new ArrayRef(rows.Array, rows.ArrayType, K); // the selector's parameter names row k (as in foreach)
                    n = Len(rows.Array, rows.ArrayType, null, -1);
                }
                else if (VectorPart(segment) is { } part)
                {
                    if (part.Reported) { _rejected.Add(local); return true; }
                    element = ElementAt(part.Array, AddInts(part.Start, K));
                    n = part.Count;
                }
                else return Reject(form);
                Expr offset = total;
                Expr index = AddInts(offset, K);

                // the selector, once per element, into the loop's body: its new array and that array's declared length
                var body = new List<Stmt>();
                var values = new List<Expr> { element };
                if (ps.Count == 2) values.Add(index);
                for (int i = 0; i < ps.Count; i++)
                {
                    if (values[i] is ArrayRef rowOrArray)
                    {
                        _vars[ps[i]!] = new Variable(rowOrArray.Array, rowOrArray.ArrayType, IsParameterName(rowOrArray.Array) ? VarKind.Param : VarKind.Local, rowOrArray.Row, null);
                        continue;
                    }
                    var item = FreshName(_prefix + ps[i]!.Name);
                    body.Add(new DeclScalar(item, values[i].Type, values[i]));
                    _vars[ps[i]!] = new Variable(item, values[i].Type, VarKind.Local);
                }
                var saved = _pending;
                var pending = _pending = new List<Stmt>(); // helpers inlined in the selector: in the body, before what uses them
                (ArrayRef Source, Expr Size)? made;
                _loopDepth++;
                var savedModel = _model;
                try
                {
                    _model = ModelFor(selectorBody.SyntaxTree);
                    ExpressionSyntax result;
                    if (selectorBody is BlockSyntax block)
                    {
                        foreach (var st in block.Statements.Take(block.Statements.Count - 1))
                        {
                            body.AddRange(pending);
                            pending.Clear();
                            LowerStatement(st, body);
                        }
                        result = ((ReturnStatementSyntax)block.Statements.Last()).Expression!;
                    }
                    else result = (ExpressionSyntax)selectorBody;
                    made = IsComputedRow(result) ? ComputedRow(result, v, local.Name, matrixType.Elem, body) : null;
                    if (made is null && !IsComputedRow(result))
                        Report(Descriptors.LocalArray, v, local.Name, form + $"; the selector returns '{result}', which is not a new array");
                }
                finally
                {
                    _model = savedModel;
                    _loopDepth--;
                    _pending = saved;
                }
                body.AddRange(pending);
                if (made is not { } row) { _rejected.Add(local); return true; }
                if (colsRef is null)
                {
                    // the first collection's rows decide the row length (the others' are checked where they are copied)
                    var before = new List<Stmt>();
                    var cols = RowInvariant(row.Size, before, new HashSet<string>(System.StringComparer.Ordinal));
                    if (cols is null)
                        return Reject($"its rows' length '{ExprPrinter.CSharp.Print(row.Size)}' changes with the element or reads a value computed per element; rows must all have one length, known from the lengths of the arrays the selector reads; give every row that length, or use a T[,] sized by the longest row");
                    FlushPending(output);
                    var colsHome = hoisted ? _hoistedArrays : output;
                    colsHome.AddRange(before);
                    var colsName = FreshName(name + "_cols");
                    colsHome.Add(new DeclScalar(colsName, IrType.Int, cols));
                    _topLevelLocals.Add(colsName);
                    colsRef = new VarRef(colsName, IrType.Int);
                    // every collection's count, before anything is made: the buffer holds all their rows
                    var counts = segments.Count == 1 ? n : new VarRef(FreshName(name + "_rows"), IrType.Int);
                    if (segments.Count > 1)
                    {
                        var sizes = new List<Expr> { n };
                        foreach (var rest in segments.Skip(1))
                        {
                            var rn = IsEnumerableRange(rest, out var rr) && RangeElement(rr, new Const(0, IrType.Int), out var rc) is not null ? rc
                                : LowerExpr(rest) is ArrayRef { Row: null } rrows && _model.GetTypeInfo(rest, _ct).Type is IArrayTypeSymbol { ElementType: IArrayTypeSymbol } ? Len(rrows.Array, rrows.ArrayType, null, -1)
                                : VectorPart(rest) is { Reported: false } rp ? rp.Count : null;
                            if (rn is null) return Reject(form);
                            sizes.Add(rn);
                        }
                        var countName = ((VarRef)counts).Name;
                        output.Add(new DeclScalar(countName, IrType.Int, sizes.Aggregate((a, b) => new Binary(BinaryOp.Add, a, b, IrType.Int))));
                        _topLevelLocals.Add(countName);
                    }
                    _rowBuffers.Add(name);
                    if (!DeclareLocalArray(v, local, name, matrixType, new List<Expr> { counts, colsRef }, null, output)) return true;
                    h = _vars[local];
                }
                CopyIntoRow(row.Source, h!, index, local.Name, body);
                output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, body.ToEquatable()));
                total = AddInts(total, n);
                if (total is not Const && total is not VarRef && segments.Count > 1)
                {
                    // the next collection's rows start after this one's: fixed before its loop
                    var at = FreshName(name + "_at");
                    output.Add(new DeclScalar(at, IrType.Int, total));
                    _topLevelLocals.Add(at);
                    total = new VarRef(at, IrType.Int);
                }
            }
            return true;
        }

        /// <summary>
        /// <c>var q = MatMul(x, wq);</c> where the helper returns a jagged local of its own (held as a T[n, m]): q names that buffer.
        /// False when the initializer is not a call; true when declared or reported.
        /// </summary>
        private bool TryDeclareReturnedRows(VariableDeclaratorSyntax v, ILocalSymbol local, IrType matrixType, List<Stmt> output)
        {
            var init = v.Initializer?.Value;
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            if (init is not InvocationExpressionSyntax call || _model.GetSymbolInfo(call, _ct).Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } m
                || m.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
                return false;
            var value = LowerExpr(call);
            FlushPending(output);
            if (value is null) { _rejected.Add(local); return true; }
            if (value is ArrayRef { Row: null } rows && _rowBuffers.Contains(rows.Array) && rows.ArrayType == matrixType
                && !IsParameterName(rows.Array) && !_vars.Any(x => x.Value.Name == rows.Array && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, _method)))
            {
                _vars[local] = new Variable(rows.Array, rows.ArrayType, VarKind.Local);
                return true;
            }
            Report(Descriptors.LocalArray, v, local.Name, $"it is given what '{m.Name}' returns, which is not a jagged array the helper made ('var c = new T[n][]; c[i] = new T[m]; ... return c;'); return such an array from the helper, or fill 'new T[n][]' row by row here");
            _rejected.Add(local);
            return true;
        }

        /// <summary>The size a local array (a helper's result) was declared with: its per-row size, or the hoisted buffer's.</summary>
        private Expr? DeclaredLength(string array)
        {
            if (_dynamicLengths.TryGetValue(array, out var current) && _rowIntInits.TryGetValue(current, out var perRow)) return perRow;
            foreach (var s in _hoistedArrays)
                if (s is DeclArray d && d.Name == array && d.Sizes.Count == 1) return d.Sizes[0];
            return null;
        }

        /// <summary>
        /// Sets the row length of a deferred jagged local to <paramref name="size"/> read before its declaration: each row length of a
        /// jagged parameter and each element of an int[] parameter becomes the largest one (exact when all rows have one length; other
        /// rows throw where they are copied). False, reported, when the size reads anything that is not known there.
        /// </summary>
        private bool SetColumns(DeferredColumns deferred, Expr size, SyntaxNode at)
        {
            deferred.Set = true;
            // the declaration is a top-level statement lowered before this one: its placeholder is in the method's body by now
            // (or, for a helper's jagged result, a statement of the helper, not yet moved into the body)
            var list = _body;
            int index = list.IndexOf(deferred.Placeholder);
            if (index < 0 && deferred.Home.IndexOf(deferred.Placeholder) is >= 0 and var inHelper) { list = deferred.Home; index = inHelper; }
            var later = new HashSet<string>(System.StringComparer.Ordinal);
            if (index >= 0)
            {
                var declared = new Dictionary<string, IrType>(System.StringComparer.Ordinal);
                IrQueries.Declarations(list.Skip(index + 1), declared);
                later.UnionWith(declared.Keys);
            }
            var before = new List<Stmt>();
            var bound = index < 0 ? null : RowInvariant(size, before, later);
            if (bound is null)
            {
                Report(Descriptors.LocalArray, at, deferred.Local, $"its rows' length '{ExprPrinter.CSharp.Print(size)}' is not known where '{deferred.Local}' is declared (it reads a value computed after it, or per row); declare '{deferred.Local}' after what its row length reads, or create its rows with 'h[i] = new T[m];' and fill them");
                return false;
            }
            before.Add(deferred.Placeholder with { Init = bound });
            list.RemoveAt(index);
            list.InsertRange(index, before);
            if (!ReferenceEquals(list, _body) && !deferred.Hoisted) deferred.Replacement = before;
            return true;
        }

        /// <summary>
        /// Puts the row lengths set inside inlined helpers (<see cref="DeferredColumns.Replacement"/>) in place of their placeholders
        /// in the method's top-level statements; reports one that is not there (a helper's jagged result made where its row length
        /// cannot be set), never leaving a row length of 0.
        /// </summary>
        private void ApplyDeferredColumns(List<Stmt> body)
        {
            foreach (var deferred in _deferredColumns.Values)
            {
                if (deferred.Replacement is not { } replacement) continue;
                int index = body.FindIndex(x => ReferenceEquals(x, deferred.Placeholder));
                if (index < 0 && body.Any(x => ReferenceEquals(x, replacement[replacement.Count - 1]))) continue; // set in place already
                if (index < 0)
                {
                    Report(Descriptors.LocalArray, _method.Locations.FirstOrDefault() ?? Location.None, deferred.Local, "its rows are a helper's new arrays, made where DiffGen cannot set their length before the helper's jagged array is declared; call the helper in a statement of its own at the top of the method ('var y = Helper(...);')");
                    continue;
                }
                body.RemoveAt(index);
                body.InsertRange(index, replacement);
            }
        }

        /// <summary>
        /// <paramref name="size"/> with every per-row leaf replaced by its largest value over the rows (loops into
        /// <paramref name="before"/>); null when it reads a name in <paramref name="later"/> or one that is not fixed.
        /// </summary>
        private Expr? RowInvariant(Expr size, List<Stmt> before, HashSet<string> later)
        {
            switch (size)
            {
                case Const: return size;
                case VarRef r when _reboundCaps.TryGetValue(r.Name, out var reboundCap) && !later.Contains(reboundCap): return new VarRef(reboundCap, IrType.Int); // a.Length of a layer stack
                case VarRef r when later.Contains(r.Name): return null;
                case VarRef r when IsFixedName(r.Name) && !_reassigned.Contains(r.Name): return size;
                case VarRef r when _rowIntInits.TryGetValue(r.Name, out var init) && !_reassigned.Contains(r.Name): return RowInvariant(init, before, later);
                case LengthOf { Row: null } l when !later.Contains(l.Array) && (IsParameterName(l.Array) || IsFixedName(l.Array)): return size;
                case LengthOf { Row: null } l when DeclaredLength(l.Array) is { } declared: return RowInvariant(declared, before, later); // a helper's array
                case LengthOf { Row: not null } or ElemRef when Capacity(size, out var pre) is { } largest:
                    before.AddRange(pre);
                    return largest;
                case Binary b when RowInvariant(b.Left, before, later) is { } left && RowInvariant(b.Right, before, later) is { } right:
                    return b with { Left = left, Right = right };
                case Intrinsic f:
                    var args = new List<Expr>();
                    foreach (var a in f.Args)
                        if (RowInvariant(a, before, later) is { } x) args.Add(x);
                        else return null;
                    return f with { Args = args.ToEquatable() };
                case Conditional c when RowInvariant(c.Condition, before, later) is { } cc && RowInvariant(c.WhenTrue, before, later) is { } ct && RowInvariant(c.WhenFalse, before, later) is { } cf:
                    return new Conditional(cc, ct, cf, c.Type);
                default: return null;
            }
        }
    }
}
