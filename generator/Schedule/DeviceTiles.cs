using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// A panel of a tiled loop on the GPU: the table rows <c>Row(i)</c> for the iterations i of one block, computed by one
    /// cuBLAS GEMM per block into <c>Name_v</c> (rows-per-block × columns); <c>Name_a</c>, when the loop accumulates the
    /// table's adjoint, is flushed into the factors' adjoints by two GEMMs after the block's kernel.
    /// </summary>
    internal sealed record DevicePanel(string Name, Contract Source, Expr FirstRow, bool Adjoint, ArrayRef? AAdj, ArrayRef? BAdj);

    /// <summary>What a tiled loop becomes on the GPU: the range it covers (the host walks it a block at a time) and its panels.</summary>
    internal sealed record DeviceTiledLoop(For Original, IReadOnlyList<DevicePanel> Panels);

    /// <summary>
    /// A row block on the GPU (Schedule's <see cref="RowBlocks"/>, the device form of row-block fusion): the host walks
    /// the rows <c>0 .. Rows</c> a block of <c>Name</c> rows at a time (<c>Name_lo</c>, <c>Name_hi</c>: host ints set per
    /// block), descending for the reverse sweep, and runs the steps planned from the block's statements for each block.
    /// The panels (<see cref="PanelArrays"/>) are device buffers of rows-per-block × <c>Cols</c> elements, cleared per block.
    /// </summary>
    internal sealed record DeviceRowBlock(string Name, Expr Rows, Expr Cols, Scalar Elem, bool Descending, EquatableArray<string> PanelArrays)
    {
        public string Lo => Name + "_lo";
        public string Hi => Name + "_hi";
    }

    /// <summary>Lowered marker: the statements up to the matching <see cref="RowBlocksEnd"/> run once per block of rows.</summary>
    internal sealed record RowBlocksBegin(DeviceRowBlock Block) : Stmt;

    /// <summary>Lowered marker: the end of a row block's statements.</summary>
    internal sealed record RowBlocksEnd(DeviceRowBlock Block) : Stmt;

    /// <summary>
    /// Lowers Schedule's tile-fused statements (the CPU's <see cref="TilePlan"/>) to the loop IR the GPU planner analyses:
    /// the fused branch of each <see cref="TileChoice"/>; each <see cref="TiledLoop"/> becomes a loop over one block of
    /// iterations <c>[__dblk_lo, __dblk_hi)</c> that reads device panels (one per table and first row, shared by the
    /// forward loop and the reverse loop that recomputes it); each <see cref="TableEntryAdjoint"/> becomes the two
    /// row updates it stands for (a loop over the contraction index), so the planner sees its writes. A
    /// <see cref="TableEntry"/> stays an expression (the kernel computes the dot product). The host side (DeviceEmitter)
    /// walks each tiled loop's range block by block: panel GEMMs, the kernel, the adjoint flushes.
    /// </summary>
    internal sealed class DeviceTiles
    {
        public const string BlockLo = "__dblk_lo";
        public const string BlockHi = "__dblk_hi";

        /// <summary>The lowered loops (by reference) and what each tiles.</summary>
        public readonly Dictionary<Stmt, DeviceTiledLoop> Loops = new(StmtReferenceComparer.Instance);
        /// <summary>Every device panel, by name.</summary>
        public readonly Dictionary<string, DevicePanel> Panels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _panelByKey = new(StringComparer.Ordinal);
        private int _entries;
        public string? Failure;
        /// <summary>Row blocks (device row-block fusion), by name.</summary>
        public readonly Dictionary<string, DeviceRowBlock> RowBlocks = new(StringComparer.Ordinal);
        private readonly HashSet<string> _panelDecls = new(StringComparer.Ordinal);

        public List<Stmt> Lower(IEnumerable<Stmt> stmts)
        {
            var list = new List<Stmt>();
            foreach (var s in stmts)
            {
                if (s is TileChoice c) list.AddRange(Lower(c.Fused));
                else if (s is RowBlocks r) list.AddRange(LowerRowBlocks(r));
                else list.Add(LowerStmt(s));
            }
            return list;
        }

        private Stmt LowerStmt(Stmt s)
        {
            switch (s)
            {
                case TiledLoop t: return Tiled(t);
                case TableEntryAdjoint e: return EntryAdjoint(e);
                case For f: return f with { Body = Lower(f.Body).ToEquatable() };
                case If i: return i with { Then = Lower(i.Then).ToEquatable(), Else = Lower(i.Else).ToEquatable() };
                case Block b: return b with { Body = Lower(b.Body).ToEquatable() };
                case VectorFor v: return v with { Loop = v.Loop with { Body = Lower(v.Loop.Body).ToEquatable() } };
                case TileEnsure: throw new InvalidOperationException("a TileEnsure outside its tiled loop");
                default: return s;
            }
        }

        /// <summary>
        /// A row block: its panels declared rows-per-block × columns (once per program: the forward and the reverse sweep
        /// share them), then its statements between the two markers; the loops over the block's rows stay loops over
        /// <c>[Name_lo, Name_hi)</c> (host ints), <see cref="ContractRows"/> and <see cref="ContractRowsAdjoint"/> stay (cuBLAS
        /// on row ranges).
        /// </summary>
        private IEnumerable<Stmt> LowerRowBlocks(RowBlocks r)
        {
            if (r.Body.Any(x => x is RowBlocks)) Failure ??= "row blocks inside row blocks";
            var block = new DeviceRowBlock(r.Name, r.Rows, r.Cols, r.Elem, r.Descending, r.Panels.Select(x => x.Name).ToEquatable());
            if (RowBlocks.TryGetValue(r.Name, out var had) && (!Equals(had.Rows, r.Rows) || !Equals(had.Cols, r.Cols))) Failure ??= "two row blocks of one name differ";
            RowBlocks[r.Name] = had is null ? block : had with { PanelArrays = had.PanelArrays.Concat(block.PanelArrays).Distinct().ToEquatable() };
            var list = new List<Stmt>();
            foreach (var d in r.Panels)
            {
                if (d.Sizes.Count != 2) { Failure ??= $"the row-block panel {d.Name} is not a T[,]"; continue; }
                if (_panelDecls.Add(d.Name)) list.Add(new DeclArray(d.Name, d.Type, new Expr[] { new VarRef(r.Name, IrType.Int), d.Sizes[1] }.ToEquatable()));
            }
            list.Add(new RowBlocksBegin(block));
            list.AddRange(Lower(r.Body));
            list.Add(new RowBlocksEnd(block));
            return list;
        }

        private Stmt Tiled(TiledLoop t)
        {
            var loop = t.Loop;
            if (t.Panels.Any(p => p.Source.TransA)) Failure ??= "a tiled table's left factor is transposed (device panels are rows of it)";
            // Panel names of the CPU form → device panel names (one per table and first row: the forward loop and the
            // reverse loop that recomputes it share it).
            var rename = new Dictionary<string, string>(StringComparer.Ordinal);
            var panels = new List<DevicePanel>();
            foreach (var ensure in loop.Body.OfType<TileEnsure>())
            {
                var p = t.Panels.Single(x => x.Name == ensure.Panel);
                var first = Substitute(ensure.Row, loop.Var, new VarRef(BlockLo, IrType.Int));
                var key = p.Source.Target + "|" + ExprPrinter.CSharp.Print(first);
                if (!_panelByKey.TryGetValue(key, out var name))
                {
                    name = "__dpanel" + (_panelByKey.Count + 1).ToString(CultureInfo.InvariantCulture);
                    _panelByKey[key] = name;
                }
                bool adjoint = p.AAdj is not null && DevicePlanner.Flatten(loop.Body).Any(x => x is Assign { Target: ElemRef el } && el.Array == p.Name + "_a");
                var dp = new DevicePanel(name, p.Source, first, adjoint, p.AAdj, p.BAdj);
                Panels[name] = Panels.TryGetValue(name, out var had) && had.Adjoint ? had : dp;
                panels.Add(dp);
                rename[p.Name + "_v"] = name + "_v";
                rename[p.Name + "_a"] = name + "_a";
                rename[p.Name + "_lo"] = name + "_lo";
            }
            var body = Lower(loop.Body.Where(x => x is not TileEnsure)).Select(x => Rename(x, rename)).ToEquatable();
            var block = new For(loop.Var, new VarRef(BlockLo, IrType.Int), BinaryOp.Lt, new VarRef(BlockHi, IrType.Int), 1, body);
            Loops[block] = new DeviceTiledLoop(loop, panels);
            return block;
        }

        /// <summary><c>L̄(Row, :) += v · R(Col, :)</c>, <c>R̄(Col, :) += v · L(Row, :)</c> as a loop over the contraction index.</summary>
        private Stmt EntryAdjoint(TableEntryAdjoint e)
        {
            var c = e.Source;
            string n = (++_entries).ToString(CultureInfo.InvariantCulture);
            var value = new VarRef("__dte" + n + "_v", e.Value.Type);
            var d = new VarRef("__dte" + n + "_d", IrType.Int);
            ElemRef At(ArrayRef a, bool trans, Expr row) =>
                new(a.Array, a.ArrayType, (trans ? new[] { (Expr)d, row } : new[] { row, d }).ToEquatable());
            var type = e.Value.Type;
            var body = new Stmt[]
            {
                new Assign(At(e.AAdj, c.TransA, e.Row), AssignOp.Add, new Binary(BinaryOp.Mul, value, At(c.B, c.TransB, e.Col), type)),
                new Assign(At(e.BAdj, c.TransB, e.Col), AssignOp.Add, new Binary(BinaryOp.Mul, value, At(c.A, c.TransA, e.Row), type)),
            };
            return new Block(new Stmt[]
            {
                new DeclScalar(value.Name, type, e.Value),
                new For(d.Name, new Const(0, IrType.Int), BinaryOp.Lt, c.K, 1, body.ToEquatable()),
            }.ToEquatable());
        }

        private static Expr Substitute(Expr e, string var, Expr with) =>
            IrRewriter.Map(e, x => x is VarRef v && v.Name == var ? with : null);

        private static Stmt Rename(Stmt s, Dictionary<string, string> rename)
        {
            Expr? Map(Expr x) => x switch
            {
                ElemRef el when rename.TryGetValue(el.Array, out var to) => el with { Array = to, Indices = el.Indices.Select(i => IrRewriter.Map(i, Map)).ToEquatable() },
                VarRef v when rename.TryGetValue(v.Name, out var to) => v with { Name = to },
                _ => null,
            };
            var mapped = IrRewriter.Map(s, Map);
            // assignment targets keep their root in IrRewriter: rename the written panel arrays here
            return mapped switch
            {
                Assign { Target: ElemRef el } a when rename.TryGetValue(el.Array, out var to) => a with { Target = el with { Array = to } },
                For f => f with { Body = f.Body.Select(b => Rename(b, rename)).ToEquatable() },
                If i => i with { Then = i.Then.Select(b => Rename(b, rename)).ToEquatable(), Else = i.Else.Select(b => Rename(b, rename)).ToEquatable() },
                Block b => b with { Body = b.Body.Select(x => Rename(x, rename)).ToEquatable() },
                VectorFor v => v with { Loop = (For)Rename(v.Loop, rename) },
                _ => mapped,
            };
        }
    }
}
