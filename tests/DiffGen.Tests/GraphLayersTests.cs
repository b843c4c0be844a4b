using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Graph convolutions over List&lt;int&gt;[] adjacency given to a layer's method (<see cref="MeanGcn"/>): weight gradients against central differences.</summary>
    public class GraphLayersTests
    {
        [Fact]
        public void Graph_convolutions_over_adjacency_lists()
        {
            var r = new Random(5101);
            var m = new MeanGcn
            {
                G1 = new MeanGraphConv { Self = TestData.Matrix(r, 4, 3, 0.5), Neighbour = TestData.Matrix(r, 4, 3, 0.5) },
                G2 = new MeanGraphConv { Self = TestData.Matrix(r, 2, 4, 0.5), Neighbour = TestData.Matrix(r, 2, 4, 0.5) },
            };
            var x = TestData.Jagged(r, 5, 3);
            var adj = new[] { new List<int> { 1, 2 }, new List<int> { 0 }, new List<int> { 0, 3, 4 }, new List<int> { 2 }, new List<int>() };
            double value = m.Loss(x, adj);
            Check.Forward(value, m.LossForward(x, adj), "Forward");
            var g = new[] { m.G1.Self, m.G1.Neighbour, m.G2.Self, m.G2.Neighbour }.Select(TestData.Garbage).ToArray();
            Check.Forward(value, m.LossBackward(x, adj, g[0], g[1], g[2], g[3]), "Backward value");
            double L() => m.Loss(x, adj);
            Check.Gradient(FiniteDiff.Gradient(L, m.G1.Self), g[0], "dG1.Self");
            Check.Gradient(FiniteDiff.Gradient(L, m.G1.Neighbour), g[1], "dG1.Neighbour");
            Check.Gradient(FiniteDiff.Gradient(L, m.G2.Self), g[2], "dG2.Self");
            Check.Gradient(FiniteDiff.Gradient(L, m.G2.Neighbour), g[3], "dG2.Neighbour");
            Assert.Equal(2, adj[0].Count);
        }
    }
}
