using DiffGen.Generator.IR;

namespace DiffGen.Generator.Model
{
    /// <summary>One containing type declaration, outermost first: enough to reopen it as a partial.</summary>
    internal sealed record TypeDeclInfo(string Keyword, string Name, bool IsStatic);

    /// <summary>A parameter of the differentiated method.</summary>
    /// <param name="IsWritten">The method assigns elements of this array: an output.</param>
    /// <param name="IsWrt">Gradients with respect to it are returned by Backward.</param>
    /// <param name="DefaultValue">C# text of the default value, kept on Forward.</param>
    /// <param name="IsConstant">A float/double parameter marked [Constant]: not differentiated, and no derivative flows from it (not active).</param>
    /// <param name="ReadsInitial">An output some read of which may see the value the caller passed in (Parse/InitialReads): its
    /// gradient buffer is in and out (the upstream gradient on entry, the gradient with respect to the entry values on return).</param>
    /// <param name="IsParams">The user's <c>params</c> array (the last parameter): Forward keeps the modifier, so that the defaults
    /// before it stay legal and calls written for the method compile against Forward.</param>
    internal sealed record ParamModel(string Name, IrType Type, bool IsWritten, bool IsWrt, string? DefaultValue, bool IsConstant = false, bool ReadsInitial = false, bool IsParams = false)
    {
        /// <summary>Backward writes this parameter's gradient buffer: a differentiated input's, or an in-and-out output's (an output's is otherwise read only).</summary>
        public bool GradientWritten => !IsWritten || ReadsInitial;
    }

    /// <summary>
    /// Everything the later stages need about one [Differentiable] method, as plain equatable data (no
    /// ISymbol, SyntaxNode or Location), so unrelated edits leave the pipeline cached. Guards: the method's leading
    /// argument checks as C# text (see Parse/GuardClauses), printed first by every generated entry point. DeviceGuards:
    /// those that read array parameters only through their shape (Length, GetLength, Rank, nameof), which the
    /// device-resident overloads print too, since a DeviceArray has the same members.
    /// </summary>
    internal sealed record MethodModel(
        string? Namespace,
        EquatableArray<TypeDeclInfo> ContainingTypes,
        string ContainingTypeFullName,
        string Name,
        string Accessibility,
        IrType Return,
        EquatableArray<ParamModel> Params,
        EquatableArray<Stmt> Body,
        string DocCref,
        EquatableArray<string> Guards = default,
        SurfaceModel? Surface = null,
        EquatableArray<IR.Stmt> CpuBody = default,
        EquatableArray<string> DeviceGuards = default,
        bool Jacobian = false)
    {
        public string HintName
        {
            get
            {
                var type = ContainingTypeFullName.Replace("global::", "");
                var sb = new System.Text.StringBuilder();
                foreach (char c in type + "." + (Surface?.Name ?? Name))
                    sb.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
                return sb + ".g.cs";
            }
        }
    }

