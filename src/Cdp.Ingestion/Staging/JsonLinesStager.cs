using System.Runtime.CompilerServices;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Streams a JSON-lines file once: each non-blank line must be valid UTF-8 and exactly one JSON object (checked with
/// <see cref="Utf8JsonReader"/>), and is copied with <c>"_source_line": n</c> as its first member; other lines go to
/// the reject file with the reason. The top-level keys seen are collected, so a key DuckDB's type sampling missed
/// is noticed.
/// </summary>
internal static class JsonLinesStager
{
    // Runs once per file per process: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StagedInput Stage(string inputPath, bool gzip, string stagingDir, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        var dataPath = Path.Combine(stagingDir, "data.jsonl");
        using var reader = new InputReader(inputPath, gzip, onBytes);
        using var output = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var rejects = new RejectWriter(Path.Combine(stagingDir, "rejects.jsonl"));
        var keys = new KeyCollector();
        Span<byte> prefix = stackalloc byte[48];
        var open = "{\"_source_line\":"u8;
        open.CopyTo(prefix);

        long line = 0, records = 0, staged = 0;
        var start = 0;
        reader.Refill(0, cancellationToken);
        if (reader.Length >= 3 && reader.Buffer[0] == 0xEF && reader.Buffer[1] == 0xBB && reader.Buffer[2] == 0xBF) start = 3;
        while (true)
        {
            var newline = reader.Buffer.AsSpan(start, reader.Length - start).IndexOf((byte)'\n');
            if (newline < 0 && !reader.AtEnd)
            {
                start -= reader.Refill(start, cancellationToken);
                continue;
            }
            if (newline < 0 && start >= reader.Length) break;
            var end = newline < 0 ? reader.Length : start + newline;
            var record = reader.Buffer.AsSpan(start, end - start);
            if (record.Length > 0 && record[^1] == (byte)'\r') record = record[..^1];
            line++;
            var body = record.TrimStart(" \t"u8);
            if (!body.TrimEnd(" \t"u8).IsEmpty)
            {
                records++;
                if (Check(record, keys) is { } reason) rejects.Add(line, null, reason, record);
                else
                {
                    // '{' ... becomes {"_source_line":n, ... (no comma before an empty object's '}').
                    Utf8Formatter.TryFormat(line, prefix[open.Length..], out var n);
                    var rest = body[1..];
                    var isEmpty = rest.TrimStart(" \t"u8) is [(byte)'}', ..];
                    n += open.Length;
                    if (!isEmpty) prefix[n++] = (byte)',';
                    output.Write(prefix[..n]);
                    output.Write(rest);
                    output.WriteByte((byte)'\n');
                    staged++;
                }
            }
            if (newline < 0) break;
            start = end + 1;
        }
        return new StagedInput(dataPath, rejects.Path, records, staged, rejects.Count, keys.Names, staged > 0);
    }

    /// <summary>Null when the line is one JSON object without reserved keys, else why it is rejected.</summary>
    // Runs once per file per process: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? Check(ReadOnlySpan<byte> line, KeyCollector keys)
    {
        if (!Utf8.IsValid(line)) return "invalid UTF-8 (the file must be UTF-8 encoded)";
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "not a JSON object (each line must be one {...} object)";
            var position = 0;
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (keys.Add(ref reader, position++) is { } reserved) return $"the key '{reserved}' is reserved for lineage columns";
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject) break;
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0) return "truncated JSON: the line ends before the object is complete";
            if (reader.Read()) return $"invalid JSON: more than one value on the line (at byte {reader.TokenStartIndex + 1})";
            return null;
        }
        catch (JsonException e)
        {
            // The reader's message may quote a character of the input; the reason names the position only.
            return e.BytePositionInLine is { } at && at < line.TrimEnd(" \t"u8).Length
                ? $"invalid JSON at byte {at + 1} of the line"
                : "truncated JSON: the line ends before the object is complete";
        }
    }
}

/// <summary>
/// The top-level keys of the objects seen, in first-seen order. Lines of one file mostly list the same keys in the
/// same order, so each key is first compared with the one seen at its position last time, without allocating.
/// </summary>
internal sealed class KeyCollector
{
    private readonly List<byte[]> _byPosition = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    /// <summary>Records the property name under the reader; returns it when it is reserved.</summary>
    public string? Add(ref Utf8JsonReader reader, int position)
    {
        if (!reader.ValueIsEscaped && position < _byPosition.Count && reader.ValueSpan.SequenceEqual(_byPosition[position])) return null;
        var name = reader.GetString()!;
        if (Lineage.IsReserved(name)) return name;
        if (_seen.Add(name)) _names.Add(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        if (position < _byPosition.Count) _byPosition[position] = bytes;
        else if (position == _byPosition.Count) _byPosition.Add(bytes);
        return null;
    }
}
