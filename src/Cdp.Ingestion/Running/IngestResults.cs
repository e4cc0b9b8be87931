namespace Cdp.Ingestion.Running;

/// <summary>What happened to one file.</summary>
public enum FileStatus
{
    /// <summary>Read and committed in this run (its good rows landed, its bad rows quarantined).</summary>
    Landed,

    /// <summary>Already committed by an earlier run (same location, size and modification time): not read again.</summary>
    Skipped,

    /// <summary>Could not be ingested; nothing of it was committed (see the error).</summary>
    Failed,
}

/// <summary>
/// One file of a run. Rows read = rows landed + rows quarantined for every landed file. <paramref name="Recovered"/>:
/// landed by an earlier run that died before writing its ledger row, which this run wrote from the data commit.
/// </summary>
public sealed record FileResult(
    string File,
    string AppId,
    FileStatus Status,
    long RowsRead,
    long RowsLanded,
    long RowsQuarantined,
    long Bytes,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? Error = null,
    bool Recovered = false);

/// <summary>One source of a run: its files, totals and, when it failed, why.</summary>
public sealed record SourceResult(string Source, string Table, IReadOnlyList<FileResult> Files, TimeSpan Elapsed, string? Error)
{
    public bool Succeeded => Error is null;

    public int FilesNew => Files.Count(f => f.Status == FileStatus.Landed);

    public int FilesSkipped => Files.Count(f => f.Status == FileStatus.Skipped);

    public long RowsRead => Files.Sum(f => f.RowsRead);

    public long RowsLanded => Files.Sum(f => f.RowsLanded);

    public long RowsQuarantined => Files.Sum(f => f.RowsQuarantined);

    /// <summary>Bytes of the files read in this run (skipped files not counted).</summary>
    public long Bytes => Files.Where(f => f.Status == FileStatus.Landed).Sum(f => f.Bytes);
}

/// <summary>A whole ingest run: one batch id for every row it landed.</summary>
public sealed record IngestRunResult(string BatchId, string LakeUri, IReadOnlyList<SourceResult> Sources)
{
    public bool Succeeded => Sources.All(s => s.Succeeded);
}

/// <summary>Progress of one source: files finished out of those listed, rows and bytes read so far.</summary>
public sealed record IngestProgress(string Source, int FilesDone, int FilesTotal, long Rows, long Bytes, long BytesTotal);
