using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Library methods DiffGen lowers from C# of its own: the algorithm written as the plain loops a user would write
    /// (an insertion sort for <c>Array.Sort</c>, a scan for <c>Array.IndexOf</c> and <c>Array.FindIndex</c> (the predicate inlined like
    /// any lambda passed to a helper), a swap loop for <c>Array.Reverse</c>, and the
    /// reductions and element-wise maps of <c>TensorPrimitives</c> on float/double spans), parsed into a tree added to the user's
    /// compilation and inlined like the user's own helpers. What the derivative sees is that code: a sort moves values
    /// (its adjoint moves them back), an index is an int without derivative. <c>Math.SinCos(x)</c> (and <c>MathF.SinCos</c>)
    /// is the tuple <c>(Math.Sin(x), Math.Cos(x))</c>, deconstructed or read by element like a helper's tuple.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private const string ShimClass = "__DiffGenLibraryShims";

        // Array.Sort: an insertion sort (n² comparisons in the worst case: meant for the modest arrays of a median or a
        // trimmed mean; docs/natural-csharp.md). Ties keep their order, which changes no value.
        private static readonly string ShimSource = @"
using System;
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
    public static int FindIndex(double[] a, Predicate<double> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return i; return -1; }
    public static int FindIndex(float[] a, Predicate<float> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return i; return -1; }
    public static int FindIndex(int[] a, Predicate<int> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return i; return -1; }
    public static int FindLastIndex(double[] a, Predicate<double> match) { for (int i = a.Length - 1; i >= 0; i--) if (match(a[i])) return i; return -1; }
    public static int FindLastIndex(float[] a, Predicate<float> match) { for (int i = a.Length - 1; i >= 0; i--) if (match(a[i])) return i; return -1; }
    public static int FindLastIndex(int[] a, Predicate<int> match) { for (int i = a.Length - 1; i >= 0; i--) if (match(a[i])) return i; return -1; }
    public static bool Exists(double[] a, Predicate<double> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return true; return false; }
    public static bool Exists(float[] a, Predicate<float> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return true; return false; }
    public static bool Exists(int[] a, Predicate<int> match) { for (int i = 0; i < a.Length; i++) if (match(a[i])) return true; return false; }
    public static bool TrueForAll(double[] a, Predicate<double> match) { for (int i = 0; i < a.Length; i++) if (!match(a[i])) return false; return true; }
    public static bool TrueForAll(float[] a, Predicate<float> match) { for (int i = 0; i < a.Length; i++) if (!match(a[i])) return false; return true; }
    public static bool TrueForAll(int[] a, Predicate<int> match) { for (int i = 0; i < a.Length; i++) if (!match(a[i])) return false; return true; }
    public static void Reverse(double[] a) { for (int i = 0, j = a.Length - 1; i < j; i++, j--) { double t = a[i]; a[i] = a[j]; a[j] = t; } }
    public static void Reverse(float[] a) { for (int i = 0, j = a.Length - 1; i < j; i++, j--) { float t = a[i]; a[i] = a[j]; a[j] = t; } }
    public static void Reverse(int[] a) { for (int i = 0, j = a.Length - 1; i < j; i++, j--) { int t = a[i]; a[i] = a[j]; a[j] = t; } }
    public static (double Sin, double Cos) SinCos(double x) => (Math.Sin(x), Math.Cos(x));
    public static (float Sin, float Cos) SinCos(float x) => (MathF.Sin(x), MathF.Cos(x));
