namespace Cdp.Activation.Planning;

/// <summary>What a destination is asked to do with one person.</summary>
public enum SyncOperation
{
    /// <summary>The person qualifies and the destination does not hold them.</summary>
    Add,

    /// <summary>The destination holds the person with export fields that have changed since.</summary>
    Update,

    /// <summary>The destination holds the person, who no longer qualifies (left the audience, lost consent, moved to a holdout).</summary>
    Remove,
}

/// <summary>The ledger's spelling of an operation.</summary>
public static class SyncOperations
{
    public static string Name(SyncOperation operation) => operation switch
    {
        SyncOperation.Add => "add",
        SyncOperation.Update => "update",
        SyncOperation.Remove => "remove",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Bug: unknown sync operation."),
    };

    public static SyncOperation Parse(string name) => name switch
    {
        "add" => SyncOperation.Add,
        "update" => SyncOperation.Update,
        "remove" => SyncOperation.Remove,
        _ => throw new InvalidOperationException($"Bug: the sync ledger holds an unknown operation '{name}'."),
    };
}

/// <summary>
/// One person in a batch. <paramref name="Fields"/> are the export columns as text, in the request's column order
/// (values may be null; a removed person's fields are null when they left the membership relation).
/// <paramref name="Fingerprint"/> is the SHA-256 of the export fields the destination holds after this operation.
/// </summary>
public sealed record SyncRecord(long PersonId, SyncOperation Operation, string Fingerprint, IReadOnlyList<string?> Fields)
{
    /// <summary>
    /// For an update: the export fields as last sent to the destination (from the ledger), so a destination that knows
    /// people by their identifiers can remove the ones that changed. Null for adds and removes, and for an update whose
    /// earlier send is not known (a batch resent after a crash).
    /// </summary>
    public IReadOnlyList<string?>? Sent { get; init; }
}

/// <summary>
/// Records sent in one request. <paramref name="BatchId"/> is null for a batch the executor has not announced yet
/// (it gets a fresh id); a recovered batch keeps the id its intent was recorded under, so the destination can
/// recognise a retry (the idempotency key).
/// </summary>
public sealed record SyncBatch(string? BatchId, SyncOperation Operation, IReadOnlyList<SyncRecord> Records);

/// <summary>An announced record whose batch is resent no more: the person changed since, and a newer operation covers them.</summary>
public sealed record SupersededRecord(string BatchId, long PersonId, SyncOperation Operation, string Fingerprint);
