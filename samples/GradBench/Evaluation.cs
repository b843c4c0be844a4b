using System;
using System.Text.Json;

namespace DiffGen.GradBench
{
    /// <summary>
    /// One evaluate request after its input was converted: <see cref="Run"/> is what gets timed (called
    /// once per run), <see cref="WriteOutput"/> writes the last run's result as the reply's "output".
    /// </summary>
    public interface IEvaluation
    {
        void Run();

        void WriteOutput(Utf8JsonWriter writer);
    }

    /// <summary>A bad input: missing or mistyped field, inconsistent shape. Reported as success false.</summary>
    public sealed class InputException : Exception
    {
        public InputException(string message) : base(message) { }
    }

    /// <summary>An output that JSON cannot carry (NaN, infinity). Reported as success false.</summary>
    public sealed class NonFiniteOutputException : Exception
    {
        public NonFiniteOutputException(string message) : base(message) { }
    }

    /// <summary>Reads gradbench inputs (JSON) into arrays, checking every shape, and writes outputs.</summary>
    public static class Json
    {
        public static JsonElement Field(JsonElement obj, string name)
        {
            if (obj.ValueKind != JsonValueKind.Object) throw new InputException($"the input must be a JSON object, not {Describe(obj)}");
            if (!obj.TryGetProperty(name, out var value)) throw new InputException($"the input has no field \"{name}\"");
            return value;
        }

        public static double AsNumber(JsonElement e, string what)
        {
            if (e.ValueKind != JsonValueKind.Number) throw new InputException($"{what} must be a number, not {Describe(e)}");
            return e.GetDouble();
        }

        public static int AsInt(JsonElement e, string what)
        {
            if (e.ValueKind != JsonValueKind.Number) throw new InputException($"{what} must be an integer, not {Describe(e)}");
            if (e.TryGetInt32(out int i)) return i;
            double v = e.GetDouble();
            if (v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue) return (int)v;
            throw new InputException($"{what} must be an integer, not {e.GetRawText()}");
        }

        public static int Int(JsonElement obj, string name, int min)
        {
            int v = AsInt(Field(obj, name), $"\"{name}\"");
            if (v < min) throw new InputException($"\"{name}\" must be at least {min}, not {v}");
            return v;
        }

        public static double Number(JsonElement obj, string name) => AsNumber(Field(obj, name), $"\"{name}\"");

        public static double[] Vector(JsonElement obj, string name, int? length = null, int minLength = 0)
        {
            var e = Field(obj, name);
            if (e.ValueKind != JsonValueKind.Array) throw new InputException($"\"{name}\" must be an array of numbers, not {Describe(e)}");
            int len = e.GetArrayLength();
            if (length is int want && len != want) throw new InputException($"\"{name}\" must have {want} elements, not {len}");
            if (len < minLength) throw new InputException($"\"{name}\" must have at least {minLength} element(s), not {len}");
            var v = new double[len];
            int i = 0;
            foreach (var item in e.EnumerateArray())
            {
                v[i] = AsNumber(item, $"\"{name}\"[{i}]");
                i++;
            }
            return v;
        }

        /// <summary>An array of rows, each of <paramref name="cols"/> numbers, as a rows x cols matrix.</summary>
        public static double[,] Matrix(JsonElement obj, string name, int rows, int cols)
        {
            var e = Field(obj, name);
            if (e.ValueKind != JsonValueKind.Array) throw new InputException($"\"{name}\" must be an array of rows, not {Describe(e)}");
            int len = e.GetArrayLength();
            if (len != rows) throw new InputException($"\"{name}\" must have {rows} rows, not {len}");
            var a = new double[rows, cols];
            int r = 0;
            foreach (var row in e.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array) throw new InputException($"\"{name}\"[{r}] must be an array of numbers, not {Describe(row)}");
                int rl = row.GetArrayLength();
                if (rl != cols) throw new InputException($"\"{name}\"[{r}] must have {cols} elements, not {rl}");
                int c = 0;
                foreach (var item in row.EnumerateArray())
                {
                    a[r, c] = AsNumber(item, $"\"{name}\"[{r}][{c}]");
                    c++;
                }
                r++;
            }
            return a;
        }

        public static void Write(Utf8JsonWriter w, double value)
        {
            if (!double.IsFinite(value)) throw new NonFiniteOutputException($"the result is {value}, which JSON cannot represent");
            w.WriteNumberValue(value);
        }

        public static void Write(Utf8JsonWriter w, double[] values)
        {
            w.WriteStartArray();
            foreach (double v in values) Write(w, v);
            w.WriteEndArray();
        }

        /// <summary>A matrix as an array of rows.</summary>
        public static void Write(Utf8JsonWriter w, double[,] values)
        {
            w.WriteStartArray();
            for (int r = 0; r < values.GetLength(0); r++)
            {
                w.WriteStartArray();
                for (int c = 0; c < values.GetLength(1); c++) Write(w, values[r, c]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }

        public static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
