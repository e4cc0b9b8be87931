namespace Cdp.Storage;

/// <summary>
/// An object store on a local (or mounted) file system. Put-if-absent writes a temp file, then links it to the
/// target name with link(2) (a no-replace move on Windows): atomic, and it fails when the target exists.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    /// <summary>Hidden folder under the root where staged files and temp files live.</summary>
    public const string StagingFolder = ".cdp-staging";

    private readonly string _root;

    public LocalObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
    }

    public string Location => _root;

    /// <summary>The absolute path of the root folder.</summary>
    public string RootPath => _root;

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(prefix, allowEmpty: true);
        // The folder to walk is the part of the prefix up to its last '/'; the rest filters names.
        var slash = prefix.LastIndexOf('/');
        var folderKey = slash < 0 ? "" : prefix[..slash];
        var folder = folderKey.Length == 0 ? _root : Path.Combine(_root, folderKey);
        if (!Directory.Exists(folder)) yield break;

        var entries = new List<ObjectInfo>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var key = ToKey(file);
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (startAfter is not null && string.CompareOrdinal(key, startAfter) <= 0) continue;
            if (IsInternal(key)) continue;
            var info = new FileInfo(file);
            if (!info.Exists) continue; // removed while listing
            entries.Add(new ObjectInfo(key, info.Length, info.LastWriteTimeUtc));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new ObjectInfo(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public async Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(key), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(Location, key);
        }
    }

    public async Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        await using var stream = await OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (offset >= stream.Length) return [];
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[(int)Math.Min(length, stream.Length - offset)];
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            Stream stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(Location, key);
        }
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var target = PathOf(key);
        var temp = await WriteTempAsync(target, content, cancellationToken).ConfigureAwait(false);
        File.Move(temp, target, overwrite: true);
    }

    public Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(localPath, target, overwrite: true);
        }
        catch (IOException) when (File.Exists(localPath))
        {
            // Another file system: copy beside the target, then rename so readers never see a partial file.
            var temp = TempPathBeside(target);
            File.Copy(localPath, temp);
            File.Move(temp, target, overwrite: true);
            File.Delete(localPath);
        }
        return Task.CompletedTask;
    }

    public string CreateStagingDirectory()
    {
        var staging = Path.Combine(_root, StagingFolder);
        RemoveAbandonedStaging(staging);
        var path = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>How long a staging folder may sit untouched before it is taken to belong to a killed writer.</summary>
    public static readonly TimeSpan AbandonedStagingAge = TimeSpan.FromDays(1);

    // A writer killed mid-write leaves its staging folder behind; nothing references it, so it is removed later.
    private static void RemoveAbandonedStaging(string staging)
    {
        if (!Directory.Exists(staging)) return;
        var cutoff = DateTime.UtcNow - AbandonedStagingAge;
        foreach (var dir in Directory.EnumerateDirectories(staging))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(dir) < cutoff) Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // another process is cleaning or using it
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var target = PathOf(key);
        if (File.Exists(target)) return false;
        var temp = await WriteTempAsync(target, content, cancellationToken).ConfigureAwait(false);
        try
        {
            return NoReplaceLink.TryCreate(temp, target);
        }
        finally
        {
            File.Delete(temp); // after a link the target keeps the content under its own name
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) throw new ObjectNotFoundException(Location, key);
        return Task.FromResult(path);
    }

    private string PathOf(string key) => Path.Combine(_root, ObjectKey.Validate(key));

    private string ToKey(string fullPath) => Path.GetRelativePath(_root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static bool IsInternal(string key)
        => key.StartsWith(StagingFolder + "/", StringComparison.Ordinal) || Path.GetFileName(key).StartsWith(".cdp-tmp-", StringComparison.Ordinal);

    private static string TempPathBeside(string target)
        => Path.Combine(Path.GetDirectoryName(target)!, $".cdp-tmp-{Guid.NewGuid():N}");

    private static async Task<string> WriteTempAsync(string target, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempPathBeside(target);
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        return temp;
    }
}
