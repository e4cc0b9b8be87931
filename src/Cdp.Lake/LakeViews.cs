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

    /// <summary>A stored view: its schema, name and SELECT, and the views it selects from (<c>schema.name</c>).</summary>
    public sealed record StoredView(string Schema, string Name, string Sql, IReadOnlyList<string>? DependsOn = null)
    {
        public string Key => Schema + "." + Name;
    }

    private static string Key(string schema, string name) => Prefix + Uri.EscapeDataString(schema + "." + name) + ".json";

    /// <param name="dependsOn">The relations (<c>schema.name</c>) the view selects from, so views are recreated in order.</param>
    public static async Task SaveAsync(IObjectStore lake, string schema, string name, string sql, IReadOnlyList<string>? dependsOn = null,
        CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new StoredView(schema, name, sql, dependsOn));
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
    /// Creates every stored view in the engine, each after the views it selects from. Views stored without their
    /// dependencies are retried until no more succeed; views whose inputs are missing are returned with the engine's
    /// reason instead of failing the session.
    /// </summary>
    public static async Task<IReadOnlyList<(StoredView View, string Reason)>> RegisterAsync(DuckDbEngine engine, IObjectStore lake, CancellationToken cancellationToken = default)
    {
        var pending = InDependencyOrder(await ListAsync(lake, cancellationToken).ConfigureAwait(false));
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

    /// <summary>Views ordered so that each comes after the stored views it depends on (name order otherwise).</summary>
    private static List<StoredView> InDependencyOrder(IReadOnlyList<StoredView> views)
    {
        var byKey = views.GroupBy(v => v.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var ordered = new List<StoredView>(views.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        void Visit(StoredView view)
        {
            // Seen before (or on a cycle, which the retry loop then reports).
            if (!seen.Add(view.Key)) return;
            foreach (var dependency in view.DependsOn ?? [])
            {
                if (byKey.TryGetValue(dependency, out var upstream)) Visit(upstream);
            }
            ordered.Add(view);
        }

        foreach (var view in byKey.Values.OrderBy(v => v.Key, StringComparer.Ordinal)) Visit(view);
        return ordered;
    }
}
