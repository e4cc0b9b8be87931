using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Identity.Graph;

namespace Cdp.Identity.Resolution;

/// <summary>
/// The SQL side of a resolution run, as named steps over temporary tables (prefix <c>_cdp_id_</c>), each inspectable:
/// <c>types</c> (the rules), <c>nodes</c> (every (type, value) numbered in (type, value) order, so node numbers are
/// canonical), <c>pairs</c> (one row per distinct node pair: support, first record, priority, numbered in clustering order, see <see cref="IdentifierGraph.ClusteringOrder"/>),
/// <c>blocked</c> (placeholder values, listed or detected), and after clustering <c>assign</c> and <c>decisions</c>.
/// </summary>
internal sealed class ResolutionSteps(DuckDbEngine engine, IdentityRules rules)
{
    private const string Types = "_cdp_id_types";
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
        await engine.ExecuteAsync($"""
            create or replace temp table {Nodes} as
            select (row_number() over (order by t.type_index, v.value) - 1)::INTEGER as node, t.type_index, v.type, v.value
            from (select left_type as type, left_value as value from ({valid}) union select right_type, right_value from ({valid})) v
            join {Types} t on t.name = v.type;

            create or replace temp table {Pairs} as
            with keyed as (
                select least(a.node, b.node) as lo, greatest(a.node, b.node) as hi,
                       struct_pack(at := e.observed_at, record_id := e.record_id, rule := e.rule, source := e.source) as record, e.priority
                from ({valid}) e
                join {Nodes} a on a.type = e.left_type and a.value = e.left_value
                join {Nodes} b on b.type = e.right_type and b.value = e.right_value
                where a.node <> b.node
            ),
            grouped as (
                select lo, hi, count(*)::INTEGER as support, min(record) as first_record, max(record.at) as last_seen_at,
                       bool_or(priority is null) as deterministic, max(priority) as scored_priority
                from keyed group by lo, hi
            ),
            prioritised as (
                select g.*, (case when g.deterministic then least(ta.priority, tb.priority) else g.scored_priority end)::INTEGER as priority,
                       (ta.role = 'soft' or tb.role = 'soft') as soft
                from grouped g
                join {Nodes} a on a.node = g.lo join {Types} ta on ta.type_index = a.type_index
                join {Nodes} b on b.node = g.hi join {Types} tb on tb.type_index = b.type_index
            )
            select (row_number() over (order by g.soft, g.priority desc, g.support desc, g.lo, g.hi) - 1)::INTEGER as edge,
                   g.lo, g.hi, g.priority, g.support,
                   g.first_record.rule as rule, g.first_record.source as source, g.first_record.record_id as record_id,
                   g.first_record.at as first_seen_at, g.last_seen_at
            from prioritised g;
            """, ct).ConfigureAwait(false);
        await PrepareBlockedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Listed placeholders (case-insensitive) and anchors linked to more anchors of one type than <c>max_anchor_links</c>.</summary>
    private async Task PrepareBlockedAsync(CancellationToken ct)
    {
        var listed = rules.Blocklist.Count == 0
            ? "select null::VARCHAR as type, null::VARCHAR as value where false"
            : "select * from (values " + string.Join(", ", rules.Blocklist.Select(b => $"({(b.Type is null ? "null::VARCHAR" : Sql.Literal(b.Type))}, {Sql.Literal(b.Value.ToLowerInvariant())})")) + ") b(type, value)";
        await engine.ExecuteAsync($"""
            create or replace temp table {Blocked} as
            with listed as (
                select n.node, {(int)EdgeDecision.BlockedListed} as decision, 'blocklisted value' as reason
                from {Nodes} n join ({listed}) b on (b.type is null or b.type = n.type) and lower(n.value) = b.value
            ),
            anchor_pairs as (
                select p.lo, p.hi, na.type as lo_type, nb.type as hi_type
                from {Pairs} p
                join {Nodes} na on na.node = p.lo join {Types} ta on ta.type_index = na.type_index and ta.role = 'anchor'
                join {Nodes} nb on nb.node = p.hi join {Types} tb on tb.type_index = nb.type_index and tb.role = 'anchor'
            ),
            degrees as (
                select node, other_type, count(*) as links from (
                    select lo as node, hi_type as other_type from anchor_pairs
                    union all
                    select hi, lo_type from anchor_pairs
                ) group by node, other_type
                having count(*) > {rules.MaxAnchorLinks}
            ),
            detected as (
                select node, {(int)EdgeDecision.BlockedDetected} as decision,
                       'linked to ' || max(links) || ' ' || arg_max(other_type, links) || ' values (identity.max_anchor_links is {rules.MaxAnchorLinks})' as reason
                from degrees group by node
            )
            select node, min(decision)::INTEGER as decision, min(reason) as reason from (select * from listed union all select * from detected) group by node
            """, ct).ConfigureAwait(false);
    }

    public async Task<IdentifierGraph> LoadGraphAsync(CancellationToken ct)
    {
        var nodeCount = await CountAsync(Nodes, ct).ConfigureAwait(false);
        var nodeType = new byte[nodeCount];
        var i = 0;
        await engine.StreamAsync($"select type_index from {Nodes} order by node", r => nodeType[i++] = (byte)r.GetInt32(0), ct).ConfigureAwait(false);

        var edgeCount = await CountAsync(Pairs, ct).ConfigureAwait(false);
        var (left, right, priority, support) = (new int[edgeCount], new int[edgeCount], new int[edgeCount], new int[edgeCount]);
        var e = 0;
        await engine.StreamAsync($"select lo, hi, priority, support from {Pairs} order by edge", r =>
        {
            left[e] = r.GetInt32(0);
            right[e] = r.GetInt32(1);
            priority[e] = r.GetInt32(2);
            support[e] = r.GetInt32(3);
            e++;
        }, ct).ConfigureAwait(false);
        return new IdentifierGraph(rules.Types, nodeType, left, right, priority, support);
    }

