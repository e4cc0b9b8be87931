namespace Cdp.Identity.Matching;

/// <summary>The m and u of one comparison level and the weight log2(m/u) a pair in it adds.</summary>
/// <param name="Gamma">The level's number in the gamma columns (0 = else, higher = closer).</param>
/// <param name="M">Probability a matching pair falls in this level (estimated by EM).</param>
/// <param name="U">Probability a non-matching pair falls in this level (estimated on random pairs).</param>
public sealed record LevelParameters(int Gamma, string Label, double M, double U)
{
    public double Weight => Math.Log2(Math.Max(M, MatchParameters.MinProbability) / Math.Max(U, MatchParameters.MinProbability));
}

public sealed record ComparisonParameters(string Name, IReadOnlyList<LevelParameters> Levels);

/// <summary>The estimated model: what the weights of every scored pair are made of.</summary>
/// <param name="Lambda">The prior probability two random records match, as given or estimated.</param>
/// <param name="LambdaEstimated">False when the settings gave lambda.</param>
/// <param name="BlockedMatchProportion">EM's share of matches among the candidate pairs.</param>
/// <param name="ThresholdWeight">The link threshold as a match weight.</param>
public sealed record MatchParameters(
    double Lambda,
    bool LambdaEstimated,
    double BlockedMatchProportion,
    int Iterations,
    bool Converged,
    double ThresholdWeight,
    IReadOnlyList<ComparisonParameters> Comparisons)
{
    /// <summary>
    /// Floor on m and u in weights: a level never seen among matches (or random pairs) is rare, not impossible, and
    /// an infinite weight would let one comparison overrule all the others.
    /// </summary>
    public const double MinProbability = 1e-6;

    /// <summary>log2(lambda / (1 - lambda)): the weight of a pair before any comparison.</summary>
    public double PriorWeight => Math.Log2(Lambda / (1 - Lambda));
}
