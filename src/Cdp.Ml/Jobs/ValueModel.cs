using System.Globalization;
using System.Text.Json;
using Cdp.Engine;
using Cdp.Ml.Btyd;
using Cdp.Ml.Features;

namespace Cdp.Ml.Jobs;

/// <summary>What the value model says about one customer over its horizon.</summary>
public sealed record CustomerValueScore(double ExpectedPurchases, double ProbabilityAlive, double ExpectedSpend, double Value);

/// <summary>
/// Customer value: BG/NBD for the number of purchases (in days) and Gamma-Gamma for the spend per purchase, fitted by
/// maximum likelihood on the purchases before a cutoff; value = expected purchases over the horizon x expected spend.
/// Its registry artifact is the parameters as JSON.
/// </summary>
public sealed record ValueModel(BgNbdParameters Purchases, GammaGammaParameters Spend, DateOnly Cutoff, int Customers, int RepeatBuyers, int HorizonDays)
{
    public const int DefaultHorizonDays = 365;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Fits both models on the purchases strictly before <paramref name="cutoff"/>.</summary>
    public static async Task<ValueModel> FitAsync(DuckDbEngine engine, FeatureSources sources, DateOnly cutoff, int horizonDays = DefaultHorizonDays,
        CancellationToken cancellationToken = default)
    {
        var summaries = await SummariesAsync(engine, sources, cutoff, cancellationToken).ConfigureAwait(false);
        return Fit([.. summaries.Values], cutoff, horizonDays);
    }

    /// <summary>Fits both models on summaries built as of <paramref name="cutoff"/> (see <see cref="SummariesAsync"/>).</summary>
    public static ValueModel Fit(IReadOnlyCollection<CustomerSummary> summaries, DateOnly cutoff, int horizonDays = DefaultHorizonDays)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var purchases = BgNbdModel.FitTo(summaries);
        var spend = GammaGammaModel.FitTo(summaries);
        return new ValueModel(purchases.Parameters, spend.Parameters, cutoff, summaries.Count, summaries.Count(s => s.IsRepeatBuyer), horizonDays);
    }

    /// <summary>
    /// Frequency, recency, age (in days) and mean repeat spend per person from the purchases strictly before
    /// <paramref name="cutoff"/>, age measured to the cutoff's midnight so that it is never zero; people who refused
    /// profiling are left out.
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, CustomerSummary>> SummariesAsync(DuckDbEngine engine, FeatureSources sources, DateOnly cutoff,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var transactions = $"""
            SELECT person_id, purchased_at, amount_reporting FROM {sources.Purchases}
            WHERE CAST(purchased_at AS TIMESTAMPTZ) < {PointInTimeFeatures.CutoffTimestamp(cutoff)} {PointInTimeFeatures.ConsentedFilter(sources, "AND")}
            """;
        var summaries = await CustomerSummaryBuilder.BuildAsync(engine, transactions,
            new SummaryOptions(cutoff, SummaryUnit.Days, new TransactionColumns("person_id", "purchased_at", "amount_reporting")), cancellationToken).ConfigureAwait(false);
        return summaries.ToDictionary(s => long.Parse(s.CustomerId, CultureInfo.InvariantCulture));
    }

    /// <summary>The customer's expected purchases, probability of being alive, expected spend and value over <paramref name="horizonDays"/> (the model's horizon when null).</summary>
    public CustomerValueScore Score(CustomerSummary customer, int? horizonDays = null)
    {
        var purchases = new BgNbdModel(Purchases);
        var spend = new GammaGammaModel(Spend);
        var horizon = horizonDays ?? HorizonDays;
        var expected = purchases.ConditionalExpectedPurchases(horizon, customer);
        var perPurchase = spend.ConditionalExpectedSpend(customer);
        return new CustomerValueScore(expected, purchases.ProbabilityAlive(customer), perPurchase, expected * perPurchase);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads <see cref="ToJson"/>; anything else is an <see cref="InvalidDataException"/> saying so.</summary>
    public static ValueModel FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<ValueModel>(json) ?? throw new InvalidDataException("The value model artifact is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The value model artifact is not a value model's JSON: {e.Message}", e);
        }
    }
}
