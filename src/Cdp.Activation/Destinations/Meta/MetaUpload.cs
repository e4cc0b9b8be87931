using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Destinations.Meta;

/// <summary>
/// One batch as Meta receives it: the schema (the mapped keys present among the batch's columns, in Meta's order),
/// the rows of encoded values in schema order, the records refused before sending, and the session.
/// </summary>
/// <remarks>
/// Every batch is its own one-batch session (<c>batch_seq</c> 1, <c>last_batch_flag</c> true). Meta's sessions chain the
/// batches of one upload, but the executor sends batches in parallel and resumes each independently, so no batch may
/// wait for, or depend on, another. The session id is derived from the batch id: a batch sent again (a retry, or a
/// resumed run re-sending an announced batch) carries the same session, which is how the platform recognises it.
/// </remarks>
internal sealed record MetaUpload(IReadOnlyList<string> Schema, IReadOnlyList<string[]> Rows, IReadOnlyDictionary<long, string> Rejections, long SessionId)
{
    /// <summary>The reason a record is refused before sending: none of its match keys has a value.</summary>
    public const string NoIdentifier = "no_identifier";

    /// <summary>
    /// Encodes a batch. Records with no value for any match key (<see cref="MetaNormalization.MatchKeys"/>) are refused
    /// with <see cref="NoIdentifier"/> and left out: they would match nobody.
    /// </summary>
    public static MetaUpload Build(string destination, DeliveryBatch batch, IReadOnlyDictionary<string, string> fieldMap)
    {
        var (schema, sources) = SchemaOf(destination, batch, fieldMap);
        var matchKeys = schema.Select((k, i) => (k, i)).Where(p => MetaNormalization.MatchKeys.Contains(p.k, StringComparer.Ordinal)).Select(p => p.i).ToArray();

        var rows = new List<string[]>(batch.Records.Count);
        var rejections = new Dictionary<long, string>();
        foreach (var record in batch.Records)
        {
            var row = Encode(schema, sources, record, record.Fields);
            if (matchKeys.Any(i => row[i].Length > 0)) rows.Add(row);
            else rejections[record.PersonId] = NoIdentifier;
        }
        return new MetaUpload(schema, rows, rejections, SessionIdOf(batch.BatchId));
    }

    /// <summary>
    /// For a batch of updates: the identifiers they replace, to remove before the new ones are added. A row per record
    /// whose email, phone or mobile advertiser id as last sent (<see cref="Planning.SyncRecord.Sent"/>) differs from the
    /// new one, holding only those old values: Meta removes whoever they match, and the update then adds the person
    /// back under the new identifiers. Null when no identifier changed. Its session is the batch's own, derived apart,
    /// so a resent batch removes under the same session again.
    /// </summary>
    public static MetaUpload? Replaced(string destination, DeliveryBatch batch, IReadOnlyDictionary<string, string> fieldMap)
    {
        if (batch.Operation != Planning.SyncOperation.Update || batch.Records.All(r => r.Sent is null)) return null;
        var (schema, sources) = SchemaOf(destination, batch, fieldMap);
        var changeable = schema.Select((k, i) => (k, i)).Where(p => ReplaceableKeys.Contains(p.k)).Select(p => p.i).ToArray();
        var rows = new List<string[]>();
        foreach (var record in batch.Records)
        {
            if (record.Sent is not { } sent) continue;
            var before = Encode(schema, sources, record, sent);
            var after = Encode(schema, sources, record, record.Fields);
            var row = new string[schema.Count];
            Array.Fill(row, "");
            var any = false;
            foreach (var i in changeable)
            {
                if (before[i].Length == 0 || before[i] == after[i]) continue;
                row[i] = before[i];
                any = true;
            }
            if (any) rows.Add(row);
        }
        return rows.Count == 0 ? null : new MetaUpload(schema, rows, new Dictionary<long, string>(), SessionIdOf(batch.BatchId + "/replaced"));
    }

    // The match keys an update can change (the person id behind EXTERN_ID never does).
    private static readonly HashSet<string> ReplaceableKeys = new(StringComparer.Ordinal) { "EMAIL", "PHONE", "MADID" };

    /// <summary>The mapped keys present among the batch's columns, in Meta's order, and where each value comes from (-1: the person id).</summary>
    private static (List<string> Schema, List<int> Sources) SchemaOf(string destination, DeliveryBatch batch, IReadOnlyDictionary<string, string> fieldMap)
    {
        var schema = new List<string>();
        var sources = new List<int>();
        foreach (var key in MetaNormalization.Keys)
        {
            if (!fieldMap.TryGetValue(key, out var column)) continue;
            var index = IndexOf(batch.Columns, column);
            if (index < 0 && !string.Equals(column, MetaOptions.PersonIdColumn, StringComparison.OrdinalIgnoreCase)) continue;
            schema.Add(key);
            sources.Add(index);
        }
        if (schema.Count == 0)
            throw new InvalidOperationException($"Meta destination '{destination}': none of the export columns ({string.Join(", ", batch.Columns)}) of audience " +
                $"'{batch.Audience}' is mapped to a Meta key (the map reads {string.Join(", ", fieldMap.Select(kv => $"{kv.Key} from {kv.Value}"))}). " +
                "Export the mapped columns (MetaOptions.ExportColumns) or change MetaOptions.FieldMap.");
        return (schema, sources);
    }

    private static string[] Encode(List<string> schema, List<int> sources, Planning.SyncRecord record, IReadOnlyList<string?> fields)
    {
        var row = new string[schema.Count];
        for (var i = 0; i < schema.Count; i++)
        {
            var raw = sources[i] < 0 ? record.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture) : fields[sources[i]];
            row[i] = MetaNormalization.Encode(schema[i], raw);
        }
        return row;
    }

    /// <summary>A positive int64 derived from the batch id (the first 8 bytes of its SHA-256), the same on every send.</summary>
    public static long SessionIdOf(string batchId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("meta-session:" + batchId));
        var id = BinaryPrimitives.ReadInt64BigEndian(hash) & long.MaxValue;
        return id == 0 ? 1 : id;
    }

    /// <summary>The request body: <c>{"payload": {"schema", "data"}, "session": {...}}</c>.</summary>
    public byte[] Body()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartObject("payload");
            json.WriteStartArray("schema");
            foreach (var key in Schema) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteStartArray("data");
            foreach (var row in Rows)
            {
                json.WriteStartArray();
                foreach (var value in row) json.WriteStringValue(value);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("session");
            json.WriteNumber("session_id", SessionId);
            json.WriteNumber("batch_seq", 1);
            json.WriteBoolean("last_batch_flag", true);
            json.WriteNumber("estimated_num_total", Rows.Count);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static int IndexOf(IReadOnlyList<string> columns, string column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
