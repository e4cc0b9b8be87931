using System.Data.Common;
using System.Globalization;
using Cdp.Engine;
using Cdp.Ml.Training;

namespace Cdp.Ml.Features;

/// <summary>The days the sources cover: the first purchase day and the last day with any activity (UTC).</summary>
public sealed record DataSpan(DateOnly FirstPurchaseDay, DateOnly LastDay)
{
    /// <summary>The cutoff that sees everything: the day after <see cref="LastDay"/>.</summary>
    public DateOnly ScoringCutoff => LastDay.AddDays(1);
}

/// <summary>Features of one population at one cutoff, row-aligned with <see cref="PersonIds"/>.</summary>
public sealed record FeatureFrame(DateOnly Cutoff, FeatureSpec Spec, long[] PersonIds, double[][] Numeric, string?[][] Categorical)
{
    public int Rows => PersonIds.Length;

    /// <summary>The frame as a training table with the given labels (false everywhere for scoring: labels are ignored).</summary>
    public TrainingTable ToTable(IReadOnlyList<bool>? labels = null)
        => new(Spec.NumericColumns, Spec.CategoricalColumns, Numeric, Categorical, labels ?? new bool[Rows]);
}

/// <summary>Labelled rows from one or more cutoffs: <see cref="Table"/> row i is person <see cref="PersonIds"/>[i] as of <see cref="RowCutoffs"/>[i].</summary>
public sealed record TrainingSet(PredictionTarget Target, FeatureSpec Spec, IReadOnlyList<DateOnly> Cutoffs, long[] PersonIds, DateOnly[] RowCutoffs, TrainingTable Table);

