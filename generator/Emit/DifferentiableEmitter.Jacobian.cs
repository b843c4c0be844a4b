using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// <c>{M}Jacobian</c> (<c>[Differentiable(Jacobian = true)]</c>): every row of the Jacobian of a void method's T[] outputs with
    /// respect to its differentiated T[] and scalar inputs. Row r belongs to element r of the outputs taken in parameter order.
    /// Differentiate decided how (<see cref="AdjointModel.Jacobian"/>): with shared sweeps, one forward sweep and one reverse
    /// sweep per row in a private method (<c>__{M}JacobianAdjoint</c>); otherwise one Backward per row with a unit upstream
    /// gradient. This file only prints that decision.
    /// </summary>
    internal static partial class DifferentiableEmitter
    {
        private static string JacobianName(ParamModel p, MethodModel m)
        {
            var taken = new HashSet<string>(m.Params.Select(x => x.Name));
            var name = p.Name + "Jacobian";
            while (taken.Contains(name)) name += "_";
            return name;
        }

        private static List<ParamModel> JacobianOutputs(MethodModel m) => m.Params.Where(p => p.IsWritten && p.Type.IsReal).ToList();

        private static List<ParamModel> JacobianInputs(MethodModel m) => m.Params.Where(p => p.IsWrt && !p.IsWritten).ToList();

        /// <summary>The public <c>{M}Jacobian</c>: checks, then the shared sweeps or one Backward per row.</summary>
        private static void WriteJacobian(CSharpWriter w, ExecutionPlan plan)
        {
            var m = plan.Model.Method;
            var outputs = JacobianOutputs(m);
            var inputs = JacobianInputs(m);
            string rows = Fresh(m, "__rows");
            w.Line("/// <summary>");
            w.Line($"/// Jacobian of <see cref=\"{Cref(m)}\"/>: runs it once (its outputs hold the forward results on return) and writes row r of");
            w.Line($"/// d(outputs)/d(input) for every element r of the outputs, taken in parameter order ({string.Join(", then ", outputs.Select(o => o.Name + "[0..]"))}).");
            w.Line("/// Every Jacobian buffer is overwritten; shapes are checked before anything is written.");
            w.Line("/// </summary>");
            foreach (var p in m.Params)
                w.Line($"/// <param name=\"{p.Name}\">{(p.IsWritten ? "Output array: holds the forward result on return." : "Input, as for the original method.")}</param>");
            foreach (var p in inputs)
                w.Line(p.Type.IsArray
                    ? $"/// <param name=\"{JacobianName(p, m)}\">Receives d(outputs)/d<paramref name=\"{p.Name}\"/>: one caller-allocated row per output element, each as long as <paramref name=\"{p.Name}\"/>.</param>"
                    : $"/// <param name=\"{JacobianName(p, m)}\">Receives d(outputs)/d<paramref name=\"{p.Name}\"/>: one entry per output element.</param>");
            w.Line($"/// <exception cref=\"global::System.ArgumentException\">A buffer is null, or its shape does not match the outputs and the input it belongs to.</exception>");
            w.Line(GeneratedCode);
            var sig = m.Params.Select(p => p.Type.Keyword + " " + p.Name)
                .Concat(inputs.Select(p => (p.Type.IsArray ? p.Type.ElemKeyword + "[][] " : p.Type.Keyword + "[] ") + JacobianName(p, m)));
            w.Open($"{m.Accessibility} static void {m.Name}Jacobian({string.Join(", ", sig)})");
            NullChecks(w, m);
            AliasChecks.Write(w, m.Params.Where(p => p.Type.IsArray).Select(p => (p.Name, p.Type, p.IsWritten)).ToList());
            w.Line($"int {rows} = checked({string.Join(" + ", outputs.Select(o => o.Name + ".Length"))});");
            var arrays = m.Params.Where(p => p.Type.IsArray).Select(p => p.Name).ToList();
            string span = "[" + string.Join(", ", arrays) + "]", names = "\"" + string.Join(", ", arrays) + "\"";
            foreach (var p in inputs)
            {
                if (p.Type.IsArray)
                    w.Line($"{Shapes}.JacobianRows({JacobianName(p, m)}, {rows}, {p.Name}.Length, nameof({JacobianName(p, m)}), nameof({p.Name}), {span}, {names});");
                else
                {
                    w.Line($"{Shapes}.JacobianColumn({JacobianName(p, m)}, {rows}, nameof({JacobianName(p, m)}));");
                    w.Line($"{Shapes}.NotAliased({JacobianName(p, m)}, nameof({JacobianName(p, m)}), {span}, {names});");
                }
            }
            Guards(w, m);
            if (plan.JacobianPlan is { } shared)
            {
                w.Line("// one forward sweep, then one reverse sweep per row (the reverse sweep restores nothing: Differentiate checked)");
                w.Line($"{JacobianAdjointName(m)}({string.Join(", ", m.Params.Select(p => p.Name).Concat(inputs.Select(p => JacobianName(p, m))))});");
                w.Close();
                return;
            }
            // one Backward per row, its upstream gradient the row's unit vector
            w.Line("// one Backward per row (its reverse sweep restores values from the forward sweep's store, so each row runs its own)");
            var grads = GradParams(m);
            string r = Fresh(m, "__r");
            foreach (var o in outputs)
                w.Line($"var __unit_{o.Name} = global::DiffGen.Reverse.BufferPool<{o.Type.ElemKeyword}>.Rent({o.Name}.Length);");
            foreach (var p in inputs.Where(p => !p.Type.IsArray))
                w.Line($"{p.Type.Keyword} __g_{p.Name};");
            w.Open("try");
            w.Open($"for (int {r} = 0; {r} < {rows}; {r}++)");
            string offset = "0";
            foreach (var o in outputs)
            {
                w.Line($"if ({r} >= {offset} && {r} < {offset} + {o.Name}.Length) __unit_{o.Name}[{r} - {offset}] = 1;");
                offset = offset == "0" ? o.Name + ".Length" : offset + " + " + o.Name + ".Length";
            }
            var args = m.Params.Select(p => p.Name).Concat(grads.Select(g =>
                g.IsUpstream ? "__unit_" + g.Param.Name
                : g.Param.Type.IsArray ? JacobianName(g.Param, m) + "[" + r + "]"
                : "out __g_" + g.Param.Name));
            w.Line($"{m.Name}Backward({string.Join(", ", args)});");
            foreach (var p in inputs.Where(p => !p.Type.IsArray))
                w.Line($"{JacobianName(p, m)}[{r}] = __g_{p.Name};");
            offset = "0";
            foreach (var o in outputs)
            {
                w.Line($"if ({r} >= {offset} && {r} < {offset} + {o.Name}.Length) __unit_{o.Name}[{r} - {offset}] = 0;");
                offset = offset == "0" ? o.Name + ".Length" : offset + " + " + o.Name + ".Length";
            }
            w.Close();
            w.Close();
            w.Open("finally");
            foreach (var o in outputs)
                w.Line($"global::DiffGen.Reverse.BufferPool<{o.Type.ElemKeyword}>.Return(__unit_{o.Name});");
            w.Close();
            w.Close();
        }

        private static string JacobianAdjointName(MethodModel m) => "__" + m.Name + "JacobianAdjoint";

        /// <summary>A name no parameter or Jacobian buffer of <paramref name="m"/> uses.</summary>
        private static string Fresh(MethodModel m, string name)
        {
            var taken = new HashSet<string>(m.Params.Select(p => p.Name).Concat(JacobianInputs(m).Select(p => JacobianName(p, m))));
            while (taken.Contains(name)) name += "_";
            return name;
        }

        /// <summary>
        /// The shared sweeps: the forward sweep once, then per row the adjoints zeroed, the row's unit seed, the rows of the
        /// Jacobian buffers as the inputs' adjoints, and the reverse sweep. Ints the reverse sweep writes (loop counters,
        /// recomputed sizes) are put back to their forward values before each row.
        /// </summary>
        private static void WriteJacobianAdjoint(CSharpWriter w, ExecutionPlan plan)
        {
            var a = plan.Model;
            var m = a.Method;
            var par = ParallelLoopEmitter.For(plan.Adjoint, m.Name, "J");
            var adjOf = a.Adjoints.ToDictionary(x => x.Primal, x => x.Adjoint);
            var outputs = JacobianOutputs(m);
            var inputs = JacobianInputs(m);
            var paramNames = new HashSet<string>(m.Params.Select(p => p.Name));
            string rows = "__jrows", r = "__jr";

            w.Line("/// <summary>The shared sweeps of <see cref=\"" + Cref(m) + "\"/>'s Jacobian. Called by generated code; use " + m.Name + "Jacobian instead.</summary>");
            w.Line(GeneratedCode);
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            var sig = m.Params.Select(p => p.Type.Keyword + " " + p.Name)
                .Concat(inputs.Select(p => (p.Type.IsArray ? p.Type.ElemKeyword + "[][] " : p.Type.Keyword + "[] ") + JacobianName(p, m)));
            w.Open($"private static void {JacobianAdjointName(m)}({string.Join(", ", sig)})");
            w.Hoisted.Clear();
            foreach (var l in plan.Frame.AdjointDeclared)
            {
                w.Hoisted.Add(l.Name);
                w.Line($"{l.Type.Keyword} {l.Name} = {(l.Type.IsArray ? "null!" : l.Type.Elem == Scalar.Bool ? "false" : "0")};");
            }
            // the adjoints of the parameters: outputs' seeds and inputs' rows are set per row; the others are scratch the sweep adds to
            var pooled = a.Locals.Where(l => l.Type.IsArray).ToList();
            var scratch = new List<ParamModel>();
            foreach (var p in m.Params.Where(p => p.Type.IsReal && !a.UnusedAdjoints.Contains(p.Name)))
            {
                string adj = adjOf[p.Name];
                if (p.IsWritten) w.Line($"var {adj} = global::DiffGen.Reverse.BufferPool<{p.Type.ElemKeyword}>.Rent({p.Name}.Length);");
                else if (inputs.Contains(p)) w.Line(p.Type.IsArray ? $"{p.Type.Keyword} {adj} = null!;" : $"{p.Type.Keyword} {adj} = 0;");
                else
                {
                    scratch.Add(p);
                    w.Line(p.Type.IsArray ? $"var {adj} = {Shapes}.{(p.Type.Shape == Shape.Jagged ? "Like" : "PooledLike")}({p.Name}); // not differentiated: scratch"
                        : $"{p.Type.Keyword} {adj} = 0; // not differentiated: scratch");
                }
            }
            par.DeclarePairState(w);
            w.PooledArrays = true;
            w.Open("try");
            w.Loops = plan.Loops.Adjoint;
            w.DeadStores = plan.Frame.AdjointDeadStores;
            w.Line("// ---- forward sweep, once ----");
            par.Statements(w, a.ForwardSweep);
            var ints = plan.Frame.AdjointDeclared.Where(l => !l.Type.IsReal && !l.Type.IsArray && IrQueries.MayWrite(a.ReverseSweep, l.Name)).ToList();
            foreach (var l in ints) w.Line($"var __fwd_{l.Name} = {l.Name};");
            w.Line($"int {rows} = checked({string.Join(" + ", outputs.Select(o => o.Name + ".Length"))});");
            w.Open($"for (int {r} = 0; {r} < {rows}; {r}++)");
            w.Line("// this row's adjoints: all zero but the seed");
            foreach (var l in ints) w.Line($"{l.Name} = __fwd_{l.Name};");
            foreach (var x in a.Adjoints.Where(x => !paramNames.Contains(x.Primal) && w.Hoisted.Contains(x.Adjoint)))
                w.Line(x.Type.IsArray ? $"{Shapes}.ClearIfAllocated({x.Adjoint});" : $"{x.Adjoint} = 0;");
            string offset = "0";
            foreach (var o in outputs.Where(o => !a.UnusedAdjoints.Contains(o.Name)))
            {
                w.Line($"global::System.Array.Clear({adjOf[o.Name]});");
                w.Line($"if ({r} >= {offset} && {r} < {offset} + {o.Name}.Length) {adjOf[o.Name]}[{r} - {offset}] = 1;");
                offset = offset == "0" ? o.Name + ".Length" : offset + " + " + o.Name + ".Length";
            }
            foreach (var p in inputs)
            {
                if (a.UnusedAdjoints.Contains(p.Name))
                {
                    // no derivative reaches it: its row is zero
                    w.Line(p.Type.IsArray ? $"global::System.Array.Clear({JacobianName(p, m)}[{r}]);" : $"{JacobianName(p, m)}[{r}] = 0;");
                    continue;
                }
                if (p.Type.IsArray)
                {
                    w.Line($"{adjOf[p.Name]} = {JacobianName(p, m)}[{r}];");
                    w.Line($"global::System.Array.Clear({adjOf[p.Name]});");
                }
                else w.Line($"{adjOf[p.Name]} = 0;");
            }
            w.Line("// ---- reverse sweep of this row ----");
            par.Statements(w, a.ReverseSweep);
            foreach (var p in inputs.Where(p => !p.Type.IsArray && !a.UnusedAdjoints.Contains(p.Name)))
                w.Line($"{JacobianName(p, m)}[{r}] = {adjOf[p.Name]};");
            w.Close();
            w.Close();
            w.Open("finally");
            foreach (var l in pooled) w.Line($"global::DiffGen.Reverse.BufferPool<{l.Type.ElemKeyword}>.Return({l.Name});");
            foreach (var o in outputs.Where(o => !a.UnusedAdjoints.Contains(o.Name)))
                w.Line($"global::DiffGen.Reverse.BufferPool<{o.Type.ElemKeyword}>.Return({adjOf[o.Name]});");
            foreach (var p in scratch.Where(p => p.Type.IsArray && p.Type.Shape != Shape.Jagged))
                w.Line($"global::DiffGen.Reverse.BufferPool<{p.Type.ElemKeyword}>.Return({adjOf[p.Name]});");
            par.ReturnPairState(w);
            w.Close();
            w.Close();
            w.DeadStores = System.Array.Empty<string>(); // the workers' own locals are live
            par.WriteClasses(w);
        }
    }
}
