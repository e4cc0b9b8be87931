using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;
using Cdp.Engine;
using Cdp.Storage;
using Cdp.Testing;

namespace Cdp.Activation.Tests;

public class FileDropTests
{
    private static readonly string[] Columns = ["email", "first_name", "phone"];

    [Fact]
    public async Task SyncDropsCsvFilesWithManifestsIntoALocalFolder()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(250);
        await fx.Engine.ExecuteAsync("UPDATE membership SET first_name = 'Zoë \"Z\", O''Brien' || chr(10) || '✓' WHERE person_id = 1");
        using var folder = new TempDirectory("drops");
        var drop = new FileDropDestination(FileDropOptions.Local("till", "email", folder.Path, new DestinationLimits(100, 2, 100)));
        var audience = "receipts/../\"x\"";

        var report = (await fx.NewSync().RunAsync([new(drop, fx.Request(drop, audience))], "run-1"))[0];

        Assert.True(report.Complete, report.Error);
        var dir = Path.Combine(folder.Path, drop.AudiencePrefix(audience));
        Assert.Equal(folder.Path, Path.GetDirectoryName(Path.GetFullPath(dir)));
        var drops = await DropReader.ReadAsync(drop.Store, drop.AudiencePrefix(audience), fx.Engine);
        Assert.Equal(3, drops.Count); // 212 qualifying people in batches of 100
        // Nothing but the manifests and the files they name: no temp file or staging folder is left behind.
        var names = drops.SelectMany(d => new[] { d.ManifestKey, drop.AudiencePrefix(audience) + "/" + d.Manifest.GetProperty("file").GetString() })
            .Append(drop.AudiencePrefix(audience)).Order(StringComparer.Ordinal);
        Assert.Equal(names, Directory.EnumerateFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder.Path, p)).Order(StringComparer.Ordinal));
        foreach (var d in drops)
        {
            Assert.Equal("csv", d.Manifest.GetProperty("format").GetString());
            Assert.Equal("run-1", d.RunId);
            Assert.Equal(audience, d.Manifest.GetProperty("audience").GetString());
            Assert.Equal(["operation", "person_id", .. Columns], d.Manifest.GetProperty("schema").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            var header = File.ReadAllText(Path.Combine(dir, d.Manifest.GetProperty("file").GetString()!)).Split("\r\n")[0];
            Assert.Equal("\"operation\",\"person_id\",\"email\",\"first_name\",\"phone\"", header);
        }
        await AssertHoldsIntendedAsync(fx, drops, ["run-1"]);
    }

    [Fact]
    public async Task ResendingADeliveredBatchWritesNothing()
    {
        using var folder = new TempDirectory("drops");
        var drop = new FileDropDestination(FileDropOptions.Local("till", "email", folder.Path, new DestinationLimits(100, 1, 100)));
        var record = new SyncRecord(1, SyncOperation.Add, "fp", ["a@example.com", null, ""]);
        var batch = Batch("msg_1", record);
        await drop.SendAsync(batch, default);
        var dir = Path.Combine(folder.Path, drop.AudiencePrefix("a"));
        var files = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, files.Count);
        var csv = files.Single(f => f.EndsWith(".csv", StringComparison.Ordinal));
        var written = File.GetLastWriteTimeUtc(csv);
        var content = File.ReadAllText(csv);
        Assert.Equal("\"operation\",\"person_id\",\"email\",\"first_name\",\"phone\"\r\n\"add\",\"1\",\"a@example.com\",,\"\"\r\n", content);
        Assert.StartsWith("msg_1." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16], Path.GetFileName(csv), StringComparison.Ordinal);

        await drop.SendAsync(batch with { Records = [record with { Fields = ["changed", null, null] }] }, default);

        Assert.Equal(files, Directory.GetFiles(dir).Order(StringComparer.Ordinal));
        Assert.Equal(content, File.ReadAllText(csv));
        Assert.Equal(written, File.GetLastWriteTimeUtc(csv));
    }

    [Fact]
    public async Task ParquetDropReadsBackExactlyAsTheBatch()
    {
        await using var engine = new DuckDbEngine();
        var store = new InMemoryObjectStore();
        var drop = new FileDropDestination(new FileDropOptions("partner", "email", store, new DestinationLimits(100, 1, 100))
        {
            Format = FileDropFormat.Parquet,
            Prefix = "exports/partner",
        }, engine);
        string[] columns = ["e-mail", "prénom \"given\"", "note, with comma"];
        SyncRecord[] records =
        [
            new(long.MaxValue, SyncOperation.Add, "fp", ["a@example.com", null, ""]),
            new(2, SyncOperation.Add, "fp", ["", "", null]),
            new(-3, SyncOperation.Add, "fp", [null, null, null]),
            new(4, SyncOperation.Add, "fp", ["Zoë \"Z\", O'Brien", "line1\r\nline2\n\"q\"", "日本語 🎉 \u200b ,;\t|"]),
            new(6, SyncOperation.Add, "fp", ["a\0b", "\0", "\u0001\u007f"]),
            new(5, SyncOperation.Add, "fp", [new string('x', 100_000), "NULL", "\\N"]),
        ];
        var batch = Batch("msg_p", [.. records]) with { Columns = columns, Audience = "win back/2026" };

        Assert.Equal(DeliveryStatus.Accepted, (await drop.SendAsync(batch, default)).Status);

        var drops = await DropReader.ReadAsync(store, drop.AudiencePrefix(batch.Audience), engine);
        var only = Assert.Single(drops);
        var expected = records.Select(r => (string?[])["add", r.PersonId.ToString(CultureInfo.InvariantCulture), .. r.Fields]).ToList();
        Assert.Equal(expected, only.Rows); // in order; null and '' kept apart
        var manifest = only.Manifest;
        Assert.Equal("parquet", manifest.GetProperty("format").GetString());
        Assert.Equal("msg_p", manifest.GetProperty("batch_id").GetString());
        Assert.Equal("run-1", manifest.GetProperty("run_id").GetString());
        Assert.Equal("add", manifest.GetProperty("operation").GetString());
        Assert.Equal(6, manifest.GetProperty("row_count").GetInt32());
        Assert.Equal(
            [("operation", "string", false), ("person_id", "int64", false), ("e-mail", "string", true), ("prénom \"given\"", "string", true), ("note, with comma", "string", true)],
            manifest.GetProperty("schema").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString(), c.GetProperty("nullable").GetBoolean())));
        Assert.EndsWith(".parquet", manifest.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("exports/partner/win%20back%2F2026/", only.ManifestKey, StringComparison.Ordinal);

        // The file's own schema: person_id is a plain INT64, the rest UTF-8 strings.
        using var cache = new TempDirectory("drop-cache");
        var path = await store.GetLocalPathAsync(drop.AudiencePrefix(batch.Audience) + "/" + manifest.GetProperty("file").GetString(), cache.Path);
        var physical = (await engine.QueryAsync($"SELECT name, type FROM parquet_schema({Sql.Literal(path)}) WHERE type IS NOT NULL")).Rows
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("INT64", physical["person_id"]);
        Assert.All(columns.Append("operation"), c => Assert.Equal("BYTE_ARRAY", physical[c]));
    }

    [Fact]
    public async Task ParquetSyncIntoAStoreHoldsTheIntendedMembershipAcrossRuns()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(300);
        var store = new InMemoryObjectStore();
        var drop = new FileDropDestination(new FileDropOptions("lake-export", "email", store, SyncFixture.FastLimits(batch: 60, concurrency: 3, rate: 200))
        {
            Format = FileDropFormat.Parquet,
        }, fx.Engine);

        Assert.True((await fx.NewSync().RunAsync([new(drop, fx.Request(drop))], "run-1"))[0].Complete);
        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET email = NULL, phone = '' WHERE person_id = 1;
            UPDATE membership SET first_name = 'Ünïcödé "quoted", name' WHERE person_id = 2;
            UPDATE membership SET contactable_email = false WHERE person_id IN (4, 5, 6);
            UPDATE membership SET holdout = true WHERE person_id = 8;
            DELETE FROM membership WHERE person_id BETWEEN 280 AND 300;
            INSERT INTO membership SELECT i, 'new' || i || '@example.com', NULL, '', true, false FROM range(301, 331) AS t(i);
            """);
        var report = (await fx.NewSync().RunAsync([new(drop, fx.Request(drop))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        var drops = await DropReader.ReadAsync(store, drop.AudiencePrefix("win_back"), fx.Engine);
        Assert.Contains(drops, d => d.RunId == "run-2" && d.Operation == "remove");
        Assert.Contains(drops, d => d.RunId == "run-2" && d.Operation == "update");
        Assert.All(drops, d => Assert.Equal("parquet", d.Manifest.GetProperty("format").GetString()));
        await AssertHoldsIntendedAsync(fx, drops, ["run-1", "run-2"]);
    }

    [Fact]
    public async Task TwoWritersOfOneBatchPublishItOnce()
    {
        var memory = new InMemoryObjectStore();
        var watched = new WatchedObjectStore(memory);
        var options = new FileDropOptions("till", "email", watched, new DestinationLimits(10, 1, 10));
        var slow = new FileDropDestination(options);
        var fast = new FileDropDestination(options);
        var mine = Batch("msg_race", new SyncRecord(1, SyncOperation.Add, "fp", ["mine@example.com", null, null]));
        var theirs = mine with { Records = [new SyncRecord(2, SyncOperation.Add, "fp", ["theirs@example.com", null, null])] };
        var interleaved = false;
        // The slow writer has stored its data file; the fast one publishes the same batch id before its manifest.
        watched.BeforeWrite = async key =>
        {
            if (interleaved || !key.EndsWith(".manifest.json", StringComparison.Ordinal)) return;
            interleaved = true;
            await fast.SendAsync(theirs, default);
        };

        Assert.Equal(DeliveryStatus.Accepted, (await slow.SendAsync(mine, default)).Status);

        Assert.True(interleaved);
        var drop = Assert.Single(await DropReader.ReadAsync(memory, slow.AudiencePrefix("a"), null!));
        Assert.Equal("2", drop.Rows.Single()[1]);
        // The loser's data file, referenced by no manifest, is gone.
        Assert.Equal(2, await memory.ListAsync("").CountAsync());
    }

    [Fact]
    public async Task BadConfigurationIsRefusedNamingTheDestination()
    {
        var store = new InMemoryObjectStore();
        var limits = new DestinationLimits(10, 1, 10);

        var noEngine = Assert.Throws<ArgumentException>(() => new FileDropDestination(new FileDropOptions("till-7", "email", store, limits) { Format = FileDropFormat.Parquet }));
        Assert.Contains("till-7", noEngine.Message, StringComparison.Ordinal);
        Assert.Contains("DuckDbEngine", noEngine.Message, StringComparison.Ordinal);
        var badPrefix = Assert.Throws<ArgumentException>(() => new FileDropDestination(new FileDropOptions("till-7", "email", store, limits) { Prefix = "drops/../../etc" }));
        Assert.Contains("till-7", badPrefix.Message, StringComparison.Ordinal);
        Assert.Contains("prefix", badPrefix.Message, StringComparison.Ordinal);

        var drop = new FileDropDestination(new FileDropOptions("till-7", "email", store, limits));
        var clash = Batch("msg_1", new SyncRecord(1, SyncOperation.Add, "fp", ["a", "b"])) with { Columns = ["email", "Person_ID"] };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => drop.SendAsync(clash, default));
        Assert.Contains("till-7", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Person_ID'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.ListAsync("").CountAsync());
    }

    internal static DeliveryBatch Batch(string batchId, params SyncRecord[] records)
        => new("run-1", "a", batchId, SyncOperation.Add, Columns, records, DateTimeOffset.UtcNow);

    /// <summary>The drops, replayed run by run, hold exactly the intended members with their export fields.</summary>
    internal static async Task AssertHoldsIntendedAsync(SyncFixture fx, IEnumerable<Drop> drops, IReadOnlyList<string> runs)
    {
        var held = DropReader.Replay(drops, runs);
        var intended = await fx.IntendedAsync();
        Assert.Equal(intended.Keys.Order(), held.Keys.Order());
        foreach (var (id, fields) in intended) Assert.Equal(new[] { fields["email"], fields["first_name"], fields["phone"] }, held[id].AsEnumerable());
    }
}
