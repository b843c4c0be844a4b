using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// What a kernel's statements mention (its own loop's and the forward iteration it recomputes, its range, its indexed
    /// tape's extent): the scalars, arrays and dimensions it binds from its argument block, the counters it declares and
    /// the scalars it assigns. Decided per step by <see cref="DevicePlanner"/>; the CUDA writer prints the bindings.
    /// </summary>
    internal sealed class KernelUses
    {
        public readonly HashSet<string> Scalars = new(StringComparer.Ordinal);
        public readonly HashSet<string> Arrays = new(StringComparer.Ordinal);
        public readonly HashSet<string> Dims = new(StringComparer.Ordinal);
        public readonly HashSet<string> ForVars = new(StringComparer.Ordinal);
        /// <summary>Scalars assigned by a statement (a counter a reverse loop recomputes from its trip index is one, besides being a for-variable elsewhere).</summary>
        public readonly HashSet<string> Assigned = new(StringComparer.Ordinal);
        public readonly Dictionary<string, IrType> Types = new(StringComparer.Ordinal);

        /// <summary>The uses of a step's kernel: its statements, its loop's range and counter, its indexed tape's extent.</summary>
        public static KernelUses Of(DeviceStep st)
        {
            var use = new KernelUses();
            if (st.Recompute is { } rf) foreach (var s in rf.Body) use.Stmt(s);
            foreach (var s in st.Kind == StepKind.Serial ? st.Body : (IEnumerable<Stmt>)st.Loop!.Body) use.Stmt(s);
            if (st.Loop is { } loop) { use.Expr(loop.Start); use.Expr(loop.Bound); use.ForVars.Add(loop.Var); }
            if (st.Tape is { } tp) { use.Expr(tp.Width); use.Expr(tp.Lo); use.Expr(tp.Pushes); }
            return use;
        }

        /// <summary>
        /// A kernel's locals (<see cref="DeviceStep.LocalInts"/>, <see cref="DeviceStep.SlotsRead"/>): the int and bool
        /// scalars it mentions that the host does not pass, except counters of its own loops that nothing assigns (a
        /// parallel kernel's iteration index is declared by its loop); and, for a serial kernel, the real scalars it
        /// loads from their slots.
        /// </summary>
        public static void Locals(DeviceProgram p, DeviceStep st)
        {
            var use = st.Uses;
            st.LocalInts = use.Scalars
                .Where(n => !p.HostInts.Contains(n) && n != st.Loop?.Var && (!use.ForVars.Contains(n) || use.Assigned.Contains(n)) && (!p.Scalars.TryGetValue(n, out var t) || !t.IsReal))
                .OrderBy(x => x, StringComparer.Ordinal)
                .Select(n => (n, use.Types.TryGetValue(n, out var tt) ? tt : p.Scalars.TryGetValue(n, out var pt) ? pt : IrType.Int))
                .ToList();
            if (st.Kind == StepKind.Serial)
                st.SlotsRead = use.Scalars.Where(n => !p.HostInts.Contains(n) && p.Scalars.TryGetValue(n, out var t) && t.IsReal).OrderBy(x => x, StringComparer.Ordinal).ToList();
        }

        public void Stmt(Stmt s)
        {
            foreach (var x in DevicePlanner.Flatten(new[] { s }))
            {
                switch (x)
                {
                    case DeclScalar d: Scalars.Add(d.Name); Types[d.Name] = d.Type; break;
                    case Assign { Target: VarRef v }: Scalars.Add(v.Name); Assigned.Add(v.Name); Types[v.Name] = v.Type; break;
                    case Assign { Target: ElemRef el }: Arrays.Add(el.Array); Dims.Add(el.Array); break;
                    case For f: ForVars.Add(f.Var); break;
                    case VectorFor v: ForVars.Add(v.Loop.Var); break;
                }
                foreach (var e in DevicePlanner.ReadExprs(x)) Expr(e);
            }
        }

        public void Expr(Expr e)
        {
            foreach (var d in IrQueries.Descendants(e))
            {
                switch (d)
                {
                    case VarRef v: Scalars.Add(v.Name); Types[v.Name] = v.Type; break;
                    case ElemRef el: Arrays.Add(el.Array); Dims.Add(el.Array); break;
                    case LengthOf l: Dims.Add(l.Array); break;
                    case TileValue tv:
                        Expr(tv.Entry);
                        break;
                    case TableEntry t:
                        Arrays.Add(t.Source.A.Array); Dims.Add(t.Source.A.Array);
                        Arrays.Add(t.Source.B.Array); Dims.Add(t.Source.B.Array);
                        foreach (var k in IrQueries.Descendants(t.Source.K)) if (k is VarRef kv) { Scalars.Add(kv.Name); Types[kv.Name] = kv.Type; } else if (k is LengthOf kl) Dims.Add(kl.Array);
                        break;
                }
            }
        }
    }
}
