using System.Globalization;
using Cdp.Engine;
using Cdp.Ml.Features;

namespace Cdp.Ml.Tests.Features;

/// <summary>
/// The four source relations as temp tables in an engine, with helpers to add rows: a stand-in for the gold tables
/// with the same columns (purchases, purchase lines, activity, consents).
/// </summary>
internal sealed class FeatureLake : IAsyncDisposable
{
    public static readonly FeatureSources Sources = new("purchases", "purchase_lines", "activity", "consents");

    private FeatureLake(DuckDbEngine engine) => Engine = engine;

    public DuckDbEngine Engine { get; }

    public static async Task<FeatureLake> CreateAsync()
    {
        var engine = new DuckDbEngine();
        await engine.ExecuteAsync("""
            CREATE TABLE purchases (person_id BIGINT, purchase_id VARCHAR, purchase_channel VARCHAR, purchased_at TIMESTAMPTZ, amount_reporting DOUBLE);
            CREATE TABLE purchase_lines (person_id BIGINT, purchase_id VARCHAR, purchased_at TIMESTAMPTZ, sku VARCHAR, size VARCHAR, quantity BIGINT,
                                         category VARCHAR, usage_days BIGINT);
            CREATE TABLE activity (person_id BIGINT, channel VARCHAR, activity_type VARCHAR, activity_at TIMESTAMPTZ);
            CREATE TABLE consents (person_id BIGINT, channel VARCHAR, purpose VARCHAR, granted BOOLEAN);
            """);
        return new FeatureLake(engine);
    }

    /// <summary>A purchase of one product line (quantity 1) at the given UTC time.</summary>
    public Task BuyAsync(long person, string at, double amount, string channel = "eshop", string sku = "S1", string category = "skincare", int? usageDays = 60)
    {
        var id = Sql.Literal($"{person}-{at}-{sku}");
        var time = Sql.Literal(at + "+00");
        var usage = usageDays?.ToString(CultureInfo.InvariantCulture) ?? "NULL";
        return Engine.ExecuteAsync($"""
            INSERT INTO purchases VALUES ({person}, {id}, {Sql.Literal(channel)}, {time}, {amount.ToString(CultureInfo.InvariantCulture)});
            INSERT INTO purchase_lines VALUES ({person}, {id}, {time}, {Sql.Literal(sku)}, 'std', 1, {Sql.Literal(category)}, {usage});
            """);
    }

    public Task EventAsync(long person, string at, string channel, string type)
        => Engine.ExecuteAsync($"INSERT INTO activity VALUES ({person}, {Sql.Literal(channel)}, {Sql.Literal(type)}, {Sql.Literal(at + "+00")})");

    public Task ConsentAsync(long person, string purpose, bool granted)
        => Engine.ExecuteAsync($"INSERT INTO consents VALUES ({person}, 'email', {Sql.Literal(purpose)}, {(granted ? "true" : "false")})");

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
