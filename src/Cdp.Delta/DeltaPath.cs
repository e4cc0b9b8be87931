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
    /// Turns an <c>add.path</c> into a key relative to the table root. Relative paths are percent-decoded;
    /// absolute <c>file:</c> URIs inside the table are made relative; any other absolute path is refused.
    /// </summary>
    public static string ToKey(string tableLocation, string path)
    {
        if (HasScheme(path))
        {
            // Spark writes local absolute paths as "file:/a/b" (no authority), a form System.Uri rejects.
            var normalised = path.StartsWith("file:/", StringComparison.Ordinal) && !path.StartsWith("file://", StringComparison.Ordinal)
                ? "file://" + path["file:".Length..]
                : path;
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri)) throw DeltaErrors.AbsolutePathOutsideTable(tableLocation, path);
            var root = tableLocation.TrimEnd('/') + "/";
            var local = uri.IsFile ? uri.LocalPath : null;
            if (local is not null && local.StartsWith(root, StringComparison.Ordinal)) return local[root.Length..];
            throw DeltaErrors.AbsolutePathOutsideTable(tableLocation, path);
        }
        return Uri.UnescapeDataString(path);
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
