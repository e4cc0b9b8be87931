namespace Cdp.Identity.Matching;

/// <summary>
/// How to find records of the same entity in one relation (deduplication), Fellegi-Sunter style: candidate pairs
/// come from the union of the blocking rules, each comparison puts a pair in one of its ordered levels, and the
/// pair's match weight is the prior plus each level's log2(m/u).
/// </summary>
/// <param name="UniqueIdColumn">The column that identifies a record; values must be unique.</param>
/// <param name="BlockingRules">SQL predicates on <c>l.</c> and <c>r.</c>; a pair is a candidate when any rule holds.</param>
/// <param name="Comparisons">One per compared column, each with ordered levels (best first).</param>
/// <param name="Threshold">Pairs at or above it are links; links are clustered.</param>
/// <param name="Lambda">The probability two random records match; estimated from the data when null.</param>
public sealed record MatchSettings(
    string UniqueIdColumn,
    IReadOnlyList<string> BlockingRules,
    IReadOnlyList<Comparison> Comparisons,
    LinkThreshold Threshold,
    double? Lambda = null)
{
    /// <summary>Seed of the random pairs u is estimated on: the same seed and input give the same parameters.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>
    /// How many random pairs estimate u. All pairs are used when there are fewer. A million (Splink's usual figure)
    /// pins u of rare levels well; fewer runs faster on small machines.
    /// </summary>
    public long MaxPairsForU { get; init; } = 1_000_000;

    public int MaxIterations { get; init; } = 100;

    /// <summary>EM stops when no m value and not the match proportion moves by more than this between iterations.</summary>
    public double Tolerance { get; init; } = 1e-5;
}

/// <summary>How one column is compared.</summary>
/// <param name="Column">The compared column of the relation.</param>
/// <param name="Levels">Best first; a pair falls in the first level whose test holds. Pairs where either value is null
/// fall in an implicit null level that weighs nothing.</param>
/// <param name="TermFrequency">Adjust the exact level's weight by how common the value is: a shared rare surname says
/// more than a shared common one.</param>
public sealed record Comparison(string Column, IReadOnlyList<ComparisonLevel> Levels, bool TermFrequency = false)
{
    /// <summary>The name of the comparison in outputs (<c>gamma_&lt;name&gt;</c>): the column.</summary>
    public string Name => Column;
}

public enum LevelKind
{
    /// <summary>Both values equal.</summary>
    Exact,

    /// <summary>Jaro-Winkler similarity at least <see cref="ComparisonLevel.Value"/>.</summary>
    JaroWinkler,

    /// <summary>Levenshtein distance at most <see cref="ComparisonLevel.Value"/>.</summary>
    Levenshtein,

    /// <summary>Both values read as dates at most <see cref="ComparisonLevel.Value"/> days apart.</summary>
    DateWithinDays,

    /// <summary>Both values read as dates in the same year.</summary>
    SameYear,

    /// <summary>Everything else: always the last level.</summary>
    Else,
}

/// <summary>One level of a comparison.</summary>
public sealed record ComparisonLevel(LevelKind Kind, double Value = 0)
{
    public static ComparisonLevel Exact { get; } = new(LevelKind.Exact);

    public static ComparisonLevel Else { get; } = new(LevelKind.Else);

    /// <summary>A short label for tables and parameter files, e.g. <c>jaro_winkler &gt;= 0.9</c>.</summary>
    public string Label => Kind switch
    {
        LevelKind.Exact => "exact",
        LevelKind.JaroWinkler => FormattableString.Invariant($"jaro_winkler >= {Value}"),
        LevelKind.Levenshtein => FormattableString.Invariant($"levenshtein <= {Value}"),
        LevelKind.DateWithinDays => FormattableString.Invariant($"within {Value} days"),
        LevelKind.SameYear => "same year",
        _ => "else",
    };
}

/// <summary>The link threshold: a match probability in (0, 1), or a match weight (log2 odds).</summary>
public sealed record LinkThreshold(double Value, bool IsWeight)
{
    public static LinkThreshold Probability(double p) => new(p, false);

    public static LinkThreshold Weight(double w) => new(w, true);

    /// <summary>The threshold as a match weight (pairs are compared on weight, which keeps precision at extreme odds).</summary>
    public double AsWeight => IsWeight ? Value : Math.Log2(Value / (1 - Value));
}
