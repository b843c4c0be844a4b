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
    internal sealed partial class DifferentiableParser
    {
        private const string IndexContext = "an array index";

        /// <summary>
        /// An int or bool expression that the backward pass can recompute: no float/double value in it; an array index made from
        /// a float value is put in an int local first (restored by the reverse sweep).
        /// </summary>
        private Expr? LowerIntExpr(ExpressionSyntax e, string what)
        {
            var x = LowerExpr(e);
            if (x is null) return null;
            if (x.Type.Elem is not (Scalar.Int or Scalar.Bool) || x.Type.IsArray)
            {
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"{what} must be an int expression; use an int loop counter, an int local or .Length/GetLength");
                return null;
            }
            if (IrQueries.ReadsReal(x) && x.Type == IrType.Int && what == IndexContext && _hoistBan is { } ban)
            {
                if (SoftBanHit()) return null;
                // in a loop condition or bound the local would be computed once, before the loop
                Report(Descriptors.IntLocal, e, e.ToString(), what,
                    ban + "; compute the index into an int local where it is used ('int b = (int)(v * n);' in the loop body, then test w[b])");
                return null;
            }
            if (IrQueries.ReadsReal(x) && x.Type == IrType.Int && what == IndexContext)
            {
                // a[(int)(v * n)]: the index goes into an int local first, which the reverse sweep restores (derivative 0)
                var name = FreshName("__ix");
                _reassigned.Add(name);
                _pending.Add(new DeclScalar(name, IrType.Int, new Const(0, IrType.Int)));
                _pending.Add(new Assign(new VarRef(name, IrType.Int), AssignOp.Set, x));
                return new VarRef(name, IrType.Int);
            }
            if (IrQueries.ReadsReal(x))
            {
                Report(Descriptors.IntLocal, e, e.ToString(), what,
                    "store it in an int local first ('int m = (int)x;', then use m: the backward pass keeps that local's values), or compare the values directly inside 'if' or '?:' where the outcome is used ('if (x > 0) s += x;', 's += x > 0 ? x : 0;')");
                return null;
            }
            return x;
        }

        /// <summary>
        /// <c>++k</c>, <c>k--</c> on an int local inside an expression (<c>if (++steps &gt; max) break;</c>, <c>buf[count++] = v;</c>): the
        /// step goes before the statement (with the statement's other inlined steps, so under a <c>&amp;&amp;</c> it runs only where C#
        /// runs it) and the expression reads k (prefix) or k ∓ 1 (postfix, the old value). Only when nothing else in the statement
        /// (in an if or while: its condition) reads k, since C# would read it before or after the step depending on its place, and
        /// not in a loop condition or bound (computed once there).
        /// </summary>
        private Expr? LowerEmbeddedIncrement(ExpressionSyntax e, ExpressionSyntax operand, bool increment, bool prefix)
        {
            if (_hoistBan is not null && SoftBanHit()) return null; // a while condition: lowered again into the loop (LowerWhile)
            var sym = _model.GetSymbolInfo(operand, _ct).Symbol;
            SyntaxNode unit = e;
            while (unit.Parent is { } up && up is not StatementSyntax) unit = up;
            bool readElsewhere = sym is not null && unit.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Any(id => id != operand && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _ct).Symbol, sym));
            bool inLambda = e.Ancestors().TakeWhile(a => a != unit).Any(a => a is AnonymousFunctionExpressionSyntax);
            if (operand is not IdentifierNameSyntax || sym is not (ILocalSymbol or IParameterSymbol) || !_vars.TryGetValue(sym, out var v) || v.Type != IrType.Int
                || _hoistBan is not null || readElsewhere || inLambda)
            {
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), readElsewhere
                    ? $"++/-- inside an expression is supported on an int local that nothing else in the statement reads; '{operand}' is read there too, so write the step as its own statement"
                    : _hoistBan is not null ? "++/-- inside a loop condition or bound is not supported (it would be computed once); write the step as its own statement in the loop body"
                    : "++/-- inside an expression is supported on int locals only; write it as its own statement");
                return null;
            }
            var target = LowerTarget(operand);
            if (target is null) return null;
            _pending.Add(new Assign(target, increment ? AssignOp.Add : AssignOp.Sub, new Const(1, IrType.Int)));
            return prefix ? target : new Binary(increment ? BinaryOp.Sub : BinaryOp.Add, target, new Const(1, IrType.Int), IrType.Int);
        }

        /// <summary>The type of a computed value: <see cref="MapType"/>, and long or nint (arithmetic on a long or nint loop counter) as int.</summary>
        private static IrType? MapValueType(ITypeSymbol t) => MapType(t) ?? (t.SpecialType is SpecialType.System_Int64 or SpecialType.System_IntPtr ? IrType.Int : null);

        private Expr? LowerExpr(ExpressionSyntax e)
        {
            _ct.ThrowIfCancellationRequested();
            var info = _model.GetTypeInfo(e, _ct);
            // (long: only a long loop counter and the values compared with it, which are ints in the IR)
            var converted = info.ConvertedType is null ? null : MapValueType(info.ConvertedType);

            var constant = _model.GetConstantValue(e, _ct);
            if (constant.HasValue && converted is { IsArray: false } ct && ct.Elem != Scalar.Void)
            {
                switch (constant.Value)
                {
                    case bool b: return new Const(b ? 1 : 0, IrType.Bool);
                    case int or long or float or double or short or byte or uint:
                        return new Const(System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture), ct);
                }
            }

            // 'double r = deg;', '(double)deg', 'Math.Cos(deg)': a conversion operator of the user's struct or class, inlined
            bool mayConvert = e is CastExpressionSyntax || info.Type is INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Struct or TypeKind.Class } from
                && info.ConvertedType is { } to && !SymbolEqualityComparer.Default.Equals(from, to);
            var core = mayConvert && UserConversion(e) is { } conversion && MapType(conversion.ReturnType) is { IsArray: false } ? OneResult(e, InlineMethod(e, conversion)) : LowerCore(e);
            if (core is null) return null;
            if (converted is { } c && c != core.Type && !core.Type.IsArray && !c.IsArray && c.Elem is not (Scalar.Void or Scalar.Bool))
                return new IR.Convert(core, c);
            return core;
        }

        private Expr? LowerCore(ExpressionSyntax e)
        {
            if (e is BinaryExpressionSyntax or IsPatternExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax)
            {
                var optional = LowerOptionalElement(e, out bool ofOptional); // weights?[i] ?? 1.0 on an optional array parameter (OptionalArrays.cs)
                if (ofOptional) return optional;
                var read = LowerNullableRead(e, out bool nullable); // best ?? 0, scale.Value, v > best on double? values (NullableValues.cs)
                if (nullable) return read;
                if (LowerArrayNullTest(e) is { } given) return given; // 'weights != null' for an optional array parameter (OptionalArrays.cs)
            }
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return LowerExpr(p.Expression);
                case RefExpressionSyntax:
                    Report(Descriptors.UnsupportedExpression, e, e.ToString(), "a ref local aliases an array element, which DiffGen does not track; index the array where the local is used ('acc[k] += v;', with 'int k = ...;' computed once)");
                    return null;
                case CheckedExpressionSyntax ce: // checked(2 * i + 1): the same value (the overflow check is the user's method's business)
                    return LowerExpr(ce.Expression);
                case IsPatternExpressionSyntax ip: // v is > 0 and < 1: the pattern's comparisons (Switch.cs)
                    {
                        var gov = LowerExpr(ip.Expression);
                        return gov is null ? null : LowerPattern(ip.Pattern, gov);
                    }
                case IdentifierNameSyntax id:
                    {
                        var sym = _model.GetSymbolInfo(id, _ct).Symbol;
                        if (RefAlias(sym) is { } alias) return LowerExpr(alias); // a ref local: the element it refers to, read here
                        if (sym is not null && (_nullableLocals.ContainsKey(sym) || sym is IParameterSymbol np && _nullableParams.Contains(np)))
                        {
                            Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, NullableAdvice);
                            return null;
                        }
                        if (sym is not null && _structArrays.TryGetValue(sym, out var structs))
                        {
                            Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, $"a local array of {structs.Type.Name} is one array per field: it can be indexed ('{id}[i].X', '{id}[i] = ...', 'var p = {id}[i]'), measured ('{id}.Length'), iterated (foreach) or passed to a helper's {structs.Type.Name}[] parameter; use it in one of those ways");
                            return null;
                        }
                        if (sym is not null && _spanViews.ContainsKey(sym))
                        {
                            Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, "a span local viewing part of an array can be indexed (row[j]), measured (row.Length), sliced (row.Slice(a, n), row[a..b]), iterated (foreach), filled, cleared or copied (Fill, Clear, CopyTo), or passed to a helper's span parameter; use it in one of those ways, or index the array with the offset");
                            return null;
                        }
                        if (sym is not null && _substituted.TryGetValue(sym, out var sub)) return sub;
                        if (sym is not null && _vars.TryGetValue(sym, out var v))
                            return v.Type.IsArray ? new ArrayRef(v.Name, v.Type, v.Row) : new VarRef(v.Name, v.Type);
                        // A local whose declaration was already reported, or a name C# cannot bind (the compiler says so).
                        if (sym is null || _rejected.Contains(sym)) return Suppress();
                        var own = LowerStructThisMember(id, sym, out bool inStruct); // X inside a struct's own member (StructValues.cs)
                        if (inStruct) return own;
                        if (_tupleVars.ContainsKey(sym) || _structArgs.ContainsKey(sym))
                        {
                            Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, "a tuple or struct local can only be read element by element ('t.Item1', 'p.X'), passed to a helper, or assigned whole; read its elements here");
                            return null;
                        }
                        var member = LowerOtherIdentifier(id, sym, out bool handled); // a field, a property (Members.cs)
                        if (handled) return member;
                        if (PrimaryConstructorParameter(sym) is { } why)
                        {
                            // one diagnostic per parameter, not one per read
                            Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, why);
                            _rejected.Add(sym);
                            return null;
                        }
                        Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, sym is IFieldSymbol or IPropertySymbol
                            ? "reads of fields and properties are not supported (const fields are); pass the value as a parameter"
                            : "only parameters, locals and loop counters can be read; pass the value as a parameter");
                        return null;
                    }
                case LiteralExpressionSyntax lit:
                    Report(Descriptors.UnsupportedExpression, lit, lit.ToString(), lit.Token.Value is uint or long or ulong or decimal
                        ? "DiffGen's integers are int (and its reals float and double): uint, long, ulong and decimal values are not supported; write the value as an int (unchecked((int)0x80000000u) for a bit mask, x & int.MinValue for the sign bit) or a double"
                        : "only numeric and bool literals are supported; remove it (text has no derivative) or pass a number instead");
                    return null;
                case PrefixUnaryExpressionSyntax pu when UserOperator(pu) is { } uop:
                    return OneResult(pu, InlineMethod(pu, uop)); // a struct's operator (StructValues.cs)
                case PrefixUnaryExpressionSyntax pu:
                    {
                        if (pu.IsKind(SyntaxKind.UnaryPlusExpression)) return LowerExpr(pu.Operand);
                        if (pu.IsKind(SyntaxKind.UnaryMinusExpression) || pu.IsKind(SyntaxKind.LogicalNotExpression))
                        {
                            var x = LowerExpr(pu.Operand);
                            if (x is null) return null;
                            var t = MapType(_model.GetTypeInfo(pu, _ct).Type!) ?? x.Type;
                            return new Unary(pu.IsKind(SyntaxKind.UnaryMinusExpression) ? UnaryOp.Neg : UnaryOp.Not, x, t);
                        }
                        if (pu.IsKind(SyntaxKind.PreIncrementExpression) || pu.IsKind(SyntaxKind.PreDecrementExpression))
                            return LowerEmbeddedIncrement(pu, pu.Operand, pu.IsKind(SyntaxKind.PreIncrementExpression), prefix: true);
                        Report(Descriptors.UnsupportedExpression, pu, pu.ToString(),
                            pu.IsKind(SyntaxKind.PreIncrementExpression) || pu.IsKind(SyntaxKind.PreDecrementExpression) ? "++/-- inside an expression is not supported; write it as its own statement"
                            : pu.IsKind(SyntaxKind.IndexExpression) ? "an index from the end (^k) is supported only inside an array index: write a[^k] or a[a.Length - k]"
                            : $"the operator '{pu.OperatorToken.Text}' is not in DiffGen's differentiable subset; write it with arithmetic");
                        return null;
                    }
                case BinaryExpressionSyntax b when IsTextComparison(b):
                    return LowerTextComparison(b); // reduction == "mean" on a string parameter (Members.cs)
                case BinaryExpressionSyntax b when UnsignedOperands(b) is var (ux, uy):
                    return LowerUnsignedComparison(b, ux, uy); // (uint)i >= (uint)n, the bounds check of .NET code
                case BinaryExpressionSyntax b when UserOperator(b) is { } bop:
                    return OneResult(b, InlineMethod(b, bop)); // 'a * b' a struct declares (StructValues.cs)
                case BinaryExpressionSyntax b:
                    {
                        var op = b.Kind() switch
                        {
                            SyntaxKind.AddExpression => BinaryOp.Add,
                            SyntaxKind.SubtractExpression => BinaryOp.Sub,
                            SyntaxKind.MultiplyExpression => BinaryOp.Mul,
                            SyntaxKind.DivideExpression => BinaryOp.Div,
                            SyntaxKind.ModuloExpression => BinaryOp.Mod,
                            SyntaxKind.LessThanExpression => BinaryOp.Lt,
                            SyntaxKind.LessThanOrEqualExpression => BinaryOp.Le,
                            SyntaxKind.GreaterThanExpression => BinaryOp.Gt,
                            SyntaxKind.GreaterThanOrEqualExpression => BinaryOp.Ge,
                            SyntaxKind.EqualsExpression => BinaryOp.Eq,
                            SyntaxKind.NotEqualsExpression => BinaryOp.Ne,
                            SyntaxKind.LogicalAndExpression => BinaryOp.And,
                            SyntaxKind.LogicalOrExpression => BinaryOp.Or,
                            SyntaxKind.LeftShiftExpression => BinaryOp.Shl,
                            SyntaxKind.RightShiftExpression => BinaryOp.Shr,
                            SyntaxKind.BitwiseAndExpression => BinaryOp.BitAnd,
                            SyntaxKind.BitwiseOrExpression => BinaryOp.BitOr,
                            SyntaxKind.ExclusiveOrExpression => BinaryOp.BitXor,
                            _ => (BinaryOp?)null,
                        };
                        if (op is null)
                        {
                            // an operand whose declaration was reported (a double? local): that diagnostic is the root cause
                            if (b.DescendantNodes().OfType<IdentifierNameSyntax>().Any(id => _model.GetSymbolInfo(id, _ct).Symbol is { } rs && _rejected.Contains(rs))) return Suppress();
                            Report(Descriptors.UnsupportedExpression, b, b.OperatorToken.Text, b.IsKind(SyntaxKind.CoalesceExpression)
                                ? "'??' works on double?, float? and int? values; for other types keep a bool beside the value ('bool found = false; double best = 0;') and write 'found ? best : 0.0'"
                                : "rewrite it with the supported operators: + - * / % << >> & | ^ (ints) < <= > >= == != && || (Math.Pow for powers)");
                            return null;
                        }
                        var l = LowerExpr(b.Left);
                        // the right side of && and || runs only when it decides: so do the statements of helpers it calls
                        List<Stmt>? rightPre = null;
                        var r = op is BinaryOp.And or BinaryOp.Or ? LowerBranch(b.Right, out rightPre) : LowerExpr(b.Right);
                        if (l is null || r is null) return null;
                        if (rightPre is { Count: > 0 })
                            EmitGuarded(op == BinaryOp.And ? l : new Unary(UnaryOp.Not, l, IrType.Bool), rightPre, new List<Stmt>());
                        var t = MapValueType(_model.GetTypeInfo(b, _ct).Type!);
                        if (t is null || t.Value.IsArray || l.Type.IsArray || r.Type.IsArray)
                        {
                            Report(Descriptors.UnsupportedExpression, b, b.ToString(), "operands must be int, bool, float or double scalars; index the array (a[i]) and combine the elements in a loop");
                            return null;
                        }
                        if (op is BinaryOp.Shl or BinaryOp.Shr && t.Value != IrType.Int)
                        {
                            Report(Descriptors.UnsupportedExpression, b, b.ToString(), "shifts are supported on int values only");
                            return null;
                        }
                        if (op is BinaryOp.BitAnd or BinaryOp.BitOr or BinaryOp.BitXor && t.Value == IrType.Bool)
                            op = op == BinaryOp.BitAnd ? BinaryOp.And : op == BinaryOp.BitOr ? BinaryOp.Or : BinaryOp.Ne; // a & b on bools: both always evaluated, same value
                        else if (op is BinaryOp.BitAnd or BinaryOp.BitOr or BinaryOp.BitXor && t.Value != IrType.Int)
                        {
                            Report(Descriptors.UnsupportedExpression, b, b.ToString(), "& | ^ are supported on int and bool values only; compute the bits on ints");
                            return null;
                        }
                        if (op == BinaryOp.Mod && t.Value.IsReal)
                        {
                            Report(Descriptors.UnsupportedExpression, b, b.ToString(), "'%' on float values is not differentiable; use it on ints only (x - Math.Floor(x / m) * m for a float remainder)");
                            return null;
                        }
                        return new Binary(op.Value, l, r, t.Value);
                    }
                case SwitchExpressionSyntax sx:
                    return LowerSwitchExpression(sx);
                case ConditionalExpressionSyntax c when c.WhenTrue is ThrowExpressionSyntax || c.WhenFalse is ThrowExpressionSyntax:
                    return LowerConditionalThrow(c); // ok ? v : throw ... (Throw.cs)
                case ConditionalExpressionSyntax c:
                    {
                        var cond = LowerExpr(c.Condition);
                        var a = LowerBranch(c.WhenTrue, out var preA);
                        var b = LowerBranch(c.WhenFalse, out var preB);
                        if (cond is null || a is null || b is null) return null;
                        EmitGuarded(cond, preA, preB);
                        var t = MapValueType(_model.GetTypeInfo(c, _ct).Type!);
                        if (t is null || t.Value.IsArray)
                        {
                            Report(Descriptors.UnsupportedExpression, c, c.ToString(), "both branches must be scalars; choose between arrays with if/else and index each one");
                            return null;
                        }
                        return new Conditional(cond, a, b, t.Value);
                    }
                case CastExpressionSyntax cast:
                    {
                        var x = LowerExpr(cast.Expression);
                        if (x is null) return null;
                        var t = MapType(_model.GetTypeInfo(cast, _ct).Type!);
                        if (t is null || t.Value.IsArray || t.Value.Elem == Scalar.Bool)
                        {
                            Report(Descriptors.UnsupportedExpression, cast, cast.ToString(), "only casts between int, float and double are supported; remove the cast or convert to one of those");
                            return null;
                        }
                        // An int made from a float value (a bin, an interpolation cell) has derivative 0; the reverse sweep stores it
                        // (Differentiator.ComputeRestoredInts).
                        return t.Value == x.Type ? x : new IR.Convert(x, t.Value);
                    }
                case ElementAccessExpressionSyntax ea:
                    return LowerElementAccess(ea);
                case MemberAccessExpressionSyntax { Name.Identifier.Text: "Count" or "Length" } ma when ObjectArrayOf(ma.Expression) is { } objects:
                    return CountOf(objects); // Layers.Count of an array or list of layer objects (ObjectArrays.cs)
                case MemberAccessExpressionSyntax ma when ma.Name.Identifier.Text == "Count" && _model.GetSymbolInfo(ma.Expression, _ct).Symbol is { } cs && IsStackSymbol(cs):
                    return new LengthOf(_vars[cs].Name, _vars[cs].Type, null, 0); // weights.Count of a List<T[,]> field: the stack's rows (Buffers.cs)
                case MemberAccessExpressionSyntax { Name.Identifier.Text: "Count" } ma when ListCount(ma.Expression) is { } count:
                    return count; // kept.Count of a List local (ListLocals.cs)
                case MemberAccessExpressionSyntax { Name.Identifier.Text: "Count" } ma when _model.GetSymbolInfo(ma.Expression, _ct).Symbol is IParameterSymbol lp
                    && (_paramKinds.TryGetValue(lp, out var lk) && lk is ArgKind.List or ArgKind.Sequence || _listRows.Contains(lp)) && _vars.TryGetValue(lp, out var lv):
                    return Len(lv.Name, lv.Type, null, -1); // weights.Count of a List parameter (batch.Count of a List<T[]>): its array's length
                case MemberAccessExpressionSyntax { Name.Identifier.Text: "Count" } ma when _model.GetTypeInfo(ma.Expression, _ct).Type is { } listType
                    && (IsListInterface(listType, out _, out _) || listType.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>")
                    && LowerExpr(ma.Expression) is ArrayRef listArray:
                    return Len(listArray.Array, listArray.ArrayType, listArray.Row, -1); // v.Count of a helper's IReadOnlyList<double> parameter bound to an array
                case MemberAccessExpressionSyntax ma when _model.GetSymbolInfo(ma, _ct).Symbol is { IsStatic: false } && IsStructValue(ma.Expression):
                    return LowerStructMember(ma); // p.X, d.Length on a struct value (StructValues.cs)
                case MemberAccessExpressionSyntax ma when _model.GetSymbolInfo(ma, _ct).Symbol is IFieldSymbol { ContainingType.IsTupleType: true } element:
                    return LowerTupleElement(ma, element);
                case MemberAccessExpressionSyntax ma when ma.Name.Identifier.Text == "Length" && _model.GetSymbolInfo(ma, _ct).Symbol is { ContainingType: { } lengthOwner }
                    && lengthOwner.Locations.Any(l => l.IsInSource):
                    return LowerMemberAccess(ma); // p.Length of the user's own record or class (a pendulum's length), not an array's
                case MemberAccessExpressionSyntax ma when ma.Name.Identifier.Text is "Length" or "LongLength" && IsRentedLocal(_model.GetSymbolInfo(ma.Expression, _ct).Symbol):
                    Report(Descriptors.UnsupportedExpression, ma, ma.ToString(), RentedLengthAdvice); // buf.Length of ArrayPool.Rent(n) (PooledArrays.cs)
                    return null;
                case MemberAccessExpressionSyntax ma when ma.Name.Identifier.Text == "Length":
                    {
                        if (ViewOf(ma.Expression) is { } lview) return lview.Count; // row.Length of a span view (SpanViews.cs)
                        if (PartView(ma.Expression, out bool lpart) is { } pview) return pview.Count; // x[1..].Length, x.AsSpan(a, n).Length
                        if (lpart) return null;
                        if (StructArrayOf(ma.Expression) is { } lstructs) return Len(lstructs.Arrays[0].Name, lstructs.Arrays[0].Type, null, -1); // pts.Length (StructArrays.cs)
                        if (IsStackElement(ma.Expression)) return LowerStackLength(ma.Expression, -1, ma); // layers[l].Length (Buffers.cs)
                        if (LowerJaggedStackRowLength(ma.Expression) is { } jaggedRow) return jaggedRow; // w[l][o].Length of a double[][][] (Buffers.cs)
                        if (_model.GetSymbolInfo(ma.Expression, _ct).Symbol is { } sp && IsStackSymbol(sp))
                            return new LengthOf(_vars[sp].Name, _vars[sp].Type, null, 0); // layers.Length: the stack's rows
                        var target = LowerExpr(ma.Expression);
                        if (target is ArrayRef ar) return Len(ar.Array, ar.ArrayType, ar.Row, -1);
                        if (target is not null) Report(Descriptors.UnsupportedExpression, ma, ma.ToString(), "'.Length' is supported on arrays only; pass the size as an int parameter");
                        return null;
                    }
                case InvocationExpressionSyntax inv:
                    {
                        var length = LowerHighRankGetLength(inv, out bool handled); // x.GetLength(2) on a T[,,] (Members.cs)
                        if (handled) return length;
                        if (RejectSurfaceCall(inv)) return null;
                        return LowerInvocation(inv, asStatement: false);
                    }
                case MemberAccessExpressionSyntax ma:
                    return LowerMemberAccess(ma); // this.W, Type.Table, cfg.Tau (Members.cs)
                case AssignmentExpressionSyntax:
                    Report(Descriptors.UnsupportedExpression, e, e.ToString(), "assignments inside expressions are not supported; write the assignment as its own statement");
                    return null;
                case PostfixUnaryExpressionSyntax po when po.IsKind(SyntaxKind.PostIncrementExpression) || po.IsKind(SyntaxKind.PostDecrementExpression):
                    return LowerEmbeddedIncrement(po, po.Operand, po.IsKind(SyntaxKind.PostIncrementExpression), prefix: false);
                case PostfixUnaryExpressionSyntax:
                    Report(Descriptors.UnsupportedExpression, e, e.ToString(), "++/-- inside an expression is not supported; write it as its own statement");
                    return null;
                case LambdaExpressionSyntax or AnonymousMethodExpressionSyntax:
                    Report(Descriptors.UnsupportedExpression, e, "lambda", "a lambda can only be stored in a local and called ('Func<double, double> f = v => v * v;' then 'f(x)'); write it as a local function or a static helper method and call that");
                    return null;
                case ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax:
                    Report(Descriptors.UnsupportedExpression, e, e.ToString(), "objects cannot be created, and arrays only in a local declaration: write 'T[] a = new T[n];' (or 'new T[n, m]') as its own statement and fill it with a loop");
                    return null;
                default:
                    Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"{e.Kind()} is not in DiffGen's differentiable subset; rewrite it with locals, arithmetic, Math calls, array indexing and calls of [Differentiable] methods");
                    return null;
            }
        }

        private Expr? LowerElementAccess(ElementAccessExpressionSyntax ea)
        {
            if (ViewOf(ea.Expression) is { } view) return LowerViewElement(ea, view); // row[j] of a span view (SpanViews.cs)
            if (PartView(ea.Expression, out bool ofPart) is { } partView) return LowerViewElement(ea, partView); // x[1..][k], x.AsSpan(a)[k]
            if (ofPart) return null;
            var stacked = LowerStackElement(ea, out bool ofStack); // layers[l][i, j] on a double[][,] (Buffers.cs)
            if (ofStack) return stacked;
            var flat = LowerHighRankElement(ea, out bool highRank); // x[b, i, j] on a T[,,] (Members.cs)
            if (highRank) return flat;
            var target = LowerExpr(ea.Expression);
            if (target is null) return null;
            var idx = new List<Expr>();
            foreach (var a in ea.ArgumentList.Arguments)
            {
                // a[^k] is a[a.Length - k] (a[i, ^k]: the length of that dimension; row[^k]: the row's length)
                if (a.Expression is PrefixUnaryExpressionSyntax fromEnd && fromEnd.IsKind(SyntaxKind.IndexExpression) && target is ArrayRef far)
                {
                    var k = LowerIntExpr(fromEnd.Operand, "an array index");
                    if (k is null) return null;
                    var len = far.Row is not null || far.ArrayType.Shape != Shape.Matrix
                        ? Len(far.Array, far.ArrayType, far.Row, 0)
                        : Len(far.Array, far.ArrayType, null, idx.Count);
                    idx.Add(new Binary(BinaryOp.Sub, len, k, IrType.Int));
                    continue;
                }
                var i = LowerIntExpr(a.Expression, IndexContext);
                if (i is null) return null;
                idx.Add(i);
            }
            if (target is ArrayRef { Row: null } ar)
            {
                switch (ar.ArrayType.Shape)
                {
                    case Shape.Vector when idx.Count == 1: return MaskRead(ea, new ElemRef(ar.Array, ar.ArrayType, idx.ToEquatable()));
                    case Shape.Matrix when idx.Count == 2: return MaskRead(ea, new ElemRef(ar.Array, ar.ArrayType, idx.ToEquatable()));
                    case Shape.Jagged when idx.Count == 1: return new ArrayRef(ar.Array, ar.ArrayType, idx[0]);
                    case Shape.Matrix when idx.Count == 1 && _rowBuffers.Contains(ar.Array): return new ArrayRef(ar.Array, ar.ArrayType, idx[0]); // a row of a jagged local
                }
            }
            else if (target is ArrayRef { Row: { } row } jr && idx.Count == 1)
                return new ElemRef(jr.Array, jr.ArrayType, new[] { row, idx[0] }.ToEquatable());
            Report(Descriptors.UnsupportedExpression, ea, ea.ToString(), "index arrays with one int per dimension: a[i], a[i, j] or a[i][j]");
            return null;
        }

        /// <summary>An element of a bool[] mask parameter (an int 0/1 in the array form) read as the bool it is: <c>mask[i] != 0</c>.</summary>
        private Expr MaskRead(ElementAccessExpressionSyntax ea, ElemRef e) =>
            e.Type.Elem == Scalar.Int && _model.GetTypeInfo(ea, _ct).Type?.SpecialType == SpecialType.System_Boolean
                ? new Binary(BinaryOp.Ne, e, new Const(0, IrType.Int), IrType.Bool)
                : e;

        private static readonly Dictionary<string, Fn> s_intrinsics = new(StringComparer.Ordinal)
        {
            ["Exp"] = Fn.Exp, ["Log"] = Fn.Log, ["Sqrt"] = Fn.Sqrt, ["Pow"] = Fn.Pow, ["Abs"] = Fn.Abs,
            ["Max"] = Fn.Max, ["Min"] = Fn.Min, ["Tanh"] = Fn.Tanh, ["Sin"] = Fn.Sin, ["Cos"] = Fn.Cos,
            ["Tan"] = Fn.Tan, ["Atan"] = Fn.Atan, ["Asin"] = Fn.Asin, ["Acos"] = Fn.Acos, ["Sinh"] = Fn.Sinh, ["Cosh"] = Fn.Cosh,
            ["Log2"] = Fn.Log2, ["Log10"] = Fn.Log10, ["Cbrt"] = Fn.Cbrt, ["Atan2"] = Fn.Atan2, ["Clamp"] = Fn.Clamp,
            ["Floor"] = Fn.Floor, ["Ceiling"] = Fn.Ceiling, ["Round"] = Fn.Round, ["Truncate"] = Fn.Truncate, ["Sign"] = Fn.Sign,
        };

        /// <summary>Arguments of each intrinsic (the overloads with more, such as Round(x, digits) or Log(x, base), are not supported).</summary>
        private static int Arity(Fn fn) => fn switch
        {
            Fn.Pow or Fn.Max or Fn.Min or Fn.Atan2 => 2,
            Fn.Clamp or Fn.FusedMultiplyAdd => 3,
            Fn.Hypot => 2,
            _ => 1,
        };

        /// <summary>Functions lowered by <see cref="RewrittenIntrinsic"/>: to sums and products of the supported ones, or (FusedMultiplyAdd, Hypot) to intrinsics of their own.</summary>
        private static readonly HashSet<string> s_rewritten = new(StringComparer.Ordinal) { "FusedMultiplyAdd", "Log", "Hypot", "ScaleB", "Lerp", "MaxMagnitude", "MinMagnitude", "CopySign",
            "ExpM1", "LogP1", "Exp2", "Exp10", "Exp2M1", "Exp10M1", "Log2P1", "Log10P1" };

        /// <summary>
        /// <c>FusedMultiplyAdd(a, b, c)</c> and <c>Hypot(x, y)</c> stay themselves (a compensated sum needs the single rounding, a
        /// hypotenuse of 1e200s must not overflow); <c>Log(x, b)</c> is <c>Log(x) / Log(b)</c>; <c>MaxMagnitude</c>, <c>MinMagnitude</c>
        /// and <c>CopySign</c> are the selections .NET makes (their derivatives follow the selected argument, and |x|'s).
        /// Null (Expr unset) when the
        /// call is not one of them; a null Expr with the flag set means the arguments failed and were reported.
        /// </summary>
        private (Expr? Expr, bool Handled)? RewrittenIntrinsic(InvocationExpressionSyntax inv, IMethodSymbol target)
        {
            int n = inv.ArgumentList.Arguments.Count;
            bool fma = target.Name == "FusedMultiplyAdd" && n == 3, logBase = target.Name == "Log" && n == 2, hypot = target.Name == "Hypot" && n == 2;
            bool scaleB = target.Name == "ScaleB" && n == 2, lerp = target.Name == "Lerp" && n == 3;
            bool magnitude = target.Name is "MaxMagnitude" or "MinMagnitude" && n == 2, copySign = target.Name == "CopySign" && n == 2;
            // double.ExpM1(x) and the other generic-math statics of double/float below are, in .NET, exactly
            // Exp(x) - 1, Log(x + 1), Pow(2, x), Pow(10, x), ... (checked bit for bit): lowered to those
            bool shifted = n == 1 && target.ContainingType?.SpecialType is SpecialType.System_Double or SpecialType.System_Single
                && target.Name is "ExpM1" or "LogP1" or "Exp2" or "Exp10" or "Exp2M1" or "Exp10M1" or "Log2P1" or "Log10P1";
            if (!fma && !logBase && !hypot && !scaleB && !lerp && !magnitude && !copySign && !shifted) return null;
            var rt = MapType(target.ReturnType);
            if (rt is null || !rt.Value.IsReal) return null;
            var args = new List<Expr>();
            foreach (var a in inv.ArgumentList.Arguments)
            {
                var x = LowerExpr(a.Expression);
                if (x is null) return (null, true);
                args.Add(x.Type == rt.Value ? x : new IR.Convert(x, rt.Value));
            }
            var t = rt.Value;
            Expr One() => new Const(1, t);
            // ScaleB(x, n) = x·2ⁿ (n an int); Lerp(a, b, t) = a·(1 − t) + b·t, the form .NET computes
            if (scaleB) return (new Binary(BinaryOp.Mul, args[0], new Intrinsic(Fn.Pow, new[] { (Expr)new Const(2, t), args[1] }.ToEquatable(), t), t), true);
            if (lerp) return (new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, args[0], new Binary(BinaryOp.Sub, One(), args[2], t), t), new Binary(BinaryOp.Mul, args[1], args[2], t), t), true);
            if (fma) return (new Intrinsic(Fn.FusedMultiplyAdd, args.ToEquatable(), t), true);
            if (hypot) return (new Intrinsic(Fn.Hypot, args.ToEquatable(), t), true);
            if (shifted)
            {
                Expr F(Fn f, params Expr[] xs) => new Intrinsic(f, xs.ToEquatable(), t);
                Expr MinusOne(Expr v) => new Binary(BinaryOp.Sub, v, One(), t);
                Expr PlusOne(Expr v) => new Binary(BinaryOp.Add, v, One(), t);
                return (target.Name switch
                {
                    "ExpM1" => MinusOne(F(Fn.Exp, args[0])),
                    "LogP1" => F(Fn.Log, PlusOne(args[0])),
                    "Exp2" => F(Fn.Pow, new Const(2, t), args[0]),
                    "Exp10" => F(Fn.Pow, new Const(10, t), args[0]),
                    "Exp2M1" => MinusOne(F(Fn.Pow, new Const(2, t), args[0])),
                    "Exp10M1" => MinusOne(F(Fn.Pow, new Const(10, t), args[0])),
                    "Log2P1" => F(Fn.Log2, PlusOne(args[0])),
                    _ => F(Fn.Log10, PlusOne(args[0])),
                }, true);
            }
            if (magnitude || copySign)
            {
                Expr Abs(Expr v) => new Intrinsic(Fn.Abs, new[] { v }.ToEquatable(), t);
                Expr Cmp(BinaryOp op, Expr a, Expr b) => new Binary(op, a, b, IrType.Bool);
                Expr Zero() => new Const(0, t);
                // the sign bit, as .NET tests it: v < 0, or v is -0.0 (1 / -0.0 is -infinity); a NaN's sign is not seen
                Expr Negative(Expr v) => Cmp(BinaryOp.Or, Cmp(BinaryOp.Lt, v, Zero()), Cmp(BinaryOp.And, Cmp(BinaryOp.Eq, v, Zero()), Cmp(BinaryOp.Lt, new Binary(BinaryOp.Div, One(), v, t), Zero())));
                if (copySign) return (new Conditional(Negative(args[1]), new Unary(UnaryOp.Neg, Abs(args[0]), t), Abs(args[0]), t), true);
                // MaxMagnitude: x when |x| > |y| or x is NaN; on equal magnitudes the non-negative one (y when x is negative)
                var (ax, ay) = (Abs(args[0]), Abs(args[1]));
                bool max = target.Name == "MaxMagnitude";
                var firstWins = Cmp(BinaryOp.Or, Cmp(BinaryOp.Or, Cmp(max ? BinaryOp.Gt : BinaryOp.Lt, ax, ay), Cmp(BinaryOp.Ne, ax, ax)),
                    Cmp(BinaryOp.And, Cmp(BinaryOp.Eq, ax, ay), max ? new Unary(UnaryOp.Not, Negative(args[0]), IrType.Bool) : Negative(args[0])));
                return (new Conditional(firstWins, args[0], args[1], t), true);
            }
            return (new Binary(BinaryOp.Div, new Intrinsic(Fn.Log, new[] { args[0] }.ToEquatable(), t), new Intrinsic(Fn.Log, new[] { args[1] }.ToEquatable(), t), t), true);
        }

        /// <summary>
        /// <c>double.IsNaN(v)</c>, <c>IsInfinity</c>, <c>IsFinite</c>, <c>IsPositiveInfinity</c>, <c>IsNegativeInfinity</c>, <c>IsNegative</c>,
        /// <c>IsPositive</c>, <c>IsInteger</c> (and float's): comparisons of |v| or v with infinity, 0 or its floor (a NaN compares false),
        /// bool values without derivative like any comparison. Differs from .NET only for a NaN with the sign bit set (IsNegative false).
        /// </summary>
        private (Expr? Expr, bool Handled)? FloatClassification(InvocationExpressionSyntax inv, IMethodSymbol target)
        {
            if (target.ContainingType?.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single) || inv.ArgumentList.Arguments.Count != 1
                || target.Name is not ("IsNaN" or "IsInfinity" or "IsFinite" or "IsPositiveInfinity" or "IsNegativeInfinity" or "IsNegative" or "IsPositive" or "IsInteger"))
                return null;
            var v = LowerExpr(inv.ArgumentList.Arguments[0].Expression);
            if (v is null) return (null, true);
            var t = target.ContainingType.SpecialType == SpecialType.System_Single ? IrType.Float : IrType.Double;
            if (v.Type != t) v = new IR.Convert(v, t);
            var inf = new Const(double.PositiveInfinity, t);
            var abs = new Intrinsic(Fn.Abs, new[] { v }.ToEquatable(), t);
            Expr e = target.Name switch
            {
                "IsNaN" => new Unary(UnaryOp.Not, new Binary(BinaryOp.Le, abs, inf, IrType.Bool), IrType.Bool),
                "IsInfinity" => new Binary(BinaryOp.Eq, abs, inf, IrType.Bool),
                "IsFinite" => new Binary(BinaryOp.Lt, abs, inf, IrType.Bool),
                "IsPositiveInfinity" => new Binary(BinaryOp.Eq, v, inf, IrType.Bool),
                "IsNegativeInfinity" => new Binary(BinaryOp.Eq, v, new Const(double.NegativeInfinity, t), IrType.Bool),
                "IsNegative" => Negative(),
                "IsPositive" => new Unary(UnaryOp.Not, Negative(), IrType.Bool),
                // a finite value equal to its floor
                _ => new Binary(BinaryOp.And, new Binary(BinaryOp.Eq, new Intrinsic(Fn.Floor, new[] { v }.ToEquatable(), t), v, IrType.Bool), new Binary(BinaryOp.Lt, abs, inf, IrType.Bool), IrType.Bool),
            };
            // the sign bit: v < 0, or v == -0.0 (1 / -0.0 is -infinity); a NaN counts as not negative whatever its sign bit
            Expr Negative() => new Binary(BinaryOp.Or, new Binary(BinaryOp.Lt, v, new Const(0, t), IrType.Bool),
                new Binary(BinaryOp.And, new Binary(BinaryOp.Eq, v, new Const(0, t), IrType.Bool),
                    new Binary(BinaryOp.Lt, new Binary(BinaryOp.Div, new Const(1, t), v, t), new Const(0, t), IrType.Bool), IrType.Bool), IrType.Bool);
            return (e, true);
        }

        private const string SupportedIntrinsics =
            "Exp, Log, Sqrt, Pow, Abs, Max, Min, Clamp, Tanh, Sin, Cos, Tan, Atan, Atan2, Asin, Acos, Sinh, Cosh, Log2, Log10, Cbrt, and with derivative 0: Floor, Ceiling, Round, Truncate, Sign";

        private Expr? LowerInvocation(InvocationExpressionSyntax inv, bool asStatement)
        {
            var target = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
            if (target is null) return Suppress(); // the C# compiler reports why the call does not bind
            if (inv.Expression is IdentifierNameSyntax callee && _model.GetSymbolInfo(callee, _ct).Symbol is { } cs && _rejected.Contains(cs))
                return Suppress(); // a delegate local whose declaration was reported (DIFF0002)
            if (target.MethodKind == MethodKind.DelegateInvoke)
                return LowerDelegateCall(inv, asStatement);
            var reduction = TryLowerLinqReduction(inv, target, out bool isLinq); // x.Sum(), x.Max(v => ...): a loop before the statement
            if (isLinq) return reduction;

            // a.GetLength(d)
            if (target.Name == "GetLength" && inv.Expression is MemberAccessExpressionSyntax gl && inv.ArgumentList.Arguments.Count == 1)
            {
                if (IsStackElement(gl.Expression)) // layers[l].GetLength(1) (Buffers.cs)
                {
                    if (_model.GetConstantValue(inv.ArgumentList.Arguments[0].Expression, _ct) is { HasValue: true, Value: int sd } && sd >= 0)
                        return LowerStackLength(gl.Expression, sd, inv);
                    Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "GetLength needs a constant dimension");
                    return null;
                }
                var arr = LowerExpr(gl.Expression);
                if (arr is null) return null; // the array's own diagnostic says why
                if (arr is ArrayRef ar && _model.GetConstantValue(inv.ArgumentList.Arguments[0].Expression, _ct) is { HasValue: true, Value: int dim } && dim >= 0 && dim < 2)
                    return Len(ar.Array, ar.ArrayType, ar.Row, dim);
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "GetLength needs a constant dimension 0 or 1 on an array parameter or local; write a.GetLength(0) or a.GetLength(1)");
                return null;
            }

            var containing = target.ContainingType?.ToDisplayString();
            if (FloatClassification(inv, target) is { } test) return test.Expr;
            // double.Exp, float.Sqrt, ... (the generic-math statics) are the Math/MathF functions under another name
            bool mathStatic = target.ContainingType?.SpecialType is SpecialType.System_Double or SpecialType.System_Single && (s_intrinsics.ContainsKey(target.Name) || s_rewritten.Contains(target.Name));
            if (containing is "System.Math" or "System.MathF" || mathStatic)
            {
                if (RewrittenIntrinsic(inv, target) is { } rewritten) return rewritten.Expr;
                if (target.Name is "ReciprocalEstimate" or "ReciprocalSqrtEstimate")
                {
                    Report(Descriptors.NotDifferentiableCall, inv, containing + "." + target.Name,
                        "its value is a hardware estimate (as few as 12 to 14 correct bits, different from one CPU to the next), which the generated code cannot reproduce and whose finite differences are steps; write " + (target.Name == "ReciprocalEstimate" ? "1.0 / x" : "1.0 / Math.Sqrt(x)") + " instead");
                    return null;
                }
                if (!s_intrinsics.TryGetValue(target.Name, out var fn))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, containing + "." + target.Name,
                        "it is not in DiffGen's differentiable subset (supported: " + SupportedIntrinsics + "; also FusedMultiplyAdd, Hypot, Lerp, ScaleB, MaxMagnitude, MinMagnitude, CopySign and Log(x, base), as what they compute; the same names on double/float, and double/float's ExpM1, LogP1, Exp2, Exp10, Exp2M1, Exp10M1, Log2P1, Log10P1); write it with those");
                    return null;
                }
                if (fn == Fn.Round && inv.ArgumentList.Arguments.Count == 2 && target.Parameters[1].Type.SpecialType == SpecialType.System_Int32)
                {
                    // Math.Round(x, digits) is .NET's Round(x * 10^digits) / 10^digits (to even; derivative 0 like Round)
                    var x = LowerExpr(inv.ArgumentList.Arguments[0].Expression);
                    var digits = LowerIntExpr(inv.ArgumentList.Arguments[1].Expression, "the number of digits");
                    if (x is null || digits is null) return null;
                    Expr p10 = digits is Const dc ? new Const(Math.Pow(10, dc.Value), x.Type)
                        : new Intrinsic(Fn.Pow, new Expr[] { new Const(10, x.Type), new IR.Convert(digits, x.Type) }.ToEquatable(), x.Type);
                    return new Binary(BinaryOp.Div, new Intrinsic(Fn.Round, new Expr[] { new Binary(BinaryOp.Mul, x, p10, x.Type) }.ToEquatable(), x.Type), p10, x.Type);
                }
                if (inv.ArgumentList.Arguments.Count != Arity(fn))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, containing + "." + target.Name,
                        $"only its {Arity(fn)}-argument overload is supported{(fn == Fn.Round ? " (and Round(x, digits))" : "")}; call that one (Math.Round(x) rounds half to even, Math.Floor(x + 0.5) half up; Math.Log(x) / Math.Log(b) is a log in base b)");
                    return null;
                }
                var args = new List<Expr>();
                foreach (var a in inv.ArgumentList.Arguments)
                {
                    var x = LowerExpr(a.Expression);
                    if (x is null) return null;
                    args.Add(x);
                }
                var rt = MapType(target.ReturnType);
                if (rt is null || rt.Value.Elem == Scalar.Bool)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, containing + "." + target.Name, "only the float, double and int overloads are supported; convert the arguments to double (or float)");
                    return null;
                }
                return new Intrinsic(fn, args.ToEquatable(), rt.Value);
            }

            if (!HasDifferentiableAttribute(target))
                return LowerHelperCall(inv, target, asStatement); // a helper with source: inlined
            // The method calling itself ('c[i] + x * PolyRec(c, x, i + 1)'): its own body inlined like a recursive helper's, so a
            // tail call becomes a loop and a linear recursion is unrolled (DIFF0018); recursion that branches stays DIFF0006 there.
            if (SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, _method.OriginalDefinition))
            {
                if (SelfCallIsLinear(inv)) return LowerHelperCall(inv, target, asStatement);
                Report(Descriptors.Recursion, inv, _method.Name, Cycle(target), RecursionAdvice(inv));
                return null;
            }
            if (CalleeFails(target)) return Suppress(); // reported at the callee
            // A [Differentiable] scalar function of scalars whose body is one expression (a sigmoid, a softplus) is inlined
            // like a helper: the loop that calls it stays arithmetic (SIMD lanes, device code) instead of a call per element.
            // Same derivative: the callee's adjoint would propagate through every parameter too (none is [Constant]).
            if (!asStatement && IsOneExpressionScalarFunction(target)) return LowerHelperCall(inv, target, asStatement);
            // A layer's instance method ('L1.Forward(x, h)') or one that reads fields: its Backward takes inputs the call does
            // not pass, so it is inlined like a helper (RejectSurfaceCall said where it cannot be).
            if (SurfaceCallReason(target) is not null) return LowerHelperCall(inv, target, asStatement);

            var ps = new List<ParamInfo>();
            var callArgs = new List<Expr>();
            if (inv.ArgumentList.Arguments.Count != target.Parameters.Length || inv.ArgumentList.Arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
            {
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "pass every argument positionally (no named, optional, ref or out arguments)");
                return null;
            }
            for (int i = 0; i < target.Parameters.Length; i++)
            {
                var p = target.Parameters[i];
                var pt = MapType(p.Type);
                var argSyntax = inv.ArgumentList.Arguments[i].Expression;
                if (pt is null) return Suppress(); // the callee reports DIFF0002 at its own parameter
                bool written = pt.Value.IsArray && WritesParameter(target, i, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
                bool constant = pt.Value.IsReal && IsConstant(p);
                ps.Add(new ParamInfo(p.Name, pt.Value, written, constant));
                var arg = LowerExpr(argSyntax);
                if (arg is null) return null;
                if (constant) _constantArgs.Add((arg, argSyntax.GetLocation(), target.Name, p.Name));
                if (pt.Value.IsArray)
                {
                    if (arg is not ArrayRef ar || ar.Type != pt.Value)
                    {
                        Report(Descriptors.UnsupportedExpression, argSyntax, argSyntax.ToString(), (arg is ArrayRef { Row: null } jl && _rowBuffers.Contains(jl.Array) ? "a jagged local is held as a T[n, m] inside the method, so it cannot be passed whole: pass its rows h[i] to a helper taking a T[], or index it where it is declared" : $"pass an array variable (or a row z[i] of a jagged array) of type {pt.Value} to '{p.Name}'"));
                        return null;
                    }
                    if (IsRowView(ar))
                    {
                        Report(Descriptors.UnsupportedExpression, argSyntax, argSyntax.ToString(), $"a row of a jagged local or an array whose reference is swapped is held as a row of a T[,] and cannot be passed to the [Differentiable] method '{target.Name}'; copy it into a local T[] first ('var r = (double[])row.Clone();'), or call a helper without [Differentiable] (it is inlined)");
                        return null;
                    }
                    if (ar.Row is null && _dynamicLengths.ContainsKey(ar.Array))
                    {
                        // its buffer is sized for the longest row; the callee's array form would see that length
                        Report(Descriptors.UnsupportedExpression, argSyntax, argSyntax.ToString(), $"a local array whose size changes per row is one buffer sized for the longest row, so it cannot be passed to the [Differentiable] method '{target.Name}' (which would see that length); call a helper without [Differentiable] (it is inlined), or allocate the array once before the loop with one size");
                        return null;
                    }
                    if (written)
                    {
                        if (!pt.Value.IsReal) { Report(Descriptors.WriteToInput, argSyntax, argSyntax.ToString(), "the callee writes it and int array parameters are read-only; copy it into a local int[] and pass that"); return null; }
                        MarkWritten(argSyntax);
                    }
                }
                else if (arg.Type.IsArray)
                {
                    Report(Descriptors.UnsupportedExpression, argSyntax, argSyntax.ToString(), $"'{p.Name}' expects a scalar; pass an element (a[i]) or a scalar local");
                    return null;
                }
                callArgs.Add(arg);
            }
            var ret = target.ReturnsVoid ? IrType.Void : MapType(target.ReturnType) ?? IrType.Void;
            if (asStatement != target.ReturnsVoid)
            {
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), asStatement
                    ? "the result of a [Differentiable] call must be used; assign it ('double v = F(...);')"
                    : "a void [Differentiable] method can only be called as a statement; call it on its own line and read its output array afterwards");
                return null;
            }
            var mref = new MethodRef(target.ContainingType!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), target.Name, ret, ps.ToEquatable());
            return new Invoke(mref, callArgs.ToEquatable(), ret);
        }

        /// <summary>Is an element of the array named <paramref name="name"/> assigned somewhere in <paramref name="syntax"/>?</summary>
        private static bool WritesElementsOf(SyntaxNode syntax, string name)
        {
            foreach (var node in syntax.DescendantNodes())
            {
                ExpressionSyntax? target = node switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    _ => null,
                };
                if (target is ElementAccessExpressionSyntax)
                {
                    var e = target;
                    while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
                    if (e is IdentifierNameSyntax id && id.Identifier.Text == name) return true;
                }
            }
            return false;
        }

        /// <summary>Static, not generic, scalars in (by value, none [Constant]) and a real scalar out, body one expression.</summary>
        private bool IsOneExpressionScalarFunction(IMethodSymbol m)
        {
            if (!m.IsStatic || m.IsGenericMethod || m.ContainingType is { IsGenericType: true }) return false;
            if (MapType(m.ReturnType) is not { IsReal: true, IsArray: false }) return false;
            foreach (var p in m.Parameters)
                if (p.RefKind != RefKind.None || IsConstant(p) || MapType(p.Type) is not { IsArray: false } pt || pt.Elem == Scalar.Bool) return false;
            return HelperSyntax(m) is MethodDeclarationSyntax md
                && (md.ExpressionBody is not null || md.Body is { Statements.Count: 1 } b && b.Statements[0] is ReturnStatementSyntax { Expression: not null });
        }

        private static bool HasDifferentiableAttribute(IMethodSymbol m) =>
            m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeName);

        /// <summary>
        /// Does the method assign elements of its parameter <paramref name="index"/>, directly or by passing it to
        /// another [Differentiable] method or a helper (inlined) that does? Syntactic, which suffices for a subset without aliasing.
        /// </summary>
        private bool WritesParameter(IMethodSymbol method, int index, HashSet<IMethodSymbol> visited)
        {
            if (!visited.Add(method)) return false;
            var name = method.Parameters[index].Name;
            foreach (var syntax in method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_ct)).Where(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax))
            {
                if (WritesElementsOf(syntax, name)) return true;
                SemanticModel? model = null;
                foreach (var inv in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var args = inv.ArgumentList.Arguments;
                    for (int j = 0; j < args.Count; j++)
                    {
                        if (args[j].Expression is not IdentifierNameSyntax id || id.Identifier.Text != name) continue;
                        model ??= _model.Compilation.GetSemanticModel(syntax.SyntaxTree);
                        if (model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol callee && (HasDifferentiableAttribute(callee) || HelperSyntax(callee) is not null)
                            && j < callee.Parameters.Length && WritesParameter(callee, j, visited))
                            return true;
                        // a lambda stored in a local and called with the array: does its body write that parameter?
                        if (model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol { MethodKind: MethodKind.DelegateInvoke }
                            && inv.Expression is IdentifierNameSyntax fid && model.GetSymbolInfo(fid, _ct).Symbol is ILocalSymbol fl
                            && fl.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is VariableDeclaratorSyntax { Initializer.Value: AnonymousFunctionExpressionSyntax lambda }
                            && model.GetSymbolInfo(lambda, _ct).Symbol is IMethodSymbol lm && j < lm.Parameters.Length
                            && WritesElementsOf(lambda, lm.Parameters[j].Name))
                            return true;
                    }
                }
            }
            return false;
        }
    }
}
