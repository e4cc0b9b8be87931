using Cdp.Activation.Planning;

namespace Cdp.Activation.Ledger;

/// <summary>The status of a record's outcome in the ledger.</summary>
public enum RecordStatus
{
    /// <summary>The destination took the record.</summary>
    Accepted,

    /// <summary>The destination refused the record for good; <see cref="RecordOutcome.Reason"/> says why.</summary>
    Rejected,

    /// <summary>Not acknowledged (retries exhausted, destination disabled, superseded): a later run plans it again.</summary>
    Pending,
}

/// <summary>What happened to one record of a batch.</summary>
public sealed record RecordOutcome(SyncRecord Record, RecordStatus Status, string? Reason);
