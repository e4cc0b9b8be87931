using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Modeling;
using Cdp.Storage;
using Cdp.Testing;

namespace Cdp.Audiences.Tests;

/// <summary>
/// A temp lake: gold tables as DuckDB tables in schema gold (profiles, consents, activity, scores, segments) with a
/// handful of people chosen to exercise each rule, and a gold folder on disk where memberships are published.
/// </summary>
public sealed class AudienceLake : IDisposable
{
    /// <summary>The moment the fixture's activity is relative to, and event windows end.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _root = new("audiences");

    public AudienceLake(bool withScores = true)
    {
        Engine = new DuckDbEngine(cacheDirectory: _root.Combine(".cache"));
        Run("""
            CREATE SCHEMA gold;
            CREATE TABLE gold.customer_profiles (person_id BIGINT, first_name VARCHAR, email VARCHAR, phone VARCHAR, country VARCHAR,
                revenue DOUBLE, purchase_count BIGINT, cart_item_count BIGINT, loyalty_cards VARCHAR[], next_replenishment_on DATE,
                store_purchase_count BIGINT, monetary_score INTEGER, "odd ""name"" é" VARCHAR);
            INSERT INTO gold.customer_profiles VALUES
                (1, 'Ana', 'ana@example.com', '+33611111111', 'FR', 500, 5, 2, ['L1'], DATE '2026-06-03', 2, 4, 'x'),
                (2, 'Ben', 'ben@example.com', NULL, 'BE', 50, 1, 0, [], NULL, 0, 1, NULL),
                (3, 'O''Brien''); DROP TABLE gold.customer_profiles; --', 'o''b@example.com', '+33633333333', 'DE', NULL, 0, 1, NULL, NULL, 0, NULL, 'y'),
                (4, 'Zoë', NULL, '+33644444444', 'FR', 1000, 10, 0, ['L4', 'L5'], DATE '2026-05-20', 6, 5, NULL),
                (5, 'Eve', 'eve@example.com', '+33655555555', 'FR', 200, 2, 0, [], NULL, 1, 3, NULL);
            CREATE TABLE gold.person_consents (person_id BIGINT, channel VARCHAR, purpose VARCHAR, granted BOOLEAN);
            INSERT INTO gold.person_consents VALUES
                (1, 'email', 'marketing', true), (1, 'sms', 'marketing', false), (1, 'ads', 'ad_user_data', true), (1, 'ads', 'ad_personalization', true),
                (2, 'email', 'marketing', false), (2, 'ads', 'ad_user_data', true),
                (3, 'sms', 'marketing', true), (3, 'email', 'marketing', true), (3, 'ads', 'ad_user_data', true), (3, 'ads', 'ad_personalization', false),
                (4, 'email', 'marketing', true), (4, 'sms', 'marketing', true), (4, 'ads', 'ad_user_data', true), (4, 'ads', 'ad_personalization', true);
            CREATE TABLE gold.person_activity (person_id BIGINT, activity_type VARCHAR, activity_at TIMESTAMPTZ);
            INSERT INTO gold.person_activity VALUES
                (1, 'order', TIMESTAMPTZ '2026-05-25 10:00:00+00'), (1, 'order', TIMESTAMPTZ '2026-05-20 10:00:00+00'), (1, 'order', TIMESTAMPTZ '2026-05-10 10:00:00+00'),
                (2, 'order', TIMESTAMPTZ '2026-02-01 10:00:00+00'),
                (4, 'order', TIMESTAMPTZ '2026-05-30 10:00:00+00'), (4, 'email_open', TIMESTAMPTZ '2026-05-30 11:00:00+00'),
                (5, 'order', TIMESTAMPTZ '2026-06-05 10:00:00+00');
            CREATE TABLE gold.customer_segments (person_id BIGINT, segment INTEGER, segment_name VARCHAR);
            INSERT INTO gold.customer_segments VALUES (1, 1, 'champions'), (2, 2, 'lapsed'), (4, 1, 'champions');
            """);
        if (withScores)
        {
            Run("""
                CREATE TABLE gold.customer_scores (person_id BIGINT, churn_probability DOUBLE, value DOUBLE);
                INSERT INTO gold.customer_scores VALUES (1, 0.8, 300), (2, 0.2, 20), (4, 0.9, 800), (5, 0.1, 50);
                """);
        }
    }

    public DuckDbEngine Engine { get; }

    public DeltaTable Open(string name) => new(new LocalObjectStore(_root.Combine("gold", name)), new DuckDbCheckpointFormat(Engine));

    public AudienceBuilder Builder(TimeProvider? clock = null) => new(Engine, Open, clock);

    public void Run(string sql) => Engine.ExecuteAsync(sql).GetAwaiter().GetResult();

    /// <summary>Reads an <c>audiences:</c> section written as YAML (the body, without the audiences key).</summary>
    public static AudienceSet Definitions(string yaml) => AudienceConfig.Read(CommandLineVars.Parse(yaml));

    /// <summary>Compiles a set and returns the compilation (errors included).</summary>
    public async Task<AudienceCompilation> CompileAsync(AudienceSet set)
        => (await Builder().CompileAsync(set, AudienceRelations.Gold, new BuildOptions(AsOf))).Compilation;

    /// <summary>The person ids meeting the one audience of a YAML condition.</summary>
    public async Task<long[]> MembersOfAsync(string condition)
    {
        var set = Definitions($"definitions: {{t: {{where: {condition}}}}}");
        var (compilation, relations, _) = await Builder().CompileAsync(set, AudienceRelations.Gold, new BuildOptions(AsOf));
        var audience = Assert.Single(compilation.OrThrow());
        var rows = await Engine.QueryAsync($"SELECT person_id FROM {relations.Profiles} AS p WHERE {audience.Predicate} ORDER BY person_id");
        return rows.Rows.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public void Dispose()
    {
        Engine.Dispose();
        _root.Dispose();
    }
}
