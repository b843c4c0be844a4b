using System;
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
    /// <c>List&lt;double&gt;</c> locals (also float and int elements) that collect values: <c>var kept = new List&lt;double&gt;();</c>,
    /// <c>kept.Add(v)</c> in loops, then <c>kept.Count</c>, <c>kept[i]</c>, <c>foreach</c>, <c>kept.Sum()</c>. Held as a T[] sized for
    /// the most elements the Adds can make (the trip counts of the loops around each Add, read where the list is declared)
    /// and an int count, the form the DIFF0002 for lists used to ask for; AD sees an ordinary array and a reassigned int.
    /// A list whose Adds are in a loop without a count known at its declaration (while, a bound that changes) stays DIFF0002.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>List locals: the IR name of their count.</summary>
        private readonly Dictionary<ISymbol, string> _listCounts = new(SymbolEqualityComparer.Default);
        /// <summary>List counts: the IR name of the list's array (the count never exceeds its length).</summary>
        private readonly Dictionary<string, string> _listArrayOfCount = new(StringComparer.Ordinal);

        private const string ListAdvice = "use a double[] local sized for the most elements it can hold ('var kept = new double[x.Length]; int count = 0;'), write kept[count++] = v where it adds, and loop to count";

        private static bool IsListType(ITypeSymbol t, out ITypeSymbol? element)
        {
            element = t is INamedTypeSymbol { IsGenericType: true } n && n.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>" ? n.TypeArguments[0] : null;
            return element is not null;
        }

        /// <summary>The count of the list local <paramref name="e"/> names, or null when it is no list local.</summary>
        private VarRef? ListCount(ExpressionSyntax e) =>
            e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is { } s && _listCounts.TryGetValue(s, out var count) ? new VarRef(count, IrType.Int) : null;

        /// <summary>
        /// A <c>List&lt;T&gt;</c> local: true when it was declared (or reported). Its uses are checked first, so that everything
        /// later lowered through the array and the count is one of the supported forms.
        /// </summary>
        private bool TryDeclareList(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (!IsListType(local.Type, out var et) || MapType(et!) is not { IsArray: false } elem || elem.Elem is not (Scalar.Double or Scalar.Float or Scalar.Int))
                return false;
            bool Reject(SyntaxNode where, string why)
            {
                Report(Descriptors.UnsupportedType, where, local.Type.ToDisplayString(), "'" + local.Name + "'", why);
                _rejected.Add(local);
                return true;
            }
            // its first values: none, or a collection initializer / collection expression of values ('new() { 1, x[0] }', '[a, b]')
            var init = v.Initializer?.Value;
            List<ExpressionSyntax>? first = init switch
            {
                BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 1 } => null,
                BaseObjectCreationExpressionSyntax { Initializer: null } => new List<ExpressionSyntax>(), // new List<double>(), new(n): n is a hint only
                BaseObjectCreationExpressionSyntax { Initializer: { } ie } when ie.IsKind(SyntaxKind.CollectionInitializerExpression)
                    && ie.Expressions.All(x => x is not InitializerExpressionSyntax) => ie.Expressions.ToList(),
                CollectionExpressionSyntax ce when ce.Elements.All(x => x is ExpressionElementSyntax) => ce.Elements.Select(x => ((ExpressionElementSyntax)x).Expression).ToList(),
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToList" }, ArgumentList.Arguments.Count: 0 } => new List<ExpressionSyntax>(),
                _ => null,
            };
            // x.Select(...).ToList(), x.ToList(): the values an array initializer of the same form makes (LowerArrayInitializer)
            var fromLinq = init as InvocationExpressionSyntax is { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToList" } } tl ? tl : null;
            if (first is null)
                return Reject(v, "a List local is supported when it starts empty or with values ('new List<double>()', 'new() { a, b }', '[a, b]') and is filled with Add; otherwise " + ListAdvice);
            if (init is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1 } withCapacity && _model.GetTypeInfo(withCapacity.ArgumentList.Arguments[0].Expression, _ct).Type?.SpecialType != SpecialType.System_Int32)
                return Reject(v, "a List local copied from another collection is not supported; " + ListAdvice);
            if (v.Parent?.Parent is not LocalDeclarationStatementSyntax declStmt || declStmt.Parent is not BlockSyntax scope)
                return Reject(v, "declare the List local as its own statement in a block; otherwise " + ListAdvice);

            // ---- every use: Add and Clear as statements, Count, l[i], foreach, Sum/Max/Min/Average ----
            var adds = new List<InvocationExpressionSyntax>();
            foreach (var id in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (!SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, local)) continue;
                var parent = id.Parent;
                string? bad = null;
                if (parent is MemberAccessExpressionSyntax ma && ma.Expression == id)
                {
                    var member = ma.Name.Identifier.Text;
                    var call = ma.Parent as InvocationExpressionSyntax;
                    bool changes = member is "Add" or "AddRange" or "Clear";
                    // a counted loop reads its bound once, C# reads 'l.Count' on every test: a loop over the list that changes it is refused
                    if (changes && call is not null && call.Ancestors().TakeWhile(a => a != scope).OfType<ForStatementSyntax>().FirstOrDefault(f => f.Condition is { } c
                        && c.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(x => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(x, _ct).Symbol, local))) is not null)
                        return Reject(call, $"it changes '{local.Name}' inside a loop whose condition reads '{local.Name}.Count', which C# reads again on every test; loop to the count it had before ('int n = {local.Name}.Count; for (int i = 0; i < n; i++)'), or " + ListAdvice);
                    if (member is "Add" or "AddRange" && call is { ArgumentList.Arguments.Count: 1, Parent: ExpressionStatementSyntax }) adds.Add(call);
                    else if (member == "Clear" && call is { ArgumentList.Arguments.Count: 0, Parent: ExpressionStatementSyntax }) { }
                    else if (member == "Count" && call is null) { }
                    // 'var f = features.ToArray();': a copy of its values (LowerArrayInitializer)
                    else if (member == "ToArray" && call is { ArgumentList.Arguments.Count: 0, Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax } }) { }
                    // l.Select(...).Sum(), l.Where(...).Max(): a reduction over the list's values (lowered where it stands)
                    else if (member is "Select" or "Where" or "Zip" && call is not null
                        && (_model.GetSymbolInfo(call, _ct).Symbol as IMethodSymbol)?.ContainingType?.ToDisplayString() == "System.Linq.Enumerable") { }
                    else if (member is "Sum" or "Max" or "Min" or "Average" && call is not null
                        && (_model.GetSymbolInfo(call, _ct).Symbol as IMethodSymbol)?.ContainingType?.ToDisplayString() == "System.Linq.Enumerable") { }
                    else bad = $"'{ma.Name}'";
                }
                else if (parent is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } ea && ea.Expression == id) { }
                else if (parent is ForEachStatementSyntax fe && fe.Expression == id)
                {
                    if (fe.Statement.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "Add" or "Clear" } m
                        && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(m.Expression, _ct).Symbol, local)))
                        return Reject(fe.Expression, $"a foreach over '{local.Name}' changes it inside the loop, which C# refuses at run time; loop with a counter over the count it had before ('int n = {local.Name}.Count; for (int i = 0; i < n; i++)')");
                }
                else bad = "this use";
                if (bad is not null)
                    return Reject(id, $"a List local is supported through Add and Clear (as statements), Count, indexing, foreach, Sum/Max/Min/Average, and ToArray() into a new local; {bad} is not one of those, so " + ListAdvice);
            }

            // ---- its capacity: Σ over the Adds of the product of the trip counts of the loops around each ----
            var after = scope.Statements.SkipWhile(s => s != declStmt).Skip(1).ToList();
            var written = after.Count == 0 ? new HashSet<ISymbol>(SymbolEqualityComparer.Default)
                : new HashSet<ISymbol>(_model.AnalyzeDataFlow(after[0], after[after.Count - 1])?.WrittenInside ?? Enumerable.Empty<ISymbol>(), SymbolEqualityComparer.Default);
            Expr? capacity = null;
            foreach (var add in adds)
            {
                Expr count = new Const(1, IrType.Int);
                for (SyntaxNode? n = add.Parent; n is not null && n != scope; n = n.Parent)
                {
                    if (n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                        return Reject(add, "an Add inside a lambda or a local function cannot be counted; add in the method's own loops, or " + ListAdvice);
                    if (n is not (ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)) continue;
                    var trip = TripBound(n, declStmt, written, out var why);
                    if (trip is null)
                    {
                        if (why is not null) return Reject(add, $"how many values it holds must be known where it is declared, but this Add is in a loop {why}; " + ListAdvice);
                        _rejected.Add(local); // the bound's own problem was reported
                        return true;
                    }
                    count = count is Const { Value: 1 } ? trip : new Binary(BinaryOp.Mul, count, trip, IrType.Int);
                }
                if (add.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "AddRange" })
                {
                    // AddRange(x): x's length per call, known where the list is declared (an array, or another list's count)
                    var src = add.ArgumentList.Arguments[0].Expression;
                    var length = AddRangeLength(src, declStmt, written, out var why);
                    if (length is null) return Reject(add, $"AddRange's argument must be an array (or a row of one) whose length is known where '{local.Name}' is declared{(why is null ? "" : ", but " + why)}; otherwise " + ListAdvice);
                    count = count is Const { Value: 1 } ? length : new Binary(BinaryOp.Mul, count, length, IrType.Int);
                }
                capacity = capacity is null ? count : new Binary(BinaryOp.Add, capacity, count, IrType.Int);
            }
            if (first.Count > 0)
                capacity = capacity is null ? new Const(first.Count, IrType.Int) : new Binary(BinaryOp.Add, capacity, new Const(first.Count, IrType.Int), IrType.Int);
            capacity ??= new Const(0, IrType.Int);

            // ---- the array (declared like 'new T[capacity]') and its count ----
            output.AddRange(_pending);
            _pending.Clear();
            var arrayType = new IrType(elem.Elem, Shape.Vector);
            var name = FreshName(_prefix + local.Name);
            Expr startCount = new Const(0, IrType.Int);
            if (fromLinq is not null)
            {
                if (adds.Count > 0) return Reject(adds[0], $"'{local.Name}' is made by ToList() and then added to; make it with 'new List<T>()' and Add every value, or keep the values in the array 'ToArray()' makes");
                var made = LowerArrayInitializer(fromLinq, name, arrayType);
                if (made is null || made.Value.Reported || made.Value.Sizes is null)
                {
                    if (made is null || !made.Value.Reported && made.Value.Sizes is null) return Reject(fromLinq, "a List made by ToList() is supported from 'x.Select(...)', 'x.Zip(y, ...)', 'Enumerable.Range(a, n)' or a copy of an array ('x.ToList()'); " + ListAdvice);
                    _rejected.Add(local);
                    return true;
                }
                FlushPending(output);
                if (!DeclareLocalArray(v, local, name, arrayType, made.Value.Sizes, made.Value.Fill, output)) return true;
                startCount = made.Value.Sizes[0];
            }
            else if (!DeclareLocalArray(v, local, name, arrayType, new List<Expr> { capacity }, null, output)) return true;
            var countName = FreshName(_prefix + local.Name + "_count");
            if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(countName);
            _reassigned.Add(countName);
            output.Add(new DeclScalar(countName, IrType.Int, startCount));
            _listCounts[local] = countName;
            _listArrayOfCount[countName] = name; // a scratch array sized by the count is bounded by the list's capacity (Capacity)
            var countRef = new VarRef(countName, IrType.Int);
            foreach (var x in first)
            {
                var value = LowerExpr(x);
                if (value is null) { _rejected.Add(local); return true; }
                if (value.Type != arrayType.ElementType) value = new IR.Convert(value, arrayType.ElementType);
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new Assign(new ElemRef(name, arrayType, new Expr[] { countRef }.ToEquatable()), AssignOp.Set, value));
                output.Add(new Assign(countRef, AssignOp.Add, new Const(1, IrType.Int)));
            }
            return true;
        }

        /// <summary>
        /// At most how many times the loop <paramref name="loop"/> runs, computed where the list is declared: the length of
        /// the array a foreach walks, or B − S (+1 with ≤) of 'for (int i = S; i &lt; B; i++)' and its downward form, never below 0.
        /// Null with the reason when it is not known there (a while loop, a bound that reads a value set after the declaration).
        /// </summary>
        private Expr? TripBound(SyntaxNode loop, StatementSyntax decl, HashSet<ISymbol> written, out string? why)
        {
            why = null;
            bool Known(ExpressionSyntax e, out string? reason)
            {
                reason = null;
                foreach (var id in e.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    var s = _model.GetSymbolInfo(id, _ct).Symbol;
                    switch (s)
                    {
                        case ILocalSymbol l when !l.DeclaringSyntaxReferences.All(r => r.SyntaxTree == decl.SyntaxTree && r.Span.End <= decl.SpanStart) || !_vars.ContainsKey(l):
                            reason = $"whose bound reads '{l.Name}', declared after the list (a counter of a loop around it: a triangle 'j < i' is not counted)";
                            return false;
                        case IParameterSymbol or ILocalSymbol when written.Contains(s!):
                            reason = $"whose bound reads '{s!.Name}', which changes after the declaration";
                            return false;
                        case IParameterSymbol or ILocalSymbol:
                            continue;
                        case IFieldSymbol or IPropertySymbol or IMethodSymbol or INamedTypeSymbol or null:
                            continue;
                        default:
                            reason = $"whose bound reads '{id}'";
                            return false;
                    }
                }
                return true;
            }
            Expr NonNegative(Expr x) => x is Const c ? new Const(Math.Max(0, c.Value), IrType.Int) : new Intrinsic(Fn.Max, new Expr[] { new Const(0, IrType.Int), x }.ToEquatable(), IrType.Int);
            switch (loop)
            {
                case ForEachStatementSyntax fe:
                    {
                        if (!Known(fe.Expression, out why)) return null;
                        if (ListCount(fe.Expression) is { } other) return other;
                        var c = LowerExpr(fe.Expression);
                        if (c is not ArrayRef a) { why = "over something other than an array"; return null; }
                        return Len(a.Array, a.ArrayType, a.Row, -1);
                    }
                case ForStatementSyntax f when f.Declaration is { Variables.Count: 1 } fd && fd.Variables[0] is { Initializer.Value: { } init } dv && f.Condition is BinaryExpressionSyntax cmp
                    && _model.GetDeclaredSymbol(dv, _ct) is ILocalSymbol counter && f.Incrementors.Count == 1
                    && cmp.Left is IdentifierNameSyntax ci && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(ci, _ct).Symbol, counter):
                    {
                        bool up = cmp.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression;
                        bool down = cmp.Kind() is SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression;
                        bool stepUp = f.Incrementors[0] is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression } or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression }
                            or AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression };
                        bool stepDown = f.Incrementors[0] is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostDecrementExpression } or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreDecrementExpression }
                            or AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SubtractAssignmentExpression };
                        if (f.Incrementors[0] is AssignmentExpressionSyntax step && _model.GetConstantValue(step.Right, _ct) is not { HasValue: true, Value: int and > 0 })
                        {
                            why = "whose step is not a positive constant";
                            return null;
                        }
                        if (!(up && stepUp || down && stepDown)) { why = "that is not counted ('for (int i = a; i < b; i++)')"; return null; }
                        if (!Known(init, out why) || !Known(cmp.Right, out why)) return null;
                        var start = LowerIntExpr(init, "a loop start");
                        var bound = LowerIntExpr(cmp.Right, "a loop bound");
                        if (start is null || bound is null) return null;
                        Expr trip = up ? new Binary(BinaryOp.Sub, bound, start, IrType.Int) : new Binary(BinaryOp.Sub, start, bound, IrType.Int);
                        if (cmp.Kind() is SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanOrEqualExpression) trip = new Binary(BinaryOp.Add, trip, new Const(1, IrType.Int), IrType.Int);
                        if (start is Const { Value: 0 } && cmp.Kind() == SyntaxKind.LessThanExpression) return bound;
                        return NonNegative(trip);
                    }
                case ForStatementSyntax:
                    why = "that is not counted ('for (int i = a; i < b; i++)')";
                    return null;
                default:
                    why = "whose trip count is not known before it runs (while, do)";
                    return null;
            }
        }

        /// <summary>The length of AddRange's argument, read where the list is declared; null (with the reason, if any) when unknown there.</summary>
        private Expr? AddRangeLength(ExpressionSyntax src, StatementSyntax decl, HashSet<ISymbol> written, out string? why)
        {
            why = null;
            foreach (var id in src.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                if (sym is ILocalSymbol l && !l.DeclaringSyntaxReferences.All(r => r.SyntaxTree == decl.SyntaxTree && r.Span.End <= decl.SpanStart)) { why = $"it reads '{l.Name}', declared after the list"; return null; }
                if (sym is ILocalSymbol or IParameterSymbol && written.Contains(sym!) && ListCount(id) is null) { why = $"it reads '{sym!.Name}', which changes after the declaration"; return null; }
            }
            if (ListCount(src) is not null) { why = "adding another List is not supported"; return null; }
            if (LowerExpr(src) is ArrayRef a && a.Type.Shape == Shape.Vector) return Len(a.Array, a.ArrayType, a.Row, -1);
            why = "it is not a T[] (or a row of a jagged array)";
            return null;
        }

        /// <summary><c>kept.Add(v);</c> and <c>kept.Clear();</c> on a List local: a store at the count and the count moved.</summary>
        private bool TryLowerListCall(InvocationExpressionSyntax inv, List<Stmt> output)
        {
            if (inv.Expression is not MemberAccessExpressionSyntax ma || ListCount(ma.Expression) is not { } count) return false;
            var array = (ArrayRef)LowerExpr(ma.Expression)!;
            if (ma.Name.Identifier.Text == "Clear")
            {
                output.Add(new Assign(count, AssignOp.Set, new Const(0, IrType.Int)));
                return true;
            }
            if (ma.Name.Identifier.Text == "AddRange")
            {
                // kept.AddRange(x): each element of x stored at the count, in order
                if (LowerExpr(inv.ArgumentList.Arguments[0].Expression) is not ArrayRef src) return true; // reported at the declaration
                var k = FreshName("__ar");
                var K = new VarRef(k, IrType.Int);
                Expr item = ElementAt(src, K);
                if (item.Type != array.ArrayType.ElementType) item = new IR.Convert(item, array.ArrayType.ElementType);
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, Len(src.Array, src.ArrayType, src.Row, -1), 1, new Stmt[]
                {
                    new Assign(new ElemRef(array.Array, array.ArrayType, new Expr[] { count }.ToEquatable()), AssignOp.Set, item),
                    new Assign(count, AssignOp.Add, new Const(1, IrType.Int)),
                }.ToEquatable()));
                return true;
            }
            var value = LowerExpr(inv.ArgumentList.Arguments[0].Expression);
            if (value is null) return true;
            if (value.Type != array.ArrayType.ElementType) value = new IR.Convert(value, array.ArrayType.ElementType);
            output.AddRange(_pending);
            _pending.Clear();
            output.Add(new Assign(new ElemRef(array.Array, array.ArrayType, new Expr[] { count }.ToEquatable()), AssignOp.Set, value));
            output.Add(new Assign(count, AssignOp.Add, new Const(1, IrType.Int)));
            return true;
        }
    }
}
