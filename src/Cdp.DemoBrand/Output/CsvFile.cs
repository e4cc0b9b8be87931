using System.Text;

namespace Cdp.DemoBrand.Output;

/// <summary>Writes an RFC 4180 CSV file: comma separated, LF line ends, fields quoted when they hold a comma, quote or line break.</summary>
internal sealed class CsvFile : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly int _columns;

    public CsvFile(string path, params string[] header)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = Text.Open(path);
        _columns = header.Length;
        WriteFields(header);
    }

    public string Path { get; }

    /// <summary>Data rows written (the header excluded).</summary>
    public long Rows { get; private set; }

    /// <summary>Writes one row; null and empty are both an empty field.</summary>
    public void Row(params ReadOnlySpan<string?> fields)
    {
        if (fields.Length != _columns) throw new InvalidOperationException($"{Path}: {fields.Length} fields for {_columns} columns");
        WriteFields(fields);
        Rows++;
    }

    private void WriteFields(ReadOnlySpan<string?> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) _writer.Write(',');
            var f = fields[i];
            if (string.IsNullOrEmpty(f)) continue;
            if (f.AsSpan().IndexOfAny(",\"\r\n") < 0)
            {
                _writer.Write(f);
                continue;
            }
            _writer.Write('"');
            _writer.Write(f.Replace("\"", "\"\"", StringComparison.Ordinal));
            _writer.Write('"');
        }
        _writer.Write('\n');
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>Text files as the generator writes them: UTF-8 without BOM.</summary>
internal static class Text
{
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static StreamWriter Open(string path, bool append = false)
        => new(new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), Utf8, 1 << 16) { NewLine = "\n" };
}
