using System.Security.Cryptography;
using System.Text;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Google;
using Cdp.Activation.Execution;
using Cdp.Activation.Planning;
using Cdp.Activation.Sandbox;
using Cdp.Engine;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// A <see cref="SyncFixture"/> with a membership for Customer Match and helpers for Google destinations. Person i:
/// no ads consent when i % 10 == 3, in the holdout when i % 20 == 7; no email when i % 100 == 17; no identifier at all
/// when i % 1000 == 999; a messy gmail-style address at googlemail.com when i % 50 == 5, a padded uppercase one when
/// i % 50 == 6, a 00-prefixed spaced phone when i % 30 == 4. The columns <c>*_norm</c> hold what Google's normalisation
/// must make of each value, written by hand, so the expected hashes never come from the code under test.
/// </summary>
public sealed class GoogleFixture : IAsyncDisposable
{
    public const string Token = "ya29.test-access-token";
    public const string TokenVariable = "CDP_TEST_GOOGLE_TOKEN";
    public const string Account = "1234567890";
    public const string UserList = "5550001";
    public const string Table = "google_membership";
    /// <summary>The default field map's columns, in its order.</summary>
    public static readonly string[] ExportColumns = ["email", "phone", "first_name", "last_name", "country", "postcode"];

    public SyncFixture Sync { get; } = new();

    public DuckDbEngine Engine => Sync.Engine;

    public AudienceSync NewSync() => Sync.NewSync();

    public static GoogleDataManagerContractServer Server(int rateLimit = 50, int seed = 1) => new(Token, Account, [UserList], rateLimit, seed);

    public static GoogleDataManagerDestination Destination(GoogleDataManagerContractServer server, DestinationLimits limits, string token = Token,
        Func<GoogleDataManagerOptions, GoogleDataManagerOptions>? configure = null)
    {
        var options = new GoogleDataManagerOptions("google_ads", server.BaseUri, Account, UserList, TokenVariable, limits);
        return new GoogleDataManagerDestination(configure is null ? options : configure(options), new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            v => v == TokenVariable ? token : null);
    }

    /// <summary>A sync of the membership to <paramref name="destination"/>, exporting the columns its field map reads.</summary>
    public static SyncRequest Request(GoogleDataManagerDestination destination, string table = Table)
        => new(destination.Name, "lookalike_seed", table, destination.Channel, destination.ExportColumns, destination.Limits.MaxBatchSize);

    public static DestinationLimits Limits(int batch, int concurrency = 2, double rate = 20) => new(batch, concurrency, rate)
    {
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxAttempts = 10,
    };

    public Task CreateMembershipAsync(int people) => Engine.ExecuteAsync($"""
        CREATE OR REPLACE TABLE {Table} AS
        SELECT i::BIGINT AS person_id,
               CASE WHEN i % 1000 = 999 OR i % 100 = 17 THEN NULL
                    WHEN i % 50 = 5 THEN 'P.Erson.' || i || '+ads@GoogleMail.com'
                    WHEN i % 50 = 6 THEN ' Person' || i || '@Example.COM '
                    ELSE 'person' || i || '@example.com' END AS email,
               CASE WHEN i % 1000 = 999 THEN NULL
                    WHEN i % 30 = 4 THEN '0044 7700 ' || lpad(i::VARCHAR, 6, '0')
                    ELSE '+447700' || lpad(i::VARCHAR, 6, '0') END AS phone,
               CASE WHEN i % 1000 = 999 THEN NULL ELSE 'Name' || i END AS first_name,
               'Family' || i AS last_name, 'gb' AS country, 'SW1A ' || (i % 10) || 'AA' AS postcode,
               i % 10 <> 3 AS contactable_ads, i % 20 = 7 AS holdout,
               CASE WHEN i % 1000 = 999 OR i % 100 = 17 THEN NULL
                    WHEN i % 50 = 5 THEN 'person' || i || '@googlemail.com'
                    ELSE 'person' || i || '@example.com' END AS email_norm,
               CASE WHEN i % 1000 = 999 THEN NULL ELSE '+447700' || lpad(i::VARCHAR, 6, '0') END AS phone_norm,
               CASE WHEN i % 1000 = 999 THEN NULL ELSE 'name' || i END AS given_norm,
               'family' || i AS family_norm
        FROM range(1, {people + 1}) AS t(i)
        """);

    /// <summary>What the user list should hold: first identifier → identifiers, for everyone qualifying with an identifier.</summary>
    public async Task<Dictionary<string, IReadOnlyList<string>>> IntendedAsync()
    {
        var rows = await Engine.QueryAsync($"""
            SELECT email_norm, phone_norm, given_norm, family_norm, upper(country), postcode FROM {Table}
            WHERE contactable_ads AND NOT holdout
            """);
        var intended = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var r in rows.Rows)
        {
            var ids = new List<string>();
            if (r[0] is string email) ids.Add("email:" + Sha256(email));
            if (r[1] is string phone) ids.Add("phone:" + Sha256(phone));
            if (r[2] is string given && r[3] is string family) ids.Add($"address:{Sha256(given)}|{Sha256(family)}|{r[4]}|{r[5]}");
            if (ids.Count > 0) intended.Add(ids[0], ids);
        }
        return intended;
    }

    /// <summary>Email hashes of everyone who must never be sent (no consent or in the holdout).</summary>
    public async Task<HashSet<string>> ExcludedEmailHashesAsync()
        => (await Engine.QueryAsync($"SELECT email_norm FROM {Table} WHERE (NOT contactable_ads OR holdout) AND email_norm IS NOT NULL")).Rows
            .Select(r => Sha256((string)r[0]!)).ToHashSet(StringComparer.Ordinal);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static void AssertHolds(Dictionary<string, IReadOnlyList<string>> intended, GoogleDataManagerContractServer server)
    {
        var held = server.UserLists[UserList];
        Assert.Equal(intended.Count, held.Count);
        Assert.Empty(intended.Keys.Except(held.Keys));
        foreach (var (key, ids) in intended) Assert.Equal(ids, held[key]);
    }

    public ValueTask DisposeAsync() => Sync.DisposeAsync();
}
