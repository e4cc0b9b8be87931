using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Identity.Graph;

namespace Cdp.Identity.Resolution;

/// <summary>
/// The SQL side of a resolution run, as named steps over temporary tables (prefix <c>_cdp_id_</c>), each inspectable:
/// <c>types</c> (the rules), <c>edges</c> (the valid edge rows with type numbers, dropped once paired), <c>nodes</c>
/// (every (type, value) numbered in (type, value) order, so node numbers are canonical), <c>pairs</c> (one row per
/// distinct node pair: support, first record, the ends' types and values so the decisions need no join back to the
/// nodes; numbered in no particular order), <c>blocked</c> (placeholder values,
/// listed, then detected ones added from the loaded graph), and after clustering <c>assign</c> and <c>decisions</c>
/// (per edge in clustering order, see <see cref="IdentifierGraph.ClusteringOrder"/>: its pair, decision and priority).
/// Edge priorities and the clustering order are computed in C# on the loaded arrays rather than by a global sort in SQL.
/// </summary>
internal sealed class ResolutionSteps(DuckDbEngine engine, IdentityRules rules)
{
    private const string Types = "_cdp_id_types";
    private const string Edges = "_cdp_id_edges";
    private const string Nodes = "_cdp_id_nodes";
    private const string Pairs = "_cdp_id_pairs";
    private const string Blocked = "_cdp_id_blocked";
    private const string Assign = "_cdp_id_assign";
    private const string Decisions = "_cdp_id_decisions";
    private const string Changes = "_cdp_id_changes";

