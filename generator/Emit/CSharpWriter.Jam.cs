using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    internal sealed partial class CSharpWriter
    {
        /// <summary>
        /// Schedule's unroll-and-jam (<see cref="UnrollJam"/>): groups of iterations of the outer loop, each member's inner
        /// iterations outside the range the members share run as scalar loops, then one SIMD pass over the shared range runs
        /// every member's statements in member order; the iterations left over run one at a time as written.
        /// </summary>
        private void JammedLoop(For f, UnrollJam.Plan plan)
        {
            int factor = UnrollJam.Factor;
            var g = plan.Inner.Loop;
            string sign = f.Step == 1 ? "+" : "-";
            string Num(int v) => v.ToString(CultureInfo.InvariantCulture);
            string lo = "__ujlo" + plan.Id + "_", hi = "__ujhi" + plan.Id + "_", shLo = "__ujL" + plan.Id, shHi = "__ujH" + plan.Id;
            string Fold(string fn, IEnumerable<string> xs) => xs.Aggregate((a, b) => $"global::System.Math.{fn}({a}, {b})");
            var members = Enumerable.Range(0, factor).ToList();

            Line($"// unroll-and-jam: {Num(factor)} iterations of the loop over {f.Var} share one SIMD pass over {g.Var} (Schedule.UnrollJam)");
            Line("{");
            Indent++;
            if (!Hoisted.Contains(f.Var)) Line($"int {f.Var};");
            var last = new Binary(f.Step == 1 ? BinaryOp.Add : BinaryOp.Sub, new VarRef(f.Var, IrType.Int), new Const(factor - 1, IrType.Int), IrType.Int);
            Open($"for ({f.Var} = {Expr(f.Start)}; {Expr(new Binary(f.Cmp, last, f.Bound, IrType.Bool))}; {f.Var} {sign}= {Num(factor)})");
            foreach (var u in members) Line($"int {plan.Member(u)} = {(u == 0 ? f.Var : $"{f.Var} {sign} {Num(u)}")};");
            var inners = members.Select(plan.InnerOf).ToList();
            foreach (var u in members)
            {
                var (l, h) = Range(inners[u]);
                Line($"int {lo}{Num(u)} = {l}, {hi}{Num(u)} = {h};");
            }
            Line($"int {shLo} = {Fold("Max", members.Select(u => lo + Num(u)))};");
            Line($"int {shHi} = global::System.Math.Max({shLo}, {Fold("Min", members.Select(u => hi + Num(u)))});");
            Line($"if ({shHi} - {shLo} < 2 * {VectorAlias(plan.Inner.Elem == Scalar.Float ? "float" : "double")}.Count) break; // too short to share: the rest one at a time");
            // each member's element offsets computed once: X[.., e(i)] with e affine in the counter is X[.., e(0) + i]
            for (int u = 0; u < factor; u++)
            {
                var offsets = new List<(Expr Offset, string Name)>();
                inners[u] = HoistOffsets(inners[u], $"__ujo{plan.Id}_{Num(u)}_", offsets, complexOnly: false);
                foreach (var (e, name) in offsets) Line($"int {name} = {Expr(e)};");
            }
            // each member's iterations outside the shared range, in member order (none on a side where every member's bound is the same)
            var ranges = inners.Select(Range).ToList();
            bool before = ranges.Select(r => r.Lo).Distinct().Count() > 1, after = ranges.Select(r => r.Hi).Distinct().Count() > 1;
            var decl = Hoisted.Contains(g.Var) ? g.Var : "int " + g.Var;
            foreach (var u in members)
            {
                if (before)
                {
                    Line($"int __uje{plan.Id}_{Num(u)} = global::System.Math.Min({shLo}, {hi}{Num(u)});");
                    Open($"for ({decl} = {lo}{Num(u)}; {g.Var} < __uje{plan.Id}_{Num(u)}; {g.Var}++)");
                    Statements(inners[u].Body);
                    Close();
                }
                if (after)
                {
                    Open($"for ({decl} = global::System.Math.Max({shHi}, {lo}{Num(u)}); {g.Var} < {hi}{Num(u)}; {g.Var}++)");
                    Statements(inners[u].Body);
                    Close();
                }
            }
            // the shared range: every member's statements per step, in member order
            var body = inners.Select(x => (Stmt)new Block(x.Body)).ToEquatable();
            var shared = g with { Start = new VarRef(shLo, IrType.Int), Cmp = BinaryOp.Lt, Bound = new VarRef(shHi, IrType.Int), Step = 1, Body = body };
            VectorLoop(new VectorFor(shared, plan.Inner.Elem), plan.Shared.ToList());
            Close();
            // the iterations left over
            Open($"for (; {f.Var} {Op(f.Cmp)} {Print(f.Bound, ExprPrinter.PrecAdditive)}; {f.Var}{(f.Step == 1 ? "++" : "--")})");
            Statements(f.Body);
            Close();
            Indent--;
            Line("}");
        }
    }
}
