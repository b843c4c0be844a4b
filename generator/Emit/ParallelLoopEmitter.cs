using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// Multi-core CPU execution of the loops Schedule splits over cores (<see cref="CpuLoops"/>: a row of SIMD work per
    /// iteration, iterations independent). Each such loop gets a nested worker class
    /// whose fields are the loop's inputs and whose Run(chunk) executes a contiguous range of iterations with its own
    /// private scalars; sums come back per chunk and are added in chunk order; arrays the iterations sum into outside
    /// their own row get a copy per chunk. A forward/reverse pair that the GPU fuses by recomputation uses an indexed
    /// tape here instead: forward iteration i stores what it pushes (and its private values at the end) at slot i, the
    /// reverse iteration i reads them back, so both loops run in parallel and nothing is recomputed. Small loops run on
    /// one core (the decision is made at run time by DiffGen.Cpu.LoopParallelism): through the worker's static range
    /// method <c>Body(first, end, inputs, ref sums)</c> over all iterations when Schedule shares it
    /// (<see cref="CpuLoopPlan.OwnSequentialCopy"/> null: the loop's body printed once), else the loop printed again.
    /// </summary>
    internal sealed class ParallelLoopEmitter
    {
        private const string Lp = "global::DiffGen.Cpu.LoopParallelism";

        private readonly Dictionary<Stmt, CpuLoopPlan> _loops = new(StmtReferenceComparer.Instance);
        private readonly DeviceProgram? _program;
        private readonly string _method;
        private readonly List<CpuLoopPlan> _classes = new();

        private ParallelLoopEmitter(DeviceProgram? program, string method)
        {
            _program = program;
            _method = method;
        }

        /// <summary>
        /// Prints the CPU-parallel loops Schedule chose for a pass (<see cref="CpuLoops"/>).
        /// The tile-fused statements' tiled loops are split the way the loops they replace are (<see cref="CpuLoopPlan.Tiled"/>).
        /// </summary>
        public static ParallelLoopEmitter For(PassPlan pass, string method, string tag)
        {
            var e = new ParallelLoopEmitter(pass.Cpu, method + "_" + tag);
            foreach (var l in pass.CpuParallel) e._loops[l.Step.Loop!] = l;
            return e;
        }


        /// <summary>The forward halves of the pass's pairs, and of their tiled versions.</summary>
        private IEnumerable<CpuLoopPlan> ForwardHalves() => _loops.Values.Where(l => l.ForwardOf is not null).OrderBy(l => l.Id)
            .SelectMany(l => l.TiledVersion is { } t ? new[] { l, t } : new[] { l });

        /// <summary>Whether the pass has pairs (their indexed tapes go back to the pool in the method's finally block).</summary>
        public bool HasPairs => _loops.Values.Any(l => l.ForwardOf is not null);

        /// <summary>Locals the adjoint declares for its pairs (decision and indexed tape), before its try block.</summary>
        public void DeclarePairState(CSharpWriter w)
        {
            foreach (var l in ForwardHalves())
                w.Line($"bool __par{l.Id} = false; double[]? __it{l.Id} = null; int[]? __itn{l.Id} = null;");
        }

        /// <summary>The pairs' indexed tapes back to the pool (the method's finally block; null when a forward half did not run).</summary>
        public void ReturnPairState(CSharpWriter w)
        {
            foreach (var l in ForwardHalves())
                w.Line($"global::DiffGen.Reverse.BufferPool<double>.Return(__it{l.Id}); global::DiffGen.Reverse.BufferPool<int>.Return(__itn{l.Id});");
        }

        /// <summary>Writes the statements; parallel loops get a run-time choice between the parallel and the sequential code.</summary>
        public void Statements(CSharpWriter w, IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                if (_loops.TryGetValue(s, out var l)) Call(w, l, (For)s);
                else if (s is TileChoice c) w.Choice(c, f => FusedStatements(w, f), m => Statements(w, m));
                else w.Statement(s);
            }
        }

        /// <summary>
        /// The tile-fused branch: a tiled loop runs in chunks like the loop it replaces (each chunk with its own panels and,
        /// for the factors' adjoints, its own copy after the first); a loop Schedule keeps on one core there
        /// (<see cref="CpuLoopPlan.NotSplitWhenFused"/>) prints its sequential code.
        /// </summary>
        private void FusedStatements(CSharpWriter w, IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                if (s is RowBlocks { Cores.Split: true } rb) RowBlocksCall(w, rb);
                else if (s is TiledLoop t && t.Original is { } o && _loops.TryGetValue(o, out var l) && l.NotSplitWhenFused is null) Call(w, l.TiledVersion!, t.Loop);
                else if (s is not TiledLoop && _loops.TryGetValue(s, out var l2) && l2.NotSplitWhenFused is null) Call(w, l2, (For)s);
                else w.Statement(s);
            }
        }

        private static string NewLike(string a, IrType type) => type.Shape == Shape.Matrix
            ? $"new {type.ElemKeyword}[{a}.GetLength(0), {a}.GetLength(1)]"
            : $"new {type.ElemKeyword}[{a}.Length]";

        private static string ChunkArrayType(IrType type) => type.ElemKeyword + "[][" + (type.Shape == Shape.Matrix ? "," : "") + "]";

        private string ClassName(CpuLoopPlan l) => "__" + _method + "_Loop" + l.Id.ToString(CultureInfo.InvariantCulture);

        private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

        private void Call(CSharpWriter w, CpuLoopPlan l, For loop)
        {
            if (!_classes.Contains(l)) _classes.Add(l); // a loop both branches of a tile choice print shares its worker class
            var st = l.Step;
            var pairId = l.ForwardOf is not null ? l.Id : l.ReverseOf?.Id ?? -1;
            int cmp = loop.Cmp switch { BinaryOp.Lt => 0, BinaryOp.Le => 1, BinaryOp.Gt => 2, _ => 3 };
            string n = l.Id.ToString(CultureInfo.InvariantCulture);
            w.Line($"// Iterations over {loop.Var} are independent: split over cores when the loop is large ({ClassName(l)}).");
            w.OpenBlock();
            w.Line($"long __cnt{n} = {Lp}.Trip({ExprPrinter.CSharp.Print(loop.Start)}, {ExprPrinter.CSharp.Print(loop.Bound)}, {loop.Step}, {cmp});");
            if (l.ReverseOf is not null)
            {
                // the forward half decided; the reverse half follows it (a pair printed twice has its indexed tape only then)
                w.Line($"int __ch{n} = __par{l.ReverseOf.Id} ? {Lp}.Chunks(__cnt{n}, long.MaxValue) : 1;");
                w.Open($"if (!__par{l.ReverseOf.Id})");
            }
            else
            {
                // Schedule's measure of an iteration's work: the trip count of its row loop
                var row = l.RowLoop;
                string trip = row is null ? "1L" : $"global::System.Math.Max(1L, {Lp}.Trip({ExprPrinter.CSharp.Print(row.Start)}, {ExprPrinter.CSharp.Print(row.Bound)}, {row.Step}, {(row.Cmp switch { BinaryOp.Lt => 0, BinaryOp.Le => 1, BinaryOp.Gt => 2, _ => 3 })}))";
                w.Line($"int __ch{n} = {Lp}.Chunks(__cnt{n}, __cnt{n} * {trip});");
                if (l.ForwardOf is not null) w.Line($"__par{l.Id} = __ch{n} > 1;");
                // a shared pair runs through its indexed tape on one core too (the same body): rented for every call
                if (l.ForwardOf is not null && l.OwnSequentialCopy is null) RentTape(w, l, n);
                w.Open($"if (__ch{n} <= 1)");
            }
            if (l.OwnSequentialCopy is null)
            {
                // Schedule's CpuLoops.Share: all iterations through the worker's range method (the body printed once)
                var args = new List<string> { "0", $"__cnt{n}" };
                args.AddRange(BodyInputs(l).Select(f => f.Name));
                if (pairId >= 0) args.AddRange(new[] { $"__it{pairId}!", $"__itn{pairId}!", ExprPrinter.CSharp.Print(l.Worker.Lo) });
                args.AddRange(ByRef(l).Select(x => "ref " + x));
                w.Line($"{ClassName(l)}.Body({string.Join(", ", args)});");
                foreach (var kv in st.CarriedReset.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    w.Line($"if (__cnt{n} > 0) {kv.Key} = {ExprPrinter.CSharp.Literal(kv.Value.Value, _program!.Scalars[kv.Key].Elem)};");
            }
            else w.Statement(l.TiledForm is { } tl ? tl : loop);
            w.Close();
            w.Open("else");
            var fields = l.Worker.Fields;
            var reductions = Reductions(l);
            var init = new List<string>();
            foreach (var f in fields.Where(f => f.Kind is CpuFieldKind.Array or CpuFieldKind.Value)) init.Add($"{f.Name} = {f.Name}");
            foreach (var f in fields.Where(f => f.Kind == CpuFieldKind.Entry)) init.Add($"__entry_{f.Name} = {f.Name}");
            init.Add($"__count = __cnt{n}");
            init.Add($"__chunks = __ch{n}");
            init.Add($"__red = new double[__ch{n} * {I(Math.Max(1, reductions.Count))}]");
            var lo = l.Worker.Lo;
            if (l.ForwardOf is not null && l.OwnSequentialCopy is not null) RentTape(w, l, n);
            if (pairId >= 0)
            {
                init.Add($"__it = __it{pairId}!");
                init.Add($"__itn = __itn{pairId}!");
                init.Add($"__lo = {ExprPrinter.CSharp.Print(lo)}");
            }
            if (WritesBack(l)) init.Add($"__last = new double[{I(Math.Max(1, l.WrittenBack.Count))}]");
            w.Line($"var __w{n} = new {ClassName(l)} {{ {string.Join(", ", init)} }};");
            foreach (var a in l.Worker.ChunkCopies)
            {
                var t = _program!.Arrays[a].Type;
                w.Line($"__w{n}.__chunk_{a} = new {t.ElemKeyword}[__ch{n}][{(t.Shape == Shape.Matrix ? "," : "")}];");
                w.Line($"for (int __c = 1; __c < __ch{n}; __c++) __w{n}.__chunk_{a}[__c] = {NewLike(a, t)};");
            }
            w.Line($"{Lp}.Run(__w{n}, __ch{n});");
            for (int r = 0; r < reductions.Count; r++)
            {
                var v = reductions[r];
                w.Line($"{v} += ({_program!.Scalars[v].Keyword}){Lp}.Sum(__w{n}.__red, {I(reductions.Count)}, {I(r)});");
            }
            foreach (var a in l.Worker.ChunkCopies)
                w.Line($"for (int __c = 1; __c < __ch{n}; __c++) {Lp}.AddInto({a}, __w{n}.__chunk_{a}[__c]);");
            foreach (var kv in st.CarriedReset.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                w.Line($"if (__cnt{n} > 0) {kv.Key} = {ExprPrinter.CSharp.Literal(kv.Value.Value, _program!.Scalars[kv.Key].Elem)};");
            if (WritesBack(l))
            {
                var privs = l.WrittenBack;
                for (int q = 0; q < privs.Count; q++)
                    w.Line($"if (__cnt{n} > 0) {privs[q]} = ({_program!.Scalars[privs[q]].Keyword})__w{n}.__last[{I(q)}];");
            }
            w.Close();
            w.Close();
        }

        /// <summary>A forward half's indexed tape (its stores and private values by iteration; the count of stores by iteration), pooled.</summary>
        private static void RentTape(CSharpWriter w, CpuLoopPlan l, string n)
        {
            w.Line($"__it{l.Id} = global::DiffGen.Reverse.BufferPool<double>.RentUninitialized(checked((int)(__cnt{n} * {I(Math.Max(1, l.Width))})));");
            w.Line($"__itn{l.Id} = global::DiffGen.Reverse.BufferPool<int>.RentUninitialized(checked((int)__cnt{n}));");
        }

        private static bool WritesBack(CpuLoopPlan l) => l.WrittenBack.Count > 0;

        private static bool IsPair(CpuLoopPlan l) => l.ForwardOf is not null || l.ReverseOf is not null;

        /// <summary>
        /// A worker with a static range method (<c>Body</c>): every loop but the halves of a pair the one-core branch prints
        /// again (with the restore stack), whose chunks keep the indexed tape in the worker's fields.
        /// </summary>
        private static bool HasBody(CpuLoopPlan l) => !IsPair(l) || l.OwnSequentialCopy is null;

        /// <summary>The range method's inputs by value: the worker's fields (carried scalars as their entry values).</summary>
        private static IEnumerable<CpuField> BodyInputs(CpuLoopPlan l) => l.Worker.Fields;

        /// <summary>The range method's scalars by reference: the sums, then the privates written back (alphabetically each).</summary>
        private static List<string> ByRef(CpuLoopPlan l) => Reductions(l).Concat(l.WrittenBack).ToList();

        private static List<string> Reductions(CpuLoopPlan l) =>
            l.Step.Classes.Where(kv => kv.Value == VarClass.Reduction).Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal).ToList();

        /// <summary>The worker classes of the loops written so far.</summary>
        public void WriteClasses(CSharpWriter w)
        {
            foreach (var l in _classes) WriteClass(w, l);
            _classes.Clear();
            foreach (var b in _blockClasses) WriteBlockClass(w, b);
            _blockClasses.Clear();
        }

        // ------------------------------------------------------------ row blocks over cores (Schedule's RowBlockCores)

        private sealed record BlockClass(RowBlocks Blocks, string Name);

        private readonly List<BlockClass> _blockClasses = new();
        private int _blockIds;

        private static string Keyword(IrType t) => t.Keyword;

        private static string Literal(double v, IrType t) => ExprPrinter.CSharp.Literal(v, t.Elem);

        /// <summary>
        /// A row block whose blocks Schedule split over cores: the block size, then the workers (DiffGen.Kernels.RowBlocks.Workers
        /// decides per call); one worker runs the sequential code, several run the worker class, each adding into its own
        /// pooled copy of the accumulated arrays, added into the arrays in worker order afterwards.
        /// </summary>
        private void RowBlocksCall(CSharpWriter w, RowBlocks r)
        {
            var cores = r.Cores!;
            var name = "__" + _method + "_RowBlocks" + (_blockIds++).ToString(CultureInfo.InvariantCulture);
            _blockClasses.Add(new BlockClass(r, name));
            var rows = ExprPrinter.CSharp.Print(r.Rows);
            var workers = r.Name + "_w";
            var wv = "__w" + r.Name;
            var acc = cores.Accumulated.Count == 0 ? "" : $", adds into its own copy of {string.Join(", ", cores.Accumulated.Select(a => a.Name))} (added in worker order)";
            w.Line($"// Blocks of {string.Join(" and ", r.Panels.Select(p => p.Name))} split over cores ({name}): each worker holds its own panels{acc}.");
            w.OpenBlock();
            w.RowsPerBlock(r);
            w.Line($"int {workers} = global::DiffGen.Kernels.RowBlocks.Workers({rows}, {ExprPrinter.CSharp.Print(r.Cols)}, ref {r.Name});");
            w.Open($"if ({workers} <= 1)");
            w.SequentialRowBlocks(r);
            w.Close();
            w.Open("else");
            var init = new List<string>();
            foreach (var x in cores.Inputs) init.Add($"{x.Name} = {x.Name}");
            foreach (var x in cores.Entry) init.Add($"__entry_{x.Name} = {x.Name}");
            init.Add($"__rows = {r.Name}");
            init.Add($"__workers = {workers}");
            w.Line($"var {wv} = new {name} {{ {string.Join(", ", init)} }};");
            foreach (var a in cores.Accumulated)
            {
                var pool = $"global::DiffGen.Reverse.BufferPool<{a.Type.ElemKeyword}>";
                w.Line($"{wv}.__chunk_{a.Name} = new {a.Type.ElemKeyword}[{workers}][{(a.Type.Shape == Shape.Matrix ? "," : "")}];");
                w.Line($"for (int __c = 1; __c < {workers}; __c++) {wv}.__chunk_{a.Name}[__c] = {pool}.Rent({(a.Type.Shape == Shape.Matrix ? $"{a.Name}.GetLength(0), {a.Name}.GetLength(1)" : $"{a.Name}.Length")});");
            }
            w.Line($"{Lp}.Run({wv}, {workers});");
            foreach (var a in cores.Accumulated)
            {
                w.Open($"for (int __c = 1; __c < {workers}; __c++)");
                w.Line($"{Lp}.AddInto({a.Name}, {wv}.__chunk_{a.Name}[__c]);");
                w.Line($"global::DiffGen.Reverse.BufferPool<{a.Type.ElemKeyword}>.Return({wv}.__chunk_{a.Name}[__c]);");
                w.Close();
            }
            w.Close();
            w.Close();
        }

        private static void WriteBlockClass(CSharpWriter w, BlockClass b)
        {
            var r = b.Blocks;
            var cores = r.Cores!;
            var rows = ExprPrinter.CSharp.Print(r.Rows);
            w.Line();
            w.Line($"/// <summary>Blocks of rows of {string.Join(" and ", r.Panels.Select(p => p.Name))}{(r.Descending ? ", last block first" : "")}: a contiguous range of blocks per worker (Schedule's row-block cores).</summary>");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Open($"private sealed class {b.Name} : global::DiffGen.Cpu.IChunkBody");
            foreach (var x in cores.Inputs) w.Line($"public {Keyword(x.Type)} {x.Name}{(x.Type.IsReference ? " = null!" : "")};");
            foreach (var x in cores.Entry) w.Line($"public {Keyword(x.Type)} __entry_{x.Name};");
            w.Line("public int __rows;");
            w.Line("public int __workers;");
            foreach (var a in cores.Accumulated) w.Line($"public {ChunkArrayType(a.Type)} __chunk_{a.Name} = null!;");
            w.Line();
            w.Open("public void Run(int __chunk)");
            foreach (var a in cores.Accumulated) w.Line($"var {a.Name} = __chunk == 0 ? this.{a.Name} : __chunk_{a.Name}[__chunk];");
            w.Line($"int {r.Name} = __rows;");
            w.Line($"var (__first, __end) = {Lp}.Range(__chunk, __workers, global::DiffGen.Kernels.RowBlocks.Blocks({rows}, {r.Name}));");
            // the worker's scalars declared at its top (Schedule's RowBlockCores.Declared)
            var savedHoisted = w.Hoisted.ToList();
            w.Hoisted.Clear();
            foreach (var x in cores.Declared)
            {
                var entry = cores.Entry.FirstOrDefault(e => e.Name == x.Name);
                var first = r.Descending ? "__workers - 1" : "0"; // the worker holding the first block in the block order
                var init = entry is null ? (x.Type.Elem == Scalar.Bool ? "false" : "0") : $"__chunk == {first} ? __entry_{x.Name} : {Literal(entry.Reset, x.Type)}";
                w.Line($"{Keyword(x.Type)} {x.Name} = {init};");
                w.Hoisted.Add(x.Name);
            }
            foreach (var t in cores.Tapes)
                w.Line($"var {CSharpExprPrinter.TapeOf(t.Elem)} = global::DiffGen.Reverse.RestoreStack<{t.Keyword}>.Rent();");
            foreach (var p in r.Panels)
                w.Line($"{p.Type.Keyword} {p.Name} = global::DiffGen.Reverse.BufferPool<{p.Type.ElemKeyword}>.Rent({r.Name}, {ExprPrinter.CSharp.Print(p.Sizes[1])});");
            w.Open("try");
            w.Open(r.Descending
                ? "for (long __b = __end - 1; __b >= __first; __b--)"
                : "for (long __b = __first; __b < __end; __b++)");
            w.Line($"int {r.Name}_lo = (int)(__b * {r.Name});");
            w.Line($"int {r.Name}_hi = global::System.Math.Min({rows}, {r.Name}_lo + {r.Name});");
            foreach (var p in r.Panels) w.Line($"global::System.Array.Clear({p.Name});");
            var pass = w.Loops;
            w.Loops = pass.Workers(r);
            w.Statements(r.Body);
            w.Loops = pass;
            w.Close();
            w.Close();
            w.Open("finally");
            foreach (var t in cores.Tapes) w.Line($"{CSharpExprPrinter.TapeOf(t.Elem)}.Return();");
            foreach (var p in r.Panels) w.Line($"global::DiffGen.Reverse.BufferPool<{p.Type.ElemKeyword}>.Return({p.Name});");
            w.Close();
            w.Close();
            w.Close();
            w.Hoisted.Clear();
            foreach (var h in savedHoisted) w.Hoisted.Add(h);
        }

        private void WriteClass(CSharpWriter w, CpuLoopPlan l)
        {
            var p = _program!;
            var st = l.Step;
            var loop = l.TiledForm?.Loop ?? st.Loop!;
            var fields = l.Worker.Fields;
            var reductions = Reductions(l);
            w.Line();
            w.Line($"/// <summary>Chunks of the loop over {loop.Var} ({(l.ForwardOf is not null ? "forward half of a pair: stores its restore values by iteration" : l.ReverseOf is not null ? "reverse half of a pair: reads the restore values by iteration" : "independent iterations")}).</summary>");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Open($"private sealed class {ClassName(l)} : global::DiffGen.Cpu.IChunkBody");
            foreach (var f in fields)
            {
                var name = f.Kind == CpuFieldKind.Entry ? "__entry_" + f.Name : f.Name;
                w.Line($"public {f.Type.Keyword} {name}{(f.Type.IsReference ? " = null!" : "")};");
            }
            w.Line("public long __count;");
            w.Line("public int __chunks;");
            w.Line("public double[] __red = null!;");
            if (l.ForwardOf is not null || l.ReverseOf is not null) w.Line("public double[] __it = null!; public int[] __itn = null!; public long __lo;");
            if (WritesBack(l)) w.Line("public double[] __last = null!;");
            foreach (var a in l.Worker.ChunkCopies)
                w.Line($"public {ChunkArrayType(p.Arrays[a].Type)} __chunk_{a} = null!;");

            w.Line();
            w.Open("public void Run(int __chunk)");
            w.Line($"var (__first, __end) = {Lp}.Range(__chunk, __chunks, __count);");
            foreach (var a in l.Worker.ChunkCopies)
                w.Line($"var {a} = __chunk == 0 ? this.{a} : __chunk_{a}[__chunk];");
            if (HasBody(l))
            {
                RunCallsBody(w, l);
                w.Close();
                RangeBody(w, l);
                w.Close();
                return;
            }
            if (l.TiledForm is { } tiled) w.RentPanels(tiled);
            // private scalars and ints of the body, declared once (the body assigns them)
            var savedHoisted = w.Hoisted.ToList();
            w.Hoisted.Clear();
            foreach (var x in l.Worker.Locals)
            {
                w.Line($"{x.Type.Keyword} {x.Name} = {(x.Type.Elem == Scalar.Bool ? "false" : "0")};");
                w.Hoisted.Add(x.Name);
            }
            Iterations(w, l, loop);
            if (WritesBack(l))
            {
                var privs = l.WrittenBack;
                w.Open("if (__iter == __count - 1)");
                for (int q = 0; q < privs.Count; q++) w.Line($"__last[{I(q)}] = {privs[q]};");
                w.Close();
            }
            w.Close();
            if (l.TiledForm is { } tiledEnd) w.FinishPanels(tiledEnd);
            for (int r = 0; r < reductions.Count; r++) w.Line($"__red[__chunk * {I(reductions.Count)} + {I(r)}] = {reductions[r]};");
            w.Close();
            w.Close();
            w.Hoisted.Clear();
            foreach (var h in savedHoisted) w.Hoisted.Add(h);
        }

        /// <summary>
        /// The loop over iterations [__first, __end), left open for what the caller adds at the end of an iteration: the loop's
        /// counter from the iteration, carried scalars' entry or reset values, a pair's tape row, the body.
        /// </summary>
        private void Iterations(CSharpWriter w, CpuLoopPlan l, For loop)
        {
            w.Open("for (long __iter = __first; __iter < __end; __iter++)");
            w.Line($"int {loop.Var} = (int)({ExprPrinter.CSharp.Print(loop.Start)} + __iter * {I(loop.Step)});");
            foreach (var kv in l.Step.CarriedReset.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                w.Line($"{kv.Key} = __iter == 0 ? __entry_{kv.Key} : {ExprPrinter.CSharp.Literal(kv.Value.Value, _program!.Scalars[kv.Key].Elem)};");
            if (IsPair(l)) TapeRowStart(w, l, loop);
            w.Statements(l.Worker.Body);
            if (l.ForwardOf is not null) TapeRowEnd(w, l);
        }

        /// <summary>A pair's iteration: its row of the indexed tape; the reverse half starts from the forward iteration's private values.</summary>
        private void TapeRowStart(CSharpWriter w, CpuLoopPlan l, For loop)
        {
            w.Line($"long __ix = {loop.Var} - __lo;");
            w.Line($"long __base = __ix * {I(Math.Max(1, l.Width))};");
            w.Line(l.ForwardOf is not null ? "int __sp = 0;" : "int __sp = __itn[__ix];");
            if (l.ReverseOf is not null)
                for (int q = 0; q < l.Finals.Count; q++)
                    w.Line($"{l.Finals[q]} = ({_program!.Scalars[l.Finals[q]].Keyword})__it[__base + {I(l.Pushes + q)}];");
        }

        /// <summary>The end of a forward half's iteration: its private values and its count of stores into its row.</summary>
        private static void TapeRowEnd(CSharpWriter w, CpuLoopPlan l)
        {
            for (int q = 0; q < l.Finals.Count; q++) w.Line($"__it[__base + {I(l.Pushes + q)}] = {l.Finals[q]};");
            w.Line("__itn[__ix] = __sp;");
        }

        /// <summary>A chunk: its range through the range method, its sums into its slots, the last chunk's privates into __last.</summary>
        private void RunCallsBody(CSharpWriter w, CpuLoopPlan l)
        {
            var byRef = ByRef(l);
            if (byRef.Count > 0) w.DeclareGrouped(byRef.Select(x => (_program!.Scalars[x].Keyword, x, _program!.Scalars[x].Elem == Scalar.Bool ? "false" : "0")));
            var args = new List<string> { "__first", "__end" };
            args.AddRange(BodyInputs(l).Select(f => f.Kind == CpuFieldKind.Entry ? "__entry_" + f.Name : f.Name));
            if (IsPair(l)) args.AddRange(new[] { "__it", "__itn", "__lo" });
            args.AddRange(byRef.Select(x => "ref " + x));
            w.Line($"Body({string.Join(", ", args)});");
            var reductions = Reductions(l);
            for (int r = 0; r < reductions.Count; r++) w.Line($"__red[__chunk * {I(reductions.Count)} + {I(r)}] = {reductions[r]};");
            if (WritesBack(l))
            {
                w.Open("if (__end == __count && __end > __first)");
                for (int q = 0; q < l.WrittenBack.Count; q++) w.Line($"__last[{I(q)}] = {l.WrittenBack[q]};");
                w.Close();
            }
        }

        /// <summary>
        /// Iterations [__first, __end) of the loop with the caller's inputs: a chunk's range from Run, all of them from the
        /// one-core branch when Schedule shares the body (<see cref="CpuLoopPlan.OwnSequentialCopy"/>). Sums and privates
        /// written back come in and go out by reference, held in locals while the loop runs.
        /// </summary>
        private void RangeBody(CSharpWriter w, CpuLoopPlan l)
        {
            var p = _program!;
            var st = l.Step;
            var loop = l.TiledForm?.Loop ?? st.Loop!;
            var byRef = new HashSet<string>(ByRef(l), StringComparer.Ordinal);
            var pars = new List<string> { "long __first", "long __end" };
            pars.AddRange(BodyInputs(l).Select(f => $"{f.Type.Keyword} {(f.Kind == CpuFieldKind.Entry ? "__entry_" + f.Name : f.Name)}"));
            if (IsPair(l)) pars.AddRange(new[] { "double[] __it", "int[] __itn", "long __lo" });
            pars.AddRange(ByRef(l).Select(x => $"ref {p.Scalars[x].Keyword} __ref_{x}"));
            w.Line();
            w.Open($"public static void Body({string.Join(", ", pars)})");
            if (l.TiledForm is { } tiled) w.RentPanels(tiled);
            // private scalars and ints of the body, declared once (the body assigns them); sums start from the caller's
            var savedHoisted = w.Hoisted.ToList();
            w.Hoisted.Clear();
            w.DeclareGrouped(l.Worker.Locals.Select(x => (x.Type.Keyword, x.Name, byRef.Contains(x.Name) ? "__ref_" + x.Name : x.Type.Elem == Scalar.Bool ? "false" : "0")));
            foreach (var x in l.Worker.Locals) w.Hoisted.Add(x.Name);
            Iterations(w, l, loop);
            w.Close();
            if (l.TiledForm is { } tiledEnd) w.FinishPanels(tiledEnd);
            foreach (var x in ByRef(l)) w.Line($"__ref_{x} = {x};");
            w.Close();
            w.Hoisted.Clear();
            foreach (var h in savedHoisted) w.Hoisted.Add(h);
        }
    }
}
