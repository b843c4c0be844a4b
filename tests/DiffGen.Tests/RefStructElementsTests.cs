using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Ref locals into local struct arrays (<see cref="RefStructElements"/>), checked by <see cref="MethodOracle"/>.</summary>
    public class RefStructElementsTests
    {
        private static readonly Type T = typeof(RefStructElements);

        [Theory]
        [InlineData(1, 0)]
        [InlineData(6, 50)]
        [InlineData(13, 200)]
        public void ParticleSystemEnergy(int n, int steps)
        {
            var rng = new Random(n + steps);
            MethodOracle.Check(T, nameof(RefStructElements.ParticleSystemEnergy), new object?[] { TestData.Vector(rng, n, 0.5), 1.3, 0.2, steps, 0.01 });
        }

        [Theory]
        [InlineData(2)]
        [InlineData(9)]
        public void ChainStep(int n)
        {
            var rng = new Random(n * 3);
            MethodOracle.Check(T, nameof(RefStructElements.ChainStep), new object?[] { TestData.Vector(rng, n), TestData.Vector(rng, n), 0.7, 0.05 });
        }
    }
}

namespace DiffGen.Tests
{
    /// <summary>Struct-valued computed properties (<see cref="StructValuedProperties"/>), checked by <see cref="MethodOracle"/>.</summary>
    public class StructValuedPropertiesTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        public void RotatedPointsScore(int n)
        {
            var rng = new Random(n + 30);
            MethodOracle.Check(typeof(StructValuedProperties), nameof(StructValuedProperties.RotatedPointsScore), new object?[] { 0.9, 0.2, -0.3, 0.1, TestData.Matrix(rng, n, 3) });
        }
    }
}