/// <summary>Builds feature frames and labelled training sets with SQL on the engine.</summary>
public static class TrainingSets
{
    /// <summary>The feature spec of the sources: one set of category columns per catalogue category bought.</summary>
    public static async Task<FeatureSpec> SpecAsync(DuckDbEngine engine, FeatureSources sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sources);
        var result = await engine.QueryAsync(
            $"SELECT DISTINCT category FROM {sources.PurchaseLines} WHERE category IS NOT NULL ORDER BY category", cancellationToken).ConfigureAwait(false);
        return new FeatureSpec(result.Rows.Select(r => (string)r[0]!).ToList());
    }

    /// <summary>The days the sources cover; an error naming the relation when it holds no purchase.</summary>
    public static async Task<DataSpan> SpanAsync(DuckDbEngine engine, FeatureSources sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sources);
        var result = await engine.QueryAsync($"""
            SELECT (SELECT min(CAST(timezone('UTC', CAST(purchased_at AS TIMESTAMPTZ)) AS DATE)) FROM {sources.Purchases}),
                   greatest((SELECT max(CAST(timezone('UTC', CAST(purchased_at AS TIMESTAMPTZ)) AS DATE)) FROM {sources.Purchases}),
                            (SELECT max(CAST(timezone('UTC', CAST(activity_at AS TIMESTAMPTZ)) AS DATE)) FROM {sources.Activity}))
            """, cancellationToken).ConfigureAwait(false);
        var row = result.Rows[0];
        if (row[0] is null || row[1] is null)
            throw new InsufficientHistoryException($"{sources.Purchases} holds no purchase: there is nothing to learn from or to score.");
        return new DataSpan(ToDate(row[0]!), ToDate(row[1]!));
    }

    /// <summary>
    /// <paramref name="count"/> cutoffs, one horizon apart, the latest one horizon before <paramref name="labelEnd"/>
    /// (exclusive) so that every label is observed; cutoffs with less than one horizon of purchase history before them
    /// are dropped. None left is an <see cref="InsufficientHistoryException"/> saying how much history there is and needs.
    /// </summary>
    public static IReadOnlyList<DateOnly> Cutoffs(DataSpan span, DateOnly labelEnd, int horizonDays, int count)
    {
        ArgumentNullException.ThrowIfNull(span);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var cutoffs = Enumerable.Range(1, count)
            .Select(k => labelEnd.AddDays(-k * horizonDays))
            .Where(c => c.DayNumber - span.FirstPurchaseDay.DayNumber >= horizonDays)
            .Order()
            .ToList();
        if (cutoffs.Count == 0)
        {
            var days = labelEnd.DayNumber - span.FirstPurchaseDay.DayNumber;
            throw new InsufficientHistoryException(string.Create(CultureInfo.InvariantCulture,
                $"Too little history for a {horizonDays}-day horizon: purchases run from {span.FirstPurchaseDay:yyyy-MM-dd} to {labelEnd.AddDays(-1):yyyy-MM-dd} ({days} days), ") +
                string.Create(CultureInfo.InvariantCulture, $"but one cutoff needs {horizonDays} days of history before it and {horizonDays} days after it ({2 * horizonDays} days). ") +
                "Shorten the horizon or wait for more data.");
        }
        return cutoffs;
    }

    /// <summary>The features of every person in the population as of <paramref name="cutoff"/>.</summary>
    public static async Task<FeatureFrame> FeaturesAsync(DuckDbEngine engine, FeatureSources sources, FeatureSpec spec, DateOnly cutoff,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var rows = await ReadAsync(engine, PointInTimeFeatures.Sql(sources, spec, cutoff), spec, labelled: false, cancellationToken).ConfigureAwait(false);
        return new FeatureFrame(cutoff, spec,
            rows.Select(r => r.Person).ToArray(), rows.Select(r => r.Numeric).ToArray(), rows.Select(r => r.Categorical).ToArray());
    }

    /// <summary>Features and labels at every cutoff, one row per person and cutoff, in cutoff then person order.</summary>
    public static async Task<TrainingSet> BuildAsync(DuckDbEngine engine, FeatureSources sources, FeatureSpec spec, PredictionTarget target,
        IReadOnlyList<DateOnly> cutoffs, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(cutoffs);
        if (cutoffs.Count == 0) throw new ArgumentException("Give at least one cutoff.", nameof(cutoffs));
        var persons = new List<long>();
        var rowCutoffs = new List<DateOnly>();
        var numeric = new List<double[]>();
        var categorical = new List<string?[]>();
        var labels = new List<bool>();
        foreach (var cutoff in cutoffs.Order())
        {
            var sql = $"""
                SELECT features.*, labels.label
                FROM ({PointInTimeFeatures.Sql(sources, spec, cutoff)}) AS features
                JOIN ({PointInTimeFeatures.LabelSql(sources, target, cutoff)}) AS labels ON labels.person_id = features.person_id
                ORDER BY features.person_id
                """;
            var rows = await ReadAsync(engine, sql, spec, labelled: true, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                persons.Add(row.Person);
                rowCutoffs.Add(cutoff);
                numeric.Add(row.Numeric);
                categorical.Add(row.Categorical);
                labels.Add(row.Label);
            }
            progress?.Report(string.Create(CultureInfo.InvariantCulture,
                $"{target.ModelName}: {rows.Count:N0} people as of {cutoff:yyyy-MM-dd}, {rows.Count(r => r.Label):N0} positive"));
        }
        // One person appears once per cutoff: cross-validation keeps a person's rows in one fold.
        var table = new TrainingTable(spec.NumericColumns, spec.CategoricalColumns, numeric, categorical, labels).GroupedBy(persons);
        return new TrainingSet(target, spec, [.. cutoffs.Order()], [.. persons], [.. rowCutoffs], table);
    }

    private sealed record Row(long Person, double[] Numeric, string?[] Categorical, bool Label);

    private static async Task<List<Row>> ReadAsync(DuckDbEngine engine, string sql, FeatureSpec spec, bool labelled, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var numericCount = spec.NumericColumns.Count;
        var categoricalCount = spec.CategoricalColumns.Count;
        await engine.StreamAsync(sql, reader =>
        {
            var numeric = new double[numericCount];
            for (var c = 0; c < numericCount; c++)
                numeric[c] = reader.IsDBNull(1 + c) ? double.NaN : Convert.ToDouble(reader.GetValue(1 + c), CultureInfo.InvariantCulture);
            var categorical = new string?[categoricalCount];
            for (var c = 0; c < categoricalCount; c++)
                categorical[c] = reader.IsDBNull(1 + numericCount + c) ? null : reader.GetString(1 + numericCount + c);
            var label = labelled && reader.GetBoolean(1 + numericCount + categoricalCount);
            rows.Add(new Row(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), numeric, categorical, label));
        }, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static DateOnly ToDate(object value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => DateOnly.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
    };
}

/// <summary>The sources do not cover enough days for the horizon asked (or hold no purchase at all).</summary>
public sealed class InsufficientHistoryException : Exception
{
    public InsufficientHistoryException(string message) : base(message)
    {
    }

    public InsufficientHistoryException()
    {
    }

    public InsufficientHistoryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
