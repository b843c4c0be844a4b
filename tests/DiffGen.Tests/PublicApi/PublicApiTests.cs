using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace DiffGen.Tests.PublicApi
{
    /// <summary>
    /// The runtime's public API, checked against PublicApi/DiffGen.Runtime.verified.txt so that a change to what users
    /// can reach is deliberate. Every public type and member is listed; the ones generated code calls but users should
    /// not (EditorBrowsable(Never): hidden from IntelliSense) are marked [hidden]. A mismatch writes
    /// DiffGen.Runtime.received.txt beside the baseline and fails; to accept it, read the diff, move received over
    /// verified (or run with DIFFGEN_ACCEPT=1), and update docs/api.md.
    /// </summary>
    public class PublicApiTests
    {
        [Fact]
        public void RuntimePublicApiMatchesTheBaseline()
        {
            var actual = Describe(typeof(DifferentiableAttribute).Assembly);
            string dir = Path.GetDirectoryName(ThisFile())!;
            DiffGen.Generator.Tests.Infrastructure.Snapshot.VerifyIn(dir, "DiffGen.Runtime", actual,
                ", and if the change to the runtime's public API is meant, accept it and update docs/api.md");
        }

        [Fact]
        public void TheVisibleSurfaceStaysSmall()
        {
            // docs/api.md lists the visible surface on one page; growing it should be a decision, not an accident.
            var visible = typeof(DifferentiableAttribute).Assembly.GetExportedTypes().Where(t => !Hidden(t)).ToList();
            Assert.True(visible.Count <= 20, "visible public types: " + string.Join(", ", visible.Select(t => t.FullName)));
        }

        private static string ThisFile([CallerFilePath] string path = "") => path;

        private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        /// <summary>One line per public type and member, sorted; hidden ones marked.</summary>
        internal static string Describe(Assembly assembly)
        {
            var sb = new StringBuilder();
            var types = assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
            int visible = types.Count(t => !Hidden(t));
            sb.Append("// ").Append(types.Count).Append(" public types, ").Append(visible).Append(" visible in IntelliSense (the others are [hidden]: EditorBrowsable(Never))\n");
            foreach (var t in types)
            {
                sb.Append('\n').Append(Hidden(t) ? "[hidden] " : "").Append(Kind(t)).Append(' ').Append(Name(t, full: true));
                if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !typeof(Delegate).IsAssignableFrom(t))
                    sb.Append(" : ").Append(Name(b, full: true));
                var interfaces = t.IsEnum ? new List<string>() : t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(i => Name(i, full: true)).OrderBy(x => x, StringComparer.Ordinal).ToList();
                if (interfaces.Count > 0) sb.Append(t.BaseType is { } b2 && b2 != typeof(object) && b2 != typeof(ValueType) && b2 != typeof(Enum) ? ", " : " : ").Append(string.Join(", ", interfaces));
                sb.Append('\n');
                foreach (var line in Members(t).OrderBy(x => x, StringComparer.Ordinal)) sb.Append("    ").Append(line).Append('\n');
            }
            return sb.ToString();
        }

        private static IEnumerable<string> Members(Type t)
        {
            if (t.IsEnum)
            {
                foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
                    yield return $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
                yield break;
            }
            foreach (var m in t.GetMembers(Declared))
            {
                string? line = m switch
                {
                    ConstructorInfo c when Visible(c) => $"ctor({Parameters(c)})",
                    MethodInfo mi when Visible(mi) && !IsAccessor(mi) => $"{Modifiers(mi)}{Name(mi.ReturnType)} {mi.Name}{GenericArgs(mi)}({Parameters(mi)})",
                    PropertyInfo p when Accessors(p).Any(Visible) => $"{(Accessors(p).First(Visible).IsStatic ? "static " : "")}{Name(p.PropertyType)} {p.Name}{Indexer(p)} {{ {string.Join(" ", Accessors(p).Where(Visible).Select(a => a == p.GetMethod ? "get;" : "set;"))} }}",
                    FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => f.IsLiteral
                        ? $"const {Name(f.FieldType)} {f.Name} = {Literal(f.GetRawConstantValue())}"
                        : $"{(f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
                    EventInfo e when e.AddMethod is { } add && Visible(add) => $"event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is null) continue;
                if (m.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never }) line = "[hidden] " + line;
                yield return line;
            }
        }

        internal static bool Hidden(Type t)
        {
            for (Type? x = t; x is not null; x = x.DeclaringType)
                if (x.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never }) return true;
            return false;
        }

        private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

        private static bool IsAccessor(MethodInfo m) => m.IsSpecialName && !m.Name.StartsWith("op_", StringComparison.Ordinal);

        private static IEnumerable<MethodInfo> Accessors(PropertyInfo p) => new[] { p.GetMethod, p.SetMethod }.Where(a => a is not null)!;

        private static string Indexer(PropertyInfo p)
        {
            var ps = p.GetIndexParameters();
            return ps.Length == 0 ? "" : "[" + string.Join(", ", ps.Select(x => Name(x.ParameterType) + " " + x.Name)) + "]";
        }

        private static string Modifiers(MethodInfo m) =>
            (m.IsFamily || m.IsFamilyOrAssembly ? "protected " : "") + (m.IsStatic ? "static " : "") + (m.IsAbstract && !m.DeclaringType!.IsInterface ? "abstract " : "")
            + (m.IsVirtual && !m.IsAbstract && !m.IsFinal && m.GetBaseDefinition() == m ? "virtual " : "")
            + (m.GetBaseDefinition() != m ? "override " : "");

        private static string GenericArgs(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

        private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        {
            string prefix = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : "";
            if (p.GetCustomAttribute<ParamArrayAttribute>() is not null) prefix = "params ";
            string s = prefix + Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType) + " " + p.Name;
            if (p.HasDefaultValue) s += " = " + Literal(p.DefaultValue);
            return s;
        }));

        private static string Literal(object? v) => v switch
        {
            null => "null",
            string s => "\"" + s + "\"",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };

        private static string Kind(Type t) =>
            t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? (t.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct")
            : typeof(Delegate).IsAssignableFrom(t) ? "delegate"
            : t.IsAbstract && t.IsSealed ? "static class" : t.IsSealed ? "sealed class" : t.IsAbstract ? "abstract class" : "class";

        private static readonly Dictionary<Type, string> s_keywords = new()
        {
            [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short",
            [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
            [typeof(float)] = "float", [typeof(double)] = "double", [typeof(string)] = "string", [typeof(object)] = "object",
            [typeof(nint)] = "nint", [typeof(nuint)] = "nuint", [typeof(char)] = "char",
        };

        private static string Name(Type t, bool full = false)
        {
            if (s_keywords.TryGetValue(t, out var k)) return k;
            if (t.IsGenericParameter) return t.Name;
            if (t.IsArray) return Name(t.GetElementType()!, full) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
            if (t.IsPointer) return Name(t.GetElementType()!, full) + "*";
            if (t.IsByRef) return Name(t.GetElementType()!, full);
            if (Nullable.GetUnderlyingType(t) is { } u) return Name(u, full) + "?";
            string name = t.Name;
            int tick = name.IndexOf('`');
            if (tick >= 0) name = name[..tick];
            if (t.IsGenericType)
            {
                var args = t.GetGenericArguments();
                if (t.IsNested) args = args.Skip(t.DeclaringType!.GetGenericArguments().Length).ToArray();
                if (args.Length > 0) name += "<" + string.Join(", ", args.Select(a => Name(a))) + ">";
            }
            if (t.IsNested) return Name(t.DeclaringType!, full) + "." + name;
            return full && t.Namespace is { } ns ? ns + "." + name : name;
        }
    }
}
