using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta.Schema;
using Cdp.Delta.Stats;

namespace Cdp.Engine;

/// <summary>
/// Turns DuckDB's per-file column statistics (COPY ... RETURN_STATS) into Delta <c>add.stats</c>, written the way
/// Spark writes them: string bounds at most 32 characters (a longer max is left out, since a prefix is not an upper
/// bound), timestamps in UTC to the millisecond, no min/max for booleans, binaries, arrays and maps.
/// </summary>
internal static class StatsBuilder
{
    private const int MaxStringBound = 32;

    public static string Build(long rows, IDictionary? columnStatistics, StructType schema, IReadOnlyCollection<string> partitionColumns)
    {
        var byPath = new Dictionary<string, IDictionary>(StringComparer.Ordinal);
        if (columnStatistics is not null)
        {
            foreach (DictionaryEntry entry in columnStatistics)
            {
                if (entry.Value is IDictionary stats) byPath[(string)entry.Key] = stats;
            }
        }
        var min = new JsonObject();
        var max = new JsonObject();
        var nulls = new JsonObject();
        Fill(schema, "", byPath, min, max, nulls, partitionColumns);
        return new FileStatistics(rows, min, max, nulls).ToJson();
    }

    private static void Fill(StructType type, string prefix, Dictionary<string, IDictionary> byPath, JsonObject min, JsonObject max, JsonObject nulls,
        IReadOnlyCollection<string> partitionColumns)
    {
        foreach (var field in type.Fields)
        {
            if (prefix.Length == 0 && partitionColumns.Contains(field.Name)) continue;
            var path = prefix + Sql.Identifier(field.Name);
            if (field.Type is StructType nested)
            {
                JsonObject nMin = [], nMax = [], nNulls = [];
                Fill(nested, path + ".", byPath, nMin, nMax, nNulls, partitionColumns);
                if (nMin.Count > 0) min[field.Name] = nMin;
                if (nMax.Count > 0) max[field.Name] = nMax;
                if (nNulls.Count > 0) nulls[field.Name] = nNulls;
                continue;
            }
            if (field.Type is ArrayType or MapType || !byPath.TryGetValue(path, out var stats)) continue;
            if (Text(stats, "null_count") is { } n && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var nullCount))
                nulls[field.Name] = nullCount;
            if (Bound(field.Type, Text(stats, "min"), isMax: false) is { } lo) min[field.Name] = lo;
            if (Bound(field.Type, Text(stats, "max"), isMax: true) is { } hi) max[field.Name] = hi;
        }
    }

    private static string? Text(IDictionary stats, string key) => stats.Contains(key) ? stats[key] as string : null;

    private static JsonNode? Bound(DataType type, string? text, bool isMax)
    {
        if (text is null) return null;
        var inv = CultureInfo.InvariantCulture;
        switch (type)
        {
            case PrimitiveType { Name: "byte" or "short" or "integer" or "long" }:
                return long.TryParse(text, NumberStyles.Integer, inv, out var l) ? JsonValue.Create(l) : null;
            case PrimitiveType { Name: "float" or "double" }:
                return double.TryParse(text, NumberStyles.Float, inv, out var d) && double.IsFinite(d) ? JsonValue.Create(d) : null;
            case DecimalType:
                return decimal.TryParse(text, NumberStyles.Float, inv, out var m) ? JsonValue.Create(m) : null;
            case PrimitiveType { Name: "string" }:
                if (text.Length <= MaxStringBound) return JsonValue.Create(text);
                if (isMax) return null;
                var cut = char.IsHighSurrogate(text[MaxStringBound - 1]) ? MaxStringBound - 1 : MaxStringBound;
                return JsonValue.Create(text[..cut]);
            case PrimitiveType { Name: "date" }:
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.None, out var date) ? JsonValue.Create(date.ToString("yyyy-MM-dd", inv)) : null;
            case PrimitiveType { Name: "timestamp" or "timestamp_ntz" }:
                return DateTimeOffset.TryParse(text, inv, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var ts)
                    ? JsonValue.Create(TruncateToMillis(ts).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", inv))
                    : null;
            default:
                return null;
        }
    }

    private static DateTimeOffset TruncateToMillis(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
