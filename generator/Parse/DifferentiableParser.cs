using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// The only stage that sees Roslyn symbols and syntax: lowers one [Differentiable] method into the loop
    /// IR, and reports every construct outside the supported subset as a diagnostic on the exact expression.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        public const string AttributeName = "DiffGen.DifferentiableAttribute";
        /// <summary>The parameter attribute that keeps a float/double parameter out of differentiation.</summary>
        public const string ConstantAttributeName = "DiffGen.ConstantAttribute";

        /// <summary>The model of the syntax being lowered: the method's, or an inlined helper's while its body is lowered.</summary>
        private SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly CancellationToken _ct;
        private readonly List<DiagnosticInfo> _diags = new();
        private readonly Dictionary<ISymbol, Variable> _vars = new(SymbolEqualityComparer.Default);
        private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Location> _writtenParams = new(StringComparer.Ordinal);
        private int _loopDepth;
        private int _branchDepth;
        /// <summary>IR names of locals declared at the top level of the method (outside every loop and if).</summary>
        private readonly HashSet<string> _topLevelLocals = new(StringComparer.Ordinal);
        /// <summary>IR names of int and bool locals assigned after their declaration (restored by the reverse sweep).</summary>
        private readonly HashSet<string> _reassigned = new(StringComparer.Ordinal);
        /// <summary>Declarations of local arrays written inside a loop or if, moved before the top-level statement that holds them.</summary>
        private readonly List<Stmt> _hoistedArrays = new();
        /// <summary>The method's top-level statements lowered so far (a jagged local's row length is set in it later: JaggedRows.cs).</summary>
        private List<Stmt> _body = new();
        /// <summary>The ints each moved array's size reads, with where it was declared (checked once every reassignment is known).</summary>
        private readonly List<(string Array, HashSet<string> SizeVars, Location Where)> _hoistedSizes = new();
        /// <summary>
        /// Locals whose declaration was rejected (its diagnostic already reported): their reads and writes are not
        /// reported again, so one root problem gives one diagnostic.
        /// </summary>
        private readonly HashSet<ISymbol> _rejected = new(SymbolEqualityComparer.Default);
        /// <summary>
        /// Set when something was dropped without a diagnostic of its own (a follow-on of a reported problem, or a C#
        /// compile error the compiler reports): the method then gets no model, so nothing is generated from a partial body.
        /// </summary>
        private bool _suppressed;
        /// <summary>Arguments passed to [Constant] parameters of other [Differentiable] methods (checked once the body is known).</summary>
        private readonly List<(Expr Arg, Location Where, string Callee, string Param)> _constantArgs = new();

        /// <summary>The loops being lowered, innermost on top (their break flags).</summary>
        private readonly Stack<LoopFrame> _loops = new();
        /// <summary>Set by a return inside a loop or an if: the flag that leaves every loop, and the local holding the value.</summary>
        private string? _doneFlag;
        private string? _returnVar;
        private Location? _firstEarlyReturn;
        private IrType _returnType = IrType.Void;

        private enum VarKind { Param, Local, LoopCounter }

        private sealed class Variable
        {
            public Variable(string name, IrType type, VarKind kind, Expr? row = null, Location? aliasSite = null) { Name = name; Type = type; Kind = kind; Row = row; AliasSite = aliasSite; }
            public string Name { get; }
            public IrType Type { get; }
            public VarKind Kind { get; }
            /// <summary>An inlined helper's T[] parameter bound to a row <c>z[i]</c> of a jagged array: the row.</summary>
            public Expr? Row { get; }
            /// <summary>An inlined helper's array parameter: the caller's argument (where writes through it are reported).</summary>
            public Location? AliasSite { get; }
        }

        /// <summary>The argument checks printed at the top of the entry points: leading guard clauses, and the default arms of
        /// switch expressions that throw (<see cref="GuardClauses.SwitchDefault"/>).</summary>
        private readonly List<string> _guards = new();

        /// <summary>The methods whose parse asked for this one (a callee checked for errors), to stop at mutual recursion.</summary>
        private readonly ImmutableHashSet<IMethodSymbol> _callers;

        private DifferentiableParser(SemanticModel model, IMethodSymbol method, CancellationToken ct, ImmutableHashSet<IMethodSymbol>? callers = null)
        {
            _model = model;
            _method = method;
            _ct = ct;
            _callers = callers ?? ImmutableHashSet.Create<IMethodSymbol>(SymbolEqualityComparer.Default);
        }

        /// <summary>
        /// Does a [Differentiable] callee fail to parse (an error of its own, reported where it is)? Then a call of it
        /// is not reported again, and the caller generates nothing (its code would call an adjoint that does not exist).
        /// </summary>
        private bool CalleeFails(IMethodSymbol callee)
        {
            callee = callee.OriginalDefinition;
            if (_callers.Contains(callee)) return false; // mutual recursion: the first parse on the cycle decides
            var syntax = callee.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_ct)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (syntax is null) return false; // from metadata: it was generated when its assembly was built
            var model = syntax.SyntaxTree == _model.SyntaxTree ? _model : _model.Compilation.GetSemanticModel(syntax.SyntaxTree);
            var child = new DifferentiableParser(model, callee, _ct, _callers.Add(_method.OriginalDefinition));
            var attributes = callee.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == AttributeName).ToImmutableArray();
            child.ParseMethod(syntax, attributes);
            return child._suppressed || child._diags.Any(Fails);
        }

        /// <summary>Transform step of the incremental pipeline.</summary>
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
        {
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var method = (IMethodSymbol)context.TargetSymbol;
            var parser = new DifferentiableParser(context.SemanticModel, method, ct);
            var model = parser.ParseMethod(syntax, context.Attributes);
            bool failed = parser._suppressed || parser._diags.Any(Fails);
            return new ParseResult(failed ? null : model, parser._diags.ToEquatable());
        }

        private void Report(DiagnosticDescriptor d, SyntaxNode? node, params string[] args) => Report(d, node?.GetLocation(), args);

        /// <summary>Adds a diagnostic once (a helper inlined at two calls is lowered twice, its problem is one problem).</summary>
        private void Report(DiagnosticDescriptor d, Location? location, params string[] args)
        {
            _reports++;
            var info = DiagnosticInfo.Create(d, UserLocation(location), args);
            if (!_diags.Contains(info)) _diags.Add(info);
        }

        /// <summary>A warning or information (DIFF0014, DIFF0018, DIFF0019, DIFF0021, DIFF0022) leaves the model; anything else is an error.</summary>
        private static bool Fails(DiagnosticInfo d) => d.Id != Descriptors.AlwaysZero.Id && d.Id != Descriptors.RecursionUnrolled.Id && d.Id != Descriptors.NothingDifferentiated.Id
            && d.Id != Descriptors.FieldsAsConstants.Id && d.Id != Descriptors.OutputReadFirst.Id;

        /// <summary>Adds an information diagnostic once; not a problem, so it fails nothing (<see cref="_reports"/> stays).</summary>
        private void Note(DiagnosticDescriptor d, Location? location, params string[] args)
        {
            var info = DiagnosticInfo.Create(d, UserLocation(location), args);
            if (!_diags.Contains(info)) _diags.Add(info);
        }

        /// <summary>A follow-on of a problem already reported (or a C# compile error): no diagnostic, but no model either.</summary>
        private Expr? Suppress()
        {
            _suppressed = true;
            return null;
        }

        private static bool IsConstant(IParameterSymbol p) =>
            p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ConstantAttributeName);

        private SyntaxNode? ConstantAttributeSyntax(IParameterSymbol p) =>
            p.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ConstantAttributeName)?.ApplicationSyntaxReference?.GetSyntax(_ct)
            ?? p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);

        private MethodModel? ParseMethod(MethodDeclarationSyntax syntax, ImmutableArray<AttributeData> attributes)
        {
            // ---- shape of the declaration ----
            // An instance method reads the object's fields (Members.cs): its array form is static, the entry points are not.
            if (!_method.IsStatic) _isInstance = _surface = true;
            if (_method.IsGenericMethod)
                Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, "generic methods are not supported; write it for float or double (one method per element type)");
            // a subclass's override would run in the method, this body in the generated ones (MForward called on the subclass's
            // object would not give "the same value"): refused unless nothing can override it
            if ((_method.IsVirtual || _method.IsAbstract || _method.IsOverride && !_method.IsSealed) && !_method.ContainingType.IsSealed)
                Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, $"it is {(_method.IsAbstract ? "abstract" : "virtual")} and '{_method.ContainingType.Name}' is not sealed, "
                    + "so a subclass may override it, and the generated methods would still differentiate this body on the subclass's object; "
                    + $"make it non-virtual (or a sealed override), or declare '{_method.ContainingType.Name}' sealed");

            var types = new List<TypeDeclInfo>();
            for (var t = _method.ContainingType; t is not null; t = t.ContainingType)
            {
                var decl = t.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_ct)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (decl is null || !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, $"its containing type '{t.Name}' must be declared 'partial' so the generated methods can be added to it: write 'partial' on it (and on every type around it)");
                    continue;
                }
                string keyword = decl switch
                {
                    RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                // a generic type ('partial class Model<TTag>'): the generated part repeats its type parameters (constraints belong to
                // the declaring part); a method whose values are of a type parameter is refused where that type is read (DIFF0002)
                var typeName = t.TypeParameters.IsEmpty ? t.Name : t.Name + "<" + string.Join(", ", t.TypeParameters.Select(tp => tp.Name)) + ">";
                types.Insert(0, new TypeDeclInfo(keyword, typeName, t.IsStatic));
            }

            foreach (var name in new[] { _method.Name + "Forward", _method.Name + "Backward", "__" + _method.Name + "Adjoint", _method.Name + "ArraysForward", _method.Name + "ArraysBackward" })
                if (!_method.ContainingType.GetMembers(name).IsEmpty)
                    Report(Descriptors.NameCollision, syntax.Identifier.GetLocation(), _method.ContainingType.Name, name);

            IrType ret = IrType.Void;
            if (!_method.ReturnsVoid)
            {
                var r = MapType(_method.ReturnType);
                if (r is { IsArray: false, IsReal: true }) _returnType = ret = r.Value;
                else if (_method.ReturnType is INamedTypeSymbol { IsTupleType: true } tt && TupleResult(tt) is { } first) _returnType = ret = first;
                else if (r is { IsReal: true, Shape: Shape.Vector or Shape.Matrix } && ReturnedArray(syntax, r.Value) is { } why)
                    Report(Descriptors.UnsupportedType, syntax.ReturnType, _method.ReturnType.ToDisplayString(), "the return value", why);
                else if (_resultArray is null) Report(Descriptors.UnsupportedType, syntax.ReturnType, _method.ReturnType.ToDisplayString(), "the return value",
                    _method.ReturnType is INamedTypeSymbol { IsTupleType: true } or ITypeParameterSymbol ? TypeAdvice(_method.ReturnType)
                        : "return a float or double (a loss), a T[] or T[,] local array the method fills, or return void and write the results into output array parameters");
            }

            // ---- parameters ----
            foreach (var p in _method.Parameters)
            {
                var pt = MapType(p.Type);
                var psyntax = p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
                if (TryParseSurfaceParameter(p, psyntax)) continue; // in, spans, T[,,], config structs (Members.cs)
                if (p.RefKind != RefKind.None)
                    Report(Descriptors.UnsupportedType, psyntax, p.RefKind.ToString().ToLowerInvariant() + " " + p.Type.ToDisplayString(), "'" + p.Name + "'",
                        p.RefKind == RefKind.Out && p.Type is IArrayTypeSymbol
                            ? "an array result cannot be an out parameter: take a caller-allocated array parameter the method fills instead (write 'double[] y', an output; see docs/api.md); 'out double' and 'out float' scalar results are supported"
                            : "pass it by value (or with 'in'); return a float/double result, or write results into an output array parameter (a double[] or Span<double> the method fills); a second scalar result can be an 'out double'");
                else if (pt is null || pt.Value.Elem == Scalar.Bool && pt.Value.IsArray)
                    Report(Descriptors.UnsupportedType, psyntax, p.Type.ToDisplayString(), "'" + p.Name + "'", TypeAdvice(p.Type));
                else
                {
                    _vars[p] = new Variable(p.Name, pt.Value, VarKind.Param);
                    _usedNames.Add(p.Name);
                }
            }
            if (_diags.Count > 0) return null;

            // ---- body (after the leading argument checks, kept as text) ----
            var body = _body = new List<Stmt>();
            var guards = _guards;
            _pending = body; // statements of helpers inlined in a top-level return go before it
            var shadowed = ShadowAssignedParameters(syntax, body);
            if (((SyntaxNode?)syntax.Body ?? syntax.ExpressionBody) is { } bodySyntax)
            {
                FindReboundVectors(bodySyntax); // double[] a = x; ... a = next; of a layer stack (ReboundArrays.cs)
                FindSwapGroups(bodySyntax); // double buffering (Buffers.cs)
            }
            if (syntax.ExpressionBody is { } arrow)
            {
                var e = LowerExpr(arrow.Expression);
                if (e is not null)
                {
                    if (ret.Elem == Scalar.Void) body.Add(new Return(null));
                    else body.Add(new Return(e));
                }
                body.InsertRange(0, _hoistedArrays);
                _hoistedArrays.Clear();
            }
            else if (syntax.Body is { } block)
            {
                // Local functions are declarations, not steps: they may stand anywhere, after the final return too (inlined at calls).
                var stmts = block.Statements.Where(st => st is not LocalFunctionStatementSyntax).ToList();
                stmts = FlattenPoolCleanups(stmts); // try { ...; return v; } finally { pool.Return(buf); }: its body (PooledArrays.cs)
                int first = 0;
                while (first < stmts.Count && GuardClauses.TryRead(stmts[first], _model, _ct) is { } guard)
                {
                    guards.Add(guard);
                    first++;
                }
                var lateGuards = LateGuards(stmts, first, guards);
                for (int i = first; i < stmts.Count; i++)
                {
                    _ct.ThrowIfCancellationRequested();
                    if (lateGuards.Contains(i)) continue;
                    if (stmts[i] is ReturnStatementSyntax rs)
                    {
                        if (i != stmts.Count - 1)
                            Report(Descriptors.ReturnNotLast, rs, "statements after it are unreachable; remove them (a return inside a loop or an if is supported)");
                        else
                        {
                            int mark = body.Count;
                            LowerReturn(rs, body);
                            body.InsertRange(mark, _hoistedArrays);
                            _hoistedArrays.Clear();
                        }
                    }
                    else
                    {
                        int mark = body.Count;
                        if (TryLowerTempRowSwap(stmts[i], body)) i += 2; // var t = m[k]; m[k] = m[p]; m[p] = t; (JaggedRows.cs)
                        else LowerStatement(stmts[i], body);
                        // Local arrays declared inside this statement's loops or ifs: one buffer, allocated before it.
                        body.InsertRange(mark, _hoistedArrays);
                        _hoistedArrays.Clear();
                    }
                }
                ApplyDeferredColumns(body); // row lengths of helpers' jagged results (JaggedRows.cs)
                ApplyReboundCapacities(body); // buffers of layer-stack locals (ReboundArrays.cs)
                if (_doneFlag is not null) body = LowerEarlyReturns(body, ret);
                foreach (var (array, sizeVars, where) in _hoistedSizes)
                    foreach (var v in sizeVars.Where(_reassigned.Contains))
                        Report(Descriptors.LocalArray, where, array, $"its size reads '{v}', which is reassigned; give it a size that does not change (allocate it once before the loop with the largest size needed)");
                CheckSizeAssumptions();
                CheckChosenCopies(body); // var src = useA ? a : b; (Library.cs)
                // a method may end with a throw when it returns from inside a loop or an if ('... return x; } throw new ...("no convergence");')
                // or with a statement every path of which returns or throws: 'switch (reduction) { case Sum: return s; ... default: throw ...; }'
                bool endsWithThrow = stmts.Count > 0 && _returnVar is not null && (stmts[stmts.Count - 1] is ThrowStatementSyntax
                    || stmts[stmts.Count - 1] is IfStatementSyntax or SwitchStatementSyntax && _model.AnalyzeControlFlow(stmts[stmts.Count - 1]) is { Succeeded: true, EndPointIsReachable: false });
                // a refused try (reported) holds the method's return: saying that the method does not end with one would repeat that cause
                if (ret.Elem != Scalar.Void && !endsWithThrow && !_refusedTry && (stmts.Count == 0 || stmts[stmts.Count - 1] is not ReturnStatementSyntax))
                    Report(Descriptors.ReturnNotLast, syntax.Identifier.GetLocation(), "the method must end with 'return <expression>;': compute the value in a local and return it as the last statement");
            }

            foreach (var (p, param) in shadowed) _vars[p] = param;
            if (_reassigned.Count > 0) body = SnapshotLoopBounds(body);

            // ---- which parameters are differentiated ----
            // [Constant] float/double parameters are not (like int labels); on int/bool parameters it changes nothing.
            var constants = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in _method.Parameters)
            {
                if (!IsConstant(p) || !(_vars.TryGetValue(p, out var v) && v.Type.IsReal)) continue;
                if (_writtenParams.ContainsKey(p.Name))
                    Report(Descriptors.BadConstant, ConstantAttributeSyntax(p), p.Name,
                        $"is marked [Constant] but the method writes it, which makes it an output (Backward takes its upstream gradient '{p.Name}Grad'); remove [Constant], or copy it into a local array ('var t = new double[n];') if it is an input the method only changes for its own use");
                else constants.Add(p.Name);
            }
            var wrtNames = new HashSet<string>(StringComparer.Ordinal);
            var memberWrt = new List<string>();
            var attr = attributes.FirstOrDefault();
            if (attr is not null && attr.ConstructorArguments.Length == 1)
            {
                var arg = attr.ConstructorArguments[0];
                var attrSyntax = attr.ApplicationSyntaxReference?.GetSyntax(_ct);
                var names = arg.Kind == TypedConstantKind.Array ? arg.Values.Select(v => v.Value as string) : new[] { arg.Value as string };
                foreach (var n in names)
                {
                    var p = _method.Parameters.FirstOrDefault(q => q.Name == n);
                    if (p is null && n is not null && TryMemberWrt(n, attrSyntax, memberWrt)) continue; // a field or property (Members.cs)
                    if (p is not null && _configParams.Contains(p) && p.Type is INamedTypeSymbol { IsTupleType: false } && ObjectWrt(n!, p.Type, attrSyntax, memberWrt)) continue; // a layer object passed in: its members
                    if (p is not null && _objectArrayMethodParams.Contains(p) && ObjectArrayWrt(n!, ObjectElementType(p.Type)!, attrSyntax, memberWrt)) continue; // layers passed in (ObjectArrays.cs)
                    if (p is null) Report(Descriptors.BadWithRespectTo, attrSyntax, n ?? "null", $"is not a parameter or a field of '{_method.Name}'; name a float/double parameter (or field of this type) with nameof(...), or remove the name");
                    else if (_nullableParams.Contains(p)) Report(Descriptors.BadWithRespectTo, attrSyntax, n!, "is a nullable number, an option read as data (it is never differentiated); pass a plain double to differentiate it, or remove the name");
                    else if (_listRows.Contains(p)) Report(Descriptors.BadWithRespectTo, attrSyntax, n!, "is a List of arrays, which is read as data (its rows are never differentiated); pass a double[][] to differentiate it, or remove the name");
                    else if (_dataTuples.ContainsKey(p.Name)) Report(Descriptors.BadWithRespectTo, attrSyntax, n!, "is an array of tuples or structs, which is read as data (its elements are never differentiated); pass the values to differentiate as a separate double[] ('double[] w' next to '(int, int)[] edges') and name that one, or remove the name");
                    else if (!(_vars.TryGetValue(p, out var v) && v.Type.IsReal)) Report(Descriptors.BadWithRespectTo, attrSyntax, n!, "is not a float or double parameter (int and bool parameters are never differentiated); remove it from the list");
                    else if (_writtenParams.TryGetValue(n!, out var loc)) Report(Descriptors.WriteToInput, loc, n!, "it is differentiated (named in [Differentiable]) and the method writes it; copy it into a local array first, or remove it from the list to make it an output");
                    else if (IsConstant(p)) Report(Descriptors.BadConstant, ConstantAttributeSyntax(p), n!, "is marked [Constant] and also named in [Differentiable(...)]; remove [Constant] to differentiate it, or remove it from the list (prefer [Constant] alone: without a list every other float/double parameter is differentiated)");
                    else wrtNames.Add(n!);
                }
            }
            else
            {
                foreach (var p in _method.Parameters)
                    if (_vars.TryGetValue(p, out var v) && v.Type.IsReal && !_writtenParams.ContainsKey(p.Name) && !constants.Contains(p.Name) && !_listRows.Contains(p)) wrtNames.Add(p.Name);
            }

            SurfaceModel? surface = null;
            EquatableArray<ParamModel> parameters;
            if (_surface) CheckMemberWrites(body); // a field passed to a callee that writes it (Members.cs)
            if (_surface && (_diags.Any(Fails) || _suppressed)) return null;
            if (_surface) (parameters, surface) = BuildSurface(wrtNames, constants, memberWrt);
            else parameters = _method.Parameters.Select(p => new ParamModel(
                p.Name, _vars[p].Type, _writtenParams.ContainsKey(p.Name), wrtNames.Contains(p.Name),
                p.HasExplicitDefaultValue ? DefaultText(p) : null, constants.Contains(p.Name), IsParams: p.IsParams)).ToEquatable();

            // A derivative passed into a callee's [Constant] parameter would be dropped silently: refuse it.
            if (_constantArgs.Count > 0)
            {
                var varied = ConstantArguments.Varied(body, _method.Parameters.Where(p => _vars.TryGetValue(p, out var pv) && pv.Type.IsReal && !constants.Contains(p.Name)).Select(p => p.Name).Concat(memberWrt));
                foreach (var (argExpr, where, callee, param) in _constantArgs)
                    if (ConstantArguments.ReadsVaried(argExpr, varied) is { } source)
                        Report(Descriptors.BadConstant, where, param,
                            $"is a [Constant] parameter of '{callee}', but this argument depends on '{source}', which carries a derivative here, so that part of the gradient would be lost; remove [Constant] from '{param}' in '{callee}', or pass a value that depends on constants only (mark the parameters it comes from [Constant] if their gradient is not wanted)");
            }

            if (_diags.Any(Fails) || _suppressed) return null;

            var model = new MethodModel(
                _method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                types.ToEquatable(),
                _method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                surface is null ? _method.Name : _method.Name + "Arrays",
                SyntaxFacts.GetText(_method.DeclaredAccessibility),
                ret,
                parameters,
                DeadCode.Remove(body).ToEquatable(),
                surface?.Cref ?? _method.Name + "(" + string.Join(", ", _method.Parameters.Select(p => _vars[p].Type.Keyword)) + ")",
                // with a surface the user's guards read the user's parameters and fields: the entry points print them
                surface is null ? guards.ToEquatable() : default,
                surface is null ? null : surface with { Guards = guards.ToEquatable() },
                DeviceGuards: surface is null ? GuardClauses.ShapeOnly(guards, parameters.Where(x => x.Type.IsArray).Select(x => x.Name)).ToEquatable() : default);
            // outputs whose entry values the body reads: their gradient buffers become in and out
            var madeByEntryPoints = surface is null ? new HashSet<string>(StringComparer.Ordinal)
                : new HashSet<string>(surface.Args.Where(x => x.Kind is ArgKind.ResultArray or ArgKind.OutScalar or ArgKind.TupleItem).Select(x => x.Core), StringComparer.Ordinal);
            model = model with { Params = InitialReads.Mark(model.Params, model.Body, madeByEntryPoints) };
            if (attr is not null && attr.NamedArguments.Any(a => a.Key == "Jacobian" && a.Value.Value is true))
            {
                if (JacobianRefusal(model) is { } why)
                {
                    Report(Descriptors.JacobianUnavailable, attr.ApplicationSyntaxReference?.GetSyntax(_ct), _method.Name, why);
                    return null;
                }
                model = model with { Jacobian = true };
            }
            // an in-and-out gradient buffer is overwritten by Backward: a training loop that reuses it as the upstream loses it
            // (the method's own parameters only: a state field written in place has no gradient buffer the caller passes)
            foreach (var io in model.Params.Where(p => p.ReadsInitial))
                if (_method.Parameters.FirstOrDefault(p => p.Name == io.Name) is { } symbol)
                    Note(Descriptors.OutputReadFirst, symbol.Locations.FirstOrDefault(), _method.Name, io.Name, io.Name + "Grad");

            // [Differentiable] on a method whose inputs are all data (struct, record or tuple parameters, ints, [Constant]s): its
            // Backward would compute nothing, silently; say so once, naming what was taken as data
            // (an array the method changes in place carries gradients with respect to its entry values: not this case)
            if (!model.Params.Any(x => x.IsWrt || x.IsWritten && x.Type.IsReal) && ret.IsReal)
            {
                var data = _method.Parameters.Where(q => _configParams.Contains(q) || constants.Contains(q.Name)).Select(q => $"'{q.Name}'").ToList();
                Report(Descriptors.NothingDifferentiated, _method.Locations.FirstOrDefault(), _method.Name, data.Count > 0
                    ? $"{string.Join(", ", data)} {(data.Count == 1 ? "is" : "are")} read as data (struct, record and tuple parameters and [Constant] ones are never differentiated), and no other parameter or field is a float or double value"
                    : "it has no float or double parameter, and no field is named in the attribute");
            }
            foreach (var (param, reason) in Differentiate.Activity.AlwaysZero(model))
            {
                var where = _method.Parameters.FirstOrDefault(q => q.Name == param)?.Locations.FirstOrDefault() ?? MemberLocation(param);
                Report(Descriptors.AlwaysZero, where, param, reason);
            }
            return model;
        }

        /// <summary>Why <c>Jacobian = true</c> cannot be honoured for <paramref name="m"/>, or null: the Jacobian method takes each
        /// differentiated T[] input's rows as a T[][] and each scalar's as a T[], one row per element of the T[] outputs.</summary>
        private string? JacobianRefusal(MethodModel m)
        {
            string backward = _method.Name + "Backward";
            if (m.Surface is not null)
                return $"it has an entry surface (an instance method, fields, spans, lists or arrays of rank 3 or more), and Jacobian methods are generated for static methods whose parameters are arrays and scalars; write it as a static method with T[] parameters, or call {backward} once per output element with a unit upstream gradient";
            if (m.Return.Elem != Scalar.Void)
                return $"it returns a value, and the Jacobian of one value is its gradient, which {backward} gives; remove Jacobian = true and call {backward}, or write the method as a void one with T[] outputs";
            var outputs = m.Params.Where(p => p.IsWritten && p.Type.IsReal).ToList();
            if (outputs.Count == 0) return "it has no output (a float or double T[] parameter the method writes)";
            if (outputs.FirstOrDefault(p => p.Type.Shape != Shape.Vector) is { } o)
                return $"its output '{o.Name}' is a {o.Type.Keyword}, and Jacobian rows are generated for T[] outputs; write the output as a T[] (row-major)";
            if (outputs.FirstOrDefault(p => p.ReadsInitial) is { } io)
                return $"its output '{io.Name}' is read before it is written (in and out), so its entry values are inputs too; copy the entry values into a separate input array";
            var wrt = m.Params.Where(p => p.IsWrt && !p.IsWritten).ToList();
            if (wrt.Count == 0) return "no input is differentiated";
            if (wrt.FirstOrDefault(p => p.Type.Shape is not (Shape.Scalar or Shape.Vector)) is { } w)
                return $"its input '{w.Name}' is a {w.Type.Keyword}, and Jacobian columns are generated for T[] and scalar inputs; pass it as a T[] (row-major), or leave it out of [Differentiable(...)]";
            return null;
        }

        /// <summary>
        /// Checks that follow local declarations only (<c>int outLen = ...; if (output.Length &lt; outLen) throw ...;</c>): guard
        /// clauses too, run first with the locals they read replaced by their initializers (<see cref="GuardClauses.PureInitializer"/>).
        /// Scanning stops at the first statement that is neither a declaration without side effects on other locals nor such a
        /// check. Returns the indices of the checks taken (their text is added to <paramref name="guards"/>).
        /// </summary>
        private HashSet<int> LateGuards(List<StatementSyntax> stmts, int first, List<string> guards)
        {
            var taken = new HashSet<int>();
            var locals = new Dictionary<ILocalSymbol, ExpressionSyntax>(SymbolEqualityComparer.Default);
            for (int i = first; i < stmts.Count; i++)
            {
                if (stmts[i] is LocalDeclarationStatementSyntax decl && !decl.UsingKeyword.IsKind(SyntaxKind.UsingKeyword))
                {
                    // a declaration that changes another local (int a = b++;, F(ref b)) ends the scan
                    if (decl.DescendantNodes().Any(n => n is AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax
                        or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
                        or ArgumentSyntax { RefKindKeyword.RawKind: not 0 } or DeclarationExpressionSyntax))
                        break;
                    foreach (var v in decl.Declaration.Variables)
                        if (v.Initializer?.Value is { } init && _model.GetDeclaredSymbol(v, _ct) is ILocalSymbol l && !l.IsRef
                            && GuardClauses.PureInitializer(init, _model, _ct, locals))
                            locals[l] = init;
                    continue;
                }
                if (stmts[i] is not IfStatementSyntax || GuardClauses.TryRead(stmts[i], _model, _ct, locals) is not { } guard) break;
                guards.Add(guard);
                taken.Add(i);
            }
            return taken;
        }

        /// <summary>
        /// The method's body once a return inside a loop or an if was lowered: <c>__ret</c> and <c>__done</c> declared first,
        /// the final <c>return e</c> stored in <c>__ret</c>, what follows a statement that may return guarded by
        /// <c>if (!__done)</c>, and <c>return __ret</c> last. Local arrays stay at the top level (allocated before the
        /// first statement that may return).
        /// </summary>
        private List<Stmt> LowerEarlyReturns(List<Stmt> body, IrType ret)
        {
            // a size that cannot be negative whatever the inputs: lengths, int parameters (a negative one fails in C# too), their
            // sums and products, and top-level ints set once from those
            bool NonNegativeSize(Expr e, List<Stmt> stmts) => e switch
            {
                Const c => c.Value >= 0,
                LengthOf => true,
                VarRef r when IsParameterName(r.Name) => true,
                VarRef r => stmts.OfType<DeclScalar>().Where(d => d.Name == r.Name).ToList() is { Count: 1 } decls && decls[0].Init is { } init
                    && !_reassigned.Contains(r.Name) && NonNegativeSize(init, stmts),
                Binary { Op: BinaryOp.Add or BinaryOp.Mul } b => NonNegativeSize(b.Left, stmts) && NonNegativeSize(b.Right, stmts),
                _ => false,
            };
            // what a statement reads: scalars, and arrays (elements or lengths)
            static IEnumerable<string> NamesRead(Stmt st) => IrQueries.ExprsOf(st).SelectMany(IrQueries.Descendants).SelectMany(x => x switch
            {
                VarRef r => new[] { r.Name },
                LengthOf l => new[] { l.Array },
                ElemRef el => new[] { el.Array },
                ArrayRef ar => new[] { ar.Array },
                _ => Array.Empty<string>(),
            });
            // The statements (indices into body, in order) that make the int 'name' declared in body[first..end), when they can
            // all run before body[first]: its declaration, whose value reads no element and calls nothing, and the top-level
            // loops that set it, which write nothing else and read lengths, not elements ('int c = 0; for (k < a.Length)
            // if (a[k].Length > c) c = a[k].Length;', the longest row that Select/Concat and per-row scratch make: a row's
            // length cannot throw, as the rows of jagged parameters are checked for null on entry). What they read is known
            // there (or is such an int, hoisted with them), and nothing else in body[first..] writes it.
            List<int>? Hoistable(List<Stmt> body, int first, int end, string name, HashSet<string> declaredAfter, Dictionary<string, List<int>?> seen)
            {
                // an int two others read is worked out once; one that reads itself through others is refused
                if (seen.TryGetValue(name, out var known)) return known;
                seen[name] = null;
                var result = HoistableOnce(body, first, end, name, declaredAfter, seen);
                seen[name] = result;
                return result;
            }
            List<int>? HoistableOnce(List<Stmt> body, int first, int end, string name, HashSet<string> declaredAfter, Dictionary<string, List<int>?> seen)
            {
                int j = body.FindIndex(first, end - first, x => x is DeclScalar d && d.Name == name);
                if (j < 0 || body[j] is not DeclScalar { Init: { } init } decl || decl.Type != IrType.Int) return null;
                if (IrQueries.Descendants(init).Any(x => x is Invoke or ElemRef or Pop)) return null;
                var mine = new List<int> { j };
                for (int w = first; w < body.Count; w++)
                {
                    if (w == j) continue;
                    var wr = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(new[] { body[w] }, wr);
                    if (!wr.Contains(name)) continue;
                    // a setter: a loop after the declaration and before the array, writing only 'name', reading no element
                    if (w < j || w >= end || body[w] is not For f || wr.Count != 1) return null;
                    if (IrQueries.ExprsOf(f).SelectMany(IrQueries.Descendants).Any(x => x is Invoke or ElemRef or Pop or ArrayRef)) return null;
                    if (IrQueries.AllStmts(f.Body).Any(x => x is not (If or Assign { Target: VarRef }))) return null;
                    mine.Add(w);
                }
                var order = new List<int>();
                var loopVars = new HashSet<string>(mine.Select(x => body[x]).OfType<For>().SelectMany(f => new[] { f.Var }.Concat(IrQueries.AllStmts(f.Body).OfType<For>().Select(g => g.Var))), StringComparer.Ordinal);
                var reads = mine.SelectMany(x => NamesRead(body[x])).Where(r => r != name && !loopVars.Contains(r)).Distinct(StringComparer.Ordinal).ToList();
                foreach (var r in reads.Where(declaredAfter.Contains))
                {
                    if (Hoistable(body, first, end, r, declaredAfter, seen) is not { } dep) return null;
                    order.AddRange(dep.Where(x => !order.Contains(x)));
                }
                var written = new HashSet<string>(StringComparer.Ordinal);
                for (int w = first; w < body.Count; w++)
                    if (!mine.Contains(w) && !order.Contains(w)) IrQueries.Writes(new[] { body[w] }, written);
                if (reads.Any(written.Contains)) return null;
                order.AddRange(mine.Where(x => !order.Contains(x)).OrderBy(x => x));
                return order;
            }

            var done = _doneFlag!;
            if (body.Count > 0 && body[body.Count - 1] is Return last)
            {
                body.RemoveAt(body.Count - 1);
                if (last.Value is { } v && _returnVar is not null)
                    body.Add(new Assign(new VarRef(_returnVar, ret), AssignOp.Set, v.Type == ret ? v : new IR.Convert(v, ret)));
            }
            int first = body.FindIndex(x => EarlyExits.MayBreak(x, method: true) || EarlyExits.Sets(x, done));
            if (first >= 0)
            {
                var declaredAfter = new HashSet<string>(StringComparer.Ordinal);
                for (int k = first; k < body.Count; k++)
                {
                    if (body[k] is DeclArray a)
                    {
                        // 'if (n < 2) return 0; int m = 2 * n; ... new double[m]': an int the size reads, declared between the return
                        // and the array from values known before the return, moves up with it
                        while (a.Sizes.SelectMany(IrQueries.Descendants).FirstOrDefault(x => x is VarRef r && declaredAfter.Contains(r.Name)) is VarRef late)
                        {
                            if (Hoistable(body, first, k, late.Name, declaredAfter, new Dictionary<string, List<int>?>(StringComparer.Ordinal)) is not { } moving)
                            {
                                Report(Descriptors.LocalArray, _firstEarlyReturn, a.Name, $"it is allocated after a 'return' inside a loop or if, with a size read from '{late.Name}'; declare it (and its size) before the statement that may return");
                                break;
                            }
                            // the statements keep their order, before body[first]; k moves with what came from before it
                            var moved = moving.Select(x => body[x]).ToList();
                            foreach (var x in moving.OrderByDescending(x => x)) body.RemoveAt(x);
                            body.InsertRange(first, moved);
                            first += moved.Count;
                            foreach (var st in moved)
                                if (st is DeclScalar ds) declaredAfter.Remove(ds.Name);
                        }
                        // allocated before a return C# may take first: a size C# would never compute there (2 * n - 2 with n = 0
                        // after 'if (n < 2) return 0;') must not throw, so it is at least 0
                        body.RemoveAt(k);
                        body.Insert(first++, a with { Sizes = a.Sizes.Select(z => NonNegativeSize(z, body) ? z : new Intrinsic(Fn.Max, new[] { new Const(0, IrType.Int), z }.ToEquatable(), IrType.Int)).ToEquatable() });
                    }
                    else
                    {
                        var d = new Dictionary<string, IrType>(StringComparer.Ordinal);
                        IrQueries.Declarations(new[] { body[k] }, d);
                        declaredAfter.UnionWith(d.Keys);
                    }
                }
            }
            var lowered = EarlyExits.Normalize(body, null, done);
            lowered.Insert(0, new DeclScalar(done, IrType.Bool, new Const(0, IrType.Bool)));
            if (_returnVar is not null)
            {
                lowered.Insert(0, new DeclScalar(_returnVar, ret, new Const(0, ret)));
                lowered.Add(new Return(new VarRef(_returnVar, ret)));
            }
            return lowered;
        }

        /// <summary>What to write instead of an unsupported parameter or local type (DIFF0002).</summary>
        private static string TypeAdvice(ITypeSymbol type, bool local = false)
        {
            const string Supported = "the supported types are float, double, int and bool scalars, float/double T[], T[,] and T[][], and int[] and int[,] (parameters also int[][], ReadOnlySpan<T>/Span<T>, T[,,], float/double T[][,] and T[][][] per-layer weights, and struct/record config types)";
            switch (type)
            {
                case ITypeParameterSymbol or IArrayTypeSymbol { ElementType: ITypeParameterSymbol } or IArrayTypeSymbol { ElementType: IArrayTypeSymbol { ElementType: ITypeParameterSymbol } }:
                    return "it is a type parameter, and DiffGen writes the derivative for float or double values: write the method (or the class) for double or float (a generic class is fine when the method's values are float or double; a generic helper it calls is instantiated for the caller's type)";
                case IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Boolean }:
                    return "use an int[] holding 0 and 1 instead of a bool[]";
                case IArrayTypeSymbol { ElementType: IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int32 } }:
                    return "use an int[,] instead of a jagged int[][]";
                case IArrayTypeSymbol { ElementType: INamedTypeSymbol { IsTupleType: true } }:
                    return "arrays of tuples of 2 to 4 int, float or double elements are supported ((int, int)[], (int A, int B, double W)[]; the float/double elements are data, never differentiated); pass other tuple elements as separate arrays (an int[] or a double[] per element)";
                case var _ when ObjectCollectionAdvice(type) is { } objects: return objects;
                case IArrayTypeSymbol { ElementType: INamedTypeSymbol { TypeKind: TypeKind.Struct, IsTupleType: false, SpecialType: SpecialType.None } se }:
                    return $"arrays of structs are split into one array per field when the struct has only float, double and int fields (parameters: at least one float/double, read as data); keep one array per field yourself ('var xs = new double[n]; var ys = new double[n];') for a {se.Name} with other fields, and make {se.Name} values from them where they are used";
                case IArrayTypeSymbol { Rank: > 2 }:
                    return "use a T[,] and fold the extra dimensions into an index (a[i, j * m + k]); T[,,] is supported for parameters and for locals created with their sizes ('new double[a, b, c]')";
                case IArrayTypeSymbol:
                    return "use float or double elements (int for labels and indices); " + Supported;
                case INamedTypeSymbol { TypeKind: TypeKind.Delegate }:
                    return "initialise the local with a lambda or a method name where it is declared ('Func<double, double> f = v => v * v;'), or call a helper method directly";
                case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n when local:
                    return $"double?, float? and int? locals are supported; for a {n.TypeArguments[0].ToDisplayString()}? keep a bool beside a plain {n.TypeArguments[0].ToDisplayString()} ('bool found = false;'), set both where the code assigns a value, and test the bool where it tests for null";
                case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n:
                    return $"double?, float? and int? parameters are supported (options, never differentiated); pass a plain {n.TypeArguments[0].ToDisplayString()} and resolve the missing value where you call the method ('F(x, flag ?? false)'), or give the parameter a default value";
                case INamedTypeSymbol { IsGenericType: true } sv when sv.OriginalDefinition.ToDisplayString() is "System.Span<T>" or "System.ReadOnlySpan<T>":
                    return "a span local is a view of part of an array, made where it is declared ('var row = x.AsSpan(start, n)', 's.Slice(a, n)', 's[a..b]', 'stackalloc double[n]'); initialise it that way, or index the array with the offset (x[start + i] for i < n)";
                case INamedTypeSymbol { IsGenericType: true } vt when vt.OriginalDefinition.ToDisplayString() is "System.Numerics.Vector<T>" or "System.Runtime.Intrinsics.Vector128<T>" or "System.Runtime.Intrinsics.Vector256<T>" or "System.Runtime.Intrinsics.Vector512<T>":
                    return "write the plain scalar loop over the arrays (for (int i = 0; i < a.Length; i++) s += a[i] * b[i];): DiffGen vectorizes the forward and backward loops itself (Vector<T>, docs/benchmarks.md)";
                case INamedTypeSymbol { IsGenericType: true } gl when local && gl.TypeArguments.Length == 1 && gl.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32:
                    return $"use a {gl.TypeArguments[0].ToDisplayString()}[] local sized for the most elements it can hold ('var kept = new {gl.TypeArguments[0].ToDisplayString()}[x.Length]; int count = 0;'), write kept[count++] = v where it adds, and loop to count";
                case INamedTypeSymbol { IsGenericType: true } g when g.TypeArguments.Length == 1 && g.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32:
                    return $"pass a {g.TypeArguments[0].ToDisplayString()}[] instead (call .ToArray() where you call the method)";
                case INamedTypeSymbol { IsTupleType: true }:
                    return "a returned tuple's elements must all be float or double ('(double Loss, double Penalty)'); compute int or bool values outside the method, or write them into an int[] output parameter";
                case INamedTypeSymbol { TypeKind: TypeKind.Interface } or INamedTypeSymbol { IsAbstract: true, TypeKind: TypeKind.Class }:
                    return "a call through an interface or an abstract class is chosen at run time, and DiffGen differentiates code it can see at build time; pass an int or enum mode and switch on it ('mode switch { 0 => Relu(v), _ => Math.Tanh(v) }'), with each implementation's code in a static helper";
            }
            return type.SpecialType switch
            {
                SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte or SpecialType.System_SByte
                    or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64
                    or SpecialType.System_IntPtr or SpecialType.System_UIntPtr => "use int for counts and indices",
                SpecialType.System_Decimal => "use double",
                SpecialType.System_String or SpecialType.System_Char => "text has no derivative; keep it out of the method (pass an int code or a flag instead)",
                _ when local && StructRejection(type) is { } why => "struct locals are split into their fields, but not this one: " + why,
                _ when type.TypeKind is TypeKind.Struct or TypeKind.Class => "read its members from a parameter of that type ('cfg.Tau') or pass its float/double values as separate parameters or arrays; " + Supported,
                _ => Supported,
            };
        }

        /// <summary>
        /// What to write instead of an array or list of layer objects (<c>DenseLayer[] Layers</c>, <c>List&lt;Module&gt;</c>): their
        /// weights as stacks, one row or matrix per layer. Null for other types.
        /// </summary>
        private static string? ObjectCollectionAdvice(ITypeSymbol type)
        {
            var element = type is IArrayTypeSymbol a ? a.ElementType
                : type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } g && g.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.List<T>" or "System.Collections.Generic.IList<T>" or "System.Collections.Generic.IReadOnlyList<T>" ? g.TypeArguments[0] : null;
            if (element is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface or TypeKind.Struct, IsTupleType: false, SpecialType: SpecialType.None } e
                || e.TypeKind == TypeKind.Struct && !e.GetMembers().OfType<IFieldSymbol>().Any(f => !f.IsStatic && f.Type is IArrayTypeSymbol)) return null;
            return $"arrays and lists of layer objects ('Dense[] Layers', 'List<ILayer> Layers', 'IReadOnlyList<Dense>') are followed as fields or properties of the method's type or of a layer object it holds, through their elements ('Layers[l].W', 'foreach (var layer in Layers)', 'layer.Forward(h)', 'Layers.Count'), and here they are not; read the elements through such a member, or hold the layers' weights as stacks instead, one row or matrix per layer (lengths may differ): 'double[][] W' or 'List<double[]> W', 'double[][,] W' or 'List<double[,]> W', named in [Differentiable(nameof(W), nameof(B))]";
        }

        private static string DefaultText(IParameterSymbol p)
        {
            // an enum's default is its underlying number, which converts to the enum only when it is 0: cast it ('Reduction reduction = Reduction.Mean')
            var t = p.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nt ? nt.TypeArguments[0] : p.Type;
            if (t.TypeKind == TypeKind.Enum && p.ExplicitDefaultValue is IFormattable number)
            {
                var enumText = t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                var member = t.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, p.ExplicitDefaultValue));
                return member is not null ? enumText + "." + member.Name : "(" + enumText + ")(" + number.ToString(null, System.Globalization.CultureInfo.InvariantCulture) + ")";
            }
            return ValueText(p);
        }

        private static string ValueText(IParameterSymbol p) => p.ExplicitDefaultValue switch
        {
            null => "default",
            double d => ExprPrinter.CSharp.Literal(d, Scalar.Double),
            float f => ExprPrinter.CSharp.Literal(f, Scalar.Float),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            var o => o.ToString(),
        };

        private static IrType? MapType(ITypeSymbol type)
        {
            static Scalar? Elem(ITypeSymbol t) => t.SpecialType switch
            {
                SpecialType.System_Single => Scalar.Float,
                SpecialType.System_Double => Scalar.Double,
                SpecialType.System_Int32 => Scalar.Int,
                SpecialType.System_Boolean => Scalar.Bool,
                _ => null,
            };
            if (type is IArrayTypeSymbol at)
            {
                if (at.ElementType is IArrayTypeSymbol inner)
                {
                    if (at.Rank == 1 && inner.Rank == 1 && Elem(inner.ElementType) is { } ie && ie != Scalar.Bool) return new IrType(ie, Shape.Jagged);
                    return null;
                }
                if (Elem(at.ElementType) is not { } e) return null;
                if (at.Rank == 1) return new IrType(e, Shape.Vector);
                if (at.Rank == 2) return new IrType(e, Shape.Matrix);
                return null;
            }
            // an enum (with int values) is the int it holds: its members are int constants, == and switch compare ints
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType.SpecialType: SpecialType.System_Int32 }) return IrType.Int;
            return Elem(type) is { } s ? new IrType(s, Shape.Scalar) : null;
        }

        /// <summary>An enum type: values passed into generated code are cast to int where they enter (parameters, fields).</summary>
        private static bool IsEnum(ITypeSymbol t) => t.TypeKind == TypeKind.Enum;

        /// <summary>int[] or int[,] for an array of an enum whose values are ints (the same memory), else null.</summary>
        private static IrType? EnumArray(ITypeSymbol t) =>
            t is IArrayTypeSymbol { Rank: 1 or 2 } at && at.ElementType is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType.SpecialType: SpecialType.System_Int32 }
                ? new IrType(Scalar.Int, at.Rank == 1 ? Shape.Vector : Shape.Matrix) : null;

        private string FreshName(string name)
        {
            if (_usedNames.Add(name)) return name;
            for (int i = 2; ; i++)
                if (_usedNames.Add(name + "_" + i)) return name + "_" + i;
        }

        /// <summary>
        /// Scalar parameters the body assigns (<c>x = Math.Max(x, 0);</c>, <c>(a, b) = (b, a + b);</c>, <c>n--;</c>): the body works on
        /// a local copy made at entry (<c>x_copy</c>), as C# itself does with a by-value parameter; the parameter keeps its
        /// value for the gradient's bookkeeping. Returns the parameters to restore in <see cref="_vars"/> after the body.
        /// </summary>
        private List<(IParameterSymbol Param, Variable Original)> ShadowAssignedParameters(MethodDeclarationSyntax syntax, List<Stmt> body)
        {
            var result = new List<(IParameterSymbol, Variable)>();
            SyntaxNode? root = (SyntaxNode?)syntax.Body ?? syntax.ExpressionBody;
            if (root is null) return result;
            var targets = new List<ExpressionSyntax>();
            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case AssignmentExpressionSyntax a when a.Left is TupleExpressionSyntax t:
                        targets.AddRange(t.Arguments.Select(x => x.Expression));
                        break;
                    case AssignmentExpressionSyntax a:
                        targets.Add(a.Left);
                        break;
                    case PostfixUnaryExpressionSyntax pu when pu.IsKind(SyntaxKind.PostIncrementExpression) || pu.IsKind(SyntaxKind.PostDecrementExpression):
                        targets.Add(pu.Operand);
                        break;
                    case PrefixUnaryExpressionSyntax pr when pr.IsKind(SyntaxKind.PreIncrementExpression) || pr.IsKind(SyntaxKind.PreDecrementExpression):
                        targets.Add(pr.Operand);
                        break;
                }
            }
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var t in targets)
            {
                if (t is not IdentifierNameSyntax id || _model.GetSymbolInfo(id, _ct).Symbol is not IParameterSymbol p) continue;
                if (!SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, _method) || !seen.Add(p)) continue;
                if (!_vars.TryGetValue(p, out var v) || v.Kind != VarKind.Param || v.Type.IsArray) continue;
                var copy = new Variable(FreshName(p.Name + "_copy"), v.Type, VarKind.Local);
                body.Add(new DeclScalar(copy.Name, v.Type, new VarRef(v.Name, v.Type)));
                _topLevelLocals.Add(copy.Name);
                _vars[p] = copy;
                result.Add((p, v));
            }
            return result;
        }

        /// <summary>
        /// A counted loop whose start or bound reads an int that is reassigned somewhere (<c>for (i &lt; n) ...; n--;</c>) gets
        /// that value in a local of its own, declared before the loop and never written again: the reverse sweep runs the
        /// loop backwards over the same range (an int changed after the loop would give it another one).
        /// </summary>
        private List<Stmt> SnapshotLoopBounds(IEnumerable<Stmt> stmts)
        {
            bool Reads(Expr e) => IrQueries.Descendants(e).Any(x => x is VarRef v && _reassigned.Contains(v.Name));
            var result = new List<Stmt>();
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case For f:
                        {
                            var loop = f with { Body = SnapshotLoopBounds(f.Body).ToEquatable() };
                            if (Reads(loop.Start))
                            {
                                var name = FreshName("__start_" + f.Var);
                                result.Add(new DeclScalar(name, IrType.Int, loop.Start));
                                loop = loop with { Start = new VarRef(name, IrType.Int) };
                            }
                            if (Reads(loop.Bound))
                            {
                                var name = FreshName("__bound_" + f.Var);
                                result.Add(new DeclScalar(name, IrType.Int, loop.Bound));
                                loop = loop with { Bound = new VarRef(name, IrType.Int) };
                            }
                            result.Add(loop);
                            break;
                        }
                    case If i:
                        result.Add(i with { Then = SnapshotLoopBounds(i.Then).ToEquatable(), Else = SnapshotLoopBounds(i.Else).ToEquatable() });
                        break;
                    case Block b:
                        result.Add(b with { Body = SnapshotLoopBounds(b.Body).ToEquatable() });
                        break;
                    default:
                        result.Add(s);
                        break;
                }
            }
            return result;
        }
    }
}
