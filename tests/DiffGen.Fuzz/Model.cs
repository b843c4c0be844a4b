using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DiffGen.Fuzz
{
    /// <summary>Precision a program is rendered in: one template gives a float program and its double twin.</summary>
    public enum Prec { Double, Float }

    /// <summary>Rendering context: the element type, the Math class and literal suffix of a precision.</summary>
    public sealed class Ctx(Prec p, bool monitor = false)
    {
        public Prec P { get; } = p;

        /// <summary>
        /// Rendering the monitor copy of a program: plain C# (no [Differentiable]) that throws OverflowException when a
        /// float local, array element or output is assigned, or an operator or intrinsic gives, a value beyond 1e30 (float) /
        /// 1e12 (double: beyond that, adding an input of size 1 loses digits and central differences see noise) or NaN. A program
        /// whose intermediates leave that range is rejected: its gradient may be NaN (0 × ∞) with a finite result.
        /// </summary>
        public bool Monitor { get; } = monitor;

        public string Guard(string target) => Monitor ? $"if (!({M}.Abs({target}) < {(P == Prec.Float ? "1e30f" : "1e12")})) throw new System.OverflowException();" : "";
        public string T => P == Prec.Double ? "double" : "float";
        public string M => P == Prec.Double ? "Math" : "MathF";

        public string Lit(double v)
        {
            var s = v.ToString("R", CultureInfo.InvariantCulture);
            if (!s.Contains('.') && !s.Contains('E')) s += ".0";
            return P == Prec.Float ? s + "f" : s;
        }
    }

    // ------------------------------------------------------------------ expressions

    /// <summary>
    /// An expression. Children are in <see cref="Args"/> (mutable, so the shrinker can replace a slot); everything else
    /// (names, int index text) is fixed text. Every node renders fully parenthesised.
    /// </summary>
    public abstract class Expr
    {
        public Expr[] Args = Array.Empty<Expr>();
        public abstract void Render(StringBuilder sb, Ctx c);
        public abstract Expr Shallow();

        public Expr Clone()
        {
            var e = Shallow();
            e.Args = Args.Select(a => a.Clone()).ToArray();
            return e;
        }

        public int Size => 1 + Args.Sum(a => a.Size);

        public string Text(Ctx c)
        {
            var sb = new StringBuilder();
            Render(sb, c);
            return sb.ToString();
        }
    }

    public sealed class Lit(double v) : Expr
    {
        public double V = v;
        public override void Render(StringBuilder sb, Ctx c) => sb.Append(V < 0 ? "(" + c.Lit(V) + ")" : c.Lit(V));
        public override Expr Shallow() => new Lit(V);
    }

    /// <summary>A float scalar: a local or a parameter.</summary>
    public sealed class Ref(string name) : Expr
    {
        public string Name = name;
        public override void Render(StringBuilder sb, Ctx c) => sb.Append(Name);
        public override Expr Shallow() => new Ref(Name);
    }

    /// <summary>An int expression (a counter) used as a value: <c>(scale * (i))</c>.</summary>
    public sealed class IntVal(string text, double scale) : Expr
    {
        public string IntText = text;
        public double Scale = scale;
        public override void Render(StringBuilder sb, Ctx c) => sb.Append('(').Append(c.Lit(Scale)).Append(" * (").Append(IntText).Append("))");
        public override Expr Shallow() => new IntVal(IntText, Scale);
    }

    /// <summary>An array element, <c>a[i]</c>, <c>a[i, j]</c> or <c>a[i][j]</c>; the indices are int text kept in bounds by construction.</summary>
    public sealed class Elem(string array, string[] index, bool jagged) : Expr
    {
        public string Array = array;
        public string[] Index = index;
        public bool Jagged = jagged;
        public override void Render(StringBuilder sb, Ctx c)
        {
            sb.Append(Array);
            if (Jagged) foreach (var i in Index) sb.Append('[').Append(i).Append(']');
            else sb.Append('[').Append(string.Join(", ", Index)).Append(']');
        }
        public override Expr Shallow() => new Elem(Array, Index, Jagged);
    }

    /// <summary>
    /// An operator or intrinsic. Intrinsics with a restricted domain are rendered with their guard built in, so that
    /// the shrinker (which replaces only <see cref="Expr.Args"/>) can never take an argument out of its domain:
    /// <list type="bullet">
    /// <item>log: <c>Log(1 + a*a)</c> (argument ≥ 1); logabs: <c>Log(0.5 + Abs(a))</c>; softplus: <c>Log(1 + Exp(a))</c></item>
    /// <item>sqrt: <c>Sqrt(1 + a*a)</c> (argument ≥ 1, away from the kink at 0)</item>
    /// <item>pow: <c>Pow(1.5 + Tanh(a), b)</c> (base in [0.5, 2.5]); pow2/pow3: <c>Pow(a, 2)</c>, <c>Pow(a, 3)</c> (integral exponent, any base)</item>
    /// <item>div: <c>a / (1 + b*b)</c>; divt: <c>a / (1.5 + Tanh(b))</c> (denominator ≥ 0.5)</item>
    /// <item>exp is unguarded: programs whose values overflow are rejected at run time (counted, not failures)</item>
    /// </list>
    /// </summary>
    public sealed class Op : Expr
    {
        public string Kind;

        public Op(string kind, params Expr[] args)
        {
            Kind = kind;
            Args = args;
        }

        public static readonly string[] Unary = { "neg", "exp", "sin", "cos", "tanh", "abs", "log", "logabs", "softplus", "sqrt", "pow2", "pow3", "sq" };
        public static readonly string[] Binary = { "+", "-", "*", "div", "divt", "max", "min", "pow" };

        public override Expr Shallow() => new Op(Kind);

        public override void Render(StringBuilder sb, Ctx c)
        {
            string A() => Args[0].Text(c);
            string B() => Args[1].Text(c);
            string m = c.M;
            string G(string x) => c.Monitor ? $"__G({x})" : x;
            if (c.Monitor) sb.Append("__G(");
            sb.Append(Kind switch
            {
                "+" or "-" or "*" or "/" => $"({A()} {Kind} {B()})",
                "neg" => $"(-{A()})",
                "sq" => $"({A()} * {A()})",
                "exp" => $"{m}.Exp({A()})",
                "sin" => $"{m}.Sin({A()})",
                "cos" => $"{m}.Cos({A()})",
                "tanh" => $"{m}.Tanh({A()})",
                "abs" => $"{m}.Abs({A()})",
                "log" => $"{m}.Log({c.Lit(1)} + {A()} * {A()})",
                "logabs" => $"{m}.Log({c.Lit(0.5)} + {m}.Abs({A()}))",
                "softplus" => $"{m}.Log({c.Lit(1)} + {G($"{m}.Exp({A()})")})",
                "sqrt" => $"{m}.Sqrt({c.Lit(1)} + {A()} * {A()})",
                "pow2" => $"{m}.Pow({A()}, {c.Lit(2)})",
                "pow3" => $"{m}.Pow({A()}, {c.Lit(3)})",
                "div" => $"({A()} / ({c.Lit(1)} + {B()} * {B()}))",
                "divt" => $"({A()} / ({c.Lit(1.5)} + {m}.Tanh({B()})))",
                "max" => $"{m}.Max({A()}, {B()})",
                "min" => $"{m}.Min({A()}, {B()})",
                "pow" => $"{m}.Pow({c.Lit(1.5)} + {m}.Tanh({A()}), {B()})",
                _ => throw new InvalidOperationException(Kind),
            });
            if (c.Monitor) sb.Append(')');
        }
    }

    /// <summary>A condition: on values (<c>a &gt; b</c>, Args[0..1]) or on indices (fixed int text).</summary>
    public sealed class Cond
    {
        public string? IndexText;   // index condition, e.g. "i0 != i1"
        public string Cmp = ">";    // value comparison operator
        public int ArgCount => IndexText is null ? 2 : 0;

        public string Render(Expr[] args, int at, Ctx c) => IndexText ?? $"{args[at].Text(c)} {Cmp} {args[at + 1].Text(c)}";
        public Cond Clone() => new() { IndexText = IndexText, Cmp = Cmp };
    }

    /// <summary><c>(cond ? a : b)</c>; Args = [condition values..., a, b].</summary>
    public sealed class Sel(Cond cond) : Expr
    {
        public Cond C = cond;
        public override Expr Shallow() => new Sel(C.Clone());
        public override void Render(StringBuilder sb, Ctx c)
        {
            int k = C.ArgCount;
            sb.Append("((").Append(C.Render(Args, 0, c)).Append(") ? ").Append(Args[k].Text(c)).Append(" : ").Append(Args[k + 1].Text(c)).Append(')');
        }
    }

    /// <summary>A call of another generated [Differentiable] method: array arguments (names or jagged rows) then scalar Args.</summary>
    public sealed class Call(string method, string[] arrays) : Expr
    {
        public string Method = method;
        public string[] Arrays = arrays;
        public override Expr Shallow() => new Call(Method, Arrays);
        public override void Render(StringBuilder sb, Ctx c) =>
            sb.Append(Method).Append('(').Append(string.Join(", ", Arrays.Concat(Args.Select(a => a.Text(c))))).Append(')');
    }

    // ------------------------------------------------------------------ statements

    public abstract class Stmt
    {
        /// <summary>Expression slots (the shrinker simplifies these).</summary>
        public Expr[] Exprs = Array.Empty<Expr>();

        /// <summary>Nested blocks.</summary>
        public List<Stmt>[] Blocks = Array.Empty<List<Stmt>>();

        /// <summary>Not removed by the shrinker (output initialisation: without it a program reads outputs before writing them).</summary>
        public bool Pinned;

        public abstract void Render(Writer w, Ctx c);
        protected abstract Stmt Shallow();

        public Stmt Clone()
        {
            var s = Shallow();
            s.Pinned = Pinned;
            s.Exprs = Exprs.Select(e => e.Clone()).ToArray();
            s.Blocks = Blocks.Select(b => b.Select(x => x.Clone()).ToList()).ToArray();
            return s;
        }

        public int Size => 1 + Exprs.Sum(e => e.Size) + Blocks.Sum(b => b.Sum(s => s.Size));
    }

    /// <summary><c>target op= e;</c> where target is a scalar (Ref) or an element (Elem) and Exprs = [target, e].</summary>
    public sealed class Assign : Stmt
    {
        public string OpText;
        public Assign(Expr target, string op, Expr value) { OpText = op; Exprs = new[] { target, value }; }
        public Expr Target => Exprs[0];
        public Expr Value => Exprs[1];
        protected override Stmt Shallow() => new Assign(Target, OpText, Value);
        public override void Render(Writer w, Ctx c)
        {
            w.Line($"{Target.Text(c)} {OpText} {Value.Text(c)};");
            if (c.Monitor) w.Line(c.Guard(Target.Text(c)));
        }
    }

    /// <summary>
    /// <c>for</c> over [Lo, Hi) with a step, forwards (<c>i = Lo; i &lt; Hi</c> or <c>i &lt;= Hi - 1</c>) or backwards
    /// (<c>i = Hi - 1; i &gt;= Lo</c> or <c>i &gt; Lo - 1</c>). Lo and Hi are int text.
    /// </summary>
    public sealed class For(string var, string lo, string hi, int step, bool reverse, bool inclusive) : Stmt
    {
        public string Var = var, Lo = lo, Hi = hi;
        public int Step = step;
        public bool Reverse = reverse, Inclusive = inclusive;

        protected override Stmt Shallow() => new For(Var, Lo, Hi, Step, Reverse, Inclusive);

        public override void Render(Writer w, Ctx c)
        {
            string v = Var;
            string header;
            if (!Reverse)
            {
                string cond = Inclusive ? $"{v} <= {Hi} - 1" : $"{v} < {Hi}";
                header = $"for (int {v} = {Lo}; {cond}; {(Step == 1 ? v + "++" : $"{v} += {Step}")})";
            }
            else
            {
                string cond = Inclusive ? $"{v} > {Lo} - 1" : $"{v} >= {Lo}";
                header = $"for (int {v} = {Hi} - 1; {cond}; {(Step == 1 ? v + "--" : $"{v} -= {Step}")})";
            }
            w.Line(header);
            w.Block(Blocks[0], c);
        }
    }

    /// <summary><c>if (cond) { ... } else { ... }</c>; Exprs = the condition's values; Blocks = [then] or [then, else].</summary>
    public sealed class If(Cond cond) : Stmt
    {
        public Cond C = cond;
        protected override Stmt Shallow() => new If(C.Clone());
        public override void Render(Writer w, Ctx c)
        {
            w.Line($"if ({C.Render(Exprs, 0, c)})");
            w.Block(Blocks[0], c);
            if (Blocks.Length > 1 && Blocks[1].Count > 0)
            {
                w.Line("else");
                w.Block(Blocks[1], c);
            }
        }
    }

    public sealed class Continue : Stmt
    {
        protected override Stmt Shallow() => new Continue();
        public override void Render(Writer w, Ctx c) => w.Line("continue;");
    }

    /// <summary><c>int name = text;</c> (single assignment, from ints only) or <c>T name = e;</c> (Exprs = [e]).</summary>
    public sealed class Decl(string name, string? intText) : Stmt
    {
        public string Name = name;
        public string? IntText = intText;
        protected override Stmt Shallow() => new Decl(Name, IntText);
        public override void Render(Writer w, Ctx c)
        {
            w.Line(IntText is not null ? $"int {Name} = {IntText};" : $"{c.T} {Name} = {Exprs[0].Text(c)};");
            if (c.Monitor && IntText is null) w.Line(c.Guard(Name));
        }
    }

    /// <summary>A call of a void generated layer as a statement (Exprs = scalar arguments).</summary>
    public sealed class CallStmt(string method, string[] arrays) : Stmt
    {
        public string Method = method;
        public string[] Arrays = arrays;
        protected override Stmt Shallow() => new CallStmt(Method, Arrays);
        public override void Render(Writer w, Ctx c) =>
            w.Line($"{Method}({string.Join(", ", Arrays.Concat(Exprs.Select(e => e.Text(c))))});");
    }

    /// <summary><c>target = cond;</c> for a bool element (Exprs = the condition's values).</summary>
    public sealed class BoolSet(string target, Cond cond) : Stmt
    {
        public string Target = target;
        public Cond C = cond;
        protected override Stmt Shallow() => new BoolSet(Target, C.Clone());
        public override void Render(Writer w, Ctx c) => w.Line($"{Target} = {C.Render(Exprs, 0, c)};");
    }

    /// <summary>A header line over a block (<c>while (w &lt; n)</c>): Blocks = [body]. The header is int text.</summary>
    public sealed class Headed(string header) : Stmt
    {
        public string Header = header;
        protected override Stmt Shallow() => new Headed(Header);
        public override void Render(Writer w, Ctx c)
        {
            w.Line(Header);
            w.Block(Blocks[0], c);
        }
    }

    /// <summary>Verbatim text ({T} and {M} replaced): the constructs outside the subset that negative programs inject,
    /// and the declarations and counter updates of the natural-idiom templates (pinned there).</summary>
    public sealed class Raw(string text) : Stmt
    {
        public string Text = text;
        protected override Stmt Shallow() => new Raw(Text);
        public override void Render(Writer w, Ctx c)
        {
            foreach (var line in Text.Replace("{T}", c.T).Replace("{M}", c.M).Replace("{L1}", c.Lit(1)).Replace("{L05}", c.Lit(0.5)).Split('\n'))
                w.Line(line);
        }
    }

    // ------------------------------------------------------------------ methods and programs

    public enum PKind { Scalar, Vec, Mat, Jag, Labels }

    /// <summary>A parameter. Dims name the sizes (n, m, k); Labels: Dims = [rows, value range].</summary>
    public sealed record Param(string Name, PKind Kind, string[] Dims, bool IsOutput)
    {
        public string TypeText(Ctx c) => Kind switch
        {
            PKind.Scalar => c.T,
            PKind.Vec => c.T + "[]",
            PKind.Mat => c.T + "[,]",
            PKind.Jag => c.T + "[][]",
            PKind.Labels => "int[]",
            _ => throw new InvalidOperationException(),
        };

        public bool IsFloatInput => !IsOutput && Kind != PKind.Labels;
    }

    /// <summary>A local array declared at the method's top level (<c>new T[n]</c> or <c>new T[n, m]</c>).</summary>
    public sealed record LocalArray(string Name, string[] Dims);

    public sealed class Method
    {
        public string Name = "F";
        public List<Param> Params = new();
        public bool Returns = true;
        public List<(string Name, double Init)> Scalars = new();
        public List<LocalArray> Arrays = new();
        public List<Stmt> Body = new();
        public Expr? Result;

        public Method Clone() => new()
        {
            Name = Name,
            Params = Params.ToList(),
            Returns = Returns,
            Scalars = Scalars.ToList(),
            Arrays = Arrays.ToList(),
            Body = Body.Select(s => s.Clone()).ToList(),
            Result = Result?.Clone(),
        };

        public int Size => Body.Sum(s => s.Size) + (Result?.Size ?? 0);

        /// <summary>The parameter and axis a size is read from.</summary>
        public static string DimSource(IEnumerable<Param> ps, string dim)
        {
            foreach (var p in ps)
            {
                if (p.Kind == PKind.Scalar || p.Kind == PKind.Labels) continue;
                int axis = Array.IndexOf(p.Dims, dim);
                if (axis < 0) continue;
                return p.Kind switch
                {
                    PKind.Vec => $"{p.Name}.Length",
                    PKind.Mat => $"{p.Name}.GetLength({axis})",
                    PKind.Jag => axis == 0 ? $"{p.Name}.Length" : $"{p.Name}[0].Length",
                    _ => throw new InvalidOperationException(),
                };
            }
            foreach (var p in ps.Where(p => p.Kind == PKind.Labels && p.Dims[0] == dim)) return $"{p.Name}.Length";
            throw new InvalidOperationException("no parameter has size " + dim);
        }

        public void Render(Writer w, Ctx c)
        {
            if (!c.Monitor) w.Line("[Differentiable]");
            w.Line($"public static {(Returns ? c.T : "void")} {Name}({string.Join(", ", Params.Select(p => p.TypeText(c) + " " + p.Name))})");
            w.Line("{");
            w.Indent++;
            var dims = Params.Where(p => p.Kind != PKind.Scalar).SelectMany(p => p.Kind == PKind.Labels ? p.Dims.Take(1) : p.Dims).Distinct().OrderBy(d => d, StringComparer.Ordinal);
            foreach (var d in dims) w.Line($"int {d} = {DimSource(Params, d)};");
            foreach (var (name, init) in Scalars) w.Line($"{c.T} {name} = {c.Lit(init)};");
            foreach (var a in Arrays) w.Line($"{c.T}[{new string(',', a.Dims.Length - 1)}] {a.Name} = new {c.T}[{string.Join(", ", a.Dims)}];");
            foreach (var s in Body) s.Render(w, c);
            if (Returns) w.Line($"return {Result!.Text(c)};");
            w.Indent--;
            w.Line("}");
        }
    }

    /// <summary>One generated program: helper methods and the main method F in class <see cref="ClassName"/>.</summary>
    public sealed class FuzzProgram
    {
        public int Seed;
        public string Id = "";
        public Prec Prec;
        public Dictionary<string, int> Sizes = new();
        public List<Method> Methods = new();

        /// <summary>For a program deliberately outside the subset: the diagnostic id the generator must report.</summary>
        public string? ExpectedDiagnostic;

        /// <summary>What the generator put in (for reports).</summary>
        public List<string> Features = new();

        public Method Main => Methods[^1];
        public string ClassName(Prec p) => "C" + Id + (p == Prec.Double && Prec == Prec.Float ? "D" : "");

        /// <summary>The class of the monitor copy (see <see cref="Ctx.Monitor"/>).</summary>
        public string MonitorName(Prec p) => ClassName(p) + "M";

        public FuzzProgram Clone(string id) => new()
        {
            Seed = Seed,
            Id = id,
            Prec = Prec,
            Sizes = new Dictionary<string, int>(Sizes),
            Methods = Methods.Select(m => m.Clone()).ToList(),
            ExpectedDiagnostic = ExpectedDiagnostic,
            Features = Features.ToList(),
        };

        public int Size => Methods.Sum(m => m.Size);

        /// <summary>The class for precision <paramref name="p"/> (a float program is also rendered in double: its twin).</summary>
        public string Render(Prec p, bool monitor = false)
        {
            var c = new Ctx(p, monitor);
            var w = new Writer();
            w.Line("using System;");
            w.Line("using DiffGen;");
            w.Line("");
            w.Line("namespace Fz");
            w.Line("{");
            w.Indent++;
            w.Line($"public static partial class {(monitor ? MonitorName(p) : ClassName(p))}");
            w.Line("{");
            w.Indent++;
            if (monitor) w.Line($"private static {c.T} __G({c.T} v) => {c.M}.Abs(v) < {(p == Prec.Float ? "1e30f" : "1e12")} ? v : throw new System.OverflowException();");
            for (int i = 0; i < Methods.Count; i++)
            {
                if (i > 0) w.Line("");
                Methods[i].Render(w, c);
            }
            w.Indent--;
            w.Line("}");
            w.Indent--;
            w.Line("}");
            return w.ToString();
        }
    }

    public sealed class Writer
    {
        private readonly StringBuilder _sb = new();
        public int Indent;

        public void Line(string s)
        {
            if (s.Length > 0) _sb.Append(' ', 4 * Indent);
            _sb.Append(s).Append('\n');
        }

        public void Block(List<Stmt> body, Ctx c)
        {
            Line("{");
            Indent++;
            foreach (var s in body) s.Render(this, c);
            Indent--;
            Line("}");
        }

        public override string ToString() => _sb.ToString();
    }
}
