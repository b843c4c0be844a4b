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
    /// A call the object's class chooses at run time, made on a field or property of this object (or of a layer object it
    /// holds): <c>Act.Apply(z)</c> with <c>IActivation Act</c>, <c>Head.Forward(x, y)</c> with an abstract <c>LayerBase Head</c>.
    /// The classes of this compilation that the object can be are known at build time, so the call is a switch over them:
    /// an int input, the object's exact class among them (read once at entry; a null object or a class the build did not see
    /// throws there, before anything is written: <c>Shapes.ClassIndex</c>), picks the inlined body of that class's method.
    /// Each body reads its object's members as constants, like <c>L1.W</c>, through <c>(this.Act as C)?.Beta</c> (the
    /// reads of the classes not chosen are defaults nobody uses). Exact classes, not <c>is</c>: a subclass may override again.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>At most this many classes to switch over: more is a design that wants an int mode, and code size grows with each.</summary>
        private const int MaxDispatchClasses = 8;

        private bool TryInlineDispatched(ExpressionSyntax inv, IMethodSymbol target, ExpressionSyntax recv, out List<Expr>? results)
        {
            results = null;
            return ReceiverOf(recv, anyType: true) is { } rc && TryInlineDispatchedOn(inv, target, rc, out results);
        }

        /// <summary>
        /// While a statement is lowered once per class (<see cref="TryLowerDispatchedArrayStatement"/>): the class each object's call
        /// inlines, by the object's <see cref="Receiver.Key"/>.
        /// </summary>
        private readonly Dictionary<string, INamedTypeSymbol> _dispatchedClass = new(System.StringComparer.Ordinal);

        /// <summary>
        /// <c>h = layer.Forward(h);</c> where the object's class chooses a method returning an array (an ILayer of a sequence, a
        /// virtual Forward): the classes' arrays differ in length and cannot be one value, so the statement is lowered once per class,
        /// each copy with that class's method inlined, under <c>if (class == k)</c>; the array local takes the chosen one's result as it
        /// takes any helper's. False: not such a statement.
        /// </summary>
        private bool TryLowerDispatchedArrayStatement(ExpressionStatementSyntax es, List<Stmt> output)
        {
            if (es.Expression is not AssignmentExpressionSyntax { Right: var right } asg || !asg.IsKind(SyntaxKind.SimpleAssignmentExpression)) return false;
            while (right is ParenthesizedExpressionSyntax p) right = p.Expression;
            if (right is not InvocationExpressionSyntax inv || _model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol target
                || target.ReturnType is not IArrayTypeSymbol || !IsDispatchedCall(inv, target, out var recv)
                || ReceiverOf(recv!, anyType: true) is not { } rc || _dispatchedClass.ContainsKey(rc.Key) || rc.Type is not INamedTypeSymbol declared) return false;
            var classes = DispatchCases(declared, target)?.Select(k => k.Class).ToList();
            if (classes is null || classes.Count == 0 || classes.Count > MaxDispatchClasses) return false; // reported where the call is lowered
            var kind = ClassInput(rc, classes, recv!);
            var branches = new List<List<Stmt>>();
            _branchDepth++;
            try
            {
                foreach (var c in classes)
                {
                    var branch = new List<Stmt>();
                    _dispatchedClass[rc.Key] = c;
                    LowerExpressionStatement(es.Expression, branch);
                    branches.Add(branch);
                }
            }
            finally
            {
                _dispatchedClass.Remove(rc.Key);
                _branchDepth--;
            }
            output.AddRange(ClassChain(kind, branches));
            return true;
        }

        /// <summary><c>if (kind == 0) { b0 } else if (kind == 1) { b1 } ... else { last }</c>: the branch of the class <paramref name="kind"/> picks.</summary>
        private static List<Stmt> ClassChain(Expr kind, List<List<Stmt>> branches)
        {
            var chain = branches[branches.Count - 1];
            for (int i = branches.Count - 2; i >= 0; i--)
                chain = new List<Stmt> { new If(new Binary(BinaryOp.Eq, kind, new Const(i, IrType.Int), IrType.Bool), branches[i].ToEquatable(), chain.ToEquatable()) };
            return chain;
        }

        /// <summary>One class's view of the object <paramref name="rc"/> names (a case of a switch over its classes): its members read through <c>(src as C)?.M</c>.</summary>
        private static Receiver ClassView(Receiver rc, INamedTypeSymbol c) =>
            new(rc.Key + " as " + c.ToDisplayString(), $"({rc.Source} as {c.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})", c,
                rc.Prefix + "_" + c.Name, Optional: true, Declared: rc, Elem: rc.Elem);

        /// <summary>The classes an object of <paramref name="declared"/> can be, each with the method it runs for <paramref name="target"/>; null when one cannot be inlined.</summary>
        private List<(INamedTypeSymbol Class, IMethodSymbol Method, SyntaxNode Syntax)>? DispatchCases(INamedTypeSymbol declared, IMethodSymbol target)
        {
            var cases = new List<(INamedTypeSymbol Class, IMethodSymbol Method, SyntaxNode Syntax)>();
            foreach (var c in ClassesOf(declared))
            {
                var impl = declared.TypeKind == TypeKind.Interface
                    ? c.FindImplementationForInterfaceMember(target) as IMethodSymbol
                    : MostDerivedOverride(c, target);
                // an interface mapped to a virtual method (class Leaky : IActivation { public virtual double Apply ... }): a subclass's override runs
                if (impl is { IsVirtual: true } or { IsOverride: true } or { IsAbstract: true }) impl = MostDerivedOverride(c, impl);
                if (impl is null || impl.ContainingType.TypeKind == TypeKind.Interface || impl.IsGenericMethod || HelperSyntax(impl) is not { } syntax
                    || !_model.Compilation.IsSymbolAccessibleWithin(c, _method.ContainingType))
                    return null; // a default interface method, an abstract one, a class the generated code cannot name: reported as before
                cases.Add((c, impl, syntax));
            }
            return cases;
        }

        private static bool IsCallOnThis(ExpressionSyntax inv) =>
            inv is InvocationExpressionSyntax { Expression: IdentifierNameSyntax or GenericNameSyntax }
            || inv is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } };

        private static bool IsOverridableMethod(IMethodSymbol m) =>
            !m.IsStatic && m.MethodKind == MethodKind.Ordinary && (m.IsAbstract || m.IsVirtual || m.IsOverride && !m.IsSealed);

        /// <summary>The switch over the classes the object <paramref name="rc"/> names can be (a field's, a parameter's, or the object a layer method runs on).</summary>
        private bool TryInlineDispatchedOn(ExpressionSyntax inv, IMethodSymbol target, Receiver rc, out List<Expr>? results)
        {
            results = null;
            var recv = inv;
            if (rc.Type is not INamedTypeSymbol declared || DispatchCases(declared, target) is not { } cases) return false;
            if (cases.Count == 0 || cases.Count > MaxDispatchClasses) return false;
            var kind = ClassInput(rc, cases.Select(k => k.Class).ToList(), recv);
            // one class chosen for the whole statement (TryLowerDispatchedArrayStatement): its method alone
            if (_dispatchedClass.TryGetValue(rc.Key, out var chosen))
                cases = cases.Where(k => SymbolEqualityComparer.Default.Equals(k.Class, chosen)).ToList();

            // each class's body, inlined on that class's view of the object; its statements run only when it is the one
            var bodies = new List<(List<Expr> Results, List<Stmt> Pre)>();
            foreach (var (c, impl, syntax) in cases)
            {
                var view = ClassView(rc, c);
                CSharpSyntaxNode body = syntax switch
                {
                    MethodDeclarationSyntax md => (CSharpSyntaxNode?)md.Body ?? md.ExpressionBody!.Expression,
                    _ => null!,
                };
                if (body is null) return false;
                var r = LowerBranch(() => Inline(inv, impl, impl.OriginalDefinition, impl.Name, syntax, body, impl.Parameters, view), out var pre);
                if (r is null) { results = null; return true; } // reported inside the body
                bodies.Add((r, pre));
            }

            results = bodies.Count == 1 && _dispatchedClass.ContainsKey(rc.Key) ? Single(bodies[0]) : Choose(kind, bodies);
            return true;

            List<Expr> Single((List<Expr> Results, List<Stmt> Pre) only)
            {
                _pending.AddRange(only.Pre); // already under this class's 'if'
                return only.Results;
            }
        }

        /// <summary>
        /// The object's class among <paramref name="classes"/> (<see cref="ClassesOf"/>, in its order): an int input of the array form,
        /// one per object (a method call and a property read on it share it).
        /// </summary>
        private Expr ClassInput(Receiver rc, List<INamedTypeSymbol> classes, SyntaxNode where)
        {
            var names = string.Join(", ", classes.Select(c => c.Name));
            var types = string.Join(", ", classes.Select(c => $"typeof({c.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})"));
            if (rc.Elem is { } element)
            {
                // an element of an array of layer objects: each element's class, an int[] read once (ObjectArrays.cs)
                var oa = element.Array;
                string arrayKey = oa.Key + "[]" + rc.Source + "#class";
                if (!_configVars.TryGetValue(arrayKey, out var perElement))
                {
                    perElement = new Variable(FreshName(rc.Prefix + "_class"), new IrType(Scalar.Int, Shape.Vector), VarKind.Param);
                    _configVars[arrayKey] = perElement;
                    _surface = true;
                    string path = rc.Source == "__e" ? "" : $", static __e => {rc.Source}";
                    _memberInputs.Add(new MemberInput(perElement.Name, perElement.Type,
                        $"global::DiffGen.Reverse.SurfaceArrays.ClassIndices({oa.Source}{path}, {Literal(oa.Display)}, {Literal(names)}, [{types}])", null, where.GetLocation()));
                }
                return new ElemRef(perElement.Name, perElement.Type, new[] { element.Index }.ToEquatable());
            }
            string kindKey = rc.Key + "#class";
            if (_configVars.TryGetValue(kindKey, out var kind)) return new VarRef(kind.Name, IrType.Int);
            kind = new Variable(FreshName(rc.Prefix + "_class"), IrType.Int, VarKind.Param);
            _configVars[kindKey] = kind;
            _surface = true;
            var display = rc.Key.StartsWith("this.", System.StringComparison.Ordinal) ? rc.Key.Substring(5) : rc.Key;
            _memberInputs.Add(new MemberInput(kind.Name, IrType.Int,
                $"global::DiffGen.Reverse.Shapes.ClassIndex({rc.Source}, {Literal(display)}, {Literal(names)}, [{types}])", null, where.GetLocation()));
            return new VarRef(kind.Name, IrType.Int);

            static string Literal(string s) => SymbolDisplay.FormatLiteral(s, quote: true);
        }

        /// <summary>
        /// The result of the class <paramref name="kind"/> picks: <c>if (kind == 0) { body 0 } else if ... else { last }</c>
        /// before the statement (the helpers' top-level locals declared before it, as EmitGuarded does for ?:), and
        /// <c>kind == 0 ? r0 : kind == 1 ? r1 : ...</c> per result.
        /// </summary>
        private List<Expr> Choose(Expr kind, List<(List<Expr> Results, List<Stmt> Pre)> bodies)
        {
            Expr Is(int i) => new Binary(BinaryOp.Eq, kind, new Const(i, IrType.Int), IrType.Bool);
            var lifted = bodies.Select(b => LiftDeclarations(b.Pre)).ToList();
            if (lifted.Any(l => l.Count > 0)) _pending.AddRange(ClassChain(kind, lifted));
            var results = new List<Expr>();
            for (int e = 0; e < bodies[0].Results.Count; e++)
            {
                var value = bodies[bodies.Count - 1].Results[e];
                for (int i = bodies.Count - 2; i >= 0; i--)
                    value = new Conditional(Is(i), bodies[i].Results[e], value, value.Type);
                results.Add(value);
            }
            return results;
        }

        private static bool IsOverridable(IPropertySymbol p) =>
            p.IsAbstract || p.IsVirtual || p.IsOverride && !p.IsSealed || p.ContainingType?.TypeKind == TypeKind.Interface;

        /// <summary>The property an object of exactly class <paramref name="c"/> runs for <paramref name="target"/>: its most derived override (or interface implementation).</summary>
        private static IPropertySymbol? MostDerivedProperty(INamedTypeSymbol c, IPropertySymbol target)
        {
            if (target.ContainingType?.TypeKind == TypeKind.Interface)
            {
                if (c.FindImplementationForInterfaceMember(target) is not IPropertySymbol mapped) return null;
                target = mapped;
                if (!(mapped.IsVirtual || mapped.IsOverride || mapped.IsAbstract)) return mapped;
            }
            for (var t = c; t is not null; t = t.BaseType)
                foreach (var m in t.GetMembers(target.Name).OfType<IPropertySymbol>())
                    for (var o = m; o is not null; o = o.OverriddenProperty)
                        if (SymbolEqualityComparer.Default.Equals(o.OriginalDefinition, target.OriginalDefinition)) return m;
            return null;
        }

        /// <summary>
        /// <c>G.Scale</c> of an abstract, virtual or interface float/double property on an object whose class is chosen at run
        /// time: a switch over the classes of the compilation, each one's getter (a computed one inlined, so that a derivative
        /// through the fields it reads is kept). Reported when no class can be switched over: reading the value once would cut
        /// the derivative through it.
        /// </summary>
        private Expr? DispatchedProperty(Receiver rc, IPropertySymbol prop, ExpressionSyntax where)
        {
            var classes = rc.Type is INamedTypeSymbol declared ? ClassesOf(declared).ToList() : new List<INamedTypeSymbol>();
            if (classes.Count == 0 || classes.Count > MaxDispatchClasses || classes.Any(c => !_model.Compilation.IsSymbolAccessibleWithin(c, _method.ContainingType) || MostDerivedProperty(c, prop) is not { IsAbstract: false }))
            {
                Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"'{prop.Name}' is {(prop.ContainingType?.TypeKind == TypeKind.Interface ? "an interface" : prop.IsAbstract ? "an abstract" : "a virtual")} property, so the object's class chooses its getter at run time, "
                    + "and DiffGen could not list the classes to choose from (none in this compilation, more than 8, or one it cannot name); type the member as the concrete sealed class, or make it a method of the object");
                return null;
            }
            var kind = ClassInput(rc, classes, where);
            var bodies = new List<(List<Expr> Results, List<Stmt> Pre)>();
            foreach (var c in classes)
            {
                var view = ClassView(rc, c);
                var r = LowerBranch(() => ReadConfigMember(view, prop, where), out var pre);
                if (r is null) return null;
                bodies.Add((new List<Expr> { r }, pre));
            }
            return Choose(kind, bodies)[0];
        }

        /// <summary>The classes of this compilation an object of <paramref name="declared"/> can be: not abstract, not generic, implementing or deriving from it; by name, for a stable order.</summary>
        private IEnumerable<INamedTypeSymbol> ClassesOf(INamedTypeSymbol declared) =>
            _model.Compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type, _ct).OfType<INamedTypeSymbol>()
                .Where(c => c is { TypeKind: TypeKind.Class, IsAbstract: false, IsGenericType: false }
                    && (declared.TypeKind == TypeKind.Interface ? c.AllInterfaces.Contains(declared, SymbolEqualityComparer.Default) : HasMembersOf(c, declared)))
                .OrderBy(c => c.ToDisplayString(), System.StringComparer.Ordinal);

        /// <summary>The method an object of exactly class <paramref name="c"/> runs for <paramref name="target"/> (virtual or abstract): the most derived override.</summary>
        private static IMethodSymbol? MostDerivedOverride(INamedTypeSymbol c, IMethodSymbol target)
        {
            for (var t = c; t is not null; t = t.BaseType)
                foreach (var m in t.GetMembers(target.Name).OfType<IMethodSymbol>())
                    for (var o = m; o is not null; o = o.OverriddenMethod)
                        if (SymbolEqualityComparer.Default.Equals(o.OriginalDefinition, target.OriginalDefinition)) return m;
            return null;
        }

        /// <summary><c>(src?.Member ?? default)</c>: a member read on an object that may be of another class (<see cref="Receiver.Optional"/>).</summary>
        private static string OptionalRead(string source, ISymbol member)
        {
            var t = MemberType(member);
            string fallback = t switch
            {
                IArrayTypeSymbol { Rank: 1 } a => $"global::System.Array.Empty<{a.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>()",
                IArrayTypeSymbol a => $"new {a.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}[{new string(',', a.Rank - 1).Replace(",", "0, ")}0]",
                _ => $"default({t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})",
            };
            return $"({source}?.{member.Name} ?? {fallback})";
        }
    }
}
