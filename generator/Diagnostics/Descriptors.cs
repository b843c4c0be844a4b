using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic DiffGen reports; ids DIFF0001..DIFF0099 are reserved. Listed in the README.</summary>
    internal static class Descriptors
    {
        private const string Category = "DiffGen";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: "README.md#" + id.ToLowerInvariant());

        public static readonly DiagnosticDescriptor NotStaticPartial = Error("DIFF0001",
            "[Differentiable] needs a static method in a partial type",
            "'{0}' cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor UnsupportedType = Error("DIFF0002",
            "Unsupported type in a differentiable method",
            "The type '{0}' of '{1}' is not supported: use float or double scalars, T[], T[,] or T[][] of float/double, int, bool or int[]");

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
            "'{0}' calls itself (directly or through other [Differentiable] methods); write the recursion as a for-loop");

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
            "Unsupported int or bool local",
            "'{0}' {1}");

        public static readonly DiagnosticDescriptor ReturnNotLast = Error("DIFF0011",
            "Return at the top level before the end, or no final return",
            "A 'return' at the top level of the method must be its last statement, and the method must end with one: {0}");

        public static readonly DiagnosticDescriptor Break = Error("DIFF0012",
            "break outside a loop",
            "'break' is supported only inside a for, foreach, while or do loop: {0}");

        public static readonly DiagnosticDescriptor LocalArray = Error("DIFF0013",
            "Unsupported local array",
            "Local array '{0}': {1}");

        public static readonly DiagnosticDescriptor AlwaysZero = new("DIFF0014",
            "Derivative is always zero",
            "The derivative with respect to '{0}' is always zero: {1}",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: "README.md#diff0014");

        public static readonly DiagnosticDescriptor NameCollision = Error("DIFF0015",
            "Generated member name already exists",
            "'{0}' already declares a member named '{1}'; rename the method or the existing member");

        public static readonly DiagnosticDescriptor Remark = new("DIFF0016",
            "Vectorization report",
            "{0}",
            Category, DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: "README.md#diff0016");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
        {
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
        };

        public static DiagnosticDescriptor ById(string id) => s_byId[id];
    }
}
