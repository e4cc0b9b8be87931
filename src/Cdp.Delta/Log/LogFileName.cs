using System.Globalization;
using System.Text.RegularExpressions;

namespace Cdp.Delta.Log;

public enum LogFileKind { Commit, Checkpoint, MultiPartCheckpoint, V2Checkpoint, Checksum, Compaction, Other }

/// <summary>A parsed name of a file in <c>_delta_log</c>.</summary>
public sealed partial record LogFileName(LogFileKind Kind, long Version, int Part = 0, int Parts = 0)
{
    public const string LogFolder = "_delta_log";
    public const string LastCheckpoint = "_last_checkpoint";

    public static string Commit(long version) => $"{version:D20}.json";

    public static string Checkpoint(long version) => $"{version:D20}.checkpoint.parquet";

    /// <summary>Parses a file name (not a path); null for files that are not log files.</summary>
    public static LogFileName? TryParse(string fileName)
    {
        var m = NamePattern().Match(fileName);
        if (!m.Success) return null;
        var version = long.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
        var rest = m.Groups["rest"].Value;
        if (rest == ".json") return new(LogFileKind.Commit, version);
        if (rest == ".checkpoint.parquet") return new(LogFileKind.Checkpoint, version);
        if (rest == ".crc") return new(LogFileKind.Checksum, version);
        var multi = MultiPartPattern().Match(rest);
        if (multi.Success)
            return new(LogFileKind.MultiPartCheckpoint, version,
                int.Parse(multi.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(multi.Groups[2].Value, CultureInfo.InvariantCulture));
        if (V2Pattern().IsMatch(rest)) return new(LogFileKind.V2Checkpoint, version);
        if (CompactionPattern().IsMatch(rest)) return new(LogFileKind.Compaction, version);
        return null;
    }

    [GeneratedRegex(@"^(?<v>\d{20})(?<rest>\..*)$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\.checkpoint\.(\d{10})\.(\d{10})\.parquet$")]
    private static partial Regex MultiPartPattern();

    [GeneratedRegex(@"^\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$")]
    private static partial Regex V2Pattern();

    [GeneratedRegex(@"^\.\d{20}\.compacted\.json$")]
    private static partial Regex CompactionPattern();
}
