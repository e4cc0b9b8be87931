using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Cdp.Ml.Training;

/// <summary>
/// The saved form of a <see cref="ChurnModel"/>, a zip of two entries: <c>manifest.json</c> (format name and version,
/// seed, feature columns, trainer configuration, Platt calibration and the encoder's learnt state) and
/// <c>model.mlnet.zip</c> (the ML.NET model saved with its input schema). Doubles are written in their shortest
/// round-trip form (non-finite ones as the strings "NaN", "Infinity", "-Infinity"), so a loaded model encodes and
/// calibrates bit for bit as the saved one. A reader refuses a format version newer than its own.
/// </summary>
internal static class ModelArchive
{
    public const string Format = "cdp.churn-model";
    public const int FormatVersion = 1;
    public const string ManifestEntry = "manifest.json";
    public const string ModelEntry = "model.mlnet.zip";

    // Entries carry a fixed time so that saving the same parts twice gives the same outer archive.
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string NotSaved = "Load only what ChurnModel.Save wrote; a registry artifact is checked against its SHA-256 before it is returned.";

    public sealed record Contents(int Seed, IReadOnlyList<string> NumericColumns, IReadOnlyList<string> CategoricalColumns,
        TrialConfiguration Configuration, PlattCalibration Calibration, FeatureEncoder Encoder, ITransformer Model);

