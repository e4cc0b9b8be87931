using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Ml.Training;
using Microsoft.ML;

namespace Cdp.Ml.Tests.Training;

public class ChurnModelPersistenceTests
{
    /// <summary>A model of one configuration trained on every row of the synthetic table, as the sweep's final model is.</summary>
    internal static ChurnModel Train(TrialConfiguration configuration, int rows = 600, int seed = 3)
    {
        var table = ChurnSweepTests.Synthetic(rows, 1);
        var all = Enumerable.Range(0, table.Rows).ToArray();
        var (encoder, model) = CrossValidation.Train(table, all, configuration, seed);
        var scores = ScoringFrame.Scores(model, ScoringFrame.View(new MLContext(seed), encoder, table, all));
        return new ChurnModel(configuration, table.NumericColumns, table.CategoricalColumns, encoder, model, PlattCalibration.Fit(scores, table.Labels), seed);
    }

    /// <summary>Rows to score: the synthetic ones plus an unseen category, missing values and extreme numbers.</summary>
    internal static TrainingTable ToScore()
    {
        var synthetic = ChurnSweepTests.Synthetic(200, 9);
        var numbers = synthetic.Numeric.Concat([[double.NaN, double.NaN], [1e30, -1e30], [0, 0]]).ToList();
        var categories = synthetic.Categorical.Concat([["weekly", "fax"], [null, null], ["", "online"]]).ToList();
        return new TrainingTable(synthetic.NumericColumns, synthetic.CategoricalColumns, numbers, categories, [.. synthetic.Labels, false, false, false]);
    }

