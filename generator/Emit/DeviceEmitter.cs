using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// The GPU half of a generated file: the CUDA C source (a string constant, compiled by NVRTC at run time), device
    /// entry points <c>MForward</c>/<c>MBackward</c> over <c>DeviceArray&lt;T&gt;</c> that run the plan (host ints and
    /// allocations, then kernels and cuBLAS GEMMs in order), and the helpers the host-array entry points use to
    /// dispatch to the GPU (<c>DIFFGEN_BACKEND</c>, cost rule in DeviceDispatch).
    /// </summary>
    internal static class DeviceEmitter
    {
        private const string Rt = "global::DiffGen.Cuda.Execution.";

        public static string SourceName(MethodModel m) => "__" + m.Name + "CudaSource";
        public static string WorkName(MethodModel m) => "__" + m.Name + "CudaWork";
        public static string OnCudaName(MethodModel m, string pass) => "__" + m.Name + pass + "OnCuda";

        private static string DeviceParam(MethodModel m)
        {
            var name = "device";
            while (m.Params.Any(p => p.Name == name)) name += "_";
            return name;
        }

        /// <summary>Line for the host entry points: go to the GPU when asked (or when auto and the work is large).</summary>
        public static void Dispatch(CSharpWriter w, ExecutionPlan plan, string pass, IEnumerable<string> args, bool returns)
        {
            var m = plan.Model.Method;
            var name = m.ContainingTypeFullName.Replace("global::", "") + "." + m.Name;
            if (!plan.HasCuda)
            {
                w.Line($"{Rt}DeviceDispatch.CpuOnly(\"{name}\", \"{Escape(plan.CudaFailure!)}\");");
                return;
            }
            var call = $"{OnCudaName(m, pass)}({string.Join(", ", args)})";
            w.Open($"if ({Rt}DeviceDispatch.Considered && {Rt}DeviceDispatch.UseCuda({WorkName(m)}({string.Join(", ", m.Params.Select(p => p.Name))})))");
            w.Line(returns ? $"return {call};" : call + ";");
            if (!returns) w.Line("return;");
            w.Close();
        }

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

        public static void Write(CSharpWriter w, ExecutionPlan plan, List<(ParamModel Param, string Name, bool IsUpstream)> grads, string seed)
        {
            var a = plan.Model;
            var m = a.Method;
            var fwd = plan.Forward.Cuda!;
            var adj = plan.Adjoint.Cuda!;
            string dev = DeviceParam(m);
            bool returns = m.Return.Elem != Scalar.Void;
            string typeName = m.ContainingTypeFullName.Replace("global::", "") + "." + m.Name;

            // ---- source
            w.Line($"/// <summary>CUDA C of the device code of <c>{m.Name}</c> (forward pass and adjoint); NVRTC compiles it after the runtime's prelude, once per process.</summary>");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            var src = "// Kernels only: the runtime compiles them after DiffGen.Cuda.Execution.KernelPrelude (bounds checks, tape, reductions).\n// ---- forward pass\n" + CudaKernelWriter.Kernels(fwd) + "\n// ---- adjoint: forward sweep, then reverse sweep\n" + CudaKernelWriter.Kernels(adj);
            if (plan.HasCudaTiles)
                src += "\n// ---- tile-fused forward pass (a block of table rows at a time)\n" + CudaKernelWriter.Kernels(plan.Forward.CudaTiled!)
                    + "\n// ---- tile-fused adjoint\n" + CudaKernelWriter.Kernels(plan.Adjoint.CudaTiled!);
            w.Line($"internal const string {SourceName(m)} = @\"{src.Replace("\"", "\"\"")}\";");
            w.Line();

            // ---- work estimate
            w.Line($"/// <summary>Floating-point work of one call, for DIFFGEN_BACKEND=auto: 2·m·n·k per raised GEMM plus the input elements.</summary>");
            foreach (var p in m.Params) w.Line($"/// <param name=\"{p.Name}\">As for the original method.</param>");
            w.Line("/// <returns>The estimate.</returns>");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            WriteWork(w, m, fwd, adj);

            // ---- device forward
            string ElemOf(ParamModel p) => p.Type.ElemKeyword;
            string DevType(ParamModel p) => p.Type.IsArray ? $"{Rt}DeviceArray<{ElemOf(p)}>" : p.Type.Keyword;
            w.Line($"/// <summary>Forward pass of <c>{m.Name}</c> on a GPU: inputs and outputs stay in device memory.</summary>");
            foreach (var p in m.Params)
                w.Line($"/// <param name=\"{p.Name}\">{(p.IsWritten ? "Output array (device): holds the result on return." : p.Type.IsArray ? "Input, in device memory." : "Input, as for the original method.")}</param>");
            w.Line($"/// <param name=\"{dev}\">The device (default: the device of the first array).</param>");
            if (returns) w.Line($"/// <returns>The value of <c>{m.Name}</c>.</returns>");
            w.Line(Gen);
            var fsig = m.Params.Select(p => DevType(p) + " " + p.Name).Concat(new[] { $"{Rt}IKernelDevice? {dev} = null" });
            w.Open($"{m.Accessibility} static {m.Return.Keyword} {m.Name}Forward({string.Join(", ", fsig)})");
            Checks(w, m, dev, grads: null);
            Guards(w, m);
            Choose(w, plan, fwd, plan.Forward.CudaTiled, prog =>
            {
                RunProgram(w, prog, m, typeName + (prog == fwd ? " (forward)" : " (forward, tile-fused)"), info => BindForward(w, m, info), new (string, string)[0]);
                if (returns) w.Line($"return ({m.Return.Keyword})__f.Slot({prog.Slots[DevicePlanner.ResultVar]});");
            });
            w.Close();
            w.Line();

            // ---- device backward
            var adjOf = a.Adjoints.ToDictionary(x => x.Primal, x => x.Adjoint);
            w.Line($"/// <summary>Value and gradients of <c>{m.Name}</c> on a GPU, as the host-array overload: gradient buffers are overwritten.</summary>");
            foreach (var p in m.Params)
                w.Line($"/// <param name=\"{p.Name}\">{(p.IsWritten ? "Output array (device): holds the forward result on return." : p.Type.IsArray ? "Input, in device memory." : "Input, as for the original method.")}</param>");
            foreach (var g in grads)
                w.Line($"/// <param name=\"{g.Name}\">{(g.IsUpstream ? (g.Param.ReadsInitial ? "In and out (the method reads the output's entry values): the upstream gradient on entry, the gradient with respect to the entry values on return (device)." : "Upstream gradient of the output (device, read only).") : g.Param.Type.IsArray ? "Receives the gradient (device, same shape; overwritten)." : "The gradient.")}</param>");
            if (returns) w.Line($"/// <param name=\"{seed}\">Scale of the gradients.</param>");
            w.Line($"/// <param name=\"{dev}\">The device (default: the device of the first array).</param>");
            if (returns) w.Line($"/// <returns>The value of <c>{m.Name}</c>.</returns>");
            w.Line(Gen);
            var bsig = new List<string>();
            bsig.AddRange(m.Params.Select(p => DevType(p) + " " + p.Name));
            foreach (var g in grads)
                bsig.Add(g.Param.Type.IsArray ? DevType(g.Param) + " " + g.Name : "out " + g.Param.Type.Keyword + " " + g.Name);
            if (returns) bsig.Add($"{m.Return.Keyword} {seed} = 1");
            bsig.Add($"{Rt}IKernelDevice? {dev} = null");
            w.Open($"{m.Accessibility} static {m.Return.Keyword} {m.Name}Backward({string.Join(", ", bsig)})");
            foreach (var g in grads.Where(g => !g.Param.Type.IsArray)) w.Line($"{g.Name} = 0;");
            Checks(w, m, dev, grads);
            Guards(w, m);
            Choose(w, plan, adj, plan.Adjoint.CudaTiled, prog =>
            {
                RunProgram(w, prog, m, typeName + (prog == adj ? " (backward)" : " (backward, tile-fused)"), info => BindAdjoint(w, a, adjOf, grads, info),
                    returns ? new[] { (a.SeedName, seed) } : new (string, string)[0]);
                foreach (var g in grads.Where(g => !g.Param.Type.IsArray))
                    w.Line($"{g.Name} = ({g.Param.Type.Keyword})__f.Slot({prog.Slots[adjOf[g.Param.Name]]});");
                if (m.Params.Any(p => p.IsWritten))
                {
                    w.Line("// Leave the outputs filled, as the host overload does.");
                    w.Line($"{m.Name}Forward({string.Join(", ", m.Params.Select(p => p.Name))}, __dev);");
                }
                if (returns) w.Line($"return ({m.Return.Keyword})__f.Slot({prog.Slots[a.ResultName]});");
            });
            w.Close();
            w.Line();

            // ---- host arrays through the GPU
            string HostSig(bool backward)
            {
                var list = m.Params.Select(p => p.Type.Keyword + " " + p.Name).ToList();
                if (backward)
                {
                    foreach (var g in grads) list.Add(g.Param.Type.IsArray ? g.Param.Type.Keyword + " " + g.Name : "out " + g.Param.Type.Keyword + " " + g.Name);
                    if (returns) list.Add(m.Return.Keyword + " " + seed);
                }
                return string.Join(", ", list);
            }
            void Uploads()
            {
                w.Line($"var __dev = {Rt}DeviceDispatch.Current;");
                foreach (var p in m.Params.Where(p => p.Type.IsArray))
                    w.Line($"using var __d_{p.Name} = {Rt}DeviceArray<{ElemOf(p)}>.Upload(__dev, {p.Name});");
            }
            string DevArgs() => string.Join(", ", m.Params.Select(p => p.Type.IsArray ? "__d_" + p.Name : p.Name));

            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Open($"private static {m.Return.Keyword} {OnCudaName(m, "Forward")}({HostSig(false)})");
            Uploads();
            w.Line((returns ? "var __r = " : "") + $"{m.Name}Forward({DevArgs()}, __dev);");
            foreach (var p in m.Params.Where(p => p.IsWritten)) w.Line($"__d_{p.Name}.CopyTo({p.Name});");
            if (returns) w.Line("return __r;");
            w.Close();
            w.Line();

            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Open($"private static {m.Return.Keyword} {OnCudaName(m, "Backward")}({HostSig(true)})");
            Uploads();
            var gargs = new List<string>();
            foreach (var g in grads)
            {
                if (!g.Param.Type.IsArray) { gargs.Add("out " + g.Name); continue; }
                w.Line(g.IsUpstream
                    ? $"using var __g_{g.Name} = {Rt}DeviceArray<{ElemOf(g.Param)}>.Upload(__dev, {g.Name});"
                    : g.Param.Type.Shape == Shape.Matrix
                        ? $"using var __g_{g.Name} = {Rt}DeviceArray<{ElemOf(g.Param)}>.Zeros(__dev, {g.Name}.GetLength(0), {g.Name}.GetLength(1));"
                        : $"using var __g_{g.Name} = {Rt}DeviceArray<{ElemOf(g.Param)}>.Zeros(__dev, {g.Name}.Length);");
                gargs.Add("__g_" + g.Name);
            }
            if (returns) gargs.Add(seed);
            w.Line((returns ? "var __r = " : "") + $"{m.Name}Backward({DevArgs()}, {string.Join(", ", gargs)}, __dev);");
            foreach (var g in grads.Where(g => g.Param.Type.IsArray && g.Param.GradientWritten)) w.Line($"__g_{g.Name}.CopyTo({g.Name});");
            foreach (var p in m.Params.Where(p => p.IsWritten)) w.Line($"__d_{p.Name}.CopyTo({p.Name});");
            if (returns) w.Line("return __r;");
            w.Close();
        }

        private static void WriteWork(CSharpWriter w, MethodModel m, DeviceProgram fwd, DeviceProgram adj)
        {
            w.Open($"{m.Accessibility} static long {WorkName(m)}({string.Join(", ", m.Params.Select(p => p.Type.Keyword + " " + p.Name))})");
            if (fwd.HasSerialLoops || adj.HasSerialLoops)
            {
                // A loop of this method runs on a single GPU thread (its iterations depend on each other, or it uses the
                // restore tape): auto keeps the method on the CPU; DIFFGEN_BACKEND=cuda still runs it on the GPU.
                w.Line("return 0L;");
                w.Close();
                w.Line();
                return;
            }
            ParamDims(w, m);
            // the sizes the terms below read: the GEMM operands' dimensions and contraction lengths
            var operands = adj.Steps.Where(x => x.Kind == StepKind.Gemm).SelectMany(x => x.Gemm switch
            {
                Contract c => new Expr[] { new LengthOf(c.A.Array, c.A.ArrayType, null, 0), new LengthOf(c.B.Array, c.B.ArrayType, null, 0), c.K },
                ContractAdjoint c => new Expr[] { new LengthOf(c.A.Array, c.A.ArrayType, null, 0), new LengthOf(c.B.Array, c.B.ArrayType, null, 0), c.K },
                _ => System.Array.Empty<Expr>(),
            }).ToList();
            HostStatements(w, adj, m, frame: null, operands);
            var terms = new List<string> { "0L" };
            foreach (var p in m.Params.Where(p => p.Type.IsArray)) terms.Add($"(long){p.Name}.Length");
            foreach (var st in adj.Steps.Where(s => s.Kind == StepKind.Gemm))
            {
                var (arrA, arrB, k, ta, tb) = st.Gemm switch
                {
                    Contract c => (c.A, c.B, c.K, c.TransA, c.TransB),
                    ContractAdjoint c => (c.A, c.B, c.K, c.TransA, c.TransB),
                    _ => default,
                };
                string Rows(ArrayRef x, bool t) => x.ArrayType.Shape == Shape.Vector ? "1" : DimVar(x.Array, t ? 1 : 0);
                terms.Add($"2L * {Rows(arrA!, ta)} * {Rows(arrB!, tb)} * global::System.Math.Max(0, {HostExpr(adj, k)})");
            }
            w.Line($"return {string.Join(" + ", terms)};");
            w.Close();
            w.Line();
        }

        private const string Gen = DifferentiableEmitter.GeneratedCode;

        private static void Checks(CSharpWriter w, MethodModel m, string dev, List<(ParamModel Param, string Name, bool IsUpstream)>? grads)
        {
            var arrays = m.Params.Where(p => p.Type.IsArray).ToList();
            foreach (var p in arrays) w.Line($"{Rt}DeviceShapes.Check({p.Name}, {p.Type.Rank}, nameof({p.Name}));");
            if (grads is not null)
                foreach (var g in grads.Where(g => g.Param.Type.IsArray))
                    w.Line($"{Rt}DeviceShapes.SameShape({g.Param.Name}, {g.Name}, nameof({g.Param.Name}), nameof({g.Name}));");
            AliasChecks.Write(w, arrays.Select(p => (p.Name, p.Type, p.IsWritten))
                .Concat((grads ?? new()).Where(g => g.Param.Type.IsArray).Select(g => (g.Name, g.Param.Type, g.Param.GradientWritten))).ToList());
            w.Line($"var __dev = {dev} ?? {arrays[0].Name}.Device;");
            foreach (var p in arrays) w.Line($"{Rt}DeviceShapes.SameDevice(__dev, {p.Name}.Device, nameof({p.Name}));");
            if (grads is not null)
                foreach (var g in grads.Where(g => g.Param.Type.IsArray))
                    w.Line($"{Rt}DeviceShapes.SameDevice(__dev, {g.Name}.Device, nameof({g.Name}));");
        }

        /// <summary>
        /// The user's argument checks that read arrays only through their shape (Parse decided: MethodModel.DeviceGuards),
        /// as the host overloads print them; the others (which may read elements, in device memory here) are counted in a comment.
        /// </summary>
        private static void Guards(CSharpWriter w, MethodModel m)
        {
            foreach (var g in m.DeviceGuards)
                foreach (var line in g.Split('\n')) w.Line(line.TrimEnd('\r'));
            int skipped = m.Guards.Count - m.DeviceGuards.Count;
            if (skipped > 0)
                w.Line($"// not checked here: {skipped} of the method's argument checks read an array other than through its Length, GetLength or Rank, or nameof (the host-array overload checks them)");
        }

        private static string DimVar(string array, int d) => "__" + array + "_d" + d.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>A host int expression: sizes of every array come from the host's variables.</summary>
        private static string HostExpr(DeviceProgram p, Expr e) => ExprPrinter.CSharp.Print(IrRewriter.Map(e, x => x switch
        {
            LengthOf { Row: null } l when p.Arrays.TryGetValue(l.Array, out var info) =>
                l.Dim >= 0 ? new VarRef(DimVar(l.Array, l.Dim), IrType.Int)
                : info.Dim1 >= 0 ? new Binary(BinaryOp.Mul, new VarRef(DimVar(l.Array, 0), IrType.Int), new VarRef(DimVar(l.Array, 1), IrType.Int), IrType.Int)
                : new VarRef(DimVar(l.Array, 0), IrType.Int),
            _ => null,
        }));

        private static void ParamDims(CSharpWriter w, MethodModel m)
        {
            foreach (var prm in m.Params.Where(x => x.Type.IsArray))
                w.Line($"int {DimVar(prm.Name, 0)} = {prm.Name}.GetLength(0);" + (prm.Type.Rank == 2 ? $" int {DimVar(prm.Name, 1)} = {prm.Name}.GetLength(1);" : ""));
        }

        /// <summary>The host ints and local array sizes, in program order (<paramref name="frame"/> allocates each local array).</summary>
        /// <param name="frame">Allocates each local array; null when only the sizes are wanted (work estimate, tile choice):
        /// then a local array's sizes are declared only when <paramref name="extra"/> or a host statement reads them (no
        /// unused variables in the generated code).</param>
        private static void HostStatements(CSharpWriter w, DeviceProgram p, MethodModel m, System.Action<DeviceArrayInfo>? frame, IEnumerable<Expr>? extra = null)
        {
            var declared = new HashSet<string>(m.Params.Select(x => x.Name));
            var sized = new HashSet<string>(System.StringComparer.Ordinal);
            var dims = new HashSet<string>(System.StringComparer.Ordinal); // (only the dimensions read: a 2 x 2 whose columns nothing reads declares no __a_d1)
            if (frame is null)
                foreach (var e in p.HostStatements.SelectMany(IrQueries.ExprsOf).Concat(extra ?? Enumerable.Empty<Expr>()))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is LengthOf l)
                        {
                            sized.Add(l.Array);
                            if (l.Dim >= 0) dims.Add(DimVar(l.Array, l.Dim));
                            else { dims.Add(DimVar(l.Array, 0)); dims.Add(DimVar(l.Array, 1)); }
                        }
            // the work estimate prints only the ints its terms read (directly or through one another): an int set to a constant
            // and read by nothing there would be C#'s warning CS0219 (an error where warnings are)
            var read = new HashSet<string>(System.StringComparer.Ordinal);
            if (frame is null)
                foreach (var e in p.HostStatements.SelectMany(IrQueries.ExprsOf).Concat(extra ?? Enumerable.Empty<Expr>()))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is VarRef r) read.Add(r.Name);
            foreach (var s in p.HostStatements)
            {
                if (frame is null && (s is DeclScalar unread && !read.Contains(unread.Name) || s is Assign { Target: VarRef unset } && !read.Contains(unset.Name))) continue;
                switch (s)
                {
                    case DeclScalar d:
                        w.Line((declared.Add(d.Name) ? d.Type.Keyword + " " : "") + $"{d.Name} = {(d.Init is null ? "default" : HostExpr(p, d.Init))};");
                        break;
                    case Assign { Target: VarRef v } a:
                        w.Line((declared.Add(v.Name) ? v.Type.Keyword + " " : "") + $"{v.Name} = {HostExpr(p, a.Value)};");
                        break;
                    case DeclArray da when frame is null && !sized.Contains(da.Name):
                        break;
                    case DeclArray da:
                        // a row block's panel: rows per block from the panel's row size (DiffGen.Cpu.Tiling), once per program
                        if (p.RowBlocks.Values.FirstOrDefault(b => b.PanelArrays.Contains(da.Name)) is { } rb && declared.Add(rb.Name))
                            w.Line($"int {rb.Name} = global::DiffGen.Cpu.Tiling.DeviceRowsPerBlock((long){HostExpr(p, rb.Cols)}, {(rb.Elem == Scalar.Float ? 4 : 8)}, (long){HostExpr(p, rb.Rows)});");
                        var sizes = Enumerable.Range(0, da.Sizes.Count).Where(k => frame is not null || dims.Contains(DimVar(da.Name, k)))
                            .Select(k => $"int {DimVar(da.Name, k)} = {HostExpr(p, da.Sizes[k])};");
                        w.Line(string.Join(" ", sizes));
                        if (frame is not null) frame(p.Arrays[da.Name]);
                        break;
                }
            }
        }

        private static string ElemCount(DeviceArrayInfo info) =>
            info.Dim1 >= 0 ? $"(long){DimVar(info.Name, 0)} * {DimVar(info.Name, 1)}" : $"(long){DimVar(info.Name, 0)}";

        /// <param name="panel">A row block's panel values: each block's GEMM writes the rows its kernel reads.</param>
        private static void Scratch(CSharpWriter w, DeviceArrayInfo info, bool panel = false)
        {
            // a raised GEMM's table is written whole by cuBLAS (beta = 0) before anything reads it: no clearing per call
            string overwritten = panel || w.OverwrittenTables.Contains(info.Name) ? ", overwritten: true" : "";
            w.Line($"var {Address(info.Name)} = __f.Scratch<{info.Type.ElemKeyword}>({info.Pointer}, {ElemCount(info)}, \"{info.Name}\"{overwritten});");
            SetDims(w, info);
        }

        private static void SetDims(CSharpWriter w, DeviceArrayInfo info)
        {
            w.Line($"__f.Int({info.Dim0}, {DimVar(info.Name, 0)});" + (info.Dim1 >= 0 ? $" __f.Int({info.Dim1}, {DimVar(info.Name, 1)});" : ""));
        }

        /// <summary>
        /// Runs the materialised program, or, when Schedule made a tile-fused GPU program, whichever of the two
        /// DiffGen.Cpu.Tiling chooses for this call's table size (its host ints are computed first to know the size).
        /// </summary>
        private static void Choose(CSharpWriter w, ExecutionPlan plan, DeviceProgram materialised, DeviceProgram? tiled, System.Action<DeviceProgram> run)
        {
            var choice = plan.Model.Tiles?.Body.OfType<TileChoice>().FirstOrDefault(c => c.Rows is not null);
            if (tiled is null || !plan.HasCudaTiles || choice is null)
            {
                run(materialised);
                return;
            }
            var m = plan.Model.Method;
            w.Line("bool __fused;");
            w.OpenBlock();
            ParamDims(w, m);
            HostStatements(w, materialised, m, frame: null, new[] { choice.Rows!, choice.Cols! });
            int size = choice.Elem == Scalar.Float ? 4 : 8;
            w.Line($"__fused = global::DiffGen.Cpu.Tiling.FuseOnDevice({HostExpr(materialised, choice.Rows!)}, {HostExpr(materialised, choice.Cols!)}, {size});");
            w.Close();
            w.Open("if (__fused)");
            w.Line($"// Tile fusion ({plan.Model.Tiles!.Table}): the table is computed a block of rows at a time by cuBLAS into panels, never whole.");
            run(tiled);
            w.Close();
            w.Open("else");
            run(materialised);
            w.Close();
        }

        /// <summary>The panels of a tile-fused program: rows per block from the widest panel, then each panel's buffer.</summary>
        private static void Panels(CSharpWriter w, DeviceProgram p)
        {
            if (p.Panels.Count == 0) return;
            var panels = p.Panels.Values.OrderBy(x => x.Name, System.StringComparer.Ordinal).ToList();
            string Cols(DevicePanel x) => x.Source.TransB ? DimVar(x.Source.B.Array, 1) : DimVar(x.Source.B.Array, 0);
            int size = panels[0].Source.A.ArrayType.Elem == Scalar.Float ? 4 : 8;
            // a panel never has more rows than its table (device panels are rows of A, never transposed: DeviceTiles)
            string Widest(System.Func<DevicePanel, string> dim) => panels.Select(x => "(long)" + dim(x)).Distinct().Aggregate((x, y) => $"global::System.Math.Max({x}, {y})");
            w.Line($"int __dblk_rows = global::DiffGen.Cpu.Tiling.DeviceRowsPerBlock({Widest(Cols)}, {size}, {Widest(x => DimVar(x.Source.A.Array, 0))});");
            bool fused = p.Steps.Any(x => x.Fused is not null);
            // fused tile kernels compute the table's entries where they read them: no value panels then
            if (fused) w.Line("bool __dtiles = global::DiffGen.Cpu.Tiling.UseDeviceFusedKernels();");
            foreach (var x in panels)
            {
                foreach (var name in x.Adjoint ? new[] { x.Name + "_v", x.Name + "_a" } : new[] { x.Name + "_v" })
                {
                    var info = p.Arrays[name];
                    var rows = name.EndsWith("_v", System.StringComparison.Ordinal) && FusedTileKernels.FusedAway(p, x) ? "__dtiles ? 0 : __dblk_rows" : "__dblk_rows";
                    w.Line($"int {DimVar(name, 0)} = {rows}; int {DimVar(name, 1)} = {Cols(x)};");
                    Scratch(w, info, panel: name.EndsWith("_v", System.StringComparison.Ordinal));
                }
            }
        }

        /// <summary>A tiled loop's step: its range a block of iterations at a time; per block the panel GEMMs, the kernel, the adjoint flushes.</summary>
        private static void TiledStep(CSharpWriter w, DeviceProgram p, DeviceStep st)
        {
            var t = st.Tiled!;
            var (lo, hi) = st.TiledRange;
            string Elem(DevicePanel x) => x.Source.A.ArrayType.ElemKeyword;
            string Factors(DevicePanel x) =>
                $"{Address(x.Source.A.Array)}, {DimVar(x.Source.A.Array, 0)}, {DimVar(x.Source.A.Array, 1)}, {Address(x.Source.B.Array)}, {DimVar(x.Source.B.Array, 0)}, {DimVar(x.Source.B.Array, 1)}, {(x.Source.TransB ? "true" : "false")}, {HostExpr(p, x.Source.K)}";
            w.Line($"// tiled loop over {t.Original.Var}: a block of __dblk_rows iterations at a time");
            w.Open($"for (long __b = {HostExpr(p, lo)}, __bend = {HostExpr(p, hi)}; __b < __bend; __b += __dblk_rows)");
            w.Line($"int {DeviceTiles.BlockLo} = (int)__b, {DeviceTiles.BlockHi} = (int)global::System.Math.Min(__bend, __b + __dblk_rows);");
            w.Line($"__f.Int({p.IntSlots[DeviceTiles.BlockLo]}, {DeviceTiles.BlockLo}); __f.Int({p.IntSlots[DeviceTiles.BlockHi]}, {DeviceTiles.BlockHi});");
            foreach (var x in st.Panels)
                w.Line($"int {x.Name}_lo = {HostExpr(p, x.FirstRow)}; __f.Int({p.IntSlots[x.Name + "_lo"]}, {x.Name}_lo);");
            if (st.Fused is { } fk)
            {
                w.Line($"if (__dtiles) __f.Warps(\"{fk.Kernel}\", {DeviceTiles.BlockHi} - {DeviceTiles.BlockLo});");
                w.Open("else");
            }
            foreach (var x in st.Panels.Where(x => st.Uses.Arrays.Contains(x.Name + "_v"))) // a kernel that only writes the adjoint needs no values
                w.Line($"__f.Panel<{Elem(x)}>({Factors(x)}, {x.Name}_lo, {DeviceTiles.BlockHi} - {DeviceTiles.BlockLo}, {Address(x.Name + "_v")});");
            w.Line($"__f.Parallel(\"{st.Kernel}\", {DeviceTiles.BlockHi} - {DeviceTiles.BlockLo}, blockPerIteration: {(st.BlockPerIteration ? "true" : "false")});");
            if (st.Fused is not null) w.Close();
            foreach (var x in st.FlushedPanels)
                w.Line($"__f.PanelAdjoint<{Elem(x)}>({Factors(x)}, {x.Name}_lo, {DeviceTiles.BlockHi} - {DeviceTiles.BlockLo}, {Address(x.Name + "_a")}, {Address(x.AAdj!.Array)}, {Address(x.BAdj!.Array)});");
            w.Close();
        }

        private static void RunProgram(CSharpWriter w, DeviceProgram p, MethodModel m, string what, System.Action<DeviceArrayInfo> binder, IEnumerable<(string Var, string Value)> slots)
        {
            w.Line($"using var __f = new {Rt}KernelFrame(__dev, {SourceName(m)}, \"{what}\", {p.SlotCount});");
            // Parameters' arrays (and their adjoints) first, then host ints and local arrays in program order.
            ParamDims(w, m);
            foreach (var info in p.Arrays.Values.OrderBy(i => i.Pointer)) binder(info);
            HostStatements(w, p, m, frame: info => Scratch(w, info));
            Panels(w, p);
            foreach (var h in p.HostInts.Where(h => p.IntSlots.ContainsKey(h) && !p.TileInts.Contains(h)))
            {
                var isBool = p.Scalars.TryGetValue(h, out var t) && t.Elem == Scalar.Bool;
                w.Line($"__f.Int({p.IntSlots[h]}, {(isBool ? h + " ? 1 : 0" : h)});");
            }
            foreach (var prm in m.Params.Where(x => x.Type.IsReal && !x.Type.IsArray))
                if (p.Slots.TryGetValue(prm.Name, out var slot)) w.Line($"__f.Slot({slot}, {prm.Name});");
            foreach (var (v, value) in slots)
                if (p.Slots.TryGetValue(v, out var slot)) w.Line($"__f.Slot({slot}, {value});");
            w.Open("do");
            w.Line("__f.Begin();");
            DeviceRowBlock? open = null;
            foreach (var st in p.Steps)
            {
                if (!ReferenceEquals(st.RowBlock, open))
                {
                    if (open is not null) w.Close();
                    open = st.RowBlock;
                    if (open is not null) OpenRowBlock(w, p, open);
                }
                switch (st.Kind)
                {
                    case StepKind.Serial:
                        w.Line($"__f.Serial(\"{st.Kernel}\");");
                        break;
                    case StepKind.Parallel when st.Tiled is not null:
                        TiledStep(w, p, st);
                        break;
                    case StepKind.Parallel:
                        {
                            var l = st.Loop!;
                            int cmp = l.Cmp switch { BinaryOp.Lt => 0, BinaryOp.Le => 1, BinaryOp.Gt => 2, _ => 3 };
                            w.Line($"__f.Parallel(\"{st.Kernel}\", {Rt}KernelFrame.Trip({HostExpr(p, l.Start)}, {HostExpr(p, l.Bound)}, {l.Step}, {cmp}), blockPerIteration: {(st.BlockPerIteration ? "true" : "false")});");
                            break;
                        }
                    case StepKind.Gemm:
                        foreach (var c in st.Comments) w.Line("// " + c);
                        w.Line(Gemm(p, st.Gemm!));
                        break;
                }
            }
            if (open is not null) w.Close();
            w.Close(" while (!__f.End());");
        }

        /// <summary>
        /// Device row-block fusion: the host loop over the blocks of rows (the last block first for the reverse sweep); per
        /// block its range into the int slots and the panels cleared (as the CPU's RowBlocks clears them per block).
        /// </summary>
        private static void OpenRowBlock(CSharpWriter w, DeviceProgram p, DeviceRowBlock b)
        {
            var rows = HostExpr(p, b.Rows);
            w.Line($"// Row-block fusion: {string.Join(" and ", b.PanelArrays)} hold{(b.PanelArrays.Count == 1 ? "s" : "")} {b.Name} rows at a time{(b.Descending ? ", the last block first (each block's forward iterations are recomputed)" : "")}");
            w.Open(b.Descending
                ? $"for (int {b.Lo} = {rows} > 0 ? ({rows} - 1) / {b.Name} * {b.Name} : -1; {b.Lo} >= 0; {b.Lo} -= {b.Name})"
                : $"for (int {b.Lo} = 0; {b.Lo} < {rows}; {b.Lo} += {b.Name})");
            w.Line($"int {b.Hi} = global::System.Math.Min({rows}, {b.Lo} + {b.Name});");
            w.Line($"__f.Int({p.IntSlots[b.Lo]}, {b.Lo}); __f.Int({p.IntSlots[b.Hi]}, {b.Hi});");
            foreach (var panel in b.PanelArrays)
            {
                var info = p.Arrays[panel];
                w.Line($"__f.Device.Clear({Address(panel)}, {ElemCount(info)} * sizeof({info.Type.ElemKeyword}));");
            }
        }

        private static string Address(string array) => "__addr_" + array;

        /// <summary>The address of row <paramref name="row"/> of a T[,] device array.</summary>
        private static string RowAddress(string array, string row, string elem) =>
            $"{Address(array)} + (ulong)((long){row} * {DimVar(array, 1)} * sizeof({elem}))";

        /// <summary>Address, rows, columns; a vector is one row.</summary>
        private static string Operand(DeviceProgram p, ArrayRef a) =>
            a.ArrayType.Shape == Shape.Vector
                ? $"{Address(a.Array)}, 1, {DimVar(a.Array, 0)}"
                : $"{Address(a.Array)}, {DimVar(a.Array, 0)}, {DimVar(a.Array, 1)}";

        private static string Gemm(DeviceProgram p, Stmt s)
        {
            switch (s)
            {
                case Contract c:
                    {
                        var t = p.Arrays[c.Target].Type.ElemKeyword;
                        return $"__f.Contract<{t}>({Operand(p, c.A)}, {(c.TransA ? "true" : "false")}, {Operand(p, c.B)}, {(c.TransB ? "true" : "false")}, {HostExpr(p, c.K)}, {Address(c.Target)});";
                    }
                case ContractAdjoint c:
                    {
                        var t = p.Arrays[c.TargetAdj].Type.ElemKeyword;
                        return $"__f.ContractAdjoint<{t}>({Operand(p, c.A)}, {(c.TransA ? "true" : "false")}, {Operand(p, c.B)}, {(c.TransB ? "true" : "false")}, {HostExpr(p, c.K)}, {Address(c.TargetAdj)}, {Address(c.AAdj.Array)}, {Address(c.BAdj.Array)});";
                    }
                case ContractRows r:
                    {
                        // rows [lo, hi) of the product: the panel (the block's rows of the left factor) times the right factor, into the target's rows
                        var c = r.Source;
                        var t = p.Arrays[c.Target].Type.ElemKeyword;
                        return $"__f.Contract<{t}>({Address(c.A.Array)}, {r.Hi} - {r.Lo}, {DimVar(c.A.Array, 1)}, false, {Operand(p, c.B)}, {(c.TransB ? "true" : "false")}, {HostExpr(p, c.K)}, {RowAddress(c.Target, r.Lo, t)});";
                    }
                case ContractRowsAdjoint r:
                    {
                        // the block's share of the adjoint: panel adjoint += target adjoint's rows · R, R's adjoint += their transpose · panel; those rows cleared
                        var c = r.Source;
                        var t = p.Arrays[c.TargetAdj].Type.ElemKeyword;
                        return $"__f.ContractAdjoint<{t}>({Address(c.A.Array)}, {r.Hi} - {r.Lo}, {DimVar(c.A.Array, 1)}, false, {Operand(p, c.B)}, {(c.TransB ? "true" : "false")}, {HostExpr(p, c.K)}, {RowAddress(c.TargetAdj, r.Lo, t)}, {Address(c.AAdj.Array)}, {Address(c.BAdj.Array)});";
                    }
                default: throw new System.InvalidOperationException(s.GetType().Name);
            }
        }

        // Binding: parameters to their buffers, adjoints of parameters to gradient buffers or scratch; local arrays are
        // scratch allocated with the host ints.
        private static void BindForward(CSharpWriter w, MethodModel m, DeviceArrayInfo info)
        {
            var prm = m.Params.FirstOrDefault(x => x.Name == info.Name);
            if (prm is null) return;
            w.Line($"var {Address(info.Name)} = {info.Name}.Address; __f.Array({info.Pointer}, {Address(info.Name)}, \"{info.Name}\");");
            SetDims(w, info);
        }

        private static void BindAdjoint(CSharpWriter w, AdjointModel a, Dictionary<string, string> adjOf,
            List<(ParamModel Param, string Name, bool IsUpstream)> grads, DeviceArrayInfo info)
        {
            var m = a.Method;
            var prm = m.Params.FirstOrDefault(x => x.Name == info.Name);
            if (prm is not null)
            {
                w.Line($"var {Address(info.Name)} = {info.Name}.Address; __f.Array({info.Pointer}, {Address(info.Name)}, \"{info.Name}\");");
                SetDims(w, info);
                if (prm.IsWritten) w.Line($"__f.Protect({Address(info.Name)}, {info.Name}.ByteLength);");
                return;
            }
            var owner = m.Params.FirstOrDefault(x => x.Type.IsReal && x.Type.IsArray && adjOf[x.Name] == info.Name);
            if (owner is null) return;
            w.Line($"int {DimVar(info.Name, 0)} = {DimVar(owner.Name, 0)};" + (info.Dim1 >= 0 ? $" int {DimVar(info.Name, 1)} = {DimVar(owner.Name, 1)};" : ""));
            var g = grads.FirstOrDefault(x => x.Param.Name == owner.Name);
            if (g.Name is not null && g.IsUpstream && owner.ReadsInitial)
            {
                // in and out: the sweep works on the caller's buffer (kept, so that a repeated run starts from the upstream gradient again)
                w.Line($"var {Address(info.Name)} = {g.Name}.Address; __f.Array({info.Pointer}, {Address(info.Name)}, \"{g.Name}\"); __f.Protect({Address(info.Name)}, {g.Name}.ByteLength);");
                SetDims(w, info);
            }
            else if (g.Name is not null && !g.IsUpstream)
            {
                w.Line($"var {Address(info.Name)} = {g.Name}.Address; __f.Array({info.Pointer}, {Address(info.Name)}, \"{g.Name}\"); __f.ZeroEachRun({Address(info.Name)}, {g.Name}.ByteLength);");
                SetDims(w, info);
            }
            else
            {
                // the upstream gradient of an output (consumed by the reverse sweep: work on a copy), or a gradient nobody asked for
                Scratch(w, info);
                if (g.Name is not null) w.Line($"__f.CopyEachRun({Address(info.Name)}, {g.Name}.Address, {g.Name}.ByteLength);");
            }
        }
    }
}
