using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis.Text;

// The loop IR: small, typed, value-equatable (it is part of the incremental model). Parse produces it,
// Differentiate rewrites it into forward + reverse sweeps using the same node types plus the few
// reverse-only statements at the bottom, and Emit prints it as C#. No Roslyn types in here.
namespace DiffGen.Generator.IR
{
    /// <summary>Element types. Text is a string parameter read only by a throw's message (never computed with).</summary>
    internal enum Scalar { Void, Bool, Int, Float, Double, Text }

    /// <summary>T, T[], T[,], T[][].</summary>
    internal enum Shape { Scalar, Vector, Matrix, Jagged }

    internal readonly record struct IrType(Scalar Elem, Shape Shape)
    {
        public static readonly IrType Void = new(Scalar.Void, Shape.Scalar);
        public static readonly IrType Bool = new(Scalar.Bool, Shape.Scalar);
        public static readonly IrType Int = new(Scalar.Int, Shape.Scalar);
        public static readonly IrType Float = new(Scalar.Float, Shape.Scalar);
        public static readonly IrType Double = new(Scalar.Double, Shape.Scalar);
        public static readonly IrType Text = new(Scalar.Text, Shape.Scalar);

        public bool IsArray => Shape != Shape.Scalar;
        /// <summary>An array or a string: a field holding one starts as null.</summary>
        public bool IsReference => IsArray || Elem == Scalar.Text;
        /// <summary>float or double element: the only values that carry derivatives.</summary>
        public bool IsReal => Elem is Scalar.Float or Scalar.Double;
        public IrType ElementType => new(Elem, Shape.Scalar);
        public int Rank => Shape switch { Shape.Matrix => 2, Shape.Jagged => 2, Shape.Vector => 1, _ => 0 };

        public string ElemKeyword => Elem switch
        {
            Scalar.Bool => "bool",
            Scalar.Int => "int",
            Scalar.Float => "float",
            Scalar.Double => "double",
            Scalar.Text => "string",
            _ => "void",
        };

        public string Keyword => Shape switch
        {
            Shape.Vector => ElemKeyword + "[]",
            Shape.Matrix => ElemKeyword + "[,]",
            Shape.Jagged => ElemKeyword + "[][]",
            _ => ElemKeyword,
        };

        public override string ToString() => Keyword;
    }

    internal enum UnaryOp { Neg, Not }
    /// <summary>Shl and Shr: int shifts (<c>1 &lt;&lt; layer</c>, a dilation); BitAnd, BitOr, BitXor: &amp; | ^ on ints (a hashed
    /// feature index, a sign bit); never on float values.</summary>
    internal enum BinaryOp { Add, Sub, Mul, Div, Mod, Lt, Le, Gt, Ge, Eq, Ne, And, Or, Shl, Shr, BitAnd, BitOr, BitXor }
    /// <summary>Math/MathF functions. Floor, Ceiling, Round, Truncate and Sign are piecewise constant: derivative 0.</summary>
    internal enum Fn { Exp, Log, Sqrt, Pow, Abs, Max, Min, Tanh, Sin, Cos, Tan, Atan, Asin, Acos, Sinh, Cosh, Log2, Log10, Cbrt, Atan2, Clamp, Floor, Ceiling, Round, Truncate, Sign, FusedMultiplyAdd, Hypot }
    internal enum AssignOp { Set, Add, Sub }

    // ---------------- expressions ----------------

    internal abstract record Expr(IrType Type);

    internal sealed record Const(double Value, IrType Type) : Expr(Type);

    /// <summary>A scalar variable: parameter, local, loop counter, adjoint or temporary.</summary>
    internal sealed record VarRef(string Name, IrType Type) : Expr(Type);

    /// <summary>One element <c>a[i]</c>, <c>a[i, j]</c> or <c>a[i][j]</c>; the shape of <see cref="ArrayType"/> says which.</summary>
    internal sealed record ElemRef(string Array, IrType ArrayType, EquatableArray<Expr> Indices) : Expr(ArrayType.ElementType);

