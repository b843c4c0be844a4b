using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;

namespace DiffGen.Generator.Schedule
{
    /// <summary>The plan of one pass (the forward method, or the adjoint's two sweeps) for each backend.</summary>
    internal sealed class PassPlan
    {
        /// <summary>GPU kernels and cuBLAS calls; null when there is no device code (<see cref="ExecutionPlan.CudaFailure"/> says why).</summary>
        public DeviceProgram? Cuda;
        /// <summary>The tile-fused GPU program (Schedule's tile plan on the device); null when not fused there.</summary>
        public DeviceProgram? CudaTiled;
        /// <summary>The loop analysis for the CPU (always made for methods with array parameters).</summary>
        public DeviceProgram? Cpu;
        /// <summary>The loops the CPU splits over cores (from <see cref="Cpu"/>).</summary>
        public List<CpuLoopPlan> CpuParallel = new();
        /// <summary>Loops the CPU plan found independent that stay on one core, and why.</summary>
        public Dictionary<IR.Stmt, string> CpuNotSplit = new(IR.StmtReferenceComparer.Instance);
    }

    /// <summary>
    /// Schedule's output, everything the emitters print and nothing they decide: the scheduled IR (SIMD loops, sums kept
    /// in double, the tile-fused version), the multi-core CPU loops, and the GPU plan (kernels, cuBLAS GEMMs) or why there
    /// is none. Equality is the input's: every field is a pure function of <see cref="Model"/> and <see cref="Cuda"/>,
    /// so comparing those is comparing the plan (the incremental pipeline caches on it).
    /// </summary>
    internal sealed class ExecutionPlan : IEquatable<ExecutionPlan>
    {
        public ExecutionPlan(AdjointModel model, bool cuda, PassPlan forward, PassPlan adjoint, LoopForms loops, string? cudaFailure)
        {
            Model = model;
            Loops = loops;
            Cuda = cuda;
            Forward = forward;
            Adjoint = adjoint;
            CudaFailure = cudaFailure;
        }

        /// <summary>The differentiated method after Schedule's IR passes (SIMD loops, wide sums, tile fusion).</summary>
        public AdjointModel Model { get; }
        /// <summary>
        /// Tables a raised GEMM writes entirely before anything reads them (each is declared just before its GEMM, which
        /// writes every entry, beta = 0): their buffers are rented without clearing, on the CPU and on the device.
        /// </summary>
        public IReadOnlyCollection<string> OverwrittenTables { get; init; } = Array.Empty<string>();
        /// <summary>The CPU forms of the scalar loops of <see cref="Model"/> (restore-stack blocks, elements held in locals).</summary>
        public LoopForms Loops { get; }
        /// <summary>What the CPU methods hold around their statements: pooled arrays, declared adjoint locals, restore stacks.</summary>
        public CpuFrame Frame { get; init; } = CpuFrame.None;
        /// <summary>The project generates device code (not <c>&lt;DiffGenCuda&gt;false&lt;/DiffGenCuda&gt;</c>).</summary>
        public bool Cuda { get; }
        public PassPlan Forward { get; }
        public PassPlan Adjoint { get; }
        /// <summary>Why there is no device code; null when both passes have a GPU plan.</summary>
        public string? CudaFailure { get; }
        public bool HasCuda => CudaFailure is null;
        /// <summary>Why the tile plan has no GPU form (null when both passes have one, or when there is no tile plan).</summary>
        public string? CudaTilingFailure { get; init; }
        /// <summary>Why the row-block fused statements have no GPU form (the device keeps the tile-fused form); null when they have one or there are none.</summary>
        public string? CudaRowBlocksFailure { get; init; }
        public bool HasCudaTiles => HasCuda && Forward.CudaTiled is not null && Adjoint.CudaTiled is not null;
        /// <summary>The CPU plan of Backward's own adjoint (<see cref="AdjointModel.Backward"/>); null when Backward calls the adjoint above.</summary>
        public ExecutionPlan? BackwardPlan { get; init; }
        /// <summary>The CPU plan of the Jacobian's shared sweeps (<see cref="AdjointModel.Jacobian"/>); null when the Jacobian method
        /// calls Backward once per row (or the method asked for no Jacobian).</summary>
        public ExecutionPlan? JacobianPlan { get; init; }

        /// <summary>The plan as text (what runs where and why not), for snapshots and for reading.</summary>
        public override string ToString() => PlanPrinter.Print(this);

        public bool Equals(ExecutionPlan? other) => other is not null && Cuda == other.Cuda && Model.Equals(other.Model);
        public override bool Equals(object? obj) => Equals(obj as ExecutionPlan);
        public override int GetHashCode() => Model.GetHashCode() * 2 + (Cuda ? 1 : 0);
    }

