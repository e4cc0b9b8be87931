using System.Text;

namespace Cdp.Delta;

/// <summary>
/// Conversions between object keys, the URI-encoded paths stored in <c>add.path</c>, and Hive-escaped partition
/// folder names. A path is decoded once when read; it is never rebuilt from partition values.
/// </summary>
public static class DeltaPath
{
    public const string HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

    /// <summary>
    /// Turns an <c>add.path</c> into a key relative to the table root. Paths are percent-decoded once; absolute paths
    /// (<c>/a/b</c>, <c>file:/a/b</c>, <c>file:///a/b</c>) inside the table are made relative; any path outside the
    /// table (another scheme, another folder, or climbing out with <c>..</c>) is refused.
    /// </summary>
    public static string ToKey(string tableLocation, string path)
        => Resolve(tableLocation, path) is { Inside: true } resolved ? resolved.Path : throw DeltaErrors.AbsolutePathOutsideTable(tableLocation, path);

    /// <summary>
    /// The identity of a file during log replay: its key when it is inside the table, else its decoded absolute path.
    /// Writers spell one file several ways (<c>/a%20b</c>, <c>file:/a%20b</c>, <c>file:///a%20b</c>); a remove must
    /// cancel the add whichever spelling each used, as Spark canonicalises both before comparing.
    /// </summary>
    public static string Canonical(string tableLocation, string path) => Resolve(tableLocation, path).Path;

    private static (string Path, bool Inside) Resolve(string tableLocation, string path)
    {
        string decoded;
        if (path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // file:/p or file:///p (empty authority); System.Uri rejects some legal forms (file:/a/p@%23h), so parse by hand.
            var rest = path["file:".Length..];
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                var slash = rest.IndexOf('/', 2);
                var authority = slash < 0 ? rest[2..] : rest[2..slash];
                if (authority.Length > 0 && !authority.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return (path, false);
                rest = slash < 0 ? "/" : rest[slash..];
            }
            decoded = Uri.UnescapeDataString(rest);
        }
        else if (HasScheme(path))
        {
            return (path, false);
        }
        else
        {
            decoded = Uri.UnescapeDataString(path);
        }

        if (decoded.StartsWith('/'))
        {
            var root = tableLocation.TrimEnd('/') + "/";
            if (!decoded.StartsWith(root, StringComparison.Ordinal)) return (decoded, false);
            decoded = decoded[root.Length..];
        }
        return (decoded, !decoded.Split('/').Contains(".."));
    }

    /// <summary>Encodes a key for <c>add.path</c>: every byte outside the unreserved set, '/' and '=' is percent-encoded.</summary>
    public static string FromKey(string key)
    {
        var sb = new StringBuilder(key.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~' or '/' or '=')
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The folder name <c>column=value</c> for a partition value, escaped the way Hive and Spark escape it.</summary>
    public static string PartitionFolder(string column, string? value)
        => EscapeHive(column) + "=" + (string.IsNullOrEmpty(value) ? HiveDefaultPartition : EscapeHive(value));

    /// <summary>Hive's path-name escaping: control characters and <c>"#%'*/:=?\{[]^</c> and DEL become %XX.</summary>
    public static string EscapeHive(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c < ' ' || c == '\u007f' || "\"#%'*/:=?\\{[]^".Contains(c))
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool HasScheme(string path)
    {
        var colon = path.IndexOf(':', StringComparison.Ordinal);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return colon > 1 && (slash < 0 || colon < slash);
    }
}
