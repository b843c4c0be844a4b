using System;
using System.Linq;
using System.Text.Json;

namespace DiffGen.GradBench.Tests
{
    /// <summary>
    /// gradbench's validation measure, |x - y| / max(1, |x| + |y|), applied element by element to two
    /// outputs of the same structure (numbers, arrays, objects with the same keys).
    /// </summary>
    public static class GradBenchMeasure
    {
        public static double Error(double x, double y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(x) + Math.Abs(y));

        /// <summary>The largest error over all elements; throws with a path when the structures differ.</summary>
        public static (double Error, string Where) MaxError(JsonElement actual, JsonElement expected, string path = "output")
        {
            switch (expected.ValueKind)
            {
                case JsonValueKind.Number:
                    if (actual.ValueKind != JsonValueKind.Number)
                        throw new StructureException($"{path}: expected a number, got {actual.ValueKind}");
                    return (Error(actual.GetDouble(), expected.GetDouble()), path);
                case JsonValueKind.Array:
                {
                    if (actual.ValueKind != JsonValueKind.Array)
                        throw new StructureException($"{path}: expected an array, got {actual.ValueKind}");
                    int n = expected.GetArrayLength();
                    if (actual.GetArrayLength() != n)
                        throw new StructureException($"{path}: expected {n} elements, got {actual.GetArrayLength()}");
                    (double, string) worst = (0, path);
                    int i = 0;
                    foreach (var (a, e) in actual.EnumerateArray().Zip(expected.EnumerateArray()))
                    {
                        var r = MaxError(a, e, $"{path}[{i++}]");
                        if (r.Item1 > worst.Item1 || double.IsNaN(r.Item1)) worst = r;
                    }
                    return worst;
                }
                case JsonValueKind.Object:
                {
                    if (actual.ValueKind != JsonValueKind.Object)
                        throw new StructureException($"{path}: expected an object, got {actual.ValueKind}");
                    var expectedKeys = expected.EnumerateObject().Select(p => p.Name).OrderBy(s => s, StringComparer.Ordinal).ToArray();
                    var actualKeys = actual.EnumerateObject().Select(p => p.Name).OrderBy(s => s, StringComparer.Ordinal).ToArray();
                    if (!expectedKeys.SequenceEqual(actualKeys))
                        throw new StructureException($"{path}: expected keys {{{string.Join(", ", expectedKeys)}}}, got {{{string.Join(", ", actualKeys)}}}");
                    (double, string) worst = (0, path);
                    foreach (string key in expectedKeys)
                    {
                        var r = MaxError(actual.GetProperty(key), expected.GetProperty(key), $"{path}.{key}");
                        if (r.Item1 > worst.Item1 || double.IsNaN(r.Item1)) worst = r;
                    }
                    return worst;
                }
                default:
                    throw new StructureException($"{path}: unexpected {expected.ValueKind} in the reference");
            }
        }

        public sealed class StructureException : Exception
        {
            public StructureException(string message) : base(message) { }
        }
    }
}
