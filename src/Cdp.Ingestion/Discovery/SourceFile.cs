using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cdp.Storage;

namespace Cdp.Ingestion.Discovery;

/// <summary>One input file of a source, as listed: where it is and its identity (location, size, modification time).</summary>
/// <param name="Location">The absolute path or URI; stored as <c>_source_file</c>.</param>
public sealed record SourceFile(string Location, IObjectStore Store, string Key, long Size, DateTimeOffset LastModified)
{
    /// <summary>
    /// The Delta <c>txn</c> appId marking this file as committed in the source's tables. A file whose size or
    /// modification time changed is a new file. Hashed so the id has a fixed length whatever the path.
    /// </summary>
    public string AppId(string source)
    {
        var identity = string.Create(CultureInfo.InvariantCulture, $"{Location}\n{Size}\n{LastModified.ToUnixTimeMilliseconds()}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
        return $"cdp-ingest/{source}/{hash}";
    }
}