    /// <param name="scoredEdges">Edges found by probabilistic matching (same columns plus <c>priority</c>), or null.</param>
    public async Task PrepareAsync(string edges, string? scoredEdges, CancellationToken ct)
    {
        var types = string.Join(", ", rules.Types.Select((t, i) =>
            $"({i}, {Sql.Literal(t.Name)}, {Sql.Literal(t.Role.ToString().ToLowerInvariant())}, {t.Priority})"));
        await engine.ExecuteAsync($"""
            create or replace temp table {Types}(type_index INTEGER, name VARCHAR, role VARCHAR, priority INTEGER);
            insert into {Types} values {types};
            """, ct).ConfigureAwait(false);

        var unknown = await engine.QueryAsync($"""
            select distinct t from (select left_type as t from {edges} union all select right_type from {edges})
            where t is not null and t not in (select name from {Types}) order by t limit 20
            """, ct).ConfigureAwait(false);
        if (unknown.Rows.Count > 0)
        {
            throw new IdentityException(
                $"{edges} has identifier type(s) {string.Join(", ", unknown.Rows.Select(r => $"'{r[0]}'"))} that identity.types in cdp.yml does not declare; " +
                $"declared: {string.Join(", ", rules.Types.Select(t => t.Name))}");
        }

        // Deterministic edges take their priority from their types; scored ones carry the priority of their matching rule.
        var valid = $"""
            select * from (
                select left_type, left_value, right_type, right_value, rule, source, record_id, observed_at, null::INTEGER as priority from {edges}
                {(scoredEdges is null ? "" : $"union all select left_type, left_value, right_type, right_value, rule, source, record_id, observed_at, priority from {scoredEdges}")}
            )
            where left_type is not null and right_type is not null and left_value is not null and right_value is not null
              and left_value <> '' and right_value <> ''
            """;
        // Edge ends are numbered once, in (type, value) order so that node numbers are canonical; everything after
        // the join to node numbers works on integers, and the record columns only travel through the aggregation.
        await engine.ExecuteAsync($"""
            create or replace temp table {Edges} as
            select ta.type_index as left_index, e.left_value, tb.type_index as right_index, e.right_value,
                   e.rule, e.source, e.record_id, e.observed_at, e.priority
            from ({valid}) e join {Types} ta on ta.name = e.left_type join {Types} tb on tb.name = e.right_type;

            create or replace temp table {Nodes} as
            select (row_number() over (order by type_index, value) - 1)::INTEGER as node, type_index, value
            from (select left_index as type_index, left_value as value from {Edges} union select right_index, right_value from {Edges});

            create or replace temp table {Pairs} as
            with keyed as (
                select least(a.node, b.node) as lo, greatest(a.node, b.node) as hi,
                       struct_pack(at := e.observed_at, record_id := e.record_id, rule := e.rule, source := e.source) as record, e.priority,
                       case when a.node < b.node then a.type_index else b.type_index end as lo_index,
                       case when a.node < b.node then a.value else b.value end as lo_value,
                       case when a.node < b.node then b.type_index else a.type_index end as hi_index,
                       case when a.node < b.node then b.value else a.value end as hi_value
                from {Edges} e
                join {Nodes} a on a.type_index = e.left_index and a.value = e.left_value
                join {Nodes} b on b.type_index = e.right_index and b.value = e.right_value
                where a.node <> b.node
            ),
            grouped as (
                select lo, hi, count(*)::INTEGER as support, min(record) as first_record, max(record.at) as last_seen_at,
                       bool_or(priority is null) as deterministic, max(priority)::INTEGER as scored_priority,
                       any_value(lo_index) as lo_index, any_value(lo_value) as lo_value, any_value(hi_index) as hi_index, any_value(hi_value) as hi_value
                from keyed group by lo, hi
            )
            select (row_number() over () - 1)::INTEGER as pair, lo, hi, support, deterministic, scored_priority,
                   first_record.rule as rule, first_record.source as source, first_record.record_id as record_id,
                   first_record.at as first_seen_at, last_seen_at, lo_index, lo_value, hi_index, hi_value
            from grouped;

            drop table {Edges};
            """, ct).ConfigureAwait(false);
        await PrepareListedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Nodes whose value is on the blocklist (case-insensitive); values detected as placeholders are added when the graph is loaded.</summary>
    private async Task PrepareListedAsync(CancellationToken ct)
    {
        var listed = rules.Blocklist.Count == 0
            ? "select null::VARCHAR as type, null::VARCHAR as value where false"
            : "select * from (values " + string.Join(", ", rules.Blocklist.Select(b => $"({(b.Type is null ? "null::VARCHAR" : Sql.Literal(b.Type))}, {Sql.Literal(b.Value.ToLowerInvariant())})")) + ") b(type, value)";
        await engine.ExecuteAsync($"""
            create or replace temp table {Blocked} as
            select distinct n.node, {(int)EdgeDecision.BlockedListed} as decision, 'blocklisted value' as reason
            from {Nodes} n join {Types} t on t.type_index = n.type_index
            join ({listed}) b on (b.type is null or b.type = t.name) and lower(n.value) = b.value
            """, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The graph in clustering order (edge <c>e</c> is the <c>e</c>-th edge considered, the <c>edge</c> column of the
    /// decisions), the pair row each edge came from, and the edges refused before clustering (placeholder ends).
    /// </summary>
    public async Task<LoadedGraph> LoadGraphAsync(CancellationToken ct)
    {
        var nodeCount = await CountAsync(Nodes, ct).ConfigureAwait(false);
        var nodeType = new byte[nodeCount];
        await engine.StreamAsync($"select node, type_index from {Nodes}", r => nodeType[r.GetInt32(0)] = (byte)r.GetInt32(1), ct).ConfigureAwait(false);

        var pairCount = await CountAsync(Pairs, ct).ConfigureAwait(false);
        var (left, right, priority, support) = (new int[pairCount], new int[pairCount], new int[pairCount], new int[pairCount]);
        await engine.StreamAsync($"select pair, lo, hi, support, deterministic, scored_priority from {Pairs}", r =>
        {
            var p = r.GetInt32(0);
            left[p] = r.GetInt32(1);
            right[p] = r.GetInt32(2);
            support[p] = r.GetInt32(3);
            // Deterministic edges are as strong as their weaker end's type; scored ones carry their matching rule's priority.
            priority[p] = r.GetBoolean(4)
                ? Math.Min(rules.Types[nodeType[left[p]]].Priority, rules.Types[nodeType[right[p]]].Priority)
                : r.GetInt32(5);
        }, ct).ConfigureAwait(false);
        var byPair = new IdentifierGraph(rules.Types, nodeType, left, right, priority, support);
        var pairOfEdge = byPair.ClusteringOrder();
        var graph = byPair.Reordered(pairOfEdge);
        var preBlocked = await PreBlockedAsync(graph, ct).ConfigureAwait(false);
        return new LoadedGraph(graph, pairOfEdge, preBlocked);
    }

    /// <summary>Adds the detected placeholders to the blocked nodes, and refuses every edge with a blocked end (listed before detected).</summary>
    private async Task<EdgeDecision[]> PreBlockedAsync(IdentifierGraph graph, CancellationToken ct)
    {
        var blockedAs = new EdgeDecision?[graph.NodeCount];
        await engine.StreamAsync($"select node from {Blocked}", r => blockedAs[r.GetInt32(0)] = EdgeDecision.BlockedListed, ct).ConfigureAwait(false);
        var detected = PlaceholderDetection.Detect(graph, rules.MaxAnchorLinks).Where(d => blockedAs[d.Node] is null).ToList();
        foreach (var d in detected) blockedAs[d.Node] = EdgeDecision.BlockedDetected;
        if (detected.Count > 0)
        {
            var reasons = detected.Select(d => (string?)$"linked to {d.Links} {rules.Types[d.OtherType].Name} values (identity.max_anchor_links is {rules.MaxAnchorLinks})").ToArray();
            await engine.AppendAsync(Blocked, detected.Count, [detected.Select(d => d.Node).ToArray(), detected.Select(_ => (int)EdgeDecision.BlockedDetected).ToArray(), reasons], ct).ConfigureAwait(false);
        }

        var decisions = new EdgeDecision[graph.EdgeCount];
        for (var e = 0; e < decisions.Length; e++)
        {
            if (Stronger(blockedAs[graph.Left[e]], blockedAs[graph.Right[e]]) is { } d) decisions[e] = d;
        }
        return decisions;
    }

    private static EdgeDecision? Stronger(EdgeDecision? a, EdgeDecision? b) => a is { } x && b is { } y ? (x < y ? x : y) : a ?? b;

    public async Task<PreviousRun> LoadPreviousAsync(IdentityTables tables, int nodeCount, CancellationToken ct)
    {
        var person = new long[nodeCount];
        var origin = new long[nodeCount];
        Array.Fill(person, -1L);
        Array.Fill(origin, -1L);
        if (tables.PreviousMapRelation is not { } map) return new PreviousRun(person, origin, 1, 0);

        await engine.StreamAsync($"""
            select n.node, m.person_id, m.origin_person_id from {Nodes} n join {Types} t on t.type_index = n.type_index
            join {map} m on m.identifier_type = t.name and m.identifier_value = n.value
            """, r =>
        {
            var node = r.GetInt32(0);
            person[node] = r.GetInt64(1);
            origin[node] = r.IsDBNull(2) ? -1 : r.GetInt64(2);
        }, ct).ConfigureAwait(false);
        var stats = await engine.QueryAsync($"select count(distinct person_id), max(greatest(person_id, coalesce(origin_person_id, 0))) from {map}", ct).ConfigureAwait(false);
        var persons = Convert.ToInt32(stats.Rows[0][0], CultureInfo.InvariantCulture);
        var next = (stats.Rows[0][1] is null ? 0 : Convert.ToInt64(stats.Rows[0][1], CultureInfo.InvariantCulture)) + 1;
        if (tables.PreviousRunsRelation is { } runs)
        {
            // The ledger remembers the high-water mark, so an id retired and no longer in the map is never reissued.
            var mark = await engine.QueryAsync($"select max(next_person_id) from {runs} where status = 'published'", ct).ConfigureAwait(false);
            if (mark.Rows[0][0] is { } m) next = Math.Max(next, Convert.ToInt64(m, CultureInfo.InvariantCulture));
        }
        return new PreviousRun(person, origin, next, persons);
    }

    /// <summary>The violations as text naming the offending identifier values.</summary>
    public async Task<IReadOnlyList<string>> DescribeViolationsAsync(HealthReport health, CancellationToken ct)
    {
        var lines = new List<string>();
        foreach (var v in health.Violations)
        {
            var names = await DescribeNodesAsync(v.OffendingNodes, health, ct).ConfigureAwait(false);
            lines.Add($"{v.Metric}: {v.Explanation}" + (names.Length > 0 ? $"; offending: {names}" : ""));
        }
        return lines;
    }

    private async Task<string> DescribeNodesAsync(IReadOnlyList<int> nodes, HealthReport health, CancellationToken ct)
    {
        if (nodes.Count == 0) return "";
        var rows = await engine.QueryAsync($"select n.node, t.name, n.value from {Nodes} n join {Types} t on t.type_index = n.type_index where n.node in ({string.Join(", ", nodes)})", ct).ConfigureAwait(false);
        var byNode = rows.Rows.ToDictionary(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture), r => $"{r[1]} '{r[2]}'");
        var blocked = health.MostBlockedValues.ToDictionary(m => m.Node, m => m.BlockedEdges);
        return string.Join(", ", nodes.Where(byNode.ContainsKey).Select(n => byNode[n] + (blocked.TryGetValue(n, out var b) ? $" ({b} links refused)" : "")));
    }

    public async Task WriteResultsAsync(IdentityTables tables, ResolutionRun run, ClusteringResult clustering, LoadedGraph loaded, CancellationToken ct)
    {
        var n = run.Identifiers;
        var person = new long[n];
        var origin = new long[n];
        var node = new int[n];
        for (var i = 0; i < n; i++)
        {
            node[i] = i;
            person[i] = run.Ids.PersonOfCluster[clustering.ClusterOf[i]];
            origin[i] = person[i] < 0 ? -1 : run.Ids.OriginOfNode[i];
        }
        await engine.ExecuteAsync($"create or replace temp table {Assign}(node INTEGER, person_id BIGINT, origin_person_id BIGINT)", ct).ConfigureAwait(false);
        await engine.AppendAsync(Assign, n, [node, person, origin], ct).ConfigureAwait(false);

        var edges = new int[run.Edges];
        var decision = new int[run.Edges];
        var limitType = new string?[run.Edges];
        for (var e = 0; e < run.Edges; e++)
        {
            edges[e] = e;
            decision[e] = (int)clustering.Decisions[e];
            limitType[e] = clustering.Decisions[e] == EdgeDecision.BlockedLimit ? rules.Types[clustering.LimitType[e]].Name : null;
        }
        await engine.ExecuteAsync($"create or replace temp table {Decisions}(pair INTEGER, edge INTEGER, decision INTEGER, limit_type VARCHAR, priority INTEGER)", ct).ConfigureAwait(false);
        await engine.AppendAsync(Decisions, run.Edges, [loaded.PairOfEdge, edges, decision, limitType, loaded.Graph.Priority], ct).ConfigureAwait(false);

        var writer = new DeltaWriter(engine);
        var at = Sql.Literal(run.StartedAt.ToString("O", CultureInfo.InvariantCulture)) + "::TIMESTAMPTZ";
        var runId = Sql.Literal(run.RunId);
        var firstSeen = tables.PreviousMapRelation is { } map
            ? $"left join {map} prev on prev.identifier_type = t.name and prev.identifier_value = n.value"
            : "left join (select null::TIMESTAMPTZ as first_seen_at) prev on false";
        var options = new WriteOptions { OverwriteSchema = true, CommitInfo = Commit(run) };
        await writer.WriteAsync(tables.Open(IdentityTables.EdgeDecisions), $"""
            select d.edge, ta.name as left_type, p.lo_value as left_value, tb.name as right_type, p.hi_value as right_value,
                   {DecisionName("d.decision")} as decision,
                   case d.decision
                       when {(int)EdgeDecision.BlockedSoft} then 'soft identifier: a ' || (case when ta.role = 'soft' then ta.name else tb.name end) || ' never merges two people on its own'
                       when {(int)EdgeDecision.BlockedLimit} then 'limit: at most ' || lt.max_per_person || ' ' || d.limit_type || ' per person'
                       when {(int)EdgeDecision.BlockedListed} then coalesce(ba.reason, bb.reason) || ': ' || (case when ba.node is not null then p.lo_value else p.hi_value end)
                       when {(int)EdgeDecision.BlockedDetected} then 'placeholder: ' || (case when ba.node is not null then ta.name || ' ' || p.lo_value || ' ' || ba.reason else tb.name || ' ' || p.hi_value || ' ' || bb.reason end)
                   end as reason,
                   d.priority, p.support, p.rule, p.source, p.record_id, p.first_seen_at, p.last_seen_at, {runId} as run_id
            from {Decisions} d
            join {Pairs} p on p.pair = d.pair
            join {Types} ta on ta.type_index = p.lo_index join {Types} tb on tb.type_index = p.hi_index
            left join {Blocked} ba on ba.node = p.lo left join {Blocked} bb on bb.node = p.hi
            left join ({LimitsRelation()}) lt on lt.name = d.limit_type
            """, WriteMode.Overwrite, options, ct).ConfigureAwait(false);

        await WriteChangesAsync(tables, run, writer, ct).ConfigureAwait(false);

        await writer.WriteAsync(tables.Open(IdentityTables.PersonMap), $"""
            select s.person_id, t.name as identifier_type, n.value as identifier_value, s.origin_person_id,
                   t.role = 'soft' as is_soft, t.role as identifier_role,
                   coalesce(prev.first_seen_at, {at}) as first_seen_at, {at} as updated_at, {runId} as run_id
            from {Assign} s join {Nodes} n on n.node = s.node join {Types} t on t.type_index = n.type_index
            {firstSeen}
            where s.person_id >= 0
            order by n.node
            """, WriteMode.Overwrite, options, ct).ConfigureAwait(false);
    }

    private async Task WriteChangesAsync(IdentityTables tables, ResolutionRun run, DeltaWriter writer, CancellationToken ct)
    {
        var count = run.Changes.Count;
        var kind = run.Changes.Select(c => (string?)c.Kind.ToString().ToLowerInvariant()).ToArray();
        var personId = run.Changes.Select(c => c.PersonId).ToArray();
        var other = run.Changes.Select(c => c.OtherPersonId).ToArray();
        var moved = run.Changes.Select(c => c.IdentifiersMoved).ToArray();
        var cause = run.Changes.Select(c => c.CauseEdge).ToArray();
        await engine.ExecuteAsync($"create or replace temp table {Changes}(kind VARCHAR, person_id BIGINT, other_person_id BIGINT, identifiers_moved INTEGER, cause_edge INTEGER)", ct).ConfigureAwait(false);
        await engine.AppendAsync(Changes, count, [kind, personId, other, moved, cause], ct).ConfigureAwait(false);
        var at = Sql.Literal(run.StartedAt.ToString("O", CultureInfo.InvariantCulture)) + "::TIMESTAMPTZ";
        await writer.WriteAsync(tables.Open(IdentityTables.Changes), $"""
            select {Sql.Literal(run.RunId)} as run_id, {at} as changed_at, c.kind, c.person_id, c.other_person_id, c.identifiers_moved,
                   {DecisionName("p.decision")} as cause_decision,
                   case when c.cause_edge < 0 then 'no edge links them any more (a linking record was removed or changed)'
                        else p.lo_type || ' ' || p.lo_value || ' - ' || p.hi_type || ' ' || p.hi_value end as cause,
                   p.rule as cause_rule, p.source as cause_source, p.record_id as cause_record_id
            from {Changes} c
            left join (
                select d.edge, d.decision, p.rule, p.source, p.record_id, ta.name as lo_type, p.lo_value, tb.name as hi_type, p.hi_value
                from {Decisions} d join {Pairs} p on p.pair = d.pair
                join {Types} ta on ta.type_index = p.lo_index join {Types} tb on tb.type_index = p.hi_index
                where d.edge in (select cause_edge from {Changes})
            ) p on p.edge = c.cause_edge
            """, WriteMode.Append, new WriteOptions { CommitInfo = Commit(run) }, ct).ConfigureAwait(false);
    }

    public async Task WriteRunAsync(IdentityTables tables, ResolutionRun run, string status, IReadOnlyList<string> violations, CancellationToken ct)
    {
        var h = run.Health;
        var report = JsonSerializer.Serialize(new
        {
            anchors_per_person = h.AnchorsPerPerson,
            edges_by_types = h.EdgesByTypes,
            edges = h.EdgesByDecision.ToDictionary(kv => EdgeDecisionNames.Label(kv.Key), kv => kv.Value),
            violations,
        });
        var sql = $"""
            select {Sql.Literal(run.RunId)} as run_id, {Sql.Literal(run.StartedAt.ToString("O", CultureInfo.InvariantCulture))}::TIMESTAMPTZ as started_at,
                   now() as finished_at, {Sql.Literal(status)} as status, {run.Identifiers}::BIGINT as identifiers, {run.Edges}::BIGINT as edges,
                   {h.Persons}::BIGINT as persons, {run.NewPersons}::BIGINT as new_persons, {run.KeptPersons}::BIGINT as kept_persons,
                   {run.RestoredPersons}::BIGINT as restored_persons, {h.Merges}::BIGINT as merges, {h.Splits}::BIGINT as splits,
                   {h.LargestClusterAnchors}::BIGINT as largest_person_anchors, {h.LargestClusterNodes}::BIGINT as largest_person_identifiers,
                   {BlockedEdges(h)}::BIGINT as blocked_edges, {run.Ids.NextPersonId}::BIGINT as next_person_id, {Sql.Literal(report)} as report
            """;
        await new DeltaWriter(engine).WriteAsync(tables.Open(IdentityTables.Runs), sql, WriteMode.Append, new WriteOptions { CommitInfo = Commit(run) }, ct).ConfigureAwait(false);
    }

    public async Task CleanUpAsync()
    {
        foreach (var table in new[] { Types, Edges, Nodes, Pairs, Blocked, Assign, Decisions, Changes, "_cdp_id_scored_edges" })
            await engine.ExecuteAsync($"drop table if exists {table}").ConfigureAwait(false);
    }

    private static long BlockedEdges(HealthReport h) => h.EdgesByDecision.Where(kv => kv.Key is not (EdgeDecision.Merged or EdgeDecision.Redundant)).Sum(kv => (long)kv.Value);

    private string LimitsRelation()
        => "select * from (values " + string.Join(", ", rules.Types.Select(t => $"({Sql.Literal(t.Name)}, {(t.MaxPerPerson is { } m ? m.ToString(CultureInfo.InvariantCulture) : "null")})")) + ") l(name, max_per_person)";

    private static string DecisionName(string column)
        => "case " + column + " " + string.Join(" ", Enum.GetValues<EdgeDecision>().Select(d => $"when {(int)d} then '{EdgeDecisionNames.Label(d)}'")) + " end";

    private static JsonObject Commit(ResolutionRun run) => new() { ["cdpJob"] = "identity resolve", ["runId"] = run.RunId };

    private async Task<int> CountAsync(string table, CancellationToken ct)
    {
        var result = await engine.QueryAsync($"select count(*) from {table}", ct).ConfigureAwait(false);
        return Convert.ToInt32(result.Rows[0][0], CultureInfo.InvariantCulture);
    }
}

/// <summary>The graph in clustering order, the pair row of each edge, and the edges refused before clustering.</summary>
internal sealed record LoadedGraph(IdentifierGraph Graph, int[] PairOfEdge, EdgeDecision[] PreBlocked);

/// <summary>The previous run's person and origin per node of this run (-1 where the identifier is new).</summary>
internal sealed record PreviousRun(long[] Person, long[] Origin, long NextPersonId, int Persons);
