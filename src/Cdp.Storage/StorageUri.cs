using System.Text.RegularExpressions;

namespace Cdp.Storage;

/// <summary>Small rules about storage URIs that every store and resolver must apply the same way.</summary>
public static partial class StorageUri
{
    /// <summary>
    /// The lower-cased scheme of <paramref name="uri"/>, or null for a plain path. A single letter before ':'
    /// is a Windows drive, not a scheme.
    /// </summary>
    public static string? SchemeOf(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var match = SchemePattern().Match(uri);
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    /// <summary>
    /// The URI without anything that may carry a secret (a query such as a SAS token, a fragment, a password in the
    /// user part), for error messages and display.
    /// </summary>
    public static string Redact(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var cut = uri.IndexOfAny(['?', '#']);
        var text = cut < 0 ? uri : uri[..cut] + "?<redacted>";
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return text;
        var authorityStart = schemeEnd + 3;
        var authorityEnd = text.IndexOf('/', authorityStart);
        if (authorityEnd < 0) authorityEnd = text.Length;
        var at = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        var colon = at < 0 ? -1 : text.IndexOf(':', authorityStart, at - authorityStart);
        return colon < 0 ? text : text[..colon] + ":<redacted>" + text[at..];
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]+):")]
    private static partial Regex SchemePattern();
}
