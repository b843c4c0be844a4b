using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>A variable of the adjoint method declared once at its top (user locals, counters, adjoints).</summary>
    internal sealed record HoistedLocal(string Name, IrType Type);

    /// <summary>A primal variable or array and the name of its adjoint.</summary>
    internal sealed record AdjointName(string Primal, string Adjoint, IrType Type);

    /// <summary>
    /// Output of Differentiate: the method, its primal IR (for Forward), and the adjoint method's forward
    /// sweep (primal plus stores of overwritten values) and reverse sweep, all as IR. <see cref="Tiles"/>: Schedule's
    /// fused CPU version of the three, when it fused a contraction (the lists above stay the materialised form).
    /// </summary>
    internal sealed record AdjointModel(
        MethodModel Method,
        EquatableArray<HoistedLocal> Locals,
        EquatableArray<AdjointName> Adjoints,
        EquatableArray<Stmt> ForwardSweep,
        EquatableArray<Stmt> ReverseSweep,
        string SeedName,
        string ResultName,
        int RestoredValues,
        Schedule.TilePlan? Tiles = null)
    {
        /// <summary>Loops whose values the reverse sweep recomputes in the CPU form only, instead of reading them from the
        /// restore stack: running recurrences (Differentiator.RecurrenceReplay) and per-iteration scratch
        /// (Differentiator.ScratchReplay); the device plans are made from the form without them.</summary>
        public int CpuReplays { get; init; }

        /// <summary>The raised body in the user's loop order when <see cref="Method"/> holds the CPU's (Raise.LoopInterchange):
        /// the device plans are made from it. Empty when the two are the same.</summary>
        public EquatableArray<Stmt> DeviceBody { get; init; }

        /// <summary>Backward's own adjoint (<see cref="BackwardAdjoint"/>): the inputs Backward returns no gradient for taken as
        /// constants. Null when it would do no less work than this one, which then serves Backward too.</summary>
        public AdjointModel? Backward { get; init; }

        /// <summary>The outputs the reverse sweep writes (restores from the stack, or passes to a call that writes them): the
        /// adjoint keeps their forward results and puts them back for Backward. An output the reverse sweep never writes still
        /// holds them.</summary>
        public EquatableArray<string> RestoredOutputs { get; init; }

        /// <summary>Backward's own adjoint only: the parameters whose adjoint neither sweep mentions (data, [Constant] inputs, a
        /// weight the value does not depend on). The method takes no adjoint argument for them, so Backward allocates none.</summary>
        public EquatableArray<string> UnusedAdjoints { get; init; }

        /// <summary>
        /// The sweeps of the Jacobian method (<see cref="BackwardAdjoint.SharedSweeps"/>): Backward's form (inputs it returns no
        /// gradient for taken as constants, outputs not restored), when its forward sweep stores nothing and its reverse sweep
        /// writes no float/double variable or array but adjoints, so one forward sweep serves the reverse sweep of every row.
        /// Null when the method asked for no Jacobian, or its rows each need a Backward of their own.
        /// </summary>
        public AdjointModel? Jacobian { get; init; }
    }
}
