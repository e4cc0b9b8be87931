using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>
/// Mailchimp Marketing API 3.0. One Mailchimp list (audience) holds the brand's contacts; each CDP audience is a static
/// segment (tag) of that list named after it, found by name or created once (so another process finds the same one).
/// <list type="bullet">
/// <item>Add and update: a batch subscribe (<c>POST /3.0/lists/{list_id}</c>, <c>update_existing</c>, each member with
/// <c>status_if_new: subscribed</c> and merge fields, never <c>status</c>: an existing member keeps theirs, so someone
/// who unsubscribed in Mailchimp is never resubscribed), then the members Mailchimp holds as subscribed are added to
/// the segment (<c>POST .../segments/{id}</c> <c>members_to_add</c>). Members it refused come back per record as
/// <c>mailchimp_&lt;error_code&gt;</c>; members it holds as unsubscribed, cleaned or pending are not added to the
/// segment and come back as <c>mailchimp_member_&lt;status&gt;</c>; addresses the segment refuses as
/// <c>mailchimp_segment_refused</c>. A record without a usable address is not sent: <c>no_email</c>.</item>
/// <item>Remove: <c>members_to_remove</c> from the segment only. The contact stays on the list (it may be in other
/// audiences' segments, and its consent history is Mailchimp's); archiving or erasing a contact is a GDPR request,
/// not an audience change.</item>
/// <item>With <see cref="MailchimpFieldMap.PersonIdMergeField"/> (default <c>CDP_ID</c>, created in the list when
/// missing), members carry their person id, and updates and removes first read the segment's members once per run
/// (1000 a page): a removed person is taken out under every address the segment holds for them (their address may
/// be absent from the export, when they left the membership), and an updated person's previous addresses leave the
/// segment when theirs changed.</item>
/// </list>
/// At most <see cref="DestinationLimits.MaxConcurrency"/> (10 or fewer) requests are in flight per instance, across
/// all its audiences; share one instance per Mailchimp account (other processes count against the same cap, and their
/// excess comes back as 429, which is retried).
/// Both calls of a batch are idempotent (an upsert and set operations), so a batch is resent whole on any transient
/// failure. 429 (Mailchimp's answer beyond 10 simultaneous connections, without rate headers), 5xx and timeouts are
/// transient; 401 and 403 disable the destination; other 4xx refuse the request; a 2xx that is not the expected JSON
/// is transient <c>mailchimp_unreadable_response</c>. Reasons never carry an address or Mailchimp's error text.
/// </summary>
public sealed class MailchimpDestination : IDestination
{
    /// <summary>Most members (or addresses added, or removed) in one call.</summary>
    public const int MaxMembersPerCall = 500;

    /// <summary>Most simultaneous connections Mailchimp allows an account.</summary>
    public const int MaxConnections = 10;

