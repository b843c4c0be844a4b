using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DiffGen.Cuda.Execution;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// Prints a <see cref="DeviceProgram"/>'s kernels as CUDA C (one <c>extern "C" __global__</c> function per
    /// non-GEMM step, all taking the uniform <c>__dg_args</c> block). Names are prefixed (<c>v_</c> scalars,
    /// <c>a_</c> arrays) so user names never collide with CUDA's. Every element access is bounds-checked: an index
    /// outside an array records the array in the control block (the host throws IndexOutOfRangeException, as the
    /// CPU code would) and reads element 0 instead, so a bad shape never touches memory outside a buffer.
    /// </summary>
    internal sealed class CudaKernelWriter : CodeWriter
    {
        /// <summary>
        /// The helpers every kernel source uses (runtime/Cuda/Execution/KernelPrelude.cs, linked into the generator):
        /// the runtime puts them before the generated kernels, so they are not repeated in every generated file.
        /// </summary>
        public static string Prelude => KernelPrelude.Source;

        private enum Mode { Serial, Thread, Block, Warp }

        /// <summary>Generated locals may go unread in one kernel (a value only another kernel needs): no NVRTC warning for that.</summary>
        private const string U = " __dg_unused"; // KernelPrelude: __attribute__((unused))

        private readonly DeviceProgram _p;
        private readonly CudaExprPrinter _printer;

        // per kernel
        private Mode _mode;
        private DeviceStep? _step;
        private bool _recompute;
        private bool _inPartition;
        private readonly Dictionary<string, (string Partial, string Kind)> _partials = new(StringComparer.Ordinal);
        private int _partialCounter;
        /// <summary>Warp mode, inside a tile loop: the register holding each tile entry.</summary>
        private readonly Dictionary<TileValue, string> _tileNames = new();
        private int _tileCounter;

        private CudaKernelWriter(DeviceProgram p)
        {
            _p = p;
            _printer = new CudaExprPrinter(this);
        }

        /// <summary>The kernels of <paramref name="p"/>.</summary>
        public static string Kernels(DeviceProgram p)
        {
            var w = new CudaKernelWriter(p);
            foreach (var st in p.Steps.Where(s => s.Kind != StepKind.Gemm))
            {
                w.Kernel(st);
                if (st.Fused is { } f) w.Kernel(f);
            }
            return w.ToString();
        }

        public static string Scalar(string name) => "v_" + name;
        public static string ArrayName(string name) => "a_" + name;
        private static string Dim(string name, int d) => "d" + d.ToString(CultureInfo.InvariantCulture) + "_" + name;

        private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

        private static string CType(IrType t) => t.Elem switch
        {
            IR.Scalar.Float => "float",
            IR.Scalar.Double => "double",
            IR.Scalar.Bool => "bool",
            _ => "int",
        };

        // ------------------------------------------------------------ kernels

        private void Kernel(DeviceStep st)
        {
            _step = st;
            _mode = st.Kind == StepKind.Serial ? Mode.Serial : st.WarpPerIteration ? Mode.Warp : st.BlockPerIteration ? Mode.Block : Mode.Thread;
            _partials.Clear();
            _partialCounter = 0;
            _tileNames.Clear();
            _tileCounter = 0;
            var use = st.Uses;

            Line();
            foreach (var c in st.Comments) Line("// " + c.Replace("\n", " "));
            Line("// " + Describe(st));
            Open($"extern \"C\" __global__ void {st.Kernel}(const __dg_args __A)");
            bool tape = st.UsesTape;
            bool usesScalars = _mode == Mode.Serial
                ? use.Scalars.Any(n => _p.Scalars.TryGetValue(n, out var t) && t.IsReal)
                : st.Classes.Count > 0;
            Line((usesScalars ? $"__dg_arr(double, __s, {I(KernelAbi.ScalarsPointer)}); " : "") + $"__dg_arr(int, __ctl, {I(KernelAbi.ControlPointer)});");
            if (tape)
            {
                Line($"double* __tape = (double*)__A.p[{I(KernelAbi.TapePointer)}];");
                Line($"const int __cap = __A.n[{I(KernelAbi.TapeCapacityInt)}];");
                Line("int __tp = __ctl[0], __hw = __ctl[1];");
            }
            if (st.Tape is { } itape) Line($"double* __it = (double*)__A.p[{I(_p.Arrays[itape.Array].Pointer)}]; // the pair's indexed tape");
            Packed(use.Arrays.OrderBy(x => x, StringComparer.Ordinal)
                .Select(a => $"__dg_arr({CType(_p.Arrays[a].Type.ElementType)}, {ArrayName(a)}, {I(_p.Arrays[a].Pointer)});"));
            Packed(use.Dims.OrderBy(x => x, StringComparer.Ordinal).SelectMany(a => _p.Arrays[a].Dim1 >= 0
                ? new[] { $"__dg_dim({Dim(a, 0)}, {I(_p.Arrays[a].Dim0)});", $"__dg_dim({Dim(a, 1)}, {I(_p.Arrays[a].Dim1)});" }
                : new[] { $"__dg_dim({Dim(a, 0)}, {I(_p.Arrays[a].Dim0)});" })
                .Concat(use.Scalars.Where(_p.HostInts.Contains).OrderBy(x => x, StringComparer.Ordinal).Select(h =>
                    _p.Scalars.TryGetValue(h, out var t) && t.Elem == IR.Scalar.Bool
                        ? $"const bool {Scalar(h)}{U} = __A.n[{I(_p.IntSlots[h])}] != 0;"
                        : $"__dg_dim({Scalar(h)}, {I(_p.IntSlots[h])});")));

            if (_mode == Mode.Serial) SerialBody(st, use);
            else ParallelBody(st, use);
            if (tape) Line("__ctl[0] = __tp; __ctl[1] = __hw;");
            Close();
            _step = null;
        }

        /// <summary>Argument unpacking statements, several to a line: boilerplate, kept short.</summary>
        private void Packed(IEnumerable<string> statements) => Wrapped(statements, " ");

        private static string Describe(DeviceStep st) => st.Kind switch
        {
            StepKind.Serial => "serial: statements that depend on each other, one thread",
            _ when st.WarpPerIteration => $"parallel over {st.Loop!.Var} (one warp per iteration, SIMD loops split over its lanes; the block's warps share each 32-column tile of the table)"
                + (st.Recompute is not null ? $"; recomputes the forward iteration, {st.LocalStack} restored value(s) in registers" : ""),
            _ when st.Tape is { } t => $"parallel over {st.Loop!.Var} ({(st.BlockPerIteration ? "one block per iteration, SIMD loops split over its threads" : "one thread per iteration")}); {(t.IsForward ? "stores" : "restores")} its values in row {st.Loop!.Var} of an indexed tape",
            _ when st.Recompute is not null => $"parallel over {st.Loop!.Var} ({(st.BlockPerIteration ? "one block per iteration, SIMD loops split over its threads" : "one thread per iteration")}); recomputes the forward iteration, {st.LocalStack} restored value(s) in registers",
            _ => $"parallel over {st.Loop!.Var} ({(st.BlockPerIteration ? "one block per iteration, SIMD loops split over its threads" : "one thread per iteration")})",
        };

        private void SerialBody(DeviceStep st, KernelUses use)
        {
            Packed(st.SlotsRead.Select(n => $"__dg_in({CType(_p.Scalars[n])}, {Scalar(n)}, {I(_p.Slots[n])});"));
            DeclareLocalInts(st);
            foreach (var s in st.Body) Stmt(s);
            foreach (var n in st.SlotsWrittenBack) Line($"__s[{I(_p.Slots[n])}] = (double){Scalar(n)};");
        }

        private void DeclareLocalInts(DeviceStep st)
        {
            foreach (var (n, t) in st.LocalInts)
                Line($"{CType(t)} {Scalar(n)}{U} = {(t.Elem == IR.Scalar.Bool ? "false" : "0")};");
        }

        private void ParallelBody(DeviceStep st, KernelUses use)
        {
            var loop = st.Loop!;
            int cmp = loop.Cmp switch { BinaryOp.Lt => 0, BinaryOp.Le => 1, BinaryOp.Gt => 2, _ => 3 };
            Line($"const long long __cnt = __dg_trip({Expr(loop.Start)}, {Expr(loop.Bound)}, {I(loop.Step)}, {I(cmp)});");
            Packed(st.Classes.Where(kv => kv.Value == VarClass.Invariant).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"__dg_in_const({CType(_p.Scalars[kv.Key])}, {Scalar(kv.Key)}, {I(_p.Slots[kv.Key])});"));
            var reductions = st.Classes.Where(kv => kv.Value == VarClass.Reduction).Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal).ToList();
            foreach (var r in reductions) Line($"double __r_{r} = 0;");
            if (_mode == Mode.Warp)
            {
                Line("const int __lane = (int)(threadIdx.x & 31), __warp = (int)(threadIdx.x >> 5), __warps = (int)(blockDim.x >> 5);");
                // every warp of a block walks the same groups (the tiles have barriers); a warp past the end computes
                // tiles for the others and nothing else
                Open("for (long long __g = (long long)blockIdx.x * __warps; __g < __cnt; __g += (long long)gridDim.x * __warps)");
                Line("const bool __act = __g + __warp < __cnt;");
                Line("const long long __t = __act ? __g + __warp : __g;");
            }
            else
            {
                var t = _mode == Mode.Block
                    ? "for (long long __t = blockIdx.x; __t < __cnt; __t += gridDim.x)"
                    : "for (long long __t = blockIdx.x * (long long)blockDim.x + threadIdx.x; __t < __cnt; __t += (long long)gridDim.x * blockDim.x)";
                Open(t);
            }
            Line($"const int {Scalar(loop.Var)} = (int)({Expr(loop.Start)} + __t * {I(loop.Step)});");
            foreach (var kv in st.Classes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var ct = CType(_p.Scalars[kv.Key]);
                switch (kv.Value)
                {
                    case VarClass.Private:
                    case VarClass.Recomputed:
                        Line($"{ct} {Scalar(kv.Key)}{U} = 0;");
                        break;
                    case VarClass.Carried:
                        Line($"{ct} {Scalar(kv.Key)}{U} = __t == 0 ? ({ct})__s[{I(_p.Slots[kv.Key])}] : {Literal(st.CarriedReset[kv.Key].Value, _p.Scalars[kv.Key].Elem)};");
                        break;
                }
            }
            DeclareLocalInts(st);
            if (st.Tape is { } tp)
            {
                Line($"const long long __base = (long long)({Scalar(loop.Var)} - {Expr(tp.Lo)}) * {Expr(tp.Width)};");
                if (tp.IsForward) Line("int __sp = 0;");
                else
                {
                    Line($"int __sp = (int)__it[__base + {Expr(tp.Width)} - 1];");
                    for (int q = 0; q < tp.Finals.Count; q++)
                        Line($"{Scalar(tp.Finals[q])} = ({CType(_p.Scalars[tp.Finals[q]])})__it[__base + {Expr(tp.Pushes)} + {I(q)}];");
                }
            }
            if (st.Recompute is { } f)
            {
                if (st.LocalStack > 0) Line($"double __stk[{I(st.LocalStack)}]{U}; int __sp{U} = 0;");
                Line($"// recompute forward iteration {loop.Var} (its pushes go to registers)");
                _recompute = true;
                Statements(f.Body);
                _recompute = false;
                Line($"// reverse iteration {loop.Var}");
            }
            Statements(loop.Body);
            if (st.Tape is { IsForward: true } ft)
            {
                for (int q = 0; q < ft.Finals.Count; q++)
                    Guarded($"__it[__base + {Expr(ft.Pushes)} + {I(q)}] = (double){Scalar(ft.Finals[q])};");
                Guarded($"__it[__base + {Expr(ft.Width)} - 1] = (double)__sp;");
            }
            foreach (var kv in st.Classes.Where(kv => kv.Value == VarClass.Carried).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                Line($"if (__t == 0{ThreadZero}) __s[{I(_p.Slots[kv.Key])}] = (double){Scalar(kv.Key)};");
            if (st.WriteBackPrivates)
                foreach (var kv in st.Classes.Where(kv => kv.Value == VarClass.Private).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    Line($"if (__t == __cnt - 1{ThreadZero}) __s[{I(_p.Slots[kv.Key])}] = (double){Scalar(kv.Key)};");
            if (_mode == Mode.Block) Line("__syncthreads();");
            else if (_mode == Mode.Warp) Line("__syncwarp();");
            Close();
            foreach (var r in reductions)
            {
                Line($"{{ const double __sum = __dg_block_sum(__r_{r}); if (threadIdx.x == 0 && __sum != 0) atomicAdd(&__s[{I(_p.Slots[r])}], __sum); }}");
            }
        }

        private string ThreadZero => _mode switch { Mode.Block => " && threadIdx.x == 0", Mode.Warp => " && __act && __lane == 0", _ => "" };

        /// <summary>
        /// An iteration's statements. Warp mode: a warp past the end of the range runs only the tile loops (whose tiles
        /// every warp of the block computes together), nothing else.
        /// </summary>
        private void Statements(IEnumerable<Stmt> body)
        {
            bool open = false;
            foreach (var s in body)
            {
                bool always = _mode != Mode.Warp || s is VectorFor v && _step!.TileLoops.ContainsKey(v.Loop);
                if (always && open) { Close(); open = false; }
                if (!always && !open) { Open("if (__act)"); open = true; }
                Stmt(s);
            }
            if (open) Close();
        }

        // ------------------------------------------------------------ statements

        private void Stmt(Stmt s)
        {
            switch (s)
            {
                case DeclScalar d:
                    if (d.Init is not null) Assign(new VarRef(d.Name, d.Type), AssignOp.Set, d.Init);
                    break;
                case Assign a:
                    Assign(a.Target, a.Op, a.Value);
                    break;
                case For f:
                    Open($"for (int {Scalar(f.Var)} = {Expr(f.Start)}; {Scalar(f.Var)} {Op(f.Cmp)} {Expr(f.Bound)}; {Scalar(f.Var)} += {I(f.Step)})");
                    foreach (var x in f.Body) Stmt(x);
                    Close();
                    break;
                case VectorFor v when _step?.MergedSums.Contains(v.Loop) == true:
                    break; // summed in the sweep of the max loop before it (OnlineSums)
                case VectorFor v:
                    if ((_mode == Mode.Block || _mode == Mode.Warp) && !_inPartition) Partition(v.Loop);
                    else Stmt(v.Loop);
                    break;
                case If i:
                    Open($"if ({Expr(i.Condition)})");
                    foreach (var x in i.Then) Stmt(x);
                    Close();
                    if (i.Else.Count > 0)
                    {
                        Open("else");
                        foreach (var x in i.Else) Stmt(x);
                        Close();
                    }
                    break;
                case Block b:
                    OpenBlock();
                    foreach (var x in b.Body) Stmt(x);
                    Close();
                    break;
                case Push p:
                    if (_step?.Tape is { IsForward: true })
                    {
                        Guarded($"__it[__base + __sp] = (double)({Expr(p.Value)});");
                        Line("__sp++;");
                    }
                    else if (_recompute) Line($"__stk[__sp++] = (double)({Expr(p.Value)});");
                    else if (_mode == Mode.Serial) Line($"__dg_push(__tape, __cap, &__tp, &__hw, (double)({Expr(p.Value)}));");
                    // else: a forward loop whose reverse recomputes it: nothing to store
                    break;
                case Comment c:
                    Line("// " + c.Text.Replace("\n", " "));
                    break;
                case Continue:
                    Line("continue;");
                    break;
                default:
                    throw new InvalidOperationException("no device form for " + s.GetType().Name);
            }
        }

        private void Assign(Expr target, AssignOp op, Expr value)
        {
            string sop = op == AssignOp.Set ? "=" : op == AssignOp.Add ? "+=" : "-=";
            if (target is VarRef v)
            {
                if (_recompute && _step!.RecomputeReductions.Contains(v.Name)) return; // the forward sweep summed it already
                if (_inPartition && _partials.TryGetValue(v.Name, out var part))
                {
                    if (part.Kind == "+") Line($"{part.Partial} {sop} (double)({Expr(value)});");
                    else
                    {
                        var arg = ((Intrinsic)value).Args[1];
                        Line($"{part.Partial} = __dg_{part.Kind}({part.Partial}, (double)({Expr(arg)}));");
                    }
                    return;
                }
                if (_step is { Kind: StepKind.Parallel } st && st.Classes.TryGetValue(v.Name, out var cls) && cls == VarClass.Reduction)
                {
                    Guarded($"__r_{v.Name} {sop} (double)({Expr(value)});");
                    return;
                }
                Line($"{Scalar(v.Name)} {sop} {Expr(value)};");
                return;
            }
            var el = (ElemRef)target;
            var lhs = Elem(el);
            if (_step is { Kind: StepKind.Parallel } s2 && s2.AtomicArrays.Contains(el.Array) && op != AssignOp.Set)
            {
                var val = Expr(value);
                Guarded($"atomicAdd(&{lhs}, {(op == AssignOp.Sub ? "-(" + val + ")" : val)});");
                return;
            }
            Guarded($"{lhs} {sop} {Expr(value)};");
        }

        /// <summary>In a block, memory updates outside split loops are done by thread 0 alone (the others computed the same value).</summary>
        private void Guarded(string line)
        {
            if (_mode == Mode.Block && !_inPartition) Line("if (threadIdx.x == 0) " + line);
            else if (_mode == Mode.Warp && !_inPartition) Line("if (__act && __lane == 0) " + line);
            else Line(line);
        }

        /// <summary>A SIMD loop split over the block's threads: partial sums / maxima per thread, then a block reduction.</summary>
        private void Partition(For f)
        {
            var part = (_recompute ? _step!.RecomputedPartitions : _step!.Partitions)[f];
            var reduced = part.Reduced.Select(r => (r.Var, Partial: "__p" + I(_partialCounter++), r.Kind)).ToList();
            bool warp = _mode == Mode.Warp;
            string barrier = warp ? "__syncwarp();" : "__syncthreads();";
            OpenBlock();
            if (_step!.BarrierBefore.Contains(f)) Line(barrier + " // code since the last barrier touches elements this split loop also touches");
            foreach (var r in reduced)
            {
                Line(r.Kind == "+" ? $"double {r.Partial} = 0;" : $"double {r.Partial} = (double){Scalar(r.Var)};");
                _partials[r.Var] = (r.Partial, r.Kind);
            }
            var (lo, hi) = (part.Lo, part.Hi);
            _inPartition = true;
            if (warp && _step.OnlineSums.TryGetValue(f, out var online)) OnlineSweep(f, lo, hi, _step.TileLoops[f], online);
            else if (warp && _step.TileLoops.TryGetValue(f, out var tiles)) TileLoop(f, lo, hi, tiles);
            else
            {
                Open(warp
                    ? $"for (int {Scalar(f.Var)} = {Expr(lo)} + __lane; {Scalar(f.Var)} < {Expr(hi)}; {Scalar(f.Var)} += 32)"
                    : $"for (int {Scalar(f.Var)} = {Expr(lo)} + (int)threadIdx.x; {Scalar(f.Var)} < {Expr(hi)}; {Scalar(f.Var)} += (int)blockDim.x)");
                foreach (var s in f.Body) Stmt(s);
                Close();
            }
            _inPartition = false;
            string group = warp ? "warp" : "block";
            if (warp && _step.OnlineSums.TryGetValue(f, out var on))
            {   // the lanes' (maximum, sum relative to it) pairs: the warp's maximum, then the sums rescaled to it
                var (pm, sum) = (reduced[0].Partial, on.Sum);
                var st = CType(_p.Scalars[sum]);
                Line($"const double {pm}_max = __dg_warp_max({pm});");
                Line($"double {pm}_sum = __dg_warp_sum({pm}_s == 0 ? 0.0 : {pm}_s * exp({pm} - {pm}_max));");
                Line($"if ({pm}_max == -__longlong_as_double(0x7ff0000000000000LL) && __dg_warp_sum({pm}_n) > 0) {pm}_sum = __longlong_as_double(0x7ff8000000000000LL); // every value -inf: exp(-inf - -inf) is NaN");
                Line($"{Scalar(on.Max)} = ({CType(_p.Scalars[on.Max])}){pm}_max;");
                Line($"{Scalar(sum)} = ({st})((double){Scalar(sum)} + {pm}_sum);");
                _partials.Remove(on.Max);
                reduced.Clear();
            }
            foreach (var r in reduced)
            {
                var ct = CType(_p.Scalars[r.Var]);
                if (r.Kind == "+") Line($"{Scalar(r.Var)} = ({ct})((double){Scalar(r.Var)} + __dg_{group}_sum({r.Partial}));");
                else Line($"{Scalar(r.Var)} = ({ct})__dg_{group}_{r.Kind}({r.Partial});");
                _partials.Remove(r.Var);
            }
            Line(barrier);
            Close();
        }

        /// <summary>
        /// Warp mode: the tile loops of an <see cref="Schedule.OnlineSoftmax"/> in one sweep. Each lane keeps its running
        /// maximum (the max loop's partial) and its sum of exp(value − that maximum) ({partial}_s), rescaled by
        /// exp(old − new) when the maximum grows; {partial}_n says the lane saw a value. NaN wins the maximum and makes the sum
        /// NaN; +∞ gives exp(∞ − ∞) = NaN as the two loops do; −∞ values add nothing (exp(−∞ − max) = 0), and a row whose
        /// values are all −∞ gets the NaN the two loops compute (the warp step after the loop).
        /// </summary>
        private void OnlineSweep(For f, Expr lo, Expr hi, EquatableArray<TileValue> tiles, OnlineSoftmax on)
        {
            var pm = _partials[on.Max].Partial;
            // exp of a difference <= 0 in the sum's precision (expf for float: the two loops' expf, from an exact difference)
            string Exp(string x) => CType(_p.Scalars[on.Sum]) == "float" ? $"(double)expf((float)({x}))" : $"exp({x})";
            Line($"double {pm}_s = 0, {pm}_n = 0;");
            TileLoop(f, lo, hi, tiles, () =>
            {
                if (on.Condition is { } c) Open($"if ({Expr(c)})");
                Line($"const double __x = (double)({Expr(on.Value)});");
                Line($"{pm}_n = 1;");
                Line($"if (__x > {pm}) {{ {pm}_s = {pm}_s * {Exp($"{pm} - __x")} + {Exp("__x - __x")}; {pm} = __x; }}");
                Line($"else if (__x != __x || {pm} != {pm}) {{ {pm} = {pm} + __x; {pm}_s = {pm}; }}");
                Line($"else if (__x != -__longlong_as_double(0x7ff0000000000000LL)) {pm}_s += {Exp($"__x - {pm}")};");
                if (on.Condition is not null) Close();
            });
        }

        /// <summary>
        /// Warp mode: a split SIMD loop over a table row, 32 columns at a time for every warp of the block; each tile
        /// entry it reads is computed for the block's rows in shared memory (<c>__dg_tile</c>) and lane l's lands in a
        /// register. Only active warps run the body, for columns inside the range.
        /// </summary>
        private void TileLoop(For f, Expr lo, Expr hi, EquatableArray<TileValue> tiles, Action? body = null)
        {
            var j = Scalar(f.Var);
            Open($"for (long long __jt = {Expr(lo)}; __jt < {Expr(hi)}; __jt += 32)");
            foreach (var tv in tiles)
            {
                var name = "__tv" + I(_tileCounter++);
                _tileNames[tv] = name;
                Line($"const {CType(tv.Type)} {name} = {Tile(tv.Entry, "__jt", Expr(hi))};");
            }
            Line($"const int {j} = (int)(__jt + __lane);");
            Open($"if (__act && {j} < {Expr(hi)})");
            if (body is not null) body();
            else foreach (var s in f.Body) Stmt(s);
            Close();
            Close();
            foreach (var tv in tiles) _tileNames.Remove(tv);
        }

        // ------------------------------------------------------------ expressions

        private string Elem(ElemRef el)
        {
            var info = _p.Arrays[el.Array];
            int id = info.Pointer + 1;
            return el.Indices.Count == 2
                ? $"{ArrayName(el.Array)}[__dg_ix2({Expr(el.Indices[0])}, {Expr(el.Indices[1])}, {Dim(el.Array, 0)}, {Dim(el.Array, 1)}, __ctl, {I(id)})]"
                : $"{ArrayName(el.Array)}[__dg_ix1({Expr(el.Indices[0])}, {Dim(el.Array, 0)}, __ctl, {I(id)})]";
        }

        /// <summary>A table entry as a dot product over the factors' rows (columns when transposed).</summary>
        private string Entry(TableEntry t)
        {
            var c = t.Source;
            int ida = _p.Arrays[c.A.Array].Pointer + 1, idb = _p.Arrays[c.B.Array].Pointer + 1;
            return $"__dg_entry<{CType(t.Type)}>({Operand(c.A, c.TransA, Expr(t.Row))}, {Operand(c.B, c.TransB, Expr(t.Col))}, {Length(c.A, c.TransA)}, {Length(c.B, c.TransB)}, {Expr(c.K)}, __ctl, {I(ida)}, {I(idb)})";
        }

        /// <summary>A fused tile kernel's tile of a table: the entry (t.Row, c0 + lane) of each warp's row (see <c>__dg_tile</c>).</summary>
        private string Tile(TableEntry t, string c0, string hi)
        {
            var c = t.Source;
            int ida = _p.Arrays[c.A.Array].Pointer + 1, idb = _p.Arrays[c.B.Array].Pointer + 1;
            var b = Operand(c.B, c.TransB, null);
            return $"__dg_tile<{CType(t.Type)}>({Operand(c.A, c.TransA, Expr(t.Row))}, {b}, {c0}, (long long){hi}, {Length(c.A, c.TransA)}, {Length(c.B, c.TransB)}, {Expr(c.K)}, __act, __ctl, {I(ida)}, {I(idb)}, __A.n[{I(KernelAbi.FlagsInt)}])";
        }

        /// <summary>A factor as laid out in memory: array, rows, the row (when given), row stride, contraction-index stride.</summary>
        private static string Operand(ArrayRef x, bool trans, string? row)
        {
            string n0 = Dim(x.Array, 0), n1 = Dim(x.Array, 1), r = row is null ? "" : row + ", ";
            return trans
                ? $"{ArrayName(x.Array)}, {n1}, {r}1LL, (long long){n1}"
                : $"{ArrayName(x.Array)}, {n0}, {r}(long long){n1}, 1LL";
        }

        private static string Length(ArrayRef x, bool trans) => trans ? Dim(x.Array, 0) : Dim(x.Array, 1);

        private static string Op(BinaryOp op) => ExprPrinter.Op(op);

        public static string Literal(double value, IR.Scalar type)
        {
            switch (type)
            {
                case IR.Scalar.Bool: return value != 0 ? "true" : "false";
                case IR.Scalar.Int: return ((long)value).ToString(CultureInfo.InvariantCulture);
                case IR.Scalar.Float:
                    {
                        float f = (float)value;
                        if (float.IsNaN(f)) return "__int_as_float(0x7fffffff)";
                        if (float.IsPositiveInfinity(f)) return "__int_as_float(0x7f800000)";
                        if (float.IsNegativeInfinity(f)) return "__int_as_float((int)0xff800000)";
                        var s = f.ToString("R", CultureInfo.InvariantCulture);
                        if (s.IndexOfAny(new[] { '.', 'E', 'e' }) < 0) s += ".0";
                        return s + "f";
                    }
                default:
                    {
                        if (double.IsNaN(value)) return "__longlong_as_double(0x7ff8000000000000LL)";
                        if (double.IsPositiveInfinity(value)) return "__longlong_as_double(0x7ff0000000000000LL)";
                        if (double.IsNegativeInfinity(value)) return "__longlong_as_double((long long)0xfff0000000000000ULL)";
                        var s = value.ToString("R", CultureInfo.InvariantCulture);
                        return s.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? s : s + ".0";
                    }
            }
        }

        /// <summary>An expression of the kernel, parenthesised unless primary (it is pasted into any context).</summary>
        private string Expr(Expr e) => _printer.Print(e, ExprPrinter.PrecPrimary);

        /// <summary>The CUDA C dialect of <see cref="ExprPrinter"/>: the kernel's names, checked indexing, device math.</summary>
        private sealed class CudaExprPrinter : ExprPrinter
        {
            private readonly CudaKernelWriter _w;

            public CudaExprPrinter(CudaKernelWriter w) => _w = w;

            public override string Literal(double value, IR.Scalar type) => CudaKernelWriter.Literal(value, type);

            protected override string Name(string name) => Scalar(name);

            protected override string TypeName(IrType type) => CType(type);

            protected override string Call(Intrinsic f)
            {
                bool isFloat = f.Type.Elem == IR.Scalar.Float;
                var args = string.Join(", ", f.Args.Select(a => Print(a)));
                string name = f.Fn switch
                {
                    Fn.Max => "__dg_max",
                    Fn.Min => "__dg_min",
                    Fn.Abs => isFloat ? "fabsf" : "fabs",
                    Fn.Ceiling => isFloat ? "ceilf" : "ceil",
                    Fn.Truncate => isFloat ? "truncf" : "trunc",
                    Fn.Round => isFloat ? "rintf" : "rint", // .NET rounds half to even, as rint does
                    Fn.FusedMultiplyAdd => isFloat ? "fmaf" : "fma",
                    // explicit type arguments: the operands may be of different (convertible) types
                    Fn.Sign => "__dg_sign<" + CType(f.Args[0].Type) + ">",
                    Fn.Clamp => "__dg_clamp<" + CType(f.Type) + ">",
                    _ => f.Fn.ToString().ToLowerInvariant() + (isFloat ? "f" : ""),
                };
                return $"{name}({args})";
            }

            protected override string Other(Expr e)
            {
                switch (e)
                {
                    case ElemRef el: return _w.Elem(el);
                    case LengthOf l:
                        {
                            var info = _w._p.Arrays[l.Array];
                            if (l.Dim >= 0) return Dim(l.Array, l.Dim);
                            return info.Dim1 >= 0 ? $"({Dim(l.Array, 0)} * {Dim(l.Array, 1)})" : Dim(l.Array, 0);
                        }
                    case TableEntry t: return _w.Entry(t);
                    case TileValue tv: return _w._tileNames[tv];
                    case Pop p when _w._step?.Tape is { IsForward: false }:
                        return $"(({CType(p.Type)})__it[__base + --__sp])";
                    case Pop p:
                        return _w._step?.Recompute is not null && _w._step.Kind == StepKind.Parallel
                            ? $"(({CType(p.Type)})__stk[--__sp])"
                            : $"(({CType(p.Type)})__dg_pop(__tape, __cap, &__tp))";
                    default: throw new InvalidOperationException("no device form for " + e.GetType().Name);
                }
            }
        }

    }
}
