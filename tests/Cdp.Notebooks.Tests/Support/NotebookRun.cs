using System.Text;
using System.Text.Json.Nodes;

namespace Cdp.Notebooks.Tests.Support;

/// <summary>One headless run of a notebook: the exit code, what the runner printed, and the executed notebook it wrote.</summary>
public sealed record NotebookRun(string Notebook, int ExitCode, string Stdout, string Stderr, JsonObject? Executed)
{
    /// <summary>Every output of every cell, in order.</summary>
    public IReadOnlyList<JsonObject> Outputs
        => Executed?["cells"]?.AsArray().SelectMany(c => c?["outputs"]?.AsArray() ?? []).OfType<JsonObject>().ToList() ?? [];

    /// <summary>The text the cells wrote to the console, in order.</summary>
    public string Console
        => string.Concat(Outputs.Where(o => (string?)o["output_type"] == "stream").Select(o => Text(o["text"])));

    /// <summary>The cells' errors: exception and compiler messages.</summary>
    public IReadOnlyList<string> Errors
        => Outputs.Where(o => (string?)o["output_type"] == "error").Select(o => $"{o["ename"]}: {o["evalue"]}").ToList();

    /// <summary>The displayed values of one MIME type (for example <c>image/svg+xml</c>), as text.</summary>
    public IReadOnlyList<string> Displayed(string mimeType)
        => Outputs.Select(o => o["data"]?[mimeType]).Where(d => d is not null).Select(Text).ToList();

    /// <summary>Everything an assertion message needs to say why a run failed.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Notebook}: exit code {ExitCode}");
        foreach (var error in Errors) text.AppendLine("cell error: " + Shorten(error, 2000));
        text.AppendLine("console output:").AppendLine(Shorten(Console, 4000));
        if (Stdout.Length > 0) text.AppendLine("runner stdout:").AppendLine(Shorten(Stdout, 2000));
        if (Stderr.Length > 0) text.AppendLine("runner stderr:").AppendLine(Shorten(Stderr, 2000));
        if (Executed is null) text.AppendLine("(the runner wrote no executed notebook)");
        return text.ToString();
    }

    /// <summary>A notebook field that is either a string or a list of lines.</summary>
    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $" ... ({text.Length - max} more characters)";
}
