using System.ComponentModel;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class LakeHistorySettings : TableSettings
{
    [CommandOption("--limit <N>")]
    [Description("Show at most N commits.")]
    public int? Limit { get; init; }
}

/// <summary><c>cdp lake history</c>.</summary>
public sealed class LakeHistoryCommand(IAnsiConsole console) : CdpCommand<LakeHistorySettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, LakeHistorySettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var history = await lake.HistoryAsync(settings.TableUri, settings.Limit, cancellationToken);
        PrinterFor(settings).Rows(
            ["version", "timestamp", "operation", "parameters", "metrics", "adds", "removes", "engine"],
            history.Select(h => (IReadOnlyList<object?>)[h.Version, h.Timestamp, h.Operation, h.OperationParameters, h.OperationMetrics, h.Adds, h.Removes, h.EngineInfo]));
        return ExitCodes.Success;
    }
}
