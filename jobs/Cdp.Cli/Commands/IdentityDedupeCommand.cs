using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Identity.Matching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary>Options of <c>cdp identity dedupe</c>.</summary>
public sealed class IdentityDedupeSettings : CdpSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The records: a CSV (with a header row) or Parquet file.")]
    public string File { get; init; } = "";

    [CommandOption("--settings <YAML>")]
    [Description("Match settings: unique id, blocking rules, comparisons, link threshold (format in src/Cdp.Identity/README.md).")]
    public string Settings { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Folder for pairs.parquet, clusters.csv and parameters.json (created if absent; those files are replaced).")]
    public string Out { get; init; } = "";

    public override ValidationResult Validate()
    {
        if (Settings.Length == 0) return ValidationResult.Error("--settings is required: the YAML file of match settings.");
        if (Out.Length == 0) return ValidationResult.Error("--out is required: the folder to write pairs, clusters and parameters to.");
        return base.Validate();
    }
}

/// <summary><c>cdp identity dedupe</c>: probabilistic deduplication of one file (the library does the work).</summary>
public sealed class IdentityDedupeCommand(IAnsiConsole console) : CdpCommand<IdentityDedupeSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, IdentityDedupeSettings settings, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(settings.File)) throw new FileNotFoundException($"Input file '{settings.File}' does not exist.", settings.File);
        var relation = Relation(settings.File);
        var match = await MatchSettingsReader.LoadAsync(settings.Settings, cancellationToken);
        await using var engine = new DuckDbEngine();
        var result = await WithStatusAsync(settings, $"Deduplicating {settings.File}", () => Matcher.RunAsync(engine, relation, match, cancellationToken));

        Directory.CreateDirectory(settings.Out);
        var pairs = Path.Combine(settings.Out, "pairs.parquet");
        await engine.ExecuteAsync($"COPY (SELECT * FROM {result.PairsTable} ORDER BY id_l, id_r) TO {Sql.Literal(pairs)} (FORMAT parquet)", cancellationToken);
        await WriteClustersAsync(Path.Combine(settings.Out, "clusters.csv"), result, cancellationToken);
        var parameters = ParametersJson(result.Parameters);
        await System.IO.File.WriteAllTextAsync(Path.Combine(settings.Out, "parameters.json"), parameters.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);

        var printer = PrinterFor(settings);
        var summary = new List<(string, object?)>
        {
            ("input", Path.GetFullPath(settings.File)), ("records", result.Records), ("candidate_pairs", result.CandidatePairs),
            ("links", result.Links), ("clusters", result.ClusterCount), ("lambda", Round(result.Parameters.Lambda)),
            ("threshold_weight", Round(result.Parameters.ThresholdWeight)), ("out", Path.GetFullPath(settings.Out)),
        };
        if (printer.IsJson)
        {
            printer.Summary("identity dedupe", [.. summary, ("parameters", parameters)]);
            return ExitCodes.Success;
        }
        printer.Summary("identity dedupe", summary);
        printer.Rows(["comparison", "level", "gamma", "m", "u", "weight"], result.Parameters.Comparisons.SelectMany(c => c.Levels.Select(l =>
            (IReadOnlyList<object?>)[c.Name, l.Label, l.Gamma, Round(l.M), Round(l.U), Math.Round(l.Weight, 2)])));
        return ExitCodes.Success;
    }

    /// <summary>CSV is read all as text so ids and postcodes keep their leading zeros.</summary>
    private static string Relation(string file)
    {
        var extension = Path.GetExtension(file).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".tsv" or ".txt" => $"SELECT * FROM read_csv({Sql.Literal(file)}, header = true, all_varchar = true)",
            ".parquet" => $"SELECT * FROM read_parquet({Sql.Literal(file)})",
            _ => throw new ArgumentException($"Input file '{file}' has extension '{extension}'; dedupe reads .csv or .parquet."),
        };
    }

    private static async Task WriteClustersAsync(string path, MatchResult result, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("record_id,cluster_id");
        foreach (var c in result.Clusters) await writer.WriteLineAsync($"{Csv(c.RecordId)},{Csv(c.ClusterId)}".AsMemory(), cancellationToken);
    }

    private static string Csv(string value)
        => value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static JsonObject ParametersJson(MatchParameters p)
    {
        var comparisons = new JsonArray();
        foreach (var c in p.Comparisons)
        {
            var levels = new JsonArray();
            foreach (var l in c.Levels) levels.Add(new JsonObject { ["gamma"] = l.Gamma, ["label"] = l.Label, ["m"] = l.M, ["u"] = l.U, ["weight"] = l.Weight });
            comparisons.Add(new JsonObject { ["comparison"] = c.Name, ["levels"] = levels });
        }
        return new JsonObject
        {
            ["lambda"] = p.Lambda, ["lambda_estimated"] = p.LambdaEstimated, ["blocked_match_proportion"] = p.BlockedMatchProportion,
            ["em_iterations"] = p.Iterations, ["em_converged"] = p.Converged, ["threshold_weight"] = p.ThresholdWeight, ["comparisons"] = comparisons,
        };
    }

    private static double Round(double value) => double.Parse(value.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
