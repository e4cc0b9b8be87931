using Cdp.Storage;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// An object store that runs a test's hook before each write reaches the real store (to look at what a reader sees at
/// that moment, to let another writer in, or to fail the write as a storage outage would), then passes it on.
/// </summary>
public sealed class WatchedObjectStore(IObjectStore inner) : IObjectStore
{
    /// <summary>Runs before every write and put-if-absent with the key; throwing fails the write before it happens.</summary>
    public Func<string, Task>? BeforeWrite { get; set; }

    public string Location => inner.Location;

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default)
        => inner.ListAsync(prefix, startAfter, cancellationToken);

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) => inner.GetInfoAsync(key, cancellationToken);

    public Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAllAsync(key, cancellationToken);

    public Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
        => inner.ReadRangeAsync(key, offset, length, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await Before(key);
        await inner.WriteAsync(key, content, cancellationToken);
    }

    public async Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default)
    {
        await Before(key);
        await inner.UploadFileAsync(key, localPath, cancellationToken);
    }

    public string CreateStagingDirectory() => inner.CreateStagingDirectory();

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await Before(key);
        return await inner.PutIfAbsentAsync(key, content, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default)
        => inner.GetLocalPathAsync(key, cacheDirectory, cancellationToken);

    private Task Before(string key) => BeforeWrite?.Invoke(key) ?? Task.CompletedTask;
}
