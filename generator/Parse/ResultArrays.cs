using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// A [Differentiable] method that returns an array it fills (issue 10, a layer written as <c>double[] Forward(double[] x)
    /// { var y = new double[n]; ...; return y; }</c>). The array form takes the returned local as an output parameter (a layer
    /// with an output array, as every later stage knows it), and the entry points allocate it, with the size the user wrote,
    /// call the array form and return it: <c>FForward(x)</c> returns the array, <c>FBackward(x, xGrad, resultGrad)</c> too,
    /// with <c>resultGrad</c> the upstream derivative of each returned element.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>The local the method returns (null when it returns a scalar or nothing).</summary>
        private ILocalSymbol? _resultArray;
        /// <summary>Its IR name: an output parameter of the array form.</summary>
        private string? _resultCore;
        /// <summary>The C# text of its sizes, over the method's parameters (printed by the entry points).</summary>
        private string? _resultSizes;
        private IrType _resultType;

        /// <summary>
        /// Checks the form: every return returns one local, declared at the top of the method body as <c>new T[n]</c> (or
        /// <c>new T[n, m]</c>) with sizes that read parameters only, and never assigned another array. Null when it holds
        /// (then <see cref="_resultArray"/> is set), else what to write.
        /// </summary>
        private string? ReturnedArray(MethodDeclarationSyntax syntax, IrType type)
        {
            const string form = "return a local array the method fills, declared at the top of the method with a size computed from the parameters ('var y = new double[x.Length]; ... return y;'), or make the method void and write an output array parameter";
            if (syntax.Body is not { } body) return "an expression body cannot return an array; " + form;
            var returns = body.DescendantNodes(n => n is not (LambdaExpressionSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .OfType<ReturnStatementSyntax>().ToList();
            ILocalSymbol? local = null;
            foreach (var r in returns)
            {
                var e = r.Expression;
                while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
                if (e is not IdentifierNameSyntax id || _model.GetSymbolInfo(id, _ct).Symbol is not ILocalSymbol l) return $"'return {r.Expression}' does not return a local array; " + form;
                if (local is not null && !SymbolEqualityComparer.Default.Equals(local, l)) return $"it returns both '{local.Name}' and '{l.Name}'; " + form;
                local = l;
            }
            if (local is null) return "it has no return statement; " + form;
            var declarator = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) as VariableDeclaratorSyntax;
            if (declarator?.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is not { Parent: BlockSyntax b } || b != body)
                return $"'{local.Name}' is not declared at the top level of the method body; " + form;
            var init = declarator.Initializer?.Value;
            if (init is not ArrayCreationExpressionSyntax { Initializer: null } ac || ac.Type.RankSpecifiers.Count != 1
                || ac.Type.RankSpecifiers[0].Sizes.Count != type.Rank)
                return $"'{local.Name}' is not created as 'new {type.ElemKeyword}[{(type.Rank == 2 ? "n, m" : "n")}]'; " + form;
            var sizes = new List<string>();
            foreach (var s in ac.Type.RankSpecifiers[0].Sizes)
            {
                var text = SizeText(s, body, b.Statements.IndexOf((StatementSyntax)declarator.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>()!), out var bad);
                if (text is null) return $"the size of '{local.Name}' reads '{bad}', which is not a parameter, a field of this type or an int local set once from them before it; " + form;
                sizes.Add(text);
            }
            foreach (var a in body.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                if (SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(a.Left, _ct).Symbol, local))
                    return $"'{local.Name}' is assigned another array; " + form;
            _resultArray = local;
            _resultType = type;
            _resultSizes = string.Join(", ", sizes);
            _surface = true; // the entry points allocate and return it
            return null;
        }

        /// <summary>
        /// The C# text of a size over what the entry points can read: parameters, fields and properties of this type, constants,
        /// lengths, and int locals declared before it at the top level and never changed (replaced by their initializer, in
        /// parentheses). Null when it reads anything else (<paramref name="bad"/>).
        /// </summary>
        private string? SizeText(ExpressionSyntax size, BlockSyntax body, int before, out string? bad)
        {
            bad = null;
            var replace = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var id in size.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                if (sym is IParameterSymbol { RefKind: RefKind.None } ps && SymbolEqualityComparer.Default.Equals(ps.ContainingSymbol, _method)
                    && (ps.Type is IArrayTypeSymbol || ps.Type.SpecialType is SpecialType.System_Int32))
                    continue;
                if (sym is IFieldSymbol { IsConst: true } or ILocalSymbol { IsConst: true } or IPropertySymbol { Name: "Length" } or IMethodSymbol { Name: "GetLength" })
                    continue;
                if (sym is IFieldSymbol or IPropertySymbol && IsReadableMember(sym) && OnOwnType(sym) && (sym.IsStatic || !_method.IsStatic))
                    continue;
                if (sym is ILocalSymbol { Type.SpecialType: SpecialType.System_Int32 } l
                    && l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is VariableDeclaratorSyntax { Initializer.Value: { } init } d
                    && d.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { Parent: BlockSyntax db } ds && db == body && body.Statements.IndexOf(ds) < before
                    && !body.DescendantNodes().Any(n => n is AssignmentExpressionSyntax a && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(a.Left, _ct).Symbol, l)
                        || n is PostfixUnaryExpressionSyntax pu && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(pu.Operand, _ct).Symbol, l)
                        || n is PrefixUnaryExpressionSyntax pr && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(pr.Operand, _ct).Symbol, l))
                    && SizeText(init, body, body.Statements.IndexOf(ds), out bad) is { } inner)
                {
                    replace[id] = SyntaxFactory.ParseExpression("(" + inner + ")");
                    continue;
                }
                bad ??= id.ToString();
                return null;
            }
            return (replace.Count == 0 ? size : size.ReplaceNodes(replace.Keys, (o, _) => replace[o])).ToString();
        }

        /// <summary>The returned local's declaration: bound to the array form's output parameter (allocated by the entry point).</summary>
        private bool TryDeclareResultArray(ILocalSymbol local)
        {
            if (_resultArray is null || !SymbolEqualityComparer.Default.Equals(local, _resultArray)) return false;
            _resultCore ??= FreshName("result");
            _vars[local] = new Variable(_resultCore, _resultType, VarKind.Param);
            return true;
        }

        /// <summary>'return y;' of the returned local: the array form is void.</summary>
        private bool IsResultReturn(ReturnStatementSyntax rs)
        {
            var e = rs.Expression;
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return _resultArray is not null && e is IdentifierNameSyntax id && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, _resultArray);
        }

        /// <summary>The later elements of a returned tuple (name in the tuple, type; their IR outputs once a return is lowered).</summary>
        private List<(string Name, IrType Type, string? Core)>? _tupleItems;

        /// <summary>
        /// <c>(double Loss, double Acc) F(...)</c>: a tuple of float/double values. The first element is the array form's result
        /// (its derivative seeded by <c>seed</c>); each later one an output <c>T[1]</c> like an <c>out double</c> result, whose
        /// upstream derivative Backward takes. Null (not this form) for other tuples.
        /// </summary>
        private IrType? TupleResult(INamedTypeSymbol tuple)
        {
            var types = tuple.TupleElements.Select(e => MapType(e.Type)).ToList();
            if (types.Count < 2 || types.Any(t => t is not { IsArray: false, IsReal: true })) return null;
            _tupleItems = tuple.TupleElements.Skip(1).Select((e, k) => (e.Name != "Item" + (k + 2) ? e.Name : "item" + (k + 2), types[k + 1]!.Value, (string?)null)).ToList();
            _surface = true; // the entry points return the tuple
            return types[0]!.Value;
        }

        /// <summary><c>return (a, b, c);</c> (or a tuple local, or a helper's tuple): b, c into their outputs; a, returned.</summary>
        private Expr? LowerTupleReturn(ExpressionSyntax e, List<Stmt> output)
        {
            var elems = LowerTuple(e);
            if (elems is null) return null;
            if (elems.Count != _tupleItems!.Count + 1) { Suppress(); return null; } // not C#
            for (int k = 0; k < _tupleItems.Count; k++)
            {
                var (name, type, core) = _tupleItems[k];
                if (core is null)
                {
                    core = FreshName(name);
                    _tupleItems[k] = (name, type, core);
                    _writtenParams[core] = e.GetLocation();
                }
                var x = elems[k + 1];
                if (x.Type != type) x = new IR.Convert(x, type);
                output.Add(new Assign(new ElemRef(core, new IrType(type.Elem, Shape.Vector), new Expr[] { new Const(0, IrType.Int) }.ToEquatable()), AssignOp.Set, x));
            }
            return elems[0].Type == _returnType ? elems[0] : new IR.Convert(elems[0], _returnType);
        }

        /// <summary>The tuple's later elements as outputs of the array form (after the user's parameters).</summary>
        private void AddTupleResults(List<ParamModel> ps, List<CoreArg> args)
        {
            if (_tupleItems is null) return;
            foreach (var (name, type, core) in _tupleItems)
            {
                if (core is null) continue; // no return lowered (reported elsewhere)
                ps.Add(new ParamModel(core, new IrType(type.Elem, Shape.Vector), IsWritten: true, IsWrt: false, null));
                args.Add(new CoreArg(core, ArgKind.TupleItem, name));
            }
        }

        /// <summary>The array form's output parameter and how the entry points make it (after the user's parameters).</summary>
        private void AddResultArray(List<ParamModel> ps, List<CoreArg> args)
        {
            if (_resultCore is null) return;
            ps.Add(new ParamModel(_resultCore, _resultType, IsWritten: true, IsWrt: false, null));
            args.Add(new CoreArg(_resultCore, ArgKind.ResultArray, _resultSizes!, _resultType.Rank));
        }
    }
}
