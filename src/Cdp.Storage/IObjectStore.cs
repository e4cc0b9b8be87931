namespace Cdp.Storage;

/// <summary>
/// A flat namespace of immutable-ish objects addressed by '/'-separated keys relative to the store's root.
/// This is all the Delta protocol needs from storage: sorted listing, whole and ranged reads, writes,
/// an atomic put-if-absent (the commit primitive) and deletes.
/// </summary>
/// <remarks>
/// Keys never start with '/', never contain "//", "." or ".." segments. Implementations validate them with
/// <see cref="ObjectKey.Validate"/> so a hostile key cannot escape the root.
/// </remarks>
public interface IObjectStore
{
    /// <summary>A display form of the store's root (a path or URI), without secrets.</summary>
    string Location { get; }

    /// <summary>
    /// Lists objects whose key starts with <paramref name="prefix"/>, sorted by key in ordinal order.
    /// When <paramref name="startAfter"/> is given, only keys strictly greater than it are returned.
    /// Folders are not objects: an empty folder lists nothing.
    /// </summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default);

    /// <summary>Size and modification time of one object, or null when it does not exist.</summary>
    Task<ObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole object. Throws <see cref="ObjectNotFoundException"/> when it does not exist.</summary>
    Task<byte[]> ReadAllAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/> (fewer at the end of the object).</summary>
    Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for sequential reading. Throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes (or replaces) an object. Readers never see a partly written object.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a local file as an object (replacing it) and consumes the file: it may be moved into place.
    /// Readers never see a partly written object.
    /// </summary>
    Task UploadFileAsync(string key, string localPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an empty local folder for files about to be passed to <see cref="UploadFileAsync"/>. On local disk it
    /// lies inside the root (in a hidden folder) so the upload is a rename; remote stores use the temp folder.
    /// The caller deletes it when done.
    /// </summary>
    string CreateStagingDirectory();

    /// <summary>
    /// Creates the object only if no object with that key exists, atomically with respect to every other writer.
    /// Returns false (and changes nothing) when the key already exists: that is the expected outcome of a lost race.
    /// </summary>
    Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object. Returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// A local file path holding the object's bytes, for engines that only read local files.
    /// Local stores return the object's own path; remote stores download into <paramref name="cacheDirectory"/>
    /// (objects are immutable in a Delta table, so a cached copy keyed by name and size stays valid).
    /// </summary>
    Task<string> GetLocalPathAsync(string key, string cacheDirectory, CancellationToken cancellationToken = default);
}

/// <summary>One listed object.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified);
