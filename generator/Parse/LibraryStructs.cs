using System;
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
    /// Library structs split into their parts like the user's own structs (StructValues.cs): System.Numerics.Complex
    /// (Real, Imaginary) and Vector2/3/4 (X, Y, Z, W). Their source is not in the compilation, so the members are lowered
    /// here from what .NET documents them to compute (a complex product, a dot product, a normalisation), written with
    /// the same arithmetic and Math functions as user code, so AD differentiates them like any other statement.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private const string ComplexMembers = "new Complex(re, im), Real, Imaginary, Magnitude, Phase, + - * / (with Complex or double), unary -, Complex.Abs, Conjugate, Exp, Log, Reciprocal, FromPolarCoordinates, Add, Subtract, Multiply, Divide, Negate, Zero, One, ImaginaryOne, and a double converted to Complex";
        private const string VectorMembers = "constructors, X, Y, Z, W, + - * / (with vectors or a float), unary -, Length(), LengthSquared(), Dot, Cross, Distance, DistanceSquared, Normalize, Lerp, Min, Max, Abs, SquareRoot, Clamp, Add, Subtract, Multiply, Divide, Negate, Zero, One, UnitX, UnitY, UnitZ, UnitW";

        /// <summary>"Complex", "Vector2", "Vector3", "Vector4" for the library structs split into parts; null for others.</summary>
        private static string? LibraryKind(ITypeSymbol? t) =>
            t is INamedTypeSymbol { TypeKind: TypeKind.Struct } nt && nt.DeclaringSyntaxReferences.IsEmpty
                ? nt.ToDisplayString() switch
                {
                    "System.Numerics.Complex" => "Complex",
                    "System.Numerics.Vector2" => "Vector2",
                    "System.Numerics.Vector3" => "Vector3",
                    "System.Numerics.Vector4" => "Vector4",
                    _ => null,
                }
                : null;

        /// <summary>The parts of a library struct: Complex's Real and Imaginary properties, a vector's public fields.</summary>
        private static List<StructField>? LibraryStructFields(INamedTypeSymbol t)
        {
            switch (LibraryKind(t))
            {
                case "Complex":
                    {
                        var parts = new[] { "Real", "Imaginary" }.Select(n => t.GetMembers(n).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic)).ToList();
                        return parts.All(p => p is not null) ? parts.Select(p => new StructField(p!.Name, p.Type, p, null)).ToList() : null;
                    }
                case { } v:
                    {
                        int n = v[v.Length - 1] - '0';
                        var fields = s_vectorParts.Take(n).Select(name => t.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => !f.IsStatic)).ToList();
                        return fields.All(f => f is not null) ? fields.Select(f => new StructField(f!.Name, f.Type, f, f)).ToList() : null;
                    }
                default:
                    return null;
            }
        }

        private static readonly string[] s_vectorParts = { "X", "Y", "Z", "W" };

        /// <summary>A value read once (an argument's part that is not a constant or a variable goes into a fresh local).</summary>
        private Expr Once(Expr x, string hint)
        {
            // (in a loop condition: in place, like the expression written there; ints are recomputed, not kept)
            if (x is Const or VarRef || _hoistBan is not null || !x.Type.IsReal) return x;
            var name = FreshName(_prefix + hint);
            if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
            _pending.Add(new DeclScalar(name, x.Type, x));
            return new VarRef(name, x.Type);
        }

        /// <summary>
        /// A library struct's constructor, operator, method or property getter, lowered from its definition. Returns the
        /// result's parts (one value for a scalar result), or null when reported.
        /// </summary>
        private List<Expr>? LowerLibraryCall(ExpressionSyntax site, IMethodSymbol target)
        {
            var owner = target.ContainingType;
            string kind = LibraryKind(owner)!;
            var t = kind == "Complex" ? IrType.Double : IrType.Float;
            string name = target.MethodKind switch
            {
                MethodKind.Constructor => ".ctor",
                MethodKind.PropertyGet => target.AssociatedSymbol!.Name,
                _ => target.Name,
            };
            // a constructor uses each argument once; other members read theirs into locals named after the member ('mul_right_Real')
            bool once = name != ".ctor";
            string member = target.MethodKind == MethodKind.UserDefinedOperator ? OperatorName(target).Substring(owner.Name.Length + 1) : name;

            // ---- the arguments: a struct's parts, or a scalar converted to the parameter's type; each read once ----
            var args = new List<List<Expr>>();
            var isPart = new List<bool>();
            if (!target.IsStatic && target.MethodKind != MethodKind.Constructor)
            {
                var recv = site switch
                {
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } => m.Expression,
                    MemberAccessExpressionSyntax m => m.Expression,
                    _ => null,
                };
                var self = StructSelfOf(recv, owner, out bool handled);
                if (self is null) { if (!handled) Suppress(); return null; }
                args.Add(self.Values.Select((x, i) => Once(x, member + "_" + StructFields(owner)![i].Name)).ToList());
                isPart.Add(true);
            }
            if (ArgumentsOf(site) is not { } given) { Suppress(); return null; }
            foreach (var a in given.OrderBy(a => a.Parameter?.Ordinal ?? 0))
            {
                if (a.Parameter is not { } p || (a.Syntax is ArgumentSyntax s ? s.Expression : a.Value.Syntax as ExpressionSyntax) is not { } xs) { Suppress(); return null; }
                if (StructFields(p.Type) is { } pf)
                {
                    var parts = LowerTuple(xs);
                    if (parts is null) return null;
                    args.Add(parts.Select((x, i) => once ? Once(x, member + "_" + p.Name + "_" + pf[i].Name) : x).ToList());
                    isPart.Add(true);
                    continue;
                }
                var pt = MapType(p.Type);
                var v = LowerExpr(xs);
                if (v is null) return null;
                if (pt is not { IsArray: false } || v.Type.IsArray)
                {
                    Report(Descriptors.NotDifferentiableCall, site, Display(target), $"its parameter '{p.Name}' has type {p.Type.ToDisplayString()}; call the members that take float, double or {owner.Name} values");
                    return null;
                }
                if (v.Type != pt.Value) v = new IR.Convert(v, pt.Value);
                if (pt.Value.IsReal && pt.Value != t) v = new IR.Convert(v, t);
                args.Add(new List<Expr> { once ? Once(v, member + "_" + p.Name) : v });
                isPart.Add(false);
            }

            var r = kind == "Complex" ? ComplexMember(name, args, isPart) : VectorMember(name, args, isPart, kind[kind.Length - 1] - '0', t);
            if (r is null)
                Report(Descriptors.NotDifferentiableCall, site, Display(target),
                    $"DiffGen splits {owner.Name} into its parts and lowers the members it knows ({(kind == "Complex" ? ComplexMembers : VectorMembers)}), not this one; write it with those, or with the parts ('{(kind == "Complex" ? "z.Real" : "v.X")}')");
            return r;
        }

        private static string Display(IMethodSymbol m) => m.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

        /// <summary>A double converted to Complex ('Complex z = 2.0;', an argument): the real part, an imaginary zero.</summary>
        private List<Expr>? LowerLibraryConversion(ExpressionSyntax e, INamedTypeSymbol to)
        {
            // (a literal converted to Complex is not folded by LowerExpr, whose converted type is not a number)
            var x = _model.GetConstantValue(e, _ct) is { HasValue: true, Value: IConvertible c and not bool and not string }
                ? new Const(c.ToDouble(System.Globalization.CultureInfo.InvariantCulture), IrType.Double) : LowerExpr(e);
            if (x is null) return null;
            if (LibraryKind(to) != "Complex" || x.Type.IsArray)
            {
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"only a number converts to a split struct (Complex); create the {to.Name} with 'new {to.Name}(...)'");
                return null;
            }
            return new List<Expr> { x.Type == IrType.Double ? x : new IR.Convert(x, IrType.Double), new Const(0, IrType.Double) };
        }

        /// <summary>The constant parts of a library struct's static member (Complex.One, Vector3.UnitX), or null when it is not one.</summary>
        private static List<Expr>? LibraryConstant(ISymbol member)
        {
            var kind = LibraryKind(member.ContainingType);
            if (kind is null || !member.IsStatic) return null;
            if (kind == "Complex")
            {
                double[]? c = member.Name switch { "Zero" => new[] { 0.0, 0 }, "One" => new[] { 1.0, 0 }, "ImaginaryOne" => new[] { 0.0, 1 }, _ => null };
                return c?.Select(v => (Expr)new Const(v, IrType.Double)).ToList();
            }
            int n = kind[kind.Length - 1] - '0';
            var values = new double[n];
            switch (member.Name)
            {
                case "Zero": break;
                case "One": for (int i = 0; i < n; i++) values[i] = 1; break;
                case "UnitX" or "UnitY" or "UnitZ" or "UnitW":
                    int k = member.Name[4] - 'X';
                    if (k < 0 || k >= n) return null;
                    values[k] = 1;
                    break;
                default: return null;
            }
            return values.Select(v => (Expr)new Const(v, IrType.Float)).ToList();
        }

        // ------------------------------------------------------------------ Complex

        // A complex value is (re, im); a null part is a known zero (a double argument), so 'z * 2.0' is two products, not four.
        private static Expr? Add(Expr? a, Expr? b, IrType t) => a is null ? b : b is null ? a : new Binary(BinaryOp.Add, a, b, t);
        private static Expr? Sub(Expr? a, Expr? b, IrType t) => b is null ? a : a is null ? new Unary(UnaryOp.Neg, b, t) : new Binary(BinaryOp.Sub, a, b, t);
        private static Expr? Mul(Expr? a, Expr? b, IrType t) => a is null || b is null ? null : new Binary(BinaryOp.Mul, a, b, t);
        private static Expr Fn1(Fn f, Expr x, IrType t) => new Intrinsic(f, new[] { x }.ToEquatable(), t);

        private List<Expr>? ComplexMember(string name, List<List<Expr>> args, List<bool> isPart)
        {
            var t = IrType.Double;
            (Expr Re, Expr? Im) Arg(int i) => isPart[i] ? (args[i][0], args[i][1]) : (args[i][0], null);
            List<Expr> C(Expr? re, Expr? im) => new() { re ?? new Const(0, t), im ?? new Const(0, t) };
            Expr Norm2(Expr re, Expr? im) => Add(Mul(re, re, t), Mul(im, im, t), t)!;
            int n = args.Count;
            switch (name)
            {
                case ".ctor" when n == 2 && !isPart[0] && !isPart[1]:
                    return C(args[0][0], args[1][0]);
                case "op_Implicit" when n == 1 && !isPart[0]:
                    return C(args[0][0], null);
                case "op_Addition" or "Add" when n == 2:
                    { var (ar, ai) = Arg(0); var (br, bi) = Arg(1); return C(Add(ar, br, t), Add(ai, bi, t)); }
                case "op_Subtraction" or "Subtract" when n == 2:
                    { var (ar, ai) = Arg(0); var (br, bi) = Arg(1); return C(Sub(ar, br, t), Sub(ai, bi, t)); }
                case "op_Multiply" or "Multiply" when n == 2:
                    {
                        var (ar, ai) = Arg(0);
                        var (br, bi) = Arg(1);
                        return C(Sub(Mul(ar, br, t), Mul(ai, bi, t), t), Add(Mul(ar, bi, t), Mul(ai, br, t), t));
                    }
                case "op_Division" or "Divide" when n == 2:
                    return ComplexDivide(Arg(0), Arg(1));
                case "Reciprocal" when n == 1:
                    return ComplexDivide((new Const(1, t), null), Arg(0));
                case "op_UnaryNegation" or "Negate" when n == 1:
                    { var (ar, ai) = Arg(0); return C(new Unary(UnaryOp.Neg, ar, t), ai is null ? null : new Unary(UnaryOp.Neg, ai, t)); }
                case "op_UnaryPlus" when n == 1:
                    return C(Arg(0).Re, Arg(0).Im);
                case "Magnitude" or "Abs" when n == 1:
                    { var (ar, ai) = Arg(0); return new List<Expr> { Fn1(Fn.Sqrt, Norm2(ar, ai), t) }; }
                case "Phase" when n == 1:
                    { var (ar, ai) = Arg(0); return new List<Expr> { new Intrinsic(Fn.Atan2, new[] { ai ?? new Const(0, t), ar }.ToEquatable(), t) }; }
                case "Conjugate" when n == 1:
                    { var (ar, ai) = Arg(0); return C(ar, ai is null ? null : new Unary(UnaryOp.Neg, ai, t)); }
                case "Exp" when n == 1:
                    {
                        var (ar, ai) = Arg(0);
                        var e = Once(Fn1(Fn.Exp, ar, t), "Complex_exp");
                        return ai is null ? C(e, null) : C(new Binary(BinaryOp.Mul, e, Fn1(Fn.Cos, ai, t), t), new Binary(BinaryOp.Mul, e, Fn1(Fn.Sin, ai, t), t));
                    }
                case "Log" when n == 1:
                    {
                        var (ar, ai) = Arg(0);
                        return C(Fn1(Fn.Log, Fn1(Fn.Sqrt, Norm2(ar, ai), t), t), new Intrinsic(Fn.Atan2, new[] { ai ?? new Const(0, t), ar }.ToEquatable(), t));
                    }
                case "FromPolarCoordinates" when n == 2 && !isPart[0] && !isPart[1]:
                    {
                        var (m, p) = (args[0][0], args[1][0]);
                        return C(new Binary(BinaryOp.Mul, m, Fn1(Fn.Cos, p, t), t), new Binary(BinaryOp.Mul, m, Fn1(Fn.Sin, p, t), t));
                    }
            }
            return null;
        }

        /// <summary>a / b: by a real b, each part divided; else (a·conj b) / |b|².</summary>
        private List<Expr> ComplexDivide((Expr Re, Expr? Im) a, (Expr Re, Expr? Im) b)
        {
            var t = IrType.Double;
            if (b.Im is null)
                return new List<Expr> { new Binary(BinaryOp.Div, a.Re, b.Re, t), a.Im is null ? new Const(0, t) : new Binary(BinaryOp.Div, a.Im, b.Re, t) };
            var den = Once(Add(Mul(b.Re, b.Re, t), Mul(b.Im, b.Im, t), t)!, "Complex_den");
            var re = Add(Mul(a.Re, b.Re, t), Mul(a.Im, b.Im, t), t)!;
            var im = Sub(Mul(a.Im, b.Re, t), Mul(a.Re, b.Im, t), t)!;
            return new List<Expr> { new Binary(BinaryOp.Div, re, den, t), new Binary(BinaryOp.Div, im, den, t) };
        }

        // ------------------------------------------------------------------ Vector2/3/4

        private List<Expr>? VectorMember(string name, List<List<Expr>> args, List<bool> isPart, int n, IrType t)
        {
            int count = args.Count;
            bool V(int i) => i < count && isPart[i];
            List<Expr> Each(Func<int, Expr> f) => Enumerable.Range(0, n).Select(f).ToList();
            Expr Elem(int i, int k) => isPart[i] ? args[i][k] : args[i][0]; // a float stands for (f, f, ...)
            Expr Dot(List<Expr> a, List<Expr> b) => Enumerable.Range(1, n - 1).Aggregate((Expr)new Binary(BinaryOp.Mul, a[0], b[0], t), (s, k) => new Binary(BinaryOp.Add, s, new Binary(BinaryOp.Mul, a[k], b[k], t), t));
            List<Expr> Diff(List<Expr> a, List<Expr> b) => Each(k => Once(new Binary(BinaryOp.Sub, a[k], b[k], t), name + "_d" + s_vectorParts[k]));
            switch (name)
            {
                case ".ctor":
                    {
                        if (count == 1 && !isPart[0]) return Each(_ => args[0][0]); // new Vector3(v): every part v
                        var parts = args.SelectMany(a => a).ToList();
                        return parts.Count == n ? parts : null;
                    }
                case "op_Addition" or "Add" when count == 2 && V(0) && V(1):
                    return Each(k => new Binary(BinaryOp.Add, args[0][k], args[1][k], t));
                case "op_Subtraction" or "Subtract" when count == 2 && V(0) && V(1):
                    return Each(k => new Binary(BinaryOp.Sub, args[0][k], args[1][k], t));
                case "op_Multiply" or "Multiply" when count == 2:
                    return Each(k => new Binary(BinaryOp.Mul, Elem(0, k), Elem(1, k), t));
                case "op_Division" or "Divide" when count == 2 && V(0):
                    return Each(k => new Binary(BinaryOp.Div, args[0][k], Elem(1, k), t));
                case "op_UnaryNegation" or "Negate" when count == 1:
                    return Each(k => new Unary(UnaryOp.Neg, args[0][k], t));
                case "op_UnaryPlus" when count == 1:
                    return args[0];
                case "Dot" when count == 2 && V(0) && V(1):
                    return new List<Expr> { Dot(args[0], args[1]) };
                case "Length" when count == 1:
                    return new List<Expr> { Fn1(Fn.Sqrt, Dot(args[0], args[0]), t) };
                case "LengthSquared" when count == 1:
                    return new List<Expr> { Dot(args[0], args[0]) };
                case "Distance" when count == 2 && V(0) && V(1):
                    { var d = Diff(args[0], args[1]); return new List<Expr> { Fn1(Fn.Sqrt, Dot(d, d), t) }; }
                case "DistanceSquared" when count == 2 && V(0) && V(1):
                    { var d = Diff(args[0], args[1]); return new List<Expr> { Dot(d, d) }; }
                case "Normalize" when count == 1:
                    {
                        var len = Once(Fn1(Fn.Sqrt, Dot(args[0], args[0]), t), "Normalize_length");
                        return Each(k => new Binary(BinaryOp.Div, args[0][k], len, t));
                    }
                case "Cross" when count == 2 && n == 3 && V(0) && V(1):
                    {
                        var (a, b) = (args[0], args[1]);
                        Expr Det(int i, int j) => new Binary(BinaryOp.Sub, new Binary(BinaryOp.Mul, a[i], b[j], t), new Binary(BinaryOp.Mul, a[j], b[i], t), t);
                        return new List<Expr> { Det(1, 2), Det(2, 0), Det(0, 1) };
                    }
                case "Lerp" when count == 3 && V(0) && V(1):
                    {
                        // value1 * (1 - amount) + value2 * amount, as .NET computes it
                        var keep = Once(new Binary(BinaryOp.Sub, new Const(1, t), args[2][0], t), "Lerp_keep");
                        return Each(k => new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, args[0][k], keep, t), new Binary(BinaryOp.Mul, args[1][k], Elem(2, k), t), t));
                    }
                case "Min" or "Max" when count == 2 && V(0) && V(1):
                    return Each(k => new Intrinsic(name == "Min" ? Fn.Min : Fn.Max, new[] { args[0][k], args[1][k] }.ToEquatable(), t));
                case "Clamp" when count == 3 && V(0) && V(1) && V(2):
                    return Each(k => new Intrinsic(Fn.Min, new[] { new Intrinsic(Fn.Max, new[] { args[0][k], args[1][k] }.ToEquatable(), t), args[2][k] }.ToEquatable(), t));
                case "Abs" when count == 1:
                    return Each(k => Fn1(Fn.Abs, args[0][k], t));
                case "SquareRoot" when count == 1:
                    return Each(k => Fn1(Fn.Sqrt, args[0][k], t));
            }
            return null;
        }
    }
}
