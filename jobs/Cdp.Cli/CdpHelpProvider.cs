using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Cdp.Cli;

/// <summary>Spectre's help, followed by the exit codes: scripts branch on them, so every help page lists them.</summary>
internal sealed class CdpHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    private static readonly (int Code, string Meaning)[] Codes =
    [
        (ExitCodes.Success, "success"),
        (ExitCodes.Failure, "the command failed (bad input, unreadable table, SQL error); the message on stderr says why"),
        (ExitCodes.Usage, "the command line is wrong (unknown command or option, missing argument)"),
        (ExitCodes.Conflict, "another writer changed the table in a conflicting way; re-running is safe"),
        (ExitCodes.Cancelled, "interrupted (Ctrl+C)"),
    ];

    /// <summary>Codes only some commands return, listed on their own help pages.</summary>
    private static readonly Dictionary<string, (int Code, string Meaning)[]> CommandCodes = new(StringComparer.Ordinal)
    {
        ["sync"] = [(ExitCodes.SyncIncomplete, "a destination failed or was disabled, or records are pending; re-running resumes")],
    };

    /// <summary>A branch that runs a default command (<c>cdp demo</c>) shows that command's options, which it accepts.</summary>
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
        => command is { IsBranch: true, DefaultCommand: { } defaultCommand }
            ? base.GetOptions(model, new BranchWithDefault(command, defaultCommand))
            : base.GetOptions(model, command);

    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(4)).AddColumn();
        var codes = command is not null && CommandCodes.TryGetValue(command.Name, out var own) ? Codes.Concat(own).OrderBy(c => c.Code) : Codes.AsEnumerable();
        foreach (var (code, meaning) in codes) grid.AddRow(new Text(code.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(meaning));
        return [.. base.GetFooter(model, command), Text.NewLine, new Text("EXIT CODES:", new Style(decoration: Decoration.Bold)), Text.NewLine, grid];
    }
}

/// <summary>A branch seen with its default command's options added to its own.</summary>
internal sealed class BranchWithDefault(ICommandInfo branch, ICommandInfo defaultCommand) : ICommandInfo
{
    public string Name => branch.Name;
    public string? Description => branch.Description;
    public bool IsBranch => branch.IsBranch;
    public bool IsDefaultCommand => branch.IsDefaultCommand;
    public bool IsHidden => branch.IsHidden;
    public IReadOnlyList<ICommandParameter> Parameters => [.. branch.Parameters, .. defaultCommand.Parameters.Where(p => !branch.Parameters.Contains(p))];
    public ICommandInfo? Parent => branch.Parent;
    public IReadOnlyList<ICommandInfo> Commands => branch.Commands;
    public ICommandInfo? DefaultCommand => branch.DefaultCommand;
    public IReadOnlyList<string[]> Examples => branch.Examples;
}
