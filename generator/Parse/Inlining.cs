using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Calls of helpers without [Differentiable] whose source is in the compilation (static methods of any type, local
    /// functions, lambdas stored in locals), inlined at Parse time: the callee's body is lowered with the callee's
    /// semantic model into statements placed before the statement that holds the call, its locals renamed
    /// (<c>Helper_local</c>), scalar parameters bound to the argument (substituted when it is a constant or a variable
    /// the callee does not assign, else a fresh local), array parameters to the caller's array (writes go to it), and
    /// its <c>return</c> to result locals (or the returned expression itself when that is safe to move). Everything after
    /// Parse (AD, SIMD, multi-core, CUDA) sees ordinary statements. Int and bool results are values without derivative.
    /// A helper's own problem is reported once, at the helper's syntax; the call adds nothing.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>Where the statements of helpers inlined in the expression being lowered go (before its statement).</summary>
        private List<Stmt> _pending = new();
        /// <summary>Set while lowering an expression evaluated on every iteration (a loop condition): inlining statements there is refused, with this reason.</summary>
        private string? _hoistBan;
        /// <summary>
        /// Set while LowerWhile tries its condition as one expression: what the ban refuses is noted in <see cref="_banHit"/>
        /// instead of reported, and the condition is lowered again into the loop's body.
        /// </summary>
        private bool _softBan;
        private bool _banHit;

        /// <summary>Under a soft ban (<see cref="_softBan"/>): note the refusal and say so (the caller returns null without reporting).</summary>
        private bool SoftBanHit()
        {
            if (!_softBan) return false;
            _banHit = true;
            return true;
        }
        /// <summary>Prefix of the locals of the helper being inlined (empty in the method itself).</summary>
        private string _prefix = "";
        /// <summary>The helpers being inlined, outermost first (to report recursion with its cycle).</summary>
        private readonly List<(ISymbol Key, string Name)> _inlineStack = new();
        /// <summary>Locals holding a lambda or a method group: inlined where they are called.</summary>
        private readonly Dictionary<ISymbol, (AnonymousFunctionExpressionSyntax? Lambda, IMethodSymbol Method)> _delegates = new(SymbolEqualityComparer.Default);
        /// <summary>Tuple locals: one IR local per element.</summary>
        private readonly Dictionary<ISymbol, List<Variable>> _tupleVars = new(SymbolEqualityComparer.Default);
        /// <summary>Struct parameters of a helper inlined in a loop condition, replaced by the argument's values (read where they are used).</summary>
        private readonly Dictionary<ISymbol, List<Expr>> _structArgs = new(SymbolEqualityComparer.Default);
        /// <summary>Scalar parameters of an inlined helper replaced by the argument (a constant, or a variable the helper does not assign).</summary>
        private readonly Dictionary<ISymbol, Expr> _substituted = new(SymbolEqualityComparer.Default);
        /// <summary>String parameters of an inlined helper bound to a constant argument: the text, for exception messages.</summary>
        private readonly Dictionary<ISymbol, string> _helperTexts = new(SymbolEqualityComparer.Default);
        /// <summary>The result locals of the helper being inlined (null in the method itself; empty for a void helper).</summary>
        private List<(string Name, IrType Type)>? _helperResults;
        /// <summary>The helper being inlined returns a tuple or a struct: its <c>return</c> gives one value per element.</summary>
        private bool _helperAggregate;
        /// <summary>While inlining an instance method of a struct/record/class parameter ('cfg.Apply(v)') or of an object held in a field ('L1.Forward(x, h)'): that object, whose members the method's own member reads are.</summary>
        private Receiver? _receiver;
        private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();
        /// <summary>Counts every Report (also the duplicates <see cref="Report(DiagnosticDescriptor, Location?, string[])"/> drops).</summary>
        private int _reports;

        private SemanticModel ModelFor(SyntaxTree tree)
        {
            if (_shimModel is not null && tree == _shimModel.SyntaxTree) return _shimModel; // Array.Sort's own source (LibraryShims.cs)
            if (_models.Count == 0) _models[_model.SyntaxTree] = _model;
            if (tree == _model.SyntaxTree) return _model;
            if (!_models.TryGetValue(tree, out var m)) _models[tree] = m = (_userCompilation ?? _model.Compilation).GetSemanticModel(tree);
            return m;
        }

        private T WithHoistBan<T>(Func<T> lower, string reason)
        {
            var saved = _hoistBan;
            _hoistBan = reason;
            try { return lower(); }
            finally { _hoistBan = saved; }
        }

        /// <summary>Lowers an operand that runs only sometimes (a branch of ?:, the right side of &amp;&amp; / ||): the statements its helpers need are returned, not placed.</summary>
        private Expr? LowerBranch(ExpressionSyntax e, out List<Stmt> pre) => LowerBranch(() => LowerExpr(e), out pre);

        /// <summary><see cref="LowerBranch(ExpressionSyntax, out List{Stmt})"/> for any lowering (a struct's values: StructValues.cs).</summary>
        private T LowerBranch<T>(Func<T> lower, out List<Stmt> pre)
        {
            var saved = _pending;
            pre = _pending = new List<Stmt>();
            _branchDepth++;
            try { return lower(); }
            finally
            {
                _pending = saved;
                _branchDepth--;
            }
        }

        /// <summary>
        /// <c>if (cond) { then } else { els }</c> before the statement: the helpers of a branch run only when it is taken. Their
        /// top-level locals are declared before the if (the value after it reads them) and assigned inside.
        /// </summary>
        private void EmitGuarded(Expr cond, List<Stmt> then, List<Stmt> els)
        {
            if (then.Count == 0 && els.Count == 0) return;
            var t = LiftDeclarations(then);
            var e = LiftDeclarations(els);
            _pending.Add(new If(cond, t.ToEquatable(), e.ToEquatable()));
        }

        /// <summary>A branch's statements with its top-level scalar declarations moved before the branch (declared there, assigned here).</summary>
        private List<Stmt> LiftDeclarations(List<Stmt> list)
        {
            var r = new List<Stmt>();
            foreach (var s in list)
            {
                if (s is DeclScalar d)
                {
                    _pending.Add(new DeclScalar(d.Name, d.Type, new Const(0, d.Type)));
                    if (!d.Type.IsReal) _reassigned.Add(d.Name);
                    if (d.Init is { } i) r.Add(new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, i));
                }
                else r.Add(s);
            }
            return r;
        }

        /// <summary>Records that an element of the array at the root of <paramref name="e"/> is written: for a parameter (also through a helper's array parameter), it becomes an output.</summary>
        private void MarkWritten(ExpressionSyntax e)
        {
            var root = RootSymbol(e);
            if (root is not null && _vars.TryGetValue(root, out var v)) MarkWritten(v, e.GetLocation());
        }

        /// <summary>Records that the method writes the parameter array <paramref name="v"/> (the first place, or the helper call that aliases it).</summary>
        private void MarkWritten(Variable v, Location where)
        {
            if (v.Kind == VarKind.Param && !_writtenParams.ContainsKey(v.Name)) _writtenParams[v.Name] = v.AliasSite ?? where;
        }

        /// <summary>
        /// What to write instead of a recursive call. A call inside a loop, or one of several recursive calls, is branching
        /// recursion (a determinant by expansion in minors, a tree walk): no loop of the same cost exists, so the message
        /// names the loop algorithm; a single call (tail or linear recursion) becomes a loop carrying the arguments in locals.
        /// </summary>
        /// <summary>
        /// Set while the body of a tail-recursive helper is lowered as a loop (<see cref="TailRecursive"/>): its call of itself
        /// in 'return H(...)' sets the parameters' locals to the new arguments and starts the next iteration.
        /// </summary>
        private (IMethodSymbol Method, IReadOnlyList<IParameterSymbol> Params)? _tailLoop;

        /// <summary>
        /// A helper whose only call of itself is 'return H(args);' (outside loops and lambdas), with positional arguments,
        /// scalar or array parameters (an array passed on as itself) and one scalar result: Clenshaw, Horner or a
        /// continued fraction written with an accumulator. Inlined once as a loop, exact at any depth.
        /// </summary>
        private bool TailRecursive(IMethodSymbol signature, CSharpSyntaxNode body, SemanticModel calleeModel, IReadOnlyList<IParameterSymbol> parameters)
        {
            if (signature.ReturnsVoid || MapType(signature.ReturnType) is not { IsArray: false }) return false;
            if (body is ExpressionSyntax && TailBranches(body) is null) return false;
            if (parameters.Any(p => p.RefKind != RefKind.None || p.IsParams || MapType(p.Type) is not { } t || t.Shape == Shape.Jagged)) return false;
            var calls = body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Where(i => SymbolEqualityComparer.Default.Equals((calleeModel.GetSymbolInfo(i, _ct).Symbol as IMethodSymbol)?.OriginalDefinition, signature.OriginalDefinition)).ToList();
            if (calls.Count != 1) return false;
            var call = calls[0];
            SyntaxNode up = call.Parent!;
            while (up is ParenthesizedExpressionSyntax) up = up.Parent!;
            if (body is BlockSyntax ? up is not ReturnStatementSyntax : TailBranches(body) is not { } tb || tb.Tail != call) return false;
            if (call.Ancestors().TakeWhile(a => a != body).Any(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                    or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or SwitchStatementSyntax)) return false;
            var args = call.ArgumentList.Arguments;
            if (args.Count != parameters.Count || args.Any(a => a.NameColon is not null || a.RefKindKeyword.RawKind != 0)) return false;
            for (int k = 0; k < parameters.Count; k++)
                if (MapType(parameters[k].Type)!.Value.IsArray
                    && !SymbolEqualityComparer.Default.Equals(calleeModel.GetSymbolInfo(args[k].Expression, _ct).Symbol, parameters[k]))
                    return false; // an array passed on must be the same array
            return true;
        }

        /// <summary>
        /// An expression-bodied helper '=&gt; c ? v : H(...)' (or the call first): the condition, the value that ends the
        /// recursion, the tail call, and whether the call is the 'true' branch; null for another shape.
        /// </summary>
        private static (ExpressionSyntax Condition, ExpressionSyntax Value, InvocationExpressionSyntax Tail, bool TailWhenTrue)? TailBranches(CSharpSyntaxNode body)
        {
            static ExpressionSyntax Strip(ExpressionSyntax e) { while (e is ParenthesizedExpressionSyntax p) e = p.Expression; return e; }
            if (body is not ExpressionSyntax e || Strip(e) is not ConditionalExpressionSyntax c) return null;
            if (Strip(c.WhenFalse) is InvocationExpressionSyntax f && !c.WhenTrue.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(i => i.Expression.ToString() == f.Expression.ToString()))
                return (c.Condition, c.WhenTrue, f, false);
            if (Strip(c.WhenTrue) is InvocationExpressionSyntax t && !c.WhenFalse.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(i => i.Expression.ToString() == t.Expression.ToString()))
                return (c.Condition, c.WhenFalse, t, true);
            return null;
        }

        /// <summary>'return H(args)' in a helper lowered as a loop: the new arguments, all computed first, become the parameters' values, and the loop goes on.</summary>
        private bool TryLowerTailCall(ExpressionSyntax returned, List<Stmt> output)
        {
            if (_tailLoop is not { } tl) return false;
            var e = returned;
            while (e is ParenthesizedExpressionSyntax pe) e = pe.Expression;
            if (e is not InvocationExpressionSyntax call
                || !SymbolEqualityComparer.Default.Equals((_model.GetSymbolInfo(call, _ct).Symbol as IMethodSymbol)?.OriginalDefinition, tl.Method.OriginalDefinition))
                return false;
            var next = new List<(Variable Param, string Temp)>();
            for (int k = 0; k < tl.Params.Count; k++)
            {
                var p = tl.Params[k];
                if (MapType(p.Type)!.Value.IsArray) continue;
                var value = LowerExpr(call.ArgumentList.Arguments[k].Expression);
                if (value is null) return true; // reported
                var v = _vars[p];
                var temp = FreshName(_prefix + p.Name + "_next");
                if (!Declare(temp, v.Type, value, output, call)) return true;
                next.Add((v, temp));
            }
            foreach (var (v, temp) in next) output.Add(new Assign(new VarRef(v.Name, v.Type), AssignOp.Set, new VarRef(temp, v.Type)));
            output.Add(new Continue());
            return true;
        }

        /// <summary>
        /// How many calls deep a linear recursion that is not a tail call is unrolled (<see cref="LinearRecursion"/>); a deeper
        /// call throws. Each level is a copy of the helper's body, so the depth shrinks as the body grows: 16 levels of a
        /// one-statement helper (Horner), 4 or 5 of a ten-statement one (log-gamma's reflection, which needs 2).
        /// </summary>
        private static int UnrollDepth(CSharpSyntaxNode body) =>
            Math.Max(2, Math.Min(16, 48 / Math.Max(1, body.DescendantNodesAndSelf().OfType<StatementSyntax>().Count(st => st is not BlockSyntax))));

        /// <summary>Helpers reported as unrolled (DIFF0018, once each).</summary>
        private readonly HashSet<ISymbol> _unrolledHelpers = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// A helper that calls itself at one place, outside loops (Horner, Clenshaw, a reflection formula, a tail call that
        /// carries its state in arguments, when not a tail call): unrolled <see cref="UnrollDepth"/> calls deep, each level an ordinary inlined
        /// call under the conditions that lead to it, so the code is exact wherever the recursion ends within that depth.
        /// Recursion that branches (two calls, a call in a loop) grows exponentially when unrolled: DIFF0006.
        /// </summary>
        private bool LinearRecursion(ExpressionSyntax inv, ISymbol key)
        {
            if (SelfCalls(inv) is not { } shape) return false;
            // only a direct self-call: a cycle through other helpers keeps DIFF0006
            bool direct = _inlineStack.Count > 0 && SymbolEqualityComparer.Default.Equals(_inlineStack[_inlineStack.Count - 1].Key, key);
            return shape.Calls == 1 && !shape.InLoop && direct;
        }

        /// <summary>The method being differentiated calls itself at one place, outside loops (what <see cref="LinearRecursion"/> asks of a helper).</summary>
        private bool SelfCallIsLinear(ExpressionSyntax inv) =>
            inv.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax) is BaseMethodDeclarationSyntax
            && SelfCalls(inv) is { Calls: 1, InLoop: false };

        /// <summary>How many calls of the method <paramref name="inv"/> calls the body around it holds, and whether this call is inside a loop there.</summary>
        private (int Calls, bool InLoop)? SelfCalls(ExpressionSyntax inv)
        {
            var callee = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
            var body = inv.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax);
            if (callee is null || body is null) return null;
            int calls = body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Count(i => SymbolEqualityComparer.Default.Equals((_model.GetSymbolInfo(i, _ct).Symbol as IMethodSymbol)?.OriginalDefinition, callee.OriginalDefinition));
            return (calls, inv.Ancestors().TakeWhile(a => a != body).Any(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax));
        }

        private string RecursionAdvice(ExpressionSyntax inv)
        {
            var callee = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
            var (calls, inLoop) = SelfCalls(inv) ?? (1, false);
            bool arrays = callee is not null && callee.Parameters.Any(p => p.Type is IArrayTypeSymbol);
            if (inLoop || calls > 1)
                return "recursion that branches (a call in a loop" + (arrays ? ", such as a determinant expanded in minors" : "") + ") has no loop of the same cost, so write the loop algorithm instead: "
                    + (arrays ? "a determinant by Gaussian elimination on a local copy (det = product of the pivots; log|det| = sum of log|pivot|), a tree walk with an explicit stack in an int[] local, "
                              : "")
                    + "a sum over subproblems with for loops over a local table filled bottom-up (dynamic programming)";
            return "write it as a loop that carries the changing arguments in locals ('double y = x; for (int k = n; k > 0; k--) y = y * y;'; a 'while' loop when the stop test reads values)";
        }

        /// <summary>"F → Helper → Helper": the calls from the method to <paramref name="target"/>.</summary>
        private string Cycle(ISymbol target) =>
            string.Join(" → ", new[] { _method.Name }.Concat(_inlineStack.Select(x => x.Name)).Concat(new[] { target.Name }));

        /// <summary>The declaration of a method with a body in this compilation (a method or a local function), or null.</summary>
        private SyntaxNode? HelperSyntax(IMethodSymbol m)
        {
            m = m.PartialImplementationPart ?? m;
            foreach (var r in m.DeclaringSyntaxReferences)
            {
                var node = r.GetSyntax(_ct);
                if (node is MethodDeclarationSyntax md && (md.Body is not null || md.ExpressionBody is not null)) return md;
                if (node is LocalFunctionStatementSyntax lf && (lf.Body is not null || lf.ExpressionBody is not null)) return lf;
                if (node is OperatorDeclarationSyntax od && (od.Body is not null || od.ExpressionBody is not null)) return od; // a struct's operator (StructValues.cs)
                if (node is ConversionOperatorDeclarationSyntax cd && (cd.Body is not null || cd.ExpressionBody is not null)) return cd; // 'implicit operator double(Deg d)
            }
            return null;
        }

        private const string HelperAdvice = "write the computation with Math/MathF functions (" + SupportedIntrinsics + "), loops, and helper methods of your own (their source is inlined)";

        /// <summary>A call of a method that is neither an intrinsic nor [Differentiable]: inlined when its source is here.</summary>
        private Expr? LowerHelperCall(InvocationExpressionSyntax inv, IMethodSymbol target, bool asStatement)
        {
            var results = InlineMethod(inv, target);
            return Single(inv, results, asStatement);
        }

        private Expr? Single(InvocationExpressionSyntax inv, List<Expr>? results, bool asStatement)
        {
            if (results is null || asStatement) return null;
            if (results.Count == 1) return results[0];
            if (results.Count == 0) return Suppress(); // a void call in an expression: the compiler reports it
            Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "it returns a tuple; deconstruct it ('var (a, b) = F(...);'), keep it in a local ('var t = F(...);' then 't.Item1'), or read one element ('F(...).Item1')");
            return null;
        }

        private List<Expr>? InlineMethod(ExpressionSyntax inv, IMethodSymbol target)
        {
            // a method called on a local already reported (its declaration says why): nothing more
            if (inv is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var calledOn } } && _model.GetSymbolInfo(calledOn, _ct).Symbol is ILocalSymbol rl && _rejected.Contains(rl))
            {
                Suppress();
                return null;
            }
            target = target.ReducedFrom ?? target; // x.Ext(): the extension method with its 'this' parameter
            var display = target.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            var syntax = HelperSyntax(target);
            if (syntax is null && LibraryShim(target) is { } shim)
            {
                target = shim; // Array.Sort, Array.IndexOf: DiffGen's own loops (LibraryShims.cs)
                syntax = HelperSyntax(shim);
            }
            if (ArgumentsOf(inv, target) is { } given && given.Any(a => a.Value.Syntax is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is ILocalSymbol l && _rejected.Contains(l)))
            {
                Suppress(); // Sum(l), Vector3.Dot(v, v) of a local reported at its declaration: that diagnostic says what to change
                return null;
            }
            if (IsDispatchedCall(inv, target, out var dispatchedOn))
            {
                if (TryInlineDispatched(inv, target, dispatchedOn!, out var dispatched)) return dispatched; // a switch over the classes (DispatchedCalls.cs)
                ReportDispatchedCall(dispatchedOn!, target);
                return null;
            }
            // Pointwise(x) inside a layer object's method (a template method of an abstract base): the object's class chooses it
            if (_receiver is { } cur && IsCallOnThis(inv) && IsOverridableMethod(target))
            {
                if (cur.Declared is not null && cur.Type is INamedTypeSymbol exact && MostDerivedOverride(exact, target) is { } chosen)
                {
                    target = chosen; // one class's view: its own override
                    syntax = HelperSyntax(target);
                }
                else if (!cur.Type.IsSealed && !cur.Type.IsValueType)
                {
                    if (TryInlineDispatchedOn(inv, target, cur, out var onThis)) return onThis;
                    Report(Descriptors.NotDifferentiableCall, inv, display, $"it is {(target.IsAbstract ? "abstract" : "virtual")}, so the class of the object it is called on chooses the code at run time, "
                        + "and DiffGen could not list the classes to choose from (none in this compilation, more than 8, or one it cannot name); type the member holding the object as the concrete sealed class");
                    return null;
                }
            }
            else if (IsOverridableOnThis(inv, target, out var thisType))
            {
                Report(Descriptors.NotDifferentiableCall, inv, display, $"it is {(target.IsAbstract ? "abstract" : "virtual")} and '{thisType!.Name}' is not sealed, so a subclass "
                    + "may override it and the object's class chooses the code at run time, while DiffGen differentiates the body it sees at build time; "
                    + $"make '{target.Name}' non-virtual (or a sealed override), or declare '{thisType.Name}' sealed");
                return null;
            }
            if (syntax is null && LibraryKind(target.ContainingType) is not null)
                return LowerLibraryCall(inv, target); // Complex, Vector3: lowered from what .NET computes (LibraryStructs.cs)
            if (syntax is null)
            {
                Report(Descriptors.NotDifferentiableCall, inv, display, target.IsImplicitlyDeclared && !target.ContainingType.DeclaringSyntaxReferences.IsEmpty
                    ? "the compiler generates it (a record's equality, ToString or Deconstruct), so there is no source to inline; compare or read the fields instead ('a.X == b.X && a.Y == b.Y')"
                    : target.DeclaringSyntaxReferences.IsEmpty && target.ContainingType?.ToDisplayString() == "System.Buffer" && target.Name is "BlockCopy" or "MemoryCopy"
                    ? "it is a library method whose source is not in this compilation, so DiffGen cannot see what it computes; to copy elements of a T[] use Array.Copy(source, sourceIndex, destination, destinationIndex, length) (counted in elements, not bytes) or a copy loop"
                    : target.DeclaringSyntaxReferences.IsEmpty
                    ? "it is a library method whose source is not in this compilation, so DiffGen cannot see what it computes; " + HelperAdvice
                    : "it has no body to inline (abstract, extern, or a partial method without implementation); call a method with a body");
                return null;
            }
            Location? instanceSite = null;
            ISymbol key = target.OriginalDefinition;
            if (target.IsGenericMethod || target.ContainingType is { IsGenericType: true })
            {
                // static T Cube<T>(T v) where T : INumber<T>: instantiated for the call's type (GenericHelpers.cs)
                if (syntax is not MethodDeclarationSyntax gmd || Instantiate(target, gmd) is not { } inst)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, display, "this generic helper could not be instantiated for " + string.Join(", ", target.TypeArguments.Select(t => t.ToDisplayString()))
                        + " (only generic methods over float, double or int whose body compiles with the type written in, not generic types; 'T.One', 'T.Zero': write 'T.CreateChecked(1)'... or a literal); write the helper for double (or float), one method per element type");
                    return null;
                }
                syntax = inst.Syntax;
                target = inst.Symbol;
                instanceSite = _instanceSite ?? inv.GetLocation();
            }
            var receiver = _receiver;
            StructSelf? self = null;
            if (!target.IsStatic && target.MethodKind != MethodKind.LocalFunction)
            {
                // an instance method of this object ('Activate(z)', 'this.Activate(z)') reads the fields this method reads;
                // one of a struct/record/class parameter ('cfg.Apply(v)') reads that parameter's members
                var recv = inv is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax rma } ? rma.Expression : null;
                string? why = null;
                self = StructSelfOf(recv, target.ContainingType, out bool structCall); // p.Dot(q), s.Add(v): on a struct value (StructValues.cs)
                if (structCall)
                {
                    if (self is null) return null;
                    if (self.Vars is null && recv is ElementAccessExpressionSyntax && ChangesItsStruct(target))
                    {
                        // C# changes the array's element; here the call would work on a copy of it
                        Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), $"'{target.Name}' changes the {target.ContainingType.Name} it is called on, and an array element is not a variable here; copy the element into a local, call it there, and store it back ('var p = {recv}; p.{target.Name}(...); {recv} = p;')");
                        return null;
                    }
                }
                else if (recv is null or ThisExpressionSyntax or BaseExpressionSyntax) // base.Apply(z) in an override: the base class's body on this object
                {
                    if (_receiver is { } r ? !HasMembersOf(r.Type, target.ContainingType) : _method.IsStatic || !OnOwnType(target))
                        why = "it is an instance method of another object; make it static and pass what it reads as parameters";
                }
                else if (ReceiverOf(recv) is { } rcv && HasMembersOf(rcv.Type, target.ContainingType))
                    receiver = rcv; // cfg.Apply(v), L1.Forward(x, h): its member reads are that object's
                else why = "it is an instance method of an object that is not this one, a struct, record or class parameter of the method, nor an object held in a field of this type; make it static and pass what it reads as parameters";
                if (why is not null)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, display, why);
                    return null;
                }
            }
            CSharpSyntaxNode body = syntax switch
            {
                MethodDeclarationSyntax md => (CSharpSyntaxNode?)md.Body ?? md.ExpressionBody!.Expression,
                LocalFunctionStatementSyntax lf => (CSharpSyntaxNode?)lf.Body ?? lf.ExpressionBody!.Expression,
                OperatorDeclarationSyntax od => (CSharpSyntaxNode?)od.Body ?? od.ExpressionBody!.Expression,
                ConversionOperatorDeclarationSyntax cd => (CSharpSyntaxNode?)cd.Body ?? cd.ExpressionBody!.Expression,
                _ => throw new InvalidOperationException(),
            };
            var savedSite = _instanceSite;
            if (instanceSite is not null) _instanceSite = instanceSite;
            try { return Inline(inv, target, key, target.MethodKind is MethodKind.UserDefinedOperator or MethodKind.Conversion ? OperatorName(target) : target.Name, syntax, body, target.Parameters, receiver, self); }
            finally { _instanceSite = savedSite; }
        }

        /// <summary>
        /// Is <paramref name="inv"/> a call the object's class chooses at run time: an interface, abstract or virtual method
        /// called on a field, property, parameter or element whose type is not sealed (<c>Act.Apply(z)</c> with
        /// <c>IActivation Act</c>, <c>Layer.Forward(x)</c> with an abstract <c>LayerBase Layer</c>)? The body DiffGen would
        /// inline is not necessarily the one that runs.
        /// </summary>
        private bool IsDispatchedCall(ExpressionSyntax inv, IMethodSymbol target, out ExpressionSyntax? calledOn)
        {
            calledOn = null;
            if (target.IsStatic || target.MethodKind != MethodKind.Ordinary
                || inv is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var recv } }
                || recv is ThisExpressionSyntax or BaseExpressionSyntax) return false;
            bool dispatched = target.ContainingType?.TypeKind == TypeKind.Interface || target.IsAbstract || target.IsVirtual || target.IsOverride && !target.IsSealed;
            if (!dispatched || _model.GetTypeInfo(recv, _ct).Type is not { } type || type.IsSealed || type.IsValueType || type.TypeKind == TypeKind.TypeParameter) return false;
            // a library object's method (Random.NextDouble()) keeps the library-method message
            if (target.DeclaringSyntaxReferences.IsEmpty && !type.Locations.Any(l => l.IsInSource)) return false;
            calledOn = recv;
            return true;
        }

        /// <summary>
        /// Is <paramref name="inv"/> a call on this object (<c>Activate(z)</c>, <c>this.Activate(z)</c>; not <c>base.</c>) of a
        /// virtual or abstract method whose class is not sealed? A subclass may override it, so the body DiffGen would inline is not
        /// necessarily the one that runs on the object Backward is called on: a silently wrong result if inlined.
        /// </summary>
        private bool IsOverridableOnThis(ExpressionSyntax inv, IMethodSymbol target, out INamedTypeSymbol? thisType)
        {
            thisType = null;
            if (target.IsStatic || target.MethodKind != MethodKind.Ordinary || !(target.IsAbstract || target.IsVirtual || target.IsOverride && !target.IsSealed)) return false;
            bool onThis = inv is InvocationExpressionSyntax { Expression: IdentifierNameSyntax or GenericNameSyntax }
                || inv is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } };
            if (!onThis) return false;
            var enclosing = _model.Compilation.GetSemanticModel(inv.SyntaxTree).GetEnclosingSymbol(inv.SpanStart, _ct)?.ContainingType;
            if (enclosing is null || enclosing.IsSealed || enclosing.IsValueType) return false;
            thisType = enclosing;
            return true;
        }

        /// <summary>
        /// DIFF0002 on the object a dispatched call (<see cref="IsDispatchedCall"/>) is made on: its type, the method chosen at
        /// run time, and what to write instead (the concrete sealed class as the member's type, or a static helper given the
        /// weights). Nothing more when the object is a parameter of the method, whose own DIFF0002 says it.
        /// </summary>
        private void ReportDispatchedCall(ExpressionSyntax recv, IMethodSymbol target)
        {
            if (ReceiverOf(recv) is { Elem: { } element })
            {
                // an element of an array of layer objects (ObjectArrays.cs): no class read per element, so no switch
                Report(Descriptors.NotDifferentiableCall, recv.Parent?.Parent ?? recv, target.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                    $"it is {(target.ContainingType?.TypeKind == TypeKind.Interface ? "an interface method" : target.IsAbstract ? "abstract" : "virtual")}, so each element of '{element.Array.Display}' chooses its code by its class, and DiffGen could not list the classes to choose from (none in this compilation, more than 8, a generic one, or one it cannot name); declare the array with a concrete sealed class, or make '{target.Name}' non-virtual");
                return;
            }
            var type = _model.GetTypeInfo(recv, _ct).Type!;
            var sym = _model.GetSymbolInfo(recv, _ct).Symbol;
            if (sym is IParameterSymbol p && SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, _method) && !_vars.ContainsKey(p) && !_configParams.Contains(p))
            {
                Suppress();
                return;
            }
            var display = target.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            string kind = target.ContainingType?.TypeKind == TypeKind.Interface ? "an interface method" : target.IsAbstract ? "an abstract method" : "a virtual method";
            string what = sym is IFieldSymbol or IPropertySymbol ? "the member '" + sym.Name + "'" : "'" + recv + "'";
            string holder = sym is IFieldSymbol ? "field" : sym is IPropertySymbol ? "property" : sym is IParameterSymbol ? "parameter" : sym is ILocalSymbol ? "local" : "array";
            // the classes of this compilation that could run it, to name one in the advice
            var classes = _model.Compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type, _ct).OfType<INamedTypeSymbol>()
                .Where(c => c is { TypeKind: TypeKind.Class, IsAbstract: false }
                    && (c.AllInterfaces.Contains(type, SymbolEqualityComparer.Default) || BaseTypes(c).Contains(type, SymbolEqualityComparer.Default)))
                .Select(c => c.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
            string example = classes.Count > 0 ? classes[0] : "MyLayer";
            string name = sym?.Name ?? "Act";
            string advice = $"'{display}' is {kind}, so the class of the object it is called on chooses the code at run time, and DiffGen differentiates code it sees at build time; "
                + (holder is "field" or "property" or "local" ? $"type the {holder} as the concrete class whose method runs ('{example} {name}')" : $"use the concrete class whose method runs ({example})")
                + ", a sealed class declaring that method and the weights it reads itself (not inherited), so that its method is inlined and its weights followed; or make the method static and pass it the weights it reads as parameters ('static double Apply(double[] w, double z)')"
                + (classes.Count > 1 ? "; to choose among " + string.Join(", ", classes.Take(4)) + " at run time, pass an int or enum mode and switch on it, each class's code in a static helper" : "");
            Report(Descriptors.UnsupportedType, recv, type.ToDisplayString(), what, advice);

            static IEnumerable<INamedTypeSymbol> BaseTypes(INamedTypeSymbol c)
            {
                for (var b = c.BaseType; b is not null; b = b.BaseType) yield return b;
            }
        }

        /// <summary>A lambda, a method name or a delegate this method already knows, passed to a helper's delegate parameter; else null.</summary>
        private (AnonymousFunctionExpressionSyntax? Lambda, IMethodSymbol Method)? DelegateArgument(ExpressionSyntax arg)
        {
            while (arg is ParenthesizedExpressionSyntax p) arg = p.Expression;
            var sym = _model.GetSymbolInfo(arg, _ct).Symbol;
            if (arg is AnonymousFunctionExpressionSyntax af && sym is IMethodSymbol lambda) return (af, lambda);
            if (arg is IdentifierNameSyntax && sym is not null && _delegates.TryGetValue(sym, out var known)) return known; // passed along
            if (arg is IdentifierNameSyntax or MemberAccessExpressionSyntax && sym is IMethodSymbol group) return (null, group);
            return null;
        }

        /// <summary><c>f(x)</c> where f is a local holding a lambda or a method group, or a helper's delegate parameter given one.</summary>
        private Expr? LowerDelegateCall(InvocationExpressionSyntax inv, bool asStatement)
        {
            if (inv.Expression is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is { } local && _delegates.TryGetValue(local, out var d))
            {
                var results = d.Lambda is { } lambda
                    ? Inline(inv, d.Method, d.Method, local.Name, lambda, lambda.Body, d.Method.Parameters)
                    : InlineMethod(inv, d.Method);
                return Single(inv, results, asStatement);
            }
            Report(Descriptors.NotDifferentiableCall, inv, inv.Expression.ToString(),
                "a delegate can only be called when it is a local of this method initialised with a lambda or a method name ('Func<double, double> f = v => v * v;'); call the method itself, or pass the values it needs instead of a delegate");
            return null;
        }

        /// <summary>
        /// Inlines one call: <paramref name="signature"/> gives the parameters and the return type, <paramref name="owner"/>
        /// and <paramref name="body"/> the source (a block or an expression). Returns the results (none for void), or null
        /// when something was reported.
        /// </summary>
        private List<Expr>? Inline(ExpressionSyntax inv, IMethodSymbol signature, ISymbol key, string name,
            SyntaxNode owner, CSharpSyntaxNode body, IReadOnlyList<IParameterSymbol> parameters, Receiver? receiver = null, StructSelf? self = null)
        {
            // A recursive call binds the same parameter and local symbols again: the caller's level gets its own back after it
            // (the method's own body called from itself rebinds the method's parameters).
            if (!_inlineStack.Any(x => SymbolEqualityComparer.Default.Equals(x.Key, key))
                && !SymbolEqualityComparer.Default.Equals(key, _method) && !SymbolEqualityComparer.Default.Equals(key, _method.OriginalDefinition))
                return InlineCore(inv, signature, key, name, owner, body, parameters, receiver, self);
            var restore = SaveBindings();
            try { return InlineCore(inv, signature, key, name, owner, body, parameters, receiver, self); }
            finally { restore(); }
        }

        /// <summary>What symbols are bound to (variables, substitutions, views): restored after a recursive level's inlining.</summary>
        private System.Action SaveBindings()
        {
            var restores = new List<System.Action>
            {
                Save(_vars), Save(_substituted), Save(_structArgs), Save(_tupleVars), Save(_delegates), Save(_listCounts),
                Save(_nullableLocals), Save(_refAliases), Save(_spanViews), Save(_structArrays), Save(_swapGroups), Save(_swapSlots), Save(_helperTexts), Save(_textAliases), Save(_stackViews), Save(_highRankBound),
                Save(_elementLocals), Save(_objectArrayLocals), Save(_objectArrayParams), Save(_receiverParams),
            };
            return () => { foreach (var r in restores) r(); };

            static System.Action Save<TK, TV>(Dictionary<TK, TV> d) where TK : notnull
            {
                var copy = new Dictionary<TK, TV>(d, d.Comparer);
                return () =>
                {
                    d.Clear();
                    foreach (var kv in copy) d[kv.Key] = kv.Value;
                };
            }
        }

        private List<Expr>? InlineCore(ExpressionSyntax inv, IMethodSymbol signature, ISymbol key, string name,
            SyntaxNode owner, CSharpSyntaxNode body, IReadOnlyList<IParameterSymbol> parameters, Receiver? receiver, StructSelf? self)
        {
            receiver ??= _receiver; // a lambda or a local function reads what the code around it reads
            int depth = _inlineStack.Count(x => SymbolEqualityComparer.Default.Equals(x.Key, key));
            if (depth > 0 && !LinearRecursion(inv, key))
            {
                Report(Descriptors.Recursion, inv, name, Cycle(key), RecursionAdvice(inv));
                return null;
            }
            bool tail = depth == 0 && signature.MethodKind != MethodKind.AnonymousFunction && _hoistBan is null
                && TailRecursive(signature, body, ModelFor(owner.SyntaxTree), parameters);
            if (depth == 1 && _unrolledHelpers.Add(key))
                Note(Descriptors.RecursionUnrolled, inv.GetLocation(), name, UnrollDepth(body).ToString(System.Globalization.CultureInfo.InvariantCulture));

            // ---- the results ----
            var resultTypes = new List<(string Name, IrType Type)>();
            bool aggregate = false; // a tuple or a struct: one result per element
            if (!signature.ReturnsVoid && !IsIteratorCall(inv)) // an iterator's foreach: a void helper whose yields are the body (IteratorLoops.cs)
            {
                var rt = signature.ReturnType;
                var structFields = StructFields(rt);
                aggregate = rt is INamedTypeSymbol { IsTupleType: true } || structFields is not null;
                var elems = rt is INamedTypeSymbol { IsTupleType: true } tt ? tt.TupleElements.Select(e => (e.Name, e.Type)).ToList()
                    : structFields is not null ? structFields.Select(f => (f.Name, f.Type)).ToList()
                    : new List<(string, ITypeSymbol)> { ("r", rt) };
                foreach (var (en, et) in elems)
                {
                    // a T[] or T[,] the helper fills and returns (its own local) is the caller's array from then on
                    // a jagged local it fills and returns (held as a T[n, m], JaggedRows.cs): that buffer, rows and all
                    if (!aggregate && MapType(et) is { IsArray: true, Shape: Shape.Jagged, IsReal: true } jagged)
                    {
                        resultTypes.Add((en, new IrType(jagged.Elem, Shape.Matrix)));
                        continue;
                    }
                    if (MapType(et) is not { } m || m.Elem == Scalar.Void || m.IsArray && (m.Shape == Shape.Jagged || elems.Count > 1 && structFields is not null))
                    {
                        Report(Descriptors.NotDifferentiableCall, inv, name, $"it returns {rt.ToDisplayString()}; a helper must return float, double, int or bool, a T[] or T[,] it fills, or a tuple of those; for a jagged array, pass it as a parameter, write its elements and return void");
                        return null;
                    }
                    resultTypes.Add((en, m));
                }
            }

            if (depth >= UnrollDepth(body))
            {
                // deeper than the unrolling: this call throws where it stands (under the conditions that lead to it), so the
                // values it stands for are never used
                if (resultTypes.Any(r => r.Type.IsArray)) { Report(Descriptors.Recursion, inv, name, Cycle(key), RecursionAdvice(inv)); return null; }
                var text = SymbolDisplay.FormatLiteral($"the recursive helper '{name}' was unrolled {UnrollDepth(body)} calls deep by DiffGen and this call goes deeper; write the recursion as a loop", quote: true);
                _pending.Add(new Throw($"new global::System.NotSupportedException({text})", EquatableArray<Expr>.Empty));
                return resultTypes.Select(r => (Expr)new Const(0, r.Type)).ToList();
            }

            // ---- the arguments, lowered where the call is ----
            if (ArgumentsOf(inv, signature) is not { } callArgs) { Suppress(); return null; }
            var argSyntax = new ExpressionSyntax?[parameters.Count];
            var argConst = new Expr?[parameters.Count];
            var paramsArrays = new List<(int K, IArrayCreationOperation Values)>();
            foreach (var a in callArgs)
            {
                if (a.Parameter is null || a.Parameter.Ordinal >= parameters.Count) { Suppress(); return null; }
                var p = parameters[a.Parameter.Ordinal];
                if (a.ArgumentKind == ArgumentKind.ParamArray)
                {
                    // Sum(a, b * b, c) of 'params double[] v': a local array of those values, lowered below
                    if (a.Value is not IArrayCreationOperation { Initializer: not null } packed || MapType(p.Type) is not { Shape: Shape.Vector })
                    {
                        Report(Descriptors.NotDifferentiableCall, inv, name, $"its parameter '{p.Name}' is a 'params' {p.Type.ToDisplayString()}; pass the values as a float/double/int array variable");
                        return null;
                    }
                    paramsArrays.Add((p.Ordinal, packed));
                    continue;
                }
                if (p.RefKind is RefKind.Ref or RefKind.Out && MapType(p.Type) is { IsArray: false } && a.Syntax is ArgumentSyntax byRefArg)
                {
                    // 'out double lo' / 'ref s': the helper writes the caller's variable (bound below)
                    argSyntax[p.Ordinal] = byRefArg.Expression;
                    continue;
                }
                if (p.RefKind is RefKind.Ref or RefKind.Out)
                {
                    // 'out double r' declared in the call: its later reads are not reported again
                    foreach (var arg in (inv as InvocationExpressionSyntax)?.ArgumentList.Arguments ?? default)
                        if (arg.Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax dv } && _model.GetDeclaredSymbol(dv, _ct) is { } outLocal)
                            _rejected.Add(outLocal);
                    Report(Descriptors.NotDifferentiableCall, inv, name, $"its parameter '{p.Name}' is '{p.RefKind.ToString().ToLowerInvariant()}'; pass it by value and return the result instead (a tuple '(double A, double B)' for several results, or write into an array parameter)");
                    return null;
                }
                if (a.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    var pt0 = MapType(p.Type);
                    if (pt0 is { IsArray: false } && a.Value.ConstantValue is { HasValue: true } cv && cv.Value is IConvertible c)
                        argConst[p.Ordinal] = new Const(c is bool b ? (b ? 1 : 0) : c.ToDouble(System.Globalization.CultureInfo.InvariantCulture), pt0.Value);
                    else { Report(Descriptors.NotDifferentiableCall, inv, name, $"the default value of '{p.Name}' is not a number; pass the argument explicitly"); return null; }
                }
                else argSyntax[p.Ordinal] = a.Syntax is ArgumentSyntax s ? s.Expression : a.Value.Syntax as ExpressionSyntax;
            }

            var calleeModel = ModelFor(owner.SyntaxTree);
            var assigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            bool writesOuter = false;
            bool writesAnything = false;
            foreach (var n in body.DescendantNodesAndSelf())
            {
                if (n is AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }) writesAnything = true;
                ExpressionSyntax? t = n switch
                {
                    AssignmentExpressionSyntax x => x.Left,
                    PostfixUnaryExpressionSyntax x => x.Operand,
                    PrefixUnaryExpressionSyntax x when x.IsKind(SyntaxKind.PreIncrementExpression) || x.IsKind(SyntaxKind.PreDecrementExpression) => x.Operand,
                    _ => null,
                };
                if (t is null || t is ElementAccessExpressionSyntax) continue;
                foreach (var id in t.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    if (calleeModel.GetSymbolInfo(id, _ct).Symbol is not { } s || s is not (ILocalSymbol or IParameterSymbol)) continue;
                    assigned.Add(s);
                    if (s.DeclaringSyntaxReferences.FirstOrDefault() is { } r && (r.SyntaxTree != owner.SyntaxTree || !owner.Span.Contains(r.Span))) writesOuter = true;
                }
            }

            var stmts = new List<Stmt>();
            var prefix = name + "_";
            var bindings = new List<(IParameterSymbol P, Variable? V, Expr? Sub)>();
            var structBindings = new List<(IParameterSymbol P, List<Variable>? Vars, List<Expr>? Values)>();
            var delegateBindings = new List<(IParameterSymbol P, (AnonymousFunctionExpressionSyntax? Lambda, IMethodSymbol Method) Fn)>();
            var stackBindings = new List<(IParameterSymbol P, StackView View)>();
            var objectArrayBindings = new List<(IParameterSymbol P, ObjectArray Objects)>();
            var receiverBindings = new List<(IParameterSymbol P, Receiver Object)>();
            var highRankBindings = new List<(IParameterSymbol P, (Variable Array, List<string> Dims) Cube)>();
            var argArray = new Expr?[parameters.Count];
            foreach (var (k, packed) in paramsArrays)
            {
                // 'params' values: a fresh local array filled where the call is, like 'var v = new[] { a, b * b, c };'
                var at = MapType(parameters[k].Type)!.Value;
                var an = FreshName(prefix + parameters[k].Name);
                var elems = packed.Initializer!.ElementValues;
                var decl = new DeclArray(an, at, new Expr[] { new Const(elems.Length, IrType.Int) }.ToEquatable());
                if (_loopDepth == 0 && _branchDepth == 0)
                {
                    stmts.Add(decl);
                    _topLevelLocals.Add(an);
                }
                else
                {
                    // inside a loop or an if: one buffer for the method (its length is a constant), every element set here
                    _hoistedSizes.Add((an, new HashSet<string>(StringComparer.Ordinal), inv.GetLocation()));
                    _hoistedArrays.Add(decl);
                }
                for (int i = 0; i < elems.Length; i++)
                {
                    var ev = elems[i] is IConversionOperation { IsImplicit: true } conv ? conv.Operand : elems[i];
                    if (ev.Syntax is not ExpressionSyntax es || LowerExpr(es) is not { } x) { if (ev.Syntax is not ExpressionSyntax) Suppress(); return null; }
                    if (x.Type != at.ElementType) x = new IR.Convert(x, at.ElementType);
                    stmts.Add(new Assign(new ElemRef(an, at, new Expr[] { new Const(i, IrType.Int) }.ToEquatable()), AssignOp.Set, x));
                }
                argArray[k] = new ArrayRef(an, at, null);
            }
            for (int k = 0; k < parameters.Count; k++)
            {
                // MatVec(r, new[] { len, 0.0, 0.0 }): a new array given as the argument, made where the call is (a local of its own)
                if (argArray[k] is not null || argSyntax[k] is not (ArrayCreationExpressionSyntax { Initializer: not null } or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax
                        or InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" }, ArgumentList.Arguments.Count: 0 })
                    || MapType(parameters[k].Type) is not { IsArray: true, Shape: Shape.Vector or Shape.Matrix } listedType)
                    continue;
                var an = FreshName(prefix + parameters[k].Name);
                var listed = LowerArrayInitializer(argSyntax[k]!, an, listedType);
                if (listed is null || listed.Value.Reported || listed.Value.Sizes is null) { if (listed is null) Suppress(); return null; }
                if (!DeclareLocalArray(argSyntax[k]!, null, an, listedType, listed.Value.Sizes, listed.Value.Fill, stmts)) return null;
                argArray[k] = new ArrayRef(an, listedType, null);
            }
            var back = new List<Stmt>(); // parts of arrays the helper wrote through a Span parameter, stored back after it (Slices.cs)
            var copiedParts = new List<(int K, string Source, ExpressionSyntax Where)>(); // (when the helper writes an array)
            for (int k = 0; k < parameters.Count; k++)
            {
                var p = parameters[k];
                var pt = MapType(p.Type);
                // a long or nint count of a helper ('static double Run(double x, long steps)'): an int, as the values given it are
                if (pt is null && p.RefKind == RefKind.None && p.Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_IntPtr)
                    pt = IrType.Int;
                // a ReadOnlySpan<double>/Span<double> parameter of a helper takes the caller's array like a double[] would
                if (pt is null && p.RefKind == RefKind.None && IsSpan(p.Type, out _, out var spanElem) && ElemOf(spanElem!) is { } se)
                    pt = new IrType(se, Shape.Vector);
                // so does an IReadOnlyList<double>/IList<double>/List<double> parameter ('.Count' its length)
                if (pt is null && p.RefKind == RefKind.None && (IsListInterface(p.Type, out _, out var listElem)
                        || p.Type is INamedTypeSymbol { IsGenericType: true } lt && lt.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>" && (listElem = lt.TypeArguments[0]) is not null)
                    && ElemOf(listElem!) is { } le && le != Scalar.Bool)
                    pt = new IrType(le, Shape.Vector);
                // and a List<int>[] (IReadOnlyList<int>[]) adjacency parameter the caller's lists, an int[][] here (Members.cs)
                if (pt is null && p.RefKind == RefKind.None && p.Type is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { IsGenericType: true } adjacency }
                    && (adjacency.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>" || IsListInterface(adjacency, out _, out _))
                    && adjacency.TypeArguments[0].SpecialType == SpecialType.System_Int32)
                    pt = new IrType(Scalar.Int, Shape.Jagged);
                if (pt is null && p.RefKind is RefKind.None or RefKind.In && (StructFields(p.Type) ?? TupleFields(p.Type)) is { } pfields && argSyntax[k] is { } structArg)
                {
                    // a struct parameter: one variable per field, the argument's own when the helper changes neither (StructValues.cs);
                    // a tuple parameter the same way, one variable per element ('QMul((double w, double x) a, ...)')
                    var fieldValues = LowerTuple(structArg);
                    if (fieldValues is null) return null;
                    var pv = new List<Variable>();
                    bool readOnly = !assigned.Contains(p) && !writesOuter && !CallsOn(body, calleeModel, p);
                    if (readOnly && fieldValues.All(x => x is VarRef))
                        pv.AddRange(fieldValues.Select(x => new Variable(((VarRef)x).Name, x.Type, VarKind.Local)));
                    else if (readOnly && _hoistBan is not null)
                    {
                        // in a loop condition: the values in place, like a scalar argument there
                        structBindings.Add((p, null, fieldValues));
                        continue;
                    }
                    else
                        for (int i = 0; i < fieldValues.Count; i++)
                        {
                            var fn = FreshName(prefix + p.Name + "_" + pfields[i].Name);
                            if (!Declare(fn, fieldValues[i].Type, fieldValues[i], stmts, structArg)) return null;
                            if (!fieldValues[i].Type.IsReal) _reassigned.Add(fn);
                            pv.Add(new Variable(fn, fieldValues[i].Type, VarKind.Local));
                        }
                    structBindings.Add((p, pv, null));
                    continue;
                }
                if (pt is null && p.RefKind is RefKind.None or RefKind.In && argSyntax[k] is { } structsArg && StructArrayOf(structsArg) is { } structs
                    && SymbolEqualityComparer.Default.Equals(p.Type, _model.GetTypeInfo(structsArg, _ct).Type))
                {
                    _structArrays[p] = structs; // a local V2[] passed on: the helper's parameter names the same field arrays (StructArrays.cs)
                    continue;
                }
                if (pt is null && p.RefKind is RefKind.None or RefKind.In && RowElementTypes(p.Type) is not null && argSyntax[k] is { } rowsArg
                    && LowerExpr(rowsArg) is ArrayRef { Row: null } rows && _tupleArrays.Contains(rows.Array))
                {
                    // a tuple array or an array of structs passed on whole: the same rows (read-only data, Members.cs)
                    bindings.Add((p, new Variable(rows.Array, rows.ArrayType, VarKind.Param), null));
                    continue;
                }
                if (pt is null && p.Type.TypeKind == TypeKind.Delegate && p.RefKind == RefKind.None && argSyntax[k] is { } fnArg && DelegateArgument(fnArg) is { } passed)
                {
                    // Apply(x, v => v * v), Array.FindIndex(a, t => t > 0): the helper's calls of the parameter inline the lambda
                    delegateBindings.Add((p, passed));
                    continue;
                }
                if (pt is null && p.Type.SpecialType == SpecialType.System_String && p.RefKind == RefKind.None && argSyntax[k] is { } textArg
                    && _model.GetConstantValue(textArg, _ct) is { HasValue: true, Value: string text })
                {
                    // RequirePositive(v, "sigma"): a constant text, read by the helper's exception messages (Throw.cs)
                    _helperTexts[p] = text;
                    continue;
                }
                if (pt is null && p.Type.SpecialType == SpecialType.System_String && p.RefKind == RefKind.None && argSyntax[k] is { } modeArg
                    && TextParam(modeArg, out var modeSuffix) is { } mode && modeSuffix.Length == 0)
                {
                    // Structure(h, range, model): the helper compares the method's string parameter (its tests are entry-point flags)
                    _textAliases[p] = mode;
                    continue;
                }
                if (p.RefKind is RefKind.None or RefKind.In && argSyntax[k] is { } stackArg && IsStackElement(stackArg)
                    && (p.Type is IArrayTypeSymbol { Rank: >= 2 } || p.Type is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } } && IsJaggedStackElement(stackArg)))
                {
                    // Expert(x, hidden[e]): the helper's double[,] is that array of the stack (Buffers.cs)
                    var view = StackElement(stackArg);
                    if (view is null) return null;
                    var layer = view.Layer;
                    if (layer is not (VarRef or Const))
                    {
                        var ln = FreshName(prefix + p.Name + "_layer");
                        stmts.Add(new DeclScalar(ln, IrType.Int, layer));
                        layer = new VarRef(ln, IrType.Int);
                    }
                    stackBindings.Add((p, view with { Layer = layer }));
                    continue;
                }
                if (p.RefKind is RefKind.None or RefKind.In && p.Type is IArrayTypeSymbol { Rank: >= 3 } && argSyntax[k] is { } cubeArg && HighRankArray(cubeArg, out var cube, out var cubeDims))
                {
                    highRankBindings.Add((p, (cube, cubeDims))); // Conv(input, kernels) with a double[,,]: the same flattened array
                    continue;
                }
                if (pt is null && p.RefKind is RefKind.None or RefKind.In && argSyntax[k] is { } objectsArg && ObjectElementType(p.Type) is not null && ObjectArrayOf(objectsArg) is { } boundObjects)
                {
                    objectArrayBindings.Add((p, boundObjects)); // Run(Layers, x): the helper's array of layer objects is the caller's (ObjectArrays.cs)
                    continue;
                }
                if (pt is null && p.RefKind is RefKind.None or RefKind.In && argSyntax[k] is { } objectArg && IsConfigType(p.Type) && ReceiverOf(objectArg, anyType: true) is { } boundObject)
                {
                    receiverBindings.Add((p, boundObject)); // Apply(layer, h), Score(L1, x): the helper reads the caller's object's members
                    continue;
                }
                if (pt is null && p.Type is INamedTypeSymbol { IsTupleType: true })
                {
                    Report(Descriptors.NotDifferentiableCall, inv, name, $"its parameter '{p.Name}' has type {p.Type.ToDisplayString()}, which is not supported: a helper's tuple parameter is split into one value per element when every element is a float, double, int or bool value (at most 7); pass arrays as parameters of their own");
                    return null;
                }
                if (pt is null || pt.Value.Elem == Scalar.Bool && pt.Value.IsArray)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, name, $"its parameter '{p.Name}' has type {p.Type.ToDisplayString()}, which is not supported: {TypeAdvice(p.Type)}");
                    return null;
                }
                if (p.RefKind is RefKind.Ref or RefKind.Out)
                {
                    var target = BindByRef(argSyntax[k]!, p, pt.Value, stmts);
                    if (target is null) return null;
                    bindings.Add((p, target, null));
                    continue;
                }
                Expr? arg = null;
                if (pt.Value is { IsArray: true, Shape: Shape.Vector } && argSyntax[k] is { } slx && SliceForm(slx) is not null)
                {
                    // Dot(w.AsSpan(r * n, n), x), Sum(x[1..]): a copy of the part (Slices.cs)
                    bool spanWrites = IsSpan(p.Type, out var readOnlySpan, out _) && !readOnlySpan && HelperWrites(body, calleeModel, parameters, p);
                    var root = ArgumentRoot(slx);
                    if (root is not null && (spanWrites || HelperWrites(body, calleeModel, parameters, null))
                        && Enumerable.Range(0, parameters.Count).Any(j => j != k && argSyntax[j] is { } other && SymbolEqualityComparer.Default.Equals(ArgumentRoot(other), root)))
                    {
                        Report(Descriptors.UnsupportedExpression, slx, slx.ToString(),
                            $"'{name}' gets a copy of this part of '{root.Name}' while another argument passes '{root.Name}' too and the helper writes an array: copy the part into a local array first ('var part = {root.Name}[start..end];'), or pass '{root.Name}' once with the start and the length as int parameters");
                        return null;
                    }
                    arg = LowerSliceArgument(slx, pt.Value, FreshName(prefix + p.Name + "_part"), spanWrites, stmts, back, out var source);
                    if (source is not null && (spanWrites || HelperWrites(body, calleeModel, parameters, null))) copiedParts.Add((k, source, slx));
                }
                else arg = argArray[k] ?? argConst[k] ?? (argSyntax[k] is { } sx ? LowerExpr(sx) : Suppress());
                if (arg is null) return null;
                if (pt.Value.IsArray)
                {
                    // a jagged local (held as a T[n, m]) given to a helper's T[][] parameter: the helper indexes the same buffer
                    bool rowsOfBuffer = arg is ArrayRef { Row: null } rb && _rowBuffers.Contains(rb.Array) && pt.Value.Shape == Shape.Jagged && rb.ArrayType.Elem == pt.Value.Elem;
                    if (arg is not ArrayRef ar || ar.Type != pt.Value && !rowsOfBuffer)
                    {
                        Report(Descriptors.UnsupportedExpression, (SyntaxNode?)argSyntax[k] ?? inv, argSyntax[k]?.ToString() ?? p.Name, $"pass an array variable (or a row z[i] of a jagged array) of type {pt.Value} to '{p.Name}'");
                        return null;
                    }
                    var row = ar.Row;
                    if (row is not null and not (VarRef or Const))
                    {
                        var rn = FreshName(prefix + p.Name + "_row");
                        stmts.Add(new DeclScalar(rn, IrType.Int, row));
                        row = new VarRef(rn, IrType.Int);
                    }
                    var rootVar = argSyntax[k] is { } asx && RootSymbol(asx) is { } rs && _vars.TryGetValue(rs, out var rv0) ? rv0 : null;
                    var kind = IsParameterName(ar.Array) ? VarKind.Param : VarKind.Local;
                    bindings.Add((p, new Variable(ar.Array, ar.ArrayType, kind, row, rootVar?.AliasSite ?? argSyntax[k]?.GetLocation()), null));
                    continue;
                }
                if (arg.Type.IsArray) { Suppress(); return null; } // not C#
                // array lengths never change: a.Length is substituted like a constant
                // In a loop condition, a helper that assigns nothing takes any argument in place (evaluated where the
                // condition is, like the same expression written there; nothing can change it in between).
                if (!tail && (arg is Const || (arg is VarRef || arg is LengthOf { Row: null or VarRef or Const }) && !assigned.Contains(p) && !writesOuter
                    || _hoistBan is not null && !writesAnything && !IrQueries.Descendants(arg).Any(x => x is Invoke)))
                {
                    bindings.Add((p, null, arg));
                    continue;
                }
                var local = FreshName(prefix + p.Name);
                if (!Declare(local, pt.Value, arg, stmts, (SyntaxNode?)argSyntax[k] ?? inv)) return null;
                if (tail && !pt.Value.IsReal) _reassigned.Add(local); // a tail call sets it again
                bindings.Add((p, new Variable(local, pt.Value, VarKind.Local), null));
            }
            // a part copied for a helper that writes an array, next to an argument that is the same array under another
            // name (arrays swapped between time steps are rows of one pooled buffer: the same IR array): the copy would not
            // see the write
            foreach (var (ck, source, where) in copiedParts)
                if (bindings.Where((b, j) => j != ck && b.V is { } bv && bv.Name == source).Any())
                {
                    Report(Descriptors.UnsupportedExpression, where, where.ToString(),
                        $"'{name}' gets a copy of this part while another argument may be the same array and the helper writes an array: copy the part into a local array first ('var part = a[start..end];'), or pass the array once with the start and the length as int parameters");
                    return null;
                }
            foreach (var (p, fn) in delegateBindings) _delegates[p] = fn;
            foreach (var (p, view) in stackBindings) _stackViews[p] = view;
            foreach (var (p, objects) in objectArrayBindings) _objectArrayParams[p] = objects;
            foreach (var (p, obj) in receiverBindings) _receiverParams[p] = obj;
            foreach (var (p, cube) in highRankBindings) _highRankBound[p] = cube;
            foreach (var (p, v, sub) in bindings)
            {
                _vars.Remove(p);
                _substituted.Remove(p);
                if (v is not null) _vars[p] = v;
                else _substituted[p] = sub!;
            }
            foreach (var (p, vars, argValues) in structBindings)
            {
                _tupleVars.Remove(p);
                _structArgs.Remove(p);
                if (vars is not null) _tupleVars[p] = vars;
                else _structArgs[p] = argValues!;
            }

            // ---- the body, with the callee's model and its own return machinery ----
            var saved = (_model, _doneFlag, _returnVar, _firstEarlyReturn, _returnType, _prefix, _helperResults, _pending, _hoistBan, _suppressed, _receiver, _structThis, _helperAggregate);
            var savedTail = _tailLoop;
            _tailLoop = null; // a helper this one calls is not the loop's body
            _receiver = receiver;
            // a struct's member sees that struct's fields; a lambda or local function sees what the code around it sees
            _structThis = self ?? (signature.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction ? _structThis : null);
            _helperAggregate = aggregate;
            int reportsBefore = _reports;
            _model = calleeModel;
            _doneFlag = null;
            _returnVar = null;
            _firstEarlyReturn = null;
            _returnType = IrType.Void;
            _prefix = prefix;
            _hoistBan = null;
            _suppressed = false;
            var results = resultTypes.Select(r => (FreshName(prefix + r.Name), r.Type)).ToList();
            _helperResults = results;
            _inlineStack.Add((key, name));
            var hb = new List<Stmt>();
            _pending = hb;
            List<Expr>? direct = null;
            bool failed;
            try
            {
                bool topLevel = _loopDepth == 0 && _branchDepth == 0;
                int hoistMark = _hoistedArrays.Count;
                if (body is ExpressionSyntax ex && !tail)
                {
                    if (results.Count == 0) LowerExpressionStatement(ex, hb);
                    else direct = FreshArrayReturn(ex, results, hb, out bool freshDone) ?? (freshDone ? null : LowerReturnValues(ex));
                }
                else if (tail && TailBranches(body) is { } tb)
                {
                    // '=> c ? v : H(...)': the loop's body is 'if (c) return v; else <tail call>'
                    _tailLoop = (signature, parameters);
                    var loopBody = new List<Stmt>();
                    var frame = EnterLoop();
                    try
                    {
                        var done = new List<Stmt>();
                        var again = new List<Stmt>();
                        Expr? cond = null;
                        WithPending(own => cond = LowerExpr(tb.Condition), loopBody);
                        _branchDepth++;
                        WithPending(own => LowerNestedReturn(tb.Value, tb.Value.GetLocation(), own), done);
                        WithPending(own => TryLowerTailCall(tb.Tail, own), again);
                        _branchDepth--;
                        if (cond is not null)
                            loopBody.Add(tb.TailWhenTrue ? new If(cond, again.ToEquatable(), done.ToEquatable()) : new If(cond, done.ToEquatable(), again.ToEquatable()));
                    }
                    finally { ExitLoop(); _tailLoop = null; }
                    var where = inv.GetLocation();
                    EmitLoop(new For(FreshName("__tail"), new Const(0, IrType.Int), BinaryOp.Lt, new Const(int.MaxValue, IrType.Int), 1, default,
                        new SourceRef(where.SourceTree?.FilePath ?? "", where.SourceSpan, where.GetLineSpan().Span)), null, loopBody, frame, hb);
                }
                else if (body is BlockSyntax tailBlock && tail)
                {
                    // a tail-recursive helper: its body is the body of a loop that the tail call continues and a return leaves
                    _tailLoop = (signature, parameters);
                    var loopBody = new List<Stmt>();
                    var frame = EnterLoop();
                    try
                    {
                        foreach (var st in tailBlock.Statements)
                        {
                            _ct.ThrowIfCancellationRequested();
                            LowerStatement(st, loopBody);
                        }
                    }
                    finally { ExitLoop(); _tailLoop = null; }
                    var where = inv.GetLocation();
                    EmitLoop(new For(FreshName("__tail"), new Const(0, IrType.Int), BinaryOp.Lt, new Const(int.MaxValue, IrType.Int), 1, default,
                        new SourceRef(where.SourceTree?.FilePath ?? "", where.SourceSpan, where.GetLineSpan().Span)), null, loopBody, frame, hb);
                }
                else if (body is BlockSyntax block)
                {
                    var list = block.Statements;
                    for (int i = 0; i < list.Count; i++)
                    {
                        _ct.ThrowIfCancellationRequested();
                        if (i == list.Count - 1 && list[i] is ReturnStatementSyntax { Expression: { } re } && _doneFlag is null && results.Count > 0)
                        {
                            int returnMark = hb.Count;
                            direct = FreshArrayReturn(re, results, hb, out bool freshDone) ?? (freshDone ? null : LowerReturnValues(re));
                            if (topLevel && _hoistedArrays.Count > hoistMark)
                            {
                                var moved = _hoistedArrays.GetRange(hoistMark, _hoistedArrays.Count - hoistMark);
                                _hoistedArrays.RemoveRange(hoistMark, moved.Count);
                                hb.InsertRange(returnMark, moved);
                            }
                            continue;
                        }
                        if (i == list.Count - 1 && list[i] is ReturnStatementSyntax { Expression: null }) continue;
                        int mark = hb.Count;
                        if (TryLowerTempRowSwap(list[i], hb)) i += 2; // var t = m[k]; m[k] = m[p]; m[p] = t; (JaggedRows.cs)
                        else LowerStatement(list[i], hb);
                        if (topLevel && _hoistedArrays.Count > hoistMark)
                        {
                            // the helper's top-level statements are top-level statements of the caller: arrays of their loops go right before them
                            var moved = _hoistedArrays.GetRange(hoistMark, _hoistedArrays.Count - hoistMark);
                            _hoistedArrays.RemoveRange(hoistMark, moved.Count);
                            hb.InsertRange(mark, moved);
                        }
                    }
                }
                failed = _suppressed || _reports != reportsBefore;
                if (!failed && results.Any(r => r.Item2.IsArray) && (_doneFlag is not null || direct is null || direct.Count != results.Count
                        || Enumerable.Range(0, results.Count).Any(r => results[r].Item2.IsArray && direct[r] is not ArrayRef { Row: null })))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, name, "a helper that returns an array must end with 'return a;' (or 'return (a, s);', 'return new[] { ... };') for an array variable a, and return nowhere else; fill the array, then return it once at the end");
                    failed = true;
                }
                if (!failed && _doneFlag is not null)
                {
                    hb = LowerEarlyReturns(hb, IrType.Void);
                    hb.InsertRange(0, results.Select(r => (Stmt)new DeclScalar(r.Item1, r.Item2, new Const(0, r.Item2))));
                    foreach (var r in results.Where(r => !r.Item2.IsReal)) _reassigned.Add(r.Item1);
                    direct = null;
                }
                failed = failed || _suppressed || _reports != reportsBefore;
            }
            finally
            {
                _inlineStack.RemoveAt(_inlineStack.Count - 1);
                bool nowSuppressed = _suppressed;
                (_model, _doneFlag, _returnVar, _firstEarlyReturn, _returnType, _prefix, _helperResults, _pending, _hoistBan, _suppressed, _receiver, _structThis, _helperAggregate) = saved;
                _tailLoop = savedTail;
                _suppressed |= nowSuppressed;
            }
            if (failed) return null; // reported inside the helper, once

            var values = new List<Expr>();
            if (direct is not null)
            {
                if (direct.Count != results.Count) { Suppress(); return null; }
                for (int i = 0; i < results.Count; i++)
                {
                    var (rn, rt) = results[i];
                    if (rt.IsArray) { values.Add(direct[i]); continue; } // the helper's array (or the argument it returns), by name
                    var v = direct[i].Type == rt ? direct[i] : new IR.Convert(direct[i], rt);
                    // The returned expression is used in place when moving it cannot change what it reads: nothing was
                    // computed before it, or it reads only scalars (the helper's own locals, which nothing else writes).
                    // An int/bool read from float values stays a local (restored by the backward pass), except in a loop
                    // condition, which reads it in place like the same expression written there.
                    bool inPlace = (hb.Count == 0 || !IrQueries.Descendants(v).Any(x => x is ElemRef or ArrayRef or Invoke))
                        && (rt.IsReal || !IrQueries.ReadsReal(v) || _hoistBan is not null && hb.Count == 0 && stmts.Count == 0);
                    if (inPlace) values.Add(v);
                    else
                    {
                        if (!Declare(rn, rt, v, hb, inv)) return null;
                        values.Add(new VarRef(rn, rt));
                    }
                }
            }
            else values.AddRange(results.Select(r => (Expr)new VarRef(r.Item1, r.Item2)));

            if (_hoistBan is not null && (stmts.Count > 0 || hb.Count > 0) && SoftBanHit()) return null;
            if (_hoistBan is not null && (stmts.Count > 0 || hb.Count > 0))
            {
                Report(Descriptors.NotDifferentiableCall, inv, name,
                    $"{_hoistBan}, but the helper's statements would run once, before the loop; compute the value into a local before the loop and again at the end of the loop body ('bool go = F(...); while (go) {{ ...; go = F(...); }}'), or write the helper as one expression ('=> ...')");
                return null;
            }
            _pending.AddRange(stmts);
            _pending.AddRange(hb);
            _pending.AddRange(back);
            return values;
        }

        /// <summary>One argument of an inlined call, whatever the call's syntax (an invocation, a creation, an operator).</summary>
        private readonly record struct CallArgument(IParameterSymbol? Parameter, ArgumentKind ArgumentKind, IOperation Value, SyntaxNode Syntax);

        /// <summary>
        /// The arguments of <paramref name="site"/>: a method call or <c>new T(...)</c>; a user-defined operator (<c>a + b</c>,
        /// <c>-a</c>, <c>p += q</c>), whose operands are its arguments; a property read (none). Null for anything else.
        /// </summary>
        private List<CallArgument>? ArgumentsOf(ExpressionSyntax site, IMethodSymbol? target = null)
        {
            static CallArgument Of(IArgumentOperation a) => new(a.Parameter, a.ArgumentKind, a.Value, a.Syntax);
            CallArgument Operand(IMethodSymbol m, int k, IOperation v) => new(m.Parameters[k], ArgumentKind.Explicit, v, v.Syntax);
            var op = _model.GetOperation(site, _ct);
            // a conversion operator applied to the site ('double r = MakeAngle(x);'): its operand is the site's value, whatever it is
            // (the call's own arguments belong to the call, inlined first)
            if (target is { MethodKind: MethodKind.Conversion } && op is not IConversionOperation && op?.Parent is IConversionOperation { IsImplicit: true, OperatorMethod: { } convert } applied
                && applied.Syntax == site && SymbolEqualityComparer.Default.Equals(convert, target))
                return new List<CallArgument> { Operand(convert, 0, op) };
            return op switch
            {
                IInvocationOperation i => i.Arguments.Select(Of).ToList(),
                IObjectCreationOperation o => o.Arguments.Select(Of).ToList(),
                IBinaryOperation { OperatorMethod: { } m } b => new List<CallArgument> { Operand(m, 0, b.LeftOperand), Operand(m, 1, b.RightOperand) },
                IUnaryOperation { OperatorMethod: { } m } u => new List<CallArgument> { Operand(m, 0, u.Operand) },
                ICompoundAssignmentOperation { OperatorMethod: { } m } c => new List<CallArgument> { Operand(m, 0, c.Target), Operand(m, 1, c.Value) },
                IPropertyReferenceOperation => new List<CallArgument>(),
                IConversionOperation { OperatorMethod: { } m, IsImplicit: false } cv => new List<CallArgument> { Operand(m, 0, cv.Operand) },
                _ => null,
            };
        }

        /// <summary>Does the helper call a method on its parameter <paramref name="p"/> (<c>p.Add(v)</c>, which may change a struct)?</summary>
        private bool CallsOn(SyntaxNode body, SemanticModel model, IParameterSymbol p) =>
            body.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is MemberAccessExpressionSyntax m
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(m.Expression, _ct).Symbol, p));

        /// <summary>
        /// The caller's variable an <c>out</c>/<c>ref</c> scalar parameter writes: a local declared in the call (<c>out double lo</c>,
        /// declared before the call's statement), a discard (a fresh local), or an existing local (<c>ref s</c>, <c>out s</c>).
        /// </summary>
        private Variable? BindByRef(ExpressionSyntax arg, IParameterSymbol p, IrType type, List<Stmt> stmts)
        {
            if (arg is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax dv } && _model.GetDeclaredSymbol(dv, _ct) is ILocalSymbol declared)
            {
                var v = new Variable(FreshName(_prefix + declared.Name), type, VarKind.Local);
                stmts.Add(new DeclScalar(v.Name, type, new Const(0, type)));
                if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(v.Name);
                if (!type.IsReal) _reassigned.Add(v.Name);
                _vars[declared] = v;
                return v;
            }
            if (arg is DeclarationExpressionSyntax { Designation: DiscardDesignationSyntax } || arg is IdentifierNameSyntax { Identifier.Text: "_" } && _model.GetSymbolInfo(arg, _ct).Symbol is null or IDiscardSymbol)
            {
                var v = new Variable(FreshName(_prefix + p.Name + "_discard"), type, VarKind.Local);
                stmts.Add(new DeclScalar(v.Name, type, new Const(0, type)));
                if (!type.IsReal) _reassigned.Add(v.Name);
                return v;
            }
            var lowered = LowerTarget(arg);
            if (lowered is VarRef target && target.Type == type) return new Variable(target.Name, type, VarKind.Local);
            if (lowered is not null) // (null: LowerTarget reported why)
                Report(Descriptors.UnsupportedExpression, arg, arg.ToString(), $"pass a local {type} variable (or 'out {type.Keyword} name') to the {p.RefKind.ToString().ToLowerInvariant()} parameter '{p.Name}'");
            return null;
        }

        /// <summary>The value(s) of <c>return e</c> in the helper being inlined: one, or one per tuple element.</summary>
        private List<Expr>? LowerReturnValues(ExpressionSyntax e)
        {
            if (_helperAggregate) return LowerTuple(e);
            var x = LowerExpr(e);
            return x is null ? null : new List<Expr> { x };
        }

        /// <summary>
        /// <c>return new double[,] { { ct, -st }, { st, ct } };</c> (or <c>new[] { ... }</c>, <c>x.Select(...).ToArray()</c>, a copy) in a
        /// helper returning one array: a fresh array of the helper, filled there, is the result. Null when the value is not one of
        /// those (<paramref name="done"/> false: lower it as usual) or when an error was reported (<paramref name="done"/> true).
        /// </summary>
        private List<Expr>? FreshArrayReturn(ExpressionSyntax e, List<(string, IrType)> results, List<Stmt> output, out bool done)
        {
            done = false;
            if (results.Count != 1 || !results[0].Item2.IsArray) return null;
            var inner = e;
            while (inner is ParenthesizedExpressionSyntax or CastExpressionSyntax)
                inner = inner is ParenthesizedExpressionSyntax p ? p.Expression : ((CastExpressionSyntax)inner).Expression;
            if (inner is SwitchExpressionSyntax arraySwitch) return SwitchArrayReturn(arraySwitch, results[0].Item1, results[0].Item2, output, out done);
            if (inner is not (ArrayCreationExpressionSyntax { Initializer: not null } or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax or InvocationExpressionSyntax)) return null;
            var (name, type) = results[0];
            var init = LowerArrayInitializer(inner, name, type);
            if (init is null) return null;
            done = true;
            if (init.Value.Reported) return null;
            if (init.Value.Alias is { } alias) return new List<Expr> { alias };
            if (!DeclareLocalArray(inner, null, name, type, init.Value.Sizes!, init.Value.Fill, output)) return null;
            return new List<Expr> { new ArrayRef(name, type, null) };
        }

        /// <summary>
        /// <c>return axis switch { 0 =&gt; new double[,] { ... }, 1 =&gt; new double[,] { ... }, _ =&gt; throw ... };</c> in a helper returning
        /// one array: the result array (the arms' one shape) filled by the arm whose pattern matches, tested in order; no arm
        /// matching throws what the last arm throws (or what C# throws when there is none). Null when reported.
        /// </summary>
        private List<Expr>? SwitchArrayReturn(SwitchExpressionSyntax sw, string name, IrType type, List<Stmt> output, out bool done)
        {
            done = true;
            var gov = LowerExpr(sw.GoverningExpression);
            if (gov is null) return null;
            if (gov.Type.IsArray || gov.Type.IsReal)
            {
                Report(Descriptors.UnsupportedExpression, sw, "switch", "a switch choosing an array is supported on an int, bool or enum value; choose between arrays with if/else on a value");
                return null;
            }
            var armSyntax = sw.Arms.ToList();
            Stmt? unmatched = null;
            if (armSyntax.Count > 1 && armSyntax[armSyntax.Count - 1] is { Expression: ThrowExpressionSyntax thrown, WhenClause: null, Pattern: DiscardPatternSyntax or VarPatternSyntax })
            {
                if ((unmatched = LowerThrow(thrown.Expression, thrown)) is null) return null;
                armSyntax.RemoveAt(armSyntax.Count - 1);
            }
            unmatched ??= new Throw("new global::System.Runtime.CompilerServices.SwitchExpressionException()", EquatableArray<Expr>.Empty);
            FlushPending(output);
            var key = OnceBefore(gov, gov.Type, output); // read once, as C# does
            List<Expr>? sizes = null;
            var arms = new List<(Expr Cond, List<Stmt> Fill)>();
            foreach (var arm in armSyntax)
            {
                if (arm.Expression is ThrowExpressionSyntax)
                {
                    Report(Descriptors.UnsupportedExpression, arm, arm.ToString(), "a throwing arm is supported as the last arm, '_ => throw ...' (no 'when')");
                    return null;
                }
                var c = LowerPattern(arm.Pattern, key);
                if (c is null) return null;
                if (arm.WhenClause is { } when)
                {
                    var w = LowerExpr(when.Condition);
                    if (w is null) return null;
                    c = new Binary(BinaryOp.And, c, w, IrType.Bool);
                }
                var armInit = LowerArrayInitializer(arm.Expression, name, type);
                if (armInit is null || armInit.Value.Alias is not null || armInit.Value.Sizes is null || armInit.Value.Fill is null)
                {
                    if (armInit is not { Reported: true })
                        Report(Descriptors.UnsupportedExpression, arm.Expression, arm.Expression.ToString(), "write each arm of a switch choosing an array as the array with its elements ('new double[,] { { ... } }', 'new[] { ... }')");
                    return null;
                }
                if (sizes is null) sizes = armInit.Value.Sizes;
                else if (!sizes.SequenceEqual(armInit.Value.Sizes))
                {
                    Report(Descriptors.UnsupportedExpression, arm.Expression, arm.Expression.ToString(), "every arm of a switch choosing an array must create one of the same shape; give arrays of another shape their own helper, or choose with if/else");
                    return null;
                }
                arms.Add((c, armInit.Value.Fill));
            }
            if (sizes is null) { Report(Descriptors.UnsupportedExpression, sw, "switch", "give the switch expression an arm that creates the array"); return null; }
            FlushPending(output);
            if (!DeclareLocalArray(sw, null, name, type, sizes, new List<Stmt>(), output)) return null;
            Stmt chain = unmatched;
            for (int i = arms.Count - 1; i >= 0; i--)
                chain = new If(arms[i].Cond, arms[i].Fill.ToEquatable(), new[] { chain }.ToEquatable());
            output.Add(chain);
            return new List<Expr> { new ArrayRef(name, type, null) };
        }

        /// <summary>A <c>return</c> inside a loop or an if of an inlined helper: its value(s) into the result locals.</summary>
        private bool AssignHelperResults(ExpressionSyntax e, List<Stmt> output)
        {
            var values = LowerReturnValues(e);
            if (values is null) return false;
            if (values.Count != _helperResults!.Count) { Suppress(); return false; }
            for (int i = 0; i < values.Count; i++)
            {
                var (rn, rt) = _helperResults[i];
                var v = values[i].Type == rt ? values[i] : new IR.Convert(values[i], rt);
                var s = AssignNonReal(new VarRef(rn, rt), v);
                if (s is null) { ReportIntFromReal(e, rt); return false; }
                output.AddRange(s);
            }
            return true;
        }

        /// <summary>
        /// <c>target = e</c> for a target of any type; a bool value that reads float values becomes if/else on the
        /// comparison (<c>bool b = x &gt; 0</c>: <c>b = false; if (x &gt; 0) b = true;</c>), the form the backward pass restores;
        /// an int one (a cast of a value) is assigned, which the backward pass restores too. Null when it cannot be written so.
        /// </summary>
        private static List<Stmt>? AssignNonReal(Expr target, Expr e)
        {
            if (target.Type.IsReal || !IrQueries.ReadsReal(e)) return new List<Stmt> { new Assign(target, AssignOp.Set, e) };
            if (e is Conditional c)
            {
                var a = AssignNonReal(target, c.WhenTrue);
                var b = AssignNonReal(target, c.WhenFalse);
                if (a is null || b is null) return null;
                return new List<Stmt> { new If(c.Condition, a.ToEquatable(), b.ToEquatable()) };
            }
            if (e.Type == IrType.Bool)
                return new List<Stmt> { new If(e, new Stmt[] { new Assign(target, AssignOp.Set, new Const(1, IrType.Bool)) }.ToEquatable(),
                    new Stmt[] { new Assign(target, AssignOp.Set, new Const(0, IrType.Bool)) }.ToEquatable()) };
            // an int made from a float value ('(int)(v * n)', derivative 0): assigned, so the reverse sweep restores it
            if (e.Type == IrType.Int) return new List<Stmt> { new Assign(target, AssignOp.Set, e) };
            return null;
        }

        private void ReportIntFromReal(SyntaxNode where, IrType type) =>
            Report(Descriptors.IntLocal, where, where.ToString(), $"the {type.Keyword} result",
                "compare the values directly inside 'if' or '?:' where the outcome is used instead ('return x > 0 ? 1 : 0;' is fine, arithmetic on such a value is not)");

        /// <summary>Declares a fresh local holding <paramref name="value"/> (int/bool values read from float ones go through <see cref="AssignNonReal"/>).</summary>
        private bool Declare(string name, IrType type, Expr value, List<Stmt> output, SyntaxNode where)
        {
            if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
            if (value.Type != type && !value.Type.IsArray) value = new IR.Convert(value, type);
            if (type.IsReal || !IrQueries.ReadsReal(value))
            {
                output.Add(new DeclScalar(name, type, value));
                return true;
            }
            var assign = AssignNonReal(new VarRef(name, type), value);
            if (assign is null) { ReportIntFromReal(where, type); return false; }
            _reassigned.Add(name);
            output.Add(new DeclScalar(name, type, new Const(0, type)));
            output.AddRange(assign);
            return true;
        }

        // ------------------------------------------------------------------ tuples and delegate locals

        /// <summary>The elements of a tuple expression: a literal, a helper call returning a tuple, or a tuple local.</summary>
        private List<Expr>? LowerTuple(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (TupleArrayElement(e) is { } row) return row.Count == 0 ? null : row; // edges[k] of a (int, int)[] (Members.cs)
            if (StructArrayRow(e) is { } element) return element.Count == 0 ? null : element; // pts[i] of a local V2[] (StructArrays.cs)
            var typeInfo = _model.GetTypeInfo(e, _ct);
            if (StructFields(typeInfo.ConvertedType) is not null && !SymbolEqualityComparer.Default.Equals(typeInfo.Type, typeInfo.ConvertedType) && UserConversion(e) is { } toStruct)
                return InlineMethod(e, toStruct); // 'Prob p = logit;' through the struct's 'implicit operator Prob(double)' (StructValues.cs)
            if (StructFields(typeInfo.Type) is null && StructFields(typeInfo.ConvertedType) is not null && !SymbolEqualityComparer.Default.Equals(typeInfo.Type, typeInfo.ConvertedType))
                return LowerLibraryConversion(e, (INamedTypeSymbol)typeInfo.ConvertedType!); // 'Complex z = 2.0;' (LibraryStructs.cs)
            if (StructFields(typeInfo.Type) is { } fields)
            {
                var values = LowerStruct(e, fields, out bool handled); // new V2(a, b), a + b, default (StructValues.cs)
                if (handled) return values;
            }
            switch (e)
            {
                case ConditionalExpressionSyntax c when _model.GetTypeInfo(c, _ct).Type is INamedTypeSymbol { IsTupleType: true }:
                    {
                        // id < n ? (x[id, 0], x[id, 1]) : (a[id - n, 0], a[id - n, 1]): each element chosen; a branch whose
                        // elements need statements (a helper inlined) would run them both ways, so it is reported
                        var cond = LowerExpr(c.Condition);
                        int before = _pending.Count;
                        var whenTrue = LowerTuple(c.WhenTrue);
                        var whenFalse = LowerTuple(c.WhenFalse);
                        if (cond is null || whenTrue is null || whenFalse is null) return null;
                        if (_pending.Count != before || whenTrue.Count != whenFalse.Count)
                        {
                            Report(Descriptors.UnsupportedExpression, c, c.ToString(), "a conditional between tuples is supported when both are tuples of values ('c ? (a, b) : (d, e)'); compute a branch that calls a helper into locals with if/else");
                            return null;
                        }
                        return whenTrue.Select((t, i) => (Expr)new Conditional(cond, t, whenFalse[i].Type == t.Type ? whenFalse[i] : new IR.Convert(whenFalse[i], t.Type), t.Type)).ToList();
                    }
                case TupleExpressionSyntax t:
                    {
                        var r = new List<Expr>();
                        var types = _model.GetTypeInfo(t, _ct).ConvertedType as INamedTypeSymbol;
                        for (int i = 0; i < t.Arguments.Count; i++)
                        {
                            var x = LowerExpr(t.Arguments[i].Expression);
                            if (x is null) return null;
                            // (logProbs, probs) returned by a helper or deconstructed: the arrays by name
                            if (x is ArrayRef { Row: null } whole && whole.Type.Shape != Shape.Jagged) { r.Add(x); continue; }
                            if (x.Type.IsArray)
                            {
                                Report(Descriptors.UnsupportedExpression, t.Arguments[i], t.Arguments[i].ToString(), "tuple elements must be float, double, int or bool values, or whole T[] and T[,] arrays; pass rows of arrays as parameters instead");
                                return null;
                            }
                            if (types is { IsTupleType: true } && i < types.TupleElements.Length && MapType(types.TupleElements[i].Type) is { IsArray: false } et && et != x.Type && et.Elem != Scalar.Bool)
                                x = new IR.Convert(x, et);
                            r.Add(x);
                        }
                        return r;
                    }
                case InvocationExpressionSyntax inv when _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol m:
                    {
                        if (m.MethodKind == MethodKind.DelegateInvoke)
                        {
                            if (inv.Expression is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is { } local && _delegates.TryGetValue(local, out var d))
                                return d.Lambda is { } lambda ? Inline(inv, d.Method, d.Method, local.Name, lambda, lambda.Body, d.Method.Parameters) : InlineMethod(inv, d.Method);
                            LowerDelegateCall(inv, asStatement: false);
                            return null;
                        }
                        return InlineMethod(inv, m);
                    }
                case IdentifierNameSyntax id when _model.GetSymbolInfo(id, _ct).Symbol is { } s:
                    if (_tupleVars.TryGetValue(s, out var vars)) return vars.Select(v => (Expr)new VarRef(v.Name, v.Type)).ToList();
                    if (_structArgs.TryGetValue(s, out var inPlace)) return inPlace;
                    if (_rejected.Contains(s)) { Suppress(); return null; }
                    // a tuple parameter of the method (data): its elements, each an input read at entry ('target.X')
                    if (s is IParameterSymbol { Type: INamedTypeSymbol { IsTupleType: true } pt } tp && _configParams.Contains(tp))
                    {
                        var rc = new Receiver(tp.Name, tp.Name, pt, tp.Name);
                        var read = pt.TupleElements.Select(el => ReadConfigMember(rc, el, id)).ToList();
                        return read.Any(x => x is null) ? null : read.Select(x => x!).ToList();
                    }
                    break;
            }
            if (RejectedRoot(e)) { Suppress(); return null; } // pts[0] of a local reported at its declaration
            // q.Conjugate, or Conjugate inside the struct: a computed property whose value is a struct, its getter inlined (StructValues.cs)
            if (_model.GetSymbolInfo(e, _ct).Symbol is IPropertySymbol { IsStatic: false, GetMethod: not null } valueProp && StructFields(valueProp.Type) is not null
                && valueProp.ContainingType is { } owningType && StructFields(owningType) is not null && LibraryKind(owningType) is null
                && (e is IdentifierNameSyntax && _structThis is { } inside && SymbolEqualityComparer.Default.Equals(inside.Type, owningType)
                    || e is MemberAccessExpressionSyntax { Expression: not ThisExpressionSyntax } && IsStructValue(((MemberAccessExpressionSyntax)e).Expression)
                    || e is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } && _structThis is not null))
                return InlineStructProperty(e, e is MemberAccessExpressionSyntax { Expression: not ThisExpressionSyntax } pa ? pa.Expression : null, valueProp, owningType);
            // var (tau, decay, classes) = Config; of a positional record read as a config or layer object: its properties in order
            if (ReceiverOf(e) is { } record && record.Type.GetMembers("Deconstruct").OfType<IMethodSymbol>()
                    .FirstOrDefault(d => d.IsImplicitlyDeclared && d.Parameters.All(q => q.RefKind == RefKind.Out)) is { } deconstruct)
            {
                var parts = new List<Expr>();
                foreach (var q in deconstruct.Parameters)
                {
                    var property = record.Type.GetMembers(q.Name).FirstOrDefault(IsReadableMember);
                    if (property is null || ReadConfigMember(record, property, e) is not { } part) return null;
                    parts.Add(part);
                }
                return parts;
            }
            if (StructFields(_model.GetTypeInfo(e, _ct).Type) is not null)
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"a struct value must be created ('new {_model.GetTypeInfo(e, _ct).Type!.Name}(...)'), a local, a helper's or an operator's result, or a parameter of a helper; arrays of structs are not split: keep one array per field");
            else
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), "a tuple must be a literal '(a, b)', the result of a helper or a tuple local; write it as one of those, or use separate locals");
            return null;
        }

        /// <summary><c>t.Mean</c>, <c>t.Item1</c>, <c>F(x).Item2</c>.</summary>
        private Expr? LowerTupleElement(MemberAccessExpressionSyntax ma, IFieldSymbol element)
        {
            var field = element.CorrespondingTupleField ?? element;
            var elems = LowerTuple(ma.Expression);
            if (elems is null) return null;
            if (field.Name.StartsWith("Item", StringComparison.Ordinal) && int.TryParse(field.Name.Substring(4), out int n) && n >= 1 && n <= elems.Count)
                return elems[n - 1];
            Report(Descriptors.UnsupportedExpression, ma, ma.ToString(), "tuples of more than 7 elements are not supported; return fewer values, or write them into an array parameter");
            return null;
        }

        /// <summary>The elements of a tuple of float, double, int or bool values (at most 7), as the fields a helper's tuple parameter is split into.</summary>
        private static List<StructField>? TupleFields(ITypeSymbol t) =>
            t is INamedTypeSymbol { IsTupleType: true } tt && tt.TupleElements.Length is > 0 and <= 7
                && tt.TupleElements.All(e => MapType(e.Type) is { IsArray: false } m && (m.IsReal || m.Elem is Scalar.Int or Scalar.Bool))
                ? tt.TupleElements.Select(e => new StructField(e.Name, e.Type, e, e)).ToList() : null;

        private bool IsTupleLocal(ExpressionSyntax e) =>
            e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is { } s && _tupleVars.ContainsKey(s);

        /// <summary>A local of delegate type (a lambda or a method name, inlined where called) or of tuple type (one local per element).</summary>
        private bool TryDeclareDelegateOrTuple(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.Type.TypeKind == TypeKind.Delegate)
            {
                var init = v.Initializer?.Value;
                while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
                if (init is AnonymousFunctionExpressionSyntax af && _model.GetSymbolInfo(af, _ct).Symbol is IMethodSymbol lambda)
                {
                    _delegates[local] = (af, lambda);
                    return true;
                }
                if (init is IdentifierNameSyntax or MemberAccessExpressionSyntax && _model.GetSymbolInfo(init, _ct).Symbol is IMethodSymbol group)
                {
                    _delegates[local] = (null, group);
                    return true;
                }
                return false; // DIFF0002 with the advice for delegates
            }
            if (local.Type is INamedTypeSymbol { IsTupleType: true } tt)
            {
                var elems = tt.TupleElements;
                var types = elems.Select(e => MapType(e.Type)).ToList();
                if (types.Any(t => t is not { IsArray: false } || t.Value.Elem == Scalar.Void))
                {
                    Report(Descriptors.UnsupportedType, v, local.Type.ToDisplayString(), "'" + local.Name + "'", "tuple elements must be float, double, int or bool; use separate locals for arrays");
                    _rejected.Add(local);
                    return true;
                }
                if (v.Initializer is null)
                {
                    Report(Descriptors.UnsupportedExpression, v, local.Name, "initialise the tuple local where it is declared ('var t = F(...);')");
                    _rejected.Add(local);
                    return true;
                }
                var values = LowerTuple(v.Initializer.Value);
                if (values is null || values.Count != elems.Length) { _rejected.Add(local); if (values is not null) Suppress(); return true; }
                var vars = new List<Variable>();
                output.AddRange(_pending);
                _pending.Clear();
                for (int i = 0; i < elems.Length; i++)
                {
                    var name = FreshName(_prefix + local.Name + "_" + elems[i].Name);
                    if (!Declare(name, types[i]!.Value, values[i], output, v)) { _rejected.Add(local); return true; }
                    vars.Add(new Variable(name, types[i]!.Value, VarKind.Local));
                }
                _tupleVars[local] = vars;
                return true;
            }
            if (StructFields(local.Type) is { } fields)
            {
                // a struct local: one local per field (StructValues.cs); 'V2 p;' starts at zero, as C# requires every field set before a read
                var values = v.Initializer is null ? fields.Select(f => (Expr)new Const(0, MapType(f.Type)!.Value)).ToList() : LowerTuple(v.Initializer.Value);
                if (values is null || values.Count != fields.Count) { _rejected.Add(local); if (values is not null) Suppress(); return true; }
                var vars = new List<Variable>();
                output.AddRange(_pending);
                _pending.Clear();
                for (int i = 0; i < fields.Count; i++)
                {
                    var ft = MapType(fields[i].Type)!.Value;
                    var name = FreshName(_prefix + local.Name + "_" + fields[i].Name);
                    if (!Declare(name, ft, values[i], output, v)) { _rejected.Add(local); return true; }
                    vars.Add(new Variable(name, ft, VarKind.Local));
                }
                _tupleVars[local] = vars;
                return true;
            }
            return false;
        }

        /// <summary><c>var (m, v) = F(x);</c>, <c>(double m, double v) = ...;</c>, <c>(a, b) = ...;</c>, <c>t = F(x);</c> for a tuple local t.</summary>
        private void LowerDeconstruction(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            bool compound = !a.IsKind(SyntaxKind.SimpleAssignmentExpression);
            if (compound && !(IsTupleLocal(a.Left) && StructFields(_model.GetTypeInfo(a.Left, _ct).Type) is not null)) // p += q on a struct local: its operator
            {
                Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "assign tuples with '='");
                return;
            }
            // the targets: a new local (its symbol), an existing target (its syntax), or a discard (neither)
            var targets = new List<(ILocalSymbol? Local, ExpressionSyntax? Existing)>();
            bool ok = true;
            void Designation(VariableDesignationSyntax d)
            {
                switch (d)
                {
                    case SingleVariableDesignationSyntax sv when _model.GetDeclaredSymbol(sv, _ct) is ILocalSymbol l: targets.Add((l, null)); break;
                    case DiscardDesignationSyntax: targets.Add((null, null)); break;
                    case ParenthesizedVariableDesignationSyntax pd when ReferenceEquals(d.Parent, a.Left):
                        foreach (var x in pd.Variables) Designation(x);
                        break;
                    default:
                        Report(Descriptors.UnsupportedExpression, d, d.ToString(), "nested tuples are not supported; deconstruct one level: 'var (a, b) = F(x);'");
                        ok = false;
                        break;
                }
            }
            List<Variable>? tupleTarget = null;
            switch (a.Left)
            {
                case DeclarationExpressionSyntax de:
                    Designation(de.Designation);
                    break;
                case TupleExpressionSyntax te:
                    foreach (var arg in te.Arguments)
                    {
                        switch (arg.Expression)
                        {
                            case DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax or DiscardDesignationSyntax } d1: Designation(d1.Designation); break;
                            case IdentifierNameSyntax { Identifier.Text: "_" } id when _model.GetSymbolInfo(id, _ct).Symbol is IDiscardSymbol: targets.Add((null, null)); break;
                            case TupleExpressionSyntax or DeclarationExpressionSyntax:
                                Report(Descriptors.UnsupportedExpression, arg, arg.ToString(), "nested tuples are not supported; deconstruct one level: 'var (a, b) = F(x);'");
                                ok = false;
                                break;
                            default: targets.Add((null, arg.Expression)); break;
                        }
                    }
                    break;
                default:
                    tupleTarget = _tupleVars[_model.GetSymbolInfo(a.Left, _ct).Symbol!];
                    break;
            }
            if (!ok) return;
            var values = compound ? LowerStructCompound(a) : LowerTuple(a.Right);
            // var (x, y) = p; of a positional record struct: in the order of its parameters (StructValues.cs)
            if (values is not null && tupleTarget is null && StructFields(_model.GetTypeInfo(a.Right, _ct).Type) is { } rfields) values = DeconstructedStruct(a.Right, rfields, values);
            if (values is null) { foreach (var t in targets) if (t.Local is not null) _rejected.Add(t.Local); return; }
            int count = tupleTarget?.Count ?? targets.Count;
            if (values.Count != count) { Suppress(); return; }
            output.AddRange(_pending);
            _pending.Clear();
            if (tupleTarget is not null)
            {
                // every value first (t = (t.Item2, t.Item1) swaps), then the elements
                var temps = new List<Expr>();
                for (int i = 0; i < count; i++)
                {
                    var tn = FreshName("__tuple");
                    if (!Declare(tn, tupleTarget[i].Type, values[i], output, a.Right)) return;
                    temps.Add(new VarRef(tn, tupleTarget[i].Type));
                }
                for (int i = 0; i < count; i++)
                {
                    var tv = tupleTarget[i];
                    if (!tv.Type.IsReal) _reassigned.Add(tv.Name);
                    output.Add(new Assign(new VarRef(tv.Name, tv.Type), AssignOp.Set, temps[i]));
                }
                return;
            }
            var existing = targets.Count(t => t.Existing is not null);
            var pendingAssign = new List<(ExpressionSyntax Target, Expr Value)>();
            var arrayCopies = new List<(ILocalSymbol Sym, Variable Local, ArrayRef Source)>();
            for (int i = 0; i < count; i++)
            {
                var (local, target) = targets[i];
                if (local is not null)
                {
                    var lt = MapType(local.Type);
                    if (lt is { IsArray: true } && lt.Value.Shape != Shape.Jagged && values[i] is ArrayRef { Row: null } returned && returned.Type == lt.Value)
                    {
                        // var (probs, logZ) = Softmax(z): the array the helper filled, under the caller's name
                        _vars[local] = new Variable(returned.Array, lt.Value, IsParameterName(returned.Array) ? VarKind.Param : VarKind.Local);
                        continue;
                    }
                    if (lt is not { IsArray: false })
                    {
                        Report(Descriptors.UnsupportedType, a.Left, local.Type.ToDisplayString(), "'" + local.Name + "'", TypeAdvice(local.Type, local: true));
                        _rejected.Add(local);
                        continue;
                    }
                    var name = FreshName(_prefix + local.Name);
                    if (!Declare(name, lt.Value, values[i], output, a.Right)) { _rejected.Add(local); continue; }
                    _vars[local] = new Variable(name, lt.Value, VarKind.Local);
                }
                else if (target is not null)
                {
                    var value = values[i];
                    // (z, double logDet) = PlanarStep(z, ...): the helper's new array copied into the local's buffer (ArrayReassignment.cs)
                    if (value is ArrayRef { Row: null } newArray && CopyTarget(target, out var arraySym) is { } arrayVar && arraySym is not null)
                    {
                        if (newArray.Type != arrayVar.Type) { Report(Descriptors.LocalArray, target, arraySym.Name, $"it is given an array of type {newArray.Type}; give it a {arrayVar.Type}"); continue; }
                        arrayCopies.Add((arraySym, arrayVar, newArray)); // after every other value is taken (they may read the old array)
                        continue;
                    }
                    if (existing > 1)
                    {
                        // (a, b) = (b, a): every value is read before anything is assigned
                        var tn = FreshName("__tuple");
                        if (!Declare(tn, value.Type, value, output, a.Right)) return;
                        value = new VarRef(tn, value.Type);
                    }
                    pendingAssign.Add((target, value));
                }
            }
            foreach (var (target, value) in pendingAssign)
            {
                var t = LowerTarget(target);
                if (t is null) continue;
                var v = value.Type == t.Type ? value : new IR.Convert(value, t.Type);
                var s = AssignNonReal(t, v);
                if (s is null) { ReportIntFromReal(target, t.Type); continue; }
                output.AddRange(s);
            }
            foreach (var (sym, local, source) in arrayCopies) CopyArrayInto(sym, local, source, a, output);
        }
    }
}
