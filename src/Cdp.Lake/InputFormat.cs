namespace Cdp.Lake;

/// <summary>Formats of files that can be appended to a table.</summary>
public enum InputFormat { Auto, Csv, JsonLines, Parquet }

/// <summary>Chooses how an input file is read.</summary>
public static class InputFormats
{
    /// <summary>The format given, or the one the file name implies (.csv/.tsv, .json/.jsonl/.ndjson, .parquet).</summary>
    public static InputFormat Resolve(string path, InputFormat format)
    {
        if (format != InputFormat.Auto) return format;
        return Extension(path) switch
        {
            ".csv" or ".tsv" or ".txt" => InputFormat.Csv,
            ".json" or ".jsonl" or ".ndjson" => InputFormat.JsonLines,
            ".parquet" or ".pq" => InputFormat.Parquet,
            var ext => throw new LakeException($"Cannot tell the format of input file '{path}' from its extension '{ext}'. Pass --input-format csv|jsonlines|parquet."),
        };
    }

    /// <summary>The DuckDB table function reading the file.</summary>
    public static string Reader(string path, InputFormat format) => format switch
    {
        // The dialect is fixed (RFC 4180, tab for .tsv) and only the column types are sniffed: left free, the sniffer
        // answers a ragged row or an unterminated quote by picking another delimiter and loads mangled rows.
        InputFormat.Csv => $"read_csv({Engine.Sql.Literal(path)}, header = true, auto_detect = true, delim = {Engine.Sql.Literal(Delimiter(path))}, " +
            "quote = '\"', escape = '\"', strict_mode = true)",
        // records = true: a line that is not an object is an error; otherwise DuckDB falls back to one "json" column.
        InputFormat.JsonLines => $"read_json({Engine.Sql.Literal(path)}, format = 'newline_delimited', records = true)",
        InputFormat.Parquet => $"read_parquet({Engine.Sql.Literal(path)})",
        _ => throw new InvalidOperationException("Bug: input format not resolved."),
    };

    private static string Delimiter(string path) => Extension(path) == ".tsv" ? "\t" : ",";

    // The extension under a compression suffix: "orders.csv.gz" is ".csv".
    private static string Extension(string path)
    {
        var name = path.ToLowerInvariant();
        foreach (var suffix in new[] { ".gz", ".zst" }) if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        return Path.GetExtension(name);
    }
}
