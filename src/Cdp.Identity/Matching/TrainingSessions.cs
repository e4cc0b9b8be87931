using System.Text.RegularExpressions;

namespace Cdp.Identity.Matching;

/// <summary>
/// Estimates m by one EM session per blocking rule, as Splink does. Pairs found by <c>l.surname = r.surname</c> all
/// agree on surname, so within that session the surname comparison says nothing and is left out; and the other
/// comparisons of non-matching pairs in that block look like random pairs, which is what the fixed u assumes. EM
/// over all candidates at once breaks that assumption (candidates agree far more often than random pairs) and
/// tends to call every candidate a match. Each comparison's m is the mean over the sessions that estimated it.
/// </summary>
internal static partial class TrainingSessions
{
    public static EmOutcome Run(MatchSettings settings, IReadOnlyList<GammaPattern> candidates, double[][] u)
    {
        var start = ParameterStart.M(settings);
        var sums = start.Select(a => new double[a.Length]).ToArray();
        var sessions = new int[start.Length];
        int iterations = 0;
        var converged = true;
        for (var rule = 0; rule < settings.BlockingRules.Count; rule++)
        {
            var used = ReferencedColumns(settings.BlockingRules[rule]);
            var estimated = settings.Comparisons.Select(c => !used.Contains(c.Column)).ToArray();
            if (!estimated.Any(e => e)) continue;
            var bit = 1L << rule;
            var patterns = candidates.Where(p => (p.Rules & bit) != 0)
                .Select(p => p with { Gammas = p.Gammas.Select((g, c) => estimated[c] ? g : ComparisonSql.NullGamma).ToArray() })
                .ToList();
            if (patterns.Count == 0) continue;
            var outcome = ExpectationMaximisation.Run(patterns, u, start, 0.1, settings.MaxIterations, settings.Tolerance);
            iterations = Math.Max(iterations, outcome.Iterations);
            converged &= outcome.Converged;
            for (var c = 0; c < estimated.Length; c++)
            {
                if (!estimated[c]) continue;
                sessions[c]++;
                for (var g = 0; g < sums[c].Length; g++) sums[c][g] += outcome.M[c][g];
            }
        }

        // A comparison every rule blocks on is never estimated in a session; it takes m from EM over all candidates.
        EmOutcome? all = null;
        var m = new double[start.Length][];
        for (var c = 0; c < m.Length; c++)
        {
            if (sessions[c] > 0)
            {
                m[c] = sums[c].Select(x => x / sessions[c]).ToArray();
                continue;
            }
            all ??= ExpectationMaximisation.Run(candidates, u, start, 0.1, settings.MaxIterations, settings.Tolerance);
            m[c] = all.M[c];
        }
        return new EmOutcome(m, 0, iterations, converged);
    }

    /// <summary>Column names a rule reads as <c>l.name</c>, <c>r.name</c> or <c>l."quoted name"</c>.</summary>
    internal static HashSet<string> ReferencedColumns(string rule)
        => ColumnReference().Matches(rule)
            .Select(m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value.Replace("\"\"", "\"", StringComparison.Ordinal) : m.Groups["plain"].Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("""\b[lr]\s*\.\s*(?:"(?<quoted>(?:[^"]|"")+)"|(?<plain>[A-Za-z_][A-Za-z0-9_]*))""")]
    private static partial Regex ColumnReference();
}
