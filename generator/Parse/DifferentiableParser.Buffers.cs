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
    /// Local arrays held as the rows of one 2-D buffer (<c>T[,]</c>), so that every later stage sees the plain 2-D arrays it
    /// already handles:
    /// <list type="bullet">
    /// <item>a jagged local <c>double[][] h = new double[n][];</c> whose rows are all assigned <c>h[i] = new double[m];</c>
    /// with one length m is a <c>double[n, m]</c>; <c>h[i][j]</c> is <c>h[i, j]</c>, <c>h.Length</c> is n, <c>h[i].Length</c>
    /// is m, and <c>h[i] = new double[m]</c> zeroes row i (a fresh row);</item>
    /// <item>local <c>T[]</c>s whose references are exchanged (<c>var tmp = cur; cur = next; next = tmp;</c>,
    /// <c>(u, next) = (next, u)</c>, double buffering between time steps) are the rows of one <c>T[k, n]</c>, one row per
    /// array the code allocates; each name is an int local holding the row it refers to, and assigning a name copies that
    /// int. The reverse sweep restores the ints like any reassigned int (from the int tape) and the overwritten elements
    /// like any overwritten element, so it sees which buffer each name held at every step.</item>
    /// </list>
    /// A name of such a buffer is an <see cref="ArrayRef"/> with a <see cref="ArrayRef.Row"/> on a <c>T[,]</c> (a row view);
    /// element reads and writes, <c>.Length</c>, <c>foreach</c>, LINQ reductions and inlined helpers take it like a row of a
    /// jagged parameter. It cannot be passed to another <c>[Differentiable]</c> method (which takes whole arrays).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>IR names of jagged locals held as a <c>T[n, m]</c> (their <c>.Length</c> is the row count).</summary>
        private readonly HashSet<string> _rowBuffers = new(StringComparer.Ordinal);

        /// <summary><c>a.Length</c> (dim -1), <c>a.GetLength(d)</c> or <c>row.Length</c>, for every kind of array and row view.</summary>
        private Expr Len(string array, IrType type, Expr? row, int dim)
        {
            if (row is null && dim <= 0 && _dynamicLengths.TryGetValue(array, out var current)) return new VarRef(current, IrType.Int); // a per-row size
            if (type.Shape == Shape.Matrix && row is not null) return new LengthOf(array, type, null, 1); // a row of a 2-D buffer
            if (type.Shape == Shape.Matrix && dim == -1 && (_rowBuffers.Contains(array) || _tupleArrays.Contains(array))) return new LengthOf(array, type, null, 0); // h.Length of a jagged local, edges.Length of pairs
            return new LengthOf(array, type, row, dim);
        }

        // ---------------- local arrays of rank 3 or more ----------------

        /// <summary>
        /// Local arrays of rank 3 or more (<c>var enc = new double[F, H, W];</c>) and the int locals holding their dimensions
        /// d1.. : held as a <c>T[d0, d1·d2·…]</c> like a T[,,] parameter, so <c>enc[f, i, j]</c> is <c>enc[f, i·d2 + j]</c>.
        /// </summary>
        private readonly Dictionary<ILocalSymbol, List<string>> _highRankLocals = new(SymbolEqualityComparer.Default);

        /// <summary>A local of rank 3 or more: declared (or reported); false when the local is of another type.</summary>
        private bool TryDeclareHighRankLocal(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.Type is not IArrayTypeSymbol { Rank: >= 3 } at || ElemOf(at.ElementType) is not { } elem || elem == Scalar.Bool) return false;
            if (v.Initializer?.Value is not ArrayCreationExpressionSyntax { Initializer: null } ac || ac.Type.RankSpecifiers.Count != 1
                || ac.Type.RankSpecifiers[0].Sizes.Count != at.Rank)
            {
                Report(Descriptors.LocalArray, v, local.Name, $"a local array of rank {at.Rank} is supported when it is created with its sizes where it is declared ('new {new IrType(elem, Shape.Scalar).Keyword}[{string.Join(", ", Enumerable.Range(0, at.Rank).Select(d => "n" + d))}]')");
                _rejected.Add(local);
                return true;
            }
            var sizes = new List<Expr>();
            foreach (var se in ac.Type.RankSpecifiers[0].Sizes)
            {
                var e = LowerIntExpr(se, "an array size");
                if (e is null) { _rejected.Add(local); return true; }
                sizes.Add(e);
            }
            output.AddRange(_pending);
            _pending.Clear();
            var name = FreshName(_prefix + local.Name);
            bool top = _loopDepth == 0 && _branchDepth == 0;
            var dims = new List<string>();
            Expr cols = sizes[1];
            for (int d = 1; d < sizes.Count; d++)
            {
                // each dimension an int local, so an element's index is one multiply-add per dimension
                var dn = FreshName(name + "__d" + d);
                dims.Add(dn);
                output.Add(new DeclScalar(dn, IrType.Int, sizes[d]));
                if (top) { _topLevelLocals.Add(dn); _intInits[dn] = sizes[d]; }
                else _rowIntInits[dn] = sizes[d];
                if (d > 1) cols = new Binary(BinaryOp.Mul, cols, sizes[d], IrType.Int);
            }
            if (!DeclareLocalArray(v, local, name, new IrType(elem, Shape.Matrix), new List<Expr> { sizes[0], cols }, null, output)) return true;
            _highRankLocals[local] = dims;
            return true;
        }

        /// <summary>Helpers' T[,,] parameters given a T[,,] parameter or local of the method: that array and its dimension names.</summary>
        private readonly Dictionary<ISymbol, (Variable Array, List<string> Dims)> _highRankBound = new(SymbolEqualityComparer.Default);

        /// <summary>A T[,,] parameter or a local of rank 3 or more: its flattened IR array and its dimension names d1..; false otherwise.</summary>
        private bool HighRankArray(ExpressionSyntax e, out Variable v, out List<string> dims)
        {
            v = null!;
            dims = null!;
            while (e is ParenthesizedExpressionSyntax pe) e = pe.Expression;
            var sym = e is IdentifierNameSyntax ? _model.GetSymbolInfo(e, _ct).Symbol : null;
            if (e is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self) sym = _model.GetSymbolInfo(self, _ct).Symbol; // this.K
            if (sym is not null && _highRankBound.TryGetValue(sym, out var bound)) { (v, dims) = bound; return true; }
            // Conv.Kernel of a layer object held in a field (or a config parameter), and Kernel in a method called on that object
            if (e is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } ma && _model.GetSymbolInfo(ma, _ct).Symbol is { IsStatic: false } member
                && ReceiverOf(ma.Expression) is { Elem: null } rc && HasMembersOf(rc.Type, member.ContainingType) && ConfigCube(rc, member, out v, out dims)) return true;
            if (e is IdentifierNameSyntax && sym is { IsStatic: false } && _receiver is { Elem: null } own && HasMembersOf(own.Type, sym.ContainingType) && ConfigCube(own, sym, out v, out dims)) return true;
            if (sym is not null && HighRankMember(sym, out v, out dims)) return true;
            if (sym is IParameterSymbol p && _highRank.TryGetValue(p, out var pd)) { dims = pd; v = _vars[p]; return true; }
            if (sym is ILocalSymbol l && _highRankLocals.TryGetValue(l, out var ld) && _vars.TryGetValue(l, out var lv)) { dims = ld; v = lv; return true; }
            return false;
        }

        /// <summary>Fields and properties of rank 3 or more, by symbol: their flattened IR input and its dimension names d1...</summary>
        private readonly Dictionary<ISymbol, (Variable Array, List<string> Dims)> _highRankMembers = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// Their inputs by IR name: how the entry points read them, the member's name, the gradient's type (the member's own) and
        /// the dimension names. Read once at entry like any member, flattened like a T[,,] parameter.
        /// </summary>
        private readonly Dictionary<string, (string Source, string Display, string GradientType, List<string> Dims)> _highRankInputs = new(StringComparer.Ordinal);

        /// <summary>
        /// A field or property of this type (or a static one) holding a T[,,] of float, double or int (a convolution's kernels
        /// <c>double[,,] K</c>): registered on first use as an input of the array form, a <c>T[d0, d1·d2·…]</c> like a T[,,]
        /// parameter. False for any other symbol.
        /// </summary>
        private bool HighRankMember(ISymbol s, out Variable v, out List<string> dims)
        {
            v = null!;
            dims = null!;
            if (_highRankMembers.TryGetValue(s, out var known)) { (v, dims) = known; return true; }
            if (!IsReadableMember(s) || s is IPropertySymbol { IsIndexer: true } || MemberType(s) is not IArrayTypeSymbol { Rank: >= 3 } at
                || ElemOf(at.ElementType) is not { } elem || elem == Scalar.Bool) return false;
            if (!s.IsStatic && (_method.IsStatic || !OnOwnType(s) || _receiver is not null)) return false;
            string source = s.IsStatic ? s.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + s.Name : "this." + s.Name;
            (v, dims) = CubeInput(s.Name, at, elem, source, s.Name, s, s);
            _highRankMembers[s] = (v, dims);
            return true;
        }

        /// <summary>
        /// Registers a T[,,] read at entry through <paramref name="source"/> as an input of the array form: a <c>T[d0, d1·d2·…]</c>
        /// named after <paramref name="baseName"/>, its dimension names, a null check naming <paramref name="display"/>.
        /// </summary>
        private (Variable Array, List<string> Dims) CubeInput(string baseName, IArrayTypeSymbol at, Scalar elem, string source, string display, ISymbol? member, ISymbol where)
        {
            var name = FreshName(baseName);
            var v = new Variable(name, new IrType(elem, Shape.Matrix), VarKind.Param);
            var dims = new List<string>();
            for (int d = 1; d < at.Rank; d++) dims.Add(FreshName(name + "__d" + d));
            _dimNames.UnionWith(dims);
            _highRankInputs[name] = (source, display, at.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), dims);
            _gathered.Add($"global::DiffGen.Reverse.Shapes.NotNull({source}, \"{display}\");"); // before its dimensions are read
            _memberInputs.Add(new MemberInput(name, v.Type, source, member, where.Locations.FirstOrDefault()));
            _surface = true;
            return (v, dims);
        }

        /// <summary>T[,,] members of objects read through a receiver, by receiver key and member name: their flattened input and dimension names.</summary>
        private readonly Dictionary<string, (Variable Array, List<string> Dims)> _configCubes = new(StringComparer.Ordinal);

        /// <summary>
        /// A T[,,] member of a layer object held in a field, or of a struct/record/class parameter (<c>Conv.Kernel</c>; <c>Kernel</c>
        /// inside <c>Conv.Forward(x)</c>): like a T[,,] field of this type (<see cref="HighRankMember"/>), read at entry through the
        /// object. False for any other member, and for elements of arrays of layer objects (not supported).
        /// </summary>
        private bool ConfigCube(Receiver rc, ISymbol s, out Variable v, out List<string> dims)
        {
            v = null!;
            dims = null!;
            if (rc.Elem is not null || rc.Optional || s.IsStatic || !IsReadableMember(s) || s is IPropertySymbol { IsIndexer: true } || MemberType(s) is not IArrayTypeSymbol { Rank: >= 3 } at
                || ElemOf(at.ElementType) is not { } elem || elem == Scalar.Bool) return false;
            rc = rc.For(s);
            string key = rc.Key + "." + s.Name;
            if (_configCubes.TryGetValue(key, out var known)) { (v, dims) = known; return true; }
            string source = rc.Source + "." + s.Name;
            string display = (rc.Source.StartsWith("this.", StringComparison.Ordinal) ? rc.Source.Substring(5) : rc.Source) + "." + s.Name;
            (v, dims) = CubeInput(rc.Prefix + "_" + s.Name, at, elem, source, display, null, s); // (no member: not one of this type's fields)
            _configCubes[key] = (v, dims);
            return true;
        }

        // ---------------- stacks of arrays (T[][,], per-layer weights) ----------------

        /// <summary>
        /// <c>double[][,] layers</c> parameters (arrays of one shape) and the names of their arrays' dimensions D0, D1, ..: held
        /// as a <c>T[L, D0·D1·…]</c> whose row l is <c>layers[l]</c>'s elements in order (the entry points copy them).
        /// </summary>
        private readonly Dictionary<ISymbol, List<string>> _stacks = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// A stack of matrices (<c>double[][,]</c>): the int[] parameters holding each layer's dimensions (layers may differ in shape; their
        /// rows are padded to the largest, <see cref="_stacks"/>). Empty for stacks of rank 3 or more (one shape, checked at entry).
        /// </summary>
        private readonly Dictionary<ISymbol, List<string>> _stackShapes = new(SymbolEqualityComparer.Default);
        private readonly HashSet<string> _stackShapeNames = new(StringComparer.Ordinal);

        /// <summary>
        /// Is <paramref name="s"/> a stack: a parameter registered at entry, or a field or property of this type (or a static one)
        /// holding <c>T[][,]</c> or <c>List&lt;T[,]&gt;</c> (an MLP's per-layer weights in the model), registered on first use as an
        /// input read once at entry like any member (<see cref="_stackMembers"/>).
        /// </summary>
        private bool IsStackSymbol(ISymbol? s)
        {
            if (s is null) return false;
            if (_stacks.ContainsKey(s)) return true;
            if (!IsReadableMember(s) || s is IPropertySymbol { IsIndexer: true } || StackMemberElement(MemberType(s)) is not { } elem) return false;
            if (!s.IsStatic && (_method.IsStatic || !OnOwnType(s) || _receiver is not null)) return false;
            string source = s.IsStatic ? s.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + s.Name : "this." + s.Name;
            var name = FreshName(s.Name);
            var v = new Variable(name, new IrType(elem, Shape.Matrix), VarKind.Param);
            _vars[s] = v;
            var dims = new List<string> { FreshName(name + "__s0"), FreshName(name + "__s1") };
            _dimNames.UnionWith(dims);
            _stacks[s] = dims;
            var shapes = new List<string> { FreshName(name + "__n0"), FreshName(name + "__n1") };
            _stackShapes[s] = shapes;
            _stackShapeNames.UnionWith(shapes);
            var text = $"global::DiffGen.Reverse.SurfaceArrays.StackOf({source}, \"{s.Name}\")";
            _stackMembers[name] = (text, s.Name, elem == Scalar.Float ? "float[][,]" : "double[][,]");
            _memberInputs.Add(new MemberInput(name, v.Type, text, s, s.Locations.FirstOrDefault()));
            _surface = true;
            return true;
        }

        /// <summary>float or double for <c>T[][,]</c> and <c>List&lt;T[,]&gt;</c>; null for any other type.</summary>
        private static Scalar? StackMemberElement(ITypeSymbol t)
        {
            var matrix = t is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 2 } m1 } ? m1
                : IsListType(t, out var item) && item is IArrayTypeSymbol { Rank: 2 } m2 ? m2 : null;
            return matrix?.ElementType.SpecialType switch
            {
                SpecialType.System_Double => Scalar.Double,
                SpecialType.System_Single => Scalar.Float,
                _ => null,
            };
        }

        /// <summary>Stacks held in fields or properties, by IR name: how the entry points read them, the member's name, the gradient's type.</summary>
        private readonly Dictionary<string, (string Source, string Display, string GradientType)> _stackMembers = new(StringComparer.Ordinal);

        /// <summary><c>double[][][]</c> parameters held as stacks of matrices (<c>w[l][o][i]</c> is <c>w[l, o·C + i]</c>).</summary>
        private readonly HashSet<ISymbol> _jaggedStacks = new(SymbolEqualityComparer.Default);

        /// <summary>Is <paramref name="e"/> one layer of a <c>double[][][]</c> stack (<c>w[l]</c>, or a name for one)? Nothing is lowered.</summary>
        private bool IsJaggedStackElement(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is { } s && _stackViews.TryGetValue(s, out var view)) return view.Jagged;
            return e is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax id }
                && _model.GetSymbolInfo(id, _ct).Symbol is IParameterSymbol ps && _jaggedStacks.Contains(ps);
        }

        /// <summary><c>w[l][o].Length</c> of a <c>double[][][]</c> stack: that layer's row length. Null (not handled) for anything else.</summary>
        private Expr? LowerJaggedStackRowLength(ExpressionSyntax rowExpr)
        {
            while (rowExpr is ParenthesizedExpressionSyntax p) rowExpr = p.Expression;
            if (rowExpr is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } row || !IsJaggedStackElement(row.Expression)) return null;
            var view = StackElement(row.Expression);
            if (view is null) return Suppress();
            return new ElemRef(view.Shapes[1], new IrType(Scalar.Int, Shape.Vector), new[] { view.Layer }.ToEquatable());
        }

        /// <summary>One array of a stack: the stack, the row holding it (an int), its dimensions' names (the strides: the largest), and its own dimensions' int[]s.</summary>
        private sealed record StackView(Variable Stack, Expr Layer, List<string> Dims, List<string> Shapes, bool Jagged = false);

        /// <summary>Names for one array of a stack: <c>var w = layers[l];</c>, a helper's <c>double[,]</c> parameter given <c>layers[e]</c>.</summary>
        private readonly Dictionary<ISymbol, StackView> _stackViews = new(SymbolEqualityComparer.Default);

        /// <summary>Is <paramref name="e"/> one array of a stack (<c>layers[l]</c>, or a name for one)? Nothing is lowered.</summary>
        private bool IsStackElement(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is { } s && _stackViews.ContainsKey(s)) return true;
            if (ElementStackView(e) is not null) return true; // layer.W of an element of an array of layer objects (ObjectArrays.cs)
            return e is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } } ea
                && IsStackSymbol(_model.GetSymbolInfo(ea.Expression, _ct).Symbol);
        }

        /// <summary>The array of a stack <paramref name="e"/> names (<see cref="IsStackElement"/> must hold); null when its index was reported.</summary>
        private StackView? StackElement(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is { } s && _stackViews.TryGetValue(s, out var view)) return view;
            if (ElementStackView(e) is { } elementView) return elementView;
            var ea = (ElementAccessExpressionSyntax)e;
            var ps = _model.GetSymbolInfo(ea.Expression, _ct).Symbol!;
            var layer = LowerIntExpr(ea.ArgumentList.Arguments[0].Expression, "an array index");
            return layer is null ? null : new StackView(_vars[ps], layer, _stacks[ps], _stackShapes[ps], _jaggedStacks.Contains(ps));
        }

        /// <summary><c>layers[l][i, j]</c> (or <c>w[i, j]</c> for <c>var w = layers[l];</c>): <c>layers[l, i·D1 + j]</c>. Not such an element: handled false.</summary>
        private Expr? LowerStackElement(ElementAccessExpressionSyntax ea, out bool handled)
        {
            // w[l][o][i] on a double[][][] stack (or wl[o][i] for 'var wl = w[l];'): w[l, o·C + i]
            if (ea.ArgumentList.Arguments.Count == 1 && ea.Expression is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } rowAccess && IsJaggedStackElement(rowAccess.Expression))
            {
                handled = true;
                var jv = StackElement(rowAccess.Expression);
                if (jv is null) return null;
                var o = LowerIntExpr(rowAccess.ArgumentList.Arguments[0].Expression, IndexContext);
                var i = LowerIntExpr(ea.ArgumentList.Arguments[0].Expression, IndexContext);
                if (o is null || i is null) return null;
                var jcol = new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, o, new VarRef(jv.Dims[1], IrType.Int), IrType.Int), i, IrType.Int);
                return new ElemRef(jv.Stack.Name, jv.Stack.Type, new[] { jv.Layer, jcol }.ToEquatable());
            }
            handled = IsStackElement(ea.Expression);
            if (!handled) return null;
            if (IsJaggedStackElement(ea.Expression))
            {
                Report(Descriptors.UnsupportedExpression, ea, ea.ToString(), $"a row of a double[][][] stack is held inside one flat array, so it cannot be used as an array of its own; index its elements where they are used ('{ea}[i]', '{ea}.Length')");
                return null;
            }
            var view = StackElement(ea.Expression);
            if (view is null) return null;
            var args = ea.ArgumentList.Arguments;
            if (args.Count != view.Dims.Count)
            {
                Report(Descriptors.UnsupportedExpression, ea, ea.ToString(), $"index '{ea.Expression}' with one int per dimension ({view.Dims.Count} of them)");
                return null;
            }
            Expr? col = null;
            for (int d = 0; d < args.Count; d++)
            {
                var i = LowerIntExpr(args[d].Expression, IndexContext);
                if (i is null) return null;
                col = col is null ? i : new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, col, new VarRef(view.Dims[d], IrType.Int), IrType.Int), i, IrType.Int);
            }
            return new ElemRef(view.Stack.Name, view.Stack.Type, new[] { view.Layer, col! }.ToEquatable());
        }

        /// <summary><c>layers[l].GetLength(d)</c>, <c>w.GetLength(d)</c>: dimension d of the stack's arrays; <c>.Length</c>: their element count.</summary>
        private Expr? LowerStackLength(ExpressionSyntax array, int dim, SyntaxNode at)
        {
            var view = StackElement(array);
            if (view is null) return null;
            if (dim >= view.Dims.Count)
            {
                Report(Descriptors.UnsupportedExpression, at, at.ToString(), $"GetLength needs a constant dimension 0 to {view.Dims.Count - 1}");
                return null;
            }
            // this layer's own dimension (a layer of a stack of matrices may be smaller than the largest)
            Expr Dim(int d) => view.Shapes.Count > 0 ? new ElemRef(view.Shapes[d], new IrType(Scalar.Int, Shape.Vector), new[] { view.Layer }.ToEquatable()) : new VarRef(view.Dims[d], IrType.Int);
            if (dim >= 0) return Dim(dim);
            if (view.Jagged) return Dim(0); // w[l].Length of a double[][][]: its rows
            Expr n = Dim(0);
            for (int d = 1; d < view.Dims.Count; d++) n = new Binary(BinaryOp.Mul, n, Dim(d), IrType.Int);
            return n;
        }

        /// <summary>
        /// <c>foreach (var w in layer.W)</c> over one matrix of a stack (a layer object's weights, <c>layers[l]</c>): its elements row by
        /// row, one loop over k below its own element count reading row k / cols, column k % cols of its own shape (the stack's
        /// rows are as wide as its widest matrix). The stack is an input, never written, so the element is read where it is used.
        /// </summary>
        private void LowerForEachStackElement(ForEachStatementSyntax fe, List<Stmt> output)
        {
            if (_model.GetDeclaredSymbol(fe, _ct) is not ILocalSymbol local || MapType(local.Type) is not { IsArray: false, Elem: Scalar.Float or Scalar.Double } vt)
            {
                Report(Descriptors.UnsupportedStatement, fe, "foreach", "the iteration variable over a matrix must be a float or double: declare it as one, 'foreach (double v in a)'");
                return;
            }
            var view = StackElement(fe.Expression);
            var count = LowerStackLength(fe.Expression, -1, fe.Expression);
            var cols = LowerStackLength(fe.Expression, 1, fe.Expression);
            if (view is null || count is null || cols is null) return;
            FlushPending(output);
            // the element this loop visits, fixed where it starts (the body may change the counter it was named by)
            var layer = FreshName(_prefix + local.Name + "_layer");
            output.Add(new DeclScalar(layer, IrType.Int, view.Layer));
            var layerRef = new VarRef(layer, IrType.Int);
            var fixedCols = IrRewriter.Map(cols, x => x.Equals(view.Layer) ? layerRef : null);
            var fixedCount = IrRewriter.Map(count, x => x.Equals(view.Layer) ? layerRef : null);
            var counter = FreshName("__" + _prefix + local.Name + "_index");
            var k = new VarRef(counter, IrType.Int);
            Expr col = new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, new Binary(BinaryOp.Div, k, fixedCols, IrType.Int), new VarRef(view.Dims[1], IrType.Int), IrType.Int),
                new Binary(BinaryOp.Mod, k, fixedCols, IrType.Int), IrType.Int);
            Expr element = new ElemRef(view.Stack.Name, view.Stack.Type, new[] { layerRef, col }.ToEquatable());
            if (element.Type != vt) element = new IR.Convert(element, vt);
            var name = FreshName(_prefix + local.Name);
            _vars[local] = new Variable(name, vt, VarKind.Local);
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            body = body.Select(st => IrRewriter.Map(st, x => x is VarRef r && r.Name == name ? element : null)).ToList();
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, fixedCount, 1, default, origin), null, body, frame, output);
        }

        /// <summary><c>var w = layers[l];</c>: a name for that array of the stack (its row snapshotted: l may change later). False: not that form.</summary>
        private bool TryDeclareStackView(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.Type is not IArrayTypeSymbol { Rank: >= 2 } and not IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } }
                || v.Initializer?.Value is not { } init || !IsStackElement(init)) return false;
            var view = StackElement(init);
            if (view is null) { _rejected.Add(local); return true; }
            output.AddRange(_pending);
            _pending.Clear();
            var layer = FreshName(_prefix + local.Name + "_layer");
            output.Add(new DeclScalar(layer, IrType.Int, view.Layer));
            _stackViews[local] = view with { Layer = new VarRef(layer, IrType.Int) };
            return true;
        }

        private static bool IsRowView(ArrayRef ar) => ar.Row is not null && ar.ArrayType.Shape == Shape.Matrix;

        // ---------------- jagged locals ----------------

        /// <summary>
        /// The sizes [n, m] of a jagged local <c>T[][] h = new T[n][];</c> whose rows are all assigned <c>h[i] = new T[m];</c>
        /// with the same m (known where h is declared); null, reported, otherwise.
        /// </summary>
        private List<Expr>? JaggedLocalSizes(VariableDeclaratorSyntax v, ILocalSymbol local, out bool deferred)
        {
            deferred = false;
            bool computed = false;
            const string form = "a jagged local is supported as 'T[][] h = new T[n][];' with every row assigned 'h[i] = new T[m];' of one length m (it is held as a T[n, m]); or declare 'new T[n, m]' and index h[i, j]";
            if (v.Initializer?.Value is not ArrayCreationExpressionSyntax { Initializer: null } ac || ac.Type.RankSpecifiers.Count != 2
                || ac.Type.RankSpecifiers[0].Sizes.Count != 1 || ac.Type.RankSpecifiers[1].Sizes.Any(s => s is not OmittedArraySizeExpressionSyntax))
            {
                Report(Descriptors.LocalArray, v, local.Name, form);
                return null;
            }
            var scope = v.Ancestors().OfType<BlockSyntax>().FirstOrDefault() ?? (SyntaxNode?)v.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault();
            var rowSizes = new List<ExpressionSyntax>();
            foreach (var id in (scope ?? v).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.Text != local.Name || !SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, local)) continue;
                if (id.Parent is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } row || row.Expression != id
                    || row.Parent is not AssignmentExpressionSyntax asg || asg.Left != row)
                    continue; // reads h[i][j], h.Length, h[i].Length: lowered where they are
                if (asg.IsKind(SyntaxKind.SimpleAssignmentExpression) && asg.Right is ArrayCreationExpressionSyntax { Initializer: null } rc
                    && rc.Type.RankSpecifiers.Count == 1 && rc.Type.RankSpecifiers[0].Sizes.Count == 1)
                {
                    rowSizes.Add(rc.Type.RankSpecifiers[0].Sizes[0]);
                    continue;
                }
                // h[i] = Helper(...), x[i].Select(...).ToArray(): a new array copied into the row (JaggedRows.cs)
                if (asg.IsKind(SyntaxKind.SimpleAssignmentExpression) && (IsComputedRow(asg.Right) || IsFreshLocalRow(asg))) { computed = true; continue; }
                if (asg.Parent is ExpressionStatementSyntax swapped && InTempRowSwap(swapped)) continue; // t = h[k]; h[k] = h[p]; h[p] = t; (JaggedRows.cs)
                Report(Descriptors.LocalArray, asg, local.Name, $"its row is assigned '{asg.Right}'; {form}. To keep another array's row, copy its elements into h[i][j]");
                return null;
            }
            if (rowSizes.Count == 0 && computed)
            {
                // every row a computed array: the row length is theirs (JaggedRows.cs)
                deferred = true;
                var rows = LowerIntExpr(ac.Type.RankSpecifiers[0].Sizes[0], "an array size");
                return rows is null ? null : new List<Expr> { rows };
            }
            if (rowSizes.Count == 0)
            {
                Report(Descriptors.LocalArray, v, local.Name, "its rows are never assigned; " + form);
                return null;
            }
            var first = rowSizes[0];
            var firstSymbols = first.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(i => _model.GetSymbolInfo(i, _ct).Symbol).ToList();
            foreach (var other in rowSizes.Skip(1))
            {
                var symbols = other.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(i => _model.GetSymbolInfo(i, _ct).Symbol).ToList();
                if (!other.IsEquivalentTo(first, topLevel: false) || !symbols.SequenceEqual(firstSymbols, SymbolEqualityComparer.Default))
                {
                    Report(Descriptors.LocalArray, other, local.Name, $"its rows have lengths '{first}' and '{other}'; rows of different lengths are not supported: use a T[,] sized by the longest row (keep the lengths in an int[] if they differ)");
                    return null;
                }
            }
            // the row length must be known where h is declared: parameters, constants, fields, locals declared before it
            foreach (var (sym, i) in firstSymbols.Select((s, i) => (s, i)))
            {
                if (sym is ILocalSymbol l && !l.IsConst && !_vars.ContainsKey(l) || sym is IRangeVariableSymbol)
                {
                    Report(Descriptors.LocalArray, first, local.Name, $"its row length '{first}' reads '{sym!.Name}', which is not known where '{local.Name}' is declared{(sym is ILocalSymbol { } ls && IsCounterLike(ls) ? " (it changes per row)" : "")}; rows must all have one length known at the declaration (a T[n, m]): compute it before the declaration, or use a T[,] sized by the longest row");
                    return null;
                }
            }
            var n = LowerIntExpr(ac.Type.RankSpecifiers[0].Sizes[0], "an array size");
            var m = LowerIntExpr(first, "an array size");
            if (n is null || m is null) return null;
            return new List<Expr> { n, m };
        }

        private bool IsCounterLike(ILocalSymbol l) => l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct).Parent?.Parent is ForStatementSyntax;

        /// <summary><c>h[i] = new T[m];</c> on a jagged local held as a T[n, m]: zero row i. False when it is not such an assignment.</summary>
        private bool TryLowerRowAssignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (a.Left is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } row || row.Expression is not IdentifierNameSyntax id
                || _model.GetSymbolInfo(id, _ct).Symbol is not ILocalSymbol ls || !_vars.TryGetValue(ls, out var v) || !_rowBuffers.Contains(v.Name) || v.Row is not null)
                return false;
            bool computed = a.Right is not ArrayCreationExpressionSyntax { Initializer: null };
            bool freshLocal = computed && a.IsKind(SyntaxKind.SimpleAssignmentExpression) && !IsComputedRow(a.Right) && IsFreshLocalRow(a);
            if (computed && !freshLocal && (!a.IsKind(SyntaxKind.SimpleAssignmentExpression) || !IsComputedRow(a.Right))) { Suppress(); return true; } // reported at the declaration
            var i = LowerIntExpr(row.ArgumentList.Arguments[0].Expression, "an array index");
            if (i is null) return true;
            if (computed) return LowerComputedRow(a.Right, a, ls.Name, v, i, output, freshLocal); // h[i] = Helper(...), h[i] = e (JaggedRows.cs)
            var z = FreshName("__z");
            output.Add(new For(z, new Const(0, IrType.Int), BinaryOp.Lt, new LengthOf(v.Name, v.Type, null, 1), 1,
                new Stmt[] { new Assign(new ElemRef(v.Name, v.Type, new[] { i, new VarRef(z, IrType.Int) }.ToEquatable()), AssignOp.Set, new Const(0, v.Type.ElementType)) }.ToEquatable()));
            return true;
        }

        // ---------------- swapped arrays (double buffering) ----------------

        private sealed class SwapGroup
        {
            public readonly List<ILocalSymbol> Members = new();
            /// <summary>Members whose declaration allocates (or copies) an array: one row each.</summary>
            public int OwnedRows;
            /// <summary>Some member is allocated inside a loop or an if (<c>var next = new double[n]; ... u = next;</c>): one row per member.</summary>
            public bool NestedOwner;
            public string? Buffer;
            public IrType BufferType;
            public EquatableArray<Expr> RowSizes;
            public int NextRow;
            public Location? FirstDeclaration;
        }

        private readonly Dictionary<ISymbol, SwapGroup> _swapGroups = new(SymbolEqualityComparer.Default);
        /// <summary>The int local holding the row each member of a swap group refers to.</summary>
        private readonly Dictionary<ISymbol, string> _swapSlots = new(SymbolEqualityComparer.Default);

        /// <summary>Is <paramref name="l"/> declared inside a loop or an if of <paramref name="body"/>?</summary>
        private bool DeclaredInLoopOrIf(ILocalSymbol l, SyntaxNode body) =>
            l.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is { } d
            && d.Ancestors().TakeWhile(n => n != body).Any(n => n is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or IfStatementSyntax or SwitchSectionSyntax);

        private ILocalSymbol? LocalVector(ExpressionSyntax e) =>
            e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1, ElementType: var et } } l
            && et.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 ? l : null;

        /// <summary>
        /// Finds the local T[]s whose references are assigned to each other (<c>a = b</c>, <c>(a, b) = (b, a)</c>, and
        /// <c>var tmp = a</c> declarations joining them): each connected set becomes one swap group.
        /// </summary>
        private void FindSwapGroups(SyntaxNode body)
        {
            var parent = new Dictionary<ILocalSymbol, ILocalSymbol>(SymbolEqualityComparer.Default);
            ILocalSymbol Find(ILocalSymbol x)
            {
                while (parent.TryGetValue(x, out var p) && !SymbolEqualityComparer.Default.Equals(p, x)) x = p;
                return x;
            }
            void Union(ILocalSymbol a, ILocalSymbol b)
            {
                if (!parent.ContainsKey(a)) parent[a] = a;
                if (!parent.ContainsKey(b)) parent[b] = b;
                var ra = Find(a); var rb = Find(b);
                if (!SymbolEqualityComparer.Default.Equals(ra, rb)) parent[ra] = rb;
            }
            var assigned = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            // local functions and lambdas are inlined once per call: their arrays stay separate (and unswappable)
            bool Nested(SyntaxNode n) => n.Ancestors().TakeWhile(x => x != body).Any(x => x is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
            foreach (var a in body.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression) || Nested(a)) continue;
                if (LocalVector(a.Left) is { } l && LocalVector(a.Right) is { } r && SameArrayType(l, r))
                {
                    if (_reboundCandidates.Contains(l)) continue; // a layer stack's activation = next; copies (ReboundArrays.cs)
                    // h = hNew; of a new array of the loop, never named after, into a local that is itself made inside a loop
                    // (a recurrent cell per sequence): no buffer to swap rows of before the loops, so the elements are copied
                    // (ArrayReassignment.cs)
                    if (DeclaredInLoopOrIf(l, body) && IsFreshLocal(a, unusedAfter: true)) continue;
                    Union(l, r);
                    assigned.Add(l);
                }
                else if (a.Left is TupleExpressionSyntax lt && a.Right is TupleExpressionSyntax rt && lt.Arguments.Count == rt.Arguments.Count)
                {
                    var pairs = lt.Arguments.Zip(rt.Arguments, (x, y) => (L: LocalVector(x.Expression), R: LocalVector(y.Expression))).ToList();
                    if (pairs.All(p => p.L is not null && p.R is not null && SameArrayType(p.L, p.R)))
                        foreach (var (l2, r2) in pairs) { Union(l2!, r2!); assigned.Add(l2!); }
                }
            }
            if (assigned.Count == 0) return;
            foreach (var v in body.DescendantNodes().OfType<VariableDeclaratorSyntax>())
                if (v.Initializer?.Value is { } init && LocalVector(init) is { } src && parent.ContainsKey(src)
                    && _model.GetDeclaredSymbol(v, _ct) is ILocalSymbol d && SameArrayType(d, src))
                    Union(d, src);
            var groups = new Dictionary<ILocalSymbol, SwapGroup>(SymbolEqualityComparer.Default);
            foreach (var m in parent.Keys)
            {
                var root = Find(m);
                if (!groups.TryGetValue(root, out var g)) groups[root] = g = new SwapGroup();
                g.Members.Add(m);
                _swapGroups[m] = g;
            }
            foreach (var g in groups.Values)
                foreach (var m in g.Members)
                {
                    var decl = m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) as VariableDeclaratorSyntax;
                    if (decl?.Initializer?.Value is { } init && !(LocalVector(init) is { } src && g.Members.Contains(src, SymbolEqualityComparer.Default)))
                    {
                        g.OwnedRows++;
                        if (decl.Ancestors().TakeWhile(x => x != body).Any(x => x is ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or CommonForEachStatementSyntax or IfStatementSyntax or SwitchStatementSyntax))
                            g.NestedOwner = true;
                    }
                }
        }

        /// <summary>Is <paramref name="m"/> declared before <paramref name="at"/> in a block that encloses it (still in scope there)?</summary>
        private static bool InScopeAt(ILocalSymbol m, SyntaxNode at)
        {
            var decl = m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (decl is null || decl.SyntaxTree != at.SyntaxTree || decl.SpanStart >= at.SpanStart) return false;
            var scope = decl.Ancestors().FirstOrDefault(x => x is BlockSyntax or SwitchSectionSyntax) ?? decl.Parent;
            return scope is not null && at.Ancestors().Contains(scope);
        }

        private static bool SameArrayType(ILocalSymbol a, ILocalSymbol b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type);

        /// <summary>
        /// The declaration of a member of a swap group: a row of the group's buffer (the first allocating member declares the
        /// buffer), or the row another member refers to (<c>var tmp = cur;</c>). True when handled (or reported).
        /// </summary>
        private bool TryDeclareSwapMember(VariableDeclaratorSyntax v, ILocalSymbol local, IrType type, List<Stmt> output)
        {
            if (!_swapGroups.TryGetValue(local, out var g)) return false;
            var slot = FreshName(_prefix + local.Name + "_row");
            _swapSlots[local] = slot;
            var init = v.Initializer?.Value;
            var matrix = new IrType(type.Elem, Shape.Matrix);
            if (init is null || LocalVector(init) is { } src && g.Members.Contains(src, SymbolEqualityComparer.Default))
            {
                // another name for a row: copies the int
                Expr row = new Const(0, IrType.Int);
                if (init is not null)
                {
                    var srcSym = LocalVector(init)!;
                    if (!_swapSlots.TryGetValue(srcSym, out var srcSlot)) { _rejected.Add(local); Suppress(); return true; }
                    row = new VarRef(srcSlot, IrType.Int);
                }
                if (g.Buffer is null)
                {
                    Report(Descriptors.LocalArray, v, local.Name, "it is swapped with other arrays before any of them is created; declare the arrays with 'new T[n]' first");
                    _rejected.Add(local);
                    return true;
                }
                _reassigned.Add(slot);
                if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(slot);
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new DeclScalar(slot, IrType.Int, row));
                _vars[local] = new Variable(g.Buffer, matrix, VarKind.Local, new VarRef(slot, IrType.Int));
                return true;
            }
            const string advice = "arrays whose references are swapped ('var t = a; a = b; b = t;') are supported when each is declared before the loop with 'new T[n]' or a copy ('x.Clone()', 'x.ToArray()', '{ ... }'), all of one length; otherwise copy the elements ('for (...) a[i] = b[i];')";
            bool nested = _loopDepth > 0 || _branchDepth > 0;
            if (type.Shape != Shape.Vector || nested && g.Buffer is null)
            {
                Report(Descriptors.LocalArray, v, local.Name, (nested ? "it is created inside a loop or an if before any array it is swapped with is created outside; " : "") + advice);
                _rejected.Add(local);
                return true;
            }
            var tmpName = FreshName(_prefix + local.Name);
            List<Expr>? sizes = null;
            List<Stmt>? fill = null;
            if (init is ArrayCreationExpressionSyntax { Initializer: null } ac && ac.Type.RankSpecifiers.Count == 1 && ac.Type.RankSpecifiers[0].Sizes.Count == 1
                || init is StackAllocArrayCreationExpressionSyntax)
            {
                var se = init is ArrayCreationExpressionSyntax ac2 ? ac2.Type.RankSpecifiers[0].Sizes[0] : ((ArrayTypeSyntax)((StackAllocArrayCreationExpressionSyntax)init).Type).RankSpecifiers[0].Sizes[0];
                var n = LowerIntExpr(se, "an array size");
                if (n is null) { _rejected.Add(local); return true; }
                sizes = new List<Expr> { n };
            }
            else
            {
                var arrayInit = LowerArrayInitializer(init, tmpName, type);
                if (arrayInit is null || arrayInit.Value.Alias is not null)
                {
                    Report(Descriptors.LocalArray, v, local.Name, advice);
                    _rejected.Add(local);
                    return true;
                }
                if (arrayInit.Value.Reported) { _rejected.Add(local); return true; }
                sizes = arrayInit.Value.Sizes!;
                fill = arrayInit.Value.Fill;
            }
            if (g.Buffer is null)
            {
                g.Buffer = FreshName(_prefix + local.Name + "_buffers");
                g.BufferType = matrix;
                g.RowSizes = sizes.ToEquatable();
                g.FirstDeclaration = v.GetLocation();
                _topLevelLocals.Add(g.Buffer);
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new DeclArray(g.Buffer, matrix, new[] { (Expr)new Const(g.NestedOwner ? g.Members.Count : Math.Max(g.OwnedRows, 1), IrType.Int), sizes[0] }.ToEquatable()));
            }
            else if (!SameSize(g.RowSizes[0], sizes[0], v.GetLocation(), g))
            {
                Report(Descriptors.LocalArray, v, local.Name, $"it is swapped with '{g.Members.First(m => _swapSlots.ContainsKey(m) && !SymbolEqualityComparer.Default.Equals(m, local)).Name}', which has another length; " + advice);
                _rejected.Add(local);
                return true;
            }
            // the row: the next unused one for an array created at the top level; for one created in a loop or an if (a fresh
            // array per iteration), the first row no other name in scope refers to (the arrays of names out of scope are garbage)
            Expr rowInit;
            if (!nested) rowInit = new Const(g.NextRow++, IrType.Int);
            else
            {
                var live = g.Members.Where(m => !SymbolEqualityComparer.Default.Equals(m, local) && _swapSlots.ContainsKey(m) && InScopeAt(m, v))
                    .Select(m => (Expr)new VarRef(_swapSlots[m], IrType.Int)).ToList();
                int rows = g.Members.Count;
                rowInit = new Const(rows - 1, IrType.Int);
                for (int r = rows - 2; r >= 0; r--)
                {
                    Expr free = new Const(1, IrType.Bool);
                    foreach (var l in live)
                    {
                        var ne = new Binary(BinaryOp.Ne, l, new Const(r, IrType.Int), IrType.Bool);
                        free = free is Const ? ne : new Binary(BinaryOp.And, free, ne, IrType.Bool);
                    }
                    rowInit = free is Const ? new Const(r, IrType.Int) : new Conditional(free, new Const(r, IrType.Int), rowInit, IrType.Int);
                }
            }
            _reassigned.Add(slot);
            if (!nested) _topLevelLocals.Add(slot);
            output.AddRange(_pending);
            _pending.Clear();
            output.Add(new DeclScalar(slot, IrType.Int, rowInit));
            _vars[local] = new Variable(g.Buffer, matrix, VarKind.Local, new VarRef(slot, IrType.Int));
            if (nested && fill is null) fill = new List<Stmt> { ZeroFill(tmpName, type, sizes) }; // new T[n]: a zeroed row
            if (fill is not null)
            {
                Expr rowConst = new VarRef(slot, IrType.Int);
                Expr? MapRead(Expr e) => e switch
                {
                    ElemRef el when el.Array == tmpName => new ElemRef(g.Buffer, matrix, new[] { rowConst }.Concat(el.Indices.Select(i => IrRewriter.Map(i, MapRead))).ToEquatable()),
                    LengthOf l when l.Array == tmpName => new LengthOf(g.Buffer, matrix, null, 1),
                    _ => null,
                };
                Stmt Retarget(Stmt s) => s switch
                {
                    Assign a => new Assign(IrRewriter.Map(a.Target, MapRead), a.Op, IrRewriter.Map(a.Value, MapRead), a.Hoisted),
                    For f => f with { Start = IrRewriter.Map(f.Start, MapRead), Bound = IrRewriter.Map(f.Bound, MapRead), Body = f.Body.Select(Retarget).ToEquatable() },
                    Block b => b with { Body = b.Body.Select(Retarget).ToEquatable() },
                    _ => IrRewriter.Map(s, MapRead),
                };
                output.AddRange(fill.Select(Retarget));
            }
            return true;
        }

        /// <summary>Top-level int locals with their initial value (<c>int n = x.Length;</c>), to see that two array sizes agree.</summary>
        private readonly Dictionary<string, Expr> _intInits = new(StringComparer.Ordinal);
        /// <summary>Int locals whose initial value was used to match swapped arrays' sizes (reported if reassigned after all).</summary>
        private readonly List<(string Local, Location Where)> _sizeAssumptions = new();

        /// <summary>
        /// Do two array sizes agree for every input? Equal expressions, or equal once top-level int locals are replaced by
        /// their initial values (<c>new double[n]</c> and <c>x.Clone()</c> after <c>int n = x.Length;</c>).
        /// </summary>
        private bool SameSize(Expr a, Expr b, Location where, SwapGroup g)
        {
            if (a.Equals(b)) return true;
            var used = new List<string>();
            Expr Expand(Expr e) => IrRewriter.Map(e, x => x switch
            {
                VarRef r when _intInits.TryGetValue(r.Name, out var init) => Track(r.Name, Expand(init)),
                LengthOf { Row: null, Dim: 0, ArrayType.Shape: Shape.Vector } l => l with { Dim = -1 }, // x.Length, x.GetLength(0)
                LengthOf { Row: null, Dim: 1 } l when l.Array == g.Buffer => Expand(g.RowSizes[0]), // cur.Length of a member
                _ => null,
            });
            Expr Track(string name, Expr e) { used.Add(name); return e; }
            if (!Expand(a).Equals(Expand(b))) return false;
            foreach (var u in used) _sizeAssumptions.Add((u, where));
            return true;
        }

        /// <summary>Reports a size match that relied on an int local the body reassigns (called once every reassignment is known).</summary>
        private void CheckSizeAssumptions()
        {
            foreach (var (local, where) in _sizeAssumptions)
                if (_reassigned.Contains(local))
                    Report(Descriptors.LocalArray, where, local, "arrays whose references are swapped must all have one length; this one's length was matched through an int local the method reassigns: size both with the same expression");
        }

        /// <summary>
        /// <c>(cur, next) = (next, cur);</c> on two T[,] locals (a 2-D stencil's double buffer): the elements are exchanged. That is
        /// the program C# runs as long as no third name refers to either array (checked, as for a reassigned local array) and
        /// both have one shape (checked where it runs: another shape throws, naming the locals). It costs a pass over both
        /// arrays per swap, which the step it follows costs anyway. False when <paramref name="a"/> is not such a swap.
        /// </summary>
        private bool TrySwapMatrixElements(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (a.Left is not TupleExpressionSyntax { Arguments.Count: 2 } lt || a.Right is not TupleExpressionSyntax { Arguments.Count: 2 } rt) return false;
            var l0 = CopyTarget(lt.Arguments[0].Expression, out var s0);
            var l1 = CopyTarget(lt.Arguments[1].Expression, out var s1);
            if (l0 is not { Type.Shape: Shape.Matrix } || l1 is not { Type.Shape: Shape.Matrix } || l0.Type != l1.Type || l0.Name == l1.Name) return false;
            bool Names(ExpressionSyntax e, ILocalSymbol? s) => e is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e, _ct).Symbol, s);
            if (!Names(rt.Arguments[0].Expression, s1) || !Names(rt.Arguments[1].Expression, s0)) return false;
            foreach (var (sym, v) in new[] { (s0!, l0), (s1!, l1) })
                if (_vars.Count(x => x.Value.Name == v.Name && SymbolEqualityComparer.Default.Equals(x.Key.ContainingSymbol, sym.ContainingSymbol)) > 1)
                {
                    Report(Descriptors.LocalArray, a, sym.Name, $"another name refers to the same array, and DiffGen swaps two T[,] locals by exchanging their elements; swap the two names only");
                    return true;
                }
            output.AddRange(_pending);
            _pending.Clear();
            var type = l0.Type;
            var sizes = new List<Expr> { Len(l0.Name, type, null, 0), Len(l0.Name, type, null, 1) };
            output.AddRange(ShapeCheck(s0!.Name, l1.Name, type, sizes,
                $"DiffGen swaps the T[,] locals '{s0.Name}' and '{s1!.Name}' by exchanging their elements, which needs one shape; these have two. Copy the elements, or keep arrays of one shape."));
            var i = FreshName("__sw");
            var j = FreshName("__sw");
            var t = FreshName("__swap");
            EquatableArray<Expr> At() => new Expr[] { new VarRef(i, IrType.Int), new VarRef(j, IrType.Int) }.ToEquatable();
            var body = new Stmt[]
            {
                new DeclScalar(t, new IrType(type.Elem, Shape.Scalar), new ElemRef(l0.Name, type, At())),
                new Assign(new ElemRef(l0.Name, type, At()), AssignOp.Set, new ElemRef(l1.Name, type, At())),
                new Assign(new ElemRef(l1.Name, type, At()), AssignOp.Set, new VarRef(t, new IrType(type.Elem, Shape.Scalar))),
            }.ToEquatable();
            output.Add(new For(i, new Const(0, IrType.Int), BinaryOp.Lt, sizes[0], 1,
                new Stmt[] { new For(j, new Const(0, IrType.Int), BinaryOp.Lt, sizes[1], 1, body) }.ToEquatable()));
            return true;
        }

        /// <summary><c>a = b;</c> between members of a swap group: a copies b's row number. False when it is not such an assignment.</summary>
        private bool TryLowerSwapAssignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression)) return false;
            // T[,] references swapped (a 2-D heat equation): not held as rows; say what to write
            bool Matrix(ExpressionSyntax e) => e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol { Type: IArrayTypeSymbol { Rank: >= 2 } };
            if (TrySwapMatrixElements(a, output) || TrySwapJaggedRows(a, output)) return true;
            if (Matrix(a.Left) && Matrix(a.Right) && !IsFreshLocal(a, unusedAfter: true) // rot = next; of a new T[,] of the loop: a copy (ArrayReassignment.cs)
                || a.Left is TupleExpressionSyntax lm && a.Right is TupleExpressionSyntax && lm.Arguments.Any(x => Matrix(x.Expression)))
            {
                Report(Descriptors.LocalArray, a, a.Left.ToString(), "references of T[,] locals cannot be swapped (local T[]s can): keep the state in T[]s indexed [i * cols + j] and swap those, or copy the elements (for (...) for (...) a[i, j] = b[i, j];)");
                return true;
            }
            if (LocalVector(a.Left) is { } l && LocalVector(a.Right) is { } r && _swapGroups.ContainsKey(l))
            {
                if (!_swapSlots.TryGetValue(l, out var ls) || !_swapSlots.TryGetValue(r, out var rs)) { Suppress(); return true; }
                _reassigned.Add(ls);
                output.Add(new Assign(new VarRef(ls, IrType.Int), AssignOp.Set, new VarRef(rs, IrType.Int)));
                return true;
            }
            if (a.Left is TupleExpressionSyntax lt && a.Right is TupleExpressionSyntax rt && lt.Arguments.Count == rt.Arguments.Count
                && lt.Arguments.All(x => LocalVector(x.Expression) is { } s && _swapGroups.ContainsKey(s)))
            {
                var temps = new List<string>();
                foreach (var y in rt.Arguments)
                {
                    if (LocalVector(y.Expression) is not { } rs || !_swapSlots.TryGetValue(rs, out var rslot)) { Suppress(); return true; }
                    var t = FreshName("__swap");
                    temps.Add(t);
                    output.Add(new DeclScalar(t, IrType.Int, new VarRef(rslot, IrType.Int)));
                }
                for (int k = 0; k < lt.Arguments.Count; k++)
                {
                    if (!_swapSlots.TryGetValue(LocalVector(lt.Arguments[k].Expression)!, out var ls)) { Suppress(); return true; }
                    _reassigned.Add(ls);
                    output.Add(new Assign(new VarRef(ls, IrType.Int), AssignOp.Set, new VarRef(temps[k], IrType.Int)));
                }
                return true;
            }
            return false;
        }
    }
}
