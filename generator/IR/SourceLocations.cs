using System.Linq;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// Source locations in the IR (<see cref="For.Origin"/>) serve the remarks only. The code path runs on a model
    /// without them, so an edit above a method, which moves every location, leaves Raise → Emit cached.
    /// </summary>
    internal static class SourceLocations
    {
        public static MethodModel Strip(MethodModel m) => m with { Body = m.Body.Select(Strip).ToEquatable() };

        private static Stmt Strip(Stmt s) => s switch
        {
            For f => f with { Origin = null, Body = f.Body.Select(Strip).ToEquatable() },
            If i => i with { Then = i.Then.Select(Strip).ToEquatable(), Else = i.Else.Select(Strip).ToEquatable() },
            Block b => b with { Body = b.Body.Select(Strip).ToEquatable() },
            _ => s,
        };
    }
}
