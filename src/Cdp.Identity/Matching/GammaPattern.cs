namespace Cdp.Identity.Matching;

/// <summary>How many pairs share one gamma vector (one gamma per comparison, -1 for null).</summary>
internal sealed record GammaPattern(int[] Gammas, long Pairs);
