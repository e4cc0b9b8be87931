namespace Cdp.Identity.Tests.Matching;

/// <summary>Pairwise precision, recall and F1 of predicted record pairs against true pairs.</summary>
internal sealed record LinkageScore(long TruePositives, long Predicted, long Actual)
{
    public double Precision => Predicted == 0 ? 0 : (double)TruePositives / Predicted;

    public double Recall => Actual == 0 ? 0 : (double)TruePositives / Actual;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public override string ToString()
        => FormattableString.Invariant($"P={Precision:F4} R={Recall:F4} F1={F1:F4} (tp {TruePositives}, predicted {Predicted}, true {Actual})");

    /// <summary>Scores predicted links (each pair once) against the truth: record id → entity.</summary>
    public static LinkageScore OfLinks(IEnumerable<(string A, string B)> links, IReadOnlyDictionary<string, string> entity)
    {
        long tp = 0, predicted = 0;
        foreach (var (a, b) in links)
        {
            predicted++;
            if (entity[a] == entity[b]) tp++;
        }
        return new LinkageScore(tp, predicted, Pairs(entity.Values.GroupBy(e => e).Select(g => (long)g.Count())));
    }

    /// <summary>Scores the pairs clusters imply (every two records in one cluster) against the truth.</summary>
    public static LinkageScore OfClusters(IEnumerable<(string Record, string Cluster)> clusters, IReadOnlyDictionary<string, string> entity)
    {
        var list = clusters.ToList();
        var predicted = Pairs(list.GroupBy(c => c.Cluster).Select(g => (long)g.Count()));
        var tp = Pairs(list.GroupBy(c => (c.Cluster, entity[c.Record])).Select(g => (long)g.Count()));
        return new LinkageScore(tp, predicted, Pairs(entity.Values.GroupBy(e => e).Select(g => (long)g.Count())));
    }

    private static long Pairs(IEnumerable<long> groupSizes) => groupSizes.Sum(n => n * (n - 1) / 2);
}
