using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations;

/// <summary>Where a file drop writes: one folder per audience under <paramref name="Folder"/>.</summary>
public sealed record FileDropOptions(string Name, string Channel, string Folder, DestinationLimits Limits);

/// <summary>
/// Drops each batch as <c>&lt;folder&gt;/&lt;audience&gt;/&lt;batch id&gt;.csv</c> (RFC 4180, UTF-8, columns operation,
/// person_id and the export columns) followed by <c>&lt;batch id&gt;.manifest.json</c> (run id, audience, batch id,
/// operation, columns, row count, SHA-256 of the CSV). Each file is written under a temp name, flushed and renamed,
/// and the manifest last: a reader that waits for manifests never sees a half-written drop. A batch whose manifest
/// exists was delivered already (the batch id is the idempotency key) and is not written again.
/// </summary>
public sealed class FileDropDestination(FileDropOptions options) : IDestination
{
    public string Name => options.Name;

    public string Channel => options.Channel;

    public DestinationLimits Limits => options.Limits;

    /// <summary>The folder an audience's drops land in (the name percent-encoded to a safe file name).</summary>
    public string AudienceFolder(string audience) => Path.Combine(options.Folder, SafeName(audience));

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        var folder = AudienceFolder(batch.Audience);
        Directory.CreateDirectory(folder);
        var name = SafeName(batch.BatchId);
        var manifestPath = Path.Combine(folder, name + ".manifest.json");
        if (File.Exists(manifestPath)) return DeliveryResponse.Accepted();

        var csv = Encoding.UTF8.GetBytes(Csv(batch));
        await WriteAtomicallyAsync(Path.Combine(folder, name + ".csv"), csv, cancellationToken).ConfigureAwait(false);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["run_id"] = batch.RunId,
            ["audience"] = batch.Audience,
            ["batch_id"] = batch.BatchId,
            ["operation"] = SyncOperations.Name(batch.Operation),
            ["file"] = name + ".csv",
            ["columns"] = new[] { "operation", "person_id" }.Concat(batch.Columns).ToArray(),
            ["row_count"] = batch.Records.Count,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(csv)),
            ["created_at"] = batch.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        }, new JsonSerializerOptions { WriteIndented = true });
        await WriteAtomicallyAsync(manifestPath, manifest, cancellationToken).ConfigureAwait(false);
        return DeliveryResponse.Accepted();
    }

    internal static string Csv(DeliveryBatch batch)
    {
        var text = new StringBuilder();
        AppendRow(text, new[] { "operation", "person_id" }.Concat(batch.Columns));
        foreach (var r in batch.Records)
            AppendRow(text, new[] { SyncOperations.Name(r.Operation), r.PersonId.ToString(CultureInfo.InvariantCulture) }.Concat(r.Fields));
        return text.ToString();
    }

    // Every field is quoted, so a reader never has to guess: an empty quoted field is '', an unquoted empty one is NULL.
    private static void AppendRow(StringBuilder text, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) text.Append(',');
            first = false;
            if (f is not null) text.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        text.Append("\r\n");
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

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
