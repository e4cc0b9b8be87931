using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;

namespace Cdp.Modeling;

/// <summary>Reads <c>--vars</c>: a YAML (or JSON) mapping such as <c>{start_date: '2024-01-01', limit: 10}</c>.</summary>
public static class CommandLineVars
{
    public static IReadOnlyDictionary<string, object?> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Dictionary<string, object?>();
        var diagnostics = new DiagnosticBag();
        var file = YamlFile.Parse("--vars", text, diagnostics);
        var value = file.Root is null ? null : YamlValues.ToValue(file.Root);
        diagnostics.ThrowIfErrors("--vars is not valid YAML.");
        return value as IReadOnlyDictionary<string, object?>
               ?? throw new ModelingException($"--vars must be a mapping such as \"{{start_date: '2024-01-01'}}\", not '{text}'.");
    }
}
