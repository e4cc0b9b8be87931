using System.Globalization;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Mailchimp;
using Cdp.Activation.Planning;
using Cdp.Activation.Sandbox;
using Cdp.Engine;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// Mailchimp syncs over a <see cref="SyncFixture"/> lake. The membership <c>members</c> has people 1..n with
/// <c>email, first_name, last_name</c>: every 7th address in mixed case, every 5th person without a last name, no
/// email consent when i % 10 == 3, in the holdout when i % 20 == 7. Destinations point at a
/// <see cref="MailchimpContractServer"/> holding the list <see cref="ListId"/>.
/// </summary>
public static class MailchimpFixture
{
    public const string ApiKey = "0123456789abcdef0123456789abcdef-us6";
    public const string KeyVariable = "CDP_TEST_MAILCHIMP_KEY";
    public const string ListId = "a1b2c3d4e5";
    public const string Audience = "win_back";
    public static readonly string[] ExportColumns = ["email", "first_name", "last_name"];

    public static MailchimpContractServer Server(int rateLimit = 1000, int seed = 1) => new(ApiKey, ListId, rateLimit, seed);

    public static MailchimpDestination Destination(MailchimpContractServer server, DestinationLimits limits, string key = ApiKey)
        => new(new MailchimpOptions("mailchimp", ListId, KeyVariable, limits) { BaseUri = server.BaseUri }, new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            v => v == KeyVariable ? key : null);

    /// <summary>Generous attempt timeouts: no attempt of a healthy run may time out (a timed-out call still holds a connection).</summary>
    public static DestinationLimits Limits(int batch = 500, int concurrency = 4) => SyncFixture.FastLimits(batch, concurrency, rate: 100) with
    {
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    public static SyncRequest Request(IDestination destination, string audience = Audience, string membership = "members")
        => new(destination.Name, audience, membership, destination.Channel, ExportColumns, destination.Limits.MaxBatchSize);

    public static Task CreateMembershipAsync(SyncFixture fx, int people)
        => fx.Engine.ExecuteAsync($"""
            CREATE OR REPLACE TABLE members AS
            SELECT i::BIGINT AS person_id,
                   CASE WHEN i % 7 = 0 THEN 'Person' || i || '@Example.COM' ELSE 'person' || i || '@example.com' END AS email,
                   'First' || i AS first_name, CASE WHEN i % 5 = 0 THEN NULL ELSE 'Last' || i END AS last_name,
                   i % 10 <> 3 AS contactable_email, i % 20 = 7 AS holdout
            FROM range(1, {people + 1}) AS t(i)
            """);

    /// <summary>Who should be in the segment: person id → (lowercased address, FNAME, LNAME).</summary>
    public static async Task<Dictionary<long, (string Email, string First, string Last)>> IntendedAsync(SyncFixture fx, string relation = "members")
    {
        var rows = await fx.Engine.QueryAsync($"SELECT person_id, lower(trim(email)), first_name, coalesce(last_name, '') FROM {relation} WHERE contactable_email AND NOT holdout");
        return rows.Rows.ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => ((string)r[1]!, (string)r[2]!, (string)r[3]!));
    }

    /// <summary>Every person's lowercased address (NULL ones left out).</summary>
    public static async Task<Dictionary<long, string>> AddressesAsync(SyncFixture fx, string where = "true")
        => (await fx.Engine.QueryAsync($"SELECT person_id, lower(trim(email)) FROM members WHERE email IS NOT NULL AND ({where})")).Rows
            .ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => (string)r[1]!);

    /// <summary>The segment holds exactly the intended addresses, each subscribed with its merge fields and person id.</summary>
    public static async Task AssertSegmentHoldsIntendedAsync(SyncFixture fx, MailchimpContractServer server, string audience = Audience, string relation = "members")
    {
        var intended = await IntendedAsync(fx, relation);
        Assert.Equal(intended.Values.Select(v => v.Email).Order(StringComparer.Ordinal), server.SegmentEmails(audience).Order(StringComparer.Ordinal));
        foreach (var (id, (email, first, last)) in intended)
        {
            var member = server.Member(email);
            Assert.NotNull(member);
            Assert.Equal("subscribed", member.Status);
            Assert.Equal(first, member.MergeFields["FNAME"]);
            Assert.Equal(last, member.MergeFields["LNAME"]);
            Assert.Equal(id.ToString(CultureInfo.InvariantCulture), member.MergeFields["CDP_ID"]);
        }
    }
}
