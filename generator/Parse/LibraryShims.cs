using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Library methods DiffGen lowers from C# of its own: the algorithm written as the plain loops a user would write
    /// (an insertion sort for <c>Array.Sort</c>, a scan for <c>Array.IndexOf</c>), parsed into a tree added to the user's
    /// compilation and inlined like the user's own helpers. What the derivative sees is that code: a sort moves values
    /// (its adjoint moves them back), an index is an int without derivative.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private const string ShimClass = "__DiffGenLibraryShims";

        // Array.Sort: an insertion sort (n² comparisons in the worst case: meant for the modest arrays of a median or a
        // trimmed mean; docs/natural-csharp.md). Ties keep their order, which changes no value.
        private const string ShimSource = @"
internal static class " + ShimClass + @"
{
    public static void Sort(double[] a) { for (int i = 1; i < a.Length; i++) { double key = a[i]; int j = i - 1; while (j >= 0 && a[j] > key) { a[j + 1] = a[j]; j--; } a[j + 1] = key; } }
    public static void Sort(float[] a) { for (int i = 1; i < a.Length; i++) { float key = a[i]; int j = i - 1; while (j >= 0 && a[j] > key) { a[j + 1] = a[j]; j--; } a[j + 1] = key; } }
    public static void Sort(int[] a) { for (int i = 1; i < a.Length; i++) { int key = a[i]; int j = i - 1; while (j >= 0 && a[j] > key) { a[j + 1] = a[j]; j--; } a[j + 1] = key; } }
    public static int IndexOf(double[] a, double v) { for (int i = 0; i < a.Length; i++) if (a[i] == v) return i; return -1; }
    public static int IndexOf(float[] a, float v) { for (int i = 0; i < a.Length; i++) if (a[i] == v) return i; return -1; }
    public static int IndexOf(int[] a, int v) { for (int i = 0; i < a.Length; i++) if (a[i] == v) return i; return -1; }
    public static int LastIndexOf(double[] a, double v) { for (int i = a.Length - 1; i >= 0; i--) if (a[i] == v) return i; return -1; }
    public static int LastIndexOf(float[] a, float v) { for (int i = a.Length - 1; i >= 0; i--) if (a[i] == v) return i; return -1; }
    public static int LastIndexOf(int[] a, int v) { for (int i = a.Length - 1; i >= 0; i--) if (a[i] == v) return i; return -1; }
}";

        private SemanticModel? _shimModel;
        private INamedTypeSymbol? _shimType;

        /// <summary>The shim standing for <c>Array.Sort(a)</c>, <c>Array.IndexOf(a, v)</c>, <c>Array.LastIndexOf(a, v)</c> on a float/double/int T[]; null for other methods.</summary>
        private IMethodSymbol? LibraryShim(IMethodSymbol target)
        {
            target = target.ReducedFrom ?? target;
            if (target.ContainingType?.ToDisplayString() != "System.Array" || target.Name is not ("Sort" or "IndexOf" or "LastIndexOf")) return null;
            int arity = target.Name == "Sort" ? 1 : 2;
            if (target.Parameters.Length != arity || target.Parameters[0].Type is not IArrayTypeSymbol { Rank: 1, ElementType: var elem }
                || elem.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32))
                return null;
            if (_shimType is null)
            {
                var tree = CSharpSyntaxTree.ParseText(ShimSource, (CSharpParseOptions)_method.DeclaringSyntaxReferences[0].SyntaxTree.Options, cancellationToken: _ct);
                var compilation = _model.Compilation.AddSyntaxTrees(tree);
                _shimModel = compilation.GetSemanticModel(tree);
                var decl = tree.GetRoot(_ct).DescendantNodes().OfType<ClassDeclarationSyntax>().First();
                _shimType = _shimModel.GetDeclaredSymbol(decl, _ct);
                if (_shimType is null) return null;
            }
            return _shimType.GetMembers(target.Name).OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Parameters.Length == arity && ((IArrayTypeSymbol)m.Parameters[0].Type).ElementType.SpecialType == elem.SpecialType);
        }
    }
}
