using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Fixtures;

/// <summary>
/// Checkpoints stored as newline-delimited JSON under the checkpoint's name. Log-level tests use it to exercise
/// checkpoint selection and replay without Parquet; the Parquet format has its own tests.
/// </summary>
public sealed class JsonCheckpointFormat : ICheckpointFormat
{
    public async Task<IReadOnlyList<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> parts, CancellationToken cancellationToken)
    {
        var actions = new List<DeltaAction>();
        foreach (var part in parts)
            actions.AddRange(ActionCodec.ParseCommit(await store.ReadAllAsync(part.Key, cancellationToken), part.Key));
        return actions;
    }

    public Task WriteAsync(IObjectStore store, string key, IReadOnlyList<DeltaAction> actions, StructType tableSchema, CancellationToken cancellationToken)
        => store.WriteAsync(key, ActionCodec.SerializeCommit(actions), cancellationToken);
}

/// <summary>Wraps a checkpoint format and records which checkpoint parts were read and written.</summary>
public sealed class RecordingCheckpointFormat(ICheckpointFormat inner) : ICheckpointFormat
{
    private readonly Lock _lock = new();
    private readonly List<string> _reads = [];
    private readonly List<string> _writes = [];

    public IReadOnlyList<string> Reads
    {
        get { lock (_lock) return _reads.ToList(); }
    }

    public IReadOnlyList<string> Writes
    {
        get { lock (_lock) return _writes.ToList(); }
    }

    /// <summary>When set, every write fails with this exception (a checkpoint that cannot be written).</summary>
    public Exception? FailWritesWith { get; set; }

    public void Clear()
    {
        lock (_lock)
        {
            _reads.Clear();
            _writes.Clear();
        }
    }

    public Task<IReadOnlyList<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> parts, CancellationToken cancellationToken)
    {
        lock (_lock) _reads.AddRange(parts.Select(p => p.Key));
        return inner.ReadAsync(store, parts, cancellationToken);
    }

    public Task WriteAsync(IObjectStore store, string key, IReadOnlyList<DeltaAction> actions, StructType tableSchema, CancellationToken cancellationToken)
    {
        if (FailWritesWith is { } failure) throw failure;
        lock (_lock) _writes.Add(key);
        return inner.WriteAsync(store, key, actions, tableSchema, cancellationToken);
    }
}
