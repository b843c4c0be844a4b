using System;
using System.Collections.Generic;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><c>List&lt;int&gt;[]</c> and <c>IReadOnlyList&lt;int&gt;[]</c> parameters (issue 10): values, gradients, a null list.</summary>
    public class AdjacencyListsTests
    {
        private static List<int>[] Ring(int n) // each node's neighbours: the next one, and the one after for even nodes; node 0 none
        {
            var adj = new List<int>[n];
            for (int i = 0; i < n; i++)
            {
                adj[i] = new List<int>();
                if (i == 0) continue;
                adj[i].Add((i + 1) % n);
                if (i % 2 == 0) adj[i].Add((i + 2) % n);
            }
            return adj;
        }

        [Theory]
        [InlineData(1, 2)]
        [InlineData(6, 3)]
        public void GraphConvolution_ValueAndGradients(int n, int f)
        {
            var rng = new Random(n + 10 * f);
            var h = TestData.Matrix(rng, n, f);
            var w = TestData.Matrix(rng, f, f);
            var adj = Ring(n);
            var gh = TestData.Garbage(h);
            var gw = TestData.Garbage(w);
            double value = AdjacencyLists.GraphConvolutionBackward(h, w, adj, gh, gw);
            double expected = AdjacencyLists.GraphConvolution(h, w, adj);
            Check.Forward(expected, value, "value");
            Check.Forward(expected, AdjacencyLists.GraphConvolutionForward(h, w, adj), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => AdjacencyLists.GraphConvolution(h, w, adj), h), gh, "dh");
            Check.Gradient(FiniteDiff.Gradient(() => AdjacencyLists.GraphConvolution(h, w, adj), w), gw, "dw");
        }

        [Fact]
        public void Smoothness_ReadOnlyLists()
        {
            var rng = new Random(4);
            var x = TestData.Vector(rng, 7);
            IReadOnlyList<int>[] nb = Ring(7);
            var gx = TestData.Garbage(x);
            double value = AdjacencyLists.SmoothnessBackward(x, nb, gx);
            Check.Forward(AdjacencyLists.Smoothness(x, nb), value, "value");
            Check.Gradient(FiniteDiff.Gradient(() => AdjacencyLists.Smoothness(x, nb), x), gx, "dx");
        }

        [Fact]
        public void NullList_ThrowsNamingTheParameter()
        {
            var adj = Ring(3);
            adj[1] = null!;
            var ex = Assert.Throws<ArgumentException>(() => AdjacencyLists.GraphConvolutionForward(new double[3, 2], new double[2, 2], adj));
            Assert.Equal("adj", ex.ParamName);
            var none = Assert.Throws<ArgumentNullException>(() => AdjacencyLists.GraphConvolutionForward(new double[3, 2], new double[2, 2], null!));
            Assert.Equal("adj", none.ParamName);
        }
    }
}
