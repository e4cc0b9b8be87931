using System.Globalization;
using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Delta;
using Cdp.Engine;

namespace Cdp.Audiences.Membership;

/// <summary>How one build runs.</summary>
/// <param name="AsOf">Where event windows end; default the profiles' as_of day (its end), else now.</param>
public sealed record BuildOptions(DateTimeOffset? AsOf = null);

/// <summary>
/// The counts of one audience in one build. Arbitrated* count the members an arbitration rule kept off a channel
/// they were otherwise contactable on (they are not in Contactable*).
/// </summary>
public sealed record AudienceSummary(string Audience, string DefinitionHash, int Priority, long Members, long Holdouts,
    long ContactableEmail, long ContactableSms, long ContactableAds, long ArbitratedEmail = 0, long ArbitratedSms = 0, long ArbitratedAds = 0);

/// <summary>What a build wrote: the versions of the members and summary tables, and each audience's counts.</summary>
public sealed record AudienceBuild(long MembersVersion, long SummaryVersion, DateTimeOffset BuiltAt, DateTimeOffset AsOf, IReadOnlyList<AudienceSummary> Audiences);

/// <summary>
/// Builds every audience of a set and publishes the memberships as one Delta table, <c>gold.audience_members</c>, in
/// one commit (so version N of the table is the whole membership of build N), and appends one row per audience to
/// <c>gold.audience_summary</c>. Each member row carries the person's export fields, the holdout flag and, per channel,
/// whether the person may be contacted: the channel is one of the audience's, the person is not held out, the consent
/// the channel needs is granted in person_consents, the person has the address the channel sends to, and, when the
/// profiles say so, the profile itself is contactable there (an unsubscribe); then the set's arbitration rules turn
/// a channel off for members who are reached on another one (<c>arbitrated_&lt;channel&gt;</c> says so). The sync
/// layer only reads the flags.
/// </summary>
public sealed class AudienceBuilder
{
    public const string MembersTable = "audience_members";
    public const string SummaryTable = "audience_summary";
    private const string Staging = "_cdp_audience_members";
    private const string ChannelConsents = "_cdp_audience_channel_consents";

    private readonly DuckDbEngine _engine;
    private readonly Func<string, DeltaTable> _openGold;
    private readonly TimeProvider _clock;