    /// <summary>
    /// The Schedule stage: SIMD loops (<see cref="Vectorizer"/>), float sums carried in double (<see cref="WideSums"/>),
    /// tile fusion (<see cref="TileFusion"/>), then the loop plans: GPU (<see cref="DevicePlanner"/>), CPU cores
    /// (<see cref="CpuLoops"/>: split loops with their workers), the CPU forms of scalar loops (<see cref="LoopForms"/>) and
    /// the CPU methods' frame (<see cref="CpuFrame"/>). Backend-neutral decisions first, backend plans from them; the emitters only print.
    /// </summary>
    internal static class Scheduler
    {
        public static ExecutionPlan Run(AdjointModel differentiated, bool cuda = true)
        {
            var a = TileFusion.Run(WideSums.Run(Vectorizer.Run(differentiated)));
            // The GPU planner pairs a forward loop with its reverse by what they store (indexed tapes, recomputed iterations);
            // a reverse sweep that recomputes running recurrences or per-iteration scratch runs forward statements inside its
            // own loops, which it does not pair. The device plans are made from the adjoint that stores those values (same
            // names, same statements otherwise).
            // The same holds for the CPU's loop order (Raise.LoopInterchange): the device plans start from the user's.
            var device = differentiated.DeviceBody.Count > 0 ? differentiated.Method with { Body = differentiated.DeviceBody } : differentiated.Method;
            var d = !cuda || differentiated.CpuReplays == 0 && differentiated.DeviceBody.Count == 0 ? a
                : TileFusion.Run(WideSums.Run(Vectorizer.Run(Differentiator.Run(device, cpuReplays: false))));
            var forward = new PassPlan { Cpu = DevicePlanner.PlanForward(a.Method, PlanTarget.Cpu, out _) };
            var adjoint = new PassPlan { Cpu = DevicePlanner.PlanAdjoint(a, PlanTarget.Cpu, out _) };
            forward.CpuParallel = CpuLoops.Select(forward.Cpu, forward.CpuNotSplit);
            adjoint.CpuParallel = CpuLoops.Select(adjoint.Cpu, adjoint.CpuNotSplit);

            string? failure = null;
            if (!cuda) failure = "device code generation is off in this project (<DiffGenCuda>false</DiffGenCuda>)";
            else if ((forward.Cuda = DevicePlanner.PlanForward(d.Method, PlanTarget.Cuda, out var ff)) is null) failure = ff;
            else if ((adjoint.Cuda = DevicePlanner.PlanAdjoint(d, PlanTarget.Cuda, out var bf)) is null) { failure = bf; forward.Cuda = null; }

            string? tiling = null;
            if (failure is null && d.Tiles is not null)
            {
                forward.CudaTiled = DevicePlanner.PlanTiledForward(d, out var tf);
                adjoint.CudaTiled = DevicePlanner.PlanTiledAdjoint(d, out var tb);
                if (forward.CudaTiled is null || adjoint.CudaTiled is null)
                {
                    tiling = forward.CudaTiled is null ? tf : tb;
                    forward.CudaTiled = adjoint.CudaTiled = null;
                }
            }
            // Row-block fusion of the tile-fused statements, with each row block's CPU cores decision (RowBlockCores:
            // blocks over workers, or in order and why); on the GPU too when the row-blocked statements plan there
            // (device row blocks: the block's panel GEMMs, kernels and row-range GEMMs per block), else the GPU keeps
            // the tiled form planned above.
            bool same = ReferenceEquals(a, d);
            a = RowBlockFusion.Run(a);
            d = same ? a : RowBlockFusion.Run(d);
            CpuLoops.Tile(forward.Cpu, forward.CpuParallel, a.Tiles?.Body);
            CpuLoops.Tile(adjoint.Cpu, adjoint.CpuParallel, a.Tiles is { } t ? t.ForwardSweep.Concat(t.ReverseSweep) : null);
            string? rowBlocks = null;
            if (forward.CudaTiled is not null && adjoint.CudaTiled is not null && d.Tiles?.RowBlocked is not null)
            {
                var rf = DevicePlanner.PlanTiledForward(d, out var rff);
                var rb = DevicePlanner.PlanTiledAdjoint(d, out var rbf);
                if (rf is not null && rb is not null && rf.RowBlocks.Count > 0 && rb.RowBlocks.Count > 0)
                {
                    forward.CudaTiled = rf;
                    adjoint.CudaTiled = rb;
                }
                else rowBlocks = rf is null ? rff : rb is null ? rbf : "the row blocks did not reach the device program";
            }
            // Last, the CPU forms of the scalar loops of what the CPU runs (the device plans above keep the scalar tape).
            var overwritten = new SortedSet<string>(a.Method.Body.Concat(a.ForwardSweep).OfType<IR.Contract>().Select(c => c.Target), StringComparer.Ordinal);
            var forms = LoopForms.Plan(a);
            // which split loops print their body once (the one-core branch calls the worker's range method)
            CpuLoops.Share(forward.CpuParallel, forms.Forward);
            CpuLoops.Share(adjoint.CpuParallel, forms.Adjoint);
            return new ExecutionPlan(a, cuda, forward, adjoint, forms, failure)
            {
                CudaTilingFailure = tiling,
                CudaRowBlocksFailure = rowBlocks,
                OverwrittenTables = overwritten,
                Frame = CpuFrame.Plan(a, adjoint.CpuParallel),
                // Backward's own adjoint runs on the CPU only (the device Backward runs the plan above)
                BackwardPlan = differentiated.Backward is { } own ? Run(own, cuda: false) : null,
                // the Jacobian's shared sweeps print the materialised statements: a tile-fused form keeps one Backward per row
                JacobianPlan = differentiated.Jacobian is { } jac && Run(jac, cuda: false) is { Model.Tiles: null } jp ? jp : null,
            };
        }
    }
}
