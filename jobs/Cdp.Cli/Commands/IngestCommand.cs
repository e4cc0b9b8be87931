using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Ingestion;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class IngestSettings : CdpSettings
{
    [CommandArgument(0, "[source]")]
    [Description("Sources of the project file's ingest.sources to run (default: all of them).")]
    public string[] Sources { get; init; } = [];

    [CommandOption("--project-dir <DIR>")]
    [Description("The folder holding cdp.yml; relative source paths are relative to it (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake to land into (default: the default target's lake, then the project's, then <project-dir>/lake).")]
    public string? Lake { get; init; }
}

/// <summary><c>cdp ingest</c>: composes the project file, the ingest section and the runner; prints progress and a summary.</summary>
public sealed class IngestCommand(IAnsiConsole console) : CdpCommand<IngestSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, IngestSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (IngestException e)
        {
            // Configuration errors (one per line, each naming its key) and unknown source names.
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private async Task<int> RunAsync(IngestSettings settings, CancellationToken cancellationToken)
    {
        var project = ProjectFile.Load(settings.ProjectDir);
        if (project.Sections.GetValueOrDefault("ingest") is not IReadOnlyDictionary<string, object?> section)
            throw new IngestException($"{project.ProjectFile}: no ingest section; declare sources under ingest.sources (see 'cdp ingest --help')");
        var sources = IngestConfig.Read(section, project.RootDirectory).Select(settings.Sources);
        var lakeUri = project.ResolveLake(LakeArgument.Resolve(settings.Lake), null);

        await using var lake = new LakeSession();
        var runner = new IngestRunner(lake, lakeUri);
        var printer = PrinterFor(settings);
        IngestRunResult result;
        if (printer.IsJson || !Console.Profile.Capabilities.Interactive) result = await runner.RunAsync(sources, null, cancellationToken);
        else
        {
            result = await Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = sources.ToDictionary(s => s.Name, s => ctx.AddTask(Markup.Escape(s.Name), autoStart: false, maxValue: 1));
                    var progress = new SynchronousProgress<IngestProgress>(p =>
                    {
                        var task = tasks[p.Source];
                        task.StartTask();
                        task.MaxValue = Math.Max(1, p.BytesTotal);
                        task.Value = Math.Min(p.Bytes, task.MaxValue);
                        task.Description = Markup.Escape($"{p.Source}: {p.FilesDone}/{p.FilesTotal} files, {p.Rows:N0} rows");
                        if (p.FilesDone == p.FilesTotal) task.Value = task.MaxValue;
                    });
                    return await runner.RunAsync(sources, progress, cancellationToken);
                });
        }
        Print(printer, result);
        foreach (var failed in result.Sources.Where(s => !s.Succeeded)) CdpApp.CurrentError.WriteLine($"error: {failed.Error}");
        return result.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private void Print(Printer printer, IngestRunResult result)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["batch_id"] = result.BatchId,
                ["lake"] = result.LakeUri,
                ["succeeded"] = result.Succeeded,
                ["sources"] = new JsonArray(result.Sources.Select(s => (JsonNode)new JsonObject
                {
                    ["source"] = s.Source, ["table"] = s.Table, ["succeeded"] = s.Succeeded, ["error"] = s.Error,
                    ["files_new"] = s.FilesNew, ["files_skipped"] = s.FilesSkipped, ["files_failed"] = s.Files.Count(f => f.Status == FileStatus.Failed),
                    ["rows_read"] = s.RowsRead, ["rows_landed"] = s.RowsLanded, ["rows_quarantined"] = s.RowsQuarantined,
                    ["bytes"] = s.Bytes, ["seconds"] = Math.Round(s.Elapsed.TotalSeconds, 3),
                    ["files"] = new JsonArray(s.Files.Select(f => (JsonNode)new JsonObject
                    {
                        ["file"] = f.File, ["status"] = f.Recovered ? "recovered" : f.Status.ToString().ToLowerInvariant(),
                        ["rows_read"] = f.RowsRead, ["rows_landed"] = f.RowsLanded, ["rows_quarantined"] = f.RowsQuarantined, ["bytes"] = f.Bytes,
                    }).ToArray()),
                }).ToArray()),
            });
            return;
        }
        printer.Rows(["source", "files new", "files skipped", "rows read", "rows landed", "rows quarantined", "MB", "seconds", "status"],
            result.Sources.Select(s => (IReadOnlyList<object?>)
            [
                s.Source, s.FilesNew, s.FilesSkipped, s.RowsRead, s.RowsLanded, s.RowsQuarantined,
                Math.Round(s.Bytes / 1048576.0, 1), Math.Round(s.Elapsed.TotalSeconds, 2), s.Succeeded ? "ok" : "failed",
            ]));
        if (printer.Format == OutputFormat.Table)
        {
            var quarantined = result.Sources.Sum(s => s.RowsQuarantined);
            Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Batch {result.BatchId}. {(quarantined > 0 ? $"{quarantined} row(s) quarantined under bronze/_quarantine/<source> with the reason. " : "")}Ledger: bronze/_ingest_runs.")));
        }
    }

}
