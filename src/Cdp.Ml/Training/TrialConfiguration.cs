using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Cdp.Ml.Training;

/// <summary>One point of the search space: a trainer and its hyper-parameters. Trainers run single-threaded so a seed fixes the result.</summary>
public abstract record TrialConfiguration
{
    public abstract string Trainer { get; }

    /// <summary>The estimator that maps a "Features" vector and a "Label" to a raw "Score" (a margin, higher = more likely positive).</summary>
    internal abstract IEstimator<ITransformer> Estimator(MLContext ml, int seed);

    protected static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>Gradient-boosted trees grown leaf-wise by LightGBM.</summary>
public sealed record LightGbmConfiguration(int Leaves, double LearningRate, int Trees, int MinimumLeafRows) : TrialConfiguration
{
    public override string Trainer => "LightGBM";

    internal override IEstimator<ITransformer> Estimator(MLContext ml, int seed)
        => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfLeaves = Leaves,
            LearningRate = LearningRate,
            NumberOfIterations = Trees,
            MinimumExampleCountPerLeaf = MinimumLeafRows,
            Seed = seed,
            NumberOfThreads = 1,
            Verbose = false,
            Silent = true,
        });

    public override string ToString() => $"LightGBM(leaves={Leaves}, learning rate={Number(LearningRate)}, trees={Trees}, min leaf rows={MinimumLeafRows})";
}

/// <summary>Gradient-boosted trees by ML.NET's FastTree (MART).</summary>
public sealed record FastTreeConfiguration(int Leaves, double LearningRate, int Trees, int MinimumLeafRows) : TrialConfiguration
{
    public override string Trainer => "FastTree";

    internal override IEstimator<ITransformer> Estimator(MLContext ml, int seed)
        => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfLeaves = Leaves,
            LearningRate = LearningRate,
            NumberOfTrees = Trees,
            MinimumExampleCountPerLeaf = MinimumLeafRows,
            Seed = seed,
            NumberOfThreads = 1,
        });

    public override string ToString() => $"FastTree(leaves={Leaves}, learning rate={Number(LearningRate)}, trees={Trees}, min leaf rows={MinimumLeafRows})";
}

/// <summary>The linear baseline: L-BFGS logistic regression on min-max normalised features.</summary>
public sealed record LogisticConfiguration(float L2Regularization, float L1Regularization) : TrialConfiguration
{
    public override string Trainer => "L-BFGS logistic regression";

    internal override IEstimator<ITransformer> Estimator(MLContext ml, int seed)
        => ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = L2Regularization,
                L1Regularization = L1Regularization,
                NumberOfThreads = 1,
            }));

    public override string ToString() => $"Logistic(L2={Number(L2Regularization)}, L1={Number(L1Regularization)})";
}

/// <summary>
/// The configurations a sweep tries, in order: the linear baseline first, then LightGBM and FastTree alternately,
/// each drawn from a small grid with a generator seeded by the sweep seed (no configuration twice). The list depends
/// only on the seed and the count, never on time.
/// </summary>
public static class SearchSpace
{
    private static readonly int[] Leaves = [4, 8, 16, 31];
    private static readonly double[] LearningRates = [0.03, 0.05, 0.1, 0.2];
    private static readonly int[] Trees = [50, 100, 150];
    private static readonly int[] MinimumLeafRows = [10, 20, 50, 100];

    public static IReadOnlyList<TrialConfiguration> Configurations(int seed, int count)
    {
        var random = new Random(seed);
        var list = new List<TrialConfiguration>();
        if (count > 0) list.Add(new LogisticConfiguration(1f, 0f));
        var seen = new HashSet<TrialConfiguration>();
        while (list.Count < count)
        {
            var (leaves, rate, trees, minimum) = (Pick(random, Leaves), Pick(random, LearningRates), Pick(random, Trees), Pick(random, MinimumLeafRows));
            TrialConfiguration next = list.Count % 2 == 1
                ? new LightGbmConfiguration(leaves, rate, trees, minimum)
                : new FastTreeConfiguration(leaves, rate, trees, minimum);
            if (seen.Add(next)) list.Add(next);
        }
        return list;
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
