using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling.Compilation;

namespace Cdp.Modeling.Execution;

/// <summary>
/// Executes one node on one engine connection: views are created in the engine's catalog and stored in the lake;
/// tables, incremental models and seeds are written as exactly one Delta commit each (commitInfo names the model and
/// the run), then exposed as views over their new snapshot. A failure leaves the previous table version in place.
/// </summary>
internal sealed class Materializer(LakeSession lake, string lakeUri, DuckDbEngine engine, string invocationId, Func<Node, IReadOnlyList<string>> upstreamRelations)
{
    private readonly DeltaWriter _writer = new(engine);

    public async Task<(long? Rows, long? Version, string Message)> ExecuteAsync(Node node, CancellationToken ct)
    {
        switch (node.Materialized)
        {
            case Materializations.View:
                await engine.ExecuteAsync($"CREATE OR REPLACE VIEW {node.RelationName} AS\n{node.CompiledSql}", ct).ConfigureAwait(false);
                await LakeViews.SaveAsync(lake.Store(lakeUri), node.Schema, node.Alias, node.CompiledSql!, upstreamRelations(node), ct).ConfigureAwait(false);
                return (null, null, $"created view {node.RelationName}");
            case Materializations.Table:
                return await WriteTableAsync(node, node.CompiledSql!, "table", ct).ConfigureAwait(false);
            case Materializations.Incremental:
                return await IncrementalAsync(node, ct).ConfigureAwait(false);
            case Materializations.Seed:
                return await WriteTableAsync(node, node.CompiledSql!, "seed", ct).ConfigureAwait(false);
            case Materializations.Ephemeral:
                return (null, null, "ephemeral: inlined into the models that select from it");
            default:
                throw new InvalidOperationException($"Bug: no materialization for '{node.Materialized}'.");
        }
    }

    /// <summary>Runs a test's query; returns the number of failing rows.</summary>
    public async Task<long> CountFailuresAsync(Node test, CancellationToken ct)
    {
        var rows = await engine.QueryAsync<long>($"SELECT count(*) FROM (\n{test.CompiledSql}\n) AS test_result", cancellationToken: ct).ConfigureAwait(false);
        return rows[0];
    }

    private async Task<(long? Rows, long? Version, string Message)> WriteTableAsync(Node node, string sql, string what, CancellationToken ct)
    {
        var table = lake.OpenTable(LakeLayout.TableUri(lakeUri, node));
        var result = await _writer.WriteAsync(table, sql, WriteMode.Overwrite, Options(node, overwriteSchema: true), ct).ConfigureAwait(false);
        await ExposeAsync(node, table, ct).ConfigureAwait(false);
        return (result.RowsWritten, result.Version, $"{what} {node.RelationName}: {result.RowsWritten.ToString("N0", CultureInfo.InvariantCulture)} rows, version {result.Version}");
    }

    private async Task<(long? Rows, long? Version, string Message)> IncrementalAsync(Node node, CancellationToken ct)
    {
        if (!node.IsIncrementalRun) return await WriteTableAsync(node, node.CompiledSql!, "incremental (full build)", ct).ConfigureAwait(false);
        var table = lake.OpenTable(LakeLayout.TableUri(lakeUri, node));
        var strategy = ProjectCompiler.IncrementalStrategy(node);
        var options = Options(node, overwriteSchema: false);
        var result = strategy switch
        {
            "append" => await _writer.WriteAsync(table, node.CompiledSql!, WriteMode.Append, options, ct).ConfigureAwait(false),
            "merge" => await _writer.MergeAsync(table, node.CompiledSql!, ProjectCompiler.UniqueKey(node), options, ct).ConfigureAwait(false),
            "delete+insert" => await _writer.DeleteInsertAsync(table, node.CompiledSql!, ProjectCompiler.UniqueKey(node), options, ct).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"Bug: incremental strategy '{strategy}' passed compilation."),
        };
        await ExposeAsync(node, table, ct).ConfigureAwait(false);
        return (result.RowsWritten, result.Version, $"incremental {strategy} {node.RelationName}: {result.RowsWritten.ToString("N0", CultureInfo.InvariantCulture)} rows, version {result.Version}");
    }

    private WriteOptions Options(Node node, bool overwriteSchema) => new()
    {
        OverwriteSchema = overwriteSchema,
        // on_schema_change: fail refuses new columns; the default (and append_new_columns / sync_all_columns) adds them.
        MergeSchema = node.Config.GetValueOrDefault("on_schema_change") is not "fail",
        PartitionBy = ProjectCompiler.PartitionBy(node),
        TableName = node.Alias,
        CommitInfo = new JsonObject { ["model"] = node.UniqueId, ["invocationId"] = invocationId },
    };

    /// <summary>Points the relation's view (its schema exists: the runner creates every schema first) at the table's new snapshot; forgets a stored view the model may have been before.</summary>
    private async Task ExposeAsync(Node node, DeltaTable table, CancellationToken ct)
    {
        var snapshot = await table.GetSnapshotAsync(null, ct).ConfigureAwait(false);
        await SnapshotScan.CreateViewAsync(engine, table.Store, snapshot, node.RelationName, ct).ConfigureAwait(false);
        await LakeViews.DeleteAsync(lake.Store(lakeUri), node.Schema, node.Alias, ct).ConfigureAwait(false);
    }
}
