using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Cdp.Cli.Output;

/// <summary>Renders SQL values (as DuckDB.NET returns them) as text and as JSON.</summary>
public static class ValueText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        JsonNode node => node.ToJsonString(),
        bool b => b ? "true" : "false",
        DateTime dt => dt.TimeOfDay == TimeSpan.Zero && dt.Kind != DateTimeKind.Utc ? dt.ToString("yyyy-MM-dd HH:mm:ss", Inv) : dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", Inv),
        DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", Inv) + "Z",
        DateOnly d => d.ToString("yyyy-MM-dd", Inv),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", Inv),
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        Stream stream => "0x" + Convert.ToHexString(ReadAll(stream)),
        IFormattable f => f.ToString(null, Inv),
        IDictionary or IEnumerable => Json(value)!.ToJsonString(),
        _ => value.ToString() ?? "",
    };

    public static JsonNode? Json(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        DateTimeOffset dto => JsonValue.Create(dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", Inv) + "Z"),
        DateTime dt => JsonValue.Create(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", Inv)),
        bool b => JsonValue.Create(b),
        sbyte or byte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, Inv)),
        ulong u => JsonValue.Create(u),
        BigInteger big => JsonValue.Create(big.ToString(Inv)),
        float f => float.IsFinite(f) ? JsonValue.Create(f) : JsonValue.Create(f.ToString(Inv)),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(Inv)),
        decimal m => JsonValue.Create(m),
        IDictionary dict => DictionaryJson(dict),
        IEnumerable items and not string and not byte[] => new JsonArray(items.Cast<object?>().Select(Json).ToArray()),
        _ => JsonValue.Create(Text(value)),
    };

    private static JsonObject DictionaryJson(IDictionary dict)
    {
        var o = new JsonObject();
        foreach (DictionaryEntry e in dict) o[Text(e.Key)] = Json(e.Value);
        return o;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>A CSV field (RFC 4180 quoting).</summary>
    public static string Csv(object? value)
    {
        var s = Text(value);
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
