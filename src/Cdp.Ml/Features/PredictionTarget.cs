using System.Globalization;

namespace Cdp.Ml.Features;

/// <summary>What a label says about the <see cref="HorizonDays"/> days from a cutoff on.</summary>
public enum TargetKind
{
    /// <summary>No purchase at all in the horizon.</summary>
    Churn,

    /// <summary>At least one purchase in the horizon (of <see cref="PredictionTarget.Category"/> when one is named).</summary>
    Repurchase,
}

/// <summary>
/// A label to predict: churn (no purchase in the next <see cref="HorizonDays"/> days, 90 by default) or repurchase
/// (buys again in the next <see cref="HorizonDays"/> days, 30 by default: the replenishment window), overall or of one
/// product category. <see cref="ModelName"/> names the model in the registry: <c>churn</c>, <c>repurchase</c>,
/// <c>repurchase_skincare</c>.
/// </summary>
public sealed record PredictionTarget(TargetKind Kind, int HorizonDays, string? Category = null)
{
    public const int DefaultChurnHorizon = 90;
    public const int DefaultRepurchaseHorizon = 30;

    public static PredictionTarget Churn(int horizonDays = DefaultChurnHorizon) => new(TargetKind.Churn, horizonDays);

    public static PredictionTarget Repurchase(int horizonDays = DefaultRepurchaseHorizon, string? category = null)
        => new(TargetKind.Repurchase, horizonDays, category);

    public string ModelName => Kind switch
    {
        TargetKind.Churn => "churn",
        _ when Category is null => "repurchase",
        _ => "repurchase_" + FeatureSpec.Slug(Category),
    };

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{ModelName} (horizon {HorizonDays} days)");

    /// <summary>
    /// Parses <c>churn</c>, <c>repurchase</c> or <c>repurchase:&lt;category&gt;</c>; a null horizon takes the target's default.
    /// </summary>
    public static PredictionTarget Parse(string text, int? horizonDays = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (horizonDays is <= 0)
            throw new ArgumentOutOfRangeException(nameof(horizonDays), horizonDays, "The horizon must be at least one day.");
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        return parts[0].ToLowerInvariant() switch
        {
            "churn" when parts.Length == 1 => Churn(horizonDays ?? DefaultChurnHorizon),
            "repurchase" when parts.Length == 1 => Repurchase(horizonDays ?? DefaultRepurchaseHorizon),
            "repurchase" when parts[1].Length > 0 => Repurchase(horizonDays ?? DefaultRepurchaseHorizon, parts[1]),
            _ => throw new ArgumentException(
                $"Unknown prediction target '{text}': use churn, repurchase or repurchase:<category> (for example repurchase:skincare).", nameof(text)),
        };
    }
}
