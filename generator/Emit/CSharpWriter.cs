using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Text;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// The C# emitter's writer: IR statements as C# lines (through <see cref="CodeWriter"/>), expressions through the
    /// C# dialect of <see cref="ExprPrinter"/>, global::-qualified names.
    /// </summary>
    internal sealed partial class CSharpWriter : CodeWriter
    {
        /// <summary>Names declared at the top of the method: their declarations in the body print as assignments.</summary>
        public HashSet<string> Hoisted { get; } = new(StringComparer.Ordinal);

        /// <summary>Schedule's CPU forms of the loops printed here (restore-stack blocks, elements held in locals): the pass's, or those of a place in it.</summary>
        public Schedule.LoopScope Loops { get; set; } = Schedule.LoopForms.None.Forward;

        /// <summary>Schedule's dead stores (<see cref="Schedule.CpuFrame.AdjointDeadStores"/>): scalars whose declarations and assignments are not printed.</summary>
        public IReadOnlyCollection<string> DeadStores { get; set; } = Array.Empty<string>();

        /// <summary>Local arrays come from the per-thread BufferPool (the method returns them in its finally block).</summary>
        public bool PooledArrays { get; set; }

        /// <summary>Tables a raised GEMM writes entirely before anything reads them: rented without clearing (Schedule's <see cref="Schedule.ExecutionPlan.OverwrittenTables"/>).</summary>
        public IReadOnlyCollection<string> OverwrittenTables { get; set; } = Array.Empty<string>();

        private static string Expr(Expr e) => ExprPrinter.CSharp.Print(e);

        private static string Print(Expr e, int minPrec) => ExprPrinter.CSharp.Print(e, minPrec);

        private static string TapeOf(Scalar s) => CSharpExprPrinter.TapeOf(s);

        private static string Op(BinaryOp op) => ExprPrinter.Op(op);

        // ------------------------------------------------------------ statements

        public void Statements(IEnumerable<Stmt> stmts)
        {
            var list = stmts as IReadOnlyList<Stmt> ?? stmts.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                if (i + 1 < list.Count && SinCos(list[i], list[i + 1])) { i++; continue; }
                Statement(list[i]);
                if (list[i] is Throw) break; // what follows is unreachable (C# would warn CS0162)
            }
        }

        /// <summary>
        /// Two adjacent statements that set one scalar to Sin(e) and another to Cos(e) print as one Math.SinCos(e) (one
        /// argument reduction instead of two: 12 ns instead of 18 per pair here), when e does not read the first one's
        /// target. A printing idiom of two statements, like <c>i++</c> for a step of one.
        /// </summary>
        private bool SinCos(Stmt first, Stmt second)
        {
            static (string Name, bool Declares, Intrinsic F)? Part(Stmt s) => s switch
            {
                DeclScalar { Init: Intrinsic { Fn: Fn.Sin or Fn.Cos } f } d when d.Type.IsReal => (d.Name, true, f),
                Assign { Op: AssignOp.Set, Target: VarRef v, Value: Intrinsic { Fn: Fn.Sin or Fn.Cos } f } when v.Type.IsReal => (v.Name, false, f),
                _ => null,
            };
            if (Part(first) is not { } a || Part(second) is not { } b) return false;
            if (a.F.Fn == b.F.Fn || a.Name == b.Name || a.F.Type != b.F.Type || !Equals(a.F.Args[0], b.F.Args[0])) return false;
            if (IrQueries.Mentions(a.F.Args[0], a.Name)) return false;
            var (sin, cos) = a.F.Fn == Fn.Sin ? (a, b) : (b, a);
            string Target((string Name, bool Declares, Intrinsic F) x) =>
                x.Declares && !Hoisted.Contains(x.Name) ? x.F.Type.Keyword + " " + x.Name : x.Name;
            var cls = a.F.Type.Elem == Scalar.Float ? "global::System.MathF" : "global::System.Math";
            Line($"({Target(sin)}, {Target(cos)}) = {cls}.SinCos({Expr(a.F.Args[0])});");
            return true;
        }

        public void Statement(Stmt s)
        {
            switch (s)
            {
                case DeclScalar d when DeadStores.Contains(d.Name):
                case Assign { Target: VarRef v, Op: AssignOp.Set } when DeadStores.Contains(v.Name):
                    break;
                case DeclScalar d:
                    if (Hoisted.Contains(d.Name)) { if (d.Init is not null) Line($"{d.Name} = {Expr(d.Init)};"); }
                    // 'double delta;' of the user's code gets a value: loops lowered to counted for-loops (a do/while, a while (true)
                    // left by break) hide from C#'s definite-assignment analysis that the body assigns it before any read
                    else Line(d.Init is null ? $"{d.Type.Keyword} {d.Name} = default;" : $"{d.Type.Keyword} {d.Name} = {Expr(d.Init)};");
                    break;
                case DeclArray a:
                    {
                        var sizes = new List<string>();
                        foreach (var x in a.Sizes) sizes.Add(Expr(x));
                        var alloc = PooledArrays
                            ? $"global::DiffGen.Reverse.BufferPool<{a.Type.ElemKeyword}>.{(OverwrittenTables.Contains(a.Name) && a.Type.Shape == Shape.Matrix ? "RentUninitialized" : "Rent")}({string.Join(", ", sizes)})"
                            : $"new {a.Type.ElemKeyword}[{string.Join(", ", sizes)}]";
                        Line(Hoisted.Contains(a.Name) ? $"{a.Name} = {alloc};" : $"{a.Type.Keyword} {a.Name} = {alloc};");
                        break;
                    }
                case Assign a:
                    Line($"{Expr(a.Target)} {(a.Op == AssignOp.Set ? "=" : a.Op == AssignOp.Add ? "+=" : "-=")} {Expr(a.Value)};");
                    break;
                case For f:
                    {
                        var decl = Hoisted.Contains(f.Var) ? f.Var : "int " + f.Var;
                        var step = f.Step switch
                        {
                            1 => f.Var + "++",
                            -1 => f.Var + "--",
                            > 0 => $"{f.Var} += {f.Step.ToString(CultureInfo.InvariantCulture)}",
                            _ => $"{f.Var} -= {(-f.Step).ToString(CultureInfo.InvariantCulture)}",
                        };
                        if (f.While is not null)
                        {
                            // an exit condition (while, break, return in a loop): checked with the bound before each iteration
                            var cond = new Binary(BinaryOp.And, new Binary(f.Cmp, new VarRef(f.Var, IrType.Int), f.Bound, IrType.Bool), f.While, IrType.Bool);
                            Open($"for ({decl} = {Expr(f.Start)}; {Expr(cond)}; {step})");
                            Statements(f.Body);
                            Close();
                            break;
                        }
                        if (f.WideSums.Count == 0 && Loops.Of(f) is { } form)
                        {
                            if (form.Block is { } block) TapeBlockLoop(f, block);
                            else if (form.Promoted is { } promoted) PromotedLoop(f, promoted);
                            else JammedLoop(f, form.Jammed!);
                            break;
                        }
                        if (f.WideSums.Count == 0)
                        {
                            Open($"for ({decl} = {Expr(f.Start)}; {f.Var} {Op(f.Cmp)} {Print(f.Bound, ExprPrinter.PrecAdditive)}; {step})");
                            Statements(f.Body);
                            Close();
                            break;
                        }
                        // Schedule's WideSums: float sums over the whole nest accumulate in double, added once after it.
                        Line("{");
                        Indent++;
                        foreach (var sum in f.WideSums) Line($"double {Schedule.WideSums.AccumulatorOf(sum)} = 0;");
                        Open($"for ({decl} = {Expr(f.Start)}; {f.Var} {Op(f.Cmp)} {Print(f.Bound, ExprPrinter.PrecAdditive)}; {step})");
                        Statements(Loops.WideBody(f));
                        Close();
                        foreach (var sum in f.WideSums) Line($"{sum} += (float){Schedule.WideSums.AccumulatorOf(sum)};");
                        Close();
                        break;
                    }
                case If f when IrQueries.ConstantCondition(f.Condition) is { } taken:
                    // a condition of literals only: the branch taken alone (C# would flag the other as unreachable)
                    if ((taken ? f.Then : f.Else).Count > 0)
                    {
                        OpenBlock();
                        Statements(taken ? f.Then : f.Else);
                        Close();
                    }
                    break;
                case If f:
                    if (f.Then.Count == 0 && f.Else.Count > 0)
                    {
                        Open($"if (!({Expr(f.Condition)}))");
                        Statements(f.Else);
                        Close();
                    }
                    else
                    {
                        Open($"if ({Expr(f.Condition)})");
                        Statements(f.Then);
                        Close();
                        if (f.Else.Count > 0)
                        {
                            Open("else");
                            Statements(f.Else);
                            Close();
                        }
                    }
                    break;
                case Return r:
                    Line(r.Value is null ? "return;" : $"return {Expr(r.Value)};");
                    break;
                case Throw t:
                    Line($"throw {t.Print(Expr)};");
                    break;
                case CallStmt c:
                    Line(Expr(c.Call) + ";");
                    break;
                case Push p:
                    Line($"{TapeOf(p.Value.Type.Elem)}.Push({Expr(p.Value)});");
                    break;
                case PushAll p:
                    Line($"{TapeOf(p.Array.ArrayType.Elem)}.PushAll({Expr(p.Array)});");
                    break;
                case PopAll p:
                    Line($"{TapeOf(p.Array.ArrayType.Elem)}.PopAll({Expr(p.Array)});");
                    break;
                case AdjointCall a:
                    {
                        var args = new List<string>();
                        foreach (var x in a.Args) args.Add(Expr(x));
                        foreach (var x in a.Adjoints) args.Add(x is VarRef ? "ref " + Expr(x) : Expr(x));
                        if (a.Method.Return.Elem != Scalar.Void) args.Add(a.Seed is null ? "0" : Expr(a.Seed));
                        Line($"{a.Method.ContainingType}.{AdjointName(a.Method.Name)}({string.Join(", ", args)});");
                        break;
                    }
                case Contract { Triangle: not Triangle.None } c:
                    Line($"global::DiffGen.Kernels.Contraction.Triangular({c.A.Array}, {c.B.Array}, {Bool(c.TransB)}, {Bool(c.Triangle == Triangle.Lower)}, {Expr(c.K)}, {c.Target});");
                    break;
                case ContractAdjoint { ARowSum: { } sum } c:
                    // the left factor's adjoint only summed over rows (Differentiate.RowSummedAdjoints): a vector times R
                    Line(c.Triangle != Triangle.None
                        ? $"global::DiffGen.Kernels.Contraction.TriangularAdjointRowSum({c.A.Array}, {c.B.Array}, {Bool(c.TransB)}, {Bool(c.Triangle == Triangle.Lower)}, {Expr(c.K)}, {c.TargetAdj}, {Expr(c.ARowLo!)}, {Expr(c.ARowHi!)}, {sum.Array}, {FactorAdjoint(c, false)});"
                        : $"global::DiffGen.Kernels.Contraction.ProductAdjointRowSum({c.A.Array}, {c.B.Array}, {Bool(c.TransB)}, {Expr(c.K)}, {c.TargetAdj}, {Expr(c.ARowLo!)}, {Expr(c.ARowHi!)}, {sum.Array}, {FactorAdjoint(c, false)});");
                    break;
                case ContractAdjoint { Triangle: not Triangle.None } c:
                    Line($"global::DiffGen.Kernels.Contraction.TriangularAdjoint({c.A.Array}, {c.B.Array}, {Bool(c.TransB)}, {Bool(c.Triangle == Triangle.Lower)}, {Expr(c.K)}, {c.TargetAdj}, {FactorAdjoint(c, true)}, {FactorAdjoint(c, false)});");
                    break;
                case Contract c when !c.TransA && !c.TransB:
                    Line($"global::DiffGen.Kernels.Contraction.RowsByRows({c.A.Array}, {c.B.Array}, {Expr(c.K)}, {c.Target});");
                    break;
                case Contract c:
                    Line($"global::DiffGen.Kernels.Contraction.Product({c.A.Array}, {Bool(c.TransA)}, {c.B.Array}, {Bool(c.TransB)}, {Expr(c.K)}, {c.Target});");
                    break;
                case ContractAdjoint c when !c.TransA && !c.TransB:
                    Line($"global::DiffGen.Kernels.Contraction.RowsByRowsAdjoint({c.A.Array}, {c.B.Array}, {Expr(c.K)}, {c.TargetAdj}, {FactorAdjoint(c, true)}, {FactorAdjoint(c, false)});");
                    break;
                case ContractAdjoint c:
                    Line($"global::DiffGen.Kernels.Contraction.ProductAdjoint({c.A.Array}, {Bool(c.TransA)}, {c.B.Array}, {Bool(c.TransB)}, {Expr(c.K)}, {c.TargetAdj}, {FactorAdjoint(c, true)}, {FactorAdjoint(c, false)});");
                    break;
                case VectorFor v:
                    VectorLoop(v);
                    break;
                case TableEntryAdjoint t:
                    Line($"{Panel(t.Source)}.EntryAdjoint({Factors(t.Source)}, {Expr(t.Row)}, {Expr(t.Col)}, {Expr(t.Value)}, {t.AAdj.Array}, {t.BAdj.Array});");
                    break;
                case TileEnsure e:
                    Line($"int {e.Panel}_lo = {e.Panel}.Ensure({Expr(e.Row)});");
                    break;
                case TiledLoop t:
                    {
                        // Schedule's tile fusion: the table's rows come a block at a time (TilePanel), never the whole table.
                        Line("{");
                        Indent++;
                        RentPanels(t);
                        Statement(t.Loop);
                        FinishPanels(t);
                        Close();
                        break;
                    }
                case TileChoice c:
                    Choice(c, Statements, Statements);
                    break;
                case RowBlocks r:
                    RowBlocks(r);
                    break;
                case ContractRows c:
                    Line($"global::DiffGen.Kernels.RowBlocks.Product({c.Source.A.Array}, {c.Hi} - {c.Lo}, {c.Source.B.Array}, {Bool(c.Source.TransB)}, {Expr(c.Source.K)}, {c.Source.Target}, {c.Lo});");
                    break;
                case ContractRowsAdjoint c:
                    Line($"global::DiffGen.Kernels.RowBlocks.ProductAdjoint({c.Source.A.Array}, {c.Hi} - {c.Lo}, {c.Source.B.Array}, {Bool(c.Source.TransB)}, {Expr(c.Source.K)}, {c.Source.TargetAdj}, {c.Lo}, {c.Source.AAdj.Array}, {c.Source.BAdj.Array});");
                    break;
                case Comment c:
                    Line("// " + c.Text);
                    break;
                case Block b:
                    // a scope for the adjoint's temporaries: CodeWriter drops its braces where the enclosing block is
                    // enough (a loop body holding only this block) or it holds one plain statement
                    OpenBlock();
                    Statements(b.Body);
                    Close();
                    break;
                case Continue:
                    Line("continue;");
                    break;
                default:
                    throw new InvalidOperationException("unknown statement " + s.GetType().Name);
            }
        }

        /// <summary>
        /// Locals declared up front, one declaration per type in order of first appearance (<c>int n = 0, i = 0, i_2 = 0;</c>),
        /// a new line after about 120 characters: a method with thirty hoisted locals starts with a few lines, not thirty.
        /// </summary>
        public void DeclareGrouped(IEnumerable<(string Type, string Name, string Init)> locals)
        {
            foreach (var group in locals.GroupBy(l => l.Type))
                Wrapped(group.Select(l => l.Name + " = " + l.Init), ", ", group.Key + " ", ";");
        }

        public static string AdjointName(string method) => "__" + method + "Adjoint";

        /// <summary>A factor's adjoint buffer for the runtime's contraction adjoints, or <c>null</c> (its product skipped) when
        /// Differentiate found the factor inactive; the jagged forms always get their buffer.</summary>
        private static string FactorAdjoint(ContractAdjoint c, bool left)
        {
            var (factor, adj, skip) = left ? (c.A, c.AAdj, c.SkipA) : (c.B, c.BAdj, c.SkipB);
            return skip && factor.ArrayType.Shape != Shape.Jagged ? "null" : adj.Array;
        }

        /// <summary>
        /// Schedule's tile fusion, decided per call by the table's size (DiffGen.Cpu.Tiling): the fused statements run on
        /// the printers given (the multi-core emitter passes its own).
        /// </summary>
        public void Choice(TileChoice c, Action<IEnumerable<Stmt>> fused, Action<IEnumerable<Stmt>> materialised)
        {
            if (c.Rows is not null)
                Line($"bool {c.Flag} = global::DiffGen.Cpu.Tiling.Fuse({Expr(c.Rows)}, {Expr(c.Cols!)}, sizeof({new IrType(c.Elem, Shape.Scalar).Keyword}));");
            var outer = Loops;
            Open($"if ({c.Flag})");
            Loops = outer.Branch(c, fused: true);
            fused(c.Fused);
            Close();
            Open("else");
            Loops = outer.Branch(c, fused: false);
            materialised(c.Materialised);
            Loops = outer;
            Close();
        }

        /// <summary>
        /// Schedule's row-block fusion: the panels hold one block of rows (rented once, reused by the next RowBlocks of the
        /// method), the body runs per block with the block's bounds in <c>Name_lo</c> and <c>Name_hi</c>.
        /// </summary>
        private void RowBlocks(RowBlocks r)
        {
            Line("{");
            Indent++;
            RowsPerBlock(r);
            SequentialRowBlocks(r);
            Close();
        }

        /// <summary>The block size line of a row block (<c>int Name = rows per block</c>).</summary>
        public void RowsPerBlock(RowBlocks r) =>
            Line($"int {r.Name} = global::DiffGen.Kernels.RowBlocks.Rows({Expr(r.Rows)}, {Expr(r.Cols)}, sizeof({new IrType(r.Elem, Shape.Scalar).Keyword}));");

        /// <summary>The blocks in order on this thread, the panels in the method's own locals.</summary>
        public void SequentialRowBlocks(RowBlocks r)
        {
            var rows = Expr(r.Rows);
            foreach (var p in r.Panels)
                Line($"{p.Name} = global::DiffGen.Kernels.RowBlocks.Panel({p.Name}, {r.Name}, {Expr(p.Sizes[1])});");
            Open(r.Descending
                ? $"for (int {r.Name}_lo = ({rows} - 1) / {r.Name} * {r.Name}; {r.Name}_lo >= 0; {r.Name}_lo -= {r.Name})"
                : $"for (int {r.Name}_lo = 0; {r.Name}_lo < {rows}; {r.Name}_lo += {r.Name})");
            Line($"int {r.Name}_hi = global::System.Math.Min({rows}, {r.Name}_lo + {r.Name});");
            foreach (var p in r.Panels) Line($"global::System.Array.Clear({p.Name});");
            Statements(r.Body);
            Close();
        }

        /// <summary>A tiled loop's panels (rented before the loop; the adjoint buffers are whatever those names hold here).</summary>
        public void RentPanels(TiledLoop t)
        {
            foreach (var p in t.Panels)
            {
                var adj = p.AAdj is null ? "" : $", {p.AAdj.Array}, {p.BAdj!.Array}";
                Line($"var {p.Name} = {Panel(p.Source)}.Rent({Factors(p.Source)}, {Bool(t.Loop.Step < 0)}{adj});");
                Line($"var {p.Name}_v = {p.Name}.Values;");
                if (p.AAdj is not null) Line($"var {p.Name}_a = {p.Name}.Adjoint!;");
            }
        }

        /// <summary>After the loop: the last block's adjoint goes into the factors' adjoints, the buffers back to the pool.</summary>
        public void FinishPanels(TiledLoop t)
        {
            foreach (var p in t.Panels) Line($"{p.Name}.Finish();");
        }

        private static string Panel(Contract c) => CSharpExprPrinter.TilePanel(c);

        private static string Factors(Contract c) => CSharpExprPrinter.Factors(c);

        private static string Bool(bool b) => CSharpExprPrinter.Bool(b);
    }
}
