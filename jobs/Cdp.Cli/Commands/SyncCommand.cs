using System.ComponentModel;
using System.Globalization;
using Cdp.Activation.Configuration;
using Cdp.Audiences;
using Cdp.Cli.Output;
using Cdp.Cli.Sync;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class SyncSettings : CdpSettings
{
    [CommandArgument(0, "[destinations]")]
    [Description("Destinations of cdp.yml's destinations: section to sync (default: all).")]
    public string[] Destinations { get; init; } = [];

    [CommandOption("--audience <NAME>")]
    [Description("Sync only this audience (repeatable).")]
    public string[] Audiences { get; init; } = [];

    [CommandOption("--dry-run")]
    [Description("Print the plan (members, exclusions, adds, updates, removes, batches) and send nothing.")]
    public bool DryRun { get; init; }

    [CommandOption("--sandbox")]
    [Description("Sync to local stand-ins of the destinations, with generated credentials and a throwaway ledger; the real ledger is not touched.")]
    public bool Sandbox { get; init; }

    [CommandOption("--project-dir <DIR>")]
    [Description("The folder holding cdp.yml (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake holding gold.audience_members and the sync ledger (default: the project's).")]
    public string? Lake { get; init; }
}

/// <summary>
/// <c>cdp sync</c>: sends each destination the changes of its audiences since the last sync (adds, updates, removes),
/// only members with the channel's consent and outside holdouts, with every record's outcome in gold.sync_ledger.
/// </summary>
public sealed class SyncCommand(IAnsiConsole console) : CdpCommand<SyncSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, SyncSettings settings, CancellationToken cancellationToken)
    {
        var printer = PrinterFor(settings);
        try
        {
            var project = SyncProject.Load(settings.ProjectDir, settings.Lake);
            var pairs = project.Select(settings.Destinations, settings.Audiences);
            await using var lake = new LakeSession();
            var progress = printer.IsJson ? null : new SynchronousProgress<string>(line => Console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
            var outcome = await SyncRun.RunAsync(lake, project, pairs, new SyncOptions(settings.DryRun, settings.Sandbox), Environment.GetEnvironmentVariable,
                progress is null ? null : progress.Report, cancellationToken);
            SyncOutput.Print(printer, outcome);
            foreach (var failed in outcome.Pairs.Where(p => p.FailureMessage is not null))
                await CdpApp.CurrentError.WriteLineAsync($"error: {failed.Pair.Destination.Name} <- {failed.Pair.Audience.Name}: {failed.FailureMessage}");
            if (!printer.IsJson) Console.MarkupLine(Markup.Escape(Closing(outcome)));
            return outcome.Complete ? ExitCodes.Success : ExitCodes.SyncIncomplete;
        }
        catch (Exception e) when (e is SyncException or DestinationConfigException or AudienceException)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string Closing(SyncOutcome outcome)
    {
        if (outcome.Options.DryRun) return "Dry run: nothing was sent and the ledger is unchanged.";
        var incomplete = outcome.Pairs.Count(p => !p.Complete);
        var where = outcome.Options.Sandbox ? " (sandbox: local stand-ins, throwaway ledger)" : "";
        return incomplete == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Run {outcome.RunId}{where}: {outcome.Pairs.Count} syncs complete.")
            : string.Create(CultureInfo.InvariantCulture, $"Run {outcome.RunId}{where}: {incomplete} of {outcome.Pairs.Count} syncs incomplete; re-run cdp sync to resume.");
    }
}
