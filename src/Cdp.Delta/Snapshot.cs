using Cdp.Delta.Actions;
using Cdp.Delta.Schema;

namespace Cdp.Delta;

/// <summary>The reconciled state of a table at one version: protocol, metadata, live files and app watermarks.</summary>
public sealed class Snapshot
{
    internal Snapshot(
        string location,
        long version,
        DateTimeOffset timestamp,
        Protocol protocol,
        Metadata metadata,
        IReadOnlyList<AddFile> files,
        IReadOnlyList<RemoveFile> tombstones,
        IReadOnlyDictionary<string, SetTransaction> appTransactions)
    {
        Location = location;
        Version = version;
        Timestamp = timestamp;
        Protocol = protocol;
        Metadata = metadata;
        Files = files;
        Tombstones = tombstones;
        AppTransactions = appTransactions;
        if (metadata.SchemaString is null) throw DeltaErrors.UnreadableSchema(location, version, "its metaData action has no schemaString");
        try
        {
            Schema = SchemaJson.Parse(metadata.SchemaString);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw DeltaErrors.UnreadableSchema(location, version, e.Message, e);
        }
    }

    public string Location { get; }

    public long Version { get; }

    /// <summary>When this version was committed (the commit file's modification time, made strictly increasing).</summary>
    public DateTimeOffset Timestamp { get; }

    public Protocol Protocol { get; }

    public Metadata Metadata { get; }

    public StructType Schema { get; }

    public IReadOnlyList<string> PartitionColumns => Metadata.PartitionColumns;

    /// <summary>The live data files, in a deterministic order (by path).</summary>
    public IReadOnlyList<AddFile> Files { get; }

    /// <summary>Files removed but not yet expired; vacuum keeps those inside the retention window.</summary>
    public IReadOnlyList<RemoveFile> Tombstones { get; }

    public IReadOnlyDictionary<string, SetTransaction> AppTransactions { get; }

    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>Rows in the snapshot when every file has stats; null otherwise.</summary>
    public long? TotalRows
    {
        get
        {
            long total = 0;
            foreach (var f in Files)
            {
                if (Stats.FileStatistics.TryParse(f.Stats) is not { NumRecords: { } n }) return null;
                total += n;
            }
            return total;
        }
    }

    /// <summary>The last version committed by <paramref name="appId"/>, or null.</summary>
    public long? AppTransactionVersion(string appId) => AppTransactions.TryGetValue(appId, out var t) ? t.Version : null;

    public IReadOnlyDictionary<string, string> Configuration => Metadata.Configuration;

    public bool AppendOnly => Configuration.TryGetValue("delta.appendOnly", out var v) && string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>delta.checkpointInterval, default 10.</summary>
    public int CheckpointInterval => TableProperties.CheckpointInterval(Configuration);

    /// <summary>delta.deletedFileRetentionDuration ("interval 7 days"), default 7 days.</summary>
    public TimeSpan DeletedFileRetention
        => Configuration.TryGetValue("delta.deletedFileRetentionDuration", out var v) && TableProperties.TryParseInterval(v, out var span) ? span : TimeSpan.FromDays(7);
}
