using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Storage;

namespace Cdp.Delta;

/// <summary>
/// Reads and writes checkpoint files (Parquet). The Delta library decides what a checkpoint holds; an engine
/// that speaks Parquet does the encoding, so this library stays free of file formats beyond JSON.
/// </summary>
public interface ICheckpointFormat
{
    /// <summary>Reads every action of a (possibly multi-part) checkpoint, parts in order.</summary>
    Task<IReadOnlyList<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> parts, CancellationToken cancellationToken);

    /// <summary>Writes a classic single-file checkpoint holding <paramref name="actions"/> at <paramref name="key"/>.</summary>
    Task WriteAsync(IObjectStore store, string key, IReadOnlyList<DeltaAction> actions, StructType tableSchema, CancellationToken cancellationToken);
}
