using System.Globalization;
using Cdp.Ml.Btyd;
using Cdp.Testing;

namespace Cdp.Ml.Tests.Btyd;

/// <summary>
/// The CDNOW sample read in place from shared/data/ml/cdnow (see SOURCE.txt there): 2,357 customers who first bought
/// in Q1 1997, summarised in weeks over a 39-week calibration period ending 1997-09-30.
/// </summary>
public static class Cdnow
{
    /// <summary>The folder, or null when the shared data is absent (tests then print one line and pass).</summary>
    public static string? Folder => RepositoryPaths.SharedData is { } d && Directory.Exists(Path.Combine(d, "ml", "cdnow"))
        ? Path.Combine(d, "ml", "cdnow")
        : null;

    public const string Missing = "SKIPPED: shared/data/ml/cdnow is absent (set CDP_TEST_DATA to the shared data folder).";

    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    /// <summary>cdnow_customers_summary.csv: ID,frequency,recency,T.</summary>
    public static IReadOnlyList<CustomerSummary> Summary(string folder)
        => Rows(Path.Combine(folder, "cdnow_customers_summary.csv"))
            .Select(f => new CustomerSummary(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), Number(f[2]), Number(f[3])))
            .ToList();

    /// <summary>cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar.</summary>
    public static IReadOnlyList<CustomerSummary> SummaryWithSpend(string folder)
        => Rows(Path.Combine(folder, "cdnow_customers_summary_with_transactions.csv"))
            .Select(f => new CustomerSummary(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), Number(f[2]), Number(f[3]), Number(f[4])))
            .ToList();

    /// <summary>
    /// CDNOW_sample.txt as a relation (customer_id = the sample id, purchased_at DATE, amount): the file is
    /// whitespace-aligned without a header, so each line is split on runs of blanks.
    /// </summary>
    public static string TransactionsSql(string folder)
        => $$"""
            SELECT parts[2] AS customer_id,
                   CAST(strptime(parts[3], '%Y%m%d') AS DATE) AS purchased_at,
                   CAST(parts[5] AS DOUBLE) AS amount
            FROM (SELECT regexp_split_to_array(trim(line), '\s+') AS parts
                  FROM read_csv({{Cdp.Engine.Sql.Literal(Path.Combine(folder, "CDNOW_sample.txt"))}}, header = false, delim = '|', columns = {'line': 'VARCHAR'}))
            """;

    private static IEnumerable<string[]> Rows(string path)
        => File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','));

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
