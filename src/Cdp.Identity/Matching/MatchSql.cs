using System.Globalization;
using Cdp.Engine;

namespace Cdp.Identity.Matching;

/// <summary>One named SQL statement of a match run; each can be run and inspected on its own.</summary>
public sealed record MatchStep(string Name, string Sql);

/// <summary>
/// The SQL of a match run as named steps over temporary tables (connection-local, so concurrent runs on forked
/// connections do not collide): input → blocked pairs → comparison vectors → gamma patterns (read by EM in C#) →
/// u sample → term frequencies → scored pairs. Column names come from the settings and are quoted through
/// <see cref="Sql.Identifier"/>; blocking rules are the user's SQL by design.
/// </summary>
internal sealed class MatchSql(MatchSettings settings)
{
    public const string InputTable = "cdp_match_input";
    public const string BlockedPairsTable = "cdp_match_blocked_pairs";
    public const string VectorsTable = "cdp_match_comparison_vectors";
    public const string PairsTable = "cdp_match_pairs";
    private const string Row = "__cdp_row";

    /// <summary>
    /// Every column as trimmed text (empty is NULL) under its trimmed name, plus a dense row number in id order. Text
    /// because comparisons are on text (a postcode read as an integer loses its leading zero), trimmed because
    /// fixed-width and "a, b" CSV files pad values; the row number makes pair order and sampling independent of scan order.
    /// </summary>
    public MatchStep Input(string relationSql, IReadOnlyList<(string Source, string Name)> columns)
    {
        var id = columns.Single(c => c.Name == settings.UniqueIdColumn);
        var projected = string.Join(",\n  ", columns.Select(c => c.Name == settings.UniqueIdColumn
            ? $"trim(CAST({Sql.Identifier(c.Source)} AS VARCHAR)) AS {Sql.Identifier(c.Name)}"
            : $"nullif(trim(CAST({Sql.Identifier(c.Source)} AS VARCHAR)), '') AS {Sql.Identifier(c.Name)}"));
        return new("input", $"""
            CREATE OR REPLACE TEMP TABLE {InputTable} AS
            SELECT row_number() OVER (ORDER BY trim(CAST({Sql.Identifier(id.Source)} AS VARCHAR))) - 1 AS {Row},
              {projected}
            FROM ({relationSql}) AS source
            """);
    }

    public static string DuplicateIds(string idColumn) => $"""
        SELECT {Sql.Identifier(idColumn)}, count(*) AS n FROM {InputTable}
        GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, 1 LIMIT 1
        """;

    /// <summary>The pairs one rule yields, each once with the lower row first.</summary>
    public static string RulePairs(string rule) => $"""
        SELECT l.{Row} AS row_l, r.{Row} AS row_r
        FROM {InputTable} AS l JOIN {InputTable} AS r ON l.{Row} < r.{Row} AND ({rule})
        """;

    /// <summary>The union of the rules' pairs: UNION (not NOT-previous-rule filters, which drop pairs on NULLs) keeps each pair once.</summary>
    public MatchStep BlockedPairs() => new("blocked_pairs", $"""
        CREATE OR REPLACE TEMP TABLE {BlockedPairsTable} AS
        {string.Join("\nUNION\n", settings.BlockingRules.Select(RulePairs))}
        """);

    public MatchStep ComparisonVectors() => new("comparison_vectors", $"""
        CREATE OR REPLACE TEMP TABLE {VectorsTable} AS
        SELECT {IdColumns()},
          {Gammas()},
          {RuleMask()} AS __cdp_rules{TermValues()}
        FROM {BlockedPairsTable} AS p
        JOIN {InputTable} AS l ON l.{Row} = p.row_l
        JOIN {InputTable} AS r ON r.{Row} = p.row_r
        """);

    public MatchStep GammaPatterns() => new("gamma_patterns", $"""
        SELECT {GammaList()}, count(*) AS pairs, __cdp_rules FROM {VectorsTable} GROUP BY ALL ORDER BY ALL
        """);

    /// <summary>
    /// Gamma patterns of random pairs, which are nearly all non-matches: u is read off them. All pairs when there are
    /// no more than <paramref name="sampleSize"/>; otherwise pairs drawn with replacement by hashing (draw, seed), so
    /// the same seed gives the same sample on any machine and thread count.
    /// </summary>
    public MatchStep USample(long records, long sampleSize)
    {
        var allPairs = records * (records - 1) / 2;
        var pairs = allPairs <= sampleSize
            ? $"SELECT l.{Row} AS row_l, r.{Row} AS row_r FROM {InputTable} AS l JOIN {InputTable} AS r ON l.{Row} < r.{Row}"
            : $"""
              SELECT least(a, b) AS row_l, greatest(a, b) AS row_r FROM (
                SELECT CAST(hash(draw, {Seed}) % {records} AS BIGINT) AS a, CAST(hash(draw, {Seed}, 1) % {records} AS BIGINT) AS b
                FROM range({sampleSize}) AS t(draw)) WHERE a <> b
              """;
        return new("u_sample", $"""
            SELECT {Gammas()}, count(*) AS pairs
            FROM ({pairs}) AS p
            JOIN {InputTable} AS l ON l.{Row} = p.row_l
            JOIN {InputTable} AS r ON r.{Row} = p.row_r
            GROUP BY ALL ORDER BY ALL
            """);
    }

