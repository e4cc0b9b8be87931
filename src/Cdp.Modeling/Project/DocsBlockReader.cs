using System.Text.RegularExpressions;
using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Project;

/// <summary>
/// Finds <c>{% docs name %}...{% enddocs %}</c> blocks (with or without '-' whitespace control) in .md files.
/// The text is trimmed; the location is that of the opening tag. A duplicate name or a missing
/// <c>{% enddocs %}</c> is an error.
/// </summary>
internal static partial class DocsBlockReader
{
    public static void Read(ProjectFile file, Dictionary<string, DocsBlock> into, DiagnosticBag diagnostics)
    {
        var text = file.Text;
        var position = 0;
        while (OpenTag().Match(text, position) is { Success: true } open)
        {
            var name = open.Groups["name"].Value;
            var location = LocationAt(file.Path, text, open.Index);
            var close = CloseTag().Match(text, open.Index + open.Length);
            if (!close.Success)
            {
                diagnostics.Add(Diagnostic.Error($"docs block '{name}' has no {{% enddocs %}}", location).WithSourceFrom(text));
                return;
            }
            var start = open.Index + open.Length;
            var block = new DocsBlock(name, text[start..close.Index].Trim(), location);
            if (into.TryGetValue(name, out var first))
                diagnostics.Add(Diagnostic.Error($"duplicate docs block '{name}': {first.Location} and {location}", location).WithSourceFrom(text));
            else
                into[name] = block;
            position = close.Index + close.Length;
        }
    }

    private static SourceLocation LocationAt(string path, string text, int index)
    {
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        var line = 1;
        for (var i = 0; i < lineStart; i++)
        {
            if (text[i] == '\n') line++;
        }
        return new SourceLocation(path, line, index - lineStart + 1);
    }

    [GeneratedRegex(@"\{%-?\s*docs\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*-?%\}", RegexOptions.CultureInvariant)]
    private static partial Regex OpenTag();

    [GeneratedRegex(@"\{%-?\s*enddocs\s*-?%\}", RegexOptions.CultureInvariant)]
    private static partial Regex CloseTag();
}
