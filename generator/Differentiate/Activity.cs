using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>
    /// Which differentiated parameters can reach the result through a differentiable data path
    /// (comparisons and conditions do not carry derivatives). The ones that cannot get the DIFF0014 warning.
    /// </summary>
    internal static class Activity
    {
        public static IEnumerable<(string Param, string Reason)> AlwaysZero(MethodModel m)
        {
            var edges = new Dictionary<string, HashSet<string>>(); // target <- sources
            var mentioned = new HashSet<string>();
            var useful = new HashSet<string>();
            foreach (var p in m.Params) if (p.IsWritten) useful.Add(p.Name);
            Collect(m.Body, edges, mentioned, useful);

            var work = new Stack<string>(useful);
            while (work.Count > 0)
            {
                var t = work.Pop();
                if (!edges.TryGetValue(t, out var sources)) continue;
                foreach (var s in sources) if (useful.Add(s)) work.Push(s);
            }
            foreach (var p in m.Params)
            {
                if (!p.IsWrt || useful.Contains(p.Name)) continue;
                yield return (p.Name, mentioned.Contains(p.Name)
                    ? "it only influences comparisons or conditions, which carry no derivative"
                    : "it never reaches the result");
            }
        }

        private static void Collect(IEnumerable<Stmt> stmts, Dictionary<string, HashSet<string>> edges, HashSet<string> mentioned, HashSet<string> useful)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar { Init: { } init } d: Edge(d.Name, init, edges, mentioned); break;
                    case Assign a:
                        {
                            var target = a.Target is VarRef v ? v.Name : ((ElemRef)a.Target).Array;
                            Edge(target, a.Value, edges, mentioned);
                            break;
                        }
                    case For f: Collect(f.Body, edges, mentioned, useful); break;
                    case Contract c: Add(edges, c.Target, new HashSet<string> { c.A.Array, c.B.Array }); break;
                    case If i:
                        IrQueries.RealReads(i.Condition, mentioned);
                        Collect(i.Then, edges, mentioned, useful);
                        Collect(i.Else, edges, mentioned, useful);
                        break;
                    case CallStmt c:
                        {
                            var reads = new HashSet<string>();
                            foreach (var arg in c.Call.Args) IrQueries.RealReads(arg, reads);
                            mentioned.UnionWith(reads);
                            for (int k = 0; k < c.Call.Args.Count; k++)
                                if (c.Call.Method.Params[k].IsWritten && c.Call.Args[k] is ArrayRef ar)
                                    Add(edges, ar.Array, reads);
                            break;
                        }
                    case Return { Value: { } r }:
                        {
                            var reads = new HashSet<string>();
                            DerivativeReads(r, reads);
                            IrQueries.RealReads(r, mentioned);
                            useful.UnionWith(reads);
                            break;
                        }
                }
            }
        }

        private static void Edge(string target, Expr value, Dictionary<string, HashSet<string>> edges, HashSet<string> mentioned)
        {
            var reads = new HashSet<string>();
            DerivativeReads(value, reads);
            IrQueries.RealReads(value, mentioned);
            Add(edges, target, reads);
        }

        private static void Add(Dictionary<string, HashSet<string>> edges, string target, HashSet<string> sources)
        {
            if (!edges.TryGetValue(target, out var set)) edges[target] = set = new HashSet<string>();
            set.UnionWith(sources);
        }

        /// <summary>Real reads through which a derivative flows (not conditions, not comparisons).</summary>
        private static void DerivativeReads(Expr e, HashSet<string> into)
        {
            switch (e)
            {
                case Conditional c: DerivativeReads(c.WhenTrue, into); DerivativeReads(c.WhenFalse, into); return;
                case Binary { Type.IsReal: false }: return;
                case Unary { Op: UnaryOp.Not }: return;
                case VarRef { Type.IsReal: true } v: into.Add(v.Name); return;
                case ElemRef { Type.IsReal: true } el: into.Add(el.Array); return;
                case ArrayRef { ArrayType.IsReal: true } ar: into.Add(ar.Array); return;
            }
            foreach (var c in IrQueries.Children(e)) DerivativeReads(c, into);
        }
    }
}