    /// <param name="openGold">Opens a Delta table of the gold zone by name.</param>
    public AudienceBuilder(DuckDbEngine engine, Func<string, DeltaTable> openGold, TimeProvider? clock = null)
    {
        _engine = engine;
        _openGold = openGold;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Compiles the set against the relations (every error at once) without building anything.</summary>
    public async Task<(AudienceCompilation Compilation, AudienceRelations Relations, DateTimeOffset AsOf)> CompileAsync(AudienceSet set, AudienceRelations relations,
        BuildOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var (prepared, schema) = await AudienceBase.PrepareAsync(_engine, relations, cancellationToken).ConfigureAwait(false);
        var asOf = options?.AsOf ?? await ProfilesAsOfAsync(prepared, schema, cancellationToken).ConfigureAwait(false) ?? _clock.GetUtcNow();
        return (new AudienceCompiler(set, schema, prepared, asOf).Compile(), prepared, asOf);
    }

    /// <exception cref="AudienceException">The definitions do not compile against the relations.</exception>
    public async Task<AudienceBuild> BuildAsync(AudienceSet set, AudienceRelations relations, BuildOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (compilation, prepared, asOf) = await CompileAsync(set, relations, options, cancellationToken).ConfigureAwait(false);
        var audiences = compilation.OrThrow();
        if (audiences.Count == 0) throw new AudienceException("No audiences are defined: add them under audiences.definitions in cdp.yml.");
        var builtAt = _clock.GetUtcNow();
        await CreateChannelConsentsAsync(prepared, cancellationToken).ConfigureAwait(false);
        var columns = (await AudienceBase.ColumnsAsync(_engine, prepared.Profiles, cancellationToken).ConfigureAwait(false))!.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var selects = audiences.Select(a => MembersSql(a, set.GlobalHoldout, prepared, columns, builtAt, compilation.Arbitration));
        await _engine.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE {Staging} AS {string.Join(" UNION ALL BY NAME ", selects.Select(s => $"({s})"))}",
            cancellationToken).ConfigureAwait(false);
        try
        {
            var members = await new DeltaWriter(_engine).WriteAsync(_openGold(MembersTable),
                $"SELECT * FROM {Staging} ORDER BY {MembershipColumns.Audience}, {MembershipColumns.PersonId}",
                WriteMode.Overwrite, new WriteOptions { OverwriteSchema = true, TableName = MembersTable }, cancellationToken).ConfigureAwait(false);
            var summarySql = SummarySql(audiences, members.Version, builtAt);
            var summaries = (await _engine.QueryAsync(summarySql, cancellationToken).ConfigureAwait(false)).Rows.Select(r => new AudienceSummary(
                (string)r[0]!, (string)r[1]!, Convert.ToInt32(r[2], CultureInfo.InvariantCulture), Count(r[3]), Count(r[4]), Count(r[5]), Count(r[6]), Count(r[7]),
                Count(r[8]), Count(r[9]), Count(r[10]))).ToList();
            var summary = await new DeltaWriter(_engine).WriteAsync(_openGold(SummaryTable), summarySql, WriteMode.Append,
                new WriteOptions { TableName = SummaryTable }, cancellationToken).ConfigureAwait(false);
            return new AudienceBuild(members.Version, summary.Version, builtAt, asOf, summaries);
        }
        finally
        {
            await _engine.ExecuteAsync($"DROP TABLE IF EXISTS {Staging}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static long Count(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>
    /// One member row per person meeting the audience's condition. The inner query computes each channel's flag from
    /// holdouts, consent and address, and each applying arbitration rule's <c>when</c>; the outer one turns a channel off
    /// where a rule fires, reading the inner (pre-arbitration) flags, so the rules' order never matters.
    /// </summary>
    internal static string MembersSql(CompiledAudience audience, HoldoutSettings global, AudienceRelations relations, IReadOnlySet<string> columns, DateTimeOffset builtAt,
        IReadOnlyList<CompiledArbitration>? arbitration = null)
    {
        var definition = audience.Definition;
        const string p = AudienceCompiler.Row;
        const string b = "b";
        var globalHeld = Holdout.HeldOutSql(global, $"{p}.person_id");
        var audienceHeld = Holdout.HeldOutSql(definition.Holdout, $"{p}.person_id");
        var rules = CompiledArbitration.Applying(arbitration ?? [], definition).ToList();
        string When(int i) => Sql.Identifier($"__cdp_arbitration_{i}");
        string Flag(Channel channel) => $"{b}.{Sql.Identifier(MembershipColumns.Contactable(channel))}";

        var inner = new List<string>
        {
            $"{Sql.Literal(audience.Name)} AS {MembershipColumns.Audience}",
            $"CAST({p}.person_id AS BIGINT) AS {MembershipColumns.PersonId}",
            $"({globalHeld} OR {audienceHeld}) AS {MembershipColumns.Holdout}",
            $"CASE WHEN {globalHeld} THEN 'global' WHEN {audienceHeld} THEN 'audience' END AS {MembershipColumns.HoldoutGroup}",
        };
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var contactable = definition.Channels.Contains(channel)
                ? $"NOT ({globalHeld} OR {audienceHeld}) AND {ChannelRule(channel, columns)}"
                : "FALSE";
            inner.Add($"COALESCE({contactable}, FALSE) AS {MembershipColumns.Contactable(channel)}");
        }
        inner.AddRange(rules.Select((r, i) => $"{r.Predicate} AS {When(i)}"));
        inner.Add($"CAST({Sql.Literal(definition.Priority)} AS INTEGER) AS {MembershipColumns.Priority}");
        inner.Add($"{Sql.Literal(audience.DefinitionHash)} AS {MembershipColumns.DefinitionHash}");
        inner.Add($"{AudienceCompiler.Timestamp(builtAt)} AS {MembershipColumns.BuiltAt}");
        inner.AddRange(definition.Fields.Select(f => $"{p}.{Sql.Identifier(f)}"));

        var outer = new List<string> { MembershipColumns.Audience, MembershipColumns.PersonId, MembershipColumns.Holdout, MembershipColumns.HoldoutGroup }
            .Select(c => $"{b}.{c}").ToList();
        var arbitrated = Enum.GetValues<Channel>().ToDictionary(c => c, c =>
        {
            var firing = rules.Select((r, i) => (r, i)).Where(x => x.r.Rule.Channel == c)
                .Select(x => $"({Flag(x.r.Rule.SkipWhenContactable)} AND {b}.{When(x.i)})").ToList();
            return firing.Count == 0 ? "FALSE" : $"({Flag(c)} AND ({string.Join(" OR ", firing)}))";
        });
        foreach (var channel in Enum.GetValues<Channel>())
        {
            outer.Add(arbitrated[channel] == "FALSE"
                ? $"{Flag(channel)} AS {MembershipColumns.Contactable(channel)}"
                : $"({Flag(channel)} AND NOT {arbitrated[channel]}) AS {MembershipColumns.Contactable(channel)}");
        }
        outer.AddRange(Enum.GetValues<Channel>().Select(c => $"{arbitrated[c]} AS {MembershipColumns.Arbitrated(c)}"));
        outer.AddRange(new[] { MembershipColumns.Priority, MembershipColumns.DefinitionHash, MembershipColumns.BuiltAt }.Select(c => $"{b}.{c}"));
        outer.AddRange(definition.Fields.Select(f => $"{b}.{Sql.Identifier(f)}"));
        return $"SELECT {string.Join(", ", outer)} FROM (SELECT {string.Join(", ", inner)} FROM {relations.Profiles} AS {p} " +
               $"LEFT JOIN {ChannelConsents} AS k ON k.person_id = {p}.person_id WHERE {audience.Predicate}) AS {b}";
    }

    /// <summary>The consent, address and profile rule of a channel, over the profile row <c>p</c> and its consents <c>k</c>.</summary>
    private static string ChannelRule(Channel channel, IReadOnlySet<string> columns)
    {
        string Has(string column) => columns.Contains(column) ? $"p.{Sql.Identifier(column)} IS NOT NULL" : "FALSE";
        var profileFlag = columns.Contains(MembershipColumns.Contactable(channel)) ? $" AND p.{Sql.Identifier(MembershipColumns.Contactable(channel))}" : "";
        return channel switch
        {
            Channel.Email => $"k.email_marketing AND {Has("email")}{profileFlag}",
            Channel.Sms => $"k.sms_marketing AND {Has("phone")}{profileFlag}",
            Channel.Ads => $"k.ads_ad_user_data AND k.ads_ad_personalization AND ({Has("email")} OR {Has("phone")}){profileFlag}",
            _ => throw new InvalidOperationException($"Bug: no consent rule for channel {channel}."),
        };
    }

    /// <summary>
    /// One row per person with a decision: whether each consent a channel needs is granted. A missing decision is
    /// NULL (never asked), which the member rows read as not contactable; duplicates resolve to denied.
    /// </summary>
    private async Task CreateChannelConsentsAsync(AudienceRelations relations, CancellationToken ct)
    {
        if (await AudienceBase.ColumnsAsync(_engine, relations.Consents, ct).ConfigureAwait(false) is null)
        {
            // No consent table: nobody is contactable anywhere.
            await _engine.ExecuteAsync($"""
                CREATE OR REPLACE TEMP VIEW {ChannelConsents} AS SELECT CAST(NULL AS BIGINT) AS person_id, FALSE AS email_marketing, FALSE AS sms_marketing,
                    FALSE AS ads_ad_user_data, FALSE AS ads_ad_personalization WHERE false
                """, ct).ConfigureAwait(false);
            return;
        }
        string Granted(string channel, string purpose)
            => $"bool_and(granted) FILTER (WHERE channel = {Sql.Literal(channel)} AND purpose = {Sql.Literal(purpose)}) AS {Sql.Identifier(channel + "_" + purpose)}";
        await _engine.ExecuteAsync($"""
            CREATE OR REPLACE TEMP VIEW {ChannelConsents} AS
            SELECT person_id, {Granted("email", "marketing")}, {Granted("sms", "marketing")}, {Granted("ads", "ad_user_data")}, {Granted("ads", "ad_personalization")}
            FROM {relations.Consents}
            GROUP BY person_id
            """, ct).ConfigureAwait(false);
    }

    private static string SummarySql(IReadOnlyList<CompiledAudience> audiences, long membersVersion, DateTimeOffset builtAt)
    {
        var defined = string.Join(", ", audiences.Select(a => $"({Sql.Literal(a.Name)}, {Sql.Literal(a.DefinitionHash)}, {Sql.Literal(a.Definition.Priority)})"));
        return $"""
            SELECT d.audience, d.definition_hash, CAST(d.priority AS INTEGER) AS priority,
                   count(m.person_id) AS members,
                   count(m.person_id) FILTER (WHERE m.holdout) AS holdouts,
                   count(m.person_id) FILTER (WHERE m.contactable_email) AS contactable_email,
                   count(m.person_id) FILTER (WHERE m.contactable_sms) AS contactable_sms,
                   count(m.person_id) FILTER (WHERE m.contactable_ads) AS contactable_ads,
                   count(m.person_id) FILTER (WHERE m.arbitrated_email) AS arbitrated_email,
                   count(m.person_id) FILTER (WHERE m.arbitrated_sms) AS arbitrated_sms,
                   count(m.person_id) FILTER (WHERE m.arbitrated_ads) AS arbitrated_ads,
                   CAST({Sql.Literal(membersVersion)} AS BIGINT) AS members_version,
                   {AudienceCompiler.Timestamp(builtAt)} AS built_at
            FROM (VALUES {defined}) AS d(audience, definition_hash, priority)
            LEFT JOIN {Staging} AS m ON m.audience = d.audience
            GROUP BY ALL
            ORDER BY d.audience
            """;
    }

    /// <summary>The end of the profiles' as_of day, when the profiles have that column and a value.</summary>
    private async Task<DateTimeOffset?> ProfilesAsOfAsync(AudienceRelations relations, AudienceSchema schema, CancellationToken ct)
    {
        if (!schema.Has("as_of")) return null;
        var value = (await _engine.QueryAsync($"SELECT CAST(max(as_of) AS DATE) + 1 FROM {relations.Profiles}", ct).ConfigureAwait(false)).Scalar;
        return value switch
        {
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            DateOnly d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
            _ => null,
        };
    }
}
