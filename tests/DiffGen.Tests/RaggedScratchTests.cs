using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="RaggedScratch"/>: per-row scratch arrays of changing size, by the oracle, on rows of different lengths (one empty).</summary>
    public class RaggedScratchTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(RaggedScratch), name, args);

        private static double[][] Rows(int seed, params int[] lengths)
        {
            var r = new Random(seed);
            return lengths.Select(l => Enumerable.Range(0, l).Select(_ => 2 * r.NextDouble() - 1).ToArray()).ToArray();
        }

        [Fact]
        public void MdnNegLogLikelihood_with_mixtures_of_different_sizes() =>
            Check("MdnNegLogLikelihood", Rows(1801, 3, 1, 5, 2), Rows(1802, 3, 1, 5, 2), Rows(1803, 3, 1, 5, 2), new[] { 0.1, -0.3, 0.5, 0.2 });

        [Fact]
        public void MdnNegLogLikelihood_longest_row_first_and_last()
        {
            Check("MdnNegLogLikelihood", Rows(1804, 6, 2, 3), Rows(1805, 6, 2, 3), Rows(1806, 6, 2, 3), new[] { 0.4, 0.0, -0.2 });
            Check("MdnNegLogLikelihood", Rows(1807, 1, 2, 7), Rows(1808, 1, 2, 7), Rows(1809, 1, 2, 7), new[] { 0.4, 0.0, -0.2 });
        }

        [Fact]
        public void RaggedSoftmaxWithOther() => Check("RaggedSoftmaxWithOther", Rows(1810, 2, 5, 3, 0), new[] { 2, 5, 0, 0 });

        [Fact]
        public void BagMaxPool_with_an_empty_bag()
        {
            var f = Rows(1811, 12)[0];
            Check("BagMaxPool", f, new[] { 3, 0, 5, 4 }, new[] { 0, 3, 3, 8 });
        }

        [Fact]
        public void The_second_call_with_longer_rows_gets_a_large_enough_buffer()
        {
            // the buffer is rented per call at the longest row of that call: a short call, then a long one
            Check("RaggedSoftmaxWithOther", Rows(1812, 1, 1), new[] { 0, 1 });
            Check("RaggedSoftmaxWithOther", Rows(1813, 9, 30, 4), new[] { 9, 3, 2 });
        }
    }
}
