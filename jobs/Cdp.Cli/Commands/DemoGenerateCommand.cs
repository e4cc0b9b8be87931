using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.DemoBrand;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary>Options of <c>cdp demo generate</c>.</summary>
public sealed class DemoGenerateSettings : CdpSettings
{
    [CommandOption("--out <DIR>")]
    [Description("The folder to write the silos to (default ./demo-data); it must be empty or hold an earlier generation, which is replaced.")]
    [DefaultValue("demo-data")]
    public string Out { get; init; } = "demo-data";

    [CommandOption("--people <N>")]
    [Description("How many true people the brand has (default 20000).")]
    [DefaultValue(GenerationOptions.DefaultPeople)]
    public int People { get; init; } = GenerationOptions.DefaultPeople;

    [CommandOption("--seed <S>")]
    [Description("The seed; the same --people, --seed and --as-of give byte-identical files (default 42).")]
    [DefaultValue(GenerationOptions.DefaultSeed)]
    public ulong Seed { get; init; } = GenerationOptions.DefaultSeed;

    [CommandOption("--as-of <DATE>")]
    [Description("The last day of the data, yyyy-MM-dd; the data covers the two years before it (default 2026-10-31).")]
    [DefaultValue("2026-10-31")]
    public string AsOf { get; init; } = "2026-10-31";

    public override ValidationResult Validate()
    {
        if (People is < 1 or > 10_000_000) return ValidationResult.Error("--people must be between 1 and 10000000.");
        if (!DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) || d.Year is < 2000 or > 2100)
            return ValidationResult.Error("--as-of must be a date yyyy-MM-dd between 2000 and 2100.");
        return base.Validate();
    }

    /// <summary>The parsed <see cref="AsOf"/> (valid once <see cref="Validate"/> passed).</summary>
    public DateOnly AsOfDate => DateOnly.ParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary><c>cdp demo generate</c>: writes a demo beauty brand's silos (and their ground truth) as files.</summary>
public sealed class DemoGenerateCommand(IAnsiConsole console) : CdpCommand<DemoGenerateSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, DemoGenerateSettings settings, CancellationToken cancellationToken)
    {
        var options = new GenerationOptions(settings.Out, settings.People, settings.Seed, settings.AsOfDate);
        var printer = PrinterFor(settings);
        GenerationSummary summary;
        if (printer.IsJson || !Console.Profile.Capabilities.Interactive)
        {
            summary = await Task.Run(() => DemoBrandGenerator.Generate(options, null, cancellationToken), cancellationToken);
        }
        else
        {
            summary = await Console.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("people", maxValue: settings.People);
                var progress = new Progress<GenerationProgress>(p => task.Value = p.PeopleDone);
                return await Task.Run(() => DemoBrandGenerator.Generate(options, progress, cancellationToken), cancellationToken);
            });
        }

        if (printer.IsJson)
        {
            var outputs = new JsonArray();
            foreach (var o in summary.Outputs) outputs.Add(new JsonObject { ["path"] = o.Path, ["files"] = o.Files, ["rows"] = o.Rows, ["bytes"] = o.Bytes });
            printer.Summary("demo generate", [
                ("out", summary.OutputDirectory), ("people", summary.People), ("seed", summary.Seed.ToString(CultureInfo.InvariantCulture)),
                ("as_of", summary.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("files", summary.Files), ("rows", summary.Rows),
                ("bytes", summary.Bytes), ("seconds", Math.Round(summary.Seconds, 3)), ("outputs", outputs),
            ]);
            return ExitCodes.Success;
        }
        printer.Rows(["output", "files", "rows", "bytes"], summary.Outputs.Select(o => (IReadOnlyList<object?>)[o.Path, o.Files, o.Rows, o.Bytes]));
        if (printer.Format == Output.OutputFormat.Table)
        {
            Console.MarkupLine($"[green]✓[/] {summary.People} people, {summary.Files} files, {summary.Rows} rows, {summary.Bytes / 1048576.0:0.0} MB in [bold]{Markup.Escape(summary.OutputDirectory)}[/] [grey]({summary.Seconds:0.###} s)[/]");
            Console.MarkupLine("[grey]truth/ is the ground truth for scoring identity resolution and predictions: never ingest it.[/]");
        }
        return ExitCodes.Success;
    }
}
