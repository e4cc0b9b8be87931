using Cdp.Storage;

namespace Cdp.Cli.Tests.Support;

/// <summary>
/// A local store that runs <see cref="BeforeFirstCommit"/> once, just before the first attempt to create a commit
/// file: the place where another writer must win for a race to be lost. Everything else is the real local store.
/// </summary>
public sealed class InterceptingStore(string root) : IObjectStore
{
    private readonly LocalObjectStore _inner = new(root);
    private int _fired;

    public Func<Task>? BeforeFirstCommit { get; init; }

    public string Location => _inner.Location;

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (key.StartsWith("_delta_log/", StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
            && BeforeFirstCommit is { } hook && Interlocked.Exchange(ref _fired, 1) == 0)
            await hook();
        return await _inner.PutIfAbsentAsync(key, content, cancellationToken);
    }

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default)
        => _inner.ListAsync(prefix, startAfter, cancellationToken);

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) => _inner.GetInfoAsync(key, cancellationToken);

    public Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default) => _inner.ReadAllAsync(key, cancellationToken);

    public Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
        => _inner.ReadRangeAsync(key, offset, length, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(key, cancellationToken);

    public Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => _inner.WriteAsync(key, content, cancellationToken);

    public Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default) => _inner.UploadFileAsync(key, localPath, cancellationToken);

    public string CreateStagingDirectory() => _inner.CreateStagingDirectory();

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

    public Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default)
        => _inner.GetLocalPathAsync(key, cacheDirectory, cancellationToken);
}
