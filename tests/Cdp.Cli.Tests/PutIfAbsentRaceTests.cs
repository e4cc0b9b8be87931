using System.Text;
using Cdp.Cli.Tests.Support;
using Cdp.Storage;

namespace Cdp.Cli.Tests;

/// <summary>
/// The commit primitive under the concurrent appends: put-if-absent on local disk lets exactly one writer create each
/// name, and the file holds that writer's bytes. (File.Move without overwrite does not: it checks, then renames.)
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PutIfAbsentRaceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Racing_writers_each_key_is_won_exactly_once_and_keeps_the_winners_bytes()
    {
        const int writers = 8;
        const int keys = 1000;
        var winners = new int[keys];
        using var start = new Barrier(writers);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(async () =>
        {
            var store = new LocalObjectStore(_dir.Root);
            start.SignalAndWait();
            for (var k = 0; k < keys; k++)
            {
                if (await store.PutIfAbsentAsync($"_delta_log/{k:D20}.json", Encoding.UTF8.GetBytes($"writer {w}\n")))
                    Interlocked.Add(ref winners[k], 1 + (w << 8)); // the count in the low byte, the writer above it
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
        await Task.WhenAll(tasks);

        for (var k = 0; k < keys; k++)
        {
            Assert.True((winners[k] & 0xFF) == 1, $"key {k} was won {winners[k] & 0xFF} times");
            var content = await File.ReadAllTextAsync(Path.Combine(_dir.Root, "_delta_log", $"{k:D20}.json"));
            Assert.Equal($"writer {winners[k] >> 8}\n", content);
        }
        Assert.Equal(keys, TableState.Files(_dir.Root).Count); // no temp file left behind
    }
}
