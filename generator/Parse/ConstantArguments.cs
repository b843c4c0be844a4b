using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Which real variables of a parsed body carry a derivative (depend on a float/double parameter that is not
    /// [Constant]): the same flow-insensitive fixpoint as the Differentiator's activity, run on Parse's IR so that an
    /// argument passed to another method's [Constant] parameter can be refused where it is written (DIFF0017).
    /// </summary>
    internal static class ConstantArguments
    {
        public static HashSet<string> Varied(IEnumerable<Stmt> body, IEnumerable<string> activeParams)
        {
            var varied = new HashSet<string>(activeParams, StringComparer.Ordinal);
            var stmts = body.ToList();
            bool changed = true;
            while (changed)
            {
                changed = false;
                Visit(stmts);
            }
            return varied;

            void Mark(string name) { if (varied.Add(name)) changed = true; }
            void Visit(IEnumerable<Stmt> list)
            {
                foreach (var s in list)
                {
                    switch (s)
                    {
                        case DeclScalar { Init: { } i } d when d.Type.IsReal && ReadsVaried(i, varied) is not null: Mark(d.Name); break;
                        case Assign { Target: VarRef v } a when v.Type.IsReal && ReadsVaried(a.Value, varied) is not null: Mark(v.Name); break;
                        case Assign { Target: ElemRef el } a when el.Type.IsReal && ReadsVaried(a.Value, varied) is not null: Mark(el.Array); break;
                        case CallStmt c when c.Call.Args.Any(x => ReadsVaried(x, varied) is not null):
                            for (int k = 0; k < c.Call.Args.Count; k++)
                                if (c.Call.Method.Params[k].IsWritten && c.Call.Args[k] is ArrayRef ar) Mark(ar.Array);
                            break;
                        case For f: Visit(f.Body); break;
                        case If f: Visit(f.Then); Visit(f.Else); break;
                        case Block b: Visit(b.Body); break;
                    }
                }
            }
        }

        /// <summary>The first variable carrying a derivative that the expression reads, or null.</summary>
        public static string? ReadsVaried(Expr e, HashSet<string> varied)
        {
            foreach (var d in IrQueries.Descendants(e))
            {
                switch (d)
                {
                    case VarRef v when varied.Contains(v.Name): return v.Name;
                    case ElemRef el when varied.Contains(el.Array): return el.Array;
                    case ArrayRef ar when varied.Contains(ar.Array): return ar.Array;
                }
            }
            return null;
        }
    }
}
