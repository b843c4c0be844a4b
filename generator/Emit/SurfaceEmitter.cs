using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using DiffGen.Generator.Schedule;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// The user-facing <c>MForward</c>/<c>MBackward</c> of a method written with fields, spans, <c>T[,,]</c>, config or
    /// <c>in</c> parameters (see Parse/DifferentiableParser.Members.cs): they check what they are given, read every field,
    /// property and config member once, copy spans into pooled <c>T[]</c> and <c>T[,,]</c> into pooled flattened
    /// <c>T[d0, d1·d2]</c>, call the array form <c>MArraysForward</c>/<c>MArraysBackward</c> (which has the CPU,
    /// multi-core and device code), and copy outputs and gradients back.
    /// </summary>
    internal static class SurfaceEmitter
    {
        private const string Pool = "global::DiffGen.Reverse.BufferPool";
        private const string Arrays = "global::DiffGen.Reverse.SurfaceArrays";
        private const string Shapes = "global::DiffGen.Reverse.Shapes";

        public static void Write(CSharpWriter w, ExecutionPlan plan, IReadOnlyList<(ParamModel Param, string Name, bool IsUpstream)> grads, string seed)
        {
            var m = plan.Model.Method;
            var s = m.Surface!;
            WriteForward(w, m, s);
            w.Line();
            WriteBackward(w, m, s, grads, seed);
        }

        private static string Header(SurfaceModel s, MethodModel m, string suffix, IEnumerable<string> parameters) =>
            $"{s.Accessibility} {(s.IsStatic ? "static " : "")}{ReturnKeyword(s, m)} {s.Name}{suffix}({string.Join(", ", parameters)})";

        /// <summary>The user's return type: the array form's, or the array it returns (an output of the array form).</summary>
        private static string ReturnKeyword(SurfaceModel s, MethodModel m)
        {
            if (s.ReturnText is not null) return s.ReturnText;
            for (int i = 0; i < s.Args.Count; i++)
                if (s.Args[i].Kind == ArgKind.ResultArray) return m.Params[i].Type.Keyword;
            return m.Return.Keyword;
        }

        private static string Cref(SurfaceModel s) => s.Cref.Replace('<', '{').Replace('>', '}');

        private static void Checks(CSharpWriter w, SurfaceModel s)
        {
            foreach (var p in s.Params.Where(p => p.NullCheck)) w.Line($"{Shapes}.NotNull({p.Name}, nameof({p.Name}));");
            foreach (var g in s.Gathered) w.Line(g); // members of the elements of arrays of layer objects, gathered once
        }

        private static void Guards(CSharpWriter w, SurfaceModel s)
        {
            foreach (var g in s.Guards)
                foreach (var line in g.Split('\n')) w.Line(line.TrimEnd('\r'));
        }

        private sealed class Prepared
        {
            public readonly List<string> Args = new();
            public readonly List<(string Local, string Elem)> Pooled = new();
            public readonly List<string> CopyBack = new();
            public readonly List<string> InTry = new();
            /// <summary>The returned array's local (a method that returns an array it fills).</summary>
            public string? Result;
            /// <summary>The locals holding a returned tuple's later elements.</summary>
            public readonly List<string> TupleItems = new();
        }

        /// <summary>Snapshots before the try; pooled copies inside it; the core's arguments.</summary>
        private static Prepared Prepare(CSharpWriter w, MethodModel m, SurfaceModel s)
        {
            var r = new Prepared();
            for (int i = 0; i < s.Args.Count; i++)
            {
                var a = s.Args[i];
                var p = m.Params[i];
                string local = "__a_" + a.Core, elem = p.Type.ElemKeyword;
                switch (a.Kind)
                {
                    case ArgKind.Direct:
                    case ArgKind.Optional:
                        r.Args.Add(a.Source);
                        break;
                    case ArgKind.Snapshot:
                    case ArgKind.State: // the field's array itself: the method's writes land in it
                        w.Line($"var {local} = {a.Source};");
                        r.Args.Add(local);
                        break;
                    case ArgKind.Span:
                    case ArgKind.ReadOnlySpan:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Arrays}.Rent<{elem}>({a.Source});");
                        if (p.IsWritten) r.CopyBack.Add($"global::System.MemoryExtensions.CopyTo({local}, {a.Source});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.List:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Arrays}.Rent<{elem}>({ListSpan(a.Source)});");
                        if (p.IsWritten) r.CopyBack.Add($"global::System.MemoryExtensions.CopyTo({local}, {ListSpan(a.Source)});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.Sequence:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Arrays}.RentSequence<{elem}>({a.Source});");
                        if (p.IsWritten) r.CopyBack.Add($"{Arrays}.CopyBack<{elem}>({local}, {a.Source});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.Flatten:
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add($"{local} = {Arrays}.Flatten<{elem}>({a.Source});");
                        if (p.IsWritten) r.CopyBack.Add($"{Arrays}.CopyBack({local}, {a.Source});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.Stack:
                        // double[][,] layers: row l of a pooled T[L, r·c] (every array checked for one shape first)
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add($"{local} = {Arrays}.FlattenStack<{elem}>({a.Source}, \"{a.Display ?? a.Source}\");");
                        if (p.IsWritten) r.CopyBack.Add($"{Arrays}.CopyBackStack({local}, {a.Source});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.JaggedStack:
                        // double[][][] w: layer l's rows at the largest row length, in row l of a pooled T[L, R·C] (each layer checked first)
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add($"{local} = {Arrays}.FlattenJaggedStack<{elem}>({a.Source}, \"{a.Source}\");");
                        if (p.IsWritten) r.CopyBack.Add($"{Arrays}.CopyBackJaggedStack({local}, {a.Source});");
                        r.Args.Add(local);
                        break;
                    case ArgKind.OutScalar:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Pool}<{elem}>.Rent(1);");
                        r.CopyBack.Add($"{a.Source} = {local}[0];");
                        r.Args.Add(local);
                        break;
                    case ArgKind.TupleItem:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Pool}<{elem}>.Rent(1);");
                        r.Args.Add(local);
                        r.TupleItems.Add(local + "[0]");
                        break;
                    case ArgKind.ResultArray:
                        // a fresh, zeroed array of the size the user wrote: it is handed to the caller
                        w.Line($"var {local} = new {elem}[{a.Source}];");
                        r.Args.Add(local);
                        r.Result = local;
                        break;
                    case ArgKind.TupleRows:
                        r.Pooled.Add(("int[,]", local));
                        r.InTry.Add($"{local} = {Arrays}.Rows({a.Source}, \"{a.Source}\");");
                        r.Args.Add(local);
                        break;
                    case ArgKind.TupleInts:
                    case ArgKind.TupleValues:
                        {
                            // one row per tuple: the int elements in one pooled copy, the float/double ones (read-only data) in another
                            bool values = a.Kind == ArgKind.TupleValues;
                            var members = a.Members!.Split(',');
                            var elements = Enumerable.Range(0, members.Length).Where(e => (a.Rank >> e & 1) == (values ? 1 : 0)).ToList();
                            string type = values ? "double" : "int";
                            var items = string.Join(" ", elements.Select((e, c) => $"{local}[__k, {c}] = {a.Source}[__k].{members[e]}{((a.Rank >> (16 + e) & 1) == 1 ? " ? 1 : 0" : "")};")); // bit 16 + e: a bool field, 0/1
                            r.Pooled.Add((type + "[,]", local));
                            if (!values) r.InTry.Add($"global::DiffGen.Reverse.Shapes.NotNull({a.Source}, \"{a.Source}\");");
                            r.InTry.Add($"{local} = {Pool}<{type}>.Rent({a.Source}.Length, {elements.Count});");
                            if (elements.Count > 0) r.InTry.Add($"for (int __k = 0; __k < {a.Source}.Length; __k++) {{ {items} }}"); // (a struct with no int field: rows only)
                            r.Args.Add(local);
                            break;
                        }
                    case ArgKind.Mask:
                    case ArgKind.Narrow:
                        r.Pooled.Add((p.Type.Shape == Shape.Matrix ? "int[,]" : "int[]", local));
                        r.InTry.Add($"{local} = {Arrays}.{(a.Kind == ArgKind.Mask ? "Mask" : "Narrow")}({a.Source}, \"{a.Source}\");");
                        r.Args.Add(local);
                        break;
                }
            }
            return r;
        }

        /// <summary>The elements of a List parameter as a span (no copy; the entry point copies them into its pooled array).</summary>
        private static string ListSpan(string list) => $"global::System.Runtime.InteropServices.CollectionsMarshal.AsSpan({list})";

        private static void Call(CSharpWriter w, MethodModel m, Prepared r, string call)
        {
            bool returns = m.Return.Elem != Scalar.Void;
            foreach (var (type, local) in r.Pooled) w.Line($"{type}? {local} = null;");
            if (r.Pooled.Count > 0) w.Open("try");
            foreach (var line in r.InTry) w.Line(line);
            w.Line(returns ? $"var __value = {call};" : call + ";");
            foreach (var line in r.CopyBack) w.Line(line);
            if (returns) w.Line(r.TupleItems.Count > 0 ? $"return (__value, {string.Join(", ", r.TupleItems)});" : "return __value;");
            else if (r.Result is not null) w.Line($"return {r.Result};");
            if (r.Pooled.Count > 0)
            {
                w.Close();
                w.Open("finally");
                foreach (var (type, local) in r.Pooled) w.Line($"{Pool}<{type.Substring(0, type.IndexOf('['))}>.Return({local});");
                w.Close();
            }
        }

        private static IEnumerable<string> SurfaceSignature(SurfaceModel s, bool defaults) =>
            s.Params.Select(p => (defaults && p.IsParams ? "params " : "") + p.Modifier + p.TypeText + " " + p.Name + (defaults && p.DefaultValue is not null ? " = " + p.DefaultValue : ""));

        private static void WriteForward(CSharpWriter w, MethodModel m, SurfaceModel s)
        {
            w.Line($"/// <summary>Forward pass of <see cref=\"{Cref(s)}\"/>: the same value, computed by DiffGen's generated code (fields and properties are read once, at entry).</summary>");
            w.Line(DifferentiableEmitter.GeneratedCode);
            w.Open(Header(s, m, "Forward", SurfaceSignature(s, defaults: true)));
            Checks(w, s);
            Guards(w, s);
            var r = Prepare(w, m, s);
            Call(w, m, r, $"{m.Name}Forward({string.Join(", ", r.Args)})");
            w.Close();
        }

        private static void WriteBackward(CSharpWriter w, MethodModel m, SurfaceModel s, IReadOnlyList<(ParamModel Param, string Name, bool IsUpstream)> grads, string seed)
        {
            bool returns = m.Return.Elem != Scalar.Void;
            var kinds = s.Args.ToDictionary(a => a.Core);
            var sig = SurfaceSignature(s, defaults: false).ToList();
            foreach (var g in grads)
            {
                if (kinds[g.Param.Name].Kind == ArgKind.State) continue; // state: its zeroed upstream gradient is Backward's own (below)
                var a = kinds[g.Param.Name];
                var elem = g.Param.Type.ElemKeyword;
                sig.Add(a.Kind switch
                {
                    ArgKind.Span or ArgKind.ReadOnlySpan or ArgKind.List or ArgKind.Sequence => (g.IsUpstream && !g.Param.ReadsInitial ? $"global::System.ReadOnlySpan<{elem}> " : $"global::System.Span<{elem}> ") + g.Name,
                    ArgKind.Flatten or ArgKind.Stack or ArgKind.JaggedStack => (a.GradientType ?? s.Params.First(p => p.Name == a.Source).TypeText) + " " + g.Name,
                    ArgKind.OutScalar or ArgKind.TupleItem => elem + " " + g.Name, // the upstream derivative of an out result, a tuple element: a scalar
                    ArgKind.Optional => g.Param.Type.Keyword + "? " + g.Name, // null with its array
                    _ => (g.Param.Type.IsArray ? "" : "out ") + g.Param.Type.Keyword + " " + g.Name,
                });
            }
            if (returns) sig.Add($"{m.Return.Keyword} {seed} = 1");

            w.Line($"/// <summary>");
            w.Line($"/// Value and reverse-mode gradients of <see cref=\"{Cref(s)}\"/>: gradient buffers come after the parameters, in the order of");
            w.Line($"/// the parameters, then of the fields named in [Differentiable(...)]; each is overwritten with {(returns ? "seed × " : "")}the derivative of the");
            bool state = s.Args.Any(a => a.Kind == ArgKind.State);
            w.Line($"/// result. Fields and properties are read once, at entry, and never {(state ? "reassigned" : "written")}; spans and arrays of rank 3 or more are copied.");
            if (state)
                w.Line($"/// The array fields the method updates ({string.Join(", ", s.Args.Where(a => a.Kind == ArgKind.State).Select(a => a.Source))}) hold the forward results on return, as after a call of the method; no derivative flows from them.");
            if (s.Args.Any(a => a.Kind == ArgKind.TupleItem))
                w.Line($"/// Returns the tuple the method returns; {seed} is the upstream derivative of its first element, and each later element's comes after the parameters' gradients.");
            if (s.Args.Any(a => a.Kind == ArgKind.ResultArray))
                w.Line($"/// Returns the array the method returns; its upstream derivative (one entry per element) follows the parameters' gradient buffers.");
            w.Line($"/// </summary>");
            w.Line(DifferentiableEmitter.GeneratedCode);
            w.Open(Header(s, m, "Backward", sig));
            Checks(w, s);
            foreach (var g in grads)
            {
                var a = kinds[g.Param.Name];
                if (a.Kind is ArgKind.Span or ArgKind.ReadOnlySpan)
                    w.Line($"{Arrays}.SameLength({a.Source}.Length, {g.Name}.Length, \"{a.Source}\", \"{g.Name}\");");
                else if (a.Kind is ArgKind.List or ArgKind.Sequence)
                    w.Line($"{Arrays}.SameLength({a.Source}.Count, {g.Name}.Length, \"{a.Source}\", \"{g.Name}\");");
                else if (a.Kind == ArgKind.Flatten)
                    w.Line($"{Arrays}.SameShape({a.Source}, {g.Name}, \"{a.Display ?? a.Source}\", \"{g.Name}\");");
                else if (a.Kind == ArgKind.Stack)
                    w.Line($"{Arrays}.SameStackShape({a.Source}, {g.Name}, \"{a.Display ?? a.Source}\", \"{g.Name}\");");
                else if (a.Kind == ArgKind.JaggedStack)
                    w.Line($"{Arrays}.SameJaggedStackShape({a.Source}, {g.Name}, \"{a.Source}\", \"{g.Name}\");");
            }
            Guards(w, s);
            var r = Prepare(w, m, s);
            var gradArgs = new List<string>();
            foreach (var g in grads)
            {
                var a = kinds[g.Param.Name];
                string local = "__g_" + a.Core, elem = g.Param.Type.ElemKeyword;
                switch (a.Kind)
                {
                    case ArgKind.Span:
                    case ArgKind.ReadOnlySpan:
                    case ArgKind.List:
                    case ArgKind.Sequence:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add(g.IsUpstream ? $"{local} = {Arrays}.Rent<{elem}>({g.Name});" : $"{local} = {Pool}<{elem}>.Rent({a.Source}.{(a.Kind is ArgKind.List or ArgKind.Sequence ? "Count" : "Length")});");
                        if (g.Param.GradientWritten) r.CopyBack.Add($"global::System.MemoryExtensions.CopyTo({local}, {g.Name});");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.OutScalar:
                    case ArgKind.TupleItem:
                        r.Pooled.Add(($"{elem}[]", local));
                        r.InTry.Add($"{local} = {Pool}<{elem}>.Rent(1);");
                        r.InTry.Add($"{local}[0] = {g.Name};");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.Flatten:
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add(g.IsUpstream ? $"{local} = {Arrays}.Flatten<{elem}>({g.Name});" : $"{local} = {Arrays}.RentFlat<{elem}>({a.Source});");
                        if (g.Param.GradientWritten) r.CopyBack.Add($"{Arrays}.CopyBack({local}, {g.Name});");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.Stack:
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add(g.IsUpstream ? $"{local} = {Arrays}.FlattenStack<{elem}>({g.Name}, \"{g.Name}\");" : $"{local} = {Arrays}.RentFlatStack<{elem}>({a.Source});");
                        if (g.Param.GradientWritten) r.CopyBack.Add($"{Arrays}.CopyBackStack({local}, {g.Name});");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.JaggedStack:
                        r.Pooled.Add(($"{elem}[,]", local));
                        r.InTry.Add(g.IsUpstream ? $"{local} = {Arrays}.FlattenJaggedStack<{elem}>({g.Name}, \"{g.Name}\");" : $"{local} = {Arrays}.RentFlatJaggedStack<{elem}>({a.Source});");
                        if (g.Param.GradientWritten) r.CopyBack.Add($"{Arrays}.CopyBackJaggedStack({local}, {g.Name});");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.State:
                        // no derivative flows from a field's new values: a zeroed upstream gradient, turned by the sweep into one nobody reads
                        r.Pooled.Add(($"{elem}{(g.Param.Type.Shape == Shape.Matrix ? "[,]" : "[]")}", local));
                        r.InTry.Add(g.Param.Type.Shape == Shape.Matrix
                            ? $"{local} = {Pool}<{elem}>.Rent(__a_{a.Core}.GetLength(0), __a_{a.Core}.GetLength(1));"
                            : $"{local} = {Pool}<{elem}>.Rent(__a_{a.Core}.Length);");
                        gradArgs.Add(local);
                        break;
                    case ArgKind.Optional:
                        // no array, no gradient: a null buffer is fine then (the array form checks it otherwise)
                        gradArgs.Add($"({g.Param.Name} is null ? {a.Members} : {g.Name}!)");
                        break;
                    default:
                        gradArgs.Add(g.Param.Type.IsArray ? g.Name : "out " + g.Name);
                        break;
                }
            }
            var args = r.Args.Concat(gradArgs).ToList();
            if (returns) args.Add(seed);
            Call(w, m, r, $"{m.Name}Backward({string.Join(", ", args)})");
            w.Close();
        }
    }
}
