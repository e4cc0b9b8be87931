using System.Text;
using Cdp.Testing;

namespace Cdp.Storage.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, run unchanged against each implementation by a subclass.
/// The Delta log relies on each of these: ordered listing from a version, ranged Parquet footers,
/// put-if-absent as the commit, and keys that cannot escape the store's root.
/// </summary>
public abstract class ObjectStoreContract : IAsyncLifetime
{
    private readonly TempDirectory _scratch = new("store-contract");

    protected IObjectStore Store { get; private set; } = null!;

    /// <summary>A local folder for files the test hands to the store (uploads, caches).</summary>
    protected string Scratch => _scratch.Path;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        _scratch.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_returns_every_key_in_ordinal_order_across_nested_folders()
    {
        string[] keys =
        [
            "b", "a/z", "a/b/c2", "a-1", "_delta_log/00000000000000000001.json", "a.b", "a0", "B", "a/b/c",
            "_delta_log/00000000000000000000.json",
        ];
        foreach (var key in keys) await Put(key, "content of " + key);

        var listed = await ListAll("");

        // '-' < '.' < '/' < '0' and 'B' < '_' < 'a': a folder-by-folder walk or a culture-aware sort gets this wrong.
        Assert.Equal(
            [
                "B", "_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json", "a-1", "a.b",
                "a/b/c", "a/b/c2", "a/z", "a0", "b",
            ],
            listed.Select(o => o.Key));
        Assert.All(listed, o => Assert.Equal(Encoding.UTF8.GetByteCount("content of " + o.Key), o.Size));
    }

    [Fact]
    public async Task List_prefix_may_end_inside_a_name()
    {
        string[] keys =
        [
            "data/part-0001.parquet", "data/part-0002.parquet", "data/partition=x/f.parquet", "data/other.parquet",
            "database/x", "dat",
        ];
        foreach (var key in keys) await Put(key, key);

        Assert.Equal(["data/part-0001.parquet", "data/part-0002.parquet"], await ListKeys("data/part-"));
        Assert.Equal(["data/part-0001.parquet", "data/part-0002.parquet", "data/partition=x/f.parquet"], await ListKeys("data/part"));
        Assert.Equal(4, (await ListKeys("data/")).Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListKeys("dat"));
        Assert.Empty(await ListKeys("dat/"));
        Assert.Empty(await ListKeys("nothing"));
    }

    [Fact]
    public async Task List_start_after_returns_only_strictly_later_keys()
    {
        var log = Enumerable.Range(0, 5).Select(v => $"_delta_log/{v:D20}.json").ToList();
        var checkpoint = $"_delta_log/{2:D20}.checkpoint.parquet";
        foreach (var key in log.Append(checkpoint).Append("other/x")) await Put(key, key);

        Assert.Equal([log[2], log[3], log[4]], await ListKeys("_delta_log/", checkpoint));
        Assert.Equal([log[3], log[4]], await ListKeys("_delta_log/", log[2]));
        Assert.Equal([checkpoint, log[2], log[3], log[4]], await ListKeys("_delta_log/", $"_delta_log/{2:D20}.a"));
        Assert.Equal(6, (await ListKeys("_delta_log/", "_")).Count);
        Assert.Empty(await ListKeys("_delta_log/", log[4]));
        Assert.Empty(await ListKeys("_delta_log/", "_delta_log/9"));
        Assert.Equal(["other/x"], await ListKeys("", log[4]));
    }

    [Fact]
    public async Task List_of_empty_store_or_missing_prefix_is_empty()
    {
        Assert.Empty(await ListKeys(""));
        await Put("a/b", "x");
        Assert.Empty(await ListKeys("missing/"));
        Assert.Empty(await ListKeys("a/b/"));
    }

    [Fact]
    public async Task Ranged_reads_return_the_bytes_asked_for_and_fewer_at_the_end()
    {
        await Put("r", "0123456789");

        Assert.Equal("234", await ReadRangeText("r", 2, 3));
        Assert.Equal("0123456789", await ReadRangeText("r", 0, 10));
        Assert.Equal("789", await ReadRangeText("r", 7, 10));
        Assert.Equal("", await ReadRangeText("r", 10, 5));
        Assert.Equal("", await ReadRangeText("r", 25, 5));
        Assert.Equal("", await ReadRangeText("r", 3, 0));
    }