    private string Seed => settings.Seed.ToString(CultureInfo.InvariantCulture) + "::UBIGINT";

    public static string TermFrequencyTable(int comparison) => "cdp_match_tf_" + comparison.ToString(CultureInfo.InvariantCulture);

    /// <summary>The share of records holding each value of the column: the u of an exact match on that value.</summary>
    public MatchStep TermFrequencies(int comparison)
    {
        var column = Sql.Identifier(settings.Comparisons[comparison].Column);
        return new("term_frequencies_" + settings.Comparisons[comparison].Name, $"""
            CREATE OR REPLACE TEMP TABLE {TermFrequencyTable(comparison)} AS
            SELECT {column} AS value, count(*) / sum(count(*)) OVER () AS tf
            FROM {InputTable} WHERE {column} IS NOT NULL GROUP BY 1
            """);
    }

    /// <summary>
    /// Every candidate pair with its match weight (prior + each level's log2(m/u), the exact level of a term-frequency
    /// comparison using the value's own u) and probability 1 / (1 + 2^-weight), which stays finite at extreme weights.
    /// </summary>
    public MatchStep ScoredPairs(MatchParameters parameters)
    {
        var terms = new List<string> { ComparisonSql.Number(parameters.PriorWeight) };
        var joins = new List<string>();
        for (var c = 0; c < settings.Comparisons.Count; c++)
        {
            var comparison = settings.Comparisons[c];
            var levels = parameters.Comparisons[c].Levels;
            var cases = new List<string>();
            foreach (var level in levels)
            {
                var weight = ComparisonSql.Number(level.Weight);
                if (comparison.TermFrequency && level.Label == ComparisonLevel.Exact.Label)
                {
                    var alias = "tf" + c.ToString(CultureInfo.InvariantCulture);
                    joins.Add($"LEFT JOIN {TermFrequencyTable(c)} AS {alias} ON {alias}.value = v.{TermValueColumn(comparison)}");
                    weight = $"coalesce(log2({ComparisonSql.Number(level.M)} / greatest({alias}.tf, {ComparisonSql.Number(MatchParameters.MinProbability)})), {weight})";
                }
                cases.Add($"WHEN {level.Gamma} THEN {weight}");
            }
            terms.Add($"CASE v.{ComparisonSql.GammaColumn(comparison)} {string.Join(" ", cases)} ELSE 0 END");
        }
        var gammas = string.Join(", ", settings.Comparisons.Select(c => "v." + ComparisonSql.GammaColumn(c)));
        return new("scored_pairs", $"""
            CREATE OR REPLACE TEMP TABLE {PairsTable} AS
            SELECT id_l, id_r, match_weight, 1.0 / (1.0 + pow(2.0, -match_weight)) AS match_probability, {string.Join(", ", settings.Comparisons.Select(ComparisonSql.GammaColumn))}
            FROM (
              SELECT v.id_l, v.id_r,
                CAST({string.Join("\n    + ", terms)} AS DOUBLE) AS match_weight,
                {gammas}
              FROM {VectorsTable} AS v
              {string.Join("\n  ", joins)}
            )
            ORDER BY id_l, id_r
            """);
    }

    public string Links(double thresholdWeight)
        => $"SELECT l.{Row}, r.{Row} FROM {PairsTable} AS p JOIN {InputTable} AS l ON l.{Sql.Identifier(settings.UniqueIdColumn)} = p.id_l JOIN {InputTable} AS r ON r.{Sql.Identifier(settings.UniqueIdColumn)} = p.id_r WHERE p.match_weight >= {ComparisonSql.Number(thresholdWeight)}";

    public string RecordIds() => $"SELECT {Sql.Identifier(settings.UniqueIdColumn)} FROM {InputTable} ORDER BY {Row}";

    private string IdColumns()
    {
        var id = Sql.Identifier(settings.UniqueIdColumn);
        return $"l.{id} AS id_l, r.{id} AS id_r";
    }

    private string Gammas() => string.Join(",\n  ", settings.Comparisons.Select(c => $"{ComparisonSql.GammaExpression(c)} AS {ComparisonSql.GammaColumn(c)}"));

    /// <summary>Which rules hold for the pair, as bits: EM trains one session per rule on that rule's pairs.</summary>
    private string RuleMask() => string.Join(" + ", settings.BlockingRules.Select((rule, i)
        => $"(CASE WHEN coalesce(({rule}), false) THEN {1L << i} ELSE 0 END)::BIGINT"));

    private string GammaList() => string.Join(", ", settings.Comparisons.Select(ComparisonSql.GammaColumn));

    private string TermValues() => string.Concat(settings.Comparisons.Where(c => c.TermFrequency)
        .Select(c => $",\n  l.{Sql.Identifier(c.Column)} AS {TermValueColumn(c)}"));

    private static string TermValueColumn(Comparison c) => Sql.Identifier("tf_value_" + c.Name);
}
