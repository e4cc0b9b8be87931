namespace Cdp.Delta.Transactions;

/// <summary>The files a vacuum deleted (or would delete, in a dry run).</summary>
public sealed record VacuumResult(long Version, TimeSpan Retention, bool DryRun, IReadOnlyList<string> Files, long Bytes);

/// <summary>
/// Deletes data files that the latest snapshot no longer references and that are older than the retention
/// window. Log files are never deleted; hidden files and folders (starting with '_' or '.') are left alone.
/// A retention shorter than the table's delta.deletedFileRetentionDuration (default 7 days) is refused unless
/// forced: readers and time travel inside that window may still need the files.
/// </summary>
public static class Vacuum
{
    public static async Task<VacuumResult> RunAsync(DeltaTable table, TimeSpan? retention = null, bool dryRun = false, bool force = false,
        CancellationToken cancellationToken = default)
    {
        var snapshot = await table.GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        ProtocolSupport.EnsureWritable(table.Location, snapshot.Protocol, snapshot.Metadata);
        var minimum = snapshot.DeletedFileRetention;
        var window = retention ?? minimum;
        if (window < TimeSpan.Zero) throw DeltaErrors.InvalidArgument($"Vacuum retention must not be negative (got {window.TotalHours} hours).");
        if (window < minimum && !force)
            throw DeltaErrors.InvalidArgument(
                $"Vacuum of '{table.Location}' with a retention of {window.TotalHours:0.##} hours is refused: under the table's {minimum.TotalHours:0.##} hours " +
                "(delta.deletedFileRetentionDuration), readers and time travel may still need the files. Pass force to do it anyway.");

        var cutoff = table.Clock.GetUtcNow() - window;
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in snapshot.Files) keep.Add(DeltaPath.ToKey(table.Location, f.Path));
        foreach (var t in snapshot.Tombstones)
        {
            // A file removed inside the window may still be read by time travel to a recent version.
            if (t.DeletionTimestamp is not { } ts || DateTimeOffset.FromUnixTimeMilliseconds(ts) > cutoff)
                keep.Add(DeltaPath.ToKey(table.Location, t.Path));
        }

        var doomed = new List<(string Key, long Size)>();
        await foreach (var obj in table.Store.ListAsync("", null, cancellationToken).ConfigureAwait(false))
        {
            if (IsHidden(obj.Key) || keep.Contains(obj.Key) || obj.LastModified > cutoff) continue;
            doomed.Add((obj.Key, obj.Size));
        }
        if (!dryRun)
        {
            await Parallel.ForEachAsync(doomed, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (d, ct) => await table.Store.DeleteAsync(d.Key, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        return new VacuumResult(snapshot.Version, window, dryRun, doomed.Select(d => d.Key).ToList(), doomed.Sum(d => d.Size));
    }

    // '_delta_log', '_change_data', '.cdp-staging', Hadoop '.crc' sidecars... Partition folders hold '=' and are not hidden.
    private static bool IsHidden(string key)
        => key.Split('/').Any(segment => (segment.StartsWith('_') || segment.StartsWith('.')) && !segment.Contains('=', StringComparison.Ordinal));
}
