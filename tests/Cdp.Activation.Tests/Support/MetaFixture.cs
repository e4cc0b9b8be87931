using System.Globalization;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Meta;
using Cdp.Activation.Planning;
using Cdp.Activation.Sandbox;
using Cdp.Engine;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// Meta destinations against a <see cref="MetaContractServer"/>, and an ads membership on a <see cref="SyncFixture"/>'s
/// engine. Person i of the membership has an email written with mixed case and, for one in seven, spaces around it
/// (so the normalisation matters), an E.164 phone, names with accents and punctuation, a French postcode and city;
/// no ads consent when i % 10 == 3, in the holdout when i % 20 == 7.
/// </summary>
public static class MetaFixture
{
    public const string Token = "EAAB-sandbox-token-0123456789";
    public const string TokenVariable = "CDP_TEST_META_TOKEN";
    public const string AdAccount = "1234567890";
    public const string ApiVersion = "v25.0";

    public static MetaContractServer Server(int rateLimit = 200, int seed = 1) => new(Token, AdAccount, rateLimit, seed, ApiVersion);

    public static MetaDestination Destination(MetaContractServer server, DestinationLimits limits, string name = "meta", string token = Token,
        IReadOnlyDictionary<string, string>? fieldMap = null)
    {
        var options = new MetaOptions(name, server.BaseUri, ApiVersion, "act_" + AdAccount, TokenVariable, limits);
        if (fieldMap is not null) options = options with { FieldMap = fieldMap };
        return new MetaDestination(options, new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, v => v == TokenVariable ? token : null);
    }

    /// <summary>A request exporting the columns the destination's field map reads.</summary>
    public static SyncRequest Request(MetaDestination destination, string audience = "lookalike_seed", string membership = "membership")
        => new(destination.Name, audience, membership, destination.Channel, destination.ExportColumns, destination.Limits.MaxBatchSize);

    public static DestinationLimits Limits(int batch = 10_000, int concurrency = 3, double rate = 50) => new(batch, concurrency, rate)
    {
        BaseDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(20),
        MaxRetryAfter = TimeSpan.FromSeconds(1),
        MaxAttempts = 10,
    };

    public static Task CreateMembershipAsync(SyncFixture fx, int people, string table = "membership", int from = 1)
        => fx.Engine.ExecuteAsync($"""
            CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS {MembersSql(from, from + people - 1)}
            """);

    /// <summary>Adds people <paramref name="from"/>..<paramref name="to"/>, consenting and out of the holdout.</summary>
    public static Task AddPeopleAsync(SyncFixture fx, int from, int to, string table = "membership")
        => fx.Engine.ExecuteAsync($"""
            INSERT INTO {Sql.Identifier(table)}
            SELECT * REPLACE (true AS contactable_ads, false AS holdout) FROM ({MembersSql(from, to)})
            """);

    private static string MembersSql(int from, int to) => $"""
        SELECT i::BIGINT AS person_id,
               CASE WHEN i % 7 = 0 THEN '  ' ELSE '' END || 'Person.' || i || '@Example.COM' || CASE WHEN i % 7 = 0 THEN ' ' ELSE '' END AS email,
               '+3361' || lpad(i::VARCHAR, 7, '0') AS phone,
               'Zoë-' || chr(65 + (i % 26)::INTEGER) AS first_name,
               'O''Brien ' || chr(97 + (i % 26)::INTEGER) AS last_name,
               'FR' AS country,
               '75 0' || lpad((i % 20 + 1)::VARCHAR, 2, '0') AS postcode,
               'Saint-Étienne' AS city,
               i % 10 <> 3 AS contactable_ads, i % 20 = 7 AS holdout
        FROM range({from}, {to + 1}) AS t(i)
        """;

    /// <summary>The EMAIL hashes Meta should hold, computed by DuckDB (sha256 of the trimmed, lowercased email), sorted.</summary>
    public static async Task<List<string>> IntendedEmailsAsync(SyncFixture fx, string table = "membership")
        => await EmailHashesAsync(fx, $"SELECT email FROM {Sql.Identifier(table)} WHERE contactable_ads AND NOT holdout AND email IS NOT NULL");

    /// <summary>EMAIL hashes of the people who must never reach Meta (no ads consent or in the holdout).</summary>
    public static async Task<List<string>> ExcludedEmailsAsync(SyncFixture fx, string table = "membership")
        => await EmailHashesAsync(fx, $"SELECT email FROM {Sql.Identifier(table)} WHERE (NOT contactable_ads OR holdout) AND email IS NOT NULL");

    /// <summary>EMAIL hashes of the given people.</summary>
    public static async Task<List<string>> EmailsOfAsync(SyncFixture fx, IEnumerable<long> people, string table = "membership")
        => await EmailHashesAsync(fx, $"SELECT email FROM {Sql.Identifier(table)} WHERE person_id IN ({string.Join(", ", people.Select(p => p.ToString(CultureInfo.InvariantCulture)))})");

    private static async Task<List<string>> EmailHashesAsync(SyncFixture fx, string emails)
    {
        var rows = await fx.Engine.QueryAsync($"SELECT sha256(lower(trim(email))) FROM ({emails}) ORDER BY 1");
        return rows.Rows.Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToList();
    }
}
