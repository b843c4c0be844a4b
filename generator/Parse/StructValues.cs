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
    /// Struct values, split into their fields at Parse time (scalar replacement of aggregates). A local, a helper's parameter
    /// or result, or an expression whose type is a struct declared in this compilation with only float, double, int and bool
    /// fields (a <c>record struct V2(double X, double Y)</c>, a mutable accumulator) is held as one IR scalar per field, like
    /// a tuple (<see cref="_tupleVars"/>). Its constructors, operators, instance methods and computed properties are inlined
    /// like helpers, with <c>this</c> bound to those scalars (<see cref="_structThis"/>). Everything after Parse sees
    /// ordinary scalars: the derivative through a struct is the derivative through its fields.
    /// Struct parameters of the differentiable method itself stay what they were (config objects read at entry, Members.cs).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>The struct value whose member is being inlined: its field values in field order, and its variables when they can be written (a local's).</summary>
        private sealed record StructSelf(INamedTypeSymbol Type, List<Expr> Values, List<Variable>? Vars);

        /// <summary>Set while a struct's constructor, method, operator or property getter is inlined: what its fields are.</summary>
        private StructSelf? _structThis;
        private readonly Dictionary<ITypeSymbol, List<StructField>?> _structFields = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// One field of a split struct: the name source code uses, its type, the member source code reads it through (the
        /// field, an auto-property, or a library struct's property such as Complex.Real), and the field itself when it has one.
        /// </summary>
        private sealed record StructField(string Name, ITypeSymbol Type, ISymbol Member, IFieldSymbol? Field);

        private const string StructAdvice = "structs are split into their fields when they are declared in this compilation, are not generic, and have only float, double, int and bool fields (at most 16)";

        /// <summary>
        /// The instance fields (auto-properties' backing fields included) of a struct that is split into its fields, or the
        /// parts of a library struct DiffGen knows (LibraryStructs.cs); null for any other type.
        /// </summary>
        private List<StructField>? StructFields(ITypeSymbol? t)
        {
            if (t is not INamedTypeSymbol { TypeKind: TypeKind.Struct, IsTupleType: false, SpecialType: SpecialType.None, IsGenericType: false } nt) return null;
            if (_structFields.TryGetValue(nt, out var known)) return known;
            List<StructField>? result;
            if (nt.DeclaringSyntaxReferences.IsEmpty) result = LibraryStructFields(nt);
            else
            {
                var fields = nt.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst).ToList();
                result = fields.Count is > 0 and <= 16 && fields.All(f => MapType(f.Type) is { IsArray: false } m && m.Elem != Scalar.Void)
                    ? fields.Select(f => new StructField(ElementName(f), f.Type, (ISymbol?)f.AssociatedSymbol ?? f, f)).ToList() : null;
            }
            _structFields[nt] = result;
            return result;
        }

        /// <summary>A local at the root of <c>p.X</c>, <c>pts[0].X</c>, <c>s.A.X</c> whose declaration was reported: its uses are not reported again.</summary>
        private bool RejectedRoot(ExpressionSyntax e)
        {
            while (true)
            {
                switch (e)
                {
                    case MemberAccessExpressionSyntax ma: e = ma.Expression; continue;
                    case ElementAccessExpressionSyntax ea: e = ea.Expression; continue;
                    case ParenthesizedExpressionSyntax pe: e = pe.Expression; continue;
                }
                return e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol l && _rejected.Contains(l);
            }
        }

        /// <summary>Why a struct type is not split into its fields (for the DIFF0002 of a local or an array of it); null when it is, or is no struct.</summary>
        internal static string? StructRejection(ITypeSymbol t)
        {
            if (t is not INamedTypeSymbol { TypeKind: TypeKind.Struct, IsTupleType: false, SpecialType: SpecialType.None } nt) return null;
            if (nt.DeclaringSyntaxReferences.IsEmpty)
                return nt.ToDisplayString() + " is a library struct whose source is not in this compilation (of those, only Complex and Vector2/3/4 are split into their parts); keep its values in float/double locals, or declare a small struct of your own, which is split into its fields";
            if (nt.IsGenericType) return "a generic struct is not split into its fields; write it for double (or float)";
            var fields = nt.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst).ToList();
            if (fields.Count == 0) return "it has no fields";
            if (fields.Count > 16) return $"it has {fields.Count} fields, more than the 16 a struct is split into; use arrays";
            if (fields.FirstOrDefault(f => MapType(f.Type) is not { IsArray: false } m || m.Elem == Scalar.Void) is { } bad)
                return $"its field '{ElementName(bad)}' is a {bad.Type.ToDisplayString()}; {StructAdvice} (inline a nested struct's fields into this one, and keep arrays out of structs)";
            return null;
        }

        /// <summary>The name a field goes by in source (the property's, for an auto-property's backing field).</summary>
        private static string ElementName(IFieldSymbol f) => f.AssociatedSymbol?.Name ?? f.Name;

        private static int FieldIndex(List<StructField> fields, ISymbol member) =>
            fields.FindIndex(f => SymbolEqualityComparer.Default.Equals(f.Member, member.OriginalDefinition) || SymbolEqualityComparer.Default.Equals(f.Field, member.OriginalDefinition));

        /// <summary>An expression of a split struct type that is not a config object (whose members are read at entry instead).</summary>
        private bool IsStructValue(ExpressionSyntax e) =>
            StructFields(_model.GetTypeInfo(e, _ct).Type) is { } && _model.GetSymbolInfo(e, _ct).Symbol is not ITypeSymbol && ReceiverOf(e) is null
            && (e is not ThisExpressionSyntax || _structThis is { } self && SymbolEqualityComparer.Default.Equals(self.Type, _model.GetTypeInfo(e, _ct).Type)); // 'this' of a config object's method is that object

        /// <summary>The one value of an inlined operator or getter.</summary>
        private Expr? OneResult(SyntaxNode site, List<Expr>? results) =>
            results is null ? null : results.Count == 1 ? results[0] : Suppress();

        /// <summary>A user-defined operator's method (<c>a + b</c>, <c>-a</c>, <c>p += q</c> on structs), or null.</summary>
        private IMethodSymbol? UserOperator(ExpressionSyntax e) =>
            _model.GetSymbolInfo(e, _ct).Symbol is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } m ? m : null;

        /// <summary>
        /// A user-defined conversion operator whose source is in this compilation applied to <paramref name="e"/>: a cast
        /// (<c>(Deg)x</c>, <c>(double)deg</c>) or an implicit conversion of e itself (<c>double r = deg;</c>, <c>Math.Cos(deg)</c>);
        /// inlined like a helper (its operand the argument). Null for other expressions and for operators of referenced libraries.
        /// </summary>
        private IMethodSymbol? UserConversion(ExpressionSyntax e)
        {
            var op = _model.GetOperation(e, _ct);
            var conversion = op as IConversionOperation is { OperatorMethod: not null, IsImplicit: false } cast ? cast
                : op is not IConversionOperation && op?.Parent is IConversionOperation { IsImplicit: true, OperatorMethod: not null } implicitOne && implicitOne.Syntax == e ? implicitOne
                : null;
            return conversion?.OperatorMethod is { MethodKind: MethodKind.Conversion } m && HelperSyntax(m) is not null ? m : null;
        }

        /// <summary>
        /// The field values of a struct-typed expression that is not a local, a call or a tuple (those are <see cref="LowerTuple"/>'s):
        /// <c>new V2(a, b)</c>, <c>new() { X = a }</c>, <c>default</c>, <c>p with { X = 0 }</c>, <c>a + b</c>, <c>-a</c>, <c>c ? a : b</c>,
        /// <c>this</c>, a config object's struct member. <paramref name="handled"/> is false for the other forms.
        /// </summary>
        private List<Expr>? LowerStruct(ExpressionSyntax e, List<StructField> fields, out bool handled)
        {
            handled = true;
            var type = (INamedTypeSymbol)_model.GetTypeInfo(e, _ct).Type!;
            switch (e)
            {
                case BaseObjectCreationExpressionSyntax oc:
                    return LowerStructCreation(oc, type, fields);
                case DefaultExpressionSyntax:
                case LiteralExpressionSyntax lit when lit.IsKind(SyntaxKind.DefaultLiteralExpression):
                    return fields.Select(f => (Expr)new Const(0, MapType(f.Type)!.Value)).ToList();
                case WithExpressionSyntax w:
                    {
                        var values = LowerTuple(w.Expression);
                        if (values is null) return null;
                        values = new List<Expr>(values);
                        return ApplyInitializer(w.Initializer, type, fields, values) ? values : null;
                    }
                case BinaryExpressionSyntax or PrefixUnaryExpressionSyntax when UserOperator(e) is { } op:
                    return InlineMethod(e, op);
                case CastExpressionSyntax when UserConversion(e) is { } conversion:
                    return InlineMethod(e, conversion); // (Deg)x through 'explicit operator Deg(double)'
                case ConditionalExpressionSyntax c:
                    {
                        var cond = LowerExpr(c.Condition);
                        var a = LowerBranch(() => LowerTuple(c.WhenTrue), out var preA);
                        var b = LowerBranch(() => LowerTuple(c.WhenFalse), out var preB);
                        if (cond is null || a is null || b is null) return null;
                        EmitGuarded(cond, preA, preB);
                        return a.Zip(b, (x, y) => (Expr)new Conditional(cond, x, y, x.Type)).ToList();
                    }
                case MemberAccessExpressionSyntax ma when _model.GetSymbolInfo(ma, _ct).Symbol is { IsStatic: true } sm && LibraryConstant(sm) is { } known:
                    return known; // Complex.One, Vector3.UnitX
                case ThisExpressionSyntax when _structThis is { } self && SymbolEqualityComparer.Default.Equals(self.Type, type):
                    return self.Values;
                case IdentifierNameSyntax or MemberAccessExpressionSyntax when ReceiverOf(e) is { } rc:
                    {
                        // cfg.Origin, or a struct parameter passed on whole: its fields are read at entry like cfg.Tau
                        var values = new List<Expr>();
                        foreach (var f in fields)
                        {
                            var x = ReadConfigMember(rc, f.Member, e);
                            if (x is null) return null;
                            values.Add(x);
                        }
                        return values;
                    }
                case MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or InvocationExpressionSyntax or IdentifierNameSyntax or TupleExpressionSyntax:
                    handled = false;
                    return null;
            }
            Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"a {type.Name} value must be created ('new {type.Name}(...)'), a local, a helper's result, an operator on those, or 'c ? a : b' of those; write it as one of those");
            return null;
        }

        /// <summary>
        /// <c>new V2(a, b)</c>: a positional record's (or primary constructor's) parameters go to the properties of the same name
        /// and to the field initializers that read them; a constructor with a body is inlined on fresh locals; the parameterless
        /// <c>new V2()</c> is all zeros. An object initializer (<c>{ X = a }</c>) is applied after.
        /// </summary>
        private List<Expr>? LowerStructCreation(BaseObjectCreationExpressionSyntax oc, INamedTypeSymbol type, List<StructField> fields)
        {
            if (_model.GetOperation(oc, _ct) is not IObjectCreationOperation op || op.Constructor is not { } ctor) { Suppress(); return null; }
            var decl = ctor.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_ct)).FirstOrDefault();
            List<Expr>? values;
            if (decl is null && ctor.Parameters.Length == 0)
                values = fields.Select(f => (Expr)new Const(0, MapType(f.Type)!.Value)).ToList(); // new V2(): zeros, no initializers
            else if (decl is null && LibraryKind(type) is not null)
                values = LowerLibraryCall(oc, ctor); // new Complex(re, im), new Vector3(x, y, z) (LibraryStructs.cs)
            else if (decl is TypeDeclarationSyntax)
                values = PrimaryConstructorValues(oc, op, ctor, type, fields);
            else if (decl is ConstructorDeclarationSyntax cd && (cd.Body is not null || cd.ExpressionBody is not null))
            {
                if (cd.Initializer is not null)
                {
                    Report(Descriptors.NotDifferentiableCall, oc, type.Name + " constructor", $"it calls '{cd.Initializer.ThisOrBaseKeyword.Text}(...)' first; assign every field in the constructor's own body instead");
                    return null;
                }
                // fresh locals holding the fields (the initializers' values, else zero), written by the inlined body
                var vars = new List<Variable>();
                for (int i = 0; i < fields.Count; i++)
                {
                    var ft = MapType(fields[i].Type)!.Value;
                    var init = FieldInitializerValue(fields[i], out bool failed);
                    if (failed) return null;
                    var name = FreshName(_prefix + type.Name + "_" + fields[i].Name);
                    if (!Declare(name, ft, init ?? new Const(0, ft), _pending, oc)) return null;
                    if (!ft.IsReal) _reassigned.Add(name);
                    vars.Add(new Variable(name, ft, VarKind.Local));
                }
                var self = new StructSelf(type, vars.Select(v => (Expr)new VarRef(v.Name, v.Type)).ToList(), vars);
                CSharpSyntaxNode body = (CSharpSyntaxNode?)cd.Body ?? cd.ExpressionBody!.Expression;
                if (Inline(oc, ctor, ctor.OriginalDefinition, type.Name, cd, body, ctor.Parameters, self: self) is null) return null;
                values = self.Values;
            }
            else
            {
                Report(Descriptors.NotDifferentiableCall, oc, type.Name + " constructor", "it has no body to inline; give the struct a constructor with a body, or positional parameters ('record struct V2(double X, double Y)')");
                return null;
            }
            if (values is null) return null;
            if (oc.Initializer is { } oi)
            {
                values = new List<Expr>(values);
                if (!ApplyInitializer(oi, type, fields, values)) return null;
            }
            return values;
        }

        /// <summary>
        /// The fields after a primary constructor (<c>record struct V2(double X, double Y)</c>, <c>struct S(double a) { double A = a; }</c>):
        /// its arguments bound to its parameters, then each field from its positional parameter or its initializer, else zero.
        /// </summary>
        private List<Expr>? PrimaryConstructorValues(BaseObjectCreationExpressionSyntax oc, IObjectCreationOperation op, IMethodSymbol ctor, INamedTypeSymbol type, List<StructField> fields)
        {
            var bound = new List<IParameterSymbol>();
            var saved = new List<(IParameterSymbol P, Expr? Old)>();
            // without initializers each parameter feeds one property: the argument is used where it stands (no copy)
            bool initializers = fields.Any(f => HasInitializer(f));
            try
            {
                foreach (var a in op.Arguments)
                {
                    if (a.Parameter is not { } p) { Suppress(); return null; }
                    var pt = MapType(p.Type);
                    if (pt is not { IsArray: false })
                    {
                        Report(Descriptors.NotDifferentiableCall, oc, type.Name + " constructor", $"its parameter '{p.Name}' has type {p.Type.ToDisplayString()}; {StructAdvice}");
                        return null;
                    }
                    Expr? x;
                    if (a.ArgumentKind == ArgumentKind.DefaultValue)
                        x = a.Value.ConstantValue is { HasValue: true, Value: IConvertible c } ? new Const(c is bool b ? (b ? 1 : 0) : c.ToDouble(System.Globalization.CultureInfo.InvariantCulture), pt.Value) : null;
                    else x = (a.Syntax is ArgumentSyntax s ? s.Expression : a.Value.Syntax as ExpressionSyntax) is { } xs ? LowerExpr(xs) : null;
                    if (x is null) { if (a.ArgumentKind == ArgumentKind.DefaultValue) Suppress(); return null; }
                    if (x.Type != pt.Value) x = new IR.Convert(x, pt.Value);
                    if (x is not (Const or VarRef) && initializers && _hoistBan is null)
                    {
                        // evaluated once, where the creation is (a parameter may feed several fields)
                        var name = FreshName(_prefix + type.Name + "_" + p.Name);
                        if (!Declare(name, pt.Value, x, _pending, oc)) return null;
                        x = new VarRef(name, pt.Value);
                    }
                    saved.Add((p, _substituted.TryGetValue(p, out var old) ? old : null));
                    _substituted[p] = x;
                    bound.Add(p);
                }
                var values = new List<Expr>();
                foreach (var f in fields)
                {
                    var ft = MapType(f.Type)!.Value;
                    // a positional record's property takes the parameter of its name
                    if (f.Member is IPropertySymbol prop && prop.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_ct) is ParameterSyntax)
                        && bound.FirstOrDefault(p => p.Name == prop.Name) is { } pp)
                    {
                        var v = _substituted[pp];
                        values.Add(v.Type == ft ? v : new IR.Convert(v, ft));
                        continue;
                    }
                    var init = FieldInitializerValue(f, out bool failed);
                    if (failed) return null;
                    values.Add(init ?? new Const(0, ft));
                }
                return values;
            }
            finally
            {
                foreach (var (p, old) in saved)
                {
                    if (old is null) _substituted.Remove(p);
                    else _substituted[p] = old;
                }
            }
        }

        private bool HasInitializer(StructField f) =>
            f.Member.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_ct) is VariableDeclaratorSyntax { Initializer: not null } or PropertyDeclarationSyntax { Initializer: not null });

        /// <summary>How an inlined operator's locals are named: <c>Vec2_sub_X</c> for <c>a - b</c>.</summary>
        private static string OperatorName(IMethodSymbol op) => op.ContainingType.Name + "_" + op.Name switch
        {
            "op_Implicit" or "op_Explicit" => "to" + op.ReturnType.Name,
            "op_Addition" => "add", "op_Subtraction" => "sub", "op_Multiply" => "mul", "op_Division" => "div", "op_Modulus" => "mod",
            "op_UnaryNegation" => "neg", "op_UnaryPlus" => "plus", "op_Equality" => "eq", "op_Inequality" => "ne",
            "op_LessThan" => "lt", "op_GreaterThan" => "gt", "op_LessThanOrEqual" => "le", "op_GreaterThanOrEqual" => "ge",
            var other => other.StartsWith("op_", StringComparison.Ordinal) ? other.Substring(3) : other,
        };

        /// <summary>A field's (or auto-property's) initializer, lowered with the struct's model (it may read the primary constructor's parameters); null when it has none.</summary>
        private Expr? FieldInitializerValue(StructField f, out bool failed)
        {
            failed = false;
            var owner = f.Member;
            ExpressionSyntax? init = null;
            foreach (var r in owner.DeclaringSyntaxReferences)
            {
                init = r.GetSyntax(_ct) switch
                {
                    VariableDeclaratorSyntax v => v.Initializer?.Value,
                    PropertyDeclarationSyntax p => p.Initializer?.Value,
                    _ => null,
                };
                if (init is not null) break;
            }
            if (init is null) return null;
            var savedModel = _model;
            var savedThis = _structThis;
            _model = ModelFor(init.SyntaxTree);
            _structThis = null;
            try
            {
                var x = LowerExpr(init);
                if (x is null) { failed = true; return null; }
                var ft = MapType(f.Type)!.Value;
                return x.Type == ft ? x : new IR.Convert(x, ft);
            }
            finally
            {
                _model = savedModel;
                _structThis = savedThis;
            }
        }

        /// <summary><c>{ X = a, Y = b }</c> after a creation or in a <c>with</c>: those fields replaced.</summary>
        private bool ApplyInitializer(InitializerExpressionSyntax init, INamedTypeSymbol type, List<StructField> fields, List<Expr> values)
        {
            foreach (var x in init.Expressions)
            {
                if (x is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } a || !a.IsKind(SyntaxKind.SimpleAssignmentExpression)
                    || _model.GetSymbolInfo(name, _ct).Symbol is not { } member || FieldIndex(fields, member) is var k && k < 0)
                {
                    Report(Descriptors.UnsupportedExpression, x, x.ToString(), $"an initializer may only set fields and auto-properties of {type.Name} ('X = value'); set computed values after creating it");
                    return false;
                }
                var v = LowerExpr(a.Right);
                if (v is null) return false;
                var ft = MapType(fields[k].Type)!.Value;
                values[k] = v.Type == ft ? v : new IR.Convert(v, ft);
            }
            return true;
        }

        /// <summary>
        /// The struct a method, operator or property of <paramref name="type"/> is called on: <c>this</c> inside one of its own
        /// members, a local (its variables, so a method that changes the struct changes the local), or any other value
        /// (kept in fresh locals; such a call cannot change it). Handled false when <paramref name="recv"/> is not a struct value.
        /// </summary>
        private StructSelf? StructSelfOf(ExpressionSyntax? recv, INamedTypeSymbol type, out bool handled)
        {
            handled = false;
            if (StructFields(type) is not { } fields) return null;
            if (recv is null or ThisExpressionSyntax)
            {
                if (_structThis is not { } st || !SymbolEqualityComparer.Default.Equals(st.Type, type)) return null;
                handled = true;
                return st;
            }
            while (recv is ParenthesizedExpressionSyntax p) recv = p.Expression;
            if (!SymbolEqualityComparer.Default.Equals(_model.GetTypeInfo(recv, _ct).Type, type) || ReceiverOf(recv) is not null) return null;
            handled = true;
            if (_model.GetSymbolInfo(recv, _ct).Symbol is { } s && _tupleVars.TryGetValue(s, out var vars))
                return new StructSelf(type, vars.Select(v => (Expr)new VarRef(v.Name, v.Type)).ToList(), vars);
            var values = LowerTuple(recv);
            if (values is null) return null;
            var kept = new List<Expr>();
            for (int i = 0; i < values.Count; i++)
            {
                // (in a loop condition the values stay in place: a local set before the loop would be read on every test)
                if (values[i] is Const or VarRef || _hoistBan is not null) { kept.Add(values[i]); continue; }
                var name = FreshName(_prefix + type.Name + "_" + fields[i].Name);
                if (!Declare(name, values[i].Type, values[i], _pending, recv)) return null;
                kept.Add(new VarRef(name, values[i].Type));
            }
            return new StructSelf(type, kept, null);
        }

        /// <summary><c>p.X</c>, <c>d.Length</c> (a computed property, inlined), <c>F(x).Y</c> on a struct value.</summary>
        private Expr? LowerStructMember(MemberAccessExpressionSyntax ma)
        {
            var sym = _model.GetSymbolInfo(ma, _ct).Symbol;
            var type = (INamedTypeSymbol)_model.GetTypeInfo(ma.Expression, _ct).Type!;
            var fields = StructFields(type)!;
            if (sym is null) return Suppress();
            int k = FieldIndex(fields, sym);
            if (k >= 0)
            {
                if (_model.GetSymbolInfo(ma.Expression, _ct).Symbol is { } s && _tupleVars.TryGetValue(s, out var vars))
                    return new VarRef(vars[k].Name, vars[k].Type); // a local's field: no need to lower the others
                var values = LowerTuple(ma.Expression);
                return values?[k];
            }
            return LowerStructProperty(ma, ma.Expression, sym, type);
        }

        /// <summary>A computed property (<c>Length => Math.Sqrt(X * X + Y * Y)</c>) of a struct value, its getter inlined on <paramref name="recv"/> (null: this).</summary>
        private Expr? LowerStructProperty(ExpressionSyntax site, ExpressionSyntax? recv, ISymbol sym, INamedTypeSymbol type)
        {
            if (sym is IPropertySymbol { IsStatic: false, GetMethod: not null } && LibraryKind(type) is not null) return OneResult(site, LowerLibraryCall(site, ((IPropertySymbol)sym).GetMethod!));
            var results = InlineStructProperty(site, recv, sym, type);
            return results is null ? null : OneResult(site, results);
        }

        /// <summary>
        /// The getter of a computed property of a struct value inlined on <paramref name="recv"/> (null: this): its results, one for a
        /// number, one per field for a property whose value is a struct (<c>Conjugate => new Quat(W, -X, -Y, -Z)</c>). Null when reported.
        /// </summary>
        private List<Expr>? InlineStructProperty(ExpressionSyntax site, ExpressionSyntax? recv, ISymbol sym, INamedTypeSymbol type)
        {
            if (sym is not IPropertySymbol { IsStatic: false, GetMethod: { } get } prop)
            {
                Report(Descriptors.UnsupportedExpression, site, site.ToString(), $"only fields, auto-properties and computed properties (with a getter whose source is here) of a {type.Name} value can be read; {StructAdvice}");
                return null;
            }
            CSharpSyntaxNode? body = null;
            SyntaxNode? owner = null;
            foreach (var r in prop.DeclaringSyntaxReferences)
            {
                if (r.GetSyntax(_ct) is not PropertyDeclarationSyntax pd) continue;
                owner = pd;
                var getter = pd.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
                body = (CSharpSyntaxNode?)pd.ExpressionBody?.Expression ?? (CSharpSyntaxNode?)getter?.Body ?? getter?.ExpressionBody?.Expression;
            }
            if (body is null || owner is null)
            {
                Report(Descriptors.UnsupportedExpression, site, site.ToString(), $"the property '{prop.Name}' has no getter body to inline; read a field instead, or give the property a getter");
                return null;
            }
            var self = StructSelfOf(recv, type, out bool handled);
            if (self is null) { if (!handled) Suppress(); return null; }
            return Inline(site, get, get.OriginalDefinition, prop.Name, owner, body, get.Parameters, self: self);
        }

        /// <summary>Inside a struct's own member: <c>X</c> (a field of this), or <c>Length</c> (a computed property of this). Handled false otherwise.</summary>
        private Expr? LowerStructThisMember(IdentifierNameSyntax id, ISymbol sym, out bool handled)
        {
            handled = false;
            if (_structThis is not { } self || sym.IsStatic || sym is not (IFieldSymbol or IPropertySymbol)
                || !SymbolEqualityComparer.Default.Equals(sym.ContainingType, self.Type)) return null;
            handled = true;
            int k = FieldIndex(StructFields(self.Type)!, sym);
            return k >= 0 ? self.Values[k] : LowerStructProperty(id, null, sym, self.Type);
        }

        /// <summary>
        /// A field of a struct value as an assignment target: <c>p.X</c> on a local, <c>X</c> or <c>this.X</c> inside its own
        /// constructor or method. Handled false when <paramref name="left"/> is not one.
        /// </summary>
        private Expr? LowerStructTarget(ExpressionSyntax left, out bool handled)
        {
            handled = false;
            List<Variable>? vars;
            INamedTypeSymbol type;
            ISymbol? member = _model.GetSymbolInfo(left, _ct).Symbol;
            if (member is not (IFieldSymbol or IPropertySymbol) || member.IsStatic) return null;
            if (left is IdentifierNameSyntax || left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
            {
                if (_structThis is not { } self || !SymbolEqualityComparer.Default.Equals(member.ContainingType, self.Type)) return null;
                handled = true;
                type = self.Type;
                vars = self.Vars;
                if (vars is null)
                {
                    Report(Descriptors.UnsupportedExpression, left, left.ToString(), $"this member of {type.Name} changes the struct it is called on, which is not a variable here; copy the value into a local first ('var t = ...; t.{_inlineStack.LastOrDefault().Name}(...);')");
                    return null;
                }
            }
            else if (left is MemberAccessExpressionSyntax ma && IsStructValue(ma.Expression))
            {
                handled = true;
                type = (INamedTypeSymbol)_model.GetTypeInfo(ma.Expression, _ct).Type!;
                var owner = _model.GetSymbolInfo(ma.Expression, _ct).Symbol;
                if (owner is not null && _rejected.Contains(owner)) return Suppress();
                if (owner is null || !_tupleVars.TryGetValue(owner, out vars))
                {
                    Report(Descriptors.UnsupportedExpression, left, left.ToString(), $"only the fields of a {type.Name} local can be assigned; copy the value into a local first");
                    return null;
                }
            }
            else return null;
            int k = FieldIndex(StructFields(type)!, member);
            if (k < 0)
            {
                Report(Descriptors.UnsupportedExpression, left, left.ToString(), $"'{member.Name}' is a computed property; assign the fields it is computed from");
                return null;
            }
            var v = vars[k];
            if (!v.Type.IsReal) _reassigned.Add(v.Name);
            return new VarRef(v.Name, v.Type);
        }

        /// <summary><c>p += q</c> on a struct local: <c>p = p + q</c> with the user's operator.</summary>
        private List<Expr>? LowerStructCompound(AssignmentExpressionSyntax a)
        {
            if (_model.GetOperation(a, _ct) is ICompoundAssignmentOperation { OperatorMethod: { } op }) return InlineMethod(a, op);
            Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "assign struct values with '=' or with an operator the struct declares");
            return null;
        }

        /// <summary>
        /// The values <c>var (x, y) = p;</c> deconstructs a positional record struct into: its positional properties in the
        /// order of its parameters. Null (reported) for other structs.
        /// </summary>
        private List<Expr>? DeconstructedStruct(ExpressionSyntax right, List<StructField> fields, List<Expr> values)
        {
            var type = (INamedTypeSymbol)_model.GetTypeInfo(right, _ct).Type!;
            var primary = type.InstanceConstructors.FirstOrDefault(c => c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_ct) is TypeDeclarationSyntax) && c.Parameters.Length > 0);
            if (!type.IsRecord || primary is null)
            {
                Report(Descriptors.UnsupportedExpression, right, right.ToString(), $"only positional record structs are deconstructed; read the fields instead ('var x = {right}.X;')");
                return null;
            }
            var r = new List<Expr>();
            foreach (var p in primary.Parameters)
            {
                int k = fields.FindIndex(f => f.Member is IPropertySymbol && f.Name == p.Name);
                if (k < 0) { Report(Descriptors.UnsupportedExpression, right, right.ToString(), $"the parameter '{p.Name}' is not a property of {type.Name}; read the fields instead"); return null; }
                r.Add(values[k]);
            }
            return r;
        }
    }
}