    private readonly MailchimpOptions _options;
    private readonly MailchimpApi _api;
    private readonly string? _personTag;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private readonly Lock _cache = new();
    private readonly Dictionary<string, string> _segments = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Run, string Audience), Dictionary<long, List<string>>> _rosters = [];
    private bool _personFieldReady;

    /// <param name="http">The client to call Mailchimp with; its own timeout should be infinite (attempt timeouts are the executor's).</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    public MailchimpDestination(MailchimpOptions options, HttpClient http, Func<string, string?>? environment = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrWhiteSpace(options.ListId)) throw MailchimpErrors.MissingListId(options.Name);
        if (options.Limits.MaxBatchSize > MaxMembersPerCall)
            throw MailchimpErrors.LimitAbovePlatform(options.Name, "MaxBatchSize", options.Limits.MaxBatchSize, MaxMembersPerCall);
        if (options.Limits.MaxConcurrency > MaxConnections)
            throw MailchimpErrors.LimitAbovePlatform(options.Name, "MaxConcurrency", options.Limits.MaxConcurrency, MaxConnections);
        foreach (var tag in options.FieldMap.MergeFields.Keys.Append(options.FieldMap.PersonIdMergeField).OfType<string>())
        {
            if (tag.Length is 0 or > 10 || !tag.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')) throw MailchimpErrors.BadMergeTag(options.Name, tag);
        }
        var key = (environment ?? Environment.GetEnvironmentVariable)(options.ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(key)) throw MailchimpErrors.MissingKey(options.Name, options.ApiKeyVariable);
        var root = options.BaseUri ?? DataCentre(key) ?? throw MailchimpErrors.KeyWithoutDataCentre(options.Name, options.ApiKeyVariable);
        _options = options;
        _personTag = options.FieldMap.PersonIdMergeField;
        _api = new MailchimpApi(http, root, options.ListId, key.Trim(), Math.Max(1, options.Limits.MaxConcurrency), clock ?? TimeProvider.System);
    }

    public string Name => _options.Name;

    public string Channel => "email";

    public DestinationLimits Limits => _options.Limits;

    /// <summary>Where requests go: the key's data centre, or <see cref="MailchimpOptions.BaseUri"/>.</summary>
    internal Uri ApiRoot => _api.Root;

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = ColumnMap.For(batch.Columns, _options);
        var (contacts, noEmail) = columns.Group(batch.Records);
        var remove = batch.Operation == SyncOperation.Remove;
        if (!remove && contacts.Count == 0) return Accepted(Refuse(noEmail, "no_email"));

        if (await PreparePersonFieldAsync(cancellationToken).ConfigureAwait(false) is { } notReady) return notReady;
        var (segment, failure) = await SegmentIdAsync(batch.Audience, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return failure;
        return remove
            ? await RemoveAsync(batch, segment!, contacts, noEmail, cancellationToken).ConfigureAwait(false)
            : await UpsertAsync(batch, segment!, columns, contacts, noEmail, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryResponse> UpsertAsync(DeliveryBatch batch, string segment, ColumnMap columns, List<Contact> contacts, List<SyncRecord> noEmail,
        CancellationToken ct)
    {
        var rejections = Refuse(noEmail, "no_email");
        Dictionary<long, List<string>>? roster = null;
        if (batch.Operation == SyncOperation.Update && _personTag is not null)
        {
            (roster, var failed) = await RosterAsync(batch, segment, ct).ConfigureAwait(false);
            if (failed is not null) return failed;
        }

        var answer = await _api.PostAsync("", MailchimpMessages.BatchSubscribe(contacts, columns, _personTag), ct).ConfigureAwait(false);
        if (answer.Failure is { } failure) return failure;
        if (MailchimpMessages.ReadBatchSubscribe(answer.Body) is not { } result) return MailchimpApi.Unreadable;
        var held = new List<Contact>();
        foreach (var c in contacts)
        {
            if (result.Errors.TryGetValue(c.Hash, out var code)) Refuse(rejections, c, "mailchimp_" + MailchimpApi.Slug(code));
            else if (result.Statuses.TryGetValue(c.Hash, out var status) && status.Length > 0 && status != "subscribed")
                Refuse(rejections, c, "mailchimp_member_" + MailchimpApi.Slug(status));
            else held.Add(c);
        }

        var (refused, segmentFailure) = await UpdateSegmentAsync(batch.Audience, segment, held.Select(c => c.Email).ToList(), Stale(roster, held), ct)
            .ConfigureAwait(false);
        if (segmentFailure is not null) return segmentFailure;
        foreach (var c in held.Where(c => refused.Contains(c.Hash))) Refuse(rejections, c, "mailchimp_segment_refused");
        return Accepted(rejections);
    }

    private async Task<DeliveryResponse> RemoveAsync(DeliveryBatch batch, string segment, List<Contact> contacts, List<SyncRecord> noEmail, CancellationToken ct)
    {
        var rejections = new Dictionary<long, string>();
        var addresses = contacts.ToDictionary(c => c.Hash, c => c.Email, StringComparer.Ordinal);
        if (_personTag is null)
        {
            rejections = Refuse(noEmail, "no_email");
        }
        else
        {
            var (roster, failed) = await RosterAsync(batch, segment, ct).ConfigureAwait(false);
            if (failed is not null) return failed;
            foreach (var r in batch.Records)
            {
                foreach (var email in roster!.GetValueOrDefault(r.PersonId) ?? []) addresses.TryAdd(MailchimpSubscriberHash.Of(email), email);
            }
        }
        if (addresses.Count == 0) return Accepted(rejections);
        var (_, failure) = await UpdateSegmentAsync(batch.Audience, segment, [], addresses.Values.ToList(), ct).ConfigureAwait(false);
        return failure ?? Accepted(rejections);
    }

    /// <summary>Adds and removes addresses, at most 500 of each per call; returns the hashes of the additions refused.</summary>
    private async Task<(HashSet<string> Refused, DeliveryResponse? Failure)> UpdateSegmentAsync(string audience, string segment, List<string> add, List<string> remove,
        CancellationToken ct)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; offset < Math.Max(add.Count, remove.Count); offset += MaxMembersPerCall)
        {
            var body = MailchimpMessages.UpdateSegment(add.Skip(offset).Take(MaxMembersPerCall), remove.Skip(offset).Take(MaxMembersPerCall));
            var answer = await _api.PostAsync("segments/" + segment, body, ct).ConfigureAwait(false);
            if (answer.Failure is { } failure) return (refused, SegmentGone(audience, failure) ?? failure);
            if (MailchimpMessages.ReadSegmentUpdate(answer.Body) is not { } refusedHere) return (refused, MailchimpApi.Unreadable);
            refused.UnionWith(refusedHere);
        }
        return (refused, null);
    }

    /// <summary>Addresses the segment holds for the batch's people other than the ones they now have.</summary>
    private static List<string> Stale(Dictionary<long, List<string>>? roster, List<Contact> held)
    {
        if (roster is null) return [];
        var current = held.Select(c => c.Hash).ToHashSet(StringComparer.Ordinal);
        var stale = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in held.SelectMany(c => c.Records))
        {
            foreach (var email in roster.GetValueOrDefault(r.PersonId) ?? [])
            {
                var hash = MailchimpSubscriberHash.Of(email);
                if (!current.Contains(hash)) stale.TryAdd(hash, email);
            }
        }
        return stale.Values.ToList();
    }

    /// <summary>The audience's segment id: the static segment of that name with the lowest id, created when there is none.</summary>
    private async Task<(string? Id, DeliveryResponse? Failure)> SegmentIdAsync(string audience, CancellationToken ct)
    {
        lock (_cache)
        {
            if (_segments.TryGetValue(audience, out var known)) return (known, null);
        }
        await _setup.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_cache)
            {
                if (_segments.TryGetValue(audience, out var known)) return (known, null);
            }
            var (id, failure) = await FindSegmentAsync(audience, ct).ConfigureAwait(false);
            if (failure is not null) return (null, Setup(failure));
            if (id is null)
            {
                var created = await _api.PostAsync("segments", MailchimpMessages.CreateSegment(audience), ct).ConfigureAwait(false);
                if (created.Failure is { } refused) return (null, Setup(refused));
                // Listed again: when another process created one too, both settle on the lowest id.
                (id, failure) = await FindSegmentAsync(audience, ct).ConfigureAwait(false);
                if (failure is not null) return (null, Setup(failure));
                id ??= created.Body.TryGetProperty("id", out var v) && v.TryGetInt64(out var n) ? n : null;
                if (id is null) return (null, MailchimpApi.Unreadable);
            }
            var text = id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            lock (_cache) _segments[audience] = text;
            return (text, null);
        }
        finally
        {
            _setup.Release();
        }
    }

    private async Task<(long? Id, DeliveryResponse? Failure)> FindSegmentAsync(string audience, CancellationToken ct)
    {
        var (segments, failure) = await _api.ListAsync("segments", "type=static&", "segments", ct).ConfigureAwait(false);
        if (failure is not null) return (null, failure);
        long? lowest = null;
        foreach (var s in segments)
        {
            if (MailchimpMessages.Text(s, "name") == audience && s.TryGetProperty("id", out var v) && v.TryGetInt64(out var id) && (lowest is null || id < lowest))
                lowest = id;
        }
        return (lowest, null);
    }

    /// <summary>Makes sure the list has the person-id merge field (once per instance; a field another process made is found).</summary>
    private async Task<DeliveryResponse?> PreparePersonFieldAsync(CancellationToken ct)
    {
        if (_personTag is null) return null;
        lock (_cache)
        {
            if (_personFieldReady) return null;
        }
        await _setup.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_cache)
            {
                if (_personFieldReady) return null;
            }
            var (found, failure) = await HasMergeFieldAsync(_personTag, ct).ConfigureAwait(false);
            if (failure is not null) return Setup(failure);
            if (!found)
            {
                var created = await _api.PostAsync("merge-fields", MailchimpMessages.CreateMergeField(_personTag), ct).ConfigureAwait(false);
                if (created.Failure is { Status: not DeliveryStatus.Rejected } transient) return transient;
                if (created.Failure is { } refused)
                {
                    (found, failure) = await HasMergeFieldAsync(_personTag, ct).ConfigureAwait(false);
                    if (failure is not null) return Setup(failure);
                    if (!found) return Setup(refused);
                }
            }
            lock (_cache) _personFieldReady = true;
            return null;
        }
        finally
        {
            _setup.Release();
        }
    }

    private async Task<(bool Found, DeliveryResponse? Failure)> HasMergeFieldAsync(string tag, CancellationToken ct)
    {
        var (fields, failure) = await _api.ListAsync("merge-fields", "", "merge_fields", ct).ConfigureAwait(false);
        return (failure is null && fields.Any(f => string.Equals(MailchimpMessages.Text(f, "tag"), tag, StringComparison.OrdinalIgnoreCase)), failure);
    }

    /// <summary>Person id → the addresses the segment holds for them, read once per run and audience.</summary>
    private async Task<(Dictionary<long, List<string>>? Roster, DeliveryResponse? Failure)> RosterAsync(DeliveryBatch batch, string segment, CancellationToken ct)
    {
        var key = (batch.RunId, batch.Audience);
        lock (_cache)
        {
            if (_rosters.TryGetValue(key, out var known)) return (known, null);
        }
        await _setup.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_cache)
            {
                if (_rosters.TryGetValue(key, out var known)) return (known, null);
            }
            var (members, failure) = await _api.ListAsync($"segments/{segment}/members", "fields=members.email_address,members.merge_fields,total_items&", "members", ct)
                .ConfigureAwait(false);
            if (failure is not null) return (null, SegmentGone(batch.Audience, failure) ?? Setup(failure));
            var roster = new Dictionary<long, List<string>>();
            foreach (var m in members)
            {
                if (MailchimpMessages.Text(m, "email_address") is not { } email || !m.TryGetProperty("merge_fields", out var merge)) continue;
                if (long.TryParse(MailchimpMessages.Text(merge, _personTag!), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var person))
                {
                    if (!roster.TryGetValue(person, out var list)) roster[person] = list = [];
                    list.Add(email);
                }
            }
            lock (_cache)
            {
                foreach (var old in _rosters.Keys.Where(k => k.Run != batch.RunId).ToList()) _rosters.Remove(old);
                _rosters[key] = roster;
            }
            return (roster, null);
        }
        finally
        {
            _setup.Release();
        }
    }

    /// <summary>A 404 on the segment: someone deleted it in Mailchimp. Forget it; the retry finds or creates it again.</summary>
    private DeliveryResponse? SegmentGone(string audience, DeliveryResponse failure)
    {
        if (failure.Status != DeliveryStatus.Rejected || failure.Reason?.StartsWith("mailchimp_404", StringComparison.Ordinal) != true) return null;
        lock (_cache)
        {
            _segments.Remove(audience);
            foreach (var old in _rosters.Keys.Where(k => k.Audience == audience).ToList()) _rosters.Remove(old);
        }
        return new DeliveryResponse(DeliveryStatus.Transient, "mailchimp_segment_missing");
    }

    /// <summary>A request refused while preparing the list or segment is a configuration problem (a wrong list id), not a bad record.</summary>
    private static DeliveryResponse Setup(DeliveryResponse failure)
        => failure.Status == DeliveryStatus.Rejected ? failure with { Status = DeliveryStatus.Disabled } : failure;

    private static Uri? DataCentre(string key)
    {
        var dash = key.Trim().LastIndexOf('-');
        if (dash < 0) return null;
        var dc = key.Trim()[(dash + 1)..];
        var letters = dc.TakeWhile(c => c is >= 'a' and <= 'z').Count();
        return letters > 0 && letters < dc.Length && dc[letters..].All(char.IsAsciiDigit) ? new Uri($"https://{dc}.api.mailchimp.com/") : null;
    }

    private static Dictionary<long, string> Refuse(List<SyncRecord> records, string reason) => records.ToDictionary(r => r.PersonId, _ => reason);

    private static void Refuse(Dictionary<long, string> rejections, Contact contact, string reason)
    {
        foreach (var r in contact.Records) rejections[r.PersonId] = reason;
    }

    private static DeliveryResponse Accepted(Dictionary<long, string> rejections) => DeliveryResponse.Accepted() with { Rejections = rejections };
}
