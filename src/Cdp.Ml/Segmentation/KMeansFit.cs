using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Cdp.Ml.Segmentation;

/// <summary>
/// k-means by ML.NET's <see cref="KMeansTrainer"/> (k-means++ start, single-threaded, so a seed fixes the result),
/// restarted with consecutive seeds; the restart with the lowest within-cluster sum of squares wins (the earlier on a
/// tie). Persons are then assigned to the nearest centroid (the lower cluster index on a tie), as ML.NET's
/// predictor does, computed here so the sum of squares comes with it.
/// </summary>
internal sealed class KMeansFit
{
    private KMeansFit(int clusters, int[] assignment, double withinSumOfSquares)
    {
        Clusters = clusters;
        Assignment = assignment;
        WithinSumOfSquares = withinSumOfSquares;
    }

    public int Clusters { get; }

    /// <summary>The cluster of each row, 0 to <see cref="Clusters"/> - 1; some clusters may be empty.</summary>
    public int[] Assignment { get; }

    public double WithinSumOfSquares { get; }

    internal sealed class Point
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>The scaled rows as an ML.NET data view with a "Features" vector column, built once and reused by every fit.</summary>
    internal sealed class Frame
    {
        internal Frame(FeatureScaling scaling)
        {
            Scaling = scaling;
            var points = new Point[scaling.Rows];
            for (var r = 0; r < points.Length; r++)
            {
                var row = scaling.Row(r);
                var vector = new float[row.Length];
                for (var c = 0; c < row.Length; c++) vector[c] = (float)row[c];
                points[r] = new Point { Features = vector };
            }
            Points = points;
            Schema = SchemaDefinition.Create(typeof(Point));
            Schema[nameof(Point.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, scaling.Width);
        }

        internal FeatureScaling Scaling { get; }

        /// <summary>
        /// The number of distinct points, counting no further than <paramref name="enough"/>: ML.NET's k-means++
        /// needs at least as many distinct points as clusters.
        /// </summary>
        internal int DistinctPoints(int enough)
        {
            var seen = new HashSet<float[]>(PointComparer.Instance);
            foreach (var point in Points)
                if (seen.Add(point.Features) && seen.Count >= enough) break;
            return seen.Count;
        }
        internal IReadOnlyList<Point> Points { get; }
        internal SchemaDefinition Schema { get; }
    }

    public static Frame FrameOf(FeatureScaling scaling) => new(scaling);

    public static KMeansFit Run(Frame frame, int clusters, int seed, int restarts, int maximumIterations, CancellationToken cancellationToken)
    {
        KMeansFit? best = null;
        for (var restart = 0; restart < restarts; restart++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fit = Once(frame, clusters, seed + restart, maximumIterations);
            if (best is null || fit.WithinSumOfSquares < best.WithinSumOfSquares) best = fit;
        }
        return best!;
    }

    private static KMeansFit Once(Frame frame, int clusters, int seed, int maximumIterations)
    {
        var ml = new MLContext(seed);
        var view = ml.Data.LoadFromEnumerable(frame.Points, frame.Schema);
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(Point.Features),
            NumberOfClusters = clusters,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            MaximumNumberOfIterations = maximumIterations,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(view).Model;
        VBuffer<float>[] buffers = [];
        model.GetClusterCentroids(ref buffers, out var k);
        var width = frame.Scaling.Width;
        var centroids = new double[k * width];
        for (var c = 0; c < k; c++)
        {
            var dense = buffers[c].DenseValues().ToArray();
            for (var j = 0; j < width; j++) centroids[c * width + j] = dense[j];
        }
        return Assign(frame.Scaling, centroids, k);
    }

    internal static KMeansFit Assign(FeatureScaling scaling, double[] centroids, int clusters)
    {
        var width = scaling.Width;
        var assignment = new int[scaling.Rows];
        double total = 0;
        for (var r = 0; r < scaling.Rows; r++)
        {
            var row = scaling.Row(r);
            var (best, bestDistance) = (0, double.PositiveInfinity);
            for (var c = 0; c < clusters; c++)
            {
                double distance = 0;
                for (var j = 0; j < width; j++)
                {
                    var d = row[j] - centroids[c * width + j];
                    distance += d * d;
                }
                if (distance < bestDistance) (best, bestDistance) = (c, distance);
            }
            assignment[r] = best;
            total += bestDistance;
        }
        return new KMeansFit(clusters, assignment, total);
    }
}

/// <summary>Compares feature vectors by value.</summary>
internal sealed class PointComparer : IEqualityComparer<float[]>
{
    public static readonly PointComparer Instance = new();

    public bool Equals(float[]? x, float[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(float[] obj)
    {
        var hash = new HashCode();
        foreach (var v in obj) hash.Add(v);
        return hash.ToHashCode();
    }
}
