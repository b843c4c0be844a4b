using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>An unrelated edit must leave the named pipeline steps cached: the models are value-equatable.</summary>
    public class IncrementalTests
    {
        private const string Source = @"using System; using DiffGen;
public static partial class Losses
{
    [Differentiable]
    public static double Sq(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
        return s;
    }

    public static int Unrelated() => 1;
}";

        private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult run, string step) =>
            run.Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

        [Fact]
        public void UnrelatedFileLeavesEverythingCached()
        {
            var compilation = GeneratorHarness.Compile(Source);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var next = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public static class Other { public static int Two() => 2; }", GeneratorHarness.ParseOptions));
            var run = driver.RunGenerators(next).GetRunResult();

            Assert.All(Reasons(run, DifferentiableGenerator.TrackingNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
            foreach (var step in new[] { DifferentiableGenerator.TrackingNames.Model, DifferentiableGenerator.TrackingNames.Raise,
                                         DifferentiableGenerator.TrackingNames.Differentiate, DifferentiableGenerator.TrackingNames.Schedule, DifferentiableGenerator.TrackingNames.Emit })
                Assert.All(Reasons(run, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        }

        /// <summary>A helper without [Differentiable] is inlined: editing it in its own file regenerates the methods that call it.</summary>
        [Fact]
        public void EditingAHelperInAnotherFileRegeneratesItsCaller()
        {
            const string Caller = @"using System; using DiffGen;
public static partial class Losses
{
    [Differentiable]
    public static double Loss(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += Mathx.Act(x[i]); return s; }
}";
            const string Helper = "public static class Mathx { public static double Act(double v) => v * v; }";
            var compilation = GeneratorHarness.Compile(Caller, Helper);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            string Generated(GeneratorDriver d) => string.Join("\n", d.GetRunResult().GeneratedTrees.Select(t => t.ToString()));
            var before = Generated(driver);
            Assert.Contains("Act_v * Act_v", before);
            var oldTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Mathx"));
            var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Helper.Replace("v * v", "System.Math.Tanh(v)")));
            driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));
            var after = Generated(driver);
            Assert.DoesNotContain("Act_v * Act_v", after);
            Assert.Contains("Tanh(Act_v)", after);
            Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver.GetRunResult(), DifferentiableGenerator.TrackingNames.Parse));
        }

        /// <summary>A dispatched call lists the classes of the whole compilation: a class added in another file joins the switch.</summary>
        [Fact]
        public void AClassAddedInAnotherFileJoinsTheDispatchSwitch()
        {
            const string Model = @"using System; using DiffGen;
public interface IAct { double Apply(double z); }
public sealed class Relu : IAct { public double Apply(double z) => z > 0 ? z : 0; }
public sealed partial class Net
{
    public IAct Act = new Relu();
    [Differentiable]
    public double Loss(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += Act.Apply(x[i]); return s; }
}";
            var compilation = GeneratorHarness.Compile(Model);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            string Generated(GeneratorDriver d) => string.Join("\n", d.GetRunResult().GeneratedTrees.Select(t => t.ToString()));
            Assert.Contains("typeof(global::Relu)", Generated(driver));
            Assert.DoesNotContain("typeof(global::Swish)", Generated(driver));
            driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
                "public sealed class Swish : IAct { public double Apply(double z) => z / (1 + System.Math.Exp(-z)); }", GeneratorHarness.ParseOptions)));
            var after = Generated(driver);
            Assert.Contains("typeof(global::Relu)", after);
            Assert.Contains("typeof(global::Swish)", after);
        }

        [Fact]
        public void EditInSameFileReparsesButLaterStepsStayCached()
        {
            var compilation = GeneratorHarness.Compile(Source);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var oldTree = compilation.SyntaxTrees.Single();
            var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("=> 1;", "=> 42;")));
            var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

            Assert.All(Reasons(run, DifferentiableGenerator.TrackingNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
            Assert.All(Reasons(run, DifferentiableGenerator.TrackingNames.Differentiate), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
            Assert.All(Reasons(run, DifferentiableGenerator.TrackingNames.Emit), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        }

        /// <summary>
        /// An edit above the method moves every source location in it. Locations serve the remarks only: the code path
        /// runs on the model without them, so Raise → Schedule → Emit stay cached, while the remarks move with the code.
        /// </summary>
        [Fact]
        public void EditAboveTheMethodLeavesRaiseToEmitCachedAndMovesTheRemarks()
        {
            const string Loss = @"using System; using DiffGen;
public static partial class Losses
{
    public static int Unrelated() => 1;

    [Differentiable]
    public static double Gram(double[,] z)
    {
        int n = z.GetLength(0), d = z.GetLength(1);
        double s = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int k = 0; k < d; k++) dot += z[i, k] * z[j, k];
                s += Math.Exp(dot);
            }
        return s;
    }
}";
            var compilation = GeneratorHarness.Compile(Loss);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var first = driver.GetRunResult().Diagnostics.Where(d => d.Id == "DIFF0016").Select(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();
            Assert.NotEmpty(first);
            var oldTree = compilation.SyntaxTrees.Single();
            var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Loss.Replace("    public static int Unrelated() => 1;\n",
                "    public static int Unrelated() => 1;\n    // a comment\n    public static int Another() => 2;\n")));
            var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

            Assert.Contains(Reasons(run, DifferentiableGenerator.TrackingNames.Model), r => r == IncrementalStepRunReason.Modified); // the locations moved
            foreach (var step in new[] { DifferentiableGenerator.TrackingNames.Raise, DifferentiableGenerator.TrackingNames.Differentiate,
                                         DifferentiableGenerator.TrackingNames.Schedule, DifferentiableGenerator.TrackingNames.Emit })
                Assert.All(Reasons(run, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
            var moved = run.Diagnostics.Where(d => d.Id == "DIFF0016").Select(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();
            Assert.Equal(first.Select(l => l + 2), moved);
        }

        [Fact]
        public void EditOfTheMethodRegenerates()
        {
            var compilation = GeneratorHarness.Compile(Source);
            var driver = GeneratorHarness.Driver().RunGenerators(compilation);
            var oldTree = compilation.SyntaxTrees.Single();
            var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("x[i] * x[i]", "x[i] * x[i] * x[i]")));
            var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();
            Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, DifferentiableGenerator.TrackingNames.Emit));
        }

        /// <summary>No Roslyn object (symbol, syntax, location, compilation) or reference-equality collection anywhere in the model types.</summary>
        [Fact]
        public void ModelHoldsNoSymbolsSyntaxOrMutableCollections()
        {
            var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree) };
            var asm = typeof(DifferentiableGenerator).Assembly;
            var modelTypes = asm.GetTypes().Where(t => t.Namespace is "DiffGen.Generator.Model" or "DiffGen.Generator.IR" or "DiffGen.Generator.Differentiate"
                && (t.GetMethod("<Clone>$") is not null || t.IsValueType) && !t.IsEnum);
            int checkedTypes = 0;
            foreach (var t in modelTypes)
            {
                checkedTypes++;
                foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    var pt = p.PropertyType;
                    Assert.False(forbidden.Any(f => f.IsAssignableFrom(pt)), $"{t.Name}.{p.Name} holds a {pt.Name}");
                    Assert.False(pt.IsArray, $"{t.Name}.{p.Name} is an array (reference equality)");
                    Assert.False(pt.IsGenericType && pt.GetGenericTypeDefinition() == typeof(List<>), $"{t.Name}.{p.Name} is a List<T>");
                    Assert.False(pt.IsGenericType && pt.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>), $"{t.Name}.{p.Name} is an ImmutableArray (reference equality)");
                }
            }
            Assert.True(checkedTypes > 20, $"only {checkedTypes} model types found");
        }
    }
}
