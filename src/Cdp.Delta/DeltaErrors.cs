namespace Cdp.Delta;

/// <summary>What kind of failure a <see cref="DeltaException"/> reports, for callers that branch on it.</summary>
public enum DeltaErrorKind
{
    NotATable,
    MalformedLog,
    MissingVersion,
    UnsupportedFeature,
    InvalidProtocol,
    MissingFile,
    SchemaMismatch,
    ConcurrentModification,
    AppendOnly,
    InvalidArgument,
    TableExists,
}

/// <summary>A user-facing Delta error: what went wrong, where (table, file, line) and what to do.</summary>
public sealed class DeltaException : Exception
{
    public DeltaException(DeltaErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public DeltaErrorKind Kind { get; }
}

/// <summary>Every user-facing Delta error is built here, so their wording stays consistent.</summary>
public static class DeltaErrors
{
    public static DeltaException NotATable(string location)
        => new(DeltaErrorKind.NotATable, $"'{location}' is not a Delta table: it has no _delta_log folder with commits. Create it by writing to it, or check the path.");

    public static DeltaException MalformedLog(string file, int line, string why)
        => new(DeltaErrorKind.MalformedLog, $"Malformed Delta log file '{file}' line {line}: {why}. The table cannot be read until this log entry is repaired.");

    public static DeltaException MalformedCheckpoint(string file, string why, Exception? inner = null)
        => new(DeltaErrorKind.MalformedLog, $"Unreadable Delta checkpoint '{file}': {why}.", inner);

    public static DeltaException VersionGap(string location, long missing, long next)
        => new(DeltaErrorKind.MissingVersion, $"Delta log of '{location}' is not contiguous: version {missing} is missing before version {next}.");

    public static DeltaException VersionNotFound(string location, long version, long latest)
        => new(DeltaErrorKind.MissingVersion, $"Version {version} of '{location}' does not exist (latest is {latest}).");

    public static DeltaException VersionNotReconstructable(string location, long version)
        => new(DeltaErrorKind.MissingVersion, $"Version {version} of '{location}' cannot be reconstructed: its log files were cleaned up and no checkpoint covers it.");

    public static DeltaException TimestampBeforeFirstCommit(string location, DateTimeOffset timestamp, DateTimeOffset first)
        => new(DeltaErrorKind.MissingVersion, $"No version of '{location}' exists at {timestamp:O}: the earliest available commit is at {first:O}.");

    public static DeltaException MissingAction(string location, long version, string action)
        => new(DeltaErrorKind.MalformedLog, $"Delta table '{location}' at version {version} has no '{action}' action: the log is incomplete or corrupt.");

    public static DeltaException UnreadableSchema(string location, long version, string why, Exception? inner = null)
        => new(DeltaErrorKind.MalformedLog, $"Delta table '{location}' at version {version} has an unreadable schema: {why}. The table cannot be read until its metaData is repaired.", inner);

    public static DeltaException InvalidProtocol(string location, int reader, int writer)
        => new(DeltaErrorKind.InvalidProtocol, $"Delta table '{location}' declares protocol reader {reader} / writer {writer}, which is not a valid Delta protocol version.");

    public static DeltaException UnsupportedReaderFeature(string location, string feature)
        => new(DeltaErrorKind.UnsupportedFeature, $"Delta table '{location}' needs reader feature '{feature}', which Cdp.Lakehouse does not implement; it is refused rather than read wrongly.");

    public static DeltaException UnsupportedWriterFeature(string location, string feature)
        => new(DeltaErrorKind.UnsupportedFeature, $"Delta table '{location}' needs writer feature '{feature}', which Cdp.Lakehouse does not implement; it can be read but not written.");

    public static DeltaException AppendOnly(string location, string operation)
        => new(DeltaErrorKind.AppendOnly, $"Delta table '{location}' is append-only (delta.appendOnly=true): '{operation}' would remove data and is refused.");

    public static DeltaException Conflict(string location, long winner, string why)
        => new(DeltaErrorKind.ConcurrentModification, $"Concurrent modification of '{location}': the commit at version {winner} {why}. Re-run the operation against the new version.");

    public static DeltaException TableExists(string location)
        => new(DeltaErrorKind.TableExists, $"A Delta table already exists at '{location}'.");

    public static DeltaException SchemaMismatch(string location, string why)
        => new(DeltaErrorKind.SchemaMismatch, $"Schema mismatch writing to '{location}': {why}.");

    public static DeltaException InvalidArgument(string why)
        => new(DeltaErrorKind.InvalidArgument, why);

    public static DeltaException AbsolutePathOutsideTable(string location, string path)
        => new(DeltaErrorKind.MissingFile, $"Delta table '{location}' references file '{path}' outside the table folder; only files inside the table can be read.");
}
