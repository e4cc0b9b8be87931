using System.ComponentModel;
using Cdp.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class CdpSettings : CommandSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("Output: table (default), csv, or json (one JSON document for machines).")]
    [DefaultValue(OutputFormat.Table)]
    public OutputFormat Format { get; init; } = OutputFormat.Table;
}

/// <summary>Settings of commands that act on one table.</summary>
public class TableSettings : CdpSettings
{
    [CommandArgument(0, "<table-uri>")]
    [Description("The table: a path, file:///path, abfss://container@account.dfs.core.windows.net/path or az://container/path.")]
    public string TableUri { get; init; } = "";
}

/// <summary>Base of commands: gives them a printer for the chosen format.</summary>
public abstract class CdpCommand<TSettings> : AsyncCommand<TSettings> where TSettings : CdpSettings
{
    private readonly IAnsiConsole _console;

    protected CdpCommand(IAnsiConsole console) => _console = console;

    protected Printer PrinterFor(TSettings settings) => new(_console, settings.Format);

    protected IAnsiConsole Console => _console;

    /// <summary>Runs work with a spinner when a person is watching; silently otherwise (JSON, redirected output).</summary>
    protected async Task<T> WithStatusAsync<T>(TSettings settings, string status, Func<Task<T>> work)
    {
        if (settings.Format == OutputFormat.Json || !_console.Profile.Capabilities.Interactive) return await work();
        return await _console.Status().StartAsync(status, _ => work());
    }
}
