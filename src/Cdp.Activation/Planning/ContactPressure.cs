using Cdp.Activation.Ledger;
using Cdp.Audiences.Definitions;
using Cdp.Engine;

namespace Cdp.Activation.Planning;

/// <summary>A plan's contact cap: the table of contacts per person on its channel, and how many contacts the window allows.</summary>
internal sealed record ContactLimit(string Table, int Contacts);

/// <summary>
/// The contacts of every person per channel during one run, for the channels with a cap. A contact is an add to any
/// destination of the channel, for any audience, within the cap's window ending at the run's start: an accepted add
/// outcome, or an add intent without an outcome yet (it may have been delivered). Updates and removes are not contacts.
/// Each channel's counts are read from the ledger once, into the temp table <c>(person_id, contacts)</c>, at the first
/// plan of that channel; every plan then adds its own adds (<see cref="PlanSteps.RecordContactsSql"/>), so the plans of
/// a run, made in priority order, share the window's allowance. Disposing drops the tables.
/// </summary>
/// <remarks>
/// The channel of a ledger row is its <c>channel</c> column; rows written without one are matched by destination
/// name to the channel of this run's targets.
/// </remarks>
internal sealed class ContactPressure(DuckDbEngine engine, SyncLedger ledger, ContactCaps caps, DateTimeOffset now, IReadOnlyDictionary<string, string> destinationChannels)
    : IAsyncDisposable
{
    private readonly string _prefix = "__cdp_contacts_" + Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, ContactLimit> _limits = new(StringComparer.OrdinalIgnoreCase);
    private string? _ledgerView;
    private bool _ledgerRead;

    /// <summary>The cap of a channel with its contact table (built on first use), or null when the channel has no cap.</summary>
    public async Task<ContactLimit?> LimitAsync(string channel, CancellationToken ct)
    {
        if (caps.For(channel) is not { } cap) return null;
        if (_limits.TryGetValue(channel, out var known)) return known;
        var table = Sql.Identifier($"{_prefix}_{_limits.Count}");
        await engine.ExecuteAsync(await CountSqlAsync(table, channel, cap, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return _limits[channel] = new ContactLimit(table, cap.Contacts);
    }

    private async Task<string> CountSqlAsync(string table, string channel, ContactCap cap, CancellationToken ct)
    {
        if (!_ledgerRead)
        {
            _ledgerView = await ledger.CreateViewAsync(_prefix + "_ledger", ct).ConfigureAwait(false);
            _ledgerRead = true;
        }
        var empty = $"CREATE TEMP TABLE {table}(person_id BIGINT, contacts BIGINT)";
        if (_ledgerView is null) return empty;
        var columns = await engine.DescribeAsync($"SELECT * FROM {_ledgerView}", ct).ConfigureAwait(false);
        var recorded = columns.Any(c => c.Name == "channel") ? "l.channel" : "CAST(NULL AS VARCHAR)";
        var known = destinationChannels.Count == 0
            ? "(SELECT CAST(NULL AS VARCHAR) AS destination, CAST(NULL AS VARCHAR) AS channel WHERE false)"
            : "(VALUES " + string.Join(", ", destinationChannels.Select(kv => $"({Sql.Literal(kv.Key)}, {Sql.Literal(kv.Value)})")) + ")";
        var since = (now - cap.Window).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "+00";
        return $"""
            CREATE TEMP TABLE {table} AS
            WITH adds AS (
                SELECT l.destination, l.audience, l.batch_id, l.event, l.person_id, l.status
                FROM {_ledgerView} AS l
                LEFT JOIN {known} AS d(destination, channel) ON d.destination = l.destination
                WHERE l.operation = 'add' AND l."at" >= CAST({Sql.Literal(since)} AS TIMESTAMPTZ)
                  AND lower(coalesce({recorded}, d.channel)) = lower({Sql.Literal(channel)})
            )
            SELECT i.person_id, CAST(count(*) AS BIGINT) AS contacts
            FROM adds AS i
            WHERE (i.event = 'outcome' AND i.status = 'accepted')
               OR (i.event = 'intent' AND NOT EXISTS (
                      SELECT 1 FROM {_ledgerView} AS o
                      WHERE o.event = 'outcome' AND o.batch_id = i.batch_id AND o.person_id = i.person_id
                        AND o.destination = i.destination AND o.audience = i.audience))
            GROUP BY i.person_id
            """;
    }

    public async ValueTask DisposeAsync()
    {
        var drops = _limits.Values.Select(l => $"DROP TABLE IF EXISTS {l.Table}").ToList();
        if (_ledgerView is not null) drops.Add($"DROP VIEW IF EXISTS {_ledgerView}");
        if (drops.Count > 0) await engine.ExecuteAsync(string.Join("; ", drops), CancellationToken.None).ConfigureAwait(false);
    }
}
