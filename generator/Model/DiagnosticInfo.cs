using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DiffGen.Generator.Model
{
    /// <summary>
    /// A diagnostic as plain data (file path, span, message arguments) so the model stays equatable;
    /// Location and Diagnostic objects would pin compilations and defeat caching.
    /// </summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Args)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] args)
        {
            var span = location?.SourceSpan ?? default;
            var line = location?.GetLineSpan().Span ?? default;
            var path = location?.SourceTree?.FilePath ?? "";
            return new DiagnosticInfo(descriptor.Id, path, span, line, args.ToEquatable());
        }

        public Diagnostic ToDiagnostic()
        {
            var descriptor = Diagnostics.Descriptors.ById(Id);
            var location = string.IsNullOrEmpty(FilePath) && Span.IsEmpty ? Location.None : Location.Create(FilePath, Span, LineSpan);
            var args = new object[Args.Count];
            for (int i = 0; i < args.Length; i++) args[i] = Args[i];
            return Diagnostic.Create(descriptor, location, args);
        }
    }
}