    [Fact]
    public async Task Empty_object_round_trips()
    {
        await Store.WriteAsync("empty", ReadOnlyMemory<byte>.Empty);

        Assert.Empty(await Store.ReadAllAsync("empty"));
        Assert.Empty(await Store.ReadRangeAsync("empty", 0, 5));
        Assert.Equal(0, (await Store.GetInfoAsync("empty"))!.Size);
        Assert.Equal(["empty"], await ListKeys(""));
    }

    [Fact]
    public async Task Missing_object_reads_throw_object_not_found_naming_the_key()
    {
        await Put("present", "x");
        const string key = "missing/object.json";

        var errors = new[]
        {
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadAllAsync(key)),
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(key)),
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadRangeAsync(key, 0, 10)),
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadRangeAsync(key, 0, 0)),
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetLocalPathAsync(key, Path.Combine(Scratch, "cache"))),
        };
        Assert.All(errors, e => Assert.Equal(key, e.Key));
        Assert.All(errors, e => Assert.Contains(key, e.Message, StringComparison.Ordinal));
        Assert.Null(await Store.GetInfoAsync(key));
        Assert.False(await Store.DeleteAsync(key));
    }

    [Fact]
    public async Task Write_replaces_an_existing_object()
    {
        await Put("k", "first version, longer");
        await Put("k", "second");

        Assert.Equal("second", await ReadText("k"));
        Assert.Equal(6, (await Store.GetInfoAsync("k"))!.Size);
        Assert.Equal(["k"], await ListKeys(""));
    }

    [Fact]
    public async Task Put_if_absent_refuses_an_existing_key_and_keeps_the_first_content()
    {
        Assert.True(await Store.PutIfAbsentAsync("_delta_log/0.json", Bytes("winner")));
        Assert.False(await Store.PutIfAbsentAsync("_delta_log/0.json", Bytes("loser, with other content")));
        Assert.Equal("winner", await ReadText("_delta_log/0.json"));

        await Put("written", "by write");
        Assert.False(await Store.PutIfAbsentAsync("written", Bytes("put")));
        Assert.Equal("by write", await ReadText("written"));
    }

    [Fact]
    public async Task Put_if_absent_from_sixteen_concurrent_writers_has_exactly_one_winner()
    {
        const string key = "_delta_log/00000000000000000007.json";
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Distinct, multi-kilobyte contents so that a mixed or torn object would not equal any writer's.
        var contents = Enumerable.Range(0, 16).Select(i => Bytes($"writer {i:D2} " + new string((char)('a' + i), 4096))).ToArray();
        var writers = contents.Select(content => Task.Run(async () =>
        {
            await start.Task;
            return await Store.PutIfAbsentAsync(key, content);
        })).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(writers);

        Assert.Equal(1, results.Count(won => won));
        var winner = Array.IndexOf(results, true);
        Assert.Equal(contents[winner], await Store.ReadAllAsync(key));
    }

    [Fact]
    public async Task Delete_removes_the_object_once()
    {
        await Put("a/x", "1");
        await Put("a/y", "2");

        Assert.True(await Store.DeleteAsync("a/x"));
        Assert.False(await Store.DeleteAsync("a/x"));
        Assert.Null(await Store.GetInfoAsync("a/x"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadAllAsync("a/x"));
        Assert.Equal(["a/y"], await ListKeys("a/"));
    }

    [Fact]
    public async Task Info_and_listing_report_size_and_modification_time()
    {
        var before = DateTimeOffset.UtcNow;
        await Put("t/info", "twelve bytes");
        var after = DateTimeOffset.UtcNow;

        var info = await Store.GetInfoAsync("t/info");
        Assert.NotNull(info);
        Assert.Equal("t/info", info.Key);
        Assert.Equal(12, info.Size);
        // Stores keep whole seconds (HTTP dates) or file-system ticks: allow that much on either side.
        Assert.InRange(info.LastModified, before.AddSeconds(-2), after.AddSeconds(2));
        Assert.Equal([info], await ListAll("t/"));
    }

    [Fact]
    public async Task Upload_file_stores_its_bytes_and_consumes_the_file()
    {
        await Put("data/part-0.parquet", "old");
        var staging = Store.CreateStagingDirectory();
        try
        {
            var file = Path.Combine(staging, "part-0.parquet");
            var content = RandomBytes(300_000);
            await File.WriteAllBytesAsync(file, content);

            await Store.UploadFileAsync("data/part-0.parquet", file);

            Assert.False(File.Exists(file));
            Assert.Equal(content, await Store.ReadAllAsync("data/part-0.parquet"));
            Assert.Equal(["data/part-0.parquet"], await ListKeys(""));
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    [Fact]
    public async Task Staging_directories_are_new_empty_and_never_listed()
    {
        var first = Store.CreateStagingDirectory();
        var second = Store.CreateStagingDirectory();
        try
        {
            Assert.NotEqual(first, second);
            Assert.Empty(Directory.EnumerateFileSystemEntries(first));
            await File.WriteAllTextAsync(Path.Combine(first, "pending.parquet"), "not yet uploaded");
            Assert.Empty(await ListKeys(""));
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public async Task Local_path_holds_the_object_bytes_and_follows_a_replacement()
    {
        var cache = Path.Combine(Scratch, "cache");
        var content = RandomBytes(70_000);
        await Store.WriteAsync("data/p=1/part.parquet", content);

        var path = await Store.GetLocalPathAsync("data/p=1/part.parquet", cache);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));

        var replaced = RandomBytes(50_000);
        await Store.WriteAsync("data/p=1/part.parquet", replaced);
        var again = await Store.GetLocalPathAsync("data/p=1/part.parquet", cache);
        Assert.Equal(replaced, await File.ReadAllBytesAsync(again));
    }

    [Fact]
    public async Task Open_read_streams_a_large_object()
    {
        var content = RandomBytes(3 * 1024 * 1024 + 17);
        await Store.WriteAsync("big.bin", content);

        await using (var stream = await Store.OpenReadAsync("big.bin"))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }
        Assert.Equal(content.AsSpan(content.Length - 100, 50).ToArray(), await Store.ReadRangeAsync("big.bin", content.Length - 100, 50));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a/../../b")]
    [InlineData("./a")]
    public async Task Hostile_keys_are_rejected_and_nothing_is_written(string key)
    {
        var file = Path.Combine(Scratch, "upload.bin");
        await File.WriteAllTextAsync(file, "payload");
        var cache = Path.Combine(Scratch, "cache");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync(key, Bytes("x")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutIfAbsentAsync(key, Bytes("x")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UploadFileAsync(key, file));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAllAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadRangeAsync(key, 0, 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetInfoAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetLocalPathAsync(key, cache));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListKeys(key + "/"));

        Assert.True(File.Exists(file), "a rejected upload must not consume the file");
        Assert.Empty(await ListKeys(""));
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Keys_with_spaces_percent_unicode_and_equals_round_trip()
    {
        string[] keys =
        [
            "with space/file name.json", "percent/100%.txt", "percent/a%2Fb%20c", "unicode/日本語/été.json",
            "emoji/😀.bin", "part=2024-01-01/country=FR/x=1.parquet", "plus+sign/a&b;c,d.txt",
        ];
        foreach (var key in keys) await Put(key, "value of " + key);

        foreach (var key in keys)
        {
            Assert.Equal("value of " + key, await ReadText(key));
            Assert.NotNull(await Store.GetInfoAsync(key));
        }
        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListKeys(""));
        Assert.Equal(["percent/100%.txt", "percent/a%2Fb%20c"], await ListKeys("percent/"));
        Assert.True(await Store.DeleteAsync("unicode/日本語/été.json"));
        Assert.Empty(await ListKeys("unicode/"));
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    protected Task Put(string key, string text) => Store.WriteAsync(key, Bytes(text));

    protected async Task<string> ReadText(string key) => Encoding.UTF8.GetString(await Store.ReadAllAsync(key));

    protected async Task<List<ObjectInfo>> ListAll(string prefix, string? startAfter = null)
    {
        var result = new List<ObjectInfo>();
        await foreach (var info in Store.ListAsync(prefix, startAfter)) result.Add(info);
        return result;
    }

    protected async Task<List<string>> ListKeys(string prefix, string? startAfter = null)
        => (await ListAll(prefix, startAfter)).Select(o => o.Key).ToList();

    private async Task<string> ReadRangeText(string key, long offset, int length)
        => Encoding.UTF8.GetString(await Store.ReadRangeAsync(key, offset, length));
}
