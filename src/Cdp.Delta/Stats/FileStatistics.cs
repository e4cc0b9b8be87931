using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cdp.Delta.Stats;

/// <summary>The per-file statistics of <c>add.stats</c>: row count, min/max values and null counts by column path.</summary>
public sealed record FileStatistics(long? NumRecords, JsonObject? MinValues, JsonObject? MaxValues, JsonObject? NullCount)
{
    /// <summary>Parses stats JSON; null when absent or unreadable (stats are optional, so bad stats only disable skipping).</summary>
    public static FileStatistics? TryParse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            if (JsonNode.Parse(json) is not JsonObject o) return null;
            long? n = o["numRecords"] is JsonValue v && v.TryGetValue<long>(out var count) ? count : null;
            return new FileStatistics(n, o["minValues"] as JsonObject, o["maxValues"] as JsonObject, o["nullCount"] as JsonObject);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public JsonNode? Min(string column) => MinValues?[column];

    public JsonNode? Max(string column) => MaxValues?[column];

    public long? Nulls(string column) => NullCount?[column] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    public string ToJson()
    {
        var o = new JsonObject { ["numRecords"] = NumRecords };
        if (MinValues is not null) o["minValues"] = MinValues.DeepClone();
        if (MaxValues is not null) o["maxValues"] = MaxValues.DeepClone();
        if (NullCount is not null) o["nullCount"] = NullCount.DeepClone();
        return o.ToJsonString();
    }
}
