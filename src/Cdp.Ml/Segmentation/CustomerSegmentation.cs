namespace Cdp.Ml.Segmentation;

/// <summary>
/// Segments persons on value and behaviour with k-means and describes each segment in a marketer's words.
/// <list type="number">
/// <item>Scale (<see cref="FeatureScaling"/>): median imputation, optional log(1 + x), z-scores; features that do
/// not vary are left out with a note.</item>
/// <item>Cluster (<see cref="KMeansFit"/>): ML.NET k-means, best of the seeded restarts, for the fixed count or for
/// every count in the range, the highest mean silhouette on a seeded sample winning (<see cref="Silhouette"/>).</item>
/// <item>Order: segments numbered best first by their mean z-score on the primary feature (then larger first, then
/// by first row), so segment 1 is the most valuable when the primary feature is value.</item>
/// <item>Describe (<see cref="SegmentDescriber"/>): size, share, medians in original units, traits, name and a
/// unique description.</item>
/// </list>
/// Same input (rows in the same order) and same seed give the same segments and assignments.
/// </summary>
public static class CustomerSegmentation
{
    public static SegmentationResult Run(PersonFeatures persons, SegmentationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persons);
        options ??= new SegmentationOptions();
        options.Validate();
        var candidates = options.Candidates();
        if (persons.Rows < candidates[^1])
            throw SegmentationErrors.TooFewPersons(persons.Rows, candidates[^1],
                options.Segments is null ? nameof(SegmentationOptions.MaximumSegments) : nameof(SegmentationOptions.Segments));
        var requestedPrimary = options.PrimaryFeature ?? persons.Features[0].Name;
        if (!persons.Features.Any(f => f.Name == requestedPrimary))
            throw SegmentationErrors.UnknownPrimary(requestedPrimary, persons.Features.Select(f => f.Name));

        var scaling = FeatureScaling.Of(persons);
        var notes = scaling.Notes.ToList();
        var features = scaling.Columns.Select(f => persons.Features[f]).ToArray();
        var primary = Array.FindIndex(features, f => f.Name == requestedPrimary);
        if (primary < 0)
        {
            primary = 0;
            notes.Add(SegmentationErrors.PrimaryLeftOut(requestedPrimary, features[0].Name));
        }

        var frame = KMeansFit.FrameOf(scaling);
        var distinct = frame.DistinctPoints(candidates[^1]);
        if (distinct < candidates[^1])
        {
            if (distinct < candidates[0])
                throw SegmentationErrors.TooFewDistinct(distinct, candidates[0],
                    options.Segments is null ? nameof(SegmentationOptions.MinimumSegments) : nameof(SegmentationOptions.Segments));
            candidates = candidates.Where(k => k <= distinct).ToArray();
            notes.Add(SegmentationErrors.RangeCut(distinct));
        }
        var (chosen, scores) = ChooseCount(frame, candidates, options, cancellationToken);
        return Summarise(persons, scaling, features, primary, chosen, scores, notes, options);
    }

    /// <summary>Fits every candidate count; the highest mean silhouette on one seeded sample wins, the smaller count on a tie.</summary>
    private static (KMeansFit Chosen, List<SegmentCountScore> Scores) ChooseCount(KMeansFit.Frame frame, IReadOnlyList<int> candidates,
        SegmentationOptions options, CancellationToken cancellationToken)
    {
        var sample = Silhouette.Sample(frame.Scaling.Rows, options.SilhouetteSample, options.Seed);
        var scores = new List<SegmentCountScore>();
        KMeansFit? chosen = null;
        var chosenSilhouette = double.NegativeInfinity;
        foreach (var k in candidates)
        {
            var fit = KMeansFit.Run(frame, k, options.Seed, options.Restarts, options.MaximumIterations, cancellationToken);
            var silhouette = Silhouette.Mean(frame.Scaling, fit.Assignment, k, sample);
            scores.Add(new SegmentCountScore(k, silhouette, fit.WithinSumOfSquares));
            if (chosen is null || silhouette > chosenSilhouette) (chosen, chosenSilhouette) = (fit, silhouette);
        }
        return (chosen!, scores);
    }

    private static SegmentationResult Summarise(PersonFeatures persons, FeatureScaling scaling, SegmentFeature[] features, int primary,
        KMeansFit fit, List<SegmentCountScore> scores, List<string> notes, SegmentationOptions options)
    {
        var width = scaling.Width;
        var sizes = new int[fit.Clusters];
        var firstRow = Enumerable.Repeat(int.MaxValue, fit.Clusters).ToArray();
        var sums = new double[fit.Clusters * width];
        for (var r = 0; r < scaling.Rows; r++)
        {
            var c = fit.Assignment[r];
            sizes[c]++;
            firstRow[c] = Math.Min(firstRow[c], r);
            var row = scaling.Row(r);
            for (var j = 0; j < width; j++) sums[c * width + j] += row[j];
        }
        double[] Means(int c) => Enumerable.Range(0, width).Select(j => sums[c * width + j] / sizes[c]).ToArray();

        var sign = features[primary].HigherIsBetter ? -1 : 1;
        var order = Enumerable.Range(0, fit.Clusters).Where(c => sizes[c] > 0)
            .OrderBy(c => sign * Means(c)[primary]).ThenByDescending(c => sizes[c]).ThenBy(c => firstRow[c]).ToArray();
        if (order.Length < fit.Clusters) notes.Add(SegmentationErrors.EmptySegments(fit.Clusters, order.Length));
        var number = new int[fit.Clusters];
        for (var s = 0; s < order.Length; s++) number[order[s]] = s + 1;

        var zScores = order.Select(Means).ToArray();
        var texts = SegmentDescriber.Describe(features, zScores, options.DistinctiveZ, options.MaximumTraits);
        var medians = Medians(persons, scaling, fit.Assignment, fit.Clusters);
        var segments = order.Select((c, s) => new Segment(s + 1, texts[s].Name, texts[s].Description, sizes[c], (double)sizes[c] / scaling.Rows,
            features.Select((f, j) => (f.Name, medians[c][j])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal),
            features.Select((f, j) => (f.Name, zScores[s][j])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal),
            texts[s].Traits)).ToList();
        var assignments = new SegmentAssignment[scaling.Rows];
        for (var r = 0; r < assignments.Length; r++) assignments[r] = new SegmentAssignment(persons.PersonIds[r], number[fit.Assignment[r]]);
        return new SegmentationResult(segments, assignments, features.Select(f => f.Name).ToList(), features[primary].Name, scores, notes);
    }

    /// <summary>Per cluster and clustered feature, the median of the members' known values in original units (NaN if none).</summary>
    private static double[][] Medians(PersonFeatures persons, FeatureScaling scaling, int[] assignment, int clusters)
    {
        var result = new double[clusters][];
        for (var c = 0; c < clusters; c++) result[c] = new double[scaling.Width];
        for (var j = 0; j < scaling.Width; j++)
        {
            var source = scaling.Columns[j];
            var buckets = Enumerable.Range(0, clusters).Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < scaling.Rows; r++)
            {
                var v = persons.Values[r][source];
                if (!double.IsNaN(v)) buckets[assignment[r]].Add(v);
            }
            for (var c = 0; c < clusters; c++) result[c][j] = buckets[c].Count == 0 ? double.NaN : FeatureScaling.Median(buckets[c]);
        }
        return result;
    }
}
