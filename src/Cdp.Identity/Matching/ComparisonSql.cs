using System.Globalization;
using Cdp.Engine;

namespace Cdp.Identity.Matching;

/// <summary>
/// Renders a comparison as the SQL that puts a pair in a level. Gamma numbers follow Splink: -1 when either value is
/// null, 0 for the last level ('else'), and the first (best) listed level highest; so a bigger gamma is a closer pair.
/// </summary>
internal static class ComparisonSql
{
    public const int NullGamma = -1;

    /// <summary>The gamma of the level at <paramref name="index"/> in the comparison's list.</summary>
    public static int Gamma(Comparison comparison, int index) => comparison.Levels.Count - 1 - index;

    public static string GammaColumn(Comparison comparison) => Sql.Identifier("gamma_" + comparison.Name);

    /// <summary>A CASE expression over <c>l</c> and <c>r</c> giving the pair's gamma.</summary>
    public static string GammaExpression(Comparison comparison)
    {
        var column = Sql.Identifier(comparison.Column);
        var (l, r) = ("l." + column, "r." + column);
        var sql = new System.Text.StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"CASE WHEN {l} IS NULL OR {r} IS NULL THEN {NullGamma}");
        for (var i = 0; i < comparison.Levels.Count; i++)
        {
            var level = comparison.Levels[i];
            if (level.Kind == LevelKind.Else) break;
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {Predicate(level, l, r)} THEN {Gamma(comparison, i)}");
        }
        sql.Append(" ELSE 0 END");
        return sql.ToString();
    }

    private static string Predicate(ComparisonLevel level, string l, string r) => level.Kind switch
    {
        LevelKind.Exact => $"{l} = {r}",
        LevelKind.JaroWinkler => $"{MatchFunctions.JaroWinkler}({l}, {r}) >= {Number(level.Value)}",
        LevelKind.Levenshtein => $"{MatchFunctions.Levenshtein}({l}, {r}) <= {Number(level.Value)}",
        LevelKind.DateWithinDays => $"abs(date_diff('day', {Date(l)}, {Date(r)})) <= {Number(level.Value)}",
        LevelKind.SameYear => $"year({Date(l)}) = year({Date(r)})",
        _ => throw new InvalidOperationException($"Bug: level {level.Kind} has no predicate."),
    };

    /// <summary>
    /// A text value read as a date: ISO first, then the compact and day-first forms person files use. A value none of
    /// them reads is NULL, so the pair falls through to the next level instead of failing the query.
    /// </summary>
    private static string Date(string value)
        => $"coalesce(try_cast({value} AS DATE), CAST(try_strptime({value}, '%Y%m%d') AS DATE), CAST(try_strptime({value}, '%d/%m/%Y') AS DATE))";

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