    /// <summary>A whole array, or one row <c>a[i]</c> of a jagged array, passed to a call.</summary>
    internal sealed record ArrayRef(string Array, IrType ArrayType, Expr? Row) : Expr(Row is null ? ArrayType : new IrType(ArrayType.Elem, Shape.Vector));

    /// <summary><c>a.Length</c> (Dim -1), <c>a.GetLength(d)</c>, or <c>a[row].Length</c>.</summary>
    internal sealed record LengthOf(string Array, IrType ArrayType, Expr? Row, int Dim) : Expr(IrType.Int);

    internal sealed record Unary(UnaryOp Op, Expr Operand, IrType Type) : Expr(Type);

    internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right, IrType Type) : Expr(Type);

    /// <summary>Math/MathF intrinsic; the result type says which (float: MathF).</summary>
    internal sealed record Intrinsic(Fn Fn, EquatableArray<Expr> Args, IrType Type) : Expr(Type);

    internal sealed record Conditional(Expr Condition, Expr WhenTrue, Expr WhenFalse, IrType Type) : Expr(Type);

    /// <summary>Numeric conversion (implicit int to double, explicit casts between float and double).</summary>
    internal sealed record Convert(Expr Operand, IrType Type) : Expr(Type);

    /// <summary>Call of another [Differentiable] method.</summary>
    internal sealed record Invoke(MethodRef Method, EquatableArray<Expr> Args, IrType Type) : Expr(Type);

    /// <summary>Reverse sweep only: the value stored last on the restore stack of this type.</summary>
    internal sealed record Pop(IrType Type) : Expr(Type);

    /// <summary>A differentiable callee as the caller sees it: enough to call its Forward and its adjoint.</summary>
    internal sealed record MethodRef(string ContainingType, string Name, IrType Return, EquatableArray<ParamInfo> Params);

    /// <summary>A parameter; <see cref="IsWritten"/> marks output arrays (assigned by the method).</summary>
    internal sealed record ParamInfo(string Name, IrType Type, bool IsWritten, bool IsConstant = false);

    // ---------------- statements ----------------

    internal abstract record Stmt;

    /// <summary>A scalar local. Hoisted: introduced by Raise (evaluated even where the user's code would not), so its adjoint is propagated only when non-zero.</summary>
    /// <summary>Detached: a value that carries no derivative by construction (the max of a stable log-sum-exp, whose total derivative is exactly 0).</summary>
    internal sealed record DeclScalar(string Name, IrType Type, Expr? Init, bool Hoisted = false, bool Detached = false) : Stmt;

    internal sealed record DeclArray(string Name, IrType Type, EquatableArray<Expr> Sizes) : Stmt;

    /// <summary><c>target = value</c>, <c>+=</c>, <c>-=</c> (<c>*=</c>, <c>/=</c>, <c>++</c>, <c>--</c> are lowered to these).</summary>
    internal sealed record Assign(Expr Target, AssignOp Op, Expr Value, bool Hoisted = false) : Stmt;

    /// <summary><c>for (int Var = Start; Var Cmp Bound; Var += Step)</c>; Step is a non-zero constant. Origin: where the user wrote it (for remarks).</summary>
    /// <remarks>WideSums (Schedule's decision, <see cref="Schedule.WideSums"/>): float scalars the loop only adds into; the CPU code sums them in a double and adds the total once after the loop.</remarks>
    /// <remarks>
    /// While: an exit condition (null for a counted loop): the loop runs while <c>Var Cmp Bound &amp;&amp; While</c>, so its trip
    /// count is decided as it runs. Parse lowers <c>while</c>, <c>do/while</c>, <c>break</c> and a <c>return</c> inside a loop
    /// to it (see <see cref="Parse.EarlyExits"/>); the forward sweep stores the counter's exit value on the int tape and the
    /// reverse sweep runs that many iterations backwards. Passes that need the trip count on entry (SIMD, multi-core and GPU
    /// loops, raising) leave such loops alone.
    /// </remarks>
    internal sealed record For(string Var, Expr Start, BinaryOp Cmp, Expr Bound, int Step, EquatableArray<Stmt> Body, SourceRef? Origin = null, EquatableArray<string> WideSums = default, Expr? While = null) : Stmt;

    /// <summary>A place in the user's source, as plain data.</summary>
    internal sealed record SourceRef(string Path, TextSpan Span, LinePositionSpan LineSpan);

    /// <summary>
    /// Raised contraction (from Raise): <c>Target[i, j] = Σ_{d &lt; K} A[i, d] · B[j, d]</c> for every row i of A and j of B,
    /// i.e. one GEMM <c>Target = A[:, :K] · B[:, :K]ᵀ</c>. Target is a fresh local T[,] of shape [rows(A), rows(B)].
    /// </summary>
    /// <remarks>With TransA the left factor is <c>A[d, i]</c> (the counter first), with TransB the right factor is <c>B[d, j]</c>.</remarks>
    /// <remarks>With Triangle, the right factor as the sum reads it, <c>R(j, d)</c>, is zero for d &gt; j (Lower) or d &lt; j (Upper)
    /// (Raise.BatchedProducts proves it from the loops that build it): the kernels skip the zero blocks, about half the work.
    /// The adjoint written to R's zero entries is unspecified (the builder's reverse discards it).</remarks>
    internal sealed record Contract(string Target, ArrayRef A, ArrayRef B, Expr K, bool TransA = false, bool TransB = false, Triangle Triangle = Triangle.None) : Stmt;

    /// <summary>Which entries of a contraction's right factor can be non-zero (<see cref="Contract"/>).</summary>
    internal enum Triangle { None, Lower, Upper }

    /// <summary>
    /// Reverse of <see cref="Contract"/>: <c>AAdj += TargetAdj · B</c>, <c>BAdj += TargetAdjᵀ · A</c>, then TargetAdj = 0.
    /// <see cref="SkipA"/> / <see cref="SkipB"/>: no derivative flows into that factor (it is not active: data, a [Constant]
    /// parameter, or, in Backward's own adjoint, a parameter Backward returns no gradient for), so the CPU skips its product.
    /// <see cref="ARowSum"/>: instead of AAdj, only the sum of its rows [ARowLo, ARowHi) is wanted, added into this vector
    /// (<see cref="Differentiate.RowSummedAdjoints"/>, CPU only).
    /// </summary>
    internal sealed record ContractAdjoint(string TargetAdj, ArrayRef A, ArrayRef B, Expr K, ArrayRef AAdj, ArrayRef BAdj, bool TransA = false, bool TransB = false, Triangle Triangle = Triangle.None, bool SkipA = false, bool SkipB = false,
        ArrayRef? ARowSum = null, Expr? ARowLo = null, Expr? ARowHi = null) : Stmt;

    internal sealed record If(Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt;

    internal sealed record Continue : Stmt;

    /// <summary>
    /// Parse only: <c>break</c> of the innermost loop, or (Method) a <c>return</c> inside a loop or an if after its value
    /// was stored; lowered to exit flags before Parse returns (<see cref="Parse.EarlyExits"/>).
    /// </summary>
    internal sealed record Break(bool Method = false) : Stmt;

    internal sealed record Return(Expr? Value) : Stmt;

    /// <summary>
    /// A <c>throw</c> between the computations (a <c>default: throw</c> of a switch in a loop, a helper's argument check):
    /// the exception expression as C# text with fully qualified type names, in which each value the method computes (a
    /// local, a parameter, an element) is the placeholder <see cref="Hole"/>(k) for <see cref="Holes"/>[k], so renaming and
    /// inlining reach it like any expression. It has no derivative: the forward code throws as the source does, and a
    /// reverse sweep runs only after a forward sweep that did not throw. Code after it in its block is unreachable.
    /// </summary>
    internal sealed record Throw(string Text, EquatableArray<Expr> Holes) : Stmt
    {
        public static string Hole(int k) => "__diffgen_hole" + k.ToString(System.Globalization.CultureInfo.InvariantCulture) + "_";

        /// <summary>The text with every placeholder replaced by its expression printed by <paramref name="print"/>, in parentheses.</summary>
        public string Print(System.Func<Expr, string> print)
        {
            var text = Text;
            for (int k = Holes.Count - 1; k >= 0; k--) text = text.Replace(Hole(k), "(" + print(Holes[k]) + ")");
            return text;
        }
    }

    /// <summary>A call of a void [Differentiable] method as a statement.</summary>
    internal sealed record CallStmt(Invoke Call) : Stmt;

    // ---- only in the output of Differentiate ----

    /// <summary>Store a value before it is overwritten (forward sweep).</summary>
    internal sealed record Push(Expr Value) : Stmt;

    /// <summary>Store every element of an array before a call overwrites it.</summary>
    internal sealed record PushAll(ArrayRef Array) : Stmt;

    /// <summary>Restore every element of an array (reverse sweep).</summary>
    internal sealed record PopAll(ArrayRef Array) : Stmt;

    /// <summary>Call a callee's adjoint: re-runs its forward, then accumulates into the adjoint arguments.</summary>
    internal sealed record AdjointCall(MethodRef Method, EquatableArray<Expr> Args, EquatableArray<Expr> Adjoints, Expr? Seed) : Stmt;

    /// <summary>
    /// Schedule's decision: run this innermost loop with SIMD vectors (System.Numerics.Vector&lt;T&gt;) plus a scalar tail.
    /// <see cref="Inductions"/>, the loop's running products, is decided with the loop: whenever Schedule makes the node
    /// or gives it another loop (<c>with { Loop = ... }</c>), never by the writer.
    /// </summary>
    internal sealed record VectorFor : Stmt
    {
        private readonly For _loop = null!;

        public VectorFor(For Loop, Scalar Elem)
        {
            this.Loop = Loop;
            this.Elem = Elem;
        }

        public For Loop
        {
            get => _loop;
            init
            {
                _loop = value;
                Inductions = IrQueries.Inductions(value).ToEquatable();
            }
        }

        public Scalar Elem { get; init; }

        /// <summary>The running products of <see cref="Loop"/> (<see cref="IrQueries.Inductions"/>): lanes start at p · c^l.</summary>
        public EquatableArray<Induction> Inductions { get; private init; }
    }

    /// <summary>A running product <c>Name = Name * Factor</c> of a SIMD loop: lane l of the vector holds the value of iteration c0 + l.</summary>
    internal sealed record Induction(string Name, IrType Type, Expr Factor, Assign Step);

    // ---- Schedule's tile fusion (CPU): see Schedule/TileFusion.cs ----

    /// <summary>
    /// One entry <c>Σ_{d &lt; K} L(Row, d) · R(Col, d)</c> of a raised contraction's table, computed on demand (a dot product
    /// of length K) instead of read from a stored table: tile fusion's form of a read outside the tiled loops.
    /// </summary>
    internal sealed record TableEntry(Contract Source, Expr Row, Expr Col) : Expr(Source.A.ArrayType.ElementType);

    /// <summary>Adjoint of a <see cref="TableEntry"/>: <c>L̄(Row, :) += Value · R(Col, :)</c>, <c>R̄(Col, :) += Value · L(Row, :)</c>.</summary>
    internal sealed record TableEntryAdjoint(Contract Source, Expr Row, Expr Col, Expr Value, ArrayRef AAdj, ArrayRef BAdj) : Stmt;

    /// <summary>
    /// Rows <c>Loop.Var + RowOffset</c> of a contraction's table, held a block of rows at a time: the tiled loop reads
    /// <c>Name_v[row - Name_lo, col]</c> (and, with adjoints, adds into <c>Name_a</c>, flushed into AAdj and BAdj by two
    /// GEMMs whenever the block changes and when the loop ends).
    /// </summary>
    internal sealed record TilePanel(string Name, Contract Source, Expr RowOffset, ArrayRef? AAdj, ArrayRef? BAdj);

    /// <summary>
    /// A loop that reads its table through panels (a block of rows computed by one GEMM, never the whole table).
    /// Original: the materialised loop it replaces (the multi-core emitter splits it the way it splits that one).
    /// </summary>
    internal sealed record TiledLoop(For Loop, EquatableArray<TilePanel> Panels, For? Original) : Stmt;

    /// <summary>First statement of a tiled loop's body: make the panel hold row <c>Row</c>; declares <c>Panel_lo</c>.</summary>
    internal sealed record TileEnsure(string Panel, Expr Row) : Stmt;

    /// <summary>
    /// The run-time choice between the fused statements and the materialised ones: the table's size decides
    /// (DiffGen.Cpu.Tiling). <c>Rows == null</c>: the flag was set by an earlier choice (the reverse sweep follows the forward's).
    /// </summary>
    internal sealed record TileChoice(string Flag, Expr? Rows, Expr? Cols, Scalar Elem, EquatableArray<Stmt> Fused, EquatableArray<Stmt> Materialised) : Stmt;

    // ---- Schedule's row-block fusion (CPU): see Schedule/RowBlockFusion.cs ----

    /// <summary>
    /// Body runs once per block of rows <c>[Name_lo, Name_hi)</c> of <c>0 .. Rows</c> (Descending: the last block first); each
    /// Panels array holds that block only (its rows at <c>i - Name_lo</c>), cleared per block; the block size comes from
    /// DiffGen's tiling settings for rows of Cols elements.
    /// </summary>
    internal sealed record RowBlocks(string Name, Expr Rows, Expr Cols, Scalar Elem, bool Descending, EquatableArray<DeclArray> Panels, EquatableArray<Stmt> Body, RowBlockCores? Cores = null) : Stmt;

    /// <summary>
    /// Schedule's decision for the CPU cores of a <see cref="RowBlocks"/> (Schedule/RowBlockCores.cs): with <see cref="WhyNot"/>
    /// null the blocks may run on several workers (a contiguous range of blocks each, in the block order), each with its own
    /// panels, restore tapes (<see cref="Tapes"/>) and <see cref="Locals"/>; it reads <see cref="Inputs"/> from the caller,
    /// adds into its own zeroed copy of each <see cref="Accumulated"/> array (the first worker into the array itself), the
    /// copies added in worker order afterwards; a scalar of <see cref="Entry"/> (reset to its constant at the end of every
    /// iteration) starts from the caller's value in the worker that holds the first block in the block order, from the
    /// constant in the others.
    /// </summary>
    /// <param name="Declared">the locals a worker declares at its top: those the blocks assign without declaring, and those the
    /// pass hoists to the method's top (its statements then assign them), decided by Schedule so the emitter only prints.</param>
    internal sealed record RowBlockCores(string? WhyNot, EquatableArray<RowBlockName> Inputs, EquatableArray<RowBlockName> Locals,
        EquatableArray<RowBlockName> Accumulated, EquatableArray<RowBlockName> Entry, EquatableArray<IrType> Tapes, EquatableArray<RowBlockName> Declared = default)
    {
        public bool Split => WhyNot is null;
    }

    /// <summary>A name a row-block worker holds, its type and (for an entry scalar) the constant it is reset to.</summary>
    internal sealed record RowBlockName(string Name, IrType Type, double Reset = 0);

    /// <summary>Rows <c>[Lo, Hi)</c> of <see cref="Contract"/> Source, whose left factor holds just those rows (a <see cref="RowBlocks"/> panel).</summary>
    internal sealed record ContractRows(Contract Source, string Lo, string Hi) : Stmt;

    /// <summary>The share of rows <c>[Lo, Hi)</c> of <see cref="ContractAdjoint"/> Source (left factor and its adjoint are panels); clears those rows of TargetAdj.</summary>
    internal sealed record ContractRowsAdjoint(ContractAdjoint Source, string Lo, string Hi) : Stmt;

    /// <summary>A comment in the generated code (explains what a block is).</summary>
    internal sealed record Comment(string Text) : Stmt;

    /// <summary>A scoped block (keeps reverse-sweep temporaries local).</summary>
    internal sealed record Block(EquatableArray<Stmt> Body) : Stmt;
}
