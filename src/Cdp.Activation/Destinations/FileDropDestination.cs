using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Planning;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Activation.Destinations;

/// <summary>
/// Drops each batch into an object store as <c>&lt;prefix&gt;/&lt;audience&gt;/&lt;batch id&gt;.&lt;hash&gt;.csv</c> (or
/// <c>.parquet</c>), columns operation, person_id and the export columns, followed by
/// <c>&lt;batch id&gt;.manifest.json</c> (format, run id, audience, batch id, operation, file, size, row count, SHA-256 of
/// the data file, schema). A reader that waits for a manifest and reads the file it names never sees a half-written drop.
/// </summary>
/// <remarks>
/// The manifest is the commit: it is created with put-if-absent after the data file, so a batch is published at most
/// once, and a batch whose manifest exists is not written again (the batch id is the idempotency key). The data file's
/// name carries the first 16 hex digits of its SHA-256: a retry of the same bytes lands on the same name (after a crash
/// between the two writes nothing piles up), and a writer with other bytes under the same batch id (a resumed batch
/// that lost a superseded person) can never replace a file a manifest already points at. Each object is written
/// atomically by the store, so a reader never sees a partial file on local disk or on blob storage.
/// </remarks>
public sealed class FileDropDestination : IDestination
{
    private const int HashDigitsInName = 16;

    private readonly FileDropOptions _options;
    private readonly DuckDbEngine? _engine;
    private readonly string _prefix;

    /// <param name="options">Where and how to write.</param>
    /// <param name="engine">The engine that encodes Parquet; required when <see cref="FileDropOptions.Format"/> is Parquet.</param>
    public FileDropDestination(FileDropOptions options, DuckDbEngine? engine = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Store);
        if (options.Format == FileDropFormat.Parquet && engine is null)
            throw new ArgumentException($"File drop '{options.Name}' writes Parquet, which DuckDB encodes: pass the DuckDbEngine to its constructor.", nameof(engine));
        if (!Enum.IsDefined(options.Format))
            throw new ArgumentException($"File drop '{options.Name}' has an unknown format {(int)options.Format}.", nameof(options));
        var prefix = (options.Prefix ?? "").Trim('/');
        try
        {
            _prefix = ObjectKey.Validate(prefix, allowEmpty: true);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"File drop '{options.Name}' has an invalid key prefix '{options.Prefix}': {e.Message}", nameof(options), e);
        }
        _options = options;
        _engine = engine;
    }

    public string Name => _options.Name;

    public string Channel => _options.Channel;

    public DestinationLimits Limits => _options.Limits;

    /// <summary>The store the drops land in.</summary>
    public IObjectStore Store => _options.Store;

    /// <summary>The key prefix (no trailing '/') of an audience's drops: the name percent-encoded to one safe path segment.</summary>
    public string AudiencePrefix(string audience) => ObjectKey.Combine(_prefix, SafeName(audience));

    /// <summary>The key of a batch's manifest.</summary>
    public string ManifestKey(string audience, string batchId) => ObjectKey.Combine(AudiencePrefix(audience), SafeName(batchId) + ".manifest.json");

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var store = _options.Store;
        var manifestKey = ManifestKey(batch.Audience, batch.BatchId);
        if (await store.GetInfoAsync(manifestKey, cancellationToken).ConfigureAwait(false) is not null) return DeliveryResponse.Accepted();

        var schema = DropSchema.Of(Name, batch);
        var content = _options.Format == FileDropFormat.Parquet
            ? await ParquetDropFile.EncodeAsync(_engine!, schema, batch, cancellationToken).ConfigureAwait(false)
            : CsvDropFile.Encode(batch);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var file = $"{SafeName(batch.BatchId)}.{sha256[..HashDigitsInName]}.{FormatName(_options.Format)}";
        var dataKey = ObjectKey.Combine(AudiencePrefix(batch.Audience), file);

        // False means an earlier attempt stored these very bytes under this name already.
        await store.PutIfAbsentAsync(dataKey, content, cancellationToken).ConfigureAwait(false);
        var manifest = Manifest(batch, schema, file, content.Length, sha256);
        if (await store.PutIfAbsentAsync(manifestKey, manifest, cancellationToken).ConfigureAwait(false)) return DeliveryResponse.Accepted();

        // Another writer published this batch meanwhile. Our data file is referenced by nobody unless it is the same one.
        if (await PublishedFileAsync(manifestKey, cancellationToken).ConfigureAwait(false) != file)
            await store.DeleteAsync(dataKey, cancellationToken).ConfigureAwait(false);
        return DeliveryResponse.Accepted();
    }

    private byte[] Manifest(DeliveryBatch batch, DropSchema schema, string file, long size, string sha256)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName(_options.Format));
            json.WriteString("run_id", batch.RunId);
            json.WriteString("audience", batch.Audience);
            json.WriteString("batch_id", batch.BatchId);
            json.WriteString("operation", SyncOperations.Name(batch.Operation));
            json.WriteString("file", file);
            json.WriteNumber("size", size);
            json.WriteNumber("row_count", batch.Records.Count);
            json.WriteString("sha256", sha256);
            json.WriteStartArray("schema");
            foreach (var column in schema.Columns)
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", column.Type);
                json.WriteBoolean("nullable", column.Nullable);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("created_at", batch.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task<string?> PublishedFileAsync(string manifestKey, CancellationToken cancellationToken)
    {
        var bytes = await _options.Store.ReadAllAsync(manifestKey, cancellationToken).ConfigureAwait(false);
        try
        {
            using var manifest = JsonDocument.Parse(bytes);
            return manifest.RootElement.TryGetProperty("file", out var file) ? file.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // not ours to judge; our file is still unreferenced
        }
    }

    // The manifest's "format" and the data file's extension.
    private static string FormatName(FileDropFormat format) => format == FileDropFormat.Parquet ? "parquet" : "csv";

    /// <summary>A file name from any text: letters, digits, '-', '_' and '.' kept (no leading '.'), everything else %XX of its UTF-8 bytes.</summary>
    internal static string SafeName(string text)
    {
        var name = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (b < 128 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && name.Length > 0))) name.Append(c);
            else name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return name.Length == 0 ? "%" : name.ToString();
    }
}
