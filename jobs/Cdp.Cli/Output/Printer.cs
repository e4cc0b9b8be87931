using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cdp.Cli.Output;

/// <summary>Prints results in the chosen format. JSON output is exactly one document on stdout.</summary>
public sealed class Printer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Printer(IAnsiConsole console, OutputFormat format)
    {
        Console = console;
        Format = format;
    }

    public IAnsiConsole Console { get; }

    public OutputFormat Format { get; }

    public bool IsJson => Format == OutputFormat.Json;

    public void Json(JsonNode node) => Console.Profile.Out.Writer.WriteLine(node.ToJsonString(Indented));

    /// <summary>Prints rows as a table, CSV or a JSON array of objects.</summary>
    public void Rows(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<object?>> rows)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                var array = new JsonArray();
                foreach (var row in rows)
                {
                    var o = new JsonObject();
                    for (var i = 0; i < columns.Count; i++) o[UniqueName(o, columns[i])] = ValueText.Json(row[i]);
                    array.Add(o);
                }
                Json(array);
                break;
            case OutputFormat.Csv:
                var w = Console.Profile.Out.Writer;
                w.WriteLine(string.Join(',', columns.Select(ValueText.Csv)));
                foreach (var row in rows) w.WriteLine(string.Join(',', row.Select(ValueText.Csv)));
                break;
            default:
                var table = new Table().Border(TableBorder.Rounded);
                foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)));
                foreach (var row in rows) table.AddRow(row.Select(v => new Text(ValueText.Text(v))).ToArray<Spectre.Console.Rendering.IRenderable>());
                Console.Write(table);
                break;
        }
    }

    /// <summary>A two-column summary (field, value), or a JSON object with the same fields.</summary>
    public void Summary(string title, IEnumerable<(string Field, object? Value)> fields)
    {
        var list = fields.ToList();
        if (IsJson)
        {
            var o = new JsonObject();
            foreach (var (f, v) in list) o[f] = v as JsonNode ?? ValueText.Json(v);
            Json(o);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("field").AddColumn("value");
        foreach (var (f, v) in list) table.AddRow(new Text(f), new Text(v is JsonNode n ? n.ToJsonString() : ValueText.Text(v)));
        Console.Write(table);
    }

    private static string UniqueName(JsonObject o, string name)
    {
        var candidate = name;
        for (var i = 2; o.ContainsKey(candidate); i++) candidate = name + "_" + i;
        return candidate;
    }
}
