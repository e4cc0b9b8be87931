using System.Text;
using Cdp.Activation.Planning;
using Cdp.Engine;

namespace Cdp.Activation.Destinations;

/// <summary>
/// A batch as one Parquet file (snappy), encoded by DuckDB, the same writer as the lake's data files: the records go
/// through the appender into a temporary table, which is copied to a local temp file in the records' order, typed by
/// the <see cref="DropSchema"/> (VARCHAR and BIGINT, nulls kept), and read back.
/// </summary>
internal static class ParquetDropFile
{
    public static async Task<byte[]> EncodeAsync(DuckDbEngine engine, DropSchema schema, DeliveryBatch batch, CancellationToken cancellationToken)
    {
        var table = "__cdp_file_drop_" + Guid.NewGuid().ToString("N");
        var folder = Directory.CreateTempSubdirectory("cdp-file-drop-");
        try
        {
            // Staged under positional names; the export fields as base64 of their UTF-8, because the appender cuts a
            // string at its first NUL character and a drop must carry every value exactly.
            var staged = schema.Columns.Select((c, i) => $"c{i} {(c.Type == "int64" ? "BIGINT" : "VARCHAR")}");
            await engine.ExecuteAsync($"CREATE TEMP TABLE {table}({string.Join(", ", staged)})", cancellationToken).ConfigureAwait(false);
            try
            {
                await engine.AppendAsync(table, batch.Records.Count, Columns(batch), cancellationToken).ConfigureAwait(false);
                var select = schema.Columns.Select((c, i) => (i < 2 ? $"c{i}" : $"decode(from_base64(c{i}))") + " AS " + Sql.Identifier(c.Name));
                var path = Path.Combine(folder.FullName, "drop.parquet");
                await engine.ExecuteAsync($"COPY (SELECT {string.Join(", ", select)} FROM {table}) TO {Sql.Literal(path)} (FORMAT parquet, COMPRESSION snappy)",
                    cancellationToken).ConfigureAwait(false);
                return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await engine.ExecuteAsync($"DROP TABLE IF EXISTS {table}", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // Operation and person_id first, then each export field in the batch's column order.
    private static List<Array> Columns(DeliveryBatch batch)
    {
        var records = batch.Records;
        var columns = new List<Array>
        {
            records.Select(r => (string?)SyncOperations.Name(r.Operation)).ToArray(),
            records.Select(r => r.PersonId).ToArray(),
        };
        for (var i = 0; i < batch.Columns.Count; i++)
        {
            var field = i;
            columns.Add(records.Select(r => r.Fields[field] is { } value ? Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) : null).ToArray());
        }
        return columns;
    }
}
