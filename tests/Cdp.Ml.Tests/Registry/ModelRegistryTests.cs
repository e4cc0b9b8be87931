using System.Security.Cryptography;
using Cdp.Delta.Schema;
using Cdp.Engine;
using Cdp.Ml.Registry;

namespace Cdp.Ml.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    private readonly RegistryLake _lake = new();

    internal static ModelDescription Description(string name = "churn", string runId = "run-1") => new()
    {
        ModelName = name,
        Kind = ModelKinds.BinaryClassifier,
        Algorithm = "LightGBM(leaves=16, learning rate=0.03, trees=150, min leaf rows=50)",
        RunId = runId,
        Seed = 42,
        TrainingCutoffs = [new DateOnly(2024, 10, 1), new DateOnly(2024, 11, 1), new DateOnly(2024, 12, 1)],
        HorizonDays = 90,
        Rows = 21129,
        Positives = 5607,
        Features = [new ModelFeature("tenure", FeatureKind.Numeric), new ModelFeature("plan", FeatureKind.Categorical)],
        Metrics = new Dictionary<string, double> { ["auc"] = 0.8483, ["brier"] = 0.1339, ["top_decile_lift"] = 2.9, ["log_loss"] = 1.0 / 3 },
        InputVersions = new Dictionary<string, long> { ["gold.person_activity"] = 12, ["silver.orders"] = 0 },
    };

    internal static byte[] Bytes(int seed, int length = 4096)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_registered_model_reads_back_with_its_metadata_bytes_and_sha()
    {
        var registry = _lake.Registry(clock: new FixedClock(Noon));
        var artifact = Bytes(1);
        var registered = await registry.RegisterAsync(Description(), artifact);

        var expectedSha = Convert.ToHexStringLower(SHA256.HashData(artifact));
        var trainedAt = new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560); // to the microsecond
        Assert.Equal((1L, trainedAt, expectedSha), (registered.Version, registered.TrainedAt, registered.ArtifactSha256));

        // A registry on another engine reads what the first wrote.
        var read = await _lake.Registry(_lake.NewEngine()).GetAsync("churn", 1);
        Assert.NotNull(read);
        Assert.Equal((1L, trainedAt, expectedSha, "churn"), (read.Version, read.TrainedAt, read.ArtifactSha256, read.ModelName));
        var d = read.Description;
        var e = Description();
        Assert.Equal((e.Kind, e.Algorithm, e.RunId, e.Seed, e.HorizonDays, e.Rows, e.Positives), (d.Kind, d.Algorithm, d.RunId, d.Seed, d.HorizonDays, d.Rows, d.Positives));
        Assert.Equal(e.TrainingCutoffs, d.TrainingCutoffs);
        Assert.Equal(e.Features, d.Features);
        Assert.Equal(e.Metrics.OrderBy(m => m.Key), d.Metrics.OrderBy(m => m.Key));
        Assert.Equal(1.0 / 3, d.Metrics["log_loss"]); // doubles survive the JSON exactly
        Assert.Equal(e.InputVersions.OrderBy(m => m.Key), d.InputVersions.OrderBy(m => m.Key));
        Assert.Equal(artifact, await registry.ArtifactAsync("churn", 1));
    }

    [Fact]
    public async Task The_table_has_the_documented_columns_and_types()
    {
        await _lake.Registry().RegisterAsync(Description() with { Seed = null, Positives = null, HorizonDays = null, TrainingCutoffs = [] }, Bytes(1));
        var snapshot = await _lake.Table.GetSnapshotAsync();
        Assert.Equal(
            ["model_name string", "version long", "kind string", "algorithm string", "trained_at timestamp", "run_id string", "seed integer",
             "training_cutoffs array<date>", "horizon_days integer", "rows long", "positives long", "features_schema string", "metrics string",
             "input_versions string", "artifact binary", "artifact_sha256 string"],
            snapshot.Schema.Fields.Select(f => $"{f.Name} {TypeName(f.Type)}"));
        Assert.Equal(1, snapshot.AppTransactionVersion("ml_models/churn"));
        var row = await _lake.Engine.QueryAsync($"SELECT features_schema, metrics, input_versions FROM ({await _lake.ScanAsync()})");
        Assert.Equal("""[{"name":"tenure","type":"numeric"},{"name":"plan","type":"categorical"}]""", row.Rows[0][0]);
        Assert.Equal("""{"auc":0.8483,"brier":0.1339,"log_loss":0.3333333333333333,"top_decile_lift":2.9}""", row.Rows[0][1]);
        Assert.Equal("""{"gold.person_activity":12,"silver.orders":0}""", row.Rows[0][2]);

        var read = await _lake.Registry().LatestAsync("churn");
        Assert.Equal((null, null, null, 0), (read!.Description.Seed, read.Description.Positives, read.Description.HorizonDays, read.Description.TrainingCutoffs.Count));
    }

    private static string TypeName(DataType type) => type switch
    {
        PrimitiveType p => p.Name,
        ArrayType a => $"array<{TypeName(a.ElementType)}>",
        _ => type.ToString() ?? "?",
    };

    [Fact]
    public async Task Versions_count_per_model_and_latest_is_the_highest()
    {
        var registry = _lake.Registry();
        var churn = new List<long>();
        for (var i = 1; i <= 3; i++) churn.Add((await registry.RegisterAsync(Description(runId: $"churn-{i}"), Bytes(i))).Version);
        var value = await registry.RegisterAsync(Description("value", "value-1") with { Kind = ModelKinds.Btyd, Algorithm = "BG/NBD + Gamma-Gamma" }, Bytes(9));
        var skincare = await registry.RegisterAsync(Description("repurchase_skincare", "skin-1"), Bytes(10));

        Assert.Equal([1L, 2, 3], churn);
        Assert.Equal((1L, 1L), (value.Version, skincare.Version));
        Assert.Equal(("churn-3", 3L), ((await registry.LatestAsync("churn"))!.Description.RunId, (await registry.LatestAsync("churn"))!.Version));
        Assert.Equal("churn-2", (await registry.GetAsync("churn", 2))!.Description.RunId);
        Assert.Equal(ModelKinds.Btyd, (await registry.LatestAsync("value"))!.Description.Kind);
        Assert.Null(await registry.LatestAsync("repurchase"));
        Assert.Null(await registry.GetAsync("churn", 4));
        Assert.Equal(Bytes(2), await registry.ArtifactAsync("churn", 2));
        Assert.Equal("churn-1", (await registry.RequireAsync("churn", 1)).Description.RunId);
        Assert.Equal("churn-3", (await registry.RequireAsync("churn")).Description.RunId);

        var list = await registry.ListAsync();
        Assert.Equal(["churn 1", "churn 2", "churn 3", "repurchase_skincare 1", "value 1"], list.Select(m => $"{m.ModelName} {m.Version}"));
    }

    [Fact]
    public async Task An_empty_registry_has_nothing_and_says_so()
    {
        var registry = _lake.Registry();
        Assert.Null(await registry.LatestAsync("churn"));
        Assert.Null(await registry.GetAsync("churn", 1));
        Assert.Empty(await registry.ListAsync());
        var error = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync("churn", 1));
        Assert.Equal($"The model registry '{registry.Location}' holds no models yet, so it has no model 'churn'. Register one first.", error.Message);
    }

    [Fact]
    public async Task Unknown_models_and_versions_are_errors_listing_what_exists()
    {
        var registry = _lake.Registry();
        for (var i = 1; i <= 3; i++) await registry.RegisterAsync(Description(runId: $"run-{i}"), Bytes(i));
        await registry.RegisterAsync(Description("value"), Bytes(4));

        var unknownModel = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync("chrun", 1));
        Assert.Equal($"The model registry '{registry.Location}' has no model 'chrun'. Registered models: churn (versions 1-3), value (version 1).", unknownModel.Message);
        var unknownVersion = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync("churn", 7));
        Assert.Equal($"Model 'churn' has no version 7 in the model registry '{registry.Location}'; it has versions 1-3 (latest 3).", unknownVersion.Message);
        var required = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RequireAsync("value", 2));
        Assert.Equal($"Model 'value' has no version 2 in the model registry '{registry.Location}'; it has version 1 (latest 1).", required.Message);
        var latest = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RequireAsync("repurchase"));
        Assert.Contains("has no model 'repurchase'. Registered models: churn (versions 1-3), value (version 1).", latest.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_version_is_never_reused()
    {
        var registry = _lake.Registry();
        await registry.RegisterAsync(Description(runId: "run-1"), Bytes(1));
        await registry.RegisterAsync(Description(runId: "run-2"), Bytes(2));
        await new DeltaWriter(_lake.Engine).DeleteAsync(_lake.Table, "version = 2");
        Assert.Equal(1, (await registry.LatestAsync("churn"))!.Version);

        Assert.Equal(3, (await registry.RegisterAsync(Description(runId: "run-3"), Bytes(3))).Version);
        var missing = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync("churn", 2));
        Assert.Contains("it has versions 1, 3 (latest 3)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_artifact_bytes_are_detected_naming_the_model_and_version()
    {
        var registry = _lake.Registry();
        await registry.RegisterAsync(Description(runId: "run-1"), Bytes(1));
        await registry.RegisterAsync(Description(runId: "run-2"), Bytes(2));
        var recorded = (await registry.GetAsync("churn", 2))!.ArtifactSha256;

        // Someone rewrites version 2's bytes (one byte flipped) without going through the registry.
        var scan = await _lake.ScanAsync();
        await new DeltaWriter(_lake.Engine).WriteAsync(_lake.Table,
            $"SELECT * REPLACE (CASE WHEN version = 2 THEN from_base64('{Convert.ToBase64String(Flipped(Bytes(2)))}') ELSE artifact END AS artifact) FROM ({scan})",
            WriteMode.Overwrite);

        var error = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync("churn", 2));
        var actual = Convert.ToHexStringLower(SHA256.HashData(Flipped(Bytes(2))));
        Assert.Equal($"The artifact of model 'churn' version 2 in the model registry '{registry.Location}' does not match its recorded SHA-256 "
            + $"(recorded {recorded}, stored bytes hash to {actual}): it was changed or damaged after registration. "
            + "Do not use it; register the model again from its training run (it becomes a new version).", error.Message);
        Assert.Equal(Bytes(1), await registry.ArtifactAsync("churn", 1));
        Assert.Equal(2, (await registry.ListAsync()).Count);
    }

    private static byte[] Flipped(byte[] bytes)
    {
        bytes[bytes.Length / 2] ^= 1;
        return bytes;
    }

    [Fact]
    public async Task A_row_not_written_by_the_registry_is_reported_as_malformed()
    {
        var registry = _lake.Registry();
        await registry.RegisterAsync(Description(), Bytes(1));
        await new DeltaWriter(_lake.Engine).WriteAsync(_lake.Table,
            $"SELECT * REPLACE (2::BIGINT AS version, 'not json' AS features_schema) FROM ({await _lake.ScanAsync()})", WriteMode.Append);

        var error = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.GetAsync("churn", 2));
        Assert.StartsWith($"Model 'churn' version 2 in the model registry '{registry.Location}' has a malformed row: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The row was not written by ModelRegistry; register the model again.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await registry.GetAsync("churn", 1))!.Version);
    }

    public static TheoryData<string, string> BadDescriptions() => new()
    {
        { "name with quote", "The model description's model name 'churn'; DROP TABLE ml_models; --' is not valid: use 1 to 100 lower-case letters, digits, '_' and '-', starting with a letter (for example churn or repurchase_skincare). (Parameter 'description')" },
        { "name with path", "model name '../gold/churn' is not valid" },
        { "upper case", "model name 'Churn' is not valid" },
        { "empty run", "The model description's run id is empty." },
        { "nan metric", "The model description's metric 'auc' is NaN; metrics need a name and a finite value." },
        { "negative input", "input version of 'gold.person_activity' is -1" },
        { "positives", "positive count is 30000; it must be between 0 and the 21129 rows" },
        { "duplicate feature", "features list column 'tenure' more than once" },
    };

    [Theory]
    [MemberData(nameof(BadDescriptions))]
    public async Task An_invalid_description_is_refused_naming_the_field_and_nothing_is_written(string problem, string expected)
    {
        var d = Description();
        d = problem switch
        {
            "name with quote" => d with { ModelName = "churn'; DROP TABLE ml_models; --" },
            "name with path" => d with { ModelName = "../gold/churn" },
            "upper case" => d with { ModelName = "Churn" },
            "empty run" => d with { RunId = " " },
            "nan metric" => d with { Metrics = new Dictionary<string, double> { ["auc"] = double.NaN } },
            "negative input" => d with { InputVersions = new Dictionary<string, long> { ["gold.person_activity"] = -1 } },
            "positives" => d with { Positives = 30000 },
            "duplicate feature" => d with { Features = [new("tenure", FeatureKind.Numeric), new("tenure", FeatureKind.Categorical)] },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _lake.Registry().RegisterAsync(d, Bytes(1)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(await _lake.Table.ExistsAsync());
    }

    [Fact]
    public async Task Hostile_names_in_lookups_find_nothing_and_break_nothing()
    {
        var registry = _lake.Registry();
        await registry.RegisterAsync(Description(), Bytes(1));
        foreach (var name in new[] { "churn' OR '1'='1", "churn\" --", "ch\u00fcrn", "" })
        {
            Assert.Null(await registry.LatestAsync(name));
            Assert.Null(await registry.GetAsync(name, 1));
            var error = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ArtifactAsync(name, 1));
            Assert.Contains($"has no model '{name}'", error.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _lake.Dispose();
}
