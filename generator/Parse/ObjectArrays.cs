using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Arrays and lists of layer objects (issue 10: <c>public Dense[] Layers;</c>, <c>List&lt;Block&gt; Blocks</c>, looped with
    /// <c>foreach (var layer in Layers) h = layer.Forward(h);</c>). Each member the method reads from an element is one input of
    /// the array form holding that member of every element, in order: a float/double/int member a <c>T[]</c>
    /// (<c>Layers_Alpha[l]</c>), an array member the rows of a <c>T[][]</c> (<c>Layers_B[l]</c>), a matrix member a stack of
    /// matrices (<c>Layers_W</c>, shapes may differ per layer, as for a <c>double[][,]</c> field). The entry points gather them once
    /// (<c>SurfaceArrays.Gather(this.Layers, static __e => __e.W, "Layers")</c>: the same arrays, no copy), so an element's members
    /// are read like a layer held in a field of its own, and its methods are inlined with the element as their object.
    /// Named in the attribute (<c>nameof(Layers)</c>, or <c>"Layers.W"</c>), a member's gradient is a buffer of the same layout:
    /// <c>double[][,] Layers_WGrad</c>, <c>double[][] Layers_BGrad</c>. An interface, abstract or unsealed element type: a virtual
    /// call on an element is a switch per element over the classes of the compilation, each element's class read at entry
    /// (DispatchedCalls.cs); a class's own members are read through <c>(__e as C)?.M</c>, an empty array or a default for the
    /// elements of other classes.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>An array or list of layer objects: how the entry points read it, its display name, the prefix of its inputs.</summary>
        private sealed record ObjectArray(string Key, string Source, string Display, string Prefix, INamedTypeSymbol Element);

        /// <summary>One element of an <see cref="ObjectArray"/>, <paramref name="Index"/> the int that picks it.</summary>
        private sealed record ArrayElement(ObjectArray Array, Expr Index);

        /// <summary><c>foreach (var layer in Layers)</c> and <c>var layer = Layers[l];</c>: the element the local names.</summary>
        private readonly Dictionary<ILocalSymbol, Receiver> _elementLocals = new(SymbolEqualityComparer.Default);

        /// <summary>Stacks of an element's matrix member (<c>Layers.W</c>), by IR name: their dimensions' and per-layer shapes' names.</summary>
        private readonly Dictionary<string, (List<string> Dims, List<string> Shapes)> _elementStacks = new(System.StringComparer.Ordinal);

        /// <summary>The entry points' declarations of the gathered members (<see cref="SurfaceModel.Gathered"/>), in the order first read.</summary>
        private readonly List<string> _gathered = new();

        /// <summary>The element type of <c>T[]</c>, <c>List&lt;T&gt;</c> or <c>IReadOnlyList&lt;T&gt;</c> of layer objects (a class, struct or interface of the user's); else null.</summary>
        private static INamedTypeSymbol? ObjectElementType(ITypeSymbol t)
        {
            var element = t is IArrayTypeSymbol { Rank: 1 } a ? a.ElementType
                : t is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } g && g.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.List<T>" or "System.Collections.Generic.IReadOnlyList<T>" ? g.TypeArguments[0] : null;
            // an interface or abstract element type: its calls a switch per element over the classes of the compilation (DispatchedCalls.cs)
            return element is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface, IsTupleType: false, IsGenericType: false, SpecialType: SpecialType.None } e
                && e.Locations.Any(l => l.IsInSource) && IsConfigType(e) ? e : null;
        }

        /// <summary>The array or list of layer objects <paramref name="e"/> names: a field or property of this object, of a layer object, or a static one.</summary>
        private ObjectArray? ObjectArrayOf(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            var sym = _model.GetSymbolInfo(e, _ct).Symbol;
            if (sym is ILocalSymbol alias) return _objectArrayLocals.TryGetValue(alias, out var named) ? named : null; // var layers = Layers;
            if (sym is IParameterSymbol bound)
                return _objectArrayParams.TryGetValue(bound, out var given) ? given // a helper's, given Layers
                    : _objectArrayMethodParams.Contains(bound) ? ParameterObjectArray(bound) : null; // the method's own
            if (sym is null || !IsReadableMember(sym) || sym is IPropertySymbol { IsIndexer: true } || ObjectElementType(MemberType(sym)) is not { } element) return null;
            if (sym.IsStatic)
            {
                var full = sym.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + sym.Name;
                return new ObjectArray(full, full, sym.Name, sym.Name, element);
            }
            Receiver? outer = e is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } ma ? ReceiverOf(ma.Expression)
                : e is IdentifierNameSyntax or MemberAccessExpressionSyntax && _receiver is { } rc && HasMembersOf(rc.Type, sym.ContainingType) ? rc : null;
            if (outer is not null)
            {
                // an array held by a layer object (Enc.Blocks); not one inside an element (its members would be stacks of stacks)
                if (outer.Elem is not null || outer.Declared is not null || outer.Optional || !HasMembersOf(outer.Type, sym.ContainingType)) return null;
                return new ObjectArray(outer.Key + "." + sym.Name, outer.Source + "." + sym.Name, Display(outer.Key) + "." + sym.Name, outer.Prefix + "_" + sym.Name, element);
            }
            if (e is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } || _receiver is not null || _method.IsStatic || !OnOwnType(sym)) return null;
            return new ObjectArray("this." + sym.Name, "this." + sym.Name, sym.Name, sym.Name, element);

            static string Display(string key) => key.StartsWith("this.", System.StringComparison.Ordinal) ? key.Substring(5) : key;
        }

        /// <summary>The element <c>Layers[l]</c> names (its index lowered here), or the element a local names; else null.</summary>
        private Receiver? ElementReceiverOf(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol l && _elementLocals.TryGetValue(l, out var named)) return named;
            if (e is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } ea || ObjectArrayOf(ea.Expression) is not { } oa) return null;
            var index = LowerIntExpr(ea.ArgumentList.Arguments[0].Expression, "an index of an array of layer objects");
            return index is null ? null : ElementReceiver(oa, index);
        }

        private static Receiver ElementReceiver(ObjectArray oa, Expr index) =>
            new(oa.Key + "[" + index + "]", "__e", oa.Element, oa.Prefix, Elem: new ArrayElement(oa, index));

        /// <summary><c>Layers.Length</c>, <c>Layers.Count</c>: an int input the entry points read once.</summary>
        private Expr CountOf(ObjectArray oa)
        {
            string key = oa.Key + "#count";
            if (_configVars.TryGetValue(key, out var known)) return new VarRef(known.Name, IrType.Int);
            var v = new Variable(FreshName(oa.Prefix + "_Count"), IrType.Int, VarKind.Param);
            _configVars[key] = v;
            _surface = true;
            _memberInputs.Add(new MemberInput(v.Name, IrType.Int, $"global::DiffGen.Reverse.SurfaceArrays.CountOf({oa.Source}, \"{oa.Display}\")", null, null));
            return new VarRef(v.Name, IrType.Int);
        }

        /// <summary>
        /// The input holding member <paramref name="sym"/> of every element of the array <paramref name="rc"/> is an element of
        /// (<see cref="ObjectArrays"/>), made on first use; null when it was reported.
        /// </summary>
        private Variable? ElementMemberInput(Receiver rc, ISymbol sym, SyntaxNode where)
        {
            var oa = rc.Elem!.Array;
            // the member read from each element: '__e.W', '__e.Fc1.W', or on one class's view '(__e as C)?.W' (DispatchedCalls.cs),
            // whose elements of other classes give an empty array or a default nobody reads
            string member = rc.Source + (rc.Optional ? "?." : ".") + sym.Name;
            string key = oa.Key + "[]" + member;
            if (_configVars.TryGetValue(key, out var known)) return known;
            var type = MemberType(sym);
            string display = oa.Display + (rc.Optional ? "." + rc.Type.Name : rc.Source.Substring(3)) + "." + sym.Name; // Layers.Fc1.W, Layers.Linear.W
            if (!_model.Compilation.IsSymbolAccessibleWithin(sym, _method.ContainingType))
            {
                Report(Descriptors.UnsupportedType, where, type.ToDisplayString(), "'" + display + "'",
                    $"the generated code reads '{sym.Name}' of every element of '{oa.Display}' from {_method.ContainingType.Name}, where it is not accessible; make it internal or public");
                return null;
            }
            bool flag = type.SpecialType == SpecialType.System_Boolean; // a bool member: 0 or 1, read as '!= 0'
            string typeText = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string value = !rc.Optional ? member
                : type is IArrayTypeSymbol { Rank: 2 } m2 ? $"({member} ?? new {m2.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}[0, 0])"
                : type is IArrayTypeSymbol { Rank: 1 } m1 ? $"({member} ?? global::System.Array.Empty<{m1.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>())"
                : flag ? $"{member} == true" : $"({member} ?? default({typeText}))";
            string read = IsEnum(type) ? $"(int){value}" : flag ? $"{value} ? 1 : 0" : value;
            var name = FreshName(rc.Prefix + "_" + sym.Name);
            // gathered once per call into a local of the entry points (SurfaceModel.Gathered, added below once the type is known), which every read of it names
            string gather = "__objects_" + name;
            var scalar = IsEnum(type) || flag ? Scalar.Int : ElemOf(type);
            Variable v;
            if (scalar is Scalar.Float or Scalar.Double or Scalar.Int)
            {
                v = new Variable(name, new IrType(scalar.Value, Shape.Vector), VarKind.Param); // one value per element
                _memberInputs.Add(new MemberInput(name, v.Type, gather, null, where.GetLocation()));
            }
            else if (type is IArrayTypeSymbol { Rank: 1 } row && ElemOf(row.ElementType) is Scalar.Float or Scalar.Double or Scalar.Int)
            {
                v = new Variable(name, new IrType(ElemOf(row.ElementType)!.Value, Shape.Jagged), VarKind.Param); // row l: element l's array
                _memberInputs.Add(new MemberInput(name, v.Type, gather, null, where.GetLocation()));
            }
            else if (type is IArrayTypeSymbol { Rank: 2 } matrix && ElemOf(matrix.ElementType) is Scalar.Float or Scalar.Double)
            {
                // a stack of matrices, like a double[][,] field: row l of a T[L, R·C] holds element l's matrix (shapes may differ)
                var elem = ElemOf(matrix.ElementType)!.Value;
                v = new Variable(name, new IrType(elem, Shape.Matrix), VarKind.Param);
                var dims = new List<string> { FreshName(name + "__s0"), FreshName(name + "__s1") };
                _dimNames.UnionWith(dims);
                var shapes = new List<string> { FreshName(name + "__n0"), FreshName(name + "__n1") };
                _stackShapeNames.UnionWith(shapes);
                _elementStacks[name] = (dims, shapes);
                var text = $"global::DiffGen.Reverse.SurfaceArrays.StackOf({gather}, \"{display}\")";
                _stackMembers[name] = (text, display, elem == Scalar.Float ? "float[][,]" : "double[][,]");
                _memberInputs.Add(new MemberInput(name, v.Type, text, null, where.GetLocation()));
            }
            else
            {
                Report(Descriptors.UnsupportedType, where, type.ToDisplayString(), "'" + display + "'",
                    $"members read from the elements of '{oa.Display}' must be float, double or int values, or float/double arrays (T[], T[,]) and int[]; pass other values as separate parameters");
                return null;
            }
            _gathered.Add($"var {gather} = global::DiffGen.Reverse.SurfaceArrays.Gather({oa.Source}, static __e => {read}, \"{oa.Display}\");");
            _configVars[key] = v;
            _surface = true;
            return v;
        }

        /// <summary><c>layer.W</c>, <c>Layers[l].B</c>, or <c>W</c> in a method called on an element: that element's value or row.</summary>
        private Expr? ReadElementMember(Receiver rc, ISymbol sym, SyntaxNode where)
        {
            if (ElementMemberInput(rc, sym, where) is not { } v) return null;
            var index = rc.Elem!.Index;
            switch (v.Type.Shape)
            {
                case Shape.Vector:
                    var value = new ElemRef(v.Name, v.Type, new[] { index }.ToEquatable());
                    return MemberType(sym).SpecialType == SpecialType.System_Boolean ? new Binary(BinaryOp.Ne, value, new Const(0, IrType.Int), IrType.Bool) : value;
                case Shape.Jagged: return new ArrayRef(v.Name, v.Type, index);
                default:
                    Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"a matrix of an element of '{rc.Elem.Array.Display}' is read where it is indexed ('{where}[i, j]', '{where}.GetLength(0)'), named ('var w = {where};') or passed to a helper's T[,] parameter");
                    return null;
            }
        }

        /// <summary>The matrix member of an element <paramref name="e"/> names (<c>layer.W</c>, or <c>W</c> in a method called on an element) as one array of its stack; else null.</summary>
        private StackView? ElementStackView(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not (IdentifierNameSyntax or MemberAccessExpressionSyntax)) return null;
            var sym = _model.GetSymbolInfo(e, _ct).Symbol;
            if (sym is null || sym.IsStatic || !IsReadableMember(sym) || MemberType(sym) is not IArrayTypeSymbol { Rank: 2 } m || ElemOf(m.ElementType) is not (Scalar.Float or Scalar.Double)) return null;
            var rc = e is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } ma ? ReceiverOf(ma.Expression) : _receiver;
            if (rc?.Elem is null || !HasMembersOf(rc.Type, sym.ContainingType)) return null;
            rc = rc.For(sym); // a member the declared type has: one input for every class
            if (ElementMemberInput(rc, sym, e) is not { } v || !_elementStacks.TryGetValue(v.Name, out var stack)) return null;
            return new StackView(v, rc.Elem!.Index, stack.Dims, stack.Shapes);
        }

        /// <summary><c>foreach (var layer in Layers)</c>: a counted loop over the elements, <c>layer</c> the element of this iteration.</summary>
        private void LowerForEachObject(ForEachStatementSyntax fe, ObjectArray oa, List<Stmt> output)
        {
            if (_model.GetDeclaredSymbol(fe, _ct) is not ILocalSymbol local)
            {
                Suppress();
                return;
            }
            var counter = FreshName("__" + _prefix + local.Name + "_index");
            _elementLocals[local] = ElementReceiver(oa, new VarRef(counter, IrType.Int));
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, CountOf(oa), 1, default, origin), null, body, frame, output);
        }

        /// <summary>Parameters of the method itself holding arrays or lists of layer objects (<c>Loss(List&lt;Dense&gt; layers, double[] x)</c>).</summary>
        private readonly HashSet<IParameterSymbol> _objectArrayMethodParams = new(SymbolEqualityComparer.Default);

        private static ObjectArray ParameterObjectArray(IParameterSymbol p) => new(p.Name, p.Name, p.Name, p.Name, ObjectElementType(p.Type)!);

        /// <summary>A helper's parameter given an array or list of layer objects (<c>Run(Layers, x)</c>): that array.</summary>
        private readonly Dictionary<IParameterSymbol, ObjectArray> _objectArrayParams = new(SymbolEqualityComparer.Default);

        /// <summary>A helper's parameter given an object whose members are read (<c>Apply(layer, h)</c>, <c>Score(L1, x)</c>): that object.</summary>
        private readonly Dictionary<IParameterSymbol, Receiver> _receiverParams = new(SymbolEqualityComparer.Default);

        /// <summary><c>var layers = this.Layers;</c>: a second name for the array or list (never reassigned: checked by C#'s flow analysis here).</summary>
        private readonly Dictionary<ILocalSymbol, ObjectArray> _objectArrayLocals = new(SymbolEqualityComparer.Default);

        /// <summary><c>var layers = Layers;</c> (a local naming the array or list of layer objects, never reassigned). False: not that form.</summary>
        private bool TryDeclareObjectArrayLocal(VariableDeclaratorSyntax v, ILocalSymbol local)
        {
            if (v.Initializer?.Value is not { } init || ObjectArrayOf(init) is not { } oa) return false;
            var scope = v.Ancestors().OfType<BlockSyntax>().FirstOrDefault();
            if (scope is not null && scope.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.Left is IdentifierNameSyntax id && id.Identifier.Text == local.Name
                && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, local)))
                return false; // reassigned: reported as any object local
            _objectArrayLocals[local] = oa;
            return true;
        }

        /// <summary><c>var layer = Layers[l];</c>: a name for that element (its index kept in an int: l may change later). False: not that form.</summary>
        private bool TryDeclareElementLocal(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (v.Initializer?.Value is not ElementAccessExpressionSyntax init || ObjectArrayOf(init.Expression) is null) return false;
            if (ElementReceiverOf(init) is not { } rc)
            {
                _rejected.Add(local);
                return true;
            }
            output.AddRange(_pending);
            _pending.Clear();
            var index = FreshName(_prefix + local.Name + "_index");
            output.Add(new DeclScalar(index, IrType.Int, rc.Elem!.Index));
            _elementLocals[local] = ElementReceiver(rc.Elem.Array, new VarRef(index, IrType.Int));
            return true;
        }
    }
}
