using System.Collections;
using System.Globalization;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Storage;

namespace Cdp.Engine;

/// <summary>The data files one write produced, ready to be committed.</summary>
public sealed record WrittenFiles(IReadOnlyList<AddFile> Files, long Rows, long Bytes);

/// <summary>
/// Writes a query's rows as Parquet data files of a table: one DuckDB COPY with RETURN_STATS into a staging folder
/// (partitioned with PARTITION_BY), then each file is moved or uploaded to its final, never-reused name.
/// Stats come from the COPY itself, so no file is read back.
/// </summary>
internal sealed class DataFileWriter
{
    private readonly DuckDbEngine _engine;

    public DataFileWriter(DuckDbEngine engine) => _engine = engine;

    /// <param name="selectSql">A query returning the table's columns, already cast to the table types.</param>
    public async Task<WrittenFiles> WriteAsync(IObjectStore store, string selectSql, StructType schema, IReadOnlyList<string> partitionColumns,
        CancellationToken cancellationToken)
    {
        var staging = store.CreateStagingDirectory();
        try
        {
            var partitioned = partitionColumns.Count > 0;
            var target = partitioned ? Path.Combine(staging, "out") : Path.Combine(staging, "data.parquet");
            var options = "FORMAT parquet, COMPRESSION snappy, RETURN_STATS true";
            if (partitioned) options += $", PARTITION_BY ({string.Join(", ", partitionColumns.Select(Sql.Identifier))})";
            var result = await _engine.QueryAsync($"COPY ({selectSql}) TO {Sql.Literal(target)} ({options})", cancellationToken).ConfigureAwait(false);

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var files = new List<AddFile>();
            long rows = 0, bytes = 0;
            var index = 0;
            foreach (var row in result.Rows)
            {
                var localFile = (string)row[0]!;
                var count = Convert.ToInt64(row[1], CultureInfo.InvariantCulture);
                var size = Convert.ToInt64(row[2], CultureInfo.InvariantCulture);
                if (count == 0)
                {
                    File.Delete(localFile); // an empty result still writes one empty file: it adds nothing
                    continue;
                }
                var values = PartitionValues(row[5] as IDictionary, partitionColumns, schema);
                var folder = string.Join('/', partitionColumns.Select(c => DeltaPath.PartitionFolder(c, values[c])));
                var key = ObjectKey.Combine(folder, $"part-{index++:D5}-{Guid.NewGuid()}.c000.snappy.parquet");
                await store.UploadFileAsync(key, localFile, cancellationToken).ConfigureAwait(false);
                var stats = StatsBuilder.Build(count, row[4] as IDictionary, schema, partitionColumns);
                files.Add(new AddFile(DeltaPath.FromKey(key), values, size, now, DataChange: true, stats));
                rows += count;
                bytes += size;
            }
            return new WrittenFiles(files, rows, bytes);
        }
        finally
        {
            DuckDbCheckpointFormat.TryDelete(staging);
        }
    }

    /// <summary>Deletes files of a write that was not committed (a lost conflict); their names are never reused.</summary>
    public static async Task DiscardAsync(IObjectStore store, string location, WrittenFiles written)
    {
        foreach (var file in written.Files)
        {
            try
            {
                await store.DeleteAsync(DeltaPath.ToKey(location, file.Path)).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // an orphan file is harmless: vacuum removes it later
            }
        }
    }

    // DuckDB reports each file's partition values as text; Delta wants its own string forms.
    private static Dictionary<string, string?> PartitionValues(IDictionary? keys, IReadOnlyList<string> partitionColumns, StructType schema)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var column in partitionColumns)
        {
            var raw = keys is not null && keys.Contains(column) ? keys[column] as string : null;
            values[column] = string.IsNullOrEmpty(raw) ? null : Normalise(schema.Find(column)!.Type, raw);
        }
        return values;
    }

    private static string Normalise(DataType type, string raw)
    {
        if (type is PrimitiveType { Name: "timestamp" or "timestamp_ntz" }
            && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var ts))
            return ts.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        return raw;
    }
}