    internal static byte[] Saved(ChurnModel model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static readonly ChurnModel Logistic = Train(new LogisticConfiguration(1f, 0f));

    public static TheoryData<string> Configurations() => new("lightgbm", "fasttree", "logistic");

    [Theory]
    [MemberData(nameof(Configurations))]
    public void A_loaded_model_gives_bit_identical_probabilities(string trainer)
    {
        var model = trainer switch
        {
            "lightgbm" => Train(new LightGbmConfiguration(8, 0.1, 50, 20)),
            "fasttree" => Train(new FastTreeConfiguration(8, 0.1, 50, 20)),
            _ => Logistic,
        };
        var loaded = ChurnModel.Load(new MemoryStream(Saved(model)));

        Assert.Equal(model.Configuration, loaded.Configuration);
        Assert.Equal(model.Calibration, loaded.Calibration);
        Assert.Equal(["tenure", "charge"], loaded.NumericColumns);
        Assert.Equal(["plan", "billing"], loaded.CategoricalColumns);
        var table = ToScore();
        var expected = model.Probabilities(table).Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.Equal(expected, loaded.Probabilities(table).Select(BitConverter.DoubleToInt64Bits).ToArray());
        Assert.True(expected.Distinct().Count() > 10, "the scores should vary across rows, or the comparison proves little");
        // A loaded model saves to an archive that loads again to the same scores.
        Assert.Equal(expected, ChurnModel.Load(new MemoryStream(Saved(loaded))).Probabilities(table).Select(BitConverter.DoubleToInt64Bits).ToArray());
    }

    [Fact]
    public void The_swept_model_round_trips()
    {
        var result = ChurnSweep.Run(ChurnSweepTests.Synthetic(600, 1), new SweepOptions { Seed = 5, Folds = 3, MaxTrials = 3 });
        var loaded = ChurnModel.Load(new MemoryStream(Saved(result.Model)));
        Assert.Equal(result.Best.Configuration, loaded.Configuration);
        Assert.Equal(result.Model.Probabilities(ToScore()), loaded.Probabilities(ToScore()));
    }

    [Fact]
    public void The_encoder_state_survives_exactly()
    {
        var model = Logistic;
        using var zip = new ZipArchive(new MemoryStream(Saved(model)));
        Assert.Equal(["manifest.json", "model.mlnet.zip"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var manifest = JsonNode.Parse(zip.GetEntry("manifest.json")!.Open())!;
        Assert.Equal("cdp.churn-model", (string?)manifest["format"]);
        Assert.Equal(1, (int?)manifest["formatVersion"]);
        Assert.Equal("logistic", (string?)manifest["configuration"]!["trainer"]);
        Assert.Equal(["", "online", "paper"], manifest["encoder"]!["categories"]![1]!.AsArray().Select(n => (string?)n));
        Assert.Equal([true, false], manifest["encoder"]!["missingIndicators"]!.AsArray().Select(n => (bool)n!));
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "random bytes", "it is not a zip archive" },
        { "empty", "it is not a zip archive" },
        { "truncated", "it is not a zip archive" },
        { "foreign zip", "the archive has no 'manifest.json' entry (it holds: notes.txt)" },
        { "other format", "'manifest.json' describes format 'cdp.value-model', not 'cdp.churn-model'" },
        { "newer version", "it was saved in format version 2 and this library reads versions up to 1. Upgrade Cdp.Ml" },
        { "manifest not json", "'manifest.json' is not valid JSON" },
        { "missing field", "'manifest.json' is malformed: field 'encoder.means' is missing" },
        { "mistyped field", "'manifest.json' is malformed: field 'seed' is not an integer" },
        { "unknown trainer", "field 'configuration.trainer' names an unknown trainer 'xgboost'" },
        { "encoder disagrees", "the encoder has 2 numeric and 1 categorical columns, but the manifest lists 2 and 2" },
        { "model garbage", "'model.mlnet.zip' is not a readable ML.NET model" },
        { "model missing", "the archive has no 'model.mlnet.zip' entry (it holds: manifest.json)" },
        { "vector size", "but the encoder makes vectors of" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_stream_that_is_not_a_saved_model_fails_saying_what_is_wrong(string corruption, string expected)
    {
        var valid = Saved(Logistic);
        var bytes = corruption switch
        {
            "random bytes" => RandomBytes(5000),
            "empty" => [],
            "truncated" => valid[..(valid.Length / 2)],
            "foreign zip" => Zip(("notes.txt", "hello"u8.ToArray())),
            "other format" => ChangeManifest(valid, m => m["format"] = "cdp.value-model"),
            "newer version" => ChangeManifest(valid, m => m["formatVersion"] = 2),
            "manifest not json" => Rewrite(valid, (name, data) => name == "manifest.json" ? "{ not json"u8.ToArray() : data),
            "missing field" => ChangeManifest(valid, m => m["encoder"]!.AsObject().Remove("means")),
            "mistyped field" => ChangeManifest(valid, m => m["seed"] = "forty-two"),
            "unknown trainer" => ChangeManifest(valid, m => m["configuration"]!["trainer"] = "xgboost"),
            "encoder disagrees" => ChangeManifest(valid, m => m["encoder"]!["categories"]!.AsArray().RemoveAt(1)),
            "model garbage" => Rewrite(valid, (name, data) => name == "model.mlnet.zip" ? RandomBytes(3000) : data),
            "model missing" => Rewrite(valid, (name, data) => name == "model.mlnet.zip" ? null : data),
            "vector size" => ChangeManifest(valid, m => m["encoder"]!["categories"]![0]!.AsArray().Add("weekly")),
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        var error = Assert.Throws<ModelFormatException>(() => ChurnModel.Load(new MemoryStream(bytes)));
        Assert.StartsWith("Cannot load a churn model from the stream: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_compressed_bytes_fail_as_a_format_error()
    {
        var valid = Saved(Logistic);
        // Flip bytes across the whole archive, a stretch at a time: every damaged copy either fails with the format
        // error or (when only unread padding was hit) still scores identically; none throws anything else.
        var table = ToScore();
        var expected = Logistic.Probabilities(table);
        var (tried, refused) = (0, 0);
        for (var at = 0; at < valid.Length; at += Math.Max(1, valid.Length / 40))
        {
            var damaged = (byte[])valid.Clone();
            for (var i = at; i < Math.Min(at + 8, damaged.Length); i++) damaged[i] ^= 0x5A;
            tried++;
            try
            {
                Assert.Equal(expected, ChurnModel.Load(new MemoryStream(damaged)).Probabilities(table));
            }
            catch (ModelFormatException)
            {
                refused++;
            }
        }
        // Compressed data is most of the archive and every damaged stretch of it fails its checksum.
        Assert.True(refused >= tried * 3 / 4, $"only {refused} of {tried} damaged copies were refused");
    }

    [Fact]
    public void Scoring_a_table_with_a_missing_column_names_it()
    {
        var t = ToScore();
        var table = new TrainingTable(["tenure"], t.CategoricalColumns, t.Numeric.Select(r => r[..1]).ToList(), t.Categorical, t.Labels);
        var error = Assert.Throws<ArgumentException>(() => Logistic.Probabilities(table));
        Assert.Equal("The table's feature columns differ from the churn model's: missing numeric column 'charge'. "
            + "The model expects numeric [tenure, charge] and categorical [plan, billing], in that order; "
            + "build the table to score from ChurnModel.NumericColumns and ChurnModel.CategoricalColumns. (Parameter 'table')", error.Message);
    }

    [Fact]
    public void Scoring_a_table_with_extra_or_moved_columns_names_them()
    {
        var t = ToScore();
        var extra = new TrainingTable(t.NumericColumns, [.. t.CategoricalColumns, "region"], t.Numeric, t.Categorical.Select(r => r.Append("north").ToArray()).ToList(), t.Labels);
        Assert.Contains("differ from the churn model's: extra categorical column 'region'.",
            Assert.Throws<ArgumentException>(() => Logistic.Probabilities(extra)).Message, StringComparison.Ordinal);

        var moved = new TrainingTable(["tenure", "charge", "plan"], ["billing"],
            t.Numeric.Select((r, i) => r.Append(0.0).ToArray()).ToList(), t.Categorical.Select(r => r[1..]).ToList(), t.Labels);
        Assert.Contains("differ from the churn model's: 'plan' is numeric in the table but categorical in the model.",
            Assert.Throws<ArgumentException>(() => Logistic.Probabilities(moved)).Message, StringComparison.Ordinal);

        var reordered = new TrainingTable(["charge", "tenure"], t.CategoricalColumns, t.Numeric.Select(r => new[] { r[1], r[0] }).ToList(), t.Categorical, t.Labels);
        Assert.Contains("the same columns in another order (numeric [charge, tenure], categorical [plan, billing])",
            Assert.Throws<ArgumentException>(() => Logistic.Probabilities(reordered)).Message, StringComparison.Ordinal);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(17).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var target = zip.CreateEntry(name).Open();
                target.Write(data);
            }
        }
        return stream.ToArray();
    }

    /// <summary>The archive with each entry's bytes replaced by <paramref name="change"/> (null drops the entry).</summary>
    private static byte[] Rewrite(byte[] archive, Func<string, byte[], byte[]?> change)
    {
        using var zip = new ZipArchive(new MemoryStream(archive));
        var entries = new List<(string, byte[])>();
        foreach (var entry in zip.Entries)
        {
            using var source = entry.Open();
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            if (change(entry.FullName, copy.ToArray()) is { } data) entries.Add((entry.FullName, data));
        }
        return Zip([.. entries]);
    }

    private static byte[] ChangeManifest(byte[] archive, Action<JsonObject> change)
        => Rewrite(archive, (name, data) =>
        {
            if (name != "manifest.json") return data;
            var manifest = JsonNode.Parse(data)!.AsObject();
            change(manifest);
            return Encoding.UTF8.GetBytes(manifest.ToJsonString());
        });
}
