using System.Security.Cryptography;
using System.Text;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Delta.Stats;
using Cdp.Storage;

namespace Cdp.Engine;

/// <summary>
/// Builds the SELECT that reads a snapshot: its live Parquet files, columns cast to the table schema, columns a file
/// lacks as NULL, and partition columns taken from the log (Spark does not store them in the files).
/// </summary>
public static class SnapshotScan
{
    /// <summary>Name of the column carrying each row's data file, when requested.</summary>
    public const string FileColumn = "__cdp_file";

    /// <summary>Creates or replaces the view <paramref name="qualifiedName"/> (already quoted) over the snapshot; its schema must exist.</summary>
    public static async Task CreateViewAsync(DuckDbEngine engine, IObjectStore store, Snapshot snapshot, string qualifiedName, CancellationToken cancellationToken = default)
    {
        var scan = await BuildAsync(engine, store, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        await engine.ExecuteAsync($"CREATE OR REPLACE VIEW {qualifiedName} AS {scan}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the scan. With <paramref name="withFileColumn"/> the result also has <see cref="FileColumn"/> (the add.path).</summary>
    public static async Task<string> BuildAsync(DuckDbEngine engine, IObjectStore store, Snapshot snapshot, FilePredicate? filter = null,
        bool withFileColumn = false, IReadOnlyCollection<AddFile>? onlyFiles = null, CancellationToken cancellationToken = default)
    {
        var schema = snapshot.Schema;
        var partitionColumns = snapshot.PartitionColumns;
        var files = (onlyFiles ?? (filter is null ? snapshot.Files : filter.Filter(snapshot).ToList())).ToList();
        if (files.Any(f => f.DeletionVector is not null))
            throw new DeltaException(DeltaErrorKind.UnsupportedFeature, $"Delta table '{snapshot.Location}' has deletion vectors, which Cdp.Lakehouse does not implement.");

        var columnTypes = schema.Fields.ToDictionary(f => f.Name, f => TypeMapping.ToDuckDb(f.Type, f.Name));
        if (files.Count == 0)
        {
            var empty = schema.Fields.Select(f => $"CAST(NULL AS {columnTypes[f.Name]}) AS {Sql.Identifier(f.Name)}").ToList();
            if (withFileColumn) empty.Add($"CAST(NULL AS VARCHAR) AS {FileColumn}");
            return empty.Count == 0 ? "SELECT 1 WHERE false" : $"SELECT {string.Join(", ", empty)} WHERE false";
        }

        var localPaths = await LocalPathsAsync(engine, store, snapshot, files, cancellationToken).ConfigureAwait(false);
        var fileList = Sql.StringList(localPaths);
        var source = $"read_parquet({fileList}, union_by_name = true, hive_partitioning = false, filename = '{FileColumn}')";
        var present = (await engine.DescribeAsync($"SELECT * FROM {source}", cancellationToken).ConfigureAwait(false))
            .Select(c => c.Name)
            .Where(n => n != FileColumn)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var projection = new List<string>();
        foreach (var field in schema.Fields)
        {
            var name = Sql.Identifier(field.Name);
            var type = columnTypes[field.Name];
            if (partitionColumns.Contains(field.Name))
                projection.Add($"{PartitionValue(name, field.Type, type)} AS {name}");
            else if (present.Contains(field.Name))
                projection.Add(field.Type is PrimitiveType or DecimalType ? $"CAST(d.{name} AS {type}) AS {name}" : $"d.{name} AS {name}");
            else
                projection.Add($"CAST(NULL AS {type}) AS {name}");
        }
        if (withFileColumn) projection.Add($"p.__cdp_path AS {FileColumn}");

        // Without partition values to attach, the files are read directly: no join, so DuckDB can answer count(*)
        // from the Parquet footers and push filters into the scan.
        if (partitionColumns.Count == 0 && !withFileColumn)
            return $"SELECT {string.Join(", ", projection)} FROM read_parquet({fileList}, union_by_name = true, hive_partitioning = false) AS d";

        // One row per file: its local path, its add.path, and its partition values as strings.
        var values = files.Select((f, i) =>
        {
            var cells = new List<string> { Sql.Literal(localPaths[i]), Sql.Literal(f.Path) };
            cells.AddRange(partitionColumns.Select(c => PartitionLiteral(f.PartitionValues.GetValueOrDefault(c))));
            return "(" + string.Join(", ", cells) + ")";
        });
        var valueColumns = new List<string> { "__cdp_local", "__cdp_path" };
        valueColumns.AddRange(partitionColumns.Select(Sql.Identifier));
        var join = $"JOIN (VALUES {string.Join(", ", values)}) AS p({string.Join(", ", valueColumns)}) ON d.{FileColumn} = p.__cdp_local";
        return $"SELECT {string.Join(", ", projection)} FROM {source} AS d {join}";
    }

    // Delta writes a binary partition value as the string of its bytes (UTF-8); CAST to BLOB would parse \x escapes
    // instead and reject non-ASCII text, so the string is encoded back to its bytes.
    private static string PartitionValue(string column, DataType deltaType, string duckType)
        => deltaType is PrimitiveType { Name: "binary" } ? $"encode(p.{column})" : $"CAST(p.{column} AS {duckType})";

    // Delta stores partition values as strings; JSON null or "" is NULL.
    private static string PartitionLiteral(string? value) => string.IsNullOrEmpty(value) ? "CAST(NULL AS VARCHAR)" : Sql.Literal(value);

    private static async Task<List<string>> LocalPathsAsync(DuckDbEngine engine, IObjectStore store, Snapshot snapshot, List<AddFile> files, CancellationToken cancellationToken)
    {
        var cache = Path.Combine(engine.CacheDirectory, Hash(store.Location));
        var paths = new string[files.Count];
        var missing = new string?[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var key = DeltaPath.ToKey(snapshot.Location, files[i].Path);
            try
            {
                paths[i] = GlobSafe(await store.GetLocalPathAsync(key, cache, ct).ConfigureAwait(false), cache);
            }
            catch (ObjectNotFoundException)
            {
                missing[i] = key;
            }
        }).ConfigureAwait(false);

        // Every missing file is named, in the snapshot's order, whichever lookup finished first.
        var absent = missing.OfType<string>().ToList();
        if (absent.Count > 0)
        {
            var named = string.Join(", ", absent.Take(5).Select(k => $"'{k}'")) + (absent.Count > 5 ? $" and {absent.Count - 5} more" : "");
            throw new DeltaException(DeltaErrorKind.MissingFile,
                $"Delta table '{snapshot.Location}' version {snapshot.Version} references data file{(absent.Count > 1 ? "s" : "")} {named}, which {(absent.Count > 1 ? "do" : "does")} not exist (deleted by hand or by an unsafe vacuum).");
        }
        return paths.ToList();
    }

    // DuckDB expands glob characters in file lists; a path holding them is read through a link with a plain name.
    private static string GlobSafe(string path, string cache)
    {
        if (path.IndexOfAny(['*', '?', '[', ']', '{', '}']) < 0) return path;
        var links = Path.Combine(cache, "links");
        Directory.CreateDirectory(links);
        var link = Path.Combine(links, Hash(path) + ".parquet");
        if (!File.Exists(link))
        {
            try
            {
                File.CreateSymbolicLink(link, path);
            }
            catch (IOException) when (File.Exists(link))
            {
                // another reader made the same link
            }
        }
        return link;
    }

    internal static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}
