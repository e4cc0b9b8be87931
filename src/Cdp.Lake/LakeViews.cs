using System.Text.Json;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Lake;

/// <summary>
/// View definitions stored in the lake (under <c>_cdp/views/</c>), so that a view model created by one run is
/// visible to every later session over the same lake: <c>cdp sql</c>, the catalog file, the next model run.
/// A view holds SQL only; its rows come from the Delta tables it selects from.
/// </summary>
public static class LakeViews
{
    private const string Prefix = "_cdp/views/";

    /// <summary>A stored view: its schema, name and SELECT.</summary>
    public sealed record StoredView(string Schema, string Name, string Sql);

    private static string Key(string schema, string name) => Prefix + Uri.EscapeDataString(schema + "." + name) + ".json";

    public static async Task SaveAsync(IObjectStore lake, string schema, string name, string sql, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new StoredView(schema, name, sql));
        await lake.WriteAsync(Key(schema, name), json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets a view (when the model became a table, or was removed). Returns whether one was stored.</summary>
    public static Task<bool> DeleteAsync(IObjectStore lake, string schema, string name, CancellationToken cancellationToken = default)
        => lake.DeleteAsync(Key(schema, name), cancellationToken);

    public static async Task<IReadOnlyList<StoredView>> ListAsync(IObjectStore lake, CancellationToken cancellationToken = default)
    {
        var views = new List<StoredView>();
        await foreach (var obj in lake.ListAsync(Prefix, null, cancellationToken).ConfigureAwait(false))
        {
            if (!obj.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
            var bytes = await lake.ReadAllAsync(obj.Key, cancellationToken).ConfigureAwait(false);
            var view = JsonSerializer.Deserialize<StoredView>(bytes);
            if (view is not null) views.Add(view);
        }
        return views;
    }

    /// <summary>
    /// Creates every stored view in the engine. Views may select from each other, so creation repeats until no more
    /// succeed; views whose inputs are missing are returned with the engine's reason instead of failing the session.
    /// </summary>
    public static async Task<IReadOnlyList<(StoredView View, string Reason)>> RegisterAsync(DuckDbEngine engine, IObjectStore lake, CancellationToken cancellationToken = default)
    {
        var pending = (await ListAsync(lake, cancellationToken).ConfigureAwait(false)).ToList();
        var failures = new Dictionary<StoredView, string>();
        while (pending.Count > 0)
        {
            var next = new List<StoredView>();
            foreach (var view in pending)
            {
                try
                {
                    await engine.ExecuteAsync(
                        $"CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(view.Schema)}; CREATE OR REPLACE VIEW {Sql.Qualified(view.Schema, view.Name)} AS {view.Sql}",
                        cancellationToken).ConfigureAwait(false);
                    failures.Remove(view);
                }
                catch (SqlEngineException e)
                {
                    failures[view] = e.Message;
                    next.Add(view);
                }
            }
            if (next.Count == pending.Count) break;
            pending = next;
        }
        return failures.Select(f => (f.Key, f.Value)).ToList();
    }
}
