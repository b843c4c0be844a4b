using System.Collections.Generic;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// Identity of a statement occurrence. IR records compare by value, so two identical statements at different
    /// places would be one key; passes that attach facts to a place (to-be-recorded flags, raised reads) use this.
    /// </summary>
    internal sealed class StmtReferenceComparer : IEqualityComparer<Stmt>
    {
        public static readonly StmtReferenceComparer Instance = new();
        public bool Equals(Stmt? x, Stmt? y) => ReferenceEquals(x, y);
        public int GetHashCode(Stmt obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
