using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Removes 'continue' from a loop body by moving the statements that follow an if-with-continue into the
    /// branches that fall through, so Differentiate only sees structured if/else:
    /// <c>if (c) continue; rest</c> becomes <c>if (c) { } else { rest }</c>. Rest may be duplicated when both
    /// branches fall through; that costs code size, never correctness.
    /// </summary>
    internal static class ContinueNormalizer
    {
        public static List<Stmt> Normalize(IReadOnlyList<Stmt> body) => Seq(body.ToList());

        private static List<Stmt> Seq(List<Stmt> stmts)
        {
            var result = new List<Stmt>();
            for (int i = 0; i < stmts.Count; i++)
            {
                var s = stmts[i];
                if (s is Continue) return result;
                if (s is If f && ContainsContinue(f))
                {
                    var rest = stmts.Skip(i + 1).ToList();
                    var then = Seq(f.Then.Concat(rest).ToList());
                    var els = Seq(f.Else.Concat(rest).ToList());
                    result.Add(new If(f.Condition, then.ToEquatable(), els.ToEquatable()));
                    return result;
                }
                result.Add(s);
            }
            return result;
        }

        // Continues inside nested for-loops belong to those loops and were normalised when they were lowered.
        private static bool ContainsContinue(Stmt s) => s switch
        {
            Continue => true,
            If f => f.Then.Any(ContainsContinue) || f.Else.Any(ContainsContinue),
            Block b => b.Body.Any(ContainsContinue),
            _ => false,
        };
    }
}
