using System.ComponentModel;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class DemoLakeSettings : CdpSettings
{
    [CommandOption("--lake <URI>")]
    [Description("The lake to run in (default ./lake). The demo owns and resets <lake>/demo.")]
    [DefaultValue("lake")]
    public string Lake { get; init; } = "lake";

    [CommandOption("--customers <N>")]
    [Description("How many synthetic customers to generate (default 10000).")]
    [DefaultValue(10000)]
    public int Customers { get; init; } = 10000;

    public override ValidationResult Validate()
        => Customers is < 100 or > 10_000_000 ? ValidationResult.Error("--customers must be between 100 and 10000000.") : base.Validate();
}

/// <summary><c>cdp demo lake</c>: a tour of the lake features (batches, idempotency, upsert, erasure, time travel, vacuum).</summary>
public sealed class DemoLakeCommand(IAnsiConsole console) : CdpCommand<DemoLakeSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, DemoLakeSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var demo = new LakeDemo(lake, settings.Lake);
        var printer = PrinterFor(settings);
        var steps = await demo.RunAsync(settings.Customers, step =>
        {
            if (!printer.IsJson) Console.MarkupLine($"[green]✓[/] {Markup.Escape(step.Name)} [grey]({step.Seconds:0.###} s)[/]");
        }, cancellationToken);
        printer.Rows(["step", "result", "seconds"], steps.Select(s => (IReadOnlyList<object?>)[s.Name, s.Result, s.Seconds]));
        if (!printer.IsJson) Console.MarkupLine($"Tables are in [bold]{Markup.Escape(Path.GetFullPath(settings.Lake))}/demo[/]; try: cdp sql \"SELECT * FROM demo.customers LIMIT 5\" --lake {Markup.Escape(settings.Lake)}");
        return ExitCodes.Success;
    }
}
