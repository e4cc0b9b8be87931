using System.ComponentModel;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class LakeVacuumSettings : TableSettings
{
    [CommandOption("--retain <HOURS>")]
    [Description("Keep unreferenced files younger than this many hours (default: the table's delta.deletedFileRetentionDuration, 7 days).")]
    public double? RetainHours { get; init; }

    [CommandOption("--dry-run")]
    [Description("List the files that would be deleted; delete nothing.")]
    public bool DryRun { get; init; }

    [CommandOption("--force")]
    [Description("Allow a retention under 168 hours (time travel to older versions will then fail).")]
    public bool Force { get; init; }
}

/// <summary><c>cdp lake vacuum</c>.</summary>
public sealed class LakeVacuumCommand(IAnsiConsole console) : CdpCommand<LakeVacuumSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, LakeVacuumSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var retention = settings.RetainHours is { } h ? TimeSpan.FromHours(h) : (TimeSpan?)null;
        var result = await lake.VacuumAsync(settings.TableUri, retention, settings.DryRun, settings.Force, cancellationToken);
        var printer = PrinterFor(settings);
        printer.Summary(settings.DryRun ? "vacuum (dry run)" : "vacuum", [
            ("table", settings.TableUri),
            ("version", result.Version),
            ("retention_hours", result.Retention.TotalHours),
            ("dry_run", result.DryRun),
            (result.DryRun ? "files_to_delete" : "files_deleted", result.Files.Count),
            ("bytes", result.Bytes),
            ("files", new System.Text.Json.Nodes.JsonArray(result.Files.Select(f => (System.Text.Json.Nodes.JsonNode?)f).ToArray())),
        ]);
        return ExitCodes.Success;
    }
}
