using System.Globalization;
using System.Linq;
using System.Text;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.Emit;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// Stable text form of the IR of each stage (parsed method, forward and reverse sweeps), for snapshot
    /// tests and for reading what the compiler did. Expressions use C# syntax; statements a compact IR syntax.
    /// </summary>
    internal static class IrPrinter
    {
        public static string Print(MethodModel m)
        {
            var sb = new StringBuilder();
            sb.Append("method ").Append(m.ContainingTypeFullName).Append('.').Append(m.Name).Append('(')
              .Append(string.Join(", ", m.Params.Select(p => $"{p.Name}: {p.Type}{(p.IsWrt ? " wrt" : "")}{(p.IsWritten ? " out" : "")}{(p.IsConstant ? " const" : "")}")))
              .Append(") -> ").Append(m.Return).Append('\n');
            Block(sb, m.Body, 1);
            return sb.ToString();
        }

        public static string Print(AdjointModel a)
        {
            var sb = new StringBuilder();
            sb.Append("adjoint ").Append(a.Method.Name).Append('\n');
            sb.Append("  locals ").Append(string.Join(", ", a.Locals.Select(l => $"{l.Name}: {l.Type}"))).Append('\n');
            sb.Append("  adjoints ").Append(string.Join(", ", a.Adjoints.Select(x => $"{x.Primal} -> {x.Adjoint}"))).Append('\n');
            sb.Append("  restore points ").Append(a.RestoredValues.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("forward sweep\n");
            Block(sb, a.ForwardSweep, 1);
            sb.Append("reverse sweep\n");
            Block(sb, a.ReverseSweep, 1);
            if (a.Tiles is { } t)
            {
                sb.Append("tile fusion of ").Append(t.Table).Append(" (cpu)\n");
                sb.Append("  forward\n");
                Block(sb, t.Body, 2);
                sb.Append("  forward sweep\n");
                Block(sb, t.ForwardSweep, 2);
                sb.Append("  reverse sweep\n");
                Block(sb, t.ReverseSweep, 2);
            }
            return sb.ToString();
        }

        private static void Block(StringBuilder sb, System.Collections.Generic.IEnumerable<Stmt> stmts, int depth)
        {
            foreach (var s in stmts) Statement(sb, s, depth);
        }

        private static void Statement(StringBuilder sb, Stmt s, int depth)
        {
            var pad = new string(' ', depth * 2);
            string E(Expr e) => ExprPrinter.CSharp.Print(e);
            static string Tri(Triangle t) => t == Triangle.None ? "" : ", " + t.ToString().ToLowerInvariant() + " triangle";
            switch (s)
            {
                case DeclScalar d: sb.Append(pad).Append($"let {d.Name}: {d.Type}{(d.Init is null ? "" : " = " + E(d.Init))}{(d.Detached ? "  (detached: no derivative)" : "")}\n"); break;
                case DeclArray a: sb.Append(pad).Append($"let {a.Name}: {a.Type} = zeros({string.Join(", ", a.Sizes.Select(E))})\n"); break;
                case Assign a: sb.Append(pad).Append($"{E(a.Target)} {(a.Op == AssignOp.Set ? "=" : a.Op == AssignOp.Add ? "+=" : "-=")} {E(a.Value)}\n"); break;
                case For f:
                    sb.Append(pad).Append($"for {f.Var} from {E(f.Start)} while {f.Var} {f.Cmp.ToString().ToLowerInvariant()} {E(f.Bound)}{(f.While is null ? "" : " and " + E(f.While))} step {f.Step.ToString(CultureInfo.InvariantCulture)}{(f.WideSums.Count > 0 ? " sums-in-double " + string.Join(", ", f.WideSums) : "")}\n");
                    Block(sb, f.Body, depth + 1);
                    break;
                case If f:
                    sb.Append(pad).Append($"if {E(f.Condition)}\n");
                    Block(sb, f.Then, depth + 1);
                    if (f.Else.Count > 0)
                    {
                        sb.Append(pad).Append("else\n");
                        Block(sb, f.Else, depth + 1);
                    }
                    break;
                case Continue: sb.Append(pad).Append("continue\n"); break;
                case Break: sb.Append(pad).Append("break\n"); break;
                case Throw t: sb.Append(pad).Append("throw ").Append(t.Print(E)).Append('\n'); break;
                case Return r: sb.Append(pad).Append("return").Append(r.Value is null ? "" : " " + E(r.Value)).Append('\n'); break;
                case CallStmt c: sb.Append(pad).Append("call ").Append(E(c.Call)).Append('\n'); break;
                case Push p: sb.Append(pad).Append("push ").Append(E(p.Value)).Append('\n'); break;
                case PushAll p: sb.Append(pad).Append("push all ").Append(E(p.Array)).Append('\n'); break;
                case PopAll p: sb.Append(pad).Append("pop all ").Append(E(p.Array)).Append('\n'); break;
                case AdjointCall a:
                    sb.Append(pad).Append($"adjoint {a.Method.Name}({string.Join(", ", a.Args.Select(E))}; {string.Join(", ", a.Adjoints.Select(E))}{(a.Seed is null ? "" : "; seed " + E(a.Seed))})\n");
                    break;
                case Comment c: sb.Append(pad).Append("# ").Append(c.Text).Append('\n'); break;
                case VectorFor v:
                    sb.Append(pad).Append($"simd<{v.Elem.ToString().ToLowerInvariant()}>\n");
                    Statement(sb, v.Loop, depth + 1);
                    break;
                case Contract c: sb.Append(pad).Append($"{c.Target} = gemm({c.A.Array}{(c.TransA ? "^T" : "")}, {c.B.Array}{(c.TransB ? "" : "^T")}, k: {E(c.K)}{Tri(c.Triangle)})\n"); break;
                case ContractAdjoint c: sb.Append(pad).Append($"adjoint of gemm({c.A.Array}{(c.TransA ? "^T" : "")}, {c.B.Array}{(c.TransB ? "" : "^T")}): {(c.SkipA ? "" : c.ARowSum is { } rs ? rs.Array + " (rows " + E(c.ARowLo!) + " .. " + E(c.ARowHi!) + " of " + c.AAdj.Array + " summed)" : c.AAdj.Array)}{(c.SkipA || c.SkipB ? "" : ", ")}{(c.SkipB ? "" : c.BAdj.Array)} += from {c.TargetAdj}; {c.TargetAdj} = 0  (k: {E(c.K)}{Tri(c.Triangle)}{(c.SkipA ? "; " + c.A.Array + " not active" : "")}{(c.SkipB ? "; " + c.B.Array + " not active" : "")})\n"); break;
                case Block b:
                    sb.Append(pad).Append("block\n");
                    Block(sb, b.Body, depth + 1);
                    break;
                case TableEntryAdjoint t: sb.Append(pad).Append($"adjoint of {E(new TableEntry(t.Source, t.Row, t.Col))} += {E(t.Value)} into {t.AAdj.Array}, {t.BAdj.Array}\n"); break;
                case TileEnsure e: sb.Append(pad).Append($"{e.Panel}_lo = first row of {e.Panel} after making it hold row {E(e.Row)}\n"); break;
                case TiledLoop t:
                    foreach (var p in t.Panels)
                        sb.Append(pad).Append($"panel {p.Name}: rows {E(p.RowOffset)} of gemm({p.Source.A.Array}{(p.Source.TransA ? "^T" : "")}, {p.Source.B.Array}{(p.Source.TransB ? "" : "^T")}), a block at a time{(p.AAdj is null ? "" : $"; adjoint block flushed into {p.AAdj.Array}, {p.BAdj!.Array}")}\n");
                    Statement(sb, t.Loop, depth);
                    break;
                case RowBlocks r:
                    sb.Append(pad).Append($"blocks {r.Name}_lo .. {r.Name}_hi of rows 0 .. {E(r.Rows)}{(r.Descending ? ", last block first" : "")}; {string.Join(", ", r.Panels.Select(p => p.Name))} hold the block's rows\n");
                    Block(sb, r.Body, depth + 1);
                    break;
                case ContractRows c: sb.Append(pad).Append($"{c.Source.Target}[{c.Lo} .. {c.Hi}, :] = gemm({c.Source.A.Array} block, {c.Source.B.Array}{(c.Source.TransB ? "" : "^T")}, k: {E(c.Source.K)})\n"); break;
                case ContractRowsAdjoint c: sb.Append(pad).Append($"adjoint of {c.Source.TargetAdj}[{c.Lo} .. {c.Hi}, :] = gemm({c.Source.A.Array} block, {c.Source.B.Array}{(c.Source.TransB ? "" : "^T")}): {c.Source.AAdj.Array} block, {c.Source.BAdj.Array} += ...; those rows of {c.Source.TargetAdj} = 0\n"); break;
                case TileChoice c:
                    sb.Append(pad).Append(c.Rows is null ? $"if {c.Flag}\n" : $"if {c.Flag} = fuse({E(c.Rows)} x {E(c.Cols!)})\n");
                    Block(sb, c.Fused, depth + 1);
                    sb.Append(pad).Append("else (materialised, as above)\n");
                    break;
            }
        }
    }
}