    public async Task<EdgeDecision[]> LoadPreBlockedAsync(int edgeCount, CancellationToken ct)
    {
        var decisions = new EdgeDecision[edgeCount];
        await engine.StreamAsync($"""
            select p.edge, min(b.decision) from {Pairs} p join {Blocked} b on b.node = p.lo or b.node = p.hi group by p.edge
            """, r => decisions[r.GetInt32(0)] = (EdgeDecision)r.GetInt32(1), ct).ConfigureAwait(false);
        return decisions;
    }

    public async Task<PreviousRun> LoadPreviousAsync(IdentityTables tables, int nodeCount, CancellationToken ct)
    {
        var person = new long[nodeCount];
        var origin = new long[nodeCount];
        Array.Fill(person, -1L);
        Array.Fill(origin, -1L);
        if (tables.PreviousMapRelation is not { } map) return new PreviousRun(person, origin, 1, 0);

        await engine.StreamAsync($"""
            select n.node, m.person_id, m.origin_person_id from {Nodes} n
            join {map} m on m.identifier_type = n.type and m.identifier_value = n.value
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
        var rows = await engine.QueryAsync($"select node, type, value from {Nodes} where node in ({string.Join(", ", nodes)})", ct).ConfigureAwait(false);
        var byNode = rows.Rows.ToDictionary(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture), r => $"{r[1]} '{r[2]}'");
        var blocked = health.MostBlockedValues.ToDictionary(m => m.Node, m => m.BlockedEdges);
        return string.Join(", ", nodes.Where(byNode.ContainsKey).Select(n => byNode[n] + (blocked.TryGetValue(n, out var b) ? $" ({b} links refused)" : "")));
    }

    public async Task WriteResultsAsync(IdentityTables tables, ResolutionRun run, ClusteringResult clustering, CancellationToken ct)
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
        await engine.ExecuteAsync($"create or replace temp table {Decisions}(edge INTEGER, decision INTEGER, limit_type VARCHAR)", ct).ConfigureAwait(false);
        await engine.AppendAsync(Decisions, run.Edges, [edges, decision, limitType], ct).ConfigureAwait(false);

        var writer = new DeltaWriter(engine);
        var at = Sql.Literal(run.StartedAt.ToString("O", CultureInfo.InvariantCulture)) + "::TIMESTAMPTZ";
        var runId = Sql.Literal(run.RunId);
        var firstSeen = tables.PreviousMapRelation is { } map
            ? $"left join {map} prev on prev.identifier_type = n.type and prev.identifier_value = n.value"
            : "left join (select null::TIMESTAMPTZ as first_seen_at) prev on false";
        var options = new WriteOptions { OverwriteSchema = true, CommitInfo = Commit(run) };
        await writer.WriteAsync(tables.Open(IdentityTables.EdgeDecisions), $"""
            select p.edge, a.type as left_type, a.value as left_value, b.type as right_type, b.value as right_value,
                   {DecisionName("d.decision")} as decision,
                   case d.decision
                       when {(int)EdgeDecision.BlockedSoft} then 'soft identifier: a ' || (case when ta.role = 'soft' then a.type else b.type end) || ' never merges two people on its own'
                       when {(int)EdgeDecision.BlockedLimit} then 'limit: at most ' || lt.max_per_person || ' ' || d.limit_type || ' per person'
                       when {(int)EdgeDecision.BlockedListed} then coalesce(ba.reason, bb.reason) || ': ' || (case when ba.node is not null then a.value else b.value end)
                       when {(int)EdgeDecision.BlockedDetected} then 'placeholder: ' || (case when ba.node is not null then a.type || ' ' || a.value || ' ' || ba.reason else b.type || ' ' || b.value || ' ' || bb.reason end)
                   end as reason,
                   p.priority, p.support, p.rule, p.source, p.record_id, p.first_seen_at, p.last_seen_at, {runId} as run_id
            from {Pairs} p
            join {Decisions} d on d.edge = p.edge
            join {Nodes} a on a.node = p.lo join {Types} ta on ta.type_index = a.type_index
            join {Nodes} b on b.node = p.hi
            left join {Blocked} ba on ba.node = p.lo left join {Blocked} bb on bb.node = p.hi
            left join ({LimitsRelation()}) lt on lt.name = d.limit_type
            """, WriteMode.Overwrite, options, ct).ConfigureAwait(false);

        await WriteChangesAsync(tables, run, writer, ct).ConfigureAwait(false);

        await writer.WriteAsync(tables.Open(IdentityTables.PersonMap), $"""
            select s.person_id, n.type as identifier_type, n.value as identifier_value, s.origin_person_id,
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
                   {DecisionName("d.decision")} as cause_decision,
                   case when c.cause_edge < 0 then 'no edge links them any more (a linking record was removed or changed)'
                        else a.type || ' ' || a.value || ' - ' || b.type || ' ' || b.value end as cause,
                   p.rule as cause_rule, p.source as cause_source, p.record_id as cause_record_id
            from {Changes} c
            left join {Pairs} p on p.edge = c.cause_edge
            left join {Decisions} d on d.edge = c.cause_edge
            left join {Nodes} a on a.node = p.lo left join {Nodes} b on b.node = p.hi
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
        foreach (var table in new[] { Types, Nodes, Pairs, Blocked, Assign, Decisions, Changes, "_cdp_id_scored_edges" })
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

/// <summary>The previous run's person and origin per node of this run (-1 where the identifier is new).</summary>
internal sealed record PreviousRun(long[] Person, long[] Origin, long NextPersonId, int Persons);
