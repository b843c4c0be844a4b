using System.Collections.Generic;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// Entry checks against aliasing: every array the call writes (outputs; in Backward also the gradient buffers)
    /// against every other array argument of the same type. Arrays of different element types or ranks cannot be
    /// the same object and are not compared. A written jagged array's rows are checked too: distinct, and not rows of
    /// another jagged argument of its type (iterations that own a row may run on different cores).
    /// </summary>
    internal static class AliasChecks
    {
        /// <param name="arrays">every array argument in signature order: name, type, whether the call writes it.</param>
        public static void Write(CSharpWriter w, IReadOnlyList<(string Name, IrType Type, bool Written)> arrays)
        {
            for (int i = 0; i < arrays.Count; i++)
            {
                var a = arrays[i];
                if (!a.Written) continue;
                var others = new List<string>();
                for (int j = 0; j < arrays.Count; j++)
                {
                    var b = arrays[j];
                    if (i == j || a.Type != b.Type || (b.Written && j < i)) continue; // each written pair once
                    others.Add(b.Name);
                }
                if (a.Type.Shape == Shape.Jagged)
                {
                    // rows too: iterations own rows, and a row shared within the array or with another argument is written twice
                    var jagged = new List<string>();
                    for (int j = 0; j < arrays.Count; j++)
                        if (i != j && arrays[j].Type == a.Type) jagged.Add(arrays[j].Name);
                    w.Line($"global::DiffGen.Reverse.Shapes.RowsNotAliased({a.Name}, nameof({a.Name}), [{string.Join(", ", jagged)}], \"{string.Join(", ", jagged)}\");");
                }
                if (others.Count == 0) continue;
                w.Line($"global::DiffGen.Reverse.Shapes.NotAliased({a.Name}, nameof({a.Name}), [{string.Join(", ", others)}], \"{string.Join(", ", others)}\");");
            }
        }
    }
}
