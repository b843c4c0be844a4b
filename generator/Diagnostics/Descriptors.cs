using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic DiffGen reports; ids DIFF0001..DIFF0099 are reserved. Each one is explained, with an example that
    /// triggers it and what to write instead, under its own anchor in docs/diagnostics.md, which its help link points to.
    /// </summary>
    internal static class Descriptors
    {
        private const string Category = "DiffGen";

        /// <summary>
        /// Where docs/diagnostics.md is published; help links are this plus '#' and the lower-case id. The repository has
        /// no public address yet: this is the one place that defines it, and it must match the published repository
        /// (docs/diagnostics.md says so too).
        /// </summary>
        public const string HelpBase = "https://github.com/diffgen/diffgen/blob/main/docs/diagnostics.md";

        public static string HelpLink(string id) => HelpBase + "#" + id.ToLowerInvariant();

        private static DiagnosticDescriptor Make(string id, string title, string message, DiagnosticSeverity severity) =>
            new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

        private static DiagnosticDescriptor Error(string id, string title, string message) => Make(id, title, message, DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor NotStaticPartial = Error("DIFF0001",
            "[Differentiable] needs a static method in a partial type",
            "'{0}' cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor UnsupportedType = Error("DIFF0002",
            "Unsupported type in a differentiable method",
            "{1} has the type '{0}', which cannot be differentiated: {2}");

        public static readonly DiagnosticDescriptor UnsupportedStatement = Error("DIFF0003",
            "Unsupported statement in a differentiable method",
            "'{0}' statements cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor UnsupportedExpression = Error("DIFF0004",
            "Unsupported expression in a differentiable method",
            "'{0}' cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor NotDifferentiableCall = Error("DIFF0005",
            "Call to a method that is not differentiable",
            "'{0}' is not differentiable: {1}");

        public static readonly DiagnosticDescriptor Recursion = Error("DIFF0006",
            "Recursive differentiable methods are not supported",
            "'{0}' calls itself ({1}); {2}");

        public static readonly DiagnosticDescriptor WriteToInput = Error("DIFF0007",
            "Write to a parameter that is differentiated or a scalar parameter",
            "'{0}' cannot be assigned: {1}");

        public static readonly DiagnosticDescriptor BadWithRespectTo = Error("DIFF0008",
            "Invalid parameter in [Differentiable(...)]",
            "'{0}' {1}");

        public static readonly DiagnosticDescriptor UnsupportedLoop = Error("DIFF0009",
            "Unsupported for-loop form",
            "This for-loop cannot be differentiated: {0}");

        public static readonly DiagnosticDescriptor IntLocal = Error("DIFF0010",
            "int value computed from float values in a loop bound or size",
            "'{0}' is {1} computed from float/double values, which the backward pass cannot recompute in that position (it keeps the values of int and bool locals, not of loop bounds or sizes); {2}");

        public static readonly DiagnosticDescriptor ReturnNotLast = Error("DIFF0011",
            "Return at the top level before the end, or no final return",
            "A 'return' at the top level of the method must be its last statement, and the method must end with one: {0}");

        public static readonly DiagnosticDescriptor Break = Error("DIFF0012",
            "break outside a loop",
            "'break' is supported only inside a for, foreach, while or do loop: {0}");

        public static readonly DiagnosticDescriptor LocalArray = Error("DIFF0013",
            "Unsupported local array",
            "Local array '{0}': {1}");

        public static readonly DiagnosticDescriptor AlwaysZero = Make("DIFF0014",
            "Derivative is always zero",
            "The derivative with respect to '{0}' is always zero: {1}; if that is intended mark it [Constant] (then Backward has no '{0}Grad'), otherwise check how it is used",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor NameCollision = Error("DIFF0015",
            "Generated member name already exists",
            "'{0}' already declares a member named '{1}'; rename the method or the existing member");

        public static readonly DiagnosticDescriptor Remark = Make("DIFF0016",
            "Vectorization report",
            "{0}",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor BadConstant = Error("DIFF0017",
            "Invalid [Constant] parameter",
            "'{0}' {1}");

        public static readonly DiagnosticDescriptor RecursionUnrolled = Make("DIFF0018",
            "Recursive helper unrolled",
            "'{0}' calls itself once per call (linear recursion): DiffGen unrolls it {1} calls deep, and a call deeper than that throws NotSupportedException at run time; write it as a loop if it can recurse deeper",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor NothingDifferentiated = Make("DIFF0019",
            "Nothing is differentiated",
            "Nothing in '{0}' gets a gradient: {1}; pass the values to differentiate as float or double parameters or arrays (a struct's fields as separate parameters), or name a float/double field in [Differentiable(nameof(W))]",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor JacobianUnavailable = Error("DIFF0020",
            "No Jacobian for this method",
            "'{0}' cannot have a Jacobian method (Jacobian = true): {1}");

        public static readonly DiagnosticDescriptor FieldsAsConstants = Make("DIFF0021",
            "Weights read as constants",
            "'{0}' reads {1} as constants, so Backward returns no gradient for them: fields are differentiated only when named; to train them, name them ('[Differentiable({2})]'), or leave the attribute as it is for frozen weights",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor OutputReadFirst = Make("DIFF0022",
            "Output read before it is written",
            "'{0}' may read an element of the output '{1}' before writing it (no write of every element, such as a loop over {1}.Length or a copy of {1}.Length elements, certainly comes first), so the values the caller passes in '{1}' are inputs too and its gradient buffer '{2}' is in and out: Backward reads the upstream gradient from it and overwrites it with the gradient of those entry values (zeros where they do not matter); pass the upstream gradient afresh on every call, or write every element of '{1}' before reading any to keep '{2}' read only",
            DiagnosticSeverity.Info);

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
        {
            [OutputReadFirst.Id] = OutputReadFirst,
            [FieldsAsConstants.Id] = FieldsAsConstants,
            [JacobianUnavailable.Id] = JacobianUnavailable,
            [NothingDifferentiated.Id] = NothingDifferentiated,
            [RecursionUnrolled.Id] = RecursionUnrolled,
            [Remark.Id] = Remark,
            [NotStaticPartial.Id] = NotStaticPartial,
            [UnsupportedType.Id] = UnsupportedType,
            [UnsupportedStatement.Id] = UnsupportedStatement,
            [UnsupportedExpression.Id] = UnsupportedExpression,
            [NotDifferentiableCall.Id] = NotDifferentiableCall,
            [Recursion.Id] = Recursion,
            [WriteToInput.Id] = WriteToInput,
            [BadWithRespectTo.Id] = BadWithRespectTo,
            [UnsupportedLoop.Id] = UnsupportedLoop,
            [IntLocal.Id] = IntLocal,
            [ReturnNotLast.Id] = ReturnNotLast,
            [Break.Id] = Break,
            [LocalArray.Id] = LocalArray,
            [AlwaysZero.Id] = AlwaysZero,
            [NameCollision.Id] = NameCollision,
            [BadConstant.Id] = BadConstant,
        };

        /// <summary>Every descriptor, in id order (tests check each one's help link and documentation).</summary>
        public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values.OrderBy(d => d.Id, System.StringComparer.Ordinal);

        public static DiagnosticDescriptor ById(string id) => s_byId[id];
    }
}
