using System.Text;
using System.Text.Json;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Writes rejected input lines to a staged JSON-lines file (line, column, reason, raw text), so a file full of bad
/// lines never has to fit in memory. The raw text is the only place a rejected value is kept.
/// </summary>
internal sealed class RejectWriter : IDisposable
{
    /// <summary>Raw text longer than this is cut (a runaway unterminated quote can swallow the rest of a file).</summary>
    public const int MaxRawChars = 1 << 20;

    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;

    public RejectWriter(string path, bool append = false)
    {
        Path = path;
        _stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
    }

    public string Path { get; }

    public long Count { get; private set; }

    /// <summary>The DuckDB columns of the staged file.</summary>
    public const string Columns = "{'line': 'BIGINT', 'column': 'VARCHAR', 'reason': 'VARCHAR', 'raw': 'VARCHAR'}";

    /// <param name="raw">The line's bytes; invalid UTF-8 is kept as U+FFFD.</param>
    public void Add(long line, string? column, string reason, ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw.Length > MaxRawChars * 3 ? raw[..(MaxRawChars * 3)] : raw);
        if (text.Length > MaxRawChars) text = text[..MaxRawChars];
        _json.WriteStartObject();
        _json.WriteNumber("line", line);
        if (column is null) _json.WriteNull("column");
        else _json.WriteString("column", column);
        _json.WriteString("reason", reason);
        _json.WriteString("raw", text);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset(); // one document per line: no separator before the next
        _stream.WriteByte((byte)'\n');
        Count++;
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }
}
