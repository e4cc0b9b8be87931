using Cdp.Delta;

namespace Cdp.Identity.Resolution;

/// <summary>
/// Where a resolution run reads and writes. The edges relation (the <c>identity_edges</c> model) has the columns
/// left_type, left_value, right_type, right_value, rule, source, record_id, observed_at. The published tables are
/// the person map, the decision on every edge, the merge/split log and the run ledger, all in the silver zone.
/// </summary>
/// <param name="EdgesRelation">SQL relation holding the edges, e.g. <c>silver.identity_edges</c>.</param>
/// <param name="PreviousMapRelation">The published person map as a SQL relation, or null before the first run.</param>
/// <param name="PreviousRunsRelation">The run ledger as a SQL relation, or null before the first run.</param>
/// <param name="Open">Opens a Delta table by its name in the silver zone (for example <c>identity_person_map</c>).</param>
public sealed record IdentityTables(string EdgesRelation, string? PreviousMapRelation, string? PreviousRunsRelation, Func<string, DeltaTable> Open)
{
    public const string PersonMap = "identity_person_map";
    public const string EdgeDecisions = "identity_edge_decisions";
    public const string Changes = "identity_changes";
    public const string Runs = "identity_runs";
}
