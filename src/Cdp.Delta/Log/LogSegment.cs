using Cdp.Storage;

namespace Cdp.Delta.Log;

/// <summary>
/// The log files that reconstruct one version: an optional complete checkpoint and the contiguous commits after it.
/// Built from one sorted listing of <c>_delta_log</c>; a gap in versions is an error, never skipped.
/// </summary>
public sealed record LogSegment(
    long Version,
    long? CheckpointVersion,
    IReadOnlyList<ObjectInfo> CheckpointParts,
    IReadOnlyList<(long Version, ObjectInfo File)> Commits,
    IReadOnlyList<(long Version, ObjectInfo File)> AllCommits)
{
    /// <summary>
    /// Chooses the files for <paramref name="targetVersion"/> (null: the latest) from a listing of <c>_delta_log</c>.
    /// </summary>
    public static LogSegment Build(string location, IReadOnlyList<ObjectInfo> listing, long? targetVersion)
    {
        var commits = new List<(long Version, ObjectInfo File)>();
        var checkpoints = new Dictionary<long, List<(LogFileName Name, ObjectInfo File)>>();
        var sawV2Checkpoint = false;
        foreach (var file in listing)
        {
            var name = LogFileName.TryParse(file.Key[(file.Key.LastIndexOf('/') + 1)..]);
            if (name is null) continue;
            switch (name.Kind)
            {
                case LogFileKind.Commit:
                    commits.Add((name.Version, file));
                    break;
                case LogFileKind.Checkpoint or LogFileKind.MultiPartCheckpoint:
                    if (!checkpoints.TryGetValue(name.Version, out var parts)) checkpoints[name.Version] = parts = [];
                    parts.Add((name, file));
                    break;
                case LogFileKind.V2Checkpoint:
                    sawV2Checkpoint = true;
                    break;
            }
        }
        commits.Sort((a, b) => a.Version.CompareTo(b.Version));

        var latestAvailable = Math.Max(commits.Count > 0 ? commits[^1].Version : -1, checkpoints.Count > 0 ? checkpoints.Keys.Max() : -1);
        if (latestAvailable < 0)
        {
            if (sawV2Checkpoint) throw DeltaErrors.UnsupportedReaderFeature(location, "v2Checkpoint");
            throw DeltaErrors.NotATable(location);
        }
        var version = targetVersion ?? latestAvailable;
        if (version > latestAvailable || version < 0) throw DeltaErrors.VersionNotFound(location, version, latestAvailable);

        // The newest complete checkpoint at or before the target version.
        long? checkpointVersion = null;
        IReadOnlyList<ObjectInfo> checkpointParts = [];
        foreach (var (v, parts) in checkpoints.OrderByDescending(kv => kv.Key))
        {
            if (v > version) continue;
            var complete = CompleteParts(parts);
            if (complete is null) continue;
            checkpointVersion = v;
            checkpointParts = complete;
            break;
        }

        var needed = commits.Where(c => c.Version > (checkpointVersion ?? -1) && c.Version <= version).ToList();
        var expected = (checkpointVersion ?? -1) + 1;
        foreach (var (v, _) in needed)
        {
            // Commits missing from the start with no checkpoint to stand in for them were cleaned up, not lost.
            if (v != expected && checkpointVersion is null && expected == 0) throw DeltaErrors.VersionNotReconstructable(location, version);
            if (v != expected) throw DeltaErrors.VersionGap(location, expected, v);
            expected++;
        }
        if (expected - 1 != version)
        {
            if (checkpointVersion is null && needed.Count == 0) throw DeltaErrors.VersionNotReconstructable(location, version);
            throw DeltaErrors.VersionGap(location, expected, version);
        }
        // A gap anywhere in the retained history is corruption even when the target is older than it.
        for (var i = 1; i < commits.Count; i++)
        {
            if (commits[i].Version != commits[i - 1].Version + 1 && commits[i].Version <= latestAvailable
                && commits[i].Version > (checkpointVersion ?? -1))
                throw DeltaErrors.VersionGap(location, commits[i - 1].Version + 1, commits[i].Version);
        }
        return new LogSegment(version, checkpointVersion, checkpointParts, needed, commits);
    }

    private static List<ObjectInfo>? CompleteParts(List<(LogFileName Name, ObjectInfo File)> parts)
    {
        var single = parts.FirstOrDefault(p => p.Name.Kind == LogFileKind.Checkpoint);
        if (single.File is not null) return [single.File];
        // Multi-part: every part 1..n of one n must be present.
        foreach (var group in parts.GroupBy(p => p.Name.Parts))
        {
            var numbers = group.Select(p => p.Name.Part).Where(n => n >= 1 && n <= group.Key).Distinct().Count();
            if (numbers == group.Key) return group.OrderBy(p => p.Name.Part).Select(p => p.File).ToList();
        }
        return null;
    }
}
