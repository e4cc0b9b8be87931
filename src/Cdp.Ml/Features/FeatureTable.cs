using System.Globalization;
using Cdp.Delta;
using Cdp.Engine;

namespace Cdp.Ml.Features;

/// <summary>
/// Publishes a feature frame as the Delta table <c>gold.customer_features</c>: one row per person with every feature
/// as of the frame's cutoff, so analysts and notebooks read the exact inputs of the latest scores.
/// </summary>
public static class FeatureTable
{
    public const string TableName = "customer_features";

    /// <summary>Replaces the table's rows with the frame (NaN as NULL) and the day the data runs to, in one commit.</summary>
    public static async Task<long> PublishAsync(DuckDbEngine engine, DeltaTable table, FeatureFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(frame);
        const string staging = "_cdp_ml_features";
        var numeric = frame.Spec.NumericColumns;
        var categorical = frame.Spec.CategoricalColumns;
        var columns = numeric.Select(c => $"{Sql.Identifier(c)} DOUBLE").Concat(categorical.Select(c => $"{Sql.Identifier(c)} VARCHAR"));
        await engine.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE {staging} (person_id BIGINT, {string.Join(", ", columns)})", cancellationToken).ConfigureAwait(false);
        var values = new List<Array> { frame.PersonIds };
        values.AddRange(numeric.Select((_, c) => frame.Numeric.Select(row => row[c]).ToArray()));
        values.AddRange(categorical.Select((_, c) => frame.Categorical.Select(row => row[c]).ToArray()));
        await engine.AppendAsync(staging, frame.Rows, values, cancellationToken).ConfigureAwait(false);
        var asOf = Sql.Literal(frame.Cutoff.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var select = string.Join(", ", numeric.Select(c => $"CASE WHEN isnan({Sql.Identifier(c)}) THEN NULL ELSE {Sql.Identifier(c)} END AS {Sql.Identifier(c)}")
            .Concat(categorical.Select(Sql.Identifier)));
        var result = await new DeltaWriter(engine).WriteAsync(table,
            $"SELECT person_id, {select}, DATE {asOf} AS data_as_of FROM {staging} ORDER BY person_id",
            WriteMode.Overwrite, new WriteOptions { OverwriteSchema = true }, cancellationToken).ConfigureAwait(false);
        await engine.ExecuteAsync($"DROP TABLE {staging}", cancellationToken).ConfigureAwait(false);
        return result.Version;
    }
}
