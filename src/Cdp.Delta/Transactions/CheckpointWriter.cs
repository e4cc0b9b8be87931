using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Log;

namespace Cdp.Delta.Transactions;

/// <summary>Writes a classic checkpoint of one version, then points <c>_last_checkpoint</c> at it.</summary>
public static class CheckpointWriter
{
    public static async Task WriteAsync(DeltaTable table, long version, CancellationToken cancellationToken = default)
    {
        var snapshot = await table.GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
        var expireBefore = table.Clock.GetUtcNow() - snapshot.DeletedFileRetention;
        var actions = new List<DeltaAction> { snapshot.Protocol, snapshot.Metadata };
        actions.AddRange(snapshot.AppTransactions.Values);
        actions.AddRange(snapshot.Files);
        // Tombstones are kept until they expire, so vacuum of an older reader still sees them.
        actions.AddRange(snapshot.Tombstones.Where(t => t.DeletionTimestamp is null || DateTimeOffset.FromUnixTimeMilliseconds(t.DeletionTimestamp.Value) > expireBefore));
        var key = DeltaTable.LogPrefix + LogFileName.Checkpoint(version);
        await table.Checkpoints.WriteAsync(table.Store, key, actions, snapshot.Schema, cancellationToken).ConfigureAwait(false);

        var hint = new JsonObject { ["version"] = version, ["size"] = actions.Count };
        var current = await table.ReadCheckpointHintAsync(cancellationToken).ConfigureAwait(false);
        if (current is null || current < version)
            await table.Store.WriteAsync(DeltaTable.LogPrefix + LogFileName.LastCheckpoint, System.Text.Encoding.UTF8.GetBytes(hint.ToJsonString()), cancellationToken).ConfigureAwait(false);
    }
}
