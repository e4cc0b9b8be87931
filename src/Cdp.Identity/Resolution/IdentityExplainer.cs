using System.Globalization;
using Cdp.Engine;

namespace Cdp.Identity.Resolution;

/// <summary>An identifier as stored in the person map.</summary>
public sealed record IdentifierRef(string Type, string Value)
{
    public override string ToString() => $"{Type}:{Value}";
}

/// <summary>One edge of an explanation path, with the rule and the source record that asserted it.</summary>
public sealed record ExplainedEdge(IdentifierRef From, IdentifierRef To, string Decision, string? Reason, string? Rule, string? Source, string? RecordId, int Support);

/// <summary>
/// Why identifiers belong to a person: the person, all their identifiers, and between two identifiers either the
/// shortest path of accepted edges (same person) or the refused edges between their persons (different persons).
/// </summary>
public sealed record Explanation(
    IdentifierRef Identifier,
    long PersonId,
    IReadOnlyList<(IdentifierRef Identifier, long OriginPersonId)> Identifiers,
    IdentifierRef? Other,
    long? OtherPersonId,
    IReadOnlyList<ExplainedEdge> Path,
    IReadOnlyList<ExplainedEdge> RefusedBetween);

/// <summary>Answers <c>cdp identity explain</c> from the published person map and edge decisions.</summary>
public sealed class IdentityExplainer(DuckDbEngine engine, string personMap, string edgeDecisions, string? defaultPhoneRegion)
{
    private readonly IdentifierLookup _lookup = new(engine, personMap, defaultPhoneRegion);

    /// <param name="identifier"><c>type:value</c>, or a bare value looked up under every type (in its raw and normalised forms).</param>
    public async Task<Explanation> ExplainAsync(string identifier, string? other, CancellationToken ct = default)
    {
        var (id, person) = await _lookup.FindAsync(identifier, ct).ConfigureAwait(false);
        var identifiers = await engine.QueryAsync($"""
            select identifier_type, identifier_value, origin_person_id from {personMap}
            where person_id = {person} order by identifier_role, identifier_type, identifier_value
            """, ct).ConfigureAwait(false);
        var list = identifiers.Rows.Select(r => (new IdentifierRef((string)r[0]!, (string)r[1]!), Convert.ToInt64(r[2], CultureInfo.InvariantCulture))).ToList();
        if (other is null) return new Explanation(id, person, list, null, null, [], []);

        var (otherId, otherPerson) = await _lookup.FindAsync(other, ct).ConfigureAwait(false);
        if (otherPerson == person)
        {
            var edges = await EdgesAsync($"""
                e.decision in ('merged', 'redundant')
                and exists (select 1 from {personMap} m where m.person_id = {person} and m.identifier_type = e.left_type and m.identifier_value = e.left_value)
                """, ct).ConfigureAwait(false);
            return new Explanation(id, person, list, otherId, otherPerson, ShortestPath(edges, id, otherId), []);
        }
        var refused = await EdgesAsync($"""
            e.decision like 'blocked%' and exists (
                select 1 from {personMap} a, {personMap} b
                where ((a.identifier_type = e.left_type and a.identifier_value = e.left_value and b.identifier_type = e.right_type and b.identifier_value = e.right_value)
                    or (b.identifier_type = e.left_type and b.identifier_value = e.left_value and a.identifier_type = e.right_type and a.identifier_value = e.right_value))
                  and a.person_id = {person} and b.person_id = {otherPerson})
            """, ct).ConfigureAwait(false);
        return new Explanation(id, person, list, otherId, otherPerson, [], refused);
    }

    private async Task<List<ExplainedEdge>> EdgesAsync(string where, CancellationToken ct)
    {
        var rows = await engine.QueryAsync($"""
            select e.left_type, e.left_value, e.right_type, e.right_value, e.decision, e.reason, e.rule, e.source, e.record_id, e.support
            from {edgeDecisions} e where {where} order by e.edge
            """, ct).ConfigureAwait(false);
        return rows.Rows.Select(r => new ExplainedEdge(
            new IdentifierRef((string)r[0]!, (string)r[1]!), new IdentifierRef((string)r[2]!, (string)r[3]!),
            (string)r[4]!, r[5] as string, r[6] as string, r[7] as string, r[8]?.ToString(), Convert.ToInt32(r[9], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Breadth-first search over the person's accepted edges; edges are tried in clustering order (strongest first).</summary>
    internal static IReadOnlyList<ExplainedEdge> ShortestPath(IReadOnlyList<ExplainedEdge> edges, IdentifierRef from, IdentifierRef to)
    {
        var adjacent = new Dictionary<IdentifierRef, List<(IdentifierRef Next, ExplainedEdge Edge)>>();
        foreach (var e in edges)
        {
            (adjacent.TryGetValue(e.From, out var a) ? a : adjacent[e.From] = []).Add((e.To, e));
            (adjacent.TryGetValue(e.To, out var b) ? b : adjacent[e.To] = []).Add((e.From, e));
        }
        var cameBy = new Dictionary<IdentifierRef, (IdentifierRef Previous, ExplainedEdge Edge)>();
        var queue = new Queue<IdentifierRef>([from]);
        var seen = new HashSet<IdentifierRef> { from };
        while (queue.Count > 0 && !seen.Contains(to))
        {
            var node = queue.Dequeue();
            foreach (var (next, edge) in adjacent.GetValueOrDefault(node) ?? [])
            {
                if (!seen.Add(next)) continue;
                cameBy[next] = (node, edge);
                queue.Enqueue(next);
            }
        }
        if (!cameBy.ContainsKey(to)) return [];
        var path = new List<ExplainedEdge>();
        for (var node = to; node != from; node = cameBy[node].Previous)
        {
            var (previous, edge) = cameBy[node];
            path.Add(edge.From == previous ? edge : edge with { From = edge.To, To = edge.From });
        }
        path.Reverse();
        return path;
    }
}
