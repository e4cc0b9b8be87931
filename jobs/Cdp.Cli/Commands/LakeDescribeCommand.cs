using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary><c>cdp lake describe</c>.</summary>
public sealed class LakeDescribeCommand(IAnsiConsole console) : CdpCommand<TableSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, TableSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var d = await lake.DescribeAsync(settings.TableUri, cancellationToken);
        var printer = PrinterFor(settings);
        if (printer.IsJson)
        {
            printer.Json(JsonSerializer.SerializeToNode(d, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!);
            return ExitCodes.Success;
        }
        printer.Summary("table", [
            ("location", d.Location),
            ("name", d.Name),
            ("id", d.TableId),
            ("version", d.Version),
            ("committed", d.Timestamp),
            ("protocol", $"reader {d.MinReaderVersion}, writer {d.MinWriterVersion}"),
            ("partition columns", string.Join(", ", d.PartitionColumns)),
            ("files", d.Files),
            ("size (bytes)", d.Bytes),
            ("rows", d.Rows),
            ("properties", new JsonObject(d.Properties.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)))),
        ]);
        printer.Rows(["column", "type", "nullable"], d.Columns.Select(c => (IReadOnlyList<object?>)[c.Name, c.Type, c.Nullable]));
        return ExitCodes.Success;
    }
}
