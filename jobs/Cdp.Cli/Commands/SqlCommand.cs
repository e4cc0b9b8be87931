using System.ComponentModel;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class SqlSettings : CdpSettings
{
    [CommandArgument(0, "<query>")]
    [Description("DuckDB SQL. Several statements may be separated by ';' (the last one's result is printed).")]
    public string Query { get; init; } = "";

    [CommandOption("--lake <URI>")]
    [Description("The lake whose tables become views zone.table (default: ./lake when it exists).")]
    public string? Lake { get; init; }

    [CommandOption("--max-rows <N>")]
    [Description("Print at most N rows in table format (default 1000; csv and json print all).")]
    [DefaultValue(1000)]
    public int MaxRows { get; init; } = 1000;
}

/// <summary><c>cdp sql</c>.</summary>
public sealed class SqlCommand(IAnsiConsole console) : CdpCommand<SqlSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, SqlSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = Sessions.WithSqlFunctions();
        var lakeUri = settings.Lake ?? (Directory.Exists("lake") ? "lake" : null);
        if (lakeUri is not null) await lake.RegisterLakeAsync(lakeUri, cancellationToken);
        var result = await lake.Engine.QueryAsync(settings.Query, cancellationToken);
        var printer = PrinterFor(settings);
        var rows = printer.Format == Output.OutputFormat.Table ? result.Rows.Take(settings.MaxRows) : result.Rows;
        printer.Rows(result.Columns.Select(c => c.Name).ToList(), rows.Select(r => (IReadOnlyList<object?>)r));
        if (printer.Format == Output.OutputFormat.Table && result.Rows.Count > settings.MaxRows)
            Console.MarkupLine($"[grey]{result.Rows.Count - settings.MaxRows} more rows not shown (use --max-rows, or --format csv|json).[/]");
        return ExitCodes.Success;
    }
}
