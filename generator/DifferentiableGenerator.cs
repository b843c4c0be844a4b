using System;
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

            var diagnostics = parsed.Select(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, diags) =>
            {
                foreach (var d in diags) spc.ReportDiagnostic(d.ToDiagnostic());
            });

            var raised = parsed
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => r.Model!).WithTrackingName(TrackingNames.Model)
                .Select(static (m, _) => Raiser.Run(m)).WithTrackingName(TrackingNames.Raise);

            var remarks = raised.Select(static (r, _) => r.Remarks).WithTrackingName(TrackingNames.Remarks);
            context.RegisterSourceOutput(remarks, static (spc, diags) =>
            {
                foreach (var d in diags) spc.ReportDiagnostic(d.ToDiagnostic());
            });

            // <DiffGenCuda>false</DiffGenCuda> in the project (a CompilerVisibleProperty, see runtime/build/DiffGen.props)
            // leaves out the CUDA source and device entry points: CPU-only applications compile less code.
            var cuda = context.AnalyzerConfigOptionsProvider.Select(static (o, _) =>
                !(o.GlobalOptions.TryGetValue("build_property.DiffGenCuda", out var v) && string.Equals(v.Trim(), "false", StringComparison.OrdinalIgnoreCase)));

            var files = raised
                .Select(static (r, _) => Differentiator.Run(r.Model)).WithTrackingName(TrackingNames.Differentiate)
                .Select(static (a, _) => TileFusion.Run(WideSums.Run(Vectorizer.Run(a)))).WithTrackingName(TrackingNames.Schedule)
                .Combine(cuda)
                .Select(static (x, _) => DifferentiableEmitter.Emit(x.Left, x.Right)).WithTrackingName(TrackingNames.Emit);

            context.RegisterSourceOutput(files, static (spc, f) => spc.AddSource(f.HintName, f.Source));
        }
    }
}
