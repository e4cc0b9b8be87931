using System.Text.Json.Nodes;

namespace Cdp.Cli.Tests.Support;

/// <summary>What one <c>cdp</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Asserts exit code 0 and nothing on stderr; the message shows both streams when it fails.</summary>
    public CliResult Succeeded()
    {
        Assert.True(ExitCode == 0 && Stderr.Length == 0, $"expected success, got exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }

    /// <summary>Asserts a failure with <paramref name="exitCode"/>, an error on stderr and nothing on stdout.</summary>
    public CliResult Failed(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}, got {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        Assert.StartsWith("error: ", Stderr);
        Assert.Equal("", Stdout);
        return this;
    }

    /// <summary>Stdout as exactly one JSON document (the parser rejects anything before or after it).</summary>
    public JsonNode Json() => JsonOutput.Single(Stdout);

    public JsonObject JsonObject() => Assert.IsType<JsonObject>(Json());

    public JsonArray JsonArray() => Assert.IsType<JsonArray>(Json());
}

public static class JsonOutput
{
    public static JsonNode Single(string text)
    {
        // JsonDocument refuses trailing content, so a stray log line before or after the document fails here.
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        return JsonNode.Parse(doc.RootElement.GetRawText())!;
    }
}