" + SortPairsShim() + TensorShim("double", "Math") + TensorShim("float", "MathF") + "}";

        // Array.Sort(keys, items): the same insertion sort on the keys, moving each item with its key (ties keep their order, where
        // Array.Sort leaves the order of equal keys unspecified); every pair of float, double and int arrays
        private static string SortPairsShim()
        {
            var types = new[] { "double", "float", "int" };
            var text = new System.Text.StringBuilder();
            foreach (var k in types)
                foreach (var v in types)
                    text.Append("    public static void Sort(").Append(k).Append("[] k, ").Append(v).Append("[] v) { if (v.Length < k.Length) throw new ArgumentException(\"Array.Sort(keys, items): items is shorter than keys.\", \"items\"); for (int i = 1; i < k.Length; i++) { ")
                        .Append(k).Append(" key = k[i]; ").Append(v).Append(" item = v[i]; int j = i - 1; while (j >= 0 && k[j] > key) { k[j + 1] = k[j]; v[j + 1] = v[j]; j--; } k[j + 1] = key; v[j + 1] = item; } }\n");
            return text.ToString();
        }

        // System.Numerics.Tensors.TensorPrimitives on float and double spans: reductions, and element-wise maps into a
        // destination span, as the loops they compute (SoftMax shifted by the maximum, which changes no value)
        private static string TensorShim(string t, string m) => @"
    public static T Sum(ReadOnlySpan<T> x) { T s = 0; for (int i = 0; i < x.Length; i++) s += x[i]; return s; }
    public static T SumOfSquares(ReadOnlySpan<T> x) { T s = 0; for (int i = 0; i < x.Length; i++) s += x[i] * x[i]; return s; }
    public static T SumOfMagnitudes(ReadOnlySpan<T> x) { T s = 0; for (int i = 0; i < x.Length; i++) s += M.Abs(x[i]); return s; }
    public static T Product(ReadOnlySpan<T> x) { T s = 1; for (int i = 0; i < x.Length; i++) s *= x[i]; return s; }
    public static T Dot(ReadOnlySpan<T> x, ReadOnlySpan<T> y) { T s = 0; for (int i = 0; i < x.Length; i++) s += x[i] * y[i]; return s; }
    public static T Norm(ReadOnlySpan<T> x) { T s = 0; for (int i = 0; i < x.Length; i++) s += x[i] * x[i]; return M.Sqrt(s); }
    public static T Distance(ReadOnlySpan<T> x, ReadOnlySpan<T> y) { T s = 0; for (int i = 0; i < x.Length; i++) s += (x[i] - y[i]) * (x[i] - y[i]); return M.Sqrt(s); }
    public static T CosineSimilarity(ReadOnlySpan<T> x, ReadOnlySpan<T> y) { T d = 0, a = 0, b = 0; for (int i = 0; i < x.Length; i++) { d += x[i] * y[i]; a += x[i] * x[i]; b += y[i] * y[i]; } return d / (M.Sqrt(a) * M.Sqrt(b)); }
    public static T Max(ReadOnlySpan<T> x) { T s = x[0]; for (int i = 1; i < x.Length; i++) s = M.Max(s, x[i]); return s; }
    public static T Min(ReadOnlySpan<T> x) { T s = x[0]; for (int i = 1; i < x.Length; i++) s = M.Min(s, x[i]); return s; }
    public static int IndexOfMax(ReadOnlySpan<T> x) { int k = x.Length == 0 ? -1 : 0; for (int i = 1; i < x.Length; i++) if (x[i] > x[k]) k = i; return k; }
    public static int IndexOfMin(ReadOnlySpan<T> x) { int k = x.Length == 0 ? -1 : 0; for (int i = 1; i < x.Length; i++) if (x[i] < x[k]) k = i; return k; }
    public static void Add(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] + y[i]; }
    public static void Add(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] + y; }
    public static void Subtract(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] - y[i]; }
    public static void Subtract(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] - y; }
    public static void Multiply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] * y[i]; }
    public static void Multiply(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] * y; }
    public static void Divide(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] / y[i]; }
    public static void Divide(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] / y; }
    public static void MultiplyAdd(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = x[i] * y[i] + z[i]; }
    public static void Negate(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = -x[i]; }
    public static void Abs(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Abs(x[i]); }
    public static void Exp(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Exp(x[i]); }
    public static void Log(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Log(x[i]); }
    public static void Sqrt(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Sqrt(x[i]); }
    public static void Tanh(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Tanh(x[i]); }
    public static void Sigmoid(ReadOnlySpan<T> x, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = 1 / (1 + M.Exp(-x[i])); }
    public static void SoftMax(ReadOnlySpan<T> x, Span<T> d) { T m = x[0]; for (int i = 1; i < x.Length; i++) m = M.Max(m, x[i]); T s = 0; for (int i = 0; i < x.Length; i++) s += M.Exp(x[i] - m); for (int i = 0; i < x.Length; i++) d[i] = M.Exp(x[i] - m) / s; }
    public static void Max(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Max(x[i], y[i]); }
    public static void Min(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < x.Length; i++) d[i] = M.Min(x[i], y[i]); }
