using System.Globalization;
using Cdp.Engine;

namespace Cdp.Identity.Matching;

/// <summary>
/// Probabilistic deduplication of one relation (Fellegi-Sunter, as Splink does it): block candidate pairs, put each
/// in a level per comparison, estimate u on random pairs and m by EM over the candidates, score every candidate and
/// cluster the links. The engine does the pair work in SQL; C# does the estimation on aggregated counts.
/// </summary>
public static class Matcher
{
    /// <param name="relationSql">A query giving the records, e.g. <c>SELECT * FROM read_parquet('people.parquet')</c>.</param>
    public static async Task<MatchResult> RunAsync(DuckDbEngine engine, string relationSql, MatchSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        await MatchFunctions.EnsureRegisteredAsync(engine, cancellationToken).ConfigureAwait(false);
        var sql = new MatchSql(settings);
        var steps = new List<MatchStep>();
        async Task RunStep(MatchStep step)
        {
            steps.Add(step);
            await engine.ExecuteAsync(step.Sql, cancellationToken).ConfigureAwait(false);
        }
        async Task<QueryResult> QueryStep(MatchStep step)
        {
            steps.Add(step);
            return await engine.QueryAsync(step.Sql, cancellationToken).ConfigureAwait(false);
        }

        var columns = await ResolveColumnsAsync(engine, relationSql, settings, cancellationToken).ConfigureAwait(false);
        await RunStep(sql.Input(relationSql, columns)).ConfigureAwait(false);
        var records = await CheckIdsAsync(engine, settings.UniqueIdColumn, cancellationToken).ConfigureAwait(false);
        await CheckRulesAsync(engine, settings, cancellationToken).ConfigureAwait(false);

        await RunStep(sql.BlockedPairs()).ConfigureAwait(false);
        await RunStep(sql.ComparisonVectors()).ConfigureAwait(false);
        var candidates = Patterns(await QueryStep(sql.GammaPatterns()).ConfigureAwait(false), settings.Comparisons.Count);
        var sample = Patterns(await QueryStep(sql.USample(records, settings.MaxPairsForU)).ConfigureAwait(false), settings.Comparisons.Count);

        var parameters = Estimate(settings, records, candidates, sample);
        for (var c = 0; c < settings.Comparisons.Count; c++)
        {
            if (settings.Comparisons[c].TermFrequency) await RunStep(sql.TermFrequencies(c)).ConfigureAwait(false);
        }
        await RunStep(sql.ScoredPairs(parameters)).ConfigureAwait(false);

        var clusters = new PairClusters(checked((int)records));
        long links = 0;
        await engine.StreamAsync(sql.Links(parameters.ThresholdWeight), row =>
        {
            clusters.Link(checked((int)row.GetInt64(0)), checked((int)row.GetInt64(1)));
            links++;
        }, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>(checked((int)records));
        await engine.StreamAsync(sql.RecordIds(), row => ids.Add(row.GetString(0)), cancellationToken).ConfigureAwait(false);
        var labels = clusters.Labels();
        var assignment = ids.Select((id, i) => new RecordCluster(id, ids[labels[i]])).ToList();

        return new MatchResult(MatchSql.PairsTable, records, candidates.Sum(p => p.Pairs), links, assignment, parameters, steps);
    }

    /// <summary>The relation's columns, each with the name settings use for it (surrounding spaces trimmed).</summary>
    private static async Task<IReadOnlyList<(string Source, string Name)>> ResolveColumnsAsync(
        DuckDbEngine engine, string relationSql, MatchSettings settings, CancellationToken cancellationToken)
    {
        var described = await engine.DescribeAsync($"SELECT * FROM ({relationSql}) AS source", cancellationToken).ConfigureAwait(false);
        var columns = described.Select(c => (Source: c.Name, Name: c.Name.Trim())).ToList();
        var names = columns.Select(c => c.Name).ToList();
        if (!names.Contains(settings.UniqueIdColumn)) throw MatchErrors.UnknownColumn(settings.UniqueIdColumn, "unique_id", names);
        foreach (var comparison in settings.Comparisons)
        {
            if (!names.Contains(comparison.Column)) throw MatchErrors.UnknownColumn(comparison.Column, "a comparison", names);
        }
        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw MatchErrors.Invalid($"The input has two columns named '{repeated.Key}' once spaces are trimmed; rename one.");
        return columns;
    }

    private static async Task<long> CheckIdsAsync(DuckDbEngine engine, string idColumn, CancellationToken cancellationToken)
    {
        var duplicate = await engine.QueryAsync(MatchSql.DuplicateIds(idColumn), cancellationToken).ConfigureAwait(false);
        if (duplicate.Rows.Count > 0)
        {
            var row = duplicate.Rows[0];
            if (row[0] is null) throw MatchErrors.Invalid($"The unique id column '{idColumn}' is empty on {Convert.ToInt64(row[1], CultureInfo.InvariantCulture)} records; every record needs an id.");
            throw MatchErrors.DuplicateId(idColumn, (string)row[0]!, Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
        }
        var count = await engine.QueryAsync($"SELECT count(*) FROM {MatchSql.InputTable}", cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count.Scalar, CultureInfo.InvariantCulture);
    }

    /// <summary>Binds each rule on its own first, so an error names the rule rather than the whole union.</summary>
    private static async Task CheckRulesAsync(DuckDbEngine engine, MatchSettings settings, CancellationToken cancellationToken)
    {
        for (var i = 0; i < settings.BlockingRules.Count; i++)
        {
            try
            {
                await engine.DescribeAsync(MatchSql.RulePairs(settings.BlockingRules[i]), cancellationToken).ConfigureAwait(false);
            }
            catch (SqlEngineException e)
            {
                throw MatchErrors.BlockingRule(i, settings.BlockingRules[i], e.Message.Split('\n')[0]);
            }
        }
    }

    private static void Validate(MatchSettings settings)
    {
        if (settings.BlockingRules.Count == 0) throw MatchErrors.Invalid("Match settings need at least one blocking rule.");
        if (settings.Comparisons.Count == 0) throw MatchErrors.Invalid("Match settings need at least one comparison.");
        var twice = settings.Comparisons.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw MatchErrors.Invalid($"Column '{twice.Key}' is compared twice; give each column one comparison.");
        foreach (var c in settings.Comparisons)
        {
            if (c.Levels.Count < 2 || c.Levels[^1].Kind != LevelKind.Else || c.Levels.Take(c.Levels.Count - 1).Any(l => l.Kind == LevelKind.Else))
                throw MatchErrors.Invalid($"Comparison '{c.Name}' needs at least one level and then 'else' as its last (and only last) level.");
        }
        if (settings.Threshold is { IsWeight: false, Value: <= 0 or >= 1 })
            throw MatchErrors.Invalid($"The link threshold probability must be strictly between 0 and 1, not {settings.Threshold.Value.ToString(CultureInfo.InvariantCulture)}.");
        if (settings.Lambda is <= 0 or >= 1)
            throw MatchErrors.Invalid($"Lambda must be strictly between 0 and 1, not {settings.Lambda.Value.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>Reads gamma columns, then the pair count, then (for candidates) the rule mask.</summary>
    private static List<GammaPattern> Patterns(QueryResult result, int comparisons)
        => result.Rows.Select(r => new GammaPattern(
                r.Take(comparisons).Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToArray(),
                Convert.ToInt64(r[comparisons], CultureInfo.InvariantCulture),
                r.Length > comparisons + 1 ? Convert.ToInt64(r[comparisons + 1], CultureInfo.InvariantCulture) : 0))
            .ToList();

    internal static MatchParameters Estimate(MatchSettings settings, long records, IReadOnlyList<GammaPattern> candidates, IReadOnlyList<GammaPattern> sample)
    {
        var u = ParameterStart.U(settings, sample);
        var training = TrainingSessions.Run(settings, candidates, u);
        var candidatePairs = candidates.Sum(p => (double)p.Pairs);
        var allPairs = records * (records - 1) / 2.0;
        // A given lambda is over all pairs; EM's proportion is among candidates, so scale between the two. Matches
        // outside every block are assumed rare (that is what good blocking rules mean).
        var start = settings.Lambda is { } given && candidatePairs > 0 ? Math.Clamp(given * allPairs / candidatePairs, 1e-6, 0.9) : 0.1;
        var proportion = ExpectationMaximisation.MatchProportion(candidates, training.M, u, start, settings.MaxIterations, settings.Tolerance);
        var lambda = settings.Lambda ?? Math.Clamp(allPairs > 0 ? proportion * candidatePairs / allPairs : 0.5, 1e-9, 1 - 1e-9);
        var em = new EmOutcome(training.M, proportion, training.Iterations, training.Converged);
        var comparisons = settings.Comparisons.Select((c, ci) => new ComparisonParameters(c.Name,
            c.Levels.Select((level, li) =>
            {
                var gamma = ComparisonSql.Gamma(c, li);
                return new LevelParameters(gamma, level.Label, em.M[ci][gamma], u[ci][gamma]);
            }).ToList())).ToList();
        return new MatchParameters(lambda, settings.Lambda is null, em.MatchProportion, em.Iterations, em.Converged,
            settings.Threshold.AsWeight, comparisons);
    }
}
