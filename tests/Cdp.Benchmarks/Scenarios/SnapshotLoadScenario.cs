using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Log;
using Cdp.Delta.Schema;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Loads the latest snapshot of a table with N commits (one small append each, checkpoints every 10 written by the
/// commit path). The baseline is listing <c>_delta_log</c>, which every load does and so bounds it from below. The
/// same commits in a twin table without checkpoints (delta.checkpointInterval = 1,000,000) time a full JSON replay,
/// which shows what checkpoints buy.
/// </summary>
internal sealed class SnapshotLoadScenario : IScenario
{
    private const string NoCheckpointInterval = "1000000";
    private const int RefreshEvery = 10;

    public string Name => "snapshot-load";

    public string Description => "latest snapshot of an N-commit table (checkpoints every 10) vs listing _delta_log; also full JSON replay";

    public long DefaultSize => 2_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var commits = checked((int)context.Size);
        await using var engine = new DuckDbEngine();
        var checkpoints = new DuckDbCheckpointFormat(engine);

        var withCheckpoints = new DeltaTable(new LocalObjectStore(context.Workspace.NewFolder("checkpointed")), checkpoints);
        var jsonOnly = new DeltaTable(new LocalObjectStore(context.Workspace.NewFolder("json-only")), checkpoints);
        var build = await Timing.TimeAsync(() => BuildAsync(withCheckpoints, commits, cancellationToken)).ConfigureAwait(false);
        Log.Write($"  built {commits} commits in {build.Seconds:F1}s");
        await CopyWithoutCheckpointsAsync(withCheckpoints, jsonOnly, commits, cancellationToken).ConfigureAwait(false);

        var logFiles = 0;
        async Task<Measurement> ListAsync()
        {
            var count = 0;
            var measurement = await Timing.TimeAsync(async () =>
            {
                await foreach (var file in withCheckpoints.Store.ListAsync(LogFileName.LogFolder + "/", null, cancellationToken).ConfigureAwait(false)) count++;
            }).ConfigureAwait(false);
            logFiles = count;
            return measurement;
        }

        async Task<Measurement> LoadAsync(DeltaTable table)
        {
            Snapshot? snapshot = null;
            var measurement = await Timing.TimeAsync(async () => snapshot = await table.GetSnapshotAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                .ConfigureAwait(false);
            if (snapshot!.Version != commits - 1 || snapshot.Files.Count != commits)
                throw new InvalidOperationException($"Snapshot of {table.Location} is version {snapshot.Version} with {snapshot.Files.Count} files; expected {commits - 1} and {commits}.");
            return measurement;
        }

        // Warm-up, not timed.
        await ListAsync().ConfigureAwait(false);
        await LoadAsync(withCheckpoints).ConfigureAwait(false);
        await LoadAsync(jsonOnly).ConfigureAwait(false);
        var hint = await withCheckpoints.Store.ReadAllAsync(LogFileName.LogFolder + "/" + LogFileName.LastCheckpoint, cancellationToken).ConfigureAwait(false);
        var checkpointVersion = JsonNode.Parse(hint)?["version"]?.GetValue<long>();
        var jsonOnlyHasCheckpoint = await jsonOnly.Store.GetInfoAsync(LogFileName.LogFolder + "/" + LogFileName.LastCheckpoint, cancellationToken).ConfigureAwait(false) is not null;
        if (jsonOnlyHasCheckpoint) throw new InvalidOperationException("The JSON-only table has a checkpoint.");

        var samples = new Samples();
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async _ => samples.Add("list", await ListAsync().ConfigureAwait(false)),
            async _ => samples.Add("checkpointed", await LoadAsync(withCheckpoints).ConfigureAwait(false)),
            async _ => samples.Add("json", await LoadAsync(jsonOnly).ConfigureAwait(false))).ConfigureAwait(false);

        var loaded = samples.Median("checkpointed");
        var replay = samples.Median("json");
        Log.Write($"  checkpointed load {loaded.Seconds:F4}s, JSON replay {replay.Seconds:F4}s, listing {samples.Median("list").Seconds:F4}s");
        return new ScenarioResult(loaded, samples.Median("list"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("checkpointed", "list"),
            ["baseline"] = "list _delta_log",
            ["version"] = commits - 1,
            ["files"] = commits,
            ["log_files"] = logFiles,
            ["checkpoint_version"] = checkpointVersion,
            ["json_replay_seconds"] = Stats.Round(replay.Seconds),
            ["json_replay_cpu_seconds"] = Stats.Round(replay.CpuSeconds),
            ["checkpoint_speedup"] = Math.Round(replay.Seconds / loaded.Seconds, 2),
            ["build_seconds"] = Math.Round(build.Seconds, 1),
            ["seconds_all"] = samples.All("checkpointed"),
            ["baseline_all"] = samples.All("list"),
            ["json_replay_all"] = samples.All("json"),
        });
    }

    /// <summary>
    /// Commits <paramref name="commits"/> versions through <see cref="Delta.Transactions.Transaction"/>, each a blind
    /// append of one data file; the commit path writes the checkpoints. The read snapshot is reloaded every 10 commits
    /// only: in between, each commit finds its version taken, checks the winner (a blind append, no conflict) and moves
    /// on, as concurrent appenders do. Reloading before every commit would make the build cost a snapshot load per
    /// commit, several minutes for 2,000 commits on a busy machine.
    /// </summary>
    private static async Task BuildAsync(DeltaTable table, int commits, CancellationToken cancellationToken)
    {
        var schema = SchemaOf(CustomerRows.Columns);
        Snapshot? snapshot = null;
        for (var v = 0; v < commits; v++)
        {
            var txn = table.StartTransaction(snapshot, "WRITE");
            txn.Parameters["mode"] = "Append";
            txn.Parameters["partitionBy"] = "[]";
            if (v == 0)
            {
                txn.UpdateProtocol(Protocol.Default);
                txn.UpdateMetadata(new Metadata(Guid.NewGuid().ToString(), "bench", null, "parquet", new Dictionary<string, string>(),
                    SchemaJson.Print(schema), [], new Dictionary<string, string>(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
            txn.Add(FileOf(v));
            txn.Metrics["numFiles"] = 1;
            txn.Metrics["numOutputRows"] = 2_500;
            var result = await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (result.Version != v) throw new InvalidOperationException($"Commit {v} landed at version {result.Version}.");
            if (v % RefreshEvery == 0) snapshot = await table.GetSnapshotAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The twin: the same commit files, byte for byte, except that version 0 sets delta.checkpointInterval so high that
    /// no checkpoint is due; no checkpoint files are copied. (Building it through the commit path would replay the
    /// whole JSON log before every commit, which is quadratic.)
    /// </summary>
    private static async Task CopyWithoutCheckpointsAsync(DeltaTable from, DeltaTable to, int commits, CancellationToken cancellationToken)
    {
        for (var v = 0L; v < commits; v++)
        {
            var key = LogFileName.LogFolder + "/" + LogFileName.Commit(v);
            var bytes = await from.Store.ReadAllAsync(key, cancellationToken).ConfigureAwait(false);
            if (v == 0)
            {
                var actions = ActionCodec.ParseCommit(bytes, key).Select(a => a is Metadata m
                    ? m with { Configuration = new Dictionary<string, string>(m.Configuration) { ["delta.checkpointInterval"] = NoCheckpointInterval } }
                    : a);
                bytes = ActionCodec.SerializeCommit(actions);
            }
            if (!await to.Store.PutIfAbsentAsync(key, bytes, cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException($"{to.Location} already has {key}.");
        }
    }

    private static StructType SchemaOf(IEnumerable<(string Name, string Type)> columns)
        => new(columns.Select(c => new StructField(c.Name, TypeMapping.FromDuckDb(c.Type, c.Name), Nullable: true)).ToList());

    // A data file entry as DeltaWriter records it, with Spark-style statistics. The file itself is never read here.
    private static AddFile FileOf(int v)
    {
        var first = v * 2_500L;
        var inv = CultureInfo.InvariantCulture;
        var stats = new JsonObject
        {
            ["numRecords"] = 2_500,
            ["minValues"] = new JsonObject
            {
                ["id"] = first,
                ["email"] = "user.10000" + v.ToString(inv) + "@corp.example",
                ["amount"] = 0.01,
                ["price"] = 0.05m,
                ["signup_date"] = "2015-01-01",
                ["last_seen"] = "2024-01-01T00:00:01.000Z",
                ["segment"] = "bronze",
            },
            ["maxValues"] = new JsonObject
            {
                ["id"] = first + 2_499,
                ["email"] = "user.99990" + v.ToString(inv) + "@shop.example.net",
                ["amount"] = 9999.98,
                ["price"] = 99999.97m,
                ["signup_date"] = "2024-12-29",
                ["last_seen"] = "2024-12-31T23:59:58.999Z",
                ["segment"] = "staff",
            },
            ["nullCount"] = new JsonObject
            {
                ["id"] = 0, ["email"] = 25, ["amount"] = 0, ["price"] = 0, ["signup_date"] = 0, ["last_seen"] = 0, ["segment"] = 0,
            },
        };
        return new AddFile($"part-00000-{Guid.NewGuid()}.c000.snappy.parquet", new Dictionary<string, string?>(), 104_857 + v,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DataChange: true, stats.ToJsonString());
    }
}
