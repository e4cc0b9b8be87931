using System.Diagnostics;
using System.Text;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Ingestion.Staging;

namespace Cdp.Ingestion.Tests;

/// <summary>Where staged copies are written, and how the staged copy of a JSON-lines file is typed.</summary>
public sealed class StagingTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void A_staged_copy_goes_to_memory_only_when_its_worst_case_takes_at_most_half_the_free_memory()
    {
        var temp = Path.GetTempPath();
        Assert.Equal("/dev/shm", StagingFolders.ParentFor(100 << 20, null, 4 * GiB));
        var largest = 4 * GiB / 2 / StagingFolders.GrowthBound;
        Assert.Equal("/dev/shm", StagingFolders.ParentFor(largest, null, 4 * GiB));
        Assert.Equal(temp, StagingFolders.ParentFor(largest + 1, null, 4 * GiB));
        // A gzip input's copy has no bound; no memory-backed folder means the temp folder.
        Assert.Equal(temp, StagingFolders.ParentFor(null, null, 4 * GiB));
        Assert.Equal(temp, StagingFolders.ParentFor(1, null, 0));
        // CDP_STAGING_DIR wins.
        Assert.Equal("/data/staging", StagingFolders.ParentFor(1, "/data/staging", 4 * GiB));
        Assert.Equal("/data/staging", StagingFolders.ParentFor(null, "/data/staging", 0));
    }

    [Fact]
    public void A_small_input_is_staged_in_the_memory_backed_folder_when_the_machine_has_one()
    {
        var tmpfs = OperatingSystem.IsLinux() && Directory.Exists("/dev/shm") && new DriveInfo("/dev/shm").DriveFormat == "tmpfs";
        var folder = StagingFolders.Create(1 << 20);
        try
        {
            Assert.True(Directory.Exists(folder));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
            Assert.StartsWith($"cdp-ingest-{Environment.ProcessId}-", Path.GetFileName(folder), StringComparison.Ordinal);
            Assert.Equal(tmpfs ? "/dev/shm" : Path.TrimEndingDirectorySeparator(Path.GetTempPath()), Path.GetDirectoryName(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var gzip = StagingFolders.Create(null);
        Directory.Delete(gzip);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), Path.GetDirectoryName(gzip));
    }

    [Fact]
    public void Folders_of_processes_no_longer_running_are_removed_and_the_others_kept()
    {
        using var parent = new Cdp.Testing.TempDirectory("staging");
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        string Make(string name)
        {
            var path = parent.Combine(name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "data.jsonl"), "{}\n");
            return path;
        }
        var abandoned = Make($"cdp-ingest-{exited.Id}-0123abcd");
        var own = Make($"cdp-ingest-{Environment.ProcessId}-0123abcd");
        var running = Make($"cdp-ingest-{Process.GetCurrentProcess().Parent()}-0123abcd");
        var unnamed = Make("cdp-ingest-0123abcd");
        var other = Make($"other-{exited.Id}-0123abcd");

        Assert.Equal(1, StagingFolders.RemoveAbandoned(parent.Path));
        Assert.False(Directory.Exists(abandoned));
        Assert.All([own, running, unnamed, other], p => Assert.True(Directory.Exists(p), p));
    }

    [Fact]
    public async Task Iso_dates_and_timestamps_are_read_with_the_sampled_types_given_and_other_formats_as_duckdb_detects_them()
    {
        await using var w = new Workspace();
        var iso = w.Write("iso.jsonl", "{\"id\":1,\"day\":\"2024-03-15\",\"seen_at\":\"2024-03-15 10:20:30\",\"n\":2.5}\n{\"id\":2,\"day\":\"2024-12-01\",\"seen_at\":\"2024-12-01 00:00:00\",\"n\":3}\n");
        var local = w.Write("local.jsonl", "{\"id\":1,\"day\":\"15-03-2024\"}\n{\"id\":2,\"day\":\"01-12-2024\"}\n");
        Assert.True((await SampleAsync(w, iso)).ReadsExplicitly);
        Assert.False((await SampleAsync(w, local)).ReadsExplicitly);

        (await w.RunAsync(Workspace.Source("iso", SourceFormat.JsonLines, iso), Workspace.Source("local", SourceFormat.JsonLines, local))).Sources
            .ToList().ForEach(s => s.Reconciled());
        var rows = await w.QueryAsync(w.Runner.TableUri("iso"), "SELECT typeof(day), typeof(seen_at), typeof(n), CAST(day AS VARCHAR), CAST(seen_at AS VARCHAR), n FROM t ORDER BY id");
        Assert.Equal(["DATE", "TIMESTAMP WITH TIME ZONE", "DOUBLE", "2024-03-15", "2024-03-15 10:20:30+00", 2.5], rows[0]);
        // DuckDB detects day-month-year dates, which the explicit DATE type would refuse: it detects them again.
        var days = await w.QueryAsync(w.Runner.TableUri("local"), "SELECT typeof(day), CAST(day AS VARCHAR) FROM t ORDER BY id");
        Assert.Equal([["DATE", "2024-03-15"], ["DATE", "2024-12-01"]], days.Select(r => new[] { r[0] as string, r[1] as string }));
    }

    [Fact]
    public async Task A_line_beyond_the_sample_with_a_wider_type_a_new_key_or_another_kind_of_value_is_read_with_types_from_every_line()
    {
        await using var w = new Workspace();
        var text = new StringBuilder();
        for (var i = 1; i <= JsonLinesStager.SampleLines; i++) text.Append($"{{\"id\":{i},\"v\":{i}}}\n");
        var wider = w.Write("wider.jsonl", text + "{\"id\":0,\"v\":0.5}\n");
        var key = w.Write("key.jsonl", text + "{\"id\":0,\"v\":7,\"late\":\"x\"}\n");
        var flag = w.Write("flag.jsonl", text.ToString().Replace("\"v\":", "\"f\":true,\"v\":", StringComparison.Ordinal) + "{\"id\":0,\"f\":\"no\",\"v\":1}\n");
        var nested = w.Write("nested.jsonl", text.ToString().Replace("\"v\":", "\"o\":{\"a\":1},\"v\":", StringComparison.Ordinal) + "{\"id\":0,\"o\":{\"a\":2.75},\"v\":1}\n");
        Assert.True((await SampleAsync(w, wider)).ReadsExplicitly);

        var result = await w.RunAsync(
            Workspace.Source("wider", SourceFormat.JsonLines, wider), Workspace.Source("key", SourceFormat.JsonLines, key),
            Workspace.Source("flag", SourceFormat.JsonLines, flag), Workspace.Source("nested", SourceFormat.JsonLines, nested));
        Assert.All(result.Sources, s => Assert.Equal(JsonLinesStager.SampleLines + 1, s.Reconciled().Files[0].RowsLanded));
        // Read with the sample's types, these would land as 0, without the key, as true, and as 3.
        Assert.Equal(["DOUBLE", 0.5], (await w.QueryAsync(w.Runner.TableUri("wider"), "SELECT typeof(v), v FROM t WHERE id = 0"))[0]);
        Assert.Equal(["x", 7L], (await w.QueryAsync(w.Runner.TableUri("key"), "SELECT late, v FROM t WHERE late IS NOT NULL"))[0]);
        // Booleans and text: DuckDB keeps the JSON text.
        Assert.Equal(["\"no\""], (await w.QueryAsync(w.Runner.TableUri("flag"), "SELECT CAST(f AS VARCHAR) FROM t WHERE id = 0"))[0]);
        Assert.Equal([2.75], (await w.QueryAsync(w.Runner.TableUri("nested"), "SELECT CAST(o.a AS DOUBLE) FROM t WHERE id = 0"))[0]);
    }

    private static async Task<JsonSample> SampleAsync(Workspace w, string input)
    {
        var folder = StagingFolders.Create(new FileInfo(input).Length);
        try
        {
            var (_, sample) = await JsonLinesInput.StageAsync(w.Session.Engine, input, false, folder, _ => { }, CancellationToken.None);
            return sample!;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

internal static class ProcessParent
{
    /// <summary>The parent process id (Linux), a process that is running while this one is.</summary>
    public static int Parent(this Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
