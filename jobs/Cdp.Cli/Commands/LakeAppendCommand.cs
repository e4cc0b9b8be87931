using System.ComponentModel;
using Cdp.Engine;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class LakeAppendSettings : TableSettings
{
    [CommandArgument(1, "<input-file>")]
    [Description("The CSV (with header), JSON-lines or Parquet file to append.")]
    public string InputFile { get; init; } = "";

    [CommandOption("--input-format <FORMAT>")]
    [Description("auto (from the extension, default), csv, jsonlines or parquet.")]
    [DefaultValue(InputFormat.Auto)]
    public InputFormat InputFormat { get; init; } = InputFormat.Auto;

    [CommandOption("--partition-by <COLUMNS>")]
    [Description("Comma-separated partition columns, used when the append creates the table.")]
    public string? PartitionBy { get; init; }

    [CommandOption("--app-id <ID>")]
    [Description("Idempotency: the feed writing this batch. With --app-version, a batch already committed is skipped.")]
    public string? AppId { get; init; }

    [CommandOption("--app-version <N>")]
    [Description("Idempotency: the batch number within --app-id (increasing).")]
    public long? AppVersion { get; init; }

    [CommandOption("--no-merge-schema")]
    [Description("Refuse input columns the table does not have (by default they are added as nullable columns).")]
    public bool NoMergeSchema { get; init; }

    public override ValidationResult Validate()
    {
        if ((AppId is null) != (AppVersion is null)) return ValidationResult.Error("--app-id and --app-version go together.");
        return base.Validate();
    }
}

/// <summary><c>cdp lake append</c>.</summary>
public sealed class LakeAppendCommand(IAnsiConsole console) : CdpCommand<LakeAppendSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, LakeAppendSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var options = new WriteOptions
        {
            PartitionBy = settings.PartitionBy?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
            MergeSchema = !settings.NoMergeSchema,
            AppTransaction = settings.AppId is { } app ? (app, settings.AppVersion!.Value) : null,
        };
        var result = await WithStatusAsync(settings, $"Appending {settings.InputFile}",
            () => lake.AppendFileAsync(settings.TableUri, settings.InputFile, settings.InputFormat, options, cancellationToken));
        PrinterFor(settings).Summary("append", [
            ("table", settings.TableUri),
            ("version", result.Version),
            ("rows", result.RowsWritten),
            ("files", result.FilesAdded),
            ("already_committed", result.AlreadyCommitted),
            ("attempts", result.Attempts),
        ]);
        return ExitCodes.Success;
    }
}
