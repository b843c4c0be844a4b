using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Generic-math helpers (issue 10): <c>static T Cube&lt;T&gt;(T v) where T : INumber&lt;T&gt; =&gt; v * v * v;</c> called with a
    /// double. The helper is instantiated for the call's type arguments (float, double or int) as source: a copy of its
    /// file where its declaration is the same method with every use of a type parameter written as that type and no type
    /// parameters or constraints, bound in a copy of the compilation, then inlined like any helper. When the copy does
    /// not compile (a static abstract member double does not expose, such as <c>T.One</c>), the call is reported as before.
    /// Problems found inside the copy are reported at the call (the copy's positions are not the user's file's).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private readonly Dictionary<string, (MethodDeclarationSyntax Syntax, IMethodSymbol Symbol)?> _instances = new(StringComparer.Ordinal);
        private readonly HashSet<SyntaxTree> _instanceTrees = new();
        /// <summary>The call of the outermost generic helper being inlined: where problems inside its instance are reported.</summary>
        private Location? _instanceSite;

        private (MethodDeclarationSyntax Syntax, IMethodSymbol Symbol)? Instantiate(IMethodSymbol target, MethodDeclarationSyntax md)
        {
            try { return InstantiateCore(target, md); }
            catch (Exception e) when (e is not OperationCanceledException) { return null; } // a form the rewrite does not know: reported as not instantiated
        }

        private (MethodDeclarationSyntax Syntax, IMethodSymbol Symbol)? InstantiateCore(IMethodSymbol target, MethodDeclarationSyntax md)
        {
            if (target.ContainingType is { IsGenericType: true } || !target.IsGenericMethod || md.Body is null && md.ExpressionBody is null) return null;
            if (target.TypeArguments.Any(t => t.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32))) return null;
            var key = target.ToDisplayString();
            if (_instances.TryGetValue(key, out var known)) return known;
            _instances[key] = null;

            var def = target.OriginalDefinition;
            var model = ModelFor(md.SyntaxTree);
            string? TypeArg(ExpressionSyntax e) =>
                e is IdentifierNameSyntax id && model.GetSymbolInfo(id, _ct).Symbol is ITypeParameterSymbol tp && SymbolEqualityComparer.Default.Equals(tp.DeclaringMethod?.OriginalDefinition, def)
                    ? target.TypeArguments[tp.Ordinal].SpecialType switch { SpecialType.System_Double => "double", SpecialType.System_Single => "float", _ => "int" }
                    : null;
            var replace = new Dictionary<SyntaxNode, string>();
            foreach (var n in md.DescendantNodes())
            {
                if (n.Ancestors().Any(a => a is TypeParameterConstraintClauseSyntax or TypeParameterListSyntax)) continue; // removed below
                switch (n)
                {
                    // T.Zero, T.One (explicit interface members on double): literals
                    case MemberAccessExpressionSyntax { Name.Identifier.Text: "Zero" or "One" or "AdditiveIdentity" or "MultiplicativeIdentity" } ma when TypeArg(ma.Expression) is { } t && ma.Parent is not InvocationExpressionSyntax:
                        var one = ma.Name.Identifier.Text is "One" or "MultiplicativeIdentity";
                        replace[n] = t switch { "double" => one ? "1.0" : "0.0", "float" => one ? "1f" : "0f", _ => one ? "1" : "0" };
                        break;
                    // T.CreateChecked(x) and its kin into float/double: a cast
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "CreateChecked" or "CreateTruncating" or "CreateSaturating" } cm } ci
                        when ci.ArgumentList.Arguments.Count == 1 && TypeArg(cm.Expression) is "double" or "float":
                        replace[n] = "cast";
                        break;
                    case IdentifierNameSyntax id when TypeArg(id) is { } t2:
                        replace[n] = t2;
                        break;
                }
            }
            SyntaxNode Rewrite(SyntaxNode old, SyntaxNode now)
            {
                var what = replace[old];
                if (what == "cast")
                {
                    var arg = ((InvocationExpressionSyntax)now).ArgumentList.Arguments[0].Expression;
                    var type = TypeArg(((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)old).Expression).Expression)!;
                    return SyntaxFactory.ParenthesizedExpression(SyntaxFactory.CastExpression(SyntaxFactory.ParseTypeName(type), SyntaxFactory.ParenthesizedExpression(arg.WithoutTrivia()))).WithTriviaFrom(old);
                }
                if (old is IdentifierNameSyntax) return SyntaxFactory.ParseTypeName(what).WithTriviaFrom(old);
                return SyntaxFactory.ParseExpression(what).WithTriviaFrom(old);
            }
            var instance = md.ReplaceNodes(replace.Keys, Rewrite);
            instance = instance.WithTypeParameterList(null).WithConstraintClauses(default)
                .WithIdentifier(instance.Identifier.WithTrailingTrivia(instance.TypeParameterList?.GetTrailingTrivia() ?? default))
                .WithAdditionalAnnotations(s_instanceMark);
            var oldTree = md.SyntaxTree;
            var root = oldTree.GetRoot(_ct).ReplaceNode(md, instance);
            var tree = oldTree.WithRootAndOptions(root, oldTree.Options);
            var compilation = _model.Compilation.ReplaceSyntaxTree(oldTree, tree);
            var newModel = compilation.GetSemanticModel(tree);
            var node = tree.GetRoot(_ct).GetAnnotatedNodes(s_instanceMark).OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (node is null || newModel.GetDeclaredSymbol(node, _ct) is not IMethodSymbol symbol) return null;
            if (newModel.GetDiagnostics(node.Span, _ct).Any(d => d.Severity == DiagnosticSeverity.Error)) return null;
            _models[tree] = newModel;
            _instanceTrees.Add(tree);
            return _instances[key] = (node, symbol);
        }

        private static readonly SyntaxAnnotation s_instanceMark = new("DiffGen.GenericInstance");

        /// <summary>A location inside an instantiated helper: the call of that helper instead.</summary>
        private Location? UserLocation(Location? location) =>
            location?.SourceTree is { } t && _instanceTrees.Contains(t) ? _instanceSite ?? location : location;
    }
}
