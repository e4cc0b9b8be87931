using Cdp.Engine;

namespace Cdp.Identity.Matching;

/// <summary>
/// The string metrics as SQL functions, so blocking rules and comparisons can call them:
/// <c>cdp_jaro_winkler(a, b)</c> (similarity in [0, 1]) and <c>cdp_levenshtein(a, b)</c> (edit distance).
/// Either argument NULL gives NULL, as SQL comparisons expect.
/// </summary>
public static class MatchFunctions
{
    public const string JaroWinkler = "cdp_jaro_winkler";

    public const string Levenshtein = "cdp_levenshtein";

    /// <summary>Registers the functions unless the engine already has them (a second run on one engine reuses them).</summary>
    public static async Task EnsureRegisteredAsync(DuckDbEngine engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var existing = await engine.QueryAsync(
            $"SELECT count(*) FROM duckdb_functions() WHERE function_name = {Sql.Literal(JaroWinkler)}", cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt64(existing.Scalar, System.Globalization.CultureInfo.InvariantCulture) == 0) Register(engine);
    }

    /// <summary>Registers the functions; an engine can take them once.</summary>
    public static void Register(DuckDbEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        engine.RegisterFunction(JaroWinkler, (a, b) => a is null || b is null ? null : StringMetrics.JaroWinkler(a, b));
        engine.RegisterFunction(Levenshtein, (a, b) => a is null || b is null ? null : (double?)StringMetrics.Levenshtein(a, b));
    }
}
