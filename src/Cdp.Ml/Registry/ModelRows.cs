using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cdp.Engine;

namespace Cdp.Ml.Registry;

/// <summary>
/// The rows of <c>ml_models</c> and the SQL that writes and reads them. Every column is cast to its type when
/// written, so the table's schema does not depend on which registration created it (a null seed is still INTEGER).
/// </summary>
internal static partial class ModelRows
{
    public const string ModelName = "model_name";
    public const string Version = "version";
    public const string Artifact = "artifact";
    public const string ArtifactSha256 = "artifact_sha256";

    /// <summary>The columns a registration stages before it knows its version: name, SQL type, value.</summary>
    public static IReadOnlyList<(string Column, string Type, string Value)> Staged(ModelDescription d, DateTimeOffset trainedAt, byte[] artifact, string sha256) =>
    [
        (ModelName, "VARCHAR", Sql.Literal(d.ModelName)),
        ("kind", "VARCHAR", Sql.Literal(d.Kind)),
        ("algorithm", "VARCHAR", Sql.Literal(d.Algorithm)),
        ("trained_at", "TIMESTAMPTZ", Sql.Literal(trainedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")),
        ("run_id", "VARCHAR", Sql.Literal(d.RunId)),
        ("seed", "INTEGER", d.Seed is { } s ? Sql.Literal(s) : "NULL"),
        ("training_cutoffs", "DATE[]", "[" + string.Join(", ", d.TrainingCutoffs.Select(c => Sql.Literal(c.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))) + "]"),
        ("horizon_days", "INTEGER", d.HorizonDays is { } h ? Sql.Literal(h) : "NULL"),
        ("rows", "BIGINT", Sql.Literal(d.Rows)),
        ("positives", "BIGINT", d.Positives is { } p ? Sql.Literal(p) : "NULL"),
        ("features_schema", "VARCHAR", Sql.Literal(FeaturesJson(d.Features))),
        ("metrics", "VARCHAR", Sql.Literal(MetricsJson(d.Metrics))),
        ("input_versions", "VARCHAR", Sql.Literal(InputVersionsJson(d.InputVersions))),
        (Artifact, "BLOB", $"from_base64({Sql.Literal(Convert.ToBase64String(artifact))})"),
        (ArtifactSha256, "VARCHAR", Sql.Literal(sha256)),
    ];

    /// <summary>The staged row with its version, columns in table order (model_name, version, then the rest as staged).</summary>
    public static string WithVersion(string stagedTable, long version)
        => $"SELECT {Sql.Identifier(ModelName)}, CAST({Sql.Literal(version)} AS BIGINT) AS {Sql.Identifier(Version)}, * EXCLUDE ({Sql.Identifier(ModelName)}) FROM {stagedTable}";

    /// <summary>The columns read back for a <see cref="RegisteredModel"/>: everything but the artifact bytes.</summary>
    public static string Projection { get; } = string.Join(", ",
        Sql.Identifier(ModelName), Sql.Identifier(Version), Sql.Identifier("kind"), Sql.Identifier("algorithm"),
        "epoch_us(" + Sql.Identifier("trained_at") + ")", Sql.Identifier("run_id"), Sql.Identifier("seed"),
        "array_to_string(CAST(" + Sql.Identifier("training_cutoffs") + " AS VARCHAR[]), ',')", Sql.Identifier("horizon_days"),
        Sql.Identifier("rows"), Sql.Identifier("positives"), Sql.Identifier("features_schema"), Sql.Identifier("metrics"),
        Sql.Identifier("input_versions"), Sql.Identifier(ArtifactSha256));

    /// <summary>A row of <see cref="Projection"/>.</summary>
    public static RegisteredModel Parse(object?[] row, string location)
    {
        var name = (string)row[0]!;
        var version = Long(row[1]);
        string Column(int i, string column) => row[i] as string ?? throw RegistryErrors.MalformedRow(location, name, version, column, "it is missing");
        try
        {
            var description = new ModelDescription
            {
                ModelName = name,
                Kind = Column(2, "kind"),
                Algorithm = Column(3, "algorithm"),
                RunId = Column(5, "run_id"),
                Seed = row[6] is null ? null : (int)Long(row[6]),
                TrainingCutoffs = row[7] is string cutoffs && cutoffs.Length > 0
                    ? cutoffs.Split(',').Select(c => DateOnly.ParseExact(c, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray()
                    : [],
                HorizonDays = row[8] is null ? null : (int)Long(row[8]),
                Rows = Long(row[9]),
                Positives = row[10] is null ? null : Long(row[10]),
                Features = ParseFeatures(Column(11, "features_schema")),
                Metrics = ParseObject(Column(12, "metrics"), v => v.GetValue<double>()),
                InputVersions = ParseObject(Column(13, "input_versions"), v => v.GetValue<long>()),
            };
            var trainedAt = DateTimeOffset.UnixEpoch.AddTicks(Long(row[4]) * 10);
            return new RegisteredModel(description, version, trainedAt, Column(14, ArtifactSha256));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or InvalidCastException)
        {
            throw RegistryErrors.MalformedRow(location, name, version, "row", e.Message, e);
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>Checks a description before anything is written; the error names the field and what is wrong with it.</summary>
    public static void Validate(ModelDescription d, byte[] artifact)
    {
        if (d.ModelName is null || !NamePattern().IsMatch(d.ModelName))
            throw RegistryErrors.InvalidDescription($"model name '{d.ModelName}'",
                "is not valid: use 1 to 100 lower-case letters, digits, '_' and '-', starting with a letter (for example churn or repurchase_skincare)");
        Required(d.Kind, "kind");
        Required(d.Algorithm, "algorithm");
        Required(d.RunId, "run id");
        if (d.Rows < 0) throw RegistryErrors.InvalidDescription("row count", $"is {d.Rows}; it cannot be negative");
        if (d.Positives is { } p && (p < 0 || p > d.Rows)) throw RegistryErrors.InvalidDescription("positive count", $"is {p}; it must be between 0 and the {d.Rows} rows");
        if (d.HorizonDays is < 0) throw RegistryErrors.InvalidDescription("horizon", $"is {d.HorizonDays} days; it cannot be negative");
        if (d.Features.FirstOrDefault(f => string.IsNullOrEmpty(f.Name)) is not null) throw RegistryErrors.InvalidDescription("features", "include a column without a name");
        if (d.Features.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw RegistryErrors.InvalidDescription("features", $"list column '{twice.Key}' more than once");
        if (d.Metrics.FirstOrDefault(m => string.IsNullOrEmpty(m.Key) || !double.IsFinite(m.Value)) is { Key: not null } bad)
            throw RegistryErrors.InvalidDescription($"metric '{bad.Key}'", $"is {bad.Value.ToString(CultureInfo.InvariantCulture)}; metrics need a name and a finite value");
        if (d.InputVersions.FirstOrDefault(i => string.IsNullOrEmpty(i.Key) || i.Value < 0) is { Key: not null } input)
            throw RegistryErrors.InvalidDescription($"input version of '{input.Key}'", $"is {input.Value}; inputs need a name and a Delta version of 0 or more");
        if (artifact.Length == 0) throw new ArgumentException("The artifact is empty: pass the saved model's bytes.", nameof(artifact));
    }

    private static void Required(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw RegistryErrors.InvalidDescription(field, "is empty");
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,99}$")]
    private static partial Regex NamePattern();

    private static string FeaturesJson(IReadOnlyList<ModelFeature> features)
        => new JsonArray(features.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Kind == FeatureKind.Numeric ? "numeric" : "categorical" }).ToArray()).ToJsonString();

    private static string MetricsJson(IReadOnlyDictionary<string, double> metrics)
        => new JsonObject(metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))).ToJsonString();

    private static string InputVersionsJson(IReadOnlyDictionary<string, long> inputs)
        => new JsonObject(inputs.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))).ToJsonString();

    private static IReadOnlyList<ModelFeature> ParseFeatures(string json)
        => (JsonNode.Parse(json)?.AsArray() ?? throw new FormatException("features_schema is null")).Select(n => new ModelFeature(
            n?["name"]?.GetValue<string>() ?? throw new FormatException("a feature has no name"),
            n["type"]?.GetValue<string>() switch
            {
                "numeric" => FeatureKind.Numeric,
                "categorical" => FeatureKind.Categorical,
                var other => throw new FormatException($"feature '{n["name"]}' has type '{other}', not numeric or categorical"),
            })).ToArray();

    private static Dictionary<string, T> ParseObject<T>(string json, Func<JsonNode, T> value)
        => (JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("the JSON is null"))
            .ToDictionary(p => p.Key, p => value(p.Value ?? throw new FormatException($"'{p.Key}' is null")), StringComparer.Ordinal);
}
