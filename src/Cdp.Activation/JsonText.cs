using System.Text;
using System.Text.Json;

namespace Cdp.Activation;

/// <summary>Writes one JSON object to text: the request bodies and ledger fields that are built by hand.</summary>
internal static class JsonText
{
    /// <summary>Stored or sent, never embedded in HTML: only what JSON itself requires is escaped (control characters, quotes, backslashes).</summary>
    public static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The object whose members <paramref name="members"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> members, JsonWriterOptions options = default)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, options))
        {
            json.WriteStartObject();
            members(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
