using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Emit
{
    internal sealed partial class CSharpWriter
    {
        private int _vectorLoops;

        /// <summary>
        /// A SIMD loop (see Schedule.Vectorizer): Vector&lt;T&gt; lanes over the contiguous counter, invariants broadcast
        /// once, reductions in vector accumulators, counter masks as lane masks; then the scalar loop finishes the
        /// tail. When a bound does not fit the arrays the scalar loop runs alone and fails as the user's code would.
        /// </summary>
        /// <summary>
        /// The file's alias of <c>System.Numerics.Vector&lt;T&gt;</c> (<c>__VecD</c>, <c>__VecF</c>, <c>__VecL</c>, <c>__VecI</c>;
        /// <c>__Simd</c> is <c>System.Numerics.Vector</c>): SIMD code reads as arithmetic, not as namespaces.
        /// </summary>
        public static string VectorAlias(string elem) => elem switch
        {
            "double" => "__VecD",
            "float" => "__VecF",
            "long" => "__VecL",
            _ => "__VecI",
        };

        /// <summary>The using-alias lines for the aliases <paramref name="text"/> uses (placed before the namespace).</summary>
        public static string VectorAliases(string text)
        {
            var sb = new System.Text.StringBuilder();
            if (text.Contains("__Simd.")) sb.Append("using __Simd = global::System.Numerics.Vector;\n");
            foreach (var (alias, elem) in new[] { ("__VecD", "double"), ("__VecF", "float"), ("__VecL", "long"), ("__VecI", "int") })
                if (text.Contains(alias)) sb.Append($"using {alias} = global::System.Numerics.Vector<{elem}>;\n");
            return sb.ToString();
        }

        /// <param name="held">Elements added into that stay in a register for the whole vector step (Schedule.UnrollJam's shared
        /// targets, C# text): loaded at the first addition, stored after the step's last statement.</param>
        private void VectorLoop(VectorFor v, IReadOnlyCollection<string>? held = null)
        {
            string n = (++_vectorLoops).ToString(CultureInfo.InvariantCulture);
            // element offsets with products or quotients (a packed triangle's column start) computed once, before the loop
            var offsets = new List<(Expr Offset, string Name)>();
            var f = HoistOffsets(v.Loop, "__o" + n + "_", offsets, complexOnly: true);
            var T = v.Elem == Scalar.Float ? "float" : "double";
            var I = v.Elem == Scalar.Float ? "int" : "long";
            var V = VectorAlias(T);
            var VI = VectorAlias(I);
            string lo = "__lo" + n, hi = "__hi" + n, c0 = "__c" + n;
            var ctx = new VectorContext(f.Var, c0, V, VI, T, I, n);
            if (held is not null) ctx.HeldTargets.UnionWith(held);

            // Normalised iteration range [lo, hi): order does not matter, iterations are independent.
            var (loExpr, hiExpr) = Range(f);

            // no scope block around the loop: its names are numbered per file, so they never meet another loop's
            Line($"// SIMD: {f.Var} in {V} = Vector<{T}> lanes (independent iterations; sums reassociated)");
            Line($"int {lo} = {loExpr}, {hi} = {hiExpr}, {c0} = {lo};");
            foreach (var (e, name) in offsets) Line($"int {name} = {Expr(e)};");

            // Vector body first (into a scratch writer) so broadcasts, accumulators and guards are known.
            var body = new CSharpWriter();
            body.Indent = Indent + 2;
            foreach (var h in Hoisted) body.Hoisted.Add(h);
            body.Loops = Loops;
            ctx.Writer = body;
            var inductions = v.Inductions;
            foreach (var ind in inductions)
            {
                var g = ctx.Fresh("g");
                ctx.Temps[ind.Name] = g;
                ctx.Inductions[ind.Name] = (g, ctx.Fresh("gs"));
            }
            foreach (var s in f.Body) VectorStatement(s, null, ctx);
            foreach (var (at, reg) in ctx.Held) body.Line($"__Simd.StoreUnsafe({reg}, ref {at});");

            var guards = new List<string> { $"{lo} >= 0", $"{hi} - {lo} >= {V}.Count" };
            guards.AddRange(ctx.Guards.Select(g => g.Replace("@hi", hi).Replace("@lo", lo)).Distinct());
            Open($"if ({string.Join(" && ", guards)})");
            foreach (var b in ctx.Broadcasts) Line($"var {b.Name} = new {V}({b.Scalar});");
            foreach (var r in ctx.RowRefs) Line($"ref {T} {r.Value} = ref {r.Key.Replace("@lo", lo)};");
            foreach (var r in ctx.Accumulators) Line($"var {r.Value} = {V}.Zero;");
            foreach (var r in ctx.MaxAccumulators) Line($"var {r.Value} = new {V}({r.Key});");
            if (ctx.UsesIndex) Line($"var {ctx.IotaName} = {VI}.Indices;");
            foreach (var ind in inductions)
            {
                // lane l starts at p * c^l (multiplied in order, as the scalar loop does); each step multiplies by c^Count
                var (g, gs) = ctx.Inductions[ind.Name];
                var factor = Expr(ind.Factor);
                Line($"var {g} = new {V}({ind.Name});");
                Line($"{T} {gs}_s = 1;");
                Open($"for (int __l = 0; __l < {V}.Count; __l++)");
                Line($"{g} = __Simd.ConditionalSelect(__Simd.GreaterThan({V}.Indices, new {V}(__l)), {g} * ({factor}), {g});");
                Line($"{gs}_s = {gs}_s * ({factor});");
                Close();
                Line($"var {gs} = new {V}({gs}_s);");
            }
            Open($"for (; {c0} <= {hi} - {V}.Count; {c0} += {V}.Count)");
            if (ctx.UsesIndex) Line($"var {ctx.IndexName} = new {VI}({c0}) + {ctx.IotaName};");
            Append(body);
            Close();
            foreach (var r in ctx.Accumulators)
                Line($"{r.Key.Name} {(r.Key.Negate ? "-=" : "+=")} __Simd.Sum({r.Value});");
            foreach (var r in ctx.MaxAccumulators)
                Line($"for (int __l = 0; __l < {V}.Count; __l++) {r.Key} = global::System.{(T == "float" ? "MathF" : "Math")}.Max({r.Key}, {r.Value}[__l]);");
            // the scalar tail continues from the next iteration's value
            foreach (var ind in inductions) Line($"{ind.Name} = {ctx.Inductions[ind.Name].Vector}[0];");
            Close();

            // Scalar tail (and the whole loop when the vector path's guards fail).
            var decl = Hoisted.Contains(f.Var) ? f.Var : "int " + f.Var;
            Open($"for ({decl} = {c0}; {f.Var} < {hi}; {f.Var}++)");
            Statements(f.Body);
            Close();
        }

        /// <summary>A loop's iterations as the half-open range [lo, hi) (either direction: the order does not matter to its callers).</summary>
        private (string Lo, string Hi) Range(For f) => f.Step == 1
            ? (Expr(f.Start), f.Cmp == BinaryOp.Le ? $"{Print(f.Bound, 6)} + 1" : Expr(f.Bound))
            : (f.Cmp == BinaryOp.Gt ? $"{Print(f.Bound, 6)} + 1" : Expr(f.Bound), $"{Print(f.Start, 6)} + 1");

        /// <summary>
        /// A loop that pushes (or pops) one restore-stack value per iteration (see Schedule.TapeBlocks): its block of the
        /// stack is taken once, iterations address their slots, and the loop runs on SIMD lanes when it qualifies.
        /// </summary>
        private void TapeBlockLoop(For f, Schedule.TapeBlocks.Plan plan)
        {
            var (loExpr, hiExpr) = Range(f);
            var tape = TapeOf(plan.Elem);
            Line($"// restore stack: the loop over {f.Var} {(plan.Pop ? "pops" : "pushes")} one value per iteration, slots {plan.Base} + ({f.Var} - {plan.Lo}) of one block");
            Line("{");
            Indent++;
            Line($"int {plan.Lo} = {loExpr};");
            Line($"int {plan.Hi} = {hiExpr};");
            Line($"int {plan.Base} = {tape}.{(plan.Pop ? "PopBlock" : "PushBlock")}({plan.Hi} - {plan.Lo});");
            Line($"var {plan.Buffer} = {tape}.Items;");
            if (plan.Simd is { } simd) VectorLoop(simd);
            else Statement(plan.Loop);
            if (plan.Restored is { } v) Line($"if ({plan.Hi} > {plan.Lo}) {v} = {plan.Buffer}[{plan.Base}];");
            Indent--;
            Line("}");
        }

        /// <summary>
        /// A scalar loop updating one element of a local array at an index it does not change (see
        /// Schedule.ElementPromotion): the element lives in a local while the loop runs (read before, written after,
        /// both only when the loop runs at least once).
        /// </summary>
        private void PromotedLoop(For f, Schedule.ElementPromotion.Plan plan)
        {
            var runs = plan.Runs;
            var el = Expr(plan.Element);
            Line($"// {el} is updated in a local while the loop over {f.Var} runs");
            Line("{");
            Indent++;
            Line($"bool {runs} = {Expr(new Binary(f.Cmp, f.Start, f.Bound, IrType.Bool))};");
            Line($"{plan.Element.Type.Keyword} {plan.Local} = {runs} ? {el} : default;");
            Statement(plan.Loop);
            Line($"if ({runs}) {el} = {plan.Local};");
            Indent--;
            Line("}");
        }

        private sealed class VectorContext
        {
            public VectorContext(string counter, string c0, string v, string vi, string t, string i, string n)
            {
                Counter = counter; C0 = c0; V = v; VI = vi; T = t; I = i; N = n;
                IotaName = "__iota" + n;
                IndexName = "__idx" + n;
            }
            public string Counter, C0, V, VI, T, I, N, IotaName, IndexName;
            public CSharpWriter Writer = null!;
            public bool UsesIndex;
            public readonly List<(Expr Key, string Name, string Scalar)> Broadcasts = new();
            public readonly Dictionary<(string Name, bool Negate), string> Accumulators = new();
            public readonly Dictionary<string, string> MaxAccumulators = new(StringComparer.Ordinal);
            public readonly List<string> Guards = new();
            /// <summary>ref locals at the first element of each row the loop touches: element at lo (with @lo) → name.</summary>
            public readonly Dictionary<string, string> RowRefs = new(StringComparer.Ordinal);
            public readonly Dictionary<string, string> Temps = new(StringComparer.Ordinal);
            /// <summary>Targets held in a register per vector step (see <see cref="VectorLoop"/>) and, once loaded, their element ref and register.</summary>
            public readonly HashSet<string> HeldTargets = new(StringComparer.Ordinal);
            public readonly List<(string At, string Register)> Held = new();
            /// <summary>Running products (VectorFor.Inductions): scalar -> its lanes and the step vector.</summary>
            public readonly Dictionary<string, (string Vector, string Step)> Inductions = new(StringComparer.Ordinal);
            public int Count;
            public string Fresh(string p) => $"__{p}{N}_{++Count}";
        }

        private void VectorStatement(Stmt s, string? mask, VectorContext ctx)
        {
            var w = ctx.Writer;
            switch (s)
            {
                case Comment: break;
                case Block b: foreach (var x in b.Body) VectorStatement(x, mask, ctx); break;
                case If i:
                    {
                        var m = VectorMask(i.Condition, ctx);
                        var name = ctx.Fresh("m");
                        w.Line($"var {name} = {(mask is null ? m : $"{mask} & ({m})")};");
                        foreach (var x in i.Then) VectorStatement(x, name, ctx);
                        if (i.Else.Count > 0)
                        {
                            var notName = ctx.Fresh("m");
                            w.Line($"var {notName} = {(mask is null ? $"~{name}" : $"{mask} & ~{name}")};");
                            foreach (var x in i.Else) VectorStatement(x, notName, ctx);
                        }
                        break;
                    }
                case DeclScalar d:
                    {
                        var name = ctx.Fresh("v");
                        w.Line($"var {name} = {VectorExpr(d.Init!, ctx)};");
                        ctx.Temps[d.Name] = name;
                        break;
                    }
                case Assign { Op: AssignOp.Set, Target: VarRef v, Value: Intrinsic { Fn: Fn.Max } f }:
                    {
                        if (!ctx.MaxAccumulators.TryGetValue(v.Name, out var acc)) ctx.MaxAccumulators[v.Name] = acc = ctx.Fresh("max");
                        var value = VectorExpr(f.Args[1], ctx);
                        if (mask is not null)
                            value = $"__Simd.ConditionalSelect({mask}, {value}, new {ctx.V}({ctx.T}.NegativeInfinity))";
                        w.Line($"{acc} = __Simd.Max({acc}, {value});");
                        break;
                    }
                case Assign { Op: AssignOp.Set, Target: VarRef v } when ctx.Inductions.TryGetValue(v.Name, out var ind):
                    w.Line($"{ind.Vector} = {ind.Vector} * {ind.Step};");
                    break;
                case Assign { Target: VarRef v } a:
                    {
                        var key = (v.Name, a.Op == AssignOp.Sub);
                        if (!ctx.Accumulators.TryGetValue(key, out var acc)) ctx.Accumulators[key] = acc = ctx.Fresh("acc");
                        w.Line($"{acc} += {Masked(VectorExpr(a.Value, ctx), mask, ctx)};");
                        break;
                    }
                case Assign { Target: ElemRef el } a when !DependsOnLoop(el, ctx):
                    {
                        // reduction into one element, added once after the loop
                        var target = Expr(el);
                        var key = (target, a.Op == AssignOp.Sub);
                        if (!ctx.Accumulators.TryGetValue(key, out var acc)) ctx.Accumulators[key] = acc = ctx.Fresh("acc");
                        w.Line($"{acc} += {Masked(VectorExpr(a.Value, ctx), mask, ctx)};");
                        break;
                    }
                case Assign { Target: ElemRef el, Op: not AssignOp.Set } a when ctx.HeldTargets.Contains(ExprPrinter.CSharp.Print(el)):
                    {
                        // a shared target of jammed iterations: one load, the additions in order in a register, one store
                        var at = ElementRef(el, ctx);
                        var value = Masked(VectorExpr(a.Value, ctx), mask, ctx);
                        var op = a.Op == AssignOp.Add ? "+" : "-";
                        int k = ctx.Held.FindIndex(h => h.At == at);
                        if (k < 0)
                        {
                            var reg = ctx.Fresh("h");
                            ctx.Held.Add((at, reg));
                            w.Line($"var {reg} = __Simd.LoadUnsafe(ref {at}) {op} {value};");
                        }
                        else w.Line($"{ctx.Held[k].Register} = {ctx.Held[k].Register} {op} {value};");
                        break;
                    }
                case Assign { Target: ElemRef el } a:
                    {
                        var at = ElementRef(el, ctx);
                        var value = VectorExpr(a.Value, ctx);
                        var load = $"__Simd.LoadUnsafe(ref {at})";
                        string result = a.Op switch
                        {
                            AssignOp.Add => $"{load} + {Masked(value, mask, ctx)}",
                            AssignOp.Sub => $"{load} - {Masked(value, mask, ctx)}",
                            _ => mask is null ? value : $"__Simd.ConditionalSelect({mask}, {value}, {load})",
                        };
                        w.Line($"__Simd.StoreUnsafe({result}, ref {at});");
                        break;
                    }
                default:
                    throw new InvalidOperationException("not vectorizable: " + s.GetType().Name);
            }
        }

        private static string Masked(string value, string? mask, VectorContext ctx) =>
            mask is null ? value : $"__Simd.ConditionalSelect({mask}, {value}, {ctx.V}.Zero)";

        /// <summary>ref X[.., c0]: the first lane's element; registers the guard that the last lane stays inside the row.</summary>
        private static string ElementRef(ElemRef el, VectorContext ctx)
        {
            var idx = el.Indices;
            var last = idx[idx.Count - 1];
            // The last index is the counter plus or minus invariants: at the first lane it is last(c0); the
            // lanes stay inside the row when last(lo) >= 0 and last(hi - 1) < row length.
            string At(Expr counterValue) => Expr(IrRewriter.Map(last, x => x is VarRef v && v.Name == ctx.Counter ? counterValue : null));
            var first = At(new VarRef(ctx.C0, IrType.Int));
            var lowest = At(new VarRef("@lo", IrType.Int));
            var highest = At(new Binary(BinaryOp.Sub, new VarRef("@hi", IrType.Int), new Const(1, IrType.Int), IrType.Int));
            string length = el.ArrayType.Shape switch
            {
                Shape.Matrix => $"{el.Array}.GetLength(1)",
                Shape.Jagged => $"{el.Array}[{Expr(idx[0])}].Length",
                _ => $"{el.Array}.Length",
            };
            ctx.Guards.Add(last is VarRef ? $"@hi <= {length}" : $"{lowest} >= 0 && {highest} < {length}");
            // The row's element at lo, taken once before the loop (one bounds check; the guards keep every lane inside
            // the row), and each vector at its offset from it: no per-iteration index checks or 2-D address arithmetic.
            var atLo = el.ArrayType.Shape switch
            {
                Shape.Matrix => $"{el.Array}[{Expr(idx[0])}, {lowest}]",
                Shape.Jagged => $"{el.Array}[{Expr(idx[0])}][{lowest}]",
                _ => $"{el.Array}[{lowest}]",
            };
            if (!ctx.RowRefs.TryGetValue(atLo, out var row)) ctx.RowRefs[atLo] = row = ctx.Fresh("p");
            return $"{row}, (nuint)({ctx.C0} - __lo{ctx.N})";
        }

        private static bool DependsOnLoop(Expr e, VectorContext ctx) =>
            IrQueries.Descendants(e).Any(d => d is VarRef v && (v.Name == ctx.Counter || ctx.Temps.ContainsKey(v.Name)));

        private string VectorExpr(Expr e, VectorContext ctx)
        {
            if (!DependsOnLoop(e, ctx))
            {
                // Invariant: one broadcast before the loop.
                var found = ctx.Broadcasts.FirstOrDefault(b => b.Key.Equals(e));
                if (found.Name is not null) return found.Name;
                var name = ctx.Fresh("b");
                ctx.Broadcasts.Add((e, name, Expr(e)));
                return name;
            }
            switch (e)
            {
                case VarRef v when ctx.Temps.TryGetValue(v.Name, out var t): return t;
                case ElemRef el: return $"__Simd.LoadUnsafe(ref {ElementRef(el, ctx)})";
                case Unary u: return $"-({VectorExpr(u.Operand, ctx)})";
                case Binary b:
                    return $"({VectorExpr(b.Left, ctx)} {Op(b.Op)} {VectorExpr(b.Right, ctx)})";
                case Intrinsic f:
                    {
                        var args = string.Join(", ", f.Args.Select(a => VectorExpr(a, ctx)));
                        return f.Fn switch
                        {
                            Fn.Sqrt => $"__Simd.SquareRoot({args})",
                            Fn.Tanh => $"global::DiffGen.Cpu.VectorMath.Tanh({args})", // System.Numerics.Vector has no Tanh
                            _ => $"__Simd.{f.Fn}({args})",
                        };
                    }
                case Conditional c:
                    return $"__Simd.ConditionalSelect({VectorCondition(c.Condition, ctx)}, {VectorExpr(c.WhenTrue, ctx)}, {VectorExpr(c.WhenFalse, ctx)})";
                case IR.Convert cv: return VectorExpr(cv.Operand, ctx);
                default: throw new InvalidOperationException("not vectorizable: " + e);
            }
        }

        /// <summary>A value comparison as a lane mask of the element type.</summary>
        private string VectorCondition(Expr e, VectorContext ctx)
        {
            if (e is Binary b && b.Left.Type.IsReal)
            {
                var l = VectorExpr(b.Left, ctx);
                var r = VectorExpr(b.Right, ctx);
                return b.Op switch
                {
                    BinaryOp.Lt => $"__Simd.LessThan<{ctx.T}>({l}, {r})",
                    BinaryOp.Le => $"__Simd.LessThanOrEqual<{ctx.T}>({l}, {r})",
                    BinaryOp.Gt => $"__Simd.GreaterThan<{ctx.T}>({l}, {r})",
                    BinaryOp.Ge => $"__Simd.GreaterThanOrEqual<{ctx.T}>({l}, {r})",
                    BinaryOp.Eq => $"__Simd.Equals<{ctx.T}>({l}, {r})",
                    _ => $"~__Simd.Equals<{ctx.T}>({l}, {r})",
                };
            }
            return VectorMask(e, ctx);
        }

        /// <summary>A counter mask (m != k, m &lt; n, ...) as lanes of the element type.</summary>
        private string VectorMask(Expr e, VectorContext ctx)
        {
            switch (e)
            {
                case Unary { Op: UnaryOp.Not } u: return $"~({VectorMask(u.Operand, ctx)})";
                case Binary { Op: BinaryOp.And } b: return $"({VectorMask(b.Left, ctx)} & {VectorMask(b.Right, ctx)})";
                case Binary { Op: BinaryOp.Or } b: return $"({VectorMask(b.Left, ctx)} | {VectorMask(b.Right, ctx)})";
                case Binary b when DependsOnLoop(e, ctx):
                    {
                        ctx.UsesIndex = true;
                        string Side(Expr x) => x is VarRef v && v.Name == ctx.Counter ? ctx.IndexName : $"new {ctx.VI}(({ctx.I})({Expr(x)}))";
                        var l = Side(b.Left);
                        var r = Side(b.Right);
                        var cmp = b.Op switch
                        {
                            BinaryOp.Lt => $"__Simd.LessThan<{ctx.I}>({l}, {r})",
                            BinaryOp.Le => $"__Simd.LessThanOrEqual<{ctx.I}>({l}, {r})",
                            BinaryOp.Gt => $"__Simd.GreaterThan<{ctx.I}>({l}, {r})",
                            BinaryOp.Ge => $"__Simd.GreaterThanOrEqual<{ctx.I}>({l}, {r})",
                            BinaryOp.Eq => $"__Simd.Equals<{ctx.I}>({l}, {r})",
                            _ => $"~__Simd.Equals<{ctx.I}>({l}, {r})",
                        };
                        return $"__Simd.As<{ctx.I}, {ctx.T}>({cmp})";
                    }
                default:
                    // Invariant condition: all lanes or none.
                    return $"(({Expr(e)}) ? {ctx.V}.AllBitsSet : {ctx.V}.Zero)";
            }
        }

        /// <summary>
        /// The loop with each element <c>X[.., e(i)]</c> whose last index is the counter plus or minus terms free of it read as
        /// <c>X[.., o + i]</c>, <c>o = e(0)</c> computed once before the loop (<paramref name="offsets"/>: what to declare): the
        /// same element (int arithmetic), without recomputing e per access, in the guards, the row refs and the scalar tail.
        /// Only pure int offsets, whose divisions are by non-zero constants (computed even when the loop does not run);
        /// <paramref name="complexOnly"/>: only offsets with a product, quotient or remainder (gmm's packed column start).
        /// </summary>
        internal static For HoistOffsets(For loop, string prefix, List<(Expr Offset, string Name)> offsets, bool complexOnly)
        {
            var counter = new VarRef(loop.Var, IrType.Int);
            bool UnitStep(Expr e) => e switch
            {
                VarRef v => v.Name == loop.Var,
                Binary { Op: BinaryOp.Add } b => UnitStep(b.Left) && !IrQueries.Mentions(b.Right, loop.Var) || !IrQueries.Mentions(b.Left, loop.Var) && UnitStep(b.Right),
                Binary { Op: BinaryOp.Sub } b => UnitStep(b.Left) && !IrQueries.Mentions(b.Right, loop.Var),
                _ => false,
            };
            bool Pure(Expr e) => IrQueries.Descendants(e).All(x => x is VarRef { Type.Elem: Scalar.Int } or Const
                || x is Binary { Op: BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul } || x is Binary { Op: BinaryOp.Div or BinaryOp.Mod, Right: Const { Value: not 0 } });
            Expr? Hoist(ElemRef el)
            {
                var last = el.Indices[el.Indices.Count - 1];
                if (last is VarRef || !UnitStep(last) || !Pure(last)) return null;
                if (complexOnly && !IrQueries.Descendants(last).Any(x => x is Binary { Op: BinaryOp.Mul or BinaryOp.Div or BinaryOp.Mod })) return null;
                var at0 = IrRewriter.Map(last, x => x is VarRef v && v.Name == loop.Var ? new Const(0, IrType.Int) : null);
                int k = offsets.FindIndex(o => o.Offset.Equals(at0));
                if (k < 0) { offsets.Add((at0, prefix + offsets.Count.ToString(CultureInfo.InvariantCulture))); k = offsets.Count - 1; }
                var indices = el.Indices.Take(el.Indices.Count - 1).Append(new Binary(BinaryOp.Add, new VarRef(offsets[k].Name, IrType.Int), counter, IrType.Int));
                return el with { Indices = indices.ToEquatable() };
            }
            return loop with { Body = loop.Body.Select(s => MapElements(s, Hoist)).ToEquatable() };
        }

        /// <summary>Every element the statement reads or assigns, through <paramref name="map"/> (null: unchanged).</summary>
        private static Stmt MapElements(Stmt s, System.Func<ElemRef, Expr?> map)
        {
            switch (s)
            {
                case Block b: return b with { Body = b.Body.Select(x => MapElements(x, map)).ToEquatable() };
                case If i:
                    return i with
                    {
                        Condition = IrRewriter.Map(i.Condition, e => e is ElemRef el ? map(el) : null),
                        Then = i.Then.Select(x => MapElements(x, map)).ToEquatable(),
                        Else = i.Else.Select(x => MapElements(x, map)).ToEquatable(),
                    };
            }
            var mapped = IrRewriter.Map(s, e => e is ElemRef el ? map(el) : null);
            return mapped is Assign { Target: ElemRef t } a && map(t) is ElemRef nt ? a with { Target = nt } : mapped;
        }
    }
}
