namespace Cdp.Activation.Planning;

/// <summary>A sync that cannot be planned because of its input (a missing column, a duplicated person); the message says which and how to fix it.</summary>
public sealed class SyncPlanningException(string message) : Exception(message)
{
    internal static SyncPlanningException MissingColumn(SyncRequest r, string column, string purpose)
        => new($"Sync of audience '{r.Audience}' to '{r.Destination}': the membership {r.MembershipRelation} has no column '{column}' ({purpose}). " +
               "Add it to the audience's output or remove it from the destination's export columns.");

    internal static SyncPlanningException DuplicatePeople(SyncRequest r, long duplicates)
        => new($"Sync of audience '{r.Audience}' to '{r.Destination}': {duplicates} person_id value(s) appear more than once in {r.MembershipRelation}; " +
               "a membership has one row per person.");

    internal static SyncPlanningException NullPeople(SyncRequest r, long rows)
        => new($"Sync of audience '{r.Audience}' to '{r.Destination}': {rows} row(s) of {r.MembershipRelation} have no person_id.");

    internal static SyncPlanningException InvalidRequest(SyncRequest r, string what)
        => new($"Sync of audience '{r.Audience}' to '{r.Destination}': {what}.");
}
