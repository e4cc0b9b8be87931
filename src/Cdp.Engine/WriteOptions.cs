using System.Text.Json.Nodes;

namespace Cdp.Engine;

public enum WriteMode
{
    /// <summary>Add the rows; create the table when absent.</summary>
    Append,

    /// <summary>Replace the table's rows (or, with <see cref="WriteOptions.ReplaceWhere"/>, the matching partitions).</summary>
    Overwrite,
}

/// <summary>How a query result is written to a Delta table.</summary>
public sealed record WriteOptions
{
    /// <summary>Partition columns when the write creates the table (must match the table's when it exists).</summary>
    public IReadOnlyList<string> PartitionBy { get; init; } = [];

    /// <summary>Add input columns the table lacks as new nullable columns (otherwise they are an error).</summary>
    public bool MergeSchema { get; init; } = true;

    /// <summary>With <see cref="WriteMode.Overwrite"/>: replace the schema (and partitioning) by the input's.</summary>
    public bool OverwriteSchema { get; init; }

    /// <summary>With <see cref="WriteMode.Overwrite"/>: a SQL predicate over partition columns; only those partitions are replaced.</summary>
    public string? ReplaceWhere { get; init; }

    /// <summary>Idempotency: (appId, version) recorded with the commit; a write whose version was already committed is skipped.</summary>
    public (string AppId, long Version)? AppTransaction
    {
        get => AppTransactions.Count == 1 ? AppTransactions[0] : null;
        init => AppTransactions = value is { } one ? [one] : [];
    }

    /// <summary>
    /// Several (appId, version) pairs recorded with the one commit (a write landing several inputs at once); the
    /// write is skipped, as already committed, when any of them was.
    /// </summary>
    public IReadOnlyList<(string AppId, long Version)> AppTransactions { get; init; } = [];

    /// <summary>Table properties set when the write creates the table (delta.appendOnly, delta.checkpointInterval, ...).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Table name recorded in metadata when the write creates the table.</summary>
    public string? TableName { get; init; }

    /// <summary>
    /// Extra commitInfo fields (for example the model and run that wrote the commit). An append or overwrite reads
    /// them after <see cref="BeforeCommit"/> has run, so that callback may add fields.
    /// </summary>
    public JsonObject? CommitInfo { get; init; }

    /// <summary>How many times a write that lost a conflicting race is recomputed against the new version.</summary>
    public int ConflictRetries { get; init; } = 5;

    /// <summary>
    /// Called after an append or overwrite has written its data files and before it commits them (again on each
    /// retry). A caller uses it to commit something that must be durable before this commit (a quarantine of the
    /// same input); if it throws, the files are discarded and nothing is committed.
    /// </summary>
    public Func<WrittenFiles, CancellationToken, Task>? BeforeCommit { get; init; }
}

/// <summary>What a write did.</summary>
public sealed record WriteResult(long Version, long RowsWritten, int FilesAdded, int FilesRemoved, long RowsDeleted, bool AlreadyCommitted, int Attempts);
