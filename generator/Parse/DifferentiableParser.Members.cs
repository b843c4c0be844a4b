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
    /// Shapes and types users write (issue 10, item 5): instance methods reading fields and properties, static readonly
    /// tables, config struct/record parameters (<c>cfg.Tau</c>), <c>in</c> parameters, <c>Span&lt;T&gt;</c> /
    /// <c>ReadOnlySpan&lt;T&gt;</c> parameters and <c>T[,,]</c> (any rank ≥ 3) parameters. All of them are lowered to
    /// the array form the rest of the pipeline knows: every value read becomes a parameter of a static method
    /// <c>{Name}Arrays</c> (a field or member: read once at entry; a span: a T[]; a T[,,]: a T[d0, d1·d2] with an index
    /// rewrite), and Emit (SurfaceEmitter) writes the user-facing entry points that gather them and call it.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>A value the array form takes as a parameter that is not a parameter of the user's method.</summary>
        private sealed record MemberInput(string Core, IrType Type, string Source, ISymbol? Member, Location? Where);

        private bool _surface;
        private bool _isInstance;
        private readonly List<MemberInput> _memberInputs = new();
        private readonly Dictionary<string, Variable> _configVars = new(StringComparer.Ordinal);
        private readonly HashSet<IParameterSymbol> _configParams = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IParameterSymbol, ArgKind> _paramKinds = new(SymbolEqualityComparer.Default);
        /// <summary>Parameters of rank ≥ 3: the names of their dimension parameters d1.. (d0 is the flattened array's GetLength(0)).</summary>
        private readonly Dictionary<IParameterSymbol, List<string>> _highRank = new(SymbolEqualityComparer.Default);

        private const string WhatFieldsCanBe = "float, double, int or bool, an array of float/double/int (T[], T[,], T[][]), or a stack of float/double matrices (T[][,], List<T[,]>; List<T[]> rows)";

        private static Scalar? ElemOf(ITypeSymbol t) => t.SpecialType switch
        {
            SpecialType.System_Single => Scalar.Float,
            SpecialType.System_Double => Scalar.Double,
            SpecialType.System_Int32 => Scalar.Int,
            _ => null,
        };

        private static bool IsSpan(ITypeSymbol t, out bool readOnly, out ITypeSymbol? elem)
        {
            readOnly = false;
            elem = null;
            if (t is not INamedTypeSymbol { IsGenericType: true } n || n.TypeArguments.Length != 1) return false;
            var def = n.OriginalDefinition.ToDisplayString();
            if (def == "System.Span<T>") { elem = n.TypeArguments[0]; return true; }
            if (def == "System.ReadOnlySpan<T>") { elem = n.TypeArguments[0]; readOnly = true; return true; }
            return false;
        }

        /// <summary>
        /// An indexable list interface, <c>IReadOnlyList&lt;T&gt;</c> or <c>IList&lt;T&gt;</c> (<paramref name="readOnly"/> for the
        /// first): read like a T[] (<c>.Count</c> its length); entry points copy it (<see cref="ArgKind.Sequence"/>), a helper's
        /// parameter takes the caller's array.
        /// </summary>
        private static bool IsListInterface(ITypeSymbol t, out bool readOnly, out ITypeSymbol? elem)
        {
            readOnly = false;
            elem = null;
            if (t is not INamedTypeSymbol { IsGenericType: true, TypeKind: TypeKind.Interface } n || n.TypeArguments.Length != 1) return false;
            var def = n.OriginalDefinition.ToDisplayString();
            if (def == "System.Collections.Generic.IList<T>") { elem = n.TypeArguments[0]; return true; }
            if (def == "System.Collections.Generic.IReadOnlyList<T>") { elem = n.TypeArguments[0]; readOnly = true; return true; }
            return false;
        }

        /// <summary>
        /// An integer scalar type other than int that a count or an index may have (long, nint, uint, short, ...): such a
        /// parameter is an int in the array form, narrowed at entry (<see cref="NarrowText"/>).
        /// </summary>
        private static bool NarrowedScalar(ITypeSymbol t) => t.SpecialType is SpecialType.System_Int64 or SpecialType.System_UInt64
            or SpecialType.System_UInt32 or SpecialType.System_IntPtr or SpecialType.System_UIntPtr or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte;

        /// <summary>
        /// The entry points' int value of a <see cref="NarrowedScalar"/> parameter: a value outside int's range throws
        /// ArgumentOutOfRangeException naming the parameter (short, ushort, byte, sbyte always fit).
        /// </summary>
        private static string NarrowText(IParameterSymbol p)
        {
            var type = p.Type.ToDisplayString();
            var n = "@" + p.Name;
            string? outside = p.Type.SpecialType switch
            {
                SpecialType.System_Int64 or SpecialType.System_IntPtr => $"{n} < int.MinValue || {n} > int.MaxValue",
                SpecialType.System_UInt64 or SpecialType.System_UInt32 or SpecialType.System_UIntPtr => $"{n} > int.MaxValue",
                _ => null,
            };
            if (outside is null) return "(int)" + n;
            var message = SymbolDisplay.FormatLiteral($"DiffGen reads the {type} parameter '{p.Name}' as an int (a count or an index); its value is outside int's range.", quote: true);
            return $"({outside} ? throw new global::System.ArgumentOutOfRangeException(\"{p.Name}\", {n}, {message}) : (int){n})";
        }

        /// <summary>A struct, record or class parameter whose members the method reads (not arrays, spans, delegates, text).</summary>
        private static bool IsConfigType(ITypeSymbol t) =>
            t is INamedTypeSymbol { TypeKind: TypeKind.Struct or TypeKind.Class } n && n.SpecialType == SpecialType.None
            && !n.IsGenericType && n.ToDisplayString() is not ("object" or "string" or "decimal")
            // an interface of this compilation (an IActivation strategy passed in): its members read at entry, its calls a switch over its classes (DispatchedCalls.cs)
            || t is INamedTypeSymbol { TypeKind: TypeKind.Interface, IsGenericType: false } i && i.Locations.Any(l => l.IsInSource);

        /// <summary><c>List&lt;T[]&gt;</c> parameters: rows of data (never differentiated), passed on as <c>list.ToArray()</c>.</summary>
        private readonly HashSet<IParameterSymbol> _listRows = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// A parameter of one of the new shapes (or passed with 'in'): registered, or reported. False: the usual rules apply.
        /// </summary>
        private bool TryParseSurfaceParameter(IParameterSymbol p, SyntaxNode? psyntax)
        {
            bool byIn = p.RefKind is RefKind.In or RefKind.RefReadOnlyParameter;
            // out double aux: a second result; the array form writes it into an output T[1] (aux[0])
            if (p.RefKind == RefKind.Out && MapType(p.Type) is { IsArray: false, IsReal: true } outType)
            {
                _vars[p] = new Variable(p.Name, new IrType(outType.Elem, Shape.Vector), VarKind.Param);
                _usedNames.Add(p.Name);
                _substituted[p] = new ElemRef(p.Name, new IrType(outType.Elem, Shape.Vector), new[] { (Expr)new Const(0, IrType.Int) }.ToEquatable());
                _paramKinds[p] = ArgKind.OutScalar;
                _surface = true;
                return true;
            }
            if (!byIn && p.RefKind != RefKind.None) return false;
            var t = p.Type;
            if (ObjectElementType(t) is { TypeKind: TypeKind.Class or TypeKind.Interface })
            {
                // (arrays of structs stay data split into fields: StructArrays.cs)
                // Loss(List<Dense> layers, double[] x): read through its elements like a field holding them (ObjectArrays.cs)
                _objectArrayMethodParams.Add(p);
                _usedNames.Add(p.Name);
                _surface = true;
                return true;
            }
            if (t.SpecialType == SpecialType.System_String && !byIn)
            {
                // a mode ('string reduction = "mean"'): only compared with literals, each comparison an int flag the entry points compute
                _textParams.Add(p);
                _usedNames.Add(p.Name);
                _surface = true;
                return true;
            }
            // List<double> weights: read (and written) like a double[]; the entry points copy its elements (CollectionsMarshal.AsSpan)
            if (t is INamedTypeSymbol { IsGenericType: true } lt && lt.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>"
                && ElemOf(lt.TypeArguments[0]) is { } listElem && listElem != Scalar.Bool && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(listElem, Shape.Vector), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.List;
                _surface = true;
                return true;
            }
            // IReadOnlyList<double> x, IList<double> y: the same, copied element by element (SurfaceArrays.RentSequence)
            if (IsListInterface(t, out _, out var seqElem) && ElemOf(seqElem!) is { } se && se != Scalar.Bool && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(se, Shape.Vector), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Sequence;
                _surface = true;
                return true;
            }
            // List<double[]> batch: rows of data, read like a double[][] (the entry points pass batch.ToArray(): the same rows)
            if (t is INamedTypeSymbol { IsGenericType: true } lr && lr.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>"
                && lr.TypeArguments[0] is IArrayTypeSymbol { Rank: 1 } rowType && ElemOf(rowType.ElementType) is Scalar.Float or Scalar.Double && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(ElemOf(rowType.ElementType)!.Value, Shape.Jagged), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Snapshot;
                _listRows.Add(p);
                _surface = true;
                return true;
            }
            // List<int>[] neighbours (or IReadOnlyList<int>[]): adjacency lists, index data read like an int[][] (the entry points
            // pass each list's ToArray(); a null list throws ArgumentException naming the parameter)
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { IsGenericType: true } li } && !byIn
                && (li.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>" || IsListInterface(li, out _, out _))
                && li.TypeArguments[0].SpecialType == SpecialType.System_Int32)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, Shape.Jagged), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Snapshot;
                _listRows.Add(p);
                _surface = true;
                return true;
            }
            if (NullableOf(t) is not null && !byIn)
            {
                // double? scale = null: an option, read by the entry points into two inputs where it is used (NullableValues.cs)
                _nullableParams.Add(p);
                _usedNames.Add(p.Name);
                _surface = true;
                return true;
            }
            // ReadOnlySpan<bool> / Span<bool> masks: like a bool[] (a pooled int copy, 0/1)
            if (IsSpan(t, out _, out var maskElem) && maskElem!.SpecialType == SpecialType.System_Boolean)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, Shape.Vector), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Mask;
                _surface = true;
                return true;
            }
            if (IsSpan(t, out bool ro, out var elem))
            {
                if (ElemOf(elem!) is not { } e)
                {
                    Report(Descriptors.UnsupportedType, psyntax, t.ToDisplayString(), "'" + p.Name + "'", "spans of float, double or int are supported (ReadOnlySpan<T> for inputs, Span<T> for outputs); pass a span of one of those");
                    return true;
                }
                _vars[p] = new Variable(p.Name, new IrType(e, Shape.Vector), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ro ? ArgKind.ReadOnlySpan : ArgKind.Span;
                _surface = true;
                return true;
            }
            if (t is IArrayTypeSymbol { Rank: >= 3 } at)
            {
                if (ElemOf(at.ElementType) is not { } e)
                {
                    Report(Descriptors.UnsupportedType, psyntax, t.ToDisplayString(), "'" + p.Name + "'", "arrays of rank 3 or more must have float, double or int elements");
                    return true;
                }
                _vars[p] = new Variable(p.Name, new IrType(e, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                var dims = new List<string>();
                for (int d = 1; d < at.Rank; d++) dims.Add(FreshName(p.Name + "__d" + d));
                _dimNames.UnionWith(dims);
                _highRank[p] = dims;
                _paramKinds[p] = ArgKind.Flatten;
                _surface = true;
                return true;
            }
            // double[][][] w (w[l][o][i], per-layer weights as jagged rows): a stack of matrices like double[][,] (JaggedStack)
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1, ElementType: var leaf } } } && !byIn
                && ElemOf(leaf) is Scalar.Float or Scalar.Double)
            {
                var jelem = ElemOf(leaf)!.Value;
                _vars[p] = new Variable(p.Name, new IrType(jelem, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                var jdims = new List<string> { FreshName(p.Name + "__s0"), FreshName(p.Name + "__s1") };
                _dimNames.UnionWith(jdims);
                _stacks[p] = jdims;
                var jshapes = new List<string> { FreshName(p.Name + "__n0"), FreshName(p.Name + "__n1") };
                _stackShapes[p] = jshapes;
                _stackShapeNames.UnionWith(jshapes);
                _jaggedStacks.Add(p);
                _paramKinds[p] = ArgKind.JaggedStack;
                _surface = true;
                return true;
            }
            // double[][,] layers (or double[][,,]): arrays of one shape, per-layer weights; a T[L, r·c] whose row l is layers[l]
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: >= 2 } inner } && !byIn)
            {
                if (ElemOf(inner.ElementType) is not { } stackElem || stackElem == Scalar.Bool)
                {
                    Report(Descriptors.UnsupportedType, psyntax, t.ToDisplayString(), "'" + p.Name + "'", "a stack of arrays (T[][,]) must have float, double or int elements");
                    return true;
                }
                _vars[p] = new Variable(p.Name, new IrType(stackElem, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                var sdims = new List<string>();
                for (int d = 0; d < inner.Rank; d++) sdims.Add(FreshName(p.Name + "__s" + d));
                _dimNames.UnionWith(sdims);
                _stacks[p] = sdims;
                // matrices may differ in shape per layer (an MLP's nOut × nIn): each layer's dimensions in an int[] (StackView.Shapes);
                // the stack's dims above are the largest, the stride of the padded rows (docs/api.md)
                var shapes = new List<string>();
                if (inner.Rank == 2)
                    for (int d = 0; d < inner.Rank; d++) shapes.Add(FreshName(p.Name + "__n" + d));
                _stackShapes[p] = shapes;
                _stackShapeNames.UnionWith(shapes);
                _paramKinds[p] = ArgKind.Stack;
                _surface = true;
                return true;
            }
            // (int, int)[] / (int, int, int)[] pairs and triples: the array form reads a pooled int[n, 2] / int[n, 3]; edges[k].A is edges[k, 0]
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { IsTupleType: true } tt } && tt.TupleElements.Length is 2 or 3
                && tt.TupleElements.All(e => e.Type.SpecialType == SpecialType.System_Int32) && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                _tupleArrays.Add(p.Name);
                _paramKinds[p] = ArgKind.TupleRows;
                _surface = true;
                return true;
            }
            // (int A, int B, double W)[]: tuples of ints with float/double elements are data (weighted edges, labelled pairs). The
            // array form reads two pooled copies: the int elements as an int[n, i] (indices stay ints), the others as a
            // double[n, r] input that is never differentiated.
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { IsTupleType: true } dt } && dt.TupleElements.Length is >= 2 and <= 4
                && dt.TupleElements.All(e => e.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Double or SpecialType.System_Single)
                && dt.TupleElements.Any(e => e.Type.SpecialType == SpecialType.System_Int32)
                && dt.TupleElements.Any(e => e.Type.SpecialType != SpecialType.System_Int32) && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                _tupleArrays.Add(p.Name);
                var values = FreshName(p.Name + "__values");
                _dataTuples[p.Name] = new DataTuple(values, dt.TupleElements.Select(e => e.Type.SpecialType != SpecialType.System_Int32).ToArray(),
                    Enumerable.Range(1, dt.TupleElements.Length).Select(i => "Item" + i).ToArray());
                _paramKinds[p] = ArgKind.TupleRows; // a tuple array for the checks; BuildSurface copies it as TupleInts + TupleValues
                _surface = true;
                return true;
            }
            // Particle[] / Obs[]: an array of structs with float/double fields (and ints) is data too, held the same way: ps[k].X
            // reads the row, 'var p = ps[k]' and 'foreach (var p in ps)' make a struct local from it (StructValues.cs)
            if (t is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol { TypeKind: TypeKind.Struct, IsTupleType: false } st } && !byIn
                && StructFields(st) is { } sf && sf.All(f => f.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Boolean)
                && sf.Any(f => f.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single))
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                _tupleArrays.Add(p.Name);
                var values = FreshName(p.Name + "__values");
                // a bool field (a 'done' flag) is held as 0/1 among the ints
                _dataTuples[p.Name] = new DataTuple(values, sf.Select(f => f.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single).ToArray(), sf.Select(f => f.Member.Name).ToArray(),
                    sf.Select(f => f.Type.SpecialType == SpecialType.System_Boolean).ToArray());
                _paramKinds[p] = ArgKind.TupleRows;
                _surface = true;
                return true;
            }
            // bool[] / bool[,] masks: the array form reads a pooled int copy (0/1); reads of mask[i] compare with 0
            if (t is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Boolean, Rank: 1 or 2 } mask && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, mask.Rank == 1 ? Shape.Vector : Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Mask;
                _surface = true;
                return true;
            }
            // long[] / long[,] (timestamps, ids, counts): data, read as a pooled int copy; a value outside int's range throws at entry
            if (t is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int64, Rank: 1 or 2 } longs && !byIn)
            {
                _vars[p] = new Variable(p.Name, new IrType(Scalar.Int, longs.Rank == 1 ? Shape.Vector : Shape.Matrix), VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Narrow;
                _surface = true;
                return true;
            }
            // long iterations, nint count, uint n: a count or an index held in a wider (or unsigned) integer type, an int in the
            // array form; the entry points narrow it once, and a value outside int's range throws ArgumentOutOfRangeException
            // naming the parameter (never a silent truncation)
            if (!byIn && NarrowedScalar(t))
            {
                _vars[p] = new Variable(p.Name, IrType.Int, VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Snapshot;
                _surface = true;
                return true;
            }
            // an enum parameter: the array form takes its int value ((int)a, read once at entry)
            if (IsEnum(t) && MapType(t) is { } enumType)
            {
                _vars[p] = new Variable(p.Name, enumType, VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Snapshot;
                _surface = true;
                return true;
            }
            // an array of enum values (ThermalLayerKind[] kinds): data, the int array it is in memory ((int[])(object)kinds: no copy)
            if (EnumArray(t) is { } enumArray && !byIn)
            {
                _vars[p] = new Variable(p.Name, enumArray, VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Snapshot;
                _surface = true;
                return true;
            }
            if (MapType(t) is { } mapped)
            {
                if (!byIn) return false;
                if (mapped.Elem == Scalar.Bool && mapped.IsArray) return false;
                _vars[p] = new Variable(p.Name, mapped, VarKind.Param);
                _usedNames.Add(p.Name);
                _paramKinds[p] = ArgKind.Direct;
                _surface = true;
                return true;
            }
            // (float X, float Y) target: a tuple of values, read element by element at entry like a config record's members (data)
            if (IsConfigType(t) || t is INamedTypeSymbol { IsTupleType: true } tupleType && !byIn && p.RefKind == RefKind.None
                && tupleType.TupleElements.All(e => e.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32))
            {
                _configParams.Add(p);
                _usedNames.Add(p.Name);
                _surface = true;
                return true;
            }
            return false;
        }

        /// <summary>
        /// A parameter of a class's or struct's primary constructor (<c>class Layer(double[] w)</c>): C# lets only the part of
        /// the partial type that declares it read it, and the entry points DiffGen writes are another part. What to write
        /// instead; null for other symbols.
        /// </summary>
        private static string? PrimaryConstructorParameter(ISymbol sym)
        {
            if (sym is not IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } ctor } p) return null;
            if (!ctor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax)) return null;
            var type = p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            var field = "_" + p.Name;
            var prop = char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1);
            return $"'{p.Name}' is a parameter of the primary constructor of '{ctor.ContainingType.Name}', which the generated entry points (another part of the partial type) cannot read; "
                + $"keep it in a field or property and read that: 'private readonly {type} {field} = {p.Name};' or 'public {type} {prop} {{ get; }} = {p.Name};' "
                + $"(name it in [Differentiable(nameof(...))] to differentiate it)";
        }

        private static bool IsReadableMember(ISymbol s) =>
            s is IFieldSymbol { IsConst: false } or IPropertySymbol { IsIndexer: false, GetMethod: not null };

        private static ITypeSymbol MemberType(ISymbol s) => s is IFieldSymbol f ? f.Type : ((IPropertySymbol)s).Type;

        /// <summary>Is <paramref name="member"/> declared on this method's type (or a base type of it)?</summary>
        private bool OnOwnType(ISymbol member)
        {
            for (var t = _method.ContainingType; t is not null; t = t.BaseType)
                if (SymbolEqualityComparer.Default.Equals(t, member.ContainingType)) return true;
            return false;
        }

        /// <summary>A field or property read (W1, this.W1, Model.Table): a parameter of the array form, read once at entry.</summary>
        private Expr? ReadMember(ISymbol member, SyntaxNode where)
        {
            if (!member.IsStatic && _receiver is { } rc && HasMembersOf(rc.Type, member.ContainingType)) return ReadConfigMember(rc, member, where);
            if (_vars.TryGetValue(member, out var known)) return Ref(known);
            if (!member.IsStatic && !OnOwnType(member))
            {
                Report(Descriptors.UnsupportedExpression, where, where.ToString(), "only fields and properties of this type (and static ones) can be read; pass the value as a parameter");
                return null;
            }
            if (!member.IsStatic && _method.IsStatic) return Suppress(); // C# reports it
            if (IsStackSymbol(member)) return Ref(_vars[member]); // a T[][,] or List<T[,]> field named in the list (Buffers.cs)
            if (where is ExpressionSyntax site && ComputedReal(member, own: !member.IsStatic || OnOwnType(member)) is { } getter)
                return OverridableGetter(getter.Prop, _method.ContainingType, where) ? null
                    : OneResult(site, Inline(site, getter.Get, getter.Get, getter.Prop.Name, getter.Owner, getter.Body, getter.Get.Parameters));
            var type = MapType(MemberType(member));
            // List<double[]> (per-layer biases beside a stack of weights): its rows as the T[][] the method reads
            bool listRows = false;
            if (type is null && IsListType(MemberType(member), out var item) && item is IArrayTypeSymbol { Rank: 1 } row
                && ElemOf(row.ElementType) is Scalar.Double or Scalar.Float)
            {
                listRows = true;
                type = new IrType(ElemOf(row.ElementType)!.Value, Shape.Jagged);
            }
            if (type is null || type.Value.Elem == Scalar.Bool && type.Value.IsArray)
            {
                Report(Descriptors.UnsupportedType, where, MemberType(member).ToDisplayString(), "the member '" + member.Name + "'",
                    LinqOverObjectsAdvice(where, member.Name) ?? ObjectCollectionAdvice(MemberType(member))
                    ?? "fields and properties a differentiable method reads must be " + WhatFieldsCanBe + "; pass other values as parameters"
                    + (MemberType(member) is IArrayTypeSymbol { Rank: >= 3 } ? $" (a T[,,] field of float, double or int of this object or a static one can be indexed '{member.Name}[i, j, k]', measured '{member.Name}.GetLength(d)' or passed to a helper's T[,,] parameter; use it in one of those ways)" : ""));
                _rejected.Add(member);
                return null;
            }
            var name = FreshName(member.Name);
            var v = new Variable(name, type.Value, VarKind.Param);
            _vars[member] = v;
            string source = member.IsStatic
                ? member.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + member.Name
                : "this." + member.Name;
            if (listRows) source = $"global::DiffGen.Reverse.SurfaceArrays.RowsOf({source}, \"{member.Name}\")";
            _memberInputs.Add(new MemberInput(name, type.Value, IsEnum(MemberType(member)) ? "(int)" + source : source, member, member.Locations.FirstOrDefault()));
            _surface = true;
            return Ref(v);
        }

        /// <summary>
        /// A computed float/double property (<c>Scale => 2 * Bias</c>: a getter of one expression whose source is here, no backing field) of an
        /// object whose members are read. Read as an input it would be a constant, and a derivative through the fields it is
        /// computed from would be lost; its getter is inlined instead, on the same object. Not for a getter that reads a private
        /// or protected member of another type (<paramref name="own"/> false: the entry points could not read it; such a member
        /// is never differentiated, so the value read at entry is exact).
        /// </summary>
        private (IPropertySymbol Prop, IMethodSymbol Get, SyntaxNode Owner, ExpressionSyntax Body)? ComputedReal(ISymbol member, bool own)
        {
            if (member is not IPropertySymbol { IsIndexer: false, GetMethod: { } get } prop) return null;
            if (prop.Type.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single)) return null;
            if (HasBackingField(prop)) return null;
            foreach (var r in prop.DeclaringSyntaxReferences)
            {
                if (r.GetSyntax(_ct) is not PropertyDeclarationSyntax pd) continue;
                var accessor = pd.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
                // one expression with no side effect ('=> 2 * Bias', '{ return 2 * Bias; }'); a getter that counts its reads or
                // caches stays a value read once at entry, as documented for properties
                ExpressionSyntax? body = pd.ExpressionBody?.Expression ?? accessor?.ExpressionBody?.Expression
                    ?? (accessor?.Body is { Statements: { Count: 1 } one } && one[0] is ReturnStatementSyntax { Expression: { } ret } ? ret : null);
                if (body is null || body.DescendantNodesAndSelf().Any(n => n is AssignmentExpressionSyntax
                    || n is PrefixUnaryExpressionSyntax pu && (pu.IsKind(SyntaxKind.PreIncrementExpression) || pu.IsKind(SyntaxKind.PreDecrementExpression))
                    || n is PostfixUnaryExpressionSyntax)) return null;
                if (!own)
                {
                    var model = pd.SyntaxTree == _model.SyntaxTree ? _model : _model.Compilation.GetSemanticModel(pd.SyntaxTree);
                    foreach (var id in body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                        if (model.GetSymbolInfo(id, _ct).Symbol is { } s && IsReadableMember(s) && SymbolEqualityComparer.Default.Equals(s.ContainingType, prop.ContainingType)
                            && s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                            return null;
                }
                return (prop, get, pd, body);
            }
            return null;
        }

        /// <summary>
        /// A computed property DiffGen would inline (<see cref="ComputedReal"/>) that is virtual or abstract on an object whose type is
        /// not sealed: a subclass's override would run in the method and the inlined getter in the generated code (a silently wrong
        /// value and gradient). Reported (DIFF0004); true when it was.
        /// </summary>
        private bool OverridableGetter(IPropertySymbol prop, ITypeSymbol objectType, SyntaxNode where)
        {
            if (prop.IsStatic || !(prop.IsAbstract || prop.IsVirtual || prop.IsOverride && !prop.IsSealed) || objectType.IsSealed || objectType.IsValueType) return false;
            Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"'{prop.Name}' is a {(prop.IsAbstract ? "abstract" : "virtual")} property and '{objectType.Name}' is not sealed, "
                + "so a subclass may override it and the object's class chooses the getter at run time, while DiffGen differentiates the getter it sees at build time; "
                + $"make '{prop.Name}' non-virtual (or a sealed override), or declare '{objectType.Name}' sealed");
            return true;
        }

        /// <summary>An auto-property (state, like a field), not a computed one.</summary>
        private static bool HasBackingField(IPropertySymbol prop) =>
            prop.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, prop));

        private static Expr Ref(Variable v) => v.Type.IsArray ? new ArrayRef(v.Name, v.Type, null) : new VarRef(v.Name, v.Type);

        /// <summary>IR names of <c>(int, int)[]</c> parameters held as <c>int[n, 2]</c> (their <c>.Length</c> is the row count).</summary>
        private readonly HashSet<string> _tupleArrays = new(StringComparer.Ordinal);

        /// <summary>A tuple array with int and float/double elements: its int elements are the parameter's int[n, i]; the others are
        /// the columns of <paramref name="Values"/>, a double[n, r] input (<see cref="ArgKind.TupleValues"/>). <paramref name="IsReal"/>: per element;
        /// <paramref name="Members"/>: what the entry points read each element through (Item1, ..., or a struct's field or property names).</summary>
        /// <param name="IsBool">Bool fields of a struct (held as 0/1 among the ints; null: none).</param>
        private sealed record DataTuple(string Values, bool[] IsReal, string[] Members, bool[]? IsBool = null)
        {
            /// <summary>The <see cref="CoreArg.Rank"/> of the copies: bit e set for a value, bit 16 + e for a bool (at most 16 fields).</summary>
            public int Mask => Enumerable.Range(0, IsReal.Length).Sum(e => (IsReal[e] ? 1 << e : 0) | (IsBool is not null && IsBool[e] ? 1 << (16 + e) : 0));

            /// <summary>The column of element <paramref name="i"/> in its matrix (the ints' or the values').</summary>
            public int Column(int i) => IsReal.Take(i).Count(r => r == IsReal[i]);
        }

        /// <summary>Tuple-array parameters with float/double elements, by IR name (<see cref="DataTuple"/>).</summary>
        private readonly Dictionary<string, DataTuple> _dataTuples = new(StringComparer.Ordinal);

        /// <summary><c>edges[k]</c> of a tuple-array parameter: its elements <c>edges[k, 0]</c>, <c>edges[k, 1]</c>, ...; null when it is not one.</summary>
        private List<Expr>? TupleArrayElement(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } ea || _model.GetSymbolInfo(ea.Expression, _ct).Symbol is not IParameterSymbol ps
                || !_vars.TryGetValue(ps, out var v) || !_tupleArrays.Contains(v.Name) || RowElementTypes(ps.Type) is not { } types)
                return null;
            var k = LowerIntExpr(ea.ArgumentList.Arguments[0].Expression, "an index");
            if (k is null) return new List<Expr>(); // reported
            return types.Select((t, i) => TupleRowElement(new ArrayRef(v.Name, v.Type, null), k, i, t).Value).ToList();
        }

        /// <summary>The element types of a row of a tuple array or of an array of split structs (fields in order); null for other types.</summary>
        private List<ITypeSymbol>? RowElementTypes(ITypeSymbol? arrayType) => arrayType switch
        {
            IArrayTypeSymbol { ElementType: INamedTypeSymbol { IsTupleType: true } tt } => tt.TupleElements.Select(e => e.Type).ToList(),
            IArrayTypeSymbol { ElementType: INamedTypeSymbol { TypeKind: TypeKind.Struct } st } when StructFields(st) is { } sf => sf.Select(f => f.Type).ToList(),
            _ => null,
        };

        /// <summary>Element <paramref name="i"/> of row <paramref name="k"/> of a tuple array's rows, with the tuple element's type: a
        /// <c>(int, int)[]</c> is an int[n, 2]; a tuple with values reads its ints from its int[n, i] and its float/double elements
        /// from its double[n, r] (a float converted back from the exact double).</summary>
        private (Expr Value, IrType Type) TupleRowElement(ArrayRef rows, Expr k, int i, ITypeSymbol elementType)
        {
            Expr value = _dataTuples.TryGetValue(rows.Array, out var data)
                ? data.IsReal[i]
                    ? new ElemRef(data.Values, new IrType(Scalar.Double, Shape.Matrix), new[] { k, new Const(data.Column(i), IrType.Int) }.ToEquatable())
                    : new ElemRef(rows.Array, rows.ArrayType, new[] { k, new Const(data.Column(i), IrType.Int) }.ToEquatable())
                : new ElemRef(rows.Array, rows.ArrayType, new[] { k, new Const(i, IrType.Int) }.ToEquatable());
            var type = MapType(elementType) ?? IrType.Int;
            if (type == IrType.Bool) value = new Binary(BinaryOp.Ne, value, new Const(0, IrType.Int), IrType.Bool); // a bool field, held as 0/1
            else if (value.Type != type) value = new IR.Convert(value, type);
            return (value, type);
        }

        /// <summary>String parameters: modes compared with literals (<c>reduction == "mean"</c>).</summary>
        private readonly HashSet<IParameterSymbol> _textParams = new(SymbolEqualityComparer.Default);

        /// <summary><c>p == "lit"</c> or <c>p != "lit"</c> (either side) with p a string parameter of the method.</summary>
        private bool IsTextComparison(BinaryExpressionSyntax b) =>
            (_textParams.Count > 0 || _textAliases.Count > 0) && (b.IsKind(SyntaxKind.EqualsExpression) || b.IsKind(SyntaxKind.NotEqualsExpression))
            && (TextParam(b.Left) is not null || TextParam(b.Right) is not null);

        private IParameterSymbol? TextParam(ExpressionSyntax e) => TextParam(e, out _);

        /// <summary>
        /// The method's string parameter that <paramref name="e"/> reads, with the case or space normalisation applied to it
        /// (<paramref name="suffix"/>: <c>".ToLowerInvariant()"</c> for <c>switch (model.ToLowerInvariant())</c>), which the entry
        /// points apply before comparing.
        /// </summary>
        private IParameterSymbol? TextParam(ExpressionSyntax e, out string suffix)
        {
            suffix = "";
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToLower" or "ToLowerInvariant" or "ToUpper" or "ToUpperInvariant" or "Trim" } ma }
                && _model.GetSymbolInfo(e, _ct).Symbol is IMethodSymbol { ContainingType.SpecialType: SpecialType.System_String })
            {
                var inner = TextParam(ma.Expression, out var innerSuffix);
                if (inner is not null) suffix = innerSuffix + "." + ma.Name.Identifier.Text + "()";
                return inner;
            }
            if (e is not IdentifierNameSyntax || _model.GetSymbolInfo(e, _ct).Symbol is not IParameterSymbol ps) return null;
            return _textParams.Contains(ps) ? ps : _textAliases.TryGetValue(ps, out var root) ? root : null;
        }

        /// <summary>A helper's string parameter that receives the method's string parameter (<c>Structure(h, model)</c>): that parameter.</summary>
        private readonly Dictionary<IParameterSymbol, IParameterSymbol> _textAliases = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// A string parameter compared with a constant: an int input the entry points compute once (<c>reduction == "mean" ? 1 : 0</c>),
        /// so the text never enters the array form (nor the GPU). The comparison is that flag.
        /// </summary>
        private Expr? LowerTextComparison(BinaryExpressionSyntax b)
        {
            bool left = TextParam(b.Left) is not null;
            var p = TextParam(left ? b.Left : b.Right, out var suffix)!;
            var other = left ? b.Right : b.Left;
            var constant = _model.GetConstantValue(other, _ct);
            if (!constant.HasValue || constant.Value is not (string or null))
            {
                Report(Descriptors.UnsupportedExpression, b, b.ToString(), $"a string parameter can only be compared with a constant ('{p.Name} == \"mean\"'); compare it with a literal, or pass an int code or an enum instead");
                return null;
            }
            return TextFlag(p, constant.Value as string, b.IsKind(SyntaxKind.EqualsExpression), b, suffix);
        }

        /// <summary>The test <c>p == text</c> (or <c>!=</c>) as an int input of the array form, computed once by the entry points.</summary>
        private Expr TextFlag(IParameterSymbol p, string? text, bool equals, SyntaxNode where, string suffix = "")
        {
            var literal = text is null ? "null" : SymbolDisplay.FormatLiteral(text, quote: true);
            string key = p.Name + suffix + "==" + literal;
            if (!_configVars.TryGetValue(key, out var flag))
            {
                var tag = new string((text ?? "null").Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
                flag = new Variable(FreshName(p.Name + "_is_" + tag), IrType.Int, VarKind.Param);
                _configVars[key] = flag;
                _memberInputs.Add(new MemberInput(flag.Name, IrType.Int, $"({p.Name}{suffix} == {literal} ? 1 : 0)", null, where.GetLocation()));
            }
            return new Binary(equals ? BinaryOp.Ne : BinaryOp.Eq, new VarRef(flag.Name, IrType.Int), new Const(0, IrType.Int), IrType.Bool);
        }

        /// <summary>The string parameter a switch governs (its case labels become <see cref="TextFlag"/> tests), while its patterns are lowered.</summary>
        private IParameterSymbol? _textSwitch;
        /// <summary>The normalisation the switch applies to <see cref="_textSwitch"/> (<c>".ToLowerInvariant()"</c>), or "".</summary>
        private string _textSwitchSuffix = "";

        /// <summary>An identifier bound to something that is not a parameter, local or counter: a member, or a whole config parameter.</summary>
        private Expr? LowerOtherIdentifier(IdentifierNameSyntax id, ISymbol sym, out bool handled)
        {
            handled = true;
            if (_rejected.Contains(sym)) return Suppress();
            if (sym is IParameterSymbol tp && (_textParams.Contains(tp) || _textAliases.ContainsKey(tp)))
            {
                Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, $"a string parameter can only be compared with a constant ('{tp.Name} == \"mean\"', or in a switch on it); write the comparison where the mode is used, or pass an int code or an enum instead");
                return null;
            }
            if (IsReadableMember(sym)) return ReadMember(sym, id);
            if (sym is IParameterSymbol cp && _configParams.Contains(cp))
            {
                Report(Descriptors.UnsupportedExpression, id, id.Identifier.Text, $"a struct, record or class parameter can only be read member by member ('{cp.Name}.Member'); pass the members a callee needs as separate arguments");
                return null;
            }
            handled = false;
            return null;
        }

        /// <summary>
        /// An object whose members the method reads: a struct/record/class parameter ('cfg'), a field or property of this object
        /// holding one (a layer 'L1' of a model), or a member of such an object ('Enc.L1'). <paramref name="Key"/> tells reads
        /// apart, <paramref name="Source"/> is how the entry points read it, <paramref name="Prefix"/> names the IR inputs.
        /// </summary>
        /// <paramref name="Declared"/>: this is one class's view of an object of that declared type (one case of a dispatched
        /// call, DispatchedCalls.cs): <paramref name="Source"/> is <c>(this.Out as C)</c>, read with <c>?.</c> and a default,
        /// and the members the declared type has are read through it, the same input for every class (one gradient for 'Out.W').
        /// <paramref name="Optional"/>: <paramref name="Source"/> may be null (a view, or an object inside one), so members are read with <c>?.</c>.
        /// <paramref name="Elem"/>: an element of an array or list of layer objects (ObjectArrays.cs); <paramref name="Source"/> is then the
        /// path from the element (<c>__e</c>, <c>__e.Fc1</c>) and its members are read through <see cref="ReadElementMember"/>.
        private sealed record Receiver(string Key, string Source, ITypeSymbol Type, string Prefix, bool Optional = false, Receiver? Declared = null, ArrayElement? Elem = null)
        {
            /// <summary>The receiver that reads <paramref name="member"/>: the declared type's when it has the member.</summary>
            public Receiver For(ISymbol member) => Declared is { } d && HasMembersOf(d.Type, member.ContainingType) ? d.For(member) : this;
        }

        /// <summary>The object <paramref name="e"/> names when it is one whose members can be read (see <see cref="Receiver"/>); else null.</summary>
        private Receiver? ReceiverOf(ExpressionSyntax e, bool anyType = false)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is ElementAccessExpressionSyntax || e is IdentifierNameSyntax && _elementLocals.Count > 0)
                if (ElementReceiverOf(e) is { } element) return element; // Layers[l], or a local naming an element (ObjectArrays.cs)
            var sym = _model.GetSymbolInfo(e, _ct).Symbol;
            if (sym is IParameterSymbol cp)
                return _configParams.Contains(cp) ? new Receiver(cp.Name, cp.Name, cp.Type, cp.Name)
                    : _receiverParams.TryGetValue(cp, out var given) ? given : null; // a helper's parameter given an object (ObjectArrays.cs)
            // anyType: the object of a dispatched call may be of an interface type (DispatchedCalls.cs)
            if (sym is null || !IsReadableMember(sym) || !(IsConfigType(MemberType(sym)) || anyType && MemberType(sym) is INamedTypeSymbol { TypeKind: TypeKind.Interface or TypeKind.Class })) return null;
            var type = MemberType(sym);
            if (e is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } ma && !sym.IsStatic)
                return ReceiverOf(ma.Expression) is { } outer && HasMembersOf(outer.Type, sym.ContainingType)
                    ? Nested(outer) : null;
            if (e is not (IdentifierNameSyntax or MemberAccessExpressionSyntax)) return null;
            if (!sym.IsStatic && _receiver is { } rc && HasMembersOf(rc.Type, sym.ContainingType))
                return Nested(rc);
            if (sym.IsStatic)
            {
                var full = sym.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + sym.Name;
                return new Receiver(full, full, type, sym.Name);
            }
            return _receiver is null && !_method.IsStatic && OnOwnType(sym) ? new Receiver("this." + sym.Name, "this." + sym.Name, type, sym.Name) : null;

            Receiver Nested(Receiver outer)
            {
                outer = outer.For(sym); // a member the declared type has: read through it, not through a class's view
                return new(outer.Key + "." + sym.Name, outer.Source + (outer.Optional ? "?." : ".") + sym.Name, type, outer.Prefix + "_" + sym.Name, outer.Optional, Elem: outer.Elem);
            }
        }

        /// <summary>
        /// Does an object of type <paramref name="type"/> have the members <paramref name="owner"/> declares: the same type, or a
        /// class deriving from it (a layer's weights declared in its base class, read as 'L1.W')?
        /// </summary>
        private static bool HasMembersOf(ITypeSymbol type, ITypeSymbol? owner)
        {
            for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
                if (SymbolEqualityComparer.Default.Equals(t, owner)) return true;
            return false;
        }

        /// <summary>
        /// 'Layers.Aggregate(x, (h, l) => l.Forward(h))', 'Layers.Sum(l => l.Penalty())': LINQ over layer objects, which DiffGen does
        /// not follow; the loop to write instead (the elements are followed there). Null when <paramref name="where"/> is not the
        /// collection of a LINQ call.
        /// </summary>
        private string? LinqOverObjectsAdvice(SyntaxNode where, string name)
        {
            if (where.Parent is not MemberAccessExpressionSyntax { Name.Identifier.Text: var linq } ma || ma.Expression != where || ma.Parent is not InvocationExpressionSyntax call
                || _model.GetSymbolInfo(call, _ct).Symbol is not IMethodSymbol { ContainingType: { } owner } || owner.ToDisplayString() != "System.Linq.Enumerable") return null;
            return linq == "Aggregate"
                ? $"LINQ over layer objects ('{name}.Aggregate(...)') is not followed, a loop over them is: write 'var h = x; foreach (var layer in {name}) h = layer.Forward(h);' (a layer stack: the array is rebound to each layer's new array)"
                : $"LINQ over layer objects ('{name}.{linq}(...)') is not followed, a loop over them is: write 'foreach (var layer in {name}) {{ ... }}' or 'for (int l = 0; l < {name}.Count; l++)' with the elements' members ('{name}[l].W')";
        }

        /// <summary>
        /// cfg.Tau, L1.W (a layer object held in a field), and Tau or W inside an instance method of that object's type called as
        /// cfg.Apply(v) or L1.Forward(x, h): an input read once at entry.
        /// </summary>
        private Expr? ReadConfigMember(Receiver rc, ISymbol sym, SyntaxNode where)
        {
            // G.Scale of an abstract, virtual or interface property: the getter the object's class runs (DispatchedCalls.cs)
            if (where is ExpressionSyntax vsite && sym is IPropertySymbol { IsStatic: false } vp && IsOverridable(vp) && vp.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
            {
                if (rc.Declared is not null && rc.Type is INamedTypeSymbol exact)
                {
                    // one class's view: its own override (a computed one inlined on that object; an auto-property read through the view)
                    if (MostDerivedProperty(exact, vp) is not { } own) return Suppress();
                    if (ComputedReal(own, own: false) is { } og)
                        return OneResult(vsite, Inline(vsite, og.Get, og.Get, og.Prop.Name, og.Owner, og.Body, og.Get.Parameters, receiver: rc));
                    sym = own;
                }
                else if (!rc.Type.IsSealed && !rc.Type.IsValueType)
                    return DispatchedProperty(rc, vp, vsite);
            }
            else rc = rc.For(sym); // Out.W of a dispatched call's class: the declared type's member, one input for every class
            if (rc.Elem is not null)
            {
                // a member of an element of an array of layer objects (ObjectArrays.cs): a computed property inlined on that element
                if (where is ExpressionSyntax esite && ComputedReal(sym, own: false) is { } eg)
                    return OneResult(esite, Inline(esite, eg.Get, eg.Get, eg.Prop.Name, eg.Owner, eg.Body, eg.Get.Parameters, receiver: rc));
                return ReadElementMember(rc, sym, where);
            }
            string key = rc.Key + "." + sym.Name;
            if (_configVars.TryGetValue(key, out var known)) return Ref(known);
            if (where is ExpressionSyntax site && ComputedReal(sym, own: false) is { } getter)
                return rc.Declared is null && OverridableGetter(getter.Prop, rc.Type, where) ? null
                    : OneResult(site, Inline(site, getter.Get, getter.Get, getter.Prop.Name, getter.Owner, getter.Body, getter.Get.Parameters, receiver: rc));
            var type = MapType(MemberType(sym));
            if (type is null || type.Value.Elem == Scalar.Bool && type.Value.IsArray)
            {
                Report(Descriptors.UnsupportedType, where, MemberType(sym).ToDisplayString(), "'" + where + "'",
                    "members read from an object must be " + WhatFieldsCanBe + " (or an object whose members are read: 'L1.W'); pass other values as separate parameters");
                return null;
            }
            var v = new Variable(FreshName(rc.Prefix + "_" + sym.Name), type.Value, VarKind.Param);
            _configVars[key] = v;
            _surface = true; // the entry points read it (also in a static method reading a static field's object)
            string read = rc.Optional ? OptionalRead(rc.Source, sym) : rc.Source + "." + sym.Name;
            _memberInputs.Add(new MemberInput(v.Name, type.Value, (IsEnum(MemberType(sym)) ? "(int)" : "") + read, null, where.GetLocation()));
            return Ref(v);
        }

        /// <summary>this.W, Type.Table, cfg.Tau (any member access but .Length).</summary>
        private Expr? LowerMemberAccess(MemberAccessExpressionSyntax ma)
        {
            var sym = _model.GetSymbolInfo(ma, _ct).Symbol;
            if (sym is null) return Suppress();
            if (_rejected.Contains(sym)) return Suppress();
            if (_model.GetSymbolInfo(ma.Expression, _ct).Symbol is ILocalSymbol rl && _rejected.Contains(rl)) return Suppress(); // z.Magnitude of a local reported at its declaration
            if (ma.Expression is ThisExpressionSyntax or BaseExpressionSyntax && IsReadableMember(sym)) return ReadMember(sym, ma);
            var owner = _model.GetSymbolInfo(ma.Expression, _ct).Symbol;
            if (owner is INamedTypeSymbol && sym.IsStatic && IsReadableMember(sym)) return ReadMember(sym, ma);
            if (IsReadableMember(sym) && !sym.IsStatic && ReceiverOf(ma.Expression) is { } rcv && HasMembersOf(rcv.Type, sym.ContainingType))
                return ReadConfigMember(rcv, sym, ma); // cfg.Tau, L1.W, this.Enc.L1.B
            if (owner is IParameterSymbol sp && _vars.ContainsKey(sp) && sym.Name is "Length")
                return null; // handled by the .Length case
            Report(Descriptors.UnsupportedExpression, ma, ma.ToString(),
                "only fields and properties of this type ('W' or 'this.W'), static fields ('Type.Table'), constants, members of a struct/record/class parameter ('cfg.Tau'), members of an object held in a field of this type ('L1.W') and of the elements of an array or list of layer objects held there ('Layers[l].W', a 'foreach' variable over it, or a local that is never reassigned) can be read; copy other values into a parameter");
            return null;
        }

        /// <summary>x[b, i, j] on a T[,,] parameter or local: x[b, i * d2 + j] on its flattened T[d0, d1·d2]. Null when not such an array.</summary>
        private Expr? LowerHighRankElement(ElementAccessExpressionSyntax ea, out bool handled)
        {
            handled = false;
            if (!HighRankArray(ea.Expression, out var v, out var dims)) return null;
            handled = true;
            var args = ea.ArgumentList.Arguments;
            if (args.Count != dims.Count + 1)
            {
                Report(Descriptors.UnsupportedExpression, ea, ea.ToString(), $"index '{ea.Expression}' with one int per dimension ({dims.Count + 1} of them: {ea.Expression}[i0, ..., i{dims.Count}])");
                return null;
            }
            var idx = new List<Expr>();
            foreach (var a in args)
            {
                var i = LowerIntExpr(a.Expression, IndexContext);
                if (i is null) return null;
                idx.Add(i);
            }
            Expr col = idx[1];
            for (int d = 2; d < idx.Count; d++)
                col = new Binary(BinaryOp.Add, new Binary(BinaryOp.Mul, col, new VarRef(dims[d - 1], IrType.Int), IrType.Int), idx[d], IrType.Int);
            return new ElemRef(v.Name, v.Type, new[] { idx[0], col }.ToEquatable());
        }

        /// <summary>x.GetLength(d) on a T[,,] parameter or local: d0 of the flattened array, or the dimension int.</summary>
        private Expr? LowerHighRankGetLength(InvocationExpressionSyntax inv, out bool handled)
        {
            handled = false;
            if (inv.Expression is not MemberAccessExpressionSyntax { Name.Identifier.Text: "GetLength" } gl || inv.ArgumentList.Arguments.Count != 1
                || !HighRankArray(gl.Expression, out var v, out var dims))
                return null;
            handled = true;
            if (_model.GetConstantValue(inv.ArgumentList.Arguments[0].Expression, _ct) is not { HasValue: true, Value: int dim } || dim < 0 || dim > dims.Count)
            {
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), $"GetLength needs a constant dimension 0 to {dims.Count}; write {gl.Expression}.GetLength(0) ... {gl.Expression}.GetLength({dims.Count})");
                return null;
            }
            return dim == 0 ? new LengthOf(v.Name, v.Type, null, 0) : new VarRef(dims[dim - 1], IrType.Int);
        }

        /// <summary>
        /// An assignment to a field or property, an element of one, or a member of a config parameter: reported (fields are
        /// read once at entry and never written by generated code).
        /// </summary>
        private bool RejectMemberWrite(ExpressionSyntax left)
        {
            var e = left;
            while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
            var sym = e is IdentifierNameSyntax or MemberAccessExpressionSyntax ? _model.GetSymbolInfo(e, _ct).Symbol : null;
            bool member = sym is IFieldSymbol or IPropertySymbol && e is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or BaseExpressionSyntax }
                || sym is IFieldSymbol or IPropertySymbol && e is MemberAccessExpressionSyntax m && (_model.GetSymbolInfo(m.Expression, _ct).Symbol is INamedTypeSymbol
                    || ReceiverOf(m.Expression) is not null); // cfg.Tau, L1.W
            if (!member) return false;
            // an element of a float/double array field of this type (or a static one): state the method updates in place, like an output
            // array parameter with no derivative flowing from it (ArgKind.State). The field itself is never reassigned.
            if (left is ElementAccessExpressionSyntax && MemberType(sym!) is IArrayTypeSymbol { Rank: >= 3 })
            {
                Report(Descriptors.WriteToInput, left, left.ToString(),
                    $"a field or property of rank 3 or more is read once when the method starts (flattened) and the generated code never writes it back; write into a local array or an output parameter, and store that in '{sym!.Name}' after calling the method");
                return true;
            }
            if (left is ElementAccessExpressionSyntax && MemberType(sym!) is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Double or SpecialType.System_Single }
                && (sym!.IsStatic || OnOwnType(sym)) && !(e is MemberAccessExpressionSyntax mr && mr.Expression is not (ThisExpressionSyntax or BaseExpressionSyntax) && _model.GetSymbolInfo(mr.Expression, _ct).Symbol is not INamedTypeSymbol))
            {
                _stateWrite = sym;
                return false;
            }
            Report(Descriptors.WriteToInput, left, left.ToString(),
                $"fields and properties are read once when the method starts and are never reassigned by the generated code (elements of a float/double array field may be written: running statistics); write into a local ('var h = new double[n];'), or into an output array parameter the method fills, and store that in '{sym!.Name}' after calling the method");
            return true;
        }

        /// <summary>
        /// Why a [Differentiable] callee's generated Backward cannot be called from another method: it reads fields or takes
        /// spans, T[,,], 'in' or config parameters, so its array form takes more parameters than the call passes. Null when
        /// it can be (or the target is not [Differentiable]).
        /// </summary>
        private string? SurfaceCallReason(IMethodSymbol target)
        {
            if (!HasDifferentiableAttribute(target) || SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, _method.OriginalDefinition)) return null;
            if (!target.IsStatic) return "it is an instance method (it reads the object's fields)";
            if (target.ReturnType is IArrayTypeSymbol) return "it returns an array";
            if (target.ReturnType is INamedTypeSymbol { IsTupleType: true }) return "it returns a tuple";
            if (target.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None || IsSpan(p.Type, out _, out _) || p.Type is IArrayTypeSymbol { Rank: >= 3 } || MapType(p.Type) is null && IsConfigType(p.Type) || NotBindable(p)) is { } sp)
                return $"its parameter '{sp.Name}' is {(sp.RefKind != RefKind.None ? "passed with '" + sp.RefKind.ToString().ToLowerInvariant() + "'" : "a " + sp.Type.ToDisplayString())}";
            return ReadsMembers(target) ? "it reads fields or properties" : null;
        }

        /// <summary>
        /// Such a callee (a layer's instance method 'L1.Forward(x, h)', one reading fields) is inlined like a helper instead: its
        /// source is here, and inlining gives the same derivative through every parameter. Not when a parameter is [Constant]
        /// (its generated Backward drops that adjoint; inlining would not): reported here, with what to write.
        /// </summary>
        private bool RejectSurfaceCall(InvocationExpressionSyntax inv)
        {
            if (_model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol target || SurfaceCallReason(target) is not { } why) return false;
            // inlined (LowerInvocation) unless the inliner cannot bind a parameter (a config object, a T[,,]) or a [Constant]
            // parameter would make the inlined derivative differ from the callee's own Backward
            bool constant = target.Parameters.Any(IsConstant);
            var unbound = target.Parameters.FirstOrDefault(p => p.Type is IArrayTypeSymbol { Rank: >= 3 } || MapType(p.Type) is null && IsConfigType(p.Type) || NotBindable(p));
            if (!constant && unbound is null && HelperSyntax(target) is not null) return false;
            Report(Descriptors.NotDifferentiableCall, inv, target.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                $"{why}, so its Backward cannot be called from here, and it is not inlined either: {(constant ? "it has [Constant] parameters" : $"its parameter '{unbound!.Name}' is a {unbound.Type.ToDisplayString()}")}; {(constant ? "remove [Constant] from the callee, or " : "")}make it static and pass it what it reads as array or scalar parameters (fields as arguments: 'Layer(W1, x)')");
            return true;
        }

        /// <summary>A string mode or an array of int tuples: the array form takes flags or an int[n, k] instead, and the inliner binds neither.</summary>
        private static bool NotBindable(IParameterSymbol p) =>
            p.Type.SpecialType == SpecialType.System_String || p.Type is IArrayTypeSymbol { ElementType: INamedTypeSymbol { IsTupleType: true } };

        private bool ReadsMembers(IMethodSymbol m)
        {
            foreach (var r in m.DeclaringSyntaxReferences)
            {
                var node = r.GetSyntax(_ct);
                var model = node.SyntaxTree == _model.SyntaxTree ? _model : _model.Compilation.GetSemanticModel(node.SyntaxTree);
                foreach (var id in node.DescendantNodes().OfType<IdentifierNameSyntax>())
                    if (model.GetSymbolInfo(id, _ct).Symbol is { } s && IsReadableMember(s) && s is not IPropertySymbol { Name: "Length" }
                        && !(s.ContainingType?.SpecialType is not SpecialType.None || s.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF"))
                        return true;
            }
            return false;
        }

        /// <summary>A name in [Differentiable(...)] that is not a parameter: a float/double field or property of this type, differentiated.</summary>
        private bool TryMemberWrt(string name, SyntaxNode? attrSyntax, List<string> memberWrt)
        {
            if (name.Contains('.')) return TryMemberPathWrt(name, attrSyntax, memberWrt);
            ISymbol? member = null;
            for (var t = _method.ContainingType; t is not null && member is null; t = t.BaseType)
                member = t.GetMembers(name).FirstOrDefault(IsReadableMember);
            if (member is null) return false;
            // nameof(Layers) of an array or list of layer objects: every float/double member of its element type (ObjectArrays.cs)
            if (!member.IsStatic && !_method.IsStatic && ObjectElementType(MemberType(member)) is { } elementType)
                return ObjectArrayWrt(name, elementType, attrSyntax, memberWrt);
            // nameof(First) of a layer object held in a field: every float/double member of it, as if each path were named
            if (!member.IsStatic && !_method.IsStatic && IsConfigType(MemberType(member)) && MemberType(member) is INamedTypeSymbol { IsTupleType: false })
                return ObjectWrt(name, MemberType(member), attrSyntax, memberWrt);
            if (_rejected.Contains(member)) return true;
            if (HighRankMember(member, out var cube, out _)) // a T[,,] field (Buffers.cs)
            {
                if (!cube.Type.IsReal) Report(Descriptors.BadWithRespectTo, attrSyntax, name, "is not a float or double field (int and bool values are never differentiated); remove it from the list");
                else if (!memberWrt.Contains(cube.Name)) memberWrt.Add(cube.Name);
                return true;
            }
            if (ComputedReal(member, own: true) is not null)
            {
                Report(Descriptors.BadWithRespectTo, attrSyntax, name, "is a computed property (its getter is inlined where it is read, so it has no value of its own to differentiate); name the fields it is computed from instead");
                return true;
            }
            var e = ReadMember(member, attrSyntax ?? (SyntaxNode)_method.DeclaringSyntaxReferences.First().GetSyntax(_ct));
            if (e is null) return true;
            if (!e.Type.IsReal)
            {
                Report(Descriptors.BadWithRespectTo, attrSyntax, name, "is not a float or double field (int and bool values are never differentiated); remove it from the list");
                return true;
            }
            var core = _vars[member].Name;
            if (!memberWrt.Contains(core)) memberWrt.Add(core);
            return true;
        }

        /// <summary>
        /// A whole object in [Differentiable(...)]: <c>nameof(First)</c> for a layer held in a field, or <c>nameof(layer)</c> for a
        /// parameter of a class, struct or record type. It stands for every float/double member of the object that holds state
        /// (instance fields and auto-properties, public or internal, scalars and arrays; layer objects inside it likewise, three
        /// levels deep), in declaration order, as if each path were named ("First.W", "First.B"): their gradients follow in that
        /// order (<c>First_WGrad</c>, <c>First_BGrad</c>). Computed properties, statics and constants are not state and are left out.
        /// </summary>
        /// <summary>
        /// <c>nameof(Layers)</c> of an array or list of layer objects (ObjectArrays.cs): the state members of its element type, and
        /// where the elements may be of several classes (an interface, an abstract or unsealed class) those each class of the
        /// compilation declares itself, as if "Layers.Linear.W" were named: one gradient buffer per member and class, one array per
        /// element (an empty one for the elements of other classes).
        /// </summary>
        private bool ObjectArrayWrt(string path, INamedTypeSymbol element, SyntaxNode? attrSyntax, List<string> memberWrt)
        {
            int before = memberWrt.Count;
            ObjectWrt(path, element, attrSyntax, memberWrt, quiet: true);
            if (element.TypeKind == TypeKind.Interface || !element.IsSealed && !element.IsValueType)
                foreach (var c in ClassesOf(element).Where(c => !SymbolEqualityComparer.Default.Equals(c, element)))
                    ObjectWrt(path + "." + c.Name, c, attrSyntax, memberWrt, quiet: true);
            if (memberWrt.Count == before)
                Report(Descriptors.BadWithRespectTo, attrSyntax, path, $"holds {element.ToDisplayString()} objects with no float or double fields (or auto-properties) to differentiate; name a float/double member, or remove the name");
            return true;
        }

        private bool ObjectWrt(string path, ITypeSymbol type, SyntaxNode? attrSyntax, List<string> memberWrt, int depth = 0, bool quiet = false)
        {
            int before = memberWrt.Count;
            foreach (var m in type.GetMembers())
            {
                if (m.IsStatic || m.IsImplicitlyDeclared || !IsReadableMember(m) || m is IFieldSymbol { AssociatedSymbol: not null }) continue;
                if (m.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)) continue;
                if (m is IPropertySymbol prop && !HasBackingField(prop)) continue;
                var t = MemberType(m);
                var elem = t;
                while (elem is IArrayTypeSymbol at) elem = at.ElementType;
                if (elem.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
                {
                    if (!TryMemberPathWrt(path + "." + m.Name, attrSyntax, memberWrt))
                        Report(Descriptors.BadWithRespectTo, attrSyntax, path + "." + m.Name, "is a member of an object named in the list that cannot be read here; name the members to differentiate one by one as path strings (\"L1.W\"), or remove the name");
                }
                else if (depth < 2 && t is INamedTypeSymbol { IsTupleType: false } && IsConfigType(t))
                    ObjectWrt(path + "." + m.Name, t, attrSyntax, memberWrt, depth + 1);
                else if (depth < 2 && ObjectElementType(t) is { } innerElement)
                    ObjectWrt(path + "." + m.Name, innerElement, attrSyntax, memberWrt, depth + 1); // an array or list of layer objects inside (ObjectArrays.cs)
            }
            if (depth == 0 && !quiet && memberWrt.Count == before)
                Report(Descriptors.BadWithRespectTo, attrSyntax, path, $"is a {type.ToDisplayString()} with no float or double fields (or auto-properties) to differentiate; name a float/double member, or remove the name");
            return true;
        }

        /// <summary>
        /// "L1.W" in [Differentiable(...)]: a float/double member of an object held in a field of this type (a layer of a model),
        /// differentiated. nameof(L1.W) gives "W" only, so the path is written as a string.
        /// </summary>
        private bool TryMemberPathWrt(string path, SyntaxNode? attrSyntax, List<string> memberWrt)
        {
            var parts = path.Split('.');
            Receiver rc;
            if (_configParams.FirstOrDefault(q => q.Name == parts[0]) is { } cp)
                rc = new Receiver(cp.Name, cp.Name, cp.Type, cp.Name); // "p.Beta0": a member of a struct/record/class parameter
            else if (_objectArrayMethodParams.FirstOrDefault(q => q.Name == parts[0]) is { } op)
                rc = ElementReceiver(ParameterObjectArray(op), new Const(0, IrType.Int)); // "layers.W": that member of every element
            else
            {
                ISymbol? first = null;
                for (var t = _method.ContainingType; t is not null && first is null; t = t.BaseType)
                    first = t.GetMembers(parts[0]).FirstOrDefault(IsReadableMember);
                if (first is null || first.IsStatic || _method.IsStatic) return false;
                if (ObjectElementType(MemberType(first)) is { } elementType) // "Layers.W": that member of every element (ObjectArrays.cs)
                    rc = ElementReceiver(new ObjectArray("this." + first.Name, "this." + first.Name, first.Name, first.Name, elementType), new Const(0, IrType.Int));
                else if (!IsConfigType(MemberType(first))) return false;
                else rc = new Receiver("this." + first.Name, "this." + first.Name, MemberType(first), first.Name);
            }
            for (int i = 1; i < parts.Length; i++)
            {
                // "Layers.Linear.W": a member one class of the elements declares (its view, as in a switch over the classes: DispatchedCalls.cs)
                if (rc.Elem is not null && rc.Declared is null && i < parts.Length - 1 && rc.Type is INamedTypeSymbol polymorphic
                    && (polymorphic.TypeKind == TypeKind.Interface || !polymorphic.IsSealed && !polymorphic.IsValueType)
                    && ClassesOf(polymorphic).FirstOrDefault(c => c.Name == parts[i]) is { } cls)
                {
                    rc = ClassView(rc, cls);
                    continue;
                }
                var m = rc.Type.GetMembers(parts[i]).FirstOrDefault(x => IsReadableMember(x) && !x.IsStatic);
                if (m is null) return false;
                if (i < parts.Length - 1)
                {
                    if (rc.Elem is null && ObjectElementType(MemberType(m)) is { } innerElement)
                    {
                        // "Enc.Layers.W": an array of layer objects held by a layer object (ObjectArrays.cs)
                        var display = string.Join(".", parts, 0, i + 1);
                        rc = ElementReceiver(new ObjectArray(rc.Key + "." + m.Name, rc.Source + "." + m.Name, display, rc.Prefix + "_" + m.Name, innerElement), new Const(0, IrType.Int));
                        continue;
                    }
                    if (!IsConfigType(MemberType(m))) return false;
                    rc = new Receiver(rc.Key + "." + m.Name, rc.Source + (rc.Optional ? "?." : ".") + m.Name, MemberType(m), rc.Prefix + "_" + m.Name, rc.Optional, Elem: rc.Elem);
                    continue;
                }
                if (ComputedReal(m, own: false) is not null)
                {
                    Report(Descriptors.BadWithRespectTo, attrSyntax, path, "is a computed property (its getter is inlined where it is read, so it has no value of its own to differentiate); name the fields it is computed from instead");
                    return true;
                }
                var at = attrSyntax ?? (SyntaxNode)_method.DeclaringSyntaxReferences.First().GetSyntax(_ct);
                if (rc.Elem is not null)
                {
                    // a member of every element: its stack, rows or values (ObjectArrays.cs)
                    if (ElementMemberInput(rc, m, at) is not { } ev) return true;
                    if (!ev.Type.IsReal)
                    {
                        Report(Descriptors.BadWithRespectTo, attrSyntax, path, "is not a float or double member (int and bool values are never differentiated); remove it from the list");
                        return true;
                    }
                    if (!memberWrt.Contains(ev.Name)) memberWrt.Add(ev.Name);
                    return true;
                }
                if (ConfigCube(rc, m, out var cube, out _))
                {
                    // "Conv.Kernel" of rank 3: its flattened input (Buffers.cs)
                    if (!cube.Type.IsReal)
                        Report(Descriptors.BadWithRespectTo, attrSyntax, path, "is not a float or double member (int and bool values are never differentiated); remove it from the list");
                    else if (!memberWrt.Contains(cube.Name)) memberWrt.Add(cube.Name);
                    return true;
                }
                var e = ReadConfigMember(rc, m, at);
                if (e is null) return true;
                if (!e.Type.IsReal)
                {
                    Report(Descriptors.BadWithRespectTo, attrSyntax, path, "is not a float or double member (int and bool values are never differentiated); remove it from the list");
                    return true;
                }
                var core = e is ArrayRef ar ? ar.Array : ((VarRef)e).Name;
                if (!memberWrt.Contains(core)) memberWrt.Add(core);
                return true;
            }
            return false;
        }

        /// <summary>The method's C# signature for crefs (Name(in double, System.ReadOnlySpan{double})).</summary>
        private string SurfaceCref() =>
            _method.Name + "(" + string.Join(", ", _method.Parameters.Select(p =>
                (p.RefKind == RefKind.In ? "in " : p.RefKind == RefKind.RefReadOnlyParameter ? "ref readonly " : p.RefKind == RefKind.Out ? "out " : "") + p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))) + ")";

        /// <summary>
        /// The array form's parameters (the user's, then dimensions, then config members and fields: differentiated
        /// fields first, in the order [Differentiable(...)] names them) and the surface the entry points repeat.
        /// </summary>
        private (EquatableArray<ParamModel> Params, SurfaceModel Surface) BuildSurface(HashSet<string> wrtNames, HashSet<string> constants, List<string> memberWrt)
        {
            var ps = new List<ParamModel>();
            var args = new List<CoreArg>();
            var surface = new List<SurfaceParam>();
            foreach (var p in _method.Parameters)
            {
                string modifier = p.RefKind == RefKind.In ? "in " : p.RefKind == RefKind.RefReadOnlyParameter ? "ref readonly " : p.RefKind == RefKind.Out ? "out " : "";
                string? def = p.HasExplicitDefaultValue ? DefaultText(p) : null;
                bool nullCheck = _configParams.Contains(p) && p.Type.IsReferenceType || _highRank.ContainsKey(p) || _stacks.ContainsKey(p) || _paramKinds.TryGetValue(p, out var pk) && pk is ArgKind.List or ArgKind.Sequence || _listRows.Contains(p) || EnumArray(p.Type) is not null;
                var typeText = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + (_optionalArrays.Contains(p) ? "?" : "");
                surface.Add(new SurfaceParam(p.Name, typeText, modifier, def, nullCheck, p.IsParams));
                if (_configParams.Contains(p) || _textParams.Contains(p) || _nullableParams.Contains(p) || _objectArrayMethodParams.Contains(p)) continue;
                var v = _vars[p];
                ps.Add(new ParamModel(p.Name, v.Type, _writtenParams.ContainsKey(p.Name), wrtNames.Contains(p.Name), null, constants.Contains(p.Name) || _listRows.Contains(p)));
                var kind = _paramKinds.TryGetValue(p, out var k) ? k : ArgKind.Direct;
                if (_listRows.Contains(p))
                {
                    args.Add(new CoreArg(p.Name, ArgKind.Snapshot, p.Type is IArrayTypeSymbol
                        ? $"global::System.Array.ConvertAll({p.Name}, static __l => global::System.Linq.Enumerable.ToArray(__l ?? throw new global::System.ArgumentException(\"a list in '{p.Name}' is null\", \"{p.Name}\")))"
                        : "global::System.Linq.Enumerable.ToArray(" + p.Name + ")"));
                    continue;
                }
                if (_dataTuples.TryGetValue(p.Name, out var data))
                {
                    // the int elements, then the float/double ones as a data input (Rank: a mask, bit e set for a value)
                    int mask = data.Mask;
                    var members = string.Join(",", data.Members);
                    args.Add(new CoreArg(p.Name, ArgKind.TupleInts, p.Name, mask, members));
                    ps.Add(new ParamModel(data.Values, new IrType(Scalar.Double, Shape.Matrix), false, false, null, IsConstant: true));
                    args.Add(new CoreArg(data.Values, ArgKind.TupleValues, p.Name, mask, members));
                    continue;
                }
                if (_optionalArrays.Contains(p))
                {
                    // null becomes an empty array; Members: that empty array's text, for a null gradient buffer (OptionalArrays.cs)
                    var empty = EmptyArrayText((IArrayTypeSymbol)p.Type);
                    args.Add(new CoreArg(p.Name, ArgKind.Optional, $"({p.Name} ?? {empty})", 0, empty));
                    continue;
                }
                args.Add(new CoreArg(p.Name, kind, IsEnum(p.Type) ? "(int)" + p.Name : NarrowedScalar(p.Type) ? NarrowText(p) : EnumArray(p.Type) is { } ea ? $"(int{(ea.Shape == Shape.Matrix ? "[,]" : "[]")})(object){p.Name}" : p.Name, kind == ArgKind.Flatten ? _highRank[p].Count + 1 : 0));
                if (_stacks.TryGetValue(p, out var stackDims))
                    for (int d = 0; d < stackDims.Count; d++)
                    {
                        ps.Add(new ParamModel(stackDims[d], IrType.Int, false, false, null));
                        args.Add(new CoreArg(stackDims[d], ArgKind.Snapshot, _jaggedStacks.Contains(p)
                            ? $"global::DiffGen.Reverse.SurfaceArrays.JaggedStackLength({p.Name}, {d})"
                            : $"global::DiffGen.Reverse.SurfaceArrays.StackLength({p.Name}, {d})"));
                    }
                if (_stackShapes.TryGetValue(p, out var stackShapes))
                    for (int d = 0; d < stackShapes.Count; d++)
                    {
                        ps.Add(new ParamModel(stackShapes[d], new IrType(Scalar.Int, Shape.Vector), false, false, null));
                        args.Add(new CoreArg(stackShapes[d], ArgKind.Snapshot, $"global::DiffGen.Reverse.SurfaceArrays.{(_jaggedStacks.Contains(p) ? "JaggedStackLengths" : "StackLengths")}({p.Name}, {d}, \"{p.Name}\")"));
                    }
                if (_highRank.TryGetValue(p, out var dims))
                    for (int d = 0; d < dims.Count; d++)
                    {
                        ps.Add(new ParamModel(dims[d], IrType.Int, false, false, null));
                        args.Add(new CoreArg(dims[d], ArgKind.Snapshot, p.Name + ".GetLength(" + (d + 1) + ")"));
                    }
            }
            AddResultArray(ps, args); // 'return y;' of a local array: an output the entry points allocate (ResultArrays.cs)
            AddTupleResults(ps, args); // 'return (loss, acc);': the later elements as T[1] outputs (ResultArrays.cs)
            var inputs = _memberInputs.Where(i => memberWrt.Contains(i.Core)).OrderBy(i => memberWrt.IndexOf(i.Core))
                .Concat(_memberInputs.Where(i => !memberWrt.Contains(i.Core)));
            foreach (var i in inputs)
            {
                bool wrt = memberWrt.Contains(i.Core);
                if (_stackMembers.TryGetValue(i.Core, out var sm))
                {
                    // a T[][,] or List<T[,]> field: a stack like a parameter of that type, its dimensions and per-layer shapes after it
                    if (_writtenParams.TryGetValue(i.Core, out var wloc))
                        Report(Descriptors.WriteToInput, wloc, sm.Display, "the method writes an array of a stack held in a field, and fields are read once when the method starts; write into a local array, or pass the stack as a parameter");
                    ps.Add(new ParamModel(i.Core, i.Type, false, wrt, null, IsConstant: !wrt));
                    args.Add(new CoreArg(i.Core, ArgKind.Stack, sm.Source, Display: sm.Display, GradientType: sm.GradientType));
                    // a matrix member of every element of an array of layer objects has its own names (ObjectArrays.cs)
                    var (sdims, sshapes) = i.Member is { } member ? (_stacks[member], _stackShapes[member]) : _elementStacks[i.Core];
                    for (int d = 0; d < sdims.Count; d++)
                    {
                        ps.Add(new ParamModel(sdims[d], IrType.Int, false, false, null));
                        args.Add(new CoreArg(sdims[d], ArgKind.Snapshot, $"global::DiffGen.Reverse.SurfaceArrays.StackLength({sm.Source}, {d})"));
                    }
                    for (int d = 0; d < sshapes.Count; d++)
                    {
                        ps.Add(new ParamModel(sshapes[d], new IrType(Scalar.Int, Shape.Vector), false, false, null));
                        args.Add(new CoreArg(sshapes[d], ArgKind.Snapshot, $"global::DiffGen.Reverse.SurfaceArrays.StackLengths({sm.Source}, {d}, \"{sm.Display}\")"));
                    }
                    continue;
                }
                if (_highRankInputs.TryGetValue(i.Core, out var cube))
                {
                    // a T[,,] field: flattened at entry like a T[,,] parameter, its dimensions d1.. after it
                    ps.Add(new ParamModel(i.Core, i.Type, false, wrt, null, IsConstant: !wrt && i.Type.IsReal));
                    args.Add(new CoreArg(i.Core, ArgKind.Flatten, cube.Source, cube.Dims.Count + 1, Display: cube.Display, GradientType: cube.GradientType));
                    for (int d = 0; d < cube.Dims.Count; d++)
                    {
                        ps.Add(new ParamModel(cube.Dims[d], IrType.Int, false, false, null));
                        args.Add(new CoreArg(cube.Dims[d], ArgKind.Snapshot, cube.Source + ".GetLength(" + (d + 1) + ")"));
                    }
                    continue;
                }
                bool state = i.Type.IsArray && i.Type.IsReal && _writtenParams.ContainsKey(i.Core); // running statistics (ArgKind.State)
                if (state && wrt)
                    Report(Descriptors.WriteToInput, _writtenParams[i.Core], i.Source,
                        "it is differentiated (named in [Differentiable]) and the method writes its elements; remove it from the list (a field the method updates is state: no derivative flows from it), or write into a local array");
                ps.Add(new ParamModel(i.Core, i.Type, state, wrt && !state, null, IsConstant: !wrt && !state && i.Type.IsReal));
                args.Add(new CoreArg(i.Core, state ? ArgKind.State : ArgKind.Snapshot, i.Source));
            }
            // an instance method of a model class with nothing named: its float/double array fields (weights) are constants,
            // which a new user does not expect; say so once (info: frozen weights are a choice)
            if (_isInstance && memberWrt.Count == 0)
            {
                var weights = _memberInputs.Where(i => i.Member is IFieldSymbol or IPropertySymbol && !i.Member.IsStatic && i.Type.IsReal && i.Type.IsArray
                    && !_writtenParams.ContainsKey(i.Core) && SymbolEqualityComparer.Default.Equals(i.Member.ContainingType, _method.ContainingType))
                    .OrderBy(i => i.Member!.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0).Select(i => i.Member!.Name).Distinct().ToList(); // declaration order
                if (weights.Count > 0)
                    Note(Descriptors.FieldsAsConstants, _method.Locations.FirstOrDefault(), _method.Name,
                        (weights.Count == 1 ? "the array field " : "the array fields ") + string.Join(", ", weights.Select(w => "'" + w + "'")),
                        string.Join(", ", weights.Select(w => "nameof(" + w + ")")));
            }
            var model = new SurfaceModel(_method.Name, _method.IsStatic, SyntaxFacts.GetText(_method.DeclaredAccessibility), SurfaceCref(), surface.ToEquatable(), args.ToEquatable(),
                ReturnText: _tupleItems is null ? null : _method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), Gathered: _gathered.ToEquatable());
            return (ps.ToEquatable(), model);
        }

        /// <summary>
        /// A field, property or config member passed to a [Differentiable] callee that writes it (direct writes are
        /// reported where they stand): reported at the member, since generated code never writes fields.
        /// </summary>
        private void CheckMemberWrites(List<Stmt> body)
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(body, written);
            // a float/double array field of this type (or a static one) marked written is state the method updates (ArgKind.State), also
            // through a callee; one the IR writes without that mark ('Fill(this.W, x)') would be an output the model does not know
            foreach (var i in _memberInputs.Where(i => written.Contains(i.Core) && !(i.Member is not null && i.Type.IsArray && i.Type.IsReal && _writtenParams.ContainsKey(i.Core))))
                Report(Descriptors.WriteToInput, i.Where, i.Source,
                    "it is passed to a [Differentiable] method that writes it, and fields and properties are read once when the method starts and never written by the generated code; pass a local array instead ('var h = new double[n];') and store it in the field after calling the method");
        }

        /// <summary>The array field whose element the target being lowered writes (set by <see cref="RejectMemberWrite"/>, taken by LowerTarget).</summary>
        private ISymbol? _stateWrite;

        /// <summary>Where a member input is declared (its field, or the config member read).</summary>
        private Location? MemberLocation(string core) =>
            _memberInputs.FirstOrDefault(i => i.Core == core)?.Where;
    }
}
