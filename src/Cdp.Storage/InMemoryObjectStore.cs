namespace Cdp.Storage;

/// <summary>
/// An object store held in memory, for tests of code that must not depend on a file system
/// (the Delta protocol is tested on it). Thread-safe; put-if-absent is atomic under a lock.
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private readonly SortedDictionary<string, (byte[] Content, DateTimeOffset Modified)> _objects = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;

    public InMemoryObjectStore(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    public string Location => "memory://";

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(prefix, allowEmpty: true);
        List<ObjectInfo> snapshot;
        lock (_lock)
        {
            snapshot = _objects
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)
                             && (startAfter is null || string.CompareOrdinal(kv.Key, startAfter) > 0))
                .Select(kv => new ObjectInfo(kv.Key, kv.Value.Content.Length, kv.Value.Modified))
                .ToList();
        }
        foreach (var info in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return info;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_objects.TryGetValue(ObjectKey.Validate(key), out var o)
                ? new ObjectInfo(key, o.Content.Length, o.Modified)
                : null);
        }
    }

    public Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default)
        => Task.FromResult(Get(key).ToArray());

    public Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var content = Get(key);
        if (offset >= content.Length) return Task.FromResult(Array.Empty<byte>());
        return Task.FromResult(content.AsSpan((int)offset, (int)Math.Min(length, content.Length - offset)).ToArray());
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        => Task.FromResult<Stream>(new MemoryStream(Get(key), writable: false));

    public Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        lock (_lock) _objects[ObjectKey.Validate(key)] = (content.ToArray(), _clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public async Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(localPath, cancellationToken).ConfigureAwait(false);
        await WriteAsync(key, bytes, cancellationToken).ConfigureAwait(false);
        File.Delete(localPath);
    }

    public string CreateStagingDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "cdp-staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_objects.TryAdd(ObjectKey.Validate(key), (content.ToArray(), _clock.GetUtcNow())));
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(_objects.Remove(ObjectKey.Validate(key)));
    }

    public async Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        var content = Get(key);
        var path = Path.Combine(cacheDirectory, key.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Sets an object's modification time (tests of time travel and vacuum retention use it).</summary>
    public void SetLastModified(string key, DateTimeOffset modified)
    {
        lock (_lock)
        {
            var o = _objects[ObjectKey.Validate(key)];
            _objects[key] = (o.Content, modified);
        }
    }

    private byte[] Get(string key)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(ObjectKey.Validate(key), out var o) ? o.Content : throw new ObjectNotFoundException(Location, key);
        }
    }
}
