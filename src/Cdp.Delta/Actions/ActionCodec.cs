using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cdp.Delta.Actions;

/// <summary>
/// Reads and writes actions as the newline-delimited JSON of commit files. Unknown actions and unknown fields
/// are tolerated on read, as the protocol requires; writes emit only the fields we know, in a stable order.
/// </summary>
public static class ActionCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses a commit file. Errors name the file and the 1-based line.</summary>
    public static List<DeltaAction> ParseCommit(ReadOnlySpan<byte> content, string fileName)
    {
        var actions = new List<DeltaAction>();
        var text = Encoding.UTF8.GetString(content);
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw DeltaErrors.MalformedLog(fileName, lineNumber, $"not valid JSON ({e.Message})");
            }
            if (node is not JsonObject obj || obj.Count == 0)
                throw DeltaErrors.MalformedLog(fileName, lineNumber, "a line must be a JSON object holding one action");
            try
            {
                if (ParseAction(obj) is { } action) actions.Add(action);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
            {
                throw DeltaErrors.MalformedLog(fileName, lineNumber, e.Message);
            }
        }
        return actions;
    }

    /// <summary>Parses one action object (<c>{"add": {...}}</c>); null when the row holds no action (checkpoint rows).</summary>
    public static DeltaAction? ParseAction(JsonObject obj)
    {
        foreach (var (name, value) in obj)
        {
            if (value is null) continue; // checkpoint rows: only one column is non-null
            return name switch
            {
                "protocol" => ParseProtocol(value.AsObject()),
                "metaData" => ParseMetadata(value.AsObject()),
                "add" => ParseAdd(value.AsObject()),
                "remove" => ParseRemove(value.AsObject()),
                "txn" => new SetTransaction(Required<string>(value, "appId", "txn"), Required<long>(value, "version", "txn"), Optional<long>(value, "lastUpdated")),
                "commitInfo" => new CommitInfo(value.AsObject()),
                _ => new UnknownAction(name, value),
            };
        }
        return null;
    }

    private static Protocol ParseProtocol(JsonObject o) => new(
        Required<int>(o, "minReaderVersion", "protocol"),
        Required<int>(o, "minWriterVersion", "protocol"),
        StringList(o["readerFeatures"]),
        StringList(o["writerFeatures"]));

    private static Metadata ParseMetadata(JsonObject o)
    {
        var format = o["format"] as JsonObject;
        return new Metadata(
            Required<string>(o, "id", "metaData"),
            o["name"]?.GetValue<string>(),
            o["description"]?.GetValue<string>(),
            format?["provider"]?.GetValue<string>() ?? "parquet",
            StringMap(format?["options"]).ToDictionary(kv => kv.Key, kv => kv.Value ?? ""),
            o["schemaString"]?.GetValue<string>(),
            StringList(o["partitionColumns"]) ?? [],
            StringMap(o["configuration"]).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!),
            Optional<long>(o, "createdTime"));
    }

    private static AddFile ParseAdd(JsonObject o) => new(
        Required<string>(o, "path", "add"),
        StringMap(o["partitionValues"]),
        Required<long>(o, "size", "add"),
        Optional<long>(o, "modificationTime") ?? 0,
        Optional<bool>(o, "dataChange") ?? true,
        StatsText(o),
        o["tags"] is JsonObject ? StringMap(o["tags"]) : null,
        o["deletionVector"] as JsonObject);

    private static RemoveFile ParseRemove(JsonObject o) => new(
        Required<string>(o, "path", "remove"),
        Optional<long>(o, "deletionTimestamp"),
        Optional<bool>(o, "dataChange") ?? true,
        Optional<bool>(o, "extendedFileMetadata"),
        o["partitionValues"] is JsonObject ? StringMap(o["partitionValues"]) : null,
        Optional<long>(o, "size"),
        StatsText(o),
        o["deletionVector"] as JsonObject);

    // Checkpoints may carry stats as a JSON string, as a struct (stats_parsed), or not at all.
    private static string? StatsText(JsonObject o) => o["stats"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => o["stats_parsed"] is JsonObject parsed ? parsed.ToJsonString() : null,
    };

    private static T Required<T>(JsonNode node, string field, string action)
    {
        var value = node[field] ?? throw new FormatException($"'{action}' action has no '{field}' field");
        return ReadScalar<T>(value, field, action);
    }

    private static T? Optional<T>(JsonNode node, string field) where T : struct
        => node[field] is JsonValue v ? ReadScalar<T>(v, field, "action") : null;

    private static T ReadScalar<T>(JsonNode value, string field, string action)
    {
        try
        {
            if (typeof(T) == typeof(long) && value is JsonValue lv && lv.TryGetValue<string>(out var ls))
                return (T)(object)long.Parse(ls, System.Globalization.CultureInfo.InvariantCulture);
            return value.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new FormatException($"'{action}.{field}' has the wrong type (expected {typeof(T).Name}, found {value.ToJsonString()})");
        }
    }

    private static List<string>? StringList(JsonNode? node)
        => node is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? throw new FormatException("null in a string list")).ToList() : null;

    private static Dictionary<string, string?> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o) map[k] = v is null ? null : v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v.ToJsonString();
        }
        else if (node is JsonArray arr)
        {
            // DuckDB renders Parquet MAP columns as [{"key":..,"value":..}] lists.
            foreach (var entry in arr.OfType<JsonObject>())
                map[entry["key"]!.GetValue<string>()] = entry["value"]?.GetValue<string>();
        }
        return map;
    }

    /// <summary>Serialises actions as the content of one commit file (one JSON object per line).</summary>
    public static byte[] SerializeCommit(IEnumerable<DeltaAction> actions)
    {
        using var buffer = new MemoryStream();
        foreach (var action in actions)
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) WriteAction(writer, action);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    /// <summary>Serialises one action as a JSON object (<c>{"add": {...}}</c>).</summary>
    public static void WriteAction(Utf8JsonWriter w, DeltaAction action)
    {
        w.WriteStartObject();
        switch (action)
        {
            case Protocol p:
                w.WriteStartObject("protocol");
                w.WriteNumber("minReaderVersion", p.MinReaderVersion);
                w.WriteNumber("minWriterVersion", p.MinWriterVersion);
                if (p.ReaderFeatures is not null) WriteStrings(w, "readerFeatures", p.ReaderFeatures);
                if (p.WriterFeatures is not null) WriteStrings(w, "writerFeatures", p.WriterFeatures);
                w.WriteEndObject();
                break;
            case Metadata m:
                w.WriteStartObject("metaData");
                w.WriteString("id", m.Id);
                if (m.Name is not null) w.WriteString("name", m.Name);
                if (m.Description is not null) w.WriteString("description", m.Description);
                w.WriteStartObject("format");
                w.WriteString("provider", m.FormatProvider);
                WriteMap(w, "options", m.FormatOptions.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
                w.WriteEndObject();
                w.WriteString("schemaString", m.SchemaString);
                WriteStrings(w, "partitionColumns", m.PartitionColumns);
                WriteMap(w, "configuration", m.Configuration.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
                if (m.CreatedTime is { } created) w.WriteNumber("createdTime", created);
                w.WriteEndObject();
                break;
            case AddFile a:
                w.WriteStartObject("add");
                w.WriteString("path", a.Path);
                WriteMap(w, "partitionValues", a.PartitionValues);
                w.WriteNumber("size", a.Size);
                w.WriteNumber("modificationTime", a.ModificationTime);
                w.WriteBoolean("dataChange", a.DataChange);
                if (a.Stats is not null) w.WriteString("stats", a.Stats);
                if (a.Tags is not null) WriteMap(w, "tags", a.Tags);
                WriteDeletionVector(w, a.DeletionVector);
                w.WriteEndObject();
                break;
            case RemoveFile r:
                w.WriteStartObject("remove");
                w.WriteString("path", r.Path);
                if (r.DeletionTimestamp is { } ts) w.WriteNumber("deletionTimestamp", ts);
                w.WriteBoolean("dataChange", r.DataChange);
                if (r.ExtendedFileMetadata is { } ext) w.WriteBoolean("extendedFileMetadata", ext);
                if (r.PartitionValues is not null) WriteMap(w, "partitionValues", r.PartitionValues.Where(kv => kv.Value is not null).ToDictionary());
                if (r.Size is { } size) w.WriteNumber("size", size);
                if (r.Stats is not null) w.WriteString("stats", r.Stats);
                WriteDeletionVector(w, r.DeletionVector);
                w.WriteEndObject();
                break;
            case SetTransaction t:
                w.WriteStartObject("txn");
                w.WriteString("appId", t.AppId);
                w.WriteNumber("version", t.Version);
                if (t.LastUpdated is { } lu) w.WriteNumber("lastUpdated", lu);
                w.WriteEndObject();
                break;
            case CommitInfo c:
                w.WritePropertyName("commitInfo");
                c.Value.WriteTo(w);
                break;
            case UnknownAction u:
                w.WritePropertyName(u.Name);
                if (u.Value is null) w.WriteNullValue(); else u.Value.WriteTo(w);
                break;
            default:
                throw new InvalidOperationException($"Bug: no serialiser for action {action.GetType().Name}.");
        }
        w.WriteEndObject();
    }

    // A deletion vector is part of a file action's identity: dropping it would change which rows the file holds.
    private static void WriteDeletionVector(Utf8JsonWriter w, JsonObject? deletionVector)
    {
        if (deletionVector is null) return;
        w.WritePropertyName("deletionVector");
        deletionVector.WriteTo(w);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string?> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            if (v is null) w.WriteNull(k); else w.WriteString(k, v);
        }
        w.WriteEndObject();
    }
}
