namespace Cdp.Activation.Planning;

/// <summary>
/// One (destination, audience) pair to plan. The membership is any SQL relation with <c>person_id BIGINT</c> (one row
/// per person), the <paramref name="ExportColumns"/>, a boolean <c>contactable_&lt;channel&gt;</c> and a boolean
/// <c>holdout</c>. Only rows whose consent column is true and whose holdout column is false are sent; a NULL in either
/// counts as "no" (missing consent is never consent; an unknown holdout is never sent).
/// </summary>
/// <param name="Destination">The destination's name, as recorded in the ledger.</param>
/// <param name="Audience">The audience's name, as recorded in the ledger (any text).</param>
/// <param name="MembershipRelation">A SQL relation: a table or view name, or a parenthesised query.</param>
/// <param name="Channel">The consent channel: rows need <c>contactable_&lt;channel&gt;</c> true.</param>
/// <param name="ExportColumns">Columns sent to the destination, in this order; a change in any of them is an update.</param>
/// <param name="BatchSize">Most records in one request (the destination's limit).</param>
public sealed record SyncRequest(string Destination, string Audience, string MembershipRelation, string Channel, IReadOnlyList<string> ExportColumns, int BatchSize)
{
    /// <summary>
    /// The audience's priority (higher first). When contact caps apply, a run plans its targets in this order, so the
    /// higher-priority audience gets a person's contact; ties keep the targets' order.
    /// </summary>
    public int Priority { get; init; }

    /// <summary>The consent column for the channel.</summary>
    public string ConsentColumn => "contactable_" + Channel;
}