    /// <summary>How the user-facing method hands one parameter of the generated array form (the core) over.</summary>
    internal enum ArgKind
    {
        /// <summary>The user's parameter as it is (arrays, scalars, <c>in</c> scalars).</summary>
        Direct,
        /// <summary>A <c>Span&lt;T&gt;</c>: copied into a pooled <c>T[]</c> (and back when written).</summary>
        Span,
        /// <summary>A <c>ReadOnlySpan&lt;T&gt;</c>: copied into a pooled <c>T[]</c>.</summary>
        ReadOnlySpan,
        /// <summary>An <c>IReadOnlyList&lt;T&gt;</c> or <c>IList&lt;T&gt;</c>: copied into a pooled <c>T[]</c> element by element (and back when written).</summary>
        Sequence,
        /// <summary>A <c>T[,,]</c> (or higher rank): copied into a pooled <c>T[d0, d1·d2·…]</c> (and back when written).</summary>
        Flatten,
        /// <summary>A <c>T[][,]</c> (or <c>T[][,,]</c>) of arrays of one shape: copied into a pooled <c>T[L, r·c·…]</c>, row l array l (and back when written).</summary>
        Stack,
        /// <summary>A <c>T[][][]</c> of per-layer matrices as jagged rows (<c>w[l][o][i]</c>), each layer's rows of one length: copied into a
        /// pooled <c>T[L, R·C]</c> like a stack of matrices (and back when written).</summary>
        JaggedStack,
        /// <summary>A value read once at entry: a field or property, a member of a config parameter, a dimension.</summary>
        Snapshot,
        /// <summary>A <c>bool[]</c> or <c>bool[,]</c> mask: copied into a pooled <c>int[]</c>/<c>int[,]</c> of 0 and 1 (read-only).</summary>
        Mask,
        /// <summary>An <c>out double</c> (or float) result: a pooled <c>T[1]</c> output of the array form, copied out after the call.</summary>
        OutScalar,
        /// <summary>The array the user's method returns: allocated by the entry point (Source: the sizes' C# text), an output of the array form, returned.</summary>
        ResultArray,
        /// <summary>A <c>(int, int)[]</c> or <c>(int, int, int)[]</c>: copied into a pooled <c>int[n, 2]</c> / <c>int[n, 3]</c> (read-only).</summary>
        TupleRows,
        /// <summary>The second (third, ...) element of a returned tuple: a pooled <c>T[1]</c> output of the array form, returned in the tuple.</summary>
        TupleItem,
        /// <summary>The int elements of a tuple array that also has float or double elements (<c>(int A, int B, double W)[]</c>), or
        /// the int fields of an array of structs with float/double fields (<c>Particle[]</c>): copied into a pooled <c>int[n, i]</c>
        /// (i may be 0: the rows still say how many). <see cref="CoreArg.Members"/>: every element's member name, in order;
        /// <see cref="CoreArg.Rank"/>: a mask with bit e set for a float/double element.</summary>
        TupleInts,
        /// <summary>The float/double elements of such an array: a second argument, a pooled <c>double[n, r]</c> of read-only data
        /// (never differentiated). <see cref="CoreArg.Members"/> and <see cref="CoreArg.Rank"/>: as for <see cref="TupleInts"/>.</summary>
        TupleValues,
        /// <summary>A <c>List&lt;T&gt;</c> parameter: its elements copied into a pooled <c>T[]</c> (and back when the method writes
        /// them), like a span; its gradient is a <c>Span&lt;T&gt;</c> of <c>Count</c> elements.</summary>
        List,
        /// <summary>An array parameter the method compares with null: the entry points pass <c>(p ?? empty)</c> (Source), and for its
        /// gradient buffer the empty array (<see cref="CoreArg.Members"/>) when p is null.</summary>
        Optional,
        /// <summary>A <c>long[]</c> or <c>long[,]</c>: copied into a pooled <c>int[]</c>/<c>int[,]</c> (read-only); a value outside int's range throws.</summary>
        Narrow,
        /// <summary>
        /// A float/double array field or property the method writes elements of (running statistics): state the method updates.
        /// Passed like a snapshot (the array itself, so the writes land in it); no derivative flows from its new values, so
        /// Backward gives it a zeroed upstream gradient of its own, and it holds the forward results on return.
        /// </summary>
        State,
    }

    /// <summary>Where the core parameter <paramref name="Core"/> comes from: a user parameter's name, or a C# expression (Snapshot).</summary>
    /// <param name="Display">the name error messages give the argument, when <paramref name="Source"/> is an expression (a stack field: its name).</param>
    /// <param name="GradientType">the type of its gradient buffer, when no parameter of the user's method has it (a stack field: T[][,]).</param>
    internal sealed record CoreArg(string Core, ArgKind Kind, string Source, int Rank = 0, string? Members = null, string? Display = null, string? GradientType = null);

    /// <summary>A parameter of the user's method, as the generated entry points repeat it.</summary>
    /// <param name="TypeText">fully qualified type.</param>
    /// <param name="Modifier">"in ", "ref readonly " or "".</param>
    /// <param name="NullCheck">a reference type the wrapper reads from (a T[,,] or a config class): checked first.</param>
    /// <param name="IsParams">the user's <c>params</c> parameter: Forward keeps the modifier (Backward's gradients follow it).</param>
    internal sealed record SurfaceParam(string Name, string TypeText, string Modifier, string? DefaultValue, bool NullCheck, bool IsParams = false);

    /// <summary>
    /// A method written with members, spans, T[,,] or config parameters: the pipeline differentiates its array form (the
    /// model with <see cref="MethodModel.Name"/> <c>{Name}Arrays</c>, static, every input a parameter), and Emit adds
    /// the user-facing <c>{Name}Forward</c>/<c>{Name}Backward</c> that gather the inputs and call it.
    /// </summary>
    /// <param name="ReturnText">the user's return type when the array form returns something else (a tuple): fully qualified C#.</param>
    /// <param name="Gathered">Locals the entry points declare first, after the null checks: one member of every element of an array of
    /// layer objects (<c>var __objects_Layers_W = SurfaceArrays.Gather(this.Layers, static __e => __e.W, "Layers");</c>), read by the args.</param>
    internal sealed record SurfaceModel(string Name, bool IsStatic, string Accessibility, string Cref, EquatableArray<SurfaceParam> Params, EquatableArray<CoreArg> Args, EquatableArray<string> Guards = default, string? ReturnText = null, EquatableArray<string> Gathered = default);

    /// <summary>The parse step's output: a model when the method can be differentiated, and diagnostics either way.</summary>
    internal sealed record ParseResult(MethodModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
