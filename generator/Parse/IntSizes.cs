using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Int sizes as sums of products, with like terms cancelled: <c>a[(p * dim)..((p + 1) * dim)]</c> has the length
    /// <c>(p + 1) * dim - p * dim</c>, which is <c>dim</c> whatever p is. A scratch array sized by it inside a loop then has
    /// one size for every iteration (DeclareLocalArray), as the user meant. Exact in int arithmetic (wrapping included).
    /// </summary>
    internal static class IntSizes
    {
        /// <summary><paramref name="e"/> with like terms cancelled, or <paramref name="e"/> itself when it is not a polynomial of ints or does not get simpler.</summary>
        public static Expr Simplify(Expr e)
        {
            var atoms = new Dictionary<string, Expr>(System.StringComparer.Ordinal);
            var poly = Expand(e, atoms);
            if (poly is null) return e;
            var terms = poly.Where(t => t.Value != 0).OrderBy(t => t.Key, System.StringComparer.Ordinal).ToList();
            // only when a variable cancels (p in (p + 1) * dim - p * dim): otherwise the size stays as written
            int Names(Expr x) => IrQueries.Descendants(x).OfType<VarRef>().Select(v => v.Name).Distinct().Count();
            int before = Names(e), after = terms.SelectMany(t => Atoms(t.Key)).SelectMany(a => IrQueries.Descendants(a).OfType<VarRef>()).Select(v => v.Name).Distinct().Count();
            if (after >= before) return e;
            Expr? sum = null;
            foreach (var t in terms)
            {
                Expr? product = null;
                foreach (var a in Atoms(t.Key)) product = product is null ? a : new Binary(BinaryOp.Mul, product, a, IrType.Int);
                Expr term = product is null ? new Const(t.Value, IrType.Int)
                    : t.Value == 1 ? product : new Binary(BinaryOp.Mul, new Const(t.Value, IrType.Int), product, IrType.Int);
                sum = sum is null ? term : new Binary(BinaryOp.Add, sum, term, IrType.Int);
            }
            return sum ?? new Const(0, IrType.Int);

            IEnumerable<Expr> Atoms(string key) => key.Length == 0 ? Enumerable.Empty<Expr>() : key.Split('*').Select(k => atoms[k]);
        }

        /// <summary>Monomial (its atoms' keys joined by '*', sorted; "" for the constant) → coefficient; null when not a polynomial of int atoms.</summary>
        private static Dictionary<string, long>? Expand(Expr e, Dictionary<string, Expr> atoms)
        {
            switch (e)
            {
                case Const { Type.Elem: Scalar.Int } c when c.Value == System.Math.Floor(c.Value):
                    return new Dictionary<string, long> { [""] = (long)c.Value };
                case VarRef { Type.Elem: Scalar.Int } or LengthOf:
                    {
                        var key = ExprPrinter.CSharp.Print(e).Replace("*", "·");
                        atoms[key] = e;
                        return new Dictionary<string, long> { [key] = 1 };
                    }
                case Binary { Op: BinaryOp.Add or BinaryOp.Sub, Type.Elem: Scalar.Int } b:
                    {
                        var l = Expand(b.Left, atoms); var r = Expand(b.Right, atoms);
                        if (l is null || r is null) return null;
                        foreach (var kv in r) l[kv.Key] = (l.TryGetValue(kv.Key, out var v) ? v : 0) + (b.Op == BinaryOp.Add ? kv.Value : -kv.Value);
                        return l;
                    }
                case Binary { Op: BinaryOp.Mul, Type.Elem: Scalar.Int } m:
                    {
                        var l = Expand(m.Left, atoms); var r = Expand(m.Right, atoms);
                        if (l is null || r is null || l.Count * r.Count > 16) return null;
                        var p = new Dictionary<string, long>(System.StringComparer.Ordinal);
                        foreach (var a in l)
                            foreach (var c in r)
                            {
                                var key = string.Join("*", (a.Key + "*" + c.Key).Split('*').Where(x => x.Length > 0).OrderBy(x => x, System.StringComparer.Ordinal));
                                p[key] = (p.TryGetValue(key, out var v) ? v : 0) + a.Value * c.Value;
                            }
                        return p;
                    }
                default:
                    return null;
            }
        }
    }
}
