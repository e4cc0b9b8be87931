using System.Buffers;
using System.Runtime.CompilerServices;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// A quick check of the common line: one JSON object (RFC 8259) whose strings hold no <c>\u</c> escape, nested at
/// most 64 deep, and no reserved top-level key. True means <see cref="System.Text.Json.Utf8JsonReader"/> reads the
/// line as exactly one object too; false means "not sure": the caller then checks the line with the reader, which
/// also says why a bad line is bad. It collects the top-level keys and the kinds of their values like the reader's
/// check does. The line must already be valid UTF-8.
/// </summary>
internal static class JsonLineScanner
{
    private const int MaxDepth = 64;

    // Inside a string: the closing quote, an escape, or a control character (which JSON does not allow there).
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    // Runs once per line: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsPlainObject(ReadOnlySpan<byte> line, KeyCollector keys)
    {
        var i = SkipSpace(line, 0);
        if (i >= line.Length || line[i] != (byte)'{') return false;
        i++;
        var depth = 1;
        ulong arrays = 0; // bit k set: the container at depth k + 1 is an array
        var inArray = false;
        var position = 0;
        var key = -1; // the position of the top-level key whose value is being read
        var state = State.AfterOpen;
        while (true)
        {
            i = SkipSpace(line, i);
            if (i >= line.Length) return false;
            var c = line[i];
            if (state == State.AfterValue || (state == State.AfterOpen && c == (inArray ? (byte)']' : (byte)'}')))
            {
                if (state == State.AfterValue && c == (byte)',')
                {
                    state = State.AfterComma;
                    i++;
                    continue;
                }
                if (c != (inArray ? (byte)']' : (byte)'}')) return false;
                i++;
                if (--depth == 0) return SkipSpace(line, i) == line.Length;
                arrays >>= 1;
                inArray = (arrays & 1) != 0;
                state = State.AfterValue;
                continue;
            }
            if (!inArray)
            {
                if (c != (byte)'"') return false;
                var nameStart = i + 1;
                if (!SkipString(line, ref i, out var escaped)) return false;
                if (depth == 1)
                {
                    if (escaped || !keys.TryAdd(line[nameStart..(i - 1)], position)) return false;
                    key = position++;
                }
                i = SkipSpace(line, i);
                if (i >= line.Length || line[i] != (byte)':') return false;
                i = SkipSpace(line, i + 1);
                if (i >= line.Length) return false;
                c = line[i];
            }
            if (c is (byte)'{' or (byte)'[')
            {
                if (depth == MaxDepth) return false;
                if (depth == 1) keys.Mark(key, c == (byte)'{' ? JsonKinds.Object : JsonKinds.Array);
                inArray = c == (byte)'[';
                arrays = (arrays << 1) | (inArray ? 1UL : 0UL);
                depth++;
                i++;
                state = State.AfterOpen;
                continue;
            }
            var fraction = false;
            var ok = c switch
            {
                (byte)'"' => SkipString(line, ref i, out _),
                (byte)'t' => SkipLiteral(line, ref i, "true"u8),
                (byte)'f' => SkipLiteral(line, ref i, "false"u8),
                (byte)'n' => SkipLiteral(line, ref i, "null"u8),
                _ => SkipNumber(line, ref i, out fraction),
            };
            if (!ok) return false;
            if (depth == 1) keys.Mark(key, KindOf(c, fraction));
            else if (fraction) keys.Mark(key, JsonKinds.NestedFraction);
            state = State.AfterValue;
        }
    }

    /// <summary>The kind of the value starting with <paramref name="first"/> (not an object or array).</summary>
    internal static JsonKinds KindOf(byte first, bool fraction) => first switch
    {
        (byte)'"' => JsonKinds.String,
        (byte)'t' or (byte)'f' => JsonKinds.Bool,
        (byte)'n' => JsonKinds.Null,
        _ => fraction ? JsonKinds.Fraction : JsonKinds.Integer,
    };

    private enum State
    {
        AfterOpen,
        AfterComma,
        AfterValue,
    }

    private static int SkipSpace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }

    /// <summary>From the opening quote to just after the closing one; simple escapes only.</summary>
    private static bool SkipString(ReadOnlySpan<byte> line, ref int i, out bool escaped)
    {
        escaped = false;
        i++;
        while (true)
        {
            var k = line[i..].IndexOfAny(StringStops);
            if (k < 0) return false;
            i += k;
            var b = line[i];
            if (b == (byte)'"')
            {
                i++;
                return true;
            }
            if (b != (byte)'\\' || i + 1 >= line.Length) return false;
            if (line[i + 1] is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')) return false;
            escaped = true;
            i += 2;
        }
    }

    private static bool SkipLiteral(ReadOnlySpan<byte> line, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!line[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }

    /// <summary><c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>; what follows is checked by the caller.</summary>
    /// <param name="fraction">Whether the number has a fraction or an exponent.</param>
    private static bool SkipNumber(ReadOnlySpan<byte> line, ref int i, out bool fraction)
    {
        fraction = false;
        if (line[i] == (byte)'-') i++;
        if (i >= line.Length) return false;
        if (line[i] == (byte)'0') i++;
        else if (!SkipDigits(line, ref i)) return false;
        if (i < line.Length && line[i] == (byte)'.')
        {
            fraction = true;
            i++;
            if (!SkipDigits(line, ref i)) return false;
        }
        if (i < line.Length && (line[i] | 0x20) == (byte)'e')
        {
            fraction = true;
            i++;
            if (i < line.Length && line[i] is (byte)'+' or (byte)'-') i++;
            if (!SkipDigits(line, ref i)) return false;
        }
        return true;
    }

    /// <summary>One or more digits.</summary>
    private static bool SkipDigits(ReadOnlySpan<byte> line, ref int i)
    {
        var start = i;
        while (i < line.Length && (uint)(line[i] - '0') <= 9) i++;
        return i > start;
    }
}
