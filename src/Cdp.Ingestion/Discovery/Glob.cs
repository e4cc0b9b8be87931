using System.Text;
using System.Text.RegularExpressions;

namespace Cdp.Ingestion.Discovery;

/// <summary>
/// A file pattern split into the folder (or URI) before its first wildcard and a matcher for the keys below it.
/// <c>*</c> matches within one path segment, <c>**</c> any number of segments (zero included), <c>?</c> one character.
/// </summary>
public sealed class Glob
{
    private readonly Regex _matcher;

    private Glob(string baseLocation, string relativePattern, string listPrefix)
    {
        BaseLocation = baseLocation;
        RelativePattern = relativePattern;
        ListPrefix = listPrefix;
        HasWildcards = relativePattern.AsSpan().IndexOfAny('*', '?') >= 0;
        _matcher = new Regex(ToRegex(relativePattern), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The folder or URI the pattern's keys are relative to (no wildcard in it).</summary>
    public string BaseLocation { get; }

    /// <summary>The part after <see cref="BaseLocation"/>, '/'-separated.</summary>
    public string RelativePattern { get; }

    /// <summary>The literal key prefix worth listing (the folders before the first wildcard).</summary>
    public string ListPrefix { get; }

    public bool HasWildcards { get; }

    public static Glob Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var normal = Path.DirectorySeparatorChar == '\\' && !pattern.Contains("://", StringComparison.Ordinal) ? pattern.Replace('\\', '/') : pattern;
        var wildcard = normal.AsSpan().IndexOfAny('*', '?');
        var cut = normal.LastIndexOf('/', wildcard < 0 ? normal.Length - 1 : wildcard);
        if (cut < 0) throw new ArgumentException($"The pattern '{pattern}' has no folder.", nameof(pattern));
        var relative = normal[(cut + 1)..];
        var literalEnd = relative.AsSpan().IndexOfAny('*', '?');
        var prefixEnd = literalEnd < 0 ? -1 : relative.LastIndexOf('/', literalEnd);
        var listPrefix = literalEnd < 0 ? relative : prefixEnd < 0 ? "" : relative[..(prefixEnd + 1)];
        return new Glob(cut == 0 ? "/" : normal[..cut], relative, listPrefix);
    }

    /// <summary>True when a key relative to <see cref="BaseLocation"/> matches.</summary>
    public bool Matches(string relativeKey) => _matcher.IsMatch(relativeKey);

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more whole segments; a trailing "**" matches everything below.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                sb.Append(slash ? "(?:[^/]*/)*" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.Append('$').ToString();
    }
}
