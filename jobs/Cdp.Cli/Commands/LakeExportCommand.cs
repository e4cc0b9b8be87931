using System.ComponentModel;
using System.Globalization;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class LakeExportSettings : TableSettings
{
    [CommandArgument(1, "<out-parquet>")]
    [Description("The Parquet file to write (replaced atomically if it exists).")]
    public string Output { get; init; } = "";

    [CommandOption("--version <N>")]
    [Description("Export the table as of this version.")]
    public long? Version { get; init; }

    [CommandOption("--timestamp <TIME>")]
    [Description("Export the table as of this time (ISO 8601; UTC unless an offset is given).")]
    public string? Timestamp { get; init; }

    public override ValidationResult Validate()
    {
        if (Version is not null && Timestamp is not null) return ValidationResult.Error("Give --version or --timestamp, not both.");
        if (Timestamp is not null && !TryParseTime(Timestamp, out _)) return ValidationResult.Error($"--timestamp '{Timestamp}' is not an ISO 8601 time.");
        return base.Validate();
    }

    internal static bool TryParseTime(string text, out DateTimeOffset value)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}

/// <summary><c>cdp lake export</c>.</summary>
public sealed class LakeExportCommand(IAnsiConsole console) : CdpCommand<LakeExportSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, LakeExportSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        DateTimeOffset? at = settings.Timestamp is { } t && LakeExportSettings.TryParseTime(t, out var parsed) ? parsed : null;
        var (snapshot, rows) = await WithStatusAsync(settings, $"Exporting {settings.TableUri}",
            () => lake.ExportAsync(settings.TableUri, settings.Output, settings.Version, at, cancellationToken));
        PrinterFor(settings).Summary("export", [
            ("table", settings.TableUri),
            ("version", snapshot.Version),
            ("rows", rows),
            ("output", Path.GetFullPath(settings.Output)),
        ]);
        return ExitCodes.Success;
    }
}
