using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.Emit;
using DiffGen.Generator.Parse;
using DiffGen.Generator.Raise;
using DiffGen.Generator.Schedule;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator
{
    /// <summary>
    /// Entry point. Pipeline, one direction, each step a pure function of the previous one:
    /// Parse (Roslyn → loop IR + diagnostics) → Raise (loops → array operations such as GEMM) →
    /// Differentiate (IR → forward + reverse sweeps) → Schedule (which loops run as SIMD) → Emit (C#).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DifferentiableGenerator : IIncrementalGenerator
    {
        /// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
        public static class TrackingNames
        {
            public const string Parse = nameof(Parse);
            public const string Diagnostics = nameof(Diagnostics);
            public const string Model = nameof(Model);
            public const string Unlocated = nameof(Unlocated);
            public const string Raise = nameof(Raise);
            public const string Remarks = nameof(Remarks);
            public const string Differentiate = nameof(Differentiate);
            public const string Schedule = nameof(Schedule);
            public const string Emit = nameof(Emit);
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DifferentiableParser.AttributeName,
                    static (node, _) => node is MethodDeclarationSyntax,
                    DifferentiableParser.Parse)
                .WithTrackingName(TrackingNames.Parse);

            // Collected: a problem inside a helper that several methods inline is one diagnostic, not one per caller.
            var diagnostics = parsed.Select(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.Diagnostics).Collect();
            context.RegisterSourceOutput(diagnostics, static (spc, all) =>
            {
                var seen = new HashSet<DiagnosticInfo>();
                foreach (var diags in all)
                    foreach (var d in diags)
                        if (seen.Add(d)) spc.ReportDiagnostic(d.ToDiagnostic());
            });

            var models = parsed
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => r.Model!).WithTrackingName(TrackingNames.Model);

            // Remarks (DIFF0016) point at loops, so they are computed from the model with source locations; the code
            // path runs on the model without them (SourceLocations), so an edit above a method leaves Raise → Emit cached.
            var remarks = models.Select(static (m, _) =>
            {
                var r = Raiser.Run(m);
                return r.Remarks.Concat(TileFusion.Remarks(r)).ToEquatable();
            }).WithTrackingName(TrackingNames.Remarks);
            context.RegisterSourceOutput(remarks, static (spc, diags) =>
            {
                foreach (var d in diags) spc.ReportDiagnostic(d.ToDiagnostic());
            });

            // <DiffGenCuda>false</DiffGenCuda> in the project (a CompilerVisibleProperty, see runtime/build/DiffGen.props)
            // leaves out the CUDA source and device entry points: CPU-only applications compile less code.
            var cuda = context.AnalyzerConfigOptionsProvider.Select(static (o, _) =>
                !(o.GlobalOptions.TryGetValue("build_property.DiffGenCuda", out var v) && string.Equals(v.Trim(), "false", StringComparison.OrdinalIgnoreCase)));

            var files = models
                .Select(static (m, _) => SourceLocations.Strip(m)).WithTrackingName(TrackingNames.Unlocated)
                .Select(static (m, _) => Raiser.Run(m).Model).WithTrackingName(TrackingNames.Raise)
                .Select(static (m, _) => BackwardAdjoint.Run(m)).WithTrackingName(TrackingNames.Differentiate)
                .Combine(cuda)
                .Select(static (x, _) => Scheduler.Run(x.Left, x.Right)).WithTrackingName(TrackingNames.Schedule)
                .Select(static (p, _) => DifferentiableEmitter.Emit(p)).WithTrackingName(TrackingNames.Emit);

            context.RegisterSourceOutput(files, static (spc, f) =>
            {
                spc.AddSource(f.Cpu.HintName, f.Cpu.Source);
                if (f.Cuda is not null) spc.AddSource(f.Cuda.HintName, f.Cuda.Source);
            });
        }
    }
}
