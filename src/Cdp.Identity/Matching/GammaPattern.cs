namespace Cdp.Identity.Matching;

/// <summary>
/// How many pairs share one gamma vector (one gamma per comparison, -1 for null) and one set of blocking rules
/// (bit i set when rule i holds for the pair).
/// </summary>
internal sealed record GammaPattern(int[] Gammas, long Pairs, long Rules = 0);
