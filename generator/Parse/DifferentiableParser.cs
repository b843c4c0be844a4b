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

        private readonly SemanticModel _model;
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
        /// <summary>The ints each moved array's size reads, with where it was declared (checked once every reassignment is known).</summary>
        private readonly List<(string Array, HashSet<string> SizeVars, Location Where)> _hoistedSizes = new();

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
            public Variable(string name, IrType type, VarKind kind) { Name = name; Type = type; Kind = kind; }
            public string Name { get; }
            public IrType Type { get; }
            public VarKind Kind { get; }
        }

        private DifferentiableParser(SemanticModel model, IMethodSymbol method, CancellationToken ct)
        {
            _model = model;
            _method = method;
            _ct = ct;
        }

        /// <summary>Transform step of the incremental pipeline.</summary>
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
        {
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var method = (IMethodSymbol)context.TargetSymbol;
            var parser = new DifferentiableParser(context.SemanticModel, method, ct);
            var model = parser.ParseMethod(syntax, context.Attributes);
            return new ParseResult(parser._diags.Any(d => d.Id != Descriptors.AlwaysZero.Id) ? null : model, parser._diags.ToEquatable());
        }

        private void Report(DiagnosticDescriptor d, SyntaxNode? node, params string[] args) =>
            _diags.Add(DiagnosticInfo.Create(d, node?.GetLocation(), args));

        private void Report(DiagnosticDescriptor d, Location? location, params string[] args) =>
            _diags.Add(DiagnosticInfo.Create(d, location, args));

        private MethodModel? ParseMethod(MethodDeclarationSyntax syntax, ImmutableArray<AttributeData> attributes)
        {
            // ---- shape of the declaration ----
            if (!_method.IsStatic)
                Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, "it is an instance method; make it static (pass what it needs as parameters)");
            if (_method.IsGenericMethod)
                Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, "generic methods are not supported; write it for float or double");

            var types = new List<TypeDeclInfo>();
            for (var t = _method.ContainingType; t is not null; t = t.ContainingType)
            {
                var decl = t.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_ct)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (decl is null || !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, $"its containing type '{t.Name}' must be declared 'partial' so the generated methods can be added to it");
                    continue;
                }
                if (t.IsGenericType)
                    Report(Descriptors.NotStaticPartial, syntax.Identifier.GetLocation(), _method.Name, $"its containing type '{t.Name}' is generic, which is not supported");
                string keyword = decl switch
                {
                    RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                types.Insert(0, new TypeDeclInfo(keyword, t.Name, t.IsStatic));
            }

            foreach (var name in new[] { _method.Name + "Forward", _method.Name + "Backward", "__" + _method.Name + "Adjoint" })
                if (!_method.ContainingType.GetMembers(name).IsEmpty)
                    Report(Descriptors.NameCollision, syntax.Identifier.GetLocation(), _method.ContainingType.Name, name);

            IrType ret = IrType.Void;
            if (!_method.ReturnsVoid)
            {
                var r = MapType(_method.ReturnType);
                if (r is { IsArray: false, IsReal: true }) _returnType = ret = r.Value;
                else Report(Descriptors.UnsupportedType, syntax.ReturnType, _method.ReturnType.ToDisplayString(), "the return value (return float or double, or void and write output arrays)");
            }

            // ---- parameters ----
            foreach (var p in _method.Parameters)
            {
                var pt = MapType(p.Type);
                var psyntax = p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct);
                if (p.RefKind != RefKind.None)
                    Report(Descriptors.UnsupportedType, psyntax, p.RefKind.ToString().ToLowerInvariant() + " " + p.Type.ToDisplayString(), p.Name);
                else if (pt is null || pt.Value.Elem == Scalar.Bool && pt.Value.IsArray)
                    Report(Descriptors.UnsupportedType, psyntax, p.Type.ToDisplayString(), p.Name);
                else
                {
                    _vars[p] = new Variable(p.Name, pt.Value, VarKind.Param);
                    _usedNames.Add(p.Name);
                }
            }
            if (_diags.Count > 0) return null;

            // ---- body (after the leading argument checks, kept as text) ----
            var body = new List<Stmt>();
            var guards = new List<string>();
            if (syntax.ExpressionBody is { } arrow)
            {
                var e = LowerExpr(arrow.Expression);
                if (e is not null)
                {
                    if (ret.Elem == Scalar.Void) body.Add(new Return(null));
                    else body.Add(new Return(e));
                }
            }
            else if (syntax.Body is { } block)
            {
                var stmts = block.Statements;
                int first = 0;
                while (first < stmts.Count && GuardClauses.TryRead(stmts[first], _model, _ct) is { } guard)
                {
                    guards.Add(guard);
                    first++;
                }
                for (int i = first; i < stmts.Count; i++)
                {
                    _ct.ThrowIfCancellationRequested();
                    if (stmts[i] is ReturnStatementSyntax rs)
                    {
                        if (i != stmts.Count - 1)
                            Report(Descriptors.ReturnNotLast, rs, "statements after it are unreachable; remove them (a return inside a loop or an if is supported)");
                        else LowerReturn(rs, body);
                    }
                    else
                    {
                        int mark = body.Count;
                        LowerStatement(stmts[i], body);
                        // Local arrays declared inside this statement's loops or ifs: one buffer, allocated before it.
                        body.InsertRange(mark, _hoistedArrays);
                        _hoistedArrays.Clear();
                    }
                }
                if (_doneFlag is not null) body = LowerEarlyReturns(body, ret);
                foreach (var (array, sizeVars, where) in _hoistedSizes)
                    foreach (var v in sizeVars.Where(_reassigned.Contains))
                        Report(Descriptors.LocalArray, where, array, $"its size reads '{v}', which is reassigned; give it a size that does not change (allocate it once before the loop with the largest size needed)");
                if (ret.Elem != Scalar.Void && (stmts.Count == 0 || stmts[stmts.Count - 1] is not ReturnStatementSyntax))
                    Report(Descriptors.ReturnNotLast, syntax.Identifier.GetLocation(), "the method must end with 'return <expression>;'");
            }

            // ---- which parameters are differentiated ----
            var wrtNames = new HashSet<string>(StringComparer.Ordinal);
            var attr = attributes.FirstOrDefault();
            if (attr is not null && attr.ConstructorArguments.Length == 1)
            {
                var arg = attr.ConstructorArguments[0];
                var attrSyntax = attr.ApplicationSyntaxReference?.GetSyntax(_ct);
                var names = arg.Kind == TypedConstantKind.Array ? arg.Values.Select(v => v.Value as string) : new[] { arg.Value as string };
                foreach (var n in names)
                {
                    var p = _method.Parameters.FirstOrDefault(q => q.Name == n);
                    if (p is null) Report(Descriptors.BadWithRespectTo, attrSyntax, n ?? "null", $"is not a parameter of '{_method.Name}'");
                    else if (!(_vars.TryGetValue(p, out var v) && v.Type.IsReal)) Report(Descriptors.BadWithRespectTo, attrSyntax, n!, "is not a float or double parameter (int and bool parameters are never differentiated)");
                    else if (_writtenParams.TryGetValue(n!, out var loc)) Report(Descriptors.WriteToInput, loc, n!, "it is differentiated (named in [Differentiable]) and the method writes it; copy it into a local array first, or remove it from the list to make it an output");
                    else wrtNames.Add(n!);
                }
            }
            else
            {
                foreach (var p in _method.Parameters)
                    if (_vars.TryGetValue(p, out var v) && v.Type.IsReal && !_writtenParams.ContainsKey(p.Name)) wrtNames.Add(p.Name);
            }

            var parameters = _method.Parameters.Select(p => new ParamModel(
                p.Name, _vars[p].Type, _writtenParams.ContainsKey(p.Name), wrtNames.Contains(p.Name),
                p.HasExplicitDefaultValue ? DefaultText(p) : null)).ToEquatable();

            if (_diags.Count > 0) return null;

            var model = new MethodModel(
                _method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                types.ToEquatable(),
                _method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                _method.Name,
                SyntaxFacts.GetText(_method.DeclaredAccessibility),
                ret,
                parameters,
                body.ToEquatable(),
                _method.Name + "(" + string.Join(", ", _method.Parameters.Select(p => _vars[p].Type.Keyword)) + ")",
                guards.ToEquatable());

            foreach (var (param, reason) in Differentiate.Activity.AlwaysZero(model))
            {
                var p = _method.Parameters.First(q => q.Name == param);
                Report(Descriptors.AlwaysZero, p.Locations.FirstOrDefault(), param, reason);
            }
            return model;
        }

        /// <summary>
        /// The method's body once a return inside a loop or an if was lowered: <c>__ret</c> and <c>__done</c> declared first,
        /// the final <c>return e</c> stored in <c>__ret</c>, what follows a statement that may return guarded by
        /// <c>if (!__done)</c>, and <c>return __ret</c> last. Local arrays stay at the top level (allocated before the
        /// first statement that may return).
        /// </summary>
        private List<Stmt> LowerEarlyReturns(List<Stmt> body, IrType ret)
        {
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
                        if (a.Sizes.SelectMany(IrQueries.Descendants).FirstOrDefault(x => x is VarRef r && declaredAfter.Contains(r.Name)) is VarRef late)
                            Report(Descriptors.LocalArray, _firstEarlyReturn, a.Name, $"it is allocated after a 'return' inside a loop or if, with a size read from '{late.Name}'; declare it (and its size) before the statement that may return");
                        body.RemoveAt(k);
                        body.Insert(first++, a);
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

        private static string DefaultText(IParameterSymbol p) => p.ExplicitDefaultValue switch
        {
            null => "default",
            double d => Emit.CSharpWriter.Literal(d, Scalar.Double),
            float f => Emit.CSharpWriter.Literal(f, Scalar.Float),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
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
                    if (at.Rank == 1 && inner.Rank == 1 && Elem(inner.ElementType) is { } ie && ie != Scalar.Int) return new IrType(ie, Shape.Jagged);
                    return null;
                }
                if (Elem(at.ElementType) is not { } e) return null;
                if (at.Rank == 1) return new IrType(e, Shape.Vector);
                if (at.Rank == 2) return new IrType(e, Shape.Matrix);
                return null;
            }
            return Elem(type) is { } s ? new IrType(s, Shape.Scalar) : null;
        }

        private string FreshName(string name)
        {
            if (_usedNames.Add(name)) return name;
            for (int i = 2; ; i++)
                if (_usedNames.Add(name + "_" + i)) return name + "_" + i;
        }
    }
}
