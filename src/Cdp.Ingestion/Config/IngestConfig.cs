using System.Text.RegularExpressions;
using Cdp.Storage;

namespace Cdp.Ingestion.Config;

/// <summary>
/// The typed <c>ingest:</c> section of the project file. <see cref="Read"/> validates the plain values the project
/// loader produces and reports every problem at once, each naming its key path.
/// </summary>
public sealed partial record IngestConfig(IReadOnlyList<SourceDefinition> Sources)
{
    private const string FileName = "cdp.yml";
    private static readonly string[] SourceKeys = ["format", "path", "delimiter", "columns"];
    private static readonly string[] PostgresKeys = ["kind", "connection_env", "table", "primary_key", "cursor", "mode"];
    private static readonly string[] SimpleTypes =
    [
        "VARCHAR", "TEXT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "BOOLEAN", "DATE", "TIMESTAMP",
        "TIMESTAMPTZ", "BLOB",
    ];

    /// <summary>Validates <paramref name="section"/> (the value of <c>ingest</c>) into source definitions.</summary>
    /// <param name="projectRoot">Relative local paths are resolved against it.</param>
    /// <exception cref="IngestException">Every problem found, one per line.</exception>
    public static IngestConfig Read(IReadOnlyDictionary<string, object?> section, string projectRoot)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(projectRoot);
        var errors = new List<string>();
        var sources = new List<SourceDefinition>();
        foreach (var key in section.Keys.Where(k => k != "sources"))
            errors.Add($"{FileName}: ingest.{key}: unknown key (use sources)");
        if (!section.TryGetValue("sources", out var value) || value is null)
            errors.Add($"{FileName}: ingest.sources: missing; declare at least one source, e.g. sources: {{crm: {{format: csv, path: 'data/crm.csv'}}}}");
        else if (value is not IReadOnlyDictionary<string, object?> map)
            errors.Add($"{FileName}: ingest.sources: expected a mapping of source name to settings");
        else
        {
            if (map.Count == 0) errors.Add($"{FileName}: ingest.sources: empty; declare at least one source");
            foreach (var (name, settings) in map)
            {
                if (ReadSource(name, settings, projectRoot, errors) is { } source) sources.Add(source);
            }
        }
        if (errors.Count > 0) throw new IngestException(string.Join('\n', errors));
        return new IngestConfig(sources);
    }

    /// <summary>The sources named (all when <paramref name="names"/> is empty); an unknown name is an error listing the known ones.</summary>
    public IReadOnlyList<SourceDefinition> Select(IReadOnlyList<string> names)
    {
        if (names.Count == 0) return Sources;
        var unknown = names.Where(n => !Sources.Any(s => s.Name == n)).ToList();
        if (unknown.Count > 0)
            throw new IngestException($"unknown source(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))}; the project declares: {string.Join(", ", Sources.Select(s => s.Name))}");
        return Sources.Where(s => names.Contains(s.Name)).ToList();
    }

    private static SourceDefinition? ReadSource(string name, object? settings, string projectRoot, List<string> errors)
    {
        var at = $"{FileName}: ingest.sources.{name}";
        var before = errors.Count;
        if (!SourceName().IsMatch(name))
            errors.Add($"{at}: invalid source name (letters, digits, '_' and '-', not starting with '_' or '-'; it names the table bronze/<source>)");
        if (settings is not IReadOnlyDictionary<string, object?> s)
        {
            errors.Add($"{at}: expected a mapping with format and path");
            return null;
        }
        if (s.TryGetValue("kind", out var kind))
        {
            if (kind is "postgres") return ReadPostgres(name, at, s, errors, before);
            errors.Add($"{at}.kind: unknown kind '{kind}' (use postgres, or omit kind for files)");
            return null;
        }
        foreach (var key in s.Keys.Where(k => !SourceKeys.Contains(k)))
            errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", SourceKeys)})");

        SourceFormat? format = s.GetValueOrDefault("format") switch
        {
            null => Error($"{at}.format: missing (use csv, jsonl, parquet)"),
            "csv" => SourceFormat.Csv,
            "jsonl" or "ndjson" => SourceFormat.JsonLines,
            "parquet" => SourceFormat.Parquet,
            var other => Error($"{at}.format: unknown format '{other}' (use csv, jsonl, parquet)"),
        };

        string? path = null;
        if (s.GetValueOrDefault("path") is string p && p.Trim().Length > 0)
            path = StorageUri.SchemeOf(p) is null ? System.IO.Path.GetFullPath(p, projectRoot) : p;
        else errors.Add($"{at}.path: missing or empty; give a file, a glob ('data/*.csv', 'exports/**/*.jsonl') or a URI");

        var delimiter = ',';
        if (s.TryGetValue("delimiter", out var d))
        {
            if (format != SourceFormat.Csv) errors.Add($"{at}.delimiter: only csv sources take a delimiter");
            else if (d is string ds && ds.Length == 1 && ds[0] < 128 && ds[0] is not ('"' or '\n' or '\r')) delimiter = ds[0];
            else errors.Add($"{at}.delimiter: expected one ASCII character other than a quote or a line break (e.g. ',', ';', '\\t', '|')");
        }

        var columns = new List<DeclaredColumn>();
        if (s.TryGetValue("columns", out var c))
        {
            if (c is not IReadOnlyDictionary<string, object?> cols) errors.Add($"{at}.columns: expected a mapping of column name to type, e.g. {{id: BIGINT, opened: DATE}}");
            else
            {
                foreach (var (column, type) in cols)
                {
                    if (column.Length == 0 || column.StartsWith("_source_", StringComparison.Ordinal) || column is "_ingested_at" or "_batch_id")
                        errors.Add($"{at}.columns.{column}: invalid column name (lineage columns are added by ingest)");
                    else if (type is string t && NormaliseType(t) is { } normal) columns.Add(new DeclaredColumn(column, normal));
                    else errors.Add($"{at}.columns.{column}: unknown type '{type}' (use {string.Join(", ", SimpleTypes)} or DECIMAL(p,s))");
                }
            }
        }
        return errors.Count == before && format is { } f && path is not null ? new SourceDefinition(name, f, path, delimiter, columns) : null;

        SourceFormat? Error(string message)
        {
            errors.Add(message);
            return null;
        }
    }

    private static SourceDefinition? ReadPostgres(string name, string at, IReadOnlyDictionary<string, object?> s, List<string> errors, int before)
    {
        foreach (var unknown in s.Keys.Where(k => !PostgresKeys.Contains(k)))
            errors.Add($"{at}.{unknown}: unknown key (use {string.Join(", ", PostgresKeys)})");

        var env = s.GetValueOrDefault("connection_env") as string;
        if (env is null || !EnvironmentName().IsMatch(env))
        {
            errors.Add($"{at}.connection_env: missing or invalid; name the environment variable holding the connection string (e.g. CDP_PG_CRM); " +
                       "the connection string itself never goes in the project file");
        }

        string? schema = null, table = null;
        if (s.GetValueOrDefault("table") is string t && QualifiedTable().Match(t.Trim()) is { Success: true } m)
        {
            schema = m.Groups[1].Success ? m.Groups[1].Value : "public";
            table = m.Groups[2].Value;
        }
        else errors.Add($"{at}.table: missing or invalid; expected 'schema.table' or 'table' (letters, digits, '_', '$'; e.g. public.customers)");

        var key = new List<string>();
        switch (s.GetValueOrDefault("primary_key"))
        {
            case string one when ColumnName().IsMatch(one):
                key.Add(one);
                break;
            case IEnumerable<object?> many when many.All(c => c is string cs && ColumnName().IsMatch(cs)) && many.Any():
                key.AddRange(many.Cast<string>());
                break;
            default:
                errors.Add($"{at}.primary_key: missing or invalid; expected a list of column names, e.g. [id]");
                break;
        }

        var mode = PostgresMode.Incremental;
        switch (s.GetValueOrDefault("mode"))
        {
            case null or "incremental":
                break;
            case "full":
                mode = PostgresMode.Full;
                break;
            case var other:
                errors.Add($"{at}.mode: unknown mode '{other}' (use incremental, full)");
                break;
        }

        string? cursor = null;
        switch (s.GetValueOrDefault("cursor"))
        {
            case string c when ColumnName().IsMatch(c):
                cursor = c;
                break;
            case null when mode == PostgresMode.Full:
                break;
            case null:
                errors.Add($"{at}.cursor: missing; incremental mode needs a column that grows on every insert and update (e.g. updated_at)");
                break;
            default:
                errors.Add($"{at}.cursor: invalid column name");
                break;
        }
        if (cursor is not null && Lineage.IsReserved(cursor)) errors.Add($"{at}.cursor: '{cursor}' is a lineage column name");

        return errors.Count == before && env is not null && table is not null && schema is not null
            ? new SourceDefinition(name, SourceFormat.Postgres, "", ',', [], new PostgresSettings(env, schema, table, key, cursor, mode))
            : null;
    }

    private static string? NormaliseType(string type)
    {
        var t = type.Trim().ToUpperInvariant();
        if (SimpleTypes.Contains(t)) return t == "TEXT" ? "VARCHAR" : t;
        var m = DecimalType().Match(t);
        if (m.Success && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var p and >= 1 and <= 38
            && int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) <= p)
            return $"DECIMAL({m.Groups[1].Value},{m.Groups[2].Value})";
        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"^(?:([A-Za-z_][A-Za-z0-9_$]*)\.)?([A-Za-z_][A-Za-z0-9_$]*)$")]
    private static partial Regex QualifiedTable();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*$")]
    private static partial Regex ColumnName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex SourceName();

    [GeneratedRegex(@"^DECIMAL\s*\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$")]
    private static partial Regex DecimalType();
}
