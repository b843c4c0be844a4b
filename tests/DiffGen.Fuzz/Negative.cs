using System;
using System.Linq;

namespace DiffGen.Fuzz
{
    /// <summary>
    /// Programs deliberately outside the subset: a valid generated program with one offending statement injected at its
    /// top level. The generator must report the README's diagnostic for it (README "Diagnostics").
    /// </summary>
    public static class Negative
    {
        /// <summary>(expected id, statement text; {T} {M} {L1} {L05} are the precision's type, Math class and literals).</summary>
        public static readonly (string Id, string Text)[] Templates =
        {
            ("DIFF0003", "switch (0) { case 0: if (s0 > {L05}) break; s0 += {L05}; break; }"), // (while, do/while, break and return in loops, and switch, are in the subset since issue 10; a break that leaves a section early is not)
            ("DIFF0003", "lock (typeof(object)) { s0 = s0 + {L05}; }"), // (checked/unchecked blocks are in the subset since issue 10, round 6)
            ("DIFF0003", "try { s0 += {L05}; } finally { }"),
            ("DIFF0009", "for (int bq = 0; bq < 4; bq--) { s0 += {L05}; }"), // (any other for is a while loop since issue 10; a counter moving away from its bound never stops)
            // (reassigned ints are in the subset since issue 10, ints computed from values since round 12; a loop bound or an array
            // size computed from values is not)
            ("DIFF0010", "{T} tq = 0;\nfor (int bq = 0; bq < (int){M}.Abs(s0) % 3; bq++) { tq += {L05}; }\ns0 += tq;"),
            ("DIFF0010", "{T}[] aq = new {T}[(int){M}.Abs(s0) % 3 + 1];\naq[0] = s0;\ns0 += aq[0];"),
            // (a fixed size is in the subset since issue 10, a size bounded by a for loop's counter since 2026-12-05; one read from
            // an int the loop reassigns is not)
            ("DIFF0013", "int kq = 0;\nwhile (kq < 2) { {T}[] aq = new {T}[kq + 1]; aq[0] = s0; s0 += aq[0]; kq++; }"),
            ("DIFF0005", "s0 += {M}.Asinh(s0);"), // (Floor is in the subset since 2026-12-01, derivative 0)
            ("DIFF0009", "for (int bq = 4; bq > 0; bq++) { s0 += {L05}; }"),
            ("DIFF0011", "return RET;\ns0 += {L05};"), // (a return inside an if or a loop is in the subset since issue 10)
            // (a lambda in a local is in the subset since issue 10: inlined where it is called)
            ("DIFF0002", "decimal dq = 2;\ns0 += {L05};"),
        };

        public static void Inject(FuzzProgram p, Random r)
        {
            var (id, text) = Templates[r.Next(Templates.Length)];
            var m = p.Main;
            text = text.Replace("RET", m.Returns ? "s0" : "").Replace("return ;", "return;");
            int pinned = m.Body.Count(s => s.Pinned);
            m.Body.Insert(pinned + r.Next(m.Body.Count - pinned + 1), new Raw(text));
            p.ExpectedDiagnostic = id;
            p.Features.Add("negative " + id);
        }
    }
}
