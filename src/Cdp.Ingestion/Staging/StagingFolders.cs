using System.Diagnostics;
using System.Globalization;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Where an input's staged copy is written. A staged copy lives for seconds and is read once by DuckDB, so it goes
/// to the memory-backed folder (<c>/dev/shm</c>) when there is one and the copy is small next to the memory left:
/// writing it there skips the file system's journaling and block allocation, which cost about a third of the staging
/// pass on disk. Otherwise, and when the copy's size cannot be bounded (a gzip input), it goes to the temp folder.
/// <c>CDP_STAGING_DIR</c> names the folder to use instead of both.
/// <para>
/// Each folder is named after the process that made it. A process killed mid-ingest leaves its folder behind (in
/// memory, for a memory-backed one), so every ingest run first removes those whose process is no longer running.
/// </para>
/// </summary>
internal static class StagingFolders
{
    public const string DirectoryVariable = "CDP_STAGING_DIR";

    /// <summary>A staged copy is at most this many times its input (line numbers on lines of 2 bytes, see <see cref="ParentFor"/>).</summary>
    public const long GrowthBound = 8;

    private const string Prefix = "cdp-ingest-";
    private const string MemoryFolder = "/dev/shm";

    /// <summary>Makes an empty folder for one input's staged copy.</summary>
    /// <param name="inputBytes">The input's size, or null when its staged copy cannot be bounded by it (gzip).</param>
    public static string Create(long? inputBytes)
    {
        var memoryFree = inputBytes is null ? 0 : MemoryFree();
        var parent = ParentFor(inputBytes, Environment.GetEnvironmentVariable(DirectoryVariable), memoryFree);
        var path = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// The memory-backed folder when the input's worst-case staged copy takes at most half the memory free there:
    /// <paramref name="inputBytes"/> × <see cref="GrowthBound"/> (a line grows by its number and a few bytes, so only
    /// a file of near-empty lines comes close) must be at most half of <paramref name="memoryFree"/>. Else the temp folder.
    /// </summary>
    /// <param name="configured">CDP_STAGING_DIR, which wins when set.</param>
    /// <param name="memoryFree">Bytes free in the memory-backed folder and in memory (the smaller), 0 when there is none.</param>
    internal static string ParentFor(long? inputBytes, string? configured, long memoryFree)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        if (inputBytes is { } bytes && memoryFree > 0 && bytes <= memoryFree / 2 / GrowthBound) return MemoryFolder;
        return Path.GetTempPath();
    }

    /// <summary>Removes the staging folders of processes no longer running from every folder staged copies may go to.</summary>
    public static int RemoveAbandoned()
    {
        var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        string[] parents = string.IsNullOrWhiteSpace(configured) ? [MemoryFolder, Path.GetTempPath()] : [configured];
        return parents.Where(Directory.Exists).Sum(RemoveAbandoned);
    }

    /// <summary>Removes the staging folders in <paramref name="parent"/> made by processes that are no longer running.</summary>
    internal static int RemoveAbandoned(string parent)
    {
        var removed = 0;
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(parent, Prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder)[Prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another process removed it first, or it is not ours to remove
            }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The bytes free in the memory-backed folder and in memory, whichever is smaller; 0 when there is no such folder.</summary>
    private static long MemoryFree()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !Directory.Exists(MemoryFolder)) return 0;
            var drive = new DriveInfo(MemoryFolder);
            if (!string.Equals(drive.DriveFormat, "tmpfs", StringComparison.Ordinal)) return 0;
            return Math.Min(drive.AvailableFreeSpace, MemoryAvailable());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    /// <summary>MemAvailable of /proc/meminfo, in bytes (0 when unreadable).</summary>
    private static long MemoryAvailable()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var kb = line["MemAvailable:".Length..].Trim().Split(' ')[0];
            return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
        }
        return 0;
    }
}
