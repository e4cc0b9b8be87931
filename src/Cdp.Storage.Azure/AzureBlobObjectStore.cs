using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Cdp.Storage.Azure;

/// <summary>
/// An object store over one Azure Blob container (or ADLS Gen2 file system) and an optional key prefix inside it.
/// Put-if-absent is an upload conditioned on If-None-Match: *, which the service applies atomically.
/// </summary>
/// <remarks>
/// Listing streams in the service's order, which is ordinal for every key that does not mix characters above
/// U+FFFF with characters U+E000-U+FFFF (the only place code-point and UTF-16 order disagree).
/// </remarks>
public sealed class AzureBlobObjectStore : IObjectStore
{
    // Set on every put-if-absent upload so that a lost response followed by a retry can still tell its own write.
    private const string WriteIdMetadata = "cdp_write_id";

    // ADLS Gen2 (hierarchical namespace) shows directories to the Blob API as empty blobs with this metadata.
    private const string FolderMetadata = "hdi_isfolder";

    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    /// <param name="container">The container; its options decide retries and service version (see <see cref="CreateClientOptions"/>).</param>
    /// <param name="prefix">The key prefix of the store's root inside the container, "" for the whole container.</param>
    /// <param name="location">What <see cref="Location"/> shows; by default the container URL and prefix.</param>
    public AzureBlobObjectStore(BlobContainerClient container, string prefix = "", string? location = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _prefix = ObjectKey.Validate(prefix.Trim('/'), allowEmpty: true);
        Location = location ?? DisplayLocation(container.Uri, _prefix);
    }

    /// <summary>Opens the store a parsed Azure URI points at; <see cref="Location"/> is that URI.</summary>
    public static AzureBlobObjectStore Open(AzureStorageLocation location, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new AzureBlobObjectStore(location.CreateContainerClient(options), location.Prefix, location.Uri);
    }

    /// <summary>
    /// The client options this store is meant to run with: bounded exponential retries, and the service version
    /// the code is tested against (Azurite 3.37 accepts it; nothing newer is used).
    /// </summary>
    public static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    public string Location { get; }

    /// <summary>Page size asked of the listing call; tests lower it to exercise continuation.</summary>
    internal int? ListPageSize { get; init; }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(prefix, allowEmpty: true);
        var options = new GetBlobsOptions { Prefix = NullIfEmpty(RootKey(prefix)), Traits = BlobTraits.Metadata };
        // Skip earlier names on the service side; the filter below stays authoritative for the ordinal rule.
        if (startAfter is not null && string.CompareOrdinal(startAfter, prefix) > 0)
            options.StartFrom = RootKey(startAfter);

        var rootLength = _prefix.Length == 0 ? 0 : _prefix.Length + 1;
        await using var pages = _container.GetBlobsAsync(options, cancellationToken)
            .AsPages(pageSizeHint: ListPageSize).GetAsyncEnumerator(cancellationToken);
        while (await NextPageAsync(pages).ConfigureAwait(false))
        {
            foreach (var item in pages.Current.Values)
            {
                if (item.Metadata.TryGetValue(FolderMetadata, out var folder) && folder == "true") continue;
                var key = item.Name[rootLength..];
                if (startAfter is not null && string.CompareOrdinal(key, startAfter) <= 0) continue;
                yield return new ObjectInfo(key, item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
    }

    public async Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new ObjectInfo(key, properties.ContentLength, properties.LastModified);
        }
        catch (Exception e) when (AzureErrors.IsNotFound(e))
        {
            return null;
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, key);
        }
    }

    public async Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw ReadFailure(e, key);
        }
    }

    public async Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var blob = Blob(key);
        if (length == 0)
            return await GetInfoAsync(key, cancellationToken).ConfigureAwait(false) is null ? throw new ObjectNotFoundException(Location, key) : [];
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
            var result = await blob.DownloadContentAsync(options, cancellationToken).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // The range starts at or past the end of an existing object (a missing one answers 404).
            return [];
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw ReadFailure(e, key);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            // The SDK's download stream resumes from the last byte read when the connection drops.
            var result = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Value.Content;
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw ReadFailure(e, key);
        }
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        // A blob upload (single put, or a block list committed at the end) is never visible half written.
        var blob = Blob(key);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, key);
        }
    }

    public async Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            await blob.UploadAsync(localPath, new BlobUploadOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, key);
        }
        File.Delete(localPath);
    }

    public string CreateStagingDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "cdp-staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        var writeId = Guid.NewGuid().ToString("N");
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [WriteIdMetadata] = writeId },
        };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Either another writer won, or our own upload succeeded, its response was lost and the retry then
            // found our blob. Answering false in the second case would make a Delta writer commit twice.
            return await IsOwnWriteAsync(blob, writeId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, key);
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var deleted = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
            return deleted.Value;
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            return false;
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, key);
        }
    }

    /// <remarks>
    /// Files land in a sub-folder of <paramref name="cacheDirectory"/> named after this store's location, so stores
    /// sharing a cache never mistake each other's same-named, same-sized objects (every table has a version 0 commit).
    /// </remarks>
    public async Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        var info = await GetInfoAsync(key, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(Location, key);
        var path = Path.Combine(cacheDirectory, CacheFolderName(), key.Replace('/', Path.DirectorySeparatorChar));
        var cached = new FileInfo(path);
        if (cached.Exists && cached.Length == info.Size) return path;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".cdp-tmp-{Guid.NewGuid():N}");
        try
        {
            await blob.DownloadToAsync(temp, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw ReadFailure(e, key);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private async Task<bool> IsOwnWriteAsync(BlobClient blob, string writeId, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return properties.Metadata.TryGetValue(WriteIdMetadata, out var id) && id == writeId;
        }
        catch (Exception e) when (AzureErrors.IsNotFound(e))
        {
            return false; // someone else's object, already deleted again
        }
    }

    private async Task<bool> NextPageAsync(IAsyncEnumerator<Page<BlobItem>> pages)
    {
        try
        {
            return await pages.MoveNextAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            return false; // like a missing local folder: nothing to list
        }
        catch (Exception e) when (AzureErrors.IsAzureFailure(e))
        {
            throw AzureErrors.Translate(e, Location, null);
        }
    }

    private Exception ReadFailure(Exception e, string key)
        => AzureErrors.IsNotFound(e) ? new ObjectNotFoundException(Location, key) : AzureErrors.Translate(e, Location, key);

    private BlobClient Blob(string key) => _container.GetBlobClient(RootKey(ObjectKey.Validate(key)));

    private string RootKey(string key) => _prefix.Length == 0 ? key : _prefix + "/" + key;

    private string CacheFolderName()
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Location)))[..16];

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // The container URL may carry a SAS token in its query; Location never shows it.
    private static string DisplayLocation(Uri containerUri, string prefix)
    {
        var builder = new UriBuilder(containerUri) { Query = "", Fragment = "", UserName = "", Password = "" };
        var root = builder.Uri.AbsoluteUri.TrimEnd('/');
        return prefix.Length == 0 ? root : root + "/" + prefix;
    }
}