".Replace("T ", t + " ").Replace("<T>", "<" + t + ">").Replace("M.", m + ".");

        private SemanticModel? _shimModel;
        /// <summary>The compilation of the user's code (the shim's own compilation adds the shim tree to it).</summary>
        private Compilation? _userCompilation;
        private INamedTypeSymbol? _shimType;

        /// <summary>
        /// The shim standing for <c>Array.Sort(a)</c>, <c>Array.Sort(keys, items)</c>, <c>Array.IndexOf(a, v)</c>, <c>Array.LastIndexOf(a, v)</c>, <c>Array.Reverse(a)</c> on a
        /// float/double/int T[], or a <c>TensorPrimitives</c> method on float/double spans; null for other methods.
        /// </summary>
        private IMethodSymbol? LibraryShim(IMethodSymbol target)
        {
            target = target.ReducedFrom ?? target;
            bool tensor = target.ContainingType?.ToDisplayString() == "System.Numerics.Tensors.TensorPrimitives";
            // Math.SinCos(x), MathF.SinCos(x): the tuple (Sin(x), Cos(x)), x evaluated once like any helper's argument
            bool sinCos = target.Name == "SinCos" && target.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF";
            if (!tensor && !sinCos && (target.ContainingType?.ToDisplayString() != "System.Array"
                || target.Name is not ("Sort" or "IndexOf" or "LastIndexOf" or "Reverse" or "FindIndex" or "FindLastIndex" or "Exists" or "TrueForAll"))) return null;
            int arity = target.Name is "Sort" or "Reverse" ? 1 : 2;
            bool Numeric(ITypeSymbol t) => t is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 };
            bool pairs = target.Name == "Sort" && target.Parameters.Length == 2 && Numeric(target.Parameters[1].Type); // Array.Sort(keys, items)
            if (!tensor && !sinCos && (target.Parameters.Length != arity && !pairs || !Numeric(target.Parameters[0].Type)))
                return null;
            if (_shimType is null)
            {
                // the user's trees keep the user's compilation's model: a lambda the shim calls binds the user's symbols
                if (_models.Count == 0) _models[_model.SyntaxTree] = _model;
                _userCompilation = _model.Compilation;
                var tree = CSharpSyntaxTree.ParseText(ShimSource, (CSharpParseOptions)_method.DeclaringSyntaxReferences[0].SyntaxTree.Options, cancellationToken: _ct);
                var compilation = _model.Compilation.AddSyntaxTrees(tree);
                _shimModel = compilation.GetSemanticModel(tree);
                var decl = tree.GetRoot(_ct).DescendantNodes().OfType<ClassDeclarationSyntax>().First();
                _shimType = _shimModel.GetDeclaredSymbol(decl, _ct);
                if (_shimType is null) return null;
            }
            // the overload whose parameter types are the call's (TensorPrimitives.Dot<double>: ReadOnlySpan<double> twice)
            var types = target.Parameters.Select(p => p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString()).ToList();
            return _shimType.GetMembers(target.Name).OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Parameters.Select(p => p.Type.ToDisplayString()).SequenceEqual(types));
        }
    }
}
