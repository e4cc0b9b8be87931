using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>A template's text with a line table, to turn character offsets into 1-based lines and columns.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n') starts.Add(i + 1);
        }
        _lineStarts = [.. starts];
    }

    public string Path { get; }

    public string Text { get; }

    public int LineOf(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    public SourceLocation Location(int offset)
    {
        var line = LineOf(offset);
        return new SourceLocation(Path, line, offset - _lineStarts[line - 1] + 1);
    }

    public string LineText(int line)
    {
        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] - 1 : Text.Length;
        return Text[start..end].TrimEnd('\r');
    }

    /// <summary>An error at <paramref name="offset"/>, with the line's text for the caret display.</summary>
    public Diagnostic Error(int offset, string message)
    {
        var location = Location(offset);
        return Diagnostic.Error(message, location, LineText(location.Line));
    }
}
