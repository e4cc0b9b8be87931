using Cdp.Ml.Registry;
using Cdp.Ml.Tests.Training;
using Cdp.Ml.Training;

namespace Cdp.Ml.Tests.Registry;

public sealed class ChurnModelRegistryTests : IDisposable
{
    private readonly RegistryLake _lake = new();

    [Fact]
    public async Task A_swept_churn_model_comes_back_from_the_registry_scoring_identically()
    {
        var table = ChurnSweepTests.Synthetic(600, 1);
        var result = ChurnSweep.Run(table, new SweepOptions { Seed = 5, Folds = 3, MaxTrials = 3 });
        using var saved = new MemoryStream();
        result.Model.Save(saved);
        var description = new ModelDescription
        {
            ModelName = "churn",
            Kind = ModelKinds.BinaryClassifier,
            Algorithm = result.Best.Configuration.ToString(),
            RunId = "sweep-5",
            Seed = 5,
            TrainingCutoffs = [new DateOnly(2024, 12, 31)],
            HorizonDays = 90,
            Rows = result.Rows,
            Positives = result.Positives,
            Features = ModelFeature.Of(result.Model),
            Metrics = new Dictionary<string, double> { ["cv_mean_auc"] = result.Best.MeanAuc, ["auc"] = result.Metrics.Auc, ["brier"] = result.Metrics.Brier },
            InputVersions = new Dictionary<string, long> { ["gold.person_activity"] = 3 },
        };
        await _lake.Registry().RegisterAsync(description, saved.ToArray());

        // Another engine (a scoring job) finds the latest churn model and loads it.
        var registry = _lake.Registry(_lake.NewEngine());
        var latest = await registry.RequireAsync("churn");
        var model = ChurnModel.Load(new MemoryStream(await registry.ArtifactAsync("churn", latest.Version)));

        Assert.Equal(["tenure numeric", "charge numeric", "plan categorical", "billing categorical"],
            latest.Description.Features.Select(f => $"{f.Name} {f.Kind.ToString().ToLowerInvariant()}"));
        Assert.Equal(result.Best.MeanAuc, latest.Description.Metrics["cv_mean_auc"]);
        Assert.Equal(result.Best.Configuration, model.Configuration);
        var toScore = ChurnModelPersistenceTests.ToScore();
        Assert.Equal(result.Model.Probabilities(toScore), model.Probabilities(toScore));
    }

    public void Dispose() => _lake.Dispose();
}
