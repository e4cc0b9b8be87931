using Microsoft.ML;

namespace Cdp.Ml.Training;

/// <summary>Seeded stratified k-fold cross-validation of one configuration, keeping what the sweep needs afterwards.</summary>
internal sealed class CrossValidation
{
    private CrossValidation(double[] outOfFoldScores, double[] foldAuc, FoldModel[] models)
    {
        OutOfFoldScores = outOfFoldScores;
        FoldAuc = foldAuc;
        Models = models;
    }

    public double[] OutOfFoldScores { get; }
    public double[] FoldAuc { get; }
    public FoldModel[] Models { get; }

    internal sealed record FoldModel(int[] Validation, FeatureEncoder Encoder, ITransformer Model);

    /// <summary>
    /// Positives and negatives are each shuffled with the seed and dealt round-robin to the folds, so every fold has
    /// the label rate of the whole table (to within one row) and the split depends only on labels and seed.
    /// </summary>
    public static int[][] StratifiedFolds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var assignment = new List<int>[folds];
        for (var f = 0; f < folds; f++) assignment[f] = [];
        var next = 0;
        foreach (var label in new[] { true, false })
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            random.Shuffle(rows);
            foreach (var row in rows) assignment[next++ % folds].Add(row);
        }
        return assignment.Select(a => a.Order().ToArray()).ToArray();
    }

    /// <summary>
    /// Like <see cref="StratifiedFolds"/>, but whole groups (people) are dealt to the folds, so rows of one person never
    /// sit in a training and a validation fold at once. People with any positive row are dealt first, then the others,
    /// each shuffled with the seed, so every fold gets its share of positive people.
    /// </summary>
    public static int[][] StratifiedGroupFolds(IReadOnlyList<bool> labels, IReadOnlyList<long> groups, int folds, int seed)
    {
        var rowsOf = new Dictionary<long, List<int>>();
        for (var i = 0; i < labels.Count; i++)
        {
            if (!rowsOf.TryGetValue(groups[i], out var rows)) rowsOf[groups[i]] = rows = [];
            rows.Add(i);
        }
        var positive = rowsOf.Where(g => g.Value.Any(r => labels[r])).Select(g => g.Key).Order().ToArray();
        var negative = rowsOf.Where(g => !g.Value.Any(r => labels[r])).Select(g => g.Key).Order().ToArray();
        var random = new Random(seed);
        var assignment = new List<int>[folds];
        for (var f = 0; f < folds; f++) assignment[f] = [];
        var next = 0;
        foreach (var people in new[] { positive, negative })
        {
            random.Shuffle(people);
            foreach (var person in people) assignment[next++ % folds].AddRange(rowsOf[person]);
        }
        var result = assignment.Select(a => a.Order().ToArray()).ToArray();
        if (result.Any(fold => !fold.Any(r => labels[r]) || fold.All(r => labels[r])))
            throw TrainingErrors.TooFewGroups(labels.Count(l => l), labels.Count(l => !l), positive.Length, negative.Length, folds);
        return result;
    }

    public static CrossValidation Run(TrainingTable table, TrialConfiguration configuration, int[][] folds, int seed, CancellationToken cancellationToken)
    {
        var scores = new double[table.Rows];
        var foldAuc = new double[folds.Length];
        var models = new FoldModel[folds.Length];
        for (var f = 0; f < folds.Length; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var validation = folds[f];
            var training = folds.Where((_, g) => g != f).SelectMany(x => x).Order().ToArray();
            var (encoder, model) = Train(table, training, configuration, seed + f);
            var foldScores = ScoringFrame.Scores(model, ScoringFrame.View(new MLContext(seed), encoder, table, validation));
            for (var k = 0; k < validation.Length; k++) scores[validation[k]] = foldScores[k];
            foldAuc[f] = BinaryMetrics.Auc(foldScores, validation.Select(r => table.Labels[r]).ToArray());
            models[f] = new FoldModel(validation, encoder, model);
        }
        return new CrossValidation(scores, foldAuc, models);
    }

    /// <summary>Each training run gets its own seeded context, so its result does not depend on what ran before it.</summary>
    public static (FeatureEncoder Encoder, ITransformer Model) Train(TrainingTable table, IReadOnlyList<int> rows, TrialConfiguration configuration, int seed)
    {
        var ml = new MLContext(seed);
        var encoder = FeatureEncoder.Fit(table, rows);
        var model = configuration.Estimator(ml, seed).Fit(ScoringFrame.View(ml, encoder, table, rows));
        return (encoder, model);
    }

    /// <summary>
    /// Permutation importance over the held-out folds: each source column (not each one-hot slot) is shuffled within
    /// a validation fold with a seeded generator, and the fold's AUC drop is averaged over folds.
    /// </summary>
    public IReadOnlyList<FeatureImportance> PermutationImportance(TrainingTable table, int seed, int sampleRows)
    {
        var columns = table.NumericColumns.Select((n, c) => (n, numeric: true, c))
            .Concat(table.CategoricalColumns.Select((n, c) => (n, numeric: false, c))).ToList();
        var drops = new double[columns.Count];
        var ml = new MLContext(seed);
        for (var f = 0; f < Models.Length; f++)
        {
            var fold = Models[f];
            // Large folds are measured on a seeded sample of their held-out rows, with the unshuffled AUC of that sample.
            var rows = ImportanceRows(fold.Validation, seed, f, sampleRows);
            var labels = rows.Select(r => table.Labels[r]).ToArray();
            var baseline = rows.Count == fold.Validation.Length
                ? FoldAuc[f]
                : BinaryMetrics.Auc(ScoringFrame.Scores(fold.Model, ScoringFrame.View(ml, fold.Encoder, table, rows)), labels);
            for (var j = 0; j < columns.Count; j++)
            {
                var (_, numeric, c) = columns[j];
                var source = rows.ToArray();
                new Random(ShuffleSeed(seed, f, j)).Shuffle(source);
                var donor = rows.Select((r, k) => (r, k)).ToDictionary(p => p.r, p => source[p.k]);
                Func<int, double[]>? numbers = numeric ? r => Replace(table.Numeric[r], c, table.Numeric[donor[r]][c]) : null;
                Func<int, string?[]>? categories = numeric ? null : r => Replace(table.Categorical[r], c, table.Categorical[donor[r]][c]);
                var permuted = ScoringFrame.Scores(fold.Model, ScoringFrame.View(ml, fold.Encoder, table, rows, numbers, categories));
                drops[j] += (baseline - BinaryMetrics.Auc(permuted, labels)) / Models.Length;
            }
        }
        return columns.Select((col, j) => new FeatureImportance(col.n, drops[j]))
            .OrderByDescending(i => i.AucDrop).ThenBy(i => i.Column, StringComparer.Ordinal).ToList();
    }

    /// <summary>The held-out rows permutation importance scores: all of them up to <paramref name="sampleRows"/>, else a seeded sample.</summary>
    private static IReadOnlyList<int> ImportanceRows(int[] validation, int seed, int fold, int sampleRows)
    {
        if (validation.Length <= sampleRows) return validation;
        var shuffled = validation.ToArray();
        new Random(ShuffleSeed(seed, fold, 9_999)).Shuffle(shuffled);
        return shuffled.Take(sampleRows).Order().ToArray();
    }

    /// <summary>A fixed mix of seed, fold and column (HashCode.Combine is randomised per process, so it cannot be used).</summary>
    private static int ShuffleSeed(int seed, int fold, int column)
        => (int)((((long)seed * 1_000_003 + fold) * 10_007 + column) & int.MaxValue);

    private static T[] Replace<T>(T[] row, int column, T value)
    {
        var copy = (T[])row.Clone();
        copy[column] = value;
        return copy;
    }
}
