using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Selectors naming another file's helpers (<see cref="SelectorHelpers"/>): central differences, Forward, seeds, inputs left alone.</summary>
    public class SelectorHelpersTests
    {
        [Fact]
        public void Gelu_and_softplus_from_another_file()
        {
            var r = new Random(5001);
            MethodOracle.Check(typeof(SelectorHelpers), nameof(SelectorHelpers.GeluHead), new object?[] { TestData.Vector(r, 6), TestData.Vector(r, 6) });
        }

        [Fact]
        public void Rows_made_by_another_files_helper()
        {
            var r = new Random(5002);
            MethodOracle.Check(typeof(SelectorHelpers), nameof(SelectorHelpers.CenteredRows), new object?[] { TestData.Jagged(r, 4, 3), TestData.Vector(r, 3) });
        }
    
        [Fact]
        public void A_list_locals_values_copied_by_ToArray()
        {
            var r = new Random(5003);
            MethodOracle.Check(typeof(SelectorHelpers), nameof(SelectorHelpers.PooledFeatures), new object?[] { TestData.Vector(r, 7), TestData.Matrix(r, 3, 2) });
        }
    }
}
