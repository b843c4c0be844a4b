namespace DiffGen.Fuzz
{
    /// <summary>
    /// Constructs the generator gets wrong today, each with its shrunk reproducers under tests/DiffGen.Fuzz/Found. With
    /// <see cref="GenOptions.ExcludeKnownBugs"/> (the CI test, and `--ci`) a construct listed here is left out so that
    /// the CI seed range stays green; without it (the default command line) everything is generated, so a fix shows up
    /// as the failures disappearing. Add a switch (and its uses) only with a reproducer; remove it with the fix.
    ///
    /// Open oracle limitation (not a generator bug as far as we can tell): Found/gradient-float-11771.cs, a float program
    /// (a sum of exps doubled n times, then sin(2·s)·|t|) whose float gradient is 1.8 % from central differences of its
    /// double twin while its value agrees to 1e-4 and its gradient is stable under ulp-sized input moves. The generated
    /// float and double code are the same program line by line (types aside), the result is the same with the generator
    /// as it was before 2026-11-30, so the difference is float rounding of the phase 2·s that the rejection rules do not
    /// detect. No switch: it is not a construct to leave out. Seed 2717 (the same class: sin of a doubled-up sum) failed
    /// CI once on 2026-12-01 and is now rejected by the float-gradient conditioning check, which draws four ulp-sized
    /// input moves instead of one.
    ///
    /// Fixed, each with a regression test (tests/DiffGen.Tests/Corpus/FuzzRegressions.cs, checked by
    /// FuzzRegressionTests and, as corpus methods, by the device-emulation and multi-core tests):
    /// <list type="bullet">
    /// <item>Max/Min of one operand twice: the adjoint compared a value with itself, CS1718 in the generated code
    /// (Found/compile-6.cs, compile-3.cs, compile-184.cs; oracle compile) → FuzzRegressions.MaxOfSameOperand.</item>
    /// <item>An if on a value nested in an if on a value whose branch writes the condition's variable: the forward
    /// pushed the branch flag before the branch ran, so the outer reverse popped an inner flag: zero or wrong gradient,
    /// or "restore stack underflow" (Found/gradient-1566.cs, gradient-1273.cs, gradient-1036.cs, gradient-1001.cs,
    /// gradient-1363.cs, gradient-float-146.cs, crash-63.cs, crash-163.cs; oracles gradient, gradient-float, crash)
    /// → FuzzRegressions.NestedValueBranches.</item>
    /// <item>continue inside an if on a value (Parse turns it into nested ifs: the same bug) (Found/crash-271.cs,
    /// crash-3270.cs; oracle crash) → FuzzRegressions.ContinueInValueBranch.</item>
    /// <item>The device code of a nested step-2 loop used the recomputed counter without declaring it (Found/device-61.cs;
    /// oracle device) → FuzzRegressions.NestedStepTwoLoop.</item>
    /// <item>Harness, not generator: the device oracle compared programs on DeviceCases' own inputs without range
    /// monitoring (Found/device-13974.cs: s += s³ overflows there; CPU and device differ on ∞ arithmetic). The monitors
    /// now run on those inputs first, and out-of-range programs are not compared.</item>
    /// <item>Device gradients after an if/else on a value (the same branch-flag order, on the device tape)
    /// (Found/device-234.cs, device-84.cs; oracle device) → FuzzRegressions.ValueBranchWithLocalArray.</item>
    /// </list>
    /// </summary>
    public static class KnownBugs
    {
    }
}
