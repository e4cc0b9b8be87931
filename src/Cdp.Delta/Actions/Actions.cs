using System.Text.Json.Nodes;

namespace Cdp.Delta.Actions;

/// <summary>One line of a Delta commit file (or one row of a checkpoint). Names follow PROTOCOL.md.</summary>
public abstract record DeltaAction;

/// <summary>The protocol versions and table features a reader and writer must support.</summary>
public sealed record Protocol(
    int MinReaderVersion,
    int MinWriterVersion,
    IReadOnlyList<string>? ReaderFeatures = null,
    IReadOnlyList<string>? WriterFeatures = null) : DeltaAction
{
    /// <summary>The protocol this implementation writes for new tables.</summary>
    public static Protocol Default { get; } = new(1, 2);
}

/// <summary>
/// Table metadata: schema, partition columns and configuration. <see cref="SchemaString"/> is null only when a log
/// entry lacks it; such metadata is refused when a snapshot is built, after checking that a protocol exists.
/// </summary>
public sealed record Metadata(
    string Id,
    string? Name,
    string? Description,
    string FormatProvider,
    IReadOnlyDictionary<string, string> FormatOptions,
    string? SchemaString,
    IReadOnlyList<string> PartitionColumns,
    IReadOnlyDictionary<string, string> Configuration,
    long? CreatedTime) : DeltaAction;

/// <summary>A data file that is part of the table.</summary>
public sealed record AddFile(
    string Path,
    IReadOnlyDictionary<string, string?> PartitionValues,
    long Size,
    long ModificationTime,
    bool DataChange,
    string? Stats = null,
    IReadOnlyDictionary<string, string?>? Tags = null,
    JsonObject? DeletionVector = null) : DeltaAction
{
    /// <summary>The replay key: the path plus the deletion vector's unique id when there is one.</summary>
    public string Key => DeletionVector is null ? Path : Path + "#" + DeletionVectorId(DeletionVector);

    internal static string DeletionVectorId(JsonObject dv)
        => $"{dv["storageType"]}{dv["pathOrInlineDv"]}{(dv["offset"] is { } o ? "@" + o : "")}";
}

/// <summary>A tombstone: a file that was part of the table and no longer is.</summary>
public sealed record RemoveFile(
    string Path,
    long? DeletionTimestamp,
    bool DataChange,
    bool? ExtendedFileMetadata = null,
    IReadOnlyDictionary<string, string?>? PartitionValues = null,
    long? Size = null,
    string? Stats = null,
    JsonObject? DeletionVector = null) : DeltaAction
{
    public string Key => DeletionVector is null ? Path : Path + "#" + AddFile.DeletionVectorId(DeletionVector);
}

/// <summary>An application's transaction watermark, used to make writes idempotent.</summary>
public sealed record SetTransaction(string AppId, long Version, long? LastUpdated) : DeltaAction;

/// <summary>Provenance of a commit. Kept as the raw JSON object plus the fields we read.</summary>
public sealed record CommitInfo(JsonObject Value) : DeltaAction
{
    public long? Timestamp => Value["timestamp"] is JsonValue v && v.TryGetValue<long>(out var t) ? t : null;
    public string? Operation => Value["operation"]?.GetValue<string>();
}

/// <summary>Any action this implementation does not interpret (cdc, domainMetadata, ...). Readers skip them.</summary>
public sealed record UnknownAction(string Name, JsonNode? Value) : DeltaAction;