    public static void Write(Stream stream, Contents contents)
    {
        var ml = new MLContext(contents.Seed);
        using var model = new MemoryStream();
        ml.Model.Save(contents.Model, ScoringFrame.InputSchema(ml, contents.Encoder.Length), model);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, ManifestEntry, Encoding.UTF8.GetBytes(ManifestJson(contents).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        WriteEntry(zip, ModelEntry, model.ToArray());
    }

    public static Contents Read(Stream stream)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw TrainingErrors.NotAModel("it is not a zip archive (it may be truncated or another kind of file)", NotSaved, e);
        }
        try
        {
            // The central directory is read on first use: a damaged one fails here, not in the middle of the reading below.
            _ = zip.Entries.Count;
        }
        catch (InvalidDataException e)
        {
            zip.Dispose();
            throw TrainingErrors.NotAModel($"its zip directory is damaged ({FirstLine(e.Message)})", NotSaved, e);
        }
        using (zip)
        {
            var m = ParseManifest(ReadEntry(zip, ManifestEntry));
            var (model, schema) = LoadModel(new MLContext(m.Seed), ReadEntry(zip, ModelEntry));
            CheckModelFits(model, schema, m.Encoder.Length);
            return new Contents(m.Seed, m.NumericColumns, m.CategoricalColumns, m.Configuration, m.Calibration, m.Encoder, model);
        }
    }

    private static JsonObject ManifestJson(Contents c) => new()
    {
        ["format"] = Format,
        ["formatVersion"] = FormatVersion,
        ["seed"] = c.Seed,
        ["numericColumns"] = Strings(c.NumericColumns),
        ["categoricalColumns"] = Strings(c.CategoricalColumns),
        ["configuration"] = Configuration(c.Configuration),
        ["calibration"] = new JsonObject { ["a"] = Number(c.Calibration.A), ["b"] = Number(c.Calibration.B) },
        ["encoder"] = new JsonObject
        {
            ["means"] = new JsonArray(c.Encoder.Means.Select(Number).ToArray()),
            ["missingIndicators"] = new JsonArray(c.Encoder.MissingIndicators.Select(b => (JsonNode)b).ToArray()),
            ["categories"] = new JsonArray(c.Encoder.Categories.Select(v => (JsonNode)Strings(v)).ToArray()),
        },
    };

    private static JsonObject Configuration(TrialConfiguration configuration) => configuration switch
    {
        LightGbmConfiguration g => Trees("lightgbm", g.Leaves, g.LearningRate, g.Trees, g.MinimumLeafRows),
        FastTreeConfiguration f => Trees("fasttree", f.Leaves, f.LearningRate, f.Trees, f.MinimumLeafRows),
        LogisticConfiguration l => new JsonObject { ["trainer"] = "logistic", ["l2"] = Number(l.L2Regularization), ["l1"] = Number(l.L1Regularization) },
        _ => throw new InvalidOperationException($"Bug: {configuration.GetType().Name} has no saved form; add it to {nameof(ModelArchive)}."),
    };

    private static JsonObject Trees(string trainer, int leaves, double learningRate, int trees, int minimumLeafRows) => new()
    {
        ["trainer"] = trainer,
        ["leaves"] = leaves,
        ["learningRate"] = Number(learningRate),
        ["trees"] = trees,
        ["minimumLeafRows"] = minimumLeafRows,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static JsonNode Number(double value)
        => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>What <c>manifest.json</c> holds: everything but the ML.NET model.</summary>
    private sealed record Manifest(int Seed, IReadOnlyList<string> NumericColumns, IReadOnlyList<string> CategoricalColumns,
        TrialConfiguration Configuration, PlattCalibration Calibration, FeatureEncoder Encoder);

    private static Manifest ParseManifest(byte[] bytes)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("it is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw TrainingErrors.NotAModel($"'{ManifestEntry}' is not valid JSON ({e.Message})", NotSaved, e);
        }
        var format = root["format"] is JsonValue f && f.TryGetValue<string>(out var name) ? name : null;
        if (format != Format)
            throw TrainingErrors.NotAModel($"'{ManifestEntry}' describes {(format is null ? "no format" : $"format '{format}'")}, not '{Format}'", NotSaved);
        var manifest = new ManifestReader(root);
        try
        {
            var version = manifest.Int("formatVersion");
            if (version > FormatVersion)
                throw TrainingErrors.NotAModel($"it was saved in format version {version} and this library reads versions up to {FormatVersion}",
                    "Upgrade Cdp.Ml, or retrain and save the model with this version.");
            if (version < 1) throw new FormatException($"field 'formatVersion' is {version}");
            var numeric = manifest.Strings("numericColumns");
            var categorical = manifest.Strings("categoricalColumns");
            var encoder = FeatureEncoder.FromState(
                manifest.Array("encoder.means").Select((_, i) => manifest.Double($"encoder.means[{i}]")).ToArray(),
                manifest.Array("encoder.missingIndicators").Select((_, i) => manifest.Bool($"encoder.missingIndicators[{i}]")).ToArray(),
                manifest.Array("encoder.categories").Select((_, i) => manifest.Strings($"encoder.categories[{i}]")).ToArray());
            if (encoder.Means.Count != numeric.Count || encoder.Categories.Count != categorical.Count)
                throw new FormatException($"the encoder has {encoder.Means.Count} numeric and {encoder.Categories.Count} categorical columns, but the manifest lists {numeric.Count} and {categorical.Count}");
            var calibration = new PlattCalibration(manifest.Double("calibration.a"), manifest.Double("calibration.b"));
            return new Manifest(manifest.Int("seed"), numeric, categorical, ParseConfiguration(manifest), calibration, encoder);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw TrainingErrors.NotAModel($"'{ManifestEntry}' is malformed: {e.Message}", NotSaved, e);
        }
    }

    private static TrialConfiguration ParseConfiguration(ManifestReader m)
    {
        var trainer = m.String("configuration.trainer");
        return trainer switch
        {
            "lightgbm" => new LightGbmConfiguration(m.Int("configuration.leaves"), m.Double("configuration.learningRate"), m.Int("configuration.trees"), m.Int("configuration.minimumLeafRows")),
            "fasttree" => new FastTreeConfiguration(m.Int("configuration.leaves"), m.Double("configuration.learningRate"), m.Int("configuration.trees"), m.Int("configuration.minimumLeafRows")),
            "logistic" => new LogisticConfiguration((float)m.Double("configuration.l2"), (float)m.Double("configuration.l1")),
            _ => throw new FormatException($"field 'configuration.trainer' names an unknown trainer '{trainer}'"),
        };
    }

    private static (ITransformer Model, DataViewSchema Schema) LoadModel(MLContext ml, byte[] bytes)
    {
        // ML.NET finds a saved component's loader among registered assemblies; name the trainers' own assemblies so
        // a process that never trained a model can still load one.
        ml.ComponentCatalog.RegisterAssembly(typeof(LightGbmBinaryModelParameters).Assembly);
        ml.ComponentCatalog.RegisterAssembly(typeof(FastTreeBinaryModelParameters).Assembly);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var model = ml.Model.Load(stream, out var schema);
            return (model, schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw TrainingErrors.NotAModel($"'{ModelEntry}' is not a readable ML.NET model ({FirstLine(e.Message)})", NotSaved, e);
        }
    }

    private static void CheckModelFits(ITransformer model, DataViewSchema schema, int features)
    {
        var input = schema.GetColumnOrNull(ScoringFrame.FeaturesColumn)?.Type;
        if (input is not VectorDataViewType { ItemType: NumberDataViewType, Size: var size } vector || vector.ItemType.RawType != typeof(float) || size != features)
            throw TrainingErrors.NotAModel($"the ML.NET model takes '{ScoringFrame.FeaturesColumn}' as {input?.ToString() ?? "nothing"}, but the encoder makes vectors of {features} floats", NotSaved);
        DataViewSchema output;
        try
        {
            output = model.GetOutputSchema(schema);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw TrainingErrors.NotAModel($"the ML.NET model does not accept its own input schema ({FirstLine(e.Message)})", NotSaved, e);
        }
        if (output.GetColumnOrNull("Score")?.Type.RawType != typeof(float))
            throw TrainingErrors.NotAModel("the ML.NET model has no float 'Score' output", NotSaved);
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var target = entry.Open();
        target.Write(bytes);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name)
            ?? throw TrainingErrors.NotAModel($"the archive has no '{name}' entry (it holds: {string.Join(", ", zip.Entries.Select(e => e.FullName).DefaultIfEmpty("nothing"))})", NotSaved);
        try
        {
            using var source = entry.Open();
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            return copy.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw TrainingErrors.NotAModel($"the archive's '{name}' entry is damaged ({FirstLine(e.Message)})", NotSaved, e);
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>Reads manifest fields by dotted path; a missing or mistyped field is a <see cref="FormatException"/> naming it.</summary>
    private sealed class ManifestReader(JsonObject root)
    {
        public JsonNode Node(string path)
        {
            JsonNode? node = root;
            foreach (var part in path.Split('.'))
            {
                // "name" or "name[i][j]...": a field, then list positions.
                var pieces = part.Split('[');
                node = node?[pieces[0]];
                foreach (var index in pieces.Skip(1)) node = node?[int.Parse(index.TrimEnd(']'), CultureInfo.InvariantCulture)];
            }
            return node ?? throw new FormatException($"field '{path}' is missing");
        }

        public JsonArray Array(string path) => Node(path) as JsonArray ?? throw new FormatException($"field '{path}' is not a list");

        public string String(string path) => Value<string>(path, "a string");

        public int Int(string path) => Value<int>(path, "an integer");

        public bool Bool(string path) => Value<bool>(path, "true or false");

        public double Double(string path)
        {
            if (Node(path) is JsonValue v && v.TryGetValue<double>(out var number)) return number;
            if (Node(path) is JsonValue s && s.TryGetValue<string>(out var text) && text is "NaN" or "Infinity" or "-Infinity")
                return double.Parse(text, CultureInfo.InvariantCulture);
            throw new FormatException($"field '{path}' is not a number");
        }

        public IReadOnlyList<string> Strings(string path) => Array(path).Select((_, i) => String($"{path}[{i}]")).ToArray();

        private T Value<T>(string path, string what)
            => Node(path) is JsonValue v && v.TryGetValue<T>(out var value) ? value : throw new FormatException($"field '{path}' is not {what}");
    }
}
